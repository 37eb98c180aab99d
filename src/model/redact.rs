//! Redaction of personal data (PIPL): the one exception to append-only histories. The
//! value is replaced by [`REDACTED`] where it stood and a record of who, when, which
//! entry and field and why is appended — never the old value. The merge driver treats an
//! entry that differs from another only by redacted fields as the same entry, and the
//! redacted copy wins (`git::merge`).

/// What a redacted value reads as.
pub const REDACTED: &str = "[redacted]";

/// Whether a stored string is the redaction marker.
pub fn is_redacted(s: &str) -> bool {
    s == REDACTED
}

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::desk::record::serde_time;

/// A `[[redaction]]` record of a customer or a field-service report, which have no
/// event history of their own: who, when, what and why — never the old value.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Redaction {
    #[serde(
        deserialize_with = "serde_time::datetime",
        serialize_with = "serde_time::ser_datetime"
    )]
    pub at: DateTime<FixedOffset>,
    pub by: String,
    /// The communication-log entry (1-based) whose field was redacted; none for a field
    /// of the record itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<u32>,
    pub field: String,
    pub reason: String,
}

use std::path::PathBuf;

use chrono::Utc;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Value};

use super::customer::Customer;
use super::report::Report;
use super::ticket::{self, Action, Event, Ticket};
use super::ticket_store;
use crate::desk::{Desk, Id, record};
use crate::error::{Error, Result};

/// Ticket event fields that may hold personal data, and so may be redacted. IDs, times,
/// states and scores are not personal data and stay (the history must still replay).
pub const TICKET_FIELDS: &[&str] = &[
    "title",
    "contact",
    "description",
    "text",
    "reason",
    "cause",
    "responsibility",
    "need",
    "parts",
    "product",
    "serial",
    "voucher",
    "submitter",
    "transferred_by",
    "old",
    "new",
    "address",
    "tracking",
];

/// The fields whose corrections (`set` events' `old` and `new`) may be redacted: text
/// that may be personal, not IDs or vocabulary the history needs to replay.
const SET_TEXT: &[&str] = &["title", "product", "serial", "tags"];

/// Communication-log fields that may be redacted.
pub const LOG_FIELDS: &[&str] = &["with", "summary"];

/// Field-service report fields that may be redacted.
pub const REPORT_FIELDS: &[&str] = &[
    "location",
    "travel",
    "work_done",
    "problems",
    "parts",
    "signed_by",
];

/// What to redact, by whom, when and why.
#[derive(Debug, Clone)]
pub struct Request {
    pub field: String,
    pub reason: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

fn check_request(r: &Request, allowed: &[&str], what: &str) -> Result<()> {
    if !allowed.contains(&r.field.as_str()) {
        return Err(Error::invalid(format!(
            "`{}` cannot be redacted in {what}; fields that may hold personal data: {}",
            r.field,
            allowed.join(", ")
        )));
    }
    if r.reason.trim().is_empty() {
        return Err(Error::invalid(
            "a redaction needs a reason (--reason), e.g. the request it answers",
        ));
    }
    Ok(())
}

/// The entry's current text in `field`: there, a string, not yet redacted.
fn current<'a>(v: Option<&'a toml::Value>, what: &str, field: &str) -> Result<&'a str> {
    match v {
        Some(toml::Value::String(s)) if is_redacted(s) => Err(Error::invalid(format!(
            "{what}: `{field}` is already redacted"
        ))),
        Some(toml::Value::String(s)) => Ok(s),
        Some(_) => Err(Error::invalid(format!("{what}: `{field}` is not text"))),
        None => Err(Error::invalid(format!("{what} has no `{field}`"))),
    }
}

/// Replaces the value at `key` of a table by the marker, keeping its comments.
fn mark(item: Option<&mut Item>, what: &str) -> Result<()> {
    let slot = item
        .and_then(Item::as_value_mut)
        .ok_or_else(|| Error::invalid(format!("{what}: the field is not a plain value")))?;
    let decor = slot.decor().clone();
    *slot = Value::from(REDACTED);
    *slot.decor_mut() = decor;
    Ok(())
}

/// `svcdesk ticket redact`: event `n` (1-based) gets `[redacted]` in `field`, and a
/// `redact` event records who, when, which and why. The fields are replayed, so a
/// redacted description or resolution is redacted in the fields as well.
pub fn ticket(desk: &Desk, id: &Id, n: u32, r: &Request) -> Result<(Ticket, PathBuf)> {
    check_request(r, TICKET_FIELDS, "a ticket event")?;
    let _lock = desk.lock()?;
    let path = desk.path_of(id);
    let text = record::read_text(&path)?;
    let stored: Ticket = record::parse_typed(&path, &text)?;
    ticket_store::replay_checked(&path, &text, &stored)?;
    let count = stored.event.len();
    let i = (n as usize)
        .checked_sub(1)
        .filter(|&i| i < count)
        .ok_or_else(|| {
            Error::invalid(format!(
                "{id}: there is no event {n}; the history has {count} (`svcdesk ticket show {id}` numbers them)"
            ))
        })?;
    let what = format!("{id}: event {n}");
    let at = desk.local(r.at);
    if let Some(last) = stored.event.last()
        && at < last.at
    {
        return Err(Error::invalid(format!(
            "{id}: the redaction's time is earlier than the ticket's last event; a history stays in time order"
        )));
    }
    let mut events = stored.event.clone();
    let slot = event_text(&mut events[i], &r.field).ok_or_else(|| {
        Error::invalid(format!(
            "{what}: `{}` is redacted only in a `set` of {}",
            r.field,
            SET_TEXT.join(", ")
        ))
    })?;
    let old = slot.as_ref().map(|s| toml::Value::String(s.clone()));
    current(old.as_ref(), &what, &r.field)?;
    *slot = Some(REDACTED.to_string());
    let e = Event {
        at,
        by: r.by.clone(),
        action: Some(Action::Redact),
        redacts: Some(n),
        field: Some(r.field.clone()),
        reason: Some(r.reason.trim().to_string()),
        ..Event::default()
    };
    events.push(e.clone());
    let t = ticket::replay(id.as_str(), &events)
        .map_err(|(_, err)| Error::invalid(format!("{id}: {err}")))?;
    let table = ticket_store::event_table(desk, e.at, &e)?;
    record::edit_file(&path, |doc| {
        let slot = doc
            .get_mut("event")
            .and_then(Item::as_array_of_tables_mut)
            .and_then(|a| a.get_mut(i))
            .and_then(|t| t.get_mut(&r.field));
        mark(slot, &what)?;
        ticket_store::write_values(doc, &t.field_values());
        ticket_store::push_event(doc, table, &path)
    })?;
    Ok((t, path))
}

