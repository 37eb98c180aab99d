//! End-to-end: the customer file for sales (issue 24): follow-ups as timer runs, the
//! last contact, stats by the customer's source and industry, the customer's tickets;
//! `[permissions]`; returns and dissatisfied closes.

use crate::common::{TestDesk, ok_at, parse_csv, run_at, stderr, stdout};

fn open_ticket(d: &TestDesk, now: &str, customer: &str, title: &str) -> String {
    ok_at(
        d,
        now,
        &[
            "ticket",
            "open",
            "--customer",
            customer,
            "--category",
            "consult",
            "--title",
            title,
            "-m",
            "机器异响",
        ],
    )
    .trim()
    .to_string()
}

/// CSV rows as (header, rows) with the header's names.
fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    parse_csv(text)
}

// ---------------------------------------------------------------- follow-ups

#[test]
fn a_follow_up_due_today_is_listed_until_the_next_contact() {
    let d = TestDesk::new();
    let a = d.add(&["--name", "华东机械", "--source", "trade-show"]);
    let b = d.add(&["--name", "北方电器", "--source", "referral"]);
    // Today's (NOW is 2026-11-24 09:30), by wang; B's in two days.
    d.ok(&[
        "customer",
        "note",
        &a,
        "-m",
        "sent a quote",
        "--follow-up",
        "2026-11-24",
    ]);
    d.ok(&[
        "customer",
        "note",
        &b,
        "-m",
        "wants a sample",
        "--follow-up",
        "+2d",
    ]);

    let csv = d.ok(&["customer", "list", "--follow-up-due", "--format", "csv"]);
    let (head, rows) = csv_rows(&csv);
    assert_eq!(
        head.join(","),
        "customer,customer_name,follow_up,state,owner,summary,log"
    );
    assert_eq!(
        rows,
        vec![vec![
            a.clone(),
            "华东机械".into(),
            "2026-11-24".into(),
            "due".into(),
            "wang".into(),
            "sent a quote".into(),
            "1".into()
        ]]
    );
    // sla check: a warning (exit 1) naming the owner.
    let o = d.run(&["sla", "check", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let (head, rows) = csv_rows(&stdout(&o));
    let col = |r: &Vec<String>, c: &str| r[head.iter().position(|h| h == c).unwrap()].clone();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(col(&rows[0], "id"), a);
    assert_eq!(col(&rows[0], "timer"), "follow-up");
    assert_eq!(col(&rows[0], "state"), "due");
    assert_eq!(col(&rows[0], "assignee"), "wang");
    assert_eq!(col(&rows[0], "due"), "2026-11-25T00:00:00+08:00");
    assert_eq!(col(&rows[0], "title"), "华东机械: sent a quote");

    // Three days on both are overdue; a call to A answers A's.
    let later = "2026-11-27T10:00";
    let csv = ok_at(
        &d,
        later,
        &["customer", "list", "--follow-up-due", "--format", "csv"],
    );
    let (_, rows) = csv_rows(&csv);
    let got: Vec<(String, String)> = rows.iter().map(|r| (r[0].clone(), r[3].clone())).collect();
    assert_eq!(
        got,
        vec![(a.clone(), "overdue".into()), (b.clone(), "overdue".into())]
    );
    ok_at(
        &d,
        later,
        &["customer", "note", &a, "-m", "called back, ordering"],
    );
    let csv = ok_at(
        &d,
        later,
        &["customer", "list", "--follow-up-due", "--format", "csv"],
    );
    let (_, rows) = csv_rows(&csv);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], b);
    let table = ok_at(&d, later, &["customer", "list", "--follow-up-due"]);
    assert!(
        table.contains("北方电器") && !table.contains("华东机械"),
        "{table}"
    );

    // B answered too: nothing due, sla check is quiet again.
    ok_at(&d, later, &["customer", "note", &b, "-m", "sample sent"]);
    let o = run_at(&d, later, &["sla", "check"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o), "");
    let o = run_at(&d, later, &["customer", "list", "--follow-up-due"]);
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("no follow-ups due"), "{}", stderr(&o));
}

