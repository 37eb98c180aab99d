//! End-to-end: the ticket's life through the real binary, on temp desks. Whole lives,
//! routing, roles, every refused transition, the file on disk after each step (one event
//! appended, only the step's fields changed, hand comments kept), show/list, the ways to
//! open a ticket, and `check` on hand-edited tickets.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;
use std::process::Output;

use crate::common::staff::{CHEN, LI, LIU, WANG, ZHAO, roster};
use crate::common::{TestDesk, parse_csv, parse_json, stderr, stdout};

/// A temp desk with a clock that moves one minute forward per command, so every event
/// has its own time and histories are in time order.
struct Desk {
    t: TestDesk,
    minute: Cell<u32>,
}

impl Desk {
    fn new() -> Desk {
        Desk {
            t: TestDesk::new(),
            minute: Cell::new(0),
        }
    }

    /// A desk whose svcdesk.toml lists the staff the brief's role rules are tested
    /// against (and whatever `extra` adds).
    fn staffed(extra: &str) -> Desk {
        let d = Desk::new();
        d.append_config(&roster(&[LI, WANG, ZHAO, CHEN]));
        d.append_config(extra);
        d
    }

    fn append_config(&self, text: &str) {
        self.t.append_config(text);
    }

    fn set_routing(&self, rule: &str) {
        let p = self.t.path("svcdesk.toml");
        let cfg = fs::read_to_string(&p).unwrap();
        assert!(
            cfg.contains("\nassign = \"none\"\n"),
            "default routing rule"
        );
        fs::write(
            &p,
            cfg.replace("\nassign = \"none\"\n", &format!("\nassign = \"{rule}\"\n")),
        )
        .unwrap();
    }

    /// The time the next command runs at.
    fn now(&self) -> String {
        let m = 9 * 60 + 30 + self.minute.get();
        assert!(m < 24 * 60, "the test clock ran past midnight");
        format!("2026-11-24T{:02}:{:02}:00+08:00", m / 60, m % 60)
    }

    fn cmd_as(&self, user: &str) -> assert_cmd::Command {
        let mut c = self.t.cmd();
        c.env("SVCDESK_NOW", self.now())
            .env("SVCDESK_USER", user)
            .env_remove("EDITOR")
            .env_remove("VISUAL");
        self.minute.set(self.minute.get() + 1);
        c
    }

    fn run_as(&self, user: &str, args: &[&str]) -> Output {
        self.cmd_as(user).args(args).output().expect("svcdesk runs")
    }

    fn ok_as(&self, user: &str, args: &[&str]) -> String {
        let o = self.run_as(user, args);
        assert!(
            o.status.success(),
            "svcdesk {args:?} as {user} failed with {:?}\nstdout:\n{}\nstderr:\n{}",
            o.status.code(),
            stdout(&o),
            stderr(&o)
        );
        stdout(&o)
    }

    fn ok(&self, args: &[&str]) -> String {
        self.ok_as("li", args)
    }

    /// Runs, asserts the exit code and an empty stdout; returns stderr.
    fn fails_as(&self, user: &str, code: i32, args: &[&str]) -> String {
        let o = self.run_as(user, args);
        assert_eq!(
            o.status.code(),
            Some(code),
            "svcdesk {args:?} as {user}: expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            stdout(&o),
            stderr(&o)
        );
        assert_eq!(stdout(&o), "", "{args:?} printed on stdout while failing");
        stderr(&o)
    }

    fn customer(&self, name: &str) -> String {
        let phone = format!("1390000{:04}", self.minute.get());
        self.minute.set(self.minute.get() + 1);
        self.t.add(&["--name", name, "--phone", &phone])
    }

    /// `ticket open` with `args`; asserts only a well-formed ID is printed; returns it.
    fn open_as(&self, user: &str, args: &[&str]) -> String {
        let mut all = vec!["ticket", "open"];
        all.extend_from_slice(args);
        let out = self.ok_as(user, &all);
        let id = out.trim_end().to_string();
        assert_eq!(out, format!("{id}\n"), "open printed more than the ID");
        assert!(is_ticket_id(&id), "open printed {out:?}, not a ticket ID");
        id
    }

    fn open(&self, args: &[&str]) -> String {
        self.open_as("li", args)
    }

    /// Every ticket file, relative to the desk root, sorted.
    fn ticket_files(&self) -> Vec<String> {
        fn walk(dir: PathBuf, out: &mut Vec<PathBuf>) {
            let Ok(rd) = fs::read_dir(&dir) else { return };
            for e in rd {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(p, out);
                } else if p.extension().is_some_and(|x| x == "toml") {
                    out.push(p);
                }
            }
        }
        let mut v = Vec::new();
        walk(self.t.path("tickets"), &mut v);
        let mut rel: Vec<String> = v
            .iter()
            .map(|p| p.strip_prefix(&self.t.root).unwrap().display().to_string())
            .collect();
        rel.sort();
        rel
    }

    /// tickets/YYYY/MM/ID.toml, found on disk (exactly one).
    fn rel(&self, id: &str) -> String {
        let found: Vec<String> = self
            .ticket_files()
            .into_iter()
            .filter(|f| f.ends_with(&format!("/{id}.toml")))
            .collect();
        assert_eq!(found.len(), 1, "ticket file for {id}: {found:?}");
        found[0].clone()
    }

    fn text(&self, id: &str) -> String {
        self.t.read(&self.rel(id))
    }

    fn write_text(&self, id: &str, text: &str) {
        self.t.write(&self.rel(id), text);
    }

    fn toml(&self, id: &str) -> toml::Table {
        self.text(id)
            .parse()
            .unwrap_or_else(|e| panic!("ticket {id} is not TOML: {e}"))
    }

    fn state(&self, id: &str) -> String {
        self.toml(id)["state"].as_str().unwrap().to_string()
    }

    /// Runs one step as `user` and checks the file on disk: exactly one `[[event]]`
    /// appended (the old history is a byte-identical prefix of the new one), the new
    /// event has `action`, `by` and `at` as expected, the top-level keys that changed are
    /// exactly `changed`, and every other line of the fields part is kept, in order.
    /// Returns the new file, parsed.
    fn step(
        &self,
        user: &str,
        id: &str,
        args: &[&str],
        action: &str,
        changed: &[&str],
    ) -> toml::Table {
        let before = self.text(id);
        let at = self.now();
        let o = self.run_as(user, args);
        assert!(
            o.status.success(),
            "step {args:?} as {user} failed with {:?}\nstderr:\n{}",
            o.status.code(),
            stderr(&o)
        );
        let after = self.text(id);
        assert_one_event_appended(&before, &after, action, user, &at, changed, args);
        after.parse().unwrap()
    }

    /// Runs a step that must be refused with exit 1; asserts the file did not change.
    /// Returns stderr.
    fn refused(&self, user: &str, id: &str, args: &[&str]) -> String {
        let before = self.text(id);
        let err = self.fails_as(user, 1, args);
        assert_eq!(
            self.text(id),
            before,
            "a refused step {args:?} changed the file"
        );
        err
    }

    fn check(&self) -> (i32, String, String) {
        let o = self.run_as("li", &["check"]);
        (o.status.code().unwrap(), stdout(&o), stderr(&o))
    }

    /// IDs of `ticket list ARGS --format csv`, in output order.
    fn list_ids_as(&self, user: &str, args: &[&str]) -> Vec<String> {
        let mut all = vec!["ticket", "list"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--format", "csv"]);
        let out = self.ok_as(user, &all);
        let (header, rows) = parse_csv(&out);
        assert_eq!(header[0], "id");
        rows.into_iter().map(|r| r[0].clone()).collect()
    }

    fn list_ids(&self, args: &[&str]) -> BTreeSet<String> {
        self.list_ids_as("li", args).into_iter().collect()
    }
}

fn is_ticket_id(s: &str) -> bool {
    const CROCKFORD: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let Some((date, random)) = s.strip_prefix('T').and_then(|r| r.split_once('-')) else {
        return false;
    };
    date.len() == 8
        && date.bytes().all(|b| b.is_ascii_digit())
        && random.len() == 6
        && random.chars().all(|c| CROCKFORD.contains(c))
}

fn events_of(t: &toml::Table) -> Vec<toml::Table> {
    t.get("event")
        .and_then(toml::Value::as_array)
        .expect("an event array")
        .iter()
        .map(|e| e.as_table().expect("event is a table").clone())
        .collect()
}

fn actions(t: &toml::Table) -> Vec<String> {
    events_of(t)
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// (fields part, history part): the history starts at the first `[[event]]` line.
fn split_history(text: &str) -> (&str, &str) {
    let at = if text.starts_with("[[event]]") {
        0
    } else {
        text.find("\n[[event]]").expect("a [[event]] table") + 1
    };
    text.split_at(at)
}

fn event_headers(text: &str) -> usize {
    text.lines().filter(|l| l.trim() == "[[event]]").count()
}

/// Top-level keys (not `event`) whose values differ between two versions.
fn changed_keys(before: &toml::Table, after: &toml::Table) -> BTreeSet<String> {
    before
        .keys()
        .chain(after.keys())
        .filter(|k| *k != "event" && before.get(*k) != after.get(*k))
        .cloned()
        .collect()
}

/// Lines that are not `key = ...` for one of `keys`.
fn without_keys<'a>(text: &'a str, keys: &BTreeSet<String>) -> Vec<&'a str> {
    text.lines()
        .filter(|l| {
            let key = l.split_once(" = ").map(|(k, _)| k.trim());
            !key.is_some_and(|k| keys.contains(k))
        })
        .collect()
}

fn assert_one_event_appended(
    before: &str,
    after: &str,
    action: &str,
    user: &str,
    at: &str,
    changed: &[&str],
    what: &[&str],
) {
    assert_eq!(
        event_headers(after),
        event_headers(before) + 1,
        "{what:?}: not exactly one [[event]] more\nbefore:\n{before}\nafter:\n{after}"
    );
    let (old_fields, old_history) = split_history(before);
    let (new_fields, new_history) = split_history(after);
    assert!(
        new_history.starts_with(old_history),
        "{what:?}: the old history is not kept byte for byte\nbefore:\n{old_history}\nafter:\n{new_history}"
    );
    let appended = &new_history[old_history.len()..];
    assert_eq!(
        event_headers(appended),
        1,
        "{what:?}: appended text: {appended:?}"
    );
    let b: toml::Table = before.parse().unwrap();
    let a: toml::Table = after.parse().unwrap();
    let last = events_of(&a).pop().unwrap();
    assert_eq!(last["action"].as_str(), Some(action), "{what:?}: {last:?}");
    assert_eq!(last["by"].as_str(), Some(user), "{what:?}: {last:?}");
    assert_eq!(
        last["at"].to_string(),
        at,
        "{what:?}: the event's time is SVCDESK_NOW in the desk zone"
    );
    let got = changed_keys(&b, &a);
    assert_eq!(got, set(changed), "{what:?}: fields changed");
    assert_eq!(
        without_keys(old_fields, &got),
        without_keys(new_fields, &got),
        "{what:?}: lines other than the changed fields moved or changed"
    );
}

fn contains_all(text: &str, parts: &[&str]) {
    for p in parts {
        assert!(text.contains(p), "missing {p:?} in:\n{text}");
    }
}

// ---------------------------------------------------------------------------------------
// Whole lives
// ---------------------------------------------------------------------------------------

