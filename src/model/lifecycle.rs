//! `[lifecycle]` rules that `sla check --apply` applies by itself: a ticket resolved
//! longer ago than `close_resolved_after`, with no answer from the customer since, is
//! closed by an ordinary `close` event by [`SYSTEM_ACTOR`] (`svcdesk`).
//!
//! The clock starts at the ticket's last `resolve`, or at a later `revisit` (the
//! customer's answer: scores or a comment) when there is one: a customer who answered
//! gets the whole time again. A revisit scored 2 or less, or compensation awaiting
//! finance or the general manager, keeps the ticket open: a person decides.

use chrono::{DateTime, Utc};

use super::record::SYSTEM_ACTOR;
use super::steps::{self, Batch};
use super::ticket::{Action, Event, Ticket};
use super::ticket_store;
use crate::config::Lifecycle;
use crate::desk::{Desk, Id, When};
use crate::error::{Error, Result};
use crate::time::{Calendar, Target};
use crate::vocab::{CompState, State};

/// A resolved ticket the rule closes, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueClose {
    pub id: String,
    /// When its clock started: the resolve, or the customer's later answer.
    pub since: DateTime<Utc>,
    /// When it became due: `since` plus the target.
    pub due: DateTime<Utc>,
}

/// The resolved tickets of `tickets` due to be closed at `now` under `after`, in ID order.
pub fn close_due(
    after: &Target,
    calendar: &Calendar,
    tickets: &[Ticket],
    now: DateTime<Utc>,
) -> Vec<DueClose> {
    let mut due: Vec<DueClose> = tickets
        .iter()
        .filter_map(|t| {
            let since = clock_start(t)?;
            let due = after.due(calendar, since);
            (due <= now).then(|| DueClose {
                id: t.id.clone(),
                since,
                due,
            })
        })
        .collect();
    due.sort_by(|a, b| a.id.cmp(&b.id));
    due
}

/// When a resolved ticket's clock started, or None when the rule leaves it alone.
fn clock_start(t: &Ticket) -> Option<DateTime<Utc>> {
    if t.state() != State::Resolved
        || matches!(
            t.compensation,
            Some(CompState::Requested | CompState::Reviewed)
        )
    {
        return None;
    }
    let resolved = t
        .event
        .iter()
        .rposition(|e| e.action == Some(Action::Resolve))?;
    let answers = t.event[resolved..]
        .iter()
        .filter(|e| e.action == Some(Action::Revisit));
    let mut since = t.event[resolved].at;
    for e in answers {
        if steps::dissatisfied(e) {
            return None;
        }
        since = since.max(e.at);
    }
    Some(since.with_timezone(&Utc))
}

/// A ticket `apply` closed: as it now stands, and the close event as recorded.
pub struct Closed {
    pub ticket: Ticket,
    pub event: Event,
}

/// What `apply` did (or, dry, would do) to each due ticket.
pub struct Applied {
    pub due: DueClose,
    pub result: Result<Closed>,
}

/// Closes every ticket the desk's `[lifecycle]` rule makes due at `now`, under one desk
/// lock; with `dry_run` each close is only checked and no byte is written. An empty
/// list when the desk has no `[lifecycle]` rule.
pub fn apply(desk: &Desk, now: DateTime<Utc>, dry_run: bool) -> Result<Vec<Applied>> {
    let rule: &Lifecycle = &desk.config.lifecycle;
    let Some(after) = &rule.close_resolved_after else {
        return Ok(Vec::new());
    };
    let calendar = desk
        .config
        .calendar()
        .map_err(|e| Error::invalid(format!("svcdesk.toml [calendar]: {e}")))?;
    let resolved = ticket_store::load_where(desk, |t| t.state() == State::Resolved)?;
    // A stored ticket's ID always parses; one that did not could not be stepped on.
    let due: Vec<(Id, DueClose)> = close_due(after, &calendar, &resolved, now)
        .into_iter()
        .filter_map(|d| Some((Id::parse(&d.id)?, d)))
        .collect();
    let ids: Vec<Id> = due.iter().map(|(id, _)| id.clone()).collect();
    let how = Batch {
        dry_run,
        atomic: false,
    };
    let text =
        format!("closed by [lifecycle]: resolved {after} ago with no answer from the customer");
    // Decided again on the ticket as it stands under the lock: a customer's answer or a
    // reopen that came in since it was read keeps it open.
    let results = steps::each(desk, &ids, how, |id| {
        let (ticket, mut events) = ticket_store::append_all(desk, id, When::NowIs(now), |t| {
            if close_due(after, &calendar, std::slice::from_ref(t), now).is_empty() {
                return Err(Error::invalid(
                    "no longer due to close: it changed meanwhile",
                ));
            }
            let mut e = Event {
                at: desk.local(now),
                by: SYSTEM_ACTOR.into(),
                action: Some(Action::Close),
                ..Event::default()
            };
            e.text = Some(text.clone());
            Ok(vec![e])
        })?;
        let event = events.pop().expect("one close appended");
        Ok(Closed { ticket, event })
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

    fn due(t: &Ticket, now: &str) -> Vec<DueClose> {
        let calendar =
            Calendar::new(chrono_tz::Asia::Shanghai, &CalendarConfig::default()).unwrap();
        let after = Target::parse("5wd").unwrap();
        close_due(&after, &calendar, std::slice::from_ref(t), at(now))
    }

    #[test]
    fn five_working_days_skip_the_weekend() {
        let t = resolved(vec![]);
        assert!(due(&t, "2026-12-10T09:59").is_empty());
        let d = due(&t, "2026-12-10T10:00");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].since, at("2026-12-03T10:00"));
        assert_eq!(d[0].due, at("2026-12-10T10:00"));
    }

    #[test]
    fn a_revisit_restarts_the_clock_and_a_low_score_stops_it() {
        let mut answer = ev(Action::Revisit, "2026-12-08T14:00");
        answer.text = Some("still watching it".into());
        let t = resolved(vec![answer.clone()]);
        assert!(due(&t, "2026-12-10T10:00").is_empty());
        assert_eq!(due(&t, "2026-12-15T14:00")[0].since, at("2026-12-08T14:00"));
        let mut low = answer;
        low.result = Some(2);
        assert!(due(&resolved(vec![low]), "2027-01-30T10:00").is_empty());
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
}
