//! End-to-end: `svcdesk stats` and `svcdesk ledger tickets` on a desk with a known month
//! of tickets and field visits, every figure worked out by hand below.
//!
//! The desk (Asia/Shanghai, default calendar: Mon–Fri 09:00–12:00 and 13:30–18:00; the
//! default SLA policy). All times +08:00.
//!
//! | ticket | customer | opened | life |
//! |---|---|---|---|
//! | T4 | C 李明 | Tue Oct 20 10:00, consult, no grade | never accepted: open all November |
//! | T1 | A 华东机械 | Mon Nov 2 09:00, complaint/attitude, X200, II | accept 09:30 (wang), respond 11:00, comp 1500 approved Nov 3 10:00, resolve Nov 3 11:00, revisit 15:00 (4), close Nov 4 10:00 (5) |
//! | T2 | B 南京精工 | Thu Nov 5 14:00, quality, X300, I, email | accept 14:30 (zhou), respond 18:00, resolve Fri Nov 6 20:00, close Mon Nov 9 10:00 (3) |
//! | T6 | C 李明 | Thu Nov 12 09:00, quality, X200, II | accept 09:10 (wang), resolve 15:00, close Nov 13 09:00 (2), reopen Mon Nov 16 09:00, resolve Nov 17 09:00, revisit 10:00 (4), close Nov 18 09:00 (4) |
//! | T3 | A 华东机械 | Tue Nov 24 09:00, complaint/result, X200, II | accept 09:20 (wang), respond 10:00, resolve Tue Dec 1 10:00, close Dec 2 09:00 (4) |
//!
//! Field visits: wang for T1, Nov 3 09:30–12:00 (2.50 h); zhou for T2, Nov 6 14:00–17:30
//! (3.50 h).
//!
//! SLA timer runs decided in November (met at the stop, missed at the close that ended a
//! run without its stop action, breached at the deadline); every run counts once:
//! - accept (1 h from the assign at opening): T1, T2, T3, T6 met → 4/4 = 100.0
//!   (T4's breached on Oct 20 11:00: October's)
//! - respond (II 12 h): T1 met, T3 met; T6 never responded, its run ended by the close
//!   of Nov 13 after its deadline Nov 12 21:00 → breached; T2 is grade I (no target)
//!   → 2/3 = 66.7
//! - resolve (II 48 h, I 24 h, medium 3wd; earliest wins; runs from open and reopen):
//!   T1 met; T2 due Nov 6 14:00, resolved 20:00 → breached; T3 due Thu Nov 26 09:00,
//!   unresolved at month end → breached; T6 two runs, from the open (resolved Nov 12
//!   15:00) and from the reopen (resolved Nov 17 09:00), both met → 3/5 = 60.0 (T4's
//!   3wd deadline Oct 23 10:00 is October's)
//! - revisit (24 h from each resolve): T1 met; T2 never revisited, closed after its
//!   deadline Nov 7 20:00 → breached; T6's first run closed on Nov 13 09:00 without a
//!   revisit, before its deadline (15:00) → missed; its second run met → 2/4 = 50.0
//! - archive (3wd from the comp approve to the close): T1 approved Nov 3 10:00, closed
//!   Nov 4 10:00 → met → 1/1 = 100.0
//! - diagnosis (category:quality, 2 h from the accept to a diagnose): T2 accepted Nov 5
//!   14:30 and T6 Nov 12 09:10, neither ever diagnosed: each run ended by its close after
//!   its deadline → breached → 0/2 = 0.0 (the quality 48 h of resolve changes nothing:
//!   T2's grade I 24 h and T6's grade II 48 h are no later)
//! - overall 12 met of 19 → 63.2
//!
//! Other November figures: opened 4 (T1 T2 T6 T3), closed 3 (T1 T2 T6; T6 twice counts
//! once), backlog 2 (T3, T4), resolved 3 (T1 T2 T6), reopens 1 → 33.3, revisited 2 of 3 →
//! 66.7; first responses T1 2 h, T2 4 h, T3 1 h → mean 2.33, median 2.00; resolutions T1
//! 26 h, T2 30 h, T6 120 h (open to its last resolve) → mean 58.67, median 30.00;
//! satisfaction T1 5, T2 3, T6 4 → mean 4.00, one each of 3, 4, 5; compensation 1500.00
//! CNY; 2 visits, 6.00 h.

use crate::common::november::{November, november_titled, ok_at, run_at, t};
use crate::common::{self, TestDesk, parse_csv, parse_json, sla_pct_from_export, stderr, stdout};

