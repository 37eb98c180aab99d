//! README's tour is a script a newcomer pastes: run it as written, so it never rots.

use std::path::Path;

#[test]
fn the_readme_tour_runs_as_written() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let tour = readme
        .split("## A ten-minute tour")
        .nth(1)
        .expect("a tour section");
    let script = tour
        .split("```sh\n")
        .nth(1)
        .and_then(|s| s.split("\n```").next())
        .expect("a sh block in the tour");
    let bin = assert_cmd::cargo::cargo_bin("svcdesk");
    let tmp = tempfile::tempdir().unwrap();
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = std::process::Command::new("bash")
        .args(["-euo", "pipefail", "-c", script])
        .current_dir(tmp.path())
        .env("PATH", path)
        .env("SVCDESK_NOW", "2026-11-24T09:30:00+08:00")
        .env_remove("SVCDESK_DIR")
        .env_remove("SVCDESK_USER")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "the tour failed:\n{err}");
    assert!(err.contains("close (now closed)"), "{err}");
    let desk = tmp.path().join("mydesk");
    assert!(desk.join("svcdesk.toml").is_file());
    assert!(
        std::fs::read_to_string(desk.join("open-major.csv"))
            .unwrap()
            .starts_with("id,state,grade")
    );
}
