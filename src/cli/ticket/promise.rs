//! `ticket promise`: a promise to the customer, or its keeping. The timer rules are the
//! library's (`model::steps::promise`, the built-in `promise` timer in `sla::policy`).

use svcdesk::Result;
use svcdesk::desk::Desk;
use svcdesk::model::steps;

use super::args::CommonArgs;
use super::bulk::run;
use crate::cli::Context;
use crate::cli::values::{self, Time};

pub const PROMISE_HELP: &str = "Examples:
  svcdesk ticket promise 9XWM --by '2026-12-03 17:00' --what 'call back with the test result'
  svcdesk ticket promise 9XWM --kept -m 'called back at 16:40'

Each promise is a run of the built-in `promise` timer, due at --by: `sla check`,
`ticket list --overdue` and `ticket show` report it like the policy's timers. It is
kept (met) by `ticket promise ID --kept` or the ticket's resolve in time, and broken
(breached) once --by passes first. A new promise made before the running one is due
replaces it: the old run ends `restarted` and does not count as broken.";

#[derive(clap::Args)]
pub struct PromiseArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// By when it was promised ("2026-12-03 17:00" desk time, or a date: its midnight).
    #[arg(
        long,
        value_name = "TIME",
        value_parser = values::time(),
        required_unless_present = "kept",
        conflicts_with = "kept",
        requires = "what"
    )]
    pub(super) by: Option<Time>,
    /// What was promised to the customer.
    #[arg(long, value_name = "TEXT", conflicts_with = "kept")]
    pub(super) what: Option<String>,
    /// The running promise was kept now (stops the `promise` timer).
    #[arg(long)]
    pub(super) kept: bool,
    /// With --kept: how it was kept.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT",
        requires = "kept"
    )]
    pub(super) text: Option<String>,
}

pub(super) fn exec(cx: &mut Context, desk: &Desk, a: PromiseArgs) -> Result<u8> {
    let o = match &a.by {
        Some(by) => steps::Promise::Made {
            by: cx.time(desk, Some(by.as_str()))?,
            what: a.what.clone().unwrap_or_default(),
        },
        None => steps::Promise::Kept {
            text: a.text.clone(),
        },
    };
    run(cx, desk, &a.common, "promise", None, |id, who, when| {
        steps::promise(desk, id, who, when, o.clone())
    })
}
