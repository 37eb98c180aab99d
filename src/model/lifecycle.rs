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
use super::steps::{self, Batch, Closing, Stepped};
use super::ticket::{Action, Ticket};
use super::ticket_store;
use crate::config::Lifecycle;
use crate::desk::{Desk, Id, When, Who};
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

/// What `apply` did (or, dry, would do) to each due ticket.
pub struct Applied {
    pub due: DueClose,
    pub result: Result<Stepped>,
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
    let due = close_due(after, &calendar, &resolved, now);
    let ids: Vec<Id> = due.iter().filter_map(|d| Id::parse(&d.id)).collect();
    let who = Who {
        by: SYSTEM_ACTOR.into(),
        entered_by: None,
    };
    let how = Batch {
        dry_run,
        atomic: false,
    };
    let text = format!("closed by [lifecycle]: resolved {after} ago with no answer from the customer");
    let mut results = steps::each(desk, &ids, how, |id| {
        let o = Closing {
            satisfaction: None,
            text: Some(text.clone()),
        };
        steps::close(desk, id, &who, When::NowIs(now), o)
    })?
    .into_iter();
    Ok(due
        .into_iter()
        .filter_map(|d| {
            let (_, result) = results.next()?;
            Some(Applied { due: d, result })
        })
        .collect())
}
