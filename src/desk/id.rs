//! Record IDs: a kind letter, the creation date in the desk's time zone, a dash and six
//! random Crockford base32 characters, e.g. `T20261124-9XWM3A`.
//!
//! Six characters give 32^6 ≈ 1.07e9 values per kind per day. Two clones that each create
//! a thousand records on the same day collide with probability about 1000²/1.07e9 ≈ 0.1%
//! per pair of clones per such day; locally a new ID is checked against the file it would
//! occupy (a single `stat`, never a scan), so one desk never collides with itself.
//!
//! The ID alone gives the record's path (tickets and reports are sharded by the ID's
//! month), so a full ID is found without listing anything.

use std::fmt;
use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};
use rand::RngExt;

use crate::error::{Error, Result};

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
pub const RANDOM_LEN: usize = 6;
/// `T` + `YYYYMMDD` + `-` + six characters.
pub const ID_LEN: usize = 1 + 8 + 1 + RANDOM_LEN;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Customer,
    Ticket,
    Report,
    /// Improvement measures (改进措施) decided from the monthly analysis.
    Measure,
    /// Site visits (外出服务): from the request (內部請示單) to the report that completes them.
    Visit,
    /// Planned maintenance schedules: recurring visit requests for a customer.
    Schedule,
    /// Sales intelligence items (旬报): problems, suggestions, competitor prices, promotions.
    Intel,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Customer,
        Kind::Ticket,
        Kind::Report,
        Kind::Measure,
        Kind::Visit,
        Kind::Schedule,
        Kind::Intel,
    ];

    pub fn letter(self) -> char {
        match self {
            Kind::Customer => 'C',
            Kind::Ticket => 'T',
            Kind::Report => 'R',
            Kind::Measure => 'M',
            Kind::Visit => 'V',
            Kind::Schedule => 'S',
            Kind::Intel => 'I',
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Kind::Customer => "customer",
            Kind::Ticket => "ticket",
            Kind::Report => "report",
            Kind::Measure => "measure",
            Kind::Visit => "visit",
            Kind::Schedule => "schedule",
            Kind::Intel => "intel",
        }
    }

    /// The folder under the desk root that holds this kind's records.
    pub fn dir(self) -> &'static str {
        match self {
            Kind::Customer => "customers",
            Kind::Ticket => "tickets",
            Kind::Report => "reports",
            Kind::Measure => "measures",
            Kind::Visit => "visits",
            Kind::Schedule => "schedules",
            Kind::Intel => "intel",
        }
    }

    /// Tickets and reports pile up by the hundred thousand, so they are sharded by month
    /// (measures too, so every dated record reads the same way); customers stay flat so
    /// people can browse them; schedules are few and stay flat too.
    pub fn sharded(self) -> bool {
        !matches!(self, Kind::Customer | Kind::Schedule)
    }

    pub fn from_letter(c: char) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.letter() == c.to_ascii_uppercase())
    }
}

/// A well-formed, full record ID.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(String);

impl Id {
    pub fn generate(kind: Kind, date: NaiveDate) -> Id {
        let mut rng = rand::rng();
        let random: String = (0..RANDOM_LEN)
            .map(|_| CROCKFORD[rng.random_range(0..32)] as char)
            .collect();
        Id(format!(
            "{}{:04}{:02}{:02}-{}",
            kind.letter(),
            date.year(),
            date.month(),
            date.day(),
            random
        ))
    }

    /// An ID that is the same on every clone: the kind letter, `date`, and six Crockford
    /// characters from the SHA-256 of `key` (e.g. a schedule's ID and an occurrence date),
    /// so two desks that create "the same" record write the same file.
    pub fn derived(kind: Kind, date: NaiveDate, key: &str) -> Id {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(key.as_bytes());
        let bits = digest[..8]
            .iter()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let code: String = (0..RANDOM_LEN)
            .map(|i| CROCKFORD[((bits >> (59 - 5 * i)) & 31) as usize] as char)
            .collect();
        Id(format!(
            "{}{:04}{:02}{:02}-{}",
            kind.letter(),
            date.year(),
            date.month(),
            date.day(),
            code
        ))
    }

