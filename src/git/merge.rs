//! Three-way merges of record files, for git's merge driver (`svcdesk merge-driver`).
//! Pure: text in, text out. The rules, which README and `svcdesk git --help` repeat:
//!
//! - **Tickets**: the history is the union of both sides' `[[event]]`s. An event is
//!   identified by its whole content (time, who, action and every field), so an event both
//!   sides have — from the common base, or entered identically — appears once. The union
//!   is ordered by `at` (stable: our order first, then theirs, for equal instants) and the
//!   current fields are re-derived by replay. If the merged history does not replay (both
//!   sides accepted, or one closed while the other re-routed), nothing is dropped: the
//!   file becomes a normal git conflict that `svcdesk check` reports until it is resolved.
//! - **Improvement measures** merge like tickets: their `[[event]]`s are unioned and the
//!   fields re-derived by the measure's own replay (both sides marking it done conflicts).
//! - **Customers, reports, work logs**: each top-level key merges three ways: changed on
//!   one side only, that side wins; changed the same way on both, taken once; changed
//!   differently on both, a true conflict — the file gets conflict markers around that key
//!   and git reports the conflict. Arrays of strings (tags) merge as sets (additions and
//!   removals of both sides kept). Lists of tables (`[[log]]`, `[[entry]]`) are unioned
//!   by content like events: ours in our order, then theirs' new ones.
//! - Input that is not TOML on any side (or already holds conflict markers) is a conflict:
//!   the result is our text and their text inside markers; never a panic, never a guess.
//!
//! Our side's formatting and comments are kept: the result starts from our document.

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

use crate::desk::{Id, Kind};
use crate::model::ticket::{self, Event, values_equal};
use crate::model::{measure, ticket_store};

/// What a merge gives: the text to write into our file, and whether it is clean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merged {
    /// Merged without a conflict.
    Clean(String),
    /// A conflict: the text holds git-style markers; `reason` says why.
    Conflict { text: String, reason: String },
}

impl Merged {
    pub fn text(&self) -> &str {
        match self {
            Merged::Clean(t) => t,
            Merged::Conflict { text, .. } => text,
        }
    }

    pub fn is_clean(&self) -> bool {
        matches!(self, Merged::Clean(_))
    }
}

/// Merges one record file: `base` is the common ancestor (empty when there is none).
pub fn merge(base: &str, ours: &str, theirs: &str) -> Merged {
    if ours == theirs {
        return Merged::Clean(ours.to_string());
    }
    let parse = |side: &str, text: &str| -> Result<DocumentMut, String> {
        if has_markers(text) {
            return Err(format!("{side} already holds conflict markers"));
        }
        text.parse::<DocumentMut>()
            .map_err(|e| format!("{side} is not valid TOML: {}", e.message().trim()))
    };
    let (b, o, t) = match (
        parse("base", base),
        parse("ours", ours),
        parse("theirs", theirs),
    ) {
        (Ok(b), Ok(o), Ok(t)) => (b, o, t),
        (Err(reason), _, _) | (_, Err(reason), _) | (_, _, Err(reason)) => {
            return conflict_whole(ours, theirs, reason);
        }
    };
    let has_history = |d: &DocumentMut| matches!(d.get("event"), Some(Item::ArrayOfTables(_)));
    // Records with a history differ in their events and in how fields are re-derived;
    // the ID's kind letter says which record this is.
    let is_measure = |d: &DocumentMut| {
        d.get("id")
            .and_then(Item::as_str)
            .and_then(Id::parse)
            .is_some_and(|id| id.kind() == Kind::Measure)
    };
    if (has_history(&o) || has_history(&t)) && (is_measure(&o) || is_measure(&t)) {
        merge_measure(&o, &t, ours, theirs)
    } else if has_history(&o) || has_history(&t) {
        merge_ticket(&o, &t, ours, theirs)
    } else {
        merge_record(&b, &o, &t)
    }
}

fn has_markers(text: &str) -> bool {
    text.lines().any(|l| {
        l.starts_with("<<<<<<< ")
            || l == "<<<<<<<"
            || l.starts_with("=======")
            || l.starts_with(">>>>>>> ")
            || l == ">>>>>>>"
    })
}

fn conflict_whole(ours: &str, theirs: &str, reason: String) -> Merged {
    Merged::Conflict {
        text: with_markers(ours, theirs),
        reason,
    }
}

