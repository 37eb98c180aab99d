//! `svcdesk check`: every record read and every fault reported, file by file — syntax
//! (file:line:column), schema, fields, IDs and paths, duplicates, references.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

use crate::config::Policy;
use crate::config::fields::{self, FieldRecord};
use crate::desk::attachments::{self, Attachment};
use crate::desk::id::ID_LEN;
use crate::desk::record::SCHEMA;
use crate::desk::{Desk, Id, Kind, Walk, record};
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
///
/// Tickets stream: each is checked as its folder is read, references and all, and only
/// its faults and the few things the desk-wide checks need (holiday gaps, attachments,
/// merge links, an ID not at its own path) are kept, so memory follows the faults and
/// the ticket IDs (16 bytes each), not the tickets.
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
        if kind != Kind::Ticket {
            files.push((kind, desk.record_files(kind)?));
        }
    }
    // A ticket that failed to parse still exists: links to it are not dangling.
    let ticket_ids = TicketIds::of(desk)?;
    let ticket_exists = |id: &str| ticket_ids.contains(id);
    report.files = files.iter().map(|(_, f)| f.len()).sum::<usize>() + ticket_ids.files;
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
    // Each file on its own, on all cores; then the checks that need them all. Records
    // whose ID is not the one their path gives are the only ones that can share an ID.
    let mut strays: Vec<Stray> = Vec::new();
    let mut named: Vec<(PathBuf, String, Attachment)> = Vec::new();
    let today = desk.local(now).date_naive();
    // Customers first: tickets are checked against their IDs as they are read.
    let customer_files = &files[0];
    debug_assert_eq!(customer_files.0, Kind::Customer);
    let customers: Vec<CustomerChecked> = customer_files
        .1
        .par_iter()
        .map(|path| check_customer_file(desk, path, gaps, today))
        .collect();
    // A reference is good when the customer's file exists, even if that file is broken
    // (its own fault is reported on its own line, not as a dangling reference here).
    let mut customer_ids: HashSet<String> = desk.ids(Kind::Customer)?.into_iter().collect();
    customer_ids.extend(customers.iter().filter_map(|c| c.id.clone()));
    let mut tier_warnings = Vec::new();
    for c in customers {
        report.problems.extend(c.problems);
        strays.extend(c.stray);
        named.extend(c.attached);
        tier_warnings.extend(c.tier_warnings);
        if let Some((rel, r)) = c.referred_by
            && !customer_ids.contains(&r)
        {
            report.problems.push(Problem {
                path: rel,
                line: None,
                column: None,
                message: format!("referred_by = \"{r}\": no such customer"),
            });
        }
    }
    // Tickets, a folder at a time. A ticket file unchanged since the cache found it clean
    // is not read again.
    let mut missing: BTreeSet<i32> = BTreeSet::new();
    let mut merges: Vec<(PathBuf, Vec<String>)> = Vec::new();
    ticket_runs(desk, &mut |run| {
        let checked = ticket_cache::with_clean(desk, &run, |path, clean| {
            let x = match clean {
                Some(t) => examined_clean(
                    path.strip_prefix(&desk.root).unwrap_or(path).to_path_buf(),
                    t,
                    gaps,
                ),
                None => examine(desk, Kind::Ticket, path, gaps),
            };
            check_ticket(desk, x, &customer_ids, &ticket_exists)
        });
        for t in checked {
            report.problems.extend(t.problems);
            strays.extend(t.stray);
            missing.extend(t.holiday_gaps);
            named.extend(t.attached);
            merges.extend(t.merge_links);
        }
        Ok(())
    })?;
    merge_problems(&merges, &mut report);
    let mut examined: Vec<(Kind, Examined)> = Vec::new();
    for (kind, paths) in &files[1..] {
        examined.par_extend(
            paths
                .par_iter()
                .map(|path| (*kind, examine(desk, *kind, path, gaps))),
        );
    }
    let mut field_reports: Vec<(PathBuf, FieldReport)> = Vec::new();
    let mut measures: Vec<(PathBuf, Measure)> = Vec::new();
    let mut intel: Vec<(PathBuf, crate::model::intel::Intel)> = Vec::new();
    let mut visits: Vec<(PathBuf, Visit)> = Vec::new();
    for (kind, x) in examined {
        strays.extend(x.stray(kind));
        report.problems.extend(x.problems);
        match x.record {
            Parsed::Nothing | Parsed::Customer(_) | Parsed::Ticket(_) => {}
            Parsed::Report(r) => field_reports.push((x.rel, *r)),
            Parsed::Measure(m) => measures.push((x.rel, *m)),
            Parsed::Intel(i) => intel.push((x.rel, *i)),
            Parsed::Visit(v) => visits.push((x.rel, *v)),
        }
    }
    report.problems.extend(duplicates(desk, strays));
    // Field-service reports: sound on their own (time order, scores, money), and their
    // engineer, customer and ticket exist.
    for (rel, r) in &field_reports {
        let own = r.problems();
        let refs = r.reference_problems(&desk.config, &customer_ids, &ticket_exists);
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
        for msg in m.reference_problems(&desk.config, &ticket_exists) {
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
        for msg in v.reference_problems(&desk.config, &customer_ids, &ticket_exists) {
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
                for m in worklog::problems(&log, &stem, &desk.config, &ticket_exists) {
                    problem(None, None, m);
                }
            }
            Err(e) => push_error(&mut problem, e),
        }
    }
    report.problems.extend(hook_problems(desk));
    for (rel, r) in &field_reports {
        named.extend(
            r.files
                .iter()
                .map(|a| (rel.clone(), "report".into(), a.clone())),
        );
    }
    check_attachments(desk, &named, &mut report);
    report.problems.sort();
    missing.extend(gaps.and_then(HolidayGaps::now));
    let mut warnings: Vec<String> = missing.into_iter().map(coverage::warning).collect();
    warnings.append(&mut report.warnings);
    warnings.extend(tier_warnings);
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

