//! Site visits (外出服务): the internal request for one (內部請示單: service type, scope,
//! resources, the date wanted), its approval by a configured role, the appointment with
//! an engineer, the arrival on site, escalations from site, and the field-service report
//! that completes it.
//!
//! A visit file (`visits/YYYY/MM/V….toml`) reads like a ticket's: current fields, then
//! an append-only `[[event]]` history, replayed by the one history engine
//! ([`super::record`]). The states:
//!
//! ```text
//! requested ─approve─► approved ─schedule─► scheduled ─start─► on-site ─complete─► done
//!     └─reject─► rejected            (schedule again: a new appointment)   escalate ↺
//! ```
//!
//! `complete` is written by `report add --visit`, never typed. The appointment and the
//! 24-hour escalation from site are timer runs (`crate::sla::visit`).

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::names;
use super::record::{self, Record, StepError, multiline};
use super::report::ServiceType;
use super::ticket_store;
use crate::desk::record::serde_time;
use crate::desk::{Desk, Id, Kind, When};
use crate::error::{Error, Result};
use crate::vocab::vocab;

vocab!(
    /// Where a site visit stands.
    State {
        /// Asked for (內部請示單), awaiting a decision.
        Requested = "requested",
        /// Approved, no appointment yet.
        Approved = "approved",
        /// Refused by an approver: final.
        Rejected = "rejected",
        /// An engineer and a time are set.
        Scheduled = "scheduled",
        /// The engineer arrived on site.
        OnSite = "on-site",
        /// A field-service report completed it.
        Done = "done",
    }
);

vocab!(
    /// Every kind of event in a visit's history.
    Action {
        /// The request: ticket, service type, scope, resources, date wanted.
        Request = "request",
        /// An approver agreed.
        Approve = "approve",
        /// An approver refused, with the reason.
        Reject = "reject",
        /// The appointment: engineer and time (again to move it).
        Schedule = "schedule",
        /// The engineer arrived on site.
        Start = "start",
        /// A problem found on site reported back to someone at the company.
        Escalate = "escalate",
        /// The field-service report that completes the visit (`report add --visit`).
        Complete = "complete",
        /// An approver let the engineer leave site (「同意後方可返回」).
        ReturnApprove = "return-approve",
        /// The customer asked for more on site; it waits for approval (「報公司批准後執行」).
        RequestExtra = "request-extra",
        /// An approver agreed to the customer's extra request.
        ApproveExtra = "approve-extra",
    }
);

impl State {
    /// The steps a person may take from this state, as typed after `svcdesk visit`.
    pub fn allowed(self) -> &'static [&'static str] {
        match self {
            State::Requested => &["approve", "reject"],
            State::Approved => &["schedule"],
            State::Rejected => &[],
            State::Scheduled => &["schedule", "start"],
            State::OnSite => &[
                "escalate",
                "return-approve",
                "request-extra",
                "approve-extra",
                "report add --visit",
            ],
            State::Done => &["escalate"],
        }
    }
}

impl Action {
    fn verb(self) -> &'static str {
        match self {
            Action::Request => "request",
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::Schedule => "schedule",
            Action::Start => "start",
            Action::Escalate => "escalate",
            Action::Complete => "complete it with a report",
            Action::ReturnApprove => "approve the return from site",
            Action::RequestExtra => "request extra work",
            Action::ApproveExtra => "approve extra work",
        }
    }
}

/// The escalation from site is owed within this many hours of arrival (「必須在24小時內反饋回公司」).
pub const ESCALATE_WITHIN_HOURS: i64 = 24;

/// One thing that happened to a visit; each action uses a few of the optional fields.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    #[serde(
        deserialize_with = "serde_time::datetime",
        serialize_with = "serde_time::ser_datetime"
    )]
    pub at: DateTime<FixedOffset>,
    pub by: String,
    pub action: Action,
    // request
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type: Option<ServiceType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<String>,
    /// The day the visit is wanted.
    #[serde(
        default,
        deserialize_with = "serde_time::opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub date: Option<NaiveDate>,
    // schedule
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engineer: Option<String>,
    #[serde(
        default,
        deserialize_with = "serde_time::opt_datetime",
        serialize_with = "serde_time::ser_opt_datetime",
        skip_serializing_if = "Option::is_none"
    )]
    pub appointment: Option<DateTime<FixedOffset>>,
    // escalate
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    // complete
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
    // approve, reject, escalate, start
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// request: the maintenance schedule that opened it (`schedule run`), instead of a ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
}

