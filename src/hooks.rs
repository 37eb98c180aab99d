//! Event hooks: the `[[hooks.rule]]` commands of svcdesk.toml, run after a change is on
//! disk so that people hear about it (a mail, a group-chat robot). A hook can only ever
//! tell: it runs after the write, its failure or hang is reported and never undoes the
//! change, and it cannot block the desk (no lock is held while it runs). A hook runs only
//! in a clone whose user trusted that exact set of hooks (see [`trust`]): a pull must never
//! be able to run code on a colleague's machine.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::config::hooks::{MEASURE_DUE, parse_timeout, timeout};
use crate::config::{HookRule, Hooks};
use crate::desk::Desk;
use crate::model::measure::Measure;
use crate::model::ticket::Ticket;

pub mod notify;

/// Set in a hook's environment. A svcdesk command run by a hook runs no hooks itself,
/// so a hook that writes to the desk cannot set off an endless chain.
pub const IN_HOOK_VAR: &str = "SVCDESK_HOOK";

/// What happened, as a hook sees it: the environment it gets and the record on stdin.
#[derive(Debug, Clone, Default)]
pub struct HookEvent {
    pub action: String,
    pub id: String,
    pub by: String,
    /// RFC 3339 in the desk's time zone.
    pub at: String,
    pub grade: Option<String>,
    pub priority: Option<String>,
    pub department: Option<String>,
    pub assignee: Option<String>,
    /// The record file, relative to the desk root.
    pub file: Option<PathBuf>,
    /// More `SVCDESK_*` variables for this kind of event (e.g. the timer of a breach).
    pub extra: Vec<(&'static str, String)>,
    /// The record as JSON, written to the hook's stdin.
    pub json: String,
}

impl HookEvent {
    /// A ticket event: `t` as it is after the change.
    pub fn ticket(desk: &Desk, t: &Ticket, action: &str, by: &str, at: &str) -> HookEvent {
        HookEvent {
            action: action.to_string(),
            id: t.id.clone(),
            by: by.to_string(),
            at: at.to_string(),
            grade: t.grade.map(|g| g.to_string()),
            priority: t.priority.map(|p| p.to_string()),
            department: t.department.clone(),
            assignee: t.assignee.clone(),
            file: crate::desk::Id::parse(&t.id).map(|id| id.rel_path()),
            extra: vec![
                ("SVCDESK_STATE", t.state().to_string()),
                ("SVCDESK_TITLE", t.title.clone()),
                ("SVCDESK_CUSTOMER", t.customer.clone().unwrap_or_default()),
                ("SVCDESK_DESK_NAME", desk.config.name.clone()),
            ],
            json: crate::output::json(t),
        }
        .with_step(desk, t, action)
        .with_people(
            desk,
            t.assignee.as_deref(),
            t.department.as_deref(),
            t.opener(),
        )
    }

    /// Adds who follows the ticket (`SVCDESK_FOLLOWERS`: staff ids, the opener first, and
    /// `SVCDESK_FOLLOWERS_EMAILS`: the first email of each who has one; both comma
    /// separated) and what the step itself said, for the steps that say more than their
    /// action: a review's `SVCDESK_VERDICT` (approved, rejected).
    fn with_step(mut self, desk: &Desk, t: &Ticket, action: &str) -> HookEvent {
        let last = t
            .event
            .last()
            .filter(|e| e.action.is_some_and(|a| a.as_str() == action));
        let followers = t.followers();
        let emails: Vec<String> = (followers.iter())
            .filter_map(|f| desk.config.staff(f)?.email.first().cloned())
            .collect();
        self.extra.push(("SVCDESK_FOLLOWERS", followers.join(",")));
        self.extra
            .push(("SVCDESK_FOLLOWERS_EMAILS", emails.join(",")));
        if action == crate::vocab::Action::Review.as_str() {
            let verdict = last.and_then(|e| e.verdict).map(|v| v.to_string());
            self.extra
                .push(("SVCDESK_VERDICT", verdict.unwrap_or_default()));
        }
        self
    }

