//! Which records `customer list` and `measure list` show, in what order: the filters
//! and sort keys as data, applied to the records loaded.

use crate::config::tiers::DEFAULT_TIER;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use chrono_tz::Tz;

use super::customer::Customer;
use super::measure::{self, Measure, MeasureKind};
use super::ticket::{Grade, Priority, State, Ticket};
use super::ticket_store::Facts;
use crate::config::fields::FieldRecord;
use crate::desk::{Desk, Kind};
use crate::error::{Error, Result};

pub use crate::config::views::{Day, TicketFilter, TicketSort, View};

/// Which customers a listing keeps; every given filter must match.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Occurs (case-insensitively) in a text field or tag.
    pub text: Option<String>,
    /// Equal, ASCII case aside.
    pub industry: Option<String>,
    /// Equal, ASCII case aside.
    pub source: Option<String>,
    /// All of them carried.
    pub tags: Vec<String>,
    /// Custom fields: every `NAME=VALUE` equal (see `config::fields::matches`).
    pub fields: Vec<(String, String)>,
}

impl Filter {
    pub fn matches(&self, c: &Customer) -> bool {
        let eq = |v: Option<&str>, want: &str| {
            v.is_some_and(|v| v.eq_ignore_ascii_case(want) || v == want)
        };
        self.text.as_deref().is_none_or(|t| c.mentions(t))
            && self
                .industry
                .as_deref()
                .is_none_or(|i| eq(c.industry.as_deref(), i))
            && self
                .source
                .as_deref()
                .is_none_or(|s| eq(c.source.as_deref(), s))
            && self.tags.iter().all(|t| c.tags.contains(t))
            && crate::config::fields::matches(&c.fields, &self.fields)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Id,
    Name,
    Created,
    Industry,
    Source,
}

/// The customers of `all` (in ID order) that `filter` keeps, sorted by `sort`; ties keep
/// ID order, so the listing is the same every time.
pub fn list(mut all: Vec<Customer>, filter: &Filter, sort: Sort, reverse: bool) -> Vec<Customer> {
    all.retain(|c| filter.matches(c));
    match sort {
        Sort::Id => {}
        Sort::Name => all.sort_by(|x, y| x.name.cmp(&y.name)),
        Sort::Created => all.sort_by_key(|c| c.created),
        Sort::Industry => all.sort_by(|x, y| x.industry.cmp(&y.industry)),
        Sort::Source => all.sort_by(|x, y| x.source.cmp(&y.source)),
    }
    if reverse {
        all.reverse();
    }
    all
}

/// Which measures a listing keeps; every given filter must match.
#[derive(Debug, Clone, Default)]
pub struct MeasureFilter {
    /// Not done.
    pub open: bool,
    /// Not done and past the due day.
    pub overdue: bool,
    pub owner: Option<String>,
    pub kind: Option<MeasureKind>,
}

/// The measures of `all` that `filter` keeps as of `today` (desk time), by due date.
pub fn measures(mut all: Vec<Measure>, filter: &MeasureFilter, today: NaiveDate) -> Vec<Measure> {
    all.retain(|m| {
        (!filter.open || m.is_open())
            && (!filter.overdue || m.is_overdue(today))
            && filter.owner.as_deref().is_none_or(|o| m.owner == o.trim())
            && filter.kind.is_none_or(|k| m.kind == k)
    });
    measure::sort_by_due(&mut all);
    all
}

/// A running SLA timer of a ticket, as a filter asks about it: breached, and its due
/// time. The caller evaluates the policy (the SLA is a fold above the records).
#[derive(Debug, Clone, Copy)]
pub struct Running {
    pub breached: bool,
    pub due: DateTime<Utc>,
}

/// What matching needs besides the ticket: who runs the command (for `mine`), the desk's
/// time zone and now (for dates and `due_within`).
#[derive(Debug, Clone)]
pub struct Matching {
    pub me: Option<String>,
    pub tz: Tz,
    pub now: DateTime<Utc>,
    /// The desk's `[review]` rule (for `review_pending`).
    pub review: Option<crate::config::review::Review>,
}

impl Matching {
    fn today(&self) -> NaiveDate {
        self.now.with_timezone(&self.tz).date_naive()
    }
}

impl TicketFilter {
    /// The filter with its customer resolved to an ID (an abbreviation is allowed), and
    /// `mine` refused when nobody is known to run the command.
    pub fn resolved(mut self, desk: &Desk, me: Option<&str>) -> Result<TicketFilter> {
        if let Some(c) = &self.customer {
            self.customer = Some(desk.resolve(Kind::Customer, c)?.to_string());
        }
        let tiers = &desk.config.sla.tiers;
        let known = || std::iter::once(DEFAULT_TIER).chain(tiers.keys().map(String::as_str));
        if let Some(t) = self.tier.iter().find(|t| !known().any(|k| k == t.as_str())) {
            return Err(crate::names::not_known(
                format!(
                    "no tier \"{t}\" in {} [sla.tiers]",
                    crate::config::FILE_NAME
                ),
                t,
                "tiers",
                known(),
            ));
        }
        if self.needs_me() && me.is_none() {
            return Err(Error::invalid(
                "`mine` and `following` need to know who you are: give --as or set SVCDESK_USER",
            ));
        }
        if !self.fields.is_empty() {
            let given: Vec<(String, String)> =
                std::mem::take(&mut self.fields).into_iter().collect();
            let checked = super::fields::filter(desk, FieldRecord::Ticket, &given)?;
            self.fields = checked.into_iter().collect();
        }
        Ok(self)
    }

