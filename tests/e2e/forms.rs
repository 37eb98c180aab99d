//! End-to-end: the paper forms complete (issue 18) — the ledgers' new columns, fault
//! causes, compensation counts and work-log hours in `stats`, on a small desk whose
//! figures are worked out by hand here. All times +08:00 (Asia/Shanghai).
//!
//! Staff: li (agent), wang 王工 (engineer), zhao (finance), chen (gm), sun (supervisor).
//! Customers: A 华东机械 (contact 陈刚, phone 021-5555-0101), B 南京精工.
//!
//! | ticket | opened | life in November |
//! |---|---|---|
//! | T1 | A, Nov 2 09:00, quality, X200 / X200-24-0001, II | wang accepts, diagnoses (electrical), visits Nov 3 (out 07:30, on site 09:30–12:00, back 14:15, escalated to sun), resolves, revisit 4/5/4 with a comment, closed (4) |
//! | T2 | B, Nov 6 09:00, complaint | compensation 2000 requested, reviewed, approved |
//! | T3 | B, Nov 9 09:00, quality | wang diagnoses (mechanical); compensation 500.50 requested, reviewed, rejected |
//! | T4 | A, Nov 20 09:00, quality | wang diagnoses (electrical); compensation 300 requested, still pending at the month's end |
//!
//! Compensation in November: requested 3 (2000 + 500.50 + 300 = 2800.50), approved 1
//! (2000.00), rejected 1 (500.50), pending 1 (300.00), all CNY.
//! Fault causes among the 4 tickets opened: electrical 2 (50.0 %), mechanical 1 (25.0 %).
//! Work log: wang 2.5 h (Nov 10) + 1 h (Nov 30) = 3.50 h in November (his 3 h of Dec 1
//! are December's); sun 4 h (Nov 12); desk total 7.50 h. wang's one visit: 2.50 h.

use crate::common::staff::{CHEN, LI, SUN, WANG, ZHAO, roster};
use crate::common::{TestDesk, parse_csv, parse_json, stderr, stdout};

fn t(day_time: &str) -> String {
    format!("2026-{day_time}:00+08:00")
}

/// Well after November.
const DEC_15: &str = "2026-12-15T12:00:00+08:00";

fn ok(desk: &TestDesk, when: &str, user: &str, args: &[&str]) -> String {
    let now = if when.starts_with("2026-") {
        when.to_string()
    } else {
        t(when)
    };
    let o = desk
        .cmd()
        .env("SVCDESK_NOW", &now)
        .env("SVCDESK_USER", user)
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "svcdesk {args:?} at {now} as {user} failed\nstdout:\n{}\nstderr:\n{}",
        stdout(&o),
        stderr(&o)
    );
    stdout(&o).trim_end().to_string()
}

struct Month {
    desk: TestDesk,
    t1: String,
    t2: String,
    t3: String,
    t4: String,
    report: String,
}

