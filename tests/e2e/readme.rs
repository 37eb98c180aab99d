//! README's tour is a script a newcomer pastes: run it as written, so it never rots —
//! with `sh` (POSIX, dash where /bin/sh is dash), at the day the README was written, at
//! today's real date and a year from now, so nothing in it expires.

use std::path::Path;

use crate::common::path_with_svcdesk;

fn tour() -> String {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let tour = readme
        .split("## A ten-minute tour")
        .nth(1)
        .expect("a tour section");
    tour.split("```sh\n")
        .nth(1)
        .and_then(|s| s.split("\n```").next())
        .expect("a sh block in the tour")
        .to_string()
}

/// Runs the tour in a fresh folder; `now` is SVCDESK_NOW, or the real clock if None.
fn run_tour(now: Option<&str>) {
    let script = tour();
    let tmp = tempfile::tempdir().unwrap();
    let path = path_with_svcdesk();
    let mut cmd = std::process::Command::new("sh");
    cmd.args(["-eu", "-c", &script])
        .current_dir(tmp.path())
        .env("PATH", path)
        .env_remove("SVCDESK_NOW")
        .env_remove("SVCDESK_DIR")
        .env_remove("SVCDESK_USER");
    if let Some(now) = now {
        cmd.env("SVCDESK_NOW", now);
    }
    let o = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "the tour failed at {now:?}:\n{err}");
    assert!(err.contains("close (now closed)"), "{err}");
    let desk = tmp.path().join("mydesk");
    assert!(desk.join("svcdesk.toml").is_file());
    let csv = std::fs::read_to_string(desk.join("open-major.csv")).unwrap();
    assert!(csv.starts_with("id,state,grade"), "{csv}");
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "the tour's open grade III ticket: {csv}");
    assert!(rows[0].contains(",III,"), "{csv}");
}

#[test]
fn the_readme_tour_runs_as_written() {
    // The day the README's sample IDs and times are from (pinned on purpose).
    run_tour(Some("2026-11-24T09:30:00+08:00"));
}

#[test]
fn the_readme_tour_runs_today() {
    run_tour(None);
}

#[test]
fn the_readme_tour_runs_a_year_from_now() {
    let later = chrono::Utc::now() + chrono::Days::new(366);
    let shanghai = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    run_tour(Some(
        &later
            .with_timezone(&shanghai)
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
    ));
}
