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
//!   never changes.
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
//! | n/a | like missed, for an `optional` timer or a ticket settled on the call: not counted |
//! | restarted | a new start came before its deadline: the new run counts instead |
//!
//! A run needs attention ([`TimerStatus::is_alert`]) when it is at risk or breached
//! and still running; a run that ended late is history, counted in reports but not an
//! alert. Reports count each met, breached or missed run once, at
//! [`TimerStatus::decided`]: its stop when met, its close when missed, its deadline when
//! breached. A quarter is therefore the sum of its months.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::config::policy::{TimerRule, grade_index, priority_index};
use crate::model::ticket::{Action, Event, Grade, Priority, State, Ticket};
use crate::time::Target;

// re-export for the parallel branches of issue 17; removed at the end of the session
// (Policy is used here too: keep it as a plain `use`)
pub use crate::config::policy::{Policy, PolicyError};

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
    /// ticket settled on the call. Not counted.
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
    /// An `sla-notified` event for this timer was recorded during this run.
    pub notified: bool,
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
    pub fn evaluate(&self, ticket: &Ticket, now: DateTime<Utc>) -> Vec<TimerStatus> {
        let events = ticket.event.as_slice();
        let mut after = Vec::with_capacity(events.len());
        let (mut state, mut targets) = (State::New, (None, None));
        for e in events {
            state = state_after(state, e);
            targets = targets_after(targets, e);
            after.push((state, targets));
        }
        let mut out = Vec::with_capacity(self.timers.len());
        for rule in &self.timers {
            let mut run = 0;
            for cycle in Cycle::all(rule, events, &after) {
                if let Some(mut status) = self.evaluate_run(rule, ticket, &cycle, now) {
                    run += 1;
                    status.run = run;
                    out.push(status);
                }
            }
        }
        out
    }

    /// The earliest deadline of the targets that match `grade` and `priority` (the
    /// grade's on a tie, then the priority's, then `all`).
    fn best<'r>(
        &self,
        rule: &'r TimerRule,
        (grade, priority): Targets,
        events: &[Event],
        cycle: &Cycle,
        now: DateTime<Utc>,
    ) -> Option<(Target, &'static str, Deadline)> {
        let grade = grade.and_then(|g| Some((rule.grade[grade_index(g)]?, g.as_str())));
        let priority = priority.and_then(|p| Some((rule.priority[priority_index(p)]?, p.as_str())));
        let all = rule.all.map(|t| (t, "all"));
        let mut best: Option<(Target, &str, Deadline)> = None;
        for (target, basis) in [grade, priority, all].into_iter().flatten() {
            let deadline = self.deadline(rule, target, events, cycle, now);
            if best.as_ref().is_none_or(|(_, _, b)| deadline.due < b.due) {
                best = Some((target, basis, deadline));
            }
        }
        best
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
        let notified = events[cycle.start + 1..cycle.end].iter().any(|e| {
            e.action == Some(Action::SlaNotified) && e.timer.as_deref() == Some(rule.name.as_str())
        });
        Some(TimerStatus {
            timer: rule.name.clone(),
            run: 0,
            target: target.to_string(),
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
        })
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
}

/// A stretch of a run with one grade and priority: the run's start, then each regrade.
#[derive(Debug, Clone, Copy)]
struct Epoch {
    from: DateTime<Utc>,
    targets: Targets,
}

/// One run of a timer in a ticket's history: from a start event to the stop, the close,
/// or the next start.
struct Cycle {
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
    /// Started by the resolution of a ticket settled on the call (`open
    /// --resolved-on-call`), which the manuals close at once: nothing to follow up.
    settled_on_call: bool,
}

