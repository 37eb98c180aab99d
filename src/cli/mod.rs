//! Command-line layer: clap definitions and rendering, one file per command group.
//! Each `exec` parses what the user gave, calls the library, and prints the result.

mod audit;
mod check;
mod complete;
mod context;
mod customer;
mod docs;
mod export;
mod git;
mod help;
mod hints;
mod hooks;
mod import;
mod init;
mod intake;
mod intel;
mod ledger;
mod measure;
mod messages;
mod output;
mod people;
mod report;
mod schedule;
mod sla;
mod stats;
mod stats_text;
mod template;
mod ticket;
mod values;
mod visit;
mod workbook;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use svcdesk::Error;

pub use self::context::Context;
use self::help::AFTER_HELP;
pub use self::help::{ENVIRONMENT, EXAMPLES, EXIT_CODES};
pub use self::messages::{
    SKIP_BAD_HELP, offer_skip_bad, report, skipped, warn, warn_unknown_filter,
};

pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILURE: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
/// A bug in svcdesk (a panic), as sysexits' EX_SOFTWARE; nothing a user typed causes it.
pub const EXIT_INTERNAL: u8 = 70;

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

    /// Language for people: en or zh (简体中文) tables, `show` labels and reports [default:
    /// the desk's `lang`, else en]. Given (or SVCDESK_LANG), CSV header rows follow it too
    /// (and `ticket list` cells); JSON keeps ids. With `init`: the desk's `lang`.
    #[arg(
        long,
        global = true,
        value_name = "LANG",
        env = "SVCDESK_LANG",
        value_parser = values::lang()
    )]
    lang: Option<svcdesk::i18n::Lang>,

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
    /// Bring a customer or ticket sheet (CSV, .xlsx, .xls, .ods) into the desk, every row checked first.
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
    /// Reusable texts (templates/NAME.md) for `ticket respond|note|plan|open --template`.
    #[command(subcommand, after_help = template::TEMPLATE_HELP)]
    Template(template::Command),
    /// Merge one record file for git (`svcdesk merge-driver %O %A %B %P`; see `git setup`).
    #[command(hide = true)]
    MergeDriver(git::MergeDriverArgs),
    /// Print completion candidates from the desk (called by the completion scripts).
    #[command(name = "__complete", hide = true)]
    Complete(complete::Args),
    /// The month as one Excel workbook: statistics, both ledgers, TOP N, measures, trend, charts.
    #[command(after_help = workbook::AFTER_HELP)]
    Workbook(workbook::Args),
    /// Site visits (外出服务): request (內部請示單), approval, appointment, arrival, escalation.
    #[command(subcommand, after_help = visit::VISIT_HELP)]
    Visit(visit::Command),
    /// Tickets that arrive by themselves: `intake mail` (an MTA, fetchmail), `intake json` (a web form).
    #[command(subcommand, after_help = intake::INTAKE_HELP)]
    Intake(intake::Command),
    /// Planned maintenance (定期保养): recurring visit requests, opened by `schedule run` from cron.
    #[command(subcommand, after_help = schedule::SCHEDULE_HELP)]
    Schedule(schedule::Command),
    /// Sales intelligence (旬报): problems, suggestions, competitor prices, promotions, followed up.
    #[command(subcommand, after_help = intel::INTEL_HELP)]
    Intel(intel::Command),
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
    for var in ["SVCDESK_DIR", "SVCDESK_USER", "SVCDESK_LANG"] {
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
        lang: cli.lang,
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
        Command::Template(c) => template::exec(&mut cx, c),
        Command::MergeDriver(a) => git::merge_driver(&mut cx, a),
        Command::Complete(a) => complete::exec(&mut cx, a),
        Command::Workbook(a) => workbook::exec(&mut cx, a),
        Command::Visit(c) => visit::exec(&mut cx, c),
        Command::Intake(c) => intake::exec(&mut cx, c),
        Command::Schedule(c) => schedule::exec(&mut cx, c),
        Command::Intel(c) => intel::exec(&mut cx, c),
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
