//! Attachments kept in the desk, content-addressed: a file attached to a ticket, a report
//! or a customer's log is copied to `attachments/<2 hex>/<62 hex>[.ext]`, named by the
//! SHA-256 of its bytes, so every clone has it after a pull and the same file attached
//! twice is stored once. The event records the original name, media type, size and hash
//! ([`Attachment`]); `check` verifies the stored bytes still have that hash.
//!
//! Order of writes: [`prepare`] reads and hashes the file (refusing a missing or too
//! large one before anything is written); [`store`] copies it under the desk lock, just
//! before the event is written. A crash in between leaves at worst an unreferenced blob,
//! never an event pointing at nothing.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::Digest;

use super::store::AtomicFile;
use crate::error::{Error, Result};

/// The folder, relative to the desk root.
pub const DIR: &str = "attachments";

/// The `.gitattributes` line that keeps git from diffing or merging stored files.
pub const GIT_ATTRIBUTE: &str = "attachments/** -diff -merge binary";

pub use crate::config::{DEFAULT_MAX_ATTACHMENT as DEFAULT_MAX_SIZE, parse_size};

const KB: u64 = 1024;
const MB: u64 = 1024 * KB;
const GB: u64 = 1024 * MB;

/// One attached file as its event records it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// The file's name when attached (no folders).
    pub name: String,
    /// Hex SHA-256 of its bytes.
    pub sha256: String,
    /// Bytes.
    pub size: u64,
    /// Media type, from the name's extension.
    #[serde(rename = "type")]
    pub media_type: String,
    /// Where the bytes come from, until [`store`] has copied them (never written).
    #[serde(skip)]
    pub source: Option<PathBuf>,
    /// Or the bytes themselves (a mail's attachment), until [`store`] has written them.
    #[serde(skip)]
    pub data: Option<Bytes>,
}

/// Bytes held for [`store`]; shown by their length only.
#[derive(Clone, Default)]
pub struct Bytes(pub std::sync::Arc<[u8]>);

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} bytes", self.0.len())
    }
}

/// Equal when they record the same thing; where the bytes came from does not matter.
impl PartialEq for Attachment {
    fn eq(&self, o: &Self) -> bool {
        (&self.name, &self.sha256, self.size, &self.media_type)
            == (&o.name, &o.sha256, o.size, &o.media_type)
    }
}

impl Attachment {
    /// Where the bytes are stored, relative to the desk root, with `/` separators:
    /// `attachments/ab/cdef….jpg`.
    pub fn path(&self) -> String {
        let (head, tail) = self.sha256.split_at(2.min(self.sha256.len()));
        match extension(&self.name) {
            Some(ext) => format!("{DIR}/{head}/{tail}.{ext}"),
            None => format!("{DIR}/{head}/{tail}"),
        }
    }
}

/// The name's extension as stored: lower case ASCII letters and digits, at most 10;
/// anything else is left off.
pub fn extension(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty()
        && !ext.is_empty()
        && ext.len() <= 10
        && ext.chars().all(|c| c.is_ascii_alphanumeric()))
    .then(|| ext.to_ascii_lowercase())
}

/// The media type for a file name, by its extension.
pub fn media_type(name: &str) -> &'static str {
    match extension(name).as_deref() {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("heic") => "image/heic",
        Some("bmp") => "image/bmp",
        Some("svg") => "image/svg+xml",
        Some("tif" | "tiff") => "image/tiff",
        Some("pdf") => "application/pdf",
        Some("txt" | "log") => "text/plain",
        Some("csv") => "text/csv",
        Some("md") => "text/markdown",
        Some("html" | "htm") => "text/html",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("zip") => "application/zip",
        Some("gz") => "application/gzip",
        Some("doc") => "application/msword",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("xls") => "application/vnd.ms-excel",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("ppt") => "application/vnd.ms-powerpoint",
        Some("pptx") => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        Some("mp3") => "audio/mpeg",
        Some("wav") => "audio/wav",
        Some("amr") => "audio/amr",
        Some("m4a") => "audio/mp4",
        Some("mp4") => "video/mp4",
        Some("mov") => "video/quicktime",
        _ => "application/octet-stream",
    }
}

/// A size for people: `1234 B`, `12.1 KB`, `20 MB`.
pub fn human_size(n: u64) -> String {
    let f = |v: f64, u: &str| {
        if v.fract() == 0.0 {
            format!("{v:.0} {u}")
        } else {
            format!("{v:.1} {u}")
        }
    };
    if n < KB {
        format!("{n} B")
    } else if n < MB {
        f(n as f64 / KB as f64, "KB")
    } else if n < GB {
        f(n as f64 / MB as f64, "MB")
    } else {
        f(n as f64 / GB as f64, "GB")
    }
}

