//! The arguments of `svcdesk report`'s subcommands.

use chrono::NaiveDate;
use svcdesk::Result;
use svcdesk::desk::Desk;
use svcdesk::model::report::{Field, Fields, Outcome, ServiceType};

use super::super::output::Format;
use crate::cli::values::{self, OnDay, Time};
use svcdesk::time::{Month, Week};

#[derive(clap::Args)]
pub struct RedactArgs {
    /// Report ID or unique abbreviation.
    pub(super) id: String,
    /// The field to redact, e.g. signed_by or work_done.
    #[arg(long)]
    pub(super) field: String,
    /// Why (e.g. the request it answers); recorded in the [[redaction]] record.
    #[arg(allow_hyphen_values = true, long)]
    pub(super) reason: String,
    /// When, if not now (desk time).
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    pub(super) at: Option<Time>,
}

#[derive(clap::Args, Default)]
pub struct FieldArgs {
    /// The engineer who went (a staff id when the desk lists staff).
    #[arg(long, value_name = "NAME")]
    pub(super) engineer: Option<String>,
    /// The customer: ID or unique abbreviation [default for add: the ticket's customer].
    #[arg(long, value_name = "CUSTOMER")]
    pub(super) customer: Option<String>,
    /// The ticket the visit was for: ID or unique abbreviation.
    #[arg(long, value_name = "TICKET")]
    pub(super) ticket: Option<String>,
    /// Service type.
    #[arg(long = "type", value_name = "TYPE", value_parser = values::word::<ServiceType>())]
    pub(super) service_type: Option<ServiceType>,
    /// Where: site, address, line.
    #[arg(long)]
    pub(super) location: Option<String>,
    /// When the engineer set out (e.g. "2026-11-24 07:30", desk time).
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    pub(super) departed: Option<Time>,
    /// Arrival on site.
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    pub(super) arrived: Option<Time>,
    /// Departure from the site.
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    pub(super) left: Option<Time>,
    /// Back at the base.
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    pub(super) returned: Option<Time>,
    /// How the engineer travelled (train, company car, distance...).
    #[arg(long, value_name = "TEXT")]
    pub(super) travel: Option<String>,
    /// Work done on site.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "work-done",
        value_name = "TEXT"
    )]
    pub(super) work_done: Option<String>,
    /// Problems found on site.
    #[arg(long, value_name = "TEXT")]
    pub(super) problems: Option<String>,
    /// A problem found on site was reported back within 24 h, to --escalated-to (needed with
    /// it); --escalated=false to undo.
    #[arg(
        long,
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_name = "BOOL"
    )]
    pub(super) escalated: Option<bool>,
    /// To whom it was reported (implies --escalated).
    #[arg(long, value_name = "WHO")]
    pub(super) escalated_to: Option<String>,
    /// Parts used.
    #[arg(long, value_name = "TEXT")]
    pub(super) parts: Option<String>,
    /// Cost of the visit, e.g. 350 or 350.00.
    #[arg(long, value_name = "AMOUNT")]
    pub(super) cost: Option<String>,
    /// Who signed for the customer.
    #[arg(long, value_name = "NAME")]
    pub(super) signed_by: Option<String>,
    #[arg(long, value_parser = values::word::<Outcome>())]
    pub(super) outcome: Option<Outcome>,
    /// The customer's satisfaction, 1 (very dissatisfied) to 5 (very satisfied).
    #[arg(long, value_name = "1-5", value_parser = clap::value_parser!(u8).range(1..=5))]
    pub(super) satisfaction: Option<u8>,
}

impl FieldArgs {
    pub(super) fn into_fields(self, desk: &Desk) -> Result<Fields> {
        let time = |s: Option<Time>| {
            s.as_ref()
                .map(|s| svcdesk::time::parse_time(s.as_str(), desk.tz()))
                .transpose()
        };
        Ok(Fields {
            engineer: self.engineer,
            customer: self.customer,
            ticket: self.ticket,
            service_type: self.service_type,
            location: self.location,
            departed: time(self.departed)?,
            arrived: time(self.arrived)?,
            left: time(self.left)?,
            returned: time(self.returned)?,
            travel: self.travel,
            work_done: self.work_done,
            problems: self.problems,
            escalated: self.escalated,
            escalated_to: self.escalated_to,
            parts: self.parts,
            cost: self.cost,
            signed_by: self.signed_by,
            outcome: self.outcome,
            satisfaction: self.satisfaction,
        })
    }
}

