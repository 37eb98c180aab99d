//! End-to-end: 旬报 intelligence items — `intel add|assign|note|close|show|list`, the
//! files on disk, `stats --intel` against a hand count, `check`, and the git merge of two
//! clones' histories.

use std::path::Path;
use std::process::Output;

use crate::common::staff::{LI, WANG, roster};
use crate::common::{TestDesk, git, git_ok, parse_csv, parse_json, run_at, stderr, stdout};

const DEC2: &str = "2026-12-02T10:00:00+08:00";
const DEC3: &str = "2026-12-03T10:00:00+08:00";
const DEC12: &str = "2026-12-12T10:00:00+08:00";

fn ok(desk: &TestDesk, now: &str, args: &[&str]) -> String {
    let o = run_at(desk, now, args);
    assert!(
        o.status.success(),
        "svcdesk {args:?} failed with {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

/// Runs at `now`, asserts exit `code` and nothing on stdout; returns stderr.
fn fails(desk: &TestDesk, now: &str, code: i32, args: &[&str]) -> String {
    let o = run_at(desk, now, args);
    assert_eq!(
        o.status.code(),
        Some(code),
        "svcdesk {args:?}\nstdout:\n{}\nstderr:\n{}",
        stdout(&o),
        stderr(&o)
    );
    assert_eq!(stdout(&o), "");
    stderr(&o)
}

/// `intel add` at `now` with `args`; asserts it printed only an ID of that day.
fn add(desk: &TestDesk, now: &str, args: &[&str]) -> String {
    let mut all = vec!["intel", "add"];
    all.extend_from_slice(args);
    let out = ok(desk, now, &all);
    let id = out.trim_end().to_string();
    let day = now[..10].replace('-', "");
    assert!(
        id.starts_with(&format!("I{day}-")) && id.len() == 16 && !id.contains('\n'),
        "add printed {out:?}"
    );
    id
}

fn rel(id: &str) -> String {
    format!("intel/{}/{}/{id}.toml", &id[1..5], &id[5..7])
}

fn intel_files(dir: &Path) -> usize {
    walkdir(dir.join("intel"))
}

fn walkdir(p: std::path::PathBuf) -> usize {
    let Ok(rd) = std::fs::read_dir(&p) else {
        return 0;
    };
    rd.flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                walkdir(p)
            } else {
                usize::from(p.extension().is_some_and(|x| x == "toml"))
            }
        })
        .sum()
}