impl Event {
    pub fn new(at: DateTime<FixedOffset>, by: impl Into<String>, action: Action) -> Event {
        Event {
            at,
            by: by.into(),
            action,
            ticket: None,
            customer: None,
            service_type: None,
            scope: None,
            resources: None,
            date: None,
            engineer: None,
            appointment: None,
            to: None,
            report: None,
            text: None,
            schedule: None,
        }
    }
}

/// The visit as stored: current fields, then the history.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Visit {
    pub schema: u32,
    pub id: String,
    pub state: State,
    /// The ticket it is for; none for a planned visit a schedule opened.
    #[serde(default)]
    pub ticket: Option<String>,
    pub customer: String,
    pub service_type: ServiceType,
    pub scope: String,
    #[serde(default)]
    pub resources: Option<String>,
    #[serde(deserialize_with = "serde_time::date")]
    pub date: NaiveDate,
    #[serde(
        deserialize_with = "serde_time::datetime",
        serialize_with = "serde_time::ser_datetime"
    )]
    pub requested: DateTime<FixedOffset>,
    pub requested_by: String,
    /// Who approved or rejected it.
    #[serde(default)]
    pub decided_by: Option<String>,
    #[serde(default)]
    pub engineer: Option<String>,
    #[serde(
        default,
        deserialize_with = "serde_time::opt_datetime",
        serialize_with = "serde_time::ser_opt_datetime"
    )]
    pub appointment: Option<DateTime<FixedOffset>>,
    #[serde(
        default,
        deserialize_with = "serde_time::opt_datetime",
        serialize_with = "serde_time::ser_opt_datetime"
    )]
    pub arrived: Option<DateTime<FixedOffset>>,
    /// The first escalation from site: when, and to whom.
    #[serde(
        default,
        deserialize_with = "serde_time::opt_datetime",
        serialize_with = "serde_time::ser_opt_datetime"
    )]
    pub escalated: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub escalated_to: Option<String>,
    /// The field-service report that completed it.
    #[serde(default)]
    pub report: Option<String>,
    /// The maintenance schedule that opened it (`schedule run`).
    #[serde(default)]
    pub schedule: Option<String>,
    /// Who let the engineer leave site (`visit return-approve`).
    #[serde(default)]
    pub return_approved_by: Option<String>,
    #[serde(default)]
    pub event: Vec<Event>,
}

