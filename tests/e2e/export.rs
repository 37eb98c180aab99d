//! End-to-end: `svcdesk export` (every record as CSV or JSON) and `svcdesk import
//! customers` (a spreadsheet into the desk: checked first, nothing written on a bad row).

use std::fs;

use crate::common::{self, TestDesk, is_customer_id, parse_csv, parse_json, stderr, stdout};

const CUSTOMERS_HEADER: &str = "id,name,contact,phone,email,industry,source,referred_by,\
tags,created,log_entries,address,notes,remote,last_contact";

const TICKETS_HEADER: &str = "id,state,grade,priority,category,complaint_kind,channel,\
department,assignee,customer,contact,product,serial,opened,accepted,responded,resolved,\
closed,satisfaction,reopened,compensation,compensation_amount,compensation_currency,tags,\
title,voucher,purchase_date,submitter,transferred_by,links,attachments,cause,\
responsibility,plan,resolution,compensation_kind,description,cause_code,lead,shipped,promised";

const REPORTS_HEADER: &str = "id,engineer,customer,ticket,service_type,location,departed,\
arrived,left,returned,hours_on_site,travel,work_done,problems,escalated,escalated_to,\
parts,cost,signed_by,outcome,satisfaction,created,created_by,visit,state,submitted,reviewed_by";

const EVENTS_HEADER: &str = "ticket,seq,at,by,action,title,customer,contact,channel,\
category,complaint_kind,product,serial,purchase_date,voucher,submitter,transferred_by,\
priority,tags,attachments,description,grade,department,assignee,reason,text,visibility,\
cause,responsibility,need,due,request,parts,on_call,efficiency,attitude,result,\
satisfaction,link,link_ticket,amount,currency,comp_kind,timer,entered_by,field,old,new,\
cause_code,fields,template,items,carrier,tracking,address,goods,remote,verdict,lead,exception,promised,kept,level,ladder,appointment,tier,then,message_id";

/// A desk with three customers: one with every field, one referred by it, one whose
/// phone and notes a spreadsheet would take for formulas.
fn customers_desk() -> (TestDesk, Vec<String>) {
    let desk = TestDesk::new();
    let a = desk.add(&[
        "--name",
        "华东机械有限公司",
        "--contact",
        "张伟",
        "--phone",
        "021-5555-0101",
        "--email",
        "zhang@ecm.example.cn",
        "--industry",
        "manufacturing",
        "--source",
        "trade-show",
        "--address",
        "上海市浦东新区张江路 88 号",
        "--notes",
        "key account, \"VIP\"",
        "--tag",
        "key-account",
        "--tag",
        "east",
    ]);
    let b = desk.add(&[
        "--name",
        "南京精工",
        "--referred-by",
        &a,
        "--source",
        "referral",
    ]);
    let c = desk.add(&[
        "--name",
        "Li Ming",
        "--phone",
        "+86 139 0000 2222",
        "--notes",
        "=1+1 is a joke",
    ]);
    (desk, vec![a, b, c])
}

