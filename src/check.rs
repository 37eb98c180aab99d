//! `svcdesk check`: every record read and every fault reported, file by file — syntax
//! (file:line:column), schema, fields, IDs and paths, duplicates, references.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

use crate::config::Policy;
use crate::config::fields::{self, FieldRecord};
use crate::desk::attachments::{self, Attachment};
use crate::desk::record::SCHEMA;
use crate::desk::{Desk, Id, Kind, record};
use crate::error::{Error, Result};
use crate::model::customer::Customer;
use crate::model::measure::Measure;
use crate::model::names;
use crate::model::record::Step;
use crate::model::record::check_history;
use crate::model::report::Report as FieldReport;
use crate::model::ticket::Ticket;
use crate::model::ticket_cache;
use crate::model::visit::Visit;
use crate::model::worklog;
use crate::sla::{HolidayGaps, coverage};

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
    /// Things worth fixing that are not faults of a record, one sentence each (today:
    /// years `[calendar]` lists no holidays for although deadlines or the present fall in
    /// them). They never make the desk unclean.
    pub warnings: Vec<String>,
    /// Leftover temp files of killed writes, removed (relative to the desk root).
    pub tidied: Vec<PathBuf>,
}

/// What `git mergetool` leaves next to a record: `X.toml.orig`, `X_BASE_123.toml` ...
fn is_merge_leftover(name: &str) -> bool {
    name.ends_with(".toml.orig")
        || (name.ends_with(".toml")
            && ["_BASE_", "_LOCAL_", "_REMOTE_", "_BACKUP_"]
                .iter()
                .any(|m| name.contains(m)))
}

/// Removes the `.svcdesk-tmp-*` files killed writes left anywhere in the desk, if no
/// write is under way (then the next check or write does it).
fn tidy(desk: &Desk) -> Vec<PathBuf> {
    let Ok(Some(lock)) = crate::desk::WriteLock::try_acquire(&desk.root) else {
        return Vec::new();
    };
    walkdir::WalkDir::new(&desk.root)
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !matches!(e.file_name().to_str(), Some(".git" | ".svcdesk"))
        })
        .flatten()
        .filter(|e| e.file_type().is_dir())
        .flat_map(|e| lock.tidy(e.path()))
        .map(|p| p.strip_prefix(&desk.root).map(PathBuf::from).unwrap_or(p))
        .collect()
}

/// What one file yields: its own problems, and what the cross-file checks need. Tickets
/// keep only their references, so checking a 100k desk does not hold 100k histories.
struct Examined {
    rel: PathBuf,
    id: Option<String>,
    problems: Vec<Problem>,
    record: Parsed,
}

enum Parsed {
    Nothing,
    Customer(Box<Customer>),
    Ticket(TicketRefs),
    Report(Box<FieldReport>),
    Measure(Box<Measure>),
    Intel(Box<crate::model::intel::Intel>),
    Visit(Box<Visit>),
}

struct TicketRefs {
    customer: Option<String>,
    links: Vec<String>,
    category: Option<String>,
    departments: Vec<String>,
    /// Years without holidays in `[calendar]` that a working-time deadline falls in.
    holiday_gaps: BTreeSet<i32>,
    /// Stored files its events attach, with where: "event 3 (note)".
    files: Vec<(String, Attachment)>,
    /// Fault cause codes its events record, each once.
    cause_codes: Vec<String>,
    /// Its custom values, checked against `[fields]` (which the cache does not know).
    fields: crate::config::fields::Values,
}

/// The files a ticket's events attach, each with the event that names it.
fn ticket_files(t: &Ticket) -> Vec<(String, Attachment)> {
    t.event
        .iter()
        .enumerate()
        .flat_map(|(i, e)| {
            let at = format!("event {} ({})", i + 1, Step::action(e));
            e.files.iter().map(move |f| (at.clone(), f.clone()))
        })
        .collect()
}

