//! Generates a large, realistic desk for benchmarks: customers, tickets with whole
//! histories across every state and grade over several years, deterministic per seed.
//!
//!     cargo run --release --example gen_desk -- /tmp/bigdesk --tickets 100000 [--customers 5000] [--seed 1] [--years 3]
//!
//! Files are written directly (no lock, no fsync): this is a fixture builder, not a desk
//! command. Every ticket goes through the library's replay, so each one is valid.

use std::path::PathBuf;

use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rayon::prelude::*;
use svcdesk::desk::{Desk, Id, Kind};
use svcdesk::model::customer::{self, Field};
use svcdesk::model::ticket::{self, Action, Channel, CompKind, Event, Grade, Priority};
use svcdesk::model::ticket_store;

struct Args {
    dir: PathBuf,
    tickets: usize,
    customers: usize,
    seed: u64,
    years: i64,
}

fn args() -> Args {
    let mut a = Args {
        dir: PathBuf::from("bigdesk"),
        tickets: 10_000,
        customers: 0,
        seed: 1,
        years: 3,
    };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        let mut num = || {
            it.next()
                .and_then(|v| v.parse::<u64>().ok())
                .expect("a number after the flag")
        };
        match x.as_str() {
            "--tickets" => a.tickets = num() as usize,
            "--customers" => a.customers = num() as usize,
            "--seed" => a.seed = num(),
            "--years" => a.years = num() as i64,
            "-h" | "--help" => {
                eprintln!(
                    "usage: gen_desk DIR [--tickets N] [--customers N] [--seed S] [--years Y]"
                );
                std::process::exit(0);
            }
            dir => a.dir = PathBuf::from(dir),
        }
    }
    if a.customers == 0 {
        a.customers = (a.tickets / 20).max(10);
    }
    a
}

/// A deterministic ID: the generator must give the same desk for the same seed.
fn id(kind: Kind, at: DateTime<Utc>, tz: chrono_tz::Tz, rng: &mut StdRng) -> Id {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let date = at.with_timezone(&tz).format("%Y%m%d");
    let random: String = (0..6)
        .map(|_| ALPHABET[rng.random_range(0..32)] as char)
        .collect();
    Id::parse(&format!("{}{date}-{random}", kind_letter(kind))).expect("well-formed")
}

fn kind_letter(kind: Kind) -> char {
    kind.letter()
}

const STAFF: &[(&str, &str)] = &[
    ("li", "customer-service"),
    ("zhang", "customer-service"),
    ("wang", "service"),
    ("liu", "service"),
    ("zhou", "quality"),
    ("wu", "product"),
    ("zheng", "logistics"),
    ("sun", "service"),
    ("zhao", "finance"),
    ("chen", "management"),
];

fn main() {
    let a = args();
    let tz = chrono_tz::Asia::Shanghai;
    if a.dir.join("svcdesk.toml").exists() {
        eprintln!("{} already holds a desk; remove it first", a.dir.display());
        std::process::exit(1);
    }
    let desk = Desk::init(&a.dir, "benchmark desk", tz, false).expect("init");
    let started = std::time::Instant::now();
    let end = Utc.with_ymd_and_hms(2026, 11, 28, 0, 0, 0).unwrap();
    let begin = end - Duration::days(365 * a.years);
    let span = (end - begin).num_seconds();

    let customers: Vec<String> = {
        let mut rng = StdRng::seed_from_u64(a.seed);
        (0..a.customers)
            .map(|i| {
                let at = begin + Duration::seconds(rng.random_range(0..span / 2));
                let cid = id(Kind::Customer, at, tz, &mut rng);
                let fields = vec![
                    (Field::Name, format!("客户 {i:06} Customer Ltd")),
                    (
                        Field::Phone,
                        format!("138{:08}", rng.random_range(0..100_000_000u32)),
                    ),
                    (
                        Field::Industry,
                        ["manufacturing", "food", "retail", "logistics"][i % 4].to_string(),
                    ),
                    (
                        Field::Source,
                        ["trade-show", "referral", "online", "dealer"][i % 4].to_string(),
                    ),
                ];
                let text = customer::render(
                    &cid,
                    &fields,
                    &[],
                    &Default::default(),
                    at.with_timezone(&tz).fixed_offset(),
                    "li",
                );
                let path = desk.path_of(&cid);
                std::fs::write(&path, text).expect("write customer");
                cid.to_string()
            })
            .collect()
    };

    // Tickets in parallel, each from its own seed, so the result is the same on any core count.
    let categories = [
        "consult",
        "complaint",
        "quality",
        "logistics",
        "suggestion",
        "agency",
        "other",
    ];
    let made: usize = (0..a.tickets)
        .into_par_iter()
        .map(|i| {
            let mut rng =
                StdRng::seed_from_u64(a.seed.wrapping_mul(1_000_003).wrapping_add(i as u64));
            // Later tickets are more likely still open: ages skew recent.
            let f: f64 = rng.random_range(0.0..1.0);
            let opened = begin + Duration::seconds((span as f64 * f.sqrt()) as i64);
            let tid = id(Kind::Ticket, opened, tz, &mut rng);
            let category = categories[rng.random_range(0..categories.len())];
            let dept = desk.config.categories[category].department.clone();
            let mut t = ticket_life(&mut rng, tz, opened, end, &customers, category, &dept);
            t.iter_mut()
                .for_each(|e| e.at = e.at.with_timezone(&tz).fixed_offset());
            let Ok(replayed) = ticket::replay(tid.as_str(), &t) else {
                return 0;
            };
            let text = ticket_store::render(&desk, &replayed).expect("render");
            let path = desk.path_of(&tid);
            std::fs::create_dir_all(path.parent().unwrap()).expect("mkdir");
            std::fs::write(&path, text).expect("write ticket");
            1
        })
        .sum();
    eprintln!(
        "{}: {} customers, {made} tickets in {:.1}s",
        a.dir.display(),
        customers.len(),
        started.elapsed().as_secs_f64()
    );
}

