//! Bringing tickets from a CSV sheet (the columns of `svcdesk export tickets`) into the
//! desk.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, FixedOffset, NaiveDate};
use chrono_tz::Tz;

use crate::config::fields::{FieldRecord, Fields};
use crate::desk::Id;
use crate::error::{Error, Result};
use crate::ledger::columns::{FieldColumns, TICKET};
use crate::model::ticket::{
    self, Action, Channel, CompKind, CompState, ComplaintKind, Event, Grade, LinkKind, Priority,
    State, Ticket,
};

/// The actor and text of events `import tickets` has to make up.
pub const IMPORTED: &str = "import";

/// One row turned into a ticket whose history replays to exactly the row's fields.
#[derive(Debug, Clone)]
pub struct Planned {
    pub line: u64,
    pub ticket: Ticket,
}

#[derive(Debug, Default)]
pub struct Plan {
    pub tickets: Vec<Planned>,
    /// Rows whose ID the desk already has: skipped.
    pub existing: Vec<(u64, String)>,
    pub bad: Vec<(u64, String)>,
}

/// Reads a sheet with the columns of `export tickets` (English or Chinese headers) and
/// synthesises each row's history: `open`, routing, the real times (accepted,
/// responded, resolved, closed) as events at those times, and the steps the row implies
/// (diagnosis, plan, compensation, reopen pairs, waiting) as events marked "imported".
/// A row whose history would not replay to its own fields is bad, with the fields named.
pub fn plan(
    text: &str,
    file: &str,
    tz: Tz,
    desk_ids: &HashSet<String>,
    customers: &HashSet<String>,
    fields: &Fields,
) -> Result<Plan> {
    let custom = FieldColumns::of(fields, FieldRecord::Ticket);
    let text = text.strip_prefix(crate::output::sheet::BOM).unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| Error::invalid(format!("{file}: cannot read the header row: {e}")))?
        .clone();
    let mut columns = Vec::new();
    let mut unknown = Vec::new();
    for h in header.iter() {
        let h = h.trim();
        let named = TICKET
            .iter()
            .find(|c| c.name == h.to_lowercase() || c.zh == h)
            .map(|c| c.name)
            .or_else(|| custom.column(h));
        match named {
            Some(c) => columns.push(c),
            None => unknown.push(format!("\"{h}\"")),
        }
    }
    if !unknown.is_empty() {
        return Err(Error::invalid_with_hint(
            format!("{file}: unknown column(s) {}", unknown.join(", ")),
            format!(
                "the columns of `svcdesk export tickets`: {}",
                crate::ledger::columns::names(&TICKET).join(", ")
            ),
        ));
    }
    for need in ["customer", "category", "opened"] {
        if !columns.contains(&need) {
            return Err(Error::invalid(format!(
                "{file}: no \"{need}\" column; every ticket needs one"
            )));
        }
    }
    let mut plan = Plan::default();
    let mut seen: HashSet<String> = HashSet::new();
    for record in reader.records() {
        let record = record.map_err(|e| Error::invalid(format!("{file}: {e}")))?;
        let line = record.position().map_or(0, |p| p.line());
        let row: HashMap<&str, &str> = columns
            .iter()
            .zip(record.iter())
            .map(|(c, v)| (*c, crate::output::sheet::unneutralise(v)))
            .collect();
        let planned = plan_row(&row, tz, customers).and_then(|mut t| {
            let values = custom.read(fields, &row)?;
            if let Some(open) = t.event.first_mut() {
                open.fields = values.clone();
            }
            t.fields = values;
            Ok(t)
        });
        match planned {
            Ok(t) if desk_ids.contains(&t.id) => plan.existing.push((line, t.id)),
            Ok(t) if !seen.insert(t.id.clone()) => plan
                .bad
                .push((line, format!("ID {} appears twice in the file", t.id))),
            Ok(ticket) => plan.tickets.push(Planned { line, ticket }),
            Err(message) => plan.bad.push((line, message)),
        }
    }
    Ok(plan)
}

/// Moves the planned rows whose `cause_code` is not one of the desk's `[causes]` to the
/// bad rows, each with the nearest code.
pub fn check_causes(plan: &mut Plan, config: &crate::config::Config) {
    let mut kept = Vec::with_capacity(plan.tickets.len());
    for p in plan.tickets.drain(..) {
        match p.ticket.cause_code.as_deref() {
            Some(code) => match crate::model::names::cause_code(config, code) {
                Ok(()) => kept.push(p),
                Err(e) => plan.bad.push((
                    p.line,
                    match e.hint() {
                        Some(h) => format!("{e} ({h})"),
                        None => e.to_string(),
                    },
                )),
            },
            None => kept.push(p),
        }
    }
    plan.tickets = kept;
    plan.bad.sort_by_key(|b| b.0);
}

