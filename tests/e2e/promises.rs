//! Promises to a customer and collaboration due dates as timer runs (issue 23): each is
//! reported by `sla check`, `ticket list --overdue` and `ticket show` like a policy timer.
//! Times are pinned with SVCDESK_NOW, desk time (Asia/Shanghai).

use crate::common::{TestDesk, local_at as at, local_ok as ok_at};

/// A ticket opened at 09:00 on Tuesday 2026-12-01, assigned and accepted at once, so
/// the policy's own timers stay quiet for the day.
fn accepted(d: &TestDesk, n: u32) -> String {
    let c = d.add(&[
        "--name",
        &format!("华东机械{n}"),
        "--phone",
        &format!("021-5555-010{n}"),
    ]);
    let t = ok_at(
        d,
        "2026-12-01T09:00",
        &[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "complaint",
            "-m",
            "机器过热",
        ],
    )
    .trim()
    .to_string();
    ok_at(
        d,
        "2026-12-01T09:01",
        &["ticket", "assign", &t, "--to", "wang"],
    );
    ok_at(d, "2026-12-01T09:02", &["ticket", "accept", &t]);
    ok_at(
        d,
        "2026-12-01T09:03",
        &["ticket", "respond", &t, "-m", "收到"],
    );
    t
}

/// The lines of `ticket show`'s SLA section naming `timer` (first word).
fn sla_lines(d: &TestDesk, when: &str, id: &str, timer: &str) -> Vec<String> {
    let show = ok_at(d, when, &["ticket", "show", id]);
    let section = show.split("\nSLA:\n").nth(1).expect("an SLA section");
    section
        .lines()
        .filter(|l| l.split_whitespace().next() == Some(timer))
        .map(str::to_string)
        .collect()
}

fn ticket_file(d: &TestDesk, id: &str) -> String {
    d.read(&format!("tickets/{}/{}/{id}.toml", &id[1..5], &id[5..7]))
}

