use super::*;
use crate::model::ticket::{CompKind, Grade};
use crate::time::Month;
use chrono::FixedOffset;

fn tz() -> chrono_tz::Tz {
    chrono_tz::Asia::Shanghai
}

fn nov() -> Period {
    Period::month(
        Month {
            year: 2026,
            month: 11,
        },
        tz(),
    )
}

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("{s}+08:00")).unwrap()
}

fn ev(a: Action, when: &str) -> Event {
    let mut e = Event {
        at: at(when),
        by: "li".into(),
        action: Some(a),
        ..Event::default()
    };
    match a {
        Action::Open => {
            e.customer = Some("C20261101-AAAAAA".into());
            e.category = Some("complaint".into());
            e.product = Some("X200".into());
        }
        Action::Assign => e.assignee = Some("wang".into()),
        Action::Respond | Action::Resolve => e.text = Some("done".into()),
        Action::Revisit => e.result = Some(4),
        Action::Reopen => e.reason = Some("again".into()),
        Action::CompRequest => {
            e.amount = Some("150.5".into());
            e.comp_kind = Some(CompKind::Coupon);
        }
        _ => {}
    }
    e
}

fn ticket(id: &str, events: Vec<Event>) -> Ticket {
    ticket::replay(id, &events).unwrap()
}

/// Open 2026-11-02 09:00, accepted, responded after 2 h, resolved after 26 h, revisited,
/// closed with 5 on Nov 4.
fn full_life() -> Ticket {
    let mut close = ev(Action::Close, "2026-11-04T10:00:00");
    close.satisfaction = Some(5);
    ticket(
        "T20261102-AAAAAA",
        vec![
            ev(Action::Open, "2026-11-02T09:00:00"),
            ev(Action::Assign, "2026-11-02T09:00:00"),
            ev(Action::Accept, "2026-11-02T09:30:00"),
            ev(Action::Respond, "2026-11-02T11:00:00"),
            ev(Action::Resolve, "2026-11-03T11:00:00"),
            ev(Action::Revisit, "2026-11-03T15:00:00"),
            close,
        ],
    )
}

fn status(timer: &str, state: TimerState, due: &str, stopped: Option<&str>) -> TimerStatus {
    let (due, stopped) = (at(due).to_utc(), stopped.map(|s| at(s).to_utc()));
    TimerStatus {
        timer: timer.into(),
        run: 1,
        target: "24h".into(),
        basis: "all".into(),
        working: false,
        started: at("2026-11-01T00:00:00").to_utc(),
        due,
        stopped,
        state,
        decided: match state {
            TimerState::Met | TimerState::Missed => stopped,
            TimerState::Breached => Some(due),
            _ => None,
        },
        elapsed: chrono::Duration::zero(),
        remaining: chrono::Duration::zero(),
        notified: false,
        warned: false,
        ladder: Vec::new(),
    }
}

#[test]
fn a_full_life_in_one_month() {
    let t = full_life();
    let mut s = Stats::default();
    s.add_ticket(&t, &[], &nov());
    assert_eq!((s.opened, s.closed, s.backlog), (1, 1, 0));
    assert_eq!((s.resolved, s.revisited, s.reopens), (1, 1, 0));
    assert_eq!(s.first_response_secs, [2 * 3600]);
    assert_eq!(s.resolve_secs, [26 * 3600]);
    assert_eq!(s.satisfaction, [0, 0, 0, 0, 1]);
    assert_eq!(s.revisit_rate(), "100.0");
    assert_eq!(s.reopen_rate(), "0.0");
    // The same ticket in October: not yet opened; in December: nothing happened.
    let oct = Period::month(
        Month {
            year: 2026,
            month: 10,
        },
        tz(),
    );
    assert!(as_of(&t, oct.to).is_none());
    let mut dec = Stats::default();
    let dec_p = Period::month(
        Month {
            year: 2026,
            month: 12,
        },
        tz(),
    );
    dec.add_ticket(&t, &[], &dec_p);
    assert!(dec.is_empty(), "{dec:?}");
}

