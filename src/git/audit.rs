//! `svcdesk audit`: every event of every ticket checked against the commit that introduced
//! it. A ticket's history is append-only, so the commit whose version of a file first
//! holds an event is the one that wrote it; that commit's author (mapped to staff by the
//! `email` entries of `[[staff]]`) must be who the event says acted (`entered_by`, else
//! `by`), must hold the role the step needs (the rule `ticket_store::required_roles`
//! applies to new steps), and with `[git] signed_approvals` a role-restricted step must
//! come from a commit with a good signature by a staff member holding the role.
//!
//! One pass over the history: a single `git log --raw` of the desk (in topological
//! order, oldest first, merges as combined diffs so a merge that adds an event of its own
//! is seen) lists which blob each commit gave each ticket file, and a single
//! `git cat-file --batch` reads those blobs; they are parsed on all cores in chunks.
//! Events are identified by time, actor, typist and action, so a later redaction of an
//! event's text does not make it look new.
//!
//! Git authorship is self-declared (anyone can set `user.email`); only a signature checked
//! against keys the auditing clone trusts (`gpg.ssh.allowedSignersFile`, or gpg's keyring)
//! proves who made a commit. See README, "Sharing a desk safely".

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::{Config, Staff};
use crate::desk::Desk;
use crate::error::{Error, Result};
use crate::model::record::SYSTEM_ACTOR;
use crate::model::ticket::Action;
use crate::model::ticket_store::{event_line, required_roles};

/// What to audit beyond the committed history.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Also report events in the work tree that no commit holds yet.
    pub uncommitted: bool,
}

/// What kind of problem a finding is; stable ids for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Problem {
    /// The commit's author email is no staff member's `email`.
    UnknownAuthor,
    /// The event names someone other than the commit's author.
    Identity,
    /// The commit's author does not hold the role the step needs.
    Role,
    /// `signed_approvals`: the commit is not signed, or not by someone holding the role.
    Signature,
    /// The event is in the work tree but in no commit (only with `--uncommitted`).
    Uncommitted,
}

impl Problem {
    pub fn as_str(self) -> &'static str {
        match self {
            Problem::UnknownAuthor => "unknown-author",
            Problem::Identity => "identity",
            Problem::Role => "role",
            Problem::Signature => "signature",
            Problem::Uncommitted => "uncommitted",
        }
    }
}

/// One event that its commit does not vouch for.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The ticket file, relative to the desk.
    pub file: String,
    /// Line of the event's `[[event]]` in the current file; None if it is no longer there.
    pub line: Option<usize>,
    /// The commit that introduced the event (None: not committed yet).
    pub commit: Option<String>,
    /// The commit's author as `Name <email>`.
    pub author: Option<String>,
    pub at: String,
    pub by: String,
    pub entered_by: Option<String>,
    pub action: String,
    pub problem: Problem,
    /// What is wrong, in words.
    pub message: String,
}

impl Finding {
    /// `commit 1a2b3c4d5e6f by Name <email>`, or `not committed`.
    pub fn commit_text(&self) -> String {
        match (&self.commit, &self.author) {
            (Some(c), Some(a)) => format!("commit {} by {a}", &c[..c.len().min(12)]),
            _ => "not committed".into(),
        }
    }

    /// `action by who (entered by whom)`: whose step it is.
    pub fn step_text(&self) -> String {
        let entered = self
            .entered_by
            .as_ref()
            .map(|e| format!(" (entered by {e})"))
            .unwrap_or_default();
        format!("{} by {}{entered}", self.action, self.by)
    }

    /// The finding as a problem of `check --audit`, at the event's line.
    pub fn as_problem(&self) -> crate::check::Problem {
        crate::check::Problem {
            path: self.file.clone().into(),
            line: self.line,
            column: self.line.map(|_| 1),
            message: format!(
                "{}: {}: {}",
                self.step_text(),
                self.commit_text(),
                self.message
            ),
        }
    }
}

#[derive(Debug, Default)]
pub struct Audit {
    pub findings: Vec<Finding>,
    /// Commits that changed a ticket file.
    pub commits: usize,
    /// Events attributed to a commit.
    pub events: usize,
    /// Things the auditor should know (e.g. no allowed-signers file configured).
    pub warnings: Vec<String>,
}