/// Attached files the rows name by their place in a desk (`attachments/ab/cdef….jpg`,
/// as `export tickets` writes them) that are under `from` (the desk exported from) with
/// those very bytes: each becomes a stored file of the opening event, which [`write`]
/// copies into this desk. A path not found there (or over `max_size`, or with other
/// bytes) stays a recorded path, as before; the answer lists those by row line (other
/// paths, such as older svcdesk's absolute ones, stay paths without a word).
pub fn attach_from(plan: &mut Plan, from: &std::path::Path, max_size: u64) -> Vec<(u64, String)> {
    use crate::desk::attachments;
    let mut missing = Vec::new();
    for p in &mut plan.tickets {
        let Some(open) = p.ticket.event.first() else {
            continue;
        };
        let mut open = open.clone();
        let mut kept = Vec::new();
        for path in std::mem::take(&mut open.attachments) {
            let found = path
                .starts_with("attachments/")
                .then(|| attachments::prepare(from, std::path::Path::new(&path), max_size).ok())
                .flatten()
                .filter(|a| a.path() == path);
            match found {
                Some(a) if !open.files.iter().any(|f| f.sha256 == a.sha256) => open.files.push(a),
                Some(_) => {}
                None => {
                    if path.starts_with("attachments/") {
                        missing.push((p.line, path.clone()));
                    }
                    kept.push(path);
                }
            }
        }
        open.attachments = kept;
        if open.files.is_empty() {
            continue;
        }
        let mut events = p.ticket.event.clone();
        events[0] = open;
        if let Ok(t) = ticket::replay(&p.ticket.id, &events) {
            p.ticket = t;
        }
    }
    missing
}

/// Creates the planned tickets, all or nothing (staged under `.svcdesk/`, then moved
/// into place; see [`crate::desk::journal`]). The caller holds the desk lock from before
/// it listed the IDs for the plan until this returns.
pub fn write(desk: &crate::desk::Desk, plan: &Plan) -> Result<Vec<Id>> {
    let mut staging = crate::desk::journal::Staging::begin(&desk.root)?;
    let mut made = Vec::with_capacity(plan.tickets.len());
    // Attached files first (content-addressed: one already there is kept), so that no
    // ticket names a file the desk lacks.
    for p in &plan.tickets {
        for e in &p.ticket.event {
            crate::desk::attachments::store(&desk.root, &e.files)?;
        }
    }
    for p in &plan.tickets {
        let id = Id::parse(&p.ticket.id).expect("planned IDs are valid");
        let text = crate::model::ticket_store::render(desk, &p.ticket)?;
        staging
            .add(&desk.path_of(&id), text.as_bytes())
            .map_err(|e| Error::invalid(format!("{e} (row {}; nothing added)", p.line)))?;
        made.push(id);
    }
    staging.commit()?;
    Ok(made)
}

fn time(
    row: &HashMap<&str, &str>,
    key: &str,
    tz: Tz,
) -> std::result::Result<Option<DateTime<FixedOffset>>, String> {
    match row.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => crate::time::parse_time(v, tz)
            .map(|t| {
                Some(
                    DateTime::parse_from_rfc3339(v)
                        .unwrap_or_else(|_| t.with_timezone(&tz).fixed_offset()),
                )
            })
            .map_err(|_| format!("{key} \"{v}\" is not a time")),
    }
}

fn word<T>(
    row: &HashMap<&str, &str>,
    key: &str,
    parse: fn(&str) -> Option<T>,
    names: fn() -> String,
) -> std::result::Result<Option<T>, String> {
    match row.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => parse(v)
            .map(Some)
            .ok_or_else(|| format!("{key} \"{v}\" is not one of: {}", names())),
    }
}

