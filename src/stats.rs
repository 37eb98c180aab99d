//! Monthly / quarterly statistics (月份统计报表) and the ticket register: pure folds over
//! tickets (with their SLA timers evaluated at the period's end) and field reports.
//!
//! Definitions (the man page quotes them):
//! - opened / closed: tickets whose `open` / last `close` falls in the period;
//! - backlog: tickets opened before the period's end and not closed at that instant;
//! - reopen rate: reopen events in the period ÷ tickets resolved in the period;
//! - SLA achievement per timer: of the timers that stopped in the period, the share met;
//! - first response / resolve: hours from `open` to the first `respond` / last `resolve`,
//!   over the tickets opened in the period that have one (wall clock);
//! - satisfaction: final scores of tickets closed in the period (1–5), mean and counts;
//! - revisit rate: tickets resolved in the period that have a revisit ÷ those resolved;
//! - compensation: approved amounts whose approval falls in the period, per currency.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Months, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::{Error, Result};
use crate::model::ticket::{Action, Ticket};
use crate::sla::policy::{TimerState, TimerStatus};

/// A half-open interval [from, to) of instants, with a label for reports.
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

    pub fn month(tz: Tz, year: i32, month: u32) -> Result<Period> {
        let first = NaiveDate::from_ymd_opt(year, month, 1)
            .ok_or_else(|| Error::invalid(format!("no such month {year}-{month:02}")))?;
        let next = first + Months::new(1);
        Ok(Period {
            label: format!("{year}-{month:02}"),
            from: midnight(tz, first),
            to: midnight(tz, next),
        })
    }

    /// `2026-11`, `this` or `last` (the month before `now`, for cron on the 1st).
    pub fn parse_month(s: &str, tz: Tz, now: DateTime<Utc>) -> Result<Period> {
        let today = now.with_timezone(&tz).date_naive();
        let (y, m) = match s.trim() {
            "this" => (today.year(), today.month()),
            "last" => {
                let d = today.with_day(1).expect("day 1 exists") - Months::new(1);
                (d.year(), d.month())
            }
            other => {
                let bad = || {
                    Error::invalid_with_hint(
                        format!("cannot read \"{other}\" as a month"),
                        "write 2026-11, this or last",
                    )
                };
                let (y, m) = other.split_once('-').ok_or_else(bad)?;
                (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?)
            }
        };
        Period::month(tz, y, m)
    }

    /// `2026Q4` (also `2026-Q4`, `this`, `last`).
    pub fn parse_quarter(s: &str, tz: Tz, now: DateTime<Utc>) -> Result<Period> {
        let today = now.with_timezone(&tz).date_naive();
        let this = (today.year(), (today.month() - 1) / 3 + 1);
        let (y, q) = match s.trim().to_ascii_uppercase().as_str() {
            "THIS" => this,
            "LAST" if this.1 == 1 => (this.0 - 1, 4),
            "LAST" => (this.0, this.1 - 1),
            other => {
                let bad = || {
                    Error::invalid_with_hint(
                        format!("cannot read \"{s}\" as a quarter"),
                        "write 2026Q4, this or last",
                    )
                };
                let (y, q) = other.split_once('Q').ok_or_else(bad)?;
                let y: i32 = y.trim_end_matches('-').parse().map_err(|_| bad())?;
                let q: u32 = q.parse().map_err(|_| bad())?;
                if !(1..=4).contains(&q) {
                    return Err(bad());
                }
                (y, q)
            }
        };
        let first = NaiveDate::from_ymd_opt(y, (q - 1) * 3 + 1, 1)
            .ok_or_else(|| Error::invalid(format!("no such quarter {y}Q{q}")))?;
        Ok(Period {
            label: format!("{y}Q{q}"),
            from: midnight(tz, first),
            to: midnight(tz, first + Months::new(3)),
        })
    }

    /// Dates inclusive at both ends, in the desk's zone.
    pub fn between(tz: Tz, from: NaiveDate, to: NaiveDate) -> Result<Period> {
        if to < from {
            return Err(Error::invalid(format!("--to {to} is before --from {from}")));
        }
        Ok(Period {
            label: format!("{from}..{to}"),
            from: midnight(tz, from),
            to: midnight(tz, to + chrono::Days::new(1)),
        })
    }

    /// The `n` months ending with this period's last month, oldest first.
    pub fn trailing_months(&self, tz: Tz, n: u32) -> Result<Vec<Period>> {
        let last = (self.to - chrono::Duration::seconds(1))
            .with_timezone(&tz)
            .date_naive();
        let last = last.with_day(1).expect("day 1 exists");
        (0..n)
            .rev()
            .map(|i| {
                let d = last - Months::new(i);
                Period::month(tz, d.year(), d.month())
            })
            .collect()
    }
}

