//! `svcdesk measure`: improvement measures (改进措施) — add, note, done, reopen, show, list.

use clap::Subcommand;
use svcdesk::Result;
use svcdesk::desk::{self, Desk, Kind};
use svcdesk::model::measure::{self, Done, Measure, MeasureKind, NewMeasure};
use svcdesk::output::{self, Rows};

use super::output::Format;

use super::Context;

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
    #[command(after_help = "Examples:
  svcdesk measure list --open
  svcdesk measure list --overdue --owner li
  svcdesk measure list --format csv > 改进措施.csv

Sorted by due date, then ID; overdue means not done and the due day is over (desk time).

CSV columns: id,state,overdue,kind,owner,due,period,category,tickets,problem,measure,
created,created_by,notes,done,result,effect_checked,effect
(tickets joined with ';', times in RFC 3339, overdue and effect_checked true/false;
effect_checked is empty until done; `show --format csv` gives the same as field,value).")]
    List(ListArgs),
}

#[derive(clap::Args)]
pub struct AddArgs {
    /// The problem found (发现的问题).
    #[arg(long, value_name = "TEXT")]
    problem: String,
    /// What will be done about it (改进措施).
    #[arg(long, value_name = "TEXT")]
    measure: String,
    /// Training, process or product.
    #[arg(long, value_enum)]
    kind: MeasureKind,
    /// Who is responsible (a staff ID where the desk lists staff).
    #[arg(long, value_name = "STAFF")]
    owner: String,
    /// Due date, YYYY-MM-DD, or +30d / +2w from today (the whole day counts).
    #[arg(long, value_name = "DATE")]
    due: String,
    /// The stats period the problem came from: 2026-11, this, last, or 2026Q4.
    #[arg(long, value_name = "PERIOD")]
    period: Option<String>,
    /// The ticket category it concerns (a key of [categories] in svcdesk.toml).
    #[arg(long, value_name = "KEY")]
    category: Option<String>,
    /// A ticket where the problem was seen (repeatable; a unique prefix of the ID or of its code part).
    #[arg(long = "ticket", value_name = "TICKET")]
    tickets: Vec<String>,
    /// When it was decided, if not now.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

#[derive(clap::Args)]
pub struct NoteArgs {
    /// Measure ID or unique abbreviation.
    id: String,
    /// The note (for reopen: the reason).
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    text: String,
    /// When it happened, if not now.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

#[derive(clap::Args)]
pub struct DoneArgs {
    /// Measure ID or unique abbreviation.
    id: String,
    /// What was done (required).
    #[arg(long, value_name = "TEXT")]
    result: String,
    /// The effect was checked.
    #[arg(long)]
    effect_checked: bool,
    /// The effect seen (implies --effect-checked).
    #[arg(long, value_name = "TEXT")]
    effect: Option<String>,
    /// When it was done, if not now.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

#[derive(clap::Args)]
pub struct ShowArgs {
    /// Measure ID or unique abbreviation.
    id: String,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(clap::Args)]
pub struct ListArgs {
    /// Only measures not done.
    #[arg(long)]
    open: bool,
    /// Only measures past their due date and not done.
    #[arg(long)]
    overdue: bool,
    /// Only this owner's.
    #[arg(long, value_name = "STAFF")]
    owner: Option<String>,
    /// Only this kind.
    #[arg(long, value_enum)]
    kind: Option<MeasureKind>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn exec(cx: &mut Context, cmd: Command) -> Result<u8> {
    let desk = cx.desk()?;
    match cmd {
        Command::Add(a) => {
            let by = cx.actor(&desk)?;
            let at = cx.at(&desk, a.at.as_deref())?;
            let added = measure::add(
                &desk,
                NewMeasure {
                    problem: a.problem,
                    measure: a.measure,
                    kind: a.kind,
                    owner: a.owner,
                    due: desk::parse_date_from(&a.due, today(cx, &desk)?)?,
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
            let when = cx.when(&desk, a.at.as_deref())?;
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
            let when = cx.when(&desk, a.at.as_deref())?;
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
            let when = cx.when(&desk, a.at.as_deref())?;
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
                    for (k, v) in csv_pairs(&m, today) {
                        rows.push(vec![k.to_string(), v]);
                    }
                    rows.to_csv()
                }
                Format::Table => show_text(&desk, &m, today),
            };
            cx.print(&text)?;
        }
        Command::List(a) => {
            let today = today(cx, &desk)?;
            let mut all = measure::load_all(&desk)?;
            all.retain(|m| {
                (!a.open || m.is_open())
                    && (!a.overdue || m.is_overdue(today))
                    && a.owner.as_deref().is_none_or(|o| m.owner == o.trim())
                    && a.kind.is_none_or(|k| m.kind == k)
            });
            measure::sort_by_due(&mut all);
            let text = match a.format {
                Format::Json => output::json(&all),
                Format::Csv => {
                    let mut rows = Rows::new(CSV_COLUMNS.to_vec());
                    for m in &all {
                        rows.push(csv_pairs(m, today).into_iter().map(|(_, v)| v).collect());
                    }
                    rows.to_csv()
                }
                Format::Table if all.is_empty() => String::new(),
                Format::Table => list_table(&all, today).to_table(cx.width()),
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

const CSV_COLUMNS: [&str; 18] = [
    "id",
    "state",
    "overdue",
    "kind",
    "owner",
    "due",
    "period",
    "category",
    "tickets",
    "problem",
    "measure",
    "created",
    "created_by",
    "notes",
    "done",
    "result",
    "effect_checked",
    "effect",
];

/// One measure as the CSV columns, in [`CSV_COLUMNS`] order (also `show --format csv`).
fn csv_pairs(m: &Measure, today: chrono::NaiveDate) -> Vec<(&'static str, String)> {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let values = vec![
        m.id.clone(),
        m.state.to_string(),
        m.is_overdue(today).to_string(),
        m.kind.to_string(),
        m.owner.clone(),
        m.due.to_string(),
        s(&m.period),
        s(&m.category),
        m.tickets.join(";"),
        m.problem.clone(),
        m.measure.clone(),
        m.created.to_rfc3339(),
        m.created_by.clone(),
        m.notes().count().to_string(),
        m.done.map(|d| d.to_rfc3339()).unwrap_or_default(),
        s(&m.result),
        if m.done.is_some() {
            m.effect_checked.to_string()
        } else {
            String::new()
        },
        s(&m.effect),
    ];
    CSV_COLUMNS.into_iter().zip(values).collect()
}

fn state_label(m: &Measure, today: chrono::NaiveDate) -> String {
    if m.is_overdue(today) {
        "open, OVERDUE".into()
    } else {
        m.state.to_string()
    }
}

/// The terminal view keeps what people scan; CSV and JSON carry everything.
fn list_table(all: &[Measure], today: chrono::NaiveDate) -> Rows {
    let mut rows = Rows::new(vec!["id", "due", "state", "kind", "owner", "measure"]);
    for m in all {
        rows.push(vec![
            m.id.clone(),
            m.due.to_string(),
            state_label(m, today),
            m.kind.to_string(),
            m.owner.clone(),
            m.measure.clone(),
        ]);
    }
    rows
}

fn show_text(desk: &Desk, m: &Measure, today: chrono::NaiveDate) -> String {
    let local = |t: chrono::DateTime<chrono::FixedOffset>| {
        t.with_timezone(&desk.tz())
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut out = output::fields(&[
        ("id", m.id.clone()),
        ("state", state_label(m, today)),
        ("kind", m.kind.to_string()),
        ("owner", m.owner.clone()),
        ("due", m.due.to_string()),
        ("problem", m.problem.clone()),
        ("measure", m.measure.clone()),
        ("period", s(&m.period)),
        ("category", s(&m.category)),
        ("tickets", m.tickets.join(", ")),
        (
            "created",
            format!("{} by {}", local(m.created), m.created_by),
        ),
        (
            "done",
            m.done
                .map(|d| format!("{} by {}", local(d), s(&m.done_by)))
                .unwrap_or_default(),
        ),
        ("result", s(&m.result)),
        (
            "effect",
            match (&m.effect, m.done.is_some(), m.effect_checked) {
                (Some(e), _, _) => format!("checked: {e}"),
                (None, true, true) => "checked".into(),
                (None, true, false) => "not checked".into(),
                (None, false, _) => String::new(),
            },
        ),
    ]);
    out.push_str("\nHistory:\n");
    let width = m
        .event
        .iter()
        .map(|e| e.by.chars().count())
        .max()
        .unwrap_or(0);
    for e in &m.event {
        let text = match e.action {
            measure::Action::Add => format!(
                "due {}, owner {}",
                s(&e.due.map(|d| d.to_string())),
                s(&e.owner)
            ),
            measure::Action::Note | measure::Action::Reopen | measure::Action::Notified => {
                s(&e.text)
            }
            measure::Action::Done => s(&e.result),
        };
        out.push_str(&format!(
            "  {}  {:width$}  {:7} {text}\n",
            local(e.at),
            e.by,
            e.action.as_str(),
        ));
    }
    out
}