#[test]
fn a_ticket_resolved_next_month_is_backlog_at_month_end() {
    let t = ticket(
        "T20261130-AAAAAA",
        vec![
            ev(Action::Open, "2026-11-30T20:00:00"),
            ev(Action::Assign, "2026-11-30T20:00:00"),
            ev(Action::Accept, "2026-11-30T21:00:00"),
            ev(Action::Respond, "2026-12-01T08:00:00"),
            ev(Action::Resolve, "2026-12-01T09:00:00"),
            ev(Action::Close, "2026-12-01T10:00:00"),
        ],
    );
    let p = nov();
    let snap = as_of(&t, p.to).unwrap();
    assert_eq!(snap.state(), crate::model::ticket::State::Accepted);
    assert!(matches!(snap, Cow::Owned(_)));
    let mut s = Stats::default();
    s.add_ticket(&snap, &[], &p);
    assert_eq!((s.opened, s.closed, s.backlog, s.resolved), (1, 0, 1, 0));
    assert!(s.first_response_secs.is_empty(), "responded in December");
    // December: closed there, its response and resolution counted there.
    let dec = Period::month(
        Month {
            year: 2026,
            month: 12,
        },
        tz(),
    );
    let mut d = Stats::default();
    d.add_ticket(&as_of(&t, dec.to).unwrap(), &[], &dec);
    assert_eq!((d.opened, d.closed, d.backlog, d.resolved), (0, 1, 0, 1));
    assert_eq!(d.first_response_secs, [12 * 3600]);
    assert_eq!(d.resolve_secs, [13 * 3600]);
    assert_eq!(d.revisit_rate(), "0.0");
}

#[test]
fn reopens_compensation_and_satisfaction_after_reopen() {
    let mut close1 = ev(Action::Close, "2026-11-05T10:00:00");
    close1.satisfaction = Some(2);
    let mut usd = ev(Action::CompRequest, "2026-11-06T10:00:00");
    usd.amount = Some("20".into());
    usd.currency = Some("USD".into());
    let t = ticket(
        "T20261102-BBBBBB",
        vec![
            ev(Action::Open, "2026-11-02T09:00:00"),
            ev(Action::Assign, "2026-11-02T09:00:00"),
            ev(Action::Accept, "2026-11-02T09:30:00"),
            ev(Action::CompRequest, "2026-11-02T10:00:00"),
            ev(Action::CompReview, "2026-11-02T11:00:00"),
            ev(Action::CompApprove, "2026-11-02T12:00:00"),
            ev(Action::Resolve, "2026-11-03T09:00:00"),
            close1,
            ev(Action::Reopen, "2026-11-06T09:00:00"),
            usd,
            ev(Action::CompReview, "2026-11-06T11:00:00"),
            ev(Action::CompApprove, "2026-11-06T12:00:00"),
            ev(Action::Resolve, "2026-11-07T09:00:00"),
        ],
    );
    let mut s = Stats::default();
    s.add_ticket(&t, &[], &nov());
    assert_eq!((s.closed, s.backlog, s.resolved, s.reopens), (1, 1, 1, 1));
    assert_eq!(
        s.satisfaction, [0; 5],
        "closed, then reopened: no final score"
    );
    assert_eq!(s.resolve_secs, [5 * 86400], "the last resolution counts");
    assert_eq!(s.compensation_text(), "150.50 CNY; 20.00 USD");
    assert_eq!(s.reopen_rate(), "100.0");
    // Two requests, two approvals; amounts in two currencies cannot be added, so each
    // amount cell lists one per currency, in the currency cell's order.
    assert_eq!(s.comp, [2, 2, 0, 0]);
    assert_eq!(s.comp_currency(), "CNY; USD");
    assert_eq!(s.comp_amount(Comp::Approved), "150.50; 20.00");
    assert_eq!(s.comp_amount(Comp::Rejected), "0.00; 0.00");
    // JSON: one amount is a number, an amount per currency the text it is.
    let c = crate::config::Config::parse(
        std::path::Path::new("svcdesk.toml"),
        &crate::config::default_config("t", tz()),
    )
    .unwrap();
    let policy = Policy::new(&c.sla, c.calendar().unwrap()).unwrap();
    let now = at("2026-12-15T00:00:00").to_utc();
    let j = summarise(&[t], &[], &policy, &nov(), &[], now).to_json(&Names::default());
    let g = &j["groups"][0];
    assert_eq!(g["compensation_approved_amount"], "150.50; 20.00");
    assert_eq!(g["compensation_currency"], "CNY; USD");
    assert_eq!(g["compensation_approved"], 2);
    let one = summarise(&[full_life()], &[], &policy, &nov(), &[], now).to_json(&Names::default());
    assert_eq!(one["groups"][0]["compensation_approved_amount"], 0.0);
}

