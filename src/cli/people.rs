//! Tables for people in the desk's language ([`svcdesk::i18n`]): headings, vocabulary
//! cells, SLA words and units, and in Chinese the config's display names of categories,
//! departments and staff (ids stay ids in English, in JSON and in CSV cells). One place
//! decides how a column's cells read, so every table says a word the same way.

use svcdesk::desk::Desk;
use svcdesk::i18n::{self, Lang};
use svcdesk::model::{measure, report};
use svcdesk::output::{Rows, sheet};
use svcdesk::vocab::{Channel, CompKind, CompState, ComplaintKind, Grade, Priority, State, Word};

/// How one desk's tables read in one language.
#[derive(Clone, Copy)]
pub struct People<'a> {
    pub lang: Lang,
    desk: &'a Desk,
}

fn as_word<W: Word>(lang: Lang, v: &str) -> Option<String> {
    W::all()
        .iter()
        .find(|w| w.as_str() == v)
        .map(|&w| i18n::word(lang, w))
}

impl<'a> People<'a> {
    pub fn new(lang: Lang, desk: &'a Desk) -> People<'a> {
        People { lang, desk }
    }

    /// A fault cause code of `[causes]` with its name (`mechanical (机械)`); the code
    /// alone when the desk does not name it.
    pub fn cause(&self, code: &str) -> String {
        match self.desk.config.causes.get(code) {
            Some(name) if name != code => format!("{code} ({name})"),
            _ => code.to_string(),
        }
    }

    pub fn zh(&self) -> bool {
        self.lang == Lang::Zh
    }

    /// A message of the locale files.
    pub fn tr(&self, key: &str) -> String {
        i18n::tr(self.lang, key)
    }

    /// A field label of `show` (`complaint kind`, `referred_by`): English as given, else
    /// the message `label-<label>` (spaces and `_` as `-`).
    pub fn label(&self, en: &str) -> String {
        match self.lang {
            Lang::En => en.to_string(),
            _ => i18n::get(
                self.lang,
                &format!("label-{}", en.replace([' ', '_'], "-")),
                &[],
            )
            .unwrap_or_else(|| en.to_string()),
        }
    }

    /// A staff member's name in Chinese tables; the id otherwise or when unknown.
    pub fn staff(&self, id: &str) -> String {
        if !self.zh() {
            return id.to_string();
        }
        let c = &self.desk.config;
        c.staff
            .iter()
            .find(|s| s.id == id)
            .map_or_else(|| id.to_string(), |s| s.name.clone())
    }

    /// A category's or department's display name in Chinese tables, else the id.
    pub fn category(&self, id: &str) -> String {
        let c = &self.desk.config;
        match c.categories.get(id) {
            Some(cat) if self.zh() => cat.name.clone(),
            _ => id.to_string(),
        }
    }

    pub fn department(&self, id: &str) -> String {
        let c = &self.desk.config;
        match c.departments.get(id) {
            Some(d) if self.zh() => d.name.clone(),
            _ => id.to_string(),
        }
    }

    /// A `channel:NAME`, `category:NAME` or `department:NAME` target key in words:
    /// `渠道:书面`, `类别:产品质量问题 Product quality`.
    fn keyed_basis(&self, v: &str) -> Option<String> {
        let (kind, name) = v.split_once(':')?;
        let name = match kind {
            "channel" => as_word::<Channel>(self.lang, name)?,
            "category" => self.category(name),
            "department" => self.department(name),
            _ => return None,
        };
        Some(format!("{}:{name}", self.label(kind)))
    }

    /// An SLA timer's name (`resolve` → 解决).
    pub fn timer(&self, t: &str) -> String {
        match self.lang {
            Lang::En => t.to_string(),
            _ => i18n::get(self.lang, &format!("timer-{t}"), &[]).unwrap_or_else(|| t.to_string()),
        }
    }

    /// A state word of any kind: a ticket's, an SLA run's, a visit's outcome.
    pub fn state(&self, v: &str) -> String {
        if !self.zh() {
            return v.to_string();
        }
        as_word::<State>(self.lang, v)
            .or_else(|| i18n::get(self.lang, &format!("sla-{}", v.replace('/', "-")), &[]))
            .or_else(|| as_word::<report::Outcome>(self.lang, v))
            .or_else(|| as_word::<measure::State>(self.lang, v))
            .or_else(|| as_word::<svcdesk::model::schedule::State>(self.lang, v))
            .unwrap_or_else(|| v.to_string())
    }

    /// One cell of column `column` for people.
    pub fn cell(&self, column: &str, v: &str) -> String {
        if !self.zh() || v.is_empty() || v == "-" {
            return v.to_string();
        }
        let l = self.lang;
        let word = match column {
            "state" | "sla_state" | "outcome" | "state_at_month_end" => Some(self.state(v)),
            "grade" => as_word::<Grade>(l, v),
            "priority" | "pri" => as_word::<Priority>(l, v),
            "channel" => as_word::<Channel>(l, v),
            "complaint_kind" => as_word::<ComplaintKind>(l, v),
            "compensation" => as_word::<CompState>(l, v),
            "compensation_kind" => as_word::<CompKind>(l, v),
            "verdict" | "legal_review" => as_word::<svcdesk::model::ticket::Verdict>(l, v),
            "service_type" | "type" => as_word::<report::ServiceType>(l, v),
            "kind" => as_word::<measure::MeasureKind>(l, v),
            "basis" => as_word::<Grade>(l, v)
                .or_else(|| as_word::<Priority>(l, v))
                .or_else(|| i18n::get(l, &format!("sla-basis-{v}"), &[]))
                .or_else(|| self.keyed_basis(v)),
            "timer" | "sla_timer" => Some(self.timer(v)),
            "target" | "remaining" | "sla_remaining" => Some(i18n::units(l, v)),
            "remaining_unit" | "sla_remaining_unit" => i18n::get(l, &format!("sla-unit-{v}"), &[]),
            // A ledger's `sla_<timer>`: each run's outcome, `; `-separated.
            c if c.starts_with("sla_") && !c.ends_with("_pct") => Some(
                v.split("; ")
                    .map(|x| self.state(x))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            "category" => Some(self.category(v)),
            "department" => Some(self.department(v)),
            "assignee" | "engineer" | "by" | "owner" => Some(self.staff(v)),
            _ => None,
        };
        let word = word.unwrap_or_else(|| v.to_string());
        match v {
            "total" => self.tr("total"),
            _ => word,
        }
    }

    /// `show`'s label: value lines ([`svcdesk::output::fields`]) with the labels in the
    /// language (`label-<label>`, `_` and spaces as `-`).
    pub fn fields(&self, pairs: &[(&str, String)]) -> String {
        let labels: Vec<String> = pairs.iter().map(|(k, _)| self.label(k)).collect();
        let pairs: Vec<(&str, String)> = labels
            .iter()
            .zip(pairs)
            .map(|(l, (_, v))| (l.as_str(), v.clone()))
            .collect();
        svcdesk::output::fields(&pairs)
    }

    /// A table column's heading: `col-<column>` of the locale, else the paper forms' name
    /// ([`sheet::zh`]), else the column name.
    pub fn heading(&self, column: &str) -> &'static str {
        let key = format!("col-{}", column.replace('_', "-"));
        if self.lang == Lang::En || i18n::has(self.lang, &key) {
            return sheet::intern(&i18n::column(self.lang, column));
        }
        let forms = [
            &sheet::zh::TICKETS[..],
            &sheet::zh::SERVICE,
            &sheet::zh::STATS,
        ];
        let name = forms
            .iter()
            .map(|t| sheet::zh::name(t, column))
            .find(|n| n != column)
            .unwrap_or_else(|| column.to_string());
        sheet::intern(&name)
    }

    /// Every cell of `rows` as [`People::cell`] says; headings unchanged.
    pub fn cells(&self, mut rows: Rows) -> Rows {
        if self.zh() {
            for r in &mut rows.rows {
                for (c, v) in rows.columns.iter().zip(r.iter_mut()) {
                    *v = self.cell(c, v);
                }
            }
        }
        rows
    }

    /// `rows` for people: headings and every cell as [`People::cell`] says.
    pub fn table(&self, rows: Rows) -> Rows {
        if !self.zh() {
            return rows;
        }
        let mut rows = self.cells(rows);
        rows.columns = rows.columns.iter().map(|c| self.heading(c)).collect();
        rows
    }
}
