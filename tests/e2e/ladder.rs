//! The escalation ladder: `[[sla.ladder]]` levels at a share of or an offset from a timer
//! run's deadline, each fired once per run by `sla check --notify` (hooks on
//! `sla-ladder` with SVCDESK_LEVEL, SVCDESK_NOTIFY, SVCDESK_NOTIFY_EMAILS; an
//! `sla-notified` event with `ladder`), escalating and regrading when a level says so, and
//! standing still while the run is paused.
//!
//! Worked by hand on the default calendar (Mon-Fri 09:00-12:00, 13:30-18:00, 7.5 working
//! hours a day) and a `fix` timer of 8bh that pauses while waiting.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::*;

const PEOPLE: &str = r#"
[[staff]]
id = "wang"
name = "王工"
department = "service"
roles = ["engineer", "agent"]
email = "wang@example.com"

[[staff]]
id = "li"
name = "李丽"
department = "customer-service"
roles = ["agent", "engineer"]
email = "li@example.com"

[[staff]]
id = "sun"
name = "孙主管"
department = "customer-service"
roles = ["supervisor", "engineer"]
email = "sun@example.com"
"#;

/// L1 when 75% of the target has run, L2 at the deadline, L3 four business hours after
/// it, handing the ticket to sun as grade III.
const LADDER: &str = r#"
[sla.timers.fix]
start = ["open", "reopen"]
stop = "resolve"
pause = ["waiting"]
target = { all = "8bh" }

[[sla.ladder]]
at = "-25%"
timers = ["fix"]
notify = ["assignee"]

[[sla.ladder]]
at = "0"
timers = ["fix"]
notify = ["assignee", "head"]

[[sla.ladder]]
at = "+4bh"
timers = ["fix"]
notify = ["head", "opener", "assignee"]
escalate = "sun"
grade = "III"

[[hooks.rule]]
on = ["sla-ladder"]
command = "RECORD"
"#;

/// A desk with `PEOPLE` (sun heads customer service), the ladder, and a trusted hook
/// logging one line per level fired to the returned file.
fn desk() -> (TestDesk, PathBuf) {
    desk_on("sla-ladder")
}

/// `desk`, with the hook on `on` instead.
fn desk_on(on: &str) -> (TestDesk, PathBuf) {
    let d = TestDesk::new();
    let script = d.tmp.path().join("record.sh");
    fs::write(
        &script,
        "#!/bin/sh\necho \"$SVCDESK_ACTION $SVCDESK_ID $SVCDESK_TIMER $SVCDESK_LEVEL \
         notify=$SVCDESK_NOTIFY emails=$SVCDESK_NOTIFY_EMAILS assignee=$SVCDESK_ASSIGNEE \
         grade=$SVCDESK_GRADE\" >> \"$(dirname \"$0\")/hooks.log\"\ncat > /dev/null\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    let text = d.read("svcdesk.toml").replacen(
        "[departments.customer-service]\n",
        "[departments.customer-service]\nhead = \"sun\"\n",
        1,
    );
    let rules = LADDER
        .replace("RECORD", &script.display().to_string())
        .replace("on = [\"sla-ladder\"]", &format!("on = [\"{on}\"]"));
    d.write("svcdesk.toml", text + PEOPLE + &rules);
    d.ok(&["hooks", "trust"]);
    (d, script.with_file_name("hooks.log"))
}

fn log(path: &Path) -> Vec<String> {
    fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect()
}

fn when(t: &str) -> String {
    format!("{t}:00+08:00")
}

/// `sla check --notify` at `t` (desk time); returns stderr.
fn check(d: &TestDesk, t: &str) -> String {
    let o = run_at(d, &when(t), &["sla", "check", "--notify"]);
    assert!(
        matches!(o.status.code(), Some(0..=2)),
        "sla check failed: {}",
        stderr(&o)
    );
    stderr(&o)
}

/// A grade II complaint opened by wang on Tuesday 2026-11-24 at 10:00, assigned to li
/// at 10:01 and accepted by li at 10:02.
fn complaint(d: &TestDesk) -> String {
    let c = d.add(&["--name", "华东机械", "--phone", "021-5555-0101"]);
    let open = [
        "ticket",
        "open",
        "--customer",
        &c,
        "--category",
        "complaint",
        "--grade",
        "II",
        "-m",
        "机器过热",
    ];
    let t = ok_at(d, &when("2026-11-24T10:00"), &open)
        .trim()
        .to_string();
    ok_at(
        d,
        &when("2026-11-24T10:01"),
        &["ticket", "assign", &t, "--to", "li"],
    );
    ok_at(
        d,
        &when("2026-11-24T10:02"),
        &["--as", "li", "ticket", "accept", &t],
    );
    t
}

fn fired(file: &Path) -> Vec<String> {
    let text = fs::read_to_string(file).unwrap();
    let t: toml::Table = toml::from_str(&text).unwrap();
    t["event"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| Some(e.get("ladder")?.as_str()?.to_string()))
        .collect()
}

