//! The example scripts in examples/ are run as written (svcdesk from the build on PATH, in
//! a temporary directory), so they never rot.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::path_with_svcdesk;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// Runs `bash examples/NAME ARGS...` in a fresh temp dir with the built svcdesk first on
/// PATH and none of the caller's desk settings.
fn run(name: &str, args: &[&Path], envs: &[(&str, &Path)]) -> (Output, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let path = path_with_svcdesk();
    let mut cmd = std::process::Command::new("bash");
    cmd.arg(examples().join(name))
        .args(args)
        .current_dir(tmp.path())
        .env("PATH", path)
        .env("COLUMNS", "200")
        .env_remove("SVCDESK_DIR")
        .env_remove("SVCDESK_USER")
        .env_remove("SVCDESK_NOW");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    assert!(
        o.status.success(),
        "{name} failed ({}):\n{}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o, tmp)
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn ticket_life_walks_a_ticket_from_open_to_close() {
    let tmp = tempfile::tempdir().unwrap();
    let (o, _run_dir) = run("ticket-life.sh", &[tmp.path()], &[]);
    let (out, err) = text(&o);
    assert!(err.contains("close (now closed)"), "{err}");
    assert!(err.contains("comp-approve (now in-progress)"), "{err}");
    assert!(
        out.contains("compensation    approved: 500 CNY coupon"),
        "{out}"
    );
    // Every timer met, the ledger row and the month's statistics.
    assert!(
        out.lines()
            .any(|l| l.starts_with("  respond ") && l.ends_with(" 100.0 %")),
        "{out}"
    );
    assert!(
        out.contains(",closed,") && out.contains("ticket life done: T"),
        "{out}"
    );
    assert!(!out.contains("breached"), "{out}");
    assert!(tmp.path().join("life-desk/svcdesk.toml").is_file());
}

#[test]
fn git_setup_merges_two_clones_and_the_hook_refuses_a_broken_record() {
    if std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("git not installed; skipping");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // The tester's own git settings (signing, hooks path, default branch) stay out.
    let (o, _run_dir) = run(
        "git-setup.sh",
        &[tmp.path()],
        &[
            ("GIT_CONFIG_GLOBAL", Path::new("/dev/null")),
            ("GIT_CONFIG_NOSYSTEM", Path::new("1")),
        ],
    );
    let (out, err) = text(&o);
    assert!(out.contains("called the customer back"), "{out}");
    assert!(out.contains("asked for the serial number"), "{out}");
    assert!(out.contains("merged desk is consistent"), "{out}");
    assert!(out.contains("pre-commit hook: installed"), "{out}");
    assert!(
        err.contains("unclosed array"),
        "the hook ran svcdesk check: {err}"
    );
    assert!(tmp.path().join("wang-desk/.git/hooks/pre-commit").is_file());
}

#[test]
fn build_desk_builds_a_clean_desk_elsewhere() {
    let out = tempfile::tempdir().unwrap();
    let desk = out.path().join("desk");
    let bin = assert_cmd::cargo::cargo_bin("svcdesk");
    let (_, _run_dir) = run("build-desk.sh", &[&bin], &[("DESK_OUT", &desk)]);
    assert!(desk.join("svcdesk.toml").is_file());
    let o = std::process::Command::new(&bin)
        .args(["-C"])
        .arg(&desk)
        .arg("check")
        .env_remove("SVCDESK_DIR")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Every job of examples/crontab, as cron would run it (`sh -c` with the crontab's
/// variables, `\%` unescaped), exits 0 on a desk just made by `svcdesk init`, today and a
/// year from now: the crontab is installable as shipped, before any hook or escalation is
/// set up.
#[test]
fn every_crontab_job_runs_on_a_fresh_init_desk() {
    let year_later = (chrono::Utc::now() + chrono::Days::new(366))
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string();
    crontab_on_a_fresh_desk(None);
    crontab_on_a_fresh_desk(Some(&year_later));
}

/// Runs every crontab job on a new `init` desk; `now` is SVCDESK_NOW, else the clock.
fn crontab_on_a_fresh_desk(now: Option<&str>) {
    let crontab = std::fs::read_to_string(examples().join("crontab")).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("svcdesk");
    let tmp = tempfile::tempdir().unwrap();
    let desk = tmp.path().join("desk");
    let clocked = |cmd: &mut std::process::Command| {
        cmd.env_remove("SVCDESK_DIR").env_remove("SVCDESK_NOW");
        if let Some(now) = now {
            cmd.env("SVCDESK_NOW", now);
        }
    };
    let mut init = std::process::Command::new(&bin);
    init.arg("init").arg(&desk);
    clocked(&mut init);
    let o = init.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let path = path_with_svcdesk();
    let mut vars = Vec::new();
    let mut jobs = Vec::new();
    for line in crontab.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((k, v)) = line.split_once('=')
            && !k.is_empty()
            && k.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
        {
            vars.push((k.to_string(), v.to_string()));
            continue;
        }
        // Five schedule fields, then the command; cron turns `\%` into `%`.
        let mut rest = line;
        for _ in 0..5 {
            let i = rest
                .find(char::is_whitespace)
                .expect("five schedule fields");
            rest = rest[i..].trim_start();
        }
        assert!(
            !rest.replace("\\%", "").contains('%'),
            "an unescaped % ends a cron command: {line}"
        );
        jobs.push(rest.replace("\\%", "%"));
    }
    assert!(jobs.len() >= 4, "{jobs:?}");
    assert!(jobs.iter().any(|j| j.contains("svcdesk sla check")));
    for job in &jobs {
        let mut cmd = std::process::Command::new("sh");
        cmd.args(["-c", job]).current_dir(tmp.path());
        for (k, v) in &vars {
            cmd.env(k, v);
        }
        clocked(&mut cmd);
        let o = cmd
            .env("PATH", &path)
            .env("HOME", tmp.path())
            .env("SVCDESK_DIR", &desk)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{job} at {now:?}: exit {:?}\n{}",
            o.status.code(),
            String::from_utf8_lossy(&o.stderr)
        );
        if job.contains("sla check") || job.ends_with("svcdesk check") {
            // cron mails any output: a fresh desk is all well, so nothing.
            assert!(
                o.stdout.is_empty() && o.stderr.is_empty(),
                "{job} at {now:?} spoke"
            );
        }
    }
    let ledgers = std::fs::read_dir(tmp.path().join("ledgers"))
        .unwrap()
        .count();
    assert_eq!(ledgers, 2, "tickets and service ledgers written");
}
