//! `svcdesk visit`: site visits (外出服务) from the request (內部請示單) to the report.

mod args;
pub(crate) mod show;

use clap::Subcommand;
use svcdesk::Result;
use svcdesk::desk::{Desk, Id, Kind};
use svcdesk::ledger::columns;
use svcdesk::model::visit::{self, Filter, NewVisit, Visit};
use svcdesk::output::{self, Rows};

use self::args::{
    DecideArgs, EscalateArgs, ExtraArgs, ListArgs, RequestArgs, ScheduleArgs, ShowArgs, StartArgs,
};
use super::Context;
use super::output::Format;
use super::values::at;

pub const VISIT_HELP: &str = "\
Examples:
  svcdesk visit request 9XWM --type problem-handling --scope 'replace the X200 drive board' \\
      --resources 'one engineer, a drive board' --date +2d
  svcdesk --as zhao visit approve V7KQ            # a role of [visits] approvers
  svcdesk visit schedule V7KQ --engineer wang --for '2026-12-05 09:00'
  svcdesk --as wang visit start V7KQ              # arrived on site
  svcdesk --as wang visit escalate V7KQ --to zhao -m 'the frame is cracked, needs a new one'
  svcdesk --as wang visit request-extra V7KQ -m 'also service the second press'
  svcdesk --as zhao visit approve-extra V7KQ      # 報公司批准後執行
  svcdesk --as zhao visit return-approve V7KQ     # 同意後方可返回
  svcdesk --as wang report add --visit V7KQ --work-done 'board replaced' --outcome resolved

States: requested ─approve─► approved ─schedule─► scheduled ─start─► on-site ─report add
--visit─► done; requested ─reject─► rejected (final). `schedule` again moves the
appointment; `escalate` is allowed on site and after. Once the desk lists staff, only
the roles of `[visits] approvers` in svcdesk.toml (default supervisor, head) approve or
reject. The appointment is a timer run: breached when the engineer arrives after it, and
`svcdesk sla check` reports it (exit 2) while nobody has arrived. The escalation from
site is owed within 24 hours of arrival: escalating later records it as breached.
On site, a customer's extra request (`request-extra`) waits for `approve-extra`, one at a
time; with `[visits] return_approval = true` the engineer leaves only after
`return-approve`, and `report add --visit` is refused before it. Both approvals need a
role of `[visits] approvers`.";

