//! Completion of values that only the desk knows: categories, departments and staff from
//! svcdesk.toml, and record IDs from the file names. `svcdesk __complete KIND [PREFIX]`
//! prints the candidates, one a line. Each shell's script is clap_complete's with a small
//! addition ([`bash_wrapper`], [`zsh_wrapper`], [`fish_values`]) that calls it for the
//! options and arguments that take such values and leaves everything else to
//! clap_complete. All three read one map of the command tree ([`Tree`]).

use std::collections::{BTreeMap, BTreeSet};

use svcdesk::Result;
use svcdesk::desk::{Desk, Kind};
use svcdesk::vocab::Grade;

use super::Context;

#[derive(clap::Args)]
pub struct Args {
    /// category, department, staff, grade, ticket, customer, report, measure, cause, template or intel
    kind: String,
    /// Only candidates that start with this (case-insensitive)
    #[arg(default_value = "", allow_hyphen_values = true)]
    prefix: String,
}

/// Prints the candidates; a shell is waiting, so this is quick and silent: no desk, a
/// broken config or an unknown kind prints nothing and exits 0.
pub fn exec(cx: &mut Context, a: Args) -> Result<u8> {
    let Ok(desk) = Desk::discover(cx.desk_dir.as_deref(), &cx.cwd) else {
        return Ok(0);
    };
    let prefix = a.prefix.to_lowercase();
    let mut out = String::new();
    for c in candidates(&desk, &a.kind) {
        if c.to_lowercase().starts_with(&prefix) {
            out.push_str(&c);
            out.push('\n');
        }
    }
    cx.print(&out)?;
    Ok(0)
}

fn candidates(desk: &Desk, kind: &str) -> Vec<String> {
    let c = &desk.config;
    match kind {
        "category" => c.categories.keys().cloned().collect(),
        "department" => c.departments.keys().cloned().collect(),
        "staff" => c.staff.iter().map(|s| s.id.clone()).collect(),
        "grade" => Grade::ALL.iter().map(|g| g.as_str().to_string()).collect(),
        "ticket" => ids(desk, Kind::Ticket),
        "customer" => ids(desk, Kind::Customer),
        "report" => ids(desk, Kind::Report),
        "measure" => ids(desk, Kind::Measure),
        "intel" => ids(desk, Kind::Intel),
        "cause" => c.causes.keys().cloned().collect(),
        "view" => c.views.keys().map(|v| format!("@{v}")).collect(),
        "template" => svcdesk::template::files(&desk.root)
            .unwrap_or_default()
            .iter()
            .filter_map(|f| f.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .collect(),
        _ => Vec::new(),
    }
}

/// The IDs of one kind of record, newest first; none where the desk cannot be read.
fn ids(desk: &Desk, kind: Kind) -> Vec<String> {
    let mut ids = desk.ids(kind).unwrap_or_default();
    ids.sort_unstable_by(|a, b| b.cmp(a));
    ids
}

/// What kind of value an option takes, where the desk knows the values: by its value
/// name (`--as STAFF`), else by its name (`--category X`).
fn option_kind(arg: &clap::Arg) -> Option<&'static str> {
    let value = arg
        .get_value_names()
        .and_then(|v| v.first())
        .map(|n| n.to_string())
        .unwrap_or_default();
    by_value_name(&value).or(match arg.get_long()? {
        "category" => Some("category"),
        "department" => Some("department"),
        "assignee" | "owner" | "engineer" => Some("staff"),
        "customer" => Some("customer"),
        "ticket" => Some("ticket"),
        "cause-code" => Some("cause"),
        _ => None,
    })
}

fn by_value_name(name: &str) -> Option<&'static str> {
    Some(match name {
        "TICKET" | "TICKETS" => "ticket",
        "CUSTOMER" => "customer",
        "REPORT" => "report",
        "MEASURE" => "measure",
        "STAFF" | "ENGINEER" | "OWNER" | "ASSIGNEE" => "staff",
        "CATEGORY" => "category",
        "DEPARTMENT" | "DEPT" => "department",
        "GRADE" => "grade",
        // `ticket list @VIEW`, and a step's `--where @VIEW` (its other forms are typed).
        "@VIEW" | "FILTER" => "view",
        "TEMPLATE" => "template",
        _ => return None,
    })
}

