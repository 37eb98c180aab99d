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

/// One collaboration request of a ticket, as `ticket list --collab-to/--collab-open`
/// sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The department asked.
    pub department: String,
    /// A `collab-reply` answered it (its `request` number).
    pub answered: bool,
}

/// Every collab request of the ticket, numbered from 1 in history order.
pub fn requests(t: &Ticket) -> Vec<Request> {
    let answered: Vec<u32> = t
        .event
        .iter()
        .filter(|e| e.action == Some(Action::CollabReply))
        .filter_map(|e| e.request)
        .collect();
    t.event
        .iter()
        .filter(|e| e.action == Some(Action::Collab))
        .enumerate()
        .map(|(i, e)| Request {
            department: e.department.clone().unwrap_or_default(),
            answered: answered.contains(&(i as u32 + 1)),
        })
        .collect()
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

    #[test]
    fn requests_know_which_were_answered() {
        let mut t = with(&[
            Action::Open,
            Action::Collab,
            Action::Collab,
            Action::CollabReply,
        ]);
        t.event[1].department = Some("product".into());
        t.event[2].department = Some("quality".into());
        t.event[3].request = Some(2);
        let r = requests(&t);
        assert_eq!(
            (r[0].department.as_str(), r[0].answered),
            ("product", false)
        );
        assert_eq!((r[1].department.as_str(), r[1].answered), ("quality", true));
    }
}