#[test]
fn life_grade_iii_public_opinion_complaint_with_compensation_approved_by_the_gm() {
    // Grade III compensation is reviewed by the legal department before the GM decides
    // (`[compensation] legal_review = ["III"]` of the default config).
    let d = Desk::staffed(
        "\n[[staff]]\nid = \"qian\"\nname = \"钱法务\"\ndepartment = \"management\"\nroles = [\"legal\"]\n",
    );
    let c = d.customer("华东机械");
    let t = d.open(&[
        "--customer",
        &c,
        "--channel",
        "media",
        "--category",
        "complaint",
        "--complaint-kind",
        "public-opinion",
        "--grade",
        "III",
        "--product",
        "X200",
        "--serial",
        "SN-0001",
        "-m",
        "客户在微博发帖：设备冒烟，威胁向市场监管局投诉",
    ]);
    let f = d.toml(&t);
    assert_eq!(f["state"].as_str(), Some("assigned"));
    assert_eq!(f["grade"].as_str(), Some("III"));
    assert_eq!(f["channel"].as_str(), Some("media"));
    assert_eq!(f["complaint_kind"].as_str(), Some("public-opinion"));
    assert_eq!(f["department"].as_str(), Some("customer-service"));
    assert_eq!(f["customer"].as_str(), Some(c.as_str()));
    assert_eq!(actions(&f), ["open", "assign"]);
    assert!(d.rel(&t).starts_with("tickets/2026/11/"), "{}", d.rel(&t));

    d.step(
        "li",
        &t,
        &["ticket", "accept", &t],
        "accept",
        &["state", "assignee", "accepted"],
    );
    d.step(
        "li",
        &t,
        &[
            "ticket",
            "respond",
            &t,
            "-m",
            "已致歉，专人跟进",
            "--channel",
            "phone",
        ],
        "respond",
        &["state", "responded"],
    );
    assert_eq!(d.state(&t), "in-progress");
    d.step(
        "wang",
        &t,
        &[
            "ticket",
            "diagnose",
            &t,
            "--cause",
            "电源板批次缺陷",
            "--responsibility",
            "product",
            "--plan",
            "更换电源板",
        ],
        "diagnose",
        &["cause", "responsibility", "plan"],
    );
    d.step(
        "wang",
        &t,
        &["ticket", "plan", &t, "-m", "上门更换整机并补偿"],
        "plan",
        &["plan"],
    );
    d.step(
        "li",
        &t,
        &[
            "comp", "request", &t, "--amount", "5000", "--kind", "cash", "--reason", "舆情",
        ],
        "comp-request",
        &[
            "compensation",
            "compensation_amount",
            "compensation_currency",
            "compensation_kind",
        ],
    );
    assert_eq!(d.toml(&t)["compensation"].as_str(), Some("requested"));
    d.step(
        "zhao",
        &t,
        &["comp", "review", &t, "-m", "金额合理"],
        "comp-review",
        &["compensation"],
    );
    assert_eq!(d.toml(&t)["compensation"].as_str(), Some("reviewed"));
    d.step(
        "qian",
        &t,
        &[
            "comp",
            "legal-review",
            &t,
            "--approve",
            "-m",
            "已报备法务部",
        ],
        "legal-review",
        &["legal_review"],
    );
    d.step(
        "chen",
        &t,
        &["comp", "approve", &t],
        "comp-approve",
        &["compensation"],
    );
    d.step(
        "wang",
        &t,
        &[
            "ticket",
            "resolve",
            &t,
            "-m",
            "整机已更换，现金补偿已付",
            "--parts",
            "整机 X200",
        ],
        "resolve",
        &["state", "resolved", "resolution"],
    );
    d.step(
        "li",
        &t,
        &[
            "ticket",
            "revisit",
            &t,
            "--efficiency",
            "4",
            "--attitude",
            "5",
            "--result",
            "4",
            "-m",
            "客户已删帖",
        ],
        "revisit",
        &["satisfaction"],
    );
    let f = d.step(
        "li",
        &t,
        &["ticket", "close", &t, "--satisfaction", "5"],
        "close",
        &["state", "closed", "satisfaction"],
    );
    assert_eq!(f["state"].as_str(), Some("closed"));
    assert_eq!(f["compensation"].as_str(), Some("approved"));
    assert_eq!(f["compensation_amount"].as_str(), Some("5000"));
    assert_eq!(f["compensation_currency"].as_str(), Some("CNY"));
    assert_eq!(f["compensation_kind"].as_str(), Some("cash"));
    assert_eq!(f["satisfaction"].as_integer(), Some(5));
    assert_eq!(f["assignee"].as_str(), Some("li"));
    assert_eq!(f["cause"].as_str(), Some("电源板批次缺陷"));
    assert_eq!(f["plan"].as_str(), Some("上门更换整机并补偿"));
    assert_eq!(
        actions(&f),
        [
            "open",
            "assign",
            "accept",
            "respond",
            "diagnose",
            "plan",
            "comp-request",
            "comp-review",
            "legal-review",
            "comp-approve",
            "resolve",
            "revisit",
            "close"
        ]
    );
    let ev = events_of(&f);
    assert_eq!(ev[7]["by"].as_str(), Some("zhao"));
    assert_eq!(ev[8]["by"].as_str(), Some("qian"));
    assert_eq!(ev[9]["by"].as_str(), Some("chen"));
    assert_eq!(ev[10]["parts"].as_str(), Some("整机 X200"));
    assert_eq!(
        d.check().0,
        0,
        "the finished desk is clean: {:?}",
        d.check()
    );
}

#[test]
fn life_grade_i_fault_fixed_remotely() {
    let d = Desk::staffed("");
    let c = d.customer("Beta 科技");
    let t = d.open(&[
        "--customer",
        &c,
        "--channel",
        "phone",
        "--category",
        "consult",
        "--product",
        "P10",
        "-m",
        "打印机偶尔卡纸",
    ]);
    assert_eq!(d.toml(&t)["department"].as_str(), Some("service"));
    d.step(
        "wang",
        &t,
        &[
            "ticket",
            "grade",
            &t,
            "I",
            "--reason",
            "非核心功能，单一客户",
        ],
        "grade",
        &["grade"],
    );
    d.step(
        "wang",
        &t,
        &["ticket", "accept", &t],
        "accept",
        &["state", "assignee", "accepted"],
    );
    d.step(
        "wang",
        &t,
        &["ticket", "diagnose", &t, "--cause", "驱动版本过旧"],
        "diagnose",
        &["state", "cause"],
    );
    d.step(
        "wang",
        &t,
        &["ticket", "resolve", &t, "-m", "远程升级驱动，测试正常"],
        "resolve",
        &["state", "resolved", "resolution"],
    );
    d.step(
        "li",
        &t,
        &["ticket", "revisit", &t, "--result", "5"],
        "revisit",
        &["satisfaction"],
    );
    let f = d.step(
        "li",
        &t,
        &["ticket", "close", &t],
        "close",
        &["state", "closed"],
    );
    assert_eq!(f["state"].as_str(), Some("closed"));
    assert_eq!(f["grade"].as_str(), Some("I"));
    assert_eq!(f["assignee"].as_str(), Some("wang"));
    assert_eq!(f["satisfaction"].as_integer(), Some(5));
    assert_eq!(f["resolution"].as_str(), Some("远程升级驱动，测试正常"));
    assert!(f.get("compensation").is_none());
    assert_eq!(
        actions(&f),
        [
            "open", "assign", "grade", "accept", "diagnose", "resolve", "revisit", "close"
        ]
    );
    assert_eq!(
        events_of(&f)[2]["reason"].as_str(),
        Some("非核心功能，单一客户")
    );
}

#[test]
fn life_phone_complaint_closed_on_the_call() {
    let d = Desk::staffed("");
    let c = d.customer("王五");
    let at = d.now();
    let t = d.open(&[
        "--customer",
        &c,
        "--channel",
        "phone",
        "--category",
        "complaint",
        "--complaint-kind",
        "attitude",
        "-m",
        "安装师傅态度差",
        "--resolved-on-call",
        "已致歉并说明改进措施，客户接受",
    ]);
    let f = d.toml(&t);
    assert_eq!(f["state"].as_str(), Some("closed"));
    assert_eq!(
        f["resolution"].as_str(),
        Some("已致歉并说明改进措施，客户接受")
    );
    assert!(f.get("compensation").is_none());
    let ev = events_of(&f);
    let acts = actions(&f);
    // Registered, routed to the person who took the call, who took it, answered the
    // customer and settled it: what happened on the call, so no timer is missed.
    assert_eq!(
        acts,
        ["open", "assign", "accept", "respond", "resolve", "close"]
    );
    assert_eq!(f["department"].as_str(), Some("customer-service"));
    assert_eq!(f["assignee"].as_str(), Some("li"));
    let resolve = &ev[4];
    assert_eq!(resolve["on_call"].as_bool(), Some(true), "{resolve:?}");
    assert_eq!(
        resolve["text"].as_str(),
        Some("已致歉并说明改进措施，客户接受")
    );
    for e in &ev {
        assert_eq!(e["at"].to_string(), at, "one command, one moment: {e:?}");
        assert_eq!(e["by"].as_str(), Some("li"));
    }
    assert_eq!(f["opened"].to_string(), at);
    assert_eq!(f["closed"].to_string(), at);
    assert_eq!(d.check().0, 0);
    // Closed means closed: it shows up as such.
    assert!(d.list_ids(&["--open"]).is_empty());
    assert_eq!(d.list_ids(&["--state", "closed"]), set(&[&t]));
}