    /// Whether a ticket with these facts may be kept: the keys its [`Facts`] decide
    /// (open, state, the day it was opened), so a listing decodes only the tickets that
    /// pass. [`TicketFilter::matches`] asks this first, so the two never disagree.
    pub fn sieve(&self, f: &Facts, m: &Matching) -> bool {
        // An unforwarded ticket is an open one (`steps::unforwarded`).
        (!(self.open || self.unforwarded) || f.is_open())
            && (self.state.is_empty() || self.state.contains(&f.state))
            && within(m, f.opened, self.opened_from, self.opened_to)
    }

    /// Whether `t` is kept: every given key matches. `running` gives the ticket's running
    /// SLA timers, asked only when the filter has `overdue` or `due_within`.
    pub fn matches(
        &self,
        t: &Ticket,
        m: &Matching,
        running: &dyn Fn(&Ticket) -> Vec<Running>,
    ) -> bool {
        let any = |want: &[String], v: &Option<String>| {
            want.is_empty() || v.as_ref().is_some_and(|v| want.contains(v))
        };
        self.sieve(&Facts::of(t), m)
            && (!self.mine || m.me.is_some() && t.assignee == m.me)
            && (!self.following || m.me.as_deref().is_some_and(|me| t.followed_by(me)))
            && (self.opened_by.is_empty()
                || t.opener()
                    .is_some_and(|o| self.opened_by.iter().any(|w| w == o)))
            && (self.grade.is_empty() || t.grade.is_some_and(|g| self.grade.contains(&g)))
            && (self.priority.is_empty() || t.priority.is_some_and(|p| self.priority.contains(&p)))
            && any(&self.category, &t.category)
            && any(&self.department, &t.department)
            && any(&self.assignee, &t.assignee)
            && self
                .customer
                .as_ref()
                .is_none_or(|c| t.customer.as_deref() == Some(c.as_str()))
            && (self.channel.is_empty() || t.channel.is_some_and(|c| self.channel.contains(&c)))
            && self.tags.iter().all(|g| t.tags.contains(g))
            && within(
                m,
                t.closed.map(|c| c.to_utc()),
                self.closed_from,
                self.closed_to,
            )
            && self.text.as_deref().is_none_or(|x| self.has_text(t, x))
            && self
                .fields
                .iter()
                .all(|(k, v)| crate::config::fields::holds(&t.fields, k, v))
            && self.collab_matches(t)
            && (!self.unforwarded || super::steps::unforwarded(t))
            && (self.tier.is_empty()
                || self
                    .tier
                    .iter()
                    .any(|w| w == t.tier().unwrap_or(DEFAULT_TIER)))
            && (!self.review_pending || super::steps::review_pending(m.review.as_ref(), t))
            && (!self.needs_sla()
                || running(t).iter().any(|r| {
                    (self.overdue && r.breached)
                        || self.due_within.is_some_and(|w| r.due <= m.now + w)
                }))
    }

    /// `collab_to` and `collab_open`: a request to one of the departments (any, when
    /// none is named), still unanswered if `collab_open`.
    fn collab_matches(&self, t: &Ticket) -> bool {
        if self.collab_to.is_empty() && !self.collab_open {
            return true;
        }
        super::steps::collab_requests(t).iter().any(|r| {
            (!self.collab_open || !r.answered)
                && (self.collab_to.is_empty() || self.collab_to.contains(&r.department))
        })
    }

    fn has_text(&self, t: &Ticket, text: &str) -> bool {
        let x = text.to_lowercase();
        [
            Some(&t.title),
            Some(&t.description),
            t.product.as_ref(),
            t.serial.as_ref(),
            t.resolution.as_ref(),
        ]
        .into_iter()
        .flatten()
        .any(|v| v.to_lowercase().contains(&x))
            || self.history && !x.trim().is_empty() && super::search::in_history(t, x.trim())
    }
}

/// Whether `at` falls on the days `from..=to` (desk time; either end open); with
/// neither, anything does, a ticket without the time included.
fn within(m: &Matching, at: Option<DateTime<Utc>>, from: Option<Day>, to: Option<Day>) -> bool {
    if from.is_none() && to.is_none() {
        return true;
    }
    let today = m.today();
    at.map(|at| at.with_timezone(&m.tz).date_naive())
        .is_some_and(|d| {
            from.is_none_or(|f| d >= f.on(today)) && to.is_none_or(|x| d <= x.on(today))
        })
}

/// Where a ticket stands in a listing sorted by one key: that key's field alone, so a
/// listing keeps its rows and their ranks, not its tickets.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    /// ID order: the order tickets are loaded in.
    Id,
    Opened(Option<DateTime<FixedOffset>>),
    State(State),
    // Most severe / most urgent first reads best.
    Grade(std::cmp::Reverse<Option<Grade>>),
    Priority(Option<Priority>),
    Text(Option<Box<str>>),
}

