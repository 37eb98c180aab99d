//! Improvement measures (改进措施): what the monthly analysis decides to change, with an
//! owner and a due date, followed up until done (DOMAIN.md, life of a ticket, step 7).
//!
//! A measure file reads like a ticket's: current fields, then an append-only `[[event]]`
//! history (`add`, `note`, `done`, `reopen`). The fields are by definition what
//! [`replay`] of the history gives; `svcdesk check` reports a file whose fields disagree,
//! and the git merge of two clones' histories stays a union of events.
//!
//! A measure is **overdue** when it is not done and its due date (a whole day in the
//! desk's time zone) is over: due 2026-11-23 is overdue from 2026-11-24 00:00.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use chrono_tz::Tz;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::names;
use super::record::{self, Record, multiline};
// The engine's, at the paths their callers have always used.
pub use super::record::{StepError, render, replay, replay_checked};
use crate::config::Config;
use crate::desk::record::serde_time;
use crate::desk::{Desk, Id, Kind, When};
use crate::error::{Error, Result};
use crate::time::{Month, Period, midnight};
use crate::vocab::vocab;

vocab!(
    /// What a measure changes: people's skills, the way work is done, or the product.
    MeasureKind {
        /// 培训: train staff or customers.
        Training = "training",
        /// 流程: change how the department works.
        Process = "process",
        /// 产品: change the product (design, quality, documentation).
        Product = "product",
    }
);

vocab!(State {
    Open = "open",
    Done = "done",
});

// By hand: `vocab!` takes only doc comments on its words, so no `#[default]`.
#[allow(clippy::derivable_impls)]
impl Default for State {
    fn default() -> Self {
        State::Open
    }
}

impl State {
    /// The steps a person may take from this state.
    pub fn allowed(self) -> Vec<Action> {
        match self {
            State::Open => vec![Action::Note, Action::Done],
            State::Done => vec![Action::Reopen],
        }
    }
}

vocab!(
    /// Every kind of event in a measure's history.
    Action {
        /// The measure is decided: problem, source, measure, kind, owner, due date.
        Add = "add",
        /// A follow-up note (跟进记录).
        Note = "note",
        /// Carried out: the result, and whether its effect was checked.
        Done = "done",
        /// Not done after all (the effect check failed, say): open again, with a reason.
        Reopen = "reopen",
        /// svcdesk told people it is overdue (`sla check --notify`), so it does not again.
        Notified = "notified",
    }
);

impl Action {
    /// The step as a verb phrase, for "cannot ...".
    fn verb(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Note => "add a note",
            Action::Done => "mark it done",
            Action::Reopen => "reopen",
            Action::Notified => "record a notification",
        }
    }
}

/// One thing that happened to a measure. Flat, like a ticket's events, so TOML errors
/// point at the right line; each action uses a few of the optional fields.
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

    // add
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tickets: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<MeasureKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(
        default,
        deserialize_with = "serde_time::opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub due: Option<NaiveDate>,

    // note, reopen
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,

    // done
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub effect_checked: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<String>,
}

impl Event {
    /// An event of `action` with no fields of its own yet.
    pub fn new(at: DateTime<FixedOffset>, by: impl Into<String>, action: Action) -> Event {
        Event {
            at,
            by: by.into(),
            action,
            problem: None,
            period: None,
            category: None,
            tickets: Vec::new(),
            measure: None,
            kind: None,
            owner: None,
            due: None,
            text: None,
            result: None,
            effect_checked: false,
            effect: None,
        }
    }
}

