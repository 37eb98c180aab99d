//! SLA end to end: `SVCDESK_NOW` walks time forward over a real desk, and `sla check`
//! answers with the monitoring-plugin exit codes.

mod common;

use common::{TestDesk, parse_csv, stderr, stdout};

/// Runs svcdesk at a given desk-local time; returns (exit code, stdout, stderr).
fn at(d: &TestDesk, when: &str, args: &[&str]) -> (i32, String, String) {
    let o = d
        .cmd()
        .env("SVCDESK_NOW", format!("{when}:00+08:00"))
        .args(args)
        .output()
        .expect("svcdesk runs");
    (o.status.code().unwrap_or(-1), stdout(&o), stderr(&o))
}

fn ok_at(d: &TestDesk, when: &str, args: &[&str]) -> String {
    let (code, out, err) = at(d, when, args);
    assert_eq!(
        code, 0,
        "svcdesk {args:?} at {when}: exit {code}\n{out}\n{err}"
    );
    out
}

/// A customer and a ticket opened at `when` with the extra `open` arguments.
fn open(d: &TestDesk, when: &str, extra: &[&str]) -> String {
    let c = d.add(&["--name", "华东机械", "--phone", "021-5555-0101"]);
    let mut args = vec![
        "ticket",
        "open",
        "--customer",
        &c,
        "--category",
        "complaint",
        "-m",
        "机器过热",
    ];
    args.extend_from_slice(extra);
    ok_at(d, when, &args).trim().to_string()
}

/// The line of a timer in the SLA section of `ticket show`.
fn sla_line(show: &str, timer: &str) -> String {
    let section = show
        .split("\nSLA:\n")
        .nth(1)
        .expect("ticket show has an SLA section");
    section
        .lines()
        .find(|l| l.split_whitespace().next() == Some(timer))
        .unwrap_or_else(|| panic!("no {timer} timer in:\n{section}"))
        .to_string()
}

fn ticket_text(d: &TestDesk, id: &str) -> String {
    let rel = format!("tickets/{}/{}/{id}.toml", &id[1..5], &id[5..7]);
    d.read(&rel)
}

#[test]
fn grade_three_respond_goes_at_risk_then_breaches_at_fifteen_minutes() {
    let d = TestDesk::new();
    let t = open(&d, "2026-11-24T10:00", &["--grade", "III"]);

    // 9 minutes in: 6 left of 15 (warn at 5): all quiet, nothing printed.
    let (code, out, err) = at(&d, "2026-11-24T10:09", &["sla", "check"]);
    assert_eq!((code, out.as_str()), (0, ""), "stderr: {err}");

    // 11 minutes in: at risk only -> warning, exit 1.
    let (code, out, _) = at(&d, "2026-11-24T10:11", &["sla", "check"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&t) && out.contains("respond") && out.contains("at-risk"),
        "{out}"
    );
    assert!(!out.contains("breached"), "{out}");

    // 16 minutes in: breached -> exit 2; CSV carries the documented columns.
    let (code, out, _) = at(&d, "2026-11-24T10:16", &["sla", "check", "--format", "csv"]);
    assert_eq!(code, 2, "{out}");
    let (header, rows) = parse_csv(&out);
    assert_eq!(
        header.join(","),
        "id,timer,state,target,basis,started,due,remaining_minutes,grade,priority,department,assignee,title,run,remaining_unit"
    );
    let respond = rows
        .iter()
        .find(|r| r[1] == "respond")
        .expect("respond row");
    assert_eq!(respond[0], t);
    assert_eq!(respond[2], "breached");
    assert_eq!(respond[3], "15m");
    assert_eq!(respond[4], "III");
    assert_eq!(respond[6], "2026-11-24T10:15:00+08:00");
    assert_eq!(respond[7], "-1");

    // JSON too.
    let (code, out, _) = at(
        &d,
        "2026-11-24T10:16",
        &["sla", "check", "--format", "json"],
    );
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|a| a["timer"] == "respond" && a["state"] == "breached")
    );
}

