//! Bringing a customer spreadsheet (客户档案 kept in Excel) into the desk: read the CSV,
//! check every row, find duplicates, and only then write. Planning is pure; [`write()`]
//! creates the files.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::columns::{self, CUSTOMER, FieldColumns};
use crate::config::fields::{FieldRecord, Fields, Values};

/// `import tickets`: a sheet of `export tickets` columns.
#[path = "import_tickets.rs"]
pub mod tickets;
use crate::desk::id::{self, Id, Kind};
use crate::desk::{self, Desk};
use crate::error::{Error, Result};
use crate::model::customer::{self, Customer, Field};
use crate::output::sheet::{self, unneutralise};

/// The columns a customer sheet may have; only `name` is required. `tags` are separated
/// by `;`.
pub const CUSTOMER_COLUMNS: [&str; 9] = [
    "name", "contact", "phone", "email", "industry", "source", "address", "tags", "notes",
];

/// Columns `svcdesk export customers` also writes, understood so an export imports
/// as it is: `id` keeps the customer's ID (so tickets that name it still find it),
/// `created` its registration time, `referred_by` its referrer (a customer of the desk
/// or of the same file); `log_entries` and `last_contact` are only read (the
/// communication log is not in CSV).
pub const EXPORT_COLUMNS: [&str; 6] = [
    "id",
    "referred_by",
    "created",
    "log_entries",
    "remote",
    "last_contact",
];

/// More header names of the paper forms and common spreadsheets, read as these columns
/// (besides the Chinese names of [`CUSTOMER`]).
const ALIASES: [(&str, &str); 9] = [
    ("名称", "name"),
    ("电话", "phone"),
    ("手机", "phone"),
    ("电子邮件", "email"),
    ("e-mail", "email"),
    ("行业", "industry"),
    ("来源", "source"),
    ("编号", "id"),
    ("推荐客户", "referred_by"),
];

/// One row that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRow {
    /// Line of the file the row starts on (the header is line 1).
    pub line: u64,
    /// The ID from an `id` column, kept; else one is made when written.
    pub id: Option<Id>,
    pub fields: Vec<(Field, String)>,
    pub tags: Vec<String>,
    pub created: Option<DateTime<Utc>>,
    pub log_entries: usize,
    /// Custom field values from `field:NAME` columns.
    pub custom: Values,
    /// In a remote area (`remote = true`, the `ship` timer's `remote` target).
    pub remote: bool,
    /// Customers (IDs, or `row N` of this file) it looks like; added only with force.
    pub duplicate_of: Vec<String>,
}

impl NewRow {
    pub fn name(&self) -> &str {
        self.fields
            .iter()
            .find(|(f, _)| *f == Field::Name)
            .map_or("", |(_, v)| v.as_str())
    }

    fn phone(&self) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| *f == Field::Phone)
            .map(|(_, v)| v.as_str())
    }
}

/// What becomes of each row.
#[derive(Debug, Clone, PartialEq)]
pub enum Planned {
    Add(NewRow),
    /// Looks like an existing customer or an earlier row; skipped (not forced).
    Duplicate(NewRow),
    Bad {
        line: u64,
        message: String,
    },
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub rows: Vec<Planned>,
}

impl Plan {
    pub fn to_add(&self) -> impl Iterator<Item = &NewRow> {
        self.rows.iter().filter_map(|r| match r {
            Planned::Add(n) => Some(n),
            _ => None,
        })
    }

    pub fn duplicates(&self) -> impl Iterator<Item = &NewRow> {
        self.rows.iter().filter_map(|r| match r {
            Planned::Duplicate(n) => Some(n),
            _ => None,
        })
    }

    pub fn bad(&self) -> impl Iterator<Item = (u64, &str)> {
        self.rows.iter().filter_map(|r| match r {
            Planned::Bad { line, message } => Some((*line, message.as_str())),
            _ => None,
        })
    }
}

use customer::{check_email, check_phone, phone_digits};

