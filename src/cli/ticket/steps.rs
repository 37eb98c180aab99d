//! The ticket steps: each turns its args into a `model::steps` call and reports the
//! result (stderr, hooks, the commit); the rules are the library's.

use svcdesk::desk::{Desk, Id, Kind, When, Who};
use svcdesk::hooks::HookEvent;
use svcdesk::i18n;
use svcdesk::model::steps::{self, Notice, Stepped};
use svcdesk::model::ticket::{Action, Event, Grade};
use svcdesk::{Error, Result};

use super::args::*;
use super::bulk::{Shown, run};
use crate::cli::values;
use crate::cli::{Context, warn};

/// The ticket, who acts, and when: what every step needs besides its own args.
pub(super) fn target(cx: &Context, desk: &Desk, c: &CommonArgs) -> Result<(Id, Who, When)> {
    let id = desk.resolve(Kind::Ticket, &c.ids[0])?;
    let who = cx.who(desk)?;
    let when = cx.when(desk, values::at(&c.at))?;
    Ok((id, who, when))
}

pub(super) fn grade(cx: &mut Context, desk: &Desk, a: GradeArgs) -> Result<u8> {
    let first = a.common.ids.first().map_or("", String::as_str);
    let grade = grade_arg(first, &a.grade)?;
    let o = steps::Grading {
        grade,
        reason: a.reason,
    };
    let to = grade.to_string();
    run(cx, desk, &a.common, "grade", Some(&to), |id, who, when| {
        steps::grade(desk, id, who, when, o.clone())
    })
}

