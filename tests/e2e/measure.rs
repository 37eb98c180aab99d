//! End-to-end: improvement measures (改进措施) — `measure add|note|done|reopen|show|list`,
//! files on disk, overdue measures in `sla check` and `stats`, and `check`.

use crate::common::staff::{LI, WANG, roster};
use crate::common::{TestDesk, parse_csv, parse_json, run_at, stderr, stdout};

const LIST_CSV_HEADER: &str = "id,state,overdue,kind,owner,due,period,category,tickets,\
problem,measure,created,created_by,notes,done,result,effect_checked,effect";

// ---------------------------------------------------------------- helpers

/// A ticket opened now; returns its ID.
fn ticket(desk: &TestDesk) -> String {
    let c = desk.add(&["--name", "华东机械"]);
    desk.ok(&[
        "ticket",
        "open",
        "--customer",
        &c,
        "--category",
        "complaint",
        "-m",
        "engineer left without fixing the fault",
    ])
    .trim_end()
    .to_string()
}

/// `measure add` with the usual fields and `extra`; returns the ID.
fn add(desk: &TestDesk, due: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "measure",
        "add",
        "--problem",
        "engineers misread the X200 fault code",
        "--measure",
        "train every engineer on the X200 fault codes",
        "--kind",
        "training",
        "--owner",
        "li",
        "--due",
        due,
    ];
    args.extend_from_slice(extra);
    let out = desk.ok(&args);
    let id = out.trim_end().to_string();
    assert!(
        id.starts_with("M20261124-") && id.len() == 16 && !out.trim_end().contains('\n'),
        "add printed {out:?}, not an ID"
    );
    id
}

fn rel(id: &str) -> String {
    format!("measures/{}/{}/{id}.toml", &id[1..5], &id[5..7])
}

fn toml_of(desk: &TestDesk, id: &str) -> toml::Table {
    desk.read(&rel(id)).parse().expect("a measure is TOML")
}

