//! Routing a new ticket: category → department (svcdesk.toml `[categories]`), then
//! department → person (`[routing] assign`). The one place either choice is made.

use std::collections::{BTreeMap, HashMap};

use super::ticket::{Action, Event, Ticket};
use crate::config::{AssignRule, Category};
use crate::desk::{Desk, store};
use crate::error::Result;

/// The department a new ticket goes to and the reason its `assign` event records:
/// `by_hand` (`--department`) wins over the category's department.
pub fn department(
    categories: &BTreeMap<String, Category>,
    category: &str,
    by_hand: Option<&str>,
) -> (String, String) {
    match by_hand {
        Some(d) => (d.to_string(), "routed by hand".to_string()),
        None => (
            categories
                .get(category)
                .map(|c| c.department.clone())
                .unwrap_or_default(),
            format!("routed by category {category}"),
        ),
    }
}

/// Fills in the person of the routing `assign` event, when it names none, by the desk's
/// rule. Call it under the desk lock, so the round-robin turn and the open counts are
/// current; `tickets` loads the tickets the least-open rule counts (only it needs them,
/// and loading is what costs).
pub fn assign_person(
    desk: &Desk,
    events: &mut [Event],
    tickets: impl FnOnce() -> Result<Vec<Ticket>>,
) -> Result<()> {
    let Some(e) = events.iter_mut().find(|e| {
        matches!(e.action, Some(Action::Assign | Action::Forward)) && e.assignee.is_none()
    }) else {
        return Ok(());
    };
    let Some(dept) = e.department.clone() else {
        return Ok(());
    };
    let pool = desk.config.routable_staff(&dept);
    if pool.is_empty() {
        return Ok(());
    }
    let pick = match desk.config.routing.assign {
        AssignRule::None => return Ok(()),
        AssignRule::RoundRobin => {
            let state_path = desk.root.join(".svcdesk").join("round-robin.toml");
            let mut turns: toml::Table = std::fs::read_to_string(&state_path)
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or_default();
            let last = turns.get(&dept).and_then(toml::Value::as_str);
            let next = next_in_turn(&pool, last);
            turns.insert(dept.clone(), toml::Value::String(next.clone()));
            store::write_atomic(&state_path, turns.to_string().as_bytes())?;
            next
        }
        AssignRule::LeastOpen => least_open(&pool, &tickets()?),
    };
    e.assignee = Some(pick);
    Ok(())
}

/// Round robin: the one after `last` in `pool` (the first if `last` left or never was).
fn next_in_turn(pool: &[String], last: Option<&str>) -> String {
    match last.and_then(|l| pool.iter().position(|p| p == l)) {
        Some(i) => pool[(i + 1) % pool.len()].clone(),
        None => pool[0].clone(),
    }
}

/// Least open: the person of `pool` with the fewest open tickets; ties go to the first in
/// staff order, so the choice is deterministic.
fn least_open(pool: &[String], tickets: &[Ticket]) -> String {
    let mut open: HashMap<&str, usize> = pool.iter().map(|p| (p.as_str(), 0)).collect();
    for t in tickets.iter().filter(|t| t.is_open()) {
        if let Some(n) = t.assignee.as_deref().and_then(|a| open.get_mut(a)) {
            *n += 1;
        }
    }
    pool.iter()
        .min_by_key(|p| open[p.as_str()])
        .cloned()
        .expect("pool is not empty")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool() -> Vec<String> {
        vec!["wang".into(), "li".into(), "sun".into()]
    }

    #[test]
    fn round_robin_wraps_and_restarts_when_the_last_one_left() {
        assert_eq!(next_in_turn(&pool(), None), "wang");
        assert_eq!(next_in_turn(&pool(), Some("li")), "sun");
        assert_eq!(next_in_turn(&pool(), Some("sun")), "wang");
        assert_eq!(next_in_turn(&pool(), Some("gone")), "wang");
    }

    #[test]
    fn least_open_counts_open_tickets_and_breaks_ties_by_staff_order() {
        let open = |who: &str| Ticket {
            assignee: Some(who.into()),
            ..Ticket::default()
        };
        assert_eq!(least_open(&pool(), &[]), "wang");
        assert_eq!(least_open(&pool(), &[open("wang"), open("sun")]), "li");
        assert_eq!(
            least_open(&pool(), &[open("wang"), open("li"), open("nobody")]),
            "sun"
        );
    }

    #[test]
    fn by_hand_wins_over_the_category() {
        let categories = BTreeMap::from([(
            "quality".to_string(),
            Category {
                name: "Quality".into(),
                department: "qa".into(),
            },
        )]);
        assert_eq!(
            department(&categories, "quality", None),
            ("qa".into(), "routed by category quality".into())
        );
        assert_eq!(
            department(&categories, "quality", Some("service")),
            ("service".into(), "routed by hand".into())
        );
    }
}