fn write(desk: &TestDesk, name: &str, text: &str) -> String {
    let p = desk.tmp.path().join(name);
    fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn customers_export_in_fixed_columns_csv_and_json() {
    let (desk, ids) = customers_desk();
    let csv = desk.ok(&["export", "customers"]);
    let (header, rows) = parse_csv(&csv);
    assert_eq!(header.join(","), CUSTOMERS_HEADER);
    assert_eq!(rows.len(), 3);
    let a = rows.iter().find(|r| r[0] == ids[0]).unwrap();
    assert_eq!(
        a,
        &[
            ids[0].as_str(),
            "华东机械有限公司",
            "张伟",
            "021-5555-0101",
            "zhang@ecm.example.cn",
            "manufacturing",
            "trade-show",
            "",
            "key-account;east",
            "2026-11-24T09:30:00+08:00",
            "0",
            "上海市浦东新区张江路 88 号",
            "key account, \"VIP\"",
            "",
            "",
        ]
    );
    let b = rows.iter().find(|r| r[0] == ids[1]).unwrap();
    assert_eq!(b[7], ids[0], "referred_by");
    // Raw for scripts: the phone and the notes as typed.
    let c = rows.iter().find(|r| r[0] == ids[2]).unwrap();
    assert_eq!(
        (c[3].as_str(), c[12].as_str()),
        ("+86 139 0000 2222", "=1+1 is a joke")
    );
    // --excel: BOM, and the two formula-like cells quoted.
    let excel = desk.ok(&["export", "customers", "--excel"]);
    let (_, rows) = parse_csv(excel.strip_prefix('\u{feff}').expect("a BOM"));
    let c = rows.iter().find(|r| r[0] == ids[2]).unwrap();
    assert_eq!(
        (c[3].as_str(), c[12].as_str()),
        ("'+86 139 0000 2222", "'=1+1 is a joke")
    );
    // JSON: the records, with every field.
    let j = parse_json(&desk.ok(&["export", "customers", "--format", "json"]));
    let arr = j.as_array().unwrap();
    assert_eq!(arr.len(), 3);
    assert!(
        arr.iter()
            .any(|c| c["address"] == "上海市浦东新区张江路 88 号")
    );
}

#[test]
fn customers_round_trip_through_a_new_desk() {
    let (desk, ids) = customers_desk();
    for excel in [false, true] {
        let mut args = vec!["export", "customers"];
        if excel {
            args.push("--excel");
        }
        let exported = desk.ok(&args);
        let file = write(&desk, "customers.csv", &exported);
        let other = TestDesk::new();
        let out = other
            .cmd()
            .env("SVCDESK_NOW", "2026-12-01T10:00:00+08:00")
            .args(["import", "customers", &file])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let mut added: Vec<String> = stdout(&out).lines().map(String::from).collect();
        added.sort();
        let mut want = ids.clone();
        want.sort();
        assert_eq!(added, want, "IDs are kept");
        assert!(
            stderr(&out).contains("added 3 customer(s), skipped 0 duplicate(s)"),
            "{}",
            stderr(&out)
        );
        // Exported again: the same file, byte for byte (created kept, log empty).
        assert_eq!(other.ok(&args), exported, "excel: {excel}");
        // And the desk is sound: the referral resolves.
        other.ok(&["check"]);
    }
}

#[test]
fn import_checks_every_row_and_names_file_and_line() {
    let (desk, ids) = customers_desk();
    let before = desk.customer_files();
    let file = write(
        &desk,
        "legacy.csv",
        "客户名称,联系人,电话,邮箱,标签\n\
         苏州电子,王经理,0512-6666-0303,wang@sz.example.cn,new;east\n\
         ,赵,0512-1,,\n\
         杭州茶厂,,call me,not-an-email,\n\
         华东机械有限公司,,,,\n\
         无锡纺织,,0510-7777-0404,,\n",
    );
    let err = desk.fails(1, &["import", "customers", &file]);
    assert!(err.contains("legacy.csv:3: no name"), "{err}");
    assert!(err.contains("legacy.csv:4: phone \"call me\""), "{err}");
    assert!(err.contains("email \"not-an-email\""), "{err}");
    assert!(
        err.contains(&format!(
            "skipped: {file}:5: \"华东机械有限公司\" looks like {}",
            ids[0]
        )),
        "{err}"
    );
    assert!(err.contains("nothing written: 2 bad row(s)"), "{err}");
    assert_eq!(desk.customer_files(), before, "nothing written");

    // A dry run checks the same and writes nothing either.
    let err = desk.fails(1, &["import", "customers", &file, "--dry-run"]);
    assert!(
        err.contains("dry run: nothing written: 2 bad row(s)"),
        "{err}"
    );
    let o = desk.run(&["import", "customers", &file, "--dry-run", "--skip-bad"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert!(
        stderr(&o).contains(
            "dry run: would add 2 customer(s), skip 1 duplicate(s), 2 bad row(s) skipped; nothing written"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(desk.customer_files(), before, "a dry run writes nothing");

    // --skip-bad: the good rows go in, the bad and the duplicate are listed.
    let out = desk.ok(&["import", "customers", &file, "--skip-bad"]);
    let added: Vec<&str> = out.lines().collect();
    assert_eq!(added.len(), 2);
    assert!(
        added.iter().all(|id| is_customer_id(id, common::TODAY)),
        "{out}"
    );
    let t = desk.customer_toml(added[0]);
    assert_eq!(t["name"].as_str(), Some("苏州电子"));
    assert_eq!(t["contact"].as_str(), Some("王经理"));
    assert_eq!(t["email"].as_str(), Some("wang@sz.example.cn"));
    let tags: Vec<&str> = t["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(tags, ["new", "east"]);
    assert_eq!(t["created_by"].as_str(), Some(common::USER));
    assert_eq!(desk.customer_files().len(), before.len() + 2);

    // Again: every row is now a duplicate of what is on the desk.
    let o = desk.run(&["import", "customers", &file, "--skip-bad"]);
    assert!(o.status.success());
    assert_eq!(stdout(&o), "");
    assert!(
        stderr(&o).contains("added 0 customer(s), skipped 3 duplicate(s)"),
        "{}",
        stderr(&o)
    );
    // --force adds a duplicate anyway, with a warning.
    let dup = write(
        &desk,
        "dup.csv",
        "name,phone\n无锡纺织二厂,0510-7777-0404\n",
    );
    let o = desk.run(&["import", "customers", &dup, "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 1);
    assert!(stderr(&o).contains("warning: "), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("added although it looks like"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn import_refuses_unknown_columns_and_a_file_without_names() {
    let desk = TestDesk::new();
    let f = write(&desk, "x.csv", "name,fax,Mobile Phone\nA,1,2\n");
    let err = desk.fails(1, &["import", "customers", &f]);
    assert!(
        err.contains("unknown column(s) \"fax\", \"Mobile Phone\""),
        "{err}"
    );
    assert!(
        err.contains("hint: known columns: name, contact, phone"),
        "{err}"
    );
    let f = write(&desk, "y.csv", "contact,phone\n张,123456\n");
    let err = desk.fails(1, &["import", "customers", &f]);
    assert!(err.contains("no \"name\" column"), "{err}");
    let f = write(&desk, "gbk.csv", "");
    fs::write(&f, b"name\n\xc4\xe3\xba\xc3\n").unwrap();
    let err = desk.fails(1, &["import", "customers", &f]);
    assert!(err.contains("not UTF-8"), "{err}");
    let err = desk.fails(1, &["import", "customers", "missing.csv"]);
    assert!(err.contains("missing.csv"), "{err}");
    assert!(desk.customer_files().is_empty());
    // Standard input works too.
    let o = desk
        .cmd()
        .args(["import", "customers", "-"])
        .write_stdin("name,phone\n常州机电,0519-1234-5678\n")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(desk.customer_files().len(), 1);
}

#[test]
fn tickets_reports_and_events_export() {
    let desk = TestDesk::new();
    let c = desk.add(&["--name", "华东机械"]);
    let t = desk
        .ok(&[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "complaint",
            "--voucher",
            "INV-1",
            "--product",
            "X200",
            "-m",
            "=cmd|' /C calc'!A0",
        ])
        .trim_end()
        .to_string();
    desk.ok(&["ticket", "accept", &t]);
    desk.ok(&[
        "ticket",
        "diagnose",
        &t,
        "--cause",
        "driver board",
        "--responsibility",
        "product",
    ]);
    let r = desk
        .ok(&[
            "report",
            "add",
            "--ticket",
            &t,
            "--type",
            "problem-handling",
            "--arrived",
            "2026-11-24 09:30",
            "--left",
            "2026-11-24 12:10",
        ])
        .trim_end()
        .to_string();

    let csv = desk.ok(&["export", "tickets"]);
    let (header, rows) = parse_csv(&csv);
    assert_eq!(header.join(","), TICKETS_HEADER);
    let cell = |name: &str| rows[0][header.iter().position(|h| h == name).unwrap()].clone();
    assert_eq!(cell("id"), t);
    assert_eq!(cell("voucher"), "INV-1");
    assert_eq!(cell("cause"), "driver board");
    assert_eq!(cell("responsibility"), "product");
    assert_eq!(cell("title"), "=cmd|' /C calc'!A0", "raw for scripts");
    // The first columns are exactly `ticket list --format csv` but its last, `promised`,
    // which came later and is the export's last.
    let list = desk.ok(&["ticket", "list", "--format", "csv"]);
    let (lh, lrows) = parse_csv(&list);
    let n = lh.len() - 1;
    assert_eq!(header[..n], lh[..n]);
    assert_eq!(rows[0][..n], lrows[0][..n]);
    assert_eq!(
        (header.last(), rows[0].last()),
        (lh.last(), lrows[0].last())
    );
    let excel = desk.ok(&["export", "tickets", "--excel"]);
    let (_, xrows) = parse_csv(excel.strip_prefix('\u{feff}').unwrap());
    assert_eq!(
        xrows[0][header.iter().position(|h| h == "title").unwrap()],
        "'=cmd|' /C calc'!A0"
    );

    let j = parse_json(&desk.ok(&["export", "tickets", "--format", "json"]));
    assert_eq!(j[0]["id"], t.as_str());
    assert_eq!(
        j[0]["event"].as_array().unwrap().len(),
        4,
        "open, assign, accept, diagnose"
    );

    let (header, rows) = parse_csv(&desk.ok(&["export", "events"]));
    assert_eq!(header.join(","), EVENTS_HEADER);
    let actions: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str(), r[4].as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            (t.as_str(), "1", "open"),
            (t.as_str(), "2", "assign"),
            (t.as_str(), "3", "accept"),
            (t.as_str(), "4", "diagnose")
        ]
    );
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    assert_eq!(rows[1][col("department")], "customer-service");
    assert_eq!(rows[3][col("cause")], "driver board");
    assert_eq!(rows[0][col("at")], "2026-11-24T09:30:00+08:00");
    let j = parse_json(&desk.ok(&["export", "events", "--format", "json"]));
    assert_eq!(j[3]["action"], "diagnose");
    assert_eq!(j[3]["ticket_id"], t.as_str());
    assert_eq!(j[3]["seq"], 4);

    let (header, rows) = parse_csv(&desk.ok(&["export", "reports"]));
    assert_eq!(header.join(","), REPORTS_HEADER);
    assert_eq!(rows[0][0], r);
    assert_eq!(rows[0][10], "2.67");
    let j = parse_json(&desk.ok(&["export", "reports", "--format", "json"]));
    assert_eq!(j[0]["hours_on_site"], 2.67);

    // -o writes the file (whole, into a new folder if need be), says so on stderr, and
    // prints nothing.
    let o = desk.run(&["export", "tickets", "-o", "out/tickets.csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert!(
        stderr(&o).contains("1 tickets written to"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs::read_to_string(desk.tmp.path().join("out/tickets.csv")).unwrap(),
        csv
    );
    // Only csv and json.
    let o = desk.run(&["export", "tickets", "--format", "table"]);
    assert_eq!(o.status.code(), Some(2));
}
