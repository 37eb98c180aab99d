//! Possible duplicates of a ticket: earlier (or later) tickets opened within the desk's
//! `[duplicates] within` that agree on every field of `[duplicates] match` (see
//! `config::duplicates`). `ticket open` warns of them; nothing here refuses anything.

use super::ticket::Ticket;
use super::ticket_store;
use crate::config::duplicates::{DupField, Duplicates};
use crate::desk::Desk;
use crate::error::Result;

/// The other tickets of the desk that `t` may duplicate, in ID order (oldest first).
/// Empty when the desk's `match` is empty or `t` lacks one of its fields.
pub fn candidates(desk: &Desk, t: &Ticket) -> Result<Vec<Ticket>> {
    let rule = &desk.config.duplicates;
    if !rule.enabled() || rule.fields.iter().any(|&f| value(t, f).is_none()) {
        return Ok(Vec::new());
    }
    ticket_store::load_where(desk, |other| matches(rule, t, other))
}

/// Whether `other` may be a duplicate of `t` under `rule`.
pub fn matches(rule: &Duplicates, t: &Ticket, other: &Ticket) -> bool {
    let (Some(a), Some(b)) = (t.opened, other.opened) else {
        return false;
    };
    // A merged ticket lives on in its target, which is the candidate to name.
    other.id != t.id
        && other.state() != crate::vocab::State::Merged
        && rule.enabled()
        && (a - b).abs() <= rule.within
        && rule
            .fields
            .iter()
            .all(|&f| match (value(t, f), value(other, f)) {
                (Some(x), Some(y)) => match f {
                    DupField::Customer | DupField::Category => x == y,
                    _ => x.eq_ignore_ascii_case(y),
                },
                _ => false,
            })
}

/// The ticket's value of a matched field, trimmed; None when empty.
fn value(t: &Ticket, f: DupField) -> Option<&str> {
    let v = match f {
        DupField::Customer => &t.customer,
        DupField::Product => &t.product,
        DupField::Serial => &t.serial,
        DupField::Category => &t.category,
        DupField::Contact => &t.contact,
    };
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration};

    fn ticket(id: &str, opened: &str, customer: &str, serial: Option<&str>) -> Ticket {
        Ticket {
            id: id.into(),
            opened: Some(DateTime::parse_from_rfc3339(opened).unwrap()),
            customer: Some(customer.into()),
            serial: serial.map(String::from),
            product: Some("X200".into()),
            ..Ticket::default()
        }
    }

    #[test]
    fn same_customer_and_serial_within_the_window_match() {
        let rule = Duplicates::default();
        let new = ticket("T2", "2026-12-02T09:00:00+08:00", "C1", Some("SN1"));
        let m = |other: &Ticket| matches(&rule, &new, other);
        assert!(m(&ticket(
            "T1",
            "2026-11-20T09:00:00+08:00",
            "C1",
            Some("sn1 ")
        )));
        assert!(
            !m(&ticket(
                "T1",
                "2026-10-20T09:00:00+08:00",
                "C1",
                Some("SN1")
            )),
            "too old"
        );
        assert!(!m(&ticket(
            "T1",
            "2026-11-20T09:00:00+08:00",
            "C2",
            Some("SN1")
        )));
        assert!(!m(&ticket(
            "T1",
            "2026-11-20T09:00:00+08:00",
            "C1",
            Some("SN2")
        )));
        assert!(!m(&ticket("T1", "2026-11-20T09:00:00+08:00", "C1", None)));
        assert!(!m(&new), "a ticket does not duplicate itself");
        // A new ticket without a serial matches nothing by serial.
        let bare = ticket("T3", "2026-12-02T09:00:00+08:00", "C1", None);
        assert!(!matches(
            &rule,
            &bare,
            &ticket("T1", "2026-11-20T09:00:00+08:00", "C1", None)
        ));
        // By product instead, over a week.
        let rule = Duplicates {
            fields: vec![DupField::Customer, DupField::Product],
            within: Duration::days(7),
        };
        assert!(matches(
            &rule,
            &bare,
            &ticket("T1", "2026-11-28T09:00:00+08:00", "C1", None)
        ));
        assert!(!matches(
            &rule,
            &bare,
            &ticket("T1", "2026-11-20T09:00:00+08:00", "C1", None)
        ));
    }
}
