//! Merging tickets into one (`ticket merge`) and splitting one in two (`ticket split`).
//! What each ticket allows (its state, pending compensation) is `ticket::apply`'s; the
//! rules across tickets (same customer, an open target, no ticket twice) are here.
//!
//! A merge records `merged-into` on each source (which ends `merged`, its timers `n/a`)
//! and `merged-from` on the target, one per source, all at one instant and under one
//! lock, after every event was checked. The sources' events are not copied: the target
//! shows them by reading the sources ([`merged_events`]), so there is one truth and
//! nothing is counted twice — and a note that reaches a source later (from a clone that
//! had not seen the merge) shows on the target too.

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, Utc};

use super::event;
use crate::desk::record::{parse_doc, read_text};
use crate::desk::{Desk, Id, Kind, When, Who, store};
use crate::error::{Error, Result};
use crate::model::record::{
    self, OutOfOrder, Record, event_table, parse_stored, push_event, write_values,
};
use crate::model::routing;
use crate::model::ticket::{Action, Event, LinkKind, Ticket, Visibility};
use crate::model::ticket_store;

pub struct Merge {
    pub sources: Vec<Id>,
    pub into: Id,
    /// Why (recorded on every ticket).
    pub reason: String,
    /// Merge tickets of other customers too.
    pub force: bool,
}

/// What a merge did.
#[derive(Debug)]
pub struct Merged {
    pub target: Ticket,
    /// In the order given.
    pub sources: Vec<Ticket>,
    /// Every file written, the target first.
    pub paths: Vec<PathBuf>,
    /// The instant of every event recorded.
    pub at: DateTime<FixedOffset>,
}

/// A ticket read under the lock, its new text built but not yet written.
struct Staged {
    id: Id,
    path: PathBuf,
    text: String,
    ticket: Ticket,
}

impl Staged {
    fn read(desk: &Desk, id: &Id) -> Result<Staged> {
        let path = desk.path_of(id);
        let text = read_text(&path)?;
        let (_, ticket): (Ticket, Ticket) = parse_stored(&path, &text)?;
        Ok(Staged {
            id: id.clone(),
            path,
            text,
            ticket,
        })
    }

    /// Checks `e` against the ticket and the desk's rules, and builds the new text.
    fn add(&mut self, desk: &Desk, e: Event) -> Result<()> {
        ticket_store::authorize(desk, &self.ticket, &e)?;
        self.ticket
            .apply(&e)
            .map_err(|error| record::refused::<Ticket>(&self.id, error))?;
        let mut doc = parse_doc(&self.path, &self.text)?;
        write_values(&mut doc, &self.ticket.fields());
        push_event(&mut doc, event_table(desk, e.at, &e)?, &self.path)?;
        self.text = doc.to_string();
        Ok(())
    }
}

