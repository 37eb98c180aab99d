//! Custom field values given on the command line (`--field NAME=VALUE`), checked against
//! the desk's `[fields]` (see `config::fields`). A value that is not what its field
//! allows is a usage error (exit 2) that names the field, so nothing is written.

use crate::config::fields::{self, FieldRecord, Values};
use crate::desk::Desk;
use crate::error::{Error, Result};

fn usage(message: String) -> Error {
    Error::usage(
        message,
        "the desk's fields and their values are in [fields] in svcdesk.toml",
    )
}

/// The last value given for each name, in the order first given.
fn last_wins(given: &[(String, String)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (k, v) in given {
        match out.iter_mut().find(|(x, _)| x == k) {
            Some(slot) => slot.1 = v.clone(),
            None => out.push((k.clone(), v.clone())),
        }
    }
    out
}

/// Values for a new record of kind `r`, with its required fields.
pub fn new_values(desk: &Desk, r: FieldRecord, given: &[(String, String)]) -> Result<Values> {
    fields::new_values(&desk.config.fields, r, &last_wins(given)).map_err(usage)
}

/// Changes to a record's values: `(name, Some(value))` sets, `(name, None)` clears.
pub fn changes(
    desk: &Desk,
    r: FieldRecord,
    given: &[(String, String)],
) -> Result<Vec<(String, Option<String>)>> {
    fields::parse_assignments(&desk.config.fields, r, &last_wins(given)).map_err(usage)
}

/// A list filter `--field NAME=VALUE`: names must be the kind's fields and values what
/// they allow (`NAME=` keeps records without a value), so a typo is an error, not an
/// empty list.
pub fn filter(
    desk: &Desk,
    r: FieldRecord,
    given: &[(String, String)],
) -> Result<Vec<(String, String)>> {
    Ok(fields::parse_assignments(&desk.config.fields, r, given)
        .map_err(usage)?
        .into_iter()
        .map(|(k, v)| (k, v.unwrap_or_default()))
        .collect())
}

/// `values` with `changes` applied; a required field cannot be cleared.
pub fn apply(desk: &Desk, values: &Values, changes: &[(String, Option<String>)]) -> Result<Values> {
    let mut out = values.clone();
    for (k, v) in changes {
        match v {
            Some(v) => {
                out.insert(k.clone(), v.clone());
            }
            None => {
                if desk.config.fields.get(k).is_some_and(|d| d.required) {
                    return Err(usage(format!(
                        "field \"{k}\" is required; it can be changed but not cleared"
                    )));
                }
                out.remove(k);
            }
        }
    }
    Ok(out)
}