/// The measure as stored: current fields, then the history. `Serialize` gives the JSON
/// of `measure show/list --format json` (and what a hook receives).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    pub schema: u32,
    pub id: String,
    #[serde(default)]
    pub state: State,
    pub kind: MeasureKind,
    pub owner: String,
    #[serde(deserialize_with = "serde_time::date")]
    pub due: NaiveDate,
    /// The problem found (发现的问题).
    pub problem: String,
    /// What will be done about it (改进措施).
    pub measure: String,
    /// Where the problem was seen: a stats period (`2026-11`, `2026Q4`), a category,
    /// tickets.
    #[serde(default)]
    pub period: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub tickets: Vec<String>,
    #[serde(
        deserialize_with = "serde_time::datetime",
        serialize_with = "serde_time::ser_datetime"
    )]
    pub created: DateTime<FixedOffset>,
    pub created_by: String,
    #[serde(
        default,
        deserialize_with = "serde_time::opt_datetime",
        serialize_with = "serde_time::ser_opt_datetime"
    )]
    pub done: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub done_by: Option<String>,
    #[serde(default)]
    pub result: Option<String>,
    #[serde(default)]
    pub effect_checked: bool,
    #[serde(default)]
    pub effect: Option<String>,
    #[serde(default)]
    pub event: Vec<Event>,
}

fn need(what: &str, v: Option<&str>, action: Action) -> Result<(), StepError> {
    if v.is_some_and(|s| !s.trim().is_empty()) {
        Ok(())
    } else {
        Err(StepError::Invalid(format!("{action} needs {what}")))
    }
}

/// Fields an action does not take must be absent, so a hand-edited event never carries
/// a value that replay would silently ignore.
fn only_own_fields(e: &Event) -> Result<(), StepError> {
    let mut stray: Vec<&str> = Vec::new();
    if e.action != Action::Add {
        for (k, set) in [
            ("problem", e.problem.is_some()),
            ("period", e.period.is_some()),
            ("category", e.category.is_some()),
            ("tickets", !e.tickets.is_empty()),
            ("measure", e.measure.is_some()),
            ("kind", e.kind.is_some()),
            ("owner", e.owner.is_some()),
            ("due", e.due.is_some()),
        ] {
            if set {
                stray.push(k);
            }
        }
    }
    if !matches!(e.action, Action::Note | Action::Reopen | Action::Notified) && e.text.is_some() {
        stray.push("text");
    }
    if e.action != Action::Done {
        for (k, set) in [
            ("result", e.result.is_some()),
            ("effect_checked", e.effect_checked),
            ("effect", e.effect.is_some()),
        ] {
            if set {
                stray.push(k);
            }
        }
    }
    match stray.as_slice() {
        [] => Ok(()),
        keys => Err(StepError::Invalid(format!(
            "{} does not take {}",
            e.action,
            keys.join(", ")
        ))),
    }
}

/// The measure an `add` event creates.
fn from_add(id: &str, e: &Event) -> Result<Measure, StepError> {
    only_own_fields(e)?;
    need(
        "the problem found (problem)",
        e.problem.as_deref(),
        e.action,
    )?;
    need(
        "the measure itself (measure)",
        e.measure.as_deref(),
        e.action,
    )?;
    need("an owner", e.owner.as_deref(), e.action)?;
    let (Some(kind), Some(due)) = (e.kind, e.due) else {
        return Err(StepError::Invalid(
            "add needs a kind (training, process, product) and a due date".into(),
        ));
    };
    if e.period.is_none() && e.category.is_none() && e.tickets.is_empty() {
        return Err(StepError::Invalid(
            "add needs a source: a period, a category or tickets".into(),
        ));
    }
    let text = |v: &Option<String>| v.as_deref().unwrap_or_default().trim().to_string();
    Ok(Measure {
        schema: 1,
        id: id.to_string(),
        state: State::Open,
        kind,
        owner: text(&e.owner),
        due,
        problem: text(&e.problem),
        measure: text(&e.measure),
        period: e.period.clone(),
        category: e.category.clone(),
        tickets: e.tickets.clone(),
        created: e.at,
        created_by: e.by.clone(),
        done: None,
        done_by: None,
        result: None,
        effect_checked: false,
        effect: None,
        event: vec![e.clone()],
    })
}

