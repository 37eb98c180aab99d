//! The arguments of `svcdesk measure`'s subcommands.

use svcdesk::model::measure::MeasureKind;

use super::super::output::Format;

#[derive(clap::Args)]
pub struct AddArgs {
    /// The problem found (发现的问题).
    #[arg(long, value_name = "TEXT")]
    pub(super) problem: String,
    /// What will be done about it (改进措施).
    #[arg(long, value_name = "TEXT")]
    pub(super) measure: String,
    /// Training, process or product.
    #[arg(long, value_enum)]
    pub(super) kind: MeasureKind,
    /// Who is responsible (a staff ID where the desk lists staff).
    #[arg(long, value_name = "STAFF")]
    pub(super) owner: String,
    /// Due date, YYYY-MM-DD, or +30d / +2w from today (the whole day counts).
    #[arg(long, value_name = "DATE")]
    pub(super) due: String,
    /// The stats period the problem came from: 2026-11, this, last, or 2026Q4.
    #[arg(long, value_name = "PERIOD")]
    pub(super) period: Option<String>,
    /// The ticket category it concerns (a key of [categories] in svcdesk.toml).
    #[arg(long, value_name = "KEY")]
    pub(super) category: Option<String>,
    /// A ticket where the problem was seen (repeatable; a unique prefix of the ID or of its code part).
    #[arg(long = "ticket", value_name = "TICKET")]
    pub(super) tickets: Vec<String>,
    /// When it was decided, if not now.
    #[arg(long, value_name = "TIME")]
    pub(super) at: Option<String>,
}

#[derive(clap::Args)]
pub struct NoteArgs {
    /// Measure ID or unique abbreviation.
    pub(super) id: String,
    /// The note (for reopen: the reason).
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    pub(super) text: String,
    /// When it happened, if not now.
    #[arg(long, value_name = "TIME")]
    pub(super) at: Option<String>,
}

#[derive(clap::Args)]
pub struct DoneArgs {
    /// Measure ID or unique abbreviation.
    pub(super) id: String,
    /// What was done (required).
    #[arg(long, value_name = "TEXT")]
    pub(super) result: String,
    /// The effect was checked.
    #[arg(long)]
    pub(super) effect_checked: bool,
    /// The effect seen (implies --effect-checked).
    #[arg(long, value_name = "TEXT")]
    pub(super) effect: Option<String>,
    /// When it was done, if not now.
    #[arg(long, value_name = "TIME")]
    pub(super) at: Option<String>,
}

#[derive(clap::Args)]
pub struct ShowArgs {
    /// Measure ID or unique abbreviation.
    pub(super) id: String,
    #[arg(long, value_enum, default_value_t)]
    pub(super) format: Format,
}

#[derive(clap::Args)]
pub struct ListArgs {
    /// Only measures not done.
    #[arg(long)]
    pub(super) open: bool,
    /// Only measures past their due date and not done.
    #[arg(long)]
    pub(super) overdue: bool,
    /// Only this owner's.
    #[arg(long, value_name = "STAFF")]
    pub(super) owner: Option<String>,
    /// Only this kind.
    #[arg(long, value_enum)]
    pub(super) kind: Option<MeasureKind>,
    #[arg(long, value_enum, default_value_t)]
    pub(super) format: Format,
}
