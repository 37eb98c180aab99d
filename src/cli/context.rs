//! What every command needs besides its own arguments: the desk, who acts and when,
//! stdout, and what to commit and which hooks to run once the command is done.

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, Timelike, Utc};
use svcdesk::desk::{self, Desk};
use svcdesk::hooks::HookEvent;
use svcdesk::{Error, Result};

use super::warn;

/// What every command needs besides its own arguments (jj's CommandHelper).
pub struct Context {
    pub cwd: PathBuf,
    pub(super) desk_dir: Option<PathBuf>,
    pub actor: Option<String>,
    /// --lang or SVCDESK_LANG, when given.
    pub lang: Option<svcdesk::i18n::Lang>,
    /// SVCDESK_USER: who acts when the git identity names no staff member.
    pub env_user: Option<String>,
    pub(super) now: Option<String>,
    pub(super) no_cache: bool,
    /// --future: an --at time may lie ahead of now.
    pub(super) future: bool,
    pub out: std::io::StdoutLock<'static>,
    pub(super) commit: bool,
    /// Changes to commit once the command has succeeded: (desk root, message, files).
    pub(super) to_commit: Vec<(PathBuf, String, Vec<PathBuf>)>,
    /// Whether hooks run: not with --no-hooks, and not inside a hook (no chains).
    pub hooks: bool,
    /// Events written, for the hooks to hear once the command is done.
    pub(super) fired: Vec<(PathBuf, svcdesk::config::Hooks, HookEvent)>,
    /// Whether the one "hooks not run: not trusted" warning was given.
    pub(super) untrusted_warned: bool,
    /// The desk a command wrote to, to warn once if git could not merge it.
    pub(super) wrote: Option<PathBuf>,
}

impl Context {
    pub fn desk(&self) -> Result<Desk> {
        let mut desk = Desk::discover(self.desk_dir.as_deref(), &self.cwd)?;
        desk.use_cache = !self.no_cache;
        super::messages::set_lang(self.lang(&desk));
        finish_interrupted(&desk);
        Ok(desk)
    }

    pub fn actor(&self, desk: &Desk) -> Result<String> {
        Ok(self.who(desk)?.by)
    }

    /// Who acts and, with `--as`, who entered it (see `Desk::who`).
    pub fn who(&self, desk: &Desk) -> Result<desk::Who> {
        desk.who(self.actor.as_deref(), self.env_user.as_deref())
    }

    /// `--at` if given, else SVCDESK_NOW, else the clock.
    pub fn time(&self, desk: &Desk, at: Option<&str>) -> Result<DateTime<Utc>> {
        // Records keep whole seconds: finer is noise in a diff and in a ledger.
        let t = match at.or(self.now.as_deref()) {
            Some(s) => svcdesk::time::parse_time(s, desk.tz())?,
            None => Utc::now(),
        };
        Ok(t.with_nanosecond(0).unwrap_or(t))
    }

    /// When something being recorded happened: `--at` if given, else now (SVCDESK_NOW or
    /// the clock). An `--at` more than five minutes after now is refused as a usage error
    /// (a likely typo, which would make every later step look out of order) unless
    /// `--future` was given.
    pub fn at(&self, desk: &Desk, at: Option<&str>) -> Result<DateTime<Utc>> {
        let now = self.time(desk, None)?;
        let Some(given) = at else {
            return Ok(now);
        };
        let t = self.time(desk, Some(given))?;
        if !self.future {
            svcdesk::time::refuse_future(given, t, now, desk.tz()).map_err(|e| {
                let guess = e
                    .guess
                    .as_ref()
                    .map(|g| format!("did you mean --at \"{g}\"? "))
                    .unwrap_or_default();
                Error::usage(
                    format!("--at {e}"),
                    format!("{guess}To record a time ahead of now on purpose, add --future"),
                )
            })?;
        }
        Ok(t)
    }

    /// When a history entry is stamped: `--at` as given, else now (SVCDESK_NOW, else the
    /// clock) — decided by the library under the lock, never before the last entry.
    /// An `--at` in the future is refused as [`Context::at`] says.
    pub fn when(&self, desk: &Desk, at: Option<&str>) -> Result<desk::When> {
        Ok(match (at, self.now.as_deref()) {
            (Some(_), _) => desk::When::At(self.at(desk, at)?),
            (None, Some(s)) => desk::When::NowIs(svcdesk::time::parse_time(s, desk.tz())?),
            (None, None) => desk::When::Now,
        })
    }

    /// The language of what people read (tables, `show`, reports): --lang or
    /// SVCDESK_LANG, else the desk's `lang`.
    pub fn lang(&self, desk: &Desk) -> svcdesk::i18n::Lang {
        self.lang.unwrap_or(desk.config.lang)
    }

    /// The language of what scripts read (CSV headers and cells): English ids unless
    /// --lang or SVCDESK_LANG says otherwise; the desk's `lang` does not change them.
    pub fn script_lang(&self) -> svcdesk::i18n::Lang {
        self.lang.unwrap_or_default()
    }

    /// Table width: the terminal's, or COLUMNS when piped, else comfy-table's default.
    pub fn width(&self) -> Option<u16> {
        std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok())
    }

    /// Notes a change a command wrote, to be committed if --commit or `[git] commit`.
    pub fn changed(&mut self, desk: &Desk, message: String, files: Vec<PathBuf>) {
        self.wrote(desk);
        if self.commit || desk.config.git.commit {
            self.to_commit.push((desk.root.clone(), message, files));
        }
    }

    /// Notes that the command writes to `desk` (`changed` does this for you).
    pub fn wrote(&mut self, desk: &Desk) {
        self.wrote = Some(desk.root.clone());
    }

    /// Notes an event that is on disk, for the hooks that match it.
    pub fn fire(&mut self, desk: &Desk, ev: HookEvent) {
        if self.hooks && !desk.config.hooks.rule.is_empty() {
            self.fired
                .push((desk.root.clone(), desk.config.hooks.clone(), ev));
        }
    }

    pub fn print(&mut self, s: &str) -> Result<()> {
        // A closed pipe (`| head`) is not an error worth reporting.
        match self.out.write_all(s.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            r => r.map_err(|e| Error::io("<stdout>", e)),
        }
    }
}

/// Finishes an import a kill interrupted, before any command reads or writes, and says
/// what became of it. A desk that cannot be locked (read-only) is read as it is; a write
/// would meet the same error when it takes the lock.
fn finish_interrupted(desk: &Desk) {
    use svcdesk::desk::journal::Recovered;
    let done = match desk.finish_interrupted() {
        Ok(done) => done,
        Err(e) => {
            warn(&format!("an interrupted import could not be finished: {e}"));
            return;
        }
    };
    for r in done {
        match r {
            Recovered::RolledForward { run, moved } => warn(&format!(
                "finished an interrupted import ({run}): moved its last {moved} file(s) into place"
            )),
            Recovered::RolledBack { run, .. } => warn(&format!(
                "undid an import killed before it was complete ({run}): nothing of it was added"
            )),
            Recovered::Conflict {
                run,
                moved,
                kept,
                paths,
            } => warn(&format!(
                "finished an interrupted import ({run}), {moved} file(s) moved, but {} record(s) \
                 already existed at its paths; its copies are kept in {}",
                paths.len(),
                kept.display()
            )),
        }
    }
}
