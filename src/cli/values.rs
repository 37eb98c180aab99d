//! Typed clap value parsers for the values people type: dates, times, months, weeks,
//! quarters, durations, hours and amounts. A malformed value is then a usage error
//! (exit 2) reported by clap before the command runs, in svcdesk's own words — the
//! library's message, naming the option, and its hint — as svcdesk(1) promises.
//!
//! Use: `#[arg(long, value_name = "DATE", value_parser = values::date())] due: Option<NaiveDate>`.
//!
//! A value relative to today (`+30d`, `this`, `last`) cannot be read at parse time: the
//! day depends on the desk's time zone and SVCDESK_NOW, known only once the desk is
//! found. Such values parse into [`OnDay`], whose syntax is checked here and which the
//! command reads with [`OnDay::on`]. An `--at` time likewise parses into [`Time`], read in
//! the desk's zone by `Context::at`.

use std::ffi::OsStr;

use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::error::ErrorKind;
use svcdesk::time::{Month, Period, Week};
use svcdesk::vocab::Word;
use svcdesk::{Error, Result};

/// A value parser from a function of the text and the option's name (`--due`), which
/// names the option in its error where it reads best.
#[derive(Clone)]
pub struct Checked<T>(fn(&str, &str) -> Result<T>);

impl<T: Clone + Send + Sync + 'static> TypedValueParser for Checked<T> {
    type Value = T;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> std::result::Result<T, clap::Error> {
        let option = arg.map(option_name).unwrap_or_default();
        (self.0)(&value.to_string_lossy(), &option).map_err(|e| {
            // Raw, so clap prints it as svcdesk prints every error: `error:`, then `hint:`.
            let hint = e.hint().map(|h| format!("hint: {h}\n")).unwrap_or_default();
            clap::Error::raw(ErrorKind::ValueValidation, format!("{e}\n{hint}"))
        })
    }
}

/// `--due`, or the value name of a positional argument.
fn option_name(a: &clap::Arg) -> String {
    match a.get_long() {
        Some(l) => format!("--{l}"),
        None => a
            .get_value_names()
            .and_then(|v| v.first())
            .map_or_else(|| a.get_id().to_string(), |v| v.to_string()),
    }
}

/// The library's error about a value, followed by the option it was given for.
fn naming(option: &str) -> impl Fn(Error) -> Error + '_ {
    move |e| Error::usage(format!("{e} ({option})"), e.hint().unwrap_or_default())
}

/// A date, YYYY-MM-DD.
pub fn date() -> Checked<NaiveDate> {
    Checked(|s, option| svcdesk::time::parse_date(s).map_err(naming(option)))
}

/// A date ahead, for due and follow-up dates: YYYY-MM-DD, or `+30d` / `+2w` from today.
pub fn date_ahead() -> Checked<OnDay<NaiveDate>> {
    Checked(|s, option| {
        OnDay::new(
            s,
            |s, today, _| svcdesk::time::parse_date_from(s, today),
            option,
        )
    })
}

/// A calendar month: `2026-11`, `this` or `last`.
pub fn month() -> Checked<OnDay<Month>> {
    Checked(|s, option| OnDay::new(s, |s, today, _| Month::parse(s, today), option))
}

/// An ISO week: `2026-W48`, a date in it, `this` or `last`.
pub fn week() -> Checked<OnDay<Week>> {
    Checked(|s, option| OnDay::new(s, |s, today, _| Week::parse(s, today), option))
}

/// A quarter: `2026Q4`, `this` or `last`.
pub fn quarter() -> Checked<OnDay<Period>> {
    Checked(|s, option| OnDay::new(s, Period::parse_quarter, option))
}

/// A time something happened (`--at`): "2026-11-24 09:30" in desk time, a date, or RFC
/// 3339. Checked here, read in the desk's zone by `Context::at` / `Context::when`.
pub fn time() -> Checked<Time> {
    Checked(|s, option| {
        svcdesk::time::parse_time(s, Tz::UTC).map_err(naming(option))?;
        Ok(Time(s.to_string()))
    })
}

