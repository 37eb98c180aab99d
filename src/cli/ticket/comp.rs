//! `svcdesk comp`: compensation steps on a ticket.

use svcdesk::Result;
use svcdesk::desk::Desk;
use svcdesk::model::steps;
use svcdesk::model::ticket::CompKind;

use super::CompCommand;
use super::args::CommonArgs;
use super::bulk::run;
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
    #[arg(long, value_parser = values::word::<CompKind>())]
    kind: CompKind,
    /// Why compensation is due.
    #[arg(allow_hyphen_values = true, long)]
    reason: Option<String>,
    /// Outside the grade's rules ([compensation.grades]) on purpose: why. The GM decides.
    #[arg(allow_hyphen_values = true, long, value_name = "REASON")]
    exception: Option<String>,
}

pub(super) fn exec(cx: &mut Context, desk: &Desk, cmd: CompCommand) -> Result<u8> {
    let (a, verb, step) = match cmd {
        CompCommand::Request(a) => {
            let o = steps::CompRequest {
                amount: a.amount,
                currency: a.currency,
                kind: a.kind,
                reason: a.reason,
                exception: a.exception,
            };
            return run(
                cx,
                desk,
                &a.common,
                "comp request",
                None,
                |id, who, when| steps::comp_request(desk, id, who, when, o.clone()),
            );
        }
        CompCommand::Review(a) => (a, "comp review", steps::comp_review as Decide),
        CompCommand::Approve(a) => (a, "comp approve", steps::comp_approve as Decide),
        CompCommand::Reject(a) => (a, "comp reject", steps::comp_reject as Decide),
        CompCommand::LegalReview(_) => unreachable!("taken by parts::legal_review"),
    };
    run(cx, desk, &a.common, verb, None, |id, who, when| {
        step(desk, id, who, when, a.text.clone())
    })
}

type Decide = fn(
    &Desk,
    &svcdesk::desk::Id,
    &svcdesk::desk::Who,
    svcdesk::desk::When,
    Option<String>,
) -> Result<steps::Stepped>;
