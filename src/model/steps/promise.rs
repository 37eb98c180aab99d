//! Promises to a customer (「在承諾的時間內回復給客戶」): each is a run of the built-in
//! `promise` timer, due at its time, kept by `resolve` or `promise --kept`; a new promise
//! replaces the running one.

use chrono::{DateTime, Utc};

use super::{Stepped, step};
use crate::desk::{Desk, Id, When, Who};
use crate::error::{Error, Result};
use crate::model::ticket::{Action, Event, Ticket};
use crate::model::ticket_store;

#[derive(Clone)]
pub enum Promise {
    /// A promise made: what, and by when.
    Made { by: DateTime<Utc>, what: String },
    /// The running promise was kept now, with an optional word on how.
    Kept { text: Option<String> },
}

pub fn promise(desk: &Desk, id: &Id, who: &Who, when: When, o: Promise) -> Result<Stepped> {
    match o {
        Promise::Made { by, what } => step(desk, id, who, when, Action::Promise, |e| {
            e.promised = Some(by.with_timezone(&desk.tz()).fixed_offset());
            e.text = Some(what);
        }),
        Promise::Kept { text } => {
            if pending(&ticket_store::load(desk, id)?).is_none() {
                return Err(Error::invalid_with_hint(
                    "no promise is pending on this ticket; nothing to keep",
                    "make one with `ticket promise ID --by TIME --what TEXT`",
                ));
            }
            step(desk, id, who, when, Action::Promise, |e| {
                e.kept = true;
                e.text = text;
            })
        }
    }
}

/// The promise still running: the latest made, if no `resolve` or keeping came after it.
pub fn pending(t: &Ticket) -> Option<&Event> {
    let mut running = None;
    for e in &t.event {
        match e.action {
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
}
