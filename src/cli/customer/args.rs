//! The arguments of `svcdesk customer`'s subcommands.

use chrono::NaiveDate;
use svcdesk::model::customer::Field;
use svcdesk::model::listing::Sort;

use super::super::output::Format;
use crate::cli::values::{self, OnDay, Time};

#[derive(clap::Args)]
pub struct RedactArgs {
    /// Customer ID or unique abbreviation.
    pub(super) id: String,
    /// The communication-log entry, by its number in `customer show` (1 = first).
    #[arg(long, value_name = "N")]
    pub(super) log: u32,
    /// The field to redact: with or summary.
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
    /// Customer or company name.
    #[arg(allow_hyphen_values = true, long)]
    pub(super) name: Option<String>,
    /// Contact person (联系人).
    #[arg(long)]
    pub(super) contact: Option<String>,
    /// Phone number (联系电话).
    #[arg(long)]
    pub(super) phone: Option<String>,
    /// Email address.
    #[arg(long)]
    pub(super) email: Option<String>,
    /// Industry (所属行业).
    #[arg(long)]
    pub(super) industry: Option<String>,
    /// Source channel (客户来源): trade-show, referral, online, ...
    #[arg(long)]
    pub(super) source: Option<String>,
    /// The customer who referred this one (ID or abbreviation).
    #[arg(long, value_name = "CUSTOMER")]
    pub(super) referred_by: Option<String>,
    /// Address (地址).
    #[arg(long)]
    pub(super) address: Option<String>,
    /// Free-form notes.
    #[arg(long)]
    pub(super) notes: Option<String>,
}

impl FieldArgs {
    pub(super) fn pairs(self) -> Vec<(Field, String)> {
        [
            (Field::Name, self.name),
            (Field::Contact, self.contact),
            (Field::Phone, self.phone),
            (Field::Email, self.email),
            (Field::Industry, self.industry),
            (Field::Source, self.source),
            (Field::ReferredBy, self.referred_by),
            (Field::Address, self.address),
            (Field::Notes, self.notes),
        ]
        .into_iter()
        .filter_map(|(f, v)| v.map(|v| (f, v)))
        .collect()
    }
}

#[derive(clap::Args)]
pub struct AddArgs {
    #[command(flatten)]
    pub(super) fields: FieldArgs,
    /// A tag (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    pub(super) tags: Vec<String>,
    /// A custom field of [fields] in svcdesk.toml (repeatable).
    #[arg(long = "field", value_name = "NAME=VALUE", value_parser = values::field)]
    pub(super) custom: Vec<(String, String)>,
    /// Add even if a customer with the same name or phone exists.
    #[arg(long)]
    pub(super) force: bool,
    /// The customer is in a remote area (偏远地区): goods shipped to them have the `ship`
    /// timer's `remote` target (48 h by default instead of 24 h).
    #[arg(long)]
    pub(super) remote: bool,
    /// When the customer was registered, if not now (e.g. 2026-11-24 09:30).
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    pub(super) at: Option<Time>,
}

