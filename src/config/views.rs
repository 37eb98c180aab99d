//! `[views.NAME]`: saved ticket listings (`svcdesk ticket list @NAME`). A view is the
//! filter keys of `ticket list` (see [`TicketFilter`]) plus how to show them (`sort`,
//! `reverse`, `sla`) and a `description`. The same filter is what `--where` gives a bulk
//! step. Matching lives in `model::listing`; this module only reads and checks the words.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize};

use crate::keypath::KeyPath;
use crate::vocab::{Channel, Grade, Priority, State, vocab};

/// Which tickets a listing keeps; every given key must match (a list key: any of its
/// values; `tag`: all of them). Keys are `ticket list`'s flags, `-` written `_`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketFilter {
    /// Not closed (and not merged).
    #[serde(default)]
    pub open: bool,
    /// Assigned to whoever runs the command (--as / SVCDESK_USER).
    #[serde(default)]
    pub mine: bool,
    #[serde(default, deserialize_with = "one_or_many")]
    pub state: Vec<State>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub grade: Vec<Grade>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub priority: Vec<Priority>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub category: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub department: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub assignee: Vec<String>,
    /// A customer ID or abbreviation (resolved against the desk when matching).
    pub customer: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub channel: Vec<Channel>,
    /// Tags the ticket must all carry.
    #[serde(default, rename = "tag", deserialize_with = "one_or_many")]
    pub tags: Vec<String>,
    pub opened_from: Option<Day>,
    pub opened_to: Option<Day>,
    pub closed_from: Option<Day>,
    pub closed_to: Option<Day>,
    /// Case-blind text in the title, description, product, serial or resolution.
    pub text: Option<String>,
    /// `text` is also looked for in every event of the history (notes, replies,
    /// diagnoses, reasons…).
    #[serde(default)]
    pub history: bool,
    /// A running SLA timer is past its deadline.
    #[serde(default)]
    pub overdue: bool,
    /// A running SLA timer is due within this long: "2h", "30m", "1d".
    #[serde(default, deserialize_with = "de_duration")]
    pub due_within: Option<Duration>,
    /// Custom fields (`[fields.NAME]`) the ticket must hold, NAME = VALUE (`""`: none):
    /// `field = { "保修状态" = "保内" }`; `--field NAME=VALUE`, `--where field:NAME=VALUE`.
    #[serde(default, rename = "field")]
    pub fields: BTreeMap<String, String>,
    /// A collaboration request (`ticket collab`) was made to one of these departments.
    #[serde(default, deserialize_with = "one_or_many")]
    pub collab_to: Vec<String>,
    /// A collaboration request is still unanswered (with `collab_to`: one to them).
    #[serde(default)]
    pub collab_open: bool,
    /// Opened by one of these staff (the `by` of the open event).
    #[serde(default, deserialize_with = "one_or_many")]
    pub opened_by: Vec<String>,
    /// Followed by whoever runs the command: the opener follows a ticket by default,
    /// whoever it is passed on to, and so does whoever took `ticket follow`.
    #[serde(default)]
    pub following: bool,
    /// Open and never routed to a department: waiting in the intake for a person to
    /// forward it (`ticket forward`; `[routing] manual` channels).
    #[serde(default)]
    pub unforwarded: bool,
    /// Opened for a customer of one of these tiers (`[sla.tiers]`; `default`: none).
    #[serde(default, deserialize_with = "one_or_many")]
    pub tier: Vec<String>,
    /// Waiting for the review of its department head (`[review]`): it needs one and no
    /// approval stands.
    #[serde(default)]
    pub review_pending: bool,
}

impl TicketFilter {
    /// Whether matching needs to know who runs the command.
    pub fn needs_me(&self) -> bool {
        self.mine || self.following
    }

    /// Whether matching needs the SLA policy.
    pub fn needs_sla(&self) -> bool {
        self.overdue || self.due_within.is_some()
    }
}

