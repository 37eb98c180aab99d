//! End-to-end: every mistake in svcdesk.toml fails every command with
//! `svcdesk.toml:LINE:COLUMN: KEY...`, pointing at the offending value itself (the list
//! element, not the list), exit 1 (3 for `sla check`), as svcdesk(1) DIAGNOSTICS says.

use crate::common::{TestDesk, stderr, stdout};

/// `svcdesk.toml` of a fresh desk with `edit` applied: `(from, to)` replaces the first
/// `from` (which must be there); an empty `from` appends `to`.
fn desk_with(edits: &[(&str, &str)]) -> (TestDesk, String) {
    let d = TestDesk::new();
    let mut text = d.read("svcdesk.toml");
    for (from, to) in edits {
        if from.is_empty() {
            text.push_str(to);
        } else {
            assert!(text.contains(from), "the default config has {from:?}");
            text = text.replacen(from, to, 1);
        }
    }
    d.write("svcdesk.toml", &text);
    (d, text)
}

/// `LINE:COLUMN` (1-based, columns in characters) of the `nth` (0-based) occurrence of
/// `needle` in `text`, found as the line's own text so that it is checked independently.
fn position(text: &str, needle: &str, nth: usize) -> String {
    let mut seen = 0;
    for (i, line) in text.lines().enumerate() {
        let mut from = 0;
        while let Some(at) = line[from..].find(needle) {
            let byte = from + at;
            if seen == nth {
                return format!("{}:{}", i + 1, line[..byte].chars().count() + 1);
            }
            seen += 1;
            from = byte + needle.len();
        }
    }
    panic!("{needle:?} is not in the config");
}

/// Runs `check` on a desk with `edits`, expects exit 1 and one error line that starts
/// with `svcdesk.toml:` and the position of `needle`, then `message`.
fn fails_at(edits: &[(&str, &str)], needle: (&str, usize), message: &str) -> String {
    let (d, text) = desk_with(edits);
    let err = d.fails(1, &["check"]);
    let at = position(&text, needle.0, needle.1);
    let expected = format!("svcdesk.toml:{at}: {message}");
    assert!(
        err.starts_with("error: ") && err.contains(&expected),
        "expected {expected:?}\ngot: {err}"
    );
    err
}

#[test]
fn calendar_errors_point_at_the_element() {
    // The example of the brief: an impossible date, the third holiday range replaced.
    fails_at(
        &[("\"2026-04-04..2026-04-06\"", "\"2026-02-30\"")],
        ("\"2026-02-30\"", 0),
        "calendar.holidays[2]: invalid holiday \"2026-02-30\": expected a date YYYY-MM-DD",
    );
    fails_at(
        &[("\"2026-05-01..2026-05-05\"", "\"2026-05-05..2026-05-01\"")],
        ("\"2026-05-05..2026-05-01\"", 0),
        "calendar.holidays[3]: invalid holiday range \"2026-05-05..2026-05-01\": it ends before it starts",
    );
    // A make-up day inside the Spring Festival holiday: the make-up day is pointed at.
    fails_at(
        &[("\"2026-02-28\"", "\"2026-02-16\"")],
        ("\"2026-02-16\"", 0),
        "calendar.makeup_days[2]: 2026-02-16 is listed both as a holiday and as a make-up working day",
    );
    fails_at(
        &[("\"2026-10-10\"]", "\"2026-10-1O\"]")],
        ("\"2026-10-1O\"", 0),
        "calendar.makeup_days[5]: invalid make-up working day \"2026-10-1O\"",
    );
    fails_at(
        &[("\"13:30-18:00\"]", "\"11:30-18:00\"]")],
        ("\"11:30-18:00\"", 0),
        "calendar.hours[1]: working-hours intervals \"09:00-12:00\" and \"11:30-18:00\" overlap",
    );
    fails_at(
        &[("\"13:30-18:00\"]", "\"22:00-02:00\"]")],
        ("\"22:00-02:00\"", 0),
        "calendar.hours[1]: invalid working-hours interval \"22:00-02:00\": the end must be later",
    );
    fails_at(
        &[("\"thu\", \"fri\"]", "\"thu\", \"fir\"]")],
        ("\"fir\"", 0),
        "calendar.workdays[4]: invalid weekday \"fir\"",
    );
    // An empty list has no element: the list itself.
    fails_at(
        &[("hours = [\"09:00-12:00\", \"13:30-18:00\"]", "hours = []")],
        ("[]", 0),
        "calendar.hours: calendar hours is empty",
    );
}