/// Applies one later event to the measure's current fields: the single definition of
/// which step is allowed when.
pub fn apply(m: &mut Measure, e: &Event) -> Result<(), StepError> {
    let refuse = || StepError::Transition {
        noun: "measure",
        verb: e.action.verb(),
        state: m.state.as_str(),
        allowed: m
            .state
            .allowed()
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    };
    match (e.action, m.state) {
        (Action::Add, _) => {
            return Err(StepError::Invalid(
                "`add` can only be the first event of a measure".into(),
            ));
        }
        (Action::Note, State::Open) => {
            need("text", e.text.as_deref(), e.action)?;
        }
        (Action::Done, State::Open) => {
            need("a result", e.result.as_deref(), e.action)?;
            m.state = State::Done;
            m.done = Some(e.at);
            m.done_by = Some(e.by.clone());
            m.result = e.result.as_deref().map(|s| s.trim().to_string());
            m.effect_checked = e.effect_checked;
            m.effect = e.effect.as_deref().map(|s| s.trim().to_string());
        }
        (Action::Notified, State::Open) => {}
        (Action::Reopen, State::Done) => {
            need("a reason (text)", e.text.as_deref(), e.action)?;
            m.state = State::Open;
            m.done = None;
            m.done_by = None;
            m.result = None;
            m.effect_checked = false;
            m.effect = None;
        }
        _ => return Err(refuse()),
    }
    only_own_fields(e)?;
    m.event.push(e.clone());
    Ok(())
}

record::plain_step!(Event, Measure);

impl Record for Measure {
    type Event = Event;
    const NOUN: &'static str = "measure";
    const FIRST: &'static str = "add";
    fn id(&self) -> &str {
        &self.id
    }
    fn events(&self) -> &[Event] {
        &self.event
    }
    fn create(id: &str, first: &Event) -> Result<Measure, StepError> {
        from_add(id, first)
    }
    fn apply(&mut self, e: &Event) -> Result<(), StepError> {
        apply(self, e)
    }
    fn fields(&self) -> Vec<(&'static str, Option<toml_edit::Value>)> {
        self.field_values()
    }
}

impl Measure {
    pub fn is_open(&self) -> bool {
        self.state == State::Open
    }

    /// The instant the due date is over: the next midnight in the desk's time zone.
    pub fn due_end(&self, tz: Tz) -> DateTime<Utc> {
        midnight(tz, self.due + chrono::Days::new(1))
    }

    /// Not done, and its due date is before `today` (a date in the desk's time zone).
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.is_open() && self.due < today
    }

    /// The state just before instant `t`, by the events before it; `None` if the
    /// measure did not exist yet.
    pub fn state_at(&self, t: DateTime<Utc>) -> Option<State> {
        let mut state = None;
        for e in self.event.iter().take_while(|e| e.at.to_utc() < t) {
            state = Some(match e.action {
                Action::Add | Action::Reopen => State::Open,
                Action::Done => State::Done,
                Action::Note | Action::Notified => state.unwrap_or(State::Open),
            });
        }
        state
    }

    /// Whether people were told it is overdue since it was last opened (added or
    /// reopened): a reopened measure past its date is news again.
    pub fn notified(&self) -> bool {
        self.event
            .iter()
            .rev()
            .take_while(|e| !matches!(e.action, Action::Add | Action::Reopen))
            .any(|e| e.action == Action::Notified)
    }

    /// Follow-up notes, in the order entered.
    pub fn notes(&self) -> impl Iterator<Item = &Event> {
        self.event.iter().filter(|e| e.action == Action::Note)
    }

    /// Every current field, in file order, as TOML values (None = absent). The single
    /// place that maps fields to keys, used to write files and to detect drift.
    pub fn field_values(&self) -> Vec<(&'static str, Option<toml_edit::Value>)> {
        use crate::desk::record::{date_value, datetime_value};
        use toml_edit::Value;
        let s = |v: &Option<String>| v.as_deref().map(multiline);
        vec![
            ("state", Some(Value::from(self.state.as_str()))),
            ("kind", Some(Value::from(self.kind.as_str()))),
            ("owner", Some(Value::from(self.owner.as_str()))),
            ("due", Some(date_value(self.due))),
            ("problem", Some(multiline(&self.problem))),
            ("period", s(&self.period)),
            ("category", s(&self.category)),
            (
                "tickets",
                Some(Value::Array(
                    self.tickets.iter().map(String::as_str).collect(),
                )),
            ),
            ("measure", Some(multiline(&self.measure))),
            ("created", Some(datetime_value(self.created))),
            ("created_by", Some(Value::from(self.created_by.as_str()))),
            ("done", self.done.map(datetime_value)),
            ("done_by", s(&self.done_by)),
            ("result", s(&self.result)),
            // Only meaningful once done; absent before, so an open measure's file does
            // not claim anything about its effect.
            (
                "effect_checked",
                self.done.map(|_| Value::from(self.effect_checked)),
            ),
            ("effect", s(&self.effect)),
        ]
    }

    /// Fields whose stored value differs from what the history gives.
    pub fn drift(&self, replayed: &Measure) -> Vec<&'static str> {
        super::record::drift(self, replayed)
    }

    /// Problems with what the measure refers to: its tickets exist, its category is in
    /// the config, its owner is on the staff list (when the desk keeps one).
    pub fn reference_problems(
        &self,
        config: &Config,
        tickets: &impl Fn(&str) -> bool,
    ) -> Vec<String> {
        let mut out: Vec<String> = names::staff_problem(config, "owner", &self.owner)
            .into_iter()
            .chain(
                self.category
                    .as_deref()
                    .and_then(|c| names::category_problem(config, c)),
            )
            .collect();
        for t in &self.tickets {
            if !tickets(t) {
                out.push(format!("ticket {t}: no such ticket"));
            }
        }
        out
    }
}

