//! `svcdesk intel`: sales intelligence items of the 旬报 (problems, suggestions, competitor
//! prices, promotions) — add, assign, note, close, show, list — and `stats --intel`.

mod args;
mod show;

use clap::Subcommand;
use svcdesk::Result;
use svcdesk::desk::{Desk, Kind};
use svcdesk::model::intel::{self, Filter, Intel, NewIntel, Xun};
use svcdesk::output::{self, Rows, sheet};
use svcdesk::time::Month;

use self::args::{AddArgs, AssignArgs, ListArgs, NoteArgs, ShowArgs};
use super::Context;
use super::output::{CsvArgs, Format};

pub const INTEL_HELP: &str = "\
Examples:
  svcdesk intel add --kind problem --by wang --period 2026-12-上旬 \\
      -m 'X200 jams in humid weather' --customer C20261101-ABCDEF --product X200
  svcdesk intel add --kind competitor-price --by wang --price 1250 \\
      --competitor Acme --product X200 -m 'Acme X9 offered at 1250'
  svcdesk intel assign I3F7 --owner li
  svcdesk intel note I3F7 -m 'asked the plant for humidity test data'
  svcdesk intel close I3F7 -m 'seal changed from batch 2027-01; customer told'
  svcdesk intel list --period 2026-12-上旬 --state open
  svcdesk stats --intel --month 2026-12