#[test]
fn life_reopen_after_a_poor_revisit() {
    let d = Desk::staffed("");
    let c = d.customer("丙公司");
    let t = d.open(&["--customer", &c, "--category", "quality", "-m", "外壳开裂"]);
    d.step(
        "li",
        &t,
        &["ticket", "assign", &t, "--to", "wang"],
        "assign",
        &["assignee"],
    );
    d.step(
        "wang",
        &t,
        &["ticket", "accept", &t],
        "accept",
        &["state", "accepted"],
    );
    d.step(
        "wang",
        &t,
        &["ticket", "resolve", &t, "-m", "胶粘修复"],
        "resolve",
        &["state", "resolved", "resolution"],
    );
    // A poor revisit: recorded, and the CLI suggests a reopen.
    let before = d.text(&t);
    let at = d.now();
    let o = d.run_as(
        "li",
        &["ticket", "revisit", &t, "--result", "2", "-m", "又裂了"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    contains_all(&err, &["warning:", "not satisfied", "reopen", &t]);
    assert_one_event_appended(
        &before,
        &d.text(&t),
        "revisit",
        "li",
        &at,
        &["satisfaction"],
        &[],
    );
    assert_eq!(d.toml(&t)["satisfaction"].as_integer(), Some(2));
    assert_eq!(d.state(&t), "resolved", "a revisit alone does not reopen");

    // A good revisit does not warn.
    let err = d
        .run_as(
            "li",
            &["ticket", "revisit", &t, "--efficiency", "4", "-m", "ok"],
        )
        .stderr;
    assert!(!String::from_utf8(err).unwrap().contains("reopen"));

    // A reopen needs a reason.
    let e = d.fails_as("li", 2, &["ticket", "reopen", &t]);
    assert!(e.contains("--reason"), "{e}");
    let f = d.step(
        "li",
        &t,
        &[
            "ticket",
            "reopen",
            &t,
            "--reason",
            "客户回访不满意：再次开裂",
        ],
        "reopen",
        &["state", "reopened", "resolved", "satisfaction"],
    );
    assert_eq!(f["state"].as_str(), Some("in-progress"));
    assert_eq!(f["reopened"].as_integer(), Some(1));
    assert!(f.get("resolved").is_none() && f.get("satisfaction").is_none());
    assert_eq!(f["assignee"].as_str(), Some("wang"), "the owner keeps it");

    d.step(
        "wang",
        &t,
        &["ticket", "resolve", &t, "-m", "更换外壳"],
        "resolve",
        &["state", "resolved", "resolution"],
    );
    let f = d.step(
        "li",
        &t,
        &["ticket", "close", &t, "--satisfaction", "4"],
        "close",
        &["state", "closed", "satisfaction"],
    );
    assert_eq!(f["reopened"].as_integer(), Some(1));
    assert_eq!(f["resolution"].as_str(), Some("更换外壳"));
    // A closed ticket can be reopened too, and the count goes on.
    let f = d.step(
        "li",
        &t,
        &["ticket", "reopen", &t, "--reason", "第三次"],
        "reopen",
        &["state", "reopened", "resolved", "closed", "satisfaction"],
    );
    assert_eq!(f["reopened"].as_integer(), Some(2));
    assert_eq!(d.check().0, 0);
}

// ---------------------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------------------

#[test]
fn routing_by_category_from_the_default_config() {
    let d = Desk::new();
    let c = d.customer("甲");
    for (category, dept) in [
        ("complaint", "customer-service"),
        ("quality", "quality"),
        ("consult", "service"),
        ("suggestion", "product"),
        ("logistics", "logistics"),
        ("agency", "sales"),
        ("other", "service-desk"),
    ] {
        let t = d.open(&["--customer", &c, "--category", category, "-m", category]);
        let f = d.toml(&t);
        assert_eq!(f["department"].as_str(), Some(dept), "{category}");
        assert_eq!(f["state"].as_str(), Some("assigned"), "{category}");
        assert!(f.get("assignee").is_none(), "routing rule none: {f:?}");
        let route = &events_of(&f)[1];
        assert_eq!(route["action"].as_str(), Some("assign"));
        assert_eq!(route["department"].as_str(), Some(dept));
        assert!(
            route["reason"].as_str().unwrap().contains(category),
            "{route:?}"
        );
    }
}

#[test]
fn routing_department_option_overrides_the_category() {
    let d = Desk::new();
    let c = d.customer("甲");
    let t = d.open(&[
        "--customer",
        &c,
        "--category",
        "complaint",
        "--department",
        "quality",
        "-m",
        "x",
    ]);
    assert_eq!(d.toml(&t)["department"].as_str(), Some("quality"));
    assert_eq!(d.toml(&t)["category"].as_str(), Some("complaint"));
    // An unknown department is refused and nothing is written.
    let e = d.fails_as(
        "li",
        1,
        &[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "complaint",
            "--department",
            "nope",
            "-m",
            "x",
        ],
    );
    contains_all(
        &e,
        &["unknown department \"nope\"", "customer-service", "quality"],
    );
    assert_eq!(d.ticket_files().len(), 1);
    // Re-routing by hand later.
    d.step(
        "li",
        &t,
        &[
            "ticket",
            "assign",
            &t,
            "--department",
            "service",
            "--reason",
            "技术问题",
        ],
        "assign",
        &["department"],
    );
}

#[test]
fn routing_round_robin_alternates_between_the_departments_engineers() {
    let d = Desk::staffed(LIU);
    d.set_routing("round-robin");
    let c = d.customer("甲");
    let mut got = Vec::new();
    for i in 0..4 {
        let t = d.open(&[
            "--customer",
            &c,
            "--category",
            "consult",
            "-m",
            &format!("c{i}"),
        ]);
        got.push(d.toml(&t)["assignee"].as_str().unwrap().to_string());
    }
    assert_eq!(got, ["wang", "liu", "wang", "liu"]);
    // Another department has its own turn: complaint goes to customer-service (li only).
    let t = d.open(&["--customer", &c, "--category", "complaint", "-m", "x"]);
    assert_eq!(d.toml(&t)["assignee"].as_str(), Some("li"));
    let t = d.open(&["--customer", &c, "--category", "consult", "-m", "c4"]);
    assert_eq!(d.toml(&t)["assignee"].as_str(), Some("wang"));
    // An explicit assignee wins over the rule.
    let t = d.open(&[
        "--customer",
        &c,
        "--category",
        "consult",
        "--assignee",
        "wang",
        "-m",
        "c5",
    ]);
    assert_eq!(d.toml(&t)["assignee"].as_str(), Some("wang"));
}

/// `--no-route` leaves the ticket `new` (no department, no person, even with a routing
/// rule) for a dispatcher, whose `ticket assign` then routes it; it cannot be combined
/// with routing by hand or settling on the call.
#[test]
fn open_no_route_leaves_the_ticket_new_for_a_dispatcher() {
    let d = Desk::staffed(LIU);
    d.set_routing("round-robin");
    let c = d.customer("甲");
    let t = d.open(&[
        "--customer",
        &c,
        "--category",
        "consult",
        "--no-route",
        "-m",
        "web form",
    ]);
    let doc = d.toml(&t);
    assert_eq!(doc["state"].as_str(), Some("new"));
    assert!(doc.get("department").is_none() && doc.get("assignee").is_none());
    let csv = d.ok(&["ticket", "list", "--state", "new", "--format", "csv"]);
    assert!(csv.contains(&t), "{csv}");
    d.ok(&[
        "ticket",
        "assign",
        &t,
        "--department",
        "service",
        "--to",
        "wang",
    ]);
    assert_eq!(d.toml(&t)["state"].as_str(), Some("assigned"));
    for extra in [
        &["--department", "service"][..],
        &["--assignee", "wang"][..],
        &["--resolved-on-call", "explained"][..],
    ] {
        let mut args = vec![
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "consult",
            "--no-route",
            "-m",
            "x",
        ];
        args.extend_from_slice(extra);
        d.fails_as("li", 2, &args);
    }
    d.ok(&["check"]);
}

#[test]
fn routing_least_open_picks_the_engineer_with_fewer_open_tickets() {
    let d = Desk::staffed(LIU);
    let c = d.customer("甲");
    // By hand: wang has two open tickets, liu one, plus one closed for liu.
    for who in ["wang", "wang", "liu"] {
        d.open(&[
            "--customer",
            &c,
            "--category",
            "consult",
            "--assignee",
            who,
            "-m",
            who,
        ]);
    }
    for _ in 0..2 {
        let t = d.open(&[
            "--customer",
            &c,
            "--category",
            "consult",
            "--assignee",
            "liu",
            "-m",
            "x",
        ]);
        d.ok_as("liu", &["ticket", "accept", &t]);
        d.ok_as("liu", &["ticket", "resolve", &t, "-m", "done"]);
        d.ok_as("li", &["ticket", "close", &t]);
    }
    d.set_routing("least-open");
    let t = d.open(&[
        "--customer",
        &c,
        "--category",
        "consult",
        "-m",
        "who gets it",
    ]);
    assert_eq!(
        d.toml(&t)["assignee"].as_str(),
        Some("liu"),
        "liu has 1 open (closed ones do not count), wang 2"
    );
    let t = d.open(&["--customer", &c, "--category", "consult", "-m", "tie"]);
    assert_eq!(
        d.toml(&t)["assignee"].as_str(),
        Some("wang"),
        "2 each: ties go to the first in staff order"
    );
    let t = d.open(&["--customer", &c, "--category", "consult", "-m", "now liu"]);
    assert_eq!(
        d.toml(&t)["assignee"].as_str(),
        Some("liu"),
        "wang 3, liu 2"
    );
}

// ---------------------------------------------------------------------------------------
// Roles
// ---------------------------------------------------------------------------------------

/// A staffed desk with a ticket worked up to a pending compensation request.
fn with_compensation_requested() -> (Desk, String) {
    let d = Desk::staffed("");
    let c = d.customer("甲");
    let t = d.open(&["--customer", &c, "--category", "complaint", "-m", "x"]);
    d.ok(&["ticket", "accept", &t]);
    d.ok(&[
        "comp", "request", &t, "--amount", "199.90", "--kind", "coupon",
    ]);
    (d, t)
}

#[test]
fn role_comp_review_needs_finance_and_names_who_has_it() {
    let (d, t) = with_compensation_requested();
    for who in ["li", "wang", "chen"] {
        let e = d.refused(who, &t, &["comp", "review", &t]);
        contains_all(&e, &[who, "review compensation", "finance", "zhao"]);
    }
    d.step(
        "zhao",
        &t,
        &["comp", "review", &t],
        "comp-review",
        &["compensation"],
    );
}

#[test]
fn role_comp_approve_needs_gm_and_names_who_has_it() {
    let (d, t) = with_compensation_requested();
    d.ok_as("zhao", &["comp", "review", &t]);
    for who in ["zhao", "li", "wang"] {
        let e = d.refused(who, &t, &["comp", "approve", &t]);
        contains_all(&e, &[who, "approve compensation", "role gm", "chen"]);
    }
    d.step(
        "chen",
        &t,
        &["comp", "approve", &t],
        "comp-approve",
        &["compensation"],
    );
    assert_eq!(d.toml(&t)["compensation"].as_str(), Some("approved"));
}

#[test]
fn role_comp_reject_by_gm_after_review_or_finance_before() {
    let (d, t) = with_compensation_requested();
    let e = d.refused("li", &t, &["comp", "reject", &t]);
    contains_all(&e, &["li may not reject compensation", "gm", "finance"]);
    d.step(
        "zhao",
        &t,
        &["comp", "reject", &t, "-m", "无依据"],
        "comp-reject",
        &["compensation"],
    );
    assert_eq!(d.toml(&t)["compensation"].as_str(), Some("rejected"));
    // A rejected request can be followed by a new one.
    d.step(
        "li",
        &t,
        &["comp", "request", &t, "--amount", "50", "--kind", "coupon"],
        "comp-request",
        &["compensation", "compensation_amount"],
    );
}

#[test]
fn role_a_person_not_on_the_staff_list_is_refused() {
    let d = Desk::staffed("");
    let c = d.customer("甲");
    let t = d.open(&["--customer", &c, "--category", "complaint", "-m", "x"]);
    let e = d.refused("nobody", &t, &["ticket", "note", &t, "-m", "hi"]);
    contains_all(
        &e,
        &[
            "\"nobody\" is not on this desk's staff list",
            "li",
            "zhao",
            "chen",
        ],
    );
    // --as wins over SVCDESK_USER, and is checked too.
    let before = d.text(&t);
    let o = d.run_as("li", &["--as", "nobody", "ticket", "accept", &t]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("\"nobody\""));
    assert_eq!(d.text(&t), before);
    // Opening is refused too, and nothing is created.
    d.fails_as(
        "nobody",
        1,
        &[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "consult",
            "-m",
            "x",
        ],
    );
    assert_eq!(d.ticket_files().len(), 1);
    // Assigning to someone not on the list is refused.
    let e = d.refused("li", &t, &["ticket", "assign", &t, "--to", "ghost"]);
    contains_all(&e, &["\"ghost\" is not on this desk's staff list"]);
}

#[test]
fn role_accepting_someone_elses_ticket_needs_a_supervisor() {
    let d = Desk::staffed("");
    let c = d.customer("甲");
    let t = d.open(&[
        "--customer",
        &c,
        "--category",
        "consult",
        "--assignee",
        "wang",
        "-m",
        "x",
    ]);
    let e = d.refused("li", &t, &["ticket", "accept", &t]);
    contains_all(
        &e,
        &["li may not accept a ticket assigned to wang", "supervisor"],
    );
    // A manager may confirm receipt on the assignee's behalf; the assignee stays.
    let f = d.step(
        "chen",
        &t,
        &["ticket", "accept", &t],
        "accept",
        &["state", "accepted"],
    );
    assert_eq!(f["assignee"].as_str(), Some("wang"));
    // The assignee themself may.
    let t2 = d.open(&[
        "--customer",
        &c,
        "--category",
        "consult",
        "--assignee",
        "wang",
        "-m",
        "y",
    ]);
    d.step(
        "wang",
        &t2,
        &["ticket", "accept", &t2],
        "accept",
        &["state", "accepted"],
    );
}

// ---------------------------------------------------------------------------------------
// Invalid transitions
// ---------------------------------------------------------------------------------------

/// Writes a ticket just registered (state `new`, one `open` event), as an import or an
/// older svcdesk might; `ticket open` itself always routes.
fn new_ticket_by_hand(d: &Desk, customer: &str) -> String {
    let id = "T20261124-NEW000";
    let text = format!(
        r#"schema = 1
id = "{id}"
state = "new"
title = "hand-entered"
customer = "{customer}"
channel = "phone"
category = "consult"
priority = "medium"
tags = []
attachments = []
links = []
opened = 2026-11-24T09:00:00+08:00
reopened = 0
description = "hand-entered"

[[event]]
at = 2026-11-24T09:00:00+08:00
by = "li"
action = "open"
title = "hand-entered"
customer = "{customer}"
channel = "phone"
category = "consult"
priority = "medium"
description = "hand-entered"
"#
    );
    d.t.write(&format!("tickets/2026/11/{id}.toml"), text);
    let (code, out, err) = d.check();
    assert_eq!(code, 0, "the hand-made ticket is valid:\n{out}{err}");
    id.to_string()
}

/// Tickets in every state, and the steps each must refuse: (args after the ID, action).
fn refusals(state: &str) -> Vec<(Vec<&'static str>, &'static str)> {
    let close = (vec!["close"], "close");
    let accept = (vec!["accept"], "accept");
    let resume = (vec!["resume"], "resume");
    let wait = (vec!["wait", "--for", "parts"], "wait");
    let reopen = (vec!["reopen", "--reason", "r"], "reopen");
    let resolve = (vec!["resolve", "-m", "fixed"], "resolve");
    let diagnose = (vec!["diagnose", "--cause", "c"], "diagnose");
    let plan = (vec!["plan", "-m", "p"], "plan");
    let revisit = (vec!["revisit", "--result", "5"], "revisit");
    let collab = (
        vec!["collab", "--department", "quality", "--need", "n"],
        "collab",
    );
    let grade = (vec!["grade", "II"], "grade");
    let assign = (vec!["assign", "--department", "quality"], "assign");
    let respond = (vec!["respond", "-m", "hello"], "respond");
    let escalate = (
        vec!["escalate", "--grade", "III", "--reason", "r"],
        "escalate",
    );
    match state {
        "new" => vec![
            close, accept, resume, wait, reopen, resolve, diagnose, plan, revisit,
        ],
        "assigned" => vec![
            resolve, close, resume, wait, reopen, diagnose, plan, collab, revisit,
        ],
        "accepted" => vec![accept, resume, close, reopen, revisit],
        "in-progress" => vec![resume, accept, close, reopen, revisit],
        "waiting" => vec![wait, accept, close, reopen, diagnose, plan, revisit],
        "resolved" => vec![wait, resume, accept, resolve, diagnose, plan, collab],
        "closed" => vec![
            close, resolve, accept, assign, grade, escalate, respond, wait, resume, diagnose,
        ],
        _ => unreachable!(),
    }
}

/// Steps that must be in the "allowed from" list of each state.
fn must_allow(state: &str) -> &'static [&'static str] {
    match state {
        "new" => &["assign", "grade", "note"],
        "assigned" => &["accept", "assign", "note"],
        "accepted" => &["diagnose", "resolve", "wait", "respond"],
        "in-progress" => &["resolve", "wait", "diagnose"],
        "waiting" => &["resume", "resolve"],
        "resolved" => &["close", "reopen", "revisit"],
        "closed" => &["reopen", "note"],
        _ => unreachable!(),
    }
}

#[test]
fn every_invalid_transition_names_the_state_and_the_allowed_steps() {
    // wang also heads the service department here, so init's [permissions] table lets
    // him try every step and the refusals are the state machine's.
    let d = Desk::new();
    let wang_head = WANG.replace(r#"roles = ["engineer"]"#, r#"roles = ["engineer", "head"]"#);
    assert_ne!(wang_head, WANG);
    d.append_config(&roster(&[LI, &wang_head, ZHAO, CHEN]));
    let c = d.customer("甲");
    let open = |m: &str| {
        d.open(&[
            "--customer",
            &c,
            "--category",
            "consult",
            "--assignee",
            "wang",
            "-m",
            m,
        ])
    };
    let new = new_ticket_by_hand(&d, &c);
    let assigned = open("assigned");
    let accepted = open("accepted");
    d.ok_as("wang", &["ticket", "accept", &accepted]);
    let in_progress = open("in-progress");
    d.ok_as("wang", &["ticket", "accept", &in_progress]);
    d.ok_as(
        "wang",
        &["ticket", "diagnose", &in_progress, "--cause", "c"],
    );
    let waiting = open("waiting");
    d.ok_as("wang", &["ticket", "accept", &waiting]);
    d.ok_as("wang", &["ticket", "wait", &waiting, "--for", "parts"]);
    let resolved = open("resolved");
    d.ok_as("wang", &["ticket", "accept", &resolved]);
    d.ok_as("wang", &["ticket", "resolve", &resolved, "-m", "r"]);
    let closed = open("closed");
    d.ok_as("wang", &["ticket", "accept", &closed]);
    d.ok_as("wang", &["ticket", "resolve", &closed, "-m", "r"]);
    d.ok_as("li", &["ticket", "close", &closed]);

    let mut tried = 0;
    for (state, id) in [
        ("new", &new),
        ("assigned", &assigned),
        ("accepted", &accepted),
        ("in-progress", &in_progress),
        ("waiting", &waiting),
        ("resolved", &resolved),
        ("closed", &closed),
    ] {
        assert_eq!(d.state(id), state, "{id}");
        for (rest, action) in refusals(state) {
            let mut args = vec!["ticket", rest[0], id.as_str()];
            args.extend_from_slice(&rest[1..]);
            // The assignee (and head) tries, so no role rule gets in the way.
            let e = d.refused("wang", id, &args);
            let head = format!("cannot {action}: the ticket is {state};");
            assert!(e.contains(&head), "{args:?}: expected {head:?} in:\n{e}");
            let marker = format!("allowed from {state}: ");
            let allowed: BTreeSet<&str> = e
                .split_once(&marker)
                .unwrap_or_else(|| panic!("{args:?}: no {marker:?} in:\n{e}"))
                .1
                .lines()
                .next()
                .unwrap()
                .split(", ")
                .map(str::trim)
                .collect();
            assert!(
                !allowed.contains(action),
                "{action} both refused and allowed: {e}"
            );
            for a in must_allow(state) {
                assert!(allowed.contains(a), "{state}: {a} should be allowed: {e}");
            }
            assert!(e.contains(id.as_str()), "the error names the ticket: {e}");
            tried += 1;
        }
        // The state is unchanged after all the refusals.
        assert_eq!(d.state(id), state);
    }
    assert!(tried >= 50, "{tried}");
    assert_eq!(d.check().0, 0, "{:?}", d.check());
}

#[test]
fn close_is_refused_while_compensation_is_pending() {
    let (d, t) = with_compensation_requested();
    d.ok(&["ticket", "resolve", &t, "-m", "done"]);
    let e = d.refused("li", &t, &["ticket", "close", &t]);
    contains_all(&e, &["compensation is requested", "finance review"]);
    d.ok_as("zhao", &["comp", "review", &t]);
    let e = d.refused("li", &t, &["ticket", "close", &t]);
    contains_all(&e, &["compensation is reviewed", "general manager"]);
    d.ok_as("chen", &["comp", "approve", &t]);
    d.step(
        "li",
        &t,
        &["ticket", "close", &t],
        "close",
        &["state", "closed"],
    );
}

#[test]
fn escalate_to_a_lower_or_equal_grade_is_refused() {
    let d = Desk::staffed("");
    let c = d.customer("甲");
    let t = d.open(&[
        "--customer",
        &c,
        "--category",
        "complaint",
        "--grade",
        "II",
        "-m",
        "x",
    ]);
    for g in ["I", "II"] {
        let e = d.refused(
            "li",
            &t,
            &["ticket", "escalate", &t, "--grade", g, "--reason", "r"],
        );
        contains_all(&e, &["escalate raises the grade", "already II"]);
    }
    let f = d.step(
        "li",
        &t,
        &[
            "ticket",
            "escalate",
            &t,
            "--grade",
            "III",
            "--to",
            "chen",
            "--reason",
            "媒体介入",
        ],
        "escalate",
        &["grade", "assignee"],
    );
    assert_eq!(f["grade"].as_str(), Some("III"));
    assert_eq!(f["assignee"].as_str(), Some("chen"));
    // `grade` may lower it, with the regrading recorded.
    d.step(
        "chen",
        &t,
        &["ticket", "grade", &t, "II", "--reason", "已平息"],
        "grade",
        &["grade"],
    );
    let e = d.refused("chen", &t, &["ticket", "grade", &t, "II"]);
    assert!(e.contains("already grade II"), "{e}");
}

#[test]
fn comp_approve_before_review_is_refused() {
    let (d, t) = with_compensation_requested();
    let e = d.refused("chen", &t, &["comp", "approve", &t]);
    contains_all(
        &e,
        &[
            "cannot comp-approve",
            "compensation is requested",
            "needs it reviewed",
        ],
    );
    // And with nothing requested at all.
    let c = d.customer("乙");
    let t2 = d.open(&["--customer", &c, "--category", "complaint", "-m", "y"]);
    let e = d.refused("zhao", &t2, &["comp", "review", &t2]);
    assert!(e.contains("no compensation was requested"), "{e}");
    // A second request while one is pending is refused.
    let e = d.refused(
        "li",
        &t,
        &["comp", "request", &t, "--amount", "10", "--kind", "cash"],
    );
    assert!(e.contains("already pending"), "{e}");
    // Amounts are money, not floats.
    for bad in ["0", "-5", "1.234", "5元"] {
        let t3 = t.clone();
        let e = d.fails_as(
            "li",
            2,
            &["comp", "request", &t3, "--amount", bad, "--kind", "cash"],
        );
        assert!(!e.is_empty());
    }
}

#[test]
fn revisit_scores_outside_1_to_5_are_usage_errors() {
    let d = Desk::staffed("");
    let c = d.customer("甲");
    let t = d.open(&[
        "--customer",
        &c,
        "--category",
        "consult",
        "--assignee",
        "li",
        "-m",
        "x",
    ]);
    d.ok(&["ticket", "accept", &t]);
    d.ok(&["ticket", "resolve", &t, "-m", "r"]);
    let before = d.text(&t);
    for args in [
        vec!["ticket", "revisit", &t, "--result", "6"],
        vec!["ticket", "revisit", &t, "--efficiency", "0"],
        vec!["ticket", "close", &t, "--satisfaction", "6"],
    ] {
        let e = d.fails_as("li", 2, &args);
        assert!(
            e.contains("1..=5") || e.contains("1-5") || e.contains("not in"),
            "{e}"
        );
    }
    assert_eq!(d.text(&t), before);
    // A revisit with nothing in it is refused by the desk.
    let e = d.refused("li", &t, &["ticket", "revisit", &t]);
    assert!(e.contains("revisit needs scores or a comment"), "{e}");
}

// ---------------------------------------------------------------------------------------
// The file on disk, step by step
// ---------------------------------------------------------------------------------------

#[test]
fn every_step_appends_one_event_and_changes_only_its_fields() {
    let d = Desk::staffed(LIU);
    let c = d.customer("甲");
    let other = d.open(&["--customer", &c, "--category", "consult", "-m", "earlier"]);
    let t = d.open(&[
        "--customer",
        &c,
        "--category",
        "quality",
        "--product",
        "X200",
        "--tag",
        "batch",
        "-m",
        "第一行\n第二行：多行描述",
    ]);
    let f = d.toml(&t);
    assert_eq!(f["description"].as_str(), Some("第一行\n第二行：多行描述"));
    assert_eq!(f["title"].as_str(), Some("第一行"));
    let w = "wang";
    d.step(
        w,
        &t,
        &["ticket", "grade", &t, "II", "--reason", "核心功能"],
        "grade",
        &["grade"],
    );
    d.step(
        w,
        &t,
        &[
            "ticket",
            "assign",
            &t,
            "--to",
            "wang",
            "--reason",
            "熟悉此型号",
        ],
        "assign",
        &["assignee"],
    );
    d.step(
        w,
        &t,
        &["ticket", "accept", &t],
        "accept",
        &["state", "accepted"],
    );
    d.step(
        w,
        &t,
        &["ticket", "note", &t, "-m", "联系不上客户"],
        "note",
        &[],
    );
    let f = d.step(
        w,
        &t,
        &["ticket", "note", &t, "-m", "已告知客户", "--to-customer"],
        "note",
        &[],
    );
    assert_eq!(
        events_of(&f).last().unwrap()["visibility"].as_str(),
        Some("customer")
    );
    d.step(
        w,
        &t,
        &["ticket", "respond", &t, "-m", "明天上门"],
        "respond",
        &["state", "responded"],
    );
    // A second reply keeps the first reply's time.
    d.step(
        w,
        &t,
        &["ticket", "respond", &t, "-m", "改为后天"],
        "respond",
        &[],
    );
    d.step(
        w,
        &t,
        &[
            "ticket",
            "diagnose",
            &t,
            "--cause",
            "注塑缺陷",
            "--responsibility",
            "product",
        ],
        "diagnose",
        &["cause", "responsibility"],
    );
    d.step(
        w,
        &t,
        &["ticket", "plan", &t, "-m", "更换外壳"],
        "plan",
        &["plan"],
    );
    let f = d.step(
        w,
        &t,
        &[
            "ticket",
            "collab",
            &t,
            "--department",
            "quality",
            "--need",
            "批次分析",
            "--due",
            "2026-11-30",
        ],
        "collab",
        &[],
    );
    assert_eq!(
        events_of(&f).last().unwrap()["due"].to_string(),
        "2026-11-30"
    );
    let f = d.step(
        w,
        &t,
        &["ticket", "reply", &t, "-m", "批次 B12 有问题"],
        "collab-reply",
        &[],
    );
    assert_eq!(
        events_of(&f).last().unwrap()["request"].as_integer(),
        Some(1)
    );
    d.step(
        w,
        &t,
        &["ticket", "wait", &t, "--for", "parts", "-m", "等外壳"],
        "wait",
        &["state"],
    );
    assert_eq!(d.state(&t), "waiting");
    d.step(w, &t, &["ticket", "resume", &t], "resume", &["state"]);
    let f = d.step(
        w,
        &t,
        &["ticket", "link", &t, &other, "--kind", "repeat-of"],
        "link",
        &["links"],
    );
    assert_eq!(
        f["links"].as_array().unwrap()[0].as_str(),
        Some(format!("repeat-of:{other}").as_str())
    );
    let f = d.step(
        w,
        &t,
        &[
            "ticket",
            "escalate",
            &t,
            "--grade",
            "III",
            "--reason",
            "批量问题",
        ],
        "escalate",
        &["grade"],
    );
    assert_eq!(f["state"].as_str(), Some("in-progress"));
    // Escalating to a person moves the ticket back to assigned for them to accept.
    d.step(
        w,
        &t,
        &["ticket", "escalate", &t, "--to", "liu", "--reason", "换人"],
        "escalate",
        &["state", "assignee", "accepted"],
    );
    d.step(
        "liu",
        &t,
        &["ticket", "accept", &t],
        "accept",
        &["state", "accepted"],
    );
    d.step(
        "liu",
        &t,
        &[
            "ticket",
            "resolve",
            &t,
            "-m",
            "已更换",
            "--parts",
            "外壳 x1",
        ],
        "resolve",
        &["state", "resolved", "resolution"],
    );
    d.step(
        "li",
        &t,
        &["ticket", "revisit", &t, "--attitude", "5", "--result", "3"],
        "revisit",
        &["satisfaction"],
    );
    d.step(
        "li",
        &t,
        &["ticket", "close", &t, "-m", "归档"],
        "close",
        &["state", "closed"],
    );
    // A note after closing is still history and leaves the state alone.
    d.step(
        "li",
        &t,
        &["ticket", "note", &t, "-m", "质量部已改模具"],
        "note",
        &[],
    );
    let f = d.toml(&t);
    assert_eq!(f["description"].as_str(), Some("第一行\n第二行：多行描述"));
    assert_eq!(f["tags"].as_array().unwrap().len(), 1);
    assert_eq!(events_of(&f).len(), 23);
    assert_eq!(d.check().0, 0, "{:?}", d.check());
}

#[test]
fn hand_comments_survive_later_steps() {
    let d = Desk::staffed("");
    let c = d.customer("甲");
    let t = d.open(&["--customer", &c, "--category", "complaint", "-m", "x"]);
    let text = d.text(&t);
    assert!(text.contains("\nstate = \"assigned\"\n"), "{text}");
    let text = text.replacen(
        "\nstate = \"assigned\"\n",
        "\n# called twice, customer angry\nstate = \"assigned\"\n",
        1,
    );
    let text = format!("{text}# 客户要求下午回电 (end of the routing event)\n");
    d.write_text(&t, &text);
    assert_eq!(d.check().0, 0, "comments do not make a record faulty");

    d.step(
        "li",
        &t,
        &["ticket", "accept", &t],
        "accept",
        &["state", "assignee", "accepted"],
    );
    d.step(
        "li",
        &t,
        &["ticket", "respond", &t, "-m", "已回电"],
        "respond",
        &["state", "responded"],
    );
    d.step(
        "li",
        &t,
        &["ticket", "resolve", &t, "-m", "道歉"],
        "resolve",
        &["state", "resolved", "resolution"],
    );
    d.step(
        "li",
        &t,
        &["ticket", "close", &t],
        "close",
        &["state", "closed"],
    );
    let text = d.text(&t);
    assert!(
        text.contains("\n# called twice, customer angry\nstate = \"closed\"\n"),
        "the comment stays above the changed `state`:\n{text}"
    );
    // The event comment stays at the end of the event it was written under.
    let (_, history) = split_history(&text);
    let blocks: Vec<&str> = history.split("[[event]]").skip(1).collect();
    assert_eq!(blocks.len(), 6);
    assert!(
        blocks[1].contains("action = \"assign\"")
            && blocks[1]
                .trim_end()
                .ends_with("# 客户要求下午回电 (end of the routing event)"),
        "{text}"
    );
    assert_eq!(text.matches("客户要求下午回电").count(), 1);

    // A comment above a field that a later step removes (`closed` on reopen) stays.
    assert!(text.contains("\nclosed = "), "{text}");
    d.write_text(
        &t,
        &text.replacen("\nclosed = ", "\n# 主管同意电话结案\nclosed = ", 1),
    );
    let f = d.step(
        "li",
        &t,
        &["ticket", "reopen", &t, "--reason", "客户又来电"],
        "reopen",
        &["state", "reopened", "resolved", "closed"],
    );
    assert!(f.get("closed").is_none());
    let text = d.text(&t);
    let (fields, _) = split_history(&text);
    assert_eq!(fields.matches("# 主管同意电话结案\n").count(), 1, "{text}");
    assert!(fields.contains("# called twice, customer angry\nstate = \"in-progress\"\n"));
    assert_eq!(text.matches("客户要求下午回电").count(), 1);
    assert_eq!(d.check().0, 0, "{:?}", d.check());
}

// ---------------------------------------------------------------------------------------
// show and list
// ---------------------------------------------------------------------------------------

#[test]
fn show_prints_fields_and_the_timeline_and_json() {
    let d = Desk::staffed("");
    let c = d.customer("华东机械");
    let t = d.open(&[
        "--customer",
        &c,
        "--category",
        "complaint",
        "--complaint-kind",
        "repeated",
        "--product",
        "X200",
        "--serial",
        "SN-77",
        "--voucher",
        "INV-2026-001",
        "--purchase-date",
        "2026-03-01",
        "--contact",
        "张经理",
        "--tag",
        "vip",
        "-m",
        "第三次出现同样故障",
    ]);
    d.ok(&["ticket", "accept", &t]);
    d.ok(&["ticket", "grade", &t, "II", "--reason", "核心功能"]);
    d.ok_as("wang", &["ticket", "diagnose", &t, "--cause", "主板虚焊"]);
    d.ok(&["comp", "request", &t, "--amount", "300", "--kind", "refund"]);
    d.ok(&["ticket", "resolve", &t, "-m", "更换主板"]);

    let out = d.ok(&["ticket", "show", &t[10..14]]);
    for (label, value) in [
        ("id", t.as_str()),
        ("state", "resolved"),
        ("grade", "II"),
        ("category", "complaint"),
        ("complaint kind", "repeated"),
        ("customer", c.as_str()),
        ("department", "customer-service"),
        ("assignee", "li"),
        ("product", "X200"),
        ("serial", "SN-77"),
        ("voucher", "INV-2026-001"),
        ("purchase date", "2026-03-01"),
        ("contact", "张经理"),
        ("cause", "主板虚焊"),
        ("resolution", "更换主板"),
        ("compensation", "requested: 300 CNY refund"),
    ] {
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("{label} ")) && l.contains(value))
            .unwrap_or_else(|| panic!("no `{label} … {value}` line in:\n{out}"));
        assert!(line.contains(value));
    }
    assert!(
        out.contains("华东机械"),
        "the customer's name is shown:\n{out}"
    );
    assert!(out.contains("第三次出现同样故障"));
    let timeline = out.split_once("Timeline:\n").expect("a Timeline").1;
    let timeline = timeline.split("\nSLA:\n").next().unwrap();
    let lines: Vec<&str> = timeline.lines().filter(|l| !l.trim().is_empty()).collect();
    let expected = [
        "open",
        "assign",
        "accept",
        "grade",
        "diagnose",
        "comp-request",
        "resolve",
    ];
    assert_eq!(lines.len(), expected.len(), "{timeline}");
    for (l, a) in lines.iter().zip(expected) {
        assert!(
            l.split_whitespace().any(|w| w == a) && l.contains("2026-11-24"),
            "{a} in {l:?}"
        );
    }
    assert!(lines[4].contains("主板虚焊"), "{}", lines[4]);

    let json = parse_json(&d.ok(&["ticket", "show", &t, "--format", "json"]));
    assert_eq!(json["id"], t.as_str());
    assert_eq!(json["state"], "resolved");
    assert_eq!(json["grade"], "II");
    assert_eq!(json["compensation"], "requested");
    let ev = json["event"].as_array().expect("an event array");
    assert_eq!(ev.len(), expected.len());
    for (e, a) in ev.iter().zip(expected) {
        assert_eq!(e["action"], a);
    }
    assert_eq!(ev[0]["product"], "X200");
}

