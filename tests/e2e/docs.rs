//! Documentation that ships: man pages current with the command definitions, completions
//! for every shell, and the example scripts runnable.

use crate::common;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

fn pages(dir: &Path) -> BTreeMap<String, String> {
    fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        // Section 1: the commands; 5: svcdesk.toml; 7: states and SLA rules.
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x == "1" || x == "5" || x == "7")
        })
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn man_pages_are_current() {
    let tmp = tempfile::tempdir().unwrap();
    common::svcdesk()
        .env_remove("SVCDESK_USER")
        .args(["man"])
        .arg(tmp.path())
        .assert()
        .success();
    let fresh = pages(tmp.path());
    let shipped = pages(&Path::new(env!("CARGO_MANIFEST_DIR")).join("man"));
    let stale: Vec<&String> = fresh
        .keys()
        .chain(shipped.keys())
        .filter(|k| fresh.get(*k) != shipped.get(*k))
        .collect();
    assert!(
        stale.is_empty(),
        "man/ is stale ({stale:?}); regenerate with: cargo run -q -- man man"
    );
    for page in [
        "svcdesk.1",
        "svcdesk-ticket-open.1",
        "svcdesk-config.5",
        "svcdesk-csv.7",
        "svcdesk-states.7",
        "svcdesk-sla.7",
    ] {
        assert!(fresh.contains_key(page), "{page} is not generated");
    }
}

#[test]
fn man_pages_render_without_warnings() {
    let groff = std::process::Command::new("groff")
        .arg("--version")
        .output();
    if groff.is_err() {
        eprintln!("groff not installed; skipping the render check");
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    for name in pages(&dir).keys() {
        let o = std::process::Command::new("groff")
            // Long CSV column lists cannot be broken; that "break" warning is not a fault.
            .args(["-K", "utf8", "-T", "utf8", "-man", "-ww", "-Wbreak", "-z"])
            .arg(dir.join(name))
            .output()
            .unwrap();
        assert!(o.status.success(), "{name}: groff failed");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.trim().is_empty(), "{name}: groff warns:\n{err}");
    }
}

#[test]
fn man_pages_pass_mandoc_lint() {
    if std::process::Command::new("mandoc")
        .arg("-V")
        .output()
        .is_err()
    {
        eprintln!("mandoc not installed; skipping the lint check");
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    // -W style: faults and style notes alike (long source lines, trailing spaces, ...).
    let o = std::process::Command::new("mandoc")
        .args(["-T", "lint", "-W", "style"])
        .args(pages(&dir).keys().map(|k| dir.join(k)))
        .output()
        .unwrap();
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.trim().is_empty(), "mandoc -T lint -W style:\n{out}");
}

/// Roff source to the text a reader sees (enough for the checks below).
fn plain(roff: &str) -> String {
    roff.replace("\\c\n", "")
        .replace("\\fB", "")
        .replace("\\fI", "")
        .replace("\\fR", "")
        .replace("\\-", "-")
        .replace("\\&", "")
        .replace("\\:", "")
        .replace("\\ ", " ")
        .replace("\\e", "\\")
}

/// The text of one section (`.SH NAME` up to the next `.SH`).
fn section<'a>(page: &'a str, name: &str) -> Option<&'a str> {
    let start = [format!(".SH {name}\n"), format!(".SH \"{name}\"\n")]
        .iter()
        .find_map(|h| page.find(h.as_str()).map(|i| i + h.len()))?;
    let rest = &page[start..];
    Some(&rest[..rest.find("\n.SH ").map_or(rest.len(), |i| i + 1)])
}

#[test]
fn preformatted_text_fits_80_columns() {
    use unicode_width::UnicodeWidthStr;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let mut long = Vec::new();
    for (name, text) in pages(&dir) {
        let mut nofill = false;
        // A section's text is indented 7 columns and a block 2 more (`.RS 2`), so a
        // preformatted line has 71 columns of an 80-column terminal.
        for line in plain(&text).lines() {
            match line {
                ".nf" => nofill = true,
                ".fi" => nofill = false,
                l if nofill && !l.starts_with('.') && l.width() > 71 => {
                    long.push(format!("{name}: {l}"))
                }
                _ => {}
            }
        }
    }
    assert!(
        long.is_empty(),
        "preformatted lines wider than 80 columns on a terminal:\n{}",
        long.join("\n")
    );
}

