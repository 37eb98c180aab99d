//! Customer tiers (service levels): `[sla.tiers.NAME]` with their own business calendar
//! (`[calendars.NAME]`) and target overrides, and which tier a customer is in.
//!
//! ```toml
//! [calendars.24x7]
//! always = true                       # every hour of every day is working time
//!
//! [sla.tiers.gold]
//! calendar = "24x7"                   # a [calendars.NAME], or "default" ([calendar])
//! match = { tag = "vip" }             # customers tagged vip (one tag or a list: any)
//! targets = { resolve = "24bh", respond = "30m" }
//! ```
//!
//! - A customer's tier is the one set on the customer (`customer edit ID --tier gold
//!   --tier-until DATE`) while that date has not passed; else the first tier, by name,
//!   whose `match` tag the customer has; else none (the default tier: `[calendar]` and
//!   the timers' own targets).
//! - A tier's `targets` replace, for its tickets, the targets of the timers they name: a
//!   string applies to every ticket of the tier (like `all`), a table is keyed like
//!   `[sla.timers.NAME] target` (`{ III = "4h", all = "8h" }`). Timers it does not name
//!   keep their targets, counted on the tier's calendar.
//! - The tier is stamped into the ticket's `open` event, so a later change to the
//!   customer never moves an old ticket's deadlines.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Config;
use crate::keypath::KeyPath;
use crate::names::did_you_mean;
use crate::time::Calendar;

/// The name of `[calendar]` among `[calendars]`, and of "no tier" in listings.
pub const DEFAULT_CALENDAR: &str = "default";
/// What a ticket without a tier is counted as (`stats --by tier`, `ticket show`).
pub const DEFAULT_TIER: &str = "default";
/// `check` and `sla check` warn of a customer's explicit tier ending this many days
/// from today or sooner.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// `[sla.tiers.NAME]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// A `[calendars.NAME]`, or `default` (`[calendar]`, also when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// Which customers are in the tier without an explicit `--tier`.
    #[serde(default, rename = "match")]
    pub matches: TierMatch,
    /// Timer name -> a target, or a table keyed like a timer's `target`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub targets: BTreeMap<String, TierTarget>,
}

/// `match = { tag = "vip" }`: customers with that tag (one or a list: any of them).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TierMatch {
    #[serde(default, deserialize_with = "super::one_or_many")]
    pub tag: Vec<String>,
}

/// A tier's target for one timer.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum TierTarget {
    /// For every ticket of the tier, as `all`.
    One(String),
    /// Keyed like `[sla.timers.NAME] target`.
    Keyed(BTreeMap<String, String>),
}

