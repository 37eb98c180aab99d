//! End-to-end with real git: `svcdesk git setup`, and concurrent work on two clones merged
//! by svcdesk's merge driver — events unioned once each, customer fields merged three
//! ways, and a true conflict left as a marked conflict that `svcdesk check` reports.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{NOW, USER, git, git_ok, stderr, stdout};
use tempfile::TempDir;

/// svcdesk on the desk `dir`, at `now`.
fn sd(dir: &Path, now: &str, args: &[&str]) -> Output {
    let mut c = assert_cmd::Command::cargo_bin("svcdesk").unwrap();
    c.env("SVCDESK_NOW", now)
        .env("SVCDESK_USER", USER)
        .env("COLUMNS", "200")
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
        "svcdesk {args:?} failed with {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        stdout(&o),
        stderr(&o)
    );
    stdout(&o).trim_end().to_string()
}

fn at(min: u32) -> String {
    format!("2026-11-24T10:{min:02}:00+08:00")
}

/// An origin desk with a customer and a ticket, set up for git and committed, and two
/// clones of it (each with `git setup` run, as a clone does not copy .git/config).
struct Clones {
    _tmp: TempDir,
    a: PathBuf,
    b: PathBuf,
    customer: String,
    /// Accepted in the origin: clones can note, respond and diagnose it.
    ticket: String,
    /// Only assigned in the origin.
    fresh: String,
}

