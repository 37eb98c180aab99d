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
    /// Working time every hour of every day (7×24): `workdays`, `hours`, `holidays` and
    /// `makeup_days` do not apply and must not be given.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub always: bool,
}

impl Default for CalendarConfig {
    fn default() -> Self {
        let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
        CalendarConfig {
            workdays: strings(&["mon", "tue", "wed", "thu", "fri"]),
            hours: strings(&["09:00-12:00", "13:30-18:00"]),
            holidays: Vec::new(),
            makeup_days: Vec::new(),
            always: false,
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

    #[error(
        "`always = true` makes every hour of every day working time (7×24), so `{0}` does \
         not apply: remove it, or remove `always` and list workdays and hours"
    )]
    Always(&'static str),
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
        if config.always {
            return Calendar::always(tz, config);
        }
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

    /// A 7×24 calendar: every instant is working time; no holidays, no make-up days.
    fn always(tz: Tz, config: &CalendarConfig) -> Result<Calendar, CalendarError> {
        let default = CalendarConfig::default();
        let given = [
            ("holidays", !config.holidays.is_empty()),
            ("makeup_days", !config.makeup_days.is_empty()),
            ("workdays", config.workdays != default.workdays),
            ("hours", config.hours != default.hours),
        ];
        if let Some((key, _)) = given.iter().find(|(_, given)| *given) {
            return Err(CalendarError::Always(key));
        }
        Ok(Calendar {
            tz,
            workdays: [true; 7],
            hours: vec![(0, DAY_SECS)],
            holidays: Vec::new(),
            makeup_days: Vec::new(),
        })
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
        self.key_in(config, &KeyPath::new(["calendar"]))
    }

    /// [`CalendarError::key`] for a calendar table at `table` (`calendars.NAME`).
    pub fn key_in(&self, config: &CalendarConfig, table: &KeyPath) -> KeyPath {
        let list = |name: &str| table.clone().key(name);
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
            CalendarError::Always(key) => list(key),
        }
    }
}

#[cfg(test)]
#[path = "calendar_tests.rs"]
mod tests;