fn month() -> Month {
    let desk = TestDesk::new();
    desk.append_config(&roster(&[LI, WANG, ZHAO, CHEN, SUN]));
    let a = ok(
        &desk,
        "10-01T09:00",
        "li",
        &[
            "customer",
            "add",
            "--name",
            "华东机械",
            "--contact",
            "陈刚",
            "--phone",
            "021-5555-0101",
        ],
    );
    let b = ok(
        &desk,
        "10-01T09:00",
        "li",
        &["customer", "add", "--name", "南京精工"],
    );
    let open = |when: &str, customer: &str, category: &str, extra: &[&str], text: &str| {
        let mut args = vec![
            "ticket",
            "open",
            "--customer",
            customer,
            "--category",
            category,
        ];
        args.extend_from_slice(extra);
        args.extend(["-m", text]);
        ok(&desk, when, "li", &args)
    };

    let t1 = open(
        "11-02T09:00",
        &a,
        "quality",
        &[
            "--product",
            "X200",
            "--serial",
            "X200-24-0001",
            "--grade",
            "II",
        ],
        "conveyor motor stops under load",
    );
    ok(&desk, "11-02T09:30", "wang", &["ticket", "accept", &t1]);
    ok(
        &desk,
        "11-02T10:00",
        "wang",
        &[
            "ticket",
            "diagnose",
            &t1,
            "--cause",
            "driver board overheats",
            "--cause-code",
            "electrical",
            "--responsibility",
            "product",
        ],
    );
    ok(
        &desk,
        "11-02T10:30",
        "wang",
        &["ticket", "respond", &t1, "-m", "engineer on the way"],
    );
    let report = ok(
        &desk,
        "11-03T15:00",
        "wang",
        &[
            "report",
            "add",
            "--ticket",
            &t1,
            "--type",
            "problem-handling",
            "--departed",
            "2026-11-03 07:30",
            "--arrived",
            "2026-11-03 09:30",
            "--left",
            "2026-11-03 12:00",
            "--returned",
            "2026-11-03 14:15",
            "--escalated",
            "--escalated-to",
            "sun",
            "-m",
            "replaced the driver board",
        ],
    );
    ok(
        &desk,
        "11-03T16:00",
        "wang",
        &["ticket", "resolve", &t1, "-m", "driver board replaced"],
    );
    ok(
        &desk,
        "11-04T10:00",
        "li",
        &[
            "ticket",
            "revisit",
            &t1,
            "--efficiency",
            "4",
            "--attitude",
            "5",
            "--result",
            "4",
            "-m",
            "fast, but call before coming",
        ],
    );
    ok(
        &desk,
        "11-05T10:00",
        "li",
        &["ticket", "close", &t1, "--satisfaction", "4"],
    );

    let t2 = open("11-06T09:00", &b, "complaint", &[], "billed twice");
    ok(&desk, "11-06T09:30", "wang", &["ticket", "accept", &t2]);
    ok(
        &desk,
        "11-06T10:00",
        "li",
        &[
            "comp", "request", &t2, "--amount", "2000", "--kind", "refund",
        ],
    );
    ok(&desk, "11-06T11:00", "zhao", &["comp", "review", &t2]);
    ok(&desk, "11-06T12:00", "chen", &["comp", "approve", &t2]);

    let t3 = open("11-09T09:00", &b, "quality", &[], "gearbox noise");
    ok(&desk, "11-09T09:10", "wang", &["ticket", "accept", &t3]);
    ok(
        &desk,
        "11-09T09:20",
        "wang",
        &[
            "ticket",
            "diagnose",
            &t3,
            "--cause",
            "worn bearing",
            "--cause-code",
            "mechanical",
        ],
    );
    ok(
        &desk,
        "11-09T10:00",
        "li",
        &[
            "comp", "request", &t3, "--amount", "500.5", "--kind", "cash",
        ],
    );
    ok(&desk, "11-09T11:00", "zhao", &["comp", "review", &t3]);
    ok(&desk, "11-09T12:00", "chen", &["comp", "reject", &t3]);

    let t4 = open("11-20T09:00", &a, "quality", &[], "sensor reads zero");
    ok(&desk, "11-20T09:10", "wang", &["ticket", "accept", &t4]);
    ok(
        &desk,
        "11-20T09:20",
        "wang",
        &[
            "ticket",
            "diagnose",
            &t4,
            "--cause",
            "loose sensor cable",
            "--cause-code",
            "electrical",
        ],
    );
    ok(
        &desk,
        "11-20T10:00",
        "li",
        &[
            "comp", "request", &t4, "--amount", "300", "--kind", "coupon",
        ],
    );

    for (when, user, date, hours, extra) in [
        (
            "11-10T18:00",
            "wang",
            "2026-11-10",
            "2.5",
            Some(t3.as_str()),
        ),
        ("11-12T18:00", "sun", "2026-11-12", "4", None),
        ("11-30T18:00", "wang", "2026-11-30", "1", None),
        ("12-01T18:00", "wang", "2026-12-01", "3", None),
    ] {
        let mut args = vec![
            "report", "log", "--date", date, "--hours", hours, "-m", "work",
        ];
        if let Some(t) = extra {
            args.extend(["--ticket", t]);
        }
        ok(&desk, when, user, &args);
    }
    Month {
        desk,
        t1,
        t2,
        t3,
        t4,
        report,
    }
}

/// The cell of `column` in the row whose `key_column` is `key`.
fn cell<'a>(
    csv: &'a (Vec<String>, Vec<Vec<String>>),
    key_column: &str,
    key: &str,
    column: &str,
) -> &'a str {
    let (header, rows) = csv;
    let i = |c: &str| {
        header
            .iter()
            .position(|h| h == c)
            .unwrap_or_else(|| panic!("no column {c} in {header:?}"))
    };
    let row = rows
        .iter()
        .find(|r| r[i(key_column)] == key)
        .unwrap_or_else(|| panic!("no row {key_column} = {key}"));
    &row[i(column)]
}

