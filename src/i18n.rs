//! The language svcdesk speaks to people: English or Chinese (`lang = "zh"` in
//! svcdesk.toml, `--lang`, `SVCDESK_LANG`). The words are Fluent messages in
//! `locales/en.ftl` and `locales/zh.ftl`, built into the binary; the unit tests fail when
//! a key is in one file and not the other, or when a word of any vocabulary (the
//! `vocab!` lists) has no translation.
//!
//! What is stored, and what scripts read (JSON, CSV cells), keeps the ids: only text
//! made for people goes through here.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use serde::{Deserialize, Serialize};

use crate::vocab::Word;

/// The language of what svcdesk writes for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English: vocabulary words as they are stored (`in-progress`), column names.
    #[default]
    En,
    /// Chinese (简体中文): the paper forms' names and Chinese words for every vocabulary.
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        Lang::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s.trim()))
    }

    pub fn is_en(&self) -> bool {
        *self == Lang::En
    }

    /// The language a desk in time zone `tz` (an IANA name) most likely speaks: Chinese
    /// for the time zones of mainland China, Hong Kong, Macau and Taiwan.
    pub fn for_time_zone(tz: &str) -> Lang {
        const ZH: [&str; 9] = [
            "Asia/Shanghai",
            "Asia/Chongqing",
            "Asia/Chungking",
            "Asia/Harbin",
            "Asia/Urumqi",
            "Asia/Kashgar",
            "Asia/Hong_Kong",
            "Asia/Macau",
            "Asia/Taipei",
        ];
        if ZH.contains(&tz) || matches!(tz, "PRC" | "ROC" | "Hongkong") {
            Lang::Zh
        } else {
            Lang::En
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

const SOURCES: [(Lang, &str, &str); 2] = [
    (Lang::En, "en", include_str!("../locales/en.ftl")),
    (Lang::Zh, "zh", include_str!("../locales/zh.ftl")),
];

fn bundle(lang: Lang) -> &'static FluentBundle<FluentResource> {
    static BUNDLES: OnceLock<Vec<FluentBundle<FluentResource>>> = OnceLock::new();
    let all = BUNDLES.get_or_init(|| {
        SOURCES
            .iter()
            .map(|(_, id, src)| {
                let langid: unic_langid::LanguageIdentifier =
                    id.parse().expect("a valid language id");
                let mut b = FluentBundle::new_concurrent(vec![langid]);
                // No Unicode isolation marks around arguments: terminals and CSV show them.
                b.set_use_isolating(false);
                let res = FluentResource::try_new(src.to_string())
                    .unwrap_or_else(|(_, errs)| panic!("locales/{id}.ftl: {errs:?}"));
                b.add_resource(res)
                    .unwrap_or_else(|errs| panic!("locales/{id}.ftl: {errs:?}"));
                b
            })
            .collect()
    });
    let i = SOURCES.iter().position(|(l, _, _)| *l == lang).unwrap_or(0);
    &all[i]
}

/// Whether `lang` has a message `key`.
pub fn has(lang: Lang, key: &str) -> bool {
    bundle(lang).has_message(key)
}

/// The message `key` in `lang`, or None when there is none.
pub fn get(lang: Lang, key: &str, args: &[(&str, &str)]) -> Option<String> {
    let b = bundle(lang);
    let pattern = b.get_message(key)?.value()?;
    let mut fargs = FluentArgs::new();
    for (k, v) in args {
        fargs.set(*k, v.to_string());
    }
    let mut errors = Vec::new();
    let text = b.format_pattern(pattern, (!args.is_empty()).then_some(&fargs), &mut errors);
    Some(text.into_owned())
}

/// The message `key` in `lang`; the key itself when there is none (the tests make sure
/// every key svcdesk asks for is there).
pub fn tr(lang: Lang, key: &str) -> String {
    get(lang, key, &[]).unwrap_or_else(|| key.to_string())
}

/// The message `key` in `lang` with `{ $name }` arguments.
pub fn tr_args(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    get(lang, key, args).unwrap_or_else(|| key.to_string())
}

/// The message key of a vocabulary word: `<module>-<vocabulary>-<word>`, e.g.
/// `vocab-state-in-progress`, `report-outcome-follow-up`.
pub fn word_key<W: Word>(w: W) -> String {
    let mut path = W::vocabulary().rsplit("::");
    let name = path.next().unwrap_or_default();
    let module = path.next().unwrap_or_default();
    let mut kebab = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            kebab.push('-');
        }
        kebab.push(c.to_ascii_lowercase());
    }
    format!("{module}-{kebab}-{}", w.as_str())
}

