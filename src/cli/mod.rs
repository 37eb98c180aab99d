//! Command-line layer: clap definitions and rendering, one file per command group.
//! Each `exec` parses what the user gave, calls the library, and prints the result.

mod audit;
mod check;
mod complete;
mod customer;
mod docs;
mod export;
mod git;
mod hooks;
mod import;
mod init;
mod ledger;
mod measure;
mod output;
mod report;
mod sla;
mod stats;
mod ticket;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Timelike, Utc};
use clap::{Parser, Subcommand};
use svcdesk::desk::{self, Desk};
use svcdesk::hooks::HookEvent;
use svcdesk::{Error, Result};

pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILURE: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
/// A bug in svcdesk (a panic), as sysexits' EX_SOFTWARE; nothing a user typed causes it.
pub const EXIT_INTERNAL: u8 = 70;

// Macros, not consts, so that `concat!` can build AFTER_HELP from them: `--help` and the
// ENVIRONMENT and EXIT STATUS sections of svcdesk(1) share one text.
macro_rules! environment_text {
    () => {
        "  SVCDESK_DIR     the desk to use (like -C)
  SVCDESK_USER    who is acting when your git user.email is no staff member's `email`
  SVCDESK_NOW     the current time, for replaying or testing (e.g. 2026-11-24T09:30:00+08:00);
                  an --at more than 5 minutes after it is refused unless --future is given
  EDITOR, VISUAL  the editor for a ticket description when neither -m nor -F is given
  COLUMNS         table width when output is not a terminal
  NO_COLOR        set to anything to turn colour off (colour is used only on a terminal)
  SVCDESK_HOOK    set in a hook's environment; svcdesk commands run by a hook run no hooks
  SVCDESK_TRUST_HOOKS  set to 1 to trust whatever [hooks] svcdesk.toml has (CI, containers
                  that build the desk themselves); else hooks run only as `svcdesk hooks
                  trust` allowed them in this clone
  SVCDESK_NO_CACHE  set (to anything but 0) to read every ticket file, not the cache in
                  .svcdesk/cache; answers are the same (for timing or debugging)"
    };
}
macro_rules! exit_codes_text {
    () => {
        "  0   success
  1   failure: an error was reported, `check` found problems, or `audit` found events
      their commits do not vouch for
  2   usage: unknown command or option, or a malformed value given on the command line
      (a date, time, month, week, quarter, duration, hours or amount); also an --at time
      more than 5 minutes after now (a likely typo) without --future. The same value
      malformed inside a record or svcdesk.toml is a failure (1)
  70  internal error: a bug in svcdesk; please report it with the command that caused it
  A hook (svcdesk.toml [hooks]) that fails is a warning on stderr; it never changes the code.
  `sla check` alone uses 0 ok, 1 at risk, 2 breached, 3 error (see `svcdesk sla check --help`)."
    };
}

