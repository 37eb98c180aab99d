//! SLA end to end: `SVCDESK_NOW` walks time forward over a real desk, and `sla check`
//! answers with the monitoring-plugin exit codes.

use std::collections::BTreeMap;

use crate::common::{
    self, TestDesk, local_at as at, local_ok as ok_at, parse_csv, parse_json,
    sla_pct_from_export as pct, stderr,
};

/// Runs svcdesk at a given desk-local time; returns (exit code, stdout, stderr).
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
    // JSON: the counts are numbers, as in `stats`.
    let j = parse_json(&ok_at(
        &d,
        "2026-11-24T10:20",
        &["sla", "status", "--format", "json"],
    ));
    assert!(
        j.as_array().unwrap().contains(&serde_json::json!({
            "department": "customer-service", "grade": "III",
            "open": 1, "at_risk": 0, "breached": 1
        })),
        "{j}"
    );
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

// ---- Timer runs: every run counted once, no silent "met", warnings in the target's own
// measure, and SLA state a script can read (issue 14's worked cases).

/// (timer, run, outcome) of every run in `ticket show --format json`.
fn runs(d: &TestDesk, when: &str, id: &str) -> Vec<(String, u64, String)> {
    let v = parse_json(&ok_at(d, when, &["ticket", "show", id, "--format", "json"]));
    v["sla"]
        .as_array()
        .expect("an sla array")
        .iter()
        .map(|r| {
            (
                r["timer"].as_str().unwrap().to_string(),
                r["run"].as_u64().unwrap(),
                r["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn of(runs: &[(String, u64, String)], timer: &str) -> Vec<String> {
    runs.iter()
        .filter(|r| r.0 == timer)
        .map(|r| r.2.clone())
        .collect()
}

/// The one data row of `stats --format csv`, by column.
fn stats(d: &TestDesk, now: &str, period: &[&str]) -> BTreeMap<String, String> {
    let mut args = vec!["stats"];
    args.extend_from_slice(period);
    args.extend(["--format", "csv"]);
    let (header, rows) = parse_csv(&ok_at(d, now, &args));
    assert_eq!(rows.len(), 1);
    header.into_iter().zip(rows[0].clone()).collect()
}

#[test]
fn a_reopen_keeps_the_breach_and_a_quarter_is_the_sum_of_its_months() {
    let d = TestDesk::new();
    // Grade I (resolve in 24 h) opened Thu Oct 29 09:00, resolved Sat Oct 31 09:00:
    // late. Reopened Mon Nov 2 10:00, resolved at 12:00: in time.
    let t = open(&d, "2026-10-29T09:00", &["--grade", "I"]);
    ok_at(
        &d,
        "2026-10-29T09:10",
        &["ticket", "accept", &t, "--as", "li"],
    );
    ok_at(
        &d,
        "2026-10-31T09:00",
        &["ticket", "resolve", &t, "-m", "fan replaced"],
    );
    ok_at(
        &d,
        "2026-11-02T10:00",
        &["ticket", "reopen", &t, "--reason", "hot again"],
    );
    ok_at(
        &d,
        "2026-11-02T12:00",
        &["ticket", "resolve", &t, "-m", "sensor replaced"],
    );

    let all = runs(&d, "2026-12-15T12:00", &t);
    assert_eq!(of(&all, "resolve"), ["breached", "met"], "{all:?}");
    // The first resolution's revisit was due Nov 1 09:00, before the reopen: breached.
    assert_eq!(of(&all, "revisit")[0], "breached", "{all:?}");

    let now = "2026-12-15T12:00";
    let oct = stats(&d, now, &["--month", "2026-10"]);
    let nov = stats(&d, now, &["--month", "2026-11"]);
    let q4 = stats(&d, now, &["--quarter", "2026Q4"]);
    assert_eq!(oct["sla_resolve_pct"], "0.0");
    assert_eq!(nov["sla_resolve_pct"], "100.0");
    assert_eq!(q4["sla_resolve_pct"], "50.0", "one breach, one met: {q4:?}");

    // Every timer: the quarter's decided runs are October's plus November's plus
    // December's, read back from `export timers`.
    let (header, rows) = parse_csv(&ok_at(&d, now, &["export", "timers"]));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let decided_in = |month: &str| {
        rows.iter()
            .filter(|r| r[col("decided")].starts_with(month))
            .count()
    };
    let counted = rows
        .iter()
        .filter(|r| !r[col("decided")].is_empty())
        .count();
    assert_eq!(
        decided_in("2026-10") + decided_in("2026-11") + decided_in("2026-12"),
        counted
    );
    assert_eq!(
        pct(&rows, &header, "resolve", "2026-"),
        q4["sla_resolve_pct"]
    );
    assert_eq!(
        pct(&rows, &header, "revisit", "2026-11"),
        nov["sla_revisit_pct"]
    );
}

#[test]
fn a_reassignment_keeps_the_accept_breach() {
    let d = TestDesk::new();
    // Assigned to wang at 09:00, not accepted for five hours, re-assigned to zhou, who
    // accepts in ten minutes.
    let t = open(&d, "2026-11-24T09:00", &["--assignee", "wang"]);
    ok_at(
        &d,
        "2026-11-24T14:00",
        &["ticket", "assign", &t, "--to", "zhou"],
    );
    ok_at(
        &d,
        "2026-11-24T14:10",
        &["ticket", "accept", &t, "--as", "zhou"],
    );
    let all = runs(&d, "2026-11-25T09:00", &t);
    assert_eq!(of(&all, "accept"), ["breached", "met"]);
    let nov = stats(&d, "2026-12-01T09:00", &["--month", "2026-11"]);
    assert_eq!(nov["sla_accept_pct"], "50.0");

    // `ticket show` lists both runs, numbered.
    let show = ok_at(&d, "2026-11-25T09:00", &["ticket", "show", &t]);
    assert!(show.contains("accept #1"), "{show}");
    assert!(show.contains("accept #2"), "{show}");
    // The register gives each run's outcome in order.
    let (header, rows) = parse_csv(&ok_at(
        &d,
        "2026-12-01T09:00",
        &["ledger", "tickets", "--month", "2026-11"],
    ));
    let i = header.iter().position(|h| h == "sla_accept").unwrap();
    assert_eq!(rows[0][i], "breached; met");
}

#[test]
fn closing_without_the_revisit_is_missed_not_met() {
    let d = TestDesk::new();
    let t = open(&d, "2026-11-24T09:00", &["--grade", "I"]);
    ok_at(
        &d,
        "2026-11-24T09:10",
        &["ticket", "accept", &t, "--as", "li"],
    );
    ok_at(
        &d,
        "2026-11-24T11:00",
        &["ticket", "resolve", &t, "-m", "reset"],
    );
    ok_at(
        &d,
        "2026-11-24T12:00",
        &["ticket", "close", &t, "--satisfaction", "4"],
    );
    let all = runs(&d, "2026-11-30T09:00", &t);
    assert_eq!(of(&all, "revisit"), ["missed"]);
    let nov = stats(&d, "2026-12-01T09:00", &["--month", "2026-11"]);
    assert_eq!(nov["sla_revisit_pct"], "0.0");
    assert_eq!(nov["revisit_rate"], "0.0");
    // accept and resolve met; revisit missed: 2 of 3.
    assert_eq!(nov["sla_overall_pct"], "66.7");
}

#[test]
fn an_optional_timer_closed_without_its_stop_is_not_counted() {
    let d = TestDesk::new();
    let config = d.read("svcdesk.toml").replace(
        "[sla.timers.revisit]\nstart = \"resolve\"",
        "[sla.timers.revisit]\noptional = true\nstart = \"resolve\"",
    );
    d.write("svcdesk.toml", config);
    let t = open(&d, "2026-11-24T09:00", &["--grade", "I"]);
    ok_at(
        &d,
        "2026-11-24T09:10",
        &["ticket", "accept", &t, "--as", "li"],
    );
    ok_at(
        &d,
        "2026-11-24T11:00",
        &["ticket", "resolve", &t, "-m", "reset"],
    );
    ok_at(&d, "2026-11-24T12:00", &["ticket", "close", &t]);
    assert_eq!(of(&runs(&d, "2026-11-30T09:00", &t), "revisit"), ["n/a"]);
    let nov = stats(&d, "2026-12-01T09:00", &["--month", "2026-11"]);
    assert_eq!(nov["sla_revisit_pct"], "");
    assert_eq!(nov["sla_overall_pct"], "100.0");
}

#[test]
fn a_ticket_settled_on_the_call_misses_nothing() {
    let d = TestDesk::new();
    let t = open(
        &d,
        "2026-11-24T09:00",
        &["--grade", "II", "--resolved-on-call", "explained the reset"],
    );
    let all = runs(&d, "2026-11-30T09:00", &t);
    assert_eq!(of(&all, "accept"), ["met"]);
    assert_eq!(of(&all, "respond"), ["met"]);
    assert_eq!(of(&all, "resolve"), ["met"]);
    assert_eq!(
        of(&all, "revisit"),
        ["n/a"],
        "nothing to follow up: {all:?}"
    );
    let nov = stats(&d, "2026-12-01T09:00", &["--month", "2026-11"]);
    assert_eq!(nov["sla_overall_pct"], "100.0");
}

#[test]
fn warn_on_a_working_day_target_is_working_time() {
    let d = TestDesk::new();
    // Priority medium (resolve 3wd, warn 4h), opened Wed Nov 25 09:30: due Mon Nov 30
    // 09:30. Four working hours before that is Friday 14:30.
    let t = open(&d, "2026-11-25T09:30", &["--priority", "medium"]);
    ok_at(
        &d,
        "2026-11-25T09:40",
        &["ticket", "accept", &t, "--as", "li"],
    );
    let (code, out, err) = at(&d, "2026-11-27T14:29", &["sla", "check"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    let (code, out, _) = at(&d, "2026-11-27T17:00", &["sla", "check"]);
    assert_eq!(code, 1, "Friday 17:00 is at risk, not Monday 06:00: {out}");
    assert!(out.contains("at-risk") && out.contains("resolve"), "{out}");
    // 17:00-18:00 on Friday and 09:00-09:30 on Monday: working time, said so.
    assert!(out.contains("1bh 30bm"), "{out}");

    let json = parse_json(&ok_at_code(
        &d,
        "2026-11-27T17:00",
        1,
        &["sla", "check", "--format", "json"],
    ));
    let alert = &json.as_array().unwrap()[0];
    assert_eq!(alert["remaining_minutes"], 90);
    assert_eq!(alert["remaining_unit"], "working");

    let show = ok_at(&d, "2026-11-27T17:00", &["ticket", "show", &t]);
    assert!(show.contains("1bh 30bm left"), "{show}");
    let list = ok_at(
        &d,
        "2026-11-27T17:00",
        &["ticket", "list", "--open", "--sla", "--format", "csv"],
    );
    let (header, rows) = parse_csv(&list);
    let row: BTreeMap<_, _> = header.iter().zip(&rows[0]).collect();
    assert_eq!(row[&"sla_timer".to_string()], "resolve");
    assert_eq!(row[&"sla_state".to_string()], "at-risk");
    assert_eq!(row[&"sla_remaining_minutes".to_string()], "90");
    assert_eq!(row[&"sla_remaining_unit".to_string()], "working");
    assert_eq!(row[&"sla_due".to_string()], "2026-11-30T09:30:00+08:00");
}

fn ok_at_code(d: &TestDesk, when: &str, want: i32, args: &[&str]) -> String {
    let (code, out, err) = at(d, when, args);
    assert_eq!(code, want, "svcdesk {args:?}: {out}\n{err}");
    out
}

#[test]
fn scripts_always_get_a_whole_document() {
    let d = TestDesk::new();
    let t = open(&d, "2026-11-24T09:00", &["--grade", "I"]);
    ok_at(
        &d,
        "2026-11-24T09:10",
        &["ticket", "accept", &t, "--as", "li"],
    );
    // Nothing due: the table stays silent for cron, JSON is [], CSV is its header.
    let (code, out, _) = at(&d, "2026-11-24T09:20", &["sla", "check"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let json = ok_at(
        &d,
        "2026-11-24T09:20",
        &["sla", "check", "--format", "json"],
    );
    assert_eq!(parse_json(&json), serde_json::json!([]));
    let csv = ok_at(&d, "2026-11-24T09:20", &["sla", "check", "--format", "csv"]);
    assert_eq!(
        csv,
        "id,timer,state,target,basis,started,due,remaining_minutes,grade,priority,\
         department,assignee,title,run,remaining_unit\n"
    );
    // Every timer run of the ticket, parsed from show, list --sla and export.
    let show = parse_json(&ok_at(
        &d,
        "2026-11-24T09:20",
        &["ticket", "show", &t, "--format", "json"],
    ));
    let resolve = show["sla"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["timer"] == "resolve")
        .unwrap();
    assert_eq!(resolve["outcome"], "running");
    assert_eq!(resolve["due"], "2026-11-25T09:00:00+08:00");
    assert_eq!(resolve["remaining_minutes"], 23 * 60 + 40);
    assert_eq!(resolve["remaining_unit"], "wall");
    assert_eq!(resolve["decided"], serde_json::Value::Null);
    let list = parse_json(&ok_at(
        &d,
        "2026-11-24T09:20",
        &["ticket", "list", "--sla", "--format", "json"],
    ));
    assert_eq!(list[0]["sla"], show["sla"]);
    let export = parse_json(&ok_at(
        &d,
        "2026-11-24T09:20",
        &["export", "timers", "--format", "json"],
    ));
    assert_eq!(
        export.as_array().unwrap().len(),
        show["sla"].as_array().unwrap().len()
    );
    assert_eq!(export[0]["ticket"], t.as_str());
}
