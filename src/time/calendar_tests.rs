use super::*;
use chrono::Timelike;
use proptest::prelude::*;

fn config(workdays: &[&str], hours: &[&str], holidays: &[&str], makeup: &[&str]) -> CalendarConfig {
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
    CalendarConfig {
        workdays: strings(workdays),
        hours: strings(hours),
        holidays: strings(holidays),
        makeup_days: strings(makeup),
        always: false,
    }
}

#[test]
fn an_always_calendar_works_every_hour_of_every_day() {
    let cfg = CalendarConfig {
        always: true,
        ..CalendarConfig::default()
    };
    let cal = Calendar::new(chrono_tz::UTC, &cfg).unwrap();
    // 2026-12-05 is a Saturday.
    let sat = utc("2026-12-05 10:00");
    assert!(cal.is_working_time(sat));
    assert!(cal.is_working_day(sat.date_naive()));
    assert_eq!(cal.add_working_days(sat, 1), utc("2026-12-06 10:00"));
    assert_eq!(
        cal.add_working(sat, Duration::hours(24)),
        utc("2026-12-06 10:00")
    );
    assert_eq!(
        cal.working_between(utc("2026-12-05 00:00"), utc("2026-12-07 00:00")),
        Duration::hours(48)
    );
    // A day started at midnight runs out at the next midnight.
    assert_eq!(
        cal.add_working_days(utc("2026-12-05 00:00"), 1),
        utc("2026-12-06 00:00")
    );
    for (key, cfg) in [
        (
            "holidays",
            CalendarConfig {
                holidays: vec!["2026-12-25".into()],
                ..cfg.clone()
            },
        ),
        (
            "makeup_days",
            CalendarConfig {
                makeup_days: vec!["2026-12-26".into()],
                ..cfg.clone()
            },
        ),
        (
            "workdays",
            CalendarConfig {
                workdays: vec!["mon".into()],
                ..cfg.clone()
            },
        ),
        (
            "hours",
            CalendarConfig {
                hours: vec!["00:00-24:00".into()],
                ..cfg.clone()
            },
        ),
    ] {
        let e = Calendar::new(chrono_tz::UTC, &cfg).unwrap_err();
        assert_eq!(e, CalendarError::Always(key));
        assert_eq!(
            e.key_in(&cfg, &KeyPath::new(["calendars", "x"]))
                .to_string(),
            format!("calendars.x.{key}")
        );
    }
}

const WEEK: [&str; 5] = ["mon", "tue", "wed", "thu", "fri"];
const ALL_DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Shanghai, default hours, the 2026 National Day holiday and its make-up days.
fn shanghai() -> Calendar {
    let cfg = config(
        &WEEK,
        &["09:00-12:00", "13:30-18:00"],
        &["2026-01-01", "2026-10-01..2026-10-07", "2027-01-01"],
        &["2026-09-27", "2026-10-10"],
    );
    Calendar::new(chrono_tz::Asia::Shanghai, &cfg).unwrap()
}

fn berlin(workdays: &[&str], hours: &[&str]) -> Calendar {
    Calendar::new(
        chrono_tz::Europe::Berlin,
        &config(workdays, hours, &[], &[]),
    )
    .unwrap()
}

/// A local wall time in the calendar's zone (first occurrence if ambiguous).
fn local(cal: &Calendar, text: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    cal.tz()
        .from_local_datetime(&naive)
        .earliest()
        .unwrap()
        .to_utc()
}

fn utc(text: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
        .unwrap()
        .and_utc()
}

fn date(text: &str) -> NaiveDate {
    parse_date(text).unwrap()
}

fn hours(h: i64) -> Duration {
    Duration::hours(h)
}

fn minutes(m: i64) -> Duration {
    Duration::minutes(m)
}

#[test]
fn default_config_is_valid() {
    let cal = Calendar::new(chrono_tz::Asia::Shanghai, &CalendarConfig::default()).unwrap();
    assert!(cal.is_working_day(date("2026-06-05"))); // Friday
    assert!(!cal.is_working_day(date("2026-06-06"))); // Saturday
    let day = cal.working_between(
        local(&cal, "2026-06-05 00:00"),
        local(&cal, "2026-06-06 00:00"),
    );
    assert_eq!(day, minutes(7 * 60 + 30));
}

