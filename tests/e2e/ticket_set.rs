//! `ticket set`: corrections after opening keep their history (one event per field, old
//! and new value), re-target the SLA like a regrade, keep `check` clean and merge in
//! git; and `ticket open`'s duplicate warning, which never loses the ticket.

use std::path::Path;
use std::process::Output;

use crate::common::{NOW, TestDesk, git_ok, ok_at, parse_json, run_at, stderr, stdout, svcdesk};

/// A desk with a customer and a ticket opened at `NOW` (medium priority, product X200,
/// serial SN-1, tag `urgent`).
fn desk_with_ticket() -> (TestDesk, String, String) {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械", "--phone", "13800001111"]);
    let t = open(&d, NOW, &c, &[]);
    (d, c, t)
}

fn open(d: &TestDesk, now: &str, customer: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "ticket",
        "open",
        "--customer",
        customer,
        "--category",
        "complaint",
        "--product",
        "X200",
        "--serial",
        "SN-1",
        "--tag",
        "urgent",
        "-m",
        "机器不启动",
    ];
    args.extend_from_slice(extra);
    ok_at(d, now, &args).trim().to_string()
}

fn ticket_file(d: &TestDesk, id: &str) -> String {
    d.read(&format!("tickets/2026/11/{id}.toml"))
}

fn show_json(d: &TestDesk, now: &str, id: &str) -> serde_json::Value {
    parse_json(&ok_at(d, now, &["ticket", "show", id, "--format", "json"]))
}

/// The `resolve` run of a ticket shown as JSON.
fn resolve_run(v: &serde_json::Value) -> serde_json::Value {
    v["sla"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["timer"] == "resolve")
        .cloned()
        .expect("a resolve timer")
}

#[test]
fn set_records_one_event_per_field_with_old_and_new_and_show_tells_it() {
    let (d, _, t) = desk_with_ticket();
    let at = "2026-11-24T10:00:00+08:00";
    let o = run_at(
        &d,
        at,
        &[
            "ticket",
            "set",
            &t,
            "--priority",
            "high",
            "--serial",
            "SN-2",
            "--tag",
            "+warranty",
            "--tag",
            "-urgent",
            "--reason",
            "customer line down",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{t}: set priority: medium → high")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{t}: set serial: SN-1 → SN-2")),
        "{err}"
    );

    let file = ticket_file(&d, &t);
    assert!(file.contains("priority = \"high\""), "{file}");
    assert!(file.contains("serial = \"SN-2\""), "{file}");
    assert!(file.contains("tags = [\"warranty\"]"), "{file}");
    let stored: toml::Table = file.parse().unwrap();
    let sets: Vec<&toml::Table> = stored["event"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e.as_table())
        .filter(|e| e["action"].as_str() == Some("set"))
        .collect();
    assert_eq!(sets.len(), 4, "one event per change: {file}");
    let field = |e: &toml::Table, k: &str| e.get(k).and_then(|v| v.as_str()).map(String::from);
    assert_eq!(field(sets[0], "field").as_deref(), Some("priority"));
    assert_eq!(field(sets[0], "old").as_deref(), Some("medium"));
    assert_eq!(field(sets[0], "new").as_deref(), Some("high"));
    assert_eq!(
        field(sets[0], "reason").as_deref(),
        Some("customer line down")
    );
    assert_eq!(field(sets[1], "old").as_deref(), Some("SN-1"));
    assert_eq!(field(sets[2], "new").as_deref(), Some("warranty"));
    assert_eq!(field(sets[3], "old").as_deref(), Some("urgent"));
    assert!(sets[3].get("new").is_none());

    let shown = ok_at(&d, at, &["ticket", "show", &t]);
    for line in [
        "priority: medium → high (customer line down)",
        "serial: SN-1 → SN-2 (customer line down)",
        "tags: +warranty (customer line down)",
        "tags: -urgent (customer line down)",
    ] {
        assert!(shown.contains(line), "{line:?} in\n{shown}");
    }
    d.ok(&["check"]);

    // The same values again change nothing and record nothing.
    let before = ticket_file(&d, &t);
    let err = d.fails(
        1,
        &[
            "ticket",
            "set",
            &t,
            "--priority",
            "high",
            "--serial",
            "SN-2",
        ],
    );
    assert!(err.contains("nothing to change"), "{err}");
    assert_eq!(ticket_file(&d, &t), before);
}

