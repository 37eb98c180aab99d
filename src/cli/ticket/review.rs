//! `ticket review`: the department head's (or a delegate's) review; `ticket follow`. The rules are the
//! library's (`model::steps::review`, `ticket_store::authorize`).

use svcdesk::Result;
use svcdesk::desk::Desk;
use svcdesk::model::steps;
use svcdesk::model::ticket::Verdict;

use super::args::CommonArgs;
use super::bulk::run;
use crate::cli::Context;

pub const REVIEW_HELP: &str = "Examples:
  svcdesk --as zhao ticket review 9XWM --approve -m 'reply to the customer checked'
  svcdesk --as zhao ticket review 9XWM --reject -m 'apology missing; call again'
  svcdesk ticket list --review-pending --open          # what waits for a review

Only the head of the ticket's department ([departments.X] head) or one of its delegates
([departments.X] delegates = [\"qian\"]) reviews it; anyone else is refused, told who may.
[review] in svcdesk.toml says which tickets need the review (channels, categories, grades;
none listed: every ticket) and before which step (before = \"resolve\" or \"close\"): that
step is refused, naming who can review, until an approval stands. A rejection stands until
a new approval; it sends a resolved ticket back to in-progress. A reopen, and for
before = \"close\" a new resolve, needs a new review. A phone complaint settled on the
call (open --resolved-on-call) is not held. Hooks fire on `review` (SVCDESK_VERDICT).";

pub const FOLLOW_HELP: &str = "Examples:
  svcdesk --as zhao ticket follow 9XWM
  svcdesk ticket list --following --open       # what I opened or follow

The opener follows every ticket by default. Followers are in the hooks' SVCDESK_FOLLOWERS
(staff ids, comma separated) and SVCDESK_FOLLOWERS_EMAILS (their first [[staff]] email);
examples/hooks/mail.sh copies them on resolve and close.";

pub(super) fn follow(cx: &mut Context, desk: &Desk, a: CommonArgs) -> Result<u8> {
    run(cx, desk, &a, "follow", None, |id, who, when| {
        steps::follow(desk, id, who, when)
    })
}

#[derive(clap::Args)]
pub struct ReviewArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// The head approves: the gated step may go ahead.
    #[arg(long, required_unless_present = "reject", conflicts_with = "reject")]
    pub(super) approve: bool,
    /// The head sends it back: the gated step waits for a new approval.
    #[arg(long)]
    pub(super) reject: bool,
    /// The reviewer's comment.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    pub(super) text: Option<String>,
}

pub(super) fn exec(cx: &mut Context, desk: &Desk, a: ReviewArgs) -> Result<u8> {
    let verdict = if a.reject {
        Verdict::Rejected
    } else {
        Verdict::Approved
    };
    run(
        cx,
        desk,
        &a.common,
        "review",
        Some(verdict.as_str()),
        |id, who, when| steps::review(desk, id, who, when, verdict, a.text.clone()),
    )
}