#[test]
fn config_from_toml_with_defaults() {
    #[derive(Deserialize)]
    struct File {
        #[serde(default)]
        calendar: CalendarConfig,
    }
    let missing: File = toml::from_str("").unwrap();
    assert_eq!(missing.calendar, CalendarConfig::default());

    let partial: File =
        toml::from_str("[calendar]\nholidays = [\"2026-10-01..2026-10-07\"]\n").unwrap();
    assert_eq!(
        partial.calendar.workdays,
        CalendarConfig::default().workdays
    );
    assert_eq!(partial.calendar.holidays, vec!["2026-10-01..2026-10-07"]);

    let typo = toml::from_str::<File>("[calendar]\nholiday = [\"2026-10-01\"]\n");
    assert!(
        typo.is_err(),
        "a misspelt key must not silently drop the holidays"
    );

    let text = toml::to_string(&CalendarConfig::default()).unwrap();
    assert_eq!(
        toml::from_str::<CalendarConfig>(&text).unwrap(),
        CalendarConfig::default()
    );
}

#[test]
fn invalid_configs_name_the_value() {
    let tz = chrono_tz::Asia::Shanghai;
    let err = |cfg: CalendarConfig| Calendar::new(tz, &cfg).unwrap_err().to_string();
    let hours = ["09:00-12:00"];

    assert_eq!(
        err(config(&["mon", "fir"], &hours, &[], &[])),
        "invalid weekday \"fir\" in calendar workdays: expected one of mon, tue, wed, thu, fri, sat, sun"
    );
    assert!(err(config(&[], &hours, &[], &[])).contains("workdays is empty"));
    assert_eq!(
        err(config(&WEEK, &["9-12"], &[], &[])),
        "invalid working-hours interval \"9-12\": expected HH:MM-HH:MM, e.g. \"09:00-12:00\""
    );
    for bad in [
        "09:00",
        "09:00-12:60",
        "25:00-26:00",
        "24:00-24:00",
        "09:0-12:00",
        "a:bc-12:00",
        "",
    ] {
        assert!(
            err(config(&WEEK, &[bad], &[], &[])).contains("expected HH:MM-HH:MM"),
            "{bad}"
        );
    }
    let midnight = err(config(&WEEK, &["22:00-02:00"], &[], &[]));
    assert!(
        midnight
            .starts_with("invalid working-hours interval \"22:00-02:00\": the end must be later")
    );
    assert!(midnight.contains("cannot cross midnight"));
    assert!(err(config(&WEEK, &["09:00-09:00"], &[], &[])).contains("the end must be later"));
    assert_eq!(
        err(config(&WEEK, &["13:30-18:00", "09:00-12:00"], &[], &[])),
        "working-hours intervals \"13:30-18:00\" and \"09:00-12:00\" overlap or are out of order: \
             list them ascending and without overlap, e.g. [\"09:00-12:00\", \"13:30-18:00\"]"
    );
    assert!(err(config(&WEEK, &["09:00-12:00", "11:00-13:00"], &[], &[])).contains("overlap"));
    assert!(err(config(&WEEK, &[], &[], &[])).contains("hours is empty"));
    assert_eq!(
        err(config(&WEEK, &hours, &["2026-02-30"], &[])),
        "invalid holiday \"2026-02-30\": expected a date YYYY-MM-DD or an inclusive range \
             YYYY-MM-DD..YYYY-MM-DD, e.g. \"2026-10-01..2026-10-07\""
    );
    assert!(
        err(config(&WEEK, &hours, &["2026-10-01...2026-10-07"], &[])).contains("invalid holiday")
    );
    assert_eq!(
        err(config(&WEEK, &hours, &["2026-10-07..2026-10-01"], &[])),
        "invalid holiday range \"2026-10-07..2026-10-01\": it ends before it starts"
    );
    assert_eq!(
        err(config(&WEEK, &hours, &[], &["27.09.2026"])),
        "invalid make-up working day \"27.09.2026\": expected a date YYYY-MM-DD, e.g. \"2026-09-27\""
    );
    assert_eq!(
        err(config(
            &WEEK,
            &hours,
            &["2026-10-01..2026-10-07"],
            &["2026-10-03"]
        )),
        "2026-10-03 is listed both as a holiday and as a make-up working day"
    );
}