fn text(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// Fields an action does not take must be absent, so a hand-edited event never carries
/// a value replay would silently ignore.
fn only_own_fields(e: &Event) -> Result<(), StepError> {
    let a = e.action;
    let mut stray: Vec<&str> = Vec::new();
    let request = a == Action::Request;
    for (k, set, ok) in [
        ("ticket", e.ticket.is_some(), request),
        ("customer", e.customer.is_some(), request),
        ("service_type", e.service_type.is_some(), request),
        ("scope", e.scope.is_some(), request),
        ("resources", e.resources.is_some(), request),
        ("date", e.date.is_some(), request),
        ("schedule", e.schedule.is_some(), request),
        ("engineer", e.engineer.is_some(), a == Action::Schedule),
        (
            "appointment",
            e.appointment.is_some(),
            a == Action::Schedule,
        ),
        ("to", e.to.is_some(), a == Action::Escalate),
        ("report", e.report.is_some(), a == Action::Complete),
        (
            "text",
            e.text.is_some(),
            !matches!(a, Action::Request | Action::Complete),
        ),
    ] {
        if set && !ok {
            stray.push(k);
        }
    }
    match stray.as_slice() {
        [] => Ok(()),
        keys => Err(StepError::Invalid(format!(
            "{a} does not take {}",
            keys.join(", ")
        ))),
    }
}

fn need<T>(what: &str, v: Option<T>, action: Action) -> Result<T, StepError> {
    v.ok_or_else(|| StepError::Invalid(format!("{action} needs {what}")))
}

fn from_request(id: &str, e: &Event) -> Result<Visit, StepError> {
    only_own_fields(e)?;
    let a = e.action;
    Ok(Visit {
        schema: 1,
        id: id.to_string(),
        state: State::Requested,
        ticket: match (&e.ticket, &e.schedule) {
            (Some(_), Some(_)) => {
                return Err(StepError::Invalid(
                    "request takes a ticket or a schedule, not both".into(),
                ));
            }
            (t, s) => {
                need(
                    "a ticket (or the schedule that opened it)",
                    t.as_ref().or(s.as_ref()),
                    a,
                )?;
                t.clone()
            }
        },
        customer: need("a customer", e.customer.clone(), a)?,
        service_type: need("a service type", e.service_type, a)?,
        scope: need("the scope of the work (scope)", text(&e.scope), a)?,
        resources: text(&e.resources),
        date: need("the date wanted (date)", e.date, a)?,
        requested: e.at,
        requested_by: e.by.clone(),
        decided_by: None,
        engineer: None,
        appointment: None,
        arrived: None,
        escalated: None,
        escalated_to: None,
        report: None,
        schedule: e.schedule.clone(),
        return_approved_by: None,
        event: vec![e.clone()],
    })
}

/// Applies one later event: the single definition of which step is allowed when.
pub fn apply(v: &mut Visit, e: &Event) -> Result<(), StepError> {
    let refuse = || StepError::Transition {
        noun: "visit",
        verb: e.action.verb(),
        state: v.state.as_str(),
        allowed: match v.state.allowed() {
            [] => "nothing (a rejected request is final; request a new visit)".into(),
            steps => steps.join(", "),
        },
    };
    only_own_fields(e)?;
    match (e.action, v.state) {
        (Action::Request, _) => {
            return Err(StepError::Invalid(
                "`request` can only be the first event of a visit".into(),
            ));
        }
        (Action::Approve, State::Requested) => {
            v.state = State::Approved;
            v.decided_by = Some(e.by.clone());
        }
        (Action::Reject, State::Requested) => {
            need("a reason (text)", text(&e.text), e.action)?;
            v.state = State::Rejected;
            v.decided_by = Some(e.by.clone());
        }
        (Action::Schedule, State::Approved | State::Scheduled) => {
            v.engineer = Some(need("an engineer", text(&e.engineer), e.action)?);
            v.appointment = Some(need("an appointment time", e.appointment, e.action)?);
            v.state = State::Scheduled;
        }
        (Action::Start, State::Scheduled) => {
            v.state = State::OnSite;
            v.arrived = Some(e.at);
        }
        (Action::Escalate, State::OnSite | State::Done) => {
            let to = need("someone to escalate to (to)", text(&e.to), e.action)?;
            need("what was found (text)", text(&e.text), e.action)?;
            if v.escalated.is_none() {
                v.escalated = Some(e.at);
                v.escalated_to = Some(to);
            }
        }
        (Action::ReturnApprove, State::OnSite) => {
            if let Some(who) = &v.return_approved_by {
                return Err(StepError::Invalid(format!(
                    "the return from site is already approved (by {who})"
                )));
            }
            v.return_approved_by = Some(e.by.clone());
        }
        (Action::RequestExtra, State::OnSite) => {
            need(
                "what the customer asked for (text)",
                text(&e.text),
                e.action,
            )?;
            if let Some(p) = v.pending_extra() {
                return Err(StepError::Invalid(format!(
                    "an extra request waits for approval already (\"{}\"); approve-extra it first",
                    p.text.as_deref().unwrap_or_default()
                )));
            }
        }
        (Action::ApproveExtra, State::OnSite) => {
            if v.pending_extra().is_none() {
                return Err(StepError::Invalid(
                    "no extra request waits for approval (request-extra first)".into(),
                ));
            }
        }
        (Action::Complete, State::OnSite) => {
            v.report = Some(need("the report", e.report.clone(), e.action)?);
            v.state = State::Done;
        }
        _ => return Err(refuse()),
    }
    v.event.push(e.clone());
    Ok(())
}

record::plain_step!(Event, Visit);

impl Record for Visit {
    type Event = Event;
    const NOUN: &'static str = "visit";
    const FIRST: &'static str = "request";
    fn id(&self) -> &str {
        &self.id
    }
    fn events(&self) -> &[Event] {
        &self.event
    }
    fn create(id: &str, first: &Event) -> Result<Visit, StepError> {
        from_request(id, first)
    }
    fn apply(&mut self, e: &Event) -> Result<(), StepError> {
        apply(self, e)
    }
    fn fields(&self) -> Vec<(&'static str, Option<toml_edit::Value>)> {
        use crate::desk::record::{date_value, datetime_value};
        use toml_edit::Value;
        let s = |v: &Option<String>| v.as_deref().map(Value::from);
        vec![
            ("state", Some(Value::from(self.state.as_str()))),
            ("ticket", s(&self.ticket)),
            ("customer", Some(Value::from(self.customer.as_str()))),
            (
                "service_type",
                Some(Value::from(self.service_type.as_str())),
            ),
            ("scope", Some(multiline(&self.scope))),
            ("resources", self.resources.as_deref().map(multiline)),
            ("date", Some(date_value(self.date))),
            ("requested", Some(datetime_value(self.requested))),
            (
                "requested_by",
                Some(Value::from(self.requested_by.as_str())),
            ),
            ("decided_by", s(&self.decided_by)),
            ("engineer", s(&self.engineer)),
            ("appointment", self.appointment.map(datetime_value)),
            ("arrived", self.arrived.map(datetime_value)),
            ("escalated", self.escalated.map(datetime_value)),
            ("escalated_to", s(&self.escalated_to)),
            ("report", s(&self.report)),
            ("schedule", s(&self.schedule)),
            ("return_approved_by", s(&self.return_approved_by)),
        ]
    }
}

impl Visit {
    /// The customer's extra request on site that no `approve-extra` has answered yet.
    pub fn pending_extra(&self) -> Option<&Event> {
        let mut pending = None;
        for e in &self.event {
            match e.action {
                Action::RequestExtra => pending = Some(e),
                Action::ApproveExtra => pending = None,
                _ => {}
            }
        }
        pending
    }

    /// For `check`: the visit's ticket and customer exist (among the IDs given), and the
    /// people it names (engineer, escalations' recipient) are on the staff list.
    pub fn reference_problems(
        &self,
        config: &crate::config::Config,
        customers: &std::collections::HashSet<String>,
        tickets: &impl Fn(&str) -> bool,
    ) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(t) = self.ticket.as_deref().filter(|t| !tickets(t)) {
            out.push(format!("ticket {t}: no such ticket"));
        }
        if !customers.contains(&self.customer) {
            out.push(format!("customer {}: no such customer", self.customer));
        }
        if let Some(e) = &self.engineer {
            out.extend(names::staff_problem(config, "engineer", e));
        }
        if let Some(to) = &self.escalated_to {
            out.extend(names::staff_problem(config, "escalated_to", to));
        }
        out
    }

    /// Every escalation from site, in the order entered.
    pub fn escalations(&self) -> impl Iterator<Item = &Event> {
        self.event.iter().filter(|e| e.action == Action::Escalate)
    }

    /// Whether the first escalation came later than [`ESCALATE_WITHIN_HOURS`] after
    /// arrival; None when there is none (or no arrival).
    pub fn escalated_late(&self) -> Option<bool> {
        let (a, x) = (self.arrived?, self.escalated?);
        Some(x - a > chrono::Duration::hours(ESCALATE_WITHIN_HOURS))
    }
}