/// A wall-clock duration: `30m`, `2h`, `1d`.
pub fn duration() -> Checked<Duration> {
    Checked(|s, option| {
        svcdesk::time::parse_duration(s).map_err(|e| {
            Error::usage(
                format!("{option}: {e}"),
                "write a duration such as 30m, 2h or 1d",
            )
        })
    })
}

/// Hours worked, more than 0 and at most 24, as hundredths of an hour: `2`, `1.5`.
pub fn hours() -> Checked<i64> {
    Checked(|s, option| svcdesk::model::worklog::parse_hours(s).map_err(naming(option)))
}

/// A money amount: a positive number with at most two decimals, e.g. `500`, `199.90`;
/// given back trimmed.
pub fn amount() -> Checked<String> {
    Checked(|s, option| {
        let amount = s.trim();
        if svcdesk::model::ticket::valid_amount(amount) {
            return Ok(amount.to_string());
        }
        Err(Error::usage(
            format!(
                "{option} \"{}\" is not an amount",
                svcdesk::error::shown(amount)
            ),
            format!("the amount must be a positive number, e.g. {option} 500 or {option} 199.90"),
        ))
    })
}

/// `--attach FILE`, for every step that records what someone wrote (ticket open, note,
/// respond, resolve, `report add`, `customer note`): one wording, one reading.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct AttachArgs {
    /// Attach a file (repeatable): copied into the desk under attachments/, so every
    /// clone has it; at most `[attachments] max_size` (default 20MB).
    #[arg(long = "attach", value_name = "PATH")]
    paths: Vec<std::path::PathBuf>,
}

impl AttachArgs {
    /// The files as the library takes them: paths relative to where the command ran.
    pub fn files(self, cwd: &std::path::Path) -> svcdesk::model::steps::Files {
        svcdesk::model::steps::Files {
            from: cwd.to_path_buf(),
            paths: self.paths,
        }
    }
}

/// A word of a closed vocabulary (grade, priority, channel, ...). The spellings and what
/// each means come from the library's list, so `--help`, the man pages and completions
/// show them, and a wrong word gets clap's own "possible values" error.
pub fn word<T: Word>() -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(T::all().iter().map(|w| {
        let mut help = w
            .doc()
            .iter()
            .map(|l| l.trim())
            .collect::<Vec<_>>()
            .join(" ");
        // As clap's derive words a doc comment: no closing period.
        if help.ends_with('.') && !help.ends_with("..") {
            help.pop();
        }
        let value = PossibleValue::new(w.as_str());
        if help.is_empty() {
            value
        } else {
            value.help(help)
        }
    }))
    .map(|s| {
        T::all()
            .iter()
            .copied()
            .find(|w| w.as_str() == s)
            .expect("clap accepts only the listed words")
    })
}

/// A value that may be relative to today, checked when parsed and read with [`OnDay::on`].
#[derive(Clone, Debug)]
pub struct OnDay<T> {
    text: String,
    option: String,
    read: fn(&str, NaiveDate, Tz) -> Result<T>,
}

impl<T> OnDay<T> {
    fn new(text: &str, read: fn(&str, NaiveDate, Tz) -> Result<T>, option: &str) -> Result<Self> {
        // Today's date only moves the result; a syntax error shows on any day.
        let any_day = NaiveDate::from_ymd_opt(2000, 1, 1).expect("a date");
        read(text, any_day, Tz::UTC).map_err(naming(option))?;
        Ok(OnDay {
            text: text.to_string(),
            option: option.to_string(),
            read,
        })
    }

    /// The value, read against the desk's `today` in its zone `tz`. Only a relative
    /// value that runs off the calendar can still fail (a usage error).
    pub fn on(&self, today: NaiveDate, tz: Tz) -> Result<T> {
        (self.read)(&self.text, today, tz).map_err(naming(&self.option))
    }
}

/// A time as typed for `--at`, known to be readable.
#[derive(Clone, Debug)]
pub struct Time(String);

