//! Reading the dates and times people type, in the desk's time zone.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::error::{Error, Result};

/// Parses a time a user typed: RFC 3339 (`2026-11-24T09:30:00+08:00`), or local desk time
/// `2026-11-24 09:30`, `2026-11-24T09:30[:ss]`, or a date alone (midnight).
pub fn parse_time(s: &str, tz: Tz) -> Result<DateTime<Utc>> {
    use chrono::{NaiveDate, NaiveDateTime, TimeZone};
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let naive = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    .or_else(|| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
    });
    let bad = || {
        Error::usage(
            format!("cannot read \"{s}\" as a time"),
            "write 2026-11-24 09:30 (desk time), 2026-11-24, or 2026-11-24T09:30:00+08:00",
        )
    };
    let naive = naive.ok_or_else(bad)?;
    // In a DST gap the wall time does not exist; the earliest valid reading is what a
    // person entering it after the fact means.
    tz.from_local_datetime(&naive)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(naive + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(bad)
}

/// How far past now a time given for something that happened may be: the clocks of the
/// machines people enter work on never agree to the second.
pub const FUTURE_SLACK: chrono::Duration = chrono::Duration::minutes(5);

/// Refuses `at`, read from the text `given` (an `--at` value), when it is more than
/// [`FUTURE_SLACK`] after `now`. Such a time is almost always a typo (2062 for 2026, or
/// next year for this one) and, once written, makes every later step on the record look
/// out of order. The error, [`InFuture`], carries the likely intended time: the year with
/// two digits swapped when that gives the current year, else the same date a year
/// earlier, whichever is not in the future.
pub fn refuse_future(
    given: &str,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
    tz: Tz,
) -> std::result::Result<(), InFuture> {
    if at <= now + FUTURE_SLACK {
        return Ok(());
    }
    let given = given.trim();
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
    let this_year = chrono::Datelike::year(&now.with_timezone(&tz));
    let past = |text: &String| parse_time(text, tz).is_ok_and(|t| t <= now + FUTURE_SLACK);
    Err(InFuture {
        given: given.to_string(),
        at: local(at),
        now: local(now),
        guess: typo_years(given, this_year).into_iter().find(past),
    })
}

/// A time given for something that happened, later than now (see [`refuse_future`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "\"{given}\" ({at} desk time) is in the future: it is now {now}, and a record keeps what has already happened"
)]
pub struct InFuture {
    /// As typed.
    pub given: String,
    /// It and now, in desk time, to the minute.
    pub at: String,
    pub now: String,
    /// What was probably meant, when a year typo explains it.
    pub guess: Option<String>,
}

/// `given` with its leading year replaced: first by `this_year` where swapping two of
/// the year's digits gives it, then, for a year after this one, by the year before.
fn typo_years(given: &str, this_year: i32) -> Vec<String> {
    let Some(year) = given
        .get(..4)
        .filter(|y| y.bytes().all(|b| b.is_ascii_digit()) && given[4..].starts_with('-'))
    else {
        return Vec::new();
    };
    let with_year = |y: i32| format!("{y:04}{}", &given[4..]);
    let mut out = Vec::new();
    let digits: Vec<u8> = year.bytes().collect();
    let swaps_to_this_year = (0..4).any(|i| {
        (i + 1..4).any(|j| {
            let mut d = digits.clone();
            d.swap(i, j);
            d != digits && String::from_utf8_lossy(&d) == this_year.to_string()
        })
    });
    if swaps_to_this_year {
        out.push(with_year(this_year));
    }
    // A year ahead typed for this one (2027 in 2026); a time later this year is no year
    // typo, so it gets no guess.
    if let Ok(y) = year.parse::<i32>()
        && y > this_year
    {
        out.push(with_year(y - 1));
    }
    out
}

pub fn parse_date(s: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        Error::usage(
            format!("cannot read \"{s}\" as a date"),
            "write it as 2026-11-24",
        )
    })
}

