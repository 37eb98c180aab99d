//! Collaboration: asking another department for help, and recording its answer.

use chrono::NaiveDate;

use super::{Stepped, step};
use crate::desk::{Desk, Id, When, Who};
use crate::error::Result;
use crate::model::ticket::{Action, Ticket};
use crate::model::ticket_store;

#[derive(Clone)]
pub struct Collab {
    /// The department asked.
    pub department: String,
    /// What is needed.
    pub need: String,
    /// By when.
    pub due: Option<NaiveDate>,
}

pub fn collab(desk: &Desk, id: &Id, who: &Who, when: When, o: Collab) -> Result<Stepped> {
    step(desk, id, who, when, Action::Collab, |e| {
        e.department = Some(o.department);
        e.need = Some(o.need);
        e.due = o.due;
    })
}

#[derive(Clone)]
pub struct Reply {
    /// Which collab request (1 = the first) this answers; None: the latest.
    pub request: Option<u32>,
    /// The other department's answer.
    pub text: String,
}

pub fn reply(desk: &Desk, id: &Id, who: &Who, when: When, o: Reply) -> Result<Stepped> {
    let request = request_answered(&ticket_store::load(desk, id)?, o.request);
    step(desk, id, who, when, Action::CollabReply, |e| {
        e.request = request;
        e.text = Some(o.text);
    })
}

/// The collab request a reply answers: the one asked for, else the latest (requests are
/// numbered from 1 in the order they were made); none when none was made.
pub fn request_answered(t: &Ticket, asked: Option<u32>) -> Option<u32> {
    let made = t
        .event
        .iter()
        .filter(|e| e.action == Some(Action::Collab))
        .count() as u32;
    asked.or((made > 0).then_some(made))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ticket::Event;

    fn with(actions: &[Action]) -> Ticket {
        Ticket {
            event: actions
                .iter()
                .map(|&a| Event {
                    action: Some(a),
                    ..Event::default()
                })
                .collect(),
            ..Ticket::default()
        }
    }

    #[test]
    fn a_reply_answers_the_latest_request_unless_told_which() {
        let t = with(&[
            Action::Open,
            Action::Collab,
            Action::CollabReply,
            Action::Collab,
        ]);
        assert_eq!(request_answered(&t, None), Some(2));
        assert_eq!(request_answered(&t, Some(1)), Some(1));
        assert_eq!(request_answered(&with(&[Action::Open]), None), None);
    }
}
