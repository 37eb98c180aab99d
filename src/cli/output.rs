//! The output options many commands share: `--format`, and the CSV options `--bom`,
//! `--excel` (the header's language is the global `--lang`). Clap's view of them; the library takes [`sheet::CsvOpts`].

use svcdesk::output::sheet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Aligned table for a terminal (column widths follow the terminal's).
    #[default]
    Table,
    /// RFC 4180 CSV with a header row; columns are fixed and documented.
    Csv,
    /// JSON: an array of full records (listings) or one record (show).
    Json,
}

/// The CSV options every CSV-producing command takes (`#[command(flatten)]`).
#[derive(clap::Args, Debug, Clone, Copy, Default)]
pub struct CsvArgs {
    /// CSV: start with a UTF-8 byte-order mark (Excel then reads Chinese); cells unchanged.
    #[arg(long)]
    pub bom: bool,
    /// CSV for Excel: --bom, and non-numeric cells starting with = + - @ tab or CR get a
    /// leading ' (numbers such as -35 or -1.50 are left alone).
    #[arg(long)]
    pub excel: bool,
}

impl CsvArgs {
    /// The options with the header row in `lang` (the global --lang: en, the column
    /// names, unless given; zh, the paper forms' names).
    pub fn opts(&self, lang: sheet::Lang) -> sheet::CsvOpts {
        sheet::CsvOpts {
            bom: self.bom || self.excel,
            neutralise: self.excel,
            lang,
        }
    }
}

/// Attached files as `show` lists them, one line each: name, size, path in the desk
/// (`rows` of `[name, size, path]`); empty when there are none.
pub fn attachments(rows: &[[String; 3]]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let w = |i: usize| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0);
    let (w0, w1) = (w(0), w(1));
    let mut out = String::from("\nAttachments:\n");
    for [name, size, path] in rows {
        out.push_str(&format!("  {name:w0$}  {size:>w1$}  {path}\n"));
    }
    out
}

/// A stored file's row for [`attachments`].
pub fn attachment_row(f: &svcdesk::desk::attachments::Attachment) -> [String; 3] {
    let size = svcdesk::desk::attachments::human_size(f.size);
    [f.name.clone(), size, f.path()]
}

/// `Fields:` and each custom value under its label; empty when the record has none.
pub fn custom_fields(
    desk: &svcdesk::desk::Desk,
    r: svcdesk::config::fields::FieldRecord,
    values: &svcdesk::config::fields::Values,
    lang: svcdesk::i18n::Lang,
) -> String {
    let pairs = svcdesk::config::fields::labelled(&desk.config.fields, r, values);
    if pairs.is_empty() {
        return String::new();
    }
    let pairs: Vec<(&str, String)> = pairs.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let mut out = format!("\n{}:\n", svcdesk::i18n::tr(lang, "show-fields"));
    for l in svcdesk::output::fields(&pairs).lines() {
        out.push_str(&format!("  {l}\n"));
    }
    out
}
