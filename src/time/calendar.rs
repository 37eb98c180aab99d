//! The desk's business calendar: which instants are working time, and arithmetic in it.
//!
//! See the module documentation of [`crate::time`] for the rules.

use chrono::offset::LocalResult;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::keypath::KeyPath;

const DAY_SECS: u32 = 24 * 60 * 60;

/// The `[calendar]` table of `svcdesk.toml`, as written by people.
///
/// Values stay strings here so that [`Calendar::new`] can say exactly which one is wrong.
/// Every field has a default, so a desk without a `[calendar]` table gets a Monday–Friday,
/// 09:00–12:00 and 13:30–18:00 calendar without holidays.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct CalendarConfig {
    /// Working weekdays: `mon` … `sun` (full English names are accepted too).
    pub workdays: Vec<String>,
    /// Working intervals of every working day in local wall time, `HH:MM-HH:MM`,
    /// ascending and non-overlapping; `24:00` may end the last one.
    pub hours: Vec<String>,
    /// Public holidays: `YYYY-MM-DD` or an inclusive range `YYYY-MM-DD..YYYY-MM-DD`.
    pub holidays: Vec<String>,
    /// Make-up working days (调休): dates worked with normal hours although their weekday
    /// is not a working weekday.
    pub makeup_days: Vec<String>,
}

impl Default for CalendarConfig {
    fn default() -> Self {
        let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
        CalendarConfig {
            workdays: strings(&["mon", "tue", "wed", "thu", "fri"]),
            hours: strings(&["09:00-12:00", "13:30-18:00"]),
            holidays: Vec::new(),
            makeup_days: Vec::new(),
        }
    }
}

/// A value of the `[calendar]` table that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error(
        "invalid weekday {0:?} in calendar workdays: expected one of mon, tue, wed, thu, fri, sat, sun"
    )]
    Weekday(String),

    #[error(
        "calendar workdays is empty: list at least one working weekday, e.g. [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]"
    )]
    NoWorkdays,

    #[error("invalid working-hours interval {0:?}: expected HH:MM-HH:MM, e.g. \"09:00-12:00\"")]
    Interval(String),

    #[error(
        "invalid working-hours interval {0:?}: the end must be later than the start \
         (an interval cannot cross midnight; write \"22:00-24:00\" and \"00:00-02:00\" instead)"
    )]
    IntervalBackwards(String),

    #[error(
        "working-hours intervals {0:?} and {1:?} overlap or are out of order: \
         list them ascending and without overlap, e.g. [\"09:00-12:00\", \"13:30-18:00\"]"
    )]
    IntervalOrder(String, String),

    #[error(
        "calendar hours is empty: list at least one working interval, e.g. [\"09:00-12:00\", \"13:30-18:00\"]"
    )]
    NoHours,

    #[error(
        "invalid holiday {0:?}: expected a date YYYY-MM-DD or an inclusive range \
         YYYY-MM-DD..YYYY-MM-DD, e.g. \"2026-10-01..2026-10-07\""
    )]
    Holiday(String),

    #[error("invalid holiday range {0:?}: it ends before it starts")]
    HolidayRange(String),

    #[error("invalid make-up working day {0:?}: expected a date YYYY-MM-DD, e.g. \"2026-09-27\"")]
    MakeupDay(String),

    #[error("{0} is listed both as a holiday and as a make-up working day")]
    HolidayAndMakeupDay(NaiveDate),
}

/// A validated business calendar in a time zone.
///
/// All arithmetic is exact to the nanosecond and allocation-free; it walks working days one
/// at a time and jumps over holiday ranges, so its cost grows with the number of working
/// days spanned, never with the number of minutes.
#[derive(Debug, Clone)]
pub struct Calendar {
    tz: Tz,
    /// Indexed by `Weekday::num_days_from_monday`.
    workdays: [bool; 7],
    /// Working intervals as seconds after local midnight: ascending, disjoint, and merged
    /// where they touch, so in wall time an interval end is followed by non-working time.
    hours: Vec<(u32, u32)>,
    /// Inclusive, sorted, merged ranges.
    holidays: Vec<(NaiveDate, NaiveDate)>,
    /// Sorted, without duplicates.
    makeup_days: Vec<NaiveDate>,
}

