//! The CSV columns of tickets, customers, reports and ticket events: each column's name,
//! its Chinese header (`--lang zh`) and how its cell is made, in one table per record
//! kind. `ticket list`, `customer list`, `report list`, `export`, `import` and the help
//! texts that list the columns all read these tables, so a column is added once.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};

use crate::config::fields::{FieldRecord, Fields, Values, for_record};
use crate::model::customer::Customer;
use crate::model::measure::Measure;
use crate::model::report::Report;
use crate::model::ticket::{Event, Ticket};
use crate::output::Rows;

/// One CSV column of records of type `T`.
pub struct Column<T> {
    pub name: &'static str,
    /// The header under `--lang zh`; `import` reads it as well as `name`.
    pub zh: &'static str,
    pub cell: fn(&T) -> String,
}

/// `rows`' header names: `name`s, for [`Rows::new`].
pub fn names<T>(columns: &[Column<T>]) -> Vec<&'static str> {
    columns.iter().map(|c| c.name).collect()
}

/// (name, Chinese name) pairs, as `sheet::write` translates a header.
pub fn zh<T>(columns: &[Column<T>]) -> Vec<(&'static str, &'static str)> {
    columns.iter().map(|c| (c.name, c.zh)).collect()
}

/// One row per record, one cell per column.
pub fn rows<T>(columns: &[Column<T>], all: &[T]) -> Rows {
    let mut rows = Rows::new(names(columns));
    for r in all {
        rows.push(columns.iter().map(|c| (c.cell)(r)).collect());
    }
    rows
}

/// `names` as help text: comma-separated, broken after a comma so that no line is wider
/// than `width`; the first line starts after `lead` (which it includes), the others with
/// `indent`.
pub fn wrapped(lead: &str, names: &[&str], indent: &str, width: usize) -> String {
    let mut out = lead.to_string();
    let mut line = lead.chars().count();
    for (i, n) in names.iter().enumerate() {
        let piece = if i + 1 < names.len() {
            format!("{n},")
        } else {
            n.to_string()
        };
        let len = piece.chars().count();
        if i > 0 && line + len > width {
            out.push('\n');
            out.push_str(indent);
            line = indent.chars().count();
        }
        out.push_str(&piece);
        line += len;
    }
    out
}

fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn time(v: &Option<DateTime<FixedOffset>>) -> String {
    v.map(|t| t.to_rfc3339()).unwrap_or_default()
}