/// Reads and hashes the file at `from`/`path` (relative paths from `from`, the caller's
/// working directory), refusing a missing file, a folder, or one over `max_size` bytes.
/// Nothing is written.
pub fn prepare(from: &Path, path: &Path, max_size: u64) -> Result<Attachment> {
    let full = from.join(path);
    let meta = std::fs::metadata(&full)
        .map_err(|e| Error::invalid(format!("attachment {}: {e}", path.display())))?;
    if !meta.is_file() {
        return Err(Error::invalid(format!(
            "attachment {} is not a file",
            path.display()
        )));
    }
    if meta.len() > max_size {
        return Err(too_large(path, meta.len(), max_size));
    }
    let mut f = File::open(&full).map_err(|e| Error::io(&full, e))?;
    let (sha256, size) = hash_reader(&mut f, |_| Ok(())).map_err(|e| Error::io(&full, e))?;
    if size > max_size {
        return Err(too_large(path, size, max_size));
    }
    let name = full
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "attachment".into());
    Ok(Attachment {
        media_type: media_type(&name).to_string(),
        name,
        sha256,
        size,
        source: Some(full),
        data: None,
    })
}

/// An attachment from bytes in hand (a part of a mail) named `name` (folders dropped),
/// refused over `max_size` bytes. Nothing is written.
pub fn prepare_bytes(name: &str, bytes: Vec<u8>, max_size: u64) -> Result<Attachment> {
    let name = name
        .rsplit(['/', '\\'])
        .next()
        .map(str::trim)
        .filter(|n| !n.is_empty() && *n != "." && *n != "..")
        .unwrap_or("attachment")
        .to_string();
    let size = bytes.len() as u64;
    if size > max_size {
        return Err(too_large(Path::new(&name), size, max_size));
    }
    let (sha256, _) =
        hash_reader(&mut bytes.as_slice(), |_| Ok(())).map_err(|e| Error::io(&name, e))?;
    Ok(Attachment {
        media_type: media_type(&name).to_string(),
        name,
        sha256,
        size,
        source: None,
        data: Some(Bytes(bytes.into())),
    })
}

fn too_large(path: &Path, size: u64, max: u64) -> Error {
    Error::invalid_with_hint(
        format!(
            "attachment {} is {size} bytes ({}), over the desk's limit of {} ({max} bytes)",
            path.display(),
            human_size(size),
            human_size(max)
        ),
        "make it smaller, or raise `max_size` under [attachments] in svcdesk.toml",
    )
}

/// The files as a TOML value, as records write them: one inline table each,
/// `[{ name = "photo.jpg", sha256 = "…", size = 1234, type = "image/jpeg" }]`.
pub fn toml_value(files: &[Attachment]) -> toml_edit::Value {
    let mut arr = toml_edit::Array::new();
    for f in files {
        let mut t = toml_edit::InlineTable::new();
        t.insert("name", f.name.as_str().into());
        t.insert("sha256", f.sha256.as_str().into());
        t.insert("size", i64::try_from(f.size).unwrap_or(i64::MAX).into());
        t.insert("type", f.media_type.as_str().into());
        t.fmt();
        arr.push(t);
    }
    arr.fmt();
    toml_edit::Value::Array(arr)
}

/// Hex SHA-256 and length of everything `r` gives, each chunk also passed to `each`.
fn hash_reader(
    r: &mut impl Read,
    mut each: impl FnMut(&[u8]) -> std::io::Result<()>,
) -> std::io::Result<(String, u64)> {
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        each(&buf[..n])?;
        size += n as u64;
    }
    let hex = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((hex, size))
}

/// Copies the prepared attachments (those with a `source`) into the store under
/// `root`; call it holding the desk lock, before writing the event that names them. A
/// file already stored is not copied again. A source that changed since [`prepare`]
/// is refused, leaving nothing behind.
pub fn store(root: &Path, files: &[Attachment]) -> Result<()> {
    for a in files {
        let target = root.join(a.path());
        if let Some(Bytes(data)) = &a.data {
            if !matches!(verify_file(&target, &a.sha256), Ok(true)) {
                let mut out = AtomicFile::create(&target)?;
                out.write_all(data).map_err(|e| Error::io(&target, e))?;
                out.commit()?;
            }
            continue;
        }
        let Some(src) = &a.source else { continue };
        if matches!(verify_file(&target, &a.sha256), Ok(true)) {
            continue;
        }
        let mut out = AtomicFile::create(&target)?;
        let mut f = File::open(src).map_err(|e| Error::io(src, e))?;
        let (sha, _) =
            hash_reader(&mut f, |chunk| out.write_all(chunk)).map_err(|e| Error::io(src, e))?;
        if sha != a.sha256 {
            return Err(Error::invalid(format!(
                "attachment {} changed while it was being attached; try again",
                src.display()
            )));
        }
        out.commit()?;
    }
    Ok(())
}

