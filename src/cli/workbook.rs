//! `svcdesk workbook`: the month's report as one .xlsx ([`svcdesk::workbook`]); this
//! picks the month and the file, and writes it without clobbering one.

use std::io::Write;
use std::path::{Path, PathBuf};

use svcdesk::time::Month;
use svcdesk::workbook;
use svcdesk::{Error, Result};

use super::Context;
use crate::cli::values::{self, OnDay};

pub const AFTER_HELP: &str = "\
Examples:
  svcdesk workbook --lang zh                    # last month: <desk name>-2026-11.xlsx
  svcdesk workbook 2026-11 -o 2026-11月报.xlsx --lang zh
  svcdesk workbook last -o report.xlsx --force  # replace last month's file

One Excel workbook of a month (default: the month before today's, in the desk's time
zone, what a cron job on the 1st wants) with six sheets:
  月度统计 / Monthly statistics   `stats` for the whole desk, then by category,
                                 department, grade, channel and engineer (one row each,
                                 as `stats --by KEY --format csv`); charts: tickets
                                 opened by category (columns), satisfaction 1-5 (columns)
  受理跟踪反馈表 / Ticket register `ledger tickets --month MONTH`
  技术服务台账 / Service ledger    `ledger service --month MONTH`
  TOP N                          `stats --top N` (高频问题; N is --top, default 10)
  改进措施 / Improvement measures `stats --measures`, then the measures due or done in
                                 the month (the columns of `measure list --format csv`)
  趋势 / Trend                    `stats --trend 12`, with the SLA % of every timer;
                                 charts: SLA % per timer and backlog over 12 months
Every figure is the CSV commands' figure for the same month, as a number (percentages
as Excel percentages, times as Excel dates), so it sums and sorts. Header rows are
frozen; every sheet prints on A4 landscape, fit to the page's width, with the desk's
name and the month in the page header. The desk's `lang` (or --lang zh / SVCDESK_LANG)
names the sheets, captions and header rows in Chinese (the names `--lang zh` gives the
CSV); cells are the same either way.

The path of the file written is printed on stdout. An existing file is never
replaced unless --force (exit 1).";

#[derive(clap::Args)]
pub struct Args {
    /// The month: 2026-11, this or last (default: last, in the desk's time zone).
    #[arg(value_name = "MONTH", value_parser = values::month())]
    month: Option<OnDay<Month>>,
    /// The file to write (default: <desk name>-<MONTH>.xlsx in the current directory).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace the file if it exists.
    #[arg(long)]
    force: bool,
    /// How many entries each TOP list has.
    #[arg(long, value_name = "N", default_value_t = workbook::DEFAULT_TOP as u32,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    top: u32,
}

/// A file name from a desk's name: characters no file system takes become `_`.
fn file_name(desk: &str, month: Month) -> String {
    let safe: String = desk
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let safe = if safe.is_empty() {
        "svcdesk".into()
    } else {
        safe
    };
    format!("{safe}-{month}.xlsx")
}

pub fn exec(cx: &mut Context, a: Args) -> Result<u8> {
    let desk = cx.desk()?;
    let now = cx.time(&desk, None)?;
    let today = desk.local(now).date_naive();
    let month = match &a.month {
        Some(m) => m.on(today, desk.tz())?,
        None => Month::of(today).prev(),
    };
    let shown = a
        .output
        .clone()
        .unwrap_or_else(|| file_name(&desk.config.name, month).into());
    let path = cx.cwd.join(&shown);
    if path.exists() && !a.force {
        return Err(Error::invalid_with_hint(
            format!("{} exists; not replaced", path.display()),
            "pass --force to replace it, or -o another file",
        ));
    }
    let request = workbook::Request {
        month,
        // A workbook is read by people: the desk's language unless --lang says otherwise.
        lang: cx.lang(&desk),
        top: a.top as usize,
        today,
    };
    let bytes = workbook::build(&desk, &request, now)?;
    write(&path, &bytes, a.force)?;
    cx.print(&format!("{}\n", shown.display()))?;
    Ok(0)
}

/// Writes `bytes` whole or not at all (a temporary file beside it, then renamed); without
/// `force`, a file that appeared meanwhile is kept.
fn write(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    // A report for others to read: not the temporary file's owner-only mode.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::Permissions::from_mode(0o644);
        tmp.as_file()
            .set_permissions(mode)
            .map_err(|e| Error::io(tmp.path(), e))?;
    }
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| Error::io(tmp.path(), e))?;
    let kept = if force {
        tmp.persist(path).map(|_| ())
    } else {
        tmp.persist_noclobber(path).map(|_| ())
    };
    kept.map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            Error::invalid_with_hint(
                format!("{} exists; not replaced", path.display()),
                "pass --force to replace it, or -o another file",
            )
        } else {
            Error::io(path, e.error)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe() {
        let m = Month {
            year: 2026,
            month: 11,
        };
        assert_eq!(file_name("华东服务台", m), "华东服务台-2026-11.xlsx");
        assert_eq!(file_name("a/b: c", m), "a_b_ c-2026-11.xlsx");
        assert_eq!(file_name(" ", m), "svcdesk-2026-11.xlsx");
    }
}
