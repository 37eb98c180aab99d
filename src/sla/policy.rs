//! SLA timers: which deadlines a ticket has, and where it stands against each.
//!
//! This module is pure: it reads no files, prints nothing and never looks at the clock;
//! the caller passes the instant to evaluate at.
//!
//! # Timers
//!
//! Every table under `[sla.timers]` in `svcdesk.toml` is one timer:
//!
//! ```toml
//! [sla.timers.resolve]
//! start = "open"              # one action or a list: ["assign", "escalate"]
//! stop = "resolve"            # one action or a list
//! pause = ["waiting"]         # states that stop the clock (optional)
//! target = { I = "24h", II = "48h", high = "24h", medium = "3wd", low = "5wd" }
//! warn = "4h"                 # optional
//! ```
//!
//! - `start`, `stop`: ticket actions (`open`, `assign`, `accept`, `respond`, `plan`,
//!   `resolve`, `revisit`, `comp-request`, ...). `sla-notified` cannot be used, and an
//!   action cannot both start and stop the same timer.
//! - `pause`: ticket states (`new`, `assigned`, `accepted`, `in-progress`, `waiting`,
//!   `resolved`, `closed`).
//! - `target`: keyed by grade (`I`, `II`, `III`), priority (`high`, `medium`, `low`) or
//!   `all`; keys are case-sensitive. Values are targets as described in [`crate::sla`]:
//!   `15m`, `48h` (wall clock), `8bh` (business hours), `3wd` (working days).
//! - `warn`: how early before its deadline a running timer counts as *at risk*. It is
//!   written like a target and counted the same way: `15m` or `4h` is wall-clock time,
//!   `2bh` working time, `1wd` a working day. A timer is at risk once a span of `warn`
//!   started now would reach the deadline: with `warn = "4h"`, from four hours before it.
//!
//! # Which targets apply
//!
//! A timer applies to a ticket when one of its target keys matches the ticket's current
//! grade, its current priority, or is `all`. When several match (a grade and a priority,
//! say), each gives a deadline from the same start and the **earliest deadline wins**:
//! the stricter target decides. Of equal deadlines the grade's is reported, then the
//! priority's, then `all`. Targets follow the ticket's *current* grade and priority, so
//! regrading a ticket re-targets its running timers from their original start: a grade-I
//! ticket (resolve in 24 hours) raised to grade II after ten hours is due 48 hours after
//! it was opened.
//! A ticket whose grade and priority match no key, and that has no `all` target, has no
//! such timer.
//!
//! A `remote` key applies to a run whose start event is stamped `remote = true` (the
//! customer was marked remote when goods were asked for): for such a run it replaces
//! every other target, so `{ all = "24h", remote = "48h" }` gives a remote customer 48
//! hours. A timer with `goods = true` is started only by events stamped `goods = true`
//! (a `plan --needs-parts`, a `comp-approve` of an exchange or replacement).
//!
//! # Built-in timers: promises, collaboration due dates and appointments
//!
//! Three timers need no table in `svcdesk.toml`, and their names are reserved: each run's
//! deadline is named by the event that starts it, as a wall-clock span (basis
//! `promised` or `due`), and no state pauses it.
//!
//! - `promise`: every `promise` event that makes a promise (`promised`, its `text`) runs
//!   to the promised time. It is stopped by `resolve` or by a `promise` event with
//!   `kept = true` (met in time, else breached). A new promise ends the running one:
//!   `restarted` before its time (a changed promise is not a broken one), breached after.
//! - `collab`: every `collab` request with a `due` date runs to the end of that day in
//!   desk time (midnight after it). Only the `collab-reply` answering that request (its
//!   `request` number) stops it; requests to several departments run side by side. A
//!   request left unanswered when the ticket closes is `n/a` (optional).
//! - `appointment`: a `promise` event with `appointment = true` (a site visit agreed with
//!   the customer, 「按约定时间到达现场」) runs like a promise, apart from them: stopped by
//!   `resolve` or a `promise` event with `kept = true` and `appointment = true` (the
//!   engineer arrived); a new appointment ends the running one as a new promise does.
//!
//! They come after the policy's timers in [`Policy::evaluate`], so `sla check`, `ticket
//! list --overdue` and `ticket show` report them like any other; the ledger's and the
//! stats' per-timer columns list the policy's timers only.
//!
//! # When a timer runs
//!
//! History is read in the order events were recorded (the order that defines the
//! ticket's state); each event's `at` says when it happened. A timer can run several
//! times on one ticket; every **run** has its own start, deadline and outcome.
//!
//! - **Start.** Every event whose action is in `start` begins a run. A ticket with no
//!   start event does not have the timer at all.
//! - **End.** A run ends at the first later event whose action is in `stop` (the run is
//!   then met or breached), at the ticket's `close` if that comes first, or at the next
//!   start event (re-assigning a ticket restarts `accept`; a reopen restarts `resolve`),
//!   which begins the next run. To time a reopened ticket's resolution afresh, list
//!   `reopen` in the timer's `start`.
//! - **Pause.** While the ticket is in a state listed in `pause`, the clock stands still
//!   and the deadline moves later by the time paused. That time is counted the target's
//!   way: a two-hour wait moves a `24h` deadline two hours later, but a wait overnight
//!   moves an `8bh` or `3wd` deadline only by the working time it covered. A ticket
//!   paused now is assumed to resume now, so its deadline keeps moving while it waits.
//!   Pausing never makes a deadline earlier.
//! - **Regrading** re-targets a run from its start while the run is undecided; a run
//!   whose deadline passed before the regrade stays breached, so a report once signed
//!   never changes. A priority corrected with `ticket set --priority` re-targets the
//!   same way.
//! - `optional = true` marks a timer whose stop action is not owed on every ticket.
//! - Times that go backwards (an event entered with `--at` after later ones) never make
//!   a span negative: a pause change that reads earlier than the previous one happens at
//!   that previous time, and a stop that reads earlier than its start happens at the
//!   start. If `now` is before the start (clock skew), no time has elapsed yet.
//!
//! # Deadline, elapsed and remaining
//!
//! The deadline is the earliest instant by which the target's amount of time has passed
//! while the clock ran, counted as the target counts: wall-clock time for `15m` or `48h`,
//! working time for `8bh`. A `3wd` target amounts to the working time between the start
//! and its unpaused deadline; without pauses its deadline is exactly the working-day
//! deadline of [`crate::sla`].
//!
//! *Elapsed* is the time the clock ran from the start to the stop (or to now), counted the
//! target's way. *Remaining* is the target's amount minus the elapsed time: negative once
//! more than the target was used. For working-time targets it can be zero for a breached
//! timer, when the deadline passed outside working hours.
//!
//! # States and outcomes
//!
//! | state | meaning |
//! |---|---|
//! | running | the clock runs, more than `warn` left |
//! | at-risk | running, and no more than `warn` left (`warn` is measured like the target: `4h` on a `3wd` target is four working hours) |
//! | paused | the ticket is in a `pause` state and the deadline has not passed |
//! | met | stopped by its stop action at or before its deadline |
//! | breached | its deadline passed before its stop action: stopped late, still running or paused past it, or ended otherwise after it |
//! | missed | ended without its stop action before its deadline (the ticket was closed first): counts against |
//! | n/a | like missed, for an `optional` timer or a ticket settled on the call: not counted; also every run still going when the ticket was merged into another (`merged-into`), whatever its deadline: the target carries the work on |
//! | restarted | a new start came before its deadline: the new run counts instead |
//!
//! A run needs attention ([`TimerStatus::is_alert`]) when it is at risk or breached
//! and still running; a run that ended late is history, counted in reports but not an
//! alert. Reports count each met, breached or missed run once, at
//! [`TimerStatus::decided`]: its stop when met, its close when missed, its deadline when
//! breached. A quarter is therefore the sum of its months.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::config::policy::{RunKey, TimerKind, TimerRule, grade_index, priority_index};
use crate::model::ticket::{Action, Channel, Event, Grade, Priority, State, Ticket};
use crate::time::Target;
use crate::vocab::NotifyLevel;

