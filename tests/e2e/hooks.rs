//! Event hooks end to end: `[[hooks.rule]]` in svcdesk.toml, run by the real binary after
//! the write, with the event in the environment and the record as JSON on stdin.

use std::fs;
use std::path::PathBuf;

use crate::common::*;

/// A desk whose svcdesk.toml ends with `rules`, trusted in its clone with
/// `svcdesk hooks trust` as a user would, and a recording hook script at
/// `<tmp>/record.sh`: each run appends one line of its environment to `<tmp>/hooks.log`
/// and saves stdin as `<tmp>/<ID>-<ACTION>.json`.
fn desk_with(rules: &str) -> (TestDesk, PathBuf) {
    let (d, log) = untrusted_desk_with(rules);
    d.ok(&["hooks", "trust"]);
    (d, log)
}

/// As `desk_with`, without trusting the hooks.
fn untrusted_desk_with(rules: &str) -> (TestDesk, PathBuf) {
    let d = TestDesk::new();
    let script = d.tmp.path().join("record.sh");
    fs::write(
        &script,
        r#"#!/bin/sh
dir=$(dirname "$0")
echo "$SVCDESK_ACTION $SVCDESK_ID by=$SVCDESK_BY grade=$SVCDESK_GRADE priority=$SVCDESK_PRIORITY dept=$SVCDESK_DEPARTMENT to=$SVCDESK_ASSIGNEE state=$SVCDESK_STATE hook=$SVCDESK_HOOK cwd=$(pwd)" >> "$dir/hooks.log"
cat > "$dir/$SVCDESK_ID-$SVCDESK_ACTION.json"
test -f "$SVCDESK_FILE"
"#,
    )
    .unwrap();
    make_executable(&script);
    let cfg = d.path("svcdesk.toml");
    let mut text = fs::read_to_string(&cfg).unwrap();
    text.push('\n');
    text.push_str(&rules.replace("RECORD", &script.display().to_string()));
    fs::write(&cfg, text).unwrap();
    let log = d.tmp.path().join("hooks.log");
    (d, log)
}

fn make_executable(p: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(p, fs::Permissions::from_mode(0o755)).unwrap();
}

fn log_lines(log: &PathBuf) -> Vec<String> {
    fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect()
}

fn open(d: &TestDesk, extra: &[&str]) -> String {
    let c = d.add(&["--name", "华东机械有限公司", "--force"]);
    let mut args = vec![
        "ticket",
        "open",
        "--customer",
        &c,
        "--category",
        "complaint",
        "-m",
        "engineer left early",
    ];
    args.extend(extra);
    d.ok(&args).trim().to_string()
}

#[test]
fn a_grade_three_ticket_fires_its_hook_once_with_the_event() {
    let (d, log) =
        desk_with("[[hooks.rule]]\non = [\"open\"]\ngrade = [\"III\"]\ncommand = \"RECORD\"\n");
    let quiet = open(&d, &["--grade", "I"]);
    assert!(log_lines(&log).is_empty(), "grade I does not match");
    let t = open(&d, &["--grade", "III", "--priority", "high"]);
    let lines = log_lines(&log);
    let root = d.root.canonicalize().unwrap();
    assert_eq!(
        lines,
        [format!(
            "open {t} by=wang grade=III priority=high dept=customer-service to= state=assigned hook=1 cwd={}",
            root.display()
        )],
        "once, with the event in the environment, run in the desk root"
    );
    let json =
        parse_json(&fs::read_to_string(d.tmp.path().join(format!("{t}-open.json"))).unwrap());
    assert_eq!(json["id"], t.as_str());
    assert_eq!(json["grade"], "III");
    assert_eq!(json["event"][0]["action"], "open");
    assert_eq!(json["description"], "engineer left early");
    // Steps fire too; the quiet ticket stays quiet.
    d.ok(&["ticket", "note", &quiet, "-m", "called back"]);
    assert_eq!(log_lines(&log).len(), 1);
}

