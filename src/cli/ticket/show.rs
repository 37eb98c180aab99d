//! `svcdesk ticket show`: fields, SLA timers and the timeline, or CSV / JSON.

use chrono::{DateTime, FixedOffset, Utc};
use svcdesk::Result;
use svcdesk::desk::{Desk, Id, Kind};
use svcdesk::model::customer;
use svcdesk::model::steps::{self, FromMerged};
use svcdesk::model::ticket::{Action, Event, Ticket, Visibility};
use svcdesk::model::ticket_store;
use svcdesk::output::{self, Rows};

use crate::cli::output::{self as cli_output, Format};
use svcdesk::sla::{TimerStatus, view};

use crate::cli::Context;

#[derive(clap::Args)]
pub struct ShowArgs {
    /// Ticket ID or unique abbreviation.
    id: String,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(super) fn exec(cx: &mut Context, desk: &Desk, a: ShowArgs) -> Result<u8> {
    let id = desk.resolve(Kind::Ticket, &a.id)?;
    let t = ticket_store::load(desk, &id)?;
    let policy = desk.config.policy()?;
    let now = cx.time(desk, None)?;
    let runs = [policy.evaluate(&t, now)];
    let text = match a.format {
        Format::Json => {
            let mut v = with_runs(desk, &t, &runs[0]);
            v["merged_events"] = merged_json(&steps::merged_events(desk, &t)?);
            output::json(&v)
        }
        Format::Csv => show_rows(desk, &t, &runs, &steps::merged_events(desk, &t)?).to_csv(),
        Format::Table => {
            let visits = svcdesk::model::report::for_ticket(desk, &t.id)?;
            let merged = steps::merged_events(desk, &t)?;
            let mut text = show_text(desk, &t, &visits, &merged);
            text.push_str(&sla_text(desk, &runs[0]));
            text
        }
    };
    cx.print(&text)?;
    Ok(0)
}

/// `show --format csv`: field,value pairs, as `customer show` and `report show` give:
/// the columns of `ticket list --sla` (one wide row there), then the history as
/// event.N.at (RFC 3339), event.N.by, event.N.action and event.N.text; then the events
/// of the tickets merged into it as merged.N.origin, .number, .at, .by, .action, .text.
fn show_rows(desk: &Desk, t: &Ticket, runs: &[Vec<TimerStatus>], merged: &[FromMerged]) -> Rows {
    let wide = with_next_due(
        desk,
        super::list::list_rows(std::slice::from_ref(t)),
        runs,
        false,
    );
    let mut rows = Rows::new(vec!["field", "value"]);
    for (k, v) in wide.columns.iter().zip(&wide.rows[0]) {
        rows.push(vec![k.to_string(), v.clone()]);
    }
    for (k, v) in &t.fields {
        rows.push(vec![format!("field:{k}"), v.clone()]);
    }
    for (i, e) in t.event.iter().enumerate() {
        let n = i + 1;
        for (k, v) in [
            ("at", e.at.to_rfc3339()),
            ("by", e.by.clone()),
            (
                "action",
                e.action.map(|a| a.as_str()).unwrap_or_default().to_string(),
            ),
            ("text", e.text.clone().unwrap_or_default()),
        ] {
            rows.push(vec![format!("event.{n}.{k}"), v]);
        }
    }
    for (i, m) in merged.iter().enumerate() {
        let (e, n) = (&m.event, i + 1);
        let action = e.action.map(|a| a.as_str()).unwrap_or_default();
        for (k, v) in [
            ("origin", m.origin.clone()),
            ("number", m.number.to_string()),
            ("at", e.at.to_rfc3339()),
            ("by", e.by.clone()),
            ("action", action.to_string()),
            (
                "text",
                e.text.clone().or(e.description.clone()).unwrap_or_default(),
            ),
        ] {
            rows.push(vec![format!("merged.{n}.{k}"), v]);
        }
    }
    rows
}

/// The events of the tickets merged into this one, each with its `origin` ticket and
/// its `number` there.
fn merged_json(merged: &[FromMerged]) -> serde_json::Value {
    merged
        .iter()
        .map(|m| {
            let mut v = serde_json::to_value(&m.event).expect("an event serialises");
            v["origin"] = m.origin.clone().into();
            v["number"] = m.number.into();
            v
        })
        .collect()
}

/// One line per event: what happened, in words.
fn describe(e: &Event) -> String {
    if e.action == Some(Action::Set) {
        let why = e
            .reason
            .as_ref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        let by = e
            .entered_by
            .as_ref()
            .map(|w| format!(" (entered by {w})"))
            .unwrap_or_default();
        return format!("{}{why}{by}", super::set::change(e)).replace('\n', " ");
    }
    let mut parts: Vec<String> = Vec::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            parts.push(if k.is_empty() { v } else { format!("{k}: {v}") });
        }
    };
    put("", e.title.clone());
    put("grade", e.grade.map(|g| g.to_string()));
    put("department", e.department.clone());
    put("to", e.assignee.clone());
    put("channel", e.channel.map(|c| c.to_string()));
    put("cause", e.cause.clone());
    put("cause code", e.cause_code.clone());
    put("responsibility", e.responsibility.clone());
    put("need", e.need.clone());
    put("due", e.due.map(|d| d.to_string()));
    put("request", e.request.map(|n| format!("#{n}")));
    put("", e.text.clone());
    put("parts", e.parts.clone());
    put("efficiency", e.efficiency.map(|n| n.to_string()));
    put("attitude", e.attitude.map(|n| n.to_string()));
    put("result", e.result.map(|n| n.to_string()));
    put("satisfaction", e.satisfaction.map(|n| n.to_string()));
    put(
        "",
        e.link
            .map(|k| format!("{k} {}", e.ticket.clone().unwrap_or_default())),
    );
    put(
        "",
        e.amount.as_ref().map(|a| {
            format!(
                "{a} {} {}",
                e.currency.clone().unwrap_or_default(),
                e.comp_kind.map(|k| k.to_string()).unwrap_or_default()
            )
        }),
    );
    put("", e.ticket.clone().filter(|_| e.link.is_none()));
    put("timer", e.timer.clone());
    put("items", e.items.clone());
    put("carrier", e.carrier.clone());
    put("tracking", e.tracking.clone());
    put("to", e.address.clone());
    put("lead", e.lead.clone());
    put("legal review", e.verdict.map(|v| v.to_string()));
    put("exception", e.exception.clone());
    let remote = if e.remote { " (remote customer)" } else { "" };
    put("", e.goods.then(|| format!("goods to ship{remote}")));
    put(
        "redacted",
        e.redacts
            .map(|n| format!("event {n} {}", e.field.clone().unwrap_or_default())),
    );
    put("reason", e.reason.clone());
    let names: Vec<&str> = e.files.iter().map(|f| f.name.as_str()).collect();
    put("attached", Some(names.join(", ")));
    put("template", e.template.clone());
    if e.on_call {
        parts.push("on the call".into());
    }
    if e.visibility == Some(Visibility::Customer) {
        parts.push("(told to the customer)".into());
    }
    let text = parts.join("; ").replace('\n', " ");
    match &e.entered_by {
        Some(who) if text.is_empty() => format!("(entered by {who})"),
        Some(who) => format!("{text} (entered by {who})"),
        None => text,
    }
}