/// A vocabulary word for people: in English as stored (`in-progress`), in Chinese its
/// translation (处理中).
pub fn word<W: Word>(lang: Lang, w: W) -> String {
    match lang {
        Lang::En => w.as_str().to_string(),
        Lang::Zh => get(lang, &word_key(w), &[]).unwrap_or_else(|| w.as_str().to_string()),
    }
}

/// An optional vocabulary word for people; empty when None.
pub fn word_or_empty<W: Word>(lang: Lang, w: Option<W>) -> String {
    w.map(|w| word(lang, w)).unwrap_or_default()
}

/// A table column's heading: in English the column name (`opened`), in Chinese the
/// message `col-<name>` (`_` as `-`), or the name when there is none.
pub fn column(lang: Lang, name: &str) -> String {
    match lang {
        Lang::En => name.to_string(),
        Lang::Zh => get(lang, &format!("col-{}", name.replace('_', "-")), &[])
            .unwrap_or_else(|| name.to_string()),
    }
}

/// A length written with svcdesk's unit letters (`1d 2h 05m`, `19bh 30bm`, `3wd`,
/// `-45m`) in `lang`: English as it is, Chinese with Chinese units (1天2小时05分,
/// 19工作小时30工作分, 3工作日). Text that is not such a length is returned as it is.
pub fn units(lang: Lang, text: &str) -> String {
    if lang == Lang::En {
        return text.to_string();
    }
    let (sign, body) = match text.strip_prefix('-') {
        Some(b) => ("-", b),
        None => ("", text),
    };
    let mut out = String::from(sign);
    for token in body.split(' ') {
        let digits = token.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let unit = &token[digits.len()..];
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return text.to_string();
        }
        let zh = match unit {
            "d" => "天",
            "h" => "小时",
            "m" => "分",
            "wd" => "工作日",
            "bh" => "工作小时",
            "bm" => "工作分",
            "w" => "周",
            _ => return text.to_string(),
        };
        out.push_str(digits);
        out.push_str(zh);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(src: &str) -> BTreeSet<String> {
        src.lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
            .filter_map(|l| l.split_once('='))
            .map(|(k, _)| k.trim().to_string())
            .collect()
    }

    #[test]
    fn every_key_is_in_every_locale() {
        let en = keys(SOURCES[0].2);
        let zh = keys(SOURCES[1].2);
        assert!(en.len() > 100, "read {} keys", en.len());
        let only_en: Vec<_> = en.difference(&zh).collect();
        let only_zh: Vec<_> = zh.difference(&en).collect();
        assert!(only_en.is_empty(), "in en.ftl, not in zh.ftl: {only_en:?}");
        assert!(only_zh.is_empty(), "in zh.ftl, not in en.ftl: {only_zh:?}");
        for (lang, id, _) in SOURCES {
            for k in &en {
                assert!(has(lang, k), "{id}.ftl: {k} does not parse as a message");
            }
        }
    }

    fn check_words<W: Word>(seen: &mut BTreeSet<&'static str>) {
        seen.insert(W::vocabulary().rsplit("::").next().unwrap());
        for &w in W::all() {
            let key = word_key(w);
            for lang in Lang::ALL {
                assert!(has(lang, &key), "{lang}: no translation of {key}");
            }
            assert_eq!(
                tr(Lang::En, &key),
                w.as_str(),
                "en.ftl spells {key} as stored"
            );
            let zh = word(Lang::Zh, w);
            assert!(!zh.is_ascii() || zh.starts_with("SLA"), "{key} = {zh}");
        }
    }

    /// Every vocabulary: the list below, and a scan of the sources for `vocab!(` so
    /// that a new vocabulary cannot be left out of the list.
    #[test]
    fn every_vocabulary_word_has_a_translation() {
        let mut seen = BTreeSet::new();
        {
            use crate::vocab::*;
            check_words::<State>(&mut seen);
            check_words::<Grade>(&mut seen);
            check_words::<Priority>(&mut seen);
            check_words::<Channel>(&mut seen);
            check_words::<ComplaintKind>(&mut seen);
            check_words::<Action>(&mut seen);
            check_words::<LinkKind>(&mut seen);
            check_words::<CompKind>(&mut seen);
            check_words::<CompState>(&mut seen);
            check_words::<Visibility>(&mut seen);
            check_words::<Verdict>(&mut seen);
            check_words::<NotifyLevel>(&mut seen);
            check_words::<WaitThen>(&mut seen);
        }
        {
            use crate::model::measure;
            check_words::<measure::MeasureKind>(&mut seen);
            check_words::<measure::State>(&mut seen);
            check_words::<measure::Action>(&mut seen);
        }
        {
            use crate::model::{customer, report};
            check_words::<customer::Field>(&mut seen);
            check_words::<report::ServiceType>(&mut seen);
            check_words::<report::Outcome>(&mut seen);
            check_words::<report::Field>(&mut seen);
        }
        check_words::<crate::stats::Dim>(&mut seen);
        check_words::<crate::config::duplicates::DupField>(&mut seen);
        check_words::<crate::config::fields::FieldType>(&mut seen);
        check_words::<crate::config::fields::FieldRecord>(&mut seen);
        check_words::<crate::config::views::TicketSort>(&mut seen);
        check_words::<crate::model::visit::State>(&mut seen);
        check_words::<crate::model::visit::Action>(&mut seen);
        check_words::<crate::model::report::State>(&mut seen);
        check_words::<crate::model::schedule::State>(&mut seen);
        check_words::<crate::model::schedule::Action>(&mut seen);
        check_words::<crate::model::intel::IntelKind>(&mut seen);
        check_words::<crate::model::intel::State>(&mut seen);
        check_words::<crate::model::intel::Action>(&mut seen);

        // Every `vocab!(` in the sources names a vocabulary checked above.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut declared = BTreeSet::new();
        for entry in walkdir::WalkDir::new(&root) {
            let entry = entry.unwrap();
            if entry.path().extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            for (i, _) in text.match_indices("vocab!(") {
                let rest = &text[i + "vocab!(".len()..];
                let name = rest
                    .lines()
                    .map(str::trim)
                    .find(|l| !l.is_empty() && !l.starts_with("///"))
                    .and_then(|l| l.split(|c: char| !c.is_alphanumeric()).next())
                    .unwrap_or_default();
                if name.starts_with(|c: char| c.is_ascii_uppercase()) {
                    declared.insert(name.to_string());
                }
            }
        }
        let seen: BTreeSet<String> = seen.iter().map(|s| s.to_string()).collect();
        let missing: Vec<_> = declared.difference(&seen).collect();
        assert!(
            missing.is_empty(),
            "vocabularies not checked in i18n tests: {missing:?}"
        );
    }

    #[test]
    fn words_and_columns_follow_the_language() {
        use crate::vocab::State;
        assert_eq!(word(Lang::En, State::InProgress), "in-progress");
        assert_eq!(word(Lang::Zh, State::InProgress), "处理中");
        assert_eq!(word_key(State::InProgress), "vocab-state-in-progress");
        assert_eq!(
            word_key(crate::model::report::Outcome::FollowUp),
            "report-outcome-follow-up"
        );
        assert_eq!(column(Lang::En, "opened"), "opened");
        assert_eq!(column(Lang::Zh, "no_such_column"), "no_such_column");
    }

    #[test]
    fn unit_letters_become_chinese_units() {
        assert_eq!(units(Lang::Zh, "1d 2h 05m"), "1天2小时05分");
        assert_eq!(units(Lang::Zh, "-19bh 30bm"), "-19工作小时30工作分");
        assert_eq!(units(Lang::Zh, "3wd"), "3工作日");
        assert_eq!(units(Lang::Zh, "4h"), "4小时");
        assert_eq!(units(Lang::Zh, "soon"), "soon");
        assert_eq!(units(Lang::Zh, "2026-12-01"), "2026-12-01");
        assert_eq!(units(Lang::En, "2h 05m"), "2h 05m");
    }

    #[test]
    fn chinese_time_zones_propose_chinese() {
        assert_eq!(Lang::for_time_zone("Asia/Shanghai"), Lang::Zh);
        assert_eq!(Lang::for_time_zone("Asia/Taipei"), Lang::Zh);
        assert_eq!(Lang::for_time_zone("Europe/Berlin"), Lang::En);
        assert_eq!(Lang::parse("ZH"), Some(Lang::Zh));
        assert_eq!(Lang::parse("fr"), None);
    }
}