fn clones() -> Clones {
    let tmp = tempfile::tempdir().unwrap();
    let origin = tmp.path().join("origin");
    sd_ok(
        tmp.path(),
        NOW,
        &[
            "init",
            origin.to_str().unwrap(),
            "--timezone",
            "Asia/Shanghai",
        ],
    );
    assert!(origin.join("svcdesk.toml").is_file());
    git_ok(tmp.path(), &["init", "-q", origin.to_str().unwrap()]);
    sd_ok(&origin, NOW, &["git", "setup"]);
    let customer = sd_ok(
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
    let ticket = sd_ok(
        &origin,
        NOW,
        &[
            "ticket",
            "open",
            "--customer",
            &customer,
            "--category",
            "consult",
            "--title",
            "机器异响",
            "-m",
            "异响",
        ],
    );
    sd_ok(&origin, NOW, &["ticket", "accept", &ticket]);
    let fresh = sd_ok(
        &origin,
        NOW,
        &[
            "ticket",
            "open",
            "--customer",
            &customer,
            "--category",
            "consult",
            "--title",
            "未受理",
            "-m",
            "x",
        ],
    );
    git_ok(&origin, &["add", "-A"]);
    git_ok(&origin, &["commit", "-q", "-m", "start"]);
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    for c in [&a, &b] {
        git_ok(
            tmp.path(),
            &["clone", "-q", origin.to_str().unwrap(), c.to_str().unwrap()],
        );
        sd_ok(c, NOW, &["git", "setup"]);
    }
    Clones {
        _tmp: tmp,
        a,
        b,
        customer,
        ticket,
        fresh,
    }
}

fn ticket_path(dir: &Path, id: &str) -> PathBuf {
    dir.join("tickets/2026/11").join(format!("{id}.toml"))
}

fn check_clean(dir: &Path) {
    let o = sd(dir, NOW, &["check"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "check:\n{}{}",
        stdout(&o),
        stderr(&o)
    );
}

#[test]
fn init_with_git_and_setup_twice_is_idempotent() {
    let tmp = tempfile::tempdir().unwrap();
    let desk = tmp.path().join("desk");
    let out = sd_ok(
        tmp.path(),
        NOW,
        &[
            "init",
            desk.to_str().unwrap(),
            "--timezone",
            "Asia/Shanghai",
            "--git",
        ],
    );
    assert!(out.contains("git init"), "{out}");
    assert!(desk.join(".git").is_dir());
    let attrs = std::fs::read_to_string(desk.join(".gitattributes")).unwrap();
    assert!(
        attrs.contains("*.toml text eol=lf"),
        "existing lines kept:\n{attrs}"
    );
    for l in [
        "customers/*.toml merge=svcdesk",
        "tickets/**/*.toml merge=svcdesk",
        "reports/**/*.toml merge=svcdesk",
        "measures/**/*.toml merge=svcdesk",
    ] {
        assert_eq!(attrs.lines().filter(|x| *x == l).count(), 1, "{attrs}");
    }
    let driver = git_ok(&desk, &["config", "--get", "merge.svcdesk.driver"]);
    let exe = assert_cmd::cargo::cargo_bin("svcdesk");
    let exe = std::fs::canonicalize(exe).unwrap();
    assert!(
        driver.starts_with(&*exe.to_string_lossy()) || driver.contains(&*exe.to_string_lossy()),
        "{driver}"
    );
    assert!(driver.contains(" merge-driver %O %A %B %P || "), "{driver}");
    let config = std::fs::read_to_string(desk.join(".git/config")).unwrap();

    let again = sd_ok(&desk, NOW, &["git", "setup"]);
    assert!(again.contains("already"), "{again}");
    assert_eq!(
        std::fs::read_to_string(desk.join(".gitattributes")).unwrap(),
        attrs
    );
    assert_eq!(
        std::fs::read_to_string(desk.join(".git/config")).unwrap(),
        config
    );

    // The hook: installed once, recognized after, and a stranger's hook left alone.
    sd_ok(&desk, NOW, &["git", "setup", "--hook"]);
    let hook = desk.join(".git/hooks/pre-commit");
    let text = std::fs::read_to_string(&hook).unwrap();
    assert!(text.contains("check"), "{text}");
    assert!(sd_ok(&desk, NOW, &["git", "setup", "--hook"]).contains("already installed"));
    std::fs::write(&hook, "#!/bin/sh\necho mine\n").unwrap();
    let o = sd(&desk, NOW, &["git", "setup", "--hook"]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("left unchanged"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
}

#[test]
fn concurrent_clones_merge_without_conflict_or_lost_events() {
    let c = clones();
    let (a, b) = (&c.a, &c.b);
    let t = &c.ticket;

    // Clone A: the hotline. A new ticket, a note and a response on the shared one, the
    // customer's phone changed.
    let a_new = sd_ok(
        a,
        &at(1),
        &[
            "ticket",
            "open",
            "--customer",
            &c.customer,
            "--category",
            "consult",
            "--title",
            "A 新单",
            "-m",
            "a",
        ],
    );
    sd_ok(
        a,
        &at(2),
        &["ticket", "note", t, "-m", "hotline called back"],
    );
    sd_ok(
        a,
        &at(5),
        &["ticket", "respond", t, "-m", "told the customer"],
    );
    sd_ok(
        a,
        &at(6),
        &["customer", "edit", &c.customer, "--phone", "13900002222"],
    );
    git_ok(a, &["add", "-A"]);
    git_ok(a, &["commit", "-q", "-m", "hotline"]);

    // Clone B: the engineer on site. Another ticket, a note and a diagnosis on the shared
    // one, the customer's address.
    let b_new = sd_ok(
        b,
        &at(1),
        &[
            "ticket",
            "open",
            "--customer",
            &c.customer,
            "--category",
            "consult",
            "--title",
            "B 新单",
            "-m",
            "b",
        ],
    );
    sd_ok(b, &at(3), &["ticket", "note", t, "-m", "engineer on site"]);
    sd_ok(
        b,
        &at(4),
        &[
            "ticket",
            "diagnose",
            t,
            "--cause",
            "bearing worn",
            "--responsibility",
            "wear",
        ],
    );
    sd_ok(
        b,
        &at(7),
        &[
            "customer",
            "edit",
            &c.customer,
            "--address",
            "上海市浦东新区",
        ],
    );
    git_ok(b, &["add", "-A"]);
    git_ok(b, &["commit", "-q", "-m", "engineer"]);

    // A pulls B's work: a real merge of both changed files through the driver.
    let pull = git(
        a,
        &["pull", "--no-rebase", "-q", "--no-edit", "../b", "main"],
    );
    assert!(
        pull.status.success(),
        "pull:\n{}{}",
        stdout(&pull),
        stderr(&pull)
    );
    let status = git_ok(a, &["status", "--porcelain"]);
    assert_eq!(status, "", "clean work tree after the merge");
    if std::env::var_os("SHOW_MERGED").is_some() {
        eprintln!("{}", std::fs::read_to_string(ticket_path(a, t)).unwrap());
    }
    check_clean(a);

    // Every event from both sides, exactly once, in time order.
    let text = std::fs::read_to_string(ticket_path(a, t)).unwrap();
    assert!(!text.contains("<<<<<<<"), "{text}");
    // (the diagnosis shows twice: in its event and in the current `cause` field)
    assert_eq!(text.matches("bearing worn").count(), 2, "{text}");
    for needle in [
        "hotline called back",
        "told the customer",
        "engineer on site",
    ] {
        assert_eq!(text.matches(needle).count(), 1, "{needle}:\n{text}");
    }
    assert_eq!(text.matches("action = \"open\"").count(), 1, "{text}");
    assert_eq!(text.matches("action = \"assign\"").count(), 1, "{text}");
    let json = sd_ok(a, NOW, &["ticket", "show", t, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let events = v["event"]
        .as_array()
        .or_else(|| v["events"].as_array())
        .expect("events in JSON");
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "open", "assign", "accept", "note", "note", "diagnose", "respond"
        ],
        "{json}"
    );
    // State re-derived from the merged history.
    assert!(text.contains("cause = \"bearing worn\""), "{text}");
    assert!(
        text.contains("responded = 2026-11-24T10:05:00+08:00"),
        "{text}"
    );

    // Both new tickets, and both customer fields.
    assert!(ticket_path(a, &a_new).is_file() && ticket_path(a, &b_new).is_file());
    let cust = std::fs::read_to_string(a.join(format!("customers/{}.toml", c.customer))).unwrap();
    assert!(cust.contains("phone = \"13900002222\""), "{cust}");
    assert!(cust.contains("address = \"上海市浦东新区\""), "{cust}");

    // And back the other way: B pulls the merge and agrees byte for byte.
    git_ok(
        b,
        &["pull", "--no-rebase", "-q", "--no-edit", "../a", "main"],
    );
    assert_eq!(std::fs::read_to_string(ticket_path(b, t)).unwrap(), text);
    check_clean(b);
}

#[test]
fn same_customer_field_changed_differently_is_a_marked_conflict_check_reports() {
    let c = clones();
    let (a, b) = (&c.a, &c.b);
    sd_ok(
        a,
        &at(1),
        &["customer", "edit", &c.customer, "--phone", "13900002222"],
    );
    git_ok(a, &["commit", "-q", "-am", "a phone"]);
    sd_ok(
        b,
        &at(2),
        &["customer", "edit", &c.customer, "--phone", "13700003333"],
    );
    git_ok(b, &["commit", "-q", "-am", "b phone"]);

    let pull = git(
        a,
        &["pull", "--no-rebase", "-q", "--no-edit", "../b", "main"],
    );
    assert!(!pull.status.success(), "a true conflict is reported by git");
    let rel = format!("customers/{}.toml", c.customer);
    let text = std::fs::read_to_string(a.join(&rel)).unwrap();
    assert!(
        text.contains("<<<<<<< ours (svcdesk: both sides changed `phone` differently; keep one value, delete the marker lines, run `svcdesk check`)\nphone = \"13900002222\"\n=======\nphone = \"13700003333\"\n>>>>>>> theirs\n"),
        "{text}"
    );
    // Only the phone is in conflict; the rest of the file stays outside the markers.
    assert!(text.starts_with("schema = 1\n"), "{text}");
    let status = git_ok(a, &["status", "--porcelain"]);
    assert!(status.contains(&format!("UU {rel}")), "{status}");

    let o = sd(a, NOW, &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let report = format!("{}{}", stdout(&o), stderr(&o));
    // Which line, what conflicts, what to do.
    let line = text.lines().position(|l| l.starts_with("<<<<<<<")).unwrap() + 1;
    assert!(
        report.contains(&format!("{rel}:{line}:1: unresolved merge conflict: both sides changed `phone` differently; keep one value")),
        "{report}"
    );
}

#[test]
fn both_accepting_one_ticket_is_a_conflict_not_a_lost_event() {
    let c = clones();
    let (a, b) = (&c.a, &c.b);
    let t = &c.fresh;
    sd_ok(a, &at(1), &["ticket", "accept", t]);
    git_ok(a, &["commit", "-q", "-am", "a accepts"]);
    sd_ok(b, &at(2), &["ticket", "accept", t]);
    git_ok(b, &["commit", "-q", "-am", "b accepts"]);

    let pull = git(
        a,
        &["pull", "--no-rebase", "-q", "--no-edit", "../b", "main"],
    );
    assert!(!pull.status.success());
    assert!(
        stderr(&pull).contains("does not replay"),
        "{}",
        stderr(&pull)
    );
    let text = std::fs::read_to_string(ticket_path(a, t)).unwrap();
    assert!(
        text.contains("10:01:00") && text.contains("10:02:00"),
        "both accepts kept:\n{text}"
    );
    // Only B's accept, the one that does not apply after A's, is between markers; A's
    // and everything before it reads as a normal history.
    assert_eq!(text.matches("<<<<<<< ours").count(), 1, "{text}");
    let (before, marked) = text.split_once("<<<<<<< ours").unwrap();
    assert!(
        before.contains("at = 2026-11-24T10:01:00+08:00\nby = \"wang\"\naction = \"accept\""),
        "{text}"
    );
    assert!(
        marked.contains("\n=======\n\n[[event]]\nat = 2026-11-24T10:02:00+08:00\nby = \"wang\"\naction = \"accept\"\n>>>>>>> theirs\n"),
        "{text}"
    );
    let o = sd(a, NOW, &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let report = format!("{}{}", stdout(&o), stderr(&o));
    let line = text.lines().position(|l| l.starts_with("<<<<<<<")).unwrap() + 1;
    assert!(
        report.contains(&format!(":{line}:1: unresolved merge conflict: theirs: accept by wang at 2026-11-24T10:02:00+08:00 does not apply: cannot accept: the ticket is accepted")),
        "{report}"
    );
    assert!(report.contains("keep the side that is right"), "{report}");

    // Resolving it as the note says — keep ours, drop the markers, `git add` — gives a
    // clean desk (until the add, git still holds the file unmerged and check says so).
    let resolved: String = {
        let (head, rest) = text.split_once("<<<<<<< ours").unwrap();
        let (_, tail) = rest.split_once(">>>>>>> theirs\n").unwrap();
        format!("{}{tail}", head.trim_end_matches('\n').to_string() + "\n")
    };
    std::fs::write(ticket_path(a, t), resolved).unwrap();
    git_ok(a, &["add", "-A"]);
    check_clean(a);
}

#[test]
fn duplicate_ids_and_out_of_order_history_from_a_merge_are_reported() {
    let c = clones();
    let (a, b) = (&c.a, &c.b);
    // A: a customer file copied by hand under another name (the same ID in two files).
    let src = a.join(format!("customers/{}.toml", c.customer));
    std::fs::copy(&src, a.join("customers/C20261124-AAAAAA.toml")).unwrap();
    git_ok(a, &["add", "-A"]);
    git_ok(a, &["commit", "-q", "-m", "copy"]);
    // B: an event earlier than the last one, written by hand.
    let tp = ticket_path(b, &c.ticket);
    let mut text = std::fs::read_to_string(&tp).unwrap();
    text.push_str("\n[[event]]\nat = 2026-11-24T09:00:00+08:00\nby = \"wang\"\naction = \"note\"\ntext = \"too early\"\nvisibility = \"internal\"\n");
    std::fs::write(&tp, text).unwrap();
    git_ok(b, &["commit", "-q", "-am", "early"]);
    git_ok(
        a,
        &["pull", "--no-rebase", "-q", "--no-edit", "../b", "main"],
    );
    let o = sd(a, NOW, &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let report = format!("{}{}", stdout(&o), stderr(&o));
    assert!(report.contains("out of order"), "{report}");
    assert!(
        report.contains(&format!("duplicate ID {}", c.customer)),
        "{report}"
    );
}

/// svcdesk with a git identity, for commands that commit.
fn sd_committing(dir: &Path, now: &str, args: &[&str]) -> Output {
    let mut c = assert_cmd::Command::cargo_bin("svcdesk").unwrap();
    c.env("SVCDESK_NOW", now)
        .env("SVCDESK_USER", USER)
        .env_remove("SVCDESK_DIR")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn commit_flag_and_config_commit_each_change_with_a_telling_message() {
    let tmp = tempfile::tempdir().unwrap();
    let desk = tmp.path().join("desk");
    let o = sd_committing(
        tmp.path(),
        &at(0),
        &[
            "init",
            desk.to_str().unwrap(),
            "--timezone",
            "Asia/Shanghai",
            "--git",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    git_ok(&desk, &["add", "-A"]);
    git_ok(&desk, &["commit", "-q", "-m", "desk"]);
    let run = |now: &str, args: &[&str]| {
        let o = sd_committing(&desk, now, args);
        assert!(o.status.success(), "svcdesk {args:?}: {}", stderr(&o));
        stdout(&o).trim().to_string()
    };
    let c = run(
        &at(1),
        &[
            "--commit",
            "customer",
            "add",
            "--name",
            "华东机械",
            "--phone",
            "021-5555-0101",
        ],
    );
    let t = run(
        &at(2),
        &[
            "--commit",
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "complaint",
            "-m",
            "x",
        ],
    );
    run(&at(3), &["--commit", "ticket", "grade", &t, "II"]);
    // An unrelated change in the work tree is left alone.
    fs::write(desk.join("notes.txt"), "mine").unwrap();
    // Without --commit and with the config switch off: written, not committed.
    run(&at(4), &["ticket", "note", &t, "-m", "called back"]);
    let log = git_ok(&desk, &["log", "--format=%s"]);
    let subjects: Vec<&str> = log.lines().collect();
    assert_eq!(
        subjects[0],
        format!("ticket {t}: grade II (by {USER})"),
        "{log}"
    );
    assert_eq!(
        subjects[1],
        format!("ticket {t}: open, complaint (by {USER})"),
        "{log}"
    );
    assert_eq!(
        subjects[2],
        format!("customer {c}: add (by {USER})"),
        "{log}"
    );
    let status = git_ok(&desk, &["status", "--porcelain"]);
    assert!(
        status.contains("notes.txt") && status.contains(&format!("{t}.toml")),
        "{status}"
    );
    // The config switch commits every change.
    let cfg = desk.join("svcdesk.toml");
    let text = fs::read_to_string(&cfg)
        .unwrap()
        .replace("[git]\ncommit = false", "[git]\ncommit = true");
    fs::write(&cfg, text).unwrap();
    git_ok(&desk, &["commit", "-q", "-am", "switch on"]);
    run(&at(5), &["ticket", "accept", &t]);
    let log = git_ok(&desk, &["log", "-1", "--format=%s"]);
    assert_eq!(log.trim(), format!("ticket {t}: accept (by {USER})"));
    // Outside a repository: written, and the error says so.
    let plain = tmp.path().join("plain");
    assert!(
        sd_committing(
            tmp.path(),
            &at(6),
            &[
                "init",
                plain.to_str().unwrap(),
                "--timezone",
                "Asia/Shanghai"
            ]
        )
        .status
        .success()
    );
    let o = sd_committing(
        &plain,
        &at(7),
        &["--commit", "customer", "add", "--name", "x"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("written but not committed") && stderr(&o).contains("git setup"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs::read_dir(plain.join("customers"))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name() != ".gitkeep")
            .count(),
        1
    );
}

#[test]
fn a_measure_noted_on_one_clone_and_done_on_the_other_merges_cleanly() {
    let c = clones();
    let (a, b) = (&c.a, &c.b);
    let m = sd_ok(
        a,
        &at(1),
        &[
            "measure",
            "add",
            "--ticket",
            &c.ticket,
            "--problem",
            "异响 reported twice",
            "--measure",
            "check the fan mount at delivery",
            "--kind",
            "process",
            "--owner",
            "li",
            "--due",
            "2026-12-15",
        ],
    );
    git_ok(a, &["add", "-A"]);
    git_ok(a, &["commit", "-q", "-m", "a adds a measure"]);
    git_ok(
        b,
        &["pull", "--no-rebase", "-q", "--no-edit", "../a", "main"],
    );
    sd_ok(
        a,
        &at(2),
        &["measure", "note", &m, "-m", "checklist drafted"],
    );
    git_ok(a, &["commit", "-q", "-am", "a notes"]);
    sd_ok(
        b,
        &at(3),
        &["measure", "done", &m, "--result", "checklist in use"],
    );
    git_ok(b, &["commit", "-q", "-am", "b done"]);

    let pull = git(
        a,
        &["pull", "--no-rebase", "-q", "--no-edit", "../b", "main"],
    );
    assert!(pull.status.success(), "{}", stderr(&pull));
    let path = a.join("measures/2026/11").join(format!("{m}.toml"));
    let text = std::fs::read_to_string(path).unwrap();
    assert!(
        text.contains("checklist drafted") && text.contains("checklist in use"),
        "both events kept:\n{text}"
    );
    assert!(text.contains("state = \"done\""), "{text}");
    check_clean(a);
}

/// Makes a branch `pre` of `dir`'s work before it merges, so the other clone can merge
/// the very same commit the other way round.
fn mark_pre(dir: &Path) {
    git_ok(dir, &["branch", "-f", "pre"]);
}

fn pull(dir: &Path, from: &str, branch: &str) -> Output {
    git(
        dir,
        &["pull", "--no-rebase", "-q", "--no-edit", from, branch],
    )
}

fn pull_ok(dir: &Path, from: &str, branch: &str) {
    let o = pull(dir, from, branch);
    assert!(o.status.success(), "pull:\n{}{}", stdout(&o), stderr(&o));
    assert_eq!(
        git_ok(dir, &["status", "--porcelain"]),
        "",
        "clean after the merge"
    );
}

fn read(dir: &Path, rel: &str) -> String {
    fs::read_to_string(dir.join(rel)).unwrap()
}

fn events_in(dir: &Path, id: &str) -> usize {
    fs::read_to_string(ticket_path(dir, id))
        .unwrap()
        .matches("[[event]]")
        .count()
}

/// Puts a comment line above the first line of `path` that starts with `before`.
fn comment_above(path: &Path, before: &str, comment: &str) {
    let text = fs::read_to_string(path).unwrap();
    let i = text
        .find(&format!("\n{before}"))
        .unwrap_or_else(|| panic!("{before:?} in {text}"));
    let out = format!("{}\n{comment}{}", &text[..i], &text[i..]);
    fs::write(path, out).unwrap();
}

#[test]
fn merges_are_byte_identical_whichever_clone_merges() {
    let c = clones();
    let (a, b) = (&c.a, &c.b);
    let t = &c.ticket;
    let tp = |d: &Path| ticket_path(d, t);
    let cust = format!("customers/{}.toml", c.customer);
    // The same minute on both clones: notes, a response, log entries; and comments
    // written by hand into both files on both sides.
    sd_ok(a, &at(5), &["ticket", "note", t, "-m", "A: called back"]);
    sd_ok(
        a,
        &at(5),
        &["ticket", "respond", t, "-m", "A: told the customer"],
    );
    sd_ok(
        a,
        &at(5),
        &[
            "customer",
            "note",
            &c.customer,
            "-m",
            "A: asked for a quote",
        ],
    );
    comment_above(&tp(a), "[[event]]", "# A: the customer prefers WeChat");
    comment_above(&a.join(&cust), "phone", "# A: the landline, not a mobile");
    git_ok(a, &["commit", "-q", "-am", "a"]);
    sd_ok(
        b,
        &at(5),
        &["ticket", "note", t, "-m", "B: engineer on site"],
    );
    sd_ok(b, &at(5), &["ticket", "note", t, "-m", "B: part ordered"]);
    sd_ok(
        b,
        &at(5),
        &["customer", "note", &c.customer, "-m", "B: visited"],
    );
    comment_above(&tp(b), "reopened", "# B: second complaint this year");
    comment_above(&b.join(&cust), "created", "# B: met at the 2026 fair");
    git_ok(b, &["commit", "-q", "-am", "b"]);
    mark_pre(a);
    mark_pre(b);

    pull_ok(a, "../b", "pre");
    pull_ok(b, "../a", "pre");
    for rel in [
        tp(a).strip_prefix(a).unwrap().to_str().unwrap().to_string(),
        cust.clone(),
    ] {
        let (x, y) = (read(a, &rel), read(b, &rel));
        assert_eq!(x, y, "{rel} depends on who merged");
        assert!(!x.contains("<<<<<<<"), "{x}");
        for c in [
            "# A: the customer prefers WeChat",
            "# A: the landline, not a mobile",
            "# B: second complaint this year",
            "# B: met at the 2026 fair",
        ] {
            let want = usize::from((rel == cust) == (c.contains("landline") || c.contains("fair")));
            assert_eq!(x.matches(c).count(), want, "{c} in {rel}:\n{x}");
        }
    }
    let text = fs::read_to_string(tp(a)).unwrap();
    for n in [
        "A: called back",
        "A: told the customer",
        "B: engineer on site",
        "B: part ordered",
    ] {
        assert_eq!(text.matches(n).count(), 1, "{n}:\n{text}");
    }
    assert!(
        text.contains("responded = 2026-11-24T10:05:00+08:00"),
        "{text}"
    );
    let cust_text = read(a, &cust);
    assert!(cust_text.contains("A: asked for a quote") && cust_text.contains("B: visited"));
    check_clean(a);
    check_clean(b);
}

#[test]
fn a_reverted_note_stays_removed_after_the_merge() {
    let c = clones();
    let (a, b) = (&c.a, &c.b);
    let t = &c.ticket;
    let cust = format!("customers/{}.toml", c.customer);
    sd_ok(
        a,
        &at(2),
        &["ticket", "note", t, "-m", "wrong ticket, meant another"],
    );
    sd_ok(
        a,
        &at(2),
        &["customer", "note", &c.customer, "-m", "wrong customer"],
    );
    git_ok(a, &["commit", "-q", "-am", "a note by mistake"]);
    pull_ok(b, "../a", "main");
    // A takes it back with git revert; B meanwhile notes on.
    git_ok(a, &["revert", "--no-edit", "HEAD"]);
    sd_ok(b, &at(6), &["ticket", "note", t, "-m", "B: still noisy"]);
    sd_ok(
        b,
        &at(6),
        &["customer", "note", &c.customer, "-m", "B: called"],
    );
    git_ok(b, &["commit", "-q", "-am", "b notes"]);
    mark_pre(a);
    mark_pre(b);
    pull_ok(a, "../b", "pre");
    pull_ok(b, "../a", "pre");
    let rel = ticket_path(a, t)
        .strip_prefix(a)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    for rel in [&rel, &cust] {
        let text = read(a, rel);
        assert_eq!(text, read(b, rel), "{rel} depends on who merged");
        assert!(
            !text.contains("wrong"),
            "the reverted entry came back:\n{text}"
        );
        assert!(text.contains("B: "), "{text}");
    }
    check_clean(a);
}

#[test]
fn a_redaction_survives_a_merge_with_an_unredacted_clone() {
    let c = clones();
    let (a, b) = (&c.a, &c.b);
    let t = &c.ticket;
    let secret = "身份证 310101199001011234";
    sd_ok(a, &at(2), &["ticket", "note", t, "-m", secret]);
    let n = events_in(a, t).to_string();
    sd_ok(a, &at(2), &["customer", "note", &c.customer, "-m", secret]);
    git_ok(a, &["commit", "-q", "-am", "a notes"]);
    pull_ok(b, "../a", "main");

    // A redacts both; B, which still has the values, notes on.
    sd_ok(
        a,
        &at(10),
        &[
            "ticket",
            "redact",
            t,
            "--event",
            &n,
            "--field",
            "text",
            "--reason",
            "PIPL request 12-01",
        ],
    );
    sd_ok(
        a,
        &at(10),
        &[
            "customer",
            "redact",
            &c.customer,
            "--log",
            "1",
            "--field",
            "summary",
            "--reason",
            "PIPL request 12-01",
        ],
    );
    check_clean(a);
    git_ok(a, &["commit", "-q", "-am", "redact"]);
    sd_ok(b, &at(8), &["ticket", "note", t, "-m", "B: later"]);
    sd_ok(
        b,
        &at(8),
        &["customer", "note", &c.customer, "-m", "B: later"],
    );
    git_ok(b, &["commit", "-q", "-am", "b later"]);
    mark_pre(a);
    mark_pre(b);
    pull_ok(a, "../b", "pre");
    pull_ok(b, "../a", "pre");

    let rel = ticket_path(a, t)
        .strip_prefix(a)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let cust = format!("customers/{}.toml", c.customer);
    for rel in [&rel, &cust] {
        let text = read(a, rel);
        assert_eq!(text, read(b, rel), "{rel} depends on who merged");
        assert!(!text.contains("310101"), "the value came back:\n{text}");
        assert!(
            text.contains("[redacted]") && text.contains("B: later"),
            "{text}"
        );
        assert!(text.contains("reason = \"PIPL request 12-01\""), "{text}");
    }
    let text = read(a, &rel);
    assert!(
        text.contains(&format!(
            "action = \"redact\"\nreason = \"PIPL request 12-01\"\nredacts = {n}\nfield = \"text\"\n"
        )),
        "{text}"
    );
    check_clean(a);
    check_clean(b);
    // The working files are clean; git's history still has the value (README's purge
    // procedure removes it from there).
    assert_eq!(git(a, &["grep", "-q", "310101"]).status.code(), Some(1));
    assert!(git_ok(a, &["log", "-p", "--all"]).contains("310101"));
}

/// README's procedure to purge a redacted value from git's history as well. The svcdesk
/// part (redact, check, find the value in history) always runs; the rewrite runs only
/// where `git filter-repo` is installed — it is not installed here by the tests.
#[test]
fn purge_procedure_for_a_redacted_value() {
    let c = clones();
    let a = &c.a;
    let t = &c.ticket;
    let secret = "310101199001011234";
    sd_ok(
        a,
        &at(2),
        &["ticket", "note", t, "-m", &format!("ID {secret}")],
    );
    git_ok(a, &["commit", "-q", "-am", "note"]);
    let n = events_in(a, t).to_string();
    // 1. redact and commit.
    sd_ok(
        a,
        &at(3),
        &[
            "ticket", "redact", t, "--event", &n, "--field", "text", "--reason", "PIPL",
        ],
    );
    git_ok(a, &["commit", "-q", "-am", "redact"]);
    check_clean(a);
    // 2. the commits that still hold the value.
    let holding = git_ok(a, &["log", "--format=%h", "-S", secret, "--all"]);
    assert!(
        !holding.trim().is_empty(),
        "the value is in history before the purge"
    );
    // 3. rewrite history, where the tool exists.
    let has_filter_repo = git(a, &["filter-repo", "--version"]).status.success();
    if !has_filter_repo {
        eprintln!(
            "SKIPPED (not a failure): `git filter-repo` is not installed; only the svcdesk part of the purge procedure was tested"
        );
        return;
    }
    let expr = a.join("../purge.txt");
    fs::write(&expr, format!("{secret}==>[redacted]\n")).unwrap();
    git_ok(
        a,
        &[
            "filter-repo",
            "--force",
            "--replace-text",
            expr.to_str().unwrap(),
        ],
    );
    assert_eq!(
        git_ok(a, &["log", "--format=%h", "-S", secret, "--all"]).trim(),
        ""
    );
    check_clean(a);
}
