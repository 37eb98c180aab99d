//! Periods in the desk's time zone: calendar months, ISO weeks, quarters and date ranges.
//! The one place that reads `2026-11`, `this`, `last`, `2026Q4` and `2026-W48`; "this"
//! and "last" are read against a date the caller passes (the CLI's is SVCDESK_NOW or the
//! clock, in the desk's time zone), so nothing here looks at the clock.

use std::fmt;

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use crate::error::{Error, Result};

/// A calendar month in the desk's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn of(d: NaiveDate) -> Month {
        Month {
            year: d.year(),
            month: d.month(),
        }
    }

    /// `2026-11`, `this` or `last` (the month before `today`'s: what a cron job on the
    /// 1st wants).
    pub fn parse(s: &str, today: NaiveDate) -> Result<Month> {
        let s = s.trim();
        match s.to_ascii_lowercase().as_str() {
            "this" => return Ok(Month::of(today)),
            "last" => return Ok(Month::of(today).prev()),
            _ => {}
        }
        NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d")
            .ok()
            .filter(|_| s.len() == 7)
            .map(Month::of)
            .ok_or_else(|| {
                Error::usage(
                    format!("cannot read \"{s}\" as a month"),
                    "write 2026-11, this or last",
                )
            })
    }

    pub fn prev(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    pub fn first(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a month has a first day")
    }

    pub fn last(self) -> NaiveDate {
        let next = if self.month == 12 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, self.month + 1, 1)
        };
        next.and_then(|d| d.pred_opt())
            .expect("a month has a last day")
    }

    /// First and last day, inclusive.
    pub fn range(self) -> (NaiveDate, NaiveDate) {
        (self.first(), self.last())
    }

    pub fn contains(self, d: NaiveDate) -> bool {
        Month::of(d) == self
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// An ISO week (Monday to Sunday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Week {
    pub year: i32,
    pub week: u32,
}

impl Week {
    pub fn of(d: NaiveDate) -> Week {
        let w = d.iso_week();
        Week {
            year: w.year(),
            week: w.week(),
        }
    }

    /// `2026-W48`, `this`, `last`, or any date of the week (`2026-11-24`).
    pub fn parse(s: &str, today: NaiveDate) -> Result<Week> {
        let s = s.trim();
        let lower = s.to_ascii_lowercase();
        match lower.as_str() {
            "this" => return Ok(Week::of(today)),
            "last" => return Ok(Week::of(today - Days::new(7))),
            _ => {}
        }
        let bad = || {
            Error::usage(
                format!("cannot read \"{s}\" as a week"),
                "write 2026-W48 (ISO week), a date in the week such as 2026-11-24, this or last",
            )
        };
        if let Some((y, w)) = lower.split_once("-w") {
            let year: i32 = y.parse().map_err(|_| bad())?;
            let week: u32 = w.parse().map_err(|_| bad())?;
            return NaiveDate::from_isoywd_opt(year, week, Weekday::Mon)
                .map(Week::of)
                .ok_or_else(bad);
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Week::of)
            .map_err(|_| bad())
    }

    pub fn monday(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Mon).expect("a valid ISO week")
    }

    pub fn sunday(self) -> NaiveDate {
        self.monday() + Days::new(6)
    }

    pub fn contains(self, d: NaiveDate) -> bool {
        Week::of(d) == self
    }
}

