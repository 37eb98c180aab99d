//! Customers (客户档案) and their communication log (沟通记录).

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use super::record::missing;
use super::steps::Files;
use crate::config::fields::FieldRecord;
use crate::desk::attachments::{self, Attachment};
use crate::desk::record::{self, date_value, datetime_value, serde_time};
use crate::desk::{Desk, Id, Kind, When, store};
use crate::error::{Error, Result, shown};
use crate::vocab::vocab;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    pub schema: u32,
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referred_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// In a remote area (偏远地区): goods shipped to them may take longer (`remote` targets
    /// of the `ship` timer).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub remote: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(
        deserialize_with = "serde_time::datetime",
        serialize_with = "serde_time::ser_datetime"
    )]
    pub created: DateTime<FixedOffset>,
    pub created_by: String,
    #[serde(default)]
    pub log: Vec<LogEntry>,
    /// Redactions of personal data (PIPL): `svcdesk customer redact`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redaction: Vec<super::redact::Redaction>,
    /// Custom field values (`[fields.NAME]` for customers), `fields = { NAME = "..." }`.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub fields: crate::config::fields::Values,
    /// The customer's tier (`[sla.tiers.NAME]`) by contract, set with `customer edit
    /// --tier`; it wins over a tier's tag match until `tier_until`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// The last day of the contract that gives `tier` (inclusive); none: no end.
    #[serde(
        default,
        deserialize_with = "serde_time::opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub tier_until: Option<NaiveDate>,
}

/// One communication-log entry: who talked with whom, how, about what, and when to follow up.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LogEntry {
    #[serde(
        deserialize_with = "serde_time::datetime",
        serialize_with = "serde_time::ser_datetime"
    )]
    pub at: DateTime<FixedOffset>,
    pub by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    pub summary: String,
    #[serde(
        default,
        deserialize_with = "serde_time::opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub follow_up: Option<NaiveDate>,
    /// Files attached to the entry, stored in the desk (see `desk::attachments`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<Attachment>,
}

vocab!(
    /// The plain text fields of a customer, in the order they are written.
    Field {
    Name = "name",
    Contact = "contact",
    Phone = "phone",
    Email = "email",
    Industry = "industry",
    Source = "source",
    ReferredBy = "referred-by",
    Address = "address",
    Notes = "notes",
});

impl Field {
    pub fn key(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Contact => "contact",
            Field::Phone => "phone",
            Field::Email => "email",
            Field::Industry => "industry",
            Field::Source => "source",
            Field::ReferredBy => "referred_by",
            Field::Address => "address",
            Field::Notes => "notes",
        }
    }
}

/// A change to one customer: set or clear fields, add or remove tags.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// `None` clears the field.
    pub set: Vec<(Field, Option<String>)>,
    pub add_tags: Vec<String>,
    pub remove_tags: Vec<String>,
    /// Custom fields, `NAME=VALUE` as typed; `NAME=` clears one.
    pub custom: Vec<(String, String)>,
    /// Mark (`Some(true)`) or unmark the customer as remote.
    pub remote: Option<bool>,
    /// Set (`Some(Some(tier))`) or clear (`Some(None)`) the customer's explicit tier.
    pub tier: Option<Option<String>>,
    /// Set or clear the last day of the tier's contract.
    pub tier_until: Option<Option<NaiveDate>>,
}

impl Customer {
    pub fn get(&self, f: Field) -> Option<&str> {
        match f {
            Field::Name => Some(&self.name),
            Field::Contact => self.contact.as_deref(),
            Field::Phone => self.phone.as_deref(),
            Field::Email => self.email.as_deref(),
            Field::Industry => self.industry.as_deref(),
            Field::Source => self.source.as_deref(),
            Field::ReferredBy => self.referred_by.as_deref(),
            Field::Address => self.address.as_deref(),
            Field::Notes => self.notes.as_deref(),
        }
    }

