//! End-to-end: a desk that speaks Chinese (`lang = "zh"` in svcdesk.toml). Its tables,
//! `ticket show`, `stats` and `sla check`/`status` say no English vocabulary word (checked
//! against the vocabularies themselves, as whole words); `--lang en` and SVCDESK_LANG
//! override the desk's language; CSV keeps ids unless --lang is given; `init` in a
//! Chinese time zone proposes zh.

use std::collections::BTreeSet;

use crate::common::staff::{LI, WANG, roster};
use crate::common::*;

use svcdesk::model::report::{Outcome, ServiceType};
use svcdesk::sla::TimerState;
use svcdesk::vocab::*;

/// Every word of the vocabularies whose words are shown in cells, as stored.
fn vocabulary() -> BTreeSet<&'static str> {
    fn all<W: Word>(out: &mut BTreeSet<&'static str>) {
        out.extend(W::all().iter().map(|w| w.as_str()));
    }
    let mut words = BTreeSet::new();
    all::<State>(&mut words);
    all::<Grade>(&mut words);
    all::<Priority>(&mut words);
    all::<Channel>(&mut words);
    all::<ComplaintKind>(&mut words);
    all::<Action>(&mut words);
    all::<LinkKind>(&mut words);
    all::<CompKind>(&mut words);
    all::<CompState>(&mut words);
    all::<Outcome>(&mut words);
    all::<ServiceType>(&mut words);
    for s in [
        TimerState::Running,
        TimerState::Paused,
        TimerState::AtRisk,
        TimerState::Met,
        TimerState::Breached,
        TimerState::Missed,
        TimerState::Restarted,
    ] {
        words.insert(s.as_str());
    }
    words
}

/// The vocabulary words `text` says as whole words (a word is letters, digits, `-`).
fn english_words(text: &str) -> BTreeSet<String> {
    let vocab = vocabulary();
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| vocab.contains(w))
        .map(String::from)
        .collect()
}

fn at(day: &str) -> String {
    format!("2026-11-{day}:00+08:00")
}

/// A zh desk (made by `svcdesk --lang zh init`) with one ticket resolved and one left
/// to breach its deadlines; returns the desk and the two ticket IDs.
fn zh_desk() -> (TestDesk, String, String) {
    let desk = TestDesk::with_args(&["--name", "测试服务台", "--lang", "zh"]);
    assert!(
        desk.read("svcdesk.toml").contains("\nlang = \"zh\"\n"),
        "init --lang zh sets the desk's lang"
    );
    desk.append_config(&roster(&[WANG, LI]));
    let c = ok_at(
        &desk,
        &at("02T09:00"),
        &[
            "customer",
            "add",
            "--name",
            "华东机械",
            "--phone",
            "021-5555-0101",
        ],
    );
    let c = c.trim_end();
    let t1 = ok_at(
        &desk,
        &at("02T09:00"),
        &[
            "ticket",
            "open",
            "--customer",
            c,
            "--category",
            "complaint",
            "--complaint-kind",
            "attitude",
            "--channel",
            "phone",
            "--grade",
            "II",
            "--priority",
            "high",
            "--product",
            "X200",
            "-m",
            "工程师态度不好",
        ],
    );
    let t1 = t1.trim_end().to_string();
    for (when, args) in [
        ("02T09:10", vec!["ticket", "accept", &t1]),
        ("02T09:20", vec!["ticket", "respond", &t1, "-m", "已致歉"]),
        (
            "03T10:00",
            vec!["ticket", "resolve", &t1, "-m", "更换工程师"],
        ),
    ] {
        ok_at(&desk, &at(when), &args);
    }
    let t2 = ok_at(
        &desk,
        &at("20T09:00"),
        &[
            "ticket",
            "open",
            "--customer",
            c,
            "--category",
            "quality",
            "--grade",
            "III",
            "--channel",
            "wechat",
            "-m",
            "主轴振动",
        ],
    );
    (desk, t1, t2.trim_end().to_string())
}

#[test]
fn a_chinese_desk_says_no_english_vocabulary_word() {
    let (desk, t1, t2) = zh_desk();
    let now = at("24T09:30");
    let runs: Vec<(Vec<&str>, &[&str])> = vec![
        (
            vec!["ticket", "show", &t1],
            &[
                "状态",
                "已解决",
                "严重",
                "电话",
                "服务态度",
                "处理记录",
                "受理",
                "超时",
                "结束",
            ][..],
        ),
        (
            vec!["ticket", "show", &t2],
            &["重大", "微信", "SLA时限"][..],
        ),
        (
            vec!["ticket", "list"],
            &["编号", "状态", "已解决", "已派单", "王工"][..],
        ),
        (vec!["ticket", "list", "--sla"], &["SLA状态"][..]),
        (
            vec!["stats", "--month", "2026-11"],
            &["月份统计报表", "工单", "SLA达成率", " %", "小时"][..],
        ),
        (
            vec!["stats", "--month", "2026-11", "--by", "grade,channel"],
            &["严重", "电话", "合计"][..],
        ),
        (
            vec!["stats", "--month", "2026-11", "--top", "3"],
            &["高频问题", "服务态度"][..],
        ),
        (
            vec!["stats", "--quarter", "2026Q4"],
            &["季度统计报表 2026Q4"][..],
        ),
        (vec!["sla", "check"], &["超时", "重大"][..]),
        (vec!["sla", "status"], &["合计", "已超时"][..]),
    ];
    let mut missing = Vec::new();
    for (args, expected) in runs {
        let o = run_at(&desk, &now, &args);
        let text = stdout(&o);
        assert!(o.status.code() != Some(3), "{args:?}: {}", stderr(&o));
        let english = english_words(&text);
        assert!(english.is_empty(), "{args:?} says {english:?}:\n{text}");
        for e in expected.iter().filter(|e| !text.contains(*e)) {
            missing.push(format!("{args:?} lacks {e:?}:\n{text}"));
        }
        assert!(
            !text.contains("月份统计报表") || args[1] != "--quarter",
            "{text}"
        );
    }
}

