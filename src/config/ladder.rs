//! `[[sla.ladder]]`: the escalation ladder, checked and compiled when `svcdesk.toml` is
//! loaded. When a level is due on a timer run is worked out in [`crate::sla::policy`]
//! (on the run's running time, so pauses pause the ladder); firing it (hooks, `escalate`
//! and `grade` events, the `sla-notified` record) is `crate::hooks::notify`.
//!
//! ```toml
//! [[sla.ladder]]
//! at = "-25%"                   # when 75 % of the target has run
//! notify = ["assignee"]
//!
//! [[sla.ladder]]
//! at = "0"                      # at the deadline
//! notify = ["assignee", "head"]
//!
//! [[sla.ladder]]
//! at = "+4bh"                   # four business hours after it
//! timers = ["resolve"]          # only these timers ([] or absent: all)
//! grades = ["II", "III"]        # only tickets of these grades ([] or absent: all)
//! notify = ["head", "sun"]      # assignee, head, opener, or staff ids
//! escalate = "sun"              # hand the ticket to sun (an `escalate` event)
//! grade = "III"                 # and regrade it (a `grade` event)
//! ```

use serde::{Deserialize, Serialize};

use super::policy::{BUILTIN_TIMERS, PolicyError};
use super::{Sla, Staff};
use crate::keypath::{KeyPath, toml_string};
use crate::names::did_you_mean;
use crate::time::Target;
use crate::vocab::Grade;

/// One `[[sla.ladder]]` table as written.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rung {
    /// What the level is called in hooks and events; `L1`, `L2`, ... by position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// When, relative to the run's deadline: `-25%`, `0`, `+4bh`, `-30m`.
    pub at: String,
    #[serde(default)]
    pub timers: Vec<String>,
    #[serde(default)]
    pub grades: Vec<String>,
    /// `assignee`, `head` (the department's), `opener`, or staff ids.
    #[serde(default)]
    pub notify: Vec<String>,
    /// A staff id the ticket is handed to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate: Option<String>,
    /// A grade the ticket is set to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
}

/// Where a level sits relative to a run's deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// A share of the target, in percent, before (negative) or after the deadline:
    /// `-25` is when 75 % of the target has run. Counted the target's way.
    Percent(i64),
    /// A span before (`before`) or after the deadline, counted its own way: `4bh` in
    /// working time of the calendar, `30m` in wall-clock time.
    Offset { before: bool, span: Target },
}

/// Who a level tells, besides staff ids.
pub const ROLES: [&str; 3] = ["assignee", "head", "opener"];

/// One level of the ladder, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    pub name: String,
    pub at: At,
    /// Empty: every timer.
    pub timers: Vec<String>,
    /// Empty: every grade (and ungraded tickets).
    pub grades: Vec<Grade>,
    pub notify: Vec<String>,
    pub escalate: Option<String>,
    pub grade: Option<Grade>,
}

impl Level {
    /// Whether the level applies to a run of `timer` on a ticket of `grade`.
    pub fn applies(&self, timer: &str, grade: Option<Grade>) -> bool {
        (self.timers.is_empty() || self.timers.iter().any(|t| t == timer))
            && (self.grades.is_empty() || grade.is_some_and(|g| self.grades.contains(&g)))
    }
}

const AT_HELP: &str = "write a share of the target (\"-25%\": when 75% of it has run) or a \
    span from the deadline (\"0\", \"-30m\", \"+4bh\", \"+2h\"), with its sign";

/// Parses a level's `at`.
pub fn parse_at(text: &str) -> Result<At, String> {
    let t = text.trim();
    if t == "0" || t == "0%" {
        return Ok(At::Percent(0));
    }
    let (before, rest) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => return Err(format!("\"{text}\" has no sign: {AT_HELP}")),
    };
    if let Some(n) = rest.strip_suffix('%') {
        let n: i64 = n
            .parse()
            .map_err(|_| format!("\"{text}\" is not a whole percentage: {AT_HELP}"))?;
        return match (before, n) {
            (true, 0..=100) => Ok(At::Percent(-n)),
            (false, 0..=1000) => Ok(At::Percent(n)),
            _ => Err(format!(
                "\"{text}\" is out of range: from -100% (the run's start) to +1000%"
            )),
        };
    }
    match Target::parse(rest) {
        Ok(Target::WorkingDays(_)) => Err(format!(
            "\"{text}\": a ladder offset is business hours or wall-clock time, not working \
             days; write e.g. \"+8bh\" (working time of [calendar]) or \"+24h\""
        )),
        Ok(span) => Ok(At::Offset { before, span }),
        Err(e) => Err(format!("{e}; {AT_HELP}")),
    }
}

fn key(i: usize, k: &str) -> KeyPath {
    KeyPath::new(["sla", "ladder"]).index(i).key(k)
}

