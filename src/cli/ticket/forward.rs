//! `ticket forward`: routing a person confirms (the rules are `model::steps::forward`).

use svcdesk::Result;
use svcdesk::desk::Desk;
use svcdesk::model::steps;

use super::args::CommonArgs;
use super::bulk::run;
use crate::cli::Context;

pub const FORWARD_HELP: &str = "Examples:
  svcdesk ticket list --unforwarded                     # the intake: tickets nobody routed yet
  svcdesk ticket forward 9XWM --to quality -m 'batch defect, see photos'
  svcdesk ticket forward 9XWM --to service --assignee wang

Tickets of the channels in svcdesk.toml `[routing] manual` (e.g. written complaints passed
on by sales) are not routed when opened: they stay `new` until a person forwards them.
A forward also re-routes any open, unresolved ticket: the ticket is `assigned` again
to the department (and --assignee, if given), and its people accept it as usual.
A timer with `stop = \"forward\"` (start `open`) follows the manuals' limit, e.g. a
written complaint forwarded within 1 working day (key `channel:written`).";

#[derive(clap::Args)]
pub struct ForwardArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// The department that handles it: a key of svcdesk.toml [departments].
    #[arg(long, value_name = "DEPT")]
    pub(super) to: String,
    /// A person of that department to handle it.
    #[arg(long, value_name = "STAFF")]
    pub(super) assignee: Option<String>,
    /// Why, or what the department should know.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    pub(super) text: Option<String>,
}

pub(super) fn exec(cx: &mut Context, desk: &Desk, a: ForwardArgs) -> Result<u8> {
    let o = steps::Forward {
        department: a.to.clone(),
        assignee: a.assignee.clone(),
        text: a.text.clone(),
    };
    run(
        cx,
        desk,
        &a.common,
        "forward",
        Some(&a.to),
        |id, who, when| steps::forward(desk, id, who, when, o.clone()),
    )
}
