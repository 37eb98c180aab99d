//! Event hooks: the `[[hooks.rule]]` commands of svcdesk.toml, run after a change is on
//! disk so that people hear about it (a mail, a group-chat robot). A hook can only ever
//! tell: it runs after the write, its failure or hang is reported and never undoes the
//! change, and it cannot block the desk (no lock is held while it runs).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::config::{HookRule, Hooks};
use crate::desk::Desk;
use crate::keypath::KeyPath;
use crate::model::measure::Measure;
use crate::model::ticket::{Action, Ticket};

/// Events that are not ticket actions: a timer found breached by `sla check --notify`,
/// an improvement measure past its due date.
pub const SLA_BREACH: &str = "sla-breach";
pub const MEASURE_DUE: &str = "measure-due";
const OTHER_ACTIONS: &[&str] = &[SLA_BREACH, MEASURE_DUE];

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Set in a hook's environment. A svcdesk command run by a hook runs no hooks itself,
/// so a hook that writes to the desk cannot set off an endless chain.
pub const IN_HOOK_VAR: &str = "SVCDESK_HOOK";

/// Every action a rule's `on` may name.
pub fn actions() -> Vec<&'static str> {
    let mut all: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
    all.extend(OTHER_ACTIONS);
    all
}

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
    }
}

impl HookEvent {
    /// An improvement measure past its due date (`measure-due`). Its owner is the
    /// assignee, and SVCDESK_TIMER/SVCDESK_DUE are set as for a breach, so one script
    /// can serve both.
    pub fn measure_due(desk: &Desk, m: &Measure, at: &str) -> HookEvent {
        let due = desk.local(m.due_end(desk.tz())).to_rfc3339();
        HookEvent {
            action: MEASURE_DUE.to_string(),
            id: m.id.clone(),
            by: "svcdesk".to_string(),
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

/// `[hooks] timeout`, for a rule without its own and for `sla check --notify CMD`.
pub fn timeout(hooks: &Hooks) -> Duration {
    hooks
        .timeout
        .as_deref()
        .and_then(|t| parse_timeout(t).ok())
        .unwrap_or(DEFAULT_TIMEOUT)
}

pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    let d = crate::sla::target::parse_duration(text).map_err(|e| e.to_string())?;
    d.to_std()
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("timeout \"{text}\" must be longer than zero"))
}

/// Checks what serde cannot: action names, grades, priorities, departments, timeouts.
/// An error gives the key of the bad value and the message.
pub fn validate_in(
    hooks: &Hooks,
    departments: &[&str],
) -> std::result::Result<(), (KeyPath, String)> {
    use crate::model::ticket::{Grade, Priority};
    if let Some(t) = &hooks.timeout {
        parse_timeout(t).map_err(|m| (KeyPath::new(["hooks", "timeout"]), m))?;
    }
    let known = actions();
    for (i, rule) in hooks.rule.iter().enumerate() {
        let at = |k: &str, j: Option<usize>| {
            let key = KeyPath::new(["hooks", "rule"]).index(i).key(k);
            match j {
                Some(j) => key.index(j),
                None => key,
            }
        };
        if rule.on.is_empty() {
            return Err((at("on", None), "`on` names no action".into()));
        }
        for (j, a) in rule.on.iter().enumerate() {
            if a != "*" && !known.contains(&a.as_str()) {
                return Err((
                    at("on", Some(j)),
                    format!(
                        "unknown action \"{a}\"{}; actions are: *, {}",
                        crate::desk::did_you_mean(a, known.iter().copied()),
                        known.join(", ")
                    ),
                ));
            }
        }
        for (j, g) in rule.grade.iter().enumerate() {
            if Grade::ALL.iter().all(|v| v.as_str() != g) {
                return Err((
                    at("grade", Some(j)),
                    format!("\"{g}\" is not a grade ({})", Grade::names()),
                ));
            }
        }
        for (j, p) in rule.priority.iter().enumerate() {
            if Priority::ALL.iter().all(|v| v.as_str() != p) {
                return Err((
                    at("priority", Some(j)),
                    format!("\"{p}\" is not a priority ({})", Priority::names()),
                ));
            }
        }
        for (j, d) in rule.department.iter().enumerate() {
            if !departments.contains(&d.as_str()) {
                return Err((
                    at("department", Some(j)),
                    format!(
                        "\"{d}\" is not a department; known: {}",
                        departments.join(", ")
                    ),
                ));
            }
        }
        if rule.command.trim().is_empty() {
            return Err((at("command", None), "`command` is empty".into()));
        }
        if let Some(t) = &rule.timeout {
            parse_timeout(t).map_err(|m| (at("timeout", None), m))?;
        }
    }
    Ok(())
}

/// A hook command whose program cannot be found, as `check` reports it: the first word
/// of the command, looked up as the shell would (relative paths from the desk root).
pub fn missing_program(root: &Path, command: &str) -> Option<String> {
    let program = command.split_whitespace().next()?;
    // Shell syntax (assignments, builtins, quoting, subshells) is the shell's business.
    if program.contains(['=', '\'', '"', '$', '(', '`', '{', ';', '|', '&'])
        || [
            "cd", "exec", "test", "[", "echo", "printf", "true", ":", ".",
        ]
        .contains(&program)
    {
        return None;
    }
    let runnable = |p: &Path| p.is_file() && is_executable(p);
    let found = if program.contains('/') {
        runnable(&root.join(program))
    } else {
        std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|d| runnable(&d.join(program))))
    };
    (!found).then(|| program.to_string())
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        p.metadata()
            .is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.exists()
    }
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
    fn validation_names_the_bad_key() {
        let h = hooks("[[rule]]\non = [\"open\", \"opened\"]\ncommand = \"x\"\n");
        let (key, msg) = validate_in(&h, &[]).unwrap_err();
        assert_eq!(key.to_string(), "hooks.rule[0].on[1]");
        assert!(msg.contains("unknown action \"opened\""), "{msg}");
        let text = "x = 1\n[[hooks.rule]]\non = [\"open\", \"opened\"]\ncommand = \"x\"\n";
        assert_eq!(key.locate(text), text.find("\"opened\""));

        let h = hooks("timeout = \"0s\"\n");
        assert!(
            validate_in(&h, &[])
                .unwrap_err()
                .1
                .contains("longer than zero")
        );
        let h = hooks("[[rule]]\non = \"open\"\ngrade = \"IV\"\ncommand = \"x\"\n");
        assert!(validate_in(&h, &[]).unwrap_err().1.contains("not a grade"));
        let h = hooks("[[rule]]\non = \"open\"\ndepartment = \"nope\"\ncommand = \"x\"\n");
        assert!(
            validate_in(&h, &["service"])
                .unwrap_err()
                .1
                .contains("known: service")
        );
    }

    #[test]
    fn missing_programs_are_found_as_the_shell_would() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(missing_program(dir.path(), "sh -c true"), None);
        assert_eq!(
            missing_program(dir.path(), "./hooks/mail.sh x"),
            Some("./hooks/mail.sh".into())
        );
        assert_eq!(
            missing_program(dir.path(), "no-such-program-xyz --flag"),
            Some("no-such-program-xyz".into())
        );
        assert_eq!(missing_program(dir.path(), "FOO=1 ./x"), None);
    }
}