#[test]
fn customer_title_product_and_category_are_corrected_and_category_reroutes_only_if_asked() {
    let (d, _, t) = desk_with_ticket();
    let other = d.add(&["--name", "江南电子", "--phone", "13900002222"]);
    d.ok(&[
        "ticket",
        "set",
        &t,
        "--customer",
        &other,
        "--title",
        "开机无反应",
        "--product",
        "",
    ]);
    let v = show_json(&d, NOW, &t);
    assert_eq!(v["customer"], other.as_str());
    assert_eq!(v["title"], "开机无反应");
    assert!(v["product"].is_null(), "'' clears the product: {v}");
    let file = ticket_file(&d, &t);
    let fields = file.split("[[event]]").next().unwrap();
    assert!(!fields.contains("product = "), "{file}");

    // A new category alone keeps the department; --route sends it to the category's.
    d.ok(&["ticket", "set", &t, "--category", "quality"]);
    let v = show_json(&d, NOW, &t);
    assert_eq!(
        (v["category"].as_str(), v["department"].as_str()),
        (Some("quality"), Some("customer-service"))
    );
    d.ok(&[
        "ticket",
        "set",
        &t,
        "--category",
        "logistics",
        "--route",
        "--reason",
        "a delivery fault",
    ]);
    let v = show_json(&d, NOW, &t);
    assert_eq!(v["department"], "logistics");
    assert_eq!(
        v["event"].as_array().unwrap().last().unwrap()["action"],
        "assign"
    );
    d.ok(&["check"]);

    // Wrong names are refused before anything is written.
    let before = ticket_file(&d, &t);
    assert!(
        d.fails(1, &["ticket", "set", &t, "--category", "qualty"])
            .contains("qualty")
    );
    d.fails(1, &["ticket", "set", &t, "--customer", "ZZZZZZ"]);
    d.fails(2, &["ticket", "set", &t, "--priority", "urgent"]);
    d.fails(2, &["ticket", "set", &t]);
    d.fails(2, &["ticket", "set", &t, "--route"]);
    d.fails(1, &["ticket", "set", &t, "--title", " "]);
    assert_eq!(ticket_file(&d, &t), before);
}

#[test]
fn a_priority_raise_shortens_a_running_resolve_deadline_and_a_passed_one_stays_passed() {
    let (d, c, t) = desk_with_ticket();
    // Medium: 3 working days from Tuesday 09:30.
    let run = resolve_run(&show_json(&d, NOW, &t));
    assert_eq!(
        (run["basis"].as_str(), run["due"].as_str()),
        (Some("medium"), Some("2026-11-27T09:30:00+08:00"))
    );
    let later = "2026-11-24T11:00:00+08:00";
    ok_at(
        &d,
        later,
        &[
            "ticket",
            "set",
            &t,
            "--priority",
            "high",
            "--reason",
            "line down",
        ],
    );
    let run = resolve_run(&show_json(&d, later, &t));
    assert_eq!(run["basis"], "high");
    assert_eq!(
        run["due"], "2026-11-25T09:30:00+08:00",
        "24 h from the start: {run}"
    );
    assert_eq!(run["outcome"], "running");

    // High, breached after 24 h; lowering it later does not un-breach it.
    let u = open(&d, NOW, &c, &["--priority", "high", "--force"]);
    let late = "2026-11-25T12:00:00+08:00";
    ok_at(&d, late, &["ticket", "set", &u, "--priority", "low"]);
    let run = resolve_run(&show_json(&d, late, &u));
    assert_eq!(run["outcome"], "breached", "{run}");
    assert_eq!(run["due"], "2026-11-25T09:30:00+08:00");
    d.ok(&["check"]);
}