pub fn load_file(path: &Path) -> Result<Visit> {
    record::load_file(path)
}

pub fn load(desk: &Desk, id: &Id) -> Result<Visit> {
    load_file(&desk.path_of(id))
}

/// Every visit, in ID order. One bad file is an error naming it.
pub fn load_all(desk: &Desk) -> Result<Vec<Visit>> {
    desk.record_files(Kind::Visit)?
        .par_iter()
        .map(|p| load_file(p))
        .collect()
}

/// The visits for ticket `ticket_id` (`ticket show`), in ID order.
pub fn for_ticket(desk: &Desk, ticket_id: &str) -> Result<Vec<Visit>> {
    Ok(load_all(desk)?
        .into_iter()
        .filter(|v| v.ticket.as_deref() == Some(ticket_id))
        .collect())
}

/// The visits to customer `customer_id`'s site (`customer show`), in ID order.
pub fn for_customer(desk: &Desk, customer_id: &str) -> Result<Vec<Visit>> {
    Ok(load_all(desk)?
        .into_iter()
        .filter(|v| v.customer == customer_id)
        .collect())
}

/// What `visit request` needs.
pub struct NewVisit {
    /// As typed: an ID or abbreviation.
    pub ticket: String,
    pub service_type: ServiceType,
    pub scope: String,
    pub resources: Option<String>,
    pub date: NaiveDate,
    pub by: String,
    pub at: DateTime<Utc>,
}