#[test]
fn compensation_requested_decided_and_pending_by_period() {
    // Requested in October, rejected in November; requested again in November and
    // still awaiting the decision at November's end.
    let mut again = ev(Action::CompRequest, "2026-11-20T10:00:00");
    again.amount = Some("300".into());
    let t = ticket(
        "T20261030-CCCCCC",
        vec![
            ev(Action::Open, "2026-10-30T09:00:00"),
            ev(Action::Assign, "2026-10-30T09:00:00"),
            ev(Action::Accept, "2026-10-30T09:30:00"),
            ev(Action::CompRequest, "2026-10-30T10:00:00"),
            ev(Action::CompReject, "2026-11-02T10:00:00"),
            again,
            ev(Action::CompReview, "2026-11-21T10:00:00"),
        ],
    );
    let oct = Period::month(
        Month {
            year: 2026,
            month: 10,
        },
        tz(),
    );
    let mut o = Stats::default();
    o.add_ticket(&as_of(&t, oct.to).unwrap(), &[], &oct);
    assert_eq!(o.comp, [1, 0, 0, 1], "requested, and pending at the end");
    assert_eq!(o.comp_amount(Comp::Pending), "150.50");
    let mut n = Stats::default();
    n.add_ticket(&t, &[], &nov());
    assert_eq!(n.comp, [1, 0, 1, 1]);
    assert_eq!(
        n.comp_amount(Comp::Rejected),
        "150.50",
        "the request it decided"
    );
    assert_eq!(n.comp_amount(Comp::Requested), "300.00");
    assert_eq!(
        n.comp_amount(Comp::Pending),
        "300.00",
        "reviewed is still pending"
    );
    assert_eq!(n.comp_amount(Comp::Approved), "0.00");
    assert_eq!(n.comp_currency(), "CNY");
    assert!(n.compensation.is_empty(), "nothing approved");
}

#[test]
fn work_log_hours_in_the_period_go_to_their_engineer_or_their_ticket() {
    use crate::model::worklog::{Entry, WorkLog};
    let c = crate::config::Config::parse(
        std::path::Path::new("svcdesk.toml"),
        &crate::config::default_config("t", tz()),
    )
    .unwrap();
    let policy = Policy::new(&c.sla, c.calendar().unwrap()).unwrap();
    let t = full_life();
    let entry = |date: &str, hours: f64, ticket: Option<&str>| Entry {
        date: chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
        hours: Some(hours),
        ticket: ticket.map(String::from),
        text: "work".into(),
        at: at("2026-12-01T18:00:00"),
        by: "wang".into(),
    };
    let logs = [
        WorkLog {
            schema: 1,
            engineer: "wang".into(),
            entry: vec![
                entry("2026-10-31", 8.0, None),
                entry("2026-11-01", 2.5, Some(&t.id)),
                entry("2026-11-30", 1.0, None),
                entry("2026-12-01", 3.0, None),
            ],
        },
        WorkLog {
            schema: 1,
            engineer: "sun".into(),
            entry: vec![entry("2026-11-12", 4.0, None)],
        },
    ];
    let now = at("2026-12-15T00:00:00").to_utc();
    let nov = nov();
    let by = |dims: &[By]| {
        summarise_all(
            std::slice::from_ref(&t),
            &[],
            (&logs, tz()),
            &policy,
            &nov,
            dims,
            now,
        )
    };
    let s = by(&[By::Dim(Dim::Engineer)]);
    let hours = |k: &str| s.groups[&vec![k.to_string()]].log_hundredths;
    // Nov 1 and Nov 30 in the desk's zone; Oct 31 and Dec 1 are other months'.
    assert_eq!((hours("wang"), hours("sun")), (350, 400));
    assert_eq!(s.total.log_hundredths, 750);
    let row = s.rows(&Names::default());
    let col = row.columns.iter().position(|c| *c == "log_hours").unwrap();
    assert_eq!(row.rows[1][col], "3.50", "{:?}", row.rows);
    // By category: the entry on a ticket goes with it, the others have no key.
    let s = by(&[By::Dim(Dim::Category)]);
    assert_eq!(s.groups[&vec!["complaint".to_string()]].log_hundredths, 250);
    assert_eq!(s.groups[&vec![String::new()]].log_hundredths, 500);
}