/// Site visits (外出服务): request, approval, appointment, arrival, escalation, report.
#[derive(Subcommand)]
pub enum Command {
    /// Ask for a site visit for a ticket (內部請示單): service type, scope, resources, date.
    #[command(after_help = "Examples:
  svcdesk visit request 9XWM --type problem-handling --scope 'replace the drive board' --date +2d
  svcdesk visit request 9XWM --type training --scope 'train 6 operators' \\
      --resources 'two engineers, the training kit' --date 2026-12-10

The customer is the ticket's. The date is YYYY-MM-DD or +3d / +1w from today. Prints the
new ID (V…) on stdout; the request then waits for `visit approve` or `visit reject`.")]
    Request(RequestArgs),
    /// Approve a visit request (a role of [visits] approvers).
    #[command(after_help = "Examples:
  svcdesk --as zhao visit approve V7KQ
  svcdesk --as zhao visit approve V7KQ -m 'take the spare board from stock'")]
    Approve(DecideArgs),
    /// Refuse a visit request, with the reason (a role of [visits] approvers).
    #[command(after_help = "Examples:
  svcdesk --as zhao visit reject V7KQ -m 'solve it by phone first'

A rejected request is final; ask again with a new `visit request`.")]
    Reject(DecideArgs),
    /// Make (or move) the appointment: the engineer who goes and when they are to arrive.
    #[command(after_help = "Examples:
  svcdesk visit schedule V7KQ --engineer wang --for '2026-12-05 09:00'

--for is the appointment (desk time); --at, as everywhere, is when this step was taken.
The appointment is a timer run: met when `visit start` comes at or before it.")]
    Schedule(ScheduleArgs),
    /// The engineer arrived on site: starts the 24-hour escalation window.
    #[command(after_help = "Examples:
  svcdesk --as wang visit start V7KQ
  svcdesk --as wang visit start V7KQ --at '2026-12-05 09:20'")]
    Start(StartArgs),
    /// Report a problem found on site back to the company (due within 24 h of arrival).
    #[command(after_help = "Examples:
  svcdesk --as wang visit escalate V7KQ --to zhao -m 'the frame is cracked'

--to (who was told) and -m (what was found) are required. An escalation more than 24
hours after arrival is recorded, and the site-escalation run is breached.")]
    Escalate(EscalateArgs),
    /// Let the engineer leave site (「同意後方可返回」; a role of [visits] approvers).
    #[command(after_help = "Examples:
  svcdesk --as zhao visit return-approve V7KQ
  svcdesk --as zhao visit return-approve V7KQ -m 'customer signed, come back'

With `[visits] return_approval = true` in svcdesk.toml, `report add --visit` (the engineer
leaving, the visit done) is refused until this step stands.")]
    ReturnApprove(DecideArgs),
    /// Record an extra request the customer made on site; it waits for approve-extra.
    #[command(
        name = "request-extra",
        after_help = "Examples:
  svcdesk --as wang visit request-extra V7KQ -m 'also service the second press'

Carried out only after `visit approve-extra` (「報公司批准後執行」); one request waits at a time."
    )]
    RequestExtra(ExtraArgs),
    /// Approve the customer's extra request on site (a role of [visits] approvers).
    #[command(
        name = "approve-extra",
        after_help = "Examples:
  svcdesk --as zhao visit approve-extra V7KQ -m 'ok, bill it separately'"
    )]
    ApproveExtra(DecideArgs),
    /// Show one visit: its fields, its timer runs and its history.
    #[command(after_help = "Examples:
  svcdesk visit show V7KQ
  svcdesk visit show V7KQ --format json")]
    Show(ShowArgs),
    /// List visits by ID (date requested), filtered.
    #[command(after_help = format!("Examples:
  svcdesk visit list --state requested            # waiting for a decision
  svcdesk visit list --state scheduled --engineer wang
  svcdesk visit list --format csv

{COLUMNS}",
    COLUMNS = columns::wrapped("CSV columns: ", &columns::names(&columns::VISIT), "", svcdesk::ledger::export::HELP_WIDTH)))]
    List(ListArgs),
}