impl fmt::Display for Week {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

impl Month {
    pub fn next(self) -> Month {
        Month::of(self.first() + Months::new(1))
    }
}

// ---------------------------------------------------------------- instants

/// A half-open interval `[from, to)` of instants: a month, a quarter or a range of days
/// in the desk's time zone, with a label for reports (`2026-11`, `2026Q4`,
/// `2026-11-01..2026-11-15`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub label: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Period {
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.from <= t && t < self.to
    }

    /// The month from its first midnight to the next month's, in `tz`.
    pub fn month(m: Month, tz: Tz) -> Period {
        Period {
            label: m.to_string(),
            from: midnight(tz, m.first()),
            to: midnight(tz, m.next().first()),
        }
    }

    /// `2026Q4` (also `2026-Q4`, lower case), `this` or `last` (the quarter before
    /// `today`'s).
    pub fn parse_quarter(s: &str, today: NaiveDate, tz: Tz) -> Result<Period> {
        let this = (today.year(), (today.month() - 1) / 3 + 1);
        let bad = || {
            Error::usage(
                format!("cannot read \"{s}\" as a quarter"),
                "write 2026Q4, this or last",
            )
        };
        let (y, q) = match s.trim().to_ascii_uppercase().as_str() {
            "THIS" => this,
            "LAST" if this.1 == 1 => (this.0 - 1, 4),
            "LAST" => (this.0, this.1 - 1),
            other => {
                let (y, q) = other.split_once('Q').ok_or_else(bad)?;
                let y = y.strip_suffix('-').unwrap_or(y);
                if y.len() != 4 || q.len() != 1 {
                    return Err(bad());
                }
                let y: i32 = y.parse().map_err(|_| bad())?;
                let q: u32 = q.parse().map_err(|_| bad())?;
                if !(1..=4).contains(&q) {
                    return Err(bad());
                }
                (y, q)
            }
        };
        let first = Month {
            year: y,
            month: (q - 1) * 3 + 1,
        };
        Ok(Period {
            label: format!("{y}Q{q}"),
            from: midnight(tz, first.first()),
            to: midnight(
                tz,
                (first.first() + Months::new(3)).with_day(1).expect("day 1"),
            ),
        })
    }

    /// Days `from` to `to`, both included, in `tz`.
    pub fn between(
        from: NaiveDate,
        to: NaiveDate,
        tz: Tz,
    ) -> std::result::Result<Period, Backwards> {
        if to < from {
            return Err(Backwards { from, to });
        }
        Ok(Period {
            label: format!("{from}..{to}"),
            from: midnight(tz, from),
            to: midnight(tz, to + Days::new(1)),
        })
    }

    /// The month of the period's last day.
    pub fn last_month(&self, tz: Tz) -> Month {
        Month::of(
            (self.to - chrono::Duration::seconds(1))
                .with_timezone(&tz)
                .date_naive(),
        )
    }

    /// The `n` months ending with the period's last month, oldest first.
    pub fn trailing_months(&self, tz: Tz, n: u32) -> Vec<Period> {
        let last = self.last_month(tz).first();
        (0..n)
            .rev()
            .map(|i| Period::month(Month::of(last - Months::new(i)), tz))
            .collect()
    }
}

/// The first instant of a day in `tz` (where DST skips midnight, the first that exists).
/// The first instant of a day in `tz` (after a DST gap at midnight, the earliest valid time).
pub fn midnight(tz: Tz, d: NaiveDate) -> DateTime<Utc> {
    let naive = d.and_hms_opt(0, 0, 0).expect("midnight exists");
    tz.from_local_datetime(&naive)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(naive + chrono::Duration::hours(1)))
                .earliest()
        })
        .expect("a day has a start")
        .with_timezone(&Utc)
}

/// A period of days whose last day comes before its first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the period would end on {to}, before it starts on {from}")]
pub struct Backwards {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn months() {
        let today = d("2026-01-15");
        assert_eq!(Month::parse("last", today).unwrap().to_string(), "2025-12");
        assert_eq!(Month::parse("this", today).unwrap().to_string(), "2026-01");
        let feb = Month::parse("2028-02", today).unwrap();
        assert_eq!(feb.range(), (d("2028-02-01"), d("2028-02-29")));
        assert_eq!(
            Month::parse("2026-12", today).unwrap().last(),
            d("2026-12-31")
        );
        for bad in ["2026-13", "2026-1", "26-11", "november", "2026-11-01", ""] {
            assert!(Month::parse(bad, today).is_err(), "{bad}");
        }
    }