pub struct Added {
    pub id: Id,
    pub path: PathBuf,
    pub visit: Visit,
}

/// Writes a new visit request for a ticket; its customer is the ticket's.
pub fn request(desk: &Desk, new: NewVisit) -> Result<Added> {
    let ticket = desk.resolve(Kind::Ticket, &new.ticket)?;
    let customer = ticket_store::load(desk, &ticket)?.customer.ok_or_else(|| {
        Error::invalid_with_hint(
            format!("ticket {ticket} has no customer; a visit goes to a customer's site"),
            format!("link one first: svcdesk ticket set {ticket} --customer C…"),
        )
    })?;
    let created = desk.local(new.at);
    let mut e = Event::new(created, new.by, Action::Request);
    e.ticket = Some(ticket.to_string());
    e.schedule = None;
    e.customer = Some(customer);
    e.service_type = Some(new.service_type);
    e.scope = Some(new.scope.trim().to_string()).filter(|s| !s.is_empty());
    e.resources = new
        .resources
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    e.date = Some(new.date);
    let _lock = desk.lock()?;
    let id = desk.new_id(Kind::Visit, new.at);
    let v = record::replay(id.as_str(), std::slice::from_ref(&e))
        .map_err(|(_, err)| Error::invalid(err.to_string()))?;
    let path = record::create_file(desk, &id, &v)?;
    Ok(Added { id, path, visit: v })
}

/// A planned visit request a maintenance schedule opens: its ID and every byte of its
/// file follow from the schedule and the occurrence, so clones running `schedule run`
/// write the same file.
pub struct Planned {
    pub id: Id,
    pub schedule: String,
    pub customer: String,
    pub service_type: ServiceType,
    pub scope: String,
    pub resources: Option<String>,
    /// The day wanted (the occurrence moved to a working day).
    pub date: NaiveDate,
    /// Who added the schedule: the request is made in their name.
    pub by: String,
    /// The occurrence's day, 00:00 desk time.
    pub at: DateTime<FixedOffset>,
}

impl Planned {
    /// The visit as it would be written, checked by the one history engine.
    pub fn visit(&self) -> Result<Visit> {
        let mut e = Event::new(self.at, self.by.clone(), Action::Request);
        e.customer = Some(self.customer.clone());
        e.service_type = Some(self.service_type);
        e.scope = Some(self.scope.clone());
        e.resources = self.resources.clone();
        e.date = Some(self.date);
        e.schedule = Some(self.schedule.clone());
        record::replay(self.id.as_str(), std::slice::from_ref(&e))
            .map_err(|(_, err)| Error::invalid(err.to_string()))
    }
}

/// Writes a planned visit request unless its file exists (opened before, here or on a
/// clone). Returns its path when written. Call under the desk lock.
pub fn open_planned(desk: &Desk, p: &Planned) -> Result<Option<PathBuf>> {
    if desk.path_of(&p.id).exists() {
        return Ok(None);
    }
    let v = p.visit()?;
    record::create_file(desk, &p.id, &v).map(Some)
}

