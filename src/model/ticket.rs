//! Tickets (反馈工单 / 顾客投诉处理通知单 / 售后问题记录表): current fields plus an
//! append-only `[[event]]` history. The fields are by definition what `replay` of the
//! events gives; `apply` is the one place that says which step is allowed when.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::record::{Record, Step};
// The engine's, at the paths their callers have always used.
pub use super::record::{StepError, multiline, replay, values_equal};
pub use crate::config::fields::Values as FieldValues;
use crate::desk::attachments::Attachment;
use crate::desk::record::serde_time;
pub use crate::vocab::{
    Action, Channel, CompKind, CompState, ComplaintKind, Grade, LinkKind, Priority, State, Verdict,
    Visibility,
};

/// One thing that happened. Flat on purpose: every action uses a few of these optional
/// fields (see `Action` docs and `check_fields`), and a flat table keeps TOML errors
/// pointing at the right line.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    #[serde(
        deserialize_with = "serde_time::datetime",
        serialize_with = "serde_time::ser_datetime",
        default = "epoch"
    )]
    pub at: DateTime<FixedOffset>,
    pub by: String,
    /// Who typed it, when they entered it on `by`'s behalf (`--as`): their staff id, or
    /// their git email if they are not staff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered_by: Option<String>,
    pub action: Option<Action>,

    // open
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complaint_kind: Option<ComplaintKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    #[serde(
        default,
        deserialize_with = "serde_time::opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub purchase_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voucher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transferred_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,

    // grade, escalate, assign
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<Grade>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,

    // note, respond, plan, resolve, ...: the step's free text
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,

    // diagnose
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsibility: Option<String>,

    // collab, collab-reply
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub need: Option<String>,
    #[serde(
        default,
        deserialize_with = "serde_time::opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub due: Option<NaiveDate>,
    /// collab-reply: which collab request (1-based, in history order) it answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<u32>,

    // resolve
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parts: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub on_call: bool,

    // revisit, close: 1 (very dissatisfied) .. 5 (very satisfied)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub efficiency: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attitude: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<u8>,

    // link
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<LinkKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,

    // compensation
    /// Decimal with at most two places, kept as text so money never meets a float.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comp_kind: Option<CompKind>,

    // sla-notified
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timer: Option<String>,

    // redact: which event (1-based, in history order when redacted) and field; why is
    // in `reason`. Never the old value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redacts: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,

    // any step given --attach (open, note, respond, resolve): files stored in the desk,
    // content-addressed (see desk::attachments); `attachments` above holds the paths
    // older svcdesk recorded instead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<Attachment>,
    // set: `field` (one of `SETTABLE`) changed from `old` to `new`, absent = empty. For
    // `tags` one tag changes: `new` adds it, `old` removes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// diagnose: the fault cause's code in `[causes]` (故障分类), beside the free-text
    /// `cause`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause_code: Option<String>,
    // open: custom field values (`[fields.NAME]`); later changes are `set` events with
    // field = "field:NAME".
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: FieldValues,
    // respond, note, plan, open given --template: the template the text was rendered
    // from (`templates/NAME.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,

    // ship: what went out, how, and where to (delivered takes only `text`)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// plan --needs-parts, or comp-approve of an exchange or replacement: goods must be
    /// shipped, which starts the `ship` timer (`goods = true` timers).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub goods: bool,
    /// The customer was remote (偏远地区) when goods were asked for: `remote` targets.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub remote: bool,
    // legal-review
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    // lead: the staff id heading a grade III case's special team
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<String>,
    /// comp-request outside the grade's rules: why (it then needs the GM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<String>,
    /// promise: by when the customer was promised `text` (the `promise` timer's deadline).
    #[serde(
        default,
        deserialize_with = "serde_time::opt_datetime",
        serialize_with = "serde_time::ser_opt_datetime",
        skip_serializing_if = "Option::is_none"
    )]
    pub promised: Option<DateTime<FixedOffset>>,
    /// promise --kept: the running promise was kept (stops the `promise` timer).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub kept: bool,
    /// sla-notified: whether the run was told of as at risk or as breached; absent
    /// (older events) means breached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<crate::vocab::NotifyLevel>,
    /// sla-notified by the escalation ladder: the `[[sla.ladder]]` level that fired
    /// (`L1`, ...); such an event says nothing of at-risk or breach telling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ladder: Option<String>,
    /// promise --appointment: the promise (or its keeping, the arrival) is of a site
    /// visit, the built-in `appointment` timer's, not the `promise` timer's.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub appointment: bool,
    /// open: the customer's tier (`[sla.tiers.NAME]`) when the ticket was opened; its
    /// calendar and targets time the ticket. Absent: the default tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// wait: what `sla check --apply` does once the `due` day has begun (absent: resume);
    /// close: `close` when it ends such a wait (a waiting ticket closes only so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then: Option<crate::vocab::WaitThen>,
    /// open or customer-reply taken in by `intake`: the message's Message-ID (or
    /// `json:EXTERNAL_ID` for `intake json`), so the same message delivered twice is
    /// taken once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
}

fn epoch() -> DateTime<FixedOffset> {
    DateTime::UNIX_EPOCH.fixed_offset()
}

