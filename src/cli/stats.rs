//! `svcdesk stats`: the monthly statistics report (月份统计报表), 高频问题 TOP N and trends.

use crate::cli::values::{self, OnDay};
use chrono::NaiveDate;
use svcdesk::desk::Desk;
use svcdesk::model::measure;
use svcdesk::output::sheet;
use svcdesk::output::{self, Rows};
use svcdesk::time::{Month, Period};

use super::output::Format;
use svcdesk::stats::{self, By};
use svcdesk::{Error, Result};

use super::stats_text as text;
use super::{Context, EXIT_USAGE, report as report_error};

pub const AFTER_HELP: &str = "\
Examples:
  svcdesk stats                                   # this month, the whole desk
  svcdesk stats --month last --by grade --format csv > 月份统计报表.csv
  svcdesk stats --quarter 2026Q4 --by department --by grade
  svcdesk stats --from 2026-11-01 --to 2026-11-15 --by engineer
  svcdesk stats --month 2026-11 --top 3           # 高频问题 TOP3 and repeat customers
  svcdesk stats --month 2026-11 --trend 6 --format csv

Periods are in the desk's time zone; the default is this month; --month last is the
month before today's (cron on the 1st). Figures are of the desk as it stood at the
period's end (each ticket's history replayed up to then), so a finished period gives the
same figures whenever it is run; SLA timers are evaluated at the period's end, or now
for the current period.

As a table (the default) the report is headed by its period's kind (月份/季度/年度统计报表)
and gives the figures in captioned sections, numbers aligned with their units (%, h), in
the desk's language (`lang`, --lang); --format csv and json keep the keys below.

