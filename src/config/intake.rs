//! `[intake]`: how `svcdesk intake mail|json` turns a message nobody typed into a ticket:
//! the category by ordered keyword rules, else a default; what to do with a sender who is
//! no customer yet; how long to wait for the desk lock before asking the mail system to
//! retry. Optional: a desk without it takes mail with the defaults below.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::keypath::KeyPath;

/// How long `intake` waits for the desk lock when `lock_wait` is not given.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Intake {
    /// The category when no rule matches [default: `consult` if the desk has it].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Keyword rules, first match wins: `{ match = "漏水", category = "quality" }`; a rule
    /// matches when its word is in the subject or the text (case-blind).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    /// A sender who is no customer: "create" (register them, named by their display
    /// name), "customer:C…" (put the ticket on that customer), or "refuse".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown: Option<String>,
    /// How long to wait for the desk lock before exiting 75 (retry later): "30s", "2m".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock_wait: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    #[serde(rename = "match")]
    pub word: String,
    pub category: String,
}

/// What to do with a sender who is no customer yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unknown {
    Create,
    Customer(String),
    Refuse,
}

impl Intake {
    /// No `[intake]` section (or an empty one).
    pub fn is_off(&self) -> bool {
        self.category.is_none()
            && self.rules.is_empty()
            && self.unknown.is_none()
            && self.lock_wait.is_none()
    }

    /// `unknown`, validated when the config loaded.
    pub fn unknown(&self) -> Unknown {
        self.unknown
            .as_deref()
            .and_then(|u| parse_unknown(u).ok())
            .unwrap_or(Unknown::Create)
    }

    /// `lock_wait`, validated when the config loaded.
    pub fn lock_wait(&self) -> Duration {
        self.lock_wait
            .as_deref()
            .and_then(|t| super::hooks::parse_timeout(t).ok())
            .unwrap_or(DEFAULT_LOCK_WAIT)
    }

    /// The category of a message with this subject and text: the first rule whose word
    /// it contains (case-blind), else `category`, else `consult`.
    pub fn category(&self, subject: &str, text: &str) -> String {
        let (subject, text) = (subject.to_lowercase(), text.to_lowercase());
        self.rules
            .iter()
            .find(|r| {
                let w = r.word.to_lowercase();
                subject.contains(&w) || text.contains(&w)
            })
            .map(|r| r.category.clone())
            .or_else(|| self.category.clone())
            .unwrap_or_else(|| "consult".into())
    }
}

fn parse_unknown(u: &str) -> Result<Unknown, String> {
    match u.trim() {
        "create" => Ok(Unknown::Create),
        "refuse" => Ok(Unknown::Refuse),
        other => match other.strip_prefix("customer:").map(str::trim) {
            Some(c) if !c.is_empty() => Ok(Unknown::Customer(c.to_string())),
            _ => Err(format!(
                "\"{u}\" is not a choice: write \"create\", \"refuse\" or \"customer:ID\" (e.g. \"customer:C20261124-K7Q2XM\")"
            )),
        },
    }
}

/// Checks `[intake]` against the desk's categories.
pub fn validate_in(
    intake: &Intake,
    categories: &[&str],
) -> std::result::Result<(), (KeyPath, String)> {
    let category = |key: KeyPath, c: &str| {
        if categories.contains(&c) {
            Ok(())
        } else {
            Err((
                key.clone(),
                format!(
                    "{key}: \"{c}\" is not a category of [categories]; categories: {}",
                    categories.join(", ")
                ),
            ))
        }
    };
    if let Some(c) = &intake.category {
        category(KeyPath::new(["intake", "category"]), c)?;
    }
    for (i, r) in intake.rules.iter().enumerate() {
        let key = |k: &str| KeyPath::new(["intake", "rules"]).index(i).key(k);
        if r.word.trim().is_empty() {
            let k = key("match");
            return Err((k.clone(), format!("{k}: a rule needs a word to match")));
        }
        category(key("category"), &r.category)?;
    }
    if let Some(u) = &intake.unknown {
        let k = KeyPath::new(["intake", "unknown"]);
        parse_unknown(u).map_err(|m| (k.clone(), format!("{k}: {m}")))?;
    }
    if let Some(t) = &intake.lock_wait {
        let k = KeyPath::new(["intake", "lock_wait"]);
        super::hooks::parse_timeout(t).map_err(|m| (k.clone(), format!("{k}: {m}")))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_matching_rule_wins_else_the_default() {
        let i = Intake {
            category: Some("complaint".into()),
            rules: vec![
                Rule {
                    word: "漏水".into(),
                    category: "quality".into(),
                },
                Rule {
                    word: "Invoice".into(),
                    category: "agency".into(),
                },
            ],
            ..Intake::default()
        };
        assert_eq!(i.category("空调漏水", ""), "quality");
        assert_eq!(i.category("hello", "the INVOICE, and 漏水"), "quality");
        assert_eq!(i.category("invoice", ""), "agency");
        assert_eq!(i.category("other", "text"), "complaint");
        assert_eq!(Intake::default().category("x", "y"), "consult");
    }

    #[test]
    fn the_section_init_writes_commented_parses_uncommented() {
        let text = super::super::default_config("d", chrono_tz::Asia::Shanghai);
        let (head, tail) = text.split_at(text.find("# [intake]").expect("init writes it"));
        let mut on = head.to_string();
        for l in tail.lines().take_while(|l| l.starts_with("# ")) {
            on.push_str(&l[2..]);
            on.push('\n');
        }
        let c = super::super::Config::parse(std::path::Path::new("svcdesk.toml"), &on).unwrap();
        assert_eq!(c.intake.category("发票", ""), "agency");
        assert_eq!(c.intake.lock_wait(), DEFAULT_LOCK_WAIT);
    }

    #[test]
    fn unknown_senders_and_the_lock_wait_parse() {
        assert_eq!(parse_unknown("create"), Ok(Unknown::Create));
        assert_eq!(
            parse_unknown("customer:C20261124-K7Q2XM"),
            Ok(Unknown::Customer("C20261124-K7Q2XM".into()))
        );
        assert!(parse_unknown("customer:").is_err());
        assert!(parse_unknown("drop").is_err());
        assert_eq!(Intake::default().unknown(), Unknown::Create);
        assert_eq!(Intake::default().lock_wait(), DEFAULT_LOCK_WAIT);
        let bad = Intake {
            rules: vec![Rule {
                word: "x".into(),
                category: "nope".into(),
            }],
            ..Intake::default()
        };
        let (key, msg) = validate_in(&bad, &["consult"]).unwrap_err();
        assert_eq!(key.to_string(), "intake.rules[0].category");
        assert!(msg.contains("\"nope\" is not a category"), "{msg}");
    }
}
