//! A site visit's two timers, as runs of the same shape as a ticket's ([`TimerStatus`]),
//! so `visit show` and `sla check` report them like any other:
//!
//! - `appointment`: every `schedule` starts a run due at the appointment time; the
//!   engineer's arrival (`visit start`) stops it, met when on time, breached when late.
//!   A new `schedule` before the time restarts it (a moved appointment is not a broken
//!   one); after the time, the missed appointment stays breached.
//! - `site-escalation`: the arrival starts a run due 24 hours later
//!   (「必須在24小時內反饋回公司」); the first `visit escalate` stops it, met within 24 hours,
//!   breached after. A visit with nothing to escalate owes none: without an escalation
//!   the run is n/a once its 24 hours are over, and never an alert while it runs.
//!
//! Both count wall-clock time. Pure: no clock, no I/O.

use chrono::{DateTime, Duration, Utc};

use super::policy::{TimerState, TimerStatus};
use crate::model::visit::{Action, ESCALATE_WITHIN_HOURS, Visit};

pub const APPOINTMENT: &str = "appointment";
pub const SITE_ESCALATION: &str = "site-escalation";

fn run(
    timer: &str,
    run: usize,
    target: String,
    basis: &str,
    started: DateTime<Utc>,
    due: DateTime<Utc>,
) -> TimerStatus {
    TimerStatus {
        timer: timer.to_string(),
        run,
        target,
        basis: basis.to_string(),
        working: false,
        started,
        due,
        stopped: None,
        state: TimerState::Running,
        decided: None,
        elapsed: Duration::zero(),
        remaining: Duration::zero(),
        notified: false,
        warned: false,
        ladder: Vec::new(),
    }
}

/// Ends or evaluates `s`: stopped at `stop` (met or breached), or still running at `now`.
fn settle(mut s: TimerStatus, stop: Option<DateTime<Utc>>, now: DateTime<Utc>) -> TimerStatus {
    let end = stop.unwrap_or(now).max(s.started);
    s.elapsed = end - s.started;
    s.remaining = (s.due - s.started) - s.elapsed;
    s.stopped = stop;
    s.state = match stop {
        Some(t) if t <= s.due => TimerState::Met,
        Some(_) => TimerState::Breached,
        None if now > s.due => TimerState::Breached,
        None => TimerState::Running,
    };
    s.decided = match s.state {
        TimerState::Met => stop,
        TimerState::Breached => Some(stop.map_or(s.due, |t| t.min(s.due))),
        _ => None,
    };
    s
}