/// The desk's own rules for a step: approvers' roles, staff names, and with `[visits]
/// return_approval` no report completes a visit before the return is approved.
fn authorize(desk: &Desk, v: &Visit, e: &Event) -> Result<()> {
    let cfg = &desk.config;
    let roles = &cfg.visits.approvers;
    let ask = || -> String {
        let holders: Vec<&str> = cfg
            .staff
            .iter()
            .filter(|s| s.roles.iter().any(|r| roles.contains(r)))
            .map(|s| s.id.as_str())
            .collect();
        if cfg.staff.is_empty() {
            "anyone may while svcdesk.toml lists no [[staff]]".to_string()
        } else if holders.is_empty() {
            "nobody on the staff list has it; add it to a [[staff]] entry in svcdesk.toml"
                .to_string()
        } else {
            format!("ask {}", holders.join(", "))
        }
    };
    if e.action == Action::Complete && cfg.visits.return_approval && v.return_approved_by.is_none()
    {
        return Err(Error::invalid_with_hint(
            format!(
                "{}: the engineer may leave site only after approval ([visits] return_approval in svcdesk.toml); `visit return-approve` needs the role {}",
                v.id,
                roles.join(" or ")
            ),
            format!("{}: svcdesk visit return-approve {}", ask(), v.id),
        ));
    }
    if cfg.staff.is_empty() {
        return Ok(());
    }
    let what = match e.action {
        Action::Approve | Action::Reject => format!("{} a visit request", e.action),
        Action::ReturnApprove => "approve the return from site".to_string(),
        Action::ApproveExtra => "approve extra work on site".to_string(),
        _ => return Ok(()),
    };
    if !roles.iter().any(|r| cfg.has_role(&e.by, r)) {
        return Err(Error::invalid_with_hint(
            format!(
                "{} may not {what}: it needs the role {} ([visits] approvers in svcdesk.toml)",
                e.by,
                roles.join(" or ")
            ),
            ask(),
        ));
    }
    Ok(())
}

/// Appends one step (see [`record::append`]). Returns the visit as it now stands.
pub fn append(desk: &Desk, id: &Id, when: When, e: Event) -> Result<Visit> {
    record::append(desk, id, when, e, |v: &Visit, e| authorize(desk, v, e))
}

/// The placeholder time of an event `append` has yet to stamp.
fn unstamped() -> DateTime<FixedOffset> {
    DateTime::<Utc>::UNIX_EPOCH.fixed_offset()
}

fn trimmed(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(String::from)
}

pub fn approve(desk: &Desk, id: &Id, by: String, when: When, note: Option<&str>) -> Result<Visit> {
    let mut e = Event::new(unstamped(), by, Action::Approve);
    e.text = trimmed(note);
    append(desk, id, when, e)
}

pub fn reject(desk: &Desk, id: &Id, by: String, when: When, reason: &str) -> Result<Visit> {
    let mut e = Event::new(unstamped(), by, Action::Reject);
    e.text = trimmed(Some(reason));
    append(desk, id, when, e)
}

pub fn schedule(
    desk: &Desk,
    id: &Id,
    by: String,
    when: When,
    engineer: &str,
    appointment: DateTime<Utc>,
) -> Result<Visit> {
    let engineer = names::staff_member(&desk.config, "engineer", engineer)?;
    let mut e = Event::new(unstamped(), by, Action::Schedule);
    e.engineer = Some(engineer);
    e.appointment = Some(desk.local(appointment));
    append(desk, id, when, e)
}

pub fn start(desk: &Desk, id: &Id, by: String, when: When, note: Option<&str>) -> Result<Visit> {
    let mut e = Event::new(unstamped(), by, Action::Start);
    e.text = trimmed(note);
    append(desk, id, when, e)
}

pub fn escalate(
    desk: &Desk,
    id: &Id,
    by: String,
    when: When,
    to: &str,
    what: &str,
) -> Result<Visit> {
    let to = names::staff_member(&desk.config, "escalation's recipient", to)?;
    let mut e = Event::new(unstamped(), by, Action::Escalate);
    e.to = Some(to);
    e.text = trimmed(Some(what));
    append(desk, id, when, e)
}

/// `visit return-approve`: the engineer may leave site.
pub fn return_approve(
    desk: &Desk,
    id: &Id,
    by: String,
    when: When,
    note: Option<&str>,
) -> Result<Visit> {
    let mut e = Event::new(unstamped(), by, Action::ReturnApprove);
    e.text = trimmed(note);
    append(desk, id, when, e)
}