/// A date ahead, for due and follow-up dates: `2026-12-31`, or relative to `today` (the
/// desk's day, SVCDESK_NOW honoured): `+30d` days or `+2w` weeks, so a script that plans
/// a month ahead stays true whatever day it runs.
pub fn parse_date_from(s: &str, today: chrono::NaiveDate) -> Result<chrono::NaiveDate> {
    let t = s.trim();
    let Some(rest) = t.strip_prefix('+') else {
        return parse_date(s).map_err(|_| unreadable_date(s));
    };
    let (n, per) = match rest.char_indices().last() {
        Some((i, 'd')) => (&rest[..i], 1),
        Some((i, 'w')) => (&rest[..i], 7),
        _ => ("", 0),
    };
    n.parse::<u32>()
        .ok()
        .filter(|_| n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| today.checked_add_days(chrono::Days::new(u64::from(n) * per)))
        .ok_or_else(|| unreadable_date(s))
}

/// A date given on the command line that cannot be read: a usage error (exit 2).
fn unreadable_date(s: &str) -> Error {
    Error::usage(
        format!("cannot read \"{s}\" as a date"),
        "write it as 2026-11-24, or +30d / +2w from today",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const TZ: Tz = chrono_tz::Asia::Shanghai;

    fn t(s: &str) -> DateTime<Utc> {
        parse_time(s, TZ).unwrap()
    }

    fn refused(given: &str, now: &str) -> Option<InFuture> {
        refuse_future(given, t(given), t(now), TZ).err()
    }

    #[test]
    fn up_to_five_minutes_ahead_is_a_clock_difference() {
        let now = "2026-12-02 10:00";
        assert_eq!(refused("2026-12-02 10:05", now), None);
        assert_eq!(refused("2026-12-02 09:00", now), None);
        assert!(refused("2026-12-02 10:05:01", now).is_some());
    }

    #[test]
    fn swapped_year_digits_suggest_this_year() {
        let e = refused("2062-11-24", "2026-12-02 10:00").unwrap();
        assert_eq!(
            e.to_string(),
            "\"2062-11-24\" (2062-11-24 00:00 desk time) is in the future: it is now \
             2026-12-02 10:00, and a record keeps what has already happened"
        );
        assert_eq!(e.guess.as_deref(), Some("2026-11-24"));
    }

    #[test]
    fn next_year_suggests_this_one_and_the_future_gets_no_guess() {
        let e = refused("2027-11-24 09:30", "2026-12-02 10:00").unwrap();
        assert_eq!(e.guess.as_deref(), Some("2026-11-24 09:30"));
        // Swapping gives this year but a date still ahead, and a year earlier is ahead
        // too: no guess, just the way to insist.
        assert_eq!(
            refused("2062-12-25", "2026-12-02 10:00").unwrap().guess,
            None
        );
        assert_eq!(
            refused("2029-12-25", "2026-12-02 10:00").unwrap().guess,
            None
        );
    }

    #[test]
    fn typo_years_keep_the_rest_of_the_text() {
        assert_eq!(
            typo_years("2062-11-24T09:30:00+08:00", 2026),
            vec!["2026-11-24T09:30:00+08:00", "2061-11-24T09:30:00+08:00"]
        );
        assert_eq!(typo_years("next tuesday", 2026), Vec::<String>::new());
        // Later this year is no year typo: no guess a year back.
        assert_eq!(typo_years("2026-11-24 09:40", 2026), Vec::<String>::new());
        assert_eq!(
            typo_years("2027-01-05", 2026),
            vec!["2026-01-05"],
            "a year ahead typed for this one"
        );
    }

    #[test]
    fn due_dates_may_be_relative_to_today() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let today = d("2026-12-02");
        assert_eq!(
            parse_date_from("2026-12-31", today).unwrap(),
            d("2026-12-31")
        );
        assert_eq!(parse_date_from("+30d", today).unwrap(), d("2027-01-01"));
        assert_eq!(parse_date_from(" +2w ", today).unwrap(), d("2026-12-16"));
        assert_eq!(parse_date_from("+0d", today).unwrap(), today);
        for bad in [
            "+30",
            "+d",
            "+-3d",
            "+3x",
            "30d",
            "+3 d",
            "+99999999999d",
            "tomorrow",
        ] {
            assert!(parse_date_from(bad, today).is_err(), "{bad}");
        }
    }
}
