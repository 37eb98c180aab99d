//! The history engine every record with a history uses (tickets, improvement measures):
//! current fields plus an append-only `[[event]]` list, the fields being by definition
//! what [`replay`] of the events gives. A kind says how its first event creates it and
//! how each later event applies ([`Record`]); loading, checking a file's history,
//! appending under the lock in time order, writing, and the git merge's re-derivation
//! of fields are written here once.
//!
//! The file-writing helpers ([`write_values`], [`event_table`], [`push_event`]) keep a
//! person's comments and layout: only the lines a change changes are touched.

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use serde::de::DeserializeOwned;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use crate::desk::attachments::{self, Attachment};
use crate::desk::record::{self as file, date_value, datetime_value, edit_file};
use crate::desk::{Desk, Id, When, store};
use crate::error::{Error, Result};
use crate::vocab::{Action, CompState};

/// The `by` of the steps svcdesk takes itself (`sla check --notify` / `--escalate`).
pub const SYSTEM_ACTOR: &str = "svcdesk";

/// A record kind with a history.
pub trait Record: Sized + Clone + PartialEq + DeserializeOwned {
    type Event: Step<Record = Self>;
    /// What the record is called in messages: "ticket", "measure".
    const NOUN: &'static str;
    /// The action every history starts with.
    const FIRST: &'static str;

    fn id(&self) -> &str;
    fn events(&self) -> &[Self::Event];
    /// The record as its first event (already known to be a [`Record::FIRST`]) makes it.
    fn create(id: &str, first: &Self::Event) -> Result<Self, StepError>;
    /// One later step: the single definition of which step is allowed when and what it
    /// changes. A refused step leaves the record as it was.
    fn apply(&mut self, e: &Self::Event) -> Result<(), StepError>;
    /// Every current field, in file order, as TOML values (None = absent).
    fn fields(&self) -> Vec<(&'static str, Option<toml_edit::Value>)>;
}

/// One entry of a record's history.
pub trait Step: Clone + Serialize + DeserializeOwned {
    type Record: Record<Event = Self>;
    fn at(&self) -> DateTime<FixedOffset>;
    fn set_at(&mut self, at: DateTime<FixedOffset>);
    fn by(&self) -> &str;
    /// The action as the history spells it ("?" when the event has none).
    fn action(&self) -> &'static str;
    /// Files the step attaches, copied into the desk under the lock before the step is
    /// written (see [`crate::desk::attachments::store`]).
    fn files(&self) -> &[Attachment] {
        &[]
    }
}

/// `impl Step` for a record's event that has `at`, `by` and a vocabulary `action` and
/// attaches no files: the measure's, visit's, schedule's and intel item's.
macro_rules! plain_step {
    ($event:ty, $record:ty) => {
        impl $crate::model::record::Step for $event {
            type Record = $record;
            fn at(&self) -> chrono::DateTime<chrono::FixedOffset> {
                self.at
            }
            fn set_at(&mut self, at: chrono::DateTime<chrono::FixedOffset>) {
                self.at = at;
            }
            fn by(&self) -> &str {
                &self.by
            }
            fn action(&self) -> &'static str {
                self.action.as_str()
            }
        }
    };
}
pub(crate) use plain_step;

/// Why a step cannot be taken, whatever the record kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    #[error("cannot {verb}: the {noun} is {state}; allowed from {state}: {allowed}")]
    Transition {
        noun: &'static str,
        /// The step as words ("close", "mark it done").
        verb: &'static str,
        state: &'static str,
        /// The steps allowed from `state`, as a person types them.
        allowed: String,
    },
    #[error("{0}")]
    Invalid(String),
    /// A compensation step out of order: `is` where the step `needs` another state.
    #[error("{}", comp_refusal(*.action, *.is, *.needs))]
    Comp {
        action: Action,
        is: Option<CompState>,
        needs: CompState,
    },
}

fn comp_refusal(action: Action, is: Option<CompState>, needs: CompState) -> String {
    match is {
        Some(c) => format!("cannot {action}: the compensation is {c}; {action} needs it {needs}"),
        None => format!("cannot {action}: no compensation was requested"),
    }
}

/// A step refused on one record, as the library returns it (in [`Error::Record`]); the
/// CLI adds advice naming its commands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{id}: {error}")]
pub struct Refused {
    pub noun: &'static str,
    pub id: String,
    pub error: StepError,
}

