//! The desk: finding it, creating it, locating and resolving records, scanning them.

pub mod attachments;
pub mod fast_toml;
pub mod id;
pub mod journal;
pub mod program;
pub mod record;
pub mod store;
pub mod when;

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, Utc};
use chrono_tz::Tz;

use crate::config::{self, Config};
use crate::error::{Error, Result};
pub use id::{Id, Kind};
pub use store::WriteLock;
pub use when::When;

pub const GITIGNORE: &str = "# svcdesk's local lock and caches; never committed\n.svcdesk/\n# left only if svcdesk was killed mid-write; safe to delete\n.svcdesk-tmp-*\n";
pub const GITATTRIBUTES: &str = "\
# Records are text; keep line endings as written so diffs show only real changes.
*.toml text eol=lf
# Attached files are stored whole: never diffed, merged or converted. For a desk with
# many large files, consider git-lfs: `git lfs track 'attachments/**'`.
attachments/** -diff -merge binary
";

#[derive(Debug)]
pub struct Desk {
    pub root: PathBuf,
    pub config: Config,
    /// Whether loading many tickets may use (and refresh) the cache under `.svcdesk/`;
    /// off only to measure or debug without it (SVCDESK_NO_CACHE), as answers are the
    /// same either way.
    pub use_cache: bool,
}

/// The templates `init` writes into `templates/`: file name and text.
pub const EXAMPLE_TEMPLATES: [(&str, &str); 2] = [
    (
        "受理回复.md",
        r#"+++
# 受理后第一次答复客户：svcdesk ticket respond ID --template 受理回复
# 可用的变量见 svcdesk template --help；未知变量会报错，不会发给客户。
for = ["respond", "note"]
description = "受理回复：告知工单号、处理部门和解决时限"
+++
{{ customer.name }}您好：

您反映的问题已登记为工单 {{ ticket.id }}（{{ ticket.title }}）{% if ticket.department_name %}，由{{ ticket.department_name }}负责处理{% endif %}。
{% if sla.resolve is defined %}我们将在 {{ sla.resolve.due }} 前给您解决结果。{% else %}我们会尽快与您联系，告知处理方案。{% endif %}

客服 {{ me.name }}{% if me.phone %}，电话 {{ me.phone }}{% endif %}
"#,
    ),
    (
        "报修登记.md",
        r#"+++
# 电话报修登记：svcdesk ticket open --customer ID --category quality --product 型号 --template 报修登记 -m '现象……'
for = ["open"]
title = "{{ customer.name }}：{{ ticket.product }} 报修"
description = "报修登记：按客户和产品写好标题和描述的开头"
+++
客户 {{ customer.name }}{% if ticket.contact %}（联系人 {{ ticket.contact }}）{% endif %}报修。
产品型号：{{ ticket.product }}{% if ticket.serial %}；序列号：{{ ticket.serial }}{% endif %}{% if ticket.purchase_date %}；购买日期：{{ ticket.purchase_date }}{% endif %}。
"#,
    ),
];

impl Desk {
    /// Finds the desk like git finds a repository: the explicit directory if given
    /// (from `-C`/`--desk` or SVCDESK_DIR), else the nearest parent of `cwd` holding
    /// `svcdesk.toml`.
    pub fn discover(explicit: Option<&Path>, cwd: &Path) -> Result<Desk> {
        let root = match explicit {
            Some(dir) => {
                let dir = cwd.join(dir);
                if !holds_config(&dir)? {
                    return Err(Error::invalid_with_hint(
                        format!(
                            "{} is not a desk (no {} there)",
                            dir.display(),
                            config::FILE_NAME
                        ),
                        "create one with `svcdesk init DIR`, or check the -C/--desk value and SVCDESK_DIR",
                    ));
                }
                dir
            }
            None => {
                let mut found = None;
                for d in cwd.ancestors() {
                    if holds_config(d)? {
                        found = Some(d.to_path_buf());
                        break;
                    }
                }
                found.ok_or_else(|| Error::NoDesk {
                    start: cwd.to_path_buf(),
                })?
            }
        };
        Desk::open(root)
    }

    pub fn open(root: PathBuf) -> Result<Desk> {
        let config = Config::load(&root.join(config::FILE_NAME))?;
        Ok(Desk {
            root,
            config,
            use_cache: true,
        })
    }

    /// Creates a desk in `dir`. With `force`, an existing desk's config is rewritten (the
    /// old one kept as `svcdesk.toml.bak`) and missing folders are added; records are
    /// never touched.
    pub fn init(dir: &Path, name: &str, tz: Tz, force: bool) -> Result<Desk> {
        Desk::init_lang(dir, name, tz, force, None)
    }

    /// [`Desk::init`] with the desk's `lang` set (None: left out, proposed in a comment
    /// as the time zone suggests).
    pub fn init_lang(
        dir: &Path,
        name: &str,
        tz: Tz,
        force: bool,
        lang: Option<crate::i18n::Lang>,
    ) -> Result<Desk> {
        let cfg = dir.join(config::FILE_NAME);
        if cfg.exists() && !force {
            return Err(Error::DeskExists {
                path: dir.to_path_buf(),
            });
        }
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let _lock = WriteLock::acquire(dir)?;
        if cfg.exists() {
            // --force never loses a person's config: the old one is kept beside it.
            let backup = dir.join(format!("{}.bak", config::FILE_NAME));
            fs::copy(&cfg, &backup).map_err(|e| Error::io(&backup, e))?;
        }
        store::write_atomic(&cfg, config::default_config_lang(name, tz, lang).as_bytes())?;
        for kind in Kind::ALL {
            let d = dir.join(kind.dir());
            fs::create_dir_all(&d).map_err(|e| Error::io(&d, e))?;
            // git does not keep empty folders; a clone should still look like a desk.
            let keep = d.join(".gitkeep");
            if !keep.exists() {
                store::write_atomic(&keep, b"")?;
            }
        }
        // Example templates (`svcdesk template --help`), unless the desk has its own.
        let templates = dir.join("templates");
        if !templates.exists() {
            fs::create_dir_all(&templates).map_err(|e| Error::io(&templates, e))?;
            for (file, text) in EXAMPLE_TEMPLATES {
                store::write_atomic(&templates.join(file), text.as_bytes())?;
            }
        }
        for (file, text) in [(".gitignore", GITIGNORE), (".gitattributes", GITATTRIBUTES)] {
            let p = dir.join(file);
            if !p.exists() {
                store::write_atomic(&p, text.as_bytes())?;
            }
        }
        Desk::open(dir.to_path_buf())
    }

    pub fn tz(&self) -> Tz {
        self.config.timezone
    }

    /// An instant as the desk writes it: in its time zone, with the offset.
    pub fn local(&self, t: DateTime<Utc>) -> DateTime<FixedOffset> {
        t.with_timezone(&self.tz()).fixed_offset()
    }

    /// The desk's write lock. An import killed midway is finished (or undone, see
    /// [`journal`]) before anything else writes.
    pub fn lock(&self) -> Result<WriteLock> {
        let lock = WriteLock::acquire(&self.root)?;
        journal::recover(&self.root)?;
        Ok(lock)
    }

    /// [`Desk::lock`], waiting at most `wait` for another writer: None when the lock is
    /// still held by then.
    pub fn lock_within(&self, wait: std::time::Duration) -> Result<Option<WriteLock>> {
        let Some(lock) = WriteLock::acquire_within(&self.root, wait)? else {
            return Ok(None);
        };
        journal::recover(&self.root)?;
        Ok(Some(lock))
    }

    /// Finishes (or undoes) what an import killed midway left, under the lock; for every
    /// command, reads included, so none sees half an import. Takes the lock only when
    /// there is something to do (one listing of `.svcdesk/` otherwise).
    pub fn finish_interrupted(&self) -> Result<Vec<journal::Recovered>> {
        if journal::pending(&self.root).is_empty() {
            return Ok(Vec::new());
        }
        let _lock = WriteLock::acquire(&self.root)?;
        journal::recover(&self.root)
    }

    pub fn path_of(&self, id: &Id) -> PathBuf {
        self.root.join(id.rel_path())
    }

    /// A fresh ID for a record created at `now`, checked against the file it would occupy.
    pub fn new_id(&self, kind: Kind, now: DateTime<Utc>) -> Id {
        let date = now.with_timezone(&self.tz()).date_naive();
        loop {
            let id = Id::generate(kind, date);
            if !self.path_of(&id).exists() {
                return id;
            }
        }
    }

    /// Every record file of a kind, sorted by path (hence by ID). Only names are read.
    pub fn record_files(&self, kind: Kind) -> Result<Vec<PathBuf>> {
        let base = self.root.join(kind.dir());
        if !base.is_dir() {
            return Ok(Vec::new());
        }
        let mut files = Vec::new();
        self.walk_records(kind, &mut |step| {
            if let Walk::Files(dir, names) = step {
                files.extend(names.iter().map(|n| dir.join(n)));
            }
            Ok(())
        })?;
        Ok(files)
    }

    /// The record files of a kind as [`record_files`](Self::record_files) finds them, in
    /// the same order, handed over a folder's run of files at a time: a big desk is never
    /// listed whole. Each folder is `Left` once all it holds has been met, so a reader
    /// keeping state per folder knows when it is done (a stray file beside sub-folders
    /// splits its folder into several runs).
    pub(crate) fn walk_records(
        &self,
        kind: Kind,
        visit: &mut dyn FnMut(Walk) -> Result<()>,
    ) -> Result<()> {
        let base = self.root.join(kind.dir());
        if !base.is_dir() {
            return Ok(());
        }
        let depth = if kind.sharded() { 3 } else { 1 };
        walk_records(&base, depth, visit)
    }

    /// The IDs of every record of a kind, from file names alone.
    pub fn ids(&self, kind: Kind) -> Result<Vec<String>> {
        Ok(self
            .record_files(kind)?
            .iter()
            .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .collect())
    }

    /// Resolves what a user typed (a full ID or any unique abbreviation) to an existing
    /// record. A full ID is found by path alone; an abbreviation lists file names.
    pub fn resolve(&self, kind: Kind, query: &str) -> Result<Id> {
        let q = id::validate_query(kind, query)?;
        if let Some(full) = Id::parse(&q)
            && full.kind() == kind
        {
            // Not `is_file()`, which follows links: a record must be a regular file in the
            // desk, as `record_files` (hence list and check) sees it. A link could point
            // outside the desk, so it is refused by name rather than read or replaced.
            let path = self.path_of(&full);
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(Error::invalid(format!(
                        "{} is a symbolic link; records must be regular files inside the desk",
                        path.display()
                    )));
                }
                Ok(m) if m.is_file() => return Ok(full),
                _ => {}
            }
        }
        let all = self.ids(kind)?;
        let hits: Vec<&String> = all.iter().filter(|i| id::matches(i, &q)).collect();
        match hits.as_slice() {
            [one] => Id::parse(one).ok_or_else(|| {
                Error::invalid(format!(
                    "record file name \"{one}\" is not a valid ID; run `svcdesk check`"
                ))
            }),
            [] => Err(Error::UnknownId {
                kind: kind.noun(),
                query: query.to_string(),
                near: near_matches(&all, &q),
            }),
            many => Err(Error::AmbiguousId {
                kind: kind.noun(),
                query: query.to_string(),
                candidates: many.iter().take(10).map(|s| s.to_string()).collect(),
            }),
        }
    }
}

/// IDs within a small edit distance of the query's random part or its prefix, best first.
fn near_matches(all: &[String], q: &str) -> Vec<String> {
    // Compare by characters: a stray hand-made file name may be anything, CJK included.
    let prefix = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    let q_random = q.rsplit('-').next().unwrap_or(q);
    let n_random = q_random.chars().count();
    let mut scored: Vec<(usize, &String)> = all
        .iter()
        .filter_map(|full| {
            let random: String = full.chars().skip(10).collect();
            let d = strsim::levenshtein(&prefix(&random, n_random), q_random)
                .min(strsim::levenshtein(&prefix(full, q.chars().count()), q));
            (d <= 2 && d < q.len()).then_some((d, full))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(5).map(|(_, s)| s.clone()).collect()
}

/// Whether `dir` holds a desk config. A folder svcdesk may not look into is an error
/// naming it (permission denied), not "not a desk", so the fix is plain.
fn holds_config(dir: &Path) -> Result<bool> {
    let path = dir.join(config::FILE_NAME);
    match std::fs::metadata(&path) {
        Ok(m) => Ok(m.is_file()),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(false)
        }
        Err(e) => Err(Error::io(&path, e)),
    }
}

/// Who acts (`by`) and, when someone enters it on their behalf with `--as`, who typed
/// it (`entered_by`: the typist's staff id from their git identity, or that email).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    pub by: String,
    pub entered_by: Option<String>,
}

impl Desk {
    /// Who is acting: `claimed` (`--as`) if given; else the staff member whose `email`
    /// is the desk's git `user.email`; else `env_user` (SVCDESK_USER); else the OS user.
    /// With no staff list anyone may act under any name; once the desk lists staff, the
    /// name must be one of theirs.
    pub fn who(&self, claimed: Option<&str>, env_user: Option<&str>) -> Result<Who> {
        let clean = |s: Option<&str>| s.map(str::trim).filter(|s| !s.is_empty()).map(String::from);
        let git = self.git_email();
        let typist = git.as_deref().map(|email| {
            self.config
                .staff_by_email(email)
                .map(|s| s.id.clone())
                .unwrap_or_else(|| email.to_string())
        });
        if let Some(name) = clean(claimed) {
            let by = self.checked_actor(&name)?;
            let entered_by = typist.filter(|t| *t != by);
            return Ok(Who { by, entered_by });
        }
        if let Some(s) = git.as_deref().and_then(|e| self.config.staff_by_email(e)) {
            return Ok(Who {
                by: s.id.clone(),
                entered_by: None,
            });
        }
        let fallback = clean(env_user).or_else(|| {
            clean(std::env::var("USER").ok().as_deref())
                .or_else(|| clean(std::env::var("LOGNAME").ok().as_deref()))
        });
        if self.config.staff.is_empty() {
            return Ok(Who {
                by: fallback.unwrap_or_else(|| "unknown".into()),
                entered_by: None,
            });
        }
        match fallback {
            Some(name) if env_user.is_some() || self.config.staff(&name).is_some() => Ok(Who {
                by: self.checked_actor(&name)?,
                entered_by: None,
            }),
            _ => {
                let ids: Vec<String> = self.config.staff.iter().map(|s| s.id.clone()).collect();
                Err(Error::invalid_with_hint(
                    match &git {
                        Some(e) => format!(
                            "this desk lists its staff and your git user.email {e} is not one of their `email`s: say who you are"
                        ),
                        None => "this desk lists its staff: say who you are".to_string(),
                    },
                    format!(
                        "add your git user.email to your [[staff]] entry, or pass --as ID or set SVCDESK_USER; staff: {}",
                        ids.join(", ")
                    ),
                ))
            }
        }
    }

    /// Who is acting (see [`Desk::who`]), with SVCDESK_USER as the fallback name.
    pub fn actor(&self, claimed: Option<&str>) -> Result<String> {
        let env_user = std::env::var("SVCDESK_USER").ok();
        Ok(self.who(claimed, env_user.as_deref())?.by)
    }

    fn checked_actor(&self, name: &str) -> Result<String> {
        if self.config.staff.is_empty() || self.config.staff(name).is_some() {
            Ok(name.to_string())
        } else {
            Err(self.not_staff(name))
        }
    }

    /// `git config user.email` as git sees it in the desk (repository, then global
    /// config); None when unset or git is missing.
    pub fn git_email(&self) -> Option<String> {
        let o = std::process::Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .args(["config", "user.email"])
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .output()
            .ok()?;
        let email = String::from_utf8_lossy(&o.stdout).trim().to_string();
        (o.status.success() && !email.is_empty()).then_some(email)
    }

    fn not_staff(&self, name: &str) -> Error {
        crate::names::not_known(
            format!(
                "\"{}\" is not on this desk's staff list",
                crate::error::shown(name)
            ),
            name,
            "staff",
            self.config.staff.iter().map(|s| s.id.as_str()),
        )
    }
}

/// What [`Desk::walk_records`] meets, in path order.
pub(crate) enum Walk<'a> {
    /// Consecutive record files of a folder, by name.
    Files(&'a Path, Vec<std::ffi::OsString>),
    /// Everything in the folder has been met.
    Left(&'a Path),
}

/// The record files under `dir`, `depth` levels down, in name order: a folder's entries
/// are sorted by name once (a month folder of a big desk holds thousands), folders are
/// entered where they sort, and only `*.toml` files that are not hidden are kept.
/// Symbolic links are neither followed nor taken.
fn walk_records(dir: &Path, depth: usize, visit: &mut dyn FnMut(Walk) -> Result<()>) -> Result<()> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let kind = entry.file_type().map_err(|e| Error::io(entry.path(), e))?;
        entries.push((entry.file_name(), kind));
    }
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut run = Vec::new();
    for (name, kind) in entries {
        if kind.is_dir() && depth > 1 {
            if !run.is_empty() {
                visit(Walk::Files(dir, std::mem::take(&mut run)))?;
            }
            walk_records(&dir.join(&name), depth - 1, visit)?;
        } else if kind.is_file() {
            let text = name.to_string_lossy();
            if text.ends_with(".toml") && !text.starts_with('.') {
                run.push(name);
            }
        }
    }
    if !run.is_empty() {
        visit(Walk::Files(dir, run))?;
    }
    visit(Walk::Left(dir))
}
