//! Customer tiers (issue 23): `[calendars.NAME]`, `[sla.tiers.NAME]` with a calendar, a
//! tag match and target overrides, `customer edit --tier/--tier-until`, and the tier
//! stamped into the open event so later edits never move a ticket's deadlines.
//!
//! Worked out by hand: 2026-12-05 is a Saturday. The desk's `resolve` target for
//! priority `low` is set to `1wd`. A 1wd clock is as much working time into its next
//! working day as it started into its own:
//! - gold (7×24 calendar), opened Sat 10:00: Sat is a working day 10 h in, so the
//!   deadline is Sun 10:00;
//! - standard (Mon–Fri 09:00–12:00, 13:30–18:00), opened Sat 10:00: the clock starts at
//!   Mon 09:00, zero into the day, so it runs out at the end of Monday, 18:00.
//!
//! The gold tier also overrides `respond` (no target for a ticket without a grade in the
//! default policy) with `30m`: gold tickets owe an answer by 10:30, standard ones none.

use crate::common::{TestDesk, local_at as at, local_ok as ok_at};

const TIERS: &str = r#"
[calendars.24x7]
always = true

[sla.tiers.gold]
calendar = "24x7"
match = { tag = "vip" }
targets = { respond = "30m" }
"#;

/// A desk whose low-priority tickets are resolved within 1 working day, with the tiers.
fn desk() -> TestDesk {
    let d = TestDesk::new();
    let text = d.read("svcdesk.toml");
    assert!(text.contains("low = \"5wd\""));
    d.write(
        "svcdesk.toml",
        text.replacen("low = \"5wd\"", "low = \"1wd\"", 1) + TIERS,
    );
    d
}

fn open(d: &TestDesk, when: &str, customer: &str) -> String {
    ok_at(
        d,
        when,
        &[
            "ticket",
            "open",
            "--customer",
            customer,
            "--category",
            "complaint",
            "--priority",
            "low",
            "-m",
            "设备停机",
        ],
    )
    .trim()
    .to_string()
}

/// `ticket show`'s SLA line for `timer`, if the ticket has that timer.
fn sla_line(d: &TestDesk, when: &str, id: &str, timer: &str) -> Option<String> {
    let show = ok_at(d, when, &["ticket", "show", id]);
    let section = show.split("\nSLA:\n").nth(1)?;
    section
        .lines()
        .find(|l| l.split_whitespace().next() == Some(timer))
        .map(str::to_string)
}

fn due(d: &TestDesk, when: &str, id: &str, timer: &str) -> String {
    let line = sla_line(d, when, id, timer).unwrap_or_else(|| panic!("{id} has no {timer}"));
    let at = line.find(" due ").expect("a due time") + 5;
    line[at..at + 16].to_string()
}

fn ticket_file(d: &TestDesk, id: &str) -> String {
    d.read(&format!("tickets/{}/{}/{id}.toml", &id[1..5], &id[5..7]))
}

/// The value of `key` in the ticket file's first `[[event]]` (the open event).
fn open_event_has(d: &TestDesk, id: &str, line: &str) -> bool {
    let text = ticket_file(d, id);
    let first = text.split("[[event]]").nth(1).expect("an open event");
    first.lines().any(|l| l == line)
}