const STATS_HEADER: &str = "period,opened,closed,backlog,reopen_rate,sla_accept_pct,\
sla_archive_pct,sla_compensation-plan_pct,sla_diagnosis_pct,sla_forward_pct,\
sla_measures_pct,sla_plan_pct,sla_plan-told_pct,sla_resolve_pct,sla_respond_pct,\
sla_revisit_pct,sla_ship_pct,sla_overall_pct,first_response_mean_h,first_response_median_h,\
resolve_mean_h,resolve_median_h,satisfaction_mean,satisfaction_1,satisfaction_2,\
satisfaction_3,satisfaction_4,satisfaction_5,revisit_rate,compensation_approved_amount,visits,\
visit_hours,log_hours,compensation_requested,compensation_requested_amount,\
compensation_approved,compensation_rejected,compensation_rejected_amount,compensation_pending,\
compensation_pending_amount,compensation_currency,shipments,shipped_on_time_pct,comp_exceptions,\
promises_made,promises_kept,promises_broken,promises_changed,\
dissatisfied_closes,revisit_efficiency_mean,revisit_attitude_mean,revisit_result_mean";

const REGISTER_HEADER: &str = "id,opened,customer,customer_name,channel,category,\
complaint_kind,grade,priority,department,assignee,title,state_at_month_end,accepted,\
responded,resolved,closed,hours_to_accept,working_hours_to_accept,hours_to_respond,\
working_hours_to_respond,hours_to_resolve,working_hours_to_resolve,sla_accept,\
sla_archive,sla_compensation-plan,sla_diagnosis,sla_forward,sla_measures,sla_plan,sla_plan-told,sla_resolve,sla_respond,sla_revisit,sla_ship,\
compensation,compensation_amount,compensation_currency,satisfaction,reopened,contact,phone,\
product,serial,description,cause,cause_code,resolution,revisit_efficiency,revisit_attitude,\
revisit_result,revisit_comment,lead,shipped,promised";

/// Well after November: every November event is in.
const DEC_15: &str = "2026-12-15T12:00:00+08:00";

fn november() -> November {
    november_titled("engineer was rude")
}

/// The CSV as (header line, rows as maps column -> cell).
fn table(csv: &str) -> (String, Vec<std::collections::BTreeMap<String, String>>) {
    let header = csv.lines().next().unwrap_or_default().to_string();
    let (cols, rows) = parse_csv(csv);
    let maps = rows
        .into_iter()
        .map(|r| cols.iter().cloned().zip(r).collect())
        .collect();
    (header, maps)
}

fn check(row: &std::collections::BTreeMap<String, String>, want: &[(&str, &str)]) {
    for (k, v) in want {
        assert_eq!(
            row.get(*k).map(String::as_str),
            Some(*v),
            "column {k} of {row:?}"
        );
    }
}

#[test]
fn a_known_month_gives_every_figure() {
    let n = november();
    let csv = ok_at(
        &n.desk,
        DEC_15,
        &["stats", "--month", "2026-11", "--format", "csv"],
    );
    let (header, rows) = table(&csv);
    assert_eq!(header, STATS_HEADER);
    assert_eq!(rows.len(), 1, "{csv}");
    check(
        &rows[0],
        &[
            ("period", "2026-11"),
            ("opened", "4"),
            ("closed", "3"),
            ("backlog", "2"),
            ("reopen_rate", "33.3"),
            ("sla_accept_pct", "100.0"),
            ("sla_compensation-plan_pct", ""),
            ("sla_plan_pct", ""),
            ("sla_resolve_pct", "60.0"),
            ("sla_respond_pct", "66.7"),
            ("sla_revisit_pct", "50.0"),
            ("sla_archive_pct", "100.0"),
            ("sla_diagnosis_pct", "0.0"),
            ("sla_forward_pct", ""),
            ("sla_measures_pct", ""),
            ("sla_overall_pct", "63.2"),
            ("first_response_mean_h", "2.33"),
            ("first_response_median_h", "2.00"),
            ("resolve_mean_h", "58.67"),
            ("resolve_median_h", "30.00"),
            ("satisfaction_mean", "4.00"),
            ("satisfaction_1", "0"),
            ("satisfaction_2", "0"),
            ("satisfaction_3", "1"),
            ("satisfaction_4", "1"),
            ("satisfaction_5", "1"),
            ("revisit_rate", "66.7"),
            ("compensation_approved_amount", "1500.00"),
            ("visits", "2"),
            ("visit_hours", "6.00"),
            ("log_hours", "0.00"),
            ("compensation_requested", "1"),
            ("compensation_requested_amount", "1500.00"),
            ("compensation_approved", "1"),
            ("compensation_rejected", "0"),
            ("compensation_pending", "0"),
            ("compensation_currency", "CNY"),
        ],
    );
    // The same figures as JSON numbers; undefined ones null.
    let j = parse_json(&ok_at(
        &n.desk,
        DEC_15,
        &["stats", "--month", "2026-11", "--format", "json"],
    ));
    assert_eq!(j["period"], "2026-11");
    assert_eq!(j["from"], "2026-10-31T16:00:00+00:00");
    let g = &j["groups"][0];
    assert_eq!(g["opened"], 4);
    assert_eq!(g["sla_overall_pct"], 63.2);
    assert_eq!(g["resolve_mean_h"], 58.67);
    assert_eq!(g["sla_plan_pct"], serde_json::Value::Null);
    assert_eq!(g["compensation_approved_amount"], 1500.0);
    assert_eq!(g["compensation_currency"], "CNY");
    // The table shows every figure in captioned sections, with units, undefined ones as "-".
    let text = ok_at(&n.desk, DEC_15, &["stats", "--month", "2026-11"]);
    assert!(
        text.starts_with("月份统计报表 2026-11 (2026-11-01 – 2026-11-30)\n"),
        "{text}"
    );
    let line = |label: &str, value: &str| {
        text.lines()
            .any(|l| l.starts_with(&format!("  {label} ")) && l.ends_with(&format!(" {value}")))
    };
    assert!(text.contains("\nSLA met\n"), "{text}");
    assert!(line("all timers", "63.2 %"), "{text}");
    assert!(line("plan", "-"), "{text}");
    assert!(line("resolution, mean", "58.67 h"), "{text}");
    assert!(!text.contains("sla_overall_pct"), "no raw keys: {text}");
}