/// Whether the file at `path` has the hex SHA-256 `sha256` (Err: it cannot be read).
fn verify_file(path: &Path, sha256: &str) -> std::io::Result<bool> {
    let mut f = File::open(path)?;
    Ok(hash_reader(&mut f, |_| Ok(()))?.0 == sha256)
}

/// What is wrong with a stored attachment, if anything: missing, unreadable, or bytes
/// that no longer have the recorded hash.
pub fn problem(root: &Path, a: &Attachment) -> Option<String> {
    let rel = a.path();
    match verify_file(&root.join(&rel), &a.sha256) {
        Ok(true) => None,
        Ok(false) => Some(format!(
            "attachment {} ({}) was altered: its bytes no longer have the recorded SHA-256",
            a.name, rel
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(format!(
            "attachment {} ({}) is missing from the desk",
            a.name, rel
        )),
        Err(e) => Some(format!("attachment {} ({}): {e}", a.name, rel)),
    }
}

/// Every file in the store, relative to the desk root with `/` separators, sorted
/// (temp files of killed writes left out).
pub fn stored(root: &Path) -> Vec<String> {
    let mut all: Vec<String> = walkdir::WalkDir::new(root.join(DIR))
        .min_depth(1)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter(|e| !e.file_name().to_string_lossy().starts_with(".svcdesk-tmp"))
        .filter_map(|e| {
            e.path()
                .strip_prefix(root)
                .ok()
                .map(|p| p.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    all.sort();
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_1024_based_units() {
        assert_eq!(parse_size("20MB"), Some(20 * 1024 * 1024));
        assert_eq!(parse_size("512 kb"), Some(512 * 1024));
        assert_eq!(parse_size("1G"), Some(1024 * 1024 * 1024));
        assert_eq!(parse_size("1000"), Some(1000));
        for bad in ["", "MB", "1.5MB", "20 TB", "-1"] {
            assert_eq!(parse_size(bad), None, "{bad}");
        }
        assert_eq!(human_size(DEFAULT_MAX_SIZE), "20 MB");
        assert_eq!(human_size(1536), "1.5 KB");
        assert_eq!(human_size(12), "12 B");
    }

    #[test]
    fn stored_under_the_hash_with_the_lower_case_extension() {
        let a = Attachment {
            name: "Photo.JPG".into(),
            sha256: "abcdef".into(),
            ..Attachment::default()
        };
        assert_eq!(a.path(), "attachments/ab/cdef.jpg");
        assert_eq!(media_type("Photo.JPG"), "image/jpeg");
        assert_eq!(extension("README"), None);
        assert_eq!(extension(".bashrc"), None);
        assert_eq!(extension("a.t x"), None);
        assert_eq!(media_type("a.unknown"), "application/octet-stream");
    }

    #[test]
    fn the_same_bytes_are_stored_once_and_a_change_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("in");
        std::fs::create_dir(&src).unwrap();
        std::fs::write(src.join("a.txt"), b"hello").unwrap();
        std::fs::write(src.join("b.txt"), b"hello").unwrap();
        let desk = dir.path().join("desk");
        let a = prepare(&src, Path::new("a.txt"), 100).unwrap();
        let b = prepare(&src, Path::new("b.txt"), 100).unwrap();
        assert_eq!(a.path(), b.path());
        store(&desk, &[a.clone(), b]).unwrap();
        assert_eq!(stored(&desk), vec![a.path()]);
        assert_eq!(problem(&desk, &a), None);
        std::fs::write(desk.join(a.path()), b"jello").unwrap();
        assert!(problem(&desk, &a).unwrap().contains("altered"));
        std::fs::remove_file(desk.join(a.path())).unwrap();
        assert!(problem(&desk, &a).unwrap().contains("missing"));
        let err = prepare(&src, Path::new("a.txt"), 4)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("is 5 bytes (5 B), over the desk's limit of 4 B (4 bytes)"),
            "{err}"
        );
    }
}
