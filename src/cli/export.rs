//! `svcdesk export`: every record of a kind as CSV or JSON. Which rows and columns is
//! the library's ([`svcdesk::ledger::export`]); this reads the desk and writes the file.

use std::path::PathBuf;

use svcdesk::Result;
use svcdesk::config::fields::FieldRecord;
use svcdesk::desk::{Desk, store};
use svcdesk::ledger::columns::FieldColumns;
use svcdesk::ledger::export::{self, At, Kind};
use svcdesk::model::ticket::Ticket;
use svcdesk::model::{customer, report, ticket_store};
use svcdesk::output::sheet;
use svcdesk::output::{self, Rows};

use super::Context;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum What {
    /// One row per ticket, every field (JSON: with the history).
    Tickets,
    /// One row per event of every ticket's history.
    Events,
    /// One row per customer (JSON: with the communication log).
    Customers,
    /// One row per field-service report.
    Reports,
    /// One row per SLA timer run of every ticket: the month's SLA, auditable row by row.
    Timers,
}

impl From<What> for Kind {
    fn from(w: What) -> Kind {
        match w {
            What::Tickets => Kind::Tickets,
            What::Events => Kind::Events,
            What::Customers => Kind::Customers,
            What::Reports => Kind::Reports,
            What::Timers => Kind::Timers,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ExportFormat {
    /// RFC 4180 CSV, UTF-8, a header row.
    #[default]
    Csv,
    /// JSON: an array of full records.
    Json,
}

/// `export --help`: the column lists come from the library's column tables, so the help
/// (and svcdesk-csv(7), made from it) cannot drift from what is written.
pub fn export_help() -> String {
    format!("{HELP_HEAD}{}{HELP_TAIL}", export::columns_help())
}

/// `export --help` before its column lists.
const HELP_HEAD: &str = "\
Examples:
  svcdesk export tickets -o tickets.csv
  svcdesk export customers --excel -o 客户档案.csv      # for Excel
  svcdesk export reports --format json > reports.json
  svcdesk export events --format csv | grep ,escalate,
  svcdesk export timers --excel -o sla.csv            # every SLA timer run, for an audit

Every record of the kind, in ID order (events: by ticket, then in history order).

";

/// `export --help` after its column lists: it goes on from the last timer column.
const HELP_TAIL: &str = ": one row per run of each SLA timer (a reopen or re-assignment
             starts a new run), evaluated now (SVCDESK_NOW). outcome is met, breached,
             missed, n/a, restarted, running, paused or at-risk; decided is when a report
             counts the run (empty while undecided, and for n/a and restarted). A month's
             SLA %: of the rows with decided in the month, met ÷ (met + breached +
             missed), as `svcdesk stats` counts it. remaining_minutes counts wall-clock
             minutes, or working minutes when remaining_unit is `working`.
Custom fields ([fields.NAME] in svcdesk.toml) add a column field:NAME each, in name
order, at the end of tickets, customers and reports (and of both ledgers); --lang zh
heads it with the field's label. `svcdesk import` reads them back, each value checked by
its field's type. events carries an open event's values as NAME=VALUE;... in `fields`.
Times in RFC 3339; lists (tags, links, attachments) joined with ';'.
JSON: the records as stored (tickets with their [[event]] history, customers with their
communication log, reports with hours_on_site).

`svcdesk import customers` reads a customers export back (IDs kept).

--lang zh writes the CSV header row in Chinese (tickets: 工单号,状态,等级,...; customers:
客户编号,客户名称,...; reports: 服务单号,工程师,...; events: 工单号,序号,时间,...);
`svcdesk import` reads either.

--bom starts the CSV with a UTF-8 byte-order mark (so Excel reads Chinese), cells
unchanged. --excel is --bom, and non-numeric cells starting with = + - @ tab or CR get a
leading ' so they are never run as formulas (a ticket title typed into a web form as
=HYPERLINK(...) stays text; numbers such as -1.50 are left alone). Without them the CSV
is raw, for scripts: a phone number +86 21 ... stays as it is. -o writes the file whole
or not at all (a temp file renamed into place), so a cron job never leaves half a file.";

#[derive(clap::Args)]
pub struct ExportArgs {
    #[arg(value_enum)]
    what: What,
    #[arg(long, help = super::SKIP_BAD_HELP)]
    skip_bad: bool,
    #[arg(long, value_enum, default_value_t)]
    format: ExportFormat,
    /// Write to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// CSV for Excel: --bom, and non-numeric cells starting with = + - @ tab or CR get a
    /// leading ' (numbers such as -1.50 are left alone).
    #[arg(long)]
    excel: bool,
    /// CSV: start with a UTF-8 byte-order mark (Excel then reads Chinese); cells unchanged.
    #[arg(long)]
    bom: bool,
}

impl ExportArgs {
    /// `rows` as CSV with this export's --bom, --excel and the header in `lang`.
    fn csv(&self, desk: &Desk, rows: &Rows, lang: sheet::Lang) -> String {
        let opts = super::output::CsvArgs {
            bom: self.bom,
            excel: self.excel,
        }
        .opts(lang);
        let kind = Kind::from(self.what);
        let mut zh = kind.zh();
        if let Some(r) = custom(kind) {
            zh.extend(FieldColumns::of(&desk.config.fields, r).zh());
        }
        sheet::write(rows, opts, &zh)
    }
}

/// The record kind whose custom fields an export's rows carry (one row per record).
fn custom(kind: Kind) -> Option<FieldRecord> {
    match kind {
        Kind::Tickets => Some(FieldRecord::Ticket),
        Kind::Customers => Some(FieldRecord::Customer),
        Kind::Reports => Some(FieldRecord::Report),
        Kind::Events | Kind::Timers => None,
    }
}

/// Tickets, events or timer runs as CSV, each ticket made into its CSV text as it is
/// loaded (on all cores), a chunk of tickets at a time: memory is one chunk's text, and
/// no ticket is held once its lines are made. The header (and BOM) come once, first.
fn stream_csv(cx: &mut Context, desk: &Desk, a: &ExportArgs) -> Result<()> {
    use std::io::Write;
    let kind = Kind::from(a.what);
    let mut file = match &a.output {
        Some(path) => Some(store::AtomicFile::create(&cx.cwd.join(path))?),
        None => None,
    };
    let policy = desk.config.policy()?;
    let at = At {
        policy: &policy,
        tz: desk.tz(),
        now: cx.time(desk, None)?,
    };
    let mut emit = |cx: &mut Context, text: &str| -> Result<()> {
        match file.as_mut() {
            Some(f) => f
                .write_all(text.as_bytes())
                .map_err(|e| svcdesk::Error::io("export file", e)),
            None => cx.print(text),
        }
    };
    let custom = custom(kind).map(|r| FieldColumns::of(&desk.config.fields, r));
    let rows = |chunk: &[Ticket]| {
        let rows = export::ticket_rows(kind, chunk, &at);
        match &custom {
            Some(c) => c.append(rows, chunk, |t| &t.fields),
            None => rows,
        }
    };
    // The header alone, from an empty table.
    emit(cx, &a.csv(desk, &rows(&[]), cx.script_lang()))?;
    let neutralise = a.excel;
    let mut count = 0;
    let bad = ticket_store::scan_chunked(
        desk,
        4096,
        a.skip_bad,
        |t| {
            let rows = rows(std::slice::from_ref(&t));
            Some((rows.rows.len(), csv_rows(&rows, neutralise)))
        },
        |chunk| {
            for (n, text) in chunk {
                count += n;
                emit(cx, &text)?;
            }
            Ok(())
        },
    )
    .map_err(super::offer_skip_bad)?;
    super::skipped(&bad);
    if let (Some(f), Some(path)) = (file, &a.output) {
        f.commit()?;
        let noun = kind.noun();
        eprintln!("{count} {noun} written to {}", cx.cwd.join(path).display());
    }
    Ok(())
}

/// `rows`' lines of CSV without the header, exactly as [`sheet::write`] writes them: for
/// writers that stream, which write the header once and then rows a few at a time.
pub(super) fn csv_rows(rows: &Rows, neutralise: bool) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    for r in &rows.rows {
        if neutralise {
            w.write_record(r.iter().map(|c| sheet::neutralise(c).into_owned()))
        } else {
            w.write_record(r)
        }
        .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("CSV of UTF-8 is UTF-8")
}

/// Every ticket; with `skip_bad`, those that cannot be read are named and left out.
fn load_tickets(desk: &Desk, skip_bad: bool) -> Result<Vec<Ticket>> {
    let (all, bad) = ticket_store::load_where_or_skip(desk, skip_bad, |_| true)
        .map_err(super::offer_skip_bad)?;
    super::skipped(&bad);
    Ok(all)
}

pub fn export(cx: &mut Context, a: ExportArgs) -> Result<u8> {
    let desk = cx.desk()?;
    let kind = Kind::from(a.what);
    let json = a.format == ExportFormat::Json;
    if !json && kind.of_tickets() {
        stream_csv(cx, &desk, &a)?;
        return Ok(0);
    }
    let (text, count) = match kind {
        Kind::Timers => {
            let policy = desk.config.policy()?;
            let at = At {
                policy: &policy,
                tz: desk.tz(),
                now: cx.time(&desk, None)?,
            };
            let runs = export::timer_json(&load_tickets(&desk, a.skip_bad)?, &at);
            (output::json(&runs), runs.len())
        }
        Kind::Tickets => {
            let all = load_tickets(&desk, a.skip_bad)?;
            (output::json(&all), all.len())
        }
        Kind::Events => {
            let events = export::event_json(&load_tickets(&desk, a.skip_bad)?);
            (output::json(&events), events.len())
        }
        Kind::Customers => {
            let all = customer::load_all(&desk)?;
            let text = if json {
                output::json(&all)
            } else {
                let c = FieldColumns::of(&desk.config.fields, FieldRecord::Customer);
                a.csv(
                    &desk,
                    &c.append(export::customer_rows(&all), &all, |x| &x.fields),
                    cx.script_lang(),
                )
            };
            (text, all.len())
        }
        Kind::Reports => {
            let all = report::load_all(&desk)?;
            let text = if json {
                output::json(&export::report_json(&all))
            } else {
                let c = FieldColumns::of(&desk.config.fields, FieldRecord::Report);
                a.csv(
                    &desk,
                    &c.append(export::report_rows(&all), &all, |x| &x.fields),
                    cx.script_lang(),
                )
            };
            (text, all.len())
        }
    };
    match &a.output {
        Some(path) => {
            let path = cx.cwd.join(path);
            store::write_atomic(&path, text.as_bytes())?;
            eprintln!("{count} {} written to {}", kind.noun(), path.display());
        }
        None => cx.print(&text)?,
    }
    Ok(0)
}