/// By hand rather than `untagged`, so that a wrong type says what is expected (see
/// `config::wrong_type`).
impl<'de> Deserialize<'de> for TierTarget {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = TierTarget;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a target such as \"8h\", or a table such as { III = \"4h\", all = \"8h\" }",
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<TierTarget, E> {
                Ok(TierTarget::One(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<TierTarget, A::Error> {
                let mut out = BTreeMap::new();
                while let Some((k, v)) = map.next_entry::<String, String>()? {
                    out.insert(k, v);
                }
                Ok(TierTarget::Keyed(out))
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl TierTarget {
    /// As a timer's `target` table.
    pub fn table(&self) -> BTreeMap<String, String> {
        match self {
            TierTarget::One(t) => BTreeMap::from([("all".to_string(), t.clone())]),
            TierTarget::Keyed(map) => map.clone(),
        }
    }
}

impl Config {
    /// The tier of a customer with `tags` and an explicit tier `set` (with the last day
    /// of its contract, if any) on day `on`. See the module documentation.
    pub fn tier_for(
        &self,
        tags: &[String],
        set: Option<(&str, Option<NaiveDate>)>,
        on: NaiveDate,
    ) -> Option<String> {
        if let Some((tier, until)) = set
            && until.is_none_or(|last| on <= last)
            && self.sla.tiers.contains_key(tier)
        {
            return Some(tier.to_string());
        }
        self.sla
            .tiers
            .iter()
            .find(|(_, t)| t.matches.tag.iter().any(|tag| tags.contains(tag)))
            .map(|(name, _)| name.clone())
    }

    /// The calendar of tier `name` (validated when the config was loaded).
    pub fn tier_calendar(&self, name: &str) -> Option<Calendar> {
        let tier = self.sla.tiers.get(name)?;
        self.named_calendar(tier.calendar.as_deref().unwrap_or(DEFAULT_CALENDAR))
    }
}

/// `[calendars]` and `[sla.tiers]` cross-references: calendar and timer names, tier
/// names. Target values are checked with the policy (`Policy::with_tiers`).
pub(super) fn validate(config: &Config) -> Result<(), (KeyPath, String)> {
    let bad = |key: KeyPath, problem: String| {
        let message = format!("{key}: {problem}");
        Err((key, message))
    };
    for (name, cal) in &config.calendars {
        let key = KeyPath::new(["calendars", name.as_str()]);
        if name == DEFAULT_CALENDAR {
            return bad(
                key,
                "\"default\" is the [calendar] table itself; name this calendar differently".into(),
            );
        }
        if let Err(e) = Calendar::new(config.timezone, cal) {
            let key = e.key_in(cal, &key);
            return bad(key, e.to_string());
        }
    }
    let calendars =
        || std::iter::once(DEFAULT_CALENDAR).chain(config.calendars.keys().map(String::as_str));
    let timers = || config.sla.timers.keys().map(String::as_str);
    for (name, tier) in &config.sla.tiers {
        let key = |k: &str| KeyPath::new(["sla", "tiers", name.as_str(), k]);
        if !super::views::valid_name(name) || name == DEFAULT_TIER {
            return bad(
                KeyPath::new(["sla", "tiers", name.as_str()]),
                format!(
                    "\"{name}\" cannot name a tier: use letters, digits, - and _, and not \
                     \"{DEFAULT_TIER}\" (tickets without a tier)"
                ),
            );
        }
        if let Some(c) = &tier.calendar
            && !calendars().any(|k| k == c)
        {
            return bad(
                key("calendar"),
                format!(
                    "\"{c}\" is not a calendar{}; calendars: {} (add [calendars.{c}] to define it)",
                    did_you_mean(c, calendars()),
                    calendars().collect::<Vec<_>>().join(", ")
                ),
            );
        }
        for (i, tag) in tier.matches.tag.iter().enumerate() {
            if tag.trim().is_empty() {
                return bad(
                    key("match").key("tag").index(i),
                    "a tag is not empty".into(),
                );
            }
        }
        for timer in tier.targets.keys() {
            if !config.sla.timers.contains_key(timer) {
                return bad(
                    key("targets").key(timer.as_str()),
                    format!(
                        "\"{timer}\" is not a timer in [sla.timers]{}; timers: {}",
                        did_you_mean(timer, timers()),
                        timers().collect::<Vec<_>>().join(", ")
                    ),
                );
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config(extra: &str) -> Result<Config, String> {
        let text = format!(
            "schema = 1\nname = \"x\"\ntimezone = \"Asia/Shanghai\"\n\
             [sla.timers.resolve]\nstart = \"open\"\nstop = \"resolve\"\ntarget = {{ all = \"3wd\" }}\n{extra}"
        );
        Config::parse(Path::new("svcdesk.toml"), &text).map_err(|e| e.to_string())
    }

    #[test]
    fn an_explicit_tier_wins_until_its_last_day_then_tags_decide() {
        let c = config(
            "[calendars.allday]\nalways = true\n\
             [sla.tiers.gold]\ncalendar = \"allday\"\nmatch = { tag = \"vip\" }\n\
             [sla.tiers.silver]\nmatch = { tag = [\"partner\", \"vip\"] }\n",
        )
        .unwrap();
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let vip = ["vip".to_string()];
        let partner = ["partner".to_string()];
        // Several tiers match: the first by name.
        assert_eq!(
            c.tier_for(&vip, None, day("2026-12-02")).as_deref(),
            Some("gold")
        );
        assert_eq!(
            c.tier_for(&partner, None, day("2026-12-02")).as_deref(),
            Some("silver")
        );
        assert_eq!(c.tier_for(&[], None, day("2026-12-02")), None);
        let set = Some(("silver", Some(day("2026-12-31"))));
        assert_eq!(
            c.tier_for(&vip, set, day("2026-12-31")).as_deref(),
            Some("silver")
        );
        assert_eq!(
            c.tier_for(&vip, set, day("2027-01-01")).as_deref(),
            Some("gold")
        );
        assert_eq!(c.tier_for(&[], set, day("2027-01-01")), None);
        // A tier removed from the config no longer applies.
        assert_eq!(
            c.tier_for(&[], Some(("bronze", None)), day("2026-12-02")),
            None
        );
        assert!(c.tier_calendar("gold").is_some());
    }

    #[test]
    fn the_commented_example_of_init_works_uncommented() {
        let text = super::super::default_config("x", chrono_tz::Asia::Shanghai);
        let start = text.find("# [calendars.24x7]").expect("the example");
        let end = start + text[start..].find("\n\n").expect("its end");
        let example: String = text[start..end]
            .lines()
            .map(|l| {
                l.strip_prefix("# ")
                    .unwrap_or(l.strip_prefix('#').unwrap_or(l))
            })
            .collect::<Vec<_>>()
            .join("\n");
        let text = format!("{}{example}{}", &text[..start], &text[end..]);
        let c = Config::parse(Path::new("svcdesk.toml"), &text).unwrap();
        assert_eq!(c.sla.tiers["gold"].calendar.as_deref(), Some("24x7"));
        assert!(c.calendars["24x7"].always);
        let p = c.policy().unwrap();
        assert!(p.tiers.contains_key("gold"));
    }

    #[test]
    fn bad_names_are_reported_at_their_key() {
        let e = config("[sla.tiers.gold]\ncalendar = \"24x7\"\n").unwrap_err();
        assert!(
            e.starts_with("svcdesk.toml:9:12: sla.tiers.gold.calendar: \"24x7\" is not a calendar"),
            "{e}"
        );
        let e = config("[sla.tiers.gold]\ntargets = { resolv = \"8h\" }\n").unwrap_err();
        assert!(e.contains("sla.tiers.gold.targets.resolv: \"resolv\" is not a timer in [sla.timers] (did you mean \"resolve\"?)"), "{e}");
        let e = config("[sla.tiers.gold]\ntargets = { resolve = \"8x\" }\n").unwrap_err();
        assert!(e.starts_with("svcdesk.toml:9:"), "{e}");
        assert!(e.contains("sla.tiers.gold.targets.resolve = \"8x\""), "{e}");
        let e = config("[sla.tiers.gold]\ntargets = { resolve = { IV = \"8h\" } }\n").unwrap_err();
        assert!(
            e.contains("sla.tiers.gold.targets.resolve.IV = \"8h\""),
            "{e}"
        );
        let e = config("[sla.tiers.gold]\ntargets = { resolve = 8 }\n").unwrap_err();
        assert!(
            e.ends_with(
                "sla.tiers.gold.targets.resolve: a tier's target is a quoted string such as \"8h\", \
                 or a table such as { III = \"4h\", all = \"8h\" }, not the number 8"
            ),
            "{e}"
        );
        let e = config("[sla.tiers.gold]\ntargets = { resolve = { III = 8 } }\n").unwrap_err();
        assert!(
            e.contains("sla.tiers.gold.targets.resolve.III: a target is a quoted string"),
            "{e}"
        );
        let e =
            config("[calendars.allday]\nalways = true\nholidays = [\"2026-10-01\"]\n").unwrap_err();
        assert!(
            e.starts_with("svcdesk.toml:10:12: calendars.allday.holidays: `always = true`"),
            "{e}"
        );
        let e = config("[calendars.x]\nhours = [\"09:00-08:00\"]\n").unwrap_err();
        assert!(
            e.contains("calendars.x.hours[0]: invalid working-hours"),
            "{e}"
        );
    }
}