pub fn exec(cx: &mut Context, cmd: Command) -> Result<u8> {
    let desk = cx.desk()?;
    match cmd {
        Command::Request(a) => {
            let by = cx.actor(&desk)?;
            let now = cx.at(&desk, at(&a.at))?;
            let today = desk.local(cx.time(&desk, None)?).date_naive();
            let added = visit::request(
                &desk,
                NewVisit {
                    ticket: a.ticket,
                    service_type: a.service_type,
                    scope: a.scope,
                    resources: a.resources,
                    date: a.date.on(today, desk.tz())?,
                    by: by.clone(),
                    at: now,
                },
            )?;
            fire(cx, &desk, &added.visit);
            cx.changed(
                &desk,
                format!("visit {}: request (by {by})", added.id),
                vec![added.path.clone()],
            );
            cx.print(&format!("{}\n", added.id))?;
        }
        Command::Approve(a) => drop(step(
            cx,
            &desk,
            &a.id,
            "approve",
            at(&a.at),
            |by, when, id| visit::approve(&desk, id, by, when, a.text.as_deref()),
        )?),
        Command::Reject(a) => drop(step(
            cx,
            &desk,
            &a.id,
            "reject",
            at(&a.at),
            |by, when, id| {
                visit::reject(&desk, id, by, when, a.text.as_deref().unwrap_or_default())
            },
        )?),
        Command::Schedule(a) => {
            let appointment = cx.time(&desk, Some(a.appointment.as_str()))?;
            step(cx, &desk, &a.id, "schedule", at(&a.at), |by, when, id| {
                visit::schedule(&desk, id, by, when, &a.engineer, appointment)
            })?;
        }
        Command::Start(a) => drop(step(
            cx,
            &desk,
            &a.id,
            "start",
            at(&a.at),
            |by, when, id| visit::start(&desk, id, by, when, a.text.as_deref()),
        )?),
        Command::Escalate(a) => {
            let v = step(cx, &desk, &a.id, "escalate", at(&a.at), |by, when, id| {
                visit::escalate(&desk, id, by, when, &a.to, &a.text)
            })?;
            let last = v.escalations().last().map(|e| e.at);
            if let (Some(arrived), Some(at)) = (v.arrived, last)
                && at - arrived > chrono::Duration::hours(visit::ESCALATE_WITHIN_HOURS)
            {
                super::warn(&format!(
                    "{}: escalated {} after arrival, later than the {} hours owed: the site-escalation run is breached",
                    v.id,
                    svcdesk::sla::view::wall(at - arrived),
                    visit::ESCALATE_WITHIN_HOURS
                ));
            }
        }
        Command::ReturnApprove(a) => drop(step(
            cx,
            &desk,
            &a.id,
            "return-approve",
            at(&a.at),
            |by, when, id| visit::return_approve(&desk, id, by, when, a.text.as_deref()),
        )?),
        Command::RequestExtra(a) => drop(step(
            cx,
            &desk,
            &a.id,
            "request-extra",
            at(&a.at),
            |by, when, id| visit::request_extra(&desk, id, by, when, &a.text),
        )?),
        Command::ApproveExtra(a) => drop(step(
            cx,
            &desk,
            &a.id,
            "approve-extra",
            at(&a.at),
            |by, when, id| visit::approve_extra(&desk, id, by, when, a.text.as_deref()),
        )?),
        Command::Show(a) => {
            let id = desk.resolve(Kind::Visit, &a.id)?;
            let v = visit::load(&desk, &id)?;
            let now = cx.time(&desk, None)?;
            let text = match a.format {
                Format::Json => output::json(&show::Json::new(&v, now)),
                Format::Csv => {
                    let mut rows = Rows::new(vec!["field", "value"]);
                    for c in &columns::VISIT {
                        rows.push(vec![c.name.to_string(), (c.cell)(&v)]);
                    }
                    rows.to_csv()
                }
                Format::Table => show::show_text(&desk, &v, now),
            };
            cx.print(&text)?;
        }
        Command::List(a) => {
            let filter = Filter {
                state: a.state,
                engineer: a.engineer,
                ticket: a
                    .ticket
                    .map(|t| desk.resolve(Kind::Ticket, &t).map(|i| i.to_string()))
                    .transpose()?,
            };
            let all: Vec<Visit> = visit::load_all(&desk)?
                .into_iter()
                .filter(|v| filter.matches(v))
                .collect();
            let text = match a.format {
                Format::Json => output::json(&all),
                Format::Csv => columns::rows(&columns::VISIT, &all).to_csv(),
                Format::Table if all.is_empty() => String::new(),
                Format::Table => super::people::People::new(cx.lang(&desk), &desk)
                    .table(show::list_table(&desk, &all))
                    .to_table(cx.width()),
            };
            cx.print(&text)?;
            if all.is_empty() && a.format == Format::Table {
                eprintln!("no visits match");
            }
        }
    }
    Ok(0)
}

/// One step on a visit: resolve the ID, who and when, take it, say so, commit.
fn step(
    cx: &mut Context,
    desk: &Desk,
    id: &str,
    what: &str,
    at: Option<&str>,
    f: impl FnOnce(String, svcdesk::desk::When, &Id) -> Result<Visit>,
) -> Result<Visit> {
    let id = desk.resolve(Kind::Visit, id)?;
    let by = cx.actor(desk)?;
    let when = cx.when(desk, at)?;
    let v = f(by.clone(), when, &id)?;
    eprintln!("{id}: {what} ({})", v.state);
    fire(cx, desk, &v);
    cx.changed(
        desk,
        format!("visit {id}: {what} (by {by})"),
        vec![desk.path_of(&id)],
    );
    Ok(v)
}

/// The hooks on the visit's last step (`visit-request`, `visit-approve`, ...).
pub(crate) fn fire(cx: &mut Context, desk: &Desk, v: &Visit) {
    if let Some(e) = v.event.last() {
        let at = e.at.to_rfc3339();
        cx.fire(desk, svcdesk::hooks::HookEvent::visit(desk, v, &e.by, &at));
    }
}
