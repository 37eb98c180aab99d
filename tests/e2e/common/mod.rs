//! Shared helpers for the end-to-end tests: a temp desk made by the real `svcdesk init`,
//! and a `svcdesk` command with a fixed clock, user and table width, and no desk inherited
//! from the environment of whoever runs the tests.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use tempfile::TempDir;

pub mod november;
pub mod staff;

/// The clock every test runs at (a Tuesday morning in Shanghai).
pub const NOW: &str = "2026-11-24T09:30:00+08:00";
pub const USER: &str = "wang";
/// The ID date `NOW` gives in the desk's time zone.
pub const TODAY: &str = "20261124";

/// The svcdesk binary cargo built for these tests.
pub fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("svcdesk")
}

/// PATH with the built svcdesk's directory first, for scripts that call `svcdesk` by name.
pub fn path_with_svcdesk() -> String {
    format!(
        "{}:{}",
        bin().parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// `svcdesk` with SVCDESK_NOW, SVCDESK_USER and COLUMNS fixed, SVCDESK_DIR removed, and
/// no global or system git config (whose user.email would otherwise decide who acts).
pub fn svcdesk() -> Command {
    let mut c = Command::cargo_bin("svcdesk").expect("the svcdesk binary is built");
    c.env("SVCDESK_NOW", NOW)
        .env("SVCDESK_USER", USER)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("COLUMNS", "200")
        .env_remove("SVCDESK_DIR")
        .env_remove("SVCDESK_NO_CACHE")
        .env_remove("SVCDESK_LANG");
    c
}

/// `svcdesk -C <desk>` at the clock `now` instead of `NOW`.
pub fn run_at(desk: &TestDesk, now: &str, args: &[&str]) -> Output {
    desk.cmd()
        .env("SVCDESK_NOW", now)
        .args(args)
        .output()
        .expect("svcdesk runs")
}

/// `run_at`, asserting exit 0; returns stdout.
pub fn ok_at(desk: &TestDesk, now: &str, args: &[&str]) -> String {
    let o = run_at(desk, now, args);
    assert!(
        o.status.success(),
        "svcdesk {args:?} failed with {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

/// Runs svcdesk at a desk-local minute, `2026-12-01T09:00` (Asia/Shanghai, the test
/// desks' zone); returns (exit code, stdout, stderr).
pub fn local_at(desk: &TestDesk, when: &str, args: &[&str]) -> (i32, String, String) {
    let o = run_at(desk, &format!("{when}:00+08:00"), args);
    (o.status.code().unwrap_or(-1), stdout(&o), stderr(&o))
}

/// `local_at`, asserting exit 0; returns stdout.
pub fn local_ok(desk: &TestDesk, when: &str, args: &[&str]) -> String {
    let (code, out, err) = local_at(desk, when, args);
    assert_eq!(
        code, 0,
        "svcdesk {args:?} at {when}: exit {code}\n{out}\n{err}"
    );
    out
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

/// A desk in a fresh temp directory: `<tmp>/desk`, made with
/// `svcdesk init --timezone Asia/Shanghai`. The temp directory itself is not a desk, so
/// commands run from it with `-C` never find a desk by searching upwards.
pub struct TestDesk {
    pub tmp: TempDir,
    pub root: PathBuf,
}

impl TestDesk {
    pub fn new() -> TestDesk {
        Self::with_args(&["--name", "测试服务台"])
    }

    pub fn with_args(extra: &[&str]) -> TestDesk {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().join("desk");
        svcdesk()
            .current_dir(tmp.path())
            .args(["init", "desk", "--timezone", "Asia/Shanghai"])
            .args(extra)
            .assert()
            .success();
        assert!(root.join("svcdesk.toml").is_file());
        TestDesk { tmp, root }
    }

    /// `svcdesk -C <root>` run from the (non-desk) temp directory.
    pub fn cmd(&self) -> Command {
        let mut c = svcdesk();
        c.current_dir(self.tmp.path()).arg("-C").arg(&self.root);
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("svcdesk runs")
    }

    /// Runs, asserts exit 0, returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "svcdesk {args:?} failed with {:?}\nstdout:\n{}\nstderr:\n{}",
            o.status.code(),
            stdout(&o),
            stderr(&o)
        );
        stdout(&o)
    }

    /// Runs, asserts the exit code and an empty stdout, returns stderr.
    pub fn fails(&self, code: i32, args: &[&str]) -> String {
        let o = self.run(args);
        assert_eq!(
            o.status.code(),
            Some(code),
            "svcdesk {args:?}: expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            stdout(&o),
            stderr(&o)
        );
        assert_eq!(
            stdout(&o),
            "",
            "svcdesk {args:?} printed on stdout while failing"
        );
        stderr(&o)
    }

    /// `customer add` with `args`; asserts it printed only a well-formed ID; returns it.
    pub fn add(&self, args: &[&str]) -> String {
        let mut all = vec!["customer", "add"];
        all.extend_from_slice(args);
        let out = self.ok(&all);
        let id = out.strip_suffix('\n').unwrap_or(&out).to_string();
        assert!(is_customer_id(&id, TODAY), "add printed {out:?}, not an ID");
        id
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn customer_rel(id: &str) -> String {
        format!("customers/{id}.toml")
    }

    pub fn customer_path(&self, id: &str) -> PathBuf {
        self.path(&Self::customer_rel(id))
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
    }

    pub fn read_customer(&self, id: &str) -> String {
        self.read(&Self::customer_rel(id))
    }

    /// The customer file parsed as TOML.
    pub fn customer_toml(&self, id: &str) -> toml::Table {
        self.read_customer(id)
            .parse()
            .unwrap_or_else(|e| panic!("customer {id} is not TOML: {e}"))
    }

    /// Appends `text` to svcdesk.toml (a staff roster, a rule).
    pub fn append_config(&self, text: &str) {
        let mut cfg = self.read("svcdesk.toml");
        cfg.push_str(text);
        self.write("svcdesk.toml", cfg);
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, text).unwrap();
    }

    /// Writes a minimal valid customer file by hand, so a test can choose the ID.
    pub fn write_customer(&self, id: &str, name: &str) {
        self.write(&Self::customer_rel(id), customer_text(id, name));
    }

    /// File names (not dot files) in customers/.
    pub fn customer_files(&self) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(self.path("customers"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect();
        v.sort();
        v
    }
}

pub fn customer_text(id: &str, name: &str) -> String {
    format!(
        "schema = 1\nid = \"{id}\"\nname = \"{name}\"\ntags = []\n\
         created = 2026-11-24T09:30:00+08:00\ncreated_by = \"wang\"\n"
    )
}

/// `C<date>-` and six Crockford base32 characters (no I, L, O, U).
pub fn is_customer_id(s: &str, date: &str) -> bool {
    const CROCKFORD: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let Some(random) = s.strip_prefix(&format!("C{date}-")) else {
        return false;
    };
    random.len() == 6 && random.chars().all(|c| CROCKFORD.contains(c))
}

/// Parses CSV text into its header and rows (via the csv crate, so quoting is honoured).
pub fn parse_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header = r
        .headers()
        .expect("CSV header")
        .iter()
        .map(String::from)
        .collect();
    let rows = r
        .records()
        .map(|rec| rec.expect("CSV row").iter().map(String::from).collect())
        .collect();
    (header, rows)
}

pub fn parse_json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// Lines that differ between two versions of a file of equal line count:
/// (line number, before, after). Panics if the line counts differ.
pub fn changed_lines(before: &str, after: &str) -> Vec<(usize, String, String)> {
    let b: Vec<&str> = before.lines().collect();
    let a: Vec<&str> = after.lines().collect();
    assert_eq!(
        b.len(),
        a.len(),
        "line count changed\nbefore:\n{before}\nafter:\n{after}"
    );
    b.iter()
        .zip(&a)
        .enumerate()
        .filter(|(_, (x, y))| x != y)
        .map(|(i, (x, y))| (i + 1, x.to_string(), y.to_string()))
        .collect()
}

/// Does `text` hold `<path>:<line>:<column>` for some column in `columns`?
pub fn names_position(text: &str, path: &str, line: usize, columns: &[usize]) -> bool {
    columns
        .iter()
        .any(|c| text.contains(&format!("{path}:{line}:{c}")))
}

/// Is any ancestor of `dir` a desk? (Tests of "no desk found" need a clean ancestry.)
pub fn inside_a_desk(dir: &Path) -> bool {
    dir.ancestors().any(|d| d.join("svcdesk.toml").is_file())
}

/// A timer's SLA % computed from `export timers` rows alone: of the runs decided in
/// the period (a `decided` prefix such as "2026-11"), met ÷ (met + breached + missed).
pub fn sla_pct_from_export(
    rows: &[Vec<String>],
    header: &[String],
    timer: &str,
    period: &str,
) -> String {
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut met = 0;
    let mut all = 0;
    for r in rows
        .iter()
        .filter(|r| r[col("timer")] == timer && r[col("decided")].starts_with(period))
    {
        match r[col("outcome")].as_str() {
            "met" => {
                met += 1;
                all += 1;
            }
            "breached" | "missed" => all += 1,
            other => panic!("a decided run is met, breached or missed, not {other}"),
        }
    }
    if all == 0 {
        String::new()
    } else {
        format!("{:.1}", met as f64 * 100.0 / all as f64)
    }
}

/// git in `dir` with a fixed identity, and HOME = `dir` so no user config counts.
pub fn git(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "init.defaultBranch=main", "-c", "pull.rebase=false"])
        .args(args)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs")
}

/// `git`, asserting success; returns stdout.
pub fn git_ok(dir: &Path, args: &[&str]) -> String {
    let o = git(dir, args);
    assert!(
        o.status.success(),
        "git {args:?} failed\nstdout:\n{}\nstderr:\n{}",
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}
