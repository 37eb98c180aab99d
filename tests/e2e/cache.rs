//! End-to-end: the ticket cache under `.svcdesk/cache` never changes an answer. Every
//! command prints exactly what it prints with SVCDESK_NO_CACHE=1, after edits behind the
//! cache's back (same size, same second), additions, deletions, renames, `git checkout`,
//! and with the cache corrupt, truncated, deleted or impossible to write.

use std::fs::{self, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use crate::common::{TestDesk, stderr, stdout};

/// Read commands whose output covers every field the cache keeps.
const READS: &[&[&str]] = &[
    &["ticket", "list", "--format", "csv"],
    &["ticket", "list", "--open", "--format", "json"],
    &["export", "tickets", "--format", "json"],
    &["export", "events", "--format", "csv"],
    &["sla", "check", "--format", "csv"],
    &["stats", "--month", "2026-11"],
    &["ledger", "tickets", "--month", "2026-10"],
    &["check"],
];

struct Fixture {
    desk: TestDesk,
    customer: String,
    tickets: Vec<String>,
}

/// A desk with tickets in two month folders and in several states. The files are then
/// left alone for longer than the cache's racy window, so the cache really is used.
fn fixture() -> Fixture {
    let desk = TestDesk::new();
    let c = desk.add(&["--name", "华东机械", "--phone", "021-5555-0101"]);
    let open = |at: &str, args: &[&str]| {
        let mut all = vec!["ticket", "open", "--at", at, "--customer", &c];
        all.extend_from_slice(args);
        desk.ok(&all).trim_end().to_string()
    };
    let t1 = open(
        "2026-10-05 10:00",
        &[
            "--category",
            "complaint",
            "--grade",
            "II",
            "--product",
            "X200",
            "-m",
            "engineer left early",
        ],
    );
    let t2 = open(
        "2026-11-02 09:00",
        &["--category", "consult", "-m", "how to reset the X100"],
    );
    let t3 = open(
        "2026-11-20 14:00",
        &["--category", "complaint", "-m", "noisy pump"],
    );
    desk.ok(&["ticket", "accept", &t1, "--at", "2026-10-05 11:00"]);
    desk.ok(&["ticket", "resolve", &t1, "-m", "replaced the seal"]);
    desk.ok(&["ticket", "note", &t3, "-m", "called back, no answer"]);
    settle();
    Fixture {
        desk,
        customer: c,
        tickets: vec![t1, t2, t3],
    }
}

/// Waits out the cache's racy window (two seconds): only files unchanged for that long
/// before a scan are trusted from the cache.
fn settle() {
    std::thread::sleep(Duration::from_millis(2100));
}

fn run(desk: &TestDesk, args: &[&str], cache: bool) -> Output {
    let mut c = desk.cmd();
    if !cache {
        c.env("SVCDESK_NO_CACHE", "1");
    }
    c.args(args).output().expect("svcdesk runs")
}

/// Every read command prints the same, with the exit code and stderr, cached or not.
fn assert_same(desk: &TestDesk, when: &str) {
    for args in READS {
        let fresh = run(desk, args, false);
        // Twice: the first may refresh the cache, the second reads it.
        for pass in 1..=2 {
            let cached = run(desk, args, true);
            assert_eq!(
                (cached.status.code(), stdout(&cached), stderr(&cached)),
                (fresh.status.code(), stdout(&fresh), stderr(&fresh)),
                "{when}: `svcdesk {}` differs with the cache (pass {pass})",
                args.join(" ")
            );
        }
    }
}

fn ticket_rel(id: &str) -> String {
    format!("tickets/{}/{}/{id}.toml", &id[1..5], &id[5..7])
}

fn cache_files(root: &Path) -> Vec<PathBuf> {
    walk(&root.join(".svcdesk/cache"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = fs::read_dir(dir) else {
        return out;
    };
    for e in rd {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Overwrites the last `old` (in the history, which is what loading reads) with `new`
/// (same length) in place: same inode, same size.
fn edit_in_place(path: &Path, old: &str, new: &str) {
    assert_eq!(old.len(), new.len());
    let text = fs::read_to_string(path).unwrap();
    let at = text
        .rfind(old)
        .unwrap_or_else(|| panic!("{old:?} not in {text}"));
    let mut f = OpenOptions::new().write(true).open(path).unwrap();
    f.seek(SeekFrom::Start(at as u64)).unwrap();
    f.write_all(new.as_bytes()).unwrap();
}

#[test]
fn answers_are_the_same_with_and_without_the_cache() {
    let f = fixture();
    assert_same(&f.desk, "a settled desk");
    assert!(
        cache_files(&f.desk.root).len() >= 2,
        "one cache file per month folder: {:?}",
        walk(&f.desk.root.join(".svcdesk"))
    );
    // A write through svcdesk, then reads at once (the rewritten file is racy).
    f.desk
        .ok(&["ticket", "close", &f.tickets[0], "--satisfaction", "4"]);
    assert_same(&f.desk, "right after a close");
}

#[test]
fn no_cache_means_none_is_written() {
    let f = fixture();
    for args in READS {
        run(&f.desk, args, false);
    }
    assert!(!f.desk.root.join(".svcdesk/cache").exists());
}

#[test]
fn an_edit_behind_its_back_is_seen_even_with_the_same_size_and_time() {
    let f = fixture();
    let path = f.desk.path(&ticket_rel(&f.tickets[2]));
    let list = ["ticket", "list", "--format", "csv"];
    f.desk.ok(&list);
    assert!(f.desk.ok(&list).contains("noisy pump"));

    // One character, same size, and the mtime put back as it was.
    let mtime = fs::metadata(&path).unwrap().modified().unwrap();
    edit_in_place(
        &path,
        "title = \"noisy pump\"\ncustomer",
        "title = \"noisy pumq\"\ncustomer",
    );
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let out = f.desk.ok(&list);
    assert!(
        out.contains("noisy pumq") && !out.contains("noisy pump"),
        "{out}"
    );
    assert_same(&f.desk, "after an in-place edit with the mtime restored");

    // Edited again within the same second as the cache that saw the last version.
    f.desk.ok(&list);
    edit_in_place(
        &path,
        "title = \"noisy pumq\"\ncustomer",
        "title = \"noisy pumr\"\ncustomer",
    );
    let out = f.desk.ok(&list);
    assert!(out.contains("noisy pumr"), "{out}");
    assert_same(&f.desk, "after a same-second edit");
}

#[test]
fn additions_deletions_and_renames_are_seen() {
    let f = fixture();
    let d = &f.desk;
    let list = ["ticket", "list", "--format", "csv"];
    let count = |out: &str| out.lines().count() - 1;
    assert_eq!(count(&d.ok(&list)), 3);

    let t4 = d
        .ok(&[
            "ticket",
            "open",
            "--customer",
            &f.customer,
            "--category",
            "consult",
            "-m",
            "manual wanted",
        ])
        .trim_end()
        .to_string();
    assert_eq!(count(&d.ok(&list)), 4);
    assert_same(d, "after an addition");

    fs::remove_file(d.path(&ticket_rel(&f.tickets[1]))).unwrap();
    let out = d.ok(&list);
    assert_eq!(count(&out), 3);
    assert!(!out.contains(&f.tickets[1]), "{out}");
    assert_same(d, "after a deletion");

    // Moved to another folder: listed once, from its new place.
    let from = d.path(&ticket_rel(&t4));
    let to = d.path("tickets/2026/10").join(from.file_name().unwrap());
    fs::rename(&from, &to).unwrap();
    assert_eq!(count(&d.ok(&list)), 3);
    assert_same(d, "after a move to another folder");

    // A whole month folder gone.
    fs::remove_dir_all(d.path("tickets/2026/10")).unwrap();
    assert_eq!(count(&d.ok(&list)), 1);
    assert_same(d, "after a folder was removed");
}

#[test]
fn git_checkout_of_another_commit_is_seen() {
    let f = fixture();
    let d = &f.desk;
    let git = |args: &[&str]| {
        let o = std::process::Command::new("git")
            .arg("-C")
            .arg(&d.root)
            .args(["-c", "init.defaultBranch=main", "-c", "user.name=T"])
            .args(["-c", "user.email=t@example.com"])
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", &d.root)
            .output()
            .expect("git runs");
        assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "start"]);
    assert_same(d, "on main");

    git(&["checkout", "-q", "-b", "other"]);
    d.ok(&["ticket", "accept", &f.tickets[2]]);
    d.ok(&[
        "ticket",
        "open",
        "--customer",
        &f.customer,
        "--category",
        "consult",
        "-m",
        "on a branch",
    ]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "work"]);
    assert_same(d, "on the branch");
    let on_branch = d.ok(&["ticket", "list", "--format", "csv"]);
    assert!(on_branch.contains("on a branch"));

    git(&["checkout", "-q", "main"]);
    let on_main = d.ok(&["ticket", "list", "--format", "csv"]);
    assert!(!on_main.contains("on a branch"), "{on_main}");
    assert_same(d, "back on main");

    settle();
    assert_same(d, "back on main, settled");
    git(&["checkout", "-q", "other"]);
    assert_eq!(d.ok(&["ticket", "list", "--format", "csv"]), on_branch);
    assert_same(d, "on the branch again");
}

#[test]
fn a_corrupt_truncated_or_deleted_cache_is_harmless() {
    let f = fixture();
    let d = &f.desk;
    assert_same(d, "before");
    let files = cache_files(&d.root);
    assert!(!files.is_empty());

    // One byte flipped in the middle, where the tickets are.
    for p in &files {
        let mut bytes = fs::read(p).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0x55;
        fs::write(p, bytes).unwrap();
    }
    assert_same(d, "with a flipped byte");

    for p in &files {
        let bytes = fs::read(p).unwrap();
        fs::write(p, &bytes[..bytes.len() / 3]).unwrap();
    }
    assert_same(d, "truncated");

    for p in &files {
        fs::write(p, b"").unwrap();
    }
    assert_same(d, "empty");

    for p in &files {
        fs::write(p, "schema = 1\n".repeat(100)).unwrap();
    }
    assert_same(d, "garbage");

    fs::remove_dir_all(d.root.join(".svcdesk/cache")).unwrap();
    assert_same(d, "deleted");
    assert!(!cache_files(&d.root).is_empty(), "rebuilt");

    fs::remove_dir_all(d.root.join(".svcdesk")).unwrap();
    assert_same(d, "with .svcdesk deleted");
}

#[test]
fn a_cache_that_cannot_be_written_is_skipped() {
    let f = fixture();
    let d = &f.desk;
    // .svcdesk as a plain file: no cache folder can be made (as on a read-only desk).
    fs::remove_dir_all(d.root.join(".svcdesk")).unwrap();
    fs::write(d.root.join(".svcdesk"), "").unwrap();
    assert_same(d, "unwritable");
    for args in READS {
        let o = run(d, args, true);
        assert_eq!(stderr(&o), stderr(&run(d, args, false)));
    }
}

#[test]
fn a_broken_file_is_reported_exactly_as_without_the_cache() {
    let f = fixture();
    let d = &f.desk;
    assert_same(d, "before");
    let rel = ticket_rel(&f.tickets[1]);
    let path = d.path(&rel);
    let good = fs::read_to_string(&path).unwrap();
    fs::write(&path, good.replace("reopened = 0", "reopened = = 0")).unwrap();
    let err = d.fails(1, &["ticket", "list"]);
    assert!(err.contains(&format!("{rel}:")), "names the file: {err}");
    assert_same(d, "with a broken file");
    settle();
    // Still broken once it is old enough to be trusted: a failure is never cached.
    assert_eq!(d.fails(1, &["ticket", "list"]), err);
    assert_same(d, "with a broken file, settled");

    fs::write(&path, &good).unwrap();
    assert!(d.ok(&["ticket", "list"]).contains(&f.tickets[1]));
    assert_same(d, "repaired");
}

#[test]
fn check_reports_a_fault_in_a_file_the_cache_holds() {
    let f = fixture();
    let d = &f.desk;
    assert_eq!(d.ok(&["check"]), d.ok(&["check"]));
    // A stored field that disagrees with the history: the file still loads, so the
    // cache keeps it, but `check` must go on reporting it.
    let path = d.path(&ticket_rel(&f.tickets[1]));
    let text = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        text.replacen("state = \"assigned\"", "state = \"waiting\"", 1),
    )
    .unwrap();
    d.ok(&["ticket", "list"]);
    settle();
    d.ok(&["ticket", "list"]);
    d.ok(&["ticket", "list"]);
    let o = d.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("fields disagree with the history: state"),
        "{}",
        stdout(&o)
    );
    assert_same(d, "with drift in a cached file");
}

#[test]
fn a_refresh_drops_cache_files_of_vanished_folders_and_stale_temp_files() {
    let f = fixture();
    let d = &f.desk;
    let cache = d.root.join(".svcdesk/cache/tickets");
    fs::create_dir_all(cache.join("2025")).unwrap();
    fs::write(
        cache.join("2025/01.bin"),
        b"from a folder since checked out away",
    )
    .unwrap();
    fs::write(
        cache.join("2025/.svcdesk-tmp-x1y2"),
        b"left by a killed svcdesk",
    )
    .unwrap();
    d.ok(&["ticket", "list"]);
    assert!(!cache.join("2025/01.bin").exists());
    assert!(!cache.join("2025/.svcdesk-tmp-x1y2").exists());
    assert!(cache.join("2026/11.bin").is_file());
}
