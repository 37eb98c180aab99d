use std::path::Path;

use serde_json::json;

use super::*;

const REPLY: &str = "+++\ntitle = \"{{ customer.name }} 来电\"\nfor = [\"respond\", \"open\"]\ndescription = \"受理回复\"\n+++\n{{ customer.name }}您好：\n\n您的工单 {{ ticket.id }} 已受理。\n";

fn ctx() -> Value {
    json!({"customer": {"name": "张三", "phone": "138"}, "ticket": {"id": "T1"}})
}

#[test]
fn header_and_body_render_chinese_as_is() {
    let t = Template::parse(Path::new("templates/受理回复.md"), REPLY).unwrap();
    assert_eq!(t.name, "受理回复");
    assert_eq!(t.body_line, 5);
    assert!(t.is_for(Action::Respond) && t.is_for(Action::Open));
    assert!(!t.is_for(Action::Note));
    let r = t.render(&ctx()).unwrap();
    assert_eq!(r.title.as_deref(), Some("张三 来电"));
    assert_eq!(r.body, "张三您好：\n\n您的工单 T1 已受理。");
}

#[test]
fn no_header_is_all_body_for_the_steps_but_open() {
    let t = Template::parse(Path::new("templates/a.txt"), "hi {{ ticket.id }}\n").unwrap();
    assert_eq!(t.uses(), ["respond", "note", "plan"]);
    assert!(!t.is_for(Action::Open));
    assert_eq!(t.render(&ctx()).unwrap().body, "hi T1");
}

#[test]
fn an_unknown_variable_names_the_file_line_and_nearest_name() {
    let text = REPLY.replace("您的工单 {{ ticket.id }}", "您的工单 {{ customer.nmae }}");
    let t = Template::parse(Path::new("templates/r.md"), &text).unwrap();
    let Error::Parse {
        path,
        line,
        column,
        message,
    } = t.render(&ctx()).unwrap_err()
    else {
        panic!("not a parse error")
    };
    assert_eq!(path, Path::new("templates/r.md"));
    assert_eq!((line, column), (8, 9));
    assert!(message.contains("`customer.nmae`"), "{message}");
    assert!(
        message.contains("did you mean `customer.name`"),
        "{message}"
    );
}

#[test]
fn an_undefined_timer_says_how_to_guard_it() {
    let t = Template::parse(Path::new("templates/r.md"), "{{ sla.respond.due }}").unwrap();
    let ctx = json!({"sla": {"resolve": {"due": "x"}}});
    let msg = t.render(&ctx).unwrap_err().to_string();
    assert!(msg.contains("is defined"), "{msg}");
    let t = Template::parse(
        Path::new("templates/r.md"),
        "{% if sla.respond is defined %}{{ sla.respond.due }}{% endif %}ok",
    )
    .unwrap();
    assert_eq!(t.render(&ctx).unwrap().body, "ok");
}

#[test]
fn a_syntax_error_is_reported_at_its_file_line() {
    let text = "+++\nfor = [\"note\"]\n+++\nline one\n{% if %}\n";
    let t = Template::parse(Path::new("templates/s.md"), text).unwrap();
    let Error::Parse { line, .. } = t.render(&ctx()).unwrap_err() else {
        panic!("not a parse error")
    };
    assert_eq!(line, 5);
}

#[test]
fn a_bad_header_is_refused() {
    let e = Template::parse(
        Path::new("templates/h.md"),
        "+++\nfor = [\"respnd\"]\n+++\nx",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("did you mean") && e.contains("respond"), "{e}");
    let e = Template::parse(Path::new("templates/h.md"), "+++\ntitel = \"x\"\n+++\nx")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("templates/h.md:2:"), "{e}");
    let e = Template::parse(Path::new("templates/h.md"), "+++\ntitle = \"x\"\nx")
        .unwrap_err()
        .to_string();
    assert!(e.contains("closing `+++`"), "{e}");
}

#[test]
fn a_message_follows_the_body_and_an_empty_text_is_refused() {
    let t = Template::parse(
        Path::new("templates/c.md"),
        "{% if customer.phone == \"x\" %}call{% endif %}\n",
    )
    .unwrap();
    let r = t.render(&ctx()).unwrap();
    assert_eq!(r.body, "");
    assert_eq!(r.text(Some(" 已联系 ")).unwrap(), "已联系");
    assert!(r.text(None).is_err());
    let r = Rendered {
        body: "正文".into(),
        ..r
    };
    assert_eq!(r.text(Some("补充")).unwrap(), "正文\n\n补充");
}

#[test]
fn header_faults_are_at_their_own_lines_after_blank_lines() {
    let text = "+++\n\n# a comment\nfor = [\"notes\"]\n+++\nx";
    let Error::Parse { line, .. } = Template::parse(Path::new("templates/h.md"), text).unwrap_err()
    else {
        panic!("not a parse error")
    };
    assert_eq!(line, 4);
    let text = "+++\n\ndescription = 1\n+++\nx";
    let Error::Parse { line, .. } = Template::parse(Path::new("templates/h.md"), text).unwrap_err()
    else {
        panic!("not a parse error")
    };
    assert_eq!(line, 3);
    let text = "+++\n\ntitle = \"{{ nope }}\"\n+++\nbody";
    let t = Template::parse(Path::new("templates/h.md"), text).unwrap();
    let Error::Parse { line, .. } = t.render(&ctx()).unwrap_err() else {
        panic!("not a parse error")
    };
    assert_eq!(line, 3);
}