    /// The customer's tier on day `on` (see `config::tiers`): the explicit one while
    /// its contract runs, else the first tier whose tag they have.
    pub fn tier_on(&self, config: &crate::config::Config, on: NaiveDate) -> Option<String> {
        let set = self.tier.as_deref().map(|t| (t, self.tier_until));
        config.tier_for(&self.tags, set, on)
    }

    /// Does `text` occur (case-insensitively) in any of the customer's text fields?
    pub fn mentions(&self, text: &str) -> bool {
        let needle = text.to_lowercase();
        [
            Field::Name,
            Field::Contact,
            Field::Phone,
            Field::Email,
            Field::Industry,
            Field::Source,
            Field::Address,
            Field::Notes,
        ]
        .into_iter()
        .filter_map(|f| self.get(f))
        .chain(self.tags.iter().map(String::as_str))
        .any(|v| v.to_lowercase().contains(&needle))
    }
}

pub fn load_file(path: &Path) -> Result<Customer> {
    let text = record::read_text(path)?;
    record::parse_typed(path, &text)
}

pub fn load(desk: &Desk, id: &Id) -> Result<Customer> {
    load_file(&desk.path_of(id))
}

/// Every customer, sorted by ID. One unreadable file is an error naming it.
pub fn load_all(desk: &Desk) -> Result<Vec<Customer>> {
    each_file(desk, load_file)
}

/// `f` of every customer file, in ID order: on all cores for a desk with many, but in
/// this thread for a few, where starting the thread pool would cost more than it saves
/// (a mail intake runs once per message).
fn each_file<T: Send>(desk: &Desk, f: impl Fn(&Path) -> Result<T> + Sync) -> Result<Vec<T>> {
    each_of(&desk.record_files(Kind::Customer)?, f)
}

/// [`each_file`] over a list already made.
pub(crate) fn each_of<T: Send>(
    files: &[PathBuf],
    f: impl Fn(&Path) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    use rayon::prelude::*;
    if files.len() < 500 {
        files.iter().map(|p| f(p)).collect()
    } else {
        files.par_iter().map(|p| f(p)).collect()
    }
}

/// The customers whose file mentions `email` (any case) or the digits of `phone`
/// anywhere, parsed; the rest are only read. For matching a sender (`intake`) without
/// parsing every customer file: the caller applies the exact rule to these few.
pub fn mentioning(desk: &Desk, email: Option<&str>, phone: Option<&str>) -> Result<Vec<Customer>> {
    let email = email.map(str::to_lowercase).filter(|e| !e.is_empty());
    let digits = phone.map(phone_digits).filter(|p| !p.is_empty());
    if email.is_none() && digits.is_none() {
        return Ok(Vec::new());
    }
    let found: Vec<Option<Customer>> = each_file(desk, |p| {
        let text = record::read_text(p)?;
        let hit = email
            .as_ref()
            .is_some_and(|e| text.to_lowercase().contains(e.as_str()))
            || digits
                .as_ref()
                .is_some_and(|d| phone_digits(&text).contains(d.as_str()));
        if hit {
            record::parse_typed(p, &text).map(Some)
        } else {
            Ok(None)
        }
    })?;
    Ok(found.into_iter().flatten().collect())
}

/// What the reads that are not about customers need of one: its name for tables and
/// ledgers, contact and phone (ticket ledger), source and industry (`stats --by`), tier
/// and contract end (`tier_warnings`), and the follow-ups still running (`sla check`).
/// Small, and kept in `.svcdesk/cache` (`ticket_cache::customers`), so that showing
/// names costs a stat per customer file rather than parsing every one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brief {
    pub id: String,
    pub name: String,
    pub contact: Option<String>,
    pub phone: Option<String>,
    pub industry: Option<String>,
    pub source: Option<String>,
    pub tier: Option<String>,
    pub tier_until: Option<NaiveDate>,
    /// [`pending_follow_ups`], due or not: which are due depends on the day of the read.
    pub follow_ups: Vec<FollowUp>,
}

