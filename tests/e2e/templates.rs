//! Templates (issue 22): `templates/NAME.md` rendered into a step's text with the
//! ticket's customer, SLA and the acting staff; unknown variables refused with nothing
//! written; `check` names the file and line; the event records the template.

use crate::common::staff::{WANG, roster};
use crate::common::{TestDesk, parse_csv};

/// A desk whose user (wang) is staff, with one customer and one graded ticket.
fn desk() -> (TestDesk, String, String) {
    let d = TestDesk::new();
    d.append_config(&roster(&[WANG]));
    let c = d.add(&["--name", "华东机械有限公司", "--phone", "021-5555-0101"]);
    let t = d
        .ok(&[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "quality",
            "--product",
            "X300",
            "-m",
            "泵漏水",
        ])
        .trim()
        .to_string();
    d.ok(&["ticket", "grade", &t, "II"]);
    (d, c, t)
}

fn ticket_file(d: &TestDesk, id: &str) -> String {
    d.read(&format!("tickets/2026/11/{id}.toml"))
}

/// The last `[[event]]` of a ticket file, as TOML.
fn last_event(d: &TestDesk, id: &str) -> toml::Table {
    let t: toml::Table = toml::from_str(&ticket_file(d, id)).unwrap();
    t["event"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_table()
        .unwrap()
        .clone()
}

#[test]
fn init_writes_chinese_templates_that_render_the_customer_name_and_deadline() {
    let (d, _c, t) = desk();
    let listed = d.ok(&["template", "list", "--format", "csv"]);
    let (header, rows) = parse_csv(&listed);
    assert_eq!(header, ["name", "for", "title", "description", "path"]);
    let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names, ["受理回复", "报修登记"], "{listed}");
    assert_eq!(rows[0][1], "respond,note");
    d.ok(&["check"]);

    d.ok(&["ticket", "respond", &t, "--template", "受理回复"]);
    let e = last_event(&d, &t);
    assert_eq!(e["action"].as_str(), Some("respond"));
    assert_eq!(e["template"].as_str(), Some("受理回复"));
    let text = e["text"].as_str().unwrap();
    assert!(text.starts_with("华东机械有限公司您好：\n\n"), "{text}");
    assert!(text.contains(&format!("工单 {t}（泵漏水）")), "{text}");
    // Grade II: resolved within 48 hours of the opening at 09:30.
    assert!(
        text.contains("我们将在 2026-11-26 09:30 前给您解决结果。"),
        "{text}"
    );
    assert!(text.ends_with("客服 王工"), "{text}");
    // The preview shows what a respond would record now.
    let shown = d.ok(&["template", "show", "受理回复", "--ticket", &t]);
    assert_eq!(shown.trim_end(), text);
    assert!(d.ok(&["ticket", "show", &t]).contains("template: 受理回复"));
    // Shells complete the desk's template names.
    assert_eq!(d.ok(&["__complete", "template", "受"]), "受理回复\n");
    d.ok(&["check"]);
}

#[test]
fn message_follows_the_template_and_several_tickets_each_get_their_own_text() {
    let (d, c, t) = desk();
    d.write(
        "templates/进展.txt",
        "+++\nfor = [\"note\", \"plan\"]\n+++\n{{ ticket.id }}：{{ customer.name }}，{{ ticket.product }}\n",
    );
    let other = d
        .ok(&[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "quality",
            "--product",
            "Y9",
            "-m",
            "异响",
        ])
        .trim()
        .to_string();
    let out = d.ok(&[
        "ticket",
        "note",
        &t,
        &other,
        "--template",
        "进展",
        "-m",
        "已联系工程师",
    ]);
    assert_eq!(out, format!("{t}\n{other}\n"));
    for (id, product) in [(&t, "X300"), (&other, "Y9")] {
        let e = last_event(&d, id);
        assert_eq!(
            e["text"].as_str(),
            Some(format!("{id}：华东机械有限公司，{product}\n\n已联系工程师").as_str())
        );
        assert_eq!(e["template"].as_str(), Some("进展"));
    }
    // A template not for a step is refused, naming what its header allows.
    let before = ticket_file(&d, &t);
    let err = d.fails(1, &["ticket", "respond", &t, "--template", "进展"]);
    assert!(err.contains("is not for `respond`"), "{err}");
    assert_eq!(ticket_file(&d, &t), before);
    // Neither -m nor --template: a usage error.
    d.fails(2, &["ticket", "plan", &t]);
    // An unknown template name suggests the nearest.
    let err = d.fails(1, &["ticket", "plan", &t, "--template", "进"]);
    assert!(err.contains("no template \"进\""), "{err}");
}

