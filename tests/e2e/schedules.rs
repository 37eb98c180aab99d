//! End-to-end: planned maintenance schedules — `schedule add|list|show|stop|run`. A
//! quarterly schedule run twice in one quarter opens one visit request; occurrences on
//! holidays and weekends move to the next working day of the desk calendar; the same run
//! on two git clones writes byte-identical files that merge without conflict.
//!
//! Dates worked out by hand (default desk calendar: the PRC holidays of 2026, Mon–Fri;
//! 2027 has no holidays listed, so only weekends move):
//! - from 2026-10-03 (Sat, inside 国庆 10-01..10-07) → wanted Thu 2026-10-08;
//! - 2027-01-03 (Sun) → Mon 2027-01-04;
//! - 2027-04-03 (Sat) → Mon 2027-04-05.

use std::path::Path;

use crate::common::staff::{LI, SUN, WANG, roster};
use crate::common::{TestDesk, git, git_ok, parse_csv, stderr, stdout};

/// `svcdesk` as `user` at `now` ("2026-12-02 09:00", Shanghai time) on the desk at `root`.
fn run_in(root: &Path, now: &str, user: &str, args: &[&str]) -> std::process::Output {
    let mut c = assert_cmd::Command::cargo_bin("svcdesk").unwrap();
    c.env("SVCDESK_NOW", format!("{now}:00+08:00"))
        .env("SVCDESK_USER", user)
        .env("COLUMNS", "200")
        .env_remove("SVCDESK_DIR")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .expect("svcdesk runs")
}