impl Brief {
    pub fn of(c: &Customer) -> Brief {
        Brief {
            id: c.id.clone(),
            name: c.name.clone(),
            contact: c.contact.clone(),
            phone: c.phone.clone(),
            industry: c.industry.clone(),
            source: c.source.clone(),
            tier: c.tier.clone(),
            tier_until: c.tier_until,
            follow_ups: pending_follow_ups(c),
        }
    }
}

/// `map` of every customer's [`Brief`], in ID order, from the customer cache where it
/// holds the file as it is now; otherwise each file is parsed whole, so a bad customer
/// file fails as in [`load_all`]. For reads that must not hold every `Customer`.
pub fn briefs<T: Send>(desk: &Desk, map: impl Fn(Brief) -> T + Sync) -> Result<Vec<T>> {
    super::ticket_cache::customers::briefs(desk, map)
}

/// Customer ID → name, for the tables, ledgers and statistics that show both.
pub fn names(desk: &Desk) -> Result<std::collections::HashMap<String, String>> {
    Ok(briefs(desk, |b| (b.id, b.name))?.into_iter().collect())
}

/// Warnings about customers' explicit tiers on `today`, by customer ID: a contract that
/// ends within [`EXPIRY_WARNING_DAYS`](crate::config::tiers::EXPIRY_WARNING_DAYS) days
/// (today included), and a tier `[sla.tiers]` no longer has. `check` and `sla check`
/// print them; they never make a desk unclean.
pub fn tier_warnings<'a>(
    config: &crate::config::Config,
    customers: impl IntoIterator<Item = &'a Customer>,
    today: NaiveDate,
) -> Vec<String> {
    let tiered: Vec<Brief> = customers
        .into_iter()
        .filter(|c| c.tier.is_some())
        .map(Brief::of)
        .collect();
    brief_tier_warnings(config, &tiered, today)
}

/// [`tier_warnings`] from [`briefs`].
pub fn brief_tier_warnings<'a>(
    config: &crate::config::Config,
    customers: impl IntoIterator<Item = &'a Brief>,
    today: NaiveDate,
) -> Vec<String> {
    let window = crate::config::tiers::EXPIRY_WARNING_DAYS;
    let mut out = Vec::new();
    for c in customers {
        let Some(tier) = &c.tier else { continue };
        if !config.sla.tiers.contains_key(tier) {
            out.push(format!(
                "customer {}: tier \"{tier}\" is not in [sla.tiers]; its tickets are opened \
                 without it (svcdesk customer edit {} --no-tier, or define the tier)",
                c.id, c.id
            ));
            continue;
        }
        let Some(last) = c.tier_until else { continue };
        let left = (last - today).num_days();
        if (0..=window).contains(&left) {
            let when = match left {
                0 => "today".to_string(),
                1 => "tomorrow".to_string(),
                n => format!("in {n} days"),
            };
            out.push(format!(
                "customer {} ({}): the \"{tier}\" tier contract ends {last} ({when}); renew \
                 with: svcdesk customer edit {} --tier {tier} --tier-until DATE",
                c.id, c.name, c.id
            ));
        }
    }
    out
}

/// Phone numbers compare by their digits only, so "138-0000 0000" equals "13800000000".
pub fn phone_digits(p: &str) -> String {
    p.chars().filter(char::is_ascii_digit).collect()
}

/// The one rule for a phone number, for `customer add`, `edit` and `import`: digits,
/// spaces and + - ( ) . / # * , ;, with ext / x / 转 for an extension, at least 3 digits.
pub fn check_phone(p: &str) -> std::result::Result<(), String> {
    let digits = phone_digits(p).len();
    let rest = p
        .replace("ext", "")
        .replace('转', "")
        .replace(['x', 'X'], "");
    let ok = rest
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_whitespace() || "+-()./#*,;".contains(c));
    if !ok || digits < 3 {
        return Err(format!(
            "phone \"{}\" is not a phone number (digits, spaces and + - ( ) . / #; \
             ext or 转 for an extension)",
            shown(p)
        ));
    }
    Ok(())
}

