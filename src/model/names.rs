//! The names a record takes from the desk's config — categories, departments, staff —
//! checked in one place each. A refusal offers the nearest name ("did you mean") and
//! lists the known ones, so the fix is the next thing to type; `check` reports a stored
//! name by the same rule.

use crate::config::Config;
use crate::error::{Error, Result, shown};
use crate::names::not_known;

/// `key` is one of the desk's categories.
pub fn category(cfg: &Config, key: &str) -> Result<()> {
    if cfg.categories.contains_key(key) {
        return Ok(());
    }
    Err(not_known(
        format!("unknown category \"{}\"", shown(key)),
        key,
        "categories of this desk",
        cfg.categories.keys().map(String::as_str),
    ))
}

/// `code` is one of the desk's fault causes (`[causes]`).
pub fn cause_code(cfg: &Config, code: &str) -> Result<()> {
    if cfg.causes.contains_key(code) {
        return Ok(());
    }
    if cfg.causes.is_empty() {
        return Err(Error::invalid_with_hint(
            format!(
                "unknown cause code \"{}\": this desk lists no causes",
                shown(code)
            ),
            "add a [causes] table to svcdesk.toml (code = \"name\"), or leave the code out",
        ));
    }
    Err(not_known(
        format!("unknown cause code \"{}\"", shown(code)),
        code,
        "causes of this desk",
        cfg.causes.keys().map(String::as_str),
    ))
}

/// For `check`: the problem with a stored cause code, if any.
pub fn cause_code_problem(cfg: &Config, code: &str) -> Option<String> {
    (!cfg.causes.contains_key(code))
        .then(|| format!("cause_code \"{code}\" is not in [causes] of svcdesk.toml"))
}

/// `key` is one of the desk's departments.
pub fn department(cfg: &Config, key: &str) -> Result<()> {
    if cfg.departments.contains_key(key) {
        return Ok(());
    }
    Err(not_known(
        format!("unknown department \"{}\"", shown(key)),
        key,
        "departments of this desk",
        cfg.departments.keys().map(String::as_str),
    ))
}

/// Whether `name` may be recorded as a person: on the staff list, or anyone when the
/// desk keeps none.
pub fn is_staff(cfg: &Config, name: &str) -> bool {
    cfg.staff.is_empty() || cfg.staff(name).is_some()
}

/// `name`, exactly as given, may be recorded as a person (see [`is_staff`]).
pub fn staff(cfg: &Config, name: &str) -> Result<()> {
    if is_staff(cfg, name) {
        return Ok(());
    }
    Err(not_known(
        format!("\"{}\" is not on this desk's staff list", shown(name)),
        name,
        "staff",
        cfg.staff.iter().map(|s| s.id.as_str()),
    ))
}

/// A person a record names as typed (an engineer, a measure's owner): trimmed, not
/// empty, and [`staff`]. `what` names the role in errors.
pub fn staff_member(cfg: &Config, what: &str, name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid(format!("the {what}'s name is empty")));
    }
    staff(cfg, name)?;
    Ok(name.to_string())
}

/// For `check`: the problem with a stored person `key = "name"`, if any.
pub fn staff_problem(cfg: &Config, key: &str, name: &str) -> Option<String> {
    (!is_staff(cfg, name)).then(|| format!("{key} = \"{name}\" is not on this desk's staff list"))
}

/// For `check`: the problem with a stored category, if any.
pub fn category_problem(cfg: &Config, key: &str) -> Option<String> {
    (!cfg.categories.contains_key(key))
        .then(|| format!("category \"{key}\" is not in svcdesk.toml"))
}