/// The SLA section of `ticket show`: every run of every timer that applies, with its
/// deadline. A timer that ran more than once shows its runs as `resolve #1`, `#2`.
fn sla_text(desk: &Desk, statuses: &[TimerStatus]) -> String {
    if statuses.is_empty() {
        return String::new();
    }
    let mut out = String::from("\nSLA:\n");
    for s in statuses {
        let when = |t: DateTime<Utc>| desk.local(t).format("%Y-%m-%d %H:%M").to_string();
        let detail = match s.stopped {
            Some(stop) => format!("ended {}", when(stop)),
            None if s.remaining < chrono::Duration::zero() => {
                format!("{} overdue", view::remaining(s).trim_start_matches('-'))
            }
            None => format!("{} left", view::remaining(s)),
        };
        let several = statuses.iter().any(|x| x.timer == s.timer && x.run > 1);
        let name = if several {
            format!("{} #{}", s.timer, s.run)
        } else {
            s.timer.clone()
        };
        out.push_str(&format!(
            "  {:20} {:9} {:>5} ({:3})  due {}  {}\n",
            name,
            s.state.as_str(),
            s.target,
            s.basis,
            when(s.due),
            detail
        ));
    }
    out
}

/// A ticket as JSON with its timer runs under `sla`.
pub(super) fn with_runs(desk: &Desk, t: &Ticket, runs: &[TimerStatus]) -> serde_json::Value {
    let mut v = serde_json::to_value(t).expect("a ticket serialises");
    v["sla"] = runs.iter().map(|s| view::json(s, desk.tz())).collect();
    v
}