use crate::config::ladder::{At, Level};
use crate::config::policy::Policy;

/// Where a run of a timer stands, or how it ended. See the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimerState {
    Running,
    Paused,
    AtRisk,
    Met,
    Breached,
    /// Ended without its stop action before its deadline (closed first): counts against.
    Missed,
    /// Ended without its stop action where none was owed: an `optional` timer, or a
    /// ticket settled on the call; or ended by the ticket's merge into another. Not counted.
    #[serde(rename = "n/a")]
    NotApplicable,
    /// A new start came before the deadline; the next run is counted instead.
    Restarted,
}

impl TimerState {
    pub fn as_str(self) -> &'static str {
        match self {
            TimerState::Running => "running",
            TimerState::Paused => "paused",
            TimerState::AtRisk => "at-risk",
            TimerState::Met => "met",
            TimerState::Breached => "breached",
            TimerState::Missed => "missed",
            TimerState::NotApplicable => "n/a",
            TimerState::Restarted => "restarted",
        }
    }

    /// Still running (or paused, or at risk): no outcome yet.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            TimerState::Running | TimerState::Paused | TimerState::AtRisk
        )
    }

    /// Counts in the SLA percentage: met for it, breached and missed against it.
    pub fn counts(self) -> bool {
        matches!(
            self,
            TimerState::Met | TimerState::Breached | TimerState::Missed
        )
    }
}