fn shown<V: ToString>(v: &Option<V>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// How many of [`TICKET`]'s columns `ticket list --format csv` writes; `export tickets`
/// writes them all.
pub const TICKET_LIST: usize = 25;

/// Every column of `export tickets` (and `import tickets`), `ticket list`'s first.
#[rustfmt::skip]
pub const TICKET: [Column<Ticket>; 41] = [
    Column { name: "id", zh: "工单号", cell: |t| t.id.clone() },
    Column { name: "state", zh: "状态", cell: |t| t.state().to_string() },
    Column { name: "grade", zh: "等级", cell: |t| shown(&t.grade) },
    Column { name: "priority", zh: "优先级", cell: |t| shown(&t.priority) },
    Column { name: "category", zh: "类别", cell: |t| text(&t.category) },
    Column { name: "complaint_kind", zh: "投诉类型", cell: |t| shown(&t.complaint_kind) },
    Column { name: "channel", zh: "渠道", cell: |t| shown(&t.channel) },
    Column { name: "department", zh: "部门", cell: |t| text(&t.department) },
    Column { name: "assignee", zh: "处理人", cell: |t| text(&t.assignee) },
    Column { name: "customer", zh: "客户", cell: |t| text(&t.customer) },
    Column { name: "contact", zh: "联系人", cell: |t| text(&t.contact) },
    Column { name: "product", zh: "产品", cell: |t| text(&t.product) },
    Column { name: "serial", zh: "序列号", cell: |t| text(&t.serial) },
    Column { name: "opened", zh: "受理时间", cell: |t| time(&t.opened) },
    Column { name: "accepted", zh: "接单时间", cell: |t| time(&t.accepted) },
    Column { name: "responded", zh: "响应时间", cell: |t| time(&t.responded) },
    Column { name: "resolved", zh: "解决时间", cell: |t| time(&t.resolved) },
    Column { name: "closed", zh: "结案时间", cell: |t| time(&t.closed) },
    Column { name: "satisfaction", zh: "满意度", cell: |t| shown(&t.satisfaction) },
    Column { name: "reopened", zh: "重开次数", cell: |t| t.reopened.to_string() },
    Column { name: "compensation", zh: "赔偿状态", cell: |t| shown(&t.compensation) },
    Column { name: "compensation_amount", zh: "赔偿金额", cell: |t| text(&t.compensation_amount) },
    Column { name: "compensation_currency", zh: "币种", cell: |t| text(&t.compensation_currency) },
    Column { name: "tags", zh: "标签", cell: |t| t.tags.join(";") },
    Column { name: "title", zh: "标题", cell: |t| t.title.clone() },
    // `ticket list` ends here.
    Column { name: "voucher", zh: "凭证", cell: |t| text(&t.voucher) },
    Column { name: "purchase_date", zh: "购买日期", cell: |t| shown(&t.purchase_date) },
    Column { name: "submitter", zh: "提交人", cell: |t| text(&t.submitter) },
    Column { name: "transferred_by", zh: "转交人", cell: |t| text(&t.transferred_by) },
    Column { name: "links", zh: "关联工单", cell: |t| t.links.join(";") },
    Column { name: "attachments", zh: "附件", cell: |t| t.attachments.join(";") },
    Column { name: "cause", zh: "原因", cell: |t| text(&t.cause) },
    Column { name: "responsibility", zh: "责任", cell: |t| text(&t.responsibility) },
    Column { name: "plan", zh: "处理方案", cell: |t| text(&t.plan) },
    Column { name: "resolution", zh: "处理结果", cell: |t| text(&t.resolution) },
    Column { name: "compensation_kind", zh: "赔偿方式", cell: |t| shown(&t.compensation_kind) },
    Column { name: "description", zh: "问题描述", cell: |t| t.description.clone() },
    // Came later: at the end, as scripts count columns.
    Column { name: "cause_code", zh: "故障分类", cell: |t| text(&t.cause_code) },
    Column { name: "lead", zh: "专项负责人", cell: |t| text(&t.lead) },
    Column { name: "shipped", zh: "发货", cell: |t| time(&t.shipped) },
    // 「在“预计完成时间”栏标注」: the running promise's time; `ticket list` shows it too.
    Column { name: "promised", zh: "预计完成时间", cell: |t| time(&promised(t)) },
];

/// The due time of the ticket's running promise (made, neither kept nor resolved since;
/// overdue or not), as the `promised` column shows it.
pub fn promised(t: &Ticket) -> Option<DateTime<FixedOffset>> {
    crate::model::steps::pending_promise(t).and_then(|e| e.promised)
}

/// `ticket list --format csv`'s columns: the first [`TICKET_LIST`] of [`TICKET`], then
/// `promised` (the export's last column, added later).
pub fn ticket_list() -> Vec<&'static Column<Ticket>> {
    let later = TICKET.iter().filter(|c| c.name == "promised");
    TICKET[..TICKET_LIST].iter().chain(later).collect()
}

/// One row per ticket under [`ticket_list`]'s columns.
pub fn ticket_list_rows(all: &[Ticket]) -> Rows {
    let columns = ticket_list();
    let mut rows = Rows::new(columns.iter().map(|c| c.name).collect());
    for t in all {
        rows.push(columns.iter().map(|c| (c.cell)(t)).collect());
    }
    rows
}

/// How many of [`CUSTOMER`]'s columns `customer list --format csv` writes.
pub const CUSTOMER_LIST: usize = 11;

