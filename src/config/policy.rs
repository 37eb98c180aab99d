//! `[sla.timers]` compiled into a [`Policy`]: every action, state and target name checked,
//! with the key of the first bad value. Evaluating a policy on tickets is
//! [`crate::sla::policy`]; this half is here so that loading `svcdesk.toml` checks it
//! without the config depending on the folds above it.

use super::{Sla, Timer};
use crate::keypath::{KeyPath, toml_string};
use crate::names::did_you_mean;
use crate::time::{Calendar, Target};
use crate::vocab::{Action, Channel, Grade, Priority, State};

/// The SLA policy of a desk, validated and ready to evaluate tickets.
#[derive(Debug, Clone)]
pub struct Policy {
    pub(crate) calendar: Calendar,
    /// In the order of `[sla.timers]` as loaded (alphabetical).
    pub(crate) timers: Vec<TimerRule>,
    /// `[[sla.ladder]]`, in order.
    pub(crate) ladder: Vec<super::ladder::Level>,
    /// `[sla.tiers.NAME]`: this policy on the tier's calendar with its targets (see
    /// `config::tiers`); empty in a tier's own policy.
    pub(crate) tiers: std::collections::BTreeMap<String, Policy>,
}

/// One validated `[sla.timers.NAME]` table.
#[derive(Debug, Clone)]
pub(crate) struct TimerRule {
    pub(crate) name: String,
    pub(crate) start: Vec<Action>,
    pub(crate) stop: Vec<Action>,
    pub(crate) pause: Vec<State>,
    pub(crate) warn: Option<Target>,
    /// Ending without the stop action is `n/a`, not `missed`.
    pub(crate) optional: bool,
    /// Indexed by [`grade_index`].
    pub(crate) grade: [Option<Target>; 3],
    /// Indexed by [`priority_index`].
    pub(crate) priority: [Option<Target>; 3],
    pub(crate) all: Option<Target>,
    /// For a run whose start was stamped `remote`: replaces the others.
    pub(crate) remote: Option<Target>,
    /// Only start events stamped `goods` begin a run.
    pub(crate) goods: bool,
    /// `channel:NAME`, `category:NAME`, `department:NAME` targets, in key order: each
    /// matches a run whose ticket had that channel, category or department at the run's
    /// start (see [`crate::sla::policy`]).
    pub(crate) keyed: Vec<KeyedTarget>,
    /// A policy timer, or one of the built-in timers whose deadline each run's start
    /// event names (a promise's time, a collaboration request's due date).
    pub(crate) kind: TimerKind,
}

/// A target keyed by what a ticket is rather than its grade or priority.
#[derive(Debug, Clone)]
pub(crate) struct KeyedTarget {
    /// The key as written (`channel:written`): the run's basis when it wins.
    pub(crate) key: String,
    pub(crate) on: RunKey,
    pub(crate) target: Target,
    /// The value as written, for errors.
    text: String,
}

/// What a keyed target matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RunKey {
    Channel(Channel),
    /// A key of `[categories]`.
    Category(String),
    /// A key of `[departments]`.
    Department(String),
}

/// Where a timer's deadlines come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimerKind {
    /// `[sla.timers.NAME]`: targets by grade, priority or `all`.
    Policy,
    /// Built-in `promise`: each `promise` event runs to its `promised` time; stopped by
    /// `resolve` or `promise --kept`; a new promise restarts it.
    Promise,
    /// Built-in `collab`: each `collab` request with a `due` date runs to the end of that
    /// day in desk time; stopped by the `collab-reply` that answers it.
    Collab,
    /// Built-in `appointment`: each `promise --appointment` (a site visit, 「按约定时间到达
    /// 现场」) runs to its `promised` time; stopped by `resolve` or `promise --kept
    /// --appointment` (the arrival); a new appointment restarts it.
    Appointment,
}

/// The built-in timers, evaluated after the policy's; their names are reserved.
pub const BUILTIN_TIMERS: [&str; 3] = ["promise", "collab", "appointment"];