impl std::fmt::Display for TimerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One run of one timer of one ticket, evaluated at an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimerStatus {
    /// The timer's name in `[sla.timers]`.
    pub timer: String,
    /// 1 for the timer's first run on this ticket, 2 after a restart or reopen, ...
    pub run: usize,
    /// The winning target, in its canonical spelling (`15m`, `3wd`).
    pub target: String,
    /// The key that gave it: a grade (`III`), a priority (`high`) or `all`.
    pub basis: String,
    /// Whether the target counts working time (`bh`, `wd`), so `elapsed` and
    /// `remaining` are working time; else wall-clock time.
    pub working: bool,
    /// When the run started.
    pub started: DateTime<Utc>,
    /// The deadline, moved later by pauses.
    pub due: DateTime<Utc>,
    /// When the run ended (its stop action, the ticket's close, or a restart), if it did.
    pub stopped: Option<DateTime<Utc>>,
    pub state: TimerState,
    /// The instant reports count this run at: its stop when met, its close when missed,
    /// its deadline when breached (or the regrade that revealed it, if later). `None`
    /// while undecided and for runs that do not count.
    pub decided: Option<DateTime<Utc>>,
    /// Time the clock ran, counted the target's way (working time for `bh`/`wd`).
    pub elapsed: Duration,
    /// The target's amount minus `elapsed`; negative when overrun.
    pub remaining: Duration,
    /// An `sla-notified` event for this timer was recorded during this run of a breach
    /// (level `breach`, or none: older events).
    pub notified: bool,
    /// An `sla-notified` event of any level (at-risk or breach) was recorded during this
    /// run: its being at risk needs telling no more.
    pub warned: bool,
    /// The `[[sla.ladder]]` levels that apply to this run while it is undecided, in the
    /// ladder's order; empty for a run that ended.
    pub ladder: Vec<Rung>,
}

/// Where one `[[sla.ladder]]` level stands on an undecided run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rung {
    /// Its index in [`Policy::ladder`].
    pub level: usize,
    pub name: String,
    /// When it comes, on the run's running time: a pause moves it later as it moves the
    /// deadline (a run paused now is taken to resume now).
    pub at: DateTime<Utc>,
    /// An `sla-notified` event of this level was recorded in this run.
    pub fired: bool,
    /// To fire now: its time has come, it has not fired, and the run is not paused.
    pub due: bool,
}

impl TimerStatus {
    /// At risk or breached, and still running: something to act on now. A run that
    /// ended late is history, not an alert.
    pub fn is_alert(&self) -> bool {
        self.stopped.is_none() && matches!(self.state, TimerState::AtRisk | TimerState::Breached)
    }
}

impl Policy {
    /// Every run of every timer that applies to `ticket`, evaluated at `now`: timers in
    /// [`Policy::timer_names`] order, each timer's runs in the order they started. Runs
    /// with no matching target are left out.
    /// A ticket stamped with a tier is evaluated on that tier's calendar and targets.
    pub fn evaluate(&self, ticket: &Ticket, now: DateTime<Utc>) -> Vec<TimerStatus> {
        self.for_tier(ticket.tier()).evaluate_own(ticket, now)
    }

    fn evaluate_own(&self, ticket: &Ticket, now: DateTime<Utc>) -> Vec<TimerStatus> {
        let events = ticket.event.as_slice();
        let mut after = Vec::with_capacity(events.len());
        let (mut state, mut targets) = (State::New, (None, None));
        let mut keys = Vec::with_capacity(events.len());
        let mut key = RunKeys::default();
        for e in events {
            state = state_after(state, e);
            targets = targets_after(targets, e);
            after.push((state, targets));
            key = key.after(e);
            keys.push(key);
        }
        let mut out = Vec::with_capacity(self.timers.len());
        for rule in &self.timers {
            let mut run = 0;
            for cycle in Cycle::all(rule, events, &after, &keys) {
                if let Some(mut status) = self.evaluate_run(rule, ticket, &cycle, now) {
                    run += 1;
                    status.run = run;
                    out.push(status);
                }
            }
        }
        out
    }