/// Every column of `export customers` (and `import customers`), `customer list`'s first.
#[rustfmt::skip]
pub const CUSTOMER: [Column<Customer>; 15] = [
    Column { name: "id", zh: "客户编号", cell: |c| c.id.clone() },
    Column { name: "name", zh: "客户名称", cell: |c| c.name.clone() },
    Column { name: "contact", zh: "联系人", cell: |c| text(&c.contact) },
    Column { name: "phone", zh: "联系电话", cell: |c| text(&c.phone) },
    Column { name: "email", zh: "邮箱", cell: |c| text(&c.email) },
    Column { name: "industry", zh: "所属行业", cell: |c| text(&c.industry) },
    Column { name: "source", zh: "客户来源", cell: |c| text(&c.source) },
    Column { name: "referred_by", zh: "推荐人", cell: |c| text(&c.referred_by) },
    Column { name: "tags", zh: "标签", cell: |c| c.tags.join(";") },
    Column { name: "created", zh: "登记时间", cell: |c| c.created.to_rfc3339() },
    Column { name: "log_entries", zh: "沟通记录数", cell: |c| c.log.len().to_string() },
    // `customer list` ends here.
    Column { name: "address", zh: "地址", cell: |c| text(&c.address) },
    Column { name: "notes", zh: "备注", cell: |c| text(&c.notes) },
    Column { name: "remote", zh: "偏远地区", cell: |c| if c.remote { "true".into() } else { String::new() } },
    // Later columns go last, so scripts counting columns keep working.
    Column { name: "last_contact", zh: "最近联系", cell: |c| crate::model::customer::last_contact(c).map(|t| t.to_rfc3339()).unwrap_or_default() },
];

/// The columns of `customer list --format csv`: the first [`CUSTOMER_LIST`] of
/// [`CUSTOMER`], then the later ones a salesperson scans a list for (`last_contact`).
pub fn customer_list() -> Vec<&'static Column<Customer>> {
    CUSTOMER[..CUSTOMER_LIST]
        .iter()
        .chain(CUSTOMER.iter().filter(|c| c.name == "last_contact"))
        .collect()
}

/// [`rows`] over column references (a selection of a kind's columns).
pub fn rows_of<T>(columns: &[&Column<T>], all: &[T]) -> Rows {
    let mut rows = Rows::new(columns.iter().map(|c| c.name).collect());
    for r in all {
        rows.push(columns.iter().map(|c| (c.cell)(r)).collect());
    }
    rows
}

/// The columns of `report list --format csv` and `export reports`; `report show
/// --format csv` has one row per column.
#[rustfmt::skip]
pub const REPORT: [Column<Report>; 27] = [
    Column { name: "id", zh: "服务单号", cell: |r| r.id.clone() },
    Column { name: "engineer", zh: "工程师", cell: |r| r.engineer.clone() },
    Column { name: "customer", zh: "客户", cell: |r| r.customer.clone() },
    Column { name: "ticket", zh: "工单号", cell: |r| text(&r.ticket) },
    Column { name: "service_type", zh: "服务类型", cell: |r| r.service_type.to_string() },
    Column { name: "location", zh: "地点", cell: |r| text(&r.location) },
    Column { name: "departed", zh: "出发时间", cell: |r| time(&r.departed) },
    Column { name: "arrived", zh: "到达时间", cell: |r| time(&r.arrived) },
    Column { name: "left", zh: "离开时间", cell: |r| time(&r.left) },
    Column { name: "returned", zh: "返回时间", cell: |r| time(&r.returned) },
    Column { name: "hours_on_site", zh: "现场工时", cell: |r| r.hours_on_site().unwrap_or_default() },
    Column { name: "travel", zh: "交通", cell: |r| text(&r.travel) },
    Column { name: "work_done", zh: "工作内容", cell: |r| text(&r.work_done) },
    Column { name: "problems", zh: "发现问题", cell: |r| text(&r.problems) },
    Column { name: "escalated", zh: "24小时内上报", cell: |r| r.escalated.to_string() },
    Column { name: "escalated_to", zh: "上报对象", cell: |r| text(&r.escalated_to) },
    Column { name: "parts", zh: "备件", cell: |r| text(&r.parts) },
    Column { name: "cost", zh: "费用", cell: |r| text(&r.cost) },
    Column { name: "signed_by", zh: "客户签字", cell: |r| text(&r.signed_by) },
    Column { name: "outcome", zh: "处理结果", cell: |r| shown(&r.outcome) },
    Column { name: "satisfaction", zh: "满意度", cell: |r| shown(&r.satisfaction) },
    Column { name: "created", zh: "填写时间", cell: |r| r.created.to_rfc3339() },
    Column { name: "created_by", zh: "填写人", cell: |r| r.created_by.clone() },
    Column { name: "visit", zh: "外出单号", cell: |r| text(&r.visit) },
    Column { name: "state", zh: "审核状态", cell: |r| r.state.to_string() },
    Column { name: "submitted", zh: "提交时间", cell: |r| time(&r.submitted) },
    Column { name: "reviewed_by", zh: "审核人", cell: |r| text(&r.reviewed_by) },
];

