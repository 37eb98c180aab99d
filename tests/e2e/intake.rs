//! `svcdesk intake mail|json` end to end, with real message files (fixtures/mail/): a
//! multipart GBK complaint with a photo opens a ticket on the customer with that address,
//! with its Chinese title and text and the photo in the attachment store; a
//! quoted-printable UTF-8 reply with the ticket's ID in the subject lands on it and
//! resumes it; the same message twice is one ticket; an HTML-only mail from a stranger
//! registers them; a malformed message exits 65 and a held lock 75, writing nothing; a
//! web form's JSON opens a ticket once per external_id; hooks hear every event.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::*;

const NOW: &str = "2026-12-02T09:30:00+08:00";

fn fixture(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/e2e/fixtures/mail")
        .join(name);
    fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// `svcdesk intake KIND` with `input` on stdin, at `now`.
fn intake(d: &TestDesk, kind: &str, input: &[u8], now: &str) -> Output {
    d.cmd()
        .env("SVCDESK_NOW", now)
        .args(["intake", kind])
        .write_stdin(input)
        .output()
        .expect("svcdesk runs")
}

/// `intake`, asserting exit `code`; returns (stdout, stderr).
fn intake_code(d: &TestDesk, kind: &str, input: &[u8], code: i32) -> (String, String) {
    let o = intake(d, kind, input, NOW);
    assert_eq!(
        o.status.code(),
        Some(code),
        "intake {kind}: stdout:\n{}\nstderr:\n{}",
        stdout(&o),
        stderr(&o)
    );
    (stdout(&o), stderr(&o))
}

/// Every file of the desk but `.svcdesk/` (lock, caches), with its bytes.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walk(root, root)
}

fn walk(root: &Path, dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut all = BTreeMap::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().is_some_and(|n| n == ".svcdesk") {
            continue;
        }
        if p.is_dir() {
            all.extend(walk(root, &p));
        } else {
            all.insert(
                p.strip_prefix(root).unwrap().to_path_buf(),
                fs::read(&p).unwrap(),
            );
        }
    }
    all
}

fn ticket_toml(d: &TestDesk, id: &str) -> toml::Table {
    let rel = format!("tickets/{}/{}/{id}.toml", &id[1..5], &id[5..7]);
    d.read(&rel).parse().expect("a ticket is TOML")
}

fn events(t: &toml::Table) -> Vec<toml::Table> {
    t["event"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_table().unwrap().clone())
        .collect()
}

fn s<'a>(t: &'a toml::Table, key: &str) -> &'a str {
    t.get(key)
        .and_then(|v| v.as_str())
        .unwrap_or_else(|| panic!("no {key} in {t:#?}"))
}

/// A desk with 华东机械 (address in another case than the mail's) and keyword rules.
fn desk() -> (TestDesk, String) {
    let d = TestDesk::new();
    let c = d.add(&[
        "--name",
        "华东机械有限公司",
        "--phone",
        "021-5555-0101",
        "--email",
        "zhang.wei@huadong.EXAMPLE",
    ]);
    d.append_config(
        "\n[intake]\ncategory = \"consult\"\nrules = [{ match = \"漏水\", category = \"quality\" }, { match = \"warranty\", category = \"suggestion\" }]\n",
    );
    (d, c)
}

#[test]
fn a_gbk_complaint_with_a_photo_opens_a_ticket_on_the_sender() {
    let (d, customer) = desk();
    let (out, err) = intake_code(&d, "mail", &fixture("gbk-complaint.eml"), 0);
    let id = out.trim();
    assert!(id.starts_with("T20261202-"), "{out}");
    assert!(err.contains("opened"), "{err}");
    let t = ticket_toml(&d, id);
    assert_eq!(s(&t, "title"), "空调漏水，请尽快处理");
    assert_eq!(s(&t, "customer"), customer);
    assert_eq!(s(&t, "channel"), "email");
    assert_eq!(s(&t, "category"), "quality", "the 漏水 rule");
    assert_eq!(s(&t, "department"), "quality");
    assert!(s(&t, "description").contains("我家的空调室内机漏水，已经三天了"));
    assert!(!s(&t, "description").contains('\r'));
    let open = &events(&t)[0];
    assert_eq!(s(open, "by"), "svcdesk");
    assert_eq!(s(open, "message_id"), "20261201091500.4711@huadong.example");
    let file = open["files"].as_array().unwrap()[0].as_table().unwrap();
    assert_eq!(s(file, "name"), "漏水照片.jpg");
    assert_eq!(s(file, "type"), "image/jpeg");
    let stored = d.path(&format!(
        "attachments/{}/{}.jpg",
        &s(file, "sha256")[..2],
        &s(file, "sha256")[2..]
    ));
    assert_eq!(fs::read(stored).unwrap(), fixture("photo.jpg"));
    // No customer was registered on the way, and the desk checks clean.
    assert_eq!(d.customer_files().len(), 1);
    d.ok(&["check"]);
}

