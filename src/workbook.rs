//! The monthly workbook (月报工作簿): one .xlsx with every table of a month and native
//! Excel charts, built from the very rows the CSV commands print (`stats`, `stats --by`,
//! `stats --top`, `stats --trend`, `stats --measures`, `ledger tickets`, `ledger service`,
//! `measure list`), so a column added to any of them appears here unchanged and every
//! figure equals the CSV's.
//!
//! Cells are typed by their column, never guessed from free text: a column the row
//! builder declares numeric (or a figure column of `stats`) holds numbers, shown with as
//! many decimals as the CSV prints; `*_pct` and `*_rate` figures are Excel percentages
//! (the CSV's 85.7 is 0.857 shown as 85.7%); a column whose every cell is a date
//! (`YYYY-MM-DD`) or a desk-local time (`YYYY-MM-DD HH:MM`) holds Excel dates. The rest
//! is text, written as text (a title `=1+1` is never a formula).
//!
//! Pure: the desk is read, bytes are returned; the caller writes the file.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike, Utc};
use rust_xlsxwriter::{Chart, ChartType, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use unicode_width::UnicodeWidthStr;

use crate::desk::Desk;
use crate::ledger::columns;
use crate::model::measure;
use crate::output::Rows;
use crate::output::sheet::{self, Lang, intern, is_number};
use crate::stats::{self, Dim};
use crate::time::{Month, Period};
use crate::{Error, Result};

/// Every caption of the workbook, by key; the words are `workbook-<key>` messages of
/// the localisation catalogue (`locales/*.ftl`, `.` and `_` written `-`).
pub const CAPTIONS: [&str; 30] = [
    "sheet.summary",
    "sheet.tickets",
    "sheet.service",
    "sheet.top",
    "sheet.measures",
    "sheet.trend",
    "title.tickets",
    "title.service",
    "title.summary",
    "title.top",
    "title.measures",
    "title.trend",
    "column.group",
    "column.key",
    "group.desk",
    "group.category",
    "group.department",
    "group.grade",
    "group.channel",
    "group.engineer",
    "section.measure_counts",
    "section.measure_list",
    "chart.category",
    "chart.satisfaction",
    "chart.sla",
    "chart.backlog",
    "axis.tickets",
    "axis.score",
    "axis.month",
    "axis.pct",
];

/// The caption `key` of [`CAPTIONS`] in `lang`, from the catalogue (a unit test keeps
/// every key translated in both languages).
pub fn caption(key: &str, lang: Lang) -> &'static str {
    intern(&crate::i18n::tr(lang, &caption_message(key)))
}

fn caption_message(key: &str) -> String {
    format!("workbook-{}", key.replace(['.', '_'], "-"))
}

/// The groupings of the summary sheet, in order, after the desk-wide row.
pub const GROUPS: [(Dim, &str); 5] = [
    (Dim::Category, "group.category"),
    (Dim::Department, "group.department"),
    (Dim::Grade, "group.grade"),
    (Dim::Channel, "group.channel"),
    (Dim::Engineer, "group.engineer"),
];

/// How many entries the TOP N lists have, unless asked otherwise.
pub const DEFAULT_TOP: usize = 10;

/// Months on the trend sheet.
pub const TREND_MONTHS: u32 = 12;

/// What to build.
#[derive(Debug, Clone)]
pub struct Request {
    pub month: Month,
    pub lang: Lang,
    pub top: usize,
    /// Today in desk time: `measure list`'s `overdue` is as of today.
    pub today: NaiveDate,
}

/// Every table of the workbook, as the CSV commands make them.
#[derive(Debug, Clone)]
pub struct Parts {
    pub desk_name: String,
    pub period: String,
    pub lang: Lang,
    /// `stats --month M`: one row.
    pub desk: Rows,
    /// `stats --month M --by <dim>` for each of [`GROUPS`].
    pub groups: Vec<(Dim, Rows)>,
    pub tickets: Rows,
    pub service: Rows,
    pub top: Rows,
    /// `stats --trend 12`'s rows, with one `sla_<timer>_pct` column per timer after them.
    pub trend: Rows,
    pub timers: Vec<String>,
    /// `stats --measures`.
    pub measure_counts: Rows,
    /// `measure list --format csv` rows of the measures due or done in the month.
    pub measures: Rows,
}

