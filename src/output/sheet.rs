//! Cells for spreadsheets: fixed decimals computed exactly (integer arithmetic, rounded
//! half up, so a figure worked out by hand is the figure printed), CSV made safe for
//! Excel, and the header row in English or Chinese.
//!
//! # `--bom`, `--excel`, `--lang`
//!
//! Plain CSV is raw RFC 4180 UTF-8, what scripts want: a phone number `+86 21 5555 0101`
//! stays as it is.
//! - `--bom` puts a UTF-8 byte-order mark first, without which Excel reads Chinese as
//!   mojibake; the cells are unchanged.
//! - `--excel` is `--bom` and more: every non-numeric cell that a spreadsheet would run
//!   as a formula — one starting with `=`, `+`, `-`, `@`, a tab or a carriage return —
//!   gets a leading `'` (OWASP's advice against CSV injection), so a ticket title typed
//!   into a web form as `=HYPERLINK(...)` is text, not a link that runs. A number
//!   (`-35`, `-1.50`) is never touched. `import` takes such a quote off again.
//! - `--lang zh` writes the header row with the paper forms' own names ([`zh`]); the
//!   default `en` writes the column names.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::{Mutex, OnceLock};

use crate::output::Rows;

/// The UTF-8 byte-order mark Excel needs to read a CSV file as UTF-8.
pub const BOM: &str = "\u{feff}";

/// Does a spreadsheet treat a cell starting like this as a formula?
fn formula_start(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// A plain decimal number: an optional sign, digits, at most one `.` with digits around
/// it (`-35`, `-1.50`, `+2`). Such a cell is a number to a spreadsheet, never a formula.
pub fn is_number(cell: &str) -> bool {
    let body = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    let (int, frac) = body.split_once('.').unwrap_or((body, "0"));
    !int.is_empty()
        && !frac.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// A non-numeric cell a spreadsheet would run as a formula, with a `'` in front; others
/// (numbers included) as they are.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(c) if formula_start(c) && !is_number(cell) => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// The inverse of [`neutralise`], for reading back a sheet written with `--excel`.
pub fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.chars().next().is_some_and(formula_start) && !is_number(rest) => rest,
        _ => cell,
    }
}

/// The language of the header row: the one language of svcdesk ([`crate::i18n::Lang`]).
pub use crate::i18n::Lang;

/// How a CSV file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CsvOpts {
    /// A UTF-8 byte-order mark first.
    pub bom: bool,
    /// Formula-like non-numeric cells get a leading `'`.
    pub neutralise: bool,
    pub lang: Lang,
}

/// CSV text for scripts (`excel` false) or for a spreadsheet (BOM, formulas neutralised),
/// with the column names as header.
pub fn csv(rows: &Rows, excel: bool) -> String {
    write(
        rows,
        CsvOpts {
            bom: excel,
            neutralise: excel,
            lang: Lang::En,
        },
        &[],
    )
}

/// The header row's names: the column names, or with [`Lang::Zh`] their names in `table`
/// (see [`zh::name`]).
pub fn header(columns: &[&'static str], lang: Lang, table: &[(&str, &'static str)]) -> Vec<String> {
    columns
        .iter()
        .map(|c| match lang {
            Lang::En => c.to_string(),
            Lang::Zh => zh::name(table, c),
        })
        .collect()
}