/// A day in a filter: `2026-11-01`, or counted from today (desk time): `-30d`, `-2w`,
/// `+7d`, `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Day {
    On(NaiveDate),
    /// Days from today (negative: back).
    FromToday(i64),
}

impl Day {
    pub fn parse(s: &str) -> Option<Day> {
        let t = s.trim();
        if t == "today" {
            return Some(Day::FromToday(0));
        }
        if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            return Some(Day::On(d));
        }
        let (sign, rest) = match t.as_bytes().first()? {
            b'-' => (-1, &t[1..]),
            b'+' => (1, &t[1..]),
            _ => return None,
        };
        let (n, per) = match rest.char_indices().last()? {
            (i, 'd') => (&rest[..i], 1),
            (i, 'w') => (&rest[..i], 7),
            _ => return None,
        };
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: i64 = n.parse().ok().filter(|n| *n <= 100_000)?;
        Some(Day::FromToday(sign * n * per))
    }

    /// The date this is on `today`.
    pub fn on(self, today: NaiveDate) -> NaiveDate {
        match self {
            Day::On(d) => d,
            Day::FromToday(n) => today + Duration::days(n),
        }
    }
}

impl From<NaiveDate> for Day {
    fn from(d: NaiveDate) -> Day {
        Day::On(d)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
        let s = String::deserialize(d)?;
        Day::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "\"{s}\" is not a day; write \"2026-11-01\", \"today\", or \"-30d\" / \"-2w\" back from today"
            ))
        })
    }
}

fn de_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    let s = String::deserialize(d)?;
    crate::time::parse_duration(&s).map(Some).map_err(|e| {
        serde::de::Error::custom(format!(
            "{e}; write a duration such as \"30m\", \"2h\" or \"1d\""
        ))
    })
}

/// One value or a list of them, read as a list.
fn one_or_many<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    let v = toml::Value::deserialize(d)?;
    let many = match v {
        toml::Value::Array(items) => items,
        one => vec![one],
    };
    many.into_iter()
        .map(|v| T::deserialize(v).map_err(serde::de::Error::custom))
        .collect()
}

vocab!(
    /// How `ticket list` orders tickets.
    TicketSort {
        Id = "id",
        Opened = "opened",
        State = "state",
        Grade = "grade",
        Priority = "priority",
        Assignee = "assignee",
        Customer = "customer",
    }
);

/// A saved view: its filter and how it is shown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct View {
    pub description: Option<String>,
    pub sort: Option<TicketSort>,
    pub reverse: bool,
    pub sla: bool,
    pub filter: TicketFilter,
}

/// The keys of a view that are not filter keys.
const SHOWN: &[&str] = &["description", "sort", "reverse", "sla"];

impl View {
    /// The view `[views.NAME]` written as `table`. An error names the key at fault (its
    /// path under `views.NAME`) and says what is wrong.
    pub fn read(name: &str, table: &toml::Table) -> Result<View, (KeyPath, String)> {
        let path = KeyPath::new(["views", name]);
        let at = |k: &str, m: String| {
            let key = path.clone().key(k);
            let message = format!("{key}: {m}");
            (key, message)
        };
        let mut view = View::default();
        let mut rest = toml::Table::new();
        for (k, v) in table {
            match (k.as_str(), v) {
                ("description", toml::Value::String(s)) => view.description = Some(s.clone()),
                ("reverse", toml::Value::Boolean(b)) => view.reverse = *b,
                ("sla", toml::Value::Boolean(b)) => view.sla = *b,
                ("sort", toml::Value::String(s)) => {
                    view.sort = Some(TicketSort::parse(s).ok_or_else(|| {
                        at(
                            k,
                            format!(
                                "\"{s}\" is not a sort key{}; sort keys: {}",
                                crate::names::did_you_mean(
                                    s,
                                    TicketSort::ALL.iter().map(|s| s.as_str())
                                ),
                                TicketSort::names()
                            ),
                        )
                    })?)
                }
                ("description" | "sort", _) => return Err(at(k, "write a quoted string".into())),
                ("reverse" | "sla", _) => return Err(at(k, "write true or false".into())),
                _ => {
                    rest.insert(k.clone(), v.clone());
                }
            }
        }
        view.filter = filter_from(&rest, SHOWN).map_err(|(k, m)| match k {
            Some(k) => at(&k, m),
            None => (path.clone(), format!("{path}: {m}")),
        })?;
        Ok(view)
    }
}