/// `visit request-extra`: the customer asked for more on site.
pub fn request_extra(desk: &Desk, id: &Id, by: String, when: When, what: &str) -> Result<Visit> {
    let mut e = Event::new(unstamped(), by, Action::RequestExtra);
    e.text = trimmed(Some(what));
    append(desk, id, when, e)
}

/// `visit approve-extra`: the extra request may be carried out.
pub fn approve_extra(
    desk: &Desk,
    id: &Id,
    by: String,
    when: When,
    note: Option<&str>,
) -> Result<Visit> {
    let mut e = Event::new(unstamped(), by, Action::ApproveExtra);
    e.text = trimmed(note);
    append(desk, id, when, e)
}

/// The `complete` step a report makes, checked only (nothing written): for `report
/// add --visit`, before the report is created.
pub fn check_complete(desk: &Desk, id: &Id, by: &str, when: When) -> Result<Visit> {
    record::check_only(|| complete(desk, id, by.to_string(), when, "R00000000-000000"))
}

/// Completes the visit with report `report` (written by `report add --visit`).
pub fn complete(desk: &Desk, id: &Id, by: String, when: When, report: &str) -> Result<Visit> {
    let mut e = Event::new(unstamped(), by, Action::Complete);
    e.report = Some(report.to_string());
    append(desk, id, when, e)
}

/// Which visits `visit list` shows; every given filter must match.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub state: Vec<State>,
    pub engineer: Option<String>,
    /// Ticket ID.
    pub ticket: Option<String>,
}