/// Our and their text with git-style markers around the lines that differ (the common
/// leading and trailing lines stay outside), so the file reads like any git conflict.
pub fn with_markers(ours: &str, theirs: &str) -> String {
    let a: Vec<&str> = ours.split_inclusive('\n').collect();
    let b: Vec<&str> = theirs.split_inclusive('\n').collect();
    let with_nl = |l: &str| l.ends_with('\n');
    let mut pre = 0;
    while pre < a.len() && pre < b.len() && a[pre] == b[pre] && with_nl(a[pre]) {
        pre += 1;
    }
    let mut suf = 0;
    while suf < a.len() - pre && suf < b.len() - pre && a[a.len() - 1 - suf] == b[b.len() - 1 - suf]
    {
        suf += 1;
    }
    let mut out: String = a[..pre].concat();
    let body = |lines: &[&str], out: &mut String| {
        let s = lines.concat();
        out.push_str(&s);
        if !s.is_empty() && !s.ends_with('\n') {
            out.push('\n');
        }
    };
    out.push_str("<<<<<<< ours\n");
    body(&a[pre..a.len() - suf], &mut out);
    out.push_str("=======\n");
    body(&b[pre..b.len() - suf], &mut out);
    out.push_str(">>>>>>> theirs\n");
    out.push_str(&a[a.len() - suf..].concat());
    out
}

/// A `[[...]]` table as plain TOML, for comparing by content.
fn table_value(t: &Table) -> Result<toml::Table, String> {
    let mut d = DocumentMut::new();
    for (k, item) in t.iter() {
        d.insert(k, item.clone());
    }
    d.to_string()
        .parse::<toml::Table>()
        .map_err(|e| e.to_string())
}

fn ticket_events(doc: &DocumentMut, side: &str) -> Result<Vec<(Table, Event)>, String> {
    history_events(doc, side)
}

fn history_events<E: serde::de::DeserializeOwned>(
    doc: &DocumentMut,
    side: &str,
) -> Result<Vec<(Table, E)>, String> {
    let Some(item) = doc.get("event") else {
        return Ok(Vec::new());
    };
    let Item::ArrayOfTables(a) = item else {
        return Err(format!("{side}: `event` is not a list of [[event]] tables"));
    };
    a.iter()
        .enumerate()
        .map(|(i, t)| {
            let mut d = DocumentMut::new();
            for (k, item) in t.iter() {
                d.insert(k, item.clone());
            }
            toml::from_str::<E>(&d.to_string())
                .map(|e| (t.clone(), e))
                .map_err(|e| format!("{side}: event {}: {}", i + 1, e.message().trim()))
        })
        .collect()
}

/// Ours, then each of `theirs` that ours does not already have (as a multiset: an item
/// present twice on one side and once on the other stays twice).
fn union<T: Clone>(ours: &[T], theirs: &[T], same: impl Fn(&T, &T) -> bool) -> Vec<T> {
    let mut used = vec![false; ours.len()];
    let mut out = ours.to_vec();
    for x in theirs {
        match (0..ours.len()).find(|&i| !used[i] && same(&ours[i], x)) {
            Some(i) => used[i] = true,
            None => out.push(x.clone()),
        }
    }
    out
}

fn history(tables: Vec<Table>) -> Item {
    let mut a = ArrayOfTables::new();
    for mut t in tables {
        // Positions come from different documents; the array's order is the order.
        t.set_position(None);
        a.push(t);
    }
    Item::ArrayOfTables(a)
}

fn merge_ticket(o: &DocumentMut, t: &DocumentMut, ours: &str, theirs: &str) -> Merged {
    let (oe, te) = match (ticket_events(o, "ours"), ticket_events(t, "theirs")) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(r), _) | (_, Err(r)) => return conflict_whole(ours, theirs, r),
    };
    let mut all = union(&oe, &te, |a, b| a.1 == b.1);
    // Stable: for equal instants, ours (and the base's) before theirs.
    all.sort_by_key(|(_, e)| e.at);
    let id = o
        .get("id")
        .or_else(|| t.get("id"))
        .and_then(Item::as_str)
        .unwrap_or_default()
        .to_string();
    let events: Vec<Event> = all.iter().map(|(_, e)| e.clone()).collect();
    let replayed = match ticket::replay(&id, &events) {
        Ok(r) => r,
        Err((i, e)) => {
            let ev = &events[i];
            return conflict_whole(
                ours,
                theirs,
                format!(
                    "the merged history does not replay: event {} ({} by {} at {}): {e}",
                    i + 1,
                    ev.action.map(ticket::Action::as_str).unwrap_or("?"),
                    ev.by,
                    ev.at.to_rfc3339()
                ),
            );
        }
    };
    let mut doc = o.clone();
    ticket_store::write_ticket_fields(&mut doc, &replayed);
    doc.insert("event", history(all.into_iter().map(|(t, _)| t).collect()));
    Merged::Clean(doc.to_string())
}