#[test]
fn the_last_contact_is_the_latest_log_entry() {
    let d = TestDesk::new();
    let a = d.add(&["--name", "华东机械"]);
    let b = d.add(&["--name", "北方电器"]);
    ok_at(
        &d,
        "2026-11-24T10:00",
        &["customer", "note", &a, "-m", "first call"],
    );
    // Entered after the fact: an earlier time, not the last contact.
    ok_at(
        &d,
        "2026-11-25T09:00",
        &[
            "customer",
            "note",
            &a,
            "-m",
            "visit",
            "--at",
            "2026-11-20 15:00",
        ],
    );
    let (head, rows) = csv_rows(&d.ok(&["customer", "list", "--format", "csv"]));
    assert_eq!(head.last().map(String::as_str), Some("last_contact"));
    let last: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r[0].clone(), r.last().unwrap().clone()))
        .collect();
    let mut want = vec![
        (a.clone(), "2026-11-24T10:00:00+08:00".to_string()),
        (b.clone(), String::new()),
    ];
    want.sort();
    assert_eq!(last, want);
    let (head, rows) = csv_rows(&d.ok(&["export", "customers"]));
    let i = head.iter().position(|h| h == "last_contact").unwrap();
    assert_eq!(i, head.len() - 1, "a later column goes last");
    let row = rows.iter().find(|r| r[0] == a).unwrap();
    assert_eq!(row[i], "2026-11-24T10:00:00+08:00");
    let table = d.ok(&["customer", "list"]);
    assert!(
        table.contains("last_contact") && table.contains("2026-11-24"),
        "{table}"
    );
}

#[test]
fn customer_show_lists_the_customers_tickets_newest_first() {
    let d = TestDesk::new();
    let a = d.add(&["--name", "华东机械"]);
    let b = d.add(&["--name", "北方电器"]);
    let old = open_ticket(&d, "2026-11-20T09:00", &a, "old noise");
    let new = open_ticket(&d, "2026-11-23T09:00", &a, "new leak");
    let other = open_ticket(&d, "2026-11-22T09:00", &b, "other customer");
    let show = d.ok(&["customer", "show", &a]);
    let (i_new, i_old) = (show.find(&new).unwrap(), show.find(&old).unwrap());
    assert!(i_new < i_old, "newest first:\n{show}");
    assert!(
        show.contains("new leak") && show.contains("2026-11-20 09:00"),
        "{show}"
    );
    assert!(!show.contains(&other), "{show}");
    let show = d.ok(&["customer", "show", &d.add(&["--name", "新客户"])]);
    assert!(show.contains("Tickets: none"), "{show}");
}

#[test]
fn stats_by_source_and_industry_match_a_hand_count() {
    let d = TestDesk::new();
    let a = d.add(&[
        "--name",
        "甲",
        "--source",
        "trade-show",
        "--industry",
        "manufacturing",
    ]);
    let b = d.add(&[
        "--name",
        "乙",
        "--source",
        "referral",
        "--industry",
        "manufacturing",
    ]);
    let c = d.add(&["--name", "丙"]);
    for (cust, n) in [(&a, 2), (&b, 1), (&c, 1)] {
        for i in 0..n {
            open_ticket(&d, "2026-11-10T09:00", cust, &format!("t{i}"));
        }
    }
    let opened = |by: &str| -> Vec<(String, String)> {
        let (head, rows) =
            csv_rows(&d.ok(&["stats", "--month", "2026-11", "--by", by, "--format", "csv"]));
        let k = head.iter().position(|h| h == by).unwrap();
        let o = head.iter().position(|h| h == "opened").unwrap();
        rows.iter().map(|r| (r[k].clone(), r[o].clone())).collect()
    };
    // By hand: trade-show 2 (甲), referral 1 (乙), none 1 (丙).
    assert_eq!(
        opened("source"),
        vec![
            (String::new(), "1".into()),
            ("referral".into(), "1".into()),
            ("trade-show".into(), "2".into())
        ]
    );
    assert_eq!(
        opened("industry"),
        vec![
            (String::new(), "1".into()),
            ("manufacturing".into(), "3".into())
        ]
    );
    let zh = d.ok(&[
        "stats", "--month", "2026-11", "--by", "source", "--format", "csv", "--lang", "zh",
    ]);
    assert!(zh.starts_with("期间,客户来源,"), "{zh}");
    let table = d.ok(&["stats", "--month", "2026-11", "--by", "source"]);
    assert!(table.contains("trade-show"), "{table}");
}

// ---------------------------------------------------------------- [permissions]

