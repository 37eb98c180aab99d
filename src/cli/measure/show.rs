//! How a measure and a list of measures read on a terminal.

use chrono::NaiveDate;
use svcdesk::desk::Desk;
use svcdesk::model::measure::{self, Measure};
use svcdesk::output::{self, Rows};

fn state_label(m: &Measure, today: NaiveDate) -> String {
    if m.is_overdue(today) {
        "open, OVERDUE".into()
    } else {
        m.state.to_string()
    }
}

/// The terminal view keeps what people scan; CSV and JSON carry everything.
pub(super) fn list_table(all: &[Measure], today: NaiveDate) -> Rows {
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

pub(super) fn show_text(desk: &Desk, m: &Measure, today: NaiveDate) -> String {
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
