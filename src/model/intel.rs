//! Sales intelligence items (旬报): what a sales person reports every 旬 (ten days) — a
//! customer's problem, a suggestion, a competitor's price, a promotion — followed up by
//! an owner until closed (旬報問題及建議信息跟蹤反饋記錄表).
//!
//! An intel file (`intel/YYYY/MM/I….toml`) reads like a measure's: current fields, then
//! an append-only `[[event]]` history replayed by the one history engine
//! ([`super::record`]). The states:
//!
//! ```text
//! open ─assign─► assigned ─close─► closed
//!                  assign ↺ (a new owner)      note: while open or assigned
//! ```
//!
//! A 旬 is written `2026-12-上旬` (days 1–10), `2026-12-中旬` (11–20) or `2026-12-下旬`
//! (21 to the month's end); `2026-12-1`, `-2`, `-3` are read as the same.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::names;
use super::record::{self, Record, StepError, multiline};
use super::ticket::valid_amount;
use crate::config::Config;
use crate::desk::record::serde_time;
use crate::desk::{Desk, Id, Kind, When};
use crate::error::{Error, Result};
use crate::time::Month;
use crate::vocab::vocab;

vocab!(
    /// What a 旬报 item reports.
    IntelKind {
        /// 问题: a problem customers have (with the product, the service, delivery).
        Problem = "problem",
        /// 建议: a suggestion from a customer or the sales person.
        Suggestion = "suggestion",
        /// 竞品价格: a competitor's price (with --price and --competitor).
        CompetitorPrice = "competitor-price",
        /// 促销: a promotion seen in the market (a competitor's, or one asked for).
        Promotion = "promotion",
    }
);

vocab!(
    /// Where a 旬报 item's follow-up stands.
    State {
        /// Reported, nobody follows it up yet.
        Open = "open",
        /// An owner follows it up.
        Assigned = "assigned",
        /// Followed up, with the feedback (反馈).
        Closed = "closed",
    }
);

// By hand: `vocab!` takes only doc comments on its words, so no `#[default]`.
#[allow(clippy::derivable_impls)]
impl Default for State {
    fn default() -> Self {
        State::Open
    }
}

impl State {
    /// The steps a person may take from this state, as typed after `svcdesk intel`.
    pub fn allowed(self) -> &'static [&'static str] {
        match self {
            State::Open => &["assign", "note"],
            State::Assigned => &["assign", "note", "close"],
            State::Closed => &[],
        }
    }
}

vocab!(
    /// Every kind of event in a 旬报 item's history.
    Action {
        /// Reported: kind, sales person, 旬, text, customer, product, price.
        Add = "add",
        /// Given to an owner to follow up (again: to another owner).
        Assign = "assign",
        /// A follow-up note (跟踪记录).
        Note = "note",
        /// Followed up: the feedback (反馈结果).
        Close = "close",
    }
);

impl Action {
    fn verb(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Assign => "assign",
            Action::Note => "add a note",
            Action::Close => "close",
        }
    }
}

/// A 旬 (ten-day period) of a month: part 1 上旬 (days 1–10), 2 中旬 (11–20), 3 下旬 (21–).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Xun {
    pub year: i32,
    pub month: u32,
    pub part: u8,
}

const PARTS: [&str; 3] = ["上旬", "中旬", "下旬"];

impl Xun {
    /// The 旬 a day falls in.
    pub fn of(d: NaiveDate) -> Xun {
        Xun {
            year: d.year(),
            month: d.month(),
            part: match d.day() {
                1..=10 => 1,
                11..=20 => 2,
                _ => 3,
            },
        }
    }

    /// `2026-12-上旬` or `2026-12-1` (also 中旬/2, 下旬/3); `this` and `last` (the 旬 of
    /// `today` and the one before).
    pub fn parse(s: &str, today: NaiveDate) -> Option<Xun> {
        let s = s.trim();
        match s {
            "this" => return Some(Xun::of(today)),
            "last" => return Some(Xun::of(Xun::of(today).first_day().pred_opt()?)),
            _ => {}
        }
        let (month, part) = s.rsplit_once('-')?;
        let part = match part {
            "1" | "上旬" => 1,
            "2" | "中旬" => 2,
            "3" | "下旬" => 3,
            _ => return None,
        };
        let (y, m) = month.split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        NaiveDate::from_ymd_opt(year, month, 1)?;
        Some(Xun { year, month, part })
    }

