//! The customer cache: one file, `.svcdesk/cache/customers.brief`, holding for every
//! customer file its name, the same file-system facts the ticket cache keeps, and the
//! customer's [`Brief`], so that a read needing only names, contacts or tiers costs a
//! stat per customer file instead of parsing it. It lives beside the ticket cache to
//! share its rules rather than copy them: an entry is trusted only when those facts still
//! match and the file had not changed for a while when the entry was made (`trusted`);
//! anything else is parsed again; a damaged or foreign cache file is ignored and rewritten,
//! under the cache lock, by whichever read found it out of date.
//!
//! Not a `.bin` file: the ticket cache removes those that are not a ticket folder's.

use std::fs::{self, File};
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::{Codec, Meta, Reader, Stamp, Writer, checksum, fingerprint_of, now, put_len, trusted};
use crate::desk::{Desk, Kind, record};
use crate::error::{Error, Result};
use crate::model::customer::{self, Brief, Customer, FollowUp};

const FILE: &str = "customers.brief";
/// Bumped whenever the layout or the codec below changes.
const FORMAT: u32 = 1;
const MAGIC: &[u8; 8] = b"SVCDCUC\n";
const VERSION: &str = env!("CARGO_PKG_VERSION");
/// What decides what an entry holds: the customer record and its `Brief`, this codec
/// and the ticket cache's, reading records, and the locked dependencies. A build that
/// changes any of them rebuilds the cache instead of trusting another build's.
const SOURCES: &[&str] = &[
    include_str!("../customer.rs"),
    include_str!("customers.rs"),
    include_str!("../ticket_cache.rs"),
    include_str!("../../desk/record.rs"),
    include_str!("../../desk/fast_toml.rs"),
    include_str!("../../../Cargo.lock"),
];

fn fingerprint() -> u64 {
    static FINGERPRINT: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *FINGERPRINT.get_or_init(|| fingerprint_of(SOURCES))
}

/// See [`customer::briefs`].
pub(crate) fn briefs<T: Send>(desk: &Desk, map: impl Fn(Brief) -> T + Sync) -> Result<Vec<T>> {
    let files = desk.record_files(Kind::Customer)?;
    if !desk.use_cache {
        return customer::each_of(&files, |p| Ok(map(Brief::of(&customer::load_file(p)?))));
    }
    // Taken before any file is looked at, so that everything read is at least this new.
    let began = now();
    let mut writer = Writer::new(&desk.root);
    let path = writer.root.join(FILE);
    let old = Cache::read(&path);
    // `map` runs beside the decoding, so only what the caller keeps is kept per file.
    let got = customer::each_of(&files, |p| {
        visit(p, old.as_ref(), began).map(|(b, source)| (map(b), source))
    })?;
    let mut news = false;
    let mut kept = 0;
    for (_, source) in &got {
        match source {
            Some(Source::Read(r)) => news |= r.news,
            Some(Source::Cached(_)) => kept += 1,
            None => {}
        }
    }
    // Entries of files that are gone (deleted, renamed, checked out away).
    let vanished = old.as_ref().is_some_and(|o| kept != o.entries.len());
    let cacheable = got.iter().any(|(_, s)| s.is_some());
    if (news || vanished || old.is_none() && cacheable) && writer.ready() {
        let entries = files.iter().zip(got.iter().map(|(_, s)| s));
        let bytes = write(entries, old.as_ref(), began);
        writer.write(&path, &bytes);
    }
    Ok(got.into_iter().map(|(t, _)| t).collect())
}

/// Where an entry of the next cache file comes from.
/// Small, as one is kept per customer file until the cache is written: most are
/// `Cached`, an index into the old file's entries.
enum Source {
    /// The old entry (this index) was good: reuse its bytes.
    Cached(usize),
    Read(Box<Parsed>),
}

/// Parsed from the file; `news` as in the ticket cache: false only for an entry still
/// racy and unchanged, so a file stamped in the future does not make every read rewrite
/// the cache.
struct Parsed {
    meta: Meta,
    payload: Vec<u8>,
    news: bool,
}

