//! `ticket search`: a word anywhere in what the desk recorded — every event of every
//! ticket (notes, diagnoses, replies, reasons…), every field-service report and every
//! customer's communication log — found case-blind, each hit with where it stands.

use serde::Serialize;

use super::{customer, report, ticket_store};
use crate::desk::Desk;
use crate::error::Result;

/// One place the text was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    /// The record: a ticket, a report or a customer ID.
    pub id: String,
    /// The entry within it: the ticket's event or the customer's log entry (1 = first);
    /// none for a report, which is one entry.
    pub entry: Option<usize>,
    /// When that was recorded, RFC 3339.
    pub at: String,
    pub by: String,
    /// The event's action (`note`, `diagnose`…), `report` or `log`.
    pub what: String,
    /// The field the text is in (`text`, `cause`, `work_done`, `summary`…).
    pub field: String,
    /// The field's whole text.
    pub text: String,
}

/// Every hit of `needle` (trimmed, case-blind; at least one character), tickets first
/// (in ID order, then history order), then reports, then customers' logs. One hit per
/// entry: the first of its fields holding the text, by field name.
pub fn search(desk: &Desk, needle: &str) -> Result<Vec<Hit>> {
    let needle = needle.trim().to_lowercase();
    if needle.is_empty() {
        return Ok(Vec::new());
    }
    let mut hits = Vec::new();
    let mut tickets = ticket_store::load_all(desk)?;
    tickets.sort_by(|a, b| a.id.cmp(&b.id));
    for t in &tickets {
        for (n, e) in t.event.iter().enumerate() {
            if let Some((field, text)) = found(e, &needle) {
                hits.push(Hit {
                    id: t.id.clone(),
                    entry: Some(n + 1),
                    at: e.at.to_rfc3339(),
                    by: e.by.clone(),
                    what: e.action.map_or("?", |a| a.as_str()).to_string(),
                    field,
                    text,
                });
            }
        }
    }
    let mut reports = report::load_all(desk)?;
    reports.sort_by(|a, b| a.id.cmp(&b.id));
    for r in &reports {
        if let Some((field, text)) = found(r, &needle) {
            hits.push(Hit {
                id: r.id.clone(),
                entry: None,
                at: r.created.to_rfc3339(),
                by: r.engineer.clone(),
                what: "report".into(),
                field,
                text,
            });
        }
    }
    let mut customers = customer::load_all(desk)?;
    customers.sort_by(|a, b| a.id.cmp(&b.id));
    for c in &customers {
        for (n, l) in c.log.iter().enumerate() {
            if let Some((field, text)) = found(l, &needle) {
                hits.push(Hit {
                    id: c.id.clone(),
                    entry: Some(n + 1),
                    at: l.at.to_rfc3339(),
                    by: l.by.clone(),
                    what: "log".into(),
                    field,
                    text,
                });
            }
        }
    }
    Ok(hits)
}

/// Whether `needle` (lower case, not empty) is in a text field of one of the ticket's
/// events: what `ticket list --text … --history` and a view's `history = true` look at.
pub fn in_history(t: &super::ticket::Ticket, needle: &str) -> bool {
    t.event.iter().any(|e| found(e, needle).is_some())
}

/// Fields that say who recorded or did an entry, not what it says.
const WHO: &[&str] = &["by", "entered_by", "created_by", "engineer"];

/// The first text field of `entry`, by name, that holds `needle` (lower case).
/// Read through serde, so a field added to an event later is searched without a list
/// here to keep in step.
fn found(entry: &impl Serialize, needle: &str) -> Option<(String, String)> {
    let serde_json::Value::Object(fields) = serde_json::to_value(entry).ok()? else {
        return None;
    };
    fields.into_iter().find_map(|(field, value)| match value {
        // Who recorded it is not what was recorded (searching a name would hit all).
        _ if WHO.contains(&field.as_str()) => None,
        serde_json::Value::String(text) if text.to_lowercase().contains(needle) => {
            Some((field, text))
        }
        // Custom field values (an open event's), named as their column `field:NAME`.
        serde_json::Value::Object(values) if field == "fields" => {
            values.into_iter().find_map(|(name, v)| match v {
                serde_json::Value::String(text) if text.to_lowercase().contains(needle) => {
                    Some((format!("field:{name}"), text))
                }
                _ => None,
            })
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Entry {
        title: &'static str,
        text: Option<&'static str>,
        count: u32,
    }

    #[test]
    fn the_first_field_holding_the_text_case_blind() {
        let e = Entry {
            title: "Pump",
            text: Some("the PUMP seal leaks"),
            count: 3,
        };
        assert_eq!(
            found(&e, "pump"),
            Some(("text".to_string(), "the PUMP seal leaks".to_string()))
        );
        assert_eq!(
            found(&e, "seal"),
            Some(("text".to_string(), "the PUMP seal leaks".to_string()))
        );
        // Numbers and absent fields are not text.
        assert_eq!(found(&e, "3"), None);
    }
}
