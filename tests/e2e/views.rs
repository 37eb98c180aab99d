//! Saved views (`[views.NAME]`, `ticket list @NAME`), `--text … --history`, and ticket
//! steps on the tickets a `--where` filter keeps: one commit, `--dry-run` writes nothing.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::common::{TestDesk, git_ok, parse_csv, run_at, stderr, stdout};

/// A desk with a customer and three tickets: a complaint and a consultation assigned to
/// wang, a quality case assigned to li. Returns the IDs in that order.
fn desk() -> (TestDesk, [String; 3]) {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械", "--phone", "13800001111"]);
    let open = |category: &str, text: &str| {
        d.ok(&[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            category,
            "-m",
            text,
        ])
        .trim()
        .to_string()
    };
    let ids = [
        open("complaint", "泵漏水"),
        open("consult", "how to reset the controller"),
        open("quality", "spindle vibrates"),
    ];
    d.ok(&["ticket", "assign", &ids[0], &ids[1], "--to", "wang"]);
    d.ok(&["ticket", "assign", &ids[2], "--to", "li"]);
    (d, ids)
}

/// The first column of a CSV listing.
fn ids_of(csv: &str) -> Vec<String> {
    parse_csv(csv).1.into_iter().map(|r| r[0].clone()).collect()
}

