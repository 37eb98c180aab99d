//! `stats` as a report for people: a heading by period kind (月/季度/年), the figures in
//! captioned sections with aligned numbers and units, and the `--by`, `--top`, `--trend`
//! and measures tables, in the language of [`People`]. `--format csv|json` keep the
//! stable keys (src/cli/stats.rs).

use svcdesk::i18n;
use svcdesk::model::measure;
use svcdesk::output::{Rows, sheet};
use svcdesk::stats::{self, By, Dim, Names};
use svcdesk::time::Period;

use super::people::People;
use super::stats::dashes;

/// The report's heading: its kind by the period's label (`2026-11` a month, `2026Q4` a
/// quarter, `2026` a year, else a range of days).
pub fn heading(
    p: People,
    period: &Period,
    from: chrono::NaiveDate,
    last: chrono::NaiveDate,
) -> String {
    let l = period.label.as_str();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let kind = match l.split_once(['-', 'Q']) {
        Some((y, m)) if digits(y) && digits(m) && l.contains('Q') => "quarter",
        Some((y, m)) if digits(y) && digits(m) && m.len() == 2 => "month",
        None if digits(l) && l.len() == 4 => "year",
        _ => "range",
    };
    format!(
        "{} {l} ({from} – {last})\n",
        p.tr(&format!("stats-heading-{kind}"))
    )
}

/// The section a figure goes in, its label and its unit; None for a column that is not
/// a figure (period, keys).
fn figure(p: People, key: &str) -> Option<(&'static str, String, &'static str)> {
    let hours = if p.zh() { "小时" } else { "h" };
    let tr = |k: &str| p.tr(k);
    Some(match key {
        "period" | "customer_name" => return None,
        k if Dim::parse(k).is_some_and(|d| d.as_str() == k) => return None,
        "opened" | "closed" | "backlog" => ("tickets", tr(&format!("stats-{key}")), ""),
        "reopen_rate" => ("tickets", tr("stats-reopen-rate"), "%"),
        "sla_overall_pct" => ("sla", tr("stats-sla-overall"), "%"),
        k if k.starts_with("sla_") && k.ends_with("_pct") => (
            "sla",
            p.timer(&k["sla_".len()..k.len() - "_pct".len()]),
            "%",
        ),
        "first_response_mean_h" => ("times", tr("stats-first-response-mean"), hours),
        "first_response_median_h" => ("times", tr("stats-first-response-median"), hours),
        "resolve_mean_h" => ("times", tr("stats-resolve-mean"), hours),
        "resolve_median_h" => ("times", tr("stats-resolve-median"), hours),
        "satisfaction_mean" => ("satisfaction", tr("stats-satisfaction-mean"), ""),
        k if k.starts_with("satisfaction_") => {
            let n = &k["satisfaction_".len()..];
            let label = i18n::tr_args(p.lang, "stats-satisfaction-n", &[("n", n)]);
            ("satisfaction", label, "")
        }
        "revisit_rate" => ("satisfaction", tr("stats-revisit-rate"), "%"),
        "dissatisfied_closes" => ("satisfaction", tr("stats-dissatisfied-closes"), ""),
        "revisit_efficiency_mean" => ("satisfaction", tr("stats-revisit-efficiency"), ""),
        "revisit_attitude_mean" => ("satisfaction", tr("stats-revisit-attitude"), ""),
        "revisit_result_mean" => ("satisfaction", tr("stats-revisit-result"), ""),
        k if k.starts_with("field:") => return None,
        "compensation_approved_amount" => ("service", tr("stats-compensation"), ""),
        "compensation_requested" => ("service", tr("stats-comp-requested"), ""),
        "compensation_requested_amount" => ("service", tr("stats-comp-requested-amount"), ""),
        "compensation_approved" => ("service", tr("stats-comp-approved"), ""),
        "compensation_rejected" => ("service", tr("stats-comp-rejected"), ""),
        "compensation_rejected_amount" => ("service", tr("stats-comp-rejected-amount"), ""),
        "compensation_pending" => ("service", tr("stats-comp-pending"), ""),
        "compensation_pending_amount" => ("service", tr("stats-comp-pending-amount"), ""),
        "compensation_currency" => ("service", tr("stats-comp-currency"), ""),
        "comp_exceptions" => ("service", tr("stats-comp-exceptions"), ""),
        "visits" => ("service", tr("stats-visits"), ""),
        "visit_hours" => ("service", tr("stats-visit-hours"), hours),
        "log_hours" => ("service", tr("stats-log-hours"), hours),
        "shipments" => ("service", tr("stats-shipments"), ""),
        "shipped_on_time_pct" => ("service", tr("stats-shipped-on-time"), "%"),
        "promises_made" | "promises_kept" | "promises_broken" | "promises_changed" => {
            ("sla", tr(&format!("stats-{}", key.replace('_', "-"))), "")
        }
        // A figure added later: under its column name, last.
        k => ("service", i18n::column(p.lang, k), ""),
    })
}

const SECTIONS: [&str; 5] = ["tickets", "sla", "times", "satisfaction", "service"];

