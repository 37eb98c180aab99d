//! Three-way merges of record files, for git's merge driver (`svcdesk merge-driver`).
//! Pure: text in, text out. The rules, which README and `svcdesk git --help` repeat:
//!
//! - **One rule for every list of entries** — a ticket's or a measure's `[[event]]`s, a
//!   customer's `[[log]]`, a work log's `[[entry]]`s, `[[redaction]]` records — three
//!   ways against the common ancestor (`%O`):
//!   - an entry is identified by its content (every field, compared as values, not as
//!     formatting); an entry that differs from another only in fields one of them has
//!     redacted (`[redacted]`) is the same entry, and the redacted copy wins;
//!   - an entry of the base that both sides still hold is kept; one that a side removed
//!     (`git revert` of a note, a hand deletion) stays removed;
//!   - entries new on either side are all kept, an entry both sides added identically once.
//! - **One total order, whoever merges.** Each side's own order is a chain of
//!   constraints (a ticket's history is its replay: `open` then `assign` at the same
//!   instant, or the accept/respond/resolve/close of a phone call at one instant, must
//!   stay in that order). The merged order is the topological merge of the two chains
//!   that always takes, among the entries whose predecessors on both sides are already
//!   placed, the least by (time, then canonical content: fields sorted by name, values
//!   as TOML), then by its text with comments. So two entries from the same side are
//!   never swapped, entries from different sides are ordered by time and, at the same
//!   instant, by content — never by who merges. When both sides hold the same entries
//!   in opposite orders (a cycle) the least of the remaining ones goes first. When both
//!   sides are in time order, so is the result.
//! - **Comments and blank lines** (toml_edit decor: lines above a key or a `[[table]]`,
//!   a comment after a value, the file's tail) merge three ways too: a side that left
//!   them as in the base takes the other's; when both changed them, the smaller text
//!   (bytewise) is kept and the other's comment lines not already in it are appended.
//!   Both sides' comments survive (a comment above an entry that a side removed goes
//!   with that entry), and the bytes do not depend on who merges — which is
//!   why, when both sides changed a file's layout, "ours as it was" is not the rule: the
//!   side with the bytewise smaller header gives the layout, both give the comments.
//! - **Tickets and improvement measures**: after the events merge, the current fields
//!   are re-derived by replay. If the merged history does not replay (both sides
//!   accepted, both marked a measure done), the events that do not apply are set aside
//!   one at a time (the first failing event of the replay, again, until it replays); the
//!   file keeps every event and puts git markers around just those events —
//!   `<<<<<<< ours` holds our events that did not apply, `>>>>>>> theirs` theirs — with
//!   the reason on the `<<<<<<<` line, which `svcdesk check` reports by line. The fields
//!   above are those of the history without them.
//! - **Customers, reports, work logs**: each other top-level key merges three ways:
//!   changed on one side only, that side wins; changed the same way on both, taken once;
//!   changed differently on both, a true conflict — markers around that key's lines only.
//!   Arrays of strings (tags) merge as sets (additions and removals of both sides kept,
//!   in the same chain order as entries).
//! - Input that is not TOML on any side (or already holds conflict markers) is a conflict:
//!   the result is our text and their text inside markers; never a panic, never a guess.

use std::collections::{BTreeSet, HashMap, VecDeque};

use chrono::{DateTime, Utc};
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

