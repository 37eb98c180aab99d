use std::path::PathBuf;

use svcdesk::config;
use svcdesk::desk::Desk;
use svcdesk::{Error, Result};

use super::Context;

/// Create a desk: svcdesk.toml with a commented default config, record folders, git files.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  svcdesk init                          # a desk in the current directory
  svcdesk init ~/desks/east --name '华东售后服务台' --timezone Asia/Shanghai

The config carries the DOMAIN's SLA policy (grades I/II/III, priorities high/medium/low),
a Mon–Fri 09:00–12:00, 13:30–18:00 calendar, departments and categories; edit it freely.
A new desk also gets two example templates in templates/ (`svcdesk template --help`).

With --lang zh (or en) the desk's `lang` is set; without, it is English and a Chinese time
zone gets `lang = \"zh\"` proposed in a comment.")]
pub struct Args {
    /// Directory to create the desk in (created if missing)
    /// [default: -C/--desk or SVCDESK_DIR if given, else the current directory]
    dir: Option<PathBuf>,
    /// The desk's name, shown in reports [default: the directory's name]
    #[arg(allow_hyphen_values = true, long)]
    name: Option<String>,
    /// IANA time zone, e.g. Asia/Shanghai [default: the machine's]
    #[arg(long, value_name = "ZONE")]
    timezone: Option<String>,
    /// Rewrite the config of an existing desk (records are never touched).
    #[arg(long)]
    force: bool,
    /// Also set the desk up for git: `git init` if needed and svcdesk's merge driver
    /// (what `svcdesk git setup` does).
    #[arg(long)]
    git: bool,
}

pub fn exec(cx: &mut Context, a: Args) -> Result<u8> {
    // `svcdesk -C DIR init` means "make DIR a desk", as `git -C DIR init` does.
    let dir = cx.cwd.join(
        a.dir
            .as_deref()
            .or(cx.desk_dir.as_deref())
            .unwrap_or(std::path::Path::new(".")),
    );
    let tz = match &a.timezone {
        Some(z) => config::parse_timezone(z).map_err(Error::invalid)?,
        None => config::machine_timezone(),
    };
    let name = a.name.clone().unwrap_or_else(|| {
        std::fs::canonicalize(&dir)
            .unwrap_or_else(|_| dir.clone())
            .file_name()
            .map_or_else(
                || "svcdesk".to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
    });
    let desk = Desk::init_lang(&dir, &name, tz, a.force, cx.lang)?;
    // The hooks it wrote are this user's own; hooks that come later, by an edit or a
    // pull, need `svcdesk hooks trust`.
    svcdesk::hooks::record_trust(&desk.root, &desk.config.hooks)?;
    cx.print(&format!(
        "Created desk \"{}\" in {} (time zone {}).\nNext: edit svcdesk.toml (staff, holidays), then `svcdesk customer add --name ...`.\n",
        desk.config.name,
        desk.root.display(),
        desk.tz()
    ))?;
    let proposed = svcdesk::i18n::Lang::for_time_zone(desk.tz().name());
    if cx.lang.is_none() && proposed != svcdesk::i18n::Lang::En {
        cx.print(&format!(
            "Language: en; for this time zone svcdesk proposes lang = \"{proposed}\" (uncomment it in svcdesk.toml, or `svcdesk --lang {proposed} init --force`).\n"
        ))?;
    }
    if a.git {
        return super::git::run_setup(cx, &desk.root, false);
    }
    Ok(0)
}
