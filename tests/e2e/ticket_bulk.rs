//! Ticket steps on several tickets at once: several IDs or `-` for IDs on stdin, one desk
//! lock and one `--commit` commit for the batch, `--dry-run` writes no byte, a refused
//! ticket does not stop the others (exit 1 naming it), `--atomic` changes none.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::Instant;

use crate::common::{TestDesk, git_ok, stderr, stdout};

/// A desk with a customer and `n` tickets opened and routed (state assigned): the first
/// opened by `ticket open`, the others copies of its file under IDs `T20261124-Q00001`…
/// (opening 1,000 tickets one by one would make the test slow, not the step).
fn desk_with_tickets(n: usize) -> (TestDesk, Vec<String>) {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械", "--phone", "13800001111"]);
    let first = d
        .ok(&[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "complaint",
            "-m",
            "does not start",
        ])
        .trim()
        .to_string();
    let text = d.read(&rel(&first));
    let mut ids = vec![first.clone()];
    for i in 1..n {
        let id = format!("T20261124-Q{i:05}");
        d.write(&rel(&id), text.replace(&first, &id));
        ids.push(id);
    }
    (d, ids)
}

fn rel(id: &str) -> String {
    format!("tickets/2026/11/{id}.toml")
}

/// Every file under the desk (`.git` aside) and its bytes.
fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            if p.is_dir() {
                walk(&p, root, out);
            } else {
                let key = p.strip_prefix(root).unwrap().display().to_string();
                out.insert(key, fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn git_desk(d: &TestDesk) {
    git_ok(&d.root, &["init", "-q"]);
    git_ok(&d.root, &["config", "user.name", "Test"]);
    git_ok(&d.root, &["config", "user.email", "test@example.com"]);
    d.ok(&["git", "setup"]);
    git_ok(&d.root, &["add", "-A"]);
    git_ok(&d.root, &["commit", "-q", "-m", "start"]);
}

#[test]
fn a_thousand_tickets_reassigned_in_one_command_make_one_commit() {
    let (d, ids) = desk_with_tickets(1000);
    git_desk(&d);
    // As `ticket list --format csv | cut -d, -f1` gives them: a header and a blank line.
    let list = d.ok(&["ticket", "list", "--format", "csv"]);
    let mut stdin: String = list
        .lines()
        .map(|l| format!("{}\n", l.split(',').next().unwrap()))
        .collect();
    stdin.push('\n');
    assert!(stdin.starts_with("id\n"), "{stdin:.40}");
    let started = Instant::now();
    let o = d
        .cmd()
        .args([
            "--commit",
            "ticket",
            "assign",
            "-",
            "--to",
            "li",
            "--reason",
            "wang is away",
        ])
        .write_stdin(stdin)
        .output()
        .unwrap();
    let took = started.elapsed();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut printed: Vec<String> = stdout(&o).lines().map(str::to_string).collect();
    printed.sort();
    let mut want = ids.clone();
    want.sort();
    assert_eq!(printed, want, "one line per ticket, its ID");
    assert!(took.as_secs() < 60, "1,000 tickets took {took:?}");

    let log = git_ok(&d.root, &["log", "--format=%s"]);
    assert_eq!(
        log.lines().count(),
        2,
        "exactly one commit for the batch:\n{log}"
    );
    assert_eq!(
        log.lines().next(),
        Some("ticket assign: 1000 tickets to li")
    );
    assert_eq!(
        git_ok(&d.root, &["status", "--porcelain"]),
        "",
        "all committed"
    );
    let changed = git_ok(&d.root, &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(
        changed.lines().count(),
        1000,
        "every ticket file in the commit"
    );
    for id in ["T20261124-Q00001", "T20261124-Q00999", ids[0].as_str()] {
        let t = d.read(&rel(id));
        assert!(t.contains("assignee = \"li\""), "{id}:\n{t}");
        assert!(
            t.ends_with("assignee = \"li\"\nreason = \"wang is away\"\n"),
            "{id}:\n{t}"
        );
    }
    let shown = d.ok(&["ticket", "show", "T20261124-Q00500"]);
    assert!(shown.contains("li"), "{shown}");
}

#[test]
fn dry_run_checks_every_ticket_and_writes_no_byte() {
    let (d, ids) = desk_with_tickets(3);
    d.ok(&["ticket", "accept", &ids[1]]);
    let before = snapshot(&d.root);
    let o = d.run(&["ticket", "accept", &ids[0], &ids[2], "--dry-run"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), format!("{}\n{}\n", ids[0], ids[2]));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{}: would accept (then accepted)", ids[0])),
        "{err}"
    );
    assert_eq!(snapshot(&d.root), before, "--dry-run changed the desk");

    // A step that would be refused is named, still with nothing written.
    let o = d.run(&["ticket", "accept", &ids[0], &ids[1], "--dry-run"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("error: {}: cannot accept", ids[1])),
        "{err}"
    );
    assert_eq!(snapshot(&d.root), before, "--dry-run changed the desk");
}

#[test]
fn a_refused_ticket_does_not_stop_the_others_and_exits_1_naming_it() {
    let (d, ids) = desk_with_tickets(3);
    d.ok(&["ticket", "accept", &ids[1]]);
    let refused = d.read(&rel(&ids[1]));
    let o = d.run(&["ticket", "accept", &ids[0], &ids[1], &ids[2], "NOPE99"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), format!("{}\n{}\n", ids[0], ids[2]));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("error: {}: cannot accept", ids[1])),
        "{err}"
    );
    assert!(err.contains("error: NOPE99: "), "{err}");
    assert!(
        err.contains("2 of 4 tickets refused; the others were changed"),
        "{err}"
    );
    for id in [&ids[0], &ids[2]] {
        assert!(d.read(&rel(id)).contains("state = \"accepted\""), "{id}");
    }
    assert_eq!(
        d.read(&rel(&ids[1])),
        refused,
        "the refused ticket is untouched"
    );
}

