//! Cells for spreadsheets: fixed decimals computed exactly (integer arithmetic, rounded
//! half up, so a figure worked out by hand is the figure printed), and CSV made safe for
//! Excel.
//!
//! # `--excel`
//!
//! Plain CSV is raw RFC 4180 UTF-8, what scripts want: a phone number `+86 21 5555 0101`
//! stays as it is. `--excel` makes the file for a spreadsheet instead:
//! - a UTF-8 byte-order mark first, without which Excel reads Chinese as mojibake;
//! - every cell that a spreadsheet would run as a formula — one starting with `=`, `+`,
//!   `-`, `@`, a tab or a carriage return — gets a leading `'` (OWASP's advice against
//!   CSV injection), so a ticket title typed into a web form as `=HYPERLINK(...)` is
//!   text, not a link that runs. `import` takes such a quote off again.

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

/// A cell a spreadsheet would run as a formula, with a `'` in front; others as they are.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(c) if formula_start(c) => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// The inverse of [`neutralise`], for reading back a sheet written with `--excel`.
pub fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.chars().next().is_some_and(formula_start) => rest,
        _ => cell,
    }
}

/// CSV text for scripts (`excel` false) or for a spreadsheet (BOM, formulas neutralised).
pub fn csv(rows: &Rows, excel: bool) -> String {
    if !excel {
        return rows.to_csv();
    }
    let mut safe = Rows::new(rows.columns.clone());
    for r in &rows.rows {
        safe.push(r.iter().map(|c| neutralise(c).into_owned()).collect());
    }
    format!("{BOM}{}", safe.to_csv())
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
        r.push(vec!["\tx".into(), "plain = text".into()]);
        assert_eq!(
            csv(&r, false),
            "a,b\n=1+2,+86 21 5555\n-5,@SUM(A1)\n\tx,plain = text\n"
        );
        assert_eq!(
            csv(&r, true),
            "\u{feff}a,b\n'=1+2,'+86 21 5555\n'-5,'@SUM(A1)\n'\tx,plain = text\n"
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