#[test]
fn an_unknown_variable_is_refused_and_nothing_is_written() {
    let (d, _c, t) = desk();
    d.write(
        "templates/typo.md",
        "+++\ndescription = \"a typo\"\n+++\n您好：\n{{ customer.nmae }}\n",
    );
    let before = ticket_file(&d, &t);
    let err = d.fails(1, &["ticket", "respond", &t, "--template", "typo"]);
    assert!(
        err.contains("templates/typo.md:5:4: unknown variable `customer.nmae` (did you mean `customer.name`?)"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(ticket_file(&d, &t), before);
    // `check` reports it at the same file and line, exit 1.
    let out = d.cmd().arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("templates/typo.md:5:4: unknown variable `customer.nmae`"),
        "{stdout}"
    );
    // A syntax error too, counting the header's lines.
    d.write(
        "templates/typo.md",
        "+++\nfor = [\"note\"]\n+++\nline\n\n{% if %}\n",
    );
    let out = d.cmd().args(["check", "--format", "csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let (_, rows) = parse_csv(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0][0].as_str(), rows[0][1].as_str()),
        ("templates/typo.md", "6")
    );
    assert!(rows[0][3].contains("syntax error"), "{rows:?}");
}

#[test]
fn a_timer_the_ticket_has_not_run_is_refused_unless_guarded() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "张三", "--phone", "138"]);
    let t = d
        .ok(&[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "quality",
            "-m",
            "x",
        ])
        .trim()
        .to_string();
    d.write("templates/r.md", "请于 {{ sla.respond.due }} 前答复\n");
    let before = ticket_file(&d, &t);
    let err = d.fails(1, &["ticket", "note", &t, "--template", "r"]);
    assert!(err.contains("no run of SLA timer `respond`"), "{err}");
    assert_eq!(ticket_file(&d, &t), before);
    // `check` knows the policy's timers, so it passes; a misspelt timer it reports.
    d.ok(&["check"]);
    d.write("templates/r.md", "{{ sla.repsond.due }}\n");
    let out = d.cmd().arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("did you mean `sla.respond`"), "{stdout}");
}

#[test]
fn open_takes_title_and_description_from_a_template_with_the_customer() {
    let d = TestDesk::new();
    let c = d.add(&["--name", "华东机械有限公司", "--phone", "021-5555-0101"]);
    let t = d
        .ok(&[
            "ticket",
            "open",
            "--customer",
            &c,
            "--category",
            "quality",
            "--product",
            "X300",
            "--serial",
            "SN-1",
            "--template",
            "报修登记",
            "-m",
            "开机无反应",
        ])
        .trim()
        .to_string();
    let file = ticket_file(&d, &t);
    let ticket: toml::Table = toml::from_str(&file).unwrap();
    assert_eq!(
        ticket["title"].as_str(),
        Some("华东机械有限公司：X300 报修")
    );
    assert_eq!(
        ticket["description"].as_str(),
        Some("客户 华东机械有限公司报修。\n产品型号：X300；序列号：SN-1。\n\n开机无反应")
    );
    let open = &ticket["event"].as_array().unwrap()[0];
    assert_eq!(open["template"].as_str(), Some("报修登记"));
    // A new customer's name is there too; a template for open may not use ticket.id.
    d.write(
        "templates/bad.md",
        "+++\nfor = [\"open\"]\n+++\n{{ ticket.id }}\n",
    );
    let before = d.customer_files();
    let err = d.fails(
        1,
        &[
            "ticket",
            "open",
            "--new-customer",
            "李四",
            "--phone",
            "139",
            "--category",
            "quality",
            "--template",
            "bad",
        ],
    );
    assert!(err.contains("unknown variable `ticket.id`"), "{err}");
    assert_eq!(d.customer_files(), before, "nothing was registered");
}