use crate::desk::{Id, Kind};
use crate::model::measure::Measure;
use crate::model::record::{self, Record, Step, values_equal};
use crate::model::redact::{REDACTED, is_redacted};
use crate::model::ticket::Ticket;

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
    let is_kind = |d: &DocumentMut, k: Kind| {
        d.get("id")
            .and_then(Item::as_str)
            .and_then(Id::parse)
            .is_some_and(|id| id.kind() == k)
    };
    let is_measure = |d: &DocumentMut| is_kind(d, Kind::Measure);
    let is_visit = |d: &DocumentMut| is_kind(d, Kind::Visit);
    if (has_history(&o) || has_history(&t)) && (is_measure(&o) || is_measure(&t)) {
        merge_history::<Measure>(&b, &o, &t, ours, theirs)
    } else if (has_history(&o) || has_history(&t)) && (is_visit(&o) || is_visit(&t)) {
        merge_history::<crate::model::visit::Visit>(&b, &o, &t, ours, theirs)
    } else if (has_history(&o) || has_history(&t))
        && (is_kind(&o, Kind::Schedule) || is_kind(&t, Kind::Schedule))
    {
        merge_history::<crate::model::schedule::Schedule>(&b, &o, &t, ours, theirs)
    } else if (has_history(&o) || has_history(&t))
        && (is_kind(&o, Kind::Intel) || is_kind(&t, Kind::Intel))
    {
        merge_history::<crate::model::intel::Intel>(&b, &o, &t, ours, theirs)
    } else if has_history(&o) || has_history(&t) {
        merge_history::<Ticket>(&b, &o, &t, ours, theirs)
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

/// Our and their text with git-style markers around each run of lines that differ (the
/// common lines stay outside), so the file reads like any git conflict.
pub fn with_markers(ours: &str, theirs: &str) -> String {
    hunks(&lines(ours), &lines(theirs), "")
}

fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// A ticket's text in blocks: the fields, then one block per `[[event]]` with the
/// blank and comment lines above it, so markers wrap whole events.
fn blocks(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut offset) = (0, 0);
    // Where the run of blank and comment lines just before this line began.
    let mut run = 0;
    for line in text.split_inclusive('\n') {
        let l = line.trim();
        if line.starts_with("[[") {
            if run > start {
                out.push(&text[start..run]);
                start = run;
            }
        } else if !(l.is_empty() || l.starts_with('#')) {
            run = offset + line.len();
            offset += line.len();
            continue;
        }
        if !(l.is_empty() || l.starts_with('#')) {
            run = offset + line.len();
        }
        offset += line.len();
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Markers around each differing run of units (lines or blocks); `note` follows the
/// `<<<<<<< ours` label, e.g. why the run conflicts.
fn hunks(a: &[&str], b: &[&str], note: &str) -> String {
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
    let (am, bm) = (&a[pre..a.len() - suf], &b[pre..b.len() - suf]);
    // Common units of the middle, by longest common subsequence (small: a file's
    // conflicting part); a huge middle is one hunk.
    let common: Vec<(usize, usize)> = if am.len() * bm.len() <= 4_000_000 {
        let (n, m) = (am.len(), bm.len());
        let mut l = vec![0u32; (n + 1) * (m + 1)];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                l[i * (m + 1) + j] = if am[i] == bm[j] && with_nl(am[i]) {
                    l[(i + 1) * (m + 1) + j + 1] + 1
                } else {
                    l[(i + 1) * (m + 1) + j].max(l[i * (m + 1) + j + 1])
                };
            }
        }
        let (mut i, mut j, mut out) = (0, 0, Vec::new());
        while i < n && j < m {
            if am[i] == bm[j] && with_nl(am[i]) {
                out.push((i, j));
                i += 1;
                j += 1;
            } else if l[(i + 1) * (m + 1) + j] >= l[i * (m + 1) + j + 1] {
                i += 1;
            } else {
                j += 1;
            }
        }
        out
    } else {
        Vec::new()
    };
    let mut out: String = a[..pre].concat();
    let body = |units: &[&str], out: &mut String| {
        let s = units.concat();
        out.push_str(&s);
        if !s.is_empty() && !s.ends_with('\n') {
            out.push('\n');
        }
    };
    let label = if note.is_empty() {
        "<<<<<<< ours\n".to_string()
    } else {
        format!("<<<<<<< ours {note}\n")
    };
    let (mut i, mut j) = (0, 0);
    for &(ci, cj) in common.iter().chain([(am.len(), bm.len())].iter()) {
        if ci > i || cj > j {
            out.push_str(&label);
            body(&am[i..ci], &mut out);
            out.push_str("=======\n");
            body(&bm[j..cj], &mut out);
            out.push_str(">>>>>>> theirs\n");
        }
        if ci < am.len() {
            out.push_str(am[ci]);
        }
        (i, j) = (ci + 1, cj + 1);
    }
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

/// A value's canonical text: keys sorted, values as TOML; equal content, equal bytes,
/// whatever the order or layout on disk.
fn canon(v: &toml::Value, out: &mut String) {
    match v {
        toml::Value::Table(t) => canon_table(t, out),
        toml::Value::Array(a) => {
            out.push('[');
            for x in a {
                canon(x, out);
                out.push(',');
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn canon_table(t: &toml::Table, out: &mut String) {
    let mut keys: Vec<&String> = t.keys().collect();
    keys.sort();
    out.push('{');
    for k in keys {
        out.push_str(&toml::Value::String(k.clone()).to_string());
        out.push('=');
        canon(&t[k], out);
        out.push(',');
    }
    out.push('}');
}

/// A table as it reads in a file (`[[x]]` header, comments and all).
fn render_table(t: &Table) -> String {
    let mut t = t.clone();
    t.set_position(None);
    let mut a = ArrayOfTables::new();
    a.push(t);
    let mut d = DocumentMut::new();
    d.insert("x", Item::ArrayOfTables(a));
    d.to_string()
}

/// One entry of a list (`[[event]]`, `[[log]]`, ...) as found on one side.
#[derive(Clone)]
struct Entry {
    table: Table,
    val: toml::Table,
    canon: String,
}

fn entry(t: &Table) -> Result<Entry, String> {
    let val = table_value(t)?;
    let mut canon = String::new();
    canon_table(&val, &mut canon);
    Ok(Entry {
        table: t.clone(),
        val,
        canon,
    })
}

fn is_marker(v: &toml::Value) -> bool {
    v.as_str().is_some_and(is_redacted)
}

/// The same entry, one copy with fields redacted: equal but where either holds the marker.
fn same_but_redacted(a: &toml::Table, b: &toml::Table) -> bool {
    a.len() == b.len()
        && (a.values().any(is_marker) || b.values().any(is_marker))
        && a.iter().all(|(k, x)| {
            b.get(k)
                .is_some_and(|y| x == y || is_marker(x) || is_marker(y))
        })
}

/// For each of `x`, the one of `y` that is the same entry: identical first (the k-th
/// copy with the k-th), then the same but for redacted fields.
fn pair(x: &[Entry], y: &[Entry]) -> Vec<Option<usize>> {
    let mut by_canon: HashMap<&str, VecDeque<usize>> = HashMap::new();
    for (j, e) in y.iter().enumerate() {
        by_canon.entry(e.canon.as_str()).or_default().push_back(j);
    }
    let mut used = vec![false; y.len()];
    let mut out = vec![None; x.len()];
    for (i, e) in x.iter().enumerate() {
        if let Some(j) = by_canon
            .get_mut(e.canon.as_str())
            .and_then(VecDeque::pop_front)
        {
            used[j] = true;
            out[i] = Some(j);
        }
    }
    for (i, e) in x.iter().enumerate() {
        if out[i].is_some() {
            continue;
        }
        if let Some(j) = (0..y.len()).find(|&j| !used[j] && same_but_redacted(&e.val, &y[j].val)) {
            used[j] = true;
            out[i] = Some(j);
        }
    }
    out
}

/// Where a merged entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Both,
    Ours,
    Theirs,
}

/// One entry of the merged list, with what orders it.
struct Node {
    table: Table,
    at: Option<DateTime<Utc>>,
    canon: String,
    text: String,
    side: Side,
}

impl Node {
    fn key(&self) -> (Option<DateTime<Utc>>, &str, &str) {
        (self.at, &self.canon, &self.text)
    }
}

/// Three-way merge of comment text (decor). `inline`: a comment after a value on its
/// line, where two comments are joined on that line.
fn merge_text(b: Option<&str>, o: &str, t: &str, inline: bool) -> String {
    if o == t || b == Some(t) {
        return o.to_string();
    }
    if b == Some(o) {
        return t.to_string();
    }
    let (p, q) = if o <= t { (o, t) } else { (t, o) };
    if inline {
        let qt = q.trim();
        return if qt.is_empty() || p.contains(qt) {
            p.to_string()
        } else if p.trim().is_empty() {
            q.to_string()
        } else {
            format!("{p} {qt}")
        };
    }
    let mut out = p.to_string();
    for line in q.lines() {
        let l = line.trim();
        if l.starts_with('#') && !p.lines().any(|x| x.trim() == l) {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

fn raw(r: Option<&toml_edit::RawString>) -> Option<String> {
    r.map(|r| r.as_str().unwrap_or("").to_string())
}

/// Merges the comments of every key of `x` (lines above it, comment after its value)
/// from the three sides' versions of the same table.
fn merge_key_decor(x: &mut Table, b: Option<&Table>, o: &Table, t: &Table) {
    let keys: Vec<String> = x.iter().map(|(k, _)| k.to_string()).collect();
    for k in keys {
        let above = |t: &Table| {
            t.key(&k)
                .map(|key| raw(key.leaf_decor().prefix()).unwrap_or_default())
        };
        let after = |t: &Table| {
            t.get(&k)
                .and_then(Item::as_value)
                .map(|v| raw(v.decor().suffix()).unwrap_or_default())
        };
        let three = |f: &dyn Fn(&Table) -> Option<String>, inline: bool| -> Option<String> {
            let bb = b.and_then(f);
            match (f(o), f(t)) {
                (Some(p), Some(q)) => Some(merge_text(bb.as_deref(), &p, &q, inline)),
                (Some(p), None) | (None, Some(p)) => Some(p),
                (None, None) => None,
            }
        };
        if let Some(p) = three(&above, false)
            && let Some(mut key) = x.key_mut(&k)
        {
            key.leaf_decor_mut().set_prefix(p);
        }
        if let Some(s) = three(&after, true)
            && let Some(v) = x.get_mut(&k).and_then(Item::as_value_mut)
        {
            v.decor_mut().set_suffix(s);
        }
    }
}

/// The merged copy of an entry both sides hold (`b`: the base's, if any): the side
/// that changed it (comments) gives it; both changed, the smaller text with the other's
/// comments; a field either side redacted is redacted.
fn combine(b: Option<&Entry>, o: &Entry, t: &Entry) -> Table {
    let (ro, rt) = (render_table(&o.table), render_table(&t.table));
    let rb = b.map(|b| render_table(&b.table));
    let mut table = if ro == rt || rb.as_deref() == Some(rt.as_str()) {
        o.table.clone()
    } else if rb.as_deref() == Some(ro.as_str()) {
        t.table.clone()
    } else {
        let mut x = if ro <= rt {
            o.table.clone()
        } else {
            t.table.clone()
        };
        let pre = |t: &Table| raw(t.decor().prefix()).unwrap_or_default();
        let suf = |t: &Table| raw(t.decor().suffix()).unwrap_or_default();
        let bt = b.map(|b| &b.table);
        x.decor_mut().set_prefix(merge_text(
            bt.map(pre).as_deref(),
            &pre(&o.table),
            &pre(&t.table),
            false,
        ));
        x.decor_mut().set_suffix(merge_text(
            bt.map(suf).as_deref(),
            &suf(&o.table),
            &suf(&t.table),
            true,
        ));
        merge_key_decor(&mut x, bt, &o.table, &t.table);
        x
    };
    for (k, v) in o.val.iter().chain(t.val.iter()) {
        if is_marker(v)
            && let Some(slot) = table.get_mut(k).and_then(Item::as_value_mut)
            && !slot.as_str().is_some_and(is_redacted)
        {
            let decor = slot.decor().clone();
            *slot = Value::from(REDACTED);
            *slot.decor_mut() = decor;
        }
    }
    table
}

fn node(table: Table, side: Side) -> Result<Node, String> {
    let e = entry(&table)?;
    let at = e.val.get("at").and_then(|v| match v {
        toml::Value::Datetime(d) => DateTime::parse_from_rfc3339(&d.to_string())
            .ok()
            .map(|d| d.to_utc()),
        _ => None,
    });
    Ok(Node {
        text: render_table(&table),
        table,
        at,
        canon: e.canon,
        side,
    })
}

/// The order of the merged list: the topological merge of the sides' chains, least
/// (time, content, text) first among the entries whose predecessors are placed.
fn order<K: Ord>(keys: &[K], chains: &[Vec<usize>]) -> Vec<usize> {
    let n = keys.len();
    let mut succ = vec![Vec::new(); n];
    let mut indeg = vec![0usize; n];
    for c in chains {
        for w in c.windows(2) {
            if w[0] != w[1] {
                succ[w[0]].push(w[1]);
                indeg[w[1]] += 1;
            }
        }
    }
    let mut ready: BTreeSet<(&K, usize)> = (0..n)
        .filter(|&i| indeg[i] == 0)
        .map(|i| (&keys[i], i))
        .collect();
    let mut done = vec![false; n];
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let i = match ready.pop_first() {
            Some((_, i)) => i,
            // Both sides hold some entries in opposite orders (a cycle): the least of
            // the chains' first unplaced entries goes first, so no other entry jumps
            // ahead of what precedes it.
            None => chains
                .iter()
                .filter_map(|c| c.iter().copied().find(|&i| !done[i]))
                .chain((0..n).filter(|&i| !done[i]).take(1))
                .min_by_key(|&i| (&keys[i], i))
                .expect("an entry is left"),
        };
        if done[i] {
            continue;
        }
        done[i] = true;
        out.push(i);
        for &j in &succ[i] {
            indeg[j] = indeg[j].saturating_sub(1);
            if indeg[j] == 0 && !done[j] {
                ready.insert((&keys[j], j));
            }
        }
    }
    out
}

/// The three-way merge of one list of entries (see the module docs), in merged order.
fn merge_list(b: &[Table], o: &[Table], t: &[Table]) -> Result<Vec<Node>, String> {
    let entries = |x: &[Table]| x.iter().map(entry).collect::<Result<Vec<_>, _>>();
    let (b, o, t) = (entries(b)?, entries(o)?, entries(t)?);
    let (bo, bt) = (pair(&b, &o), pair(&b, &t));
    let mut nodes: Vec<Node> = Vec::new();
    let mut o_node = vec![None; o.len()];
    let mut t_node = vec![None; t.len()];
    let mut o_old = vec![false; o.len()];
    let mut t_old = vec![false; t.len()];
    for i in 0..b.len() {
        if let Some(oi) = bo[i] {
            o_old[oi] = true;
        }
        if let Some(ti) = bt[i] {
            t_old[ti] = true;
        }
        // Kept only where both sides still hold it: a side that removed it wins.
        if let (Some(oi), Some(ti)) = (bo[i], bt[i]) {
            o_node[oi] = Some(nodes.len());
            t_node[ti] = Some(nodes.len());
            nodes.push(node(combine(Some(&b[i]), &o[oi], &t[ti]), Side::Both)?);
        }
    }
    let o_new: Vec<usize> = (0..o.len()).filter(|&i| !o_old[i]).collect();
    let t_new: Vec<usize> = (0..t.len()).filter(|&i| !t_old[i]).collect();
    let pick = |x: &[Entry], ix: &[usize]| ix.iter().map(|&i| x[i].clone()).collect::<Vec<_>>();
    let both = pair(&pick(&o, &o_new), &pick(&t, &t_new));
    let mut t_taken = vec![false; t_new.len()];
    for (k, &oi) in o_new.iter().enumerate() {
        o_node[oi] = Some(nodes.len());
        match both[k] {
            Some(m) => {
                t_taken[m] = true;
                t_node[t_new[m]] = Some(nodes.len());
                nodes.push(node(combine(None, &o[oi], &t[t_new[m]]), Side::Both)?);
            }
            None => nodes.push(node(o[oi].table.clone(), Side::Ours)?),
        }
    }
    for (m, &ti) in t_new.iter().enumerate() {
        if !t_taken[m] {
            t_node[ti] = Some(nodes.len());
            nodes.push(node(t[ti].table.clone(), Side::Theirs)?);
        }
    }
    let chains = [
        o_node.iter().flatten().copied().collect::<Vec<_>>(),
        t_node.iter().flatten().copied().collect::<Vec<_>>(),
    ];
    let keys: Vec<_> = nodes.iter().map(Node::key).collect();
    let ord = order(&keys, &chains);
    let mut slots: Vec<Option<Node>> = nodes.into_iter().map(Some).collect();
    Ok(ord.into_iter().filter_map(|i| slots[i].take()).collect())
}

fn history(tables: impl IntoIterator<Item = Table>) -> Item {
    let mut a = ArrayOfTables::new();
    for mut t in tables {
        // Positions come from different documents; the array's order is the order.
        t.set_position(None);
        a.push(t);
    }
    Item::ArrayOfTables(a)
}

/// The document without its lists of tables: what "the header" of a record is.
fn header(d: &DocumentMut) -> String {
    let mut d = d.clone();
    let lists: Vec<String> = d
        .iter()
        .filter(|(_, i)| i.is_array_of_tables())
        .map(|(k, _)| k.to_string())
        .collect();
    for k in lists {
        d.remove(&k);
    }
    d.to_string()
}

/// The document the merge starts from: the side that changed the header (if only one
/// did), else the bytewise smaller one — the same whoever merges.
fn skeleton(b: &DocumentMut, o: &DocumentMut, t: &DocumentMut) -> DocumentMut {
    let (hb, ho, ht) = (header(b), header(o), header(t));
    if ho == ht || hb == ht || (hb != ho && ho <= ht) {
        o.clone()
    } else {
        t.clone()
    }
}

/// Both sides' comments on the top-level keys and at the end of the file, three ways.
fn merge_doc_decor(doc: &mut DocumentMut, b: &DocumentMut, o: &DocumentMut, t: &DocumentMut) {
    merge_key_decor(
        doc.as_table_mut(),
        Some(b.as_table()),
        o.as_table(),
        t.as_table(),
    );
    let tail = |d: &DocumentMut| d.trailing().as_str().unwrap_or("").to_string();
    let merged = merge_text(Some(&tail(b)), &tail(o), &tail(t), false);
    doc.set_trailing(merged);
}

fn typed<E: serde::de::DeserializeOwned>(t: &Table) -> Result<E, String> {
    let mut d = DocumentMut::new();
    for (k, item) in t.iter() {
        d.insert(k, item.clone());
    }
    toml::from_str::<E>(&d.to_string()).map_err(|e| e.message().trim().to_string())
}

fn events_of(d: &DocumentMut, side: &str) -> Result<Vec<Table>, String> {
    match d.get("event") {
        None => Ok(Vec::new()),
        Some(Item::ArrayOfTables(a)) => Ok(a.iter().cloned().collect()),
        Some(_) => Err(format!("{side}: `event` is not a list of [[event]] tables")),
    }
}

/// The merged history of a record kind: its fields re-derived by the kind's replay.
fn merge_history<R: Record>(
    b: &DocumentMut,
    o: &DocumentMut,
    t: &DocumentMut,
    ours: &str,
    theirs: &str,
) -> Merged {
    let describe =
        |e: &R::Event| format!("{} by {} at {}", e.action(), e.by(), e.at().to_rfc3339());
    let parsed = (|| -> Result<(Vec<Node>, Vec<R::Event>), String> {
        let bt = events_of(b, "base")?;
        let (ot, tt) = (events_of(o, "ours")?, events_of(t, "theirs")?);
        for (side, list) in [("ours", &ot), ("theirs", &tt)] {
            for (i, x) in list.iter().enumerate() {
                typed::<R::Event>(x).map_err(|e| format!("{side}: event {}: {e}", i + 1))?;
            }
        }
        let nodes = merge_list(&bt, &ot, &tt)?;
        let events = nodes
            .iter()
            .map(|n| typed::<R::Event>(&n.table))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((nodes, events))
    })();
    let (nodes, events) = match parsed {
        Ok(x) => x,
        Err(r) => return conflict_whole(ours, theirs, r),
    };
    let id = o
        .get("id")
        .or_else(|| t.get("id"))
        .and_then(Item::as_str)
        .unwrap_or_default()
        .to_string();
    // Set aside the events that do not apply, one at a time, until the rest replays.
    let mut keep = vec![true; events.len()];
    let mut failed: Vec<(usize, String)> = Vec::new();
    let fields = loop {
        let idx: Vec<usize> = (0..events.len()).filter(|&i| keep[i]).collect();
        let evs: Vec<R::Event> = idx.iter().map(|&i| events[i].clone()).collect();
        match record::replay(&id, &evs) {
            Ok(r) => break r.fields(),
            Err((k, why)) if k < idx.len() && nodes[idx[k]].side != Side::Both => {
                keep[idx[k]] = false;
                failed.push((idx[k], why.to_string()));
            }
            Err((k, why)) => {
                let what = idx
                    .get(k)
                    .map(|&i| describe(&events[i]))
                    .unwrap_or_default();
                return conflict_whole(
                    ours,
                    theirs,
                    format!("the merged history does not replay: {what}: {why}"),
                );
            }
        }
    };
    let mut doc = skeleton(b, o, t);
    record::write_values(&mut doc, &fields);
    merge_doc_decor(&mut doc, b, o, t);
    let render = |leave_out: Side| {
        let mut d = doc.clone();
        d.insert(
            "event",
            history(
                nodes
                    .iter()
                    .enumerate()
                    .filter(|(i, n)| keep[*i] || n.side != leave_out)
                    .map(|(_, n)| n.table.clone()),
            ),
        );
        d.to_string()
    };
    if failed.is_empty() {
        return Merged::Clean(render(Side::Both));
    }
    let reason = failed
        .iter()
        .map(|(i, why)| {
            let side = if nodes[*i].side == Side::Ours {
                "ours"
            } else {
                "theirs"
            };
            format!("{side}: {} does not apply: {why}", describe(&events[*i]))
        })
        .collect::<Vec<_>>()
        .join("; ");
    let (a, z) = (render(Side::Theirs), render(Side::Ours));
    let note = format!(
        "(svcdesk: {reason}; keep the side that is right, or both if they fit, delete the marker lines, run `svcdesk check`)"
    );
    Merged::Conflict {
        text: hunks(&blocks(&a), &blocks(&z), &note),
        reason: format!("the merged history does not replay: {reason}"),
    }
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

/// Sets `key` in `doc` to `item` (None removes it), keeping the decoration already
/// there.
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

/// Three-way set merge of string arrays: both sides' additions and removals, in the
/// chain order of entries (each side's order kept, ties by the text).
fn merge_sets(b: &[String], o: &[String], t: &[String]) -> Vec<String> {
    let kept = |x: &[String], other: &[String]| -> Vec<String> {
        x.iter()
            // Dropped only if it was in the base and the other side dropped it.
            .filter(|s| !b.contains(s) || other.contains(s))
            .cloned()
            .collect()
    };
    let (ok, tk) = (kept(o, t), kept(t, o));
    let mut all: Vec<String> = ok.clone();
    for s in &tk {
        if !all.contains(s) {
            all.push(s.clone());
        }
    }
    let chain = |x: &[String]| {
        x.iter()
            .filter_map(|s| all.iter().position(|a| a == s))
            .collect::<Vec<_>>()
    };
    let chains = [chain(&ok), chain(&tk)];
    order(&all, &chains)
        .into_iter()
        .map(|i| all[i].clone())
        .collect()
}

fn merge_record(b: &DocumentMut, o: &DocumentMut, t: &DocumentMut) -> Merged {
    let mut doc = skeleton(b, o, t);
    let mut keys: Vec<String> = doc.iter().map(|(k, _)| k.to_string()).collect();
    for d in [o, t] {
        for (k, _) in d.iter() {
            if !keys.iter().any(|x| x == k) {
                keys.push(k.to_string());
            }
        }
    }
    let mut conflicts = Vec::new();
    for key in &keys {
        let (bi, oi, ti) = (b.get(key), o.get(key), t.get(key));
        let lists = |x: Option<&Item>| match x {
            None => Some(Vec::new()),
            Some(Item::ArrayOfTables(a)) => Some(a.iter().cloned().collect::<Vec<_>>()),
            Some(_) => None,
        };
        // Lists of tables always merge entry by entry (comments, removals, redactions).
        if (matches!(oi, Some(Item::ArrayOfTables(_)))
            || matches!(ti, Some(Item::ArrayOfTables(_))))
            && let (Some(bl), Some(ol), Some(tl)) = (lists(bi), lists(oi), lists(ti))
            && let Ok(nodes) = merge_list(&bl, &ol, &tl)
        {
            if nodes.is_empty() {
                doc.remove(key);
            } else {
                doc.insert(key, history(nodes.into_iter().map(|n| n.table)));
            }
            continue;
        }
        if same(oi, ti) || same(bi, ti) {
            put(&mut doc, key, oi);
            continue;
        }
        if same(bi, oi) {
            put(&mut doc, key, ti);
            continue;
        }
        // Changed on both sides, differently.
        if let (Some(Item::Value(Value::Array(_))), Some(Item::Value(Value::Array(_)))) = (oi, ti)
            && let (Some(bs), Some(os), Some(ts)) = (strings(bi), strings(oi), strings(ti))
        {
            let merged = merge_sets(&bs, &os, &ts);
            let arr: toml_edit::Array = merged.iter().map(String::as_str).collect();
            put(&mut doc, key, Some(&Item::Value(Value::Array(arr))));
            continue;
        }
        conflicts.push(key.clone());
    }
    merge_doc_decor(&mut doc, b, o, t);
    if conflicts.is_empty() {
        return Merged::Clean(doc.to_string());
    }
    let mut with_ours = doc.clone();
    let mut with_theirs = doc;
    for key in &conflicts {
        put(&mut with_ours, key, o.get(key));
        put(&mut with_theirs, key, t.get(key));
    }
    let names = conflicts
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let note = format!(
        "(svcdesk: both sides changed {names} differently; keep one value, delete the marker lines, run `svcdesk check`)"
    );
    Merged::Conflict {
        text: hunks(
            &lines(&with_ours.to_string()),
            &lines(&with_theirs.to_string()),
            &note,
        ),
        reason: format!("both sides changed {names} differently"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ticket::Event;
    use crate::model::{measure, ticket};

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
        assert!(reason.contains("theirs: accept by li"), "{reason}");
        // Only li's accept (the one that does not apply after wang's) is marked: ours
        // holds nothing in its place; the reason is on the marker line for `check`.
        assert!(
            text.contains(
                "<<<<<<< ours (svcdesk: theirs: accept by li at 2026-11-24T09:41:00+08:00 does not apply"
            ),
            "{text}"
        );
        assert!(
            text.contains(&format!("=======\n{accept_l}>>>>>>> theirs\n")),
            "{text}"
        );
        assert_eq!(text.matches("<<<<<<<").count(), 1, "{text}");
        // Wang's accept is outside the markers, and the fields are those without li's.
        assert!(
            text.contains("by = \"wang\"\naction = \"accept\"\n<<<<<<<"),
            "{text}"
        );
        assert!(text.contains("state = \"accepted\"\n"), "{text}");
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

    const VISIT: &str = r#"schema = 1
id = "V20261202-KT4WW7"
state = "on-site"
ticket = "T20261202-87BWE0"
customer = "C20261202-QAANYC"
service_type = "problem-handling"
scope = "replace the drive board"
date = 2026-12-03
requested = 2026-12-02T09:00:00+08:00
requested_by = "li"
decided_by = "sun"
engineer = "wang"
appointment = 2026-12-03T09:00:00+08:00
arrived = 2026-12-03T09:30:00+08:00

[[event]]
at = 2026-12-02T09:00:00+08:00
by = "li"
action = "request"
ticket = "T20261202-87BWE0"
customer = "C20261202-QAANYC"
service_type = "problem-handling"
scope = "replace the drive board"
date = 2026-12-03

[[event]]
at = 2026-12-02T09:10:00+08:00
by = "sun"
action = "approve"

[[event]]
at = 2026-12-02T09:20:00+08:00
by = "li"
action = "schedule"
engineer = "wang"
appointment = 2026-12-03T09:00:00+08:00

[[event]]
at = 2026-12-03T09:30:00+08:00
by = "wang"
action = "start"
"#;

    #[test]
    fn visit_histories_union_with_fields_replayed() {
        use crate::model::{record, visit};
        let escalate = ev(
            "2026-12-03T11:00:00+08:00",
            "wang",
            "escalate",
            "to = \"sun\"\ntext = \"frame cracked\"\n",
        );
        let complete = ev(
            "2026-12-03T18:00:00+08:00",
            "wang",
            "complete",
            "report = \"R20261203-AAAAAA\"\n",
        );
        let m = merge(
            VISIT,
            &format!("{VISIT}{complete}"),
            &format!("{VISIT}{escalate}"),
        );
        let Merged::Clean(text) = &m else {
            panic!("{m:?}")
        };
        let merged: visit::Visit = toml::from_str(text).expect("merged visit parses");
        let replayed: visit::Visit = record::replay(&merged.id, &merged.event).expect("replays");
        assert!(record::drift(&merged, &replayed).is_empty(), "{text}");
        let actions: Vec<_> = merged.event.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "request", "approve", "schedule", "start", "escalate", "complete"
            ]
        );
        assert_eq!(merged.state, visit::State::Done);
        assert_eq!(merged.escalated_to.as_deref(), Some("sun"));
    }

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
    fn intel_histories_union_and_two_closes_conflict() {
        const INTEL: &str = r#"schema = 1
id = "I20261202-E3KBX8"
state = "assigned"
kind = "problem"
sales = "wang"
period = "2026-12-上旬"
text = "jams"
owner = "li"
created = 2026-12-02T10:00:00+08:00
created_by = "wang"

[[event]]
at = 2026-12-02T10:00:00+08:00
by = "wang"
action = "add"
kind = "problem"
sales = "wang"
period = "2026-12-上旬"
text = "jams"

[[event]]
at = 2026-12-02T10:00:00+08:00
by = "wang"
action = "assign"
owner = "li"
"#;
        let note = ev(
            "2026-12-03T09:00:00+08:00",
            "li",
            "note",
            "text = \"called\"\n",
        );
        let close = ev(
            "2026-12-03T10:00:00+08:00",
            "li",
            "close",
            "text = \"done\"\n",
        );
        let m = merge(INTEL, &format!("{INTEL}{close}"), &format!("{INTEL}{note}"));
        let Merged::Clean(text) = &m else {
            panic!("{m:?}")
        };
        let merged: crate::model::intel::Intel = toml::from_str(text).expect("parses");
        let replayed: crate::model::intel::Intel =
            record::replay(&merged.id, &merged.event).expect("replays");
        assert!(record::drift(&merged, &replayed).is_empty(), "{text}");
        let actions: Vec<_> = merged.event.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["add", "assign", "note", "close"]);
        let close2 = ev(
            "2026-12-03T11:00:00+08:00",
            "wang",
            "close",
            "text = \"other\"\n",
        );
        let m = merge(
            INTEL,
            &format!("{INTEL}{close}"),
            &format!("{INTEL}{close2}"),
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
                "svcdesk check`)\nphone = \"139\"\n=======\nphone = \"137\"\n>>>>>>> theirs\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "name = \"华东机械厂\"\n<<<<<<< ours (svcdesk: both sides changed `phone`"
            ),
            "{text}"
        );
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

    /// Both directions, byte for byte.
    fn both_ways(base: &str, a: &str, b: &str) -> String {
        let ab = merge(base, a, b);
        let ba = merge(base, b, a);
        assert!(ab.is_clean(), "{ab:?}");
        assert_eq!(ab.text(), ba.text(), "merge depends on who merges");
        ab.text().to_string()
    }

    #[test]
    fn same_instant_events_order_by_content_and_keep_each_sides_causal_order() {
        // Ours: a phone call accepted, answered and resolved at one instant; theirs: a
        // note at that same instant. Whoever merges, the same bytes; ours' steps stay in
        // their order (accept before respond before resolve) although by content
        // "resolve" < "respond" would sort first.
        let at = "2026-11-24T10:00:00+08:00";
        let ours = format!(
            "{HEAD}{}{}{}",
            ev(at, "wang", "accept", ""),
            ev(at, "wang", "respond", "text = \"told\"\n"),
            ev(at, "wang", "resolve", "text = \"fixed\"\non_call = true\n"),
        );
        let theirs = format!(
            "{HEAD}{}",
            ev(at, "li", "note", "text = \"customer called twice\"\n")
        );
        let text = both_ways(HEAD, &ours, &theirs);
        let actions: Vec<_> = events_of(&text)
            .iter()
            .map(|e| e.action.unwrap().as_str())
            .collect();
        assert_eq!(
            actions,
            ["open", "assign", "accept", "note", "respond", "resolve"]
        );
        assert!(text.contains("state = \"resolved\""), "{text}");
    }

    #[test]
    fn an_event_one_side_removed_stays_removed() {
        let note = ev(
            "2026-11-24T09:40:00+08:00",
            "li",
            "note",
            "text = \"wrong ticket\"\n",
        );
        let other = ev(
            "2026-11-24T09:50:00+08:00",
            "wang",
            "note",
            "text = \"kept\"\n",
        );
        let base = format!("{HEAD}{note}");
        // Ours reverted the note; theirs added another.
        let theirs = format!("{HEAD}{note}{other}");
        let text = both_ways(&base, HEAD, &theirs);
        assert!(!text.contains("wrong ticket"), "{text}");
        assert!(text.contains("text = \"kept\""), "{text}");
        assert_eq!(events_of(&text).len(), 3);
    }

    #[test]
    fn a_redaction_wins_over_the_unredacted_copy() {
        let note = |t: &str| {
            ev(
                "2026-11-24T09:40:00+08:00",
                "li",
                "note",
                &format!("text = \"{t}\"\n"),
            )
        };
        let redact = ev(
            "2026-11-24T11:00:00+08:00",
            "wang",
            "redact",
            "redacts = 3\nfield = \"text\"\nreason = \"PIPL request\"\n",
        );
        let later = ev(
            "2026-11-24T10:00:00+08:00",
            "li",
            "note",
            "text = \"later\"\n",
        );
        let base = format!("{HEAD}{}", note("ID 310101199001011234"));
        let ours = format!("{HEAD}{}{redact}", note(REDACTED));
        let theirs = format!("{base}{later}");
        let text = both_ways(&base, &ours, &theirs);
        assert!(!text.contains("310101"), "{text}");
        let evs = events_of(&text);
        let actions: Vec<_> = evs.iter().map(|e| e.action.unwrap().as_str()).collect();
        assert_eq!(actions, ["open", "assign", "note", "note", "redact"]);
        assert_eq!(evs[2].text.as_deref(), Some(REDACTED));
        // Without a base (both added the file) the redacted copy still wins.
        let text = both_ways("", &ours, &theirs);
        assert!(!text.contains("310101"), "{text}");
    }

    #[test]
    fn comments_of_both_sides_survive_whoever_merges() {
        let note = ev("2026-11-24T09:40:00+08:00", "li", "note", "text = \"n\"\n");
        let base = format!("{HEAD}{note}");
        let ours = base
            .replace(
                "priority = \"medium\"\ndepartment",
                "priority = \"medium\" # raised by phone\ndepartment",
            )
            .replace(
                "\n[[event]]\nat = 2026-11-24T09:40",
                "\n# ours: asked twice\n[[event]]\nat = 2026-11-24T09:40",
            );
        let ours = format!(
            "{ours}{}",
            ev(
                "2026-11-24T09:50:00+08:00",
                "wang",
                "note",
                "text = \"o\"\n"
            )
        );
        let theirs = base
            .replace("reopened = 0\n", "# theirs: keep an eye\nreopened = 0\n")
            .replace(
                "\n[[event]]\nat = 2026-11-24T09:40",
                "\n# theirs: see mail\n[[event]]\nat = 2026-11-24T09:40",
            );
        let text = both_ways(&base, &ours, &theirs);
        for c in [
            "# a person's comment, kept",
            "# raised by phone",
            "# ours: asked twice",
            "# theirs: keep an eye",
            "# theirs: see mail",
        ] {
            assert!(text.contains(c), "{c} lost: {text}");
        }
        events_of(&text);
    }

    #[test]
    fn log_entries_merge_three_ways_in_one_order() {
        let log = |at: &str, s: &str| {
            format!("\n[[log]]\nat = 2026-11-24T{at}:00+08:00\nby = \"li\"\nsummary = \"{s}\"\n")
        };
        let base = format!("{CUST}{}{}", log("09:00", "first"), log("09:30", "wrong"));
        // Ours removed "wrong" and logged at 10:00; theirs logged at 09:45 and 10:00.
        let ours = format!("{CUST}{}{}", log("09:00", "first"), log("10:00", "ours"));
        let theirs = format!("{base}{}{}", log("09:45", "theirs"), log("10:00", "also"));
        let text = both_ways(&base, &ours, &theirs);
        let c: crate::model::customer::Customer = toml::from_str(&text).unwrap();
        let s: Vec<_> = c.log.iter().map(|l| l.summary.as_str()).collect();
        assert_eq!(s, ["first", "theirs", "also", "ours"]);
    }

    #[test]
    fn worklog_entries_and_measure_events_merge_three_ways_too() {
        let entry = |at: &str, t: &str| {
            format!(
                "\n[[entry]]\ndate = 2026-11-24\nhours = 1.5\ntext = \"{t}\"\nat = 2026-11-24T{at}:00+08:00\nby = \"wang\"\n"
            )
        };
        let head = "schema = 1\nengineer = \"wang\"\n";
        let base = format!(
            "{head}{}{}",
            entry("09:00", "a"),
            entry("09:10", "reverted")
        );
        let ours = format!("{head}{}{}", entry("09:00", "a"), entry("10:00", "x"));
        let theirs = format!("{base}{}", entry("10:00", "w"));
        let text = both_ways(&base, &ours, &theirs);
        let w: crate::model::worklog::WorkLog = toml::from_str(&text).unwrap();
        let t: Vec<_> = w.entry.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(t, ["a", "w", "x"], "{text}");

        // A measure note reverted on one side stays reverted.
        let note = ev(
            "2026-11-25T09:00:00+08:00",
            "li",
            "note",
            "text = \"by mistake\"\n",
        );
        let other = ev(
            "2026-11-25T10:00:00+08:00",
            "wang",
            "note",
            "text = \"kept\"\n",
        );
        let base = format!("{MEASURE}{note}");
        let text = both_ways(&base, MEASURE, &format!("{base}{other}"));
        assert!(
            !text.contains("by mistake") && text.contains("kept"),
            "{text}"
        );
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
