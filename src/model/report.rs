//! Field-service reports (现场服务完成情况汇报): one engineer's visit to a customer's site —
//! who went, for whom and for which ticket, what kind of service, when they left, arrived,
//! left the site and came back, what was done and found, what was escalated, parts, cost,
//! who signed, and how it ended.
//!
//! Hours on site are `left - arrived`, computed whenever needed and never stored, so they
//! cannot drift from the times they come from.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use chrono_tz::Tz;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use toml_edit::{DocumentMut, value};

use super::names;
use super::record::{Missing, missing, multiline, write_values};
use super::steps::Files;
use super::ticket_store;
use crate::config::Config;
use crate::desk::attachments::{self, Attachment};
use crate::desk::record::edit_file;
use crate::desk::record::{self, datetime_value, serde_time};
use crate::desk::{Desk, Id, Kind, store};
use crate::error::{Error, Result};
use crate::vocab::vocab;

vocab!(
    /// What kind of visit it was (the form's four boxes).
    ServiceType {
        /// 技术咨询: technical consultation.
        Consultation = "consultation",
        /// 现场施工指导: on-site construction guidance.
        ConstructionGuidance = "construction-guidance",
        /// 现场问题处理: on-site problem handling.
        ProblemHandling = "problem-handling",
        /// 技术培训: technical training.
        Training = "training",
        /// 定期保养: planned maintenance (a schedule's visits).
        Maintenance = "maintenance",
    }
);

impl ServiceType {
    /// The form's own name for it.
    pub fn zh(self) -> &'static str {
        match self {
            ServiceType::Consultation => "技术咨询",
            ServiceType::ConstructionGuidance => "现场施工指导",
            ServiceType::ProblemHandling => "现场问题处理",
            ServiceType::Training => "技术培训",
            ServiceType::Maintenance => "定期保养",
        }
    }
}

vocab!(
    /// How the visit ended.
    Outcome {
        /// The problem is solved.
        Resolved = "resolved",
        /// Part of it is solved.
        PartlyResolved = "partly-resolved",
        /// Nothing could be solved on this visit.
        Unresolved = "unresolved",
        /// Another visit or further work is needed.
        FollowUp = "follow-up",
    }
);

vocab!(
    /// Where a report stands in its review by a supervisor.
    State {
        /// Being written (every report made before reviews existed).
        Draft = "draft",
        /// Complete, waiting for a reviewer (`report submit`).
        Submitted = "submitted",
        /// Accepted by a reviewer.
        Approved = "approved",
        /// Sent back by a reviewer, with the reason; edit it and submit it again.
        Rejected = "rejected",
    }
);

// By hand: `vocab!` takes only doc comments on its words, so no `#[default]`.
#[allow(clippy::derivable_impls)]
impl Default for State {
    fn default() -> Self {
        State::Draft
    }
}

impl State {
    pub fn is_draft(&self) -> bool {
        *self == State::Draft
    }
}

/// A field-service report as stored in `reports/YYYY/MM/R….toml`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub schema: u32,
    pub id: String,
    /// Staff id when the desk lists staff, else a name.
    pub engineer: String,
    /// Customer ID.
    pub customer: String,
    /// Ticket ID, when the visit was for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// The site visit (`V…`) this report completed (`report add --visit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<String>,
    pub service_type: ServiceType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Set out for the site.
    #[serde(
        default,
        deserialize_with = "serde_time::opt_datetime",
        serialize_with = "serde_time::ser_opt_datetime",
        skip_serializing_if = "Option::is_none"
    )]
    pub departed: Option<DateTime<FixedOffset>>,
    /// Arrived on site.
    #[serde(
        default,
        deserialize_with = "serde_time::opt_datetime",
        serialize_with = "serde_time::ser_opt_datetime",
        skip_serializing_if = "Option::is_none"
    )]
    pub arrived: Option<DateTime<FixedOffset>>,
    /// Left the site.
    #[serde(
        default,
        deserialize_with = "serde_time::opt_datetime",
        serialize_with = "serde_time::ser_opt_datetime",
        skip_serializing_if = "Option::is_none"
    )]
    pub left: Option<DateTime<FixedOffset>>,
    /// Back at the base.
    #[serde(
        default,
        deserialize_with = "serde_time::opt_datetime",
        serialize_with = "serde_time::ser_opt_datetime",
        skip_serializing_if = "Option::is_none"
    )]
    pub returned: Option<DateTime<FixedOffset>>,
    /// How the engineer travelled (train, company car, 120 km ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub travel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_done: Option<String>,
    /// Problems found on site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problems: Option<String>,
    /// A problem found on site was reported back within 24 hours.
    #[serde(default)]
    pub escalated: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalated_to: Option<String>,
    /// Parts used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parts: Option<String>,
    /// Decimal text, e.g. "350.00", so money never meets a float.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<String>,
    /// The customer's sign-off (name of who signed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// 1 (very dissatisfied) .. 5 (very satisfied).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<u8>,
    #[serde(
        deserialize_with = "serde_time::datetime",
        serialize_with = "serde_time::ser_datetime"
    )]
    pub created: DateTime<FixedOffset>,
    pub created_by: String,
    /// The review: absent (draft) until `report submit`.
    #[serde(default, skip_serializing_if = "State::is_draft")]
    pub state: State,
    #[serde(
        default,
        deserialize_with = "serde_time::opt_datetime",
        serialize_with = "serde_time::ser_opt_datetime",
        skip_serializing_if = "Option::is_none"
    )]
    pub submitted: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_by: Option<String>,
    #[serde(
        default,
        deserialize_with = "serde_time::opt_datetime",
        serialize_with = "serde_time::ser_opt_datetime",
        skip_serializing_if = "Option::is_none"
    )]
    pub reviewed: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_by: Option<String>,
    /// The reviewer's words (the reason, for a rejection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_note: Option<String>,
    /// Redactions of personal data (PIPL): `svcdesk report redact`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redaction: Vec<super::redact::Redaction>,
    /// Files attached to the report (photos of the site, the signed sheet), stored in
    /// the desk (see `desk::attachments`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<Attachment>,
    /// Custom field values (`[fields.NAME]` for reports), `fields = { NAME = "..." }`.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub fields: crate::config::fields::Values,
}

