//! Names a person typed that are none of the known ones: the one place a misspelt name
//! gets its "did you mean".

use crate::error::Error;

/// The candidate a misspelt `word` most likely meant: the nearest within two edits (and
/// fewer edits than `word` has characters), compared trimmed and case-blind. For "did you
/// mean" hints.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.trim().to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(&c.to_lowercase(), &word), c))
        .filter(|(d, _)| *d <= 2 && *d < word.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// ` (did you mean "waiting"?)` when [`nearest`] finds what `word` meant, else nothing:
/// to follow "... is not a ticket state" in a message.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    nearest(word, candidates)
        .map(|c| format!(" (did you mean \"{c}\"?)"))
        .unwrap_or_default()
}

/// A name from the desk's config vocabulary (a category, department, staff id, timer)
/// that is none of `known`: `message` says so, and the hint offers the nearest name
/// (case-blind, as [`nearest`]) before listing them all under `list` ("categories of
/// this desk"), so the fix is the next thing to type.
pub fn not_known<'a>(
    message: String,
    word: &str,
    list: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Error {
    let known: Vec<&str> = known.into_iter().collect();
    let all = format!("{list}: {}", known.join(", "));
    let hint = match nearest(word, known.iter().copied()) {
        Some(k) => format!("did you mean {k}? {all}"),
        None => all,
    };
    Error::invalid_with_hint(message, hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_within_two_edits_are_suggested_case_blind() {
        let states = ["waiting", "resolved", "closed"];
        assert_eq!(nearest("Wiating", states), Some("waiting"));
        assert_eq!(nearest("clsoed", states), Some("closed"));
        assert_eq!(nearest("open", states), None);
        // Two edits of a two-letter word could be anything.
        assert_eq!(nearest("ab", ["xy"]), None);
        assert_eq!(
            did_you_mean("resolvd", states),
            " (did you mean \"resolved\"?)"
        );
        assert_eq!(did_you_mean("zzz", states), "");
    }

    #[test]
    fn distances_count_characters_not_bytes() {
        assert_eq!(nearest("售后服物", ["售后服务", "投诉"]), Some("售后服务"));
    }
}
