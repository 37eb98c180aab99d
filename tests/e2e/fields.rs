//! Custom fields (`[fields.NAME]`): typed values on open, set (with history), customer
//! add/edit and report add; list filters, show by label, export/import columns,
//! `stats --by field:NAME`, `check`, a git merge of two clones, and a bad value that
//! exits 2 with nothing written.

use std::path::Path;
use std::process::Output;

use crate::common::{TestDesk, git_ok, parse_csv, stderr, stdout, svcdesk};

const FIELDS: &str = r#"
[fields."保修状态"]
type = "choice"
values = ["保内", "保外"]
for = ["ticket", "report"]

[fields.hours]
type = "number"
label = "机器运行小时"
for = ["ticket", "customer"]
"#;

fn desk() -> (TestDesk, String) {
    let d = TestDesk::new();
    d.append_config(FIELDS);
    let c = d.add(&["--name", "华东机械", "--phone", "13800001111"]);
    (d, c)
}

fn open(d: &TestDesk, c: &str, fields: &[&str]) -> String {
    let mut args = vec!["ticket", "open", "--customer", c, "--category", "complaint"];
    for f in fields {
        args.extend(["--field", f]);
    }
    args.extend(["-m", "机器不启动"]);
    d.ok(&args).trim().to_string()
}

fn ticket_file(d: &TestDesk, id: &str) -> String {
    d.read(&format!("tickets/2026/11/{id}.toml"))
}