/// Fields whose stored value differs from what the history gives.
pub fn drift<R: Record>(stored: &R, replayed: &R) -> Vec<&'static str> {
    // The common case, cheaply: typed equality (instants compare across offsets).
    if stored == replayed {
        return Vec::new();
    }
    stored
        .fields()
        .iter()
        .zip(&replayed.fields())
        .filter(|((_, a), (_, b))| !values_equal(a.as_ref(), b.as_ref()))
        .map(|((k, _), _)| *k)
        .collect()
}

/// A value a new record needs was not given: one of the record's `keys` would do (the
/// CLI names the options that give them); `known` lists the values it may take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Missing {
    pub message: String,
    pub keys: &'static [&'static str],
    pub known: Option<String>,
}

/// `message`, as a [`Missing`] error.
pub fn missing(message: impl Into<String>, keys: &'static [&'static str]) -> Error {
    Error::Record(Box::new(Missing {
        message: message.into(),
        keys,
        known: None,
    }))
}

/// A step given a time before the record's last event (an explicit time: the clock is
/// never refused, see [`When`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{id}: {} is earlier than the {noun}'s last event ({}); a history stays in time order",
    seconds(at),
    seconds(last)
)]
pub struct OutOfOrder {
    pub noun: &'static str,
    pub id: String,
    /// Both in the desk's zone.
    pub at: DateTime<FixedOffset>,
    pub last: DateTime<FixedOffset>,
}

