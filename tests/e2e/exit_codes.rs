//! Every exit code svcdesk(1) and svcdesk-sla-check(1) document, and the error messages a
//! script may match on, produced by the real binary. The list of codes is read from the
//! man pages, so a code documented there without a case here fails this test.

use std::collections::BTreeSet;

use crate::common::*;

/// The codes listed in a man page's exit-status lines ("0   success", "  2  breach: ...").
fn documented_codes(page: &str, section_start: &str, section_end: &str) -> BTreeSet<i32> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("man")
        .join(page);
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find(section_start).expect("section present");
    let rest = &text[start + section_start.len()..];
    let end = rest.find(section_end).unwrap_or(rest.len());
    rest[..end]
        .lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let n: String = l.chars().take_while(|c| c.is_ascii_digit()).collect();
            let after = &l[n.len()..];
            (!n.is_empty() && after.starts_with("  ")).then(|| n.parse().unwrap())
        })
        .collect()
}

/// (exit code, what must be on stderr) for one run.
fn expect(d: &TestDesk, args: &[&str], code: i32, stderr_has: &[&str]) -> i32 {
    let o = d.run(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(code), "svcdesk {args:?}: {err}");
    for s in stderr_has {
        assert!(err.contains(s), "svcdesk {args:?}: {s:?} not in\n{err}");
    }
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    code
}

#[test]
fn every_documented_exit_code_of_svcdesk_is_produced() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械"]);
    let open = |m: &str| {
        d.ok(&[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "other",
            "-m",
            m,
        ])
        .trim()
        .to_string()
    };
    let t = open("x");
    let t2 = open("y");
    let mut seen = BTreeSet::new();

    seen.insert(expect(&d, &["ticket", "list"], 0, &[]));

    // 1: errors, each a first line `error: ...` and where useful a `hint: ...`.
    let invalid_step = format!(
        "error: {t}: cannot close: the ticket is assigned; allowed from assigned: grade, assign, accept,"
    );
    seen.insert(expect(
        &d,
        &["ticket", "close", &t],
        1,
        &[&invalid_step, "hint: "],
    ));
    expect(
        &d,
        &["ticket", "show", "ZZZZZZ"],
        1,
        &["error: no ticket matches \"ZZZZZZ\""],
    );
    let near = format!("hint: did you mean: {t}");
    // One character off the ticket's ID, never a prefix of it (the code is random).
    let unknown = ["X", "Y", "Z"]
        .iter()
        .map(|c| format!("{}{c}", &t[..12]))
        .find(|u| !t.starts_with(u.as_str()) && !t2.starts_with(u.as_str()))
        .unwrap();
    expect(&d, &["ticket", "show", &unknown], 1, &[&near]);
    expect(
        &d,
        &["ticket", "show", "T2026"],
        1,
        &[
            "error: \"T2026\" is ambiguous: it matches 2 tickets",
            &format!(
                "hint: candidates: {}",
                [t.as_str(), t2.as_str()].iter().min().unwrap()
            ),
        ],
    );
    let o = svcdesk()
        .current_dir(d.tmp.path())
        .args(["ticket", "list"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("error: no desk found in "),
        "{}",
        stderr(&o)
    );
    // A broken record names file:line:column.
    let rel = format!("tickets/2026/11/{t}.toml");
    let text = d.read(&rel);
    d.write(&rel, text.replacen("state = ", "state = = ", 1));
    let line = text
        .lines()
        .position(|l| l.starts_with("state = "))
        .unwrap()
        + 1;
    expect(
        &d,
        &["ticket", "list"],
        1,
        &[&format!("error: {}:{line}:9: ", d.path(&rel).display())],
    );
    let o = d.run(&["check"]);
    assert_eq!(o.status.code(), Some(1), "check found a problem");
    assert!(
        stdout(&o).contains(&format!("{rel}:{line}:9: ")),
        "{}",
        stdout(&o)
    );
    d.write(&rel, &text);
    expect(
        &d,
        &["audit"],
        1,
        &["is not in a git repository: there is no history to audit"],
    );
    // Staff rules: once the desk lists staff, an unknown actor is refused.
    let cfg = d.read("svcdesk.toml");
    d.write(
        "svcdesk.toml",
        format!("{cfg}\n[[staff]]\nid = \"li\"\nname = \"李\"\n"),
    );
    expect(
        &d,
        &["--as", "zhang", "ticket", "note", &t, "-m", "x"],
        1,
        &["error: ", "zhang"],
    );
    d.write("svcdesk.toml", &cfg);

    // 2: usage, from the argument parser, with the usage line.
    seen.insert(expect(
        &d,
        &["ticket", "frob"],
        2,
        &["error: unrecognized subcommand 'frob'", "Usage: "],
    ));
    expect(
        &d,
        &["ticket", "list", "--format", "xml"],
        2,
        &["error: invalid value 'xml' for '--format <FORMAT>'"],
    );
    expect(
        &d,
        &["ticket", "note"],
        2,
        &["error: the following required arguments were not provided"],
    );
    // A well-formed --at in the future (a likely typo) is refused as usage, with a guess.
    expect(
        &d,
        &["ticket", "note", &t, "-m", "x", "--at", "2062-11-24 09:00"],
        2,
        &[
            "error: --at \"2062-11-24 09:00\" (2062-11-24 09:00 desk time) is in the future",
            "hint: did you mean --at \"2026-11-24 09:00\"?",
        ],
    );

    // 70: a bug. One plain line and a hint; no Rust panic message or backtrace.
    let o = d
        .cmd()
        .env("SVCDESK_TEST_PANIC", "1")
        .args(["ticket", "list"])
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(70), "{err}");
    assert!(
        err.starts_with("error: internal error: SVCDESK_TEST_PANIC is set (at "),
        "{err}"
    );
    assert!(err.contains("hint: this is a bug in svcdesk"), "{err}");
    assert_eq!(err.lines().count(), 2, "{err}");
    seen.insert(70);

    assert_eq!(
        seen,
        documented_codes("svcdesk.1", ".SH \"EXIT STATUS\"", ".SH")
    );
    d.ok(&["check"]);
}