/// Loads a measure as its history says it is (the stored fields are for people and grep).
pub fn load_file(path: &Path) -> Result<Measure> {
    record::load_file(path)
}

pub fn load(desk: &Desk, id: &Id) -> Result<Measure> {
    load_file(&desk.path_of(id))
}

/// Every measure, in ID order. One bad file is an error naming it, so a list or an
/// SLA check is never silently short.
pub fn load_all(desk: &Desk) -> Result<Vec<Measure>> {
    desk.record_files(Kind::Measure)?
        .par_iter()
        .map(|p| load_file(p))
        .collect()
}

/// The open measures whose due date is before `today` (in the desk's time zone), by due
/// date then ID: what `sla check` warns about.
pub fn overdue(desk: &Desk, today: NaiveDate) -> Result<Vec<Measure>> {
    let mut v: Vec<Measure> = load_all(desk)?
        .into_iter()
        .filter(|m| m.is_overdue(today))
        .collect();
    sort_by_due(&mut v);
    Ok(v)
}

/// Due date, then ID: the order of every listing of measures.
pub fn sort_by_due(v: &mut [Measure]) {
    v.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.id.cmp(&b.id)));
}

/// A period as a measure records it: a month (`2026-11`, `this`, `last`) or a quarter
/// (`2026Q4`), normalised to the label `stats` prints.
pub fn parse_period(s: &str, today: NaiveDate, tz: Tz) -> Result<String> {
    if let Ok(m) = Month::parse(s, today) {
        return Ok(m.to_string());
    }
    Period::parse_quarter(s, today, tz)
        .map(|p| p.label)
        .map_err(|_| {
            Error::usage(
                format!("cannot read \"{s}\" as a period"),
                "write a month (2026-11, this, last) or a quarter (2026Q4)",
            )
        })
}

/// What `measure add` needs.
pub struct NewMeasure {
    pub problem: String,
    pub measure: String,
    pub kind: MeasureKind,
    pub owner: String,
    pub due: NaiveDate,
    /// As typed: a month or quarter (see [`parse_period`]).
    pub period: Option<String>,
    pub category: Option<String>,
    /// As typed: IDs or abbreviations.
    pub tickets: Vec<String>,
    pub by: String,
    pub at: DateTime<Utc>,
}

pub struct Added {
    pub id: Id,
    pub path: PathBuf,
    pub measure: Measure,
}

