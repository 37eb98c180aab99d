//! Reminders reach the responsible person: hooks get the contact fields of the assignee,
//! the department head and the opener from `[[staff]]`, and `sla check --notify` tells
//! of each timer run once at risk and once breached.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::local_at as at;
use crate::common::*;

/// People with contact fields. `wang` opens the tickets (the tests' user), `li` is
/// assigned them, `sun` heads customer service, where complaints are routed.
const PEOPLE: &str = r#"
[[staff]]
id = "wang"
name = "王工"
department = "service"
roles = ["engineer", "agent"]
email = "wang@example.com"
phone = "138-0000-0001"

[[staff]]
id = "li"
name = "李丽"
department = "customer-service"
roles = ["agent", "engineer"]
email = ["li@example.com", "li.home@example.com"]
phone = "138-0000-0002"

[[staff]]
id = "sun"
name = "孙主管"
department = "customer-service"
roles = ["supervisor"]
email = "sun@example.com"
"#;

/// A desk with `PEOPLE`, `sun` heading customer service, the hook `rules` (RECORD is a
/// script logging one line per run to the returned file), trusted as a user would.
fn desk(rules: &str) -> (TestDesk, PathBuf) {
    let d = TestDesk::new();
    let script = d.tmp.path().join("record.sh");
    fs::write(
        &script,
        r#"#!/bin/sh
echo "$SVCDESK_ACTION $SVCDESK_ID level=$SVCDESK_LEVEL timer=$SVCDESK_TIMER to=$SVCDESK_ASSIGNEE <$SVCDESK_ASSIGNEE_EMAIL> $SVCDESK_ASSIGNEE_NAME $SVCDESK_ASSIGNEE_PHONE head=$SVCDESK_HEAD <$SVCDESK_HEAD_EMAIL> $SVCDESK_HEAD_NAME opener=$SVCDESK_OPENER <$SVCDESK_OPENER_EMAIL> $SVCDESK_OPENER_PHONE" >> "$(dirname "$0")/hooks.log"
cat > /dev/null
"#,
    )
    .unwrap();
    make_executable(&script);
    let text = d.read("svcdesk.toml").replacen(
        "[departments.customer-service]\n",
        "[departments.customer-service]\nhead = \"sun\"\n",
        1,
    );
    d.write(
        "svcdesk.toml",
        text + PEOPLE + "\n" + &rules.replace("RECORD", &script.display().to_string()),
    );
    d.ok(&["hooks", "trust"]);
    (d, d_log(&script))
}

fn d_log(script: &Path) -> PathBuf {
    script.with_file_name("hooks.log")
}

fn make_executable(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(p, fs::Permissions::from_mode(0o755)).unwrap();
}

fn log(path: &Path) -> Vec<String> {
    fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect()
}

/// A grade III complaint opened by wang at 10:00 and assigned to li at 10:01.
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
        "III",
        "-m",
        "机器过热",
    ];
    let t = ok_at(d, "2026-11-24T10:00:00+08:00", &open)
        .trim()
        .to_string();
    ok_at(
        d,
        "2026-11-24T10:01:00+08:00",
        &["ticket", "assign", &t, "--to", "li"],
    );
    t
}

#[test]
fn a_hook_hears_how_to_reach_the_assignee_the_head_and_the_opener() {
    let (d, log_file) = desk("[[hooks.rule]]\non = [\"open\", \"assign\"]\ncommand = \"RECORD\"\n");
    let t = complaint(&d);
    assert_eq!(
        log(&log_file),
        [
            // Not assigned yet: the assignee's fields are empty, not missing.
            format!(
                "open {t} level= timer= to= <>   head=sun <sun@example.com> 孙主管 \
                 opener=wang <wang@example.com> 138-0000-0001"
            ),
            // Routed to customer service when opened: still no assignee.
            format!(
                "assign {t} level= timer= to= <>   head=sun <sun@example.com> 孙主管 \
                 opener=wang <wang@example.com> 138-0000-0001"
            ),
            // The first of li's two emails.
            format!(
                "assign {t} level= timer= to=li <li@example.com> 李丽 138-0000-0002 \
                 head=sun <sun@example.com> 孙主管 opener=wang <wang@example.com> 138-0000-0001"
            ),
        ]
    );
}

