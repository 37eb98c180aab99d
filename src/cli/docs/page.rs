//! A command's man page from its clap definition: SYNOPSIS, DESCRIPTION, OPTIONS,
//! COMMANDS, EXAMPLES and SEE ALSO.

use super::roff::*;

/// A command's page, written here rather than by clap_mangen so that the examples of its
/// help become EXAMPLES (not "EXTRA"), the SYNOPSIS shows every option's value name, and
/// no line overflows 80 columns. `extra` sections follow EXAMPLES (the root page's
/// ENVIRONMENT, EXIT STATUS, ...).
pub(super) fn command_page(cmd: &clap::Command, path: &[&str], extra: &[(&str, &str)]) -> String {
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

/// Splits a command's after-help into its examples (the paragraphs under an "Examples:"
/// heading, heading dropped) and the rest.
pub(super) fn split_examples(text: &str) -> (String, String) {
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
pub(super) fn arg_value(a: &clap::Arg) -> Option<String> {
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

pub(super) fn arg_flags(a: &clap::Arg, sep: &str) -> String {
    let mut f = Vec::new();
    if let Some(c) = a.get_short() {
        f.push(format!("\\fB\\-{}\\fR", escape(&c.to_string())));
    }
    if let Some(l) = a.get_long() {
        f.push(format!("\\fB\\-\\-{}\\fR", escape(l)));
    }
    f.join(sep)
}

pub(super) fn is_help(a: &clap::Arg) -> bool {
    matches!(
        a.get_action(),
        clap::ArgAction::Help
            | clap::ArgAction::HelpShort
            | clap::ArgAction::HelpLong
            | clap::ArgAction::Version
    )
}

pub(super) fn synopsis(cmd: &clap::Command, path: &[&str]) -> String {
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

pub(super) fn options(cmd: &clap::Command) -> String {
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
