//! Timer targets keyed by channel, category and department, and the manual `forward`
//! step (issue 23). Worked out by hand against the Shanghai calendar of a fresh desk
//! (Mon–Fri, 09:00–12:00 and 13:30–18:00, no holidays): 2026-12-04 is a Friday, so one
//! working day from Fri 15:00 is Mon 2026-12-07 15:00. Times are pinned with SVCDESK_NOW.

use crate::common::{TestDesk, stderr, stdout};

fn at(d: &TestDesk, when: &str, args: &[&str]) -> (i32, String, String) {
    let o = d
        .cmd()
        .env("SVCDESK_NOW", format!("{when}:00+08:00"))
        .args(args)
        .output()
        .expect("svcdesk runs");
    (o.status.code().unwrap_or(-1), stdout(&o), stderr(&o))
}

fn ok_at(d: &TestDesk, when: &str, args: &[&str]) -> (String, String) {
    let (code, out, err) = at(d, when, args);
    assert_eq!(
        code, 0,
        "svcdesk {args:?} at {when}: exit {code}\n{out}\n{err}"
    );
    (out, err)
}

/// A fresh desk with `[routing] manual` set to `manual` (the default config routes
/// written forms by hand) and `timers` appended.
fn desk(manual: &str, timers: &str) -> TestDesk {
    let d = TestDesk::new();
    let text = d.read("svcdesk.toml");
    let default = "\nmanual = [\"written\"]\n";
    assert!(
        text.contains(default),
        "the default config routes written forms by hand"
    );
    let text = text.replacen(default, &format!("\nmanual = {manual}\n"), 1);
    d.write("svcdesk.toml", format!("{text}\n{timers}"));
    d
}

/// Opens a ticket on Friday 2026-12-04 at 15:00 with `args`; returns its ID.
fn open(d: &TestDesk, customer: &str, args: &[&str]) -> String {
    let mut all = vec!["ticket", "open", "--customer", customer];
    all.extend_from_slice(args);
    ok_at(d, "2026-12-04T15:00", &all).0.trim().to_string()
}

/// The lines of `ticket show`'s SLA section for `timer`, at `when`.
fn sla_lines(d: &TestDesk, when: &str, id: &str, timer: &str) -> Vec<String> {
    let show = ok_at(d, when, &["ticket", "show", id]).0;
    let section = show.split("\nSLA:\n").nth(1).unwrap_or("");
    section
        .lines()
        .filter(|l| l.split_whitespace().next() == Some(timer))
        .map(str::to_string)
        .collect()
}

fn ticket_file(d: &TestDesk, id: &str) -> String {
    d.read(&format!("tickets/{}/{}/{id}.toml", &id[1..5], &id[5..7]))
}

const FORWARD: &str = r#"
[sla.timers.k-forward]
start = "open"
stop = "forward"
target = { "channel:written" = "1wd" }
"#;