#[test]
fn sla_counts_each_timer_once_where_it_was_decided() {
    let p = nov();
    let t = full_life();
    let timers = [
        // Met in November.
        status(
            "respond",
            TimerState::Met,
            "2026-11-02T21:00:00",
            Some("2026-11-02T11:00:00"),
        ),
        // Breached: deadline in November, stopped in December.
        status(
            "resolve",
            TimerState::Breached,
            "2026-11-30T12:00:00",
            Some("2026-12-02T00:00:00"),
        ),
        // Breached: deadline in October: counted in October, not here.
        status("plan", TimerState::Breached, "2026-10-30T12:00:00", None),
        // Still running, and paused: not decided.
        status("accept", TimerState::Running, "2026-12-30T12:00:00", None),
        status("revisit", TimerState::Paused, "2026-12-30T12:00:00", None),
        // Met, but in December.
        status(
            "compensation-plan",
            TimerState::Met,
            "2026-12-30T12:00:00",
            Some("2026-12-01T00:00:00"),
        ),
        // Closed without its stop action: missed where it was closed.
        status(
            "revisit",
            TimerState::Missed,
            "2026-11-20T12:00:00",
            Some("2026-11-19T12:00:00"),
        ),
        // Not owed, or superseded: never counted.
        status(
            "respond",
            TimerState::NotApplicable,
            "2026-11-20T12:00:00",
            Some("2026-11-19T12:00:00"),
        ),
        status(
            "accept",
            TimerState::Restarted,
            "2026-11-20T12:00:00",
            Some("2026-11-19T12:00:00"),
        ),
    ];
    let mut s = Stats::default();
    s.add_ticket(&t, &timers, &p);
    let count = |met, breached, missed| SlaCount {
        met,
        breached,
        missed,
    };
    assert_eq!(
        s.sla,
        BTreeMap::from([
            ("respond".into(), count(1, 0, 0)),
            ("resolve".into(), count(0, 1, 0)),
            ("revisit".into(), count(0, 0, 1)),
        ])
    );
    assert_eq!(s.sla_pct("respond"), "100.0");
    assert_eq!(s.sla_pct("resolve"), "0.0");
    assert_eq!(s.sla_pct("revisit"), "0.0");
    assert_eq!(s.sla_pct("plan"), "");
    assert_eq!(s.sla_overall_pct(), "33.3");
}

#[test]
fn merge_adds_and_means_medians_are_exact() {
    let mut a = Stats::default();
    a.add_ticket(&full_life(), &[], &nov());
    a.add_visit(Some(267));
    let mut b = a.clone();
    b.satisfaction = [1, 0, 0, 0, 0];
    b.first_response_secs = vec![3600, 5400];
    b.add_visit(None);
    let mut m = a.clone();
    m.merge(&b);
    assert_eq!(m.opened, 2);
    assert_eq!(m.satisfaction, [1, 0, 0, 0, 1]);
    assert_eq!(m.satisfaction_mean(), "3.00");
    assert_eq!(m.first_response_secs, [7200, 3600, 5400]);
    assert_eq!(mean_hours(&m.first_response_secs), "1.50");
    assert_eq!(median_hours(&m.first_response_secs), "1.50");
    assert_eq!(median_hours(&[3600, 7200, 100, 9000]), "1.50");
    assert_eq!(median_hours(&[]), "");
    assert_eq!((m.visits, m.visit_hundredths), (3, 534));
}

