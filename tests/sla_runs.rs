//! SLA numbers a manager can sign, end to end: every timer run counted once, no silent
//! "met", warnings in the target's own measure, and SLA state a script can read.
//! Times are pinned with SVCDESK_NOW on purpose (Asia/Shanghai, the default calendar).

mod common;

use std::collections::BTreeMap;

use common::{TestDesk, parse_csv, parse_json, sla_pct_from_export as pct, stderr, stdout};

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