/// Reads and checks a customer sheet. `file` names it in messages (`FILE:LINE: ...`).
/// A problem with the file as a whole (not CSV, no header, an unknown or repeated
/// column, no `name` column) is an error; a problem with a row makes it [`Planned::Bad`].
/// Rows that look like an existing customer (same name, or same phone digits) or an
/// earlier row of the file are [`Planned::Duplicate`], unless `force`.
pub fn plan_customers(
    text: &str,
    file: &str,
    existing: &[Customer],
    tz: Tz,
    force: bool,
) -> Result<Plan> {
    plan_customers_mapped(text, file, existing, tz, force, &[], &Fields::new())
}

/// Every field a customer sheet's column can be read as.
pub fn customer_fields() -> Vec<&'static str> {
    CUSTOMER_COLUMNS
        .iter()
        .chain(EXPORT_COLUMNS.iter())
        .copied()
        .collect()
}

/// Reads `--map 'HEADER=field'`: a header of the file read as one of
/// [`customer_fields`] (or of `fields`, for other sheets). The split is at the last `=`.
pub fn parse_map(spec: &str, fields: &[&'static str]) -> Result<(String, &'static str)> {
    let Some((header, field)) = spec.rsplit_once('=') else {
        return Err(Error::invalid_with_hint(
            format!("--map \"{spec}\" is not HEADER=FIELD"),
            "e.g. --map '单位名称=name' --map '手机=phone'",
        ));
    };
    let f = field.trim().to_lowercase();
    match fields.iter().find(|k| **k == f) {
        Some(k) if !header.trim().is_empty() => Ok((header.trim().to_string(), k)),
        Some(_) => Err(Error::invalid(format!("--map \"{spec}\" names no header"))),
        None => Err(Error::invalid_with_hint(
            format!("--map \"{spec}\": \"{}\" is not a field", field.trim()),
            format!("fields: {}", fields.join(", ")),
        )),
    }
}

/// [`plan_customers`], with `map`: (header of the file, field) pairs from `--map`, which
/// win over the column names and the Chinese names. A mapped header the file does not
/// have is an error.
pub fn plan_customers_mapped(
    text: &str,
    file: &str,
    existing: &[Customer],
    tz: Tz,
    force: bool,
    map: &[(String, &'static str)],
    fields: &Fields,
) -> Result<Plan> {
    let custom = FieldColumns::of(fields, FieldRecord::Customer);
    let text = text.strip_prefix(sheet::BOM).unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| Error::invalid(format!("{file}: cannot read the header row: {e}")))?
        .clone();
    if header.iter().all(|h| h.trim().is_empty()) {
        return Err(Error::invalid_with_hint(
            format!("{file}: the file is empty or has no header row"),
            format!(
                "the first row names the columns: {}",
                CUSTOMER_COLUMNS.join(",")
            ),
        ));
    }
    let mut columns: Vec<&'static str> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    for h in header.iter() {
        let key = h.trim().to_lowercase();
        let mapped = map
            .iter()
            .find(|(m, _)| m.to_lowercase() == key)
            .map(|(_, f)| *f);
        let known = mapped
            .or_else(|| customer_fields().into_iter().find(|c| *c == key))
            .or_else(|| CUSTOMER.iter().find(|c| c.zh == key).map(|c| c.name))
            .or_else(|| ALIASES.iter().find(|(a, _)| *a == key).map(|(_, c)| *c))
            .or_else(|| custom.column(h));
        match known {
            Some(c) if columns.contains(&c) => {
                return Err(Error::invalid(format!(
                    "{file}: column \"{}\" appears twice in the header",
                    h.trim()
                )));
            }
            Some(c) => columns.push(c),
            None => {
                unknown.push(format!("\"{}\"", h.trim()));
                columns.push("");
            }
        }
    }
    for (m, f) in map {
        if !header
            .iter()
            .any(|h| h.trim().to_lowercase() == m.to_lowercase())
        {
            return Err(Error::invalid(format!(
                "{file}: --map \"{m}={f}\": the header has no column \"{m}\""
            )));
        }
    }
    if !unknown.is_empty() {
        return Err(Error::invalid_with_hint(
            format!("{file}: unknown column(s) {}", unknown.join(", ")),
            format!(
                "known columns: {} (and {} as `export customers` writes them, or their \
                 Chinese names); --map 'HEADER=field' reads another header as a field",
                CUSTOMER_COLUMNS.join(", "),
                EXPORT_COLUMNS.join(", ")
            ),
        ));
    }
    if !columns.contains(&"name") {
        return Err(Error::invalid(format!(
            "{file}: no \"name\" column; every customer needs a name"
        )));
    }

    // Every ID the file gives, for references between its rows.
    let mut records = Vec::new();
    for rec in reader.records() {
        match rec {
            Ok(r) => records.push(Ok(r)),
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                records.push(Err((line, e.to_string())));
            }
        }
    }
    let file_ids: HashSet<String> = records
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .filter_map(|r| {
            columns
                .iter()
                .position(|c| *c == "id")
                .and_then(|i| r.get(i))
        })
        .filter_map(|v| Id::parse(v.trim()))
        .map(|i| i.to_string())
        .collect();
    let existing_ids: HashSet<&str> = existing.iter().map(|c| c.id.as_str()).collect();

    let mut plan = Plan::default();
    // Built once: a scan of every customer (and every earlier row) per row made a big
    // sheet's import quadratic.
    let existing_dups = customer::DuplicateIndex::new(existing);
    // Rows that will be added, for duplicates within the file: lines by name and by
    // phone digits.
    let mut earlier_by_name: HashMap<String, Vec<u64>> = HashMap::new();
    let mut earlier_by_phone: HashMap<String, Vec<u64>> = HashMap::new();
    let mut ids_seen: HashMap<String, u64> = HashMap::new();
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err((line, message)) => {
                plan.rows.push(Planned::Bad {
                    line,
                    message: format!("not readable as CSV: {message}"),
                });
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        if rec.iter().all(|v| v.trim().is_empty()) {
            continue; // a blank line at the end of a sheet
        }
        let row = check_row(
            &rec,
            &columns,
            line,
            tz,
            &file_ids,
            &existing_ids,
            &mut ids_seen,
        )
        .and_then(|mut row| {
            let cells: HashMap<&str, &str> = columns
                .iter()
                .copied()
                .zip(rec.iter().map(|v| unneutralise(v.trim())))
                .collect();
            row.custom = custom.read(fields, &cells)?;
            Ok(row)
        });
        let mut row = match row {
            Ok(r) => r,
            Err(message) => {
                plan.rows.push(Planned::Bad { line, message });
                continue;
            }
        };
        let name = row.name().trim().to_lowercase();
        let phone = row.phone().map(phone_digits).unwrap_or_default();
        let mut dups: Vec<String> = Vec::new();
        if let Some(id) = &row.id
            && existing_ids.contains(id.as_str())
        {
            dups.push(id.to_string());
        }
        for c in existing_dups.find(row.name(), row.phone()) {
            if !dups.contains(&c.id) {
                dups.push(c.id.clone());
            }
        }
        let mut lines: Vec<u64> = earlier_by_name.get(&name).cloned().unwrap_or_default();
        if !phone.is_empty()
            && let Some(more) = earlier_by_phone.get(&phone)
        {
            lines.extend(more);
        }
        lines.sort_unstable();
        lines.dedup();
        dups.extend(lines.into_iter().map(|l| format!("row {l}")));
        row.duplicate_of = dups;
        let same_id_exists = row
            .id
            .as_ref()
            .is_some_and(|i| existing_ids.contains(i.as_str()));
        if !row.duplicate_of.is_empty() && (!force || same_id_exists) {
            plan.rows.push(Planned::Duplicate(row));
        } else {
            earlier_by_name.entry(name).or_default().push(line);
            if !phone.is_empty() {
                earlier_by_phone.entry(phone).or_default().push(line);
            }
            plan.rows.push(Planned::Add(row));
        }
    }
    drop_dangling_referrals(&mut plan, &existing_ids);
    Ok(plan)
}

