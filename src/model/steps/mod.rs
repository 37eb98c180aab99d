//! Every ticket step as one library function, like `measure::add`: it takes the desk, the
//! ticket, who acts and when, and what the step records; builds the event; appends it
//! under the desk lock (`ticket_store::append` checks it against the history); and returns
//! what the step did, for the CLI to render. The rules of a step live with it.

mod close;
mod collab;
mod comp;
mod forward;
mod merge;
mod open;
mod parts;
mod promise;
mod review;
mod set;

pub use close::{
    Closing, DISSATISFIED, Notice, Resolution, Revisit, check_closing, close, dissatisfied,
    resolve, revisit,
};
pub use collab::{
    Collab, Reply, Request as CollabRequest, collab, reply, request_answered,
    requests as collab_requests,
};
pub use comp::{CompRequest, comp_reject, comp_request, comp_review};
pub use forward::{Forward, forward, unforwarded};
pub use merge::{
    FromMerged, Merge, Merged, Split, SplitOff, merge, merged_events, shows_on_target, split,
};
pub use open::{
    Customer, Files, NewTicket, OpenedTicket, attachments, open, resolved_on_call, title,
};

pub use parts::{
    Planning, Shipment, approve_return, comp_approve, delivered, lead, legal_review, needs_goods,
    plan, ship,
};
pub use promise::{Promise, Promised, pending as pending_promise, pending_of, promise};
pub use review::{
    follow, pending as review_pending, review, reviewers, rule as review_rule,
    standing as review_standing,
};
pub use set::{Changes, Corrected, set};

use chrono::{DateTime, Utc};

use super::record;
use super::ticket::{Action, Channel, Event, Grade, LinkKind, Ticket, Visibility};
use super::ticket_store;
use crate::desk::{Desk, Id, When, Who};
use crate::error::Result;

/// What a step did: the ticket as it now stands, the event as recorded (its time decided
/// under the lock), and anything the person should be told about it.
#[derive(Debug)]
pub struct Stepped {
    pub ticket: Ticket,
    pub event: Event,
    pub notice: Option<Notice>,
}

/// How a batch of steps runs (see [`each`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Batch {
    /// Check every step, write nothing.
    pub dry_run: bool,
    /// All or nothing: check every step first, write none if any is refused.
    pub atomic: bool,
}

/// One step on each ticket of `ids` (`step` takes it on one), under ONE desk lock for
/// the batch: each append under it finds the lock held and takes it no further. A
/// refused ticket does not stop the others; each ticket's result is returned, in the
/// order of `ids`. With `dry_run` every step is only checked (built, timed, authorized
/// and applied as it would be; see [`record::check_only`]) and no byte is written, not
/// even the lock file. With `atomic` every step is checked first, and if any is refused
/// the checked results are returned and nothing is written.
pub fn each<T>(
    desk: &Desk,
    ids: &[Id],
    how: Batch,
    mut step: impl FnMut(&Id) -> Result<T>,
) -> Result<Vec<(Id, Result<T>)>> {
    let mut check = || -> Vec<(Id, Result<T>)> {
        record::check_only(|| ids.iter().map(|id| (id.clone(), step(id))).collect())
    };
    if how.dry_run {
        return Ok(check());
    }
    let _lock = desk.lock()?;
    if how.atomic {
        let checked = check();
        if checked.iter().any(|(_, r)| r.is_err()) {
            return Ok(checked);
        }
    }
    Ok(ids.iter().map(|id| (id.clone(), step(id))).collect())
}

/// A new event of `action` by `who`; `at` is the UNIX epoch for an appended step, whose
/// time `ticket_store::append` decides.
fn event(desk: &Desk, who: &Who, at: DateTime<Utc>, action: Action) -> Event {
    Event {
        at: desk.local(at),
        by: who.by.clone(),
        entered_by: who.entered_by.clone(),
        action: Some(action),
        ..Event::default()
    }
}

