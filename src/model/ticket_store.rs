//! Tickets on disk: load one or all (in parallel), open a new one (with routing), and
//! append a step — under the desk lock, changing only the lines the step changes.

use std::path::{Path, PathBuf};

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use super::ticket::{self, Action, CompState, Event, Ticket, multiline};
use super::ticket_cache;
use crate::desk::record::edit_file;
use crate::desk::record::{self, date_value, datetime_value};
use crate::desk::{Desk, Id, Kind, When, store};
use crate::error::{Error, Result, shown};

/// Loads a ticket as its history says it is: the stored fields are a convenience for
/// people and grep; the events are the truth (`svcdesk check` reports any drift).
pub fn load_file(path: &Path) -> Result<Ticket> {
    parse(path, &record::read_text(path)?)
}

/// A ticket file's text as `load_file` reads it (the cache reads the bytes itself, to
/// know exactly which version of the file it parsed).
pub(crate) fn parse(path: &Path, text: &str) -> Result<Ticket> {
    parse_stored(path, text).map(|(_, t)| t)
}

/// The ticket as its file stores it, and as its history replays.
pub(crate) fn parse_stored(path: &Path, text: &str) -> Result<(Ticket, Ticket)> {
    let stored: Ticket = record::parse_typed(path, text)?;
    let replayed = replay_checked(path, text, &stored)?;
    Ok((stored, replayed))
}

pub fn load(desk: &Desk, id: &Id) -> Result<Ticket> {
    load_file(&desk.path_of(id))
}

/// Every ticket, in ID order, parsed on all cores. A bad file fails the whole load,
/// naming every bad file with its file:line:column, so no listing or report is ever
/// silently short.
pub fn load_all(desk: &Desk) -> Result<Vec<Ticket>> {
    load_where(desk, |_| true)
}

/// The tickets `keep` accepts, in ID order. The rest are dropped as soon as they are
/// loaded, so memory follows the answer, not the desk (an SLA check of a 100k desk holds
/// only the open tickets).
pub fn load_where(desk: &Desk, keep: impl Fn(&Ticket) -> bool + Sync) -> Result<Vec<Ticket>> {
    load_where_or_skip(desk, false, keep).map(|(kept, _)| kept)
}

/// `load_where`; with `skip_bad`, files that cannot be read are left out and returned
/// (for `--skip-bad`, which names them) instead of failing the load.
pub fn load_where_or_skip(
    desk: &Desk,
    skip_bad: bool,
    keep: impl Fn(&Ticket) -> bool + Sync,
) -> Result<(Vec<Ticket>, Vec<Error>)> {
    let mut kept = Vec::new();
    let bad = ticket_cache::scan(
        desk,
        None,
        skip_bad,
        |t| keep(&t).then_some(t),
        |part| {
            kept.extend(part);
            Ok(())
        },
    )?;
    Ok((kept, bad))
}

/// Visits every ticket in ID order, at most `chunk` at a time, each chunk loaded on all
/// cores: for exports that write as they go, so memory is one chunk, not the desk.
pub fn for_each_chunk(
    desk: &Desk,
    chunk: usize,
    f: impl FnMut(Vec<Ticket>) -> Result<()>,
) -> Result<()> {
    for_each_chunk_or_skip(desk, chunk, false, f).map(|_| ())
}

/// `for_each_chunk`; with `skip_bad`, bad files are left out and returned.
pub fn for_each_chunk_or_skip(
    desk: &Desk,
    chunk: usize,
    skip_bad: bool,
    f: impl FnMut(Vec<Ticket>) -> Result<()>,
) -> Result<Vec<Error>> {
    ticket_cache::scan(desk, Some(chunk), skip_bad, Some, f)
}

/// Where in the file the n-th `[[event]]` starts, for errors about a whole event.
pub(crate) fn event_line(text: &str, index: usize) -> Option<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("[[event]]"))
        .nth(index)
        .map(|(i, _)| i + 1)
}

/// Replays a loaded ticket's history, mapping a failure to the event's line.
pub fn replay_checked(path: &Path, text: &str, t: &Ticket) -> Result<Ticket> {
    ticket::replay(&t.id, &t.event).map_err(|(i, e)| Error::Parse {
        path: path.to_path_buf(),
        line: event_line(text, i).unwrap_or(1),
        column: 1,
        message: match t.event.get(i) {
            Some(ev) => format!(
                "event {} ({}): {e}",
                i + 1,
                ev.action.map(Action::as_str).unwrap_or("?")
            ),
            None => e.to_string(),
        },
    })
}