/// The ticket as stored: current fields, then the history.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Ticket {
    pub schema: u32,
    pub id: String,
    #[serde(default)]
    pub state: Option<State>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub customer: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub channel: Option<Channel>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub complaint_kind: Option<ComplaintKind>,
    #[serde(default)]
    pub priority: Option<Priority>,
    #[serde(default)]
    pub grade: Option<Grade>,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub assignee: Option<String>,
    #[serde(default)]
    pub product: Option<String>,
    #[serde(default)]
    pub serial: Option<String>,
    #[serde(default, deserialize_with = "serde_time::opt_date")]
    pub purchase_date: Option<NaiveDate>,
    #[serde(default)]
    pub voucher: Option<String>,
    #[serde(default)]
    pub submitter: Option<String>,
    #[serde(default)]
    pub transferred_by: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub attachments: Vec<String>,
    #[serde(default)]
    pub links: Vec<String>,
    #[serde(
        default,
        deserialize_with = "serde_time::opt_datetime",
        serialize_with = "serde_time::ser_opt_datetime"
    )]
    pub opened: Option<DateTime<FixedOffset>>,
    #[serde(
        default,
        deserialize_with = "serde_time::opt_datetime",
        serialize_with = "serde_time::ser_opt_datetime"
    )]
    pub accepted: Option<DateTime<FixedOffset>>,
    #[serde(
        default,
        deserialize_with = "serde_time::opt_datetime",
        serialize_with = "serde_time::ser_opt_datetime"
    )]
    pub responded: Option<DateTime<FixedOffset>>,
    #[serde(
        default,
        deserialize_with = "serde_time::opt_datetime",
        serialize_with = "serde_time::ser_opt_datetime"
    )]
    pub resolved: Option<DateTime<FixedOffset>>,
    #[serde(
        default,
        deserialize_with = "serde_time::opt_datetime",
        serialize_with = "serde_time::ser_opt_datetime"
    )]
    pub closed: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub cause: Option<String>,
    #[serde(default)]
    pub responsibility: Option<String>,
    #[serde(default)]
    pub plan: Option<String>,
    #[serde(default)]
    pub resolution: Option<String>,
    #[serde(default)]
    pub satisfaction: Option<u8>,
    #[serde(default)]
    pub reopened: u32,
    #[serde(default)]
    pub compensation: Option<CompState>,
    #[serde(default)]
    pub compensation_amount: Option<String>,
    #[serde(default)]
    pub compensation_currency: Option<String>,
    #[serde(default)]
    pub compensation_kind: Option<CompKind>,
    /// Why the pending or last request is outside the grade's rules (`--exception`).
    #[serde(default)]
    pub compensation_exception: Option<String>,
    /// The legal department's verdict on the current request (grade III: `legal_review`).
    #[serde(default)]
    pub legal_review: Option<Verdict>,
    /// Who heads the grade III special team (`ticket lead`).
    #[serde(default)]
    pub lead: Option<String>,
    /// The decision on a return or exchange (退换货): `ticket approve-return`.
    #[serde(default)]
    pub return_review: Option<Verdict>,
    #[serde(
        default,
        deserialize_with = "serde_time::opt_datetime",
        serialize_with = "serde_time::ser_opt_datetime"
    )]
    pub shipped: Option<DateTime<FixedOffset>>,
    #[serde(
        default,
        deserialize_with = "serde_time::opt_datetime",
        serialize_with = "serde_time::ser_opt_datetime"
    )]
    pub delivered: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub event: Vec<Event>,
    /// The fault cause code of the last diagnose that gave one.
    #[serde(default)]
    pub cause_code: Option<String>,
    /// Custom field values by name (`[fields.NAME]`), as the history gives them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: FieldValues,
}

impl Action {
    /// The command that takes this step, as `svcdesk ticket|comp --help` lists it: the
    /// words a person types, where the history's action name differs
    /// (`comp-review` is `comp review`, `collab-reply` is `ticket reply`).
    pub fn command(self) -> &'static str {
        match self {
            Action::CollabReply => "reply",
            Action::CompRequest => "comp request",
            Action::CompReview => "comp review",
            Action::CompApprove => "comp approve",
            Action::CompReject => "comp reject",
            Action::MergedInto => "merge",
            Action::MergedFrom => "merge --into",
            Action::LegalReview => "comp legal-review",
            Action::PlanTold => "plan --told",
            Action::ApproveReturn => "approve-return",
            a => a.as_str(),
        }
    }
}

impl State {
    /// Not closed, and not merged into another ticket.
    pub fn is_open(self) -> bool {
        !matches!(self, State::Closed | State::Merged)
    }

    /// The steps a person may take from this state (bookkeeping events such as
    /// `sla-notified` are always allowed and not listed).
    pub fn allowed(self) -> Vec<Action> {
        use Action as A;
        Action::ALL
            .iter()
            .copied()
            .filter(|&a| {
                !matches!(
                    a,
                    A::Open
                        | A::SlaNotified
                        | A::Redact
                        | A::MergedFrom
                        | A::WaitingReminder
                        | A::CustomerReply
                ) && next_state(
                    self,
                    &Event {
                        action: Some(a),
                        ..Event::default()
                    },
                )
                .is_some()
            })
            .collect()
    }
}

