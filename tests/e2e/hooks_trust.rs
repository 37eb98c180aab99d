//! Hooks run only where the user trusted them: a hook that arrives by an edit or a pull
//! runs nothing until `svcdesk hooks trust`, with one warning and an unchanged exit code.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::*;

const WARNING: &str = "warning: hooks not run:";

/// `svcdesk -C dir args...`
fn run_in(dir: &Path, args: &[&str]) -> Output {
    svcdesk().arg("-C").arg(dir).args(args).output().unwrap()
}

fn append_config(dir: &Path, text: &str) {
    let cfg = dir.join("svcdesk.toml");
    let mut all = fs::read_to_string(&cfg).unwrap();
    all.push('\n');
    all.push_str(text);
    fs::write(cfg, all).unwrap();
}

/// A rule on `open` that appends `<marker> <ID>` to `log`.
fn rule(log: &Path, marker: &str) -> String {
    format!(
        "[[hooks.rule]]\non = \"open\"\ncommand = \"echo {marker} $SVCDESK_ID >> '{}'\"\n",
        log.display()
    )
}

fn lines(log: &Path) -> Vec<String> {
    fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect()
}

/// Opens a ticket in the desk at `dir`; returns the whole output (exit 0 asserted).
fn open_in(dir: &Path) -> Output {
    let c = run_in(dir, &["customer", "add", "--name", "华东机械", "--force"]);
    assert!(c.status.success(), "{}", stderr(&c));
    let id = stdout(&c).trim().to_string();
    let o = run_in(
        dir,
        &[
            "ticket",
            "open",
            "--customer",
            &id,
            "--category",
            "complaint",
            "--grade",
            "III",
            "-m",
            "left early",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    o
}

fn warnings(o: &Output) -> usize {
    stderr(o).matches(WARNING).count()
}

#[test]
fn a_hook_added_after_trust_does_not_run_until_trusted_again() {
    let d = TestDesk::new();
    let log = d.tmp.path().join("hooks.log");
    // init trusted the (empty) hooks it wrote; nothing to warn about.
    let o = open_in(&d.root);
    assert_eq!(warnings(&o), 0, "{}", stderr(&o));
    assert_eq!(d.ok(&["hooks", "status"]).lines().next(), Some("no hooks"));

    append_config(&d.root, &rule(&log, "ran"));
    let o = open_in(&d.root);
    assert!(lines(&log).is_empty(), "an untrusted hook ran");
    assert_eq!(warnings(&o), 1, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("changed since this clone trusted them")
            && err.contains("`svcdesk hooks trust`"),
        "{err}"
    );

    let out = d.ok(&["hooks", "trust"]);
    assert!(
        out.contains("rule 1: on open; timeout 30s\n  command: echo ran"),
        "{out}"
    );
    assert!(
        out.contains("Trusted 1 hook rule in this clone (sha256:"),
        "{out}"
    );
    let o = open_in(&d.root);
    assert_eq!(warnings(&o), 0, "{}", stderr(&o));
    let t = stdout(&o).trim().to_string();
    assert_eq!(lines(&log), [format!("ran {t}")]);

    // Any change, even one word of the command, needs trusting again.
    let cfg = d.read("svcdesk.toml").replace("echo ran", "echo again");
    d.write("svcdesk.toml", cfg);
    let o = open_in(&d.root);
    assert_eq!(warnings(&o), 1);
    assert_eq!(lines(&log).len(), 1);
}

#[test]
fn hooks_status_says_trusted_changed_or_never_trusted() {
    let d = TestDesk::new();
    let log = d.tmp.path().join("hooks.log");
    let status = || d.run(&["hooks", "status"]);

    let o = status();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        "no hooks\nNo [[hooks.rule]] in svcdesk.toml: nothing runs, nothing to trust.\n"
    );
    assert_eq!(stderr(&o), "");

    // A clone that never trusted: no trust file at all.
    fs::remove_file(d.path(".svcdesk/trusted-hooks")).unwrap();
    append_config(
        &d.root,
        &format!("{}grade = [\"III\"]\ntimeout = \"5s\"\n", rule(&log, "ran")),
    );
    let o = status();
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let digest = out.lines().last().unwrap().to_string();
    assert_eq!(
        out,
        format!(
            "never trusted\nrule 1: on open; grade III; timeout 5s\n  command: echo ran $SVCDESK_ID >> '{}'\n{digest}\n",
            log.display()
        )
    );
    assert!(digest.starts_with("digest: sha256:"), "{digest}");
    assert_eq!(
        stderr(&o),
        "warning: this clone never trusted the [hooks] of svcdesk.toml; no hook runs\n\
         hint: read the commands above, then run `svcdesk hooks trust`\n"
    );

    d.ok(&["hooks", "trust"]);
    let o = status();
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("trusted\nrule 1:"), "{}", stdout(&o));
    assert!(stdout(&o).ends_with(&format!("{digest}\n")));
    assert_eq!(stderr(&o), "");

    let cfg = d.read("svcdesk.toml").replace("\"5s\"", "\"6s\"");
    d.write("svcdesk.toml", cfg);
    let o = status();
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("changed\n"), "{}", stdout(&o));
    assert!(stderr(&o).contains("changed since this clone trusted them"));

    let o = d
        .cmd()
        .env("SVCDESK_TRUST_HOOKS", "1")
        .args(["hooks", "status"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).starts_with("trusted by SVCDESK_TRUST_HOOKS=1 (this clone: changed)\n"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn svcdesk_trust_hooks_runs_them_without_recording_trust() {
    let d = TestDesk::new();
    let log = d.tmp.path().join("hooks.log");
    append_config(&d.root, &rule(&log, "ran"));
    let c = d.add(&["--name", "华东机械"]);
    let o = d
        .cmd()
        .env("SVCDESK_TRUST_HOOKS", "1")
        .args([
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "complaint",
            "-m",
            "x",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(warnings(&o), 0, "{}", stderr(&o));
    assert_eq!(lines(&log).len(), 1);
    // Only for that process: the clone itself still does not trust them.
    let o = d
        .cmd()
        .env("SVCDESK_TRUST_HOOKS", "0")
        .args([
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "complaint",
            "-m",
            "x",
        ])
        .output()
        .unwrap();
    assert_eq!(warnings(&o), 1, "{}", stderr(&o));
    assert_eq!(lines(&log).len(), 1);
}

#[test]
fn a_hook_pulled_from_another_clone_does_not_run_until_trusted() {
    let d = TestDesk::new();
    let tmp = d.tmp.path();
    let log = tmp.join("hooks.log");
    append_config(&d.root, &rule(&log, "reviewed"));
    git_ok(&d.root, &["init", "-q"]);
    git_ok(&d.root, &["add", "-A"]);
    git_ok(&d.root, &["commit", "-qm", "desk with a hook"]);
    let (a, b) = (tmp.join("a"), tmp.join("b"));
    git_ok(tmp, &["clone", "-q", "desk", "a"]);
    git_ok(tmp, &["clone", "-q", "desk", "b"]);
    assert!(
        !a.join(".svcdesk").exists(),
        "trust never travels with a clone"
    );

    // A fresh clone trusts nothing, not even what the desk's author trusted.
    let o = open_in(&a);
    assert_eq!(warnings(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("never trusted"), "{}", stderr(&o));
    assert!(lines(&log).is_empty());
    assert!(run_in(&a, &["hooks", "trust"]).status.success());
    open_in(&a);
    assert_eq!(lines(&log).len(), 1);
    assert!(lines(&log)[0].starts_with("reviewed "));

    // B changes what the hook runs and commits; A pulls it.
    let cfg = fs::read_to_string(b.join("svcdesk.toml"))
        .unwrap()
        .replace("echo reviewed", "echo pulled");
    fs::write(b.join("svcdesk.toml"), cfg).unwrap();
    git_ok(&b, &["commit", "-qam", "a new hook command"]);
    git_ok(&a, &["pull", "-q", "--no-edit", "../b", "main"]);
    // A's trust file stayed local: untracked and ignored.
    assert_eq!(git_ok(&a, &["ls-files", ".svcdesk"]), "");

    let o = open_in(&a);
    assert_eq!(warnings(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("changed since this clone trusted them"));
    assert_eq!(
        lines(&log).len(),
        1,
        "the pulled command ran: {:?}",
        lines(&log)
    );
    let o = run_in(&a, &["hooks", "status"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("changed\n") && stdout(&o).contains("echo pulled"));

    assert!(run_in(&a, &["hooks", "trust"]).status.success());
    let o = open_in(&a);
    assert_eq!(warnings(&o), 0, "{}", stderr(&o));
    assert_eq!(lines(&log).len(), 2);
    assert!(lines(&log)[1].starts_with("pulled "));
}

#[test]
fn a_pulled_change_to_a_hook_script_in_the_desk_needs_trust_too() {
    let d = TestDesk::new();
    let tmp = d.tmp.path();
    let log = tmp.join("hooks.log");
    fs::create_dir(d.path("hooks")).unwrap();
    fs::write(
        d.path("hooks/notify.sh"),
        format!("echo reviewed >> '{}'\n", log.display()),
    )
    .unwrap();
    append_config(
        &d.root,
        "[[hooks.rule]]\non = \"open\"\ncommand = \"sh hooks/notify.sh\"\n",
    );
    git_ok(&d.root, &["init", "-q"]);
    git_ok(&d.root, &["add", "-A"]);
    git_ok(&d.root, &["commit", "-qm", "desk with a hook script"]);
    let (a, b) = (tmp.join("a"), tmp.join("b"));
    git_ok(tmp, &["clone", "-q", "desk", "a"]);
    git_ok(tmp, &["clone", "-q", "desk", "b"]);
    let out = stdout(&run_in(&a, &["hooks", "trust"]));
    assert!(
        out.contains("  script in the desk: hooks/notify.sh (sha256:"),
        "{out}"
    );
    open_in(&a);
    assert_eq!(lines(&log), ["reviewed"]);

    // svcdesk.toml is untouched; only the script it runs changes.
    fs::write(
        b.join("hooks/notify.sh"),
        format!("echo pulled >> '{}'\n", log.display()),
    )
    .unwrap();
    git_ok(&b, &["commit", "-qam", "what the hook does"]);
    git_ok(&a, &["pull", "-q", "--no-edit", "../b", "main"]);
    let o = open_in(&a);
    assert_eq!(warnings(&o), 1, "{}", stderr(&o));
    assert_eq!(lines(&log), ["reviewed"]);
}

#[test]
fn a_trust_file_that_git_tracks_is_not_believed() {
    let d = TestDesk::new();
    let log = d.tmp.path().join("hooks.log");
    append_config(&d.root, &rule(&log, "ran"));
    d.ok(&["hooks", "trust"]);
    git_ok(&d.root, &["init", "-q"]);
    git_ok(&d.root, &["add", "-A"]);
    // As a malicious commit would: force-added past .gitignore, so a pull writes it.
    git_ok(&d.root, &["add", "-f", ".svcdesk/trusted-hooks"]);
    git_ok(
        &d.root,
        &["commit", "-qm", "trust my hooks on your machine"],
    );
    let o = open_in(&d.root);
    assert_eq!(warnings(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("tracked by git"), "{}", stderr(&o));
    assert!(lines(&log).is_empty());
}

/// A grade-III ticket whose respond timer breached by 10:00, and a breach hook.
fn breached_desk(trusted: bool) -> (TestDesk, String, PathBuf) {
    let d = TestDesk::new();
    let log = d.tmp.path().join("hooks.log");
    let c = d.add(&["--name", "华东机械"]);
    let t = d
        .ok(&[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "complaint",
            "--grade",
            "III",
            "-m",
            "left early",
        ])
        .trim()
        .to_string();
    append_config(
        &d.root,
        &format!(
            "[[hooks.rule]]\non = \"sla-breach\"\ncommand = \"echo hook $SVCDESK_ID >> '{}'\"\n",
            log.display()
        ),
    );
    if trusted {
        d.ok(&["hooks", "trust"]);
    }
    (d, t, log)
}

fn sla_check(d: &TestDesk, extra: &[&str]) -> Output {
    d.cmd()
        .env("SVCDESK_NOW", "2026-11-24T10:00:00+08:00")
        .args(["sla", "check", "--notify"])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn sla_notify_with_untrusted_hooks_exits_3_and_writes_nothing() {
    let (d, t, log) = breached_desk(false);
    let file = format!("tickets/2026/11/{t}.toml");
    let before = fs::read(d.path(&file)).unwrap();
    let o = sla_check(&d, &[]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert_eq!(stdout(&o), "", "refused before anything is printed");
    let err = stderr(&o);
    assert!(
        err.contains("changed since this clone trusted them")
            && err.contains("`svcdesk hooks trust`"),
        "{err}"
    );
    assert!(lines(&log).is_empty());
    assert_eq!(
        fs::read(d.path(&file)).unwrap(),
        before,
        "no sla-notified written"
    );

    // The user's own --notify CMD runs; the hooks do not, and the breach stays owed to
    // them (not recorded as notified), so they tell it once trusted.
    let mine = d.tmp.path().join("mine.log");
    let cmd = format!("echo mine $SVCDESK_ID >> '{}'", mine.display());
    let o = sla_check(&d, &[&cmd]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(warnings(&o), 1, "{}", stderr(&o));
    assert_eq!(lines(&mine), [format!("mine {t}")]);
    assert!(lines(&log).is_empty());
    assert_eq!(fs::read(d.path(&file)).unwrap(), before);

    d.ok(&["hooks", "trust"]);
    let o = sla_check(&d, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(lines(&log), [format!("hook {t}")]);
    assert!(d.read(&file).contains("action = \"sla-notified\""));
}

#[test]
fn sla_notify_runs_trusted_hooks_and_the_env_trusts_them_too() {
    let (d, t, log) = breached_desk(false);
    let o = d
        .cmd()
        .env("SVCDESK_NOW", "2026-11-24T10:00:00+08:00")
        .env("SVCDESK_TRUST_HOOKS", "1")
        .args(["sla", "check", "--notify"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(warnings(&o), 0);
    assert_eq!(lines(&log), [format!("hook {t}")]);

    let (d, t, log) = breached_desk(true);
    let o = sla_check(&d, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(lines(&log), [format!("hook {t}")]);
}
