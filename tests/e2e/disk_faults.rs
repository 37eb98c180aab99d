//! The disk says no: a full file system, a read-only mount, a desk owned by someone else.
//! Each write must fail with a clear error naming the file, leave the old record
//! byte-for-byte intact and no temporary file behind, and reads must go on working.
//!
//! Real faults, not mocks: a tiny tmpfs and a read-only bind mount inside a private mount
//! namespace (`unshare --map-root-user --mount`, which needs no privileges where user
//! namespaces are enabled), and a second user via `setpriv` when the tests run as root.
//! Where namespaces are not available, the full disk falls back to a file-size limit
//! (`ulimit -f`, EFBIG), which fails the same write at the same place.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::common::*;

fn namespaces_work() -> bool {
    // Set to exercise the fallbacks on a machine that has namespaces.
    if std::env::var_os("SVCDESK_TEST_NO_NAMESPACES").is_some() {
        return false;
    }
    Command::new("unshare")
        .args(["--map-root-user", "--mount", "true"])
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `script` with sh, inside a private mount namespace when `namespace`; the svcdesk
/// binary is $BIN and the test clock and user are set. Returns the script's output.
fn sh(namespace: bool, script: &str, vars: &[(&str, &Path)]) -> std::process::Output {
    let mut c = if namespace {
        let mut c = Command::new("unshare");
        c.args(["--map-root-user", "--mount", "sh", "-c", script]);
        c
    } else {
        let mut c = Command::new("sh");
        c.args(["-c", script]);
        c
    };
    c.env("BIN", bin())
        .env("SVCDESK_NOW", NOW)
        .env("SVCDESK_USER", USER)
        .env_remove("SVCDESK_DIR");
    for (k, v) in vars {
        c.env(k, v);
    }
    let o = c.output().expect("sh runs");
    assert!(
        o.status.success(),
        "the script failed: {}\n{}",
        stdout(&o),
        stderr(&o)
    );
    o
}

fn read(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A desk with one ticket that has some history; returns (desk, ticket ID, its rel path).
fn desk_with_ticket() -> (TestDesk, String, String) {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械", "--phone", "021-5555-0101"]);
    let t = d
        .ok(&[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "quality",
            "-m",
            "漏油",
        ])
        .trim()
        .to_string();
    d.ok(&["ticket", "grade", &t, "II"]);
    let rel = format!("tickets/2026/11/{t}.toml");
    (d, t, rel)
}

#[test]
fn a_full_disk_fails_the_write_and_keeps_the_record() {
    let (d, t, rel) = desk_with_ticket();
    let before = d.read(&rel);
    let note = d.tmp.path().join("note.txt");
    fs::write(&note, "现场检查记录 ".repeat(4000)).unwrap();
    let out = d.tmp.path().join("out");
    let mnt = d.tmp.path().join("mnt");
    fs::create_dir_all(&out).unwrap();
    fs::create_dir_all(&mnt).unwrap();
    let namespace = namespaces_work();
    // The same steps either way: fill the disk, try the write, look, free it, retry.
    let (setup, fill, run) = if namespace {
        (
            "mount -t tmpfs -o size=512k tmpfs \"$MNT\" && cp -a \"$DESK\" \"$MNT/desk\" && D=\"$MNT/desk\"",
            "dd if=/dev/zero of=\"$MNT/filler\" bs=4k 2>/dev/null; true",
            "\"$BIN\"",
        )
    } else {
        (
            "D=\"$DESK\"",
            "true",
            "sh -c 'trap \"\" XFSZ; ulimit -f 8; exec \"$0\" \"$@\"' \"$BIN\"",
        )
    };
    let script = format!(
        r#"set -u
{setup}
{fill}
{run} -C "$D" ticket note {t} -m "$(cat "$NOTE")" >"$OUT/note.out" 2>"$OUT/note.err"; echo $? >"$OUT/note.rc"
cp "$D/{rel}" "$OUT/after.toml"
ls -A "$D/tickets/2026/11" >"$OUT/ls"
"$BIN" -C "$D" check >"$OUT/check.out" 2>&1; echo $? >"$OUT/check.rc"
rm -f "$MNT/filler"
"$BIN" -C "$D" ticket note {t} -m "$(cat "$NOTE")" 2>"$OUT/retry.err"; echo $? >"$OUT/retry.rc"
grep -c 'action = "note"' "$D/{rel}" >"$OUT/notes"
true
"#
    );
    sh(
        namespace,
        &script,
        &[
            ("DESK", &d.root),
            ("MNT", &mnt),
            ("OUT", &out),
            ("NOTE", &note),
        ],
    );
    let err = read(&out, "note.err");
    assert_eq!(read(&out, "note.rc"), "1\n", "{err}");
    assert_eq!(read(&out, "note.out"), "");
    assert!(
        err.starts_with("error: ")
            && (err.contains("No space left on device") || err.contains("File too large"))
            && err.contains(&t),
        "a clear error naming the file: {err}"
    );
    assert_eq!(read(&out, "after.toml"), before, "the record is intact");
    assert_eq!(
        read(&out, "ls"),
        format!("{t}.toml\n"),
        "no temporary file is left behind"
    );
    assert_eq!(read(&out, "check.rc"), "0\n", "{}", read(&out, "check.out"));
    assert_eq!(
        read(&out, "retry.rc"),
        "0\n",
        "with space again the same write succeeds: {}",
        read(&out, "retry.err")
    );
    assert_eq!(read(&out, "notes"), "1\n");
}

#[test]
fn a_read_only_desk_refuses_writes_and_still_reads() {
    let (d, t, rel) = desk_with_ticket();
    let before = d.read(&rel);
    let out = d.tmp.path().join("out");
    fs::create_dir_all(&out).unwrap();
    // A read-only mount where namespaces work; else a desk owned by another user.
    let namespace = namespaces_work();
    let script = format!(
        r#"set -u
{setup}
$AS "$BIN" -C "$DESK" ticket note {t} -m 'x' >"$OUT/note.out" 2>"$OUT/note.err"; echo $? >"$OUT/note.rc"
$AS "$BIN" -C "$DESK" ticket list --format csv >"$OUT/list.out" 2>&1; echo $? >"$OUT/list.rc"
$AS "$BIN" -C "$DESK" ticket show {t} >"$OUT/show.out" 2>&1; echo $? >"$OUT/show.rc"
$AS "$BIN" -C "$DESK" sla check >"$OUT/sla.out" 2>&1; echo $? >"$OUT/sla.rc"
$AS "$BIN" -C "$DESK" check >"$OUT/check.out" 2>&1; echo $? >"$OUT/check.rc"
"#,
        setup = if namespace {
            "mount --bind -o ro \"$DESK\" \"$DESK\"; AS="
        } else if running_as_root() {
            "AS='setpriv --reuid=65534 --regid=65534 --clear-groups'"
        } else {
            "AS="
        },
    );
    if !namespace {
        read_only_by_permissions(&d);
    }
    sh(namespace, &script, &[("DESK", &d.root), ("OUT", &out)]);
    if !namespace {
        writable_again(&d);
    }
    let err = read(&out, "note.err");
    assert_eq!(read(&out, "note.rc"), "1\n", "{err}");
    assert!(
        err.starts_with("error: ")
            && (err.contains("Read-only file system") || err.contains("Permission denied")),
        "{err}"
    );
    assert_eq!(d.read(&rel), before);
    for (what, code) in [("list", "0"), ("show", "0"), ("check", "0")] {
        assert_eq!(
            read(&out, &format!("{what}.rc")),
            format!("{code}\n"),
            "{what} on a read-only desk: {}",
            read(&out, &format!("{what}.out"))
        );
    }
    assert!(read(&out, "list.out").contains(&t));
    // A fresh grade II ticket is within its SLA: a clean, silent check.
    assert_eq!(read(&out, "sla.rc"), "0\n", "{}", read(&out, "sla.out"));
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout == b"0\n")
}

/// Without namespaces: take write permission away. Root ignores permissions, so as root
/// svcdesk runs as nobody (setpriv), who may then read the desk but not write it.
fn read_only_by_permissions(d: &TestDesk) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(d.tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
    for e in walkdir::WalkDir::new(&d.root) {
        let e = e.unwrap();
        let mode = if e.file_type().is_dir() { 0o555 } else { 0o444 };
        fs::set_permissions(e.path(), fs::Permissions::from_mode(mode)).unwrap();
    }
}

fn writable_again(d: &TestDesk) {
    use std::os::unix::fs::PermissionsExt;
    for e in walkdir::WalkDir::new(&d.root) {
        let e = e.unwrap();
        let mode = if e.file_type().is_dir() { 0o755 } else { 0o644 };
        fs::set_permissions(e.path(), fs::Permissions::from_mode(mode)).unwrap();
    }
}

#[test]
fn another_users_desk_is_permission_denied_and_readable() {
    let (d, t, rel) = desk_with_ticket();
    let before = d.read(&rel);
    let root_user = running_as_root();
    let run = |args: &[&str]| {
        let mut c = if root_user {
            // The desk stays root's; svcdesk runs as nobody, as a colleague without rights.
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(bin());
            c
        } else {
            Command::new(bin())
        };
        c.arg("-C")
            .arg(&d.root)
            .args(args)
            .env("SVCDESK_NOW", NOW)
            .env("SVCDESK_USER", USER)
            .env_remove("SVCDESK_DIR")
            .current_dir("/")
            .output()
            .unwrap()
    };
    if root_user {
        use std::os::unix::fs::PermissionsExt;
        // tempfile's directory is private (0700); a colleague may look, not write.
        fs::set_permissions(d.tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
    } else {
        read_only_by_permissions(&d);
    }
    let o = run(&["ticket", "note", &t, "-m", "x"]);
    let shown = run(&["ticket", "show", &t]);
    if !root_user {
        writable_again(&d);
    }
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.starts_with("error: ") && err.contains("Permission denied") && err.contains(".svcdesk"),
        "names what it could not write: {err}"
    );
    assert_eq!(d.read(&rel), before);
    assert_eq!(shown.status.code(), Some(0), "{}", stderr(&shown));
    assert!(stdout(&shown).contains(&t));
}

/// A desk folder svcdesk may not look into is "permission denied", naming it, never
/// "not a desk": the fix (ask for access) differs from the fix for a wrong -C.
#[test]
fn a_desk_one_may_not_enter_is_permission_denied_not_no_desk() {
    use std::os::unix::fs::PermissionsExt;
    let (d, _t, _rel) = desk_with_ticket();
    let root_user = running_as_root();
    let run = |args: &[&str], cwd: &Path| {
        let mut c = if root_user {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(bin());
            c
        } else {
            Command::new(bin())
        };
        c.args(args)
            .env("SVCDESK_NOW", NOW)
            .env("SVCDESK_USER", USER)
            .env_remove("SVCDESK_DIR")
            .current_dir(cwd)
            .output()
            .unwrap()
    };
    // The folder holding the desk may be seen, the desk itself not entered.
    fs::set_permissions(d.tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(&d.root, fs::Permissions::from_mode(0o700)).unwrap();
    if !root_user {
        fs::set_permissions(&d.root, fs::Permissions::from_mode(0o000)).unwrap();
    }
    let o = run(
        &["-C", d.root.to_str().unwrap(), "ticket", "list"],
        Path::new("/"),
    );
    if !root_user {
        fs::set_permissions(&d.root, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("Permission denied") && err.contains(d.root.to_str().unwrap()),
        "names the folder and why: {err}"
    );
    assert!(!err.contains("not a desk"), "{err}");
}