#[test]
fn errors_name_the_element_they_stopped_at() {
    let tz = chrono_tz::Asia::Shanghai;
    let key = |cfg: CalendarConfig| Calendar::new(tz, &cfg).unwrap_err().key(&cfg).to_string();
    let hours = ["09:00-12:00"];
    assert_eq!(
        key(config(&["mon", "fir"], &hours, &[], &[])),
        "calendar.workdays[1]"
    );
    assert_eq!(key(config(&[], &hours, &[], &[])), "calendar.workdays");
    assert_eq!(key(config(&WEEK, &[], &[], &[])), "calendar.hours");
    // The same text twice: the second is out of order, not the first.
    assert_eq!(
        key(config(&WEEK, &["09:00-12:00", "09:00-12:00"], &[], &[])),
        "calendar.hours[1]"
    );
    assert_eq!(
        key(config(&WEEK, &["09:00-12:00", "22:00-02:00"], &[], &[])),
        "calendar.hours[1]"
    );
    let holidays = ["2026-10-01", "2026-02-30", "2026-12-25..2026-12-24"];
    assert_eq!(
        key(config(&WEEK, &hours, &holidays, &[])),
        "calendar.holidays[1]"
    );
    assert_eq!(
        key(config(&WEEK, &hours, &holidays[2..], &[])),
        "calendar.holidays[0]"
    );
    assert_eq!(
        key(config(
            &WEEK,
            &hours,
            &holidays[..1],
            &["2026-09-27", " 2026-10-01"]
        )),
        "calendar.makeup_days[1]"
    );
    assert_eq!(
        key(config(&WEEK, &hours, &[], &["2026-09-27", "x"])),
        "calendar.makeup_days[1]"
    );
}

#[test]
fn lenient_but_exact_spellings() {
    let cfg = config(
        &["Monday", "TUE", " wed "],
        &["9:00-12:00", "12:00 - 13:00", "22:00-24:00"],
        &[
            "2026-10-01 .. 2026-10-02",
            "2026-10-02..2026-10-05",
            "2026-10-06",
        ],
        &["2026-09-27", "2026-09-27"],
    );
    let cal = Calendar::new(chrono_tz::Asia::Shanghai, &cfg).unwrap();
    assert_eq!(
        cal.hours,
        vec![(9 * 3600, 13 * 3600), (22 * 3600, DAY_SECS)]
    );
    assert_eq!(cal.holidays, vec![(date("2026-10-01"), date("2026-10-06"))]);
    assert_eq!(cal.makeup_days, vec![date("2026-09-27")]);
    // 22:00-24:00 ends exactly at the next midnight.
    let t = local(&cal, "2026-06-01 23:00");
    assert_eq!(
        cal.add_working(t, hours(1)),
        local(&cal, "2026-06-02 00:00")
    );
}

#[test]
fn working_days_with_holidays_and_makeup_days() {
    let cal = shanghai();
    assert!(cal.is_working_day(date("2026-09-27"))); // Sunday, make-up day
    assert!(!cal.is_working_day(date("2026-09-26"))); // Saturday
    assert!(cal.is_working_day(date("2026-09-30")));
    for d in 1..=7 {
        assert!(!cal.is_working_day(NaiveDate::from_ymd_opt(2026, 10, d).unwrap()));
    }
    assert!(cal.is_working_day(date("2026-10-08")));
    assert!(cal.is_working_day(date("2026-10-10"))); // Saturday, make-up day
    assert!(!cal.is_working_day(date("2026-10-11")));
    assert!(!cal.is_working_day(date("2026-01-01")));
}