/// A ticket's history: how far it got depends on its age, with some waiting, reopening,
/// compensation and escalation along the way.
fn ticket_life(
    rng: &mut StdRng,
    tz: chrono_tz::Tz,
    opened: DateTime<Utc>,
    end: DateTime<Utc>,
    customers: &[String],
    category: &str,
    dept: &str,
) -> Vec<Event> {
    let local = |t: DateTime<Utc>| -> DateTime<FixedOffset> { t.with_timezone(&tz).fixed_offset() };
    let staff_in = |d: &str| {
        STAFF
            .iter()
            .filter(|(_, x)| *x == d)
            .map(|(s, _)| *s)
            .collect::<Vec<_>>()
    };
    let mut t = opened;
    let mut step = |rng: &mut StdRng, max_minutes: i64| {
        t += Duration::minutes(rng.random_range(1..max_minutes.max(2)));
        t
    };
    let ev = |at: DateTime<Utc>, by: &str, action: Action| Event {
        at: local(at),
        by: by.to_string(),
        action: Some(action),
        ..Event::default()
    };
    let grade = match rng.random_range(0..10) {
        0..=5 => Grade::I,
        6..=8 => Grade::II,
        _ => Grade::III,
    };
    let mut open = ev(opened, "li", Action::Open);
    open.title = Some(format!(
        "{category} issue #{}",
        rng.random_range(0..100_000)
    ));
    open.customer = Some(customers[rng.random_range(0..customers.len())].clone());
    open.channel = Some(Channel::ALL[rng.random_range(0..Channel::ALL.len())]);
    open.category = Some(category.to_string());
    open.product = Some(["X100", "X200", "X300", "M10"][rng.random_range(0..4)].to_string());
    open.priority = Some(Priority::ALL[rng.random_range(0..3)]);
    open.description =
        Some("Customer reports the unit stops after a few minutes.\nTried a restart.".into());
    let mut events = vec![open];
    let mut assign = ev(opened, "li", Action::Assign);
    assign.department = Some(dept.to_string());
    let people = staff_in(dept);
    let owner = people
        .get(rng.random_range(0..people.len().max(1)))
        .copied()
        .unwrap_or("li");
    assign.assignee = Some(owner.to_string());
    events.push(assign);
    let age_days = (end - opened).num_days();
    // How far along: old tickets are mostly closed; the newest are anywhere.
    let progress = if age_days > 30 {
        7
    } else {
        rng.random_range(0..8)
    };
    let mut g = ev(step(rng, 60), "li", Action::Grade);
    g.grade = Some(grade);
    events.push(g);
    if progress < 1 {
        return events;
    }
    events.push(ev(step(rng, 90), owner, Action::Accept));
    let mut r = ev(step(rng, 240), owner, Action::Respond);
    r.text = Some("called the customer back".into());
    events.push(r);
    if progress < 3 {
        return events;
    }
    let mut d = ev(step(rng, 600), owner, Action::Diagnose);
    d.cause = Some("worn drive belt".into());
    events.push(d);
    if rng.random_range(0..5) == 0 {
        let mut w = ev(step(rng, 120), owner, Action::Wait);
        w.reason = Some("parts".into());
        events.push(w);
        if progress < 4 {
            return events;
        }
        events.push(ev(step(rng, 2880), owner, Action::Resume));
    }
    if grade == Grade::III {
        let mut c = ev(step(rng, 600), owner, Action::CompRequest);
        c.amount = Some(format!("{}", rng.random_range(1..50) * 100));
        c.comp_kind = Some(CompKind::Refund);
        events.push(c);
        events.push(ev(step(rng, 1440), "zhao", Action::CompReview));
        events.push(ev(step(rng, 1440), "chen", Action::CompApprove));
    }
    if progress < 5 {
        return events;
    }
    let mut res = ev(step(rng, 2880), owner, Action::Resolve);
    res.text = Some("replaced the belt and tested".into());
    events.push(res);
    if progress < 6 {
        return events;
    }
    let mut rv = ev(step(rng, 1440), "li", Action::Revisit);
    rv.result = Some(rng.random_range(1..=5));
    events.push(rv);
    let mut c = ev(step(rng, 60), "li", Action::Close);
    c.satisfaction = Some(rng.random_range(2..=5));
    events.push(c);
    events.retain(|e| e.at.to_utc() <= end);
    events
}