/// A row referred by a row of the file that is not added (bad, or a duplicate under
/// another ID) would name a customer that does not exist: it is bad too (and so on, down
/// a chain of referrals).
fn drop_dangling_referrals(plan: &mut Plan, existing_ids: &HashSet<&str>) {
    let referrer = |r: &Planned| match r {
        Planned::Add(n) => n
            .fields
            .iter()
            .find(|(f, _)| *f == Field::ReferredBy)
            .map(|(_, v)| v.clone()),
        _ => None,
    };
    let mut added: HashSet<String> = plan
        .to_add()
        .filter_map(|r| r.id.as_ref().map(Id::to_string))
        .collect();
    // Rows referring to each referrer of the file, so dropping one visits only the rows
    // that named it (a rescan of the plan per dropped row was quadratic).
    let mut referred: HashMap<String, Vec<usize>> = HashMap::new();
    let mut queue: Vec<usize> = Vec::new();
    for (i, r) in plan.rows.iter().enumerate() {
        if let Some(v) = referrer(r) {
            if existing_ids.contains(v.as_str()) {
                continue;
            }
            if added.contains(&v) {
                referred.entry(v).or_default().push(i);
            } else {
                queue.push(i);
            }
        }
    }
    while let Some(i) = queue.pop() {
        let Planned::Add(n) = &plan.rows[i] else {
            continue; // dropped already
        };
        let (line, id) = (n.line, n.id.as_ref().map(Id::to_string));
        let by = referrer(&plan.rows[i]).unwrap_or_default();
        plan.rows[i] = Planned::Bad {
            line,
            message: format!("referred_by {by} is a row of this file that is not added"),
        };
        if let Some(id) = id
            && added.remove(&id)
        {
            queue.extend(referred.remove(&id).unwrap_or_default());
        }
    }
}

