//! What `sla check --apply` does by itself, each change an ordinary event by
//! [`SYSTEM_ACTOR`] (`svcdesk`):
//!
//! - `[lifecycle] close_resolved_after`: a ticket resolved longer ago than that, with no
//!   answer from the customer since, is closed (`close`). The clock starts at the
//!   ticket's last `resolve`, or at a later `revisit` (the customer's answer: scores or a
//!   comment) when there is one: a customer who answered gets the whole time again. A
//!   revisit scored 2 or less, or compensation awaiting finance or the general manager,
//!   keeps the ticket open: a person decides.
//! - A close that `[review]` holds until the department head approves is not taken.
//! - `ticket wait --until DATE` (the wait event's `due`): once DATE has begun in desk
//!   time, the waiting ticket is resumed (`resume`), or with `--then close` closed
//!   (`close`; compensation awaiting a decision keeps it waiting). Needs no
//!   `[lifecycle]` section.
//! - `[lifecycle] remind_waiting_after`: a ticket waiting longer than that, counted from
//!   its `wait` or the customer's last reply since, is told of once per wait: a
//!   `waiting-reminder` event by svcdesk (its hooks tell people; the event makes it once).
//!
//! What counts as the customer's reply is [`customer_replied`], the one place.

use chrono::{DateTime, NaiveDate, Utc};

use super::record::SYSTEM_ACTOR;
use super::steps::{self, Batch};
use super::ticket::{Action, Event, Ticket};
use super::ticket_store;
use crate::desk::{Desk, Id, When};
use crate::error::{Error, Result};
use crate::time::{Calendar, Target};
use crate::vocab::{CompState, State, WaitThen};

/// A change a ticket is due for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Resolved long enough: `since` the resolve or the customer's later answer, `due`
    /// that plus the target.
    Close {
        since: DateTime<Utc>,
        due: DateTime<Utc>,
    },
    /// Waited until this day, which has begun.
    Resume { until: NaiveDate },
    /// Waited until this day, which has begun, to be closed then (`wait --then close`).
    CloseWait { until: NaiveDate },
    /// Waiting longer than `remind_waiting_after`: `since` the wait or the customer's
    /// later reply, `due` that plus the target.
    Remind {
        since: DateTime<Utc>,
        due: DateTime<Utc>,
    },
}

/// What `sla check --apply` applies: the `[lifecycle]` targets (None: that rule is off).
#[derive(Debug, Clone, Copy, Default)]
pub struct Rules<'a> {
    pub close_resolved_after: Option<&'a Target>,
    pub remind_waiting_after: Option<&'a Target>,
}

/// Whether `e` is the customer's answer: it restarts the lifecycle clocks.
pub fn customer_replied(e: &Event) -> bool {
    matches!(e.action, Some(Action::Revisit | Action::CustomerReply))
}

/// A ticket and the change it is due for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub id: String,
    pub change: Change,
}

/// The changes `tickets` are due for at `now`, in ID order: closes under
/// `close_resolved_after`, ends of waits whose `--until` day has begun, reminders under
/// `remind_waiting_after`.
pub fn due(rules: Rules, calendar: &Calendar, tickets: &[Ticket], now: DateTime<Utc>) -> Vec<Due> {
    let mut due: Vec<Due> = tickets
        .iter()
        .filter_map(|t| {
            let change = match t.state() {
                State::Resolved => {
                    let after = rules.close_resolved_after?;
                    let since = clock_start(t)?;
                    let due = after.due(calendar, since);
                    (due <= now).then_some(Change::Close { since, due })?
                }
                State::Waiting => waiting(rules, calendar, t, now)?,
                _ => return None,
            };
            Some(Due {
                id: t.id.clone(),
                change,
            })
        })
        .collect();
    due.sort_by(|a, b| a.id.cmp(&b.id));
    due
}