impl Time {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `--at` as `Context::at` and `Context::when` take it.
pub fn at(t: &Option<Time>) -> Option<&str> {
    t.as_ref().map(Time::as_str)
}

/// `--field NAME=VALUE` (`NAME=` clears): split here; the name and the value are
/// checked against the desk's `[fields]` by the library, which knows its config.
pub fn field(s: &str) -> std::result::Result<(String, String), String> {
    svcdesk::config::fields::split_assignment(s)
}

/// A `--by` key as typed: a word of `stats::Dim`, or `field:NAME`, checked against the
/// desk's `[fields]` once the desk is known.
#[derive(Debug, Clone)]
pub enum ByText {
    Dim(svcdesk::stats::Dim),
    Field(String),
}

/// `--by`: `field:NAME`, else a word of `stats::Dim` (whose list `--help`, man pages and
/// completions still show).
#[derive(Clone)]
pub struct ByParser<P>(P);

impl<P: clap::builder::TypedValueParser<Value = svcdesk::stats::Dim>>
    clap::builder::TypedValueParser for ByParser<P>
{
    type Value = ByText;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> std::result::Result<ByText, clap::Error> {
        let text = value.to_string_lossy();
        if text.starts_with(svcdesk::model::ticket::FIELD_PREFIX) {
            return Ok(ByText::Field(text.into_owned()));
        }
        self.0.parse_ref(cmd, arg, value).map(ByText::Dim)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        self.0.possible_values()
    }
}

/// The `stats --by` parser.
pub fn by() -> ByParser<impl TypedValueParser<Value = svcdesk::stats::Dim>> {
    ByParser(word::<svcdesk::stats::Dim>())
}

/// `--lang`: en or zh, listed in `--help` and completions.
pub fn lang() -> impl clap::builder::TypedValueParser<Value = svcdesk::i18n::Lang> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(
        svcdesk::i18n::Lang::ALL.map(|l| clap::builder::PossibleValue::new(l.as_str())),
    )
    .map(|s| svcdesk::i18n::Lang::parse(&s).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<T>(p: &Checked<T>, s: &str) -> Result<T> {
        (p.0)(s, "--x")
    }

    #[test]
    fn malformed_values_name_their_option_after_the_library_message() {
        let e = check(&date(), "2026-13-01").unwrap_err();
        assert_eq!(e.to_string(), "cannot read \"2026-13-01\" as a date (--x)");
        assert!(e.is_usage() && e.hint().is_some());
        let e = check(&time(), "garbage").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("cannot read \"garbage\" as a time")
        );
        let e = check(&duration(), "2x").unwrap_err();
        assert!(e.to_string().starts_with("--x: invalid duration \"2x\""));
        let e = check(&amount(), "5,00").unwrap_err();
        assert_eq!(e.to_string(), "--x \"5,00\" is not an amount");
    }

    #[test]
    fn clap_reports_a_malformed_value_as_svcdesk_does() {
        let cmd = clap::Command::new("t").arg(
            clap::Arg::new("due")
                .long("due")
                .value_name("DATE")
                .value_parser(date()),
        );
        let e = cmd
            .try_get_matches_from(["t", "--due", "24/11/2026"])
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ValueValidation);
        assert_eq!(
            e.to_string(),
            "error: cannot read \"24/11/2026\" as a date (--due)\nhint: write it as 2026-11-24\n"
        );
    }

    #[test]
    fn relative_values_are_checked_at_parse_time_and_read_against_today() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let due = check(&date_ahead(), "+2w").unwrap();
        assert_eq!(due.on(today, Tz::UTC).unwrap().to_string(), "2026-12-08");
        assert!(check(&date_ahead(), "+2y").is_err());
        let last = check(&month(), "last").unwrap();
        assert_eq!(last.on(today, Tz::UTC).unwrap().to_string(), "2026-10");
        assert!(check(&month(), "2026-13").is_err());
        assert!(check(&week(), "2026-W60").is_err());
        assert!(check(&quarter(), "2026Q5").is_err());
        assert_eq!(check(&amount(), " 199.90 ").unwrap(), "199.90");
        assert_eq!(check(&hours(), "1.5").unwrap(), 150);
    }
}
