//! `svcdesk customer`: the customer file (客户档案) and its communication log.

mod args;
mod show;

use crate::cli::people::People;
use clap::Subcommand;
use svcdesk::Result;
use svcdesk::desk::Kind;
use svcdesk::ledger::{columns, export};
use svcdesk::model::customer::{self, Changes, Field, NewCustomer, Note};
use svcdesk::model::listing::{self, Filter};
use svcdesk::output;

use self::args::{AddArgs, EditArgs, ListArgs, NoteArgs, RedactArgs, ShowArgs};
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
    /// Show one customer with the communication log and the customer's tickets.
    #[command(after_help = "Examples:
  svcdesk customer show K7Q2                  # a unique prefix of the ID or its code part
  svcdesk customer show K7Q2 --format json")]
    Show(ShowArgs),
    /// List customers, filtered and sorted.
    #[command(after_help = format!("Examples:
  svcdesk customer list --industry manufacturing --sort name
  svcdesk customer list --text 华东 --format csv > customers.csv
  svcdesk customer list --follow-up-due           # whom to call back today

{LIST_COLUMNS}
(tags joined with ';', created and last_contact in RFC 3339; last_contact is the
latest communication-log entry).

--follow-up-due lists follow-ups instead (`note --follow-up DATE`): each runs to the
end of its day in desk time and is answered by the next log entry on the customer.
Columns: customer,customer_name,follow_up,state,owner,summary,log (state due on the
day, overdue after it; owner the author of the note, who promised it; log the entry's
number in `customer show`). `sla check` lists them too, as warnings.", LIST_COLUMNS = export::csv_names_help(&columns::customer_list().iter().map(|c| c.name).collect::<Vec<_>>())))]
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

pub fn exec(cx: &mut Context, cmd: Command) -> Result<u8> {
    let desk = cx.desk()?;
    match cmd {
        Command::Add(a) => {
            let by = cx.actor(&desk)?;
            let by_name = by.clone();
            let at = cx.at(&desk, crate::cli::values::at(&a.at))?;
            let added = customer::add(
                &desk,
                NewCustomer {
                    fields: a.fields.pairs(),
                    tags: a.tags,
                    by,
                    at,
                    force: a.force,
                    custom: a.custom,
                    remote: a.remote,
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
            let remote = match (a.remote, a.not_remote) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            };
            let today = desk.local(cx.time(&desk, None)?).date_naive();
            let tier_until = a
                .tier_until
                .as_ref()
                .map(|d| d.on(today, desk.tz()))
                .transpose()?;
            let (tier, tier_until) = match (a.tier, tier_until, a.no_tier) {
                (_, _, true) => (Some(None), None),
                (Some(t), until, _) => (Some(Some(t)), Some(until)),
                (None, Some(until), _) => (None, Some(Some(until))),
                (None, None, _) => (None, None),
            };
            if set.is_empty()
                && a.tags.is_empty()
                && a.untags.is_empty()
                && remote.is_none()
                && a.custom.is_empty()
                && tier.is_none()
                && tier_until.is_none()
            {
                return Err(svcdesk::Error::invalid_with_hint(
                    "nothing to change",
                    "give a field to set (e.g. --phone), --clear FIELD, --tag, --untag, --remote, --not-remote, --tier, --tier-until, --no-tier or --field NAME=VALUE",
                ));
            }
            let changes = Changes {
                set,
                add_tags: a.tags,
                remove_tags: a.untags,
                custom: a.custom,
                remote,
                tier,
                tier_until,
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
                Format::Csv => show::show_rows(&c).to_csv(),
                Format::Table => {
                    let p = People::new(cx.lang(&desk), &desk);
                    let mut s = show::show_text(&desk, &c, cx.width(), p);
                    s.push_str(&show::tickets_text(
                        &customer::tickets(&desk, &id)?,
                        cx.width(),
                        p,
                    ));
                    s.push_str(&crate::cli::visit::show::section(
                        &desk,
                        &svcdesk::model::visit::for_customer(&desk, id.as_str())?,
                        cx.width(),
                        p,
                    ));
                    s
                }
            };
            cx.print(&text)?;
        }
        Command::List(a) => {
            let filter = Filter {
                text: a.text,
                industry: a.industry,
                source: a.source,
                tags: a.tags,
                fields: svcdesk::model::fields::filter(
                    &desk,
                    svcdesk::config::fields::FieldRecord::Customer,
                    &a.field,
                )?,
            };
            if a.follow_up_due {
                let today = desk.local(cx.time(&desk, None)?).date_naive();
                let listed = listing::list(
                    customer::load_all(&desk)?,
                    &filter,
                    a.sort.into(),
                    a.reverse,
                );
                let due = customer::due_follow_ups(&listed, today);
                let rows = show::follow_up_rows(&due, today);
                let text = match a.format {
                    Format::Json => output::json(&due),
                    Format::Csv => rows.to_csv(),
                    Format::Table if due.is_empty() => String::new(),
                    Format::Table => People::new(cx.lang(&desk), &desk)
                        .table(rows)
                        .to_table(cx.width()),
                };
                cx.print(&text)?;
                if due.is_empty() && a.format == Format::Table {
                    eprintln!("no follow-ups due");
                }
                return Ok(0);
            }
            let all = listing::list(
                customer::load_all(&desk)?,
                &filter,
                a.sort.into(),
                a.reverse,
            );
            let text = match a.format {
                Format::Json => output::json(&all),
                Format::Csv => columns::rows_of(&columns::customer_list(), &all).to_csv(),
                Format::Table if all.is_empty() => String::new(),
                Format::Table => People::new(cx.lang(&desk), &desk)
                    .table(show::list_table(&all))
                    .to_table(cx.width()),
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
            let when = cx.when(&desk, crate::cli::values::at(&a.at))?;
            let today = desk.local(cx.time(&desk, None)?).date_naive();
            let follow_up = a
                .follow_up
                .as_ref()
                .map(|d| d.on(today, desk.tz()))
                .transpose()?;
            let files = customer::note(
                &desk,
                &id,
                Note {
                    when,
                    by,
                    with: a.with,
                    channel: a.channel,
                    summary: a.summary,
                    follow_up,
                    attachments: a.attach.files(&cx.cwd),
                },
            )?;
            eprintln!("{id}: log entry added");
            let mut paths = vec![desk.path_of(&id)];
            paths.extend(files.iter().map(|f| desk.root.join(f.path())));
            cx.changed(&desk, format!("customer {id}: note (by {by_name})"), paths);
        }
        Command::Redact(a) => {
            let id = desk.resolve(Kind::Customer, &a.id)?;
            let request = svcdesk::model::redact::Request {
                field: a.field,
                reason: a.reason,
                by: cx.actor(&desk)?,
                at: cx.time(&desk, crate::cli::values::at(&a.at))?,
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