#[test]
fn gold_on_7x24_is_due_sunday_standard_monday_and_edits_never_move_old_tickets() {
    let d = desk();
    let sat = "2026-12-05T10:00";
    let gold = d.add(&[
        "--name",
        "华东机械",
        "--phone",
        "021-5555-0101",
        "--tag",
        "vip",
    ]);
    let plain = d.add(&["--name", "西南电子", "--phone", "021-5555-0102"]);
    let tg = open(&d, sat, &gold);
    let ts = open(&d, sat, &plain);

    assert_eq!(due(&d, sat, &tg, "resolve"), "2026-12-06 10:00");
    assert_eq!(due(&d, sat, &ts, "resolve"), "2026-12-07 18:00");
    // The tier's own target for a timer the default policy gives this ticket none of.
    assert_eq!(due(&d, sat, &tg, "respond"), "2026-12-05 10:30");
    assert_eq!(sla_line(&d, sat, &ts, "respond"), None);

    // Stamped into the open event; the standard ticket has no tier at all.
    assert!(open_event_has(&d, &tg, "tier = \"gold\""));
    assert!(!ticket_file(&d, &ts).contains("tier"));
    let show = ok_at(&d, sat, &["ticket", "show", &tg]);
    assert!(
        show.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["tier", "gold"]),
        "{show}"
    );

    // The gold customer loses the tag: the old ticket keeps its Sunday deadline (and
    // its file is untouched), a new one gets Monday's.
    let before = ticket_file(&d, &tg);
    ok_at(&d, sat, &["customer", "edit", &gold, "--untag", "vip"]);
    assert_eq!(
        due(&d, "2026-12-05T11:00", &tg, "resolve"),
        "2026-12-06 10:00"
    );
    assert_eq!(ticket_file(&d, &tg), before);
    let later = open(&d, "2026-12-05T11:00", &gold);
    assert_eq!(
        due(&d, "2026-12-05T11:00", &later, "resolve"),
        "2026-12-07 18:00"
    );

    // The standard customer signs a gold contract to the end of the year: its old ticket
    // stays on Monday, a new one is due Sunday; after the contract it is standard again.
    ok_at(
        &d,
        sat,
        &[
            "customer",
            "edit",
            &plain,
            "--tier",
            "gold",
            "--tier-until",
            "2026-12-31",
        ],
    );
    let c = d.read_customer(&plain);
    assert!(c.lines().any(|l| l == "tier = \"gold\""), "{c}");
    assert!(c.lines().any(|l| l == "tier_until = 2026-12-31"), "{c}");
    assert_eq!(
        due(&d, "2026-12-05T11:00", &ts, "resolve"),
        "2026-12-07 18:00"
    );
    let contract = open(&d, "2026-12-05T11:00", &plain);
    assert_eq!(
        due(&d, "2026-12-05T11:00", &contract, "resolve"),
        "2026-12-06 11:00"
    );
    // 2027-01-02 is a Saturday after the contract's last day: Monday's deadline again.
    let expired = open(&d, "2027-01-02T10:00", &plain);
    assert!(!ticket_file(&d, &expired).contains("tier"));
    assert_eq!(
        due(&d, "2027-01-02T10:00", &expired, "resolve"),
        "2027-01-04 18:00"
    );
}

#[test]
fn a_bad_tier_or_calendar_is_reported_at_its_line() {
    let d = desk();
    let text = d.read("svcdesk.toml");
    let bad = text.replace("calendar = \"24x7\"", "calendar = \"24x8\"");
    d.write("svcdesk.toml", &bad);
    let line = bad
        .lines()
        .position(|l| l == "calendar = \"24x8\"")
        .unwrap()
        + 1;
    let err = d.fails(1, &["check"]);
    assert!(
        err.contains(&format!(
            "svcdesk.toml:{line}:12: sla.tiers.gold.calendar: \"24x8\" is not a calendar \
             (did you mean \"24x7\"?); calendars: default, 24x7"
        )),
        "{err}"
    );
    // Every command fails the same way, not only `check`.
    assert!(
        d.fails(1, &["ticket", "list"])
            .contains("sla.tiers.gold.calendar")
    );

    let bad = text.replace("respond = \"30m\"", "respnd = \"30m\"");
    d.write("svcdesk.toml", &bad);
    let line = bad.lines().position(|l| l.contains("respnd")).unwrap() + 1;
    let err = d.fails(1, &["check"]);
    assert!(
        err.contains(&format!(
            "svcdesk.toml:{line}:22: sla.tiers.gold.targets.respnd: \"respnd\" is not a timer \
             in [sla.timers] (did you mean \"respond\"?)"
        )),
        "{err}"
    );

    let bad = text.replace("respond = \"30m\"", "respond = \"30x\"");
    d.write("svcdesk.toml", &bad);
    let err = d.fails(1, &["check"]);
    assert!(
        err.contains(&format!(
            "svcdesk.toml:{line}:23: sla.tiers.gold.targets.respond = \"30x\": "
        )),
        "{err}"
    );

    // A 7×24 calendar takes no holidays.
    let bad = text.replace(
        "\nalways = true",
        "\nalways = true\nholidays = [\"2026-12-25\"]",
    );
    d.write("svcdesk.toml", &bad);
    let line = bad
        .lines()
        .position(|l| l.starts_with("holidays = [\"2026-12-25"))
        .unwrap()
        + 1;
    let err = d.fails(1, &["check"]);
    assert!(
        err.contains(&format!(
            "svcdesk.toml:{line}:12: calendars.24x7.holidays: `always = true` makes every hour"
        )),
        "{err}"
    );
}

