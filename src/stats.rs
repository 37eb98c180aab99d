//! Monthly / quarterly statistics (月份统计报表), 高频问题 TOP N and trends: pure folds
//! over tickets and field reports. No I/O, no printing, no clock.
//!
//! Every figure is of the desk **as it stood at the period's end** (or now, for a period
//! not over yet; [`cutoff`]): each ticket is replayed from the events before that
//! instant ([`as_of`]) and its SLA timers are evaluated then. A finished month therefore gives
//! the same figures whenever it is run, on the 1st or in March. Definitions (`svcdesk
//! stats --help` quotes them):
//! - **opened** / **closed**: tickets with an `open` / a `close` event in the period;
//! - **backlog**: tickets open (opened, not closed) at the period's end;
//! - a ticket **merged** into another by the period's end counts in none of the figures
//!   ([`merged_away`]): its target stands for the case, once;
//! - **reopen rate**: `reopen` events in the period ÷ tickets resolved in the period;
//! - **SLA achievement** per timer: of the timer runs *decided* in the period, the share
//!   met. A run is decided when it is met (at its stop), missed (at the close that ended
//!   it without its stop action) or breached (at its deadline, whether or not it has
//!   stopped since): each run counts once, in one period, so a quarter is the sum of its
//!   months. Runs that are `n/a` or `restarted` do not count;
//! - **first response**: hours from `open` to the first `respond`, for tickets whose first
//!   response falls in the period; **resolve**: hours from `open` to the last `resolve`
//!   in the period (wall clock; means and medians);
//! - **satisfaction**: final scores (1–5) of tickets closed in the period and still
//!   closed at its end: mean and the count of each score;
//! - **revisit rate**: tickets resolved in the period with a `revisit` after that
//!   resolution (before the period's end) ÷ tickets resolved in the period;
//! - **compensation**: requests, approvals and rejections in the period (count and the
//!   requested amount, per currency; an approval or rejection counts the amount of the
//!   request it decided), and requests pending (requested or reviewed) at its end;
//! - **visits** / **visit hours**: field-service reports whose visit falls in the period,
//!   and their hours on site;
//! - **log hours**: hours of work-log entries (`report log`) dated in the period;
//! - **promises** made to customers (runs of the built-in `promise` timer): each counts
//!   once, in the period of its deadline or of its end if earlier, as **kept** (met),
//!   **broken** (breached) or **changed** (replaced by a new promise before its time);
//!   **made** counts them all (a promise still running before its deadline, or ended
//!   with its ticket merged away, is made only).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use rayon::prelude::*;
use serde_json::{Value, json};

use crate::config::Policy;
use crate::config::fields::{FieldRecord, FieldType, Fields};
use crate::model::report::Report;
use crate::model::ticket::{self, Action, Event, Ticket};
use crate::model::worklog::WorkLog;
use crate::output::Rows;
use crate::output::sheet::{self, intern, json_number};
use crate::sla::policy::{TimerState, TimerStatus};
use crate::vocab::vocab;
use serde::{Deserialize, Serialize};

mod figures;
mod membership;
pub use figures::{Figures, Request, figures};
pub use membership::{may_count, merged_away};

use crate::time::Period;

/// The ticket as it stood just before `end`: replayed from the events before it (events
/// are in time order). `None` if it was not yet opened. Borrowed when nothing happened
/// since.
pub fn as_of(t: &Ticket, end: DateTime<Utc>) -> Option<Cow<'_, Ticket>> {
    let n = t.event.iter().take_while(|e| e.at.to_utc() < end).count();
    match n {
        0 => None,
        n if n == t.event.len() => Some(Cow::Borrowed(t)),
        // A prefix of a history that replays, replays: each step was checked against
        // exactly the steps before it.
        n => ticket::replay(&t.id, &t.event[..n]).ok().map(Cow::Owned),
    }
}

/// The instant a period's figures are taken at: its end, or — for a period not over yet
/// — now (events recorded at `now` included).
pub fn cutoff(p: &Period, now: DateTime<Utc>) -> DateTime<Utc> {
    if now < p.to {
        now + chrono::Duration::seconds(1)
    } else {
        p.to
    }
}

/// Was the ticket open (opened, not closed) at instant `at`?
pub fn open_at(t: &Ticket, at: DateTime<Utc>) -> bool {
    let mut open = false;
    for e in t.event.iter().take_while(|e| e.at.to_utc() < at) {
        match e.action {
            Some(Action::Open) | Some(Action::Reopen) => open = true,
            Some(Action::Close) | Some(Action::MergedInto) => open = false,
            _ => {}
        }
    }
    open
}

/// Whether the close `e` of `t` left the customer dissatisfied: its satisfaction, else
/// the result of the last revisit before it, at or below 2.
fn closed_dissatisfied(t: &Ticket, e: &Event) -> bool {
    let score = e.satisfaction.or_else(|| {
        t.event
            .iter()
            .take_while(|x| !std::ptr::eq(*x, e))
            .filter(|x| x.action == Some(Action::Revisit))
            .filter_map(|x| x.result)
            .last()
    });
    score.is_some_and(|s| s <= crate::model::steps::DISSATISFIED)
}

/// Money in hundredths, so sums are exact. Amounts are validated on entry.
pub fn cents(amount: &str) -> i64 {
    let (int, frac) = amount.split_once('.').unwrap_or((amount, ""));
    let frac = format!("{frac:0<2}");
    int.parse::<i64>().unwrap_or(0) * 100 + frac[..2].parse::<i64>().unwrap_or(0)
}

pub fn format_cents(c: i64) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