#[test]
fn a_broken_calendar_fails_sla_check_with_exit_three_at_its_element() {
    let (d, text) = desk_with(&[("\"2026-04-04..2026-04-06\"", "\"2026-02-30\"")]);
    let o = d.run(&["sla", "check"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    let at = position(&text, "\"2026-02-30\"", 0);
    assert!(
        stderr(&o).contains(&format!("svcdesk.toml:{at}: calendar.holidays[2]: ")),
        "{}",
        stderr(&o)
    );
}

const STAFF: &str = "
[[staff]]
id = \"li\"
name = \"李\"
department = \"service\"
roles = [\"agent\"]

[[staff]]
id = \"sun\"
name = \"孙\"
department = \"service\"
roles = [\"manager\", \"head\"]
";

#[test]
fn cross_reference_errors_point_at_the_value() {
    fails_at(
        &[("department = \"quality\"", "department = \"qualty\"")],
        ("\"qualty\"", 0),
        "categories.quality.department: \"qualty\" is not a department (did you mean \"quality\"?); known: ",
    );
    fails_at(
        &[
            ("", STAFF),
            ("", "\n[[staff]]\nid = \"li\"\nname = \"李四\"\n"),
        ],
        ("\"li\"", 1),
        "staff[2].id: staff id \"li\" appears twice (first as staff[0])",
    );
    fails_at(
        &[
            ("", STAFF),
            (
                "roles = [\"manager\", \"head\"]",
                "roles = [\"manager\", \"haed\"]",
            ),
        ],
        ("\"haed\"", 0),
        "staff[1].roles[1]: unknown role \"haed\" (did you mean \"head\"?); roles are: agent,",
    );
    fails_at(
        &[
            ("", STAFF),
            (
                "department = \"service\"\nroles = [\"agent\"]",
                "department = \"servise\"\nroles = [\"agent\"]",
            ),
        ],
        ("\"servise\"", 0),
        "staff[0].department: \"servise\" is not a department (did you mean \"service\"?)",
    );
    fails_at(
        &[("", STAFF), ("", "\n[sla.escalate]\nto = \"sunn\"\n")],
        ("\"sunn\"", 0),
        "sla.escalate.to: \"sunn\" is not on the staff list (did you mean \"sun\"?); staff: li, sun",
    );
    fails_at(
        &[(
            "",
            "\n[sla.escalate]\nto = \"sun\"\ngrades = [\"II\", \"IV\"]\n",
        )],
        ("\"IV\"", 0),
        "sla.escalate.grades[1]: \"IV\" is not a grade (I, II, III)",
    );
    fails_at(
        &[(
            "",
            "\n[sla.escalate]\nto = \"sun\"\ntimers = [\"resolve\", \"respnd\"]\n",
        )],
        ("\"respnd\"", 0),
        "sla.escalate.timers[1]: \"respnd\" is not a timer in [sla.timers] (did you mean \"respond\"?)",
    );
}

#[test]
fn timer_names_point_at_the_element_and_suggest_the_spelling() {
    fails_at(
        &[("pause = [\"waiting\"]", "pause = [\"new\", \"wating\"]")],
        ("\"wating\"", 0),
        "sla.timers.resolve.pause[1] = \"wating\": \"wating\" is not a ticket state (did you mean \"waiting\"?); states are: new,",
    );
    fails_at(
        &[(
            "start = [\"open\", \"reopen\"]",
            "start = [\"open\", \"reopne\"]",
        )],
        ("\"reopne\"", 0),
        "sla.timers.resolve.start[1] = \"reopne\": \"reopne\" is not an action (did you mean \"reopen\"?); actions are: open,",
    );
    // A single name written bare: the value itself.
    fails_at(
        &[("stop = \"respond\"", "stop = \"responde\"")],
        ("\"responde\"", 0),
        "sla.timers.respond.stop = \"responde\": \"responde\" is not an action (did you mean \"respond\"?)",
    );
    // Nothing near: no guess, just the list.
    let err = fails_at(
        &[("pause = [\"waiting\"]", "pause = [\"lunch\"]")],
        ("\"lunch\"", 0),
        "sla.timers.resolve.pause[0] = \"lunch\": \"lunch\" is not a ticket state; states are: new,",
    );
    assert!(!err.contains("did you mean"), "{err}");
}

#[test]
fn wrong_types_are_explained_with_an_example() {
    // The example of the brief: a number where a target belongs.
    fails_at(
        &[("II = \"48h\", high", "II = 48, high")],
        ("48,", 0),
        "sla.timers.resolve.target.II: a target is a quoted string such as \"48h\", \"8bh\" or \"3wd\", not the number 48",
    );
    fails_at(
        &[("warn = \"4h\"", "warn = 240")],
        ("240", 0),
        "sla.timers.resolve.warn: `warn` is a quoted string such as \"4h\", \"2bh\" or \"1wd\", not the number 240",
    );
    fails_at(
        &[("\"13:30-18:00\"]", "1330]")],
        ("1330", 0),
        "calendar.hours[1]: working hours are a quoted interval such as \"09:00-12:00\", not the number 1330",
    );
    // A date without quotes is a TOML date, not a string.
    fails_at(
        &[("\"2026-04-04..2026-04-06\"", "2026-04-05")],
        ("2026-04-05", 0),
        "calendar.holidays[2]: a holiday is a quoted date or range such as \"2026-12-25\" or \"2026-10-01..2026-10-07\", not the unquoted date 2026-04-05",
    );
    fails_at(
        &[("pause = [\"waiting\"]", "pause = \"waiting\"")],
        ("\"waiting\"", 0),
        "sla.timers.resolve.pause: `pause` is a list of ticket states such as [\"waiting\"], not the string \"waiting\"",
    );
    fails_at(
        &[("start = [\"assign\", \"forward\"]", "start = 99")],
        ("99", 0),
        "sla.timers.accept.start: `start` is an action such as \"open\", or a list such as [\"open\", \"reopen\"], not the number 99",
    );
    // Elsewhere serde's expectation is kept, with the key and the value found.
    fails_at(
        &[(
            "",
            "\n[[staff]]\nid = \"li\"\nname = \"李\"\nphone = 13800000000\n",
        )],
        ("13800000000", 0),
        "staff[0].phone: expected a quoted string, not the number 13800000000",
    );
}

#[test]
fn every_command_fails_at_the_same_position() {
    let (d, text) = desk_with(&[("II = \"48h\", high", "II = 48, high")]);
    let at = position(&text, "48,", 0);
    let err = d.fails(1, &["ticket", "list"]);
    assert!(
        err.contains(&format!(
            "svcdesk.toml:{at}: sla.timers.resolve.target.II: "
        )),
        "{err}"
    );
}
