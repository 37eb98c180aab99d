//! Which records `customer list` and `measure list` show, in what order: the filters
//! and sort keys as data, applied to the records loaded.

use chrono::NaiveDate;

use super::customer::Customer;
use super::measure::{self, Measure, MeasureKind};

/// Which customers a listing keeps; every given filter must match.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Occurs (case-insensitively) in a text field or tag.
    pub text: Option<String>,
    /// Equal, ASCII case aside.
    pub industry: Option<String>,
    /// Equal, ASCII case aside.
    pub source: Option<String>,
    /// All of them carried.
    pub tags: Vec<String>,
    /// Custom fields: every `NAME=VALUE` equal (see `config::fields::matches`).
    pub fields: Vec<(String, String)>,
}

impl Filter {
    pub fn matches(&self, c: &Customer) -> bool {
        let eq = |v: Option<&str>, want: &str| {
            v.is_some_and(|v| v.eq_ignore_ascii_case(want) || v == want)
        };
        self.text.as_deref().is_none_or(|t| c.mentions(t))
            && self
                .industry
                .as_deref()
                .is_none_or(|i| eq(c.industry.as_deref(), i))
            && self
                .source
                .as_deref()
                .is_none_or(|s| eq(c.source.as_deref(), s))
            && self.tags.iter().all(|t| c.tags.contains(t))
            && crate::config::fields::matches(&c.fields, &self.fields)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Id,
    Name,
    Created,
    Industry,
    Source,
}

/// The customers of `all` (in ID order) that `filter` keeps, sorted by `sort`; ties keep
/// ID order, so the listing is the same every time.
pub fn list(mut all: Vec<Customer>, filter: &Filter, sort: Sort, reverse: bool) -> Vec<Customer> {
    all.retain(|c| filter.matches(c));
    match sort {
        Sort::Id => {}
        Sort::Name => all.sort_by(|x, y| x.name.cmp(&y.name)),
        Sort::Created => all.sort_by_key(|c| c.created),
        Sort::Industry => all.sort_by(|x, y| x.industry.cmp(&y.industry)),
        Sort::Source => all.sort_by(|x, y| x.source.cmp(&y.source)),
    }
    if reverse {
        all.reverse();
    }
    all
}

/// Which measures a listing keeps; every given filter must match.
#[derive(Debug, Clone, Default)]
pub struct MeasureFilter {
    /// Not done.
    pub open: bool,
    /// Not done and past the due day.
    pub overdue: bool,
    pub owner: Option<String>,
    pub kind: Option<MeasureKind>,
}

/// The measures of `all` that `filter` keeps as of `today` (desk time), by due date.
pub fn measures(mut all: Vec<Measure>, filter: &MeasureFilter, today: NaiveDate) -> Vec<Measure> {
    all.retain(|m| {
        (!filter.open || m.is_open())
            && (!filter.overdue || m.is_overdue(today))
            && filter.owner.as_deref().is_none_or(|o| m.owner == o.trim())
            && filter.kind.is_none_or(|k| m.kind == k)
    });
    measure::sort_by_due(&mut all);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer(id: &str, name: &str, industry: &str, tags: &[&str]) -> Customer {
        toml::from_str(&format!(
            "schema = 1\nid = \"{id}\"\nname = \"{name}\"\nindustry = \"{industry}\"\n\
             tags = {tags:?}\ncreated = 2026-11-24T09:00:00+08:00\ncreated_by = \"li\"\n"
        ))
        .unwrap()
    }

    #[test]
    fn customer_filters_all_match_and_ties_keep_id_order() {
        let all = vec![
            customer("C1", "b", "Manufacturing", &["vip"]),
            customer("C2", "a", "retail", &["vip", "east"]),
            customer("C3", "a", "manufacturing", &[]),
        ];
        let ids = |v: Vec<Customer>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
        let by_industry = Filter {
            industry: Some("MANUFACTURING".into()),
            ..Filter::default()
        };
        assert_eq!(
            ids(list(all.clone(), &by_industry, Sort::Id, false)),
            ["C1", "C3"]
        );
        let tagged = Filter {
            tags: vec!["vip".into(), "east".into()],
            ..Filter::default()
        };
        assert_eq!(ids(list(all.clone(), &tagged, Sort::Id, false)), ["C2"]);
        assert_eq!(
            ids(list(all.clone(), &Filter::default(), Sort::Name, false)),
            ["C2", "C3", "C1"]
        );
        assert_eq!(
            ids(list(all, &Filter::default(), Sort::Id, true)),
            ["C3", "C2", "C1"]
        );
    }
}
