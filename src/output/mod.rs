//! Rendering rows for people (tables sized to the terminal, CJK-aware) and for scripts
//! (CSV with a fixed header, JSON). Pure: returns strings, never prints.

use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;

pub mod sheet;

/// Rows of strings under fixed column names: the common shape of every listing.
/// Every cell is text (as CSV and tables show it); the columns named in `numeric` hold
/// numbers svcdesk wrote itself (counts, hours, scores, amounts) or nothing, and JSON
/// gives them as numbers (null when empty). Which columns are numeric is declared by the
/// code that builds the rows, never guessed from a cell: an ID or a phone number that
/// looks like a number stays text.
#[derive(Debug, Clone)]
pub struct Rows {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    pub numeric: Vec<&'static str>,
}

impl Rows {
    pub fn new(columns: Vec<&'static str>) -> Rows {
        Rows {
            columns,
            rows: Vec::new(),
            numeric: Vec::new(),
        }
    }

    /// Marks the named columns as numeric (see [`Rows`]); names not among the columns
    /// are ignored, so a selection of columns can keep the full list.
    pub fn numeric(mut self, columns: &[&'static str]) -> Rows {
        self.numeric.extend_from_slice(columns);
        self
    }

    /// The named columns, in the order given, with their numeric marks.
    pub fn select(&self, columns: &[&'static str]) -> Rows {
        let idx: Vec<usize> = columns
            .iter()
            .filter_map(|c| self.columns.iter().position(|k| k == c))
            .collect();
        let mut out = Rows::new(idx.iter().map(|&i| self.columns[i]).collect());
        out.numeric = self.numeric.clone();
        for r in &self.rows {
            out.push(idx.iter().map(|&i| r[i].clone()).collect());
        }
        out
    }

    pub fn push(&mut self, row: Vec<String>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    /// A table for a terminal; `width` None means "ask the terminal", Some(w) fixes it.
    pub fn to_table(&self, width: Option<u16>) -> String {
        let mut t = Table::new();
        t.load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(self.columns.iter().copied());
        if let Some(w) = width {
            t.set_width(w);
        }
        for r in &self.rows {
            t.add_row(r.iter().map(String::as_str));
        }
        let mut s = t.to_string();
        s.push('\n');
        s
    }

    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&self.columns).expect("writing to memory");
        for r in &self.rows {
            w.write_record(r).expect("writing to memory");
        }
        String::from_utf8(w.into_inner().expect("writing to memory"))
            .expect("CSV of UTF-8 is UTF-8")
    }

    /// Objects keyed by column name, for listings that have no richer record to show:
    /// numeric columns as numbers (null when empty), the rest as strings.
    pub fn to_json(&self) -> String {
        let objs: Vec<serde_json::Map<String, serde_json::Value>> = self
            .rows
            .iter()
            .map(|r| {
                self.columns
                    .iter()
                    .zip(r)
                    .map(|(k, v)| (k.to_string(), self.cell_json(k, v)))
                    .collect()
            })
            .collect();
        json(&objs)
    }

    fn cell_json(&self, column: &str, v: &str) -> serde_json::Value {
        use serde_json::Value;
        if !self.numeric.contains(&column) {
            return Value::String(v.to_string());
        }
        if v.is_empty() {
            return Value::Null;
        }
        // A numeric column holds what svcdesk formatted; should a cell ever not read as
        // a number, it is kept as written rather than lost.
        match serde_json::from_str::<serde_json::Number>(v.trim()) {
            Ok(n) => Value::Number(n),
            Err(_) => {
                debug_assert!(false, "column {column} is numeric but holds {v:?}");
                Value::String(v.to_string())
            }
        }
    }
}

pub fn json<T: Serialize + ?Sized>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("records serialize to JSON");
    s.push('\n');
    s
}

