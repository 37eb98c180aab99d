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
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "svcdesk", &mut buf);
    cx.print(&String::from_utf8_lossy(&buf))?;
    Ok(0)
}

/// Writes svcdesk.1 and one page per command (svcdesk-ticket-open.1, ...).
pub fn man(cx: &mut Context, a: ManArgs) -> Result<u8> {
    let dir = cx.cwd.join(&a.dir);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    // clap shows an environment variable's current value in help; the checked-in pages
    // must not depend on who generated them.
    for var in ["SVCDESK_DIR", "SVCDESK_USER"] {
        // SAFETY: single-threaded here; nothing else reads the environment concurrently.
        unsafe { std::env::remove_var(var) };
    }
    let cmd = Cli::command().disable_help_subcommand(true);
    clap_mangen::generate_to(cmd, &dir).map_err(|e| Error::io(&dir, e))?;
    eprintln!("man pages written to {}", dir.display());
    Ok(0)
}