    /// Adds how to reach the people concerned, from `[[staff]]`: the assignee's
    /// (`SVCDESK_ASSIGNEE_NAME`, `_EMAIL`, `_PHONE`), the head of `department`'s
    /// (`SVCDESK_HEAD` from `[departments.X] head`, `SVCDESK_HEAD_NAME`, ...) and the
    /// opener's (`SVCDESK_OPENER`, ...). Each is empty when unknown; the first of several
    /// emails is used.
    fn with_people(
        mut self,
        desk: &Desk,
        assignee: Option<&str>,
        department: Option<&str>,
        opener: Option<&str>,
    ) -> HookEvent {
        let head = department
            .and_then(|d| desk.config.departments.get(d))
            .and_then(|d| d.head.as_deref());
        self.extra
            .extend(contact(desk, assignee, PEOPLE[0]).into_iter().skip(1));
        self.extra.extend(contact(desk, head, PEOPLE[1]));
        self.extra.extend(contact(desk, opener, PEOPLE[2]));
        self
    }
}

/// The variables for one person concerned: their id, name, email and phone.
const PEOPLE: [[&str; 4]; 3] = [
    [
        "SVCDESK_ASSIGNEE",
        "SVCDESK_ASSIGNEE_NAME",
        "SVCDESK_ASSIGNEE_EMAIL",
        "SVCDESK_ASSIGNEE_PHONE",
    ],
    [
        "SVCDESK_HEAD",
        "SVCDESK_HEAD_NAME",
        "SVCDESK_HEAD_EMAIL",
        "SVCDESK_HEAD_PHONE",
    ],
    [
        "SVCDESK_OPENER",
        "SVCDESK_OPENER_NAME",
        "SVCDESK_OPENER_EMAIL",
        "SVCDESK_OPENER_PHONE",
    ],
];

fn contact(desk: &Desk, who: Option<&str>, keys: [&'static str; 4]) -> [(&'static str, String); 4] {
    let s = who.and_then(|w| desk.config.staff(w));
    [
        (keys[0], who.unwrap_or_default().to_string()),
        (keys[1], s.map(|s| s.name.clone()).unwrap_or_default()),
        (
            keys[2],
            s.and_then(|s| s.email.first().cloned()).unwrap_or_default(),
        ),
        (keys[3], s.and_then(|s| s.phone.clone()).unwrap_or_default()),
    ]
}

impl HookEvent {
    /// A step on a site visit: SVCDESK_ACTION is `visit-` and the step (visit-request,
    /// visit-approve, ...), SVCDESK_ID the visit, the assignee its engineer (once
    /// scheduled), SVCDESK_TICKET and SVCDESK_CUSTOMER what it is for; the visit as JSON.
    pub fn visit(desk: &Desk, v: &crate::model::visit::Visit, by: &str, at: &str) -> HookEvent {
        let action = v.event.last().map_or("request", |e| e.action.as_str());
        HookEvent {
            action: format!("visit-{action}"),
            id: v.id.clone(),
            by: by.to_string(),
            at: at.to_string(),
            assignee: v.engineer.clone(),
            file: crate::desk::Id::parse(&v.id).map(|id| id.rel_path()),
            extra: vec![
                ("SVCDESK_STATE", v.state.to_string()),
                ("SVCDESK_TITLE", v.scope.clone()),
                ("SVCDESK_TICKET", v.ticket.clone().unwrap_or_default()),
                ("SVCDESK_CUSTOMER", v.customer.clone()),
                ("SVCDESK_DESK_NAME", desk.config.name.clone()),
            ],
            json: crate::output::json(v),
            ..HookEvent::default()
        }
        .with_people(desk, v.engineer.as_deref(), None, Some(&v.requested_by))
    }

