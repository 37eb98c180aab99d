//! `sla check` as a fold: which timers of open tickets and which improvement measures
//! need someone now, how bad that is, and who is due to be told or escalated to. Pure:
//! the caller loads the records, and the telling and escalating (which write events and
//! run hooks) are effects, in `crate::hooks::notify`.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};

use super::coverage::HolidayGaps;
use super::policy::{Rung, TimerState, TimerStatus};
use super::view;
use crate::config;
use crate::config::ladder::Level;
use crate::config::policy::Policy;
use crate::model::customer::FollowUp;
use crate::model::measure::{self, Measure};
use crate::model::ticket::{Grade, Priority, Ticket};
use crate::model::visit::Visit;
use crate::output::Rows;
pub use crate::vocab::NotifyLevel;

/// How an overdue measure shows among the timers: a pseudo-timer, so scripts reading the
/// fixed columns need no new ones.
pub const MEASURE_TIMER: &str = "measure-due";
pub const MEASURE_STATE: &str = "overdue";
/// How a customer follow-up due by today shows among the timers (state `due` or
/// `overdue`), one row per follow-up, the customer's ID as id.
pub const FOLLOW_UP_TIMER: &str = "follow-up";

/// How bad the desk stands; ordered, so the worst of several is their max. The CLI maps
/// it to the monitoring-plugin exit codes 0, 1, 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Ok,
    /// At risk, a measure overdue, or a year of deadlines without holidays.
    Warning,
    /// A running timer is past its deadline.
    Breach,
}

/// What `sla check` shows and decides on of a ticket with an alert or a ladder level due:
/// a few fields, not the whole ticket, so a check of a big desk keeps only its answer.
#[derive(Debug, Clone)]
pub struct Shown {
    pub id: String,
    pub grade: Option<Grade>,
    pub priority: Option<Priority>,
    pub department: Option<String>,
    pub assignee: Option<String>,
    pub title: String,
    /// The whole ticket as it was evaluated, kept only when asked for
    /// ([`Check::keep_tickets`]) and only while it has something to tell: the hooks
    /// `--notify` runs read all of it.
    pub full: Option<Ticket>,
}

impl Shown {
    fn of(t: &Ticket) -> Shown {
        Shown {
            id: t.id.clone(),
            grade: t.grade,
            priority: t.priority,
            department: t.department.clone(),
            assignee: t.assignee.clone(),
            title: t.title.clone(),
            full: None,
        }
    }
}

/// A timer run of an open ticket that is breached or at risk right now.
#[derive(Debug, Clone)]
pub struct Alert {
    pub ticket: Arc<Shown>,
    pub status: TimerStatus,
}

impl Alert {
    pub fn breached(&self) -> bool {
        self.status.state == TimerState::Breached
    }

    /// What `--notify` tells of it as: an alert is either breached or at risk.
    pub fn level(&self) -> NotifyLevel {
        if self.breached() {
            NotifyLevel::Breach
        } else {
            NotifyLevel::AtRisk
        }
    }
}

/// Whether an alert's run is not told of at its level yet: breached and not told of as
/// breached, or at risk and not told of at all.
fn untold(s: &TimerStatus) -> bool {
    match s.state {
        TimerState::Breached => !s.notified,
        _ => !s.warned,
    }
}

/// A `[[sla.ladder]]` level whose time has come on a run and that has not fired yet.
#[derive(Debug, Clone)]
pub struct Due {
    pub ticket: Arc<Shown>,
    pub status: TimerStatus,
    pub rung: Rung,
    /// The level, as `[[sla.ladder]]` has it.
    pub level: Level,
}