pub(super) fn assign(cx: &mut Context, desk: &Desk, a: AssignArgs) -> Result<u8> {
    let to: Vec<&str> = [a.department.as_deref(), a.to.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    let to = (!to.is_empty()).then(|| to.join("/"));
    let o = steps::Routing {
        department: a.department,
        to: a.to,
        reason: a.reason,
    };
    run(
        cx,
        desk,
        &a.common,
        "assign",
        to.as_deref(),
        |id, who, when| steps::assign(desk, id, who, when, o.clone()),
    )
}

pub(super) fn accept(cx: &mut Context, desk: &Desk, a: CommonArgs) -> Result<u8> {
    run(cx, desk, &a, "accept", None, |id, who, when| {
        steps::accept(desk, id, who, when)
    })
}

/// A step's text: `-m`, or the template rendered for ticket `id` (`-m` after it), with
/// the template's name to record.
pub(super) fn text(
    desk: &Desk,
    (id, who, when): (&Id, &Who, When),
    m: &Option<String>,
    t: &TemplateArgs,
    action: Action,
) -> Result<(String, Option<String>)> {
    match &t.template {
        None => Ok((m.clone().unwrap_or_default(), None)),
        Some(name) => {
            let r = svcdesk::template::for_ticket(desk, id, &who.by, when, name, action)?;
            Ok((r.text(m.as_deref())?, Some(r.name)))
        }
    }
}

pub(super) fn note(cx: &mut Context, desk: &Desk, a: NoteArgs) -> Result<u8> {
    let files = a.attach.files(&cx.cwd);
    run(cx, desk, &a.common, "note", None, |id, who, when| {
        let (text, template) = text(desk, (id, who, when), &a.text, &a.template, Action::Note)?;
        let o = steps::Note {
            text,
            to_customer: a.to_customer,
            attachments: files.clone(),
            template,
        };
        steps::note(desk, id, who, when, o)
    })
}

pub(super) fn customer_reply(cx: &mut Context, desk: &Desk, a: CustomerReplyArgs) -> Result<u8> {
    let max = desk.config.attachments.max_size();
    let files = a.attach.files(&cx.cwd);
    let files: Vec<_> = (files.paths.iter())
        .map(|p| svcdesk::desk::attachments::prepare(&files.from, p, max))
        .collect::<Result<_>>()?;
    run(
        cx,
        desk,
        &a.common,
        "customer-reply",
        None,
        |id, who, when| {
            let o = steps::CustomerReply {
                text: a.text.clone(),
                channel: Some(a.channel),
                files: files.clone(),
                message_id: None,
            };
            steps::customer_reply(desk, id, who, when, o)
        },
    )
}

/// A step that took more than one event (a customer's reply and the resume it caused):
/// each reported, heard by the hooks and committed as it would be alone.
impl Shown for Vec<Stepped> {
    fn would(&self) -> String {
        let all: Vec<String> = self.iter().map(Shown::would).collect();
        all.join("; ")
    }

    fn done(self, cx: &mut Context, desk: &Desk, id: &Id, _: &Who) -> Result<u8> {
        for s in self {
            let who = Who {
                by: s.event.by.clone(),
                entered_by: s.event.entered_by.clone(),
            };
            done(cx, desk, id, &who, s)?;
        }
        Ok(0)
    }
}

pub(super) fn respond(cx: &mut Context, desk: &Desk, a: RespondArgs) -> Result<u8> {
    let files = a.attach.files(&cx.cwd);
    let promise = a.promise.promised(cx, desk)?;
    run(cx, desk, &a.common, "respond", None, |id, who, when| {
        let (text, template) = text(desk, (id, who, when), &a.text, &a.template, Action::Respond)?;
        let o = steps::Response {
            text,
            channel: a.channel,
            attachments: files.clone(),
            template,
            promise: promise.clone(),
        };
        steps::respond(desk, id, who, when, o)
    })
}

pub(super) fn diagnose(cx: &mut Context, desk: &Desk, a: DiagnoseArgs) -> Result<u8> {
    let o = steps::Diagnosis {
        cause: a.cause,
        responsibility: a.responsibility,
        plan: a.plan,
        cause_code: a.cause_code,
    };
    run(cx, desk, &a.common, "diagnose", None, |id, who, when| {
        steps::diagnose(desk, id, who, when, o.clone())
    })
}

pub(super) fn collab(cx: &mut Context, desk: &Desk, a: CollabArgs) -> Result<u8> {
    let o = steps::Collab {
        department: a.department,
        need: a.need,
        due: a.due,
    };
    run(cx, desk, &a.common, "collab", None, |id, who, when| {
        steps::collab(desk, id, who, when, o.clone())
    })
}

pub(super) fn reply(cx: &mut Context, desk: &Desk, a: ReplyArgs) -> Result<u8> {
    let o = steps::Reply {
        request: a.request,
        text: a.text,
    };
    run(cx, desk, &a.common, "reply", None, |id, who, when| {
        steps::reply(desk, id, who, when, o.clone())
    })
}

pub(super) fn escalate(cx: &mut Context, desk: &Desk, a: EscalateArgs) -> Result<u8> {
    let o = steps::Escalation {
        grade: a.grade,
        to: a.to,
        department: a.department,
        reason: a.reason,
    };
    run(cx, desk, &a.common, "escalate", None, |id, who, when| {
        steps::escalate(desk, id, who, when, o.clone())
    })
}

pub(super) fn wait(cx: &mut Context, desk: &Desk, a: WaitArgs) -> Result<u8> {
    let today = desk.local(cx.time(desk, None)?).date_naive();
    let until = a.until.map(|d| d.on(today, desk.tz())).transpose()?;
    let o = steps::Waiting {
        reason: a.reason,
        text: a.text,
        until,
        then: a.then,
    };
    run(cx, desk, &a.common, "wait", None, |id, who, when| {
        steps::wait(desk, id, who, when, o.clone())
    })
}

pub(super) fn resume(cx: &mut Context, desk: &Desk, a: OptTextArgs) -> Result<u8> {
    run(cx, desk, &a.common, "resume", None, |id, who, when| {
        steps::resume(desk, id, who, when, a.text.clone())
    })
}

pub(super) fn resolve(cx: &mut Context, desk: &Desk, a: ResolveArgs) -> Result<u8> {
    let o = steps::Resolution {
        text: a.text,
        parts: a.parts,
        attachments: a.attach.files(&cx.cwd),
    };
    run(cx, desk, &a.common, "resolve", None, |id, who, when| {
        steps::resolve(desk, id, who, when, o.clone())
    })
}

pub(super) fn revisit(cx: &mut Context, desk: &Desk, a: RevisitArgs) -> Result<u8> {
    let o = steps::Revisit {
        efficiency: a.efficiency,
        attitude: a.attitude,
        result: a.result,
        text: a.text,
    };
    run(cx, desk, &a.common, "revisit", None, |id, who, when| {
        steps::revisit(desk, id, who, when, o.clone())
    })
}

pub(super) fn close(cx: &mut Context, desk: &Desk, a: CloseArgs) -> Result<u8> {
    let o = steps::Closing {
        satisfaction: a.satisfaction,
        text: a.text,
        reason: a.reason,
    };
    // A usage error before any ticket is touched (exit 2, nothing written).
    steps::check_closing(&o)?;
    run(cx, desk, &a.common, "close", None, |id, who, when| {
        steps::close(desk, id, who, when, o.clone())
    })
}

pub(super) fn reopen(cx: &mut Context, desk: &Desk, a: ReasonArgs) -> Result<u8> {
    run(cx, desk, &a.common, "reopen", None, |id, who, when| {
        steps::reopen(desk, id, who, when, a.reason.clone())
    })
}

pub(super) fn link(cx: &mut Context, desk: &Desk, a: LinkArgs) -> Result<u8> {
    let o = steps::Link {
        kind: a.kind,
        other: desk.resolve(Kind::Ticket, &a.other)?,
    };
    let to = o.other.to_string();
    run(cx, desk, &a.common, "link", Some(&to), |id, who, when| {
        steps::link(desk, id, who, when, o.clone())
    })
}

pub(super) fn redact(cx: &mut Context, desk: &Desk, a: RedactArgs) -> Result<u8> {
    let id = desk.resolve(Kind::Ticket, &a.id)?;
    let request = svcdesk::model::redact::Request {
        field: a.field,
        reason: a.reason,
        by: cx.actor(desk)?,
        at: cx.time(desk, values::at(&a.at))?,
    };
    let (t, path) = svcdesk::model::redact::ticket(desk, &id, a.event, &request)?;
    eprintln!("{id}: event {} `{}` redacted", a.event, request.field);
    let at = desk.local(request.at).to_rfc3339();
    cx.fire(
        desk,
        HookEvent::ticket(desk, &t, "redact", &request.by, &at),
    );
    cx.changed(
        desk,
        format!(
            "ticket {id}: redact event {} {} (by {})",
            a.event, request.field, request.by
        ),
        vec![path],
    );
    Ok(0)
}

/// Says what a step did on stderr, fires its hooks and notes the change to commit.
pub(super) fn done(cx: &mut Context, desk: &Desk, id: &Id, who: &Who, s: Stepped) -> Result<u8> {
    let Stepped {
        ticket: t,
        event: e,
        notice,
    } = s;
    let by = &who.by;
    let action = e.action.expect("every step has its action");
    let lang = cx.lang(desk);
    let (word, state) = (i18n::word(lang, action), i18n::word(lang, t.state()));
    let said = i18n::tr_args(lang, "step-done", &[("action", &word), ("state", &state)]);
    eprintln!("{id}: {said}");
    cx.fire(
        desk,
        HookEvent::ticket(desk, &t, action.as_str(), by, &e.at.to_rfc3339()),
    );
    let detail = detail(&e);
    cx.changed(
        desk,
        format!(
            "ticket {id}: {action}{detail} (by {by}{})",
            who.entered_by
                .as_ref()
                .map(|e| format!(", entered by {e}"))
                .unwrap_or_default()
        ),
        std::iter::once(desk.path_of(id))
            .chain(e.files.iter().map(|f| desk.root.join(f.path())))
            .collect(),
    );
    match notice {
        Some(Notice::ClosedUnrated) => warn(&format!(
            "{id}: closed with no satisfaction and no revisit recorded, so its satisfaction \
             stays empty in ledgers and stats; record the customer's view with \
             `svcdesk ticket revisit {id} --result N` before `ticket close`, or close \
             with --satisfaction N (1-5)"
        )),
        Some(Notice::Dissatisfied) => warn(&format!(
            "the customer is not satisfied; consider `svcdesk ticket reopen {id} --reason ...`"
        )),
        None => {}
    }
    Ok(0)
}

/// What a step's commit message and `--dry-run` say after its action: the grade, where
/// it was routed.
pub(super) fn detail(e: &Event) -> String {
    match e.action {
        Some(Action::Grade) => e.grade.map(|g| format!(" {g}")).unwrap_or_default(),
        Some(Action::Assign | Action::Escalate) => {
            let to: Vec<&str> = [e.department.as_deref(), e.assignee.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            let grade = e.grade.map(|g| format!(" grade {g}")).unwrap_or_default();
            if to.is_empty() {
                grade
            } else {
                format!("{grade} to {}", to.join("/"))
            }
        }
        _ => String::new(),
    }
}

/// The GRADE of `ticket grade ID GRADE`. The two swapped (`ticket grade II 9XWM`, the
/// order people say it in) is a usage error that shows the order and the fixed command.
fn grade_arg(id: &str, grade: &str) -> Result<Grade> {
    use svcdesk::error::shown;
    if let Some(g) = Grade::parse(grade) {
        return Ok(g);
    }
    match Grade::parse(id) {
        Some(g) => Err(Error::usage(
            format!(
                "\"{}\" is not a grade: the ticket ID comes first, then the grade",
                shown(grade)
            ),
            format!(
                "usage: svcdesk ticket grade ID GRADE, here `svcdesk ticket grade {} {g}`",
                shown(grade)
            ),
        )),
        None => Err(Error::usage(
            format!("\"{}\" is not a grade", shown(grade)),
            format!(
                "usage: svcdesk ticket grade ID GRADE, where GRADE is one of {}",
                Grade::names()
            ),
        )),
    }
}