/// An `[sla.timers]` value that cannot be used, with the key it was found at.
///
/// Displays as `sla.timers.resolve.target.II = "3x": invalid SLA target ...`; pass
/// [`PolicyError::key`] to [`KeyPath::locate`] to point at the line in `svcdesk.toml`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key} = {value}: {problem}")]
pub struct PolicyError {
    /// The TOML key path, e.g. `sla.timers.resolve.target.II` or `sla.timers.x.pause[1]`.
    pub key: KeyPath,
    /// The value found there, written as TOML.
    pub value: String,
    /// What is wrong with it.
    pub problem: String,
}

impl PolicyError {
    /// The TOML key path of the offending value.
    pub fn key(&self) -> &KeyPath {
        &self.key
    }
}

impl Policy {
    /// Validates every timer of `[sla.timers]`; the first problem found is the error.
    pub fn new(sla: &Sla, calendar: Calendar) -> Result<Policy, PolicyError> {
        let timers = sla
            .timers
            .iter()
            .map(|(name, timer)| TimerRule::new(name, timer))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(name) = BUILTIN_TIMERS.iter().find(|n| sla.timers.contains_key(**n)) {
            return Err(PolicyError {
                key: KeyPath::new(["sla", "timers", name]),
                value: "{ ... }".into(),
                problem: format!(
                    "\"{name}\" is a built-in timer (promises, collaboration due dates and appointments); name this one differently"
                ),
            });
        }
        let mut timers = timers;
        timers.push(TimerRule::builtin("promise", TimerKind::Promise));
        timers.push(TimerRule::builtin("collab", TimerKind::Collab));
        timers.push(TimerRule::builtin("appointment", TimerKind::Appointment));
        let ladder = super::ladder::compile(sla)?;
        Ok(Policy {
            calendar,
            timers,
            ladder,
            tiers: Default::default(),
        })
    }

    /// Checks the names of `category:` and `department:` target keys against the desk's
    /// `[categories]` and `[departments]` keys (the first unknown one is the error).
    pub fn check_names(
        &self,
        categories: &[&str],
        departments: &[&str],
    ) -> Result<(), PolicyError> {
        for rule in &self.timers {
            for k in &rule.keyed {
                let (what, table, name, known) = match &k.on {
                    RunKey::Channel(_) => continue,
                    RunKey::Category(n) => ("category", "categories", n, categories),
                    RunKey::Department(n) => ("department", "departments", n, departments),
                };
                if known.contains(&name.as_str()) {
                    continue;
                }
                let list = if known.is_empty() {
                    format!("svcdesk.toml has no [{table}]")
                } else {
                    format!("known: {}", known.join(", "))
                };
                return Err(PolicyError {
                    key: KeyPath::new([
                        "sla",
                        "timers",
                        rule.name.as_str(),
                        "target",
                        k.key.as_str(),
                    ]),
                    value: toml_string(&k.text),
                    problem: format!(
                        "{} is not a {what} of this desk{}; {list}",
                        toml_string(name),
                        did_you_mean(name, known.iter().copied())
                    ),
                });
            }
        }
        Ok(())
    }

    /// Adds the policy of every `[sla.tiers.NAME]` of `config`: its calendar, and its
    /// targets in place of the timers' own. Names were checked by `tiers::validate`;
    /// a bad target value is reported at its key under `sla.tiers`.
    pub fn with_tiers(mut self, config: &super::Config) -> Result<Policy, PolicyError> {
        for (name, tier) in &config.sla.tiers {
            let Some(calendar) = config.tier_calendar(name) else {
                continue;
            };
            let mut timers = self.timers.clone();
            for (timer, target) in &tier.targets {
                let Some(base) = config.sla.timers.get(timer) else {
                    continue;
                };
                let table = target.table();
                let own = Timer {
                    target: table.clone(),
                    ..base.clone()
                };
                let at = KeyPath::new(["sla", "tiers", name.as_str(), "targets", timer.as_str()]);
                let rule = TimerRule::new(timer, &own).map_err(|mut e| {
                    let key =
                        |k: &str| KeyPath::new(["sla", "timers", timer.as_str(), "target", k]);
                    e.key = match target {
                        super::tiers::TierTarget::Keyed(map) => {
                            match map.keys().find(|k| e.key == key(k)) {
                                Some(k) => at.clone().key(k.as_str()),
                                None => at.clone(),
                            }
                        }
                        super::tiers::TierTarget::One(_) => at.clone(),
                    };
                    e
                })?;
                if let Some(slot) = timers.iter_mut().find(|t| t.name == *timer) {
                    *slot = rule;
                }
            }
            let policy = Policy {
                calendar,
                timers,
                ladder: self.ladder.clone(),
                tiers: Default::default(),
            };
            self.tiers.insert(name.clone(), policy);
        }
        Ok(self)
    }