/// As for tickets: the union of both histories in time order, fields re-derived by
/// replay; a union that does not replay (both sides marked it done) is a conflict.
fn merge_measure(o: &DocumentMut, t: &DocumentMut, ours: &str, theirs: &str) -> Merged {
    let (oe, te) = match (history_events(o, "ours"), history_events(t, "theirs")) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(r), _) | (_, Err(r)) => return conflict_whole(ours, theirs, r),
    };
    let mut all: Vec<(Table, measure::Event)> = union(&oe, &te, |a, b| a.1 == b.1);
    all.sort_by_key(|(_, e)| e.at);
    let id = o
        .get("id")
        .or_else(|| t.get("id"))
        .and_then(Item::as_str)
        .unwrap_or_default()
        .to_string();
    let events: Vec<measure::Event> = all.iter().map(|(_, e)| e.clone()).collect();
    let replayed = match measure::replay(&id, &events) {
        Ok(r) => r,
        Err((i, e)) => {
            let ev = &events[i];
            return conflict_whole(
                ours,
                theirs,
                format!(
                    "the merged history does not replay: event {} ({} by {} at {}): {e}",
                    i + 1,
                    ev.action,
                    ev.by,
                    ev.at.to_rfc3339()
                ),
            );
        }
    };
    let mut doc = o.clone();
    ticket_store::write_values(&mut doc, &replayed.field_values());
    doc.insert("event", history(all.into_iter().map(|(t, _)| t).collect()));
    Merged::Clean(doc.to_string())
}

fn same(a: Option<&Item>, b: Option<&Item>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(Item::Value(x)), Some(Item::Value(y))) => values_equal(Some(x), Some(y)),
        (Some(Item::ArrayOfTables(x)), Some(Item::ArrayOfTables(y))) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|(p, q)| table_value(p).ok() == table_value(q).ok())
        }
        (Some(x), Some(y)) => x.to_string().trim() == y.to_string().trim(),
        _ => false,
    }
}

/// Sets `key` in `doc` to `item` (None removes it), keeping our decoration when we had a
/// value there.
fn put(doc: &mut DocumentMut, key: &str, item: Option<&Item>) {
    match item {
        None => {
            doc.remove(key);
        }
        Some(Item::Value(v)) => match doc.get_mut(key).and_then(Item::as_value_mut) {
            Some(slot) => {
                let decor = slot.decor().clone();
                *slot = v.clone();
                *slot.decor_mut() = decor;
            }
            None => {
                doc.insert(key, Item::Value(v.clone()));
            }
        },
        Some(other) => {
            doc.insert(key, other.clone());
        }
    }
}

fn strings(item: Option<&Item>) -> Option<Vec<String>> {
    match item {
        None => Some(Vec::new()),
        Some(i) => i
            .as_array()?
            .iter()
            .map(|v| v.as_str().map(String::from))
            .collect(),
    }
}

/// Three-way set merge of string arrays: both sides' additions and removals.
fn merge_sets(b: &[String], o: &[String], t: &[String]) -> Vec<String> {
    let mut out: Vec<String> = o
        .iter()
        .filter(|x| !(b.contains(x) && !t.contains(x)))
        .cloned()
        .collect();
    for x in t {
        if !b.contains(x) && !out.contains(x) {
            out.push(x.clone());
        }
    }
    out
}

