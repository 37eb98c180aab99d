//! The hand-worked November of `stats.rs`' module comment (which tables every ticket,
//! visit and figure): one desk, so that the stats tests and the workbook test check
//! their figures against the same month.

use std::process::Output;

use super::{TestDesk, stderr, stdout};

pub fn run_at(desk: &TestDesk, now: &str, user: &str, args: &[&str]) -> Output {
    desk.cmd()
        .env("SVCDESK_NOW", now)
        .env("SVCDESK_USER", user)
        .args(args)
        .output()
        .expect("svcdesk runs")
}

pub fn ok_at(desk: &TestDesk, now: &str, args: &[&str]) -> String {
    ok_as(desk, now, "li", args)
}

pub fn ok_as(desk: &TestDesk, now: &str, user: &str, args: &[&str]) -> String {
    let o = run_at(desk, now, user, args);
    assert!(
        o.status.success(),
        "svcdesk {args:?} at {now} failed with {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

pub fn t(day_time: &str) -> String {
    format!("2026-{day_time}:00+08:00")
}

pub struct November {
    pub desk: TestDesk,
    pub a: String,
    pub b: String,
    pub c: String,
    pub t1: String,
    pub t2: String,
    pub t3: String,
    pub t4: String,
    pub t6: String,
}

pub fn open(desk: &TestDesk, when: &str, args: &[&str]) -> String {
    let mut all = vec!["ticket", "open"];
    all.extend_from_slice(args);
    ok_at(desk, &t(when), &all).trim_end().to_string()
}

pub fn step(desk: &TestDesk, when: &str, args: &[&str]) {
    ok_at(desk, &t(when), args);
}

/// The month, with T1's title as given (the workbook writes one that looks like a formula).
pub fn november_titled(t1_title: &str) -> November {
    let desk = TestDesk::new();
    let add = |name: &str, phone: &str| {
        ok_at(
            &desk,
            &t("10-01T09:00"),
            &["customer", "add", "--name", name, "--phone", phone],
        )
        .trim_end()
        .to_string()
    };
    let a = add("华东机械", "021-5555-0101");
    let b = add("南京精工", "025-8888-0202");
    let c = add("李明", "139-0000-2222");

    let t4 = open(
        &desk,
        "10-20T10:00",
        &[
            "--customer",
            &c,
            "--category",
            "consult",
            "-m",
            "how to reset the X100",
        ],
    );

    let t1 = open(
        &desk,
        "11-02T09:00",
        &[
            "--customer",
            &a,
            "--category",
            "complaint",
            "--complaint-kind",
            "attitude",
            "--product",
            "X200",
            "--grade",
            "II",
            "-m",
            t1_title,
        ],
    );
    ok_as(&desk, &t("11-02T09:30"), "wang", &["ticket", "accept", &t1]);
    step(
        &desk,
        "11-02T11:00",
        &["ticket", "respond", &t1, "-m", "apologised"],
    );
    step(
        &desk,
        "11-03T09:00",
        &[
            "comp", "request", &t1, "--amount", "1500", "--kind", "refund",
        ],
    );
    step(&desk, "11-03T09:30", &["comp", "review", &t1]);
    step(&desk, "11-03T10:00", &["comp", "approve", &t1]);
    step(
        &desk,
        "11-03T11:00",
        &["ticket", "resolve", &t1, "-m", "new engineer"],
    );
    step(
        &desk,
        "11-03T15:00",
        &["ticket", "revisit", &t1, "--result", "4"],
    );
    step(
        &desk,
        "11-04T10:00",
        &["ticket", "close", &t1, "--satisfaction", "5"],
    );

    let t2 = open(
        &desk,
        "11-05T14:00",
        &[
            "--customer",
            &b,
            "--category",
            "quality",
            "--product",
            "X300",
            "--grade",
            "I",
            "--channel",
            "email",
            "-m",
            "display flickers",
        ],
    );
    ok_as(&desk, &t("11-05T14:30"), "zhou", &["ticket", "accept", &t2]);
    step(
        &desk,
        "11-05T18:00",
        &["ticket", "respond", &t2, "-m", "sending a part"],
    );
    step(
        &desk,
        "11-06T20:00",
        &["ticket", "resolve", &t2, "-m", "part replaced"],
    );
    step(
        &desk,
        "11-09T10:00",
        &["ticket", "close", &t2, "--satisfaction", "3"],
    );

    let t6 = open(
        &desk,
        "11-12T09:00",
        &[
            "--customer",
            &c,
            "--category",
            "quality",
            "--product",
            "X200",
            "--grade",
            "II",
            "-m",
            "motor stops under load",
        ],
    );
    ok_as(&desk, &t("11-12T09:10"), "wang", &["ticket", "accept", &t6]);
    step(
        &desk,
        "11-12T15:00",
        &["ticket", "resolve", &t6, "-m", "reset the driver"],
    );
    step(
        &desk,
        "11-13T09:00",
        &[
            "ticket",
            "close",
            &t6,
            "--satisfaction",
            "2",
            "--reason",
            "the customer accepts the reset",
        ],
    );
    step(
        &desk,
        "11-16T09:00",
        &["ticket", "reopen", &t6, "--reason", "stops again"],
    );
    step(
        &desk,
        "11-17T09:00",
        &["ticket", "resolve", &t6, "-m", "motor replaced"],
    );
    step(
        &desk,
        "11-17T10:00",
        &["ticket", "revisit", &t6, "--result", "4"],
    );
    step(
        &desk,
        "11-18T09:00",
        &["ticket", "close", &t6, "--satisfaction", "4"],
    );

    let t3 = open(
        &desk,
        "11-24T09:00",
        &[
            "--customer",
            &a,
            "--category",
            "complaint",
            "--complaint-kind",
            "result",
            "--product",
            "X200",
            "--grade",
            "II",
            "-m",
            "the fix did not hold",
        ],
    );
    ok_as(&desk, &t("11-24T09:20"), "wang", &["ticket", "accept", &t3]);
    step(
        &desk,
        "11-24T10:00",
        &["ticket", "respond", &t3, "-m", "coming back"],
    );
    step(
        &desk,
        "12-01T10:00",
        &["ticket", "resolve", &t3, "-m", "board replaced"],
    );
    step(
        &desk,
        "12-02T09:00",
        &["ticket", "close", &t3, "--satisfaction", "4"],
    );

    ok_as(
        &desk,
        &t("11-03T18:00"),
        "wang",
        &[
            "report",
            "add",
            "--ticket",
            &t1,
            "--type",
            "problem-handling",
            "--arrived",
            "2026-11-03 09:30",
            "--left",
            "2026-11-03 12:00",
        ],
    );
    ok_as(
        &desk,
        &t("11-06T18:00"),
        "zhou",
        &[
            "report",
            "add",
            "--ticket",
            &t2,
            "--type",
            "problem-handling",
            "--arrived",
            "2026-11-06 14:00",
            "--left",
            "2026-11-06 17:30",
        ],
    );
    November {
        desk,
        a,
        b,
        c,
        t1,
        t2,
        t3,
        t4,
        t6,
    }
}
