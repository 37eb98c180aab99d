//! Attachments kept in the desk: `--attach` copies the file into `attachments/`, named by
//! its SHA-256 (stored once however often it is attached), records its name, size and
//! type in the event, refuses a file over `[attachments] max_size` before anything is
//! written; `check` finds a deleted or altered one; a clone gets it with a pull.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{NOW, TestDesk, git, git_ok, parse_csv, stderr, stdout, svcdesk};

/// Every file under `attachments/`, relative to the desk, sorted.
fn stored(root: &Path) -> Vec<String> {
    let mut all: Vec<String> = walkdir::WalkDir::new(root.join("attachments"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    all.sort();
    all
}

/// Every file of the desk with its bytes, for "nothing was written".
fn snapshot(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut all: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(root)
        .into_iter()
        .flatten()
        .filter(|e| {
            e.file_type().is_file() && !e.path().components().any(|c| c.as_os_str() == ".svcdesk")
        })
        .map(|e| (e.path().to_path_buf(), fs::read(e.path()).unwrap()))
        .collect();
    all.sort();
    all
}

fn open_ticket(d: &TestDesk, customer: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "ticket",
        "open",
        "--customer",
        customer,
        "--category",
        "consult",
        "-m",
        "机器异响",
    ];
    args.extend_from_slice(extra);
    d.ok(&args).trim().to_string()
}

fn ticket_rel(id: &str) -> String {
    format!("tickets/2026/11/{id}.toml")
}

/// Bytes that text handling would damage: NUL, CR LF, invalid UTF-8.
const PHOTO: &[u8] = b"\xff\xd8\xff\xe0JFIF\0\r\nnot text\r\n\x80\x81";

#[test]
fn a_note_with_attach_shows_in_ticket_show_and_the_same_file_is_stored_once() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "甲", "--phone", "13800001111"]);
    // Relative paths are read from where the command runs (the temp dir, outside the desk).
    fs::write(d.tmp.path().join("photo.JPG"), PHOTO).unwrap();
    fs::write(d.tmp.path().join("same-bytes.JPG"), PHOTO).unwrap();
    fs::write(d.tmp.path().join("log.txt"), "E42 at boot\n").unwrap();
    let t = open_ticket(&d, &c, &["--attach", "photo.JPG"]);
    d.ok(&[
        "ticket",
        "note",
        &t,
        "-m",
        "日志和照片",
        "--attach",
        "log.txt",
        "--attach",
        "photo.JPG",
    ]);
    d.ok(&[
        "ticket",
        "respond",
        &t,
        "-m",
        "已收到",
        "--attach",
        "same-bytes.JPG",
    ]);

    // Stored once per content, named by the hash, the extension kept (lower case).
    let files = stored(&d.root);
    assert_eq!(files.len(), 2, "{files:?}");
    let photo = files.iter().find(|f| f.ends_with(".jpg")).unwrap().clone();
    let log = files.iter().find(|f| f.ends_with(".txt")).unwrap().clone();
    assert_eq!(fs::read(d.path(&photo)).unwrap(), PHOTO);
    assert_eq!(fs::read(d.path(&log)).unwrap(), b"E42 at boot\n");
    let name = Path::new(&photo);
    assert_eq!(name.parent().unwrap().file_name().unwrap().len(), 2);

    // The event records name, hash, size and type; the ticket lists every path.
    let text = d.read(&ticket_rel(&t));
    let f: toml::Table = text.parse().unwrap();
    let events = f["event"].as_array().unwrap();
    let note = events
        .iter()
        .find(|e| e["action"].as_str() == Some("note"))
        .unwrap();
    let attached = note["files"].as_array().unwrap();
    assert_eq!(attached.len(), 2);
    assert_eq!(attached[0]["name"].as_str(), Some("log.txt"));
    assert_eq!(attached[0]["size"].as_integer(), Some(12));
    assert_eq!(attached[0]["type"].as_str(), Some("text/plain"));
    assert_eq!(attached[1]["name"].as_str(), Some("photo.JPG"));
    assert_eq!(attached[1]["type"].as_str(), Some("image/jpeg"));
    let sha = attached[1]["sha256"].as_str().unwrap();
    assert_eq!(
        photo,
        format!("attachments/{}/{}.jpg", &sha[..2], &sha[2..])
    );
    let listed: Vec<&str> = f["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(listed, [photo.as_str(), log.as_str()]);
    // One line per attachment in the file: a compact inline table.
    assert!(text.contains("files = [{ name = \"log.txt\""), "{text}");

    // `ticket show`: name, size and path relative to the desk; the timeline says so.
    let show = d.ok(&["ticket", "show", &t]);
    assert!(show.contains("Attachments:"), "{show}");
    let line = show
        .lines()
        .find(|l| l.contains("log.txt") && l.contains(&log))
        .unwrap_or_else(|| panic!("{show}"));
    assert!(line.contains("12 B"), "{line}");
    assert!(
        show.contains(&format!("same-bytes.JPG  {} B  {photo}", PHOTO.len())),
        "{show}"
    );
    assert!(show.contains("attached: log.txt, photo.JPG"), "{show}");

    // Exports carry the paths.
    let (head, rows) = parse_csv(&d.ok(&["export", "events", "--format", "csv"]));
    let col = head.iter().position(|h| h == "attachments").unwrap();
    let action = head.iter().position(|h| h == "action").unwrap();
    let note_row = rows.iter().find(|r| r[action] == "note").unwrap();
    assert_eq!(note_row[col], format!("{log};{photo}"));
    let (head, rows) = parse_csv(&d.ok(&["export", "tickets", "--format", "csv"]));
    let col = head.iter().position(|h| h == "attachments").unwrap();
    assert_eq!(rows[0][col], format!("{photo};{log}"));

    // Resolve takes them too; and the desk is clean.
    d.ok(&["ticket", "accept", &t]);
    d.ok(&[
        "ticket",
        "resolve",
        &t,
        "-m",
        "换了主板",
        "--attach",
        "log.txt",
    ]);
    assert_eq!(stored(&d.root).len(), 2);
    d.ok(&["check"]);
}

