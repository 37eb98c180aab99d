//! End-to-end: `svcdesk workbook` read back with calamine and compared, cell by cell,
//! with the CSV commands' output for the same month; its charts' ranges read from the
//! .xlsx's XML; and `import` of .xlsx sheets (Chinese headers, FILE:SHEET:ROW errors).
//!
//! The desk: three customers; in October one consult ticket left open; in November a
//! complaint (accepted by wang, resolved, revisited, closed with 5, 1500 CNY approved),
//! a quality ticket by e-mail (zhou, resolved late, closed with 3), a quality ticket
//! reopened and closed twice (2, then 4), a complaint still open at the month's end, two
//! field visits, and two measures (one due and done in November, one due in January).

use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};

use crate::common::{TestDesk, parse_csv, stderr, stdout};

/// After November: the default month of `workbook` is November.
const DEC_02: &str = "2026-12-02T10:00:00+08:00";

fn run_as(desk: &TestDesk, now: &str, user: &str, args: &[&str]) -> std::process::Output {
    desk.cmd()
        .env("SVCDESK_NOW", now)
        .env("SVCDESK_USER", user)
        .args(args)
        .output()
        .expect("svcdesk runs")
}

fn ok_as(desk: &TestDesk, now: &str, user: &str, args: &[&str]) -> String {
    let o = run_as(desk, now, user, args);
    assert!(
        o.status.success(),
        "svcdesk {args:?} at {now} failed with {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

fn at(day_time: &str) -> String {
    format!("2026-{day_time}:00+08:00")
}

/// A step by li (who may do them all) at 2026-`when`.
fn step(desk: &TestDesk, when: &str, args: &[&str]) -> String {
    ok_as(desk, &at(when), "li", args).trim_end().to_string()
}

/// `stats.rs`' hand-worked November (T1's title written like a formula, so a text cell
/// that Excel would run is tested too), with two improvement measures.
fn november() -> TestDesk {
    let desk = crate::common::november::november_titled("=engineer was rude").desk;
    let m = step(
        &desk,
        "11-05T09:00",
        &[
            "measure",
            "add",
            "--problem",
            "engineers misread fault codes",
            "--measure",
            "train on the X200 codes",
            "--kind",
            "training",
            "--owner",
            "wang",
            "--due",
            "2026-11-20",
            "--period",
            "2026-11",
        ],
    );
    step(
        &desk,
        "11-19T09:00",
        &["measure", "done", &m, "--result", "trained 4"],
    );
    step(
        &desk,
        "11-25T09:00",
        &[
            "measure",
            "add",
            "--problem",
            "parts arrive late",
            "--measure",
            "keep X200 boards in stock",
            "--kind",
            "process",
            "--owner",
            "zhou",
            "--due",
            "2027-01-15",
            "--category",
            "quality",
        ],
    );
    desk
}

/// The desk's CSV output for `args` at DEC_02.
fn csv(desk: &TestDesk, args: &[&str]) -> (Vec<String>, Vec<Vec<String>>) {
    parse_csv(&ok_as(desk, DEC_02, "li", args))
}

/// A workbook cell as the CSV writes the same figure: numbers with the CSV cell's
/// decimals (percentages times 100), dates and times as the ledgers write them.
fn shown(cell: &Data, like: &str) -> String {
    let decimals = like.split_once('.').map_or(0, |(_, f)| f.len());
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f:.decimals$}"),
        Data::Int(i) => i.to_string(),
        Data::DateTime(d) => {
            let t = d.as_datetime().expect("a date");
            if like.len() == 10 {
                t.format("%Y-%m-%d").to_string()
            } else {
                t.format("%Y-%m-%d %H:%M").to_string()
            }
        }
        other => format!("{other:?}"),
    }
}

/// Percent cells hold a fraction: the CSV's 66.7 is 0.667.
fn shown_pct(cell: &Data, like: &str) -> String {
    match cell {
        Data::Float(f) => shown(&Data::Float(f * 100.0), like),
        other => shown(other, like),
    }
}

fn is_pct(column: &str) -> bool {
    column.ends_with("_pct") || column.ends_with("_rate")
}

struct Book {
    xlsx: Xlsx<std::io::BufReader<std::fs::File>>,
}

impl Book {
    fn open(path: &Path) -> Book {
        Book {
            xlsx: open_workbook(path).expect("an .xlsx calamine reads"),
        }
    }

