//! A fast path for reading record files. svcdesk writes a small, regular subset of TOML
//! (bare `key = value` lines, `[[name]]` headers, basic and multi-line strings, integers,
//! booleans, date-times, one-line arrays), and an uncached listing reads every ticket:
//! building `toml`'s tree of spanned values (hashed maps, one per event) and then walking
//! it was most of the cost of a read. This deserializes the subset straight from the text
//! into the typed structs.
//!
//! Anything outside the subset, and any error at all, is [`Bail`]: the caller then parses
//! with `toml`, which stays the one judge of what a file means and the one that names
//! file:line:column. So the rule here is only: what this accepts means exactly what
//! `toml` says it means; when in doubt, bail.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::forward_to_deserialize_any;

/// The text is outside the subset, or does not fit the type: ask `toml`.
#[derive(Debug)]
pub struct Bail;

impl fmt::Display for Bail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("outside the fast TOML subset")
    }
}

impl std::error::Error for Bail {}

impl de::Error for Bail {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Bail
    }
}

type Res<T> = Result<T, Bail>;

/// `T` from `text`, if `text` is in the subset and fits `T`.
pub fn from_str<'de, T: de::Deserialize<'de>>(text: &'de str) -> Res<T> {
    // toml reads a CR LF as a newline and skips a byte-order mark; neither is worth
    // mirroring here.
    if text.starts_with('\u{feff}') || text.as_bytes().contains(&b'\r') {
        return Err(Bail);
    }
    let mut doc = Doc {
        src: text.as_bytes(),
        text,
        pos: 0,
    };
    let t = T::deserialize(TableDe {
        doc: &mut doc,
        top: true,
    })?;
    doc.skip_blank_lines();
    if doc.pos != doc.src.len() {
        return Err(Bail);
    }
    Ok(t)
}

#[derive(Clone, Copy)]
struct Doc<'de> {
    text: &'de str,
    src: &'de [u8],
    pos: usize,
}

