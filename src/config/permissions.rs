//! `[permissions]`: which roles may take which ticket steps (「保证账号权限与操作角色匹配」).
//! `STEP = ["role", ...]`, STEP a ticket action (open, accept, diagnose, plan, resolve,
//! close, reopen, assign, ship, comp-request, approve-return, ...): the actor needs one
//! of the roles. A step not listed is open to everyone on the staff list (beside the
//! built-in rules: finance reviews compensation, the gm approves it, ...; those hold as
//! well). Optional, and like every role rule idle while `[[staff]]` lists nobody.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::keypath::KeyPath;
use crate::vocab::Action;

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Permissions(pub BTreeMap<String, Vec<String>>);

impl Permissions {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The roles that may take `action`, when the desk says.
    pub fn roles(&self, action: Action) -> Option<&[String]> {
        self.0.get(action.as_str()).map(Vec::as_slice)
    }

    pub(super) fn validate(&self) -> Result<(), (KeyPath, String)> {
        for (step, roles) in &self.0 {
            let key = KeyPath::new(["permissions", step.as_str()]);
            if Action::parse(step).is_none_or(|a| a.as_str() != step) {
                return Err((
                    key.clone(),
                    format!(
                        "{key}: \"{step}\" is not a ticket step ({})",
                        Action::names()
                    ),
                ));
            }
            if roles.is_empty() {
                return Err((
                    key.clone(),
                    format!("{key}: no role may take it; list at least one role"),
                ));
            }
            if let Some((i, _)) = roles.iter().enumerate().find(|(_, r)| r.trim().is_empty()) {
                return Err((key.clone().index(i), format!("{key}: an empty role")));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_ticket_actions_with_roles() {
        let p = |k: &str, v: Vec<&str>| {
            let mut m = BTreeMap::new();
            m.insert(k.to_string(), v.into_iter().map(String::from).collect());
            Permissions(m)
        };
        assert!(p("resolve", vec!["engineer"]).validate().is_ok());
        assert_eq!(
            p("resolve", vec!["engineer"]).roles(Action::Resolve),
            Some(&["engineer".to_string()][..])
        );
        let e = p("resolv", vec!["engineer"]).validate().unwrap_err().1;
        assert!(e.contains("not a ticket step"), "{e}");
        let e = p("close", vec![]).validate().unwrap_err().1;
        assert!(e.contains("at least one role"), "{e}");
    }
}