impl Filter {
    pub fn matches(&self, v: &Visit) -> bool {
        (self.state.is_empty() || self.state.contains(&v.state))
            && self
                .engineer
                .as_deref()
                .is_none_or(|e| v.engineer.as_deref() == Some(e))
            && self
                .ticket
                .as_deref()
                .is_none_or(|t| v.ticket.as_deref() == Some(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn requested() -> Event {
        let mut e = Event::new(at("2026-12-01T09:00:00+08:00"), "li", Action::Request);
        e.ticket = Some("T20261201-AAAAAA".into());
        e.customer = Some("C20261101-BBBBBB".into());
        e.service_type = Some(ServiceType::ProblemHandling);
        e.scope = Some("replace the drive board".into());
        e.date = Some(NaiveDate::from_ymd_opt(2026, 12, 3).unwrap());
        e
    }

    #[test]
    fn a_visit_goes_from_request_to_done() {
        let mut ev = vec![requested()];
        let mut push = |a: Action, f: &dyn Fn(&mut Event)| {
            let mut e = Event::new(at("2026-12-02T09:00:00+08:00"), "zhao", a);
            f(&mut e);
            ev.push(e);
            replay("V20261201-CCCCCC", &ev)
        };
        assert_eq!(
            push(Action::Approve, &|_| {}).unwrap().state,
            State::Approved
        );
        let v = push(Action::Schedule, &|e| {
            e.engineer = Some("wang".into());
            e.appointment = Some(at("2026-12-03T09:00:00+08:00"));
        })
        .unwrap();
        assert_eq!(v.state, State::Scheduled);
        assert_eq!(push(Action::Start, &|_| {}).unwrap().state, State::OnSite);
        let v = push(Action::Complete, &|e| {
            e.report = Some("R20261203-DDDDDD".into())
        })
        .unwrap();
        assert_eq!(v.state, State::Done);
        assert_eq!(v.report.as_deref(), Some("R20261203-DDDDDD"));
    }

    fn replay(id: &str, ev: &[Event]) -> Result<Visit, (usize, StepError)> {
        record::replay(id, ev)
    }

    #[test]
    fn refusals_name_the_state_and_what_is_allowed() {
        let mut start = Event::new(at("2026-12-02T09:00:00+08:00"), "wang", Action::Start);
        let err = replay("V20261201-CCCCCC", &[requested(), start.clone()]).unwrap_err();
        assert_eq!(
            err.1.to_string(),
            "cannot start: the visit is requested; allowed from requested: approve, reject"
        );
        start.action = Action::Escalate;
        let err = replay("V20261201-CCCCCC", &[requested(), start]).unwrap_err();
        assert!(
            err.1
                .to_string()
                .starts_with("cannot escalate: the visit is requested"),
            "{}",
            err.1
        );
        let mut reject = Event::new(at("2026-12-02T09:00:00+08:00"), "zhao", Action::Reject);
        assert_eq!(
            replay("V20261201-CCCCCC", &[requested(), reject.clone()])
                .unwrap_err()
                .1
                .to_string(),
            "reject needs a reason (text)"
        );
        reject.text = Some("no engineer free this week".into());
        assert_eq!(
            replay("V20261201-CCCCCC", &[requested(), reject])
                .unwrap()
                .state,
            State::Rejected
        );
    }

    #[test]
    fn extra_requests_wait_one_at_a_time_and_the_return_is_approved_once() {
        let mut ev = vec![requested()];
        for a in [Action::Approve, Action::Schedule, Action::Start] {
            let mut e = Event::new(at("2026-12-02T09:00:00+08:00"), "zhao", a);
            if a == Action::Schedule {
                e.engineer = Some("wang".into());
                e.appointment = Some(at("2026-12-03T09:00:00+08:00"));
            }
            ev.push(e);
        }
        let step = |a: Action, text: Option<&str>| {
            let mut e = Event::new(at("2026-12-03T10:00:00+08:00"), "sun", a);
            e.text = text.map(String::from);
            e
        };
        ev.push(step(Action::ApproveExtra, None));
        let err = replay("V20261201-CCCCCC", &ev).unwrap_err().1.to_string();
        assert!(err.contains("no extra request waits"), "{err}");
        *ev.last_mut().unwrap() = step(Action::RequestExtra, None);
        let err = replay("V20261201-CCCCCC", &ev).unwrap_err().1.to_string();
        assert_eq!(
            err,
            "request-extra needs what the customer asked for (text)"
        );
        *ev.last_mut().unwrap() = step(Action::RequestExtra, Some("second press"));
        let v = replay("V20261201-CCCCCC", &ev).unwrap();
        assert!(v.pending_extra().is_some());
        ev.push(step(Action::RequestExtra, Some("paint")));
        assert!(replay("V20261201-CCCCCC", &ev).is_err());
        *ev.last_mut().unwrap() = step(Action::ApproveExtra, None);
        assert!(
            replay("V20261201-CCCCCC", &ev)
                .unwrap()
                .pending_extra()
                .is_none()
        );
        ev.push(step(Action::ReturnApprove, None));
        let v = replay("V20261201-CCCCCC", &ev).unwrap();
        assert_eq!(v.return_approved_by.as_deref(), Some("sun"));
        ev.push(step(Action::ReturnApprove, None));
        let err = replay("V20261201-CCCCCC", &ev).unwrap_err().1.to_string();
        assert!(err.contains("already approved (by sun)"), "{err}");
    }

    #[test]
    fn hooks_know_every_visit_step() {
        let ours: Vec<String> = Action::ALL
            .iter()
            .map(|a| format!("visit-{}", a.as_str()))
            .collect();
        assert_eq!(ours, crate::config::hooks::VISIT_ACTIONS);
    }

    #[test]
    fn an_escalation_needs_a_recipient() {
        let mut ev = vec![requested()];
        for a in [Action::Approve, Action::Schedule, Action::Start] {
            let mut e = Event::new(at("2026-12-02T09:00:00+08:00"), "zhao", a);
            if a == Action::Schedule {
                e.engineer = Some("wang".into());
                e.appointment = Some(at("2026-12-03T09:00:00+08:00"));
            }
            ev.push(e);
        }
        let mut x = Event::new(at("2026-12-02T10:00:00+08:00"), "wang", Action::Escalate);
        x.text = Some("the frame is cracked".into());
        ev.push(x.clone());
        assert_eq!(
            replay("V20261201-CCCCCC", &ev).unwrap_err().1.to_string(),
            "escalate needs someone to escalate to (to)"
        );
        x.to = Some("sun".into());
        *ev.last_mut().unwrap() = x;
        let v = replay("V20261201-CCCCCC", &ev).unwrap();
        assert_eq!(v.escalated_to.as_deref(), Some("sun"));
        assert_eq!(v.escalated_late(), Some(false));
    }
}
