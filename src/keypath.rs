//! Key paths into `svcdesk.toml`, such as `sla.timers.resolve.pause[1]` or
//! `staff[2].roles[0]`: how an error names a value, and where that value is in the text.
//!
//! Every config error that knows its key turns it into `svcdesk.toml:LINE:COLUMN` with
//! [`KeyPath::locate`]; an error that knows only a position (a serde type error) finds its
//! key with [`KeyPath::at`].

use std::fmt;

use toml_edit::{Item, Value};

/// One step of a key path: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Name(String),
    Index(usize),
}

/// A path from the top of a TOML document to one value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyPath(Vec<Key>);

impl KeyPath {
    /// A path of table keys: `KeyPath::new(["sla", "timers", "resolve"])`.
    pub fn new<S: Into<String>>(names: impl IntoIterator<Item = S>) -> KeyPath {
        KeyPath(names.into_iter().map(|n| Key::Name(n.into())).collect())
    }

    /// This path followed by the table key `name`.
    pub fn key(mut self, name: impl Into<String>) -> KeyPath {
        self.0.push(Key::Name(name.into()));
        self
    }

    /// This path followed by the array index `i` (0-based, like the `[i]` it displays).
    pub fn index(mut self, i: usize) -> KeyPath {
        self.0.push(Key::Index(i));
        self
    }

    pub fn parts(&self) -> &[Key] {
        &self.0
    }

    /// The byte offset in `text` where the value at this path starts: the element itself
    /// for an array index, e.g. `"2026-02-30"` in `holidays = ["2026-01-01", "2026-02-30"]`.
    /// `None` when `text` does not parse or has no such value.
    pub fn locate(&self, text: &str) -> Option<usize> {
        let doc = toml_edit::Document::parse(text).ok()?;
        let mut item = doc.as_item();
        for k in &self.0 {
            item = match k {
                Key::Name(n) => item.get(n.as_str())?,
                Key::Index(i) => item.get(*i)?,
            };
        }
        item.span().map(|s| s.start)
    }

    /// The path of the innermost value whose text contains byte `offset`, with that value.
    /// `None` when `text` does not parse or no value is there (a comment, a header).
    pub fn at(text: &str, offset: usize) -> Option<(KeyPath, Value)> {
        let doc = toml_edit::Document::parse(text).ok()?;
        let mut path = Vec::new();
        let value = find_in_item(doc.as_item(), offset, &mut path)?;
        Some((KeyPath(path), value))
    }

    /// Whether the path has the shape of `pattern`: dot-separated table keys, where `*`
    /// stands for any one key and `[]` for any index, e.g. `sla.timers.*.pause.[]`.
    pub fn matches(&self, pattern: &str) -> bool {
        let pattern: Vec<&str> = pattern.split('.').collect();
        pattern.len() == self.0.len()
            && pattern.iter().zip(&self.0).all(|(p, k)| match k {
                Key::Name(n) => *p == "*" || p == n,
                Key::Index(_) => *p == "[]",
            })
    }
}

fn find_in_item(item: &Item, offset: usize, path: &mut Vec<Key>) -> Option<Value> {
    match item {
        Item::None => None,
        Item::Value(v) => find_in_value(v, offset, path),
        Item::Table(t) => t.iter().find_map(|(k, item)| {
            path.push(Key::Name(k.to_string()));
            let found = find_in_item(item, offset, path);
            if found.is_none() {
                path.pop();
            }
            found
        }),
        Item::ArrayOfTables(a) => a.iter().enumerate().find_map(|(i, t)| {
            path.push(Key::Index(i));
            let found = t.iter().find_map(|(k, item)| {
                path.push(Key::Name(k.to_string()));
                let found = find_in_item(item, offset, path);
                if found.is_none() {
                    path.pop();
                }
                found
            });
            if found.is_none() {
                path.pop();
            }
            found
        }),
    }
}

fn find_in_value(value: &Value, offset: usize, path: &mut Vec<Key>) -> Option<Value> {
    let span = value.span()?;
    if !span.contains(&offset) {
        return None;
    }
    let mut inner = |key: Key, v: &Value| {
        path.push(key);
        let found = find_in_value(v, offset, path);
        if found.is_none() {
            path.pop();
        }
        found
    };
    let found = match value {
        Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, v)| inner(Key::Index(i), v)),
        Value::InlineTable(t) => t
            .iter()
            .find_map(|(k, v)| inner(Key::Name(k.to_string()), v)),
        _ => None,
    };
    Some(found.unwrap_or_else(|| value.clone()))
}

