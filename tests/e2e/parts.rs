//! Issue 21: parts and products shipped on time (the warehouse's `ticket ship`, the
//! `ship` timer of 24 h or 48 h for a remote customer), the grade III chain (`comp
//! legal-review` before the GM, `ticket lead`), compensation rules per grade with
//! `--exception`, and the plan made and told apart (`plan --told`, the `plan-told`
//! timer). Every clock is pinned: the weekdays below are those of December 2026.

use crate::common::staff::{CHEN, WANG, ZHAO, roster};
use crate::common::{TestDesk, ok_at, parse_csv, parse_json, run_at, stderr, stdout};

/// The warehouse clerk (仓库专员).
const ZHOU: &str = r#"
[[staff]]
id = "zhou"
name = "周仓管"
department = "logistics"
roles = ["warehouse"]
"#;

/// The legal department (法务部).
const QIAN: &str = r#"
[[staff]]
id = "qian"
name = "钱法务"
department = "management"
roles = ["legal"]
"#;

const MON_0900: &str = "2026-11-30T09:00:00+08:00";
const FRI_0900: &str = "2026-12-04T09:00:00+08:00";
const FRI_1700: &str = "2026-12-04T17:00:00+08:00";
const SAT_1200: &str = "2026-12-05T12:00:00+08:00";
const SAT_1600: &str = "2026-12-05T16:00:00+08:00";
const SUN_1659: &str = "2026-12-06T16:59:00+08:00";
const MON_0900_NEXT: &str = "2026-12-07T09:00:00+08:00";

/// A desk made by `svcdesk init` (its default policy has the `ship` and `plan-told`
/// timers and `[compensation] legal_review = ["III"]`), with the people of the chain.
fn desk() -> TestDesk {
    let d = TestDesk::new();
    d.append_config(&roster(&[WANG, ZHAO, CHEN, ZHOU, QIAN]));
    d
}

fn as_at(d: &TestDesk, who: &str, now: &str, args: &[&str]) -> String {
    let mut all = vec!["--as", who];
    all.extend_from_slice(args);
    ok_at(d, now, &all)
}

/// `svcdesk --as WHO ARGS` at `now` expecting exit 1; returns stderr.
fn refused(d: &TestDesk, who: &str, now: &str, args: &[&str]) -> String {
    let mut all = vec!["--as", who];
    all.extend_from_slice(args);
    let o = run_at(d, now, &all);
    assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
    assert_eq!(stdout(&o), "");
    stderr(&o)
}

fn customer(d: &TestDesk, now: &str, name: &str, phone: &str, remote: bool) -> String {
    let mut args = vec!["customer", "add", "--name", name, "--phone", phone];
    if remote {
        args.push("--remote");
    }
    ok_at(d, now, &args).trim().to_string()
}

/// A ticket of `customer` opened at `now`, assigned to and accepted by wang.
fn worked_ticket(d: &TestDesk, now: &str, customer: &str, grade: &str) -> String {
    let t = as_at(
        d,
        "wang",
        now,
        &[
            "ticket",
            "open",
            "--customer",
            customer,
            "--category",
            "quality",
            "--grade",
            grade,
            "-m",
            "driver board dead",
        ],
    )
    .trim()
    .to_string();
    as_at(d, "wang", now, &["ticket", "assign", &t, "--to", "wang"]);
    as_at(d, "wang", now, &["ticket", "accept", &t]);
    t
}

/// The ticket's file, wherever its month put it.
fn ticket_text(d: &TestDesk, id: &str) -> String {
    let name = format!("{id}.toml");
    let found = walk(&d.path("tickets"))
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n == name.as_str()))
        .unwrap_or_else(|| panic!("no file for {id}"));
    std::fs::read_to_string(found).unwrap()
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The runs of `timer` in `ticket show --format json` at `now`.
fn runs(d: &TestDesk, now: &str, id: &str, timer: &str) -> Vec<serde_json::Value> {
    let v = parse_json(&ok_at(d, now, &["ticket", "show", id, "--format", "json"]));
    v["sla"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["timer"] == timer)
        .cloned()
        .collect()
}

/// An exchange requested, reviewed by finance and approved by the GM at `approved`.
fn exchange_approved(d: &TestDesk, t: &str, approved: &str) {
    as_at(
        d,
        "wang",
        FRI_0900,
        &[
            "comp", "request", t, "--amount", "3000", "--kind", "exchange",
        ],
    );
    as_at(d, "zhao", FRI_0900, &["comp", "review", t]);
    as_at(d, "chen", approved, &["comp", "approve", t]);
}