/// The state machine (documented in README and `svcdesk help states`):
///
/// ```text
///  open ─► new ─assign─► assigned ─accept─► accepted ─work─► in-progress ⇄ waiting
///                          ▲  (re-assign / escalate to a person from any open state)   │
///                          │                                     resolve ◄─────────────┘
///              reopen ◄── closed ◄─close── resolved ◄─┘
///  any open state ─merged-into─► merged (final: only note, link, redact, sla-notified)
/// ```
/// `None` means the step is not allowed from `s` (an event without an action, or an
/// `open`, is never a step from a state). The one machine: `apply` refuses by it and the
/// SLA clocks follow it.
pub fn next_state(s: State, e: &Event) -> Option<State> {
    use Action as A;
    use State as S;
    let (a, on_call) = (e.action?, e.on_call);
    let working = matches!(s, S::Accepted | S::InProgress | S::Waiting);
    let open_unresolved = matches!(s, S::New | S::Assigned) || working;
    // A merged ticket is final: only what never changes a state (a note from a clone that
    // had not seen the merge yet, a link, a redaction) is still recorded on it.
    if s == S::Merged && !matches!(a, A::Note | A::Link | A::SlaNotified | A::Redact) {
        return None;
    }
    Some(match a {
        A::Open => return None,
        A::Note | A::Link | A::SlaNotified | A::Redact | A::Set => s,
        A::Grade | A::Escalate if !s.is_open() => return None,
        // The new owner of a ticket being worked on confirms receipt like any assignee.
        A::Escalate if e.assignee.is_some() && working => S::Assigned,
        A::Grade | A::Escalate => s,
        A::Assign if open_unresolved => S::Assigned,
        // A forward hands the ticket to a department: its people take it from there.
        A::Forward if open_unresolved => S::Assigned,
        A::Accept if s == S::Assigned => S::Accepted,
        A::Respond if s != S::Closed => {
            if s == S::Accepted {
                S::InProgress
            } else {
                s
            }
        }
        A::Diagnose | A::Plan | A::Collab if matches!(s, S::Accepted | S::InProgress) => {
            S::InProgress
        }
        A::CollabReply | A::CompRequest if working => {
            if s == S::Accepted {
                S::InProgress
            } else {
                s
            }
        }
        A::CompRequest if s == S::Resolved => s,
        A::CompReview | A::CompApprove | A::CompReject | A::LegalReview if s.is_open() => s,
        // Goods go out while the ticket is worked on, or after it is resolved (an exchange
        // approved once the fault was settled); they arrive whenever they arrive.
        A::Ship | A::Delivered | A::Lead | A::ApproveReturn if s.is_open() => s,
        A::PlanTold if working => {
            if s == S::Accepted {
                S::InProgress
            } else {
                s
            }
        }
        // A promise is made or kept while the ticket is not yet resolved.
        A::Promise if open_unresolved => s,
        // A rejected review sends a resolved ticket back to work; otherwise a review
        // leaves the state as it is.
        A::Review if s == S::Resolved && e.verdict == Some(Verdict::Rejected) => S::InProgress,
        A::Review if s.is_open() => s,
        A::WaitingReminder if s == S::Waiting => s,
        A::Follow if s.is_open() => s,
        A::Wait if matches!(s, S::Accepted | S::InProgress) => S::Waiting,
        A::Resume if s == S::Waiting => S::InProgress,
        A::Resolve if working => S::Resolved,
        // A phone complaint solved on the call is resolved straight from registration.
        A::Resolve if on_call && matches!(s, S::New | S::Assigned) => S::Resolved,
        A::Revisit if matches!(s, S::Resolved | S::Closed) => s,
        A::Close if s == S::Resolved => S::Closed,
        // The end of a wait that was to end in a close (`wait --then close`; the close
        // says so with its `then`, and `apply` checks the wait): taken by `sla check
        // --apply`, the customer never came back.
        A::Close if s == S::Waiting && e.then == Some(crate::vocab::WaitThen::Close) => S::Closed,
        A::Reopen if matches!(s, S::Resolved | S::Closed) => S::InProgress,
        A::MergedInto if s.is_open() => S::Merged,
        A::MergedFrom if s.is_open() => s,
        // The customer's answer is recorded whatever the state; resuming a ticket that
        // waited on it is a `resume` of its own (see `model::steps::customer_reply`).
        A::CustomerReply => s,
        _ => return None,
    })
}

/// A promise names what and by when, later than it is made (an appointment, a site
/// visit, may leave what unsaid); its keeping names neither.
fn promise(e: &Event) -> Result<(), StepError> {
    match (e.kept, e.promised) {
        (true, None) => Ok(()),
        (true, Some(_)) => Err(StepError::Invalid(
            "a promise is either made (with a time) or kept, not both".into(),
        )),
        (false, None) => Err(StepError::Invalid(
            "promise needs a time (by when the customer was promised it)".into(),
        )),
        (false, Some(by)) => {
            if !e.appointment {
                need("what was promised", e.text.as_deref(), Action::Promise)?;
            }
            if by <= e.at {
                return Err(StepError::Invalid(format!(
                    "a promise is due after it is made; {} is not after {}",
                    by.format("%Y-%m-%d %H:%M"),
                    e.at.format("%Y-%m-%d %H:%M")
                )));
            }
            Ok(())
        }
    }
}

fn score(name: &str, v: Option<u8>) -> Result<(), StepError> {
    match v {
        Some(n) if !(1..=5).contains(&n) => Err(StepError::Invalid(format!(
            "{name} = {n}: scores run from 1 (very dissatisfied) to 5 (very satisfied)"
        ))),
        _ => Ok(()),
    }
}

fn need(what: &str, v: Option<&str>, action: Action) -> Result<(), StepError> {
    if v.is_some_and(|s| !s.trim().is_empty()) {
        Ok(())
    } else {
        Err(StepError::Invalid(format!("{action} needs {what}")))
    }
}

/// Money as text: digits, optionally a point and one or two decimals, more than zero.
pub fn valid_amount(s: &str) -> bool {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.len() <= 2
        && frac.bytes().all(|b| b.is_ascii_digit())
        && s.contains('.') != frac.is_empty()
        && s.bytes().any(|b| (b'1'..=b'9').contains(&b))
}