    /// Target selection, the one place a run's target is chosen: the earliest deadline
    /// of the targets that match `grade` and `priority` and the run's channel, category
    /// and department at its start (the grade's on a tie, then the priority's, then
    /// `all`, then the keyed ones in key order).
    fn best<'r>(
        &self,
        rule: &'r TimerRule,
        (grade, priority): Targets,
        events: &[Event],
        cycle: &Cycle,
        now: DateTime<Utc>,
    ) -> Option<(Target, &'r str, Deadline)> {
        // A built-in timer's deadline is named by its start event: a wall-clock span to it.
        if let Some((due, basis)) = self.named_due(rule, &events[cycle.start]) {
            let span = (due - cycle.started).max(Duration::zero());
            let t = Target::Wall(span);
            return Some((t, basis, self.deadline(rule, t, events, cycle, now)));
        }
        // A run started for a remote customer has the `remote` target alone, if any.
        if let Some(t) = rule.remote.filter(|_| events[cycle.start].remote) {
            return Some((t, "remote", self.deadline(rule, t, events, cycle, now)));
        }
        let grade = grade.and_then(|g| Some((rule.grade[grade_index(g)]?, g.as_str())));
        let priority = priority.and_then(|p| Some((rule.priority[priority_index(p)]?, p.as_str())));
        let all = rule.all.map(|t| (t, "all"));
        let keyed = rule
            .keyed
            .iter()
            .filter(|k| cycle.keys.matches(&k.on))
            .map(|k| (k.target, k.key.as_str()));
        let mut best: Option<(Target, &str, Deadline)> = None;
        for (target, basis) in [grade, priority, all].into_iter().flatten().chain(keyed) {
            let deadline = self.deadline(rule, target, events, cycle, now);
            if best.as_ref().is_none_or(|(_, _, b)| deadline.due < b.due) {
                best = Some((target, basis, deadline));
            }
        }
        best
    }

    /// The deadline a built-in timer's start event names, and what to call its basis: a
    /// promise's time (`promised`); a collaboration request's due date, at the end of
    /// that day in desk time (`due`).
    fn named_due(&self, rule: &TimerRule, e: &Event) -> Option<(DateTime<Utc>, &'static str)> {
        match rule.kind {
            TimerKind::Policy => None,
            TimerKind::Promise | TimerKind::Appointment => Some((e.promised?.to_utc(), "promised")),
            TimerKind::Collab => {
                let midnight = e.due?.succ_opt()?.and_hms_opt(0, 0, 0)?;
                let tz = self.calendar.tz();
                let due = chrono::TimeZone::from_local_datetime(&tz, &midnight)
                    .earliest()
                    .map(|t| t.to_utc())
                    .unwrap_or_else(|| midnight.and_utc());
                Some((due, "due"))
            }
        }
    }

    fn evaluate_run(
        &self,
        rule: &TimerRule,
        ticket: &Ticket,
        cycle: &Cycle,
        now: DateTime<Utc>,
    ) -> Option<TimerStatus> {
        let events = ticket.event.as_slice();
        // Regrading re-targets a run from its start, but only while the run is still
        // undecided: a deadline that passed under the grade of the day stays passed, so
        // what a month's report counted never changes later.
        let mut chosen = None;
        for (k, epoch) in cycle.epochs.iter().enumerate() {
            let Some((target, basis, deadline)) =
                self.best(rule, epoch.targets, events, cycle, now)
            else {
                continue;
            };
            // A deadline is known from the moment its grade is, not before.
            let visible = deadline.due.max(epoch.from);
            match cycle.epochs.get(k + 1) {
                Some(next) if deadline.due < next.from => {
                    chosen = Some((target, basis, deadline, visible, true));
                    break;
                }
                Some(_) => {}
                None => chosen = Some((target, basis, deadline, visible, false)),
            }
        }
        let (target, basis, deadline, visible, passed_before_regrade) = chosen?;
        let due = deadline.due;
        // Only the winner's elapsed time is needed; it is the costly part for old tickets.
        let elapsed = self.elapsed(rule, target, events, cycle, now);
        let remaining = deadline.required - elapsed;

        // An unstopped cycle runs to the end of the history, so the ticket's current
        // state is the state the clock is in.
        let paused_now = cycle.ended.is_none() && rule.pause.contains(&ticket.state());
        let (state, decided) = match cycle.ended {
            // Merged into another ticket: neither met nor breached, whatever the deadline.
            Some((Ending::Merged, _)) => (TimerState::NotApplicable, None),
            _ if passed_before_regrade => (TimerState::Breached, Some(visible)),
            Some((_, at)) if at > due => (TimerState::Breached, Some(visible)),
            Some((Ending::Stop, at)) => (TimerState::Met, Some(at)),
            Some((Ending::Close, _)) if cycle.settled_on_call => (TimerState::NotApplicable, None),
            Some(_) if rule.optional => (TimerState::NotApplicable, None),
            Some((Ending::Restart, _)) => (TimerState::Restarted, None),
            Some((Ending::Close, at)) => (TimerState::Missed, Some(at)),
            None if now > due => (TimerState::Breached, Some(visible)),
            None if paused_now => (TimerState::Paused, None),
            None if self.at_risk(rule, remaining, due, now) => (TimerState::AtRisk, None),
            None => (TimerState::Running, None),
        };
        let told: Vec<&Event> = events[cycle.start + 1..cycle.end]
            .iter()
            .filter(|e| {
                e.action == Some(Action::SlaNotified)
                    && e.timer.as_deref() == Some(rule.name.as_str())
                    && e.ladder.is_none()
            })
            .collect();
        let notified = told
            .iter()
            .any(|e| e.level.unwrap_or(NotifyLevel::Breach) == NotifyLevel::Breach);
        let warned = !told.is_empty();
        let ladder = match cycle.ended {
            None => self.rungs(rule, ticket, cycle, (target, &deadline), now, paused_now),
            Some(_) => Vec::new(),
        };
        Some(TimerStatus {
            timer: rule.name.clone(),
            run: 0,
            target: match (basis, target) {
                // A promise or a request names its deadline: its span reads like a time
                // left (`5d 13h 30m`), not as minutes no policy would write.
                ("promised" | "due", Target::Wall(span)) => super::view::wall(span),
                _ => target.to_string(),
            },
            basis: basis.to_string(),
            working: !matches!(target, Target::Wall(_)),
            started: cycle.started,
            due,
            stopped: cycle.ended.map(|(_, at)| at),
            state,
            decided,
            elapsed,
            remaining,
            notified,
            warned,
            ladder,
        })
    }

    /// The ladder's levels that apply to this undecided run, each with its time.
    fn rungs(
        &self,
        rule: &TimerRule,
        ticket: &Ticket,
        cycle: &Cycle,
        (target, deadline): (Target, &Deadline),
        now: DateTime<Utc>,
        paused_now: bool,
    ) -> Vec<Rung> {
        let events = ticket.event.as_slice();
        let applies: Vec<(usize, &Level)> = self
            .ladder
            .iter()
            .enumerate()
            .filter(|(_, l)| l.applies(&rule.name, ticket.grade))
            .collect();
        if applies.is_empty() {
            return Vec::new();
        }
        let spans: Vec<Span> = cycle.running(rule, events, now).collect();
        let clock = Clock {
            spans: &spans,
            calendar: &self.calendar,
        };
        let fired = |name: &str| {
            events[cycle.start + 1..cycle.end].iter().any(|e| {
                e.action == Some(Action::SlaNotified)
                    && e.timer.as_deref() == Some(rule.name.as_str())
                    && e.ladder.as_deref() == Some(name)
            })
        };
        applies
            .into_iter()
            .map(|(level, l)| {
                let at = clock.level(l.at, target, deadline);
                let fired = fired(&l.name);
                Rung {
                    level,
                    name: l.name.clone(),
                    at,
                    fired,
                    due: !fired && at <= now && !paused_now,
                }
            })
            .collect()
    }

    /// Whether a running timer is within its `warn` of the deadline. `warn` is measured
    /// like the target: `4h` on a `3wd` target means four working hours.
    fn at_risk(
        &self,
        rule: &TimerRule,
        remaining: Duration,
        due: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> bool {
        match rule.warn {
            None => false,
            // A working day has no fixed length: at risk once a working day from now
            // reaches the deadline.
            Some(warn @ Target::WorkingDays(_)) => warn.due(&self.calendar, now) >= due,
            Some(Target::Wall(w) | Target::BusinessHours(w)) => remaining <= w,
        }
    }

    /// When `target` runs out over this cycle: the earliest instant by which its amount
    /// of time has run, the clock standing still in pauses.
    fn deadline(
        &self,
        rule: &TimerRule,
        target: Target,
        events: &[Event],
        cycle: &Cycle,
        now: DateTime<Utc>,
    ) -> Deadline {
        let cal = &self.calendar;
        let unpaused = target.due(cal, cycle.started);
        let required = match target {
            Target::Wall(d) | Target::BusinessHours(d) => d,
            // A working day has no fixed length; this cycle's days are worth this much.
            Target::WorkingDays(_) => cal.working_between(cycle.started, unpaused),
        };
        let advance = |from: DateTime<Utc>, d: Duration| match target {
            Target::Wall(_) => from
                .checked_add_signed(d)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
            Target::BusinessHours(_) | Target::WorkingDays(_) => cal.add_working(from, d),
        };
        // A working-day deadline is not always the earliest instant with its working
        // time (`0wd` started at night runs out in the morning); never go before it.
        let found = |due: DateTime<Utc>| Deadline {
            due: due.max(unpaused),
            required,
        };

        let mut left = required;
        for span in cycle.running(rule, events, now) {
            if !span.after_pause && span.to.is_none_or(|to| unpaused <= to) {
                // Nothing paused before the plain deadline: it holds exactly.
                return found(unpaused);
            }
            let Some(to) = span.to else {
                return found(advance(span.from, left));
            };
            let ran = target.elapsed(cal, span.from, to);
            if left <= ran {
                return found(advance(span.from, left));
            }
            left -= ran;
        }
        unreachable!("the last running span is open-ended")
    }

    /// How long the clock of `target` ran over this cycle, up to its end or `now`.
    fn elapsed(
        &self,
        rule: &TimerRule,
        target: Target,
        events: &[Event],
        cycle: &Cycle,
        now: DateTime<Utc>,
    ) -> Duration {
        let end = cycle.ended.map_or(now, |(_, at)| at);
        let mut total = Duration::zero();
        for span in cycle.running(rule, events, now) {
            if span.from >= end {
                break;
            }
            let to = span.to.map_or(end, |to| to.min(end));
            total += target.elapsed(&self.calendar, span.from, to);
        }
        total
    }
}

