//! How a customer and a list of customers read: on a terminal and as field,value CSV.

use crate::cli::people::People;
use svcdesk::config::fields::FieldRecord;
use svcdesk::desk::Desk;
use svcdesk::model::customer::{self, Customer, FollowUp};
use svcdesk::model::ticket::Ticket;
use svcdesk::output::Rows;

/// The terminal view keeps the columns people scan; CSV and JSON carry everything.
pub(super) fn list_table(all: &[Customer]) -> Rows {
    let mut rows = Rows::new(vec![
        "id",
        "name",
        "contact",
        "phone",
        "industry",
        "source",
        "tags",
        "last_contact",
    ]);
    for c in all {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        rows.push(vec![
            c.id.clone(),
            c.name.clone(),
            s(&c.contact),
            s(&c.phone),
            s(&c.industry),
            s(&c.source),
            c.tags.join(", "),
            customer::last_contact(c)
                .map(|t| t.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        ]);
    }
    rows
}

/// `customer list --follow-up-due`: one row per follow-up due by today and not yet
/// stopped by a contact, oldest first.
pub(super) fn follow_up_rows(due: &[FollowUp], today: chrono::NaiveDate) -> Rows {
    let mut rows = Rows::new(vec![
        "customer",
        "customer_name",
        "follow_up",
        "state",
        "owner",
        "summary",
        "log",
    ]);
    for f in due {
        rows.push(vec![
            f.customer.clone(),
            f.name.clone(),
            f.date.to_string(),
            f.state(today).to_string(),
            f.owner.clone(),
            f.summary.clone(),
            f.log.to_string(),
        ]);
    }
    rows
}

fn field_pairs(c: &Customer) -> Vec<(&'static str, String)> {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut pairs = vec![
        ("id", c.id.clone()),
        ("name", c.name.clone()),
        ("contact", s(&c.contact)),
        ("phone", s(&c.phone)),
        ("email", s(&c.email)),
        ("industry", s(&c.industry)),
        ("source", s(&c.source)),
        ("referred_by", s(&c.referred_by)),
        ("address", s(&c.address)),
        ("tags", c.tags.join(", ")),
        (
            "remote",
            if c.remote {
                "yes (偏远地区)".into()
            } else {
                String::new()
            },
        ),
        ("notes", s(&c.notes)),
        (
            "created",
            format!("{} by {}", c.created.format("%Y-%m-%d %H:%M"), c.created_by),
        ),
    ];
    // Only a customer with an explicit tier has the row, so other customers' CSV stays.
    if let Some(tier) = &c.tier {
        let tier = match c.tier_until {
            Some(last) => format!("{tier} (until {last})"),
            None => tier.clone(),
        };
        pairs.insert(pairs.len() - 2, ("tier", tier));
    }
    pairs
}

/// `show --format csv`: field,value pairs (`created` in RFC 3339, then `created_by`);
/// log entries as log.N.key.
pub(super) fn show_rows(c: &Customer) -> Rows {
    let mut rows = Rows::new(vec!["field", "value"]);
    for (k, v) in field_pairs(c) {
        if k == "created" {
            // For scripts: RFC 3339 as in `list --format csv`, and who in its own row.
            rows.push(vec![k.to_string(), c.created.to_rfc3339()]);
            rows.push(vec!["created_by".to_string(), c.created_by.clone()]);
        } else {
            rows.push(vec![k.to_string(), v]);
        }
    }
    for (k, v) in &c.fields {
        rows.push(vec![format!("field:{k}"), v.clone()]);
    }
    for (i, e) in c.log.iter().enumerate() {
        let n = i + 1;
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        for (k, v) in [
            ("at", e.at.to_rfc3339()),
            ("by", e.by.clone()),
            ("with", opt(&e.with)),
            ("channel", opt(&e.channel)),
            ("summary", e.summary.clone()),
            (
                "follow_up",
                e.follow_up.map(|d| d.to_string()).unwrap_or_default(),
            ),
        ] {
            rows.push(vec![format!("log.{n}.{k}"), v]);
        }
    }
    rows
}

/// The customer's tickets (newest first) as `customer show` lists them after the log.
pub(super) fn tickets_text(tickets: &[Ticket], width: Option<u16>, p: People) -> String {
    if tickets.is_empty() {
        return format!("\n{}\n", p.tr("show-customer-tickets-none"));
    }
    let mut rows = Rows::new(vec!["id", "state", "title", "opened"]);
    for t in tickets {
        rows.push(vec![
            t.id.clone(),
            t.state.map(|s| s.to_string()).unwrap_or_default(),
            t.title.clone(),
            t.opened
                .map(|o| o.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default(),
        ]);
    }
    format!(
        "\n{}\n{}",
        p.tr("show-customer-tickets"),
        p.table(rows).to_table(width)
    )
}

pub(super) fn show_text(desk: &Desk, c: &Customer, width: Option<u16>, p: People) -> String {
    let mut pairs = field_pairs(c);
    if let Some(created) = pairs.iter_mut().find(|(k, _)| *k == "created") {
        let when = c.created.format("%Y-%m-%d %H:%M").to_string();
        let who = p.staff(&c.created_by);
        created.1 =
            svcdesk::i18n::tr_args(p.lang, "show-created", &[("when", &when), ("who", &who)]);
    }
    let mut s = p.fields(&pairs);
    s.push_str(&crate::cli::output::custom_fields(
        desk,
        FieldRecord::Customer,
        &c.fields,
        p.lang,
    ));
    if c.log.is_empty() {
        s.push_str(&format!("\n{}\n", p.tr("show-customer-log-none")));
        return s;
    }
    s.push_str(&format!("\n{}\n", p.tr("show-customer-log")));
    let mut rows = Rows::new(vec![
        "when",
        "by",
        "with",
        "channel",
        "summary",
        "follow-up",
    ]);
    for e in &c.log {
        rows.push(vec![
            e.at.format("%Y-%m-%d %H:%M").to_string(),
            p.staff(&e.by),
            e.with.clone().unwrap_or_default(),
            e.channel.clone().unwrap_or_default(),
            e.summary.clone(),
            e.follow_up.map(|d| d.to_string()).unwrap_or_default(),
        ]);
    }
    s.push_str(&p.table(rows).to_table(width));
    let files: Vec<[String; 3]> = c
        .log
        .iter()
        .enumerate()
        .flat_map(|(i, e)| {
            e.files.iter().map(move |f| {
                let [name, size, path] = crate::cli::output::attachment_row(f);
                [format!("log {}: {name}", i + 1), size, path]
            })
        })
        .collect();
    s.push_str(&crate::cli::output::attachments(&files));
    s
}
