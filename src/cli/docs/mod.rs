//! Shell completions and man pages, both generated from the clap definitions so they can
//! never disagree with `--help`.

use std::path::PathBuf;

use clap::CommandFactory;
use svcdesk::{Error, Result};

use self::page::*;
use self::roff::*;
use super::{Cli, Context};

mod page;
mod roff;

#[derive(clap::Args)]
#[command(after_help = "Examples:
  svcdesk completions bash > ~/.local/share/bash-completion/completions/svcdesk
  svcdesk completions zsh  > ~/.zfunc/_svcdesk        # with fpath+=(~/.zfunc)
  svcdesk completions fish > ~/.config/fish/completions/svcdesk.fish
  svcdesk completions powershell >> $PROFILE

In bash, zsh and fish, categories, departments, staff and record IDs complete from the
desk itself (its svcdesk.toml and its files), through the hidden `svcdesk __complete`.")]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(clap::Args)]
pub struct ManArgs {
    /// Directory to write the pages into (created if missing).
    #[arg(default_value = "man")]
    dir: PathBuf,
}

pub fn completions(cx: &mut Context, a: CompletionsArgs) -> Result<u8> {
    let mut cmd = visible(Cli::command());
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "svcdesk", &mut buf);
    let mut script = String::from_utf8_lossy(&buf).into_owned();
    match a.shell {
        clap_complete::Shell::Bash => script.push_str(&super::complete::bash_wrapper(&cmd)),
        clap_complete::Shell::Zsh => script = super::complete::zsh_wrapper(&cmd, &script),
        clap_complete::Shell::Fish => script = super::complete::fish_values(&cmd, &script),
        _ => {}
    }
    cx.print(&script)?;
    Ok(0)
}

/// The command tree without its hidden commands (`man`, `merge-driver`, `__complete`):
/// clap_complete offers hidden subcommands (and `help` for them), so they are left out
/// of the tree it sees rather than filtered from each shell's script.
fn visible(cmd: clap::Command) -> clap::Command {
    let mut out = clap::Command::new("svcdesk")
        .version(env!("CARGO_PKG_VERSION"))
        .args(cmd.get_arguments().cloned());
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        out = out.subcommand(sub.clone());
    }
    out.build();
    out
}

/// Writes svcdesk.1 and one page per command (svcdesk-ticket-open.1, ...), and the
/// hand-written pages svcdesk-config.5, svcdesk-states.7 and svcdesk-sla.7, all from the
/// same constants `--help` shows.
pub fn man(cx: &mut Context, a: ManArgs) -> Result<u8> {
    let dir = cx.cwd.join(&a.dir);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    // clap shows an environment variable's current value in help; the checked-in pages
    // must not depend on who generated them.
    for var in ["SVCDESK_DIR", "SVCDESK_USER"] {
        // SAFETY: single-threaded here; nothing else reads the environment concurrently.
        unsafe { std::env::remove_var(var) };
    }
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut all = Vec::new();
    command_pages(&cmd, &["svcdesk"], &mut all);
    all.extend(pages(cmd).into_iter().map(|(f, t)| (f.to_string(), t)));
    for (file, text) in all {
        let path = dir.join(file);
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    }
    eprintln!("man pages written to {}", dir.display());
    Ok(0)
}

/// The date on every page: when the pages last changed in substance. A fixed date (not
/// today's) keeps regenerated pages identical; bump it with the version.
pub(super) const MAN_DATE: &str = "2026-11-28";
pub(super) const MANUAL: &str = "svcdesk manual";

/// One page per visible subcommand, at any depth: (file name, roff text).
fn command_pages(cmd: &clap::Command, path: &[&str], out: &mut Vec<(String, String)>) {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let mut p = path.to_vec();
        p.push(sub.get_name());
        command_pages(sub, &p, out);
        out.push((format!("{}.1", p.join("-")), command_page(sub, &p, &[])));
    }
}

/// The desk on disk; the config reference follows it in svcdesk-config(5). Preformatted
/// lines stay within 71 columns, so that a page shown on 80 columns keeps them whole.
const LAYOUT: &str = "\
svcdesk.toml
    the configuration, see svcdesk-config(5)