/// A run's running time, counted in wall-clock or working time: where the ladder's
/// levels fall.
struct Clock<'a> {
    /// The run's running spans, the last one open-ended.
    spans: &'a [Span],
    calendar: &'a crate::time::Calendar,
}

impl Clock<'_> {
    fn between(&self, working: bool, a: DateTime<Utc>, b: DateTime<Utc>) -> Duration {
        match working {
            _ if b <= a => Duration::zero(),
            true => self.calendar.working_between(a, b),
            false => b - a,
        }
    }

    fn advance(&self, working: bool, from: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
        match working {
            true => self.calendar.add_working(from, d),
            false => from
                .checked_add_signed(d)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        }
    }

    /// How long the clock ran from the run's start to `t`.
    fn ran(&self, working: bool, t: DateTime<Utc>) -> Duration {
        self.spans
            .iter()
            .map(|s| self.between(working, s.from, s.to.map_or(t, |to| to.min(t))))
            .fold(Duration::zero(), |a, b| a + b)
    }

    /// The earliest instant by which the clock has run `amount` since the run's start.
    fn reach(&self, working: bool, amount: Duration) -> DateTime<Utc> {
        let mut left = amount.max(Duration::zero());
        for s in self.spans {
            let Some(to) = s.to else {
                return self.advance(working, s.from, left);
            };
            let ran = self.between(working, s.from, to);
            if left <= ran {
                return self.advance(working, s.from, left);
            }
            left -= ran;
        }
        DateTime::<Utc>::MAX_UTC
    }

    /// When a level at `at` comes: a share of the target counted the target's way, or
    /// an offset from the deadline counted its own way (`4bh` in working time, `30m` on
    /// the wall clock), in both cases on running time only.
    fn level(&self, at: At, target: Target, deadline: &Deadline) -> DateTime<Utc> {
        let due = deadline.due;
        let working = |t: Target| !matches!(t, Target::Wall(_));
        match at {
            At::Percent(0) => due,
            At::Percent(p) => {
                let share = deadline.required * (100 + p as i32) / 100;
                let t = self.reach(working(target), share);
                if p < 0 { t.min(due) } else { t.max(due) }
            }
            At::Offset { before, span } => {
                let (w, d) = match span {
                    Target::Wall(d) => (false, d),
                    Target::BusinessHours(d) => (true, d),
                    // Refused when the config loads.
                    Target::WorkingDays(_) => (true, Duration::zero()),
                };
                let base = self.ran(w, due);
                if before {
                    self.reach(w, base - d).min(due)
                } else {
                    self.reach(w, base + d).max(due)
                }
            }
        }
    }
}