fn is_bare(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

impl<'de> Doc<'de> {
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// Past blank lines, to the start of the next line with something on it (or the end).
    fn skip_blank_lines(&mut self) {
        loop {
            let start = self.pos;
            self.skip_ws();
            match self.peek() {
                Some(b'\n') => self.pos += 1,
                _ => {
                    self.pos = start;
                    return;
                }
            }
        }
    }

    /// After a value: only blanks to the end of the line (a comment bails).
    fn end_of_line(&mut self) -> Res<()> {
        self.skip_ws();
        match self.peek() {
            None => Ok(()),
            Some(b'\n') => {
                self.pos += 1;
                Ok(())
            }
            _ => Err(Bail),
        }
    }

    fn bare_key(&mut self) -> Res<&'de str> {
        let start = self.pos;
        while self.peek().is_some_and(is_bare) {
            self.pos += 1;
        }
        if self.pos == start {
            return Err(Bail);
        }
        Ok(&self.text[start..self.pos])
    }

    /// At the start of a non-blank line: the name of a `[[name]]` header, if it is one
    /// (the cursor stays put). Any other `[` line bails.
    fn header(&self) -> Res<Option<&'de str>> {
        let mut d = *self;
        d.skip_ws();
        if d.peek() != Some(b'[') {
            return Ok(None);
        }
        if !d.src[d.pos..].starts_with(b"[[") {
            return Err(Bail);
        }
        d.pos += 2;
        let name = d.bare_key()?;
        if !d.src[d.pos..].starts_with(b"]]") {
            return Err(Bail);
        }
        Ok(Some(name))
    }

    /// Consumes a `[[name]]` line.
    fn take_header(&mut self) -> Res<()> {
        self.skip_ws();
        self.pos += 2;
        self.bare_key()?;
        self.pos += 2;
        self.end_of_line()
    }

    /// `key =`, leaving the cursor at the value.
    fn key_line(&mut self) -> Res<&'de str> {
        self.skip_ws();
        let key = self.bare_key()?;
        self.skip_ws();
        if self.peek() != Some(b'=') {
            return Err(Bail);
        }
        self.pos += 1;
        self.skip_ws();
        Ok(key)
    }

    fn string(&mut self) -> Res<Cow<'de, str>> {
        let src = self.src;
        if src[self.pos..].starts_with(b"\"\"\"") {
            return self.multiline();
        }
        match src.get(self.pos) {
            Some(b'"') => {
                self.pos += 1;
                self.basic(false)
            }
            Some(b'\'') => {
                if src[self.pos..].starts_with(b"'''") {
                    return Err(Bail);
                }
                self.pos += 1;
                let start = self.pos;
                loop {
                    match self.peek() {
                        Some(b'\'') => break,
                        Some(b) if is_control(b) => return Err(Bail),
                        Some(_) => self.pos += 1,
                        None => return Err(Bail),
                    }
                }
                let s = &self.text[start..self.pos];
                self.pos += 1;
                Ok(Cow::Borrowed(s))
            }
            _ => Err(Bail),
        }
    }

    fn multiline(&mut self) -> Res<Cow<'de, str>> {
        self.pos += 3;
        if self.peek() == Some(b'\n') {
            self.pos += 1;
        }
        self.basic(true)
    }

    /// A basic string's body, after its opening quote(s), through its closing ones.
    fn basic(&mut self, multi: bool) -> Res<Cow<'de, str>> {
        let start = self.pos;
        let mut owned: Option<String> = None;
        // Start of the text not yet copied into `owned`.
        let mut plain = start;
        loop {
            let Some(b) = self.peek() else {
                return Err(Bail);
            };
            match b {
                b'"' => {
                    if !multi {
                        break;
                    }
                    let run = self.src[self.pos..]
                        .iter()
                        .take_while(|c| **c == b'"')
                        .count();
                    match run {
                        1 | 2 => self.pos += run,
                        3 => break,
                        // Quotes just inside the closing ones: rare, left to toml.
                        _ => return Err(Bail),
                    }
                }
                b'\\' => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.text[plain..self.pos]);
                    self.pos += 1;
                    let esc = self.peek().ok_or(Bail)?;
                    self.pos += 1;
                    let c = match esc {
                        b'b' => '\u{8}',
                        b't' => '\t',
                        b'n' => '\n',
                        b'f' => '\u{c}',
                        b'r' => '\r',
                        b'"' => '"',
                        b'\\' => '\\',
                        b'u' => self.unicode(4)?,
                        b'U' => self.unicode(8)?,
                        // Line-ending backslashes, \e, \x..: left to toml.
                        _ => return Err(Bail),
                    };
                    s.push(c);
                    plain = self.pos;
                }
                b'\n' if multi => self.pos += 1,
                b if is_control(b) => return Err(Bail),
                _ => self.pos += 1,
            }
        }
        let end = self.pos;
        self.pos += if multi { 3 } else { 1 };
        Ok(match owned {
            None => Cow::Borrowed(&self.text[start..end]),
            Some(mut s) => {
                s.push_str(&self.text[plain..end]);
                Cow::Owned(s)
            }
        })
    }

    fn unicode(&mut self, digits: usize) -> Res<char> {
        let hex = self.text.get(self.pos..self.pos + digits).ok_or(Bail)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Bail);
        }
        self.pos += digits;
        let n = u32::from_str_radix(hex, 16).map_err(|_| Bail)?;
        char::from_u32(n).ok_or(Bail)
    }

    fn digits(&self, at: usize, n: usize) -> bool {
        self.src
            .get(at..at + n)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    }

    /// A date-time or date written as svcdesk writes them (`2026-11-24T09:30:00+08:00`,
    /// fractions and `Z` too, `T` or a space between): its text, checked by the parser
    /// toml itself uses.
    fn datetime(&mut self) -> Res<Option<&'de str>> {
        let p = self.pos;
        let s = self.src;
        if !(self.digits(p, 4)
            && s.get(p + 4) == Some(&b'-')
            && self.digits(p + 5, 2)
            && s.get(p + 7) == Some(&b'-')
            && self.digits(p + 8, 2))
        {
            return Ok(None);
        }
        let mut end = p + 10;
        let time_follows = match s.get(end) {
            Some(b'T') => true,
            Some(b' ') => self.digits(end + 1, 2) && s.get(end + 3) == Some(&b':'),
            _ => false,
        };
        if time_follows {
            let t = end + 1;
            if !(self.digits(t, 2)
                && s.get(t + 2) == Some(&b':')
                && self.digits(t + 3, 2)
                && s.get(t + 5) == Some(&b':')
                && self.digits(t + 6, 2))
            {
                return Err(Bail);
            }
            end = t + 8;
            if s.get(end) == Some(&b'.') {
                let digits = s[end + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                if digits == 0 {
                    return Err(Bail);
                }
                end += 1 + digits;
            }
            match s.get(end) {
                Some(b'Z') => end += 1,
                Some(b'+' | b'-') => {
                    if !(self.digits(end + 1, 2)
                        && s.get(end + 3) == Some(&b':')
                        && self.digits(end + 4, 2))
                    {
                        return Err(Bail);
                    }
                    end += 6;
                }
                _ => {}
            }
        }
        let raw = &self.text[p..end];
        raw.parse::<toml::value::Datetime>().map_err(|_| Bail)?;
        self.pos = end;
        Ok(Some(raw))
    }

    /// A decimal integer without sign, underscores or leading zeros.
    fn integer(&mut self) -> Res<i64> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let digits = self.src[self.pos..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 || (digits > 1 && self.src[self.pos] == b'0') {
            return Err(Bail);
        }
        self.pos += digits;
        // `1.5`, `1e3`, `1_000`, `0x10`: not ours.
        if self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':'))
        {
            return Err(Bail);
        }
        self.text[start..self.pos].parse().map_err(|_| Bail)
    }

    fn word(&mut self, w: &str) -> bool {
        let after = self.pos + w.len();
        if self.src[self.pos..].starts_with(w.as_bytes())
            && !self.src.get(after).is_some_and(|b| is_bare(*b))
        {
            self.pos = after;
            true
        } else {
            false
        }
    }

    /// One value at the cursor, handed to `visitor`.
    fn value<V: Visitor<'de>>(&mut self, visitor: V) -> Res<V::Value> {
        match self.peek().ok_or(Bail)? {
            b'"' | b'\'' => match self.string()? {
                Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
                Cow::Owned(s) => visitor.visit_string(s),
            },
            b'[' => {
                self.pos += 1;
                let mut seq = Array {
                    doc: self,
                    first: true,
                    done: false,
                };
                let v = visitor.visit_seq(&mut seq)?;
                if !seq.done {
                    return Err(Bail);
                }
                Ok(v)
            }
            b't' if self.word("true") => visitor.visit_bool(true),
            b'f' if self.word("false") => visitor.visit_bool(false),
            b'0'..=b'9' | b'-' => match self.datetime()? {
                Some(raw) => visitor.visit_map(DatetimeAccess(Some(raw))),
                None => visitor.visit_i64(self.integer()?),
            },
            _ => Err(Bail),
        }
    }
}