#[test]
fn an_item_is_reported_assigned_noted_and_closed_and_the_file_keeps_its_history() {
    let desk = TestDesk::new();
    let id = add(
        &desk,
        DEC2,
        &[
            "--kind",
            "problem",
            "--by",
            "wang",
            "--period",
            "2026-12-1",
            "-m",
            "X200 jams in humid weather",
            "--product",
            "X200",
        ],
    );
    let file = desk.read(&rel(&id));
    let t: toml::Table = file.parse().unwrap();
    assert_eq!(t["schema"].as_integer(), Some(1));
    assert_eq!(t["state"].as_str(), Some("open"));
    assert_eq!(t["kind"].as_str(), Some("problem"));
    assert_eq!(t["sales"].as_str(), Some("wang"));
    // 2026-12-1 is stored in the one form lists and stats match.
    assert_eq!(t["period"].as_str(), Some("2026-12-上旬"));
    assert_eq!(t["product"].as_str(), Some("X200"));
    assert!(t.get("owner").is_none(), "{file}");

    // Closed only once someone follows it up: the refusal names the state and the way on.
    let err = fails(&desk, DEC2, 1, &["intel", "close", &id, "-m", "done"]);
    assert!(err.contains("open") && err.contains("assign"), "{err}");
    assert_eq!(desk.read(&rel(&id)), file, "a refusal changes nothing");

    let short = &id[10..14];
    ok(&desk, DEC2, &["intel", "assign", short, "--owner", "li"]);
    ok(
        &desk,
        DEC3,
        &["intel", "note", &id, "-m", "asked the plant for test data"],
    );
    ok(
        &desk,
        DEC3,
        &[
            "intel",
            "close",
            &id,
            "-m",
            "seal changed from batch 2027-01",
        ],
    );
    let after = desk.read(&rel(&id));
    assert!(
        after.starts_with(&file[..file.find("state =").unwrap()]),
        "schema and id unchanged"
    );
    let t: toml::Table = after.parse().unwrap();
    assert_eq!(t["state"].as_str(), Some("closed"));
    assert_eq!(t["owner"].as_str(), Some("li"));
    assert_eq!(
        t["result"].as_str(),
        Some("seal changed from batch 2027-01")
    );
    assert_eq!(t["closed_by"].as_str(), Some("wang"));
    let actions: Vec<&str> = t["event"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["add", "assign", "note", "close"]);

    // Closed is final.
    let err = fails(&desk, DEC3, 1, &["intel", "assign", &id, "--owner", "wang"]);
    assert!(err.contains("closed"), "{err}");
    let err = fails(&desk, DEC3, 1, &["intel", "note", &id, "-m", "more"]);
    assert!(err.contains("closed"), "{err}");

    // The ID's prefix, kind letter included and dash left out, finds it too.
    let prefix = id[..9].to_lowercase();
    let show = ok(&desk, DEC3, &["intel", "show", &prefix]);
    for want in [
        "2026-12-上旬",
        "X200 jams in humid weather",
        "seal changed from batch 2027-01",
        "assign  owner li",
    ] {
        assert!(show.contains(want), "{want:?} in\n{show}");
    }
    let json = parse_json(&ok(
        &desk,
        DEC3,
        &["intel", "show", &id, "--format", "json"],
    ));
    assert_eq!(json["state"], "closed");
    assert_eq!(json["event"].as_array().unwrap().len(), 4);
    ok(&desk, DEC3, &["check"]);
}

#[test]
fn bad_input_is_refused_with_exit_2_and_writes_nothing() {
    let desk = TestDesk::new();
    let base = ["intel", "add", "--by", "wang", "-m", "x"];
    let with = |extra: &[&'static str]| {
        let mut v = base.to_vec();
        v.extend_from_slice(extra);
        v
    };
    // A competitor price needs its price and competitor.
    let err = fails(&desk, DEC2, 2, &with(&["--kind", "competitor-price"]));
    assert!(err.contains("--price"), "{err}");
    let err = fails(
        &desk,
        DEC2,
        2,
        &with(&["--kind", "competitor-price", "--price", "1250"]),
    );
    assert!(err.contains("--competitor"), "{err}");
    // Only a competitor price takes a price.
    let err = fails(
        &desk,
        DEC2,
        2,
        &with(&["--kind", "problem", "--price", "9"]),
    );
    assert!(err.contains("competitor-price"), "{err}");
    let err = fails(
        &desk,
        DEC2,
        2,
        &with(&["--kind", "problem", "--period", "2026-12-4"]),
    );
    assert!(err.contains("上旬"), "{err}");
    fails(&desk, DEC2, 2, &with(&["--kind", "rumour"]));
    fails(
        &desk,
        DEC2,
        2,
        &with(&[
            "--kind",
            "competitor-price",
            "--price",
            "12,5",
            "--competitor",
            "A",
        ]),
    );
    assert_eq!(intel_files(&desk.root), 0, "nothing written");

    // On a desk that lists staff, the sales person and the owner must be on it.
    desk.append_config(&roster(&[LI, WANG]));
    let err = fails(
        &desk,
        DEC2,
        1,
        &[
            "intel", "add", "--kind", "problem", "--by", "nobody", "-m", "x",
        ],
    );
    assert!(err.contains("nobody"), "{err}");
    let id = add(
        &desk,
        DEC2,
        &["--kind", "problem", "--by", "wang", "-m", "x"],
    );
    let err = fails(
        &desk,
        DEC2,
        1,
        &["intel", "assign", &id, "--owner", "nobody"],
    );
    assert!(err.contains("nobody"), "{err}");
    assert_eq!(intel_files(&desk.root), 1);
}