/// A target's deadline over a cycle, and its amount counted its own way.
struct Deadline {
    due: DateTime<Utc>,
    required: Duration,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// One of the timer's stop actions.
    Stop,
    /// The ticket was closed first.
    Close,
    /// A start action came first and began the next run.
    Restart,
    /// The ticket was merged into another (`merged-into`).
    Merged,
}

/// A stretch of a run with one grade and priority: the run's start, then each regrade.
#[derive(Debug, Clone, Copy)]
struct Epoch {
    from: DateTime<Utc>,
    targets: Targets,
}

/// One run of a timer in a ticket's history: from a start event to the stop, the close,
/// or the next start.
struct Cycle<'a> {
    /// Index of the start event.
    start: usize,
    started: DateTime<Utc>,
    /// Index of the event that ended the run, or the history's length.
    end: usize,
    ended: Option<(Ending, DateTime<Utc>)>,
    /// The ticket's state right after the start event (only worked out for timers
    /// that pause).
    state_at_start: State,
    /// Never empty; times never go backwards.
    epochs: Vec<Epoch>,
    /// The ticket's channel, category and department at the run's start.
    keys: RunKeys<'a>,
    /// Started by the resolution of a ticket settled on the call (`open
    /// --resolved-on-call`), which the manuals close at once: nothing to follow up.
    settled_on_call: bool,
}