#[test]
fn every_documented_exit_code_of_sla_check_is_produced() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械"]);
    d.ok(&[
        "ticket",
        "open",
        "--customer",
        &c,
        "--category",
        "other",
        "--grade",
        "III",
        "-m",
        "x",
    ]);
    let at = |now: &str| {
        let o = d
            .cmd()
            .env("SVCDESK_NOW", now)
            .args(["sla", "check"])
            .output()
            .unwrap();
        (o.status.code().unwrap(), stdout(&o), stderr(&o))
    };
    let mut seen = BTreeSet::new();
    let (code, out, err) = at("2026-11-24T09:31:00+08:00");
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (0, "", ""),
        "silent when all is well"
    );
    seen.insert(code);
    let (code, out, _) = at("2026-11-24T09:41:00+08:00");
    assert_eq!(
        code, 1,
        "respond (III, 15m) has 4 min left, under its 5m warn: {out}"
    );
    assert!(out.contains("at-risk"), "{out}");
    seen.insert(code);
    let (code, out, _) = at("2026-11-24T09:50:00+08:00");
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("breached"), "{out}");
    seen.insert(code);
    let cfg = d.read("svcdesk.toml");
    d.write(
        "svcdesk.toml",
        cfg.replace("target = { all = \"1h\" }", "target = { all = \"1 hour\" }"),
    );
    let (code, out, err) = at("2026-11-24T09:50:00+08:00");
    assert_eq!(code, 3, "{err}");
    assert_eq!(out, "");
    assert!(
        err.starts_with("error: ") && err.contains("svcdesk.toml:"),
        "{err}"
    );
    seen.insert(code);
    let mut documented = documented_codes(
        "svcdesk-sla-check.1",
        "Prints nothing and exits 0",
        "\\-\\-notify",
    );
    documented.insert(0);
    assert_eq!(seen, documented);
}