/// The figures of one group of tickets and visits over one period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    pub opened: usize,
    pub closed: usize,
    pub backlog: usize,
    pub resolved: usize,
    pub reopens: usize,
    pub revisited: usize,
    /// timer -> its runs decided in the period.
    pub sla: BTreeMap<String, SlaCount>,
    /// Seconds from open to the first response, one per ticket.
    pub first_response_secs: Vec<i64>,
    /// Seconds from open to the resolution, one per ticket.
    pub resolve_secs: Vec<i64>,
    /// Counts of final satisfaction 1..=5.
    pub satisfaction: [usize; 5],
    /// Currency -> approved compensation in hundredths.
    pub compensation: BTreeMap<String, i64>,
    pub visits: usize,
    /// Hours on site, in hundredths.
    pub visit_hundredths: i64,
    /// `ship` events in the period.
    pub shipments: usize,
    /// Of those that stopped a timer (a `ship` timer started by the approval or plan that
    /// needed the goods), how many: (met, timed).
    pub shipped_on_time: (usize, usize),
    /// Compensation requested outside the grade's rules (`--exception`) in the period.
    pub comp_exceptions: usize,
    /// Work-log hours dated in the period, in hundredths.
    pub log_hundredths: i64,
    /// Compensation requests, approvals, rejections in the period, and requests pending
    /// at its end: counts, and per currency their amounts in hundredths ([`Comp`]).
    pub comp: [usize; 4],
    pub comp_amounts: BTreeMap<String, [i64; 4]>,
    /// Promises made, kept, broken and changed ([`Promises`]), each in the period of its
    /// deadline or its end, if earlier.
    pub promises: [usize; 4],
    /// Closes in the period at a satisfaction of 2 or less (`close --reason` says why).
    pub dissatisfied_closes: usize,
    /// Revisits in the period: (sum, count) of their efficiency, attitude and result
    /// scores (处理效率, 服务态度, 处理结果), each averaged on its own.
    pub revisit_scores: [(usize, usize); 3],
}

/// The promise figures of [`Stats::promises`], in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Promises {
    Made = 0,
    Kept = 1,
    Broken = 2,
    Changed = 3,
}

/// The promise figure a run of the `promise` timer counts in besides `made`, if any.
fn promise_outcome(state: TimerState) -> Option<Promises> {
    match state {
        TimerState::Met => Some(Promises::Kept),
        TimerState::Breached | TimerState::Missed => Some(Promises::Broken),
        TimerState::Restarted => Some(Promises::Changed),
        _ => None,
    }
}

/// The compensation figures of [`Stats::comp`], in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comp {
    Requested = 0,
    Approved = 1,
    Rejected = 2,
    Pending = 3,
}

impl Stats {
    /// Folds one ticket into the figures. `t` is the ticket as it stood at the period's
    /// end ([`as_of`]); `timers` are its timers evaluated on it at min(period end, now).
    pub fn add_ticket(&mut self, t: &Ticket, timers: &[TimerStatus], p: &Period) {
        let at = |e: &Event| e.at.to_utc();
        let here = |e: &&Event| p.contains(at(e));
        let is = |e: &&Event, a: Action| e.action == Some(a);
        if merged_away(t) {
            return;
        }
        let Some(opened) = t.opened.map(|o| o.to_utc()) else {
            return;
        };
        let secs = |e: &Event| (at(e) - opened).num_seconds().max(0);
        if p.contains(opened) {
            self.opened += 1;
        }
        if t.event.iter().filter(here).any(|e| is(&e, Action::Close)) {
            self.closed += 1;
        }
        if let Some(c) = t.closed
            && p.contains(c.to_utc())
            && let Some(s) = t.satisfaction.filter(|s| (1..=5).contains(s))
        {
            self.satisfaction[usize::from(s) - 1] += 1;
        }
        if opened < p.to && open_at(t, p.to) {
            self.backlog += 1;
        }
        if let Some(r) = t.event.iter().find(|e| is(e, Action::Respond))
            && p.contains(at(r))
        {
            self.first_response_secs.push(secs(r));
        }
        if let Some(i) = t
            .event
            .iter()
            .rposition(|e| e.action == Some(Action::Resolve) && p.contains(at(e)))
        {
            let resolve = &t.event[i];
            self.resolved += 1;
            self.resolve_secs.push(secs(resolve));
            if t.event[i + 1..]
                .iter()
                .any(|e| is(&e, Action::Revisit) && at(e) < p.to)
            {
                self.revisited += 1;
            }
        }
        self.reopens += t
            .event
            .iter()
            .filter(here)
            .filter(|e| is(e, Action::Reopen))
            .count();
        for (i, e) in t.event.iter().enumerate() {
            if !p.contains(at(e)) {
                continue;
            }
            let which = match e.action {
                Some(Action::CompRequest) => Comp::Requested,
                Some(Action::CompApprove) => Comp::Approved,
                Some(Action::CompReject) => Comp::Rejected,
                _ => continue,
            };
            // A decision's amount is that of the request it decided.
            let Some(req) = t.event[..=i]
                .iter()
                .rev()
                .find(|r| is(r, Action::CompRequest))
            else {
                continue;
            };
            let cur = req.currency.clone().unwrap_or_else(|| "CNY".into());
            let amount = req.amount.as_deref().map_or(0, cents);
            self.add_comp(which, &cur, amount);
            if which == Comp::Approved {
                *self.compensation.entry(cur).or_default() += amount;
            }
        }
        if matches!(
            t.compensation,
            Some(ticket::CompState::Requested | ticket::CompState::Reviewed)
        ) {
            let cur = t
                .compensation_currency
                .clone()
                .unwrap_or_else(|| "CNY".into());
            let amount = t.compensation_amount.as_deref().map_or(0, cents);
            self.add_comp(Comp::Pending, &cur, amount);
        }
        for s in timers {
            if s.decided.is_some_and(|d| p.contains(d)) {
                self.sla.entry(s.timer.clone()).or_default().add(s.state);
            }
        }
        // A promise: in the period of its deadline, or of its end if earlier.
        for s in timers.iter().filter(|s| s.timer == "promise") {
            let when = s.stopped.map_or(s.due, |end| end.min(s.due));
            if p.contains(when) {
                self.promises[Promises::Made as usize] += 1;
                if let Some(o) = promise_outcome(s.state) {
                    self.promises[o as usize] += 1;
                }
            }
        }
        for e in t.event.iter().filter(here) {
            match e.action {
                Some(Action::Ship) => {
                    self.shipments += 1;
                    // The runs this shipment stopped: on time when none was late.
                    let stopped: Vec<_> = timers
                        .iter()
                        .filter(|s| s.stopped == Some(at(e)) && s.state.counts())
                        .collect();
                    if !stopped.is_empty() {
                        self.shipped_on_time.1 += 1;
                        if stopped.iter().all(|s| s.state == TimerState::Met) {
                            self.shipped_on_time.0 += 1;
                        }
                    }
                }
                Some(Action::CompRequest) if e.exception.is_some() => self.comp_exceptions += 1,
                Some(Action::Revisit) => {
                    for (acc, score) in
                        self.revisit_scores
                            .iter_mut()
                            .zip([e.efficiency, e.attitude, e.result])
                    {
                        if let Some(s) = score.filter(|s| (1..=5).contains(s)) {
                            acc.0 += usize::from(s);
                            acc.1 += 1;
                        }
                    }
                }
                Some(Action::Close) if closed_dissatisfied(t, e) => self.dissatisfied_closes += 1,
                _ => {}
            }
        }
    }