#[test]
fn each_level_fires_once_at_its_hand_worked_time() {
    let (d, log_file) = desk();
    let t = complaint(&d);
    let file = find_ticket(&d.root, &t);

    // 8bh from Tue 10:00: Tue gives 10:00-12:00 and 13:30-18:00 (6.5 h), Wed 09:00-10:30
    // the rest: due Wed 10:30. 75% (6 h) has run at Tue 17:30.
    check(&d, "2026-11-24T17:29");
    assert_eq!(log(&log_file), Vec::<String>::new());
    check(&d, "2026-11-24T17:30");
    assert_eq!(
        log(&log_file),
        [format!(
            "sla-ladder {t} fix L1 notify=li emails=li@example.com assignee=li grade=II"
        )]
    );
    let text = fs::read_to_string(&file).unwrap();
    assert!(
        text.ends_with(
            "action = \"sla-notified\"\ntext = \"L1 at 2026-11-24 17:30; told li\"\n\
             timer = \"fix\"\nladder = \"L1\"\n"
        ),
        "{text}"
    );
    // A second run, and the night, fire nothing new and write nothing.
    check(&d, "2026-11-24T17:45");
    check(&d, "2026-11-25T09:00");
    assert_eq!(log(&log_file).len(), 1);
    assert_eq!(fs::read_to_string(&file).unwrap(), text);

    // L2 at the deadline, Wed 10:30: the assignee and the department head.
    check(&d, "2026-11-25T10:29");
    assert_eq!(log(&log_file).len(), 1);
    check(&d, "2026-11-25T10:30");
    let lines = log(&log_file);
    assert_eq!(
        lines[1],
        format!(
            "sla-ladder {t} fix L2 notify=li,sun emails=li@example.com,sun@example.com \
             assignee=li grade=II"
        )
    );

    // L3 four business hours later, across lunch: 10:30-12:00 (1.5 h) and 13:30-16:00.
    check(&d, "2026-11-25T15:59");
    assert_eq!(log(&log_file).len(), 2);
    let err = check(&d, "2026-11-25T16:00");
    assert!(
        err.contains(&format!("{t}: escalated to sun (fix ladder L3)")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{t}: graded III (fix ladder L3)")),
        "{err}"
    );
    let lines = log(&log_file);
    assert_eq!(lines.len(), 3, "{lines:?}");
    // Told after the ticket moved: sun is head and now assignee, told once; wang opened it.
    assert_eq!(
        lines[2],
        format!(
            "sla-ladder {t} fix L3 notify=sun,wang emails=sun@example.com,wang@example.com \
             assignee=sun grade=III"
        )
    );
    let show = d.ok(&["ticket", "show", &t, "--format", "json"]);
    let j = parse_json(&show);
    assert_eq!(j["assignee"], "sun", "{show}");
    assert_eq!(j["grade"], "III", "{show}");
    let text = fs::read_to_string(&file).unwrap();
    assert!(text.contains(
        "action = \"escalate\"\nassignee = \"sun\"\nreason = \"SLA fix ladder L3 (due 2026-11-25 10:30)\"\n"
    ), "{text}");
    assert!(text.contains(
        "action = \"grade\"\ngrade = \"III\"\nreason = \"SLA fix ladder L3 (due 2026-11-25 10:30)\"\n"
    ), "{text}");
    assert_eq!(fired(&file), ["L1", "L2", "L3"]);

    // Nothing more, ever, for this run.
    check(&d, "2026-11-27T16:00");
    assert_eq!(log(&log_file).len(), 3);
    assert_eq!(fired(&file), ["L1", "L2", "L3"]);
    d.ok(&["check"]);
}

#[test]
fn a_waiting_ticket_fires_nothing_and_its_ladder_moves_by_the_wait() {
    let (d, log_file) = desk();
    let t = complaint(&d);
    let file = find_ticket(&d.root, &t);
    // Waiting from Tue 17:00 (5.5 h of the 8bh run) to Wed 11:00.
    ok_at(
        &d,
        &when("2026-11-24T17:00"),
        &["--as", "li", "ticket", "wait", &t, "--for", "customer"],
    );
    for at in ["2026-11-24T17:30", "2026-11-25T10:30", "2026-11-25T10:59"] {
        check(&d, at);
    }
    assert_eq!(
        log(&log_file),
        Vec::<String>::new(),
        "nothing while waiting"
    );
    assert_eq!(fired(&file), Vec::<String>::new());
    ok_at(
        &d,
        &when("2026-11-25T11:00"),
        &["--as", "li", "ticket", "resume", &t],
    );
    // L1 at 6 h of running time: half an hour after the resume.
    check(&d, "2026-11-25T11:29");
    assert_eq!(log(&log_file).len(), 0);
    check(&d, "2026-11-25T11:30");
    assert_eq!(fired(&file), ["L1"]);
    // L2 at 8 h: 11:00-12:00 and 13:30-15:00 on Wednesday.
    check(&d, "2026-11-25T14:59");
    assert_eq!(fired(&file), ["L1"]);
    check(&d, "2026-11-25T15:00");
    assert_eq!(fired(&file), ["L1", "L2"]);
    // L3 4bh later: 15:00-18:00 and Thursday 09:00-10:00, across the night.
    check(&d, "2026-11-26T09:59");
    assert_eq!(fired(&file), ["L1", "L2"]);
    check(&d, "2026-11-26T10:00");
    assert_eq!(fired(&file), ["L1", "L2", "L3"]);
    assert_eq!(log(&log_file).len(), 3);
}

#[test]
fn a_reopened_ticket_climbs_its_ladder_afresh() {
    let (d, log_file) = desk();
    let t = complaint(&d);
    let file = find_ticket(&d.root, &t);
    check(&d, "2026-11-24T17:30");
    assert_eq!(fired(&file), ["L1"]);
    ok_at(
        &d,
        &when("2026-11-24T17:40"),
        &["--as", "li", "ticket", "resolve", &t, "-m", "更换风扇"],
    );
    ok_at(
        &d,
        &when("2026-11-24T17:45"),
        &["ticket", "reopen", &t, "--reason", "又过热"],
    );
    // The new run: from Tue 17:45, 15 minutes on Tuesday, 5.75 h more from Wed 09:00 is
    // 6 h at Wed 16:15 (09:00-12:00, 13:30-16:15).
    check(&d, "2026-11-25T16:14");
    assert_eq!(fired(&file), ["L1"]);
    check(&d, "2026-11-25T16:15");
    assert_eq!(fired(&file), ["L1", "L1"]);
    assert_eq!(log(&log_file).len(), 2);
}

#[test]
fn a_ladder_no_hook_hears_says_so_and_records_nothing() {
    let (d, log_file) = desk_on("sla-breach");
    let t = complaint(&d);
    let err = check(&d, "2026-11-24T17:30");
    assert!(err.contains("no [[hooks.rule]] is on sla-ladder"), "{err}");
    assert_eq!(fired(&find_ticket(&d.root, &t)), Vec::<String>::new());
    assert_eq!(log(&log_file), Vec::<String>::new());
}

#[test]
fn the_example_mail_hook_mails_the_people_a_level_names() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/hooks/mail.sh");
    let (d, _) = desk();
    let text = d.read("svcdesk.toml");
    let start = text.rfind("\n[[hooks.rule]]").unwrap() + 1;
    d.write(
        "svcdesk.toml",
        format!(
            "{}[[hooks.rule]]\non = [\"sla-ladder\"]\ncommand = \"{}\"\n",
            &text[..start],
            script.display()
        ),
    );
    d.ok(&["hooks", "trust"]);
    let t = complaint(&d);
    let mailbox = d.tmp.path().join("mailbox");
    let o = d
        .cmd()
        .env("SVCDESK_NOW", when("2026-11-25T10:30"))
        .env("SENDMAIL", format!("cat >> '{}'", mailbox.display()))
        .args(["sla", "check", "--notify"])
        .output()
        .unwrap();
    assert!(o.status.code().is_some_and(|c| c <= 2), "{}", stderr(&o));
    // L1 (due Tue 17:30, fired late) and L2 (at the deadline), one mail each.
    let mail = fs::read_to_string(&mailbox).unwrap();
    assert!(
        mail.starts_with(&format!(
            "To: li@example.com\nSubject: [svcdesk] {t} SLA L1: fix due 2026-11-25T10:30:00+08:00"
        )),
        "{mail}"
    );
    assert!(
        mail.contains(&format!(
            "To: li@example.com,sun@example.com\nSubject: [svcdesk] {t} SLA L2: fix due"
        )),
        "{mail}"
    );
    assert_eq!(fired(&find_ticket(&d.root, &t)), ["L1", "L2"]);
}

