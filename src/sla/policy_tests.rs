use super::*;
use crate::config::policy::PolicyError;
use crate::config::{self, Config};
use crate::model::ticket::replay;
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
    let p = policy_of(
        "start = \"open\"\nstop = \"resolve\"\npause = [\"waiting\"]\ntarget = { all = \"8bh\" }",
    )
    .unwrap();
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
    let p = policy_of(
        "start = \"open\"\nstop = \"resolve\"\npause = [\"waiting\"]\ntarget = { all = \"1wd\" }",
    )
    .unwrap();
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

/// `ticket set --priority`: the `set` event a correction records.
fn set_priority(when: &str, old: Priority, new: Priority) -> Event {
    let mut e = ev(Action::Set, when);
    e.text = None;
    e.field = Some("priority".into());
    e.old = Some(old.to_string());
    e.new = Some(new.to_string());
    e
}

#[test]
fn a_corrected_priority_retargets_like_a_regrade() {
    let p = policy();
    // Medium (3wd from Tuesday 10:00) raised to high (24h) an hour later: due Wednesday.
    let t = ticket(&[
        open("2026-11-24 10:00", None, Some(Priority::Medium)),
        set_priority("2026-11-24 11:00", Priority::Medium, Priority::High),
    ]);
    let s = status(&p, &t, "resolve", "2026-11-24 12:00");
    assert_eq!(
        (s.state, s.basis.as_str(), s.due),
        (TimerState::Running, "high", utc("2026-11-25 10:00"))
    );
    // High, breached at Wednesday 10:00, lowered at 12:00: stays breached then.
    let t = ticket(&[
        open("2026-11-24 10:00", None, Some(Priority::High)),
        set_priority("2026-11-25 12:00", Priority::High, Priority::Low),
    ]);
    let s = status(&p, &t, "resolve", "2026-11-25 13:00");
    assert_eq!(
        (s.state, s.basis.as_str(), s.decided),
        (TimerState::Breached, "high", Some(utc("2026-11-25 10:00")))
    );
    // A correction of another field re-targets nothing.
    let mut serial = set_priority("2026-11-24 11:00", Priority::Medium, Priority::High);
    serial.field = Some("serial".into());
    serial.new = Some("SN-2".into());
    let t = ticket(&[
        open("2026-11-24 10:00", None, Some(Priority::Medium)),
        serial,
    ]);
    assert_eq!(
        status(&p, &t, "resolve", "2026-11-24 12:00").basis,
        "medium"
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

    // The case: resolve medium = "3wd", warn = "4h", on Friday 17:00 with
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

    let e = bad("start = [\"assign\", \"asign\"]\nstop = \"accept\"\ntarget = { all = \"1h\" }");
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

    let e = bad("start = \"assign\"\nstop = [\"accept\", \"assign\"]\ntarget = { all = \"1h\" }");
    assert!(
        e.to_string().contains("\"assign\" also starts the timer"),
        "{e}"
    );

    let e = bad(
        "start = \"open\"\nstop = \"resolve\"\npause = [\"new\", \"wating\"]\ntarget = { all = \"1h\" }",
    );
    assert_eq!(e.key().to_string(), "sla.timers.t.pause[1]");
    assert!(e.to_string().starts_with("sla.timers.t.pause[1] = \"wating\": \"wating\" is not a ticket state (did you mean \"waiting\"?); states are: new,"), "{e}");
    let e = bad("start = \"open\"\nstop = \"resolve\"\npause = [\"x\"]\ntarget = { all = \"1h\" }");
    assert!(
        e.to_string().starts_with(
            "sla.timers.t.pause[0] = \"x\": \"x\" is not a ticket state; states are: new,"
        ),
        "{e}"
    );

    let e = bad("start = \"open\"\nstop = \"resolve\"\ntarget = { IV = \"1h\" }");
    assert_eq!(e.key().to_string(), "sla.timers.t.target.IV");
    assert!(e.to_string().contains("\"IV\" is not a target key"), "{e}");
    assert!(policy_of("start = \"open\"\nstop = \"resolve\"\ntarget = { ii = \"1h\" }").is_err());

    let e = bad("start = \"open\"\nstop = \"resolve\"\ntarget = {}");
    assert!(
        e.to_string()
            .starts_with("sla.timers.t.target = {}: give at least one target"),
        "{e}"
    );

    let e = bad("start = \"open\"\nstop = \"resolve\"\nwarn = \"soon\"\ntarget = { all = \"1h\" }");
    assert_eq!(e.key().to_string(), "sla.timers.t.warn");
    assert!(
        e.to_string()
            .starts_with("sla.timers.t.warn = \"soon\": invalid SLA target"),
        "{e}"
    );

    // Names are read like on the command line; warn may count working time.
    assert!(policy_of("start = \" Open \"\nstop = \"RESOLVE\"\npause = [\"Waiting\"]\nwarn = \"2bh\"\ntarget = { all = \"1wd\" }").is_ok());
}

proptest! {
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

#[test]
fn a_merge_ends_running_timers_neither_met_nor_breached() {
    let p = policy();
    let mut into = ev(Action::MergedInto, "2026-11-26 10:00");
    into.ticket = Some("T20261124-CCCCCC".into());
    into.reason = Some("same fault".into());
    let t = ticket(&[
        open("2026-11-24 10:00", Some(Grade::III), None),
        ev(Action::Assign, "2026-11-24 10:00"),
        ev(Action::Accept, "2026-11-24 10:05"),
        into,
    ]);
    // accept was met before the merge; respond (15 min) was long past due, resolve
    // still running: both end n/a at the merge, counted nowhere.
    let s = status(&p, &t, "accept", "2026-11-27 10:00");
    assert_eq!(s.state, TimerState::Met);
    for timer in ["respond", "resolve"] {
        let s = status(&p, &t, timer, "2026-11-27 10:00");
        assert_eq!(
            (s.state, s.decided),
            (TimerState::NotApplicable, None),
            "{timer}"
        );
        assert_eq!(s.stopped, Some(utc("2026-11-26 10:00")));
    }
}

/// `goods = true`: only a start stamped `goods` begins a run; a `remote` start has the
/// `remote` target alone, whatever else matches.
#[test]
fn goods_timers_start_on_goods_and_remote_runs_take_the_remote_target() {
    let p = policy_of(
        "start = [\"plan\"]\nstop = \"ship\"\ngoods = true\ntarget = { all = \"24h\", remote = \"48h\" }",
    )
    .unwrap();
    let mut accepted = vec![open("2026-12-04 09:00", Some(Grade::II), None)];
    accepted.push(ev(Action::Assign, "2026-12-04 09:00"));
    accepted.push(ev(Action::Accept, "2026-12-04 09:00"));
    let plain = ev(Action::Plan, "2026-12-04 17:00");
    let mut goods = plain.clone();
    goods.goods = true;
    let mut remote = goods.clone();
    remote.remote = true;
    let with = |e: &Event| {
        let mut evs = accepted.clone();
        evs.push(e.clone());
        let t = replay("T20261204-AAAAAA", &evs).unwrap();
        p.evaluate(&t, utc("2026-12-05 12:00"))
    };
    assert!(with(&plain).is_empty(), "a plan that needs nothing shipped");
    let s = with(&goods);
    assert_eq!(
        (s[0].due, s[0].basis.as_str()),
        (utc("2026-12-05 17:00"), "all")
    );
    let s = with(&remote);
    assert_eq!(
        (s[0].due, s[0].basis.as_str()),
        (utc("2026-12-06 17:00"), "remote")
    );
}

/// A promise made at `when`, due at `by`.
fn promise(when: &str, by: &str) -> Event {
    let mut e = ev(Action::Promise, when);
    e.promised = Some(at(by));
    e
}

fn runs_of(t: &Ticket, timer: &str, now: &str) -> Vec<(TimerState, DateTime<Utc>)> {
    policy()
        .evaluate(t, utc(now))
        .into_iter()
        .filter(|s| s.timer == timer)
        .map(|s| (s.state, s.due))
        .collect()
}

#[test]
fn a_promise_changed_in_time_restarts_and_one_changed_late_stays_broken() {
    let mut kept = ev(Action::Promise, "2026-11-24 16:00");
    kept.kept = true;
    let t = Ticket {
        event: vec![
            open("2026-11-24 09:00", None, None),
            promise("2026-11-24 09:10", "2026-11-24 12:00"),
            promise("2026-11-24 11:00", "2026-11-24 13:00"),
            promise("2026-11-24 14:00", "2026-11-24 17:00"),
            kept,
        ],
        ..Ticket::default()
    };
    assert_eq!(
        runs_of(&t, "promise", "2026-11-24 18:00"),
        vec![
            (TimerState::Restarted, utc("2026-11-24 12:00")),
            (TimerState::Breached, utc("2026-11-24 13:00")),
            (TimerState::Met, utc("2026-11-24 17:00")),
        ]
    );
    // A keeping with nothing running starts nothing; a resolve keeps the promise too.
    let t = Ticket {
        event: vec![
            open("2026-11-24 09:00", None, None),
            promise("2026-11-24 09:10", "2026-11-24 12:00"),
            ev(Action::Resolve, "2026-11-24 11:00"),
        ],
        ..Ticket::default()
    };
    assert_eq!(
        runs_of(&t, "promise", "2026-11-24 18:00"),
        vec![(TimerState::Met, utc("2026-11-24 12:00"))]
    );
}

#[test]
fn collab_requests_run_side_by_side_to_the_end_of_their_due_day() {
    let collab = |when: &str, due: Option<(i32, u32, u32)>| {
        let mut e = ev(Action::Collab, when);
        e.due = due.and_then(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d));
        e
    };
    let mut reply = ev(Action::CollabReply, "2026-11-25 10:00");
    reply.request = Some(3);
    let t = Ticket {
        event: vec![
            open("2026-11-24 09:00", None, None),
            collab("2026-11-24 10:00", Some((2026, 11, 24))),
            // No due date: no run, but it is request 2.
            collab("2026-11-24 10:05", None),
            collab("2026-11-24 10:10", Some((2026, 11, 26))),
            reply,
        ],
        ..Ticket::default()
    };
    assert_eq!(
        runs_of(&t, "collab", "2026-11-25 12:00"),
        vec![
            (TimerState::Breached, utc("2026-11-25 00:00")),
            (TimerState::Met, utc("2026-11-27 00:00")),
        ]
    );
    // Still due at 23:59 of its day.
    assert_eq!(
        runs_of(&t, "collab", "2026-11-24 23:59")[0].0,
        TimerState::Running
    );
}

#[test]
fn the_builtin_timer_names_are_reserved() {
    let c = desk_config();
    let timer: config::Timer =
        toml::from_str("start = \"open\"\nstop = \"resolve\"\ntarget = { all = \"1h\" }").unwrap();
    let sla = config::Sla {
        timers: [("promise".to_string(), timer)].into_iter().collect(),
        ..config::Sla::default()
    };
    let e = Policy::new(&sla, c.calendar().unwrap()).unwrap_err();
    assert!(e.problem.contains("built-in"), "{}", e.problem);
    assert!(
        !policy()
            .timer_names()
            .any(|n| n == "promise" || n == "collab")
    );
}

/// A policy of one timer `t` and a ladder of levels at `ats`, L1, L2, ... in order.
fn ladder_policy(timer_toml: &str, ats: &[&str]) -> Policy {
    let c = desk_config();
    let levels: String = ats
        .iter()
        .map(|a| format!("[[ladder]]\nat = \"{a}\"\n"))
        .collect();
    let sla: config::Sla = toml::from_str(&format!("[timers.t]\n{timer_toml}\n{levels}")).unwrap();
    Policy::new(&sla, c.calendar().unwrap()).unwrap()
}

fn rung_times(p: &Policy, t: &Ticket, now: &str) -> Vec<DateTime<Utc>> {
    status(p, t, "t", now).ladder.iter().map(|r| r.at).collect()
}

#[test]
fn ladder_levels_sit_at_shares_and_offsets_of_the_deadline() {
    // 24 wall-clock hours from Tue 10:00: due Wed 10:00.
    let p = ladder_policy(
        "start = \"open\"\nstop = \"resolve\"\ntarget = { all = \"24h\" }",
        &["-25%", "0", "+4bh", "-30m", "+10%"],
    );
    let t = ticket(&[open("2026-11-24 10:00", Some(Grade::II), None)]);
    assert_eq!(
        rung_times(&p, &t, "2026-11-24 11:00"),
        [
            utc("2026-11-25 04:00"), // 18 h of 24
            utc("2026-11-25 10:00"),
            // 4 working hours from Wed 10:00: 10:00-12:00, 13:30-15:30.
            utc("2026-11-25 15:30"),
            utc("2026-11-25 09:30"),
            utc("2026-11-25 12:24"), // 26.4 h
        ]
    );

    // 8 business hours from Tue 10:00: due Wed 10:30. A wall-clock offset counts the
    // night; a working one skips it.
    let p = ladder_policy(
        "start = \"open\"\nstop = \"resolve\"\ntarget = { all = \"8bh\" }",
        &["-25%", "-2h", "-2bh", "+1h"],
    );
    assert_eq!(
        rung_times(&p, &t, "2026-11-24 11:00"),
        [
            utc("2026-11-24 17:30"),
            utc("2026-11-25 08:30"),
            utc("2026-11-24 17:30"),
            utc("2026-11-25 11:30"),
        ]
    );
}

/// A route to `dept` (an open's routing, a forward) at `when`.
fn routed(action: Action, when: &str, dept: &str) -> Event {
    let mut e = ev(action, when);
    e.assignee = None;
    e.department = Some(dept.into());
    e
}

#[test]
fn a_keyed_run_takes_the_department_routed_at_its_start_and_keeps_it() {
    let p = policy_of(
        "start = \"open\"\nstop = \"resolve\"\ntarget = { \"department:quality\" = \"2h\", \"category:complaint\" = \"48h\" }",
    )
    .unwrap();
    // The routing recorded with the open (same instant) counts: 2 hours, the earlier.
    let t = ticket(&[
        open("2026-11-24 09:00", None, None),
        routed(Action::Assign, "2026-11-24 09:00", "quality"),
        routed(Action::Forward, "2026-11-24 10:00", "service"),
    ]);
    let s = status(&p, &t, "t", "2026-11-24 10:30");
    assert_eq!(
        (s.basis.as_str(), s.due),
        ("department:quality", utc("2026-11-24 11:00"))
    );
    // Routed to quality only later: the run started with no department, so the
    // category's 48 hours hold.
    let t = ticket(&[
        open("2026-11-24 09:00", None, None),
        routed(Action::Forward, "2026-11-24 09:05", "quality"),
    ]);
    let s = status(&p, &t, "t", "2026-11-24 10:30");
    assert_eq!(
        (s.basis.as_str(), s.due),
        ("category:complaint", utc("2026-11-26 09:00"))
    );
}

#[test]
fn a_paused_run_fires_no_level_and_its_levels_move_by_the_wait() {
    let p = ladder_policy(
        "start = \"open\"\nstop = \"resolve\"\npause = [\"waiting\"]\ntarget = { all = \"24h\" }",
        &["-100%", "-25%"],
    );
    let waiting = [
        open("2026-11-24 10:00", Some(Grade::II), None),
        ev(Action::Assign, "2026-11-24 10:01"),
        ev(Action::Accept, "2026-11-24 10:02"),
        ev(Action::Wait, "2026-11-24 12:00"),
    ];
    // At the start, so long due; but the run waits: nothing fires.
    let s = status(&p, &ticket(&waiting), "t", "2026-11-24 13:00");
    assert_eq!(s.ladder[0].at, utc("2026-11-24 10:00"));
    assert!(!s.ladder[0].due, "paused");
    // Taken to resume now: 16 h of running time left after 13:00.
    assert_eq!(s.ladder[1].at, utc("2026-11-25 05:00"));

    let mut resumed = waiting.to_vec();
    resumed.push(ev(Action::Resume, "2026-11-24 14:00"));
    let s = status(&p, &ticket(&resumed), "t", "2026-11-24 14:01");
    assert!(s.ladder[0].due);
    // Two hours of waiting move 18 h of running time from Wed 04:00 to 06:00.
    assert_eq!(s.ladder[1].at, utc("2026-11-25 06:00"));
    assert!(!s.ladder[1].due);

    // Fired once in this run: not due again.
    let mut told = ev(Action::SlaNotified, "2026-11-24 14:05");
    told.timer = Some("t".into());
    told.ladder = Some("L1".into());
    resumed.push(told);
    let s = status(&p, &ticket(&resumed), "t", "2026-11-24 14:10");
    assert!(s.ladder[0].fired && !s.ladder[0].due);
    // ... and it is no at-risk or breach telling.
    assert!(!s.warned && !s.notified);
}

#[test]
fn keyed_names_are_checked_against_the_desk() {
    let p = policy_of(
        "start = \"open\"\nstop = \"forward\"\ntarget = { \"department:qualty\" = \"1wd\" }",
    )
    .unwrap();
    let e = p
        .check_names(&["complaint"], &["quality", "service"])
        .unwrap_err();
    assert_eq!(
        e.key().to_string(),
        "sla.timers.t.target.\"department:qualty\""
    );
    assert!(e.to_string().contains("(did you mean \"quality\"?)"), "{e}");
    assert!(p.check_names(&[], &["qualty"]).is_ok());
    let e = policy_of(
        "start = \"open\"\nstop = \"forward\"\ntarget = { \"channel:Written\" = \"1wd\" }",
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("is not a channel (did you mean \"written\"?)"),
        "{e}"
    );
}
