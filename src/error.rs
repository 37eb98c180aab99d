//! Typed errors of the library. Each one says what was wrong; `hint()` says what to do.
//! The binary maps them to exit codes (see `Error::exit_code`) and prints them; the
//! library itself never prints.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no desk found in {} or any of its parents", start.display())]
    NoDesk { start: PathBuf },

    #[error("{} is already a desk (it holds svcdesk.toml)", path.display())]
    DeskExists { path: PathBuf },

    #[error("{}:{line}:{column}: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },

    #[error("invalid {kind} ID \"{}\": {reason}", shown(query))]
    InvalidId {
        kind: &'static str,
        query: String,
        reason: &'static str,
    },

    #[error("no {kind} matches \"{}\"", shown(query))]
    UnknownId {
        kind: &'static str,
        query: String,
        near: Vec<String>,
    },

    #[error("\"{}\" is ambiguous: it matches {} {kind}s", shown(query), candidates.len())]
    AmbiguousId {
        kind: &'static str,
        query: String,
        candidates: Vec<String>,
    },

    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// Records that cannot be read, every one named (a summary over them would be skewed).
    #[error("{}", bad_records(errors))]
    BadRecords { errors: Vec<Error> },

    /// A request the desk refuses (bad value, duplicate, rule broken), with advice.
    #[error("{message}")]
    Invalid {
        message: String,
        hint: Option<String>,
    },

    /// A record kind's own typed refusal (a step its history does not allow, say): the
    /// data stays typed so the CLI can add advice that names its commands.
    #[error(transparent)]
    Record(Box<dyn std::error::Error + Send + Sync>),

    /// An option value the command does not take, though it reads as one (e.g. an `--at`
    /// time in the future): a usage error, told apart by its exit code.
    #[error("{message}")]
    Usage { message: String, hint: String },
}

impl Error {
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::Invalid {
            message: message.into(),
            hint: None,
        }
    }

    pub fn invalid_with_hint(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Invalid {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Usage {
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// Whether the command line, not the desk, is at fault (exit code 2 in the CLI).
    pub fn is_usage(&self) -> bool {
        matches!(self, Error::Usage { .. })
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Builds a parse error from a byte span into `text`, turning it into line:column
    /// (1-based, columns counted in characters so CJK text points at the right place).
    pub fn parse_at(
        path: impl Into<PathBuf>,
        text: &str,
        offset: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        let (line, column) = match offset {
            Some(off) => line_column(text, off),
            None => (1, 1),
        };
        Error::Parse {
            path: path.into(),
            line,
            column,
            message: message.into(),
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            Error::UnknownId { near, .. } if !near.is_empty() => {
                Some(format!("did you mean: {}", near.join(", ")))
            }
            Error::AmbiguousId { candidates, .. } => Some(format!(
                "candidates: {}; type more characters",
                candidates.join(", ")
            )),
            Error::InvalidId { .. } => Some(
                "an ID is a kind letter, a date and six letters/digits, e.g. C20261124-K7Q2XM; a unique prefix of it or of its code part (K7Q2) will do"
                    .into(),
            ),
            Error::Invalid { hint, .. } => hint.clone(),
            Error::Usage { hint, .. } => Some(hint.clone()),
            Error::BadRecords { errors } => errors.first().and_then(Error::hint),
            _ => None,
        }
    }
}

/// User input as an error message may echo it: control characters (a newline, a
/// terminal escape) escaped, so a message is one line and cannot drive the terminal.
pub fn shown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

fn bad_records(errors: &[Error]) -> String {
    match errors {
        [one] => one.to_string(),
        _ => {
            let mut s = format!(
                "{} record files cannot be read, so a summary over them would be wrong:",
                errors.len()
            );
            for e in errors {
                s.push_str(&format!("\n  {e}"));
            }
            s
        }
    }
}

/// 1-based line and column (in characters) of a byte offset into `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_escapes_control_characters_only() {
        assert_eq!(shown("9xwm\n\u{1b}[31mred"), "9xwm\\n\\u{1b}[31mred");
        assert_eq!(shown("华东 ok"), "华东 ok");
    }

    #[test]
    fn line_column_counts_characters() {
        let text = "a = 1\nname = \"王五\" x\n";
        let off = text.find('x').unwrap();
        assert_eq!(line_column(text, off), (2, 13));
        assert_eq!(line_column(text, 0), (1, 1));
    }
}