/// One working interval of one working day, as instants.
#[derive(Debug, Clone, Copy)]
struct Span {
    day: NaiveDate,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl Calendar {
    /// Validates `config` and builds the calendar for time zone `tz`.
    pub fn new(tz: Tz, config: &CalendarConfig) -> Result<Calendar, CalendarError> {
        let mut workdays = [false; 7];
        for name in &config.workdays {
            let day = parse_weekday(name).ok_or_else(|| CalendarError::Weekday(name.clone()))?;
            workdays[day.num_days_from_monday() as usize] = true;
        }
        if !workdays.contains(&true) {
            // Without a working weekday, time would stop after the last make-up day.
            return Err(CalendarError::NoWorkdays);
        }

        let mut hours: Vec<(u32, u32)> = Vec::with_capacity(config.hours.len());
        let mut previous: Option<&str> = None;
        for text in &config.hours {
            let (start, end) =
                parse_interval(text).ok_or_else(|| CalendarError::Interval(text.clone()))?;
            if end <= start {
                return Err(CalendarError::IntervalBackwards(text.clone()));
            }
            match hours.last_mut() {
                Some(last) if start < last.1 => {
                    let previous = previous.unwrap_or_default().to_string();
                    return Err(CalendarError::IntervalOrder(previous, text.clone()));
                }
                Some(last) if start == last.1 => last.1 = end,
                _ => hours.push((start, end)),
            }
            previous = Some(text);
        }
        if hours.is_empty() {
            return Err(CalendarError::NoHours);
        }

        let mut holidays = Vec::with_capacity(config.holidays.len());
        for text in &config.holidays {
            holidays.push(parse_holiday(text)?);
        }
        holidays.sort();
        let mut merged: Vec<(NaiveDate, NaiveDate)> = Vec::with_capacity(holidays.len());
        for (first, last) in holidays {
            match merged.last_mut() {
                Some(prev) if prev.1.succ_opt().is_none_or(|next| first <= next) => {
                    prev.1 = prev.1.max(last);
                }
                _ => merged.push((first, last)),
            }
        }

        let mut makeup_days = Vec::with_capacity(config.makeup_days.len());
        for text in &config.makeup_days {
            let date = parse_date(text).ok_or_else(|| CalendarError::MakeupDay(text.clone()))?;
            makeup_days.push(date);
        }
        makeup_days.sort();
        makeup_days.dedup();

        let calendar = Calendar {
            tz,
            workdays,
            hours,
            holidays: merged,
            makeup_days,
        };
        if let Some(&date) = calendar
            .makeup_days
            .iter()
            .find(|&&d| calendar.holiday_containing(d).is_some())
        {
            return Err(CalendarError::HolidayAndMakeupDay(date));
        }
        Ok(calendar)
    }

    /// The time zone the working hours are read in.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// The years `holidays` lists days off for, ascending: a year counts when at least
    /// one holiday date or range touches it (a range over New Year counts for both).
    ///
    /// Holidays are announced a year at a time, so a year missing here usually means
    /// nobody has added it yet, and every working weekday of it counts as a working day.
    pub fn holiday_years(&self) -> Vec<i32> {
        let mut years: Vec<i32> = Vec::new();
        for &(first, last) in &self.holidays {
            for year in first.year()..=last.year() {
                if years.last() != Some(&year) {
                    years.push(year);
                }
            }
        }
        years
    }

    /// Whether `holidays` lists any day off in `year`.
    pub fn covers_year(&self, year: i32) -> bool {
        // Ranges are sorted and merged: the first one not ending before the year starts
        // is the only candidate.
        let i = self
            .holidays
            .partition_point(|&(_, last)| last.year() < year);
        self.holidays
            .get(i)
            .is_some_and(|&(first, _)| first.year() <= year)
    }

    /// Whether `holidays` lists any day off in the year of `t` in the calendar's zone.
    pub fn covers(&self, t: DateTime<Utc>) -> bool {
        self.covers_year(self.year_of(t))
    }

    /// The year of `t` when the calendar lists holidays for some years but not for that
    /// one: deadlines in it treat every public holiday as a working day. `None` when the
    /// year is listed, or when `holidays` is empty (a desk that keeps no holidays chose
    /// so and is not warned).
    pub fn missing_holiday_year(&self, t: DateTime<Utc>) -> Option<i32> {
        let year = self.year_of(t);
        (!self.holidays.is_empty() && !self.covers_year(year)).then_some(year)
    }

    /// The year of `t` on the calendar's wall clock.
    pub fn year_of(&self, t: DateTime<Utc>) -> i32 {
        self.tz.from_utc_datetime(&t.naive_utc()).year()
    }

    /// A make-up day is worked whatever its weekday; a holiday is not; any other day is
    /// worked when its weekday is a working weekday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.makeup_days.binary_search(&date).is_ok() {
            return true;
        }
        self.holiday_containing(date).is_none() && self.is_workday(date)
    }

    /// Whether `t` lies inside a working interval (starts included, ends excluded).
    pub fn is_working_time(&self, t: DateTime<Utc>) -> bool {
        self.next_working_instant(t) == t
    }

    /// The working time in `[a, b)`; zero when `b <= a`.
    pub fn working_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> Duration {
        let mut total = Duration::zero();
        if b <= a {
            return total;
        }
        for span in self.spans_from(self.first_day(a)) {
            if span.start >= b {
                break;
            }
            let (start, end) = (span.start.max(a), span.end.min(b));
            if end > start {
                total += end - start;
            }
        }
        total
    }

    /// The earliest instant `t >= start` with `working_between(start, t) == d`.
    ///
    /// `start` itself when `d` is zero (or negative). For `d > 0` the result is inside a
    /// working interval or at the end of one, never in non-working time.
    pub fn add_working(&self, start: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
        if d <= Duration::zero() {
            return start;
        }
        let mut left = d;
        for span in self.spans_from(self.first_day(start)) {
            let from = span.start.max(start);
            if span.end <= from {
                continue;
            }
            let len = span.end - from;
            if left <= len {
                return from + left;
            }
            left -= len;
        }
        DateTime::<Utc>::MAX_UTC
    }

    /// `t` if it is working time, else the start of the next working interval.
    pub fn next_working_instant(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        self.locate(t)
            .map_or(DateTime::<Utc>::MAX_UTC, |(_, instant, _)| instant)
    }

    /// The deadline `n` working days after `start`.
    ///
    /// The clock starts at `s = next_working_instant(start)`. The deadline lies on the
    /// `n`-th working day after the day of `s`, as much working time into that day as `s`
    /// is into its own day; of equal instants the earliest is taken, so a clock started at
    /// the beginning of a day runs out at the end of the previous working day (3 working
    /// days from Mon 09:00 is Wed 18:00, not Thu 09:00). A target day with less working
    /// time than that is clamped to its end. `n == 0` gives `s`.
    pub fn add_working_days(&self, start: DateTime<Utc>, n: u32) -> DateTime<Utc> {
        self.try_add_working_days(start, n)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    fn try_add_working_days(&self, start: DateTime<Utc>, n: u32) -> Option<DateTime<Utc>> {
        let (day, s, into) = self.locate(start)?;
        if n == 0 {
            return Some(s);
        }
        let (mut previous, mut target) = (day, day);
        for _ in 0..n {
            previous = target;
            target = self.working_day_from(target.succ_opt()?)?;
        }
        if into.is_zero() {
            let &(_, end) = self.hours.last()?;
            return Some(self.to_utc(previous, end));
        }
        let mut left = into;
        let mut last_end = None;
        for &(start, end) in &self.hours {
            let (start, end) = (self.to_utc(target, start), self.to_utc(target, end));
            if end > start {
                let len = end - start;
                if left <= len {
                    return Some(start + left);
                }
                left -= len;
            }
            last_end = Some(end);
        }
        last_end
    }

    /// The next working instant at or after `t`, the working day it belongs to, and how
    /// much working time of that day lies before it.
    fn locate(&self, t: DateTime<Utc>) -> Option<(NaiveDate, DateTime<Utc>, Duration)> {
        let mut day = None;
        let mut into = Duration::zero();
        for span in self.spans_from(self.first_day(t)) {
            if day != Some(span.day) {
                day = Some(span.day);
                into = Duration::zero();
            }
            if span.end > t && span.end > span.start {
                let instant = span.start.max(t);
                return Some((span.day, instant, into + (instant - span.start)));
            }
            into += span.end - span.start;
        }
        None
    }

    /// A day no later than the working day whose intervals could contain `t`.
    fn first_day(&self, t: DateTime<Utc>) -> NaiveDate {
        let date = self.tz.from_utc_datetime(&t.naive_utc()).date_naive();
        // When clocks fall back across midnight, an instant can read as the day before the
        // day it belongs to, or the other way round; start early enough for both.
        if self.to_utc(date, 0) > t {
            date.pred_opt().unwrap_or(date)
        } else {
            date
        }
    }

    /// Working intervals from the first working day on or after `date` onwards, in order.
    fn spans_from(&self, date: NaiveDate) -> Spans<'_> {
        Spans {
            calendar: self,
            day: self.working_day_from(date),
            index: 0,
        }
    }

    /// The first working day on or after `date`; `None` past the last representable date.
    fn working_day_from(&self, mut date: NaiveDate) -> Option<NaiveDate> {
        loop {
            if self.makeup_days.binary_search(&date).is_ok() {
                return Some(date);
            }
            if let Some(last) = self.holiday_containing(date) {
                date = last.succ_opt()?;
                continue;
            }
            if self.is_workday(date) {
                return Some(date);
            }
            date = date.succ_opt()?;
        }
    }

    fn is_workday(&self, date: NaiveDate) -> bool {
        self.workdays[date.weekday().num_days_from_monday() as usize]
    }

    /// The last day of the holiday range containing `date`.
    fn holiday_containing(&self, date: NaiveDate) -> Option<NaiveDate> {
        let i = self.holidays.partition_point(|&(_, last)| last < date);
        match self.holidays.get(i) {
            Some(&(first, last)) if first <= date => Some(last),
            _ => None,
        }
    }

    /// The instant the wall clock reads `secs` after midnight on `date`.
    ///
    /// An ambiguous wall time (clocks fall back) means its first occurrence; a wall time
    /// that never happens (clocks spring forward) means the instant of the jump. Both keep
    /// the mapping non-decreasing, so intervals never overlap or run backwards; a DST
    /// change inside an interval makes it an hour shorter or longer, as it really is.
    fn to_utc(&self, date: NaiveDate, secs: u32) -> DateTime<Utc> {
        let local = match date.succ_opt() {
            Some(next) if secs >= DAY_SECS => next.and_time(NaiveTime::MIN),
            _ => date.and_time(NaiveTime::MIN) + Duration::seconds(i64::from(secs)),
        };
        match self.tz.from_local_datetime(&local) {
            LocalResult::Single(t) => t.to_utc(),
            LocalResult::Ambiguous(first, _) => first.to_utc(),
            LocalResult::None => self.end_of_gap(local),
        }
    }

    /// The first instant whose wall time is at or after `local`, which lies in a gap.
    fn end_of_gap(&self, local: NaiveDateTime) -> DateTime<Utc> {
        // No offset exceeds 26 hours, so the wall clock reads before `local` at `lo` and
        // after it at `hi`; bisect to the jump between them.
        let at = local.and_utc().timestamp();
        let (mut lo, mut hi) = (at - 26 * 3600, at + 26 * 3600);
        let wall = |secs: i64| {
            let utc = DateTime::from_timestamp(secs, 0).unwrap_or(DateTime::<Utc>::MAX_UTC);
            self.tz.from_utc_datetime(&utc.naive_utc()).naive_local()
        };
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if wall(mid) >= local {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        DateTime::from_timestamp(hi, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

/// Iterator over working intervals, day by day; never allocates.
struct Spans<'a> {
    calendar: &'a Calendar,
    day: Option<NaiveDate>,
    index: usize,
}

impl Iterator for Spans<'_> {
    type Item = Span;

    fn next(&mut self) -> Option<Span> {
        let day = self.day?;
        let calendar = self.calendar;
        let (start, end) = calendar.hours[self.index];
        self.index += 1;
        if self.index == calendar.hours.len() {
            self.index = 0;
            self.day = day
                .succ_opt()
                .and_then(|next| calendar.working_day_from(next));
        }
        Some(Span {
            day,
            start: calendar.to_utc(day, start),
            end: calendar.to_utc(day, end),
        })
    }
}

fn parse_weekday(name: &str) -> Option<chrono::Weekday> {
    use chrono::Weekday::*;
    const NAMES: [(&str, &str, chrono::Weekday); 7] = [
        ("mon", "monday", Mon),
        ("tue", "tuesday", Tue),
        ("wed", "wednesday", Wed),
        ("thu", "thursday", Thu),
        ("fri", "friday", Fri),
        ("sat", "saturday", Sat),
        ("sun", "sunday", Sun),
    ];
    let name = name.trim();
    NAMES
        .iter()
        .find(|(short, long, _)| {
            name.eq_ignore_ascii_case(short) || name.eq_ignore_ascii_case(long)
        })
        .map(|&(_, _, day)| day)
}

/// `HH:MM-HH:MM` as seconds after midnight; `24:00` is only valid as an end.
fn parse_interval(text: &str) -> Option<(u32, u32)> {
    let (start, end) = text.split_once('-')?;
    let (start, end) = (parse_clock(start)?, parse_clock(end)?);
    (start < DAY_SECS).then_some((start, end))
}

fn parse_clock(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    let digits = |s: &str, max_len: usize| {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (h, m) = (digits(h, 2)?, digits(m, 2).filter(|_| m.len() == 2)?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 3600 + m * 60)
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

fn parse_holiday(text: &str) -> Result<(NaiveDate, NaiveDate), CalendarError> {
    let invalid = || CalendarError::Holiday(text.to_string());
    match text.split_once("..") {
        None => {
            let date = parse_date(text).ok_or_else(invalid)?;
            Ok((date, date))
        }
        Some((first, last)) => {
            let first = parse_date(first).ok_or_else(invalid)?;
            let last = parse_date(last).ok_or_else(invalid)?;
            if last < first {
                return Err(CalendarError::HolidayRange(text.to_string()));
            }
            Ok((first, last))
        }
    }
}

impl CalendarError {
    /// Where in `svcdesk.toml` the value `Calendar::new` refused is: the list element
    /// itself (`calendar.holidays[3]`), or the list when it is empty.
    ///
    /// `config` must be the one the error came from. `Calendar::new` checks each list in
    /// order, so the first element with the offending text is the one it stopped at.
    pub fn key(&self, config: &CalendarConfig) -> KeyPath {
        let list = |name: &str| KeyPath::new(["calendar", name]);
        let element = |name: &str, items: &[String], found: &dyn Fn(usize) -> bool| match (0..items
            .len())
            .find(|&i| found(i))
        {
            Some(i) => list(name).index(i),
            None => list(name),
        };
        let c = config;
        match self {
            CalendarError::Weekday(v) => element("workdays", &c.workdays, &|i| c.workdays[i] == *v),
            CalendarError::NoWorkdays => list("workdays"),
            CalendarError::Interval(v) | CalendarError::IntervalBackwards(v) => {
                element("hours", &c.hours, &|i| c.hours[i] == *v)
            }
            CalendarError::IntervalOrder(previous, v) => element("hours", &c.hours, &|i| {
                i > 0 && c.hours[i - 1] == *previous && c.hours[i] == *v
            }),
            CalendarError::NoHours => list("hours"),
            CalendarError::Holiday(v) | CalendarError::HolidayRange(v) => {
                element("holidays", &c.holidays, &|i| c.holidays[i] == *v)
            }
            CalendarError::MakeupDay(v) => {
                element("makeup_days", &c.makeup_days, &|i| c.makeup_days[i] == *v)
            }
            CalendarError::HolidayAndMakeupDay(date) => {
                element("makeup_days", &c.makeup_days, &|i| {
                    parse_date(&c.makeup_days[i]) == Some(*date)
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;
    use proptest::prelude::*;

    fn config(
        workdays: &[&str],
        hours: &[&str],
        holidays: &[&str],
        makeup: &[&str],
    ) -> CalendarConfig {
        let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
        CalendarConfig {
            workdays: strings(workdays),
            hours: strings(hours),
            holidays: strings(holidays),
            makeup_days: strings(makeup),
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
            midnight.starts_with(
                "invalid working-hours interval \"22:00-02:00\": the end must be later"
            )
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
            err(config(&WEEK, &hours, &["2026-10-01...2026-10-07"], &[]))
                .contains("invalid holiday")
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
            let cfg = CalendarConfig { workdays, hours, holidays, makeup_days: makeup };
            if let Ok(cal) = Calendar::new(chrono_tz::Asia::Shanghai, &cfg) {
                let t = utc("2026-06-01 00:00");
                let next = cal.next_working_instant(t);
                prop_assert!(next >= t);
            }
        }
    }
}
