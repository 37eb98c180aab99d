//! `svcdesk schedule`: planned maintenance (定期保养) that opens visit requests by itself.

use chrono::{Datelike, NaiveDate};
use svcdesk::Result;
use svcdesk::desk::{Desk, Kind};
use svcdesk::model::report::ServiceType;
use svcdesk::model::schedule::{self, Every, NewSchedule, Schedule, State};
use svcdesk::output::{self, Rows};

use super::Context;
use super::output::Format;
use super::values::{self, OnDay, Time, at};

pub const SCHEDULE_HELP: &str = "\
Examples:
  svcdesk schedule add --customer K7Q2 --every 3mo --type maintenance \\
      --scope 'service the two X200 presses' --from 2027-01-04 --engineer wang
  svcdesk schedule list
  svcdesk schedule run --dry-run          # what is due, nothing written
  svcdesk schedule run                    # from cron, once a day
  svcdesk schedule stop S7KQ -m 'contract ended'

Occurrences are --from, then every interval after it (months counted from --from: a
schedule from the 31st falls on the last day of shorter months). An occurrence on a
weekend or holiday of the desk calendar ([calendar], 调休 make-up days count as working)
is wanted on the next working day. `schedule run` opens a visit request (state requested:
it then waits for `visit approve` like any other) for every occurrence on or before today
not opened yet. A planned visit has no ticket: it names its schedule, so no ticket SLA runs
for maintenance nobody complained about. Its ID comes from the schedule's ID and the
occurrence's date, and the request is made in the name of the schedule's author at 00:00
of that day: two clones that both run cron write the same file, and a second run opens
nothing. Crontab: see examples/crontab.";

/// Planned maintenance: recurring visit requests for a customer, opened by `schedule run`.
#[derive(clap::Subcommand)]
pub enum Command {
    /// Set up a recurring visit for a customer; prints the new ID (S…).
    #[command(after_help = "Examples:
  svcdesk schedule add --customer K7Q2 --every 3mo --type maintenance --scope 'service the presses'
  svcdesk schedule add --customer K7Q2 --every 2w --type maintenance --scope 'check the filters' \\
      --from +7d --engineer wang

--every: <N>w, <N>mo or <N>y (N from 1 to 99), e.g. 2w, 1mo, 3mo, 6mo, 1y.
--from: the first occurrence, YYYY-MM-DD or +3d / +1w (default today).")]
    Add(AddArgs),
    /// List schedules with their next occurrence.
    #[command(after_help = "Examples:
  svcdesk schedule list
  svcdesk schedule list --format csv")]
    List(ListArgs),
    /// Show one schedule: its fields, its occurrences so far and the next one.
    #[command(after_help = "Examples:
  svcdesk schedule show S7KQ")]
    Show(ShowArgs),
    /// Stop a schedule: it opens nothing more; the file and its history stay.
    #[command(after_help = "Examples:
  svcdesk schedule stop S7KQ -m 'contract ended'")]
    Stop(StopArgs),
    /// Open the visit requests that are due (for cron); prints their IDs.
    #[command(after_help = "Examples:
  svcdesk schedule run
  svcdesk schedule run --dry-run
  svcdesk schedule run --at 2027-04-01      # as if today were 1 April 2027
  0 6 * * *  svcdesk -C /srv/desk schedule run   # crontab: daily at 06:00

Prints each opened visit's ID on stdout and a line about it on stderr; exit 0, also when
nothing is due. Opened visits wait for `visit approve`.")]
    Run(RunArgs),
}

fn every(s: &str) -> std::result::Result<Every, String> {
    s.parse()
}

#[derive(clap::Args)]
pub struct AddArgs {
    /// The customer (a unique prefix of its ID or of its code part).
    #[arg(long, value_name = "CUSTOMER")]
    customer: String,
    /// How often: 2w, 1mo, 3mo, 6mo, 1y (<N>w, <N>mo, <N>y).
    #[arg(long, value_name = "INTERVAL", value_parser = every)]
    every: Every,
    /// The kind of service of the visits (usually maintenance).
    #[arg(long = "type", value_parser = values::word::<ServiceType>())]
    service_type: ServiceType,
    /// What each visit is to do.
    #[arg(long, value_name = "TEXT")]
    scope: String,
    /// The first occurrence: YYYY-MM-DD or +3d / +1w from today (default today).
    #[arg(long, value_name = "DATE", value_parser = values::date_ahead())]
    from: Option<OnDay<NaiveDate>>,
    /// The engineer usually sent (named in each request's resources).
    #[arg(long, value_name = "STAFF")]
    engineer: Option<String>,
    /// When the schedule was set up, if not now.
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    at: Option<Time>,
}

