use clap::Subcommand;
use svcdesk::Result;
use svcdesk::desk::{self, Kind};
use svcdesk::model::customer::{self, Changes, Customer, Field, NewCustomer, Note};
use svcdesk::output::{self, Rows};

use super::output::Format;

use super::{Context, warn};

/// Customers (客户档案): add, edit, show, list, and the communication log (沟通记录).
#[derive(Subcommand)]
pub enum Command {
    /// Add a customer; prints its new ID.
    #[command(after_help = "Examples:
  svcdesk customer add --name '华东机械有限公司' --contact 张伟 --phone 13800001111 \\
      --industry manufacturing --source trade-show --tag vip
  svcdesk customer add --name 'Li Ming' --phone 139-0000-2222 --source referral --referred-by K7Q2

A customer with the same name or phone is refused unless --force; the ID is printed on
stdout, so `id=$(svcdesk customer add ...)` works in scripts.")]
    Add(AddArgs),
    /// Change fields or tags of a customer; only the changed lines of its file change.
    #[command(after_help = "Examples:
  svcdesk customer edit K7Q2 --phone 13800002222 --tag key-account
  svcdesk customer edit K7Q2 --clear email --untag vip")]
    Edit(EditArgs),
    /// Show one customer with the communication log.
    #[command(after_help = "Examples:
  svcdesk customer show K7Q2                  # a unique prefix of the ID or its code part
  svcdesk customer show K7Q2 --format json")]
    Show(ShowArgs),
    /// List customers, filtered and sorted.
    #[command(after_help = "Examples:
  svcdesk customer list --industry manufacturing --sort name
  svcdesk customer list --text 华东 --format csv > customers.csv

CSV columns: id,name,contact,phone,email,industry,source,referred_by,tags,created,log_entries
(tags joined with ';', created in RFC 3339).")]
    List(ListArgs),
    /// Append a dated entry to a customer's communication log.
    #[command(after_help = "Examples:
  svcdesk customer note K7Q2 --with 王经理 --channel phone \\
      -m 'interested in product A, wants a sample' --follow-up +7d")]
    Note(NoteArgs),
    /// Redact personal data in a communication-log entry (PIPL), recording who and why.
    #[command(after_help = "Examples:
  svcdesk customer redact K7Q2 --log 2 --field summary --reason 'PIPL request of 2026-12-01'

The value becomes \"[redacted]\" where it stood and a [[redaction]] record says who, when,
which entry and field, and why — never the old value. In a git merge the redacted copy
wins over an unredacted one. Fields: with, summary. README (\"Redaction\") shows how to
purge the old value from git's history as well.")]
    Redact(RedactArgs),
}

#[derive(clap::Args)]
pub struct RedactArgs {
    /// Customer ID or unique abbreviation.
    id: String,
    /// The communication-log entry, by its number in `customer show` (1 = first).
    #[arg(long, value_name = "N")]
    log: u32,
    /// The field to redact: with or summary.
    #[arg(long)]
    field: String,
    /// Why (e.g. the request it answers); recorded in the [[redaction]] record.
    #[arg(allow_hyphen_values = true, long)]
    reason: String,
    /// When, if not now (desk time).
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

#[derive(clap::Args, Default)]
pub struct FieldArgs {
    /// Customer or company name.
    #[arg(allow_hyphen_values = true, long)]
    name: Option<String>,
    /// Contact person (联系人).
    #[arg(long)]
    contact: Option<String>,
    /// Phone number (联系电话).
    #[arg(long)]
    phone: Option<String>,
    /// Email address.
    #[arg(long)]
    email: Option<String>,
    /// Industry (所属行业).
    #[arg(long)]
    industry: Option<String>,
    /// Source channel (客户来源): trade-show, referral, online, ...
    #[arg(long)]
    source: Option<String>,
    /// The customer who referred this one (ID or abbreviation).
    #[arg(long, value_name = "CUSTOMER")]
    referred_by: Option<String>,
    /// Address (地址).
    #[arg(long)]
    address: Option<String>,
    /// Free-form notes.
    #[arg(long)]
    notes: Option<String>,
}

impl FieldArgs {
    fn pairs(self) -> Vec<(Field, String)> {
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
    fields: FieldArgs,
    /// A tag (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// Add even if a customer with the same name or phone exists.
    #[arg(long)]
    force: bool,
    /// When the customer was registered, if not now (e.g. 2026-11-24 09:30).
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

#[derive(clap::Args)]
pub struct EditArgs {
    /// Customer ID or unique abbreviation.
    id: String,
    #[command(flatten)]
    fields: FieldArgs,
    /// Remove a field (repeatable).
    #[arg(long, value_enum, value_name = "FIELD")]
    clear: Vec<Field>,
    /// Add a tag (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// Remove a tag (repeatable).
    #[arg(long = "untag", value_name = "TAG")]
    untags: Vec<String>,
}

#[derive(clap::Args)]
pub struct ShowArgs {
    /// Customer ID or unique abbreviation.
    id: String,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum SortKey {
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
    text: Option<String>,
    /// Only this industry (exact, case-insensitive).
    #[arg(long)]
    industry: Option<String>,
    /// Only this source channel (exact, case-insensitive).
    #[arg(long)]
    source: Option<String>,
    /// Only customers with this tag (repeat: all must match).
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// Sort key; ties keep ID order.
    #[arg(long, value_enum, default_value = "id")]
    sort: SortKey,
    /// Reverse the order.
    #[arg(long)]
    reverse: bool,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(clap::Args)]
pub struct NoteArgs {
    /// Customer ID or unique abbreviation.
    id: String,
    /// What was said (the entry's summary).
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    summary: String,
    /// Whom we talked with.
    #[arg(long)]
    with: Option<String>,
    /// How: phone, visit, email, wechat, ...
    #[arg(long)]
    channel: Option<String>,
    /// Date to follow up, YYYY-MM-DD, or +3d / +2w from today.
    #[arg(long, value_name = "DATE")]
    follow_up: Option<String>,
    /// When it happened, if not now.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

pub fn exec(cx: &mut Context, cmd: Command) -> Result<u8> {
    let desk = cx.desk()?;
    match cmd {
        Command::Add(a) => {
            let by = cx.actor(&desk)?;
            let by_name = by.clone();
            let at = cx.at(&desk, a.at.as_deref())?;
            let added = customer::add(
                &desk,
                NewCustomer {
                    fields: a.fields.pairs(),
                    tags: a.tags,
                    by,
                    at,
                    force: a.force,
                },
            )?;
            if !added.duplicates.is_empty() {
                warn(&format!(
                    "added although it looks like {}",
                    added.duplicates.join(", ")
                ));
            }
            cx.changed(
                &desk,
                format!("customer {}: add (by {by_name})", added.id),
                vec![added.path.clone()],
            );
            cx.print(&format!("{}\n", added.id))?;
        }
        Command::Edit(a) => {
            let id = desk.resolve(Kind::Customer, &a.id)?;
            let mut set: Vec<(Field, Option<String>)> = a
                .fields
                .pairs()
                .into_iter()
                .map(|(f, v)| (f, Some(v)))
                .collect();
            set.extend(a.clear.iter().map(|&f| (f, None)));
            if set.is_empty() && a.tags.is_empty() && a.untags.is_empty() {
                return Err(svcdesk::Error::invalid_with_hint(
                    "nothing to change",
                    "give a field to set (e.g. --phone), --clear FIELD, --tag or --untag",
                ));
            }
            let changes = Changes {
                set,
                add_tags: a.tags,
                remove_tags: a.untags,
            };
            let changed = customer::edit(&desk, &id, &changes)?;
            if changed {
                let by = cx.actor(&desk)?;
                cx.changed(
                    &desk,
                    format!("customer {id}: edit (by {by})"),
                    vec![desk.path_of(&id)],
                );
            }
            eprintln!(
                "{id}: {}",
                if changed {
                    "updated"
                } else {
                    "already so; nothing changed"
                }
            );
        }
        Command::Show(a) => {
            let id = desk.resolve(Kind::Customer, &a.id)?;
            let c = customer::load(&desk, &id)?;
            let text = match a.format {
                Format::Json => output::json(&c),
                Format::Csv => show_rows(&c).to_csv(),
                Format::Table => show_text(&c, cx.width()),
            };
            cx.print(&text)?;
        }
        Command::List(a) => {
            let mut all = customer::load_all(&desk)?;
            let eq = |v: Option<&str>, want: &str| {
                v.is_some_and(|v| v.eq_ignore_ascii_case(want) || v == want)
            };
            all.retain(|c| {
                a.text.as_deref().is_none_or(|t| c.mentions(t))
                    && a.industry
                        .as_deref()
                        .is_none_or(|i| eq(c.industry.as_deref(), i))
                    && a.source
                        .as_deref()
                        .is_none_or(|s| eq(c.source.as_deref(), s))
                    && a.tags.iter().all(|t| c.tags.contains(t))
            });
            // Stable sort over ID order, so equal keys keep a deterministic order.
            match a.sort {
                SortKey::Id => {}
                SortKey::Name => all.sort_by(|x, y| x.name.cmp(&y.name)),
                SortKey::Created => all.sort_by_key(|c| c.created),
                SortKey::Industry => all.sort_by(|x, y| x.industry.cmp(&y.industry)),
                SortKey::Source => all.sort_by(|x, y| x.source.cmp(&y.source)),
            }
            if a.reverse {
                all.reverse();
            }
            let text = match a.format {
                Format::Json => output::json(&all),
                Format::Csv => list_rows(&all).to_csv(),
                Format::Table if all.is_empty() => String::new(),
                Format::Table => list_table(&all).to_table(cx.width()),
            };
            cx.print(&text)?;
            if all.is_empty() && a.format == Format::Table {
                eprintln!("no customers match");
            }
        }
        Command::Note(a) => {
            let id = desk.resolve(Kind::Customer, &a.id)?;
            let by = cx.actor(&desk)?;
            let by_name = by.clone();
            let when = cx.when(&desk, a.at.as_deref())?;
            let today = desk.local(cx.time(&desk, None)?).date_naive();
            let follow_up = a
                .follow_up
                .as_deref()
                .map(|d| desk::parse_date_from(d, today))
                .transpose()?;
            customer::note(
                &desk,
                &id,
                Note {
                    when,
                    by,
                    with: a.with,
                    channel: a.channel,
                    summary: a.summary,
                    follow_up,
                },
            )?;
            eprintln!("{id}: log entry added");
            cx.changed(
                &desk,
                format!("customer {id}: note (by {by_name})"),
                vec![desk.path_of(&id)],
            );
        }
        Command::Redact(a) => {
            let id = desk.resolve(Kind::Customer, &a.id)?;
            let request = svcdesk::model::redact::Request {
                field: a.field,
                reason: a.reason,
                by: cx.actor(&desk)?,
                at: cx.time(&desk, a.at.as_deref())?,
            };
            let path = svcdesk::model::redact::customer_log(&desk, &id, a.log, &request)?;
            eprintln!("{id}: log entry {} `{}` redacted", a.log, request.field);
            cx.changed(
                &desk,
                format!(
                    "customer {id}: redact log {} {} (by {})",
                    a.log, request.field, request.by
                ),
                vec![path],
            );
        }
    }
    Ok(0)
}

pub(crate) fn list_rows(all: &[Customer]) -> Rows {
    let mut rows = Rows::new(vec![
        "id",
        "name",
        "contact",
        "phone",
        "email",
        "industry",
        "source",
        "referred_by",
        "tags",
        "created",
        "log_entries",
    ]);
    for c in all {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        rows.push(vec![
            c.id.clone(),
            c.name.clone(),
            s(&c.contact),
            s(&c.phone),
            s(&c.email),
            s(&c.industry),
            s(&c.source),
            s(&c.referred_by),
            c.tags.join(";"),
            c.created.to_rfc3339(),
            c.log.len().to_string(),
        ]);
    }
    rows
}

/// The terminal view keeps the columns people scan; CSV and JSON carry everything.
fn list_table(all: &[Customer]) -> Rows {
    let mut rows = Rows::new(vec![
        "id", "name", "contact", "phone", "industry", "source", "tags",
    ]);
    for c in all {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        rows.push(vec![
            c.id.clone(),
            c.name.clone(),
            s(&c.contact),
            s(&c.phone),
            s(&c.industry),
            s(&c.source),
            c.tags.join(", "),
        ]);
    }
    rows
}

fn field_pairs(c: &Customer) -> Vec<(&'static str, String)> {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        ("id", c.id.clone()),
        ("name", c.name.clone()),
        ("contact", s(&c.contact)),
        ("phone", s(&c.phone)),
        ("email", s(&c.email)),
        ("industry", s(&c.industry)),
        ("source", s(&c.source)),
        ("referred_by", s(&c.referred_by)),
        ("address", s(&c.address)),
        ("tags", c.tags.join(", ")),
        ("notes", s(&c.notes)),
        (
            "created",
            format!("{} by {}", c.created.format("%Y-%m-%d %H:%M"), c.created_by),
        ),
    ]
}

/// `show --format csv`: field,value pairs (`created` in RFC 3339, then `created_by`);
/// log entries as log.N.key.
fn show_rows(c: &Customer) -> Rows {
    let mut rows = Rows::new(vec!["field", "value"]);
    for (k, v) in field_pairs(c) {
        if k == "created" {
            // For scripts: RFC 3339 as in `list --format csv`, and who in its own row.
            rows.push(vec![k.to_string(), c.created.to_rfc3339()]);
            rows.push(vec!["created_by".to_string(), c.created_by.clone()]);
        } else {
            rows.push(vec![k.to_string(), v]);
        }
    }
    for (i, e) in c.log.iter().enumerate() {
        let n = i + 1;
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        for (k, v) in [
            ("at", e.at.to_rfc3339()),
            ("by", e.by.clone()),
            ("with", opt(&e.with)),
            ("channel", opt(&e.channel)),
            ("summary", e.summary.clone()),
            (
                "follow_up",
                e.follow_up.map(|d| d.to_string()).unwrap_or_default(),
            ),
        ] {
            rows.push(vec![format!("log.{n}.{k}"), v]);
        }
    }
    rows
}

fn show_text(c: &Customer, width: Option<u16>) -> String {
    let mut s = output::fields(&field_pairs(c));
    if c.log.is_empty() {
        s.push_str("\nCommunication log (沟通记录): none\n");
        return s;
    }
    s.push_str("\nCommunication log (沟通记录):\n");
    let mut rows = Rows::new(vec![
        "when",
        "by",
        "with",
        "channel",
        "summary",
        "follow-up",
    ]);
    for e in &c.log {
        rows.push(vec![
            e.at.format("%Y-%m-%d %H:%M").to_string(),
            e.by.clone(),
            e.with.clone().unwrap_or_default(),
            e.channel.clone().unwrap_or_default(),
            e.summary.clone(),
            e.follow_up.map(|d| d.to_string()).unwrap_or_default(),
        ]);
    }
    s.push_str(&rows.to_table(width));
    s
}
