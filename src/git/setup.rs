//! `svcdesk git setup`: make the desk a git repository (if it is not inside one), map the
//! record files to the `svcdesk` merge driver in `.gitattributes`, register the driver in
//! the repository's config, and optionally install a pre-commit hook running
//! `svcdesk check`. Every step is idempotent: a second run changes nothing.
//!
//! git is run as a real process. The driver is registered with the absolute path of the
//! running `svcdesk`, so merges work when svcdesk is not on PATH; `git clone` does not
//! copy `.git/config`, so run `svcdesk git setup` once in every clone.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::desk::store;
use crate::error::{Error, Result};

/// The lines `.gitattributes` needs (paths relative to the desk root, where the file is):
/// record files merge with svcdesk's driver, attached files are stored whole.
pub const ATTRIBUTES: [&str; 9] = [
    "customers/*.toml merge=svcdesk",
    "tickets/**/*.toml merge=svcdesk",
    "reports/**/*.toml merge=svcdesk",
    "worklog/*.toml merge=svcdesk",
    "measures/**/*.toml merge=svcdesk",
    "visits/**/*.toml merge=svcdesk",
    "schedules/*.toml merge=svcdesk",
    "intel/**/*.toml merge=svcdesk",
    crate::desk::attachments::GIT_ATTRIBUTE,
];

const ATTRIBUTES_COMMENT: &str =
    "# Record files merge with svcdesk's driver (`svcdesk git setup` registers it).";

/// The first line of the hook svcdesk installs, so a rerun recognizes its own hook.
pub const HOOK_MARK: &str = "# installed by `svcdesk git setup --hook`";

/// What setup did (or found already done), one line per step, for the user.
#[derive(Debug, Default)]
pub struct Done {
    pub steps: Vec<String>,
    /// Something the user must do by hand (e.g. merge a pre-existing hook).
    pub warnings: Vec<String>,
}

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| {
            Error::invalid_with_hint(
                format!("cannot run git: {e}"),
                "install git, or put it on PATH",
            )
        })
}

fn git_ok(dir: &Path, args: &[&str]) -> Result<String> {
    let o = git(dir, args)?;
    if !o.status.success() {
        return Err(Error::invalid(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&o.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&o.stdout)
        .trim_end_matches('\n')
        .to_string())
}

/// A word for `sh`: single-quoted unless it is plainly safe.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:,@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The driver command git runs: `<exe> merge-driver %O %A %B %P`.
pub fn driver_command(exe: &Path) -> String {
    driver_command_of(&shell_quote(&exe.to_string_lossy()))
}

/// The driver command for `program` (a shell word). git runs it with `sh`; when the
/// program cannot run at all (moved or deleted: exit 126 or 127), git would keep our side
/// alone and the other side's entries would be lost at the next commit. So the command
/// then falls back to a plain text merge with conflict markers and reports a conflict:
/// the merge stops, `svcdesk check` names the file, nothing is lost.
pub fn driver_command_of(program: &str) -> String {
    format!(
        "{program} merge-driver %O %A %B %P || {{ s=$?; [ $s -lt 126 ] && exit $s; \
         echo 'svcdesk merge driver could not run: left conflict markers; run `svcdesk git setup`' >&2; \
         git merge-file -L ours -L base -L theirs %A %O %B; exit 1; }}"
    )
}

/// Sets up git for the desk at `root`, with `exe` as the svcdesk to run.
pub fn setup(root: &Path, exe: &Path, hook: bool) -> Result<Done> {
    let mut done = Done::default();
    // 1. A repository: the desk's own, or one it lives inside.
    let inside = git(root, &["rev-parse", "--show-toplevel"])?;
    if inside.status.success() {
        done.steps.push(format!(
            "repository: {}",
            String::from_utf8_lossy(&inside.stdout).trim()
        ));
    } else {
        git_ok(root, &["init", "--quiet"])?;
        done.steps.push(format!(
            "repository: created with `git init` in {}",
            root.display()
        ));
    }

    // 2. .gitattributes in the desk root: add the missing lines, keep the rest.
    let path = root.join(".gitattributes");
    let old = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(&path, e)),
    };
    let missing: Vec<&str> = ATTRIBUTES
        .iter()
        .copied()
        .filter(|want| !old.lines().any(|l| l.trim() == *want))
        .collect();
    if missing.is_empty() {
        done.steps
            .push(".gitattributes: record files already use the svcdesk merge driver".into());
    } else {
        let mut text = old.clone();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        if !text.contains(ATTRIBUTES_COMMENT) {
            text.push_str(ATTRIBUTES_COMMENT);
            text.push('\n');
        }
        for l in &missing {
            text.push_str(l);
            text.push('\n');
        }
        store::write_atomic(&path, text.as_bytes())?;
        done.steps.push(format!(
            ".gitattributes: added {} line(s) mapping record files to merge=svcdesk",
            missing.len()
        ));
    }

    // 3. The driver, in this repository's own config (clones need their own setup).
    let want = [
        (
            "merge.svcdesk.name",
            "svcdesk record merge (events unioned, fields three-way)".to_string(),
        ),
        ("merge.svcdesk.driver", driver_command(exe)),
    ];
    let mut changed = false;
    for (key, value) in &want {
        let cur = git(root, &["config", "--local", "--get", key])?;
        let cur = String::from_utf8_lossy(&cur.stdout)
            .trim_end_matches('\n')
            .to_string();
        if &cur != value {
            git_ok(root, &["config", "--local", key, value])?;
            changed = true;
        }
    }
    done.steps.push(format!(
        "merge driver: {} ({})",
        if changed {
            "registered"
        } else {
            "already registered"
        },
        want[1].1
    ));

    // 4. Optionally, a pre-commit hook running `svcdesk check` on the desk.
    if hook {
        install_hook(root, exe, &mut done)?;
    }
    Ok(done)
}