    /// The mean of one revisit dimension (0 efficiency, 1 attitude, 2 result), two
    /// decimals; empty without scores.
    pub fn revisit_mean(&self, dim: usize) -> String {
        let (sum, n) = self.revisit_scores[dim];
        sheet::ratio2(sum, n)
    }

    /// Shipments that stopped their timer in time, in percent; empty when none was timed.
    pub fn shipped_on_time_pct(&self) -> String {
        sheet::percent(self.shipped_on_time.0, self.shipped_on_time.1)
    }

    fn add_comp(&mut self, which: Comp, currency: &str, hundredths: i64) {
        self.comp[which as usize] += 1;
        self.comp_amounts.entry(currency.to_string()).or_default()[which as usize] += hundredths;
    }

    /// Work-log hours (in hundredths) dated in the period.
    pub fn add_log(&mut self, hundredths: i64) {
        self.log_hundredths += hundredths;
    }

    /// The currencies of the compensation figures, alphabetical, joined by "; ".
    pub fn comp_currency(&self) -> String {
        self.comp_amounts
            .keys()
            .cloned()
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// One compensation amount with two decimals: a number when all the figures are in
    /// one currency, else one amount per currency of [`Stats::comp_currency`], joined by
    /// "; " (amounts in different currencies do not add up); 0.00 when there are none.
    pub fn comp_amount(&self, which: Comp) -> String {
        if self.comp_amounts.is_empty() {
            return format_cents(0);
        }
        self.comp_amounts
            .values()
            .map(|a| format_cents(a[which as usize]))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// One field visit in the period, with its hours on site in hundredths if known.
    pub fn add_visit(&mut self, hundredths: Option<i64>) {
        self.visits += 1;
        self.visit_hundredths += hundredths.unwrap_or(0);
    }

    /// Adds another group's figures to these.
    pub fn merge(&mut self, o: &Stats) {
        self.opened += o.opened;
        self.closed += o.closed;
        self.backlog += o.backlog;
        self.resolved += o.resolved;
        self.reopens += o.reopens;
        self.revisited += o.revisited;
        for (k, c) in &o.sla {
            self.sla.entry(k.clone()).or_default().merge(c);
        }
        self.first_response_secs
            .extend_from_slice(&o.first_response_secs);
        self.resolve_secs.extend_from_slice(&o.resolve_secs);
        for (a, b) in self.satisfaction.iter_mut().zip(o.satisfaction) {
            *a += b;
        }
        for (k, c) in &o.compensation {
            *self.compensation.entry(k.clone()).or_default() += c;
        }
        self.visits += o.visits;
        self.visit_hundredths += o.visit_hundredths;
        self.log_hundredths += o.log_hundredths;
        for (a, b) in self.comp.iter_mut().zip(o.comp) {
            *a += b;
        }
        for (k, c) in &o.comp_amounts {
            let mine = self.comp_amounts.entry(k.clone()).or_default();
            for (a, b) in mine.iter_mut().zip(c) {
                *a += b;
            }
        }
        self.shipments += o.shipments;
        self.shipped_on_time.0 += o.shipped_on_time.0;
        self.shipped_on_time.1 += o.shipped_on_time.1;
        self.comp_exceptions += o.comp_exceptions;
        for (a, b) in self.promises.iter_mut().zip(o.promises) {
            *a += b;
        }
        self.dissatisfied_closes += o.dissatisfied_closes;
        for (a, b) in self.revisit_scores.iter_mut().zip(o.revisit_scores) {
            a.0 += b.0;
            a.1 += b.1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self == &Stats::default()
    }

    /// Reopen rate in percent, one decimal; empty when nothing was resolved.
    pub fn reopen_rate(&self) -> String {
        sheet::percent(self.reopens, self.resolved)
    }

    pub fn revisit_rate(&self) -> String {
        sheet::percent(self.revisited, self.resolved)
    }

    pub fn sla_pct(&self, timer: &str) -> String {
        self.sla.get(timer).map(SlaCount::pct).unwrap_or_default()
    }

    /// All timers together: the share of decided runs that were met.
    pub fn sla_overall_pct(&self) -> String {
        let mut all = SlaCount::default();
        for c in self.sla.values() {
            all.merge(c);
        }
        all.pct()
    }

    pub fn satisfaction_mean(&self) -> String {
        let n: usize = self.satisfaction.iter().sum();
        let total: usize = self
            .satisfaction
            .iter()
            .enumerate()
            .map(|(i, c)| (i + 1) * c)
            .sum();
        sheet::ratio2(total, n)
    }

    /// "3000.00 CNY; 200.00 USD", currencies in alphabetical order.
    pub fn compensation_text(&self) -> String {
        self.compensation
            .iter()
            .filter(|(_, c)| **c != 0)
            .map(|(cur, c)| format!("{} {cur}", format_cents(*c)))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The runs of one timer decided in a period, by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SlaCount {
    pub met: usize,
    pub breached: usize,
    pub missed: usize,
}

impl SlaCount {
    fn add(&mut self, outcome: TimerState) {
        match outcome {
            TimerState::Met => self.met += 1,
            TimerState::Breached => self.breached += 1,
            TimerState::Missed => self.missed += 1,
            _ => {}
        }
    }

    fn merge(&mut self, o: &SlaCount) {
        self.met += o.met;
        self.breached += o.breached;
        self.missed += o.missed;
    }

    /// Met ÷ (met + breached + missed), in percent with one decimal.
    pub fn pct(&self) -> String {
        sheet::percent(self.met, self.met + self.breached + self.missed)
    }
}

/// Mean hours with two decimals, empty for no values.
pub fn mean_hours(secs: &[i64]) -> String {
    if secs.is_empty() {
        return String::new();
    }
    sheet::hours(secs.iter().sum(), secs.len() as i64)
}

/// Median hours with two decimals (the mean of the middle two for an even count).
pub fn median_hours(secs: &[i64]) -> String {
    if secs.is_empty() {
        return String::new();
    }
    let mut s = secs.to_vec();
    s.sort_unstable();
    let n = s.len();
    if n % 2 == 1 {
        sheet::hours(s[n / 2], 1)
    } else {
        sheet::hours(s[n / 2 - 1] + s[n / 2], 2)
    }
}

// ---------------------------------------------------------------- grouping

vocab!(
    /// What `stats --by` groups by.
    Dim {
        Category = "category",
        Grade = "grade",
        Priority = "priority",
        Department = "department",
        Assignee = "assignee",
        Channel = "channel",
        Customer = "customer",
        Product = "product",
        /// Field visits by their engineer, tickets by their assignee.
        Engineer = "engineer",
        /// The customer's tier stamped when the ticket was opened (`default`: none).
        Tier = "tier",
        /// Field visits by their service type (tickets have none).
        ServiceType = "service-type",
        /// Field visits by how they ended (tickets have none).
        Outcome = "outcome",
        /// The customer's source channel (客户来源), joined onto its tickets and visits.
        Source = "source",
        /// The customer's industry (所属行业), joined the same way.
        Industry = "industry",
    }
);

/// A customer's field joined onto tickets and visits: customer ID -> value.
pub type Join = BTreeMap<String, String>;

/// `--by source` / `--by industry`: the customer's value, read from [`Join`]s that
/// [`figures`] builds from the desk's customers (leaked once per command, like a field key).
pub fn joined(dim: Dim, customers: &[crate::model::customer::Brief]) -> By {
    let get = |c: &crate::model::customer::Brief| match dim {
        Dim::Source => c.source.clone(),
        Dim::Industry => c.industry.clone(),
        _ => None,
    };
    let map: Join = customers
        .iter()
        .filter_map(|c| get(c).map(|v| (c.id.clone(), v)))
        .collect();
    By::Joined(dim, Box::leak(Box::new(map)))
}

impl Dim {
    /// The ticket's value (empty when it has none).
    pub fn of_ticket(self, t: &Ticket) -> String {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        match self {
            Dim::Category => s(&t.category),
            Dim::Grade => t.grade.map(|g| g.to_string()).unwrap_or_default(),
            Dim::Priority => t.priority.map(|p| p.to_string()).unwrap_or_default(),
            Dim::Department => s(&t.department),
            Dim::Assignee | Dim::Engineer => s(&t.assignee),
            Dim::Channel => t.channel.map(|c| c.to_string()).unwrap_or_default(),
            Dim::Customer => s(&t.customer),
            Dim::Product => s(&t.product),
            Dim::Tier => t
                .tier()
                .unwrap_or(crate::config::tiers::DEFAULT_TIER)
                .to_string(),
            Dim::ServiceType | Dim::Outcome => String::new(),
            // Not the ticket's own: only through `By::Joined`.
            Dim::Source | Dim::Industry => String::new(),
        }
    }

    /// A visit's value: its engineer or customer; otherwise `linked`, its linked
    /// ticket's (as of the period's end), empty for a visit without one.
    pub fn of_visit(self, r: &Report, linked: Option<&str>) -> String {
        match self {
            Dim::Engineer => r.engineer.clone(),
            Dim::Customer => r.customer.clone(),
            Dim::ServiceType => r.service_type.to_string(),
            Dim::Outcome => r.outcome.map(|o| o.to_string()).unwrap_or_default(),
            _ => linked.unwrap_or_default().to_string(),
        }
    }
}

/// A `--by` key: one of [`Dim`], or a custom field (`field:NAME` of `[fields]`, text,
/// choice or date: a number has too many values to group by).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum By {
    Dim(Dim),
    /// The column name, `field:NAME` (made once per command, hence `'static`).
    Field(&'static str),
    /// A customer's field by the ticket's (or visit's) customer: [`joined`].
    Joined(Dim, &'static Join),
}

impl By {
    /// The key's column name.
    pub fn as_str(self) -> &'static str {
        match self {
            By::Dim(d) | By::Joined(d, _) => d.as_str(),
            By::Field(c) => c,
        }
    }

    fn field(self) -> Option<&'static str> {
        match self {
            By::Field(c) => c.strip_prefix(crate::model::ticket::FIELD_PREFIX),
            By::Dim(_) | By::Joined(..) => None,
        }
    }

    /// `field:NAME` checked against `[fields]`: a ticket or report field that is not a
    /// number. The error says what may be grouped by.
    pub fn field_key(fields: &Fields, text: &str) -> std::result::Result<By, String> {
        let name = text
            .strip_prefix(crate::model::ticket::FIELD_PREFIX)
            .unwrap_or(text);
        let def = fields.get(name).ok_or_else(|| {
            let known: Vec<&str> = fields
                .iter()
                .filter(|(_, d)| d.kind != FieldType::Number)
                .map(|(k, _)| k.as_str())
                .collect();
            format!(
                "\"{name}\" is not a field of [fields]{}; fields to group by: {}",
                crate::names::did_you_mean(name, known.iter().copied()),
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            )
        })?;
        if def.kind == FieldType::Number {
            return Err(format!(
                "field \"{name}\" is a number, which has too many values to group by; \
                 group by a text, choice or date field"
            ));
        }
        if !def.applies_to(FieldRecord::Ticket) && !def.applies_to(FieldRecord::Report) {
            return Err(format!(
                "field \"{name}\" is on customers; stats groups tickets and visits"
            ));
        }
        let column = format!("{}{name}", crate::model::ticket::FIELD_PREFIX);
        Ok(By::Field(Box::leak(column.into_boxed_str())))
    }

    pub fn of_ticket(self, t: &Ticket) -> String {
        match (self, self.field()) {
            (By::Dim(d), _) => d.of_ticket(t),
            (By::Joined(_, m), _) => t
                .customer
                .as_ref()
                .and_then(|c| m.get(c))
                .cloned()
                .unwrap_or_default(),
            (_, Some(f)) => t.fields.get(f).cloned().unwrap_or_default(),
            _ => String::new(),
        }
    }

    /// A visit's own value of a field it carries, else `linked`: its linked ticket's
    /// value of this key ([`By::of_ticket`]).
    pub fn of_visit(self, r: &Report, linked: Option<&str>) -> String {
        match (self, self.field()) {
            (By::Dim(d), _) => d.of_visit(r, linked),
            (By::Joined(_, m), _) => m.get(&r.customer).cloned().unwrap_or_default(),
            (_, Some(f)) => r
                .fields
                .get(f)
                .map(String::as_str)
                .or(linked)
                .unwrap_or_default()
                .to_string(),
            _ => String::new(),
        }
    }
}

const CUSTOMER_KEY: By = By::Dim(Dim::Customer);

/// Display names for keys: customers' names, categories' names.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub customers: HashMap<String, String>,
    pub categories: HashMap<String, String>,
    /// Fault cause code -> name (`[causes]`).
    pub causes: HashMap<String, String>,
}

/// The statistics of one period, grouped.
#[derive(Debug, Clone)]
pub struct Summary {
    pub period: Period,
    pub dims: Vec<By>,
    /// The policy's timer names, in its order: one `sla_<timer>_pct` column each.
    pub timers: Vec<String>,
    /// Key tuple (one value per dim) -> figures. Without dims, one group with key `[]`,
    /// present even when empty. With dims, only groups that have a figure.
    pub groups: BTreeMap<Vec<String>, Stats>,
    pub total: Stats,
}

/// Folds tickets and visits over a period, each ticket as it stood at [`cutoff`] and its
/// SLA timers evaluated at min(period end, `now`).
pub fn summarise(
    tickets: &[Ticket],
    reports: &[Report],
    policy: &Policy,
    period: &Period,
    dims: &[By],
    now: DateTime<Utc>,
) -> Summary {
    summarise_all(
        tickets,
        reports,
        (&[], chrono_tz::UTC),
        policy,
        period,
        dims,
        now,
    )
}

/// [`summarise`] with the engineers' work logs: the hours of entries dated in the period
/// (in `logs`' zone, the desk's), grouped like a visit: by their engineer, otherwise by
/// their ticket's values (empty for an entry without one).
pub fn summarise_all(
    tickets: &[Ticket],
    reports: &[Report],
    (logs, tz): (&[WorkLog], chrono_tz::Tz),
    policy: &Policy,
    period: &Period,
    dims: &[By],
    now: DateTime<Utc>,
) -> Summary {
    let fold = PeriodFold {
        policy,
        period,
        dims,
        now,
    };
    let linked = linked_ids(reports, (logs, tz), period);
    let parts: Vec<TicketFigures> = tickets
        .par_iter()
        .map(|t| fold.of(t, linked.contains(t.id.as_str())))
        .collect();
    let mut tally = Tally::default();
    for part in parts {
        tally.add(part);
    }
    tally.summary(&fold, reports, (logs, tz))
}

/// The tickets the visits and work-log entries of a period name: a fold keeps their
/// keys, to group those visits and entries by.
pub fn linked_ids<'a>(
    reports: &'a [Report],
    (logs, tz): (&'a [WorkLog], chrono_tz::Tz),
    period: &Period,
) -> std::collections::HashSet<&'a str> {
    let visits = reports
        .iter()
        .filter(|r| period.contains(r.when().to_utc()))
        .filter_map(|r| r.ticket.as_deref());
    let entries = logs
        .iter()
        .flat_map(|l| &l.entry)
        .filter(|e| period.contains(crate::time::midnight(tz, e.date)))
        .filter_map(|e| e.ticket.as_deref());
    visits.chain(entries).collect()
}

/// What one period's summary asks of each ticket: [`PeriodFold::of`] reduces a ticket
/// to its [`TicketFigures`] where it is loaded, so a desk's summary holds no tickets,
/// only their figures ([`Tally`]).
#[derive(Debug, Clone, Copy)]
pub struct PeriodFold<'a> {
    pub policy: &'a Policy,
    pub period: &'a Period,
    pub dims: &'a [By],
    pub now: DateTime<Utc>,
}

/// One ticket's part in a period's summary: its figures under its key (none when it adds
/// nothing), and, for a ticket a visit or work-log entry names, its key values.
/// Boxed: most tickets of a scan add nothing to most periods of a trend.
#[derive(Debug, Default)]
pub struct TicketFigures {
    figures: Option<Box<(Vec<String>, Stats)>>,
    keys: Option<Box<(String, Vec<String>)>>,
}

impl PeriodFold<'_> {
    /// `t`'s part, as it stood at [`cutoff`] with its timers evaluated at min(period end,
    /// now). `linked`: whether a visit or work-log entry of the period names it.
    pub fn of(&self, t: &Ticket, linked: bool) -> TicketFigures {
        let Some(t) = as_of(t, cutoff(self.period, self.now)) else {
            return TicketFigures::default();
        };
        let key = || {
            self.dims
                .iter()
                .map(|d| d.of_ticket(&t))
                .collect::<Vec<_>>()
        };
        let mut s = Stats::default();
        s.add_ticket(
            &t,
            &self.policy.evaluate(&t, self.period.to.min(self.now)),
            self.period,
        );
        TicketFigures {
            figures: (!s.is_empty()).then(|| Box::new((key(), s))),
            // Without dims every key is empty: nothing to remember.
            keys: (linked && !self.dims.is_empty()).then(|| Box::new((t.id.clone(), key()))),
        }
    }
}