/// A customer's own faults; whether `referred_by` exists is asked once every customer
/// ID is known.
fn check_customer(c: &Customer, mut problem: impl FnMut(String)) {
    if c.name.trim().is_empty() {
        problem("`name` is empty".into());
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

/// What a customer file leaves for the checks that need every customer.
struct CustomerChecked {
    problems: Vec<Problem>,
    stray: Option<Stray>,
    /// The ID it holds, if it parsed as a customer.
    id: Option<String>,
    referred_by: Option<(PathBuf, String)>,
    tier_warnings: Vec<String>,
    attached: Vec<(PathBuf, String, Attachment)>,
}

fn check_customer_file(
    desk: &Desk,
    path: &std::path::Path,
    gaps: Option<&HolidayGaps>,
    today: chrono::NaiveDate,
) -> CustomerChecked {
    let x = examine(desk, Kind::Customer, path, gaps);
    let mut out = CustomerChecked {
        stray: x.stray(Kind::Customer),
        problems: x.problems,
        id: None,
        referred_by: None,
        tier_warnings: Vec::new(),
        attached: Vec::new(),
    };
    let Parsed::Customer(c) = x.record else {
        return out;
    };
    let rel = x.rel;
    let mut problem = |message| {
        out.problems.push(Problem {
            path: rel.clone(),
            line: None,
            column: None,
            message,
        })
    };
    check_customer(&c, &mut problem);
    for m in fields::problems(&desk.config.fields, FieldRecord::Customer, &c.fields) {
        problem(m);
    }
    out.tier_warnings =
        crate::model::customer::tier_warnings(&desk.config, std::iter::once(&*c), today);
    for (i, l) in c.log.iter().enumerate() {
        let at = format!("log entry {}", i + 1);
        out.attached
            .extend(l.files.iter().map(|a| (rel.clone(), at.clone(), a.clone())));
    }
    out.referred_by = c.referred_by.clone().map(|r| (rel, r));
    out.id = Some(c.id);
    out
}

/// What a ticket file leaves for the checks that need every ticket: nothing, for a
/// sound ticket that is not part of a merge and attaches nothing.
struct TicketChecked {
    problems: Vec<Problem>,
    stray: Option<Stray>,
    holiday_gaps: BTreeSet<i32>,
    attached: Vec<(PathBuf, String, Attachment)>,
    /// Its `merged-into:` and `merged-from:` links, if it has any.
    merge_links: Option<(PathBuf, Vec<String>)>,
}

/// Everything about one ticket that the other tickets do not decide.
fn check_ticket(
    desk: &Desk,
    x: Examined,
    customers: &HashSet<String>,
    tickets: &impl Fn(&str) -> bool,
) -> TicketChecked {
    let mut out = TicketChecked {
        stray: x.stray(Kind::Ticket),
        problems: x.problems,
        holiday_gaps: BTreeSet::new(),
        attached: Vec::new(),
        merge_links: None,
    };
    let Parsed::Ticket(t) = x.record else {
        return out;
    };
    let rel = x.rel;
    check_ticket_refs(desk, &t, customers, tickets, |message| {
        out.problems.push(Problem {
            path: rel.clone(),
            line: None,
            column: None,
            message,
        })
    });
    out.holiday_gaps = t.holiday_gaps;
    out.attached = t
        .files
        .into_iter()
        .map(|(at, a)| (rel.clone(), at, a))
        .collect();
    let merges: Vec<String> = t
        .links
        .into_iter()
        .filter(|l| l.starts_with("merged-into:") || l.starts_with("merged-from:"))
        .collect();
    if !merges.is_empty() {
        out.merge_links = Some((rel, merges));
    }
    out
}

/// A record whose ID is not the one its path gives (a copy under another name, a file
/// in the wrong folder, an ID that is no ID): the only kind of record that can share its
/// ID with another, since two records at their own paths have different IDs.
struct Stray {
    /// Where it comes in the order `check` reads records: its folder's kind, then path.
    kind: Kind,
    rel: PathBuf,
    id: String,
}

impl Examined {
    fn stray(&self, kind: Kind) -> Option<Stray> {
        let id = self.id.as_deref()?;
        let home = Id::parse(id).filter(|i| i.as_str() == id);
        if home.is_some_and(|h| h.rel_path() == self.rel) {
            return None;
        }
        Some(Stray {
            kind,
            rel: self.rel.clone(),
            id: id.to_string(),
        })
    }
}

/// Every record but the first (in the order they are read: kind, then path) that holds
/// an ID another record holds. Each group of such records has a stray in it; the record
/// at the ID's own path, if any, is read again to learn whether it is one of them.
fn duplicates(desk: &Desk, strays: Vec<Stray>) -> Vec<Problem> {
    let mut by_id: BTreeMap<String, Vec<(Kind, PathBuf)>> = BTreeMap::new();
    for s in strays {
        by_id.entry(s.id).or_default().push((s.kind, s.rel));
    }
    let mut out = Vec::new();
    for (id, mut holders) in by_id {
        if let Some(home) = Id::parse(&id).filter(|i| i.as_str() == id) {
            let rel = home.rel_path();
            let path = desk.root.join(&rel);
            if is_listed(&desk.root, &rel)
                && examine(desk, home.kind(), &path, None).id.as_deref() == Some(id.as_str())
            {
                holders.push((home.kind(), rel));
            }
        }
        holders.sort();
        let Some(((_, first), rest)) = holders.split_first() else {
            continue;
        };
        out.extend(rest.iter().map(|(_, rel)| Problem {
            path: rel.clone(),
            line: None,
            column: None,
            message: format!("duplicate ID {id}: also in {}", first.display()),
        }));
    }
    out
}

/// Whether `rel` is a regular file reached through real folders, as `Desk::record_files`
/// lists records (it follows no symbolic link).
fn is_listed(root: &std::path::Path, rel: &std::path::Path) -> bool {
    let mut at = root.to_path_buf();
    let mut parts = rel.components().peekable();
    while let Some(part) = parts.next() {
        at.push(part);
        let Ok(m) = std::fs::symlink_metadata(&at) else {
            return false;
        };
        let ok = if parts.peek().is_some() {
            m.is_dir()
        } else {
            m.is_file()
        };
        if !ok {
            return false;
        }
    }
    true
}

/// The names of the ticket files, which is what a reference to a ticket must find: as
/// sorted 16-byte keys (every ID has that length), so a million cost 16 MB.
struct TicketIds {
    keys: Vec<[u8; ID_LEN]>,
    other: HashSet<Box<str>>,
    files: usize,
}

impl TicketIds {
    fn of(desk: &Desk) -> Result<TicketIds> {
        let mut ids = TicketIds {
            keys: Vec::new(),
            other: HashSet::new(),
            files: 0,
        };
        ticket_runs(desk, &mut |run| {
            ids.files += run.len();
            for p in &run {
                let Some(stem) = p.file_stem() else { continue };
                let stem = stem.to_string_lossy();
                match <[u8; ID_LEN]>::try_from(stem.as_bytes()) {
                    Ok(key) => ids.keys.push(key),
                    Err(_) => {
                        ids.other.insert(stem.into());
                    }
                }
            }
            Ok(())
        })?;
        ids.keys.sort_unstable();
        ids.keys.dedup();
        ids.keys.shrink_to_fit();
        Ok(ids)
    }

    fn contains(&self, id: &str) -> bool {
        match <[u8; ID_LEN]>::try_from(id.as_bytes()) {
            Ok(key) => self.keys.binary_search(&key).is_ok(),
            Err(_) => self.other.contains(id),
        }
    }
}

/// The ticket files as `Desk::record_files` lists them, in its order, handed to `f` a
/// run at a time (normally a month folder), so that no list of every ticket file is held.
fn ticket_runs(desk: &Desk, f: &mut dyn FnMut(Vec<PathBuf>) -> Result<()>) -> Result<()> {
    desk.walk_records(Kind::Ticket, &mut |step| match step {
        Walk::Files(dir, names) => f(names.iter().map(|n| dir.join(n)).collect()),
        Walk::Left(_) => Ok(()),
    })
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
fn merge_problems(tickets: &[(PathBuf, Vec<String>)], report: &mut Report) {
    let id = |rel: &PathBuf| {
        rel.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let merged_into: HashSet<(String, &str)> = tickets
        .iter()
        .flat_map(|(rel, links)| {
            let src = id(rel);
            links
                .iter()
                .filter_map(|l| l.strip_prefix("merged-into:"))
                .map(move |dst| (src.clone(), dst))
        })
        .collect();
    for (rel, links) in tickets {
        let dst = id(rel);
        for src in links.iter().filter_map(|l| l.strip_prefix("merged-from:")) {
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
    tickets: &impl Fn(&str) -> bool,
    mut problem: impl FnMut(String),
) {
    if let Some(c) = &t.customer
        && !customers.contains(c)
    {
        problem(format!("customer = \"{c}\": no such customer"));
    }
    for l in &t.links {
        let target = l.split_once(':').map_or(l.as_str(), |(_, id)| id);
        if !tickets(target) {
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
