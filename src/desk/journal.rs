//! All-or-nothing creation of many records (`import`): the new files are written to a
//! staging folder under `.svcdesk/`, made durable, and only then listed in a journal; the
//! journal's appearance is the commit point. Moving the files into place follows, and a
//! run killed at any moment is finished by the next command that takes the desk lock:
//!
//! - `.svcdesk/import-<run>/` without a `journal`: killed while staging, before anything
//!   reached the desk. **Rolled back**: the folder is deleted.
//! - with a `journal` (sealed): every file is staged and on disk. **Rolled forward**: each
//!   file still in the folder is renamed to its place, then the folder is deleted.
//!
//! Each file still appears at its path whole (a rename), as every record write does.
//! Durability costs one `syncfs` of the desk's file system for all staged files (Linux;
//! elsewhere an fsync per file, in parallel), one fsync for the journal, and one per
//! destination folder after the moves — not a file and a folder fsync per record.
//!
//! The journal (UTF-8 text, written atomically):
//!
//! ```text
//! svcdesk staging journal 1
//! 1.toml<TAB>customers/C20261124-K7Q2XM.toml
//! 2.toml<TAB>tickets/2026/11/T20261124-9XWM3A.toml
//! end 2
//! ```
//!
//! Every caller holds the desk lock ([`super::WriteLock`]) while staging, committing or
//! recovering, so no other write sees a half-moved import.

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

const PREFIX: &str = "import-";
const JOURNAL: &str = "journal";
const HEADER: &str = "svcdesk staging journal 1";
/// Folders kept when a roll-forward finds a record already at a staged file's path.
const CONFLICT_PREFIX: &str = "conflict-import-";

/// Parallel fsyncs: the disk (or its journal) batches them; the CPU only waits.
const SYNC_THREADS: usize = 16;

fn state_dir(root: &Path) -> PathBuf {
    root.join(".svcdesk")
}

/// New files being staged for one all-or-nothing import. Dropped without [`commit`],
/// it leaves a staging folder without a journal, which the next command deletes (it also
/// tries to delete it at once).
///
/// [`commit`]: Staging::commit
pub struct Staging {
    root: PathBuf,
    dir: PathBuf,
    /// (staged file name, destination relative to the desk root)
    entries: Vec<(String, PathBuf)>,
    /// Destinations, to refuse one path twice.
    taken: std::collections::HashSet<PathBuf>,
    /// Staged files not yet written: written (and fsynced) a batch at a time, in parallel.
    batch: Vec<(PathBuf, Vec<u8>)>,
    committed: bool,
}

/// Files written per parallel batch: enough to keep the disk busy, few enough that a
/// big import's memory stays small.
const BATCH: usize = 2048;

/// What finishing a run's staging folder did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recovered {
    /// Sealed: its files were moved into the desk (`moved` of them by this recovery).
    RolledForward { run: String, moved: usize },
    /// Not sealed: nothing of it had reached the desk; `files` staged files deleted.
    RolledBack { run: String, files: usize },
    /// Sealed, but records already exist at some staged files' paths (written meanwhile
    /// by something that does not take the lock, e.g. a `git pull`): those files are
    /// kept in `kept`, the rest moved.
    Conflict {
        run: String,
        moved: usize,
        kept: PathBuf,
        paths: Vec<PathBuf>,
    },
}