/// A period's figures so far, folded from [`TicketFigures`] (in any order: every figure
/// is a sum or a multiset).
#[derive(Debug, Default)]
pub struct Tally {
    groups: BTreeMap<Vec<String>, Stats>,
    total: Stats,
    /// Ticket ID -> its key values, for the tickets visits and work-log entries name.
    keys: HashMap<String, Vec<String>>,
}

impl Tally {
    pub fn add(&mut self, part: TicketFigures) {
        if let Some(f) = part.figures {
            let (k, s) = *f;
            self.total.merge(&s);
            self.groups.entry(k).or_default().merge(&s);
        }
        if let Some(k) = part.keys {
            let (id, values) = *k;
            self.keys.insert(id, values);
        }
    }

    /// The summary: the tickets' figures with the period's visits and work-log hours,
    /// grouped by their own keys or their linked ticket's.
    pub fn summary(
        self,
        fold: &PeriodFold,
        reports: &[Report],
        (logs, tz): (&[WorkLog], chrono_tz::Tz),
    ) -> Summary {
        let Tally {
            mut groups,
            mut total,
            keys,
        } = self;
        let (period, dims) = (fold.period, fold.dims);
        if dims.is_empty() {
            groups.entry(Vec::new()).or_default();
        }
        let linked = |id: Option<&str>, i: usize| -> Option<&str> {
            id.and_then(|id| keys.get(id)).map(|k| k[i].as_str())
        };
        for r in reports
            .iter()
            .filter(|r| period.contains(r.when().to_utc()))
        {
            let k: Vec<String> = dims
                .iter()
                .enumerate()
                .map(|(i, d)| d.of_visit(r, linked(r.ticket.as_deref(), i)))
                .collect();
            let hours = r.on_site_hundredths();
            total.add_visit(hours);
            groups.entry(k).or_default().add_visit(hours);
        }
        for log in logs {
            for e in log
                .entry
                .iter()
                .filter(|e| period.contains(crate::time::midnight(tz, e.date)))
            {
                let k: Vec<String> = dims
                    .iter()
                    .enumerate()
                    .map(|(i, d)| match d {
                        By::Dim(Dim::Engineer) => log.engineer.clone(),
                        _ => linked(e.ticket.as_deref(), i)
                            .unwrap_or_default()
                            .to_string(),
                    })
                    .collect();
                total.add_log(e.hundredths());
                groups.entry(k).or_default().add_log(e.hundredths());
            }
        }
        Summary {
            period: period.clone(),
            dims: dims.to_vec(),
            timers: fold.policy.timer_names().map(String::from).collect(),
            groups,
            total,
        }
    }
}

