//! The arguments of `svcdesk visit`'s subcommands.

use chrono::NaiveDate;
use svcdesk::model::report::ServiceType;
use svcdesk::model::visit::State;

use crate::cli::values::{self, OnDay, Time};

use super::super::output::Format;

#[derive(clap::Args)]
pub struct RequestArgs {
    /// The ticket the visit is for (a unique prefix of its ID or of its code part).
    pub(super) ticket: String,
    /// The kind of service: consultation, construction-guidance, problem-handling, training,
    /// maintenance.
    #[arg(long = "type", value_parser = values::word::<ServiceType>())]
    pub(super) service_type: ServiceType,
    /// What the visit is to do (the request's 服务内容).
    #[arg(long, value_name = "TEXT")]
    pub(super) scope: String,
    /// The resources asked for: people, parts, tools, a car.
    #[arg(long, value_name = "TEXT")]
    pub(super) resources: Option<String>,
    /// The day the visit is wanted: YYYY-MM-DD, or +3d / +1w from today.
    #[arg(long, value_name = "DATE", value_parser = values::date_ahead())]
    pub(super) date: OnDay<NaiveDate>,
    /// When the request was made, if not now.
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    pub(super) at: Option<Time>,
}

#[derive(clap::Args)]
pub struct DecideArgs {
    /// Visit ID or unique abbreviation.
    pub(super) id: String,
    /// A note (for reject: the reason, required).
    #[arg(
        short = 'm',
        long = "message",
        allow_hyphen_values = true,
        value_name = "TEXT"
    )]
    pub(super) text: Option<String>,
    /// When it was decided, if not now.
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    pub(super) at: Option<Time>,
}

#[derive(clap::Args)]
pub struct ScheduleArgs {
    /// Visit ID or unique abbreviation.
    pub(super) id: String,
    /// The engineer who goes (a staff ID where the desk lists staff).
    #[arg(long, value_name = "STAFF")]
    pub(super) engineer: String,
    /// The appointment: when the engineer is to be on site ("2026-12-05 09:00", desk time).
    #[arg(long = "for", value_name = "TIME", value_parser = values::time())]
    pub(super) appointment: Time,
    /// When the appointment was made, if not now.
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    pub(super) at: Option<Time>,
}

#[derive(clap::Args)]
pub struct StartArgs {
    /// Visit ID or unique abbreviation.
    pub(super) id: String,
    /// A note.
    #[arg(
        short = 'm',
        long = "message",
        allow_hyphen_values = true,
        value_name = "TEXT"
    )]
    pub(super) text: Option<String>,
    /// When the engineer arrived, if not now.
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    pub(super) at: Option<Time>,
}

#[derive(clap::Args)]
pub struct EscalateArgs {
    /// Visit ID or unique abbreviation.
    pub(super) id: String,
    /// Who at the company was told (a staff ID where the desk lists staff).
    #[arg(long, value_name = "STAFF")]
    pub(super) to: String,
    /// What was found on site and reported back.
    #[arg(
        short = 'm',
        long = "message",
        allow_hyphen_values = true,
        value_name = "TEXT"
    )]
    pub(super) text: String,
    /// When it was reported back, if not now.
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    pub(super) at: Option<Time>,
}

#[derive(clap::Args)]
pub struct ExtraArgs {
    /// Visit ID or unique abbreviation.
    pub(super) id: String,
    /// What the customer asked for on site.
    #[arg(
        short = 'm',
        long = "message",
        allow_hyphen_values = true,
        value_name = "TEXT"
    )]
    pub(super) text: String,
    /// When it was asked, if not now.
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    pub(super) at: Option<Time>,
}

#[derive(clap::Args)]
pub struct ShowArgs {
    /// Visit ID or unique abbreviation.
    pub(super) id: String,
    #[arg(long, value_enum, default_value_t)]
    pub(super) format: Format,
}

#[derive(clap::Args)]
pub struct ListArgs {
    /// Only visits in this state (repeatable).
    #[arg(long, value_parser = values::word::<State>())]
    pub(super) state: Vec<State>,
    /// Only this engineer's.
    #[arg(long, value_name = "STAFF")]
    pub(super) engineer: Option<String>,
    /// Only visits for this ticket.
    #[arg(long, value_name = "TICKET")]
    pub(super) ticket: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub(super) format: Format,
}