/// What `sla check` found at `now`.
#[derive(Debug, Clone)]
pub struct Report {
    /// Most overdue first; ties by ticket ID and timer name, so the output is stable.
    pub alerts: Vec<Alert>,
    /// Improvement measures past their due date and not done, by due date.
    pub overdue: Vec<Measure>,
    /// Years `[calendar]` lists no holidays for although now or a working-time deadline
    /// of an open ticket falls in them: such deadlines may be early.
    pub holiday_gaps: BTreeSet<i32>,
    /// Ladder levels due to fire (`--notify`), by ticket, timer and the ladder's order.
    pub ladder: Vec<Due>,
    /// Site visits' timer runs that are at risk or breached and still running (an
    /// appointment nobody arrived for), most overdue first (see [`Report::add_visits`]).
    pub visits: Vec<(Visit, TimerStatus)>,
    /// Customer follow-ups due by today and not answered by a contact (warnings): set by
    /// the caller from [`crate::model::customer::due_follow_ups`].
    pub follow_ups: Vec<FollowUp>,
    pub now: DateTime<Utc>,
    pub tz: Tz,
}

/// What one open ticket adds to a [`Report`]: its alerts, its ladder levels due and the
/// years of its deadlines the calendar lacks holidays for.
#[derive(Debug, Clone, Default)]
pub struct Found {
    alerts: Vec<Alert>,
    ladder: Vec<Due>,
    holiday_gaps: BTreeSet<i32>,
}

/// `sla check` as a fold, so a caller can stream the open tickets through it: each
/// ticket is evaluated on its own ([`Check::ticket`], on any thread), what it adds is
/// gathered in ID order into [`Check::report`] ([`Report::add`]), and
/// [`Report::finish`] sorts it.
pub struct Check<'p> {
    policy: &'p Policy,
    gaps: Option<HolidayGaps<'p>>,
    now: DateTime<Utc>,
    keep_tickets: bool,
}

impl<'p> Check<'p> {
    pub fn new(policy: &'p Policy, sla: &config::Sla, now: DateTime<Utc>) -> Check<'p> {
        Check {
            policy,
            gaps: HolidayGaps::new(policy, sla, now),
            now,
            keep_tickets: false,
        }
    }

    /// The report before any ticket is added: nothing due yet, but the present's year
    /// if the calendar lacks its holidays.
    pub fn report(&self) -> Report {
        Report {
            alerts: Vec::new(),
            overdue: Vec::new(),
            holiday_gaps: self
                .gaps
                .as_ref()
                .and_then(|g| g.now())
                .into_iter()
                .collect(),
            ladder: Vec::new(),
            visits: Vec::new(),
            follow_ups: Vec::new(),
            now: self.now,
            tz: self.policy.calendar().tz(),
        }
    }

    /// Keeps the whole ticket of every alert or ladder level still to be told of
    /// ([`Shown::full`]), for `--notify`.
    pub fn keep_tickets(mut self, keep: bool) -> Self {
        self.keep_tickets = keep;
        self
    }

    /// What ticket `t` adds to the report; `None` when nothing (a closed ticket adds nothing).
    pub fn ticket(&self, t: Ticket) -> Option<Found> {
        if !t.is_open() {
            return None;
        }
        let runs = self.policy.evaluate(&t, self.now);
        let holiday_gaps = self
            .gaps
            .as_ref()
            .map(|g| g.of_timers(&runs))
            .unwrap_or_default();
        let due = |s: &TimerStatus| s.ladder.iter().any(|r| r.due);
        if holiday_gaps.is_empty() && !runs.iter().any(|s| s.is_alert() || due(s)) {
            return None;
        }
        let mut shown = Shown::of(&t);
        let tell = runs.iter().any(|s| due(s) || (s.is_alert() && untold(s)));
        if self.keep_tickets && tell {
            shown.full = Some(t);
        }
        let shown = Arc::new(shown);
        let ladder = runs
            .iter()
            .flat_map(|s| {
                s.ladder.iter().filter(|r| r.due).map(|r| Due {
                    ticket: shown.clone(),
                    status: s.clone(),
                    rung: r.clone(),
                    level: self.policy.ladder()[r.level].clone(),
                })
            })
            .collect();
        let alerts = runs
            .into_iter()
            .filter(TimerStatus::is_alert)
            .map(|status| Alert {
                ticket: shown.clone(),
                status,
            })
            .collect();
        Some(Found {
            alerts,
            ladder,
            holiday_gaps,
        })
    }
}

impl Report {
    /// Gathers what a ticket added ([`Check::ticket`]); tickets added in ID order keep
    /// ties in that order.
    pub fn add(&mut self, found: Found) {
        self.alerts.extend(found.alerts);
        self.ladder.extend(found.ladder);
        self.holiday_gaps.extend(found.holiday_gaps);
    }