/// The figure columns after the keys, in order (`sla_<timer>_pct` for each timer where
/// `SLA` stands), then [`LATER`]. `compensation_approved_amount` took the place of the
/// text `compensation` ("3000.00 CNY"), which a spreadsheet could not add.
const FIGURES: [&str; 19] = [
    "opened",
    "closed",
    "backlog",
    "reopen_rate",
    "SLA",
    "sla_overall_pct",
    "first_response_mean_h",
    "first_response_median_h",
    "resolve_mean_h",
    "resolve_median_h",
    "satisfaction_mean",
    "satisfaction_1",
    "satisfaction_2",
    "satisfaction_3",
    "satisfaction_4",
    "satisfaction_5",
    "revisit_rate",
    "compensation_approved_amount",
    "visits",
];

/// Figure columns that came later, after `visit_hours`: scripts count columns.
pub const LATER: [&str; 20] = [
    "log_hours",
    "compensation_requested",
    "compensation_requested_amount",
    "compensation_approved",
    "compensation_rejected",
    "compensation_rejected_amount",
    "compensation_pending",
    "compensation_pending_amount",
    "compensation_currency",
    "shipments",
    "shipped_on_time_pct",
    "comp_exceptions",
    "promises_made",
    "promises_kept",
    "promises_broken",
    "promises_changed",
    "dissatisfied_closes",
    "revisit_efficiency_mean",
    "revisit_attitude_mean",
    "revisit_result_mean",
];