/// A time as the time-order refusal shows it: to the second, in its own zone.
pub fn seconds(t: &DateTime<FixedOffset>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Rebuilds the current fields from the history. Returns the index of the event that
/// failed with the error.
pub fn replay<E: Step>(id: &str, events: &[E]) -> Result<E::Record, (usize, StepError)> {
    let first_is = <E::Record as Record>::FIRST;
    let Some((first, rest)) = events.split_first() else {
        return Err((
            0,
            StepError::Invalid(format!(
                "the history is empty; it must start with `{first_is}`"
            )),
        ));
    };
    if first.action() != first_is {
        return Err((
            0,
            StepError::Invalid(format!("the first event must be `{first_is}`")),
        ));
    }
    let mut r = E::Record::create(id, first).map_err(|e| (0, e))?;
    for (i, e) in rest.iter().enumerate() {
        r.apply(e).map_err(|err| (i + 1, err))?;
    }
    Ok(r)
}

/// Replays a loaded record's history, mapping a failure to the event's line.
pub fn replay_checked<R: Record>(path: &Path, text: &str, r: &R) -> Result<R> {
    replay(r.id(), r.events()).map_err(|(i, e)| Error::Parse {
        path: path.to_path_buf(),
        line: event_line(text, i).unwrap_or(1),
        column: 1,
        message: match r.events().get(i) {
            Some(ev) => format!("event {} ({}): {e}", i + 1, ev.action()),
            None => e.to_string(),
        },
    })
}

/// The record as its file stores it, and as its history replays.
pub fn parse_stored<R: Record>(path: &Path, text: &str) -> Result<(R, R)> {
    let stored: R = file::parse_typed(path, text)?;
    let replayed = replay_checked(path, text, &stored)?;
    Ok((stored, replayed))
}

/// What `check` finds wrong with a record's history, told to `problem`: events out of
/// time order, fields that differ from what the history gives. A history that does not
/// replay is the error, at the failing event's line.
pub fn check_history<R: Record>(
    path: &Path,
    text: &str,
    stored: &R,
    mut problem: impl FnMut(String),
) -> Result<()> {
    let events = stored.events();
    if let Some(i) = events.windows(2).position(|w| w[1].at() < w[0].at()) {
        problem(format!(
            "history out of order: event {} ({}) is earlier than event {} ({})",
            i + 2,
            events[i + 1].at().to_rfc3339(),
            i + 1,
            events[i].at().to_rfc3339()
        ));
    }
    let replayed = replay_checked(path, text, stored)?;
    let fields = drift(stored, &replayed);
    if !fields.is_empty() {
        problem(format!(
            "fields disagree with the history: {} (the history is the truth; a correction is a new event)",
            fields.join(", ")
        ));
    }
    Ok(())
}

/// Loads a record as its history says it is: the stored fields are a convenience for
/// people and grep; the events are the truth (`check` reports any drift).
pub fn load_file<R: Record>(path: &Path) -> Result<R> {
    parse_stored(path, &file::read_text(path)?).map(|(_, r)| r)
}

/// Appends one step, after checking it against the replayed history, and returns the
/// record as it now stands. The step's time is decided here, under the lock, from `when`
/// (`e.at` is ignored): a writer that queued behind another is never refused for being
/// "too early", and a step entered after the fact may not go back before what is
/// already recorded ([`OutOfOrder`]). `allow` is the desk's own rule for the step (names, roles).
pub fn append<R: Record>(
    desk: &Desk,
    id: &Id,
    when: When,
    mut e: R::Event,
    allow: impl FnOnce(&R, &R::Event) -> Result<()>,
) -> Result<R> {
    let _lock = if checking() { None } else { Some(desk.lock()?) };
    let path = desk.path_of(id);
    let text = file::read_text(&path)?;
    let (_, mut r): (R, R) = parse_stored(&path, &text)?;
    let last = r.events().last().map(Step::at);
    let at = when.resolve(last).map_err(|at| {
        Error::Record(Box::new(OutOfOrder {
            noun: R::NOUN,
            id: id.to_string(),
            at: desk.local(at),
            last: desk.local(last.expect("only refused after a last event").to_utc()),
        }))
    })?;
    e.set_at(desk.local(at));
    allow(&r, &e)?;
    r.apply(&e).map_err(|error| refused::<R>(id, error))?;
    let table = event_table(desk, e.at(), &e)?;
    if checking() {
        return Ok(r);
    }
    // The files first: a crash now leaves an unreferenced file, never an event naming
    // a file that is not there.
    attachments::store(&desk.root, e.files())?;
    edit_file(&path, |doc| {
        write_values(doc, &r.fields());
        push_event(doc, table, &path)
    })?;
    Ok(r)
}

/// Appends several steps at once, as [`append`] does one: `build` makes them from the
/// record as it stands under the lock (so what they say about it is current), they all
/// take one time, each is checked (`allow`, then the record's own rules) against the
/// record as the steps before it left it, and they are written together or not at all.
/// Returns the record as it now stands and the steps as recorded.
pub fn append_all<R: Record>(
    desk: &Desk,
    id: &Id,
    when: When,
    build: impl FnOnce(&R) -> Result<Vec<R::Event>>,
    mut allow: impl FnMut(&R, &R::Event) -> Result<()>,
) -> Result<(R, Vec<R::Event>)> {
    let _lock = if checking() { None } else { Some(desk.lock()?) };
    let path = desk.path_of(id);
    let text = file::read_text(&path)?;
    let (_, mut r): (R, R) = parse_stored(&path, &text)?;
    let last = r.events().last().map(Step::at);
    let at = when.resolve(last).map_err(|at| {
        Error::Record(Box::new(OutOfOrder {
            noun: R::NOUN,
            id: id.to_string(),
            at: desk.local(at),
            last: desk.local(last.expect("only refused after a last event").to_utc()),
        }))
    })?;
    let mut events = build(&r)?;
    let mut tables = Vec::with_capacity(events.len());
    for e in &mut events {
        e.set_at(desk.local(at));
        allow(&r, e)?;
        r.apply(e).map_err(|error| refused::<R>(id, error))?;
        tables.push(event_table(desk, e.at(), &*e)?);
    }
    if checking() {
        return Ok((r, events));
    }
    // The files first, as in [`append`].
    for e in &events {
        attachments::store(&desk.root, e.files())?;
    }
    edit_file(&path, |doc| {
        write_values(doc, &r.fields());
        tables
            .into_iter()
            .try_for_each(|table| push_event(doc, table, &path))
    })?;
    Ok((r, events))
}

thread_local! {
    static CHECKING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with every [`append`] and [`append_all`] in it checking only: the step is
/// built, timed, authorized and applied to the record as on a real write, and the
/// record returned as it would stand, but no byte is written (for `--dry-run` and the
/// first pass of an all-or-nothing batch).
pub fn check_only<T>(f: impl FnOnce() -> T) -> T {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            CHECKING.with(|c| c.set(self.0));
        }
    }
    let _reset = Reset(CHECKING.with(|c| c.replace(true)));
    f()
}

/// Whether steps are only being checked ([`check_only`]): nothing is written.
pub(crate) fn checking() -> bool {
    CHECKING.with(|c| c.get())
}

/// `error` about record `id`, as the library returns it.
pub fn refused<R: Record>(id: &Id, error: StepError) -> Error {
    Error::Record(Box::new(Refused {
        noun: R::NOUN,
        id: id.to_string(),
        error,
    }))
}

