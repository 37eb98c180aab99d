//! How timer runs read: remaining time people can read, and the one shape of a run in
//! JSON and CSV that `ticket show`, `ticket list --sla`, `sla check` and `export timers`
//! share. Pure: no clock, no printing.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};

use super::policy::TimerStatus;

/// The columns of a run, after whatever names its ticket. `remaining_minutes` is counted
/// in `remaining_unit`: `wall` (clock minutes) or `working` (minutes of working time in the
/// desk calendar, for `bh`/`wd` targets).
pub const RUN_COLUMNS: [&str; 12] = [
    "timer",
    "run",
    "target",
    "basis",
    "started",
    "due",
    "stopped",
    "outcome",
    "decided",
    "remaining_minutes",
    "remaining_unit",
    "notified",
];

/// `wall` or `working`: what a run's elapsed and remaining minutes count.
pub fn unit(s: &TimerStatus) -> &'static str {
    if s.working { "working" } else { "wall" }
}

/// Remaining time for people, in the target's own measure: wall-clock targets as
/// `1d 4h 05m` (a day of 24 hours), working-time targets in working hours and minutes
/// (`19bh 30bm`), never a 24-hour "day" of working time. Negative when overrun.
pub fn remaining(s: &TimerStatus) -> String {
    if s.working {
        working(s.remaining)
    } else {
        wall(s.remaining)
    }
}

/// `1d 2h 05m`, `2h 05m`, `35m`; signed.
pub fn wall(d: Duration) -> String {
    let m = d.num_minutes().abs();
    let (days, hours, mins) = (m / 1440, (m % 1440) / 60, m % 60);
    let body = if days > 0 {
        format!("{days}d {hours}h {mins:02}m")
    } else if hours > 0 {
        format!("{hours}h {mins:02}m")
    } else {
        format!("{mins}m")
    };
    signed(d, body)
}

/// `19bh 30bm`, `19bh`, `45bm`; signed. Working time has no fixed day, so no days.
pub fn working(d: Duration) -> String {
    let m = d.num_minutes().abs();
    let (hours, mins) = (m / 60, m % 60);
    let body = match (hours, mins) {
        (0, m) => format!("{m}bm"),
        (h, 0) => format!("{h}bh"),
        (h, m) => format!("{h}bh {m:02}bm"),
    };
    signed(d, body)
}

fn signed(d: Duration, body: String) -> String {
    if d < Duration::zero() {
        format!("-{body}")
    } else {
        body
    }
}

/// A run as the cells of [`RUN_COLUMNS`]: times RFC 3339 in the desk's zone, or
/// `YYYY-MM-DD HH:MM` and readable remaining time `for_people`.
pub fn cells(s: &TimerStatus, tz: Tz, for_people: bool) -> Vec<String> {
    let time = |t: DateTime<Utc>| {
        let local = t.with_timezone(&tz);
        if for_people {
            local.format("%Y-%m-%d %H:%M").to_string()
        } else {
            local.to_rfc3339()
        }
    };
    let opt = |t: Option<DateTime<Utc>>| t.map(time).unwrap_or_default();
    vec![
        s.timer.clone(),
        s.run.to_string(),
        s.target.clone(),
        s.basis.clone(),
        time(s.started),
        time(s.due),
        opt(s.stopped),
        s.state.to_string(),
        opt(s.decided),
        if for_people {
            remaining(s)
        } else {
            s.remaining.num_minutes().to_string()
        },
        unit(s).to_string(),
        s.notified.to_string(),
    ]
}

/// A run as a JSON object with the keys of [`RUN_COLUMNS`]; absent times are null.
pub fn json(s: &TimerStatus, tz: Tz) -> Value {
    let time = |t: DateTime<Utc>| t.with_timezone(&tz).to_rfc3339();
    json!({
        "timer": s.timer,
        "run": s.run,
        "target": s.target,
        "basis": s.basis,
        "started": time(s.started),
        "due": time(s.due),
        "stopped": s.stopped.map(time),
        "outcome": s.state.as_str(),
        "decided": s.decided.map(time),
        "remaining_minutes": s.remaining.num_minutes(),
        "remaining_unit": unit(s),
        "notified": s.notified,
    })
}

/// The run a person should look at next: of the runs still going, the one due first.
pub fn next_due(runs: &[TimerStatus]) -> Option<&TimerStatus> {
    runs.iter()
        .filter(|s| s.stopped.is_none())
        .min_by_key(|s| (s.due, s.timer.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remaining_says_its_unit() {
        let m = Duration::minutes;
        assert_eq!(wall(m(0)), "0m");
        assert_eq!(wall(m(35)), "35m");
        assert_eq!(wall(m(-35)), "-35m");
        assert_eq!(wall(m(28 * 60 + 5)), "1d 4h 05m");
        assert_eq!(wall(-m(30 * 1440 + 13)), "-30d 0h 13m");
        assert_eq!(working(m(45)), "45bm");
        assert_eq!(working(m(19 * 60)), "19bh");
        assert_eq!(working(m(19 * 60 + 30)), "19bh 30bm");
        assert_eq!(
            working(m(75 * 60)),
            "75bh",
            "never 24-hour days of working time"
        );
        assert_eq!(working(m(-90)), "-1bh 30bm");
    }
}