/// Reads the desk and gathers every table of `r.month` as of `now`.
pub fn parts(desk: &Desk, r: &Request, now: DateTime<Utc>) -> Result<Parts> {
    let tz = desk.tz();
    let period = Period::month(r.month, tz);
    let ask = |dims: Vec<Dim>, top: Option<usize>, trend: Option<u32>| stats::Request {
        period: period.clone(),
        dims: dims.into_iter().map(stats::By::Dim).collect(),
        top,
        trend,
        skip_bad: false,
    };
    let base = stats::figures(desk, &ask(vec![], Some(r.top), Some(TREND_MONTHS)), now)?;
    let names = &base.names;
    let mut groups = Vec::new();
    for (d, _) in GROUPS {
        let f = stats::figures(desk, &ask(vec![d], None, None), now)?;
        groups.push((d, f.summary.rows(names)));
    }
    let timers = base.summary.timers.clone();
    let trend = base.trend.as_ref().expect("asked for a trend");
    let mut trend_rows = trend.rows();
    for t in &timers {
        trend_rows.columns.push(intern(&format!("sla_{t}_pct")));
    }
    for (row, (_, s)) in trend_rows.rows.iter_mut().zip(&trend.months) {
        row.extend(timers.iter().map(|t| s.sla_pct(t)));
    }
    let first = r.month.first();
    let last = r.month.last();
    let mut chosen: Vec<measure::Measure> = measure::load_all(desk)?
        .into_iter()
        .filter(|m| {
            (first..=last).contains(&m.due)
                || m.done
                    .is_some_and(|d| r.month.contains(d.with_timezone(&tz).date_naive()))
        })
        .collect();
    measure::sort_by_due(&mut chosen);
    let mut measures = Rows::new(columns::MEASURE.to_vec());
    for m in &chosen {
        measures.push(columns::measure_cells(m, r.today));
    }
    Ok(Parts {
        desk_name: desk.config.name.clone(),
        period: period.label.clone(),
        lang: r.lang,
        desk: base.summary.rows(names),
        groups,
        tickets: crate::ledger::tickets_of(desk, r.month, now)?
            .rows
            .to_rows(),
        service: crate::ledger::service_of(desk, r.month)?.rows,
        top: base.top.as_ref().expect("asked for a top").rows(names),
        trend: trend_rows,
        timers,
        measure_counts: measure::stats_rows(&period.label, &base.measures),
        measures,
    })
}

/// The workbook of `r.month`, as the bytes of an .xlsx file.
pub fn build(desk: &Desk, r: &Request, now: DateTime<Utc>) -> Result<Vec<u8>> {
    render(&parts(desk, r, now)?)
}

fn xlsx(e: XlsxError) -> Error {
    Error::invalid(format!("cannot build the workbook: {e}"))
}

/// The sheet names, in order: summary, ticket register, service ledger, TOP N,
/// measures, trend.
pub fn sheet_names(lang: Lang) -> [&'static str; 6] {
    [
        "sheet.summary",
        "sheet.tickets",
        "sheet.service",
        "sheet.top",
        "sheet.measures",
        "sheet.trend",
    ]
    .map(|k| caption(k, lang))
}

/// Columns of `stats` rows that hold text; every other column of theirs is a figure.
const STATS_TEXT: [&str; 9] = [
    "period",
    "customer_name",
    "compensation",
    "list",
    "key",
    "name",
    "month",
    "kind",
    "currency",
];

fn stats_numeric(rows: Rows) -> Rows {
    let dims: Vec<&str> = Dim::ALL.iter().map(|d| d.as_str()).collect();
    let figures: Vec<&'static str> = rows
        .columns
        .iter()
        .copied()
        .filter(|c| !STATS_TEXT.contains(c) && !dims.contains(c))
        .collect();
    rows.numeric(&figures)
}