#[test]
fn a_kept_promise_is_met_and_a_broken_one_is_breached_in_sla_check_and_overdue() {
    let d = TestDesk::new();
    let kept = accepted(&d, 1);
    let broken = accepted(&d, 2);
    let promise = |t: &str, by: &str| {
        ok_at(
            &d,
            "2026-12-01T09:10",
            &[
                "ticket",
                "promise",
                t,
                "--by",
                by,
                "--what",
                "回电告知检测结果",
            ],
        )
    };
    promise(&kept, "2026-12-01 17:00");
    promise(&broken, "2026-12-01 12:00");
    let file = ticket_file(&d, &kept);
    assert!(
        file.contains("action = \"promise\"")
            && file.contains("text = \"回电告知检测结果\"")
            && file.contains("promised = 2026-12-01T17:00:00+08:00"),
        "{file}"
    );

    // 11:30: both running, nothing to report.
    let (code, out, err) = at(&d, "2026-12-01T11:30", &["sla", "check"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");

    // 12:30: the noon promise is broken; the other still runs.
    let (code, out, _) = at(&d, "2026-12-01T12:30", &["sla", "check"]);
    assert_eq!(code, 2, "{out}");
    let row = out
        .lines()
        .find(|l| l.contains(&broken))
        .expect("broken promise reported");
    assert!(row.contains("promise") && row.contains("breached"), "{row}");
    assert!(!out.contains(&kept), "{out}");
    let overdue = ok_at(&d, "2026-12-01T12:30", &["ticket", "list", "--overdue"]);
    assert!(
        overdue.contains(&broken) && !overdue.contains(&kept),
        "{overdue}"
    );

    // 16:00: the other is kept in time; its file says so.
    ok_at(
        &d,
        "2026-12-01T16:00",
        &["ticket", "promise", &kept, "--kept", "-m", "已回电"],
    );
    assert!(ticket_file(&d, &kept).contains("kept = true"));
    let line = &sla_lines(&d, "2026-12-01T18:00", &kept, "promise")[0];
    assert!(
        line.contains("met") && line.contains("due 2026-12-01 17:00"),
        "{line}"
    );
    let line = &sla_lines(&d, "2026-12-01T18:00", &broken, "promise")[0];
    assert!(line.contains("breached"), "{line}");
    let (_, out, _) = at(&d, "2026-12-01T18:00", &["sla", "check"]);
    assert!(!out.contains(&kept), "{out}");

    // Kept late, it stays broken, and no longer needs attention.
    ok_at(
        &d,
        "2026-12-01T18:10",
        &["ticket", "promise", &broken, "--kept"],
    );
    let line = &sla_lines(&d, "2026-12-01T18:20", &broken, "promise")[0];
    assert!(
        line.contains("breached") && line.contains("ended"),
        "{line}"
    );
    let (code, out, _) = at(&d, "2026-12-01T18:20", &["sla", "check"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn a_changed_promise_is_not_broken_and_resolve_keeps_the_new_one() {
    let d = TestDesk::new();
    let t = accepted(&d, 1);
    ok_at(
        &d,
        "2026-12-01T09:10",
        &[
            "ticket",
            "promise",
            &t,
            "--by",
            "2026-12-01 12:00",
            "--what",
            "上门",
        ],
    );
    // Changed before noon to three o'clock: the first run is replaced, not broken.
    ok_at(
        &d,
        "2026-12-01T11:00",
        &[
            "ticket",
            "promise",
            &t,
            "--by",
            "2026-12-01 15:00",
            "--what",
            "下午上门",
        ],
    );
    let (code, out, err) = at(&d, "2026-12-01T13:00", &["sla", "check"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    let overdue = ok_at(&d, "2026-12-01T13:00", &["ticket", "list", "--overdue"]);
    assert!(!overdue.contains(&t), "{overdue}");
    ok_at(
        &d,
        "2026-12-01T14:00",
        &["ticket", "resolve", &t, "-m", "已上门更换"],
    );
    let lines = sla_lines(&d, "2026-12-01T16:00", &t, "promise");
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].contains("#1") && lines[0].contains("restarted"),
        "{lines:?}"
    );
    assert!(
        lines[1].contains("#2") && lines[1].contains("met"),
        "{lines:?}"
    );
}

#[test]
fn an_unanswered_collaboration_request_is_overdue_after_its_due_day() {
    let d = TestDesk::new();
    let t = accepted(&d, 1);
    ok_at(
        &d,
        "2026-12-01T10:00",
        &[
            "ticket",
            "collab",
            &t,
            "--department",
            "product",
            "--need",
            "批次检测",
            "--due",
            "2026-12-01",
        ],
    );
    ok_at(
        &d,
        "2026-12-01T10:05",
        &[
            "ticket",
            "collab",
            &t,
            "--department",
            "quality",
            "--need",
            "质量分析",
            "--due",
            "2026-12-04",
        ],
    );
    // Due by the end of the day in desk time: quiet at 23:30.
    let (code, out, err) = at(&d, "2026-12-01T23:30", &["sla", "check"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    // The next morning the first request is overdue; the second still runs.
    let (code, out, _) = at(&d, "2026-12-02T08:00", &["sla", "check"]);
    assert_eq!(code, 2, "{out}");
    let rows: Vec<_> = out.lines().filter(|l| l.contains(&t)).collect();
    assert_eq!(rows.len(), 1, "{out}");
    assert!(
        rows[0].contains("collab")
            && rows[0].contains("breached")
            && rows[0].contains("2026-12-02 00:00"),
        "{out}"
    );
    let overdue = ok_at(&d, "2026-12-02T08:00", &["ticket", "list", "--overdue"]);
    assert!(overdue.contains(&t), "{overdue}");
    // Answering the second request does not answer the first.
    ok_at(
        &d,
        "2026-12-02T09:00",
        &["ticket", "reply", &t, "--request", "2", "-m", "质量合格"],
    );
    let lines = sla_lines(&d, "2026-12-02T09:30", &t, "collab");
    assert!(
        lines[0].contains("#1") && lines[0].contains("breached") && !lines[0].contains("ended"),
        "{lines:?}"
    );
    assert!(
        lines[1].contains("#2") && lines[1].contains("met"),
        "{lines:?}"
    );
    // Found by the department asked, while unanswered.
    let list = |args: &[&str]| {
        let mut all = vec!["ticket", "list"];
        all.extend_from_slice(args);
        ok_at(&d, "2026-12-02T09:40", &all).contains(&t)
    };
    assert!(list(&["--collab-to", "product", "--collab-open"]));
    assert!(!list(&["--collab-to", "quality", "--collab-open"]));
    assert!(list(&["--collab-to", "quality"]));
    assert!(!list(&["--collab-to", "sales"]));
    // The same filter as a step's --where term.
    let (code, out, err) = at(
        &d,
        "2026-12-02T09:40",
        &[
            "ticket",
            "note",
            "--where",
            "collab_open",
            "--dry-run",
            "-m",
            "催办",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&t) || err.contains(&t), "{out}{err}");
    // Its late answer ends the alert; the run stays breached.
    ok_at(
        &d,
        "2026-12-02T10:00",
        &["ticket", "reply", &t, "--request", "1", "-m", "检测完成"],
    );
    let (code, out, _) = at(&d, "2026-12-02T10:30", &["sla", "check"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let lines = sla_lines(&d, "2026-12-02T10:30", &t, "collab");
    assert!(
        lines[0].contains("breached") && lines[0].contains("ended"),
        "{lines:?}"
    );
    let open = ok_at(&d, "2026-12-02T10:30", &["ticket", "list", "--collab-open"]);
    assert!(!open.contains(&t), "{open}");
}

#[test]
fn bad_promises_are_refused_and_nothing_is_written() {
    let d = TestDesk::new();
    let t = accepted(&d, 1);
    let before = ticket_file(&d, &t);
    // Due before it is made: refused (1).
    let (code, _, err) = at(
        &d,
        "2026-12-01T10:00",
        &[
            "ticket",
            "promise",
            &t,
            "--by",
            "2026-12-01 09:00",
            "--what",
            "x",
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("due after it is made"), "{err}");
    // Nothing pending to keep: refused (1).
    let (code, _, err) = at(&d, "2026-12-01T10:00", &["ticket", "promise", &t, "--kept"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no promise is pending"), "{err}");
    // Usage: a time that is not one, or no --what (2).
    let (code, _, err) = at(
        &d,
        "2026-12-01T10:00",
        &["ticket", "promise", &t, "--by", "tomorrow", "--what", "x"],
    );
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = at(
        &d,
        "2026-12-01T10:00",
        &["ticket", "promise", &t, "--by", "2026-12-02"],
    );
    assert_eq!(code, 2, "{err}");
    assert_eq!(ticket_file(&d, &t), before);
}