#[test]
fn unknown_and_abbreviated_ticket_ids() {
    let d = Desk::staffed("");
    let c = d.customer("甲");
    let t = d.open(&[
        "--customer",
        &c,
        "--category",
        "consult",
        "--assignee",
        "li",
        "-m",
        "x",
    ]);
    // Any unique, case-insensitive part of the ID will do for a step.
    let short = t[10..14].to_lowercase();
    d.step(
        "li",
        &t,
        &["ticket", "accept", &short],
        "accept",
        &["state", "accepted"],
    );
    d.step(
        "li",
        &t,
        &["ticket", "note", &t[..13], "-m", "by a prefix"],
        "note",
        &[],
    );
    let tail = t[10..].to_lowercase();
    d.step(
        "li",
        &t,
        &["ticket", "note", &tail, "-m", "by the random part"],
        "note",
        &[],
    );
    let e = d.fails_as("li", 1, &["ticket", "accept", "ZZZZZZ"]);
    assert!(e.contains("no ticket matches \"ZZZZZZ\""), "{e}");
    let e = d.fails_as("li", 1, &["ticket", "show", "T20991231-ABCDEF"]);
    assert!(e.contains("no ticket matches"), "{e}");
    // A customer ID is not a ticket ID.
    let e = d.fails_as("li", 1, &["ticket", "note", &c, "-m", "x"]);
    assert!(e.contains("ticket"), "{e}");
}

