//! SLA targets (`15m`, `48h`, `8bh`, `3wd`) and plain wall-clock durations (`2h`).
//!
//! See the module documentation of [`crate::time`] for the rules.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::calendar::Calendar;

/// The longest target or duration accepted, in days (about ten years). Longer values are
/// typos, and would make deadline arithmetic walk needlessly far.
pub const MAX_TARGET_DAYS: u32 = 3660;

/// How long a timer may run before it is breached.
///
/// Parsed from and displayed as text; serde uses the same text, so a config can say
/// `target = "3wd"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// Wall-clock time (`90s`, `15m`, `48h`, `3d`): nights, weekends and holidays count.
    Wall(Duration),
    /// Working time in the desk calendar (`8bh`, `90bm`), in whole minutes.
    BusinessHours(Duration),
    /// Working days in the desk calendar (`3wd`); see [`Calendar::add_working_days`].
    WorkingDays(u32),
}

/// Text that is not an SLA target.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error(
        "invalid SLA target {0:?}: expected a number followed by s, m, h or d (wall clock), \
         bm or bh (business minutes or hours) or wd (working days), \
         e.g. \"15m\", \"48h\", \"8bh\", \"3wd\""
    )]
    Syntax(String),

    #[error(
        "invalid SLA target {0:?}: fractions are not supported; use a smaller unit, \
         e.g. \"90m\" or \"90bm\" for an hour and a half"
    )]
    Fraction(String),

    #[error("SLA target {0:?} is too long: at most {MAX_TARGET_DAYS} days (about ten years)")]
    TooLong(String),
}

/// Text that is not a wall-clock duration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error(
        "invalid duration {0:?}: expected a number followed by s, m, h or d, e.g. \"30m\", \"2h\", \"3d\""
    )]
    Syntax(String),

    #[error(
        "invalid duration {0:?}: fractions are not supported; use a smaller unit, \
         e.g. \"90m\" for an hour and a half"
    )]
    Fraction(String),

    #[error("duration {0:?} is too long: at most {MAX_TARGET_DAYS} days (about ten years)")]
    TooLong(String),
}

impl Target {
    /// Parses `<number><unit>`; see the module documentation for the units.
    pub fn parse(text: &str) -> Result<Target, TargetError> {
        let (number, unit) = split(text).map_err(|problem| match problem {
            Problem::Syntax => TargetError::Syntax(text.to_string()),
            Problem::Fraction => TargetError::Fraction(text.to_string()),
            Problem::TooLong => TargetError::TooLong(text.to_string()),
        })?;
        let too_long = || TargetError::TooLong(text.to_string());
        let business = |unit_secs: u64| {
            seconds(number, unit_secs)
                .map(Target::BusinessHours)
                .ok_or_else(too_long)
        };
        match unit.to_ascii_lowercase().as_str() {
            "bm" => business(60),
            "bh" => business(3600),
            "wd" => u32::try_from(number)
                .ok()
                .filter(|&n| n <= MAX_TARGET_DAYS)
                .map(Target::WorkingDays)
                .ok_or_else(too_long),
            unit => match wall_unit(unit) {
                Some(unit_secs) => seconds(number, unit_secs)
                    .map(Target::Wall)
                    .ok_or_else(too_long),
                None => Err(TargetError::Syntax(text.to_string())),
            },
        }
    }

    /// When a timer started at `start` runs out.
    pub fn due(&self, calendar: &Calendar, start: DateTime<Utc>) -> DateTime<Utc> {
        match *self {
            Target::Wall(d) => start
                .checked_add_signed(d)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
            Target::BusinessHours(d) => calendar.add_working(start, d),
            Target::WorkingDays(n) => calendar.add_working_days(start, n),
        }
    }

    /// How much of the target's kind of time passed in `[a, b)`: wall-clock time for
    /// wall targets, working time for business-hour and working-day targets. Zero when
    /// `b <= a`. A working day has no fixed length, so judge breaches by [`Target::due`].
    pub fn elapsed(&self, calendar: &Calendar, a: DateTime<Utc>, b: DateTime<Utc>) -> Duration {
        match self {
            Target::Wall(_) if b > a => b - a,
            Target::Wall(_) => Duration::zero(),
            Target::BusinessHours(_) | Target::WorkingDays(_) => calendar.working_between(a, b),
        }
    }
}

impl FromStr for Target {
    type Err = TargetError;

    fn from_str(text: &str) -> Result<Target, TargetError> {
        Target::parse(text)
    }
}

/// The canonical spelling, in the largest unit that is exact: `72h` for `3d`, `90m`,
/// `1bh` for `60bm`. Days are never written, as deadlines are thought of in hours.
impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Target::Wall(d) => {
                let secs = d.num_seconds();
                if secs % 3600 == 0 {
                    write!(f, "{}h", secs / 3600)
                } else if secs % 60 == 0 {
                    write!(f, "{}m", secs / 60)
                } else {
                    write!(f, "{secs}s")
                }
            }
            Target::BusinessHours(d) => {
                // Only code can build a sub-minute business target; round it up.
                let minutes = (d.num_seconds() + 59).div_euclid(60);
                if minutes % 60 == 0 {
                    write!(f, "{}bh", minutes / 60)
                } else {
                    write!(f, "{minutes}bm")
                }
            }
            Target::WorkingDays(n) => write!(f, "{n}wd"),
        }
    }
}

impl Serialize for Target {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Target, D::Error> {
        let text = String::deserialize(deserializer)?;
        Target::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Parses a wall-clock duration for options such as `--due-within 2h`: a whole number
/// followed by `s`, `m`, `h` or `d` (24 hours). Zero is allowed.
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let (number, unit) = split(text).map_err(|problem| match problem {
        Problem::Syntax => DurationError::Syntax(text.to_string()),
        Problem::Fraction => DurationError::Fraction(text.to_string()),
        Problem::TooLong => DurationError::TooLong(text.to_string()),
    })?;
    let unit_secs = wall_unit(unit).ok_or_else(|| DurationError::Syntax(text.to_string()))?;
    seconds(number, unit_secs).ok_or_else(|| DurationError::TooLong(text.to_string()))
}

enum Problem {
    Syntax,
    Fraction,
    TooLong,
}

/// Splits `" 15 m "` into `(15, "m")`.
fn split(text: &str) -> Result<(u64, &str), Problem> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    if digits == 0 {
        return Err(Problem::Syntax);
    }
    let rest = &text[digits..];
    let mut after = rest.chars();
    if matches!(after.next(), Some('.' | ',')) && after.next().is_some_and(|c| c.is_ascii_digit()) {
        return Err(Problem::Fraction);
    }
    let unit = rest.trim_start();
    if unit.is_empty() {
        return Err(Problem::Syntax);
    }
    // All digits, so the only way to fail is overflow.
    let number = text[..digits].parse().map_err(|_| Problem::TooLong)?;
    Ok((number, unit))
}

fn wall_unit(unit: &str) -> Option<u64> {
    match unit.to_ascii_lowercase().as_str() {
        "s" => Some(1),
        "m" => Some(60),
        "h" => Some(3600),
        "d" => Some(86_400),
        _ => None,
    }
}

/// `number * unit_secs` seconds, if within [`MAX_TARGET_DAYS`].
fn seconds(number: u64, unit_secs: u64) -> Option<Duration> {
    let secs = number.checked_mul(unit_secs)?;
    let secs = i64::try_from(secs).ok()?;
    (secs <= i64::from(MAX_TARGET_DAYS) * 86_400).then(|| Duration::seconds(secs))
}

#[cfg(test)]
#[path = "target_tests.rs"]
mod tests;
