//! Planned maintenance schedules (定期保养): "visit customer C every 3 months for
//! maintenance", and `schedule run`, which opens the visit requests that fell due.
//!
//! A schedule is a small record of its own (`schedules/S….toml`, flat like customers):
//! current fields, then an append-only `[[event]]` history (`add`, `stop`), replayed by
//! the one history engine ([`super::record`]) and merged by the desk's merge driver like
//! any history. Stopping keeps the file and its history.
//!
//! Occurrences are `from + k × every` (k = 0, 1, …; months counted from `from`, so a
//! schedule from 31 January falls on 28/29 February, then 31 March), each moved to the
//! next working day of the desk calendar when it falls on a weekend or holiday (调休
//! make-up days count as working). A planned visit request has no ticket: it names its
//! schedule. Its ID is derived from the schedule's ID and the occurrence's date, its
//! request is made in the name of the schedule's author at 00:00 of the occurrence's
//! day: every byte of the file follows from the schedule, so two clones running cron
//! write identical files and a run that finds the file opens nothing.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, Months, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::names;
use super::record::{self, Record, StepError, multiline};
use super::report::ServiceType;
use super::visit::{self, Planned};
use crate::desk::record::serde_time;
use crate::desk::{Desk, Id, Kind, When};
use crate::error::{Error, Result};
use crate::time::calendar::Calendar;
use crate::vocab::vocab;

vocab!(
    /// Whether a schedule still opens visits.
    State {
        /// `schedule run` opens its occurrences.
        Active = "active",
        /// Stopped: kept with its history, opens nothing more.
        Stopped = "stopped",
    }
);

vocab!(
    /// Every kind of event in a schedule's history.
    Action {
        /// The schedule was set up: customer, interval, service type, scope, first day.
        Add = "add",
        /// The schedule was stopped (final).
        Stop = "stop",
    }
);

/// How often: `<N>w`, `<N>mo` or `<N>y` (N from 1 to 99), e.g. `2w`, `3mo`, `1y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    Weeks(u32),
    Months(u32),
}

impl Every {
    /// The k-th occurrence from `from` (k = 0 is `from` itself); None past chrono's range.
    pub fn nth(self, from: NaiveDate, k: u32) -> Option<NaiveDate> {
        match self {
            Every::Weeks(n) => from.checked_add_days(chrono::Days::new(u64::from(n * 7 * k))),
            Every::Months(n) => from.checked_add_months(Months::new(n.checked_mul(k)?)),
        }
    }
}

impl fmt::Display for Every {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Every::Weeks(n) => write!(f, "{n}w"),
            Every::Months(n) if n % 12 == 0 => write!(f, "{}y", n / 12),
            Every::Months(n) => write!(f, "{n}mo"),
        }
    }
}

impl FromStr for Every {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Every, String> {
        let s = s.trim();
        let bad =
            || format!("`{s}` is not an interval: write a number and w, mo or y, e.g. 2w, 3mo, 1y");
        let split = s.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        let (n, unit) = s.split_at(split);
        let n: u32 = n.parse().map_err(|_| bad())?;
        if !(1..=99).contains(&n) {
            return Err(format!("`{s}`: the number must be from 1 to 99"));
        }
        match unit {
            "w" => Ok(Every::Weeks(n)),
            "mo" => Ok(Every::Months(n)),
            "y" => Ok(Every::Months(n * 12)),
            _ => Err(bad()),
        }
    }
}

