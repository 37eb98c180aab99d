//! What `sla check --notify` and `--escalate` do with the check's report: tell people of
//! new breaches and overdue measures (the --notify command and the hooks), record that
//! they were told, and hand breached tickets to the `[sla.escalate]` person. These are
//! the effects; what is due to be told or escalated is decided by `crate::sla::check`.

use chrono::{DateTime, Utc};

use super::{HookEvent, Trust};
use crate::config::Escalation;
use crate::desk::{Desk, Id, When};
use crate::model::measure::{self, Measure};
use crate::model::record::SYSTEM_ACTOR;
use crate::model::ticket::Ticket;
use crate::model::ticket::{Action, Event};
use crate::model::ticket_store;
use crate::sla::check::{Alert, Due, MEASURE_TIMER, NotifyLevel, Report, Shown};

/// Whether the desk's hooks run when telling.
#[derive(Debug, Clone)]
pub enum HooksOn {
    Yes,
    /// --no-hooks, or inside a hook.
    No,
    /// Not trusted in this clone: held back.
    Untrusted(Trust),
}

/// Why telling cannot rely on the desk's hooks, when there is no command of one's own.
#[derive(Debug)]
pub enum Refusal {
    /// No hook rule is on `sla-breach` or `measure-due`.
    NoHooks,
    /// Hooks are off for this run (--no-hooks, or inside a hook).
    HooksOff,
    /// This clone does not trust the desk's hooks.
    Untrusted(Trust),
    /// Whether it trusts them could not be read.
    Unreadable(crate::Error),
}

/// Which hooks telling may run. `enabled` is false when hooks are off for this run;
/// `own_command` whether the caller tells with a command of its own too. Without one,
/// telling relies on the hooks alone, so hooks that cannot tell are refused, before
/// anything is told or written; with one, untrusted hooks are held back.
pub fn hooks_on(desk: &Desk, enabled: bool, own_command: bool) -> Result<HooksOn, Refusal> {
    let h = &desk.config.hooks;
    let handled = super::handles(h, crate::config::hooks::SLA_BREACH)
        || super::handles(h, crate::config::hooks::MEASURE_DUE)
        || super::handles(h, crate::config::hooks::SLA_AT_RISK)
        || super::handles(h, crate::config::hooks::SLA_LADDER);
    match (enabled, handled) {
        (false, _) if !own_command => return Err(Refusal::HooksOff),
        (true, false) if !own_command => return Err(Refusal::NoHooks),
        (false, _) => return Ok(HooksOn::No),
        (true, false) => return Ok(HooksOn::Yes),
        (true, true) => {}
    }
    let t = super::trusted(&desk.root, h).map_err(Refusal::Unreadable)?;
    match t {
        t if t.runs() => Ok(HooksOn::Yes),
        t if own_command => Ok(HooksOn::Untrusted(t)),
        t => Err(Refusal::Untrusted(t)),
    }
}

/// What the caller should say about the telling, in the order it happened.
#[derive(Debug, Clone)]
pub enum Notice {
    /// Hooks that would have told someone were held back, as this clone does not trust
    /// them. Nothing is recorded, so they tell it once trusted.
    HeldBack(Trust),
    /// Telling of `id`'s `timer` failed, or recording it did; every one is retried next run.
    Failed {
        id: String,
        timer: String,
        why: String,
    },
    /// A ladder level changed the ticket (`escalate` to a person, `grade`): `what` says
    /// how (`escalated to sun`), `event` is the step as its hooks hear it.
    Changed {
        id: String,
        timer: String,
        level: String,
        what: String,
        event: Box<HookEvent>,
    },
}

/// Tells of every breach and overdue measure of `report` not told yet: `cmd` (with
/// `sh -c`) when given, and the hooks on `sla-breach` / `measure-due` as `hooks_on`
/// allows. Each is recorded as told (`sla-notified` on the ticket, `notified` on the
/// measure) only when someone was told and nothing failed: people may hear twice, never
/// zero times. `say` hears each [`Notice`] as it happens, between the commands' own
/// output.
pub fn notify(
    desk: &Desk,
    report: &Report,
    cmd: Option<&str>,
    hooks_on: &HooksOn,
    mut say: impl FnMut(Notice),
) {
    for x in report.to_notify() {
        if let Err(why) = breach(desk, cmd, hooks_on, x, report.now, &mut say) {
            say(Notice::Failed {
                id: x.ticket.id.clone(),
                timer: x.status.timer.clone(),
                why,
            });
        }
    }
    for x in &report.ladder {
        if let Err(why) = climb(desk, cmd, hooks_on, x, report.now, &mut say) {
            say(Notice::Failed {
                id: x.ticket.id.clone(),
                timer: format!("{} {}", x.status.timer, x.rung.name),
                why,
            });
        }
    }
    for m in report.measures_to_notify() {
        if let Err(why) = measure_due(desk, cmd, hooks_on, m, report.now, &mut say) {
            say(Notice::Failed {
                id: m.id.clone(),
                timer: MEASURE_TIMER.into(),
                why,
            });
        }
    }
}

