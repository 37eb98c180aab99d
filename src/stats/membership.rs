//! Which tickets belong to a period: the one rule the ledgers and `stats` load by.

use chrono::{DateTime, Utc};

use crate::model::ticket::{State, Ticket};
use crate::model::ticket_store::Facts;

/// Whether `t`, as it stood at a period's end ([`super::as_of`]), had been merged into
/// another ticket by then (`ticket merge`). A merged ticket counts nowhere — not opened,
/// closed, backlog, resolved, SLA, satisfaction, ledger row — so the case is counted
/// once, on its target. The one rule `stats`, `stats --top` and the ledgers count by.
/// A period that ended before the merge still counts the ticket as it then stood.
pub fn merged_away(t: &Ticket) -> bool {
    t.state() == State::Merged
}

/// Whether `t` can count in the span `[from, to)`: opened before its end, and still open
/// or with an event at or after its start. A ticket closed before the span or opened
/// after it can be left unread; the ledgers and statistics then decide on each ticket
/// as it stood at the span's end.
pub fn may_count(t: &Ticket, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
    Facts::of(t).may_count(from, to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ticket;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    /// Opened at 2026-11-10 09:00 (+08:00), and closed at `closed` if given.
    fn ticket(closed: Option<&str>) -> Ticket {
        let mut text = String::from(
            r#"[[event]]
at = 2026-11-10T09:00:00+08:00
by = "li"
action = "open"
title = "noisy pump"
customer = "C20261124-626T3A"
category = "complaint"
channel = "phone"
description = "noisy pump"
"#,
        );
        if let Some(c) = closed {
            for (action, extra) in [
                ("assign", "assignee = \"wang\""),
                ("accept", ""),
                ("resolve", "text = \"fixed\""),
                ("close", ""),
            ] {
                text.push_str(&format!(
                    "\n[[event]]\nat = {c}\nby = \"li\"\naction = \"{action}\"\n{extra}\n"
                ));
            }
        }
        #[derive(serde::Deserialize)]
        struct History {
            event: Vec<ticket::Event>,
        }
        let h: History = toml::from_str(&text).unwrap();
        ticket::replay("T20261110-AAAAAA", &h.event).unwrap()
    }

    #[test]
    fn a_ticket_counts_from_its_opening_while_open_or_active() {
        let nov = (
            at("2026-11-01T00:00:00+08:00"),
            at("2026-12-01T00:00:00+08:00"),
        );
        let dec = (
            at("2026-12-01T00:00:00+08:00"),
            at("2027-01-01T00:00:00+08:00"),
        );
        let oct = (
            at("2026-10-01T00:00:00+08:00"),
            at("2026-11-01T00:00:00+08:00"),
        );
        let open = ticket(None);
        assert!(may_count(&open, nov.0, nov.1));
        assert!(may_count(&open, dec.0, dec.1), "still open");
        assert!(!may_count(&open, oct.0, oct.1), "not opened yet");
        let closed = ticket(Some("2026-11-20T10:00:00+08:00"));
        assert!(may_count(&closed, nov.0, nov.1));
        assert!(!may_count(&closed, dec.0, dec.1), "closed before the span");
    }
}