    /// An improvement measure past its due date (`measure-due`). Its owner is the
    /// assignee, and SVCDESK_TIMER/SVCDESK_DUE are set as for a breach, so one script
    /// can serve both.
    pub fn measure_due(desk: &Desk, m: &Measure, at: &str) -> HookEvent {
        let due = desk.local(m.due_end(desk.tz())).to_rfc3339();
        HookEvent {
            action: MEASURE_DUE.to_string(),
            id: m.id.clone(),
            by: crate::model::record::SYSTEM_ACTOR.to_string(),
            at: at.to_string(),
            assignee: Some(m.owner.clone()),
            file: crate::desk::Id::parse(&m.id).map(|id| id.rel_path()),
            extra: vec![
                ("SVCDESK_STATE", m.state.to_string()),
                ("SVCDESK_TITLE", m.measure.clone()),
                ("SVCDESK_PROBLEM", m.problem.clone()),
                ("SVCDESK_KIND", m.kind.to_string()),
                ("SVCDESK_TIMER", MEASURE_DUE.to_string()),
                ("SVCDESK_DUE", due),
                ("SVCDESK_DESK_NAME", desk.config.name.clone()),
            ],
            json: crate::output::json(m),
            ..HookEvent::default()
        }
        .with_people(desk, Some(&m.owner), None, None)
    }
}

/// How one hook went.
#[derive(Debug)]
pub struct Ran {
    pub command: String,
    pub outcome: Outcome,
}

#[derive(Debug)]
pub enum Outcome {
    Succeeded,
    Failed(ExitStatus),
    TimedOut(Duration),
    CannotRun(String),
}

impl Ran {
    pub fn ok(&self) -> bool {
        matches!(self.outcome, Outcome::Succeeded)
    }
}

impl std::fmt::Display for Ran {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cmd = &self.command;
        match &self.outcome {
            Outcome::Succeeded => write!(f, "hook `{cmd}` succeeded"),
            Outcome::Failed(status) => match status.code() {
                Some(code) => write!(f, "hook `{cmd}` failed with exit code {code}"),
                None => write!(f, "hook `{cmd}` was killed by a signal"),
            },
            Outcome::TimedOut(t) => write!(
                f,
                "hook `{cmd}` still ran after {}s and was killed",
                t.as_secs()
            ),
            Outcome::CannotRun(why) => write!(f, "hook `{cmd}` could not run: {why}"),
        }
    }
}

/// The rules that fire for `ev`, in the order svcdesk.toml lists them.
pub fn matching<'a>(hooks: &'a Hooks, ev: &HookEvent) -> Vec<&'a HookRule> {
    let any_of = |wanted: &[String], have: &Option<String>| {
        wanted.is_empty() || have.as_ref().is_some_and(|h| wanted.contains(h))
    };
    hooks
        .rule
        .iter()
        .filter(|r| r.on.iter().any(|a| a == "*" || *a == ev.action))
        .filter(|r| any_of(&r.grade, &ev.grade))
        .filter(|r| any_of(&r.priority, &ev.priority))
        .filter(|r| any_of(&r.department, &ev.department))
        .collect()
}

/// Whether any rule would run for `action` whatever the record (for `sla check --notify`
/// to refuse a notify that could tell nobody).
pub fn handles(hooks: &Hooks, action: &str) -> bool {
    hooks
        .rule
        .iter()
        .any(|r| r.on.iter().any(|a| a == "*" || a == action))
}

/// Runs every matching rule for `ev`, one after another, each within its timeout, in
/// the desk's root.
pub fn run(root: &Path, hooks: &Hooks, ev: &HookEvent) -> Vec<Ran> {
    matching(hooks, ev)
        .into_iter()
        .map(|rule| {
            let timeout = rule
                .timeout
                .as_deref()
                .and_then(|t| parse_timeout(t).ok())
                .unwrap_or_else(|| timeout(hooks));
            run_command(root, &rule.command, ev, timeout)
        })
        .collect()
}

/// What became of the hooks of one event a command wrote, for the caller to report.
#[derive(Debug)]
pub enum Fired {
    /// This clone's trust could not be read, so the desk's hooks are held back.
    TrustUnreadable(crate::Error),
    /// Held back: this clone does not trust the desk's hooks.
    HeldBack(Trust),
    /// A hook failed; the change it was told of stands.
    Failed {
        id: String,
        action: String,
        ran: Ran,
    },
}

/// Runs the hooks for events already on disk — each `(desk root, its [hooks], event)` —
/// where the desk's hooks are [`trusted`], asking each desk once. `say` hears what
/// became of them as it happens, between the hooks' own output.
pub fn run_fired(events: Vec<(PathBuf, Hooks, HookEvent)>, mut say: impl FnMut(Fired)) {
    let mut checked: Vec<(PathBuf, Trust)> = Vec::new();
    for (root, h, ev) in events {
        if matching(&h, &ev).is_empty() {
            continue;
        }
        let t = match checked.iter().find(|(r, _)| *r == root) {
            Some((_, t)) => t.clone(),
            None => {
                let t = trusted(&root, &h).unwrap_or_else(|e| {
                    say(Fired::TrustUnreadable(e));
                    Trust::Never
                });
                checked.push((root.clone(), t.clone()));
                t
            }
        };
        if !t.runs() {
            say(Fired::HeldBack(t));
            continue;
        }
        for ran in run(&root, &h, &ev) {
            if !ran.ok() {
                say(Fired::Failed {
                    id: ev.id.clone(),
                    action: ev.action.clone(),
                    ran,
                });
            }
        }
    }
}