/// Control characters toml refuses in strings (a tab is allowed).
fn is_control(b: u8) -> bool {
    (b < 0x20 && b != b'\t') || b == 0x7f
}

/// The document (`top`: its top-level keys, then each run of `[[name]]` tables as a
/// list) or one `[[name]]` table.
struct TableDe<'a, 'de> {
    doc: &'a mut Doc<'de>,
    top: bool,
}

impl<'de> de::Deserializer<'de> for TableDe<'_, 'de> {
    type Error = Bail;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Res<V::Value> {
        visitor.visit_map(Table {
            doc: self.doc,
            top: self.top,
            seen: Vec::new(),
            list: None,
        })
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// The keys of the document (`top`) or of one `[[name]]` table.
struct Table<'a, 'de> {
    doc: &'a mut Doc<'de>,
    top: bool,
    /// Keys given so far: toml refuses a key given twice.
    seen: Vec<&'de str>,
    /// The `[[name]]` list whose key was just handed out.
    list: Option<&'de str>,
}

impl<'de> MapAccess<'de> for Table<'_, 'de> {
    type Error = Bail;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Res<Option<K::Value>> {
        self.doc.skip_blank_lines();
        if self.doc.peek().is_none() {
            return Ok(None);
        }
        let key = match self.doc.header()? {
            Some(_) if !self.top => return Ok(None),
            Some(name) => {
                self.list = Some(name);
                name
            }
            None => self.doc.key_line()?,
        };
        if self.seen.contains(&key) {
            return Err(Bail);
        }
        self.seen.push(key);
        seed.deserialize(BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Res<V::Value> {
        match self.list.take() {
            Some(name) => seed.deserialize(List {
                doc: self.doc,
                name,
            }),
            None => seed.deserialize(Value {
                doc: self.doc,
                line: true,
            }),
        }
    }
}

/// A run of `[[name]]` tables.
struct List<'a, 'de> {
    doc: &'a mut Doc<'de>,
    name: &'de str,
}

impl<'de> de::Deserializer<'de> for List<'_, 'de> {
    type Error = Bail;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Res<V::Value> {
        let mut seq = Tables {
            doc: self.doc,
            name: self.name,
        };
        let v = visitor.visit_seq(&mut seq)?;
        // Every table of the run was taken: the next thing is another list or the end.
        seq.doc.skip_blank_lines();
        if seq.doc.header()? == Some(self.name) {
            return Err(Bail);
        }
        Ok(v)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct Tables<'a, 'de> {
    doc: &'a mut Doc<'de>,
    name: &'de str,
}

impl<'de> SeqAccess<'de> for Tables<'_, 'de> {
    type Error = Bail;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Res<Option<T::Value>> {
        self.doc.skip_blank_lines();
        if self.doc.header()? != Some(self.name) {
            return Ok(None);
        }
        self.doc.take_header()?;
        let v = seed.deserialize(TableDe {
            doc: &mut *self.doc,
            top: false,
        })?;
        // The table's visitor took every key: what follows is a header or the end.
        self.doc.skip_blank_lines();
        if self.doc.peek().is_some() && self.doc.header()?.is_none() {
            return Err(Bail);
        }
        Ok(Some(v))
    }
}

/// One value; `line`: the rest of its line must be blank.
struct Value<'a, 'de> {
    doc: &'a mut Doc<'de>,
    line: bool,
}

impl<'de> Value<'_, 'de> {
    fn finish<T>(self, v: T) -> Res<T> {
        if self.line {
            self.doc.end_of_line()?;
        }
        Ok(v)
    }
}

impl<'de> de::Deserializer<'de> for Value<'_, 'de> {
    type Error = Bail;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Res<V::Value> {
        let v = self.doc.value(visitor)?;
        self.finish(v)
    }

    // A key that is there is a value that is there (as toml has it).
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Res<V::Value> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Res<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Res<V::Value> {
        if !matches!(self.doc.peek(), Some(b'"' | b'\'')) {
            return Err(Bail);
        }
        let v = match self.doc.string()? {
            Cow::Borrowed(s) => visitor.visit_enum(BorrowedStrDeserializer::new(s))?,
            Cow::Owned(s) => visitor.visit_enum(StringDeserializer::new(s))?,
        };
        self.finish(v)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

/// The elements of a one-line array, after its `[`.
struct Array<'a, 'de> {
    doc: &'a mut Doc<'de>,
    first: bool,
    done: bool,
}

impl<'de> SeqAccess<'de> for Array<'_, 'de> {
    type Error = Bail;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Res<Option<T::Value>> {
        let doc = &mut *self.doc;
        doc.skip_ws();
        if !self.first {
            match doc.peek() {
                Some(b',') => {
                    doc.pos += 1;
                    doc.skip_ws();
                }
                Some(b']') => {}
                _ => return Err(Bail),
            }
        }
        if doc.peek() == Some(b']') {
            doc.pos += 1;
            self.done = true;
            return Ok(None);
        }
        self.first = false;
        if doc.src[doc.pos..].starts_with(b"\"\"\"") {
            return Err(Bail);
        }
        seed.deserialize(Value { doc, line: false }).map(Some)
    }
}

/// A date-time as toml hands one to serde: a one-key map its `Datetime` recognizes.
struct DatetimeAccess<'de>(Option<&'de str>);

impl<'de> MapAccess<'de> for DatetimeAccess<'de> {
    type Error = Bail;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Res<Option<K::Value>> {
        if self.0.is_none() {
            return Ok(None);
        }
        seed.deserialize(BorrowedStrDeserializer::new("$__toml_private_datetime"))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Res<V::Value> {
        let raw = self.0.take().ok_or(Bail)?;
        seed.deserialize(BorrowedStrDeserializer::new(raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    /// Whatever the fast path accepts reads as toml reads it, as a generic value.
    fn same(text: &str) -> bool {
        let slow: std::result::Result<toml::Table, _> = toml::from_str(text);
        match from_str::<toml::Table>(text) {
            Ok(fast) => {
                assert_eq!(Ok(&fast), slow.as_ref().map_err(|_| ()), "{text:?}");
                true
            }
            Err(Bail) => false,
        }
    }

    #[test]
    fn the_subset_reads_as_toml_reads_it() {
        for text in [
            "a = 1\nb = \"x\"\n",
            "a = -12\nb = 0\nc = true\nd = false\n",
            "s = \"tab\\there \\\"q\\\" \\u00e9\\U0001F600 \\\\\"\n",
            "s = 'lit\\eral'\n",
            "s = \"\"\"\nline one\nline \"two\" \"\"end\"\"\"\n",
            "s = \"\"\"no newline first\"\"\"",
            "t = 2026-11-24T09:30:00+08:00\nu = 2026-11-24 09:30:00.120Z\nd = 2026-11-24\n",
            "l = 2026-11-24T09:30:00\n",
            "a = []\nb = [\"x\", 'y' , 3,]\nc = [ 1 ]\n",
            "  x = 1  \n\n\t\ny\t=\t\"z\"",
            "id = 1\n\n[[event]]\nat = 1\n\n[[event]]\nat = 2\n[[other]]\nz = []\n",
        ] {
            assert!(same(text), "{text:?} should be in the subset");
        }
    }

    #[test]
    fn anything_else_is_left_to_toml() {
        for text in [
            "a = 1 # note\n",
            "# note\na = 1\n",
            "a = 01\n",
            "a = 1_000\n",
            "a = 1.5\n",
            "a = +1\n",
            "a = 0x10\n",
            "a = 1\na = 2\n",
            "a.b = 1\n",
            "\"a\" = 1\n",
            "[t]\na = 1\n",
            "a = {b = 1}\n",
            "a = [\n1]\n",
            "a = \"\\e\"\n",
            "a = \"x\ny\"\n",
            "a = \"\"\"x\\\n  y\"\"\"\n",
            "a = 1\r\n",
            "a = 2026-13-01\n",
            "a = 2026-11-24T09:30+08:00\n",
            "a = tru\n",
            "a = \"x\" y\n",
            "a = \"unterminated\n",
            "[[e]]\nx = 1\n[[f]]\ny = 1\n[[e]]\nx = 2\n",
            "a = \"\u{1}\"\n",
        ] {
            assert!(!same(text), "{text:?} should bail");
        }
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Rec {
        id: String,
        n: Option<u8>,
        #[serde(default)]
        tags: Vec<String>,
        #[serde(default)]
        event: Vec<BTreeMap<String, String>>,
    }

    #[test]
    fn typed_reads_match_and_type_errors_bail() {
        let text = "id = \"T1\"\nn = 5\ntags = [\"a\"]\n\n[[event]]\nby = \"li\"\n";
        let fast: Rec = from_str(text).unwrap();
        assert_eq!(fast, toml::from_str::<Rec>(text).unwrap());
        for bad in [
            "id = \"T1\"\nn = 300\n",
            "id = 1\n",
            "id = \"T1\"\nzz = 1\n",
            "n = 1\n",
        ] {
            assert!(from_str::<Rec>(bad).is_err(), "{bad:?}");
            assert!(toml::from_str::<Rec>(bad).is_err(), "{bad:?}");
        }
    }
}