/// Columns whose cells are text, not numbers, in JSON.
const TEXT_COLUMNS: [&str; 2] = ["period", "compensation_currency"];

/// Amount columns: numbers, but text when they hold one amount per currency.
const AMOUNT_COLUMNS: [&str; 4] = [
    "compensation_approved_amount",
    "compensation_requested_amount",
    "compensation_rejected_amount",
    "compensation_pending_amount",
];

impl Summary {
    /// `period`, the dims (and `customer_name` after `customer`), then the figures.
    pub fn columns(&self) -> Vec<&'static str> {
        let mut c = vec!["period"];
        for d in &self.dims {
            c.push(d.as_str());
            if *d == CUSTOMER_KEY {
                c.push("customer_name");
            }
        }
        for f in FIGURES {
            if f == "SLA" {
                c.extend(self.timers.iter().map(|t| intern(&format!("sla_{t}_pct"))));
            } else {
                c.push(f);
            }
        }
        c.push("visit_hours");
        c.extend(LATER);
        c
    }

    fn cells(&self, key: &[String], s: &Stats, names: &Names) -> Vec<String> {
        let mut row = vec![self.period.label.clone()];
        for (d, v) in self.dims.iter().zip(key) {
            row.push(v.clone());
            if *d == CUSTOMER_KEY {
                row.push(names.customers.get(v).cloned().unwrap_or_default());
            }
        }
        row.extend([
            s.opened.to_string(),
            s.closed.to_string(),
            s.backlog.to_string(),
            s.reopen_rate(),
        ]);
        row.extend(self.timers.iter().map(|t| s.sla_pct(t)));
        row.extend([
            s.sla_overall_pct(),
            mean_hours(&s.first_response_secs),
            median_hours(&s.first_response_secs),
            mean_hours(&s.resolve_secs),
            median_hours(&s.resolve_secs),
            s.satisfaction_mean(),
        ]);
        row.extend(s.satisfaction.iter().map(|n| n.to_string()));
        row.extend([
            s.revisit_rate(),
            s.comp_amount(Comp::Approved),
            s.visits.to_string(),
            crate::model::report::hours_text(s.visit_hundredths),
            crate::model::report::hours_text(s.log_hundredths),
            s.comp[Comp::Requested as usize].to_string(),
            s.comp_amount(Comp::Requested),
            s.comp[Comp::Approved as usize].to_string(),
            s.comp[Comp::Rejected as usize].to_string(),
            s.comp_amount(Comp::Rejected),
            s.comp[Comp::Pending as usize].to_string(),
            s.comp_amount(Comp::Pending),
            s.comp_currency(),
            s.shipments.to_string(),
            s.shipped_on_time_pct(),
            s.comp_exceptions.to_string(),
        ]);
        row.extend(s.promises.iter().map(|n| n.to_string()));
        row.extend([
            s.dissatisfied_closes.to_string(),
            s.revisit_mean(0),
            s.revisit_mean(1),
            s.revisit_mean(2),
        ]);
        row
    }

    /// One row per group, in key order.
    pub fn rows(&self, names: &Names) -> Rows {
        let mut rows = Rows::new(self.columns());
        for (k, s) in &self.groups {
            rows.push(self.cells(k, s, names));
        }
        rows
    }

    /// The desk-wide figures as one row (its key cells say `total`).
    pub fn total_row(&self, names: &Names) -> Vec<String> {
        let key = vec!["total".to_string(); self.dims.len()];
        let mut row = self.cells(&key, &self.total, names);
        if let Some(i) = self.dims.iter().position(|d| *d == CUSTOMER_KEY) {
            // customer_name follows the customer column; leave it empty.
            row[2 + i] = String::new();
        }
        row
    }

    /// `{"period", "from", "to", "groups": [{column: value}]}` with numbers as numbers
    /// and undefined figures as null.
    pub fn to_json(&self, names: &Names) -> Value {
        json!({
            "period": self.period.label,
            "from": self.period.from.to_rfc3339(),
            "to": self.period.to.to_rfc3339(),
            "groups": amounts_as_text(&self.rows(names), rows_json(&self.rows(names), |c| {
                TEXT_COLUMNS.contains(&c)
                    || c == "customer_name"
                    || self.dims.iter().any(|d| d.as_str() == c)
            })),
        })
    }
}