#[test]
fn a_timely_response_meets_the_timer() {
    let d = TestDesk::new();
    let t = open(&d, "2026-11-24T10:00", &["--grade", "III"]);
    ok_at(
        &d,
        "2026-11-24T10:10",
        &[
            "ticket",
            "respond",
            &t,
            "-m",
            "apologised, engineer on the way",
        ],
    );
    let (code, out, _) = at(&d, "2026-11-24T10:30", &["sla", "check"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let show = ok_at(&d, "2026-11-24T10:30", &["ticket", "show", &t]);
    let line = sla_line(&show, "respond");
    assert!(
        line.contains("met") && line.contains("due 2026-11-24 10:15"),
        "{line}"
    );
}

#[test]
fn waiting_pauses_the_resolve_timer() {
    let d = TestDesk::new();
    // Grade I: resolve within 24 h (warn 4 h); the medium priority's 3wd is later.
    let t = open(
        &d,
        "2026-11-24T10:00",
        &["--grade", "I", "--assignee", "wang"],
    );
    ok_at(&d, "2026-11-24T10:05", &["ticket", "accept", &t]);
    ok_at(
        &d,
        "2026-11-24T11:00",
        &["ticket", "wait", &t, "--for", "customer"],
    );

    // 26 h after opening, but 25 h of it paused: not breached.
    let (code, out, _) = at(&d, "2026-11-25T12:00", &["sla", "check"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let show = ok_at(&d, "2026-11-25T12:00", &["ticket", "show", &t]);
    let line = sla_line(&show, "resolve");
    assert!(line.contains("paused"), "{line}");

    // Resume after 25 h of waiting: due moves from Wed 10:00 to Thu 11:00.
    ok_at(&d, "2026-11-25T12:00", &["ticket", "resume", &t]);
    let (code, out, _) = at(&d, "2026-11-26T08:00", &["sla", "check"]);
    assert_eq!(code, 1, "3 h left is inside the 4 h warning: {out}");
    assert!(out.contains("2026-11-26 11:00"), "{out}");
    let (code, out, _) = at(&d, "2026-11-26T11:01", &["sla", "check"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("resolve") && out.contains("breached"), "{out}");

    // list --overdue and --due-within see the same.
    let out = ok_at(
        &d,
        "2026-11-26T11:01",
        &["ticket", "list", "--overdue", "--format", "csv"],
    );
    assert!(out.contains(&t), "{out}");
    let out = ok_at(
        &d,
        "2026-11-26T08:00",
        &["ticket", "list", "--overdue", "--format", "csv"],
    );
    assert!(!out.contains(&t), "{out}");
    let out = ok_at(
        &d,
        "2026-11-26T08:00",
        &["ticket", "list", "--due-within", "4h", "--format", "csv"],
    );
    assert!(out.contains(&t), "{out}");
    let out = ok_at(
        &d,
        "2026-11-26T08:00",
        &["ticket", "list", "--due-within", "2h", "--format", "csv"],
    );
    assert!(!out.contains(&t), "{out}");
}

#[test]
fn notify_fires_once_across_runs_and_retries_after_a_failure() {
    let d = TestDesk::new();
    let t = open(&d, "2026-11-24T10:00", &["--grade", "III"]);
    let log = d.tmp.path().join("notified.log");
    let cmd = format!(
        "echo \"$SVCDESK_ID $SVCDESK_TIMER $SVCDESK_GRADE $SVCDESK_OVERDUE_MINUTES\" >> '{}'; grep -q '\"id\"' -",
        log.display()
    );

    // A failing command: reported, retried later, and the check result still stands.
    let (code, _, err) = at(
        &d,
        "2026-11-24T10:20",
        &["sla", "check", "--notify", "exit 7"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("notify") && err.contains("retried"), "{err}");
    assert!(!ticket_text(&d, &t).contains("sla-notified"));

    let (code, _, _) = at(&d, "2026-11-24T10:20", &["sla", "check", "--notify", &cmd]);
    assert_eq!(code, 2);
    let (code, _, _) = at(&d, "2026-11-24T10:25", &["sla", "check", "--notify", &cmd]);
    assert_eq!(code, 2, "still breached, still exit 2");
    let lines = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        lines,
        format!("{t} respond III 5\n"),
        "one notification, with the details"
    );
    let text = ticket_text(&d, &t);
    assert_eq!(
        text.matches("action = \"sla-notified\"").count(),
        1,
        "{text}"
    );
    assert!(text.contains("timer = \"respond\""));
    ok_at(&d, "2026-11-24T10:25", &["check"]);
}

#[test]
fn escalate_moves_a_breached_ticket_once() {
    let d = TestDesk::new();
    let cfg = d.path("svcdesk.toml");
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str("\n[sla.escalate]\nto = \"sun\"\ngrades = [\"III\"]\ntimers = [\"respond\"]\n");
    std::fs::write(&cfg, text).unwrap();
    let t = open(&d, "2026-11-24T10:00", &["--grade", "III"]);
    let (code, _, err) = at(&d, "2026-11-24T10:20", &["sla", "check", "--escalate"]);
    assert_eq!(code, 2);
    assert!(err.contains("escalated to sun"), "{err}");
    let (code, _, err) = at(&d, "2026-11-24T10:21", &["sla", "check", "--escalate"]);
    assert_eq!(code, 2);
    assert!(!err.contains("escalated"), "only once: {err}");
    let text = ticket_text(&d, &t);
    assert_eq!(text.matches("action = \"escalate\"").count(), 1);
    assert!(text.contains("assignee = \"sun\""));
    assert!(text.contains("by = \"svcdesk\""));
}

#[test]
fn a_broken_policy_is_exit_three_naming_the_line() {
    let d = TestDesk::new();
    open(&d, "2026-11-24T10:00", &["--grade", "III"]);
    let cfg = d.path("svcdesk.toml");
    let text = std::fs::read_to_string(&cfg)
        .unwrap()
        .replace("III = \"15m\"", "III = \"15x\"");
    std::fs::write(&cfg, &text).unwrap();
    let line = text.lines().position(|l| l.contains("15x")).unwrap() + 1;
    let (code, out, err) = at(&d, "2026-11-24T10:20", &["sla", "check"]);
    assert_eq!(code, 3, "{out}{err}");
    assert!(err.contains(&format!("svcdesk.toml:{line}:")), "{err}");
    assert!(err.contains("15x"), "{err}");
}

#[test]
fn no_desk_is_exit_three_for_sla_check() {
    let tmp = tempfile::tempdir().unwrap();
    let o = common::svcdesk()
        .current_dir(tmp.path())
        .args(["sla", "check"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("no desk found"));
}

#[test]
fn status_counts_by_department_and_grade() {
    let d = TestDesk::new();
    open(&d, "2026-11-24T10:00", &["--grade", "III"]);
    let c2 = d.add(&["--name", "绿源食品", "--phone", "0571-8888-0202"]);
    ok_at(
        &d,
        "2026-11-24T10:00",
        &[
            "ticket",
            "open",
            "--customer",
            &c2,
            "--category",
            "complaint",
            "-m",
            "x",
            "--grade",
            "I",
        ],
    );
    let out = ok_at(
        &d,
        "2026-11-24T10:20",
        &["sla", "status", "--format", "csv"],
    );
    let (header, rows) = parse_csv(&out);
    assert_eq!(header.join(","), "department,grade,open,at_risk,breached");
    assert!(
        rows.contains(&vec![
            "customer-service".into(),
            "III".into(),
            "1".into(),
            "0".into(),
            "1".into()
        ]),
        "{out}"
    );
    assert!(
        rows.contains(&vec![
            "customer-service".into(),
            "I".into(),
            "1".into(),
            "0".into(),
            "0".into()
        ]),
        "{out}"
    );
}

#[test]
fn the_example_mail_hook_reports_a_breach() {
    let d = TestDesk::new();
    let t = open(&d, "2026-11-24T10:00", &["--grade", "III"]);
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/hooks/mail.sh");
    let mailbox = d.tmp.path().join("mailbox");
    let o = d
        .cmd()
        .env("SVCDESK_NOW", "2026-11-24T10:20:00+08:00")
        .env("SENDMAIL", format!("cat > '{}'", mailbox.display()))
        .args(["sla", "check", "--notify"])
        .arg(format!(
            "{} boss@example.com lead@example.com",
            script.display()
        ))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let mail = std::fs::read_to_string(&mailbox).unwrap();
    assert!(
        mail.starts_with("To: boss@example.com,lead@example.com\n"),
        "{mail}"
    );
    assert!(
        mail.contains(&format!(
            "Subject: [svcdesk] {t} SLA breach: respond 5 min over (grade III): "
        )),
        "{mail}"
    );
    assert!(
        mail.contains("Timer:      respond (due 2026-11-24T10:15:00+08:00)"),
        "{mail}"
    );
    assert!(ticket_text(&d, &t).contains("action = \"sla-notified\""));
}

/// `[calendar]` of a desk made by `init`: 2026's holidays, plus `extra` ones.
fn add_holidays(d: &TestDesk, extra: &str) {
    let text = d.read("svcdesk.toml");
    let text = text.replacen("holidays = [\n", &format!("holidays = [\n  {extra}\n"), 1);
    d.write("svcdesk.toml", text);
}

/// The clock is pinned on purpose: the last working afternoon of the year the default
/// holidays cover, so a `3wd` resolve deadline lands in the next year.
const NEW_YEARS_EVE: &str = "2026-12-31T17:00";

#[test]
fn a_deadline_in_a_year_without_holidays_is_a_warning() {
    let d = TestDesk::new();
    let t = open(&d, NEW_YEARS_EVE, &["--priority", "medium"]);
    let show = ok_at(&d, NEW_YEARS_EVE, &["ticket", "show", &t]);
    assert!(sla_line(&show, "resolve").contains("2027-01-05"), "{show}");

    let (code, out, err) = at(&d, NEW_YEARS_EVE, &["sla", "check"]);
    assert_eq!(code, 1, "a calendar gap is a warning\n{out}\n{err}");
    assert_eq!(out, "", "nothing is at risk: stdout stays empty");
    assert_eq!(
        err.lines().collect::<Vec<_>>(),
        vec![
            "warning: [calendar] lists no holidays for 2027 (svcdesk.toml); deadlines in 2027 \
             count every working weekday as a working day. Add the year's public holidays and \
             make-up days: holidays = [\"2027-01-01\", ...], makeup_days = [...]"
        ],
        "one line per missing year, not per ticket"
    );
    // A second ticket due in 2027 adds no second line; CSV and JSON stdout are unchanged.
    let c = d.add(&["--name", "华南机械", "--phone", "020-5555-0102"]);
    let args = [
        "ticket",
        "open",
        "--customer",
        &c,
        "--category",
        "consult",
        "-m",
        "x",
        "--priority",
        "low",
    ];
    ok_at(&d, NEW_YEARS_EVE, &args);
    // Stdout is what the same desk prints once its calendar lists 2027 (nothing is due).
    let mut with_gap = Vec::new();
    for format in ["csv", "json"] {
        let (code, out, err) = at(&d, NEW_YEARS_EVE, &["sla", "check", "--format", format]);
        assert_eq!(code, 1, "{format}: {err}");
        assert_eq!(err.matches("warning:").count(), 1, "{err}");
        with_gap.push(out);
    }
    let config = d.read("svcdesk.toml");
    add_holidays(&d, "\"2027-01-01\",");
    for (format, out) in ["csv", "json"].into_iter().zip(&with_gap) {
        let (code, covered, err) = at(&d, NEW_YEARS_EVE, &["sla", "check", "--format", format]);
        assert_eq!((code, err.as_str()), (0, ""), "{format}");
        assert_eq!(
            &covered, out,
            "{format}: stdout is unchanged by the warning"
        );
    }
    d.write("svcdesk.toml", config);

    // A breach still wins: exit 2, never raised to 3 and never lowered to 1.
    let (code, out, err) = at(&d, "2027-01-06T09:00", &["sla", "check"]);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(out.contains(&t) && out.contains("breached"), "{out}");
    assert!(err.contains("no holidays for 2027"), "{err}");

    // `check` says the same on stderr, and the desk is still clean: exit 0, no stdout.
    let (code, out, err) = at(&d, NEW_YEARS_EVE, &["check"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    assert!(
        err.starts_with("warning: [calendar] lists no holidays for 2027"),
        "{err}"
    );
}

#[test]
fn a_calendar_that_lists_the_year_gives_no_warning() {
    let d = TestDesk::new();
    add_holidays(
        &d,
        "\"2027-01-01\",  # 元旦 (a test's stand-in for 2027's list)",
    );
    let t = open(&d, NEW_YEARS_EVE, &["--priority", "medium"]);
    // 2027-01-01 is off now, so the deadline moves a day later.
    let show = ok_at(&d, NEW_YEARS_EVE, &["ticket", "show", &t]);
    assert!(sla_line(&show, "resolve").contains("2027-01-06"), "{show}");
    let (code, out, err) = at(&d, NEW_YEARS_EVE, &["sla", "check"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    let (code, out, err) = at(&d, NEW_YEARS_EVE, &["check"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
}

#[test]
fn today_in_a_year_without_holidays_is_a_warning_an_empty_calendar_is_not() {
    let d = TestDesk::new();
    let (code, out, err) = at(&d, "2027-01-04T10:00", &["sla", "check"]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(err.contains("no holidays for 2027"), "{err}");
    let (code, _, err) = at(&d, "2027-01-04T10:00", &["check"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("no holidays for 2027"), "{err}");

    // A desk that keeps no holidays at all chose so: silence.
    let bare = TestDesk::with_args(&["--name", "x"]);
    let text = bare.read("svcdesk.toml");
    let start = text.find("holidays = [").unwrap();
    let end = start + text[start..].find(']').unwrap() + 1;
    bare.write(
        "svcdesk.toml",
        format!("{}holidays = []{}", &text[..start], &text[end..]),
    );
    let (code, out, err) = at(&bare, "2027-01-04T10:00", &["sla", "check"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
}