/// What kind of value a positional argument takes: an ID of the record its command group
/// is about (`ticket show ID`), or what its value name says.
fn positional_kind(group: &str, arg: &clap::Arg) -> Option<&'static str> {
    let name = arg
        .get_value_names()
        .and_then(|v| v.first())
        .map(|n| n.to_string())
        .unwrap_or_else(|| arg.get_id().as_str().to_uppercase());
    match name.as_str() {
        "ID" | "IDS" => match group {
            "ticket" | "comp" => Some("ticket"),
            "customer" => Some("customer"),
            "report" => Some("report"),
            "measure" => Some("measure"),
            "intel" => Some("intel"),
            _ => None,
        },
        n => by_value_name(n),
    }
}

/// What the wrapper needs to know of the command tree.
#[derive(Default)]
struct Tree {
    /// " ticket", " ticket show", ...
    paths: BTreeSet<String>,
    /// Every option that takes a value, so its value is not counted as an argument.
    value_opts: BTreeSet<String>,
    /// " ticket open --category" -> category (" --as" for a global option), ...
    opt_kinds: BTreeMap<String, &'static str>,
    /// " ticket show#1" -> ticket: the first argument of `ticket show`.
    pos_kinds: BTreeMap<String, &'static str>,
}

fn walk(cmd: &clap::Command, path: &str, tree: &mut Tree) {
    let group = path.split(' ').nth(1).unwrap_or("");
    let mut n = 0;
    for a in cmd.get_arguments() {
        if a.is_positional() {
            n += 1;
            if let Some(k) = positional_kind(group, a) {
                tree.pos_kinds.insert(format!("{path}#{n}"), k);
            }
            continue;
        }
        if !a.get_action().takes_values() {
            continue;
        }
        if let Some(s) = a.get_short() {
            tree.value_opts.insert(format!("-{s}"));
        }
        if let Some(l) = a.get_long() {
            tree.value_opts.insert(format!("--{l}"));
            if let Some(k) = option_kind(a) {
                // The same name may mean another thing elsewhere (`stats --to DATE`).
                let at = if a.is_global_set() { "" } else { path };
                tree.opt_kinds.insert(format!("{at} --{l}"), k);
            }
        }
    }
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let p = format!("{path} {}", sub.get_name());
        tree.paths.insert(p.clone());
        walk(sub, &p, tree);
    }
}

/// `"a"|"b"`: a case pattern for any of `keys` (bash and zsh read it alike).
fn alts<'a>(keys: impl IntoIterator<Item = &'a String>) -> String {
    keys.into_iter()
        .map(|k| format!("\"{k}\""))
        .collect::<Vec<_>>()
        .join("|")
}

/// One case arm per kind, `"a"|"b") kind=KIND ;;`, for a map of keys to kinds.
fn case_arms(kinds: &BTreeMap<String, &'static str>, indent: &str) -> String {
    let mut by_kind: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
    for (key, kind) in kinds {
        by_kind.entry(kind).or_default().push(key);
    }
    by_kind
        .iter()
        .map(|(k, keys)| format!("{indent}{}) kind={k} ;;\n", alts(keys.iter().copied())))
        .collect()
}