#[test]
fn three_working_days_from_the_eve_of_national_day() {
    let cal = shanghai();
    // Wed Sep 30 17:00: Oct 1-7 are off; Thu 8, Fri 9 and the make-up Saturday 10 count.
    let start = local(&cal, "2026-09-30 17:00");
    assert_eq!(
        cal.add_working_days(start, 3),
        local(&cal, "2026-10-10 17:00")
    );
    assert_eq!(
        cal.add_working_days(start, 1),
        local(&cal, "2026-10-08 17:00")
    );
    assert_eq!(cal.add_working_days(start, 0), start);
    // 2 business hours: one left on Sep 30, one on Oct 8.
    assert_eq!(
        cal.add_working(start, hours(2)),
        local(&cal, "2026-10-08 10:00")
    );
    assert_eq!(
        cal.working_between(start, local(&cal, "2026-10-08 10:00")),
        hours(2)
    );
    // Accepted during the holiday: the clock starts on Oct 8 09:00, so the deadline is
    // the end of the third working day counted from there, the make-up Saturday.
    let during = local(&cal, "2026-10-03 11:00");
    assert_eq!(
        cal.next_working_instant(during),
        local(&cal, "2026-10-08 09:00")
    );
    assert_eq!(
        cal.add_working_days(during, 3),
        local(&cal, "2026-10-10 18:00")
    );
    // The make-up Sunday before the holiday is worked with normal hours.
    let sunday = local(&cal, "2026-09-27 08:00");
    assert_eq!(
        cal.next_working_instant(sunday),
        local(&cal, "2026-09-27 09:00")
    );
}

#[test]
fn working_days_rule_examples() {
    let cal = shanghai();
    // Fri 15:00 + 3wd = Wed 15:00.
    assert_eq!(
        cal.add_working_days(local(&cal, "2026-06-05 15:00"), 3),
        local(&cal, "2026-06-10 15:00")
    );
    // Saturday: the clock starts Mon 09:00 and runs out at the end of Wednesday.
    assert_eq!(
        cal.add_working_days(local(&cal, "2026-06-06 10:00"), 3),
        local(&cal, "2026-06-10 18:00")
    );
    // In the lunch break the clock starts at 13:30, 3h into the day; 3h into Tuesday
    // is both 12:00 and 13:30, and the earlier one is taken.
    assert_eq!(
        cal.add_working_days(local(&cal, "2026-06-08 12:30"), 1),
        local(&cal, "2026-06-09 12:00")
    );
    assert_eq!(
        cal.add_working_days(local(&cal, "2026-06-08 13:31"), 1),
        local(&cal, "2026-06-09 13:31")
    );
    assert_eq!(
        cal.add_working_days(local(&cal, "2026-06-08 11:59"), 2),
        local(&cal, "2026-06-10 11:59")
    );
    // After hours counts from the next morning: Mon 19:00 + 1wd = Tue 18:00.
    assert_eq!(
        cal.add_working_days(local(&cal, "2026-06-08 19:00"), 1),
        local(&cal, "2026-06-09 18:00")
    );
}

#[test]
fn business_hours_across_lunch_and_weekend() {
    let cal = shanghai();
    // Fri 15:00: 3h on Friday, 3h Monday morning, 2h after lunch.
    let start = local(&cal, "2026-06-05 15:00");
    let due = cal.add_working(start, hours(8));
    assert_eq!(due, local(&cal, "2026-06-08 15:30"));
    assert_eq!(cal.working_between(start, due), hours(8));
    // Exactly the morning: ends at 12:00, not 13:30.
    let monday = local(&cal, "2026-06-08 09:00");
    assert_eq!(
        cal.add_working(monday, hours(3)),
        local(&cal, "2026-06-08 12:00")
    );
    assert_eq!(
        cal.add_working(monday, hours(3) + Duration::seconds(1)),
        local(&cal, "2026-06-08 13:30") + Duration::seconds(1)
    );
    assert_eq!(
        cal.next_working_instant(local(&cal, "2026-06-08 12:00")),
        local(&cal, "2026-06-08 13:30")
    );
    assert_eq!(
        cal.next_working_instant(local(&cal, "2026-06-08 10:17")),
        local(&cal, "2026-06-08 10:17")
    );
    assert!(cal.is_working_time(local(&cal, "2026-06-08 17:59")));
    assert!(!cal.is_working_time(local(&cal, "2026-06-08 18:00")));
    // Zero and reversed ranges.
    assert_eq!(cal.add_working(start, Duration::zero()), start);
    assert_eq!(cal.working_between(due, start), Duration::zero());
}

