//! The department head's review (`[review]` of svcdesk.toml, 「由各事業部負責人(或其授權人)
//! 審閱後」): who may give it, whether a ticket needs it, whether an approval stands. The
//! gated step is refused by `ticket_store::authorize` while none does.

use super::{Stepped, step};
use crate::config::Config;
use crate::config::review::Review;
use crate::desk::{Desk, Id, When, Who};
use crate::error::Result;
use crate::model::ticket::{Action, Event, Ticket, Verdict};

/// The head's (or a delegate's) verdict, with an optional comment.
pub fn review(
    desk: &Desk,
    id: &Id,
    who: &Who,
    when: When,
    verdict: Verdict,
    text: Option<String>,
) -> Result<Stepped> {
    step(desk, id, who, when, Action::Review, |e| {
        e.verdict = Some(verdict);
        e.text = text;
    })
}

/// `who` follows the ticket from now on (told of its resolve and close, like its opener).
pub fn follow(desk: &Desk, id: &Id, who: &Who, when: When) -> Result<Stepped> {
    step(desk, id, who, when, Action::Follow, |_| {})
}

/// The rule `t` falls under, when the desk has one (`review`) and it applies to the
/// ticket.
pub fn rule<'a>(review: Option<&'a Review>, t: &Ticket) -> Option<&'a Review> {
    review.filter(|r| r.applies(t.channel, t.category.as_deref(), t.grade))
}

/// Who may review `t`: its department's head, then the delegates (empty when the
/// department names none).
pub fn reviewers<'a>(cfg: &'a Config, t: &Ticket) -> Vec<&'a str> {
    t.department
        .as_deref()
        .and_then(|d| cfg.departments.get(d))
        .map(|d| d.reviewers())
        .unwrap_or_default()
}

/// The review that stands on `t` for a step `before`: the last review since the ticket
/// was last reopened (and, before `close`, since it was last resolved: the head reviews
/// the resolution). None when there is none; a rejection stands until a new approval.
pub fn standing(t: &Ticket, before: Action) -> Option<&Event> {
    for e in t.event.iter().rev() {
        match e.action {
            Some(Action::Review) => return Some(e),
            Some(Action::Reopen) => return None,
            Some(Action::Resolve) if before == Action::Close => return None,
            _ => {}
        }
    }
    None
}

/// Whether `t` waits for a review: it needs one and no approval stands. Closed and
/// merged tickets wait for nothing.
pub fn pending(review: Option<&Review>, t: &Ticket) -> bool {
    t.is_open()
        && rule(review, t).is_some_and(|r| {
            standing(t, r.before()).and_then(|e| e.verdict) != Some(Verdict::Approved)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn ev(action: Action, verdict: Option<Verdict>) -> Event {
        Event {
            at: DateTime::parse_from_rfc3339("2026-12-02T09:00:00+08:00").unwrap(),
            by: "zhao".into(),
            action: Some(action),
            verdict,
            ..Event::default()
        }
    }

    fn verdict(events: Vec<Event>, before: Action) -> Option<Verdict> {
        let t = Ticket {
            event: events,
            ..Ticket::default()
        };
        standing(&t, before).and_then(|e| e.verdict)
    }

    #[test]
    fn the_last_review_stands_until_a_reopen_or_for_close_a_new_resolve() {
        let ok = || ev(Action::Review, Some(Verdict::Approved));
        let no = || ev(Action::Review, Some(Verdict::Rejected));
        let step = ev;
        assert_eq!(
            verdict(vec![step(Action::Open, None)], Action::Resolve),
            None
        );
        assert_eq!(
            verdict(vec![ok(), no()], Action::Resolve),
            Some(Verdict::Rejected)
        );
        assert_eq!(
            verdict(vec![no(), step(Action::Note, None), ok()], Action::Resolve),
            Some(Verdict::Approved)
        );
        assert_eq!(
            verdict(vec![ok(), step(Action::Reopen, None)], Action::Resolve),
            None
        );
        // Approved while worked on: that approval is not of the resolution.
        assert_eq!(
            verdict(vec![ok(), step(Action::Resolve, None)], Action::Close),
            None
        );
        assert_eq!(
            verdict(vec![ok(), step(Action::Resolve, None)], Action::Resolve),
            Some(Verdict::Approved)
        );
        assert_eq!(
            verdict(vec![step(Action::Resolve, None), ok()], Action::Close),
            Some(Verdict::Approved)
        );
    }
}