/// A bash function, registered after clap_complete's `_svcdesk`, that completes the
/// desk's values itself and hands every other word to `_svcdesk`.
pub fn bash_wrapper(cmd: &clap::Command) -> String {
    let mut tree = Tree::default();
    walk(cmd, "", &mut tree);
    format!(
        r#"
# Values only the desk knows (categories, departments, staff, IDs) come from
# `svcdesk __complete KIND PREFIX`; everything else from _svcdesk above.
_svcdesk_desk_values() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="" kind="" path="" desk="" npos=0 i w
    ((COMP_CWORD > 0)) && prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    for ((i = 1; i < COMP_CWORD; i++)); do
        w="${{COMP_WORDS[i]}}"
        case "$w" in
            -C|--desk) desk="${{COMP_WORDS[i+1]}}"; ((i++)); continue ;;
            --desk=*) desk="${{w#--desk=}}"; continue ;;
            {value_opts}) ((i++)); continue ;;
            -*) continue ;;
        esac
        case "$path $w" in
            {paths}) path="$path $w" ;;
            *) ((npos++)) ;;
        esac
    done
    case "$path $prev" in
{opt_cases}    esac
    case " $prev" in
{opt_cases}    esac
    if [[ -z $kind && $cur != -* ]]; then
        case "$path#$((npos + 1))" in
{pos_cases}        esac
    fi
    if [[ -z $kind ]]; then
        _svcdesk "$@"
        return
    fi
    compopt +o default +o bashdefault 2>/dev/null
    local args=(__complete "$kind" "$cur")
    [[ -n $desk ]] && args=(--desk "${{desk/#\~/$HOME}}" "${{args[@]}}")
    local IFS=$'\n'
    COMPREPLY=($("${{COMP_WORDS[0]}}" "${{args[@]}}" 2>/dev/null))
}}
if [[ "${{BASH_VERSINFO[0]}}" -eq 4 && "${{BASH_VERSINFO[1]}}" -ge 4 || "${{BASH_VERSINFO[0]}}" -gt 4 ]]; then
    complete -F _svcdesk_desk_values -o nosort -o bashdefault -o default svcdesk
else
    complete -F _svcdesk_desk_values -o bashdefault -o default svcdesk
fi
"#,
        value_opts = alts(&tree.value_opts),
        paths = alts(&tree.paths),
        opt_cases = case_arms(&tree.opt_kinds, "        "),
        pos_cases = case_arms(&tree.pos_kinds, "            "),
    )
}