vocab!(
    /// The fields a user may remove with `report edit --clear`. Engineer, customer and
    /// service type are required and can only be changed.
    Field {
    Ticket = "ticket",
    Location = "location",
    Departed = "departed",
    Arrived = "arrived",
    Left = "left",
    Returned = "returned",
    Travel = "travel",
    WorkDone = "work-done",
    Problems = "problems",
    /// Sets `escalated = false` and removes `escalated_to`.
    Escalated = "escalated",
    EscalatedTo = "escalated-to",
    Parts = "parts",
    Cost = "cost",
    SignedBy = "signed-by",
    Outcome = "outcome",
    Satisfaction = "satisfaction",
});

/// Values to set, as the user gave them (IDs may be abbreviations). `None` leaves a
/// field as it is.
#[derive(Debug, Clone, Default)]
pub struct Fields {
    pub engineer: Option<String>,
    pub customer: Option<String>,
    pub ticket: Option<String>,
    pub service_type: Option<ServiceType>,
    pub location: Option<String>,
    pub departed: Option<DateTime<Utc>>,
    pub arrived: Option<DateTime<Utc>>,
    pub left: Option<DateTime<Utc>>,
    pub returned: Option<DateTime<Utc>>,
    pub travel: Option<String>,
    pub work_done: Option<String>,
    pub problems: Option<String>,
    pub escalated: Option<bool>,
    pub escalated_to: Option<String>,
    pub parts: Option<String>,
    pub cost: Option<String>,
    pub signed_by: Option<String>,
    pub outcome: Option<Outcome>,
    pub satisfaction: Option<u8>,
}

