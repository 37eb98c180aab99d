//! `svcdesk ticket list`: filters, sort, and the table / CSV / JSON of tickets.

use chrono::{DateTime, FixedOffset, NaiveDate};
use svcdesk::Result;
use svcdesk::desk::{Desk, Kind};
use svcdesk::ledger::columns;
use svcdesk::model::ticket::{Channel, Grade, Priority, State, Ticket};
use svcdesk::model::ticket_store;
use svcdesk::output::{self, Rows};

use crate::cli::output::Format;
use svcdesk::sla::{TimerState, TimerStatus};

use super::show::{with_next_due, with_runs};
use crate::cli::Context;
use crate::cli::people::People;
use crate::cli::values;
use svcdesk::output::sheet;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SortKey {
    Id,
    Opened,
    State,
    Grade,
    Priority,
    Assignee,
    Customer,
}

#[derive(clap::Args)]
pub struct ListArgs {
    #[arg(long, help = crate::cli::SKIP_BAD_HELP)]
    skip_bad: bool,
    /// Only tickets not closed.
    #[arg(long)]
    open: bool,
    /// Only tickets assigned to me (--as / SVCDESK_USER).
    #[arg(long)]
    mine: bool,
    /// Only these states (repeatable).
    #[arg(long, value_parser = values::word::<State>())]
    state: Vec<State>,
    #[arg(long, value_parser = values::word::<Grade>())]
    grade: Vec<Grade>,
    #[arg(long, value_parser = values::word::<Priority>())]
    priority: Vec<Priority>,
    #[arg(long)]
    category: Vec<String>,
    #[arg(long)]
    department: Vec<String>,
    #[arg(long, value_name = "STAFF")]
    assignee: Vec<String>,
    /// Customer ID or abbreviation.
    #[arg(long)]
    customer: Option<String>,
    #[arg(long, value_parser = values::word::<Channel>())]
    channel: Vec<Channel>,
    /// Only tickets with this tag (repeat: all must match).
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// Opened on or after this date (desk time).
    #[arg(long, value_name = "DATE", value_parser = values::date())]
    opened_from: Option<NaiveDate>,
    /// Opened on or before this date.
    #[arg(long, value_name = "DATE", value_parser = values::date())]
    opened_to: Option<NaiveDate>,
    /// Closed on or after this date.
    #[arg(long, value_name = "DATE", value_parser = values::date())]
    closed_from: Option<NaiveDate>,
    /// Closed on or before this date.
    #[arg(long, value_name = "DATE", value_parser = values::date())]
    closed_to: Option<NaiveDate>,
    /// Text in the title, description, product, serial or resolution (case-insensitive).
    #[arg(allow_hyphen_values = true, long)]
    text: Option<String>,
    /// Only tickets with a running SLA timer past its deadline.
    #[arg(long)]
    overdue: bool,
    /// Only tickets with a running SLA timer due within this time (e.g. 2h, 30m, 1d).
    #[arg(long, value_name = "DURATION", value_parser = values::duration())]
    due_within: Option<chrono::Duration>,
    /// Add SLA columns: the next deadline of each ticket (JSON: every timer run).
    #[arg(long)]
    sla: bool,
    #[arg(long, value_enum, default_value = "id")]
    sort: SortKey,
    #[arg(long)]
    reverse: bool,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

fn local_date(desk: &Desk, t: &DateTime<FixedOffset>) -> NaiveDate {
    t.with_timezone(&desk.tz()).date_naive()
}

pub(super) fn exec(cx: &mut Context, desk: &Desk, a: ListArgs) -> Result<u8> {
    let me = if a.mine { Some(cx.actor(desk)?) } else { None };
    let customer = a
        .customer
        .as_deref()
        .map(|c| desk.resolve(Kind::Customer, c))
        .transpose()?;
    let (of, ot, cf, ct) = (a.opened_from, a.opened_to, a.closed_from, a.closed_to);
    let cfg = &desk.config;
    crate::cli::warn_unknown_filter(
        "--category",
        &a.category,
        cfg.categories.keys().map(String::as_str),
    );
    crate::cli::warn_unknown_filter(
        "--department",
        &a.department,
        cfg.departments.keys().map(String::as_str),
    );
    if !cfg.staff.is_empty() {
        crate::cli::warn_unknown_filter(
            "--assignee",
            &a.assignee,
            cfg.staff.iter().map(|s| s.id.as_str()),
        );
    }
    let text = a.text.as_deref().map(str::to_lowercase);
    let within =
        |t: Option<&DateTime<FixedOffset>>, from: Option<NaiveDate>, to: Option<NaiveDate>| {
            if from.is_none() && to.is_none() {
                return true;
            }
            t.map(|t| local_date(desk, t))
                .is_some_and(|d| from.is_none_or(|f| d >= f) && to.is_none_or(|x| d <= x))
        };
    let any = |want: &[String], v: &Option<String>| {
        want.is_empty() || v.as_ref().is_some_and(|v| want.contains(v))
    };
    let policy = if a.overdue || a.due_within.is_some() || a.sla {
        Some(desk.config.policy()?)
    } else {
        None
    };
    let now = cx.time(desk, None)?;
    let due_within = a.due_within;
    let filter_by_sla = a.overdue || due_within.is_some();
    let sla_ok = |t: &Ticket| {
        !filter_by_sla
            || policy.as_ref().is_none_or(|p| {
                p.evaluate(t, now)
                    .iter()
                    .filter(|s| s.stopped.is_none())
                    .any(|s| {
                        (a.overdue && s.state == TimerState::Breached)
                            || due_within.is_some_and(|w| s.due <= now + w)
                    })
            })
    };
    // Filtering while loading keeps memory to the answer, not the desk.
    let (mut all, bad) = ticket_store::load_where_or_skip(desk, a.skip_bad, |t| {
        (!a.open || t.is_open())
            && me.as_ref().is_none_or(|m| t.assignee.as_ref() == Some(m))
            && (a.state.is_empty() || a.state.contains(&t.state()))
            && (a.grade.is_empty() || t.grade.is_some_and(|g| a.grade.contains(&g)))
            && (a.priority.is_empty() || t.priority.is_some_and(|p| a.priority.contains(&p)))
            && any(&a.category, &t.category)
            && any(&a.department, &t.department)
            && any(&a.assignee, &t.assignee)
            && customer
                .as_ref()
                .is_none_or(|c| t.customer.as_deref() == Some(c.as_str()))
            && (a.channel.is_empty() || t.channel.is_some_and(|c| a.channel.contains(&c)))
            && a.tags.iter().all(|g| t.tags.contains(g))
            && within(t.opened.as_ref(), of, ot)
            && within(t.closed.as_ref(), cf, ct)
            && text.as_ref().is_none_or(|x| {
                [
                    Some(&t.title),
                    Some(&t.description),
                    t.product.as_ref(),
                    t.serial.as_ref(),
                    t.resolution.as_ref(),
                ]
                .into_iter()
                .flatten()
                .any(|v| v.to_lowercase().contains(x))
            })
            && sla_ok(t)
    })
    .map_err(crate::cli::offer_skip_bad)?;
    crate::cli::skipped(&bad);
    match a.sort {
        SortKey::Id => {}
        SortKey::Opened => all.sort_by_key(|t| t.opened),
        SortKey::State => all.sort_by_key(|t| t.state()),
        // Most severe / most urgent first reads best.
        SortKey::Grade => all.sort_by_key(|t| std::cmp::Reverse(t.grade)),
        SortKey::Priority => all.sort_by_key(|t| t.priority),
        SortKey::Assignee => all.sort_by(|x, y| x.assignee.cmp(&y.assignee)),
        SortKey::Customer => all.sort_by(|x, y| x.customer.cmp(&y.customer)),
    }
    if a.reverse {
        all.reverse();
    }
    let runs: Vec<Vec<TimerStatus>> = match (&policy, a.sla) {
        (Some(p), true) => all.iter().map(|t| p.evaluate(t, now)).collect(),
        _ => Vec::new(),
    };
    let out = match a.format {
        Format::Json if a.sla => output::json(
            &all.iter()
                .zip(&runs)
                .map(|(t, r)| with_runs(desk, t, r))
                .collect::<Vec<_>>(),
        ),
        Format::Json => output::json(&all),
        Format::Csv if a.sla => with_next_due(desk, list_rows(&all), &runs, false).to_csv(),
        Format::Csv => {
            // Ids unless --lang (or SVCDESK_LANG) asks for words; the desk's lang never.
            let rows = People::new(cx.script_lang(), desk).cells(list_rows(&all));
            sheet::write(
                &rows,
                sheet::CsvOpts {
                    lang: cx.script_lang(),
                    ..Default::default()
                },
                &columns::zh(&columns::TICKET),
            )
        }
        Format::Table if all.is_empty() => {
            eprintln!("{}", svcdesk::i18n::tr(cx.lang(desk), "list-none"));
            String::new()
        }
        Format::Table => {
            let mut rows = Rows::new(vec![
                "id",
                "state",
                "grade",
                "pri",
                "category",
                "department",
                "assignee",
                "opened",
                "title",
            ]);
            for t in &all {
                rows.push(vec![
                    t.id.clone(),
                    t.state().to_string(),
                    t.grade.map(|g| g.to_string()).unwrap_or_default(),
                    t.priority.map(|p| p.to_string()).unwrap_or_default(),
                    t.category.clone().unwrap_or_default(),
                    t.department.clone().unwrap_or_default(),
                    t.assignee.clone().unwrap_or_default(),
                    t.opened
                        .map(|o| o.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_default(),
                    t.title.clone(),
                ]);
            }
            if a.sla {
                rows = with_next_due(desk, rows, &runs, true);
            }
            People::new(cx.lang(desk), desk)
                .table(rows)
                .to_table(cx.width())
        }
    };
    cx.print(&out)?;
    Ok(0)
}

/// The CSV/JSON rows of `ticket list`: the first columns of the export's one table.
pub(crate) fn list_rows(all: &[Ticket]) -> Rows {
    columns::rows(&columns::TICKET[..columns::TICKET_LIST], all)
}