    /// The report, with the overdue of `measures`: alerts most overdue first, ladder
    /// levels by ticket, timer and the ladder's order.
    pub fn finish(self, measures: Vec<Measure>) -> Report {
        let mut report = self;
        report.ladder.sort_by(|a, b| {
            (a.ticket.id.as_str(), a.status.timer.as_str(), a.rung.level).cmp(&(
                b.ticket.id.as_str(),
                b.status.timer.as_str(),
                b.rung.level,
            ))
        });
        report.alerts.sort_by(|a, b| {
            a.status
                .remaining
                .cmp(&b.status.remaining)
                .then_with(|| a.ticket.id.cmp(&b.ticket.id))
                .then_with(|| a.status.timer.cmp(&b.status.timer))
        });
        let today = report.now.with_timezone(&report.tz).date_naive();
        report.overdue = measures
            .into_iter()
            .filter(|m| m.is_overdue(today))
            .collect();
        measure::sort_by_due(&mut report.overdue);
        report
    }
}

/// Evaluates every open ticket's timers and every measure at `now`, keeping the tickets
/// to be told of (the fold of [`Check`] over tickets at hand).
pub fn check(
    policy: &Policy,
    sla: &config::Sla,
    tickets: &[Ticket],
    measures: Vec<Measure>,
    now: DateTime<Utc>,
) -> Report {
    let c = Check::new(policy, sla, now).keep_tickets(true);
    let mut report = c.report();
    for t in tickets {
        if let Some(found) = c.ticket(t.clone()) {
            report.add(found);
        }
    }
    report.finish(measures)
}

impl Report {
    /// Adds the site visits' alerts ([`super::visit::evaluate`]): the same runs, the same
    /// rows, after the tickets' and measures'.
    pub fn add_visits(&mut self, visits: Vec<Visit>) {
        for v in visits {
            for s in super::visit::evaluate(&v, self.now) {
                if s.is_alert() {
                    self.visits.push((v.clone(), s));
                }
            }
        }
        self.visits.sort_by(|a, b| {
            a.1.remaining
                .cmp(&b.1.remaining)
                .then_with(|| a.0.id.cmp(&b.0.id))
                .then_with(|| a.1.timer.cmp(&b.1.timer))
        });
    }

    /// An overdue measure needs someone's attention but breaks no promise to a customer:
    /// a warning, never a breach; so is a year of deadlines the calendar has no holidays for.
    pub fn severity(&self) -> Severity {
        if self.alerts.iter().any(Alert::breached)
            || self
                .visits
                .iter()
                .any(|(_, s)| s.state == TimerState::Breached)
        {
            Severity::Breach
        } else if self.is_empty() && self.holiday_gaps.is_empty() {
            Severity::Ok
        } else {
            Severity::Warning
        }
    }

    /// Whether there is anything to show (holiday gaps are stderr's business).
    pub fn is_empty(&self) -> bool {
        self.alerts.is_empty()
            && self.overdue.is_empty()
            && self.visits.is_empty()
            && self.follow_ups.is_empty()
    }

    /// Runs no one has been told of at their level yet (`--notify`): breached ones not
    /// told of as breached, and at-risk ones not told of at all. So each run is told of
    /// at most once at risk and once breached.
    pub fn to_notify(&self) -> impl Iterator<Item = &Alert> {
        self.alerts.iter().filter(|x| untold(&x.status))
    }