struct CommitInfo {
    hash: String,
    name: String,
    email: String,
    /// `%G?`: G good, B bad, U good but untrusted, N none, E cannot check, ...
    sig: char,
    /// `%GS`: the signer (ssh: the principal from the allowed-signers file).
    signer: String,
}

/// An event as the audit needs it: who, when, what, and the assignee it sets.
#[derive(Deserialize)]
struct RawEvent {
    at: toml::value::Datetime,
    #[serde(default)]
    by: String,
    #[serde(default)]
    entered_by: Option<String>,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    assignee: Option<String>,
}

#[derive(Deserialize)]
struct RawFile {
    #[serde(default)]
    event: Vec<RawEvent>,
}

/// An event's identity across versions of its file.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    at: String,
    by: String,
    entered_by: Option<String>,
    action: String,
}

struct Ev {
    key: Key,
    /// The ticket's assignee just before this event (for the accept rule).
    assignee_before: Option<String>,
}

fn instant(d: &toml::value::Datetime) -> String {
    let s = d.to_string();
    chrono::DateTime::parse_from_rfc3339(&s)
        .map(|t| t.to_utc().to_rfc3339())
        .unwrap_or(s)
}

/// The events of one version of a ticket file; None if it does not parse (e.g. a
/// committed conflict), in which case the version attributes nothing.
fn events_of(text: &[u8]) -> Option<Vec<Ev>> {
    let text = std::str::from_utf8(text).ok()?;
    let file: RawFile = toml::from_str(text).ok()?;
    let mut assignee = None;
    Some(
        file.event
            .into_iter()
            .map(|e| {
                let ev = Ev {
                    key: Key {
                        at: instant(&e.at),
                        by: e.by,
                        entered_by: e.entered_by,
                        action: e.action.unwrap_or_default(),
                    },
                    assignee_before: assignee.clone(),
                };
                if e.assignee.is_some() {
                    assignee = e.assignee;
                }
                ev
            })
            .collect(),
    )
}

fn git_cmd(root: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C").arg(root);
    c
}

fn run_git(root: &Path, args: &[&str]) -> Result<std::process::Output> {
    git_cmd(root).args(args).output().map_err(|e| {
        Error::invalid_with_hint(
            format!("cannot run git: {e}"),
            "install git, or put it on PATH",
        )
    })
}