impl Fields {
    /// Does this set a value for a field that can also be cleared?
    fn sets(&self, f: Field) -> bool {
        match f {
            Field::Ticket => self.ticket.is_some(),
            Field::Location => self.location.is_some(),
            Field::Departed => self.departed.is_some(),
            Field::Arrived => self.arrived.is_some(),
            Field::Left => self.left.is_some(),
            Field::Returned => self.returned.is_some(),
            Field::Travel => self.travel.is_some(),
            Field::WorkDone => self.work_done.is_some(),
            Field::Problems => self.problems.is_some(),
            Field::Escalated => self.escalated.is_some() || self.escalated_to.is_some(),
            Field::EscalatedTo => self.escalated_to.is_some(),
            Field::Parts => self.parts.is_some(),
            Field::Cost => self.cost.is_some(),
            Field::SignedBy => self.signed_by.is_some(),
            Field::Outcome => self.outcome.is_some(),
            Field::Satisfaction => self.satisfaction.is_some(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.engineer.is_none()
            && self.customer.is_none()
            && self.service_type.is_none()
            && [
                Field::Ticket,
                Field::Location,
                Field::Departed,
                Field::Arrived,
                Field::Left,
                Field::Returned,
                Field::Travel,
                Field::WorkDone,
                Field::Problems,
                Field::Escalated,
                Field::Parts,
                Field::Cost,
                Field::SignedBy,
                Field::Outcome,
                Field::Satisfaction,
            ]
            .into_iter()
            .all(|f| !self.sets(f))
    }
}

/// Hundredths of an hour as text with two decimals: 250 → "2.50".
pub fn hours_text(hundredths: i64) -> String {
    let sign = if hundredths < 0 { "-" } else { "" };
    let h = hundredths.abs();
    format!("{sign}{}.{:02}", h / 100, h % 100)
}

/// Seconds to hundredths of an hour, rounded half up (exact integer arithmetic).
pub fn hundredths_of(seconds: i64) -> i64 {
    (seconds * 100 + 1800).div_euclid(3600)
}

/// Money as text: digits, optionally a point and one or two decimals; zero allowed (a
/// free visit costs "0").
pub fn valid_cost(s: &str) -> bool {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.len() <= 2
        && frac.bytes().all(|b| b.is_ascii_digit())
        && s.contains('.') != frac.is_empty()
}

/// A cost with exactly two decimals ("350" → "350.00"); anything unreadable as it is.
pub fn cost_text(s: &str) -> String {
    if !valid_cost(s) {
        return s.to_string();
    }
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    format!("{int}.{frac:0<2}")
}

impl Report {
    /// Hours on site in hundredths (`left - arrived`), when both are known.
    pub fn on_site_hundredths(&self) -> Option<i64> {
        match (self.arrived, self.left) {
            (Some(a), Some(l)) if l >= a => Some(hundredths_of((l - a).num_seconds())),
            _ => None,
        }
    }

    /// Hours on site with two decimals, e.g. "2.50".
    pub fn hours_on_site(&self) -> Option<String> {
        self.on_site_hundredths().map(hours_text)
    }

    /// When the visit happened: arrival on site, or else when the report was written.
    /// Months, weeks and ledgers place a report by this.
    pub fn when(&self) -> DateTime<FixedOffset> {
        self.arrived.unwrap_or(self.created)
    }

    /// The visit's date in the desk's time zone.
    pub fn date(&self, tz: Tz) -> NaiveDate {
        self.when().with_timezone(&tz).date_naive()
    }

    /// One line for a ticket's timeline: "field visit R…: problem-handling by wang, 2.50 h
    /// on site; outcome resolved; work done ...".
    pub fn summary(&self) -> String {
        let mut parts = vec![format!(
            "field visit {}: {} by {}",
            self.id, self.service_type, self.engineer
        )];
        if let Some(h) = self.hours_on_site() {
            parts.push(format!("{h} h on site"));
        }
        if let Some(o) = self.outcome {
            parts.push(format!("outcome {o}"));
        }
        if let Some(w) = &self.work_done {
            parts.push(w.clone());
        }
        if self.escalated {
            parts.push(match &self.escalated_to {
                Some(t) => format!("escalated to {t}"),
                None => "escalated".to_string(),
            });
        }
        parts.join("; ").replace('\n', " ")
    }

    /// Every stored field after `id`, in file order, as TOML values (None = absent). The
    /// single place that maps fields to keys.
    pub fn field_values(&self) -> Vec<(&'static str, Option<toml_edit::Value>)> {
        use toml_edit::Value;
        let s = |v: &Option<String>| v.as_deref().map(Value::from);
        let long = |v: &Option<String>| v.as_deref().map(multiline);
        let t = |v: &Option<DateTime<FixedOffset>>| v.map(datetime_value);
        vec![
            ("engineer", Some(Value::from(self.engineer.as_str()))),
            ("customer", Some(Value::from(self.customer.as_str()))),
            ("ticket", s(&self.ticket)),
            ("visit", s(&self.visit)),
            (
                "service_type",
                Some(Value::from(self.service_type.as_str())),
            ),
            ("location", s(&self.location)),
            ("departed", t(&self.departed)),
            ("arrived", t(&self.arrived)),
            ("left", t(&self.left)),
            ("returned", t(&self.returned)),
            ("travel", long(&self.travel)),
            ("work_done", long(&self.work_done)),
            ("problems", long(&self.problems)),
            ("escalated", Some(Value::from(self.escalated))),
            ("escalated_to", s(&self.escalated_to)),
            ("parts", long(&self.parts)),
            ("cost", s(&self.cost)),
            ("signed_by", s(&self.signed_by)),
            ("outcome", self.outcome.map(|o| Value::from(o.as_str()))),
            (
                "satisfaction",
                self.satisfaction.map(|n| Value::from(i64::from(n))),
            ),
            ("created", Some(datetime_value(self.created))),
            ("created_by", Some(Value::from(self.created_by.as_str()))),
            (
                "state",
                (!self.state.is_draft()).then(|| Value::from(self.state.as_str())),
            ),
            ("submitted", t(&self.submitted)),
            ("submitted_by", s(&self.submitted_by)),
            ("reviewed", t(&self.reviewed)),
            ("reviewed_by", s(&self.reviewed_by)),
            ("review_note", long(&self.review_note)),
            (
                "files",
                (!self.files.is_empty()).then(|| attachments::toml_value(&self.files)),
            ),
            ("fields", super::ticket::fields_value(&self.fields)),
        ]
    }

    /// What is wrong with the record on its own (no desk needed): IDs, time order,
    /// ranges, money, the escalation pair. Empty when it is sound.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.engineer.trim().is_empty() {
            out.push("`engineer` is empty".to_string());
        }
        if Id::parse(&self.customer)
            .is_none_or(|i| i.kind() != Kind::Customer || i.as_str() != self.customer)
        {
            out.push(format!(
                "customer = \"{}\" is not a customer ID",
                self.customer
            ));
        }
        if let Some(t) = &self.ticket
            && Id::parse(t).is_none_or(|i| i.kind() != Kind::Ticket || i.as_str() != t)
        {
            out.push(format!("ticket = \"{t}\" is not a ticket ID"));
        }
        if let Some(e) = time_order(self) {
            out.push(e);
        }
        if let Some(n) = self.satisfaction
            && !(1..=5).contains(&n)
        {
            out.push(format!("satisfaction = {n}: a score is 1 to 5"));
        }
        if let Some(c) = &self.cost
            && !valid_cost(c)
        {
            out.push(format!(
                "cost = \"{c}\": write an amount like \"350\" or \"350.00\""
            ));
        }
        if self.escalated_to.is_some() && !self.escalated {
            out.push("escalated_to is set but escalated is false".to_string());
        }
        out
    }