/// What a waiting ticket is due for: the end of its wait, else a reminder.
fn waiting(rules: Rules, calendar: &Calendar, t: &Ticket, now: DateTime<Utc>) -> Option<Change> {
    let at = t
        .event
        .iter()
        .rposition(|e| e.action == Some(Action::Wait))?;
    let wait = &t.event[at];
    if let Some(until) = wait.due
        && now.with_timezone(&calendar.tz()).date_naive() >= until
    {
        return match wait.then {
            Some(WaitThen::Close) if !compensation_pending(t) => Some(Change::CloseWait { until }),
            Some(WaitThen::Close) => None,
            _ => Some(Change::Resume { until }),
        };
    }
    let after = rules.remind_waiting_after?;
    let later = &t.event[at + 1..];
    if later
        .iter()
        .any(|e| e.action == Some(Action::WaitingReminder))
    {
        return None;
    }
    let since = later
        .iter()
        .filter(|e| customer_replied(e))
        .map(|e| e.at)
        .fold(wait.at, DateTime::max)
        .with_timezone(&Utc);
    let due = after.due(calendar, since);
    (due <= now).then_some(Change::Remind { since, due })
}

fn compensation_pending(t: &Ticket) -> bool {
    matches!(
        t.compensation,
        Some(CompState::Requested | CompState::Reviewed)
    )
}

/// When a resolved ticket's clock started, or None when the rule leaves it alone.
fn clock_start(t: &Ticket) -> Option<DateTime<Utc>> {
    if compensation_pending(t) {
        return None;
    }
    let resolved = t
        .event
        .iter()
        .rposition(|e| e.action == Some(Action::Resolve))?;
    let answers = t.event[resolved..].iter().filter(|e| customer_replied(e));
    let mut since = t.event[resolved].at;
    for e in answers {
        if steps::dissatisfied(e) {
            return None;
        }
        since = since.max(e.at);
    }
    Some(since.with_timezone(&Utc))
}

/// Whether `t` is waiting on its customer: `waiting`, and its last `wait` was for the
/// customer (`--for customer ...`, or 客户), so that the customer's answer resumes it.
pub fn waiting_on_customer(t: &Ticket) -> bool {
    t.state() == State::Waiting
        && t.event
            .iter()
            .rev()
            .find(|e| e.action == Some(Action::Wait))
            .and_then(|e| e.reason.as_deref())
            .is_some_and(|r| {
                let r = r.trim().to_lowercase();
                r.starts_with("customer") || r.contains("客户") || r.contains("顾客")
            })
}

/// A ticket `apply` changed: as it now stands, and the event as recorded.
pub struct Changed {
    pub ticket: Ticket,
    pub event: Event,
}

/// What `apply` did (or, dry, would do) to each ticket due for a change.
pub struct Applied {
    pub due: Due,
    pub result: Result<Changed>,
}