impl Serialize for Every {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Every {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Every, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// One thing that happened to a schedule.
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
    pub customer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<Every>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type: Option<ServiceType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The first occurrence.
    #[serde(
        default,
        deserialize_with = "serde_time::opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engineer: Option<String>,
    // stop
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl Event {
    pub fn new(at: DateTime<FixedOffset>, by: impl Into<String>, action: Action) -> Event {
        Event {
            at,
            by: by.into(),
            action,
            customer: None,
            every: None,
            service_type: None,
            scope: None,
            date: None,
            engineer: None,
            text: None,
        }
    }
}

/// The schedule as stored: current fields, then the history.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    pub schema: u32,
    pub id: String,
    pub state: State,
    pub customer: String,
    pub every: Every,
    pub service_type: ServiceType,
    pub scope: String,
    /// The first occurrence.
    #[serde(deserialize_with = "serde_time::date")]
    pub from: NaiveDate,
    /// The engineer usually sent (named in each request's resources).
    #[serde(default)]
    pub engineer: Option<String>,
    #[serde(
        deserialize_with = "serde_time::datetime",
        serialize_with = "serde_time::ser_datetime"
    )]
    pub added: DateTime<FixedOffset>,
    pub added_by: String,
    #[serde(
        default,
        deserialize_with = "serde_time::opt_datetime",
        serialize_with = "serde_time::ser_opt_datetime"
    )]
    pub stopped: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub stopped_by: Option<String>,
    #[serde(default)]
    pub event: Vec<Event>,
}

fn text(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

fn need<T>(what: &str, v: Option<T>, action: Action) -> Result<T, StepError> {
    v.ok_or_else(|| StepError::Invalid(format!("{action} needs {what}")))
}

fn only_own_fields(e: &Event) -> Result<(), StepError> {
    let add = e.action == Action::Add;
    let mut stray = Vec::new();
    for (k, set, ok) in [
        ("customer", e.customer.is_some(), add),
        ("every", e.every.is_some(), add),
        ("service_type", e.service_type.is_some(), add),
        ("scope", e.scope.is_some(), add),
        ("date", e.date.is_some(), add),
        ("engineer", e.engineer.is_some(), add),
        ("text", e.text.is_some(), !add),
    ] {
        if set && !ok {
            stray.push(k);
        }
    }
    match stray.as_slice() {
        [] => Ok(()),
        keys => Err(StepError::Invalid(format!(
            "{} does not take {}",
            e.action,
            keys.join(", ")
        ))),
    }
}

fn from_add(id: &str, e: &Event) -> Result<Schedule, StepError> {
    only_own_fields(e)?;
    let a = e.action;
    if a != Action::Add {
        return Err(StepError::Invalid(
            "a schedule's first event must be `add`".into(),
        ));
    }
    Ok(Schedule {
        schema: 1,
        id: id.to_string(),
        state: State::Active,
        customer: need("a customer", e.customer.clone(), a)?,
        every: need("an interval (every)", e.every, a)?,
        service_type: need("a service type", e.service_type, a)?,
        scope: need("the scope of the work (scope)", text(&e.scope), a)?,
        from: need("the first day (date)", e.date, a)?,
        engineer: text(&e.engineer),
        added: e.at,
        added_by: e.by.clone(),
        stopped: None,
        stopped_by: None,
        event: vec![e.clone()],
    })
}

/// Applies one later event: the single definition of which step is allowed when.
pub fn apply(s: &mut Schedule, e: &Event) -> Result<(), StepError> {
    only_own_fields(e)?;
    match (e.action, s.state) {
        (Action::Add, _) => {
            return Err(StepError::Invalid(
                "`add` can only be the first event of a schedule".into(),
            ));
        }
        (Action::Stop, State::Active) => {
            s.state = State::Stopped;
            s.stopped = Some(e.at);
            s.stopped_by = Some(e.by.clone());
        }
        (Action::Stop, State::Stopped) => {
            return Err(StepError::Transition {
                noun: "schedule",
                verb: "stop",
                state: s.state.as_str(),
                allowed: "nothing (a stopped schedule stays stopped; add a new one)".into(),
            });
        }
    }
    s.event.push(e.clone());
    Ok(())
}

record::plain_step!(Event, Schedule);

impl Record for Schedule {
    type Event = Event;
    const NOUN: &'static str = "schedule";
    const FIRST: &'static str = "add";
    fn id(&self) -> &str {
        &self.id
    }
    fn events(&self) -> &[Event] {
        &self.event
    }
    fn create(id: &str, first: &Event) -> Result<Schedule, StepError> {
        from_add(id, first)
    }
    fn apply(&mut self, e: &Event) -> Result<(), StepError> {
        apply(self, e)
    }
    fn fields(&self) -> Vec<(&'static str, Option<toml_edit::Value>)> {
        use crate::desk::record::{date_value, datetime_value};
        use toml_edit::Value;
        vec![
            ("state", Some(Value::from(self.state.as_str()))),
            ("customer", Some(Value::from(self.customer.as_str()))),
            ("every", Some(Value::from(self.every.to_string()))),
            (
                "service_type",
                Some(Value::from(self.service_type.as_str())),
            ),
            ("scope", Some(multiline(&self.scope))),
            ("from", Some(date_value(self.from))),
            ("engineer", self.engineer.as_deref().map(Value::from)),
            ("added", Some(datetime_value(self.added))),
            ("added_by", Some(Value::from(self.added_by.as_str()))),
            ("stopped", self.stopped.map(datetime_value)),
            ("stopped_by", self.stopped_by.as_deref().map(Value::from)),
        ]
    }
}

/// One occurrence of a schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    /// `from + k × every`: what the visit's ID is derived from.
    pub nominal: NaiveDate,
    /// The day wanted: `nominal`, or the next working day after it.
    pub date: NaiveDate,
}