    /// Problems with what the record refers to: the engineer on the staff list (when the
    /// desk keeps one), the customer and the ticket existing.
    pub fn reference_problems(
        &self,
        config: &Config,
        customers: &HashSet<String>,
        tickets: &impl Fn(&str) -> bool,
    ) -> Vec<String> {
        let mut out: Vec<String> = names::staff_problem(config, "engineer", &self.engineer)
            .into_iter()
            .collect();
        if !customers.contains(&self.customer) {
            out.push(format!(
                "customer = \"{}\": no such customer",
                self.customer
            ));
        }
        if let Some(t) = &self.ticket
            && !tickets(t)
        {
            out.push(format!("ticket = \"{t}\": no such ticket"));
        }
        out
    }
}

/// departed ≤ arrived ≤ left ≤ returned, among the times given.
fn time_order(r: &Report) -> Option<String> {
    let given: Vec<(&str, DateTime<FixedOffset>)> = [
        ("departed", r.departed),
        ("arrived", r.arrived),
        ("left", r.left),
        ("returned", r.returned),
    ]
    .into_iter()
    .filter_map(|(k, t)| t.map(|t| (k, t)))
    .collect();
    let fmt = |t: &DateTime<FixedOffset>| t.format("%Y-%m-%d %H:%M").to_string();
    for (i, (k2, t2)) in given.iter().enumerate() {
        for (k1, t1) in &given[..i] {
            if t2 < t1 {
                return Some(format!(
                    "{k2} ({}) is before {k1} ({}); the order is departed ≤ arrived ≤ left ≤ returned",
                    fmt(t2),
                    fmt(t1)
                ));
            }
        }
    }
    None
}

pub fn load_file(path: &Path) -> Result<Report> {
    let text = record::read_text(path)?;
    record::parse_typed(path, &text)
}

pub fn load(desk: &Desk, id: &Id) -> Result<Report> {
    load_file(&desk.path_of(id))
}

/// Every report, in ID order, parsed on all cores. One bad file fails the load with its
/// file:line:column, so no listing or ledger is ever silently short.
pub fn load_all(desk: &Desk) -> Result<Vec<Report>> {
    let files = desk.record_files(Kind::Report)?;
    files.par_iter().map(|p| load_file(p)).collect()
}

/// The reports linked to a ticket, in visit order (then ID), for the ticket's timeline.
/// Cheap: every report file is read, but only those whose text holds the ticket ID are
/// parsed. A file that holds it and cannot be parsed is an error, never a silent gap.
pub fn for_ticket(desk: &Desk, ticket_id: &str) -> Result<Vec<Report>> {
    let files = desk.record_files(Kind::Report)?;
    let found: Vec<Option<Report>> = files
        .par_iter()
        .map(|p| {
            let text = record::read_text(p)?;
            if !text.contains(ticket_id) {
                return Ok(None);
            }
            let r: Report = record::parse_typed(p, &text)?;
            Ok((r.ticket.as_deref() == Some(ticket_id)).then_some(r))
        })
        .collect::<Result<_>>()?;
    let mut out: Vec<Report> = found.into_iter().flatten().collect();
    out.sort_by(|a, b| a.when().cmp(&b.when()).then_with(|| a.id.cmp(&b.id)));
    Ok(out)
}

/// An engineer must be on the staff list when the desk keeps one; otherwise any
/// non-empty name will do.
pub fn check_engineer(desk: &Desk, name: &str) -> Result<String> {
    names::staff_member(&desk.config, "engineer", name)
}