/// A desk with four tickets spread over customers, categories, channels, dates and states.
struct ListDesk {
    d: Desk,
    c1: String,
    a: String,
    b: String,
    c: String,
    e: String,
}

fn list_desk() -> ListDesk {
    let d = Desk::staffed("");
    let c1 = d.customer("甲公司");
    let c2 = d.customer("乙公司");
    let a = d.open(&[
        "--customer",
        &c1,
        "--category",
        "complaint",
        "--channel",
        "phone",
        "--grade",
        "III",
        "--tag",
        "vip",
        "--product",
        "X200",
        "--assignee",
        "wang",
        "--at",
        "2026-10-05 10:00",
        "-m",
        "Screen FLICKERS after update",
    ]);
    let b = d.open(&[
        "--customer",
        &c2,
        "--category",
        "consult",
        "--channel",
        "email",
        "--grade",
        "I",
        "--tag",
        "vip",
        "--tag",
        "remote",
        "--assignee",
        "wang",
        "--priority",
        "high",
        "-m",
        "如何重置",
    ]);
    d.ok_as("wang", &["ticket", "accept", &b]);
    d.ok_as(
        "wang",
        &["ticket", "resolve", &b, "-m", "remote reset done"],
    );
    d.ok_as("li", &["ticket", "close", &b]);
    let c = d.open(&[
        "--customer",
        &c1,
        "--category",
        "quality",
        "--channel",
        "wechat",
        "--grade",
        "II",
        "-m",
        "外壳开裂",
    ]);
    let e = d.open(&[
        "--customer",
        &c2,
        "--category",
        "complaint",
        "--channel",
        "media",
        "--department",
        "service",
        "--assignee",
        "li",
        "--at",
        "2026-11-20 16:00",
        "-m",
        "媒体曝光",
        "--priority",
        "low",
    ]);
    assert!(a.starts_with("T20261005-") && e.starts_with("T20261120-"));
    assert!(d.rel(&a).starts_with("tickets/2026/10/"));
    ListDesk { d, c1, a, b, c, e }
}