/// Five items over December's first two 旬, in three states:
/// 上旬: problem (closed), problem (open), competitor-price (assigned);
/// 中旬: suggestion (open), promotion (assigned).
fn december(desk: &TestDesk) -> [String; 5] {
    let p1 = add(
        desk,
        DEC2,
        &["--kind", "problem", "--by", "wang", "-m", "jams"],
    );
    let p2 = add(
        desk,
        DEC3,
        &["--kind", "problem", "--by", "li", "-m", "noisy"],
    );
    let cp = add(
        desk,
        DEC3,
        &[
            "--kind",
            "competitor-price",
            "--by",
            "wang",
            "--price",
            "1250.50",
            "--competitor",
            "Acme",
            "--product",
            "X200",
            "-m",
            "Acme X9 at 1250.50",
        ],
    );
    // Defaults to the 旬 of the day it is reported: 12 December is 中旬.
    let s = add(
        desk,
        DEC12,
        &[
            "--kind",
            "suggestion",
            "--by",
            "li",
            "-m",
            "3-year warranty",
        ],
    );
    let pr = add(
        desk,
        DEC12,
        &[
            "--kind",
            "promotion",
            "--by",
            "wang",
            "--period",
            "2026-12-中旬",
            "--competitor",
            "Acme",
            "-m",
            "free installation",
        ],
    );
    ok(desk, DEC12, &["intel", "assign", &p1, "--owner", "li"]);
    ok(desk, DEC12, &["intel", "close", &p1, "-m", "answered"]);
    ok(desk, DEC12, &["intel", "assign", &cp, "--owner", "li"]);
    ok(desk, DEC12, &["intel", "assign", &pr, "--owner", "wang"]);
    [p1, p2, cp, s, pr]
}

#[test]
fn list_filters_by_kind_period_state_and_owner() {
    let desk = TestDesk::new();
    let [p1, p2, cp, s, pr] = december(&desk);
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["intel", "list", "--format", "csv"];
        all.extend_from_slice(args);
        let (head, rows) = parse_csv(&ok(&desk, DEC12, &all));
        assert_eq!(head[0], "id");
        rows.into_iter().map(|r| r[0].clone()).collect()
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    // By 旬, then ID.
    assert_eq!(
        ids(&[]),
        [
            sorted(vec![p1.clone(), p2.clone(), cp.clone()]),
            sorted(vec![s.clone(), pr.clone()])
        ]
        .concat()
    );
    assert_eq!(
        sorted(ids(&["--kind", "problem"])),
        sorted(vec![p1.clone(), p2.clone()])
    );
    assert_eq!(
        ids(&["--period", "2026-12-2"]),
        sorted(vec![s.clone(), pr.clone()])
    );
    assert_eq!(
        ids(&["--period", "2026-12-中旬"]),
        ids(&["--period", "this"])
    );
    assert_eq!(
        ids(&["--state", "open"]),
        sorted(vec![p2.clone(), s.clone()])
    );
    assert_eq!(
        sorted(ids(&["--state", "assigned", "--owner", "li"])),
        vec![cp.clone()]
    );
    assert_eq!(ids(&["--owner", "wang"]), vec![pr.clone()]);

    let (head, rows) = parse_csv(&ok(
        &desk,
        DEC12,
        &[
            "intel",
            "list",
            "--kind",
            "competitor-price",
            "--format",
            "csv",
        ],
    ));
    let col = |k: &str| head.iter().position(|h| h == k).unwrap();
    assert_eq!(rows[0][col("price")], "1250.50");
    assert_eq!(rows[0][col("competitor")], "Acme");
    assert_eq!(rows[0][col("period")], "2026-12-上旬");

    let empty = run_at(&desk, DEC12, &["intel", "list", "--period", "2026-11-3"]);
    assert_eq!(stdout(&empty), "");
    assert!(stderr(&empty).contains("no intel items match"));
    fails(&desk, DEC12, 2, &["intel", "list", "--period", "December"]);
}

