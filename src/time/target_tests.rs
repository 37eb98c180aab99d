use super::*;
use crate::time::CalendarConfig;
use chrono::{NaiveDateTime, TimeZone};
use proptest::prelude::*;

fn shanghai() -> Calendar {
    let cfg = CalendarConfig {
        holidays: vec!["2026-10-01..2026-10-07".into()],
        makeup_days: vec!["2026-09-27".into(), "2026-10-10".into()],
        ..CalendarConfig::default()
    };
    Calendar::new(chrono_tz::Asia::Shanghai, &cfg).unwrap()
}

fn local(text: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    chrono_tz::Asia::Shanghai
        .from_local_datetime(&naive)
        .unwrap()
        .to_utc()
}

fn parse(text: &str) -> Target {
    Target::parse(text).unwrap()
}

#[test]
fn parses_every_unit() {
    assert_eq!(parse("90s"), Target::Wall(Duration::seconds(90)));
    assert_eq!(parse("15m"), Target::Wall(Duration::minutes(15)));
    assert_eq!(parse("48h"), Target::Wall(Duration::hours(48)));
    assert_eq!(parse("3d"), Target::Wall(Duration::hours(72)));
    assert_eq!(parse("8bh"), Target::BusinessHours(Duration::hours(8)));
    assert_eq!(parse("90bm"), Target::BusinessHours(Duration::minutes(90)));
    assert_eq!(parse("3wd"), Target::WorkingDays(3));
    assert_eq!(parse(" 3 WD "), Target::WorkingDays(3));
    assert_eq!(parse("0m"), Target::Wall(Duration::zero()));
    assert_eq!(parse("0wd"), Target::WorkingDays(0));
    assert_eq!("2H".parse::<Target>(), Ok(Target::Wall(Duration::hours(2))));
}

#[test]
fn displays_canonically() {
    for (text, shown) in [
        ("15m", "15m"),
        ("48h", "48h"),
        ("3d", "72h"),
        ("120m", "2h"),
        ("90s", "90s"),
        ("60s", "1m"),
        ("8bh", "8bh"),
        ("90bm", "90bm"),
        ("120bm", "2bh"),
        ("3wd", "3wd"),
        ("0m", "0h"),
    ] {
        assert_eq!(parse(text).to_string(), shown, "{text}");
    }
}

#[test]
fn rejects_with_clear_messages() {
    let err = |text: &str| Target::parse(text).unwrap_err().to_string();
    assert_eq!(
        err("3x"),
        "invalid SLA target \"3x\": expected a number followed by s, m, h or d (wall clock), \
             bm or bh (business minutes or hours) or wd (working days), \
             e.g. \"15m\", \"48h\", \"8bh\", \"3wd\""
    );
    for bad in [
        "", "15", "h", "-3h", "+3h", "3 h h", "3hours", "3bd", "3w", "bh8", "１５m",
    ] {
        assert!(
            matches!(Target::parse(bad), Err(TargetError::Syntax(_))),
            "{bad:?}"
        );
    }
    assert_eq!(
        err("1.5bh"),
        "invalid SLA target \"1.5bh\": fractions are not supported; use a smaller unit, \
             e.g. \"90m\" or \"90bm\" for an hour and a half"
    );
    assert_eq!(
        err("100000h"),
        "SLA target \"100000h\" is too long: at most 3660 days (about ten years)"
    );
    assert!(matches!(
        Target::parse("99999999999999999999999h"),
        Err(TargetError::TooLong(_))
    ));
    assert!(matches!(
        Target::parse("3661wd"),
        Err(TargetError::TooLong(_))
    ));
    assert_eq!(parse("3660wd"), Target::WorkingDays(3660));
    assert_eq!(parse("3660d"), Target::Wall(Duration::days(3660)));
}

#[test]
fn parses_wall_clock_durations() {
    assert_eq!(parse_duration("2h"), Ok(Duration::hours(2)));
    assert_eq!(parse_duration("30m"), Ok(Duration::minutes(30)));
    assert_eq!(parse_duration("3d"), Ok(Duration::days(3)));
    assert_eq!(parse_duration("45s"), Ok(Duration::seconds(45)));
    assert_eq!(parse_duration("0"), Err(DurationError::Syntax("0".into())));
    assert_eq!(parse_duration("0m"), Ok(Duration::zero()));
    assert_eq!(
        parse_duration("8bh").unwrap_err().to_string(),
        "invalid duration \"8bh\": expected a number followed by s, m, h or d, e.g. \"30m\", \"2h\", \"3d\""
    );
    assert!(matches!(
        parse_duration("2.5h"),
        Err(DurationError::Fraction(_))
    ));
    assert!(matches!(
        parse_duration("10000d"),
        Err(DurationError::TooLong(_))
    ));
}

#[test]
fn due_and_elapsed_per_kind() {
    let cal = shanghai();
    // Wed Sep 30 17:00, the eve of National Day.
    let start = local("2026-09-30 17:00");
    assert_eq!(parse("24h").due(&cal, start), local("2026-10-01 17:00"));
    assert_eq!(parse("8bh").due(&cal, start), local("2026-10-08 17:30"));
    assert_eq!(parse("3wd").due(&cal, start), local("2026-10-10 17:00"));
    assert_eq!(parse("0bh").due(&cal, start), start);
    assert_eq!(parse("0m").due(&cal, start), start);
    let evening = local("2026-09-30 19:00");
    assert_eq!(parse("0wd").due(&cal, evening), local("2026-10-08 09:00"));

    let later = local("2026-10-08 10:00");
    assert_eq!(
        parse("24h").elapsed(&cal, start, later),
        Duration::hours(7 * 24 + 17)
    );
    assert_eq!(parse("8bh").elapsed(&cal, start, later), Duration::hours(2));
    assert_eq!(parse("3wd").elapsed(&cal, start, later), Duration::hours(2));
    assert_eq!(parse("24h").elapsed(&cal, later, start), Duration::zero());
}

#[test]
fn serde_uses_the_text_form() {
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Timer {
        target: Target,
    }
    let timer: Timer = toml::from_str("target = \"3wd\"").unwrap();
    assert_eq!(timer.target, Target::WorkingDays(3));
    assert_eq!(toml::to_string(&timer).unwrap().trim(), "target = \"3wd\"");
    let err = toml::from_str::<Timer>("target = \"3x\"")
        .unwrap_err()
        .to_string();
    assert!(err.contains("invalid SLA target \"3x\""), "{err}");
}

fn target() -> impl Strategy<Value = Target> {
    let max_secs = i64::from(MAX_TARGET_DAYS) * 86_400;
    prop_oneof![
        (0..=max_secs).prop_map(|s| Target::Wall(Duration::seconds(s))),
        (0..=max_secs / 60).prop_map(|m| Target::BusinessHours(Duration::minutes(m))),
        (0..=MAX_TARGET_DAYS).prop_map(Target::WorkingDays),
    ]
}

proptest! {
    #[test]
    fn display_round_trips(t in target()) {
        prop_assert_eq!(Target::parse(&t.to_string()), Ok(t));
    }

    #[test]
    fn parsers_never_panic(text in "\\PC{0,12}|[0-9 ]{0,25}[.,]?[0-9]{0,3}[a-zA-Z ]{0,4}") {
        let _ = Target::parse(&text);
        let _ = parse_duration(&text);
    }
}