#[test]
fn the_forms_carry_the_paper_fields_and_the_month_counts_causes_compensation_and_hours() {
    let m = month();
    let d = &m.desk;

    // The diagnosis is stored on its event and, replayed, on the ticket.
    let file: toml::Table = d.read(&ticket_rel(d, &m.t1)).parse().unwrap();
    assert_eq!(file["cause_code"].as_str(), Some("electrical"));
    let shown = ok(
        d,
        DEC_15,
        "li",
        &["ticket", "show", &m.t1, "--format", "json"],
    );
    let j = parse_json(&shown);
    assert_eq!(j["cause_code"], "electrical", "{shown}");
    let diagnose = j["event"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "diagnose")
        .unwrap();
    assert_eq!(diagnose["cause_code"], "electrical");
    ok(d, DEC_15, "li", &["check"]);

    // 客户服务受理跟踪反馈表: the new columns at the end, after `reopened`.
    let register = ok(
        d,
        DEC_15,
        "li",
        &["ledger", "tickets", "--month", "2026-11"],
    );
    let csv = parse_csv(&register);
    let tail: Vec<&str> = csv
        .0
        .iter()
        .map(String::as_str)
        .skip_while(|c| *c != "reopened")
        .collect();
    assert_eq!(
        tail,
        [
            "reopened",
            "contact",
            "phone",
            "product",
            "serial",
            "description",
            "cause",
            "cause_code",
            "resolution",
            "revisit_efficiency",
            "revisit_attitude",
            "revisit_result",
            "revisit_comment",
            "lead",
            "shipped",
            "promised"
        ]
    );
    assert_eq!(csv.1.len(), 4, "{register}");
    for (column, want) in [
        ("contact", "陈刚"),
        ("phone", "021-5555-0101"),
        ("product", "X200"),
        ("serial", "X200-24-0001"),
        ("description", "conveyor motor stops under load"),
        ("cause", "driver board overheats"),
        ("cause_code", "electrical"),
        ("resolution", "driver board replaced"),
        ("revisit_efficiency", "4"),
        ("revisit_attitude", "5"),
        ("revisit_result", "4"),
        ("revisit_comment", "fast, but call before coming"),
        ("state_at_month_end", "closed"),
        ("satisfaction", "4"),
    ] {
        assert_eq!(cell(&csv, "id", &m.t1, column), want, "{column}");
    }
    assert_eq!(cell(&csv, "id", &m.t3, "cause_code"), "mechanical");
    assert_eq!(cell(&csv, "id", &m.t2, "phone"), "", "B has no phone");
    assert_eq!(cell(&csv, "id", &m.t2, "revisit_comment"), "");
    // Compensation: a number and its currency.
    assert_eq!(cell(&csv, "id", &m.t2, "compensation"), "approved");
    assert_eq!(cell(&csv, "id", &m.t2, "compensation_amount"), "2000.00");
    assert_eq!(cell(&csv, "id", &m.t2, "compensation_currency"), "CNY");
    assert_eq!(cell(&csv, "id", &m.t3, "compensation_amount"), "500.50");
    assert_eq!(cell(&csv, "id", &m.t4, "compensation"), "requested");
    let zh = ok(
        d,
        DEC_15,
        "li",
        &["ledger", "tickets", "--month", "2026-11", "--lang", "zh"],
    );
    assert!(
        zh.lines().next().unwrap().ends_with(
            ",重开次数,联系人,联系电话,产品,序列号,问题描述,原因分析,故障分类,处理措施/结果,\
             回访效率评分,回访态度评分,回访结果评分,回访意见,专项负责人,发货,预计完成时间"
        ),
        "{zh}"
    );

    // 技术服务台账: travel times, the engineer's name, whom it was escalated to.
    let service = parse_csv(&ok(
        d,
        DEC_15,
        "li",
        &["ledger", "service", "--month", "2026-11"],
    ));
    let tail: Vec<&str> = service.0.iter().map(String::as_str).skip(20).collect();
    assert_eq!(
        tail,
        [
            "departed",
            "returned",
            "engineer_name",
            "escalated_to",
            "visit",
            "review"
        ]
    );
    for (column, want) in [
        ("engineer", "wang"),
        ("engineer_name", "王工"),
        ("departed", "2026-11-03 07:30"),
        ("arrived", "2026-11-03 09:30"),
        ("left", "2026-11-03 12:00"),
        ("returned", "2026-11-03 14:15"),
        ("hours_on_site", "2.50"),
        ("escalated", "yes"),
        ("escalated_to", "sun"),
    ] {
        assert_eq!(
            cell(&service, "report", &m.report, column),
            want,
            "{column}"
        );
    }

    // stats: compensation counts and amounts, work-log hours in the summary.
    let stats = parse_csv(&ok(
        d,
        DEC_15,
        "li",
        &["stats", "--month", "2026-11", "--format", "csv"],
    ));
    assert_eq!(stats.1.len(), 1);
    for (column, want) in [
        ("opened", "4"),
        ("compensation_approved_amount", "2000.00"),
        ("compensation_requested", "3"),
        ("compensation_requested_amount", "2800.50"),
        ("compensation_approved", "1"),
        ("compensation_rejected", "1"),
        ("compensation_rejected_amount", "500.50"),
        ("compensation_pending", "1"),
        ("compensation_pending_amount", "300.00"),
        ("compensation_currency", "CNY"),
        ("visits", "1"),
        ("visit_hours", "2.50"),
        ("log_hours", "7.50"),
    ] {
        assert_eq!(cell(&stats, "period", "2026-11", column), want, "{column}");
    }
    let j = parse_json(&ok(
        d,
        DEC_15,
        "li",
        &["stats", "--month", "2026-11", "--format", "json"],
    ));
    let g = &j["groups"][0];
    assert_eq!(g["compensation_requested"], 3);
    assert_eq!(g["compensation_requested_amount"], 2800.5);
    assert_eq!(g["compensation_pending_amount"], 300.0);
    assert_eq!(g["compensation_currency"], "CNY");
    assert_eq!(g["log_hours"], 7.5);
    // In October nothing was requested: zero counts, 0.00 amounts, no currency.
    let october = parse_csv(&ok(
        d,
        DEC_15,
        "li",
        &["stats", "--month", "2026-10", "--format", "csv"],
    ));
    assert_eq!(
        cell(&october, "period", "2026-10", "compensation_requested"),
        "0"
    );
    assert_eq!(
        cell(
            &october,
            "period",
            "2026-10",
            "compensation_approved_amount"
        ),
        "0.00"
    );
    assert_eq!(
        cell(&october, "period", "2026-10", "compensation_currency"),
        ""
    );

    // Work-log hours per engineer.
    let by = parse_csv(&ok(
        d,
        DEC_15,
        "li",
        &[
            "stats", "--month", "2026-11", "--by", "engineer", "--format", "csv",
        ],
    ));
    assert_eq!(cell(&by, "engineer", "wang", "log_hours"), "3.50");
    assert_eq!(cell(&by, "engineer", "wang", "visit_hours"), "2.50");
    assert_eq!(cell(&by, "engineer", "sun", "log_hours"), "4.00");
    assert_eq!(cell(&by, "engineer", "sun", "opened"), "0");
    let table = ok(
        d,
        DEC_15,
        "li",
        &["stats", "--month", "2026-11", "--by", "engineer"],
    );
    assert!(table.contains("hours logged"), "{table}");
    let december = parse_csv(&ok(
        d,
        DEC_15,
        "li",
        &[
            "stats", "--month", "2026-12", "--by", "engineer", "--format", "csv",
        ],
    ));
    assert_eq!(cell(&december, "engineer", "wang", "log_hours"), "3.00");

    let history = ok(d, DEC_15, "li", &["ticket", "show", &m.t1]);
    assert!(history.contains("cause code: electrical"), "{history}");

    // TOP N ranks fault causes, named from [causes].
    let top = ok(
        d,
        DEC_15,
        "li",
        &[
            "stats", "--month", "2026-11", "--top", "3", "--format", "csv",
        ],
    );
    let causes: Vec<&str> = top.lines().filter(|l| l.contains(",cause,")).collect();
    assert_eq!(
        causes,
        [
            "2026-11,cause,1,electrical,电气 Electrical,2,50.0",
            "2026-11,cause,2,mechanical,机械 Mechanical,1,25.0",
        ],
        "{top}"
    );
    let table = ok(
        d,
        DEC_15,
        "li",
        &["stats", "--month", "2026-11", "--top", "3"],
    );
    assert!(table.contains("Fault causes (故障分类):"), "{table}");
    assert!(table.contains("电气 Electrical"), "{table}");
}