/// Checks every level of `sla.ladder` against the timers (`timers`: the policy's names).
pub fn compile(sla: &Sla) -> Result<Vec<Level>, PolicyError> {
    let timers: Vec<&str> = sla
        .timers
        .keys()
        .map(String::as_str)
        .chain(BUILTIN_TIMERS)
        .collect();
    let err = |key: KeyPath, value: &str, problem: String| PolicyError {
        key,
        value: toml_string(value),
        problem,
    };
    let grade = |key: KeyPath, g: &str| {
        Grade::parse(g).ok_or_else(|| {
            err(
                key,
                g,
                format!(
                    "not a grade{}; grades: I, II, III",
                    did_you_mean(g, Grade::ALL.iter().map(|g| g.as_str()))
                ),
            )
        })
    };
    let mut levels: Vec<Level> = Vec::with_capacity(sla.ladder.len());
    for (i, r) in sla.ladder.iter().enumerate() {
        let name = r.name.clone().unwrap_or_else(|| format!("L{}", i + 1));
        if name.trim().is_empty() || name.contains(',') {
            return Err(err(
                key(i, "name"),
                &name,
                "a level's name is a word such as \"L1\" or \"head\"".into(),
            ));
        }
        if levels.iter().any(|l| l.name == name) {
            return Err(err(
                key(i, if r.name.is_some() { "name" } else { "at" }),
                &name,
                format!("two ladder levels are called \"{name}\"; give each its own `name`"),
            ));
        }
        let at = parse_at(&r.at).map_err(|p| err(key(i, "at"), &r.at, p))?;
        for (j, t) in r.timers.iter().enumerate() {
            if !timers.contains(&t.as_str()) {
                return Err(err(
                    key(i, "timers").index(j),
                    t,
                    format!(
                        "not a timer{}; timers: {}",
                        did_you_mean(t, timers.iter().copied()),
                        timers.join(", ")
                    ),
                ));
            }
        }
        let grades = r
            .grades
            .iter()
            .enumerate()
            .map(|(j, g)| grade(key(i, "grades").index(j), g))
            .collect::<Result<Vec<_>, _>>()?;
        let to_grade = match &r.grade {
            Some(g) => Some(grade(key(i, "grade"), g)?),
            None => None,
        };
        levels.push(Level {
            name,
            at,
            timers: r.timers.clone(),
            grades,
            notify: r.notify.clone(),
            escalate: r.escalate.clone(),
            grade: to_grade,
        });
    }
    Ok(levels)
}

/// The people a level names: `assignee`, `head`, `opener`, or someone on the staff list
/// (any id when the desk lists no staff). The key and message of the first bad one.
pub fn check_people(sla: &Sla, staff: &[Staff]) -> Result<(), (KeyPath, String)> {
    let ids = || staff.iter().map(|s| s.id.as_str());
    let known = |id: &str| staff.is_empty() || ids().any(|s| s == id);
    for (i, r) in sla.ladder.iter().enumerate() {
        for (j, who) in r.notify.iter().enumerate() {
            if !ROLES.contains(&who.as_str()) && !known(who) {
                let k = key(i, "notify").index(j);
                return Err((
                    k.clone(),
                    format!(
                        "{k}: \"{who}\" is neither assignee, head, opener nor on the staff list{}",
                        did_you_mean(who, ROLES.iter().copied().chain(ids()))
                    ),
                ));
            }
        }
        if let Some(to) = &r.escalate
            && !known(to)
        {
            let k = key(i, "escalate");
            return Err((
                k.clone(),
                format!(
                    "{k}: \"{to}\" is not on the staff list{}; staff: {}",
                    did_you_mean(to, ids()),
                    ids().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration as Std;

    #[test]
    fn at_reads_shares_and_offsets_with_their_sign() {
        assert_eq!(parse_at("-25%"), Ok(At::Percent(-25)));
        assert_eq!(parse_at("0"), Ok(At::Percent(0)));
        assert_eq!(parse_at("+10%"), Ok(At::Percent(10)));
        let bh = |h: i64| Target::BusinessHours(chrono::Duration::hours(h));
        assert_eq!(
            parse_at("+4bh"),
            Ok(At::Offset {
                before: false,
                span: bh(4)
            })
        );
        assert_eq!(
            parse_at("-30m"),
            Ok(At::Offset {
                before: true,
                span: Target::Wall(chrono::Duration::from_std(Std::from_secs(1800)).unwrap())
            })
        );
        for bad in ["25%", "4bh", "+1wd", "-150%", "+x", "", "-2.5h"] {
            assert!(parse_at(bad).is_err(), "{bad}");
        }
        assert!(parse_at("4bh").unwrap_err().contains("sign"));
    }
}
