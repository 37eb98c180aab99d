//! A ticket step on several tickets at once (`ticket assign A B C --to wang`, or `-` for
//! IDs on stdin): one desk lock and one commit for the batch (`model::steps::each`),
//! `--dry-run` and `--atomic`, and a question before more than 10 tickets on a terminal.
//! `--where FILTER` (instead of IDs) takes the tickets a `ticket list` filter keeps.

use std::io::{BufRead, IsTerminal};

use svcdesk::config::views::filter_from_terms;
use svcdesk::desk::{Desk, Id, Kind, When, Who};
use svcdesk::model::steps::{self, Batch, Stepped};
use svcdesk::{Error, Result};

use super::args::CommonArgs;
use super::steps::{detail, done, target};
use crate::cli::{Context, hints, values};

/// What a step returns, as the CLI shows it: done (stderr, hooks, the commit) or, for
/// `--dry-run` and a refused `--atomic` batch, what it would do.
pub(super) trait Shown: Sized {
    /// After `ID: `, e.g. `would assign to li (then assigned)`.
    fn would(&self) -> String;
    fn done(self, cx: &mut Context, desk: &Desk, id: &Id, who: &Who) -> Result<u8>;
}

impl Shown for Stepped {
    fn would(&self) -> String {
        let action = self.event.action.expect("every step has its action");
        let d = detail(&self.event);
        format!("would {action}{d} (then {})", self.ticket.state())
    }

    fn done(self, cx: &mut Context, desk: &Desk, id: &Id, who: &Who) -> Result<u8> {
        done(cx, desk, id, who, self)
    }
}

/// Above this many tickets a terminal is asked to confirm (unless --yes).
const ASK_ABOVE: usize = 10;

/// Takes `step` on each ticket `c` names and reports as `done` does for one. `verb` and
/// `to` word the confirmation ("assign 40 tickets to wang?") and the batch's commit.
/// One ID (not `-`, not --dry-run) is the single-ticket form, output unchanged.
pub(super) fn run<T: Shown>(
    cx: &mut Context,
    desk: &Desk,
    c: &CommonArgs,
    verb: &str,
    to: Option<&str>,
    mut step: impl FnMut(&Id, &Who, When) -> Result<T>,
) -> Result<u8> {
    if let [one] = c.ids.as_slice()
        && one != "-"
        && !c.dry_run
    {
        let (id, who, when) = target(cx, desk, c)?;
        return step(&id, &who, when)?.done(cx, desk, &id, &who);
    }
    let given = if c.where_.is_empty() {
        ids(&c.ids)?
    } else {
        let found = matching(cx, desk, &c.where_)?;
        if found.is_empty() {
            eprintln!("no tickets match --where; nothing to {verb}");
            return Ok(0);
        }
        found
    };
    let mut refused: Vec<(String, Error)> = Vec::new();
    let mut ids: Vec<Id> = Vec::new();
    for text in &given {
        match desk.resolve(Kind::Ticket, text) {
            Ok(id) if ids.contains(&id) => {}
            Ok(id) => ids.push(id),
            Err(e) => refused.push((text.clone(), e)),
        }
    }
    let who = cx.who(desk)?;
    let when = cx.when(desk, values::at(&c.at))?;
    let to = to.map(|t| format!(" to {t}")).unwrap_or_default();
    let n = ids.len() + refused.len();
    if !c.dry_run && !c.yes && n > ASK_ABOVE && std::io::stdin().is_terminal() {
        confirm(&format!("{verb} {n} tickets{to}?"))?;
    }
    let how = Batch {
        dry_run: c.dry_run,
        atomic: c.atomic,
    };
    if c.atomic && !refused.is_empty() {
        return refusals(&refused, n, true);
    }
    let results = steps::each(desk, &ids, how, |id| step(id, &who, when))?;
    let written = !(c.dry_run || c.atomic && results.iter().any(|(_, r)| r.is_err()));
    let first = cx.to_commit.len();
    for (id, r) in results {
        match r {
            Ok(s) if written => {
                s.done(cx, desk, &id, &who)?;
                cx.print(&format!("{id}\n"))?;
            }
            Ok(s) => {
                eprintln!("{id}: {}", s.would());
                if c.dry_run {
                    cx.print(&format!("{id}\n"))?;
                }
            }
            Err(e) => refused.push((id.to_string(), e)),
        }
    }
    one_commit(
        cx,
        first,
        &format!("ticket {verb}: {} tickets{to}", ids.len()),
    );
    if refused.is_empty() {
        Ok(0)
    } else {
        refusals(&refused, n, c.atomic)
    }
}