/// Audits the desk's ticket history. Needs the desk in a git repository and a staff list
/// with emails (the only way to know who a commit's author is).
pub fn audit(desk: &Desk, opts: Options) -> Result<Audit> {
    let root = &desk.root;
    let cfg = &desk.config;
    if !run_git(root, &["rev-parse", "--git-dir"])?.status.success() {
        return Err(Error::invalid_with_hint(
            format!(
                "{} is not in a git repository: there is no history to audit",
                root.display()
            ),
            "share the desk through git (`svcdesk git setup`) and commit changes (--commit)",
        ));
    }
    if !cfg.staff.iter().any(|s| !s.email.is_empty()) {
        return Err(Error::invalid_with_hint(
            "no [[staff]] entry in svcdesk.toml has an `email`, so no commit can be matched to a person",
            "give each staff member `email = \"their git user.email\"` (or a list of them)",
        ));
    }
    let mut audit = Audit::default();
    let signed = cfg.git.signed_approvals;
    if signed {
        let o = run_git(root, &["config", "gpg.ssh.allowedSignersFile"])?;
        let ssh = run_git(root, &["config", "gpg.format"])?;
        if String::from_utf8_lossy(&ssh.stdout).trim() == "ssh" && !o.status.success() {
            audit.warnings.push(
                "signed_approvals is on but gpg.ssh.allowedSignersFile is not set in this clone, \
                 so no ssh signature can be trusted; see README, \"Sharing a desk safely\""
                    .into(),
            );
        }
    }

    let (commits, changes) = history(root, signed)?;
    audit.commits = commits.len();
    let mut seen: HashMap<String, HashMap<Key, u32>> = HashMap::new();
    let mut pending: Vec<(usize, String, Key, Option<String>)> = Vec::new();
    if !changes.is_empty() {
        let blobs = BlobReader::spawn(root, changes.iter().map(|c| c.blob.clone()).collect())?;
        let mut blobs = blobs;
        for chunk in changes.chunks(1024) {
            let texts: Vec<Vec<u8>> = chunk.iter().map(|_| blobs.next()).collect::<Result<_>>()?;
            let parsed: Vec<Option<Vec<Ev>>> = texts.par_iter().map(|t| events_of(t)).collect();
            for (change, evs) in chunk.iter().zip(parsed) {
                let Some(evs) = evs else { continue };
                let before = seen.entry(change.path.clone()).or_default();
                let mut here: HashMap<&Key, u32> = HashMap::new();
                for ev in &evs {
                    let n = here.entry(&ev.key).or_insert(0);
                    *n += 1;
                    if *n > before.get(&ev.key).copied().unwrap_or(0) {
                        pending.push((
                            change.commit,
                            change.path.clone(),
                            ev.key.clone(),
                            ev.assignee_before.clone(),
                        ));
                    }
                }
                for (k, n) in here {
                    let slot = before.entry(k.clone()).or_insert(0);
                    *slot = (*slot).max(n);
                }
            }
        }
        blobs.finish()?;
    }
    audit.events = pending.len();
    for (c, path, key, assignee) in pending {
        check_event(
            cfg,
            &commits[c],
            &path,
            &key,
            assignee.as_deref(),
            &mut audit.findings,
        );
    }

    if opts.uncommitted {
        for file in desk.record_files(crate::desk::Kind::Ticket)? {
            let rel = rel_path(root, &file);
            let text = std::fs::read(&file).map_err(|e| Error::io(&file, e))?;
            let Some(evs) = events_of(&text) else {
                continue;
            };
            let before = seen.get(&rel);
            let mut here: HashMap<&Key, u32> = HashMap::new();
            for ev in &evs {
                let n = here.entry(&ev.key).or_insert(0);
                *n += 1;
                if *n > before.and_then(|b| b.get(&ev.key)).copied().unwrap_or(0) {
                    audit.findings.push(finding(
                        &rel,
                        None,
                        &ev.key,
                        Problem::Uncommitted,
                        "not committed yet: no commit holds this event".into(),
                    ));
                }
            }
        }
    }
    locate(root, &mut audit.findings);
    for f in &mut audit.findings {
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(&f.at) {
            f.at = desk.local(t.to_utc()).to_rfc3339();
        }
    }
    Ok(audit)
}

fn rel_path(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

fn finding(
    path: &str,
    c: Option<&CommitInfo>,
    key: &Key,
    problem: Problem,
    message: String,
) -> Finding {
    Finding {
        file: path.to_string(),
        line: None,
        commit: c.map(|c| c.hash.clone()),
        author: c.map(|c| format!("{} <{}>", c.name, c.email)),
        at: key.at.clone(),
        by: key.by.clone(),
        entered_by: key.entered_by.clone(),
        action: key.action.clone(),
        problem,
        message,
    }
}

/// The staff member a signer names: ssh gives the allowed-signers principal (an email or
/// a staff id), gpg the key's user id `Name <email>`.
fn signer_staff<'a>(cfg: &'a Config, signer: &str) -> Option<&'a Staff> {
    let signer = signer.trim();
    let email = match (signer.rfind('<'), signer.rfind('>')) {
        (Some(a), Some(b)) if a < b => &signer[a + 1..b],
        _ => signer,
    };
    cfg.staff_by_email(email).or_else(|| cfg.staff(signer))
}