#[test]
fn customer_edit_refuses_an_unknown_tier_and_an_end_without_a_tier() {
    let d = desk();
    let c = d.add(&["--name", "华东机械", "--phone", "021-5555-0101"]);
    let before = d.read_customer(&c);
    let err = d.fails(1, &["customer", "edit", &c, "--tier", "gld"]);
    assert!(err.contains("no tier \"gld\""), "{err}");
    assert!(err.contains("gold"), "{err}");
    let err = d.fails(1, &["customer", "edit", &c, "--tier-until", "2026-12-31"]);
    assert!(err.contains("has no tier"), "{err}");
    let err = d.fails(
        2,
        &[
            "customer",
            "edit",
            &c,
            "--tier",
            "gold",
            "--tier-until",
            "someday",
        ],
    );
    assert!(err.contains("--tier-until"), "{err}");
    assert_eq!(d.read_customer(&c), before, "nothing written");

    // Set with an end, then removed: only the tier lines come and go.
    d.ok(&[
        "customer",
        "edit",
        &c,
        "--tier",
        "gold",
        "--tier-until",
        "+30d",
    ]);
    let set = d.read_customer(&c);
    assert!(
        set.contains("tier = \"gold\"\ntier_until = 2026-12-24\n"),
        "{set}"
    );
    let shown = d.ok(&["customer", "show", &c]);
    assert!(shown.contains("gold (until 2026-12-24)"), "{shown}");
    d.ok(&["customer", "edit", &c, "--no-tier"]);
    assert_eq!(d.read_customer(&c), before);
}

#[test]
fn list_stats_and_check_know_the_tier() {
    let d = desk();
    let sat = "2026-12-05T10:00";
    let gold = d.add(&[
        "--name",
        "华东机械",
        "--phone",
        "021-5555-0101",
        "--tag",
        "vip",
    ]);
    let plain = d.add(&["--name", "西南电子", "--phone", "021-5555-0102"]);
    let tg = open(&d, sat, &gold);
    let ts = open(&d, sat, &plain);

    let ids = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["ticket", "list", "--format", "csv"];
        a.extend(args);
        let out = ok_at(&d, sat, &a);
        out.lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&["--tier", "gold"]), [tg.as_str()]);
    assert_eq!(ids(&["--tier", "default"]), [ts.as_str()]);
    assert_eq!(ids(&["--tier", "gold", "--tier", "default"]).len(), 2);
    let (code, out, err) = at(&d, sat, &["ticket", "list", "--tier", "glod"]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(
        err.contains("no tier \"glod\"") && err.contains("gold"),
        "{err}"
    );

    // One ticket each: the gold group and the default group.
    let csv = ok_at(
        &d,
        sat,
        &[
            "stats", "--month", "2026-12", "--by", "tier", "--format", "csv",
        ],
    );
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let (tier, opened) = (
        header
            .iter()
            .position(|h| *h == "tier")
            .expect("a tier column"),
        header.iter().position(|h| *h == "opened").unwrap(),
    );
    let groups: Vec<(String, String)> = lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[tier].to_string(), cells[opened].to_string())
        })
        .collect();
    assert!(groups.contains(&("gold".into(), "1".into())), "{csv}");
    assert!(groups.contains(&("default".into(), "1".into())), "{csv}");

    // A contract ending within 30 days is warned of by check and sla check; exit 0.
    ok_at(
        &d,
        sat,
        &[
            "customer",
            "edit",
            &plain,
            "--tier",
            "gold",
            "--tier-until",
            "2026-12-31",
        ],
    );
    let (code, out, err) = at(&d, sat, &["check"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    let warning = format!(
        "warning: customer {plain} (西南电子): the \"gold\" tier contract ends 2026-12-31 (in 26 days)"
    );
    assert!(err.contains(&warning), "{err}");
    let (_, _, err) = at(&d, sat, &["sla", "check"]);
    assert!(err.contains(&warning), "{err}");
    // Not yet within 30 days: quiet.
    let (_, _, err) = at(&d, "2026-11-30T10:00", &["check"]);
    assert!(!err.contains("tier contract"), "{err}");
}