macro_rules! examples_text {
    () => {
        "  svcdesk init mydesk --name '华东售后服务台' --timezone Asia/Shanghai
  cd mydesk && export SVCDESK_USER=li
  c=$(svcdesk customer add --name '华东机械有限公司' --phone 021-5555-0101)
  t=$(svcdesk ticket open --customer \"$c\" --category complaint -m 'engineer left early')
  svcdesk ticket grade \"$t\" II && svcdesk ticket accept \"$t\"
  svcdesk ticket list --open --overdue
  svcdesk sla check                      # from cron; exit 0 ok, 1 at risk, 2 breached
  svcdesk ledger service --month last > ledger.csv"
    };
}

/// A first session; also EXAMPLES in svcdesk(1).
pub const EXAMPLES: &str = examples_text!();
/// The environment variables every command reads.
pub const ENVIRONMENT: &str = environment_text!();
/// Exit codes of every command.
pub const EXIT_CODES: &str = exit_codes_text!();

const AFTER_HELP: &str = concat!(
    "Examples:\n",
    examples_text!(),
    "\n\nEnvironment:\n",
    environment_text!(),
    "\n\nExit codes:\n",
    exit_codes_text!(),
    "\n\nManual pages: svcdesk(1), svcdesk-config(5), svcdesk-csv(7), svcdesk-states(7), svcdesk-sla(7).
Start with `svcdesk init mydesk`, then `svcdesk customer add --help`."
);

#[derive(Parser)]
#[command(
    name = "svcdesk",
    version,
    about = "After-sales service and complaint desk kept as TOML files in a git-friendly folder",
    long_about = "svcdesk keeps customers (客户档案), tickets (反馈工单 / 顾客投诉处理通知单), \
field-service reports (现场服务完成情况汇报) and improvement measures (改进措施) as TOML \
files in a directory tree, the desk. \
Commands find the desk like git finds a repository.",
    after_help = AFTER_HELP
)]
pub struct Cli {
    /// Use the desk in DIR instead of searching upwards from the current directory.
    #[arg(
        short = 'C',
        long = "desk",
        global = true,
        value_name = "DIR",
        env = "SVCDESK_DIR"
    )]
    desk: Option<PathBuf>,

    /// Commit each change to git as it is made (also `[git] commit = true` in svcdesk.toml).
    #[arg(long, global = true)]
    commit: bool,

    /// Do not run the `[hooks]` of svcdesk.toml for this command (e.g. for a bulk fix-up).
    #[arg(long, global = true)]
    no_hooks: bool,

    /// Accept an --at time more than 5 minutes after now (else refused as a likely typo, e.g. 2062 for 2026).
    #[arg(long, global = true)]
    future: bool,

    /// Enter work on behalf of this staff member: recorded as `by`, and you (your git
    /// identity) as `entered_by`. Without it you act as the staff member whose `email` is
    /// your git user.email, else as SVCDESK_USER.
    #[arg(long = "as", global = true, value_name = "STAFF")]
    actor: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a desk: svcdesk.toml with a commented default config, record folders, git files.
    Init(init::Args),
    /// Customers (客户档案) and their communication log (沟通记录).
    #[command(
        subcommand,
        after_help = "Examples:
  svcdesk customer add --name '华东机械有限公司' --contact 张伟 --phone 021-5555-0101
  svcdesk customer list --industry manufacturing
  svcdesk customer note K7Q2 --with 张伟 --channel visit -m 'wants a quote for X300'"
    )]
    Customer(customer::Command),
    /// Tickets (反馈工单 / 顾客投诉处理通知单): open, grade, route, work, resolve, close.
    #[command(subcommand, after_help = ticket::STATES)]
    Ticket(ticket::Command),
    /// Compensation (补偿/赔款) on a ticket: request, finance review, GM approval.
    #[command(
        subcommand,
        after_help = "Examples:
  svcdesk comp request 9XWM --amount 500 --kind coupon
  svcdesk --as zhao comp review 9XWM          # finance (role finance)
  svcdesk --as chen comp approve 9XWM         # general manager (role gm)

A ticket cannot be closed while a request awaits review or the GM's decision."
    )]
    Comp(ticket::CompCommand),
    /// Field-service reports (现场服务完成情况汇报) and the engineers' work log.
    #[command(
        subcommand,
        after_help = "Examples:
  svcdesk report list --month last --engineer wang
  svcdesk report log --hours 1.5 --ticket 9XWM -m 'remote follow-up'
  svcdesk report weekly --week last"
    )]
    Report(report::Command),
    /// Improvement measures (改进措施): problem, source, measure, owner, due date, follow-up.
    #[command(subcommand, after_help = measure::MEASURE_HELP)]
    Measure(measure::Command),
    /// Monthly ledgers (台账) as CSV: `ledger service` (技术服务台账), `ledger tickets` (受理跟踪反馈表)
    #[command(
        subcommand,
        after_help = "Examples:
  svcdesk ledger service --month last > 技术服务台账.csv
  svcdesk ledger tickets --month 2026-11 --excel > 客户服务受理跟踪反馈表.csv"
    )]
    Ledger(ledger::Command),
    /// 月份统计报表: opened, closed, backlog, SLA %, response and resolve times, satisfaction.
    #[command(after_help = stats::AFTER_HELP)]
    Stats(stats::Args),
    /// Every ticket, event, customer or report as CSV or JSON.
    #[command(after_help = export::export_help())]
    Export(export::ExportArgs),
    /// Bring a customer spreadsheet (CSV) into the desk, every row checked first.
    #[command(after_help = import::IMPORT_HELP)]
    Import(import::ImportArgs),
    /// SLA deadlines: `sla check` for cron (exit 0 ok, 1 at risk, 2 breached, 3 error), `sla status`.
    #[command(subcommand, after_long_help = sla::SLA_RULES)]
    Sla(sla::Command),
    /// Check every record: syntax (file:line:column), schema, fields, IDs, references, history.
    Check(check::Args),
    /// Check each event in git against the commit (and signature) that introduced it.
    Audit(audit::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(docs::CompletionsArgs),
    /// Hooks of svcdesk.toml: `hooks status` shows them and whether this clone trusts them, `hooks trust`.
    #[command(subcommand, after_help = hooks::HOOKS_HELP)]
    Hooks(hooks::Command),
    /// Write the man pages (used to regenerate man/; see README).
    #[command(hide = true)]
    Man(docs::ManArgs),
    /// Git collaboration: `git setup` registers svcdesk's merge driver for record files.
    #[command(
        subcommand,
        after_help = "Examples:
  svcdesk git setup --hook          # once in every clone; see `svcdesk git setup --help`"
    )]
    Git(git::Command),
    /// Merge one record file for git (`svcdesk merge-driver %O %A %B %P`; see `git setup`).
    #[command(hide = true)]
    MergeDriver(git::MergeDriverArgs),
    /// Print completion candidates from the desk (called by the completion scripts).
    #[command(name = "__complete", hide = true)]
    Complete(complete::Args),
}