#[test]
fn an_unknown_cause_code_is_refused_with_the_nearest_and_check_reports_stored_ones() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械"]);
    let t = ok(
        &d,
        "11-24T09:00",
        "wang",
        &[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "quality",
            "-m",
            "noise",
        ],
    );
    ok(&d, "11-24T09:05", "wang", &["ticket", "accept", &t]);
    let before = d.read(&ticket_rel(&d, &t));
    let o = d
        .cmd()
        .env("SVCDESK_NOW", t_now())
        .args([
            "ticket",
            "diagnose",
            &t,
            "--cause",
            "bearing",
            "--cause-code",
            "mechanicl",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("unknown cause code \"mechanicl\""), "{err}");
    assert!(err.contains("did you mean mechanical?"), "{err}");
    assert_eq!(d.read(&ticket_rel(&d, &t)), before, "nothing written");

    ok(
        &d,
        "11-24T09:20",
        "wang",
        &[
            "ticket",
            "diagnose",
            &t,
            "--cause",
            "bearing",
            "--cause-code",
            "mechanical",
        ],
    );
    ok(&d, "11-24T09:30", "wang", &["check"]);
    // `export tickets` carries the code (last column), and `import tickets` takes it
    // back, checked like the command line.
    let export = ok(&d, "11-24T09:30", "wang", &["export", "tickets"]);
    assert!(
        export
            .lines()
            .next()
            .unwrap()
            .ends_with(",description,cause_code,lead,shipped,promised")
    );
    assert!(
        export.lines().nth(1).unwrap().ends_with(",mechanical,,,"),
        "{export}"
    );
    let sheet = |code: &str| {
        format!(
            "state,customer,category,opened,assignee,accepted,cause,cause_code\n\
             in-progress,{c},quality,2026-11-20 09:00,wang,2026-11-20 09:10,bearing,{code}\n"
        )
    };
    d.write("bad.csv", sheet("mechanicl"));
    let o = d
        .cmd()
        .env("SVCDESK_NOW", t_now())
        .args(["import", "tickets"])
        .arg(d.path("bad.csv"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(":2: unknown cause code \"mechanicl\" (did you mean mechanical?"),
        "{}",
        stderr(&o)
    );
    d.write("good.csv", sheet("mechanical"));
    let good = d.path("good.csv");
    let id = ok(
        &d,
        "11-24T09:40",
        "wang",
        &["import", "tickets", good.to_str().unwrap()],
    );
    let imported: toml::Table = d.read(&ticket_rel(&d, &id)).parse().unwrap();
    assert_eq!(imported["cause_code"].as_str(), Some("mechanical"));
    assert_eq!(imported["cause"].as_str(), Some("bearing"));
    ok(&d, "11-24T09:45", "wang", &["check"]);

    // A wrong code is corrected with `ticket set`, checked the same way.
    let err = d.fails(
        1,
        &[
            "ticket",
            "set",
            &t,
            "--cause-code",
            "electrcal",
            "--reason",
            "x",
        ],
    );
    assert!(err.contains("did you mean electrical?"), "{err}");
    ok(
        &d,
        "11-24T09:50",
        "wang",
        &[
            "ticket",
            "set",
            &t,
            "--cause-code",
            "electrical",
            "--reason",
            "it was the board",
        ],
    );
    let fixed: toml::Table = d.read(&ticket_rel(&d, &t)).parse().unwrap();
    assert_eq!(fixed["cause_code"].as_str(), Some("electrical"));
    ok(&d, "11-24T09:55", "wang", &["check"]);

    // The code leaves [causes]: check names it.
    let cfg = d.read("svcdesk.toml");
    d.write(
        "svcdesk.toml",
        cfg.replace("mechanical = \"机械 Mechanical\"\n", ""),
    );
    let o = d
        .cmd()
        .env("SVCDESK_NOW", t_now())
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        all.contains("cause_code \"mechanical\" is not in [causes] of svcdesk.toml"),
        "{all}"
    );

    // A desk without [causes] (made before them) works as before, and says why a code
    // cannot be recorded.
    let start = cfg.find("[causes]").unwrap();
    let end = start + cfg[start..].find("\n\n").unwrap();
    d.write(
        "svcdesk.toml",
        format!("{}{}", &cfg[..start], &cfg[end + 2..]),
    );
    let o = d
        .cmd()
        .env("SVCDESK_NOW", t_now())
        .args([
            "ticket",
            "diagnose",
            &t,
            "--cause",
            "x",
            "--cause-code",
            "electrical",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("this desk lists no causes"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("[causes]"), "{}", stderr(&o));
    let o = d
        .cmd()
        .env("SVCDESK_NOW", t_now())
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "the stored code is now unknown");
}

fn t_now() -> String {
    t("11-24T10:00")
}

/// The ticket's file, relative to the desk.
fn ticket_rel(d: &TestDesk, id: &str) -> String {
    let rel = format!("tickets/{}/{}/{id}.toml", &id[1..5], &id[5..7]);
    assert!(d.path(&rel).is_file(), "{rel}");
    rel
}
