//! How reports, report listings and an engineer's week read: on a terminal, and as
//! field,value CSV for `report show`.

use crate::cli::people::People;
use svcdesk::Result;
use svcdesk::desk::{Desk, Id, Kind};
use svcdesk::i18n;
use svcdesk::ledger::{Weekly, columns, export};
use svcdesk::model::report::{self, Filter, Report};
use svcdesk::model::{customer, ticket_store};
use svcdesk::output::{self, Rows};
use svcdesk::time::{Month, Week};

use super::super::Context;
use super::super::output::Format;
use super::args::ListArgs;

pub(super) fn list(cx: &mut Context, desk: &Desk, a: ListArgs) -> Result<()> {
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
            .as_ref()
            .map(|m| m.on(today, desk.tz()).map(Month::range))
            .transpose()?,
        state: a.state,
    };
    let mut all = report::load_all(desk)?;
    all.retain(|r| filter.matches(r, desk.tz()));
    report::sort_by_visit(&mut all);
    let text = match a.format {
        Format::Json => output::json(&export::report_json(&all)),
        Format::Csv => export::report_rows(&all).to_csv(),
        Format::Table if all.is_empty() => {
            eprintln!("no reports match");
            String::new()
        }
        Format::Table => {
            let names = customer::names(desk)?;
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
            People::new(cx.lang(desk), desk)
                .table(rows)
                .to_table(cx.width())
        }
    };
    cx.print(&text)
}

pub(super) fn show_text(desk: &Desk, r: &Report, p: People) -> String {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let time = |v: &Option<chrono::DateTime<chrono::FixedOffset>>| {
        v.map(|t| {
            t.with_timezone(&desk.tz())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
    };
    let yes = |b: bool| p.tr(if b { "yes" } else { "no" });
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
        (true, Some(to)) => i18n::tr_args(p.lang, "show-escalated-to", &[("to", &p.staff(to))]),
        (b, _) => yes(b),
    };
    let service_type = match p.lang {
        i18n::Lang::En => format!("{} ({})", r.service_type, r.service_type.zh()),
        _ => r.service_type.zh().to_string(),
    };
    let hours = if p.zh() { "小时" } else { "h" };
    p.fields(&[
        ("id", r.id.clone()),
        ("engineer", engineer),
        ("customer", customer),
        ("ticket", ticket),
        ("visit", s(&r.visit)),
        ("service type", service_type),
        ("location", s(&r.location)),
        ("departed", time(&r.departed)),
        ("arrived", time(&r.arrived)),
        ("left", time(&r.left)),
        ("returned", time(&r.returned)),
        (
            "hours on site",
            r.hours_on_site()
                .map(|h| format!("{h} {hours}"))
                .unwrap_or_default(),
        ),
        ("travel", s(&r.travel)),
        ("work done", s(&r.work_done)),
        ("problems found", s(&r.problems)),
        ("escalated", escalated),
        ("parts", s(&r.parts)),
        ("cost", s(&r.cost)),
        ("signed by", s(&r.signed_by)),
        ("outcome", i18n::word_or_empty(p.lang, r.outcome)),
        (
            "satisfaction",
            r.satisfaction.map(|n| format!("{n}/5")).unwrap_or_default(),
        ),
        (
            "created",
            i18n::tr_args(
                p.lang,
                "show-created",
                &[
                    (
                        "when",
                        &r.created
                            .with_timezone(&desk.tz())
                            .format("%Y-%m-%d %H:%M")
                            .to_string(),
                    ),
                    ("who", &p.staff(&r.created_by)),
                ],
            ),
        ),
        ("review", review(desk, &p, r)),
    ]) + &super::super::output::custom_fields(
        desk,
        svcdesk::config::fields::FieldRecord::Report,
        &r.fields,
        p.lang,
    ) + &super::super::output::attachments(
        &r.files
            .iter()
            .map(super::super::output::attachment_row)
            .collect::<Vec<_>>(),
    )
}

/// Where the review stands: the state, who submitted and reviewed it when, the note.
fn review(desk: &Desk, p: &People, r: &Report) -> String {
    let when = |t: &chrono::DateTime<chrono::FixedOffset>| {
        t.with_timezone(&desk.tz())
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    let mut out = i18n::word(p.lang, r.state).to_string();
    if let (Some(t), Some(by)) = (&r.submitted, &r.submitted_by) {
        out.push_str(&format!("; submitted {} by {}", when(t), p.staff(by)));
    }
    if let (Some(t), Some(by)) = (&r.reviewed, &r.reviewed_by) {
        out.push_str(&format!("; reviewed {} by {}", when(t), p.staff(by)));
    }
    if let Some(n) = &r.review_note {
        out.push_str(&format!(": {n}"));
    }
    out
}

/// `report show --format csv`: field,value rows in the order of the list's columns.
pub(super) fn show_rows(r: &Report) -> Rows {
    let mut rows = Rows::new(vec!["field", "value"]);
    for c in &columns::REPORT {
        rows.push(vec![c.name.to_string(), (c.cell)(r)]);
    }
    for (k, v) in &r.fields {
        rows.push(vec![format!("field:{k}"), v.clone()]);
    }
    rows
}

/// An engineer's week on a terminal: the entries, then the totals.
pub(super) fn weekly_text(engineer: &str, week: Week, w: &Weekly, width: Option<u16>) -> String {
    let mut s = format!(
        "{engineer}, week {week} ({} – {})\n",
        week.monday(),
        week.sunday()
    );
    if !w.items.is_empty() {
        s.push_str(&w.rows(false).to_table(width));
    }
    s.push_str(&format!(
        "total: {} h (work log {} h, on site {} h)\n",
        report::hours_text(w.total_hundredths()),
        report::hours_text(w.log_hundredths),
        report::hours_text(w.on_site_hundredths)
    ));
    s
}
