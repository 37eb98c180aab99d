//! A local cache of loaded tickets, so that listing or checking the SLA of a large desk
//! costs little more than reading one binary file per month folder, not parsing and
//! replaying every TOML file.
//!
//! The files stay the truth. Each folder of tickets (`tickets/2026/11`) has one cache
//! file, `.svcdesk/cache/tickets/2026/11.bin`, holding for every ticket file its name, the
//! file-system facts that change whenever its bytes can have changed (size, mtime and
//! ctime to the nanosecond, inode — what git's index keeps), the ticket as loaded, and
//! whether `check` would find the file clean (so `check` can skip it too).
//! An entry is used only when those facts still match the file and the file had not
//! changed for a while when the entry was made (see `trusted`); anything else is read
//! from the file again. A cache file that is missing, truncated, corrupt, or written by
//! another version of svcdesk is ignored as if absent, and rewritten.
//!
//! Writing is opportunistic: a read that found a folder's cache out of date rewrites it
//! (temp file and rename), unless another process is doing so or the desk is read-only,
//! in which case it simply goes on without. No lock on the records is needed: each entry
//! vouches only for the exact file version it was made from.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use rayon::prelude::*;

use super::ticket::{
    Action, Channel, CompKind, CompState, ComplaintKind, Event, Grade, LinkKind, Priority, State,
    Ticket, Verdict, Visibility,
};
use super::ticket_store::{self, Facts};
use crate::desk::attachments::Attachment;
use crate::desk::record::SCHEMA;
use crate::desk::{Desk, Id, Kind, Walk, record, store};
use crate::error::{Error, Result};

/// Bumped whenever the layout or the codec below changes. With the crate version and a
/// fingerprint of the build (`SOURCES`) also in every cache file, a cache written by
/// another svcdesk is rebuilt, never misread.
const FORMAT: u32 = 19;
const MAGIC: &[u8; 8] = b"SVCDTKC\n";
/// The most files of a folder loaded and mapped at once (see [`scan`]).
const SLICE: usize = 4096;
const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The source of everything that decides what an entry holds: the record types and their
/// vocabulary (whose order the codec relies on), parsing and replay, the codec, `check`'s
/// per-file rules, IDs, and the locked dependency versions. Its fingerprint is in every
/// cache file, so a build that changes any of them, even under the same version number
/// and without bumping FORMAT, rebuilds the cache instead of trusting an older build's.
const SOURCES: &[&str] = &[
    include_str!("ticket.rs"),
    include_str!("../vocab.rs"),
    include_str!("ticket_store.rs"),
    include_str!("ticket_cache.rs"),
    include_str!("../check.rs"),
    include_str!("../desk/record.rs"),
    include_str!("../desk/fast_toml.rs"),
    include_str!("../desk/id.rs"),
    include_str!("../desk/attachments.rs"),
    include_str!("../../Cargo.lock"),
];

fn build_fingerprint() -> u64 {
    static FINGERPRINT: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *FINGERPRINT.get_or_init(|| fingerprint_of(SOURCES))
}

/// One number that changes whenever any of `sources` does (a cache's build fingerprint).
fn fingerprint_of(sources: &[&str]) -> u64 {
    sources
        .iter()
        .fold(0, |h, s| checksum(s.as_bytes()) ^ h.rotate_left(17))
}

/// How long a file must have been unchanged, before the scan that cached it began, for
/// its entry to be trusted. File times are coarse (a jiffy, or a whole second on some file
/// systems), so a file changed again within the same tick as the version we read would
/// look identical; two seconds covers every common file system and small clock skew.
const RACY_SECS: i64 = 2;

/// Seconds and nanoseconds since the epoch; ordered as times are.
type Stamp = (i64, u32);

fn now() -> Stamp {
    match SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => (d.as_secs() as i64, d.subsec_nanos()),
        // A clock before 1970 trusts nothing, which is safe.
        Err(_) => (i64::MIN + RACY_SECS, 0),
    }
}

/// What changes whenever a file's content can have changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Meta {
    size: u64,
    mtime: Stamp,
    ctime: Stamp,
    ino: u64,
}

impl Meta {
    #[cfg(unix)]
    fn of(m: &fs::Metadata) -> Meta {
        use std::os::unix::fs::MetadataExt;
        Meta {
            size: m.size(),
            mtime: (m.mtime(), m.mtime_nsec() as u32),
            ctime: (m.ctime(), m.ctime_nsec() as u32),
            ino: m.ino(),
        }
    }

    #[cfg(not(unix))]
    fn of(m: &fs::Metadata) -> Meta {
        let stamp = |t: std::io::Result<SystemTime>| {
            t.ok()
                .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                .map_or((i64::MAX, 0), |d| (d.as_secs() as i64, d.subsec_nanos()))
        };
        Meta {
            size: m.len(),
            mtime: stamp(m.modified()),
            ctime: stamp(m.created()),
            ino: 0,
        }
    }

    /// The later of mtime and ctime: an edit whose mtime was set back (`touch -d`) still
    /// moves the ctime.
    fn changed(&self) -> Stamp {
        self.mtime.max(self.ctime)
    }
}

/// git's "racy clean" rule: a file that changed within `RACY_SECS` of the moment the
/// scan that read it began may have changed again since, within the same time-stamp tick,
/// leaving every fact the same; such an entry is never trusted, only re-read.
fn trusted(changed: Stamp, scan_began: Stamp) -> bool {
    changed < (scan_began.0.saturating_sub(RACY_SECS), scan_began.1)
}

