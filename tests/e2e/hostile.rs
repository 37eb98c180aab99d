//! Hostile input end to end: IDs and desk paths that try to leave the desk, a symlinked
//! record pointing outside, an enormous field, invalid UTF-8 and NUL bytes in a record,
//! CSV formula cells with --excel. Full disks and read-only desks: tests/e2e/disk_faults.rs.

use std::fs;

use crate::common::{self, TestDesk, stderr, stdout};

#[test]
fn ids_that_try_to_leave_the_desk_are_refused() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械", "--phone", "021-5555-0101"]);
    let escape = format!("../../customers/{c}");
    for id in ["../x", "/etc/passwd", "a/b", "..", escape.as_str()] {
        for args in [
            vec!["customer", "show", id],
            vec!["customer", "note", id, "-m", "x"],
            vec!["ticket", "note", id, "-m", "x"],
            vec!["ticket", "show", id],
        ] {
            let err = d.fails(1, &args);
            assert!(
                err.contains("invalid") && err.contains("ID"),
                "{args:?}: {err}"
            );
        }
    }
    d.ok(&["check"]);
}

#[test]
fn a_desk_path_that_is_not_a_desk_is_an_error() {
    let d = TestDesk::new();
    for dir in ["../nowhere", "/nonexistent/desk", "desk/customers"] {
        let o = common::svcdesk()
            .current_dir(d.tmp.path())
            .args(["-C", dir, "customer", "list"])
            .output()
            .unwrap();
        assert_ne!(o.status.code(), Some(0), "-C {dir}: {}", stdout(&o));
        assert!(!stderr(&o).is_empty());
    }
}

#[test]
fn writing_a_symlinked_record_never_writes_outside_the_desk() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械", "--phone", "021-5555-0101"]);
    let outside = d.tmp.path().join("outside.toml");
    let fake = "C20261124-AAAAAA";
    fs::write(&outside, d.read_customer(&c).replace(&c, fake)).unwrap();
    let before = fs::read_to_string(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, d.customer_path(fake)).unwrap();
    // A record must be a regular file inside the desk: list and check do not see the link,
    // and naming it is refused (exit 1, the link named), never read or written through.
    let err = d.fails(1, &["customer", "note", fake, "-m", "through the link"]);
    assert!(err.contains("symbolic link") && err.contains(fake), "{err}");
    d.fails(1, &["customer", "show", fake]);
    assert_eq!(
        fs::read_to_string(&outside).unwrap(),
        before,
        "wrote outside the desk"
    );
    let meta = fs::symlink_metadata(d.customer_path(fake)).unwrap();
    assert!(
        meta.file_type().is_symlink(),
        "the link itself is left alone"
    );
    let list = d.ok(&["customer", "list", "--format", "csv"]);
    assert!(!list.contains(fake), "{list}");
    // check says so, rather than let the record vanish silently.
    let o = d.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains(&format!("customers/{fake}.toml: is a symbolic link")),
        "{out}"
    );
}

#[test]
fn an_enormous_description_round_trips() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械", "--phone", "021-5555-0101"]);
    let big = d.tmp.path().join("big.txt");
    let text = "投诉内容很长 \"quoted\" \\ back\n".repeat(10 * 1024 * 1024 / 40);
    fs::write(&big, &text).unwrap();
    let out = d.ok(&[
        "ticket",
        "open",
        "--customer",
        &c,
        "--category",
        "complaint",
        "-F",
        big.to_str().unwrap(),
    ]);
    let t = out.trim();
    d.ok(&["ticket", "note", t, "-m", "after the big one"]);
    d.ok(&["check"]);
    let show = d.ok(&["ticket", "show", t]);
    assert!(show.contains("after the big one"));
}

#[test]
fn invalid_utf8_and_nul_bytes_are_clear_errors_naming_the_file() {
    let d = TestDesk::new();
    d.add(&["--name", "华东机械", "--phone", "021-5555-0101"]);
    let bad = "customers/C20261124-BBBBBB.toml";
    d.write(
        bad,
        b"schema = 1\nid = \"C20261124-BBBBBB\"\nname = \"\xff\xfe\"\n",
    );
    // check lists its problems on stdout and exits 1.
    let o = d.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("C20261124-BBBBBB.toml") && out.contains("UTF-8"),
        "{out}"
    );
    fs::remove_file(d.path(bad)).unwrap();

    let nul = "customers/C20261124-CCCCCC.toml";
    d.write(
        nul,
        b"schema = 1\nid = \"C20261124-CCCCCC\"\nname = \"a\0b\"\n",
    );
    let o = d.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("C20261124-CCCCCC.toml"),
        "{}",
        stdout(&o)
    );
    let o = d.run(&["customer", "list"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("C20261124-CCCCCC.toml"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn formula_cells_are_defused_with_excel() {
    let d = TestDesk::new();
    d.add(&[
        "--name",
        "=HYPERLINK(\"http://x\")",
        "--phone",
        "+86 21 5555 0101",
    ]);
    d.add(&["--name", "@SUM(A1)", "--phone=-1.50"]);
    let raw = d.ok(&["export", "customers", "--format", "csv"]);
    assert!(raw.contains("=HYPERLINK"));
    let excel = d.ok(&["export", "customers", "--excel"]);
    assert!(excel.starts_with('\u{feff}'));
    let (_, rows) = common::parse_csv(excel.trim_start_matches('\u{feff}'));
    for row in &rows {
        for cell in row {
            let first = cell.chars().next();
            let numeric = cell.parse::<f64>().is_ok();
            assert!(
                numeric || !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')),
                "formula cell {cell:?} left live"
            );
        }
    }
    assert!(excel.contains("'=HYPERLINK"), "{excel}");
}