impl Staging {
    /// Starts a staging folder. The caller holds the desk lock until [`Staging::commit`]
    /// returns.
    pub fn begin(root: &Path) -> Result<Staging> {
        let base = state_dir(root);
        fs::create_dir_all(&base).map_err(|e| Error::io(&base, e))?;
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = base.join(format!("{PREFIX}{}-{stamp}", std::process::id()));
        fs::create_dir(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Staging {
            root: root.to_path_buf(),
            dir,
            entries: Vec::new(),
            taken: Default::default(),
            batch: Vec::new(),
            committed: false,
        })
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Stages a new file for `dest` (a path inside the desk, relative to its root or
    /// absolute under it). Fails if a file exists at `dest` or was staged for it already.
    pub fn add(&mut self, dest: &Path, contents: &[u8]) -> Result<()> {
        let rel = dest.strip_prefix(&self.root).unwrap_or(dest).to_path_buf();
        if !is_plain_relative(&rel) {
            return Err(Error::invalid(format!(
                "{} is not a path inside the desk",
                dest.display()
            )));
        }
        let exists = || {
            Error::io(
                self.root.join(&rel),
                std::io::Error::new(std::io::ErrorKind::AlreadyExists, "file already exists"),
            )
        };
        if self.taken.contains(&rel) || self.root.join(&rel).exists() {
            return Err(exists());
        }
        let name = format!("{}.toml", self.entries.len() + 1);
        self.batch.push((self.dir.join(&name), contents.to_vec()));
        self.taken.insert(rel.clone());
        self.entries.push((name, rel));
        if self.batch.len() >= BATCH {
            write_parallel(std::mem::take(&mut self.batch), !SYNCFS)?;
        }
        Ok(())
    }

    /// Makes every staged file durable, seals the journal (from here the import happens
    /// even if this process dies), moves the files into place and deletes the staging
    /// folder. Returns the number of files moved.
    pub fn commit(mut self) -> Result<usize> {
        write_parallel(std::mem::take(&mut self.batch), !SYNCFS)?;
        if SYNCFS {
            sync_fs(&self.dir)?;
        } else {
            sync_dir(&self.dir)?;
        }
        let mut text = String::with_capacity(self.entries.len() * 64);
        text.push_str(HEADER);
        text.push('\n');
        for (name, rel) in &self.entries {
            text.push_str(name);
            text.push('\t');
            text.push_str(&rel_to_str(rel));
            text.push('\n');
        }
        text.push_str(&format!("end {}\n", self.entries.len()));
        super::store::write_atomic(&self.dir.join(JOURNAL), text.as_bytes())?;
        self.committed = true;
        match roll_forward(&self.root, &self.dir)? {
            Recovered::RolledForward { moved, .. } => Ok(moved),
            Recovered::Conflict { kept, paths, .. } => Err(conflict_error(&kept, &paths)),
            Recovered::RolledBack { .. } => unreachable!("the journal was just sealed"),
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

fn conflict_error(kept: &Path, paths: &[PathBuf]) -> Error {
    Error::invalid_with_hint(
        format!(
            "{} record(s) already existed where the import was to put new ones: {}",
            paths.len(),
            paths
                .iter()
                .take(5)
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        format!(
            "the import's other records are in place; its files for those paths are kept in {}",
            kept.display()
        ),
    )
}

fn new_file(path: &Path) -> Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o666);
    }
    o.open(path).map_err(|e| Error::io(path, e))
}

fn is_plain_relative(p: &Path) -> bool {
    p.components().count() > 0 && p.components().all(|c| matches!(c, Component::Normal(_)))
}

fn rel_to_str(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether staged files are made durable by one `syncfs` of the desk's file system
/// (Linux) rather than an fsync each: at 50,000 files the fsyncs cost seconds even in
/// parallel, while one syncfs writes the same blocks once.
const SYNCFS: bool = cfg!(target_os = "linux");

#[cfg(target_os = "linux")]
fn sync_fs(dir: &Path) -> Result<()> {
    use std::os::fd::AsRawFd;
    let d = File::open(dir).map_err(|e| Error::io(dir, e))?;
    // SAFETY: a valid open descriptor; syncfs only reads it.
    if unsafe { libc::syncfs(d.as_raw_fd()) } != 0 {
        return Err(Error::io(dir, std::io::Error::last_os_error()));
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn sync_fs(dir: &Path) -> Result<()> {
    sync_dir(dir)
}

/// Creates and writes new files (and fsyncs each, with `sync`) from a few threads at
/// once: each mostly waits on the disk, which batches their flushes, so together they
/// take about as long as a handful in a row.
fn write_parallel(files: Vec<(PathBuf, Vec<u8>)>, sync: bool) -> Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let threads = SYNC_THREADS.min(files.len().div_ceil(32)).max(1);
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| -> Result<()> {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((p, contents)) = files.get(i) else {
                            return Ok(());
                        };
                        let mut f = new_file(p)?;
                        f.write_all(contents)
                            .and_then(|()| if sync { f.sync_all() } else { Ok(()) })
                            .map_err(|e| Error::io(p, e))?;
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("fsync threads do not panic"))
            .collect::<Result<Vec<()>>>()
            .map(|_| ())
    })
}

fn sync_dir(dir: &Path) -> Result<()> {
    // A directory cannot be opened for fsync on every platform; there the rename's
    // durability is the file system's.
    match File::open(dir) {
        Ok(d) => d.sync_all().map_err(|e| Error::io(dir, e)),
        Err(_) => Ok(()),
    }
}

/// Reads a sealed journal: `None` when it is absent or incomplete (not sealed).
fn read_journal(dir: &Path) -> Result<Option<Vec<(String, PathBuf)>>> {
    let path = dir.join(JOURNAL);
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(&path, e)),
    };
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return Ok(None);
    }
    let mut entries = Vec::new();
    for line in lines {
        if let Some(n) = line.strip_prefix("end ") {
            return Ok((n.parse() == Ok(entries.len())).then_some(entries));
        }
        let Some((name, dest)) = line.split_once('\t') else {
            return Ok(None);
        };
        let dest = PathBuf::from(dest);
        if name.contains(['/', '\\']) || !is_plain_relative(&dest) {
            return Err(Error::invalid(format!(
                "{}: entry \"{line}\" is not a staged file and a path inside the desk",
                path.display()
            )));
        }
        entries.push((name.to_string(), dest));
    }
    Ok(None)
}

