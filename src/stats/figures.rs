//! `stats` over a desk: loads what a period (and its trend) needs and folds it, so the
//! command line only picks the period and renders.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use super::{
    By, Names, Period, PeriodFold, Summary, Tally, Top, TopTally, Trend, cutoff, top_keys,
};
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
/// Each ticket is reduced to its part of each answer where it is loaded, so memory
/// follows the answer (groups, rankings), not the desk.
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
    let customer_names: HashMap<String, String> =
        customers.into_iter().map(|c| (c.id, c.name)).collect();
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
    // A ticket linked to a visit or work-log entry of the period counts for its keys.
    let linked = super::linked_ids(&reports, (&logs, desk.tz()), p);
    let fold = PeriodFold {
        policy: &policy,
        period: p,
        dims: &dims,
        now,
    };
    let trend_folds = super::trend_folds(&policy, &months, now);
    let mut tally = Tally::default();
    let mut top = TopTally::default();
    let mut trend: Vec<Tally> = months.iter().map(|_| Tally::default()).collect();
    let skipped = ticket_store::scan(
        desk,
        r.skip_bad,
        |f| linked.contains(f.id) || f.may_count(earliest, latest),
        |t| {
            Some((
                fold.of(&t, linked.contains(t.id.as_str())),
                r.top.and_then(|_| top_keys(&t, p)),
                trend_folds
                    .iter()
                    .map(|f| f.of(&t, false))
                    .collect::<Vec<_>>(),
            ))
        },
        |part| {
            for (figures, keys, months) in part {
                tally.add(figures);
                top.add(keys);
                for (t, m) in trend.iter_mut().zip(months) {
                    t.add(m);
                }
            }
            Ok(())
        },
    )?;
    let names = Names {
        customers: customer_names,
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
    let summary = tally.summary(&fold, &reports, (&logs, desk.tz()));
    let all_measures = measure::load_all(desk)?;
    let (measures, measures_total) =
        measure::period_counts(&all_measures, p, cutoff(p, now), desk.tz());
    Ok(Figures {
        names,
        summary,
        top: r.top.map(|n| top.top(p, n)),
        trend: r.trend.map(|_| super::trend_of(&trend_folds, trend)),
        has_measures: !all_measures.is_empty(),
        measures,
        measures_total,
        skipped,
    })
}
