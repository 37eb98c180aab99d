//! `[lifecycle]` and followers end to end: `sla check --apply` closes a resolved ticket
//! after 5 working days of the desk calendar (across a weekend and a holiday), not while
//! a customer's answer is fresh; `--dry-run` writes nothing; `ticket list --opened-by`
//! and `--following` keep the tickets an agent registered after they were passed on.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{TestDesk, parse_csv, stderr, stdout};

/// Runs svcdesk as `user` at a desk-local time; returns (exit code, stdout, stderr).
fn at(d: &TestDesk, user: &str, when: &str, args: &[&str]) -> (i32, String, String) {
    let o = d
        .cmd()
        .env("SVCDESK_NOW", format!("{when}:00+08:00"))
        .env("SVCDESK_USER", user)
        .args(args)
        .output()
        .expect("svcdesk runs");
    (o.status.code().unwrap_or(-1), stdout(&o), stderr(&o))
}

fn ok_at(d: &TestDesk, user: &str, when: &str, args: &[&str]) -> (String, String) {
    let (code, out, err) = at(d, user, when, args);
    assert_eq!(
        code, 0,
        "svcdesk {args:?} at {when}: exit {code}\n{out}\n{err}"
    );
    (out, err)
}

/// `sla check --apply` (and `extra`) by cron at `when`; returns stderr. Exit 1 or 2 is
/// allowed: the report of SLA timers that follows is not what these tests are about
/// (the 24 h revisit timer of a resolved ticket breaches meanwhile).
fn apply(d: &TestDesk, when: &str, extra: &[&str]) -> String {
    let mut args = vec!["sla", "check", "--apply"];
    args.extend_from_slice(extra);
    let (code, out, err) = at(d, "cron", when, &args);
    assert!(
        matches!(code, 0..=2),
        "svcdesk {args:?} at {when}: exit {code}\n{out}\n{err}"
    );
    err
}

/// A ticket opened by `opener` at `when` and assigned on to li, who accepts it.
fn opened_by(d: &TestDesk, opener: &str, when: &str) -> String {
    let c = d.add(&["--name", "华东机械", "--phone", "021-5555-0101", "--force"]);
    let (out, _) = ok_at(
        d,
        opener,
        when,
        &[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "complaint",
            "-m",
            "机器过热",
        ],
    );
    let t = out.trim().to_string();
    ok_at(d, opener, when, &["ticket", "assign", &t, "--to", "li"]);
    ok_at(d, "li", when, &["ticket", "accept", &t]);
    t
}

/// A ticket li resolved at `when`.
fn resolved(d: &TestDesk, when: &str) -> String {
    let t = opened_by(d, "wang", "2026-12-02T09:00");
    ok_at(
        d,
        "li",
        when,
        &["ticket", "resolve", &t, "-m", "风扇已更换"],
    );
    t
}

fn ticket_text(d: &TestDesk, id: &str) -> String {
    d.read(&format!("tickets/{}/{}/{id}.toml", &id[1..5], &id[5..7]))
}

fn state(d: &TestDesk, id: &str) -> String {
    let t: toml::Table = toml::from_str(&ticket_text(d, id)).unwrap();
    t["state"].as_str().unwrap().to_string()
}

