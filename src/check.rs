//! `svcdesk check`: every record read and every fault reported, file by file — syntax
//! (file:line:column), schema, fields, IDs and paths, duplicates, references.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use crate::desk::{Desk, Id, Kind, record};
use crate::error::{Error, Result};
use crate::model::customer::Customer;
use crate::model::report::Report as FieldReport;
use crate::model::ticket::Ticket;
use crate::model::ticket_store;
use crate::model::worklog;

pub const SCHEMA: i64 = 1;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Problem {
    /// Relative to the desk root.
    pub path: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, ":{l}:{c}")?;
        }
        write!(f, ": {}", self.message)
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub files: usize,
    pub problems: Vec<Problem>,
}

pub fn check(desk: &Desk) -> Result<Report> {
    let mut report = Report::default();
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    let mut customers: Vec<(PathBuf, Customer)> = Vec::new();
    let mut tickets: Vec<(PathBuf, Ticket)> = Vec::new();
    let mut field_reports: Vec<(PathBuf, FieldReport)> = Vec::new();
    for kind in Kind::ALL {
        for path in desk.record_files(kind)? {
            report.files += 1;
            let rel = path.strip_prefix(&desk.root).unwrap_or(&path).to_path_buf();
            let mut problem = |line: Option<usize>, column: Option<usize>, message: String| {
                report.problems.push(Problem {
                    path: rel.clone(),
                    line,
                    column,
                    message,
                })
            };
            let text = match record::read_text(&path) {
                Ok(t) => t,
                Err(e) => {
                    push_error(&mut problem, e);
                    continue;
                }
            };
            let table: toml::Table = match record::parse_typed(&path, &text) {
                Ok(t) => t,
                Err(e) => {
                    push_error(&mut problem, e);
                    continue;
                }
            };
            match table.get("schema").and_then(toml::Value::as_integer) {
                Some(SCHEMA) => {}
                Some(n) => {
                    problem(
                        None,
                        None,
                        format!("unknown schema version {n}; this svcdesk reads schema {SCHEMA}"),
                    );
                    continue;
                }
                None => {
                    problem(None, None, "missing `schema = 1`".into());
                    continue;
                }
            }
            let Some(id_text) = table.get("id").and_then(toml::Value::as_str) else {
                problem(None, None, "missing `id`".into());
                continue;
            };
            match Id::parse(id_text).filter(|id| id.as_str() == id_text) {
                None => problem(None, None, format!("id \"{id_text}\" is not a valid ID")),
                Some(id) if id.kind() != kind => problem(
                    None,
                    None,
                    format!(
                        "id \"{id_text}\" is a {} ID in the {} folder",
                        id.kind().noun(),
                        kind.dir()
                    ),
                ),
                Some(id) if id.rel_path() != rel => problem(
                    None,
                    None,
                    format!("id \"{id_text}\" belongs at {}", id.rel_path().display()),
                ),
                Some(_) => {}
            }
            if let Some(first) = seen.get(id_text) {
                problem(
                    None,
                    None,
                    format!("duplicate ID {id_text}: also in {}", first.display()),
                );
            } else {
                seen.insert(id_text.to_string(), rel.clone());
            }
            match kind {
                Kind::Customer => match record::parse_typed::<Customer>(&path, &text) {
                    Ok(c) => customers.push((rel.clone(), c)),
                    Err(e) => push_error(&mut problem, e),
                },
                Kind::Ticket => match record::parse_typed::<Ticket>(&path, &text) {
                    Ok(t) => {
                        if let Err(e) = check_history(&path, &text, &t, &mut problem) {
                            push_error(&mut problem, e);
                        }
                        tickets.push((rel.clone(), t));
                    }
                    Err(e) => push_error(&mut problem, e),
                },
                Kind::Report => match record::parse_typed::<FieldReport>(&path, &text) {
                    Ok(r) => field_reports.push((rel.clone(), r)),
                    Err(e) => push_error(&mut problem, e),
                },
            }
        }
    }
    // A reference is good when the customer's file exists, even if that file is broken
    // (its own fault is reported on its own line, not as a dangling reference here).
    let mut customer_ids: HashSet<String> = desk.ids(Kind::Customer)?.into_iter().collect();
    customer_ids.extend(customers.iter().map(|(_, c)| c.id.clone()));
    for (rel, c) in &customers {
        check_customer(c, &customer_ids, |m| {
            report.problems.push(Problem {
                path: rel.clone(),
                line: None,
                column: None,
                message: m,
            })
        });
    }
    // A ticket that failed to parse still exists: links to it are not dangling.
    let ticket_ids: HashSet<String> = desk.ids(Kind::Ticket)?.into_iter().collect();
    for (rel, t) in &tickets {
        check_ticket_refs(desk, t, &customer_ids, &ticket_ids, |m| {
            report.problems.push(Problem {
                path: rel.clone(),
                line: None,
                column: None,
                message: m,
            })
        });
    }
    // Field-service reports: sound on their own (time order, scores, money), and their
    // engineer, customer and ticket exist.
    for (rel, r) in &field_reports {
        let own = r.problems();
        let refs = r.reference_problems(&desk.config, &customer_ids, &ticket_ids);
        for m in own.into_iter().chain(refs) {
            report.problems.push(Problem {
                path: rel.clone(),
                line: None,
                column: None,
                message: m,
            });
        }
    }
    // Work logs: readable, named after their engineer, entries sound.
    for path in worklog::files(desk)? {
        report.files += 1;
        let rel = path.strip_prefix(&desk.root).unwrap_or(&path).to_path_buf();
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut problem = |line: Option<usize>, column: Option<usize>, message: String| {
            report.problems.push(Problem {
                path: rel.clone(),
                line,
                column,
                message,
            })
        };
        let log = record::read_text(&path)
            .and_then(|text| record::parse_typed::<worklog::WorkLog>(&path, &text));
        match log {
            Ok(log) => {
                for m in worklog::problems(&log, &stem, &desk.config, &ticket_ids) {
                    problem(None, None, m);
                }
            }
            Err(e) => push_error(&mut problem, e),
        }
    }
    report.problems.sort();
    Ok(report)
}