pub fn add(desk: &Desk, new: NewMeasure) -> Result<Added> {
    let created = desk.local(new.at);
    let owner = names::staff_member(&desk.config, "owner", &new.owner)?;
    let period = new
        .period
        .as_deref()
        .map(|p| parse_period(p, created.date_naive(), desk.tz()))
        .transpose()?;
    let category = new
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if let Some(c) = category {
        names::category(&desk.config, c)?;
    }
    let mut tickets: Vec<String> = Vec::new();
    for t in &new.tickets {
        let id = desk.resolve(Kind::Ticket, t)?.to_string();
        if !tickets.contains(&id) {
            tickets.push(id);
        }
    }
    if period.is_none() && category.is_none() && tickets.is_empty() {
        return Err(Error::Record(Box::new(AddError::NoSource)));
    }
    if new.due < created.date_naive() {
        return Err(Error::Record(Box::new(AddError::DueBeforeDecided {
            due: new.due,
            decided: created.date_naive(),
        })));
    }
    let mut e = Event::new(created, new.by, Action::Add);
    e.problem = Some(new.problem.trim().to_string()).filter(|s| !s.is_empty());
    e.period = period;
    e.category = category.map(String::from);
    e.tickets = tickets;
    e.measure = Some(new.measure.trim().to_string()).filter(|s| !s.is_empty());
    e.kind = Some(new.kind);
    e.owner = Some(owner);
    e.due = Some(new.due);
    let _lock = desk.lock()?;
    let id = desk.new_id(Kind::Measure, new.at);
    let m = replay(id.as_str(), std::slice::from_ref(&e))
        .map_err(|(_, err)| Error::Record(Box::new(AddError::Incomplete(err))))?;
    let path = record::create_file(desk, &id, &m)?;
    Ok(Added {
        id,
        path,
        measure: m,
    })
}

/// Why `add` refuses a measure, for the CLI to advise on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddError {
    #[error("a measure needs a source: where the problem was found")]
    NoSource,
    #[error("the due date {due} is before the day the measure is decided ({decided})")]
    DueBeforeDecided { due: NaiveDate, decided: NaiveDate },
    /// Something the measure needs is missing (its problem or measure text, say).
    #[error("{0}")]
    Incomplete(StepError),
}

/// Appends one step (see [`record::append`]). Returns the measure as it now stands.
pub fn append(desk: &Desk, id: &Id, when: When, e: Event) -> Result<Measure> {
    record::append(desk, id, when, e, |_: &Measure, _| Ok(()))
}

/// The placeholder time of an event `append` has yet to stamp.
fn unstamped() -> DateTime<FixedOffset> {
    DateTime::<Utc>::UNIX_EPOCH.fixed_offset()
}

pub fn note(desk: &Desk, id: &Id, by: String, when: When, text: &str) -> Result<Measure> {
    let mut e = Event::new(unstamped(), by, Action::Note);
    e.text = Some(text.trim().to_string()).filter(|s| !s.is_empty());
    append(desk, id, when, e)
}

/// What `measure done` records.
pub struct Done {
    pub result: String,
    pub effect_checked: bool,
    pub effect: Option<String>,
}

pub fn done(desk: &Desk, id: &Id, by: String, when: When, d: Done) -> Result<Measure> {
    let mut e = Event::new(unstamped(), by, Action::Done);
    e.result = Some(d.result.trim().to_string()).filter(|s| !s.is_empty());
    e.effect = d
        .effect
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    // Describing the effect is checking it.
    e.effect_checked = d.effect_checked || e.effect.is_some();
    append(desk, id, when, e)
}

pub fn reopen(desk: &Desk, id: &Id, by: String, when: When, reason: &str) -> Result<Measure> {
    let mut e = Event::new(unstamped(), by, Action::Reopen);
    e.text = Some(reason.trim().to_string()).filter(|s| !s.is_empty());
    append(desk, id, when, e)
}

/// Counts of measures over one period: the 改进措施 line of the monthly statistics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Decided (added) in the period.
    pub added: usize,
    /// Marked done in the period.
    pub done: usize,
    /// Not done at the period's end (or now, for the current period).
    pub open: usize,
    /// Of those, past their due date then.
    pub overdue: usize,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.added += o.added;
        self.done += o.done;
        self.open += o.open;
        self.overdue += o.overdue;
    }
}

