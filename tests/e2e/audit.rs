//! `svcdesk audit` with real git: clones with their own configured identities share a desk
//! through a bare origin. Who acts comes from the clone's git identity; `--as` is recorded
//! with the typist as `entered_by`; a forged approval (li's clone approving `--as chen`)
//! is reported with its file, line and commit, a real one is not; and with
//! `signed_approvals`, only a commit signed with the approver's ssh key passes.

use std::cell::Cell;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::staff::{CHEN, LI, ZHAO, roster};
use crate::common::{parse_csv, parse_json, stderr, stdout};
use tempfile::TempDir;

/// Git with no global or system config, so only what a test configures counts.
fn git_in(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "init.defaultBranch=main", "-c", "pull.rebase=false"])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_AUTHOR_EMAIL")
        .env_remove("GIT_COMMITTER_EMAIL")
        .output()
        .expect("git runs")
}

fn git(dir: &Path, args: &[&str]) -> String {
    let o = git_in(dir, args);
    assert!(
        o.status.success(),
        "git {args:?} failed\nstdout:\n{}\nstderr:\n{}",
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

/// A bare origin and clones of one desk, each with its own git identity; a clock that
/// moves a minute per command.
struct Shared {
    tmp: TempDir,
    minute: Cell<u32>,
}

impl Shared {
    /// chen creates the desk (staff list, `signed_approvals`) and pushes it to origin.
    fn new(signed: bool) -> Shared {
        let s = Shared {
            tmp: tempfile::tempdir().unwrap(),
            minute: Cell::new(0),
        };
        let origin = s.tmp.path().join("origin.git");
        git(
            s.tmp.path(),
            &["init", "-q", "--bare", origin.to_str().unwrap()],
        );
        let a = s.tmp.path().join("chen");
        s.sd_in(
            s.tmp.path(),
            &["init", "chen", "--timezone", "Asia/Shanghai"],
        );
        let cfg = a.join("svcdesk.toml");
        let mut text = fs::read_to_string(&cfg).unwrap();
        if signed {
            text = text.replace("signed_approvals = false", "signed_approvals = true");
        }
        text.push_str(&roster(&[LI, ZHAO, CHEN]));
        fs::write(&cfg, text).unwrap();
        git(&a, &["init", "-q"]);
        s.identity(&a, "chen");
        s.ok(&a, &["git", "setup"]);
        git(&a, &["add", "-A"]);
        git(&a, &["commit", "-q", "-m", "desk"]);
        git(&a, &["remote", "add", "origin", origin.to_str().unwrap()]);
        git(&a, &["push", "-q", "origin", "HEAD:main"]);
        s
    }

    fn dir(&self, who: &str) -> PathBuf {
        self.tmp.path().join(who)
    }

    fn identity(&self, dir: &Path, who: &str) {
        git(dir, &["config", "user.name", who]);
        git(
            dir,
            &["config", "user.email", &format!("{who}@example.com")],
        );
    }

    /// A clone of origin as `who`, with their identity and svcdesk's merge driver.
    fn clone(&self, who: &str) -> PathBuf {
        let d = self.dir(who);
        git(
            self.tmp.path(),
            &[
                "clone",
                "-q",
                self.tmp.path().join("origin.git").to_str().unwrap(),
                who,
            ],
        );
        self.identity(&d, who);
        self.ok(&d, &["git", "setup"]);
        d
    }

    fn sync(&self, dir: &Path) {
        git(dir, &["pull", "-q", "--no-edit", "origin", "main"]);
        git(dir, &["push", "-q", "origin", "HEAD:main"]);
    }

    fn sd_in(&self, cwd: &Path, args: &[&str]) -> Output {
        let m = self.minute.get();
        self.minute.set(m + 1);
        let now = format!("2026-11-24T{:02}:{:02}:00+08:00", 9 + m / 60, m % 60);
        let mut c = assert_cmd::Command::cargo_bin("svcdesk").unwrap();
        c.current_dir(cwd)
            .env("SVCDESK_NOW", now)
            .env("COLUMNS", "200")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("SVCDESK_USER")
            .env_remove("SVCDESK_DIR")
            .env_remove("GIT_AUTHOR_EMAIL")
            .env_remove("GIT_COMMITTER_EMAIL")
            .args(args)
            .output()
            .unwrap()
    }

    fn run(&self, dir: &Path, args: &[&str]) -> Output {
        let mut all = vec!["-C", dir.to_str().unwrap()];
        all.extend_from_slice(args);
        self.sd_in(self.tmp.path(), &all)
    }

    fn ok(&self, dir: &Path, args: &[&str]) -> String {
        let o = self.run(dir, args);
        assert!(
            o.status.success(),
            "svcdesk {args:?} failed with {:?}\nstdout:\n{}\nstderr:\n{}",
            o.status.code(),
            stdout(&o),
            stderr(&o)
        );
        stdout(&o)
    }

    /// li opens a ticket, takes it and asks for compensation; zhao reviews it. Returns
    /// the ticket ID and its file relative to the desk.
    fn reviewed_request(&self, li: &Path, zhao: &Path) -> (String, String) {
        let name = format!("华东机械 {}", self.minute.get());
        let c = self
            .ok(li, &["--commit", "customer", "add", "--name", &name])
            .trim()
            .to_string();
        let t = self
            .ok(
                li,
                &[
                    "--commit",
                    "ticket",
                    "open",
                    "--customer",
                    &c,
                    "--category",
                    "complaint",
                    "-m",
                    "fault",
                    "--assignee",
                    "li",
                ],
            )
            .trim()
            .to_string();
        self.ok(li, &["--commit", "ticket", "accept", &t]);
        self.ok(
            li,
            &[
                "--commit", "comp", "request", &t, "--amount", "500", "--kind", "coupon",
            ],
        );
        self.sync(li);
        self.sync(zhao);
        self.ok(zhao, &["--commit", "comp", "review", &t]);
        self.sync(zhao);
        let rel = format!("tickets/2026/11/{t}.toml");
        (t, rel)
    }
}

/// The 1-based line of the last `[[event]]` in a file.
fn last_event_line(text: &str) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("[[event]]"))
        .last()
        .map(|(i, _)| i + 1)
        .unwrap()
}

