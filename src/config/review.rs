//! `[review]`: which tickets need the review of their department's head (or one of its
//! `delegates`) before a step: 「由各事業部負責人(或其授權人)審閱後」. Optional: without
//! it no step waits for a review. Who may review and the refusal of the gated step are
//! `model::ticket_store::authorize`; whether a review stands is `model::steps::review`.

use serde::{Deserialize, Serialize};

use crate::keypath::KeyPath;
use crate::vocab::{Action, Channel, Grade};

/// The steps a review may gate.
pub const GATED: &[Action] = &[Action::Resolve, Action::Close];

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// The step refused until an approving review stands: "resolve" or "close".
    pub before: String,
    /// Only tickets that came in on these channels ([] or absent: any).
    #[serde(default)]
    pub channels: Vec<String>,
    /// Only tickets of these categories ([] or absent: any).
    #[serde(default)]
    pub categories: Vec<String>,
    /// Only tickets of these grades ([] or absent: any).
    #[serde(default)]
    pub grades: Vec<String>,
}

impl Review {
    /// The gated step (checked when the config loaded).
    pub fn before(&self) -> Action {
        Action::parse(&self.before).unwrap_or(Action::Resolve)
    }

    /// Whether a ticket on `channel`, of `category` and `grade`, needs the review: every
    /// non-empty list holds its value.
    pub fn applies(
        &self,
        channel: Option<Channel>,
        category: Option<&str>,
        grade: Option<Grade>,
    ) -> bool {
        let holds = |list: &[String], v: Option<&str>| {
            list.is_empty() || v.is_some_and(|v| list.iter().any(|x| x == v))
        };
        holds(&self.channels, channel.map(Channel::as_str))
            && holds(&self.categories, category)
            && holds(&self.grades, grade.map(Grade::as_str))
    }

    /// Checks the words; `categories` are the desk's category keys.
    pub(super) fn validate(
        &self,
        categories: &[&str],
    ) -> std::result::Result<(), (KeyPath, String)> {
        let key = |k: &str| KeyPath::new(["review", k]);
        let bad = |key: KeyPath, problem: String| Err((key.clone(), format!("{key}: {problem}")));
        if !GATED.iter().any(|a| a.as_str() == self.before) {
            return bad(
                key("before"),
                format!(
                    "\"{}\" cannot wait for a review; give {}",
                    self.before,
                    GATED
                        .iter()
                        .map(|a| format!("\"{a}\""))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            );
        }
        for (i, c) in self.channels.iter().enumerate() {
            if Channel::parse(c).is_none() {
                return bad(
                    key("channels").index(i),
                    format!(
                        "\"{c}\" is not a channel{}; channels: {}",
                        crate::names::did_you_mean(c, Channel::ALL.iter().map(|c| c.as_str())),
                        Channel::names()
                    ),
                );
            }
        }
        for (i, c) in self.categories.iter().enumerate() {
            if !categories.contains(&c.as_str()) {
                return bad(
                    key("categories").index(i),
                    format!(
                        "\"{c}\" is not a category{}; known: {}",
                        crate::names::did_you_mean(c, categories.iter().copied()),
                        categories.join(", ")
                    ),
                );
            }
        }
        for (i, g) in self.grades.iter().enumerate() {
            if Grade::parse(g).is_none() {
                return bad(
                    key("grades").index(i),
                    format!("\"{g}\" is not a grade (I, II, III)"),
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(channels: &[&str], grades: &[&str]) -> Review {
        Review {
            before: "resolve".into(),
            channels: channels.iter().map(|s| s.to_string()).collect(),
            categories: vec![],
            grades: grades.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn every_given_list_must_hold() {
        let r = rule(&["written"], &["II", "III"]);
        assert!(r.applies(Some(Channel::Written), None, Some(Grade::II)));
        assert!(!r.applies(Some(Channel::Written), None, Some(Grade::I)));
        assert!(!r.applies(Some(Channel::Phone), None, Some(Grade::III)));
        assert!(
            !r.applies(None, None, Some(Grade::III)),
            "no channel: no match"
        );
        assert!(
            rule(&[], &[]).applies(None, None, None),
            "no list: every ticket"
        );
    }

    #[test]
    fn only_resolve_and_close_wait() {
        let mut r = rule(&[], &[]);
        assert!(r.validate(&[]).is_ok());
        r.before = "assign".into();
        let (key, msg) = r.validate(&[]).unwrap_err();
        assert_eq!(key.to_string(), "review.before");
        assert!(msg.contains("\"resolve\" or \"close\""), "{msg}");
        let mut r = rule(&["letter"], &[]);
        assert!(r.validate(&[]).unwrap_err().1.contains("not a channel"));
        r.channels.clear();
        r.categories = vec!["complain".into()];
        let msg = r.validate(&["complaint"]).unwrap_err().1;
        assert!(msg.contains("did you mean \"complaint\""), "{msg}");
    }
}
