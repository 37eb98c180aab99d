//! Writing safely: one exclusive lock per desk around every write, and atomic file
//! replacement (temp file in the same directory, fsync, rename, fsync the directory), so a
//! crash or a full disk leaves either the old file or the new one — never half of each.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::error::{Error, Result};

/// What a temp file of ours is called (and `.gitignore` ignores).
pub const TEMP_PREFIX: &str = ".svcdesk-tmp-";

/// While this process holds a desk lock: the desk, since when, and the folders tidied.
/// A temp file older than that cannot be a write in progress (only the lock holder
/// writes records, and that is us), so it is a leftover of a killed write.
static HELD: Mutex<Option<(PathBuf, SystemTime, Vec<PathBuf>)>> = Mutex::new(None);

thread_local! {
    /// The desks this thread holds the lock of: taking it again is a no-op, so a batch
    /// (`model::steps::each`) takes it once and each step under it appends as usual.
    static HELD_HERE: std::cell::RefCell<Vec<PathBuf>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Held for the duration of a write command; released on drop (and by the kernel if the
/// process dies, so a crash never leaves a desk locked).
#[derive(Debug)]
pub struct WriteLock {
    /// None when this thread already held the lock (a nested take).
    _file: Option<File>,
}

impl WriteLock {
    pub fn acquire(desk_root: &Path) -> Result<WriteLock> {
        if Self::held_here(desk_root) {
            return Ok(WriteLock { _file: None });
        }
        let (file, path) = Self::open(desk_root)?;
        // Blocks while another svcdesk process writes; writes are short.
        file.lock().map_err(|e| Error::io(&path, e))?;
        Ok(Self::held(desk_root, file))
    }

    /// The lock if nobody holds it now, else None (for `check`'s tidying, which can wait
    /// for the next run rather than for a writer).
    pub fn try_acquire(desk_root: &Path) -> Result<Option<WriteLock>> {
        if Self::held_here(desk_root) {
            return Ok(Some(WriteLock { _file: None }));
        }
        let (file, path) = Self::open(desk_root)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Self::held(desk_root, file))),
            Err(fs::TryLockError::WouldBlock) => Ok(None),
            Err(fs::TryLockError::Error(e)) => Err(Error::io(&path, e)),
        }
    }

    /// The lock, waiting at most `wait` for another writer to finish; None when it is
    /// still held then (for `intake`, whose mail system retries later instead).
    pub fn acquire_within(
        desk_root: &Path,
        wait: std::time::Duration,
    ) -> Result<Option<WriteLock>> {
        let deadline = std::time::Instant::now() + wait;
        loop {
            if let Some(lock) = Self::try_acquire(desk_root)? {
                return Ok(Some(lock));
            }
            if std::time::Instant::now() >= deadline {
                return Ok(None);
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    fn open(desk_root: &Path) -> Result<(File, PathBuf)> {
        let dir = desk_root.join(".svcdesk");
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let path = dir.join("lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        Ok((file, path))
    }

    fn held_here(desk_root: &Path) -> bool {
        HELD_HERE.with(|h| h.borrow().iter().any(|r| r == desk_root))
    }

    fn held(desk_root: &Path, file: File) -> WriteLock {
        *HELD.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((desk_root.to_path_buf(), SystemTime::now(), Vec::new()));
        HELD_HERE.with(|h| h.borrow_mut().push(desk_root.to_path_buf()));
        WriteLock { _file: Some(file) }
    }

    /// Removes the leftovers of killed writes (`.svcdesk-tmp-*` older than this lock) in
    /// `dir`; returns what it removed. Safe only because we hold the lock.
    pub fn tidy(&self, dir: &Path) -> Vec<PathBuf> {
        match *HELD.lock().unwrap_or_else(|e| e.into_inner()) {
            Some((ref root, since, _)) if dir.starts_with(root) => remove_stale_temps(dir, since),
            _ => Vec::new(),
        }
    }
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        if self._file.is_none() {
            return; // nested: the outer take releases it
        }
        *HELD.lock().unwrap_or_else(|e| e.into_inner()) = None;
        HELD_HERE.with(|h| h.borrow_mut().clear());
    }
}

/// The `.svcdesk-tmp-*` files directly in `dir` last written before `since`, removed.
fn remove_stale_temps(dir: &Path, since: SystemTime) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return removed;
    };
    for e in entries.flatten() {
        if !e.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            continue;
        }
        let stale = e
            .metadata()
            .ok()
            .filter(fs::Metadata::is_file)
            .and_then(|m| m.modified().ok())
            .is_some_and(|t| t < since);
        if stale && fs::remove_file(e.path()).is_ok() {
            removed.push(e.path());
        }
    }
    removed
}

/// Under the lock, the first write to a folder first clears what killed writes left there.
fn tidy_before_write(dir: &Path) {
    let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((root, since, done)) = held.as_mut()
        && dir.starts_with(&*root)
        && !done.iter().any(|d| d == dir)
    {
        done.push(dir.to_path_buf());
        remove_stale_temps(dir, *since);
    }
}

/// A file being written that appears at its path, whole, only on `commit` — for output
/// too large to build in memory first. Dropped without `commit`, it leaves nothing.
pub struct AtomicFile {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
    dir: PathBuf,
}

