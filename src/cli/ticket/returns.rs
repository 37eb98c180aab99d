//! `ticket approve-return`: the decision on a return or exchange (退换货申请…需审核申请并执行
//! 操作), separate from compensation. The rules are the library's
//! (`model::ticket_store::RETURN_CATEGORY`).

use svcdesk::Result;
use svcdesk::desk::Desk;
use svcdesk::model::steps;
use svcdesk::model::ticket::Verdict;

use super::args::CommonArgs;
use super::bulk::run;
use crate::cli::Context;

pub const HELP: &str = "Examples:
  svcdesk ticket open --customer K7Q2 --category return -m 'X200 arrived damaged, wants an exchange'
  svcdesk --as sun ticket approve-return 9XWM --approve -m 'damage on the photos; exchange'
  svcdesk --as sun ticket approve-return 9XWM --reject -m 'outside the 7-day window'

A ticket of the category `return` (退换货) is a return or exchange request: it is resolved
(the return carried out) only after it is approved here; resolving it before is refused
(exit 1). A supervisor, head, manager or gm decides when the desk lists staff
([permissions] approve-return narrows it further). A rejected return may be approved
later; one settled another way changes category (`ticket set ID --category ...`).
Compensation (`comp request`) is decided apart from this.";

#[derive(clap::Args)]
pub struct ApproveReturnArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// The return or exchange may go ahead.
    #[arg(long, required_unless_present = "reject", conflicts_with = "reject")]
    pub(super) approve: bool,
    /// It may not.
    #[arg(long)]
    pub(super) reject: bool,
    /// Why, or what was decided.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    pub(super) text: Option<String>,
}

pub(super) fn approve(cx: &mut Context, desk: &Desk, a: ApproveReturnArgs) -> Result<u8> {
    let verdict = if a.reject {
        Verdict::Rejected
    } else {
        Verdict::Approved
    };
    run(
        cx,
        desk,
        &a.common,
        "approve-return",
        Some(verdict.as_str()),
        |id, who, when| steps::approve_return(desk, id, who, when, verdict, a.text.clone()),
    )
}