    /// The policy a ticket of `tier` is evaluated by: that tier's, or this one for no
    /// tier or one no longer in `[sla.tiers]`.
    pub fn for_tier(&self, tier: Option<&str>) -> &Policy {
        tier.and_then(|t| self.tiers.get(t)).unwrap_or(self)
    }

    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// The escalation ladder's levels, in order.
    pub fn ladder(&self) -> &[super::ladder::Level] {
        &self.ladder
    }

    /// The names of all timers, in evaluation order.
    pub fn timer_names(&self) -> impl Iterator<Item = &str> {
        self.timers
            .iter()
            .filter(|t| t.kind == TimerKind::Policy)
            .map(|t| t.name.as_str())
    }
}

impl TimerRule {
    /// A built-in timer: no targets of its own, the start event names the deadline.
    fn builtin(name: &str, kind: TimerKind) -> TimerRule {
        let (start, stop) = match kind {
            TimerKind::Collab => (vec![Action::Collab], vec![Action::CollabReply]),
            _ => (vec![Action::Promise], vec![Action::Resolve]),
        };
        TimerRule {
            name: name.to_string(),
            start,
            stop,
            pause: Vec::new(),
            warn: None,
            // An unanswered request dropped at close is not owed any more.
            optional: kind == TimerKind::Collab,
            grade: [None; 3],
            priority: [None; 3],
            all: None,
            remote: None,
            goods: false,
            keyed: Vec::new(),
            kind,
        }
    }