#[test]
fn atomic_changes_none_when_one_is_refused() {
    let (d, ids) = desk_with_tickets(3);
    d.ok(&["ticket", "accept", &ids[1]]);
    let before = snapshot(&d.root);
    let o = d.run(&["ticket", "accept", &ids[0], &ids[1], &ids[2], "--atomic"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    assert!(
        err.contains(&format!("error: {}: cannot accept", ids[1])),
        "{err}"
    );
    assert!(err.contains("--atomic: no ticket was changed"), "{err}");
    assert_eq!(snapshot(&d.root), before, "--atomic wrote");

    // With every ticket allowed, --atomic takes them all.
    let o = d.run(&[
        "ticket", "note", &ids[0], &ids[1], &ids[2], "--atomic", "-m", "外出",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 3);
}

#[test]
fn no_ids_on_stdin_is_a_usage_error_and_grade_takes_several() {
    let (d, ids) = desk_with_tickets(2);
    let o = d
        .cmd()
        .args(["ticket", "accept", "-"])
        .write_stdin("id\n\n")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no ticket IDs on stdin"),
        "{}",
        stderr(&o)
    );

    let out = d.ok(&[
        "ticket", "grade", &ids[0], &ids[1], "II", "--reason", "batch",
    ]);
    assert_eq!(out, format!("{}\n{}\n", ids[0], ids[1]));
    for id in &ids {
        assert!(d.read(&rel(id)).contains("grade = \"II\""), "{id}");
    }
}

#[test]
fn set_corrects_several_tickets_and_skips_none_silently() {
    let (d, ids) = desk_with_tickets(3);
    d.ok(&[
        "ticket",
        "set",
        &ids[1],
        "--priority",
        "high",
        "--reason",
        "first",
    ]);
    let o = d.run(&[
        "ticket",
        "set",
        &ids[0],
        &ids[1],
        &ids[2],
        "--priority",
        "high",
        "--reason",
        "line down",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), format!("{}\n{}\n", ids[0], ids[2]));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{}: set priority: medium → high", ids[0])),
        "{err}"
    );
    assert!(
        err.contains(&format!("error: {}: nothing to change", ids[1])),
        "{err}"
    );
    for id in [&ids[0], &ids[2]] {
        assert!(d.read(&rel(id)).contains("priority = \"high\""), "{id}");
    }
}

/// `svcdesk -C <desk> args…` on a terminal (util-linux `script` gives it one), with
/// `answer` typed; None where `script` is not installed.
fn on_a_terminal(d: &TestDesk, args: &[&str], answer: &str) -> Option<String> {
    let has = std::process::Command::new("script")
        .arg("--version")
        .output();
    if !has.is_ok_and(|o| o.status.success()) {
        return None;
    }
    let line = format!(
        "{} -C {} {}",
        crate::common::bin().display(),
        d.root.display(),
        args.join(" ")
    );
    let mut c = assert_cmd::Command::new("script");
    c.args(["-qec", &line, "/dev/null"])
        .env("SVCDESK_NOW", crate::common::NOW)
        .env("SVCDESK_USER", crate::common::USER)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("SVCDESK_DIR")
        .write_stdin(answer.to_string());
    let o = c.output().unwrap();
    Some(format!("{}{}", stdout(&o), stderr(&o)))
}

#[test]
fn more_than_ten_tickets_on_a_terminal_are_confirmed_first() {
    let (d, ids) = desk_with_tickets(11);
    let mut args = vec!["ticket", "note"];
    args.extend(ids.iter().map(String::as_str));
    args.extend(["-m", "batch-note"]);
    let before = snapshot(&d.root);
    let Some(out) = on_a_terminal(&d, &args, "n\n") else {
        eprintln!("skipped: no `script` to give svcdesk a terminal");
        return;
    };
    assert!(out.contains("note 11 tickets? [y/N]"), "{out}");
    assert!(
        out.contains("not confirmed: no ticket was changed"),
        "{out}"
    );
    assert_eq!(snapshot(&d.root), before, "refused, yet written");
    let out = on_a_terminal(&d, &args, "y\n").unwrap();
    assert!(out.contains("note 11 tickets? [y/N]"), "{out}");
    for id in &ids {
        assert!(d.read(&rel(id)).contains("batch-note"), "{id}: {out}");
    }
    // --yes, or no terminal (the other tests), does not ask.
    args.push("--yes");
    let out = on_a_terminal(&d, &args, "").unwrap();
    assert!(!out.contains("[y/N]"), "{out}");
}
