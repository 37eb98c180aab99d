//! Issue 23, head review, waits that end by themselves, followers told: `[review]` holds
//! a step until the department head (or a delegate) approves (`ticket review`), `ticket
//! list --review-pending` lists what waits, `ticket show` says where the review stands.

use crate::common::{TestDesk, parse_csv, stderr, stdout};

/// Staff: wang registers tickets (service), li works complaints, sun heads customer
/// service with qian as delegate, zhou heads quality.
const PEOPLE: &str = r#"
[[staff]]
id = "wang"
name = "王工"
department = "service"
roles = ["agent"]
email = "wang@example.com"

[[staff]]
id = "li"
name = "李丽"
department = "customer-service"
roles = ["agent", "engineer"]
email = "li@example.com"

[[staff]]
id = "sun"
name = "孙主管"
department = "customer-service"
roles = ["head"]
email = "sun@example.com"

[[staff]]
id = "qian"
name = "钱副主管"
department = "customer-service"
roles = ["supervisor"]
email = "qian@example.com"

[[staff]]
id = "zhou"
name = "周经理"
department = "quality"
roles = ["head"]
"#;

/// A desk with `PEOPLE`, sun heading customer service (qian delegate), zhou quality, and
/// `review` appended to svcdesk.toml.
fn desk(review: &str) -> TestDesk {
    let d = TestDesk::new();
    let text = d
        .read("svcdesk.toml")
        .replacen(
            "[departments.customer-service]\n",
            "[departments.customer-service]\nhead = \"sun\"\ndelegates = [\"qian\"]\n",
            1,
        )
        .replacen(
            "[departments.quality]\n",
            "[departments.quality]\nhead = \"zhou\"\n",
            1,
        );
    d.write("svcdesk.toml", text + PEOPLE + "\n" + review);
    d
}

/// Runs svcdesk as `user` at a desk-local time; returns (exit code, stdout, stderr).
fn at(d: &TestDesk, user: &str, when: &str, args: &[&str]) -> (i32, String, String) {
    let o = d
        .cmd()
        .env("SVCDESK_NOW", format!("{when}:00+08:00"))
        .env("SVCDESK_USER", user)
        .args(args)
        .output()
        .expect("svcdesk runs");
    (o.status.code().unwrap_or(-1), stdout(&o), stderr(&o))
}

fn ok_at(d: &TestDesk, user: &str, when: &str, args: &[&str]) -> String {
    let (code, out, err) = at(d, user, when, args);
    assert_eq!(
        code, 0,
        "svcdesk {args:?} at {when}: exit {code}\n{out}\n{err}"
    );
    out
}

/// Refused with exit 1 and nothing on stdout; returns stderr.
fn refused(d: &TestDesk, user: &str, when: &str, args: &[&str]) -> String {
    let (code, out, err) = at(d, user, when, args);
    assert_eq!(
        code, 1,
        "svcdesk {args:?} at {when}: exit {code}\n{out}\n{err}"
    );
    assert_eq!(out, "");
    err
}

/// A complaint on `channel` registered by wang on 2026-12-02 09:00, forwarded to customer
/// service and li (a written form is routed by hand: `[routing] manual`), who accepts it.
fn complaint(d: &TestDesk, channel: &str) -> String {
    let c = d.add(&["--name", "华东机械", "--phone", "021-5555-0101", "--force"]);
    let open = [
        "ticket",
        "open",
        "--customer",
        &c,
        "--category",
        "complaint",
        "--channel",
        channel,
        "-m",
        "工程师态度差",
    ];
    let t = ok_at(d, "wang", "2026-12-02T09:00", &open)
        .trim()
        .to_string();
    ok_at(
        d,
        "wang",
        "2026-12-02T09:05",
        &[
            "ticket",
            "forward",
            &t,
            "--to",
            "customer-service",
            "--assignee",
            "li",
        ],
    );
    ok_at(d, "li", "2026-12-02T09:10", &["ticket", "accept", &t]);
    t
}