fn check_event(
    cfg: &Config,
    c: &CommitInfo,
    path: &str,
    key: &Key,
    assignee: Option<&str>,
    out: &mut Vec<Finding>,
) {
    let author = cfg.staff_by_email(&c.email);
    let actor = key.entered_by.as_deref().unwrap_or(&key.by);
    let mut push = |p, m| out.push(finding(path, Some(c), key, p, m));
    match author {
        None => push(
            Problem::UnknownAuthor,
            format!(
                "committed by {} <{}>, which is no staff member's email",
                c.name, c.email
            ),
        ),
        // svcdesk's own bookkeeping (sla-notified, escalations by `sla check`) is done by
        // whoever runs it (cron): any staff member may commit it.
        Some(_) if key.by == SYSTEM_ACTOR && key.entered_by.is_none() => {}
        Some(s) if s.id != actor => push(
            Problem::Identity,
            match &key.entered_by {
                Some(e) => format!("says it was entered by {e}, but {} committed it", s.id),
                None => format!("says {} did it, but {} committed it", key.by, s.id),
            },
        ),
        Some(_) => {}
    }
    let Some(action) = Action::parse(&key.action) else {
        return;
    };
    let Some((roles, what)) = required_roles(action, &key.by, assignee) else {
        return;
    };
    let holds = |s: &Staff| s.roles.iter().any(|r| roles.contains(&r.as_str()));
    let need = roles.join(" or ");
    if let Some(s) = author
        && !holds(s)
    {
        push(
            Problem::Role,
            format!(
                "to {what} needs the role {need}; its committer {} does not hold it",
                s.id
            ),
        );
    }
    if cfg.git.signed_approvals {
        let problem = match c.sig {
            'N' => Some("the commit is not signed".to_string()),
            'G' => match signer_staff(cfg, &c.signer) {
                _ if c.signer.trim().is_empty() => Some(
                    "the commit's signing key is not in the allowed signers this clone trusts"
                        .into(),
                ),
                None => Some(format!(
                    "signed by {}, who is not on the staff list",
                    c.signer
                )),
                Some(s) if !holds(s) => Some(format!(
                    "signed by {}, who does not hold the role {need}",
                    s.id
                )),
                Some(_) => None,
            },
            'B' => Some("the commit's signature is bad".into()),
            'U' => Some("signed by a key whose validity is unknown (gpg: not trusted)".into()),
            'X' | 'Y' => Some("signed by an expired key".into()),
            'R' => Some("signed by a revoked key".into()),
            _ => Some("the commit's signature cannot be checked (no trusted key for it)".into()),
        };
        if let Some(m) = problem {
            push(
                Problem::Signature,
                format!(
                    "to {what} needs a commit signed by a {need} ({}): {m}",
                    "signed_approvals"
                ),
            );
        }
    }
}

/// One ticket file's blob in one commit.
struct Change {
    commit: usize,
    path: String,
    blob: String,
}

const ZERO: &str = "0000000000000000000000000000000000000000";