/// Loads every ticket file of the desk in path (hence ID) order, using the cache where it
/// may, and hands `sink` the results of `map` for the tickets `sieve` passes, in order.
/// With `chunk`, the parts are exactly the desk's files cut into chunks of `chunk`, as
/// before the cache: an export streams them, so even what it prints before a bad file
/// stops it is unchanged. Without, they are the folders' runs of files, cut into slices of
/// at most `SLICE`. Either way the
/// desk is listed and loaded one folder at a time, each on all cores, so memory follows
/// a folder, not the desk.
/// A cached ticket's sieve runs on the facts its entry keeps: one that fails is never
/// decoded. A file that fails to load (with the same error as `ticket_store::load_file`)
/// is never cached. Without `skip_bad`, nothing more reaches `sink` after the first, the
/// rest is still read, and the scan fails naming every bad file (`Error::BadRecords`);
/// with it, the bad files are left out and returned.
pub(crate) fn scan<T: Send>(
    desk: &Desk,
    chunk: Option<usize>,
    skip_bad: bool,
    sieve: impl Fn(&Facts) -> bool + Sync,
    map: impl Fn(Ticket) -> Option<T> + Sync,
    mut sink: impl FnMut(Vec<T>) -> Result<()>,
) -> Result<Vec<Error>> {
    // Taken before any file is looked at, so that everything read is at least this new.
    let began = now();
    let mut bad: Vec<Error> = Vec::new();
    let mut emit = |out: Vec<Result<Option<T>>>, bad: &mut Vec<Error>| {
        let mut good = Vec::with_capacity(out.len());
        for r in out {
            match r {
                Ok(t) => good.extend(t),
                Err(e) => bad.push(e),
            }
        }
        if good.is_empty() || (!skip_bad && !bad.is_empty()) {
            Ok(())
        } else {
            sink(good)
        }
    };
    // Results waiting for their chunk to fill.
    let mut carry: Vec<Result<Option<T>>> = Vec::new();
    let mut writer = Writer::new(&desk.root);
    // The folders being read, innermost last: a folder stays open until it is left.
    let mut open: Vec<(PathBuf, Pending)> = Vec::new();
    let mut dirs: HashSet<String> = HashSet::new();
    let root = desk.root.as_path();
    desk.walk_records(Kind::Ticket, &mut |step| {
        let (dir, names) = match step {
            Walk::Files(dir, names) => (dir, names),
            Walk::Left(dir) => {
                if open.last().is_some_and(|(d, _)| d == dir) {
                    let (_, pending) = open.pop().expect("just seen");
                    pending.finish(began, &mut writer);
                }
                return Ok(());
            }
        };
        let rel = desk.use_cache.then(|| rel_dir(root, dir)).flatten();
        if let Some(rel) = rel
            && open.last().is_none_or(|(d, _)| d != dir)
        {
            dirs.insert(rel.clone());
            open.push((
                dir.to_path_buf(),
                Pending::new(writer.shard_path(&rel), rel),
            ));
        }
        let pending = open.last_mut().filter(|(d, _)| d == dir).map(|(_, p)| p);
        let cache = pending.is_some();
        let mut pending = pending;
        // A slice of a folder at a time: a month of a big desk holds tens of thousands of
        // tickets, and what `map` makes of each (figures, rows) must not pile up for all.
        for names in names.chunks(SLICE) {
            let got = names
                .par_iter()
                .map(|name| {
                    let path = dir.join(name);
                    match name.to_str() {
                        Some(name) if cache => {
                            let old = pending.as_ref().and_then(|p| p.old.as_ref());
                            visit(root, &path, name, old, began, &sieve, &map)
                        }
                        _ => {
                            let t = ticket_store::load_file(&path)?;
                            let keep = sieve(&Facts::of(&t));
                            Ok(Got::Skip(if keep { map(t) } else { None }))
                        }
                    }
                })
                .collect::<Vec<_>>();
            for r in got {
                carry.push(r.map(|got| match got {
                    Got::Skip(t) => t,
                    Got::Hit(i, t) => {
                        if let Some(p) = pending.as_mut() {
                            p.add(New::Cached(i), Some(i));
                        }
                        t
                    }
                    Got::Read(t, fresh, old) => {
                        if let Some(p) = pending.as_mut() {
                            p.add(New::Read(fresh), old);
                        }
                        t
                    }
                }));
            }
            match chunk {
                Some(n) => {
                    while carry.len() >= n.max(1) {
                        let part = carry.drain(..n.max(1)).collect();
                        emit(part, &mut bad)?;
                    }
                }
                None => emit(std::mem::take(&mut carry), &mut bad)?,
            }
        }
        Ok(())
    })?;
    emit(carry, &mut bad)?;
    writer.remove_orphans(&dirs);
    finish_scan(bad, skip_bad)
}

fn finish_scan(bad: Vec<Error>, skip_bad: bool) -> Result<Vec<Error>> {
    if bad.is_empty() || skip_bad {
        Ok(bad)
    } else {
        Err(Error::BadRecords { errors: bad })
    }
}

/// A folder relative to the desk, '/'-separated; None if it cannot be kept (not UTF-8),
/// and then its files are not cached.
fn rel_dir(root: &Path, dir: &Path) -> Option<String> {
    let parts = dir
        .strip_prefix(root)
        .ok()?
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect::<Option<Vec<_>>>()?;
    Some(parts.join("/"))
}

/// For `check`: `f` for each of `files` (ticket files, in order, on all cores) with the
/// ticket the cache holds for it when the entry is current and the file was clean when
/// cached, else None (and `f` reads the file itself). Never writes the cache: `check`
/// reports problems, and a file with problems is not worth an entry.
pub(crate) fn with_clean<R: Send>(
    desk: &Desk,
    files: &[PathBuf],
    f: impl Fn(&Path, Option<Ticket>) -> R + Sync,
) -> Vec<R> {
    if !desk.use_cache {
        return files.par_iter().map(|p| f(p, None)).collect();
    }
    let writer = Writer::new(&desk.root);
    let mut out = Vec::with_capacity(files.len());
    for run in files.chunk_by(|a, b| a.parent() == b.parent()) {
        let shard = run[0]
            .parent()
            .and_then(|d| rel_dir(&desk.root, d))
            .and_then(|d| Shard::read(&writer.shard_path(&d), &d));
        out.par_extend(run.par_iter().map(|p| {
            let hit = p
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|name| clean_ticket(p, name, shard.as_ref()));
            f(p, hit)
        }));
    }
    out
}

/// The ticket a folder's cache holds for `path` if the entry may be trusted for the
/// file as it is now and `check` found the file clean.
fn clean_ticket(path: &Path, name: &str, shard: Option<&Shard>) -> Option<Ticket> {
    let shard = shard?;
    let i = shard.find(name)?;
    (shard.current(i, path) && shard.clean(i)?)
        .then(|| shard.ticket(i))
        .flatten()
}

/// What one ticket file gave a scan: its result, and what its folder's next cache file
/// would hold for it.
enum Got<T> {
    /// The cache entry (by index) was current: reuse it.
    Hit(u32, Option<T>),
    /// Read from the file; the index of its old entry, if it had one.
    Read(Option<T>, Box<Fresh>, Option<u32>),
    /// Not cacheable (a file name that is not UTF-8, or no cache).
    Skip(Option<T>),
}

/// An entry made from the file, for the folder's next cache file.
struct Fresh {
    name: Box<str>,
    meta: Meta,
    /// `check`'s verdict and the facts, as the entry's header keeps them.
    info: Vec<u8>,
    payload: Vec<u8>,
    /// Whether a new cache file would know more than the old one: false only for a racy
    /// entry that is still racy and unchanged, so that a file stamped in the future does
    /// not make every read rewrite its folder's cache.
    news: bool,
}

/// Whether a ticket file that parses and replays has nothing else for `check` to report
/// on its own: history in time order, fields as the history gives them, schema, and an
/// ID that belongs at its path. The ticket cache records this when it reads a file, so
/// `check` need not read an unchanged clean file again; every per-file ticket rule in
/// `check::examine` must therefore be mirrored here (`clean_agrees_with_examine` tests it).
pub(crate) fn ticket_file_clean(rel: &Path, stored: &Ticket, replayed: &Ticket) -> bool {
    i64::from(stored.schema) == SCHEMA
        && Id::parse(&stored.id)
            .filter(|id| id.as_str() == stored.id)
            .is_some_and(|id| id.kind() == Kind::Ticket && id.rel_path() == rel)
        && stored.event.windows(2).all(|w| w[1].at >= w[0].at)
        && stored.drift(replayed).is_empty()
}