/// The CSV columns of `stats --measures`.
pub const STATS_COLUMNS: [&str; 6] = ["period", "kind", "added", "done", "open", "overdue"];

/// Counts per kind (every kind present, in [`MeasureKind::ALL`] order) and the total,
/// taken at `cutoff` — the period's end, or now for a period not over yet (as
/// `stats::cutoff` gives). Pure: no clock, no I/O.
pub fn period_counts(
    measures: &[Measure],
    p: &Period,
    cutoff: DateTime<Utc>,
    tz: Tz,
) -> (BTreeMap<MeasureKind, Counts>, Counts) {
    let mut by_kind: BTreeMap<MeasureKind, Counts> = MeasureKind::ALL
        .iter()
        .map(|k| (*k, Counts::default()))
        .collect();
    for m in measures {
        let c = by_kind.entry(m.kind).or_default();
        if p.contains(m.created.to_utc()) {
            c.added += 1;
        }
        if m.event
            .iter()
            .any(|e| e.action == Action::Done && p.contains(e.at.to_utc()))
        {
            c.done += 1;
        }
        if m.state_at(cutoff) == Some(State::Open) {
            c.open += 1;
            if m.due_end(tz) <= cutoff {
                c.overdue += 1;
            }
        }
    }
    let mut total = Counts::default();
    for c in by_kind.values() {
        total.add(c);
    }
    (by_kind, total)
}