/// A malformed value typed on the command line is a usage error (2), like an unknown
/// option: dates, times, months, weeks, quarters, durations, hours and amounts. The same
/// kind of value malformed inside a record or svcdesk.toml is the desk's fault (1).
#[test]
fn malformed_values_on_the_command_line_exit_2() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械"]);
    let t = d
        .ok(&[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "other",
            "-m",
            "x",
        ])
        .trim()
        .to_string();
    let cases: &[(&[&str], &str)] = &[
        (
            &["ticket", "note", &t, "-m", "x", "--at", "garbage"],
            "cannot read \"garbage\" as a time",
        ),
        (
            &[
                "ticket",
                "open",
                "--customer",
                &c,
                "--category",
                "other",
                "-m",
                "x",
                "--purchase-date",
                "2026-13-01",
            ],
            "cannot read \"2026-13-01\" as a date",
        ),
        (
            &["ledger", "service", "--month", "2026-13"],
            "cannot read \"2026-13\" as a month",
        ),
        (
            &["report", "weekly", "--week", "2026-W60"],
            "cannot read \"2026-W60\" as a week",
        ),
        (
            &["stats", "--quarter", "2026Q5"],
            "cannot read \"2026Q5\" as a quarter",
        ),
        (
            &["stats", "--from", "2026-11-30", "--to", "2026-11-01"],
            "--to 2026-11-01 is before --from 2026-11-30",
        ),
        (
            &["ticket", "list", "--due-within", "2x"],
            "--due-within: invalid duration \"2x\"",
        ),
        (
            &["report", "log", "--hours", "25", "-m", "x"],
            "cannot read \"25\" as hours",
        ),
        (
            &["comp", "request", &t, "--amount", "-5", "--kind", "coupon"],
            "--amount \"-5\" is not an amount",
        ),
        (
            &[
                "comp", "request", &t, "--amount", "5,00", "--kind", "coupon",
            ],
            "--amount \"5,00\" is not an amount",
        ),
        (&["ticket", "grade", &t, "IV"], "\"IV\" is not a grade"),
    ];
    for (args, msg) in cases {
        let err = d.fails(2, args);
        assert!(err.starts_with(&format!("error: {msg}")), "{args:?}: {err}");
        assert!(err.contains("\nhint: "), "{args:?}: {err}");
    }
    // The amount's hint says what an amount is, not clap's `-- -5` tip.
    let err = d.fails(
        2,
        &["comp", "request", &t, "--amount", "-5", "--kind", "coupon"],
    );
    assert!(
        err.contains("hint: the amount must be a positive number"),
        "{err}"
    );
    assert!(!err.contains("-- -5"), "{err}");

    // A malformed value inside a record or svcdesk.toml stays a failure (1).
    let cfg = d.read("svcdesk.toml");
    d.write(
        "svcdesk.toml",
        cfg.replace("target = { all = \"1h\" }", "target = { all = \"1 hour\" }"),
    );
    let err = d.fails(1, &["ticket", "show", &t]);
    assert!(err.contains("svcdesk.toml:"), "{err}");
    d.write("svcdesk.toml", &cfg);
    let rel = format!("tickets/2026/11/{t}.toml");
    let text = d.read(&rel);
    d.write(&rel, text.replacen("at = 2026-", "at = 2026-13-", 1));
    d.fails(1, &["ticket", "show", &t]);
    d.write(&rel, &text);
    d.ok(&["check"]);
}