fn clean(d: &TestDesk) {
    let o = d.run(&["check"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn open_and_set_record_fields_in_the_history_and_show_reads_them_by_label() {
    let (d, c) = desk();
    let t = open(&d, &c, &["保修状态=保内", "hours=1200"]);
    let file = ticket_file(&d, &t);
    assert!(
        file.contains("fields = { hours = \"1200\", \"保修状态\" = \"保内\" }"),
        "{file}"
    );
    d.ok(&[
        "ticket",
        "set",
        &t,
        "--field",
        "保修状态=保外",
        "--field",
        "hours=",
        "--reason",
        "发票过期",
    ]);
    let file = ticket_file(&d, &t);
    let sets: Vec<&str> = file
        .split("[[event]]")
        .filter(|e| e.contains("action = \"set\""))
        .collect();
    assert_eq!(sets.len(), 2, "one event per change: {file}");
    assert!(
        sets[0].contains("field = \"field:保修状态\""),
        "{}",
        sets[0]
    );
    assert!(sets[0].contains("old = \"保内\"") && sets[0].contains("new = \"保外\""));
    assert!(sets[1].contains("field = \"field:hours\"") && sets[1].contains("old = \"1200\""));
    assert!(!sets[1].contains("new ="), "cleared: {}", sets[1]);
    // The current value above the history, as replay gives it.
    assert!(
        file.contains("fields = { \"保修状态\" = \"保外\" }"),
        "{file}"
    );
    let shown = d.ok(&["ticket", "show", &t]);
    assert!(shown.contains("Fields:"), "{shown}");
    assert!(shown.contains("保修状态  保外"), "{shown}");
    assert!(
        !shown.contains("机器运行小时"),
        "a cleared field is not shown: {shown}"
    );
    assert!(
        shown.contains("field:保修状态: 保内 → 保外 (发票过期)"),
        "{shown}"
    );
    let json = crate::common::parse_json(&d.ok(&["ticket", "show", &t, "--format", "json"]));
    assert_eq!(json["fields"]["保修状态"], "保外");
    let csv = d.ok(&["ticket", "show", &t, "--format", "csv"]);
    assert!(csv.contains("\nfield:保修状态,保外\n"), "{csv}");
    // Search finds a value where it was recorded, by its column name.
    let found = d.ok(&["ticket", "search", "保内", "--format", "csv"]);
    assert!(found.contains(",open,field:保修状态,保内"), "{found}");
    // The same value again is nothing to change.
    d.fails(1, &["ticket", "set", &t, "--field", "保修状态=保外"]);
    clean(&d);
}

#[test]
fn a_bad_value_exits_2_naming_the_field_and_writes_nothing() {
    let (d, c) = desk();
    // Opening a ticket with one bad --field: refused as a usage error (exit 2).
    let open_fails = |field: &str| {
        d.fails(
            2,
            &[
                "ticket",
                "open",
                "--customer",
                &c,
                "--category",
                "complaint",
                "--field",
                field,
                "-m",
                "x",
            ],
        )
    };
    let err = open_fails("保修状态=保");
    assert!(
        err.contains("--field 保修状态") && err.contains("保内, 保外"),
        "{err}"
    );
    let err = open_fails("hours=12h");
    assert!(
        err.contains("--field hours") && err.contains("not a number"),
        "{err}"
    );
    let err = open_fails("hour=1");
    assert!(err.contains("did you mean \"hours\""), "{err}");
    let err = open_fails("hours");
    assert!(err.contains("NAME=VALUE"), "{err}");
    assert!(!d.path("tickets/2026").exists(), "no ticket was written");
    // A correction with a bad value leaves the file as it was, byte for byte.
    let t = open(&d, &c, &["保修状态=保内"]);
    let before = ticket_file(&d, &t);
    let err = d.fails(2, &["ticket", "set", &t, "--field", "保修状态=保修"]);
    assert!(err.contains("保修状态"), "{err}");
    assert_eq!(ticket_file(&d, &t), before);
    // A customer field is not a ticket field.
    let err = d.fails(
        2,
        &[
            "customer",
            "add",
            "--name",
            "乙",
            "--field",
            "保修状态=保内",
        ],
    );
    assert!(err.contains("not a customer field"), "{err}");
    assert_eq!(d.customer_files().len(), 1);
}

#[test]
fn list_keeps_the_tickets_whose_fields_all_match() {
    let (d, c) = desk();
    let a = open(&d, &c, &["保修状态=保内", "hours=1200"]);
    let b = open(&d, &c, &["保修状态=保外", "hours=1200"]);
    let none = open(&d, &c, &[]);
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["ticket", "list", "--format", "csv"];
        all.extend_from_slice(args);
        let (_, rows) = parse_csv(&d.ok(&all));
        let mut ids: Vec<String> = rows.into_iter().map(|r| r[0].clone()).collect();
        ids.sort();
        ids
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    assert_eq!(ids(&["--field", "保修状态=保内"]), vec![a.clone()]);
    assert_eq!(
        ids(&["--field", "hours=1200.0"]),
        sorted(vec![a.clone(), b.clone()])
    );
    assert_eq!(
        ids(&["--field", "hours=1200", "--field", "保修状态=保外"]),
        vec![b.clone()]
    );
    assert_eq!(ids(&["--field", "保修状态="]), [none]);
    let err = d.fails(2, &["ticket", "list", "--field", "保修状态=保"]);
    assert!(err.contains("保内, 保外"), "{err}");
    // Customers likewise.
    let k = d.add(&[
        "--name",
        "乙公司",
        "--phone",
        "13800002222",
        "--field",
        "hours=5",
    ]);
    let (_, rows) =
        parse_csv(&d.ok(&["customer", "list", "--field", "hours=5", "--format", "csv"]));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], k);
}

#[test]
fn customers_and_reports_carry_their_fields() {
    let (d, c) = desk();
    d.ok(&["customer", "edit", &c, "--field", "hours=300"]);
    let file = d.read_customer(&c);
    assert!(file.contains("fields = { hours = \"300\" }"), "{file}");
    let shown = d.ok(&["customer", "show", &c]);
    assert!(shown.contains("机器运行小时  300"), "{shown}");
    d.ok(&["customer", "edit", &c, "--field", "hours="]);
    assert!(!d.read_customer(&c).contains("fields"), "cleared");
    let r = d
        .ok(&[
            "report",
            "add",
            "--customer",
            &c,
            "--type",
            "training",
            "--field",
            "保修状态=保外",
        ])
        .trim()
        .to_string();
    let shown = d.ok(&["report", "show", &r]);
    assert!(shown.contains("保修状态  保外"), "{shown}");
    let (head, rows) = parse_csv(&d.ok(&["export", "reports"]));
    assert_eq!(head.last().map(String::as_str), Some("field:保修状态"));
    assert_eq!(rows[0].last().map(String::as_str), Some("保外"));
    let (head, rows) = parse_csv(&d.ok(&["export", "customers"]));
    assert_eq!(head.last().map(String::as_str), Some("field:hours"));
    assert_eq!(rows[0].last().map(String::as_str), Some(""));
    d.fails(
        2,
        &[
            "report",
            "add",
            "--customer",
            &c,
            "--type",
            "training",
            "--field",
            "hours=1",
        ],
    );
    clean(&d);
}

#[test]
fn export_and_import_carry_the_field_columns() {
    let (d, c) = desk();
    let t = open(&d, &c, &["保修状态=保内", "hours=1200"]);
    let csv = d.ok(&["export", "tickets"]);
    let (head, rows) = parse_csv(&csv);
    assert_eq!(&head[head.len() - 2..], ["field:hours", "field:保修状态"]);
    assert_eq!(&rows[0][head.len() - 2..], ["1200", "保内"]);
    let zh = d.ok(&["export", "tickets", "--lang", "zh"]);
    assert!(
        zh.lines()
            .next()
            .unwrap()
            .ends_with(",机器运行小时,保修状态"),
        "{zh}"
    );
    // Into a second desk with the same fields and customer.
    let e = TestDesk::new();
    e.append_config(FIELDS);
    e.write(&TestDesk::customer_rel(&c), d.read_customer(&c));
    let sheet = e.tmp.path().join("t.csv");
    std::fs::write(&sheet, &zh).unwrap();
    let got = e.ok(&["import", "tickets", sheet.to_str().unwrap()]);
    assert_eq!(got.trim(), t);
    assert!(ticket_file(&e, &t).contains("fields = { hours = \"1200\", \"保修状态\" = \"保内\" }"));
    let (_, again) = parse_csv(&e.ok(&["export", "tickets"]));
    assert_eq!(&again[0][head.len() - 2..], ["1200", "保内"]);
    clean(&e);
    // A bad cell names the file, its row and the column; nothing is added.
    let f = TestDesk::new();
    f.append_config(FIELDS);
    f.write(&TestDesk::customer_rel(&c), d.read_customer(&c));
    let bad = f.tmp.path().join("bad.csv");
    std::fs::write(&bad, csv.replace(",1200,保内", ",1200,保修")).unwrap();
    let err = f.fails(1, &["import", "tickets", bad.to_str().unwrap()]);
    assert!(err.contains("bad.csv:2: field:保修状态"), "{err}");
    assert!(!f.path("tickets/2026").exists());
}

#[test]
fn stats_groups_by_a_field_and_refuses_a_number() {
    let (d, c) = desk();
    open(&d, &c, &["保修状态=保内"]);
    open(&d, &c, &["保修状态=保内"]);
    open(&d, &c, &["保修状态=保外"]);
    let (head, rows) = parse_csv(&d.ok(&[
        "stats",
        "--month",
        "2026-11",
        "--by",
        "field:保修状态",
        "--format",
        "csv",
    ]));
    assert_eq!(head[1], "field:保修状态");
    let opened = head.iter().position(|h| h == "opened").unwrap();
    let got: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r[1].clone(), r[opened].clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("保内".to_string(), "2".to_string()),
            ("保外".into(), "1".into())
        ]
    );
    let err = d.fails(2, &["stats", "--month", "2026-11", "--by", "field:hours"]);
    assert!(err.contains("is a number"), "{err}");
    let err = d.fails(2, &["stats", "--month", "2026-11", "--by", "field:保修"]);
    assert!(err.contains("保修状态"), "{err}");
}