/// Applies one event to the ticket's current fields: the single definition of what each
/// step means. Used both to replay a history and to validate a new step before writing.
pub fn apply(t: &mut Ticket, e: &Event) -> Result<(), StepError> {
    let action = e
        .action
        .ok_or_else(|| StepError::Invalid("an event needs an action".into()))?;
    if e.by.trim().is_empty() {
        return Err(StepError::Invalid(format!(
            "{action} needs `by` (who did it)"
        )));
    }
    if action == Action::Open {
        if t.state.is_some() {
            return Err(StepError::Invalid(
                "a ticket is opened only once (a second `open` event)".into(),
            ));
        }
        need("a customer", e.customer.as_deref(), action)?;
        need("a category", e.category.as_deref(), action)?;
        t.state = Some(State::New);
        t.title = e.title.clone().unwrap_or_default();
        t.customer = e.customer.clone();
        t.contact = e.contact.clone();
        t.channel = e.channel;
        t.category = e.category.clone();
        t.complaint_kind = e.complaint_kind;
        t.priority = Some(e.priority.unwrap_or(Priority::Medium));
        t.grade = e.grade;
        t.product = e.product.clone();
        t.serial = e.serial.clone();
        t.purchase_date = e.purchase_date;
        t.voucher = e.voucher.clone();
        t.submitter = e.submitter.clone();
        t.transferred_by = e.transferred_by.clone();
        t.tags = e.tags.clone();
        // As older svcdesk wrote it (duplicates and all), then the stored files.
        t.attachments = e.attachments.clone();
        add_files(t, e);
        t.description = e.description.clone().unwrap_or_default();
        t.fields = e.fields.clone();
        t.opened = Some(e.at);
        t.event.push(e.clone());
        return Ok(());
    }
    let state = t
        .state
        .ok_or_else(|| StepError::Invalid(format!("{action} before the ticket was opened")))?;
    let next = next_state(state, e).ok_or_else(|| StepError::Transition {
        noun: "ticket",
        verb: action.as_str(),
        state: state.as_str(),
        allowed: state
            .allowed()
            .iter()
            .map(|a| a.command())
            .collect::<Vec<_>>()
            .join(", "),
    })?;
    use Action as A;
    match action {
        A::Open => unreachable!("handled above"),
        A::Grade => {
            let g = e
                .grade
                .ok_or_else(|| StepError::Invalid("grade needs a grade (I, II or III)".into()))?;
            if t.grade == Some(g) {
                return Err(StepError::Invalid(format!(
                    "the ticket is already grade {g}"
                )));
            }
            t.grade = Some(g);
        }
        A::Assign => {
            if e.department.is_none() && e.assignee.is_none() {
                return Err(StepError::Invalid(
                    "assign needs a department and/or an assignee".into(),
                ));
            }
            if let Some(d) = &e.department {
                t.department = Some(d.clone());
            }
            t.assignee = e.assignee.clone();
            t.accepted = None;
        }
        A::Forward => {
            need("a department", e.department.as_deref(), action)?;
            t.department = e.department.clone();
            t.assignee = e.assignee.clone();
            t.accepted = None;
        }
        A::Accept => {
            if t.assignee.is_none() {
                t.assignee = Some(e.by.clone());
            }
            t.accepted = Some(e.at);
        }
        A::Note => need("text", e.text.as_deref(), action)?,
        A::CustomerReply => {
            if e.text.as_deref().is_none_or(|t| t.trim().is_empty()) && e.files.is_empty() {
                return Err(StepError::Invalid(
                    "customer-reply needs text or attached files".into(),
                ));
            }
        }
        A::Respond => {
            need(
                "text (what the customer was told)",
                e.text.as_deref(),
                action,
            )?;
            t.responded.get_or_insert(e.at);
        }
        A::Diagnose => {
            need("a cause", e.cause.as_deref(), action)?;
            t.cause = e.cause.clone();
            if e.cause_code.is_some() {
                t.cause_code = e.cause_code.clone();
            }
            if e.responsibility.is_some() {
                t.responsibility = e.responsibility.clone();
            }
            if e.text.is_some() {
                t.plan = e.text.clone();
            }
        }
        A::Plan => {
            need("text (the plan)", e.text.as_deref(), action)?;
            t.plan = e.text.clone();
        }
        A::Collab => {
            need("a department", e.department.as_deref(), action)?;
            need("a need (what is asked)", e.need.as_deref(), action)?;
        }
        A::CollabReply => {
            need("text", e.text.as_deref(), action)?;
            let asked = t
                .event
                .iter()
                .filter(|x| x.action == Some(A::Collab))
                .count() as u32;
            match e.request {
                Some(n) if (1..=asked).contains(&n) => {}
                _ if asked == 0 => {
                    return Err(StepError::Invalid(
                        "there is no collab request to reply to".into(),
                    ));
                }
                Some(n) => {
                    return Err(StepError::Invalid(format!(
                        "collab request {n} does not exist; the ticket has {asked}"
                    )));
                }
                None => {
                    return Err(StepError::Invalid(
                        "collab-reply needs the request number it answers".into(),
                    ));
                }
            }
        }
        A::Escalate => {
            if e.grade.is_none() && e.assignee.is_none() && e.department.is_none() {
                return Err(StepError::Invalid(
                    "escalate needs a higher grade and/or a person or department to move to".into(),
                ));
            }
            need("a reason", e.reason.as_deref(), action)?;
            if let Some(g) = e.grade {
                if t.grade.is_some_and(|cur| g <= cur) {
                    return Err(StepError::Invalid(format!(
                        "escalate raises the grade; the ticket is already {}; use `grade` to lower it",
                        t.grade.map(Grade::as_str).unwrap_or_default()
                    )));
                }
                t.grade = Some(g);
            }
            if let Some(d) = &e.department {
                t.department = Some(d.clone());
            }
            if let Some(a) = &e.assignee {
                t.assignee = Some(a.clone());
                if next == State::Assigned && state != State::Assigned {
                    t.accepted = None;
                }
            }
        }
        A::Wait => {
            need(
                "a reason (customer, parts, department...)",
                e.reason.as_deref(),
                action,
            )?;
            if e.then.is_some() && e.due.is_none() {
                return Err(StepError::Invalid(
                    "a wait says what follows its end only with the day it ends (--until)".into(),
                ));
            }
        }
        A::Resume => {}
        A::Resolve => {
            need(
                "text (measures taken and the result)",
                e.text.as_deref(),
                action,
            )?;
            if matches!(
                t.compensation,
                Some(CompState::Requested | CompState::Reviewed)
            ) && e.on_call
            {
                return Err(StepError::Invalid(
                    "a ticket with compensation cannot be resolved on the call".into(),
                ));
            }
            t.resolution = e.text.clone();
            t.resolved = Some(e.at);
        }
        A::Revisit => {
            score("efficiency", e.efficiency)?;
            score("attitude", e.attitude)?;
            score("result", e.result)?;
            if e.efficiency.is_none()
                && e.attitude.is_none()
                && e.result.is_none()
                && e.text.is_none()
            {
                return Err(StepError::Invalid(
                    "revisit needs scores or a comment".into(),
                ));
            }
            if e.result.is_some() {
                t.satisfaction = e.result;
            }
        }
        A::Close => {
            if state == State::Waiting
                && t.event
                    .iter()
                    .rev()
                    .find(|x| x.action == Some(A::Wait))
                    .and_then(|w| w.then)
                    != Some(crate::vocab::WaitThen::Close)
            {
                return Err(StepError::Invalid(
                    "a waiting ticket is closed only at the end of a `wait --until DATE --then close`".into(),
                ));
            }
            score("satisfaction", e.satisfaction)?;
            if let Some(c @ (CompState::Requested | CompState::Reviewed)) = t.compensation {
                return Err(StepError::Invalid(format!(
                    "compensation is {c}, awaiting {}; a ticket closes once it is approved or rejected",
                    if c == CompState::Requested {
                        "finance review"
                    } else {
                        "the general manager's decision"
                    }
                )));
            }
            if e.satisfaction.is_some() {
                t.satisfaction = e.satisfaction;
            }
            t.closed = Some(e.at);
        }
        A::Reopen => {
            need("a reason", e.reason.as_deref(), action)?;
            t.reopened += 1;
            t.resolved = None;
            t.closed = None;
            t.satisfaction = None;
        }
        A::Link => {
            let (Some(kind), Some(other)) = (e.link, &e.ticket) else {
                return Err(StepError::Invalid("link needs a kind and a ticket".into()));
            };
            if other == &t.id {
                return Err(StepError::Invalid("a ticket cannot link to itself".into()));
            }
            let l = format!("{kind}:{other}");
            if !t.links.contains(&l) {
                t.links.push(l);
            }
        }
        A::CompRequest => {
            if matches!(
                t.compensation,
                Some(CompState::Requested | CompState::Reviewed)
            ) {
                return Err(StepError::Invalid(
                    "a compensation request is already pending; it must be approved or rejected first".into(),
                ));
            }
            let amount = e.amount.as_deref().unwrap_or_default();
            if !valid_amount(amount) {
                return Err(StepError::Invalid(format!(
                    "amount \"{amount}\" is not a positive amount like 500 or 199.90"
                )));
            }
            let kind = e.comp_kind.ok_or_else(|| {
                StepError::Invalid(format!("comp-request needs a kind ({})", CompKind::names()))
            })?;
            t.compensation = Some(CompState::Requested);
            t.compensation_exception = e.exception.clone();
            t.legal_review = None;
            t.compensation_amount = Some(amount.to_string());
            t.compensation_currency = Some(e.currency.clone().unwrap_or_else(|| "CNY".into()));
            t.compensation_kind = Some(kind);
        }
        A::CompReview | A::CompApprove | A::CompReject => {
            let (from, to) = match action {
                A::CompReview => (CompState::Requested, CompState::Reviewed),
                A::CompApprove => (CompState::Reviewed, CompState::Approved),
                _ => (CompState::Reviewed, CompState::Rejected),
            };
            match t.compensation {
                Some(c) if c == from => t.compensation = Some(to),
                // Finance may also turn a request down outright.
                Some(CompState::Requested) if action == A::CompReject => t.compensation = Some(to),
                is => {
                    return Err(StepError::Comp {
                        action,
                        is,
                        needs: from,
                    });
                }
            }
        }
        A::Ship => {
            need("items (what was shipped)", e.items.as_deref(), action)?;
            t.shipped = Some(e.at);
            t.delivered = None;
        }
        A::Delivered => {
            if t.shipped.is_none() {
                return Err(StepError::Invalid(
                    "nothing was shipped on this ticket; `ship` comes first".into(),
                ));
            }
            t.delivered = Some(e.at);
        }
        A::LegalReview => {
            let verdict = e.verdict.ok_or_else(|| {
                StepError::Invalid(format!(
                    "legal-review needs a verdict ({})",
                    Verdict::names()
                ))
            })?;
            match t.compensation {
                Some(CompState::Requested | CompState::Reviewed) => {}
                is => {
                    return Err(StepError::Invalid(format!(
                        "legal review is of a pending compensation request; the ticket's is {}",
                        is.map_or("none", CompState::as_str)
                    )));
                }
            }
            t.legal_review = Some(verdict);
            if verdict == Verdict::Rejected {
                t.compensation = Some(CompState::Rejected);
            }
        }
        A::ApproveReturn => {
            let verdict = e.verdict.ok_or_else(|| {
                StepError::Invalid(format!(
                    "approve-return needs a verdict ({})",
                    Verdict::names()
                ))
            })?;
            t.return_review = Some(verdict);
        }
        A::Lead => {
            let lead = e.lead.as_deref().map(str::trim).unwrap_or_default();
            if lead.is_empty() {
                return Err(StepError::Invalid("lead needs a staff id".into()));
            }
            if t.grade != Some(Grade::III) {
                return Err(StepError::Invalid(format!(
                    "a special team with a lead is for grade III cases; the ticket is {}",
                    t.grade
                        .map_or("not graded".into(), |g| format!("grade {g}"))
                )));
            }
            t.lead = Some(lead.to_string());
        }
        A::PlanTold => {
            if t.plan.is_none() {
                return Err(StepError::Invalid(
                    "there is no plan to tell; `plan` records it first".into(),
                ));
            }
        }
        A::Promise => promise(e)?,
        A::Review => {
            if e.verdict.is_none() {
                return Err(StepError::Invalid(format!(
                    "review needs a verdict ({})",
                    Verdict::names()
                )));
            }
            if next != state {
                t.resolved = None;
            }
        }
        A::WaitingReminder => {}
        A::Follow => {
            if t.followed_by(&e.by) {
                return Err(StepError::Invalid(format!(
                    "{} already follows the ticket",
                    e.by
                )));
            }
        }
        A::SlaNotified => need("a timer", e.timer.as_deref(), action)?,
        A::Set => set_field(t, e)?,
        A::Redact => {
            need("the field it redacted", e.field.as_deref(), action)?;
            need("a reason", e.reason.as_deref(), action)?;
            match e.redacts {
                Some(n) if n >= 1 && (n as usize) <= t.event.len() => {}
                _ => {
                    return Err(StepError::Invalid(format!(
                        "redact needs the number of an earlier event (1..{})",
                        t.event.len()
                    )));
                }
            }
        }
        A::MergedInto | A::MergedFrom => {
            need("the other ticket", e.ticket.as_deref(), action)?;
            need("a reason", e.reason.as_deref(), action)?;
            if e.ticket.as_deref() == Some(t.id.as_str()) {
                return Err(StepError::Invalid(
                    "a ticket cannot be merged with itself".into(),
                ));
            }
            if let (A::MergedInto, Some(c @ (CompState::Requested | CompState::Reviewed))) =
                (action, t.compensation)
            {
                return Err(StepError::Invalid(format!(
                    "compensation is {c}, awaiting a decision; a ticket is merged once it is approved or rejected"
                )));
            }
            // Listed with the links, so `check` finds the other ticket and an export
            // carries the merge (`merged-into:T…`, `merged-from:T…`).
            let l = format!("{action}:{}", e.ticket.as_deref().unwrap_or_default());
            if !t.links.contains(&l) {
                t.links.push(l);
            }
        }
    }
    add_files(t, e);
    t.state = Some(next);
    t.event.push(e.clone());
    Ok(())
}

