//! Crash safety: SIGKILL `svcdesk` at random points during hundreds of writes, then check
//! that every record parses, `svcdesk check` is clean and each record holds either the old
//! or the new content — never a torn file.
//!
//! Temp files: a write goes to `.svcdesk-tmp-*` in the record's directory and is renamed
//! over the record. A kill between creating and renaming it leaves the temp file behind.
//! That is by design harmless: record discovery skips dot files, so `check`, `list` and
//! every loader ignore it (asserted below); `git` status shows it as untracked at worst.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::Duration;

use crate::common::{NOW, TestDesk, USER};

fn cmd(desk: &Path) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("svcdesk"));
    c.env("SVCDESK_NOW", NOW)
        .env("SVCDESK_USER", USER)
        .env("COLUMNS", "200")
        .env_remove("SVCDESK_DIR")
        .arg("-C")
        .arg(desk)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

fn ok(desk: &Path, args: &[&str]) -> String {
    let o = cmd(desk)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "svcdesk {args:?}: {:?}\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn temp_files(root: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".svcdesk-tmp-"))
        .map(|e| e.into_path())
        .collect()
}

/// A small deterministic PRNG (xorshift), so a failure can be replayed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

const KILLS: usize = 300;

#[test]
fn sigkill_during_writes_never_tears_a_record() {
    let d = TestDesk::new();
    let root = d.root.clone();
    let c = d.add(&["--name", "华东机械", "--phone", "021-5555-0101"]);
    let t = ok(
        &root,
        &[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "complaint",
            "-m",
            "历史很长",
        ],
    )
    .trim()
    .to_string();
    let tpath = root.join(format!("tickets/{}/{}/{t}.toml", &t[1..5], &t[5..7]));
    // A long history, so a write takes a while and a torn file would show.
    // Timing those writes calibrates the kill window: a random delay from 0 to a bit over
    // one write's duration (0–5 ms would only ever hit process start-up on a debug build).
    let started = std::time::Instant::now();
    for i in 0..40 {
        ok(
            &root,
            &[
                "ticket",
                "note",
                &t,
                "-m",
                &format!("历史记录 {i} {}", "x".repeat(200)),
            ],
        );
    }
    let window_us = (started.elapsed().as_micros() as u64 / 40 * 13 / 10).max(5000);
    let cpath = d.customer_path(&c);

    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let (mut exited_first, mut killed_unchanged, mut killed_changed) = (0, 0, 0);
    let mut temp_left = 0;
    for i in 0..KILLS {
        let ticket_write = i % 3 != 2;
        let path = if ticket_write { &tpath } else { &cpath };
        let old = fs::read_to_string(path).unwrap();
        let mut child = if ticket_write {
            cmd(&root)
                .args(["ticket", "note", &t, "-m", &format!("kill-{i}")])
                .spawn()
                .unwrap()
        } else {
            cmd(&root)
                .args(["customer", "edit", &c, "--notes", &format!("edit-{i}")])
                .spawn()
                .unwrap()
        };
        sleep(Duration::from_micros(rng.next() % window_us));
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        let new = fs::read_to_string(path).unwrap();
        let changed = new != old;
        if finished {
            exited_first += 1;
            assert!(status.success(), "iteration {i}: {status:?}");
            assert!(changed, "iteration {i}: exited 0 without writing");
        } else if changed {
            killed_changed += 1;
        } else {
            killed_unchanged += 1;
        }

        new.parse::<toml::Table>()
            .unwrap_or_else(|e| panic!("iteration {i}: torn file: {e}\n{new}"));
        if ticket_write {
            let (o, n) = (
                old.matches("[[event]]").count(),
                new.matches("[[event]]").count(),
            );
            if changed {
                assert_eq!(n, o + 1, "iteration {i}: not exactly one new event");
                let old_history = &old[old.find("[[event]]").unwrap()..];
                let new_history = &new[new.find("[[event]]").unwrap()..];
                assert!(
                    new_history.starts_with(old_history.trim_end()),
                    "iteration {i}"
                );
                assert!(
                    new.contains(&format!("text = \"kill-{i}\"")),
                    "iteration {i}"
                );
            }
        } else if changed {
            assert!(
                new.contains(&format!("notes = \"edit-{i}\"")),
                "iteration {i}\n{new}"
            );
        }
        if i % 10 == 9 || i == KILLS - 1 {
            // Left-over temp files are ignored by check and by list.
            temp_left = temp_files(&root).len();
            ok(&root, &["check"]);
            let list = ok(&root, &["customer", "list", "--format", "csv"]);
            assert_eq!(list.lines().count(), 2, "{list}");
        }
    }
    eprintln!(
        "crash: window {window_us} µs; {KILLS} kill attempts: {exited_first} finished before the kill, \
         {killed_unchanged} killed with the old file intact, {killed_changed} killed after \
         the rename; {temp_left} temp files left (ignored)"
    );
    // The test must actually have hit processes mid-run, not only finished ones.
    assert!(
        killed_unchanged + killed_changed > KILLS / 4,
        "kills landed too late"
    );
    let events = fs::read_to_string(&tpath)
        .unwrap()
        .matches("[[event]]")
        .count();
    assert!(events >= 42);
}
