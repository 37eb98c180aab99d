//! Whether git can actually run svcdesk's merge driver for this desk, and registering it
//! once per user (`svcdesk git setup --global`, like `git lfs install`).
//!
//! A clone does not copy `.git/config`, and a binary can move: then git silently merges
//! record files its own way (or, if the driver program is gone, leaves our side without
//! markers). So every write and `check` ask, cheaply, whether the driver would work.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::setup::{Done, driver_command, shell_quote};
use crate::check::Problem;
use crate::error::{Error, Result};

/// The command name the global registration uses when it is on PATH.
pub const PROGRAM: &str = "svcdesk";

/// Whether the desk's `.gitattributes` sends files to the `svcdesk` merge driver.
pub fn wanted(root: &Path) -> bool {
    std::fs::read_to_string(root.join(".gitattributes")).is_ok_and(|t| {
        t.lines()
            .any(|l| !l.trim_start().starts_with('#') && l.contains("merge=svcdesk"))
    })
}

/// What is wrong with the merge driver git would use for the desk at `root`, as a
/// message with the command that fixes it; None when it would work or is not wanted.
/// Costs one read of `.gitattributes` and, only if it names the driver, one
/// `git config --get`. Nothing is cached: the answer could go stale.
pub fn problem(root: &Path) -> Option<String> {
    if !wanted(root) {
        return None;
    }
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["config", "--show-scope", "--get", "merge.svcdesk.driver"])
        .output()
        .ok()?; // no git at all: nothing merges, nothing to warn about
    let text = String::from_utf8_lossy(&out.stdout);
    let (scope, command) = text.trim_end().split_once('\t').unwrap_or(("", ""));
    let fix = if scope == "local" || scope == "worktree" {
        // A broken repository-level entry overrides a good global one.
        "run `svcdesk git setup` in the desk to register it again"
    } else {
        "run `svcdesk git setup --global` once (or `svcdesk git setup` in this clone)"
    };
    if !out.status.success() || command.trim().is_empty() {
        return Some(format!(
            ".gitattributes merges record files with svcdesk, but git has no merge.svcdesk.driver configured, so a merge would not use it; {fix}"
        ));
    }
    let program = first_word(command);
    if runnable(&program).is_none() {
        return Some(format!(
            "git's merge.svcdesk.driver runs `{program}`, which is not an executable program, so a merge would leave record files unmerged; {fix}"
        ));
    }
    None
}

/// The first word of a `sh` command line, unquoted (`'a b'/x`, `"a"`, `a\ b`).
fn first_word(cmd: &str) -> String {
    let mut word = String::new();
    let mut chars = cmd.trim_start().chars();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, c) if c.is_whitespace() => break,
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None | Some('"'), '\\') => {
                if let Some(n) = chars.next() {
                    word.push(n);
                }
            }
            (_, c) => word.push(c),
        }
    }
    word
}

/// The executable a program name means: a path as given, a bare name looked up on PATH.
pub fn runnable(program: &str) -> Option<PathBuf> {
    let is_exe = |p: &Path| {
        std::fs::metadata(p).is_ok_and(|m| {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                m.is_file() && m.permissions().mode() & 0o111 != 0
            }
            #[cfg(not(unix))]
            {
                m.is_file()
            }
        })
    };
    if program.is_empty() {
        return None;
    }
    if program.contains('/') {
        let p = PathBuf::from(program);
        return is_exe(&p).then_some(p);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(program))
        .find(|p| is_exe(p))
}

