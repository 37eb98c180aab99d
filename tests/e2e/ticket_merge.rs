//! End-to-end: `ticket merge` and `ticket split` — the sources end `merged` and show on
//! the target, `check` stays clean, stats and ledgers count the case once, refusals
//! leave every file as it was, a note from a clone that had not seen the merge survives
//! the git merge and shows on the target, and a split opens a ticket linked both ways.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{
    NOW, TestDesk, USER, git, git_ok, ok_at, parse_csv, parse_json, run_at, stderr, stdout,
};

const AT_10: &str = "2026-11-24T10:00:00+08:00";
const AT_11: &str = "2026-11-24T11:00:00+08:00";
const AT_12: &str = "2026-11-24T12:00:00+08:00";
/// After November: every November event is in.
const DEC_15: &str = "2026-12-15T12:00:00+08:00";

fn open(d: &TestDesk, customer: &str, title: &str) -> String {
    d.ok(&[
        "ticket",
        "open",
        "--customer",
        customer,
        "--category",
        "consult",
        "--assignee",
        "wang",
        "--title",
        title,
        "-m",
        title,
    ])
    .trim_end()
    .to_string()
}

fn rel(id: &str) -> String {
    format!("tickets/2026/11/{id}.toml")
}

/// The value of `column` in each row of a CSV output.
fn column(text: &str, column: &str) -> Vec<String> {
    let (header, rows) = parse_csv(text);
    let i = header
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column} in {header:?}"));
    rows.into_iter().map(|r| r[i].clone()).collect()
}

fn fails_at(d: &TestDesk, now: &str, code: i32, args: &[&str]) -> String {
    let o = run_at(d, now, args);
    assert_eq!(
        o.status.code(),
        Some(code),
        "{args:?}\nstdout:\n{}\nstderr:\n{}",
        stdout(&o),
        stderr(&o)
    );
    stderr(&o)
}

