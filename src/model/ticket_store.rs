//! Tickets on disk: load one or all (in parallel), open a new one (with routing), and
//! append a step — under the desk lock, changing only the lines the step changes.

use std::path::{Path, PathBuf};

use super::names;
use super::record;
// The engine's, at the paths their callers have always used.
pub use super::record::{
    event_line, event_table, push_event, render, replay_checked, write_values,
};
use chrono::{DateTime, Utc};

use super::ticket::{self, Action, Event, State, Ticket};
use super::ticket_cache;
use crate::desk::{Desk, Id, Kind, When};
use crate::error::{Error, Result};

/// Loads a ticket as its history says it is: the stored fields are a convenience for
/// people and grep; the events are the truth (`svcdesk check` reports any drift).
pub fn load_file(path: &Path) -> Result<Ticket> {
    record::load_file(path)
}

/// The ticket as its file stores it, and as its history replays.
pub(crate) fn parse_stored(path: &Path, text: &str) -> Result<(Ticket, Ticket)> {
    record::parse_stored(path, text)
}

pub fn load(desk: &Desk, id: &Id) -> Result<Ticket> {
    load_file(&desk.path_of(id))
}

/// The few facts of a ticket a read can test before the ticket is decoded: the ticket
/// cache keeps them apart from the ticket, so a question about a few tickets of a big
/// desk (the open ones, those of a month) decodes only those. Every rule a sieve tests
/// is written here, on the facts, and the ticket's own version calls it, so a sieve can
/// never pass over a ticket its command would have kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts<'a> {
    pub id: &'a str,
    pub state: State,
    /// When it was opened (the open event).
    pub opened: Option<DateTime<Utc>>,
    /// Its last event's time.
    pub last: Option<DateTime<Utc>>,
}