#[test]
fn top_lists_rank_by_count_then_name() {
    let mk = |id: &str, cust: &str, cat: &str, product: Option<&str>, when: &str| {
        let mut o = ev(Action::Open, when);
        o.customer = Some(cust.into());
        o.category = Some(cat.into());
        o.product = product.map(String::from);
        o.grade = Some(Grade::I);
        ticket(id, vec![o])
    };
    let tickets = vec![
        mk("T1", "C1", "quality", Some("X200"), "2026-11-02T09:00:00"),
        mk("T2", "C1", "quality", Some("X300"), "2026-11-03T09:00:00"),
        mk("T3", "C2", "complaint", Some("X200"), "2026-11-04T09:00:00"),
        mk("T4", "C3", "consult", None, "2026-11-05T09:00:00"),
        // October: not counted.
        mk("T5", "C3", "consult", Some("X300"), "2026-10-05T09:00:00"),
    ];
    let top = top_n(&tickets, &nov(), 2);
    assert_eq!(top.opened, 4);
    assert_eq!(
        top.lists[0],
        (
            "category",
            vec![("quality".into(), 2), ("complaint".into(), 1)]
        )
    );
    assert_eq!(
        top.lists[1],
        ("product", vec![("X200".into(), 2), ("X300".into(), 1)])
    );
    assert_eq!(top.lists[3], ("repeat_customer", vec![("C1".into(), 2)]));
    let names = Names {
        categories: HashMap::from([("quality".into(), "产品质量问题".into())]),
        ..Names::default()
    };
    let rows = top.rows(&names);
    assert_eq!(
        rows.rows[0],
        [
            "2026-11",
            "category",
            "1",
            "quality",
            "产品质量问题",
            "2",
            "50.0"
        ]
    );
}

/// Random histories: each step is kept when the state machine accepts it.
fn random_ticket(n: usize, opened: i64, steps: &[(Action, Option<Grade>, i64)]) -> Ticket {
    let start = at("2026-10-01T00:00:00") + chrono::Duration::minutes(opened);
    let mut first = ev(Action::Open, "2026-10-01T00:00:00");
    first.at = start;
    first.grade = steps.first().and_then(|s| s.1);
    let mut t = ticket(&format!("T20261001-{n:06}"), vec![first]);
    let mut when = start;
    for &(action, grade, gap) in steps {
        let mut e = ev(action, "2026-10-01T00:00:00");
        when += chrono::Duration::minutes(gap);
        e.at = when;
        e.grade = grade;
        e.reason = Some("why".into());
        e.cause = Some("cause".into());
        e.text = Some("text".into());
        e.department = Some("service".into());
        e.assignee = Some("wang".into());
        let _ = ticket::apply(&mut t, &e);
    }
    t
}

