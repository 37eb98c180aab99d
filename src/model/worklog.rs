//! The engineer's work log (工作日志): dated entries — hours, the ticket worked on, what
//! was done — one file per engineer, `worklog/<engineer>.toml`, appended to as
//! `[[entry]]` tables and summed by week (`report weekly`). Field visits have their own
//! reports; the log holds the rest (remote support, office work, preparation).

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize};
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use super::names;
use super::record::{missing, multiline};
use super::report::check_engineer;
use crate::config::Config;
use crate::desk::record::edit_file;
use crate::desk::record::{self, date_value, datetime_value, serde_time};
use crate::desk::{Desk, Id, Kind, When, store};
use crate::error::{Error, Result};

/// The folder under the desk root holding the logs.
pub const DIR: &str = "worklog";

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WorkLog {
    pub schema: u32,
    pub engineer: String,
    #[serde(default)]
    pub entry: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The day the work was done.
    #[serde(deserialize_with = "de_date")]
    pub date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<f64>,
    /// Ticket ID worked on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    pub text: String,
    /// When the entry was written, and by whom.
    #[serde(
        deserialize_with = "serde_time::datetime",
        serialize_with = "serde_time::ser_datetime"
    )]
    pub at: DateTime<FixedOffset>,
    pub by: String,
}

fn de_date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    serde_time::opt_date(d)?.ok_or_else(|| serde::de::Error::custom("expected a date"))
}

impl Entry {
    /// Hours in hundredths (2.5 → 250), 0 when none were given.
    pub fn hundredths(&self) -> i64 {
        self.hours.map_or(0, |h| (h * 100.0).round() as i64)
    }
}

/// A name that is safe as a file name on every system: letters, digits, '-' and '_',
/// not starting with '-'. No dots, slashes or spaces.
pub fn safe_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars().count() <= 64
        && !s.starts_with('-')
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// Hours as typed ("2", "2.5", "0.25") to hundredths; more than 0, at most 24.
pub fn parse_hours(s: &str) -> Result<i64> {
    let s = s.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let ok = !int.is_empty()
        && int.len() <= 2
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.len() <= 2
        && frac.bytes().all(|b| b.is_ascii_digit())
        && s.contains('.') != frac.is_empty();
    let bad = || {
        Error::usage(
            format!("cannot read \"{s}\" as hours"),
            "write hours as a number of more than 0 and at most 24, e.g. 2 or 1.5",
        )
    };
    if !ok {
        return Err(bad());
    }
    let h = int.parse::<i64>().map_err(|_| bad())? * 100
        + format!("{frac:0<2}").parse::<i64>().map_err(|_| bad())?;
    if h <= 0 || h > 2400 {
        return Err(bad());
    }
    Ok(h)
}

fn check_name(name: &str) -> Result<()> {
    if safe_name(name) {
        Ok(())
    } else {
        Err(Error::invalid_with_hint(
            format!("\"{name}\" cannot name a work log file"),
            "an engineer's name for the work log has only letters, digits, '-' and '_' \
             (use the staff id)",
        ))
    }
}

pub fn path(desk: &Desk, engineer: &str) -> Result<PathBuf> {
    check_name(engineer)?;
    Ok(desk.root.join(DIR).join(format!("{engineer}.toml")))
}

pub fn load_file(path: &Path) -> Result<WorkLog> {
    let text = record::read_text(path)?;
    record::parse_typed(path, &text)
}

/// The engineer's log; an empty one when they have never logged anything.
pub fn load(desk: &Desk, engineer: &str) -> Result<WorkLog> {
    let p = path(desk, engineer)?;
    if !p.exists() {
        return Ok(WorkLog {
            schema: 1,
            engineer: engineer.to_string(),
            entry: Vec::new(),
        });
    }
    load_file(&p)
}

/// Every log file, sorted by name.
pub fn files(desk: &Desk) -> Result<Vec<PathBuf>> {
    let dir = desk.root.join(DIR);
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for e in std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
        let e = e.map_err(|e| Error::io(&dir, e))?;
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".toml") && !name.starts_with('.') && e.path().is_file() {
            out.push(e.path());
        }
    }
    out.sort();
    Ok(out)
}

/// Every engineer's log, by file name.
pub fn load_all(desk: &Desk) -> Result<Vec<WorkLog>> {
    files(desk)?.iter().map(|p| load_file(p)).collect()
}

pub struct NewEntry {
    pub engineer: String,
    pub date: NaiveDate,
    /// Hours as typed, e.g. "1.5".
    /// Hundredths of an hour, as [`parse_hours`] reads them.
    pub hours: Option<i64>,
    /// Ticket ID or abbreviation.
    pub ticket: Option<String>,
    pub text: String,
    pub by: String,
    /// Decided under the lock, never before the log's last entry when `Now`.
    pub when: When,
}