#[test]
fn an_exchange_approved_friday_for_a_remote_customer_is_due_sunday_and_breaches_monday() {
    let d = desk();
    let c = customer(&d, MON_0900, "喀什客户", "13900001111", true);
    assert!(d.read_customer(&c).contains("remote = true"));
    let t = worked_ticket(&d, FRI_0900, &c, "II");
    exchange_approved(&d, &t, FRI_1700);
    let text = ticket_text(&d, &t);
    assert!(
        text.contains("goods = true") && text.contains("remote = true"),
        "{text}"
    );

    let ship = runs(&d, SAT_1200, &t, "ship");
    assert_eq!(ship.len(), 1, "{ship:?}");
    assert_eq!(ship[0]["started"], "2026-12-04T17:00:00+08:00");
    assert_eq!(
        ship[0]["due"], "2026-12-06T17:00:00+08:00",
        "48 h wall clock: Sunday 17:00"
    );
    assert_eq!(
        (ship[0]["target"].as_str(), ship[0]["basis"].as_str()),
        (Some("48h"), Some("remote"))
    );
    assert_eq!(ship[0]["outcome"], "running");

    // The engineer is not the warehouse: refused, naming the role and who holds it.
    let e = refused(
        &d,
        "wang",
        MON_0900_NEXT,
        &["ticket", "ship", &t, "--items", "1x X200"],
    );
    assert!(
        e.contains("wang may not ship goods: it needs the role warehouse"),
        "{e}"
    );
    assert!(e.contains("zhou"), "{e}");
    assert_eq!(ticket_text(&d, &t), text, "a refused step changes nothing");

    as_at(
        &d,
        "zhou",
        MON_0900_NEXT,
        &[
            "ticket",
            "ship",
            &t,
            "--items",
            "1x X200 (exchange)",
            "--carrier",
            "SF",
            "--tracking",
            "SF1234567890",
            "--to",
            "新疆喀什市人民路 1 号",
        ],
    );
    let ship = runs(&d, MON_0900_NEXT, &t, "ship");
    assert_eq!(ship[0]["outcome"], "breached", "{ship:?}");
    assert_eq!(ship[0]["stopped"], "2026-12-07T09:00:00+08:00");
    let text = ticket_text(&d, &t);
    for field in [
        "action = \"ship\"",
        "items = \"1x X200 (exchange)\"",
        "carrier = \"SF\"",
        "tracking = \"SF1234567890\"",
        "address = \"新疆喀什市人民路 1 号\"",
        "shipped = 2026-12-07T09:00:00+08:00",
    ] {
        assert!(text.contains(field), "{field} in\n{text}");
    }
    let show = ok_at(&d, MON_0900_NEXT, &["ticket", "show", &t]);
    assert!(
        show.contains("items: 1x X200 (exchange); carrier: SF; tracking: SF1234567890"),
        "{show}"
    );
    assert!(show.contains("goods to ship (remote customer)"), "{show}");

    // The address is personal data: it can be redacted (PIPL), and the history holds.
    let v = parse_json(&ok_at(
        &d,
        MON_0900_NEXT,
        &["ticket", "show", &t, "--format", "json"],
    ));
    let n = v["event"]
        .as_array()
        .unwrap()
        .iter()
        .position(|e| e["action"] == "ship")
        .unwrap()
        + 1;
    let n = n.to_string();
    as_at(
        &d,
        "wang",
        MON_0900_NEXT,
        &[
            "ticket",
            "redact",
            &t,
            "--event",
            &n,
            "--field",
            "address",
            "--reason",
            "PIPL request",
        ],
    );
    let text = ticket_text(&d, &t);
    assert!(
        text.contains("address = \"[redacted]\"") && !text.contains("人民路"),
        "{text}"
    );
    assert_eq!(ok_at(&d, MON_0900_NEXT, &["check"]), "");

    // Delivered afterwards; the ledger's 发货 column and the stats count the shipment.
    as_at(
        &d,
        "wang",
        MON_0900_NEXT,
        &["ticket", "delivered", &t, "-m", "signed for"],
    );
    assert!(ticket_text(&d, &t).contains("delivered = 2026-12-07T09:00:00+08:00"));
    let (head, rows) = parse_csv(&ok_at(
        &d,
        MON_0900_NEXT,
        &["export", "tickets", "--format", "csv"],
    ));
    // `shipped`, then `promised` (empty: no promise runs), the last columns.
    let n = head.len();
    assert_eq!(head[n - 2..], ["shipped", "promised"]);
    assert_eq!(rows[0][n - 2..], ["2026-12-07T09:00:00+08:00", ""]);
    let zh = ok_at(
        &d,
        MON_0900_NEXT,
        &["export", "tickets", "--format", "csv", "--lang", "zh"],
    );
    assert!(
        zh.lines()
            .next()
            .unwrap()
            .trim_end()
            .ends_with("发货,预计完成时间"),
        "{zh}"
    );
    // The month's register ends with the shipment too.
    let register = ok_at(
        &d,
        MON_0900_NEXT,
        &["ledger", "tickets", "--month", "2026-12"],
    );
    let register = register.strip_prefix('\u{feff}').unwrap_or(&register);
    let (head, rows) = parse_csv(register);
    let n = head.len();
    assert_eq!(head[n - 2..], ["shipped", "promised"]);
    assert_eq!(rows[0][n - 2..], ["2026-12-07 09:00", ""]);
    let stats = parse_json(&ok_at(
        &d,
        MON_0900_NEXT,
        &["stats", "--month", "2026-12", "--format", "json"],
    ));
    let total = &stats["groups"][0];
    assert_eq!(total["shipments"], 1, "{stats}");
    assert_eq!(total["shipped_on_time_pct"], 0.0, "{stats}");
}