    /// Overdue measures not told of since they were last opened (`--notify`).
    pub fn measures_to_notify(&self) -> impl Iterator<Item = &Measure> {
        self.overdue.iter().filter(|m| !m.notified())
    }

    /// The breaches `rule` moves to its `to`, at most one per ticket (its most overdue
    /// matching run): of the grades and timers it names (all when it names none), and not
    /// already with that person.
    pub fn escalations(&self, rule: &config::Escalation) -> Vec<&Alert> {
        let mut done = HashSet::new();
        self.alerts
            .iter()
            .filter(|x| x.breached())
            .filter(|x| {
                rule.grades.is_empty()
                    || x.ticket
                        .grade
                        .is_some_and(|g| rule.grades.iter().any(|r| r == g.as_str()))
            })
            .filter(|x| rule.timers.is_empty() || rule.timers.contains(&x.status.timer))
            .filter(|x| x.ticket.assignee.as_deref() != Some(rule.to.as_str()))
            .filter(|x| done.insert(x.ticket.id.as_str()))
            .collect()
    }

    /// Ticket timers first, then overdue measures, each measure as one row in the same
    /// columns: timer `measure-due`, state `overdue`, target the due date, basis its kind,
    /// due the end of the due day, the owner as assignee and the measure as title. Times
    /// RFC 3339 in the desk's zone, or `YYYY-MM-DD HH:MM` and readable remaining time
    /// `for_people`.
    pub fn rows(&self, for_people: bool) -> Rows {
        let mut rows = Rows::new(vec![
            "id",
            "timer",
            "state",
            "target",
            "basis",
            "started",
            "due",
            if for_people {
                "remaining"
            } else {
                "remaining_minutes"
            },
            "grade",
            "priority",
            "department",
            "assignee",
            "title",
            "run",
            "remaining_unit",
        ]);
        let local = |t: DateTime<Utc>| {
            let t = t.with_timezone(&self.tz);
            if for_people {
                t.format("%Y-%m-%d %H:%M").to_string()
            } else {
                t.to_rfc3339()
            }
        };
        for x in &self.alerts {
            let (t, s) = (&*x.ticket, &x.status);
            rows.push(vec![
                t.id.clone(),
                s.timer.clone(),
                s.state.to_string(),
                s.target.clone(),
                s.basis.clone(),
                local(s.started),
                local(s.due),
                if for_people {
                    view::remaining(s)
                } else {
                    s.remaining.num_minutes().to_string()
                },
                t.grade.map(|g| g.to_string()).unwrap_or_default(),
                t.priority.map(|p| p.to_string()).unwrap_or_default(),
                t.department.clone().unwrap_or_default(),
                t.assignee.clone().unwrap_or_default(),
                t.title.clone(),
                s.run.to_string(),
                view::unit(s).to_string(),
            ]);
        }
        for m in &self.overdue {
            let due = m.due_end(self.tz);
            rows.push(vec![
                m.id.clone(),
                MEASURE_TIMER.into(),
                MEASURE_STATE.into(),
                m.due.to_string(),
                m.kind.to_string(),
                local(m.created.to_utc()),
                local(due),
                if for_people {
                    view::wall(due - self.now)
                } else {
                    (due - self.now).num_minutes().to_string()
                },
                String::new(),
                String::new(),
                String::new(),
                m.owner.clone(),
                m.measure.clone(),
                "1".into(),
                "wall".into(),
            ]);
        }
        for (v, s) in &self.visits {
            rows.push(vec![
                v.id.clone(),
                s.timer.clone(),
                s.state.to_string(),
                s.target.clone(),
                s.basis.clone(),
                local(s.started),
                local(s.due),
                if for_people {
                    view::remaining(s)
                } else {
                    s.remaining.num_minutes().to_string()
                },
                String::new(),
                String::new(),
                String::new(),
                v.engineer.clone().unwrap_or_default(),
                v.scope.clone(),
                s.run.to_string(),
                view::unit(s).to_string(),
            ]);
        }
        let today = self.now.with_timezone(&self.tz).date_naive();
        for f in &self.follow_ups {
            let due = f.due_end(self.tz);
            rows.push(vec![
                f.customer.clone(),
                FOLLOW_UP_TIMER.into(),
                f.state(today).into(),
                f.date.to_string(),
                format!("log {}", f.log),
                local(f.noted.to_utc()),
                local(due),
                if for_people {
                    view::wall(due - self.now)
                } else {
                    (due - self.now).num_minutes().to_string()
                },
                String::new(),
                String::new(),
                String::new(),
                f.owner.clone(),
                format!("{}: {}", f.name, f.summary),
                "1".into(),
                "wall".into(),
            ]);
        }
        rows
    }

