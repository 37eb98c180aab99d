//! Advice for the library's typed refusals: what to type next. It names commands and
//! options, so it lives here and not with the rules.

use svcdesk::Error;
use svcdesk::model::measure::AddError;
use svcdesk::model::record::{Refused, StepError};
use svcdesk::model::vocab::CompState;

/// The hint printed under an error: the CLI's own advice for a typed refusal, else the
/// error's.
pub fn hint(e: &Error) -> Option<String> {
    let Error::Record(inner) = e else {
        return e.hint();
    };
    if let Some(r) = inner.downcast_ref::<Refused>() {
        return refused(r);
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