fn step() -> impl proptest::strategy::Strategy<Value = (Action, Option<Grade>, i64)> {
    use proptest::prelude::*;
    let actions = vec![
        Action::Assign,
        Action::Accept,
        Action::Respond,
        Action::Plan,
        Action::Grade,
        Action::Escalate,
        Action::Wait,
        Action::Resume,
        Action::Resolve,
        Action::Revisit,
        Action::Close,
        Action::Reopen,
        Action::CompRequest,
    ];
    (
        proptest::sample::select(actions),
        proptest::option::of(proptest::sample::select(Grade::ALL.to_vec())),
        // Minutes to the next step: up to four days, often none.
        prop_oneof![Just(0i64), 0i64..4 * 24 * 60],
    )
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(64))]

    /// Any split of a range into sub-ranges gives the same SLA totals (and opened,
    /// closed, reopens, compensation): each timer run counts once, in one period.
    #[test]
    fn a_range_is_the_sum_of_its_parts(
        tickets in proptest::collection::vec(
            (0i64..90 * 24 * 60, proptest::collection::vec(step(), 0..25)),
            1..8,
        ),
        cuts in proptest::collection::vec(1i64..92 * 24 * 60, 0..5),
        now_after in 0i64..120 * 24 * 60,
    ) {
        let text = crate::config::default_config("t", tz());
        let c = crate::config::Config::parse(std::path::Path::new("svcdesk.toml"), &text).unwrap();
        let policy = Policy::new(&c.sla, c.calendar().unwrap()).unwrap();
        let tickets: Vec<Ticket> = tickets
            .iter()
            .enumerate()
            .map(|(n, (opened, steps))| random_ticket(n, *opened, steps))
            .collect();
        let origin = at("2026-10-01T00:00:00").to_utc();
        let whole = Period {
            label: "whole".into(),
            from: origin,
            to: origin + chrono::Duration::days(92),
        };
        let now = origin + chrono::Duration::minutes(now_after);
        let mut bounds: Vec<DateTime<Utc>> = cuts
            .iter()
            .map(|m| origin + chrono::Duration::minutes(*m))
            .collect();
        bounds.extend([whole.from, whole.to]);
        bounds.sort();
        bounds.dedup();
        let total = |p: &Period| summarise(&tickets, &[], &policy, p, &[], now).total;
        let all = total(&whole);
        let mut sum = Stats::default();
        for w in bounds.windows(2) {
            sum.merge(&total(&Period { label: "part".into(), from: w[0], to: w[1] }));
        }
        proptest::prop_assert_eq!(&sum.sla, &all.sla);
        proptest::prop_assert_eq!(
            (sum.opened, sum.closed, sum.reopens),
            (all.opened, all.closed, all.reopens)
        );
        proptest::prop_assert_eq!(&sum.compensation, &all.compensation);
    }
}

