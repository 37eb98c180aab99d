//! Shell completions and man pages, both generated from the clap definitions so they can
//! never disagree with `--help`.

use std::path::PathBuf;

use clap::CommandFactory;
use svcdesk::{Error, Result};

use super::{Cli, Context};

#[derive(clap::Args)]
#[command(after_help = "Examples:
  svcdesk completions bash > ~/.local/share/bash-completion/completions/svcdesk
  svcdesk completions zsh  > ~/.zfunc/_svcdesk        # with fpath+=(~/.zfunc)
  svcdesk completions fish > ~/.config/fish/completions/svcdesk.fish
  svcdesk completions powershell >> $PROFILE")]
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
    if a.shell == clap_complete::Shell::Bash {
        script.push_str(&super::complete::bash_wrapper(&cmd));
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
const MAN_DATE: &str = "2026-11-28";
const MANUAL: &str = "svcdesk manual";

/// One page per visible subcommand, at any depth: (file name, roff text).
fn command_pages(cmd: &clap::Command, path: &[&str], out: &mut Vec<(String, String)>) {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let mut p = path.to_vec();
        p.push(sub.get_name());
        command_pages(sub, &p, out);
        out.push((format!("{}.1", p.join("-")), command_page(sub, &p, &[])));
    }
}

/// A command's page, written here rather than by clap_mangen so that the examples of its
/// help become EXAMPLES (not "EXTRA"), the SYNOPSIS shows every option's value name, and
/// no line overflows 80 columns. `extra` sections follow EXAMPLES (the root page's
/// ENVIRONMENT, EXIT STATUS, ...).
fn command_page(cmd: &clap::Command, path: &[&str], extra: &[(&str, &str)]) -> String {
    let name = path.join("-");
    let about = cmd.get_about().map(|s| s.to_string()).unwrap_or_default();
    let mut out = header(&name, 1, about.trim_end_matches('.'));
    // Options are neither hyphenated nor spread out to the right margin.
    out.push_str(".SH SYNOPSIS\n.nh\n.ad l\n");
    out.push_str(&synopsis(cmd, path));
    out.push_str(".ad\n.hy\n");
    let long_about = cmd.get_long_about().map(|s| s.to_string()).unwrap_or(about);
    let after = cmd
        .get_after_long_help()
        .or_else(|| cmd.get_after_help())
        .map(|h| h.to_string())
        .unwrap_or_default();
    let (examples, notes) = split_examples(&after);
    out.push_str(&sections(&[("DESCRIPTION", &long_about), ("", &notes)]));
    out.push_str(&options(cmd));
    let subs: Vec<&clap::Command> = cmd.get_subcommands().filter(|s| !s.is_hide_set()).collect();
    if !subs.is_empty() {
        out.push_str(".SH COMMANDS\n");
        for s in subs {
            out.push_str(&format!(
                ".TP\n\\fB{}\\-{}\\fR(1)\n{}\n",
                escape(&name),
                escape(s.get_name()),
                escape(&s.get_about().map(|a| a.to_string()).unwrap_or_default())
            ));
        }
    }
    out.push_str(&sections(&[("EXAMPLES", &examples)]));
    out.push_str(&sections(extra));
    // SEE ALSO: the pages above this one, never the page itself.
    let mut see: Vec<String> = (1..path.len())
        .map(|i| format!("{}(1)", path[..i].join("-")))
        .collect();
    if path.len() == 1 {
        see.extend(
            [
                "svcdesk-config(5)",
                "svcdesk-csv(7)",
                "svcdesk-states(7)",
                "svcdesk-sla(7)",
            ]
            .map(String::from),
        );
    }
    out.push_str(&sections(&[("SEE ALSO", &see.join(", "))]));
    wrap_source(&out)
}

/// `.TH` and NAME, shared by the command pages and the hand-written ones.
fn header(name: &str, section: u8, summary: &str) -> String {
    let version = env!("CARGO_PKG_VERSION");
    format!(
        ".TH {} {section} {MAN_DATE} \"svcdesk {version}\" \"{MANUAL}\"\n.SH NAME\n{} \\- {}\n",
        name.to_uppercase(),
        escape(name),
        escape(summary)
    )
}

/// Splits a command's after-help into its examples (the paragraphs under an "Examples:"
/// heading, heading dropped) and the rest.
fn split_examples(text: &str) -> (String, String) {
    let (mut examples, mut notes) = (Vec::new(), Vec::new());
    for para in text.split("\n\n") {
        let first = para.lines().next().unwrap_or("");
        if first == "Examples:" || first == "Example:" {
            examples.push(para.split_once('\n').map_or("", |x| x.1));
        } else {
            notes.push(para);
        }
    }
    (examples.join("\n\n"), notes.join("\n\n"))
}