#[test]
fn the_same_message_twice_is_one_ticket() {
    let (d, _) = desk();
    let (first, _) = intake_code(&d, "mail", &fixture("gbk-complaint.eml"), 0);
    let before = snapshot(&d.root);
    let (again, err) = intake_code(&d, "mail", &fixture("gbk-complaint.eml"), 0);
    assert_eq!(again, first, "the ticket that has it");
    assert!(err.contains("taken before; nothing changed"), "{err}");
    assert_eq!(snapshot(&d.root), before);
    let list = d.ok(&["ticket", "list", "--format", "csv"]);
    assert_eq!(list.lines().count(), 2, "{list}");
}

/// The ticket a message opens is named by the message's ID: delivered again weeks later
/// it is still found, by a look at a few files rather than a read of the desk; another
/// desk (a clone) taking the same message names it alike; and a ticket that already
/// holds that name makes the message take the next one, also found again.
#[test]
fn a_message_names_its_ticket_so_a_late_second_delivery_finds_it() {
    let mail = fixture("gbk-complaint.eml");
    let (d, _) = desk();
    let (first, _) = intake_code(&d, "mail", &mail, 0);
    let before = snapshot(&d.root);
    let late = intake(&d, "mail", &mail, "2027-01-11T09:30:00+08:00");
    assert_eq!(late.status.code(), Some(0), "{}", stderr(&late));
    assert_eq!(stdout(&late), first);
    assert_eq!(snapshot(&d.root), before);

    let (other, _) = desk();
    let (same, _) = intake_code(&other, "mail", &mail, 0);
    assert_eq!(same, first, "clones name it alike");

    // A third desk where a ticket of the phone already holds that ID.
    let (third, customer) = desk();
    let id = first.trim();
    let phoned = ok_at(
        &third,
        NOW,
        &[
            "ticket",
            "open",
            "--customer",
            &customer,
            "--category",
            "quality",
            "--channel",
            "phone",
            "--force",
            "-m",
            "电话报修",
        ],
    );
    let phoned = phoned.trim();
    let rel = |id: &str| format!("tickets/{}/{}/{id}.toml", &id[1..5], &id[5..7]);
    let text = third.read(&rel(phoned)).replace(phoned, id);
    fs::remove_file(third.path(&rel(phoned))).unwrap();
    fs::write(third.path(&rel(id)), text).unwrap();
    let (next, _) = intake_code(&third, "mail", &mail, 0);
    assert_ne!(next.trim(), id);
    assert_eq!(&next[..10], &id[..10], "opened the same day: {next}");
    let (again, err) = intake_code(&third, "mail", &mail, 0);
    assert_eq!(again, next, "{err}");
    third.ok(&["check"]);
}

