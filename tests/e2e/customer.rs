//! End-to-end: `svcdesk customer add|edit|note|show|list`, abbreviated IDs, duplicate
//! detection, hand-written comments surviving edits, malformed records.

use std::fs;

use predicates::Predicate;

use crate::common::{
    self, TestDesk, changed_lines, names_position, parse_csv, parse_json, stderr, stdout, svcdesk,
};

const LIST_CSV_HEADER: &str =
    "id,name,contact,phone,email,industry,source,referred_by,tags,created,log_entries,last_contact";

// ---------------------------------------------------------------- add

#[test]
fn add_prints_only_the_id_and_writes_the_record() {
    let desk = TestDesk::new();
    let o = desk.run(&[
        "customer",
        "add",
        "--name",
        "华东机械有限公司",
        "--contact",
        "张伟",
        "--phone",
        "138-0000-1111",
        "--email",
        "zhang@example.com",
        "--industry",
        "manufacturing",
        "--source",
        "trade-show",
        "--address",
        "上海市浦东新区 1 号",
        "--notes",
        "first met at the Shanghai fair",
        "--tag",
        "vip",
        "--tag",
        "east",
        "--tag",
        "vip",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "add is quiet on success");
    let out = stdout(&o);
    // Exactly one line: the ID, dated by SVCDESK_NOW in the desk's time zone.
    let just_an_id = predicates::str::is_match(r"\AC20261124-[0-9A-HJKMNP-TV-Z]{6}\n\z").unwrap();
    assert!(
        just_an_id.eval(out.as_str()),
        "stdout is not just an ID: {out:?}"
    );
    let id = out.trim_end();
    assert_eq!(desk.customer_files(), vec![format!("{id}.toml")]);
    let t = desk.customer_toml(id);
    assert_eq!(t["schema"].as_integer(), Some(1));
    assert_eq!(t["id"].as_str(), Some(id));
    assert_eq!(t["name"].as_str(), Some("华东机械有限公司"));
    assert_eq!(t["contact"].as_str(), Some("张伟"));
    assert_eq!(t["phone"].as_str(), Some("138-0000-1111"));
    assert_eq!(t["email"].as_str(), Some("zhang@example.com"));
    assert_eq!(t["industry"].as_str(), Some("manufacturing"));
    assert_eq!(t["source"].as_str(), Some("trade-show"));
    assert_eq!(t["address"].as_str(), Some("上海市浦东新区 1 号"));
    assert_eq!(t["notes"].as_str(), Some("first met at the Shanghai fair"));
    let tags: Vec<&str> = t["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(tags, ["vip", "east"], "tags kept in order, deduplicated");
    assert_eq!(
        t["created"]
            .as_datetime()
            .map(ToString::to_string)
            .as_deref(),
        Some("2026-11-24T09:30:00+08:00")
    );
    assert_eq!(t["created_by"].as_str(), Some("wang"));
    // The record starts with its schema, so a future version can migrate it.
    assert!(desk.read_customer(id).starts_with("schema = 1\n"));
    // No temp files left next to it.
    assert!(fs::read_dir(desk.path("customers")).unwrap().all(|e| {
        let n = e.unwrap().file_name();
        let n = n.to_string_lossy();
        n == ".gitkeep" || n.ends_with(".toml")
    }));
}

#[test]
fn add_dates_the_id_in_the_desk_time_zone() {
    let desk = TestDesk::new();
    // 20:00 UTC on the 23rd is 04:00 on the 24th in Shanghai.
    let o = desk
        .cmd()
        .env("SVCDESK_NOW", "2026-11-23T20:00:00Z")
        .args(["customer", "add", "--name", "Night owl"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let id = stdout(&o).trim_end().to_string();
    assert!(common::is_customer_id(&id, "20261124"), "{id}");
    let t = desk.customer_toml(&id);
    assert_eq!(
        t["created"]
            .as_datetime()
            .map(ToString::to_string)
            .as_deref(),
        Some("2026-11-24T04:00:00+08:00"),
        "times are written in the desk's zone"
    );
}

#[test]
fn add_at_records_an_earlier_registration() {
    let desk = TestDesk::new();
    let out = desk.ok(&[
        "customer",
        "add",
        "--name",
        "Earlier",
        "--at",
        "2026-11-20 14:05",
    ]);
    let id = out.trim_end();
    assert!(common::is_customer_id(id, "20261120"), "{id}");
    let t = desk.customer_toml(id);
    assert_eq!(
        t["created"].as_datetime().unwrap().to_string(),
        "2026-11-20T14:05:00+08:00"
    );
}

#[test]
fn add_needs_a_name() {
    let desk = TestDesk::new();
    for args in [
        &["customer", "add", "--phone", "13800001111"][..],
        &["customer", "add", "--name", "   "],
    ] {
        let err = desk.fails(1, args);
        assert!(
            err.contains("needs a name") && err.contains("--name"),
            "{err}"
        );
    }
    assert!(desk.customer_files().is_empty());
}

#[test]
fn add_with_unknown_referrer_fails_and_writes_nothing() {
    let desk = TestDesk::new();
    let err = desk.fails(
        1,
        &["customer", "add", "--name", "X", "--referred-by", "ZZZZ"],
    );
    assert!(err.contains("no customer matches \"ZZZZ\""), "{err}");
    assert!(desk.customer_files().is_empty());
}

// ---------------------------------------------------------------- duplicates

#[test]
fn duplicate_phone_is_refused_by_its_digits() {
    let desk = TestDesk::new();
    let first = desk.add(&["--name", "华东机械", "--phone", "138-0000-1111"]);
    let err = desk.fails(
        1,
        &[
            "customer",
            "add",
            "--name",
            "Someone else",
            "--phone",
            "13800001111",
        ],
    );
    assert!(err.contains(&first), "existing ID not listed: {err}");
    assert!(err.contains("--force"), "no hint: {err}");
    assert_eq!(desk.customer_files().len(), 1, "refused add wrote a file");
    // Spaces and a country-code-free format with spaces are the same digits too.
    desk.fails(
        1,
        &[
            "customer",
            "add",
            "--name",
            "Third",
            "--phone",
            "138 0000 1111",
        ],
    );

    let o = desk.run(&[
        "customer",
        "add",
        "--name",
        "Someone else",
        "--phone",
        "13800001111",
        "--force",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let second = stdout(&o).trim_end().to_string();
    assert!(common::is_customer_id(&second, "20261124"));
    assert_ne!(second, first);
    let err = stderr(&o);
    assert!(
        err.contains("warning") && err.contains(&first),
        "forced add did not warn: {err}"
    );
    assert_eq!(desk.customer_files().len(), 2);
}

#[test]
fn duplicate_name_is_refused_ignoring_case_and_spaces() {
    let desk = TestDesk::new();
    let cjk = desk.add(&["--name", "华东机械有限公司"]);
    let latin = desk.add(&["--name", "Acme Trading"]);
    let err = desk.fails(1, &["customer", "add", "--name", " 华东机械有限公司 "]);
    assert!(err.contains(&cjk) && err.contains("--force"), "{err}");
    let err = desk.fails(
        1,
        &[
            "customer",
            "add",
            "--name",
            "ACME TRADING",
            "--phone",
            "110",
        ],
    );
    assert!(err.contains(&latin) && !err.contains(&cjk), "{err}");
    assert_eq!(desk.customer_files().len(), 2);
    // A different name and phone is not a duplicate.
    desk.add(&["--name", "华东机械", "--phone", "13900000000"]);
}

// ---------------------------------------------------------------- abbreviated IDs

/// Two hand-made customers sharing the random-part prefix `K7`, and one with a `10`.
fn desk_with_chosen_ids() -> TestDesk {
    let desk = TestDesk::new();
    desk.write_customer("C20261124-K7Q2XM", "Kilo Quebec");
    desk.write_customer("C20261124-K7R3AB", "Kilo Romeo");
    desk.write_customer("C20261120-10ABCD", "One Zero");
    desk.ok(&["check"]);
    desk
}

fn shown_id(desk: &TestDesk, query: &str) -> String {
    let v = parse_json(&desk.ok(&["customer", "show", query, "--format", "json"]));
    v["id"].as_str().unwrap().to_string()
}

#[test]
fn abbreviations_resolve_case_insensitively() {
    let desk = desk_with_chosen_ids();
    for (q, want) in [
        ("K7Q", "C20261124-K7Q2XM"),
        ("k7q", "C20261124-K7Q2XM"),
        ("k7r3ab", "C20261124-K7R3AB"),
        ("C20261124-K7Q", "C20261124-K7Q2XM"),
        ("c20261124-k7r", "C20261124-K7R3AB"),
        ("C20261124-k7q2xm", "C20261124-K7Q2XM"),
        ("C20261120", "C20261120-10ABCD"),
        // Crockford aliases in the random part: l/i read as 1, o as 0.
        ("lo", "C20261120-10ABCD"),
        ("1OAB", "C20261120-10ABCD"),
    ] {
        assert_eq!(shown_id(&desk, q), want, "query {q}");
    }
    // Every command that takes an ID accepts an abbreviation.
    desk.ok(&["customer", "edit", "k7q", "--phone", "13800001111"]);
    desk.ok(&["customer", "note", "k7q", "-m", "called"]);
    let t = desk.customer_toml("C20261124-K7Q2XM");
    assert_eq!(t["phone"].as_str(), Some("13800001111"));
    assert_eq!(t["log"].as_array().unwrap().len(), 1);
}

#[test]
fn ambiguous_abbreviation_lists_candidates() {
    let desk = desk_with_chosen_ids();
    for cmd in [
        &["customer", "show", "k7"][..],
        &["customer", "edit", "K7", "--phone", "1"],
        &["customer", "note", "K7", "-m", "x"],
        &["customer", "add", "--name", "New", "--referred-by", "K7"],
    ] {
        let err = desk.fails(1, cmd);
        assert!(err.contains("ambiguous"), "{cmd:?}: {err}");
        assert!(
            err.contains("C20261124-K7Q2XM") && err.contains("C20261124-K7R3AB"),
            "{cmd:?}: candidates not listed: {err}"
        );
        assert!(!err.contains("10ABCD"), "non-matching ID listed: {err}");
    }
    assert!(
        desk.read_customer("C20261124-K7Q2XM")
            .ends_with("created_by = \"wang\"\n")
    );
    assert_eq!(desk.customer_files().len(), 3);
}

#[test]
fn ambiguous_date_prefix_with_generated_ids() {
    let desk = TestDesk::new();
    let a = desk.add(&["--name", "A"]);
    let b = desk.add(&["--name", "B"]);
    let err = desk.fails(1, &["customer", "show", "C2026"]);
    assert!(err.contains("ambiguous"), "{err}");
    assert!(err.contains(&a) && err.contains(&b), "{err}");
    // The random part alone, in lower case, is enough.
    assert_eq!(shown_id(&desk, &a[10..].to_lowercase()), a);
}

#[test]
fn unknown_id_is_an_error_with_near_matches() {
    let desk = desk_with_chosen_ids();
    let err = desk.fails(1, &["customer", "show", "ZZZZ"]);
    assert!(err.contains("no customer matches \"ZZZZ\""), "{err}");
    // One character off a real ID: suggest it.
    let err = desk.fails(1, &["customer", "show", "K7Q2XN"]);
    assert!(err.contains("no customer matches"), "{err}");
    assert!(err.contains("C20261124-K7Q2XM"), "no suggestion: {err}");
    // A well-formed full ID that does not exist.
    let err = desk.fails(1, &["customer", "edit", "C20261124-AAAAAA", "--phone", "1"]);
    assert!(err.contains("no customer matches"), "{err}");
}

/// Found by this suite: a person's stray copy with a CJK file name in customers/ (say
/// `客户名单备份.toml`) makes every unknown-ID lookup panic: `near_matches` in
/// src/desk/mod.rs slices the file stem at a byte index that is not a char boundary.
#[test]
fn unknown_id_with_a_non_ascii_file_in_the_folder_is_a_clean_error() {
    let desk = TestDesk::new();
    let id = desk.add(&["--name", "Acme"]);
    fs::copy(
        desk.customer_path(&id),
        desk.path("customers/客户名单备份.toml"),
    )
    .unwrap();
    let err = desk.fails(1, &["customer", "show", "ZZZZ"]);
    assert!(err.contains("no customer matches \"ZZZZ\""), "{err}");
    // And check names the stray file instead of crashing.
    let out = stdout(&desk.run(&["check"]));
    assert!(out.contains("customers/客户名单备份.toml"), "{out}");
}

#[test]
fn traversal_ids_are_refused_and_nothing_outside_is_read() {
    let desk = TestDesk::new();
    let real = desk.add(&["--name", "Real"]);
    // Decoys where a naive `customers/<ID>.toml` join would land.
    let decoy = common::customer_text("C20261124-AAAAAA", "DECOY");
    fs::write(desk.root.join("x.toml"), &decoy).unwrap();
    fs::write(desk.tmp.path().join("x.toml"), &decoy).unwrap();
    fs::create_dir_all(desk.path("customers/a")).unwrap();
    fs::write(desk.path("customers/a/b.toml"), &decoy).unwrap();
    for q in [
        "../x",
        "../../x",
        "/etc/passwd",
        "a/b",
        "..\\x",
        "..",
        "C20261124-AAAAAA/../../x",
    ] {
        for cmd in [
            vec!["customer", "show", q],
            vec!["customer", "show", q, "--format", "json"],
            vec!["customer", "edit", q, "--phone", "1"],
            vec!["customer", "note", q, "-m", "x"],
            vec!["customer", "add", "--name", "New", "--referred-by", q],
        ] {
            let err = desk.fails(1, &cmd);
            assert!(err.contains("invalid customer ID"), "{cmd:?}: {err}");
            assert!(
                !err.contains("DECOY") && !err.contains("root:"),
                "{cmd:?}: {err}"
            );
        }
    }
    assert_eq!(fs::read_to_string(desk.root.join("x.toml")).unwrap(), decoy);
    assert_eq!(
        fs::read_to_string(desk.tmp.path().join("x.toml")).unwrap(),
        decoy
    );
    let mut want = vec![format!("{real}.toml"), "a".to_string()];
    want.sort();
    assert_eq!(desk.customer_files(), want, "a file was added or removed");
}

// ---------------------------------------------------------------- edit

/// The issue's acceptance test: a person's comment and blank line survive `customer edit`,
/// and the edit changes exactly the edited line.
#[test]
fn hand_written_comment_survives_edit_and_only_the_phone_line_changes() {
    let desk = TestDesk::new();
    let id = desk.add(&[
        "--name",
        "华东机械有限公司",
        "--contact",
        "张伟",
        "--phone",
        "138-0000-1111",
        "--industry",
        "manufacturing",
        "--tag",
        "vip",
    ]);
    // A person adds a comment and a blank line above the phone, and one at the end.
    let generated = desk.read_customer(&id);
    let mut text = String::new();
    for line in generated.lines() {
        if line.starts_with("phone = ") {
            text.push_str("# 王经理's mobile; call after 14:00 (客户要求)\n\n");
            text.push_str(line);
            text.push_str("  # mobile\n");
        } else {
            text.push_str(line);
            text.push('\n');
        }
    }
    text.push_str("\n# reviewed 2026-11 by 李\n");
    fs::write(desk.customer_path(&id), &text).unwrap();
    desk.ok(&["check"]);

    let o = desk.run(&["customer", "edit", &id[10..14], "--phone", "139-1234-5678"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("updated"), "{}", stderr(&o));
    let after = desk.read_customer(&id);
    assert!(
        after.contains("# 王经理's mobile; call after 14:00 (客户要求)\n\nphone"),
        "{after}"
    );
    assert!(after.ends_with("\n# reviewed 2026-11 by 李\n"), "{after}");
    let diff = changed_lines(&text, &after);
    assert_eq!(diff.len(), 1, "more than the phone line changed: {diff:?}");
    let (_, old, new) = &diff[0];
    assert_eq!(old, "phone = \"138-0000-1111\"  # mobile");
    assert_eq!(
        new, "phone = \"139-1234-5678\"  # mobile",
        "the comment after the value survives"
    );
    // And what the tools read is the new value.
    let v = parse_json(&desk.ok(&["customer", "show", &id, "--format", "json"]));
    assert_eq!(v["phone"], "139-1234-5678");
}

#[test]
fn edit_to_the_same_value_changes_nothing() {
    let desk = TestDesk::new();
    let id = desk.add(&["--name", "Acme", "--phone", "13800001111", "--tag", "vip"]);
    let mut text = desk.read_customer(&id);
    text.insert_str(0, "# hand note\n");
    fs::write(desk.customer_path(&id), &text).unwrap();
    let before = fs::read(desk.customer_path(&id)).unwrap();
    for args in [
        &["customer", "edit", &id, "--phone", "13800001111"][..],
        &["customer", "edit", &id, "--tag", "vip"],
        &["customer", "edit", &id, "--untag", "absent"],
        &["customer", "edit", &id, "--clear", "email"],
        &["customer", "edit", &id, "--name", "Acme"],
    ] {
        let o = desk.run(args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("nothing changed"),
            "{args:?}: {}",
            stderr(&o)
        );
        assert_eq!(stdout(&o), "");
        assert_eq!(
            fs::read(desk.customer_path(&id)).unwrap(),
            before,
            "{args:?} rewrote the file"
        );
    }
}

#[test]
fn edit_clear_tag_untag_and_new_fields() {
    let desk = TestDesk::new();
    let id = desk.add(&[
        "--name",
        "Acme",
        "--email",
        "a@acme.example",
        "--phone",
        "13800001111",
        "--tag",
        "vip",
        "--tag",
        "east",
    ]);
    let before = desk.read_customer(&id);

    desk.ok(&["customer", "edit", &id, "--clear", "email"]);
    let after = desk.read_customer(&id);
    assert!(!after.contains("email"), "{after}");
    let removed: Vec<&str> = before
        .lines()
        .filter(|l| !after.lines().any(|a| a == *l))
        .collect();
    assert_eq!(
        removed,
        ["email = \"a@acme.example\""],
        "only the email line went"
    );
    assert_eq!(after.lines().count(), before.lines().count() - 1);

    desk.ok(&[
        "customer",
        "edit",
        &id,
        "--untag",
        "vip",
        "--tag",
        "key-account",
    ]);
    let t = desk.customer_toml(&id);
    let tags: Vec<&str> = t["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(tags, ["east", "key-account"]);
    let diff = changed_lines(&after, &desk.read_customer(&id));
    assert_eq!(diff.len(), 1, "{diff:?}");
    assert!(diff[0].2.starts_with("tags = "), "{diff:?}");

    // Setting a field the record lacks adds it; the name can change; name cannot be cleared.
    desk.ok(&[
        "customer",
        "edit",
        &id,
        "--industry",
        "retail",
        "--name",
        "Acme Ltd",
    ]);
    let t = desk.customer_toml(&id);
    assert_eq!(t["industry"].as_str(), Some("retail"));
    assert_eq!(t["name"].as_str(), Some("Acme Ltd"));
    let err = desk.fails(1, &["customer", "edit", &id, "--clear", "name"]);
    assert!(err.contains("name cannot be cleared"), "{err}");
    let err = desk.fails(1, &["customer", "edit", &id]);
    assert!(err.contains("nothing to change"), "{err}");
}

/// Found by this suite and fixed in src/model/customer.rs: `edit --tag ' east '` stored the
/// spaces (and `--tag ''` an empty tag), and `--untag ' vip '` removed nothing, while `add`
/// trims tags and drops empty ones.
#[test]
fn edit_trims_tags_like_add() {
    let desk = TestDesk::new();
    let id = desk.add(&["--name", "Acme", "--tag", " vip ", "--tag", ""]);
    let tags = |desk: &TestDesk| -> Vec<String> {
        desk.customer_toml(&id)["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(tags(&desk), ["vip"]);
    desk.ok(&["customer", "edit", &id, "--tag", " east ", "--tag", ""]);
    assert_eq!(tags(&desk), ["vip", "east"]);
    desk.ok(&["customer", "edit", &id, "--untag", " vip "]);
    assert_eq!(tags(&desk), ["east"]);
    assert_eq!(list_ids(&desk, &["--tag", "east"]), [id.as_str()]);
}

#[test]
fn edit_referred_by_resolves_an_abbreviation() {
    let desk = TestDesk::new();
    let referrer = desk.add(&["--name", "Old friend"]);
    let id = desk.add(&["--name", "Newcomer", "--source", "referral"]);
    desk.ok(&[
        "customer",
        "edit",
        &id,
        "--referred-by",
        &referrer[10..13].to_lowercase(),
    ]);
    assert_eq!(
        desk.customer_toml(&id)["referred_by"].as_str(),
        Some(referrer.as_str())
    );
    // On add too.
    let third = desk.add(&["--name", "Third", "--referred-by", &referrer[10..]]);
    assert_eq!(
        desk.customer_toml(&third)["referred_by"].as_str(),
        Some(referrer.as_str())
    );
    // Not by itself.
    let before = desk.read_customer(&id);
    let err = desk.fails(1, &["customer", "edit", &id, "--referred-by", &id]);
    assert!(err.contains("itself"), "{err}");
    assert_eq!(desk.read_customer(&id), before);
    desk.ok(&["check"]);
}

#[test]
fn edit_after_notes_keeps_fields_above_the_log() {
    let desk = TestDesk::new();
    let id = desk.add(&["--name", "Acme"]);
    desk.ok(&["customer", "note", &id, "-m", "first call"]);
    desk.ok(&[
        "customer",
        "edit",
        &id,
        "--email",
        "x@acme.example",
        "--contact",
        "李",
    ]);
    let v = parse_json(&desk.ok(&["customer", "show", &id, "--format", "json"]));
    assert_eq!(v["email"], "x@acme.example");
    assert_eq!(v["contact"], "李");
    assert_eq!(v["log"].as_array().unwrap().len(), 1);
    let text = desk.read_customer(&id);
    assert!(
        text.find("email = ").unwrap() < text.find("[[log]]").unwrap(),
        "{text}"
    );
    desk.ok(&["check"]);
}

// ---------------------------------------------------------------- note

#[test]
fn note_appends_a_log_table() {
    let desk = TestDesk::new();
    let id = desk.add(&["--name", "华东机械", "--contact", "王经理"]);
    let before = desk.read_customer(&id);
    let o = desk.run(&[
        "customer",
        "note",
        &id[10..],
        "--with",
        "王经理",
        "--channel",
        "phone",
        "-m",
        "想要产品A的样品",
        "--follow-up",
        "2026-12-01",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    let after = desk.read_customer(&id);
    assert!(
        after.starts_with(&before),
        "note rewrote existing lines:\n{after}"
    );
    assert!(after[before.len()..].contains("[[log]]"), "{after}");
    let t = desk.customer_toml(&id);
    let log = t["log"].as_array().unwrap();
    assert_eq!(log.len(), 1);
    let e = log[0].as_table().unwrap();
    assert_eq!(e["at"].as_datetime().unwrap().to_string(), common::NOW);
    assert_eq!(e["by"].as_str(), Some("wang"));
    assert_eq!(e["with"].as_str(), Some("王经理"));
    assert_eq!(e["channel"].as_str(), Some("phone"));
    assert_eq!(e["summary"].as_str(), Some("想要产品A的样品"));
    assert_eq!(
        e["follow_up"].as_datetime().unwrap().to_string(),
        "2026-12-01"
    );

    // A second entry, entered after the fact (the next day), by someone else, goes after
    // the first.
    let middle = desk.read_customer(&id);
    desk.cmd()
        .env("SVCDESK_USER", "li")
        .env("SVCDESK_NOW", "2026-11-26T09:00:00+08:00")
        .args([
            "customer",
            "note",
            &id,
            "-m",
            "sample sent",
            "--at",
            "2026-11-25 10:00",
        ])
        .assert()
        .success();
    let last = desk.read_customer(&id);
    assert!(last.starts_with(&middle));
    let t = desk.customer_toml(&id);
    let log = t["log"].as_array().unwrap();
    assert_eq!(log.len(), 2);
    let e = log[1].as_table().unwrap();
    assert_eq!(e["by"].as_str(), Some("li"));
    assert_eq!(
        e["at"].as_datetime().unwrap().to_string(),
        "2026-11-25T10:00:00+08:00"
    );
    assert!(!e.contains_key("with") && !e.contains_key("follow_up"));

    // --as wins over SVCDESK_USER.
    desk.ok(&["customer", "note", &id, "-m", "third", "--as", "zhao"]);
    let t = desk.customer_toml(&id);
    assert_eq!(t["log"].as_array().unwrap()[2]["by"].as_str(), Some("zhao"));
}

#[test]
fn note_rejects_a_bad_follow_up_and_leaves_the_file() {
    let desk = TestDesk::new();
    let id = desk.add(&["--name", "Acme"]);
    let before = fs::read(desk.customer_path(&id)).unwrap();
    // A malformed date or time is a usage error (2); an empty summary a refusal (1).
    for (args, want, code) in [
        (
            vec!["--follow-up", "2026-13-01", "-m", "x"],
            "2026-13-01",
            2,
        ),
        (vec!["--follow-up", "next week", "-m", "x"], "next week", 2),
        (vec!["--at", "yesterday-ish", "-m", "x"], "yesterday-ish", 2),
        (vec!["-m", "   "], "summary", 1),
    ] {
        let mut cmd = vec!["customer", "note", id.as_str()];
        cmd.extend(args);
        let err = desk.fails(code, &cmd);
        assert!(err.contains(want), "{cmd:?}: {err}");
        assert!(
            err.contains("hint:") || want == "summary",
            "{cmd:?}: no hint: {err}"
        );
        assert_eq!(
            fs::read(desk.customer_path(&id)).unwrap(),
            before,
            "{cmd:?} wrote"
        );
    }
}

// ---------------------------------------------------------------- show

#[test]
fn show_in_three_formats() {
    let desk = TestDesk::new();
    let referrer = desk.add(&["--name", "Referrer"]);
    let id = desk.add(&[
        "--name",
        "华东机械有限公司",
        "--contact",
        "张伟",
        "--phone",
        "13800001111",
        "--industry",
        "manufacturing",
        "--source",
        "referral",
        "--referred-by",
        &referrer,
        "--tag",
        "vip",
        "--tag",
        "east",
    ]);
    desk.ok(&[
        "customer",
        "note",
        &id,
        "--with",
        "王经理",
        "--channel",
        "visit",
        "-m",
        "wants a sample, \"urgent\"",
        "--follow-up",
        "2026-12-01",
    ]);

    let table = desk.ok(&["customer", "show", &id]);
    for want in [
        id.as_str(),
        "华东机械有限公司",
        "张伟",
        "13800001111",
        "manufacturing",
        &referrer,
        "vip, east",
        "2026-11-24 09:30",
        "wang",
        "Communication log",
        "王经理",
        "visit",
        "wants a sample",
        "2026-12-01",
    ] {
        assert!(table.contains(want), "table lacks {want:?}:\n{table}");
    }

    let v = parse_json(&desk.ok(&["customer", "show", &id, "--format", "json"]));
    assert_eq!(v["schema"], 1);
    assert_eq!(v["id"], id.as_str());
    assert_eq!(v["name"], "华东机械有限公司");
    assert_eq!(v["referred_by"], referrer.as_str());
    assert_eq!(v["tags"], serde_json::json!(["vip", "east"]));
    assert_eq!(v["created"], common::NOW);
    assert_eq!(v["created_by"], "wang");
    assert_eq!(v["log"][0]["summary"], "wants a sample, \"urgent\"");
    assert_eq!(v["log"][0]["with"], "王经理");
    assert_eq!(v["log"][0]["follow_up"], "2026-12-01");
    assert_eq!(v["log"][0]["at"], common::NOW);

    let csv = desk.ok(&["customer", "show", &id, "--format", "csv"]);
    assert!(csv.starts_with("field,value\n"), "{csv}");
    let (_, rows) = parse_csv(&csv);
    let get = |k: &str| -> String {
        rows.iter()
            .find(|r| r[0] == k)
            .unwrap_or_else(|| panic!("no {k} row in\n{csv}"))[1]
            .clone()
    };
    assert_eq!(get("id"), id);
    assert_eq!(get("name"), "华东机械有限公司");
    assert_eq!(get("phone"), "13800001111");
    assert_eq!(get("referred_by"), referrer);
    assert_eq!(get("created"), common::NOW);
    assert_eq!(get("created_by"), "wang");
    assert_eq!(get("log.1.summary"), "wants a sample, \"urgent\"");
    assert_eq!(get("log.1.channel"), "visit");
    assert_eq!(get("log.1.follow_up"), "2026-12-01");
    assert!(rows.iter().all(|r| r.len() == 2));
}

#[test]
fn show_without_log_says_none() {
    let desk = TestDesk::new();
    let id = desk.add(&["--name", "Quiet"]);
    let table = desk.ok(&["customer", "show", &id]);
    assert!(
        table.contains("Communication log") && table.contains("none"),
        "{table}"
    );
    let v = parse_json(&desk.ok(&["customer", "show", &id, "--format", "json"]));
    assert_eq!(v["log"], serde_json::json!([]));
}

// ---------------------------------------------------------------- list

/// Three customers with distinct industries, sources and tags.
fn desk_for_listing() -> (TestDesk, [String; 3]) {
    let desk = TestDesk::new();
    let a = desk.add(&[
        "--name",
        "华东机械有限公司",
        "--phone",
        "13800001111",
        "--industry",
        "Manufacturing",
        "--source",
        "trade-show",
        "--tag",
        "vip",
        "--tag",
        "east",
    ]);
    let b = desk.add(&[
        "--name",
        "Beta Retail, Inc.",
        "--industry",
        "retail",
        "--source",
        "online",
        "--tag",
        "east",
        "--email",
        "b@beta.example",
    ]);
    let c = desk.add(&[
        "--name",
        "阿尔法贸易",
        "--industry",
        "manufacturing",
        "--source",
        "referral",
        "--referred-by",
        &a,
        "--tag",
        "vip",
    ]);
    desk.ok(&["customer", "note", &c, "-m", "met"]);
    (desk, [a, b, c])
}

fn list_ids(desk: &TestDesk, args: &[&str]) -> Vec<String> {
    let mut cmd = vec!["customer", "list", "--format", "csv"];
    cmd.extend_from_slice(args);
    let (header, rows) = parse_csv(&desk.ok(&cmd));
    assert_eq!(header[0], "id");
    rows.into_iter().map(|r| r[0].clone()).collect()
}

#[test]
fn list_in_three_formats() {
    let (desk, [a, b, c]) = desk_for_listing();
    let mut by_id = vec![a.clone(), b.clone(), c.clone()];
    by_id.sort();

    let csv = desk.ok(&["customer", "list", "--format", "csv"]);
    assert_eq!(csv.lines().next(), Some(LIST_CSV_HEADER));
    let (header, rows) = parse_csv(&csv);
    assert_eq!(header.join(","), LIST_CSV_HEADER);
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.len() == 12));
    let ids: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();
    assert_eq!(ids, by_id, "default order is by ID");
    let row = |id: &str| rows.iter().find(|r| r[0] == id).unwrap().clone();
    assert_eq!(
        row(&a),
        [
            a.as_str(),
            "华东机械有限公司",
            "",
            "13800001111",
            "",
            "Manufacturing",
            "trade-show",
            "",
            "vip;east",
            common::NOW,
            "0",
            "",
        ]
    );
    assert_eq!(
        row(&b)[1],
        "Beta Retail, Inc.",
        "a comma in a name is quoted"
    );
    assert_eq!(row(&b)[4], "b@beta.example");
    assert_eq!(row(&c)[7], a, "referred_by");
    assert_eq!(row(&c)[10], "1", "log_entries");

    let v = parse_json(&desk.ok(&["customer", "list", "--format", "json"]));
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 3);
    let ids: Vec<&str> = arr.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, by_id);
    let cj = arr.iter().find(|x| x["id"] == c.as_str()).unwrap();
    assert_eq!(cj["referred_by"], a.as_str());
    assert_eq!(cj["log"][0]["summary"], "met");
    assert_eq!(cj["tags"], serde_json::json!(["vip"]));

    let table = desk.ok(&["customer", "list"]);
    let header_line = table.lines().nth(1).unwrap();
    for col in ["id", "name", "phone", "industry", "source", "tags"] {
        assert!(
            header_line.contains(col),
            "table header lacks {col}: {header_line}"
        );
    }
    for want in [&a, &b, &c] {
        assert!(table.contains(want.as_str()), "{table}");
    }
    assert!(
        table.contains("华东机械有限公司") && table.contains("vip, east"),
        "{table}"
    );
    // Rows appear in ID order in the table too.
    let pos: Vec<usize> = by_id
        .iter()
        .map(|i| table.find(i.as_str()).unwrap())
        .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{table}");
}

#[test]
fn list_filters() {
    let (desk, [a, b, c]) = desk_for_listing();
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    assert_eq!(list_ids(&desk, &["--text", "机械"]), [a.as_str()]);
    assert_eq!(list_ids(&desk, &["--text", "贸易"]), [c.as_str()]);
    assert_eq!(
        list_ids(&desk, &["--text", "BETA"]),
        [b.as_str()],
        "case-insensitive"
    );
    assert_eq!(
        list_ids(&desk, &["--text", "0000111"]),
        [a.as_str()],
        "phone text"
    );
    assert_eq!(
        list_ids(&desk, &["--industry", "manufacturing"]),
        sorted(vec![a.clone(), c.clone()]),
        "industry is case-insensitive"
    );
    assert_eq!(list_ids(&desk, &["--source", "online"]), [b.as_str()]);
    assert_eq!(
        list_ids(&desk, &["--tag", "east"]),
        sorted(vec![a.clone(), b.clone()])
    );
    assert_eq!(
        list_ids(&desk, &["--tag", "east", "--tag", "vip"]),
        [a.as_str()],
        "all tags"
    );
    assert_eq!(
        list_ids(&desk, &["--industry", "manufacturing", "--tag", "east"]),
        [a.as_str()]
    );
    assert!(list_ids(&desk, &["--source", "fax"]).is_empty());
}

#[test]
fn list_sorts_and_reverses() {
    let (desk, [a, b, c]) = desk_for_listing();
    // By code point: Latin before CJK; 华 (U+534E) before 阿 (U+963F).
    assert_eq!(
        list_ids(&desk, &["--sort", "name"]),
        [b.clone(), a.clone(), c.clone()]
    );
    assert_eq!(
        list_ids(&desk, &["--sort", "name", "--reverse"]),
        [c.clone(), a.clone(), b.clone()]
    );
    let mut by_id = vec![a, b, c];
    by_id.sort();
    let ids = list_ids(&desk, &["--reverse"]);
    by_id.reverse();
    assert_eq!(ids, by_id);
}

#[test]
fn empty_list_prints_nothing_in_a_table_and_a_header_in_csv() {
    let desk = TestDesk::new();
    let o = desk.run(&["customer", "list"]);
    assert!(o.status.success());
    assert_eq!(stdout(&o), "");
    desk.add(&["--name", "Acme"]);
    let o = desk.run(&["customer", "list", "--text", "no such text"]);
    assert!(o.status.success());
    assert_eq!(stdout(&o), "", "an empty table prints nothing on stdout");
    assert!(stderr(&o).contains("no customers match"), "{}", stderr(&o));
    assert_eq!(
        desk.ok(&["customer", "list", "--text", "nope", "--format", "csv"]),
        format!("{LIST_CSV_HEADER}\n")
    );
    let v = parse_json(&desk.ok(&["customer", "list", "--text", "nope", "--format", "json"]));
    assert_eq!(v, serde_json::json!([]));
}

// ---------------------------------------------------------------- malformed records

#[test]
fn malformed_record_is_named_with_line_and_column() {
    let desk = TestDesk::new();
    let good = desk.add(&["--name", "Good"]);
    let bad = desk.add(&["--name", "Bad", "--phone", "13800001111"]);
    let text = desk.read_customer(&bad);
    let line_no = text
        .lines()
        .position(|l| l.starts_with("phone = "))
        .unwrap()
        + 1;
    let broken = text.replace("phone = \"13800001111\"", "phone = \"unterminated");
    fs::write(desk.customer_path(&bad), &broken).unwrap();
    let rel = TestDesk::customer_rel(&bad);
    // The parser may point at the opening quote or at the end of the line.
    let cols = [9, "phone = \"unterminated".chars().count() + 1];

    for cmd in [
        vec!["customer", "show", bad.as_str()],
        vec!["customer", "show", bad.as_str(), "--format", "json"],
        vec!["customer", "list"],
        vec!["customer", "list", "--format", "csv"],
        vec!["customer", "edit", bad.as_str(), "--email", "x@y.z"],
        vec!["customer", "note", bad.as_str(), "-m", "x"],
        vec!["customer", "add", "--name", "Another"],
    ] {
        let err = desk.fails(1, &cmd);
        assert!(names_position(&err, &rel, line_no, &cols), "{cmd:?}: {err}");
    }
    assert_eq!(
        desk.read_customer(&bad),
        broken,
        "a broken record was rewritten"
    );
    // The good one still shows.
    desk.ok(&["customer", "show", &good]);
}

#[test]
fn usage_of_customer_commands_exits_2() {
    let desk = TestDesk::new();
    let o = svcdesk()
        .current_dir(desk.tmp.path())
        .args(["-C", "desk", "customer", "add", "--name"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = desk.fails(2, &["customer", "list", "--sort", "phone"]);
    assert!(err.contains("phone"), "{err}");
    assert!(desk.customer_files().is_empty());
}