/// Errors that stop short of the fix say what to type next.
#[test]
fn errors_say_what_to_type() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械"]);
    // A value that starts with '-' is a value where one is expected.
    let cold = d.add(&["--name", "-12℃冷库"]);
    assert!(d.ok(&["customer", "show", &cold]).contains("-12℃冷库"));
    let open = |extra: &[&str]| {
        let mut args = vec!["ticket", "open", "--customer", &c, "-m", "x"];
        args.extend(extra);
        d.ok(&args).trim().to_string()
    };
    let t = open(&["--category", "other"]);

    let has = |err: &str, parts: &[&str]| {
        for p in parts {
            assert!(err.contains(p), "{p:?} not in\n{err}");
        }
    };
    let err = d.fails(
        1,
        &[
            "ticket",
            "open",
            "--customer",
            "nobody",
            "--category",
            "other",
            "-m",
            "x",
        ],
    );
    has(
        &err,
        &[
            "error: no customer matches \"nobody\"",
            "hint: `svcdesk customer list`",
            "--new-customer NAME",
        ],
    );

    let err = d.fails(2, &["ticket", "grade", "II", &t]);
    has(
        &err,
        &[
            "the ticket ID comes first, then the grade",
            "hint: usage: svcdesk ticket grade ID GRADE",
            &format!("`svcdesk ticket grade {t} II`"),
        ],
    );

    // Config vocabulary: the nearest name, case-blind.
    for (args, want) in [
        (
            vec![
                "ticket",
                "open",
                "--customer",
                &c,
                "--category",
                "complaints",
                "-m",
                "x",
            ],
            "hint: did you mean complaint?",
        ),
        (
            vec![
                "ticket",
                "open",
                "--customer",
                &c,
                "--category",
                "Complaint",
                "-m",
                "x",
            ],
            "hint: did you mean complaint?",
        ),
        (
            vec!["ticket", "assign", &t, "--department", "Servce"],
            "hint: did you mean service?",
        ),
    ] {
        let err = d.fails(1, &args);
        has(&err, &[want]);
    }

    // A list filter by a name the config does not know still runs, with a warning.
    let o = d.run(&["ticket", "list", "--category", "complaints"]);
    assert_eq!(o.status.code(), Some(0));
    has(
        &stderr(&o),
        &[
            "warning: --category \"complaints\" is not in svcdesk.toml",
            "did you mean `--category complaint`?",
        ],
    );
    let o = d.run(&[
        "ticket",
        "list",
        "--category",
        "complaint",
        "--department",
        "service",
    ]);
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));

    // The allowed steps are commands one can type, and the hint names the real ID.
    let err = d.fails(1, &["ticket", "close", &t]);
    has(
        &err,
        &[
            "comp review",
            &format!("hint: `svcdesk ticket show {t}` shows its history"),
        ],
    );
    assert!(!err.contains("comp-review"), "{err}");
    assert!(!err.contains("show ID"), "{err}");

    // Approve before review: review first, by finance.
    d.ok(&["ticket", "accept", &t]);
    d.ok(&["comp", "request", &t, "--amount", "500", "--kind", "coupon"]);
    let err = d.fails(1, &["comp", "approve", &t]);
    has(
        &err,
        &[
            "needs it reviewed",
            &format!("hint: finance reviews it first: `svcdesk comp review {t}`"),
        ],
    );

    // Closing with no satisfaction and no revisit is allowed, with a warning.
    let t3 = open(&["--category", "other"]);
    for step in [
        vec!["ticket", "accept", &t3],
        vec!["ticket", "resolve", &t3, "-m", "done"],
    ] {
        d.ok(&step);
    }
    let o = d.run(&["ticket", "close", &t3]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    has(
        &stderr(&o),
        &["warning: ", "no satisfaction and no revisit recorded"],
    );
    // With a satisfaction, no warning.
    let t4 = open(&["--category", "other"]);
    d.ok(&["ticket", "accept", &t4]);
    d.ok(&["ticket", "resolve", &t4, "-m", "done"]);
    let o = d.run(&["ticket", "close", &t4, "--satisfaction", "4"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}