#[test]
fn years_the_holidays_cover() {
    let cal = shanghai();
    assert_eq!(cal.holiday_years(), vec![2026, 2027]);
    assert!(cal.covers_year(2026) && cal.covers_year(2027));
    assert!(!cal.covers_year(2025) && !cal.covers_year(2028));

    // A range touching two years covers both; years between listed ones are gaps.
    let cfg = config(
        &WEEK,
        &["09:00-18:00"],
        &["2026-12-31..2027-01-01", "2029-05-01"],
        &["2026-01-04"],
    );
    let cal = Calendar::new(chrono_tz::Asia::Shanghai, &cfg).unwrap();
    assert_eq!(cal.holiday_years(), vec![2026, 2027, 2029]);
    assert!(!cal.covers_year(2028));
    assert_eq!(
        cal.missing_holiday_year(local(&cal, "2028-03-01 10:00")),
        Some(2028)
    );
    assert_eq!(
        cal.missing_holiday_year(local(&cal, "2029-12-31 23:59")),
        None
    );
    // Make-up days alone cover nothing: they are not holidays.
    let only_makeup = config(&WEEK, &["09:00-18:00"], &["2027-02-01"], &["2026-01-04"]);
    let cal = Calendar::new(chrono_tz::Asia::Shanghai, &only_makeup).unwrap();
    assert!(!cal.covers_year(2026));
}

#[test]
fn the_year_of_an_instant_is_the_desks() {
    let cal = shanghai();
    // 2025-12-31 20:00 UTC is already 2026 in Shanghai.
    let t = utc("2025-12-31 20:00");
    assert!(cal.covers(t));
    assert_eq!(cal.year_of(t), 2026);
    assert_eq!(cal.missing_holiday_year(t), None);
    let earlier = utc("2025-12-31 15:00");
    assert!(!cal.covers(earlier));
    assert_eq!(cal.missing_holiday_year(earlier), Some(2025));
}

#[test]
fn a_calendar_without_holidays_misses_no_year() {
    let cal = berlin(&WEEK, &["09:00-17:00"]);
    assert!(cal.holiday_years().is_empty());
    assert!(!cal.covers(utc("2027-06-01 10:00")));
    assert_eq!(cal.missing_holiday_year(utc("2027-06-01 10:00")), None);
}

#[test]
fn month_and_year_ends() {
    let cal = shanghai();
    // Fri Jul 31 16:00 + 1wd = Mon Aug 3 16:00.
    assert_eq!(
        cal.add_working_days(local(&cal, "2026-07-31 16:00"), 1),
        local(&cal, "2026-08-03 16:00")
    );
    // Thu Dec 31 17:30 + 2bh: half an hour, then New Year's Day and a weekend.
    let eve = local(&cal, "2026-12-31 17:30");
    assert_eq!(
        cal.add_working(eve, hours(2)),
        local(&cal, "2027-01-04 10:30")
    );
    assert_eq!(
        cal.add_working_days(eve, 1),
        local(&cal, "2027-01-04 17:30")
    );

    // With Saturday Jan 2 a make-up day, the same ticket is due on Jan 2.
    let cfg = config(
        &WEEK,
        &["09:00-12:00", "13:30-18:00"],
        &["2027-01-01"],
        &["2027-01-02"],
    );
    let cal = Calendar::new(chrono_tz::Asia::Shanghai, &cfg).unwrap();
    assert_eq!(
        cal.add_working(eve, hours(2)),
        local(&cal, "2027-01-02 10:30")
    );
    assert_eq!(
        cal.add_working_days(eve, 1),
        local(&cal, "2027-01-02 17:30")
    );
    assert_eq!(
        cal.working_between(eve, local(&cal, "2027-01-04 09:00")),
        minutes(30) + minutes(7 * 60 + 30)
    );
}