/// The first working day on or after `d` (a year of non-working days at most: a
/// calendar with none is taken as it is).
pub fn working_day_from(cal: &Calendar, d: NaiveDate) -> NaiveDate {
    let mut x = d;
    for _ in 0..366 {
        if cal.is_working_day(x) {
            return x;
        }
        match x.succ_opt() {
            Some(n) => x = n,
            None => break,
        }
    }
    d
}

impl Schedule {
    /// Every occurrence whose nominal day is on or before `upto`, in order.
    pub fn occurrences(&self, cal: &Calendar, upto: NaiveDate) -> Vec<Occurrence> {
        (0u32..)
            .map_while(|k| self.every.nth(self.from, k))
            .take_while(|d| *d <= upto)
            .map(|nominal| Occurrence {
                nominal,
                date: working_day_from(cal, nominal),
            })
            .collect()
    }

    /// The first occurrence whose nominal day is after `today`.
    pub fn next_after(&self, cal: &Calendar, today: NaiveDate) -> Option<Occurrence> {
        (0u32..)
            .map_while(|k| self.every.nth(self.from, k))
            .find(|d| *d > today)
            .map(|nominal| Occurrence {
                nominal,
                date: working_day_from(cal, nominal),
            })
    }

    /// The visit request this occurrence opens, with its derived ID.
    pub fn planned(&self, desk: &Desk, o: Occurrence) -> Planned {
        let key = format!("{} {}", self.id, o.nominal);
        let midnight = o.nominal.and_hms_opt(0, 0, 0).expect("midnight exists");
        let at = desk
            .tz()
            .from_local_datetime(&midnight)
            .earliest()
            .map(|t| t.fixed_offset())
            .unwrap_or_else(|| Utc.from_utc_datetime(&midnight).fixed_offset());
        Planned {
            id: Id::derived(Kind::Visit, o.nominal, &key),
            schedule: self.id.clone(),
            customer: self.customer.clone(),
            service_type: self.service_type,
            scope: self.scope.clone(),
            resources: self.engineer.as_ref().map(|e| format!("engineer {e}")),
            date: o.date,
            by: self.added_by.clone(),
            at,
        }
    }
}

pub fn load(desk: &Desk, id: &Id) -> Result<Schedule> {
    record::load_file(&desk.path_of(id))
}

/// Every schedule, in ID order. One bad file is an error naming it.
pub fn load_all(desk: &Desk) -> Result<Vec<Schedule>> {
    desk.record_files(Kind::Schedule)?
        .iter()
        .map(|p| record::load_file(p))
        .collect()
}

/// What `schedule add` needs.
pub struct NewSchedule {
    /// As typed: an ID or abbreviation.
    pub customer: String,
    pub every: Every,
    pub service_type: ServiceType,
    pub scope: String,
    pub from: NaiveDate,
    pub engineer: Option<String>,
    pub by: String,
    pub at: DateTime<Utc>,
}