/// Sets `f` onto `r`, resolving IDs. Returns warnings (not errors) worth telling.
fn apply(desk: &Desk, r: &mut Report, f: &Fields, clear: &[Field]) -> Result<Vec<String>> {
    if let Some(c) = clear.iter().find(|c| f.sets(**c)) {
        return Err(Error::invalid(format!(
            "{} is both set and cleared",
            field_name(*c)
        )));
    }
    let text = |v: &Option<String>, slot: &mut Option<String>| {
        if let Some(v) = v {
            let v = v.trim();
            *slot = (!v.is_empty()).then(|| v.to_string());
        }
    };
    let time = |v: Option<DateTime<Utc>>, slot: &mut Option<DateTime<FixedOffset>>| {
        if let Some(t) = v {
            *slot = Some(desk.local(t));
        }
    };
    if let Some(e) = &f.engineer {
        r.engineer = check_engineer(desk, e)?;
    }
    if let Some(c) = &f.customer {
        r.customer = desk.resolve(Kind::Customer, c)?.to_string();
    }
    if let Some(t) = &f.ticket {
        r.ticket = Some(desk.resolve(Kind::Ticket, t)?.to_string());
    }
    if let Some(s) = f.service_type {
        r.service_type = s;
    }
    text(&f.location, &mut r.location);
    time(f.departed, &mut r.departed);
    time(f.arrived, &mut r.arrived);
    time(f.left, &mut r.left);
    time(f.returned, &mut r.returned);
    text(&f.travel, &mut r.travel);
    text(&f.work_done, &mut r.work_done);
    text(&f.problems, &mut r.problems);
    if let Some(b) = f.escalated {
        r.escalated = b;
        if !b {
            r.escalated_to = None;
        }
    }
    if f.escalated_to.is_some() {
        text(&f.escalated_to, &mut r.escalated_to);
        if f.escalated.is_none() && r.escalated_to.is_some() {
            r.escalated = true;
        }
    }
    // A problem reported back (上报) was reported to someone: the 24-hour rule is checked
    // against a person, never a bare flag. Old files without one are left as they are.
    if f.escalated == Some(true) && r.escalated_to.is_none() {
        return Err(Error::usage(
            "--escalated says a problem found on site was reported back, but not to whom",
            "add --escalated-to WHO (the supervisor or head told); a site visit records the time too: `svcdesk visit escalate V --to WHO`",
        ));
    }
    text(&f.parts, &mut r.parts);
    if let Some(c) = &f.cost {
        let c = c.trim();
        if !c.is_empty() && !valid_cost(c) {
            return Err(Error::usage(
                format!("cannot read \"{c}\" as a cost"),
                "write an amount like 350 or 350.00 (no currency sign)",
            ));
        }
        text(&f.cost, &mut r.cost);
    }
    text(&f.signed_by, &mut r.signed_by);
    if let Some(o) = f.outcome {
        r.outcome = Some(o);
    }
    if let Some(n) = f.satisfaction {
        if !(1..=5).contains(&n) {
            return Err(Error::invalid(format!(
                "satisfaction {n}: a score is 1 (very dissatisfied) to 5 (very satisfied)"
            )));
        }
        r.satisfaction = Some(n);
    }
    for c in clear {
        match c {
            Field::Ticket => r.ticket = None,
            Field::Location => r.location = None,
            Field::Departed => r.departed = None,
            Field::Arrived => r.arrived = None,
            Field::Left => r.left = None,
            Field::Returned => r.returned = None,
            Field::Travel => r.travel = None,
            Field::WorkDone => r.work_done = None,
            Field::Problems => r.problems = None,
            Field::Escalated => {
                r.escalated = false;
                r.escalated_to = None;
            }
            Field::EscalatedTo => r.escalated_to = None,
            Field::Parts => r.parts = None,
            Field::Cost => r.cost = None,
            Field::SignedBy => r.signed_by = None,
            Field::Outcome => r.outcome = None,
            Field::Satisfaction => r.satisfaction = None,
        }
    }
    let mut warnings = Vec::new();
    if (f.ticket.is_some() || f.customer.is_some())
        && let Some(t) = r.ticket.as_deref().and_then(Id::parse)
    {
        let ticket = ticket_store::load(desk, &t)?;
        if let Some(c) = ticket.customer.filter(|c| c != &r.customer) {
            warnings.push(format!(
                "ticket {t} is for customer {c}, this report for {}",
                r.customer
            ));
        }
    }
    Ok(warnings)
}

fn field_name(f: Field) -> &'static str {
    match f {
        Field::Ticket => "ticket",
        Field::Location => "location",
        Field::Departed => "departed",
        Field::Arrived => "arrived",
        Field::Left => "left",
        Field::Returned => "returned",
        Field::Travel => "travel",
        Field::WorkDone => "work_done",
        Field::Problems => "problems",
        Field::Escalated => "escalated",
        Field::EscalatedTo => "escalated_to",
        Field::Parts => "parts",
        Field::Cost => "cost",
        Field::SignedBy => "signed_by",
        Field::Outcome => "outcome",
        Field::Satisfaction => "satisfaction",
    }
}