fn visit<T>(
    root: &Path,
    path: &Path,
    name: &str,
    old: Option<&Shard>,
    began: Stamp,
    sieve: &impl Fn(&Facts) -> bool,
    map: &impl Fn(Ticket) -> Option<T>,
) -> Result<Got<T>> {
    let entry = old.and_then(|s| Some((s, s.find(name)?)));
    if let Some((shard, i)) = entry
        && shard.current(i, path)
    {
        let stem = name.strip_suffix(".toml").unwrap_or(name);
        match shard.facts(i, stem) {
            Some(facts) if !sieve(&facts) => return Ok(Got::Hit(i, None)),
            Some(_) => {
                if let Some(t) = shard.ticket(i) {
                    return Ok(Got::Hit(i, map(t)));
                }
            }
            None => {}
        }
        // A damaged entry: read the file, and the cache is rewritten.
    }
    // Facts and bytes from the same open file, so the entry describes what was parsed.
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let meta = Meta::of(&file.metadata().map_err(|e| Error::io(path, e))?);
    let mut bytes = Vec::with_capacity(meta.size as usize + 1);
    file.read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    let text = record::text_from_bytes(path, bytes)?;
    let (stored, t) = ticket_store::parse_stored(path, &text)?;
    let rel = path.strip_prefix(root).unwrap_or(path);
    let facts = Facts::of(&t);
    let stem = name.strip_suffix(".toml").unwrap_or(name);
    let mut info = Vec::new();
    ticket_file_clean(rel, &stored, &t).put(&mut info);
    put_facts(&mut info, &facts, stem);
    let keep = sieve(&facts);
    let mut payload = Vec::with_capacity(text.len() / 2);
    t.put(&mut payload);
    let unchanged_racy = entry.is_some_and(|(s, i)| s.entries[i as usize].meta == meta);
    let news = !unchanged_racy || trusted(meta.changed(), began);
    let fresh = Fresh {
        name: name.into(),
        meta,
        info,
        payload,
        news,
    };
    let old = entry.map(|(_, i)| i);
    Ok(Got::Read(
        if keep { map(t) } else { None },
        Box::new(fresh),
        old,
    ))
}

/// The facts as an entry keeps them: the state, the open and last event times (UTC),
/// and the ID only when it is not the file's name (a misplaced or hand-made file).
fn put_facts(w: &mut Vec<u8>, f: &Facts, stem: &str) {
    f.state.put(w);
    for t in [f.opened, f.last] {
        t.map(|t| (t.timestamp(), t.timestamp_subsec_nanos()))
            .put(w);
    }
    (f.id != stem).then(|| f.id.to_string()).put(w);
}

fn get_facts<'a>(r: &mut Reader<'a>, stem: &'a str) -> Option<Facts<'a>> {
    let state = State::get(r)?;
    let mut time = || -> Option<Option<DateTime<Utc>>> {
        match u8::get(r)? {
            0 => Some(None),
            1 => Some(Some(DateTime::from_timestamp(i64::get(r)?, u32::get(r)?)?)),
            _ => None,
        }
    };
    let (opened, last) = (time()?, time()?);
    let id = match u8::get(r)? {
        0 => stem,
        1 => {
            let n = r.len()?;
            std::str::from_utf8(r.take(n)?).ok()?
        }
        _ => return None,
    };
    Some(Facts {
        id,
        state,
        opened,
        last,
    })
}

impl Codec for (i64, u32) {
    fn put(&self, w: &mut Vec<u8>) {
        self.0.put(w);
        self.1.put(w);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some((i64::get(r)?, u32::get(r)?))
    }
}

/// One entry of a folder's cache file, as its header keeps it.
struct Entry {
    /// The file's name, and `check`'s verdict then the facts, as ranges of the header.
    name: Range<u32>,
    info: Range<u32>,
    meta: Meta,
    /// Where the ticket is in the file, and its checksum.
    at: u64,
    len: u32,
    sum: u64,
}

/// A folder's cache file: its header as read, and the file, from which a ticket is read
/// only when asked for. The file is laid out as
/// `[payloads][header][header checksum][header length u64][FORMAT u32][MAGIC]`, so a
/// scan reads the names, file-system facts and ticket facts of a folder, not its tickets,
/// and a truncated file is refused by its tail.
struct Shard {
    file: File,
    head: Vec<u8>,
    scan_began: Stamp,
    /// In name order, as the folder is read.
    entries: Vec<Entry>,
}

const TAIL: usize = 8 + 4 + MAGIC.len();

impl Shard {
    /// None for anything but a whole, intact cache file of this version for `dir`.
    fn read(path: &Path, dir: &str) -> Option<Shard> {
        let file = File::open(path).ok()?;
        let size = usize::try_from(file.metadata().ok()?.len()).ok()?;
        let tail_at = size.checked_sub(TAIL)?;
        let tail = read_at(&file, tail_at as u64, TAIL)?;
        let mut r = Reader { buf: &tail, pos: 0 };
        let head_len = usize::try_from(u64::get(&mut r)?).ok()?;
        if u32::get(&mut r)? != FORMAT || r.take(MAGIC.len())? != MAGIC {
            return None;
        }
        let head_at = tail_at.checked_sub(head_len.checked_add(8)?)?;
        let mut head = read_at(&file, head_at as u64, head_len + 8)?;
        let sum = u64::from_le_bytes(head[head_len..].try_into().ok()?);
        head.truncate(head_len);
        if checksum(&head) != sum {
            return None;
        }
        let mut r = Reader { buf: &head, pos: 0 };
        if String::get(&mut r)? != VERSION
            || u64::get(&mut r)? != build_fingerprint()
            || String::get(&mut r)? != dir
        {
            return None;
        }
        let scan_began = <(i64, u32)>::get(&mut r)?;
        let count = u32::get(&mut r)? as usize;
        // An entry takes over 40 bytes, so no count can ask for more than the file holds.
        let mut entries: Vec<Entry> = Vec::with_capacity(count.min(head_len / 40));
        let range = |a: usize, b: usize| Some(u32::try_from(a).ok()?..u32::try_from(b).ok()?);
        for _ in 0..count {
            let n = r.len()?;
            let name_at = r.pos;
            std::str::from_utf8(r.take(n)?).ok()?;
            let name = range(name_at, r.pos)?;
            let meta = Meta {
                size: u64::get(&mut r)?,
                mtime: <(i64, u32)>::get(&mut r)?,
                ctime: <(i64, u32)>::get(&mut r)?,
                ino: u64::get(&mut r)?,
            };
            let info_at = r.pos;
            bool::get(&mut r)?;
            get_facts(&mut r, "")?;
            let info = range(info_at, r.pos)?;
            let at = u64::get(&mut r)?;
            let len = u32::get(&mut r)?;
            let sum = u64::get(&mut r)?;
            if at.checked_add(u64::from(len))? > head_at as u64 {
                return None;
            }
            // Names strictly in order, so `find` may search them.
            if entries.last().is_some_and(|e| {
                head[e.name.start as usize..e.name.end as usize] >= head[name_at..r.pos]
            }) {
                return None;
            }
            entries.push(Entry {
                name,
                info,
                meta,
                at,
                len,
                sum,
            });
        }
        (r.pos == head_len).then_some(Shard {
            file,
            head,
            scan_began,
            entries,
        })
    }

    fn name(&self, i: u32) -> &[u8] {
        let e = &self.entries[i as usize];
        &self.head[e.name.start as usize..e.name.end as usize]
    }