#[test]
fn a_reply_with_the_id_in_the_subject_lands_on_the_ticket_and_resumes_it() {
    let (d, _) = desk();
    let (out, _) = intake_code(&d, "mail", &fixture("gbk-complaint.eml"), 0);
    let id = out.trim().to_string();
    let staff = |args: &[&str]| {
        let mut all = vec!["--as", "wang"];
        all.extend_from_slice(args);
        ok_at(&d, "2026-12-02T10:00:00+08:00", &all)
    };
    staff(&["ticket", "accept", &id]);
    staff(&[
        "ticket",
        "wait",
        &id,
        "--for",
        "customer: cleaning the drain",
    ]);
    // Any unique prefix of the ID will do: the subject carries 12 characters of it.
    let reply = String::from_utf8(fixture("reply-qp.eml"))
        .unwrap()
        .replace("{TICKET}", &id[..12]);
    let o = intake(&d, "mail", reply.as_bytes(), "2026-12-02T11:00:00+08:00");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), id);
    assert!(
        stderr(&o).contains("customer reply recorded; resumed"),
        "{}",
        stderr(&o)
    );
    let t = ticket_toml(&d, &id);
    assert_eq!(s(&t, "state"), "in-progress");
    let ev = events(&t);
    let reply = &ev[ev.len() - 2];
    assert_eq!(s(reply, "action"), "customer-reply");
    assert_eq!(s(reply, "channel"), "email");
    assert_eq!(s(reply, "message_id"), "reply-1@huadong.example");
    assert!(s(reply, "text").starts_with("已经按照你们说的清理了排水管，现在不漏水了。\n谢谢！"));
    let resume = ev.last().unwrap();
    assert_eq!(
        (s(resume, "action"), s(resume, "by")),
        ("resume", "svcdesk")
    );
    // One ticket still, and the reply is not taken twice.
    let before = snapshot(&d.root);
    let o = intake(
        &d,
        "mail",
        reply_bytes(&id).as_slice(),
        "2026-12-02T11:05:00+08:00",
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(snapshot(&d.root), before);
    d.ok(&["check"]);
}

fn reply_bytes(id: &str) -> Vec<u8> {
    String::from_utf8(fixture("reply-qp.eml"))
        .unwrap()
        .replace("{TICKET}", &id[..12])
        .into_bytes()
}

#[test]
fn a_reply_to_a_ticket_waiting_on_parts_is_recorded_but_does_not_resume_it() {
    let (d, _) = desk();
    let (out, _) = intake_code(&d, "mail", &fixture("gbk-complaint.eml"), 0);
    let id = out.trim().to_string();
    for args in [
        vec!["--as", "wang", "ticket", "accept", &id],
        vec!["--as", "wang", "ticket", "wait", &id, "--for", "parts"],
    ] {
        ok_at(&d, "2026-12-02T10:00:00+08:00", &args);
    }
    let o = intake(&d, "mail", &reply_bytes(&id), "2026-12-02T11:00:00+08:00");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = ticket_toml(&d, &id);
    assert_eq!(s(&t, "state"), "waiting");
    assert_eq!(s(events(&t).last().unwrap(), "action"), "customer-reply");
}

#[test]
fn an_html_only_mail_from_a_stranger_registers_them() {
    let (d, _) = desk();
    let (out, _) = intake_code(&d, "mail", &fixture("html-only.eml"), 0);
    let t = ticket_toml(&d, out.trim());
    assert_eq!(s(&t, "title"), "Question about the X300 warranty");
    assert_eq!(s(&t, "category"), "suggestion", "the warranty rule");
    let text = s(&t, "description");
    assert!(text.contains("How long is the X300 warranty?"), "{text}");
    assert!(!text.contains('<') && !text.contains("color"), "{text}");
    let c = d.customer_toml(s(&t, "customer"));
    assert_eq!(c["name"].as_str(), Some("李娜"));
    assert_eq!(c["email"].as_str(), Some("li.na@example.org"));
    assert_eq!(c["created_by"].as_str(), Some("svcdesk"));
}

#[test]
fn a_malformed_message_or_a_refused_sender_exits_65_and_writes_nothing() {
    let (d, _) = desk();
    let before = snapshot(&d.root);
    let (_, err) = intake_code(&d, "mail", &fixture("malformed.eml"), 65);
    assert!(err.contains("malformed message"), "{err}");
    assert_eq!(snapshot(&d.root), before);

    d.append_config("unknown = \"refuse\"\n");
    let before = snapshot(&d.root);
    let (_, err) = intake_code(&d, "mail", &fixture("html-only.eml"), 65);
    assert!(
        err.contains("li.na@example.org is not a customer of this desk"),
        "{err}"
    );
    assert_eq!(snapshot(&d.root), before);
}

