use std::collections::HashMap;

use clap::Subcommand;
use svcdesk::desk::{self, Desk, Id, Kind};
use svcdesk::ledger::{self, Month, Week};
use svcdesk::model::customer;
use svcdesk::model::report::{
    self, Field, Fields, Filter, NewReport, Outcome, Report, ServiceType, WithHours,
};
use svcdesk::model::ticket_store;
use svcdesk::model::worklog::{self, NewEntry};
use svcdesk::output::{self, Rows};

use super::output::Format;
use svcdesk::{Error, Result};

use super::{Context, warn};

/// Field-service reports (现场服务完成情况汇报) and the engineers' work log.
#[derive(Subcommand)]
pub enum Command {
    /// Write up a field visit; prints the new report's ID.
    #[command(after_help = "Examples:
  svcdesk report add --engineer wang --ticket 9XWM --type problem-handling \\
      --location '南京江宁工厂 2 号线' --departed '2026-11-24 07:30' --arrived '2026-11-24 09:30' \\
      --left '2026-11-24 12:10' --returned '2026-11-24 14:00' --travel 'company car, 120 km' \\
      -m 'replaced the motor driver board; ran 2 h under load' --problems 'cable trays overheat' \\
      --escalated-to sun --parts '1x driver board DB-200' --cost 350 --signed-by 陈刚 \\
      --outcome resolved --satisfaction 5
  svcdesk report add --customer K7Q2 --type training --arrived '2026-11-25 14:00' \\
      --left '2026-11-25 17:00' -m 'X300 operator training, 8 people'

Times are desk time (or RFC 3339) and must run departed ≤ arrived ≤ left ≤ returned.
Hours on site are left − arrived, computed, never stored. The customer defaults to the
ticket's; the engineer to the acting user (--as / SVCDESK_USER).
Service types: consultation (技术咨询), construction-guidance (现场施工指导),
problem-handling (现场问题处理), training (技术培训).
Outcomes: resolved, partly-resolved, unresolved, follow-up.")]
    Add(Box<AddArgs>),
    /// Change fields of a report; only the changed lines of its file change.
    #[command(after_help = "Examples:
  svcdesk report edit 2HQA --left '2026-11-24 12:40' --satisfaction 4
  svcdesk report edit 2HQA --clear returned --clear cost
  svcdesk report edit 2HQA --escalated=false")]
    Edit(Box<EditArgs>),
    /// Show one report with its computed hours on site.
    #[command(after_help = "Examples:
  svcdesk report show 4D8P                    # hours on site = left - arrived, never stored
  svcdesk report show 4D8P --format csv

CSV: field,value rows in the order of `report list --format csv` columns.")]
    Show(ShowArgs),
    /// List reports, in visit order (arrival, or else when written).
    #[command(after_help = "Examples:
  svcdesk report list --month last --engineer wang
  svcdesk report list --customer K7Q2 --type training --format csv > visits.csv

--month places a report by its arrival on site (or else when it was written) in the
desk's time zone.

CSV columns: id,engineer,customer,ticket,service_type,location,departed,arrived,left,
returned,hours_on_site,travel,work_done,problems,escalated,escalated_to,parts,cost,
signed_by,outcome,satisfaction,created,created_by
(times in RFC 3339, hours_on_site with two decimals, escalated true/false).")]
    List(ListArgs),
    /// Add a dated entry to an engineer's work log (worklog/ENGINEER.toml).
    #[command(after_help = "Examples:
  svcdesk report log --hours 2 --ticket 9XWM -m 'remote diagnosis with the customer'
  svcdesk report log --engineer zhou --date 2026-11-23 --hours 1.5 -m 'prepared training slides'

The engineer defaults to the acting user and must be a plain name (letters, digits,
'-', '_'); --date defaults to today in the desk's time zone.")]
    Log(LogArgs),
    /// An engineer's week: work-log entries and field visits, with total hours.
    #[command(after_help = "Examples:
  svcdesk report weekly --engineer wang                 # this week
  svcdesk report weekly --engineer wang --week last --format csv
  svcdesk report weekly --engineer wang --week 2026-W48

Weeks are ISO weeks, Monday to Sunday. Total = work-log hours + hours on site.

CSV columns: date,kind,report,ticket,customer,hours,text
(kind is log or report; the last row has kind total and the week's total hours).")]
    Weekly(WeeklyArgs),
    /// Redact personal data in a report field (PIPL), recording who and why.
    #[command(after_help = "Examples:
  svcdesk report redact 2HQA --field signed_by --reason 'PIPL request of 2026-12-01'

The value becomes \"[redacted]\" where it stood and a [[redaction]] record says who, when,
which field and why — never the old value. In a git merge the redacted copy wins.
Fields: location, travel, work_done, problems, parts, signed_by. README (\"Redaction\")
shows how to purge the old value from git's history as well.")]
    Redact(RedactArgs),
}

#[derive(clap::Args)]
pub struct RedactArgs {
    /// Report ID or unique abbreviation.
    id: String,
    /// The field to redact, e.g. signed_by or work_done.
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
    /// The engineer who went (a staff id when the desk lists staff).
    #[arg(long, value_name = "NAME")]
    engineer: Option<String>,
    /// The customer: ID or unique abbreviation [default for add: the ticket's customer].
    #[arg(long, value_name = "CUSTOMER")]
    customer: Option<String>,
    /// The ticket the visit was for: ID or unique abbreviation.
    #[arg(long, value_name = "TICKET")]
    ticket: Option<String>,
    /// Service type.
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    service_type: Option<ServiceType>,
    /// Where: site, address, line.
    #[arg(long)]
    location: Option<String>,
    /// When the engineer set out (e.g. "2026-11-24 07:30", desk time).
    #[arg(long, value_name = "TIME")]
    departed: Option<String>,
    /// Arrival on site.
    #[arg(long, value_name = "TIME")]
    arrived: Option<String>,
    /// Departure from the site.
    #[arg(long, value_name = "TIME")]
    left: Option<String>,
    /// Back at the base.
    #[arg(long, value_name = "TIME")]
    returned: Option<String>,
    /// How the engineer travelled (train, company car, distance...).
    #[arg(long, value_name = "TEXT")]
    travel: Option<String>,
    /// Work done on site.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "work-done",
        value_name = "TEXT"
    )]
    work_done: Option<String>,
    /// Problems found on site.
    #[arg(long, value_name = "TEXT")]
    problems: Option<String>,
    /// A problem found on site was reported back within 24 h (--escalated=false to undo).
    #[arg(
        long,
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_name = "BOOL"
    )]
    escalated: Option<bool>,
    /// To whom it was reported (implies --escalated).
    #[arg(long, value_name = "WHO")]
    escalated_to: Option<String>,
    /// Parts used.
    #[arg(long, value_name = "TEXT")]
    parts: Option<String>,
    /// Cost of the visit, e.g. 350 or 350.00.
    #[arg(long, value_name = "AMOUNT")]
    cost: Option<String>,
    /// Who signed for the customer.
    #[arg(long, value_name = "NAME")]
    signed_by: Option<String>,
    #[arg(long, value_enum)]
    outcome: Option<Outcome>,
    /// The customer's satisfaction, 1 (very dissatisfied) to 5 (very satisfied).
    #[arg(long, value_name = "1-5", value_parser = clap::value_parser!(u8).range(1..=5))]
    satisfaction: Option<u8>,
}

