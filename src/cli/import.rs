//! `svcdesk import customers|tickets`: a spreadsheet into the desk, every row checked
//! first ([`svcdesk::ledger::import`]); this reads the file and reports row by row.

use std::path::PathBuf;

use svcdesk::desk::Kind;
use svcdesk::ledger::import;
use svcdesk::model::customer;
use svcdesk::{Error, Result};

use super::{Context, EXIT_FAILURE, warn};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportWhat {
    /// A customer sheet (客户档案).
    Customers,
    /// A ticket sheet with the columns of `export tickets` (English or Chinese headers);
    /// each row's history is rebuilt so that it replays to exactly the row.
    Tickets,
}

pub const IMPORT_HELP: &str = "\
Examples:
  svcdesk import customers legacy.csv --dry-run      # check everything, write nothing
  svcdesk import customers legacy.csv
  svcdesk import customers legacy.csv --skip-bad     # import the good rows, list the rest
  svcdesk import customers 客户档案.xlsx --sheet 客户   # a sheet of a workbook

The file is CSV, UTF-8 (a BOM, as Excel writes, is fine), or a spreadsheet, told by its
name: .xlsx, .xlsm, .xlsb, .xls or .ods, of which the first sheet is read (--sheet NAME
for another); its first non-empty row is the header, rows with no cell are skipped,
dates and times read as YYYY-MM-DD and YYYY-MM-DD HH:MM (desk time), numbers as typed
(13900002222, not 1.39E+10). Either way there is a header row naming the columns, in
any order: name,contact,phone,email,industry,source,address,tags,notes.
Only name is required; tags are separated by ';'. Chinese headers of the paper form are
understood too: the names `export customers --lang zh` writes (客户编号,客户名称,联系人,
联系电话,邮箱,所属行业,客户来源,推荐人,标签,登记时间,沟通记录数,地址,备注) and
名称,电话,手机,电子邮件,行业,来源,编号. --map 'HEADER=FIELD' (repeatable) reads any
other header as one of the fields (name,contact,phone,email,industry,source,address,
tags,notes,id,referred_by,created,log_entries), e.g. --map '单位名称=name' --map
'手机=phone'; a FIELD not in that list, or a HEADER the file does not have, is an error.
A column that is none of these is an error naming it.

A file from `svcdesk export customers` imports as it is: its id column keeps the IDs
(so tickets naming them still find them), created keeps the registration time,
referred_by must name a customer of the desk or of the file, and log_entries is only
counted (the communication log is not in CSV). A cell that --excel quoted ('=...) is
read without the quote.

Every row is checked (a name; a phone has digits; an e-mail has a domain; IDs and times
readable) and every problem is reported as FILE:LINE (the line the row starts on; the
header is line 1), or for a spreadsheet FILE:SHEET:ROW (the row number Excel shows).
If any row is bad, nothing is written, unless --skip-bad: then the good rows are added
and the bad ones listed. A row with the same name or phone as an
existing customer or an earlier row is a duplicate: reported and skipped, unless
--force (never when its ID exists). The IDs added are printed on stdout, one a line;
the summary goes to stderr.

import tickets reads the columns `export tickets` writes (English or --lang zh headers;
customer, category and opened are required) and rebuilds each row's history: open and
routing at `opened`, accept/respond/resolve/close at their times, and the steps the row
implies (diagnosis, plan, compensation, one resolve+reopen pair per `reopened`, waiting)
as events marked \"imported\". A row no history can give (closed but never resolved, a
customer the desk lacks, times out of order) is bad, named by FILE:LINE (or
FILE:SHEET:ROW). So a desk's export, imported into a new desk with the same config and
customers, exports again byte for byte:
  svcdesk -C old export tickets -o t.csv && svcdesk -C new import tickets t.csv