/// Runs `cmd` (if any) and the matching hooks for `ev`. Ok(false) when not everyone was
/// told: nothing ran, or untrusted hooks were held back; Err with every failure.
fn tell(
    desk: &Desk,
    cmd: Option<&str>,
    hooks_on: &HooksOn,
    ev: &HookEvent,
    say: &mut impl FnMut(Notice),
) -> Result<bool, String> {
    let hooks = &desk.config.hooks;
    let mut ran = Vec::new();
    if let Some(cmd) = cmd {
        ran.push(super::run_command(
            &desk.root,
            cmd,
            ev,
            crate::config::hooks::timeout(hooks),
        ));
    }
    let mut held_back = false;
    match hooks_on {
        HooksOn::Yes => ran.extend(super::run(&desk.root, hooks, ev)),
        HooksOn::No => {}
        HooksOn::Untrusted(t) => {
            if !super::matching(hooks, ev).is_empty() {
                held_back = true;
                say(Notice::HeldBack(t.clone()));
            }
        }
    }
    let failed: Vec<String> = ran
        .iter()
        .filter(|r| !r.ok())
        .map(|r| r.to_string())
        .collect();
    if failed.is_empty() {
        Ok(!ran.is_empty() && !held_back)
    } else {
        Err(failed.join("; "))
    }
}

fn breach(
    desk: &Desk,
    cmd: Option<&str>,
    hooks_on: &HooksOn,
    x: &Alert,
    now: DateTime<Utc>,
    say: &mut impl FnMut(Notice),
) -> Result<(), String> {
    let (t, s) = (whole(&x.ticket)?, &x.status);
    let level = x.level();
    let mut ev = HookEvent::ticket(
        desk,
        t,
        match level {
            NotifyLevel::Breach => crate::config::hooks::SLA_BREACH,
            NotifyLevel::AtRisk => crate::config::hooks::SLA_AT_RISK,
        },
        SYSTEM_ACTOR,
        &desk.local(now).to_rfc3339(),
    );
    ev.extra.extend([
        ("SVCDESK_TIMER", s.timer.clone()),
        ("SVCDESK_DUE", desk.local(s.due).to_rfc3339()),
        (
            "SVCDESK_OVERDUE_MINUTES",
            (-s.remaining.num_minutes()).to_string(),
        ),
        ("SVCDESK_LEVEL", level.to_string()),
    ]);
    if !tell(desk, cmd, hooks_on, &ev, say)? {
        return Ok(());
    }
    let id = Id::parse(&t.id).ok_or_else(|| format!("bad ticket ID {}", t.id))?;
    let e = Event {
        at: desk.local(now),
        by: SYSTEM_ACTOR.into(),
        action: Some(Action::SlaNotified),
        timer: Some(s.timer.clone()),
        level: Some(level),
        text: Some(format!(
            "due {}",
            desk.local(s.due).format("%Y-%m-%d %H:%M")
        )),
        ..Event::default()
    };
    ticket_store::append(desk, &id, When::NowIs(now), e)
        .map_err(|e| format!("notified, but recording it failed: {e}"))?;
    Ok(())
}

/// The ticket as it was evaluated, which the hooks hear of in full.
fn whole(shown: &Shown) -> Result<&Ticket, String> {
    shown
        .full
        .as_ref()
        .ok_or_else(|| format!("{} was checked without keeping the ticket", shown.id))
}

/// The staff ids a level's `notify` names on ticket `t`, in order, each once: `assignee`,
/// `head` (of the ticket's department), `opener`, or an id. Roles nobody holds drop out.
pub fn recipients(desk: &Desk, t: &Ticket, notify: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for who in notify {
        let id = match who.as_str() {
            "assignee" => t.assignee.clone(),
            "head" => t
                .department
                .as_deref()
                .and_then(|d| desk.config.departments.get(d))
                .and_then(|d| d.head.clone()),
            "opener" => t.opener().map(str::to_string),
            id => Some(id.to_string()),
        };
        if let Some(id) = id.filter(|id| !out.contains(id)) {
            out.push(id);
        }
    }
    out
}