/// The names a filter key may have, for "did you mean".
pub const FILTER_KEYS: &[&str] = &[
    "open",
    "mine",
    "state",
    "grade",
    "priority",
    "category",
    "department",
    "assignee",
    "customer",
    "channel",
    "tag",
    "opened_from",
    "opened_to",
    "closed_from",
    "closed_to",
    "text",
    "history",
    "overdue",
    "due_within",
    "collab_to",
    "collab_open",
    "opened_by",
    "following",
    "unforwarded",
    "tier",
    "review_pending",
];

/// The filter `table` spells, or the key at fault (when one is) and what is wrong.
/// `also`: the other keys allowed where the table is (a view's `sort`…), for the message.
pub fn filter_from(
    table: &toml::Table,
    also: &[&str],
) -> Result<TicketFilter, (Option<String>, String)> {
    for (k, v) in table {
        if !FILTER_KEYS.contains(&k.as_str()) {
            let mut all = FILTER_KEYS.to_vec();
            all.extend(also);
            return Err((
                Some(k.clone()),
                format!(
                    "unknown key \"{k}\"{}; the keys: {}",
                    crate::names::did_you_mean(k, all.iter().copied()),
                    all.join(", ")
                ),
            ));
        }
        // Each key alone first, so an error names the key it is about.
        let mut one = toml::Table::new();
        one.insert(k.clone(), v.clone());
        if let Err(e) = TicketFilter::deserialize(toml::Value::Table(one)) {
            return Err((Some(k.clone()), e.message().trim().to_string()));
        }
    }
    TicketFilter::deserialize(toml::Value::Table(table.clone()))
        .map_err(|e| (None, e.message().trim().to_string()))
}

/// The keys that are true or false: alone in a `--where` term they mean true.
const FLAGS: &[&str] = &[
    "open",
    "mine",
    "history",
    "overdue",
    "collab_open",
    "following",
    "unforwarded",
    "review_pending",
];

/// The filter of `--where` terms: `KEY=VALUE` (a key given twice matches either value),
/// or a true/false key alone (`open`, `mine`, `overdue`, `history`). `@VIEW` terms are the
/// caller's. An error says which term is wrong.
pub fn filter_from_terms(terms: &[String]) -> Result<TicketFilter, String> {
    let mut table = toml::Table::new();
    for term in terms {
        let (k, v) = match term.split_once('=') {
            Some((k, v)) => (k.trim(), Some(v.trim())),
            None => (term.trim(), None),
        };
        if let Some(name) = k.strip_prefix("field:") {
            let fields = table
                .entry("field")
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if let toml::Value::Table(fields) = fields {
                let v = v.unwrap_or("").to_string();
                fields.insert(name.to_string(), toml::Value::String(v));
            }
            continue;
        }
        let k = k.replace('-', "_");
        let value = match v {
            None if FLAGS.contains(&k.as_str()) => toml::Value::Boolean(true),
            None => {
                return Err(format!(
                    "--where \"{term}\": write KEY=VALUE, @VIEW, or one of {} alone",
                    FLAGS.join(", ")
                ));
            }
            Some(v) if FLAGS.contains(&k.as_str()) => match v {
                "true" | "yes" => toml::Value::Boolean(true),
                "false" | "no" => toml::Value::Boolean(false),
                _ => return Err(format!("--where \"{term}\": {k} is true or false")),
            },
            Some(v) => toml::Value::String(v.to_string()),
        };
        match table.get_mut(&k) {
            // A true/false key said twice: the last word holds.
            Some(first) if FLAGS.contains(&k.as_str()) => *first = value,
            Some(toml::Value::Array(all)) => all.push(value),
            Some(first) => *first = toml::Value::Array(vec![first.clone(), value]),
            None => {
                table.insert(k, value);
            }
        }
    }
    filter_from(&table, &[]).map_err(|(k, m)| match k {
        Some(k) => format!("--where {k}: {m}"),
        None => format!("--where: {m}"),
    })
}