/// The columns of `measure list --format csv`; `measure show --format csv` has one row
/// per column.
pub const MEASURE: [&str; 18] = [
    "id",
    "state",
    "overdue",
    "kind",
    "owner",
    "due",
    "period",
    "category",
    "tickets",
    "problem",
    "measure",
    "created",
    "created_by",
    "notes",
    "done",
    "result",
    "effect_checked",
    "effect",
];

/// A measure's cells under [`MEASURE`]; whether it is overdue depends on `today`.
pub fn measure_cells(m: &Measure, today: chrono::NaiveDate) -> Vec<String> {
    vec![
        m.id.clone(),
        m.state.to_string(),
        m.is_overdue(today).to_string(),
        m.kind.to_string(),
        m.owner.clone(),
        m.due.to_string(),
        text(&m.period),
        text(&m.category),
        m.tickets.join(";"),
        m.problem.clone(),
        m.measure.clone(),
        m.created.to_rfc3339(),
        m.created_by.clone(),
        m.notes().count().to_string(),
        m.done.map(|d| d.to_rfc3339()).unwrap_or_default(),
        text(&m.result),
        // Unknown until done.
        if m.done.is_some() {
            m.effect_checked.to_string()
        } else {
            String::new()
        },
        text(&m.effect),
    ]
}

/// `export events`' leading columns: which ticket, the event's place in its history, and
/// the fields every event has.
pub const EVENT_HEAD: [&str; 5] = ["ticket", "seq", "at", "by", "action"];

/// Event fields that came after the CSV layout was fixed: they go last, so that scripts
/// that count columns keep working.
const EVENT_LATER: [&str; 24] = [
    "entered_by",
    "field",
    "old",
    "new",
    "cause_code",
    "fields",
    "template",
    "items",
    "carrier",
    "tracking",
    "address",
    "goods",
    "remote",
    "verdict",
    "lead",
    "exception",
    "promised",
    "kept",
    "level",
    "ladder",
    "appointment",
    "tier",
    "then",
    "message_id",
];

/// Event fields `export events` leaves out: a redaction's event number was never a
/// column (its `field` came later, with `set`'s `old` and `new`). Stored `files` are in
/// the `attachments` column, as their paths in the desk.
const EVENT_LEFT_OUT: [&str; 2] = ["redacts", "files"];

/// An event's `ticket` (the linked ticket) is `link_ticket` in CSV, where `ticket` is the
/// ticket the event belongs to.
pub const LINK_TICKET: &str = "link_ticket";

/// Every column of `export events`: [`EVENT_HEAD`], then every field of [`Event`] in its
/// struct's order (`ticket` as [`LINK_TICKET`]), with [`EVENT_LATER`] at the end.
pub fn event_columns() -> Vec<&'static str> {
    let fields = crate::output::field_names::<Event>();
    // `at`, `by` and `action` are in the head already.
    let rest = fields.iter().copied().filter(|f| {
        !EVENT_HEAD[2..].contains(f) && !EVENT_LATER.contains(f) && !EVENT_LEFT_OUT.contains(f)
    });
    EVENT_HEAD
        .into_iter()
        .chain(rest.map(|f| if f == "ticket" { LINK_TICKET } else { f }))
        .chain(EVENT_LATER)
        .collect()
}