fn check_row(
    rec: &csv::StringRecord,
    columns: &[&'static str],
    line: u64,
    tz: Tz,
    file_ids: &HashSet<String>,
    existing_ids: &HashSet<&str>,
    ids_seen: &mut HashMap<String, u64>,
) -> std::result::Result<NewRow, String> {
    if rec.len() != columns.len() {
        return Err(format!(
            "has {} field(s), the header has {}",
            rec.len(),
            columns.len()
        ));
    }
    let mut row = NewRow {
        line,
        id: None,
        fields: Vec::new(),
        tags: Vec::new(),
        created: None,
        log_entries: 0,
        custom: Values::new(),
        remote: false,
        duplicate_of: Vec::new(),
    };
    let mut problems: Vec<String> = Vec::new();
    for (col, raw) in columns.iter().zip(rec.iter()) {
        let v = unneutralise(raw.trim()).trim();
        if v.is_empty() {
            continue;
        }
        let field = |f: Field| (f, v.to_string());
        match *col {
            "name" => row.fields.push(field(Field::Name)),
            "contact" => row.fields.push(field(Field::Contact)),
            "phone" => match check_phone(v) {
                Ok(()) => row.fields.push(field(Field::Phone)),
                Err(e) => problems.push(e),
            },
            "email" => match check_email(v) {
                Ok(()) => row.fields.push(field(Field::Email)),
                Err(e) => problems.push(e),
            },
            "industry" => row.fields.push(field(Field::Industry)),
            "source" => row.fields.push(field(Field::Source)),
            "address" => row.fields.push(field(Field::Address)),
            "notes" => row.fields.push(field(Field::Notes)),
            "tags" => {
                for t in v.split(';').map(str::trim).filter(|t| !t.is_empty()) {
                    if !row.tags.iter().any(|x| x == t) {
                        row.tags.push(t.to_string());
                    }
                }
            }
            "id" => match Id::parse(v).filter(|i| i.kind() == Kind::Customer) {
                Some(i) => match ids_seen.get(i.as_str()) {
                    Some(first) => problems.push(format!("id {i} is also on row {first}")),
                    None => {
                        ids_seen.insert(i.to_string(), line);
                        row.id = Some(i);
                    }
                },
                None => problems.push(format!(
                    "id \"{v}\" is not a customer ID like C20261124-K7Q2XM \
                     (leave the column out to get new IDs)"
                )),
            },
            "referred_by" => {
                let q = id::normalize(v).unwrap_or_default();
                // A whole ID is looked up; only an abbreviation needs a scan.
                let whole = q.len() == id::ID_LEN && Id::parse(&q).is_some();
                let hits: Vec<&str> = if whole {
                    existing_ids
                        .get(q.as_str())
                        .copied()
                        .or_else(|| file_ids.get(&q).map(String::as_str))
                        .into_iter()
                        .collect()
                } else {
                    existing_ids
                        .iter()
                        .copied()
                        .chain(file_ids.iter().map(String::as_str))
                        .filter(|i| !q.is_empty() && id::matches(i, &q))
                        .collect::<HashSet<_>>()
                        .into_iter()
                        .collect()
                };
                match hits.as_slice() {
                    [one] => row.fields.push((Field::ReferredBy, one.to_string())),
                    [] => problems.push(format!(
                        "referred_by \"{v}\" is no customer of the desk or of this file"
                    )),
                    _ => problems.push(format!(
                        "referred_by \"{v}\" matches several customers; give the whole ID"
                    )),
                }
            }
            "created" => match crate::time::parse_time(v, tz) {
                Ok(t) => row.created = Some(t),
                Err(_) => problems.push(format!(
                    "created \"{v}\" is not a time like 2026-11-24 09:30 or RFC 3339"
                )),
            },
            "log_entries" => match v.parse::<usize>() {
                Ok(n) => row.log_entries = n,
                Err(_) => problems.push(format!("log_entries \"{v}\" is not a count")),
            },
            // Of the communication log, which CSV does not carry: nothing to import.
            "last_contact" => {}
            // Custom fields are read (by their types) once the row is otherwise sound.
            c if c.starts_with(columns::FIELD_PREFIX) => {}
            "remote" => match v.to_lowercase().as_str() {
                "true" | "yes" | "1" | "是" => row.remote = true,
                "false" | "no" | "0" | "否" => {}
                _ => problems.push(format!("remote \"{v}\" is not true or false")),
            },
            other => unreachable!("column {other} was checked with the header"),
        }
    }
    if row.name().is_empty() {
        problems.insert(0, "no name; every customer needs one".into());
    }
    if let Some((_, r)) = row.fields.iter().find(|(f, _)| *f == Field::ReferredBy)
        && row.id.as_ref().is_some_and(|i| i.as_str() == r)
    {
        problems.push("a customer cannot be referred by itself".into());
    }
    if problems.is_empty() {
        Ok(row)
    } else {
        Err(problems.join("; "))
    }
}

/// Creates the planned customers, in file order, all or nothing: every file is staged
/// under `.svcdesk/` and moved into place only once all are written and durable (see
/// [`desk::journal`]); a run killed before that adds none, one killed after is finished
/// by the next command. The caller holds the desk lock from before it loaded `existing`
/// for the plan until this returns. `by` and `now` are the acting user and the time, for
/// rows without `created`.
pub fn write(desk: &Desk, plan: &Plan, by: &str, now: DateTime<Utc>) -> Result<Vec<Id>> {
    let mut made: Vec<Id> = Vec::new();
    let mut taken: HashSet<String> = plan
        .to_add()
        .filter_map(|r| r.id.as_ref().map(|i| i.to_string()))
        .collect();
    let mut staging = desk::journal::Staging::begin(&desk.root)?;
    for row in plan.to_add() {
        let created = row.created.unwrap_or(now);
        let id = match &row.id {
            Some(i) => i.clone(),
            None => loop {
                let i = desk.new_id(Kind::Customer, created);
                if taken.insert(i.to_string()) {
                    break i;
                }
            },
        };
        let mut text = customer::render(
            &id,
            &row.fields,
            &row.tags,
            &row.custom,
            desk.local(created),
            by,
        );
        if row.remote {
            text = customer::with_remote(&text);
        }
        staging
            .add(&desk.path_of(&id), text.as_bytes())
            .map_err(|e| Error::invalid(format!("{e} (row {}; nothing added)", row.line)))?;
        made.push(id);
    }
    staging.commit()?;
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tz() -> Tz {
        chrono_tz::Asia::Shanghai
    }

    fn existing() -> Vec<Customer> {
        let text = "schema = 1\nid = \"C20261101-AAAAAA\"\nname = \"华东机械\"\n\
                    phone = \"021-5555 0101\"\ntags = []\n\
                    created = 2026-11-01T09:00:00+08:00\ncreated_by = \"li\"\n";
        vec![toml::from_str(text).unwrap()]
    }

    fn plan(text: &str, force: bool) -> Result<Plan> {
        plan_customers(text, "in.csv", &existing(), tz(), force)
    }

    #[test]
    fn rows_are_checked_and_numbered_by_line() {
        let p = plan(
            "\u{feff}Name,phone,email,tags,备注\n\
             南京精工,13900001111,a@b.cn, vip ;east;;vip,'=1+1\n\
             ,123,,,\n\
             李明,call me,x@,,\n\
             \"多行\n名称\",025-1234,,,\n\
             华东机械,,,,\n\
             王五,0215555-0101,,,\n\
             南京精工,,,,\n\
             ,,,,\n",
            false,
        )
        .unwrap();
        let add: Vec<&NewRow> = p.to_add().collect();
        assert_eq!(add.len(), 2);
        assert_eq!(add[0].line, 2);
        assert_eq!(add[0].tags, ["vip", "east"]);
        assert!(add[0].fields.contains(&(Field::Notes, "=1+1".into())));
        assert_eq!(add[1].name(), "多行\n名称");
        assert_eq!(add[1].line, 5);
        let bad: Vec<(u64, &str)> = p.bad().collect();
        assert_eq!(bad.len(), 2, "{bad:?}");
        assert_eq!(bad[0].0, 3);
        assert!(bad[0].1.contains("no name"), "{}", bad[0].1);
        assert_eq!(bad[1].0, 4);
        assert!(bad[1].1.contains("phone \"call me\""), "{}", bad[1].1);
        assert!(bad[1].1.contains("email \"x@\""), "{}", bad[1].1);
        let dups: Vec<(u64, Vec<String>)> = p
            .duplicates()
            .map(|d| (d.line, d.duplicate_of.clone()))
            .collect();
        assert_eq!(
            dups,
            [
                (7, vec!["C20261101-AAAAAA".to_string()]),
                (8, vec!["C20261101-AAAAAA".to_string()]),
                (9, vec!["row 2".to_string()]),
            ]
        );
    }

    #[test]
    fn the_duplicate_index_finds_what_a_scan_finds() {
        let mk = |id: &str, name: &str, phone: &str| {
            let mut c = existing().remove(0);
            c.id = id.into();
            c.name = name.into();
            c.phone = (!phone.is_empty()).then(|| phone.into());
            c
        };
        let all = vec![
            mk("C20261101-AAAAAA", "甲", "021-5555 0101"),
            mk("C20261101-BBBBBB", " Beta ", ""),
            mk("C20261101-CCCCCC", "丙", "02155550101"),
            mk("C20261101-DDDDDD", "beta", "139"),
        ];
        let ix = customer::DuplicateIndex::new(&all);
        for (name, phone) in [
            ("甲", None),
            ("BETA", Some("021 5555-0101")),
            ("x", Some("")),
            ("x", Some("abc")),
            ("丙", Some("139")),
        ] {
            let ids = |v: Vec<&Customer>| v.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
            assert_eq!(
                ids(ix.find(name, phone)),
                ids(customer::find_duplicates(&all, name, phone)),
                "{name} {phone:?}"
            );
        }
    }

    #[test]
    fn force_adds_duplicates_but_never_an_existing_id() {
        let p = plan(
            "id,name\nC20261101-AAAAAA,Other name\nC20261101-BBBBBB,华东机械\n",
            true,
        )
        .unwrap();
        assert_eq!(p.duplicates().count(), 1, "{p:?}");
        let add: Vec<&NewRow> = p.to_add().collect();
        assert_eq!(add.len(), 1);
        assert_eq!(add[0].duplicate_of, ["C20261101-AAAAAA"]);
    }

    #[test]
    fn chinese_names_cover_every_column_and_map_renames() {
        let mut keys: Vec<&str> = CUSTOMER.iter().map(|c| c.name).collect();
        keys.sort();
        let mut fields = customer_fields();
        fields.sort();
        assert_eq!(keys, fields);
        let zh: Vec<&str> = CUSTOMER.iter().map(|c| c.zh).collect();
        let p = plan(
            &format!("{}\n,甲,,13900001111,,,,,,,,,,,\n", zh.join(",")),
            false,
        )
        .unwrap();
        assert_eq!(p.to_add().next().unwrap().name(), "甲");
        let map = vec![
            parse_map("单位名称=name", &customer_fields()).unwrap(),
            parse_map("Mobile = Phone", &customer_fields()).unwrap(),
        ];
        let p = plan_customers_mapped(
            "单位名称,mobile,传真\n乙,139 0000 1111,x\n",
            "in.csv",
            &existing(),
            tz(),
            false,
            &map[..1],
            &Fields::new(),
        );
        assert!(p.unwrap_err().to_string().contains("\"传真\""));
        let p = plan_customers_mapped(
            "单位名称,mobile\n乙,139 0000 1111\n",
            "in.csv",
            &existing(),
            tz(),
            false,
            &map,
            &Fields::new(),
        )
        .unwrap();
        let row = p.to_add().next().unwrap();
        assert_eq!(row.name(), "乙");
        assert_eq!(row.phone(), Some("139 0000 1111"));
        let err = parse_map("手机=mobile", &customer_fields())
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"mobile\" is not a field"), "{err}");
        assert!(parse_map("手机", &customer_fields()).is_err());
        let err = plan_customers_mapped(
            "name\n甲\n",
            "in.csv",
            &existing(),
            tz(),
            false,
            &map,
            &Fields::new(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("no column \"单位名称\""), "{err}");
    }

    #[test]
    fn header_problems_fail_the_whole_file() {
        let err = plan("name,fax,Mobile\n", false).unwrap_err().to_string();
        assert!(
            err.contains("in.csv: unknown column(s) \"fax\", \"Mobile\""),
            "{err}"
        );
        let err = plan("contact,phone\n", false).unwrap_err().to_string();
        assert!(err.contains("no \"name\" column"), "{err}");
        let err = plan("name,名称\n", false).unwrap_err().to_string();
        assert!(err.contains("appears twice"), "{err}");
        assert!(plan("", false).is_err());
    }

    #[test]
    fn export_columns_reference_and_keep_ids() {
        let p = plan(
            "id,name,referred_by,created,log_entries\n\
             C20261102-CCCCCC,甲,C20261101-AAAAAA,2026-11-02T10:00:00+08:00,2\n\
             C20261103-DDDDDD,乙,CCCCCC,,0\n\
             C20261104-EEEEEE,丙,ZZZZZZ,yesterday,x\n\
             T20261104-EEEEEE,丁,,,\n",
            false,
        )
        .unwrap();
        let add: Vec<&NewRow> = p.to_add().collect();
        assert_eq!(add.len(), 2, "{p:?}");
        assert_eq!(add[0].id.as_ref().unwrap().as_str(), "C20261102-CCCCCC");
        assert_eq!(
            add[0].created.unwrap().to_rfc3339(),
            "2026-11-02T02:00:00+00:00"
        );
        assert_eq!(add[0].log_entries, 2);
        assert!(
            add[1]
                .fields
                .contains(&(Field::ReferredBy, "C20261102-CCCCCC".into()))
        );
        let bad: Vec<(u64, &str)> = p.bad().collect();
        assert_eq!(bad[0].0, 4);
        assert!(bad[0].1.contains("referred_by \"ZZZZZZ\""), "{}", bad[0].1);
        assert!(bad[0].1.contains("created \"yesterday\""), "{}", bad[0].1);
        assert!(bad[0].1.contains("log_entries"), "{}", bad[0].1);
        assert!(bad[1].1.contains("not a customer ID"), "{}", bad[1].1);
    }

    #[test]
    fn a_referral_to_a_row_not_added_is_bad_down_the_chain() {
        let p = plan(
            "id,name,referred_by\n\
             C20261102-CCCCCC,华东机械,\n\
             C20261103-DDDDDD,乙,C20261102-CCCCCC\n\
             C20261104-EEEEEE,丙,C20261103-DDDDDD\n\
             C20261105-FFFFFF,丁,C20261101-AAAAAA\n",
            false,
        )
        .unwrap();
        assert_eq!(p.duplicates().count(), 1, "row 2 is the existing 华东机械");
        let bad: Vec<u64> = p.bad().map(|(l, _)| l).collect();
        assert_eq!(bad, [3, 4]);
        assert!(p.bad().all(|(_, m)| m.contains("not added")));
        let add: Vec<u64> = p.to_add().map(|r| r.line).collect();
        assert_eq!(add, [5]);
    }
}
