//! What `sla check --apply` does by itself, each change an ordinary event by
//! [`SYSTEM_ACTOR`] (`svcdesk`):
//!
//! - `[lifecycle] close_resolved_after`: a ticket resolved longer ago than that, with no
//!   answer from the customer since, is closed (`close`). The clock starts at the
//!   ticket's last `resolve`, or at a later `revisit` (the customer's answer: scores or a
//!   comment) when there is one: a customer who answered gets the whole time again. A
//!   revisit scored 2 or less, or compensation awaiting finance or the general manager,
//!   keeps the ticket open: a person decides.
//! - `ticket wait --until DATE` (the wait event's `due`): once DATE has begun in desk
//!   time, the waiting ticket is resumed (`resume`). Needs no `[lifecycle]` section.

use chrono::{DateTime, NaiveDate, Utc};

use super::record::SYSTEM_ACTOR;
use super::steps::{self, Batch};
use super::ticket::{Action, Event, Ticket};
use super::ticket_store;
use crate::desk::{Desk, Id, When};
use crate::error::{Error, Result};
use crate::time::{Calendar, Target};
use crate::vocab::{CompState, State};

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
}

/// A ticket and the change it is due for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub id: String,
    pub change: Change,
}

/// The changes `tickets` are due for at `now`, in ID order: closes under
/// `close_after` (none when None), resumes of waits whose `--until` day has begun.
pub fn due(
    close_after: Option<&Target>,
    calendar: &Calendar,
    tickets: &[Ticket],
    now: DateTime<Utc>,
) -> Vec<Due> {
    let mut due: Vec<Due> = tickets
        .iter()
        .filter_map(|t| {
            let change = match t.state() {
                State::Resolved => {
                    let after = close_after?;
                    let since = clock_start(t)?;
                    let due = after.due(calendar, since);
                    (due <= now).then_some(Change::Close { since, due })?
                }
                State::Waiting => {
                    let until = t
                        .event
                        .last()
                        .filter(|e| e.action == Some(Action::Wait))?
                        .due?;
                    let begun = now.with_timezone(&calendar.tz()).date_naive() >= until;
                    begun.then_some(Change::Resume { until })?
                }
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

/// When a resolved ticket's clock started, or None when the rule leaves it alone.
fn clock_start(t: &Ticket) -> Option<DateTime<Utc>> {
    if matches!(
        t.compensation,
        Some(CompState::Requested | CompState::Reviewed)
    ) {
        return None;
    }
    let resolved = t
        .event
        .iter()
        .rposition(|e| e.action == Some(Action::Resolve))?;
    let answers = t.event[resolved..].iter().filter(|e| customer_answered(e));
    let mut since = t.event[resolved].at;
    for e in answers {
        if steps::dissatisfied(e) {
            return None;
        }
        since = since.max(e.at);
    }
    Some(since.with_timezone(&Utc))
}

/// Whether `e` is the customer answering: a `revisit` (scores or a comment taken after
/// the resolve) or a `customer-reply` (a mail or form taken in by `intake`). The one
/// "customer replied" signal: after a resolve it restarts `close_resolved_after`.
pub fn customer_answered(e: &Event) -> bool {
    matches!(e.action, Some(Action::Revisit | Action::CustomerReply))
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
    let after = desk.config.lifecycle.close_resolved_after.as_ref();
    let calendar = desk
        .config
        .calendar()
        .map_err(|e| Error::invalid(format!("svcdesk.toml [calendar]: {e}")))?;
    let candidates = ticket_store::load_where(desk, |t| {
        matches!(t.state(), State::Resolved | State::Waiting)
    })?;
    // A stored ticket's ID always parses; one that did not could not be stepped on.
    let due: Vec<(Id, Due)> = due(after, &calendar, &candidates, now)
        .into_iter()
        .filter_map(|d| Some((Id::parse(&d.id)?, d)))
        .collect();
    let ids: Vec<Id> = due.iter().map(|(id, _)| id.clone()).collect();
    let how = Batch {
        dry_run,
        atomic: false,
    };
    // Decided again on the ticket as it stands under the lock: a customer's answer or a
    // step that came in since it was read keeps it as it is.
    let results = steps::each(desk, &ids, how, |id| {
        let (ticket, mut events) = ticket_store::append_all(desk, id, When::NowIs(now), |t| {
            let Some(d) = self::due(after, &calendar, std::slice::from_ref(t), now).pop() else {
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
            };
            Ok(vec![Event {
                at: desk.local(now),
                by: SYSTEM_ACTOR.into(),
                action: Some(action),
                text: Some(text),
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
        super::due(Some(&after), &calendar(), std::slice::from_ref(t), at(now))
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
    fn a_wait_until_a_day_resumes_from_its_start_in_desk_time() {
        let mut t = resolved(vec![]);
        t.state = Some(State::Waiting);
        let mut wait = ev(Action::Wait, "2026-12-04T16:00");
        wait.due = Some("2026-12-07".parse().unwrap());
        t.event.push(wait);
        let resumes =
            |t: &Ticket, now: &str| super::due(None, &calendar(), std::slice::from_ref(t), at(now));
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