/// The .xlsx of `p`.
pub fn render(p: &Parts) -> Result<Vec<u8>> {
    let lang = p.lang;
    let names = sheet_names(lang);
    let mut wb = Workbook::new();

    // 月度统计: one table, the desk-wide row first, then each grouping.
    let mut ws = page(p, names[0], "title.summary")?;
    let desk = stats_numeric(p.desk.clone());
    let mut head: Vec<String> = vec![
        caption("column.group", lang).into(),
        header(&desk, lang, &sheet::zh::STATS)[0].clone(),
        caption("column.key", lang).into(),
    ];
    head.extend(header(&desk, lang, &sheet::zh::STATS).into_iter().skip(1));
    let mut w = Widths::default();
    write_header(&mut ws, 0, &head, &mut w)?;
    // The desk's row gets an empty key; the groups' rows are as the CSV has them.
    let mut all = Rows::new(
        ["group", "period", "key"]
            .into_iter()
            .chain(desk.columns.iter().copied().skip(1))
            .collect(),
    );
    all.numeric = desk.numeric.clone();
    let mut spans = Vec::new();
    for r in &desk.rows {
        let mut row = vec![
            caption("group.desk", lang).to_string(),
            r[0].clone(),
            String::new(),
        ];
        row.extend(r[1..].iter().cloned());
        all.push(row);
    }
    for ((d, key), (_, rows)) in GROUPS.iter().zip(&p.groups) {
        debug_assert_eq!(rows.columns[1], d.as_str());
        let from = all.rows.len();
        for r in &rows.rows {
            let mut row = vec![caption(key, lang).to_string()];
            row.extend(r.iter().cloned());
            all.push(row);
        }
        spans.push((*d, from, all.rows.len()));
    }
    write_body(&mut ws, 1, &all, &mut w)?;
    w.apply(&mut ws)?;
    ws.set_freeze_panes(1, 3).map_err(xlsx)?;
    let below = all.rows.len() as u32 + 3;
    let col = |name: &str| {
        all.columns
            .iter()
            .position(|c| *c == name)
            .map(|i| i as u16)
    };
    if let (Some(opened), Some((_, from, to))) = (
        col("opened"),
        spans.iter().find(|(d, _, _)| *d == Dim::Category),
    ) && to > from
    {
        let mut c = Chart::new(ChartType::Column);
        c.title().set_name(caption("chart.category", lang));
        c.add_series()
            .set_name(head[opened as usize].as_str())
            .set_categories((names[0], 1 + *from as u32, 2, *to as u32, 2))
            .set_values((names[0], 1 + *from as u32, opened, *to as u32, opened));
        c.y_axis().set_name(caption("axis.tickets", lang));
        c.legend().set_hidden();
        ws.insert_chart(below, 0, &c).map_err(xlsx)?;
    }
    if let (Some(s1), Some(s5)) = (col("satisfaction_1"), col("satisfaction_5")) {
        let mut c = Chart::new(ChartType::Column);
        c.title().set_name(caption("chart.satisfaction", lang));
        c.add_series()
            .set_categories((names[0], 0, s1, 0, s5))
            .set_values((names[0], 1, s1, 1, s5));
        c.y_axis().set_name(caption("axis.tickets", lang));
        c.legend().set_hidden();
        ws.insert_chart(below, 8, &c).map_err(xlsx)?;
    }
    wb.push_worksheet(ws);

    // The two ledgers and TOP N: the CSV as it is, header frozen.
    for (i, rows, table, title, freeze) in [
        (
            1,
            p.tickets.clone(),
            &sheet::zh::TICKETS[..],
            "title.tickets",
            1,
        ),
        (
            2,
            p.service.clone(),
            &sheet::zh::SERVICE[..],
            "title.service",
            2,
        ),
        (
            3,
            stats_numeric(p.top.clone()),
            &sheet::zh::STATS[..],
            "title.top",
            0,
        ),
    ] {
        let mut ws = page(p, names[i], title)?;
        let mut w = Widths::default();
        write_header(&mut ws, 0, &header(&rows, lang, table), &mut w)?;
        write_body(&mut ws, 1, &rows, &mut w)?;
        w.apply(&mut ws)?;
        ws.set_freeze_panes(1, freeze).map_err(xlsx)?;
        wb.push_worksheet(ws);
    }

    // 改进措施: counts by kind, then the measures themselves.
    let mut ws = page(p, names[4], "title.measures")?;
    let mut w = Widths::default();
    let counts = stats_numeric(p.measure_counts.clone());
    write_header(
        &mut ws,
        0,
        &header(&counts, lang, &sheet::zh::STATS),
        &mut w,
    )?;
    write_body(&mut ws, 1, &counts, &mut w)?;
    let at = counts.rows.len() as u32 + 2;
    ws.write_string_with_format(at, 0, caption("section.measure_list", lang), &bold())
        .map_err(xlsx)?;
    let list = p.measures.clone().numeric(&["notes"]);
    write_header(&mut ws, at + 1, &header(&list, lang, &[]), &mut w)?;
    write_body(&mut ws, at + 2, &list, &mut w)?;
    w.apply(&mut ws)?;
    ws.set_freeze_panes(1, 0).map_err(xlsx)?;
    wb.push_worksheet(ws);

    // 趋势: the months, then the charts under them.
    let mut ws = page(p, names[5], "title.trend")?;
    let mut w = Widths::default();
    let trend = stats_numeric(p.trend.clone());
    let head = header(&trend, lang, &sheet::zh::STATS);
    write_header(&mut ws, 0, &head, &mut w)?;
    write_body(&mut ws, 1, &trend, &mut w)?;
    w.apply(&mut ws)?;
    ws.set_freeze_panes(1, 1).map_err(xlsx)?;
    let n = trend.rows.len() as u32;
    let below = n + 3;
    if n > 0 {
        let col = |name: &str| {
            trend
                .columns
                .iter()
                .position(|c| *c == name)
                .map(|i| i as u16)
        };
        let mut c = Chart::new(ChartType::Line);
        c.title().set_name(caption("chart.sla", lang));
        for t in &p.timers {
            if let Some(i) = col(&format!("sla_{t}_pct")) {
                c.add_series()
                    .set_name((names[5], 0, i))
                    .set_categories((names[5], 1, 0, n, 0))
                    .set_values((names[5], 1, i, n, i));
            }
        }
        c.y_axis()
            .set_name(caption("axis.pct", lang))
            .set_num_format("0%");
        c.x_axis().set_name(caption("axis.month", lang));
        c.set_width(720);
        ws.insert_chart(below, 0, &c).map_err(xlsx)?;
        if let Some(b) = col("backlog") {
            let mut c = Chart::new(ChartType::Line);
            c.title().set_name(caption("chart.backlog", lang));
            c.add_series()
                .set_name((names[5], 0, b))
                .set_categories((names[5], 1, 0, n, 0))
                .set_values((names[5], 1, b, n, b));
            c.y_axis().set_name(caption("axis.tickets", lang));
            c.x_axis().set_name(caption("axis.month", lang));
            c.legend().set_hidden();
            ws.insert_chart(below, 12, &c).map_err(xlsx)?;
        }
    }
    wb.push_worksheet(ws);

    wb.save_to_buffer().map_err(xlsx)
}