/// How an argument is written in SYNOPSIS and OPTIONS: `-C, --desk DIR`, `ID`.
fn arg_value(a: &clap::Arg) -> Option<String> {
    if !a.get_action().takes_values() {
        return None;
    }
    let names: Vec<String> = match a.get_value_names() {
        Some(v) => v.iter().map(|n| n.to_string()).collect(),
        None => vec![a.get_id().as_str().to_uppercase()],
    };
    let many = matches!(a.get_action(), clap::ArgAction::Append)
        || a.get_num_args().is_some_and(|n| n.max_values() > 1);
    Some(format!(
        "{}{}",
        names
            .iter()
            .map(|n| format!("\\fI{}\\fR", escape(n)))
            .collect::<Vec<_>>()
            .join("\\ "),
        // `\&` after the dots: not the end of a sentence (no double space).
        if many { "...\\&" } else { "" }
    ))
}

fn arg_flags(a: &clap::Arg, sep: &str) -> String {
    let mut f = Vec::new();
    if let Some(c) = a.get_short() {
        f.push(format!("\\fB\\-{}\\fR", escape(&c.to_string())));
    }
    if let Some(l) = a.get_long() {
        f.push(format!("\\fB\\-\\-{}\\fR", escape(l)));
    }
    f.join(sep)
}

fn is_help(a: &clap::Arg) -> bool {
    matches!(
        a.get_action(),
        clap::ArgAction::Help
            | clap::ArgAction::HelpShort
            | clap::ArgAction::HelpLong
            | clap::ArgAction::Version
    )
}

fn synopsis(cmd: &clap::Command, path: &[&str]) -> String {
    let mut words = vec![format!("\\fB{}\\fR", escape(&path.join(" ")))];
    let args: Vec<&clap::Arg> = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set() && !is_help(a))
        .collect();
    for a in args.iter().filter(|a| !a.is_positional()) {
        let mut w = arg_flags(a, "|");
        if let Some(v) = arg_value(a) {
            w = format!("{w}\\ {v}");
        }
        words.push(if a.is_required_set() {
            w
        } else {
            format!("[{w}]")
        });
    }
    for a in args.iter().filter(|a| a.is_positional()) {
        let v = arg_value(a).unwrap_or_default();
        words.push(if a.is_required_set() {
            v
        } else {
            format!("[{v}]")
        });
    }
    if cmd.has_subcommands() {
        words.push("\\fICOMMAND\\fR".into());
    }
    words.join(" ") + "\n"
}

fn options(cmd: &clap::Command) -> String {
    let mut out = String::new();
    let args: Vec<&clap::Arg> = cmd.get_arguments().filter(|a| !a.is_hide_set()).collect();
    if args.is_empty() {
        return out;
    }
    out.push_str(".SH OPTIONS\n");
    let positional = args.iter().filter(|a| a.is_positional());
    for a in args.iter().filter(|a| !a.is_positional()).chain(positional) {
        let mut tag = arg_flags(a, ", ");
        if let Some(v) = arg_value(a) {
            tag = if tag.is_empty() {
                v
            } else {
                format!("{tag} {v}")
            };
        }
        out.push_str(&format!(".TP\n{tag}\n"));
        let help = a
            .get_long_help()
            .or_else(|| a.get_help())
            .map(|h| h.to_string())
            .unwrap_or_default();
        let mut first = true;
        for para in help.split("\n\n").filter(|p| !p.trim().is_empty()) {
            if !first {
                out.push_str(".sp\n");
            }
            first = false;
            out.push_str(&block(para, PRE_WIDTH - 7));
        }
        let mut notes = Vec::new();
        if a.get_action().takes_values() && !a.is_hide_default_value_set() {
            let d: Vec<String> = a
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            if !d.is_empty() {
                notes.push(format!("default: {}", d.join(", ")));
            }
        }
        if let Some(e) = a.get_env().filter(|_| !a.is_hide_env_set()) {
            notes.push(format!("env: {}", e.to_string_lossy()));
        }
        if !notes.is_empty() {
            out.push_str(&format!(
                "{}[{}]\n",
                if first { "" } else { ".br\n" },
                escape(&notes.join("; "))
            ));
        }
        let values: Vec<clap::builder::PossibleValue> =
            if a.get_action().takes_values() && !a.is_hide_possible_values_set() {
                a.get_possible_values()
                    .into_iter()
                    .filter(|v| !v.is_hide_set())
                    .collect()
            } else {
                Vec::new()
            };
        if !values.is_empty() {
            // One value a line, no blank lines between them.
            out.push_str(".RS\n.PD 0\n");
            for v in values {
                out.push_str(&format!(".IP \\(bu 2\n\\fB{}\\fR", escape(v.get_name())));
                if let Some(h) = v.get_help() {
                    out.push_str(&format!(": {}", escape(&h.to_string())));
                }
                out.push('\n');
            }
            out.push_str(".PD\n.RE\n");
        }
    }
    out
}