/// Runs svcdesk as `user` at NOW; returns (exit code, stdout, stderr).
fn as_user(d: &TestDesk, user: &str, args: &[&str]) -> (i32, String, String) {
    let o = d
        .cmd()
        .env("SVCDESK_USER", user)
        .args(args)
        .output()
        .expect("svcdesk runs");
    (o.status.code().unwrap_or(-1), stdout(&o), stderr(&o))
}

fn ok_as(d: &TestDesk, user: &str, args: &[&str]) -> String {
    let (code, out, err) = as_user(d, user, args);
    assert_eq!(
        code, 0,
        "{user}: svcdesk {args:?}: exit {code}\n{out}\n{err}"
    );
    out
}

const SALES: &str = r#"
[[staff]]
id = "zhou"
name = "周销售"
department = "sales"
roles = ["sales"]
"#;

/// A desk with li (agent), wang (engineer) and zhou (sales) on the staff list.
fn staffed() -> TestDesk {
    use crate::common::staff::{LI, WANG};
    let d = TestDesk::new();
    d.append_config(&format!("{LI}{WANG}{SALES}"));
    d
}

/// `svcdesk init` writes the manuals' [permissions] table, uncommented.
fn assert_init_permissions(d: &TestDesk) {
    let text = d.read("svcdesk.toml");
    assert!(
        text.contains("\n[permissions]\naccept = [")
            && text.contains("\nresolve = [\"agent\", \"engineer\""),
        "{text}"
    );
}