/// The figures of one group (`columns` and `cells`) in captioned sections, numbers
/// right-aligned, each with its unit; "-" where there is no figure.
fn sections(p: People, columns: &[&str], cells: &[String]) -> String {
    use unicode_width::UnicodeWidthStr;
    let figures: Vec<(&str, String, &str, &str)> = columns
        .iter()
        .zip(cells)
        .filter_map(|(c, v)| figure(p, c).map(|(s, l, u)| (s, l, u, v.as_str())))
        .collect();
    let lw = figures.iter().map(|f| f.1.width()).max().unwrap_or(0);
    let vw = figures
        .iter()
        .map(|f| f.3.width().max(1))
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for section in SECTIONS {
        let mine: Vec<_> = figures.iter().filter(|f| f.0 == section).collect();
        if mine.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n{}\n",
            p.tr(&format!("stats-section-{section}"))
        ));
        for (_, label, unit, v) in mine {
            let (v, unit) = if v.is_empty() { ("-", "") } else { (*v, *unit) };
            let pad = " ".repeat(lw - label.width() + 2 + vw - v.width());
            let line = format!("  {label}{pad}{v} {unit}");
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

/// A grouped table's heading of figure `c`: its label with its unit (`reopen rate (%)`).
fn column_heading(p: People, c: &str) -> &'static str {
    match figure(p, c) {
        Some((_, l, "")) => sheet::intern(&l),
        Some((_, l, u)) => sheet::intern(&format!("{l} ({u})")),
        None => sheet::intern(&i18n::column(p.lang, c)),
    }
}

pub fn summary_table(p: People, s: &stats::Summary, names: &Names, width: Option<u16>) -> String {
    let rows = s.rows(names);
    if s.dims.is_empty() {
        return sections(p, &rows.columns, &rows.rows[0]);
    }
    let keep: Vec<&str> = s
        .dims
        .iter()
        .map(|d| d.as_str())
        .chain(
            s.dims
                .contains(&By::Dim(Dim::Customer))
                .then_some("customer_name"),
        )
        .chain([
            "opened",
            "closed",
            "backlog",
            "reopen_rate",
            "sla_overall_pct",
            "first_response_mean_h",
            "resolve_mean_h",
            "satisfaction_mean",
            "revisit_rate",
            "compensation_approved_amount",
            "visits",
            "visit_hours",
            "log_hours",
        ])
        .collect();
    let idx: Vec<usize> = keep
        .iter()
        .filter_map(|c| rows.columns.iter().position(|k| k == c))
        .collect();
    let mut out = Rows::new(idx.iter().map(|&i| rows.columns[i]).collect());
    let pick = |r: &Vec<String>| idx.iter().map(|&i| r[i].clone()).collect::<Vec<_>>();
    for r in &rows.rows {
        let mut r = pick(r);
        for (c, d) in r.iter_mut().zip(&s.dims) {
            *c = if c.is_empty() {
                let dim = match d {
                    By::Dim(d) | By::Joined(d, _) => i18n::word(p.lang, *d),
                    By::Field(c) => c.to_string(),
                };
                i18n::tr_args(p.lang, "stats-no-key", &[("dim", &dim)])
            } else {
                p.cell(d.as_str(), c)
            };
        }
        out.push(r);
    }
    let mut total = pick(&s.total_row(names));
    for c in total.iter_mut().take(s.dims.len()) {
        *c = p.tr("total");
    }
    out.push(total);
    out.columns = out.columns.iter().map(|c| column_heading(p, c)).collect();
    let mut text = dashes(out).to_table(width);
    text.push_str(&p.tr("stats-every-column"));
    text.push('\n');
    text
}

pub fn measure_table(
    p: People,
    label: &str,
    by_kind: &std::collections::BTreeMap<measure::MeasureKind, measure::Counts>,
    total: &measure::Counts,
    width: Option<u16>,
) -> String {
    let mut rows = measure::stats_rows(label, by_kind);
    rows.push(vec![
        label.to_string(),
        "total".into(),
        total.added.to_string(),
        total.done.to_string(),
        total.open.to_string(),
        total.overdue.to_string(),
    ]);
    rows.columns.remove(0);
    for r in &mut rows.rows {
        r.remove(0);
    }
    format!(
        "\n{}\n{}",
        p.tr("stats-measures"),
        p.table(rows).to_table(width)
    )
}

pub fn top_table(p: People, t: &stats::Top, names: &Names, width: Option<u16>) -> String {
    let rows = t.rows(names);
    let (n, period) = (t.opened.to_string(), t.period.label.clone());
    let mut s = format!(
        "\n{}\n",
        i18n::tr_args(p.lang, "stats-top", &[("n", &n), ("period", &period)])
    );
    for list in [
        "category",
        "product",
        "complaint_kind",
        "repeat_customer",
        "cause",
    ] {
        let mut table = Rows::new(vec!["rank", "key", "name", "tickets", "share_pct"]);
        for r in rows.rows.iter().filter(|r| r[1] == list) {
            let mut r = r[2..].to_vec();
            if list == "complaint_kind" && p.zh() {
                r[2] = p.cell("complaint_kind", &r[1]);
            }
            table.push(r);
        }
        s.push_str(&format!(
            "{}:",
            p.tr(&format!("stats-top-{}", list.replace('_', "-")))
        ));
        if table.rows.is_empty() {
            s.push_str(&format!(" {}\n", p.tr("stats-none")));
        } else {
            s.push('\n');
            if list == "complaint_kind" && p.zh() {
                // The kind's code is a vocabulary id: its name says it in Chinese.
                table = table.select(&["rank", "name", "tickets", "share_pct"]);
            }
            s.push_str(&p.table(table).to_table(width));
        }
    }
    s
}

pub fn trend_table(p: People, t: &stats::Trend, width: Option<u16>) -> String {
    let n = t.months.len().to_string();
    let mut rows = dashes(t.transposed());
    if p.zh() {
        for r in &mut rows.rows {
            let (label, unit) = figure(p, &r[0]).map_or((r[0].clone(), ""), |(_, l, u)| (l, u));
            r[0] = if unit.is_empty() {
                label
            } else {
                format!("{label} ({unit})")
            };
        }
    }
    format!(
        "\n{}\n{}",
        i18n::tr_args(p.lang, "stats-trend", &[("n", &n)]),
        p.table(rows).to_table(width)
    )
}