#[test]
fn holiday_spanning_a_weekend() {
    let cal = shanghai();
    // Oct 1-7 covers Sat 3 and Sun 4; without make-up days it would be five lost days.
    let before = local(&cal, "2026-09-30 09:00");
    let after = local(&cal, "2026-10-09 09:00");
    // Sep 30 and Oct 8 are the only working days in between.
    assert_eq!(
        cal.working_between(before, after),
        minutes(2 * (7 * 60 + 30))
    );
    assert_eq!(
        cal.add_working_days(before, 2),
        local(&cal, "2026-10-08 18:00")
    );
    // Thirty working days over the holiday, counted in whole days.
    let start = local(&cal, "2026-09-21 09:00");
    let due = cal.add_working(start, minutes(30 * (7 * 60 + 30)));
    assert_eq!(cal.working_between(start, due), minutes(30 * (7 * 60 + 30)));
    assert_eq!(due, cal.add_working_days(start, 30));
}

#[test]
fn berlin_dst_days_with_normal_hours() {
    let week = berlin(&WEEK, &["09:00-17:00"]);
    // Fri Mar 27 16:00 CET + 2bh: 1h Friday, 1h Monday (now CEST).
    let fri = local(&week, "2026-03-27 16:00");
    assert_eq!(fri, utc("2026-03-27 15:00"));
    assert_eq!(week.add_working(fri, hours(2)), utc("2026-03-30 08:00"));
    assert_eq!(week.add_working_days(fri, 1), utc("2026-03-30 14:00")); // 16:00 CEST
    // Fri Oct 23 16:00 CEST + 2bh ends Mon Oct 26 10:00 CET.
    let fri = local(&week, "2026-10-23 16:00");
    assert_eq!(week.add_working(fri, hours(2)), utc("2026-10-26 09:00"));

    // Worked Sundays: the DST day itself still has 8 working hours.
    let all = berlin(&ALL_DAYS, &["09:00-17:00"]);
    for day in ["2026-03-29", "2026-10-25"] {
        let (a, b) = (
            local(&all, &format!("{day} 00:00")),
            local(&all, &format!("{day} 23:59")),
        );
        assert_eq!(all.working_between(a, b), hours(8), "{day}");
    }
    assert_eq!(
        all.next_working_instant(utc("2026-03-29 00:30")),
        utc("2026-03-29 07:00")
    );
    assert_eq!(
        all.next_working_instant(utc("2026-10-25 00:30")),
        utc("2026-10-25 08:00")
    );
}

#[test]
fn berlin_dst_days_around_the_clock() {
    let cal = berlin(&ALL_DAYS, &["00:00-24:00"]);
    let spring = (
        local(&cal, "2026-03-29 00:00"),
        local(&cal, "2026-03-30 00:00"),
    );
    let autumn = (
        local(&cal, "2026-10-25 00:00"),
        local(&cal, "2026-10-26 00:00"),
    );
    assert_eq!(cal.working_between(spring.0, spring.1), hours(23));
    assert_eq!(cal.working_between(autumn.0, autumn.1), hours(25));
    // 02:00-03:00 does not exist in spring; 3 hours after midnight it is 04:00 CEST.
    assert_eq!(cal.add_working(spring.0, hours(3)), utc("2026-03-29 02:00"));
    // A day later by working days is the same position in the day, counted in hours.
    assert_eq!(
        cal.add_working_days(spring.0 + hours(1), 1),
        spring.1 + hours(1)
    );

    // Intervals touching the changes: one that does not exist, one that happens twice.
    let cal = berlin(&ALL_DAYS, &["02:00-03:00", "09:00-10:00"]);
    let spring_day = (
        local(&cal, "2026-03-29 00:00"),
        local(&cal, "2026-03-30 00:00"),
    );
    assert_eq!(cal.working_between(spring_day.0, spring_day.1), hours(1));
    assert_eq!(
        cal.next_working_instant(utc("2026-03-29 00:30")),
        utc("2026-03-29 07:00")
    );
    let autumn_day = (
        local(&cal, "2026-10-25 00:00"),
        local(&cal, "2026-10-26 00:00"),
    );
    assert_eq!(cal.working_between(autumn_day.0, autumn_day.1), hours(3));
    // From the first 02:00 (00:00 UTC) to 03:00 CET (02:00 UTC).
    assert_eq!(
        cal.next_working_instant(utc("2026-10-24 23:00")),
        utc("2026-10-25 00:00")
    );
    assert_eq!(
        cal.add_working(utc("2026-10-25 00:00"), hours(2)),
        utc("2026-10-25 02:00")
    );

    let cal = berlin(&ALL_DAYS, &["02:30-04:00"]);
    let day = (
        local(&cal, "2026-10-25 00:00"),
        local(&cal, "2026-10-26 00:00"),
    );
    assert_eq!(cal.working_between(day.0, day.1), minutes(150));
    let day = (
        local(&cal, "2026-03-29 00:00"),
        local(&cal, "2026-03-30 00:00"),
    );
    assert_eq!(cal.working_between(day.0, day.1), hours(1));
}

