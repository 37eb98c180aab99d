//! Writing safely: one exclusive lock per desk around every write, and atomic file
//! replacement (temp file in the same directory, fsync, rename, fsync the directory), so a
//! crash or a full disk leaves either the old file or the new one — never half of each.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Held for the duration of a write command; released on drop (and by the kernel if the
/// process dies, so a crash never leaves a desk locked).
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
}

impl WriteLock {
    pub fn acquire(desk_root: &Path) -> Result<WriteLock> {
        let dir = desk_root.join(".svcdesk");
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let path = dir.join("lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        // Blocks while another svcdesk process writes; writes are short.
        file.lock().map_err(|e| Error::io(&path, e))?;
        Ok(WriteLock { _file: file })
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
        builder.prefix(".svcdesk-tmp-");
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
        let path = self.path;
        self.tmp
            .as_file()
            .sync_all()
            .map_err(|e| Error::io(&path, e))?;
        self.tmp
            .persist(&path)
            .map_err(|e| Error::io(&path, e.error))?;
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

/// Replaces (or creates) `path` with `contents` atomically.
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

pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(contents).map_err(|e| Error::io(path, e))?;
    f.commit()
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

/// Creates `path` with `contents`, failing if it already exists (a new record must never
/// overwrite another, even one created between our check and our write by a clone's pull).
pub fn create_new_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    if path.exists() {
        return Err(Error::io(
            path,
            std::io::Error::new(std::io::ErrorKind::AlreadyExists, "file already exists"),
        ));
    }
    write_atomic(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