#[derive(clap::Args)]
pub struct ListArgs {
    /// Only schedules in this state: active or stopped (repeatable).
    #[arg(long, value_parser = values::word::<State>())]
    state: Vec<State>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(clap::Args)]
pub struct ShowArgs {
    /// Schedule ID or unique abbreviation.
    id: String,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(clap::Args)]
pub struct StopArgs {
    /// Schedule ID or unique abbreviation.
    id: String,
    /// Why it stops.
    #[arg(
        short = 'm',
        long = "message",
        allow_hyphen_values = true,
        value_name = "TEXT"
    )]
    text: Option<String>,
    /// When it stopped, if not now.
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    at: Option<Time>,
}

#[derive(clap::Args)]
pub struct RunArgs {
    /// Say what would be opened; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Run as if today were this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = values::date())]
    at: Option<NaiveDate>,
}

fn today(cx: &Context, desk: &Desk) -> Result<NaiveDate> {
    Ok(desk.local(cx.time(desk, None)?).date_naive())
}

const COLUMNS: [&str; 9] = [
    "id",
    "state",
    "customer",
    "every",
    "service_type",
    "from",
    "next",
    "engineer",
    "scope",
];

fn calendar(desk: &Desk) -> Result<svcdesk::time::calendar::Calendar> {
    desk.config
        .calendar()
        .map_err(|e| svcdesk::Error::invalid(e.to_string()))
}

/// The next occurrence's day wanted, for an active schedule.
fn next(cal: &svcdesk::time::calendar::Calendar, s: &Schedule, today: NaiveDate) -> String {
    match s.state {
        State::Active => s
            .next_after(cal, today)
            .map(|o| o.date.to_string())
            .unwrap_or_default(),
        State::Stopped => String::new(),
    }
}

fn cells(cal: &svcdesk::time::calendar::Calendar, s: &Schedule, today: NaiveDate) -> Vec<String> {
    vec![
        s.id.clone(),
        s.state.to_string(),
        s.customer.clone(),
        s.every.to_string(),
        s.service_type.to_string(),
        s.from.to_string(),
        next(cal, s, today),
        s.engineer.clone().unwrap_or_default(),
        s.scope.clone(),
    ]
}

fn rows(desk: &Desk, all: &[Schedule], today: NaiveDate) -> Result<Rows> {
    let cal = calendar(desk)?;
    let mut rows = Rows::new(COLUMNS.to_vec());
    for s in all {
        rows.push(cells(&cal, s, today));
    }
    Ok(rows)
}

