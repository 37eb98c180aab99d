//! The arguments of the ticket steps (`open`, `show` and `list` keep theirs).

use chrono::NaiveDate;
use svcdesk::model::ticket::{Channel, Grade, LinkKind};

use crate::cli::values::{self, Time};

#[derive(clap::Args)]
pub struct CommonArgs {
    /// Ticket ID or unique abbreviation; several take the step on each, and `-` reads
    /// IDs from stdin, one per line (a header line `id` and blank lines are skipped).
    #[arg(value_name = "ID", required_unless_present = "where_", num_args = 1..)]
    pub(super) ids: Vec<String>,
    /// Instead of IDs, every ticket this filter keeps: KEY=VALUE with the keys of
    /// `ticket list` (state=accepted, assignee=wang, due_within=2h…), a true/false key
    /// alone (open, mine, overdue, following), or @VIEW. Repeat to narrow; a key given twice matches
    /// either value.
    #[arg(
        long = "where",
        value_name = "FILTER",
        conflicts_with = "ids",
        allow_hyphen_values = true
    )]
    pub(super) where_: Vec<String>,
    /// When it happened, if not now (e.g. "2026-11-24 09:30", desk time; SVCDESK_NOW sets
    /// the clock for every command). More than 5 minutes after now needs --future.
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    pub(super) at: Option<Time>,
    /// Check the step on every ticket and say what it would change; write nothing.
    #[arg(long)]
    pub(super) dry_run: bool,
    /// All or nothing: check every ticket first and change none if any is refused.
    #[arg(long)]
    pub(super) atomic: bool,
    /// Do not ask before a step on more than 10 tickets (asked only on a terminal).
    #[arg(long)]
    pub(super) yes: bool,
}

/// `--template NAME`: a step's text rendered from `templates/NAME.md`.
#[derive(clap::Args, Clone)]
pub struct TemplateArgs {
    /// Take the text from the desk's templates/TEMPLATE.md (or .txt), rendered for each
    /// ticket; with -m, the message follows it as a paragraph of its own. `svcdesk
    /// template list` shows the templates.
    #[arg(long, value_name = "TEMPLATE")]
    pub(super) template: Option<String>,
}

#[derive(clap::Args)]
pub struct TextArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// The text to record.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT",
        required_unless_present = "template"
    )]
    pub(super) text: Option<String>,
    #[command(flatten)]
    pub(super) template: TemplateArgs,
}

#[derive(clap::Args)]
pub struct OptTextArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// A comment to record with the step.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    pub(super) text: Option<String>,
}

#[derive(clap::Args)]
pub struct ReasonArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// Why (recorded in the timeline).
    #[arg(allow_hyphen_values = true, long)]
    pub(super) reason: String,
}

#[derive(clap::Args)]
// The IDs may be missing (--where) while the grade after them is required.
#[command(allow_missing_positional = true)]
pub struct GradeArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// I 一般 general, II 严重 serious, III 重大 major (after the ID).
    #[arg(value_name = "GRADE", value_parser = GradeText)]
    pub(super) grade: String,
    /// Why this grade (impact, urgency, customer's mood).
    #[arg(allow_hyphen_values = true, long)]
    pub(super) reason: Option<String>,
}

#[derive(clap::Args)]
pub struct AssignArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// A department key of svcdesk.toml [departments].
    #[arg(long)]
    pub(super) department: Option<String>,
    /// The person who should handle it.
    #[arg(long, value_name = "STAFF")]
    pub(super) to: Option<String>,
    /// Why it is routed this way.
    #[arg(allow_hyphen_values = true, long)]
    pub(super) reason: Option<String>,
}

#[derive(clap::Args)]
pub struct RedactArgs {
    /// Ticket ID or unique abbreviation.
    pub(super) id: String,
    /// The event, by its number in `ticket show` (1 = open).
    #[arg(long, value_name = "N")]
    pub(super) event: u32,
    /// The field to redact, e.g. text or description.
    #[arg(long)]
    pub(super) field: String,
    /// Why (e.g. the request it answers); recorded in the `redact` event.
    #[arg(allow_hyphen_values = true, long)]
    pub(super) reason: String,
    /// When, if not now (desk time).
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    pub(super) at: Option<Time>,
}

#[derive(clap::Args)]
pub struct NoteArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// The note.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT",
        required_unless_present = "template"
    )]
    pub(super) text: Option<String>,
    #[command(flatten)]
    pub(super) template: TemplateArgs,
    /// The note was also told to the customer.
    #[arg(long)]
    pub(super) to_customer: bool,
    #[command(flatten)]
    pub(super) attach: crate::cli::values::AttachArgs,
}

#[derive(clap::Args)]
pub struct CustomerReplyArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// What the customer said.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    pub(super) text: String,
    /// How the answer came in.
    #[arg(long, default_value = "phone", value_parser = values::word::<Channel>())]
    pub(super) channel: Channel,
    #[command(flatten)]
    pub(super) attach: crate::cli::values::AttachArgs,
}