#[test]
fn a_script_recomputes_the_month_sla_from_export_rows() {
    let n = november();
    let (_, rows) = table(&ok_at(
        &n.desk,
        DEC_15,
        &["stats", "--month", "2026-11", "--format", "csv"],
    ));
    let (header, runs) = parse_csv(&ok_at(&n.desk, DEC_15, &["export", "timers"]));
    for timer in [
        "accept",
        "compensation-plan",
        "plan",
        "resolve",
        "respond",
        "revisit",
    ] {
        assert_eq!(
            sla_pct_from_export(&runs, &header, timer, "2026-11"),
            rows[0][&format!("sla_{timer}_pct")],
            "{timer}"
        );
    }
}

#[test]
fn sla_is_evaluated_at_now_inside_the_month() {
    let n = november();
    // On Nov 25 at noon T3's resolve deadline (Nov 26 09:00) is still ahead: not decided,
    // so resolve is 3 met of 4 (T1, T6 twice; T2 breached); overall 12 of 18 (archive
    // met, both diagnoses breached).
    let csv = ok_at(
        &n.desk,
        &t("11-25T12:00"),
        &["stats", "--month", "this", "--format", "csv"],
    );
    let (_, rows) = table(&csv);
    check(
        &rows[0],
        &[
            ("period", "2026-11"),
            ("sla_resolve_pct", "75.0"),
            ("sla_overall_pct", "66.7"),
            ("backlog", "2"),
        ],
    );
    let reg = ok_at(
        &n.desk,
        &t("11-25T12:00"),
        &["ledger", "tickets", "--month", "this"],
    );
    let (_, rows) = table(&reg);
    let t3 = rows.iter().find(|r| r["id"] == n.t3).unwrap();
    check(
        t3,
        &[
            ("sla_resolve", "running"),
            ("state_at_month_end", "in-progress"),
        ],
    );
}

