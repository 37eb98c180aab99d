//! `[hooks]` checked when `svcdesk.toml` is loaded: action names, grades, priorities,
//! departments and timeouts. Running hooks is [`crate::hooks`].

use std::time::Duration;

use super::Hooks;
use crate::keypath::KeyPath;
use crate::names::did_you_mean;
use crate::time::parse_duration;
use crate::vocab::{Action, Grade, Priority};

/// Events that are not ticket actions: a timer found breached by `sla check --notify`,
/// an improvement measure past its due date.
pub const SLA_BREACH: &str = "sla-breach";
pub const MEASURE_DUE: &str = "measure-due";
/// A running timer found at risk (less than its `warn` left) by `sla check --notify`.
pub const SLA_AT_RISK: &str = "sla-at-risk";
/// A level of `[[sla.ladder]]` reached by a timer run (`sla check --notify`).
pub const SLA_LADDER: &str = "sla-ladder";
const OTHER_ACTIONS: &[&str] = &[SLA_BREACH, MEASURE_DUE, SLA_AT_RISK, SLA_LADDER];
/// The steps of a site visit, as hooks name them: `visit-` and the visit's action
/// (`model::visit::Action`; a unit test there keeps the two lists equal).
pub const VISIT_ACTIONS: &[&str] = &[
    "visit-request",
    "visit-approve",
    "visit-reject",
    "visit-schedule",
    "visit-start",
    "visit-escalate",
    "visit-complete",
    "visit-return-approve",
    "visit-request-extra",
    "visit-approve-extra",
];

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Every action a rule's `on` may name.
pub fn actions() -> Vec<&'static str> {
    let mut all: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
    all.extend(OTHER_ACTIONS);
    all.extend(VISIT_ACTIONS);
    all
}

/// `[hooks] timeout`, for a rule without its own and for `sla check --notify CMD`.
pub fn timeout(hooks: &Hooks) -> Duration {
    hooks
        .timeout
        .as_deref()
        .and_then(|t| parse_timeout(t).ok())
        .unwrap_or(DEFAULT_TIMEOUT)
}

pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    let d = parse_duration(text).map_err(|e| e.to_string())?;
    d.to_std()
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("timeout \"{text}\" must be longer than zero"))
}

/// Checks what serde cannot: action names, grades, priorities, departments, timeouts.
/// An error gives the key of the bad value and the message.
pub fn validate_in(
    hooks: &Hooks,
    departments: &[&str],
) -> std::result::Result<(), (KeyPath, String)> {
    if let Some(t) = &hooks.timeout {
        parse_timeout(t).map_err(|m| (KeyPath::new(["hooks", "timeout"]), m))?;
    }
    let known = actions();
    for (i, rule) in hooks.rule.iter().enumerate() {
        let at = |k: &str, j: Option<usize>| {
            let key = KeyPath::new(["hooks", "rule"]).index(i).key(k);
            match j {
                Some(j) => key.index(j),
                None => key,
            }
        };
        if rule.on.is_empty() {
            return Err((at("on", None), "`on` names no action".into()));
        }
        for (j, a) in rule.on.iter().enumerate() {
            if a != "*" && !known.contains(&a.as_str()) {
                return Err((
                    at("on", Some(j)),
                    format!(
                        "unknown action \"{a}\"{}; actions are: *, {}",
                        did_you_mean(a, known.iter().copied()),
                        known.join(", ")
                    ),
                ));
            }
        }
        for (j, g) in rule.grade.iter().enumerate() {
            if Grade::ALL.iter().all(|v| v.as_str() != g) {
                return Err((
                    at("grade", Some(j)),
                    format!("\"{g}\" is not a grade ({})", Grade::names()),
                ));
            }
        }
        for (j, p) in rule.priority.iter().enumerate() {
            if Priority::ALL.iter().all(|v| v.as_str() != p) {
                return Err((
                    at("priority", Some(j)),
                    format!("\"{p}\" is not a priority ({})", Priority::names()),
                ));
            }
        }
        for (j, d) in rule.department.iter().enumerate() {
            if !departments.contains(&d.as_str()) {
                return Err((
                    at("department", Some(j)),
                    format!(
                        "\"{d}\" is not a department; known: {}",
                        departments.join(", ")
                    ),
                ));
            }
        }
        if rule.command.trim().is_empty() {
            return Err((at("command", None), "`command` is empty".into()));
        }
        if let Some(t) = &rule.timeout {
            parse_timeout(t).map_err(|m| (at("timeout", None), m))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hooks(toml_text: &str) -> Hooks {
        toml::from_str(toml_text).unwrap()
    }

    #[test]
    fn validation_names_the_bad_key() {
        let h = hooks("[[rule]]\non = [\"open\", \"opened\"]\ncommand = \"x\"\n");
        let (key, msg) = validate_in(&h, &[]).unwrap_err();
        assert_eq!(key.to_string(), "hooks.rule[0].on[1]");
        assert!(msg.contains("unknown action \"opened\""), "{msg}");
        let text = "x = 1\n[[hooks.rule]]\non = [\"open\", \"opened\"]\ncommand = \"x\"\n";
        assert_eq!(key.locate(text), text.find("\"opened\""));

        let h = hooks("timeout = \"0s\"\n");
        assert!(
            validate_in(&h, &[])
                .unwrap_err()
                .1
                .contains("longer than zero")
        );
        let h = hooks("[[rule]]\non = \"open\"\ngrade = \"IV\"\ncommand = \"x\"\n");
        assert!(validate_in(&h, &[]).unwrap_err().1.contains("not a grade"));
        let h = hooks("[[rule]]\non = \"open\"\ndepartment = \"nope\"\ncommand = \"x\"\n");
        assert!(
            validate_in(&h, &["service"])
                .unwrap_err()
                .1
                .contains("known: service")
        );
    }
}
