//! `import` is all or nothing: a big import gives the files a row-by-row import gave, and
//! one killed at any moment leaves, once the next command has run, either none of its
//! customers or all of them — with `svcdesk check` clean. The staging folder and journal
//! (`.svcdesk/import-<run>/`, see src/desk/journal.rs) are rolled back when unsealed and
//! forward when sealed.

use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::common::{self, TestDesk, customer_text, stderr};

const ROWS: usize = 3000;

fn sheet(rows: usize, with_ids: bool) -> String {
    let mut s = String::from(if with_ids {
        "id,name,phone,email,tags,created\n"
    } else {
        "name,phone,email,tags\n"
    });
    for i in 0..rows {
        if with_ids {
            s.push_str(&format!("C20261101-{:0>6},", base32(i)));
        }
        s.push_str(&format!(
            "客户{i:05}有限公司,139{i:08},c{i}@example.cn,vip;east"
        ));
        s.push_str(if with_ids {
            ",2026-11-01 09:00\n"
        } else {
            "\n"
        });
    }
    s
}

fn base32(mut i: usize) -> String {
    const A: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut s = Vec::new();
    for _ in 0..6 {
        s.push(A[i % 32]);
        i /= 32;
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

fn staging_dirs(root: &Path) -> Vec<String> {
    fs::read_dir(root.join(".svcdesk"))
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains("import-"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_few_thousand_rows_give_the_same_files_as_one_customer_each() {
    let d = TestDesk::new();
    d.write("in.csv", sheet(ROWS, true));
    let out = d.ok(&["import", "customers", "desk/in.csv"]);
    assert_eq!(out.lines().count(), ROWS);
    let files = d.customer_files();
    assert_eq!(files.len(), ROWS);
    assert!(staging_dirs(&d.root).is_empty());
    // Each file is what a one-row import writes.
    let one = TestDesk::new();
    let first: String = sheet(ROWS, true)
        .lines()
        .take(2)
        .map(|l| format!("{l}\n"))
        .collect();
    one.write("in.csv", first);
    one.ok(&["import", "customers", "desk/in.csv"]);
    let id = "C20261101-000000";
    assert_eq!(d.read_customer(id), one.read_customer(id));
    // An export imports into another desk byte for byte.
    let csv = d.ok(&["export", "customers"]);
    let again = TestDesk::new();
    again.write("in.csv", csv);
    again.ok(&["import", "customers", "desk/in.csv"]);
    assert_eq!(again.customer_files(), files);
    for f in files.iter().step_by(97) {
        let rel = format!("customers/{f}");
        assert_eq!(again.read(&rel), d.read(&rel), "{f}");
    }
    assert_eq!(d.ok(&["check"]), "");
    // Duplicates of the imported rows are found against the desk, each once.
    let o = d.run(&["import", "customers", "desk/in.csv", "--dry-run"]);
    assert!(o.status.success());
    let want = format!("would add 0 customer(s), skip {ROWS} duplicate(s)");
    assert!(stderr(&o).contains(&want), "{}", stderr(&o));
}

#[test]
fn a_killed_import_leaves_none_or_all_once_the_next_command_ran() {
    let d = TestDesk::new();
    let csv = d.root.join("../big.csv");
    fs::write(&csv, sheet(ROWS, false)).unwrap();
    // How long a whole import takes, to spread the kills over it.
    let started = Instant::now();
    d.ok(&["import", "customers", csv.to_str().unwrap()]);
    let whole = started.elapsed().as_millis() as u64;
    let (mut none, mut all, mut finished) = (0, 0, 0);
    for i in 0..12u64 {
        let d = TestDesk::new();
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("svcdesk"))
            .env("SVCDESK_NOW", common::NOW)
            .env("SVCDESK_USER", common::USER)
            .env_remove("SVCDESK_DIR")
            .arg("-C")
            .arg(&d.root)
            .args(["import", "customers", csv.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // From start-up to a little past the end (5%, 14%, ... 104% of a whole run),
        // so some kills land before the seal and some after.
        sleep(Duration::from_millis(whole * (5 + i * 9) / 100));
        let done = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        child.wait().unwrap();
        let o = d.run(&["check"]);
        assert!(o.status.success(), "try {i}: check failed: {}", stderr(&o));
        assert_eq!(common::stdout(&o), "", "try {i}");
        let n = d.customer_files().len();
        assert!(n == 0 || n == ROWS, "try {i}: {n} of {ROWS} customers");
        assert!(staging_dirs(&d.root).is_empty(), "try {i}");
        match (done, n) {
            (true, _) => finished += 1,
            (false, 0) => none += 1,
            _ => all += 1,
        }
    }
    eprintln!("killed before the seal: {none}, after: {all}, finished first: {finished}");
}

const HEADER: &str = "svcdesk staging journal 1";

#[test]
fn a_staging_folder_without_a_sealed_journal_is_rolled_back() {
    let d = TestDesk::new();
    let run = d.root.join(".svcdesk/import-1-1");
    fs::create_dir_all(&run).unwrap();
    fs::write(run.join("1.toml"), customer_text("C20261124-AAAAAA", "甲")).unwrap();
    fs::write(run.join("2.toml"), customer_text("C20261124-BBBBBB", "乙")).unwrap();
    // Written up to the second entry, then killed: no `end` line.
    fs::write(
        run.join("journal"),
        format!("{HEADER}\n1.toml\tcustomers/C20261124-AAAAAA.toml\n"),
    )
    .unwrap();
    let o = d.run(&["customer", "list", "--format", "csv"]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("undid an import"), "{}", stderr(&o));
    assert_eq!(common::stdout(&o).lines().count(), 1, "header only");
    assert!(d.customer_files().is_empty());
    assert!(!run.exists());
}

#[test]
fn a_sealed_journal_is_rolled_forward_by_the_next_write_or_check() {
    for next in [&["check"][..], &["customer", "add", "--name", "丙"][..]] {
        let d = TestDesk::new();
        let run = d.root.join(".svcdesk/import-1-1");
        fs::create_dir_all(&run).unwrap();
        // The first file was moved before the kill; the second was not.
        d.write_customer("C20261124-AAAAAA", "甲");
        fs::write(run.join("2.toml"), customer_text("C20261124-BBBBBB", "乙")).unwrap();
        fs::write(
            run.join("journal"),
            format!(
                "{HEADER}\n1.toml\tcustomers/C20261124-AAAAAA.toml\n\
                 2.toml\tcustomers/C20261124-BBBBBB.toml\nend 2\n"
            ),
        )
        .unwrap();
        let o = d.run(next);
        assert!(o.status.success(), "{next:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("finished an interrupted import"),
            "{}",
            stderr(&o)
        );
        let files = d.customer_files();
        assert!(files.contains(&"C20261124-AAAAAA.toml".to_string()));
        assert!(files.contains(&"C20261124-BBBBBB.toml".to_string()));
        assert_eq!(
            d.read_customer("C20261124-BBBBBB"),
            customer_text("C20261124-BBBBBB", "乙")
        );
        assert!(!run.exists());
        assert_eq!(d.ok(&["check"]), "");
    }
}

#[test]
fn import_tickets_is_staged_too() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械"]);
    let mut csv = String::from("id,customer,category,opened,title\n");
    for i in 0..50 {
        csv.push_str(&format!(
            "T20261101-{:0>6},{c},complaint,2026-11-01 09:00,t{i}\n",
            base32(i)
        ));
    }
    d.write("t.csv", csv);
    let out = d.ok(&["import", "tickets", "desk/t.csv"]);
    assert_eq!(out.lines().count(), 50);
    assert!(staging_dirs(&d.root).is_empty());
    assert!(d.path("tickets/2026/11/T20261101-000000.toml").is_file());
    assert_eq!(d.ok(&["check"]), "");
}