#[test]
fn a_merged_ticket_counts_nowhere_once_merged_and_as_it_stood_before() {
    let mut into = ev(Action::MergedInto, "2026-12-02T10:00:00");
    into.ticket = Some("T20261102-BBBBBB".into());
    into.reason = Some("same fault".into());
    let t = ticket(
        "T20261110-AAAAAA",
        vec![
            ev(Action::Open, "2026-11-10T09:00:00"),
            ev(Action::Assign, "2026-11-10T09:00:00"),
            ev(Action::Accept, "2026-11-10T09:30:00"),
            ev(Action::Respond, "2026-11-10T10:00:00"),
            into,
        ],
    );
    // November's figures are of the ticket as it stood then: open, in the backlog.
    let p = nov();
    let mut s = Stats::default();
    s.add_ticket(&as_of(&t, p.to).unwrap(), &[], &p);
    assert_eq!((s.opened, s.backlog), (1, 1));
    // December's: merged by then, so it counts in nothing, not even the backlog.
    let dec = Period::month(
        Month {
            year: 2026,
            month: 12,
        },
        tz(),
    );
    let snap = as_of(&t, dec.to).unwrap();
    assert!(merged_away(&snap));
    assert!(!open_at(&t, dec.to), "merging ends the ticket's open time");
    let mut d = Stats::default();
    d.add_ticket(
        &snap,
        &[status(
            "resolve",
            TimerState::NotApplicable,
            "2026-12-03T09:00:00",
            None,
        )],
        &dec,
    );
    assert!(d.is_empty(), "{d:?}");
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(32))]

    /// A scan hands tickets over a part at a time: a summary, a trend and a top list
    /// folded from the tickets' parts in any order, split anywhere, are the same.
    #[test]
    fn a_fold_in_any_order_gives_the_same_answer(
        tickets in proptest::collection::vec(
            (0i64..90 * 24 * 60, proptest::collection::vec(step(), 0..25)),
            1..8,
        ),
        split in 0usize..8,
    ) {
        let text = crate::config::default_config("t", tz());
        let c = crate::config::Config::parse(std::path::Path::new("svcdesk.toml"), &text).unwrap();
        let policy = Policy::new(&c.sla, c.calendar().unwrap()).unwrap();
        let tickets: Vec<Ticket> = tickets
            .iter()
            .enumerate()
            .map(|(n, (opened, steps))| random_ticket(n, *opened, steps))
            .collect();
        let now = at("2026-12-15T00:00:00").to_utc();
        let p = nov();
        let dims = [By::Dim(Dim::Grade)];
        let fold = PeriodFold { policy: &policy, period: &p, dims: &dims, now };
        let in_order = summarise(&tickets, &[], &policy, &p, &dims, now);
        let split = split.min(tickets.len());
        let mut tally = Tally::default();
        let mut top = TopTally::default();
        for t in tickets[split..].iter().chain(&tickets[..split]).rev() {
            tally.add(fold.of(t, false));
            top.add(top_keys(t, &p));
        }
        let folded = tally.summary(&fold, &[], (&[], tz()));
        let names = Names::default();
        proptest::prop_assert_eq!(folded.rows(&names).rows, in_order.rows(&names).rows);
        proptest::prop_assert_eq!(folded.total_row(&names), in_order.total_row(&names));
        proptest::prop_assert_eq!(top.top(&p, 3), top_n(&tickets, &p, 3));
        let months = p.trailing_months(tz(), 3);
        let trend = trend(&tickets, &policy, &months, now);
        for (m, (period, s)) in months.iter().zip(&trend.months) {
            proptest::prop_assert_eq!(&period.label, &m.label);
            let alone = summarise(&tickets, &[], &policy, m, &[], now).total;
            proptest::prop_assert_eq!(s.sla_overall_pct(), alone.sla_overall_pct());
            proptest::prop_assert_eq!(
                (s.opened, s.closed, s.backlog, &s.satisfaction),
                (alone.opened, alone.closed, alone.backlog, &alone.satisfaction)
            );
        }
    }
}

/// A visit linked to a ticket groups by the ticket's key as it stood at the period's
/// end; the fold keeps only that key of the ticket, not the ticket.
#[test]
fn a_linked_visit_groups_by_its_tickets_key() {
    let c = crate::config::Config::parse(
        std::path::Path::new("svcdesk.toml"),
        &crate::config::default_config("t", tz()),
    )
    .unwrap();
    let policy = Policy::new(&c.sla, c.calendar().unwrap()).unwrap();
    let t = full_life();
    let logs = [crate::model::worklog::WorkLog {
        schema: 1,
        engineer: "wang".into(),
        entry: vec![crate::model::worklog::Entry {
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 5).unwrap(),
            hours: Some(1.5),
            ticket: Some(t.id.clone()),
            text: "work".into(),
            at: at("2026-11-05T18:00:00"),
            by: "wang".into(),
        }],
    }];
    let (p, now) = (nov(), at("2026-12-15T00:00:00").to_utc());
    let dims = [By::Dim(Dim::Product), By::Dim(Dim::Engineer)];
    let fold = PeriodFold {
        policy: &policy,
        period: &p,
        dims: &dims,
        now,
    };
    let linked = linked_ids(&[], (&logs, tz()), &p);
    assert!(linked.contains(t.id.as_str()));
    let mut tally = Tally::default();
    tally.add(fold.of(&t, true));
    let s = tally.summary(&fold, &[], (&logs, tz()));
    let key = |a: &str, b: &str| vec![a.to_string(), b.to_string()];
    assert_eq!(s.groups[&key("X200", "wang")].log_hundredths, 150);
    assert_eq!(s.groups[&key("X200", "wang")].opened, 1);
    // Unlinked, the entry has only its engineer's key.
    let mut tally = Tally::default();
    tally.add(fold.of(&t, false));
    let s = tally.summary(&fold, &[], (&logs, tz()));
    assert_eq!(s.groups[&key("", "wang")].log_hundredths, 150);
}