/// The desk without init's [permissions] table: every step open to the staff.
fn drop_permissions(d: &TestDesk) {
    let text = d.read("svcdesk.toml");
    let mut out = String::new();
    let mut inside = false;
    for line in text.lines() {
        if line == "[permissions]" {
            inside = true;
        } else if inside && (line.is_empty() || line.starts_with('[') || line.starts_with('#')) {
            inside = false;
        }
        if !inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert!(!out.contains("[permissions]"), "{out}");
    d.write("svcdesk.toml", out);
}

fn accepted_ticket(d: &TestDesk, opener: &str) -> String {
    let c = d.add(&["--name", "华东机械", "--force"]);
    let t = ok_as(
        d,
        opener,
        &[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "consult",
            "-m",
            "机器异响",
        ],
    )
    .trim()
    .to_string();
    ok_as(d, "wang", &["ticket", "accept", &t]);
    t
}

#[test]
fn sales_may_not_resolve_or_close_a_service_ticket_under_init_permissions() {
    // The desk exactly as `svcdesk init` writes it, with staff listed.
    let d = staffed();
    assert_init_permissions(&d);
    assert_eq!(as_user(&d, "wang", &["check"]).0, 0, "the example is valid");
    // Sales may open (a lead's problem), not resolve.
    let t = accepted_ticket(&d, "zhou");
    let path = format!("tickets/2026/11/{t}.toml");
    let before = d.read(&path);
    let (code, out, err) = as_user(&d, "zhou", &["ticket", "resolve", &t, "-m", "done"]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(
        err.contains("zhou may not resolve tickets ([permissions] resolve): it needs the role agent or engineer or supervisor or head"),
        "{err}"
    );
    assert!(
        err.contains("ask li, wang"),
        "the hint names who may: {err}"
    );
    assert_eq!(d.read(&path), before, "nothing written");
    // Nor diagnose, a step of the engineers.
    let (code, _, err) = as_user(&d, "zhou", &["ticket", "diagnose", &t, "--cause", "x"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("[permissions] diagnose"), "{err}");
    // The engineer resolves; sales may not close, the agent does.
    ok_as(&d, "wang", &["ticket", "resolve", &t, "-m", "风扇已更换"]);
    let (code, _, err) = as_user(&d, "zhou", &["ticket", "close", &t, "--satisfaction", "5"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("zhou may not close tickets"), "{err}");
    ok_as(&d, "li", &["ticket", "close", &t, "--satisfaction", "5"]);
    assert!(d.read(&path).contains("action = \"close\""));
}

#[test]
fn without_permissions_or_staff_anyone_may_take_a_step() {
    // Staff listed, init's [permissions] table deleted: every step open to the staff.
    let d = staffed();
    drop_permissions(&d);
    let t = accepted_ticket(&d, "zhou");
    ok_as(&d, "zhou", &["ticket", "resolve", &t, "-m", "done"]);
    // init's [permissions] without staff: nobody is checked.
    let d = TestDesk::new();
    assert_init_permissions(&d);
    let c = d.add(&["--name", "华东机械"]);
    let t = ok_as(
        &d,
        "zhou",
        &[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "consult",
            "-m",
            "x",
        ],
    );
    ok_as(&d, "zhou", &["ticket", "accept", t.trim()]);
    ok_as(&d, "zhou", &["ticket", "resolve", t.trim(), "-m", "done"]);
}

#[test]
fn a_permission_for_no_step_is_a_config_error() {
    let d = staffed();
    let text = d.read("svcdesk.toml");
    d.write(
        "svcdesk.toml",
        text.replacen("\nresolve = [", "\nresolv = [", 1),
    );
    let (code, _, err) = as_user(&d, "wang", &["customer", "list"]);
    assert_ne!(code, 0);
    assert!(
        err.contains("permissions.resolv") && err.contains("not a ticket step"),
        "{err}"
    );
}

// ---------------------------------------------------------------- returns, dissatisfied closes

const SUN: &str = r#"
[[staff]]
id = "sun"
name = "孙主管"
department = "customer-service"
roles = ["supervisor"]
"#;

fn opened_in(d: &TestDesk, category: &str) -> String {
    let c = d.add(&["--name", "华东机械", "--force"]);
    let t = ok_as(
        d,
        "li",
        &[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            category,
            "-m",
            "X200 到货破损",
        ],
    )
    .trim()
    .to_string();
    ok_as(d, "wang", &["ticket", "accept", &t]);
    t
}

#[test]
fn a_return_is_resolved_only_once_approved_by_its_role() {
    let d = staffed();
    d.append_config(SUN);
    let t = opened_in(&d, "return");
    let path = format!("tickets/2026/11/{t}.toml");
    let before = d.read(&path);
    let (code, _, err) = as_user(&d, "wang", &["ticket", "resolve", &t, "-m", "exchanged"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("is a return (退换货) whose return has not been approved"),
        "{err}"
    );
    assert!(
        err.contains(&format!("ticket approve-return {t} --approve")),
        "{err}"
    );
    // The engineer may not decide it: the refusal names the roles and who holds them.
    let (code, _, err) = as_user(&d, "wang", &["ticket", "approve-return", &t, "--approve"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("wang may not approve or reject a return: it needs the role supervisor or head or manager or gm"),
        "{err}"
    );
    assert!(err.contains("ask sun"), "{err}");
    assert_eq!(d.read(&path), before, "nothing written");
    // Rejected: still not resolvable; approved later: resolvable.
    ok_as(
        &d,
        "sun",
        &[
            "ticket",
            "approve-return",
            &t,
            "--reject",
            "-m",
            "no photos",
        ],
    );
    let (code, _, err) = as_user(&d, "wang", &["ticket", "resolve", &t, "-m", "exchanged"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("was rejected"), "{err}");
    ok_as(
        &d,
        "sun",
        &[
            "ticket",
            "approve-return",
            &t,
            "--approve",
            "-m",
            "photos came",
        ],
    );
    ok_as(&d, "wang", &["ticket", "resolve", &t, "-m", "exchanged"]);
    let text = d.read(&path);
    assert!(text.contains("return_review = \"approved\""), "{text}");
    assert_eq!(
        text.matches("action = \"approve-return\"").count(),
        2,
        "{text}"
    );
    assert!(text.contains("verdict = \"rejected\"") && text.contains("verdict = \"approved\""));
    let show = d.ok(&["ticket", "show", &t]);
    assert!(show.contains("approve"), "{show}");
    assert_eq!(as_user(&d, "wang", &["check"]).0, 0);

    // Only a return is approved as one; other tickets resolve as ever.
    let other = opened_in(&d, "consult");
    let (code, _, err) = as_user(
        &d,
        "sun",
        &["ticket", "approve-return", &other, "--approve"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("is not a return"), "{err}");
    ok_as(&d, "wang", &["ticket", "resolve", &other, "-m", "fixed"]);
    // Neither --approve nor --reject: a usage error.
    let (code, _, _) = as_user(&d, "sun", &["ticket", "approve-return", &other]);
    assert_eq!(code, 2);
}

/// A ticket opened, accepted and resolved at `day` 09:00–11:00 by wang (no staff).
fn resolved_on(d: &TestDesk, c: &str, day: &str) -> String {
    let t = ok_at(
        d,
        &format!("{day}T09:00"),
        &[
            "ticket",
            "open",
            "--customer",
            c,
            "--category",
            "consult",
            "-m",
            "异响",
        ],
    )
    .trim()
    .to_string();
    ok_at(d, &format!("{day}T10:00"), &["ticket", "accept", &t]);
    ok_at(
        d,
        &format!("{day}T11:00"),
        &["ticket", "resolve", &t, "-m", "fixed"],
    );
    t
}

#[test]
fn a_dissatisfied_close_needs_a_reason_and_is_counted_with_the_revisit_means() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械"]);
    let a = resolved_on(&d, &c, "2026-11-10");
    let b = resolved_on(&d, &c, "2026-11-11");
    let ok = resolved_on(&d, &c, "2026-11-12");
    ok_at(
        &d,
        "2026-11-13T09:00",
        &[
            "ticket",
            "revisit",
            &a,
            "--efficiency",
            "4",
            "--attitude",
            "2",
            "--result",
            "3",
        ],
    );
    ok_at(
        &d,
        "2026-11-13T10:00",
        &[
            "ticket",
            "revisit",
            &b,
            "--efficiency",
            "5",
            "--attitude",
            "3",
            "--result",
            "1",
        ],
    );
    // Satisfaction 2 without a reason: refused as usage, nothing written.
    let path = format!("tickets/2026/11/{a}.toml");
    let before = d.read(&path);
    let o = run_at(
        &d,
        "2026-11-14T09:00",
        &["ticket", "close", &a, "--satisfaction", "2"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("needs --reason"), "{}", stderr(&o));
    assert_eq!(d.read(&path), before);
    ok_at(
        &d,
        "2026-11-14T09:00",
        &[
            "ticket",
            "close",
            &a,
            "--satisfaction",
            "2",
            "--reason",
            "refund refused by policy",
        ],
    );
    assert!(
        d.read(&path)
            .contains("reason = \"refund refused by policy\"")
    );
    // Closed on a revisit result of 1 (no score given at the close): dissatisfied too.
    ok_at(&d, "2026-11-14T10:00", &["ticket", "close", &b]);
    ok_at(
        &d,
        "2026-11-14T11:00",
        &["ticket", "close", &ok, "--satisfaction", "5"],
    );

    let (head, rows) = csv_rows(&d.ok(&["stats", "--month", "2026-11", "--format", "csv"]));
    let col = |c: &str| rows[0][head.iter().position(|h| h == c).unwrap()].clone();
    // By hand: a (2) and b (revisit result 1) closed dissatisfied, ok (5) not.
    assert_eq!(col("dissatisfied_closes"), "2");
    assert_eq!(col("revisit_efficiency_mean"), "4.50");
    assert_eq!(col("revisit_attitude_mean"), "2.50");
    assert_eq!(col("revisit_result_mean"), "2.00");
    assert_eq!(col("closed"), "3");
    let table = d.ok(&["stats", "--month", "2026-11"]);
    assert!(table.contains("closed dissatisfied"), "{table}");
    // The month before has none of them.
    let (head, rows) = csv_rows(&d.ok(&["stats", "--month", "2026-10", "--format", "csv"]));
    let col = |c: &str| rows[0][head.iter().position(|h| h == c).unwrap()].clone();
    assert_eq!(col("dissatisfied_closes"), "0");
    assert_eq!(col("revisit_result_mean"), "");
}

#[test]
fn svcdesk_itself_closes_under_permissions_by_the_lifecycle_rule() {
    let d = staffed();
    assert_init_permissions(&d);
    d.append_config("\n[lifecycle]\nclose_resolved_after = \"48h\"\n");
    let t = accepted_ticket(&d, "li");
    ok_as(&d, "wang", &["ticket", "resolve", &t, "-m", "fixed"]);
    let o = run_at(&d, "2026-11-27T10:00", &["sla", "check", "--apply"]);
    assert!(
        stderr(&o).contains(&format!("{t}: closed")),
        "{}",
        stderr(&o)
    );
    let text = d.read(&format!("tickets/2026/11/{t}.toml"));
    assert!(text.contains("state = \"closed\""), "{text}");
}