fn visit(path: &Path, old: Option<&Cache>, began: Stamp) -> Result<(Brief, Option<Source>)> {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Ok((Brief::of(&customer::load_file(path)?), None));
    };
    let entry = old.and_then(|c| c.find(name).map(|i| (c, i, &c.entries[i])));
    if let Some((c, i, e)) = entry
        && trusted(e.meta.changed(), c.scan_began)
        && fs::symlink_metadata(path).is_ok_and(|m| Meta::of(&m) == e.meta)
        && let Some(b) = decode(&c.bytes[e.payload.clone()])
    {
        return Ok((b, Some(Source::Cached(i))));
    }
    // Facts and bytes from the same open file, so the entry describes what was parsed.
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let meta = Meta::of(&file.metadata().map_err(|e| Error::io(path, e))?);
    let mut bytes = Vec::with_capacity(meta.size as usize + 1);
    file.read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    let text = record::text_from_bytes(path, bytes)?;
    let c: Customer = record::parse_typed(path, &text)?;
    let b = Brief::of(&c);
    let mut payload = Vec::new();
    b.put(&mut payload);
    let unchanged_racy = entry.is_some_and(|(_, _, e)| e.meta == meta);
    let news = !unchanged_racy || trusted(meta.changed(), began);
    let read = Parsed {
        meta,
        payload,
        news,
    };
    Ok((b, Some(Source::Read(Box::new(read)))))
}

fn decode(bytes: &[u8]) -> Option<Brief> {
    let mut r = Reader { buf: bytes, pos: 0 };
    let b = Brief::get(&mut r)?;
    (r.pos == bytes.len()).then_some(b)
}

/// The cache file as read: its bytes, and its entries sorted by file name.
struct Cache {
    bytes: Vec<u8>,
    scan_began: Stamp,
    entries: Vec<Entry>,
}

/// Ranges into the cache file's bytes rather than copies, one allocation for them all.
struct Entry {
    name: Range<usize>,
    meta: Meta,
    payload: Range<usize>,
}

impl Cache {
    fn name(&self, e: &Entry) -> &[u8] {
        &self.bytes[e.name.clone()]
    }

    fn find(&self, name: &str) -> Option<usize> {
        self.entries
            .binary_search_by(|e| self.name(e).cmp(name.as_bytes()))
            .ok()
    }

    /// None for anything but a whole, intact cache file of this build.
    fn read(path: &Path) -> Option<Cache> {
        let bytes = fs::read(path).ok()?;
        let body_len = bytes.len().checked_sub(8)?;
        let (body, sum) = bytes.split_at(body_len);
        if checksum(body) != u64::from_le_bytes(sum.try_into().ok()?) {
            return None;
        }
        let mut r = Reader { buf: body, pos: 0 };
        if r.take(MAGIC.len())? != MAGIC
            || u32::get(&mut r)? != FORMAT
            || String::get(&mut r)? != VERSION
            || u64::get(&mut r)? != fingerprint()
        {
            return None;
        }
        let scan_began = (i64::get(&mut r)?, u32::get(&mut r)?);
        let count = u32::get(&mut r)? as usize;
        // An entry takes over 40 bytes, so no count can ask for more than the file holds.
        let mut entries = Vec::with_capacity(count.min(body.len() / 40));
        for _ in 0..count {
            let len = r.len()?;
            let name = r.pos..r.pos + len;
            std::str::from_utf8(r.take(len)?).ok()?;
            let meta = Meta {
                size: u64::get(&mut r)?,
                mtime: (i64::get(&mut r)?, u32::get(&mut r)?),
                ctime: (i64::get(&mut r)?, u32::get(&mut r)?),
                ino: u64::get(&mut r)?,
            };
            let len = r.len()?;
            let payload = r.pos..r.pos + len;
            r.take(len)?;
            entries.push(Entry {
                name,
                meta,
                payload,
            });
        }
        if r.pos != body.len() {
            return None;
        }
        let mut c = Cache {
            bytes,
            scan_began,
            entries: Vec::new(),
        };
        // Written in the order the files were listed, which a file system may change.
        entries.sort_by(|a, b| c.name(a).cmp(c.name(b)));
        c.entries = entries;
        Some(c)
    }
}

fn write<'a>(
    entries: impl Iterator<Item = (&'a PathBuf, &'a Option<Source>)> + Clone,
    old: Option<&Cache>,
    began: Stamp,
) -> Vec<u8> {
    let entries = entries.filter_map(|(p, s)| Some((p.file_name()?.to_str()?, s.as_ref()?)));
    let mut w = Vec::new();
    w.extend_from_slice(MAGIC);
    FORMAT.put(&mut w);
    VERSION.to_string().put(&mut w);
    fingerprint().put(&mut w);
    began.0.put(&mut w);
    began.1.put(&mut w);
    (entries.clone().count() as u32).put(&mut w);
    for (name, source) in entries {
        let (meta, payload) = match source {
            Source::Read(r) => (r.meta, r.payload.as_slice()),
            Source::Cached(i) => {
                let old = old.expect("a cached entry has a cache file");
                let e = &old.entries[*i];
                (e.meta, &old.bytes[e.payload.clone()])
            }
        };
        put_len(&mut w, name.len());
        w.extend_from_slice(name.as_bytes());
        meta.size.put(&mut w);
        meta.mtime.0.put(&mut w);
        meta.mtime.1.put(&mut w);
        meta.ctime.0.put(&mut w);
        meta.ctime.1.put(&mut w);
        meta.ino.put(&mut w);
        put_len(&mut w, payload.len());
        w.extend_from_slice(payload);
    }
    let sum = checksum(&w);
    w.extend_from_slice(&sum.to_le_bytes());
    w
}