/// The text of a new record file: fields in canonical order, then the history.
pub fn render<R: Record>(desk: &Desk, r: &R) -> Result<String> {
    let mut doc = DocumentMut::new();
    doc["schema"] = value(1);
    doc["id"] = value(r.id());
    write_values(&mut doc, &r.fields());
    let mut history = ArrayOfTables::new();
    for e in r.events() {
        history.push(event_table(desk, e.at(), e)?);
    }
    doc.insert("event", Item::ArrayOfTables(history));
    Ok(doc.to_string())
}

/// Writes a new record file, failing if one is already there.
pub fn create_file<R: Record>(desk: &Desk, id: &Id, r: &R) -> Result<std::path::PathBuf> {
    let path = desk.path_of(id);
    store::create_new_atomic(&path, render(desk, r)?.as_bytes())?;
    Ok(path)
}

/// Where in the file the n-th `[[event]]` starts, for errors about a whole event.
pub fn event_line(text: &str, index: usize) -> Option<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("[[event]]"))
        .nth(index)
        .map(|(i, _)| i + 1)
}

/// An event (or any entry) as a TOML table, keys in struct order, times as TOML
/// date-times in the desk zone, long text as multi-line strings; `at` is the entry's
/// time, `promised` and `appointment` times too, and `due` / `purchase_date` / `date` are dates.
pub fn event_table<E: Serialize>(desk: &Desk, at: DateTime<FixedOffset>, e: &E) -> Result<Table> {
    let generic = toml::Table::try_from(e)
        .map_err(|err| Error::invalid(format!("cannot write event: {err}")))?;
    let mut t = Table::new();
    for (k, v) in generic {
        let item = match k.as_str() {
            "at" => value(datetime_value(desk.local(at.to_utc()))),
            // A promise's or a visit's appointment time, in the desk zone like `at`. A
            // ticket's `appointment` is a flag (a promise of a site visit): left as it is.
            "promised" | "appointment" if v.is_str() => {
                match v
                    .as_str()
                    .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                {
                    Some(t) => value(datetime_value(desk.local(t.to_utc()))),
                    None => continue,
                }
            }
            "purchase_date" | "due" | "date" => match v.as_str().and_then(|s| s.parse().ok()) {
                Some(d) => value(date_value(d)),
                None => continue,
            },
            _ => match v {
                toml::Value::String(s) => value(multiline(&s)),
                other => {
                    let text = format!("x = {other}");
                    let doc: DocumentMut = text.parse().expect("TOML from toml serializes");
                    doc["x"].clone()
                }
            },
        };
        t.insert(&k, item);
    }
    Ok(t)
}

