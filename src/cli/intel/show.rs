//! How a 旬报 item and a list of them read on a terminal, and their CSV rows.

use svcdesk::desk::Desk;
use svcdesk::i18n::{self, Lang};
use svcdesk::model::intel::{Action, Intel};
use svcdesk::output::{self, Rows};

/// `intel list --format csv` and `show --format csv` (field,value): every field.
pub const COLUMNS: [&str; 15] = [
    "id",
    "period",
    "kind",
    "state",
    "sales",
    "text",
    "customer",
    "product",
    "price",
    "competitor",
    "owner",
    "created",
    "closed",
    "closed_by",
    "result",
];

/// The CSV header under --lang zh: the names of 旬報問題及建議信息跟蹤反饋記錄表.
pub const ZH: [(&str, &str); 15] = [
    ("id", "编号"),
    ("period", "旬"),
    ("kind", "类型"),
    ("state", "状态"),
    ("sales", "业务员"),
    ("text", "问题及建议"),
    ("customer", "客户"),
    ("product", "产品"),
    ("price", "竞品价格"),
    ("competitor", "竞争对手"),
    ("owner", "跟踪人"),
    ("created", "填报时间"),
    ("closed", "反馈时间"),
    ("closed_by", "反馈人"),
    ("result", "反馈结果"),
];

pub fn cells(i: &Intel) -> Vec<String> {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        i.id.clone(),
        i.period.clone(),
        i.kind.to_string(),
        i.state.to_string(),
        i.sales.clone(),
        i.text.clone(),
        s(&i.customer),
        s(&i.product),
        s(&i.price),
        s(&i.competitor),
        s(&i.owner),
        i.created.to_rfc3339(),
        i.closed.map(|t| t.to_rfc3339()).unwrap_or_default(),
        s(&i.closed_by),
        s(&i.result),
    ]
}

/// `stats --intel` under --lang zh: 旬報問題及建議信息跟蹤反饋記錄表's counts.
pub const ZH_STATS: [(&str, &str); 6] = [
    ("period", "旬"),
    ("kind", "类型"),
    ("open", "待跟踪"),
    ("assigned", "跟踪中"),
    ("closed", "已反馈"),
    ("total", "合计"),
];

/// A column's heading for people: English as is, Chinese from [`ZH`].
pub fn heading(lang: Lang, column: &'static str, table: &[(&str, &'static str)]) -> &'static str {
    match lang {
        Lang::Zh => table
            .iter()
            .find(|(k, _)| *k == column)
            .map_or(column, |(_, v)| v),
        _ => column,
    }
}

/// A vocabulary word of the intel module for people (`competitor-price` → 竞品价格).
fn word(lang: Lang, i: &Intel, column: &str) -> String {
    match column {
        "kind" => i18n::word(lang, i.kind),
        "state" => i18n::word(lang, i.state),
        _ => String::new(),
    }
}

/// The terminal view keeps what people scan; CSV and JSON carry everything.
pub(super) fn list_table(people: crate::cli::people::People, all: &[Intel]) -> Rows {
    let lang = people.lang;
    let cols = ["id", "period", "kind", "state", "sales", "owner", "text"];
    let mut rows = Rows::new(cols.iter().map(|c| heading(lang, c, &ZH)).collect());
    for i in all {
        rows.push(vec![
            i.id.clone(),
            i.period.clone(),
            word(lang, i, "kind"),
            word(lang, i, "state"),
            people.staff(&i.sales),
            i.owner
                .as_deref()
                .map(|o| people.staff(o))
                .unwrap_or_default(),
            i.text.clone(),
        ]);
    }
    rows
}

pub(super) fn show_text(desk: &Desk, lang: Lang, i: &Intel) -> String {
    let local = |t: chrono::DateTime<chrono::FixedOffset>| {
        t.with_timezone(&desk.tz())
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let h = |c: &'static str| heading(lang, c, &ZH);
    let mut out = output::fields(&[
        (h("id"), i.id.clone()),
        (h("state"), word(lang, i, "state")),
        (h("kind"), word(lang, i, "kind")),
        (h("period"), i.period.clone()),
        (h("sales"), i.sales.clone()),
        (h("text"), i.text.clone()),
        (h("customer"), s(&i.customer)),
        (h("product"), s(&i.product)),
        (h("price"), s(&i.price)),
        (h("competitor"), s(&i.competitor)),
        (h("owner"), s(&i.owner)),
        (
            h("created"),
            format!("{} by {}", local(i.created), i.created_by),
        ),
        (
            h("closed"),
            i.closed
                .map(|d| format!("{} by {}", local(d), s(&i.closed_by)))
                .unwrap_or_default(),
        ),
        (h("result"), s(&i.result)),
    ]);
    out.push_str("\nHistory:\n");
    let width = i
        .event
        .iter()
        .map(|e| e.by.chars().count())
        .max()
        .unwrap_or(0);
    for e in &i.event {
        let text = match e.action {
            Action::Add => format!("{} by {}", i.kind, s(&e.sales)),
            Action::Assign => format!("owner {}", s(&e.owner)),
            Action::Note | Action::Close => s(&e.text),
        };
        out.push_str(&format!(
            "  {}  {:width$}  {:7} {text}\n",
            local(e.at),
            e.by,
            e.action.as_str(),
        ));
    }
    out
}