#[test]
fn clocks_changing_at_midnight() {
    // Chile leaves DST at Saturday 24:00 (back to 23:00) and enters it at Sunday 00:00
    // (on to 01:00), so one day has 25 hours and another starts at 01:00.
    let cal = Calendar::new(
        chrono_tz::America::Santiago,
        &config(&ALL_DAYS, &["00:00-24:00"], &[], &[]),
    )
    .unwrap();
    let (sat, sun) = (date("2026-04-04"), date("2026-09-06"));
    assert_eq!(cal.to_utc(sat, 0), utc("2026-04-04 03:00"));
    assert_eq!(cal.to_utc(sat, DAY_SECS), utc("2026-04-05 04:00"));
    assert_eq!(cal.to_utc(sun, 0), utc("2026-09-06 04:00"));
    let between = |a, b| cal.working_between(cal.to_utc(a, 0), cal.to_utc(b, 0));
    assert_eq!(between(sat, sat.succ_opt().unwrap()), hours(25));
    assert_eq!(between(sun, sun.succ_opt().unwrap()), hours(23));
    // The repeated hour 23:00-24:00 belongs to Saturday both times it happens.
    let repeated = utc("2026-04-05 03:30");
    assert_eq!(cal.first_day(repeated), sat);
    // 24.5 hours into Saturday is more than Sunday has: clamped to Sunday's end.
    assert_eq!(cal.add_working_days(repeated, 1), utc("2026-04-06 04:00"));
}

#[test]
fn long_holiday_ranges_are_jumped() {
    let cfg = config(&WEEK, &["09:00-17:00"], &["2026-01-01..9999-12-31"], &[]);
    let cal = Calendar::new(chrono_tz::Asia::Shanghai, &cfg).unwrap();
    let t = utc("2026-06-01 00:00");
    // Monday, 10000-01-03 is the first working day after the range.
    let monday = NaiveDate::from_ymd_opt(10000, 1, 3).unwrap();
    assert_eq!(cal.next_working_instant(t), cal.to_utc(monday, 9 * 3600));
    assert_eq!(cal.add_working(t, hours(8)), cal.to_utc(monday, 17 * 3600));
}

// ---- properties ----

fn calendars() -> Vec<Calendar> {
    vec![
        shanghai(),
        berlin(&WEEK, &["09:00-17:00"]),
        berlin(&ALL_DAYS, &["00:00-24:00"]),
        berlin(
            &["sat", "sun", "mon"],
            &["01:00-02:30", "02:45-03:10", "08:00-12:00", "23:00-24:00"],
        ),
        Calendar::new(chrono_tz::America::New_York, &CalendarConfig::default()).unwrap(),
        // Clocks change at midnight here, so a day can start twice or at 01:00.
        Calendar::new(
            chrono_tz::America::Santiago,
            &config(&ALL_DAYS, &["00:00-24:00"], &[], &[]),
        )
        .unwrap(),
        Calendar::new(
            chrono_tz::America::Santiago,
            &config(&WEEK, &["00:00-01:00", "23:30-24:00"], &[], &[]),
        )
        .unwrap(),
    ]
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    // 2025-01-01 .. 2029-01-01, whole seconds.
    (1_735_689_600i64..1_861_920_000).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap())
}