#[test]
fn a_merge_ends_the_source_shows_it_on_the_target_and_counts_it_once() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械", "--phone", "13800001111"]);
    let dst = open(&d, &c, "泵异响");
    let src = open(&d, &c, "泵又响了");
    ok_at(&d, AT_10, &["ticket", "accept", &src]);
    ok_at(
        &d,
        AT_10,
        &["ticket", "respond", &src, "-m", "已安排工程师明早上门"],
    );
    ok_at(&d, AT_10, &["ticket", "note", &src, "-m", "客户第二次来电"]);

    let o = run_at(
        &d,
        AT_11,
        &["ticket", "merge", &src, "--into", &dst, "-m", "同一故障"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert!(
        stderr(&o).contains(&format!("{src}: merged into {dst} (now merged)")),
        "{}",
        stderr(&o)
    );

    // On disk: the source ends merged with a merged-into event, the target gains a
    // merged-from event; the source's events are not copied.
    let s = d.read(&rel(&src));
    assert!(s.contains("state = \"merged\""), "{s}");
    assert!(s.contains("action = \"merged-into\""), "{s}");
    assert!(s.contains(&format!("ticket = \"{dst}\"")), "{s}");
    let t = d.read(&rel(&dst));
    assert!(t.contains("action = \"merged-from\""), "{t}");
    assert!(t.contains(&format!("ticket = \"{src}\"")), "{t}");
    assert!(
        !t.contains("已安排工程师"),
        "read from the source, not copied:\n{t}"
    );
    d.ok(&["check"]);

    // The target lists the source and its customer-facing events, tagged with origin.
    let show = ok_at(&d, AT_12, &["ticket", "show", &dst]);
    assert!(show.contains(&format!("merged-from:{src}")), "{show}");
    assert!(
        show.contains(&format!("[{src} #4] 已安排工程师明早上门")),
        "{show}"
    );
    assert!(show.contains("客户第二次来电"), "{show}");
    let json = parse_json(&ok_at(
        &d,
        AT_12,
        &["ticket", "show", &dst, "--format", "json"],
    ));
    let merged = json["merged_events"].as_array().unwrap();
    assert!(merged.iter().all(|e| e["origin"] == src.as_str()), "{json}");
    assert!(
        merged
            .iter()
            .any(|e| e["action"] == "respond" && e["number"] == 4),
        "{json}"
    );
    let csv = ok_at(&d, AT_12, &["ticket", "show", &dst, "--format", "csv"]);
    assert!(csv.contains(&format!("merged.1.origin,{src}")), "{csv}");
    assert!(csv.contains("已安排工程师明早上门"), "{csv}");
    // The source says where it went; its running timers ended n/a.
    let show = ok_at(&d, AT_12, &["ticket", "show", &src]);
    assert!(show.contains(&format!("merged-into:{dst}")), "{show}");
    let json = parse_json(&ok_at(
        &d,
        AT_12,
        &["ticket", "show", &src, "--format", "json"],
    ));
    for run in json["sla"].as_array().unwrap() {
        assert!(
            ["met", "n/a"].contains(&run["outcome"].as_str().unwrap()),
            "{run}"
        );
    }

    // Gone from the open list, still in the full one as merged.
    let open_ids = column(
        &ok_at(&d, AT_12, &["ticket", "list", "--open", "--format", "csv"]),
        "id",
    );
    assert_eq!(open_ids, [dst.as_str()]);
    let all = ok_at(&d, AT_12, &["ticket", "list", "--format", "csv"]);
    assert_eq!(
        column(&all, "state")
            .iter()
            .filter(|s| *s == "merged")
            .count(),
        1
    );

    // The month counts the case once: one opened, one in the backlog, one register row.
    let stats = ok_at(
        &d,
        DEC_15,
        &["stats", "--month", "2026-11", "--format", "csv"],
    );
    assert_eq!(column(&stats, "opened"), ["1"], "{stats}");
    assert_eq!(column(&stats, "backlog"), ["1"], "{stats}");
    let ledger = ok_at(
        &d,
        DEC_15,
        &["ledger", "tickets", "--month", "2026-11", "--format", "csv"],
    );
    assert_eq!(column(&ledger, "id"), [dst.as_str()], "{ledger}");

    // A merged ticket is final: a note is still accepted (and shows on the target), a
    // step of work is refused, and nothing merges into it.
    ok_at(&d, AT_12, &["ticket", "note", &src, "-m", "客户又打来电话"]);
    assert!(ok_at(&d, AT_12, &["ticket", "show", &dst]).contains("客户又打来电话"));
    let err = fails_at(&d, AT_12, 1, &["ticket", "respond", &src, "-m", "x"]);
    assert!(err.contains("the ticket is merged"), "{err}");
    let other = open(&d, &c, "第三单");
    let err = fails_at(
        &d,
        AT_12,
        1,
        &["ticket", "merge", &other, "--into", &src, "-m", "x"],
    );
    assert!(err.contains(&format!("merged into {dst}")), "{err}");
    d.ok(&["check"]);
    // Merged on: the new target shows the events of both, the case counts once.
    let last = open(&d, &c, "总单");
    ok_at(
        &d,
        AT_12,
        &["ticket", "merge", &dst, "--into", &last, "-m", "并单"],
    );
    let show = ok_at(&d, AT_12, &["ticket", "show", &last]);
    assert!(show.contains(&format!("[{dst} #1] 泵异响")), "{show}");
    assert!(
        show.contains(&format!("[{src} #4] 已安排工程师明早上门")),
        "{show}"
    );
    let stats = ok_at(
        &d,
        DEC_15,
        &["stats", "--month", "2026-11", "--format", "csv"],
    );
    assert_eq!(column(&stats, "opened"), ["2"], "总单 and 第三单: {stats}");
    d.ok(&["check"]);
}

#[test]
fn merges_are_refused_with_pending_compensation_or_across_customers_without_force() {
    let d = TestDesk::new();
    let a = d.add(&["--name", "华东机械", "--phone", "13800001111"]);
    let b = d.add(&["--name", "南京精工", "--phone", "13800002222"]);
    let dst = open(&d, &a, "主单");
    let comp = open(&d, &a, "待补偿");
    d.ok(&["ticket", "accept", &comp]);
    d.ok(&[
        "comp", "request", &comp, "--amount", "500", "--kind", "refund",
    ]);
    let others = open(&d, &b, "别的客户");
    let before: Vec<String> = [&dst, &comp, &others].map(|id| d.read(&rel(id))).to_vec();

    let err = d.fails(1, &["ticket", "merge", &comp, "--into", &dst, "-m", "x"]);
    assert!(
        err.contains(&comp) && err.contains("compensation is requested"),
        "{err}"
    );
    let err = d.fails(1, &["ticket", "merge", &others, "--into", &dst, "-m", "x"]);
    assert!(err.contains("customer") && err.contains("--force"), "{err}");
    // All or nothing: with one bad source, nothing is written.
    let err = d.fails(
        1,
        &[
            "ticket", "merge", &others, &comp, "--into", &dst, "-m", "x", "--force",
        ],
    );
    assert!(err.contains("compensation"), "{err}");
    let after: Vec<String> = [&dst, &comp, &others].map(|id| d.read(&rel(id))).to_vec();
    assert_eq!(before, after, "a refused merge changes no byte");
    let err = d.fails(1, &["ticket", "merge", &dst, "--into", &dst, "-m", "x"]);
    assert!(err.contains("itself"), "{err}");

    d.ok(&[
        "ticket",
        "merge",
        &others,
        "--into",
        &dst,
        "-m",
        "dealer's report",
        "--force",
    ]);
    // Into a closed ticket: refused.
    let closed = d
        .ok(&[
            "ticket",
            "open",
            "--customer",
            &a,
            "--category",
            "consult",
            "--resolved-on-call",
            "explained",
            "-m",
            "done",
        ])
        .trim_end()
        .to_string();
    let err = d.fails(1, &["ticket", "merge", &dst, "--into", &closed, "-m", "x"]);
    assert!(err.contains("cannot merge into a closed ticket"), "{err}");
    d.ok(&["check"]);
}

#[test]
fn split_opens_a_ticket_with_the_chosen_texts_linked_both_ways() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械", "--phone", "13800001111"]);
    let t = open(&d, &c, "两台机器都有问题");
    ok_at(&d, AT_10, &["ticket", "note", &t, "-m", "一号机：泵异响"]);
    ok_at(&d, AT_10, &["ticket", "note", &t, "-m", "二号机：屏幕不亮"]);
    // Events: 1 open, 2 assign, 3 note, 4 note.
    let err = fails_at(
        &d,
        AT_11,
        1,
        &["ticket", "split", &t, "--events", "9", "-m", "x"],
    );
    assert!(err.contains("no event 9"), "{err}");
    let err = fails_at(
        &d,
        AT_11,
        1,
        &["ticket", "split", &t, "--events", "2", "-m", "x"],
    );
    assert!(err.contains("no text"), "{err}");
    let new = ok_at(
        &d,
        AT_11,
        &[
            "ticket",
            "split",
            &t,
            "--events",
            "4",
            "-m",
            "二号机是另一个故障",
        ],
    )
    .trim_end()
    .to_string();
    assert_ne!(new, t);
    let show = ok_at(&d, AT_12, &["ticket", "show", &new]);
    assert!(
        show.contains(&format!("split from {t}: 两台机器都有问题")),
        "{show}"
    );
    assert!(show.contains("二号机：屏幕不亮"), "{show}");
    assert!(!show.contains("一号机"), "{show}");
    assert!(show.contains(&format!("split-from:{t}")), "{show}");
    assert!(show.contains(&c), "same customer: {show}");
    let old = ok_at(&d, AT_12, &["ticket", "show", &t]);
    assert!(old.contains(&format!("split-into:{new}")), "{old}");
    assert!(old.contains("二号机是另一个故障"), "{old}");
    d.ok(&["check"]);
}