#[test]
fn a_customer_nearby_has_24_hours_and_a_remote_one_meets_48_by_sunday() {
    let d = desk();
    let near = customer(&d, MON_0900, "苏州客户", "13900002222", false);
    let far = customer(&d, MON_0900, "拉萨客户", "13900003333", true);
    let t1 = worked_ticket(&d, FRI_0900, &near, "II");
    let t2 = worked_ticket(&d, FRI_0900, &far, "II");
    for t in [&t1, &t2] {
        exchange_approved(&d, t, FRI_1700);
    }
    let ship = runs(&d, SAT_1200, &t1, "ship");
    assert_eq!(ship[0]["due"], "2026-12-05T17:00:00+08:00", "{ship:?}");
    assert_eq!(ship[0]["basis"], "all");
    as_at(
        &d,
        "zhou",
        SAT_1600,
        &["ticket", "ship", &t1, "--items", "1x X200"],
    );
    as_at(
        &d,
        "zhou",
        SUN_1659,
        &["ticket", "ship", &t2, "--items", "1x X200"],
    );
    assert_eq!(runs(&d, SUN_1659, &t1, "ship")[0]["outcome"], "met");
    assert_eq!(runs(&d, SUN_1659, &t2, "ship")[0]["outcome"], "met");
    let stats = parse_json(&ok_at(
        &d,
        SUN_1659,
        &["stats", "--month", "2026-12", "--format", "json"],
    ));
    assert_eq!(stats["groups"][0]["shipments"], 2, "{stats}");
    assert_eq!(stats["groups"][0]["shipped_on_time_pct"], 100.0, "{stats}");

    // A refund needs no goods: no ship timer. A plan that needs parts starts one.
    let t3 = worked_ticket(&d, FRI_0900, &near, "II");
    as_at(
        &d,
        "wang",
        FRI_0900,
        &[
            "comp", "request", &t3, "--amount", "100", "--kind", "refund",
        ],
    );
    as_at(&d, "zhao", FRI_0900, &["comp", "review", &t3]);
    as_at(&d, "chen", FRI_1700, &["comp", "approve", &t3]);
    assert!(runs(&d, SAT_1200, &t3, "ship").is_empty());
    as_at(
        &d,
        "wang",
        FRI_1700,
        &["ticket", "plan", &t3, "-m", "fix on site"],
    );
    assert!(
        runs(&d, SAT_1200, &t3, "ship").is_empty(),
        "a plan without --needs-parts"
    );
    as_at(
        &d,
        "wang",
        SAT_1200,
        &[
            "ticket",
            "plan",
            &t3,
            "--needs-parts",
            "-m",
            "ship a DB-200 board",
        ],
    );
    let ship = runs(&d, SAT_1200, &t3, "ship");
    assert_eq!(ship.len(), 1);
    assert_eq!(ship[0]["due"], "2026-12-06T12:00:00+08:00");
}