/// `[views]` as written: each view's table, checked when the config loads.
pub type Views = BTreeMap<String, toml::Table>;

/// Whether `name` may name a view: letters, digits, `-` and `_`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn where_terms_are_keys_with_values_or_flags_alone() {
        let terms =
            |t: &[&str]| filter_from_terms(&t.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let f = terms(&[
            "assignee=wang",
            "open",
            "state=new",
            "state=assigned",
            "open",
        ])
        .unwrap();
        assert_eq!(f.assignee, vec!["wang".to_string()]);
        assert!(f.open);
        assert_eq!(f.state, vec![State::New, State::Assigned]);
        let f = terms(&["text=pump seal", "due-within=2h"]).unwrap();
        assert_eq!(f.text.as_deref(), Some("pump seal"));
        assert_eq!(f.due_within, Some(Duration::hours(2)));
        assert!(terms(&["wang"]).unwrap_err().contains("KEY=VALUE"));
        assert!(terms(&["open=maybe"]).is_err());
        let e = terms(&["asignee=wang"]).unwrap_err();
        assert!(e.contains("did you mean \"assignee\"?"), "{e}");
    }

    fn table(s: &str) -> toml::Table {
        toml::from_str(s).unwrap()
    }

    #[test]
    fn a_view_reads_its_filter_and_how_it_is_shown() {
        let v = View::read(
            "mine",
            &table(
                "mine = true\nopen = true\nstate = \"accepted\"\ngrade = [\"I\", \"II\"]\n\
                 sort = \"priority\"\nopened_from = \"-30d\"\ndue_within = \"2h\"\n",
            ),
        )
        .unwrap();
        assert_eq!(v.sort, Some(TicketSort::Priority));
        assert!(v.filter.mine && v.filter.open);
        assert_eq!(v.filter.state, vec![State::Accepted]);
        assert_eq!(v.filter.grade, vec![Grade::I, Grade::II]);
        assert_eq!(v.filter.opened_from, Some(Day::FromToday(-30)));
        assert_eq!(v.filter.due_within, Some(Duration::hours(2)));
    }

    #[test]
    fn a_bad_key_or_value_names_its_key() {
        let (k, m) = View::read("x", &table("asignee = \"wang\"")).unwrap_err();
        assert_eq!(k.to_string(), "views.x.asignee");
        assert!(m.contains("did you mean \"assignee\"?"), "{m}");
        let (k, m) = View::read("x", &table("state = [\"accepted\", \"lost\"]")).unwrap_err();
        assert_eq!(k.to_string(), "views.x.state");
        assert!(m.contains("lost"), "{m}");
        let (k, _) = View::read("x", &table("opened_from = \"yesterday\"")).unwrap_err();
        assert_eq!(k.to_string(), "views.x.opened_from");
        let (k, _) = View::read("x", &table("sort = \"size\"")).unwrap_err();
        assert_eq!(k.to_string(), "views.x.sort");
    }

    #[test]
    fn days_are_dates_or_counted_from_today() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let on = |s: &str| Day::parse(s).map(|d| d.on(today).to_string());
        assert_eq!(on("-30d").as_deref(), Some("2026-11-02"));
        assert_eq!(on("-1w").as_deref(), Some("2026-11-25"));
        assert_eq!(on("+1d").as_deref(), Some("2026-12-03"));
        assert_eq!(on("today").as_deref(), Some("2026-12-02"));
        assert_eq!(on("2026-01-05").as_deref(), Some("2026-01-05"));
        assert_eq!(on("-d"), None);
        assert_eq!(on("30d"), None);
        assert_eq!(on("-3x"), None);
    }
}