    fn rows(&mut self, sheet: &str) -> Vec<Vec<Data>> {
        let r = self.xlsx.worksheet_range(sheet).expect("the sheet");
        assert_eq!(r.start(), Some((0, 0)), "{sheet} starts at A1");
        r.rows().map(|row| row.to_vec()).collect()
    }
}

/// `rows` (from a sheet, from row index `top`) hold exactly `csv`'s rows, cell by cell
/// (a number shown with the CSV cell's decimals must be the CSV's number).
fn same(sheet: &str, rows: &[Vec<Data>], top: usize, csv: &(Vec<String>, Vec<Vec<String>>)) {
    let (head, body) = csv;
    for (i, want) in body.iter().enumerate() {
        let got = &rows[top + i];
        for (j, w) in want.iter().enumerate() {
            let cell = got.get(j).unwrap_or(&Data::Empty);
            let text = if is_pct(&head[j]) {
                shown_pct(cell, w)
            } else {
                shown(cell, w)
            };
            assert_eq!(
                &text,
                w,
                "{sheet} row {} column {} ({}): {cell:?}",
                top + i + 1,
                j + 1,
                head[j]
            );
        }
    }
}

/// A row's cells as text, without the empty cells a wider sheet pads it with.
fn texts(row: &[Data]) -> Vec<String> {
    let mut v: Vec<String> = row.iter().map(|c| shown(c, "")).collect();
    while v.last().is_some_and(|c| c.is_empty()) {
        v.pop();
    }
    v
}

#[test]
fn every_cell_is_the_csv_figure() {
    let desk = november();
    let out = ok_as(&desk, DEC_02, "li", &["workbook", "-o", "nov.xlsx"]);
    assert_eq!(out, "nov.xlsx\n");
    let mut book = Book::open(&desk.tmp.path().join("nov.xlsx"));
    assert_eq!(
        book.xlsx.sheet_names(),
        [
            "Monthly statistics",
            "Ticket register",
            "Service ledger",
            "TOP N",
            "Improvement measures",
            "Trend"
        ]
    );

    // The two ledgers: the CSV, header and all.
    for (sheet, args) in [
        (
            "Ticket register",
            &["ledger", "tickets", "--month", "2026-11"][..],
        ),
        (
            "Service ledger",
            &["ledger", "service", "--month", "2026-11"][..],
        ),
        (
            "TOP N",
            &[
                "stats", "--month", "2026-11", "--top", "10", "--format", "csv",
            ][..],
        ),
    ] {
        let want = csv(&desk, args);
        let rows = book.rows(sheet);
        assert_eq!(texts(&rows[0]), want.0, "{sheet} header");
        assert_eq!(rows.len(), want.1.len() + 1, "{sheet}: one row per CSV row");
        same(sheet, &rows, 1, &want);
    }
    let tickets = book.rows("Ticket register");
    assert_eq!(tickets.len(), 6, "the header, T4, T1, T2, T6, T3");
    let col = |name: &str| {
        tickets[0]
            .iter()
            .position(|c| shown(c, "") == name)
            .unwrap()
    };
    assert!(
        matches!(tickets[1][col("opened")], Data::DateTime(_)),
        "a real date"
    );
    assert!(
        matches!(tickets[2][col("hours_to_accept")], Data::Float(_)),
        "a number"
    );
    assert_eq!(
        tickets[2][col("title")],
        Data::String("=engineer was rude".into()),
        "a formula-like title stays text"
    );

    // 月度统计: the desk's row, then each grouping's CSV rows.
    let rows = book.rows("Monthly statistics");
    let (head, desk_rows) = csv(&desk, &["stats", "--month", "2026-11", "--format", "csv"]);
    let mut want_head = vec!["Group".to_string(), head[0].clone(), "Key".into()];
    want_head.extend(head[1..].iter().cloned());
    assert_eq!(texts(&rows[0]), want_head);
    let mut want: Vec<Vec<String>> = desk_rows
        .iter()
        .map(|r| {
            let mut v = vec!["Whole desk".to_string(), r[0].clone(), String::new()];
            v.extend(r[1..].iter().cloned());
            v
        })
        .collect();
    for (dim, caption) in [
        ("category", "By category"),
        ("department", "By department"),
        ("grade", "By grade"),
        ("channel", "By channel"),
        ("engineer", "By engineer"),
    ] {
        let (h, body) = csv(
            &desk,
            &[
                "stats", "--month", "2026-11", "--by", dim, "--format", "csv",
            ],
        );
        assert_eq!(h[1], dim);
        assert!(!body.is_empty(), "{dim}");
        want.extend(body.into_iter().map(|r| {
            let mut v = vec![caption.to_string()];
            v.extend(r);
            v
        }));
    }
    assert_eq!(rows.len(), want.len() + 1);
    same("Monthly statistics", &rows, 1, &(want_head.clone(), want));
    let pct = want_head
        .iter()
        .position(|c| c == "sla_overall_pct")
        .unwrap();
    assert!(
        matches!(rows[1][pct], Data::Float(f) if f < 1.0),
        "a fraction: {:?}",
        rows[1][pct]
    );

    // 改进措施: the counts, then the measures due or done in November.
    let rows = book.rows("Improvement measures");
    let counts = csv(
        &desk,
        &[
            "stats",
            "--month",
            "2026-11",
            "--measures",
            "--format",
            "csv",
        ],
    );
    assert_eq!(texts(&rows[0]), counts.0);
    same("Improvement measures", &rows, 1, &counts);
    let at = counts.1.len() + 2;
    assert_eq!(shown(&rows[at][0], ""), "Measures due or done in the month");
    let list = csv(&desk, &["measure", "list", "--format", "csv"]);
    assert_eq!(texts(&rows[at + 1]), list.0);
    let due_nov: Vec<Vec<String>> = list
        .1
        .iter()
        .filter(|r| r[5].starts_with("2026-11"))
        .cloned()
        .collect();
    assert_eq!(due_nov.len(), 1);
    assert_eq!(rows.len(), at + 2 + 1, "only November's measure");
    same(
        "Improvement measures",
        &rows,
        at + 2,
        &(list.0.clone(), due_nov),
    );

    // 趋势: `stats --trend 12`, then each timer's % as `stats --month` gives it.
    let rows = book.rows("Trend");
    let trend = csv(
        &desk,
        &[
            "stats", "--month", "2026-11", "--trend", "12", "--format", "csv",
        ],
    );
    assert_eq!(rows.len(), 13);
    assert_eq!(texts(&rows[0])[..trend.0.len()], trend.0[..]);
    same("Trend", &rows, 1, &trend);
    let head = texts(&rows[0]);
    for (month, row) in [("2026-11", 12), ("2026-10", 11)] {
        let (h, r) = csv(&desk, &["stats", "--month", month, "--format", "csv"]);
        for (j, c) in h.iter().enumerate().filter(|(_, c)| {
            c.starts_with("sla_") && c.ends_with("_pct") && *c != "sla_overall_pct"
        }) {
            let k = head
                .iter()
                .position(|x| x == c)
                .unwrap_or_else(|| panic!("{c}"));
            assert_eq!(shown_pct(&rows[row][k], &r[0][j]), r[0][j], "{month} {c}");
        }
    }
}

