//! `[fields.NAME]`: a desk's own typed fields on tickets, customers and reports.
//!
//! ```toml
//! [fields.保修状态]
//! type = "choice"              # text, number, date (YYYY-MM-DD) or choice
//! values = ["保内", "保外"]     # choice only: the allowed values
//! for = ["ticket", "report"]   # which records carry it (default: all three)
//! label = "保修状态"            # how people read it (default: the name)
//! required = false             # must be given when the record is created
//! ```
//!
//! A record keeps its values, as text, in a `fields` table keyed by NAME; a ticket's
//! current values come from its history (`open` and `set field:NAME` events). A value
//! is checked against its definition when it is typed (`parse`) and again by `check`
//! (`valid`), so a hand edit or an older config is found, naming the field.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::keypath::KeyPath;
use crate::names::did_you_mean;

crate::vocab::vocab!(
    /// What a custom field holds.
    FieldType {
        /// Any text.
        Text = "text",
        /// A decimal number, e.g. 1200 or 3.5.
        Number = "number",
        /// A calendar date, YYYY-MM-DD.
        Date = "date",
        /// One of the field's `values`.
        Choice = "choice",
    }
);

crate::vocab::vocab!(
    /// A record kind that may carry custom fields.
    FieldRecord {
        Ticket = "ticket",
        Customer = "customer",
        Report = "report",
    }
);

/// A record's custom values, by field name (stored as text, sorted, so files and
/// exports are deterministic).
pub type Values = BTreeMap<String, String>;

/// One `[fields.NAME]` definition.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    #[serde(rename = "type")]
    pub kind: FieldType,
    /// The allowed values of a choice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// Which records carry it; default all.
    #[serde(rename = "for", default = "all_records")]
    pub records: Vec<FieldRecord>,
    /// The name people read (captions, Chinese CSV headers); default the field's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Must be given when a record of these kinds is created.
    #[serde(default)]
    pub required: bool,
}

fn all_records() -> Vec<FieldRecord> {
    FieldRecord::ALL.to_vec()
}

impl FieldDef {
    pub fn applies_to(&self, r: FieldRecord) -> bool {
        self.records.contains(&r)
    }

    /// What a value of this field may be, for errors and `--help`-like hints.
    pub fn allowed(&self) -> String {
        match self.kind {
            FieldType::Text => "any text".into(),
            FieldType::Number => "a number such as 1200 or 3.5".into(),
            FieldType::Date => "a date YYYY-MM-DD".into(),
            FieldType::Choice => format!("one of {}", self.values.join(", ")),
        }
    }

    /// A typed value in its stored form, or why it is not one (the message names what
    /// is allowed, not the field). Empty is not a value (it clears the field).
    pub fn parse(&self, raw: &str) -> Result<String, String> {
        let v = raw.trim();
        if v.is_empty() {
            return Err("a value cannot be empty".into());
        }
        match self.kind {
            FieldType::Text => Ok(v.to_string()),
            FieldType::Number => number(v)
                .map(str::to_string)
                .ok_or_else(|| format!("\"{v}\" is not a number; write {}", self.allowed())),
            FieldType::Date => NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map(|d| d.format("%Y-%m-%d").to_string())
                .map_err(|_| format!("\"{v}\" is not a date; write {}", self.allowed())),
            FieldType::Choice => match self.values.iter().find(|c| c.as_str() == v) {
                Some(c) => Ok(c.clone()),
                None => Err(format!(
                    "\"{v}\" is not allowed{}; {}",
                    did_you_mean(v, self.values.iter().map(String::as_str)),
                    self.allowed()
                )),
            },
        }
    }

    /// Whether a stored value is what `parse` would store.
    pub fn valid(&self, stored: &str) -> Result<(), String> {
        match self.parse(stored) {
            Ok(v) if v == stored => Ok(()),
            Ok(v) => Err(format!("\"{stored}\" should be written \"{v}\"")),
            Err(e) => Err(e),
        }
    }
}

/// `-?digits[.digits]`, as typed (no exponent, no thousands separator).
fn number(v: &str) -> Option<&str> {
    let body = v.strip_prefix('-').unwrap_or(v);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let ok = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && (!body.contains('.') || !frac.is_empty())
        && frac.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(v)
}

/// The numeric value of a stored number (for ordering and sums).
pub fn number_value(v: &str) -> Option<f64> {
    number(v.trim()).and_then(|n| n.parse().ok())
}

/// `[fields]` as loaded: definitions by name.
pub type Fields = BTreeMap<String, FieldDef>;

/// The definitions of fields a record kind carries, in name order.
pub fn for_record(fields: &Fields, r: FieldRecord) -> impl Iterator<Item = (&String, &FieldDef)> {
    fields.iter().filter(move |(_, d)| d.applies_to(r))
}

