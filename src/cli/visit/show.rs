//! How a visit and a list of visits read on a terminal, and a visit as JSON.

use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;
use svcdesk::desk::Desk;
use svcdesk::model::visit::{Action, Visit};
use svcdesk::output::{self, Rows};
use svcdesk::sla::{TimerStatus, view, visit as timers};

/// `visit show --format json`: the record and its timer runs.
#[derive(Serialize)]
pub(super) struct Json<'a> {
    #[serde(flatten)]
    visit: &'a Visit,
    timers: Vec<serde_json::Value>,
}

impl<'a> Json<'a> {
    pub(super) fn new(visit: &'a Visit, now: DateTime<Utc>) -> Self {
        let timers = timers::evaluate(visit, now)
            .iter()
            .map(|s| {
                serde_json::json!({
                    "timer": s.timer,
                    "run": s.run,
                    "target": s.target,
                    "started": s.started.to_rfc3339(),
                    "due": s.due.to_rfc3339(),
                    "stopped": s.stopped.map(|t| t.to_rfc3339()),
                    "outcome": s.state.as_str(),
                    "remaining_minutes": s.remaining.num_minutes(),
                })
            })
            .collect();
        Json { visit, timers }
    }
}

fn local(desk: &Desk, t: DateTime<FixedOffset>) -> String {
    t.with_timezone(&desk.tz())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

pub(super) fn list_table(desk: &Desk, all: &[Visit]) -> Rows {
    let mut rows = Rows::new(vec![
        "id",
        "state",
        "date",
        "ticket",
        "service_type",
        "engineer",
        "appointment",
        "scope",
    ]);
    for v in all {
        rows.push(vec![
            v.id.clone(),
            v.state.to_string(),
            v.date.to_string(),
            // A planned visit has no ticket: its schedule (S…) stands in.
            v.ticket
                .clone()
                .or_else(|| v.schedule.clone())
                .unwrap_or_default(),
            v.service_type.to_string(),
            v.engineer.clone().unwrap_or_default(),
            v.appointment.map(|t| local(desk, t)).unwrap_or_default(),
            v.scope.clone(),
        ]);
    }
    rows
}

/// The "Visits" section `ticket show` and `customer show` end with: id, state, service
/// type, engineer, appointment. Empty when there are none.
pub(crate) fn section(
    desk: &Desk,
    all: &[Visit],
    width: Option<u16>,
    p: crate::cli::people::People,
) -> String {
    if all.is_empty() {
        return String::new();
    }
    let mut rows = Rows::new(vec![
        "id",
        "state",
        "service_type",
        "engineer",
        "appointment",
    ]);
    for v in all {
        rows.push(vec![
            v.id.clone(),
            svcdesk::i18n::word(p.lang, v.state),
            svcdesk::i18n::word(p.lang, v.service_type),
            v.engineer
                .as_deref()
                .map(|e| p.staff(e))
                .unwrap_or_default(),
            v.appointment.map(|t| local(desk, t)).unwrap_or_default(),
        ]);
    }
    format!(
        "\n{}\n{}",
        p.tr("show-visits"),
        p.table(rows).to_table(width)
    )
}

fn run_line(desk: &Desk, s: &TimerStatus) -> String {
    let t = |x: DateTime<Utc>| local(desk, x.fixed_offset());
    let end = match s.stopped {
        Some(x) => format!(", ended {}", t(x)),
        None => format!(", {} left", view::remaining(s)),
    };
    format!(
        "{} #{}: {} (due {}{end})",
        s.timer,
        s.run,
        s.state.as_str(),
        t(s.due)
    )
}

pub(super) fn show_text(desk: &Desk, v: &Visit, now: DateTime<Utc>) -> String {
    let s = |x: &Option<String>| x.clone().unwrap_or_default();
    let t = |x: Option<DateTime<FixedOffset>>| x.map(|x| local(desk, x)).unwrap_or_default();
    let mut out = output::fields(&[
        ("id", v.id.clone()),
        ("state", v.state.to_string()),
        ("ticket", s(&v.ticket)),
        ("schedule", s(&v.schedule)),
        ("customer", v.customer.clone()),
        ("service type", v.service_type.to_string()),
        ("scope", v.scope.clone()),
        ("resources", s(&v.resources)),
        ("date wanted", v.date.to_string()),
        (
            "requested",
            format!("{} by {}", local(desk, v.requested), v.requested_by),
        ),
        ("decided by", s(&v.decided_by)),
        ("engineer", s(&v.engineer)),
        ("appointment", t(v.appointment)),
        ("arrived", t(v.arrived)),
        (
            "escalated",
            match (&v.escalated, &v.escalated_to) {
                (Some(x), Some(to)) => format!("{} to {to}", local(desk, *x)),
                _ => String::new(),
            },
        ),
        ("report", s(&v.report)),
        (
            "may leave",
            v.return_approved_by
                .as_ref()
                .map(|w| format!("approved by {w}"))
                .unwrap_or_default(),
        ),
        (
            "extra asked",
            v.pending_extra()
                .map(|e| format!("{} (waits for approve-extra)", s(&e.text)))
                .unwrap_or_default(),
        ),
    ]);
    let runs = timers::evaluate(v, now);
    if !runs.is_empty() {
        out.push_str("\nTimers:\n");
        for r in &runs {
            out.push_str(&format!("  {}\n", run_line(desk, r)));
        }
    }
    out.push_str("\nHistory:\n");
    let width = v
        .event
        .iter()
        .map(|e| e.by.chars().count())
        .max()
        .unwrap_or(0);
    for e in &v.event {
        let text = match e.action {
            Action::Request => format!(
                "{}: {}, wanted {}",
                e.service_type.map(|x| x.to_string()).unwrap_or_default(),
                s(&e.scope),
                e.date.map(|d| d.to_string()).unwrap_or_default()
            ),
            Action::Schedule => format!("{} for {}", s(&e.engineer), t(e.appointment)),
            Action::Escalate => format!("to {}: {}", s(&e.to), s(&e.text)),
            Action::Complete => format!("report {}", s(&e.report)),
            _ => s(&e.text),
        };
        out.push_str(&format!(
            "  {}  {:width$}  {:9} {}\n",
            local(desk, e.at),
            e.by,
            e.action.as_str(),
            text
        ));
    }
    out
}