/// The event's text field of that name (one of `TICKET_FIELDS`); `old` and `new` only of
/// a `set` of one of `SET_TEXT`.
fn event_text<'a>(e: &'a mut Event, field: &str) -> Option<&'a mut Option<String>> {
    Some(match field {
        "title" => &mut e.title,
        "contact" => &mut e.contact,
        "description" => &mut e.description,
        "text" => &mut e.text,
        "reason" => &mut e.reason,
        "cause" => &mut e.cause,
        "responsibility" => &mut e.responsibility,
        "need" => &mut e.need,
        "parts" => &mut e.parts,
        "product" => &mut e.product,
        "serial" => &mut e.serial,
        "voucher" => &mut e.voucher,
        "submitter" => &mut e.submitter,
        "transferred_by" => &mut e.transferred_by,
        // A shipment's address and waybill number point at a person.
        "address" => &mut e.address,
        "tracking" => &mut e.tracking,
        "old" | "new"
            if e.action != Some(Action::Set)
                || !e.field.as_deref().is_some_and(|f| SET_TEXT.contains(&f)) =>
        {
            return None;
        }
        "old" => &mut e.old,
        "new" => &mut e.new,
        _ => return None,
    })
}

/// Appends a `[[redaction]]` record to a customer or report document.
fn push_record(desk: &Desk, doc: &mut DocumentMut, rec: &Redaction) -> Result<()> {
    let table = ticket_store::event_table(desk, rec.at, rec)?;
    match doc.get_mut("redaction") {
        Some(Item::ArrayOfTables(a)) => a.push(table),
        None => {
            let mut a = ArrayOfTables::new();
            a.push(table);
            doc.insert("redaction", Item::ArrayOfTables(a));
        }
        Some(_) => {
            return Err(Error::invalid(
                "`redaction` is not a list of [[redaction]] tables",
            ));
        }
    }
    Ok(())
}

/// `svcdesk customer redact`: log entry `n` (1-based) gets `[redacted]` in `field`,
/// and a `[[redaction]]` record says who, when, which and why.
pub fn customer_log(desk: &Desk, id: &Id, n: u32, r: &Request) -> Result<PathBuf> {
    check_request(r, LOG_FIELDS, "a communication-log entry")?;
    let _lock = desk.lock()?;
    let path = desk.path_of(id);
    let text = record::read_text(&path)?;
    let c: Customer = record::parse_typed(&path, &text)?;
    let count = c.log.len();
    let i = (n as usize)
        .checked_sub(1)
        .filter(|&i| i < count)
        .ok_or_else(|| {
            Error::invalid(format!(
                "{id}: there is no log entry {n}; the log has {count}"
            ))
        })?;
    let what = format!("{id}: log entry {n}");
    let generic =
        toml::Table::try_from(&c.log[i]).map_err(|e| Error::invalid(format!("{what}: {e}")))?;
    current(generic.get(&r.field), &what, &r.field)?;
    let rec = Redaction {
        at: desk.local(r.at),
        by: r.by.clone(),
        log: Some(n),
        field: r.field.clone(),
        reason: r.reason.trim().to_string(),
    };
    record::edit_file(&path, |doc| {
        let slot = doc
            .get_mut("log")
            .and_then(Item::as_array_of_tables_mut)
            .and_then(|a| a.get_mut(i))
            .and_then(|t| t.get_mut(&r.field));
        mark(slot, &what)?;
        push_record(desk, doc, &rec)
    })?;
    Ok(path)
}

/// `svcdesk report redact`: the report's `field` becomes `[redacted]`, and a
/// `[[redaction]]` record says who, when, which and why.
pub fn report_field(desk: &Desk, id: &Id, r: &Request) -> Result<PathBuf> {
    check_request(r, REPORT_FIELDS, "a field-service report")?;
    let _lock = desk.lock()?;
    let path = desk.path_of(id);
    let text = record::read_text(&path)?;
    let rep: Report = record::parse_typed(&path, &text)?;
    let generic = toml::Table::try_from(&rep).map_err(|e| Error::invalid(format!("{id}: {e}")))?;
    let what = id.to_string();
    current(generic.get(&r.field), &what, &r.field)?;
    let rec = Redaction {
        at: desk.local(r.at),
        by: r.by.clone(),
        log: None,
        field: r.field.clone(),
        reason: r.reason.trim().to_string(),
    };
    record::edit_file(&path, |doc| {
        mark(doc.get_mut(&r.field), &what)?;
        push_record(desk, doc, &rec)
    })?;
    Ok(path)
}