    /// One object per row of [`Report::rows`], with `notified` too; absent values null.
    pub fn to_json(&self) -> Vec<Value> {
        let local = |t: DateTime<Utc>| t.with_timezone(&self.tz).to_rfc3339();
        let alerts = self.alerts.iter().map(|x| {
            let (t, s) = (&*x.ticket, &x.status);
            json!({
                "id": t.id,
                "timer": s.timer,
                "state": s.state.to_string(),
                "target": s.target,
                "basis": s.basis,
                "started": local(s.started),
                "due": local(s.due),
                "remaining_minutes": s.remaining.num_minutes(),
                "notified": s.notified,
                "grade": t.grade.map(|g| g.to_string()),
                "priority": t.priority.map(|p| p.to_string()),
                "department": t.department,
                "assignee": t.assignee,
                "title": t.title,
                "run": s.run,
                "remaining_unit": view::unit(s),
            })
        });
        let measures = self.overdue.iter().map(|m| {
            let due = m.due_end(self.tz);
            json!({
                "id": m.id,
                "timer": MEASURE_TIMER,
                "state": MEASURE_STATE,
                "target": m.due.to_string(),
                "basis": m.kind.as_str(),
                "started": m.created.to_rfc3339(),
                "due": local(due),
                "remaining_minutes": (due - self.now).num_minutes(),
                "notified": false,
                "grade": null,
                "priority": null,
                "department": null,
                "assignee": m.owner,
                "title": m.measure,
                "run": 1,
                "remaining_unit": "wall",
            })
        });
        let visits = self.visits.iter().map(|(v, s)| {
            json!({
                "id": v.id,
                "timer": s.timer,
                "state": s.state.to_string(),
                "target": s.target,
                "basis": s.basis,
                "started": local(s.started),
                "due": local(s.due),
                "remaining_minutes": s.remaining.num_minutes(),
                "notified": false,
                "grade": null,
                "priority": null,
                "department": null,
                "assignee": v.engineer,
                "title": v.scope,
                "run": s.run,
                "remaining_unit": view::unit(s),
            })
        });
        let today = self.now.with_timezone(&self.tz).date_naive();
        let follow_ups = self.follow_ups.iter().map(|f| {
            let due = f.due_end(self.tz);
            json!({
                "id": f.customer,
                "timer": FOLLOW_UP_TIMER,
                "state": f.state(today),
                "target": f.date.to_string(),
                "basis": format!("log {}", f.log),
                "started": f.noted.to_rfc3339(),
                "due": local(due),
                "remaining_minutes": (due - self.now).num_minutes(),
                "notified": false,
                "grade": null,
                "priority": null,
                "department": null,
                "assignee": f.owner,
                "title": format!("{}: {}", f.name, f.summary),
                "run": 1,
                "remaining_unit": "wall",
            })
        });
        alerts
            .chain(measures)
            .chain(visits)
            .chain(follow_ups)
            .collect()
    }
}

/// `sla status`: open tickets by (department, grade), `-` for an unset one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    /// Per group: open, at risk (and none breached), breached.
    pub groups: BTreeMap<(String, String), [usize; 3]>,
}