/// Moves every staged file still in `dir` to its place, fsyncs each destination folder
/// once, then deletes the journal and the folder.
fn roll_forward(root: &Path, dir: &Path) -> Result<Recovered> {
    let run = run_name(dir);
    let entries = read_journal(dir)?.expect("called with a sealed journal");
    let mut folders: BTreeSet<PathBuf> = BTreeSet::new();
    let mut moved = 0;
    let mut conflicts = Vec::new();
    for (name, rel) in &entries {
        let from = dir.join(name);
        if !from.exists() {
            continue; // moved before a kill
        }
        let to = root.join(rel);
        let folder = to
            .parent()
            .expect("a relative path has a parent")
            .to_path_buf();
        if !folders.contains(&folder) {
            fs::create_dir_all(&folder).map_err(|e| Error::io(&folder, e))?;
            folders.insert(folder);
        }
        if to.exists() {
            conflicts.push(rel.clone());
            continue;
        }
        fs::rename(&from, &to).map_err(|e| Error::io(&to, e))?;
        moved += 1;
    }
    for f in &folders {
        sync_dir(f)?;
    }
    if !conflicts.is_empty() {
        let kept = state_dir(root).join(format!("{CONFLICT_PREFIX}{}", &run[PREFIX.len()..]));
        fs::rename(dir, &kept).map_err(|e| Error::io(&kept, e))?;
        return Ok(Recovered::Conflict {
            run,
            moved,
            kept,
            paths: conflicts,
        });
    }
    // The journal goes first: a kill after it leaves an unsealed, empty folder, which
    // the next run deletes.
    let journal = dir.join(JOURNAL);
    fs::remove_file(&journal).map_err(|e| Error::io(&journal, e))?;
    fs::remove_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    Ok(Recovered::RolledForward { run, moved })
}

fn run_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The staging folders an interrupted import left, oldest first (one directory listing).
pub fn pending(root: &Path) -> Vec<PathBuf> {
    let Ok(rd) = fs::read_dir(state_dir(root)) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = rd
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(PREFIX))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    dirs.sort();
    dirs
}