/// The one rule for an e-mail address, for `customer add`, `edit` and `import`.
pub fn check_email(e: &str) -> std::result::Result<(), String> {
    let ok = match e.split_once('@') {
        Some((user, host)) => {
            !user.is_empty()
                && host.contains('.')
                && !host.starts_with('.')
                && !host.ends_with('.')
                && !host.contains('@')
                && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("email \"{}\" is not an e-mail address", shown(e)))
    }
}

/// A field's value checked by its rule (phone and e-mail have one), as an error.
fn check_field(f: Field, v: &str) -> Result<()> {
    let r = match f {
        Field::Phone => check_phone(v),
        Field::Email => check_email(v),
        _ => Ok(()),
    };
    r.map_err(Error::invalid)
}

/// Existing customers that look like the same one: same phone digits or same name
/// (case-insensitive, surrounding space ignored).
pub fn find_duplicates<'a>(
    all: &'a [Customer],
    name: &str,
    phone: Option<&str>,
) -> Vec<&'a Customer> {
    let name = name.trim().to_lowercase();
    let phone = phone.map(phone_digits).filter(|p| !p.is_empty());
    all.iter()
        .filter(|c| {
            c.name.trim().to_lowercase() == name
                || phone
                    .as_ref()
                    .is_some_and(|p| c.phone.as_deref().map(phone_digits).as_ref() == Some(p))
        })
        .collect()
}

/// [`find_duplicates`] for many lookups against the same customers: built once
/// (by name and by phone digits), each lookup costs its hits, not a scan.
pub struct DuplicateIndex<'a> {
    all: &'a [Customer],
    by_name: std::collections::HashMap<String, Vec<usize>>,
    by_phone: std::collections::HashMap<String, Vec<usize>>,
}

impl<'a> DuplicateIndex<'a> {
    pub fn new(all: &'a [Customer]) -> DuplicateIndex<'a> {
        let mut ix = DuplicateIndex {
            all,
            by_name: Default::default(),
            by_phone: Default::default(),
        };
        for (i, c) in all.iter().enumerate() {
            ix.by_name
                .entry(c.name.trim().to_lowercase())
                .or_default()
                .push(i);
            if let Some(p) = c
                .phone
                .as_deref()
                .map(phone_digits)
                .filter(|p| !p.is_empty())
            {
                ix.by_phone.entry(p).or_default().push(i);
            }
        }
        ix
    }

    /// What [`find_duplicates`] returns for the same customers, in the same order.
    pub fn find(&self, name: &str, phone: Option<&str>) -> Vec<&'a Customer> {
        let mut hits: Vec<usize> = self
            .by_name
            .get(&name.trim().to_lowercase())
            .cloned()
            .unwrap_or_default();
        if let Some(p) = phone.map(phone_digits).filter(|p| !p.is_empty())
            && let Some(more) = self.by_phone.get(&p)
        {
            hits.extend(more);
        }
        hits.sort_unstable();
        hits.dedup();
        hits.into_iter().map(|i| &self.all[i]).collect()
    }
}

/// `add` found customers that look like the new one (listed as "ID name phone").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a customer with the same name or phone exists: {}", .0.join("; "))]
pub struct LooksLikeExisting(pub Vec<String>);

/// What `customer add` needs besides the plain fields.
pub struct NewCustomer {
    pub fields: Vec<(Field, String)>,
    pub tags: Vec<String>,
    pub by: String,
    pub at: DateTime<Utc>,
    /// Add even when it looks like an existing customer.
    pub force: bool,
    /// Custom fields, `NAME=VALUE` as typed.
    pub custom: Vec<(String, String)>,
    /// In a remote area (`remote = true`).
    pub remote: bool,
}

pub struct Added {
    pub id: Id,
    pub path: PathBuf,
    /// Existing customers that look the same (only non-empty when forced).
    pub duplicates: Vec<String>,
}