/// A zsh function that completes the desk's values itself and hands every other word to
/// clap_complete's `_svcdesk`, the same walk as the bash one. `script` is clap_complete's
/// zsh script: its closing `compdef` is pointed at the wrapper, also when the file is
/// autoloaded from `$fpath` (where the first call runs the file as `_svcdesk`).
pub fn zsh_wrapper(cmd: &clap::Command, script: &str) -> String {
    let mut tree = Tree::default();
    walk(cmd, "", &mut tree);
    let wrapper = format!(
        r#"
# Values only the desk knows (categories, departments, staff, IDs) come from
# `svcdesk __complete KIND PREFIX`; everything else from _svcdesk above.
# (`sub`, not `path`: zsh ties $path to $PATH.)
_svcdesk_desk_values() {{
    local cur="${{words[CURRENT]}}" prev="" kind="" sub="" desk="" npos=0 i w
    (( CURRENT > 1 )) && prev="${{words[CURRENT-1]}}"
    for (( i = 2; i < CURRENT; i++ )); do
        w="${{words[i]}}"
        case "$w" in
            (-C|--desk) desk="${{words[i+1]}}"; (( i++ )); continue ;;
            (--desk=*) desk="${{w#--desk=}}"; continue ;;
            ({value_opts}) (( i++ )); continue ;;
            (-*) continue ;;
        esac
        case "$sub $w" in
            ({paths}) sub="$sub $w" ;;
            (*) (( npos++ )) ;;
        esac
    done
    case "$sub $prev" in
{opt_cases}    esac
    if [[ -z $kind ]]; then
        case " $prev" in
{opt_cases}        esac
    fi
    if [[ -z $kind && $cur != -* ]]; then
        case "$sub#$(( npos + 1 ))" in
{pos_cases}        esac
    fi
    if [[ -z $kind ]]; then
        _svcdesk "$@"
        return
    fi
    local -a args values
    args=(__complete "$kind" "$cur")
    [[ -n $desk ]] && args=(--desk "${{desk/#\~/$HOME}}" "${{args[@]}}")
    values=("${{(@f)$("${{words[1]}}" "${{args[@]}}" 2>/dev/null)}}")
    values=(${{values:#}})
    (( ${{#values}} )) && compadd -- "${{values[@]}}"
}}

if [ "$funcstack[1]" = "_svcdesk" ]; then
    compdef _svcdesk_desk_values svcdesk
    _svcdesk_desk_values "$@"
else
    compdef _svcdesk_desk_values svcdesk
fi
"#,
        value_opts = alts(&tree.value_opts),
        paths = alts(&tree.paths),
        opt_cases = case_arms(&tree.opt_kinds, "        "),
        pos_cases = case_arms(&tree.pos_kinds, "            "),
    );
    let trailer = "\nif [ \"$funcstack[1]\" = \"_svcdesk\" ]; then\n    _svcdesk \"$@\"\nelse\n    compdef _svcdesk svcdesk\nfi\n";
    match script.rfind(trailer) {
        Some(at) => format!("{}{wrapper}", &script[..at]),
        // A clap_complete that ends its script otherwise: the wrapper still registers.
        None => format!("{script}{wrapper}"),
    }
}

/// clap_complete's fish script with the desk's values: each option that takes one gets
/// `-f -a '(__svcdesk_values KIND)'`, and each command whose argument is an ID a line
/// that offers the IDs; `__svcdesk_values` passes `-C`/`--desk` on to `__complete`.
pub fn fish_values(cmd: &clap::Command, script: &str) -> String {
    let mut tree = Tree::default();
    walk(cmd, "", &mut tree);
    let values = |kind: &str| format!(" -f -a '(__svcdesk_values {kind})'");
    let mut out = String::new();
    for line in script.lines() {
        out.push_str(line);
        if let Some(kind) = fish_option_kind(&tree, line) {
            out.push_str(&values(kind));
        }
        out.push('\n');
    }
    out.push_str(
        r#"
# Values only the desk knows (categories, departments, staff, IDs).
function __svcdesk_values
    set -l cmd (commandline -opc)
    set -l desk
    for i in (seq 2 (count $cmd))
        switch $cmd[$i]
            case -C --desk
                if test $i -lt (count $cmd)
                    set desk $cmd[(math $i + 1)]
                end
            case '--desk=*'
                set desk (string replace -- --desk= '' $cmd[$i])
        end
    end
    set -l args __complete $argv[1] (commandline -ct)
    if test -n "$desk"
        set args --desk $desk $args
    end
    $cmd[1] $args 2>/dev/null
end
"#,
    );
    for (key, kind) in &tree.pos_kinds {
        // Only the first argument: " ticket show#1".
        let Some(path) = key.strip_suffix("#1") else {
            continue;
        };
        let words: Vec<&str> = path.split_whitespace().collect();
        let condition = match words.as_slice() {
            [group] => format!("__fish_svcdesk_using_subcommand {group}"),
            [group, verb] => format!(
                "__fish_svcdesk_using_subcommand {group}; and __fish_seen_subcommand_from {verb}"
            ),
            _ => continue,
        };
        out.push_str(&format!(
            "complete -c svcdesk -n \"{condition}\"{}\n",
            values(kind)
        ));
    }
    out
}

/// The kind of value a line of clap_complete's fish script completes, from its
/// condition (which command) and its `-l` (which option).
fn fish_option_kind(tree: &Tree, line: &str) -> Option<&'static str> {
    if !line.starts_with("complete -c svcdesk ") || !line.ends_with(" -r") {
        return None;
    }
    let long = line.split(" -l ").nth(1)?.split(' ').next()?;
    let condition = line.split(" -n \"").nth(1)?.split('"').next()?;
    let mut path = String::new();
    for part in condition.split("; and ") {
        let words = part
            .strip_prefix("__fish_svcdesk_using_subcommand ")
            .or_else(|| part.strip_prefix("__fish_seen_subcommand_from "));
        if let Some(w) = words {
            // A condition names one command word per part (clap_complete's shape).
            path.push(' ');
            path.push_str(w.trim());
        }
    }
    tree.opt_kinds
        .get(&format!("{path} --{long}"))
        .or_else(|| tree.opt_kinds.get(&format!(" --{long}")))
        .copied()
}