#[test]
fn an_attachment_over_the_limit_exits_65_and_writes_nothing() {
    let (d, _) = desk();
    let cfg = d
        .read("svcdesk.toml")
        .replace("max_size = \"20MB\"", "max_size = \"100\"");
    d.write("svcdesk.toml", cfg);
    let before = snapshot(&d.root);
    let (_, err) = intake_code(&d, "mail", &fixture("gbk-complaint.eml"), 65);
    assert!(err.contains("漏水照片.jpg is 296 bytes"), "{err}");
    assert_eq!(snapshot(&d.root), before);
}

#[test]
fn a_held_lock_exits_75_after_the_configured_wait() {
    let (d, _) = desk();
    d.append_config("lock_wait = \"1s\"\n");
    // Another writer holds the desk lock, as a running svcdesk would.
    fs::create_dir_all(d.path(".svcdesk")).unwrap();
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(d.path(".svcdesk/lock"))
        .unwrap();
    lock.lock().unwrap();
    let before = snapshot(&d.root);
    let (_, err) = intake_code(&d, "mail", &fixture("gbk-complaint.eml"), 75);
    assert!(
        err.contains("the desk is locked by another writer"),
        "{err}"
    );
    assert_eq!(snapshot(&d.root), before);
    lock.unlock().unwrap();
    intake_code(&d, "mail", &fixture("gbk-complaint.eml"), 0);
}

#[test]
fn a_web_form_opens_a_ticket_once_per_external_id() {
    let (d, customer) = desk();
    let form = r#"{"customer": "华东机械", "phone": "021 5555 0101", "channel": "web-message",
        "title": "门把手松了", "description": "X300 的门把手松了，\n请派人来修。",
        "product": "X300", "serial": "SN-4711", "external_id": "form-17"}"#;
    let (out, _) = intake_code(&d, "json", form.as_bytes(), 0);
    let t = ticket_toml(&d, out.trim());
    assert_eq!(s(&t, "customer"), customer, "found by phone");
    assert_eq!(s(&t, "channel"), "web-message");
    assert_eq!(s(&t, "title"), "门把手松了");
    assert_eq!(s(&t, "product"), "X300");
    assert_eq!(s(&t, "serial"), "SN-4711");
    assert_eq!(s(&events(&t)[0], "message_id"), "json:form-17");
    let before = snapshot(&d.root);
    let (again, _) = intake_code(&d, "json", form.as_bytes(), 0);
    assert_eq!(again, out);
    assert_eq!(snapshot(&d.root), before);

    let (_, err) = intake_code(&d, "json", br#"{"description": "x", "colour": "red"}"#, 65);
    assert!(err.contains("unknown field `colour`"), "{err}");
    let (_, err) = intake_code(
        &d,
        "json",
        br#"{"customer": "A", "description": "x", "category": "nope"}"#,
        65,
    );
    assert!(err.contains("unknown category \"nope\""), "{err}");
    let (_, err) = intake_code(&d, "json", b"not json", 65);
    assert!(err.contains("malformed JSON"), "{err}");
    assert_eq!(snapshot(&d.root), before);
}

#[test]
fn hooks_hear_the_open_and_the_reply() {
    let (d, _) = desk();
    let log = d.tmp.path().join("hooks.log");
    d.append_config(&format!(
        "\n[[hooks.rule]]\non = [\"open\", \"customer-reply\", \"resume\"]\ncommand = \"echo $SVCDESK_ACTION $SVCDESK_ID $SVCDESK_BY >> '{}'\"\n",
        log.display()
    ));
    d.ok(&["hooks", "trust"]);
    let (out, _) = intake_code(&d, "mail", &fixture("gbk-complaint.eml"), 0);
    let id = out.trim().to_string();
    ok_at(
        &d,
        "2026-12-02T10:00:00+08:00",
        &["--as", "wang", "ticket", "accept", &id],
    );
    ok_at(
        &d,
        "2026-12-02T10:00:00+08:00",
        &["--as", "wang", "ticket", "wait", &id, "--for", "客户回复"],
    );
    let o = intake(&d, "mail", &reply_bytes(&id), "2026-12-02T11:00:00+08:00");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let heard = fs::read_to_string(&log).unwrap();
    assert_eq!(
        heard,
        format!("open {id} svcdesk\ncustomer-reply {id} svcdesk\nresume {id} svcdesk\n")
    );
}

