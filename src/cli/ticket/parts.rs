//! `ticket plan` (made, or `--told`), `ticket ship`, `ticket delivered`, `ticket lead`
//! and `comp legal-review`: resource coordination and the grade III chain. The rules are
//! the library's (`model::steps::parts`).

use svcdesk::Result;
use svcdesk::desk::Desk;
use svcdesk::model::steps;
use svcdesk::model::ticket::{Action, Verdict};

use super::args::CommonArgs;
use super::bulk::run;
use crate::cli::Context;

pub const PLAN_HELP: &str = "Examples:
  svcdesk ticket plan 9XWM -m 'replace the driver board on site within 48 h'
  svcdesk ticket plan 9XWM --needs-parts -m 'ship a new driver board DB-200, engineer fits it'
  svcdesk --as liu ticket plan 9XWM --told -m 'phoned the customer with the plan'

The plan is made (the engineer, `plan`) and then told to the customer (the clerk,
`plan --told`): the `plan-told` timer (1 h by default) runs from one to the other. For
grade III the `plan` timer (2 h) stops at the plan. --needs-parts says the plan needs
parts or a product shipped: the `ship` timer starts (24 h, 48 h for a remote customer)
and stops at `ticket ship`.";

pub const SHIP_HELP: &str = "Examples:
  svcdesk --as zhou ticket ship 9XWM --items '1x driver board DB-200' --carrier SF --tracking SF1234567890
  svcdesk --as zhou ticket ship 9XWM --items '1x X200 (exchange)' --to '新疆喀什市 ...'

Needs the role warehouse (仓库专员) when the desk lists staff. Stops the `ship` timer,
which starts at a `comp approve` of an exchange or replacement or a `plan --needs-parts`:
24 h, or 48 h when the customer is remote (`customer edit ID --remote`).";

pub const LEAD_HELP: &str = "Examples:
  svcdesk ticket lead 9XWM sun

A grade III case is led by a manager heading a special team (专项小组); the lead is shown
in `ticket show`, `ticket list` and the ledger (负责人).";

pub const LEGAL_HELP: &str = "Examples:
  svcdesk --as qian comp legal-review 9XWM --approve -m 'plan filed, within the law'
  svcdesk --as qian comp legal-review 9XWM --reject -m 'waiver clause not allowed'

Needs the role legal. For the grades in `[compensation] legal_review` (e.g. [\"III\"]) the
general manager approves only after the legal department approved; a rejection ends the
request (a new `comp request` starts over).";

#[derive(clap::Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// The plan (required unless --told; with --told, how it was told).
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    pub(super) text: Option<String>,
    /// The plan needs parts or a product shipped: starts the `ship` timer.
    #[arg(long)]
    pub(super) needs_parts: bool,
    /// The plan was told to the customer now (stops the `plan-told` timer).
    #[arg(long, conflicts_with = "needs_parts")]
    pub(super) told: bool,
    #[command(flatten)]
    pub(super) template: super::args::TemplateArgs,
    #[command(flatten)]
    pub(super) promise: super::promise::PromiseFlags,
}

#[derive(clap::Args)]
pub struct ShipArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// What was shipped, e.g. '1x driver board DB-200'.
    #[arg(allow_hyphen_values = true, long)]
    pub(super) items: String,
    /// The carrier, e.g. SF.
    #[arg(long)]
    pub(super) carrier: Option<String>,
    /// The waybill number.
    #[arg(long)]
    pub(super) tracking: Option<String>,
    /// The address shipped to, when not the customer's on file.
    #[arg(allow_hyphen_values = true, long, value_name = "ADDRESS")]
    pub(super) to: Option<String>,
    /// A comment.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    pub(super) text: Option<String>,
}

#[derive(clap::Args)]
pub struct LeadArgs {
    /// Ticket ID or unique abbreviation.
    #[arg(value_name = "ID")]
    pub(super) id: String,
    /// The staff id of the manager heading the special team.
    #[arg(value_name = "STAFF")]
    pub(super) staff: String,
    /// When, if not now (desk time).
    #[arg(long, value_name = "TIME", value_parser = crate::cli::values::time())]
    pub(super) at: Option<crate::cli::values::Time>,
}

#[derive(clap::Args)]
pub struct LegalArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// The plan is lawful: the general manager may decide.
    #[arg(long, required_unless_present = "reject", conflicts_with = "reject")]
    pub(super) approve: bool,
    /// The plan is not: the request is rejected.
    #[arg(long)]
    pub(super) reject: bool,
    /// The legal department's comment.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    pub(super) text: Option<String>,
}

pub(super) fn plan(cx: &mut Context, desk: &Desk, a: PlanArgs) -> Result<u8> {
    if !a.told && a.text.is_none() && a.template.template.is_none() {
        return Err(svcdesk::Error::usage(
            "plan needs the plan: -m TEXT",
            "or --told to record that the customer heard the plan",
        ));
    }
    let verb = if a.told { "plan --told" } else { "plan" };
    let action = if a.told {
        Action::PlanTold
    } else {
        Action::Plan
    };
    let promise = a.promise.promised(cx, desk)?;
    run(cx, desk, &a.common, verb, None, |id, who, when| {
        let (text, template) = match &a.template.template {
            None => (a.text.clone(), None),
            Some(_) => {
                let (t, name) =
                    super::steps::text(desk, (id, who, when), &a.text, &a.template, action)?;
                (Some(t), name)
            }
        };
        let o = steps::Planning {
            text,
            needs_parts: a.needs_parts,
            told: a.told,
            template,
            promise: promise.clone(),
        };
        steps::plan(desk, id, who, when, o)
    })
}

pub(super) fn ship(cx: &mut Context, desk: &Desk, a: ShipArgs) -> Result<u8> {
    let o = steps::Shipment {
        items: a.items,
        carrier: a.carrier,
        tracking: a.tracking,
        to: a.to,
        text: a.text,
    };
    run(cx, desk, &a.common, "ship", None, |id, who, when| {
        steps::ship(desk, id, who, when, o.clone())
    })
}

pub(super) fn delivered(cx: &mut Context, desk: &Desk, a: super::OptTextArgs) -> Result<u8> {
    run(cx, desk, &a.common, "delivered", None, |id, who, when| {
        steps::delivered(desk, id, who, when, a.text.clone())
    })
}

pub(super) fn lead(cx: &mut Context, desk: &Desk, a: LeadArgs) -> Result<u8> {
    let common = CommonArgs {
        ids: vec![a.id],
        at: a.at,
        dry_run: false,
        atomic: false,
        yes: false,
        where_: Vec::new(),
    };
    let to = a.staff.clone();
    run(cx, desk, &common, "lead", Some(&to), |id, who, when| {
        steps::lead(desk, id, who, when, a.staff.clone())
    })
}

pub(super) fn legal_review(cx: &mut Context, desk: &Desk, a: LegalArgs) -> Result<u8> {
    let verdict = if a.reject {
        Verdict::Rejected
    } else {
        Verdict::Approved
    };
    run(
        cx,
        desk,
        &a.common,
        "comp legal-review",
        Some(verdict.as_str()),
        |id, who, when| steps::legal_review(desk, id, who, when, verdict, a.text.clone()),
    )
}
