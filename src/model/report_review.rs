//! The review of field-service reports (「填寫內容完整的《現場服務完成情況匯報》」 to the
//! supervisor): `submit` checks the fields `[reports] required` names and sends the report
//! for review; `review` (a role of `[reports] reviewers`) approves it or sends it back.
//!
//! ```text
//! draft ─submit─► submitted ─review --approve─► approved
//!   ▲                 └─review --reject─► rejected ─(edit)─submit─► submitted
//! ```
//!
//! A submitted or approved report is not edited: what the reviewer read stays what the
//! file says (a rejected one is edited and submitted again).

use chrono::{DateTime, Utc};

use super::record::write_values;
use super::report::{Report, State, load_file};
use crate::desk::record::edit_file;
use crate::desk::{Desk, Id};
use crate::error::{Error, Result};

/// The keys of `[reports] required` the report has no value for, in config order.
pub fn missing(r: &Report, required: &[String]) -> Vec<String> {
    let values = r.field_values();
    required
        .iter()
        .filter(|k| {
            !values
                .iter()
                .any(|(key, v)| key == k && v.as_ref().is_some_and(|v| v.as_str() != Some("")))
        })
        .cloned()
        .collect()
}

fn refuse(id: &Id, verb: &str, state: State) -> Error {
    let allowed = match state {
        State::Draft | State::Rejected => "submit (and edit)",
        State::Submitted => "review --approve, review --reject",
        State::Approved => "nothing: an approved report is final",
    };
    Error::invalid(format!(
        "{id}: cannot {verb}: the report is {state}; allowed from {state}: {allowed}"
    ))
}

/// Refuses to edit a report a reviewer has, or has approved.
pub fn editable(id: &Id, r: &Report) -> Result<()> {
    match r.state {
        State::Submitted | State::Approved => Err(refuse(id, "edit", r.state)),
        State::Draft | State::Rejected => Ok(()),
    }
}

fn change(desk: &Desk, id: &Id, f: impl FnOnce(&mut Report) -> Result<()>) -> Result<Report> {
    let _lock = desk.lock()?;
    let path = desk.path_of(id);
    let mut r = load_file(&path)?;
    f(&mut r)?;
    edit_file(&path, |doc| {
        write_values(doc, &r.field_values());
        Ok(())
    })?;
    Ok(r)
}

/// `report submit`: every required field is there; the report goes to review.
pub fn submit(desk: &Desk, id: &Id, by: String, at: DateTime<Utc>) -> Result<Report> {
    let required = desk.config.reports.required.clone();
    change(desk, id, |r| {
        if !matches!(r.state, State::Draft | State::Rejected) {
            return Err(refuse(id, "submit", r.state));
        }
        let gaps = missing(r, &required);
        if !gaps.is_empty() {
            return Err(Error::invalid_with_hint(
                format!(
                    "{id}: cannot submit: the report has no {} ([reports] required in svcdesk.toml)",
                    gaps.join(", ")
                ),
                format!(
                    "fill them in: svcdesk report edit {id} {}",
                    gaps.iter()
                        .map(|g| format!("--{} …", g.replace('_', "-")))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            ));
        }
        r.state = State::Submitted;
        r.submitted = Some(desk.local(at));
        r.submitted_by = Some(by);
        Ok(())
    })
}

/// `report review --approve|--reject`: by a role of `[reports] reviewers` (once the desk
/// lists staff); a rejection needs the reason.
pub fn review(
    desk: &Desk,
    id: &Id,
    by: String,
    at: DateTime<Utc>,
    approve: bool,
    note: Option<&str>,
) -> Result<Report> {
    let cfg = &desk.config;
    let roles = &cfg.reports.reviewers;
    if !cfg.staff.is_empty() && !roles.iter().any(|r| cfg.has_role(&by, r)) {
        let holders: Vec<&str> = cfg
            .staff
            .iter()
            .filter(|s| s.roles.iter().any(|r| roles.contains(r)))
            .map(|s| s.id.as_str())
            .collect();
        return Err(Error::invalid_with_hint(
            format!(
                "{by} may not review a report: it needs the role {} ([reports] reviewers in svcdesk.toml)",
                roles.join(" or ")
            ),
            if holders.is_empty() {
                "nobody on the staff list has it; add it to a [[staff]] entry in svcdesk.toml"
                    .to_string()
            } else {
                format!("ask {}", holders.join(", "))
            },
        ));
    }
    let note = note.map(str::trim).filter(|s| !s.is_empty());
    if !approve && note.is_none() {
        return Err(Error::usage(
            "a rejection needs the reason",
            "give it with -m TEXT: what to complete or correct",
        ));
    }
    change(desk, id, |r| {
        if r.state != State::Submitted {
            return Err(refuse(id, "review", r.state));
        }
        r.state = if approve {
            State::Approved
        } else {
            State::Rejected
        };
        r.reviewed = Some(desk.local(at));
        r.reviewed_by = Some(by);
        r.review_note = note.map(String::from);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn missing_names_the_required_fields_without_a_value() {
        let r: super::Report = toml::from_str(
            r#"schema = 1
id = "R20261124-2HQA7D"
engineer = "wang"
customer = "C20261102-5QHJP3"
service_type = "training"
work_done = "trained 6 operators"
created = 2026-11-24T18:00:00+08:00
created_by = "wang"
"#,
        )
        .unwrap();
        let req: Vec<String> = ["arrived", "work_done", "signed_by"]
            .map(String::from)
            .to_vec();
        assert_eq!(super::missing(&r, &req), ["arrived", "signed_by"]);
    }
}