/// The record's own problems as one error (for add and edit, before anything is written).
fn refuse_unsound(r: &Report) -> Result<()> {
    let p = r.problems();
    if p.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid(p.join("; ")))
    }
}

/// What `report add` needs besides the fields.
pub struct NewReport {
    pub fields: Fields,
    pub by: String,
    pub at: DateTime<Utc>,
    pub attachments: Files,
    /// Custom fields, `NAME=VALUE` as typed.
    pub custom: Vec<(String, String)>,
    /// The site visit the report completes: its full ID (see [`add_for_visit`]).
    pub visit: Option<String>,
}

pub struct Added {
    pub id: Id,
    pub path: PathBuf,
    pub report: Report,
    pub warnings: Vec<String>,
}

/// Writes a new report. Engineer and service type are required; the customer defaults
/// to the linked ticket's.
pub fn add(desk: &Desk, new: NewReport) -> Result<Added> {
    let f = &new.fields;
    let custom = super::fields::new_values(
        desk,
        crate::config::fields::FieldRecord::Report,
        &new.custom,
    )?;
    let engineer = f
        .engineer
        .as_deref()
        .ok_or_else(|| missing("a report needs the engineer who went", &["engineer"]))?;
    let engineer = check_engineer(desk, engineer)?;
    let service_type = f.service_type.ok_or_else(|| {
        Error::Record(Box::new(Missing {
            message: "a report needs a service type".into(),
            keys: &["service_type"],
            known: Some(format!("service types: {}", ServiceType::names())),
        }))
    })?;
    let ticket = f
        .ticket
        .as_deref()
        .map(|t| desk.resolve(Kind::Ticket, t))
        .transpose()?;
    let customer = match (&f.customer, &ticket) {
        (Some(c), _) => desk.resolve(Kind::Customer, c)?.to_string(),
        (None, Some(t)) => ticket_store::load(desk, t)?
            .customer
            .ok_or_else(|| missing(format!("ticket {t} has no customer"), &["customer"]))?,
        (None, None) => {
            return Err(missing(
                "a report needs a customer or a ticket",
                &["customer", "ticket"],
            ));
        }
    };
    let files = super::steps::attachments(desk, &new.attachments)?;
    let _lock = desk.lock()?;
    let id = desk.new_id(Kind::Report, new.at);
    let mut r = Report {
        schema: 1,
        id: id.to_string(),
        engineer,
        customer: customer.clone(),
        ticket: None,
        visit: new.visit.clone(),
        service_type,
        location: None,
        departed: None,
        arrived: None,
        left: None,
        returned: None,
        travel: None,
        work_done: None,
        problems: None,
        escalated: false,
        escalated_to: None,
        parts: None,
        cost: None,
        signed_by: None,
        outcome: None,
        satisfaction: None,
        created: desk.local(new.at),
        created_by: new.by.clone(),
        state: State::Draft,
        submitted: None,
        submitted_by: None,
        reviewed: None,
        reviewed_by: None,
        review_note: None,
        redaction: Vec::new(),
        files,
        fields: custom,
    };
    let rest = Fields {
        engineer: None,
        customer: Some(customer),
        ..new.fields.clone()
    };
    let warnings = apply(desk, &mut r, &rest, &[])?;
    refuse_unsound(&r)?;
    let mut doc = DocumentMut::new();
    doc["schema"] = value(1);
    doc["id"] = value(id.as_str());
    write_values(&mut doc, &r.field_values());
    let path = desk.path_of(&id);
    // The files first: a crash now leaves an unreferenced file, never a report naming
    // a file that is not there.
    attachments::store(&desk.root, &r.files)?;
    store::create_new_atomic(&path, doc.to_string().as_bytes())?;
    Ok(Added {
        id,
        path,
        report: r,
        warnings,
    })
}

/// `report add --visit V`: the report of a visit on site, completing it. What the
/// report does not say is taken from the visit (ticket, engineer, service type, arrival,
/// the first escalation); the visit must be on site (the refusal says what it allows), and
/// is then `done`, naming the report.
pub fn add_for_visit(desk: &Desk, visit: &str, mut new: NewReport) -> Result<Added> {
    use super::visit as v;
    let id = desk.resolve(Kind::Visit, visit)?;
    let when = crate::desk::When::At(new.at);
    // Refused before anything is written when the visit cannot be completed now.
    let vis = v::check_complete(desk, &id, &new.by, when)?;
    let f = &mut new.fields;
    if f.ticket.is_none() && f.customer.is_none() {
        // A planned visit (from a schedule) has no ticket: the report names its customer.
        match &vis.ticket {
            Some(t) => f.ticket = Some(t.clone()),
            None => f.customer = Some(vis.customer.clone()),
        }
    }
    if f.engineer.is_none() {
        f.engineer = vis.engineer.clone();
    }
    f.service_type = f.service_type.or(Some(vis.service_type));
    if f.arrived.is_none() {
        f.arrived = vis.arrived.map(|t| t.to_utc());
    }
    if f.escalated.is_none() && f.escalated_to.is_none() && vis.escalated.is_some() {
        f.escalated_to = vis.escalated_to.clone();
    }
    new.visit = Some(id.to_string());
    let by = new.by.clone();
    let added = add(desk, new)?;
    v::complete(desk, &id, by, when, added.id.as_str())?;
    Ok(added)
}

