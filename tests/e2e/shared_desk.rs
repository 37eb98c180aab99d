//! Issue 15, the shared desk: what a crash leaves is tidied, a folder in place of a record
//! is reported, summaries name every bad file, and one validation rule for contacts.

use std::fs;
use std::time::{Duration, SystemTime};

use crate::common::{self, TestDesk, stderr};

fn open_ticket(d: &TestDesk, c: &str) -> String {
    d.ok(&[
        "ticket",
        "open",
        "--customer",
        c,
        "--category",
        "complaint",
        "-m",
        "x",
    ])
    .trim()
    .to_string()
}

/// A temp file as a SIGKILLed write leaves it: half a record, an hour old.
fn leftover(d: &TestDesk, rel: &str) -> std::path::PathBuf {
    let p = d.path(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(&p, "schema = 1\nid = \"C2026").unwrap();
    let f = fs::File::options().write(true).open(&p).unwrap();
    f.set_modified(SystemTime::now() - Duration::from_secs(3600))
        .unwrap();
    p
}

#[test]
fn a_write_removes_what_killed_writes_left_in_its_folder() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械"]);
    let stale = leftover(&d, "customers/.svcdesk-tmp-AbC123");
    let elsewhere = leftover(&d, "tickets/.svcdesk-tmp-XyZ789");
    d.ok(&["customer", "note", &c, "-m", "called back"]);
    assert!(!stale.exists(), "the folder written is tidied");
    assert!(elsewhere.exists(), "only the folder it writes");
}

