//! `import tickets` brings the attached files along: a row's `attachments/…` paths (as
//! `export tickets` writes a desk's stored files) are copied from the desk exported from
//! (`--attachments-from`, or the CSV file's folder), so `check` passes in the new desk.

use std::fs;

use crate::common::{TestDesk, stderr, stdout};

/// A desk with one ticket carrying `photo.jpg`, its export (customers and tickets) in
/// `out/` beside it, and the stored file's path in the desk.
fn exported() -> (TestDesk, std::path::PathBuf, String) {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械", "--phone", "13800001111"]);
    fs::write(d.tmp.path().join("photo.jpg"), b"\xff\xd8 a fault photo").unwrap();
    d.ok(&[
        "ticket",
        "open",
        "--customer",
        &c,
        "--category",
        "quality",
        "--attach",
        "photo.jpg",
        "-m",
        "主轴异响",
    ]);
    let out = d.tmp.path().join("out");
    fs::create_dir_all(&out).unwrap();
    for what in ["customers", "tickets"] {
        let file = out.join(format!("{what}.csv"));
        d.ok(&["export", what, "-o", file.to_str().unwrap()]);
    }
    let csv = fs::read_to_string(out.join("tickets.csv")).unwrap();
    let path = csv
        .split([',', ';', '\n'])
        .find(|c| c.starts_with("attachments/"))
        .expect("the export names the stored file")
        .to_string();
    (d, out, path)
}

fn new_desk(out: &std::path::Path) -> TestDesk {
    let d = TestDesk::new();
    let customers = out.join("customers.csv");
    d.ok(&["import", "customers", customers.to_str().unwrap()]);
    d
}

#[test]
fn attached_files_come_along_from_the_desk_exported_from() {
    let (from, out, path) = exported();
    let tickets = out.join("tickets.csv");
    let to = new_desk(&out);
    let o = to.run(&[
        "import",
        "tickets",
        tickets.to_str().unwrap(),
        "--attachments-from",
        from.root.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    assert_eq!(
        fs::read(to.path(&path)).unwrap(),
        fs::read(from.path(&path)).unwrap(),
        "the file is stored at the same place"
    );
    to.ok(&["check"]);
    let id = stdout(&o).trim().to_string();
    let shown = to.ok(&["ticket", "show", &id]);
    assert!(shown.contains(&path), "{shown}");
    // The round trip gives the same sheet.
    assert_eq!(
        to.ok(&["export", "tickets"]),
        from.ok(&["export", "tickets"])
    );
}

#[test]
fn the_csv_files_folder_is_looked_in_and_a_missing_file_is_a_warning() {
    let (from, out, path) = exported();
    // Beside the CSV (here: the CSV in the old desk's folder) is the default.
    let inside = from.root.join("tickets.csv");
    fs::copy(out.join("tickets.csv"), &inside).unwrap();
    let to = new_desk(&out);
    to.ok(&["import", "tickets", inside.to_str().unwrap()]);
    assert!(to.path(&path).is_file(), "copied from the CSV's folder");
    to.ok(&["check"]);

    // Nowhere to be found: the ticket is imported with the path, and a warning says so.
    let to = new_desk(&out);
    let o = to.run(&[
        "import",
        "tickets",
        out.join("tickets.csv").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("attachment {path} is not in")),
        "{}",
        stderr(&o)
    );
    assert!(!to.path(&path).exists());
}