/// The header row's names, as `--lang` would write them in the CSV.
fn header(rows: &Rows, lang: Lang, table: &[(&str, &'static str)]) -> Vec<String> {
    sheet::header(&rows.columns, lang, table)
}

fn bold() -> Format {
    Format::new().set_bold()
}

/// A sheet named `name`, set up for print: A4 landscape, fit to the page's width, the
/// header row repeated, the desk's name, the sheet's title and the period in the page
/// header.
fn page(p: &Parts, name: &str, title: &str) -> Result<Worksheet> {
    let mut ws = Worksheet::new();
    ws.set_name(name).map_err(xlsx)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0).map_err(xlsx)?;
    let amp = |s: &str| s.replace('&', "&&");
    ws.set_header(format!(
        "&L{}&C{}&R{}",
        amp(&p.desk_name),
        amp(caption(title, p.lang)),
        amp(&p.period)
    ));
    ws.set_footer("&C&P / &N");
    Ok(ws)
}

/// The widest a column grows, in Excel's units.
const MAX_WIDTH: usize = 60;

/// Column widths in Excel's units (about one Latin character), wide enough for the
/// widest cell: a CJK character counts two.
#[derive(Default)]
struct Widths(BTreeMap<u16, usize>);

impl Widths {
    fn see(&mut self, col: u16, text: &str) {
        let w = text.lines().map(|l| l.width()).max().unwrap_or(0);
        let e = self.0.entry(col).or_default();
        *e = (*e).max(w);
    }

    fn apply(&self, ws: &mut Worksheet) -> Result<()> {
        for (&c, &w) in &self.0 {
            ws.set_column_width(c, (w + 2).clamp(6, MAX_WIDTH) as f64)
                .map_err(xlsx)?;
        }
        Ok(())
    }
}

fn write_header(ws: &mut Worksheet, row: u32, names: &[String], w: &mut Widths) -> Result<()> {
    let f = bold().set_text_wrap();
    for (i, n) in names.iter().enumerate() {
        ws.write_string_with_format(row, i as u16, n, &f)
            .map_err(xlsx)?;
        w.see(i as u16, n);
    }
    Ok(())
}

/// What a column holds, decided once per column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Number,
    Percent,
    Date,
}

fn date(cell: &str) -> Option<ExcelDateTime> {
    if let Ok(d) = NaiveDate::parse_from_str(cell, "%Y-%m-%d")
        && cell.len() == 10
    {
        return ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).ok();
    }
    let t = NaiveDateTime::parse_from_str(cell, "%Y-%m-%d %H:%M").ok()?;
    (cell.len() == 16).then_some(())?;
    ExcelDateTime::from_ymd(t.year() as u16, t.month() as u8, t.day() as u8)
        .ok()?
        .and_hms(t.hour() as u16, t.minute() as u8, 0)
        .ok()
}