#[test]
fn reports_and_customer_notes_take_attachments_too() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "甲", "--phone", "13800001111"]);
    fs::write(d.tmp.path().join("sheet.pdf"), b"%PDF-1.4 signed").unwrap();
    fs::write(d.tmp.path().join("call.amr"), b"#!AMR voice").unwrap();
    let r = d.ok(&[
        "report",
        "add",
        "--customer",
        &c,
        "--type",
        "training",
        "--attach",
        "sheet.pdf",
    ]);
    let r = r.trim();
    d.ok(&[
        "customer",
        "note",
        &c,
        "-m",
        "回电确认",
        "--attach",
        "call.amr",
    ]);
    let files = stored(&d.root);
    assert_eq!(files.len(), 2, "{files:?}");

    let report: toml::Table = d
        .read(&format!("reports/2026/11/{r}.toml"))
        .parse()
        .unwrap();
    let f = &report["files"].as_array().unwrap()[0];
    assert_eq!(f["name"].as_str(), Some("sheet.pdf"));
    assert_eq!(f["type"].as_str(), Some("application/pdf"));
    let cust = d.customer_toml(&c);
    let entry = cust["log"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        entry["files"].as_array().unwrap()[0]["name"].as_str(),
        Some("call.amr")
    );
    d.ok(&["check"]);
    // Both shows list them: name, size, path in the desk.
    let pdf = files.iter().find(|f| f.ends_with(".pdf")).unwrap();
    let amr = files.iter().find(|f| f.ends_with(".amr")).unwrap();
    let show = d.ok(&["report", "show", r]);
    assert!(show.contains(&format!("sheet.pdf  15 B  {pdf}")), "{show}");
    let show = d.ok(&["customer", "show", &c]);
    assert!(
        show.contains(&format!("log 1: call.amr  11 B  {amr}")),
        "{show}"
    );

    // Deleting either is a problem naming the record that attaches it.
    fs::remove_file(d.path(pdf)).unwrap();
    fs::remove_file(d.path(amr)).unwrap();
    let o = d.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains(&format!(
            "reports/2026/11/{r}.toml: report: attachment sheet.pdf ({pdf}) is missing"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "{}: log entry 1: attachment call.amr ({amr}) is missing",
            TestDesk::customer_rel(&c)
        )),
        "{out}"
    );
}