#[derive(clap::Args)]
pub struct EditArgs {
    /// Customer ID or unique abbreviation.
    pub(super) id: String,
    #[command(flatten)]
    pub(super) fields: FieldArgs,
    /// Remove a field (repeatable).
    #[arg(long, value_name = "FIELD", value_parser = values::word::<Field>())]
    pub(super) clear: Vec<Field>,
    /// Add a tag (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    pub(super) tags: Vec<String>,
    /// Remove a tag (repeatable).
    #[arg(long = "untag", value_name = "TAG")]
    pub(super) untags: Vec<String>,
    /// A custom field of [fields] in svcdesk.toml (repeatable); NAME= clears it.
    #[arg(long = "field", value_name = "NAME=VALUE", value_parser = values::field)]
    pub(super) custom: Vec<(String, String)>,
    /// Mark the customer as in a remote area (the `ship` timer's `remote` target).
    #[arg(long, conflicts_with = "not_remote")]
    pub(super) remote: bool,
    /// The customer is no longer counted as remote.
    #[arg(long)]
    pub(super) not_remote: bool,
    /// Put the customer in a tier of [sla.tiers] by contract: it wins over the tiers'
    /// tag matches. Tickets opened from now on get its calendar and targets; tickets
    /// already open keep theirs. Without --tier-until the contract has no end.
    #[arg(long, value_name = "TIER", conflicts_with = "no_tier")]
    pub(super) tier: Option<String>,
    /// The last day of the tier's contract (YYYY-MM-DD, or +365d from today); after it
    /// the tags decide again. `check` and `sla check` warn 30 days before.
    #[arg(long, value_name = "DATE", value_parser = values::date_ahead(), conflicts_with = "no_tier")]
    pub(super) tier_until: Option<values::OnDay<chrono::NaiveDate>>,
    /// Remove the customer's tier (and its end date): the tags decide again.
    #[arg(long)]
    pub(super) no_tier: bool,
}

#[derive(clap::Args)]
pub struct ShowArgs {
    /// Customer ID or unique abbreviation.
    pub(super) id: String,
    #[arg(long, value_enum, default_value_t)]
    pub(super) format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(super) enum SortKey {
    Id,
    Name,
    Created,
    Industry,
    Source,
}

#[derive(clap::Args)]
pub struct ListArgs {
    /// Only customers whose fields or tags contain TEXT (case-insensitive).
    #[arg(allow_hyphen_values = true, long)]
    pub(super) text: Option<String>,
    /// Only this industry (exact, case-insensitive).
    #[arg(long)]
    pub(super) industry: Option<String>,
    /// Only this source channel (exact, case-insensitive).
    #[arg(long)]
    pub(super) source: Option<String>,
    /// Only customers with this tag (repeat: all must match).
    #[arg(long = "tag", value_name = "TAG")]
    pub(super) tags: Vec<String>,
    /// Only customers whose custom field NAME is VALUE; NAME= for none (repeat: all
    /// must match).
    #[arg(long = "field", value_name = "NAME=VALUE", value_parser = values::field)]
    pub(super) field: Vec<(String, String)>,
    /// Instead of customers, the follow-ups due by today (`note --follow-up`) that no
    /// later log entry has answered, oldest first, with who promised them.
    #[arg(long)]
    pub(super) follow_up_due: bool,
    /// Sort key; ties keep ID order.
    #[arg(long, value_enum, default_value = "id")]
    pub(super) sort: SortKey,
    /// Reverse the order.
    #[arg(long)]
    pub(super) reverse: bool,
    #[arg(long, value_enum, default_value_t)]
    pub(super) format: Format,
}

#[derive(clap::Args)]
pub struct NoteArgs {
    /// Customer ID or unique abbreviation.
    pub(super) id: String,
    /// What was said (the entry's summary).
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    pub(super) summary: String,
    /// Whom we talked with.
    #[arg(long)]
    pub(super) with: Option<String>,
    /// How: phone, visit, email, wechat, ...
    #[arg(long)]
    pub(super) channel: Option<String>,
    /// Date to follow up, YYYY-MM-DD, or +3d / +2w from today.
    #[arg(long, value_name = "DATE", value_parser = values::date_ahead())]
    pub(super) follow_up: Option<OnDay<NaiveDate>>,
    /// When it happened, if not now.
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    pub(super) at: Option<Time>,
    #[command(flatten)]
    pub(super) attach: crate::cli::values::AttachArgs,
}

impl From<SortKey> for Sort {
    fn from(k: SortKey) -> Sort {
        match k {
            SortKey::Id => Sort::Id,
            SortKey::Name => Sort::Name,
            SortKey::Created => Sort::Created,
            SortKey::Industry => Sort::Industry,
            SortKey::Source => Sort::Source,
        }
    }
}