// ---------------------------------------------------------------- two clones

fn sd(dir: &Path, now: &str, args: &[&str]) -> Output {
    let mut c = assert_cmd::Command::cargo_bin("svcdesk").unwrap();
    c.env("SVCDESK_NOW", now)
        .env("SVCDESK_USER", USER)
        .env("COLUMNS", "200")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("SVCDESK_DIR")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .unwrap()
}

fn sd_ok(dir: &Path, now: &str, args: &[&str]) -> String {
    let o = sd(dir, now, args);
    assert!(
        o.status.success(),
        "svcdesk {args:?} failed\nstdout:\n{}\nstderr:\n{}",
        stdout(&o),
        stderr(&o)
    );
    stdout(&o).trim_end().to_string()
}

fn commit(dir: &Path, message: &str) {
    git_ok(dir, &["add", "-A"]);
    git_ok(dir, &["commit", "-q", "-m", message]);
}

#[test]
fn a_note_from_a_clone_that_missed_the_merge_survives_git_and_shows_on_the_target() {
    let tmp = tempfile::tempdir().unwrap();
    let origin = tmp.path().join("origin");
    let o = origin.to_str().unwrap();
    sd_ok(tmp.path(), NOW, &["init", o, "--timezone", "Asia/Shanghai"]);
    git_ok(tmp.path(), &["init", "-q", o]);
    sd_ok(&origin, NOW, &["git", "setup"]);
    let c = sd_ok(
        &origin,
        NOW,
        &[
            "customer",
            "add",
            "--name",
            "华东机械",
            "--phone",
            "13800001111",
        ],
    );
    let open = |title: &str| {
        sd_ok(
            &origin,
            NOW,
            &[
                "ticket",
                "open",
                "--customer",
                &c,
                "--category",
                "consult",
                "-m",
                title,
            ],
        )
    };
    let dst = open("泵异响");
    let src = open("泵又响了");
    commit(&origin, "start");
    let clones: Vec<PathBuf> = ["a", "b"].map(|n| tmp.path().join(n)).to_vec();
    for cl in &clones {
        git_ok(tmp.path(), &["clone", "-q", o, cl.to_str().unwrap()]);
        sd_ok(cl, NOW, &["git", "setup"]);
    }
    let (a, b) = (&clones[0], &clones[1]);
    sd_ok(
        a,
        AT_10,
        &["ticket", "merge", &src, "--into", &dst, "-m", "同一故障"],
    );
    commit(a, "merge");
    // B has not seen the merge: it notes the source, later.
    sd_ok(
        b,
        AT_11,
        &["ticket", "note", &src, "-m", "客户补充：夜间更响"],
    );
    commit(b, "note");

    for (me, other) in [(a, b), (b, a)] {
        let o = git(
            me,
            &[
                "pull",
                "--no-rebase",
                "-q",
                "--no-edit",
                other.to_str().unwrap(),
                "HEAD",
            ],
        );
        assert!(o.status.success(), "pull:\n{}{}", stdout(&o), stderr(&o));
        assert_eq!(git_ok(me, &["status", "--porcelain"]), "");
        let check = sd(me, AT_12, &["check"]);
        assert_eq!(
            check.status.code(),
            Some(0),
            "{}{}",
            stdout(&check),
            stderr(&check)
        );
        let s = fs::read_to_string(me.join(rel(&src))).unwrap();
        assert!(s.contains("state = \"merged\""), "{s}");
        assert!(s.contains("夜间更响"), "{s}");
        let show = sd_ok(me, AT_12, &["ticket", "show", &dst]);
        assert!(show.contains(&format!("[{src} #")), "{show}");
        assert!(show.contains("客户补充：夜间更响"), "{show}");
    }
}

