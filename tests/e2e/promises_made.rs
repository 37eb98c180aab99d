//! Promises made wherever they are made (issue 23): `--promise` on `ticket respond` and
//! `ticket plan`, appointments for a site visit (`ticket promise --appointment`), the
//! promised time in `ticket list` and the export, promises counted in `stats`. Times are
//! pinned with SVCDESK_NOW, desk time (Asia/Shanghai).

use crate::common::{TestDesk, local_at as at, local_ok as ok_at, parse_csv};

/// A ticket opened at 09:00 on Tuesday 2026-12-01, assigned, accepted and answered at
/// once, so the policy's own timers stay quiet for the day.
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

/// The last `n` `[[event]]` tables of a ticket file.
fn last_events(file: &str, n: usize) -> Vec<String> {
    let all: Vec<String> = file
        .split("[[event]]")
        .skip(1)
        .map(str::to_string)
        .collect();
    all[all.len() - n..].to_vec()
}

#[test]
fn respond_and_plan_make_a_promise_in_the_same_step() {
    let d = TestDesk::new();
    let replied = accepted(&d, 1);
    let planned = accepted(&d, 2);
    // The reply's own words are what was promised.
    ok_at(
        &d,
        "2026-12-01T09:10",
        &[
            "ticket",
            "respond",
            &replied,
            "-m",
            "下午五点前回电告知结果",
            "--promise",
            "2026-12-01 17:00",
        ],
    );
    let file = ticket_file(&d, &replied);
    let new = last_events(&file, 3);
    assert!(new[0].contains("text = \"收到\""), "{file}");
    let new = &new[1..];
    assert!(
        new[0].contains("action = \"respond\"") && !new[0].contains("promised"),
        "{}",
        new[0]
    );
    assert!(
        new[1].contains("action = \"promise\"")
            && new[1].contains("text = \"下午五点前回电告知结果\"")
            && new[1].contains("promised = 2026-12-01T17:00:00+08:00"),
        "{}",
        new[1]
    );
    let when = |e: &str| {
        e.lines()
            .find(|l| l.starts_with("at = "))
            .map(str::to_string)
    };
    assert_eq!(when(&new[0]), when(&new[1]));

    // The plan's promise says what in its own words.
    ok_at(
        &d,
        "2026-12-01T09:20",
        &[
            "ticket",
            "plan",
            &planned,
            "-m",
            "上门更换驱动板",
            "--promise",
            "2026-12-02 12:00",
            "--promise-what",
            "明天中午前修好",
        ],
    );
    let new = last_events(&ticket_file(&d, &planned), 2);
    assert!(new[0].contains("action = \"plan\""), "{}", new[0]);
    assert!(
        new[1].contains("action = \"promise\"")
            && new[1].contains("text = \"明天中午前修好\"")
            && new[1].contains("promised = 2026-12-02T12:00:00+08:00"),
        "{}",
        new[1]
    );

    // The timer sees both as `ticket promise`: at 17:30 the reply's is broken.
    let (code, out, _) = at(&d, "2026-12-01T17:30", &["sla", "check"]);
    assert_eq!(code, 2, "{out}");
    let rows: Vec<_> = out.lines().filter(|l| l.contains("promise")).collect();
    assert_eq!(rows.len(), 1, "{out}");
    assert!(
        rows[0].contains(&replied) && rows[0].contains("breached"),
        "{out}"
    );
    // The plan's is kept in time.
    ok_at(
        &d,
        "2026-12-02T10:00",
        &["ticket", "promise", &planned, "--kept", "-m", "已修好"],
    );
    let line = &sla_lines(&d, "2026-12-02T13:00", &planned, "promise")[0];
    assert!(
        line.contains("met") && line.contains("due 2026-12-02 12:00"),
        "{line}"
    );
}