/// The ticket's `attachments` list every file any step attached, once each: the paths
/// of old records as they were written, stored files by their path in the desk.
fn add_files(t: &mut Ticket, e: &Event) {
    let paths = e.attachments.iter().cloned();
    for a in paths.chain(e.files.iter().map(Attachment::path)) {
        if !t.attachments.contains(&a) {
            t.attachments.push(a);
        }
    }
}

/// The fields `set` corrects after opening.
pub const SETTABLE: &[&str] = &[
    "priority",
    "product",
    "serial",
    "customer",
    "title",
    "category",
    "tags",
    "cause_code",
];

/// A `set` event's field for a custom field: `field:NAME` (the same spelling as its
/// export column).
pub const FIELD_PREFIX: &str = "field:";

/// A `set` event applied: the field takes `new`, whatever it was (after a git merge of
/// two corrections of one field, the later one wins; `old` records what its author saw).
/// A tag event adds `new` or removes `old`.
fn set_field(t: &mut Ticket, e: &Event) -> Result<(), StepError> {
    let field = e.field.as_deref().unwrap_or_default();
    let new = e.new.as_deref().map(str::trim).filter(|v| !v.is_empty());
    let required = |what: &str| {
        new.map(str::to_string).ok_or_else(|| {
            StepError::Invalid(format!(
                "set {field} needs a new value: a ticket always has {what}"
            ))
        })
    };
    match field {
        "priority" => {
            let v = required("a priority")?;
            t.priority = Some(Priority::parse(&v).ok_or_else(|| {
                StepError::Invalid(format!("\"{v}\" is not a priority ({})", Priority::names()))
            })?);
        }
        "customer" => t.customer = Some(required("a customer")?),
        "category" => t.category = Some(required("a category")?),
        "title" => t.title = required("a title")?,
        "product" => t.product = new.map(str::to_string),
        "serial" => t.serial = new.map(str::to_string),
        "cause_code" => t.cause_code = new.map(str::to_string),
        "tags" => match (new, e.old.as_deref()) {
            (Some(tag), None) => {
                if !t.tags.iter().any(|x| x == tag) {
                    t.tags.push(tag.to_string());
                }
            }
            (None, Some(tag)) => t.tags.retain(|x| x != tag),
            _ => {
                return Err(StepError::Invalid(
                    "set tags changes one tag: `new` adds it, `old` removes it".into(),
                ));
            }
        },
        "" => return Err(StepError::Invalid("set needs the field it changes".into())),
        custom if custom.starts_with(FIELD_PREFIX) && custom.len() > FIELD_PREFIX.len() => {
            let name = custom[FIELD_PREFIX.len()..].to_string();
            match new {
                Some(v) => t.fields.insert(name, v.to_string()),
                None => t.fields.remove(&name),
            };
        }
        other => {
            return Err(StepError::Invalid(format!(
                "set cannot change `{other}`; it changes {} and field:NAME",
                SETTABLE.join(", ")
            )));
        }
    }
    Ok(())
}