customers/C20261124-K7Q2XM.toml
    one file per customer
tickets/2026/11/T20261124-9XWM3A.toml
    one file per ticket: current fields, then its [[event]] history
reports/2026/11/R20261124-4D8P1Q.toml
    one file per field-service report
measures/2026/11/M20261124-Q3F7AB.toml
    one file per improvement measure: fields, then [[event]] history
intel/2026/12/I20261202-7KQ2XM.toml
    one 旬报 item (sales intelligence): fields, then [[event]] history
worklog/wang.toml
    an engineer's work log, one [[entry]] per piece of work
attachments/58/91b5b522….jpg
    files given with --attach, stored once each, named by the
    SHA-256 of their bytes; the record names them (files = [...])
    and `svcdesk check` verifies them; binary to git
.svcdesk/
    local to the clone and git-ignored, never shared:
    lock             the desk lock every write takes
    cache/           caches of parsed records (SVCDESK_NO_CACHE skips them)
    trusted-hooks    the [hooks] this clone trusts (`svcdesk hooks trust`)
    round-robin.toml whose turn it is when routing assigns in turn
    import-RUN/      an import being staged; finished or undone by the
                     next command if the import was interrupted

IDs are a kind letter (C, T, R, M), the date in the desk's time zone and six random \
Crockford base32 characters. A unique prefix of the ID or of its code part \
will do on the command line. \
Every write takes .svcdesk/lock, writes a temporary file beside the target and renames \
it; an edit rewrites only the lines it changes, so comments added to a record survive. \
A ticket's or measure's fields are always the replay of its history; `svcdesk check` \
reports a file whose fields disagree with it. `svcdesk init` writes a commented \
configuration and `svcdesk check` validates it.";

/// The shapes of messages scripts may match on; tests/exit_codes.rs produces each one.
const DIAGNOSTICS: &str = "\
Records and IDs go to stdout; everything else goes to stderr, one message per line.

Message shapes:
  error: MESSAGE      the command failed (exit 1, 2 for usage, or 3 for
                      `sla check`)
  hint: ADVICE        after an error: what to do about it
  warning: MESSAGE    the command went on (e.g. a failing hook); the
                      exit code is unchanged

Messages of note:
  error: PATH:LINE:COLUMN: ...
      a malformed record or svcdesk.toml
  error: no ticket matches \"Q\"
      unknown ID; `hint: did you mean: ID...`
  error: \"Q\" is ambiguous: it matches N tickets
      `hint: candidates: ID, ID; type more characters`
  error: ID: cannot STEP: the ticket is STATE; allowed from STATE: ...
      a step the ticket's state does not allow, and those it does
  error: no desk found in DIR or any of its parents
  error: --at \"T\" (TIME desk time) is in the future: it is now TIME, ...
      exit 2; `hint: did you mean --at \"T\"? ... add --future`
  warning: [calendar] lists no holidays for YEAR (svcdesk.toml); ...
      from `check` and `sla check`: a working-time deadline or today
      falls in YEAR; add its holidays and make-up days
  error: internal error: ...
      exit 70, a bug

`check` prints one problem per line on stdout as PATH:LINE:COLUMN: MESSAGE (PATH: \
MESSAGE when no position applies) and exits 1 when there is any.";