/// What every command needs besides its own arguments (jj's CommandHelper).
pub struct Context {
    pub cwd: PathBuf,
    desk_dir: Option<PathBuf>,
    pub actor: Option<String>,
    /// SVCDESK_USER: who acts when the git identity names no staff member.
    pub env_user: Option<String>,
    now: Option<String>,
    no_cache: bool,
    /// --future: an --at time may lie ahead of now.
    future: bool,
    pub out: std::io::StdoutLock<'static>,
    commit: bool,
    /// Changes to commit once the command has succeeded: (desk root, message, files).
    to_commit: Vec<(PathBuf, String, Vec<PathBuf>)>,
    /// Whether hooks run: not with --no-hooks, and not inside a hook (no chains).
    pub hooks: bool,
    /// Events written, for the hooks to hear once the command is done.
    fired: Vec<(PathBuf, svcdesk::config::Hooks, HookEvent)>,
    /// Whether the one "hooks not run: not trusted" warning was given.
    untrusted_warned: bool,
    /// The desk a command wrote to, to warn once if git could not merge it.
    wrote: Option<PathBuf>,
}

impl Context {
    pub fn desk(&self) -> Result<Desk> {
        let mut desk = Desk::discover(self.desk_dir.as_deref(), &self.cwd)?;
        desk.use_cache = !self.no_cache;
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
            Some(s) => desk::parse_time(s, desk.tz())?,
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
            desk::refuse_future(given, t, now, desk.tz())?;
        }
        Ok(t)
    }

    /// When a history entry is stamped: `--at` as given, else now (SVCDESK_NOW, else the
    /// clock) — decided by the library under the lock, never before the last entry.
    /// An `--at` in the future is refused as [`Context::at`] says.
    pub fn when(&self, desk: &Desk, at: Option<&str>) -> Result<desk::When> {
        Ok(match (at, self.now.as_deref()) {
            (Some(_), _) => desk::When::At(self.at(desk, at)?),
            (None, Some(s)) => desk::When::NowIs(desk::parse_time(s, desk.tz())?),
            (None, None) => desk::When::Now,
        })
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

/// Runs the command; a panic (a bug) becomes one plain error line and exit code 70, never
/// a Rust panic message or backtrace. Unwinding (not exiting in the hook) lets the desk
/// lock and temporary files be cleaned up on the way out.
pub fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let p = info.payload();
        let msg = p
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| p.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("unexpected failure");
        let at = info
            .location()
            .map(|l| format!(" (at {}:{})", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("error: internal error: {msg}{at}");
        eprintln!(
            "hint: this is a bug in svcdesk {}; please report it with the command you ran",
            env!("CARGO_PKG_VERSION")
        );
    }));
    std::panic::catch_unwind(run).unwrap_or(ExitCode::from(EXIT_INTERNAL))
}

