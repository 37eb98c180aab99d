//! `svcdesk ticket set`: correct a ticket after it is opened; `steps::set` records one
//! event per changed field with its old and new value.

use svcdesk::desk::{Desk, Id, Who};
use svcdesk::hooks::HookEvent;
use svcdesk::model::steps::{self, Changes, Corrected};
use svcdesk::model::ticket::{Event, Priority};
use svcdesk::{Error, Result};

use super::args::CommonArgs;
use super::bulk::{Shown, run};
use crate::cli::Context;
use crate::cli::values;

pub const SET_HELP: &str = "\
Examples:
  svcdesk ticket set 9XWM --priority high --reason 'line down, customer called twice'
  svcdesk ticket set 9XWM --serial SN20261-0042 --product X200 --reason 'typo at intake'
  svcdesk ticket set 9XWM --customer K7Q2 --reason 'registered under the dealer by mistake'
  svcdesk ticket set 9XWM --category quality --route --reason 'batch defect, not a complaint'
  svcdesk ticket set 9XWM --tag +warranty --tag -urgent
  svcdesk ticket set 9XWM --cause-code mechanical --reason 'the bearing, not the board'
  svcdesk ticket set 9XWM --field 保修状态=保外 --field 机器运行小时=

Each changed field is one `set` event holding the old and the new value (`ticket show`:
\"priority: medium → high (reason)\"); a value the ticket already has is left out, and
nothing to change at all is refused. --product '', --serial '' or --cause-code ''
clears the field; --field NAME= clears a custom field ([fields] in svcdesk.toml), whose
value is checked by its type (exit 2 if not allowed).
A new priority re-targets running SLA timers from their start, as a regrade does (a
deadline that already passed stays passed). A new category keeps the ticket where it is
unless --route sends it to that category's department (an `assign` event).";

#[derive(clap::Args)]
pub struct SetArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// The priority (high, medium, low); with the grade it picks the SLA targets.
    #[arg(long, value_parser = values::word::<Priority>())]
    priority: Option<Priority>,
    /// Product model ('' clears it).
    #[arg(long)]
    product: Option<String>,
    /// Serial number ('' clears it).
    #[arg(long)]
    serial: Option<String>,
    /// The customer: ID or unique abbreviation.
    #[arg(long, value_name = "CUSTOMER")]
    customer: Option<String>,
    /// One-line summary.
    #[arg(allow_hyphen_values = true, long)]
    title: Option<String>,
    /// A category key of svcdesk.toml [categories].
    #[arg(long)]
    category: Option<String>,
    /// +TAG adds a tag, -TAG removes one (repeatable; a bare TAG adds).
    #[arg(long = "tag", value_name = "+TAG|-TAG", allow_hyphen_values = true,
          value_parser = tag_change)]
    tags: Vec<(bool, String)>,
    /// The fault cause code, of svcdesk.toml [causes] ('' clears it).
    #[arg(long, value_name = "CODE")]
    cause_code: Option<String>,
    /// With --category: route the ticket to the new category's department.
    #[arg(long, requires = "category")]
    route: bool,
    /// A custom field of [fields]: NAME=VALUE sets it, NAME= clears it (repeatable).
    #[arg(long = "field", value_name = "NAME=VALUE", value_parser = values::field)]
    fields: Vec<(String, String)>,
    /// Why (recorded in every event of the correction).
    #[arg(allow_hyphen_values = true, long)]
    reason: Option<String>,
}

/// `+TAG` / `TAG` adds (true), `-TAG` removes (false).
fn tag_change(s: &str) -> std::result::Result<(bool, String), String> {
    let (add, tag) = match s.strip_prefix('-') {
        Some(t) => (false, t),
        None => (true, s.strip_prefix('+').unwrap_or(s)),
    };
    let tag = tag.trim();
    if tag.is_empty() {
        return Err("a tag change is +TAG (add) or -TAG (remove)".into());
    }
    Ok((add, tag.to_string()))
}