impl Step for Event {
    type Record = Ticket;
    fn at(&self) -> DateTime<FixedOffset> {
        self.at
    }
    fn set_at(&mut self, at: DateTime<FixedOffset>) {
        self.at = at;
    }
    fn by(&self) -> &str {
        &self.by
    }
    fn action(&self) -> &'static str {
        self.action.map_or("?", Action::as_str)
    }
    fn files(&self) -> &[Attachment] {
        &self.files
    }
}

impl Record for Ticket {
    type Event = Event;
    const NOUN: &'static str = "ticket";
    const FIRST: &'static str = "open";
    fn id(&self) -> &str {
        &self.id
    }
    fn events(&self) -> &[Event] {
        &self.event
    }
    fn create(id: &str, first: &Event) -> Result<Ticket, StepError> {
        let mut t = Ticket {
            schema: 1,
            id: id.to_string(),
            ..Ticket::default()
        };
        apply(&mut t, first)?;
        Ok(t)
    }
    fn apply(&mut self, e: &Event) -> Result<(), StepError> {
        apply(self, e)
    }
    fn fields(&self) -> Vec<(&'static str, Option<toml_edit::Value>)> {
        self.field_values()
    }
}

/// A record's custom values as the inline table `fields = { NAME = "VALUE", ... }` (one
/// line, names sorted), or absent when there are none.
pub fn fields_value(v: &FieldValues) -> Option<toml_edit::Value> {
    if v.is_empty() {
        return None;
    }
    let mut t = toml_edit::InlineTable::new();
    for (k, x) in v {
        t.insert(k, toml_edit::Value::from(x.as_str()));
    }
    Some(toml_edit::Value::InlineTable(t))
}