#[test]
fn a_bad_level_is_named_at_its_line_with_a_suggestion() {
    let d = TestDesk::new();
    d.append_config("\n[[sla.ladder]]\nat = \"-25%\"\ntimers = [\"resolv\"]\n");
    let err = d.fails(1, &["ticket", "list"]);
    assert!(err.contains("svcdesk.toml:"), "{err}");
    assert!(err.contains("sla.ladder[0].timers[0]"), "{err}");
    assert!(err.contains("did you mean \"resolve\"?"), "{err}");

    let d = TestDesk::new();
    d.append_config("\n[[sla.ladder]]\nat = \"4bh\"\n");
    let err = d.fails(1, &["ticket", "list"]);
    assert!(err.contains("sla.ladder[0].at"), "{err}");
    assert!(err.contains("has no sign"), "{err}");

    let d = TestDesk::new();
    d.append_config(&format!(
        "{PEOPLE}\n[[sla.ladder]]\nat = \"0\"\nnotify = [\"asignee\"]\n"
    ));
    let err = d.fails(1, &["ticket", "list"]);
    assert!(err.contains("sla.ladder[0].notify[0]"), "{err}");
    assert!(err.contains("did you mean \"assignee\"?"), "{err}");
}

/// `tickets/YYYY/MM/ID.toml`, sharded by the ID's creation month.
fn find_ticket(root: &Path, id: &str) -> PathBuf {
    root.join("tickets")
        .join(&id[1..5])
        .join(&id[5..7])
        .join(format!("{id}.toml"))
}