#[test]
fn a_step_whose_promise_is_refused_writes_nothing() {
    let d = TestDesk::new();
    let t = accepted(&d, 1);
    let before = ticket_file(&d, &t);
    // Due before it is made: the reply is not written either (1).
    let (code, _, err) = at(
        &d,
        "2026-12-01T10:00",
        &[
            "ticket",
            "respond",
            &t,
            "-m",
            "稍后回电",
            "--promise",
            "2026-12-01 09:30",
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("due after it is made"), "{err}");
    // --promise-what alone, or a time that is not one (2).
    let (code, _, err) = at(
        &d,
        "2026-12-01T10:00",
        &["ticket", "respond", &t, "-m", "x", "--promise-what", "y"],
    );
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = at(
        &d,
        "2026-12-01T10:00",
        &["ticket", "plan", &t, "-m", "x", "--promise", "soon"],
    );
    assert_eq!(code, 2, "{err}");
    assert_eq!(ticket_file(&d, &t), before);
    // A plan told without words promises nothing it can name (2).
    ok_at(
        &d,
        "2026-12-01T10:05",
        &["ticket", "plan", &t, "-m", "换板"],
    );
    let before = ticket_file(&d, &t);
    let (code, _, err) = at(
        &d,
        "2026-12-01T10:10",
        &[
            "ticket",
            "plan",
            &t,
            "--told",
            "--promise",
            "2026-12-02 12:00",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--promise-what"), "{err}");
    assert_eq!(ticket_file(&d, &t), before);
}

#[test]
fn an_appointment_kept_on_arrival_is_met_and_a_missed_one_breached() {
    let d = TestDesk::new();
    let kept = accepted(&d, 1);
    let missed = accepted(&d, 2);
    for t in [&kept, &missed] {
        ok_at(
            &d,
            "2026-12-01T10:00",
            &[
                "ticket",
                "promise",
                t,
                "--appointment",
                "--by",
                "2026-12-02 09:30",
            ],
        );
    }
    // A promise on the same ticket runs apart from the appointment.
    ok_at(
        &d,
        "2026-12-01T10:05",
        &[
            "ticket",
            "promise",
            &kept,
            "--by",
            "2026-12-01 17:00",
            "--what",
            "回电确认上门时间",
        ],
    );
    let file = ticket_file(&d, &kept);
    let new = last_events(&file, 2);
    assert!(
        new[0].contains("appointment = true")
            && new[0].contains("promised = 2026-12-02T09:30:00+08:00")
            && !new[0].contains("text"),
        "{file}"
    );
    assert!(!new[1].contains("appointment"), "{file}");
    ok_at(
        &d,
        "2026-12-01T16:00",
        &["ticket", "promise", &kept, "--kept"],
    );
    // Keeping the promise left the appointment running: quiet before 09:30.
    let (code, out, err) = at(&d, "2026-12-02T09:00", &["sla", "check"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    let show = ok_at(&d, "2026-12-02T09:00", &["ticket", "show", &kept]);
    assert!(show.contains("site visit appointment"), "{show}");
    let line = &sla_lines(&d, "2026-12-02T09:00", &kept, "appointment")[0];
    assert!(
        line.contains("due 2026-12-02 09:30") && !line.contains("met"),
        "{line}"
    );
    // The engineer arrives at 09:20 at one, never at the other.
    ok_at(
        &d,
        "2026-12-02T09:20",
        &[
            "ticket",
            "promise",
            &kept,
            "--appointment",
            "--kept",
            "-m",
            "工程师已到现场",
        ],
    );
    let (code, out, _) = at(&d, "2026-12-02T09:45", &["sla", "check"]);
    assert_eq!(code, 2, "{out}");
    let rows: Vec<_> = out.lines().filter(|l| l.contains("appointment")).collect();
    assert_eq!(rows.len(), 1, "{out}");
    assert!(
        rows[0].contains(&missed) && rows[0].contains("breached"),
        "{out}"
    );
    let overdue = ok_at(&d, "2026-12-02T09:45", &["ticket", "list", "--overdue"]);
    assert!(
        overdue.contains(&missed) && !overdue.contains(&kept),
        "{overdue}"
    );
    let line = &sla_lines(&d, "2026-12-02T09:45", &kept, "appointment")[0];
    assert!(line.contains("met"), "{line}");
    let show = ok_at(&d, "2026-12-02T09:45", &["ticket", "show", &kept]);
    assert!(show.contains("arrived for the appointment"), "{show}");
    // Nothing left to keep: refused (1), and the file is as it was.
    let before = ticket_file(&d, &kept);
    let (code, _, err) = at(
        &d,
        "2026-12-02T10:00",
        &["ticket", "promise", &kept, "--appointment", "--kept"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no appointment is pending"), "{err}");
    assert_eq!(ticket_file(&d, &kept), before);
}

#[test]
fn appointment_is_a_reserved_timer_name() {
    let d = TestDesk::new();
    d.append_config("\n[sla.timers.appointment]\nstart = [\"open\"]\nstop = [\"resolve\"]\ntarget.all = \"1h\"\n");
    let (code, _, err) = at(&d, "2026-12-01T10:00", &["sla", "check"]);
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("\"appointment\" is a built-in timer"), "{err}");
}

#[test]
fn the_running_promise_is_the_promised_column_of_list_and_export() {
    let d = TestDesk::new();
    let t = accepted(&d, 1);
    let other = accepted(&d, 2);
    ok_at(
        &d,
        "2026-12-01T10:00",
        &[
            "ticket",
            "respond",
            &t,
            "-m",
            "明天中午前修好",
            "--promise",
            "2026-12-02 12:00",
        ],
    );
    // The table: the time, in desk time; captioned 预计完成时间 in Chinese.
    let table = ok_at(&d, "2026-12-01T11:00", &["ticket", "list"]);
    let row = table.lines().find(|l| l.contains(&t)).expect("listed");
    assert!(row.contains("2026-12-02 12:00"), "{table}");
    let row = table.lines().find(|l| l.contains(&other)).expect("listed");
    assert!(!row.contains("2026-12-02"), "{table}");
    assert!(table.contains(" promised "), "{table}");
    let zh = ok_at(&d, "2026-12-01T11:00", &["--lang", "zh", "ticket", "list"]);
    assert!(zh.contains(" 预计完成时间 "), "{zh}");
    // CSV: the last column, empty when no promise runs.
    let (head, rows) = parse_csv(&ok_at(
        &d,
        "2026-12-01T11:00",
        &["ticket", "list", "--format", "csv"],
    ));
    assert_eq!(head.len(), 26, "{head:?}");
    assert_eq!(&head[24..], ["title", "promised"]);
    let cell = |rows: &[Vec<String>], id: &str| {
        rows.iter().find(|r| r[0] == id).expect("a row")[head.len() - 1].clone()
    };
    assert_eq!(cell(&rows, &t), "2026-12-02T12:00:00+08:00");
    assert_eq!(cell(&rows, &other), "");
    let zh = ok_at(
        &d,
        "2026-12-01T11:00",
        &["--lang", "zh", "ticket", "list", "--format", "csv"],
    );
    assert!(
        zh.lines().next().unwrap().ends_with(",预计完成时间"),
        "{zh}"
    );
    // The export: the last column too.
    let exported = ok_at(&d, "2026-12-01T11:00", &["export", "tickets"]);
    let (head, rows) = parse_csv(&exported);
    assert_eq!(head.last().map(String::as_str), Some("promised"));
    let last = |id: &str| rows.iter().find(|r| r[0] == id).unwrap().last().cloned();
    assert_eq!(last(&t).as_deref(), Some("2026-12-02T12:00:00+08:00"));
    // The month's register (台账) ends with it too, in desk time.
    let register = ok_at(
        &d,
        "2026-12-01T11:00",
        &["ledger", "tickets", "--month", "2026-12"],
    );
    let (head, rows) = parse_csv(register.strip_prefix('\u{feff}').unwrap_or(&register));
    assert_eq!(head.last().map(String::as_str), Some("promised"));
    let last = |id: &str| rows.iter().find(|r| r[0] == id).unwrap().last().cloned();
    assert_eq!(last(&t).as_deref(), Some("2026-12-02 12:00"));
    assert_eq!(last(&other).as_deref(), Some(""));
    // Kept: no promise runs, the cell is empty.
    ok_at(&d, "2026-12-01T15:00", &["ticket", "promise", &t, "--kept"]);
    let (_, rows) = parse_csv(&ok_at(
        &d,
        "2026-12-01T15:00",
        &["ticket", "list", "--format", "csv"],
    ));
    assert_eq!(cell(&rows, &t), "");
    // Import reads the new export, and an old one without the column.
    let old: String = exported
        .lines()
        .map(|l| l.rsplit_once(',').map_or(l, |(a, _)| a).to_string() + "\n")
        .collect();
    for (n, sheet) in [exported.as_str(), old.as_str()].into_iter().enumerate() {
        let e = TestDesk::new();
        for c in d.customer_files() {
            let rel = format!("customers/{c}");
            e.write(&rel, d.read(&rel));
        }
        let path = e.tmp.path().join(format!("t{n}.csv"));
        std::fs::write(&path, sheet).unwrap();
        let got = e.ok(&["import", "tickets", path.to_str().unwrap()]);
        assert_eq!(got.lines().count(), 2, "{got}");
    }
}

/// A ticket opened at `day`T09:00, assigned, accepted and answered at once.
fn accepted_on(d: &TestDesk, n: u32, day: &str) -> String {
    let c = d.add(&[
        "--name",
        &format!("华南电器{n}"),
        "--phone",
        &format!("020-6666-010{n}"),
    ]);
    let at = |hm: &str| format!("{day}T{hm}");
    let t = ok_at(
        d,
        &at("09:00"),
        &[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "complaint",
            "-m",
            "噪音大",
        ],
    )
    .trim()
    .to_string();
    ok_at(d, &at("09:01"), &["ticket", "assign", &t, "--to", "wang"]);
    ok_at(d, &at("09:02"), &["ticket", "accept", &t]);
    ok_at(d, &at("09:03"), &["ticket", "respond", &t, "-m", "收到"]);
    t
}

#[test]
fn promises_made_kept_broken_and_changed_count_in_the_period_of_their_deadline_or_end() {
    let d = TestDesk::new();
    let promise = |when: &str, t: &str, by: &str| {
        ok_at(
            &d,
            when,
            &["ticket", "promise", t, "--by", by, "--what", "回电"],
        );
    };
    // E, opened on Monday 11-30: promised for 12-01 10:00, changed on 11-30 at 18:00 to
    // 12-02 10:00 (the first run ends, changed, in November, before its December
    // deadline), which is then broken (December).
    let e = accepted_on(&d, 5, "2026-11-30");
    promise("2026-11-30T10:00", &e, "2026-12-01 10:00");
    promise("2026-11-30T18:00", &e, "2026-12-02 10:00");
    // A: kept in time. B: broken. C: changed at 11:00, the new one kept by the resolve.
    // D: due in January, still running: in no December figure.
    let a = accepted(&d, 1);
    let b = accepted(&d, 2);
    let c = accepted(&d, 3);
    let dd = accepted(&d, 4);
    promise("2026-12-01T09:10", &a, "2026-12-01 17:00");
    promise("2026-12-01T09:10", &b, "2026-12-01 12:00");
    promise("2026-12-01T09:10", &c, "2026-12-01 12:00");
    promise("2026-12-01T09:10", &dd, "2027-01-05 12:00");
    promise("2026-12-01T11:00", &c, "2026-12-01 15:00");
    ok_at(
        &d,
        "2026-12-01T14:00",
        &["ticket", "resolve", &c, "-m", "已修复"],
    );
    ok_at(&d, "2026-12-01T16:00", &["ticket", "promise", &a, "--kept"]);

    let figures = |month: &str| -> Vec<String> {
        let (head, rows) = parse_csv(&ok_at(
            &d,
            "2026-12-10T12:00",
            &["stats", "--month", month, "--format", "csv"],
        ));
        let i = head.iter().position(|h| h == "promises_made").unwrap();
        assert_eq!(
            &head[i..i + 4],
            [
                "promises_made",
                "promises_kept",
                "promises_broken",
                "promises_changed"
            ]
        );
        rows.last().unwrap()[i..i + 4].to_vec()
    };
    // December: made A, B, C#1, C#2, E#2 = 5; kept A, C#2; broken B, E#2; changed C#1.
    assert_eq!(figures("2026-12"), ["5", "2", "2", "1"]);
    // November: E#1, changed.
    assert_eq!(figures("2026-11"), ["1", "0", "0", "1"]);
    // The text report names them, in Chinese too.
    let text = ok_at(&d, "2026-12-10T12:00", &["stats", "--month", "2026-12"]);
    assert!(
        text.lines()
            .any(|l| l.contains("promises broken") && l.contains('2')),
        "{text}"
    );
    let zh = ok_at(
        &d,
        "2026-12-10T12:00",
        &["--lang", "zh", "stats", "--month", "2026-12"],
    );
    assert!(zh.contains("失约承诺数"), "{zh}");
}
