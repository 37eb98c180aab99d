//! End-to-end: the CSV options every sheet shares — `--bom`, `--excel`, `--lang zh` — and
//! reading sheets back: `import customers` of its own Chinese export, `--map`.

use std::fs;

use crate::common::{TestDesk, parse_csv, stderr, stdout};

/// A desk with one customer and one November field visit whose cells are Chinese, and one
/// a spreadsheet would run as a formula.
fn visit_desk() -> (TestDesk, String) {
    let desk = TestDesk::new();
    let c = desk.add(&["--name", "华东机械有限公司", "--phone", "021-5555-0101"]);
    desk.ok(&[
        "report",
        "add",
        "--customer",
        &c,
        "--type",
        "training",
        "--location",
        "上海张江",
        "--arrived",
        "2026-11-20 09:30",
        "--left",
        "2026-11-20 11:00",
        "--work-done=-培训操作员，=HYPERLINK(\"x\")",
    ]);
    (desk, c)
}

#[test]
fn bom_alone_keeps_cells_and_excel_neutralises_only_text() {
    let (desk, _) = visit_desk();
    let plain = desk.ok(&["ledger", "service", "--month", "2026-11"]);
    let bom = desk.ok(&["ledger", "service", "--month", "2026-11", "--bom"]);
    assert_eq!(bom, format!("\u{feff}{plain}"));
    let excel = desk.ok(&["ledger", "service", "--month", "2026-11", "--excel"]);
    let (cols, rows) = parse_csv(excel.strip_prefix('\u{feff}').expect("a BOM"));
    let cell = |c: &str| rows[0][cols.iter().position(|x| x == c).unwrap()].clone();
    assert_eq!(cell("work_done"), "'-培训操作员，=HYPERLINK(\"x\")");
    assert_eq!(cell("hours_on_site"), "1.50");
    assert_eq!(cell("location"), "上海张江");
    // --bom works on export too, and with --lang.
    let e = desk.ok(&["export", "reports", "--bom", "--lang", "zh"]);
    assert!(e.starts_with("\u{feff}服务单号,工程师,客户,"), "{e}");
    assert!(
        e.contains("\"-培训操作员，"),
        "--bom leaves cells alone: {e}"
    );
}

#[test]
fn python_reads_the_bom_file_with_chinese() {
    let (desk, _) = visit_desk();
    let out = desk.tmp.path().join("台账.csv");
    let text = desk.ok(&[
        "ledger", "service", "--month", "2026-11", "--bom", "--lang", "zh",
    ]);
    fs::write(&out, &text).unwrap();
    let script = "import csv, sys\n\
                  with open(sys.argv[1], encoding='utf-8-sig', newline='') as f:\n\
                  \x20   rows = list(csv.DictReader(f))\n\
                  print(rows[0]['客户名称'] + '|' + rows[0]['地点'] + '|' + rows[0]['现场工时'] \
                  + '|' + list(rows[0])[0])\n";
    let run = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&out)
        .env("PYTHONIOENCODING", "utf-8")
        .output();
    match run {
        Err(e) => eprintln!("skipped: python3 is not available ({e})"),
        Ok(o) => {
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            assert_eq!(
                String::from_utf8(o.stdout).unwrap().trim_end(),
                "华东机械有限公司|上海张江|1.50|日期",
                "the BOM is not part of the first header name"
            );
        }
    }
}

#[test]
fn every_export_has_distinct_chinese_headers() {
    let (desk, c) = visit_desk();
    desk.ok(&[
        "ticket",
        "open",
        "--customer",
        &c,
        "--category",
        "consult",
        "-m",
        "报修",
    ]);
    for what in ["tickets", "customers", "reports", "events"] {
        let en = desk.ok(&["export", what]);
        let zh = desk.ok(&["export", what, "--lang", "zh"]);
        let (en_head, en_body) = en.split_once('\n').unwrap();
        let (zh_head, zh_body) = zh.split_once('\n').unwrap();
        assert_eq!(en_body, zh_body, "{what}");
        let names: Vec<&str> = zh_head.split(',').collect();
        assert_eq!(names.len(), en_head.split(',').count(), "{what}");
        for n in &names {
            assert!(!n.is_ascii(), "{what}: {n} is not translated");
        }
        let distinct: std::collections::BTreeSet<&&str> = names.iter().collect();
        assert_eq!(distinct.len(), names.len(), "{what}: {zh_head}");
    }
}

#[test]
fn import_reads_its_own_chinese_export() {
    let (desk, c) = visit_desk();
    let other = desk.add(&["--name", "南京精工", "--referred-by", &c, "--tag", "vip"]);
    let file = desk.tmp.path().join("客户.csv");
    let en = desk.ok(&["export", "customers"]);
    fs::write(
        &file,
        desk.ok(&["export", "customers", "--lang", "zh", "--excel"]),
    )
    .unwrap();
    let fresh = TestDesk::new();
    let added = fresh.ok(&["import", "customers", file.to_str().unwrap()]);
    let mut want = [c, other];
    want.sort();
    assert_eq!(added, format!("{}\n{}\n", want[0], want[1]));
    assert_eq!(fresh.ok(&["export", "customers"]), en);
}

#[test]
fn map_reads_a_legacy_sheet() {
    let desk = TestDesk::new();
    let file = desk.tmp.path().join("legacy.csv");
    fs::write(&file, "单位名称,手机,传真\n苏州精密,139 0000 1111,0512-1\n").unwrap();
    let f = file.to_str().unwrap();
    let o = desk.run(&["import", "customers", f, "--map", "单位名称=name"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("unknown column(s) \"传真\""),
        "{}",
        stderr(&o)
    );
    let o = desk.run(&["import", "customers", f, "--map", "传真=fax"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("\"fax\" is not a field"), "{err}");
    assert!(
        err.contains("name, contact, phone"),
        "the fields are listed: {err}"
    );
    let o = desk.run(&[
        "import",
        "customers",
        f,
        "--map",
        "单位名称=name",
        "--map",
        "手机=phone",
        "--map",
        "传真=notes",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let id = stdout(&o).trim_end().to_string();
    let (_, rows) = parse_csv(&desk.ok(&["export", "customers"]));
    assert_eq!(rows[0][0], id);
    assert_eq!(rows[0][1], "苏州精密");
    assert_eq!(rows[0][3], "139 0000 1111");
    assert_eq!(rows[0][12], "0512-1");
}