#[test]
fn man_page_sections_are_conventional() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let all = pages(&dir);
    for (name, text) in &all {
        assert!(
            !text.contains(".SH EXTRA") && !text.contains(".SH \"EXTRA\""),
            "{name}: examples belong in EXAMPLES, not EXTRA"
        );
        // SEE ALSO points elsewhere, never at the page itself.
        let (stem, sec) = name.rsplit_once('.').unwrap();
        let me = format!("{stem}({sec})");
        if let Some(see) = section(text, "SEE ALSO") {
            let see = plain(see);
            assert!(
                !see.split([',', ' ', '\n']).any(|w| w == me),
                "{name}: SEE ALSO names the page itself: {see}"
            );
        }
        // Every option with a value shows its value name in SYNOPSIS too:
        // `.TP` tags `\fB\-\-at\fR \fITIME\fR` and SYNOPSIS `\fB\-\-at\fR\ \fITIME\fR`.
        if let (Some(syn), Some(opts)) = (section(text, "SYNOPSIS"), section(text, "OPTIONS")) {
            let syn = syn.replace("\\c\n", "").replace('\n', " ");
            let tags = opts.split(".TP\n").skip(1).filter_map(|t| t.lines().next());
            for tag in tags.filter(|t| t.starts_with("\\fB")) {
                let long = tag.split(", ").last().unwrap();
                if let Some((opt, value)) = long.split_once(' ') {
                    assert!(
                        syn.contains(&format!("{opt}\\ {value}")),
                        "{name}: SYNOPSIS lacks {opt} {value}"
                    );
                }
            }
        }
        // Subsection headings are a few words, not sentences.
        for h in text.lines().filter_map(|l| l.strip_prefix(".SS ")) {
            assert!(h.chars().count() <= 48, "{name}: heading {h}");
        }
    }
    let open = &all["svcdesk-ticket-open.1"];
    assert!(open.contains(".SH \"EXAMPLES\""), "{open}");
    assert!(open.contains("[\\fB\\-\\-at\\fR\\ \\fITIME\\fR]"), "{open}");
    let root = &all["svcdesk.1"];
    let files = plain(section(root, "FILES").unwrap());
    for what in ["lock", "cache/", "trusted-hooks", "import-RUN/"] {
        assert!(files.contains(what), "FILES lacks {what}: {files}");
    }
}

#[test]
fn completions_generate_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = common::svcdesk()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(o.status.success(), "{shell}");
        let text = String::from_utf8(o.stdout).unwrap();
        assert!(
            text.len() > 1000 && text.contains("svcdesk"),
            "{shell}: {text:.200}"
        );
        assert!(
            text.contains("ticket") && text.contains("customer"),
            "{shell}"
        );
        // Hidden commands stay hidden: no shell offers them.
        // (bash's script calls `svcdesk __complete` for the desk's values.)
        assert!(
            !text.contains("merge-driver"),
            "{shell} offers merge-driver"
        );
    }
    let o = common::svcdesk()
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

#[test]
fn hand_written_pages_share_their_text_with_help() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let page = |name: &str| fs::read_to_string(dir.join(name)).unwrap();
    let root = page("svcdesk.1");
    for section in ["ENVIRONMENT", "EXIT STATUS", "FILES", "SEE ALSO"] {
        assert!(
            root.contains(&format!(".SH \"{section}\"")),
            "svcdesk.1: {section}"
        );
    }
    assert!(root.contains("SVCDESK_USER") && root.contains("70  internal error"));
    let config = page("svcdesk-config.5");
    for key in [
        "[calendar]",
        "makeup_days",
        "[routing]",
        "[[staff]]",
        "[sla.timers.resolve]",
        "[sla.escalate]",
        "[git]",
    ] {
        assert!(config.contains(key), "svcdesk-config.5 lacks {key}");
    }
    assert!(page("svcdesk-states.7").contains("in\\-progress"));
    let csv = page("svcdesk-csv.7");
    for cmd in [
        "svcdesk ticket list",
        "svcdesk ledger tickets",
        "svcdesk export",
        "svcdesk sla check",
    ] {
        assert!(
            csv.contains(&format!(".SS \"{cmd}\"")),
            "svcdesk-csv.7 lacks {cmd}"
        );
    }
    // `sla --help` shows the same rules as svcdesk-sla(7).
    let o = common::svcdesk().args(["sla", "--help"]).output().unwrap();
    let help = String::from_utf8(o.stdout).unwrap();
    assert!(
        help.contains("8bh 90bm") && help.contains("earliest deadline wins"),
        "{help}"
    );
    assert!(page("svcdesk-sla.7").contains("8bh 90bm"));
}

#[test]
fn help_and_errors_are_plain_when_piped() {
    // A misspelled command: did-you-mean, exit 2, no colour codes on a pipe.
    let o = common::svcdesk().arg("tiket").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("'ticket'"), "{err}");
    assert!(!err.contains('\x1b'), "ANSI codes on a pipe: {err:?}");
    let o = common::svcdesk()
        .args(["ticket", "--help"])
        .output()
        .unwrap();
    assert!(!String::from_utf8(o.stdout).unwrap().contains('\x1b'));
}