/// Appends the event `fill` builds, returning what the CLI reports.
fn step(
    desk: &Desk,
    id: &Id,
    who: &Who,
    when: When,
    action: Action,
    fill: impl FnOnce(&mut Event),
) -> Result<Stepped> {
    let mut e = event(desk, who, DateTime::UNIX_EPOCH, action);
    fill(&mut e);
    let ticket = ticket_store::append(desk, id, when, e)?;
    let event = ticket.event.last().expect("the step just appended").clone();
    Ok(Stepped {
        ticket,
        event,
        notice: None,
    })
}

#[derive(Clone)]
pub struct Grading {
    pub grade: Grade,
    /// Why this grade.
    pub reason: Option<String>,
}

pub fn grade(desk: &Desk, id: &Id, who: &Who, when: When, o: Grading) -> Result<Stepped> {
    step(desk, id, who, when, Action::Grade, |e| {
        e.grade = Some(o.grade);
        e.reason = o.reason;
    })
}

/// Where a ticket goes: a department and/or a person.
#[derive(Clone)]
pub struct Routing {
    pub department: Option<String>,
    pub to: Option<String>,
    pub reason: Option<String>,
}

pub fn assign(desk: &Desk, id: &Id, who: &Who, when: When, o: Routing) -> Result<Stepped> {
    step(desk, id, who, when, Action::Assign, |e| {
        e.department = o.department;
        e.assignee = o.to;
        e.reason = o.reason;
    })
}

pub fn accept(desk: &Desk, id: &Id, who: &Who, when: When) -> Result<Stepped> {
    step(desk, id, who, when, Action::Accept, |_| {})
}

#[derive(Clone)]
pub struct Note {
    pub text: String,
    /// The note was also told to the customer.
    pub to_customer: bool,
    pub attachments: Files,
    /// The template the text was rendered from.
    pub template: Option<String>,
}

pub fn note(desk: &Desk, id: &Id, who: &Who, when: When, o: Note) -> Result<Stepped> {
    let files = attachments(desk, &o.attachments)?;
    step(desk, id, who, when, Action::Note, |e| {
        e.text = Some(o.text);
        e.template = o.template;
        e.files = files;
        e.visibility = Some(if o.to_customer {
            Visibility::Customer
        } else {
            Visibility::Internal
        });
    })
}

#[derive(Clone)]
pub struct Response {
    /// What the customer was told.
    pub text: String,
    pub channel: Option<Channel>,
    pub attachments: Files,
    /// The template the text was rendered from.
    pub template: Option<String>,
    /// A promise made in the same reply (`respond --promise`).
    pub promise: Option<Promised>,
}

pub fn respond(desk: &Desk, id: &Id, who: &Who, when: When, o: Response) -> Result<Stepped> {
    let files = attachments(desk, &o.attachments)?;
    promising(
        desk,
        id,
        who,
        when,
        Action::Respond,
        o.promise.as_ref(),
        |e| {
            e.text = Some(o.text);
            e.template = o.template;
            e.files = files;
            e.channel = o.channel;
        },
    )
}

/// A step and, when `promise` is given, the promise made with it
/// ([`promise::made_with`]): the two events in one write, or neither.
fn promising(
    desk: &Desk,
    id: &Id,
    who: &Who,
    when: When,
    action: Action,
    promise: Option<&Promised>,
    fill: impl FnOnce(&mut Event),
) -> Result<Stepped> {
    let Some(p) = promise else {
        return step(desk, id, who, when, action, fill);
    };
    let (ticket, mut events) = ticket_store::append_all(desk, id, when, |_| {
        let mut e = event(desk, who, DateTime::UNIX_EPOCH, action);
        fill(&mut e);
        let made = promise::made_with(desk, who, &e, p)?;
        Ok(vec![e, made])
    })?;
    events.truncate(1);
    Ok(Stepped {
        ticket,
        event: events.pop().expect("the step"),
        notice: None,
    })
}

#[derive(Clone)]
pub struct Diagnosis {
    pub cause: String,
    pub responsibility: Option<String>,
    /// The estimated plan.
    pub plan: Option<String>,
    /// A fault cause code of `[causes]`, checked against the desk's list.
    pub cause_code: Option<String>,
}