/// `stats --measures`: one row per kind, every kind, in [`STATS_COLUMNS`] (no total
/// row, so a pivot table never counts twice).
pub fn stats_rows(period: &str, by_kind: &BTreeMap<MeasureKind, Counts>) -> crate::output::Rows {
    let mut rows = crate::output::Rows::new(STATS_COLUMNS.to_vec());
    for (k, c) in by_kind {
        rows.push(vec![
            period.to_string(),
            k.to_string(),
            c.added.to_string(),
            c.done.to_string(),
            c.open.to_string(),
            c.overdue.to_string(),
        ]);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn added(t: &str, due: &str) -> Event {
        let mut e = Event::new(at(t), "wang", Action::Add);
        e.problem = Some("engineers misread the X200 fault code".into());
        e.measure = Some("train every engineer on the X200 fault codes".into());
        e.kind = Some(MeasureKind::Training);
        e.owner = Some("li".into());
        e.due = Some(due.parse().unwrap());
        e.period = Some("2026-11".into());
        e
    }

    fn step(t: &str, action: Action) -> Event {
        let mut e = Event::new(at(t), "li", action);
        match action {
            Action::Done => e.result = Some("12 engineers trained".into()),
            _ => e.text = Some("halfway".into()),
        }
        e
    }

    #[test]
    fn replay_follows_the_state_machine() {
        let events = vec![
            added("2026-11-24T09:30:00+08:00", "2026-12-15"),
            step("2026-11-25T10:00:00+08:00", Action::Note),
            step("2026-12-10T10:00:00+08:00", Action::Done),
        ];
        let m = replay("M20261124-AAAAAA", &events).unwrap();
        assert_eq!(m.state, State::Done);
        assert_eq!(m.result.as_deref(), Some("12 engineers trained"));
        assert_eq!(m.done, Some(at("2026-12-10T10:00:00+08:00")));
        assert_eq!(m.notes().count(), 1);

        let mut twice = events.clone();
        twice.push(step("2026-12-11T10:00:00+08:00", Action::Done));
        let (i, err) = replay("M20261124-AAAAAA", &twice).unwrap_err();
        assert_eq!(i, 3);
        assert_eq!(
            err.to_string(),
            "cannot mark it done: the measure is done; allowed from done: reopen"
        );

        let mut reopened = events.clone();
        reopened.push(step("2026-12-11T10:00:00+08:00", Action::Reopen));
        let m = replay("M20261124-AAAAAA", &reopened).unwrap();
        assert_eq!(m.state, State::Open);
        assert_eq!((m.done, m.result), (None, None));
    }

    #[test]
    fn a_history_must_start_with_a_complete_add() {
        let (i, _) = replay(
            "M20261124-AAAAAA",
            &[step("2026-11-24T09:30:00+08:00", Action::Note)],
        )
        .unwrap_err();
        assert_eq!(i, 0);
        let mut no_source = added("2026-11-24T09:30:00+08:00", "2026-12-15");
        no_source.period = None;
        assert!(replay("M20261124-AAAAAA", &[no_source]).is_err());
        let mut done_without_result = step("2026-11-25T09:30:00+08:00", Action::Done);
        done_without_result.result = None;
        let events = [
            added("2026-11-24T09:30:00+08:00", "2026-12-15"),
            done_without_result,
        ];
        let (i, err) = replay("M20261124-AAAAAA", &events).unwrap_err();
        assert_eq!(i, 1);
        assert!(err.to_string().contains("needs a result"), "{err}");
        let mut stray = step("2026-11-25T09:30:00+08:00", Action::Note);
        stray.owner = Some("zhao".into());
        let events = [added("2026-11-24T09:30:00+08:00", "2026-12-15"), stray];
        let (_, err) = replay("M20261124-AAAAAA", &events).unwrap_err();
        assert_eq!(err.to_string(), "note does not take owner");
    }

    #[test]
    fn overdue_is_after_the_due_day_in_the_desk_zone() {
        let m = replay(
            "M20261124-AAAAAA",
            &[added("2026-11-20T09:30:00+08:00", "2026-11-23")],
        )
        .unwrap();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert!(!m.is_overdue(d("2026-11-23")), "due today is not overdue");
        assert!(m.is_overdue(d("2026-11-24")));
        let tz = chrono_tz::Asia::Shanghai;
        assert_eq!(
            m.due_end(tz),
            at("2026-11-24T00:00:00+08:00").to_utc(),
            "the due day ends at the desk's midnight"
        );
    }

    #[test]
    fn period_counts_take_the_state_at_the_cutoff() {
        let tz = chrono_tz::Asia::Shanghai;
        let today = "2026-12-20".parse().unwrap();
        let nov = Period::month(Month::parse("2026-11", today).unwrap(), tz);
        let dec = Period::month(Month::parse("2026-12", today).unwrap(), tz);
        // Added in November, due 2026-11-28, done on 2026-12-02.
        let late = replay(
            "M20261120-AAAAAA",
            &[
                added("2026-11-20T09:30:00+08:00", "2026-11-28"),
                step("2026-12-02T10:00:00+08:00", Action::Done),
            ],
        )
        .unwrap();
        // Added in November, process, still open.
        let mut e = added("2026-11-21T09:30:00+08:00", "2027-01-31");
        e.kind = Some(MeasureKind::Process);
        let open = replay("M20261121-BBBBBB", &[e]).unwrap();
        let all = [late, open];

        let (by_kind, total) = period_counts(&all, &nov, nov.to, tz);
        assert_eq!(
            total,
            Counts {
                added: 2,
                done: 0,
                open: 2,
                overdue: 1
            }
        );
        assert_eq!(by_kind[&MeasureKind::Training].overdue, 1);
        assert_eq!(by_kind[&MeasureKind::Process].open, 1);
        assert_eq!(by_kind[&MeasureKind::Product], Counts::default());

        let (_, total) = period_counts(&all, &dec, dec.to, tz);
        assert_eq!(
            total,
            Counts {
                added: 0,
                done: 1,
                open: 1,
                overdue: 0
            }
        );
    }

    #[test]
    fn periods_normalise_months_and_quarters() {
        let tz = chrono_tz::Asia::Shanghai;
        let today = "2026-11-24".parse().unwrap();
        assert_eq!(parse_period("2026-11", today, tz).unwrap(), "2026-11");
        assert_eq!(parse_period("last", today, tz).unwrap(), "2026-10");
        assert_eq!(parse_period("2026q4", today, tz).unwrap(), "2026Q4");
        assert!(parse_period("November", today, tz).is_err());
    }
}