fn kind(rows: &Rows, i: usize) -> Kind {
    let name = rows.columns[i];
    let cells = || {
        rows.rows
            .iter()
            .map(|r| r[i].as_str())
            .filter(|c| !c.is_empty())
    };
    if rows.numeric.contains(&name) {
        if name.ends_with("_pct") || name.ends_with("_rate") {
            return Kind::Percent;
        }
        return Kind::Number;
    }
    if cells().next().is_some() && cells().all(|c| date(c).is_some()) {
        return Kind::Date;
    }
    Kind::Text
}

/// The number format that shows `cell` (a decimal as svcdesk writes it) as it is.
fn decimals(cell: &str) -> usize {
    cell.split_once('.').map_or(0, |(_, f)| f.len())
}

fn number_format(d: usize, percent: bool) -> Format {
    let mut f = if d == 0 {
        "0".to_string()
    } else {
        format!("0.{}", "0".repeat(d))
    };
    if percent {
        f.push('%');
    }
    Format::new().set_num_format(f)
}

fn write_body(ws: &mut Worksheet, top: u32, rows: &Rows, w: &mut Widths) -> Result<()> {
    let kinds: Vec<Kind> = (0..rows.columns.len()).map(|i| kind(rows, i)).collect();
    for (r, row) in rows.rows.iter().enumerate() {
        let r = top + r as u32;
        for (i, cell) in row.iter().enumerate() {
            let c = i as u16;
            if cell.is_empty() {
                continue;
            }
            w.see(c, cell);
            match kinds[i] {
                Kind::Number | Kind::Percent if is_number(cell) => {
                    let v: f64 = cell.parse().expect("a decimal number");
                    let pct = kinds[i] == Kind::Percent;
                    let v = if pct { v / 100.0 } else { v };
                    ws.write_number_with_format(r, c, v, &number_format(decimals(cell), pct))
                        .map_err(xlsx)?;
                }
                Kind::Date => {
                    let d = date(cell).expect("a date column");
                    let f = if cell.len() == 10 {
                        "yyyy-mm-dd"
                    } else {
                        "yyyy-mm-dd hh:mm"
                    };
                    ws.write_datetime_with_format(r, c, &d, &Format::new().set_num_format(f))
                        .map_err(xlsx)?;
                }
                // Wider than a column grows, or of several lines: wrapped, not cut off.
                _ if cell.contains('\n') || cell.width() > MAX_WIDTH - 2 => {
                    ws.write_string_with_format(r, c, cell, &Format::new().set_text_wrap())
                        .map_err(xlsx)?;
                }
                _ => {
                    ws.write_string(r, c, cell).map_err(xlsx)?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_caption_has_both_languages_and_one_key() {
        let mut keys = CAPTIONS.to_vec();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), CAPTIONS.len(), "a caption key appears twice");
        for k in CAPTIONS {
            for lang in Lang::ALL {
                let text = crate::i18n::get(lang, &caption_message(k), &[]);
                assert!(text.is_some_and(|t| !t.is_empty()), "{lang:?}: {k}");
            }
        }
        // Every key the code names is in the list.
        let source = include_str!("workbook.rs");
        for (i, _) in source.match_indices("caption(\"") {
            let key = source[i + "caption(\"".len()..].split('"').next().unwrap();
            assert!(CAPTIONS.contains(&key), "{key} is not in CAPTIONS");
        }
        for name in sheet_names(Lang::Zh).iter().chain(&sheet_names(Lang::En)) {
            assert!(
                name.chars().count() <= 31,
                "{name}: Excel allows 31 characters"
            );
        }
    }

    #[test]
    fn cells_keep_their_decimals_and_dates() {
        assert_eq!(decimals("85.7"), 1);
        assert_eq!(decimals("12"), 0);
        assert!(date("2026-11-03").is_some());
        assert!(date("2026-11-03 09:30").is_some());
        assert!(date("2026-11-3").is_none());
        assert!(date("N-1").is_none());
        let mut r = Rows::new(vec!["opened", "title", "hours"]).numeric(&["hours"]);
        r.push(vec![
            "2026-11-03 09:30".into(),
            "2026-11-03".into(),
            "1.50".into(),
        ]);
        r.push(vec![String::new(), "printer jams".into(), String::new()]);
        assert_eq!(kind(&r, 0), Kind::Date);
        assert_eq!(kind(&r, 1), Kind::Text);
        assert_eq!(kind(&r, 2), Kind::Number);
    }
}