/// Writes a record's fields, listed as `(key, value)` in file order (None = absent), into
/// the document: existing keys are updated in place (comments around them survive),
/// vanished ones removed, new ones slotted into their canonical place so every file of a
/// kind reads in the same order.
pub fn write_values(doc: &mut DocumentMut, values: &[(&'static str, Option<toml_edit::Value>)]) {
    let mut inserted = false;
    for (key, new) in values {
        let old = doc.get(key).and_then(Item::as_value);
        if values_equal(old, new.as_ref()) {
            continue;
        }
        match new.clone() {
            None => {
                // A comment line a person wrote above a field that goes away (`closed`
                // on reopen) moves down to the next field instead of vanishing with it.
                let above = doc
                    .as_table()
                    .key(key)
                    .and_then(|k| k.leaf_decor().prefix())
                    .and_then(|p| p.as_str())
                    .filter(|p| p.contains('#'))
                    .map(str::to_string);
                let next = doc
                    .iter()
                    .skip_while(|(k, _)| k != key)
                    .skip(1)
                    .find(|(_, item)| item.is_value())
                    .map(|(k, _)| k.to_string());
                doc.remove(key);
                if let (Some(above), Some(next)) = (above, next)
                    && let Some(mut k) = doc.as_table_mut().key_mut(&next)
                {
                    let decor = k.leaf_decor_mut();
                    let own = decor.prefix().and_then(|p| p.as_str()).unwrap_or("");
                    decor.set_prefix(format!("{above}{own}"));
                }
            }
            Some(mut v) => match doc.get_mut(key).and_then(Item::as_value_mut) {
                Some(slot) => {
                    *v.decor_mut() = slot.decor().clone();
                    *slot = v;
                }
                None => {
                    doc.insert(key, value(v));
                    inserted = true;
                }
            },
        }
    }
    if inserted {
        let rank = |k: &str| match k {
            "schema" => 0,
            "id" => 1,
            _ => values
                .iter()
                .position(|(f, _)| *f == k)
                .map_or(usize::MAX, |i| i + 2),
        };
        // Stable: keys we do not know keep their relative order, after ours.
        doc.sort_values_by(|k1, _, k2, _| rank(k1.get()).cmp(&rank(k2.get())));
    }
}

/// Appends an `[[event]]` table at the end of a record's history.
pub fn push_event(doc: &mut DocumentMut, mut table: Table, path: &Path) -> Result<()> {
    // A comment a person wrote under the last event is the document's trailing text to
    // toml_edit: keep it there, above the new event, instead of letting it drift below
    // the new event to the end of the file.
    let trailing = doc.trailing().as_str().unwrap_or_default().to_string();
    if !trailing.trim().is_empty() {
        let mut prefix = trailing;
        if !prefix.ends_with('\n') {
            prefix.push('\n');
        }
        prefix.push('\n');
        table.decor_mut().set_prefix(prefix);
        doc.set_trailing("");
    }
    match doc.get_mut("event") {
        Some(Item::ArrayOfTables(a)) => a.push(table),
        _ => {
            return Err(Error::invalid(format!(
                "{}: `event` is not a list of [[event]] tables",
                path.display()
            )));
        }
    }
    Ok(())
}

/// Long text as a TOML multi-line string, so a description reads naturally in the file
/// and a one-word change is a one-line diff.
pub fn multiline(s: &str) -> toml_edit::Value {
    if !s.contains('\n') {
        return toml_edit::Value::from(s);
    }
    let escaped = s.replace('\\', "\\\\").replace("\"\"\"", "\"\"\\\"");
    let repr = format!("\"\"\"\n{escaped}\"\"\"");
    repr.parse::<toml_edit::Value>()
        .ok()
        .filter(|v| v.as_str() == Some(s))
        .unwrap_or_else(|| toml_edit::Value::from(s))
}

/// Values compare by meaning, not by formatting (a hand-aligned array or a literal
/// string is the same value).
pub fn values_equal(a: Option<&toml_edit::Value>, b: Option<&toml_edit::Value>) -> bool {
    use toml_edit::Value as V;
    match (a, b) {
        (None, None) => true,
        (Some(V::Array(x)), Some(V::Array(y))) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|(p, q)| values_equal(Some(p), Some(q)))
        }
        (Some(V::String(x)), Some(V::String(y))) => x.value() == y.value(),
        (Some(V::InlineTable(x)), Some(V::InlineTable(y))) => {
            x.len() == y.len() && x.iter().all(|(k, v)| values_equal(Some(v), y.get(k)))
        }
        (Some(V::Integer(x)), Some(V::Integer(y))) => x.value() == y.value(),
        (Some(V::Datetime(x)), Some(V::Datetime(y))) => {
            // Same instant, whatever offset it was written in.
            let p = |d: &toml_edit::Datetime| DateTime::parse_from_rfc3339(&d.to_string()).ok();
            match (p(x.value()), p(y.value())) {
                (Some(a), Some(b)) => a == b,
                _ => x.value() == y.value(),
            }
        }
        (Some(x), Some(y)) => x.to_string().trim() == y.to_string().trim(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ticket::{Action, Event};

    #[test]
    fn a_history_starts_with_its_first_action() {
        let e = |a| Event {
            action: Some(a),
            by: "li".into(),
            customer: Some("C20261124-AAAAAA".into()),
            category: Some("complaint".into()),
            ..Event::default()
        };
        let err = |events: &[Event]| replay("T20261124-BBBBBB", events).unwrap_err();
        assert_eq!(
            err(&[]).1.to_string(),
            "the history is empty; it must start with `open`"
        );
        assert_eq!(
            err(&[e(Action::Note)]).1.to_string(),
            "the first event must be `open`"
        );
        let (i, why) = err(&[e(Action::Open), e(Action::Close)]);
        assert_eq!(i, 1);
        assert!(
            why.to_string()
                .starts_with("cannot close: the ticket is new"),
            "{why}"
        );
        assert!(replay("T20261124-BBBBBB", &[e(Action::Open)]).is_ok());
    }

    #[test]
    fn multiline_round_trips() {
        for s in [
            "a",
            "line one\nline two",
            "ends with quote\"",
            "x\"\"\"y\nz\\w",
            "tab\there\n",
        ] {
            assert_eq!(multiline(s).as_str(), Some(s), "{s:?}");
        }
    }
}