pub struct Added {
    pub id: Id,
    pub path: std::path::PathBuf,
    pub schedule: Schedule,
}

pub fn add(desk: &Desk, new: NewSchedule) -> Result<Added> {
    let customer = desk.resolve(Kind::Customer, &new.customer)?;
    let engineer = new
        .engineer
        .as_deref()
        .map(|e| names::staff_member(&desk.config, "engineer", e))
        .transpose()?;
    let mut e = Event::new(desk.local(new.at), new.by, Action::Add);
    e.customer = Some(customer.to_string());
    e.every = Some(new.every);
    e.service_type = Some(new.service_type);
    e.scope = Some(new.scope.trim().to_string()).filter(|s| !s.is_empty());
    e.date = Some(new.from);
    e.engineer = engineer;
    let _lock = desk.lock()?;
    let id = desk.new_id(Kind::Schedule, new.at);
    let s = record::replay(id.as_str(), std::slice::from_ref(&e))
        .map_err(|(_, err)| Error::invalid(err.to_string()))?;
    let path = record::create_file(desk, &id, &s)?;
    Ok(Added {
        id,
        path,
        schedule: s,
    })
}

pub fn stop(desk: &Desk, id: &Id, by: String, when: When, why: Option<&str>) -> Result<Schedule> {
    let mut e = Event::new(DateTime::<Utc>::UNIX_EPOCH.fixed_offset(), by, Action::Stop);
    e.text = why
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from);
    record::append(desk, id, when, e, |_: &Schedule, _| Ok(()))
}

/// One visit request a run opened (or, dry, would open).
pub struct Opened {
    pub schedule: String,
    pub customer: String,
    pub occurrence: Occurrence,
    pub id: Id,
    pub path: std::path::PathBuf,
}

/// `schedule run`: for every active schedule, each occurrence on or before `today`
/// whose visit file does not exist yet is opened (unless `dry`). A run that finds
/// everything opened writes nothing.
pub fn run(desk: &Desk, today: NaiveDate, dry: bool) -> Result<Vec<Opened>> {
    let cal = desk
        .config
        .calendar()
        .map_err(|e| Error::invalid(e.to_string()))?;
    let _lock = if dry { None } else { Some(desk.lock()?) };
    let mut out = Vec::new();
    for s in load_all(desk)? {
        if s.state != State::Active {
            continue;
        }
        for o in s.occurrences(&cal, today) {
            let p = s.planned(desk, o);
            let path = desk.path_of(&p.id);
            if path.exists() {
                continue;
            }
            if dry {
                p.visit()?;
            } else if visit::open_planned(desk, &p)?.is_none() {
                continue;
            }
            out.push(Opened {
                schedule: s.id.clone(),
                customer: s.customer.clone(),
                occurrence: o,
                id: p.id,
                path,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn intervals_parse_and_print() {
        assert_eq!("3mo".parse::<Every>(), Ok(Every::Months(3)));
        assert_eq!("1y".parse::<Every>(), Ok(Every::Months(12)));
        assert_eq!("2w".parse::<Every>(), Ok(Every::Weeks(2)));
        assert_eq!(Every::Months(12).to_string(), "1y");
        assert_eq!(Every::Months(6).to_string(), "6mo");
        for bad in ["", "3", "mo", "0mo", "3m", "100w", "-1w", "3 mo"] {
            assert!(bad.parse::<Every>().is_err(), "{bad}");
        }
    }

    #[test]
    fn months_count_from_the_first_day_without_drift() {
        let e = Every::Months(1);
        let from = d("2027-01-31");
        let got: Vec<NaiveDate> = (0..3).map(|k| e.nth(from, k).unwrap()).collect();
        assert_eq!(got, [d("2027-01-31"), d("2027-02-28"), d("2027-03-31")]);
        assert_eq!(Every::Weeks(2).nth(from, 1), Some(d("2027-02-14")));
    }
}