/// The fault cause codes a ticket's events record, each once.
fn cause_codes(t: &Ticket) -> Vec<String> {
    let mut codes: Vec<String> = t
        .event
        .iter()
        .filter_map(|e| match e.field.as_deref() {
            // A correction (`ticket set --cause-code`) holds it as its new value.
            Some("cause_code") if e.action == Some(crate::model::ticket::Action::Set) => {
                e.new.clone()
            }
            _ => e.cause_code.clone(),
        })
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

/// Every attachment a record names must be in the store with its recorded hash; each
/// stored file is read once however many records name it. Files in the store that no
/// record names (a command killed between copying a file and writing its event) are
/// warnings, not faults.
fn check_attachments(desk: &Desk, named: &[(PathBuf, String, Attachment)], report: &mut Report) {
    use rayon::prelude::*;
    let mut unique: Vec<&Attachment> = named.iter().map(|(_, _, a)| a).collect();
    unique.sort_by(|a, b| (a.path(), &a.sha256).cmp(&(b.path(), &b.sha256)));
    unique.dedup_by(|a, b| a.path() == b.path() && a.sha256 == b.sha256);
    let faults: HashMap<(String, String), String> = unique
        .par_iter()
        .filter_map(|a| {
            attachments::problem(&desk.root, a).map(|m| ((a.path(), a.sha256.clone()), m))
        })
        .collect();
    for (rel, at, a) in named {
        if let Some(m) = faults.get(&(a.path(), a.sha256.clone())) {
            report.problems.push(Problem {
                path: rel.clone(),
                line: None,
                column: None,
                message: format!("{at}: {m}"),
            });
        }
    }
    let referenced: HashSet<String> = named.iter().map(|(_, _, a)| a.path()).collect();
    for stored in attachments::stored(&desk.root) {
        if !referenced.contains(&stored) {
            report.warnings.push(format!(
                "{stored} is attached to no record (left by an interrupted command?); \
                 delete it if nothing needs it"
            ));
        }
    }
}

/// Checks every record of `desk`; `now` is the present, for the deadlines of open tickets.
pub fn check(desk: &Desk, now: chrono::DateTime<chrono::Utc>) -> Result<Report> {
    use rayon::prelude::*;
    let mut report = Report {
        tidied: tidy(desk),
        ..Report::default()
    };
    // The config was validated when it loaded; a policy that still fails has nothing to say.
    let policy = desk
        .config
        .calendar()
        .ok()
        .and_then(|c| Policy::new(&desk.config.sla, c).ok())
        .and_then(|p| p.with_tiers(&desk.config).ok());
    let gaps = policy
        .as_ref()
        .and_then(|p| HolidayGaps::new(p, &desk.config.sla, now));
    let gaps = gaps.as_ref();
    let mut files = Vec::new();
    for kind in Kind::ALL {
        files.push((kind, desk.record_files(kind)?));
    }
    report.files = files.iter().map(|(_, f)| f.len()).sum();
    // Readers skip symlinks and writers refuse them; say so, rather than let a record
    // silently vanish from every listing.
    for kind in Kind::ALL {
        let base = desk.root.join(kind.dir());
        for entry in walkdir::WalkDir::new(&base)
            .min_depth(1)
            .max_depth(3)
            .into_iter()
            .flatten()
        {
            let name = entry.file_name().to_string_lossy();
            if entry.file_type().is_dir() && name.ends_with(".toml") {
                report.problems.push(Problem {
                    path: entry.path().strip_prefix(&desk.root).unwrap_or(entry.path()).to_path_buf(),
                    line: None,
                    column: None,
                    message: "is a folder where a record file belongs; move what it holds out and remove it".into(),
                });
            }
            if entry.file_type().is_file() && is_merge_leftover(&name) {
                report.problems.push(Problem {
                    path: entry.path().strip_prefix(&desk.root).unwrap_or(entry.path()).to_path_buf(),
                    line: None,
                    column: None,
                    message: "left over from a conflicted merge (git mergetool); finish the merge and remove it".into(),
                });
            }
            if entry.path_is_symlink() && name.ends_with(".toml") && !name.starts_with('.') {
                report.problems.push(Problem {
                    path: entry.path().strip_prefix(&desk.root).unwrap_or(entry.path()).to_path_buf(),
                    line: None,
                    column: None,
                    message: "is a symbolic link; records must be regular files inside the desk (it is ignored)"
                        .into(),
                });
            }
        }
    }
    // Each file on its own, on all cores; then the checks that need them all.
    // A ticket file unchanged since the cache found it clean is not read again.
    let mut examined: Vec<Examined> = Vec::new();
    for (kind, paths) in &files {
        if *kind == Kind::Ticket {
            examined.extend(ticket_cache::with_clean(
                desk,
                paths,
                |path, clean| match clean {
                    Some(t) => examined_clean(
                        path.strip_prefix(&desk.root).unwrap_or(path).to_path_buf(),
                        t,
                        gaps,
                    ),
                    None => examine(desk, *kind, path, gaps),
                },
            ));
        } else {
            examined.par_extend(
                paths
                    .par_iter()
                    .map(|path| examine(desk, *kind, path, gaps)),
            );
        }
    }
    let mut seen: HashMap<&str, &PathBuf> = HashMap::new();
    let mut customers: Vec<(PathBuf, Customer)> = Vec::new();
    let mut tickets: Vec<(PathBuf, TicketRefs)> = Vec::new();
    let mut field_reports: Vec<(PathBuf, FieldReport)> = Vec::new();
    let mut measures: Vec<(PathBuf, Measure)> = Vec::new();
    let mut intel: Vec<(PathBuf, crate::model::intel::Intel)> = Vec::new();
    let mut visits: Vec<(PathBuf, Visit)> = Vec::new();
    let mut duplicates = Vec::new();
    for x in &examined {
        if let Some(id) = &x.id {
            match seen.get(id.as_str()) {
                Some(first) => duplicates.push(Problem {
                    path: x.rel.clone(),
                    line: None,
                    column: None,
                    message: format!("duplicate ID {id}: also in {}", first.display()),
                }),
                None => {
                    seen.insert(id, &x.rel);
                }
            }
        }
    }
    report.problems.extend(duplicates);
    for x in examined {
        report.problems.extend(x.problems);
        match x.record {
            Parsed::Nothing => {}
            Parsed::Customer(c) => customers.push((x.rel, *c)),
            Parsed::Ticket(t) => tickets.push((x.rel, t)),
            Parsed::Report(r) => field_reports.push((x.rel, *r)),
            Parsed::Measure(m) => measures.push((x.rel, *m)),
            Parsed::Intel(i) => intel.push((x.rel, *i)),
            Parsed::Visit(v) => visits.push((x.rel, *v)),
        }
    }
    // A reference is good when the customer's file exists, even if that file is broken
    // (its own fault is reported on its own line, not as a dangling reference here).
    let mut customer_ids: HashSet<String> = desk.ids(Kind::Customer)?.into_iter().collect();
    customer_ids.extend(customers.iter().map(|(_, c)| c.id.clone()));
    for (rel, c) in &customers {
        let custom = fields::problems(&desk.config.fields, FieldRecord::Customer, &c.fields);
        check_customer(c, &customer_ids, |m| {
            report.problems.push(Problem {
                path: rel.clone(),
                line: None,
                column: None,
                message: m,
            })
        });
        report.problems.extend(custom.into_iter().map(|m| Problem {
            path: rel.clone(),
            line: None,
            column: None,
            message: m,
        }));
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
    merge_problems(&tickets, &mut report);
    // Field-service reports: sound on their own (time order, scores, money), and their
    // engineer, customer and ticket exist.
    for (rel, r) in &field_reports {
        let own = r.problems();
        let refs = r.reference_problems(&desk.config, &customer_ids, &ticket_ids);
        let custom = fields::problems(&desk.config.fields, FieldRecord::Report, &r.fields);
        for m in own.into_iter().chain(refs).chain(custom) {
            report.problems.push(Problem {
                path: rel.clone(),
                line: None,
                column: None,
                message: m,
            });
        }
    }
    // Improvement measures: their tickets exist, their owner is staff, their category
    // is configured (history and fields were checked file by file).
    for (rel, m) in &measures {
        for msg in m.reference_problems(&desk.config, &ticket_ids) {
            report.problems.push(Problem {
                path: rel.clone(),
                line: None,
                column: None,
                message: msg,
            });
        }
    }
    // 旬报 items: their sales person and owner are staff, their customer exists.
    for (rel, i) in &intel {
        for msg in i.reference_problems(&desk.config, &customer_ids) {
            report.problems.push(Problem {
                path: rel.clone(),
                line: None,
                column: None,
                message: msg,
            });
        }
    }
    // Site visits: their ticket and customer exist, their engineer is on the staff list.
    for (rel, v) in &visits {
        for msg in v.reference_problems(&desk.config, &customer_ids, &ticket_ids) {
            report.problems.push(Problem {
                path: rel.clone(),
                line: None,
                column: None,
                message: msg,
            });
        }
    }
    // Templates: each renders against a sample context (an unknown variable, a syntax
    // error) at its file's line.
    report.files += crate::template::files(&desk.root)?.len();
    for e in crate::template::check(desk, now)? {
        report.problems.push(match e {
            Error::Parse {
                path,
                line,
                column,
                message,
            } => Problem {
                path,
                line: Some(line),
                column: Some(column),
                message,
            },
            e => Problem {
                path: PathBuf::from(crate::template::DIR),
                line: None,
                column: None,
                message: e.to_string(),
            },
        });
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
    report.problems.extend(hook_problems(desk));
    let mut named: Vec<(PathBuf, String, Attachment)> = Vec::new();
    for (rel, t) in &tickets {
        named.extend(
            t.files
                .iter()
                .map(|(at, a)| (rel.clone(), at.clone(), a.clone())),
        );
    }
    for (rel, c) in &customers {
        for (i, l) in c.log.iter().enumerate() {
            let at = format!("log entry {}", i + 1);
            named.extend(l.files.iter().map(|a| (rel.clone(), at.clone(), a.clone())));
        }
    }
    for (rel, r) in &field_reports {
        named.extend(
            r.files
                .iter()
                .map(|a| (rel.clone(), "report".into(), a.clone())),
        );
    }
    check_attachments(desk, &named, &mut report);
    report.problems.sort();
    let mut missing: BTreeSet<i32> = tickets
        .iter()
        .flat_map(|(_, t)| t.holiday_gaps.iter().copied())
        .collect();
    missing.extend(gaps.and_then(HolidayGaps::now));
    let mut warnings: Vec<String> = missing.into_iter().map(coverage::warning).collect();
    warnings.append(&mut report.warnings);
    warnings.extend(crate::model::customer::tier_warnings(
        &desk.config,
        customers.iter().map(|(_, c)| c),
        desk.local(now).date_naive(),
    ));
    report.warnings = warnings;
    Ok(report)
}

/// Hooks whose program is not there: caught here, not by the first ticket it should
/// have announced. (Bad actions and values already fail the config load at their line.)
fn hook_problems(desk: &Desk) -> Vec<Problem> {
    let path = desk.root.join(crate::config::FILE_NAME);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let mut problems = Vec::new();
    for (i, rule) in desk.config.hooks.rule.iter().enumerate() {
        let Some(program) = crate::desk::program::missing_program(&desk.root, &rule.command) else {
            continue;
        };
        let at = crate::keypath::KeyPath::new(["hooks", "rule"])
            .index(i)
            .key("command")
            .locate(&text)
            .map(|offset| crate::error::line_column(&text, offset));
        problems.push(Problem {
            path: crate::config::FILE_NAME.into(),
            line: at.map(|(l, _)| l),
            column: at.map(|(_, c)| c),
            message: format!(
                "hooks.rule[{i}]: `{program}` is not an executable program (hooks run with sh -c in the desk folder)"
            ),
        });
    }
    problems
}

fn examine(
    desk: &Desk,
    kind: Kind,
    path: &std::path::Path,
    gaps: Option<&HolidayGaps>,
) -> Examined {
    let rel = path.strip_prefix(&desk.root).unwrap_or(path).to_path_buf();
    let mut x = Examined {
        rel: rel.clone(),
        id: None,
        problems: Vec::new(),
        record: Parsed::Nothing,
    };
    let mut problem = |line: Option<usize>, column: Option<usize>, message: String| {
        x.problems.push(Problem {
            path: rel.clone(),
            line,
            column,
            message,
        })
    };
    let text = match record::read_text(path) {
        Ok(t) => t,
        Err(e) => {
            push_error(&mut problem, e);
            return x;
        }
    };
    // The typed parse is the common, clean case; only when it fails is the file read
    // again as plain TOML, to tell a schema or ID problem from a field problem.
    let typed: Result<(i64, String, Parsed)> = match kind {
        Kind::Customer => record::parse_typed::<Customer>(path, &text).map(|c| {
            (
                i64::from(c.schema),
                c.id.clone(),
                Parsed::Customer(Box::new(c)),
            )
        }),
        Kind::Ticket => record::parse_typed::<Ticket>(path, &text).and_then(|t| {
            check_history(path, &text, &t, |m| problem(None, None, m))?;
            let mut departments: Vec<String> = t
                .event
                .iter()
                .filter_map(|e| e.department.clone())
                .collect();
            departments.sort();
            departments.dedup();
            let cause_codes = cause_codes(&t);
            let holiday_gaps = gaps.map(|g| g.of_ticket(&t)).unwrap_or_default();
            Ok((
                i64::from(t.schema),
                t.id.clone(),
                Parsed::Ticket(TicketRefs {
                    files: ticket_files(&t),
                    fields: t.fields,
                    customer: t.customer,
                    links: t.links,
                    category: t.category,
                    departments,
                    holiday_gaps,
                    cause_codes,
                }),
            ))
        }),
        Kind::Measure => record::parse_typed::<Measure>(path, &text).and_then(|m| {
            check_history(path, &text, &m, |m| problem(None, None, m))?;
            Ok((
                i64::from(m.schema),
                m.id.clone(),
                Parsed::Measure(Box::new(m)),
            ))
        }),
        Kind::Visit => record::parse_typed::<Visit>(path, &text).and_then(|v| {
            check_history(path, &text, &v, |m| problem(None, None, m))?;
            Ok((
                i64::from(v.schema),
                v.id.clone(),
                Parsed::Visit(Box::new(v)),
            ))
        }),
        Kind::Schedule => record::parse_typed::<crate::model::schedule::Schedule>(path, &text)
            .and_then(|s| {
                check_history(path, &text, &s, |m| problem(None, None, m))?;
                Ok((i64::from(s.schema), s.id.clone(), Parsed::Nothing))
            }),
        Kind::Intel => {
            record::parse_typed::<crate::model::intel::Intel>(path, &text).and_then(|i| {
                check_history(path, &text, &i, |m| problem(None, None, m))?;
                Ok((
                    i64::from(i.schema),
                    i.id.clone(),
                    Parsed::Intel(Box::new(i)),
                ))
            })
        }
        Kind::Report => record::parse_typed::<FieldReport>(path, &text).map(|r| {
            (
                i64::from(r.schema),
                r.id.clone(),
                Parsed::Report(Box::new(r)),
            )
        }),
    };
    let (schema, id_text, typed) = match typed {
        Ok((schema, id, parsed)) => (Some(schema), Some(id), Ok(parsed)),
        Err(e) => {
            let table: toml::Table = match record::parse_typed(path, &text) {
                Ok(t) => t,
                Err(syntax) => {
                    push_error(&mut problem, syntax);
                    return x;
                }
            };
            (
                table.get("schema").and_then(toml::Value::as_integer),
                table
                    .get("id")
                    .and_then(toml::Value::as_str)
                    .map(String::from),
                Err(e),
            )
        }
    };
    match schema {
        Some(SCHEMA) => {}
        Some(n) => {
            problem(
                None,
                None,
                format!("unknown schema version {n}; this svcdesk reads schema {SCHEMA}"),
            );
            return x;
        }
        None => {
            problem(None, None, "missing `schema = 1`".into());
            return x;
        }
    }
    let Some(id_text) = id_text else {
        problem(None, None, "missing `id`".into());
        return x;
    };
    let id_text = id_text.as_str();
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
    x.id = Some(id_text.to_string());
    match typed {
        Ok(parsed) => x.record = parsed,
        Err(e) => push_error(&mut problem, e),
    }
    x
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

/// What `examine` would give for a ticket file the cache vouches for as clean.
fn examined_clean(rel: PathBuf, t: Ticket, gaps: Option<&HolidayGaps>) -> Examined {
    let mut departments: Vec<String> = t
        .event
        .iter()
        .filter_map(|e| e.department.clone())
        .collect();
    departments.sort();
    departments.dedup();
    let holiday_gaps = gaps.map(|g| g.of_ticket(&t)).unwrap_or_default();
    let files = ticket_files(&t);
    let cause_codes = cause_codes(&t);
    Examined {
        rel,
        id: Some(t.id),
        problems: Vec::new(),
        record: Parsed::Ticket(TicketRefs {
            cause_codes,
            files,
            fields: t.fields,
            customer: t.customer,
            links: t.links,
            category: t.category,
            departments,
            holiday_gaps,
        }),
    }
}

/// A merge is written target first, then its sources: a target that lists
/// `merged-from:SRC` while SRC is not `merged-into` it is a merge interrupted between
/// the writes, finished by running it again.
fn merge_problems(tickets: &[(PathBuf, TicketRefs)], report: &mut Report) {
    let id = |rel: &PathBuf| {
        rel.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let merged_into: HashSet<(String, &str)> = tickets
        .iter()
        .flat_map(|(rel, t)| {
            let src = id(rel);
            t.links
                .iter()
                .filter_map(|l| l.strip_prefix("merged-into:"))
                .map(move |dst| (src.clone(), dst))
        })
        .collect();
    for (rel, t) in tickets {
        let dst = id(rel);
        for src in t
            .links
            .iter()
            .filter_map(|l| l.strip_prefix("merged-from:"))
        {
            if !merged_into.contains(&(src.to_string(), dst.as_str())) {
                report.problems.push(Problem {
                    path: rel.clone(),
                    line: None,
                    column: None,
                    message: format!(
                        "merged-from {src}, which is not merged into it (an interrupted merge): \
                         finish it with `svcdesk ticket merge {src} --into {dst} -m REASON`"
                    ),
                });
            }
        }
    }
}

fn check_ticket_refs(
    desk: &Desk,
    t: &TicketRefs,
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
    if let Some(p) = t
        .category
        .as_deref()
        .and_then(|c| names::category_problem(&desk.config, c))
    {
        problem(p);
    }
    for d in &t.departments {
        if !desk.config.departments.contains_key(d) {
            problem(format!("department \"{d}\" is not in svcdesk.toml"));
        }
    }
    for c in &t.cause_codes {
        if let Some(p) = names::cause_code_problem(&desk.config, c) {
            problem(p);
        }
    }
    for p in fields::problems(&desk.config.fields, FieldRecord::Ticket, &t.fields) {
        problem(p);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ticket_cache::ticket_file_clean;
    use crate::model::{ticket, ticket_store};

    const OPEN: &str = r#"schema = 1
id = "T20261124-9XWM3A"

[[event]]
at = 2026-11-24T09:30:00+08:00
by = "wang"
action = "open"
title = "noisy pump"
customer = "C20261124-626T3A"
category = "complaint"
channel = "phone"
priority = "medium"
description = "noisy pump"
"#;

    /// The cache's verdict on a ticket file is exactly `examine`'s, for a clean file and
    /// for every per-file fault that does not stop it loading.
    #[test]
    fn clean_agrees_with_examine() {
        let dir = tempfile::tempdir().unwrap();
        let desk = Desk::init(dir.path(), "t", chrono_tz::Asia::Shanghai, false).unwrap();
        let path = desk.root.join("tickets/2026/11/T20261124-9XWM3A.toml");
        let stored: Ticket = record::parse_typed(&path, OPEN).unwrap();
        let replayed = ticket::replay(&stored.id, &stored.event).unwrap();
        let clean = ticket_store::render(&desk, &replayed).unwrap();
        let late_note = "\n[[event]]\nat = 2026-11-24T08:00:00+08:00\nby = \"wang\"\naction = \"note\"\ntext = \"earlier\"\n";
        let cases: Vec<(&str, &str, String)> = vec![
            (
                "clean",
                "tickets/2026/11/T20261124-9XWM3A.toml",
                clean.clone(),
            ),
            (
                "drift",
                "tickets/2026/11/T20261124-9XWM3A.toml",
                clean.replacen("title = \"noisy pump\"", "title = \"quiet pump\"", 1),
            ),
            (
                "out of order",
                "tickets/2026/11/T20261124-9XWM3A.toml",
                format!("{clean}{late_note}"),
            ),
            (
                "schema",
                "tickets/2026/11/T20261124-9XWM3A.toml",
                clean.replace("schema = 1", "schema = 2"),
            ),
            (
                "elsewhere",
                "tickets/2026/10/T20261124-9XWM3A.toml",
                clean.clone(),
            ),
            (
                "bad id",
                "tickets/2026/11/T20261124-9XWM3A.toml",
                clean.replace("id = \"T20261124-9XWM3A\"", "id = \"T20261124-9xwm3a\""),
            ),
        ];
        for (what, rel, text) in cases {
            let path = desk.root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
            let examined = examine(&desk, Kind::Ticket, &path, None);
            let (stored, replayed) = ticket_store::parse_stored(&path, &text).unwrap();
            assert_eq!(
                ticket_file_clean(std::path::Path::new(rel), &stored, &replayed),
                examined.problems.is_empty(),
                "{what}: {:?}",
                examined.problems
            );
            assert_eq!(examined.problems.is_empty(), what == "clean", "{what}");
            std::fs::remove_file(&path).unwrap();
        }
    }
}
