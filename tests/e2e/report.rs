//! End-to-end: field-service reports (`report add|edit|show|list`), the engineers' work
//! log (`report log|weekly`), the technical-service ledger (`ledger service`) and what
//! `check` says about reports and logs.

use std::fs;

use crate::common::staff::{SUN, WANG, roster};
use crate::common::{
    self, NOW, TestDesk, changed_lines, ok_at, parse_csv, parse_json, stderr, stdout,
};

const LIST_CSV_HEADER: &str = "id,engineer,customer,ticket,service_type,location,departed,\
arrived,left,returned,hours_on_site,travel,work_done,problems,escalated,escalated_to,parts,\
cost,signed_by,outcome,satisfaction,created,created_by,visit,state,submitted,reviewed_by";

const LEDGER_CSV_HEADER: &str = "date,report,engineer,customer,customer_name,service_type,\
ticket,location,arrived,left,hours_on_site,travel,work_done,problems,escalated,parts,cost,\
signed_by,outcome,satisfaction,departed,returned,engineer_name,escalated_to,visit,review";

// ---------------------------------------------------------------- helpers

/// `report add ARGS`; asserts it printed only a report ID of today; returns it.
fn add_report(desk: &TestDesk, args: &[&str]) -> String {
    add_report_at(desk, common::NOW, args)
}

/// The evening of the test day: a report with `--at 18:00` is entered after it, as an
/// `--at` later than now is refused.
const EVENING: &str = "2026-11-24T20:00:00+08:00";

/// `report add` run at `now`.
fn add_report_at(desk: &TestDesk, now: &str, args: &[&str]) -> String {
    let mut all = vec!["report", "add"];
    all.extend_from_slice(args);
    let o = desk
        .cmd()
        .env("SVCDESK_NOW", now)
        .args(&all)
        .output()
        .expect("svcdesk runs");
    assert!(
        o.status.success(),
        "report add {args:?} failed\nstderr:\n{}",
        stderr(&o)
    );
    let out = stdout(&o);
    let id = out.strip_suffix('\n').unwrap_or(&out).to_string();
    const CROCKFORD: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let random = id
        .strip_prefix("R20261124-")
        .unwrap_or_else(|| panic!("report add printed {out:?}, not a report ID of today"));
    assert!(
        random.len() == 6 && random.chars().all(|c| CROCKFORD.contains(c)),
        "{out:?}"
    );
    id
}

fn rel(id: &str) -> String {
    format!("reports/{}/{}/{id}.toml", &id[1..5], &id[5..7])
}

fn open_ticket(desk: &TestDesk, customer: &str) -> String {
    desk.ok(&[
        "ticket",
        "open",
        "--customer",
        customer,
        "--category",
        "complaint",
        "-m",
        "conveyor motor stops under load",
    ])
    .trim_end()
    .to_string()
}

fn staffed() -> TestDesk {
    let desk = TestDesk::new();
    desk.append_config(&roster(&[WANG, SUN]));
    desk
}

/// A full report of a visit for a ticket, written up at 18:00.
fn full_report(desk: &TestDesk, ticket: &str) -> String {
    add_report_at(
        desk,
        EVENING,
        &[
            "--engineer",
            "wang",
            "--ticket",
            &ticket[10..14],
            "--type",
            "problem-handling",
            "--location",
            "南京江宁工厂 2 号线",
            "--departed",
            "2026-11-24 07:30",
            // RFC 3339 in UTC is written back in desk time.
            "--arrived",
            "2026-11-24T01:30:00Z",
            "--left",
            "2026-11-24 12:10",
            "--returned",
            "2026-11-24 14:00",
            "--travel",
            "company car, 120 km",
            "-m",
            "replaced the motor driver board",
            "--problems",
            "cable tray overheats",
            "--escalated-to",
            "sun",
            "--parts",
            "1x driver board DB-200",
            "--cost",
            "350.00",
            "--signed-by",
            "陈刚",
            "--outcome",
            "resolved",
            "--satisfaction",
            "5",
            "--at",
            "2026-11-24 18:00",
        ],
    )
}

// ---------------------------------------------------------------- add