#[test]
fn the_actor_is_the_git_identity_and_as_is_recorded_with_the_typist() {
    let s = Shared::new(false);
    let li = s.clone("li");
    let zhao = s.clone("zhao");
    let (t, rel) = s.reviewed_request(&li, &zhao);
    let text = fs::read_to_string(li.join(&rel)).unwrap();
    assert!(text.contains("by = \"li\"\naction = \"open\""), "{text}");
    assert!(
        !text.contains("entered_by"),
        "nobody entered for someone else: {text}"
    );

    // li approves "as chen": recorded as chen's step entered by li, committed as li.
    s.sync(&li);
    s.ok(&li, &["--as", "chen", "--commit", "comp", "approve", &t]);
    let text = fs::read_to_string(li.join(&rel)).unwrap();
    assert!(
        text.contains("by = \"chen\"\nentered_by = \"li\"\naction = \"comp-approve\""),
        "{text}"
    );
    let author = git(&li, &["log", "-1", "--format=%an <%ae>|%cn <%ce>"]);
    assert_eq!(author.trim(), "li <li@example.com>|li <li@example.com>");

    let show = s.ok(&li, &["ticket", "show", &t]);
    assert!(show.contains("(entered by li)"), "{show}");
    let csv = s.ok(&li, &["export", "events", "--format", "csv"]);
    let (head, rows) = parse_csv(&csv);
    let entered = head.iter().position(|h| h == "entered_by").unwrap();
    let approve = rows.iter().find(|r| r[4] == "comp-approve").unwrap();
    assert_eq!(
        (approve[3].as_str(), approve[entered].as_str()),
        ("chen", "li")
    );

    // Someone whose git identity is no staff member's must say who they are.
    let stranger = s.clone("stranger");
    let o = s.run(&stranger, &["ticket", "note", &t, "-m", "hello"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("stranger@example.com is not one of their `email`s"),
        "{err}"
    );

    // `email` may list several identities: zhao at home is still zhao.
    git(&zhao, &["config", "user.email", "Zhao.Home@example.com"]);
    s.sync(&zhao);
    s.ok(&zhao, &["ticket", "note", &t, "-m", "from home"]);
    let text = fs::read_to_string(zhao.join(&rel)).unwrap();
    assert!(
        text.contains("by = \"zhao\"\naction = \"note\"\ntext = \"from home\"\n"),
        "{text}"
    );
}

#[test]
fn a_forged_approval_is_reported_with_file_line_and_commit_and_a_real_one_is_not() {
    let s = Shared::new(false);
    let li = s.clone("li");
    let zhao = s.clone("zhao");
    let chen = s.dir("chen");

    // Ticket 1: li approves it herself, `--as chen`.
    let (forged, forged_rel) = s.reviewed_request(&li, &zhao);
    s.sync(&li);
    s.ok(
        &li,
        &["--as", "chen", "--commit", "comp", "approve", &forged],
    );
    let forged_commit = git(&li, &["rev-parse", "HEAD"]).trim().to_string();
    // Ticket 2: chen approves in his own clone.
    let (real, real_rel) = s.reviewed_request(&li, &zhao);
    s.sync(&chen);
    s.ok(&chen, &["--commit", "comp", "approve", &real]);
    s.sync(&chen);
    s.sync(&li);

    // The audit runs the same in any clone.
    let o = s.run(&chen, &["audit"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let text = fs::read_to_string(chen.join(&forged_rel)).unwrap();
    let line = last_event_line(&text);
    assert!(
        out.contains(&format!(
            "{forged_rel}:{line}: comp-approve by chen (entered by li)"
        )),
        "{out}"
    );
    assert!(out.contains(&forged_commit[..12]), "{out}");
    assert!(out.contains("li <li@example.com>"), "{out}");
    assert!(
        out.contains("needs the role gm; its committer li does not hold it"),
        "{out}"
    );
    assert!(
        !out.contains(&real_rel),
        "chen's own approval is not reported:\n{out}"
    );
    assert_eq!(out.lines().count(), 1, "{out}");

    let json = parse_json(&s.ok_code(&chen, 1, &["audit", "--format", "json"]));
    let f = &json[0];
    assert_eq!(f["file"], forged_rel.as_str());
    assert_eq!(f["line"], line);
    assert_eq!(f["commit"], forged_commit.as_str());
    assert_eq!(f["problem"], "role");
    let (head, rows) = parse_csv(&s.ok_code(&chen, 1, &["audit", "--format", "csv"]));
    assert_eq!(
        head.join(","),
        "file,line,commit,author,at,by,entered_by,action,problem,message"
    );
    assert_eq!(rows.len(), 1);

    // Editing `entered_by` away does not help: then the event names chen, li committed it.
    let path = li.join(&forged_rel);
    let edited = fs::read_to_string(&path)
        .unwrap()
        .replace("entered_by = \"li\"\n", "");
    fs::write(&path, edited).unwrap();
    git(&li, &["commit", "-q", "-am", "tidy"]);
    s.sync(&li);
    let out = s.ok_code(&li, 1, &["audit"]);
    assert!(
        out.contains("says chen did it, but li committed it"),
        "{out}"
    );

    // `check --audit` fails on it too; plain `check` does not look at history.
    s.ok(&li, &["check"]);
    let out = s.ok_code(&li, 1, &["check", "--audit"]);
    assert!(
        out.contains(&forged_rel) && out.contains("does not hold it"),
        "{out}"
    );

    // An event written but not committed is reported only when asked for.
    s.ok(&li, &["ticket", "note", &real, "-m", "called back"]);
    s.ok_code(&li, 1, &["audit"]);
    let out = s.ok_code(&li, 1, &["audit", "--uncommitted"]);
    assert!(out.contains("not committed yet"), "{out}");
}

impl Shared {
    fn ok_code(&self, dir: &Path, code: i32, args: &[&str]) -> String {
        let o = self.run(dir, args);
        assert_eq!(
            o.status.code(),
            Some(code),
            "svcdesk {args:?}\nstdout:\n{}\nstderr:\n{}",
            stdout(&o),
            stderr(&o)
        );
        stdout(&o)
    }
}

fn have_ssh_keygen() -> bool {
    std::process::Command::new("ssh-keygen")
        .arg("-?")
        .output()
        .is_ok()
}

/// An ed25519 key for `who` in `dir`, without a passphrase; returns the public key line.
fn keygen(dir: &Path, who: &str) -> (PathBuf, String) {
    let key = dir.join(format!("{who}_ed25519"));
    let o = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", who, "-f"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let public = fs::read_to_string(key.with_extension("pub")).unwrap();
    (key, public.trim().to_string())
}

#[test]
fn with_signed_approvals_only_a_commit_signed_by_the_approver_passes() {
    if !have_ssh_keygen() {
        eprintln!("ssh-keygen not found; skipping the signed-approval test");
        return;
    }
    let s = Shared::new(true);
    let li = s.clone("li");
    let zhao = s.clone("zhao");
    let chen = s.dir("chen");
    let keys = s.tmp.path().join("keys");
    fs::create_dir_all(&keys).unwrap();
    // The keys every auditing clone trusts, kept outside the repository.
    let mut allowed = String::new();
    for (who, dir) in [("zhao", &zhao), ("chen", &chen)] {
        let (key, public) = keygen(&keys, who);
        allowed.push_str(&format!("{who}@example.com {public}\n"));
        git(dir, &["config", "gpg.format", "ssh"]);
        git(dir, &["config", "user.signingkey", key.to_str().unwrap()]);
        git(dir, &["config", "commit.gpgsign", "true"]);
    }
    let signers = keys.join("allowed_signers");
    fs::write(&signers, allowed).unwrap();
    for dir in [&li, &zhao, &chen] {
        git(
            dir,
            &[
                "config",
                "gpg.ssh.allowedSignersFile",
                signers.to_str().unwrap(),
            ],
        );
    }

    // Ticket 1: chen approves with a signed commit (zhao's review is signed too).
    let (good, good_rel) = s.reviewed_request(&li, &zhao);
    s.sync(&chen);
    s.ok(&chen, &["--commit", "comp", "approve", &good]);
    let signed = git(&chen, &["log", "-1", "--format=%G?"]);
    assert_eq!(
        signed.trim(),
        "G",
        "svcdesk's commit honours commit.gpgsign"
    );
    s.sync(&chen);
    let out = s.ok(&chen, &["audit"]);
    assert_eq!(out, "", "a signed approval passes");

    // Ticket 2: chen approves again, but this commit is not signed.
    let (bad, bad_rel) = s.reviewed_request(&li, &zhao);
    s.sync(&chen);
    git(&chen, &["config", "commit.gpgsign", "false"]);
    s.ok(&chen, &["--commit", "comp", "approve", &bad]);
    let unsigned = git(&chen, &["rev-parse", "HEAD"]).trim().to_string();
    s.sync(&chen);
    let out = s.ok_code(&chen, 1, &["audit"]);
    let text = fs::read_to_string(chen.join(&bad_rel)).unwrap();
    assert!(
        out.contains(&format!(
            "{bad_rel}:{}: comp-approve by chen",
            last_event_line(&text)
        )),
        "{out}"
    );
    assert!(
        out.contains(&unsigned[..12]) && out.contains("the commit is not signed"),
        "{out}"
    );
    assert!(!out.contains(&good_rel), "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");

    // Ticket 3: li signs with her own key a forged approval: signed, but not by a gm.
    let (li_key, li_public) = keygen(&keys, "li");
    let mut allowed = fs::read_to_string(&signers).unwrap();
    allowed.push_str(&format!("li@example.com {li_public}\n"));
    fs::write(&signers, allowed).unwrap();
    git(&li, &["config", "gpg.format", "ssh"]);
    git(
        &li,
        &["config", "user.signingkey", li_key.to_str().unwrap()],
    );
    git(&li, &["config", "commit.gpgsign", "true"]);
    let (third, third_rel) = s.reviewed_request(&li, &zhao);
    s.sync(&li);
    s.ok(
        &li,
        &["--as", "chen", "--commit", "comp", "approve", &third],
    );
    s.sync(&li);
    let out = s.ok_code(&li, 1, &["audit", "--format", "csv"]);
    let (_, rows) = parse_csv(&out);
    let problems: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r[0] == third_rel)
        .map(|r| (r[8].as_str(), r[9].as_str()))
        .collect();
    assert!(
        problems
            .iter()
            .any(|p| p.0 == "signature"
                && p.1.contains("signed by li, who does not hold the role gm")),
        "{problems:?}"
    );
}