/// svcdesk.1 (the root page with ENVIRONMENT, EXIT STATUS and SEE ALSO) and the pages
/// that are not about one command: (file name, roff text).
fn pages(cmd: clap::Command) -> Vec<(&'static str, String)> {
    // Every page but svcdesk(1) points back to it; none names itself.
    let see_also = |me: &str| {
        [
            "svcdesk(1)",
            "svcdesk-config(5)",
            "svcdesk-csv(7)",
            "svcdesk-states(7)",
            "svcdesk-sla(7)",
            "svcdesk-ticket(1)",
            "svcdesk-sla-check(1)",
        ]
        .into_iter()
        .filter(|p| *p != me)
        .collect::<Vec<_>>()
        .join(", ")
    };
    // The environment and exit codes get sections of their own instead of the after_help,
    // and the root's examples are EXAMPLES.
    let root = command_page(
        &cmd.clone()
            .after_help(format!("Examples:\n{}", super::EXAMPLES)),
        &["svcdesk"],
        &[
            ("ENVIRONMENT", super::ENVIRONMENT),
            ("EXIT STATUS", super::EXIT_CODES),
            ("DIAGNOSTICS", DIAGNOSTICS),
            ("FILES", LAYOUT),
        ],
    );
    let config = svcdesk::config::default_config("NAME", chrono_tz::Asia::Shanghai);
    vec![
        ("svcdesk.1", root),
        (
            "svcdesk-config.5",
            page(
                "svcdesk-config",
                5,
                "the desk layout and svcdesk.toml, every key explained",
                &[
                    ("DESK LAYOUT", LAYOUT),
                    (
                        "CONFIGURATION",
                        "svcdesk.toml as `svcdesk init NAME --timezone Asia/Shanghai` \
                         writes it; every key is shown with a comment:",
                    ),
                    ("", &indent(&config)),
                    ("SEE ALSO", &see_also("svcdesk-config(5)")),
                ],
            ),
        ),
        (
            "svcdesk-csv.7",
            page(
                "svcdesk-csv",
                7,
                "the CSV columns of every command that writes CSV",
                &[(
                    "DESCRIPTION",
                    "Every listing, show, ledger and export takes --format csv: RFC 4180 CSV \
                     with a header row and the fixed columns below (taken from each \
                     command's --help). --excel, where offered, adds the byte-order mark \
                     Excel needs for Chinese and keeps cells like =... as text.",
                )],
            ) + &wrap_source(
                &(csv_columns(&cmd, "svcdesk")
                    + &sections(&[("SEE ALSO", &see_also("svcdesk-csv(7)"))])),
            ),
        ),
        (
            "svcdesk-states.7",
            page(
                "svcdesk-states",
                7,
                "the states of a ticket and the steps between them",
                &[
                    ("DESCRIPTION", super::ticket::STATES),
                    ("SEE ALSO", &see_also("svcdesk-states(7)")),
                ],
            ),
        ),
        (
            "svcdesk-sla.7",
            page(
                "svcdesk-sla",
                7,
                "SLA timers, target syntax and the business calendar",
                &[
                    ("DESCRIPTION", super::sla::SLA_RULES),
                    ("SEE ALSO", &see_also("svcdesk-sla(7)")),
                ],
            ),
        ),
    ]
}

/// One subsection per command whose help lists CSV columns: each paragraph of its
/// after_help that starts with "CSV columns", kept line for line.
fn csv_columns(cmd: &clap::Command, path: &str) -> String {
    let mut out = String::new();
    let help = cmd
        .get_after_long_help()
        .or_else(|| cmd.get_after_help())
        .map(|h| h.to_string())
        .unwrap_or_default();
    let paras: Vec<&str> = help
        .split("\n\n")
        .filter(|p| p.trim_start().starts_with("CSV columns"))
        .collect();
    if !paras.is_empty() {
        out.push_str(&format!(".SS \"{}\"\n", escape(path)));
        for (i, p) in paras.into_iter().enumerate() {
            // No paragraph macro right after the heading (mandoc warns).
            // Column lists are wrapped to fit 80 columns.
            out.push_str(if i == 0 { ".RS 2\n" } else { ".PP\n.RS 2\n" });
            // A column list is one line, however the help breaks it, wrapped after commas.
            let mut joined = String::new();
            for l in p.lines().map(str::trim) {
                if !joined.is_empty() && !joined.ends_with(',') {
                    joined.push(' ');
                }
                joined.push_str(l);
            }
            out.push_str(&pre_block(&joined, PRE_WIDTH));
            out.push_str(".RE\n");
        }
    }
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        out.push_str(&csv_columns(sub, &format!("{path} {}", sub.get_name())));
    }
    out
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("  {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