fn install_hook(root: &Path, exe: &Path, done: &mut Done) -> Result<()> {
    let hooks = git_ok(root, &["rev-parse", "--git-path", "hooks"])?;
    let hooks = root.join(hooks);
    // Hooks run at the top of the work tree; the desk may be a folder inside it.
    let prefix = git_ok(root, &["rev-parse", "--show-prefix"])?;
    let desk_dir = if prefix.is_empty() {
        ".".to_string()
    } else {
        prefix.trim_end_matches('/').to_string()
    };
    let text = format!(
        "#!/bin/sh\n{HOOK_MARK}\n# Refuses a commit while `svcdesk check` finds problems (conflict markers, \
duplicate IDs, histories out of order ...).\nexec {} -C {} check\n",
        shell_quote(&exe.to_string_lossy()),
        shell_quote(&desk_dir)
    );
    let path: PathBuf = hooks.join("pre-commit");
    match std::fs::read_to_string(&path) {
        Ok(old) if old == text => {
            done.steps.push("pre-commit hook: already installed".into());
            return Ok(());
        }
        Ok(old) if !old.contains(HOOK_MARK) => {
            done.warnings.push(format!(
                "{} exists and is not svcdesk's; left unchanged. Add this line to it: {} -C {} check",
                path.display(),
                shell_quote(&exe.to_string_lossy()),
                shell_quote(&desk_dir)
            ));
            return Ok(());
        }
        _ => {}
    }
    store::write_atomic(&path, text.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| Error::io(&path, e))?;
    }
    done.steps
        .push(format!("pre-commit hook: installed ({})", path.display()));
    Ok(())
}

/// Commits exactly `paths` (records a command just wrote) with `message`, for
/// `--commit` / `[git] commit = true`. Other changes in the work tree stay uncommitted.
pub fn commit(root: &Path, message: &str, paths: &[std::path::PathBuf]) -> Result<()> {
    if git(root, &["rev-parse", "--git-dir"]).map(|o| !o.status.success())? {
        return Err(Error::invalid_with_hint(
            format!(
                "{} is not in a git repository, so the change cannot be committed",
                root.display()
            ),
            "run `svcdesk git setup` once, or drop --commit / [git] commit",
        ));
    }
    let rel: Vec<String> = paths
        .iter()
        .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
        .collect();
    let mut add = vec!["add", "--"];
    add.extend(rel.iter().map(String::as_str));
    git_ok(root, &add)?;
    let mut commit = vec!["commit", "-q", "-m", message, "--"];
    commit.extend(rel.iter().map(String::as_str));
    git_ok(root, &commit)?;
    Ok(())
}