/// Runs one command for `ev` as a hook runs (`sla check --notify CMD` uses it too).
pub fn run_command(root: &Path, command: &str, ev: &HookEvent, timeout: Duration) -> Ran {
    Ran {
        command: command.to_string(),
        outcome: outcome_of(root, command, ev, timeout),
    }
}

fn outcome_of(root: &Path, command: &str, ev: &HookEvent, timeout: Duration) -> Outcome {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .current_dir(root)
        .env(IN_HOOK_VAR, "1")
        .env("SVCDESK_ACTION", &ev.action)
        .env("SVCDESK_ID", &ev.id)
        .env("SVCDESK_BY", &ev.by)
        .env("SVCDESK_AT", &ev.at)
        .env("SVCDESK_GRADE", opt(&ev.grade))
        .env("SVCDESK_PRIORITY", opt(&ev.priority))
        .env("SVCDESK_DEPARTMENT", opt(&ev.department))
        .env("SVCDESK_ASSIGNEE", opt(&ev.assignee))
        .env("SVCDESK_DESK", root)
        .env(
            "SVCDESK_FILE",
            ev.file.as_ref().map(|f| root.join(f)).unwrap_or_default(),
        )
        .envs(ev.extra.iter().map(|(k, v)| (*k, v)))
        .stdin(Stdio::piped())
        // A hook's chatter goes to stderr: stdout belongs to the command's own output,
        // which scripts capture (`t=$(svcdesk ticket open ...)`).
        .stdout(Stdio::from(std::io::stderr()));
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own process group, so a timeout kills what the shell started too.
        cmd.process_group(0);
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return Outcome::CannotRun(e.to_string()),
    };
    if let Some(mut stdin) = child.stdin.take() {
        let json = ev.json.clone();
        // From a thread: a hook that never reads must not stall us on a full pipe, and
        // one that exits without reading (EPIPE) is not a failure.
        std::thread::spawn(move || {
            let _ = stdin.write_all(json.as_bytes());
        });
    }
    let started = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Outcome::Succeeded,
            Ok(Some(status)) => return Outcome::Failed(status),
            Ok(None) if started.elapsed() >= timeout => {
                kill_group(&mut child);
                let _ = child.wait();
                return Outcome::TimedOut(timeout);
            }
            Ok(None) => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(e) => return Outcome::CannotRun(e.to_string()),
        }
    }
}

fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        // std can signal only the child; the group reaches `sleep`/`curl` under `sh -c`.
        // SAFETY: kill(2) with a negative pid signals that process group; no memory is touched.
        if let Ok(pid) = i32::try_from(child.id()) {
            unsafe { libc::kill(-pid, libc::SIGKILL) };
        }
    }
    let _ = child.kill();
}

// ---------------------------------------------------------------------------------------
// Trust. svcdesk.toml is tracked, so anyone who can push to the desk's repository could
// put a command in it that runs on every colleague's machine after their next pull. Like
// git (which never takes hooks from a clone), direnv (`allow`) and mise (`trust`), hooks
// run only when this clone's user has trusted exactly the set that is there now: the
// digest of its canonical form is kept in `.svcdesk/trusted-hooks` (local, git-ignored).

/// This clone's record of the hooks its user trusted, under `.svcdesk/`.
pub const TRUST_FILE: &str = "trusted-hooks";

/// Set to anything but empty or 0 to trust whatever hooks the desk has (CI, containers
/// that build the desk themselves). See [`env_trusts`].
pub const TRUST_VAR: &str = "SVCDESK_TRUST_HOOKS";

/// Programs that run the script named by their first argument (`sh hooks/mail.sh`).
const INTERPRETERS: &[&str] = &[
    "sh", "bash", "dash", "zsh", "ksh", "python", "python3", "perl", "ruby", "node", "php",
];

