//! End-to-end: site visits (外出服务) — `visit request|approve|reject|schedule|start|
//! escalate|show|list`, the roles of `[visits] approvers`, the appointment and the 24-hour
//! escalation as timer runs in `visit show` and `sla check`, and `report add --visit`
//! completing a visit. Times are worked out by hand below; the clock is Shanghai time.

use crate::common::staff::{CHEN, LI, SUN, WANG, roster};
use crate::common::{TestDesk, parse_csv, parse_json, stderr, stdout};

/// `svcdesk` as `user` at `now` ("12-02 09:00" = 2026-12-02 09:00 +08:00).
fn run(desk: &TestDesk, now: &str, user: &str, args: &[&str]) -> std::process::Output {
    desk.cmd()
        .env("SVCDESK_NOW", format!("2026-{now}:00+08:00"))
        .env("SVCDESK_USER", user)
        .args(args)
        .output()
        .expect("svcdesk runs")
}

fn ok(desk: &TestDesk, now: &str, user: &str, args: &[&str]) -> String {
    let o = run(desk, now, user, args);
    assert!(
        o.status.success(),
        "svcdesk {args:?} failed with {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

/// Runs, asserts the exit code and an empty stdout, returns stderr.
fn fails(desk: &TestDesk, code: i32, now: &str, user: &str, args: &[&str]) -> String {
    let o = run(desk, now, user, args);
    assert_eq!(
        o.status.code(),
        Some(code),
        "svcdesk {args:?}: expected exit {code}\nstdout:\n{}\nstderr:\n{}",
        stdout(&o),
        stderr(&o)
    );
    assert_eq!(stdout(&o), "");
    stderr(&o)
}

/// A desk with staff (li agent, wang engineer, sun supervisor, chen gm), a customer and
/// a ticket; returns the desk and the ticket's ID.
fn desk() -> (TestDesk, String) {
    let desk = TestDesk::new();
    desk.append_config(&roster(&[LI, WANG, SUN, CHEN]));
    let c = ok(
        &desk,
        "12-01 09:00",
        "li",
        &["customer", "add", "--name", "华东机械"],
    );
    let t = ok(
        &desk,
        "12-01 09:00",
        "li",
        &[
            "ticket",
            "open",
            "--customer",
            c.trim(),
            "--category",
            "quality",
            "-m",
            "X200 stops after an hour",
        ],
    );
    (desk, t.trim().to_string())
}

fn request(desk: &TestDesk, ticket: &str) -> String {
    let out = ok(
        desk,
        "12-01 10:00",
        "li",
        &[
            "visit",
            "request",
            ticket,
            "--type",
            "problem-handling",
            "--scope",
            "replace the drive board",
            "--resources",
            "one engineer, a drive board",
            "--date",
            "+2d",
        ],
    );
    let id = out.trim_end().to_string();
    assert!(
        id.starts_with("V20261201-") && id.len() == 16 && !id.contains('\n'),
        "request printed {out:?}, not an ID"
    );
    id
}

fn rel(id: &str) -> String {
    format!("visits/{}/{}/{id}.toml", &id[1..5], &id[5..7])
}

fn toml_of(desk: &TestDesk, id: &str) -> toml::Table {
    desk.read(&rel(id)).parse().expect("a visit is TOML")
}

/// The runs of `visit show --format json` as (timer, outcome).
fn runs(desk: &TestDesk, now: &str, id: &str) -> Vec<(String, String)> {
    let j = parse_json(&ok(
        desk,
        now,
        "li",
        &["visit", "show", id, "--format", "json"],
    ));
    j["timers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["timer"].as_str().unwrap().to_string(),
                r["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn approved_and_scheduled(desk: &TestDesk, ticket: &str) -> String {
    let v = request(desk, ticket);
    ok(desk, "12-01 11:00", "sun", &["visit", "approve", &v]);
    ok(
        desk,
        "12-01 12:00",
        "li",
        &[
            "visit",
            "schedule",
            &v,
            "--engineer",
            "wang",
            "--for",
            "2026-12-03 09:00",
        ],
    );
    v
}

#[test]
fn a_visit_from_request_to_report() {
    let (desk, ticket) = desk();
    let v = request(&desk, &ticket);
    let t = toml_of(&desk, &v);
    assert_eq!(t["state"].as_str(), Some("requested"));
    assert_eq!(t["ticket"].as_str(), Some(ticket.as_str()));
    assert_eq!(t["service_type"].as_str(), Some("problem-handling"));
    // +2d from 12-01.
    assert_eq!(t["date"].to_string(), "2026-12-03");
    assert_eq!(t["event"].as_array().unwrap().len(), 1);

    // Out of order: the refusal names the state and what it allows.
    let err = fails(&desk, 1, "12-01 10:30", "wang", &["visit", "start", &v]);
    assert!(
        err.contains(
            "cannot start: the visit is requested; allowed from requested: approve, reject"
        ),
        "{err}"
    );
    // An agent may not approve; the refusal names the roles and who has them.
    let err = fails(&desk, 1, "12-01 10:30", "li", &["visit", "approve", &v]);
    assert!(
        err.contains("li may not approve a visit request: it needs the role supervisor or head"),
        "{err}"
    );
    assert!(err.contains("ask sun"), "{err}");
    assert_eq!(toml_of(&desk, &v)["state"].as_str(), Some("requested"));

    ok(
        &desk,
        "12-01 11:00",
        "sun",
        &["visit", "approve", &v, "-m", "take a board from stock"],
    );
    let before = desk.read(&rel(&v));
    ok(
        &desk,
        "12-01 12:00",
        "li",
        &[
            "visit",
            "schedule",
            &v,
            "--engineer",
            "wang",
            "--for",
            "2026-12-03 09:00",
        ],
    );
    let after = desk.read(&rel(&v));
    assert!(after.starts_with(&before[..before.find("[[event]]").unwrap()].replace(
        "state = \"approved\"",
        "state = \"scheduled\""
    ).replace("decided_by = \"sun\"\n", "decided_by = \"sun\"\nengineer = \"wang\"\nappointment = 2026-12-03T09:00:00+08:00\n")), "only the changed lines change:\n{after}");
    assert!(after.ends_with(
        "[[event]]\nat = 2026-12-01T12:00:00+08:00\nby = \"li\"\naction = \"schedule\"\nengineer = \"wang\"\nappointment = 2026-12-03T09:00:00+08:00\n"
    ), "{after}");

    // Before the appointment: nothing to report. After it, nobody on site: a breach.
    let o = run(
        &desk,
        "12-03 08:00",
        "li",
        &["sla", "check", "--format", "csv"],
    );
    assert!(!stdout(&o).contains(&v), "{}", stdout(&o));
    let o = run(
        &desk,
        "12-03 09:30",
        "li",
        &["sla", "check", "--format", "csv"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let (head, rows) = parse_csv(&stdout(&o));
    let row = rows
        .iter()
        .find(|r| r[0] == v)
        .expect("the visit is reported");
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    assert_eq!(row[col("timer")], "appointment");
    assert_eq!(row[col("state")], "breached");
    assert_eq!(row[col("due")], "2026-12-03T09:00:00+08:00");
    assert_eq!(row[col("remaining_minutes")], "-30");
    assert_eq!(row[col("assignee")], "wang");

    // Arrived 09:20, 20 minutes late: the appointment run is breached and over.
    ok(
        &desk,
        "12-03 09:40",
        "wang",
        &["visit", "start", &v, "--at", "2026-12-03 09:20"],
    );
    assert_eq!(toml_of(&desk, &v)["state"].as_str(), Some("on-site"));
    let o = run(
        &desk,
        "12-03 09:40",
        "li",
        &["sla", "check", "--format", "csv"],
    );
    assert!(!stdout(&o).contains(&v), "{}", stdout(&o));
    assert_eq!(
        runs(&desk, "12-03 09:40", &v),
        [
            ("appointment".to_string(), "breached".to_string()),
            ("site-escalation".to_string(), "running".to_string())
        ]
    );

    // Escalation: --to is required (usage, exit 2); within 24 h it is met.
    let err = fails(
        &desk,
        2,
        "12-03 15:00",
        "wang",
        &["visit", "escalate", &v, "-m", "frame cracked"],
    );
    assert!(err.contains("--to"), "{err}");
    let o = run(
        &desk,
        "12-04 09:00",
        "wang",
        &[
            "visit",
            "escalate",
            &v,
            "--to",
            "sun",
            "-m",
            "frame cracked",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("breached"), "{}", stderr(&o));
    assert_eq!(
        runs(&desk, "12-04 09:00", &v)[1],
        ("site-escalation".into(), "met".into())
    );

    // The report completes the visit and takes what it does not say from it.
    let r = ok(
        &desk,
        "12-04 18:00",
        "wang",
        &[
            "report",
            "add",
            "--visit",
            &v,
            "-m",
            "drive board replaced",
            "--left",
            "2026-12-03 16:00",
            "--outcome",
            "resolved",
        ],
    );
    let r = r.trim();
    let report: toml::Table = desk
        .read(&format!("reports/2026/12/{r}.toml"))
        .parse()
        .unwrap();
    assert_eq!(report["visit"].as_str(), Some(v.as_str()));
    assert_eq!(report["ticket"].as_str(), Some(ticket.as_str()));
    assert_eq!(report["engineer"].as_str(), Some("wang"));
    assert_eq!(report["service_type"].as_str(), Some("problem-handling"));
    assert_eq!(report["arrived"].to_string(), "2026-12-03T09:20:00+08:00");
    assert_eq!(report["escalated"].as_bool(), Some(true));
    assert_eq!(report["escalated_to"].as_str(), Some("sun"));
    let t = toml_of(&desk, &v);
    assert_eq!(t["state"].as_str(), Some("done"));
    assert_eq!(t["report"].as_str(), Some(r));
    // Done once: a second report is refused, and nothing is written.
    let reports = std::fs::read_dir(desk.path("reports/2026/12"))
        .unwrap()
        .count();
    let err = fails(
        &desk,
        1,
        "12-04 18:30",
        "wang",
        &["report", "add", "--visit", &v, "-m", "again"],
    );
    assert!(
        err.contains("the visit is done; allowed from done: escalate"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_dir(desk.path("reports/2026/12"))
            .unwrap()
            .count(),
        reports
    );

    let show = ok(&desk, "12-05 09:00", "li", &["visit", "show", &v]);
    for line in [
        "state         done",
        "arrived       2026-12-03 09:20",
        "escalated     2026-12-04 09:00 to sun",
        "appointment #1: breached (due 2026-12-03 09:00, ended 2026-12-03 09:20)",
        "site-escalation #1: met (due 2026-12-04 09:20, ended 2026-12-04 09:00)",
    ] {
        assert!(show.contains(line), "{line:?} not in\n{show}");
    }
    ok(&desk, "12-05 09:00", "li", &["check"]);
}

#[test]
fn an_escalation_after_24_hours_is_recorded_as_breached() {
    let (desk, ticket) = desk();
    let v = approved_and_scheduled(&desk, &ticket);
    ok(&desk, "12-03 08:55", "wang", &["visit", "start", &v]);
    assert_eq!(
        runs(&desk, "12-03 09:00", &v)[0].1,
        "met",
        "arrived before 09:00"
    );
    // Nothing escalated: no alert while the 24 hours run, n/a after them.
    let o = run(
        &desk,
        "12-04 08:00",
        "li",
        &["sla", "check", "--format", "csv"],
    );
    assert!(!stdout(&o).contains(&v), "{}", stdout(&o));
    assert_eq!(runs(&desk, "12-04 09:00", &v)[1].1, "n/a");
    // 24 h 5 m after arrival: recorded, with a warning, and breached.
    let o = run(
        &desk,
        "12-04 09:00",
        "wang",
        &[
            "visit",
            "escalate",
            &v,
            "--to",
            "sun",
            "-m",
            "the frame is cracked",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("escalated 1d 0h 05m after arrival, later than the 24 hours owed"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        runs(&desk, "12-04 09:00", &v)[1],
        ("site-escalation".into(), "breached".into())
    );
    assert_eq!(toml_of(&desk, &v)["escalated_to"].as_str(), Some("sun"));
}

#[test]
fn a_rejected_request_is_final_and_needs_a_reason() {
    let (desk, ticket) = desk();
    let v = request(&desk, &ticket);
    let err = fails(&desk, 1, "12-01 11:00", "sun", &["visit", "reject", &v]);
    assert!(err.contains("reject needs a reason"), "{err}");
    ok(
        &desk,
        "12-01 11:00",
        "sun",
        &["visit", "reject", &v, "-m", "solve it by phone first"],
    );
    let t = toml_of(&desk, &v);
    assert_eq!(t["state"].as_str(), Some("rejected"));
    assert_eq!(t["decided_by"].as_str(), Some("sun"));
    let err = fails(&desk, 1, "12-01 12:00", "sun", &["visit", "approve", &v]);
    assert!(
        err.contains("cannot approve: the visit is rejected"),
        "{err}"
    );
    assert!(err.contains("request a new visit"), "{err}");
    // Listing by state.
    let list = ok(
        &desk,
        "12-01 12:00",
        "li",
        &["visit", "list", "--state", "rejected", "--format", "csv"],
    );
    let (head, rows) = parse_csv(&list);
    assert_eq!(head[..3], ["id", "state", "ticket"]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], v);
    let none = run(
        &desk,
        "12-01 12:00",
        "li",
        &["visit", "list", "--state", "requested"],
    );
    assert_eq!(stdout(&none), "");
    assert!(stderr(&none).contains("no visits match"));
}

#[test]
fn the_approver_roles_come_from_the_config() {
    let (desk, ticket) = desk();
    // `init` wrote the default section; a desk changes it in place.
    let config = desk.read("svcdesk.toml");
    assert!(config.contains("[visits]\napprovers = [\"supervisor\", \"head\"]\n"));
    desk.write(
        "svcdesk.toml",
        config.replace(
            "approvers = [\"supervisor\", \"head\"]",
            "approvers = [\"manager\"]",
        ),
    );
    let v = request(&desk, &ticket);
    let err = fails(&desk, 1, "12-01 11:00", "sun", &["visit", "approve", &v]);
    assert!(
        err.contains("sun may not approve a visit request: it needs the role manager"),
        "{err}"
    );
    assert!(err.contains("ask chen"), "{err}");
    ok(&desk, "12-01 11:00", "chen", &["visit", "approve", &v]);
    // An unknown role is a config error naming the key.
    let text = desk
        .read("svcdesk.toml")
        .replace("approvers = [\"manager\"]", "approvers = [\"boss\"]");
    desk.write("svcdesk.toml", text);
    let o = run(&desk, "12-01 11:00", "li", &["visit", "list"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("unknown role \"boss\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_moved_appointment_is_not_a_broken_one() {
    let (desk, ticket) = desk();
    let v = approved_and_scheduled(&desk, &ticket);
    ok(
        &desk,
        "12-02 17:00",
        "li",
        &[
            "visit",
            "schedule",
            &v,
            "--engineer",
            "wang",
            "--for",
            "2026-12-04 09:00",
        ],
    );
    let o = run(
        &desk,
        "12-03 10:00",
        "li",
        &["sla", "check", "--format", "csv"],
    );
    assert!(!stdout(&o).contains(&v), "{}", stdout(&o));
    assert_eq!(
        runs(&desk, "12-03 10:00", &v),
        [
            ("appointment".to_string(), "restarted".to_string()),
            ("appointment".to_string(), "running".to_string())
        ]
    );
}

/// A report with `extra` fields, written now by wang for the desk's ticket; returns its ID.
fn report(desk: &TestDesk, ticket: &str, extra: &[&str]) -> String {
    let mut args = vec!["report", "add", "--ticket", ticket, "--type", "training"];
    args.extend_from_slice(extra);
    ok(desk, "12-04 18:00", "wang", &args).trim().to_string()
}

fn report_toml(desk: &TestDesk, id: &str) -> toml::Table {
    desk.read(&format!("reports/2026/12/{id}.toml"))
        .parse()
        .unwrap()
}

#[test]
fn a_report_is_submitted_complete_and_reviewed_by_a_supervisor() {
    let (desk, ticket) = desk();
    let r = report(&desk, &ticket, &["-m", "trained 6 operators"]);
    let before = desk.read(&format!("reports/2026/12/{r}.toml"));
    assert!(
        !before.contains("state"),
        "a draft says nothing of review:\n{before}"
    );
    // The default [reports] required: arrived, work_done, signed_by, outcome.
    let err = fails(&desk, 1, "12-04 18:10", "wang", &["report", "submit", &r]);
    assert!(
        err.contains("cannot submit: the report has no arrived, signed_by, outcome ([reports] required in svcdesk.toml)"),
        "{err}"
    );
    assert!(
        err.contains("--arrived … --signed-by … --outcome …"),
        "{err}"
    );
    assert_eq!(desk.read(&format!("reports/2026/12/{r}.toml")), before);
    ok(
        &desk,
        "12-04 18:20",
        "wang",
        &[
            "report",
            "edit",
            &r,
            "--arrived",
            "2026-12-04 09:00",
            "--signed-by",
            "陈刚",
            "--outcome",
            "resolved",
        ],
    );
    ok(&desk, "12-04 18:30", "wang", &["report", "submit", &r]);
    let t = report_toml(&desk, &r);
    assert_eq!(t["state"].as_str(), Some("submitted"));
    assert_eq!(t["submitted_by"].as_str(), Some("wang"));
    assert_eq!(t["submitted"].to_string(), "2026-12-04T18:30:00+08:00");
    // Submitted: no edits, no second submit; only a reviewer reviews.
    let err = fails(
        &desk,
        1,
        "12-04 18:40",
        "wang",
        &["report", "edit", &r, "--cost", "100"],
    );
    assert!(
        err.contains("cannot edit: the report is submitted; allowed from submitted: review --approve, review --reject"),
        "{err}"
    );
    let err = fails(
        &desk,
        1,
        "12-05 09:00",
        "wang",
        &["report", "review", &r, "--approve"],
    );
    assert!(
        err.contains("wang may not review a report: it needs the role supervisor or head"),
        "{err}"
    );
    assert!(err.contains("ask sun"), "{err}");
    // --approve or --reject, and a rejection says why (usage errors, exit 2).
    fails(&desk, 2, "12-05 09:00", "sun", &["report", "review", &r]);
    let err = fails(
        &desk,
        2,
        "12-05 09:00",
        "sun",
        &["report", "review", &r, "--reject"],
    );
    assert!(err.contains("a rejection needs the reason"), "{err}");
    ok(
        &desk,
        "12-05 09:00",
        "sun",
        &[
            "report",
            "review",
            &r,
            "--reject",
            "-m",
            "no photo of the site",
        ],
    );
    let t = report_toml(&desk, &r);
    assert_eq!(t["state"].as_str(), Some("rejected"));
    assert_eq!(t["reviewed_by"].as_str(), Some("sun"));
    assert_eq!(t["review_note"].as_str(), Some("no photo of the site"));
    // Rejected: edited and submitted again, then approved; approved is final.
    ok(
        &desk,
        "12-05 10:00",
        "wang",
        &["report", "edit", &r, "--location", "南京江宁工厂"],
    );
    ok(&desk, "12-05 10:05", "wang", &["report", "submit", &r]);
    let waiting = ok(
        &desk,
        "12-05 10:10",
        "sun",
        &["report", "list", "--state", "submitted", "--format", "json"],
    );
    assert_eq!(parse_json(&waiting).as_array().unwrap().len(), 1);
    ok(
        &desk,
        "12-05 11:00",
        "sun",
        &["report", "review", &r, "--approve"],
    );
    let t = report_toml(&desk, &r);
    assert_eq!(t["state"].as_str(), Some("approved"));
    assert!(
        !t.contains_key("review_note"),
        "the old reason went with the new review"
    );
    let err = fails(
        &desk,
        1,
        "12-05 12:00",
        "sun",
        &["report", "review", &r, "--reject", "-m", "x"],
    );
    assert!(
        err.contains("the report is approved; allowed from approved: nothing"),
        "{err}"
    );
    let show = ok(&desk, "12-05 12:00", "sun", &["report", "show", &r]);
    assert!(
        show.contains(
            "approved; submitted 2026-12-05 10:05 by wang; reviewed 2026-12-05 11:00 by sun"
        ),
        "{show}"
    );
    let list = ok(
        &desk,
        "12-05 12:00",
        "sun",
        &["report", "list", "--state", "submitted"],
    );
    assert_eq!(list, "");
    ok(&desk, "12-05 12:00", "sun", &["check"]);
}

#[test]
fn the_required_report_fields_come_from_the_config() {
    let (desk, ticket) = desk();
    let config = desk.read("svcdesk.toml");
    desk.write(
        "svcdesk.toml",
        config.replace(
            "required = [\"arrived\", \"work_done\", \"signed_by\", \"outcome\"]",
            "required = [\"work_done\", \"satisfaction\"]",
        ),
    );
    let r = report(&desk, &ticket, &["-m", "trained 6 operators"]);
    let err = fails(&desk, 1, "12-04 18:10", "wang", &["report", "submit", &r]);
    assert!(err.contains("the report has no satisfaction ("), "{err}");
    ok(
        &desk,
        "12-04 18:20",
        "wang",
        &["report", "edit", &r, "--satisfaction", "5"],
    );
    ok(&desk, "12-04 18:30", "wang", &["report", "submit", &r]);
    // A key that is not a report field is a config error naming it.
    let text = desk
        .read("svcdesk.toml")
        .replace("\"satisfaction\"]", "\"sign_off\"]");
    desk.write("svcdesk.toml", text);
    let o = run(&desk, "12-04 18:40", "wang", &["report", "list"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("unknown report field \"sign_off\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn stats_break_visits_down_by_service_type_and_outcome() {
    let (desk, ticket) = desk();
    // By hand: problem-handling 2 visits (2.50 h + 1.00 h = 3.50), training 1 (4.00 h);
    // outcomes resolved 2 (2.50 + 4.00 = 6.50), follow-up 1 (1.00).
    for (kind, from, to, outcome) in [
        (
            "problem-handling",
            "2026-12-02 09:00",
            "2026-12-02 11:30",
            "resolved",
        ),
        (
            "problem-handling",
            "2026-12-03 14:00",
            "2026-12-03 15:00",
            "follow-up",
        ),
        (
            "training",
            "2026-12-04 08:00",
            "2026-12-04 12:00",
            "resolved",
        ),
    ] {
        ok(
            &desk,
            "12-04 18:00",
            "wang",
            &[
                "report",
                "add",
                "--ticket",
                &ticket,
                "--type",
                kind,
                "--arrived",
                from,
                "--left",
                to,
                "--outcome",
                outcome,
            ],
        );
    }
    let table = |by: &str| {
        let out = ok(
            &desk,
            "12-20 09:00",
            "li",
            &["stats", "--month", "2026-12", "--by", by, "--format", "csv"],
        );
        let (head, rows) = parse_csv(&out);
        let col = |n: &str| head.iter().position(|h| h == n).unwrap();
        let (k, v, h) = (col(by), col("visits"), col("visit_hours"));
        rows.iter()
            .filter(|r| r[v] != "0")
            .map(|r| (r[k].clone(), r[v].clone(), r[h].clone()))
            .collect::<Vec<_>>()
    };
    let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        table("service-type"),
        [
            s("problem-handling", "2", "3.50"),
            s("training", "1", "4.00")
        ]
    );
    assert_eq!(
        table("outcome"),
        [s("follow-up", "1", "1.00"), s("resolved", "2", "6.50")]
    );
}

// ------------------------------------------------- approvals on site (issue 24, part 2)

/// The desk with `[visits] return_approval = true`, as a desk sets it in place.
fn with_return_approval(desk: &TestDesk) {
    let config = desk.read("svcdesk.toml");
    assert!(
        config.contains("\nreturn_approval = false\n"),
        "init writes it"
    );
    desk.write(
        "svcdesk.toml",
        config.replace("\nreturn_approval = false\n", "\nreturn_approval = true\n"),
    );
}

#[test]
fn the_engineer_leaves_site_only_after_the_return_is_approved() {
    let (desk, ticket) = desk();
    with_return_approval(&desk);
    let v = approved_and_scheduled(&desk, &ticket);
    ok(&desk, "12-03 09:00", "wang", &["visit", "start", &v]);
    let reports = || {
        std::fs::read_dir(desk.path("reports/2026/12"))
            .map(|d| d.count())
            .unwrap_or(0)
    };
    let report_add = ["report", "add", "--visit", &v, "-m", "board replaced"];
    // Before the approval the report that completes the visit is refused; nothing written.
    let before = desk.read(&rel(&v));
    let err = fails(&desk, 1, "12-03 15:00", "wang", &report_add);
    assert!(
        err.contains(&format!(
            "{v}: the engineer may leave site only after approval ([visits] return_approval"
        )) && err.contains("`visit return-approve` needs the role supervisor or head"),
        "{err}"
    );
    assert!(err.contains("ask sun"), "{err}");
    assert_eq!(desk.read(&rel(&v)), before);
    assert_eq!(reports(), 0);
    // The engineer may not approve his own return: the refusal names the roles.
    let err = fails(
        &desk,
        1,
        "12-03 15:00",
        "wang",
        &["visit", "return-approve", &v],
    );
    assert!(
        err.contains("wang may not approve the return from site: it needs the role supervisor or head ([visits] approvers"),
        "{err}"
    );
    ok(
        &desk,
        "12-03 15:05",
        "sun",
        &["visit", "return-approve", &v, "-m", "customer signed"],
    );
    let t = toml_of(&desk, &v);
    assert_eq!(t["return_approved_by"].as_str(), Some("sun"));
    let csv = ok(
        &desk,
        "12-03 15:05",
        "li",
        &["visit", "list", "--format", "csv"],
    );
    let (head, rows) = parse_csv(&csv);
    assert_eq!(head.last().map(String::as_str), Some("return_approved_by"));
    assert_eq!(rows[0].last().map(String::as_str), Some("sun"));
    let last = t["event"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"].as_str(), Some("return-approve"));
    assert_eq!(last["by"].as_str(), Some("sun"));
    // Once is enough.
    let err = fails(
        &desk,
        1,
        "12-03 15:06",
        "sun",
        &["visit", "return-approve", &v],
    );
    assert!(err.contains("already approved (by sun)"), "{err}");
    let r = ok(&desk, "12-03 16:00", "wang", &report_add);
    assert!(r.trim().starts_with('R'), "{r}");
    assert_eq!(toml_of(&desk, &v)["state"].as_str(), Some("done"));
}

#[test]
fn without_return_approval_a_report_completes_the_visit_directly() {
    let (desk, ticket) = desk();
    let v = approved_and_scheduled(&desk, &ticket);
    ok(&desk, "12-03 09:00", "wang", &["visit", "start", &v]);
    ok(
        &desk,
        "12-03 16:00",
        "wang",
        &["report", "add", "--visit", &v, "-m", "done"],
    );
    assert_eq!(toml_of(&desk, &v)["state"].as_str(), Some("done"));
}

#[test]
fn an_extra_request_on_site_waits_for_an_approver() {
    let (desk, ticket) = desk();
    let v = approved_and_scheduled(&desk, &ticket);
    // Not before arrival.
    let err = fails(
        &desk,
        1,
        "12-03 08:00",
        "wang",
        &["visit", "request-extra", &v, "-m", "also the second press"],
    );
    assert!(
        err.contains("cannot request extra work: the visit is scheduled"),
        "{err}"
    );
    ok(&desk, "12-03 09:00", "wang", &["visit", "start", &v]);
    // Nothing to approve yet.
    let err = fails(
        &desk,
        1,
        "12-03 10:00",
        "sun",
        &["visit", "approve-extra", &v],
    );
    assert!(err.contains("no extra request waits for approval"), "{err}");
    ok(
        &desk,
        "12-03 10:00",
        "wang",
        &["visit", "request-extra", &v, "-m", "also the second press"],
    );
    // One waits at a time.
    let err = fails(
        &desk,
        1,
        "12-03 10:05",
        "wang",
        &["visit", "request-extra", &v, "-m", "and paint it"],
    );
    assert!(
        err.contains("waits for approval already (\"also the second press\")"),
        "{err}"
    );
    // The engineer and the agent may not approve it; the supervisor may.
    for who in ["wang", "li"] {
        let err = fails(
            &desk,
            1,
            "12-03 10:10",
            who,
            &["visit", "approve-extra", &v],
        );
        assert!(
            err.contains(&format!(
                "{who} may not approve extra work on site: it needs the role supervisor or head"
            )),
            "{err}"
        );
        assert!(err.contains("ask sun"), "{err}");
    }
    ok(
        &desk,
        "12-03 10:15",
        "sun",
        &["visit", "approve-extra", &v, "-m", "bill it separately"],
    );
    let actions: Vec<String> = toml_of(&desk, &v)["event"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        actions,
        [
            "request",
            "approve",
            "schedule",
            "start",
            "request-extra",
            "approve-extra"
        ]
    );
    // Another may be asked now.
    ok(
        &desk,
        "12-03 11:00",
        "wang",
        &["visit", "request-extra", &v, "-m", "and paint it"],
    );
    let show = ok(&desk, "12-03 11:00", "li", &["visit", "show", &v]);
    assert!(show.contains("request-extra"), "{show}");
    assert!(
        show.contains("and paint it (waits for approve-extra)"),
        "{show}"
    );
}

// ------------------------------ visits in ticket/customer show, hooks, check (part 3)

#[test]
fn ticket_show_and_customer_show_list_the_visits() {
    let (desk, ticket) = desk();
    let before = ok(&desk, "12-01 09:30", "li", &["ticket", "show", &ticket]);
    assert!(!before.contains("Site visits:"), "none yet: {before}");
    let v = approved_and_scheduled(&desk, &ticket);
    let second = request(&desk, &ticket);
    let show = ok(&desk, "12-01 13:00", "li", &["ticket", "show", &ticket]);
    let section = show
        .split_once("\nSite visits:\n")
        .unwrap_or_else(|| panic!("no visits section in:\n{show}"))
        .1;
    let cells = |l: &str| -> Vec<String> {
        l.split(['│', '┆'])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(String::from)
            .collect()
    };
    let head = section
        .lines()
        .find(|l| l.contains("service_type"))
        .unwrap_or_else(|| panic!("no heading in {section}"));
    assert_eq!(
        cells(head),
        ["id", "state", "service_type", "engineer", "appointment"]
    );
    let row = |id: &str| -> Vec<String> {
        cells(
            section
                .lines()
                .find(|l| l.contains(id))
                .unwrap_or_else(|| panic!("{id} not in {section}")),
        )
    };
    assert_eq!(
        row(&v),
        [
            &v,
            "scheduled",
            "problem-handling",
            "wang",
            "2026-12-03 09:00"
        ]
    );
    assert_eq!(row(&second), [&second, "requested", "problem-handling"]);
    // The customer's file lists the same visits.
    let customer = toml_of(&desk, &v)["customer"].as_str().unwrap().to_string();
    let c = ok(&desk, "12-01 13:00", "li", &["customer", "show", &customer]);
    let section = c
        .split_once("\nSite visits:\n")
        .unwrap_or_else(|| panic!("no visits section in:\n{c}"))
        .1;
    assert!(section.contains(&v) && section.contains(&second), "{c}");
    // In Chinese, the heading and the words are the desk's.
    let zh = ok(
        &desk,
        "12-01 13:00",
        "li",
        &["--lang", "zh", "ticket", "show", &ticket],
    );
    assert!(zh.contains("\n外出服务:\n"), "{zh}");
}

#[test]
fn hooks_fire_on_visit_steps_with_the_visit_id() {
    let (desk, ticket) = desk();
    let log = desk.tmp.path().join("visit-hooks.log");
    let script = desk.tmp.path().join("record.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"$SVCDESK_ACTION $SVCDESK_ID by=$SVCDESK_BY ticket=$SVCDESK_TICKET to=$SVCDESK_ASSIGNEE state=$SVCDESK_STATE\" >> {}\n",
            log.display()
        ),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    desk.append_config(&format!(
        "\n[[hooks.rule]]\non = [\"visit-request\", \"visit-approve\", \"visit-start\", \"visit-complete\"]\ncommand = \"{}\"\n",
        script.display()
    ));
    ok(&desk, "12-01 09:30", "li", &["hooks", "trust"]);
    let v = approved_and_scheduled(&desk, &ticket);
    ok(&desk, "12-03 09:00", "wang", &["visit", "start", &v]);
    ok(
        &desk,
        "12-03 16:00",
        "wang",
        &["report", "add", "--visit", &v, "-m", "done"],
    );
    let lines: Vec<String> = std::fs::read_to_string(&log)
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect();
    // schedule has no rule: it does not fire.
    assert_eq!(
        lines,
        [
            format!("visit-request {v} by=li ticket={ticket} to= state=requested"),
            format!("visit-approve {v} by=sun ticket={ticket} to= state=approved"),
            format!("visit-start {v} by=wang ticket={ticket} to=wang state=on-site"),
            format!("visit-complete {v} by=wang ticket={ticket} to=wang state=done"),
        ]
    );
    // A rule naming no such step is a config error that lists the visit steps.
    desk.append_config("\n[[hooks.rule]]\non = \"visit-arrive\"\ncommand = \"true\"\n");
    let o = run(&desk, "12-03 16:00", "li", &["check"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("unknown action \"visit-arrive\"")
            && stderr(&o).contains("visit-return-approve"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_finds_a_visit_whose_ticket_or_engineer_is_gone() {
    let (desk, ticket) = desk();
    let v = approved_and_scheduled(&desk, &ticket);
    let o = run(&desk, "12-01 13:00", "li", &["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The engineer renamed by hand, in the field and the history alike.
    let text = desk.read(&rel(&v));
    assert!(text.contains("engineer = \"wang\""));
    desk.write(
        &rel(&v),
        text.replace("engineer = \"wang\"", "engineer = \"wangx\""),
    );
    let o = run(&desk, "12-01 13:00", "li", &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        out.contains(&rel(&v))
            && out.contains("engineer = \"wangx\" is not on this desk's staff list"),
        "{out}"
    );
    // The ticket's file removed.
    desk.write(&rel(&v), text);
    let t_rel = format!("tickets/{}/{}/{ticket}.toml", &ticket[1..5], &ticket[5..7]);
    std::fs::remove_file(desk.path(&t_rel)).unwrap();
    let o = run(&desk, "12-01 13:00", "li", &["check"]);
    let out = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        out.contains(&format!("ticket {ticket}: no such ticket")),
        "{out}"
    );
}