    #[test]
    fn weeks() {
        let today = d("2026-11-24"); // a Tuesday in ISO week 48
        let this = Week::parse("this", today).unwrap();
        assert_eq!(this.to_string(), "2026-W48");
        assert_eq!(this.monday(), d("2026-11-23"));
        assert_eq!(this.sunday(), d("2026-11-29"));
        assert_eq!(Week::parse("last", today).unwrap().to_string(), "2026-W47");
        assert_eq!(Week::parse("2026-w48", today).unwrap(), this);
        assert_eq!(Week::parse("2026-11-29", today).unwrap(), this);
        // ISO week 1 of 2027 starts on Monday 2027-01-04; 2027-01-03 is in 2026-W53.
        assert_eq!(
            Week::parse("2027-01-03", today).unwrap().to_string(),
            "2026-W53"
        );
        for bad in ["2026-W54", "2025-W53", "W48", "2026-W", "next"] {
            assert!(Week::parse(bad, today).is_err(), "{bad}");
        }
    }

    #[test]
    fn month_periods_are_desk_midnights() {
        let tz = chrono_tz::Asia::Shanghai;
        // 09:00 on Jan 1 in Shanghai: "last" is December of the year before.
        let last = Period::month(Month::parse("last", d("2026-01-01")).unwrap(), tz);
        assert_eq!(last.label, "2025-12");
        assert_eq!(last.from.to_rfc3339(), "2025-11-30T16:00:00+00:00");
        assert_eq!(last.to.to_rfc3339(), "2025-12-31T16:00:00+00:00");
        assert!(last.contains(last.from));
        assert!(!last.contains(last.to));
        assert_eq!(
            Month::parse("2026-12", d("2026-01-01"))
                .unwrap()
                .next()
                .to_string(),
            "2027-01"
        );
    }

    #[test]
    fn quarters_ranges_and_trails() {
        let tz = chrono_tz::Asia::Shanghai;
        let today = d("2026-01-15");
        let q4 = Period::parse_quarter("2026q4", today, tz).unwrap();
        assert_eq!(q4.label, "2026Q4");
        assert_eq!(q4.from.to_rfc3339(), "2026-09-30T16:00:00+00:00");
        assert_eq!(q4.to.to_rfc3339(), "2026-12-31T16:00:00+00:00");
        assert_eq!(
            Period::parse_quarter("2026-Q2", today, tz).unwrap().label,
            "2026Q2"
        );
        assert_eq!(
            Period::parse_quarter("last", today, tz).unwrap().label,
            "2025Q4"
        );
        assert_eq!(
            Period::parse_quarter("this", today, tz).unwrap().label,
            "2026Q1"
        );
        for bad in ["2026Q5", "2026Q0", "26Q1", "Q4", "2026", "2026Q12"] {
            assert!(Period::parse_quarter(bad, today, tz).is_err(), "{bad}");
        }
        let r = Period::between(d("2026-11-01"), d("2026-11-15"), tz).unwrap();
        assert_eq!(r.label, "2026-11-01..2026-11-15");
        assert_eq!(r.to.to_rfc3339(), "2026-11-15T16:00:00+00:00");
        assert!(Period::between(d("2026-11-02"), d("2026-11-01"), tz).is_err());
        let labels: Vec<String> = q4
            .trailing_months(tz, 4)
            .into_iter()
            .map(|p| p.label)
            .collect();
        assert_eq!(labels, ["2026-09", "2026-10", "2026-11", "2026-12"]);
        let feb = Period::month(
            Month {
                year: 2026,
                month: 2,
            },
            tz,
        );
        let labels: Vec<String> = feb
            .trailing_months(tz, 3)
            .into_iter()
            .map(|p| p.label)
            .collect();
        assert_eq!(labels, ["2025-12", "2026-01", "2026-02"]);
    }
}