#[test]
fn add_writes_every_field_in_canonical_order_and_never_stores_hours() {
    let desk = TestDesk::new();
    let c = desk.add(&["--name", "宏达物流"]);
    let t = open_ticket(&desk, &c);
    let id = full_report(&desk, &t);
    let text = desk.read(&rel(&id));
    assert_eq!(
        text,
        format!(
            r#"schema = 1
id = "{id}"
engineer = "wang"
customer = "{c}"
ticket = "{t}"
service_type = "problem-handling"
location = "南京江宁工厂 2 号线"
departed = 2026-11-24T07:30:00+08:00
arrived = 2026-11-24T09:30:00+08:00
left = 2026-11-24T12:10:00+08:00
returned = 2026-11-24T14:00:00+08:00
travel = "company car, 120 km"
work_done = "replaced the motor driver board"
problems = "cable tray overheats"
escalated = true
escalated_to = "sun"
parts = "1x driver board DB-200"
cost = "350.00"
signed_by = "陈刚"
outcome = "resolved"
satisfaction = 5
created = 2026-11-24T18:00:00+08:00
created_by = "wang"
"#
        )
    );
    assert!(
        !text.contains("hours"),
        "hours on site are computed, never stored"
    );
    desk.ok(&["check"]);
}

#[test]
fn customer_defaults_to_the_tickets_and_engineer_to_the_acting_user() {
    let desk = TestDesk::new();
    let c = desk.add(&["--name", "宏达物流"]);
    let t = open_ticket(&desk, &c);
    let id = add_report(&desk, &["--ticket", &t, "--type", "consultation"]);
    let r: toml::Table = desk.read(&rel(&id)).parse().unwrap();
    assert_eq!(r["customer"].as_str(), Some(c.as_str()));
    assert_eq!(r["ticket"].as_str(), Some(t.as_str()));
    assert_eq!(r["engineer"].as_str(), Some("wang"), "SVCDESK_USER");
    assert_eq!(r["escalated"].as_bool(), Some(false));
    // Without a ticket, a customer is needed.
    let err = desk.fails(1, &["report", "add", "--type", "training"]);
    assert!(err.contains("needs a customer"), "{err}");
    // And a service type, always.
    let err = desk.fails(1, &["report", "add", "--customer", &c]);
    assert!(err.contains("service type"), "{err}");
    assert!(
        err.contains("construction-guidance"),
        "lists the types: {err}"
    );
}