    fn new(name: &str, timer: &Timer) -> Result<TimerRule, PolicyError> {
        let key = |path: &[&str]| KeyPath::new(["sla", "timers", name].iter().chain(path).copied());
        let err = |path: &[&str], value: String, problem: String| PolicyError {
            key: key(path),
            value,
            problem,
        };
        // A bad name in a list is pointed at itself; a single name may be written bare.
        let element = |list: &str, names: &[String], i: Option<usize>, problem: String| match i {
            Some(i) if names.len() > 1 || list == "pause" => PolicyError {
                key: key(&[list]).index(i),
                value: toml_string(&names[i]),
                problem,
            },
            _ if list == "pause" => err(&[list], array(names), problem),
            _ => err(&[list], one_or_many(names), problem),
        };

        let start = actions(&timer.start, "starts")
            .map_err(|(i, p)| element("start", &timer.start, i, p))?;
        let stop =
            actions(&timer.stop, "stops").map_err(|(i, p)| element("stop", &timer.stop, i, p))?;
        if let Some(both) = stop.iter().find(|a| start.contains(a)) {
            return Err(err(
                &["stop"],
                one_or_many(&timer.stop),
                format!(
                    "\"{both}\" also starts the timer (start = {}); an action can start or stop a timer, not both",
                    one_or_many(&timer.start)
                ),
            ));
        }

        let mut pause = Vec::with_capacity(timer.pause.len());
        for (i, text) in timer.pause.iter().enumerate() {
            let state = State::parse(text).ok_or_else(|| {
                element(
                    "pause",
                    &timer.pause,
                    Some(i),
                    format!(
                        "{} is not a ticket state{}; states are: {}",
                        toml_string(text),
                        did_you_mean(text, State::ALL.iter().map(|s| s.as_str())),
                        State::names()
                    ),
                )
            })?;
            pause.push(state);
        }

        let warn = match &timer.warn {
            Some(text) => Some(
                Target::parse(text)
                    .map_err(|e| err(&["warn"], toml_string(text), e.to_string()))?,
            ),
            None => None,
        };

        if timer.target.is_empty() {
            return Err(err(
                &["target"],
                "{}".into(),
                "give at least one target, e.g. { all = \"24h\" } or { I = \"24h\", II = \"48h\" }"
                    .into(),
            ));
        }
        let mut rule = TimerRule {
            name: name.to_string(),
            start,
            stop,
            pause,
            warn,
            optional: timer.optional,
            grade: [None; 3],
            priority: [None; 3],
            all: None,
            remote: None,
            goods: timer.goods,
            keyed: Vec::new(),
            kind: TimerKind::Policy,
        };
        let bad_key = |k: &str, text: &str| {
            let fixed = ["I", "II", "III", "high", "medium", "low", "all", "remote"];
            err(
                &["target", k],
                toml_string(text),
                format!(
                    "{} is not a target key{}; target keys are a grade (I, II, III), a priority (high, medium, low), all, remote, channel:NAME, category:NAME and department:NAME",
                    toml_string(k),
                    did_you_mean(k, fixed.into_iter())
                ),
            )
        };
        for (k, text) in &timer.target {
            let target = Target::parse(text)
                .map_err(|e| err(&["target", k], toml_string(text), e.to_string()))?;
            // Keys are matched exactly, like every TOML key.
            let slot = if let Some(g) = Grade::ALL.iter().find(|g| g.as_str() == k) {
                &mut rule.grade[grade_index(*g)]
            } else if let Some(p) = Priority::ALL.iter().find(|p| p.as_str() == k) {
                &mut rule.priority[priority_index(*p)]
            } else if k == "all" {
                &mut rule.all
            } else if k == "remote" {
                &mut rule.remote
            } else if let Some((kind, name)) = k.split_once(':') {
                let on = match kind {
                    "channel" => RunKey::Channel(
                        Channel::parse(name)
                            .filter(|c| c.as_str() == name)
                            .ok_or_else(|| {
                                err(
                                    &["target", k],
                                    toml_string(text),
                                    format!(
                                        "{} is not a channel{}; channels are: {}",
                                        toml_string(name),
                                        did_you_mean(name, Channel::ALL.iter().map(|c| c.as_str())),
                                        Channel::names()
                                    ),
                                )
                            })?,
                    ),
                    "category" => RunKey::Category(name.to_string()),
                    "department" => RunKey::Department(name.to_string()),
                    _ => return Err(bad_key(k, text)),
                };
                rule.keyed.push(KeyedTarget {
                    key: k.clone(),
                    on,
                    target,
                    text: text.clone(),
                });
                continue;
            } else {
                return Err(bad_key(k, text));
            };
            *slot = Some(target);
        }
        Ok(rule)
    }
}

/// Parses the names of `start` (`verb` "starts") or `stop` ("stops"). An error gives
/// the index of the bad name (none for an empty list) and the problem.
fn actions(names: &[String], verb: &str) -> Result<Vec<Action>, (Option<usize>, String)> {
    if names.is_empty() {
        return Err((
            None,
            format!("list at least one action that {verb} the timer"),
        ));
    }
    let usable = || {
        Action::ALL
            .iter()
            .filter(|a| **a != Action::SlaNotified)
            .map(|a| a.as_str())
    };
    names
        .iter()
        .enumerate()
        .map(|(i, name)| match Action::parse(name) {
            Some(Action::SlaNotified) => Err((
                Some(i),
                format!(
                    "\"sla-notified\" is bookkeeping of `sla check --notify` and never {verb} a timer"
                ),
            )),
            Some(a) => Ok(a),
            None => Err((
                Some(i),
                format!(
                    "{} is not an action{}; actions are: {}",
                    toml_string(name),
                    did_you_mean(name, usable()),
                    usable().collect::<Vec<_>>().join(", ")
                ),
            )),
        })
        .collect()
}

pub(crate) fn grade_index(g: Grade) -> usize {
    match g {
        Grade::I => 0,
        Grade::II => 1,
        Grade::III => 2,
    }
}

pub(crate) fn priority_index(p: Priority) -> usize {
    match p {
        Priority::High => 0,
        Priority::Medium => 1,
        Priority::Low => 2,
    }
}

/// A `start`/`stop` value as TOML: one name is shown as a string, as it is usually written.
fn one_or_many(names: &[String]) -> String {
    match names {
        [one] => toml_string(one),
        _ => array(names),
    }
}

fn array(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| toml_string(s)).collect();
    format!("[{}]", items.join(", "))
}