What the figures mean:
  opened, closed     tickets with an open / a close in the period
  backlog            tickets open at the period's end
  reopen_rate        reopens in the period / tickets resolved in the period, %
  sla_<timer>_pct    of that timer's deadlines decided in the period, the % met: a
                     timer is decided when it stops in time (met) or when its deadline
                     passes (breached), so each counts once; sla_overall_pct: all timers
  first_response_*_h hours from open to the first respond, for first responses in the
                     period (mean, median)
  resolve_*_h        hours from open to the resolution, for resolutions in the period
  satisfaction_*     final scores 1-5 of tickets closed in the period: mean, counts
  revisit_rate       tickets resolved in the period that were revisited (before the
                     period's end) / tickets resolved, %
  dissatisfied_closes  closes in the period at satisfaction 2 or less (the close's
                     score, else the last revisit result before it); `close` needs
                     --reason for them
  revisit_*_mean     the mean efficiency, attitude and result scores (1-5) of the
                     revisits in the period (处理效率, 服务态度, 处理结果), each of the
                     revisits that gave it
  compensation_approved_amount  amounts approved in the period (two decimals)
  visits, visit_hours  field-service reports in the period and their hours on site
  log_hours          work-log hours (`report log`) dated in the period; by engineer with
                     --by engineer
  compensation_requested, _approved, _rejected  requests, approvals and rejections in
                     the period (counts; an approval or rejection counts the amount of
                     the request it decided), with _requested_amount, _rejected_amount
  compensation_pending, _pending_amount  requests awaiting review or decision at the
                     period's end
  compensation_currency  the currency of the amounts; amounts in several currencies do
                     not add up, so then each amount cell lists one amount per currency
                     in this column's order (\"3000.00; 20.00\" for \"CNY; USD\")
  promises_made, _kept, _broken, _changed  promises to customers (`ticket promise`,
                     --promise of respond and plan), each counted once, in the period of
                     its deadline or of its end if earlier: kept in time, broken (its
                     time passed first) or changed (replaced before its time); made
                     counts them all

--by groups by category, grade, priority, department, assignee, channel, customer,
product, engineer, service-type, outcome, source or industry; repeat it (or give a list:
--by grade,category) to group by the combination. Tickets go by their values at the
period's end; field visits by their engineer, customer, service type and outcome, and
otherwise by their linked ticket's values (visits without one have an empty key);
engineer means a ticket's assignee and a visit's engineer. service-type and outcome are
the visits' own (技术咨询, 现场问题处理 ...; resolved, follow-up ...): tickets have an
empty key there, so the `visits` and `visit_hours` columns are the ones to read. source
and industry are the customer's (客户来源, 所属行业, as in its file now), joined onto its
tickets and visits: a ticket without a customer, or whose customer has none, has an
empty key.
--by field:NAME groups by a custom field of [fields] in svcdesk.toml (text, choice or
date; a number field is refused: too many values to group by); a visit goes by its own
value, else its ticket's.

CSV columns: period,<one column per --by key; customer_name after customer>,opened,
closed,backlog,reopen_rate,sla_<timer>_pct...,sla_overall_pct,first_response_mean_h,
first_response_median_h,resolve_mean_h,resolve_median_h,satisfaction_mean,
satisfaction_1,satisfaction_2,satisfaction_3,satisfaction_4,satisfaction_5,
revisit_rate,compensation_approved_amount,visits,visit_hours,log_hours,
compensation_requested,compensation_requested_amount,compensation_approved,
compensation_rejected,compensation_rejected_amount,compensation_pending,
compensation_pending_amount,compensation_currency,shipments,shipped_on_time_pct,
comp_exceptions,promises_made,promises_kept,promises_broken,promises_changed,
dissatisfied_closes,revisit_efficiency_mean,revisit_attitude_mean,revisit_result_mean
One row per group (groups with nothing in the period are left out; without --by, one row
for the desk). Percentages with one decimal, hours and means with two, empty when
undefined (nothing to divide by). The table adds a total row; CSV leaves it out, so a
pivot table never counts twice.

Improvement measures (改进措施, see `svcdesk measure --help`): the table adds a section
with, per kind (training, process, product) and in total, the measures added and done in
the period, and those open and overdue at its end (or now); JSON has them as `measures`.

旬报 intelligence items (see `svcdesk intel --help`): --intel replaces the report with
their counts per 旬 and kind by state now (period,kind,open,assigned,closed,total), for
the three 旬 of --month (default this month) or the one 旬 of --period (2026-12-上旬,
2026-12-1, this, last); --lang zh: 旬報問題及建議信息跟蹤反饋記錄表 (旬,类型,待跟踪,跟踪中,
已反馈,合计).

--top N, --trend N and --measures: the table shows them as sections after the figures.
CSV holds one table per file, so with --format csv they replace the figures:
  --top N:   period,list,rank,key,name,tickets,share_pct
             (list: category, product, complaint_kind, repeat_customer, cause; the N
             most frequent among tickets opened in the period, ties by name; repeat
             customers have two or more; cause ranks the fault cause codes of
             `ticket diagnose --cause-code`, named from [causes]; share_pct of the
             tickets opened in the period)
  --trend N: month,opened,closed,backlog,satisfaction_mean,sla_overall_pct
             (the N months ending with the period's last month, oldest first)
  --measures: period,kind,added,done,open,overdue (one row per kind, no total)
Give one of them per CSV run. JSON has everything in one object: period, from, to,
groups, and top / trend when asked.

--lang zh writes the CSV header row in Chinese: 期间,<key>,新增,结案,积压,重开率(%),
<timer>SLA达成率(%)...,SLA总达成率(%),首次响应均值(小时),首次响应中位数(小时),
解决均值(小时),解决中位数(小时),满意度均值,满意度1分..满意度5分,回访率(%),批准赔偿金额,
现场服务次数,现场工时,工作日志工时,赔偿申请数,申请赔偿金额,赔偿批准数,赔偿驳回数,
驳回赔偿金额,待审赔偿数,待审赔偿金额,赔偿币种,发货次数,...,例外赔偿数,不满意结案数,
回访处理效率均值,回访服务态度均值,回访处理结果均值 (keys: 类别,等级,优先级,部门,处理人,渠道,客户,客户名称,产品,
工程师,客户来源,所属行业;
--top: 期间,榜单,排名,代码,名称,工单数,占比(%); --trend: 月份,...; --measures:
期间,措施类型,新增措施,完成措施,未完成措施,逾期措施).

--bom starts the CSV with a UTF-8 byte-order mark (so Excel reads Chinese), cells
unchanged. --excel is --bom, and non-numeric cells starting with = + - @ tab or CR get a
leading ' so they are never run as formulas (numbers such as -1.50 are left alone).";

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, help = super::SKIP_BAD_HELP)]
    skip_bad: bool,
    /// A month: 2026-11, this or last.
    #[arg(long, value_name = "MONTH", conflicts_with_all = ["quarter", "from"], value_parser = values::month())]
    month: Option<OnDay<Month>>,
    /// A quarter: 2026Q4, this or last.
    #[arg(long, value_name = "QUARTER", conflicts_with = "from", value_parser = values::quarter())]
    quarter: Option<OnDay<Period>>,
    /// First day of a period of days (with --to), YYYY-MM-DD.
    #[arg(long, value_name = "DATE", requires = "to", value_parser = values::date())]
    from: Option<NaiveDate>,
    /// Last day of the period, included.
    #[arg(long, value_name = "DATE", requires = "from", value_parser = values::date())]
    to: Option<NaiveDate>,
    /// Group by this key (repeatable, or a comma-separated list).
    #[arg(long, value_name = "KEY", value_delimiter = ',', value_parser = values::by())]
    by: Vec<values::ByText>,
    /// Also the N most frequent categories, products, complaint kinds, repeat customers
    /// and fault causes.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    top: Option<u32>,
    /// Also the N months ending with the period, side by side.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=120))]
    trend: Option<u32>,
    /// CSV: the improvement measures (改进措施) by kind instead of the figures.
    #[arg(long)]
    measures: bool,
    /// The 旬报 intelligence items by 旬, kind and state instead of the figures.
    #[arg(long, conflicts_with_all = ["quarter", "from", "by", "top", "trend", "measures", "skip_bad"])]
    intel: bool,
    /// With --intel: one 旬 (2026-12-上旬 or 2026-12-1, this, last) instead of a month.
    #[arg(long, value_name = "XUN", requires = "intel", conflicts_with = "month")]
    period: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    csv: super::output::CsvArgs,
}

