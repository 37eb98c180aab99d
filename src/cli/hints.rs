//! The library's typed refusals in the words of the command line: which option was
//! at fault, and what to type next. They name commands and options, so they live here
//! and not with the rules.

use svcdesk::Error;
use svcdesk::model::customer::LooksLikeExisting;
use svcdesk::model::measure::AddError;
use svcdesk::model::record::{Missing, OutOfOrder, Refused, StepError, seconds};
use svcdesk::vocab::CompState;

/// The error line: the library's message, naming the option where one was at fault.
pub fn message(e: &Error) -> String {
    match e {
        Error::Record(inner) if inner.downcast_ref::<Refused>().is_some() => {
            let r = inner.downcast_ref::<Refused>().expect("checked");
            match &r.error {
                // The state it quotes in the desk's language (steps stay as typed).
                StepError::Transition { state, .. } if super::messages::lang().is_some() => {
                    let lang = super::messages::lang().unwrap_or_default();
                    let word = svcdesk::vocab::State::parse(state)
                        .map(|w| svcdesk::i18n::word(lang, w))
                        .or_else(|| {
                            svcdesk::model::measure::State::parse(state)
                                .map(|w| svcdesk::i18n::word(lang, w))
                        })
                        .unwrap_or_else(|| state.to_string());
                    e.to_string()
                        .replace(&format!(" is {state};"), &format!(" is {word};"))
                        .replace(&format!("from {state}:"), &format!("from {word}:"))
                }
                _ => e.to_string(),
            }
        }
        Error::Record(inner) => match inner.downcast_ref::<OutOfOrder>() {
            // The only explicit time a step takes is --at.
            Some(o) => format!(
                "{}: --at {} is earlier than the {}'s last event ({}); a history stays in time order",
                o.id,
                seconds(&o.at),
                o.noun,
                seconds(&o.last)
            ),
            None => e.to_string(),
        },
        _ => e.to_string(),
    }
}

/// The hint printed under an error: the CLI's own advice for a typed refusal, else the
/// error's.
pub fn hint(e: &Error) -> Option<String> {
    let inner = match e {
        Error::Record(inner) => inner,
        Error::NoDesk { .. } => {
            return Some(
                "create one with `svcdesk init [DIR]`, or point at one with `-C DIR` or SVCDESK_DIR"
                    .into(),
            );
        }
        Error::DeskExists { .. } => {
            return Some("pass --force to rewrite its config (the old one is kept as svcdesk.toml.bak) and add missing folders; records are kept".into());
        }
        _ => return e.hint(),
    };
    if let Some(r) = inner.downcast_ref::<Refused>() {
        return refused(r);
    }
    if let Some(m) = inner.downcast_ref::<Missing>() {
        let options: Vec<&str> = m.keys.iter().map(|k| option(k)).collect();
        let give = format!("give {}", options.join(" or "));
        return Some(match &m.known {
            Some(known) => format!("{give}; {known}"),
            None => give,
        });
    }
    if inner.is::<LooksLikeExisting>() {
        return Some("use that customer, or pass --force to add this one anyway".into());
    }
    if inner.is::<OutOfOrder>() {
        return Some("give --at a time after the last event (or leave --at out for now), and say when it really happened in the text".into());
    }
    match inner.downcast_ref::<AddError>()? {
        AddError::NoSource => {
            Some("give --period 2026-11, --category KEY and/or --ticket ID (repeatable)".into())
        }
        AddError::DueBeforeDecided { .. } => {
            Some("give a later --due, or --at for a measure decided earlier".into())
        }
        AddError::Incomplete(_) => {
            Some("`svcdesk measure add --help` lists what a measure needs".into())
        }
    }
}

fn refused(r: &Refused) -> Option<String> {
    let id = &r.id;
    match (&r.error, r.noun) {
        (StepError::Transition { .. }, "ticket") => Some(format!(
            "`svcdesk ticket show {id}` shows its history; `svcdesk ticket --help` shows the state machine"
        )),
        (StepError::Transition { .. }, noun) => {
            Some(format!("`svcdesk {noun} show {id}` shows its history"))
        }
        (StepError::Comp { is, needs, .. }, _) => Some(match (is, needs) {
            (None, _) => {
                format!("request it first: `svcdesk comp request {id} --amount AMOUNT --kind KIND`")
            }
            (Some(CompState::Requested), CompState::Reviewed) => format!(
                "finance reviews it first: `svcdesk comp review {id}` (by staff with the role finance)"
            ),
            (Some(CompState::Reviewed), CompState::Requested) => format!(
                "finance has reviewed it; the general manager decides: `svcdesk comp approve {id}` or `svcdesk comp reject {id}`"
            ),
            _ => format!(
                "the request is decided; `svcdesk comp request {id} --amount AMOUNT --kind KIND` starts a new one"
            ),
        }),
        (StepError::Invalid(_), _) => None,
    }
}

/// The option that gives a record's key when it is created.
fn option(key: &str) -> &str {
    match key {
        "service_type" => "--type",
        "text" => "-m",
        "engineer" => "--engineer",
        "customer" => "--customer",
        "ticket" => "--ticket",
        "name" => "--name",
        other => other,
    }
}