/// Counts each open ticket once, by its worst alert.
pub fn status(policy: &Policy, tickets: &[Ticket], now: DateTime<Utc>) -> Status {
    let mut status = Status::default();
    for t in tickets.iter().filter(|t| t.is_open()) {
        status.count(standing(policy, t, now));
    }
    status
}

/// An open ticket's part of [`Status`]: its group, and its worst alert (0 none, 1 at
/// risk, 2 breached), so a streamed count keeps no ticket.
pub fn standing(policy: &Policy, t: &Ticket, now: DateTime<Utc>) -> ((String, String), usize) {
    let runs = policy.evaluate(t, now);
    let key = (
        t.department.clone().unwrap_or_else(|| "-".into()),
        t.grade.map(|g| g.to_string()).unwrap_or_else(|| "-".into()),
    );
    let alerts = || runs.iter().filter(|s| s.is_alert());
    let worst = if alerts().any(|s| s.state == TimerState::Breached) {
        2
    } else if alerts().any(|s| s.state == TimerState::AtRisk) {
        1
    } else {
        0
    };
    (key, worst)
}

impl Status {
    /// Adds one open ticket's [`standing`].
    pub fn count(&mut self, (group, worst): ((String, String), usize)) {
        let c = self.groups.entry(group).or_default();
        c[0] += 1;
        if worst > 0 {
            c[worst] += 1;
        }
    }

