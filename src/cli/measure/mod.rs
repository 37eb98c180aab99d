//! `svcdesk measure`: improvement measures (改进措施) — add, note, done, reopen, show, list.

mod args;
mod show;

use clap::Subcommand;
use svcdesk::Result;
use svcdesk::desk::{Desk, Kind};
use svcdesk::ledger::{columns, export};
use svcdesk::model::listing::{self, MeasureFilter};
use svcdesk::model::measure::{self, Done, NewMeasure};
use svcdesk::output::{self, Rows};

use self::args::{AddArgs, DoneArgs, ListArgs, NoteArgs, ShowArgs};
use super::Context;
use super::output::Format;

pub const MEASURE_HELP: &str = "\
Examples:
  svcdesk measure add --period 2026-11 --category complaint --ticket 9XWM \\
      --problem 'engineers misread the X200 fault code' \\
      --measure 'train every engineer on the X200 fault codes' \\
      --kind training --owner li --due 2026-12-15
  svcdesk measure list --open
  svcdesk measure note Q3F7 -m 'first session held, 6 of 12 engineers'
  svcdesk measure done Q3F7 --result '12 engineers trained' --effect 'no repeat in 4 weeks'

A measure is overdue once its due date is over (in the desk's time zone) and it is not
done; `svcdesk sla check` warns about overdue measures (exit 1) and `svcdesk stats`
counts measures added, done, open and overdue. States: open ─done─► done ─reopen─► open;
`note` is allowed while open.";

/// Improvement measures (改进措施) decided from the monthly analysis.
#[derive(Subcommand)]
pub enum Command {
    /// Record a measure: the problem, where it was found, what will be done, by whom, by when.
    #[command(after_help = "Examples:
  svcdesk measure add --period 2026-11 --category complaint \\
      --problem 'engineers left before faults were fixed (3 complaints)' \\
      --measure 'customer signs off the fix before the engineer leaves' \\
      --kind process --owner zhao --due +30d
  svcdesk measure add --ticket 9XWM --ticket QF7R --kind product --owner sun --due 2027-01-15 \\
      --problem 'X200 driver board overheats' --measure 'add a heat sink from batch 2027-02'

The source is where the problem was found: a stats period (a month 2026-11, this or last,
or a quarter 2026Q4), a category of svcdesk.toml, and/or tickets (a unique prefix of an
ID or of its code part, e.g. 9XWM; repeatable); at least one is needed. The due date is
YYYY-MM-DD or relative to today in the desk's time zone: +30d, +2w. The owner must be on the staff list when the
desk keeps one. Prints the new ID on stdout.")]
    Add(AddArgs),
    /// Append a follow-up note (跟进记录) to an open measure.
    #[command(after_help = "Examples:
  svcdesk measure note Q3F7 -m 'first session held, 6 of 12 engineers'")]
    Note(NoteArgs),
    /// Mark a measure done, with its result and whether its effect was checked.
    #[command(after_help = "Examples:
  svcdesk measure done Q3F7 --result '12 engineers trained'
  svcdesk measure done Q3F7 --result 'sign-off form in use' --effect-checked
  svcdesk measure done Q3F7 --result 'heat sink added' --effect 'no overheating in 200 units'

--effect TEXT describes the effect seen and counts as checked; --effect-checked alone
records that it was checked. A done measure takes no more notes; `reopen` it first.")]
    Done(DoneArgs),
    /// Open a done measure again (e.g. its effect check failed), with the reason.
    #[command(after_help = "Examples:
  svcdesk measure reopen Q3F7 -m 'the problem came back in January'")]
    Reopen(NoteArgs),
    /// Show one measure with its history.
    #[command(after_help = "Examples:
  svcdesk measure show Q3F7
  svcdesk measure show Q3F7 --format json")]
    Show(ShowArgs),
    /// List measures by due date, filtered.
    #[command(after_help = format!("Examples:
  svcdesk measure list --open
  svcdesk measure list --overdue --owner li
  svcdesk measure list --format csv > 改进措施.csv

Sorted by due date, then ID; overdue means not done and the due day is over (desk time).

{COLUMNS}
(tickets joined with ';', times in RFC 3339, overdue and effect_checked true/false;
effect_checked is empty until done; `show --format csv` gives the same as field,value).",
    COLUMNS = columns::wrapped("CSV columns: ", &columns::MEASURE, "", export::HELP_WIDTH)))]
    List(ListArgs),
}