#[test]
fn grade_iii_compensation_needs_the_legal_review_before_the_gm() {
    let d = desk();
    let c = customer(&d, MON_0900, "某集团", "13900004444", false);
    let t = worked_ticket(&d, FRI_0900, &c, "III");
    // The lead heads the special team: shown in show, list and the export.
    as_at(&d, "wang", FRI_0900, &["ticket", "lead", &t, "chen"]);
    assert!(ok_at(&d, FRI_0900, &["ticket", "show", &t]).contains("lead            chen"));
    assert!(ok_at(&d, FRI_0900, &["ticket", "list"]).contains("wang (lead chen)"));
    let (head, rows) = parse_csv(&ok_at(
        &d,
        FRI_0900,
        &["export", "tickets", "--format", "csv"],
    ));
    let i = head.iter().position(|h| h == "lead").unwrap();
    assert_eq!(rows[0][i], "chen");
    let e = refused(&d, "wang", FRI_0900, &["ticket", "lead", &t, "nobody"]);
    assert!(e.contains("nobody"), "{e}");

    as_at(
        &d,
        "wang",
        FRI_0900,
        &[
            "comp", "request", &t, "--amount", "20000", "--kind", "refund",
        ],
    );
    as_at(&d, "zhao", FRI_0900, &["comp", "review", &t]);
    let before = ticket_text(&d, &t);
    let e = refused(&d, "chen", FRI_1700, &["comp", "approve", &t]);
    assert!(e.contains("only after the legal review"), "{e}");
    assert!(e.contains("compensation.legal_review"), "{e}");
    assert!(e.contains("ask qian"), "the legal staff is named: {e}");
    assert_eq!(ticket_text(&d, &t), before);

    // Only the legal role reviews.
    let e = refused(
        &d,
        "zhao",
        FRI_1700,
        &["comp", "legal-review", &t, "--approve"],
    );
    assert!(
        e.contains("it needs the role legal") && e.contains("qian"),
        "{e}"
    );
    as_at(
        &d,
        "qian",
        FRI_1700,
        &[
            "comp",
            "legal-review",
            &t,
            "--approve",
            "-m",
            "filed with legal",
        ],
    );
    assert!(ticket_text(&d, &t).contains("legal_review = \"approved\""));
    as_at(&d, "chen", FRI_1700, &["comp", "approve", &t]);
    assert!(ticket_text(&d, &t).contains("compensation = \"approved\""));

    // A new request needs a new review; a legal rejection ends it.
    as_at(
        &d,
        "wang",
        SAT_1200,
        &["comp", "request", &t, "--amount", "500", "--kind", "cash"],
    );
    as_at(&d, "zhao", SAT_1200, &["comp", "review", &t]);
    refused(&d, "chen", SAT_1200, &["comp", "approve", &t]);
    as_at(
        &d,
        "qian",
        SAT_1200,
        &["comp", "legal-review", &t, "--reject", "-m", "no basis"],
    );
    assert!(ticket_text(&d, &t).contains("compensation = \"rejected\""));

    // Grade II is not in legal_review: the GM approves after finance alone.
    let t2 = worked_ticket(&d, FRI_0900, &c, "II");
    as_at(
        &d,
        "wang",
        FRI_0900,
        &[
            "comp", "request", &t2, "--amount", "200", "--kind", "refund",
        ],
    );
    as_at(&d, "zhao", FRI_0900, &["comp", "review", &t2]);
    as_at(&d, "chen", FRI_0900, &["comp", "approve", &t2]);
    // A lead is for grade III cases only.
    let e = refused(&d, "wang", FRI_0900, &["ticket", "lead", &t2, "chen"]);
    assert!(e.contains("grade III"), "{e}");
}

#[test]
fn a_grade_i_full_refund_is_refused_with_its_rule_unless_an_exception() {
    let d = desk();
    d.append_config("\n[compensation.grades.I]\nkinds = [\"coupon\", \"repair\"]\nmax = \"50\"\n");
    let c = customer(&d, MON_0900, "张三", "13900005555", false);
    let t = worked_ticket(&d, FRI_0900, &c, "I");
    let before = ticket_text(&d, &t);
    let e = refused(
        &d,
        "wang",
        FRI_0900,
        &[
            "comp", "request", &t, "--amount", "1999", "--kind", "refund",
        ],
    );
    assert!(
        e.contains(
            "grade I compensation is coupon, repair (compensation.grades.I.kinds), not refund"
        ),
        "{e}"
    );
    assert!(e.contains("--exception"), "{e}");
    let e = refused(
        &d,
        "wang",
        FRI_0900,
        &["comp", "request", &t, "--amount", "80", "--kind", "coupon"],
    );
    assert!(
        e.contains("at most 50 (compensation.grades.I.max), not 80"),
        "{e}"
    );
    assert_eq!(ticket_text(&d, &t), before, "nothing written");
    as_at(
        &d,
        "wang",
        FRI_0900,
        &["comp", "request", &t, "--amount", "50", "--kind", "coupon"],
    );
    as_at(&d, "zhao", FRI_0900, &["comp", "reject", &t]);
    as_at(
        &d,
        "wang",
        FRI_0900,
        &[
            "comp",
            "request",
            &t,
            "--amount",
            "1999",
            "--kind",
            "refund",
            "--exception",
            "third failure in a month",
        ],
    );
    let text = ticket_text(&d, &t);
    assert!(
        text.contains("exception = \"third failure in a month\""),
        "{text}"
    );
    assert!(text.contains("compensation_exception = \"third failure in a month\""));
    // It goes to the GM like every request, after finance.
    refused(&d, "zhao", FRI_0900, &["comp", "approve", &t]);
    as_at(&d, "zhao", FRI_0900, &["comp", "review", &t]);
    as_at(&d, "chen", FRI_0900, &["comp", "approve", &t]);
    let stats = parse_json(&ok_at(
        &d,
        FRI_1700,
        &["stats", "--month", "2026-12", "--format", "json"],
    ));
    assert_eq!(stats["groups"][0]["comp_exceptions"], 1, "{stats}");
}

