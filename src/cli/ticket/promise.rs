//! `ticket promise`: a promise to the customer or a site visit agreed on (--appointment),
//! or its keeping; and `--promise` on the steps that make one (respond, plan). The timer
//! rules are the library's (`model::steps::promise`, the built-in `promise` and
//! `appointment` timers in `sla::policy`).

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
  svcdesk ticket promise 9XWM --appointment --by '2026-12-04 09:30' --what 'replace the board'
  svcdesk ticket promise 9XWM --appointment --kept -m 'engineer on site 09:20'
  svcdesk ticket respond 9XWM -m 'we will call back by 5 pm' --promise '2026-12-03 17:00'

Each promise is a run of the built-in `promise` timer, due at --by: `sla check`,
`ticket list --overdue` and `ticket show` report it like the policy's timers, and
`ticket list` shows the running one's time (column `promised`). It is kept (met) by
`ticket promise ID --kept` or the ticket's resolve in time, and broken (breached) once
--by passes first. A new promise made before the running one is due replaces it: the
old run ends `restarted` (changed) and does not count as broken. `ticket respond` and
`ticket plan` make one in the same step with --promise TIME (what: --promise-what, else
the step's own words).

An appointment (--appointment: a site visit agreed with the customer) is a run of the
built-in `appointment` timer, apart from the promise: kept when the engineer arrives
(`--appointment --kept`) or the ticket is resolved in time, missed (breached) otherwise;
--what is optional.";

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
        conflicts_with = "kept"
    )]
    pub(super) by: Option<Time>,
    /// What was promised to the customer (required, except for an appointment).
    #[arg(
        long,
        value_name = "TEXT",
        conflicts_with = "kept",
        required_unless_present_any = ["kept", "appointment"]
    )]
    pub(super) what: Option<String>,
    /// The running promise was kept now (stops the `promise` timer); with --appointment,
    /// the engineer arrived for the running appointment.
    #[arg(long)]
    pub(super) kept: bool,
    /// A site visit agreed on (the `appointment` timer), not a promise.
    #[arg(long)]
    pub(super) appointment: bool,
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

/// `--promise TIME [--promise-what TEXT]` of a step that makes a promise as it is taken.
#[derive(clap::Args)]
pub struct PromiseFlags {
    /// Promise the customer something by TIME in the same step ("2026-12-03 17:00"
    /// desk time, or a date): a `promise` event follows the step, as `ticket promise`.
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    pub(super) promise: Option<Time>,
    /// With --promise: what was promised (default: the step's own words).
    #[arg(long, value_name = "TEXT", requires = "promise")]
    pub(super) promise_what: Option<String>,
}

impl PromiseFlags {
    /// The promise to make with the step, if any.
    pub(super) fn promised(
        &self,
        cx: &mut Context,
        desk: &Desk,
    ) -> Result<Option<steps::Promised>> {
        Ok(match &self.promise {
            Some(by) => Some(steps::Promised {
                by: cx.time(desk, Some(by.as_str()))?,
                what: self.promise_what.clone(),
            }),
            None => None,
        })
    }
}

pub(super) fn exec(cx: &mut Context, desk: &Desk, a: PromiseArgs) -> Result<u8> {
    let o = match &a.by {
        Some(by) => steps::Promise::Made {
            by: cx.time(desk, Some(by.as_str()))?,
            what: a.what.clone(),
            appointment: a.appointment,
        },
        None => steps::Promise::Kept {
            text: a.text.clone(),
            appointment: a.appointment,
        },
    };
    let verb = if a.appointment {
        "promise --appointment"
    } else {
        "promise"
    };
    run(cx, desk, &a.common, verb, None, |id, who, when| {
        steps::promise(desk, id, who, when, o.clone())
    })
}