pub fn exec(cx: &mut Context, cmd: Command) -> Result<u8> {
    let desk = cx.desk()?;
    match cmd {
        Command::Add(a) => {
            let by = cx.actor(&desk)?;
            let at = cx.at(&desk, crate::cli::values::at(&a.at))?;
            let added = measure::add(
                &desk,
                NewMeasure {
                    problem: a.problem,
                    measure: a.measure,
                    kind: a.kind,
                    owner: a.owner,
                    due: a.due.on(today(cx, &desk)?, desk.tz())?,
                    period: a.period,
                    category: a.category,
                    tickets: a.tickets,
                    by: by.clone(),
                    at,
                },
            )?;
            cx.changed(
                &desk,
                format!("measure {}: add (by {by})", added.id),
                vec![added.path.clone()],
            );
            cx.print(&format!("{}\n", added.id))?;
        }
        Command::Note(a) => {
            let id = desk.resolve(Kind::Measure, &a.id)?;
            let by = cx.actor(&desk)?;
            let when = cx.when(&desk, crate::cli::values::at(&a.at))?;
            measure::note(&desk, &id, by.clone(), when, &a.text)?;
            eprintln!("{id}: note added");
            cx.changed(
                &desk,
                format!("measure {id}: note (by {by})"),
                vec![desk.path_of(&id)],
            );
        }
        Command::Done(a) => {
            let id = desk.resolve(Kind::Measure, &a.id)?;
            let by = cx.actor(&desk)?;
            let when = cx.when(&desk, crate::cli::values::at(&a.at))?;
            let m = measure::done(
                &desk,
                &id,
                by.clone(),
                when,
                Done {
                    result: a.result,
                    effect_checked: a.effect_checked,
                    effect: a.effect,
                },
            )?;
            eprintln!(
                "{id}: done{}",
                if m.effect_checked {
                    " (effect checked)"
                } else {
                    "; effect not checked yet"
                }
            );
            cx.changed(
                &desk,
                format!("measure {id}: done (by {by})"),
                vec![desk.path_of(&id)],
            );
        }
        Command::Reopen(a) => {
            let id = desk.resolve(Kind::Measure, &a.id)?;
            let by = cx.actor(&desk)?;
            let when = cx.when(&desk, crate::cli::values::at(&a.at))?;
            measure::reopen(&desk, &id, by.clone(), when, &a.text)?;
            eprintln!("{id}: reopened");
            cx.changed(
                &desk,
                format!("measure {id}: reopen (by {by})"),
                vec![desk.path_of(&id)],
            );
        }
        Command::Show(a) => {
            let id = desk.resolve(Kind::Measure, &a.id)?;
            let m = measure::load(&desk, &id)?;
            let today = today(cx, &desk)?;
            let text = match a.format {
                Format::Json => output::json(&m),
                Format::Csv => {
                    let mut rows = Rows::new(vec!["field", "value"]);
                    for (k, v) in columns::MEASURE
                        .iter()
                        .zip(columns::measure_cells(&m, today))
                    {
                        rows.push(vec![k.to_string(), v]);
                    }
                    rows.to_csv()
                }
                Format::Table => show::show_text(&desk, &m, today),
            };
            cx.print(&text)?;
        }
        Command::List(a) => {
            let today = today(cx, &desk)?;
            let filter = MeasureFilter {
                open: a.open,
                overdue: a.overdue,
                owner: a.owner,
                kind: a.kind,
            };
            let all = listing::measures(measure::load_all(&desk)?, &filter, today);
            let text = match a.format {
                Format::Json => output::json(&all),
                Format::Csv => {
                    let mut rows = Rows::new(columns::MEASURE.to_vec());
                    for m in &all {
                        rows.push(columns::measure_cells(m, today));
                    }
                    rows.to_csv()
                }
                Format::Table if all.is_empty() => String::new(),
                Format::Table => super::people::People::new(cx.lang(&desk), &desk)
                    .table(show::list_table(&all, today))
                    .to_table(cx.width()),
            };
            cx.print(&text)?;
            if all.is_empty() && a.format == Format::Table {
                eprintln!("no measures match");
            }
        }
    }
    Ok(0)
}

/// Today in the desk's time zone (SVCDESK_NOW honoured): what "overdue" is judged by.
fn today(cx: &Context, desk: &Desk) -> Result<chrono::NaiveDate> {
    Ok(desk.local(cx.time(desk, None)?).date_naive())
}