pub fn exec(cx: &mut Context, cmd: Command) -> Result<u8> {
    let desk = cx.desk()?;
    match cmd {
        Command::Add(a) => {
            let by = cx.actor(&desk)?;
            let now = cx.at(&desk, at(&a.at))?;
            let today = today(cx, &desk)?;
            let from = match &a.from {
                Some(f) => f.on(today, desk.tz())?,
                None => today,
            };
            let added = schedule::add(
                &desk,
                NewSchedule {
                    customer: a.customer,
                    every: a.every,
                    service_type: a.service_type,
                    scope: a.scope,
                    from,
                    engineer: a.engineer,
                    by: by.clone(),
                    at: now,
                },
            )?;
            cx.changed(
                &desk,
                format!("schedule {}: add (by {by})", added.id),
                vec![added.path.clone()],
            );
            cx.print(&format!("{}\n", added.id))?;
        }
        Command::List(a) => {
            let all: Vec<Schedule> = schedule::load_all(&desk)?
                .into_iter()
                .filter(|s| a.state.is_empty() || a.state.contains(&s.state))
                .collect();
            let today = today(cx, &desk)?;
            let text = match a.format {
                Format::Json => output::json(&all),
                Format::Csv => rows(&desk, &all, today)?.to_csv(),
                Format::Table if all.is_empty() => String::new(),
                Format::Table => super::people::People::new(cx.lang(&desk), &desk)
                    .table(rows(&desk, &all, today)?)
                    .to_table(cx.width()),
            };
            cx.print(&text)?;
            if all.is_empty() && a.format == Format::Table {
                eprintln!("no schedules match");
            }
        }
        Command::Show(a) => {
            let id = desk.resolve(Kind::Schedule, &a.id)?;
            let s = schedule::load(&desk, &id)?;
            let today = today(cx, &desk)?;
            let text = match a.format {
                Format::Json => output::json(&s),
                Format::Csv => {
                    let mut out = Rows::new(vec!["field", "value"]);
                    for (k, v) in COLUMNS.iter().zip(cells(&calendar(&desk)?, &s, today)) {
                        out.push(vec![k.to_string(), v]);
                    }
                    out.to_csv()
                }
                Format::Table => show_text(
                    &desk,
                    super::people::People::new(cx.lang(&desk), &desk),
                    &s,
                    today,
                )?,
            };
            cx.print(&text)?;
        }
        Command::Stop(a) => {
            let id = desk.resolve(Kind::Schedule, &a.id)?;
            let by = cx.actor(&desk)?;
            let when = cx.when(&desk, at(&a.at))?;
            let s = schedule::stop(&desk, &id, by.clone(), when, a.text.as_deref())?;
            eprintln!("{id}: stop ({})", s.state);
            cx.changed(
                &desk,
                format!("schedule {id}: stop (by {by})"),
                vec![desk.path_of(&id)],
            );
        }
        Command::Run(a) => {
            let today = match a.at {
                Some(d) => d,
                None => today(cx, &desk)?,
            };
            let opened = schedule::run(&desk, today, a.dry_run)?;
            let verb = if a.dry_run { "would open" } else { "opened" };
            let mut out = String::new();
            for o in &opened {
                out.push_str(&format!("{}\n", o.id));
                eprintln!(
                    "{}: {verb} for schedule {} (customer {}, occurrence {}, wanted {})",
                    o.id, o.schedule, o.customer, o.occurrence.nominal, o.occurrence.date
                );
            }
            if opened.is_empty() {
                eprintln!("nothing due on or before {today}");
            }
            let cal = calendar(&desk)?;
            let mut years: Vec<i32> = opened
                .iter()
                .map(|o| o.occurrence.nominal.year())
                .filter(|y| !cal.covers_year(*y))
                .collect();
            years.dedup();
            for y in years {
                super::warn(&format!(
                    "no holidays of {y} are listed in [calendar]: its occurrences were moved off weekends only"
                ));
            }
            cx.print(&out)?;
            if !a.dry_run && !opened.is_empty() {
                cx.changed(
                    &desk,
                    format!("schedule run: {} visit request(s) opened", opened.len()),
                    opened.iter().map(|o| o.path.clone()).collect(),
                );
            }
        }
    }
    Ok(0)
}

fn show_text(
    desk: &Desk,
    people: super::people::People,
    s: &Schedule,
    today: NaiveDate,
) -> Result<String> {
    let cal = calendar(desk)?;
    let t = |x: chrono::DateTime<chrono::FixedOffset>| {
        x.with_timezone(&desk.tz())
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    let mut out = people.fields(&[
        ("id", s.id.clone()),
        ("state", people.state(s.state.as_str())),
        ("customer", s.customer.clone()),
        ("every", s.every.to_string()),
        (
            "service type",
            people.cell("service_type", s.service_type.as_str()),
        ),
        ("scope", s.scope.clone()),
        ("from", s.from.to_string()),
        (
            "engineer",
            s.engineer
                .as_deref()
                .map(|e| people.staff(e))
                .unwrap_or_default(),
        ),
        ("added", format!("{} by {}", t(s.added), s.added_by)),
        (
            "stopped",
            match (&s.stopped, &s.stopped_by) {
                (Some(x), Some(by)) => format!("{} by {by}", t(*x)),
                _ => String::new(),
            },
        ),
        ("next", next(&cal, s, today)),
    ]);
    let occurrences = s.occurrences(&cal, today);
    if !occurrences.is_empty() {
        out.push_str("\noccurrences:\n");
        for o in occurrences {
            let p = s.planned(desk, o);
            let opened = if desk.path_of(&p.id).exists() {
                "opened"
            } else {
                "not opened yet"
            };
            let moved = if o.date != o.nominal {
                format!(" (moved to {})", o.date)
            } else {
                String::new()
            };
            out.push_str(&format!("  {}{moved}  {}  {opened}\n", o.nominal, p.id));
        }
    }
    out.push_str("\nhistory:\n");
    for e in &s.event {
        let why = e
            .text
            .as_deref()
            .map(|x| format!(": {x}"))
            .unwrap_or_default();
        out.push_str(&format!("  {}  {}  {}{why}\n", t(e.at), e.by, e.action));
    }
    Ok(out)
}
