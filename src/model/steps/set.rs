//! Correcting a ticket after it is opened (`ticket set`): one `set` event per changed
//! field, holding the old and the new value, so the history says what was wrong, who
//! corrected it and why. A corrected priority re-targets the SLA timers like a regrade
//! (see `sla::policy`); a corrected category re-routes only when asked.

use chrono::DateTime;

use super::event;
use crate::desk::{Desk, Id, Kind, When, Who};
use crate::error::{Error, Result};
use crate::model::names;
use crate::model::routing;
use crate::model::ticket::{Action, Event, Priority, Ticket};
use crate::model::ticket_store;

/// What to correct; `None` leaves a field as it is. An empty product or serial clears it.
#[derive(Debug, Default, Clone)]
pub struct Changes {
    pub priority: Option<Priority>,
    pub product: Option<String>,
    pub serial: Option<String>,
    /// A customer ID or unique abbreviation.
    pub customer: Option<String>,
    pub title: Option<String>,
    /// A key of `[categories]`.
    pub category: Option<String>,
    pub add_tags: Vec<String>,
    pub remove_tags: Vec<String>,
    /// Why; recorded in every event.
    pub reason: Option<String>,
    /// With a new category: route the ticket to that category's department (an
    /// `assign` event, as opening it would have).
    pub route: bool,
    /// A fault cause code of `[causes]`; empty clears it.
    pub cause_code: Option<String>,
    /// Custom fields, `NAME=VALUE` as typed; `NAME=` clears one.
    pub fields: Vec<(String, String)>,
}

/// What `set` did: the ticket as it now stands and the events recorded, in order.
#[derive(Debug)]
pub struct Corrected {
    pub ticket: Ticket,
    pub events: Vec<Event>,
}

/// Records the changes that differ from the ticket as it stands; a value it already
/// has is left out. Nothing to change at all is refused, so a history never holds an
/// empty correction.
pub fn set(desk: &Desk, id: &Id, who: &Who, when: When, c: Changes) -> Result<Corrected> {
    if c.route && c.category.is_none() {
        return Err(Error::invalid(
            "--route re-routes to the new category's department; give the --category too",
        ));
    }
    // Names are checked before the lock: a typo refuses the whole command.
    let customer = match &c.customer {
        Some(q) => Some(desk.resolve(Kind::Customer, q)?.to_string()),
        None => None,
    };
    if let Some(cat) = &c.category {
        names::category(&desk.config, cat)?;
    }
    let title = match c.title.as_deref().map(str::trim) {
        Some("") => return Err(Error::invalid("a ticket's title cannot be empty")),
        Some(t) => Some(super::title(Some(t), "")),
        None => None,
    };
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .map(|s| (!s.is_empty()).then(|| s.to_string()))
    };
    let (product, serial) = (blank(&c.product), blank(&c.serial));
    let cause_code = blank(&c.cause_code);
    if let Some(Some(code)) = &cause_code {
        names::cause_code(&desk.config, code)?;
    }
    let fields =
        crate::model::fields::changes(desk, crate::config::fields::FieldRecord::Ticket, &c.fields)?;
    for (k, v) in &fields {
        if v.is_none() && desk.config.fields.get(k).is_some_and(|d| d.required) {
            return Err(Error::usage(
                format!("field \"{k}\" is required; it can be changed but not cleared"),
                "give --field NAME=VALUE with a new value",
            ));
        }
    }
    let (ticket, events) = ticket_store::append_all(desk, id, when, |t| {
        let new_event = |field: &str, old: Option<String>, new: Option<String>| Event {
            field: Some(field.to_string()),
            old,
            new,
            reason: c.reason.clone(),
            ..event(desk, who, DateTime::UNIX_EPOCH, Action::Set)
        };
        let mut events = Vec::new();
        let mut change = |field: &str, old: Option<String>, new: Option<Option<String>>| {
            if let Some(new) = new
                && new != old
            {
                events.push(new_event(field, old, new));
            }
        };
        change(
            "priority",
            t.priority.map(|p| p.to_string()),
            c.priority.map(|p| Some(p.to_string())),
        );
        change("customer", t.customer.clone(), customer.clone().map(Some));
        change("title", Some(t.title.clone()), title.clone().map(Some));
        change("category", t.category.clone(), c.category.clone().map(Some));
        change("product", t.product.clone(), product.clone());
        change("serial", t.serial.clone(), serial.clone());
        change("cause_code", t.cause_code.clone(), cause_code.clone());
        for (k, v) in &fields {
            let field = format!("{}{k}", crate::model::ticket::FIELD_PREFIX);
            change(&field, t.fields.get(k).cloned(), Some(v.clone()));
        }
        let mut tags = t.tags.clone();
        for tag in c
            .add_tags
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
        {
            if !tags.iter().any(|x| x == tag) {
                tags.push(tag.to_string());
                events.push(new_event("tags", None, Some(tag.to_string())));
            }
        }
        for tag in c.remove_tags.iter().map(|s| s.trim()) {
            if let Some(i) = tags.iter().position(|x| x == tag) {
                tags.remove(i);
                events.push(new_event("tags", Some(tag.to_string()), None));
            }
        }
        if events.is_empty() {
            return Err(Error::invalid(format!(
                "nothing to change: {id} already has these values"
            )));
        }
        let recategorized = events
            .iter()
            .any(|e| e.field.as_deref() == Some("category"));
        if c.route && recategorized {
            let category = c.category.as_deref().unwrap_or_default();
            let (department, reason) = routing::department(&desk.config.categories, category, None);
            let mut route = event(desk, who, DateTime::UNIX_EPOCH, Action::Assign);
            route.department = Some(department);
            route.reason = Some(reason);
            events.push(route);
        }
        Ok(events)
    })?;
    Ok(Corrected { ticket, events })
}