fn check_customer(c: &Customer, ids: &HashSet<String>, mut problem: impl FnMut(String)) {
    if c.name.trim().is_empty() {
        problem("`name` is empty".into());
    }
    if let Some(r) = &c.referred_by
        && !ids.contains(r.as_str())
    {
        problem(format!("referred_by = \"{r}\": no such customer"));
    }
    if c.referred_by.as_deref() == Some(c.id.as_str()) {
        problem("referred_by names the customer itself".into());
    }
    for (i, e) in c.log.iter().enumerate() {
        if e.summary.trim().is_empty() {
            problem(format!("log entry {} has an empty summary", i + 1));
        }
    }
    // Log entries are kept in the order they were entered; one entered after the fact
    // (`customer note --at`) legitimately comes after later ones, so order is no fault.
}

/// The history must replay, be in time order, and give exactly the stored fields.
fn check_history(
    path: &std::path::Path,
    text: &str,
    t: &Ticket,
    problem: &mut impl FnMut(Option<usize>, Option<usize>, String),
) -> Result<()> {
    if let Some(i) = t.event.windows(2).position(|w| w[1].at < w[0].at) {
        problem(
            None,
            None,
            format!(
                "history out of order: event {} ({}) is earlier than event {} ({})",
                i + 2,
                t.event[i + 1].at.to_rfc3339(),
                i + 1,
                t.event[i].at.to_rfc3339()
            ),
        );
    }
    let replayed = ticket_store::replay_checked(path, text, t)?;
    let drift = t.drift(&replayed);
    if !drift.is_empty() {
        problem(
            None,
            None,
            format!(
                "fields disagree with the history: {} (the history is the truth; a correction is a new event)",
                drift.join(", ")
            ),
        );
    }
    Ok(())
}

fn check_ticket_refs(
    desk: &Desk,
    t: &Ticket,
    customers: &HashSet<String>,
    tickets: &HashSet<String>,
    mut problem: impl FnMut(String),
) {
    if let Some(c) = &t.customer
        && !customers.contains(c)
    {
        problem(format!("customer = \"{c}\": no such customer"));
    }
    for l in &t.links {
        let target = l.split_once(':').map_or(l.as_str(), |(_, id)| id);
        if !tickets.contains(target) {
            problem(format!("link {l}: no such ticket"));
        }
    }
    if let Some(c) = &t.category
        && !desk.config.categories.contains_key(c)
    {
        problem(format!("category \"{c}\" is not in svcdesk.toml"));
    }
    let mut departments: Vec<&String> = t
        .event
        .iter()
        .filter_map(|e| e.department.as_ref())
        .collect();
    departments.dedup();
    for d in departments {
        if !desk.config.departments.contains_key(d) {
            problem(format!("department \"{d}\" is not in svcdesk.toml"));
        }
    }
}

fn push_error(problem: &mut impl FnMut(Option<usize>, Option<usize>, String), e: Error) {
    match e {
        Error::Parse {
            line,
            column,
            message,
            ..
        } => problem(Some(line), Some(column), message),
        other => problem(None, None, other.to_string()),
    }
}