/// Every run of a visit's timers at `now`: appointments in order, then the escalation.
pub fn evaluate(v: &Visit, now: DateTime<Utc>) -> Vec<TimerStatus> {
    let mut out = Vec::new();
    let mut open: Option<TimerStatus> = None;
    for e in &v.event {
        let at = e.at.to_utc();
        match e.action {
            Action::Schedule => {
                let Some(when) = e.appointment else { continue };
                if let Some(prev) = open.take() {
                    // Ended by the new appointment: restarted before its time, else
                    // the missed appointment stays breached.
                    let mut s = settle(prev, None, at);
                    if s.state == TimerState::Running {
                        s.state = TimerState::Restarted;
                    }
                    s.stopped = Some(at);
                    out.push(s);
                }
                let n = out.len() + 1;
                open = Some(run(
                    APPOINTMENT,
                    n,
                    when.format("%Y-%m-%d %H:%M").to_string(),
                    APPOINTMENT,
                    at,
                    when.to_utc(),
                ));
            }
            Action::Start => {
                if let Some(prev) = open.take() {
                    out.push(settle(prev, Some(at), now));
                }
            }
            _ => {}
        }
    }
    if let Some(prev) = open {
        out.push(settle(prev, None, now));
    }
    if let Some(arrived) = v.arrived {
        let started = arrived.to_utc();
        let s = run(
            SITE_ESCALATION,
            1,
            format!("{ESCALATE_WITHIN_HOURS}h"),
            "arrival",
            started,
            started + Duration::hours(ESCALATE_WITHIN_HOURS),
        );
        let escalated = v.escalated.map(|t| t.to_utc());
        let mut s = settle(s, escalated, now);
        if escalated.is_none() && s.state == TimerState::Breached {
            // Nothing was found to escalate: none was owed.
            s.state = TimerState::NotApplicable;
            s.stopped = Some(s.due);
            s.decided = None;
        }
        out.push(s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::record::replay;
    use crate::model::report::ServiceType;
    use crate::model::visit::Event;
    use chrono::{FixedOffset, NaiveDate};

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(&format!("{s}:00+08:00")).unwrap()
    }

    fn visit(steps: &[(Action, &str, Option<&str>)]) -> Visit {
        let mut e = Event::new(at("2026-12-01T09:00"), "li", Action::Request);
        e.ticket = Some("T20261201-AAAAAA".into());
        e.customer = Some("C20261101-BBBBBB".into());
        e.service_type = Some(ServiceType::ProblemHandling);
        e.scope = Some("fix it".into());
        e.date = Some(NaiveDate::from_ymd_opt(2026, 12, 3).unwrap());
        let mut ev = vec![e];
        for (a, t, extra) in steps {
            let mut e = Event::new(at(t), "zhao", *a);
            match a {
                Action::Schedule => {
                    e.engineer = Some("wang".into());
                    e.appointment = extra.map(at);
                }
                Action::Escalate => {
                    e.to = Some("sun".into());
                    e.text = Some("cracked frame".into());
                }
                _ => {}
            }
            ev.push(e);
        }
        replay("V20261201-CCCCCC", &ev).unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        at(s).to_utc()
    }

    #[test]
    fn an_appointment_is_met_by_arriving_on_time_and_breached_by_arriving_late() {
        let base = [
            (Action::Approve, "2026-12-01T10:00", None),
            (
                Action::Schedule,
                "2026-12-01T11:00",
                Some("2026-12-03T09:00"),
            ),
        ];
        let v = visit(&base);
        let runs = evaluate(&v, utc("2026-12-02T09:00"));
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].state, TimerState::Running);
        let runs = evaluate(&v, utc("2026-12-03T09:01"));
        assert_eq!(runs[0].state, TimerState::Breached);
        assert!(runs[0].is_alert());

        let mut on_time = base.to_vec();
        on_time.push((Action::Start, "2026-12-03T08:50", None));
        let runs = evaluate(&visit(&on_time), utc("2026-12-04T09:00"));
        assert_eq!(runs[0].state, TimerState::Met);
        let mut late = base.to_vec();
        late.push((Action::Start, "2026-12-03T10:30", None));
        let runs = evaluate(&visit(&late), utc("2026-12-03T11:00"));
        assert_eq!(runs[0].state, TimerState::Breached);
        assert!(!runs[0].is_alert(), "ended late: history, not an alert");
    }

    #[test]
    fn a_moved_appointment_restarts_the_run() {
        let v = visit(&[
            (Action::Approve, "2026-12-01T10:00", None),
            (
                Action::Schedule,
                "2026-12-01T11:00",
                Some("2026-12-03T09:00"),
            ),
            (
                Action::Schedule,
                "2026-12-02T11:00",
                Some("2026-12-04T09:00"),
            ),
        ]);
        let runs = evaluate(&v, utc("2026-12-03T12:00"));
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].state, TimerState::Restarted);
        assert_eq!((runs[1].run, runs[1].state), (2, TimerState::Running));
    }

    #[test]
    fn the_site_escalation_is_due_within_24_hours_of_arrival() {
        let base = vec![
            (Action::Approve, "2026-12-01T10:00", None),
            (
                Action::Schedule,
                "2026-12-01T11:00",
                Some("2026-12-03T09:00"),
            ),
            (Action::Start, "2026-12-03T09:00", None),
        ];
        let mut within = base.clone();
        within.push((Action::Escalate, "2026-12-04T08:59", None));
        let runs = evaluate(&visit(&within), utc("2026-12-05T09:00"));
        assert_eq!(runs[1].timer, SITE_ESCALATION);
        assert_eq!(runs[1].state, TimerState::Met);
        let mut after = base.clone();
        after.push((Action::Escalate, "2026-12-04T09:01", None));
        let runs = evaluate(&visit(&after), utc("2026-12-05T09:00"));
        assert_eq!(runs[1].state, TimerState::Breached);
        // Nothing escalated: running, never an alert, then n/a.
        let none = visit(&base);
        let s = &evaluate(&none, utc("2026-12-03T20:00"))[1];
        assert_eq!(s.state, TimerState::Running);
        assert!(!s.is_alert());
        let s = &evaluate(&none, utc("2026-12-05T09:00"))[1];
        assert_eq!(s.state, TimerState::NotApplicable);
        assert!(!s.is_alert());
    }
}