#[test]
fn by_grade_groups_tickets_and_their_visits() {
    let n = november();
    let csv = ok_at(
        &n.desk,
        DEC_15,
        &[
            "stats", "--month", "2026-11", "--by", "grade", "--format", "csv",
        ],
    );
    let (header, rows) = table(&csv);
    assert!(
        header.starts_with("period,grade,opened,closed,"),
        "{header}"
    );
    let grades: Vec<&str> = rows.iter().map(|r| r["grade"].as_str()).collect();
    assert_eq!(grades, ["", "I", "II"], "T4 has no grade");
    check(
        &rows[0],
        &[
            ("opened", "0"),
            ("backlog", "1"),
            ("sla_overall_pct", ""),
            ("visits", "0"),
        ],
    );
    check(
        &rows[1],
        &[
            ("opened", "1"),
            ("closed", "1"),
            ("backlog", "0"),
            ("reopen_rate", "0.0"),
            ("sla_accept_pct", "100.0"),
            ("sla_respond_pct", ""),
            ("sla_resolve_pct", "0.0"),
            ("sla_revisit_pct", "0.0"),
            ("sla_diagnosis_pct", "0.0"),
            ("sla_overall_pct", "25.0"),
            ("first_response_mean_h", "4.00"),
            ("resolve_median_h", "30.00"),
            ("satisfaction_mean", "3.00"),
            ("satisfaction_3", "1"),
            ("revisit_rate", "0.0"),
            ("compensation_approved_amount", "0.00"),
            ("compensation_currency", ""),
            ("visits", "1"),
            ("visit_hours", "3.50"),
        ],
    );
    check(
        &rows[2],
        &[
            ("opened", "3"),
            ("closed", "2"),
            ("backlog", "1"),
            ("reopen_rate", "50.0"),
            // T1, T3, T6: resolve T1 met, T3 breached, T6 met twice; revisit T1 met,
            // T6 missed then met; archive T1 met; diagnosis T6 breached; overall 11 of 15.
            ("sla_respond_pct", "66.7"),
            ("sla_resolve_pct", "75.0"),
            ("sla_revisit_pct", "66.7"),
            ("sla_overall_pct", "73.3"),
            ("first_response_mean_h", "1.50"),
            ("resolve_mean_h", "73.00"),
            ("satisfaction_mean", "4.50"),
            ("satisfaction_4", "1"),
            ("satisfaction_5", "1"),
            ("compensation_approved_amount", "1500.00"),
            ("compensation_currency", "CNY"),
            ("visits", "1"),
            ("visit_hours", "2.50"),
        ],
    );
    // Two keys: the combination; the customer key brings its name along.
    let csv = ok_at(
        &n.desk,
        DEC_15,
        &[
            "stats",
            "--month",
            "2026-11",
            "--by",
            "customer,grade",
            "--format",
            "csv",
        ],
    );
    let (header, rows) = table(&csv);
    assert!(
        header.starts_with("period,customer,customer_name,grade,opened,"),
        "{header}"
    );
    let keys: Vec<(String, String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["customer"].clone(),
                r["customer_name"].clone(),
                r["grade"].clone(),
                r["opened"].clone(),
            )
        })
        .collect();
    let mut want = vec![
        (
            n.a.clone(),
            "华东机械".to_string(),
            "II".to_string(),
            "2".to_string(),
        ),
        (n.b.clone(), "南京精工".into(), "I".into(), "1".into()),
        (n.c.clone(), "李明".into(), "".into(), "0".into()),
        (n.c.clone(), "李明".into(), "II".into(), "1".into()),
    ];
    want.sort();
    assert_eq!(keys, want);
    // Engineer: visits by engineer, tickets by assignee (wang: T1 T6 T3; zhou: T2).
    let csv = ok_at(
        &n.desk,
        DEC_15,
        &[
            "stats", "--month", "2026-11", "--by", "engineer", "--format", "csv",
        ],
    );
    let (_, rows) = table(&csv);
    let got: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["engineer"].as_str(),
                r["opened"].as_str(),
                r["visit_hours"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("", "0", "0.00"),
            ("wang", "3", "2.50"),
            ("zhou", "1", "3.50")
        ]
    );
    // The table adds a total row.
    let text = ok_at(
        &n.desk,
        DEC_15,
        &["stats", "--month", "2026-11", "--by", "grade"],
    );
    assert!(text.contains("(no grade)"), "{text}");
    let total = text
        .lines()
        .find(|l| l.contains("total"))
        .expect("a total row");
    assert!(
        total.contains("63.2") && total.contains("1500.00"),
        "{total}"
    );
}

#[test]
fn top_three_and_repeat_customers() {
    let n = november();
    let csv = ok_at(
        &n.desk,
        DEC_15,
        &[
            "stats", "--month", "2026-11", "--top", "3", "--format", "csv",
        ],
    );
    let want = format!(
        "period,list,rank,key,name,tickets,share_pct\n\
         2026-11,category,1,complaint,投诉 Service complaint,2,50.0\n\
         2026-11,category,2,quality,产品质量问题 Product quality,2,50.0\n\
         2026-11,product,1,X200,,3,75.0\n\
         2026-11,product,2,X300,,1,25.0\n\
         2026-11,complaint_kind,1,attitude,服务态度,1,25.0\n\
         2026-11,complaint_kind,2,result,处理结果,1,25.0\n\
         2026-11,repeat_customer,1,{},华东机械,2,50.0\n",
        n.a
    );
    assert_eq!(csv, want);
    let one = ok_at(
        &n.desk,
        DEC_15,
        &[
            "stats", "--month", "2026-11", "--top", "1", "--format", "csv",
        ],
    );
    assert_eq!(one.lines().count(), 1 + 4, "{one}");
    let text = ok_at(
        &n.desk,
        DEC_15,
        &["stats", "--month", "2026-11", "--top", "3"],
    );
    assert!(
        text.contains("高频问题 TOP: of 4 ticket(s) opened in 2026-11"),
        "{text}"
    );
    assert!(text.contains("Repeat customers"), "{text}");
    let j = parse_json(&ok_at(
        &n.desk,
        DEC_15,
        &[
            "stats", "--month", "2026-11", "--top", "3", "--format", "json",
        ],
    ));
    assert_eq!(j["top"]["opened"], 4);
    assert_eq!(j["top"]["entries"][2]["key"], "X200");
    assert_eq!(j["top"]["entries"][2]["tickets"], 3);
}