/// Whether the hooks of a desk may run in this clone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// No `[[hooks.rule]]`: nothing can run, so nothing needs trusting.
    NoHooks,
    /// Exactly this set was trusted.
    Trusted,
    /// Trusted once, but the hooks (or a script of theirs in the desk) changed since.
    Changed,
    /// Never trusted in this clone.
    Never,
    /// `.svcdesk/trusted-hooks` is tracked by git, so a pull may have written it.
    Tracked,
}

impl Trust {
    /// Whether hooks may run.
    pub fn runs(&self) -> bool {
        matches!(self, Trust::NoHooks | Trust::Trusted)
    }

    /// The word `hooks status` prints.
    pub fn as_str(&self) -> &'static str {
        match self {
            Trust::NoHooks => "no hooks",
            Trust::Trusted => "trusted",
            Trust::Changed => "changed",
            Trust::Never => "never trusted",
            Trust::Tracked => "not trusted",
        }
    }

    /// What is wrong, in words, for a warning or an error (empty when hooks may run).
    pub fn problem(&self) -> &'static str {
        match self {
            Trust::NoHooks | Trust::Trusted => "",
            Trust::Changed => "the [hooks] of svcdesk.toml changed since this clone trusted them",
            Trust::Never => "this clone never trusted the [hooks] of svcdesk.toml",
            Trust::Tracked => {
                "`.svcdesk/trusted-hooks` is tracked by git, so a pull may have written it; untrack it with `git rm --cached .svcdesk/trusted-hooks`"
            }
        }
    }
}

/// Compares the digest recorded in the trust file (its text, if any) with the current one.
pub fn compare(recorded: Option<&str>, current: &str) -> Trust {
    let recorded = recorded.and_then(|text| {
        text.lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
    });
    match recorded {
        None => Trust::Never,
        Some(d) if d == current => Trust::Trusted,
        Some(_) => Trust::Changed,
    }
}

/// A file in the desk that a rule runs, whose content is trusted with the rule: a pull
/// that changes `hooks/mail.sh` changes what `command = "hooks/mail.sh"` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// As the command names it.
    pub path: String,
    /// `sha256:...` of its content, or None when there is no such file (yet).
    pub digest: Option<String>,
}

/// The scripts in the desk that `command` runs: its program when that is a path, and the
/// first argument of an interpreter (`sh x.sh`, `python3 x.py`). A path outside the desk
/// cannot come with a pull and is left out (so is a program found on PATH).
pub fn scripts(root: &Path, command: &str) -> Vec<Script> {
    let words: Vec<&str> = command
        .split_whitespace()
        .map(|w| w.trim_matches(['\'', '"']))
        .skip_while(|w| w.contains('=') && !w.starts_with('-')) // FOO=1 ./x
        .collect();
    let mut named = Vec::new();
    if let Some(program) = words.first() {
        if program.contains('/') {
            named.push(*program);
        }
        let base = program.rsplit('/').next().unwrap_or(program);
        if INTERPRETERS.contains(&base)
            && let Some(arg) = words[1..].iter().find(|w| !w.starts_with('-'))
        {
            named.push(*arg);
        }
    }
    named
        .into_iter()
        .filter(|p| !p.is_empty() && !p.contains(['$', '`', '(', ';', '|', '&', '<', '>']))
        .filter_map(|p| {
            let path = root.join(p);
            let inside = if Path::new(p).is_absolute() {
                let canon = |x: &Path| std::fs::canonicalize(x).ok();
                matches!((canon(&path), canon(root)), (Some(f), Some(r)) if f.starts_with(&r))
            } else {
                true
            };
            inside.then(|| Script {
                path: p.to_string(),
                digest: std::fs::read(&path).ok().map(|bytes| sha256(&bytes)),
            })
        })
        .collect()
}

/// The canonical text of a `[hooks]` section: what is trusted. Comments, layout, key order
/// and `on = "x"` versus `on = ["x"]` do not matter; every value, the rules' order and the
/// content of each script in the desk that a rule runs do.
pub fn canonical(root: &Path, hooks: &Hooks) -> String {
    let mut out = String::from("svcdesk hooks 1\n");
    let value = serde_json::to_value(hooks).unwrap_or_default();
    write_canonical(&value, &mut out);
    out.push('\n');
    for rule in &hooks.rule {
        for s in scripts(root, &rule.command) {
            let d = s.digest.as_deref().unwrap_or("absent");
            out.push_str(&format!("script {} {d}\n", serde_json::Value::from(s.path)));
        }
    }
    out
}