fn duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        (0i64..=8 * 3600).prop_map(Duration::seconds),
        (0i64..=400 * 3600).prop_map(Duration::seconds),
        (0i64..=300).prop_map(Duration::hours),
    ]
}

fn calendar_index() -> impl Strategy<Value = usize> {
    0..calendars().len()
}

proptest! {
    #[test]
    fn add_working_inverts_working_between(c in calendar_index(), s in instant(), d in duration()) {
        let cal = &calendars()[c];
        let due = cal.add_working(s, d);
        prop_assert!(due >= s);
        prop_assert_eq!(cal.working_between(s, due), d);
    }

    #[test]
    fn add_working_is_monotonic(c in calendar_index(), a in instant(), b in instant(), d in duration()) {
        let cal = &calendars()[c];
        let (a, b) = (a.min(b), a.max(b));
        prop_assert!(cal.add_working(a, d) <= cal.add_working(b, d));
    }

    #[test]
    fn add_working_ends_in_working_time(c in calendar_index(), s in instant(), d in duration()) {
        prop_assume!(d > Duration::zero());
        let cal = &calendars()[c];
        let due = cal.add_working(s, d);
        // The earliest such instant: the second before it was worked in full.
        prop_assert_eq!(cal.working_between(due - Duration::seconds(1), due), Duration::seconds(1));
    }

    #[test]
    fn next_working_instant_is_idempotent(c in calendar_index(), t in instant()) {
        let cal = &calendars()[c];
        let next = cal.next_working_instant(t);
        prop_assert!(next >= t);
        prop_assert_eq!(cal.next_working_instant(next), next);
        prop_assert_eq!(cal.working_between(t, next), Duration::zero());
        prop_assert!(cal.is_working_time(next));
    }

    #[test]
    fn working_days_are_whole_days_without_dst(s in instant(), n in 1u32..40) {
        // Every Shanghai working day has 7.5 hours, so n working days are 7.5n hours.
        let cal = shanghai();
        let due = cal.add_working_days(s, n);
        let from = cal.next_working_instant(s);
        prop_assert_eq!(due, cal.add_working(from, minutes(i64::from(n) * 450)));
    }

    #[test]
    fn working_days_grow_with_n(c in calendar_index(), s in instant(), n in 0u32..30) {
        let cal = &calendars()[c];
        prop_assert!(cal.add_working_days(s, n) < cal.add_working_days(s, n + 1));
        prop_assert!(cal.add_working_days(s, n) >= s);
    }

    #[test]
    fn working_between_matches_a_minute_by_minute_count(
        c in 0usize..2, start in 1_735_689_600i64 / 60..1_861_920_000 / 60, len in 0i64..6 * 24 * 60,
    ) {
        // Shanghai and Berlin 09:00-17:00 have no ambiguous working wall times.
        let cal = &calendars()[c];
        let at = |m: i64| DateTime::from_timestamp(m * 60, 0).unwrap();
        let worked = (start..start + len).filter(|&m| {
            let wall = cal.tz().from_utc_datetime(&at(m).naive_utc()).naive_local();
            let secs = wall.time().num_seconds_from_midnight();
            cal.is_working_day(wall.date())
                && cal.hours.iter().any(|&(s, e)| s <= secs && secs < e)
        }).count();
        prop_assert_eq!(cal.working_between(at(start), at(start + len)), minutes(worked as i64));
    }

    #[test]
    fn calendar_new_never_panics(
        workdays in proptest::collection::vec(".{0,12}", 0..4),
        hours in proptest::collection::vec("[0-9:\\- ]{0,14}|.{0,14}", 0..4),
        holidays in proptest::collection::vec("[0-9.\\-]{0,24}|.{0,24}", 0..3),
        makeup in proptest::collection::vec("[0-9\\-]{0,12}", 0..3),
    ) {
        let cfg = CalendarConfig { workdays, hours, holidays, makeup_days: makeup, always: false };
        if let Ok(cal) = Calendar::new(chrono_tz::Asia::Shanghai, &cfg) {
            let t = utc("2026-06-01 00:00");
            let next = cal.next_working_instant(t);
            prop_assert!(next >= t);
        }
    }
}
