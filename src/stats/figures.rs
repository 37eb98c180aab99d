//! `stats` over a desk: loads what a period (and its trend) needs and folds it, so the
//! command line only picks the period and renders.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};

use super::{By, Names, Period, Summary, Top, Trend, cutoff, summarise_all, top_n, trend};
use crate::desk::Desk;
use crate::model::measure::{self, Counts, MeasureKind};
use crate::model::{customer, report, ticket_store, worklog};
use crate::{Error, Result};

/// What to compute.
#[derive(Debug, Clone)]
pub struct Request {
    pub period: Period,
    /// Group by these keys, in order; a key given twice counts once.
    pub dims: Vec<By>,
    /// The N most frequent categories, products, complaint kinds and repeat customers.
    pub top: Option<usize>,
    /// The N months ending with the period's last month.
    pub trend: Option<u32>,
    /// Leave out record files that cannot be read instead of failing.
    pub skip_bad: bool,
}

/// Everything `stats` shows of one period.
#[derive(Debug)]
pub struct Figures {
    pub names: Names,
    pub summary: Summary,
    pub top: Option<Top>,
    pub trend: Option<Trend>,
    /// Whether the desk keeps any improvement measures at all.
    pub has_measures: bool,
    /// Improvement measures per kind, and in total.
    pub measures: BTreeMap<MeasureKind, Counts>,
    pub measures_total: Counts,
    /// Ticket files left out (with `skip_bad`), each with why.
    pub skipped: Vec<Error>,
}

/// The figures of `r.period` as of `now` (each ticket as it stood at the period's end).
pub fn figures(desk: &Desk, r: &Request, now: DateTime<Utc>) -> Result<Figures> {
    let p = &r.period;
    let customers = customer::briefs(desk, |b| b)?;
    let mut dims: Vec<By> = Vec::new();
    for d in &r.dims {
        // The customer's fields, joined onto its tickets and visits.
        let d = match d {
            By::Dim(x @ (super::Dim::Source | super::Dim::Industry)) => {
                super::joined(*x, &customers)
            }
            other => *other,
        };
        if !dims.iter().any(|k| k.as_str() == d.as_str()) {
            dims.push(d);
        }
    }
    let months = r
        .trend
        .map(|n| p.trailing_months(desk.tz(), n))
        .unwrap_or_default();
    let earliest = months.first().map_or(p.from, |m| m.from.min(p.from));
    let latest = months.last().map_or(p.to, |m| m.to.max(p.to));

    let policy = desk.config.policy()?;
    let mut reports = report::load_all(desk)?;
    reports.retain(|x| p.contains(x.when().to_utc()));
    let logs = worklog::load_all(desk)?;
    let in_period = |d| p.contains(crate::time::midnight(desk.tz(), d));
    // A ticket linked to a visit or work-log entry of the period counts for its keys.
    let linked: HashSet<String> = reports
        .iter()
        .filter_map(|x| x.ticket.clone())
        .chain(logs.iter().flat_map(|l| {
            l.entry
                .iter()
                .filter(|e| in_period(e.date))
                .filter_map(|e| e.ticket.clone())
        }))
        .collect();
    let (tickets, skipped) = ticket_store::load_sieved(
        desk,
        r.skip_bad,
        |f| linked.contains(f.id) || f.may_count(earliest, latest),
        |_| true,
    )?;
    let names = Names {
        customers: customers.into_iter().map(|c| (c.id, c.name)).collect(),
        categories: desk
            .config
            .categories
            .iter()
            .map(|(k, c)| (k.clone(), c.name.clone()))
            .collect(),
        causes: desk
            .config
            .causes
            .iter()
            .map(|(k, n)| (k.clone(), n.clone()))
            .collect(),
    };
    let summary = summarise_all(
        &tickets,
        &reports,
        (&logs, desk.tz()),
        &policy,
        p,
        &dims,
        now,
    );
    let all_measures = measure::load_all(desk)?;
    let (measures, measures_total) =
        measure::period_counts(&all_measures, p, cutoff(p, now), desk.tz());
    Ok(Figures {
        names,
        summary,
        top: r.top.map(|n| top_n(&tickets, p, n)),
        trend: r.trend.map(|_| trend(&tickets, &policy, &months, now)),
        has_measures: !all_measures.is_empty(),
        measures,
        measures_total,
        skipped,
    })
}
