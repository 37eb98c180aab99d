//! Issue 15, the shared desk: what a crash leaves is tidied, a folder in place of a record
//! is reported, summaries name every bad file, and one validation rule for contacts.

mod common;

use std::fs;
use std::time::{Duration, SystemTime};

use common::{TestDesk, stderr};

fn open_ticket(d: &TestDesk, c: &str) -> String {
    d.ok(&[
        "ticket",
        "open",
        "--customer",
        c,
        "--category",
        "complaint",
        "-m",
        "x",
    ])
    .trim()
    .to_string()
}

/// A temp file as a SIGKILLed write leaves it: half a record, an hour old.
fn leftover(d: &TestDesk, rel: &str) -> std::path::PathBuf {
    let p = d.path(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(&p, "schema = 1\nid = \"C2026").unwrap();
    let f = fs::File::options().write(true).open(&p).unwrap();
    f.set_modified(SystemTime::now() - Duration::from_secs(3600))
        .unwrap();
    p
}

#[test]
fn a_write_removes_what_killed_writes_left_in_its_folder() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械"]);
    let stale = leftover(&d, "customers/.svcdesk-tmp-AbC123");
    let elsewhere = leftover(&d, "tickets/.svcdesk-tmp-XyZ789");
    d.ok(&["customer", "note", &c, "-m", "called back"]);
    assert!(!stale.exists(), "the folder written is tidied");
    assert!(elsewhere.exists(), "only the folder it writes");
}

#[test]
fn check_removes_leftover_temp_files_and_reports_a_folder_in_place_of_a_record() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械"]);
    let t = open_ticket(&d, &c);
    let month = format!("tickets/{}/{}", &t[1..5], &t[5..7]);
    let stale = leftover(&d, &format!("{month}/.svcdesk-tmp-AbC123"));
    let o = d.run(&["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stale.exists());
    assert!(
        stderr(&o).contains(&format!(
            "warning: removed {month}/.svcdesk-tmp-AbC123, left by an interrupted write"
        )),
        "{}",
        stderr(&o)
    );

    fs::create_dir_all(d.path("tickets/2026/11/T20261124-ABCDEF.toml")).unwrap();
    let o = d.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(
            "tickets/2026/11/T20261124-ABCDEF.toml: is a folder where a record file belongs"
        ),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}
