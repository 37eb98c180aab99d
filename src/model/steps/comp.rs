//! Compensation (补偿/赔款): request, finance review, the general manager's decision.
//! Who may take each step is `ticket_store::required_roles`; the order, `ticket::apply`.

use super::{Stepped, step};
use crate::desk::{Desk, Id, When, Who};
use crate::error::Result;
use crate::model::ticket::{Action, CompKind};

#[derive(Clone)]
pub struct CompRequest {
    /// A positive amount with at most two decimals (`ticket::valid_amount`).
    pub amount: String,
    /// A currency code, any case.
    pub currency: String,
    pub kind: CompKind,
    pub reason: Option<String>,
    /// Why a request outside the grade's rules (`[compensation.grades]`) is made anyway:
    /// it then needs the general manager's approval.
    pub exception: Option<String>,
}

pub fn comp_request(
    desk: &Desk,
    id: &Id,
    who: &Who,
    when: When,
    o: CompRequest,
) -> Result<Stepped> {
    step(desk, id, who, when, Action::CompRequest, |e| {
        e.amount = Some(o.amount.trim().to_string());
        e.currency = Some(o.currency.trim().to_uppercase());
        e.comp_kind = Some(o.kind);
        e.reason = o.reason;
        e.exception = o
            .exception
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty());
    })
}

pub fn comp_review(
    desk: &Desk,
    id: &Id,
    who: &Who,
    when: When,
    text: Option<String>,
) -> Result<Stepped> {
    step(desk, id, who, when, Action::CompReview, |e| e.text = text)
}

pub fn comp_reject(
    desk: &Desk,
    id: &Id,
    who: &Who,
    when: When,
    text: Option<String>,
) -> Result<Stepped> {
    step(desk, id, who, when, Action::CompReject, |e| e.text = text)
}
