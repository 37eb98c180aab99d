//! Reading record files (typed, with file:line:column errors) and the value conversions
//! used when writing them through `toml_edit`.

use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::de::DeserializeOwned;
use toml_edit::DocumentMut;

use crate::error::{Error, Result};

/// The `schema` of every record file this svcdesk reads and writes.
pub const SCHEMA: i64 = 1;

pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    text_from_bytes(path, bytes)
}

/// A record's bytes as text, or the file:line:column of its first invalid byte.
pub fn text_from_bytes(path: &Path, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let off = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
        Error::parse_at(
            path,
            &text,
            Some(off),
            "invalid UTF-8; records must be UTF-8 text",
        )
    })
}

/// A leftover `<<<<<<<` from a merge makes the TOML invalid anyway; saying so is clearer
/// than the parser's complaint about a stray `<`.
fn conflict_marker(path: &Path, text: &str) -> Result<()> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if ["<<<<<<< ", "=======", ">>>>>>> "]
            .iter()
            .any(|m| line.starts_with(m))
        {
            // svcdesk's merge driver says on the `<<<<<<<` line what conflicts and
            // what to do; say that rather than a generic complaint.
            let note = line
                .strip_prefix("<<<<<<< ")
                .and_then(|rest| rest.split_once("(svcdesk: "))
                .map(|(_, n)| n.trim_end().trim_end_matches(')'));
            let message = match note {
                Some(n) => format!("unresolved merge conflict: {n}"),
                None => "unresolved git conflict marker; finish the merge by hand".into(),
            };
            return Err(Error::parse_at(path, text, Some(offset), message));
        }
        offset += line.len();
    }
    Ok(())
}

pub fn parse_typed<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T> {
    conflict_marker(path, text)?;
    // A file as svcdesk writes it reads at a fraction of the cost; anything else, and
    // every error, is toml's to judge and to place.
    if let Ok(t) = super::fast_toml::from_str(text) {
        return Ok(t);
    }
    toml::from_str(text).map_err(|e| {
        Error::parse_at(
            path,
            text,
            e.span().map(|s| s.start),
            e.message().trim().to_string(),
        )
    })
}

pub fn parse_doc(path: &Path, text: &str) -> Result<DocumentMut> {
    conflict_marker(path, text)?;
    text.parse::<DocumentMut>().map_err(|e| {
        Error::parse_at(
            path,
            text,
            e.span().map(|s| s.start),
            e.message().trim().to_string(),
        )
    })
}

/// Reads a record for editing under the lock, applies `f`, and writes it back only if
/// the text changed.
pub fn edit_file(path: &Path, f: impl FnOnce(&mut DocumentMut) -> Result<()>) -> Result<bool> {
    let text = read_text(path)?;
    let mut doc = parse_doc(path, &text)?;
    f(&mut doc)?;
    let out = doc.to_string();
    if out == text {
        return Ok(false);
    }
    super::store::write_atomic(path, out.as_bytes())?;
    Ok(true)
}

pub fn datetime_value(t: DateTime<FixedOffset>) -> toml_edit::Value {
    let s = t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    toml_edit::Value::from(s.parse::<toml_edit::Datetime>().expect("RFC 3339 is TOML"))
}

pub fn date_value(d: NaiveDate) -> toml_edit::Value {
    toml_edit::Value::from(
        d.format("%Y-%m-%d")
            .to_string()
            .parse::<toml_edit::Datetime>()
            .expect("a date is TOML"),
    )
}

/// serde adapters: TOML date-times and dates into chrono types.
pub mod serde_time {
    use chrono::{DateTime, FixedOffset, NaiveDate};
    use serde::{Deserialize, Deserializer, Serializer};

    fn to_chrono<E: serde::de::Error>(
        d: toml::value::Datetime,
    ) -> Result<DateTime<FixedOffset>, E> {
        if d.date.is_none() || d.time.is_none() || d.offset.is_none() {
            return Err(E::custom(format!(
                "expected a date-time with offset like 2026-11-24T09:30:00+08:00, found {d}"
            )));
        }
        // Every ticket event has a time, so formatting each to text only to parse it back
        // was a tenth of a large listing; the text route stays for anything unusual
        // (no seconds, a leap second), so its errors are unchanged.
        if let Some(t) = direct(&d) {
            return Ok(t);
        }
        DateTime::parse_from_rfc3339(&d.to_string()).map_err(E::custom)
    }

    fn direct(d: &toml::value::Datetime) -> Option<DateTime<FixedOffset>> {
        use chrono::{NaiveTime, TimeZone};
        use toml::value::Offset;
        let (date, time) = (d.date?, d.time?);
        let second = time.second.filter(|s| *s < 60)?;
        let offset = match d.offset? {
            Offset::Z => FixedOffset::east_opt(0)?,
            Offset::Custom { minutes } => FixedOffset::east_opt(i32::from(minutes) * 60)?,
        };
        let date = NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())?;
        let time = NaiveTime::from_hms_nano_opt(
            time.hour.into(),
            time.minute.into(),
            second.into(),
            time.nanosecond.unwrap_or(0),
        )?;
        offset.from_local_datetime(&date.and_time(time)).single()
    }

    fn to_date<E: serde::de::Error>(d: toml::value::Datetime) -> Result<NaiveDate, E> {
        match (d.date, d.time) {
            (Some(date), None) => {
                NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
                    .ok_or_else(|| E::custom(format!("invalid date {d}")))
            }
            _ => Err(E::custom(format!(
                "expected a date like 2026-11-24, found {d}"
            ))),
        }
    }

    pub fn datetime<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
        to_chrono(toml::value::Datetime::deserialize(d)?)
    }

    pub fn opt_datetime<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
        Option::<toml::value::Datetime>::deserialize(d)?
            .map(to_chrono)
            .transpose()
    }

    pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        to_date(toml::value::Datetime::deserialize(d)?)
    }

    pub fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        Option::<toml::value::Datetime>::deserialize(d)?
            .map(to_date)
            .transpose()
    }

    pub fn ser_opt_datetime<S: Serializer>(
        t: &Option<DateTime<FixedOffset>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&t.to_rfc3339()),
            None => s.serialize_none(),
        }
    }

    pub fn ser_datetime<S: Serializer>(t: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct At {
        #[serde(deserialize_with = "serde_time::datetime")]
        at: DateTime<FixedOffset>,
    }

    fn at(s: &str) -> std::result::Result<String, String> {
        toml::from_str::<At>(&format!("at = {s}"))
            .map(|a| a.at.to_rfc3339())
            .map_err(|e| e.message().to_string())
    }

    /// The direct conversion gives what the text route gave, offsets and fractions kept.
    #[test]
    fn toml_datetimes_convert_as_rfc3339_reads_them() {
        for s in [
            "2026-11-24T09:30:00+08:00",
            "2026-11-24T09:30:00Z",
            "2026-11-24 09:30:00-05:30",
            "2026-11-24T09:30:00.120+08:00",
            "1969-12-31T23:59:59.999999999+00:00",
        ] {
            let text_route = DateTime::parse_from_rfc3339(&s.replace(' ', "T")).unwrap();
            assert_eq!(at(s).unwrap(), text_route.to_rfc3339(), "{s}");
        }
        assert!(
            at("2026-11-24T09:30:00")
                .unwrap_err()
                .contains("with offset")
        );
        assert!(at("2026-02-30T09:30:00+08:00").is_err());
    }
}