/// The definition of `name` for a record kind, or a message that names the fields it
/// has (with "did you mean").
pub fn lookup<'a>(fields: &'a Fields, r: FieldRecord, name: &str) -> Result<&'a FieldDef, String> {
    match fields.get(name) {
        Some(d) if d.applies_to(r) => Ok(d),
        Some(_) => Err(format!("field \"{name}\" is not a {r} field")),
        None => {
            let known: Vec<&str> = for_record(fields, r).map(|(k, _)| k.as_str()).collect();
            Err(format!(
                "\"{name}\" is not a {r} field{}; {}",
                did_you_mean(name, known.iter().copied()),
                if known.is_empty() {
                    "this desk defines none ([fields.NAME] in svcdesk.toml)".to_string()
                } else {
                    format!("fields: {}", known.join(", "))
                }
            ))
        }
    }
}

/// A record's values as people read them: `(label, value)` for the fields of kind `r`
/// in name order, then any value the config does not define, under its own name (so
/// `show` hides nothing `check` would complain of).
pub fn labelled(fields: &Fields, r: FieldRecord, values: &Values) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = for_record(fields, r)
        .filter_map(|(k, d)| {
            let v = values.get(k)?;
            Some((d.label.clone().unwrap_or_else(|| k.clone()), v.clone()))
        })
        .collect();
    for (k, v) in values {
        if fields.get(k).is_none_or(|d| !d.applies_to(r)) {
            out.push((k.clone(), v.clone()));
        }
    }
    out
}

/// A field's display name: its label, else its name.
pub fn label<'a>(fields: &'a Fields, name: &'a str) -> &'a str {
    fields
        .get(name)
        .and_then(|d| d.label.as_deref())
        .unwrap_or(name)
}

/// `NAME=VALUE` as typed on the command line, split at the first `=` (no check of the
/// name or value: that needs the desk's config).
pub fn split_assignment(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(format!("\"{s}\" is not NAME=VALUE")),
    }
}

/// `--field NAME=VALUE` values checked against the config: each value in its stored
/// form, `None` for `NAME=` (clear). The error names the field and what it allows.
pub fn parse_assignments(
    fields: &Fields,
    r: FieldRecord,
    given: &[(String, String)],
) -> Result<Vec<(String, Option<String>)>, String> {
    given
        .iter()
        .map(|(k, v)| {
            let def = lookup(fields, r, k)?;
            if v.trim().is_empty() {
                return Ok((k.clone(), None));
            }
            def.parse(v)
                .map(|v| (k.clone(), Some(v)))
                .map_err(|e| format!("--field {k}: {e}"))
        })
        .collect()
}

/// Values for a new record: the given ones (clearing means leaving out), refused when a
/// required field of this kind is missing.
pub fn new_values(
    fields: &Fields,
    r: FieldRecord,
    given: &[(String, String)],
) -> Result<Values, String> {
    let mut out = Values::new();
    for (k, v) in parse_assignments(fields, r, given)? {
        match v {
            Some(v) => out.insert(k, v),
            None => out.remove(&k),
        };
    }
    for (name, def) in for_record(fields, r) {
        if def.required && !out.contains_key(name) {
            return Err(format!(
                "field \"{name}\" is required for a new {r}: give --field {name}=VALUE ({})",
                def.allowed()
            ));
        }
    }
    Ok(out)
}

/// The list filter: every `NAME=VALUE` must equal the record's value (`NAME=` matches a
/// record without one). Choice and text compare exactly, numbers by value.
pub fn matches(values: &Values, filter: &[(String, String)]) -> bool {
    filter.iter().all(|(k, want)| holds(values, k, want))
}

/// Whether the record's value of field `name` is `want` (`""`: it has none).
pub fn holds(values: &Values, name: &str, want: &str) -> bool {
    let have = values.get(name).map(String::as_str).unwrap_or("");
    let want = want.trim();
    have == want || matches!((number_value(have), number_value(want)), (Some(a), Some(b)) if a == b)
}

/// Problems with a record's stored values: an unknown field, one its kind does not
/// carry, or a value its definition does not allow. Each is `NAME: problem`.
pub fn problems(fields: &Fields, r: FieldRecord, values: &Values) -> Vec<String> {
    values
        .iter()
        .filter_map(|(k, v)| match lookup(fields, r, k) {
            Err(e) => Some(format!("fields.{k}: {e}")),
            Ok(def) => def.valid(v).err().map(|e| format!("fields.{k}: {e}")),
        })
        .collect()
}