pub(super) fn exec(cx: &mut Context, desk: &Desk, a: SetArgs) -> Result<u8> {
    let nothing = a.priority.is_none()
        && [
            &a.product,
            &a.serial,
            &a.customer,
            &a.title,
            &a.category,
            &a.cause_code,
        ]
        .iter()
        .all(|v| v.is_none())
        && a.tags.is_empty()
        && a.fields.is_empty();
    if nothing {
        return Err(Error::usage(
            "nothing to set",
            "give what to correct: --priority, --product, --serial, --customer, --title, \
             --category, --cause-code, --tag +TAG/-TAG or --field NAME=VALUE (see `svcdesk \
             ticket set --help`)",
        ));
    }
    let (add, remove): (Vec<_>, Vec<_>) = a.tags.into_iter().partition(|(add, _)| *add);
    let c = Changes {
        priority: a.priority,
        product: a.product,
        serial: a.serial,
        customer: a.customer,
        title: a.title,
        category: a.category,
        add_tags: add.into_iter().map(|(_, t)| t).collect(),
        remove_tags: remove.into_iter().map(|(_, t)| t).collect(),
        reason: a.reason,
        route: a.route,
        cause_code: a.cause_code,
        fields: a.fields,
    };
    run(cx, desk, &a.common, "set", None, |id, who, when| {
        steps::set(desk, id, who, when, c.clone())
    })
}

impl Shown for Corrected {
    fn would(&self) -> String {
        let said: Vec<String> = self
            .events
            .iter()
            .map(|e| match e.field.as_deref() {
                Some(_) => change(e),
                None => format!("route to {}", e.department.clone().unwrap_or_default()),
            })
            .collect();
        format!(
            "would set {} (then {})",
            said.join(", "),
            self.ticket.state()
        )
    }

    fn done(self, cx: &mut Context, desk: &Desk, id: &Id, who: &Who) -> Result<u8> {
        shown(cx, desk, id, who, self)
    }
}

/// Says what a correction did on stderr, fires its hooks and notes the change to commit.
fn shown(cx: &mut Context, desk: &Desk, id: &Id, who: &Who, done: Corrected) -> Result<u8> {
    let t = &done.ticket;
    let mut said = Vec::new();
    for e in &done.events {
        let action = e.action.map(|a| a.as_str()).unwrap_or_default();
        match e.field.as_deref() {
            Some(field) => {
                eprintln!("{id}: set {}", change(e));
                said.push(match (field, &e.new) {
                    ("tags", Some(tag)) => format!("+{tag}"),
                    ("tags", None) => format!("-{}", e.old.clone().unwrap_or_default()),
                    (f, new) => format!("{f} {}", new.clone().unwrap_or_else(|| "-".into())),
                });
            }
            None => {
                let to = e.department.clone().unwrap_or_default();
                eprintln!("{id}: {action} to {to} (now {})", t.state());
                said.push(format!("routed to {to}"));
            }
        }
        cx.fire(
            desk,
            HookEvent::ticket(desk, t, action, &who.by, &e.at.to_rfc3339()),
        );
    }
    cx.changed(
        desk,
        format!("ticket {id}: set {} (by {})", said.join(", "), who.by),
        vec![desk.path_of(id)],
    );
    Ok(0)
}

/// A `set` event in words: `priority: medium → high`, `tags: +warranty`.
pub(super) fn change(e: &Event) -> String {
    let field = e.field.as_deref().unwrap_or_default();
    let (old, new) = (e.old.as_deref(), e.new.as_deref());
    match (field, old, new) {
        ("tags", None, Some(tag)) => format!("tags: +{tag}"),
        ("tags", Some(tag), None) => format!("tags: -{tag}"),
        _ => format!(
            "{field}: {} → {}",
            old.filter(|v| !v.is_empty()).unwrap_or("(none)"),
            new.unwrap_or("(none)")
        ),
    }
}
