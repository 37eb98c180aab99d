//! `svcdesk ticket show`: fields, SLA timers and the timeline, or CSV / JSON.

use chrono::{DateTime, FixedOffset};
use svcdesk::Result;
use svcdesk::desk::{Desk, Id, Kind};
use svcdesk::model::customer;
use svcdesk::model::steps::{self, FromMerged};
use svcdesk::model::ticket::{Event, Ticket};
use svcdesk::model::ticket_store;
use svcdesk::output::{self, Rows};

use crate::cli::output::{self as cli_output, Format};
use svcdesk::sla::{TimerStatus, view};

use super::describe::{describe, pad, sla_text};
use crate::cli::Context;
use crate::cli::people::People;
use svcdesk::i18n;

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
            let p = People::new(cx.lang(desk), desk);
            let mut text = show_text(desk, &t, &visits, &merged, p);
            text.push_str(&sla_text(desk, &runs[0], p));
            text.push_str(&crate::cli::visit::show::section(
                desk,
                &svcdesk::model::visit::for_ticket(desk, &t.id)?,
                cx.width(),
                p,
            ));
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
    rows.columns.extend(sla_columns(for_people));
    for (row, runs) in rows.rows.iter_mut().zip(runs) {
        row.extend(next_due_cells(desk, runs, for_people));
    }
    rows
}

/// The columns [`next_due_cells`] fills.
pub(super) fn sla_columns(for_people: bool) -> [&'static str; 6] {
    [
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
    ]
}

/// One ticket's `--sla` cells: its run still going that is due first, or nothing.
pub(super) fn next_due_cells(desk: &Desk, runs: &[TimerStatus], for_people: bool) -> [String; 6] {
    match view::next_due(runs) {
        Some(s) => {
            let c = view::cells(s, desk.tz(), for_people);
            // timer, run, due, outcome, remaining, unit
            [0, 1, 5, 7, 9, 10].map(|i| c[i].clone())
        }
        None => Default::default(),
    }
}

/// Where the head's review stands: the last verdict, and what the gated step waits for.
fn review_text(desk: &Desk, t: &Ticket, p: People) -> String {
    let cfg = &desk.config;
    let rule = steps::review_rule(cfg.review.as_ref(), t);
    let before = rule.map_or(svcdesk::model::ticket::Action::Resolve, |r| r.before());
    let step = i18n::word(p.lang, before);
    let last = match rule {
        Some(_) => steps::review_standing(t, before),
        None => (t.event.iter().rev())
            .find(|e| e.action == Some(svcdesk::model::ticket::Action::Review)),
    };
    let said = last.map(|e| {
        let verdict = e.verdict.map(|v| i18n::word(p.lang, v)).unwrap_or_default();
        let at = e.at.format("%Y-%m-%d %H:%M").to_string();
        let by = p.staff(&e.by);
        i18n::tr_args(
            p.lang,
            "show-review-by",
            &[("verdict", &verdict), ("by", &by), ("at", &at)],
        )
    });
    if rule.is_none() || !steps::review_pending(rule, t) {
        return said.unwrap_or_default();
    }
    let who: Vec<String> = steps::reviewers(cfg, t)
        .iter()
        .map(|s| p.staff(s))
        .collect();
    let waits = i18n::tr_args(
        p.lang,
        "show-review-pending",
        &[("step", &step), ("who", &who.join(", "))],
    );
    match said {
        Some(s) => format!("{s}; {waits}"),
        None => waits,
    }
}

fn show_text(
    desk: &Desk,
    t: &Ticket,
    visits: &[svcdesk::model::report::Report],
    merged: &[FromMerged],
    p: People,
) -> String {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let w = |c: &str, v: Option<String>| p.cell(c, &v.unwrap_or_default());
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
    let pairs = [
        ("id", t.id.clone()),
        ("title", t.title.clone()),
        ("state", p.state(t.state().as_str())),
        ("grade", w("grade", t.grade.map(|g| g.to_string()))),
        ("priority", w("priority", t.priority.map(|p| p.to_string()))),
        ("category", w("category", t.category.clone())),
        (
            "complaint kind",
            w("complaint_kind", t.complaint_kind.map(|c| c.to_string())),
        ),
        ("channel", w("channel", t.channel.map(|c| c.to_string()))),
        ("customer", customer_name),
        ("tier", t.tier().unwrap_or_default().to_string()),
        ("contact", s(&t.contact)),
        ("department", w("department", t.department.clone())),
        ("assignee", w("assignee", t.assignee.clone())),
        ("lead", w("assignee", t.lead.clone())),
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
                        "{}: {} {} {}",
                        w("compensation", Some(c.to_string())),
                        s(&t.compensation_amount),
                        s(&t.compensation_currency),
                        w(
                            "compensation_kind",
                            t.compensation_kind.map(|k| k.to_string())
                        ),
                    )
                })
                .unwrap_or_default(),
        ),
        ("comp exception", s(&t.compensation_exception)),
        (
            "legal review",
            w("verdict", t.legal_review.map(|v| v.to_string())),
        ),
        ("review", review_text(desk, t, p)),
        ("shipped", time(&t.shipped)),
        ("delivered", time(&t.delivered)),
    ];
    let pairs: Vec<(String, String)> = pairs.into_iter().map(|(k, v)| (p.label(k), v)).collect();
    let pairs: Vec<(&str, String)> = pairs.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let mut out = output::fields(&pairs);
    out.push_str(&cli_output::custom_fields(
        desk,
        svcdesk::config::fields::FieldRecord::Ticket,
        &t.fields,
        p.lang,
    ));
    out.push_str(&format!("\n{}:\n", p.tr("show-description")));
    for l in t.description.lines() {
        out.push_str(&format!("  {l}\n"));
    }
    out.push_str(&attachments_text(t));
    out.push_str(&format!("\n{}:\n", p.tr("show-timeline")));
    // Events and linked field visits, merged by time (a visit after events at the same
    // minute). Each event has its number in the history: what `split --events` takes and
    // `show --format csv` calls event.N.
    let action = |e: &Event| e.action.map_or("?".into(), |a| i18n::word(p.lang, a));
    let mut lines: Vec<(DateTime<FixedOffset>, String, String, String, String)> = t
        .event
        .iter()
        .enumerate()
        .map(|(i, e)| {
            (
                e.at,
                format!("#{}", i + 1),
                p.staff(&e.by),
                action(e),
                describe(e, p),
            )
        })
        .collect();
    for r in visits {
        let visit = p.tr("show-field-visit");
        lines.push((
            r.when(),
            String::new(),
            p.staff(&r.engineer),
            visit,
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
            p.staff(&e.by),
            action(e),
            format!("[{} #{}] {}", m.origin, m.number, describe(e, p)),
        ));
    }
    lines.sort_by_key(|l| l.0);
    use unicode_width::UnicodeWidthStr;
    let width = lines.iter().map(|l| l.2.width()).max().unwrap_or(0);
    let nw = lines.iter().map(|l| l.1.len()).max().unwrap_or(0);
    for (at, n, by, action, text) in &lines {
        out.push_str(&format!(
            "  {n:nw$}  {}  {}  {} {text}\n",
            at.with_timezone(&desk.tz()).format("%Y-%m-%d %H:%M"),
            pad(by, width),
            pad(action, 13),
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
