//! `svcdesk report`: field-service reports (现场服务完成情况汇报) and the work log.

mod args;
mod show;

use crate::cli::people::People;
use clap::Subcommand;
use svcdesk::desk::{Desk, Kind};
use svcdesk::ledger::{self, columns, export};
use svcdesk::model::report::{self, NewReport, WithHours};
use svcdesk::model::report_review;
use svcdesk::model::worklog::{self, NewEntry};
use svcdesk::output;
use svcdesk::{Error, Result};

use self::args::{
    AddArgs, EditArgs, ListArgs, LogArgs, RedactArgs, ReviewArgs, ShowArgs, SubmitArgs, WeeklyArgs,
};
use super::output::Format;
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

CSV: field,value rows in the order of `report list --format csv` columns, then its
custom fields as field:NAME.")]
    Show(ShowArgs),
    /// List reports, in visit order (arrival, or else when written).
    #[command(after_help = format!("Examples:
  svcdesk report list --month last --engineer wang
  svcdesk report list --customer K7Q2 --type training --format csv > visits.csv

--month places a report by its arrival on site (or else when it was written) in the
desk's time zone.

{COLUMNS}
(times in RFC 3339, hours_on_site with two decimals, escalated true/false).",
    COLUMNS = export::csv_columns_help(&columns::REPORT)))]
    List(ListArgs),
    /// Send a complete report to review (every field of [reports] required in svcdesk.toml).
    #[command(after_help = "Examples:
  svcdesk --as wang report submit 4D8P

States: draft ─submit─► submitted ─review --approve─► approved; review --reject sends it
back (rejected): edit it and submit again. A submitted or approved report is not edited.
Refused, naming what is missing, while a field of `[reports] required` has no value.")]
    Submit(SubmitArgs),
    /// Approve a submitted report, or send it back with the reason (a role of [reports] reviewers).
    #[command(after_help = "Examples:
  svcdesk --as sun report review 4D8P --approve
  svcdesk --as sun report review 4D8P --reject -m 'no customer signature'

Once the desk lists staff, only the roles of `[reports] reviewers` (default supervisor,
head) review. `report list --state submitted` is what waits for review.")]
    Review(ReviewArgs),
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
            let at = cx.at(&desk, crate::cli::values::at(&a.at))?;
            let mut fields = a.fields.into_fields(&desk)?;
            if a.visit.is_none() || fields.engineer.is_some() {
                fields.engineer = Some(engineer(cx, &desk, fields.engineer)?);
            }
            let message = format!("(by {by})");
            let attachments = a.attach.files(&cx.cwd);
            let new = NewReport {
                fields,
                by,
                at,
                attachments,
                custom: a.custom,
                visit: None,
            };
            let added = match &a.visit {
                Some(v) => report::add_for_visit(&desk, v, new)?,
                None => report::add(&desk, new)?,
            };
            let mut paths = vec![desk.path_of(&added.id)];
            if let Some(v) = &added.report.visit {
                let v = svcdesk::desk::Id::parse(v).expect("a full ID");
                eprintln!("{v}: done (report {})", added.id);
                let visit = svcdesk::model::visit::load(&desk, &v)?;
                super::visit::fire(cx, &desk, &visit);
                paths.push(desk.path_of(&v));
            }
            let stored = added.report.files.iter();
            paths.extend(stored.map(|f| desk.root.join(f.path())));
            cx.changed(&desk, format!("report {}: add {message}", added.id), paths);
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
                at: cx.time(&desk, crate::cli::values::at(&a.at))?,
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
                Format::Csv => show::show_rows(&r).to_csv(),
                Format::Table => show::show_text(&desk, &r, People::new(cx.lang(&desk), &desk)),
            };
            cx.print(&text)?;
        }
        Command::List(a) => show::list(cx, &desk, a)?,
        Command::Submit(a) => {
            let id = desk.resolve(Kind::Report, &a.id)?;
            let by = cx.actor(&desk)?;
            let at = cx.at(&desk, crate::cli::values::at(&a.at))?;
            report_review::submit(&desk, &id, by.clone(), at)?;
            eprintln!("{id}: submitted for review");
            cx.changed(
                &desk,
                format!("report {id}: submit (by {by})"),
                vec![desk.path_of(&id)],
            );
        }
        Command::Review(a) => {
            let id = desk.resolve(Kind::Report, &a.id)?;
            let by = cx.actor(&desk)?;
            let at = cx.at(&desk, crate::cli::values::at(&a.at))?;
            let r =
                report_review::review(&desk, &id, by.clone(), at, a.approve, a.text.as_deref())?;
            eprintln!("{id}: {}", r.state);
            cx.changed(
                &desk,
                format!("report {id}: review {} (by {by})", r.state),
                vec![desk.path_of(&id)],
            );
        }
        Command::Log(a) => {
            let by = cx.actor(&desk)?;
            let when = cx.when(&desk, crate::cli::values::at(&a.at))?;
            let engineer = engineer(cx, &desk, a.engineer)?;
            let date = match a.date {
                Some(d) => d,
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
            let week = a.week.on(today, desk.tz())?;
            let log = worklog::load(&desk, &engineer)?;
            let reports = report::load_all(&desk)?;
            let w = ledger::weekly(
                &engineer,
                week,
                &log.entry,
                &reports,
                &svcdesk::model::customer::names(&desk)?,
                desk.tz(),
            );
            let text = match a.format {
                Format::Json => output::json(&w.to_json()),
                Format::Csv => w.rows(true).to_csv(),
                Format::Table => show::weekly_text(&engineer, week, &w, cx.width()),
            };
            cx.print(&text)?;
        }
    }
    Ok(0)
}