#[test]
fn notify_tells_of_a_run_once_at_risk_and_once_breached() {
    let (d, log_file) =
        desk("[[hooks.rule]]\non = [\"sla-at-risk\", \"sla-breach\"]\ncommand = \"RECORD\"\n");
    let t = complaint(&d);
    let file = find_ticket(&d.root, &t);
    let notified = || {
        fs::read_to_string(&file)
            .unwrap()
            .matches("action = \"sla-notified\"")
            .count()
    };

    // 10:12: respond (15m, warn 5m) has 3 minutes left; nothing else is at risk.
    let (code, _, err) = at(&d, "2026-11-24T10:12", &["sla", "check", "--notify"]);
    assert_eq!(code, 1, "at risk is a warning\n{err}");
    let who = "to=li <li@example.com> 李丽 138-0000-0002 head=sun <sun@example.com> 孙主管 \
               opener=wang <wang@example.com> 138-0000-0001";
    assert_eq!(
        log(&log_file),
        [format!("sla-at-risk {t} level=at-risk timer=respond {who}")]
    );
    let text = fs::read_to_string(&file).unwrap();
    assert!(
        text.ends_with(
            "action = \"sla-notified\"\ntext = \"due 2026-11-24 10:15\"\ntimer = \"respond\"\nlevel = \"at-risk\"\n"
        ),
        "{text}"
    );

    // Still at risk a minute later: told already.
    let (code, _, _) = at(&d, "2026-11-24T10:13", &["sla", "check", "--notify"]);
    assert_eq!(code, 1);
    assert_eq!(log(&log_file).len(), 1, "{:?}", log(&log_file));
    assert_eq!(notified(), 1);

    // 10:20: the same run breached: told once more, as a breach.
    let (code, _, err) = at(&d, "2026-11-24T10:20", &["sla", "check", "--notify"]);
    assert_eq!(code, 2, "{err}");
    let lines = log(&log_file);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(
        lines[1],
        format!("sla-breach {t} level=breach timer=respond {who}")
    );
    assert!(
        fs::read_to_string(&file).unwrap().ends_with(
            "text = \"due 2026-11-24 10:15\"\ntimer = \"respond\"\nlevel = \"breach\"\n"
        )
    );

    // A second run tells nothing new and writes nothing.
    let before = fs::read_to_string(&file).unwrap();
    let (code, _, _) = at(&d, "2026-11-24T10:21", &["sla", "check", "--notify"]);
    assert_eq!(code, 2);
    assert_eq!(log(&log_file).len(), 2);
    assert_eq!(fs::read_to_string(&file).unwrap(), before);
    assert_eq!(notified(), 2);
}

#[test]
fn an_old_notification_without_a_level_still_means_breach() {
    let (d, log_file) =
        desk("[[hooks.rule]]\non = [\"sla-breach\", \"sla-at-risk\"]\ncommand = \"RECORD\"\n");
    let t = complaint(&d);
    let file = find_ticket(&d.root, &t);
    // As svcdesk wrote it before levels: told of the breach.
    let mut text = fs::read_to_string(&file).unwrap();
    text.push_str("\n[[event]]\nat = 2026-11-24T10:16:00+08:00\nby = \"svcdesk\"\naction = \"sla-notified\"\ntimer = \"respond\"\n");
    fs::write(&file, text).unwrap();
    let (code, _, err) = at(&d, "2026-11-24T10:20", &["sla", "check", "--notify"]);
    assert_eq!(code, 2, "{err}");
    assert!(log(&log_file).is_empty(), "{:?}", log(&log_file));
}

#[test]
fn the_example_mail_hook_mails_the_assignee_else_the_head() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/hooks/mail.sh");
    let (d, _) = desk(&format!(
        "[[hooks.rule]]\non = [\"open\", \"sla-at-risk\"]\ncommand = \"{}\"\n",
        script.display()
    ));
    let mailbox = d.tmp.path().join("mailbox");
    let c = d.add(&["--name", "华东机械", "--phone", "021-5555-0101"]);
    // Not assigned yet: the head of customer service hears of the new complaint.
    let o = d
        .cmd()
        .env("SVCDESK_NOW", "2026-11-24T10:00:00+08:00")
        .env("SENDMAIL", format!("cat > '{}'", mailbox.display()))
        .args([
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "complaint",
        ])
        .args(["--grade", "III", "-m", "机器过热"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o).trim().to_string();
    let mail = fs::read_to_string(&mailbox).unwrap();
    assert!(mail.starts_with("To: sun@example.com\n"), "{mail}");

    ok_at(
        &d,
        "2026-11-24T10:01:00+08:00",
        &["ticket", "assign", &t, "--to", "li", "--no-hooks"],
    );
    let o = d
        .cmd()
        .env("SVCDESK_NOW", "2026-11-24T10:12:00+08:00")
        .env("SENDMAIL", format!("cat > '{}'", mailbox.display()))
        .args(["sla", "check", "--notify"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let mail = fs::read_to_string(&mailbox).unwrap();
    assert!(mail.starts_with("To: li@example.com\n"), "{mail}");
    assert!(
        mail.contains(&format!(
            "Subject: [svcdesk] {t} SLA at risk: respond 3 min left"
        )),
        "{mail}"
    );
}

fn find_ticket(root: &Path, id: &str) -> PathBuf {
    let name = format!("{id}.toml");
    let mut stack = vec![root.join("tickets")];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n == name.as_str()) {
                return p;
            }
        }
    }
    panic!("no file for {id} under {}", root.display());
}