/// An event as a TOML table, keys in struct order, times as TOML date-times in the desk
/// zone, long text as multi-line strings. Generic so every record kind with a history
/// (tickets, improvement measures) writes its events the same way; `at` is the event's
/// time and `due` / `purchase_date` are dates.
pub(crate) fn event_table<E: serde::Serialize>(
    desk: &Desk,
    at: chrono::DateTime<chrono::FixedOffset>,
    e: &E,
) -> Result<Table> {
    let generic = toml::Table::try_from(e)
        .map_err(|err| Error::invalid(format!("cannot write event: {err}")))?;
    let mut t = Table::new();
    for (k, v) in generic {
        let item = match k.as_str() {
            "at" => value(datetime_value(desk.local(at.to_utc()))),
            "purchase_date" | "due" => match v.as_str().and_then(|s| s.parse().ok()) {
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

/// Writes the current fields into the document: existing keys are updated in place
/// (comments around them survive), vanished ones removed, new ones slotted into their
/// canonical place so every ticket file reads in the same order.
fn write_fields(doc: &mut DocumentMut, t: &Ticket) {
    write_values(doc, &t.field_values());
}

/// `write_fields` for any record kind that lists its fields as `(key, value)` in file
/// order (None = absent).
pub(crate) fn write_values(
    doc: &mut DocumentMut,
    values: &[(&'static str, Option<toml_edit::Value>)],
) {
    let mut inserted = false;
    for (key, new) in values {
        let old = doc.get(key).and_then(Item::as_value);
        if ticket::values_equal(old, new.as_ref()) {
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

pub struct Opened {
    pub id: Id,
    pub path: PathBuf,
    pub ticket: Ticket,
}

/// Creates a ticket from its first events (`open`, then routing, or a resolve/close for
/// a complaint settled on the call). Every event is validated by replay before anything
/// is written.
pub fn create(desk: &Desk, mut events: Vec<Event>) -> Result<Opened> {
    let _lock = desk.lock()?;
    let now = events[0].at.to_utc();
    let id = desk.new_id(Kind::Ticket, now);
    super::routing::assign_person(desk, &mut events, || load_all(desk))?;
    let blank = Ticket::default();
    for e in &events {
        authorize(desk, &blank, e)?;
    }
    let t = ticket::replay(id.as_str(), &events).map_err(|(_, e)| Error::invalid(e.to_string()))?;
    let path = desk.path_of(&id);
    store::create_new_atomic(&path, render(desk, &t)?.as_bytes())?;
    Ok(Opened {
        id,
        path,
        ticket: t,
    })
}

/// The text of a new ticket file: fields in canonical order, then the history.
pub fn render(desk: &Desk, t: &Ticket) -> Result<String> {
    let mut doc = DocumentMut::new();
    doc["schema"] = value(1);
    doc["id"] = value(t.id.as_str());
    write_fields(&mut doc, t);
    let mut history = ArrayOfTables::new();
    for e in &t.event {
        history.push(event_table(desk, e.at, e)?);
    }
    doc.insert("event", Item::ArrayOfTables(history));
    Ok(doc.to_string())
}

/// Appends one step to a ticket, after checking it against the replayed history.
/// The step's time is decided here, under the lock, from `when` (`e.at` is ignored):
/// a writer that queued behind another is never refused for being "too early".
/// Returns the ticket as it now stands.
pub fn append(desk: &Desk, id: &Id, when: When, mut e: Event) -> Result<Ticket> {
    let _lock = desk.lock()?;
    let path = desk.path_of(id);
    let text = record::read_text(&path)?;
    let stored: Ticket = record::parse_typed(&path, &text)?;
    let mut t = replay_checked(&path, &text, &stored)?;
    // Append-only and in time order (`check` reports a history that is not): a step
    // entered after the fact may not go back before what is already recorded.
    e.at = when.stamp(desk, id.as_str(), "ticket", t.event.last().map(|l| l.at))?;
    authorize(desk, &t, &e)?;
    ticket::apply(&mut t, &e).map_err(|err| match err {
        ticket::StepError::Transition { .. } => Error::invalid_with_hint(
            format!("{id}: {err}"),
            format!(
                "`svcdesk ticket show {id}` shows its history; `svcdesk ticket --help` shows the state machine"
            ),
        ),
        ticket::StepError::Comp { is, needs, .. } => {
            let hint = match (is, needs) {
                (None, _) => format!(
                    "request it first: `svcdesk comp request {id} --amount AMOUNT --kind KIND`"
                ),
                (Some(CompState::Requested), CompState::Reviewed) => format!(
                    "finance reviews it first: `svcdesk comp review {id}` (by staff with the role finance)"
                ),
                (Some(CompState::Reviewed), CompState::Requested) => format!(
                    "finance has reviewed it; the general manager decides: `svcdesk comp approve {id}` or `svcdesk comp reject {id}`"
                ),
                _ => format!(
                    "the request is decided; `svcdesk comp request {id} --amount AMOUNT --kind KIND` starts a new one"
                ),
            };
            Error::invalid_with_hint(format!("{id}: {err}"), hint)
        }
        ticket::StepError::Invalid(m) => Error::invalid(format!("{id}: {m}")),
    })?;
    let table = event_table(desk, e.at, &e)?;
    edit_file(&path, |doc| {
        write_fields(doc, &t);
        push_event(doc, table, &path)
    })?;
    Ok(t)
}

/// Appends an `[[event]]` table at the end of a record's history.
pub(crate) fn push_event(doc: &mut DocumentMut, mut table: Table, path: &Path) -> Result<()> {
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

/// The desk's rules for a step: names must exist in the config, and roles decide who
/// may review and approve compensation or accept someone else's ticket. With no staff
/// list, only the config names are checked.
pub fn authorize(desk: &Desk, t: &Ticket, e: &Event) -> Result<()> {
    let cfg = &desk.config;
    if let Some(c) = &e.category
        && !cfg.categories.contains_key(c)
    {
        return Err(crate::desk::not_known(
            format!("unknown category \"{}\"", shown(c)),
            c,
            "categories of this desk",
            cfg.categories.keys().map(String::as_str),
        ));
    }
    if let Some(d) = &e.department
        && !cfg.departments.contains_key(d)
    {
        return Err(crate::desk::not_known(
            format!("unknown department \"{}\"", shown(d)),
            d,
            "departments of this desk",
            cfg.departments.keys().map(String::as_str),
        ));
    }
    if cfg.staff.is_empty() {
        return Ok(());
    }
    if let Some(a) = &e.assignee
        && cfg.staff(a).is_none()
    {
        return Err(crate::desk::not_known(
            format!("\"{}\" is not on this desk's staff list", shown(a)),
            a,
            "staff",
            cfg.staff.iter().map(|s| s.id.as_str()),
        ));
    }
    let need_role = |roles: &[&str], what: String| -> Result<()> {
        if roles.iter().any(|r| cfg.has_role(&e.by, r)) {
            Ok(())
        } else {
            let holders: Vec<&str> = cfg
                .staff
                .iter()
                .filter(|s| s.roles.iter().any(|r| roles.contains(&r.as_str())))
                .map(|s| s.id.as_str())
                .collect();
            Err(Error::invalid_with_hint(
                format!(
                    "{} may not {what}: it needs the role {}",
                    e.by,
                    roles.join(" or ")
                ),
                if holders.is_empty() {
                    format!(
                        "nobody on the staff list has it; add it to a [[staff]] entry in svcdesk.toml"
                    )
                } else {
                    format!("ask {}", holders.join(", "))
                },
            ))
        }
    };
    match e
        .action
        .and_then(|a| required_roles(a, &e.by, t.assignee.as_deref()))
    {
        Some((roles, what)) => need_role(roles, what),
        None => Ok(()),
    }
}

/// The one rule for who may take a step: the roles (any one of them) that `by` needs to
/// take `action` on a ticket assigned to `assignee`, and what the step is in words; None
/// when anyone on the staff may. `authorize` applies it to a new step, `svcdesk audit`
/// to the author of the commit that introduced each event.
pub fn required_roles(
    action: Action,
    by: &str,
    assignee: Option<&str>,
) -> Option<(&'static [&'static str], String)> {
    match action {
        Action::CompReview => Some((&["finance"], "review compensation".into())),
        Action::CompApprove => Some((&["gm"], "approve compensation".into())),
        Action::CompReject => Some((&["gm", "finance"], "reject compensation".into())),
        Action::Accept => match assignee {
            Some(a) if a != by => Some((
                &["supervisor", "head", "manager", "admin"],
                format!("accept a ticket assigned to {a}"),
            )),
            _ => None,
        },
        _ => None,
    }
}