#[test]
fn the_plan_told_timer_is_met_and_breached_as_worked_out_by_hand() {
    let d = desk();
    let c = customer(&d, MON_0900, "李四", "13900006666", false);
    let met = worked_ticket(&d, FRI_0900, &c, "II");
    let late = worked_ticket(&d, FRI_0900, &c, "II");
    for t in [&met, &late] {
        as_at(
            &d,
            "wang",
            "2026-12-04T10:00:00+08:00",
            &["ticket", "plan", t, "-m", "replace the board"],
        );
    }
    // Told before anything: refused, there is a plan to tell only after `plan`.
    let fresh = worked_ticket(&d, FRI_0900, &c, "II");
    let e = refused(&d, "wang", FRI_0900, &["ticket", "plan", &fresh, "--told"]);
    assert!(e.contains("there is no plan to tell"), "{e}");

    // 10:00 + 1 h = 11:00: told at 10:59 is met, at 11:01 breached.
    let r = runs(&d, "2026-12-04T10:30:00+08:00", &met, "plan-told");
    assert_eq!(r[0]["due"], "2026-12-04T11:00:00+08:00");
    assert_eq!(r[0]["outcome"], "running");
    as_at(
        &d,
        "wang",
        "2026-12-04T10:59:00+08:00",
        &["ticket", "plan", &met, "--told", "-m", "phoned"],
    );
    as_at(
        &d,
        "wang",
        "2026-12-04T11:01:00+08:00",
        &["ticket", "plan", &late, "--told"],
    );
    assert_eq!(runs(&d, FRI_1700, &met, "plan-told")[0]["outcome"], "met");
    assert_eq!(
        runs(&d, FRI_1700, &late, "plan-told")[0]["outcome"],
        "breached"
    );
    assert!(ticket_text(&d, &met).contains("action = \"plan-told\""));
    // The plan itself is unchanged by the telling.
    assert!(ticket_text(&d, &met).contains("plan = \"replace the board\""));
    let o = run_at(&d, FRI_1700, &["ticket", "plan", &met]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a plan needs its text: {}",
        stderr(&o)
    );
}

#[test]
fn remote_is_set_and_unset_on_a_customer_and_survives_export_and_import() {
    let d = desk();
    let c = customer(&d, MON_0900, "阿勒泰客户", "13900007777", false);
    assert!(!d.read_customer(&c).contains("remote"));
    ok_at(&d, MON_0900, &["customer", "edit", &c, "--remote"]);
    assert!(d.read_customer(&c).contains("remote = true"));
    assert!(ok_at(&d, MON_0900, &["customer", "show", &c]).contains("remote"));
    let csv = ok_at(&d, MON_0900, &["export", "customers", "--format", "csv"]);
    let (head, rows) = parse_csv(&csv);
    let remote = head.iter().position(|h| h == "remote").unwrap();
    assert_eq!(rows[0][remote], "true");

    let other = TestDesk::new();
    let sheet = other.tmp.path().join("customers.csv");
    std::fs::write(&sheet, &csv).unwrap();
    ok_at(
        &other,
        MON_0900,
        &["import", "customers", sheet.to_str().unwrap()],
    );
    assert!(other.read_customer(&c).contains("remote = true"));

    ok_at(&d, MON_0900, &["customer", "edit", &c, "--not-remote"]);
    assert!(!d.read_customer(&c).contains("remote"));
}