    fn find(&self, name: &str) -> Option<u32> {
        let (mut lo, mut hi) = (0, self.entries.len());
        // A binary search by name, as `Vec::binary_search_by` does, on indices.
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.name(mid as u32).cmp(name.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid as u32),
            }
        }
        None
    }

    /// Whether entry `i` may be trusted for the file as it is now: it had settled before
    /// the scan that cached it, and its facts still match (one stat, no open).
    fn current(&self, i: u32, path: &Path) -> bool {
        let meta = &self.entries[i as usize].meta;
        trusted(meta.changed(), self.scan_began)
            && fs::symlink_metadata(path).is_ok_and(|m| Meta::of(&m) == *meta)
    }

    fn info(&self, i: u32) -> &[u8] {
        let e = &self.entries[i as usize];
        &self.head[e.info.start as usize..e.info.end as usize]
    }

    fn clean(&self, i: u32) -> Option<bool> {
        bool::get(&mut Reader {
            buf: self.info(i),
            pos: 0,
        })
    }

    fn facts<'a>(&'a self, i: u32, stem: &'a str) -> Option<Facts<'a>> {
        let mut r = Reader {
            buf: self.info(i),
            pos: 1,
        };
        get_facts(&mut r, stem)
    }

    /// Entry `i`'s ticket, if its bytes are whole.
    fn payload(&self, i: u32) -> Option<Vec<u8>> {
        let e = &self.entries[i as usize];
        let bytes = read_at(&self.file, e.at, e.len as usize)?;
        (checksum(&bytes) == e.sum).then_some(bytes)
    }

    fn ticket(&self, i: u32) -> Option<Ticket> {
        decode(&self.payload(i)?)
    }
}

/// `n` bytes at `at` of `file`, without moving a shared cursor (threads read one shard).
fn read_at(file: &File, at: u64, n: usize) -> Option<Vec<u8>> {
    let mut buf = vec![0; n];
    #[cfg(unix)]
    std::os::unix::fs::FileExt::read_exact_at(file, &mut buf, at).ok()?;
    #[cfg(windows)]
    {
        let mut done = 0;
        while done < n {
            match std::os::windows::fs::FileExt::seek_read(file, &mut buf[done..], at + done as u64)
            {
                Ok(0) | Err(_) => return None,
                Ok(k) => done += k,
            }
        }
    }
    Some(buf)
}

/// What a folder's next cache file holds for one ticket file.
enum New {
    /// Its old entry, by index.
    Cached(u32),
    Read(Box<Fresh>),
}

/// A folder being scanned: its old cache file, and what its new one would hold.
struct Pending {
    dir: String,
    path: PathBuf,
    old: Option<Shard>,
    new: Vec<New>,
    news: bool,
    /// How many old entries are still files of the folder.
    kept: usize,
}

impl Pending {
    fn new(path: PathBuf, dir: String) -> Pending {
        Pending {
            old: Shard::read(&path, &dir),
            dir,
            path,
            new: Vec::new(),
            news: false,
            kept: 0,
        }
    }

    fn add(&mut self, new: New, old: Option<u32>) {
        self.news |= matches!(&new, New::Read(f) if f.news);
        self.kept += usize::from(old.is_some());
        self.new.push(new);
    }

    /// Rewrites the folder's cache file if the scan learned anything it lacks, or if
    /// files it has entries for are gone (deleted, renamed, checked out away).
    fn finish(self, began: Stamp, writer: &mut Writer) {
        let vanished = self
            .old
            .as_ref()
            .is_some_and(|o| self.kept != o.entries.len());
        if !(self.news || vanished) || !writer.ready() {
            return;
        }
        let mut w = Vec::new();
        let mut head = Vec::new();
        VERSION.to_string().put(&mut head);
        build_fingerprint().put(&mut head);
        self.dir.put(&mut head);
        began.put(&mut head);
        (self.new.len() as u32).put(&mut head);
        for new in &self.new {
            let at = w.len() as u64;
            let (name, meta, info, sum) = match new {
                New::Read(f) => {
                    w.extend_from_slice(&f.payload);
                    (
                        f.name.as_bytes(),
                        f.meta,
                        f.info.as_slice(),
                        checksum(&f.payload),
                    )
                }
                New::Cached(i) => {
                    let old = self.old.as_ref().expect("a cached ticket has a cache file");
                    let e = &old.entries[*i as usize];
                    // Copied as it is; a damaged one is caught by its checksum when read.
                    match read_at(&old.file, e.at, e.len as usize) {
                        Some(bytes) => w.extend_from_slice(&bytes),
                        None => return,
                    }
                    (old.name(*i), e.meta, old.info(*i), e.sum)
                }
            };
            put_len(&mut head, name.len());
            head.extend_from_slice(name);
            meta.size.put(&mut head);
            meta.mtime.put(&mut head);
            meta.ctime.put(&mut head);
            meta.ino.put(&mut head);
            head.extend_from_slice(info);
            at.put(&mut head);
            ((w.len() as u64 - at) as u32).put(&mut head);
            sum.put(&mut head);
        }
        w.extend_from_slice(&head);
        w.extend_from_slice(&checksum(&head).to_le_bytes());
        (head.len() as u64).put(&mut w);
        FORMAT.put(&mut w);
        w.extend_from_slice(MAGIC);
        writer.write(&self.path, &w);
    }
}

/// Writes cache files if it can: it tries once to create the cache folder and take the
/// cache lock (without waiting; another process refreshing the same cache is enough), and
/// gives up quietly for the rest of the command on any failure.
struct Writer {
    root: PathBuf,
    state: WriterState,
}

enum WriterState {
    Untried,
    Ready(#[allow(dead_code)] File),
    Off,
}

impl Writer {
    fn new(desk_root: &Path) -> Writer {
        Writer {
            root: desk_root.join(".svcdesk").join("cache"),
            state: WriterState::Untried,
        }
    }

    fn shard_path(&self, dir: &str) -> PathBuf {
        self.root.join(format!("{dir}.bin"))
    }

    fn ready(&mut self) -> bool {
        if let WriterState::Untried = self.state {
            self.state = fs::create_dir_all(&self.root)
                .and_then(|()| {
                    File::options()
                        .create(true)
                        .truncate(false)
                        .write(true)
                        .open(self.root.join("lock"))
                })
                .ok()
                .filter(|f| f.try_lock().is_ok())
                .map_or(WriterState::Off, WriterState::Ready);
        }
        matches!(self.state, WriterState::Ready(_))
    }

    fn write(&mut self, path: &Path, bytes: &[u8]) {
        if store::replace_unsynced(path, bytes).is_err() {
            self.state = WriterState::Off;
        }
    }