/// An amount cell with one amount per currency ("3000.00; 20.00") is not a number: JSON
/// gives it as the text it is, where it would otherwise be null.
fn amounts_as_text(rows: &Rows, mut v: Value) -> Value {
    if let Value::Array(groups) = &mut v {
        for (g, r) in groups.iter_mut().zip(&rows.rows) {
            for (c, cell) in rows.columns.iter().zip(r) {
                if AMOUNT_COLUMNS.contains(c) && cell.contains(';') {
                    g[*c] = Value::String(cell.clone());
                }
            }
        }
    }
    v
}

/// Rows as JSON objects: `text(column)` cells as strings, the rest as numbers (null
/// when empty).
pub fn rows_json(rows: &Rows, text: impl Fn(&str) -> bool) -> Value {
    Value::Array(
        rows.rows
            .iter()
            .map(|r| {
                Value::Object(
                    rows.columns
                        .iter()
                        .zip(r)
                        .map(|(c, v)| {
                            let v = if text(c) {
                                Value::String(v.clone())
                            } else {
                                json_number(v)
                            };
                            (c.to_string(), v)
                        })
                        .collect(),
                )
            })
            .collect(),
    )
}

// ---------------------------------------------------------------- 高频问题 TOP N

/// Counts of values, most frequent first, ties alphabetical; the top `n`.
fn rank(counts: BTreeMap<String, usize>, n: usize) -> Vec<(String, usize)> {
    let mut v: Vec<(String, usize)> = counts.into_iter().collect();
    // Stable: ties stay in the map's (alphabetical) order.
    v.sort_by_key(|x| std::cmp::Reverse(x.1));
    v.truncate(n);
    v
}

/// The lists of `stats --top`, in this order.
pub const TOP_LISTS: [&str; 5] = [
    "category",
    "product",
    "complaint_kind",
    "repeat_customer",
    "cause",
];

/// The most frequent categories, products and complaint kinds among the tickets opened
/// in a period, the customers with two or more of them, and their most frequent fault
/// cause codes (`ticket diagnose --cause-code`; tickets without one are not ranked).
#[derive(Debug, Clone, PartialEq)]
pub struct Top {
    pub period: Period,
    /// Tickets opened in the period: what the shares are of.
    pub opened: usize,
    /// One list per [`TOP_LISTS`] entry: (key, tickets).
    pub lists: Vec<(&'static str, Vec<(String, usize)>)>,
}

pub fn top_n(tickets: &[Ticket], period: &Period, n: usize) -> Top {
    let mut tally = TopTally::default();
    for t in tickets {
        tally.add(top_keys(t, period));
    }
    tally.top(period, n)
}

/// A ticket's values in the [`TOP_LISTS`], in their order, if it was opened in `period`
/// and not merged away (it then counts in [`Top::opened`]).
pub fn top_keys(t: &Ticket, period: &Period) -> Option<[Option<String>; 5]> {
    if !t.opened.is_some_and(|o| period.contains(o.to_utc())) || merged_away(t) {
        return None;
    }
    Some([
        t.category.clone(),
        t.product.clone(),
        t.complaint_kind.map(|k| k.as_str().to_string()),
        t.customer.clone(),
        t.cause_code.clone(),
    ])
}

/// The counts behind a [`Top`], folded from [`top_keys`] in any order.
#[derive(Debug, Default)]
pub struct TopTally {
    opened: usize,
    counts: [BTreeMap<String, usize>; 5],
}

impl TopTally {
    pub fn add(&mut self, keys: Option<[Option<String>; 5]>) {
        let Some(keys) = keys else { return };
        self.opened += 1;
        for (counts, v) in self.counts.iter_mut().zip(keys) {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                *counts.entry(v).or_default() += 1;
            }
        }
    }