/// Fires one ladder level on one run: hands the ticket over and regrades it when the
/// level says so (each a step by svcdesk, skipped when already so), tells the level's
/// people through `cmd` and the hooks on `sla-ladder`, and records the level as fired
/// (`sla-notified` with `ladder`) once everyone was told. A failure leaves it unrecorded,
/// to be fired again next run; the steps already taken are not taken twice.
fn climb(
    desk: &Desk,
    cmd: Option<&str>,
    hooks_on: &HooksOn,
    x: &Due,
    now: DateTime<Utc>,
    say: &mut impl FnMut(Notice),
) -> Result<(), String> {
    let (s, rung) = (&x.status, &x.rung);
    let level = &x.level;
    let id = Id::parse(&x.ticket.id).ok_or_else(|| format!("bad ticket ID {}", x.ticket.id))?;
    let why = format!(
        "SLA {} ladder {} (due {})",
        s.timer,
        rung.name,
        desk.local(s.due).format("%Y-%m-%d %H:%M")
    );
    let mut ticket = whole(&x.ticket)?.clone();
    let mut step = |ticket: &mut Ticket, e: Event, what: String| -> Result<(), String> {
        let action = e.action.map(|a| a.to_string()).unwrap_or_default();
        let t = ticket_store::append(desk, &id, When::NowIs(now), e)
            .map_err(|e| format!("cannot {action}: {e}"))?;
        let at = t
            .event
            .last()
            .map(|e| e.at.to_rfc3339())
            .unwrap_or_default();
        let event = HookEvent::ticket(desk, &t, &action, SYSTEM_ACTOR, &at);
        say(Notice::Changed {
            id: t.id.clone(),
            timer: s.timer.clone(),
            level: rung.name.clone(),
            what,
            event: Box::new(event),
        });
        *ticket = t;
        Ok(())
    };
    let base = || Event {
        at: desk.local(now),
        by: SYSTEM_ACTOR.into(),
        reason: Some(why.clone()),
        ..Event::default()
    };
    if let Some(to) = level.escalate.as_deref()
        && ticket.assignee.as_deref() != Some(to)
    {
        let e = Event {
            action: Some(Action::Escalate),
            assignee: Some(to.to_string()),
            ..base()
        };
        step(&mut ticket, e, format!("escalated to {to}"))?;
    }
    if let Some(g) = level.grade
        && ticket.grade != Some(g)
    {
        let e = Event {
            action: Some(Action::Grade),
            grade: Some(g),
            ..base()
        };
        step(&mut ticket, e, format!("graded {g}"))?;
    }
    let people = recipients(desk, &ticket, &level.notify);
    let emails: Vec<String> = people
        .iter()
        .filter_map(|p| desk.config.staff(p)?.email.first().cloned())
        .collect();
    let mut ev = HookEvent::ticket(
        desk,
        &ticket,
        crate::config::hooks::SLA_LADDER,
        SYSTEM_ACTOR,
        &desk.local(now).to_rfc3339(),
    );
    ev.extra.extend([
        ("SVCDESK_TIMER", s.timer.clone()),
        ("SVCDESK_DUE", desk.local(s.due).to_rfc3339()),
        (
            "SVCDESK_OVERDUE_MINUTES",
            (-s.remaining.num_minutes()).to_string(),
        ),
        ("SVCDESK_LEVEL", rung.name.clone()),
        ("SVCDESK_LEVEL_AT", desk.local(rung.at).to_rfc3339()),
        ("SVCDESK_NOTIFY", people.join(",")),
        ("SVCDESK_NOTIFY_EMAILS", emails.join(",")),
    ]);
    // A level that tells no one is done once its steps are taken.
    if !tell(desk, cmd, hooks_on, &ev, say)? && !people.is_empty() {
        return Ok(());
    }
    let told = match people.is_empty() {
        true => String::new(),
        false => format!("; told {}", people.join(", ")),
    };
    let e = Event {
        at: desk.local(now),
        by: SYSTEM_ACTOR.into(),
        action: Some(Action::SlaNotified),
        timer: Some(s.timer.clone()),
        ladder: Some(rung.name.clone()),
        text: Some(format!(
            "{} at {}{told}",
            rung.name,
            desk.local(rung.at).format("%Y-%m-%d %H:%M")
        )),
        ..Event::default()
    };
    ticket_store::append(desk, &id, When::NowIs(now), e)
        .map_err(|e| format!("notified, but recording it failed: {e}"))?;
    Ok(())
}

