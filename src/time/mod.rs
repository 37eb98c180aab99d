//! Time as the desk counts it: the business calendar, SLA targets, periods (months,
//! weeks, quarters) and reading the dates and times people type. Pure values: nothing
//! here reads files, prints or looks at the clock.
//!
//! # The calendar
//!
//! The `[calendar]` table of `svcdesk.toml` says when the desk works. Every key may be left
//! out; the defaults are shown:
//!
//! ```toml
//! [calendar]
//! workdays = ["mon", "tue", "wed", "thu", "fri"]
//! hours = ["09:00-12:00", "13:30-18:00"]
//! holidays = []       # e.g. ["2026-01-01", "2026-10-01..2026-10-07"]
//! makeup_days = []    # e.g. ["2026-09-27", "2026-10-10"]
//! ```
//!
//! - `workdays`: the working weekdays, `mon` to `sun` (or full English names).
//! - `hours`: the working intervals of every working day, `HH:MM-HH:MM` in the desk's
//!   time zone, ascending and not overlapping. An interval cannot cross midnight; `24:00`
//!   may end the last one, so `["00:00-24:00"]` is a desk that never closes.
//! - `holidays`: days off, as single dates or inclusive ranges `FIRST..LAST`. A holiday is
//!   not worked even when it falls on a working weekday.
//! - `makeup_days`: make-up working days (调休): dates worked with the normal `hours`
//!   although their weekday is not a working weekday. A date cannot be both a holiday and
//!   a make-up day.
//!
//! Holidays are announced a year at a time, so `holidays` must gain each new year's
//! dates. When it lists holidays for some years but not for the year a working-time
//! deadline (or the present) falls in, `check` and `sla check` warn (see [`coverage`]);
//! an empty `holidays` is taken as the desk's choice and never warned about.
//!
//! A date is a working day if it is a make-up day, or if it is not a holiday and its
//! weekday is a working weekday. Working time is the working intervals of working days;
//! an interval includes its start and excludes its end.
//!
//! Working hours are wall-clock times. On a day when daylight-saving time begins or ends,
//! an interval that contains the change is an hour shorter or longer, as it really is;
//! a start or end time that does not exist that day (the hour skipped in spring) is the
//! moment the clocks jump, and one that happens twice (the hour repeated in autumn) is its
//! first occurrence. Intervals that avoid the change, such as 09:00-17:00 when clocks
//! change at night, keep their length.
//!
//! # Targets
//!
//! Every SLA timer has a target: a whole number followed by a unit, without fractions.
//!
//! | target | meaning |
//! |---|---|
//! | `90s`, `15m`, `48h`, `3d` | wall-clock seconds, minutes, hours, days of 24 hours: nights, weekends and holidays count |
//! | `8bh`, `90bm` | business hours or minutes: only working time counts |
//! | `3wd` | working days (below) |
//!
//! Units are case-insensitive. A target is shown in its largest exact unit, so `3d` is
//! shown as `72h` and `120bm` as `2bh`. Targets can be at most 3660 days (about ten years)
//! long, and zero is allowed (`0m`, `0bh`, `0wd`): the timer runs out as soon as it can.
//!
//! A timer started at instant `start` runs out at:
//!
//! - wall clock: `start` plus the target;
//! - business hours: the earliest instant by which the target's amount of working time
//!   has passed since `start`. Time outside working hours does not count, so a ticket
//!   received on Friday at 15:00 with an `8bh` target (and the default hours) is due on
//!   Monday at 15:30. A deadline that falls exactly at the end of a working interval is
//!   that end (12:00), not the start of the next interval (13:30).
//! - working days: the clock starts at the first working instant at or after `start`
//!   (immediately during working hours, else when work next begins). The deadline is on
//!   the N-th working day after that day, as much working time into the day as the clock
//!   started into its own. Friday 15:00 plus `3wd` is Wednesday 15:00; received on
//!   Saturday, the clock starts Monday 09:00 and `3wd` runs out at the end of Wednesday
//!   (18:00), the earliest instant that is three full working days later; likewise a
//!   clock started in the lunch break (at 13:30, three hours into the day) with `1wd`
//!   runs out at 12:00 the next working day. With make-up
//!   days and a holiday, a ticket received on Wednesday 2026-09-30 at 17:00 with `3wd`
//!   (holidays October 1–7, make-up Saturday October 10) is due on October 10 at 17:00.
//!   `0wd` runs out when the clock starts.
//!
//! Elapsed time of a timer is counted the same way: wall-clock time for wall-clock
//! targets, working time for business-hour and working-day targets. SLA timers, the rules
//! that say which targets apply and when clocks run, pause and stop, are described in
//! [`crate::sla::policy`].
//!
//! Durations given on the command line, such as `--due-within 2h`, are always wall-clock:
//! a whole number followed by `s`, `m`, `h` or `d`.

pub mod calendar;
mod parse;
pub mod period;
pub mod target;

pub use calendar::{Calendar, CalendarConfig, CalendarError};
pub use parse::{FUTURE_SLACK, InFuture, parse_date, parse_date_from, parse_time, refuse_future};
pub use period::{Backwards, Month, Period, Week, midnight};
pub use target::{DurationError, MAX_TARGET_DAYS, Target, TargetError, parse_duration};