/// `export events`' columns in Chinese (`--lang zh`); a column not here keeps its name.
pub const EVENT_ZH: [(&str, &str); 68] = [
    ("ticket", "工单号"),
    ("seq", "序号"),
    ("at", "时间"),
    ("by", "操作人"),
    ("action", "动作"),
    ("title", "标题"),
    ("customer", "客户"),
    ("contact", "联系人"),
    ("channel", "渠道"),
    ("category", "类别"),
    ("complaint_kind", "投诉类型"),
    ("product", "产品"),
    ("serial", "序列号"),
    ("purchase_date", "购买日期"),
    ("voucher", "凭证"),
    ("submitter", "提交人"),
    ("transferred_by", "转交人"),
    ("priority", "优先级"),
    ("tags", "标签"),
    ("attachments", "附件"),
    ("description", "问题描述"),
    ("grade", "等级"),
    ("department", "部门"),
    ("assignee", "处理人"),
    ("reason", "原因说明"),
    ("text", "内容"),
    ("visibility", "可见范围"),
    ("cause", "原因"),
    ("responsibility", "责任"),
    ("need", "需求"),
    ("due", "期限"),
    ("request", "申请"),
    ("parts", "备件"),
    ("on_call", "电话回访"),
    ("efficiency", "效率评价"),
    ("attitude", "态度评价"),
    ("result", "结果"),
    ("satisfaction", "满意度"),
    ("link", "关联"),
    ("link_ticket", "关联工单"),
    ("amount", "金额"),
    ("currency", "币种"),
    ("comp_kind", "赔偿方式"),
    ("timer", "计时器"),
    ("entered_by", "录入人"),
    ("field", "字段"),
    ("old", "原值"),
    ("new", "新值"),
    ("cause_code", "故障分类"),
    ("fields", "自定义字段"),
    ("template", "模板"),
    ("items", "发货物品"),
    ("carrier", "承运商"),
    ("tracking", "运单号"),
    ("address", "收货地址"),
    ("goods", "需发货"),
    ("remote", "偏远地区"),
    ("verdict", "审核意见"),
    ("lead", "专项负责人"),
    ("exception", "例外原因"),
    ("promised", "承诺时间"),
    ("kept", "已兑现"),
    ("level", "提醒级别"),
    ("ladder", "升级梯级"),
    ("appointment", "上门预约"),
    ("tier", "客户等级"),
    ("then", "等待期满后"),
    ("message_id", "邮件标识"),
];

/// One row per event of each ticket, in history order, under [`event_columns`].
pub fn event_rows(all: &[Ticket]) -> Rows {
    let columns = event_columns();
    let fields = &columns[EVENT_HEAD.len()..];
    let mut rows = Rows::new(columns.clone());
    for t in all {
        for (i, e) in t.event.iter().enumerate() {
            let v = serde_json::to_value(e).expect("events serialize");
            let mut row = vec![
                t.id.clone(),
                (i + 1).to_string(),
                e.at.to_rfc3339(),
                e.by.clone(),
                shown(&e.action),
            ];
            row.extend(fields.iter().map(|k| {
                match *k {
                    // Paths older svcdesk recorded, then the stored files, as in the
                    // ticket's own `attachments`.
                    "attachments" => e
                        .attachments
                        .iter()
                        .cloned()
                        .chain(e.files.iter().map(|f| f.path()))
                        .collect::<Vec<_>>()
                        .join(";"),
                    LINK_TICKET => json_cell(v.get("ticket")),
                    // An open event's custom values, `NAME=VALUE;...` in name order.
                    "fields" => e
                        .fields
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(";"),
                    k => json_cell(v.get(k)),
                }
            }));
            rows.push(row);
        }
    }
    rows
}

