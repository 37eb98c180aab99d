//! `ticket search`: a word written only in a note, a report or a customer's log is found,
//! where `ticket list --text` (current fields only) does not see it.

use crate::common::{TestDesk, parse_csv, parse_json};

#[test]
fn a_word_written_only_in_the_history_is_found_with_where_it_stands() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械", "--phone", "021-5555-0101"]);
    let t = d
        .ok(&[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "complaint",
            "-m",
            "泵漏水",
        ])
        .trim()
        .to_string();
    d.ok(&["ticket", "note", &t, "-m", "现场发现密封圈老化, seal worn"]);
    d.ok(&[
        "report",
        "add",
        "--customer",
        &c,
        "--ticket",
        &t,
        "--type",
        "problem-handling",
        "--engineer",
        "wang",
        "--problems",
        "更换密封圈",
    ]);
    d.ok(&["customer", "note", &c, "-m", "客户要求备用密封圈报价"]);
    d.ok(&[
        "ticket",
        "open",
        "--customer",
        &c,
        "--category",
        "consult",
        "-m",
        "unrelated",
    ]);

    // `ticket list --text` sees the ticket's current fields only.
    let listed = d.ok(&["ticket", "list", "--text", "密封圈", "--format", "csv"]);
    assert_eq!(parse_csv(&listed).1.len(), 0, "{listed}");

    let (header, rows) = parse_csv(&d.ok(&["ticket", "search", "密封圈", "--format", "csv"]));
    assert_eq!(header, ["id", "entry", "at", "by", "what", "field", "text"]);
    assert_eq!(rows.len(), 3, "{rows:?}");
    // The note: the ticket's third event (after the open and its routing).
    assert_eq!(rows[0][0], t);
    assert_eq!(rows[0][1], "3");
    assert_eq!(rows[0][4], "note");
    assert_eq!(rows[0][5], "text");
    assert_eq!(rows[0][6], "现场发现密封圈老化, seal worn");
    // Then the report, then the customer's log entry.
    assert!(rows[1][0].starts_with('R'), "{rows:?}");
    assert_eq!((rows[1][1].as_str(), rows[1][4].as_str()), ("", "report"));
    assert_eq!(rows[1][5], "problems");
    assert_eq!(rows[2][0], c);
    assert_eq!((rows[2][1].as_str(), rows[2][4].as_str()), ("1", "log"));

    // Case-blind; JSON gives the entry number as a number.
    let json = parse_json(&d.ok(&["ticket", "search", "SEAL", "--format", "json"]));
    let hits = json.as_array().unwrap();
    assert_eq!(hits.len(), 1, "{json}");
    assert_eq!(hits[0]["id"], t.as_str());
    assert_eq!(hits[0]["entry"], 3);
    // Who recorded an entry is not its text: a staff id finds nothing by itself.
    let by_name = d.ok(&["ticket", "search", "wang", "--format", "csv"]);
    assert_eq!(parse_csv(&by_name).1.len(), 0, "{by_name}");
    // Nothing found is an empty answer, not an error.
    let none = d.ok(&["ticket", "search", "no such words", "--format", "csv"]);
    assert_eq!(parse_csv(&none).1.len(), 0);
}