Attached files the rows name as attachments/… (where `export` puts a desk's stored
files) are copied into the new desk from --attachments-from DIR, the old desk (default:
the CSV file's folder); one not found there stays a recorded path, with a warning.

All or nothing: an import (customers or tickets) adds every good row or none. The new
files are written to .svcdesk/import-<run>/ and made durable; then a journal listing
where each goes is sealed, and only then are they moved into place, all under the desk
lock. If the import is killed or the machine stops midway, the next svcdesk command
(any command, `svcdesk check` included) finishes it: with the journal sealed it moves
the rest into place (roll forward, the whole import added), without it it deletes the
staging folder (roll back, nothing added). Either way it says so on stderr. Should a
record have appeared meanwhile where the import was to put one (written by something
that ignores the lock, e.g. a git pull), that file is never overwritten: the import's
copy is kept in .svcdesk/conflict-import-<run>/ and the command says so.";

#[derive(clap::Args)]
pub struct ImportArgs {
    #[arg(value_enum)]
    what: ImportWhat,
    /// The file: CSV ("-" for standard input), or a spreadsheet (.xlsx .xlsm .xlsb .xls .ods).
    file: PathBuf,
    /// The sheet of a spreadsheet to read (default: the first).
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    /// Check every row and report what would be added; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Add rows that look like an existing customer or an earlier row.
    #[arg(long)]
    force: bool,
    /// Add the good rows even if some are bad (the bad ones are listed).
    #[arg(long)]
    skip_bad: bool,
    /// Read the file's column HEADER as FIELD (repeatable), for sheets with other
    /// headers: --map '单位名称=name' --map '手机=phone'.
    #[arg(long, value_name = "HEADER=FIELD")]
    map: Vec<String>,
    /// import tickets: the desk the sheet was exported from, whose attachments/ files
    /// the rows name are copied into this desk [default: the CSV file's folder].
    #[arg(long, value_name = "DIR")]
    attachments_from: Option<PathBuf>,
}

/// All or nothing: with a bad row, nothing is written unless --skip-bad. Says so and
/// returns true when the import stops here.
fn refused(a: &ImportArgs, bad: usize, adding: usize) -> bool {
    if bad == 0 || a.skip_bad {
        return false;
    }
    eprintln!(
        "{}nothing written: {bad} bad row(s); fix them, or pass --skip-bad to add the {adding} good one(s)",
        if a.dry_run { "dry run: " } else { "" },
    );
    true
}

/// Where a row is, as problems name it: FILE:LINE for CSV, FILE:SHEET:ROW for a sheet.
struct Source {
    label: String,
    sheet: Option<svcdesk::ledger::spreadsheet::Sheet>,
}

impl Source {
    fn at(&self, line: u64) -> String {
        match &self.sheet {
            Some(s) => format!("{}:{}", self.label, s.row_of(line)),
            None => format!("{}:{line}", self.label),
        }
    }
}

/// The IDs added, one a line on stdout, for scripts.
fn print_ids(cx: &mut Context, ids: &[impl std::fmt::Display]) -> Result<()> {
    let out: String = ids.iter().map(|id| format!("{id}\n")).collect();
    cx.print(&out)
}

/// `import tickets`: every row checked (its history rebuilt and replayed) before any is
/// written; rows whose ID the desk has are skipped.
fn import_tickets(
    cx: &mut Context,
    desk: &svcdesk::desk::Desk,
    a: &ImportArgs,
    src: &Source,
    text: &str,
) -> Result<u8> {
    use svcdesk::ledger::import::tickets;
    if !a.map.is_empty() || a.force {
        return Err(Error::invalid(
            "--map and --force apply to `import customers` only",
        ));
    }
    // (--attachments-from is read by tickets only; customers carry no files.)
    let _lock = if a.dry_run { None } else { Some(desk.lock()?) };
    let customers: std::collections::HashSet<String> =
        desk.ids(Kind::Customer)?.into_iter().collect();
    let existing: std::collections::HashSet<String> = desk.ids(Kind::Ticket)?.into_iter().collect();
    let mut plan = tickets::plan(
        text,
        &src.label,
        desk.tz(),
        &existing,
        &customers,
        &desk.config.fields,
    )?;
    tickets::check_causes(&mut plan, &desk.config);
    let from = match (&a.attachments_from, a.file.as_os_str() == "-") {
        (Some(dir), _) => Some(cx.cwd.join(dir)),
        (None, false) => cx.cwd.join(&a.file).parent().map(PathBuf::from),
        (None, true) => None,
    };
    if let Some(from) = from {
        let max = desk.config.attachments.max_size();
        for (line, path) in tickets::attach_from(&mut plan, &from, max) {
            eprintln!(
                "warning: {}: attachment {path} is not in {}; recorded as a path only",
                src.at(line),
                from.display()
            );
        }
    }
    for (line, message) in &plan.bad {
        eprintln!("error: {}: {message}", src.at(*line));
    }
    for (line, id) in &plan.existing {
        eprintln!("skipped: {}: {id} is already in the desk", src.at(*line));
    }
    let (adding, skipped) = (plan.tickets.len(), plan.existing.len());
    if refused(a, plan.bad.len(), adding) {
        return Ok(EXIT_FAILURE);
    }
    if a.dry_run {
        eprintln!(
            "dry run: would add {adding} ticket(s), skip {skipped} already present; nothing written"
        );
        return Ok(0);
    }
    print_ids(cx, &tickets::write(desk, &plan)?)?;
    eprintln!("added {adding} ticket(s), skipped {skipped} already present");
    Ok(0)
}

pub fn import(cx: &mut Context, a: ImportArgs) -> Result<u8> {
    let desk = cx.desk()?;
    if !a.dry_run {
        cx.wrote(&desk);
    }
    let by = cx.actor(&desk)?;
    let now = cx.time(&desk, None)?;
    let label = a.file.display().to_string();
    let spreadsheet =
        a.file.as_os_str() != "-" && svcdesk::ledger::spreadsheet::is_spreadsheet(&a.file);
    if a.sheet.is_some() && !spreadsheet {
        return Err(Error::usage(
            format!("--sheet: {label} is not a spreadsheet"),
            "--sheet picks a sheet of an .xlsx, .xlsm, .xlsb, .xls or .ods file",
        ));
    }
    let bytes = if a.file.as_os_str() == "-" {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut b)
            .map_err(|e| Error::io("<stdin>", e))?;
        b
    } else {
        let path = cx.cwd.join(&a.file);
        std::fs::read(&path).map_err(|e| Error::io(&path, e))?
    };
    let (src, text) = if spreadsheet {
        let sheet = svcdesk::ledger::spreadsheet::read(bytes, &label, a.sheet.as_deref())?;
        let label = format!("{label}:{}", sheet.name);
        let text = sheet.csv.clone();
        (
            Source {
                label,
                sheet: Some(sheet),
            },
            text,
        )
    } else {
        let text = csv_text(bytes, &label)?;
        (Source { label, sheet: None }, text)
    };
    let label = &src.label;
    if a.what == ImportWhat::Tickets {
        return import_tickets(cx, &desk, &a, &src, &text);
    }
    // Hold the lock from reading the customers to writing the new ones, so no customer
    // added meanwhile escapes the duplicate check.
    let _lock = if a.dry_run { None } else { Some(desk.lock()?) };
    let existing = customer::load_all(&desk)?;
    let map = a
        .map
        .iter()
        .map(|m| import::parse_map(m, &import::customer_fields()))
        .collect::<Result<Vec<_>>>()?;
    let plan = import::plan_customers_mapped(
        &text,
        label,
        &existing,
        desk.tz(),
        a.force,
        &map,
        &desk.config.fields,
    )?;

    let bad: Vec<(u64, &str)> = plan.bad().collect();
    for (line, message) in &bad {
        eprintln!("error: {}: {message}", src.at(*line));
    }
    for d in plan.duplicates() {
        eprintln!(
            "skipped: {}: \"{}\" looks like {} (--force adds it anyway)",
            src.at(d.line),
            d.name(),
            d.duplicate_of.join(", ")
        );
    }
    for d in plan.to_add().filter(|d| !d.duplicate_of.is_empty()) {
        warn(&format!(
            "{}: \"{}\" added although it looks like {}",
            src.at(d.line),
            d.name(),
            d.duplicate_of.join(", ")
        ));
    }
    let adding = plan.to_add().count();
    let dups = plan.duplicates().count();
    if refused(&a, bad.len(), adding) {
        return Ok(EXIT_FAILURE);
    }
    let logs: usize = plan.to_add().filter(|r| r.log_entries > 0).count();
    if logs > 0 {
        warn(&format!(
            "{logs} customer(s) have communication-log entries in the file's desk; CSV does \
             not carry the log (copy their files, or see `export customers --format json`)"
        ));
    }
    let skipped_bad = if bad.is_empty() {
        String::new()
    } else {
        format!(", {} bad row(s) skipped", bad.len())
    };
    if a.dry_run {
        eprintln!(
            "dry run: would add {adding} customer(s), skip {dups} duplicate(s){skipped_bad}; nothing written"
        );
        return Ok(0);
    }
    let added = import::write(&desk, &plan, &by, now)?;
    print_ids(cx, &added)?;
    eprintln!(
        "added {} customer(s), skipped {dups} duplicate(s){skipped_bad}",
        added.len()
    );
    Ok(0)
}

/// A CSV file's text: UTF-8, or an error saying how to make it so.
fn csv_text(bytes: Vec<u8>, label: &str) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        Error::invalid_with_hint(
            format!(
                "{label}: not UTF-8 (byte {} is not); a sheet saved as GBK/ANSI?",
                e.utf8_error().valid_up_to()
            ),
            "in Excel save as \"CSV UTF-8\"; or convert: iconv -f GBK -t UTF-8 FILE > FILE.utf8.csv",
        )
    })
}
