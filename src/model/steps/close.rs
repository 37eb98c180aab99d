//! The end of a ticket's life: resolve, revisit (回访), close; and what to tell the person
//! who closes it or hears the customer's scores.

use super::open::{Files, attachments};
use super::{Stepped, step};
use crate::desk::{Desk, Id, When, Who};
use crate::error::Result;
use crate::model::ticket::{Action, Event};

/// Something the person taking a step should hear, though the step succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// Closed with no satisfaction and no revisit: the ledgers' satisfaction stays empty,
    /// which is allowed (a customer who cannot be reached) but rarely meant.
    ClosedUnrated,
    /// A revisit score at or below [`DISSATISFIED`]: the ticket may need reopening.
    Dissatisfied,
}

/// A revisit score (1–5) at or below this means the customer is not satisfied.
pub const DISSATISFIED: u8 = 2;

#[derive(Clone)]
pub struct Resolution {
    /// Measures taken and the result.
    pub text: String,
    pub parts: Option<String>,
    pub attachments: Files,
}

pub fn resolve(desk: &Desk, id: &Id, who: &Who, when: When, o: Resolution) -> Result<Stepped> {
    let files = attachments(desk, &o.attachments)?;
    step(desk, id, who, when, Action::Resolve, |e| {
        e.text = Some(o.text);
        e.parts = o.parts;
        e.files = files;
    })
}

/// Scores 1–5; `result` becomes the ticket's satisfaction.
#[derive(Clone)]
pub struct Revisit {
    pub efficiency: Option<u8>,
    pub attitude: Option<u8>,
    pub result: Option<u8>,
    /// The customer's comment.
    pub text: Option<String>,
}

pub fn revisit(desk: &Desk, id: &Id, who: &Who, when: When, o: Revisit) -> Result<Stepped> {
    let mut done = step(desk, id, who, when, Action::Revisit, |e| {
        e.efficiency = o.efficiency;
        e.attitude = o.attitude;
        e.result = o.result;
        e.text = o.text;
    })?;
    if dissatisfied(&done.event) {
        done.notice = Some(Notice::Dissatisfied);
    }
    Ok(done)
}

/// Whether a revisit scored anything at or below [`DISSATISFIED`].
pub fn dissatisfied(e: &Event) -> bool {
    [e.efficiency, e.attitude, e.result]
        .iter()
        .flatten()
        .any(|&s| s <= DISSATISFIED)
}

#[derive(Clone)]
pub struct Closing {
    /// Final satisfaction 1–5.
    pub satisfaction: Option<u8>,
    pub text: Option<String>,
    /// Why it closes although the customer is dissatisfied: required with a
    /// satisfaction at or below [`DISSATISFIED`] (「客户确认满意后,“关闭工单”」).
    pub reason: Option<String>,
}

/// A close scored at or below [`DISSATISFIED`] with no reason given: the usage error
/// (exit 2) `close` answers, before anything is written.
pub fn check_closing(o: &Closing) -> Result<()> {
    match o.satisfaction {
        Some(n) if n <= DISSATISFIED && o.reason.as_deref().is_none_or(|r| r.trim().is_empty()) => {
            Err(crate::error::Error::usage(
                format!(
                    "closing with satisfaction {n} (dissatisfied) needs --reason: a ticket closes once the customer confirms satisfaction"
                ),
                "say why it closes all the same (--reason TEXT), or keep it open: `ticket reopen`, another revisit",
            ))
        }
        _ => Ok(()),
    }
}

pub fn close(desk: &Desk, id: &Id, who: &Who, when: When, o: Closing) -> Result<Stepped> {
    check_closing(&o)?;
    let mut done = step(desk, id, who, when, Action::Close, |e| {
        e.satisfaction = o.satisfaction;
        e.text = o.text;
        e.reason = o.reason.map(|r| r.trim().to_string());
    })?;
    let t = &done.ticket;
    if t.satisfaction.is_none() && !t.event.iter().any(|e| e.action == Some(Action::Revisit)) {
        done.notice = Some(Notice::ClosedUnrated);
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_or_less_on_any_score_is_dissatisfied() {
        let scored = |efficiency, attitude, result| Event {
            efficiency,
            attitude,
            result,
            ..Event::default()
        };
        assert!(dissatisfied(&scored(Some(5), Some(2), Some(5))));
        assert!(dissatisfied(&scored(None, None, Some(1))));
        assert!(!dissatisfied(&scored(Some(3), Some(3), Some(3))));
        assert!(!dissatisfied(&scored(None, None, None)));
    }
}