#[test]
fn trend_of_three_months() {
    let n = november();
    let csv = ok_at(
        &n.desk,
        DEC_15,
        &[
            "stats", "--month", "2026-11", "--trend", "3", "--format", "csv",
        ],
    );
    // October: T4 opened and never accepted: accept and resolve breached there.
    assert_eq!(
        csv,
        "month,opened,closed,backlog,satisfaction_mean,sla_overall_pct\n\
         2026-09,0,0,0,,\n\
         2026-10,1,0,1,,0.0\n\
         2026-11,4,3,2,4.00,63.2\n"
    );
    // A quarter's trend ends with its last month; December has T3's close.
    let csv = ok_at(
        &n.desk,
        DEC_15,
        &[
            "stats",
            "--quarter",
            "2026Q4",
            "--trend",
            "2",
            "--format",
            "csv",
        ],
    );
    let (_, rows) = table(&csv);
    let months: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["month"].as_str(), r["closed"].as_str()))
        .collect();
    assert_eq!(months, [("2026-11", "3"), ("2026-12", "1")]);
    // The table puts the months side by side.
    let text = ok_at(
        &n.desk,
        DEC_15,
        &["stats", "--month", "2026-11", "--trend", "3"],
    );
    let header = text
        .lines()
        .find(|l| l.contains("figure"))
        .expect("a trend table");
    assert!(
        header.contains("2026-09") && header.contains("2026-11"),
        "{header}"
    );
    // CSV holds one table: --top with --trend is a usage error.
    let o = run_at(
        &n.desk,
        DEC_15,
        "li",
        &["stats", "--top", "3", "--trend", "3", "--format", "csv"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert!(
        stderr(&o).contains("a CSV file holds one table"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn periods_month_last_on_the_first_quarter_and_days() {
    let n = november();
    let nov = ok_at(
        &n.desk,
        DEC_15,
        &["stats", "--month", "2026-11", "--format", "csv"],
    );
    // 07:00 on December 1st (still November 30th in UTC): last month is November, and
    // the figures of a finished month do not change with the day they are made.
    let dec_1 = "2026-12-01T07:00:00+08:00";
    assert_eq!(
        ok_at(
            &n.desk,
            dec_1,
            &["stats", "--month", "last", "--format", "csv"]
        ),
        nov
    );
    let (_, rows) = table(&ok_at(&n.desk, dec_1, &["stats", "--format", "csv"]));
    check(
        &rows[0],
        &[("period", "2026-12"), ("opened", "0"), ("backlog", "2")],
    );
    // The register too: same on the 1st as two weeks later.
    assert_eq!(
        ok_at(&n.desk, dec_1, &["ledger", "tickets", "--month", "last"]),
        ok_at(
            &n.desk,
            DEC_15,
            &["ledger", "tickets", "--month", "2026-11"]
        )
    );
    // A quarter: October and November and December together.
    let (_, rows) = table(&ok_at(
        &n.desk,
        DEC_15,
        &["stats", "--quarter", "2026Q4", "--format", "csv"],
    ));
    check(
        &rows[0],
        &[
            ("period", "2026Q4"),
            ("opened", "5"),
            ("closed", "4"),
            ("backlog", "1"),
        ],
    );
    // Days, both ends included: Nov 2 to Nov 5 has T1 and T2 opened, T1 closed.
    let (_, rows) = table(&ok_at(
        &n.desk,
        DEC_15,
        &[
            "stats",
            "--from",
            "2026-11-02",
            "--to",
            "2026-11-05",
            "--format",
            "csv",
        ],
    ));
    check(
        &rows[0],
        &[
            ("period", "2026-11-02..2026-11-05"),
            ("opened", "2"),
            ("closed", "1"),
        ],
    );
    for (args, msg) in [
        (
            vec!["stats", "--month", "2026-13"],
            "cannot read \"2026-13\" as a month",
        ),
        (
            vec!["stats", "--quarter", "2026Q5"],
            "cannot read \"2026Q5\" as a quarter",
        ),
        (
            vec!["stats", "--from", "2026-11-05", "--to", "2026-11-01"],
            "is before --from",
        ),
    ] {
        let o = run_at(&n.desk, DEC_15, "li", &args);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{args:?}: a malformed value is usage"
        );
        assert!(stderr(&o).contains(msg), "{args:?}: {}", stderr(&o));
    }
    let o = run_at(
        &n.desk,
        DEC_15,
        "li",
        &["stats", "--month", "last", "--quarter", "last"],
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "conflicting periods are a usage error"
    );
    let o = run_at(&n.desk, DEC_15, "li", &["stats", "--from", "2026-11-01"]);
    assert_eq!(o.status.code(), Some(2), "--from needs --to");
}

#[test]
fn the_register_shows_each_ticket_as_at_month_end() {
    let n = november();
    let csv = ok_at(
        &n.desk,
        DEC_15,
        &["ledger", "tickets", "--month", "2026-11"],
    );
    let (header, rows) = table(&csv);
    assert_eq!(header, REGISTER_HEADER);
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, [&n.t4, &n.t1, &n.t2, &n.t6, &n.t3], "by opening time");
    check(
        &rows[0],
        &[
            ("opened", "2026-10-20 10:00"),
            ("customer", &n.c),
            ("customer_name", "李明"),
            ("category", "consult"),
            ("grade", ""),
            ("priority", "medium"),
            ("department", "service"),
            ("assignee", ""),
            ("state_at_month_end", "assigned"),
            ("hours_to_accept", ""),
            ("sla_accept", "breached"),
            ("sla_resolve", "breached"),
            ("sla_respond", ""),
            ("reopened", "0"),
        ],
    );
    check(
        &rows[1],
        &[
            ("opened", "2026-11-02 09:00"),
            ("channel", "phone"),
            ("complaint_kind", "attitude"),
            ("grade", "II"),
            ("department", "customer-service"),
            ("assignee", "wang"),
            ("title", "engineer was rude"),
            ("state_at_month_end", "closed"),
            ("accepted", "2026-11-02 09:30"),
            ("responded", "2026-11-02 11:00"),
            ("resolved", "2026-11-03 11:00"),
            ("closed", "2026-11-04 10:00"),
            ("hours_to_accept", "0.50"),
            ("working_hours_to_accept", "0.50"),
            ("hours_to_respond", "2.00"),
            ("working_hours_to_respond", "2.00"),
            ("hours_to_resolve", "26.00"),
            // Mon 09:00-12:00 and 13:30-18:00, then Tue 09:00-11:00.
            ("working_hours_to_resolve", "9.50"),
            ("sla_accept", "met"),
            ("sla_compensation-plan", ""),
            ("sla_plan", ""),
            ("sla_resolve", "met"),
            ("sla_respond", "met"),
            ("sla_revisit", "met"),
            ("compensation", "approved"),
            ("compensation_amount", "1500.00"),
            ("compensation_currency", "CNY"),
            ("satisfaction", "5"),
            ("reopened", "0"),
        ],
    );
    check(
        &rows[2],
        &[
            ("customer_name", "南京精工"),
            ("channel", "email"),
            ("grade", "I"),
            ("assignee", "zhou"),
            ("hours_to_respond", "4.00"),
            ("working_hours_to_respond", "4.00"),
            // Thu 14:00-18:00, Fri 09:00-12:00 and 13:30-18:00.
            ("hours_to_resolve", "30.00"),
            ("working_hours_to_resolve", "11.50"),
            ("sla_resolve", "breached"),
            ("sla_revisit", "breached"),
            ("sla_respond", ""),
            ("satisfaction", "3"),
        ],
    );
    check(
        &rows[3],
        &[
            ("state_at_month_end", "closed"),
            ("accepted", "2026-11-12 09:10"),
            ("hours_to_accept", "0.17"),
            ("responded", ""),
            ("resolved", "2026-11-17 09:00"),
            ("closed", "2026-11-18 09:00"),
            ("hours_to_resolve", "120.00"),
            // Thu, Fri and Mon: three full working days of 7.5 h.
            ("working_hours_to_resolve", "22.50"),
            ("sla_respond", "breached"),
            // Two runs each: from the open and from the reopen.
            ("sla_resolve", "met; met"),
            ("sla_revisit", "missed; met"),
            ("satisfaction", "4"),
            ("reopened", "1"),
        ],
    );
    // Closed in December: in progress at November's end, nothing later shows.
    check(
        &rows[4],
        &[
            ("state_at_month_end", "in-progress"),
            ("complaint_kind", "result"),
            ("resolved", ""),
            ("closed", ""),
            ("hours_to_accept", "0.33"),
            ("hours_to_respond", "1.00"),
            ("hours_to_resolve", ""),
            ("sla_resolve", "breached"),
            ("satisfaction", ""),
        ],
    );
    // December's register: T3 closed there, T4 still open; the November-only ones gone.
    let (_, rows) = table(&ok_at(
        &n.desk,
        DEC_15,
        &["ledger", "tickets", "--month", "2026-12"],
    ));
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["id"].as_str(), r["state_at_month_end"].as_str()))
        .collect();
    assert_eq!(
        got,
        [(n.t4.as_str(), "assigned"), (n.t3.as_str(), "closed")]
    );
    check(
        &rows[1],
        &[("closed", "2026-12-02 09:00"), ("satisfaction", "4")],
    );
    // October: T4 only; September: nothing but the header.
    let (_, rows) = table(&ok_at(
        &n.desk,
        DEC_15,
        &["ledger", "tickets", "--month", "2026-10"],
    ));
    assert_eq!(rows.len(), 1);
    assert_eq!(
        ok_at(
            &n.desk,
            DEC_15,
            &["ledger", "tickets", "--month", "2026-09"]
        ),
        format!("{REGISTER_HEADER}\n")
    );
    // Table and JSON.
    let text = ok_at(
        &n.desk,
        DEC_15,
        &[
            "ledger", "tickets", "--month", "2026-11", "--format", "table",
        ],
    );
    assert!(
        text.starts_with("客户服务受理跟踪反馈表 2026-11\n"),
        "{text}"
    );
    assert!(
        text.ends_with("5 ticket(s): 4 opened, 3 closed, 2 open at the month's end\n"),
        "{text}"
    );
    let j = parse_json(&ok_at(
        &n.desk,
        DEC_15,
        &[
            "ledger", "tickets", "--month", "2026-11", "--format", "json",
        ],
    ));
    assert_eq!(j[4]["state_at_month_end"], "in-progress");
    assert_eq!(j.as_array().unwrap().len(), 5);
    // Hours, scores and counts are numbers (null when empty), as in `stats`; IDs text.
    let rows = j.as_array().unwrap();
    assert!(
        rows.iter()
            .all(|r| r["reopened"].is_u64() && r["id"].is_string()),
        "{j}"
    );
    assert!(rows.iter().any(|r| r["hours_to_respond"].is_f64()), "{j}");
    assert!(
        rows.iter()
            .all(|r| r["hours_to_accept"].is_number() || r["hours_to_accept"].is_null()),
        "{j}"
    );
    // --excel: a BOM first; the raw CSV has none.
    let excel = ok_at(
        &n.desk,
        DEC_15,
        &["ledger", "tickets", "--month", "2026-11", "--excel"],
    );
    assert_eq!(
        excel,
        format!("\u{feff}{csv}"),
        "no cell here looks like a formula"
    );
    let _ = (&n.b, &n.t2);
}

