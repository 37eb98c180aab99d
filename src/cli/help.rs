//! The texts `svcdesk --help` ends with, shared with svcdesk(1)'s EXAMPLES, ENVIRONMENT
//! and EXIT STATUS sections.

// Macros, not consts, so that `concat!` can build AFTER_HELP from them: `--help` and the
// ENVIRONMENT and EXIT STATUS sections of svcdesk(1) share one text.
macro_rules! environment_text {
    () => {
        "  SVCDESK_DIR     the desk to use (like -C)
  SVCDESK_USER    who is acting when your git user.email is no staff member's `email`
  SVCDESK_LANG    en or zh: the language of tables, `show` and reports (like --lang); the
                  desk's `lang` otherwise; given, CSV header rows follow it too
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
  `sla check` alone uses 0 ok, 1 at risk, 2 breached, 3 error (see `svcdesk sla check --help`);
  `intake` 0 delivered, 65 never takeable, 75 try again later (see `svcdesk intake --help`)."
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

pub(super) const AFTER_HELP: &str = concat!(
    "Examples:\n",
    examples_text!(),
    "\n\nEnvironment:\n",
    environment_text!(),
    "\n\nExit codes:\n",
    exit_codes_text!(),
    "\n\nManual pages: svcdesk(1), svcdesk-config(5), svcdesk-csv(7), svcdesk-states(7), svcdesk-sla(7).
Start with `svcdesk init mydesk`, then `svcdesk customer add --help`."
);