#[cfg(test)]
mod tests {
    use crate::model::ticket::{Action, Event, Priority, replay};

    fn ev(action: Action) -> Event {
        Event {
            at: chrono::DateTime::parse_from_rfc3339("2026-11-24T09:30:00+08:00").unwrap(),
            by: "li".into(),
            action: Some(action),
            ..Event::default()
        }
    }

    fn set(field: &str, old: Option<&str>, new: Option<&str>) -> Event {
        Event {
            field: Some(field.into()),
            old: old.map(String::from),
            new: new.map(String::from),
            ..ev(Action::Set)
        }
    }

    fn opened() -> Vec<Event> {
        vec![Event {
            customer: Some("C20261124-AAAAAA".into()),
            category: Some("complaint".into()),
            product: Some("X200".into()),
            tags: vec!["a".into()],
            ..ev(Action::Open)
        }]
    }

    #[test]
    fn set_events_replay_to_the_new_values() {
        let mut h = opened();
        h.push(set("priority", Some("medium"), Some("high")));
        h.push(set("product", Some("X200"), None));
        h.push(set("serial", None, Some("SN9")));
        h.push(set("tags", None, Some("b")));
        h.push(set("tags", Some("a"), None));
        h.push(set("title", Some(""), Some("new title")));
        let t = replay("T20261124-BBBBBB", &h).unwrap();
        assert_eq!(t.priority, Some(Priority::High));
        assert_eq!(t.product, None);
        assert_eq!(t.serial.as_deref(), Some("SN9"));
        assert_eq!(t.tags, ["b"]);
        assert_eq!(t.title, "new title");
        assert_eq!(
            t.state(),
            crate::model::ticket::State::New,
            "set moves no state"
        );
    }

    #[test]
    fn a_set_that_cannot_apply_is_refused_with_its_reason() {
        let bad = |e: Event| {
            let mut h = opened();
            h.push(e);
            replay("T20261124-BBBBBB", &h).unwrap_err().1.to_string()
        };
        assert!(bad(set("priority", None, Some("urgent"))).contains("not a priority"));
        assert!(bad(set("customer", Some("C1"), None)).contains("always has a customer"));
        assert!(bad(set("grade", None, Some("II"))).contains("cannot change `grade`"));
        assert!(bad(set("tags", Some("a"), Some("b"))).contains("one tag"));
    }

    #[test]
    fn two_clones_correcting_one_field_replay_the_later_one() {
        // After a git merge both events are in the history; the later value wins and
        // replay does not insist that `old` is what the field held.
        let mut h = opened();
        h.push(set("priority", Some("medium"), Some("high")));
        h.push(set("priority", Some("medium"), Some("low")));
        let t = replay("T20261124-BBBBBB", &h).unwrap();
        assert_eq!(t.priority, Some(Priority::Low));
    }
}
