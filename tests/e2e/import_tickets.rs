//! `import tickets`: a sheet of `export tickets` comes back as tickets whose histories
//! replay to exactly the rows — export, import into a new desk, export again: identical.

use std::fs;
use std::path::Path;

use crate::common::{self, stderr, stdout};

/// A copy of the example desk (tickets in every state and grade, compensation, reopen,
/// waiting, on-call) and an empty desk with the same config and customers.
fn desks() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/desk");
    let from = tmp.path().join("from");
    let to = tmp.path().join("to");
    copy(&example, &from);
    fs::create_dir_all(&to).unwrap();
    fs::copy(example.join("svcdesk.toml"), to.join("svcdesk.toml")).unwrap();
    copy(&example.join("customers"), &to.join("customers"));
    (tmp, from, to)
}

fn copy(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy(&e.path(), &target);
        } else {
            fs::copy(e.path(), target).unwrap();
        }
    }
}

fn run(desk: &Path, args: &[&str]) -> std::process::Output {
    common::svcdesk()
        .arg("-C")
        .arg(desk)
        .env("SVCDESK_USER", "li")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn export_import_export_is_identical_in_both_header_languages() {
    for extra in [&[][..], &["--lang", "zh", "--excel"][..]] {
        let (tmp, from, to) = desks();
        let first = tmp.path().join("first.csv");
        let mut args = vec!["export", "tickets", "-o", first.to_str().unwrap()];
        args.extend_from_slice(extra);
        assert!(run(&from, &args).status.success());
        let o = run(&to, &["import", "tickets", first.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        let ids: Vec<String> = stdout(&o).lines().map(String::from).collect();
        assert_eq!(ids.len(), 10, "every example ticket imported: {ids:?}");
        let a = run(&from, &["export", "tickets"]);
        let b = run(&to, &["export", "tickets"]);
        assert_eq!(
            stdout(&a),
            stdout(&b),
            "the round trip changed the sheet ({extra:?})"
        );
        let check = run(&to, &["check"]);
        assert!(check.status.success(), "{}", stdout(&check));
        // The rebuilt histories are marked, and the state machine held.
        let show = run(&to, &["ticket", "show", &ids[0]]);
        assert!(stdout(&show).contains("Timeline:"));
        // A second import skips what is there.
        let again = run(&to, &["import", "tickets", first.to_str().unwrap()]);
        assert!(again.status.success());
        assert!(
            stderr(&again).contains("added 0 ticket(s), skipped 10 already present"),
            "{}",
            stderr(&again)
        );
    }
}

#[test]
fn a_bad_row_names_its_line_and_nothing_is_written() {
    let (tmp, from, to) = desks();
    let sheet = tmp.path().join("t.csv");
    assert!(
        run(&from, &["export", "tickets", "-o", sheet.to_str().unwrap()])
            .status
            .success()
    );
    let text = fs::read_to_string(&sheet).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    // The second ticket's row (a one-line row): a customer this desk does not have.
    let i = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("T2026"))
        .nth(1)
        .unwrap()
        .0;
    let line_no = i + 1;
    let customer = lines[i].split(',').nth(9).unwrap().to_string();
    lines[i] = lines[i].replacen(&customer, "C20200101-ZZZZZZ", 1);
    fs::write(&sheet, lines.join("\n") + "\n").unwrap();
    let o = run(&to, &["import", "tickets", sheet.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "{}:{line_no}: customer C20200101-ZZZZZZ is not in this desk",
            sheet.display()
        )),
        "{err}"
    );
    assert!(err.contains("nothing written"), "{err}");
    assert_eq!(
        fs::read_dir(to.join("tickets"))
            .map(|d| d.count())
            .unwrap_or(0),
        0
    );

    let dry = run(
        &to,
        &[
            "import",
            "tickets",
            sheet.to_str().unwrap(),
            "--skip-bad",
            "--dry-run",
        ],
    );
    assert!(dry.status.success());
    assert!(
        stderr(&dry).contains("dry run: would add"),
        "{}",
        stderr(&dry)
    );
    assert_eq!(
        fs::read_dir(to.join("tickets"))
            .map(|d| d.count())
            .unwrap_or(0),
        0
    );

    let skip = run(
        &to,
        &["import", "tickets", sheet.to_str().unwrap(), "--skip-bad"],
    );
    assert!(skip.status.success());
    assert_eq!(
        stdout(&skip).lines().count(),
        9,
        "every example ticket but the bad one"
    );
}

#[test]
fn a_row_no_history_can_give_is_refused() {
    let (tmp, _from, to) = desks();
    let customer = fs::read_dir(to.join("customers"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with('C'))
        .unwrap()
        .trim_end_matches(".toml")
        .to_string();
    // Closed with a satisfaction score, yet never resolved: no step sequence gives that.
    let sheet = tmp.path().join("t.csv");
    fs::write(
        &sheet,
        format!("customer,category,opened,state,closed\n{customer},consult,2026-11-02 09:00,closed,2026-11-03 10:00\n"),
    )
    .unwrap();
    let o = run(&to, &["import", "tickets", sheet.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(":2: its history cannot be rebuilt") && err.contains("cannot close"),
        "{err}"
    );
    // Unknown columns are named.
    fs::write(&sheet, "customer,category,opened,colour\n").unwrap();
    let o = run(&to, &["import", "tickets", sheet.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("unknown column(s) \"colour\""),
        "{}",
        stderr(&o)
    );
}