fn plan_row(
    row: &HashMap<&str, &str>,
    tz: Tz,
    customers: &HashSet<String>,
) -> std::result::Result<Ticket, String> {
    let text = |k: &str| {
        row.get(k)
            .map(|v| v.to_string())
            .filter(|v| !v.trim().is_empty())
    };
    let list = |k: &str| -> Vec<String> {
        row.get(k)
            .map(|v| {
                v.split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
    };
    let opened = time(row, "opened", tz)?.ok_or("no opened time")?;
    let id = match text("id") {
        Some(v) => Id::parse(&v)
            .filter(|i| i.as_str() == v.trim())
            .ok_or_else(|| format!("id \"{v}\" is not a ticket ID"))?,
        None => Id::generate(
            crate::desk::Kind::Ticket,
            opened.with_timezone(&tz).date_naive(),
        ),
    };
    let customer = text("customer").ok_or("no customer")?;
    if !customers.contains(&customer) {
        return Err(format!(
            "customer {customer} is not in this desk (import the customers first)"
        ));
    }
    let state = word(row, "state", State::parse, State::names)?.unwrap_or(State::New);
    let grade = word(row, "grade", Grade::parse, Grade::names)?;
    let comp = word(row, "compensation", CompState::parse, CompState::names)?;
    let comp_kind = word(row, "compensation_kind", CompKind::parse, CompKind::names)?;
    let accepted = time(row, "accepted", tz)?;
    let responded = time(row, "responded", tz)?;
    let resolved = time(row, "resolved", tz)?;
    let closed = time(row, "closed", tz)?;
    let satisfaction = match text("satisfaction") {
        Some(s) => Some(
            s.trim()
                .parse::<u8>()
                .map_err(|_| format!("satisfaction \"{s}\" is not 1-5"))?,
        ),
        None => None,
    };
    let reopened: u32 = text("reopened").map_or(Ok(0), |s| {
        s.trim()
            .parse()
            .map_err(|_| format!("reopened \"{s}\" is not a count"))
    })?;
    let purchase_date = match text("purchase_date") {
        Some(d) => Some(
            NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                .map_err(|_| format!("purchase_date \"{d}\" is not a date"))?,
        ),
        None => None,
    };
    let assignee = text("assignee");
    let ev = |at: DateTime<FixedOffset>, by: &str, action: Action| Event {
        at: at.with_timezone(&tz).fixed_offset(),
        by: by.to_string(),
        action: Some(action),
        ..Event::default()
    };
    let worker = assignee.clone().unwrap_or_else(|| IMPORTED.to_string());

    let mut open = ev(
        opened,
        &text("submitter").unwrap_or_else(|| IMPORTED.into()),
        Action::Open,
    );
    open.title = text("title");
    open.customer = Some(customer);
    open.contact = text("contact");
    open.channel = word(row, "channel", Channel::parse, Channel::names)?;
    open.category = text("category");
    open.complaint_kind = word(
        row,
        "complaint_kind",
        ComplaintKind::parse,
        ComplaintKind::names,
    )?;
    open.product = text("product");
    open.serial = text("serial");
    open.purchase_date = purchase_date;
    open.voucher = text("voucher");
    open.submitter = text("submitter");
    open.transferred_by = text("transferred_by");
    open.priority = word(row, "priority", Priority::parse, Priority::names)?;
    open.grade = grade;
    open.tags = list("tags");
    open.attachments = list("attachments");
    open.description = Some(
        row.get("description")
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    let mut events = vec![open];
    if text("department").is_some() || assignee.is_some() {
        let mut a = ev(opened, IMPORTED, Action::Assign);
        a.department = text("department");
        a.assignee = assignee.clone();
        a.reason = Some("imported".into());
        events.push(a);
    }
    let mut respond = responded.map(|at| {
        let mut r = ev(at, &worker, Action::Respond);
        r.text = Some("imported".into());
        r
    });
    // A reply before acceptance keeps its place before it.
    if let (Some(r), Some(acc)) = (&respond, accepted)
        && r.at <= acc
    {
        events.push(respond.take().expect("checked"));
    }
    if let Some(at) = accepted {
        events.push(ev(at, &worker, Action::Accept));
    }
    if let Some(r) = respond.take() {
        events.push(r);
    }
    let work = events.iter().map(|e| e.at).max().expect("open is there");
    let cause_code = text("cause_code").map(|c| c.trim().to_string());
    if text("cause").is_some() || text("responsibility").is_some() || cause_code.is_some() {
        let mut d = ev(work, &worker, Action::Diagnose);
        d.cause = text("cause").or_else(|| Some("imported".into()));
        d.responsibility = text("responsibility");
        d.cause_code = cause_code.clone();
        events.push(d);
    }
    if let Some(p) = text("plan") {
        let mut e = ev(work, &worker, Action::Plan);
        e.text = Some(p);
        events.push(e);
    }
    let mut merged_into = None;
    for link in list("links") {
        let (kind, other) = link
            .split_once(':')
            .ok_or_else(|| format!("link \"{link}\" is not KIND:TICKET"))?;
        // A merge (`ticket merge`) is listed with the links: the target's comes back
        // here, the source's last of all (it ends the ticket).
        if let Some(merge @ (Action::MergedFrom | Action::MergedInto)) = Action::parse(kind) {
            let mut e = ev(work, &worker, merge);
            e.ticket = Some(other.to_string());
            e.reason = Some("imported".into());
            if merge == Action::MergedInto {
                merged_into = Some(e);
            } else {
                events.push(e);
            }
            continue;
        }
        let mut e = ev(work, &worker, Action::Link);
        e.link =
            Some(LinkKind::parse(kind).ok_or_else(|| {
                format!("link kind \"{kind}\" is not one of: {}", LinkKind::names())
            })?);
        e.ticket = Some(other.to_string());
        events.push(e);
    }
    for _ in 0..reopened {
        let mut r = ev(work, &worker, Action::Resolve);
        r.text = text("resolution").or_else(|| Some("imported".into()));
        events.push(r);
        let mut o = ev(work, IMPORTED, Action::Reopen);
        o.reason = Some("imported".into());
        events.push(o);
    }
    if let Some(c) = comp {
        let mut r = ev(work, &worker, Action::CompRequest);
        r.amount = text("compensation_amount");
        r.currency = text("compensation_currency");
        r.comp_kind = comp_kind;
        events.push(r);
        let steps: &[Action] = match c {
            CompState::Requested => &[],
            CompState::Reviewed => &[Action::CompReview],
            CompState::Approved => &[Action::CompReview, Action::CompApprove],
            CompState::Rejected => &[Action::CompReview, Action::CompReject],
        };
        events.extend(steps.iter().map(|&a| ev(work, IMPORTED, a)));
    }
    if let Some(l) = text("lead") {
        let mut e = ev(work, &worker, Action::Lead);
        e.lead = Some(l);
        events.push(e);
    }
    if state == State::InProgress
        && resolved.is_none()
        && reopened == 0
        && !events.iter().any(|e| {
            matches!(
                e.action,
                Some(Action::Diagnose | Action::Plan | Action::CompRequest)
            )
        })
        && responded.is_none_or(|r| accepted.is_some_and(|a| r <= a))
    {
        // Nothing on the row says how it got to work: a collab is the one step that
        // leaves no field behind.
        let mut c = ev(work, &worker, Action::Collab);
        c.department = text("department");
        c.need = Some("imported".into());
        events.push(c);
    }
    if state == State::Waiting {
        let mut w = ev(work, &worker, Action::Wait);
        w.reason = Some("imported".into());
        events.push(w);
    }
    if let Some(at) = resolved {
        let mut r = ev(at, &worker, Action::Resolve);
        r.text = text("resolution").or_else(|| Some("imported".into()));
        // Resolved but never accepted: settled on the call, the one way the desk allows.
        r.on_call = accepted.is_none();
        events.push(r);
    }
    match closed {
        Some(at) => {
            let mut c = ev(at, &worker, Action::Close);
            c.satisfaction = satisfaction;
            events.push(c);
        }
        None if satisfaction.is_some() => {
            let mut r = ev(resolved.unwrap_or(work), IMPORTED, Action::Revisit);
            r.result = satisfaction;
            events.push(r);
        }
        None => {}
    }
    // The shipment in its place in time (it does not change the state).
    if let Some(at) = time(row, "shipped", tz)? {
        let mut e = ev(at, IMPORTED, Action::Ship);
        e.items = Some("imported".into());
        let at = e.at;
        let i = events
            .iter()
            .position(|x| x.at > at)
            .unwrap_or(events.len());
        events.insert(i, e);
    }
    if let Some(mut e) = merged_into {
        e.at = events.iter().map(|e| e.at).max().expect("open is there");
        events.push(e);
    }
    if let Some(i) = events.windows(2).position(|w| w[1].at < w[0].at) {
        return Err(format!(
            "its times are out of order ({} {} before {} {})",
            events[i + 1].action.map(Action::as_str).unwrap_or("?"),
            events[i + 1].at.to_rfc3339(),
            events[i].action.map(Action::as_str).unwrap_or("?"),
            events[i].at.to_rfc3339()
        ));
    }
    let replayed = ticket::replay(id.as_str(), &events).map_err(|(i, e)| {
        format!(
            "its history cannot be rebuilt: step {} ({}): {e}",
            i + 1,
            events[i].action.map(Action::as_str).unwrap_or("?")
        )
    })?;
    // The row as a ticket, to compare with what the history gives.
    let mut expected = replayed.clone();
    expected.state = Some(state);
    expected.grade = grade;
    expected.department = text("department");
    expected.assignee = assignee;
    expected.accepted = accepted;
    expected.responded = responded;
    expected.resolved = resolved;
    expected.closed = closed;
    expected.satisfaction = satisfaction;
    expected.reopened = reopened;
    expected.compensation = comp;
    expected.cause = text("cause").or(replayed
        .cause
        .clone()
        .filter(|_| text("responsibility").is_some() || cause_code.is_some()));
    expected.cause_code = cause_code;
    expected.responsibility = text("responsibility");
    expected.plan = text("plan");
    expected.resolution =
        text("resolution").or_else(|| replayed.resolution.clone().filter(|r| r == "imported"));
    let drift = expected.drift(&replayed);
    if !drift.is_empty() {
        return Err(format!("no history gives this row's {}", drift.join(", ")));
    }
    Ok(replayed)
}
