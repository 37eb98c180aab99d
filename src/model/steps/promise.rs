//! Promises to a customer (「在承諾的時間內回復給客戶」): each is a run of the built-in
//! `promise` timer, due at its time, kept by `resolve` or `promise --kept`; a new promise
//! replaces the running one.

use chrono::{DateTime, Utc};

use super::{Stepped, event, step};
use crate::desk::{Desk, Id, When, Who};
use crate::error::{Error, Result};
use crate::model::ticket::{Action, Event, Ticket};
use crate::model::ticket_store;

#[derive(Clone)]
pub enum Promise {
    /// A promise made: what, and by when; with `appointment`, a site visit agreed on
    /// (the built-in `appointment` timer's run, not the `promise` timer's).
    Made {
        by: DateTime<Utc>,
        what: Option<String>,
        appointment: bool,
    },
    /// The running promise (with `appointment`, the running appointment: the engineer
    /// arrived) was kept now, with an optional word on how.
    Kept {
        text: Option<String>,
        appointment: bool,
    },
}

/// A promise made along with another step (`respond --promise`, `plan --promise`): by
/// when, and what (the step's own words when `None`).
#[derive(Clone, Debug)]
pub struct Promised {
    pub by: DateTime<Utc>,
    pub what: Option<String>,
}

pub fn promise(desk: &Desk, id: &Id, who: &Who, when: When, o: Promise) -> Result<Stepped> {
    match o {
        Promise::Made {
            by,
            what,
            appointment,
        } => step(desk, id, who, when, Action::Promise, |e| {
            e.promised = Some(by.with_timezone(&desk.tz()).fixed_offset());
            e.text = what;
            e.appointment = appointment;
        }),
        Promise::Kept { text, appointment } => {
            if pending_of(&ticket_store::load(desk, id)?, appointment).is_none() {
                return Err(if appointment {
                    Error::invalid_with_hint(
                        "no appointment is pending on this ticket; nothing to keep",
                        "make one with `ticket promise ID --appointment --by TIME`",
                    )
                } else {
                    Error::invalid_with_hint(
                        "no promise is pending on this ticket; nothing to keep",
                        "make one with `ticket promise ID --by TIME --what TEXT`",
                    )
                });
            }
            step(desk, id, who, when, Action::Promise, |e| {
                e.kept = true;
                e.text = text;
                e.appointment = appointment;
            })
        }
    }
}

/// The `promise` event made with `step` (already built): by `p.by`, promising `p.what`
/// or else the step's own words. It follows the step in the same write, so the
/// `promise` timer sees it exactly as a `ticket promise`.
pub(super) fn made_with(desk: &Desk, who: &Who, step: &Event, p: &Promised) -> Result<Event> {
    let what = p
        .what
        .clone()
        .or_else(|| step.text.clone())
        .map(|w| w.trim().to_string())
        .filter(|w| !w.is_empty())
        .ok_or_else(|| {
            Error::usage(
                "--promise needs what was promised: the step has no words of its own",
                "add --promise-what TEXT",
            )
        })?;
    let mut e = event(desk, who, DateTime::UNIX_EPOCH, Action::Promise);
    e.promised = Some(p.by.with_timezone(&desk.tz()).fixed_offset());
    e.text = Some(what);
    Ok(e)
}

/// The promise still running: the latest made, if no `resolve` or keeping came after it.
pub fn pending(t: &Ticket) -> Option<&Event> {
    pending_of(t, false)
}

/// The promise (or, with `appointment`, the site visit) still running: the latest made
/// of that kind, if no `resolve` or keeping of that kind came after it.
pub fn pending_of(t: &Ticket, appointment: bool) -> Option<&Event> {
    let mut running = None;
    for e in &t.event {
        match e.action {
            Some(Action::Promise) if e.appointment != appointment => {}
            Some(Action::Promise) if e.kept => running = None,
            Some(Action::Promise) if e.promised.is_some() => running = Some(e),
            Some(Action::Resolve) => running = None,
            _ => {}
        }
    }
    running
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(action: Action, made: bool, kept: bool) -> Event {
        Event {
            action: Some(action),
            promised: made.then(|| DateTime::UNIX_EPOCH.fixed_offset()),
            kept,
            ..Event::default()
        }
    }

    #[test]
    fn a_promise_is_pending_until_kept_or_resolved() {
        let mut t = Ticket {
            event: vec![
                ev(Action::Open, false, false),
                ev(Action::Promise, true, false),
            ],
            ..Ticket::default()
        };
        assert!(pending(&t).is_some());
        t.event.push(ev(Action::Promise, false, true));
        assert!(pending(&t).is_none());
        t.event.push(ev(Action::Promise, true, false));
        assert!(pending(&t).is_some());
        t.event.push(ev(Action::Resolve, false, false));
        assert!(pending(&t).is_none());
    }

    #[test]
    fn an_appointment_runs_apart_from_the_promise() {
        let appointment = |made, kept| Event {
            appointment: true,
            ..ev(Action::Promise, made, kept)
        };
        let mut t = Ticket {
            event: vec![ev(Action::Open, false, false), appointment(true, false)],
            ..Ticket::default()
        };
        assert!(pending(&t).is_none());
        assert!(pending_of(&t, true).is_some());
        t.event.push(ev(Action::Promise, true, false));
        // Keeping the promise does not keep the appointment, nor the other way round.
        t.event.push(ev(Action::Promise, false, true));
        assert!(pending(&t).is_none() && pending_of(&t, true).is_some());
        t.event.push(ev(Action::Promise, true, false));
        t.event.push(appointment(false, true));
        assert!(pending(&t).is_some() && pending_of(&t, true).is_none());
    }
}
