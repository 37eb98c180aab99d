//! Hostile input to the loaders and parsers: arbitrary strings and mutated valid files.
//! Whatever the input, the result is `Ok` or an `Error` value — never a panic (proptest
//! turns a panic into a failing, shrunk case).

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use svcdesk::config::Config;
use svcdesk::desk::record::parse_typed;
use svcdesk::ledger::import;
use svcdesk::model::customer::Customer;
use svcdesk::model::measure::{self, Measure};
use svcdesk::model::report::Report;
use svcdesk::model::ticket::Ticket;

const CASES: u32 = 512;

/// `export tickets --format csv` of a real desk: a valid sheet to mutate.
const EXPORT: &str = "id,state,grade,priority,category,complaint_kind,channel,department,assignee,customer,contact,product,serial,opened,accepted,responded,resolved,closed,satisfaction,reopened,compensation,compensation_amount,compensation_currency,tags,title,voucher,purchase_date,submitter,transferred_by,links,attachments,cause,responsibility,plan,resolution,compensation_kind,description
T20261124-SSS7HT,assigned,II,medium,complaint,,phone,customer-service,,C20261124-5PE8RM,,,,2026-11-24T09:30:00+08:00,,,,,,0,,,,,hi,,,,,,,,,,,,hi
T20261124-SSS7HV,closed,I,medium,complaint,,phone,customer-service,wang,C20261124-5PE8RM,,,,2026-11-24T09:30:00+08:00,2026-11-24T09:40:00+08:00,2026-11-24T09:50:00+08:00,2026-11-24T10:30:00+08:00,2026-11-24T11:30:00+08:00,5,0,,,,,hi,,,,,,,,,,,,hi
";

/// A measure as `measure add` and `measure done` write it: a valid file to mutate.
const MEASURE: &str = r#"schema = 1
id = "M20261124-Q3F7AB"
state = "done"
kind = "training"
owner = "li"
due = 2026-12-15
problem = "engineers misread the fault code"
period = "2026-11"
category = "complaint"
tickets = ["T20261124-SSS7HT"]
measure = "train them"
created = 2026-11-24T09:30:00+08:00
created_by = "wang"
done = 2026-12-01T10:00:00+08:00
done_by = "li"
result = "trained"
effect_checked = true
effect = "no repeat"

[[event]]
at = 2026-11-24T09:30:00+08:00
by = "wang"
action = "add"
problem = "engineers misread the fault code"
period = "2026-11"
category = "complaint"
tickets = ["T20261124-SSS7HT"]
measure = "train them"
kind = "training"
owner = "li"
due = 2026-12-15

[[event]]
at = 2026-12-01T10:00:00+08:00
by = "li"
action = "done"
result = "trained"
effect_checked = true
effect = "no repeat"
"#;

fn example(dir: &str) -> String {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/desk")
        .join(dir);
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&base)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    fs::read_to_string(&files[0]).unwrap()
}

/// `text` with a few characters deleted, inserted or replaced at byte offsets taken
/// modulo the length (snapped to char boundaries).
fn mutate(text: &str, edits: &[(usize, u8, char)]) -> String {
    let mut s = text.to_string();
    for &(pos, op, c) in edits {
        if s.is_empty() {
            s.push(c);
            continue;
        }
        let mut at = pos % s.len();
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        match op % 3 {
            0 => {
                s.remove(at);
            }
            1 => s.insert(at, c),
            _ => {
                s.remove(at);
                s.insert(at, c);
            }
        }
    }
    s
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8, char)>> {
    prop::collection::vec(
        (
            any::<usize>(),
            any::<u8>(),
            prop_oneof![
                Just('"'),
                Just('['),
                Just(']'),
                Just('='),
                Just('\n'),
                Just('\0'),
                Just('#'),
                Just('\\'),
                Just('1'),
                Just('-'),
                Just(':'),
                any::<char>()
            ],
        ),
        1..6,
    )
}

fn loaders(text: &str) {
    let p = Path::new("hostile.toml");
    let _ = parse_typed::<Ticket>(p, text);
    let _ = parse_typed::<Customer>(p, text);
    let _ = parse_typed::<Report>(p, text);
    // A measure is loaded by parsing, then replaying its history.
    if let Ok(m) = parse_typed::<Measure>(p, text) {
        let _ = measure::replay_checked(p, text, &m);
    }
    let _ = Config::parse(Path::new("svcdesk.toml"), text);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn record_loaders_on_arbitrary_text(text in ".{0,400}") {
        loaders(&text);
    }

    #[test]
    fn record_loaders_on_mutated_valid_files(which in 0..5usize, e in edits()) {
        let base = match which {
            0 => example("tickets"),
            1 => example("customers"),
            2 => example("reports"),
            3 => MEASURE.to_string(),
            _ => fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/desk/svcdesk.toml"),
            ).unwrap(),
        };
        loaders(&mutate(&base, &e));
    }

    #[test]
    fn customer_import_never_panics(
        header in prop_oneof![
            Just("name,phone,email,tags".to_string()),
            Just("名称,电话,地址".to_string()),
            ".{0,40}",
        ],
        rows in prop::collection::vec(".{0,60}", 0..6),
        force in any::<bool>(),
    ) {
        let text = format!("{header}\n{}", rows.join("\n"));
        let _ = import::plan_customers(&text, "x.csv", &[], chrono_tz::Asia::Shanghai, force);
    }

    #[test]
    fn ticket_import_never_panics(
        rows in prop::collection::vec(".{0,80}", 0..5),
        header in prop_oneof![
            Just("id,title,customer,category,state,opened,grade".to_string()),
            ".{0,40}",
        ],
    ) {
        let text = format!("{header}\n{}", rows.join("\n"));
        let ids: HashSet<String> = HashSet::new();
        let customers: HashSet<String> = ["C20261102-F1GGY7".to_string()].into();
        let _ = import::tickets::plan(&text, "t.csv", chrono_tz::Asia::Shanghai, &ids, &customers, &Default::default());
    }

    #[test]
    fn ticket_import_of_a_mutated_valid_export_never_panics(e in edits()) {
        let text = mutate(EXPORT, &e);
        let ids: HashSet<String> = HashSet::new();
        let customers: HashSet<String> = ["C20261124-5PE8RM".to_string()].into();
        let _ = import::tickets::plan(&text, "t.csv", chrono_tz::Asia::Shanghai, &ids, &customers, &Default::default());
    }

    #[test]
    fn duration_target_and_time_parsers_never_panic(
        s in prop_oneof![
            ".{0,30}",
            "[0-9]{1,25}[smhdw]",
            "[0-9]{1,20}(h|d|bh|bd| business days|m)[ 0-9a-z]{0,10}",
            "[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?([+-][0-9]{2}:[0-9]{2}|Z)?",
            "[+-]?[0-9]{5,12}-[0-9]{2}-[0-9]{2}",
        ],
    ) {
        let _ = svcdesk::time::parse_duration(&s);
        let _ = svcdesk::time::Target::parse(&s);
        let _ = svcdesk::time::parse_time(&s, chrono_tz::Asia::Shanghai);
        let _ = svcdesk::time::parse_time(&s, chrono_tz::UTC);
    }
}

#[test]
fn the_measure_sample_is_valid() {
    let p = Path::new("m.toml");
    let m: Measure = parse_typed(p, MEASURE).unwrap();
    let replayed = measure::replay_checked(p, MEASURE, &m).unwrap();
    assert!(m.drift(&replayed).is_empty());
}
