//! Spreadsheets in: one sheet of an .xlsx, .xlsm, .xlsb, .xls or .ods file as the CSV
//! text the importers read (so a sheet gets exactly the row checks a CSV file gets), with
//! the sheet's own row number for every CSV line, so problems are named FILE:SHEET:ROW.
//!
//! Cells become the text a CSV export would hold: numbers without a spurious `.0`
//! (a phone number typed as a number stays `13900002222`), dates as `YYYY-MM-DD` and
//! times as `YYYY-MM-DD HH:MM` (desk time, as the ledgers write them), booleans as
//! `true`/`false`, an Excel error as its text (`#N/A`). Rows with no cell at all are left
//! out. Pure: bytes in, text out.

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};

use crate::{Error, Result};

/// File name endings read as spreadsheets (case does not matter); anything else is CSV.
pub const EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xlsb", "xls", "ods"];

/// Is `path` a spreadsheet by its name?
pub fn is_spreadsheet(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// One sheet, as CSV.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The sheet's name.
    pub name: String,
    /// The sheet as CSV text, its first non-empty row as the header (line 1).
    pub csv: String,
    /// (CSV line a record starts on, the sheet's row number), in order.
    lines: Vec<(u64, u64)>,
}

impl Sheet {
    /// The sheet's row number (as Excel shows it) of the record starting on CSV `line`.
    pub fn row_of(&self, line: u64) -> u64 {
        self.lines
            .iter()
            .find(|(l, _)| *l == line)
            .map_or(line, |(_, r)| *r)
    }
}

/// The sheet `name` of the file `bytes` (default: the first sheet). `file` names the file
/// in errors.
pub fn read(bytes: Vec<u8>, file: &str, name: Option<&str>) -> Result<Sheet> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        Error::invalid_with_hint(
            format!("{file}: cannot read the spreadsheet: {e}"),
            "an .xlsx, .xlsm, .xlsb, .xls or .ods file; other files are read as CSV (UTF-8)",
        )
    })?;
    let names = book.sheet_names();
    let name = match name {
        Some(n) => names
            .iter()
            .find(|s| s.as_str() == n)
            .or_else(|| {
                names
                    .iter()
                    .find(|s| s.trim().eq_ignore_ascii_case(n.trim()))
            })
            .cloned()
            .ok_or_else(|| {
                Error::invalid_with_hint(
                    format!("{file}: no sheet \"{n}\""),
                    format!("its sheets: {}", names.join(", ")),
                )
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Error::invalid(format!("{file}: the workbook has no sheet")))?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| Error::invalid(format!("{file}:{name}: cannot read the sheet: {e}")))?;
    let first_row = range.start().map_or(0, |(r, _)| r as u64);
    let mut csv = String::new();
    let mut lines = Vec::new();
    let mut line = 1u64;
    for (i, row) in range.rows().enumerate() {
        if row.iter().all(|c| text(c).is_empty()) {
            continue;
        }
        let mut w = ::csv::Writer::from_writer(Vec::new());
        w.write_record(row.iter().map(text))
            .expect("writing to memory");
        let record = String::from_utf8(w.into_inner().expect("writing to memory"))
            .expect("CSV of UTF-8 is UTF-8");
        lines.push((line, first_row + i as u64 + 1));
        line += record.matches('\n').count() as u64;
        csv.push_str(&record);
    }
    Ok(Sheet { name, csv, lines })
}

/// A cell as the text a CSV file would hold.
fn text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) if d.is_datetime() => match d.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.format("%Y-%m-%d").to_string(),
            Some(t) if t.and_utc().timestamp() % 60 == 0 => t.format("%Y-%m-%d %H:%M").to_string(),
            Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => d.as_f64().to_string(),
        },
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_csv_writes_them() {
        assert_eq!(text(&Data::Float(13900002222.0)), "13900002222");
        assert_eq!(text(&Data::Float(1.5)), "1.5");
        assert_eq!(text(&Data::Int(-3)), "-3");
        assert_eq!(text(&Data::String("王五".into())), "王五");
        assert!(is_spreadsheet(std::path::Path::new("a/客户.XLSX")));
        assert!(is_spreadsheet(std::path::Path::new("b.ods")));
        assert!(!is_spreadsheet(std::path::Path::new("c.csv")));
    }

    #[test]
    fn row_numbers_survive_blank_rows_and_line_breaks() {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("客户").unwrap();
        ws.write_string(1, 1, "名称").unwrap(); // a sheet may start at B2
        ws.write_string(1, 2, "登记时间").unwrap();
        ws.write_string(2, 1, "甲\n乙").unwrap();
        let t = ExcelDateTime::from_ymd(2026, 11, 3)
            .unwrap()
            .and_hms(9, 30, 0)
            .unwrap();
        ws.write_datetime_with_format(2, 2, &t, &Format::new().set_num_format("yyyy-mm-dd hh:mm"))
            .unwrap();
        ws.write_number(4, 1, 13900002222.0).unwrap(); // row 4 left blank
        let bytes = wb.save_to_buffer().unwrap();
        let s = read(bytes.clone(), "c.xlsx", None).unwrap();
        assert_eq!(s.name, "客户");
        assert_eq!(
            s.csv,
            "名称,登记时间\n\"甲\n乙\",2026-11-03 09:30\n13900002222,\n"
        );
        assert_eq!((s.row_of(1), s.row_of(2), s.row_of(4)), (2, 3, 5));
        let e = read(bytes, "c.xlsx", Some("Sheet9")).unwrap_err();
        assert!(e.to_string().contains("no sheet \"Sheet9\""), "{e}");
    }
}