/// Every file under the desk (`.git` aside) and its bytes.
fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            if p.is_dir() {
                walk(&p, root, out);
            } else {
                let key = p.strip_prefix(root).unwrap().display().to_string();
                out.insert(key, fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

#[test]
fn a_view_lists_its_tickets_and_flags_narrow_it() {
    let (d, [complaint, consult, _quality]) = desk();
    d.append_config(
        "\n[views.wang-open]\ndescription = \"wang's open tickets\"\n\
         assignee = \"wang\"\nopen = true\nsort = \"id\"\nreverse = true\n",
    );
    let mut want = vec![complaint.clone(), consult.clone()];
    want.sort();
    want.reverse();
    let listed = d.ok(&["ticket", "list", "@wang-open", "--format", "csv"]);
    assert_eq!(ids_of(&listed), want, "{listed}");
    // A flag narrows the view.
    let narrowed = d.ok(&[
        "ticket",
        "list",
        "@wang-open",
        "--category",
        "complaint",
        "--format",
        "csv",
    ]);
    assert_eq!(ids_of(&narrowed), [complaint.as_str()], "{narrowed}");
    // The view is listed with its description and keys; the defaults of `init` too.
    let views = d.ok(&["ticket", "list", "--views", "--format", "csv"]);
    let (_, rows) = parse_csv(&views);
    let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        names,
        ["@my-open", "@overdue", "@waiting-customer", "@wang-open"]
    );
    assert_eq!(rows[3][1], "wang's open tickets");
    assert!(rows[3][2].contains("assignee = \"wang\""), "{views}");
    // Shells complete @VIEW from the same list.
    let offered = d.ok(&["__complete", "view", "@wa"]);
    assert!(offered.lines().any(|l| l == "@wang-open"), "{offered}");
    // `my-open` of `init`: the tickets of whoever runs the command.
    let mine = d.ok(&[
        "--as", "li", "ticket", "list", "@my-open", "--format", "csv",
    ]);
    assert_eq!(ids_of(&mine).len(), 1, "{mine}");
    // A misspelt view is refused with the nearest name.
    let err = d.fails(1, &["ticket", "list", "@wang-opne"]);
    assert!(err.contains("no view \"wang-opne\""), "{err}");
    assert!(err.contains("did you mean wang-open?"), "{err}");
    // A filter word without @ is a usage error that says how to write a view.
    let err = d.fails(2, &["ticket", "list", "wang-open"]);
    assert!(err.contains("write @NAME"), "{err}");
}

#[test]
fn a_view_counts_days_from_today() {
    let (d, ids) = desk();
    d.append_config("\n[views.this-week]\nopened_from = \"-7d\"\n");
    let now = d.ok(&["ticket", "list", "@this-week", "--format", "csv"]);
    assert_eq!(ids_of(&now).len(), ids.len(), "{now}");
    let later = run_at(
        &d,
        "2026-12-10T09:00:00+08:00",
        &["ticket", "list", "@this-week", "--format", "csv"],
    );
    assert_eq!(later.status.code(), Some(0), "{}", stderr(&later));
    assert!(ids_of(&stdout(&later)).is_empty(), "{}", stdout(&later));
}

#[test]
fn a_bad_view_key_or_value_names_file_line_and_column() {
    for (bad, needle, message) in [
        (
            "asignee = \"wang\"",
            "\"wang\"",
            "views.x.asignee: unknown key \"asignee\" (did you mean \"assignee\"?)",
        ),
        ("state = [\"new\", \"lost\"]", "[\"new\"", "views.x.state: "),
        (
            "opened_from = \"yesterday\"",
            "\"yesterday\"",
            "views.x.opened_from: \"yesterday\" is not a day",
        ),
        (
            "sort = \"size\"",
            "\"size\"",
            "views.x.sort: \"size\" is not a sort key",
        ),
    ] {
        let d = TestDesk::new();
        d.append_config(&format!("\n[views.x]\nopen = true\n{bad}\n"));
        let text = d.read("svcdesk.toml");
        let line = text.lines().count();
        let last = text.lines().last().unwrap();
        let column = last[..last.find(needle).unwrap()].chars().count() + 1;
        // Every command refuses the config, pointing at the key or value.
        let err = d.fails(1, &["ticket", "list"]);
        assert!(
            err.contains(&format!("svcdesk.toml:{line}:{column}: {message}")),
            "{bad}: want {line}:{column} {message}\n{err}"
        );
    }
}

#[test]
fn a_view_and_a_filter_find_a_word_written_only_in_a_note() {
    let (d, [complaint, ..]) = desk();
    d.ok(&["ticket", "note", &complaint, "-m", "密封圈老化, seal worn"]);
    // The current fields do not hold it.
    let plain = d.ok(&["ticket", "list", "--text", "密封圈", "--format", "csv"]);
    assert!(ids_of(&plain).is_empty(), "{plain}");
    let history = d.ok(&[
        "ticket",
        "list",
        "--text",
        "SEAL",
        "--history",
        "--format",
        "csv",
    ]);
    assert_eq!(ids_of(&history), [complaint.as_str()], "{history}");
    d.append_config("\n[views.seals]\ntext = \"密封圈\"\nhistory = true\n");
    let view = d.ok(&["ticket", "list", "@seals", "--format", "csv"]);
    assert_eq!(ids_of(&view), [complaint], "{view}");
}

#[test]
fn bulk_assign_by_where_changes_exactly_the_matching_tickets_in_one_commit() {
    let (d, [complaint, consult, quality]) = desk();
    git_ok(&d.root, &["init", "-q"]);
    git_ok(&d.root, &["config", "user.name", "Test"]);
    git_ok(&d.root, &["config", "user.email", "test@example.com"]);
    d.ok(&["git", "setup"]);
    git_ok(&d.root, &["add", "-A"]);
    git_ok(&d.root, &["commit", "-q", "-m", "start"]);

    // --dry-run says what it would do and changes no byte (the local ticket cache
    // included, once a listing has filled it).
    d.ok(&["ticket", "list"]);
    let before = snapshot(&d.root);
    let o = d.run(&[
        "ticket",
        "assign",
        "--where",
        "assignee=wang",
        "--where",
        "open",
        "--to",
        "li",
        "--dry-run",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut want = vec![complaint.clone(), consult.clone()];
    want.sort();
    assert_eq!(stdout(&o).lines().collect::<Vec<_>>(), want);
    assert!(stderr(&o).contains("would assign to li"), "{}", stderr(&o));
    assert!(snapshot(&d.root) == before, "--dry-run changed the desk");

    let o = d.run(&[
        "--commit",
        "ticket",
        "assign",
        "--where",
        "assignee=wang",
        "--where",
        "open",
        "--to",
        "li",
        "--reason",
        "wang is away",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().collect::<Vec<_>>(), want);
    let log = git_ok(&d.root, &["log", "--format=%s"]);
    assert_eq!(log.lines().count(), 2, "one commit for the batch:\n{log}");
    assert_eq!(log.lines().next(), Some("ticket assign: 2 tickets to li"));
    let changed = git_ok(&d.root, &["show", "--name-only", "--format=", "HEAD"]);
    let mut changed: Vec<&str> = changed.lines().collect();
    changed.sort();
    let files: Vec<String> = want
        .iter()
        .map(|id| format!("tickets/2026/11/{id}.toml"))
        .collect();
    assert_eq!(changed, files);
    assert_eq!(git_ok(&d.root, &["status", "--porcelain"]), "");
    let listed = d.ok(&["ticket", "list", "--assignee", "li", "--format", "csv"]);
    let mut all = vec![complaint, consult, quality];
    all.sort();
    assert_eq!(ids_of(&listed), all);

    // Nothing left to match: nothing to do, exit 0.
    let o = d.run(&["ticket", "assign", "--where", "assignee=wang", "--to", "li"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("no tickets match --where"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn where_takes_views_and_refuses_ids_or_unknown_keys() {
    let (d, [complaint, ..]) = desk();
    d.append_config("\n[views.complaints]\ncategory = \"complaint\"\n");
    let out = d.ok(&[
        "ticket",
        "grade",
        "--where",
        "@complaints",
        "--where",
        "open",
        "II",
        "--dry-run",
    ]);
    assert_eq!(out.trim(), complaint);
    let err = d.fails(2, &["ticket", "accept", &complaint, "--where", "open"]);
    assert!(err.contains("cannot be used with"), "{err}");
    let err = d.fails(2, &["ticket", "accept", "--where", "asignee=wang"]);
    assert!(err.contains("did you mean \"assignee\"?"), "{err}");
    let err = d.fails(2, &["ticket", "accept", "--where", "wang"]);
    assert!(err.contains("KEY=VALUE"), "{err}");
}

#[test]
fn show_numbers_the_events_as_csv_and_split_do() {
    let (d, [complaint, ..]) = desk();
    d.ok(&["ticket", "note", &complaint, "-m", "called back"]);
    let out = d.ok(&["ticket", "show", &complaint]);
    let timeline = out.split_once("Timeline:\n").unwrap().1;
    let timeline = timeline.split("\nSLA:\n").next().unwrap();
    let lines: Vec<&str> = timeline.lines().filter(|l| !l.trim().is_empty()).collect();
    let csv = d.ok(&["ticket", "show", &complaint, "--format", "csv"]);
    for (i, l) in lines.iter().enumerate() {
        let n = i + 1;
        assert!(l.trim_start().starts_with(&format!("#{n} ")), "{l:?}");
        let action = csv
            .lines()
            .find_map(|r| r.strip_prefix(&format!("event.{n}.action,")))
            .unwrap();
        assert!(l.split_whitespace().any(|w| w == action), "{l} / {action}");
    }
    assert!(lines.last().unwrap().contains("called back"));
}