    /// Drops the cache files of folders that no longer hold tickets (a checkout of an
    /// older commit, say), once this command has the cache lock anyway; and, as no other
    /// process can be writing one now, temp files left by a killed one.
    fn remove_orphans(&self, dirs: &HashSet<String>) {
        if !matches!(self.state, WriterState::Ready(_)) {
            return;
        }
        for e in walkdir::WalkDir::new(&self.root).into_iter().flatten() {
            if e.file_name().to_string_lossy().starts_with(".svcdesk-tmp-") {
                let _ = fs::remove_file(e.path());
                continue;
            }
            let Some(dir) = e
                .path()
                .strip_prefix(&self.root)
                .ok()
                .and_then(Path::to_str)
                .and_then(|p| p.strip_suffix(".bin"))
            else {
                continue;
            };
            let dir = dir.replace(std::path::MAIN_SEPARATOR, "/");
            if e.file_type().is_file() && !dirs.contains(dir.as_str()) {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

/// A fast 64-bit check over a whole cache file, so a torn or damaged one is rebuilt
/// rather than misread (the files are written without fsync).
fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h: u64 = 0x243f_6a88_85a3_08d3 ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes(w.try_into().expect("8 bytes"));
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    for &b in words.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

/// An entry's payload: the ticket, all of it and nothing more.
fn decode(bytes: &[u8]) -> Option<Ticket> {
    let mut r = Reader { buf: bytes, pos: 0 };
    let t = Ticket::get(&mut r)?;
    (r.pos == bytes.len()).then_some(t)
}

// The codec: a ticket as the fields it has, in order, little-endian, lengths as LEB128.
// Hand-written rather than serde: the record types' serde impls are shaped for TOML
// (dates through TOML's own date type, fields skipped when empty), which binary serde
// formats cannot read back.

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.buf.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    fn len(&mut self) -> Option<usize> {
        let mut n: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = *self.take(1)?.first()?;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return usize::try_from(n).ok();
            }
        }
        None
    }
}

fn put_len(w: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        w.push((n as u8) | 0x80);
        n >>= 7;
    }
    w.push(n as u8);
}

trait Codec: Sized {
    fn put(&self, w: &mut Vec<u8>);
    fn get(r: &mut Reader) -> Option<Self>;
}

macro_rules! int_codec {
    ($($t:ty),*) => {$(
        impl Codec for $t {
            fn put(&self, w: &mut Vec<u8>) {
                w.extend_from_slice(&self.to_le_bytes());
            }
            fn get(r: &mut Reader) -> Option<Self> {
                Some(<$t>::from_le_bytes(r.array()?))
            }
        }
    )*};
}
int_codec!(u8, u32, u64, i32, i64);

macro_rules! vocab_codec {
    ($($t:ty),*) => {$(
        impl Codec for $t {
            fn put(&self, w: &mut Vec<u8>) {
                w.push(*self as u8);
            }
            fn get(r: &mut Reader) -> Option<Self> {
                <$t>::ALL.get(usize::from(u8::get(r)?)).copied()
            }
        }
    )*};
}
vocab_codec!(
    crate::vocab::NotifyLevel,
    crate::vocab::WaitThen,
    Action,
    Channel,
    CompKind,
    CompState,
    Verdict,
    ComplaintKind,
    Grade,
    LinkKind,
    Priority,
    State,
    Visibility
);

impl Codec for bool {
    fn put(&self, w: &mut Vec<u8>) {
        w.push(u8::from(*self));
    }
    fn get(r: &mut Reader) -> Option<Self> {
        match u8::get(r)? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

impl Codec for String {
    fn put(&self, w: &mut Vec<u8>) {
        put_len(w, self.len());
        w.extend_from_slice(self.as_bytes());
    }
    fn get(r: &mut Reader) -> Option<Self> {
        let n = r.len()?;
        std::str::from_utf8(r.take(n)?).ok().map(str::to_string)
    }
}

impl<T: Codec> Codec for Option<T> {
    fn put(&self, w: &mut Vec<u8>) {
        match self {
            None => w.push(0),
            Some(v) => {
                w.push(1);
                v.put(w);
            }
        }
    }
    fn get(r: &mut Reader) -> Option<Self> {
        match u8::get(r)? {
            0 => Some(None),
            1 => Some(Some(T::get(r)?)),
            _ => None,
        }
    }
}

impl<T: Codec> Codec for Vec<T> {
    fn put(&self, w: &mut Vec<u8>) {
        put_len(w, self.len());
        for v in self {
            v.put(w);
        }
    }
    fn get(r: &mut Reader) -> Option<Self> {
        let n = r.len()?;
        // Bounded by the bytes left, so a damaged length cannot ask for a huge allocation.
        let mut v = Vec::with_capacity(n.min(r.buf.len() - r.pos));
        for _ in 0..n {
            v.push(T::get(r)?);
        }
        Some(v)
    }
}

/// The instant and the offset it was written with, both of which the output shows.
impl Codec for DateTime<FixedOffset> {
    fn put(&self, w: &mut Vec<u8>) {
        self.timestamp().put(w);
        self.timestamp_subsec_nanos().put(w);
        self.offset().local_minus_utc().put(w);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        let (secs, nanos, offset) = (i64::get(r)?, u32::get(r)?, i32::get(r)?);
        Some(DateTime::from_timestamp(secs, nanos)?.with_timezone(&FixedOffset::east_opt(offset)?))
    }
}

impl Codec for NaiveDate {
    fn put(&self, w: &mut Vec<u8>) {
        self.num_days_from_ce().put(w);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        NaiveDate::from_num_days_from_ce_opt(i32::get(r)?)
    }
}

/// Every field but where the bytes came from, which is never stored.
/// Custom field values: their count, then name and value of each, in name order.
impl Codec for std::collections::BTreeMap<String, String> {
    fn put(&self, w: &mut Vec<u8>) {
        (self.len() as u32).put(w);
        for (k, v) in self {
            k.put(w);
            v.put(w);
        }
    }
    fn get(r: &mut Reader) -> Option<Self> {
        let n = u32::get(r)?;
        let mut m = std::collections::BTreeMap::new();
        for _ in 0..n {
            let k = String::get(r)?;
            m.insert(k, String::get(r)?);
        }
        Some(m)
    }
}

impl Codec for Attachment {
    fn put(&self, w: &mut Vec<u8>) {
        let Attachment {
            name,
            sha256,
            size,
            media_type,
            source: _,
            data: _,
        } = self;
        name.put(w);
        sha256.put(w);
        size.put(w);
        media_type.put(w);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(Attachment {
            name: Codec::get(r)?,
            sha256: Codec::get(r)?,
            size: Codec::get(r)?,
            media_type: Codec::get(r)?,
            source: None,
            data: None,
        })
    }
}

/// Every field, destructured without `..`: a field added to `Ticket` does not compile
/// until the cache stores it (and FORMAT is bumped).
impl Codec for Ticket {
    fn put(&self, w: &mut Vec<u8>) {
        let Ticket {
            schema,
            id,
            state,
            title,
            customer,
            contact,
            channel,
            category,
            complaint_kind,
            priority,
            grade,
            department,
            assignee,
            product,
            serial,
            purchase_date,
            voucher,
            submitter,
            transferred_by,
            tags,
            attachments,
            links,
            opened,
            accepted,
            responded,
            resolved,
            closed,
            cause,
            responsibility,
            plan,
            resolution,
            satisfaction,
            reopened,
            compensation,
            compensation_amount,
            compensation_currency,
            compensation_kind,
            compensation_exception,
            legal_review,
            lead,
            shipped,
            delivered,
            description,
            event,
            cause_code,
            fields,
            return_review,
        } = self;
        schema.put(w);
        id.put(w);
        state.put(w);
        title.put(w);
        customer.put(w);
        contact.put(w);
        channel.put(w);
        category.put(w);
        complaint_kind.put(w);
        priority.put(w);
        grade.put(w);
        department.put(w);
        assignee.put(w);
        product.put(w);
        serial.put(w);
        purchase_date.put(w);
        voucher.put(w);
        submitter.put(w);
        transferred_by.put(w);
        tags.put(w);
        attachments.put(w);
        links.put(w);
        opened.put(w);
        accepted.put(w);
        responded.put(w);
        resolved.put(w);
        closed.put(w);
        cause.put(w);
        responsibility.put(w);
        plan.put(w);
        resolution.put(w);
        satisfaction.put(w);
        reopened.put(w);
        compensation.put(w);
        compensation_amount.put(w);
        compensation_currency.put(w);
        compensation_kind.put(w);
        compensation_exception.put(w);
        legal_review.put(w);
        lead.put(w);
        shipped.put(w);
        delivered.put(w);
        description.put(w);
        event.put(w);
        cause_code.put(w);
        fields.put(w);
        return_review.put(w);
    }

    // Fields are read in the order written here, which is `put`'s order.
    fn get(r: &mut Reader) -> Option<Self> {
        Some(Ticket {
            schema: Codec::get(r)?,
            id: Codec::get(r)?,
            state: Codec::get(r)?,
            title: Codec::get(r)?,
            customer: Codec::get(r)?,
            contact: Codec::get(r)?,
            channel: Codec::get(r)?,
            category: Codec::get(r)?,
            complaint_kind: Codec::get(r)?,
            priority: Codec::get(r)?,
            grade: Codec::get(r)?,
            department: Codec::get(r)?,
            assignee: Codec::get(r)?,
            product: Codec::get(r)?,
            serial: Codec::get(r)?,
            purchase_date: Codec::get(r)?,
            voucher: Codec::get(r)?,
            submitter: Codec::get(r)?,
            transferred_by: Codec::get(r)?,
            tags: Codec::get(r)?,
            attachments: Codec::get(r)?,
            links: Codec::get(r)?,
            opened: Codec::get(r)?,
            accepted: Codec::get(r)?,
            responded: Codec::get(r)?,
            resolved: Codec::get(r)?,
            closed: Codec::get(r)?,
            cause: Codec::get(r)?,
            responsibility: Codec::get(r)?,
            plan: Codec::get(r)?,
            resolution: Codec::get(r)?,
            satisfaction: Codec::get(r)?,
            reopened: Codec::get(r)?,
            compensation: Codec::get(r)?,
            compensation_amount: Codec::get(r)?,
            compensation_currency: Codec::get(r)?,
            compensation_kind: Codec::get(r)?,
            compensation_exception: Codec::get(r)?,
            legal_review: Codec::get(r)?,
            lead: Codec::get(r)?,
            shipped: Codec::get(r)?,
            delivered: Codec::get(r)?,
            description: Codec::get(r)?,
            event: Codec::get(r)?,
            cause_code: Codec::get(r)?,
            fields: Codec::get(r)?,
            return_review: Codec::get(r)?,
        })
    }
}

/// As for `Ticket`: no `..`, so a new field cannot be forgotten.
impl Codec for Event {
    fn put(&self, w: &mut Vec<u8>) {
        let Event {
            at,
            by,
            action,
            title,
            customer,
            contact,
            channel,
            category,
            complaint_kind,
            product,
            serial,
            purchase_date,
            voucher,
            submitter,
            transferred_by,
            priority,
            tags,
            attachments,
            description,
            grade,
            department,
            assignee,
            reason,
            text,
            visibility,
            cause,
            responsibility,
            need,
            due,
            request,
            parts,
            on_call,
            efficiency,
            attitude,
            result,
            satisfaction,
            link,
            ticket,
            amount,
            currency,
            comp_kind,
            timer,
            redacts,
            field,
            entered_by,
            files,
            old,
            new,
            cause_code,
            fields,
            template,
            items,
            carrier,
            tracking,
            address,
            goods,
            remote,
            verdict,
            lead,
            exception,
            promised,
            kept,
            level,
            ladder,
            appointment,
            tier,
            then,
            message_id,
        } = self;
        at.put(w);
        by.put(w);
        action.put(w);
        title.put(w);
        customer.put(w);
        contact.put(w);
        channel.put(w);
        category.put(w);
        complaint_kind.put(w);
        product.put(w);
        serial.put(w);
        purchase_date.put(w);
        voucher.put(w);
        submitter.put(w);
        transferred_by.put(w);
        priority.put(w);
        tags.put(w);
        attachments.put(w);
        description.put(w);
        grade.put(w);
        department.put(w);
        assignee.put(w);
        reason.put(w);
        text.put(w);
        visibility.put(w);
        cause.put(w);
        responsibility.put(w);
        need.put(w);
        due.put(w);
        request.put(w);
        parts.put(w);
        on_call.put(w);
        efficiency.put(w);
        attitude.put(w);
        result.put(w);
        satisfaction.put(w);
        link.put(w);
        ticket.put(w);
        amount.put(w);
        currency.put(w);
        comp_kind.put(w);
        timer.put(w);
        redacts.put(w);
        field.put(w);
        entered_by.put(w);
        files.put(w);
        old.put(w);
        new.put(w);
        cause_code.put(w);
        fields.put(w);
        template.put(w);
        items.put(w);
        carrier.put(w);
        tracking.put(w);
        address.put(w);
        goods.put(w);
        remote.put(w);
        verdict.put(w);
        lead.put(w);
        exception.put(w);
        promised.put(w);
        kept.put(w);
        level.put(w);
        ladder.put(w);
        appointment.put(w);
        tier.put(w);
        then.put(w);
        message_id.put(w);
    }

    fn get(r: &mut Reader) -> Option<Self> {
        Some(Event {
            at: Codec::get(r)?,
            by: Codec::get(r)?,
            action: Codec::get(r)?,
            title: Codec::get(r)?,
            customer: Codec::get(r)?,
            contact: Codec::get(r)?,
            channel: Codec::get(r)?,
            category: Codec::get(r)?,
            complaint_kind: Codec::get(r)?,
            product: Codec::get(r)?,
            serial: Codec::get(r)?,
            purchase_date: Codec::get(r)?,
            voucher: Codec::get(r)?,
            submitter: Codec::get(r)?,
            transferred_by: Codec::get(r)?,
            priority: Codec::get(r)?,
            tags: Codec::get(r)?,
            attachments: Codec::get(r)?,
            description: Codec::get(r)?,
            grade: Codec::get(r)?,
            department: Codec::get(r)?,
            assignee: Codec::get(r)?,
            reason: Codec::get(r)?,
            text: Codec::get(r)?,
            visibility: Codec::get(r)?,
            cause: Codec::get(r)?,
            responsibility: Codec::get(r)?,
            need: Codec::get(r)?,
            due: Codec::get(r)?,
            request: Codec::get(r)?,
            parts: Codec::get(r)?,
            on_call: Codec::get(r)?,
            efficiency: Codec::get(r)?,
            attitude: Codec::get(r)?,
            result: Codec::get(r)?,
            satisfaction: Codec::get(r)?,
            link: Codec::get(r)?,
            ticket: Codec::get(r)?,
            amount: Codec::get(r)?,
            currency: Codec::get(r)?,
            comp_kind: Codec::get(r)?,
            timer: Codec::get(r)?,
            redacts: Codec::get(r)?,
            field: Codec::get(r)?,
            entered_by: Codec::get(r)?,
            files: Codec::get(r)?,
            old: Codec::get(r)?,
            new: Codec::get(r)?,
            cause_code: Codec::get(r)?,
            fields: Codec::get(r)?,
            template: Codec::get(r)?,
            items: Codec::get(r)?,
            carrier: Codec::get(r)?,
            tracking: Codec::get(r)?,
            address: Codec::get(r)?,
            goods: Codec::get(r)?,
            remote: Codec::get(r)?,
            verdict: Codec::get(r)?,
            lead: Codec::get(r)?,
            exception: Codec::get(r)?,
            promised: Codec::get(r)?,
            kept: Codec::get(r)?,
            level: Codec::get(r)?,
            ladder: Codec::get(r)?,
            appointment: Codec::get(r)?,
            tier: Codec::get(r)?,
            then: Codec::get(r)?,
            message_id: Codec::get(r)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ticket_store;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    /// Every field set, each to a value no other field has, so a field read back into
    /// the wrong place cannot go unnoticed.
    fn full_ticket() -> Ticket {
        let s = |v: &str| Some(v.to_string());
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        let event = Event {
            at: at("2026-11-24T09:30:00.123456789+08:00"),
            by: "wang".into(),
            entered_by: s("e-entered-by"),
            action: Some(Action::Open),
            title: s("e-title"),
            customer: s("e-customer"),
            contact: s("e-contact"),
            channel: Some(Channel::Wechat),
            category: s("e-category"),
            complaint_kind: Some(ComplaintKind::ALL[1]),
            product: s("e-product"),
            serial: s("e-serial"),
            purchase_date: d(2025, 1, 2),
            voucher: s("e-voucher"),
            submitter: s("e-submitter"),
            transferred_by: s("e-transferred"),
            priority: Some(Priority::Low),
            tags: vec!["e-t1".into(), "e-t2".into()],
            attachments: vec!["e-a".into()],
            description: s("多行\n描述"),
            grade: Some(Grade::III),
            department: s("e-dept"),
            assignee: s("e-assignee"),
            reason: s("e-reason"),
            text: s("e-text"),
            visibility: Some(Visibility::Customer),
            cause: s("e-cause"),
            responsibility: s("e-resp"),
            need: s("e-need"),
            due: d(2026, 12, 1),
            request: Some(7),
            parts: s("e-parts"),
            on_call: true,
            efficiency: Some(1),
            attitude: Some(2),
            result: Some(3),
            satisfaction: Some(4),
            link: Some(LinkKind::RepeatOf),
            ticket: s("e-ticket"),
            amount: s("12.50"),
            currency: s("CNY"),
            comp_kind: Some(CompKind::Cash),
            timer: s("e-timer"),
            redacts: Some(7),
            field: s("e-field"),
            files: vec![Attachment {
                name: "e-name.jpg".into(),
                sha256: "e-sha".into(),
                size: 1234,
                media_type: "e-type".into(),
                source: None,
                data: None,
            }],
            old: s("e-old"),
            new: s("e-new"),
            cause_code: s("e-cause-code"),
            fields: [("e-field".to_string(), "e-value".to_string())].into(),
            template: s("e-template"),
            items: s("e-items"),
            carrier: s("e-carrier"),
            tracking: s("e-tracking"),
            address: s("e-address"),
            goods: true,
            remote: true,
            verdict: Some(Verdict::Rejected),
            lead: s("e-lead"),
            exception: s("e-exception"),
            promised: Some(at("2026-11-25T17:00:00+08:00")),
            kept: true,
            level: Some(crate::vocab::NotifyLevel::AtRisk),
            ladder: s("e-ladder"),
            appointment: true,
            tier: s("e-tier"),
            then: Some(crate::vocab::WaitThen::Close),
            message_id: s("e-message-id"),
        };
        Ticket {
            schema: 1,
            id: "T20261124-9XWM3A".into(),
            state: Some(State::Waiting),
            title: "t-title".into(),
            customer: s("t-customer"),
            contact: s("t-contact"),
            channel: Some(Channel::Email),
            category: s("t-category"),
            complaint_kind: Some(ComplaintKind::ALL[0]),
            priority: Some(Priority::High),
            grade: Some(Grade::II),
            department: s("t-dept"),
            assignee: s("t-assignee"),
            product: s("t-product"),
            serial: s("t-serial"),
            purchase_date: d(2024, 5, 6),
            voucher: s("t-voucher"),
            submitter: s("t-submitter"),
            transferred_by: s("t-transferred"),
            tags: vec!["t-tag".into()],
            attachments: vec!["t-a1".into(), "t-a2".into()],
            links: vec!["related:T20261124-AAAAAA".into()],
            opened: Some(at("2026-11-24T09:30:00+08:00")),
            accepted: Some(at("2026-11-24T10:00:00Z")),
            responded: Some(at("2026-11-24T11:00:00-05:30")),
            resolved: Some(at("1969-12-31T23:59:59.5+00:00")),
            closed: None,
            cause: s("t-cause"),
            responsibility: s("t-resp"),
            plan: s("t-plan"),
            resolution: s("t-resolution"),
            satisfaction: Some(5),
            reopened: 3,
            compensation: Some(CompState::Reviewed),
            compensation_amount: s("99.99"),
            compensation_currency: s("USD"),
            compensation_kind: Some(CompKind::Coupon),
            compensation_exception: s("t-exception"),
            legal_review: Some(Verdict::Approved),
            lead: s("t-lead"),
            shipped: Some(at("2026-11-25T08:00:00+08:00")),
            delivered: Some(at("2026-11-26T08:00:00+08:00")),
            description: "t-description".into(),
            event: vec![event.clone(), Event::default(), event],
            cause_code: s("t-cause-code"),
            fields: [("t-field".to_string(), "t-value".to_string())].into(),
            return_review: Some(Verdict::Rejected),
        }
    }

    #[test]
    fn a_ticket_reads_back_as_written_offsets_included() {
        let t = full_ticket();
        let mut w = Vec::new();
        t.put(&mut w);
        let back = decode(&w).expect("decodes");
        assert_eq!(back, t);
        // DateTime equality ignores the offset, which the output shows.
        assert_eq!(format!("{back:?}"), format!("{t:?}"));
        // Anything short or long is refused, never half-read.
        assert!(decode(&w[..w.len() - 1]).is_none());
        w.push(0);
        assert!(decode(&w).is_none());
    }

    #[test]
    fn only_files_settled_before_the_scan_are_trusted() {
        let began = (1_000_000, 500);
        assert!(trusted((999_997, 999_999_999), began));
        assert!(trusted((999_998, 499), began));
        assert!(!trusted((999_998, 500), began));
        assert!(!trusted((999_999, 0), began));
        assert!(!trusted((1_000_001, 0), began));
        let m = Meta {
            size: 1,
            mtime: (10, 0),
            ctime: (20, 0),
            ino: 1,
        };
        assert_eq!(m.changed(), (20, 0));
    }

    #[test]
    fn checksum_sees_a_flipped_bit_and_a_lost_byte() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
        let sum = checksum(&data);
        let mut flipped = data.clone();
        flipped[501] ^= 1;
        assert_ne!(checksum(&flipped), sum);
        assert_ne!(checksum(&data[..999]), sum);
        assert_ne!(checksum(&[0; 16]), checksum(&[0; 8]));
    }

    const TICKET: &str = r#"schema = 1
id = "T20261124-9XWM3A"
state = "new"
title = "noisy pump"

[[event]]
at = 2026-11-24T09:30:00+08:00
by = "wang"
action = "open"
title = "noisy pump"
customer = "C20261124-626T3A"
category = "complaint"
channel = "phone"
priority = "medium"
description = "noisy pump"
"#;

    fn titles(desk: &Desk) -> Vec<String> {
        ticket_store::load_all(desk)
            .unwrap()
            .into_iter()
            .map(|t| t.title)
            .collect()
    }

    #[test]
    fn facts_read_back_as_written() {
        let mut t = full_ticket();
        let stem = t.id.clone();
        for id in [stem.clone(), "T20261124-ELSEWH".to_string()] {
            t.id = id;
            let facts = Facts::of(&t);
            let mut w = Vec::new();
            put_facts(&mut w, &facts, &stem);
            let mut r = Reader { buf: &w, pos: 0 };
            assert_eq!(get_facts(&mut r, &stem), Some(facts));
            assert_eq!(r.pos, w.len());
        }
        // The ID is kept only when the file name does not give it.
        let (mut named, mut other) = (Vec::new(), Vec::new());
        t.id = stem.clone();
        put_facts(&mut named, &Facts::of(&t), &stem);
        t.id = "T20261124-ELSEWH".into();
        put_facts(&mut other, &Facts::of(&t), &stem);
        assert_eq!(other.len(), named.len() + 1 + t.id.len());
        let blank = Ticket::default();
        let mut w = Vec::new();
        put_facts(&mut w, &Facts::of(&blank), "");
        let mut r = Reader { buf: &w, pos: 0 };
        assert_eq!(get_facts(&mut r, ""), Some(Facts::of(&blank)));
    }

    const SHARD: &str = "tickets/2026/11";

    /// A desk with the one ticket `TICKET`, read once so its folder is cached.
    fn cached_desk() -> (tempfile::TempDir, Desk, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let desk = Desk::init(dir.path(), "t", chrono_tz::Asia::Shanghai, false).unwrap();
        let path = desk.root.join("tickets/2026/11/T20261124-9XWM3A.toml");
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, TICKET).unwrap();
        assert_eq!(titles(&desk), ["noisy pump"]);
        let shard = desk.root.join(".svcdesk/cache/tickets/2026/11.bin");
        assert!(shard.is_file());
        (dir, desk, path, shard)
    }

    /// Rewrites the one entry's file-system facts (and, with `began`, when the scan that
    /// made it began) in a cache file, keeping it intact.
    fn patch_shard(shard: &Path, meta: Meta, began: Option<Stamp>) {
        let old = Shard::read(shard, SHARD).unwrap();
        let mut w = fs::read(shard).unwrap();
        let head_at = w.len() - TAIL - 8 - old.head.len();
        let mut head = old.head.clone();
        let at = old.entries[0].name.end as usize;
        let mut facts = Vec::new();
        meta.size.put(&mut facts);
        meta.mtime.put(&mut facts);
        meta.ctime.put(&mut facts);
        meta.ino.put(&mut facts);
        head[at..at + facts.len()].copy_from_slice(&facts);
        if let Some(began) = began {
            let mut pre = Vec::new();
            VERSION.to_string().put(&mut pre);
            build_fingerprint().put(&mut pre);
            SHARD.to_string().put(&mut pre);
            let mut b = Vec::new();
            began.put(&mut b);
            head[pre.len()..pre.len() + b.len()].copy_from_slice(&b);
        }
        w[head_at..head_at + head.len()].copy_from_slice(&head);
        let sum_at = head_at + head.len();
        w[sum_at..sum_at + 8].copy_from_slice(&checksum(&head).to_le_bytes());
        fs::write(shard, &w).unwrap();
        let back = Shard::read(shard, SHARD).unwrap();
        assert_eq!(back.entries[0].meta, meta);
    }

    /// What a coarse file system allows: an edit in the same tick as the version the
    /// cache read, same size, same inode, and no time stamp moving. Only the racy rule
    /// can tell, and it must.
    #[test]
    fn an_edit_invisible_to_every_time_stamp_is_still_seen() {
        let (_dir, desk, path, shard) = cached_desk();
        fs::write(&path, TICKET.replace("noisy pump", "noisy pumq")).unwrap();
        // Make the cache's facts for the file match the edited file exactly.
        patch_shard(&shard, Meta::of(&fs::metadata(&path).unwrap()), None);
        assert_eq!(titles(&desk), ["noisy pumq"]);
    }

    fn scan_ids(desk: &Desk, sieve: impl Fn(&Facts) -> bool + Sync) -> Result<Vec<String>> {
        let mut ids = Vec::new();
        scan(
            desk,
            None,
            false,
            sieve,
            |t| Some(t.id),
            |part| {
                ids.extend(part);
                Ok(())
            },
        )?;
        Ok(ids)
    }

    /// A sieve that fails on a cached entry's facts decides without the ticket: neither
    /// its payload (damaged here) nor its file (broken here, yet looking unchanged) is read.
    #[test]
    fn a_failing_sieve_reads_no_ticket() {
        let (_dir, desk, path, shard) = cached_desk();
        fs::write(&path, TICKET.replace("schema = 1", "schema = ")).unwrap();
        let future = (now().0 + 3600, 0);
        patch_shard(
            &shard,
            Meta::of(&fs::metadata(&path).unwrap()),
            Some(future),
        );
        let mut w = fs::read(&shard).unwrap();
        w[0] ^= 0xff;
        fs::write(&shard, &w).unwrap();
        assert_eq!(
            scan_ids(&desk, |f| f.state == State::Closed).unwrap(),
            [""; 0]
        );
        assert_eq!(scan_ids(&desk, |f| f.id.is_empty()).unwrap(), [""; 0]);
        // A passing sieve needs the ticket: the damaged payload sends it to the file.
        assert!(matches!(
            scan_ids(&desk, |f| f.is_open()),
            Err(Error::BadRecords { .. })
        ));
    }

    /// A trusted entry's facts are the ticket's: the sieve sees what `Facts::of` gives.
    #[test]
    fn a_cached_entry_gives_the_sieve_the_tickets_facts() {
        let (_dir, desk, path, shard) = cached_desk();
        let t = ticket_store::load_file(&path).unwrap();
        let want = format!("{:?}", Facts::of(&t));
        let future = (now().0 + 3600, 0);
        patch_shard(
            &shard,
            Meta::of(&fs::metadata(&path).unwrap()),
            Some(future),
        );
        let seen = std::sync::Mutex::new(Vec::new());
        let ids = scan_ids(&desk, |f| {
            seen.lock().unwrap().push(format!("{f:?}"));
            true
        })
        .unwrap();
        assert_eq!(ids, ["T20261124-9XWM3A"]);
        assert_eq!(*seen.lock().unwrap(), [want]);
    }

    #[test]
    fn a_desk_without_the_cache_reads_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let mut desk = Desk::init(dir.path(), "t", chrono_tz::Asia::Shanghai, false).unwrap();
        let path = desk.root.join("tickets/2026/11/T20261124-9XWM3A.toml");
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, TICKET).unwrap();
        desk.use_cache = false;
        assert_eq!(titles(&desk), ["noisy pump"]);
        assert!(!desk.root.join(".svcdesk/cache").exists());
    }
}

/// The customer cache, a child so that it shares these rules rather than copies them.
pub(crate) mod customers;