#[derive(clap::Args)]
pub struct AddArgs {
    #[command(flatten)]
    pub(super) fields: FieldArgs,
    /// When the report was written, if not now.
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    pub(super) at: Option<Time>,
    #[command(flatten)]
    pub(super) attach: crate::cli::values::AttachArgs,
    /// A custom field of [fields] in svcdesk.toml (repeatable).
    #[arg(long = "field", value_name = "NAME=VALUE", value_parser = values::field)]
    pub(super) custom: Vec<(String, String)>,
    /// The site visit this report completes (on site; `svcdesk visit --help`): its
    /// ticket, engineer, service type, arrival and escalation are the defaults.
    #[arg(long, value_name = "VISIT")]
    pub(super) visit: Option<String>,
}

#[derive(clap::Args)]
pub struct EditArgs {
    /// Report ID or unique abbreviation.
    pub(super) id: String,
    #[command(flatten)]
    pub(super) fields: FieldArgs,
    /// Remove a field (repeatable).
    #[arg(long, value_name = "FIELD", value_parser = values::word::<Field>())]
    pub(super) clear: Vec<Field>,
}

#[derive(clap::Args)]
pub struct ShowArgs {
    /// Report ID or unique abbreviation.
    pub(super) id: String,
    #[arg(long, value_enum, default_value_t)]
    pub(super) format: Format,
}

#[derive(clap::Args)]
pub struct ListArgs {
    /// Only this engineer's reports.
    #[arg(long, value_name = "NAME")]
    pub(super) engineer: Option<String>,
    /// Only this customer's (ID or abbreviation).
    #[arg(long, value_name = "CUSTOMER")]
    pub(super) customer: Option<String>,
    /// Only reports linked to this ticket (ID or abbreviation).
    #[arg(long, value_name = "TICKET")]
    pub(super) ticket: Option<String>,
    /// Only these service types (repeatable).
    #[arg(long = "type", value_name = "TYPE", value_parser = values::word::<ServiceType>())]
    pub(super) service_type: Vec<ServiceType>,
    /// Only reports in this review state (repeatable): draft, submitted, approved, rejected.
    #[arg(long, value_parser = values::word::<svcdesk::model::report::State>())]
    pub(super) state: Vec<svcdesk::model::report::State>,
    /// Only visits in this month: 2026-11, this or last (desk time zone).
    #[arg(long, value_name = "MONTH", value_parser = values::month())]
    pub(super) month: Option<OnDay<Month>>,
    #[arg(long, value_enum, default_value_t)]
    pub(super) format: Format,
}

#[derive(clap::Args)]
pub struct LogArgs {
    /// Whose log [default: the acting user].
    #[arg(long, value_name = "NAME")]
    pub(super) engineer: Option<String>,
    /// The day the work was done, YYYY-MM-DD [default: today].
    #[arg(long, value_name = "DATE", value_parser = values::date())]
    pub(super) date: Option<NaiveDate>,
    /// Hours spent, e.g. 2 or 1.5.
    #[arg(long, value_name = "HOURS", value_parser = values::hours())]
    pub(super) hours: Option<i64>,
    /// The ticket worked on (ID or abbreviation).
    #[arg(long, value_name = "TICKET")]
    pub(super) ticket: Option<String>,
    /// What was done.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    pub(super) text: String,
    /// When the entry is written, if not now.
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    pub(super) at: Option<Time>,
}

#[derive(clap::Args)]
pub struct WeeklyArgs {
    /// Whose week [default: the acting user].
    #[arg(long, value_name = "NAME")]
    pub(super) engineer: Option<String>,
    /// 2026-W48, a date in the week, this or last.
    #[arg(long, value_name = "WEEK", default_value = "this", value_parser = values::week())]
    pub(super) week: OnDay<Week>,
    #[arg(long, value_enum, default_value_t)]
    pub(super) format: Format,
}

#[derive(clap::Args)]
pub struct SubmitArgs {
    /// Report ID or unique abbreviation.
    pub(super) id: String,
    /// When it was submitted, if not now.
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    pub(super) at: Option<Time>,
}

#[derive(clap::Args)]
#[group(id = "verdict", required = true, args = ["approve", "reject"])]
pub struct ReviewArgs {
    /// Report ID or unique abbreviation.
    pub(super) id: String,
    /// Accept the report.
    #[arg(long)]
    pub(super) approve: bool,
    /// Send it back to the engineer (needs -m with the reason).
    #[arg(long)]
    pub(super) reject: bool,
    /// The reviewer's words (for --reject: what to complete or correct).
    #[arg(
        short = 'm',
        long = "message",
        allow_hyphen_values = true,
        value_name = "TEXT"
    )]
    pub(super) text: Option<String>,
    /// When it was reviewed, if not now.
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    pub(super) at: Option<Time>,
}