/// svcdesk on the desk in `dir`.
fn sd(dir: &Path, args: &[&str]) -> Output {
    svcdesk().arg("-C").arg(dir).args(args).output().unwrap()
}

fn sd_ok(dir: &Path, args: &[&str]) -> String {
    let o = sd(dir, args);
    assert!(o.status.success(), "{args:?}: {}{}", stdout(&o), stderr(&o));
    stdout(&o)
}

#[test]
fn two_clones_setting_different_fields_merge_cleanly() {
    let (d, _, t) = desk_with_ticket();
    git_ok(&d.root, &["init", "-q"]);
    sd_ok(&d.root, &["git", "setup"]);
    git_ok(&d.root, &["add", "-A"]);
    git_ok(&d.root, &["commit", "-q", "-m", "start"]);
    let (a, b) = (d.tmp.path().join("a"), d.tmp.path().join("b"));
    for c in [&a, &b] {
        git_ok(
            d.tmp.path(),
            &["clone", "-q", d.root.to_str().unwrap(), c.to_str().unwrap()],
        );
        sd_ok(c, &["git", "setup"]);
    }
    sd_ok(
        &a,
        &[
            "ticket",
            "set",
            &t,
            "--priority",
            "high",
            "--reason",
            "line down",
        ],
    );
    sd_ok(
        &b,
        &[
            "ticket",
            "set",
            &t,
            "--serial",
            "SN-9",
            "--tag",
            "+warranty",
        ],
    );
    for c in [&a, &b] {
        git_ok(c, &["commit", "-q", "-am", "set"]);
    }
    git_ok(
        &a,
        &[
            "pull",
            "--no-rebase",
            "-q",
            "--no-edit",
            b.to_str().unwrap(),
            "HEAD",
        ],
    );
    assert_eq!(git_ok(&a, &["status", "--porcelain"]), "", "merged cleanly");
    let file = std::fs::read_to_string(a.join(format!("tickets/2026/11/{t}.toml"))).unwrap();
    assert!(file.contains("priority = \"high\""), "{file}");
    assert!(file.contains("serial = \"SN-9\""), "{file}");
    assert!(file.contains("\"urgent\", \"warranty\""), "{file}");
    assert_eq!(file.matches("action = \"set\"").count(), 3, "{file}");
    assert!(!file.contains("<<<<<<<"), "{file}");
    sd_ok(&a, &["check"]);
}