/// Each refusal on stderr with its ticket, a summary, and exit code 1.
fn refusals(refused: &[(String, Error)], n: usize, atomic: bool) -> Result<u8> {
    for (id, e) in refused {
        let msg = hints::message(e);
        if msg.starts_with(&format!("{id}:")) {
            eprintln!("error: {msg}");
        } else {
            eprintln!("error: {id}: {msg}");
        }
        if let Some(h) = hints::hint(e) {
            eprintln!("hint: {h}");
        }
    }
    let k = refused.len();
    if atomic {
        eprintln!("error: {k} of {n} tickets refused; --atomic: no ticket was changed");
    } else {
        eprintln!("error: {k} of {n} tickets refused; the others were changed");
    }
    Ok(1)
}

/// The commits the batch noted since `first`, as one commit of all their files.
fn one_commit(cx: &mut Context, first: usize, message: &str) {
    let batch = cx.to_commit.split_off(first);
    if batch.len() < 2 {
        cx.to_commit.extend(batch);
        return;
    }
    let root = batch[0].0.clone();
    let mut body = String::new();
    let mut files = Vec::new();
    for (_, m, f) in batch {
        body.push('\n');
        body.push_str(&m);
        for f in f {
            if !files.contains(&f) {
                files.push(f);
            }
        }
    }
    cx.to_commit
        .push((root, format!("{message}\n{body}"), files));
}

/// The IDs as given, `-` replaced by the lines of stdin: a header `id` and blank lines
/// skipped, and a CSV line cut at its first comma.
fn ids(given: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for g in given {
        if g != "-" {
            out.push(g.clone());
            continue;
        }
        for line in std::io::stdin().lock().lines() {
            let line = line.map_err(|e| Error::io("<stdin>", e))?;
            let id = line.split(',').next().unwrap_or_default().trim();
            if !id.is_empty() && !id.eq_ignore_ascii_case("id") {
                out.push(id.to_string());
            }
        }
    }
    if out.is_empty() {
        return Err(Error::usage(
            "no ticket IDs on stdin",
            "give IDs, or pipe them one per line, e.g. \
             `svcdesk ticket list --format csv | cut -d, -f1 | svcdesk ticket accept -`",
        ));
    }
    Ok(out)
}

/// The IDs of the tickets the `--where` terms keep, in ID order: the `@VIEW` terms'
/// filters and the filter of the others (see `config::views::filter_from_terms`), all of
/// which must match.
fn matching(cx: &Context, desk: &Desk, terms: &[String]) -> Result<Vec<String>> {
    let (views, rest): (Vec<&String>, Vec<&String>) =
        terms.iter().partition(|t| t.trim_start().starts_with('@'));
    let mut filters = Vec::new();
    for v in views {
        filters.push(super::list::view(desk, v.trim())?.filter);
    }
    let rest: Vec<String> = rest.into_iter().cloned().collect();
    filters.push(
        filter_from_terms(&rest)
            .map_err(|e| Error::usage(e, "e.g. --where assignee=wang --where open"))?,
    );
    super::list::select(cx, desk, filters, false, false, |t, _, _| t.id)
}

/// Asks `question` on the terminal; anything but y/yes refuses the batch.
fn confirm(question: &str) -> Result<()> {
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Error::io("<stdin>", e))?;
    match answer.trim() {
        "y" | "Y" | "yes" => Ok(()),
        _ => Err(Error::invalid_with_hint(
            "not confirmed: no ticket was changed",
            "answer y, or give --yes",
        )),
    }
}