/// `svcdesk git setup --global`: the driver in the user's git config, by the name
/// `svcdesk` when that is on PATH (so it follows upgrades), else by `exe`'s path.
pub fn setup_global(exe: &Path) -> Result<Done> {
    let command = if runnable(PROGRAM).is_some() {
        super::setup::driver_command_of(PROGRAM)
    } else {
        driver_command(exe)
    };
    let mut done = Done::default();
    let mut changed = false;
    for (key, value) in [
        (
            "merge.svcdesk.name",
            "svcdesk record merge (events unioned, fields three-way)",
        ),
        ("merge.svcdesk.driver", command.as_str()),
    ] {
        let cur = git(&["config", "--global", "--get", key])?;
        if String::from_utf8_lossy(&cur.stdout).trim_end_matches('\n') != value {
            let o = git(&["config", "--global", key, value])?;
            if !o.status.success() {
                return Err(Error::invalid(format!(
                    "git config --global {key} failed: {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                )));
            }
            changed = true;
        }
    }
    done.steps.push(format!(
        "merge driver: {} in your git config for every repository ({command})",
        if changed {
            "registered"
        } else {
            "already registered"
        }
    ));
    if !command.starts_with(PROGRAM) {
        done.warnings.push(format!(
            "svcdesk is not on PATH, so the driver names {}; run this again if you move it",
            shell_quote(&exe.to_string_lossy())
        ));
    }
    Ok(done)
}

fn git(args: &[&str]) -> Result<std::process::Output> {
    Command::new("git").args(args).output().map_err(|e| {
        Error::invalid_with_hint(
            format!("cannot run git: {e}"),
            "install git, or put it on PATH",
        )
    })
}

/// Files git holds unmerged in the index under `root` (`git ls-files -u`), relative to
/// `root`; empty outside a repository or without git.
pub fn unmerged(root: &Path) -> Vec<PathBuf> {
    let Ok(o) = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["ls-files", "-u", "-z"])
        .output()
    else {
        return Vec::new();
    };
    if !o.status.success() {
        return Vec::new();
    }
    let mut files: Vec<PathBuf> = o
        .stdout
        .split(|b| *b == 0)
        .filter_map(|entry| {
            let entry = String::from_utf8_lossy(entry);
            entry.split_once('\t').map(|(_, p)| PathBuf::from(p))
        })
        .collect();
    files.dedup();
    files
}

/// `check`'s git faults: files git holds unmerged (a conflict not finished, or a merge
/// whose driver could not run and left our side as if nothing came in), each an error.
pub fn conflict_problems(root: &Path) -> Vec<Problem> {
    unmerged(root)
        .into_iter()
        .map(|path| Problem {
            path,
            line: None,
            column: None,
            message: "unmerged in git: a merge left this file in conflict (or its merge driver could not run); merge both sides by hand, then `git add` it".into(),
        })
        .collect()
}

/// How one run of git's merge driver went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileMerge {
    Clean,
    /// Markers are in the file; why.
    Conflict(String),
    /// A version is not UTF-8 text: ours is left as it is, for a manual merge.
    NotText,
}

/// What `svcdesk merge-driver %O %A %B` does: merges the three versions of one record
/// file into `ours`, which is rewritten only when the merge changed it.
pub fn merge_files(base: &Path, ours: &Path, theirs: &Path) -> Result<FileMerge> {
    let read = |p: &Path| std::fs::read(p).map_err(|e| Error::io(p, e));
    let (b, o, t) = (read(base)?, read(ours)?, read(theirs)?);
    let (Ok(b), Ok(o), Ok(t)) = (
        String::from_utf8(b),
        String::from_utf8(o),
        String::from_utf8(t),
    ) else {
        return Ok(FileMerge::NotText);
    };
    let merged = super::merge::merge(&b, &o, &t);
    if merged.text() != o {
        std::fs::write(ours, merged.text()).map_err(|e| Error::io(ours, e))?;
    }
    Ok(match merged {
        super::merge::Merged::Clean(_) => FileMerge::Clean,
        super::merge::Merged::Conflict { reason, .. } => FileMerge::Conflict(reason),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_program_is_the_first_shell_word() {
        assert_eq!(first_word("svcdesk merge-driver %O"), "svcdesk");
        assert_eq!(
            first_word("'/opt/my tools/svcdesk' merge-driver"),
            "/opt/my tools/svcdesk"
        );
        assert_eq!(first_word("'/a/it'\\''s/svcdesk' x"), "/a/it's/svcdesk");
        assert_eq!(first_word("/usr/bin/svcdesk"), "/usr/bin/svcdesk");
    }
}