pub fn add(desk: &Desk, new: NewCustomer) -> Result<Added> {
    let get = |f: Field| {
        new.fields
            .iter()
            .rev()
            .find(|(k, _)| *k == f)
            .map(|(_, v)| v.as_str())
    };
    let name = get(Field::Name)
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| missing("a customer needs a name", &["name"]))?;
    if let Some(r) = get(Field::ReferredBy) {
        desk.resolve(Kind::Customer, r)?;
    }
    let custom = super::fields::new_values(desk, FieldRecord::Customer, &new.custom)?;
    for (f, v) in &new.fields {
        if !v.trim().is_empty() {
            check_field(*f, v.trim())?;
        }
    }
    let _lock = desk.lock()?;
    let all = load_all(desk)?;
    let dups = find_duplicates(&all, name, get(Field::Phone));
    if !dups.is_empty() && !new.force {
        let list: Vec<String> = dups
            .iter()
            .map(|c| {
                format!("{} {} {}", c.id, c.name, c.phone.as_deref().unwrap_or(""))
                    .trim_end()
                    .to_string()
            })
            .collect();
        return Err(Error::Record(Box::new(LooksLikeExisting(list))));
    }
    let id = desk.new_id(Kind::Customer, new.at);
    let mut fields: Vec<(Field, String)> = Vec::new();
    for (f, _) in &new.fields {
        if let Some(v) = get(*f).filter(|v| !v.trim().is_empty())
            && !fields.iter().any(|(k, _)| k == f)
        {
            let v = match f {
                Field::ReferredBy => desk.resolve(Kind::Customer, v)?.to_string(),
                _ => v.trim().to_string(),
            };
            fields.push((*f, v));
        }
    }
    let mut doc = render(
        &id,
        &fields,
        &new.tags,
        &custom,
        desk.local(new.at),
        &new.by,
    );
    if new.remote {
        doc = with_remote(&doc);
    }
    let path = desk.path_of(&id);
    store::create_new_atomic(&path, doc.as_bytes())?;
    Ok(Added {
        id,
        path,
        duplicates: dups.iter().map(|c| c.id.clone()).collect(),
    })
}

/// A rendered customer file, marked `remote = true`.
pub fn with_remote(rendered: &str) -> String {
    let mut d: DocumentMut = rendered.parse().expect("a rendered customer parses");
    d["remote"] = value(true);
    d.to_string()
}

/// The text of a new customer file, keys in canonical order whatever order `fields` has.
pub fn render(
    id: &Id,
    fields: &[(Field, String)],
    tags: &[String],
    custom: &crate::config::fields::Values,
    created: DateTime<FixedOffset>,
    by: &str,
) -> String {
    let get = |f: Field| {
        fields
            .iter()
            .find(|(k, _)| *k == f)
            .map(|(_, v)| v.as_str())
    };
    let mut doc = DocumentMut::new();
    doc["schema"] = value(1);
    doc["id"] = value(id.as_str());
    for f in [
        Field::Name,
        Field::Contact,
        Field::Phone,
        Field::Email,
        Field::Industry,
        Field::Source,
        Field::ReferredBy,
        Field::Address,
    ] {
        if let Some(v) = get(f) {
            doc[f.key()] = value(v);
        }
    }
    doc["tags"] = value(tags_array(tags));
    if let Some(n) = get(Field::Notes) {
        doc["notes"] = value(n);
    }
    doc["created"] = value(datetime_value(created));
    doc["created_by"] = value(by);
    if let Some(v) = super::ticket::fields_value(custom) {
        doc["fields"] = value(v);
    }
    doc.to_string()
}

fn tags_array(tags: &[String]) -> toml_edit::Array {
    let mut seen = std::collections::BTreeSet::new();
    tags.iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty() && seen.insert(t.to_string()))
        .collect()
}