#[test]
fn check_finds_a_stored_value_the_config_no_longer_allows() {
    let (d, c) = desk();
    let t = open(&d, &c, &["保修状态=保内"]);
    clean(&d);
    let cfg = d.read("svcdesk.toml").replace(
        "values = [\"保内\", \"保外\"]",
        "values = [\"in\", \"out\"]",
    );
    d.write("svcdesk.toml", cfg);
    let o = d.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        out.contains(&format!(
            "tickets/2026/11/{t}.toml: fields.保修状态: \"保内\" is not allowed"
        )),
        "{out}"
    );
    // A field the config does not define at all.
    let cfg = d
        .read("svcdesk.toml")
        .replace("[fields.\"保修状态\"]", "[fields.\"保修\"]");
    d.write("svcdesk.toml", cfg);
    let o = d.run(&["check"]);
    let out = format!("{}{}", stdout(&o), stderr(&o));
    assert!(out.contains("\"保修状态\" is not a ticket field"), "{out}");
}

#[test]
fn a_config_error_in_fields_names_its_line() {
    let d = TestDesk::new();
    d.append_config("\n[fields.warranty]\ntype = \"choice\"\nfor = [\"ticket\", \"order\"]\n");
    let err = d.fails(1, &["ticket", "list"]);
    assert!(
        err.contains("svcdesk.toml:") && err.contains("order"),
        "{err}"
    );
    let d = TestDesk::new();
    d.append_config("\n[fields.warranty]\ntype = \"choice\"\n");
    let err = d.fails(1, &["ticket", "list"]);
    assert!(
        err.contains("fields.warranty.type") && err.contains("values"),
        "{err}"
    );
}