impl Cycle {
    /// Every run of `rule` in the history, in order. `after[i]` is the ticket's state,
    /// grade and priority right after event `i`.
    fn all(rule: &TimerRule, events: &[Event], after: &[(State, Targets)]) -> Vec<Cycle> {
        let is = |e: &Event, list: &[Action]| e.action.is_some_and(|a| list.contains(&a));
        let mut cycles = Vec::new();
        let mut i = 0;
        while i < events.len() {
            if !is(&events[i], &rule.start) {
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
                let how = if is(x, &rule.stop) {
                    Some(Ending::Stop)
                } else if x.action == Some(Action::Close) {
                    Some(Ending::Close)
                } else if is(x, &rule.start) {
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
            cycles.push(Cycle {
                start,
                started,
                end: j,
                ended,
                state_at_start: after[start].0,
                epochs,
                settled_on_call: events[start].on_call
                    && events[start].action == Some(Action::Resolve),
            });
            // A restart is the start of the next run.
            i = if matches!(ended, Some((Ending::Restart, _))) {
                j
            } else {
                j + 1
            };
        }
        cycles
    }

    /// The spans in which the clock runs, in order; see [`Running`].
    fn running<'a>(
        &self,
        rule: &'a TimerRule,
        events: &'a [Event],
        now: DateTime<Utc>,
    ) -> Running<'a> {
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

/// The grade and priority of a ticket: what decides which targets apply.
type Targets = (Option<Grade>, Option<Priority>);

/// The grade and priority after event `e`. Mirrors [`crate::model::ticket::apply`] for
/// histories that replay.
fn targets_after((grade, priority): Targets, e: &Event) -> Targets {
    match e.action {
        Some(Action::Open) => (e.grade, Some(e.priority.unwrap_or(Priority::Medium))),
        Some(Action::Grade | Action::Escalate) if e.grade.is_some() => (e.grade, priority),
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

/// The ticket's state after event `e`, from the state before it.
///
/// This mirrors the state machine of [`crate::model::ticket::apply`] for histories that
/// replay (loaded tickets always do) without cloning events or fields; a test checks
/// that the two agree. A step that would be refused leaves the state as it was.
fn state_after(s: State, e: &Event) -> State {
    use Action as A;
    use State as S;
    let Some(action) = e.action else { return s };
    match action {
        A::Open => S::New,
        A::Assign => S::Assigned,
        A::Accept => S::Accepted,
        A::Diagnose | A::Plan | A::Collab => S::InProgress,
        A::Respond | A::CollabReply | A::CompRequest if s == S::Accepted => S::InProgress,
        A::Wait => S::Waiting,
        A::Resume | A::Reopen => S::InProgress,
        A::Resolve => S::Resolved,
        A::Close => S::Closed,
        // The new owner of a ticket being worked on confirms receipt like any assignee.
        A::Escalate
            if e.assignee.is_some() && matches!(s, S::Accepted | S::InProgress | S::Waiting) =>
        {
            S::Assigned
        }
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{self, Config};
    use crate::model::ticket::{CompKind, apply, replay};
    use chrono::{FixedOffset, NaiveDateTime, TimeZone};
    use proptest::prelude::*;
    use std::path::Path;

    fn default_text() -> String {
        config::default_config("x", chrono_tz::Asia::Shanghai)
    }

    fn desk_config() -> Config {
        Config::parse(Path::new("svcdesk.toml"), &default_text()).unwrap()
    }

    /// The shipped policy with the default Shanghai calendar.
    fn policy() -> Policy {
        let c = desk_config();
        Policy::new(&c.sla, c.calendar().unwrap()).unwrap()
    }

    /// A policy of one timer, written as the TOML of its table.
    fn policy_of(timer_toml: &str) -> Result<Policy, PolicyError> {
        let c = desk_config();
        let timer: config::Timer = toml::from_str(timer_toml).unwrap();
        let sla = config::Sla {
            timers: [("t".to_string(), timer)].into_iter().collect(),
            ..config::Sla::default()
        };
        Policy::new(&sla, c.calendar().unwrap())
    }

    /// Shanghai local time; 2026-11-24 is a Tuesday.
    fn at(text: &str) -> DateTime<FixedOffset> {
        let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
        FixedOffset::east_opt(8 * 3600)
            .unwrap()
            .from_local_datetime(&naive)
            .unwrap()
    }

    fn utc(text: &str) -> DateTime<Utc> {
        at(text).to_utc()
    }

    /// An event with every field its action needs.
    fn ev(action: Action, when: &str) -> Event {
        let mut e = Event {
            at: at(when),
            by: "li".into(),
            action: Some(action),
            ..Event::default()
        };
        match action {
            Action::Open => {
                e.customer = Some("C20261124-AAAAAA".into());
                e.category = Some("complaint".into());
            }
            Action::Assign => e.assignee = Some("wang".into()),
            Action::Wait | Action::Reopen => e.reason = Some("customer".into()),
            Action::SlaNotified => e.timer = Some("respond".into()),
            Action::Redact => {
                e.redacts = Some(1);
                e.field = Some("text".into());
                e.reason = Some("PIPL".into());
            }
            _ => e.text = Some("done".into()),
        }
        e
    }

    fn open(when: &str, grade: Option<Grade>, priority: Option<Priority>) -> Event {
        let mut e = ev(Action::Open, when);
        e.grade = grade;
        e.priority = priority;
        e
    }

    fn regrade(when: &str, g: Grade) -> Event {
        let mut e = ev(Action::Grade, when);
        e.grade = Some(g);
        e
    }

    fn ticket(events: &[Event]) -> Ticket {
        replay("T20261124-BBBBBB", events).unwrap()
    }

    fn status(p: &Policy, t: &Ticket, timer: &str, now: &str) -> TimerStatus {
        status_at(p, t, timer, utc(now))
    }

    /// The timer's latest run.
    fn status_at(p: &Policy, t: &Ticket, timer: &str, now: DateTime<Utc>) -> TimerStatus {
        runs_at(p, t, timer, now)
            .pop()
            .unwrap_or_else(|| panic!("no {timer} timer"))
    }

    fn runs_at(p: &Policy, t: &Ticket, timer: &str, now: DateTime<Utc>) -> Vec<TimerStatus> {
        p.evaluate(t, now)
            .into_iter()
            .filter(|s| s.timer == timer)
            .collect()
    }

    /// Each run of the timer as (run, state, decided).
    fn outcomes(
        p: &Policy,
        t: &Ticket,
        timer: &str,
        now: &str,
    ) -> Vec<(usize, TimerState, Option<DateTime<Utc>>)> {
        runs_at(p, t, timer, utc(now))
            .into_iter()
            .map(|s| (s.run, s.state, s.decided))
            .collect()
    }

    fn minutes(m: i64) -> Duration {
        Duration::minutes(m)
    }

    #[test]
    fn grade_iii_respond_breaches_at_fifteen_minutes() {
        let p = policy();
        let t = ticket(&[open("2026-11-24 10:00", Some(Grade::III), None)]);

        let s = status(&p, &t, "respond", "2026-11-24 10:09");
        assert_eq!(
            (s.state, s.target.as_str(), s.basis.as_str()),
            (TimerState::Running, "15m", "III")
        );
        assert_eq!(s.started, utc("2026-11-24 10:00"));
        assert_eq!(s.due, utc("2026-11-24 10:15"));
        assert_eq!((s.elapsed, s.remaining), (minutes(9), minutes(6)));
        assert!(!s.is_alert());

        // warn = "5m": at risk from 10:10.
        let s = status(&p, &t, "respond", "2026-11-24 10:14");
        assert_eq!((s.state, s.remaining), (TimerState::AtRisk, minutes(1)));
        assert!(s.is_alert());
        assert_eq!(
            status(&p, &t, "respond", "2026-11-24 10:15").state,
            TimerState::AtRisk
        );

        let s = status(&p, &t, "respond", "2026-11-24 10:16");
        assert_eq!((s.state, s.remaining), (TimerState::Breached, minutes(-1)));
        assert!(s.is_alert() && !s.notified && s.stopped.is_none());

        // Grade III also has plan, compensation-plan, and resolve by its medium priority;
        // nothing was assigned or resolved, so accept and revisit do not apply.
        let names: Vec<String> = p
            .evaluate(&t, utc("2026-11-24 10:16"))
            .into_iter()
            .map(|s| format!("{}:{}", s.timer, s.basis))
            .collect();
        assert_eq!(
            names,
            [
                "compensation-plan:III",
                "plan:III",
                "resolve:medium",
                "respond:III"
            ]
        );
    }

    #[test]
    fn responding_in_time_is_met_and_late_is_history() {
        let p = policy();
        let opened = open("2026-11-24 10:00", Some(Grade::III), None);
        let t = ticket(&[opened.clone(), ev(Action::Respond, "2026-11-24 10:10")]);
        let s = status(&p, &t, "respond", "2026-11-25 09:00");
        assert_eq!(s.state, TimerState::Met);
        assert_eq!(s.stopped, Some(utc("2026-11-24 10:10")));
        assert_eq!((s.elapsed, s.remaining), (minutes(10), minutes(5)));
        assert!(!s.is_alert());

        let t = ticket(&[opened, ev(Action::Respond, "2026-11-24 10:20")]);
        let s = status(&p, &t, "respond", "2026-11-25 09:00");
        assert_eq!((s.state, s.remaining), (TimerState::Breached, minutes(-5)));
        assert!(!s.is_alert(), "a timer that stopped late is not an alert");
    }

    #[test]
    fn waiting_pauses_resolve_and_moves_the_deadline() {
        let p = policy();
        let mut events = vec![
            open("2026-11-24 10:00", Some(Grade::I), None),
            ev(Action::Assign, "2026-11-24 10:05"),
            ev(Action::Accept, "2026-11-24 10:10"),
            ev(Action::Wait, "2026-11-24 11:00"),
        ];

        // Waiting now: the clock stands at one hour and the deadline moves with now.
        let t = ticket(&events);
        let s = status(&p, &t, "resolve", "2026-11-24 12:00");
        assert_eq!(
            (s.state, s.basis.as_str(), s.target.as_str()),
            (TimerState::Paused, "I", "24h")
        );
        assert_eq!(s.elapsed, Duration::hours(1));
        assert_eq!(s.due, utc("2026-11-25 11:00"));

        // Two hours of waiting: due 24h + 2h after the open.
        events.push(ev(Action::Resume, "2026-11-24 13:00"));
        let t = ticket(&events);
        let s = status(&p, &t, "resolve", "2026-11-25 11:00");
        assert_eq!(s.due, utc("2026-11-25 12:00"));
        assert_eq!(
            (s.state, s.elapsed, s.remaining),
            (TimerState::AtRisk, Duration::hours(23), Duration::hours(1))
        );
        assert_eq!(
            status(&p, &t, "resolve", "2026-11-25 12:01").state,
            TimerState::Breached
        );

        // Resolved at 11:30 the next day: met, although more than 24 wall hours passed.
        events.push(ev(Action::Resolve, "2026-11-25 11:30"));
        let t = ticket(&events);
        let s = status(&p, &t, "resolve", "2026-11-26 09:00");
        assert_eq!((s.state, s.remaining), (TimerState::Met, minutes(30)));
        assert_eq!(s.stopped, Some(utc("2026-11-25 11:30")));
    }

    #[test]
    fn pauses_count_working_time_for_working_targets() {
        // 8bh from Tue 10:00 is due Wed 10:30; waiting 11:00-Wed 09:30 covers 6 working
        // hours (11:00-12:00 and 13:30-18:00 Tue, 09:00-09:30 Wed), so due Wed 18:00.
        let p = policy_of("start = \"open\"\nstop = \"resolve\"\npause = [\"waiting\"]\ntarget = { all = \"8bh\" }").unwrap();
        let events = [
            open("2026-11-24 10:00", None, None),
            ev(Action::Assign, "2026-11-24 10:05"),
            ev(Action::Accept, "2026-11-24 10:10"),
            ev(Action::Wait, "2026-11-24 11:00"),
            ev(Action::Resume, "2026-11-25 09:30"),
        ];
        let s = status(&p, &ticket(&events), "t", "2026-11-25 10:00");
        assert_eq!(s.due, utc("2026-11-25 18:00"));
        assert_eq!((s.elapsed, s.remaining), (minutes(90), minutes(390)));

        // 1wd from Tue 10:00 is due Wed 10:00 (7.5 working hours); the same wait moves it
        // by the same 6 working hours, to Wed 17:30.
        let p = policy_of("start = \"open\"\nstop = \"resolve\"\npause = [\"waiting\"]\ntarget = { all = \"1wd\" }").unwrap();
        let s = status(&p, &ticket(&events), "t", "2026-11-25 10:00");
        assert_eq!(s.due, utc("2026-11-25 17:30"));
        assert_eq!((s.target.as_str(), s.remaining), ("1wd", minutes(360)));
    }

    #[test]
    fn the_stricter_of_grade_and_priority_wins() {
        let p = policy();
        // Grade II (48h) and priority medium (3wd = Fri 10:00): 48h is earlier.
        let t = ticket(&[open(
            "2026-11-24 10:00",
            Some(Grade::II),
            Some(Priority::Medium),
        )]);
        let s = status(&p, &t, "resolve", "2026-11-24 11:00");
        assert_eq!(
            (s.basis.as_str(), s.target.as_str(), s.due),
            ("II", "48h", utc("2026-11-26 10:00"))
        );

        // Grade II and priority high (24h): the priority wins.
        let t = ticket(&[open(
            "2026-11-24 10:00",
            Some(Grade::II),
            Some(Priority::High),
        )]);
        let s = status(&p, &t, "resolve", "2026-11-24 11:00");
        assert_eq!((s.basis.as_str(), s.due), ("high", utc("2026-11-25 10:00")));

        // No grade: the priority alone.
        let t = ticket(&[open("2026-11-24 10:00", None, None)]);
        let s = status(&p, &t, "resolve", "2026-11-24 11:00");
        assert_eq!(
            (s.basis.as_str(), s.target.as_str(), s.due),
            ("medium", "3wd", utc("2026-11-27 10:00"))
        );

        // A working-day target can win too.
        let p = policy_of("start = \"open\"\nstop = \"resolve\"\ntarget = { II = \"72h\", medium = \"1wd\", all = \"1wd\" }").unwrap();
        let t = ticket(&[open("2026-11-24 10:00", Some(Grade::II), None)]);
        let s = status(&p, &t, "t", "2026-11-24 11:00");
        assert_eq!(
            (s.basis.as_str(), s.due),
            ("medium", utc("2026-11-25 10:00")),
            "priority before all on a tie"
        );
    }

    #[test]
    fn regrading_retargets_from_the_original_start() {
        let p = policy();
        let mut events = vec![open(
            "2026-11-24 10:00",
            Some(Grade::I),
            Some(Priority::Low),
        )];
        let s = status(&p, &ticket(&events), "resolve", "2026-11-24 15:00");
        assert_eq!((s.basis.as_str(), s.due), ("I", utc("2026-11-25 10:00")));

        events.push(regrade("2026-11-24 15:00", Grade::II));
        let s = status(&p, &ticket(&events), "resolve", "2026-11-24 15:00");
        assert_eq!((s.basis.as_str(), s.due), ("II", utc("2026-11-26 10:00")));
        assert_eq!(s.started, utc("2026-11-24 10:00"));

        // Raised to III, which has no resolve target: the priority (low, 5wd) remains.
        events.push(regrade("2026-11-24 16:00", Grade::III));
        let s = status(&p, &ticket(&events), "resolve", "2026-11-24 16:00");
        assert_eq!((s.basis.as_str(), s.due), ("low", utc("2026-12-01 10:00")));
        // ... and respond now applies from the open: already breached.
        let s = status(&p, &ticket(&events), "respond", "2026-11-24 16:00");
        assert_eq!(
            (s.state, s.due),
            (TimerState::Breached, utc("2026-11-24 10:15"))
        );
    }

    #[test]
    fn reassigning_restarts_accept() {
        let p = policy();
        let mut events = vec![
            open("2026-11-24 10:00", None, None),
            ev(Action::Assign, "2026-11-24 10:05"),
        ];
        let s = status(&p, &ticket(&events), "accept", "2026-11-24 10:30");
        assert_eq!(
            (s.state, s.due, s.basis.as_str()),
            (TimerState::Running, utc("2026-11-24 11:05"), "all")
        );

        let mut notified = ev(Action::SlaNotified, "2026-11-24 10:40");
        notified.timer = Some("accept".into());
        events.push(notified);
        assert!(status(&p, &ticket(&events), "accept", "2026-11-24 10:45").notified);

        events.push(ev(Action::Assign, "2026-11-24 10:50"));
        let s = status(&p, &ticket(&events), "accept", "2026-11-24 11:10");
        assert_eq!(
            (s.state, s.started, s.due),
            (
                TimerState::Running,
                utc("2026-11-24 10:50"),
                utc("2026-11-24 11:50")
            )
        );
        assert!(
            !s.notified,
            "the notification belonged to the earlier cycle"
        );

        events.push(ev(Action::Accept, "2026-11-24 11:20"));
        let s = status(&p, &ticket(&events), "accept", "2026-11-24 13:00");
        assert_eq!(
            (s.state, s.stopped),
            (TimerState::Met, Some(utc("2026-11-24 11:20")))
        );
        // The first run was re-assigned before its deadline: superseded, not counted.
        assert_eq!(
            outcomes(&p, &ticket(&events), "accept", "2026-11-24 13:00"),
            [
                (1, TimerState::Restarted, None),
                (2, TimerState::Met, Some(utc("2026-11-24 11:20")))
            ]
        );
    }

    #[test]
    fn reassigning_after_the_deadline_keeps_the_breach() {
        // Five hours unaccepted, re-assigned, accepted in ten minutes.
        let p = policy();
        let t = ticket(&[
            open("2026-11-24 09:00", None, None),
            ev(Action::Assign, "2026-11-24 09:00"),
            ev(Action::Assign, "2026-11-24 14:00"),
            ev(Action::Accept, "2026-11-24 14:10"),
        ]);
        assert_eq!(
            outcomes(&p, &t, "accept", "2026-11-25 09:00"),
            [
                (1, TimerState::Breached, Some(utc("2026-11-24 10:00"))),
                (2, TimerState::Met, Some(utc("2026-11-24 14:10")))
            ]
        );
        let first = &runs_at(&p, &t, "accept", utc("2026-11-25 09:00"))[0];
        assert_eq!(first.stopped, Some(utc("2026-11-24 14:00")));
        assert!(!first.is_alert(), "the run is over");
    }

    #[test]
    fn a_reopen_keeps_the_late_resolution() {
        // Grade I opened 11-02 09:00, resolved 11-04 09:00 (due 11-03 09:00); reopened
        // 11-04 10:00 and resolved again at 12:00.
        let p = policy();
        let t = ticket(&[
            open("2026-11-02 09:00", Some(Grade::I), None),
            ev(Action::Assign, "2026-11-02 09:00"),
            ev(Action::Accept, "2026-11-02 09:10"),
            ev(Action::Resolve, "2026-11-04 09:00"),
            ev(Action::Reopen, "2026-11-04 10:00"),
            ev(Action::Resolve, "2026-11-04 12:00"),
        ]);
        assert_eq!(
            outcomes(&p, &t, "resolve", "2026-11-05 09:00"),
            [
                (1, TimerState::Breached, Some(utc("2026-11-03 09:00"))),
                (2, TimerState::Met, Some(utc("2026-11-04 12:00")))
            ]
        );
        // The first resolution's revisit was overtaken by the reopen before it was due.
        assert_eq!(
            outcomes(&p, &t, "revisit", "2026-11-04 13:00"),
            [
                (1, TimerState::Restarted, None),
                (2, TimerState::Running, None)
            ]
        );
    }

    #[test]
    fn a_deadline_passed_stays_passed_when_regraded() {
        // Grade I (24h) breached on 11-25 10:00; regraded II (48h) on 11-25 12:00 and
        // resolved within 48 hours: still breached, at the first deadline.
        let p = policy();
        let t = ticket(&[
            open("2026-11-24 10:00", Some(Grade::I), Some(Priority::Low)),
            regrade("2026-11-25 12:00", Grade::II),
            ev(Action::Assign, "2026-11-25 12:00"),
            ev(Action::Accept, "2026-11-25 12:00"),
            ev(Action::Resolve, "2026-11-25 13:00"),
        ]);
        let s = status(&p, &t, "resolve", "2026-11-26 09:00");
        assert_eq!(
            (s.state, s.basis.as_str(), s.decided),
            (TimerState::Breached, "I", Some(utc("2026-11-25 10:00")))
        );
        // Graded late: a deadline already past shows from the regrade on.
        let t = ticket(&[
            open("2026-11-24 10:00", None, None),
            regrade("2026-11-24 11:00", Grade::III),
        ]);
        let s = status(&p, &t, "respond", "2026-11-24 11:00");
        assert_eq!(
            (s.state, s.due, s.decided),
            (
                TimerState::Breached,
                utc("2026-11-24 10:15"),
                Some(utc("2026-11-24 11:00"))
            )
        );
    }

    #[test]
    fn closing_without_the_stop_event_ends_the_cycle() {
        let p = policy();
        let resolved = [
            open("2026-11-24 10:00", Some(Grade::I), None),
            ev(Action::Assign, "2026-11-24 10:05"),
            ev(Action::Accept, "2026-11-24 10:10"),
            ev(Action::Resolve, "2026-11-24 11:00"),
        ];
        // Revisit (24h from the resolve) never happened; closed in time, then late.
        let mut events = resolved.to_vec();
        events.push(ev(Action::Close, "2026-11-24 12:00"));
        let s = status(&p, &ticket(&events), "revisit", "2026-11-30 09:00");
        assert_eq!(
            (s.state, s.stopped, s.decided),
            (
                TimerState::Missed,
                Some(utc("2026-11-24 12:00")),
                Some(utc("2026-11-24 12:00"))
            )
        );
        assert!(!s.is_alert());

        // An optional timer ends as n/a, uncounted.
        let optional = policy_of(
            "start = \"resolve\"\nstop = \"revisit\"\noptional = true\ntarget = { all = \"24h\" }",
        )
        .unwrap();
        let s = status(&optional, &ticket(&events), "t", "2026-11-30 09:00");
        assert_eq!((s.state, s.decided), (TimerState::NotApplicable, None));

        let mut events = resolved.to_vec();
        events.push(ev(Action::Close, "2026-11-26 12:00"));
        let s = status(&p, &ticket(&events), "revisit", "2026-11-30 09:00");
        assert_eq!(
            (s.state, s.stopped, s.decided),
            (
                TimerState::Breached,
                Some(utc("2026-11-26 12:00")),
                Some(utc("2026-11-25 11:00"))
            )
        );
        assert_eq!(s.remaining, Duration::hours(-25));
        assert!(!s.is_alert());
        // Past its deadline, even an optional timer was breached.
        let s = status(&optional, &ticket(&events), "t", "2026-11-30 09:00");
        assert_eq!(s.state, TimerState::Breached);
    }

    #[test]
    fn a_ticket_settled_on_the_call_owes_no_revisit() {
        let p = policy();
        let mut resolve = ev(Action::Resolve, "2026-11-24 10:00");
        resolve.on_call = true;
        let t = ticket(&[
            open("2026-11-24 10:00", Some(Grade::II), None),
            ev(Action::Assign, "2026-11-24 10:00"),
            ev(Action::Accept, "2026-11-24 10:00"),
            ev(Action::Respond, "2026-11-24 10:00"),
            resolve,
            ev(Action::Close, "2026-11-24 10:00"),
        ]);
        let all: Vec<(String, TimerState)> = p
            .evaluate(&t, utc("2026-11-30 09:00"))
            .into_iter()
            .map(|s| (s.timer, s.state))
            .collect();
        assert_eq!(
            all,
            [
                ("accept".to_string(), TimerState::Met),
                ("resolve".to_string(), TimerState::Met),
                ("respond".to_string(), TimerState::Met),
                ("revisit".to_string(), TimerState::NotApplicable),
            ]
        );
    }

    #[test]
    fn a_pause_after_the_deadline_does_not_save_it() {
        let p = policy();
        let t = ticket(&[
            open("2026-11-24 10:00", Some(Grade::I), None),
            ev(Action::Assign, "2026-11-24 10:05"),
            ev(Action::Accept, "2026-11-24 10:10"),
            ev(Action::Wait, "2026-11-25 11:00"),
        ]);
        let s = status(&p, &t, "resolve", "2026-11-25 12:00");
        assert_eq!(
            (s.state, s.due),
            (TimerState::Breached, utc("2026-11-25 10:00"))
        );
        assert_eq!(
            s.remaining,
            Duration::hours(-1),
            "the clock stopped at 11:00"
        );
        assert!(s.is_alert());
    }

    #[test]
    fn warn_counts_like_a_target() {
        // Opened Friday 10:00 with 1wd: due Monday 10:00.
        let timer = |warn: &str| {
            policy_of(&format!(
                "start = \"open\"\nstop = \"resolve\"\ntarget = {{ all = \"1wd\" }}\nwarn = \"{warn}\""
            ))
            .unwrap()
        };
        let t = ticket(&[open("2026-11-27 10:00", None, None)]);
        let (business, hours, day) = (timer("2bh"), timer("4h"), timer("1wd"));
        let state = |p: &Policy, now: &str| status(p, &t, "t", now).state;
        assert_eq!(
            status(&business, &t, "t", "2026-11-27 16:00").due,
            utc("2026-11-30 10:00")
        );
        // Two working hours are left from Friday 17:00 (17-18 and Monday 9-10).
        assert_eq!(state(&business, "2026-11-27 16:59"), TimerState::Running);
        assert_eq!(state(&business, "2026-11-27 17:00"), TimerState::AtRisk);
        assert_eq!(state(&business, "2026-11-28 12:00"), TimerState::AtRisk);
        // On a working-time target "4h" is four working hours too: from Friday 15:00
        // (13:30-15:00 and 10:00-12:00 ran: 3.5 of 7.5), not Monday 06:00.
        assert_eq!(state(&hours, "2026-11-27 14:59"), TimerState::Running);
        assert_eq!(state(&hours, "2026-11-27 15:00"), TimerState::AtRisk);
        assert_eq!(
            status(&hours, &t, "t", "2026-11-27 15:00").remaining,
            minutes(240)
        );
        // "1wd": at risk once a working day from now reaches the deadline (at once here).
        assert_eq!(state(&day, "2026-11-27 10:00"), TimerState::AtRisk);

        // The issue's case: resolve medium = "3wd", warn = "4h", on Friday 17:00 with
        // 1h 30m of working time left.
        let p = policy();
        let t = ticket(&[open("2026-11-25 09:30", None, Some(Priority::Medium))]);
        let s = status(&p, &t, "resolve", "2026-11-27 17:00");
        assert_eq!(s.due, utc("2026-11-30 09:30"));
        assert_eq!((s.state, s.remaining), (TimerState::AtRisk, minutes(90)));
        assert!(s.working);
        assert_eq!(
            status(&p, &t, "resolve", "2026-11-27 14:29").state,
            TimerState::Running,
        );
        assert_eq!(
            status(&p, &t, "resolve", "2026-11-27 14:30").state,
            TimerState::AtRisk,
            "four working hours before Monday 09:30 is Friday 14:30"
        );
        // On a wall-clock target, "4h" stays wall-clock.
        let wall = policy_of(
            "start = \"open\"\nstop = \"resolve\"\ntarget = { all = \"24h\" }\nwarn = \"4h\"",
        )
        .unwrap();
        assert_eq!(state(&wall, "2026-11-28 05:59"), TimerState::Running);
        assert_eq!(state(&wall, "2026-11-28 06:00"), TimerState::AtRisk);
    }

    #[test]
    fn clock_skew_never_panics() {
        let p = policy();
        let t = ticket(&[open("2026-11-24 10:00", Some(Grade::III), None)]);
        let s = status(&p, &t, "respond", "2026-11-24 09:00");
        assert_eq!(
            (s.elapsed, s.remaining, s.state),
            (Duration::zero(), minutes(15), TimerState::Running)
        );

        // A respond recorded with a time before the open counts as at the open.
        let t = ticket(&[
            open("2026-11-24 10:00", Some(Grade::III), None),
            ev(Action::Respond, "2026-11-24 09:50"),
        ]);
        let s = status(&p, &t, "respond", "2026-11-24 11:00");
        assert_eq!(
            (s.state, s.stopped, s.elapsed),
            (
                TimerState::Met,
                Some(utc("2026-11-24 10:00")),
                Duration::zero()
            )
        );
        assert!(!p.evaluate(&t, DateTime::<Utc>::MIN_UTC).is_empty());
    }

    #[test]
    fn invalid_timers_name_their_key() {
        let bad = |toml: &str| policy_of(toml).unwrap_err();
        let e = bad("start = \"open\"\nstop = \"resolve\"\ntarget = { II = \"3x\" }");
        assert_eq!(e.key.to_string(), "sla.timers.t.target.II");
        assert!(
            e.to_string()
                .starts_with("sla.timers.t.target.II = \"3x\": invalid SLA target \"3x\""),
            "{e}"
        );

        let e =
            bad("start = [\"assign\", \"asign\"]\nstop = \"accept\"\ntarget = { all = \"1h\" }");
        assert_eq!(e.key().to_string(), "sla.timers.t.start[1]");
        assert!(e.to_string().starts_with(
            "sla.timers.t.start[1] = \"asign\": \"asign\" is not an action (did you mean \"assign\"?); actions are: open, grade,"
        ), "{e}");
        let e = bad("start = \"opn\"\nstop = \"accept\"\ntarget = { all = \"1h\" }");
        assert_eq!(e.key().to_string(), "sla.timers.t.start");
        assert!(e.to_string().starts_with("sla.timers.t.start = \"opn\": \"opn\" is not an action (did you mean \"open\"?); actions"), "{e}");
        assert!(!e.to_string().contains("sla-notified"), "{e}");

        let e = bad("start = \"open\"\nstop = \"sla-notified\"\ntarget = { all = \"1h\" }");
        assert_eq!(
            e.to_string(),
            "sla.timers.t.stop = \"sla-notified\": \"sla-notified\" is bookkeeping of `sla check --notify` and never stops a timer"
        );

        let e = bad("start = []\nstop = \"accept\"\ntarget = { all = \"1h\" }");
        assert_eq!(
            e.to_string(),
            "sla.timers.t.start = []: list at least one action that starts the timer"
        );

        let e =
            bad("start = \"assign\"\nstop = [\"accept\", \"assign\"]\ntarget = { all = \"1h\" }");
        assert!(
            e.to_string().contains("\"assign\" also starts the timer"),
            "{e}"
        );

        let e = bad(
            "start = \"open\"\nstop = \"resolve\"\npause = [\"new\", \"wating\"]\ntarget = { all = \"1h\" }",
        );
        assert_eq!(e.key().to_string(), "sla.timers.t.pause[1]");
        assert!(e.to_string().starts_with("sla.timers.t.pause[1] = \"wating\": \"wating\" is not a ticket state (did you mean \"waiting\"?); states are: new,"), "{e}");
        let e =
            bad("start = \"open\"\nstop = \"resolve\"\npause = [\"x\"]\ntarget = { all = \"1h\" }");
        assert!(
            e.to_string().starts_with(
                "sla.timers.t.pause[0] = \"x\": \"x\" is not a ticket state; states are: new,"
            ),
            "{e}"
        );

        let e = bad("start = \"open\"\nstop = \"resolve\"\ntarget = { IV = \"1h\" }");
        assert_eq!(e.key().to_string(), "sla.timers.t.target.IV");
        assert!(
            e.to_string()
                .contains("\"IV\" is not a grade, a priority or `all`"),
            "{e}"
        );
        assert!(
            policy_of("start = \"open\"\nstop = \"resolve\"\ntarget = { ii = \"1h\" }").is_err()
        );

        let e = bad("start = \"open\"\nstop = \"resolve\"\ntarget = {}");
        assert!(
            e.to_string()
                .starts_with("sla.timers.t.target = {}: give at least one target"),
            "{e}"
        );

        let e =
            bad("start = \"open\"\nstop = \"resolve\"\nwarn = \"soon\"\ntarget = { all = \"1h\" }");
        assert_eq!(e.key().to_string(), "sla.timers.t.warn");
        assert!(
            e.to_string()
                .starts_with("sla.timers.t.warn = \"soon\": invalid SLA target"),
            "{e}"
        );

        // Names are read like on the command line; warn may count working time.
        assert!(policy_of("start = \" Open \"\nstop = \"RESOLVE\"\npause = [\"Waiting\"]\nwarn = \"2bh\"\ntarget = { all = \"1wd\" }").is_ok());
    }

    /// Walks random actions through `apply`, keeping those it accepts, and checks that
    /// `state_after` agrees with the real state machine at every step.
    fn any_action() -> impl Strategy<Value = (Action, Option<Grade>, bool, bool)> {
        (
            proptest::sample::select(Action::ALL.to_vec()),
            proptest::option::of(proptest::sample::select(Grade::ALL.to_vec())),
            any::<bool>(),
            any::<bool>(),
        )
    }

    proptest! {
        #[test]
        fn state_after_agrees_with_apply(steps in proptest::collection::vec(any_action(), 0..40)) {
            let mut t = ticket(&[open("2026-11-24 10:00", None, None)]);
            let mut state = state_after(State::New, &t.event[0]);
            for (action, grade, with_assignee, on_call) in steps {
                let mut e = ev(action, "2026-11-24 11:00");
                e.grade = grade;
                e.on_call = on_call;
                e.reason = Some("why".into());
                e.cause = Some("cause".into());
                e.department = Some("service".into());
                e.need = Some("parts".into());
                e.request = Some(1);
                e.result = Some(4);
                e.amount = Some("100".into());
                e.comp_kind = Some(CompKind::Refund);
                e.timer = Some("respond".into());
                e.link = Some(crate::model::ticket::LinkKind::Related);
                e.ticket = Some("T20261124-CCCCCC".into());
                e.assignee = with_assignee.then(|| "zhao".to_string());
                if apply(&mut t, &e).is_ok() {
                    state = state_after(state, &e);
                    prop_assert_eq!(state, t.state(), "after {}", action);
                }
            }
        }

        #[test]
        fn pausing_never_brings_a_deadline_forward(
            target in proptest::sample::select(vec!["0m", "15m", "24h", "0bh", "8bh", "0wd", "1wd", "3wd"]),
            offsets in proptest::collection::vec(0i64..4 * 24 * 60, 1..8),
            open_at in 0i64..7 * 24 * 60,
            now_after in -60i64..14 * 24 * 60,
            resolve in any::<bool>(),
        ) {
            let timer = |pause: &str| format!(
                "start = \"open\"\nstop = \"resolve\"\npause = [{pause}]\ntarget = {{ all = \"{target}\" }}\nwarn = \"1h\""
            );
            let (plain, pausing) = (policy_of(&timer("")).unwrap(), policy_of(&timer("\"waiting\"")).unwrap());

            // Open, accept, then alternately wait and resume at random later times.
            let base = at("2026-11-23 00:00") + Duration::minutes(open_at);
            let mut e = ev(Action::Open, "2026-11-23 00:00");
            e.at = base;
            let mut events = vec![e];
            for action in [Action::Assign, Action::Accept] {
                let mut e = ev(action, "2026-11-23 00:00");
                e.at = base;
                events.push(e);
            }
            let mut time = base;
            for (i, offset) in offsets.iter().enumerate() {
                time += Duration::minutes(*offset);
                let action = if i % 2 == 0 { Action::Wait } else { Action::Resume };
                let mut e = ev(action, "2026-11-23 00:00");
                e.at = time;
                events.push(e);
            }
            if resolve {
                let mut e = ev(Action::Resolve, "2026-11-23 00:00");
                e.at = time + Duration::minutes(30);
                events.push(e);
            }
            let t = ticket(&events);
            let now = base.to_utc() + Duration::minutes(now_after);

            let a = status_at(&plain, &t, "t", now);
            let b = status_at(&pausing, &t, "t", now);
            prop_assert!(a.due >= a.started && b.due >= b.started);
            prop_assert!(b.due >= a.due, "paused {} < plain {}", b.due, a.due);
            prop_assert!(b.elapsed <= a.elapsed);
            prop_assert_eq!(a.due, Target::parse(target).unwrap().due(plain.calendar(), a.started));
            // What ran plus what is left is the target, with or without pauses.
            prop_assert_eq!(a.elapsed + a.remaining, b.elapsed + b.remaining);
            // Once the history is past, a running clock runs out exactly `remaining` from now.
            let cal = pausing.calendar();
            if now >= time.to_utc() && b.remaining > Duration::zero()
                && matches!(b.state, TimerState::Running | TimerState::AtRisk)
            {
                let by = match Target::parse(target).unwrap() {
                    Target::Wall(_) => now + b.remaining,
                    _ => cal.add_working(now, b.remaining),
                };
                prop_assert_eq!(by, b.due);
            }
        }
    }
}