fn state(d: &TestDesk, t: &str) -> String {
    let json = ok_at(
        d,
        "li",
        "2026-12-02T18:00",
        &["ticket", "show", t, "--format", "json"],
    );
    crate::common::parse_json(&json)["state"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The IDs `ticket list --review-pending` prints (CSV, first column).
fn pending(d: &TestDesk) -> Vec<String> {
    let out = ok_at(
        d,
        "sun",
        "2026-12-02T18:00",
        &["ticket", "list", "--review-pending", "--format", "csv"],
    );
    parse_csv(&out)
        .1
        .into_iter()
        .map(|r| r[0].clone())
        .collect()
}

const WRITTEN_COMPLAINTS: &str =
    "[review]\nbefore = \"resolve\"\nchannels = [\"written\"]\ncategories = [\"complaint\"]\n";

#[test]
fn a_written_complaint_is_resolved_only_after_the_head_or_a_delegate_approves() {
    let d = desk(WRITTEN_COMPLAINTS);
    let t = complaint(&d, "written");
    let phoned = complaint(&d, "phone");
    let file = format!("tickets/2026/12/{t}.toml");
    let before = d.read(&file);

    // No review yet: the resolve is refused, saying what is missing and who can review.
    let resolve = ["ticket", "resolve", &t, "-m", "已道歉并更换工程师"];
    let err = refused(&d, "li", "2026-12-02T10:00", &resolve);
    assert!(
        err.contains(&format!(
            "{t} needs the review of its department head before resolve ([review] in svcdesk.toml): it has had no review"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "ask sun (head of customer-service) or qian (delegate): `svcdesk --as sun ticket review {t} --approve`"
        )),
        "{err}"
    );
    assert_eq!(d.read(&file), before, "a refused step writes nothing");
    // A phone complaint is not under the rule.
    ok_at(
        &d,
        "li",
        "2026-12-02T10:00",
        &["ticket", "resolve", &phoned, "-m", "已解释"],
    );
    assert_eq!(pending(&d), std::slice::from_ref(&t));

    // Nobody else reviews: not the assignee, not the head of another department.
    for who in ["li", "zhou"] {
        let err = refused(
            &d,
            who,
            "2026-12-02T10:30",
            &["ticket", "review", &t, "--approve"],
        );
        assert!(
            err.contains(&format!(
                "{who} may not review {t}: the head of department customer-service or a delegate reviews it"
            )),
            "{err}"
        );
        assert!(
            err.contains("ask sun (head of customer-service) or qian (delegate)"),
            "{err}"
        );
    }
    assert_eq!(d.read(&file), before);

    // The head rejects: the step still waits, now for a new approval.
    let reject = ["ticket", "review", &t, "--reject", "-m", "缺少书面致歉"];
    let (_, _, said) = at(&d, "sun", "2026-12-02T11:00", &reject);
    assert!(said.contains("review"), "{said}");
    // Not yet resolved: a rejection leaves the state as it is.
    assert_eq!(state(&d, &t), "accepted");
    let err = refused(&d, "li", "2026-12-02T11:30", &resolve);
    assert!(
        err.contains(
            "sun rejected it on 2026-12-02 11:00 (\"缺少书面致歉\"); a new approval is needed"
        ),
        "{err}"
    );
    assert_eq!(pending(&d), std::slice::from_ref(&t));

    // The delegate approves: resolved, and nothing waits any more.
    ok_at(
        &d,
        "qian",
        "2026-12-02T14:00",
        &["ticket", "review", &t, "--approve", "-m", "已补致歉信"],
    );
    ok_at(&d, "li", "2026-12-02T14:30", &resolve);
    assert_eq!(state(&d, &t), "resolved");
    assert!(pending(&d).is_empty());

    // The history keeps both reviews, as events anyone can read.
    let text = d.read(&file);
    assert_eq!(text.matches("action = \"review\"").count(), 2, "{text}");
    assert!(text.contains("verdict = \"rejected\""), "{text}");
    assert!(text.contains("verdict = \"approved\""), "{text}");
    let show = ok_at(&d, "li", "2026-12-02T18:00", &["ticket", "show", &t]);
    assert!(
        show.contains("\nreview          approved by qian on 2026-12-02 14:00\n"),
        "{show}"
    );
    assert!(
        show.contains("review        缺少书面致歉; verdict: rejected"),
        "{show}"
    );
}

#[test]
fn a_review_before_close_is_of_the_resolution_and_a_rejection_sends_it_back() {
    let d = desk("[review]\nbefore = \"close\"\ngrades = [\"II\", \"III\"]\n");
    let t = complaint(&d, "phone");
    ok_at(&d, "li", "2026-12-02T09:20", &["ticket", "grade", &t, "II"]);
    // Approved while still worked on: not a review of the resolution.
    ok_at(
        &d,
        "sun",
        "2026-12-02T09:30",
        &["ticket", "review", &t, "--approve"],
    );
    ok_at(
        &d,
        "li",
        "2026-12-02T10:00",
        &["ticket", "resolve", &t, "-m", "已更换工程师"],
    );
    let close = ["ticket", "close", &t, "--satisfaction", "4"];
    let err = refused(&d, "li", "2026-12-02T11:00", &close);
    assert!(
        err.contains("before close ([review] in svcdesk.toml): no review since it was resolved"),
        "{err}"
    );
    let show = ok_at(&d, "li", "2026-12-02T11:00", &["ticket", "show", &t]);
    assert!(
        show.contains("close waits for an approval by sun, qian"),
        "{show}"
    );

    // Rejected: back to in-progress, to be resolved again and reviewed again.
    ok_at(
        &d,
        "sun",
        "2026-12-02T11:30",
        &["ticket", "review", &t, "--reject", "-m", "客户未确认"],
    );
    assert_eq!(state(&d, &t), "in-progress");
    refused(&d, "li", "2026-12-02T11:40", &close);
    ok_at(
        &d,
        "li",
        "2026-12-02T13:00",
        &["ticket", "resolve", &t, "-m", "客户已确认"],
    );
    refused(&d, "li", "2026-12-02T13:10", &close);
    ok_at(
        &d,
        "qian",
        "2026-12-02T13:30",
        &["ticket", "review", &t, "--approve"],
    );
    ok_at(&d, "li", "2026-12-02T14:00", &close);
    assert_eq!(state(&d, &t), "closed");
    // Grade I is not under the rule: closed without a review.
    let t1 = complaint(&d, "phone");
    ok_at(
        &d,
        "li",
        "2026-12-02T15:00",
        &["ticket", "resolve", &t1, "-m", "已解释"],
    );
    ok_at(&d, "li", "2026-12-02T15:10", &["ticket", "close", &t1]);
}

#[test]
fn review_words_are_checked_when_the_config_loads() {
    let d = desk("[review]\nbefore = \"assign\"\n");
    let err = d.fails(1, &["ticket", "list"]);
    assert!(
        err.contains(
            "review.before: \"assign\" cannot wait for a review; give \"resolve\" or \"close\""
        ),
        "{err}"
    );
    let d = desk("[review]\nbefore = \"resolve\"\ncategories = [\"complain\"]\n");
    let err = d.fails(1, &["ticket", "list"]);
    assert!(
        err.contains(
            "review.categories[0]: \"complain\" is not a category (did you mean \"complaint\"?)"
        ),
        "{err}"
    );
    let d = TestDesk::new();
    let text = d.read("svcdesk.toml").replacen(
        "[departments.quality]\n",
        "[departments.quality]\ndelegates = [\"zhuo\"]\n",
        1,
    );
    d.write("svcdesk.toml", text + PEOPLE);
    let err = d.fails(1, &["ticket", "list"]);
    assert!(err.contains("departments.quality.delegates[0]: \"zhuo\" is not on the staff list (did you mean \"zhou\"?)"), "{err}");
}

/// A hook script logging `ACTION ID` (and for followers, who to copy) to hooks.log in
/// the temp folder; the desk trusts it. Returns the log's path.
fn record_hooks(d: &TestDesk, on: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = d.tmp.path().join("record.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\necho \"$SVCDESK_ACTION $SVCDESK_ID by=$SVCDESK_BY verdict=$SVCDESK_VERDICT followers=$SVCDESK_FOLLOWERS <$SVCDESK_FOLLOWERS_EMAILS>\" >> \"$(dirname \"$0\")/hooks.log\"\ncat > /dev/null\n",
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    d.append_config(&format!(
        "\n[[hooks.rule]]\non = {on}\ncommand = \"{}\"\n",
        script.display()
    ));
    d.ok(&["hooks", "trust"]);
    script.with_file_name("hooks.log")
}

fn hook_log(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect()
}

/// `sla check --apply` by cron at `when` (the SLA report's exit 1 or 2 allowed); stderr.
fn apply(d: &TestDesk, when: &str) -> String {
    let (code, out, err) = at(d, "cron", when, &["sla", "check", "--apply"]);
    assert!(
        matches!(code, 0..=2),
        "apply at {when}: exit {code}\n{out}\n{err}"
    );
    err
}

#[test]
fn a_wait_then_close_closes_on_its_day_and_a_long_wait_is_reminded_once() {
    let d = desk("[lifecycle]\nremind_waiting_after = \"3wd\"\n");
    let log = record_hooks(&d, "[\"waiting-reminder\", \"close\"]");
    let t = complaint(&d, "phone");
    let comp = complaint(&d, "phone");
    // Wednesday 10:00: wait for the customer until Monday 12-14, then close.
    let wait = |t: &str| {
        let args = [
            "ticket",
            "wait",
            t,
            "--for",
            "customer",
            "--until",
            "2026-12-14",
            "--then",
            "close",
        ];
        ok_at(&d, "li", "2026-12-02T10:00", &args);
    };
    wait(&t);
    ok_at(
        &d,
        "li",
        "2026-12-02T09:50",
        &[
            "comp",
            "request",
            &comp,
            "--amount",
            "200",
            "--kind",
            "coupon",
            "--reason",
            "二次上门",
        ],
    );
    wait(&comp);
    assert!(
        d.read(&format!("tickets/2026/12/{t}.toml"))
            .contains("then = \"close\"")
    );

    // A person does not close a waiting ticket (the state machine as ever); --then needs
    // --until.
    let plain = complaint(&d, "phone");
    let parts = ["ticket", "wait", &plain, "--for", "parts"];
    ok_at(&d, "li", "2026-12-02T10:00", &parts);
    for x in [&t, &plain] {
        let err = refused(&d, "li", "2026-12-02T11:00", &["ticket", "close", x]);
        assert!(
            err.contains("cannot close: the ticket is waiting;"),
            "{err}"
        );
    }
    let (code, _, err) = at(
        &d,
        "li",
        "2026-12-02T11:00",
        &["ticket", "wait", &plain, "--for", "x", "--then", "close"],
    );
    assert_eq!(code, 2, "{err}");

    // 3 working days from Wednesday 10:00: Monday 12-07 10:00 (the weekend skipped).
    assert_eq!(apply(&d, "2026-12-07T09:59"), "");
    let err = apply(&d, "2026-12-07T10:00");
    for x in [&t, &comp, &plain] {
        assert!(
            err.contains(&format!("{x}: reminded (waiting since 2026-12-02 10:00)\n")),
            "{err}"
        );
    }
    assert_eq!(apply(&d, "2026-12-08T10:00"), "", "once per wait");
    let text = d.read(&format!("tickets/2026/12/{t}.toml"));
    assert_eq!(
        text.matches("action = \"waiting-reminder\"").count(),
        1,
        "{text}"
    );
    assert!(text.contains("by = \"svcdesk\""), "{text}");
    assert_eq!(state(&d, &t), "waiting");

    // Monday 12-14 has begun: closed; the one awaiting compensation waits for a person.
    let err = apply(&d, "2026-12-14T00:00");
    assert!(
        err.contains(&format!(
            "{t}: closed (waited until 2026-12-14, then close)\n"
        )),
        "{err}"
    );
    assert!(!err.contains(&comp), "{err}");
    assert_eq!(state(&d, &t), "closed");
    assert_eq!(state(&d, &comp), "waiting");
    let text = d.read(&format!("tickets/2026/12/{t}.toml"));
    let last = "action = \"close\"\ntext = \"closed: waited until 2026-12-14 with no answer (wait --then close)\"\nthen = \"close\"\n";
    assert!(text.ends_with(last), "{text}");
    let heard: Vec<String> = hook_log(&log)
        .into_iter()
        .map(|l| l.split(" verdict").next().unwrap().to_string())
        .collect();
    let mut want: Vec<String> = [&t, &comp, &plain]
        .iter()
        .map(|x| format!("waiting-reminder {x} by=svcdesk"))
        .collect();
    want.sort();
    want.push(format!("close {t} by=svcdesk"));
    let mut got = heard.clone();
    got[..3].sort();
    assert_eq!(got, want);
    // A new wait is a new clock and a new reminder.
    ok_at(&d, "li", "2026-12-14T09:00", &["ticket", "resume", &plain]);
    ok_at(
        &d,
        "li",
        "2026-12-14T09:30",
        &["ticket", "wait", &plain, "--for", "parts"],
    );
    assert_eq!(apply(&d, "2026-12-16T18:00"), "");
    assert!(apply(&d, "2026-12-17T09:30").contains(&format!(
        "{plain}: reminded (waiting since 2026-12-14 09:30)"
    )));
}

#[test]
fn followers_hear_of_resolve_and_close_and_the_example_mail_copies_them() {
    let d = desk(WRITTEN_COMPLAINTS);
    let log = record_hooks(&d, "[\"review\", \"resolve\", \"close\"]");
    let t = complaint(&d, "written");
    // zhou follows too; a second follow is refused, the ticket unchanged.
    ok_at(&d, "zhou", "2026-12-02T09:20", &["ticket", "follow", &t]);
    let err = refused(&d, "zhou", "2026-12-02T09:21", &["ticket", "follow", &t]);
    assert!(err.contains("zhou already follows the ticket"), "{err}");
    let listed = ok_at(
        &d,
        "zhou",
        "2026-12-02T09:30",
        &["ticket", "list", "--following", "--format", "csv"],
    );
    assert_eq!(parse_csv(&listed).1.len(), 1, "{listed}");
    ok_at(
        &d,
        "sun",
        "2026-12-02T10:00",
        &["ticket", "review", &t, "--approve"],
    );
    ok_at(
        &d,
        "li",
        "2026-12-02T10:30",
        &["ticket", "resolve", &t, "-m", "已致歉"],
    );
    ok_at(
        &d,
        "li",
        "2026-12-02T11:00",
        &["ticket", "close", &t, "--satisfaction", "4"],
    );
    // zhou has no email in [[staff]]: an id without an address.
    let who = "followers=wang,zhou <wang@example.com>";
    assert_eq!(
        hook_log(&log),
        [
            format!("review {t} by=sun verdict=approved {who}"),
            format!("resolve {t} by=li verdict= {who}"),
            format!("close {t} by=li verdict= {who}"),
        ]
    );

    // examples/hooks/mail.sh copies the followers on resolve and close, not otherwise.
    let d = desk("");
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/hooks/mail.sh");
    d.append_config(&format!(
        "\n[[hooks.rule]]\non = [\"note\", \"resolve\"]\ncommand = \"{} boss@example.com\"\n",
        script.display()
    ));
    d.ok(&["hooks", "trust"]);
    let t = complaint(&d, "phone");
    ok_at(&d, "sun", "2026-12-02T09:20", &["ticket", "follow", &t]);
    let mailbox = d.tmp.path().join("mailbox");
    let step = |user: &str, args: &[&str]| {
        let o = d
            .cmd()
            .env("SVCDESK_NOW", "2026-12-02T10:00:00+08:00")
            .env("SVCDESK_USER", user)
            .env("SENDMAIL", format!("cat > '{}'", mailbox.display()))
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::read_to_string(&mailbox).unwrap()
    };
    let mail = step("li", &["ticket", "note", &t, "-m", "已联系客户"]);
    assert!(
        mail.starts_with("To: boss@example.com\nSubject: "),
        "{mail}"
    );
    let mail = step("li", &["ticket", "resolve", &t, "-m", "已致歉"]);
    assert!(
        mail.starts_with("To: boss@example.com\nCc: wang@example.com,sun@example.com\nSubject: "),
        "{mail}"
    );
}
