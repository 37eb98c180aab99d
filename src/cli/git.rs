//! `svcdesk git setup` and the hidden `svcdesk merge-driver` git runs during a merge.

use std::path::PathBuf;

use svcdesk::git::driver::FileMerge;
use svcdesk::git::setup;
use svcdesk::{Error, Result};

use super::Context;

pub const GIT_HELP: &str = "\
How concurrent work merges (git runs `svcdesk merge-driver` for record files):
  lists       a ticket's or measure's [[event]]s, a customer's [[log]], a work log's
              [[entry]]s merge three ways: new entries of both sides kept (the same one
              once), an entry one side removed (git revert) stays removed, a redacted
              copy wins over an unredacted one. One order whoever merges: time, then
              content, never swapping two entries of the same side.
  tickets,    the fields are re-derived from the merged history. Events that then do
  measures    not apply (e.g. both sides accepted) are marked as a conflict, only they;
              `svcdesk check` reports them by line until resolved by hand.
  customers,  each field merges three ways: a change on one side wins; the same change on
  reports     both is taken once; different changes to the same field are a conflict
              (markers around that field, git reports it). Tags merge as sets.
  comments    from both sides survive; the bytes are the same whichever clone merges.

`git clone` does not copy .git/config: run `svcdesk git setup` once in every clone, or
`svcdesk git setup --global` once per user (like `git lfs install`). `git setup` registers
the absolute path of this svcdesk, so it works without svcdesk on PATH; `--global`
registers the name `svcdesk` when it is on PATH. Every write and `check` warn, with the
command to run, when .gitattributes names the driver but git could not run it.

Examples:
  svcdesk git setup                 # in the desk: git init if needed, merge driver
  svcdesk git setup --hook          # also a pre-commit hook running `svcdesk check`
  svcdesk git setup --global        # once per user: the driver for every clone
  svcdesk init mydesk --git         # a new desk, set up the same way";

#[derive(clap::Subcommand)]
pub enum Command {
    /// Make the desk a git repository with svcdesk's merge driver (idempotent; run in every clone).
    #[command(after_help = GIT_HELP)]
    Setup(SetupArgs),
}

#[derive(clap::Args)]
pub struct SetupArgs {
    /// Also install a pre-commit hook that runs `svcdesk check` (an existing hook is left alone).
    #[arg(long)]
    pub hook: bool,
    /// Register the merge driver once for your user (~/.gitconfig), for every clone, as
    /// `svcdesk` on PATH (or this binary's path if it is not on PATH); needs no desk.
    #[arg(long, conflicts_with = "hook")]
    pub global: bool,
}

/// `svcdesk merge-driver %O %A %B %P`: what git runs to merge one record file.
#[derive(clap::Args)]
pub struct MergeDriverArgs {
    /// The common ancestor's version (git's %O).
    base: PathBuf,
    /// Our version (git's %A); the result is written here.
    ours: PathBuf,
    /// Their version (git's %B).
    theirs: PathBuf,
    /// The file's path in the repository (git's %P), for messages.
    path: Option<String>,
}

pub fn exec(cx: &mut Context, c: Command) -> Result<u8> {
    match c {
        Command::Setup(a) if a.global => {
            let done = svcdesk::git::driver::setup_global(&this_exe()?)?;
            print_done(cx, &done)?;
            Ok(0)
        }
        Command::Setup(a) => {
            let desk = cx.desk()?;
            run_setup(cx, &desk.root, a.hook)
        }
    }
}

/// Shared by `git setup` and `init --git`.
pub fn run_setup(cx: &mut Context, root: &std::path::Path, hook: bool) -> Result<u8> {
    let done = setup::setup(root, &this_exe()?, hook)?;
    print_done(cx, &done)?;
    Ok(0)
}

/// This svcdesk, as git is to run it for merges.
fn this_exe() -> Result<PathBuf> {
    let exe = std::env::current_exe()
        .map_err(|e| Error::invalid(format!("cannot find the svcdesk executable: {e}")))?;
    Ok(std::fs::canonicalize(&exe).unwrap_or(exe))
}

fn print_done(cx: &mut Context, done: &setup::Done) -> Result<()> {
    let mut out = String::new();
    for s in &done.steps {
        out.push_str(s);
        out.push('\n');
    }
    cx.print(&out)?;
    for w in &done.warnings {
        super::warn(w);
    }
    Ok(())
}

pub fn merge_driver(_cx: &mut Context, a: MergeDriverArgs) -> Result<u8> {
    let name = a
        .path
        .clone()
        .unwrap_or_else(|| a.ours.display().to_string());
    match svcdesk::git::driver::merge_files(&a.base, &a.ours, &a.theirs)? {
        FileMerge::Clean => Ok(super::EXIT_OK),
        FileMerge::Conflict(reason) => {
            eprintln!("svcdesk merge-driver: {name}: conflict: {reason}");
            Ok(super::EXIT_FAILURE)
        }
        FileMerge::NotText => {
            // Ours is left as it is; git reports the conflict.
            eprintln!("svcdesk merge-driver: {name}: not UTF-8 text; left for a manual merge");
            Ok(super::EXIT_FAILURE)
        }
    }
}
