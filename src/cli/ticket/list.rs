//! `svcdesk ticket list`: filters, sort, and the table / CSV / JSON of tickets.

use chrono::{DateTime, NaiveDate, Utc};
use svcdesk::Result;
use svcdesk::config::Policy;
use svcdesk::desk::Desk;
use svcdesk::ledger::columns;
use svcdesk::model::listing::{self, Day, Matching, Rank, Running, TicketFilter, TicketSort, View};
use svcdesk::model::ticket::{Channel, Grade, Priority, State, Ticket};
use svcdesk::model::ticket_store;
use svcdesk::output::{self, Rows};

use crate::cli::output::Format;
use svcdesk::sla::TimerState;

use super::show::{next_due_cells, sla_columns, with_runs};
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

impl SortKey {
    fn word(self) -> TicketSort {
        match self {
            SortKey::Id => TicketSort::Id,
            SortKey::Opened => TicketSort::Opened,
            SortKey::State => TicketSort::State,
            SortKey::Grade => TicketSort::Grade,
            SortKey::Priority => TicketSort::Priority,
            SortKey::Assignee => TicketSort::Assignee,
            SortKey::Customer => TicketSort::Customer,
        }
    }
}

#[derive(clap::Args)]
pub struct ListArgs {
    /// A saved view of svcdesk.toml ([views.NAME]), written @NAME; the other flags narrow
    /// it further, and --sort, --reverse, --sla add to how it is shown.
    #[arg(value_name = "@VIEW", value_parser = view_name)]
    view: Option<String>,
    /// List the saved views instead of tickets: name, description and filter.
    #[arg(long, conflicts_with = "view")]
    views: bool,
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
    /// Only tickets whose custom field NAME ([fields]) is VALUE; NAME= for none (repeat:
    /// all must match).
    #[arg(long = "field", value_name = "NAME=VALUE", value_parser = values::field)]
    field: Vec<(String, String)>,
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
    /// With --text: also look in every event of the history (notes, replies, diagnoses,
    /// reasons…).
    #[arg(long, requires = "text")]
    history: bool,
    /// Only tickets with a running SLA timer past its deadline.
    #[arg(long)]
    overdue: bool,
    /// Only tickets with a running SLA timer due within this time (e.g. 2h, 30m, 1d).
    #[arg(long, value_name = "DURATION", value_parser = values::duration())]
    due_within: Option<chrono::Duration>,
    /// Only tickets with a collaboration request to this department (repeat for any).
    #[arg(long, value_name = "DEPT")]
    collab_to: Vec<String>,
    /// Only tickets with a collaboration request still unanswered (to --collab-to).
    #[arg(long)]
    collab_open: bool,
    /// Only tickets opened (registered) by this staff member (repeatable).
    #[arg(long, value_name = "STAFF")]
    opened_by: Vec<String>,
    /// Only tickets I follow (--as / SVCDESK_USER): those I opened or `ticket follow`ed.
    #[arg(long)]
    following: bool,
    /// Only open tickets never routed to a department: the intake `ticket forward` empties.
    #[arg(long)]
    unforwarded: bool,
    /// Only tickets opened for a customer of this tier of [sla.tiers] (stamped when
    /// opened); `default` for tickets without a tier (repeat for any).
    #[arg(long, value_name = "TIER")]
    tier: Vec<String>,
    /// Only tickets waiting for their department head's review ([review] in svcdesk.toml).
    #[arg(long)]
    review_pending: bool,
    /// Add SLA columns: the next deadline of each ticket (JSON: every timer run).
    #[arg(long)]
    sla: bool,
    /// The order of the list (default: id, or the view's `sort`).
    #[arg(long, value_enum)]
    sort: Option<SortKey>,
    #[arg(long)]
    reverse: bool,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

impl ListArgs {
    /// The filter the flags spell (customer as given; `resolved` turns it into an ID).
    fn filter(&self) -> TicketFilter {
        TicketFilter {
            open: self.open,
            mine: self.mine,
            state: self.state.clone(),
            grade: self.grade.clone(),
            priority: self.priority.clone(),
            category: self.category.clone(),
            department: self.department.clone(),
            assignee: self.assignee.clone(),
            customer: self.customer.clone(),
            channel: self.channel.clone(),
            tags: self.tags.clone(),
            opened_from: self.opened_from.map(Day::On),
            opened_to: self.opened_to.map(Day::On),
            closed_from: self.closed_from.map(Day::On),
            closed_to: self.closed_to.map(Day::On),
            text: self.text.clone(),
            history: self.history,
            overdue: self.overdue,
            due_within: self.due_within,
            fields: self.field.iter().cloned().collect(),
            collab_to: self.collab_to.clone(),
            collab_open: self.collab_open,
            opened_by: self.opened_by.clone(),
            following: self.following,
            unforwarded: self.unforwarded,
            tier: self.tier.clone(),
            review_pending: self.review_pending,
        }
    }
}

/// The view `@NAME` names (the `@` may be left off).
pub(super) fn view(desk: &Desk, at: &str) -> Result<View> {
    desk.config.view(at.strip_prefix('@').unwrap_or(at))
}

/// The tickets every filter keeps, in ID order, each through `map` on all cores (with
/// the SLA policy when a filter needed it or `sla` asks for it, and the time they are
/// judged at), so a listing holds what it shows, never the tickets.
pub(super) fn select<T: Send>(
    cx: &Context,
    desk: &Desk,
    filters: Vec<TicketFilter>,
    skip_bad: bool,
    sla: bool,
    map: impl Fn(Ticket, Option<&Policy>, DateTime<Utc>) -> T + Sync,
) -> Result<Vec<T>> {
    let me = if filters.iter().any(TicketFilter::needs_me) {
        Some(cx.actor(desk)?)
    } else {
        None
    };
    let filters = filters
        .into_iter()
        .map(|f| f.resolved(desk, me.as_deref()))
        .collect::<Result<Vec<_>>>()?;
    let policy = if sla || filters.iter().any(TicketFilter::needs_sla) {
        Some(desk.config.policy()?)
    } else {
        None
    };
    let now = cx.time(desk, None)?;
    let m = Matching {
        me,
        tz: desk.tz(),
        now,
        review: desk.config.review.clone(),
    };
    let running = |t: &Ticket| -> Vec<Running> {
        policy.as_ref().map_or_else(Vec::new, |p| {
            p.evaluate(t, now)
                .iter()
                .filter(|s| s.stopped.is_none())
                .map(|s| Running {
                    breached: s.state == TimerState::Breached,
                    due: s.due,
                })
                .collect()
        })
    };
    let mut kept = Vec::new();
    let bad = ticket_store::scan(
        desk,
        skip_bad,
        |f| filters.iter().all(|x| x.sieve(f, &m)),
        |t| {
            filters
                .iter()
                .all(|f| f.matches(&t, &m, &running))
                .then(|| map(t, policy.as_ref(), now))
        },
        |part| {
            kept.extend(part);
            Ok(())
        },
    )
    .map_err(crate::cli::offer_skip_bad)?;
    crate::cli::skipped(&bad);
    Ok(kept)
}

/// A ticket as the listing shows it: its cells (a JSON listing: its one object) and
/// where it sorts.
struct Line {
    rank: Rank,
    cells: Cells,
}

/// A row's cells in one string, with where each ends: a long listing keeps one
/// allocation per row rather than one per cell.
struct Cells {
    text: Box<str>,
    ends: Box<[u32]>,
}

impl Cells {
    fn new<C: AsRef<str>>(cells: impl IntoIterator<Item = C>) -> Cells {
        let (mut text, mut ends) = (String::new(), Vec::new());
        for c in cells {
            text.push_str(c.as_ref());
            ends.push(u32::try_from(text.len()).expect("a row under 4 GiB"));
        }
        Cells {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let cell = &self.text[start..end as usize];
            start = end as usize;
            cell
        })
    }
}