/// One paragraph: filled, or kept line for line (`.nf`) when its lines are indented or
/// aligned, each line then wrapped to `width` columns.
fn block(para: &str, width: usize) -> String {
    let lines: Vec<&str> = para.lines().collect();
    let pre = lines.iter().any(|l| l.starts_with(' ')) || lines.iter().any(|l| l.contains("  "));
    if !pre {
        return lines.iter().map(|l| filled(l.trim()) + "\n").collect();
    }
    pre_block(para, width)
}

/// A paragraph kept line for line, each line wrapped to `width` columns.
fn pre_block(para: &str, width: usize) -> String {
    let mut out = String::from(".nf\n");
    for l in para.lines() {
        for piece in wrap_pre(l, width) {
            out.push_str(&escape(&piece));
            out.push('\n');
        }
    }
    out.push_str(".fi\n");
    out
}

/// Rendered width left for preformatted text in a section: 80 columns less the section
/// indent (7) and `.RS 2`.
const PRE_WIDTH: usize = 71;

/// A line of preformatted text, wrapped at spaces to `width` columns; continuation lines
/// are indented two more than the line (a CSV column list, a long example).
fn wrap_pre(line: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let indent = line.len() - line.trim_start().len();
    let mut out = Vec::new();
    let mut rest = line.to_string();
    let mut lead = String::new();
    while rest.width() > width {
        // The last space at or before the width, outside the leading indentation.
        let mut cut = None;
        let mut w = 0;
        for (i, c) in rest.char_indices() {
            w += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if w > width {
                break;
            }
            let after = i + c.len_utf8();
            if i > indent.max(lead.len()) && !rest[..i].trim_end().is_empty() {
                if c == ' ' {
                    cut = Some(i);
                } else if c == ',' && after < rest.len() {
                    cut = Some(after);
                }
            }
        }
        let Some(cut) = cut else { break };
        out.push(rest[..cut].trim_end().to_string());
        lead = " ".repeat(indent + 2);
        rest = format!("{lead}{}", rest[cut..].trim_start());
    }
    out.push(rest);
    out
}

/// mandoc measures a non-ASCII character as its escape, `\[u884C]`: eight bytes.
fn cost(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 8 }).sum()
}

/// A line of an example, wrapped so that it still runs when pasted: a trailing comment
/// moves above the command, and the command is continued with ` \` at a space outside
/// quotes.
fn wrap_shell(line: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    if line.width() <= width {
        return vec![line.to_string()];
    }
    let indent = &line[..line.len() - line.trim_start().len()];
    let mut out = Vec::new();
    let mut code = line.trim_end();
    if let Some(i) = code.find("  # ") {
        let comment = code[i..].trim_start();
        out.extend(
            wrap_pre(&format!("{indent}{comment}"), width)
                .into_iter()
                .enumerate()
                .map(|(n, l)| {
                    if n == 0 {
                        l
                    } else {
                        format!("{indent}# {}", l.trim_start())
                    }
                }),
        );
        code = code[..i].trim_end();
    }
    let mut rest = code.to_string();
    while rest.width() > width {
        let (mut quote, mut w, mut cut) = (None, 0, None);
        for (i, c) in rest.char_indices() {
            w += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if w + 2 > width {
                break;
            }
            match (quote, c) {
                (None, '\'' | '"') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, ' ') if i > indent.len() + 4 => cut = Some(i),
                _ => {}
            }
        }
        let Some(cut) = cut else { break };
        out.push(format!("{} \\", rest[..cut].trim_end()));
        rest = format!("{indent}    {}", rest[cut..].trim_start());
    }
    out.push(rest);
    out
}