/// `sla.timers.resolve.pause[1]`; keys that are not bare TOML keys are quoted.
impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bare = |k: &str| {
            !k.is_empty()
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        for (n, k) in self.0.iter().enumerate() {
            match k {
                Key::Index(i) => write!(f, "[{i}]")?,
                Key::Name(name) => {
                    if n > 0 {
                        f.write_str(".")?;
                    }
                    if bare(name) {
                        f.write_str(name)?;
                    } else {
                        f.write_str(&toml_string(name))?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// A TOML basic string literal, quoted and escaped.
pub fn toml_string(s: &str) -> String {
    Value::from(s).to_string().trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::line_column;

    fn path(dotted: &str) -> KeyPath {
        let mut p = KeyPath::default();
        for part in dotted.split('.') {
            match part.parse::<usize>() {
                Ok(i) => p = p.index(i),
                Err(_) => p = p.key(part),
            }
        }
        p
    }

    fn locate(text: &str, dotted: &str) -> Option<(usize, usize)> {
        path(dotted)
            .locate(text)
            .map(|offset| line_column(text, offset))
    }

    const TEXT: &str = "\"名\" = \"王\"
[calendar]
holidays = [
  \"2026-01-01\",   # New Year
  \"2026-02-30\",
]
hours = [\"09:00-12:00\", \"13:30-18:00\"]
[sla.timers.x]
target.II = \"3x\"
pause = [\"waiting\", \"wating\"]
[sla.timers.y.target]
I = \"1h\"
[[staff]]
id = \"li\"
[[staff]]
id = \"wang\"
roles = [\"engineer\", \"enginer\"]
[[hooks.rule]]
on = { x = [1, 2] }
";

    #[test]
    fn locate_finds_keys_elements_and_tables_of_arrays() {
        assert_eq!(locate(TEXT, "名"), Some((1, 7)));
        assert_eq!(locate(TEXT, "calendar.holidays.1"), Some((5, 3)));
        assert_eq!(locate(TEXT, "calendar.holidays"), Some((3, 12)));
        assert_eq!(locate(TEXT, "calendar.hours.1"), Some((7, 25)));
        assert_eq!(locate(TEXT, "sla.timers.x.target.II"), Some((9, 13)));
        assert_eq!(locate(TEXT, "sla.timers.x.pause.1"), Some((10, 21)));
        assert_eq!(locate(TEXT, "sla.timers.y.target.I"), Some((12, 5)));
        assert_eq!(locate(TEXT, "staff.1.id"), Some((16, 6)));
        assert_eq!(locate(TEXT, "staff.1.roles.1"), Some((17, 22)));
        assert_eq!(locate(TEXT, "hooks.rule.0.on.x.1"), Some((19, 16)));
        // Missing keys, indices past the end, and text that is not TOML.
        assert_eq!(locate(TEXT, "staff.2.id"), None);
        assert_eq!(locate(TEXT, "calendar.holidays.2"), None);
        assert_eq!(locate(TEXT, "sla.timers.nope.warn"), None);
        assert_eq!(locate("not = [toml", "not"), None);
    }

    #[test]
    fn at_finds_the_innermost_value_and_its_path() {
        let at = |needle: &str| {
            let (p, v) = KeyPath::at(TEXT, TEXT.find(needle).unwrap()).unwrap();
            (p.to_string(), v.to_string().trim().to_string())
        };
        assert_eq!(
            at("\"2026-02-30\""),
            ("calendar.holidays[1]".into(), "\"2026-02-30\"".into())
        );
        assert_eq!(
            at("\"3x\""),
            ("sla.timers.x.target.II".into(), "\"3x\"".into())
        );
        assert_eq!(
            at("\"enginer\""),
            ("staff[1].roles[1]".into(), "\"enginer\"".into())
        );
        assert_eq!(at("2]"), ("hooks.rule[0].on.x[1]".into(), "2".into()));
        assert_eq!(at("\"王\""), ("\"名\"".into(), "\"王\"".into()));
        // Between elements: the array itself.
        assert_eq!(at(", \"13:30").0, "calendar.hours");
        // A comment inside a list is in the list; a header holds no value.
        assert_eq!(at("# New").0, "calendar.holidays");
        assert!(KeyPath::at(TEXT, TEXT.find("[calendar]").unwrap()).is_none());
    }

    #[test]
    fn display_and_patterns() {
        let p = KeyPath::new(["staff"]).index(2).key("roles").index(0);
        assert_eq!(p.to_string(), "staff[2].roles[0]");
        assert!(p.matches("staff.[].roles.[]"));
        assert!(!p.matches("staff.[].roles"));
        assert!(!p.matches("staff.*.roles.[]"));
        let p = KeyPath::new(["sla", "timers", "a b", "target", "II"]);
        assert_eq!(p.to_string(), "sla.timers.\"a b\".target.II");
        assert!(p.matches("sla.timers.*.target.*"));
    }
}