/// Applies `changes`; only the touched lines change in the file. Returns whether
/// anything changed.
pub fn edit(desk: &Desk, id: &Id, changes: &Changes) -> Result<bool> {
    for (f, v) in &changes.set {
        if let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            check_field(*f, v)?;
        }
        match (f, v.as_deref().map(str::trim)) {
            (Field::Name, None | Some("")) => {
                return Err(Error::invalid("a customer's name cannot be cleared"));
            }
            (Field::ReferredBy, Some(r)) if !r.is_empty() => {
                let target = desk.resolve(Kind::Customer, r)?;
                if &target == id {
                    return Err(Error::invalid("a customer cannot be referred by itself"));
                }
            }
            _ => {}
        }
    }
    if let Some(Some(tier)) = &changes.tier
        && !desk.config.sla.tiers.contains_key(tier)
    {
        let tiers = &desk.config.sla.tiers;
        if tiers.is_empty() {
            return Err(Error::invalid_with_hint(
                format!(
                    "no tier \"{}\": {} has no [sla.tiers]",
                    shown(tier),
                    crate::config::FILE_NAME
                ),
                "define one, e.g. [sla.tiers.gold] with calendar = \"default\" and targets = { resolve = \"24h\" }",
            ));
        }
        return Err(crate::names::not_known(
            format!(
                "no tier \"{}\" in {} [sla.tiers]",
                shown(tier),
                crate::config::FILE_NAME
            ),
            tier,
            "tiers",
            tiers.keys().map(String::as_str),
        ));
    }
    let custom = super::fields::changes(desk, FieldRecord::Customer, &changes.custom)?;
    let _lock = desk.lock()?;
    let path = desk.path_of(id);
    // Validate the file as a whole first: editing a broken record would hide the break.
    let before = load_file(&path)?;
    if changes.tier.is_none()
        && matches!(changes.tier_until, Some(Some(_)))
        && before.tier.is_none()
    {
        return Err(Error::invalid_with_hint(
            format!("customer {id} has no tier whose contract could end"),
            "give the tier too: --tier NAME --tier-until DATE",
        ));
    }
    let values = super::fields::apply(desk, &before.fields, &custom)?;
    record::edit_file(&path, |doc| {
        if values != before.fields {
            match super::ticket::fields_value(&values) {
                Some(v) => doc["fields"] = value(v),
                None => {
                    doc.remove("fields");
                }
            }
        }
        for (f, v) in &changes.set {
            match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                Some(v) => {
                    let v = match f {
                        Field::ReferredBy => desk.resolve(Kind::Customer, v)?.to_string(),
                        _ => v.to_string(),
                    };
                    set_string(doc.as_table_mut(), f.key(), &v);
                }
                None => {
                    doc.remove(f.key());
                }
            }
        }
        match changes.remote {
            Some(true) => doc["remote"] = value(true),
            Some(false) => {
                doc.remove("remote");
            }
            None => {}
        }
        match &changes.tier {
            Some(Some(tier)) => set_string(doc.as_table_mut(), "tier", tier),
            Some(None) => {
                doc.remove("tier");
                doc.remove("tier_until");
            }
            None => {}
        }
        match changes.tier_until {
            Some(Some(day)) => doc["tier_until"] = value(date_value(day)),
            Some(None) => {
                doc.remove("tier_until");
            }
            None => {}
        }
        // Tags are trimmed and empty ones dropped, as `add` does.
        let clean = |tags: &[String]| -> Vec<String> {
            tags.iter()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect()
        };
        let (add_tags, remove_tags) = (clean(&changes.add_tags), clean(&changes.remove_tags));
        if !add_tags.is_empty() || !remove_tags.is_empty() {
            let current: Vec<String> = doc
                .get("tags")
                .and_then(Item::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            let mut tags: Vec<String> = current
                .iter()
                .filter(|t| !remove_tags.contains(t))
                .cloned()
                .collect();
            for t in &add_tags {
                if !tags.contains(t) {
                    tags.push(t.clone());
                }
            }
            if tags != current {
                match doc.get_mut("tags").and_then(Item::as_array_mut) {
                    Some(arr) => {
                        // Keep the array's own formatting; replace its contents.
                        arr.clear();
                        for t in &tags {
                            arr.push(t.as_str());
                        }
                    }
                    None => doc["tags"] = value(tags_array(&tags)),
                }
            }
        }
        Ok(())
    })
}

