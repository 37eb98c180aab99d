//! Documentation that ships: man pages current with the command definitions, completions
//! for every shell, and the example scripts runnable.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

fn pages(dir: &Path) -> BTreeMap<String, String> {
    fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "1"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn man_pages_are_current() {
    let tmp = tempfile::tempdir().unwrap();
    common::svcdesk()
        .env_remove("SVCDESK_USER")
        .args(["man"])
        .arg(tmp.path())
        .assert()
        .success();
    let fresh = pages(tmp.path());
    let shipped = pages(&Path::new(env!("CARGO_MANIFEST_DIR")).join("man"));
    let stale: Vec<&String> = fresh
        .keys()
        .chain(shipped.keys())
        .filter(|k| fresh.get(*k) != shipped.get(*k))
        .collect();
    assert!(
        stale.is_empty(),
        "man/ is stale ({stale:?}); regenerate with: cargo run -q -- man man"
    );
    assert!(fresh.contains_key("svcdesk.1") && fresh.contains_key("svcdesk-ticket-open.1"));
}

#[test]
fn man_pages_render_without_warnings() {
    let groff = std::process::Command::new("groff")
        .arg("--version")
        .output();
    if groff.is_err() {
        eprintln!("groff not installed; skipping the render check");
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    for name in pages(&dir).keys() {
        let o = std::process::Command::new("groff")
            // Long CSV column lists cannot be broken; that "break" warning is not a fault.
            .args(["-K", "utf8", "-T", "utf8", "-man", "-ww", "-Wbreak", "-z"])
            .arg(dir.join(name))
            .output()
            .unwrap();
        assert!(o.status.success(), "{name}: groff failed");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.trim().is_empty(), "{name}: groff warns:\n{err}");
    }
}

#[test]
fn completions_generate_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = common::svcdesk()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(o.status.success(), "{shell}");
        let text = String::from_utf8(o.stdout).unwrap();
        assert!(
            text.len() > 1000 && text.contains("svcdesk"),
            "{shell}: {text:.200}"
        );
        assert!(
            text.contains("ticket") && text.contains("customer"),
            "{shell}"
        );
    }
    let o = common::svcdesk()
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}