/// The single `git log` pass: every commit that changed a ticket file, oldest first
/// (parents before children), with the blob it gave each ticket file.
fn history(root: &Path, signed: bool) -> Result<(Vec<CommitInfo>, Vec<Change>)> {
    // No commit yet: nothing to audit.
    if !run_git(root, &["rev-parse", "--verify", "-q", "HEAD"])?
        .status
        .success()
    {
        return Ok((Vec::new(), Vec::new()));
    }
    let format = if signed {
        "--format=%x1e%H%x00%an%x00%ae%x00%G?%x00%GS"
    } else {
        "--format=%x1e%H%x00%an%x00%ae"
    };
    let mut child = git_cmd(root)
        .args([
            "-c",
            "core.quotePath=false",
            "log",
            "--reverse",
            "--topo-order",
            "--full-history",
            "-c",
            "--raw",
            "--no-abbrev",
            "--no-renames",
            "--relative",
            format,
            // No pathspec: limiting to tickets/ makes git simplify history and costs
            // twice the time; other paths are skipped below.
            "HEAD",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::invalid(format!("cannot run git: {e}")))?;
    let mut out = Vec::new();
    child
        .stdout
        .take()
        .expect("piped")
        .read_to_end(&mut out)
        .map_err(|e| Error::io("<git log>", e))?;
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    let status = child.wait().map_err(|e| Error::io("<git log>", e))?;
    if !status.success() {
        return Err(Error::invalid(format!("git log failed: {}", err.trim())));
    }
    let text = String::from_utf8_lossy(&out);
    let mut commits = Vec::new();
    let mut changes = Vec::new();
    for rec in text.split('\x1e').filter(|r| !r.is_empty()) {
        let (head, body) = rec.split_once('\n').unwrap_or((rec, ""));
        let mut f = head.split('\0');
        let mut next = || f.next().unwrap_or_default().to_string();
        let info = CommitInfo {
            hash: next(),
            name: next(),
            email: next(),
            sig: next().chars().next().unwrap_or('N'),
            signer: next(),
        };
        let idx = commits.len();
        let before = changes.len();
        for line in body.lines().filter(|l| l.starts_with(':')) {
            let Some((meta, path)) = line.split_once('\t') else {
                continue;
            };
            // `:mode.. sha.. status` (one more mode and sha per parent of a merge): the
            // last sha is the commit's own blob.
            let blob = meta
                .split(' ')
                .rfind(|w| w.len() == 40 && w.bytes().all(|b| b.is_ascii_hexdigit()));
            let Some(blob) = blob else { continue };
            if blob == ZERO || !path.starts_with("tickets/") || !path.ends_with(".toml") {
                continue;
            }
            changes.push(Change {
                commit: idx,
                path: path.to_string(),
                blob: blob.to_string(),
            });
        }
        // Only commits that touched a ticket count (and are kept).
        if changes.len() > before {
            commits.push(info);
        }
    }
    Ok((commits, changes))
}

/// `git cat-file --batch` fed every blob id by a thread while they are read in order.
struct BlobReader {
    child: std::process::Child,
    out: BufReader<std::process::ChildStdout>,
    feeder: Option<std::thread::JoinHandle<()>>,
}

impl BlobReader {
    fn spawn(root: &Path, ids: Vec<String>) -> Result<BlobReader> {
        let mut child = git_cmd(root)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| Error::invalid(format!("cannot run git cat-file: {e}")))?;
        let mut stdin = child.stdin.take().expect("piped");
        let feeder = std::thread::spawn(move || {
            let mut w = std::io::BufWriter::new(&mut stdin);
            for id in ids {
                if writeln!(w, "{id}").is_err() {
                    return;
                }
            }
            let _ = w.flush();
        });
        let out = BufReader::with_capacity(1 << 20, child.stdout.take().expect("piped"));
        Ok(BlobReader {
            child,
            out,
            feeder: Some(feeder),
        })
    }

    fn next(&mut self) -> Result<Vec<u8>> {
        let bad = |m: String| Error::invalid(format!("git cat-file: {m}"));
        let mut header = String::new();
        self.out
            .read_line(&mut header)
            .map_err(|e| Error::io("<git cat-file>", e))?;
        // `<sha> blob <size>`, or `<sha> missing` for an object this clone lacks.
        let mut parts = header.split_whitespace();
        let _sha = parts.next();
        match (parts.next(), parts.next()) {
            (Some("blob"), Some(n)) => {
                let n: usize = n.parse().map_err(|_| bad(header.clone()))?;
                let mut buf = vec![0; n + 1];
                self.out
                    .read_exact(&mut buf)
                    .map_err(|e| Error::io("<git cat-file>", e))?;
                buf.pop();
                Ok(buf)
            }
            (Some("missing"), _) => Ok(Vec::new()),
            _ => Err(bad(format!("unexpected reply {:?}", header.trim()))),
        }
    }

    fn finish(mut self) -> Result<()> {
        if let Some(f) = self.feeder.take() {
            let _ = f.join();
        }
        let _ = self.child.wait();
        Ok(())
    }
}

/// Fills in each finding's line: where its event's `[[event]]` is in the current file.
fn locate(root: &Path, findings: &mut [Finding]) {
    let mut files: HashMap<String, Option<(String, Vec<Key>)>> = HashMap::new();
    for f in findings.iter_mut() {
        let entry = files.entry(f.file.clone()).or_insert_with(|| {
            let text = std::fs::read_to_string(root.join(&f.file)).ok()?;
            let keys = events_of(text.as_bytes())?
                .into_iter()
                .map(|e| e.key)
                .collect();
            Some((text, keys))
        });
        let Some((text, keys)) = entry else { continue };
        let key = Key {
            at: f.at.clone(),
            by: f.by.clone(),
            entered_by: f.entered_by.clone(),
            action: f.action.clone(),
        };
        if let Some(i) = keys.iter().position(|k| *k == key) {
            f.line = event_line(text, i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_keep_identity_and_assignee_before() {
        let text = br#"schema = 1
id = "T20261124-AAAAAA"

[[event]]
at = 2026-11-24T09:30:00+08:00
by = "li"
action = "open"

[[event]]
at = 2026-11-24T09:31:00+08:00
by = "li"
action = "assign"
assignee = "wang"

[[event]]
at = 2026-11-24T01:32:00Z
by = "chen"
entered_by = "li"
action = "accept"
"#;
        let evs = events_of(text).unwrap();
        assert_eq!(evs.len(), 3);
        assert_eq!(evs[2].assignee_before.as_deref(), Some("wang"));
        assert_eq!(evs[2].key.entered_by.as_deref(), Some("li"));
        assert_eq!(evs[2].key.at, "2026-11-24T01:32:00+00:00");
        assert!(events_of(b"<<<<<<< ours\n").is_none());
    }
}