/// What bash offers for `words` (the last one being completed), run in `dir` with the
/// script `svcdesk completions bash` prints, as bash's programmable completion would:
/// COMP_WORDS and COMP_CWORD set, the function `complete -p svcdesk` names called.
fn bash_complete(dir: &Path, words: &[&str]) -> Vec<String> {
    let tmp = tempfile::tempdir().unwrap();
    let script = tmp.path().join("svcdesk.bash");
    let o = common::svcdesk()
        .args(["completions", "bash"])
        .output()
        .unwrap();
    fs::write(&script, &o.stdout).unwrap();
    let o = std::process::Command::new("bash")
        .arg("-c")
        .arg(
            r#"source "$1"; shift
            spec=$(complete -p svcdesk) || exit 9
            fn=${spec##*-F }; fn=${fn%% *}
            COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
            COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
            "$fn" svcdesk "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\n' "${COMPREPLY[@]}""#,
        )
        .arg("bash")
        .arg(&script)
        .args(words)
        .current_dir(dir)
        .env("PATH", common::path_with_svcdesk())
        .env_remove("SVCDESK_DIR")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "bash completion failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

#[test]
fn bash_completes_the_desks_own_values() {
    if std::process::Command::new("bash")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("bash not installed; skipping");
        return;
    }
    let (desk, c, tickets) = completion_desk();
    let at = |words: &[&str]| {
        let mut v = bash_complete(&desk.root, words);
        v.sort();
        v
    };
    // Categories from svcdesk.toml, not file names.
    assert_eq!(
        at(&["svcdesk", "ticket", "open", "--category", "co"]),
        ["complaint", "consult"]
    );
    // The desk's ticket IDs for a command that takes one.
    assert_eq!(at(&["svcdesk", "ticket", "show", "T2026"]), tickets);
    assert_eq!(at(&["svcdesk", "ticket", "grade", "t2026"]), tickets);
    // Customer IDs, and the desk named with -C from outside it.
    assert_eq!(
        bash_complete(
            desk.tmp.path(),
            &[
                "svcdesk",
                "-C",
                desk.root.to_str().unwrap(),
                "customer",
                "show",
                ""
            ]
        ),
        [c]
    );
    // Fault cause codes from [causes].
    assert_eq!(
        at(&["svcdesk", "ticket", "diagnose", "T1", "--cause-code", "e"]),
        ["electrical"]
    );
    // Staff ids for an option that takes a staff member.
    let staff = at(&["svcdesk", "ticket", "open", "--assignee", ""]);
    assert!(staff.contains(&"wang".to_string()), "{staff:?}");
    // Everything else is clap_complete's: commands, without the hidden ones.
    let top = at(&["svcdesk", ""]);
    assert!(top.contains(&"ticket".to_string()), "{top:?}");
    for hidden in ["man", "merge-driver", "__complete"] {
        assert!(
            !top.contains(&hidden.to_string()),
            "offers {hidden}: {top:?}"
        );
    }
    assert_eq!(at(&["svcdesk", "ticket", "li"]), ["link", "list"]);
    // Outside any desk the desk's values are simply absent, never an error.
    assert!(bash_complete(desk.tmp.path(), &["svcdesk", "ticket", "show", "T"]).is_empty());
}

#[test]
fn zsh_completion_loads_where_zsh_is_installed() {
    if std::process::Command::new("zsh")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("zsh not installed; skipping");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let o = common::svcdesk()
        .args(["completions", "zsh"])
        .output()
        .unwrap();
    fs::write(tmp.path().join("_svcdesk"), &o.stdout).unwrap();
    let o = std::process::Command::new("zsh")
        .args(["-n", "_svcdesk"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn has(shell: &str) -> bool {
    let found = std::process::Command::new(shell)
        .arg("--version")
        .output()
        .is_ok();
    if !found {
        eprintln!("{shell} not installed; skipping");
    }
    found
}

/// What zsh's wrapper offers for `words` (the last being the word completed): the real
/// script in a real zsh, with compsys's `compadd` and clap_complete's `_svcdesk` stood in
/// for by functions that print what they are given.
fn zsh_complete(dir: &Path, words: &[&str]) -> Vec<String> {
    let tmp = tempfile::tempdir().unwrap();
    let script = tmp.path().join("_svcdesk");
    let o = common::svcdesk()
        .args(["completions", "zsh"])
        .output()
        .unwrap();
    fs::write(&script, &o.stdout).unwrap();
    let o = std::process::Command::new("zsh")
        .arg("-fc")
        .arg(
            r#"compdef() { print -r -- "compdef $*" >&2 }
            source "$1"; shift
            compadd() { [[ $1 == -- ]] && shift; print -rl -- "$@" }
            _svcdesk() { print -r -- "(clap_complete)" }
            words=("$@"); CURRENT=$#
            # Like any completion function, it returns 1 when it offers nothing.
            _svcdesk_desk_values || true"#,
        )
        .arg("zsh")
        .arg(&script)
        .args(words)
        .current_dir(dir)
        .env("PATH", common::path_with_svcdesk())
        .env_remove("SVCDESK_DIR")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "zsh completion failed: {err}");
    assert!(
        err.contains("compdef _svcdesk_desk_values svcdesk"),
        "the wrapper is not what completes svcdesk: {err}"
    );
    let mut v: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

/// What fish offers for the command line `line`, by fish's own `complete -C`.
fn fish_complete(dir: &Path, line: &str) -> Vec<String> {
    let tmp = tempfile::tempdir().unwrap();
    let script = tmp.path().join("svcdesk.fish");
    let o = common::svcdesk()
        .args(["completions", "fish"])
        .output()
        .unwrap();
    fs::write(&script, &o.stdout).unwrap();
    let o = std::process::Command::new("fish")
        .args(["--no-config", "-c", "source $argv[1]; complete -C $argv[2]"])
        .arg(&script)
        .arg(line)
        .current_dir(dir)
        .env("PATH", common::path_with_svcdesk())
        .env_remove("SVCDESK_DIR")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "fish completion failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut v: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| l.split('\t').next().unwrap_or_default().to_string())
        .collect();
    v.sort();
    v
}

/// A desk with a customer, two tickets and a staff member, for the shells' completion
/// tests.
fn completion_desk() -> (common::TestDesk, String, Vec<String>) {
    let desk = common::TestDesk::new();
    let c = desk.add(&["--name", "华东机械", "--phone", "021-5555-0101"]);
    let mut tickets: Vec<String> = (0..2)
        .map(|_| {
            desk.ok(&[
                "ticket",
                "open",
                "--customer",
                &c,
                "--category",
                "complaint",
                "-m",
                "x",
            ])
            .trim()
            .to_string()
        })
        .collect();
    tickets.sort();
    let config = desk.read("svcdesk.toml");
    desk.write(
        "svcdesk.toml",
        config + "\n[[staff]]\nid = \"wang\"\nname = \"王工\"\n",
    );
    (desk, c, tickets)
}

#[test]
fn zsh_completes_the_desks_own_values() {
    if !has("zsh") {
        return;
    }
    let (desk, c, tickets) = completion_desk();
    let at = |words: &[&str]| zsh_complete(&desk.root, words);
    assert_eq!(
        at(&["svcdesk", "ticket", "open", "--category", "co"]),
        ["complaint", "consult"]
    );
    assert_eq!(at(&["svcdesk", "ticket", "show", "T2026"]), tickets);
    assert_eq!(at(&["svcdesk", "ticket", "grade", "t2026"]), tickets);
    assert!(at(&["svcdesk", "ticket", "open", "--assignee", ""]).contains(&"wang".to_string()));
    let root = desk.root.to_str().unwrap();
    assert_eq!(
        zsh_complete(
            desk.tmp.path(),
            &["svcdesk", "-C", root, "customer", "show", ""]
        ),
        [c]
    );
    // Everything else goes to clap_complete's function.
    assert_eq!(at(&["svcdesk", "ticket", "li"]), ["(clap_complete)"]);
    assert_eq!(
        at(&["svcdesk", "ticket", "open", "--title", ""]),
        ["(clap_complete)"]
    );
    // Outside any desk the desk's values are simply absent, never an error.
    assert!(zsh_complete(desk.tmp.path(), &["svcdesk", "ticket", "show", "T"]).is_empty());
}

#[test]
fn fish_completes_the_desks_own_values() {
    if !has("fish") {
        return;
    }
    let (desk, c, tickets) = completion_desk();
    let at = |line: &str| fish_complete(&desk.root, line);
    assert_eq!(
        at("svcdesk ticket open --category co"),
        ["complaint", "consult"]
    );
    assert_eq!(at("svcdesk ticket show T2026"), tickets);
    assert!(at("svcdesk ticket open --assignee ").contains(&"wang".to_string()));
    let root = desk.root.to_str().unwrap();
    assert_eq!(
        fish_complete(
            desk.tmp.path(),
            &format!("svcdesk -C {root} customer show C")
        ),
        [c]
    );
    // Commands still come from clap_complete, without the hidden ones.
    let top = at("svcdesk ");
    assert!(top.contains(&"ticket".to_string()), "{top:?}");
    assert!(!top.contains(&"__complete".to_string()), "{top:?}");
    assert!(fish_complete(desk.tmp.path(), "svcdesk ticket show T").is_empty());
}