#[test]
fn conditions_and_actions_select_rules_and_steps_fire_theirs() {
    let (d, log) = desk_with(
        "[[hooks.rule]]\non = [\"assign\", \"accept\"]\ndepartment = \"service\"\ncommand = \"RECORD\"\n",
    );
    let t = open(&d, &[]);
    assert!(
        log_lines(&log).is_empty(),
        "routed to customer-service, not service"
    );
    d.ok(&[
        "ticket",
        "assign",
        &t,
        "--department",
        "service",
        "--to",
        "li",
    ]);
    d.ok(&["--as", "li", "ticket", "accept", &t]);
    let lines = log_lines(&log);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with(&format!("assign {t} by=wang")),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].contains("dept=service to=li state=assigned"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with(&format!("accept {t} by=li")),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains("state=accepted"), "{}", lines[1]);
}

#[test]
fn a_failing_hook_leaves_the_ticket_written_and_exit_zero() {
    let (d, _) =
        desk_with("[[hooks.rule]]\non = \"open\"\ncommand = \"echo hook-says-hi; exit 3\"\n");
    let c = d.add(&["--name", "客户"]);
    let o = d.run(&[
        "ticket",
        "open",
        "--customer",
        &c,
        "--category",
        "other",
        "-m",
        "x",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = stdout(&o).trim().to_string();
    assert!(
        t.starts_with('T'),
        "stdout is only the ID, the hook's output went to stderr: {t:?}"
    );
    let err = stderr(&o);
    assert!(err.contains("hook-says-hi"), "{err}");
    assert!(
        err.contains(&format!("warning: {t} open: hook `echo hook-says-hi; exit 3` failed with exit code 3; the change is saved")),
        "{err}"
    );
    d.ok(&["ticket", "show", &t]);
    d.ok(&["check"]);
}

#[test]
fn a_hanging_hook_is_killed_after_its_timeout() {
    let (d, log) = desk_with(
        "[[hooks.rule]]\non = \"open\"\ntimeout = \"1s\"\ncommand = \"sleep 60; echo late >> hooks.late\"\n\
         [[hooks.rule]]\non = \"open\"\ncommand = \"RECORD\"\n",
    );
    let c = d.add(&["--name", "客户"]);
    let o = d.run(&[
        "ticket",
        "open",
        "--customer",
        &c,
        "--category",
        "other",
        "-m",
        "x",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let t = stdout(&o).trim().to_string();
    let err = stderr(&o);
    assert!(
        err.contains("still ran after 1s and was killed; the change is saved"),
        "{err}"
    );
    assert_eq!(log_lines(&log).len(), 1, "the next hook still ran");
    assert!(d.path(&format!("tickets/2026/11/{t}.toml")).is_file());
    // The whole group was killed: the shell's `sleep` did not live on to write.
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!d.path("hooks.late").exists());
}

#[test]
fn no_hooks_and_hooks_inside_hooks_do_not_fire() {
    let bin = assert_cmd::cargo::cargo_bin("svcdesk");
    let (d, log) = desk_with(&format!(
        "[[hooks.rule]]\non = \"*\"\ncommand = \"RECORD\"\n\
         [[hooks.rule]]\non = \"open\"\ncommand = \"'{}' ticket note $SVCDESK_ID -m 'auto ack'\"\n",
        bin.display()
    ));
    let c = d.add(&["--name", "客户"]);
    let t = d
        .ok(&[
            "--no-hooks",
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "other",
            "-m",
            "x",
        ])
        .trim()
        .to_string();
    assert!(log_lines(&log).is_empty());
    assert!(
        !d.read(&format!("tickets/2026/11/{t}.toml"))
            .contains("auto ack")
    );

    let t = open(&d, &[]);
    let lines = log_lines(&log);
    // open and the routing assign; the note written by the second hook fires nothing.
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("open ") && lines[1].starts_with("assign "));
    let text = d.read(&format!("tickets/2026/11/{t}.toml"));
    assert_eq!(text.matches("auto ack").count(), 1, "{text}");
}

#[test]
fn a_hook_that_ignores_a_large_record_on_stdin_is_fine() {
    let (d, _) = desk_with("[[hooks.rule]]\non = \"open\"\ncommand = \"true\"\n");
    let c = d.add(&["--name", "客户"]);
    let big = d.tmp.path().join("big.txt");
    fs::write(&big, "故障描述".repeat(100_000)).unwrap();
    let o = d.run(&[
        "ticket",
        "open",
        "--customer",
        &c,
        "--category",
        "other",
        "-F",
        big.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}

#[test]
fn sla_notify_runs_the_breach_hooks_once() {
    let (d, log) = desk_with(
        "[[hooks.rule]]\non = \"sla-breach\"\ngrade = \"III\"\ncommand = \"RECORD; echo $SVCDESK_TIMER $SVCDESK_OVERDUE_MINUTES >> timers.log\"\n",
    );
    let t = open(&d, &["--grade", "III"]);
    let later = |args: &[&str]| {
        d.cmd()
            .env("SVCDESK_NOW", "2026-11-24T10:00:00+08:00")
            .args(args)
            .output()
            .unwrap()
    };
    let o = later(&["sla", "check", "--notify"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let lines = log_lines(&log);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with(&format!("sla-breach {t} by=svcdesk grade=III")),
        "{lines:?}"
    );
    assert_eq!(
        fs::read_to_string(d.path("timers.log")).unwrap(),
        "respond 15\n"
    );
    let o = later(&["sla", "check", "--notify"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(log_lines(&log).len(), 1, "notified once");
    let text = d.read(&format!("tickets/2026/11/{t}.toml"));
    assert_eq!(text.matches("action = \"sla-notified\"").count(), 1);
}

#[test]
fn sla_notify_without_a_command_or_a_breach_hook_is_an_error() {
    let d = TestDesk::new();
    open(&d, &["--grade", "III"]);
    let o = d
        .cmd()
        .env("SVCDESK_NOW", "2026-11-24T10:00:00+08:00")
        .args(["sla", "check", "--notify"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(stdout(&o), "", "refused before the breach is printed");
    let err = stderr(&o);
    assert!(
        err.contains("there are none") && err.contains("on = [\"sla-breach\", \"measure-due\"]"),
        "{err}"
    );
}

#[test]
fn a_misspelt_action_fails_every_command_at_its_line() {
    let (d, _) =
        untrusted_desk_with("[[hooks.rule]]\non = [\"open\", \"opened\"]\ncommand = \"RECORD\"\n");
    let text = d.read("svcdesk.toml");
    let line = text.lines().position(|l| l.contains("\"opened\"")).unwrap() + 1;
    let err = d.fails(1, &["ticket", "list"]);
    assert!(
        err.contains(&format!("svcdesk.toml:{line}:")) && err.contains("unknown action \"opened\""),
        "{err}"
    );
}

#[test]
fn check_reports_a_hook_whose_program_is_missing() {
    let (d, _) =
        desk_with("[[hooks.rule]]\non = \"open\"\ncommand = \"hooks/mail.sh boss@example.com\"\n");
    let text = d.read("svcdesk.toml");
    let line = text
        .lines()
        .position(|l| l.starts_with("command = \"hooks/mail.sh"))
        .unwrap()
        + 1;
    let o = d.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains(&format!(
            "svcdesk.toml:{line}:11: hooks.rule[0]: `hooks/mail.sh` is not an executable program"
        )),
        "{out}"
    );
    fs::create_dir(d.path("hooks")).unwrap();
    fs::write(d.path("hooks/mail.sh"), "#!/bin/sh\n").unwrap();
    make_executable(&d.path("hooks/mail.sh"));
    d.ok(&["check"]);
}

#[test]
fn the_example_webhook_posts_chat_json() {
    let example =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/hooks/webhook.sh");
    let (d, _) = desk_with(&format!(
        "[[hooks.rule]]\non = \"open\"\npriority = \"high\"\ncommand = \"{}\"\n",
        example.display()
    ));
    // A fake curl that keeps its arguments and the body it was given.
    let curl = d.tmp.path().join("curl");
    fs::write(
        &curl,
        format!(
            "#!/bin/sh\necho \"$@\" > '{0}/curl.args'\ncat > '{0}/curl.body'\n",
            d.tmp.path().display()
        ),
    )
    .unwrap();
    make_executable(&curl);
    for style in ["wecom", "dingtalk"] {
        let c = d.add(&["--name", "客户", "--force"]);
        let o = d
            .cmd()
            .env("CURL", &curl)
            .env("WEBHOOK_URL", "https://robot.example.com/send?key=k")
            .env("WEBHOOK_STYLE", style)
            .args([
                "ticket",
                "open",
                "--customer",
                &c,
                "--category",
                "quality",
                "--priority",
                "high",
            ])
            .args(["--title", "X300 \"漏油\"\tback\\slash", "-m", "oil"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
        let t = stdout(&o).trim().to_string();
        let args = fs::read_to_string(d.tmp.path().join("curl.args")).unwrap();
        assert!(
            args.ends_with("https://robot.example.com/send?key=k\n"),
            "{args}"
        );
        let body = parse_json(&fs::read_to_string(d.tmp.path().join("curl.body")).unwrap());
        assert_eq!(body["msgtype"], "markdown");
        let text = match style {
            "wecom" => body["markdown"]["content"].as_str().unwrap().to_string(),
            _ => {
                assert_eq!(body["markdown"]["title"], format!("{t} open"));
                body["markdown"]["text"].as_str().unwrap().to_string()
            }
        };
        assert!(
            text.starts_with(&format!("### {t} open\n**X300 \"漏油\"\tback\\slash**\n")),
            "{text}"
        );
        assert!(text.contains("priority high, quality / -"), "{text}");
    }
}

#[test]
fn the_example_mail_hook_mails_a_new_ticket() {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/hooks/mail.sh");
    let (d, _) = desk_with(&format!(
        "[[hooks.rule]]\non = \"open\"\ncommand = \"{} lead@example.com\"\n",
        example.display()
    ));
    let mailbox = d.tmp.path().join("mailbox");
    let c = d.add(&["--name", "客户"]);
    let o = d
        .cmd()
        .env("SENDMAIL", format!("cat > '{}'", mailbox.display()))
        .args([
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "complaint",
            "--grade",
            "II",
        ])
        .args(["--title", "服务态度差", "-m", "x"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = stdout(&o).trim().to_string();
    let mail = fs::read_to_string(&mailbox).unwrap();
    assert!(
        mail.starts_with("To: lead@example.com\nSubject: "),
        "{mail}"
    );
    assert!(
        mail.contains(&format!(
            "Subject: [svcdesk] {t} open (grade II): 服务态度差"
        )),
        "{mail}"
    );
    assert!(mail.contains("Department: customer-service"), "{mail}");
}

#[test]
fn an_overdue_measure_is_told_once_per_opening_through_its_hook() {
    let (d, log) = desk_with("[[hooks.rule]]\non = \"measure-due\"\ncommand = \"RECORD\"\n");
    let m = d
        .ok(&[
            "measure",
            "add",
            "--period",
            "2026-11",
            "--problem",
            "engineers leave early",
            "--measure",
            "sign-off before leaving",
            "--kind",
            "process",
            "--owner",
            "li",
            "--due",
            "2026-11-25",
        ])
        .trim()
        .to_string();
    let at =
        |now: &str, args: &[&str]| d.cmd().env("SVCDESK_NOW", now).args(args).output().unwrap();
    let o = at("2026-11-25T18:00:00+08:00", &["sla", "check", "--notify"]);
    assert_eq!(o.status.code(), Some(0), "not yet due: {}", stderr(&o));
    assert!(log_lines(&log).is_empty());

    for _ in 0..2 {
        let o = at("2026-11-26T09:00:00+08:00", &["sla", "check", "--notify"]);
        assert_eq!(o.status.code(), Some(1), "a warning: {}", stderr(&o));
    }
    let lines = log_lines(&log);
    assert_eq!(lines.len(), 1, "told once: {lines:?}");
    assert!(
        lines[0].starts_with(&format!(
            "measure-due {m} by=svcdesk grade= priority= dept= to=li state=open"
        )),
        "{}",
        lines[0]
    );
    let json = parse_json(
        &fs::read_to_string(d.tmp.path().join(format!("{m}-measure-due.json"))).unwrap(),
    );
    assert_eq!(json["measure"], "sign-off before leaving");
    let rel = format!("measures/2026/11/{m}.toml");
    assert_eq!(d.read(&rel).matches("action = \"notified\"").count(), 1);

    // Done clears it; reopened while still past its date, it is news again.
    at(
        "2026-11-26T10:00:00+08:00",
        &["measure", "done", &m, "--result", "form in use"],
    );
    at(
        "2026-11-27T10:00:00+08:00",
        &["measure", "reopen", &m, "-m", "the effect check failed"],
    );
    let o = at("2026-11-27T11:00:00+08:00", &["sla", "check", "--notify"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(log_lines(&log).len(), 2);
    d.ok(&["check"]);
}