#[test]
fn the_register_neutralises_formulas_only_for_excel() {
    let desk = TestDesk::new();
    let c = desk.add(&["--name", "=HYPERLINK(\"http://x\")"]);
    let id = desk
        .ok(&[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "other",
            "-m",
            "@SUM(A1:A9)",
        ])
        .trim_end()
        .to_string();
    let raw = desk.ok(&["ledger", "tickets", "--month", "this"]);
    let (_, rows) = table(&raw);
    check(
        &rows[0],
        &[
            ("id", &id),
            ("customer_name", "=HYPERLINK(\"http://x\")"),
            ("title", "@SUM(A1:A9)"),
        ],
    );
    let excel = desk.ok(&["ledger", "tickets", "--month", "this", "--excel"]);
    let (_, rows) = table(excel.strip_prefix('\u{feff}').expect("a BOM"));
    check(
        &rows[0],
        &[
            ("customer_name", "'=HYPERLINK(\"http://x\")"),
            ("title", "'@SUM(A1:A9)"),
        ],
    );
}

#[test]
fn the_example_crontab_lines_run() {
    // examples/crontab runs `ledger tickets --month last` and `ledger service --month
    // last` on the 1st: both work on the example desk.
    let crontab = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/crontab"),
    )
    .unwrap();
    let desk = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/desk");
    for kind in ["tickets", "service"] {
        let line = crontab
            .lines()
            .find(|l| l.contains(&format!("svcdesk ledger {kind} --month last")))
            .unwrap_or_else(|| panic!("no ledger {kind} line in examples/crontab"));
        let args: Vec<&str> = line
            .split("svcdesk ")
            .nth(1)
            .unwrap()
            .split(" >")
            .next()
            .unwrap()
            .split_whitespace()
            .collect();
        let o = common::svcdesk()
            .env("SVCDESK_NOW", "2026-12-01T07:00:00+08:00")
            .arg("-C")
            .arg(&desk)
            .args(&args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let text = stdout(&o);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let (_, rows) = parse_csv(text);
        assert!(!rows.is_empty(), "{args:?} gave no rows for November");
    }
}