    /// department, grade, open, at_risk, breached; and a `total` row if asked.
    pub fn rows(&self, total: bool) -> Rows {
        let mut rows = Rows::new(vec!["department", "grade", "open", "at_risk", "breached"])
            .numeric(&["open", "at_risk", "breached"]);
        let mut sum = [0usize; 3];
        for ((d, g), c) in &self.groups {
            for i in 0..3 {
                sum[i] += c[i];
            }
            rows.push(vec![
                d.clone(),
                g.clone(),
                c[0].to_string(),
                c[1].to_string(),
                c[2].to_string(),
            ]);
        }
        if total {
            rows.push(vec![
                "total".into(),
                String::new(),
                sum[0].to_string(),
                sum[1].to_string(),
                sum[2].to_string(),
            ]);
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ticket;

    /// Shanghai; wall-clock targets so the arithmetic is plain: respond in 2 h (at risk in
    /// its last hour), resolve in 48 h.
    fn policy() -> (Policy, config::Sla) {
        let text = config::default_config("x", chrono_tz::Asia::Shanghai);
        let c = config::Config::parse(std::path::Path::new("svcdesk.toml"), &text).unwrap();
        let sla: config::Sla = toml::from_str(
            r#"
[timers.respond]
start = "open"
stop = "respond"
target = { all = "2h" }
warn = "1h"
[timers.resolve]
start = "open"
stop = "resolve"
target = { all = "48h" }
"#,
        )
        .unwrap();
        (Policy::new(&sla, c.calendar().unwrap()).unwrap(), sla)
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("{text}:00+08:00"))
            .unwrap()
            .to_utc()
    }

    /// A ticket opened at `opened` (`2026-11-24T09:00`), then `more` events as TOML.
    fn ticket(id: &str, opened: &str, grade: &str, more: &str) -> Ticket {
        let text = format!(
            r#"schema = 1
id = "{id}"

[[event]]
at = {opened}:00+08:00
by = "li"
action = "open"
title = "noisy pump"
customer = "C20261124-626T3A"
category = "complaint"
channel = "phone"
grade = "{grade}"
description = "noisy pump"
{more}"#
        );
        let t: Ticket = toml::from_str(&text).unwrap();
        ticket::replay(&t.id, &t.event).unwrap()
    }

    fn assigned(when: &str, to: &str) -> String {
        format!(
            "\n[[event]]\nat = {when}:00+08:00\nby = \"li\"\naction = \"assign\"\nassignee = \"{to}\"\n"
        )
    }

    fn notified(when: &str, timer: &str) -> String {
        format!(
            "\n[[event]]\nat = {when}:00+08:00\nby = \"svcdesk\"\naction = \"sla-notified\"\ntimer = \"{timer}\"\n"
        )
    }

    fn measure(id: &str, due: &str, more: &str) -> Measure {
        let text = format!(
            r#"[[event]]
at = 2026-11-01T09:00:00+08:00
by = "wang"
action = "add"
problem = "engineers misread the X200 fault code"
measure = "train every engineer on the X200 fault codes"
kind = "training"
owner = "li"
due = {due}
period = "2026-11"
{more}"#
        );
        // Only the history: the fields on top are what replaying it gives.
        #[derive(serde::Deserialize)]
        struct History {
            event: Vec<measure::Event>,
        }
        let h: History = toml::from_str(&text).unwrap();
        measure::replay(id, &h.event).unwrap()
    }

    const A: &str = "T20261124-AAAAAA";
    const B: &str = "T20261124-BBBBBB";

    #[test]
    fn nothing_due_is_ok_and_silent() {
        let (p, sla) = policy();
        let tickets = [ticket(A, "2026-11-24T09:00", "II", "")];
        let r = check(&p, &sla, &tickets, vec![], at("2026-11-24T09:30"));
        assert!(r.is_empty());
        assert_eq!(r.severity(), Severity::Ok);
    }

    #[test]
    fn at_risk_warns_and_a_breach_outranks_it() {
        let (p, sla) = policy();
        let tickets = [ticket(A, "2026-11-24T09:00", "II", "")];
        let r = check(&p, &sla, &tickets, vec![], at("2026-11-24T10:30"));
        assert_eq!(r.severity(), Severity::Warning);
        assert_eq!(r.alerts[0].status.state, TimerState::AtRisk);
        assert_eq!(r.to_notify().count(), 1, "at risk is told too");
        assert_eq!(r.alerts[0].level(), NotifyLevel::AtRisk);

        let tickets = [
            ticket(A, "2026-11-24T09:00", "II", ""),
            ticket(B, "2026-11-24T11:00", "II", ""),
        ];
        let r = check(&p, &sla, &tickets, vec![], at("2026-11-24T12:30"));
        assert_eq!(r.severity(), Severity::Breach);
        // Most overdue first: A's respond is 90 minutes late, B's at risk.
        let order: Vec<(&str, TimerState)> = r
            .alerts
            .iter()
            .map(|x| (x.ticket.id.as_str(), x.status.state))
            .collect();
        assert_eq!(order, [(A, TimerState::Breached), (B, TimerState::AtRisk)]);
    }

    #[test]
    fn an_overdue_measure_is_a_warning_never_a_breach() {
        let (p, sla) = policy();
        let late = measure("M20261101-AAAAAA", "2026-11-20", "");
        let fine = measure("M20261101-BBBBBB", "2026-11-30", "");
        let r = check(&p, &sla, &[], vec![fine, late], at("2026-11-24T09:00"));
        assert_eq!(r.severity(), Severity::Warning);
        assert_eq!(r.overdue.len(), 1);
        assert_eq!(r.measures_to_notify().count(), 1);
        let rows = r.rows(false);
        assert_eq!(rows.rows[0][1], MEASURE_TIMER);
        assert_eq!(rows.rows[0][11], "li", "the owner is told as the assignee");

        let told = "\n[[event]]\nat = 2026-11-21T09:00:00+08:00\nby = \"svcdesk\"\naction = \"notified\"\ntext = \"overdue\"\n";
        let late = measure("M20261101-AAAAAA", "2026-11-20", told);
        let r = check(&p, &sla, &[], vec![late], at("2026-11-24T09:00"));
        assert_eq!(r.measures_to_notify().count(), 0, "told once");
    }

    #[test]
    fn a_breach_already_told_is_not_told_again() {
        let (p, sla) = policy();
        let tickets = [
            ticket(
                A,
                "2026-11-24T09:00",
                "II",
                &notified("2026-11-24T11:05", "respond"),
            ),
            ticket(B, "2026-11-24T09:00", "II", ""),
        ];
        let r = check(&p, &sla, &tickets, vec![], at("2026-11-24T12:00"));
        let told: Vec<&str> = r.to_notify().map(|x| x.ticket.id.as_str()).collect();
        assert_eq!(told, [B]);
    }

    #[test]
    fn a_run_told_at_risk_is_told_again_once_breached() {
        let (p, sla) = policy();
        let warned = notified("2026-11-24T10:30", "respond") + "level = \"at-risk\"\n";
        let tickets = [ticket(A, "2026-11-24T09:00", "II", &warned)];
        let r = check(&p, &sla, &tickets, vec![], at("2026-11-24T10:40"));
        assert_eq!(r.alerts[0].status.state, TimerState::AtRisk);
        assert_eq!(r.to_notify().count(), 0, "at risk, told already");
        let r = check(&p, &sla, &tickets, vec![], at("2026-11-24T12:00"));
        let told: Vec<NotifyLevel> = r.to_notify().map(Alert::level).collect();
        assert_eq!(told, [NotifyLevel::Breach], "told of the breach once more");

        let breached = notified("2026-11-24T11:05", "respond") + "level = \"breach\"\n";
        let tickets = [ticket(A, "2026-11-24T09:00", "II", &breached)];
        let r = check(&p, &sla, &tickets, vec![], at("2026-11-24T12:00"));
        assert_eq!(r.to_notify().count(), 0);
    }

    #[test]
    fn escalation_goes_once_per_ticket_to_the_rule_s_person() {
        let (p, sla) = policy();
        let tickets = [
            ticket(A, "2026-11-22T09:00", "I", ""),
            ticket(
                B,
                "2026-11-22T09:00",
                "II",
                &assigned("2026-11-22T09:10", "sun"),
            ),
            ticket("T20261124-CCCCCC", "2026-11-22T09:00", "II", ""),
        ];
        // Both timers of every ticket are breached.
        let r = check(&p, &sla, &tickets, vec![], at("2026-11-24T12:00"));
        let rule = |grades: &[&str], timers: &[&str]| config::Escalation {
            to: "sun".into(),
            grades: grades.iter().map(|s| s.to_string()).collect(),
            timers: timers.iter().map(|s| s.to_string()).collect(),
        };
        let ids = |rule: &config::Escalation| -> Vec<(String, String)> {
            r.escalations(rule)
                .iter()
                .map(|x| (x.ticket.id.clone(), x.status.timer.clone()))
                .collect()
        };
        // B is sun's already; each other ticket once, for its most overdue timer.
        assert_eq!(
            ids(&rule(&[], &[])),
            [
                (A.to_string(), "respond".to_string()),
                ("T20261124-CCCCCC".into(), "respond".into())
            ]
        );
        assert_eq!(
            ids(&rule(&["I"], &[])),
            [(A.to_string(), "respond".to_string())]
        );
        assert_eq!(
            ids(&rule(&[], &["resolve"])),
            [
                (A.to_string(), "resolve".to_string()),
                ("T20261124-CCCCCC".into(), "resolve".into())
            ]
        );
    }

    #[test]
    fn status_counts_each_ticket_once_by_its_worst_alert() {
        let (p, _) = policy();
        let tickets = [
            ticket(A, "2026-11-24T09:00", "II", ""),
            ticket(B, "2026-11-24T11:00", "II", ""),
            ticket("T20261124-CCCCCC", "2026-11-24T12:00", "I", ""),
        ];
        let s = status(&p, &tickets, at("2026-11-24T12:30"));
        let key = |g: &str| ("-".to_string(), g.to_string());
        assert_eq!(s.groups[&key("II")], [2, 1, 1]);
        assert_eq!(s.groups[&key("I")], [1, 0, 0]);
        let rows = s.rows(true);
        assert_eq!(rows.rows.last().unwrap()[..3], ["total", "", "3"]);
    }
}
