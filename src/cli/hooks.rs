//! `svcdesk hooks status|trust`, and the trust check every command makes before it runs
//! the hooks of svcdesk.toml.

use svcdesk::Result;
use svcdesk::desk::Desk;
use svcdesk::hooks::{self, Fired, Trust};

use super::Context;

pub const HOOKS_HELP: &str = "\
Why trust: svcdesk.toml is shared through git, so anyone who can push to the desk could
put a command in it that would run on your machine after your next pull. Like git (which
never takes hooks from a clone), `direnv allow` and `mise trust`, svcdesk runs the
[[hooks.rule]] commands only after you have trusted exactly that set in this clone. Any
change to [hooks], or to a script in the desk that a rule runs (`hooks/mail.sh`,
`sh hooks/mail.sh`), needs trusting again. Until then no hook runs: each command that
would have run one prints one warning, and `sla check --notify` exits 3. A desk with no
rules needs no trust. `svcdesk init` trusts the hooks it writes.

The trust is this clone's own: a digest in .svcdesk/trusted-hooks, which git ignores.
SVCDESK_TRUST_HOOKS=1 trusts whatever hooks the desk has, for CI and containers that
build the desk themselves.

What a hook gets: the event in SVCDESK_ACTION, SVCDESK_ID, SVCDESK_BY, SVCDESK_AT,
SVCDESK_STATE, SVCDESK_GRADE, SVCDESK_PRIORITY, SVCDESK_DEPARTMENT, SVCDESK_TITLE,
SVCDESK_CUSTOMER, SVCDESK_FILE, SVCDESK_DESK, and the record as JSON on stdin. The people
concerned, with their contact fields from [[staff]] (empty when unknown): the assignee in
SVCDESK_ASSIGNEE, SVCDESK_ASSIGNEE_NAME, SVCDESK_ASSIGNEE_EMAIL, SVCDESK_ASSIGNEE_PHONE;
the head of the ticket's department ([departments.X] head) in SVCDESK_HEAD,
SVCDESK_HEAD_NAME, SVCDESK_HEAD_EMAIL, SVCDESK_HEAD_PHONE; whoever opened the ticket in
SVCDESK_OPENER, SVCDESK_OPENER_NAME, SVCDESK_OPENER_EMAIL, SVCDESK_OPENER_PHONE; the
followers (the opener, then whoever took `ticket follow`), comma separated, in
SVCDESK_FOLLOWERS and their emails in SVCDESK_FOLLOWERS_EMAILS. A `review` adds
SVCDESK_VERDICT (approved or rejected).
Site visits fire on visit-request, visit-approve, visit-reject, visit-schedule,
visit-start, visit-escalate, visit-return-approve, visit-request-extra,
visit-approve-extra and visit-complete (`report add --visit`): SVCDESK_ID is the visit,
SVCDESK_TICKET and SVCDESK_CUSTOMER what it is for, SVCDESK_TITLE its scope, the assignee
its engineer (once scheduled), the opener who requested it; the visit as JSON on stdin.
`sla check --notify` adds SVCDESK_TIMER, SVCDESK_DUE, SVCDESK_OVERDUE_MINUTES and
SVCDESK_LEVEL (at-risk or breach; for sla-ladder the level, L1, L2, ...), and for
sla-ladder SVCDESK_LEVEL_AT, SVCDESK_NOTIFY (staff ids, comma-separated) and
SVCDESK_NOTIFY_EMAILS.

Exit status of `hooks status`: 0 trusted (or no hooks), 1 changed or never trusted.

Examples:
  git pull && svcdesk hooks status      # what would run, and whether it may
  svcdesk hooks trust                   # after reading the commands it shows";

#[derive(clap::Subcommand)]
pub enum Command {
    /// Show the hooks and whether this clone trusts them: trusted, changed or never trusted.
    #[command(after_help = HOOKS_HELP)]
    Status,
    /// Trust the hooks as they are now (shows every command), so that they run in this clone.
    #[command(after_help = HOOKS_HELP)]
    Trust,
}

pub fn exec(cx: &mut Context, c: Command) -> Result<u8> {
    let desk = cx.desk()?;
    match c {
        Command::Status => status(cx, &desk),
        Command::Trust => trust(cx, &desk),
    }
}