/// Takes every change the desk's tickets are due for at `now`, under one desk lock;
/// with `dry_run` each is only checked and no byte is written.
pub fn apply(desk: &Desk, now: DateTime<Utc>, dry_run: bool) -> Result<Vec<Applied>> {
    let lifecycle = &desk.config.lifecycle;
    let rules = Rules {
        close_resolved_after: lifecycle.close_resolved_after.as_ref(),
        remind_waiting_after: lifecycle.remind_waiting_after.as_ref(),
    };
    let after = rules.close_resolved_after;
    let calendar = desk
        .config
        .calendar()
        .map_err(|e| Error::invalid(format!("svcdesk.toml [calendar]: {e}")))?;
    // A close `[review]` holds is left to the head: a person decides.
    let review = desk.config.review.as_ref();
    let held = |t: &Ticket| {
        t.state() == State::Resolved
            && steps::review_rule(review, t).is_some_and(|r| r.before() == Action::Close)
            && steps::review_pending(review, t)
    };
    // Only resolved and waiting tickets can be due, and each is decided as it is read,
    // so memory follows the changes, not the desk.
    let mut due: Vec<(Id, Due)> = Vec::new();
    ticket_store::scan(
        desk,
        false,
        |f| matches!(f.state, State::Resolved | State::Waiting),
        |t| {
            if held(&t) {
                return None;
            }
            // A stored ticket's ID always parses; one that did not could not be stepped on.
            let d = self::due(rules, &calendar, std::slice::from_ref(&t), now).pop()?;
            Some((Id::parse(&d.id)?, d))
        },
        |part| {
            due.extend(part);
            Ok(())
        },
    )?;
    // As `due` orders its answer, whatever order the scan's parts come in.
    due.sort_by(|a, b| a.1.id.cmp(&b.1.id));
    let ids: Vec<Id> = due.iter().map(|(id, _)| id.clone()).collect();
    let how = Batch {
        dry_run,
        atomic: false,
    };
    // Decided again on the ticket as it stands under the lock: a customer's answer or a
    // step that came in since it was read keeps it as it is.
    let results = steps::each(desk, &ids, how, |id| {
        let (ticket, mut events) = ticket_store::append_all(desk, id, When::NowIs(now), |t| {
            let Some(d) = self::due(rules, &calendar, std::slice::from_ref(t), now).pop() else {
                return Err(Error::invalid("no longer due: it changed meanwhile"));
            };
            let (action, text) = match d.change {
                Change::Close { .. } => (
                    Action::Close,
                    format!(
                        "closed by [lifecycle]: resolved {} ago with no answer from the customer",
                        after.map(ToString::to_string).unwrap_or_default()
                    ),
                ),
                Change::Resume { until } => {
                    (Action::Resume, format!("resumed: waited until {until}"))
                }
                Change::CloseWait { until } => (
                    Action::Close,
                    format!("closed: waited until {until} with no answer (wait --then close)"),
                ),
                Change::Remind { since, .. } => (
                    Action::WaitingReminder,
                    format!(
                        "waiting since {} ([lifecycle] remind_waiting_after = \"{}\")",
                        desk.local(since).format("%Y-%m-%d %H:%M"),
                        rules
                            .remind_waiting_after
                            .map(ToString::to_string)
                            .unwrap_or_default()
                    ),
                ),
            };
            let ends_wait = matches!(d.change, Change::CloseWait { .. });
            Ok(vec![Event {
                at: desk.local(now),
                by: SYSTEM_ACTOR.into(),
                action: Some(action),
                text: Some(text),
                then: ends_wait.then_some(WaitThen::Close),
                ..Event::default()
            }])
        })?;
        let event = events.pop().expect("one step appended");
        Ok(Changed { ticket, event })
    })?
    .into_iter()
    .map(|(_, result)| result);
    Ok(due
        .into_iter()
        .zip(results)
        .map(|((_, due), result)| Applied { due, result })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ticket::replay;
    use crate::time::CalendarConfig;
    use chrono::DateTime;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("{s}:00+08:00"))
            .unwrap()
            .with_timezone(&Utc)
    }

    fn ev(action: Action, when: &str) -> Event {
        Event {
            at: DateTime::parse_from_rfc3339(&format!("{when}:00+08:00")).unwrap(),
            by: "li".into(),
            action: Some(action),
            ..Event::default()
        }
    }

    /// A ticket resolved on Thursday 2026-12-03 10:00, then `later` events.
    fn resolved(later: Vec<Event>) -> Ticket {
        let mut open = ev(Action::Open, "2026-12-02T09:00");
        open.customer = Some("C20261202-AAAAAA".into());
        open.category = Some("complaint".into());
        let mut assign = ev(Action::Assign, "2026-12-02T09:00");
        assign.assignee = Some("li".into());
        let mut resolve = ev(Action::Resolve, "2026-12-03T10:00");
        resolve.text = Some("fixed".into());
        let mut all = vec![
            open,
            assign,
            ev(Action::Accept, "2026-12-02T09:00"),
            resolve,
        ];
        all.extend(later);
        replay("T20261202-BBBBBB", &all).unwrap()
    }

    fn calendar() -> Calendar {
        Calendar::new(chrono_tz::Asia::Shanghai, &CalendarConfig::default()).unwrap()
    }

    /// When `t` is due to close at `now` under 5wd: (since, due).
    fn due(t: &Ticket, now: &str) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let after = Target::parse("5wd").unwrap();
        let rules = Rules {
            close_resolved_after: Some(&after),
            ..Rules::default()
        };
        super::due(rules, &calendar(), std::slice::from_ref(t), at(now))
            .into_iter()
            .map(|d| match d.change {
                Change::Close { since, due } => (since, due),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn five_working_days_skip_the_weekend() {
        let t = resolved(vec![]);
        assert!(due(&t, "2026-12-10T09:59").is_empty());
        let d = due(&t, "2026-12-10T10:00");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0], (at("2026-12-03T10:00"), at("2026-12-10T10:00")));
    }

    #[test]
    fn a_revisit_restarts_the_clock_and_a_low_score_stops_it() {
        let mut answer = ev(Action::Revisit, "2026-12-08T14:00");
        answer.text = Some("still watching it".into());
        let t = resolved(vec![answer.clone()]);
        assert!(due(&t, "2026-12-10T10:00").is_empty());
        assert_eq!(due(&t, "2026-12-15T14:00")[0].0, at("2026-12-08T14:00"));
        let mut low = answer;
        low.result = Some(2);
        assert!(due(&resolved(vec![low]), "2027-01-30T10:00").is_empty());
    }

    #[test]
    fn a_customer_reply_restarts_the_clock_like_a_revisit() {
        let mut reply = ev(Action::CustomerReply, "2026-12-08T14:00");
        reply.text = Some("still leaking".into());
        let t = resolved(vec![reply]);
        assert!(due(&t, "2026-12-10T10:00").is_empty());
        assert_eq!(due(&t, "2026-12-15T14:00")[0].0, at("2026-12-08T14:00"));
    }

    #[test]
    fn only_a_wait_for_the_customer_is_waiting_on_the_customer() {
        for (reason, on_customer) in [
            ("customer", true),
            ("Customer: photos", true),
            ("等客户回复", true),
            ("parts", false),
        ] {
            let mut t = resolved(vec![]);
            t.state = Some(State::Waiting);
            let mut wait = ev(Action::Wait, "2026-12-04T16:00");
            wait.reason = Some(reason.into());
            t.event.push(wait);
            assert_eq!(waiting_on_customer(&t), on_customer, "{reason}");
        }
        assert!(!waiting_on_customer(&resolved(vec![])));
    }

    #[test]
    fn pending_compensation_and_other_states_are_left_alone() {
        let mut t = resolved(vec![]);
        t.compensation = Some(CompState::Requested);
        assert!(due(&t, "2027-01-30T10:00").is_empty());
        t.compensation = Some(CompState::Approved);
        assert_eq!(due(&t, "2027-01-30T10:00").len(), 1);
        t.state = Some(State::Closed);
        assert!(due(&t, "2027-01-30T10:00").is_empty());
    }

    #[test]
    fn a_long_wait_is_reminded_once_counted_from_the_customers_last_reply() {
        let mut t = resolved(vec![]);
        t.state = Some(State::Waiting);
        t.event.push(ev(Action::Wait, "2026-12-04T16:00"));
        let after = Target::parse("3wd").unwrap();
        let rules = Rules {
            remind_waiting_after: Some(&after),
            ..Rules::default()
        };
        let remind = |t: &Ticket, now: &str| {
            super::due(rules, &calendar(), std::slice::from_ref(t), at(now))
                .into_iter()
                .map(|d| d.change)
                .collect::<Vec<_>>()
        };
        // Friday 16:00 + 3wd: Wednesday 16:00.
        assert!(remind(&t, "2026-12-09T15:59").is_empty());
        let since = at("2026-12-04T16:00");
        let due = at("2026-12-09T16:00");
        assert_eq!(
            remind(&t, "2026-12-09T16:00"),
            [Change::Remind { since, due }]
        );
        // The customer's reply restarts the count.
        let mut replied = t.clone();
        let mut answer = ev(Action::Revisit, "2026-12-08T10:00");
        answer.text = Some("still broken".into());
        replied.event.push(answer);
        assert!(customer_replied(replied.event.last().unwrap()));
        assert!(remind(&replied, "2026-12-10T16:00").is_empty());
        assert_eq!(remind(&replied, "2026-12-11T10:00").len(), 1);
        // Once per wait.
        t.event
            .push(ev(Action::WaitingReminder, "2026-12-09T16:00"));
        assert!(remind(&t, "2027-01-30T10:00").is_empty());
    }

    #[test]
    fn a_wait_until_a_day_resumes_from_its_start_in_desk_time() {
        let mut t = resolved(vec![]);
        t.state = Some(State::Waiting);
        let mut wait = ev(Action::Wait, "2026-12-04T16:00");
        wait.due = Some("2026-12-07".parse().unwrap());
        t.event.push(wait);
        let resumes = |t: &Ticket, now: &str| {
            super::due(
                Rules::default(),
                &calendar(),
                std::slice::from_ref(t),
                at(now),
            )
        };
        assert!(resumes(&t, "2026-12-06T23:59").is_empty());
        let until = "2026-12-07".parse().unwrap();
        assert_eq!(
            resumes(&t, "2026-12-07T00:00")[0].change,
            Change::Resume { until }
        );
        // Without close_resolved_after nothing is closed.
        t.state = Some(State::Resolved);
        t.event.pop();
        assert!(resumes(&t, "2027-01-30T10:00").is_empty());
    }
}