/// Sets a string key, keeping the key's comments and position when it already exists.
pub(crate) fn set_string(table: &mut Table, key: &str, v: &str) {
    match table.get_mut(key).and_then(Item::as_value_mut) {
        Some(old) if old.as_str() == Some(v) => {}
        Some(old) => {
            let decor = old.decor().clone();
            *old = toml_edit::Value::from(v);
            *old.decor_mut() = decor;
        }
        None => {
            table.insert(key, value(v));
        }
    }
}

pub struct Note {
    /// Decided under the lock: `Now` is never before the last entry; an explicit time
    /// is kept as given (an entry made after the fact may come after later ones).
    pub when: When,
    pub by: String,
    pub with: Option<String>,
    pub channel: Option<String>,
    pub summary: String,
    pub follow_up: Option<NaiveDate>,
    pub attachments: Files,
}

/// Appends one communication-log entry (a `[[log]]` table at the end of the file), its
/// files copied into the desk first. Returns the files as stored.
pub fn note(desk: &Desk, id: &Id, n: Note) -> Result<Vec<Attachment>> {
    if n.summary.trim().is_empty() {
        return Err(Error::invalid(
            "a log entry needs a summary of what was said",
        ));
    }
    let files = super::steps::attachments(desk, &n.attachments)?;
    let _lock = desk.lock()?;
    let path = desk.path_of(id);
    let c = load_file(&path)?;
    let at = n
        .when
        .resolve(c.log.iter().map(|l| l.at).max())
        .unwrap_or_else(|given| given);
    // The files first: a crash now leaves an unreferenced file, never an entry naming a
    // file that is not there.
    attachments::store(&desk.root, &files)?;
    record::edit_file(&path, |doc| {
        let mut t = Table::new();
        t["at"] = value(datetime_value(desk.local(at)));
        t["by"] = value(&n.by);
        if let Some(w) = n.with.as_deref().filter(|s| !s.trim().is_empty()) {
            t["with"] = value(w.trim());
        }
        if let Some(c) = n.channel.as_deref().filter(|s| !s.trim().is_empty()) {
            t["channel"] = value(c.trim());
        }
        t["summary"] = value(n.summary.trim());
        if let Some(d) = n.follow_up {
            t["follow_up"] = value(date_value(d));
        }
        if !files.is_empty() {
            t["files"] = value(attachments::toml_value(&files));
        }
        match doc.get_mut("log") {
            Some(Item::ArrayOfTables(a)) => a.push(t),
            Some(_) => {
                return Err(Error::invalid(format!(
                    "{}: `log` is not a list of [[log]] tables",
                    path.display()
                )));
            }
            None => {
                let mut a = ArrayOfTables::new();
                a.push(t);
                doc.insert("log", Item::ArrayOfTables(a));
            }
        }
        Ok(())
    })?;
    Ok(files)
}

/// The customer's tickets, newest (by opening) first, ties by ID descending.
pub fn tickets(desk: &Desk, id: &Id) -> Result<Vec<super::ticket::Ticket>> {
    let mut all =
        super::ticket_store::load_where(desk, |t| t.customer.as_deref() == Some(id.as_str()))?;
    all.sort_by(|a, b| (b.opened, &b.id).cmp(&(a.opened, &a.id)));
    Ok(all)
}

/// The instant a customer was last contacted: its latest communication-log entry.
pub fn last_contact(c: &Customer) -> Option<DateTime<FixedOffset>> {
    c.log.iter().map(|l| l.at).max()
}