#[test]
fn list_filters() {
    let ListDesk { d, c1, a, b, c, e } = list_desk();
    let s = |v: &[&String]| v.iter().map(|x| x.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(d.list_ids(&[]), s(&[&a, &b, &c, &e]));
    assert_eq!(d.list_ids(&["--open"]), s(&[&a, &c, &e]));
    assert_eq!(d.list_ids(&["--state", "closed"]), s(&[&b]));
    assert_eq!(d.list_ids(&["--state", "assigned"]), s(&[&a, &c, &e]));
    assert_eq!(
        d.list_ids(&["--state", "closed", "--state", "assigned"])
            .len(),
        4
    );
    assert_eq!(d.list_ids(&["--grade", "III"]), s(&[&a]));
    assert_eq!(d.list_ids(&["--grade", "I", "--grade", "II"]), s(&[&b, &c]));
    assert_eq!(d.list_ids(&["--priority", "high"]), s(&[&b]));
    assert_eq!(d.list_ids(&["--category", "complaint"]), s(&[&a, &e]));
    assert_eq!(d.list_ids(&["--department", "quality"]), s(&[&c]));
    assert_eq!(d.list_ids(&["--department", "service"]), s(&[&b, &e]));
    assert_eq!(d.list_ids(&["--assignee", "wang"]), s(&[&a, &b]));
    assert_eq!(
        d.list_ids(&["--assignee", "li", "--assignee", "wang"]),
        s(&[&a, &b, &e])
    );
    let mine: BTreeSet<String> = d.list_ids_as("wang", &["--mine"]).into_iter().collect();
    assert_eq!(mine, s(&[&a, &b]));
    let mine: BTreeSet<String> = d
        .list_ids_as("li", &["--mine", "--open"])
        .into_iter()
        .collect();
    assert_eq!(mine, s(&[&e]));
    let abbrev = c1[10..14].to_lowercase();
    assert_eq!(d.list_ids(&["--customer", &abbrev]), s(&[&a, &c]));
    assert_eq!(d.list_ids(&["--channel", "email"]), s(&[&b]));
    assert_eq!(
        d.list_ids(&["--channel", "media", "--channel", "wechat"]),
        s(&[&c, &e])
    );
    assert_eq!(d.list_ids(&["--tag", "vip"]), s(&[&a, &b]));
    assert_eq!(d.list_ids(&["--tag", "vip", "--tag", "remote"]), s(&[&b]));
    assert_eq!(
        d.list_ids(&["--opened-from", "2026-11-01"]),
        s(&[&b, &c, &e])
    );
    assert_eq!(d.list_ids(&["--opened-to", "2026-11-20"]), s(&[&a, &e]));
    assert_eq!(
        d.list_ids(&["--opened-from", "2026-11-20", "--opened-to", "2026-11-20"]),
        s(&[&e])
    );
    assert_eq!(d.list_ids(&["--closed-from", "2026-11-24"]), s(&[&b]));
    assert_eq!(d.list_ids(&["--text", "flicker"]), s(&[&a]));
    assert_eq!(
        d.list_ids(&["--text", "REMOTE RESET"]),
        s(&[&b]),
        "resolution text"
    );
    assert_eq!(d.list_ids(&["--text", "x200"]), s(&[&a]), "product");
    assert_eq!(d.list_ids(&["--text", "开裂"]), s(&[&c]));
    assert!(d.list_ids(&["--text", "nothing like this"]).is_empty());
    assert_eq!(
        d.list_ids(&["--open", "--category", "complaint", "--grade", "III"]),
        s(&[&a])
    );

    // Sorting.
    assert_eq!(
        d.list_ids_as("li", &["--sort", "opened"]),
        [a.as_str(), &e, &b, &c]
    );
    assert_eq!(
        d.list_ids_as("li", &["--sort", "opened", "--reverse"]),
        [c.as_str(), &b, &e, &a]
    );
    assert_eq!(
        d.list_ids_as("li", &["--sort", "grade"]),
        [a.as_str(), &c, &b, &e],
        "III, II, I, none"
    );
    let mut by_id = vec![a.clone(), b.clone(), c.clone(), e.clone()];
    by_id.sort();
    assert_eq!(d.list_ids_as("li", &[]), by_id, "ID order by default");

    // A bad filter value is an error, not an empty list.
    d.fails_as("li", 2, &["ticket", "list", "--state", "nope"]);
    d.fails_as("li", 1, &["ticket", "list", "--customer", "ZZZZZZ"]);
    d.fails_as("li", 2, &["ticket", "list", "--opened-from", "24/11/2026"]);
}

/// The list is streamed and sorted afterwards by each row's kept key: tickets with the
/// same key stay in ID order, --reverse turns the whole list, and a sieve (--open)
/// leaves out what the filter would.
#[test]
fn list_sorted_by_a_key_keeps_id_order_among_equals() {
    let ListDesk { d, c1, a, b, c, e } = list_desk();
    let ids = |v: &[&String]| {
        let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    };
    // a and c are c1's, b and e the other customer's.
    let (of_c1, of_c2) = (ids(&[&a, &c]), ids(&[&b, &e]));
    assert_eq!(
        d.list_ids_as("li", &["--customer", &c1, "--sort", "customer"]),
        of_c1
    );
    let got = d.list_ids_as("li", &["--sort", "customer"]);
    let want_one = [of_c1.clone(), of_c2.clone()].concat();
    let want_two = [of_c2.clone(), of_c1.clone()].concat();
    assert!(got == want_one || got == want_two, "{got:?}");
    let mut reversed = got.clone();
    reversed.reverse();
    assert_eq!(
        d.list_ids_as("li", &["--sort", "customer", "--reverse"]),
        reversed
    );
    let open: Vec<String> = got.iter().filter(|i| **i != b).cloned().collect();
    assert_eq!(
        d.list_ids_as("li", &["--open", "--sort", "customer"]),
        open,
        "b is closed"
    );
}

#[test]
fn list_table_csv_and_json() {
    let ListDesk { d, a, b, c, e, .. } = list_desk();
    let help = d.ok(&["ticket", "list", "--help"]);
    let columns: String = help
        .split_once("CSV columns: ")
        .expect("help lists the CSV columns")
        .1
        .lines()
        .map(str::trim)
        .take_while(|l| !l.is_empty())
        .collect();
    let csv = d.ok(&["ticket", "list", "--format", "csv"]);
    assert_eq!(csv.lines().next(), Some(columns.as_str()));
    let (header, rows) = parse_csv(&csv);
    assert_eq!(header.len(), 26);
    assert_eq!(rows.len(), 4);
    let row = rows.iter().find(|r| r[0] == b).unwrap();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(row[col("state")], "closed");
    assert_eq!(row[col("grade")], "I");
    assert_eq!(row[col("priority")], "high");
    assert_eq!(row[col("channel")], "email");
    assert_eq!(row[col("assignee")], "wang");
    assert_eq!(row[col("tags")], "vip;remote");
    assert_eq!(row[col("title")], "如何重置");
    assert_eq!(row[col("reopened")], "0");
    assert!(row[col("closed")].starts_with("2026-11-24T"), "{row:?}");
    let row = rows.iter().find(|r| r[0] == a).unwrap();
    assert_eq!(row[col("opened")], "2026-10-05T10:00:00+08:00");

    let json = parse_json(&d.ok(&["ticket", "list", "--open", "--format", "json"]));
    let arr = json.as_array().expect("a JSON array");
    let ids: BTreeSet<&str> = arr.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [a.as_str(), c.as_str(), e.as_str()].into_iter().collect()
    );
    assert!(
        arr.iter()
            .all(|t| t["event"].as_array().is_some_and(|e| !e.is_empty()))
    );

    let table = d.ok(&["ticket", "list", "--state", "closed"]);
    assert!(table.contains(&b) && table.contains("如何重置") && table.contains("closed"));
    assert!(!table.contains(&a));
    // An empty result: nothing on stdout (the header alone in CSV), a note on stderr.
    let o = d.run_as(
        "li",
        &["ticket", "list", "--grade", "III", "--state", "closed"],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");
    let csv = d.ok(&[
        "ticket", "list", "--grade", "III", "--state", "closed", "--format", "csv",
    ]);
    assert_eq!(csv.trim_end(), columns);
    let json = parse_json(&d.ok(&["ticket", "list", "--state", "waiting", "--format", "json"]));
    assert_eq!(json, serde_json::json!([]));
}

// ---------------------------------------------------------------------------------------
// ticket open
// ---------------------------------------------------------------------------------------

#[test]
fn open_description_from_message_file_stdin_and_editor() {
    let d = Desk::new();
    let c = d.customer("甲");
    let base = [
        "ticket",
        "open",
        "--customer",
        c.as_str(),
        "--category",
        "consult",
    ];

    let t = d.open(&[
        "--customer",
        &c,
        "--category",
        "consult",
        "-m",
        "from message",
    ]);
    assert_eq!(d.toml(&t)["description"].as_str(), Some("from message"));

    fs::write(
        d.t.tmp.path().join("desc.txt"),
        "from a file\nsecond line\n",
    )
    .unwrap();
    let t = d.open(&["--customer", &c, "--category", "consult", "-F", "desc.txt"]);
    let f = d.toml(&t);
    assert_eq!(f["description"].as_str(), Some("from a file\nsecond line"));
    assert_eq!(f["title"].as_str(), Some("from a file"));

    let out = d
        .cmd_as("li")
        .args(base)
        .args(["-F", "-"])
        .write_stdin("从标准输入\n")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let t = stdout(&out).trim().to_string();
    assert_eq!(d.toml(&t)["description"].as_str(), Some("从标准输入"));

    let out = d
        .cmd_as("li")
        .args(base)
        .env("EDITOR", "sh -c 'echo from-editor > \"$1\"' sh")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let t = stdout(&out).trim().to_string();
    assert_eq!(d.toml(&t)["description"].as_str(), Some("from-editor"));

    // An editor script that keeps the template's comments: they are dropped.
    let script = d.t.tmp.path().join("editor.sh");
    fs::write(
        &script,
        "#!/bin/sh\nprintf 'line one\\n# a comment\\nline two\\n' >> \"$1\"\n",
    )
    .unwrap();
    let out = d
        .cmd_as("li")
        .args(base)
        .env("VISUAL", format!("sh {}", script.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let t = stdout(&out).trim().to_string();
    assert_eq!(
        d.toml(&t)["description"].as_str(),
        Some("line one\nline two")
    );
    let files = d.ticket_files().len();

    // An editor that leaves only the template: aborted, nothing written.
    let o = d
        .cmd_as("li")
        .args(base)
        .env("EDITOR", "true")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("empty description"), "{}", stderr(&o));
    // A failing editor.
    let o = d
        .cmd_as("li")
        .args(base)
        .env("EDITOR", "false")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("editor"), "{}", stderr(&o));
    // No description and no editor: a clear error.
    let e = d.fails_as("li", 1, &base);
    contains_all(&e, &["no description given", "-m", "-F", "EDITOR"]);
    // -F of a missing file.
    let e = d.fails_as("li", 1, &[&base[..], &["-F", "missing.txt"]].concat());
    assert!(e.contains("missing.txt"), "{e}");
    // An empty description aborts whichever way it came, as the editor's does.
    for m in ["", "  \n "] {
        let e = d.fails_as("li", 1, &[&base[..], &["-m", m]].concat());
        assert!(e.contains("empty description"), "{m:?}: {e}");
    }
    let o = d
        .cmd_as("li")
        .args(base)
        .args(["-F", "-"])
        .write_stdin("\n\n")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("empty description"), "{}", stderr(&o));
    assert_eq!(d.ticket_files().len(), files, "failed opens wrote nothing");
}

