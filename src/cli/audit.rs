use svcdesk::Result;
use svcdesk::git::audit::{self, Audit, Options};
use svcdesk::output::{self, Rows};

use super::output::Format;

use super::{Context, EXIT_FAILURE, warn};

pub const AUDIT_HELP: &str = "\
Reads the git history of tickets/ once and finds, for every event, the commit that
introduced it. Reports:
  unknown-author  the commit's author email is no [[staff]] member's `email`
  identity        the event names someone else than the commit's author: `entered_by`
                  when present (work entered with --as on someone's behalf), else `by`
                  (steps by `svcdesk` itself, from `sla check`, may be committed by any
                  staff member, e.g. the cron job's own staff entry)
  role            the step needs a role the commit's author does not hold (comp review:
                  finance; comp approve: gm; comp reject: gm or finance; accepting a ticket
                  assigned to someone else: supervisor, head, manager or admin)
  signature       with `[git] signed_approvals = true`: a role-restricted step whose
                  commit has no good signature by a staff member holding the role
  uncommitted     only with --uncommitted: an event in the work tree that no commit holds

Staff and roles are those of the current svcdesk.toml. A history brought in by
`svcdesk import tickets` names the spreadsheet's people, so its events are reported as
committed by the importer. Git authorship alone is
self-declared (anyone can set user.email); only signatures, checked against the keys this
clone trusts (gpg.ssh.allowedSignersFile for ssh keys), prove who approved. Events never
committed are not reported unless --uncommitted is given.

Prints nothing and exits 0 when every event is vouched for; otherwise one line per finding
(file:line: commit author: message) and exit 1. `svcdesk check --audit` runs it too.

CSV columns:
  file,line,commit,author,at,by,entered_by,action,problem,message

Examples:
  svcdesk audit
  svcdesk audit --format csv > audit.csv
  svcdesk audit --uncommitted          # also events not committed yet
  svcdesk check --audit                # in CI: records consistent and every event vouched for";

/// Check every event in git against the commit (and signature) that introduced it.
#[derive(clap::Args)]
#[command(after_help = AUDIT_HELP)]
pub struct Args {
    /// Also report events in the work tree that no commit holds yet.
    #[arg(long)]
    uncommitted: bool,
    /// Output format for the findings.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn exec(cx: &mut Context, a: Args) -> Result<u8> {
    let desk = cx.desk()?;
    let report = audit::audit(
        &desk,
        Options {
            uncommitted: a.uncommitted,
        },
    )?;
    render(cx, &report, a.format)?;
    Ok(if report.findings.is_empty() {
        0
    } else {
        EXIT_FAILURE
    })
}

/// The findings as a table (one line each), CSV or JSON; warnings and a count on stderr.
pub fn render(cx: &mut Context, report: &Audit, format: Format) -> Result<()> {
    for w in &report.warnings {
        warn(w);
    }
    match format {
        Format::Table => {
            let text: String = report
                .findings
                .iter()
                .map(|f| {
                    let line = f.line.map(|n| format!(":{n}")).unwrap_or_default();
                    format!(
                        "{}{line}: {} at {}: {}: {}\n",
                        f.file,
                        f.step_text(),
                        f.at,
                        f.commit_text(),
                        f.message
                    )
                })
                .collect();
            cx.print(&text)?;
            if !report.findings.is_empty() {
                eprintln!(
                    "{} finding(s) in {} event(s) from {} commit(s)",
                    report.findings.len(),
                    report.events,
                    report.commits
                );
            }
        }
        Format::Csv => {
            let mut rows = Rows::new(vec![
                "file",
                "line",
                "commit",
                "author",
                "at",
                "by",
                "entered_by",
                "action",
                "problem",
                "message",
            ]);
            let s = |v: &Option<String>| v.clone().unwrap_or_default();
            for f in &report.findings {
                rows.push(vec![
                    f.file.clone(),
                    f.line.map(|n| n.to_string()).unwrap_or_default(),
                    s(&f.commit),
                    s(&f.author),
                    f.at.clone(),
                    f.by.clone(),
                    s(&f.entered_by),
                    f.action.clone(),
                    f.problem.as_str().to_string(),
                    f.message.clone(),
                ]);
            }
            cx.print(&rows.to_csv())?;
        }
        Format::Json => cx.print(&output::json(&report.findings))?,
    }
    Ok(())
}