/// Once per time the measure is open.
fn measure_due(
    desk: &Desk,
    cmd: Option<&str>,
    hooks_on: &HooksOn,
    m: &Measure,
    now: DateTime<Utc>,
    say: &mut impl FnMut(Notice),
) -> Result<(), String> {
    let mut ev = HookEvent::measure_due(desk, m, &desk.local(now).to_rfc3339());
    let late = now - m.due_end(desk.tz());
    ev.extra
        .push(("SVCDESK_OVERDUE_MINUTES", late.num_minutes().to_string()));
    if !tell(desk, cmd, hooks_on, &ev, say)? {
        return Ok(());
    }
    let id = Id::parse(&m.id).ok_or_else(|| format!("bad measure ID {}", m.id))?;
    let mut e = measure::Event::new(desk.local(now), SYSTEM_ACTOR, measure::Action::Notified);
    e.text = Some(format!("overdue since {}", m.due));
    measure::append(desk, &id, When::NowIs(now), e)
        .map_err(|e| format!("notified, but recording it failed: {e}"))?;
    Ok(())
}

/// One ticket `escalate` tried to hand over.
#[derive(Debug)]
pub struct Escalated {
    pub id: Id,
    /// The breached timer that moved it.
    pub timer: String,
    /// The `escalate` event as its hooks hear it, or why it could not be written.
    pub result: crate::Result<HookEvent>,
}

/// Hands each ticket [`Report::escalations`] names to `rule.to`, as an `escalate` event
/// by svcdesk; one failure does not stop the others.
pub fn escalate(desk: &Desk, report: &Report, rule: &Escalation) -> Vec<Escalated> {
    let now = report.now;
    report
        .escalations(rule)
        .into_iter()
        .filter_map(|x| {
            let id = Id::parse(&x.ticket.id)?;
            let e = Event {
                at: desk.local(now),
                by: SYSTEM_ACTOR.into(),
                action: Some(Action::Escalate),
                assignee: Some(rule.to.clone()),
                reason: Some(format!(
                    "SLA {} breached (due {})",
                    x.status.timer,
                    desk.local(x.status.due).format("%Y-%m-%d %H:%M")
                )),
                ..Event::default()
            };
            let result = ticket_store::append(desk, &id, When::NowIs(now), e).map(|t| {
                let at = t
                    .event
                    .last()
                    .map(|e| e.at.to_rfc3339())
                    .unwrap_or_default();
                HookEvent::ticket(desk, &t, "escalate", SYSTEM_ACTOR, &at)
            });
            Some(Escalated {
                id,
                timer: x.status.timer.clone(),
                result,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desk(root: &std::path::Path, hooks: &str) -> Desk {
        let text = crate::config::default_config("x", chrono_tz::Asia::Shanghai) + hooks;
        Desk {
            root: root.to_path_buf(),
            config: crate::config::Config::parse(std::path::Path::new("svcdesk.toml"), &text)
                .unwrap(),
            use_cache: false,
        }
    }

    #[test]
    fn telling_by_the_hooks_alone_needs_hooks_that_may_run() {
        let dir = tempfile::tempdir().unwrap();
        let none = desk(dir.path(), "");
        assert!(matches!(
            hooks_on(&none, true, false),
            Err(Refusal::NoHooks)
        ));
        assert!(matches!(
            hooks_on(&none, false, false),
            Err(Refusal::HooksOff)
        ));
        assert!(matches!(hooks_on(&none, false, true), Ok(HooksOn::No)));
        assert!(matches!(hooks_on(&none, true, true), Ok(HooksOn::Yes)));

        let rule = "\n[[hooks.rule]]\non = [\"sla-breach\"]\ncommand = \"true\"\n";
        let some = desk(dir.path(), rule);
        if crate::hooks::env_trusts() {
            return; // SVCDESK_TRUST_HOOKS trusts every desk
        }
        assert!(matches!(
            hooks_on(&some, true, false),
            Err(Refusal::Untrusted(Trust::Never))
        ));
        assert!(matches!(
            hooks_on(&some, true, true),
            Ok(HooksOn::Untrusted(Trust::Never))
        ));
        crate::hooks::record_trust(dir.path(), &some.config.hooks).unwrap();
        assert!(matches!(hooks_on(&some, true, false), Ok(HooksOn::Yes)));
    }
}
