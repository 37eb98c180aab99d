//! End-to-end: the customer cache (`.svcdesk/cache/customers.brief`, the names, contacts,
//! tiers and follow-ups that reads about tickets show) never changes an answer. Every
//! read prints what it prints with SVCDESK_NO_CACHE=1, after an edit behind the cache's
//! back (same size, mtime put back), additions, deletions, and with the cache corrupt.

use std::fs;
use std::io::{Seek, SeekFrom, Write};
use std::process::Output;
use std::time::Duration;

use crate::common::{TestDesk, stderr, stdout};

const CACHE: &str = ".svcdesk/cache/customers.brief";

/// Reads whose output shows every part of a customer the cache keeps: names and
/// contacts (ticket ledger), industry and source (stats), follow-ups and tier
/// warnings (sla check, on stdout and stderr).
const READS: &[&[&str]] = &[
    &["ledger", "tickets", "--month", "2026-11"],
    &[
        "stats", "--month", "2026-11", "--by", "industry", "--by", "source",
    ],
    &["sla", "check", "--format", "csv"],
    &["customer", "list", "--format", "csv"],
];

const TIERS: &str = r#"
[calendars.24x7]
always = true

[sla.tiers.gold]
calendar = "24x7"
targets = { respond = "30m" }
"#;

struct Fixture {
    desk: TestDesk,
    customers: Vec<String>,
}

/// Two customers with everything the cache keeps, each with a ticket in November;
/// then left alone past the racy window so the cache is really used.
fn fixture() -> Fixture {
    let desk = TestDesk::new();
    desk.append_config(TIERS);
    let a = desk.add(&[
        "--name",
        "华东机械",
        "--contact",
        "张工",
        "--phone",
        "021-5555-0101",
        "--industry",
        "manufacturing",
        "--source",
        "trade-show",
    ]);
    let b = desk.add(&["--name", "北方电器", "--source", "referral"]);
    desk.ok(&[
        "customer",
        "edit",
        &a,
        "--tier",
        "gold",
        "--tier-until",
        "2026-11-30",
    ]);
    desk.ok(&[
        "customer",
        "note",
        &b,
        "-m",
        "sent a quote",
        "--follow-up",
        "2026-11-24",
    ]);
    for c in [&a, &b] {
        desk.ok(&[
            "ticket",
            "open",
            "--at",
            "2026-11-20 10:00",
            "--customer",
            c,
            "--category",
            "complaint",
            "-m",
            "noisy pump",
        ]);
    }
    settle();
    Fixture {
        desk,
        customers: vec![a, b],
    }
}

fn settle() {
    std::thread::sleep(Duration::from_millis(2100));
}

fn run(desk: &TestDesk, args: &[&str], cache: bool) -> Output {
    let mut c = desk.cmd();
    if !cache {
        c.env("SVCDESK_NO_CACHE", "1");
    }
    c.args(args).output().expect("svcdesk runs")
}

fn assert_same(desk: &TestDesk, when: &str) {
    for args in READS {
        let fresh = run(desk, args, false);
        // Twice: the first may refresh the cache, the second reads it.
        for pass in 1..=2 {
            let cached = run(desk, args, true);
            assert_eq!(
                (cached.status.code(), stdout(&cached), stderr(&cached)),
                (fresh.status.code(), stdout(&fresh), stderr(&fresh)),
                "{when}: `svcdesk {}` differs with the cache (pass {pass})",
                args.join(" ")
            );
        }
    }
}

/// What the reads show of the customers: a ledger with both names and A's contact,
/// the follow-up and the tier warning.
#[test]
fn the_cache_is_used_and_answers_as_the_files_do() {
    let f = fixture();
    let d = &f.desk;
    assert_same(d, "a settled desk");
    assert!(d.path(CACHE).is_file(), "a read writes the customer cache");
    let ledger = d.ok(READS[0]);
    assert!(
        ledger.contains("华东机械") && ledger.contains("北方电器"),
        "{ledger}"
    );
    assert!(
        ledger.contains("张工") && ledger.contains("021-5555-0101"),
        "{ledger}"
    );
    let o = run(d, READS[2], true);
    assert!(
        stdout(&o).contains("北方电器: sent a quote"),
        "{}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains("the \"gold\" tier contract ends 2026-11-30"),
        "{}",
        stderr(&o)
    );

    // A name changed in place: same size, same inode, the mtime put back.
    let path = d.customer_path(&f.customers[0]);
    let mtime = fs::metadata(&path).unwrap().modified().unwrap();
    let text = fs::read_to_string(&path).unwrap();
    let at = text.find("华东机械").unwrap();
    let mut file = fs::File::options().write(true).open(&path).unwrap();
    file.seek(SeekFrom::Start(at as u64)).unwrap();
    file.write_all("华西机械".as_bytes()).unwrap();
    file.set_modified(mtime).unwrap();
    drop(file);
    let ledger = d.ok(READS[0]);
    assert!(
        ledger.contains("华西机械") && !ledger.contains("华东机械"),
        "{ledger}"
    );
    assert_same(d, "after an in-place edit with the mtime restored");

    // Edits through svcdesk, read at once (the rewritten files are racy).
    d.ok(&[
        "customer",
        "edit",
        &f.customers[0],
        "--phone",
        "021-5555-0199",
    ]);
    d.ok(&["customer", "note", &f.customers[1], "-m", "called back"]);
    assert!(d.ok(READS[0]).contains("021-5555-0199"));
    assert_same(d, "right after edits");
}

#[test]
fn additions_deletions_and_a_damaged_cache_are_seen() {
    let f = fixture();
    let d = &f.desk;
    assert_same(d, "a settled desk");
    let c = d.add(&["--name", "南方泵业", "--industry", "retail"]);
    d.ok(&[
        "ticket",
        "open",
        "--at",
        "2026-11-21 10:00",
        "--customer",
        &c,
        "--category",
        "consult",
        "-m",
        "manual wanted",
    ]);
    assert!(d.ok(READS[0]).contains("南方泵业"));
    assert_same(d, "after an addition");

    // A customer file gone (its ticket stays): the ledger shows the bare ID.
    fs::remove_file(d.customer_path(&f.customers[1])).unwrap();
    let ledger = d.ok(READS[0]);
    assert!(!ledger.contains("北方电器"), "{ledger}");
    assert_same(d, "after a deletion");

    // Damaged in every way: ignored and rebuilt.
    let bytes = fs::read(d.path(CACHE)).unwrap();
    for damaged in [
        bytes[..bytes.len() / 2].to_vec(),
        Vec::new(),
        bytes.iter().map(|b| b ^ 0x5a).collect(),
    ] {
        fs::write(d.path(CACHE), &damaged).unwrap();
        assert_same(d, "with the cache damaged");
        assert_ne!(fs::read(d.path(CACHE)).unwrap(), damaged, "rebuilt");
    }

    // A broken customer file fails the read as it does without the cache.
    d.write(&TestDesk::customer_rel(&f.customers[0]), "name = \"x\"\n");
    let o = run(d, READS[0], true);
    assert_ne!(o.status.code(), Some(0));
    assert_same(d, "with a broken customer file");
}

#[test]
fn no_cache_means_no_customer_cache() {
    let f = fixture();
    for args in READS {
        run(&f.desk, args, false);
    }
    assert!(!f.desk.path(CACHE).exists());
}