pub struct Edited {
    pub changed: bool,
    pub report: Report,
    pub warnings: Vec<String>,
}

/// Sets and clears fields; the result must still be a sound report (time order, ...).
/// Only the changed lines of the file change; comments and unknown layout survive.
pub fn edit(desk: &Desk, id: &Id, f: &Fields, clear: &[Field]) -> Result<Edited> {
    let _lock = desk.lock()?;
    let path = desk.path_of(id);
    // Validate the file as a whole first: editing a broken record would hide the break.
    let mut r = load_file(&path)?;
    super::report_review::editable(id, &r)?;
    let warnings = apply(desk, &mut r, f, clear)?;
    refuse_unsound(&r).map_err(|e| Error::invalid(format!("{id}: {e}")))?;
    let changed = edit_file(&path, |doc| {
        write_values(doc, &r.field_values());
        Ok(())
    })?;
    Ok(Edited {
        changed,
        report: r,
        warnings,
    })
}

/// Which reports `report list` shows. Every given filter must match.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub engineer: Option<String>,
    /// Customer ID.
    pub customer: Option<String>,
    /// Ticket ID.
    pub ticket: Option<String>,
    pub service_type: Vec<ServiceType>,
    /// Visit dates (desk zone), inclusive.
    pub dates: Option<(NaiveDate, NaiveDate)>,
    /// Review states (any of them); empty: all.
    pub state: Vec<State>,
}

impl Filter {
    pub fn matches(&self, r: &Report, tz: Tz) -> bool {
        self.engineer.as_deref().is_none_or(|e| r.engineer == e)
            && self.customer.as_deref().is_none_or(|c| r.customer == c)
            && self
                .ticket
                .as_deref()
                .is_none_or(|t| r.ticket.as_deref() == Some(t))
            && (self.service_type.is_empty() || self.service_type.contains(&r.service_type))
            && self.dates.is_none_or(|(from, to)| {
                let d = r.date(tz);
                from <= d && d <= to
            })
            && (self.state.is_empty() || self.state.contains(&r.state))
    }
}

/// Sorts reports by visit time, then ID.
pub fn sort_by_visit(all: &mut [Report]) {
    all.sort_by(|a, b| a.when().cmp(&b.when()).then_with(|| a.id.cmp(&b.id)));
}

/// A report with its computed hours, for JSON output.
#[derive(Debug, Serialize)]
pub struct WithHours<'a> {
    #[serde(flatten)]
    pub report: &'a Report,
    /// Hours on site (`left - arrived`), two decimals; null when either is unknown.
    pub hours_on_site: Option<f64>,
}