    pub fn first_day(self) -> NaiveDate {
        let day = [1, 11, 21][usize::from(self.part - 1)];
        NaiveDate::from_ymd_opt(self.year, self.month, day).expect("a valid 旬")
    }

    /// The month's three 旬, in order.
    pub fn of_month(m: Month) -> [Xun; 3] {
        [1, 2, 3].map(|part| Xun {
            year: m.year,
            month: m.month,
            part,
        })
    }
}

impl fmt::Display for Xun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{}",
            self.year,
            self.month,
            PARTS[usize::from(self.part - 1)]
        )
    }
}

/// What a user may type for a 旬, for errors and help.
pub const XUN_HINT: &str =
    "write a 旬 as 2026-12-上旬, 2026-12-中旬 or 2026-12-下旬 (or 2026-12-1, -2, -3), this or last";

/// One thing that happened to a 旬报 item. Flat, like a ticket's events.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    #[serde(
        deserialize_with = "serde_time::datetime",
        serialize_with = "serde_time::ser_datetime"
    )]
    pub at: DateTime<FixedOffset>,
    pub by: String,
    pub action: Action,

    // add
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<IntelKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competitor: Option<String>,

    // assign
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,

    // add (the item), note, close (the feedback)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl Event {
    pub fn new(at: DateTime<FixedOffset>, by: impl Into<String>, action: Action) -> Event {
        Event {
            at,
            by: by.into(),
            action,
            kind: None,
            sales: None,
            period: None,
            customer: None,
            product: None,
            price: None,
            competitor: None,
            owner: None,
            text: None,
        }
    }
}

/// The item as stored: current fields, then the history. `Serialize` gives the JSON of
/// `intel show/list --format json`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Intel {
    pub schema: u32,
    pub id: String,
    #[serde(default)]
    pub state: State,
    pub kind: IntelKind,
    /// The sales person who reported it.
    pub sales: String,
    /// The 旬 it was reported for, e.g. `2026-12-上旬`.
    pub period: String,
    /// What was reported.
    pub text: String,
    #[serde(default)]
    pub customer: Option<String>,
    #[serde(default)]
    pub product: Option<String>,
    #[serde(default)]
    pub price: Option<String>,
    #[serde(default)]
    pub competitor: Option<String>,
    /// Who follows it up.
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(
        deserialize_with = "serde_time::datetime",
        serialize_with = "serde_time::ser_datetime"
    )]
    pub created: DateTime<FixedOffset>,
    pub created_by: String,
    #[serde(
        default,
        deserialize_with = "serde_time::opt_datetime",
        serialize_with = "serde_time::ser_opt_datetime"
    )]
    pub closed: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub closed_by: Option<String>,
    /// The feedback given when it was closed (反馈).
    #[serde(default)]
    pub result: Option<String>,
    #[serde(default)]
    pub event: Vec<Event>,
}