#[derive(clap::Args)]
pub struct RespondArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// What the customer was told.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT",
        required_unless_present = "template"
    )]
    pub(super) text: Option<String>,
    #[command(flatten)]
    pub(super) template: TemplateArgs,
    /// How the customer was reached.
    #[arg(long, value_parser = values::word::<Channel>())]
    pub(super) channel: Option<Channel>,
    #[command(flatten)]
    pub(super) attach: crate::cli::values::AttachArgs,
    #[command(flatten)]
    pub(super) promise: super::promise::PromiseFlags,
}

#[derive(clap::Args)]
pub struct DiagnoseArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// The cause found (原因分析).
    #[arg(long)]
    pub(super) cause: String,
    /// Who is responsible: product, customer, logistics, dealer, ...
    #[arg(long)]
    pub(super) responsibility: Option<String>,
    /// Estimated plan.
    #[arg(long)]
    pub(super) plan: Option<String>,
    /// The fault cause's code in [causes] of svcdesk.toml (故障分类), ranked by `stats --top`.
    #[arg(long, value_name = "CODE")]
    pub(super) cause_code: Option<String>,
}

#[derive(clap::Args)]
pub struct CollabArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// The department asked.
    #[arg(long)]
    pub(super) department: String,
    /// What is needed.
    #[arg(long)]
    pub(super) need: String,
    /// By when, YYYY-MM-DD.
    #[arg(long, value_name = "DATE", value_parser = values::date())]
    pub(super) due: Option<NaiveDate>,
}

#[derive(clap::Args)]
pub struct ReplyArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// Which collab request (1 = the first) this answers [default: the latest].
    #[arg(long, value_name = "N")]
    pub(super) request: Option<u32>,
    /// The other department's answer.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    pub(super) text: String,
}

#[derive(clap::Args)]
pub struct EscalateArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// Raise the grade to this.
    #[arg(long, value_parser = values::word::<Grade>())]
    pub(super) grade: Option<Grade>,
    /// Move to this person (e.g. the after-sales manager).
    #[arg(long, value_name = "STAFF")]
    pub(super) to: Option<String>,
    /// Move to this department.
    #[arg(long)]
    pub(super) department: Option<String>,
    /// Why it is escalated.
    #[arg(allow_hyphen_values = true, long)]
    pub(super) reason: String,
}

#[derive(clap::Args)]
pub struct WaitArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// What for: customer, parts, department, ...
    #[arg(allow_hyphen_values = true, long = "for", value_name = "WHAT")]
    pub(super) reason: String,
    /// Details, e.g. what was ordered and when it is expected.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    pub(super) text: Option<String>,
    /// Resume it on this day (YYYY-MM-DD, or +3d / +2w from today; desk time): `sla
    /// check --apply` (cron) records a `resume` by svcdesk once the day has begun.
    #[arg(long, value_name = "DATE", value_parser = values::date_ahead())]
    pub(super) until: Option<values::OnDay<NaiveDate>>,
    /// What happens on that day: resume (the default), or close (the customer never came
    /// back; refused while compensation awaits a decision).
    #[arg(long, requires = "until", value_parser = values::word::<svcdesk::vocab::WaitThen>())]
    pub(super) then: Option<svcdesk::vocab::WaitThen>,
}

#[derive(clap::Args)]
pub struct ResolveArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// Measures taken and the result.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    pub(super) text: String,
    /// Parts used.
    #[arg(long)]
    pub(super) parts: Option<String>,
    #[command(flatten)]
    pub(super) attach: crate::cli::values::AttachArgs,
}

#[derive(clap::Args)]
pub struct RevisitArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// Efficiency score 1–5.
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
    pub(super) efficiency: Option<u8>,
    /// Attitude score 1–5.
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
    pub(super) attitude: Option<u8>,
    /// Result score 1–5 (becomes the ticket's satisfaction).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
    pub(super) result: Option<u8>,
    /// The customer's comment.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    pub(super) text: Option<String>,
}

#[derive(clap::Args)]
pub struct CloseArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// Final satisfaction 1 (very dissatisfied) – 5 (very satisfied); 1 or 2 needs --reason.
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
    pub(super) satisfaction: Option<u8>,
    /// Why the ticket closes although the customer is dissatisfied (satisfaction 1 or 2).
    #[arg(allow_hyphen_values = true, long)]
    pub(super) reason: Option<String>,
    /// A closing remark.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    pub(super) text: Option<String>,
}

#[derive(clap::Args)]
// The IDs may be missing (--where) while the other ticket after them is required.
#[command(allow_missing_positional = true)]
pub struct LinkArgs {
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// The other ticket.
    pub(super) other: String,
    /// How the tickets are linked.
    #[arg(long, default_value = "related", value_parser = values::word::<LinkKind>())]
    pub(super) kind: LinkKind,
}

/// GRADE as typed: every grade offered to help and shell completion, but any text
/// accepted, so that [`grade_arg`] can tell a swapped ID and grade apart from a typo.
#[derive(Clone)]
pub(super) struct GradeText;

impl clap::builder::TypedValueParser for GradeText {
    type Value = String;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> std::result::Result<String, clap::Error> {
        Ok(value.to_string_lossy().into_owned())
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            Grade::ALL
                .iter()
                .map(|g| clap::builder::PossibleValue::new(g.as_str())),
        ))
    }
}