/// Keeps every roff source line within 80 bytes (mandoc's style limit): filled text is
/// broken at spaces; a preformatted line is continued with `\c`. No line ends in a space.
fn wrap_source(roff: &str) -> String {
    const MAX: usize = 80;
    let mut out = String::new();
    let mut nofill = false;
    for line in roff.lines() {
        let line = line.trim_end();
        if line.starts_with('.') && !line.starts_with("\\&") {
            match line {
                ".nf" => nofill = true,
                ".fi" => nofill = false,
                _ => {}
            }
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let mut rest = line;
        while cost(rest) > MAX {
            // Split points: after a whole escape sequence or character.
            let mut cut = None;
            let (mut i, mut used) = (0, 0);
            let b = rest.as_bytes();
            while i < rest.len() && used <= MAX - 2 {
                let step = if b[i] == b'\\' {
                    match b.get(i + 1) {
                        Some(b'f') => 3,
                        Some(b'(') => 4,
                        _ => 2,
                    }
                } else {
                    rest[i..].chars().next().map_or(1, char::len_utf8)
                };
                if nofill {
                    if i > 0 && b[i] != b' ' && b[i - 1] != b' ' {
                        cut = Some(i);
                    }
                } else if b[i] == b' ' && i > 0 {
                    cut = Some(i);
                }
                used += cost(&rest[i..i + step]);
                i += step;
            }
            let Some(c) = cut else { break };
            if nofill {
                out.push_str(&rest[..c]);
                out.push_str("\\c\n");
                rest = &rest[c..];
            } else {
                out.push_str(rest[..c].trim_end());
                out.push('\n');
                rest = rest[c..].trim_start();
            }
            if rest.starts_with('.') || rest.starts_with('\'') {
                out.push_str("\\&");
            }
        }
        out.push_str(rest);
        out.push('\n');
    }
    out
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
worklog/wang.toml
    an engineer's work log, one [[entry]] per piece of work
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

fn page(name: &str, section: u8, summary: &str, body: &[(&str, &str)]) -> String {
    wrap_source(&(header(name, section, summary) + &sections(body)))
}

/// Plain text to man(7) roff: a paragraph whose lines are indented (a diagram, a table,
/// a TOML example) keeps its lines (.nf), any other is filled. "Heading:" lines that end
/// a paragraph's first line become subsections. An empty section title continues the
/// previous section.
fn sections(body: &[(&str, &str)]) -> String {
    let mut out = String::new();
    // A paragraph macro right after a heading is redundant (mandoc warns).
    let pp = |out: &String| {
        let last = last_line(out);
        if last.starts_with(".SH") || last.starts_with(".SS") {
            ""
        } else {
            ".PP\n"
        }
    };
    let mut examples = false;
    for (title, text) in body {
        if text.trim().is_empty() {
            continue;
        }
        if !title.is_empty() {
            examples = *title == "EXAMPLES";
        }
        if !title.is_empty() {
            out.push_str(&format!(".SH \"{title}\"\n"));
        }
        for para in text.split("\n\n") {
            let mut lines: Vec<&str> = para.lines().collect();
            let mut lead = None;
            if lines.len() > 1 && !lines[0].starts_with(' ') && lines[0].ends_with(':') {
                if is_heading(lines[0]) {
                    out.push_str(&format!(".SS \"{}\"\n", lines[0].trim_end_matches(':')));
                } else {
                    // A sentence introducing what follows stays text, not a heading.
                    lead = Some(lines[0]);
                }
                lines.remove(0);
            }
            if lines.iter().all(|l| l.trim().is_empty()) {
                continue;
            }
            let preformatted =
                lines.iter().any(|l| l.starts_with(' ')) || lines.iter().any(|l| l.contains("  "));
            // Preformatted blocks lose their common indentation and are indented by .RS.
            let cut = if preformatted {
                let ind = |l: &&str| l.len() - l.trim_start().len();
                lines
                    .iter()
                    .filter(|l| !l.trim().is_empty())
                    .map(ind)
                    .min()
                    .unwrap_or(0)
            } else {
                0
            };
            out.push_str(pp(&out));
            if let Some(lead) = lead {
                out.push_str(&escape(lead));
                out.push('\n');
            }
            if preformatted {
                out.push_str(".RS 2\n.nf\n");
            }
            for l in lines {
                let l = l.get(cut..).unwrap_or("");
                if preformatted {
                    let pieces = if examples {
                        wrap_shell(l, PRE_WIDTH)
                    } else {
                        wrap_pre(l, PRE_WIDTH)
                    };
                    for piece in pieces {
                        out.push_str(&escape(&piece));
                        out.push('\n');
                    }
                } else {
                    out.push_str(&filled(l));
                    out.push('\n');
                }
            }
            if preformatted {
                out.push_str(".fi\n.RE\n");
            }
        }
    }
    out
}

/// A subsection heading is a few words ("Messages of note:"), never a sentence.
fn is_heading(line: &str) -> bool {
    line.chars().count() <= 40 && !line.contains(". ") && !line.contains("; ")
}

fn last_line(s: &str) -> &str {
    s.trim_end_matches('\n').rsplit('\n').next().unwrap_or("")
}

/// A line of filled text: escaped, and breakable after the commas of a list written
/// without spaces (CSV columns), which would otherwise overflow the line.
fn filled(line: &str) -> String {
    let s = escape(line);
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == ',' && chars.peek().is_some_and(|n| *n != ' ') {
            out.push_str("\\:");
        }
    }
    out
}

/// Escapes one line of text for roff: backslashes, a leading `.` or `'` (control
/// characters), and `-` as a real hyphen-minus so options survive copy and paste.
fn escape(line: &str) -> String {
    let mut s = line.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with('.') || s.starts_with('\'') {
        s.insert_str(0, "\\&");
    }
    s
}