#[test]
fn check_removes_leftover_temp_files_and_reports_a_folder_in_place_of_a_record() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械"]);
    let t = open_ticket(&d, &c);
    let month = format!("tickets/{}/{}", &t[1..5], &t[5..7]);
    let stale = leftover(&d, &format!("{month}/.svcdesk-tmp-AbC123"));
    let o = d.run(&["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stale.exists());
    assert!(
        stderr(&o).contains(&format!(
            "warning: removed {month}/.svcdesk-tmp-AbC123, left by an interrupted write"
        )),
        "{}",
        stderr(&o)
    );

    fs::create_dir_all(d.path("tickets/2026/11/T20261124-ABCDEF.toml")).unwrap();
    let o = d.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(
            "tickets/2026/11/T20261124-ABCDEF.toml: is a folder where a record file belongs"
        ),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

/// Real git, with a user config of its own (HOME) and none from the system.
struct Git {
    _tmp: tempfile::TempDir,
    home: std::path::PathBuf,
    dir: std::path::PathBuf,
}

impl Git {
    fn new() -> Git {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        fs::create_dir_all(&home).unwrap();
        let dir = tmp.path().to_path_buf();
        Git {
            _tmp: tmp,
            home,
            dir,
        }
    }

    fn env(&self, c: &mut std::process::Command, path: &str) {
        c.env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GIT_CONFIG_GLOBAL")
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .env("PATH", path);
    }

    fn git(&self, dir: &std::path::Path, args: &[&str]) -> std::process::Output {
        let mut c = std::process::Command::new("git");
        self.env(&mut c, &std::env::var("PATH").unwrap());
        c.arg("-C")
            .arg(dir)
            .args(["-c", "init.defaultBranch=main"])
            .args(args)
            .output()
            .unwrap()
    }

    fn git_ok(&self, dir: &std::path::Path, args: &[&str]) -> String {
        let o = self.git(dir, args);
        assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
        common::stdout(&o)
    }

    /// svcdesk in `dir` with PATH = `path`.
    fn sd_path(&self, dir: &std::path::Path, path: &str, args: &[&str]) -> std::process::Output {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("svcdesk"));
        self.env(&mut c, path);
        c.env("SVCDESK_NOW", common::NOW)
            .env("SVCDESK_USER", common::USER)
            .env_remove("SVCDESK_DIR")
            .current_dir(dir)
            .args(args)
            .output()
            .unwrap()
    }

    fn sd(&self, dir: &std::path::Path, args: &[&str]) -> std::process::Output {
        self.sd_path(dir, &std::env::var("PATH").unwrap(), args)
    }

    fn sd_ok(&self, dir: &std::path::Path, args: &[&str]) -> (String, String) {
        let o = self.sd(dir, args);
        assert!(o.status.success(), "svcdesk {args:?}: {}", stderr(&o));
        (common::stdout(&o).trim().to_string(), stderr(&o))
    }

    /// A desk set up with `init --git`, one customer, committed.
    fn origin(&self) -> (std::path::PathBuf, String) {
        self.sd_ok(
            &self.dir,
            &["init", "origin", "--git", "--timezone", "Asia/Shanghai"],
        );
        let origin = self.dir.join("origin");
        let (c, _) = self.sd_ok(&origin, &["customer", "add", "--name", "华东机械"]);
        self.git_ok(&origin, &["add", "-A"]);
        self.git_ok(&origin, &["commit", "-qm", "start"]);
        (origin, c)
    }
}

#[test]
fn a_clone_without_the_driver_is_warned_at_its_first_write_and_setup_global_fixes_it() {
    let g = Git::new();
    let (origin, c) = g.origin();
    let (_, err) = g.sd_ok(&origin, &["customer", "note", &c, "-m", "set up: quiet"]);
    assert!(!err.contains("warning:"), "{err}");

    g.git_ok(&g.dir, &["clone", "-q", "origin", "clone"]);
    let clone = g.dir.join("clone");
    let (_, err) = g.sd_ok(&clone, &["customer", "note", &c, "-m", "first write"]);
    assert!(
        err.contains("warning: .gitattributes merges record files with svcdesk, but git has no merge.svcdesk.driver configured")
            && err.contains("`svcdesk git setup --global`"),
        "{err}"
    );
    let o = g.sd(&clone, &["check"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("warning: .gitattributes merges"),
        "{}",
        stderr(&o)
    );

    // Not on PATH: the absolute path of this binary.
    let bin = fs::canonicalize(assert_cmd::cargo::cargo_bin("svcdesk")).unwrap();
    let o = g.sd_path(&g.home, "/usr/bin:/bin", &["git", "setup", "--global"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let cfg = fs::read_to_string(g.home.join(".gitconfig")).unwrap();
    assert!(
        cfg.contains(&format!("{} merge-driver %O %A %B %P", bin.display())),
        "{cfg}"
    );
    let (_, err) = g.sd_ok(&clone, &["customer", "note", &c, "-m", "fixed"]);
    assert!(!err.contains("warning:"), "{err}");

    // On PATH: by name, so it follows upgrades.
    let path = format!("{}:/usr/bin:/bin", bin.parent().unwrap().display());
    let o = g.sd_path(&g.home, &path, &["git", "setup", "--global"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let cfg = fs::read_to_string(g.home.join(".gitconfig")).unwrap();
    assert!(
        cfg.contains("driver = \"svcdesk merge-driver %O %A %B %P || "),
        "{cfg}"
    );
}

#[test]
fn a_driver_that_cannot_run_is_warned_and_its_unmerged_files_fail_check() {
    let g = Git::new();
    let (origin, c) = g.origin();
    g.git_ok(
        &origin,
        &[
            "config",
            "merge.svcdesk.driver",
            "/nonexistent/svcdesk merge-driver %O %A %B %P",
        ],
    );
    let (_, err) = g.sd_ok(&origin, &["customer", "note", &c, "-m", "x"]);
    assert!(
        err.contains("runs `/nonexistent/svcdesk`, which is not an executable program")
            && err.contains("run `svcdesk git setup` in the desk"),
        "{err}"
    );
    g.git_ok(&origin, &["commit", "-qam", "note"]);
    g.git_ok(&origin, &["checkout", "-qb", "side"]);
    g.sd_ok(&origin, &["customer", "note", &c, "-m", "on the side"]);
    g.git_ok(&origin, &["commit", "-qam", "side"]);
    g.git_ok(&origin, &["checkout", "-q", "-"]);
    g.sd_ok(&origin, &["customer", "note", &c, "-m", "on main"]);
    g.git_ok(&origin, &["commit", "-qam", "main"]);
    assert!(!g.git(&origin, &["merge", "-q", "side"]).status.success());
    let rel = format!("customers/{c}.toml");
    let text = fs::read_to_string(origin.join(&rel)).unwrap();
    assert!(
        !text.contains("<<<<<<<") && !text.contains("on the side"),
        "our side, no markers"
    );
    let o = g.sd(&origin, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        common::stdout(&o).contains(&format!("{rel}: unmerged in git")),
        "{}",
        common::stdout(&o)
    );
}

/// The driver `git setup` registers falls back to a text merge with conflict markers when
/// its program is gone, so a moved binary never leaves our side alone.
#[test]
fn a_moved_driver_binary_leaves_conflict_markers_and_a_failing_check() {
    let g = Git::new();
    let (origin, c) = g.origin();
    g.sd_ok(&origin, &["git", "setup"]);
    let driver = String::from_utf8(
        g.git(&origin, &["config", "--get", "merge.svcdesk.driver"])
            .stdout,
    )
    .unwrap();
    let first = driver.split_whitespace().next().unwrap().to_string();
    // As if the svcdesk that ran `git setup` were moved away.
    let moved = driver
        .trim_end()
        .replacen(&first, "/nonexistent/svcdesk", 1);
    g.git_ok(&origin, &["config", "merge.svcdesk.driver", &moved]);
    g.git_ok(&origin, &["checkout", "-qb", "side"]);
    g.sd_ok(&origin, &["customer", "note", &c, "-m", "on the side"]);
    g.git_ok(&origin, &["commit", "-qam", "side"]);
    g.git_ok(&origin, &["checkout", "-q", "-"]);
    g.sd_ok(&origin, &["customer", "note", &c, "-m", "on main"]);
    g.git_ok(&origin, &["commit", "-qam", "main"]);
    let merge = g.git(&origin, &["merge", "-q", "side"]);
    assert!(!merge.status.success());
    assert!(
        String::from_utf8_lossy(&merge.stderr).contains("svcdesk merge driver could not run"),
        "{}",
        String::from_utf8_lossy(&merge.stderr)
    );
    let rel = format!("customers/{c}.toml");
    let text = fs::read_to_string(origin.join(&rel)).unwrap();
    assert!(
        text.contains("<<<<<<< ours") && text.contains("on the side") && text.contains("on main"),
        "both sides, between markers: {text}"
    );
    let o = g.sd(&origin, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = common::stdout(&o);
    assert!(out.contains(&format!("{rel}: unmerged in git")), "{out}");
}

#[test]
fn summaries_name_every_bad_file_and_skip_them_only_when_asked() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械"]);
    let good = open_ticket(&d, &c);
    let month = format!("tickets/{}/{}", &good[1..5], &good[5..7]);
    let bad1 = format!("{month}/T{}-BAD001.toml", &good[1..9]);
    let bad2 = format!("{month}/T{}-BAD002.toml", &good[1..9]);
    d.write(&bad1, "schema = 1\nid = \n");
    d.write(&bad2, "schema = 1\nid = \"x\"\nstate = [\n");
    for args in [
        &["ticket", "list"][..],
        &["stats", "--month", "2026-11"],
        &["export", "tickets"],
        &["export", "tickets", "--format", "json"],
    ] {
        let o = d.run(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = stderr(&o);
        assert!(
            err.contains(&format!("{bad1}:2:")) && err.contains(&format!("{bad2}:")),
            "{args:?} names every bad file: {err}"
        );
        assert!(err.contains("--skip-bad"), "{err}");

        let mut skip = args.to_vec();
        skip.push("--skip-bad");
        let o = d.run(&skip);
        assert_eq!(o.status.code(), Some(0), "{skip:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            skipped(&err, &format!("{bad1}:2:")) && skipped(&err, &format!("{bad2}:")),
            "{skip:?}: {err}"
        );
        if args[0] != "stats" {
            assert!(common::stdout(&o).contains(&good), "{skip:?}");
        }
    }
    let o = d.run(&["sla", "check"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains(&bad1) && stderr(&o).contains(&bad2));
    let o = d.run(&["sla", "check", "--skip-bad"]);
    assert_ne!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(skipped(&stderr(&o), &format!("{bad2}:")));
}

fn skipped(stderr: &str, file: &str) -> bool {
    stderr
        .lines()
        .any(|l| l.starts_with("warning: skipped ") && l.contains(file))
}

#[test]
fn one_rule_for_phone_and_email_in_add_edit_and_import() {
    let d = TestDesk::new();
    let err = d.fails(1, &["customer", "add", "--name", "甲", "--phone", "abc"]);
    assert!(err.contains("phone \"abc\" is not a phone number"), "{err}");
    let err = d.fails(1, &["customer", "add", "--name", "甲", "--email", "x@"]);
    assert!(
        err.contains("email \"x@\" is not an e-mail address"),
        "{err}"
    );
    assert!(d.customer_files().is_empty(), "nothing written");
    let c = d.add(&["--name", "甲", "--phone", "021-5555 0101 转 8"]);
    let err = d.fails(1, &["customer", "edit", &c, "--phone", "call me"]);
    assert!(
        err.contains("phone \"call me\" is not a phone number"),
        "{err}"
    );
    d.write("in.csv", "name,phone\n乙,abc\n");
    let csv = d.path("in.csv").display().to_string();
    let o = d.run(&["import", "customers", &csv]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("phone \"abc\" is not a phone number"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn errors_echo_user_input_with_control_characters_escaped() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "甲"]);
    for args in [
        &["ticket", "show", "9x\n\u{1b}[31mRED"][..],
        &["customer", "show", "zz\u{1b}]0;title\u{7}"],
        &[
            "customer",
            "add",
            "--name",
            "乙",
            "--phone",
            "1\n2\u{1b}[2J",
        ],
        &[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "x\u{1b}[31m",
            "-m",
            "y",
        ],
    ] {
        let o = d.run(args);
        assert_ne!(o.status.code(), Some(0), "{args:?}");
        let err = stderr(&o);
        assert!(
            !err.contains('\u{1b}') && !err.contains('\u{7}'),
            "{args:?}: {err:?}"
        );
        let first = err.lines().next().unwrap_or_default();
        assert!(first.contains("\\u{1b}"), "{args:?}: {err:?}");
    }
}
