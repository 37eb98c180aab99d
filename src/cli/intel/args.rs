//! The arguments of `svcdesk intel`'s subcommands.

use svcdesk::model::intel::{IntelKind, State};

use crate::cli::values::{self, Time};

use super::super::output::Format;

#[derive(clap::Args)]
pub struct AddArgs {
    /// problem, suggestion, competitor-price or promotion.
    #[arg(long, value_parser = values::word::<IntelKind>())]
    pub(super) kind: IntelKind,
    /// The sales person who reports it (a staff ID where the desk lists staff).
    #[arg(long = "by", value_name = "SALES")]
    pub(super) sales: String,
    /// The 旬: 2026-12-上旬/中旬/下旬 or 2026-12-1/2/3, this or last [default: this].
    #[arg(long, value_name = "XUN")]
    pub(super) period: Option<String>,
    /// What was reported.
    #[arg(
        short = 'm',
        long = "message",
        allow_hyphen_values = true,
        value_name = "TEXT"
    )]
    pub(super) text: String,
    /// The customer it concerns (an ID or a unique abbreviation).
    #[arg(long, value_name = "CUSTOMER")]
    pub(super) customer: Option<String>,
    /// The product it concerns.
    #[arg(long, value_name = "PRODUCT")]
    pub(super) product: Option<String>,
    /// The competitor's price (competitor-price: required), e.g. 1250 or 1250.50.
    #[arg(long, value_name = "AMOUNT", value_parser = values::amount())]
    pub(super) price: Option<String>,
    /// The competitor (competitor-price: required; promotion: optional).
    #[arg(long, value_name = "NAME")]
    pub(super) competitor: Option<String>,
    /// When it was reported, if not now.
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    pub(super) at: Option<Time>,
}

#[derive(clap::Args)]
pub struct AssignArgs {
    /// Intel item ID or unique abbreviation.
    pub(super) id: String,
    /// Who follows it up (a staff ID where the desk lists staff).
    #[arg(long, value_name = "STAFF")]
    pub(super) owner: String,
    /// When, if not now.
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    pub(super) at: Option<Time>,
}

#[derive(clap::Args)]
pub struct NoteArgs {
    /// Intel item ID or unique abbreviation.
    pub(super) id: String,
    /// The note (for close: the feedback).
    #[arg(
        short = 'm',
        long = "message",
        allow_hyphen_values = true,
        value_name = "TEXT"
    )]
    pub(super) text: String,
    /// When, if not now.
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    pub(super) at: Option<Time>,
}

#[derive(clap::Args)]
pub struct ShowArgs {
    /// Intel item ID or unique abbreviation.
    pub(super) id: String,
    #[arg(long, value_enum, default_value_t)]
    pub(super) format: Format,
}

#[derive(clap::Args)]
pub struct ListArgs {
    /// Only this kind.
    #[arg(long, value_parser = values::word::<IntelKind>())]
    pub(super) kind: Option<IntelKind>,
    /// Only this 旬: 2026-12-上旬 or 2026-12-1, this or last.
    #[arg(long, value_name = "XUN")]
    pub(super) period: Option<String>,
    /// Only items in this state: open, assigned or closed.
    #[arg(long, value_parser = values::word::<State>())]
    pub(super) state: Option<State>,
    /// Only this owner's.
    #[arg(long, value_name = "STAFF")]
    pub(super) owner: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub(super) format: Format,
}
