//! What reaches stderr besides a command's own output: errors with their hints,
//! warnings, and the record files a summary left out.

use svcdesk::Error;

/// The desk's language for the words an error quotes, once a desk is open (None: English).
static LANG: std::sync::OnceLock<svcdesk::i18n::Lang> = std::sync::OnceLock::new();

/// Errors quote states in `lang` from now on (English needs no call).
pub fn set_lang(lang: svcdesk::i18n::Lang) {
    if lang != svcdesk::i18n::Lang::En {
        let _ = LANG.set(lang);
    }
}

pub fn lang() -> Option<svcdesk::i18n::Lang> {
    LANG.get().copied()
}

pub fn report(e: &Error) {
    eprintln!("error: {}", super::hints::message(e));
    if let Some(h) = super::hints::hint(e) {
        eprintln!("hint: {h}");
    }
}

pub fn warn(msg: &str) {
    eprintln!("warning: {msg}");
}

/// Warns of a filter value (`--category complaints`) that the desk's config does not
/// know, with the nearest name it does (case-blind): a typo would otherwise give an
/// empty list that reads as an answer. The filter still applies as given, since older
/// records may carry a name the config has since dropped.
pub fn warn_unknown_filter<'a>(
    option: &str,
    values: &[String],
    known: impl IntoIterator<Item = &'a str> + Clone,
) {
    for v in values {
        if known.clone().into_iter().any(|k| k == v) {
            continue;
        }
        let guess = svcdesk::names::nearest(v, known.clone())
            .map(|k| format!("; did you mean `{option} {k}`?"))
            .unwrap_or_default();
        warn(&format!(
            "{option} \"{}\" is not in svcdesk.toml, so only records that still carry it match{guess}",
            svcdesk::error::shown(v)
        ));
    }
}

/// `--skip-bad`: leave out record files that cannot be read, naming each on stderr.
pub const SKIP_BAD_HELP: &str =
    "Leave out record files that cannot be read (each is named on stderr) instead of failing";

/// With `--skip-bad`, names each file left out; a summary never skips silently.
pub fn skipped(bad: &[Error]) {
    for e in bad {
        warn(&format!("skipped {e}"));
    }
}

/// A summary that failed on bad record files offers `--skip-bad`.
pub fn offer_skip_bad(e: Error) -> Error {
    match e {
        Error::BadRecords { .. } => Error::invalid_with_hint(
            e.to_string(),
            "fix them (`svcdesk check` lists every problem), or pass --skip-bad to go on without them",
        ),
        e => e,
    }
}