    /// Parses a full ID (any case; Crockford's I/L→1 and O→0 in the random part).
    pub fn parse(s: &str) -> Option<Id> {
        let s = normalize(s)?;
        let b = s.as_bytes();
        if b.len() != ID_LEN || Kind::from_letter(b[0] as char).is_none() || b[9] != b'-' {
            return None;
        }
        let date_ok = b[1..9].iter().all(u8::is_ascii_digit)
            && NaiveDate::parse_from_str(&s[1..9], "%Y%m%d").is_ok();
        let random_ok = b[10..].iter().all(|c| CROCKFORD.contains(c));
        (date_ok && random_ok).then_some(Id(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn kind(&self) -> Kind {
        Kind::from_letter(self.0.as_bytes()[0] as char).expect("validated on construction")
    }

    pub fn date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[1..9], "%Y%m%d").expect("validated on construction")
    }

    /// Path of the record relative to the desk root.
    pub fn rel_path(&self) -> PathBuf {
        let kind = self.kind();
        let mut p = PathBuf::from(kind.dir());
        if kind.sharded() {
            p.push(&self.0[1..5]);
            p.push(&self.0[5..7]);
        }
        p.push(format!("{}.toml", self.0));
        p
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Uppercases and applies Crockford's aliases. Returns None for anything that is not
/// letters, digits and dashes — which is what keeps `../x`, `/etc/passwd` and `a\b` from
/// ever reaching the file system.
pub fn normalize(s: &str) -> Option<String> {
    if s.is_empty() || s.len() > 64 || !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return None;
    }
    let upper = s.to_ascii_uppercase();
    // Aliases apply only after the date, where letters are random: the kind letter stays.
    // Without a dash, a letter then four digits is a kind letter and a year (`I2026…`,
    // an intel item's ID typed without its dash), not an alias of 1.
    let dated = upper.len() >= 5
        && upper.as_bytes()[0].is_ascii_alphabetic()
        && upper.as_bytes()[1..5].iter().all(u8::is_ascii_digit);
    let head_len = upper
        .find('-')
        .map_or(usize::from(dated), |i| i + 1)
        .min(upper.len());
    let (head, tail) = upper.split_at(head_len);
    let tail: String = tail
        .chars()
        .map(|c| match c {
            'I' | 'L' => '1',
            'O' => '0',
            c => c,
        })
        .collect();
    Some(format!("{head}{tail}"))
}

/// Checks an abbreviation a user typed and returns its normalized form.
pub fn validate_query(kind: Kind, query: &str) -> Result<String> {
    normalize(query).ok_or_else(|| Error::InvalidId {
        kind: kind.noun(),
        query: query.to_string(),
        reason: "only letters, digits and '-' may appear in an ID",
    })
}

/// Does the full ID `id` match the normalized abbreviation `q`? A query may be a prefix
/// of the whole ID (`T202611`), or a prefix of its random part (`9XWM`), with the dash
/// optional in the first form.
pub fn matches(id: &str, q: &str) -> bool {
    if id.starts_with(q) {
        return true;
    }
    let undashed: String = q.chars().filter(|&c| c != '-').collect();
    let id_undashed = id.replacen('-', "", 1);
    id_undashed.starts_with(&undashed) || id.get(10..).is_some_and(|r| r.starts_with(q))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_intel_id_typed_without_its_dash_keeps_its_kind_letter() {
        assert_eq!(normalize("i20261202").as_deref(), Some("I20261202"));
        assert!(matches(
            "I20261202-E3KBX8",
            &normalize("I20261202E3").unwrap()
        ));
        // A random part typed with I for 1 is still read as 1.
        assert_eq!(normalize("I3F7").as_deref(), Some("13F7"));
    }

    #[test]
    fn generated_ids_parse_and_locate() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let id = Id::generate(Kind::Ticket, d);
        assert_eq!(Id::parse(id.as_str()), Some(id.clone()));
        assert_eq!(id.kind(), Kind::Ticket);
        assert_eq!(id.date(), d);
        let p = id.rel_path();
        assert!(p.starts_with("tickets/2026/11"), "{p:?}");
        let c = Id::generate(Kind::Customer, d);
        assert_eq!(
            c.rel_path().parent().unwrap(),
            std::path::Path::new("customers")
        );
        let m = Id::generate(Kind::Measure, d);
        assert!(m.as_str().starts_with("M20261124-"), "{m}");
        assert!(m.rel_path().starts_with("measures/2026/11"), "{m}");
        assert_eq!(Id::parse(m.as_str()).map(|i| i.kind()), Some(Kind::Measure));
    }

    #[test]
    fn derived_ids_depend_only_on_their_key() {
        let d = NaiveDate::from_ymd_opt(2027, 3, 2).unwrap();
        let a = Id::derived(Kind::Visit, d, "S20261202-AAAAAA 2027-03-02");
        assert_eq!(
            a,
            Id::derived(Kind::Visit, d, "S20261202-AAAAAA 2027-03-02")
        );
        assert_ne!(
            a,
            Id::derived(Kind::Visit, d, "S20261202-AAAAAA 2027-06-02")
        );
        assert_eq!(Id::parse(a.as_str()), Some(a.clone()));
        assert!(a.as_str().starts_with("V20270302-"), "{a}");
        let s = Id::generate(Kind::Schedule, d);
        assert_eq!(
            s.rel_path().parent().unwrap(),
            std::path::Path::new("schedules")
        );
    }

    #[test]
    fn parse_is_case_insensitive_and_applies_aliases() {
        let id = Id::parse("t20261124-9xwmoi").unwrap();
        assert_eq!(id.as_str(), "T20261124-9XWM01");
        assert!(Id::parse("X20261124-9XWM3A").is_none());
        assert!(Id::parse("T20261324-9XWM3A").is_none());
        assert!(Id::parse("T20261124-9XWM3U").is_none());
    }

    #[test]
    fn hostile_queries_are_refused() {
        for q in [
            "../x",
            "/etc/passwd",
            "a/b",
            "a\\b",
            "",
            ".",
            "T2026 11",
            "é",
        ] {
            assert!(validate_query(Kind::Ticket, q).is_err(), "{q}");
        }
    }

    #[test]
    fn abbreviations_match() {
        let id = "T20261124-9XWM3A";
        for q in ["T2026", "T20261124-9X", "T202611249X", "9XWM", "9XWM3A"] {
            assert!(matches(id, q), "{q}");
        }
        for q in ["XWM", "C2026", "9XWN"] {
            assert!(!matches(id, q), "{q}");
        }
    }
}