impl AtomicFile {
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        // Record files are ordinary shared files (0666 less the umask), not tempfile's 0600.
        let mut builder = tempfile::Builder::new();
        builder.prefix(TEMP_PREFIX);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        let tmp = builder.tempfile_in(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(AtomicFile {
            tmp,
            path: path.to_path_buf(),
            dir,
        })
    }

    /// fsync, rename over the target, fsync the directory.
    pub fn commit(self) -> Result<()> {
        self.finish(true)
    }

    /// As [`AtomicFile::commit`], but when `replace` is false the rename itself refuses
    /// an existing target, so nothing that appeared there meanwhile is overwritten.
    fn finish(self, replace: bool) -> Result<()> {
        let path = self.path;
        self.tmp
            .as_file()
            .sync_all()
            .map_err(|e| Error::io(&path, e))?;
        let persisted = if replace {
            self.tmp.persist(&path)
        } else {
            self.tmp.persist_noclobber(&path)
        };
        persisted.map_err(|e| Error::io(&path, e.error))?;
        // The rename is durable only once the directory entry is.
        if let Ok(d) = File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tmp.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.tmp.flush()
    }
}

/// The folder of this clone's own state (lock, caches, trust): git-ignored, never shared.
pub const LOCAL_DIR: &str = ".svcdesk";

/// A file of this clone's local state under `.svcdesk/`, or None when it does not exist.
pub fn read_local(desk_root: &Path, name: &str) -> Result<Option<String>> {
    let path = desk_root.join(LOCAL_DIR).join(name);
    match fs::read_to_string(&path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Writes a file of this clone's local state under `.svcdesk/`, atomically.
pub fn write_local(desk_root: &Path, name: &str, contents: &[u8]) -> Result<()> {
    write_atomic(&desk_root.join(LOCAL_DIR).join(name), contents)
}

/// Replaces (or creates) `path` with `contents` atomically. Under the desk lock, it
/// first removes what killed writes left in that folder.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    write_whole(path, contents, true)
}

/// Replaces `path` with `contents` atomically (temp file, rename) but without fsync: for
/// caches, which are worth nothing after a crash and check their own integrity, so a
/// rebuild of many megabytes need not wait for the disk.
pub fn replace_unsynced(path: &Path, contents: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(contents).map_err(|e| Error::io(path, e))?;
    f.tmp
        .persist(&f.path)
        .map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Creates `path` with `contents`, failing if it already exists. A new record must never
/// overwrite another, even one that appears while this one is written (a clone's pull,
/// another svcdesk given the same ID), so the rename itself refuses an existing file
/// rather than a check before it.
pub fn create_new_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    write_whole(path, contents, false)
}

fn write_whole(path: &Path, contents: &[u8], replace: bool) -> Result<()> {
    if let Some(dir) = path.parent() {
        tidy_before_write(dir);
    }
    let mut f = AtomicFile::create(path)?;
    f.write_all(contents).map_err(|e| Error::io(path, e))?;
    f.finish(replace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_under_the_lock_removes_older_temp_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".svcdesk-tmp-killed");
        fs::write(&stale, "half").unwrap();
        let other = dir.path().join("notes.txt");
        fs::write(&other, "keep").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        write_atomic(&dir.path().join("a.toml"), b"x").unwrap();
        assert!(stale.exists(), "not without the lock");
        let lock = WriteLock::acquire(dir.path()).unwrap();
        write_atomic(&dir.path().join("a.toml"), b"y").unwrap();
        assert!(!stale.exists());
        assert!(other.exists());
        fs::write(&stale, "new").unwrap();
        assert!(
            lock.tidy(dir.path()).is_empty(),
            "younger than the lock: kept"
        );
    }

    #[test]
    fn the_lock_taken_again_on_its_thread_is_held_until_the_outer_take_ends() {
        let dir = tempfile::tempdir().unwrap();
        let outer = WriteLock::acquire(dir.path()).unwrap();
        // A batch's steps take it again: no deadlock, and still ours.
        let inner = WriteLock::acquire(dir.path()).unwrap();
        drop(inner);
        let root = dir.path().to_path_buf();
        let other = std::thread::spawn(move || WriteLock::try_acquire(&root).unwrap().is_some());
        assert!(
            !other.join().unwrap(),
            "another thread waits while the batch holds it"
        );
        drop(outer);
        let root = dir.path().to_path_buf();
        let other = std::thread::spawn(move || WriteLock::try_acquire(&root).unwrap().is_some());
        assert!(other.join().unwrap(), "released with the outer take");
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/a.toml");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "two");
        let names: Vec<_> = fs::read_dir(p.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
        assert!(create_new_atomic(&p, b"three").is_err());
        assert_eq!(fs::read_to_string(&p).unwrap(), "two");
    }

    #[test]
    fn a_new_record_never_replaces_one_that_appeared_while_it_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("T20261124-9XWM3A.toml");
        let mut ours = AtomicFile::create(&p).unwrap();
        ours.write_all(b"ours").unwrap();
        fs::write(&p, "theirs").unwrap();
        let e = ours.finish(false).unwrap_err();
        assert!(
            matches!(&e, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists),
            "{e}"
        );
        assert_eq!(fs::read_to_string(&p).unwrap(), "theirs");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left behind");
    }
}