#[test]
fn open_with_a_new_customer_creates_and_links_it() {
    let d = Desk::new();
    let o = d.run_as(
        "li",
        &[
            "ticket",
            "open",
            "--new-customer",
            "李明",
            "--phone",
            "13900002222",
            "--contact",
            "李先生",
            "--category",
            "consult",
            "-m",
            "设备不开机",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o).trim().to_string();
    let customers = d.t.customer_files();
    assert_eq!(customers.len(), 1, "{customers:?}");
    let cid = customers[0].trim_end_matches(".toml").to_string();
    assert!(stderr(&o).contains(&cid), "the new customer is announced");
    let cust = d.t.customer_toml(&cid);
    assert_eq!(cust["name"].as_str(), Some("李明"));
    assert_eq!(cust["phone"].as_str(), Some("13900002222"));
    let f = d.toml(&t);
    assert_eq!(f["customer"].as_str(), Some(cid.as_str()));
    assert_eq!(f["contact"].as_str(), Some("李先生"));
    assert_eq!(events_of(&f)[0]["customer"].as_str(), Some(cid.as_str()));
    assert_eq!(d.check().0, 0);
    // --new-customer needs --phone; --customer and --new-customer exclude each other.
    d.fails_as(
        "li",
        2,
        &[
            "ticket",
            "open",
            "--new-customer",
            "X",
            "--category",
            "consult",
            "-m",
            "x",
        ],
    );
    d.fails_as(
        "li",
        2,
        &[
            "ticket",
            "open",
            "--customer",
            &cid,
            "--new-customer",
            "X",
            "--phone",
            "1",
            "--category",
            "consult",
            "-m",
            "x",
        ],
    );
    assert_eq!(d.t.customer_files().len(), 1);
    assert_eq!(d.ticket_files().len(), 1);
}

#[test]
fn open_refuses_bad_input_and_creates_nothing() {
    let d = Desk::new();
    let c = d.customer("甲");
    // Attachments must exist; nothing is created when one does not.
    let e = d.fails_as(
        "li",
        1,
        &[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "consult",
            "--attach",
            "no-such.jpg",
            "-m",
            "x",
        ],
    );
    assert!(e.contains("no-such.jpg"), "{e}");
    // Not even a new customer.
    d.fails_as(
        "li",
        1,
        &[
            "ticket",
            "open",
            "--new-customer",
            "乙",
            "--phone",
            "1",
            "--category",
            "consult",
            "--attach",
            "no-such.jpg",
            "-m",
            "x",
        ],
    );
    assert_eq!(d.t.customer_files().len(), 1);
    // Unknown category: the error lists the desk's categories.
    let e = d.fails_as(
        "li",
        1,
        &[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "nope",
            "-m",
            "x",
        ],
    );
    contains_all(
        &e,
        &[
            "unknown category \"nope\"",
            "complaint",
            "consult",
            "quality",
            "suggestion",
            "agency",
        ],
    );
    // Unknown customer.
    let e = d.fails_as(
        "li",
        1,
        &[
            "ticket",
            "open",
            "--customer",
            "ZZZZZZ",
            "--category",
            "consult",
            "-m",
            "x",
        ],
    );
    assert!(e.contains("no customer matches"), "{e}");
    // Bad purchase date, unknown channel: both usage errors.
    d.fails_as(
        "li",
        2,
        &[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "consult",
            "--purchase-date",
            "2026-13-01",
            "-m",
            "x",
        ],
    );
    d.fails_as(
        "li",
        2,
        &[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "consult",
            "--channel",
            "pigeon",
            "-m",
            "x",
        ],
    );
    assert!(d.ticket_files().is_empty(), "{:?}", d.ticket_files());

    // An attachment that exists is copied into the desk's store, named by its hash.
    d.t.write("files/photo.jpg", "jpeg");
    let photo = d.t.path("files/photo.jpg");
    let t = d.open(&[
        "--customer",
        &c,
        "--category",
        "consult",
        "--attach",
        photo.to_str().unwrap(),
        "-m",
        "x",
    ]);
    let f = d.toml(&t);
    let stored = f["attachments"].as_array().unwrap()[0].as_str().unwrap();
    assert!(
        stored.starts_with("attachments/") && stored.ends_with(".jpg"),
        "{stored}"
    );
    assert_eq!(std::fs::read(d.t.path(stored)).unwrap(), b"jpeg");
}

// ---------------------------------------------------------------------------------------
// check
// ---------------------------------------------------------------------------------------

/// A desk with one closed ticket (a few steps of history).
fn closed_ticket() -> (Desk, String) {
    let d = Desk::staffed("");
    let c = d.customer("甲");
    let t = d.open(&[
        "--customer",
        &c,
        "--category",
        "complaint",
        "--grade",
        "II",
        "-m",
        "x",
    ]);
    d.ok(&["ticket", "accept", &t]);
    d.ok(&["ticket", "note", &t, "-m", "note one"]);
    d.ok(&["ticket", "resolve", &t, "-m", "done"]);
    d.ok(&["ticket", "close", &t, "--satisfaction", "4"]);
    assert_eq!(d.check().0, 0, "{:?}", d.check());
    (d, t)
}

fn assert_check_reports(d: &Desk, t: &str, parts: &[&str]) -> String {
    let (code, out, err) = d.check();
    assert_eq!(code, 1, "check should fail:\n{out}{err}");
    let rel = d.rel(t);
    let line = out
        .lines()
        .find(|l| l.starts_with(&rel))
        .unwrap_or_else(|| panic!("check does not name {rel}:\n{out}"));
    for p in parts {
        assert!(line.contains(p), "missing {p:?} in {line:?}");
    }
    line.to_string()
}

#[test]
fn check_reports_a_state_edited_by_hand() {
    let (d, t) = closed_ticket();
    let text = d.text(&t);
    d.write_text(
        &t,
        &text.replacen("state = \"closed\"", "state = \"accepted\"", 1),
    );
    let line = assert_check_reports(&d, &t, &["disagree with the history", "state"]);
    assert!(!line.contains("grade"), "{line}");
}

#[test]
fn check_reports_a_grade_edited_by_hand() {
    let (d, t) = closed_ticket();
    let text = d.text(&t);
    // Only the current field: the open event still says II.
    assert_eq!(text.matches("grade = \"II\"").count(), 2);
    d.write_text(&t, &text.replacen("grade = \"II\"", "grade = \"III\"", 1));
    let line = assert_check_reports(&d, &t, &["disagree with the history", "grade"]);
    assert!(!line.contains("state"), "{line}");
    // Several drifting fields are all named.
    let text = d
        .text(&t)
        .replacen("satisfaction = 4", "satisfaction = 5", 1);
    d.write_text(
        &t,
        &text.replacen("assignee = \"li\"", "assignee = \"wang\"", 1),
    );
    assert_check_reports(&d, &t, &["grade", "satisfaction", "assignee"]);
}

#[test]
fn check_reports_an_event_with_an_invalid_action_at_its_line() {
    let (d, t) = closed_ticket();
    let text = d.text(&t);
    let n = text
        .lines()
        .position(|l| l == "action = \"note\"")
        .expect("a note event")
        + 1;
    d.write_text(
        &t,
        &text.replacen("action = \"note\"", "action = \"noted\"", 1),
    );
    let line = assert_check_reports(&d, &t, &["noted"]);
    assert!(
        line.starts_with(&format!("{}:{n}:", d.rel(&t))),
        "expected {}:{n}:… got {line}",
        d.rel(&t)
    );
    // Steps refuse to touch the broken file, naming the place too.
    let e = d.fails_as("li", 1, &["ticket", "note", &t, "-m", "x"]);
    assert!(e.contains(&format!(":{n}:")), "{e}");
}

#[test]
fn check_reports_events_out_of_time_order() {
    let (d, t) = closed_ticket();
    let text = d.text(&t);
    // Move the note back before the open.
    let note_at = text
        .split("[[event]]")
        .find(|b| b.contains("action = \"note\""))
        .and_then(|b| b.lines().find(|l| l.starts_with("at = ")))
        .unwrap()
        .to_string();
    d.write_text(
        &t,
        &text.replacen(&note_at, "at = 2026-11-24T08:00:00+08:00", 1),
    );
    assert_check_reports(&d, &t, &["out of order", "event 4", "event 3"]);
}

#[test]
fn check_reports_a_ticket_whose_customer_does_not_exist() {
    let (d, t) = closed_ticket();
    let cust = d.toml(&t)["customer"].as_str().unwrap().to_string();
    let text = d.text(&t).replace(&cust, "C20261124-ZZZZZZ");
    d.write_text(&t, &text);
    assert_check_reports(&d, &t, &["C20261124-ZZZZZZ", "no such customer"]);
}

#[test]
fn check_reports_a_history_that_does_not_replay() {
    let (d, t) = closed_ticket();
    // Deleting the accept event leaves a resolve from `assigned`.
    let text = d.text(&t);
    let start = text.find("[[event]]\nat").unwrap();
    let accept = text[start..]
        .match_indices("[[event]]")
        .map(|(i, _)| i + start)
        .find(|&i| text[i..].lines().nth(3) == Some("action = \"accept\""))
        .expect("an accept event");
    let end = text[accept + 1..].find("[[event]]").unwrap() + accept + 1;
    let broken = format!("{}{}", &text[..accept], &text[end..]);
    d.write_text(&t, &broken);
    assert_check_reports(&d, &t, &["resolve", "the ticket is assigned"]);
}

#[test]
fn a_step_dated_before_the_last_event_is_refused() {
    let d = Desk::staffed("");
    let c = d.customer("甲");
    let t = d.open(&["--customer", &c, "--category", "consult", "-m", "x"]);
    // Entered after the fact but after the last event: fine.
    d.ok(&[
        "ticket",
        "note",
        &t,
        "-m",
        "call at 9:31",
        "--at",
        "2026-11-24 09:31",
    ]);
    let e = d.refused(
        "li",
        &t,
        &[
            "ticket",
            "note",
            &t,
            "-m",
            "too early",
            "--at",
            "2026-11-24 08:00",
        ],
    );
    assert!(e.contains("earlier"), "{e}");
    assert_eq!(d.check().0, 0, "{:?}", d.check());
}

#[test]
fn help_shows_the_state_machine() {
    let d = Desk::new();
    let out = d.ok(&["ticket", "--help"]);
    contains_all(
        &out,
        &[
            "new",
            "assigned",
            "accepted",
            "in-progress",
            "waiting",
            "resolved",
            "closed",
            "reopen",
            "resolved-on-call",
        ],
    );
}

#[test]
fn an_inline_comment_on_a_changed_field_stays_on_its_line() {
    let d = Desk::staffed("");
    let c = d.customer("甲");
    let t = d.open(&[
        "--customer",
        &c,
        "--category",
        "complaint",
        "--grade",
        "II",
        "-m",
        "x",
    ]);
    let text = d.text(&t);
    d.write_text(
        &t,
        &text.replacen("\ngrade = \"II\"\n", "\ngrade = \"II\"  # 待主管复核\n", 1),
    );
    d.step(
        "li",
        &t,
        &[
            "ticket", "escalate", &t, "--grade", "III", "--reason", "媒体",
        ],
        "escalate",
        &["grade"],
    );
    assert!(
        d.text(&t).contains("\ngrade = \"III\"  # 待主管复核\n"),
        "{}",
        d.text(&t)
    );
}

#[test]
fn event_times_are_written_in_the_desk_time_zone() {
    let d = Desk::staffed("");
    let c = d.customer("甲");
    let o = d
        .cmd_as("li")
        .env("SVCDESK_NOW", "2026-11-24T01:30:00Z")
        .args([
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "consult",
            "-m",
            "x",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o).trim().to_string();
    let f = d.toml(&t);
    assert_eq!(f["opened"].to_string(), "2026-11-24T09:30:00+08:00");
    assert_eq!(
        events_of(&f)[0]["at"].to_string(),
        "2026-11-24T09:30:00+08:00"
    );
    // A UTC evening is the next day in Shanghai: the ID and the shard follow the desk.
    let o = d
        .cmd_as("li")
        .env("SVCDESK_NOW", "2026-11-30T17:00:00Z")
        .args([
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "consult",
            "-m",
            "y",
        ])
        .output()
        .unwrap();
    let t = stdout(&o).trim().to_string();
    assert!(t.starts_with("T20261201-"), "{t}");
    assert!(d.rel(&t).starts_with("tickets/2026/12/"), "{}", d.rel(&t));
    assert_eq!(
        d.toml(&t)["opened"].to_string(),
        "2026-12-01T01:00:00+08:00"
    );
}

/// Every file of the desk but the local cache, for "nothing was written".
fn desk_files(d: &TestDesk) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    fn walk(dir: &std::path::Path, out: &mut std::collections::BTreeMap<PathBuf, Vec<u8>>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().is_some_and(|n| n == ".svcdesk") {
                continue;
            } else if p.is_dir() {
                walk(&p, out);
            } else {
                out.insert(p.clone(), fs::read(&p).unwrap());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(&d.root, &mut out);
    out
}

/// On the real clock (SVCDESK_NOW unset): an --at two days ahead is refused as a usage
/// error naming the time, and writes nothing; --future takes it; three minutes ahead is a
/// clock difference and is taken as is.
#[test]
fn an_at_in_the_future_is_refused_unless_future_is_given() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "甲"]);
    let t = d.ok(&[
        "ticket",
        "open",
        "--customer",
        &c,
        "--category",
        "consult",
        "-m",
        "x",
    ]);
    let t = t.trim();
    let rel = format!("tickets/2026/11/{t}.toml");
    let real = |args: &[&str]| {
        d.cmd()
            .env_remove("SVCDESK_NOW")
            .args(args)
            .output()
            .unwrap()
    };
    let ahead = |minutes: i64| {
        (chrono::Utc::now() + chrono::Duration::minutes(minutes))
            .format("%Y-%m-%dT%H:%M:%S+00:00")
            .to_string()
    };

    let in_two_days = ahead(2 * 24 * 60);
    let before = d.read(&rel);
    let o = real(&["ticket", "note", t, "-m", "typo", "--at", &in_two_days]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(stdout(&o), "");
    assert!(
        err.starts_with(&format!("error: --at \"{in_two_days}\" ("))
            && err.contains("is in the future"),
        "{err}"
    );
    assert!(err.contains("hint: ") && err.contains("--future"), "{err}");
    assert_eq!(d.read(&rel), before, "nothing written");

    let soon = ahead(3);
    let o = real(&["ticket", "note", t, "-m", "clocks differ", "--at", &soon]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let o = real(&[
        "ticket",
        "note",
        t,
        "-m",
        "planned",
        "--at",
        &in_two_days,
        "--future",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = d.read(&rel);
    assert!(
        text.contains("planned") && text.contains("clocks differ"),
        "{text}"
    );
}

/// The clock is pinned (2026-11-24 09:30) so the guesses are fixed: every command that
/// takes --at refuses a year typo with exit 2, suggests the year meant, and leaves the
/// desk byte for byte as it was.
#[test]
fn every_at_refuses_a_year_typo_and_suggests_the_year_meant() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "甲"]);
    // Each command that creates a record is run once for the IDs, then again as a typo.
    let open = vec![
        "ticket",
        "open",
        "--customer",
        &c,
        "--category",
        "consult",
        "-m",
        "x",
    ];
    let add_measure = vec![
        "measure",
        "add",
        "--problem",
        "p",
        "--measure",
        "m",
        "--kind",
        "training",
        "--owner",
        "wang",
        "--due",
        "2026-12-31",
        "--period",
        "2026-11",
    ];
    let t = d.ok(&open);
    let t = t.trim();
    let m = d.ok(&add_measure);
    let m = m.trim();
    let typo = "2062-11-24 09:00";
    let commands: Vec<Vec<&str>> = vec![
        vec!["customer", "add", "--name", "乙"],
        vec!["customer", "note", &c, "-m", "x"],
        open.clone(),
        vec!["ticket", "note", t, "-m", "x"],
        vec!["ticket", "grade", t, "II"],
        add_measure.clone(),
        vec!["measure", "note", m, "-m", "x"],
        vec!["measure", "done", m, "--result", "x"],
        vec!["report", "add", "--customer", &c, "--type", "consultation"],
        vec!["report", "log", "--hours", "1", "-m", "x"],
    ];
    let before = desk_files(&d);
    for mut args in commands {
        args.extend(["--at", typo]);
        let err = d.fails(2, &args);
        assert!(
            err.starts_with(&format!(
                "error: --at \"{typo}\" (2062-11-24 09:00 desk time) is in the future: it is now 2026-11-24 09:30"
            )),
            "{args:?}: {err}"
        );
        assert!(
            err.contains("hint: did you mean --at \"2026-11-24 09:00\"? To record a time ahead of now on purpose, add --future"),
            "{args:?}: {err}"
        );
        assert_eq!(desk_files(&d), before, "{args:?} wrote something");
    }
    // Next year for this one: the same date a year earlier.
    let err = d.fails(2, &["ticket", "note", t, "-m", "x", "--at", "2027-11-20"]);
    assert!(err.contains("did you mean --at \"2026-11-20\"?"), "{err}");
}

/// `ticket show --format csv` is field,value pairs like every other `show`: the columns
/// of `ticket list --sla`, then the history as event.N.key.
#[test]
fn show_csv_is_field_value_pairs_like_the_other_shows() {
    let d = Desk::staffed("");
    let c = d.customer("甲");
    let t = d.open(&["--customer", &c, "--category", "complaint", "-m", "x"]);
    let (header, rows) = parse_csv(&d.ok(&["ticket", "show", &t, "--format", "csv"]));
    assert_eq!(header, ["field", "value"]);
    let get = |k: &str| {
        rows.iter()
            .find(|r| r[0] == k)
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("no {k} in {rows:?}"))
    };
    assert_eq!(get("id"), t);
    assert_eq!(get("customer"), c);
    assert_eq!(get("category"), "complaint");
    assert_eq!(get("event.1.action"), "open");
    assert_eq!(get("event.1.text"), "");
    assert_eq!(get("event.2.action"), "assign");
    assert_eq!(get("event.1.by"), "li");
    assert!(get("sla_timer").len() > 1, "the --sla columns: {rows:?}");
    // The fields are those of `ticket list --sla`, in its order.
    let (list_header, _) = parse_csv(&d.ok(&["ticket", "list", "--sla", "--format", "csv"]));
    let fields: Vec<&String> = rows
        .iter()
        .map(|r| &r[0])
        .take_while(|k| !k.starts_with("event."))
        .collect();
    assert_eq!(fields, list_header.iter().collect::<Vec<_>>());
}