#[test]
fn lang_en_and_svcdesk_lang_override_the_desk() {
    let (desk, t1, t2) = zh_desk();
    let now = at("24T09:30");
    let en = ok_at(&desk, &now, &["--lang", "en", "ticket", "show", &t1]);
    assert!(en.contains("resolved") && en.contains("phone"), "{en}");
    assert!(!en.contains("已解决"), "{en}");
    let o = desk
        .cmd()
        .env("SVCDESK_NOW", &now)
        .env("SVCDESK_LANG", "en")
        .args(["ticket", "list"])
        .output()
        .unwrap();
    let text = stdout(&o);
    assert!(
        text.contains("state") && text.contains("resolved"),
        "{text}"
    );
    // A refusal quotes the state in the desk's language; the steps stay as typed.
    let o = desk
        .cmd()
        .env("SVCDESK_NOW", &now)
        .env("SVCDESK_USER", "li")
        .args(["ticket", "close", &t2])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("the ticket is 已派单; allowed from 已派单: "),
        "{err}"
    );
    assert!(err.contains("accept"), "{err}");
    // An unknown language is a usage error.
    let o = run_at(&desk, &now, &["--lang", "fr", "ticket", "list"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn csv_and_json_keep_ids_unless_lang_is_given() {
    let (desk, t1, _) = zh_desk();
    let now = at("24T09:30");
    let csv = ok_at(&desk, &now, &["ticket", "list", "--format", "csv"]);
    let (header, rows) = parse_csv(&csv);
    assert_eq!(&header[..2], ["id", "state"]);
    let row = rows.iter().find(|r| r[0] == t1).expect("the ticket's row");
    assert_eq!(&row[1..4], ["resolved", "II", "high"]);
    let json = ok_at(&desk, &now, &["ticket", "show", &t1, "--format", "json"]);
    assert_eq!(parse_json(&json)["state"], "resolved");
    let stats = ok_at(
        &desk,
        &now,
        &["stats", "--month", "2026-11", "--format", "csv"],
    );
    assert!(
        stats.starts_with("period,opened,closed,backlog,reopen_rate,"),
        "{stats}"
    );

    let csv = ok_at(
        &desk,
        &now,
        &["--lang", "zh", "ticket", "list", "--format", "csv"],
    );
    let (header, rows) = parse_csv(&csv);
    assert_eq!(&header[..2], ["工单号", "状态"]);
    let row = rows.iter().find(|r| r[0] == t1).expect("the ticket's row");
    assert_eq!(&row[1..4], ["已解决", "严重", "高"]);
}

#[test]
fn init_in_a_chinese_time_zone_proposes_zh() {
    let desk = TestDesk::new();
    let config = desk.read("svcdesk.toml");
    assert!(config.contains("\n# lang = \"zh\"\n"), "{config}");
    assert!(
        !config.contains("\nlang ="),
        "English unless chosen: {config}"
    );
    let tmp = tempfile::tempdir().unwrap();
    let o = svcdesk()
        .current_dir(tmp.path())
        .args(["init", "d", "--timezone", "Asia/Shanghai"])
        .output()
        .unwrap();
    assert!(
        stdout(&o).contains("proposes lang = \"zh\""),
        "{}",
        stdout(&o)
    );
    let o = svcdesk()
        .current_dir(tmp.path())
        .args(["init", "e", "--timezone", "Europe/Berlin"])
        .output()
        .unwrap();
    assert!(!stdout(&o).contains("proposes"), "{}", stdout(&o));
    // Chosen at init, the desk speaks Chinese from its first command.
    let o = svcdesk()
        .current_dir(tmp.path())
        .args(["--lang", "zh", "init", "z", "--timezone", "Asia/Shanghai"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let cfg = std::fs::read_to_string(tmp.path().join("z/svcdesk.toml")).unwrap();
    assert!(cfg.contains("\nlang = \"zh\"\n"), "{cfg}");
    let o = svcdesk()
        .current_dir(tmp.path())
        .args(["-C", "z", "sla", "status"])
        .output()
        .unwrap();
    assert!(stdout(&o).contains("合计"), "{}", stdout(&o));
}