/// The text of each chart part of the .xlsx, in order.
fn charts(path: &Path) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = Vec::new();
    for i in 1.. {
        let Ok(mut f) = zip.by_name(&format!("xl/charts/chart{i}.xml")) else {
            break;
        };
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        out.push(s);
    }
    out
}

/// The `<c:f>` references of a chart, in order.
fn refs(xml: &str) -> Vec<String> {
    xml.split("<c:f>")
        .skip(1)
        .map(|s| s.split("</c:f>").next().unwrap().to_string())
        .collect()
}

#[test]
fn charts_refer_to_the_figures() {
    let desk = november();
    ok_as(
        &desk,
        DEC_02,
        "li",
        &["workbook", "2026-11", "-o", "nov.xlsx", "--lang", "zh"],
    );
    let path = desk.tmp.path().join("nov.xlsx");
    let mut book = Book::open(&path);
    assert_eq!(
        book.xlsx.sheet_names(),
        [
            "月度统计",
            "受理跟踪反馈表",
            "技术服务台账",
            "TOP N",
            "改进措施",
            "趋势"
        ]
    );
    let summary = book.rows("月度统计");
    let zh_stats = ok_as(
        &desk,
        DEC_02,
        "li",
        &[
            "stats", "--month", "2026-11", "--format", "csv", "--lang", "zh",
        ],
    );
    let zh_head = parse_csv(&zh_stats).0;
    assert_eq!(
        texts(&summary[0])[3..],
        zh_head[1..],
        "the CSV's Chinese names"
    );
    // Spreadsheet column letters: A..Z, then AA, AB, ...
    let letter = |i: usize| {
        let one = |n: usize| ((b'A' + n as u8) as char).to_string();
        if i < 26 {
            one(i)
        } else {
            one(i / 26 - 1) + &one(i % 26)
        }
    };
    let col = |name: &str| {
        summary[0]
            .iter()
            .position(|c| shown(c, "") == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let by_category: Vec<usize> = (0..summary.len())
        .filter(|&r| shown(&summary[r][0], "") == "按类别")
        .collect();
    let (first, last) = (by_category[0] + 1, by_category.last().unwrap() + 1);
    let opened = letter(col("新增"));
    let (s1, s5) = (letter(col("满意度1分")), letter(col("满意度5分")));

    let charts = charts(&path);
    assert_eq!(charts.len(), 4, "category, satisfaction, SLA, backlog");
    assert!(charts[0].contains("<c:barChart>") && charts[0].contains("各类别新增工单"));
    assert_eq!(
        refs(&charts[0]),
        [
            format!("月度统计!$C${first}:$C${last}"),
            format!("月度统计!${opened}${first}:${opened}${last}")
        ]
    );
    assert!(charts[1].contains("<c:barChart>"));
    assert_eq!(
        refs(&charts[1]),
        [
            format!("月度统计!${s1}$1:${s5}$1"),
            format!("月度统计!${s1}$2:${s5}$2")
        ]
    );
    // SLA per timer: one line per timer over the 12 months of 趋势.
    let trend = book.rows("趋势");
    let head = texts(&trend[0]);
    assert!(charts[2].contains("<c:lineChart>"));
    let timers: Vec<usize> = (0..head.len())
        .filter(|&i| head[i].ends_with("SLA达成率(%)") && head[i] != "SLA总达成率(%)")
        .collect();
    // The default policy: accept, archive, compensation-plan, diagnosis, forward,
    // measures, plan, plan-told, resolve, respond, revisit, ship.
    assert_eq!(timers.len(), 12, "{head:?}");
    let want: Vec<String> = timers
        .iter()
        .flat_map(|&i| {
            let c = letter(i);
            [
                format!("趋势!${c}$1"),
                "趋势!$A$2:$A$13".into(),
                format!("趋势!${c}$2:${c}$13"),
            ]
        })
        .collect();
    assert_eq!(refs(&charts[2]), want);
    let backlog = letter(head.iter().position(|h| h == "积压").unwrap());
    assert!(charts[3].contains("<c:lineChart>"));
    assert_eq!(
        refs(&charts[3]),
        [
            format!("趋势!${backlog}$1"),
            "趋势!$A$2:$A$13".into(),
            format!("趋势!${backlog}$2:${backlog}$13")
        ]
    );
    // Print setup: A4 landscape, fit to width, the desk and month in the header.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name("xl/worksheets/sheet2.xml")
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    assert!(
        s.contains(r#"paperSize="9""#) && s.contains(r#"orientation="landscape""#),
        "{s}"
    );
    assert!(
        s.contains(r#"fitToHeight="0""#) && s.contains("<pane "),
        "{s}"
    );
    assert!(s.contains("测试服务台") && s.contains("2026-11"), "{s}");
}

#[test]
fn an_existing_file_is_kept_unless_forced() {
    let desk = TestDesk::new();
    let dir = desk.tmp.path();
    // Default: last month, named after the desk.
    let out = ok_as(&desk, DEC_02, "li", &["workbook"]);
    assert_eq!(out, "测试服务台-2026-11.xlsx\n");
    let file = dir.join("测试服务台-2026-11.xlsx");
    std::fs::write(&file, "mine").unwrap();
    let o = run_as(&desk, DEC_02, "li", &["workbook"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("exists; not replaced") && stderr(&o).contains("--force"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    ok_as(&desk, DEC_02, "li", &["workbook", "--force"]);
    assert!(
        std::fs::read(&file).unwrap().starts_with(b"PK"),
        "an .xlsx (zip) now"
    );
    let o = run_as(
        &desk,
        DEC_02,
        "li",
        &["workbook", "2026-13", "-o", "x.xlsx"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!dir.join("x.xlsx").exists());
}

/// Writes an .xlsx with the sheets given: (name, rows of cells); a cell that reads as a
/// whole number is written as a number, as a person typing it into Excel gets.
fn xlsx(path: &Path, sheets: &[(&str, &[&[&str]])]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                match cell.parse::<u64>() {
                    Ok(n) => ws.write_number(r as u32, c as u16, n as f64),
                    Err(_) => ws.write_string(r as u32, c as u16, *cell),
                }
                .unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

#[test]
fn customers_come_in_from_a_sheet_with_chinese_headers() {
    let desk = TestDesk::new();
    let file = desk.tmp.path().join("客户档案.xlsx");
    xlsx(
        &file,
        &[
            ("说明", &[&["这张表不是客户"]]),
            (
                "客户",
                &[
                    &["客户名称", "联系人", "联系电话", "所属行业"],
                    &["华东机械", "张伟", "13900002222", "manufacturing"],
                    &[],
                    &["南京精工", "李娜", "025-8888-0202", "electronics"],
                ],
            ),
        ],
    );
    let out = ok_as(
        &desk,
        DEC_02,
        "li",
        &["import", "customers", "客户档案.xlsx", "--sheet", "客户"],
    );
    assert_eq!(out.lines().count(), 2, "two IDs: {out}");
    let list = ok_as(&desk, DEC_02, "li", &["export", "customers"]);
    let (head, rows) = parse_csv(&list);
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let mut got: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r[col("name")].clone(),
                r[col("phone")].clone(),
                r[col("contact")].clone(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            (
                "华东机械".to_string(),
                "13900002222".to_string(),
                "张伟".to_string()
            ),
            ("南京精工".into(), "025-8888-0202".into(), "李娜".into()),
        ]
    );

    // The first sheet is not a customer sheet: the error names the file and the sheet.
    let o = run_as(
        &desk,
        DEC_02,
        "li",
        &["import", "customers", "客户档案.xlsx"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("客户档案.xlsx:说明: unknown column"),
        "{}",
        stderr(&o)
    );
    let o = run_as(
        &desk,
        DEC_02,
        "li",
        &["import", "customers", "客户档案.xlsx", "--sheet", "nope"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no sheet \"nope\"") && stderr(&o).contains("说明, 客户"));
    let o = run_as(
        &desk,
        DEC_02,
        "li",
        &["import", "customers", "x.csv", "--sheet", "客户"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn a_bad_row_is_named_by_file_sheet_and_row() {
    let desk = TestDesk::new();
    let file = desk.tmp.path().join("legacy.xlsx");
    xlsx(
        &file,
        &[(
            "Sheet1",
            &[
                &["name", "phone", "email"],
                &["华东机械", "021-5555-0101", ""],
                &[],
                &["南京精工", "", "sales-at-example"],
            ],
        )],
    );
    let before = desk.customer_files();
    let o = run_as(&desk, DEC_02, "li", &["import", "customers", "legacy.xlsx"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("error: legacy.xlsx:Sheet1:4: "),
        "{}",
        stderr(&o)
    );
    assert_eq!(desk.customer_files(), before, "nothing written");
}

#[test]
fn a_ticket_sheet_imports_as_its_csv_does() {
    let old = november();
    let new = TestDesk::new();
    // The same customers, by ID.
    let customers = ok_as(&old, DEC_02, "li", &["export", "customers"]);
    std::fs::write(new.tmp.path().join("c.csv"), customers).unwrap();
    ok_as(&new, DEC_02, "li", &["import", "customers", "c.csv"]);
    let export = ok_as(&old, DEC_02, "li", &["export", "tickets", "--lang", "zh"]);
    let (head, rows) = parse_csv(&export);
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in head.iter().enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    // As Excel holds what people type: times as dates, whole numbers as numbers.
    let time = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let (mut dates, mut numbers) = (0, 0);
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            // The export's RFC 3339 times are desk time (+08:00): Excel holds them so.
            if let Ok(t) = chrono::DateTime::parse_from_rfc3339(cell).map(|t| t.naive_local()) {
                use chrono::{Datelike, Timelike};
                let d = rust_xlsxwriter::ExcelDateTime::from_ymd(
                    t.year() as u16,
                    t.month() as u8,
                    t.day() as u8,
                )
                .unwrap()
                .and_hms(t.hour() as u16, t.minute() as u8, 0)
                .unwrap();
                ws.write_datetime_with_format(r, c, &d, &time).unwrap();
                dates += 1;
            } else if let Ok(n) = cell.parse::<u32>() {
                ws.write_number(r, c, n).unwrap();
                numbers += 1;
            } else {
                ws.write_string(r, c, cell).unwrap();
            }
        }
    }
    assert!(
        dates > 10 && numbers > 3,
        "{dates} dates, {numbers} numbers"
    );
    wb.save(new.tmp.path().join("t.xlsx")).unwrap();
    let out = ok_as(&new, DEC_02, "li", &["import", "tickets", "t.xlsx"]);
    assert_eq!(out.lines().count(), rows.len());
    assert_eq!(
        ok_as(&new, DEC_02, "li", &["export", "tickets", "--lang", "zh"]),
        export
    );
}