/// Merges `o.sources` into `o.into`: all or nothing (every event is checked before the
/// first file is written). Refused, naming the ticket, when a source is not open or has
/// compensation awaiting a decision, when the target is closed or merged, or when a
/// source is another customer's and `force` is not given.
pub fn merge(desk: &Desk, who: &Who, when: When, o: Merge) -> Result<Merged> {
    if o.sources.is_empty() {
        return Err(Error::usage(
            "merge needs at least one ticket to merge",
            "usage: svcdesk ticket merge SRC... --into DST -m REASON",
        ));
    }
    let mut seen = BTreeSet::new();
    for s in &o.sources {
        if *s == o.into {
            return Err(Error::invalid(format!(
                "{s}: a ticket cannot be merged into itself"
            )));
        }
        if !seen.insert(s.as_str()) {
            return Err(Error::invalid(format!("{s} is named twice")));
        }
    }
    let _lock = desk.lock()?;
    let mut target = Staged::read(desk, &o.into)?;
    let mut sources = o
        .sources
        .iter()
        .map(|id| Staged::read(desk, id))
        .collect::<Result<Vec<_>>>()?;
    if !target.ticket.is_open() {
        return Err(Error::invalid_with_hint(
            format!(
                "{}: cannot merge into a {} ticket",
                target.id,
                target.ticket.state()
            ),
            match target.ticket.last(Action::MergedInto) {
                Some(e) => format!(
                    "it was merged into {}; merge into that one",
                    e.ticket.as_deref().unwrap_or("another ticket")
                ),
                None => format!(
                    "reopen it first: `svcdesk ticket reopen {} --reason ...`",
                    target.id
                ),
            },
        ));
    }
    for s in &sources {
        if s.ticket.customer != target.ticket.customer && !o.force {
            return Err(Error::invalid_with_hint(
                format!(
                    "{} is customer {}'s, {} is customer {}'s: a merge keeps one customer's case together",
                    s.id,
                    s.ticket.customer.as_deref().unwrap_or("?"),
                    target.id,
                    target.ticket.customer.as_deref().unwrap_or("?"),
                ),
                "merge them anyway with --force, or link them: `svcdesk ticket link SRC DST --kind related`",
            ));
        }
    }
    // One instant for every event, not before any ticket's last event.
    let last = std::iter::once(&target)
        .chain(&sources)
        .filter_map(|s| s.ticket.event.last().map(|e| (e.at, &s.id)))
        .max_by_key(|(at, _)| *at);
    let at = when.resolve(last.map(|l| l.0)).map_err(|at| {
        let (l, id) = last.expect("only refused after a last event");
        Error::Record(Box::new(OutOfOrder {
            noun: "ticket",
            id: id.to_string(),
            at: desk.local(at),
            last: l,
        }))
    })?;
    let base = event(desk, who, at, Action::MergedInto);
    for s in &mut sources {
        let mut into = base.clone();
        into.ticket = Some(target.id.to_string());
        into.reason = Some(o.reason.clone());
        s.add(desk, into)?;
        let mut from = base.clone();
        from.action = Some(Action::MergedFrom);
        from.ticket = Some(s.id.to_string());
        from.reason = Some(o.reason.clone());
        target.add(desk, from)?;
    }
    // Target first: a merge interrupted midway leaves the target listing a source that
    // is not merged yet, which `check` reports and running the merge again finishes
    // (a second `merged-from` of one source is harmless: it is shown once).
    let mut paths = Vec::new();
    for s in std::iter::once(&target).chain(&sources) {
        store::write_atomic(&s.path, s.text.as_bytes())?;
        paths.push(s.path.clone());
    }
    Ok(Merged {
        target: target.ticket,
        sources: sources.into_iter().map(|s| s.ticket).collect(),
        paths,
        at: base.at,
    })
}

/// Whether an event of a merged ticket shows on its target: what the customer was told
/// or told us (the opening, replies, plans, resolutions, revisits, closing), notes, and
/// anything recorded on it after its merge.
pub fn shows_on_target(e: &Event, after_merge: bool) -> bool {
    use Action as A;
    after_merge
        || e.visibility == Some(Visibility::Customer)
        || matches!(
            e.action,
            Some(A::Open | A::Respond | A::Plan | A::Resolve | A::Revisit | A::Close | A::Note)
        )
}

/// One event of a ticket merged into another, as the target shows it.
#[derive(Debug, Clone)]
pub struct FromMerged {
    /// The merged ticket it was recorded on.
    pub origin: String,
    /// Its number in that ticket's history (1-based).
    pub number: usize,
    pub event: Event,
}

/// The events of the tickets merged into `t` that show on it ([`shows_on_target`]),
/// read from those tickets — and from the tickets merged into them, and so on — in time
/// order (then by origin and number). A source that cannot be read is an error naming it.
pub fn merged_events(desk: &Desk, t: &Ticket) -> Result<Vec<FromMerged>> {
    let sources = |t: &Ticket| -> Vec<(String, String)> {
        t.event
            .iter()
            .filter(|e| e.action == Some(Action::MergedFrom))
            .filter_map(|e| Some((e.ticket.clone()?, t.id.clone())))
            .collect()
    };
    let mut out = Vec::new();
    let mut seen = BTreeSet::from([t.id.clone()]);
    let mut todo = sources(t);
    while let Some((src, into)) = todo.pop() {
        if !seen.insert(src.clone()) {
            continue;
        }
        let s = ticket_store::load(desk, &desk.resolve(Kind::Ticket, &src)?)?;
        let merged_at = s.event.iter().position(|x| {
            x.action == Some(Action::MergedInto) && x.ticket.as_deref() == Some(&into)
        });
        for (i, x) in s.event.iter().enumerate() {
            let after = merged_at.is_some_and(|m| i > m);
            if !matches!(x.action, Some(Action::MergedInto | Action::MergedFrom))
                && shows_on_target(x, after)
            {
                out.push(FromMerged {
                    origin: s.id.clone(),
                    number: i + 1,
                    event: x.clone(),
                });
            }
        }
        todo.extend(sources(&s));
    }
    out.sort_by(|a, b| (a.event.at, &a.origin, a.number).cmp(&(b.event.at, &b.origin, b.number)));
    Ok(out)
}

pub struct Split {
    pub id: Id,
    /// The events (1-based) whose text the new ticket carries.
    pub events: Vec<usize>,
    /// Why (recorded on both tickets).
    pub reason: String,
}