fn merge_record(b: &DocumentMut, o: &DocumentMut, t: &DocumentMut) -> Merged {
    let mut keys: Vec<String> = o.iter().map(|(k, _)| k.to_string()).collect();
    for (k, _) in t.iter() {
        if !keys.iter().any(|x| x == k) {
            keys.push(k.to_string());
        }
    }
    // Two results: conflicting keys as ours in one, as theirs in the other. Identical
    // when clean; otherwise their difference is what goes between the markers.
    let mut with_ours = o.clone();
    let mut with_theirs = o.clone();
    let mut conflicts = Vec::new();
    for key in &keys {
        let (bi, oi, ti) = (b.get(key), o.get(key), t.get(key));
        if same(oi, ti) || same(bi, ti) {
            continue; // ours already holds the answer
        }
        if same(bi, oi) {
            put(&mut with_ours, key, ti);
            put(&mut with_theirs, key, ti);
            continue;
        }
        // Changed on both sides, differently.
        match (oi, ti) {
            (Some(Item::ArrayOfTables(oa)), Some(Item::ArrayOfTables(ta))) => {
                let ov: Vec<(Table, Option<toml::Table>)> = oa
                    .iter()
                    .map(|x| (x.clone(), table_value(x).ok()))
                    .collect();
                let tv: Vec<(Table, Option<toml::Table>)> = ta
                    .iter()
                    .map(|x| (x.clone(), table_value(x).ok()))
                    .collect();
                let all = union(&ov, &tv, |p, q| p.1.is_some() && p.1 == q.1);
                let item = history(all.into_iter().map(|(x, _)| x).collect());
                with_ours.insert(key, item.clone());
                with_theirs.insert(key, item);
                continue;
            }
            (Some(Item::Value(Value::Array(_))), Some(Item::Value(Value::Array(_)))) => {
                if let (Some(bs), Some(os), Some(ts)) = (strings(bi), strings(oi), strings(ti)) {
                    let merged = merge_sets(&bs, &os, &ts);
                    let arr: toml_edit::Array = merged.iter().map(String::as_str).collect();
                    let item = Item::Value(Value::Array(arr));
                    put(&mut with_ours, key, Some(&item));
                    put(&mut with_theirs, key, Some(&item));
                    continue;
                }
            }
            _ => {}
        }
        conflicts.push(key.clone());
        put(&mut with_theirs, key, ti);
    }
    let text = with_ours.to_string();
    if conflicts.is_empty() {
        return Merged::Clean(text);
    }
    Merged::Conflict {
        text: with_markers(&text, &with_theirs.to_string()),
        reason: format!(
            "both sides changed {} differently",
            conflicts
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = r#"schema = 1
id = "T20261124-42YFVX"
state = "assigned"
title = "机器异响"
customer = "C20261124-GCTTKE"
channel = "phone"
category = "consult"
priority = "medium"
department = "service"
tags = []
attachments = []
links = []
opened = 2026-11-24T09:30:00+08:00
reopened = 0
# a person's comment, kept
description = "desc line"

[[event]]
at = 2026-11-24T09:30:00+08:00
by = "wang"
action = "open"
title = "机器异响"
customer = "C20261124-GCTTKE"
channel = "phone"
category = "consult"
priority = "medium"
description = "desc line"

[[event]]
at = 2026-11-24T09:30:00+08:00
by = "wang"
action = "assign"
department = "service"
reason = "routed by category consult"
"#;

    fn ev(at: &str, by: &str, action: &str, extra: &str) -> String {
        format!("\n[[event]]\nat = {at}\nby = \"{by}\"\naction = \"{action}\"\n{extra}")
    }

    fn events_of(text: &str) -> Vec<Event> {
        let t: ticket::Ticket = toml::from_str(text).expect("merged ticket parses");
        let replayed = ticket::replay(&t.id, &t.event).expect("replays");
        assert!(t.drift(&replayed).is_empty(), "fields drift: {text}");
        t.event
    }

    #[test]
    fn ticket_histories_union_in_time_order_with_fields_replayed() {
        let note = ev(
            "2026-11-24T09:40:00+08:00",
            "li",
            "note",
            "text = \"called\"\nvisibility = \"internal\"\n",
        );
        let respond = ev(
            "2026-11-24T09:45:00+08:00",
            "wang",
            "respond",
            "text = \"told\"\n",
        );
        let base = HEAD.to_string();
        let ours = format!("{HEAD}{respond}");
        let theirs = format!("{HEAD}{note}");
        let m = merge(&base, &ours, &theirs);
        let Merged::Clean(text) = &m else {
            panic!("{m:?}")
        };
        let evs = events_of(text);
        let actions: Vec<_> = evs.iter().map(|e| e.action.unwrap().as_str()).collect();
        assert_eq!(actions, ["open", "assign", "note", "respond"]);
        assert!(
            text.contains("responded = 2026-11-24T09:45:00+08:00"),
            "{text}"
        );
        assert!(text.contains("# a person's comment, kept"));
        // Symmetric in content.
        let back = merge(&base, &theirs, &ours);
        assert_eq!(events_of(back.text()), evs);
    }

    #[test]
    fn same_event_on_both_sides_appears_once() {
        let note = ev(
            "2026-11-24T09:40:00+08:00",
            "li",
            "note",
            "text = \"same\"\n",
        );
        let other = ev(
            "2026-11-24T09:50:00+08:00",
            "li",
            "note",
            "text = \"other\"\n",
        );
        let ours = format!("{HEAD}{note}");
        let theirs = format!("{HEAD}{note}{other}");
        let m = merge(HEAD, &ours, &theirs);
        assert!(m.is_clean());
        assert_eq!(events_of(m.text()).len(), 4);
        // No common base (both added the file): still a union.
        assert_eq!(events_of(merge("", &ours, &theirs).text()).len(), 4);
    }

    #[test]
    fn history_that_does_not_replay_is_a_marked_conflict() {
        let accept_w = ev("2026-11-24T09:40:00+08:00", "wang", "accept", "");
        let accept_l = ev("2026-11-24T09:41:00+08:00", "li", "accept", "");
        let ours = format!("{HEAD}{accept_w}");
        let theirs = format!("{HEAD}{accept_l}");
        let m = merge(HEAD, &ours, &theirs);
        let Merged::Conflict { text, reason } = &m else {
            panic!("{m:?}")
        };
        assert!(reason.contains("does not replay"), "{reason}");
        assert!(text.contains("<<<<<<< ours\n") && text.contains("=======\n"));
        assert!(text.contains(">>>>>>> theirs\n"));
        // Both sides' events are still there for a person to resolve.
        assert!(text.contains("by = \"wang\"\n") && text.contains("by = \"li\"\n"));
        // The common part stays outside the markers.
        assert!(text.starts_with("schema = 1\n"));
    }

    const CUST: &str = r#"schema = 1
id = "C20261124-GCTTKE"
name = "华东机械"
phone = "138"
# billing address
address = "上海"
tags = ["vip"]
created = 2026-11-24T09:30:00+08:00
created_by = "wang"
"#;

    const MEASURE: &str = r#"schema = 1
id = "M20261124-Q3F7AB"
state = "open"
kind = "training"
owner = "li"
due = 2026-12-15
problem = "engineers misread the fault code"
period = "2026-11"
tickets = []
measure = "train them"
created = 2026-11-24T09:30:00+08:00
created_by = "wang"

[[event]]
at = 2026-11-24T09:30:00+08:00
by = "wang"
action = "add"
problem = "engineers misread the fault code"
period = "2026-11"
measure = "train them"
kind = "training"
owner = "li"
due = 2026-12-15
"#;

    #[test]
    fn measure_histories_union_with_fields_replayed() {
        let note = ev(
            "2026-11-25T09:00:00+08:00",
            "li",
            "note",
            "text = \"half done\"\n",
        );
        let done = ev(
            "2026-11-26T09:00:00+08:00",
            "wang",
            "done",
            "result = \"trained\"\n",
        );
        let m = merge(
            MEASURE,
            &format!("{MEASURE}{done}"),
            &format!("{MEASURE}{note}"),
        );
        let Merged::Clean(text) = &m else {
            panic!("{m:?}")
        };
        let merged: measure::Measure = toml::from_str(text).expect("merged measure parses");
        let replayed = measure::replay(&merged.id, &merged.event).expect("replays");
        assert!(merged.drift(&replayed).is_empty(), "{text}");
        let actions: Vec<_> = merged.event.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["add", "note", "done"]);
        assert_eq!(merged.state, measure::State::Done);
        // Both sides marking it done is a conflict, not a silent pick.
        let done2 = ev(
            "2026-11-26T10:00:00+08:00",
            "li",
            "done",
            "result = \"other\"\n",
        );
        let m = merge(
            MEASURE,
            &format!("{MEASURE}{done}"),
            &format!("{MEASURE}{done2}"),
        );
        assert!(!m.is_clean(), "{m:?}");
    }

    #[test]
    fn customer_fields_merge_three_ways() {
        let ours = CUST.replace("phone = \"138\"", "phone = \"139\"");
        let theirs = CUST
            .replace("address = \"上海\"", "address = \"杭州\"")
            .replace("created_by", "email = \"a@b.c\"\ncreated_by");
        let m = merge(CUST, &ours, &theirs);
        let Merged::Clean(text) = &m else {
            panic!("{m:?}")
        };
        let t: toml::Table = text.parse().unwrap();
        assert_eq!(t["phone"].as_str(), Some("139"));
        assert_eq!(t["address"].as_str(), Some("杭州"));
        assert_eq!(t["email"].as_str(), Some("a@b.c"));
        assert!(
            text.contains("# billing address\naddress = \"杭州\""),
            "{text}"
        );
    }

    #[test]
    fn same_change_on_both_sides_is_clean_and_tags_merge_as_sets() {
        let ours = CUST
            .replace("phone = \"138\"", "phone = \"139\"")
            .replace("[\"vip\"]", "[\"vip\", \"east\"]");
        let theirs = CUST
            .replace("phone = \"138\"", "phone = \"139\"")
            .replace("[\"vip\"]", "[\"key-account\"]");
        let m = merge(CUST, &ours, &theirs);
        let Merged::Clean(text) = &m else {
            panic!("{m:?}")
        };
        let t: toml::Table = text.parse().unwrap();
        assert_eq!(t["phone"].as_str(), Some("139"));
        let tags: Vec<_> = t["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(tags, ["east", "key-account"]);
    }

    #[test]
    fn different_changes_to_one_field_conflict_around_that_field_only() {
        let ours = CUST
            .replace("phone = \"138\"", "phone = \"139\"")
            .replace("name = \"华东机械\"", "name = \"华东机械厂\"");
        let theirs = CUST.replace("phone = \"138\"", "phone = \"137\"");
        let m = merge(CUST, &ours, &theirs);
        let Merged::Conflict { text, reason } = &m else {
            panic!("{m:?}")
        };
        assert!(reason.contains("`phone`"), "{reason}");
        assert!(
            text.contains(
                "<<<<<<< ours\nphone = \"139\"\n=======\nphone = \"137\"\n>>>>>>> theirs\n"
            ),
            "{text}"
        );
        assert!(text.contains("name = \"华东机械厂\"\n<<<<<<<"), "{text}");
    }

    #[test]
    fn log_entries_union() {
        let log = |s: &str| {
            format!("\n[[log]]\nat = 2026-11-24T10:00:00+08:00\nby = \"li\"\nsummary = \"{s}\"\n")
        };
        let base = format!("{CUST}{}", log("first"));
        let ours = format!("{base}{}", log("ours"));
        let theirs = format!("{base}{}", log("theirs"));
        let m = merge(&base, &ours, &theirs);
        let Merged::Clean(text) = &m else {
            panic!("{m:?}")
        };
        let c: crate::model::customer::Customer = toml::from_str(text).unwrap();
        let s: Vec<_> = c.log.iter().map(|l| l.summary.as_str()).collect();
        assert_eq!(s, ["first", "ours", "theirs"]);
    }

    #[test]
    fn unparseable_or_marked_input_is_a_conflict_not_a_panic() {
        for (b, o, t) in [
            (CUST, "not = [toml", CUST),
            (CUST, CUST, "<<<<<<< ours\nx\n=======\ny\n>>>>>>> theirs\n"),
            ("][", CUST, &*CUST.replace("138", "1")),
        ] {
            let m = merge(b, o, t);
            assert!(!m.is_clean(), "{b:?} {o:?} {t:?}");
            assert!(m.text().contains("<<<<<<< ours\n"));
        }
        // A ticket whose event is not an event.
        let bad = format!("{HEAD}\n[[event]]\nat = 1\n");
        assert!(!merge(HEAD, &bad, HEAD).is_clean());
        assert!(!merge(HEAD, HEAD, &bad).is_clean());
    }

    #[test]
    fn markers_wrap_only_the_differing_lines() {
        assert_eq!(
            with_markers("a\nb\nc\n", "a\nx\nc\n"),
            "a\n<<<<<<< ours\nb\n=======\nx\n>>>>>>> theirs\nc\n"
        );
        assert_eq!(
            with_markers("a", "b"),
            "<<<<<<< ours\na\n=======\nb\n>>>>>>> theirs\n"
        );
    }
}