impl FieldArgs {
    fn into_fields(self, desk: &Desk) -> Result<Fields> {
        let time = |s: Option<String>| {
            s.as_deref()
                .map(|s| desk::parse_time(s, desk.tz()))
                .transpose()
        };
        Ok(Fields {
            engineer: self.engineer,
            customer: self.customer,
            ticket: self.ticket,
            service_type: self.service_type,
            location: self.location,
            departed: time(self.departed)?,
            arrived: time(self.arrived)?,
            left: time(self.left)?,
            returned: time(self.returned)?,
            travel: self.travel,
            work_done: self.work_done,
            problems: self.problems,
            escalated: self.escalated,
            escalated_to: self.escalated_to,
            parts: self.parts,
            cost: self.cost,
            signed_by: self.signed_by,
            outcome: self.outcome,
            satisfaction: self.satisfaction,
        })
    }
}

#[derive(clap::Args)]
pub struct AddArgs {
    #[command(flatten)]
    fields: FieldArgs,
    /// When the report was written, if not now.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

#[derive(clap::Args)]
pub struct EditArgs {
    /// Report ID or unique abbreviation.
    id: String,
    #[command(flatten)]
    fields: FieldArgs,
    /// Remove a field (repeatable).
    #[arg(long, value_enum, value_name = "FIELD")]
    clear: Vec<Field>,
}

#[derive(clap::Args)]
pub struct ShowArgs {
    /// Report ID or unique abbreviation.
    id: String,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(clap::Args)]
pub struct ListArgs {
    /// Only this engineer's reports.
    #[arg(long, value_name = "NAME")]
    engineer: Option<String>,
    /// Only this customer's (ID or abbreviation).
    #[arg(long, value_name = "CUSTOMER")]
    customer: Option<String>,
    /// Only reports linked to this ticket (ID or abbreviation).
    #[arg(long, value_name = "TICKET")]
    ticket: Option<String>,
    /// Only these service types (repeatable).
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    service_type: Vec<ServiceType>,
    /// Only visits in this month: 2026-11, this or last (desk time zone).
    #[arg(long, value_name = "MONTH")]
    month: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(clap::Args)]
pub struct LogArgs {
    /// Whose log [default: the acting user].
    #[arg(long, value_name = "NAME")]
    engineer: Option<String>,
    /// The day the work was done, YYYY-MM-DD [default: today].
    #[arg(long, value_name = "DATE")]
    date: Option<String>,
    /// Hours spent, e.g. 2 or 1.5.
    #[arg(long, value_name = "HOURS")]
    hours: Option<String>,
    /// The ticket worked on (ID or abbreviation).
    #[arg(long, value_name = "TICKET")]
    ticket: Option<String>,
    /// What was done.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    text: String,
    /// When the entry is written, if not now.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

#[derive(clap::Args)]
pub struct WeeklyArgs {
    /// Whose week [default: the acting user].
    #[arg(long, value_name = "NAME")]
    engineer: Option<String>,
    /// 2026-W48, a date in the week, this or last.
    #[arg(long, value_name = "WEEK", default_value = "this")]
    week: String,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// The engineer named, else the acting user (--as, git identity, SVCDESK_USER).
fn engineer(cx: &Context, desk: &Desk, given: Option<String>) -> Result<String> {
    if let Some(e) = given.filter(|e| !e.trim().is_empty()) {
        return Ok(e);
    }
    let known = cx.actor.is_some()
        || cx.env_user.is_some()
        || desk
            .git_email()
            .is_some_and(|e| desk.config.staff_by_email(&e).is_some());
    known.then(|| cx.actor(desk)).transpose()?.ok_or_else(|| {
        Error::invalid_with_hint(
            "which engineer?",
            "pass --engineer NAME, or act as them with --as / SVCDESK_USER",
        )
    })
}

pub fn exec(cx: &mut Context, cmd: Command) -> Result<u8> {
    let desk = cx.desk()?;
    match cmd {
        Command::Add(a) => {
            let a = *a;
            let by = cx.actor(&desk)?;
            let at = cx.at(&desk, a.at.as_deref())?;
            let mut fields = a.fields.into_fields(&desk)?;
            fields.engineer = Some(engineer(cx, &desk, fields.engineer)?);
            let message = format!("(by {by})");
            let added = report::add(&desk, NewReport { fields, by, at })?;
            cx.changed(
                &desk,
                format!("report {}: add {message}", added.id),
                vec![desk.path_of(&added.id)],
            );
            for w in &added.warnings {
                warn(w);
            }
            cx.print(&format!("{}\n", added.id))?;
        }
        Command::Edit(a) => {
            let a = *a;
            let id = desk.resolve(Kind::Report, &a.id)?;
            let fields = a.fields.into_fields(&desk)?;
            if fields.is_empty() && a.clear.is_empty() {
                return Err(Error::invalid_with_hint(
                    "nothing to change",
                    "give a field to set (e.g. --left), or --clear FIELD",
                ));
            }
            let edited = report::edit(&desk, &id, &fields, &a.clear)?;
            if edited.changed {
                let by = cx.actor(&desk)?;
                cx.changed(
                    &desk,
                    format!("report {id}: edit (by {by})"),
                    vec![desk.path_of(&id)],
                );
            }
            for w in &edited.warnings {
                warn(w);
            }
            eprintln!(
                "{id}: {}",
                if edited.changed {
                    "updated"
                } else {
                    "already so; nothing changed"
                }
            );
        }
        Command::Redact(a) => {
            let id = desk.resolve(Kind::Report, &a.id)?;
            let request = svcdesk::model::redact::Request {
                field: a.field,
                reason: a.reason,
                by: cx.actor(&desk)?,
                at: cx.time(&desk, a.at.as_deref())?,
            };
            let path = svcdesk::model::redact::report_field(&desk, &id, &request)?;
            eprintln!("{id}: `{}` redacted", request.field);
            cx.changed(
                &desk,
                format!("report {id}: redact {} (by {})", request.field, request.by),
                vec![path],
            );
        }
        Command::Show(a) => {
            let id = desk.resolve(Kind::Report, &a.id)?;
            let r = report::load(&desk, &id)?;
            let text = match a.format {
                Format::Json => output::json(&WithHours::from(&r)),
                Format::Csv => {
                    let mut rows = Rows::new(vec!["field", "value"]);
                    for (k, v) in COLUMNS.iter().zip(cells(&r)) {
                        rows.push(vec![k.to_string(), v]);
                    }
                    rows.to_csv()
                }
                Format::Table => show_text(&desk, &r),
            };
            cx.print(&text)?;
        }
        Command::List(a) => list(cx, &desk, a)?,
        Command::Log(a) => {
            let by = cx.actor(&desk)?;
            let when = cx.when(&desk, a.at.as_deref())?;
            let engineer = engineer(cx, &desk, a.engineer)?;
            let date = match a.date.as_deref() {
                Some(d) => desk::parse_date(d)?,
                None => desk.local(cx.time(&desk, None)?).date_naive(),
            };
            let path = worklog::append(
                &desk,
                NewEntry {
                    engineer: engineer.clone(),
                    date,
                    hours: a.hours,
                    ticket: a.ticket,
                    text: a.text,
                    by,
                    when,
                },
            )?;
            cx.changed(
                &desk,
                format!("worklog {engineer}: entry for {date}"),
                vec![path.clone()],
            );
            let rel = path.strip_prefix(&desk.root).unwrap_or(&path);
            eprintln!(
                "{engineer}: work log entry for {date} added to {}",
                rel.display()
            );
        }
        Command::Weekly(a) => {
            let engineer = report::check_engineer(&desk, &engineer(cx, &desk, a.engineer)?)?;
            let today = desk.local(cx.time(&desk, None)?).date_naive();
            let week = Week::parse(&a.week, today)?;
            let log = worklog::load(&desk, &engineer)?;
            let reports = report::load_all(&desk)?;
            let w = ledger::weekly(
                &engineer,
                week,
                &log.entry,
                &reports,
                &customer_names(&desk)?,
                desk.tz(),
            );
            let text = match a.format {
                Format::Json => output::json(&w.to_json()),
                Format::Csv => w.rows(true).to_csv(),
                Format::Table => {
                    let mut s = format!(
                        "{engineer}, week {week} ({} – {})\n",
                        week.monday(),
                        week.sunday()
                    );
                    if !w.items.is_empty() {
                        s.push_str(&w.rows(false).to_table(cx.width()));
                    }
                    s.push_str(&format!(
                        "total: {} h (work log {} h, on site {} h)\n",
                        report::hours_text(w.total_hundredths()),
                        report::hours_text(w.log_hundredths),
                        report::hours_text(w.on_site_hundredths)
                    ));
                    s
                }
            };
            cx.print(&text)?;
        }
    }
    Ok(0)
}

/// Customer ID → name, for tables and ledgers.
pub fn customer_names(desk: &Desk) -> Result<HashMap<String, String>> {
    Ok(customer::load_all(desk)?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect())
}

fn list(cx: &mut Context, desk: &Desk, a: ListArgs) -> Result<()> {
    let resolve = |kind: Kind, q: &Option<String>| -> Result<Option<String>> {
        q.as_deref()
            .map(|q| desk.resolve(kind, q).map(|id| id.to_string()))
            .transpose()
    };
    let today = desk.local(cx.time(desk, None)?).date_naive();
    let filter = Filter {
        engineer: a.engineer.map(|e| e.trim().to_string()),
        customer: resolve(Kind::Customer, &a.customer)?,
        ticket: resolve(Kind::Ticket, &a.ticket)?,
        service_type: a.service_type,
        dates: a
            .month
            .as_deref()
            .map(|m| Month::parse(m, today).map(Month::range))
            .transpose()?,
    };
    let mut all = report::load_all(desk)?;
    all.retain(|r| filter.matches(r, desk.tz()));
    report::sort_by_visit(&mut all);
    let text = match a.format {
        Format::Json => output::json(&all.iter().map(WithHours::from).collect::<Vec<_>>()),
        Format::Csv => {
            let mut rows = Rows::new(COLUMNS.to_vec());
            for r in &all {
                rows.push(cells(r));
            }
            rows.to_csv()
        }
        Format::Table if all.is_empty() => {
            eprintln!("no reports match");
            String::new()
        }
        Format::Table => {
            let names = customer_names(desk)?;
            let mut rows = Rows::new(vec![
                "id", "date", "engineer", "customer", "type", "ticket", "hours", "outcome",
            ]);
            for r in &all {
                rows.push(vec![
                    r.id.clone(),
                    r.date(desk.tz()).to_string(),
                    r.engineer.clone(),
                    names
                        .get(&r.customer)
                        .cloned()
                        .unwrap_or_else(|| r.customer.clone()),
                    r.service_type.to_string(),
                    r.ticket.clone().unwrap_or_default(),
                    r.hours_on_site().unwrap_or_default(),
                    r.outcome.map(|o| o.to_string()).unwrap_or_default(),
                ]);
            }
            rows.to_table(cx.width())
        }
    };
    cx.print(&text)
}

/// `report list --format csv` columns; `report show --format csv` has one row per column.
pub(crate) const COLUMNS: [&str; 23] = [
    "id",
    "engineer",
    "customer",
    "ticket",
    "service_type",
    "location",
    "departed",
    "arrived",
    "left",
    "returned",
    "hours_on_site",
    "travel",
    "work_done",
    "problems",
    "escalated",
    "escalated_to",
    "parts",
    "cost",
    "signed_by",
    "outcome",
    "satisfaction",
    "created",
    "created_by",
];

/// Every field as CSV cells, in `COLUMNS` order.
pub(crate) fn cells(r: &Report) -> Vec<String> {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let t = |v: &Option<chrono::DateTime<chrono::FixedOffset>>| {
        v.map(|t| t.to_rfc3339()).unwrap_or_default()
    };
    vec![
        r.id.clone(),
        r.engineer.clone(),
        r.customer.clone(),
        s(&r.ticket),
        r.service_type.to_string(),
        s(&r.location),
        t(&r.departed),
        t(&r.arrived),
        t(&r.left),
        t(&r.returned),
        r.hours_on_site().unwrap_or_default(),
        s(&r.travel),
        s(&r.work_done),
        s(&r.problems),
        r.escalated.to_string(),
        s(&r.escalated_to),
        s(&r.parts),
        s(&r.cost),
        s(&r.signed_by),
        r.outcome.map(|o| o.to_string()).unwrap_or_default(),
        r.satisfaction.map(|n| n.to_string()).unwrap_or_default(),
        r.created.to_rfc3339(),
        r.created_by.clone(),
    ]
}

fn show_text(desk: &Desk, r: &Report) -> String {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let time = |v: &Option<chrono::DateTime<chrono::FixedOffset>>| {
        v.map(|t| {
            t.with_timezone(&desk.tz())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
    };
    let engineer = match desk.config.staff(&r.engineer) {
        Some(st) => format!("{} ({})", r.engineer, st.name),
        None => r.engineer.clone(),
    };
    let customer = Id::parse(&r.customer)
        .and_then(|id| customer::load(desk, &id).ok())
        .map(|c| format!("{} ({})", r.customer, c.name))
        .unwrap_or_else(|| r.customer.clone());
    let ticket = r
        .ticket
        .as_deref()
        .map(|t| {
            Id::parse(t)
                .and_then(|id| ticket_store::load(desk, &id).ok())
                .map(|tk| format!("{t} ({})", tk.title))
                .unwrap_or_else(|| t.to_string())
        })
        .unwrap_or_default();
    let escalated = match (r.escalated, &r.escalated_to) {
        (true, Some(to)) => format!("yes, to {to}"),
        (true, None) => "yes".to_string(),
        (false, _) => "no".to_string(),
    };
    output::fields(&[
        ("id", r.id.clone()),
        ("engineer", engineer),
        ("customer", customer),
        ("ticket", ticket),
        (
            "service type",
            format!("{} ({})", r.service_type, r.service_type.zh()),
        ),
        ("location", s(&r.location)),
        ("departed", time(&r.departed)),
        ("arrived", time(&r.arrived)),
        ("left", time(&r.left)),
        ("returned", time(&r.returned)),
        (
            "hours on site",
            r.hours_on_site()
                .map(|h| format!("{h} h"))
                .unwrap_or_default(),
        ),
        ("travel", s(&r.travel)),
        ("work done", s(&r.work_done)),
        ("problems found", s(&r.problems)),
        ("escalated", escalated),
        ("parts", s(&r.parts)),
        ("cost", s(&r.cost)),
        ("signed by", s(&r.signed_by)),
        (
            "outcome",
            r.outcome.map(|o| o.to_string()).unwrap_or_default(),
        ),
        (
            "satisfaction",
            r.satisfaction.map(|n| format!("{n}/5")).unwrap_or_default(),
        ),
        (
            "created",
            format!(
                "{} by {}",
                r.created.with_timezone(&desk.tz()).format("%Y-%m-%d %H:%M"),
                r.created_by
            ),
        ),
    ])
}