fn run() -> ExitCode {
    // An empty variable means "not set", as for most tools; clap would call it a usage error.
    for var in ["SVCDESK_DIR", "SVCDESK_USER"] {
        if std::env::var_os(var).is_some_and(|v| v.is_empty()) {
            // SAFETY: still single-threaded; nothing else reads the environment yet.
            unsafe { std::env::remove_var(var) };
        }
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    EXIT_OK
                }
                _ => EXIT_USAGE,
            });
        }
    };
    // The only way to reach exit 70 on purpose: tests/exit_codes.rs proves that a bug
    // ends as one plain error line and code 70, never a Rust panic message.
    if std::env::var_os("SVCDESK_TEST_PANIC").is_some() {
        panic!("SVCDESK_TEST_PANIC is set");
    }
    let cwd = match std::env::current_dir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: cannot read the current directory: {e}");
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    let mut cx = Context {
        cwd,
        desk_dir: cli.desk,
        actor: cli.actor,
        env_user: std::env::var("SVCDESK_USER").ok().filter(|s| !s.is_empty()),
        now: std::env::var("SVCDESK_NOW").ok().filter(|s| !s.is_empty()),
        no_cache: std::env::var_os("SVCDESK_NO_CACHE").is_some_and(|v| !v.is_empty() && v != "0"),
        future: cli.future,
        out: std::io::stdout().lock(),
        commit: cli.commit,
        to_commit: Vec::new(),
        hooks: !cli.no_hooks && std::env::var_os(svcdesk::hooks::IN_HOOK_VAR).is_none(),
        fired: Vec::new(),
        untrusted_warned: false,
        wrote: None,
    };
    let result = match cli.command {
        Command::Init(a) => init::exec(&mut cx, a),
        Command::Customer(c) => customer::exec(&mut cx, c),
        Command::Ticket(c) => ticket::exec(&mut cx, c),
        Command::Comp(c) => ticket::exec_comp(&mut cx, c),
        Command::Report(c) => report::exec(&mut cx, c),
        Command::Measure(c) => measure::exec(&mut cx, c),
        Command::Ledger(c) => ledger::exec(&mut cx, c),
        Command::Stats(a) => stats::exec(&mut cx, a),
        Command::Export(a) => export::export(&mut cx, a),
        Command::Import(a) => import::import(&mut cx, a),
        Command::Check(a) => check::exec(&mut cx, a),
        Command::Hooks(c) => hooks::exec(&mut cx, c),
        Command::Audit(a) => audit::exec(&mut cx, a),
        Command::Sla(c) => sla::exec(&mut cx, c),
        Command::Completions(a) => docs::completions(&mut cx, a),
        Command::Man(a) => docs::man(&mut cx, a),
        Command::Git(c) => git::exec(&mut cx, c),
        Command::MergeDriver(a) => git::merge_driver(&mut cx, a),
        Command::Complete(a) => complete::exec(&mut cx, a),
    };
    let _ = cx.out.flush();
    // Commit only what succeeded; the records are written either way, so a failed commit
    // says so and leaves them for the user to commit.
    let result = result.and_then(|code| {
        for (root, message, files) in std::mem::take(&mut cx.to_commit) {
            svcdesk::git::setup::commit(&root, &message, &files).map_err(|e| {
                let hint = e
                    .hint()
                    .unwrap_or_else(|| "commit them with git yourself".into());
                Error::invalid_with_hint(
                    format!("written but not committed: {e}"),
                    format!("the records are saved; {hint}"),
                )
            })?;
        }
        Ok(code)
    });
    // A desk whose .gitattributes names svcdesk's merge driver but whose git cannot run
    // it would merge wrongly later, silently: say so at the write, with the fix.
    if let Some(root) = cx.wrote.take()
        && let Some(w) = svcdesk::git::driver::problem(&root)
    {
        warn(&w);
    }
    // Last, so that people are told only of what is on disk (and committed, if asked).
    // Whatever a hook does, the command's own result and exit code stand.
    hooks::run_fired(&mut cx);
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            report(&e);
            ExitCode::from(if e.is_usage() {
                EXIT_USAGE
            } else {
                EXIT_FAILURE
            })
        }
    }
}

pub fn report(e: &Error) {
    eprintln!("error: {e}");
    if let Some(h) = e.hint() {
        eprintln!("hint: {h}");
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

pub fn warn(msg: &str) {
    eprintln!("warning: {msg}");
}

/// Warns of a filter value (`--category complaints`) that the desk's config does not
/// know, with the nearest name it does (case-blind): a typo would otherwise give an
/// empty list that reads as an answer. The filter still applies as given, since older
/// records may carry a name the config has since dropped.
pub fn warn_unknown_filter<'a>(
    option: &str,
    values: &[String],
    known: impl IntoIterator<Item = &'a str> + Clone,
) {
    for v in values {
        if known.clone().into_iter().any(|k| k == v) {
            continue;
        }
        let guess = desk::nearest(v, known.clone())
            .map(|k| format!("; did you mean `{option} {k}`?"))
            .unwrap_or_default();
        warn(&format!(
            "{option} \"{}\" is not in svcdesk.toml, so only records that still carry it match{guess}",
            svcdesk::error::shown(v)
        ));
    }
}

/// `--skip-bad`: leave out record files that cannot be read, naming each on stderr.
pub const SKIP_BAD_HELP: &str =
    "Leave out record files that cannot be read (each is named on stderr) instead of failing";

/// With `--skip-bad`, names each file left out; a summary never skips silently.
pub fn skipped(bad: &[Error]) {
    for e in bad {
        warn(&format!("skipped {e}"));
    }
}

/// A summary that failed on bad record files offers `--skip-bad`.
pub fn offer_skip_bad(e: Error) -> Error {
    match e {
        Error::BadRecords { .. } => Error::invalid_with_hint(
            e.to_string(),
            "fix them (`svcdesk check` lists every problem), or pass --skip-bad to go on without them",
        ),
        e => e,
    }
}