/// Finishes what interrupted imports left: rolls each sealed one forward and each
/// unsealed one back. The caller holds the desk lock.
pub fn recover(root: &Path) -> Result<Vec<Recovered>> {
    let mut done = Vec::new();
    for dir in pending(root) {
        if read_journal(&dir)?.is_some() {
            done.push(roll_forward(root, &dir)?);
        } else {
            let files = fs::read_dir(&dir)
                .map(|rd| rd.filter(|e| e.is_ok()).count())
                .unwrap_or(0);
            fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
            done.push(Recovered::RolledBack {
                run: run_name(&dir),
                files,
            });
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(root: &Path) -> Vec<String> {
        let mut v: Vec<String> = walkdir::WalkDir::new(root)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| rel_to_str(e.path().strip_prefix(root).unwrap()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn commit_moves_everything_and_leaves_no_staging() {
        let d = tempfile::tempdir().unwrap();
        let mut s = Staging::begin(d.path()).unwrap();
        s.add(Path::new("customers/C1.toml"), b"a").unwrap();
        s.add(&d.path().join("tickets/2026/11/T1.toml"), b"b")
            .unwrap();
        assert!(s.add(Path::new("customers/C1.toml"), b"again").is_err());
        assert!(s.add(Path::new("../out.toml"), b"x").is_err());
        assert_eq!(s.commit().unwrap(), 2);
        assert_eq!(
            files(d.path()),
            ["customers/C1.toml", "tickets/2026/11/T1.toml"]
        );
        assert_eq!(fs::read_dir(d.path().join(".svcdesk")).unwrap().count(), 0);
    }

    #[test]
    fn unsealed_rolls_back_and_sealed_rolls_forward() {
        let d = tempfile::tempdir().unwrap();
        // Killed while staging: dropped without commit, and the folder left behind.
        let mut s = Staging::begin(d.path()).unwrap();
        s.add(Path::new("customers/C1.toml"), b"a").unwrap();
        s.committed = true; // as if killed: Drop does not clean up
        drop(s);
        assert_eq!(pending(d.path()).len(), 1);
        let r = recover(d.path()).unwrap();
        assert!(matches!(r[..], [Recovered::RolledBack { .. }]), "{r:?}");
        assert_eq!(files(d.path()), Vec::<String>::new());

        // Killed after the seal, one file moved already.
        let dir = d.path().join(".svcdesk/import-1-2");
        fs::create_dir_all(&dir).unwrap();
        fs::create_dir_all(d.path().join("customers")).unwrap();
        fs::write(d.path().join("customers/C1.toml"), "a").unwrap();
        fs::write(dir.join("2.toml"), "b").unwrap();
        fs::write(
            dir.join(JOURNAL),
            format!("{HEADER}\n1.toml\tcustomers/C1.toml\n2.toml\tcustomers/C2.toml\nend 2\n"),
        )
        .unwrap();
        let r = recover(d.path()).unwrap();
        assert!(
            matches!(r[..], [Recovered::RolledForward { moved: 1, .. }]),
            "{r:?}"
        );
        assert_eq!(files(d.path()), ["customers/C1.toml", "customers/C2.toml"]);
        assert!(pending(d.path()).is_empty());
    }

    #[test]
    fn a_journal_without_its_end_is_not_sealed() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join(".svcdesk/import-1-2");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("1.toml"), "a").unwrap();
        fs::write(
            dir.join(JOURNAL),
            format!("{HEADER}\n1.toml\tcustomers/C1.toml\n"),
        )
        .unwrap();
        let r = recover(d.path()).unwrap();
        assert!(matches!(r[..], [Recovered::RolledBack { .. }]), "{r:?}");
        assert!(!d.path().join("customers/C1.toml").exists());
    }

    #[test]
    fn an_existing_record_is_never_overwritten() {
        let d = tempfile::tempdir().unwrap();
        let mut s = Staging::begin(d.path()).unwrap();
        s.add(Path::new("customers/C1.toml"), b"new").unwrap();
        s.add(Path::new("customers/C2.toml"), b"two").unwrap();
        // Written behind the lock's back (a pull) between staging and commit.
        fs::create_dir_all(d.path().join("customers")).unwrap();
        fs::write(d.path().join("customers/C1.toml"), "pulled").unwrap();
        let err = s.commit().unwrap_err().to_string();
        assert!(err.contains("C1.toml"), "{err}");
        assert_eq!(
            fs::read_to_string(d.path().join("customers/C1.toml")).unwrap(),
            "pulled"
        );
        assert!(d.path().join("customers/C2.toml").exists());
        assert!(pending(d.path()).is_empty(), "a conflict is not replayed");
    }
}
