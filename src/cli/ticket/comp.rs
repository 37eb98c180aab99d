//! `svcdesk comp`: compensation steps on a ticket.

use svcdesk::Result;
use svcdesk::desk::Desk;
use svcdesk::model::steps;
use svcdesk::model::ticket::CompKind;

use super::CompCommand;
use super::args::CommonArgs;
use super::steps::{done, target};
use crate::cli::Context;
use crate::cli::values;

#[derive(clap::Args)]
pub struct CompRequestArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Amount, e.g. 500 or 199.90.
    #[arg(allow_hyphen_values = true, long, value_parser = values::amount())]
    amount: String,
    /// Currency code.
    #[arg(long, default_value = "CNY")]
    currency: String,
    /// The form of compensation.
    #[arg(long, value_enum)]
    kind: CompKind,
    /// Why compensation is due.
    #[arg(allow_hyphen_values = true, long)]
    reason: Option<String>,
}

pub(super) fn exec(cx: &mut Context, desk: &Desk, cmd: CompCommand) -> Result<u8> {
    let decide = match cmd {
        CompCommand::Request(a) => {
            let (id, who, when) = target(cx, desk, &a.common)?;
            let o = steps::CompRequest {
                amount: a.amount,
                currency: a.currency,
                kind: a.kind,
                reason: a.reason,
            };
            return done(
                cx,
                desk,
                &id,
                &who,
                steps::comp_request(desk, &id, &who, when, o)?,
            );
        }
        CompCommand::Review(a) => (a, steps::comp_review as Decide),
        CompCommand::Approve(a) => (a, steps::comp_approve as Decide),
        CompCommand::Reject(a) => (a, steps::comp_reject as Decide),
    };
    let (a, step) = decide;
    let (id, who, when) = target(cx, desk, &a.common)?;
    done(cx, desk, &id, &who, step(desk, &id, &who, when, a.text)?)
}

type Decide = fn(
    &Desk,
    &svcdesk::desk::Id,
    &svcdesk::desk::Who,
    svcdesk::desk::When,
    Option<String>,
) -> Result<steps::Stepped>;