fn sd(dir: &Path, args: &[&str]) -> Output {
    svcdesk().arg("-C").arg(dir).args(args).output().unwrap()
}

#[test]
fn two_clones_setting_different_fields_merge_cleanly() {
    let (d, c) = desk();
    let t = open(&d, &c, &["保修状态=保内"]);
    git_ok(&d.root, &["init", "-q"]);
    assert!(sd(&d.root, &["git", "setup"]).status.success());
    git_ok(&d.root, &["add", "-A"]);
    git_ok(&d.root, &["commit", "-q", "-m", "start"]);
    let (a, b) = (d.tmp.path().join("a"), d.tmp.path().join("b"));
    for cl in [&a, &b] {
        git_ok(
            d.tmp.path(),
            &[
                "clone",
                "-q",
                d.root.to_str().unwrap(),
                cl.to_str().unwrap(),
            ],
        );
        assert!(sd(cl, &["git", "setup"]).status.success());
    }
    assert!(
        sd(&a, &["ticket", "set", &t, "--field", "保修状态=保外"])
            .status
            .success()
    );
    assert!(
        sd(&b, &["ticket", "set", &t, "--field", "hours=800"])
            .status
            .success()
    );
    for cl in [&a, &b] {
        git_ok(cl, &["commit", "-q", "-am", "set"]);
    }
    git_ok(
        &a,
        &[
            "pull",
            "--no-rebase",
            "-q",
            "--no-edit",
            b.to_str().unwrap(),
            "HEAD",
        ],
    );
    assert_eq!(git_ok(&a, &["status", "--porcelain"]), "", "merged cleanly");
    let file = std::fs::read_to_string(a.join(format!("tickets/2026/11/{t}.toml"))).unwrap();
    assert!(
        file.contains("fields = { hours = \"800\", \"保修状态\" = \"保外\" }"),
        "{file}"
    );
    assert!(!file.contains("<<<<<<<"), "{file}");
    let o = sd(&a, &["check"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn ledgers_end_with_the_field_columns_and_customer_import_reads_them() {
    let (d, c) = desk();
    let t = open(&d, &c, &["保修状态=保外"]);
    let (head, rows) =
        parse_csv(&d.ok(&["ledger", "tickets", "--month", "2026-11", "--format", "csv"]));
    assert_eq!(&head[head.len() - 2..], ["field:hours", "field:保修状态"]);
    let row = rows.iter().find(|r| r[0] == t).expect("the ticket's row");
    assert_eq!(row.last().map(String::as_str), Some("保外"));
    let zh = d.ok(&[
        "ledger", "tickets", "--month", "2026-11", "--format", "csv", "--lang", "zh",
    ]);
    assert!(
        zh.lines()
            .next()
            .unwrap()
            .ends_with(",机器运行小时,保修状态"),
        "{zh}"
    );
    d.ok(&[
        "report",
        "add",
        "--ticket",
        &t,
        "--type",
        "training",
        "--field",
        "保修状态=保内",
    ]);
    let (head, rows) =
        parse_csv(&d.ok(&["ledger", "service", "--month", "2026-11", "--format", "csv"]));
    assert_eq!(head.last().map(String::as_str), Some("field:保修状态"));
    assert_eq!(rows[0].last().map(String::as_str), Some("保内"));
    // Customers: a field:NAME column (or its label) is read by its type.
    let sheet = d.tmp.path().join("c.csv");
    std::fs::write(&sheet, "name,phone,机器运行小时\n丙,13900003333,42\n").unwrap();
    let id = d.ok(&["import", "customers", sheet.to_str().unwrap()]);
    let file = d.read_customer(id.trim());
    assert!(file.contains("fields = { hours = \"42\" }"), "{file}");
    std::fs::write(&sheet, "name,phone,field:hours\n丁,13900004444,many\n").unwrap();
    let err = d.fails(1, &["import", "customers", sheet.to_str().unwrap()]);
    assert!(
        err.contains("c.csv:2: field:hours: \"many\" is not a number"),
        "{err}"
    );
    clean(&d);
}