fn midnight(tz: Tz, d: NaiveDate) -> DateTime<Utc> {
    let naive = d.and_hms_opt(0, 0, 0).expect("midnight exists");
    // Where midnight is skipped by DST, the day starts at the first instant that exists.
    tz.from_local_datetime(&naive)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(naive + chrono::Duration::hours(1)))
                .earliest()
        })
        .expect("a day has a start")
        .with_timezone(&Utc)
}

/// Was the ticket open (opened, not closed) at instant `at`?
pub fn open_at(t: &Ticket, at: DateTime<Utc>) -> bool {
    let mut open = false;
    for e in t.event.iter().take_while(|e| e.at.to_utc() < at) {
        match e.action {
            Some(Action::Open) | Some(Action::Reopen) => open = true,
            Some(Action::Close) => open = false,
            _ => {}
        }
    }
    open
}

/// Money in hundredths, so sums are exact. Amounts are validated on entry.
pub fn cents(amount: &str) -> i64 {
    let (int, frac) = amount.split_once('.').unwrap_or((amount, ""));
    let frac = format!("{frac:0<2}");
    int.parse::<i64>().unwrap_or(0) * 100 + frac[..2].parse::<i64>().unwrap_or(0)
}

pub fn format_cents(c: i64) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    pub opened: usize,
    pub closed: usize,
    pub backlog: usize,
    pub resolved: usize,
    pub reopens: usize,
    pub revisited: usize,
    /// timer -> (met, breached), for timers that stopped in the period.
    pub sla: BTreeMap<String, (usize, usize)>,
    pub first_response_hours: Vec<f64>,
    pub resolve_hours: Vec<f64>,
    /// counts of final satisfaction 1..=5.
    pub satisfaction: [usize; 5],
    /// currency -> approved compensation in hundredths.
    pub compensation: BTreeMap<String, i64>,
    pub visits: usize,
    pub visit_hours: f64,
}

impl Stats {
    /// Folds one ticket (with its timers evaluated at the period's end) into the totals.
    pub fn add_ticket(&mut self, t: &Ticket, timers: &[TimerStatus], p: &Period) {
        let at = |e: &crate::model::ticket::Event| e.at.to_utc();
        let opened = t.opened.map(|o| o.to_utc());
        if opened.is_some_and(|o| p.contains(o)) {
            self.opened += 1;
            let hours =
                |to: DateTime<Utc>| (to - opened.expect("checked")).num_seconds() as f64 / 3600.0;
            if let Some(r) = t.event.iter().find(|e| e.action == Some(Action::Respond)) {
                self.first_response_hours.push(hours(at(r)));
            }
            if let Some(r) = t.last(Action::Resolve) {
                self.resolve_hours.push(hours(at(r)));
            }
        }
        if t.closed.is_some_and(|c| p.contains(c.to_utc())) {
            self.closed += 1;
            if let Some(s) = t.satisfaction.filter(|s| (1..=5).contains(s)) {
                self.satisfaction[usize::from(s) - 1] += 1;
            }
        }
        if opened.is_some_and(|o| o < p.to) && open_at(t, p.to) {
            self.backlog += 1;
        }
        let resolved_here = t
            .event
            .iter()
            .any(|e| e.action == Some(Action::Resolve) && p.contains(at(e)));
        if resolved_here {
            self.resolved += 1;
            if t.event.iter().any(|e| e.action == Some(Action::Revisit)) {
                self.revisited += 1;
            }
        }
        self.reopens += t
            .event
            .iter()
            .filter(|e| e.action == Some(Action::Reopen) && p.contains(at(e)))
            .count();
        if let Some(approve) = t.last(Action::CompApprove)
            && p.contains(at(approve))
            && let Some(amount) = &t.compensation_amount
        {
            let cur = t
                .compensation_currency
                .clone()
                .unwrap_or_else(|| "CNY".into());
            *self.compensation.entry(cur).or_default() += cents(amount);
        }
        for s in timers {
            if let Some(stop) = s.stopped
                && p.contains(stop)
            {
                let e = self.sla.entry(s.timer.clone()).or_default();
                match s.state {
                    TimerState::Breached => e.1 += 1,
                    _ => e.0 += 1,
                }
            }
        }
    }