#[test]
fn an_export_of_merged_tickets_imports_back_merged() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械", "--phone", "13800001111"]);
    let dst = open(&d, &c, "泵异响");
    let src = open(&d, &c, "泵又响了");
    ok_at(&d, AT_10, &["ticket", "accept", &src]);
    ok_at(
        &d,
        AT_11,
        &["ticket", "merge", &src, "--into", &dst, "-m", "同一故障"],
    );
    let customers = d.tmp.path().join("customers.csv");
    let tickets = d.tmp.path().join("tickets.csv");
    d.ok(&["export", "customers", "-o", customers.to_str().unwrap()]);
    d.ok(&["export", "tickets", "-o", tickets.to_str().unwrap()]);

    let e = TestDesk::new();
    e.ok(&["import", "customers", customers.to_str().unwrap()]);
    e.ok(&["import", "tickets", tickets.to_str().unwrap()]);
    e.ok(&["check"]);
    let s = e.read(&rel(&src));
    assert!(s.contains("state = \"merged\""), "{s}");
    assert!(s.contains("action = \"merged-into\""), "{s}");
    let t = e.read(&rel(&dst));
    assert!(t.contains("action = \"merged-from\""), "{t}");
    let again = e.tmp.path().join("again.csv");
    e.ok(&["export", "tickets", "-o", again.to_str().unwrap()]);
    assert_eq!(
        fs::read_to_string(&tickets).unwrap(),
        fs::read_to_string(&again).unwrap()
    );
}

#[test]
fn a_merge_interrupted_between_its_writes_is_reported_and_finished_by_running_it_again() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械", "--phone", "13800001111"]);
    let dst = open(&d, &c, "泵异响");
    let src = open(&d, &c, "泵又响了");
    let before = d.read(&rel(&src));
    let merge = ["ticket", "merge", &src, "--into", &dst, "-m", "同一故障"];
    ok_at(&d, AT_10, &merge);
    // As if killed after writing the target, before the source.
    d.write(&rel(&src), &before);
    let o = d.run(&["check"]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let said = format!("{}{}", stdout(&o), stderr(&o));
    assert!(said.contains("interrupted merge"), "{said}");
    assert!(
        said.contains(&format!("svcdesk ticket merge {src} --into {dst}")),
        "{said}"
    );
    ok_at(&d, AT_11, &merge);
    d.ok(&["check"]);
    let show = ok_at(&d, AT_12, &["ticket", "show", &dst]);
    assert_eq!(show.matches(&format!("[{src} #1]")).count(), 1, "{show}");
}