impl<'a> Facts<'a> {
    pub fn of(t: &'a Ticket) -> Facts<'a> {
        Facts {
            id: &t.id,
            state: t.state(),
            opened: t.opened.map(|o| o.to_utc()),
            last: t.event.last().map(|e| e.at.to_utc()),
        }
    }

    pub fn is_open(&self) -> bool {
        self.state.is_open()
    }

    /// Whether the ticket may count in a report of `from..to`: opened before its end, and
    /// still open or touched since its start.
    pub fn may_count(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
        self.opened.is_some_and(|o| o < to)
            && (self.is_open() || self.last.is_some_and(|l| l >= from))
    }
}

/// Every ticket `sieve` passes (on its [`Facts`]), through `map`, on all cores; `sink`
/// gets the results in ID order, a part at a time, so memory follows what the answer
/// keeps, not the desk. A bad file fails the scan naming every bad file (file:line:column)
/// unless `skip_bad`, when they are left out and returned.
pub fn scan<T: Send>(
    desk: &Desk,
    skip_bad: bool,
    sieve: impl Fn(&Facts) -> bool + Sync,
    map: impl Fn(Ticket) -> Option<T> + Sync,
    sink: impl FnMut(Vec<T>) -> Result<()>,
) -> Result<Vec<Error>> {
    ticket_cache::scan(desk, None, skip_bad, sieve, map, sink)
}

/// The tickets `sieve` and then `keep` accept, in ID order; with `skip_bad`, bad files
/// are left out and returned.
pub fn load_sieved(
    desk: &Desk,
    skip_bad: bool,
    sieve: impl Fn(&Facts) -> bool + Sync,
    keep: impl Fn(&Ticket) -> bool + Sync,
) -> Result<(Vec<Ticket>, Vec<Error>)> {
    let mut kept = Vec::new();
    let bad = scan(
        desk,
        skip_bad,
        sieve,
        |t| keep(&t).then_some(t),
        |part| {
            kept.extend(part);
            Ok(())
        },
    )?;
    Ok((kept, bad))
}

/// The open tickets, in ID order (see [`load_sieved`]).
pub fn load_open(desk: &Desk, skip_bad: bool) -> Result<(Vec<Ticket>, Vec<Error>)> {
    load_sieved(desk, skip_bad, |f| f.is_open(), |_| true)
}

/// Every ticket, in ID order, parsed on all cores. A bad file fails the whole load,
/// naming every bad file with its file:line:column, so no listing or report is ever
/// silently short.
pub fn load_all(desk: &Desk) -> Result<Vec<Ticket>> {
    load_where(desk, |_| true)
}

/// The tickets `keep` accepts, in ID order. The rest are dropped as soon as they are
/// loaded, so memory follows the answer, not the desk (an SLA check of a 100k desk holds
/// only the open tickets).
pub fn load_where(desk: &Desk, keep: impl Fn(&Ticket) -> bool + Sync) -> Result<Vec<Ticket>> {
    load_where_or_skip(desk, false, keep).map(|(kept, _)| kept)
}

/// `load_where`; with `skip_bad`, files that cannot be read are left out and returned
/// (for `--skip-bad`, which names them) instead of failing the load.
pub fn load_where_or_skip(
    desk: &Desk,
    skip_bad: bool,
    keep: impl Fn(&Ticket) -> bool + Sync,
) -> Result<(Vec<Ticket>, Vec<Error>)> {
    load_sieved(desk, skip_bad, |_| true, keep)
}

/// Visits every ticket in ID order, at most `chunk` at a time, each chunk loaded on all
/// cores: for exports that write as they go, so memory is one chunk, not the desk.
pub fn for_each_chunk(
    desk: &Desk,
    chunk: usize,
    f: impl FnMut(Vec<Ticket>) -> Result<()>,
) -> Result<()> {
    for_each_chunk_or_skip(desk, chunk, false, f).map(|_| ())
}

/// `for_each_chunk`; with `skip_bad`, bad files are left out and returned.
pub fn for_each_chunk_or_skip(
    desk: &Desk,
    chunk: usize,
    skip_bad: bool,
    f: impl FnMut(Vec<Ticket>) -> Result<()>,
) -> Result<Vec<Error>> {
    ticket_cache::scan(desk, Some(chunk), skip_bad, |_| true, Some, f)
}

/// [`scan`] of every ticket in parts of at most `chunk` tickets rather than a month
/// folder each: for a `map` whose results are big (an export's CSV text), so memory is
/// one chunk's results, whatever the size of a month.
pub fn scan_chunked<T: Send>(
    desk: &Desk,
    chunk: usize,
    skip_bad: bool,
    map: impl Fn(Ticket) -> Option<T> + Sync,
    sink: impl FnMut(Vec<T>) -> Result<()>,
) -> Result<Vec<Error>> {
    ticket_cache::scan(desk, Some(chunk), skip_bad, |_| true, map, sink)
}

pub struct Opened {
    pub id: Id,
    pub path: PathBuf,
    pub ticket: Ticket,
}

/// Creates a ticket from its first events (`open`, then routing, or a resolve/close for
/// a complaint settled on the call). Every event is validated by replay before anything
/// is written.
pub fn create(desk: &Desk, mut events: Vec<Event>) -> Result<Opened> {
    let _lock = desk.lock()?;
    let now = events[0].at.to_utc();
    // A ticket a message opens is named by the message, so a second delivery finds it.
    let id = match events[0].message_id.as_deref() {
        Some(mid) => super::intake::ticket_id(desk, mid, now),
        None => desk.new_id(Kind::Ticket, now),
    };
    super::routing::assign_person(desk, &mut events, || load_where(desk, Ticket::is_open))?;
    let blank = Ticket::default();
    for e in &events {
        authorize(desk, &blank, e)?;
    }
    let t = ticket::replay(id.as_str(), &events).map_err(|(_, e)| Error::invalid(e.to_string()))?;
    for e in &events {
        crate::desk::attachments::store(&desk.root, &e.files)?;
    }
    let path = record::create_file(desk, &id, &t)?;
    Ok(Opened {
        id,
        path,
        ticket: t,
    })
}

/// Appends one step to a ticket (see [`record::append`]), after the desk's own rules for
/// it ([`authorize`]). Returns the ticket as it now stands.
pub fn append(desk: &Desk, id: &Id, when: When, e: Event) -> Result<Ticket> {
    record::append(desk, id, when, e, |t: &Ticket, e| authorize(desk, t, e))
}

/// Appends several steps at once, built from the ticket as it stands under the lock
/// (see [`record::append_all`]); each passes [`authorize`]. Returns the ticket and the
/// steps as recorded.
pub fn append_all(
    desk: &Desk,
    id: &Id,
    when: When,
    build: impl FnOnce(&Ticket) -> Result<Vec<Event>>,
) -> Result<(Ticket, Vec<Event>)> {
    record::append_all(desk, id, when, build, |t: &Ticket, e| authorize(desk, t, e))
}

/// The desk's rules for a step: names must exist in the config, and roles decide who
/// may review and approve compensation or accept someone else's ticket. With no staff
/// list, only the config names are checked.
pub fn authorize(desk: &Desk, t: &Ticket, e: &Event) -> Result<()> {
    let cfg = &desk.config;
    if let Some(c) = &e.category {
        names::category(cfg, c)?;
    }
    if let Some(d) = &e.department {
        names::department(cfg, d)?;
    }
    let ask = |roles: &[&str]| -> String {
        let holders: Vec<&str> = cfg
            .staff
            .iter()
            .filter(|s| s.roles.iter().any(|r| roles.contains(&r.as_str())))
            .map(|s| s.id.as_str())
            .collect();
        if holders.is_empty() {
            "nobody on the staff list has it; add it to a [[staff]] entry in svcdesk.toml"
                .to_string()
        } else {
            format!("ask {}", holders.join(", "))
        }
    };
    compensation_rules(cfg, t, e, &ask)?;
    review_rules(cfg, t, e)?;
    return_rules(t, e)?;
    if cfg.staff.is_empty() {
        return Ok(());
    }
    for who in [&e.assignee, &e.lead].into_iter().flatten() {
        names::staff(cfg, who)?;
    }
    let need_role = |roles: &[&str], what: String| -> Result<()> {
        if roles.iter().any(|r| cfg.has_role(&e.by, r)) {
            Ok(())
        } else {
            Err(Error::invalid_with_hint(
                format!(
                    "{} may not {what}: it needs the role {}",
                    e.by,
                    roles.join(" or ")
                ),
                ask(roles),
            ))
        }
    };
    if let Some((roles, what)) = e
        .action
        .and_then(|a| required_roles(a, &e.by, t.assignee.as_deref()))
    {
        need_role(roles, what)?;
    }
    // `[permissions]`: the desk's own rule for the step, on top of the built-in one. Not
    // for svcdesk itself: its steps (`sla check --apply` closing or resuming,
    // `--escalate`) are the desk's own rules ([lifecycle], [sla.escalate]) at work.
    if e.by == record::SYSTEM_ACTOR {
        return Ok(());
    }
    match e.action.and_then(|a| Some((a, cfg.permissions.roles(a)?))) {
        Some((a, roles)) => {
            let roles: Vec<&str> = roles.iter().map(String::as_str).collect();
            need_role(
                &roles,
                format!("{} tickets ([permissions] {a})", step_words(a)),
            )
        }
        None => Ok(()),
    }
}

/// A step in the words of a refusal: "resolve", "take the comp-request step on".
fn step_words(a: Action) -> String {
    match a {
        Action::Open
        | Action::Assign
        | Action::Accept
        | Action::Grade
        | Action::Diagnose
        | Action::Plan
        | Action::Resolve
        | Action::Revisit
        | Action::Close
        | Action::Reopen
        | Action::Escalate
        | Action::Link
        | Action::Ship => a.as_str().to_string(),
        other => format!("take the {other} step on"),
    }
}

/// `[compensation]` of svcdesk.toml: a request outside its grade's rules needs an
/// `--exception` (and then the general manager, as every request does), and the grades
/// listed in `legal_review` reach the general manager only after the legal role approved.
fn compensation_rules(
    cfg: &crate::config::Config,
    t: &Ticket,
    e: &Event,
    ask: &dyn Fn(&[&str]) -> String,
) -> Result<()> {
    let rules = &cfg.compensation;
    match e.action {
        Some(Action::CompRequest) if e.exception.is_none() => {
            let (Some(kind), Some(amount)) = (e.comp_kind, e.amount.as_deref()) else {
                return Ok(());
            };
            match rules.broken_rule(t.grade, kind, amount) {
                Some(rule) => Err(Error::invalid_with_hint(
                    format!("compensation refused: {rule}"),
                    "an exception is possible: give --exception REASON, and the general manager decides",
                )),
                None => Ok(()),
            }
        }
        Some(Action::CompApprove)
            if rules.needs_legal_review(t.grade)
                && t.legal_review != Some(ticket::Verdict::Approved) =>
        {
            Err(Error::invalid_with_hint(
                format!(
                    "the general manager approves grade {} compensation only after the legal review (compensation.legal_review in svcdesk.toml); it has had none",
                    t.grade.map(|g| g.as_str()).unwrap_or_default()
                ),
                if cfg
                    .staff
                    .iter()
                    .any(|s| s.roles.iter().any(|r| r == "legal"))
                {
                    format!(
                        "{} (role legal) for `svcdesk comp legal-review {} --approve -m ...`",
                        ask(&["legal"]),
                        t.id
                    )
                } else {
                    "the legal review is `svcdesk comp legal-review ID --approve` by a staff member with the role legal; nobody on the staff list has it".to_string()
                },
            ))
        }
        _ => Ok(()),
    }
}

/// `[review]` of svcdesk.toml: only the head of the ticket's department or one of its
/// delegates reviews it, and the gated step (`before`) waits for an approval that stands
/// (see `steps::review_standing`). A phone complaint settled on the call is not held.
fn review_rules(cfg: &crate::config::Config, t: &Ticket, e: &Event) -> Result<()> {
    use super::steps;
    let Some(action) = e.action else {
        return Ok(());
    };
    let reviewers = steps::reviewers(cfg, t);
    let department = t.department.as_deref().unwrap_or("(none)");
    let who_may = || -> String {
        let Some((head, delegates)) = reviewers.split_first() else {
            return format!(
                "department {department} names nobody to review: set [departments.{department}] head (and delegates) in svcdesk.toml"
            );
        };
        let head_is = |s: &str| {
            t.department
                .as_deref()
                .and_then(|d| cfg.departments.get(d))
                .is_some_and(|d| d.head.as_deref() == Some(s))
        };
        let mut names = vec![if head_is(head) {
            format!("{head} (head of {department})")
        } else {
            format!("{head} (delegate)")
        }];
        names.extend(delegates.iter().map(|d| format!("{d} (delegate)")));
        format!(
            "ask {}: `svcdesk --as {head} ticket review {} --approve`",
            names.join(" or "),
            t.id
        )
    };
    if action == Action::Review {
        if reviewers.contains(&e.by.as_str()) {
            return Ok(());
        }
        return Err(Error::invalid_with_hint(
            format!(
                "{} may not review {}: the head of department {department} or a delegate reviews it",
                e.by, t.id
            ),
            who_may(),
        ));
    }
    let Some(rule) = steps::review_rule(cfg.review.as_ref(), t) else {
        return Ok(());
    };
    if rule.before() != action || e.on_call || !steps::review_pending(Some(rule), t) {
        return Ok(());
    }
    let missing = match steps::review_standing(t, action) {
        Some(r) => format!(
            "{} rejected it on {}{}; a new approval is needed",
            r.by,
            r.at.format("%Y-%m-%d %H:%M"),
            r.text
                .as_deref()
                .map(|x| format!(" (\"{x}\")"))
                .unwrap_or_default()
        ),
        None if action == Action::Close => "no review since it was resolved".to_string(),
        None => "it has had no review".to_string(),
    };
    Err(Error::invalid_with_hint(
        format!(
            "{} needs the review of its department head before {action} ([review] in svcdesk.toml): {missing}",
            t.id
        ),
        who_may(),
    ))
}

/// A ticket of the category [`RETURN_CATEGORY`] (退换货): the return is approved or
/// rejected by `approve-return` (and only on such a ticket), and resolved only once
/// approved, since resolving it is carrying the return out.
pub const RETURN_CATEGORY: &str = "return";

fn return_rules(t: &Ticket, e: &Event) -> Result<()> {
    let is_return = t.category.as_deref() == Some(RETURN_CATEGORY);
    match e.action {
        Some(Action::ApproveReturn) if !is_return => Err(Error::invalid_with_hint(
            format!(
                "{} is not a return: approve-return decides tickets of the category `{RETURN_CATEGORY}` (退换货)",
                t.id
            ),
            format!(
                "if it is one, `svcdesk ticket set {} --category {RETURN_CATEGORY}` first",
                t.id
            ),
        )),
        Some(Action::Resolve)
            if is_return && t.return_review != Some(ticket::Verdict::Approved) =>
        {
            Err(Error::invalid_with_hint(
                format!(
                    "{} is a return (退换货) whose return {}; it is resolved only once approved",
                    t.id,
                    match t.return_review {
                        Some(_) => "was rejected",
                        None => "has not been approved",
                    }
                ),
                format!(
                    "`svcdesk ticket approve-return {} --approve` by a supervisor, head, manager or gm; a rejected return that is settled otherwise changes category (`ticket set {} --category ...`)",
                    t.id, t.id
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// The one rule for who may take a step: the roles (any one of them) that `by` needs to
/// take `action` on a ticket assigned to `assignee`, and what the step is in words; None
/// when anyone on the staff may. `authorize` applies it to a new step, `svcdesk audit`
/// to the author of the commit that introduced each event.
pub fn required_roles(
    action: Action,
    by: &str,
    assignee: Option<&str>,
) -> Option<(&'static [&'static str], String)> {
    match action {
        Action::CompReview => Some((&["finance"], "review compensation".into())),
        Action::CompApprove => Some((&["gm"], "approve compensation".into())),
        Action::CompReject => Some((&["gm", "finance"], "reject compensation".into())),
        Action::Ship => Some((&["warehouse"], "ship goods".into())),
        Action::LegalReview => Some((&["legal"], "give the legal review of compensation".into())),
        Action::ApproveReturn => Some((
            &["supervisor", "head", "manager", "gm"],
            "approve or reject a return".into(),
        )),
        Action::Accept => match assignee {
            Some(a) if a != by => Some((
                &["supervisor", "head", "manager", "admin"],
                format!("accept a ticket assigned to {a}"),
            )),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every ticket of a real desk (`SVCDESK_EQUIV_DIR`, e.g. a generated bench desk) reads
    /// through the fast TOML path exactly as toml reads it.
    #[test]
    #[ignore = "needs SVCDESK_EQUIV_DIR"]
    fn the_fast_path_reads_a_desk_as_toml_does() {
        let dir = std::env::var("SVCDESK_EQUIV_DIR").expect("SVCDESK_EQUIV_DIR");
        let (mut files, mut fast) = (0, 0);
        for entry in walkdir::WalkDir::new(Path::new(&dir).join("tickets")) {
            let entry = entry.unwrap();
            if entry.path().extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            files += 1;
            let slow = toml::from_str::<Ticket>(&text).map_err(|_| ());
            if let Ok(t) = crate::desk::fast_toml::from_str::<Ticket>(&text) {
                fast += 1;
                assert_eq!(Ok(t), slow, "{}", entry.path().display());
            }
        }
        eprintln!("{fast} of {files} ticket files read by the fast path");
        assert!(files > 0);
    }
}
