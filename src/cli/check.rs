use svcdesk::Result;
use svcdesk::output::{self, Rows};

use super::output::Format;

use super::{Context, EXIT_FAILURE};

/// Read every record and report each fault: file:line:column, schema, fields, IDs, references.
#[derive(clap::Args)]
#[command(
    after_help = "Prints nothing and exits 0 when the desk is clean; otherwise one line per
problem (path:line:column: message) and exit 1. Suitable for a git pre-commit hook
(`svcdesk git setup --hook` installs one). --audit also runs `svcdesk audit` and reports
each event its commit does not vouch for as a problem at the event's line (see
`svcdesk audit --help`).

Every attached file (`--attach`) is read: one missing from attachments/ or whose bytes
no longer have the SHA-256 its record holds is a problem naming the record, the event
(or log entry) and the file.

Warnings go to stderr as `warning: ...` lines and leave the exit code alone. There are
three: [calendar] lists holidays for some years but not for a year that a working-time
deadline (bh, wd) of an open ticket, or today, falls in, so that year's public holidays
count as working days (add the year's holidays and make-up days to svcdesk.toml); a
file under attachments/ that no record names, as a command killed between copying a file
and writing its record leaves (delete it if nothing needs it); and a customer's tier
contract (`customer edit --tier-until`) that ends within 30 days, or a customer's tier
that [sla.tiers] no longer has (`sla check` warns of these too).

Examples:
  svcdesk check
  svcdesk -C /srv/desks/east check --format json
  svcdesk check || exit 1                  # in a hook or CI script
  svcdesk check --audit                    # in CI: and every event vouched for by its commit"
)]
pub struct Args {
    /// Output format for the problem list.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Also audit the git history: every event against the commit that introduced it.
    #[arg(long)]
    audit: bool,
}

pub fn exec(cx: &mut Context, a: Args) -> Result<u8> {
    let desk = cx.desk()?;
    let now = cx.time(&desk, None)?;
    let mut report = svcdesk::check::check(&desk, now)?;
    report
        .problems
        .extend(svcdesk::git::driver::conflict_problems(&desk.root));
    if a.audit {
        let audit = svcdesk::git::audit::audit(&desk, Default::default())?;
        for w in &audit.warnings {
            super::warn(w);
        }
        report
            .problems
            .extend(audit.findings.iter().map(|f| f.as_problem()));
    }
    report.problems.sort();
    if let Some(w) = svcdesk::git::driver::problem(&desk.root) {
        super::warn(&w);
    }
    // Warnings go to stderr in every format, so the problem list on stdout stays as it was
    // and a clean desk with a warning still exits 0.
    for w in &report.warnings {
        super::warn(w);
    }
    for t in &report.tidied {
        super::warn(&format!(
            "removed {}, left by an interrupted write",
            t.display()
        ));
    }
    let mut rows = Rows::new(vec!["path", "line", "column", "message"]);
    for p in &report.problems {
        let n = |v: Option<usize>| v.map(|n| n.to_string()).unwrap_or_default();
        rows.push(vec![
            p.path.display().to_string(),
            n(p.line),
            n(p.column),
            p.message.clone(),
        ]);
    }
    match a.format {
        Format::Table => {
            let text: String = report.problems.iter().map(|p| format!("{p}\n")).collect();
            cx.print(&text)?;
            if !report.problems.is_empty() {
                eprintln!(
                    "{} problem(s) in {} file(s) checked",
                    report.problems.len(),
                    report.files
                );
            }
        }
        Format::Csv => cx.print(&rows.to_csv())?,
        Format::Json => cx.print(&output::json(&report.problems))?,
    }
    Ok(if report.problems.is_empty() {
        0
    } else {
        EXIT_FAILURE
    })
}