fn actions(t: &toml::Table) -> Vec<String> {
    t["event"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

// ---------------------------------------------------------------- add / note / done

#[test]
fn add_note_done_write_one_file_with_its_history() {
    let desk = TestDesk::new();
    let t = ticket(&desk);
    let id = add(
        &desk,
        "2026-12-15",
        &[
            "--period",
            "2026-11",
            "--category",
            "complaint",
            "--ticket",
            &t[10..14],
        ],
    );
    let text = desk.read(&rel(&id));
    assert!(text.starts_with("schema = 1\n"), "{text}");
    let m = toml_of(&desk, &id);
    assert_eq!(m["id"].as_str(), Some(id.as_str()));
    assert_eq!(m["state"].as_str(), Some("open"));
    assert_eq!(m["kind"].as_str(), Some("training"));
    assert_eq!(m["owner"].as_str(), Some("li"));
    assert_eq!(m["due"].as_datetime().unwrap().to_string(), "2026-12-15");
    assert_eq!(m["period"].as_str(), Some("2026-11"));
    assert_eq!(m["category"].as_str(), Some("complaint"));
    let tickets: Vec<&str> = m["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(tickets, [t.as_str()], "the abbreviation is stored resolved");
    assert_eq!(
        m["created"].as_datetime().unwrap().to_string(),
        "2026-11-24T09:30:00+08:00"
    );
    assert_eq!(m["created_by"].as_str(), Some("wang"));
    assert_eq!(actions(&m), ["add"]);

    let o = desk.run(&["measure", "note", &id[10..], "-m", "first session held"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("note added"), "{}", stderr(&o));
    let before = desk.read(&rel(&id));

    let o = desk.run(&[
        "measure",
        "done",
        &id,
        "--result",
        "12 engineers trained",
        "--effect",
        "no repeat complaint in 4 weeks",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("effect checked"), "{}", stderr(&o));
    let after = desk.read(&rel(&id));
    // Append-only: the file before `done` is still there, line for line, apart from the
    // state line; the new fields and the event are added.
    let kept = before
        .lines()
        .filter(|l| !l.starts_with("state = "))
        .all(|l| after.contains(l));
    assert!(kept, "a line was lost:\nbefore:\n{before}\nafter:\n{after}");
    let m = toml_of(&desk, &id);
    assert_eq!(m["state"].as_str(), Some("done"));
    assert_eq!(m["result"].as_str(), Some("12 engineers trained"));
    assert_eq!(m["effect_checked"].as_bool(), Some(true));
    assert_eq!(m["effect"].as_str(), Some("no repeat complaint in 4 weeks"));
    assert_eq!(m["done_by"].as_str(), Some("wang"));
    assert_eq!(actions(&m), ["add", "note", "done"]);

    let shown = desk.ok(&["measure", "show", &id[10..]]);
    for s in [
        "train every engineer",
        "first session held",
        "12 engineers trained",
        "checked: no repeat",
    ] {
        assert!(shown.contains(s), "{s} missing from:\n{shown}");
    }
    let j = parse_json(&desk.ok(&["measure", "show", &id, "--format", "json"]));
    assert_eq!(j["id"], id.as_str());
    assert_eq!(j["due"], "2026-12-15");
    assert_eq!(j["event"].as_array().unwrap().len(), 3);
    desk.ok(&["check"]);
}

#[test]
fn add_refuses_what_it_cannot_trace_or_resolve() {
    let desk = TestDesk::new();
    let err = desk.fails(
        1,
        &[
            "measure",
            "add",
            "--problem",
            "p",
            "--measure",
            "m",
            "--kind",
            "process",
            "--owner",
            "li",
            "--due",
            "2026-12-01",
        ],
    );
    assert!(
        err.contains("needs a source") && err.contains("--period"),
        "{err}"
    );
    let err = desk.fails(
        1,
        &[
            "measure",
            "add",
            "--problem",
            "p",
            "--measure",
            "m",
            "--kind",
            "process",
            "--owner",
            "li",
            "--due",
            "2026-12-01",
            "--ticket",
            "ZZZZ",
        ],
    );
    assert!(err.contains("no ticket matches \"ZZZZ\""), "{err}");
    let err = desk.fails(
        1,
        &[
            "measure",
            "add",
            "--problem",
            "p",
            "--measure",
            "m",
            "--kind",
            "process",
            "--owner",
            "li",
            "--due",
            "2026-12-01",
            "--category",
            "nonsense",
        ],
    );
    assert!(err.contains("unknown category \"nonsense\""), "{err}");
    let err = desk.fails(
        1,
        &[
            "measure",
            "add",
            "--problem",
            "p",
            "--measure",
            "m",
            "--kind",
            "process",
            "--owner",
            "li",
            "--due",
            "2026-11-01",
            "--period",
            "2026-11",
        ],
    );
    assert!(
        err.contains("before the day the measure is decided"),
        "{err}"
    );
    let err = desk.fails(
        2,
        &[
            "measure",
            "add",
            "--problem",
            "p",
            "--measure",
            "m",
            "--kind",
            "party",
            "--owner",
            "li",
            "--due",
            "2026-12-01",
            "--period",
            "2026-11",
        ],
    );
    assert!(err.contains("training"), "{err}");
    assert!(!desk.path("measures/2026").exists(), "nothing was written");
}

#[test]
fn the_owner_must_be_staff_when_the_desk_lists_staff() {
    let desk = TestDesk::new();
    desk.append_config(&roster(&[WANG, LI]));
    let err = desk.fails(
        1,
        &[
            "measure",
            "add",
            "--problem",
            "p",
            "--measure",
            "m",
            "--kind",
            "process",
            "--owner",
            "lii",
            "--due",
            "2026-12-01",
            "--period",
            "2026-11",
        ],
    );
    assert!(
        err.contains("\"lii\" is not on this desk's staff list"),
        "{err}"
    );
    assert!(err.contains("did you mean li?"), "{err}");
    add(&desk, "2026-12-01", &["--period", "this"]);
}

#[test]
fn done_twice_and_unknown_ids_are_clear_errors() {
    let desk = TestDesk::new();
    let id = add(&desk, "2026-12-15", &["--period", "2026-11"]);
    desk.ok(&["measure", "done", &id, "--result", "done it"]);
    let before = desk.read(&rel(&id));
    let err = desk.fails(1, &["measure", "done", &id, "--result", "again"]);
    assert!(
        err.contains("the measure is done; allowed from done: reopen"),
        "{err}"
    );
    let err = desk.fails(1, &["measure", "note", &id, "-m", "late note"]);
    assert!(
        err.contains("cannot add a note: the measure is done"),
        "{err}"
    );
    assert_eq!(
        desk.read(&rel(&id)),
        before,
        "a refused step writes nothing"
    );

    // One character off: the near match is offered.
    let typo = format!(
        "{}{}",
        &id[10..15],
        if &id[15..] == "X" { "Y" } else { "X" }
    );
    let err = desk.fails(1, &["measure", "show", &typo]);
    assert!(
        err.contains(&format!("no measure matches \"{typo}\"")),
        "{err}"
    );
    assert!(err.contains(&format!("did you mean: {id}")), "{err}");

    // done needs a result; reopen brings the measure back.
    let o = desk.run(&["measure", "done", &id]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    desk.ok(&["measure", "reopen", &id, "-m", "the problem came back"]);
    let m = toml_of(&desk, &id);
    assert_eq!(m["state"].as_str(), Some("open"));
    assert!(m.get("result").is_none(), "{m:?}");
    assert_eq!(actions(&m), ["add", "done", "reopen"]);
    desk.ok(&["check"]);
}

// ---------------------------------------------------------------- list

#[test]
fn list_filters_and_sorts_by_due_date() {
    let desk = TestDesk::new();
    let late = add(&desk, "2026-11-24", &["--period", "2026-11"]);
    let later = desk
        .ok(&[
            "measure",
            "add",
            "--problem",
            "p",
            "--measure",
            "sign-off form",
            "--kind",
            "process",
            "--owner",
            "zhao",
            "--due",
            "2026-12-31",
            "--period",
            "2026-11",
        ])
        .trim_end()
        .to_string();
    let done = add(&desk, "2026-11-30", &["--period", "2026-11"]);
    desk.ok(&[
        "measure",
        "done",
        &done,
        "--result",
        "ok",
        "--effect-checked",
    ]);

    // A week later: `late` (due 11-24) is overdue; `done` is not, though its day passed.
    let now = "2026-12-01T09:00:00+08:00";
    let csv = |args: &[&str]| {
        let o = run_at(&desk, now, args);
        assert!(o.status.success(), "{}", stderr(&o));
        parse_csv(&stdout(&o))
    };
    let (header, rows) = csv(&["measure", "list", "--format", "csv"]);
    assert_eq!(header.join(","), LIST_CSV_HEADER);
    let ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        ids,
        [late.as_str(), done.as_str(), later.as_str()],
        "by due date"
    );
    assert_eq!(rows[0][1..3], ["open".to_string(), "true".to_string()]);
    assert_eq!(rows[1][1..3], ["done".to_string(), "false".to_string()]);
    assert_eq!(rows[1][16], "true", "effect_checked");

    let (_, rows) = csv(&["measure", "list", "--overdue", "--format", "csv"]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], late);
    let (_, rows) = csv(&["measure", "list", "--open", "--format", "csv"]);
    assert_eq!(rows.len(), 2);
    let (_, rows) = csv(&["measure", "list", "--owner", "zhao", "--format", "csv"]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], later);

    let o = run_at(
        &desk,
        now,
        &["measure", "list", "--open", "--format", "json"],
    );
    let j = parse_json(&stdout(&o));
    let ids: Vec<&str> = j
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [late.as_str(), later.as_str()]);
    assert_eq!(j[0]["owner"], "li");

    let o = run_at(&desk, now, &["measure", "list", "--overdue"]);
    assert!(stdout(&o).contains("OVERDUE"), "{}", stdout(&o));
    let o = run_at(&desk, now, &["measure", "list", "--owner", "nobody"]);
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("no measures match"));
}

// ---------------------------------------------------------------- sla check

#[test]
fn overdue_measures_warn_in_sla_check_until_done() {
    let desk = TestDesk::new();
    let id = add(&desk, "2026-11-25", &["--period", "2026-11"]);
    // Due today or tomorrow: all is well, silently.
    for now in ["2026-11-24T09:30:00+08:00", "2026-11-25T23:59:00+08:00"] {
        let o = run_at(&desk, now, &["sla", "check"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(stdout(&o), "");
        assert_eq!(stderr(&o), "");
    }
    // From midnight after the due day: a warning.
    let now = "2026-11-26T00:00:00+08:00";
    let o = run_at(&desk, now, &["sla", "check", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let (header, rows) = parse_csv(&stdout(&o));
    assert_eq!(header[0..3], ["id", "timer", "state"]);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0][0..3],
        [id.clone(), "measure-due".into(), "overdue".into()]
    );
    assert_eq!(rows[0][11], "li", "the owner as assignee");
    let o = run_at(&desk, now, &["sla", "check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains(&id), "{}", stdout(&o));
    let o = run_at(&desk, now, &["sla", "check", "--format", "json"]);
    let j = parse_json(&stdout(&o));
    assert_eq!(j[0]["timer"], "measure-due");
    assert_eq!(j[0]["due"], "2026-11-26T00:00:00+08:00");

    let o = run_at(&desk, now, &["measure", "done", &id, "--result", "trained"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run_at(&desk, now, &["sla", "check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o), "");
}

#[test]
fn a_breach_stays_exit_two_with_an_overdue_measure() {
    let desk = TestDesk::new();
    ticket(&desk);
    add(&desk, "2026-11-24", &["--period", "2026-11"]);
    // The ticket's accept timer (1 h) is long past, and the measure is overdue.
    let o = run_at(
        &desk,
        "2026-11-26T10:00:00+08:00",
        &["sla", "check", "--format", "csv"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let (_, rows) = parse_csv(&stdout(&o));
    let states: Vec<&str> = rows.iter().map(|r| r[2].as_str()).collect();
    assert!(
        states.contains(&"breached") && states.contains(&"overdue"),
        "{states:?}"
    );
    assert_eq!(
        rows.last().unwrap()[1],
        "measure-due",
        "measures after timers"
    );
}

// ---------------------------------------------------------------- stats

#[test]
fn stats_counts_measures_without_touching_the_figures() {
    let desk = TestDesk::new();
    let before = desk.ok(&["stats", "--format", "csv"]);
    let a = add(&desk, "2026-11-25", &["--period", "2026-11"]);
    add(&desk, "2026-12-20", &["--period", "2026-11"]);
    let now = "2026-11-30T12:00:00+08:00";
    run_at(&desk, now, &["measure", "done", &a, "--result", "ok"]);
    add(&desk, "2026-11-26", &["--period", "2026-11"]);
    let o = run_at(&desk, now, &["stats", "--format", "csv"]);
    assert_eq!(stdout(&o), before, "the figures' CSV is unchanged");

    let o = run_at(&desk, now, &["stats", "--measures", "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (header, rows) = parse_csv(&stdout(&o));
    assert_eq!(header.join(","), "period,kind,added,done,open,overdue");
    assert_eq!(rows[0], ["2026-11", "training", "3", "1", "2", "1"]);
    assert_eq!(rows.len(), 3, "one row per kind");

    let o = run_at(&desk, now, &["stats", "--format", "json"]);
    let j = parse_json(&stdout(&o));
    assert_eq!(j["measures"]["total"]["overdue"], 1);
    assert_eq!(j["measures"]["total"]["added"], 3);

    let o = run_at(&desk, now, &["stats"]);
    let text = stdout(&o);
    assert!(text.contains("改进措施"), "{text}");

    let o = run_at(
        &desk,
        now,
        &["stats", "--measures", "--top", "3", "--format", "csv"],
    );
    assert_eq!(o.status.code(), Some(2));
}

// ---------------------------------------------------------------- check

#[test]
fn check_reports_broken_measure_files() {
    let desk = TestDesk::new();
    let t = ticket(&desk);
    let id = add(&desk, "2026-12-15", &["--ticket", &t]);
    desk.ok(&["check"]);
    let good = desk.read(&rel(&id));

    // Syntax: file:line:column.
    desk.write(
        &rel(&id),
        good.replace("owner = \"li\"\n", "owner = \"li\n"),
    );
    let o = desk.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let line = good.lines().position(|l| l == "owner = \"li\"").unwrap() + 1;
    assert!(out.contains(&format!("{}:{line}:", rel(&id))), "{out}");

    // Fields that disagree with the history.
    desk.write(
        &rel(&id),
        good.replacen("state = \"open\"", "state = \"done\"", 1),
    );
    let out = stdout(&desk.run(&["check"]));
    assert!(
        out.contains("fields disagree with the history: state"),
        "{out}"
    );

    // A ticket that does not exist, and an owner not on the staff list.
    desk.append_config(&roster(&[WANG, LI]));
    let gone = "T20261101-ZZZZZZ";
    desk.write(
        &rel(&id),
        good.replace(&t, gone).replace("\"li\"", "\"nobody\""),
    );
    let out = stdout(&desk.run(&["check"]));
    assert!(
        out.contains(&format!("ticket {gone}: no such ticket")),
        "{out}"
    );
    assert!(
        out.contains("owner = \"nobody\" is not on this desk's staff list"),
        "{out}"
    );

    // A history that does not replay names the event's line.
    let broken = format!(
        "{good}\n[[event]]\nat = 2026-11-25T09:00:00+08:00\nby = \"wang\"\naction = \"done\"\n"
    );
    desk.write(&rel(&id), &broken);
    let out = stdout(&desk.run(&["check"]));
    let line = broken.lines().filter(|l| *l == "[[event]]").count();
    assert_eq!(line, 2);
    let at = broken
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "[[event]]")
        .nth(1)
        .unwrap()
        .0
        + 1;
    assert!(
        out.contains(&format!(
            "{}:{at}:1: event 2 (done): done needs a result",
            rel(&id)
        )),
        "{out}"
    );
}

#[test]
fn a_persons_comment_survives_a_note_and_done() {
    let desk = TestDesk::new();
    let id = add(&desk, "2026-12-15", &["--period", "2026-11"]);
    let text = desk.read(&rel(&id)).replacen(
        "owner = \"li\"\n",
        "# agreed at the November review\nowner = \"li\"\n",
        1,
    );
    desk.write(&rel(&id), &text);
    desk.ok(&["measure", "note", &id, "-m", "booked the room"]);
    desk.ok(&["measure", "done", &id, "--result", "held"]);
    let after = desk.read(&rel(&id));
    assert!(
        after.contains("# agreed at the November review\nowner = \"li\"\n"),
        "{after}"
    );
    desk.ok(&["check"]);
}