#[test]
fn a_deleted_or_altered_attachment_fails_check_and_a_stray_one_is_a_warning() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "甲", "--phone", "13800001111"]);
    fs::write(d.tmp.path().join("photo.jpg"), PHOTO).unwrap();
    let t = open_ticket(&d, &c, &[]);
    d.ok(&["ticket", "note", &t, "-m", "照片", "--attach", "photo.jpg"]);
    let photo = stored(&d.root).remove(0);
    d.ok(&["check"]);

    // Altered: exit 1, naming the ticket file, the event and the path.
    fs::write(d.path(&photo), b"edited").unwrap();
    let o = d.run(&["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(&format!(
            "{}: event 3 (note): attachment photo.jpg ({photo}) was altered",
            ticket_rel(&t)
        )),
        "{out}"
    );
    // Deleted: the same, as missing.
    fs::remove_file(d.path(&photo)).unwrap();
    let o = d.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains(&format!(
            "{}: event 3 (note): attachment photo.jpg ({photo}) is missing from the desk",
            ticket_rel(&t)
        )),
        "{out}"
    );
    // Put back, the desk is clean; a file no record names is only a warning (what a
    // command killed between copying the file and writing its event leaves).
    fs::write(d.path(&photo), PHOTO).unwrap();
    d.write("attachments/00/stray.bin", "x");
    let o = d.run(&["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("warning: attachments/00/stray.bin is attached to no record"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn over_the_limit_is_refused_and_nothing_is_written() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "甲", "--phone", "13800001111"]);
    let t = open_ticket(&d, &c, &[]);
    let config = d.read("svcdesk.toml");
    assert!(
        config.contains("max_size = \"20MB\""),
        "init writes the default"
    );
    d.write(
        "svcdesk.toml",
        config.replace("max_size = \"20MB\"", "max_size = \"1KB\""),
    );
    fs::write(d.tmp.path().join("small.txt"), vec![b'a'; 1024]).unwrap();
    fs::write(d.tmp.path().join("big.jpg"), vec![b'a'; 1025]).unwrap();
    let before = snapshot(&d.root);
    for args in [
        vec![
            "ticket",
            "note",
            &t,
            "-m",
            "x",
            "--attach",
            "small.txt",
            "--attach",
            "big.jpg",
        ],
        vec![
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "consult",
            "-m",
            "x",
            "--attach",
            "big.jpg",
        ],
        vec![
            "report",
            "add",
            "--customer",
            &c,
            "--type",
            "training",
            "--attach",
            "big.jpg",
        ],
        vec!["customer", "note", &c, "-m", "x", "--attach", "big.jpg"],
    ] {
        let e = d.fails(1, &args);
        assert!(
            e.contains("attachment big.jpg is 1025 bytes (1.0 KB), over the desk's limit of 1 KB (1024 bytes)"),
            "{args:?}: {e}"
        );
        assert!(e.contains("max_size"), "{e}");
        assert_eq!(snapshot(&d.root), before, "{args:?} wrote something");
    }
    // A missing file: refused the same way.
    let e = d.fails(
        1,
        &["ticket", "note", &t, "-m", "x", "--attach", "no-such.jpg"],
    );
    assert!(e.contains("no-such.jpg"), "{e}");
    assert_eq!(snapshot(&d.root), before);
    // At the limit is fine.
    d.ok(&["ticket", "note", &t, "-m", "x", "--attach", "small.txt"]);
    assert_eq!(stored(&d.root).len(), 1);

    // A max_size that is not a size fails the config at its line.
    d.write(
        "svcdesk.toml",
        config.replace("max_size = \"20MB\"", "max_size = \"lots\""),
    );
    let o = d.run(&["check"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("attachments.max_size"),
        "{}",
        stderr(&o)
    );
}

/// svcdesk in `dir` (a clone), at NOW.
fn sd(dir: &Path, args: &[&str]) -> String {
    let o = svcdesk().arg("-C").arg(dir).args(args).output().unwrap();
    assert!(
        o.status.success(),
        "svcdesk {args:?}: {}{}",
        stdout(&o),
        stderr(&o)
    );
    stdout(&o).trim_end().to_string()
}

#[test]
fn an_attachment_added_in_one_clone_opens_in_another_after_a_pull() {
    let tmp = tempfile::tempdir().unwrap();
    let origin = tmp.path().join("origin");
    sd(
        tmp.path(),
        &[
            "init",
            origin.to_str().unwrap(),
            "--timezone",
            "Asia/Shanghai",
        ],
    );
    git_ok(tmp.path(), &["init", "-q", origin.to_str().unwrap()]);
    sd(&origin, &["git", "setup"]);
    let attributes = fs::read_to_string(origin.join(".gitattributes")).unwrap();
    assert!(
        attributes
            .lines()
            .any(|l| l == "attachments/** -diff -merge binary"),
        "{attributes}"
    );
    let c = sd(
        &origin,
        &["customer", "add", "--name", "甲", "--phone", "13800001111"],
    );
    let t = sd(
        &origin,
        &[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "consult",
            "-m",
            "x",
        ],
    );
    git_ok(&origin, &["add", "-A"]);
    git_ok(&origin, &["commit", "-q", "-m", "start"]);
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    for dir in [&a, &b] {
        git_ok(
            tmp.path(),
            &[
                "clone",
                "-q",
                origin.to_str().unwrap(),
                dir.to_str().unwrap(),
            ],
        );
        sd(dir, &["git", "setup"]);
    }
    // A attaches a photo from outside the desk, then deletes the original.
    let outside = tmp.path().join("photo.jpg");
    fs::write(&outside, PHOTO).unwrap();
    sd(
        &a,
        &[
            "ticket",
            "note",
            &t,
            "-m",
            "照片",
            "--attach",
            outside.to_str().unwrap(),
        ],
    );
    fs::remove_file(&outside).unwrap();
    git_ok(&a, &["add", "-A"]);
    git_ok(&a, &["commit", "-q", "-m", "photo"]);

    // `git diff` treats it as binary, not text to diff.
    let diff = git_ok(&a, &["show", "--stat", "--format=", "HEAD"]);
    assert!(diff.contains("Bin 0 -> "), "{diff}");

    let pull = git(
        &b,
        &["pull", "-q", "--no-rebase", "--no-edit", "../a", "main"],
    );
    assert!(pull.status.success(), "{}", stderr(&pull));
    let show = sd(&b, &["ticket", "show", &t]);
    let line = show
        .lines()
        .find(|l| l.contains("photo.jpg") && l.contains("attachments/"))
        .unwrap();
    let rel = line.split_whitespace().last().unwrap();
    assert_eq!(
        fs::read(b.join(rel)).unwrap(),
        PHOTO,
        "the same bytes in clone B"
    );
    let o = svcdesk().arg("-C").arg(&b).arg("check").output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));

    // Both clones attach at once (one the same photo again, one a new file): the merge
    // driver keeps both events, git adds both files, the desk is clean.
    fs::write(tmp.path().join("photo.jpg"), PHOTO).unwrap();
    fs::write(tmp.path().join("b.log"), "from b\n").unwrap();
    let photo = tmp.path().join("photo.jpg");
    let blog = tmp.path().join("b.log");
    sd(
        &a,
        &[
            "ticket",
            "note",
            &t,
            "-m",
            "再拍",
            "--attach",
            photo.to_str().unwrap(),
        ],
    );
    sd(
        &b,
        &[
            "ticket",
            "note",
            &t,
            "-m",
            "日志",
            "--attach",
            blog.to_str().unwrap(),
        ],
    );
    for (dir, m) in [(&a, "a"), (&b, "b")] {
        git_ok(dir, &["add", "-A"]);
        git_ok(dir, &["commit", "-q", "-m", m]);
    }
    let pull = git(
        &a,
        &["pull", "-q", "--no-rebase", "--no-edit", "../b", "main"],
    );
    assert!(pull.status.success(), "{}{}", stdout(&pull), stderr(&pull));
    assert_eq!(git_ok(&a, &["status", "--porcelain"]), "");
    let show = sd(&a, &["ticket", "show", &t]);
    assert!(show.contains("b.log") && show.contains("再拍"), "{show}");
    let o = svcdesk().arg("-C").arg(&a).arg("check").output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn sigkill_while_attaching_never_leaves_an_event_naming_a_missing_file() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "甲", "--phone", "13800001111"]);
    let t = open_ticket(&d, &c, &[]);
    // Files large enough that hashing and copying take a while on a debug build.
    let size = 3 * 1024 * 1024;
    let started = std::time::Instant::now();
    let first = d.tmp.path().join("calibrate.bin");
    fs::write(&first, vec![7u8; size]).unwrap();
    d.ok(&[
        "ticket",
        "note",
        &t,
        "-m",
        "x",
        "--attach",
        first.to_str().unwrap(),
    ]);
    let window_ms = (started.elapsed().as_millis() as u64 * 13 / 10).max(20);
    let (mut finished, mut killed) = (0, 0);
    for i in 0..24u64 {
        let f = d.tmp.path().join(format!("f{i}.bin"));
        let mut bytes = vec![(i % 251) as u8; size];
        bytes[..8].copy_from_slice(&i.to_le_bytes());
        fs::write(&f, bytes).unwrap();
        let mut child = std::process::Command::new(crate::common::bin())
            .env("SVCDESK_NOW", NOW)
            .env("SVCDESK_USER", crate::common::USER)
            .env_remove("SVCDESK_DIR")
            .arg("-C")
            .arg(&d.root)
            .args(["ticket", "note", &t, "-m", &format!("kill-{i}")])
            .arg("--attach")
            .arg(&f)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(window_ms * i / 24));
        match child.try_wait().unwrap() {
            Some(_) => finished += 1,
            None => {
                child.kill().unwrap();
                killed += 1;
            }
        }
        let _ = child.wait();
    }
    assert!(
        killed > 0,
        "no kill landed inside a write ({finished} finished)"
    );
    // Every event that names a file has it, whole: check is clean (a file copied by a
    // command killed before its event is at worst a warning).
    let o = d.run(&["check"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let f: toml::Table = d.read(&ticket_rel(&t)).parse().unwrap();
    for e in f["event"].as_array().unwrap() {
        for file in e
            .get("files")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            let sha = file["sha256"].as_str().unwrap();
            let rel = format!("attachments/{}/{}.bin", &sha[..2], &sha[2..]);
            assert_eq!(
                fs::metadata(d.path(&rel)).unwrap().len(),
                size as u64,
                "{rel}"
            );
        }
    }
}