/// Appends one entry to the engineer's log, creating the folder and file on first use.
/// Returns the file's path.
pub fn append(desk: &Desk, n: NewEntry) -> Result<PathBuf> {
    let engineer = check_engineer(desk, &n.engineer)?;
    let path = path(desk, &engineer)?;
    let text = n.text.trim();
    if text.is_empty() {
        return Err(missing(
            "a log entry needs a text of what was done",
            &["text"],
        ));
    }
    let hours = n.hours;
    let ticket = n
        .ticket
        .as_deref()
        .map(|t| desk.resolve(Kind::Ticket, t))
        .transpose()?;
    let mut t = Table::new();
    t["date"] = value(date_value(n.date));
    if let Some(h) = hours {
        t["hours"] = value(h as f64 / 100.0);
    }
    if let Some(id) = &ticket {
        t["ticket"] = value(id.as_str());
    }
    t["text"] = value(multiline(text));
    let _lock = desk.lock()?;
    // Validate the file as a whole first: appending to a broken log would hide the break.
    let last = if path.exists() {
        load_file(&path)?.entry.iter().map(|e| e.at).max()
    } else {
        None
    };
    let at = n.when.resolve(last).unwrap_or_else(|given| given);
    t["at"] = value(datetime_value(desk.local(at)));
    t["by"] = value(&n.by);
    if !path.exists() {
        let mut doc = DocumentMut::new();
        doc["schema"] = value(1);
        doc["engineer"] = value(&engineer);
        let mut a = ArrayOfTables::new();
        a.push(t);
        doc.insert("entry", Item::ArrayOfTables(a));
        store::create_new_atomic(&path, doc.to_string().as_bytes())?;
        return Ok(path);
    }
    edit_file(&path, |doc| {
        match doc.get_mut("entry") {
            Some(Item::ArrayOfTables(a)) => a.push(t),
            Some(_) => {
                return Err(Error::invalid(format!(
                    "{}: `entry` is not a list of [[entry]] tables",
                    path.display()
                )));
            }
            None => {
                let mut a = ArrayOfTables::new();
                a.push(t);
                doc.insert("entry", Item::ArrayOfTables(a));
            }
        }
        Ok(())
    })?;
    Ok(path)
}

/// What is wrong with a parsed log file named `stem`.toml.
pub fn problems(
    log: &WorkLog,
    stem: &str,
    config: &Config,
    tickets: &impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut out = Vec::new();
    if log.schema != 1 {
        out.push(format!(
            "unknown schema version {}; this svcdesk reads schema 1",
            log.schema
        ));
    }
    if log.engineer != stem {
        out.push(format!(
            "engineer = \"{}\" but the file is named {stem}.toml",
            log.engineer
        ));
    }
    out.extend(names::staff_problem(config, "engineer", &log.engineer));
    for (i, e) in log.entry.iter().enumerate() {
        let n = i + 1;
        if e.text.trim().is_empty() {
            out.push(format!("entry {n} has an empty text"));
        }
        if let Some(h) = e.hours
            && !(h > 0.0 && h <= 24.0)
        {
            out.push(format!("entry {n}: hours = {h} is not between 0 and 24"));
        }
        if let Some(t) = &e.ticket {
            if Id::parse(t).is_none_or(|i| i.kind() != Kind::Ticket || i.as_str() != t) {
                out.push(format!("entry {n}: ticket = \"{t}\" is not a ticket ID"));
            } else if !tickets(t) {
                out.push(format!("entry {n}: ticket = \"{t}\": no such ticket"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_names() {
        for ok in ["wang", "li-li", "zhou_min", "王刚", "w2"] {
            assert!(safe_name(ok), "{ok}");
        }
        for bad in [
            "", "../x", "a/b", "a\\b", "a.b", ".hidden", "-rf", "a b", "con:",
        ] {
            assert!(!safe_name(bad), "{bad}");
        }
    }

    #[test]
    fn hours() {
        assert_eq!(parse_hours("2").unwrap(), 200);
        assert_eq!(parse_hours("1.5").unwrap(), 150);
        assert_eq!(parse_hours("0.25").unwrap(), 25);
        assert_eq!(parse_hours("24").unwrap(), 2400);
        for bad in [
            "0", "0.0", "24.5", "-1", "1.234", "abc", "", "1.", ".5", "100",
        ] {
            assert!(parse_hours(bad).is_err(), "{bad}");
        }
    }
}