/// The header row of `--lang zh`: the forms' own names; everything below it is the same
/// as with `--lang en` (so every cell checked above is checked in both languages).
#[test]
fn chinese_headers_over_the_same_cells() {
    let n = november();
    let zh_of = |args: &[&str]| {
        let en = ok_at(&n.desk, DEC_15, args);
        let mut with = args.to_vec();
        with.extend(["--lang", "zh"]);
        let zh = ok_at(&n.desk, DEC_15, &with);
        let (en_head, en_body) = en.split_once('\n').unwrap();
        let (zh_head, zh_body) = zh.split_once('\n').unwrap();
        assert_eq!(zh_body, en_body, "{args:?}: only the header changes");
        assert!(!en_body.is_empty());
        assert_eq!(
            zh_head.split(',').count(),
            en_head.split(',').count(),
            "{args:?}"
        );
        zh_head.to_string()
    };
    assert_eq!(
        zh_of(&["stats", "--month", "2026-11", "--format", "csv"]),
        "期间,新增,结案,积压,重开率(%),接单SLA达成率(%),存档SLA达成率(%),赔偿方案SLA达成率(%),诊断SLA达成率(%),\
转交SLA达成率(%),补救预防措施SLA达成率(%),\
方案SLA达成率(%),方案告知SLA达成率(%),解决SLA达成率(%),响应SLA达成率(%),回访SLA达成率(%),\
发货SLA达成率(%),SLA总达成率(%),首次响应均值(小时),首次响应中位数(小时),解决均值(小时),\
解决中位数(小时),满意度均值,满意度1分,满意度2分,满意度3分,满意度4分,满意度5分,回访率(%),\
批准赔偿金额,现场服务次数,现场工时,工作日志工时,赔偿申请数,申请赔偿金额,赔偿批准数,赔偿驳回数,\
驳回赔偿金额,待审赔偿数,待审赔偿金额,赔偿币种,发货次数,按时发货率(%),例外赔偿数,\
承诺数,兑现承诺数,失约承诺数,变更承诺数,不满意结案数,\
回访处理效率均值,回访服务态度均值,回访处理结果均值"
    );
    assert!(
        zh_of(&[
            "stats", "--month", "2026-11", "--format", "csv", "--by", "grade", "--by", "customer"
        ])
        .starts_with("期间,等级,客户,客户名称,新增,")
    );
    assert_eq!(
        zh_of(&[
            "stats", "--month", "2026-11", "--format", "csv", "--top", "3"
        ]),
        "期间,榜单,排名,代码,名称,工单数,占比(%)"
    );
    assert_eq!(
        zh_of(&[
            "stats", "--month", "2026-11", "--format", "csv", "--trend", "3"
        ]),
        "月份,新增,结案,积压,满意度均值,SLA总达成率(%)"
    );
    assert_eq!(
        zh_of(&["ledger", "tickets", "--month", "2026-11"]),
        "工单号,受理时间,客户,客户名称,渠道,类别,投诉类型,等级,优先级,部门,处理人,标题,\
月末状态,接单时间,响应时间,解决时间,结案时间,接单用时(小时),接单工作时(小时),\
响应用时(小时),响应工作时(小时),解决用时(小时),解决工作时(小时),接单SLA,存档SLA,赔偿方案SLA,诊断SLA,转交SLA,补救预防措施SLA,\
方案SLA,方案告知SLA,解决SLA,响应SLA,回访SLA,发货SLA,赔偿状态,赔偿金额,币种,满意度,重开次数,\
联系人,联系电话,产品,序列号,问题描述,原因分析,故障分类,处理措施/结果,回访效率评分,回访态度评分,\
回访结果评分,回访意见,专项负责人,发货,预计完成时间"
    );
    assert_eq!(
        zh_of(&["ledger", "service", "--month", "2026-11"]),
        "日期,服务单号,工程师,客户,客户名称,服务类型,工单号,地点,到达时间,离开时间,现场工时,\
交通,工作内容,发现问题,24小时内上报,备件,费用,客户签字,处理结果,满意度,出发时间,返回时间,\
工程师姓名,上报对象,外出单号,审核状态"
    );
    // --bom: the BOM alone, cells unchanged; --excel adds the BOM too.
    let plain = ok_at(
        &n.desk,
        DEC_15,
        &["ledger", "tickets", "--month", "2026-11"],
    );
    let bom = ok_at(
        &n.desk,
        DEC_15,
        &["ledger", "tickets", "--month", "2026-11", "--bom"],
    );
    assert_eq!(bom, format!("\u{feff}{plain}"));
    let stats_bom = ok_at(
        &n.desk,
        DEC_15,
        &[
            "stats", "--month", "2026-11", "--format", "csv", "--bom", "--lang", "zh",
        ],
    );
    assert!(stats_bom.starts_with("\u{feff}期间,新增,"));
}