pub fn diagnose(desk: &Desk, id: &Id, who: &Who, when: When, o: Diagnosis) -> Result<Stepped> {
    let code = o.cause_code.map(|c| c.trim().to_string());
    if let Some(c) = &code {
        crate::model::names::cause_code(&desk.config, c)?;
    }
    step(desk, id, who, when, Action::Diagnose, |e| {
        e.cause = Some(o.cause);
        e.responsibility = o.responsibility;
        e.text = o.plan;
        e.cause_code = code;
    })
}

#[derive(Clone)]
pub struct Escalation {
    pub grade: Option<Grade>,
    pub to: Option<String>,
    pub department: Option<String>,
    pub reason: String,
}

pub fn escalate(desk: &Desk, id: &Id, who: &Who, when: When, o: Escalation) -> Result<Stepped> {
    step(desk, id, who, when, Action::Escalate, |e| {
        e.grade = o.grade;
        e.assignee = o.to;
        e.department = o.department;
        e.reason = Some(o.reason);
    })
}

#[derive(Clone)]
pub struct Waiting {
    /// What for: customer, parts, department, ...
    pub reason: String,
    pub text: Option<String>,
    /// Resume on this day (`sla check --apply`, see `model::lifecycle`); recorded as the
    /// wait event's `due`.
    pub until: Option<chrono::NaiveDate>,
    /// What follows at `until`: resume (the default) or close.
    pub then: Option<crate::vocab::WaitThen>,
}

pub fn wait(desk: &Desk, id: &Id, who: &Who, when: When, o: Waiting) -> Result<Stepped> {
    step(desk, id, who, when, Action::Wait, |e| {
        e.reason = Some(o.reason);
        e.text = o.text;
        e.due = o.until;
        e.then = o.then;
    })
}

pub fn resume(
    desk: &Desk,
    id: &Id,
    who: &Who,
    when: When,
    text: Option<String>,
) -> Result<Stepped> {
    step(desk, id, who, when, Action::Resume, |e| e.text = text)
}

pub fn reopen(desk: &Desk, id: &Id, who: &Who, when: When, reason: String) -> Result<Stepped> {
    step(desk, id, who, when, Action::Reopen, |e| {
        e.reason = Some(reason)
    })
}

#[derive(Clone)]
pub struct Link {
    pub kind: LinkKind,
    pub other: Id,
}

pub fn link(desk: &Desk, id: &Id, who: &Who, when: When, o: Link) -> Result<Stepped> {
    step(desk, id, who, when, Action::Link, |e| {
        e.link = Some(o.kind);
        e.ticket = Some(o.other.to_string());
    })
}

/// The customer's answer (a mail taken in by `intake`, a form).
#[derive(Clone)]
pub struct CustomerReply {
    pub text: String,
    pub channel: Option<Channel>,
    /// Already read (see [`crate::desk::attachments::prepare_bytes`]).
    pub files: Vec<crate::desk::attachments::Attachment>,
    /// See `Event::message_id`.
    pub message_id: Option<String>,
}

/// Records the customer's answer as a `customer-reply`; a ticket that was waiting on the
/// customer ([`super::lifecycle::waiting_on_customer`]) is resumed by `svcdesk` right
/// after it, under the same lock. Returns the steps taken, the reply first.
pub fn customer_reply(
    desk: &Desk,
    id: &Id,
    who: &Who,
    when: When,
    o: CustomerReply,
) -> Result<Vec<Stepped>> {
    // Reply and resume under one lock (none when only checked: nothing is written).
    let _lock = if record::checking() {
        None
    } else {
        Some(desk.lock()?)
    };
    let reply = step(desk, id, who, when, Action::CustomerReply, |e| {
        e.text = Some(o.text).filter(|t| !t.trim().is_empty());
        e.channel = o.channel;
        e.files = o.files;
        e.message_id = o.message_id;
    })?;
    let mut done = vec![reply];
    if super::lifecycle::waiting_on_customer(&done[0].ticket) {
        let system = Who {
            by: record::SYSTEM_ACTOR.into(),
            entered_by: None,
        };
        done.push(resume(
            desk,
            id,
            &system,
            when,
            Some("the customer replied".into()),
        )?);
    }
    Ok(done)
}