/// Cross-checks serde cannot do: a choice has values, only a choice has values, each
/// record kind once, no empty or ambiguous name.
pub fn validate(fields: &Fields) -> Result<(), (KeyPath, String)> {
    for (name, def) in fields {
        let key = |k: &str| KeyPath::new(["fields", name, k]);
        let bad = |key: KeyPath, problem: String| Err((key.clone(), format!("{key}: {problem}")));
        if name.trim().is_empty() || name.contains(['=', ',', ':']) || name != name.trim() {
            return bad(
                KeyPath::new(["fields", name]),
                "a field's name must not be empty or hold '=', ',' or ':'".into(),
            );
        }
        match def.kind {
            FieldType::Choice if def.values.is_empty() => {
                return bad(
                    key("type"),
                    "a choice needs its allowed values: values = [\"...\", ...]".into(),
                );
            }
            FieldType::Choice => {}
            other if !def.values.is_empty() => {
                return bad(
                    key("values"),
                    format!("only a choice has values; this field is a {other}"),
                );
            }
            _ => {}
        }
        for (i, v) in def.values.iter().enumerate() {
            if v.trim().is_empty() || v != v.trim() {
                return bad(
                    key("values").index(i),
                    "a value must not be empty or start or end with a space".into(),
                );
            }
            if def.values[..i].contains(v) {
                return bad(key("values").index(i), format!("\"{v}\" appears twice"));
            }
        }
        if def.records.is_empty() {
            return bad(
                key("for"),
                format!("name the records that carry it: {}", FieldRecord::names()),
            );
        }
        for (i, r) in def.records.iter().enumerate() {
            if def.records[..i].contains(r) {
                return bad(key("for").index(i), format!("\"{r}\" appears twice"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defs() -> Fields {
        toml::from_str(
            r#"
            ["保修状态"]
            type = "choice"
            values = ["保内", "保外"]
            [hours]
            type = "number"
            for = ["ticket"]
            [since]
            type = "date"
            required = true
            for = ["customer"]
            "#,
        )
        .unwrap()
    }

    #[test]
    fn values_parse_by_type() {
        let f = defs();
        assert_eq!(f["hours"].parse(" 1200 ").unwrap(), "1200");
        assert_eq!(f["hours"].parse("3.5").unwrap(), "3.5");
        for bad in ["12h", "1,200", "3.", ".5", "1e3"] {
            assert!(f["hours"].parse(bad).is_err(), "{bad}");
        }
        assert_eq!(f["since"].parse("2026-12-02").unwrap(), "2026-12-02");
        assert!(f["since"].parse("2026-13-02").is_err());
        assert_eq!(f["保修状态"].parse("保内").unwrap(), "保内");
        let e = f["保修状态"].parse("保内的").unwrap_err();
        assert!(e.contains("保内, 保外"), "{e}");
    }

    #[test]
    fn assignments_name_the_field_and_required_ones_are_enforced() {
        let f = defs();
        let a = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
        let e = parse_assignments(&f, FieldRecord::Ticket, &a("hours", "lots")).unwrap_err();
        assert!(e.starts_with("--field hours:"), "{e}");
        let e = parse_assignments(&f, FieldRecord::Ticket, &a("since", "2026-01-01")).unwrap_err();
        assert!(e.contains("not a ticket field"), "{e}");
        let e = parse_assignments(&f, FieldRecord::Ticket, &a("hour", "1")).unwrap_err();
        assert!(e.contains("hours"), "{e}");
        assert!(new_values(&f, FieldRecord::Customer, &[]).is_err());
        let v = new_values(&f, FieldRecord::Customer, &a("since", "2026-01-01")).unwrap();
        assert_eq!(v["since"], "2026-01-01");
    }

    #[test]
    fn matching_and_problems() {
        let f = defs();
        let v: Values = [("hours".to_string(), "1200".to_string())].into();
        assert!(matches(&v, &[("hours".into(), "1200.0".into())]));
        assert!(!matches(&v, &[("hours".into(), "12".into())]));
        assert!(matches(&v, &[("保修状态".into(), "".into())]));
        let bad: Values = [
            ("hours".to_string(), "x".to_string()),
            ("nope".to_string(), "1".to_string()),
        ]
        .into();
        let p = problems(&f, FieldRecord::Ticket, &bad);
        assert_eq!(p.len(), 2, "{p:?}");
    }

    #[test]
    fn config_rules() {
        let bad = |t: &str| validate(&toml::from_str(t).unwrap()).unwrap_err().1;
        assert!(bad("[a]\ntype = \"choice\"").contains("needs its allowed values"));
        assert!(bad("[a]\ntype = \"text\"\nvalues = [\"x\"]").contains("only a choice"));
        assert!(bad("[a]\ntype = \"choice\"\nvalues = [\"x\", \"x\"]").contains("twice"));
        assert!(bad("[a]\ntype = \"text\"\nfor = []").contains("name the records"));
    }
}