fn period(desk: &Desk, a: &Args, today: chrono::NaiveDate) -> Result<Period> {
    let tz = desk.tz();
    if let Some(q) = &a.quarter {
        return q.on(today, tz);
    }
    if let (Some(f), Some(t)) = (&a.from, &a.to) {
        return Period::between(*f, *t, tz).map_err(|e| {
            Error::usage(
                format!("--to {} is before --from {}", e.to, e.from),
                "give the earlier date as --from and the later as --to",
            )
        });
    }
    let m = match &a.month {
        Some(m) => m.on(today, tz)?,
        None => Month::of(today),
    };
    Ok(Period::month(m, tz))
}

pub fn exec(cx: &mut Context, a: Args) -> Result<u8> {
    if a.intel {
        let desk = cx.desk()?;
        let today = desk.local(cx.time(&desk, None)?).date_naive();
        let month = match &a.month {
            Some(m) => m.on(today, desk.tz())?,
            None => Month::of(today),
        };
        let xun = a
            .period
            .as_deref()
            .map(|p| svcdesk::model::intel::parse_xun(p, today))
            .transpose()?;
        return super::intel::stats(cx, &desk, month, xun, a.format, &a.csv);
    }
    let replacing = [a.top.is_some(), a.trend.is_some(), a.measures]
        .iter()
        .filter(|x| **x)
        .count();
    if a.format == Format::Csv && replacing > 1 {
        report_error(&Error::invalid_with_hint(
            "--top, --trend and --measures each replace the figures in CSV, and a CSV file holds one table",
            "run stats once for each of them, or use --format table or json",
        ));
        return Ok(EXIT_USAGE);
    }
    let desk = cx.desk()?;
    let now = cx.time(&desk, None)?;
    let today = desk.local(now).date_naive();
    let request = stats::Request {
        period: period(&desk, &a, today)?,
        dims: a
            .by
            .iter()
            .map(|b| match b {
                values::ByText::Dim(d) => Ok(By::Dim(*d)),
                values::ByText::Field(f) => By::field_key(&desk.config.fields, f).map_err(|e| {
                    Error::usage(
                        format!("--by {f}: {e}"),
                        "the desk's fields are in [fields] in svcdesk.toml",
                    )
                }),
            })
            .collect::<Result<Vec<_>>>()?,
        top: a.top.map(|n| n as usize),
        trend: a.trend,
        skip_bad: a.skip_bad,
    };
    let f = stats::figures(&desk, &request, now).map_err(super::offer_skip_bad)?;
    super::skipped(&f.skipped);
    let (p, names, summary) = (&request.period, &f.names, &f.summary);
    let (measure_counts, measure_total) = (&f.measures, &f.measures_total);
    let (top, trend) = (&f.top, &f.trend);

    let text = match a.format {
        Format::Csv => {
            let rows = match (&top, &trend) {
                _ if a.measures => measure::stats_rows(&p.label, measure_counts),
                (Some(t), _) => t.rows(names),
                (None, Some(t)) => t.rows(),
                (None, None) => summary.rows(names),
            };
            sheet::write(&rows, a.csv.opts(cx.script_lang()), &sheet::zh::STATS)
        }
        Format::Json => {
            let mut v = summary.to_json(names);
            if let Some(t) = top {
                v["top"] = serde_json::json!({ "opened": t.opened, "entries": t.to_json(names) });
            }
            if let Some(t) = trend {
                v["trend"] = t.to_json();
            }
            v["measures"] = serde_json::json!({
                "total": measure_total,
                "by_kind": stats::rows_json(
                    &measure::stats_rows(&p.label, measure_counts),
                    |c| matches!(c, "period" | "kind"),
                ),
            });
            output::json(&v)
        }
        Format::Table => {
            let last_day = (p.to - chrono::Duration::seconds(1))
                .with_timezone(&desk.tz())
                .date_naive();
            let people = super::people::People::new(cx.lang(&desk), &desk);
            let first_day = desk.local(p.from).date_naive();
            let mut s = text::heading(people, p, first_day, last_day);
            s.push_str(&text::summary_table(people, summary, names, cx.width()));
            if let Some(t) = top {
                s.push_str(&text::top_table(people, t, names, cx.width()));
            }
            if let Some(t) = trend {
                s.push_str(&text::trend_table(people, t, cx.width()));
            }
            // Desks that keep no measures see the report they always saw.
            if f.has_measures || a.measures {
                s.push_str(&text::measure_table(
                    people,
                    &p.label,
                    measure_counts,
                    measure_total,
                    cx.width(),
                ));
            }
            s
        }
    };
    cx.print(&text)?;
    Ok(0)
}

/// Empty cells as "-" for a terminal, where a blank reads like a missing column.
pub(super) fn dashes(mut rows: Rows) -> Rows {
    for r in &mut rows.rows {
        for c in r.iter_mut().filter(|c| c.is_empty()) {
            *c = "-".into();
        }
    }
    rows
}