#[test]
fn bad_time_order_is_refused_and_nothing_is_written() {
    let desk = TestDesk::new();
    let c = desk.add(&["--name", "宏达物流"]);
    let err = desk.fails(
        1,
        &[
            "report",
            "add",
            "--customer",
            &c,
            "--type",
            "training",
            "--arrived",
            "2026-11-24 10:00",
            "--left",
            "2026-11-24 09:00",
        ],
    );
    assert!(
        err.contains("left (2026-11-24 09:00) is before arrived (2026-11-24 10:00)"),
        "{err}"
    );
    assert!(
        err.contains("departed ≤ arrived ≤ left ≤ returned"),
        "{err}"
    );
    let err = desk.fails(
        1,
        &[
            "report",
            "add",
            "--customer",
            &c,
            "--type",
            "training",
            "--departed",
            "2026-11-24 08:00",
            "--returned",
            "2026-11-24 07:00",
        ],
    );
    assert!(
        err.contains("returned (2026-11-24 07:00) is before departed"),
        "{err}"
    );
    let reports: Vec<_> = walk(&desk.path("reports"));
    assert!(reports.is_empty(), "nothing written: {reports:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
    out
}

#[test]
fn unknown_references_and_bad_values_are_errors() {
    let desk = staffed();
    let c = desk.add(&["--name", "宏达物流"]);
    let base = ["report", "add", "--type", "training"];
    let with = |extra: &[&str]| -> Vec<String> {
        base.iter()
            .chain(extra)
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    let fails = |args: Vec<String>| {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        desk.fails(1, &a)
    };
    let err = fails(with(&["--customer", "ZZZZZZ"]));
    assert!(err.contains("no customer matches \"ZZZZZZ\""), "{err}");
    let err = fails(with(&["--customer", &c, "--ticket", "ZZZZZZ"]));
    assert!(err.contains("no ticket matches \"ZZZZZZ\""), "{err}");
    let err = fails(with(&["--customer", &c, "--engineer", "nobody"]));
    assert!(
        err.contains("\"nobody\" is not on this desk's staff list"),
        "{err}"
    );
    assert!(err.contains("staff: wang, sun"), "{err}");
    // Malformed values typed on the command line are usage errors (2).
    let fails = |args: Vec<String>| {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        desk.fails(2, &a)
    };
    let err = fails(with(&["--customer", &c, "--cost", "¥350"]));
    assert!(err.contains("cannot read \"¥350\" as a cost"), "{err}");
    let err = fails(with(&["--customer", &c, "--arrived", "yesterday"]));
    assert!(err.contains("cannot read \"yesterday\" as a time"), "{err}");
    // Reported back, but to nobody: the 24-hour rule needs a person (issue 24).
    let err = fails(with(&["--customer", &c, "--escalated"]));
    assert!(err.contains("but not to whom"), "{err}");
    assert!(err.contains("--escalated-to WHO"), "{err}");
    // Malformed values are usage errors (exit 2).
    let o = desk.run(&["report", "add", "--customer", &c, "--type", "repair"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = desk.run(&[
        "report",
        "add",
        "--customer",
        &c,
        "--type",
        "training",
        "--satisfaction",
        "6",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(walk(&desk.path("reports")).is_empty());
    // A staff member may file it.
    add_report(
        &desk,
        &["--customer", &c, "--type", "training", "--engineer", "sun"],
    );
}

// ---------------------------------------------------------------- show

#[test]
fn show_in_three_formats_with_computed_hours() {
    let desk = TestDesk::new();
    let c = desk.add(&["--name", "宏达物流"]);
    let t = open_ticket(&desk, &c);
    let id = full_report(&desk, &t);

    let table = desk.ok(&["report", "show", &id[10..]]);
    let line = |key: &str| -> String {
        table
            .lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("no {key} line in\n{table}"))
            .split_once("  ")
            .unwrap()
            .1
            .trim()
            .to_string()
    };
    assert_eq!(line("hours on site"), "2.67 h", "09:30 → 12:10");
    assert_eq!(line("customer"), format!("{c} (宏达物流)"));
    assert_eq!(line("service type"), "problem-handling (现场问题处理)");
    assert_eq!(line("arrived"), "2026-11-24 09:30");
    assert_eq!(line("escalated"), "yes, to sun");
    assert_eq!(line("satisfaction"), "5/5");

    let (header, rows) = parse_csv(&desk.ok(&["report", "show", &id, "--format", "csv"]));
    assert_eq!(header, ["field", "value"]);
    let fields: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(fields.join(","), LIST_CSV_HEADER);
    let get = |k: &str| rows.iter().find(|r| r[0] == k).unwrap()[1].clone();
    assert_eq!(get("hours_on_site"), "2.67");
    assert_eq!(get("arrived"), "2026-11-24T09:30:00+08:00");
    assert_eq!(get("escalated"), "true");
    assert_eq!(get("ticket"), t);

    let j = parse_json(&desk.ok(&["report", "show", &id, "--format", "json"]));
    assert_eq!(j["id"], id.as_str());
    assert_eq!(j["hours_on_site"], serde_json::json!(2.67));
    assert_eq!(j["service_type"], "problem-handling");
    assert_eq!(j["left"], "2026-11-24T12:10:00+08:00");
    assert_eq!(j["satisfaction"], 5);

    // Without both arrival and departure there are no hours to show.
    let bare = add_report(&desk, &["--customer", &c, "--type", "training"]);
    let j = parse_json(&desk.ok(&["report", "show", &bare, "--format", "json"]));
    assert!(j["hours_on_site"].is_null(), "{j}");
    let table = desk.ok(&["report", "show", &bare]);
    assert!(!table.contains("hours on site"), "{table}");
}

// ---------------------------------------------------------------- edit

#[test]
fn edit_changes_only_touched_lines_and_comments_survive() {
    let desk = TestDesk::new();
    let c = desk.add(&["--name", "宏达物流"]);
    let t = open_ticket(&desk, &c);
    let id = full_report(&desk, &t);
    let path = rel(&id);
    let original = desk.read(&path);
    let with_comments = original
        .replace("location = ", "# 客户要求下次提前一天电话预约\nlocation = ")
        .replace("signed_by = \"陈刚\"", "signed_by = \"陈刚\" # 设备科科长")
        .replace("satisfaction = 5", "satisfaction = 5 # 电话回访确认");
    desk.write(&path, &with_comments);

    desk.ok(&[
        "report",
        "edit",
        &id[10..],
        "--left",
        "2026-11-24 12:40",
        "--satisfaction",
        "4",
    ]);
    let after = desk.read(&path);
    assert_eq!(
        changed_lines(&with_comments, &after),
        [
            (
                11,
                "left = 2026-11-24T12:10:00+08:00".to_string(),
                "left = 2026-11-24T12:40:00+08:00".to_string()
            ),
            (
                22,
                "satisfaction = 5 # 电话回访确认".to_string(),
                "satisfaction = 4 # 电话回访确认".to_string()
            ),
        ]
    );
    assert!(after.contains("# 客户要求下次提前一天电话预约\nlocation = "));
    assert!(after.contains("signed_by = \"陈刚\" # 设备科科长"));
    let j = parse_json(&desk.ok(&["report", "show", &id, "--format", "json"]));
    assert_eq!(j["hours_on_site"], serde_json::json!(3.17), "recomputed");

    // Clearing removes the line; a new field goes to its canonical place; un-escalating
    // drops escalated_to too.
    desk.ok(&[
        "report",
        "edit",
        &id,
        "--clear",
        "returned",
        "--clear",
        "cost",
        "--escalated=false",
        "--problems",
        "none",
    ]);
    let expected = after
        .replace("returned = 2026-11-24T14:00:00+08:00\n", "")
        .replace("cost = \"350.00\"\n", "")
        .replace(
            "escalated = true\nescalated_to = \"sun\"\n",
            "escalated = false\n",
        )
        .replace("problems = \"cable tray overheats\"", "problems = \"none\"");
    assert_eq!(desk.read(&path), expected);

    // Same values again: nothing changes, and it says so.
    let o = desk.run(&["report", "edit", &id, "--problems", "none"]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("nothing changed"), "{}", stderr(&o));
    assert_eq!(desk.read(&path), expected);

    // An edit that breaks the time order is refused; the file stays as it was.
    let err = desk.fails(1, &["report", "edit", &id, "--left", "2026-11-24 06:00"]);
    assert!(
        err.contains("left (2026-11-24 06:00) is before departed"),
        "{err}"
    );
    assert_eq!(desk.read(&path), expected);
    let err = desk.fails(1, &["report", "edit", &id]);
    assert!(err.contains("nothing to change"), "{err}");
    let err = desk.fails(
        1,
        &["report", "edit", &id, "--clear", "cost", "--cost", "5"],
    );
    assert!(err.contains("both set and cleared"), "{err}");
    desk.ok(&["check"]);
}

// ---------------------------------------------------------------- list

#[test]
fn list_filters_and_three_formats() {
    let desk = TestDesk::new();
    let c1 = desk.add(&["--name", "华东机械有限公司"]);
    let c2 = desk.add(&["--name", "绿源食品"]);
    let t = open_ticket(&desk, &c1);
    let a = add_report(
        &desk,
        &[
            "--ticket",
            &t,
            "--type",
            "problem-handling",
            "--arrived",
            "2026-11-18 09:30",
            "--left",
            "2026-11-18 12:00",
        ],
    );
    let b = add_report(
        &desk,
        &[
            "--engineer",
            "zhou",
            "--customer",
            &c2,
            "--type",
            "training",
            "--arrived",
            "2026-11-20 14:00",
            "--left",
            "2026-11-20 17:15",
        ],
    );
    // Written up in November about a visit in October.
    let c = add_report(
        &desk,
        &[
            "--customer",
            &c2,
            "--type",
            "consultation",
            "--arrived",
            "2026-10-28 10:00",
        ],
    );
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["report", "list", "--format", "csv"];
        all.extend_from_slice(args);
        parse_csv(&desk.ok(&all))
            .1
            .into_iter()
            .map(|r| r[0].clone())
            .collect()
    };
    assert_eq!(
        ids(&[]),
        [c.as_str(), a.as_str(), b.as_str()],
        "visit order"
    );
    assert_eq!(ids(&["--engineer", "wang"]), [c.as_str(), a.as_str()]);
    assert_eq!(ids(&["--customer", &c2[10..]]), [c.as_str(), b.as_str()]);
    assert_eq!(ids(&["--type", "training"]), [b.as_str()]);
    assert_eq!(
        ids(&["--type", "training", "--type", "consultation"]),
        [c.as_str(), b.as_str()]
    );
    assert_eq!(ids(&["--ticket", &t]), [a.as_str()]);
    assert_eq!(ids(&["--month", "2026-11"]), [a.as_str(), b.as_str()]);
    assert_eq!(
        ids(&["--month", "last"]),
        [c.as_str()],
        "NOW is in November"
    );
    assert_eq!(
        ids(&["--month", "this", "--engineer", "zhou"]),
        [b.as_str()]
    );
    assert!(ids(&["--month", "2026-09"]).is_empty());
    let err = desk.fails(2, &["report", "list", "--month", "2026-13"]);
    assert!(err.contains("cannot read \"2026-13\" as a month"), "{err}");

    let csv = desk.ok(&["report", "list", "--format", "csv", "--type", "training"]);
    assert_eq!(csv.lines().next(), Some(LIST_CSV_HEADER));
    assert_eq!(
        csv.lines().nth(1).unwrap(),
        format!(
            "{b},zhou,{c2},,training,,,2026-11-20T14:00:00+08:00,2026-11-20T17:15:00+08:00,,\
3.25,,,,false,,,,,,,{NOW},wang,,draft,,"
        )
    );

    let j = parse_json(&desk.ok(&["report", "list", "--format", "json"]));
    let arr = j.as_array().unwrap();
    assert_eq!(arr.len(), 3);
    assert_eq!(arr[1]["id"], a.as_str());
    assert_eq!(arr[1]["hours_on_site"], serde_json::json!(2.5));
    assert!(arr[0]["hours_on_site"].is_null());

    let table = desk.ok(&["report", "list", "--engineer", "wang"]);
    assert!(
        table.contains(&a) && table.contains(&c) && !table.contains(&b),
        "{table}"
    );
    assert!(
        table.contains("华东机械有限公司"),
        "customer names: {table}"
    );
    assert!(table.contains("2.50"), "{table}");
    let o = desk.run(&["report", "list", "--engineer", "nobody"]);
    assert!(o.status.success());
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("no reports match"));
}

// ---------------------------------------------------------------- work log

#[test]
fn work_log_appends_entries_and_weekly_totals_them_with_field_visits() {
    let desk = TestDesk::new();
    let c = desk.add(&["--name", "宏达物流"]);
    let t = open_ticket(&desk, &c);
    // NOW is Tuesday 2026-11-24, ISO week 48 (Nov 23 – Nov 29).
    let o = desk.run(&[
        "report",
        "log",
        "--date",
        "2026-11-23",
        "--hours",
        "3",
        "-m",
        "remote support",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "", "a log entry is not a record with an ID");
    let first = desk.read("worklog/wang.toml");
    assert_eq!(
        first,
        format!(
            "schema = 1\nengineer = \"wang\"\n\n[[entry]]\ndate = 2026-11-23\nhours = 3.0\n\
text = \"remote support\"\nat = {NOW}\nby = \"wang\"\n"
        )
    );
    desk.write("worklog/wang.toml", format!("# 王工的工作日志\n{first}"));
    desk.ok(&[
        "report",
        "log",
        "--hours",
        "1.5",
        "--ticket",
        &t[10..],
        "-m",
        "called the customer",
    ]);
    desk.ok(&[
        "report",
        "log",
        "--date",
        "2026-11-20",
        "--hours",
        "8",
        "-m",
        "last week",
    ]);
    desk.ok(&[
        "report",
        "log",
        "--date",
        "2026-11-29",
        "-m",
        "on call, quiet",
    ]);
    let log = desk.read("worklog/wang.toml");
    assert!(
        log.starts_with(&format!("# 王工的工作日志\n{first}\n[[entry]]\ndate = 2026-11-24\nhours = 1.5\nticket = \"{t}\"\n")),
        "appended after the untouched first entry:\n{log}"
    );
    // Someone else's visit and log do not count.
    desk.ok(&[
        "report",
        "log",
        "--engineer",
        "zhou",
        "--hours",
        "5",
        "-m",
        "training prep",
    ]);
    let visit = add_report(
        &desk,
        &[
            "--ticket",
            &t,
            "--type",
            "problem-handling",
            "--arrived",
            "2026-11-24 13:00",
            "--left",
            "2026-11-24 15:30",
            "-m",
            "replaced the board",
        ],
    );
    add_report(
        &desk,
        &[
            "--engineer",
            "zhou",
            "--customer",
            &c,
            "--type",
            "training",
            "--arrived",
            "2026-11-24 09:00",
            "--left",
            "2026-11-24 17:00",
        ],
    );

    let csv = desk.ok(&["report", "weekly", "--engineer", "wang", "--format", "csv"]);
    assert_eq!(
        csv,
        format!(
            "date,kind,report,ticket,customer,hours,text\n\
2026-11-23,log,,,,3.00,remote support\n\
2026-11-24,report,{visit},{t},宏达物流,2.50,problem-handling: replaced the board\n\
2026-11-24,log,,{t},,1.50,called the customer\n\
2026-11-29,log,,,,,\"on call, quiet\"\n\
,total,,,,7.00,work log 4.50 h + on site 2.50 h\n"
        )
    );
    // The acting user is the default engineer; a date picks its week.
    assert_eq!(
        desk.ok(&[
            "report",
            "weekly",
            "--week",
            "2026-11-26",
            "--format",
            "csv"
        ]),
        csv
    );
    let table = desk.ok(&["report", "weekly", "--week", "2026-W48"]);
    assert!(
        table.starts_with("wang, week 2026-W48 (2026-11-23 – 2026-11-29)\n"),
        "{table}"
    );
    assert!(
        table.ends_with("total: 7.00 h (work log 4.50 h, on site 2.50 h)\n"),
        "{table}"
    );
    let j = parse_json(&desk.ok(&["report", "weekly", "--week", "last", "--format", "json"]));
    assert_eq!(j["week"], "2026-W47");
    assert_eq!(j["total_hours"], serde_json::json!(8.0));
    assert_eq!(j["entries"].as_array().unwrap().len(), 1);
    assert_eq!(j["entries"][0]["text"], "last week");
    let j = parse_json(&desk.ok(&["report", "weekly", "--engineer", "zhou", "--format", "json"]));
    assert_eq!(j["log_hours"], serde_json::json!(5.0));
    assert_eq!(j["on_site_hours"], serde_json::json!(8.0));

    // Names that are not plain file names are refused before anything is written.
    for bad in ["../x", "a.b", "a/b", "-rf"] {
        let arg = format!("--engineer={bad}");
        let err = desk.fails(1, &["report", "log", &arg, "-m", "x"]);
        assert!(err.contains("cannot name a work log file"), "{bad}: {err}");
    }
    let err = desk.fails(2, &["report", "log", "--hours", "25", "-m", "x"]);
    assert!(err.contains("cannot read \"25\" as hours"), "{err}");
    let err = desk.fails(2, &["report", "weekly", "--week", "2026-W60"]);
    assert!(err.contains("as a week"), "{err}");
    let names: Vec<String> = fs::read_dir(desk.path("worklog"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    desk.ok(&["check"]);
}

#[test]
fn staffed_desk_checks_the_engineer_of_reports_and_logs() {
    let desk = staffed();
    let c = desk.add(&["--name", "宏达物流"]);
    let err = desk.fails(1, &["report", "log", "--engineer", "zhou", "-m", "x"]);
    assert!(
        err.contains("\"zhou\" is not on this desk's staff list"),
        "{err}"
    );
    assert!(!desk.path("worklog").exists());
    desk.ok(&["report", "log", "-m", "x"]);
    let err = desk.fails(1, &["report", "weekly", "--engineer", "zhou"]);
    assert!(err.contains("not on this desk's staff list"), "{err}");
    let id = add_report(&desk, &["--customer", &c, "--type", "training"]);
    let err = desk.fails(1, &["report", "edit", &id, "--engineer", "zhou"]);
    assert!(err.contains("not on this desk's staff list"), "{err}");
    desk.ok(&["report", "edit", &id, "--engineer", "sun"]);
    desk.ok(&["check"]);
}

// ---------------------------------------------------------------- ledger

/// Four reports in November (one just after midnight on the 1st, desk time, which is
/// still October 31 in UTC; one without an arrival, placed by when it was written) and
/// one in October (23:30 on the 31st, desk time).
fn ledger_desk() -> (TestDesk, Vec<String>, String, String, String) {
    let desk = TestDesk::new();
    let c1 = desk.add(&["--name", "华东机械有限公司"]);
    let c2 = desk.add(&["--name", "绿源食品"]);
    let t = open_ticket(&desk, &c1);
    let full = add_report(
        &desk,
        &[
            "--ticket",
            &t,
            "--type",
            "problem-handling",
            "--location",
            "南京江宁工厂 2 号线",
            "--departed",
            "2026-11-18 07:30",
            "--arrived",
            "2026-11-18 09:30",
            "--left",
            "2026-11-18 12:10",
            "--returned",
            "2026-11-18 14:00",
            "--travel",
            "company car, 120 km",
            "-m",
            "replaced the driver board",
            "--problems",
            "cable tray overheats",
            "--escalated",
            "--escalated-to",
            "sun",
            "--parts",
            "1x DB-200",
            "--cost",
            "350.5",
            "--signed-by",
            "陈刚",
            "--outcome",
            "resolved",
            "--satisfaction",
            "5",
        ],
    );
    let training = add_report(
        &desk,
        &[
            "--customer",
            &c1,
            "--type",
            "training",
            "--arrived",
            "2026-11-20 14:00",
            "--left",
            "2026-11-20 17:00",
            "--cost",
            "0",
            "--outcome",
            "follow-up",
            "--satisfaction",
            "4",
        ],
    );
    let first = add_report(
        &desk,
        &[
            "--engineer",
            "zhou",
            "--customer",
            &c2,
            "--type",
            "consultation",
            "--arrived",
            "2026-11-01 00:30",
            "--left",
            "2026-11-01 02:00",
        ],
    );
    let unplaced = add_report_at(
        &desk,
        EVENING,
        &[
            "--customer",
            &c2,
            "--type",
            "construction-guidance",
            "--at",
            "2026-11-24 18:00",
        ],
    );
    let october = add_report(
        &desk,
        &[
            "--customer",
            &c2,
            "--type",
            "consultation",
            "--arrived",
            "2026-10-31 23:30",
            "--left",
            "2026-11-01 00:15",
        ],
    );
    (
        desk,
        vec![first, full, training, unplaced, october],
        c1,
        c2,
        t,
    )
}

#[test]
fn ledger_service_lists_the_months_reports_in_fixed_columns() {
    let (desk, ids, c1, c2, t) = ledger_desk();
    let [first, full, training, unplaced, october] = &ids[..] else {
        unreachable!()
    };
    let csv = desk.ok(&["ledger", "service", "--month", "2026-11"]);
    let expected = format!(
        "{LEDGER_CSV_HEADER}\n\
2026-11-01,{first},zhou,{c2},绿源食品,consultation,,,2026-11-01 00:30,2026-11-01 02:00,1.50,,,,no,,,,,,,,,,,draft\n\
2026-11-18,{full},wang,{c1},华东机械有限公司,problem-handling,{t},南京江宁工厂 2 号线,\
2026-11-18 09:30,2026-11-18 12:10,2.67,\"company car, 120 km\",replaced the driver board,\
cable tray overheats,yes,1x DB-200,350.50,陈刚,resolved,5,2026-11-18 07:30,2026-11-18 14:00,,sun,,draft\n\
2026-11-20,{training},wang,{c1},华东机械有限公司,training,,,2026-11-20 14:00,2026-11-20 17:00,\
3.00,,,,no,,0.00,,follow-up,4,,,,,,draft\n\
2026-11-24,{unplaced},wang,{c2},绿源食品,construction-guidance,,,,,,,,,no,,,,,,,,,,,draft\n"
    );
    assert_eq!(csv, expected, "CSV is the default format");

    let october_csv = desk.ok(&["ledger", "service", "--month", "2026-10"]);
    let (header, rows) = parse_csv(&october_csv);
    assert_eq!(header.join(","), LEDGER_CSV_HEADER);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][1], *october);
    assert_eq!(rows[0][10], "0.75", "23:30 → 00:15 the next day");

    let j = parse_json(&desk.ok(&[
        "ledger", "service", "--month", "2026-11", "--format", "json",
    ]));
    let arr = j.as_array().unwrap();
    assert_eq!(arr.len(), 4);
    assert_eq!(arr[1]["report"], full.as_str());
    assert_eq!(
        arr[1]["hours_on_site"],
        serde_json::json!(2.67),
        "a number, as in `report show`"
    );
    assert_eq!(arr[1]["customer_name"], "华东机械有限公司");

    let table = desk.ok(&[
        "ledger", "service", "--month", "2026-11", "--format", "table",
    ]);
    assert!(table.starts_with("技术服务台账 2026-11\n"), "{table}");
    assert!(table.contains(full.as_str()) && !table.contains(october.as_str()));
    assert!(table.ends_with("4 visit(s), 7.17 h on site\n"), "{table}");

    let empty = desk.ok(&["ledger", "service", "--month", "2026-09"]);
    assert_eq!(empty, format!("{LEDGER_CSV_HEADER}\n"));
}

#[test]
fn ledger_month_last_is_relative_to_now_in_the_desk_zone() {
    let (desk, ids, ..) = ledger_desk();
    let november = desk.ok(&["ledger", "service", "--month", "2026-11"]);
    // 01:00 on December 1st in Shanghai is still November 30th in UTC: "last" must
    // mean November, not October.
    let at_dec_1 = "2026-12-01T01:00:00+08:00";
    assert_eq!(
        ok_at(&desk, at_dec_1, &["ledger", "service", "--month", "last"]),
        november
    );
    assert_eq!(
        ok_at(&desk, at_dec_1, &["ledger", "service", "--month", "this"]),
        format!("{LEDGER_CSV_HEADER}\n")
    );
    // At NOW (November 24th) last month is October: one report.
    let (_, rows) = parse_csv(&desk.ok(&["ledger", "service", "--month", "last"]));
    let got: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(got, [ids[4].as_str()]);
    let err = desk.fails(2, &["ledger", "service", "--month", "next"]);
    assert!(err.contains("cannot read \"next\" as a month"), "{err}");
}

// ---------------------------------------------------------------- check

#[test]
fn check_finds_broken_reports_and_logs() {
    let desk = TestDesk::new();
    let c = desk.add(&["--name", "宏达物流"]);
    let t = open_ticket(&desk, &c);
    let id = full_report(&desk, &t);
    desk.ok(&["report", "log", "--ticket", &t, "-m", "x"]);
    let o = desk.run(&["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");

    let path = rel(&id);
    let good = desk.read(&path);
    desk.write(
        &path,
        good.replace(
            "left = 2026-11-24T12:10:00+08:00",
            "left = 2026-11-24T08:00:00+08:00",
        )
        .replace(&c, "C20261124-ZZZZZZ")
        .replace(
            &format!("ticket = \"{t}\""),
            "ticket = \"T20261124-ZZZZZZ\"",
        )
        .replace("satisfaction = 5", "satisfaction = 9"),
    );
    desk.write(
        "worklog/wang.toml",
        desk.read("worklog/wang.toml")
            .replace("engineer = \"wang\"", "engineer = \"li\""),
    );
    let o = desk.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    for want in [
        format!("{path}: left (2026-11-24 08:00) is before arrived (2026-11-24 09:30)"),
        format!("{path}: customer = \"C20261124-ZZZZZZ\": no such customer"),
        format!("{path}: ticket = \"T20261124-ZZZZZZ\": no such ticket"),
        format!("{path}: satisfaction = 9: a score is 1 to 5"),
        "worklog/wang.toml: engineer = \"li\" but the file is named wang.toml".to_string(),
    ] {
        assert!(out.contains(&want), "missing {want:?} in\n{out}");
    }

    // A value outside the vocabulary is a typed parse error at its line.
    desk.write(
        &path,
        good.replace(
            "service_type = \"problem-handling\"",
            "service_type = \"repair\"",
        ),
    );
    let out = stdout(&desk.run(&["check", "--format", "csv"]));
    let (_, rows) = parse_csv(&out);
    let row = rows
        .iter()
        .find(|r| r[0] == path)
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(row[1], "6", "line of service_type: {out}");
    assert!(row[3].contains("repair"), "{out}");

    // Everything that reads reports refuses to run on a broken one, naming it.
    let err = desk.fails(1, &["report", "list"]);
    assert!(err.contains(&format!("{path}:6:")), "{err}");
    let err = desk.fails(1, &["ledger", "service", "--month", "2026-11"]);
    assert!(err.contains(&format!("{path}:6:")), "{err}");
}

// ---------------------------------------------------------------- redact

#[test]
fn redact_replaces_a_field_records_who_and_why_and_check_accepts_it() {
    let desk = TestDesk::new();
    let c = desk.add(&["--name", "宏达物流"]);
    let t = open_ticket(&desk, &c);
    let id = full_report(&desk, &t);
    let before = desk.read(&rel(&id));
    ok_at(
        &desk,
        "2026-11-25T09:00:00+08:00",
        &[
            "report",
            "redact",
            &id[10..],
            "--field",
            "signed_by",
            "--reason",
            "PIPL request",
        ],
    );
    let after = desk.read(&rel(&id));
    assert!(!after.contains("陈刚"), "{after}");
    assert!(after.contains("signed_by = \"[redacted]\"\n"), "{after}");
    assert!(
        after.ends_with(
            "\n[[redaction]]\nat = 2026-11-25T09:00:00+08:00\nby = \"wang\"\nfield = \"signed_by\"\nreason = \"PIPL request\"\n"
        ),
        "{after}"
    );
    // Only the redacted line changed above the record of it.
    let (head, _) = after.split_once("\n[[redaction]]").unwrap();
    let changed = changed_lines(before.trim_end(), head);
    assert_eq!(changed.len(), 1, "{changed:?}");
    desk.ok(&["check"]);
    // Twice, an unknown field, an ID or time field: refused, nothing written.
    for (args, msg) in [
        (vec!["--field", "signed_by"], "already redacted"),
        (vec!["--field", "customer"], "cannot be redacted"),
        (vec!["--field", "departed"], "cannot be redacted"),
    ] {
        let mut all = vec!["report", "redact", &id[10..], "--reason", "x"];
        all.extend(args);
        let err = desk.fails(1, &all);
        assert!(err.contains(msg), "{err}");
    }
    assert_eq!(desk.read(&rel(&id)), after);
}