#[test]
fn a_written_complaint_forwarded_after_a_working_day_across_a_weekend_breaches_one_in_time_is_met()
{
    let d = desk(r#"["written"]"#, FORWARD);
    let c = d.add(&["--name", "华东机械", "--phone", "021-5555-0101"]);
    let late = open(
        &d,
        &c,
        &[
            "--category",
            "complaint",
            "--channel",
            "written",
            "-m",
            "书面投诉甲",
        ],
    );
    let prompt = open(
        &d,
        &c,
        &[
            "--category",
            "complaint",
            "--channel",
            "written",
            "-m",
            "书面投诉乙",
        ],
    );
    let email = open(
        &d,
        &c,
        &[
            "--category",
            "complaint",
            "--channel",
            "email",
            "-m",
            "邮件投诉",
        ],
    );

    // A written complaint waits in the intake, `new`, with no department; an email one
    // is routed by its category as ever.
    let (_, err) = ok_at(&d, "2026-12-04T15:00", &["ticket", "show", &late]);
    assert_eq!(err, "");
    let file = ticket_file(&d, &late);
    assert!(!file.contains("action = \"assign\""), "{file}");
    assert!(ticket_file(&d, &email).contains("department = \"customer-service\""));
    let (list, _) = ok_at(
        &d,
        "2026-12-04T15:05",
        &["ticket", "list", "--unforwarded", "--format", "csv"],
    );
    let ids: Vec<&str> = list
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let mut want = vec![late.as_str(), prompt.as_str()];
    want.sort();
    assert_eq!(ids, want, "{list}");

    // Monday 14:00, an hour before the deadline: one is forwarded in time.
    ok_at(
        &d,
        "2026-12-07T14:00",
        &[
            "ticket",
            "forward",
            &prompt,
            "--to",
            "quality",
            "-m",
            "批次问题",
        ],
    );
    // 14:30: nothing of k-forward is breached yet.
    let (_, out, _) = at(&d, "2026-12-07T14:30", &["sla", "check", "--format", "csv"]);
    assert!(!out.lines().any(|l| l.contains("k-forward")), "{out}");
    // 16:00: the other passed its deadline, Monday 15:00 (the weekend does not count).
    let (code, out, _) = at(&d, "2026-12-07T16:00", &["sla", "check", "--format", "csv"]);
    assert_eq!(code, 2, "{out}");
    let row = out
        .lines()
        .find(|l| l.contains(&late) && l.contains("k-forward"))
        .unwrap_or_else(|| panic!("the late one is reported:\n{out}"));
    assert!(
        row.contains(
            ",breached,1wd,channel:written,2026-12-04T15:00:00+08:00,2026-12-07T15:00:00+08:00,"
        ),
        "{row}"
    );
    assert!(
        !out.lines()
            .any(|l| l.contains(&prompt) && l.contains("k-forward")),
        "{out}"
    );

    ok_at(
        &d,
        "2026-12-07T16:00",
        &["ticket", "forward", &late, "--to", "quality"],
    );
    let line = &sla_lines(&d, "2026-12-07T16:30", &late, "k-forward")[0];
    assert!(
        line.contains("breached")
            && line.contains("1wd (channel:written)")
            && line.contains("due 2026-12-07 15:00")
            && line.contains("ended 2026-12-07 16:00"),
        "{line}"
    );
    let line = &sla_lines(&d, "2026-12-07T16:30", &prompt, "k-forward")[0];
    assert!(
        line.contains("met") && line.contains("ended 2026-12-07 14:00"),
        "{line}"
    );
    // The channel key applies to that channel only: the email complaint has no such run.
    assert!(sla_lines(&d, "2026-12-07T16:30", &email, "k-forward").is_empty());

    // On disk: a `forward` event to the department, with its note; the ticket is
    // assigned to the department and the intake is empty.
    let file = ticket_file(&d, &prompt);
    assert!(
        file.contains("action = \"forward\"\ndepartment = \"quality\"\ntext = \"批次问题\""),
        "{file}"
    );
    let (show, _) = ok_at(
        &d,
        "2026-12-07T16:30",
        &["ticket", "show", &prompt, "--format", "json"],
    );
    let t = crate::common::parse_json(&show);
    assert_eq!(t["state"], "assigned", "{show}");
    assert_eq!(t["department"], "quality", "{show}");
    let (list, _) = ok_at(
        &d,
        "2026-12-07T16:30",
        &["ticket", "list", "--unforwarded", "--format", "csv"],
    );
    assert_eq!(list.lines().count(), 1, "only the header:\n{list}");
}

#[test]
fn a_manual_channel_routed_at_registration_is_forwarded_then_and_there() {
    let d = desk(r#"["written"]"#, FORWARD);
    let c = d.add(&["--name", "华东机械", "--phone", "021-5555-0101"]);
    let t = open(
        &d,
        &c,
        &[
            "--category",
            "complaint",
            "--channel",
            "written",
            "--department",
            "quality",
            "-m",
            "书面投诉",
        ],
    );
    let file = ticket_file(&d, &t);
    assert!(
        file.contains(
            "action = \"forward\"\ndepartment = \"quality\"\nreason = \"routed by hand\""
        ),
        "{file}"
    );
    let line = &sla_lines(&d, "2026-12-07T16:30", &t, "k-forward")[0];
    assert!(
        line.contains("met") && line.contains("ended 2026-12-04 15:00"),
        "{line}"
    );
}

#[test]
fn forward_refuses_an_unknown_department_and_needs_one() {
    let d = desk(r#"["written"]"#, FORWARD);
    let c = d.add(&["--name", "华东机械", "--phone", "021-5555-0101"]);
    let t = open(
        &d,
        &c,
        &[
            "--category",
            "complaint",
            "--channel",
            "written",
            "-m",
            "书面投诉",
        ],
    );
    let before = ticket_file(&d, &t);
    let (code, out, err) = at(
        &d,
        "2026-12-04T16:00",
        &["ticket", "forward", &t, "--to", "qualty"],
    );
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(err.contains("qualty") && err.contains("quality"), "{err}");
    assert_eq!(ticket_file(&d, &t), before, "nothing written");
    let (code, _, err) = at(&d, "2026-12-04T16:00", &["ticket", "forward", &t]);
    assert_eq!(code, 2, "--to is required: {err}");
}

#[test]
fn category_and_department_keys_take_the_run_start_and_the_earliest_deadline_wins() {
    let d = desk(
        "[]",
        r#"
[sla.timers.k-quality]
start = "open"
stop = "resolve"
target = { "category:quality" = "48h", "department:quality" = "8h" }
"#,
    );
    let c = d.add(&["--name", "华东机械", "--phone", "021-5555-0101"]);
    // Routed to quality by its category: both keys match, 8 hours is the earlier.
    let both = open(&d, &c, &["--category", "quality", "-m", "外壳开裂"]);
    // A quality case routed by hand to service: only the category key matches.
    let by_hand = open(
        &d,
        &c,
        &[
            "--category",
            "quality",
            "--department",
            "service",
            "-m",
            "批次异响",
        ],
    );
    // Neither key: no run at all.
    let consult = open(&d, &c, &["--category", "consult", "-m", "咨询保修"]);

    let line = &sla_lines(&d, "2026-12-04T16:00", &both, "k-quality")[0];
    assert!(
        line.contains("8h (department:quality)") && line.contains("due 2026-12-04 23:00"),
        "{line}"
    );
    let line = &sla_lines(&d, "2026-12-04T16:00", &by_hand, "k-quality")[0];
    assert!(
        line.contains("48h (category:quality)") && line.contains("due 2026-12-06 15:00"),
        "{line}"
    );
    assert!(sla_lines(&d, "2026-12-04T16:00", &consult, "k-quality").is_empty());

    // Routing later does not rewrite the run: forwarded to quality at 16:00, the hand-
    // routed one keeps the target it started with, and the other keeps its 8 hours
    // after it moved to service.
    ok_at(
        &d,
        "2026-12-04T16:00",
        &["ticket", "forward", &by_hand, "--to", "quality"],
    );
    ok_at(
        &d,
        "2026-12-04T16:00",
        &["ticket", "forward", &both, "--to", "service"],
    );
    let line = &sla_lines(&d, "2026-12-05T00:00", &by_hand, "k-quality")[0];
    assert!(
        line.contains("running") && line.contains("(category:quality)"),
        "{line}"
    );
    let line = &sla_lines(&d, "2026-12-05T00:00", &both, "k-quality")[0];
    assert!(
        line.contains("breached") && line.contains("(department:quality)"),
        "{line}"
    );
}

/// `svcdesk check` on a desk whose timer has `target` fails; with the `LINE:COLUMN` of
/// the value `"1wd"` in it (a bad key is pointed at its value, like every config error).
fn bad_target(target: &str) -> (String, String) {
    let d = TestDesk::new();
    let text = format!(
        "{}\n[sla.timers.k-bad]\nstart = \"open\"\nstop = \"forward\"\ntarget = {{ {target} }}\n",
        d.read("svcdesk.toml")
    );
    let line = text.lines().count();
    let last = text.lines().last().unwrap();
    let column = last.find("\"1wd\"").map_or(0, |c| c + 1);
    d.write("svcdesk.toml", &text);
    let err = d.fails(1, &["check"]);
    (err, format!("{line}:{column}"))
}

#[test]
fn a_bad_key_is_reported_at_its_line_with_the_nearest_name() {
    let (err, line) = bad_target(r#""channel:writen" = "1wd""#);
    assert!(
        err.contains(&format!("svcdesk.toml:{line}: sla.timers.k-bad.target.\"channel:writen\" = \"1wd\": \"writen\" is not a channel (did you mean \"written\"?)")),
        "{err}"
    );
    let (err, line) = bad_target(r#"II = "48h", "department:qualty" = "1wd""#);
    assert!(
        err.contains(&format!("svcdesk.toml:{line}: "))
            && err.contains(
                "\"qualty\" is not a department of this desk (did you mean \"quality\"?)"
            ),
        "{err}"
    );
    let (err, _) = bad_target(r#""category:qualty" = "1wd""#);
    assert!(
        err.contains("\"qualty\" is not a category of this desk (did you mean \"quality\"?)"),
        "{err}"
    );
    let (err, _) = bad_target(r#""colour:red" = "1wd""#);
    assert!(err.contains("\"colour:red\" is not a target key"), "{err}");

    let d = TestDesk::new();
    let text =
        d.read("svcdesk.toml")
            .replacen("manual = [\"written\"]", "manual = [\"writen\"]", 1);
    d.write("svcdesk.toml", &text);
    let err = d.fails(1, &["check"]);
    assert!(
        err.contains("routing.manual[0]") && err.contains("(did you mean \"written\"?)"),
        "{err}"
    );
}