/// A JSON value as a cell: strings as they are, lists joined with ';'.
/// The custom-field columns of one record kind, from `[fields]`: `field:NAME` each, in
/// name order, after a kind's fixed columns (export, import, ledgers). Headers under
/// `--lang zh` are the fields' labels. Column names are `&'static` like the fixed ones:
/// made once per command for the few fields a desk defines, and leaked.
#[derive(Debug, Clone, Default)]
pub struct FieldColumns {
    /// (field name, column name, Chinese header).
    pub columns: Vec<(String, &'static str, &'static str)>,
}

/// The prefix of a custom field's column (and of its `set` events' `field`).
pub const FIELD_PREFIX: &str = crate::model::ticket::FIELD_PREFIX;

impl FieldColumns {
    pub fn of(fields: &Fields, r: FieldRecord) -> FieldColumns {
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        FieldColumns {
            columns: for_record(fields, r)
                .map(|(name, def)| {
                    let col = leak(format!("{FIELD_PREFIX}{name}"));
                    let zh = leak(def.label.clone().unwrap_or_else(|| name.clone()));
                    (name.clone(), col, zh)
                })
                .collect(),
        }
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.1).collect()
    }

    /// (name, Chinese header) pairs, to extend a kind's `zh` list.
    pub fn zh(&self) -> Vec<(&'static str, &'static str)> {
        self.columns.iter().map(|c| (c.1, c.2)).collect()
    }

    /// The record's cells under these columns.
    pub fn cells(&self, values: &Values) -> Vec<String> {
        self.columns
            .iter()
            .map(|(name, _, _)| values.get(name).cloned().unwrap_or_default())
            .collect()
    }

    /// `rows` (one row per record of `all`, in order) with these columns added at the end.
    pub fn append<T>(&self, rows: Rows, all: &[T], values: impl Fn(&T) -> &Values) -> Rows {
        if self.columns.is_empty() {
            return rows;
        }
        let mut cols = rows.columns.clone();
        cols.extend(self.names());
        let mut out = Rows::new(cols);
        out.numeric = rows.numeric.clone();
        for (row, r) in rows.rows.into_iter().zip(all) {
            let mut row = row;
            row.extend(self.cells(values(r)));
            out.push(row);
        }
        out
    }

    /// The column a sheet's header names: `field:NAME`, or the field's label (as
    /// `--lang zh` writes it).
    pub fn column(&self, header: &str) -> Option<&'static str> {
        let h = header.trim();
        self.columns
            .iter()
            .find(|(_, col, zh)| *col == h || *zh == h)
            .map(|c| c.1)
    }

    /// A row's custom values from its cells by column, each parsed by its field's type;
    /// an empty cell is no value. The error names the column and what it allows.
    pub fn read(&self, fields: &Fields, row: &HashMap<&str, &str>) -> Result<Values, String> {
        let mut out = Values::new();
        for (name, col, _) in &self.columns {
            let Some(raw) = row.get(col).map(|v| v.trim()).filter(|v| !v.is_empty()) else {
                continue;
            };
            let v = fields[name].parse(raw).map_err(|e| format!("{col}: {e}"))?;
            out.insert(name.clone(), v);
        }
        Ok(out)
    }

    /// `rows` with these columns added at the end, each row's record found by the ID in
    /// its column `id` (a ledger's rows are a month's choice of records, in its order).
    pub fn append_by_id(&self, rows: Rows, id: &str, values: &HashMap<&str, &Values>) -> Rows {
        let Some(at) = rows.columns.iter().position(|c| *c == id) else {
            return rows;
        };
        let empty = Values::new();
        let all: Vec<&Values> = rows
            .rows
            .iter()
            .map(|r| values.get(r[at].as_str()).copied().unwrap_or(&empty))
            .collect();
        self.append(rows, &all, |v| v)
    }
}