/// A follow-up promised in a log entry (`customer note --follow-up DATE`), run like a
/// timer: it is due on its date and runs to the end of that day in the desk's time zone;
/// the next contact with the customer (any later log entry) stops it. The one to act is
/// the entry's author, who promised it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FollowUp {
    pub customer: String,
    pub name: String,
    /// The log entry's number in `customer show` (1 = first).
    pub log: usize,
    pub date: NaiveDate,
    pub owner: String,
    pub summary: String,
    #[serde(serialize_with = "serde_time::ser_datetime")]
    pub noted: DateTime<FixedOffset>,
}

impl FollowUp {
    /// The instant the follow-up day is over: the next midnight in the desk's zone.
    pub fn due_end(&self, tz: chrono_tz::Tz) -> DateTime<Utc> {
        crate::time::midnight(tz, self.date + chrono::Days::new(1))
    }

    /// `due` on its day, `overdue` after it.
    pub fn state(&self, today: NaiveDate) -> &'static str {
        if self.date < today { "overdue" } else { "due" }
    }
}

/// The follow-ups of `c` still running: promised in an entry with no later entry.
pub fn pending_follow_ups(c: &Customer) -> Vec<FollowUp> {
    c.log
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let date = e.follow_up?;
            let stopped = c.log.iter().any(|l| l.at > e.at);
            (!stopped).then(|| FollowUp {
                customer: c.id.clone(),
                name: c.name.clone(),
                log: i + 1,
                date,
                owner: e.by.clone(),
                summary: e.summary.clone(),
                noted: e.at,
            })
        })
        .collect()
}

/// Follow-ups due by `today` (a date in the desk's zone) and not yet stopped by a
/// contact: oldest date first, ties by customer ID.
pub fn due_follow_ups(all: &[Customer], today: NaiveDate) -> Vec<FollowUp> {
    due_of(all.iter().flat_map(pending_follow_ups), today)
}

/// [`due_follow_ups`] of follow-ups already picked out ([`Brief::follow_ups`]).
pub fn due_of(pending: impl IntoIterator<Item = FollowUp>, today: NaiveDate) -> Vec<FollowUp> {
    let mut due: Vec<FollowUp> = pending.into_iter().filter(|f| f.date <= today).collect();
    due.sort_by(|a, b| (a.date, &a.customer, a.log).cmp(&(b.date, &b.customer, b.log)));
    due
}

#[cfg(test)]
mod follow_up_tests {
    use super::*;

    fn customer(log: &str) -> Customer {
        let text = format!(
            "schema = 1\nid = \"C20261101-AAAAAA\"\nname = \"ACME\"\ntags = []\n\
             created = 2026-11-01T09:00:00+08:00\ncreated_by = \"li\"\n{log}"
        );
        toml::from_str(&text).unwrap()
    }

    #[test]
    fn a_follow_up_runs_until_the_next_contact() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let one = "[[log]]\nat = 2026-11-20T10:00:00+08:00\nby = \"wang\"\nsummary = \"quote\"\nfollow_up = 2026-11-25\n";
        let c = customer(one);
        assert!(due_follow_ups(std::slice::from_ref(&c), d("2026-11-24")).is_empty());
        let due = due_follow_ups(std::slice::from_ref(&c), d("2026-11-25"));
        assert_eq!(due.len(), 1);
        assert_eq!(
            (due[0].owner.as_str(), due[0].state(d("2026-11-25"))),
            ("wang", "due")
        );
        assert_eq!(due[0].state(d("2026-11-26")), "overdue");
        // A later entry (a call back) stops it, whatever it says.
        let two = format!(
            "{one}[[log]]\nat = 2026-11-26T09:00:00+08:00\nby = \"li\"\nsummary = \"called\"\n"
        );
        let c = customer(&two);
        assert!(due_follow_ups(std::slice::from_ref(&c), d("2026-12-01")).is_empty());
        assert_eq!(
            last_contact(&c).unwrap().to_rfc3339(),
            "2026-11-26T09:00:00+08:00"
        );
    }
}