#[test]
fn stats_intel_counts_by_xun_kind_and_state_as_counted_by_hand() {
    let desk = TestDesk::new();
    december(&desk);
    let csv = ok(
        &desk,
        DEC12,
        &["stats", "--intel", "--month", "2026-12", "--format", "csv"],
    );
    let (head, rows) = parse_csv(&csv);
    assert_eq!(
        head,
        ["period", "kind", "open", "assigned", "closed", "total"]
    );
    assert_eq!(rows.len(), 12, "three 旬 by four kinds");
    let row = |xun: &str, kind: &str| -> Vec<String> {
        rows.iter()
            .find(|r| r[0] == xun && r[1] == kind)
            .unwrap_or_else(|| panic!("{xun} {kind} in {csv}"))[2..]
            .to_vec()
    };
    assert_eq!(row("2026-12-上旬", "problem"), ["1", "0", "1", "2"]);
    assert_eq!(
        row("2026-12-上旬", "competitor-price"),
        ["0", "1", "0", "1"]
    );
    assert_eq!(row("2026-12-上旬", "suggestion"), ["0", "0", "0", "0"]);
    assert_eq!(row("2026-12-中旬", "suggestion"), ["1", "0", "0", "1"]);
    assert_eq!(row("2026-12-中旬", "promotion"), ["0", "1", "0", "1"]);
    assert_eq!(row("2026-12-下旬", "problem"), ["0", "0", "0", "0"]);

    // One 旬, in JSON.
    let json = parse_json(&ok(
        &desk,
        DEC12,
        &[
            "stats",
            "--intel",
            "--period",
            "2026-12-1",
            "--format",
            "json",
        ],
    ));
    let items = json["intel"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    let total: u64 = items.iter().map(|r| r["total"].as_u64().unwrap()).sum();
    assert_eq!(total, 3);

    // Chinese: the form's caption and names.
    let zh = ok(&desk, DEC12, &["--lang", "zh", "stats", "--intel"]);
    assert!(zh.contains("旬報問題及建議信息跟蹤反饋記錄表"), "{zh}");
    assert!(zh.contains("竞品价格") && zh.contains("已反馈"), "{zh}");
    let zh_csv = ok(
        &desk,
        DEC12,
        &["--lang", "zh", "stats", "--intel", "--format", "csv"],
    );
    assert!(
        zh_csv.starts_with("旬,类型,待跟踪,跟踪中,已反馈,合计\n"),
        "{zh_csv}"
    );

    fails(&desk, DEC12, 2, &["stats", "--intel", "--top", "3"]);
    fails(&desk, DEC12, 2, &["stats", "--period", "2026-12-1"]);
}

#[test]
fn check_reports_a_hand_edited_item_and_an_unknown_sales_person() {
    let desk = TestDesk::new();
    let id = add(
        &desk,
        DEC2,
        &["--kind", "suggestion", "--by", "zhou", "-m", "x"],
    );
    ok(&desk, DEC2, &["check"]);
    // Fields that disagree with the history.
    let path = rel(&id);
    let text = desk.read(&path);
    desk.write(
        &path,
        text.replacen("state = \"open\"", "state = \"closed\"", 1),
    );
    let o = run_at(&desk, DEC2, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = format!("{}{}", stdout(&o), stderr(&o));
    assert!(out.contains(&id) && out.contains("state"), "{out}");
    desk.write(&path, &text);
    // A desk that starts listing staff: zhou is not on it.
    desk.append_config(&roster(&[LI, WANG]));
    let o = run_at(&desk, DEC2, &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = format!("{}{}", stdout(&o), stderr(&o));
    assert!(out.contains("sales = \"zhou\""), "{out}");
}

fn sd(dir: &Path, now: &str, args: &[&str]) -> Output {
    let mut c = crate::common::svcdesk();
    c.env("SVCDESK_NOW", now)
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .unwrap()
}

fn sd_ok(dir: &Path, now: &str, args: &[&str]) -> String {
    let o = sd(dir, now, args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    stdout(&o).trim_end().to_string()
}

#[test]
fn a_note_on_one_clone_and_a_close_on_the_other_merge_into_one_history() {
    let tmp = tempfile::tempdir().unwrap();
    let origin = tmp.path().join("origin");
    let o = origin.to_str().unwrap();
    sd_ok(
        tmp.path(),
        DEC2,
        &["init", o, "--timezone", "Asia/Shanghai"],
    );
    git_ok(tmp.path(), &["init", "-q", o]);
    sd_ok(&origin, DEC2, &["git", "setup"]);
    let id = sd_ok(
        &origin,
        DEC2,
        &[
            "intel", "add", "--kind", "problem", "--by", "wang", "-m", "jams",
        ],
    );
    sd_ok(&origin, DEC2, &["intel", "assign", &id, "--owner", "li"]);
    git_ok(&origin, &["add", "-A"]);
    git_ok(&origin, &["commit", "-q", "-m", "start"]);
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for c in [&a, &b] {
        git_ok(tmp.path(), &["clone", "-q", o, c.to_str().unwrap()]);
        sd_ok(c, DEC2, &["git", "setup"]);
    }
    sd_ok(
        &a,
        DEC3,
        &["intel", "note", &id, "-m", "called the customer"],
    );
    git_ok(&a, &["commit", "-q", "-am", "a notes"]);
    sd_ok(
        &b,
        "2026-12-03T11:00:00+08:00",
        &["intel", "close", &id, "-m", "answered"],
    );
    git_ok(&b, &["commit", "-q", "-am", "b closes"]);
    let pull = git(
        &a,
        &["pull", "--no-rebase", "-q", "--no-edit", "../b", "main"],
    );
    assert!(
        pull.status.success(),
        "{}{}\n{}",
        stdout(&pull),
        stderr(&pull),
        std::fs::read_to_string(a.join(rel(&id))).unwrap()
    );
    assert_eq!(git_ok(&a, &["status", "--porcelain"]), "");
    let text = std::fs::read_to_string(a.join(rel(&id))).unwrap();
    assert!(!text.contains("<<<<<<<"), "{text}");
    let t: toml::Table = text.parse().unwrap();
    let actions: Vec<&str> = t["event"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["add", "assign", "note", "close"], "{text}");
    assert_eq!(t["state"].as_str(), Some("closed"));
    let check = sd(&a, DEC3, &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
}

#[test]
fn a_customer_is_stored_by_its_full_id_and_an_unknown_one_is_refused() {
    let desk = TestDesk::new();
    let c = desk.add(&["--name", "华东机械"]);
    let id = add(
        &desk,
        DEC2,
        &[
            "--kind",
            "suggestion",
            "--by",
            "wang",
            "--customer",
            &c[10..],
            "-m",
            "x",
        ],
    );
    let t: toml::Table = desk.read(&rel(&id)).parse().unwrap();
    assert_eq!(t["customer"].as_str(), Some(c.as_str()));
    let o = run_at(
        &desk,
        DEC2,
        &[
            "intel",
            "add",
            "--kind",
            "problem",
            "--by",
            "wang",
            "--customer",
            "ZZZZZZ",
            "-m",
            "x",
        ],
    );
    assert_ne!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("ZZZZZZ"), "{}", stderr(&o));
    assert_eq!(intel_files(&desk.root), 1);
    ok(&desk, DEC2, &["check"]);
}

#[test]
fn the_list_reads_in_chinese_with_the_staff_names() {
    let desk = TestDesk::new();
    desk.append_config(&roster(&[LI, WANG]));
    let id = add(
        &desk,
        DEC2,
        &[
            "--kind",
            "competitor-price",
            "--by",
            "wang",
            "--price",
            "99",
            "--competitor",
            "Acme",
            "-m",
            "x",
        ],
    );
    ok(&desk, DEC2, &["intel", "assign", &id, "--owner", "li"]);
    let zh = ok(&desk, DEC2, &["--lang", "zh", "intel", "list"]);
    for want in ["竞品价格", "跟踪中", "王工", "李丽", "业务员", "跟踪人"] {
        assert!(zh.contains(want), "{want} in\n{zh}");
    }
    let en = ok(&desk, DEC2, &["intel", "list"]);
    assert!(
        en.contains("competitor-price") && en.contains("wang") && !en.contains("王工"),
        "{en}"
    );
}