/// `--sla`: each row gains the run still going that is due first.
pub(super) fn with_next_due(
    desk: &Desk,
    mut rows: Rows,
    runs: &[Vec<TimerStatus>],
    for_people: bool,
) -> Rows {
    rows.columns.extend([
        "sla_timer",
        "sla_run",
        "sla_due",
        "sla_state",
        if for_people {
            "sla_remaining"
        } else {
            "sla_remaining_minutes"
        },
        "sla_remaining_unit",
    ]);
    for (row, runs) in rows.rows.iter_mut().zip(runs) {
        match view::next_due(runs) {
            Some(s) => {
                let c = view::cells(s, desk.tz(), for_people);
                // timer, run, due, outcome, remaining, unit
                row.extend([0, 1, 5, 7, 9, 10].map(|i| c[i].clone()));
            }
            None => row.extend(std::iter::repeat_n(String::new(), 6)),
        }
    }
    rows
}

fn show_text(
    desk: &Desk,
    t: &Ticket,
    visits: &[svcdesk::model::report::Report],
    merged: &[FromMerged],
) -> String {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let time = |v: &Option<DateTime<FixedOffset>>| {
        v.map(|t| {
            t.with_timezone(&desk.tz())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
    };
    let customer_name = t
        .customer
        .as_deref()
        .and_then(Id::parse)
        .and_then(|id| customer::load(desk, &id).ok())
        .map(|c| format!("{} ({})", t.customer.clone().unwrap_or_default(), c.name))
        .unwrap_or_else(|| s(&t.customer));
    let mut out = output::fields(&[
        ("id", t.id.clone()),
        ("title", t.title.clone()),
        ("state", t.state().to_string()),
        ("grade", t.grade.map(|g| g.to_string()).unwrap_or_default()),
        (
            "priority",
            t.priority.map(|p| p.to_string()).unwrap_or_default(),
        ),
        ("category", s(&t.category)),
        (
            "complaint kind",
            t.complaint_kind.map(|c| c.to_string()).unwrap_or_default(),
        ),
        (
            "channel",
            t.channel.map(|c| c.to_string()).unwrap_or_default(),
        ),
        ("customer", customer_name),
        ("contact", s(&t.contact)),
        ("department", s(&t.department)),
        ("assignee", s(&t.assignee)),
        ("lead", s(&t.lead)),
        ("product", s(&t.product)),
        ("serial", s(&t.serial)),
        (
            "purchase date",
            t.purchase_date.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("voucher", s(&t.voucher)),
        ("submitter", s(&t.submitter)),
        ("transferred by", s(&t.transferred_by)),
        ("tags", t.tags.join(", ")),
        ("links", t.links.join(", ")),
        ("opened", time(&t.opened)),
        ("accepted", time(&t.accepted)),
        ("responded", time(&t.responded)),
        ("resolved", time(&t.resolved)),
        ("closed", time(&t.closed)),
        ("cause", s(&t.cause)),
        ("responsibility", s(&t.responsibility)),
        ("plan", s(&t.plan)),
        ("resolution", s(&t.resolution)),
        (
            "satisfaction",
            t.satisfaction.map(|n| format!("{n}/5")).unwrap_or_default(),
        ),
        (
            "reopened",
            if t.reopened > 0 {
                t.reopened.to_string()
            } else {
                String::new()
            },
        ),
        (
            "compensation",
            t.compensation
                .map(|c| {
                    format!(
                        "{c}: {} {} {}",
                        s(&t.compensation_amount),
                        s(&t.compensation_currency),
                        t.compensation_kind
                            .map(|k| k.to_string())
                            .unwrap_or_default()
                    )
                })
                .unwrap_or_default(),
        ),
        ("comp exception", s(&t.compensation_exception)),
        (
            "legal review",
            t.legal_review.map(|v| v.to_string()).unwrap_or_default(),
        ),
        ("shipped", time(&t.shipped)),
        ("delivered", time(&t.delivered)),
    ]);
    out.push_str(&cli_output::custom_fields(
        desk,
        svcdesk::config::fields::FieldRecord::Ticket,
        &t.fields,
    ));
    out.push_str("\nDescription:\n");
    for l in t.description.lines() {
        out.push_str(&format!("  {l}\n"));
    }
    out.push_str(&attachments_text(t));
    out.push_str("\nTimeline:\n");
    // Events and linked field visits, merged by time (a visit after events at the same
    // minute). Each event has its number in the history: what `split --events` takes and
    // `show --format csv` calls event.N.
    let mut lines: Vec<(DateTime<FixedOffset>, String, String, &str, String)> = t
        .event
        .iter()
        .enumerate()
        .map(|(i, e)| {
            (
                e.at,
                format!("#{}", i + 1),
                e.by.clone(),
                e.action.map(|a| a.as_str()).unwrap_or("?"),
                describe(e),
            )
        })
        .collect();
    for r in visits {
        lines.push((
            r.when(),
            String::new(),
            r.engineer.clone(),
            "field-visit",
            r.summary(),
        ));
    }
    // The events of the tickets merged into this one, read from them, tagged with where
    // they were recorded.
    for m in merged {
        let e = &m.event;
        lines.push((
            e.at,
            String::new(),
            e.by.clone(),
            e.action.map(|a| a.as_str()).unwrap_or("?"),
            format!("[{} #{}] {}", m.origin, m.number, describe(e)),
        ));
    }
    lines.sort_by_key(|l| l.0);
    let width = lines.iter().map(|l| l.2.chars().count()).max().unwrap_or(0);
    let nw = lines.iter().map(|l| l.1.len()).max().unwrap_or(0);
    for (at, n, by, action, text) in &lines {
        out.push_str(&format!(
            "  {n:nw$}  {}  {by:width$}  {action:13} {text}\n",
            at.with_timezone(&desk.tz()).format("%Y-%m-%d %H:%M"),
        ));
    }
    out
}

/// Every attached file, in history order: name, size and where it is in the desk (paths
/// older svcdesk recorded, as they were written). Empty when there are none.
fn attachments_text(t: &Ticket) -> String {
    let mut rows: Vec<[String; 3]> = Vec::new();
    for e in &t.event {
        rows.extend(e.attachments.iter().map(|p| {
            let name = p.rsplit(['/', '\\']).next().unwrap_or(p);
            [name.to_string(), String::new(), p.clone()]
        }));
        rows.extend(e.files.iter().map(cli_output::attachment_row));
    }
    cli_output::attachments(&rows)
}