fn json_cell(v: Option<&serde_json::Value>) -> String {
    use serde_json::Value;
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| json_cell(Some(x)))
            .collect::<Vec<_>>()
            .join(";"),
        Some(other) => other.to_string(),
    }
}

/// The columns of `visit list --format csv`; `visit show --format csv` has one row per
/// column.
#[rustfmt::skip]
pub const VISIT: [Column<crate::model::visit::Visit>; 19] = [
    Column { name: "id", zh: "外出单号", cell: |v| v.id.clone() },
    Column { name: "state", zh: "状态", cell: |v| v.state.to_string() },
    Column { name: "ticket", zh: "工单号", cell: |v| v.ticket.clone().unwrap_or_default() },
    Column { name: "customer", zh: "客户", cell: |v| v.customer.clone() },
    Column { name: "service_type", zh: "服务类型", cell: |v| v.service_type.to_string() },
    Column { name: "scope", zh: "服务内容", cell: |v| v.scope.clone() },
    Column { name: "resources", zh: "所需资源", cell: |v| text(&v.resources) },
    Column { name: "date", zh: "要求日期", cell: |v| v.date.to_string() },
    Column { name: "requested", zh: "申请时间", cell: |v| v.requested.to_rfc3339() },
    Column { name: "requested_by", zh: "申请人", cell: |v| v.requested_by.clone() },
    Column { name: "decided_by", zh: "审批人", cell: |v| text(&v.decided_by) },
    Column { name: "engineer", zh: "工程师", cell: |v| text(&v.engineer) },
    Column { name: "appointment", zh: "预约时间", cell: |v| time(&v.appointment) },
    Column { name: "arrived", zh: "到达时间", cell: |v| time(&v.arrived) },
    Column { name: "escalated", zh: "上报时间", cell: |v| time(&v.escalated) },
    Column { name: "escalated_to", zh: "上报对象", cell: |v| text(&v.escalated_to) },
    Column { name: "report", zh: "服务报告", cell: |v| text(&v.report) },
    Column { name: "schedule", zh: "保养计划", cell: |v| text(&v.schedule) },
    Column { name: "return_approved_by", zh: "批准返回人", cell: |v| text(&v.return_approved_by) },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_columns_are_the_event_fields() {
        assert_eq!(
            event_columns().join(","),
            "ticket,seq,at,by,action,title,customer,contact,channel,category,complaint_kind,\
             product,serial,purchase_date,voucher,submitter,transferred_by,priority,tags,\
             attachments,description,grade,department,assignee,reason,text,visibility,cause,\
             responsibility,need,due,request,parts,on_call,efficiency,attitude,result,\
             satisfaction,link,link_ticket,amount,currency,comp_kind,timer,entered_by,field,old,new,\
             cause_code,fields,template,items,carrier,tracking,address,goods,remote,verdict,lead,\
             exception,promised,kept,level,ladder,appointment,tier,then,message_id"
        );
    }

    #[test]
    fn every_column_has_one_chinese_name() {
        let check = |pairs: Vec<(&str, &str)>| {
            let mut zh: Vec<&str> = pairs.iter().map(|(_, z)| *z).collect();
            assert!(zh.iter().all(|z| !z.is_ascii()), "{pairs:?}");
            zh.sort();
            zh.dedup();
            assert_eq!(zh.len(), pairs.len(), "names are distinct: {pairs:?}");
        };
        check(zh(&TICKET));
        check(zh(&CUSTOMER));
        check(zh(&REPORT));
        check(zh(&VISIT));
        let events: Vec<(&str, &str)> = event_columns()
            .into_iter()
            .map(|c| {
                let z = EVENT_ZH.iter().find(|(k, _)| *k == c);
                (c, z.map_or(c, |(_, z)| *z))
            })
            .collect();
        check(events);
    }

    #[test]
    fn wrapped_breaks_after_commas() {
        assert_eq!(
            wrapped("cols: ", &["a", "bb", "cc", "d"], "  ", 12),
            "cols: a,bb,\n  cc,d"
        );
    }
}