#[test]
fn open_warns_of_a_possible_duplicate_with_the_command_and_force_is_silent() {
    let (d, c, first) = desk_with_ticket();
    let later = "2026-11-26T09:00:00+08:00";
    let o = run_at(
        &d,
        later,
        &[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "quality",
            "--serial",
            "sn-1",
            "-m",
            "又不启动",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "warns, does not refuse: {}",
        stderr(&o)
    );
    let new = stdout(&o).trim().to_string();
    assert!(
        new.starts_with("T2026112"),
        "the new ID alone on stdout: {new:?}"
    );
    let err = stderr(&o);
    assert!(
        err.contains(&format!("warning: {new} may duplicate 1 ticket")),
        "{err}"
    );
    assert!(err.contains(&first), "names the candidate: {err}");
    assert!(
        err.contains(&format!("svcdesk ticket merge {new} --into {first}")),
        "{err}"
    );
    assert!(
        d.path(&format!("tickets/2026/11/{new}.toml")).is_file(),
        "opened all the same"
    );

    // --force: no warning at all.
    let o = run_at(
        &d,
        later,
        &[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "quality",
            "--serial",
            "SN-1",
            "-m",
            "x",
            "--force",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));

    // A solved one is offered as a repeat-of link; outside the window, nothing.
    let e = d.add(&["--name", "北方重工", "--phone", "13700003333"]);
    let done = ok_at(
        &d,
        NOW,
        &[
            "ticket",
            "open",
            "--customer",
            &e,
            "--category",
            "consult",
            "--serial",
            "Z1",
            "-m",
            "reset",
            "--resolved-on-call",
            "explained",
        ],
    )
    .trim()
    .to_string();
    let o = run_at(
        &d,
        later,
        &[
            "ticket",
            "open",
            "--customer",
            &e,
            "--category",
            "consult",
            "--serial",
            "Z1",
            "-m",
            "again",
        ],
    );
    let err = stderr(&o);
    assert!(
        err.contains("--kind repeat-of") && err.contains(&done),
        "{err}"
    );
    let o = run_at(
        &d,
        "2026-12-30T09:00:00+08:00",
        &[
            "ticket",
            "open",
            "--customer",
            &e,
            "--category",
            "consult",
            "--serial",
            "Z1",
            "-m",
            "next month",
        ],
    );
    assert!(!stderr(&o).contains("duplicate"), "{}", stderr(&o));
}

#[test]
fn the_duplicate_rule_is_configurable() {
    let (d, c, _) = desk_with_ticket();
    let cfg = d.read("svcdesk.toml");
    assert!(
        cfg.contains("[duplicates]\nmatch = [\"customer\", \"serial\"]\nwithin = \"30d\""),
        "init writes the default"
    );
    // By product within a week: a different serial of the same model is flagged.
    d.write(
        "svcdesk.toml",
        cfg.replace(
            "match = [\"customer\", \"serial\"]\nwithin = \"30d\"",
            "match = [\"customer\", \"product\"]\nwithin = \"7d\"",
        ),
    );
    let o = run_at(
        &d,
        NOW,
        &[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "quality",
            "--product",
            "x200",
            "--serial",
            "SN-5",
            "-m",
            "x",
        ],
    );
    assert!(
        stderr(&o).contains("same customer and product opened within 7 days"),
        "{}",
        stderr(&o)
    );
    // Off.
    let cfg = d.read("svcdesk.toml");
    d.write(
        "svcdesk.toml",
        cfg.replace("match = [\"customer\", \"product\"]", "match = []"),
    );
    let o = run_at(
        &d,
        NOW,
        &[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "quality",
            "--product",
            "X200",
            "-m",
            "y",
        ],
    );
    assert!(!stderr(&o).contains("duplicate"), "{}", stderr(&o));
    // A typo is an error at its line.
    let cfg = d.read("svcdesk.toml");
    d.write(
        "svcdesk.toml",
        cfg.replace("within = \"7d\"", "within = \"a week\""),
    );
    let err = d.fails(1, &["ticket", "list"]);
    assert!(
        err.contains("svcdesk.toml:") && err.contains("invalid duration"),
        "{err}"
    );
}

#[test]
fn a_corrected_serial_can_be_redacted_but_not_a_priority() {
    let (d, _, t) = desk_with_ticket();
    // Events: 1 open, 2 assign, 3 set priority, 4 set serial.
    d.ok(&["ticket", "set", &t, "--priority", "low", "--serial", "SN-2"]);
    d.ok(&[
        "ticket", "redact", &t, "--event", "4", "--field", "new", "--reason", "PIPL",
    ]);
    let v = show_json(&d, NOW, &t);
    assert_eq!(v["serial"], "[redacted]");
    assert!(ok_at(&d, NOW, &["ticket", "show", &t]).contains("serial: SN-1 → [redacted]"));
    d.ok(&["check"]);
    let err = d.fails(
        1,
        &[
            "ticket", "redact", &t, "--event", "3", "--field", "new", "--reason", "PIPL",
        ],
    );
    assert!(
        err.contains("only in a `set` of title, product, serial, tags"),
        "{err}"
    );
}