/// `bash|sh examples/intake/NAME ARGS` with the built svcdesk on PATH, `env` set and
/// `input` on stdin.
fn example(shell: &str, name: &str, args: &[&Path], env: &[(&str, &str)], input: &[u8]) -> Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/intake")
        .join(name);
    let mut cmd = assert_cmd::Command::new(shell);
    cmd.arg(script)
        .args(args)
        .env("PATH", path_with_svcdesk())
        .env("SVCDESK_NOW", NOW)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("SVCDESK_DIR")
        .env_remove("SVCDESK_USER")
        .write_stdin(input);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn the_maildir_example_files_each_mail_by_its_exit_code() {
    let (d, _) = desk();
    let maildir = d.tmp.path().join("Maildir");
    fs::create_dir_all(maildir.join("new")).unwrap();
    for f in ["gbk-complaint.eml", "html-only.eml", "malformed.eml"] {
        fs::write(maildir.join("new").join(f), fixture(f)).unwrap();
    }
    let o = example("bash", "deliver-maildir.sh", &[&maildir, &d.root], &[], b"");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("taken 2, refused 1, left for later 0"),
        "{}",
        stderr(&o)
    );
    let names = |dir: &str| {
        let mut v: Vec<String> = fs::read_dir(maildir.join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert!(names("new").is_empty());
    assert_eq!(names("cur"), ["gbk-complaint.eml:2,S", "html-only.eml:2,S"]);
    assert_eq!(names(".refused"), ["malformed.eml", "malformed.eml.why"]);
    let why = fs::read_to_string(maildir.join(".refused/malformed.eml.why")).unwrap();
    assert!(why.contains("malformed message"), "{why}");
}

#[test]
fn the_web_form_cgi_answers_201_with_the_id_or_400_with_the_reason() {
    let (d, customer) = desk();
    let root = d.root.display().to_string();
    let post = |body: &str| {
        let len = body.len().to_string();
        let env = [
            ("REQUEST_METHOD", "POST"),
            ("CONTENT_LENGTH", len.as_str()),
            ("SVCDESK_DIR", root.as_str()),
        ];
        let o = example("sh", "web-form.cgi", &[], &env, body.as_bytes());
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let out = post(r#"{"email": "ZHANG.WEI@huadong.example", "description": "门把手松了"}"#);
    assert!(out.starts_with("Status: 201 Created\r\n"), "{out}");
    let id = out.lines().last().unwrap();
    assert_eq!(s(&ticket_toml(&d, id), "customer"), customer);
    let out = post(r#"{"description": "x", "colour": "red"}"#);
    assert!(out.starts_with("Status: 400 Bad Request\r\n"), "{out}");
    assert!(out.contains("unknown field `colour`"), "{out}");
}

#[test]
fn a_clerk_types_in_a_phoned_reply_and_the_waiting_ticket_resumes() {
    let (d, _) = desk();
    let (out, _) = intake_code(&d, "mail", &fixture("gbk-complaint.eml"), 0);
    let id = out.trim().to_string();
    let at = "2026-12-02T10:00:00+08:00";
    ok_at(&d, at, &["--as", "wang", "ticket", "accept", &id]);
    ok_at(
        &d,
        at,
        &["--as", "wang", "ticket", "wait", &id, "--for", "customer"],
    );
    let o = run_at(
        &d,
        "2026-12-02T11:00:00+08:00",
        &[
            "--as",
            "wang",
            "ticket",
            "customer-reply",
            &id[..12],
            "-m",
            "仍然漏水",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let t = ticket_toml(&d, &id);
    assert_eq!(s(&t, "state"), "in-progress");
    let ev = events(&t);
    let reply = &ev[ev.len() - 2];
    assert_eq!(
        (
            s(reply, "action"),
            s(reply, "by"),
            s(reply, "channel"),
            s(reply, "text")
        ),
        ("customer-reply", "wang", "phone", "仍然漏水")
    );
    assert_eq!(s(ev.last().unwrap(), "by"), "svcdesk");
    // An empty answer is refused; nothing is written.
    let before = snapshot(&d.root);
    let e = d.fails(
        1,
        &["--as", "wang", "ticket", "customer-reply", &id, "-m", " "],
    );
    assert!(e.contains("customer-reply needs text"), "{e}");
    assert_eq!(snapshot(&d.root), before);
}