impl<'a> Cycle<'a> {
    /// Every run of `rule` in the history, in order. `after[i]` is the ticket's state,
    /// grade and priority right after event `i`.
    fn all(
        rule: &TimerRule,
        events: &[Event],
        after: &[(State, Targets)],
        keys: &[RunKeys<'a>],
    ) -> Vec<Cycle<'a>> {
        let is = |e: &Event, list: &[Action]| e.action.is_some_and(|a| list.contains(&a));
        // A `goods` timer is started only by a step that needs goods shipped; a built-in
        // one only by an event that names its deadline (a promise made, a request with
        // a due date).
        let starts = |e: &Event| {
            is(e, &rule.start)
                && (!rule.goods || e.goods)
                && match rule.kind {
                    TimerKind::Policy => true,
                    TimerKind::Promise | TimerKind::Appointment => {
                        e.promised.is_some()
                            && !e.kept
                            && e.appointment == (rule.kind == TimerKind::Appointment)
                    }
                    TimerKind::Collab => e.due.is_some(),
                }
        };
        // What stops the run started at `start`: a stop action; a promise's keeping; for
        // a collaboration request, only the reply that answers it.
        let stops = |x: &Event, start: usize| match rule.kind {
            TimerKind::Policy => is(x, &rule.stop),
            TimerKind::Promise | TimerKind::Appointment => {
                is(x, &rule.stop)
                    || (x.action == Some(Action::Promise)
                        && x.kept
                        && x.appointment == (rule.kind == TimerKind::Appointment))
            }
            TimerKind::Collab => {
                let n = events[..=start]
                    .iter()
                    .filter(|e| e.action == Some(Action::Collab))
                    .count() as u32;
                is(x, &rule.stop) && x.request == Some(n)
            }
        };
        // Requests to several departments run side by side: a new one restarts nothing.
        let restarts = |x: &Event| rule.kind != TimerKind::Collab && starts(x);
        let mut cycles = Vec::new();
        let mut i = 0;
        while i < events.len() {
            if !starts(&events[i]) {
                i += 1;
                continue;
            }
            let start = i;
            let started = events[start].at.to_utc();
            let mut epochs = vec![Epoch {
                from: started,
                targets: after[start].1,
            }];
            let mut ended = None;
            let mut j = start + 1;
            while j < events.len() {
                let x = &events[j];
                // Times that go backwards are read as the time before.
                let last = epochs.last().map_or(started, |e| e.from);
                let at = x.at.to_utc().max(last);
                let how = if stops(x, start) {
                    Some(Ending::Stop)
                } else if x.action == Some(Action::Close) {
                    Some(Ending::Close)
                } else if x.action == Some(Action::MergedInto) {
                    Some(Ending::Merged)
                } else if restarts(x) {
                    Some(Ending::Restart)
                } else {
                    None
                };
                if let Some(how) = how {
                    ended = Some((how, at));
                    break;
                }
                if after[j].1 != after[j - 1].1 {
                    epochs.push(Epoch {
                        from: at,
                        targets: after[j].1,
                    });
                }
                j += 1;
            }
            // What the run is keyed by is what the ticket was once its start was recorded,
            // with the events recorded at the same instant (an `open`'s routing).
            let with = events[start..]
                .iter()
                .take_while(|e| e.at == events[start].at)
                .count();
            cycles.push(Cycle {
                keys: keys[start + with - 1],
                start,
                started,
                end: j,
                ended,
                state_at_start: after[start].0,
                epochs,
                settled_on_call: events[start].on_call
                    && events[start].action == Some(Action::Resolve),
            });
            // A restart is the start of the next run; collaboration requests overlap, so
            // the next one may start inside this run.
            i = if rule.kind == TimerKind::Collab {
                start + 1
            } else if matches!(ended, Some((Ending::Restart, _))) {
                j
            } else {
                j + 1
            };
        }
        cycles
    }