/// [`json`] of an array whose items were each written by `serde_json::to_string_pretty`
/// on their own (on all cores, kept as text instead of as records): the same bytes.
pub fn json_array<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut s = String::from("[");
    let mut empty = true;
    for item in items {
        s.push_str(if empty { "\n" } else { ",\n" });
        empty = false;
        // One level deeper: JSON text has no raw newline inside a string.
        for (i, line) in item.split('\n').enumerate() {
            if i > 0 {
                s.push('\n');
            }
            s.push_str("  ");
            s.push_str(line);
        }
    }
    s.push_str(if empty { "]\n" } else { "\n]\n" });
    s
}

/// `key  value` lines aligned on display width (CJK characters count as two columns).
pub fn fields(pairs: &[(&str, String)]) -> String {
    use unicode_width::UnicodeWidthStr;
    let w = pairs.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
    let mut s = String::new();
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        let pad = w - k.width();
        let v = v.replace('\n', &format!("\n{}", " ".repeat(w + 2)));
        s.push_str(&format!("{k}{}  {v}\n", " ".repeat(pad)));
    }
    s
}

/// The field names of a struct as serde reads them, in declaration order: column lists
/// derived from a record type cannot fall behind it. Serde's derived `Deserialize`
/// hands its field list to `deserialize_struct`; this deserializer keeps it and stops.
pub fn field_names<'de, T: serde::Deserialize<'de>>() -> &'static [&'static str] {
    use serde::de::{self, Visitor};
    struct Names(Option<&'static [&'static str]>);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("field names read")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> de::Deserializer<'de> for &mut Names {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0 = Some(fields);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut names = Names(None);
    let _ = T::deserialize(&mut names);
    names.0.unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_array_of_pretty_items_is_the_pretty_array() {
        let items = [
            serde_json::json!({"id": "T1", "tags": [], "event": [{"at": "x\ny", "n": 1}]}),
            serde_json::json!({"sla": {}, "nested": {"a": [1, [2, {}]]}}),
            serde_json::json!("plain"),
        ];
        for n in 0..=items.len() {
            let texts: Vec<String> = items[..n]
                .iter()
                .map(|v| serde_json::to_string_pretty(v).unwrap())
                .collect();
            assert_eq!(
                json_array(texts.iter().map(String::as_str)),
                json(&items[..n])
            );
        }
    }

    #[test]
    fn csv_quotes_and_keeps_order() {
        let mut r = Rows::new(vec!["id", "name"]);
        r.push(vec!["C1".into(), "王, \"五\"".into()]);
        assert_eq!(r.to_csv(), "id,name\nC1,\"王, \"\"五\"\"\"\n");
    }

    #[test]
    fn json_numbers_only_in_numeric_columns() {
        let mut r = Rows::new(vec!["id", "phone", "open", "hours"]).numeric(&["open", "hours"]);
        r.push(vec![
            "7".into(),
            "13900002222".into(),
            "3".into(),
            "1.50".into(),
        ]);
        r.push(vec!["8".into(), String::new(), "0".into(), String::new()]);
        let v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
        assert_eq!(
            v,
            serde_json::json!([
                {"id": "7", "phone": "13900002222", "open": 3, "hours": 1.5},
                {"id": "8", "phone": "", "open": 0, "hours": null},
            ])
        );
        assert_eq!(
            r.to_csv(),
            "id,phone,open,hours\n7,13900002222,3,1.50\n8,,0,\n"
        );
    }

    #[test]
    fn field_names_follow_the_struct() {
        #[derive(serde::Deserialize)]
        #[allow(dead_code)]
        struct R {
            id: String,
            #[serde(rename = "type")]
            kind: Option<u8>,
            #[serde(default)]
            tags: Vec<String>,
        }
        assert_eq!(field_names::<R>(), ["id", "type", "tags"]);
    }

    #[test]
    fn fields_align_cjk() {
        let s = fields(&[
            ("名称", "a".into()),
            ("id", "b".into()),
            ("x", String::new()),
        ]);
        assert_eq!(s, "名称  a\nid    b\n");
    }
}