impl Ticket {
    pub fn state(&self) -> State {
        self.state.unwrap_or(State::New)
    }

    /// The customer's tier stamped into the open event (`[sla.tiers.NAME]`); `None`:
    /// the default tier.
    pub fn tier(&self) -> Option<&str> {
        self.event
            .iter()
            .find(|e| e.action == Some(Action::Open))
            .and_then(|e| e.tier.as_deref())
    }

    pub fn is_open(&self) -> bool {
        self.state().is_open()
    }

    /// Who opened the ticket: the `by` of its open event (the agent who registered it).
    pub fn opener(&self) -> Option<&str> {
        self.event
            .first()
            .filter(|e| e.action == Some(Action::Open))
            .map(|e| e.by.as_str())
    }

    /// Whether `who` follows the ticket: its opener does, by default, wherever it is
    /// passed on to, and whoever took `ticket follow`.
    pub fn followed_by(&self, who: &str) -> bool {
        self.followers().contains(&who)
    }

    /// Who follows the ticket, once each: the opener, then those who took `follow`.
    pub fn followers(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self.opener().into_iter().collect();
        for e in &self.event {
            if e.action == Some(Action::Follow) && !all.contains(&e.by.as_str()) {
                all.push(&e.by);
            }
        }
        all
    }

    /// Every current field, in file order, as TOML values (None = absent). The single
    /// place that maps fields to keys, used to write files and to detect drift.
    pub fn field_values(&self) -> Vec<(&'static str, Option<toml_edit::Value>)> {
        use crate::desk::record::{date_value, datetime_value};
        use toml_edit::Value;
        let s = |v: &Option<String>| v.as_deref().map(Value::from);
        let e = |v: Option<&str>| v.map(Value::from);
        let arr = |v: &[String]| Some(Value::Array(v.iter().map(String::as_str).collect()));
        let t = |v: &Option<DateTime<FixedOffset>>| v.map(datetime_value);
        vec![
            ("state", e(self.state.map(State::as_str))),
            ("title", Some(Value::from(self.title.as_str()))),
            ("customer", s(&self.customer)),
            ("contact", s(&self.contact)),
            ("channel", e(self.channel.map(Channel::as_str))),
            ("category", s(&self.category)),
            (
                "complaint_kind",
                e(self.complaint_kind.map(ComplaintKind::as_str)),
            ),
            ("priority", e(self.priority.map(Priority::as_str))),
            ("grade", e(self.grade.map(Grade::as_str))),
            ("department", s(&self.department)),
            ("assignee", s(&self.assignee)),
            ("product", s(&self.product)),
            ("serial", s(&self.serial)),
            ("purchase_date", self.purchase_date.map(date_value)),
            ("voucher", s(&self.voucher)),
            ("submitter", s(&self.submitter)),
            ("transferred_by", s(&self.transferred_by)),
            ("tags", arr(&self.tags)),
            ("attachments", arr(&self.attachments)),
            ("links", arr(&self.links)),
            ("opened", t(&self.opened)),
            ("accepted", t(&self.accepted)),
            ("responded", t(&self.responded)),
            ("resolved", t(&self.resolved)),
            ("closed", t(&self.closed)),
            ("cause", s(&self.cause)),
            ("cause_code", s(&self.cause_code)),
            ("responsibility", s(&self.responsibility)),
            ("plan", s(&self.plan)),
            ("resolution", s(&self.resolution)),
            (
                "satisfaction",
                self.satisfaction.map(|n| Value::from(i64::from(n))),
            ),
            ("reopened", Some(Value::from(i64::from(self.reopened)))),
            ("compensation", e(self.compensation.map(CompState::as_str))),
            ("compensation_amount", s(&self.compensation_amount)),
            ("compensation_currency", s(&self.compensation_currency)),
            (
                "compensation_kind",
                e(self.compensation_kind.map(CompKind::as_str)),
            ),
            ("compensation_exception", s(&self.compensation_exception)),
            ("legal_review", e(self.legal_review.map(Verdict::as_str))),
            ("lead", s(&self.lead)),
            ("shipped", t(&self.shipped)),
            ("delivered", t(&self.delivered)),
            ("return_review", e(self.return_review.map(Verdict::as_str))),
            ("description", Some(multiline(&self.description))),
            ("fields", fields_value(&self.fields)),
        ]
    }

    /// A custom field's value, if it has one.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }

    /// Fields whose stored value differs from what the history gives.
    pub fn drift(&self, replayed: &Ticket) -> Vec<&'static str> {
        super::record::drift(self, replayed)
    }

    /// The last event of an action, if any.
    pub fn last(&self, action: Action) -> Option<&Event> {
        self.event.iter().rev().find(|e| e.action == Some(action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(action: Action) -> Event {
        Event {
            at: DateTime::parse_from_rfc3339("2026-11-24T09:30:00+08:00").unwrap(),
            by: "li".into(),
            action: Some(action),
            ..Event::default()
        }
    }

    fn opened() -> Ticket {
        let mut e = ev(Action::Open);
        e.customer = Some("C20261124-AAAAAA".into());
        e.category = Some("complaint".into());
        replay("T20261124-BBBBBB", &[e]).unwrap()
    }

    #[test]
    fn a_full_life_replays() {
        let mut t = opened();
        let mut a = ev(Action::Assign);
        a.department = Some("service".into());
        a.assignee = Some("wang".into());
        apply(&mut t, &a).unwrap();
        assert_eq!(t.state(), State::Assigned);
        apply(&mut t, &ev(Action::Accept)).unwrap();
        let mut r = ev(Action::Resolve);
        r.text = Some("replaced the board".into());
        apply(&mut t, &r).unwrap();
        assert_eq!(t.state(), State::Resolved);
        let mut c = ev(Action::Close);
        c.satisfaction = Some(5);
        apply(&mut t, &c).unwrap();
        assert_eq!(t.state(), State::Closed);
        assert_eq!(t.satisfaction, Some(5));
        let again = replay(&t.id, &t.event).unwrap();
        assert_eq!(again, t);
        assert!(t.drift(&again).is_empty());
    }

    #[test]
    fn invalid_step_names_state_and_allowed() {
        let mut t = opened();
        let err = apply(&mut t, &ev(Action::Close)).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("cannot close: the ticket is new"), "{msg}");
        assert!(msg.contains("assign"), "{msg}");
        assert_eq!(t.event.len(), 1, "a refused step leaves no trace");
    }

    #[test]
    fn escalating_worked_on_ticket_to_a_person_needs_a_new_accept() {
        let mut t = opened();
        let mut a = ev(Action::Assign);
        a.assignee = Some("wang".into());
        apply(&mut t, &a).unwrap();
        apply(&mut t, &ev(Action::Accept)).unwrap();
        let mut up = ev(Action::Escalate);
        up.assignee = Some("zhao".into());
        up.reason = Some("needs a senior engineer".into());
        assert_eq!(next_state(t.state(), &up), Some(State::Assigned));
        apply(&mut t, &up).unwrap();
        assert_eq!((t.state(), t.accepted), (State::Assigned, None));
        // Escalating a ticket nobody accepted yet leaves it where it is.
        let mut t = opened();
        up.grade = Some(Grade::II);
        apply(&mut t, &up).unwrap();
        assert_eq!(t.state(), State::New);
    }

    #[test]
    fn compensation_needs_review_then_decision() {
        let mut t = opened();
        let mut a = ev(Action::Assign);
        a.assignee = Some("wang".into());
        apply(&mut t, &a).unwrap();
        apply(&mut t, &ev(Action::Accept)).unwrap();
        let mut req = ev(Action::CompRequest);
        req.amount = Some("500.00".into());
        req.comp_kind = Some(CompKind::Refund);
        apply(&mut t, &req).unwrap();
        assert!(apply(&mut t, &ev(Action::CompApprove)).is_err());
        apply(&mut t, &ev(Action::CompReview)).unwrap();
        apply(&mut t, &ev(Action::CompApprove)).unwrap();
        assert_eq!(t.compensation, Some(CompState::Approved));
    }

    #[test]
    fn a_merged_ticket_is_final_but_still_takes_notes() {
        let mut t = opened();
        let mut into = ev(Action::MergedInto);
        into.ticket = Some("T20261124-CCCCCC".into());
        assert!(apply(&mut t.clone(), &into).is_err(), "needs a reason");
        into.reason = Some("same fault".into());
        apply(&mut t, &into).unwrap();
        assert_eq!(t.state(), State::Merged);
        assert!(!t.is_open());
        assert_eq!(t.links, ["merged-into:T20261124-CCCCCC"]);
        let mut note = ev(Action::Note);
        note.text = Some("late call".into());
        apply(&mut t, &note).unwrap();
        assert_eq!(t.state(), State::Merged);
        assert_eq!(State::Merged.allowed(), [Action::Note, Action::Link]);
        // Nothing merges into a merged ticket, and it is not merged twice.
        let mut from = ev(Action::MergedFrom);
        from.ticket = Some("T20261124-DDDDDD".into());
        from.reason = Some("x".into());
        assert!(apply(&mut t.clone(), &from).is_err());
        assert!(apply(&mut t.clone(), &into).is_err());
    }

    #[test]
    fn a_ticket_with_compensation_pending_is_not_merged() {
        let mut t = opened();
        let mut a = ev(Action::Assign);
        a.assignee = Some("wang".into());
        apply(&mut t, &a).unwrap();
        apply(&mut t, &ev(Action::Accept)).unwrap();
        let mut req = ev(Action::CompRequest);
        req.amount = Some("500".into());
        req.comp_kind = Some(CompKind::Refund);
        apply(&mut t, &req).unwrap();
        let mut into = ev(Action::MergedInto);
        into.ticket = Some("T20261124-CCCCCC".into());
        into.reason = Some("same fault".into());
        let err = apply(&mut t.clone(), &into).unwrap_err().to_string();
        assert!(err.contains("compensation is requested"), "{err}");
        apply(&mut t, &ev(Action::CompReject)).unwrap();
        apply(&mut t, &into).unwrap();
    }

    #[test]
    fn amounts() {
        for ok in ["1", "500", "199.9", "199.90", "0.5"] {
            assert!(valid_amount(ok), "{ok}");
        }
        for bad in ["", "0", "0.00", "-5", "1.234", "1.", ".5", "1e3", "5 元"] {
            assert!(!valid_amount(bad), "{bad}");
        }
    }
}