impl Rank {
    pub fn of(t: &Ticket, sort: TicketSort) -> Rank {
        let text = |v: &Option<String>| Rank::Text(v.as_deref().map(Box::from));
        match sort {
            TicketSort::Id => Rank::Id,
            TicketSort::Opened => Rank::Opened(t.opened),
            TicketSort::State => Rank::State(t.state()),
            TicketSort::Grade => Rank::Grade(std::cmp::Reverse(t.grade)),
            TicketSort::Priority => Rank::Priority(t.priority),
            TicketSort::Assignee => text(&t.assignee),
            TicketSort::Customer => text(&t.customer),
        }
    }
}

/// Orders rows (made in ID order) by their [`Rank`]; ties keep ID order.
pub fn sort_ranked<T>(all: &mut [T], rank: impl Fn(&T) -> &Rank, reverse: bool) {
    all.sort_by(|x, y| rank(x).cmp(rank(y)));
    if reverse {
        all.reverse();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_filter_keeps_what_every_key_matches() {
        let tz = chrono_tz::Asia::Shanghai;
        let m = Matching {
            me: Some("wang".into()),
            tz,
            now: "2026-12-02T02:00:00Z".parse().unwrap(),
            review: None,
        };
        let opened = |s: &str| Some(DateTime::parse_from_rfc3339(s).unwrap());
        let t = Ticket {
            id: "T20261124-AAAAAA".into(),
            title: "Pump leaks".into(),
            assignee: Some("wang".into()),
            category: Some("quality".into()),
            tags: vec!["vip".into()],
            opened: opened("2026-11-24T09:30:00+08:00"),
            ..Ticket::default()
        };
        let none = |_: &Ticket| Vec::new();
        let keeps = |f: TicketFilter| f.matches(&t, &m, &none);
        assert!(keeps(TicketFilter::default()));
        assert!(keeps(TicketFilter {
            mine: true,
            category: vec!["complaint".into(), "quality".into()],
            text: Some("PUMP".into()),
            ..TicketFilter::default()
        }));
        assert!(!keeps(TicketFilter {
            assignee: vec!["li".into()],
            ..TicketFilter::default()
        }));
        assert!(!keeps(TicketFilter {
            tags: vec!["vip".into(), "east".into()],
            ..TicketFilter::default()
        }));
        // Days count from today in the desk's time zone (2026-12-02 there).
        assert!(keeps(TicketFilter {
            opened_from: Some(Day::FromToday(-8)),
            ..TicketFilter::default()
        }));
        assert!(!keeps(TicketFilter {
            opened_from: Some(Day::FromToday(-7)),
            ..TicketFilter::default()
        }));
        // SLA keys ask the caller's evaluation: a breached run, or one due soon.
        let due = |hours: i64| {
            move |_: &Ticket| {
                vec![Running {
                    breached: hours < 0,
                    due: m.now + chrono::Duration::hours(hours),
                }]
            }
        };
        let overdue = TicketFilter {
            overdue: true,
            ..TicketFilter::default()
        };
        assert!(overdue.matches(&t, &m, &due(-1)));
        assert!(!overdue.matches(&t, &m, &due(3)));
        assert!(!overdue.matches(&t, &m, &none));
        let soon = TicketFilter {
            due_within: Some(chrono::Duration::hours(2)),
            ..TicketFilter::default()
        };
        assert!(soon.matches(&t, &m, &due(1)));
        assert!(!soon.matches(&t, &m, &due(3)));
    }

    fn customer(id: &str, name: &str, industry: &str, tags: &[&str]) -> Customer {
        toml::from_str(&format!(
            "schema = 1\nid = \"{id}\"\nname = \"{name}\"\nindustry = \"{industry}\"\n\
             tags = {tags:?}\ncreated = 2026-11-24T09:00:00+08:00\ncreated_by = \"li\"\n"
        ))
        .unwrap()
    }

    #[test]
    fn customer_filters_all_match_and_ties_keep_id_order() {
        let all = vec![
            customer("C1", "b", "Manufacturing", &["vip"]),
            customer("C2", "a", "retail", &["vip", "east"]),
            customer("C3", "a", "manufacturing", &[]),
        ];
        let ids = |v: Vec<Customer>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
        let by_industry = Filter {
            industry: Some("MANUFACTURING".into()),
            ..Filter::default()
        };
        assert_eq!(
            ids(list(all.clone(), &by_industry, Sort::Id, false)),
            ["C1", "C3"]
        );
        let tagged = Filter {
            tags: vec!["vip".into(), "east".into()],
            ..Filter::default()
        };
        assert_eq!(ids(list(all.clone(), &tagged, Sort::Id, false)), ["C2"]);
        assert_eq!(
            ids(list(all.clone(), &Filter::default(), Sort::Name, false)),
            ["C2", "C3", "C1"]
        );
        assert_eq!(
            ids(list(all, &Filter::default(), Sort::Id, true)),
            ["C3", "C2", "C1"]
        );
    }
}