/// Every field, destructured without `..`: a field added to `Brief` does not compile
/// until the cache stores it. A follow-up's customer and name are the brief's own.
impl Codec for Brief {
    fn put(&self, w: &mut Vec<u8>) {
        let Brief {
            id,
            name,
            contact,
            phone,
            industry,
            source,
            tier,
            tier_until,
            follow_ups,
        } = self;
        id.put(w);
        name.put(w);
        contact.put(w);
        phone.put(w);
        industry.put(w);
        source.put(w);
        tier.put(w);
        tier_until.put(w);
        put_len(w, follow_ups.len());
        for f in follow_ups {
            let FollowUp {
                customer: _,
                name: _,
                log,
                date,
                owner,
                summary,
                noted,
            } = f;
            (*log as u64).put(w);
            date.put(w);
            owner.put(w);
            summary.put(w);
            noted.put(w);
        }
    }

    fn get(r: &mut Reader) -> Option<Self> {
        let id = String::get(r)?;
        let name = String::get(r)?;
        let contact = Codec::get(r)?;
        let phone = Codec::get(r)?;
        let industry = Codec::get(r)?;
        let source = Codec::get(r)?;
        let tier = Codec::get(r)?;
        let tier_until: Option<NaiveDate> = Codec::get(r)?;
        let n = r.len()?;
        let mut follow_ups = Vec::with_capacity(n.min(r.buf.len() - r.pos));
        for _ in 0..n {
            follow_ups.push(FollowUp {
                customer: id.clone(),
                name: name.clone(),
                log: usize::try_from(u64::get(r)?).ok()?,
                date: NaiveDate::get(r)?,
                owner: String::get(r)?,
                summary: String::get(r)?,
                noted: DateTime::<FixedOffset>::get(r)?,
            });
        }
        Some(Brief {
            id,
            name,
            contact,
            phone,
            industry,
            source,
            tier,
            tier_until,
            follow_ups,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_brief_reads_back_as_written() {
        let text = "schema = 1\nid = \"C20261101-AAAAAA\"\nname = \"华东机械\"\n\
                    contact = \"张工\"\nphone = \"021-5555\"\nindustry = \"food\"\n\
                    tags = [\"vip\"]\ntier = \"gold\"\ntier_until = 2026-12-31\n\
                    created = 2026-11-01T09:00:00+08:00\ncreated_by = \"li\"\n\
                    [[log]]\nat = 2026-11-20T10:00:00+08:00\nby = \"wang\"\n\
                    summary = \"quote\"\nfollow_up = 2026-11-25\n";
        let c: Customer = toml::from_str(text).unwrap();
        let b = Brief::of(&c);
        assert_eq!(b.follow_ups.len(), 1);
        let mut w = Vec::new();
        b.put(&mut w);
        assert_eq!(decode(&w), Some(b));
        assert_eq!(decode(&w[..w.len() - 1]), None);
    }

    #[test]
    fn only_a_whole_cache_file_of_this_build_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        let meta = Meta {
            size: 9,
            mtime: (1, 2),
            ctime: (3, 4),
            ino: 5,
        };
        let read = |payload: Vec<u8>| {
            Some(Source::Read(Box::new(Parsed {
                meta,
                payload,
                news: true,
            })))
        };
        // Listed out of name order, and one file not cached.
        let files = [
            PathBuf::from("b/C2.toml"),
            "b/C1.toml".into(),
            "b/C3.toml".into(),
        ];
        let sources = [read(vec![1, 2, 3]), read(vec![4]), None];
        let bytes = write(files.iter().zip(&sources), None, (7, 8));
        fs::write(&path, &bytes).unwrap();
        let c = Cache::read(&path).unwrap();
        assert_eq!(c.scan_began, (7, 8));
        assert_eq!(c.entries.len(), 2);
        let got = |name: &str| {
            let e = &c.entries[c.find(name)?];
            Some((e.meta, c.bytes[e.payload.clone()].to_vec()))
        };
        assert_eq!(got("C1.toml"), Some((meta, vec![4])));
        assert_eq!(got("C2.toml"), Some((meta, vec![1, 2, 3])));
        assert_eq!(got("C3.toml"), None);
        for cut in [1, 8, bytes.len() - 1] {
            fs::write(&path, &bytes[..cut]).unwrap();
            assert!(Cache::read(&path).is_none());
        }
    }
}