fn text(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

fn need(what: &str, v: &Option<String>, action: Action) -> Result<String, StepError> {
    text(v).ok_or_else(|| StepError::Invalid(format!("{action} needs {what}")))
}

/// Fields an action does not take must be absent, so a hand-edited event never carries
/// a value that replay would silently ignore.
fn only_own_fields(e: &Event) -> Result<(), StepError> {
    let add = e.action == Action::Add;
    let stray: Vec<&str> = [
        ("kind", e.kind.is_some(), add),
        ("sales", e.sales.is_some(), add),
        ("period", e.period.is_some(), add),
        ("customer", e.customer.is_some(), add),
        ("product", e.product.is_some(), add),
        ("price", e.price.is_some(), add),
        ("competitor", e.competitor.is_some(), add),
        ("owner", e.owner.is_some(), e.action == Action::Assign),
        ("text", e.text.is_some(), e.action != Action::Assign),
    ]
    .into_iter()
    .filter(|(_, set, own)| *set && !own)
    .map(|(k, _, _)| k)
    .collect();
    match stray.as_slice() {
        [] => Ok(()),
        keys => Err(StepError::Invalid(format!(
            "{} does not take {}",
            e.action,
            keys.join(", ")
        ))),
    }
}

/// The price rules: a competitor price needs a price and a competitor; a price belongs
/// to no other kind; a competitor may be named for a promotion too.
fn price_rules(kind: IntelKind, e: &Event) -> Result<(), StepError> {
    if kind == IntelKind::CompetitorPrice {
        let price = text(&e.price).ok_or_else(|| {
            StepError::Invalid("a competitor-price item needs a price (--price)".into())
        })?;
        if !valid_amount(&price) {
            return Err(StepError::Invalid(format!(
                "price \"{price}\" is not an amount (e.g. 1250 or 1250.50)"
            )));
        }
        text(&e.competitor).ok_or_else(|| {
            StepError::Invalid("a competitor-price item needs a competitor (--competitor)".into())
        })?;
    } else if e.price.is_some() {
        return Err(StepError::Invalid(format!(
            "a price belongs to a competitor-price item, not a {kind}"
        )));
    } else if e.competitor.is_some() && kind != IntelKind::Promotion {
        return Err(StepError::Invalid(format!(
            "a competitor belongs to a competitor-price or promotion item, not a {kind}"
        )));
    }
    Ok(())
}

fn from_add(id: &str, e: &Event) -> Result<Intel, StepError> {
    only_own_fields(e)?;
    let Some(kind) = e.kind else {
        return Err(StepError::Invalid(
            "add needs a kind (problem, suggestion, competitor-price, promotion)".into(),
        ));
    };
    let sales = need("the sales person (sales)", &e.sales, e.action)?;
    let period = need("a 旬 (period)", &e.period, e.action)?;
    // Stored in one form: what a file says is what lists and stats match.
    let xun = Xun::parse(&period, e.at.date_naive())
        .filter(|x| x.to_string() == period)
        .ok_or_else(|| {
            StepError::Invalid(format!("period \"{period}\" is not a 旬 like 2026-12-上旬"))
        })?;
    let body = need("what was reported (text)", &e.text, e.action)?;
    price_rules(kind, e)?;
    Ok(Intel {
        schema: 1,
        id: id.to_string(),
        state: State::Open,
        kind,
        sales,
        period: xun.to_string(),
        text: body,
        customer: text(&e.customer),
        product: text(&e.product),
        price: text(&e.price),
        competitor: text(&e.competitor),
        owner: None,
        created: e.at,
        created_by: e.by.clone(),
        closed: None,
        closed_by: None,
        result: None,
        event: vec![e.clone()],
    })
}

/// Applies one later event: the single definition of which step is allowed when.
pub fn apply(i: &mut Intel, e: &Event) -> Result<(), StepError> {
    let refuse = || StepError::Transition {
        noun: "intel item",
        verb: e.action.verb(),
        state: i.state.as_str(),
        allowed: if i.state.allowed().is_empty() {
            "nothing (closed is final)".to_string()
        } else {
            i.state.allowed().join(", ")
        },
    };
    match (e.action, i.state) {
        (Action::Add, _) => {
            return Err(StepError::Invalid(
                "`add` can only be the first event of an intel item".into(),
            ));
        }
        (Action::Assign, State::Open | State::Assigned) => {
            i.owner = Some(need("an owner", &e.owner, e.action)?);
            i.state = State::Assigned;
        }
        (Action::Note, State::Open | State::Assigned) => {
            need("text", &e.text, e.action)?;
        }
        (Action::Close, State::Assigned) => {
            i.result = Some(need("the feedback (text)", &e.text, e.action)?);
            i.state = State::Closed;
            i.closed = Some(e.at);
            i.closed_by = Some(e.by.clone());
        }
        _ => return Err(refuse()),
    }
    only_own_fields(e)?;
    i.event.push(e.clone());
    Ok(())
}

record::plain_step!(Event, Intel);

impl Record for Intel {
    type Event = Event;
    const NOUN: &'static str = "intel";
    const FIRST: &'static str = "add";
    fn id(&self) -> &str {
        &self.id
    }
    fn events(&self) -> &[Event] {
        &self.event
    }
    fn create(id: &str, first: &Event) -> Result<Intel, StepError> {
        from_add(id, first)
    }
    fn apply(&mut self, e: &Event) -> Result<(), StepError> {
        apply(self, e)
    }
    fn fields(&self) -> Vec<(&'static str, Option<toml_edit::Value>)> {
        use crate::desk::record::datetime_value;
        use toml_edit::Value;
        let s = |v: &Option<String>| v.as_deref().map(multiline);
        vec![
            ("state", Some(Value::from(self.state.as_str()))),
            ("kind", Some(Value::from(self.kind.as_str()))),
            ("sales", Some(Value::from(self.sales.as_str()))),
            ("period", Some(Value::from(self.period.as_str()))),
            ("text", Some(multiline(&self.text))),
            ("customer", s(&self.customer)),
            ("product", s(&self.product)),
            ("price", s(&self.price)),
            ("competitor", s(&self.competitor)),
            ("owner", s(&self.owner)),
            ("created", Some(datetime_value(self.created))),
            ("created_by", Some(Value::from(self.created_by.as_str()))),
            ("closed", self.closed.map(datetime_value)),
            ("closed_by", s(&self.closed_by)),
            ("result", s(&self.result)),
        ]
    }
}

impl Intel {
    /// The 旬 it was reported for (files are checked to hold a well-formed one).
    pub fn xun(&self) -> Option<Xun> {
        Xun::parse(&self.period, self.created.date_naive())
    }

    /// For `check`: its people are staff, its customer exists.
    pub fn reference_problems(
        &self,
        config: &Config,
        customers: &std::collections::HashSet<String>,
    ) -> Vec<String> {
        let mut out: Vec<String> = names::staff_problem(config, "sales", &self.sales)
            .into_iter()
            .chain(
                self.owner
                    .as_deref()
                    .and_then(|o| names::staff_problem(config, "owner", o)),
            )
            .collect();
        if let Some(c) = &self.customer
            && !customers.contains(c)
        {
            out.push(format!("customer {c}: no such customer"));
        }
        out
    }
}

pub fn load_file(path: &Path) -> Result<Intel> {
    record::load_file(path)
}

pub fn load(desk: &Desk, id: &Id) -> Result<Intel> {
    load_file(&desk.path_of(id))
}

pub fn load_all(desk: &Desk) -> Result<Vec<Intel>> {
    let mut v: Vec<Intel> = desk
        .record_files(Kind::Intel)?
        .par_iter()
        .map(|p| load_file(p))
        .collect::<Result<_>>()?;
    sort(&mut v);
    Ok(v)
}

/// By 旬, then ID (IDs begin with the day they were written).
pub fn sort(v: &mut [Intel]) {
    v.sort_by(|a, b| a.xun().cmp(&b.xun()).then_with(|| a.id.cmp(&b.id)));
}

/// Reads a 旬 a user typed, or says how to write one (exit 2).
pub fn parse_xun(s: &str, today: NaiveDate) -> Result<Xun> {
    Xun::parse(s, today)
        .ok_or_else(|| Error::usage(format!("cannot read \"{s}\" as a 旬"), XUN_HINT))
}

pub struct NewIntel {
    pub kind: IntelKind,
    pub sales: String,
    /// The 旬; None: the one of the day it is added.
    pub period: Option<String>,
    pub text: String,
    pub customer: Option<String>,
    pub product: Option<String>,
    pub price: Option<String>,
    pub competitor: Option<String>,
    pub by: String,
    pub at: DateTime<Utc>,
}

pub struct Added {
    pub id: Id,
    pub path: PathBuf,
    pub intel: Intel,
}

pub fn add(desk: &Desk, new: NewIntel) -> Result<Added> {
    let created = desk.local(new.at);
    let today = created.date_naive();
    let xun = match new.period.as_deref() {
        Some(p) => parse_xun(p, today)?,
        None => Xun::of(today),
    };
    let sales = names::staff_member(&desk.config, "sales person", &new.sales)?;
    let customer = new
        .customer
        .as_deref()
        .map(|c| desk.resolve(Kind::Customer, c).map(|id| id.to_string()))
        .transpose()?;
    let mut e = Event::new(created, new.by, Action::Add);
    e.kind = Some(new.kind);
    e.sales = Some(sales);
    e.period = Some(xun.to_string());
    e.text = Some(new.text);
    e.customer = customer;
    e.product = text(&new.product);
    e.price = new.price;
    e.competitor = text(&new.competitor);
    let _lock = desk.lock()?;
    let id = desk.new_id(Kind::Intel, new.at);
    let intel = record::replay(id.as_str(), std::slice::from_ref(&e))
        .map_err(|(_, err)| Error::usage(err.to_string(), "see `svcdesk intel add --help`"))?;
    let path = record::create_file(desk, &id, &intel)?;
    Ok(Added { id, path, intel })
}

fn unstamped() -> DateTime<FixedOffset> {
    DateTime::<Utc>::UNIX_EPOCH.fixed_offset()
}

pub fn append(desk: &Desk, id: &Id, when: When, e: Event) -> Result<Intel> {
    record::append(desk, id, when, e, |_: &Intel, _| Ok(()))
}

pub fn assign(desk: &Desk, id: &Id, by: String, when: When, owner: &str) -> Result<Intel> {
    let owner = names::staff_member(&desk.config, "owner", owner)?;
    let mut e = Event::new(unstamped(), by, Action::Assign);
    e.owner = Some(owner);
    append(desk, id, when, e)
}

pub fn note(desk: &Desk, id: &Id, by: String, when: When, text: &str) -> Result<Intel> {
    let mut e = Event::new(unstamped(), by, Action::Note);
    e.text = Some(text.trim().to_string()).filter(|s| !s.is_empty());
    append(desk, id, when, e)
}

pub fn close(desk: &Desk, id: &Id, by: String, when: When, feedback: &str) -> Result<Intel> {
    let mut e = Event::new(unstamped(), by, Action::Close);
    e.text = Some(feedback.trim().to_string()).filter(|s| !s.is_empty());
    append(desk, id, when, e)
}

/// What `intel list` keeps.
#[derive(Debug, Default)]
pub struct Filter {
    pub kind: Option<IntelKind>,
    pub period: Option<Xun>,
    pub state: Option<State>,
    pub owner: Option<String>,
}

impl Filter {
    pub fn matches(&self, i: &Intel) -> bool {
        self.kind.is_none_or(|k| i.kind == k)
            && self.period.is_none_or(|p| i.xun() == Some(p))
            && self.state.is_none_or(|s| i.state == s)
            && self
                .owner
                .as_deref()
                .is_none_or(|o| i.owner.as_deref() == Some(o))
    }
}

/// `stats --intel` columns: per 旬 and kind, the items reported in that 旬 by their state
/// now.
pub const STATS_COLUMNS: [&str; 6] = ["period", "kind", "open", "assigned", "closed", "total"];

/// One row per 旬 of `xuns` and kind (every kind, in [`IntelKind::ALL`] order): counts
/// of the items reported for that 旬, by their current state.
pub fn stats_rows(items: &[Intel], xuns: &[Xun]) -> crate::output::Rows {
    let mut counts: BTreeMap<(Xun, IntelKind), [usize; 3]> = BTreeMap::new();
    for x in xuns {
        for k in IntelKind::ALL {
            counts.insert((*x, *k), [0; 3]);
        }
    }
    for i in items {
        let Some(c) = i.xun().and_then(|x| counts.get_mut(&(x, i.kind))) else {
            continue;
        };
        c[match i.state {
            State::Open => 0,
            State::Assigned => 1,
            State::Closed => 2,
        }] += 1;
    }
    let mut rows = crate::output::Rows::new(STATS_COLUMNS.to_vec());
    for ((x, k), c) in counts {
        rows.push(vec![
            x.to_string(),
            k.to_string(),
            c[0].to_string(),
            c[1].to_string(),
            c[2].to_string(),
            c.iter().sum::<usize>().to_string(),
        ]);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn xun_reads_both_forms_and_splits_the_month_at_10_and_20() {
        let today = d("2026-12-02");
        let x = Xun::parse("2026-12-上旬", today).unwrap();
        assert_eq!(Xun::parse("2026-12-1", today), Some(x));
        assert_eq!(x.to_string(), "2026-12-上旬");
        assert_eq!(
            Xun::parse("2026-02-3", today).unwrap().to_string(),
            "2026-02-下旬"
        );
        assert_eq!(Xun::of(d("2026-12-10")).part, 1);
        assert_eq!(Xun::of(d("2026-12-11")).part, 2);
        assert_eq!(Xun::of(d("2026-12-20")).part, 2);
        assert_eq!(Xun::of(d("2026-12-31")).part, 3);
        assert_eq!(Xun::parse("this", today), Some(x));
        assert_eq!(
            Xun::parse("last", today).unwrap().to_string(),
            "2026-11-下旬"
        );
        for bad in [
            "2026-12-4",
            "2026-13-1",
            "2026-12",
            "26-12-1",
            "2026-12-上",
            "",
        ] {
            assert_eq!(Xun::parse(bad, today), None, "{bad}");
        }
    }

    fn added(kind: IntelKind) -> Event {
        let mut e = Event::new(at("2026-12-02T09:00:00+08:00"), "wang", Action::Add);
        e.kind = Some(kind);
        e.sales = Some("wang".into());
        e.period = Some("2026-12-上旬".into());
        e.text = Some("X200 jams in humid weather".into());
        e
    }

    #[test]
    fn an_item_goes_open_assigned_closed_and_closed_is_final() {
        let mut i = from_add("I20261202-AAAAAA", &added(IntelKind::Problem)).unwrap();
        let mut close = Event::new(at("2026-12-02T10:00:00+08:00"), "li", Action::Close);
        close.text = Some("fixed".into());
        let err = apply(&mut i, &close).unwrap_err().to_string();
        assert!(err.contains("open") && err.contains("assign"), "{err}");
        let mut assign = Event::new(at("2026-12-02T09:30:00+08:00"), "li", Action::Assign);
        assign.owner = Some("zhao".into());
        apply(&mut i, &assign).unwrap();
        assert_eq!(i.state, State::Assigned);
        apply(&mut i, &close).unwrap();
        assert_eq!(i.state, State::Closed);
        assert_eq!(i.result.as_deref(), Some("fixed"));
        assert!(apply(&mut i, &assign).is_err());
    }

    #[test]
    fn a_competitor_price_needs_a_price_and_a_competitor_and_only_it_takes_a_price() {
        let mut e = added(IntelKind::CompetitorPrice);
        assert!(from_add("I", &e).is_err());
        e.price = Some("1250".into());
        assert!(from_add("I", &e).is_err());
        e.competitor = Some("Acme".into());
        assert!(from_add("I", &e).is_ok());
        e.price = Some("12,50".into());
        assert!(from_add("I", &e).is_err());
        let mut p = added(IntelKind::Problem);
        p.price = Some("1".into());
        assert!(from_add("I", &p).is_err());
        let mut promo = added(IntelKind::Promotion);
        promo.competitor = Some("Acme".into());
        assert!(from_add("I", &promo).is_ok());
    }

    #[test]
    fn a_stored_period_must_be_in_its_one_form() {
        let mut e = added(IntelKind::Problem);
        e.period = Some("2026-12-1".into());
        assert!(from_add("I", &e).is_err());
    }
}
