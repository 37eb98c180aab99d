//! Whether the calendar's holidays reach the deadlines that need them.
//!
//! Public holidays are announced a year at a time, so `[calendar] holidays` lists the
//! years someone has added. A working-time deadline (`bh`, `wd`) in a year it does not list
//! silently counts every working weekday of that year, public holidays included, as a
//! working day. [`HolidayGaps`] finds those years for `check` and `sla check` to warn
//! about. A calendar without any holidays is a deliberate choice and is never warned about.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::policy::TimerStatus;
use crate::config::{self, Policy};
use crate::model::ticket::Ticket;
use crate::time::Target;

/// Finds the years that working-time deadlines (and the present) fall in and the
/// calendar lists no holidays for.
#[derive(Debug, Clone)]
pub struct HolidayGaps<'p> {
    policy: &'p Policy,
    now: DateTime<Utc>,
}

impl<'p> HolidayGaps<'p> {
    /// `None` when no gap can matter: no timer of `sla` counts working time, or the
    /// calendar lists no holidays at all.
    pub fn new(policy: &'p Policy, sla: &config::Sla, now: DateTime<Utc>) -> Option<Self> {
        let business =
            |text: &str| Target::parse(text).is_ok_and(|t| !matches!(t, Target::Wall(_)));
        let uses_working_time = sla.timers.values().any(|timer| {
            timer.target.values().any(|t| business(t))
                || timer.warn.as_deref().is_some_and(business)
        });
        let lists_holidays = !policy.calendar().holiday_years().is_empty();
        (uses_working_time && lists_holidays).then_some(HolidayGaps { policy, now })
    }

    /// The year of the present, if the calendar lists no holidays for it.
    pub fn now(&self) -> Option<i32> {
        self.policy.calendar().missing_holiday_year(self.now)
    }

    /// The missing years of the working-time deadlines of an open ticket's timers (every
    /// timer [`Policy::evaluate`] gives, so also a run that already ended); none for a
    /// closed ticket.
    pub fn of_ticket(&self, ticket: &Ticket) -> BTreeSet<i32> {
        if !ticket.is_open() {
            return BTreeSet::new();
        }
        self.of_timers(&self.policy.evaluate(ticket, self.now))
    }

    /// The missing years of the working-time deadlines among `timers`.
    pub fn of_timers(&self, timers: &[TimerStatus]) -> BTreeSet<i32> {
        let calendar = self.policy.calendar();
        timers
            .iter()
            .filter(|s| s.due != DateTime::<Utc>::MAX_UTC)
            .filter(|s| s.working)
            .filter_map(|s| calendar.missing_holiday_year(s.due))
            .collect()
    }
}

/// The warning for a year `[calendar]` lists no holidays for: what it means and the fix.
pub fn warning(year: i32) -> String {
    format!(
        "[calendar] lists no holidays for {year} ({file}); deadlines in {year} count every \
         working weekday as a working day. Add the year's public holidays and make-up days: \
         holidays = [\"{year}-01-01\", ...], makeup_days = [...]",
        file = config::FILE_NAME
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ticket;

    fn policy(holidays: &str, resolve: &str) -> (Policy, config::Sla) {
        let text = config::default_config("t", chrono_tz::Asia::Shanghai).replace(
            "medium = \"3wd\"",
            &format!("medium = {}", crate::keypath::toml_string(resolve)),
        );
        let text = match holidays {
            "2026" => text,
            other => {
                let start = text.find("holidays = [").unwrap();
                let end = start + text[start..].find(']').unwrap() + 1;
                format!("{}holidays = {other}{}", &text[..start], &text[end..])
            }
        };
        let c = config::Config::parse(std::path::Path::new("svcdesk.toml"), &text).unwrap();
        let p = Policy::new(&c.sla, c.calendar().unwrap()).unwrap();
        (p, c.sla)
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    /// A medium-priority ticket opened at `when` (resolve: the config's medium target).
    fn ticket(when: &str) -> Ticket {
        let text = format!(
            r#"schema = 1
id = "T20261231-9XWM3A"

[[event]]
at = {when}
by = "wang"
action = "open"
title = "noisy pump"
customer = "C20261124-626T3A"
category = "complaint"
channel = "phone"
priority = "medium"
description = "noisy pump"
"#
        );
        let t: Ticket = toml::from_str(&text).unwrap();
        ticket::replay(&t.id, &t.event).unwrap()
    }

    #[test]
    fn a_working_day_deadline_in_an_unlisted_year_is_a_gap() {
        let (p, sla) = policy("2026", "3wd");
        let now = at("2026-12-31T17:00:00+08:00");
        let gaps = HolidayGaps::new(&p, &sla, now).unwrap();
        let t = ticket("2026-12-31T17:00:00+08:00");
        assert_eq!(gaps.now(), None);
        assert_eq!(gaps.of_ticket(&t), BTreeSet::from([2027]));
    }

    #[test]
    fn a_deadline_inside_the_listed_year_is_no_gap() {
        let (p, sla) = policy("2026", "3wd");
        let now = at("2026-12-01T10:00:00+08:00");
        let gaps = HolidayGaps::new(&p, &sla, now).unwrap();
        assert_eq!(gaps.now(), None);
        assert!(
            gaps.of_ticket(&ticket("2026-12-01T10:00:00+08:00"))
                .is_empty()
        );
    }

    #[test]
    fn the_present_in_an_unlisted_year_is_a_gap() {
        let (p, sla) = policy("2026", "3wd");
        let gaps = HolidayGaps::new(&p, &sla, at("2027-01-04T10:00:00+08:00")).unwrap();
        assert_eq!(gaps.now(), Some(2027));
    }

    #[test]
    fn wall_clock_deadlines_and_empty_calendars_need_no_holidays() {
        let now = at("2026-12-31T17:00:00+08:00");
        let t = ticket("2026-12-31T17:00:00+08:00");
        // A wall-clock resolve target: the other defaults still use no working time...
        let (p, sla) = policy("2026", "72h");
        let gaps = HolidayGaps::new(&p, &sla, now).unwrap(); // low = "5wd" still counts
        assert!(
            gaps.of_ticket(&t).is_empty(),
            "72h is due whatever the holidays"
        );
        // ...and a calendar without holidays is a choice, not an omission.
        let (p, sla) = policy("[]", "3wd");
        assert!(HolidayGaps::new(&p, &sla, now).is_none());
    }

    #[test]
    fn the_warning_names_the_year_and_the_fix() {
        let w = warning(2027);
        assert!(
            w.starts_with("[calendar] lists no holidays for 2027 (svcdesk.toml)"),
            "{w}"
        );
        assert!(w.contains("holidays = [\"2027-01-01\", ...]"), "{w}");
    }
}
