//! Resource coordination (资源协调) and the grade III chain: goods shipped by the
//! warehouse, their delivery, the legal review of a compensation plan, the lead of a
//! special team, and the plan told to the customer. Who may take each step is
//! `ticket_store::required_roles`; the config's rules (legal review before the GM) are
//! `ticket_store::authorize`; the order, `ticket::apply`.

use super::{Promised, Stepped, event, promise, promising, step};
use crate::desk::{Desk, Id, Kind, When, Who};
use crate::error::Result;
use crate::model::customer;
use crate::model::ticket::{Action, CompKind, Event, Ticket, Verdict};
use crate::model::ticket_store;

#[derive(Clone)]
pub struct Shipment {
    /// What went out, e.g. "1x driver board DB-200".
    pub items: String,
    pub carrier: Option<String>,
    pub tracking: Option<String>,
    /// Where to, when not the customer's address on file.
    pub to: Option<String>,
    pub text: Option<String>,
}

/// The warehouse shipped goods: stops the `ship` timer.
pub fn ship(desk: &Desk, id: &Id, who: &Who, when: When, o: Shipment) -> Result<Stepped> {
    let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    step(desk, id, who, when, Action::Ship, |e| {
        e.items = Some(o.items.trim().to_string());
        e.carrier = clean(o.carrier);
        e.tracking = clean(o.tracking);
        e.address = clean(o.to);
        e.text = o.text;
    })
}

/// The shipment reached the customer.
pub fn delivered(
    desk: &Desk,
    id: &Id,
    who: &Who,
    when: When,
    text: Option<String>,
) -> Result<Stepped> {
    step(desk, id, who, when, Action::Delivered, |e| e.text = text)
}

/// The legal department's verdict on the pending compensation request.
pub fn legal_review(
    desk: &Desk,
    id: &Id,
    who: &Who,
    when: When,
    verdict: Verdict,
    text: Option<String>,
) -> Result<Stepped> {
    step(desk, id, who, when, Action::LegalReview, |e| {
        e.verdict = Some(verdict);
        e.text = text;
    })
}

/// The decision on a return or exchange (退换货, category `return`): approved, it may be
/// resolved; see `ticket_store::RETURN_CATEGORY`.
pub fn approve_return(
    desk: &Desk,
    id: &Id,
    who: &Who,
    when: When,
    verdict: Verdict,
    text: Option<String>,
) -> Result<Stepped> {
    step(desk, id, who, when, Action::ApproveReturn, |e| {
        e.verdict = Some(verdict);
        e.text = text;
    })
}

/// The manager heading a grade III case's special team (专项小组).
pub fn lead(desk: &Desk, id: &Id, who: &Who, when: When, staff: String) -> Result<Stepped> {
    step(desk, id, who, when, Action::Lead, |e| {
        e.lead = Some(staff.trim().to_string())
    })
}

#[derive(Clone, Default)]
pub struct Planning {
    /// The plan (required unless `told`).
    pub text: Option<String>,
    /// The plan needs parts or a product shipped: starts the `ship` timer.
    pub needs_parts: bool,
    /// The clerk told the customer the plan (`plan-told`), not the plan itself.
    pub told: bool,
    /// The template the text was rendered from.
    pub template: Option<String>,
    /// A promise made with the plan (`plan --promise`), 「确定处理期限和处理方案」.
    pub promise: Option<Promised>,
}

/// `plan`: the engineer's plan (with `needs_parts`, goods to ship), or with `told` the
/// moment the customer heard it (stops the `plan-told` timer).
pub fn plan(desk: &Desk, id: &Id, who: &Who, when: When, o: Planning) -> Result<Stepped> {
    if o.told {
        if o.needs_parts {
            return Err(crate::error::Error::usage(
                "--told records that the customer heard the plan; --needs-parts goes with the plan itself",
                "record the plan first: `ticket plan ID --needs-parts -m PLAN`",
            ));
        }
        return promising(
            desk,
            id,
            who,
            when,
            Action::PlanTold,
            o.promise.as_ref(),
            |e| {
                e.text = o.text;
                e.template = o.template;
            },
        );
    }
    let promised = o.promise.clone();
    goods_step(desk, id, who, when, Action::Plan, promised, move |e, _| {
        e.text = o.text;
        e.template = o.template;
        o.needs_parts
    })
}

/// The general manager approves a reviewed request; an exchange or replacement then
/// needs goods shipped, which starts the `ship` timer.
pub fn comp_approve(
    desk: &Desk,
    id: &Id,
    who: &Who,
    when: When,
    text: Option<String>,
) -> Result<Stepped> {
    goods_step(
        desk,
        id,
        who,
        when,
        Action::CompApprove,
        None,
        move |e, t| {
            e.text = text;
            needs_goods(t)
        },
    )
}

/// Whether the ticket's compensation is given in goods (an exchange or a replacement).
pub fn needs_goods(t: &Ticket) -> bool {
    matches!(
        t.compensation_kind,
        Some(CompKind::Exchange | CompKind::Replacement)
    )
}

/// A step that may need goods: `fill` says whether it does, from the ticket as it stands
/// under the lock; then it is stamped `goods`, and `remote` when the customer is. A
/// promise made with it follows it in the same write.
fn goods_step(
    desk: &Desk,
    id: &Id,
    who: &Who,
    when: When,
    action: Action,
    promised: Option<Promised>,
    fill: impl FnOnce(&mut Event, &Ticket) -> bool,
) -> Result<Stepped> {
    let (ticket, events) = ticket_store::append_all(desk, id, when, |t| {
        let mut e = event(desk, who, chrono::DateTime::UNIX_EPOCH, action);
        if fill(&mut e, t) {
            e.goods = true;
            e.remote = customer_is_remote(desk, t);
        }
        let made = match &promised {
            Some(p) => Some(promise::made_with(desk, who, &e, p)?),
            None => None,
        };
        Ok(std::iter::once(e).chain(made).collect())
    })?;
    Ok(Stepped {
        ticket,
        event: events.into_iter().next().expect("the step"),
        notice: None,
    })
}

/// The ticket's customer is marked `remote = true` (偏远地区). A customer file that
/// cannot be read counts as not remote: `svcdesk check` reports the file.
fn customer_is_remote(desk: &Desk, t: &Ticket) -> bool {
    t.customer
        .as_deref()
        .and_then(|c| desk.resolve(Kind::Customer, c).ok())
        .and_then(|id| customer::load(desk, &id).ok())
        .is_some_and(|c| c.remote)
}
