//! `svcdesk ticket search TEXT`: args to `model::search`, hits rendered.

use svcdesk::Result;
use svcdesk::desk::Desk;
use svcdesk::model::search;
use svcdesk::output::Rows;

use crate::cli::Context;
use crate::cli::output::Format;

pub const HELP: &str = "\
Examples:
  svcdesk ticket search 密封圈                 # every note, reply, report and log entry saying it
  svcdesk ticket search 'driver board' --format csv > hits.csv

Searches, case-blind, every text of every ticket event (titles and descriptions, notes,
diagnoses, replies, reasons, resolutions...), every field-service report and every
customer's communication log, where `ticket list --text` sees only a ticket's current
fields. One line per event, report or log entry that holds the text: the record, the
entry's number (as `ticket show --format csv` and `customer show` count them), when,
by whom, what kind of entry, the field and its text. Tickets come first (by ID, then
history order), then reports, then customers.

CSV and JSON columns: id,entry,at,by,what,field,text (entry is empty for a report).";

#[derive(clap::Args)]
pub struct SearchArgs {
    /// The text to look for (case-blind; a word or part of one).
    #[arg(allow_hyphen_values = true)]
    text: String,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn exec(cx: &mut Context, desk: &Desk, a: SearchArgs) -> Result<u8> {
    let hits = search::search(desk, &a.text)?;
    let out = match a.format {
        Format::Json => rows(&hits).to_json(),
        Format::Csv => rows(&hits).to_csv(),
        Format::Table => {
            let mut rows = rows(&hits);
            for row in &mut rows.rows {
                // A table shows the date and minute; CSV keeps the whole time.
                row[2] = row[2].get(..16).unwrap_or(&row[2]).replace('T', " ");
            }
            rows.to_table(cx.width())
        }
    };
    cx.print(&out)?;
    Ok(0)
}

fn rows(hits: &[search::Hit]) -> Rows {
    let mut rows =
        Rows::new(vec!["id", "entry", "at", "by", "what", "field", "text"]).numeric(&["entry"]);
    for h in hits {
        rows.push(vec![
            h.id.clone(),
            h.entry.map(|n| n.to_string()).unwrap_or_default(),
            h.at.clone(),
            h.by.clone(),
            h.what.clone(),
            h.field.clone(),
            h.text.clone(),
        ]);
    }
    rows
}