fn status(cx: &mut Context, desk: &Desk) -> Result<u8> {
    let own = hooks::trust(&desk.root, &desk.config.hooks)?;
    let by_env = !own.runs() && hooks::env_trusts();
    let mut out = String::from(own.as_str());
    if by_env {
        out = format!(
            "trusted by {}=1 (this clone: {})",
            hooks::TRUST_VAR,
            own.as_str()
        );
    }
    out.push('\n');
    out.push_str(&listing(desk));
    cx.print(&out)?;
    if own.runs() || by_env {
        return Ok(super::EXIT_OK);
    }
    super::warn(&format!("{}; no hook runs", own.problem()));
    eprintln!("hint: read the commands above, then run `svcdesk hooks trust`");
    Ok(super::EXIT_FAILURE)
}

fn trust(cx: &mut Context, desk: &Desk) -> Result<u8> {
    let h = &desk.config.hooks;
    if h.rule.is_empty() {
        cx.print("No [[hooks.rule]] in svcdesk.toml: nothing to trust.\n")?;
        return Ok(super::EXIT_OK);
    }
    let digest = hooks::record_trust(&desk.root, h)?;
    let mut out = listing(desk);
    out.push_str(&format!(
        "Trusted {} in this clone ({digest}); they run from now on, until svcdesk.toml [hooks] changes.\n",
        count(h.rule.len())
    ));
    cx.print(&out)?;
    Ok(super::EXIT_OK)
}

fn count(n: usize) -> String {
    format!("{n} hook rule{}", if n == 1 { "" } else { "s" })
}

/// Every rule with what sets it off and the command it runs, for a person to read before
/// trusting; and the digest of the whole.
fn listing(desk: &Desk) -> String {
    let h = &desk.config.hooks;
    let mut out = String::new();
    if h.rule.is_empty() {
        out.push_str("No [[hooks.rule]] in svcdesk.toml: nothing runs, nothing to trust.\n");
        return out;
    }
    let timeout = svcdesk::config::hooks::timeout(h);
    for (i, r) in h.rule.iter().enumerate() {
        let mut when = format!("on {}", r.on.join(", "));
        for (key, vals) in [
            ("grade", &r.grade),
            ("priority", &r.priority),
            ("department", &r.department),
        ] {
            if !vals.is_empty() {
                when.push_str(&format!("; {key} {}", vals.join(", ")));
            }
        }
        let t = r
            .timeout
            .clone()
            .unwrap_or_else(|| format!("{}s", timeout.as_secs()));
        out.push_str(&format!("rule {}: {when}; timeout {t}\n", i + 1));
        out.push_str(&format!("  command: {}\n", r.command));
        for s in hooks::scripts(&desk.root, &r.command) {
            match s.digest {
                Some(d) => out.push_str(&format!("  script in the desk: {} ({d})\n", s.path)),
                None => out.push_str(&format!("  script in the desk: {} (absent)\n", s.path)),
            }
        }
    }
    out.push_str(&format!("digest: {}\n", hooks::digest(&desk.root, h)));
    out
}

/// The one warning a command gives when it held hooks back; once per command.
pub fn warn_untrusted(cx: &mut Context, t: &Trust) {
    if !cx.untrusted_warned {
        cx.untrusted_warned = true;
        super::warn(&format!(
            "hooks not run: {}; review them with `svcdesk hooks status`, then run `svcdesk hooks trust`",
            t.problem()
        ));
    }
}

/// Runs the hooks for the events the command wrote, once it is done, where trusted.
pub fn run_fired(cx: &mut Context) {
    let fired = std::mem::take(&mut cx.fired);
    hooks::run_fired(fired, |f| match f {
        Fired::TrustUnreadable(e) => {
            if !cx.untrusted_warned {
                cx.untrusted_warned = true;
                super::warn(&format!("hooks not run: cannot read their trust: {e}"));
            }
        }
        Fired::HeldBack(t) => warn_untrusted(cx, &t),
        Fired::Failed { id, action, ran } => {
            super::warn(&format!("{id} {action}: {ran}; the change is saved"))
        }
    });
}