/// The table's columns (then [`sla_columns`] with `--sla`).
const TABLE: [&str; 10] = [
    "id",
    "state",
    "grade",
    "pri",
    "category",
    "department",
    "assignee",
    "opened",
    "promised",
    "title",
];

/// A ticket's cells under [`TABLE`].
fn table_cells(t: &Ticket, people: People) -> [String; 10] {
    [
        t.id.clone(),
        t.state().to_string(),
        t.grade.map(|g| g.to_string()).unwrap_or_default(),
        t.priority.map(|p| p.to_string()).unwrap_or_default(),
        t.category.clone().unwrap_or_default(),
        t.department.clone().unwrap_or_default(),
        match &t.lead {
            // A grade III case's special team: its lead beside the assignee
            // (names for people, as the cell would give them).
            Some(l) => format!(
                "{} ({} {})",
                people.cell("assignee", t.assignee.as_deref().unwrap_or("-")),
                people.label("lead"),
                people.staff(l)
            ),
            None => t.assignee.clone().unwrap_or_default(),
        },
        t.opened
            .map(|o| o.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
        columns::promised(t)
            .map(|o| o.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
        t.title.clone(),
    ]
}

pub(super) fn exec(cx: &mut Context, desk: &Desk, a: ListArgs) -> Result<u8> {
    if a.views {
        return views(cx, desk, a.format);
    }
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
    let mut filters = vec![a.filter()];
    let (mut sort, mut reverse, mut sla) = (a.sort.map(SortKey::word), a.reverse, a.sla);
    if let Some(at) = &a.view {
        let v = view(desk, at)?;
        filters.insert(0, v.filter);
        sort = sort.or(v.sort);
        reverse |= v.reverse;
        sla |= v.sla;
    }
    let sort = sort.unwrap_or(TicketSort::Id);
    let format = a.format;
    // Ids unless --lang (or SVCDESK_LANG) asks for words; the desk's lang never.
    let script = People::new(cx.script_lang(), desk);
    let people = People::new(cx.lang(desk), desk);
    let csv = columns::ticket_list();
    let mut lines = select(cx, desk, filters, a.skip_bad, sla, |t, policy, now| {
        let runs = policy.filter(|_| sla).map(|p| p.evaluate(&t, now));
        let cells = match (format, &runs) {
            (Format::Json, Some(r)) => Cells::new([pretty(&with_runs(desk, &t, r))]),
            (Format::Json, None) => Cells::new([pretty(&t)]),
            (Format::Csv, Some(r)) => Cells::new(
                csv.iter()
                    .map(|c| (c.cell)(&t))
                    .chain(next_due_cells(desk, r, false)),
            ),
            (Format::Csv, None) if script.zh() => {
                Cells::new(csv.iter().map(|c| script.cell(c.name, &(c.cell)(&t))))
            }
            (Format::Csv, None) => Cells::new(csv.iter().map(|c| (c.cell)(&t))),
            (Format::Table, Some(r)) => Cells::new(
                table_cells(&t, people)
                    .into_iter()
                    .chain(next_due_cells(desk, r, true)),
            ),
            (Format::Table, None) => Cells::new(table_cells(&t, people)),
        };
        Line {
            rank: Rank::of(&t, sort),
            cells,
        }
    })?;
    listing::sort_ranked(&mut lines, |l| &l.rank, reverse);
    let names = |first: &[&'static str], for_people| -> Vec<&'static str> {
        let tail = sla.then(|| sla_columns(for_people));
        first
            .iter()
            .copied()
            .chain(tail.into_iter().flatten())
            .collect()
    };
    let csv_names: Vec<&'static str> = csv.iter().map(|c| c.name).collect();
    let out = match format {
        Format::Json => output::json_array(lines.iter().map(|l| &*l.cells.text)),
        Format::Csv if sla => sheet::write_rows(
            &names(&csv_names, false),
            lines.iter().map(|l| l.cells.iter()),
            sheet::CsvOpts::default(),
            &[],
        ),
        Format::Csv => sheet::write_rows(
            &csv_names,
            lines.iter().map(|l| l.cells.iter()),
            sheet::CsvOpts {
                lang: cx.script_lang(),
                ..Default::default()
            },
            &columns::zh(&columns::TICKET),
        ),
        Format::Table if lines.is_empty() => {
            eprintln!("{}", svcdesk::i18n::tr(cx.lang(desk), "list-none"));
            String::new()
        }
        Format::Table => {
            let mut rows = Rows::new(names(&TABLE, true));
            for l in lines.drain(..) {
                rows.push(l.cells.iter().map(str::to_string).collect());
            }
            people.table(rows).to_table(cx.width())
        }
    };
    cx.print(&out)?;
    Ok(0)
}

/// A listed ticket's JSON as `output::json` writes it, for [`output::json_array`].
fn pretty<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).expect("a ticket serialises")
}

/// `@NAME` on the command line: the view's name, `@` and all.
fn view_name(s: &str) -> std::result::Result<String, String> {
    match s.strip_prefix('@') {
        Some(name) if !name.is_empty() => Ok(s.to_string()),
        _ => Err(format!(
            "\"{s}\" is not a view: write @NAME for [views.NAME] of svcdesk.toml \
             (filters are flags, e.g. --state {s})"
        )),
    }
}

/// `ticket list --views`: each view of svcdesk.toml with its description and filter.
fn views(cx: &mut Context, desk: &Desk, format: Format) -> Result<u8> {
    #[derive(serde::Serialize)]
    struct Shown<'a> {
        name: &'a str,
        description: &'a str,
        filter: String,
    }
    let all: Vec<Shown> = desk
        .config
        .views
        .iter()
        .map(|(name, table)| Shown {
            name,
            description: table
                .get("description")
                .and_then(|d| d.as_str())
                .unwrap_or_default(),
            filter: table
                .iter()
                .filter(|(k, _)| *k != "description")
                .map(|(k, v)| format!("{k} = {v}"))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let mut rows = Rows::new(vec!["view", "description", "filter"]);
    for v in &all {
        rows.push(vec![
            format!("@{}", v.name),
            v.description.to_string(),
            v.filter.clone(),
        ]);
    }
    let out = match format {
        Format::Json => output::json(&all),
        Format::Csv => rows.to_csv(),
        Format::Table if all.is_empty() => {
            eprintln!("no views: define one under [views.NAME] in svcdesk.toml");
            String::new()
        }
        Format::Table => rows.to_table(cx.width()),
    };
    cx.print(&out)?;
    Ok(0)
}

/// The CSV/JSON rows of `ticket list`: the first columns of the export's one table.
pub(crate) fn list_rows(all: &[Ticket]) -> Rows {
    columns::ticket_list_rows(all)
}