    /// The top `n` of each list; a repeat customer has two tickets or more.
    pub fn top(self, period: &Period, n: usize) -> Top {
        let lists = TOP_LISTS
            .into_iter()
            .zip(self.counts)
            .map(|(list, counts)| {
                let mut ranked = rank(counts, usize::MAX);
                if list == "repeat_customer" {
                    ranked.retain(|(_, c)| *c >= 2);
                }
                ranked.truncate(n);
                (list, ranked)
            })
            .collect();
        Top {
            period: period.clone(),
            opened: self.opened,
            lists,
        }
    }
}

/// Chinese names of complaint kinds, as the quality analysis writes them.
fn complaint_kind_name(k: &str) -> &'static str {
    match k {
        "attitude" => "服务态度",
        "result" => "处理结果",
        "repeated" => "重复问题",
        "public-opinion" => "重大舆情",
        _ => "",
    }
}

pub const TOP_COLUMNS: [&str; 7] = [
    "period",
    "list",
    "rank",
    "key",
    "name",
    "tickets",
    "share_pct",
];

impl Top {
    /// One row per entry: `list` (category, product, complaint_kind, repeat_customer),
    /// `rank` from 1, `key`, its display `name`, `tickets`, and `share_pct` of the
    /// tickets opened in the period.
    pub fn rows(&self, names: &Names) -> Rows {
        let mut rows = Rows::new(TOP_COLUMNS.to_vec());
        for (list, entries) in &self.lists {
            for (i, (k, c)) in entries.iter().enumerate() {
                let name = match *list {
                    "category" => names.categories.get(k).cloned().unwrap_or_default(),
                    "repeat_customer" => names.customers.get(k).cloned().unwrap_or_default(),
                    "complaint_kind" => complaint_kind_name(k).to_string(),
                    "cause" => names.causes.get(k).cloned().unwrap_or_default(),
                    _ => String::new(),
                };
                rows.push(vec![
                    self.period.label.clone(),
                    list.to_string(),
                    (i + 1).to_string(),
                    k.clone(),
                    name,
                    c.to_string(),
                    sheet::percent(*c, self.opened),
                ]);
            }
        }
        rows
    }

    pub fn to_json(&self, names: &Names) -> Value {
        rows_json(&self.rows(names), |c| {
            matches!(c, "period" | "list" | "key" | "name")
        })
    }
}

// ---------------------------------------------------------------- trend

pub const TREND_COLUMNS: [&str; 6] = [
    "month",
    "opened",
    "closed",
    "backlog",
    "satisfaction_mean",
    "sla_overall_pct",
];

/// Desk-wide figures of each month, side by side.
#[derive(Debug, Clone)]
pub struct Trend {
    pub months: Vec<(Period, Stats)>,
}

/// The desk-wide figures of each period (tickets only).
pub fn trend(tickets: &[Ticket], policy: &Policy, months: &[Period], now: DateTime<Utc>) -> Trend {
    let folds = trend_folds(policy, months, now);
    let mut tallies: Vec<Tally> = months.iter().map(|_| Tally::default()).collect();
    for t in tickets {
        for (tally, f) in tallies.iter_mut().zip(&folds) {
            tally.add(f.of(t, false));
        }
    }
    trend_of(&folds, tallies)
}

/// One desk-wide fold per month of a trend.
pub fn trend_folds<'a>(
    policy: &'a Policy,
    months: &'a [Period],
    now: DateTime<Utc>,
) -> Vec<PeriodFold<'a>> {
    months
        .iter()
        .map(|period| PeriodFold {
            policy,
            period,
            dims: &[],
            now,
        })
        .collect()
}

/// The trend of the months' tallies ([`trend_folds`]).
pub fn trend_of(folds: &[PeriodFold], tallies: Vec<Tally>) -> Trend {
    Trend {
        months: folds
            .iter()
            .zip(tallies)
            .map(|(f, t)| {
                (
                    f.period.clone(),
                    t.summary(f, &[], (&[], chrono_tz::UTC)).total,
                )
            })
            .collect(),
    }
}

impl Trend {
    /// One row per month, oldest first.
    pub fn rows(&self) -> Rows {
        let mut rows = Rows::new(TREND_COLUMNS.to_vec());
        for (p, s) in &self.months {
            rows.push(vec![
                p.label.clone(),
                s.opened.to_string(),
                s.closed.to_string(),
                s.backlog.to_string(),
                s.satisfaction_mean(),
                s.sla_overall_pct(),
            ]);
        }
        rows
    }

    /// For a terminal: one row per figure, one column per month.
    pub fn transposed(&self) -> Rows {
        let rows = self.rows();
        let mut columns = vec!["figure"];
        columns.extend(self.months.iter().map(|(p, _)| intern(&p.label)));
        let mut out = Rows::new(columns);
        for (i, c) in TREND_COLUMNS.iter().enumerate().skip(1) {
            let mut r = vec![c.to_string()];
            r.extend(rows.rows.iter().map(|row| row[i].clone()));
            out.push(r);
        }
        out
    }

    pub fn to_json(&self) -> Value {
        rows_json(&self.rows(), |c| c == "month")
    }
}

#[cfg(test)]
#[path = "stats_tests.rs"]
mod tests;