A 旬 (ten days) is written 2026-12-上旬 (days 1-10), 2026-12-中旬 (11-20) or 2026-12-下旬
(21 to the month's end); 2026-12-1, -2 and -3 are read as the same and files keep the
first form. States: open ─assign─► assigned ─close─► closed (final); assign again gives
it to another owner; note is allowed until closed. A competitor-price item needs --price
and --competitor; a promotion may name a competitor; no other kind takes either.";

/// Sales intelligence (旬报): problems, suggestions, competitor prices and promotions,
/// followed up by an owner.
#[derive(Subcommand)]
pub enum Command {
    /// Record an item of a sales person's 旬报. Prints the new ID.
    #[command(after_help = "Examples:
  svcdesk intel add --kind suggestion --by wang -m 'customers ask for a 3-year warranty'
  svcdesk intel add --kind promotion --by zhou --period 2026-12-2 --competitor Acme \\
      -m 'Acme: free installation in December'

--period defaults to the 旬 of today (desk time). --by is the sales person who reports
it (on the staff list when the desk keeps one); --customer is an ID or a unique
abbreviation of one.")]
    Add(AddArgs),
    /// Give an open or assigned item to an owner to follow up.
    #[command(after_help = "Examples:
  svcdesk intel assign I3F7 --owner li")]
    Assign(AssignArgs),
    /// Append a follow-up note (跟踪记录) to an item not closed.
    #[command(after_help = "Examples:
  svcdesk intel note I3F7 -m 'asked the plant for humidity test data'")]
    Note(NoteArgs),
    /// Close an assigned item with the feedback (反馈结果).
    #[command(after_help = "Examples:
  svcdesk intel close I3F7 -m 'seal changed from batch 2027-01; customer told'")]
    Close(NoteArgs),
    /// Show one item with its history.
    #[command(after_help = "Examples:
  svcdesk intel show I3F7
  svcdesk intel show I3F7 --format json")]
    Show(ShowArgs),
    /// List items by 旬, then ID, filtered.
    #[command(after_help = "Examples:
  svcdesk intel list --period this
  svcdesk intel list --kind competitor-price --format csv > 竞品价格.csv
  svcdesk intel list --state assigned --owner li

CSV columns: id,period,kind,state,sales,text,customer,product,price,competitor,owner,
created,closed,closed_by,result (times in RFC 3339; --lang zh: the form's names).")]
    List(ListArgs),
}

pub fn exec(cx: &mut Context, cmd: Command) -> Result<u8> {
    let desk = cx.desk()?;
    let today = desk.local(cx.time(&desk, None)?).date_naive();
    let step = |cx: &mut Context, desk: &Desk, id: &svcdesk::desk::Id, what: &str, by: &str| {
        eprintln!("{id}: {what}");
        cx.changed(
            desk,
            format!("intel {id}: {what} (by {by})"),
            vec![desk.path_of(id)],
        );
    };
    match cmd {
        Command::Add(a) => {
            let by = cx.actor(&desk)?;
            let at = cx.at(&desk, crate::cli::values::at(&a.at))?;
            let added = intel::add(
                &desk,
                NewIntel {
                    kind: a.kind,
                    sales: a.sales,
                    period: a.period,
                    text: a.text,
                    customer: a.customer,
                    product: a.product,
                    price: a.price,
                    competitor: a.competitor,
                    by: by.clone(),
                    at,
                },
            )?;
            cx.changed(
                &desk,
                format!("intel {}: add (by {by})", added.id),
                vec![added.path.clone()],
            );
            cx.print(&format!("{}\n", added.id))?;
        }
        Command::Assign(a) => {
            let id = desk.resolve(Kind::Intel, &a.id)?;
            let by = cx.actor(&desk)?;
            let when = cx.when(&desk, crate::cli::values::at(&a.at))?;
            let i = intel::assign(&desk, &id, by.clone(), when, &a.owner)?;
            let what = format!("assigned to {}", i.owner.unwrap_or_default());
            step(cx, &desk, &id, &what, &by);
        }
        Command::Note(a) => {
            let id = desk.resolve(Kind::Intel, &a.id)?;
            let by = cx.actor(&desk)?;
            let when = cx.when(&desk, crate::cli::values::at(&a.at))?;
            intel::note(&desk, &id, by.clone(), when, &a.text)?;
            step(cx, &desk, &id, "note added", &by);
        }
        Command::Close(a) => {
            let id = desk.resolve(Kind::Intel, &a.id)?;
            let by = cx.actor(&desk)?;
            let when = cx.when(&desk, crate::cli::values::at(&a.at))?;
            intel::close(&desk, &id, by.clone(), when, &a.text)?;
            step(cx, &desk, &id, "closed", &by);
        }
        Command::Show(a) => {
            let id = desk.resolve(Kind::Intel, &a.id)?;
            let i = intel::load(&desk, &id)?;
            let text = match a.format {
                Format::Json => output::json(&i),
                Format::Csv => {
                    let mut rows = Rows::new(vec!["field", "value"]);
                    for (k, v) in show::COLUMNS.iter().zip(show::cells(&i)) {
                        rows.push(vec![k.to_string(), v]);
                    }
                    rows.to_csv()
                }
                Format::Table => show::show_text(&desk, cx.lang(&desk), &i),
            };
            cx.print(&text)?;
        }
        Command::List(a) => {
            let filter = Filter {
                kind: a.kind,
                period: a
                    .period
                    .as_deref()
                    .map(|p| intel::parse_xun(p, today))
                    .transpose()?,
                state: a.state,
                owner: a.owner,
            };
            let all: Vec<Intel> = intel::load_all(&desk)?
                .into_iter()
                .filter(|i| filter.matches(i))
                .collect();
            let text = match a.format {
                Format::Json => output::json(&all),
                Format::Csv => {
                    let mut rows = Rows::new(show::COLUMNS.to_vec());
                    for i in &all {
                        rows.push(show::cells(i));
                    }
                    sheet::write(&rows, CsvArgs::default().opts(cx.script_lang()), &show::ZH)
                }
                Format::Table if all.is_empty() => String::new(),
                Format::Table => {
                    let people = super::people::People::new(cx.lang(&desk), &desk);
                    show::list_table(people, &all).to_table(cx.width())
                }
            };
            cx.print(&text)?;
            if all.is_empty() && a.format == Format::Table {
                eprintln!("no intel items match");
            }
        }
    }
    Ok(0)
}

/// `stats --intel`: per 旬 and kind, the items reported by their state now — the month's
/// three 旬 (`month`), or one 旬 (`period`).
pub fn stats(
    cx: &mut Context,
    desk: &Desk,
    month: Month,
    period: Option<Xun>,
    format: Format,
    csv: &CsvArgs,
) -> Result<u8> {
    let xuns: Vec<Xun> = match period {
        Some(x) => vec![x],
        None => Xun::of_month(month).to_vec(),
    };
    let rows = intel::stats_rows(&intel::load_all(desk)?, &xuns);
    let text = match format {
        Format::Csv => sheet::write(&rows, csv.opts(cx.script_lang()), &show::ZH_STATS),
        Format::Json => output::json(&serde_json::json!({
            "intel": svcdesk::stats::rows_json(&rows, |c| matches!(c, "period" | "kind")),
        })),
        Format::Table => {
            let lang = cx.lang(desk);
            let mut t = Rows::new(
                rows.columns
                    .iter()
                    .map(|c| show::heading(lang, c, &show::ZH_STATS))
                    .collect(),
            );
            for mut r in rows.rows {
                if let Some(k) = intel::IntelKind::ALL.iter().find(|k| k.as_str() == r[1]) {
                    r[1] = svcdesk::i18n::word(lang, *k);
                }
                t.push(r);
            }
            let caption = svcdesk::i18n::tr(lang, "stats-intel");
            format!("{caption}\n{}", t.to_table(cx.width()))
        }
    };
    cx.print(&text)?;
    Ok(0)
}