/// Every file of the desk and its bytes, but for the caches: any read may fill them
/// (they are local, untracked and rebuilt from the records), a dry run as well.
fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let caches = root.join(".svcdesk/cache");
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && !e.path().starts_with(&caches))
        .map(|e| {
            let rel = e.path().strip_prefix(root).unwrap().display().to_string();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// A desk closing resolved tickets after 5wd, with Tuesday 2026-12-08 a holiday.
fn desk() -> TestDesk {
    let d = TestDesk::new();
    let text = d.read("svcdesk.toml");
    let text = text.replacen("holidays = [\n", "holidays = [\n  \"2026-12-08\",\n", 1);
    d.write("svcdesk.toml", text);
    d.append_config("\n[lifecycle]\nclose_resolved_after = \"5wd\"\n");
    d
}

#[test]
fn a_resolved_ticket_closes_after_five_working_days_across_a_weekend_and_a_holiday() {
    let d = desk();
    // Resolved Thursday 10:00. Working days: Fri 4th, Mon 7th, (Tue 8th a holiday),
    // Wed 9th, Thu 10th, Fri 11th: due Friday 2026-12-11 10:00.
    let t = resolved(&d, "2026-12-03T10:00");
    // Thursday 17:00 is past five days without the holiday: still resolved.
    let err = apply(&d, "2026-12-10T17:00", &[]);
    assert_eq!(err, "");
    let err = apply(&d, "2026-12-11T09:59", &[]);
    assert_eq!(err, "");
    assert_eq!(state(&d, &t), "resolved");

    // --dry-run says what it would close and changes no byte.
    let before = snapshot(&d.root);
    let err = apply(&d, "2026-12-11T10:00", &["--dry-run"]);
    assert_eq!(
        err,
        format!("{t}: would close (resolved or answered 2026-12-03 10:00)\n")
    );
    assert_eq!(before, snapshot(&d.root), "--dry-run wrote something");

    let before = ticket_text(&d, &t);
    let err = apply(&d, "2026-12-11T10:00", &[]);
    assert_eq!(
        err,
        format!("{t}: closed (resolved or answered 2026-12-03 10:00)\n")
    );
    assert_eq!(state(&d, &t), "closed");
    // One close event by svcdesk appended; the earlier lines untouched.
    let after = ticket_text(&d, &t);
    let event = after.rsplit("[[event]]").next().unwrap();
    assert!(event.contains("by = \"svcdesk\""), "{event}");
    assert!(event.contains("action = \"close\""), "{event}");
    assert!(event.contains("2026-12-11T10:00:00+08:00"), "{event}");
    let head = before.split("[[event]]").skip(1).count();
    assert_eq!(after.split("[[event]]").skip(1).count(), head + 1);
    // The same run again has nothing left to do.
    let err = apply(&d, "2026-12-11T11:00", &[]);
    assert_eq!(err, "");
}

#[test]
fn a_customer_answer_starts_the_count_again_and_a_low_score_keeps_it_open() {
    let d = desk();
    let answered = resolved(&d, "2026-12-03T10:00");
    let unhappy = resolved(&d, "2026-12-03T10:00");
    ok_at(
        &d,
        "zhao",
        "2026-12-09T14:00",
        &["ticket", "revisit", &answered, "-m", "还在观察，下周再说"],
    );
    ok_at(
        &d,
        "zhao",
        "2026-12-09T14:00",
        &["ticket", "revisit", &unhappy, "--result", "2"],
    );
    let err = apply(&d, "2026-12-11T10:00", &[]);
    assert_eq!(err, "");
    assert_eq!(state(&d, &answered), "resolved");
    // Five working days from Wednesday 14:00: Thu, Fri, Mon, Tue, Wed 16th 14:00.
    let err = apply(&d, "2026-12-16T13:59", &[]);
    assert_eq!(err, "");
    let err = apply(&d, "2026-12-16T14:00", &[]);
    assert_eq!(
        err,
        format!("{answered}: closed (resolved or answered 2026-12-09 14:00)\n")
    );
    assert_eq!(state(&d, &answered), "closed");
    assert_eq!(state(&d, &unhappy), "resolved");
}

#[test]
fn a_wait_until_a_day_is_resumed_on_that_day_without_any_lifecycle_section() {
    let d = TestDesk::new();
    let t = opened_by(&d, "wang", "2026-12-02T09:00");
    ok_at(
        &d,
        "li",
        "2026-12-04T16:00",
        &["ticket", "wait", &t, "--for", "customer", "--until", "+3d"],
    );
    // Sunday night: still waiting; no [lifecycle] closes resolved tickets here.
    let err = apply(&d, "2026-12-06T23:59", &[]);
    assert_eq!(err, "");
    assert_eq!(state(&d, &t), "waiting");
    let err = apply(&d, "2026-12-07T00:00", &["--dry-run"]);
    assert_eq!(
        err,
        format!("{t}: would resume (waited until 2026-12-07)\n")
    );
    assert_eq!(state(&d, &t), "waiting");
    let err = apply(&d, "2026-12-07T08:00", &[]);
    assert_eq!(err, format!("{t}: resumed (waited until 2026-12-07)\n"));
    assert_eq!(state(&d, &t), "in-progress");
    let text = ticket_text(&d, &t);
    let wait = text.rsplit("[[event]]").nth(1).unwrap();
    assert!(wait.contains("due = 2026-12-07"), "{wait}");
    let event = text.rsplit("[[event]]").next().unwrap();
    assert!(event.contains("by = \"svcdesk\""), "{event}");
    assert!(event.contains("action = \"resume\""), "{event}");
    assert_eq!(apply(&d, "2026-12-07T09:00", &[]), "");
}

#[test]
fn dry_run_needs_apply() {
    let d = TestDesk::new();
    let (code, _, err) = at(
        &d,
        "cron",
        "2026-12-02T10:00",
        &["sla", "check", "--dry-run"],
    );
    assert_eq!(code, 2, "{err}");
}

#[test]
fn the_opener_keeps_following_a_ticket_passed_on() {
    let d = TestDesk::new();
    let zhaos = opened_by(&d, "zhao", "2026-12-02T09:00");
    let wangs = opened_by(&d, "wang", "2026-12-02T09:10");
    let mut both = vec![zhaos.clone(), wangs.clone()];
    both.sort();
    let ids = |out: &str| -> Vec<String> {
        let (_, rows) = parse_csv(out);
        let mut ids: Vec<String> = rows.into_iter().map(|r| r[0].clone()).collect();
        ids.sort();
        ids
    };
    let list = |user: &str, args: &[&str]| {
        let mut all = vec!["ticket", "list", "--format", "csv"];
        all.extend_from_slice(args);
        ids(&ok_at(&d, user, "2026-12-02T10:00", &all).0)
    };
    // Assigned on to li: not zhao's by --mine, still zhao's by --opened-by and --following.
    assert_eq!(list("zhao", &["--mine"]), Vec::<String>::new());
    assert_eq!(list("li", &["--mine"]), both);
    assert_eq!(list("wang", &["--opened-by", "zhao"]), [zhaos.as_str()]);
    assert_eq!(
        list("wang", &["--opened-by", "zhao", "--opened-by", "wang"]),
        both
    );
    assert_eq!(list("zhao", &["--following"]), [zhaos.as_str()]);
    assert_eq!(list("wang", &["--following"]), [wangs.as_str()]);
    // Views and --where know the keys too.
    d.append_config("\n[views.followed]\nfollowing = true\nopen = true\n");
    assert_eq!(list("zhao", &["@followed"]), [zhaos.as_str()]);
    let (out, err) = ok_at(
        &d,
        "li",
        "2026-12-02T10:00",
        &[
            "ticket",
            "note",
            "--where",
            "opened-by=zhao",
            "-m",
            "客服跟进",
            "--dry-run",
        ],
    );
    let told = format!("{out}{err}");
    assert!(told.contains(&zhaos) && !told.contains(&wangs), "{told}");
}

#[test]
fn apply_with_commit_makes_one_commit_and_the_desk_checks_clean() {
    let d = desk();
    let a = resolved(&d, "2026-12-03T10:00");
    let b = resolved(&d, "2026-12-03T11:00");
    let git = |args: &[&str]| {
        let o = std::process::Command::new("git")
            .current_dir(&d.root)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
        stdout(&o)
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "desk"]);
    let o = d
        .cmd()
        .env("SVCDESK_NOW", "2026-12-11T12:00:00+08:00")
        .env("SVCDESK_USER", "cron")
        .env("GIT_AUTHOR_NAME", "Cron")
        .env("GIT_AUTHOR_EMAIL", "cron@example.com")
        .env("GIT_COMMITTER_NAME", "Cron")
        .env("GIT_COMMITTER_EMAIL", "cron@example.com")
        .args(["--commit", "sla", "check", "--apply"])
        .output()
        .unwrap();
    assert!(matches!(o.status.code(), Some(0 | 2)), "{}", stderr(&o));
    // In ID order.
    let mut want = [
        format!("{a}: closed (resolved or answered 2026-12-03 10:00)\n"),
        format!("{b}: closed (resolved or answered 2026-12-03 11:00)\n"),
    ];
    want.sort();
    assert_eq!(stderr(&o), want.concat());
    let log = git(&["log", "--format=%s", "--name-only", "-1"]);
    assert!(
        log.starts_with("sla check --apply: 2 ticket(s) closed, resumed or reminded of"),
        "{log}"
    );
    assert!(log.contains(&a) && log.contains(&b), "{log}");
    assert_eq!(git(&["status", "--porcelain"]), "");
    assert_eq!(git(&["rev-list", "--count", "HEAD"]).trim(), "2");
    ok_at(&d, "cron", "2026-12-11T12:00", &["check"]);
}

#[test]
fn a_bad_lifecycle_section_names_its_line() {
    let d = TestDesk::new();
    d.append_config("\n[lifecycle]\nclose_resolved_after = \"5 days\"\n");
    let (code, _, err) = at(&d, "wang", "2026-12-02T10:00", &["ticket", "list"]);
    assert_ne!(code, 0);
    assert!(
        err.contains("svcdesk.toml:") && err.contains("invalid SLA target \"5 days\""),
        "{err}"
    );
    let d = TestDesk::new();
    d.append_config("\n[lifecycle]\nclose_after = \"5wd\"\n");
    let (code, _, err) = at(&d, "wang", "2026-12-02T10:00", &["ticket", "list"]);
    assert_ne!(code, 0);
    assert!(err.contains("close_after"), "{err}");
}

#[test]
fn a_makeup_saturday_counts_and_a_customer_reply_starts_the_count_again() {
    let d = desk();
    // Saturday 2026-12-12 is worked (调休) in this desk's year.
    let text = d.read("svcdesk.toml");
    let text = text.replacen("makeup_days = [", "makeup_days = [\"2026-12-12\", ", 1);
    d.write("svcdesk.toml", text);
    let quiet = resolved(&d, "2026-12-07T10:00");
    let replied = resolved(&d, "2026-12-07T10:00");
    // The customer writes back on Friday (a mail taken in, or typed by a clerk).
    ok_at(
        &d,
        "wang",
        "2026-12-11T14:00",
        &[
            "ticket",
            "customer-reply",
            &replied,
            "-m",
            "还是有异响，请再看看",
        ],
    );
    // From Monday 7th 10:00: (Tue 8th a holiday) Wed 9th, Thu 10th, Fri 11th, Sat 12th
    // (调休), Mon 14th: due Monday 10:00. Without the make-up day it would be Tuesday.
    let err = apply(&d, "2026-12-14T09:59", &[]);
    assert_eq!(err, "");
    let err = apply(&d, "2026-12-14T10:00", &[]);
    assert_eq!(
        err,
        format!("{quiet}: closed (resolved or answered 2026-12-07 10:00)\n")
    );
    assert_eq!(state(&d, &quiet), "closed");
    // The reply restarted the count on Friday 14:00: Sat, Mon, Tue, Wed, Thu 17th 14:00.
    assert_eq!(state(&d, &replied), "resolved");
    let err = apply(&d, "2026-12-17T13:59", &[]);
    assert_eq!(err, "");
    let err = apply(&d, "2026-12-17T14:00", &[]);
    assert_eq!(
        err,
        format!("{replied}: closed (resolved or answered 2026-12-11 14:00)\n")
    );
}