/// Sorted keys, and no null or empty values, so that a field a later svcdesk adds (with
/// an empty default) does not change the digest of hooks that do not use it.
fn write_canonical(v: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    let empty = |v: &Value| match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    };
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().filter(|k| !empty(&map[*k])).collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::from(k.as_str()).to_string());
                out.push(':');
                write_canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// `sha256:` and the hex digest of `bytes`.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(bytes);
    let mut s = String::with_capacity(7 + 64);
    s.push_str("sha256:");
    for b in hash.iter() {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// The digest of the hooks as trusted: of their canonical text.
pub fn digest(root: &Path, hooks: &Hooks) -> String {
    sha256(canonical(root, hooks).as_bytes())
}

/// Whether the hooks of the desk at `root` may run in this clone.
pub fn trust(root: &Path, hooks: &Hooks) -> crate::Result<Trust> {
    if hooks.rule.is_empty() {
        return Ok(Trust::NoHooks);
    }
    let recorded = crate::desk::store::read_local(root, TRUST_FILE)?;
    let found = compare(recorded.as_deref(), &digest(root, hooks));
    // A pull writes only tracked files (and overwrites ignored ones with them): a trust
    // file that git tracks may be someone else's, whatever it says.
    if found == Trust::Trusted && trust_file_tracked(root) {
        return Ok(Trust::Tracked);
    }
    Ok(found)
}

/// Whether [`TRUST_VAR`] trusts every desk's hooks: set to anything but empty or 0.
pub fn env_trusts() -> bool {
    std::env::var_os(TRUST_VAR).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Whether the hooks of the desk at `root` may run now: this clone's trust ([`trust`]),
/// or [`TRUST_VAR`]. Every command that runs hooks asks this, not [`trust`].
pub fn trusted(root: &Path, hooks: &Hooks) -> crate::Result<Trust> {
    if hooks.rule.is_empty() {
        return Ok(Trust::NoHooks);
    }
    if env_trusts() {
        return Ok(Trust::Trusted);
    }
    trust(root, hooks)
}

fn trust_file_tracked(root: &Path) -> bool {
    let rel = format!("{}/{TRUST_FILE}", crate::desk::store::LOCAL_DIR);
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["ls-files", "-z", "--", &rel])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        // Not a repository, or no git: nothing can have been pulled.
        .is_ok_and(|o| o.status.success() && !o.stdout.is_empty())
}

/// Trusts the hooks as they are now, in this clone; returns the digest recorded.
pub fn record_trust(root: &Path, hooks: &Hooks) -> crate::Result<String> {
    let d = digest(root, hooks);
    let text = format!(
        "# The [hooks] of svcdesk.toml this clone runs, written by `svcdesk hooks trust`.\n\
         # Local to this clone, never committed: a change to the hooks needs trusting again.\n\
         {d}\n"
    );
    crate::desk::store::write_local(root, TRUST_FILE, text.as_bytes())?;
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hooks(toml_text: &str) -> Hooks {
        toml::from_str(toml_text).unwrap()
    }

    fn event(action: &str, grade: Option<&str>) -> HookEvent {
        HookEvent {
            action: action.into(),
            grade: grade.map(String::from),
            department: Some("service".into()),
            ..HookEvent::default()
        }
    }

    #[test]
    fn rules_match_on_action_and_every_condition() {
        let h = hooks(
            r#"
[[rule]]
on = ["open"]
grade = "III"
command = "a"
[[rule]]
on = "*"
department = ["quality"]
command = "b"
[[rule]]
on = ["open", "escalate"]
command = "c"
"#,
        );
        let cmds = |ev: &HookEvent| {
            matching(&h, ev)
                .iter()
                .map(|r| r.command.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(cmds(&event("open", Some("III"))), ["a", "c"]);
        assert_eq!(cmds(&event("open", Some("II"))), ["c"]);
        assert_eq!(cmds(&event("open", None)), ["c"]);
        assert_eq!(cmds(&event("note", Some("III"))), Vec::<&str>::new());
        let mut q = event("note", None);
        q.department = Some("quality".into());
        assert_eq!(cmds(&q), ["b"]);
        assert!(handles(&h, "sla-breach"));
    }

    #[test]
    fn the_digest_covers_what_runs_and_not_how_it_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let a = hooks("# mine\n[[rule]]\non = \"open\"\ncommand = \"notify x\"\n");
        let b = hooks("[[rule]]\ncommand = \"notify x\"   # same\non = [\"open\"]\n");
        assert_eq!(digest(root, &a), digest(root, &b));
        assert!(digest(root, &a).starts_with("sha256:"));
        assert_eq!(digest(root, &a).len(), 7 + 64);
        for other in [
            "[[rule]]\non = \"open\"\ncommand = \"notify y\"\n",
            "[[rule]]\non = [\"open\", \"close\"]\ncommand = \"notify x\"\n",
            "[[rule]]\non = \"open\"\ngrade = \"III\"\ncommand = \"notify x\"\n",
            "timeout = \"5s\"\n[[rule]]\non = \"open\"\ncommand = \"notify x\"\n",
        ] {
            assert_ne!(digest(root, &a), digest(root, &hooks(other)), "{other}");
        }
        // The order rules run in is part of what is trusted.
        let one = hooks(
            "[[rule]]\non = \"open\"\ncommand = \"a\"\n[[rule]]\non = \"open\"\ncommand = \"b\"\n",
        );
        let two = hooks(
            "[[rule]]\non = \"open\"\ncommand = \"b\"\n[[rule]]\non = \"open\"\ncommand = \"a\"\n",
        );
        assert_ne!(digest(root, &one), digest(root, &two));
    }

    #[test]
    fn a_script_in_the_desk_is_trusted_with_its_content() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("hooks")).unwrap();
        std::fs::write(root.join("hooks/mail.sh"), "#!/bin/sh\necho hi\n").unwrap();
        let h = hooks("[[rule]]\non = \"open\"\ncommand = \"hooks/mail.sh lead@example.com\"\n");
        let before = digest(root, &h);
        std::fs::write(root.join("hooks/mail.sh"), "#!/bin/sh\nrm -rf ~\n").unwrap();
        assert_ne!(
            digest(root, &h),
            before,
            "a pulled script change needs trust again"
        );

        let paths =
            |cmd: &str| -> Vec<String> { scripts(root, cmd).into_iter().map(|s| s.path).collect() };
        assert_eq!(paths("hooks/mail.sh x"), ["hooks/mail.sh"]);
        assert_eq!(paths("sh -e hooks/mail.sh x"), ["hooks/mail.sh"]);
        assert_eq!(paths("FOO=1 ./hooks/mail.sh"), ["./hooks/mail.sh"]);
        assert_eq!(paths("python3 'tools/n.py'"), ["tools/n.py"]);
        assert_eq!(paths("notify-send hi"), Vec::<String>::new());
        assert_eq!(paths("/usr/bin/notify-send hi"), Vec::<String>::new());
        // A script that is not there yet is trusted as absent: its arrival is a change.
        assert_eq!(scripts(root, "hooks/new.sh")[0].digest, None);
    }

    #[test]
    fn trust_compares_the_recorded_digest() {
        assert_eq!(compare(None, "sha256:1"), Trust::Never);
        assert_eq!(
            compare(Some("# note\nsha256:1\n"), "sha256:1"),
            Trust::Trusted
        );
        assert_eq!(compare(Some("sha256:0\n"), "sha256:1"), Trust::Changed);
        assert_eq!(
            compare(Some("# only a comment\n"), "sha256:1"),
            Trust::Never
        );

        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert_eq!(
            trust(root, &hooks("timeout = \"5s\"\n")).unwrap(),
            Trust::NoHooks
        );
        let h = hooks("[[rule]]\non = \"open\"\ncommand = \"a\"\n");
        assert_eq!(trust(root, &h).unwrap(), Trust::Never);
        record_trust(root, &h).unwrap();
        assert_eq!(trust(root, &h).unwrap(), Trust::Trusted);
        let changed = hooks("[[rule]]\non = \"open\"\ncommand = \"b\"\n");
        assert_eq!(trust(root, &changed).unwrap(), Trust::Changed);
        assert!(!Trust::Changed.runs() && Trust::NoHooks.runs());
    }
}
