//! `svcdesk ticket merge` and `svcdesk ticket split`: args to `model::steps::{merge,
//! split}`, and what they did on stderr. The rules are the library's.

use svcdesk::Result;
use svcdesk::desk::{Desk, Kind};
use svcdesk::hooks::HookEvent;
use svcdesk::model::steps;

use crate::cli::Context;
use crate::cli::values::{self, Time};

pub const MERGE_HELP: &str = "\
Examples:
  svcdesk ticket merge QF7R 2B8M --into 9XWM -m 'same fault, the customer called three times'
  svcdesk ticket merge QF7R --into 9XWM --force -m 'reported by the dealer for this customer'

Each source gets a `merged-into` event and ends `merged` (final: it leaves
`ticket list --open`, its running SLA timers end n/a, and stats and ledgers count it
nowhere); the target gets a `merged-from` event per source. Both are listed with
the links (merged-into:DST, merged-from:SRC). The sources' events are not
copied: `ticket show DST` reads them from the sources and lists, tagged with their
origin, what the customer was told or told us (open, respond, plan, resolve, revisit,
close), notes, and anything that reached a source after the merge — such as a note from
a clone that had not seen the merge yet, which a git merge accepts — and the events of
tickets merged into those, down the chain.
Refused (exit 1) while a source has compensation awaiting a decision, when a source is
another customer's (unless --force), and when the target is closed or merged.";

pub const SPLIT_HELP: &str = "\
Examples:
  svcdesk ticket show 9XWM --format csv | grep action     # event.N.action: the numbers
  svcdesk ticket split 9XWM --events 4,7 -m 'the second machine is a separate fault'

The new ticket has the same customer, contact, channel, category, product, serial,
priority and grade; its title is \"split from ID: <title>\" and its description the text
of the chosen events, each headed by the event it came from. It is routed like a new
ticket of its category and linked both ways: `split-from` on the new ticket,
`split-into` on the old one. The new ID is printed on stdout.";

#[derive(clap::Args)]
pub struct MergeArgs {
    /// The tickets to merge (IDs or unique abbreviations).
    #[arg(required = true, value_name = "SRC")]
    sources: Vec<String>,
    /// The ticket they are merged into.
    #[arg(long, value_name = "DST")]
    into: String,
    /// Why (recorded on every ticket).
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "REASON"
    )]
    reason: String,
    /// Merge tickets of other customers too.
    #[arg(long)]
    force: bool,
    /// When it happened, if not now (desk time).
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    at: Option<Time>,
}

#[derive(clap::Args)]
pub struct SplitArgs {
    /// Ticket ID or unique abbreviation.
    id: String,
    /// The events to carry over, numbered from 1 in history order (e.g. 4,7).
    #[arg(long, required = true, value_name = "N,N", value_delimiter = ',')]
    events: Vec<usize>,
    /// Why (recorded on both tickets).
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "REASON"
    )]
    reason: String,
    /// When it happened, if not now (desk time).
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    at: Option<Time>,
}

pub(super) fn merge(cx: &mut Context, desk: &Desk, a: MergeArgs) -> Result<u8> {
    let into = desk.resolve(Kind::Ticket, &a.into)?;
    let sources = a
        .sources
        .iter()
        .map(|s| desk.resolve(Kind::Ticket, s))
        .collect::<Result<Vec<_>>>()?;
    let who = cx.who(desk)?;
    let when = cx.when(desk, values::at(&a.at))?;
    let o = steps::Merge {
        sources,
        into,
        reason: a.reason,
        force: a.force,
    };
    let done = steps::merge(desk, &who, when, o)?;
    let at = done.at.to_rfc3339();
    let names: Vec<&str> = done.sources.iter().map(|s| s.id.as_str()).collect();
    for s in &done.sources {
        eprintln!(
            "{}: merged into {} (now {})",
            s.id,
            done.target.id,
            s.state()
        );
        cx.fire(
            desk,
            HookEvent::ticket(desk, s, "merged-into", &who.by, &at),
        );
    }
    eprintln!(
        "{}: merged-from {} (now {})",
        done.target.id,
        names.join(", "),
        done.target.state()
    );
    cx.fire(
        desk,
        HookEvent::ticket(desk, &done.target, "merged-from", &who.by, &at),
    );
    cx.changed(
        desk,
        format!(
            "ticket {}: merge {} into it (by {})",
            done.target.id,
            names.join(", "),
            who.by
        ),
        done.paths,
    );
    Ok(0)
}

pub(super) fn split(cx: &mut Context, desk: &Desk, a: SplitArgs) -> Result<u8> {
    let id = desk.resolve(Kind::Ticket, &a.id)?;
    let who = cx.who(desk)?;
    let now = cx.at(desk, values::at(&a.at))?;
    let o = steps::Split {
        id: id.clone(),
        events: a.events,
        reason: a.reason,
    };
    let done = steps::split(desk, &who, now, o)?;
    let t = &done.ticket;
    eprintln!(
        "{}: split from {id} ({}{})",
        done.id,
        t.state(),
        t.department
            .as_ref()
            .map(|d| format!(", routed to {d}"))
            .unwrap_or_default()
    );
    for e in &t.event {
        let action = e.action.map(|a| a.as_str()).unwrap_or_default();
        cx.fire(
            desk,
            HookEvent::ticket(desk, t, action, &who.by, &e.at.to_rfc3339()),
        );
    }
    if let Some(e) = done.source.event.last() {
        cx.fire(
            desk,
            HookEvent::ticket(desk, &done.source, "link", &who.by, &e.at.to_rfc3339()),
        );
    }
    cx.changed(
        desk,
        format!("ticket {}: split from {id} (by {})", done.id, who.by),
        done.paths,
    );
    cx.print(&format!("{}\n", done.id))?;
    Ok(0)
}