    /// The spans in which the clock runs, in order; see [`Running`].
    fn running<'r>(
        &self,
        rule: &'r TimerRule,
        events: &'r [Event],
        now: DateTime<Utc>,
    ) -> Running<'r> {
        let events = if rule.pause.is_empty() {
            &[]
        } else {
            &events[self.start + 1..self.end]
        };
        Running {
            events,
            pause: &rule.pause,
            state: self.state_at_start,
            paused: rule.pause.contains(&self.state_at_start),
            cursor: self.started,
            pause_ends_by: self.ended.map_or(now, |(_, at)| at),
            after_pause: false,
            done: false,
        }
    }
}

/// A ticket's channel, category and department: what `channel:`, `category:` and
/// `department:` targets match.
#[derive(Debug, Clone, Copy, Default)]
struct RunKeys<'a> {
    channel: Option<Channel>,
    category: Option<&'a str>,
    department: Option<&'a str>,
}

impl<'a> RunKeys<'a> {
    /// The keys after event `e`: the channel and category it was opened with, a category
    /// corrected by `set`, the department an assign, escalate or forward moved it to.
    fn after(self, e: &'a Event) -> RunKeys<'a> {
        let mut k = self;
        match e.action {
            Some(Action::Open) => {
                k.channel = e.channel;
                k.category = e.category.as_deref();
                k.department = e.department.as_deref().or(k.department);
            }
            Some(Action::Set) if e.field.as_deref() == Some("category") => {
                k.category = e.new.as_deref().map(str::trim).filter(|c| !c.is_empty());
            }
            Some(Action::Assign | Action::Escalate | Action::Forward) => {
                k.department = e.department.as_deref().or(k.department);
            }
            _ => {}
        }
        k
    }

    fn matches(&self, on: &RunKey) -> bool {
        match on {
            RunKey::Channel(c) => self.channel == Some(*c),
            RunKey::Category(c) => self.category == Some(c.as_str()),
            RunKey::Department(d) => self.department == Some(d.as_str()),
        }
    }
}

/// The grade and priority of a ticket: what decides which targets apply.
type Targets = (Option<Grade>, Option<Priority>);

/// The grade and priority after event `e`. Mirrors [`crate::model::ticket::apply`] for
/// histories that replay.
fn targets_after((grade, priority): Targets, e: &Event) -> Targets {
    match e.action {
        Some(Action::Open) => (e.grade, Some(e.priority.unwrap_or(Priority::Medium))),
        Some(Action::Grade | Action::Escalate) if e.grade.is_some() => (e.grade, priority),
        // A corrected priority re-targets like a regrade.
        Some(Action::Set) if e.field.as_deref() == Some("priority") => {
            match e.new.as_deref().and_then(Priority::parse) {
                Some(p) => (grade, Some(p)),
                None => (grade, priority),
            }
        }
        _ => (grade, priority),
    }
}

/// A stretch of time in which a timer's clock runs.
#[derive(Debug, Clone, Copy)]
struct Span {
    from: DateTime<Utc>,
    /// `None` for the last span: the clock runs on from `from`.
    to: Option<DateTime<Utc>>,
    /// Whether a pause came before it in this cycle.
    after_pause: bool,
}

/// Iterator over the running spans of a cycle, never allocating: it replays the states
/// of the cycle's events and yields the stretches between pauses. A pause still going
/// on at the end of the cycle ends at the stop, or is taken to last until now; from
/// then on the clock runs. Event times that go backwards are read as the time before.
struct Running<'a> {
    /// The cycle's events after its start, up to (not including) its stop.
    events: &'a [Event],
    pause: &'a [State],
    state: State,
    paused: bool,
    /// Where the current span (running or paused) began.
    cursor: DateTime<Utc>,
    pause_ends_by: DateTime<Utc>,
    after_pause: bool,
    done: bool,
}

impl Iterator for Running<'_> {
    type Item = Span;

    fn next(&mut self) -> Option<Span> {
        while let Some((e, rest)) = self.events.split_first() {
            self.events = rest;
            self.state = state_after(self.state, e);
            let paused = self.pause.contains(&self.state);
            if paused == self.paused {
                continue;
            }
            let from = self.cursor;
            self.cursor = e.at.to_utc().max(from);
            self.paused = paused;
            if paused {
                return Some(Span {
                    from,
                    to: Some(self.cursor),
                    after_pause: self.after_pause,
                });
            }
            self.after_pause = true;
        }
        if self.done {
            return None;
        }
        self.done = true;
        if self.paused {
            self.after_pause = true;
            self.cursor = self.cursor.max(self.pause_ends_by);
        }
        Some(Span {
            from: self.cursor,
            to: None,
            after_pause: self.after_pause,
        })
    }
}

/// The ticket's state after event `e`, from the state before it, by the ticket's own
/// machine; a step it would refuse leaves the state as it was.
fn state_after(s: State, e: &Event) -> State {
    crate::model::ticket::next_state(s, e).unwrap_or(s)
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