    pub fn add_visit(&mut self, hours: Option<f64>) {
        self.visits += 1;
        self.visit_hours += hours.unwrap_or(0.0);
    }

    pub fn reopen_rate(&self) -> Option<f64> {
        ratio(self.reopens, self.resolved)
    }

    pub fn revisit_rate(&self) -> Option<f64> {
        ratio(self.revisited, self.resolved)
    }

    pub fn sla_pct(&self, timer: &str) -> Option<f64> {
        self.sla.get(timer).and_then(|(m, b)| ratio(*m, m + b))
    }

    /// All timers together: the share of stopped timers that were met.
    pub fn sla_overall_pct(&self) -> Option<f64> {
        let (m, b) = self
            .sla
            .values()
            .fold((0, 0), |(m, b), (x, y)| (m + x, b + y));
        ratio(m, m + b)
    }

    pub fn satisfaction_mean(&self) -> Option<f64> {
        let n: usize = self.satisfaction.iter().sum();
        let total: usize = self
            .satisfaction
            .iter()
            .enumerate()
            .map(|(i, c)| (i + 1) * c)
            .sum();
        (n > 0).then(|| total as f64 / n as f64)
    }
}

fn ratio(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

pub fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

pub fn median(v: &[f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    Some(if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    })
}

/// Counts of values, most frequent first, ties alphabetical; the top `n`.
pub fn top<'a>(values: impl Iterator<Item = &'a str>, n: usize) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for v in values.filter(|v| !v.is_empty()) {
        *counts.entry(v).or_default() += 1;
    }
    let mut v: Vec<(String, usize)> = counts
        .into_iter()
        .map(|(k, c)| (k.to_string(), c))
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(n);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        let tz = chrono_tz::Asia::Shanghai;
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 1, 0, 0).unwrap(); // 09:00 Jan 1 in Shanghai
        let last = Period::parse_month("last", tz, now).unwrap();
        assert_eq!(last.label, "2025-12");
        assert_eq!(last.from.to_rfc3339(), "2025-11-30T16:00:00+00:00");
        assert_eq!(last.to.to_rfc3339(), "2025-12-31T16:00:00+00:00");
        assert_eq!(
            Period::parse_quarter("2026Q4", tz, now).unwrap().label,
            "2026Q4"
        );
        assert_eq!(
            Period::parse_quarter("last", tz, now).unwrap().label,
            "2025Q4"
        );
        assert!(Period::parse_month("2026-13", tz, now).is_err());
        assert!(Period::parse_quarter("2026Q5", tz, now).is_err());
        let trail = Period::month(tz, 2026, 2)
            .unwrap()
            .trailing_months(tz, 3)
            .unwrap();
        let labels: Vec<_> = trail.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2025-12", "2026-01", "2026-02"]);
    }

    #[test]
    fn money_and_medians() {
        assert_eq!(cents("500"), 50000);
        assert_eq!(cents("199.9"), 19990);
        assert_eq!(cents("0.05"), 5);
        assert_eq!(format_cents(19990 + 5), "199.95");
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(mean(&[]), None);
        let t = top(["b", "a", "b", "c", "a", "b"].into_iter(), 2);
        assert_eq!(t, vec![("b".to_string(), 3), ("a".to_string(), 2)]);
    }
}