/// What a split did.
#[derive(Debug)]
pub struct SplitOff {
    /// The new ticket.
    pub id: Id,
    pub ticket: Ticket,
    /// The ticket split from, with its `split-into` link.
    pub source: Ticket,
    pub paths: Vec<PathBuf>,
}

/// The text an event carries into a split-off ticket, if any.
fn carried_text(e: &Event) -> Option<String> {
    [&e.description, &e.text, &e.cause, &e.need]
        .into_iter()
        .flatten()
        .find(|s| !s.trim().is_empty())
        .cloned()
}

/// Opens a new ticket for part of `o.id`: same customer, contact, channel, category,
/// product, serial, priority and grade; titled "split from ID: <title>"; its description
/// the chosen events' texts, each headed by where it came from; routed like a new ticket
/// of its category; linked `split-from` the source, which gains a `split-into` link.
pub fn split(desk: &Desk, who: &Who, now: DateTime<Utc>, o: Split) -> Result<SplitOff> {
    let src = ticket_store::load(desk, &o.id)?;
    if o.events.is_empty() {
        return Err(Error::usage(
            "split needs the events to carry over",
            "usage: svcdesk ticket split ID --events 4,7 -m REASON (events numbered from 1 in history order)",
        ));
    }
    let mut parts = Vec::new();
    let mut seen = BTreeSet::new();
    for &n in &o.events {
        let e = n
            .checked_sub(1)
            .and_then(|i| src.event.get(i))
            .ok_or_else(|| {
                Error::invalid(format!(
                    "{}: there is no event {n}; it has events 1..{}",
                    src.id,
                    src.event.len()
                ))
            })?;
        if !seen.insert(n) {
            continue;
        }
        let text = carried_text(e).ok_or_else(|| {
            Error::invalid(format!(
                "{}: event {n} ({}) has no text to carry over",
                src.id,
                e.action.map_or("?", Action::as_str)
            ))
        })?;
        parts.push(format!(
            "[{} event {n}, {} by {}, {}]\n{}",
            src.id,
            e.action.map_or("?", Action::as_str),
            e.by,
            e.at.format("%Y-%m-%d %H:%M"),
            text.trim_end()
        ));
    }
    let category = src
        .category
        .clone()
        .ok_or_else(|| Error::invalid(format!("{} has no category", src.id)))?;
    let mut open = event(desk, who, now, Action::Open);
    open.title = Some(super::title(
        Some(&format!("split from {}: {}", src.id, src.title)),
        "",
    ));
    open.customer = src.customer.clone();
    open.contact = src.contact.clone();
    open.channel = src.channel;
    open.category = Some(category.clone());
    open.complaint_kind = src.complaint_kind;
    open.product = src.product.clone();
    open.serial = src.serial.clone();
    open.purchase_date = src.purchase_date;
    open.voucher = src.voucher.clone();
    open.priority = src.priority;
    open.grade = src.grade;
    open.description = Some(parts.join("\n\n"));
    let (department, why) = routing::department(&desk.config.categories, &category, None);
    let mut route = event(desk, who, now, Action::Assign);
    route.department = Some(department);
    route.reason = Some(why);
    let mut from = event(desk, who, now, Action::Link);
    from.link = Some(LinkKind::SplitFrom);
    from.ticket = Some(src.id.clone());
    from.reason = Some(o.reason.clone());
    let opened = ticket_store::create(desk, vec![open, route, from])?;
    let mut into = event(desk, who, DateTime::UNIX_EPOCH, Action::Link);
    into.link = Some(LinkKind::SplitInto);
    into.ticket = Some(opened.id.to_string());
    into.reason = Some(o.reason);
    let source = ticket_store::append(desk, &o.id, When::NowIs(now), into)?;
    Ok(SplitOff {
        paths: vec![opened.path, desk.path_of(&o.id)],
        id: opened.id,
        ticket: opened.ticket,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(action: Action) -> Event {
        Event {
            by: "li".into(),
            action: Some(action),
            ..Event::default()
        }
    }

    #[test]
    fn the_target_shows_what_the_customer_saw_and_anything_after_the_merge() {
        assert!(shows_on_target(&ev(Action::Respond), false));
        assert!(shows_on_target(&ev(Action::Note), false));
        assert!(!shows_on_target(&ev(Action::Assign), false));
        assert!(!shows_on_target(&ev(Action::Diagnose), false));
        assert!(shows_on_target(&ev(Action::Link), true));
    }

    #[test]
    fn a_split_carries_the_first_text_an_event_has() {
        let mut e = ev(Action::Diagnose);
        e.cause = Some("board".into());
        assert_eq!(carried_text(&e).as_deref(), Some("board"));
        assert_eq!(carried_text(&ev(Action::Accept)), None);
    }
}