fn ok_in(root: &Path, now: &str, user: &str, args: &[&str]) -> String {
    let o = run_in(root, now, user, args);
    assert!(
        o.status.success(),
        "svcdesk {args:?} failed with {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

fn ok(desk: &TestDesk, now: &str, user: &str, args: &[&str]) -> String {
    ok_in(&desk.root, now, user, args)
}

/// Runs, asserts the exit code and an empty stdout, returns stderr.
fn fails(desk: &TestDesk, code: i32, args: &[&str]) -> String {
    let o = run_in(&desk.root, "2026-12-02 09:00", "li", args);
    assert_eq!(
        o.status.code(),
        Some(code),
        "svcdesk {args:?}: expected exit {code}\nstdout:\n{}\nstderr:\n{}",
        stdout(&o),
        stderr(&o)
    );
    assert_eq!(stdout(&o), "");
    stderr(&o)
}

/// The `.toml` files under `dir` (recursively), relative to `root`, sorted.
fn files(root: &Path, dir: &str) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(root.join(dir))
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
        .map(|e| {
            e.path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    out.sort();
    out
}

/// A desk with staff li, wang, sun and a customer; returns it and the customer ID.
fn desk() -> (TestDesk, String) {
    let desk = TestDesk::new();
    desk.append_config(&roster(&[LI, WANG, SUN]));
    let c = ok(
        &desk,
        "2026-12-01 09:00",
        "li",
        &["customer", "add", "--name", "华东机械"],
    );
    (desk, c.trim().to_string())
}

fn add_quarterly(root: &Path, customer: &str) -> String {
    ok_in(
        root,
        "2026-12-02 09:00",
        "li",
        &[
            "schedule",
            "add",
            "--customer",
            customer,
            "--every",
            "3mo",
            "--type",
            "maintenance",
            "--scope",
            "service the X200 presses",
            "--from",
            "2026-10-03",
            "--engineer",
            "wang",
        ],
    )
    .trim()
    .to_string()
}

#[test]
fn a_quarterly_schedule_run_twice_in_a_quarter_opens_one_request() {
    let (desk, c) = desk();
    let s = add_quarterly(&desk.root, &c);
    assert!(s.starts_with("S20261202-") && s.len() == 16, "{s}");
    let sched: toml::Table = desk.read(&format!("schedules/{s}.toml")).parse().unwrap();
    assert_eq!(sched["state"].as_str(), Some("active"));
    assert_eq!(sched["every"].as_str(), Some("3mo"));
    assert_eq!(sched["customer"].as_str(), Some(c.as_str()));
    assert_eq!(sched["engineer"].as_str(), Some("wang"));

    // Dry run: says what is due, writes nothing.
    let o = run_in(
        &desk.root,
        "2026-12-02 09:00",
        "li",
        &["schedule", "run", "--dry-run"],
    );
    assert!(o.status.success());
    let v = stdout(&o).trim().to_string();
    assert!(v.starts_with("V20261003-") && v.len() == 16, "{v}");
    assert!(stderr(&o).contains("would open"), "{}", stderr(&o));
    assert_eq!(files(&desk.root, "visits"), Vec::<String>::new());

    // The run opens the 3 October occurrence, wanted on the first working day after
    // National Day; the request is the schedule author's, at 00:00 of the occurrence.
    let out = ok(&desk, "2026-12-02 09:00", "li", &["schedule", "run"]);
    assert_eq!(out.trim(), v, "the dry run named the same ID");
    let rel = format!("visits/2026/10/{v}.toml");
    assert_eq!(files(&desk.root, "visits"), vec![rel.clone()]);
    let text = desk.read(&rel);
    let visit: toml::Table = text.parse().unwrap();
    assert_eq!(visit["state"].as_str(), Some("requested"));
    assert_eq!(visit["date"].to_string(), "2026-10-08");
    assert_eq!(visit["requested"].to_string(), "2026-10-03T00:00:00+08:00");
    assert_eq!(visit["requested_by"].as_str(), Some("li"));
    assert_eq!(visit["schedule"].as_str(), Some(s.as_str()));
    assert_eq!(visit["customer"].as_str(), Some(c.as_str()));
    assert_eq!(visit["service_type"].as_str(), Some("maintenance"));
    assert_eq!(visit["resources"].as_str(), Some("engineer wang"));
    assert!(visit.get("ticket").is_none(), "no ticket:\n{text}");

    // Again later in the same quarter (as another user): nothing, the file untouched.
    let o = run_in(&desk.root, "2026-12-30 18:00", "wang", &["schedule", "run"]);
    assert!(o.status.success());
    assert_eq!(stdout(&o), "");
    assert!(
        stderr(&o).contains("nothing due on or before 2026-12-30"),
        "{}",
        stderr(&o)
    );
    assert_eq!(desk.read(&rel), text);

    // The next quarter: 2027-01-03 is a Sunday, wanted Monday the 4th.
    let o = run_in(
        &desk.root,
        "2026-12-30 18:00",
        "li",
        &["schedule", "run", "--at", "2027-01-03"],
    );
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("no holidays of 2027 are listed in [calendar]"),
        "{}",
        stderr(&o)
    );
    let next = stdout(&o);
    let next = next.trim();
    assert!(next.starts_with("V20270103-"), "{next}");
    let v2: toml::Table = desk
        .read(&format!("visits/2027/01/{next}.toml"))
        .parse()
        .unwrap();
    assert_eq!(v2["date"].to_string(), "2027-01-04");

    // list and show: the next occurrence after today, the occurrences opened.
    let csv = ok(
        &desk,
        "2026-12-02 09:00",
        "li",
        &["schedule", "list", "--format", "csv"],
    );
    let (head, rows) = parse_csv(&csv);
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][col("id")], s);
    assert_eq!(rows[0][col("next")], "2027-01-04");
    let zh = ok(
        &desk,
        "2026-12-02 09:00",
        "li",
        &["--lang", "zh", "schedule", "list"],
    );
    for w in ["周期", "下次", "生效", "保养", "王工"] {
        assert!(zh.contains(w), "{w}: {zh}");
    }
    let show = ok(&desk, "2026-12-02 09:00", "li", &["schedule", "show", &s]);
    assert!(
        show.contains(&format!("2026-10-03 (moved to 2026-10-08)  {v}  opened")),
        "{show}"
    );

    // The planned visit goes on like any other: approved, scheduled, started, reported;
    // the report names the customer, as there is no ticket.
    let vshow = ok(&desk, "2026-12-02 09:00", "li", &["visit", "show", &v]);
    assert!(vshow.contains(&s), "{vshow}");
    ok(&desk, "2026-12-02 10:00", "sun", &["visit", "approve", &v]);
    ok(
        &desk,
        "2026-12-02 10:05",
        "li",
        &[
            "visit",
            "schedule",
            &v,
            "--engineer",
            "wang",
            "--for",
            "2026-12-03 09:00",
        ],
    );
    ok(&desk, "2026-12-03 09:00", "wang", &["visit", "start", &v]);
    let r = ok(
        &desk,
        "2026-12-03 17:00",
        "wang",
        &[
            "report",
            "add",
            "--visit",
            &v,
            "-m",
            "presses serviced",
            "--outcome",
            "resolved",
        ],
    );
    let report: toml::Table = desk
        .read(&format!("reports/2026/12/{}.toml", r.trim()))
        .parse()
        .unwrap();
    assert_eq!(report["customer"].as_str(), Some(c.as_str()));
    let done: toml::Table = desk.read(&rel).parse().unwrap();
    assert_eq!(done["state"].as_str(), Some("done"));

    // Stopped: nothing more opens; the history is kept.
    let o = run_in(
        &desk.root,
        "2026-12-31 09:00",
        "li",
        &["schedule", "stop", &s, "-m", "contract ended"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = ok(
        &desk,
        "2026-12-31 09:00",
        "li",
        &["schedule", "run", "--at", "2027-04-10"],
    );
    assert_eq!(out, "");
    assert_eq!(files(&desk.root, "visits").len(), 2);
    let stopped = desk.read(&format!("schedules/{s}.toml"));
    assert!(stopped.contains("state = \"stopped\""), "{stopped}");
    assert_eq!(stopped.matches("[[event]]").count(), 2, "{stopped}");
    assert!(stopped.contains("contract ended"), "{stopped}");
    ok(&desk, "2026-12-31 09:00", "li", &["check"]);
}

#[test]
fn bad_schedules_are_refused_and_nothing_is_written() {
    let (desk, c) = desk();
    let base = |every: &str, ty: &str, cust: &str| {
        vec![
            "schedule".to_string(),
            "add".into(),
            "--customer".into(),
            cust.into(),
            "--every".into(),
            every.into(),
            "--type".into(),
            ty.into(),
            "--scope".into(),
            "x".into(),
        ]
    };
    for (every, ty, cust, code, says) in [
        ("3m", "maintenance", c.as_str(), 2, "not an interval"),
        ("0mo", "maintenance", c.as_str(), 2, "from 1 to 99"),
        ("3mo", "cleaning", c.as_str(), 2, "cleaning"),
        ("3mo", "maintenance", "ZZZZZZ", 1, "ZZZZZZ"),
    ] {
        let args = base(every, ty, cust);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let err = fails(&desk, code, &args);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert_eq!(files(&desk.root, "schedules"), Vec::<String>::new());
    let s = add_quarterly(&desk.root, &c);
    ok(&desk, "2026-12-02 09:00", "li", &["schedule", "stop", &s]);
    let before = desk.read(&format!("schedules/{s}.toml"));
    let err = fails(&desk, 1, &["schedule", "stop", &s]);
    assert!(
        err.contains("cannot stop: the schedule is stopped"),
        "{err}"
    );
    assert_eq!(desk.read(&format!("schedules/{s}.toml")), before);
}

#[test]
fn the_same_run_on_two_clones_merges_without_conflict() {
    let (origin, c) = desk();
    let root = &origin.root;
    git_ok(root, &["init", "-q"]);
    ok(&origin, "2026-12-02 09:00", "li", &["git", "setup"]);
    add_quarterly(root, &c);
    git_ok(root, &["add", "-A"]);
    git_ok(root, &["commit", "-q", "-m", "start"]);
    let tmp = origin.tmp.path();
    let (a, b) = (tmp.join("a"), tmp.join("b"));
    for d in [&a, &b] {
        git_ok(
            tmp,
            &["clone", "-q", root.to_str().unwrap(), d.to_str().unwrap()],
        );
        ok_in(d, "2026-12-02 09:00", "li", &["git", "setup"]);
    }
    // Both clones' cron run, at different times and as different users.
    let va = ok_in(&a, "2026-12-02 06:00", "li", &["schedule", "run"]);
    let vb = ok_in(&b, "2026-12-02 07:30", "wang", &["schedule", "run"]);
    assert_eq!(va, vb);
    let v = va.trim();
    let rel = format!("visits/2026/10/{v}.toml");
    assert_eq!(
        std::fs::read(a.join(&rel)).unwrap(),
        std::fs::read(b.join(&rel)).unwrap(),
        "byte-identical"
    );
    // A also approves it before the clones meet.
    ok_in(&a, "2026-12-02 10:00", "sun", &["visit", "approve", v]);
    for d in [&a, &b] {
        git_ok(d, &["add", "-A"]);
        git_ok(d, &["commit", "-q", "-m", "schedule run"]);
    }
    let o = git(
        &a,
        &[
            "pull",
            "--no-rebase",
            "-q",
            "--no-edit",
            b.to_str().unwrap(),
            "main",
        ],
    );
    assert!(o.status.success(), "pull:\n{}{}", stdout(&o), stderr(&o));
    assert_eq!(git_ok(&a, &["status", "--porcelain"]), "");
    let merged = std::fs::read_to_string(a.join(&rel)).unwrap();
    assert_eq!(
        merged.matches("action = \"request\"").count(),
        1,
        "{merged}"
    );
    assert!(merged.contains("state = \"approved\""), "{merged}");
    // B pulls the merge: the same file, and a run there opens nothing new.
    let o = git(
        &b,
        &[
            "pull",
            "--no-rebase",
            "-q",
            "--no-edit",
            a.to_str().unwrap(),
            "main",
        ],
    );
    assert!(o.status.success(), "pull:\n{}{}", stdout(&o), stderr(&o));
    assert_eq!(std::fs::read_to_string(b.join(&rel)).unwrap(), merged);
    assert_eq!(
        ok_in(&b, "2026-12-20 06:00", "li", &["schedule", "run"]),
        ""
    );
    assert_eq!(files(&a, "visits"), vec![rel]);
    ok_in(&a, "2026-12-20 06:00", "li", &["check"]);
}

/// Weekly from Sat 2026-10-03 (国庆): 10-03 → Thu 10-08 (after the holiday); Sat 10-10
/// is a 调休 make-up day, worked, so it stays; Sat 10-17 → Mon 10-19. A schedule from
/// the 31st counts months from it: 2026-12-31, then 2027-01-31 (Sun → Mon 02-01).
#[test]
fn occurrences_move_to_working_days_of_the_desk_calendar() {
    let (desk, c) = desk();
    let add = |every: &str, from: &str| {
        ok(
            &desk,
            "2026-09-01 09:00",
            "li",
            &[
                "schedule",
                "add",
                "--customer",
                &c,
                "--every",
                every,
                "--type",
                "maintenance",
                "--scope",
                "check the filters",
                "--from",
                from,
            ],
        )
        .trim()
        .to_string()
    };
    add("1w", "2026-10-03");
    let o = run_in(&desk.root, "2026-10-17 08:00", "li", &["schedule", "run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    for (nominal, wanted) in [
        ("2026-10-03", "2026-10-08"),
        ("2026-10-10", "2026-10-10"),
        ("2026-10-17", "2026-10-19"),
    ] {
        assert!(
            err.contains(&format!("occurrence {nominal}, wanted {wanted})")),
            "{nominal}: {err}"
        );
    }
    assert_eq!(stdout(&o).lines().count(), 3);
    let monthly = add("1mo", "2026-12-31");
    let out = ok(
        &desk,
        "2026-10-17 08:00",
        "li",
        &["schedule", "run", "--at", "2027-02-01", "--dry-run"],
    );
    let ids: Vec<&str> = out.lines().collect();
    // The weekly one's occurrences not yet opened: 10-24 … 2027-01-30 (weeks 3 to 17,
    // 15 of them), and the monthly's two.
    assert_eq!(ids.len(), 17, "{out}");
    assert_eq!(
        ids.iter().filter(|i| i.starts_with("V2027013")).count(),
        2,
        "weekly 01-30 and monthly 01-31: {out}"
    );
    assert!(ids.iter().any(|i| i.starts_with("V20261231-")), "{out}");
    let show = ok(
        &desk,
        "2027-02-01 08:00",
        "li",
        &["schedule", "show", &monthly],
    );
    assert!(show.contains("2026-12-31  V20261231-"), "{show}");
    assert!(
        show.contains("2027-01-31 (moved to 2027-02-01)  V20270131-"),
        "{show}"
    );
    assert!(show.contains("next          2027-03-01"), "{show}");
}