impl<'a> From<&'a Report> for WithHours<'a> {
    fn from(report: &'a Report) -> Self {
        WithHours {
            report,
            hours_on_site: report.on_site_hundredths().map(|h| h as f64 / 100.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn sample() -> Report {
        Report {
            schema: 1,
            id: "R20261124-2HQA7D".into(),
            engineer: "wang".into(),
            customer: "C20261102-5QHJP3".into(),
            ticket: None,
            visit: None,
            service_type: ServiceType::ProblemHandling,
            location: None,
            departed: Some(at("2026-11-24T08:00:00+08:00")),
            arrived: Some(at("2026-11-24T09:30:00+08:00")),
            left: Some(at("2026-11-24T12:10:00+08:00")),
            returned: None,
            travel: None,
            work_done: None,
            problems: None,
            escalated: false,
            escalated_to: None,
            parts: None,
            cost: None,
            signed_by: None,
            outcome: None,
            satisfaction: None,
            created: at("2026-11-24T18:00:00+08:00"),
            created_by: "wang".into(),
            state: State::Draft,
            submitted: None,
            submitted_by: None,
            reviewed: None,
            reviewed_by: None,
            review_note: None,
            redaction: Vec::new(),
            files: Vec::new(),
            fields: Default::default(),
        }
    }

    #[test]
    fn hours_on_site_are_left_minus_arrived() {
        let mut r = sample();
        assert_eq!(r.hours_on_site().as_deref(), Some("2.67"));
        r.left = None;
        assert_eq!(r.hours_on_site(), None);
    }

    #[test]
    fn hundredths_round_half_up() {
        assert_eq!(hundredths_of(0), 0);
        assert_eq!(hundredths_of(18), 1); // 0.005 h rounds up
        assert_eq!(hundredths_of(17), 0);
        assert_eq!(hundredths_of(3600), 100);
        assert_eq!(hours_text(250), "2.50");
        assert_eq!(hours_text(5), "0.05");
    }

    #[test]
    fn time_order_is_checked() {
        let mut r = sample();
        assert!(r.problems().is_empty(), "{:?}", r.problems());
        r.returned = Some(at("2026-11-24T11:00:00+08:00"));
        let p = r.problems();
        assert_eq!(p.len(), 1);
        assert!(
            p[0].starts_with("returned (2026-11-24 11:00) is before left (2026-11-24 12:10)"),
            "{p:?}"
        );
        r.returned = None;
        r.departed = Some(at("2026-11-24T10:00:00+08:00"));
        assert!(r.problems()[0].starts_with("arrived"), "{:?}", r.problems());
    }

    #[test]
    fn costs() {
        for ok in ["0", "350", "350.5", "350.00"] {
            assert!(valid_cost(ok), "{ok}");
        }
        for bad in ["", "-1", "1.234", "1.", ".5", "¥350", "3,500"] {
            assert!(!valid_cost(bad), "{bad}");
        }
        assert_eq!(cost_text("350"), "350.00");
        assert_eq!(cost_text("350.5"), "350.50");
        assert_eq!(cost_text("0"), "0.00");
    }

    #[test]
    fn escalated_to_needs_escalated() {
        let mut r = sample();
        r.escalated_to = Some("sun".into());
        assert_eq!(r.problems(), ["escalated_to is set but escalated is false"]);
        r.escalated = true;
        assert!(r.problems().is_empty());
    }

    #[test]
    fn for_ticket_finds_linked_reports_only_in_visit_order() {
        let dir = tempfile::tempdir().unwrap();
        let tz: Tz = "Asia/Shanghai".parse().unwrap();
        let desk = Desk::init(dir.path(), "t", tz, false).unwrap();
        let ticket = "T20261116-9XWM3A";
        let write = |r: &Report| {
            let mut doc = DocumentMut::new();
            doc["schema"] = value(1);
            doc["id"] = value(r.id.as_str());
            for (k, v) in r.field_values() {
                if let Some(v) = v {
                    doc[k] = value(v);
                }
            }
            let p = desk.path_of(&Id::parse(&r.id).unwrap());
            store::write_atomic(&p, doc.to_string().as_bytes()).unwrap();
        };
        let mut late = sample();
        late.id = "R20261124-AAAAAA".into();
        late.ticket = Some(ticket.into());
        let mut early = sample();
        early.id = "R20261125-BBBBBB".into();
        early.ticket = Some(ticket.into());
        early.arrived = Some(at("2026-11-24T08:30:00+08:00"));
        // Mentions the ticket in its text but is linked to another one.
        let mut mention = sample();
        mention.id = "R20261124-CCCCCC".into();
        mention.ticket = Some("T20261116-000000".into());
        mention.work_done = Some(format!("same fault as {ticket}"));
        let mut unrelated = sample();
        unrelated.id = "R20261124-DDDDDD".into();
        for r in [&late, &early, &mention, &unrelated] {
            write(r);
        }
        let found = for_ticket(&desk, ticket).unwrap();
        let ids: Vec<&str> = found.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["R20261125-BBBBBB", "R20261124-AAAAAA"]);
        assert!(for_ticket(&desk, "T20261116-ZZZZZZ").unwrap().is_empty());
        // A broken file that holds the ID is an error naming it; one that does not is
        // not read as a report at all.
        let broken = desk.path_of(&Id::parse("R20261126-EEEEEE").unwrap());
        std::fs::write(&broken, format!("ticket = \"{ticket}\"\nbogus")).unwrap();
        let err = for_ticket(&desk, ticket).unwrap_err().to_string();
        assert!(err.contains("R20261126-EEEEEE.toml:2:"), "{err}");
        assert!(for_ticket(&desk, "T20261116-ZZZZZZ").unwrap().is_empty());
    }

    #[test]
    fn vocab_spellings_round_trip() {
        for s in ServiceType::ALL {
            let v: ServiceType = serde_json::from_str(&format!("\"{s}\"")).unwrap();
            assert_eq!(v, *s);
        }
        for o in Outcome::ALL {
            let v: Outcome = serde_json::from_str(&format!("\"{o}\"")).unwrap();
            assert_eq!(v, *o);
        }
        assert_eq!(
            ServiceType::names(),
            "consultation, construction-guidance, problem-handling, training, maintenance"
        );
    }
}