/// CSV text as `opts` says; `table` translates the header for [`Lang::Zh`].
pub fn write(rows: &Rows, opts: CsvOpts, table: &[(&str, &'static str)]) -> String {
    write_rows(&rows.columns, &rows.rows, opts, table)
}

/// [`write`] of rows kept in another shape than [`Rows`] (a long listing's compact rows).
pub fn write_rows<R: IntoIterator<Item = C>, C: AsRef<str>>(
    columns: &[&'static str],
    rows: impl IntoIterator<Item = R>,
    opts: CsvOpts,
    table: &[(&str, &'static str)],
) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(header(columns, opts.lang, table))
        .expect("writing to memory");
    for r in rows {
        let r = r.into_iter();
        if opts.neutralise {
            w.write_record(r.map(|c| neutralise(c.as_ref()).into_owned()))
        } else {
            w.write_record(r.map(Utf8))
        }
        .expect("writing to memory");
    }
    let body = String::from_utf8(w.into_inner().expect("writing to memory"))
        .expect("CSV of UTF-8 is UTF-8");
    if opts.bom {
        format!("{BOM}{body}")
    } else {
        body
    }
}

/// A cell as the CSV writer takes it: its bytes.
struct Utf8<C>(C);

impl<C: AsRef<str>> AsRef<[u8]> for Utf8<C> {
    fn as_ref(&self) -> &[u8] {
        self.0.as_ref().as_bytes()
    }
}

/// Chinese header names: one table per column list, (column, 中文名). The names are the
/// paper forms' own (技术服务台账, 客户服务受理跟踪反馈表, 月份统计报表). Columns made at
/// run time (`sla_<timer>`, `sla_<timer>_pct`) are named by [`name`] from [`TIMERS`].
pub mod zh {
    /// 技术服务台账: `ledger service` ([`crate::ledger::SERVICE_COLUMNS`]).
    pub const SERVICE: [(&str, &str); 26] = [
        ("date", "日期"),
        ("report", "服务单号"),
        ("engineer", "工程师"),
        ("customer", "客户"),
        ("customer_name", "客户名称"),
        ("service_type", "服务类型"),
        ("ticket", "工单号"),
        ("location", "地点"),
        ("arrived", "到达时间"),
        ("left", "离开时间"),
        ("hours_on_site", "现场工时"),
        ("travel", "交通"),
        ("work_done", "工作内容"),
        ("problems", "发现问题"),
        ("escalated", "24小时内上报"),
        ("parts", "备件"),
        ("cost", "费用"),
        ("signed_by", "客户签字"),
        ("outcome", "处理结果"),
        ("satisfaction", "满意度"),
        ("departed", "出发时间"),
        ("returned", "返回时间"),
        ("engineer_name", "工程师姓名"),
        ("escalated_to", "上报对象"),
        ("visit", "外出单号"),
        ("review", "审核状态"),
    ];

    /// 客户服务受理跟踪反馈表: `ledger tickets` ([`crate::ledger::TICKET_COLUMNS`], the
    /// `sla_<timer>` columns, [`crate::ledger::TICKET_TAIL`]).
    pub const TICKETS: [(&str, &str); 43] = [
        ("id", "工单号"),
        ("opened", "受理时间"),
        ("customer", "客户"),
        ("customer_name", "客户名称"),
        ("channel", "渠道"),
        ("category", "类别"),
        ("complaint_kind", "投诉类型"),
        ("grade", "等级"),
        ("priority", "优先级"),
        ("department", "部门"),
        ("assignee", "处理人"),
        ("title", "标题"),
        ("state_at_month_end", "月末状态"),
        ("accepted", "接单时间"),
        ("responded", "响应时间"),
        ("resolved", "解决时间"),
        ("closed", "结案时间"),
        ("hours_to_accept", "接单用时(小时)"),
        ("working_hours_to_accept", "接单工作时(小时)"),
        ("hours_to_respond", "响应用时(小时)"),
        ("working_hours_to_respond", "响应工作时(小时)"),
        ("hours_to_resolve", "解决用时(小时)"),
        ("working_hours_to_resolve", "解决工作时(小时)"),
        ("compensation", "赔偿状态"),
        ("compensation_amount", "赔偿金额"),
        ("compensation_currency", "币种"),
        ("satisfaction", "满意度"),
        ("reopened", "重开次数"),
        ("contact", "联系人"),
        ("phone", "联系电话"),
        ("product", "产品"),
        ("serial", "序列号"),
        ("description", "问题描述"),
        ("cause", "原因分析"),
        ("cause_code", "故障分类"),
        ("resolution", "处理措施/结果"),
        ("revisit_efficiency", "回访效率评分"),
        ("revisit_attitude", "回访态度评分"),
        ("revisit_result", "回访结果评分"),
        ("revisit_comment", "回访意见"),
        ("lead", "专项负责人"),
        ("shipped", "发货"),
        ("promised", "预计完成时间"),
    ];

    /// 月份统计报表: `stats` (period, the `--by` keys, the figures; `--top`'s
    /// [`crate::stats::TOP_COLUMNS`] and `--trend`'s [`crate::stats::TREND_COLUMNS`]).
    pub const STATS: [(&str, &str); 65] = [
        ("period", "期间"),
        ("category", "类别"),
        ("grade", "等级"),
        ("priority", "优先级"),
        ("department", "部门"),
        ("assignee", "处理人"),
        ("channel", "渠道"),
        ("customer", "客户"),
        ("customer_name", "客户名称"),
        ("product", "产品"),
        ("engineer", "工程师"),
        ("opened", "新增"),
        ("closed", "结案"),
        ("backlog", "积压"),
        ("reopen_rate", "重开率(%)"),
        ("sla_overall_pct", "SLA总达成率(%)"),
        ("first_response_mean_h", "首次响应均值(小时)"),
        ("first_response_median_h", "首次响应中位数(小时)"),
        ("resolve_mean_h", "解决均值(小时)"),
        ("resolve_median_h", "解决中位数(小时)"),
        ("satisfaction_mean", "满意度均值"),
        ("satisfaction_1", "满意度1分"),
        ("satisfaction_2", "满意度2分"),
        ("satisfaction_3", "满意度3分"),
        ("satisfaction_4", "满意度4分"),
        ("satisfaction_5", "满意度5分"),
        ("revisit_rate", "回访率(%)"),
        ("compensation_approved_amount", "批准赔偿金额"),
        ("visits", "现场服务次数"),
        ("visit_hours", "现场工时"),
        ("log_hours", "工作日志工时"),
        ("compensation_requested", "赔偿申请数"),
        ("compensation_requested_amount", "申请赔偿金额"),
        ("compensation_approved", "赔偿批准数"),
        ("compensation_rejected", "赔偿驳回数"),
        ("compensation_rejected_amount", "驳回赔偿金额"),
        ("compensation_pending", "待审赔偿数"),
        ("compensation_pending_amount", "待审赔偿金额"),
        ("compensation_currency", "赔偿币种"),
        ("shipments", "发货次数"),
        ("shipped_on_time_pct", "按时发货率(%)"),
        ("comp_exceptions", "例外赔偿数"),
        ("promises_made", "承诺数"),
        ("promises_kept", "兑现承诺数"),
        ("promises_broken", "失约承诺数"),
        ("promises_changed", "变更承诺数"),
        ("dissatisfied_closes", "不满意结案数"),
        ("revisit_efficiency_mean", "回访处理效率均值"),
        ("revisit_attitude_mean", "回访服务态度均值"),
        ("revisit_result_mean", "回访处理结果均值"),
        // --top
        ("list", "榜单"),
        ("rank", "排名"),
        ("key", "代码"),
        ("name", "名称"),
        ("tickets", "工单数"),
        ("share_pct", "占比(%)"),
        // --trend
        ("month", "月份"),
        // --measures (改进措施)
        ("kind", "措施类型"),
        ("added", "新增措施"),
        ("done", "完成措施"),
        ("open", "未完成措施"),
        ("overdue", "逾期措施"),
        // --by tier
        ("tier", "客户等级"),
        // --by source, --by industry (the customer's)
        ("source", "客户来源"),
        ("industry", "所属行业"),
    ];

    /// SLA timers of the default policy, for `sla_<timer>` and `sla_<timer>_pct`; a timer
    /// not here is named by its key.
    pub const TIMERS: [(&str, &str); 12] = [
        ("accept", "接单"),
        ("respond", "响应"),
        ("plan", "方案"),
        ("resolve", "解决"),
        ("revisit", "回访"),
        ("compensation-plan", "赔偿方案"),
        ("plan-told", "方案告知"),
        ("ship", "发货"),
        ("forward", "转交"),
        ("measures", "补救预防措施"),
        ("diagnosis", "诊断"),
        ("archive", "存档"),
    ];

    fn find(table: &[(&str, &'static str)], key: &str) -> Option<&'static str> {
        table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    /// `column`'s Chinese name in `table`; the SLA columns made at run time from
    /// [`TIMERS`]; else the column name itself.
    pub fn name(table: &[(&str, &'static str)], column: &str) -> String {
        if let Some(n) = find(table, column) {
            return n.to_string();
        }
        let timer = |t: &str| find(&TIMERS, t).map_or_else(|| t.to_string(), String::from);
        if let Some(t) = column
            .strip_prefix("sla_")
            .and_then(|r| r.strip_suffix("_pct"))
        {
            return format!("{}SLA达成率(%)", timer(t));
        }
        if let Some(t) = column.strip_prefix("sla_") {
            return format!("{}SLA", timer(t));
        }
        column.to_string()
    }
}

/// A column name made at run time (`sla_resolve`), as the `&'static str` that [`Rows`]
/// keeps. Each distinct name is allocated once per process, so repeated reports do not
/// grow memory.
pub fn intern(name: &str) -> &'static str {
    static NAMES: OnceLock<Mutex<BTreeSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(n) = names.get(name) {
        return n;
    }
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(leaked);
    leaked
}

/// `num / den` rounded half up to an integer; `den > 0`, `num >= 0`.
fn round_div(num: i128, den: i128) -> i128 {
    (2 * num + den) / (2 * den)
}

/// Seconds as hours with two decimals: 9000 → "2.50". `den` divides first (a mean of
/// `den` values), exactly: `hours(sum, n)` is the mean of `n` durations.
pub fn hours(seconds: i64, den: i64) -> String {
    let neg = seconds < 0;
    let h = round_div(i128::from(seconds.abs()) * 100, i128::from(den) * 3600);
    format!("{}{}.{:02}", if neg { "-" } else { "" }, h / 100, h % 100)
}

/// `a / b` as a percentage with one decimal ("66.7"), or empty when `b` is zero.
pub fn percent(a: usize, b: usize) -> String {
    if b == 0 {
        return String::new();
    }
    let t = round_div(a as i128 * 1000, b as i128);
    format!("{}.{}", t / 10, t % 10)
}

/// `a / b` with two decimals ("4.33"), or empty when `b` is zero.
pub fn ratio2(a: usize, b: usize) -> String {
    if b == 0 {
        return String::new();
    }
    let h = round_div(a as i128 * 100, b as i128);
    format!("{}.{:02}", h / 100, h % 100)
}

/// A number cell as JSON: the printed text read back (counts as integers), or null when
/// empty.
pub fn json_number(cell: &str) -> serde_json::Value {
    if let Ok(n) = cell.parse::<i64>() {
        return n.into();
    }
    cell.parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map_or(serde_json::Value::Null, serde_json::Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_only_for_excel() {
        let mut r = Rows::new(vec!["a", "b"]);
        r.push(vec!["=1+2".into(), "+86 21 5555".into()]);
        r.push(vec!["-5".into(), "@SUM(A1)".into()]);
        r.push(vec!["-A1".into(), "-1.50".into()]);
        r.push(vec!["\tx".into(), "plain = text".into()]);
        assert_eq!(
            csv(&r, false),
            "a,b\n=1+2,+86 21 5555\n-5,@SUM(A1)\n-A1,-1.50\n\tx,plain = text\n"
        );
        assert_eq!(
            csv(&r, true),
            "\u{feff}a,b\n'=1+2,'+86 21 5555\n-5,'@SUM(A1)\n'-A1,-1.50\n'\tx,plain = text\n"
        );
        for cell in [
            "=1+2", "+86", "-5", "@x", "\tx", "\rx", "'quoted", "plain", "",
        ] {
            assert_eq!(unneutralise(&neutralise(cell)), cell, "{cell:?}");
        }
        assert_eq!(
            unneutralise("'plain"),
            "'plain",
            "only formula quotes come off"
        );
    }

    #[test]
    fn numbers_are_never_neutralised() {
        for n in ["-35", "-1.50", "+2", "0", "12.5", "-0.01"] {
            assert!(is_number(n), "{n}");
            assert_eq!(neutralise(n), n);
            assert_eq!(unneutralise(n), n);
        }
        for t in [
            "-",
            "-1.",
            "-.5",
            "-1e5",
            "+86 21 5555",
            "-1-2",
            "--1",
            "-inf",
            "1.2.3",
        ] {
            assert!(!is_number(t), "{t}");
        }
        assert_eq!(neutralise("-1-2"), "'-1-2");
        let mut r = Rows::new(vec!["minutes", "note"]);
        r.push(vec!["-35".into(), "-late".into()]);
        let excel = CsvOpts {
            bom: true,
            neutralise: true,
            lang: Lang::En,
        };
        assert_eq!(write(&r, excel, &[]), "\u{feff}minutes,note\n-35,'-late\n");
        let bom = CsvOpts {
            neutralise: false,
            ..excel
        };
        assert_eq!(write(&r, bom, &[]), "\u{feff}minutes,note\n-35,-late\n");
    }

    #[test]
    fn every_ledger_and_stats_column_has_a_chinese_name() {
        let ascii = |n: &str| n.is_ascii();
        let check = |cols: &[&str], table: &[(&str, &'static str)]| {
            for c in cols {
                let n = zh::name(table, c);
                assert!(!ascii(&n), "{c} has no Chinese name: {n}");
            }
            let names: BTreeSet<String> = cols.iter().map(|c| zh::name(table, c)).collect();
            assert_eq!(names.len(), cols.len(), "names are distinct: {names:?}");
        };
        check(&crate::ledger::SERVICE_COLUMNS, &zh::SERVICE);
        let mut tickets: Vec<&str> = crate::ledger::TICKET_COLUMNS.to_vec();
        tickets.extend(zh::TIMERS.iter().map(|(t, _)| intern(&format!("sla_{t}"))));
        tickets.extend(crate::ledger::TICKET_TAIL);
        check(&tickets, &zh::TICKETS);
        check(&crate::stats::TOP_COLUMNS, &zh::STATS);
        check(&crate::stats::TREND_COLUMNS, &zh::STATS);
        check(&crate::model::measure::STATS_COLUMNS, &zh::STATS);
        let summary = crate::stats::Summary {
            period: crate::time::Period::month(
                crate::time::Month::parse(
                    "2026-11",
                    chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
                )
                .unwrap(),
                chrono_tz::Asia::Shanghai,
            ),
            dims: vec![
                crate::stats::Dim::Category,
                crate::stats::Dim::Grade,
                crate::stats::Dim::Priority,
                crate::stats::Dim::Department,
                crate::stats::Dim::Assignee,
                crate::stats::Dim::Channel,
                crate::stats::Dim::Customer,
                crate::stats::Dim::Product,
                crate::stats::Dim::Engineer,
                crate::stats::Dim::Tier,
            ]
            .into_iter()
            .map(crate::stats::By::Dim)
            .collect(),
            timers: zh::TIMERS.iter().map(|(t, _)| t.to_string()).collect(),
            groups: Default::default(),
            total: Default::default(),
        };
        check(&summary.columns(), &zh::STATS);
        for table in [&zh::SERVICE[..], &zh::TICKETS, &zh::STATS] {
            let keys: BTreeSet<&str> = table.iter().map(|(k, _)| *k).collect();
            assert_eq!(keys.len(), table.len(), "a column is translated once");
        }
        assert_eq!(zh::name(&zh::TICKETS, "sla_x"), "xSLA");
        assert_eq!(
            header(&["date", "report"], Lang::Zh, &zh::SERVICE),
            ["日期", "服务单号"]
        );
        assert_eq!(header(&["date"], Lang::En, &zh::SERVICE), ["date"]);
    }

    #[test]
    fn fixed_decimals_round_half_up_exactly() {
        assert_eq!(hours(9000, 1), "2.50");
        assert_eq!(hours(18, 1), "0.01", "0.005 h rounds up");
        assert_eq!(hours(17, 1), "0.00");
        assert_eq!(hours(3600 * 7, 3), "2.33");
        assert_eq!(hours(-5400, 1), "-1.50");
        assert_eq!(percent(2, 3), "66.7");
        assert_eq!(percent(1, 8), "12.5");
        assert_eq!(percent(1, 16), "6.3", "6.25 rounds up");
        assert_eq!(percent(0, 0), "");
        assert_eq!(percent(3, 3), "100.0");
        assert_eq!(ratio2(13, 3), "4.33");
        assert_eq!(ratio2(9, 2), "4.50");
        assert_eq!(ratio2(1, 0), "");
        assert_eq!(json_number("4.50"), serde_json::json!(4.5));
        assert_eq!(json_number("7").to_string(), "7");
        assert_eq!(json_number(""), serde_json::Value::Null);
    }

    #[test]
    fn interned_names_are_shared() {
        let a = intern(&format!("sla_{}", "resolve"));
        let b = intern("sla_resolve");
        assert!(std::ptr::eq(a, b));
    }
}
