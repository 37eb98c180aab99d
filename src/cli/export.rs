//! `svcdesk export` (every record as CSV or JSON) and `svcdesk import customers` (a
//! customer spreadsheet into the desk).

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use svcdesk::desk::{Kind, store};
use svcdesk::ledger::{import, sheet};
use svcdesk::model::customer;
use svcdesk::model::report::{self, WithHours};
use svcdesk::model::ticket::Ticket;
use svcdesk::model::ticket_store;
use svcdesk::output::{self, Rows};
use svcdesk::sla::{Policy, view};
use svcdesk::{Error, Result};

use super::{Context, EXIT_FAILURE, warn};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum What {
    /// One row per ticket, every field (JSON: with the history).
    Tickets,
    /// One row per event of every ticket's history.
    Events,
    /// One row per customer (JSON: with the communication log).
    Customers,
    /// One row per field-service report.
    Reports,
    /// One row per SLA timer run of every ticket: the month's SLA, auditable row by row.
    Timers,
}

impl What {
    /// The word for what was written, in messages.
    fn noun(self) -> &'static str {
        match self {
            What::Tickets => "tickets",
            What::Events => "events",
            What::Customers => "customers",
            What::Reports => "reports",
            What::Timers => "timer runs",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ExportFormat {
    /// RFC 4180 CSV, UTF-8, a header row.
    #[default]
    Csv,
    /// JSON: an array of full records.
    Json,
}

pub const EXPORT_HELP: &str = "\
Examples:
  svcdesk export tickets -o tickets.csv
  svcdesk export customers --excel -o 客户档案.csv      # for Excel
  svcdesk export reports --format json > reports.json
  svcdesk export events --format csv | grep ,escalate,
  svcdesk export timers --excel -o sla.csv            # every SLA timer run, for an audit

Every record of the kind, in ID order (events: by ticket, then in history order).

CSV columns:
  tickets    the columns of `ticket list --format csv`, then voucher,purchase_date,
             submitter,transferred_by,links,attachments,cause,responsibility,plan,
             resolution,compensation_kind,description
  customers  the columns of `customer list --format csv`, then address,notes
  reports    the columns of `report list --format csv`
  events     ticket,seq,at,by,action, then every field an event may carry: title,
             customer,contact,channel,category,complaint_kind,product,serial,
             purchase_date,voucher,submitter,transferred_by,priority,tags,attachments,
             description,grade,department,assignee,reason,text,visibility,cause,
             responsibility,need,due,request,parts,on_call,efficiency,attitude,result,
             satisfaction,link,link_ticket,amount,currency,comp_kind,timer,entered_by
             (who typed an event entered with --as on `by`'s behalf)
  timers     ticket,grade,priority,category,department,assignee,timer,run,target,basis,
             started,due,stopped,outcome,decided,remaining_minutes,remaining_unit,
             notified: one row per run of each SLA timer (a reopen or re-assignment
             starts a new run), evaluated now (SVCDESK_NOW). outcome is met, breached,
             missed, n/a, restarted, running, paused or at-risk; decided is when a report
             counts the run (empty while undecided, and for n/a and restarted). A month's
             SLA %: of the rows with decided in the month, met ÷ (met + breached +
             missed), as `svcdesk stats` counts it. remaining_minutes counts wall-clock
             minutes, or working minutes when remaining_unit is `working`.
Times in RFC 3339; lists (tags, links, attachments) joined with ';'.
JSON: the records as stored (tickets with their [[event]] history, customers with their
communication log, reports with hours_on_site).

`svcdesk import customers` reads a customers export back (IDs kept).

--lang zh writes the CSV header row in Chinese (tickets: 工单号,状态,等级,...; customers:
客户编号,客户名称,...; reports: 服务单号,工程师,...; events: 工单号,序号,时间,...);
`svcdesk import` reads either.

--bom starts the CSV with a UTF-8 byte-order mark (so Excel reads Chinese), cells
unchanged. --excel is --bom, and non-numeric cells starting with = + - @ tab or CR get a
leading ' so they are never run as formulas (a ticket title typed into a web form as
=HYPERLINK(...) stays text; numbers such as -1.50 are left alone). Without them the CSV
is raw, for scripts: a phone number +86 21 ... stays as it is. -o writes the file whole
or not at all (a temp file renamed into place), so a cron job never leaves half a file.";

#[derive(clap::Args)]
pub struct ExportArgs {
    #[arg(value_enum)]
    what: What,
    #[arg(long, help = super::SKIP_BAD_HELP)]
    skip_bad: bool,
    #[arg(long, value_enum, default_value_t)]
    format: ExportFormat,
    /// Write to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// CSV for Excel: --bom, and non-numeric cells starting with = + - @ tab or CR get a
    /// leading ' (numbers such as -1.50 are left alone).
    #[arg(long)]
    excel: bool,
    /// CSV: start with a UTF-8 byte-order mark (Excel then reads Chinese); cells unchanged.
    #[arg(long)]
    bom: bool,
    /// CSV header row: en (the column names) or zh (Chinese names).
    #[arg(long, value_enum, value_name = "LANG", default_value_t)]
    lang: sheet::Lang,
}

impl ExportArgs {
    /// `rows` as CSV with this export's --bom, --excel and --lang.
    fn csv(&self, rows: &Rows) -> String {
        let opts = sheet::CsvArgs {
            bom: self.bom,
            excel: self.excel,
            lang: self.lang,
        }
        .opts();
        let table: &[(&str, &'static str)] = match self.what {
            What::Tickets => &import::tickets::ZH,
            What::Customers => &import::ZH,
            What::Reports => &REPORT_ZH,
            What::Events => &EVENT_ZH,
            What::Timers => &TIMER_ZH,
        };
        sheet::write(rows, opts, table)
    }
}

/// `export timers`' columns: the ticket's, then [`view::RUN_COLUMNS`].
const TIMER_TICKET_COLUMNS: [&str; 6] = [
    "ticket",
    "grade",
    "priority",
    "category",
    "department",
    "assignee",
];

const TIMER_ZH: [(&str, &str); 18] = [
    ("ticket", "工单号"),
    ("grade", "等级"),
    ("priority", "优先级"),
    ("category", "类别"),
    ("department", "部门"),
    ("assignee", "处理人"),
    ("timer", "时限"),
    ("run", "轮次"),
    ("target", "目标"),
    ("basis", "依据"),
    ("started", "开始时间"),
    ("due", "到期时间"),
    ("stopped", "结束时间"),
    ("outcome", "结果"),
    ("decided", "计入时间"),
    ("remaining_minutes", "剩余分钟"),
    ("remaining_unit", "计时方式"),
    ("notified", "已通知"),
];

/// One row per timer run of each ticket, evaluated at `now`.
fn timer_rows(all: &[Ticket], policy: &Policy, tz: chrono_tz::Tz, now: DateTime<Utc>) -> Rows {
    let mut columns = TIMER_TICKET_COLUMNS.to_vec();
    columns.extend(view::RUN_COLUMNS);
    let mut rows = Rows::new(columns);
    for t in all {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        for run in policy.evaluate(t, now) {
            let mut row = vec![
                t.id.clone(),
                t.grade.map(|g| g.to_string()).unwrap_or_default(),
                t.priority.map(|p| p.to_string()).unwrap_or_default(),
                s(&t.category),
                s(&t.department),
                s(&t.assignee),
            ];
            row.extend(view::cells(&run, tz, false));
            rows.push(row);
        }
    }
    rows
}

/// `export reports`' columns (`report list --format csv`) in Chinese (`--lang zh`).
const REPORT_ZH: [(&str, &str); 23] = [
    ("id", "服务单号"),
    ("engineer", "工程师"),
    ("customer", "客户"),
    ("ticket", "工单号"),
    ("service_type", "服务类型"),
    ("location", "地点"),
    ("departed", "出发时间"),
    ("arrived", "到达时间"),
    ("left", "离开时间"),
    ("returned", "返回时间"),
    ("hours_on_site", "现场工时"),
    ("travel", "交通"),
    ("work_done", "工作内容"),
    ("problems", "发现问题"),
    ("escalated", "24小时内上报"),
    ("escalated_to", "上报对象"),
    ("parts", "备件"),
    ("cost", "费用"),
    ("signed_by", "客户签字"),
    ("outcome", "处理结果"),
    ("satisfaction", "满意度"),
    ("created", "填写时间"),
    ("created_by", "填写人"),
];

/// `export events`' columns (ticket, seq, at, by, action, then [`EVENT_FIELDS`]) in
/// Chinese (`--lang zh`).
const EVENT_ZH: [(&str, &str); 45] = [
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
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportWhat {
    /// A customer sheet (客户档案).
    Customers,
    /// A ticket sheet with the columns of `export tickets` (English or Chinese headers);
    /// each row's history is rebuilt so that it replays to exactly the row.
    Tickets,
}

pub const IMPORT_HELP: &str = "\
Examples:
  svcdesk import customers legacy.csv --dry-run      # check everything, write nothing
  svcdesk import customers legacy.csv
  svcdesk import customers legacy.csv --skip-bad     # import the good rows, list the rest

The file is CSV, UTF-8 (a BOM, as Excel writes, is fine), with a header row naming its
columns, in any order: name,contact,phone,email,industry,source,address,tags,notes.
Only name is required; tags are separated by ';'. Chinese headers of the paper form are
understood too: the names `export customers --lang zh` writes (客户编号,客户名称,联系人,
联系电话,邮箱,所属行业,客户来源,推荐人,标签,登记时间,沟通记录数,地址,备注) and
名称,电话,手机,电子邮件,行业,来源,编号. --map 'HEADER=FIELD' (repeatable) reads any
other header as one of the fields (name,contact,phone,email,industry,source,address,
tags,notes,id,referred_by,created,log_entries), e.g. --map '单位名称=name' --map
'手机=phone'; a FIELD not in that list, or a HEADER the file does not have, is an error.
A column that is none of these is an error naming it.

A file from `svcdesk export customers` imports as it is: its id column keeps the IDs
(so tickets naming them still find them), created keeps the registration time,
referred_by must name a customer of the desk or of the file, and log_entries is only
counted (the communication log is not in CSV). A cell that --excel quoted ('=...) is
read without the quote.

Every row is checked (a name; a phone has digits; an e-mail has a domain; IDs and times
readable) and every problem is reported as FILE:LINE (the line the row starts on; the
header is line 1). If any row is bad, nothing is written, unless --skip-bad: then the
good rows are added and the bad ones listed. A row with the same name or phone as an
existing customer or an earlier row is a duplicate: reported and skipped, unless
--force (never when its ID exists). The IDs added are printed on stdout, one a line;
the summary goes to stderr.

import tickets reads the columns `export tickets` writes (English or --lang zh headers;
customer, category and opened are required) and rebuilds each row's history: open and
routing at `opened`, accept/respond/resolve/close at their times, and the steps the row
implies (diagnosis, plan, compensation, one resolve+reopen pair per `reopened`, waiting)
as events marked \"imported\". A row no history can give (closed but never resolved, a
customer the desk lacks, times out of order) is bad, named by FILE:LINE. So a desk's
export, imported into a new desk with the same config and customers, exports again
byte for byte:
  svcdesk -C old export tickets -o t.csv && svcdesk -C new import tickets t.csv

All or nothing: an import (customers or tickets) adds every good row or none. The new
files are written to .svcdesk/import-<run>/ and made durable; then a journal listing
where each goes is sealed, and only then are they moved into place, all under the desk
lock. If the import is killed or the machine stops midway, the next svcdesk command
(any command, `svcdesk check` included) finishes it: with the journal sealed it moves
the rest into place (roll forward, the whole import added), without it it deletes the
staging folder (roll back, nothing added). Either way it says so on stderr. Should a
record have appeared meanwhile where the import was to put one (written by something
that ignores the lock, e.g. a git pull), that file is never overwritten: the import's
copy is kept in .svcdesk/conflict-import-<run>/ and the command says so.";

#[derive(clap::Args)]
pub struct ImportArgs {
    #[arg(value_enum)]
    what: ImportWhat,
    /// The CSV file ("-" for standard input).
    file: PathBuf,
    /// Check every row and report what would be added; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Add rows that look like an existing customer or an earlier row.
    #[arg(long)]
    force: bool,
    /// Add the good rows even if some are bad (the bad ones are listed).
    #[arg(long)]
    skip_bad: bool,
    /// Read the file's column HEADER as FIELD (repeatable), for sheets with other
    /// headers: --map '单位名称=name' --map '手机=phone'.
    #[arg(long, value_name = "HEADER=FIELD")]
    map: Vec<String>,
}

/// Ticket fields `ticket list` leaves out, appended by `export tickets`.
const TICKET_EXTRA: [&str; 12] = [
    "voucher",
    "purchase_date",
    "submitter",
    "transferred_by",
    "links",
    "attachments",
    "cause",
    "responsibility",
    "plan",
    "resolution",
    "compensation_kind",
    "description",
];

/// Every key an event may carry, in its struct's order (`ticket` as `link_ticket`), then
/// those added later (at the end, so scripts that count columns keep working).
const EVENT_FIELDS: [&str; 40] = [
    "title",
    "customer",
    "contact",
    "channel",
    "category",
    "complaint_kind",
    "product",
    "serial",
    "purchase_date",
    "voucher",
    "submitter",
    "transferred_by",
    "priority",
    "tags",
    "attachments",
    "description",
    "grade",
    "department",
    "assignee",
    "reason",
    "text",
    "visibility",
    "cause",
    "responsibility",
    "need",
    "due",
    "request",
    "parts",
    "on_call",
    "efficiency",
    "attitude",
    "result",
    "satisfaction",
    "link",
    "link_ticket",
    "amount",
    "currency",
    "comp_kind",
    "timer",
    "entered_by",
];

fn ticket_rows(all: &[Ticket]) -> Rows {
    let base = super::ticket::list_rows(all);
    let mut columns = base.columns.clone();
    columns.extend(TICKET_EXTRA);
    let mut rows = Rows::new(columns);
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    for (t, mut row) in all.iter().zip(base.rows) {
        row.extend([
            s(&t.voucher),
            t.purchase_date.map(|d| d.to_string()).unwrap_or_default(),
            s(&t.submitter),
            s(&t.transferred_by),
            t.links.join(";"),
            t.attachments.join(";"),
            s(&t.cause),
            s(&t.responsibility),
            s(&t.plan),
            s(&t.resolution),
            t.compensation_kind
                .map(|k| k.to_string())
                .unwrap_or_default(),
            t.description.clone(),
        ]);
        rows.push(row);
    }
    rows
}

/// A JSON value as a cell: strings as they are, lists joined with ';'.
fn cell(v: Option<&serde_json::Value>) -> String {
    use serde_json::Value;
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| cell(Some(x)))
            .collect::<Vec<_>>()
            .join(";"),
        Some(other) => other.to_string(),
    }
}

fn event_rows(all: &[Ticket]) -> Rows {
    let mut columns = vec!["ticket", "seq", "at", "by", "action"];
    columns.extend(EVENT_FIELDS);
    let mut rows = Rows::new(columns);
    for t in all {
        for (i, e) in t.event.iter().enumerate() {
            let v = serde_json::to_value(e).expect("events serialize");
            let mut row = vec![
                t.id.clone(),
                (i + 1).to_string(),
                e.at.to_rfc3339(),
                e.by.clone(),
                e.action.map(|a| a.to_string()).unwrap_or_default(),
            ];
            row.extend(EVENT_FIELDS.iter().map(|k| {
                let key = if *k == "link_ticket" { "ticket" } else { k };
                cell(v.get(key))
            }));
            rows.push(row);
        }
    }
    rows
}

/// Tickets or events as CSV, written a chunk of tickets at a time: a 100k-ticket desk
/// exports in the memory of a few thousand tickets. The header (and BOM) come once, first.
fn stream_csv(cx: &mut Context, desk: &svcdesk::desk::Desk, a: &ExportArgs) -> Result<()> {
    use std::io::Write;
    let mut file = match &a.output {
        Some(path) => Some(store::AtomicFile::create(&cx.cwd.join(path))?),
        None => None,
    };
    let policy = super::sla::policy(desk)?;
    let now = cx.time(desk, None)?;
    let rows_of = |chunk: &[Ticket]| match a.what {
        What::Tickets => ticket_rows(chunk),
        What::Timers => timer_rows(chunk, &policy, desk.tz(), now),
        _ => event_rows(chunk),
    };
    let mut emit = |cx: &mut Context, text: &str| -> Result<()> {
        match file.as_mut() {
            Some(f) => f
                .write_all(text.as_bytes())
                .map_err(|e| svcdesk::Error::io("export file", e)),
            None => cx.print(text),
        }
    };
    // The header alone, from an empty table; then each chunk without its header.
    let header = a.csv(&rows_of(&[]));
    emit(cx, &header)?;
    let mut count = 0;
    let bad = ticket_store::for_each_chunk_or_skip(desk, 4096, a.skip_bad, |chunk| {
        let rows = rows_of(&chunk);
        count += rows.rows.len();
        let text = a.csv(&rows);
        // Drop what the header pass wrote already: the BOM and the header line.
        let body = text
            .trim_start_matches('\u{feff}')
            .split_once('\n')
            .map_or("", |(_, b)| b);
        emit(cx, body)
    })
    .map_err(super::offer_skip_bad)?;
    super::skipped(&bad);
    if let (Some(f), Some(path)) = (file, &a.output) {
        f.commit()?;
        let noun = a.what.noun();
        eprintln!("{count} {noun} written to {}", cx.cwd.join(path).display());
    }
    Ok(())
}

/// Every ticket; with `skip_bad`, those that cannot be read are named and left out.
fn load_tickets(desk: &svcdesk::desk::Desk, skip_bad: bool) -> Result<Vec<Ticket>> {
    let (all, bad) = ticket_store::load_where_or_skip(desk, skip_bad, |_| true)
        .map_err(super::offer_skip_bad)?;
    super::skipped(&bad);
    Ok(all)
}

pub fn export(cx: &mut Context, a: ExportArgs) -> Result<u8> {
    let desk = cx.desk()?;
    let json = a.format == ExportFormat::Json;
    if !json && matches!(a.what, What::Tickets | What::Events | What::Timers) {
        stream_csv(cx, &desk, &a)?;
        return Ok(0);
    }
    let (text, count) = match a.what {
        What::Timers => {
            let policy = super::sla::policy(&desk)?;
            let now = cx.time(&desk, None)?;
            let mut runs = Vec::new();
            for t in load_tickets(&desk, a.skip_bad)? {
                for run in policy.evaluate(&t, now) {
                    let mut v = view::json(&run, desk.tz());
                    v["ticket"] = t.id.clone().into();
                    v["grade"] = t.grade.map(|g| g.to_string()).into();
                    v["priority"] = t.priority.map(|p| p.to_string()).into();
                    v["category"] = t.category.clone().into();
                    v["department"] = t.department.clone().into();
                    v["assignee"] = t.assignee.clone().into();
                    runs.push(v);
                }
            }
            (output::json(&runs), runs.len())
        }
        What::Tickets | What::Events => {
            let all = load_tickets(&desk, a.skip_bad)?;
            let n = all.len();
            match (a.what, json) {
                (What::Tickets, true) => (output::json(&all), n),
                (What::Tickets, false) => (a.csv(&ticket_rows(&all)), n),
                (_, true) => {
                    let events: Vec<serde_json::Value> = all
                        .iter()
                        .flat_map(|t| {
                            t.event.iter().enumerate().map(|(i, e)| {
                                let mut v = serde_json::to_value(e).expect("events serialize");
                                v["ticket_id"] = t.id.clone().into();
                                v["seq"] = (i + 1).into();
                                v
                            })
                        })
                        .collect();
                    let n = events.len();
                    (output::json(&events), n)
                }
                (_, false) => {
                    let rows = event_rows(&all);
                    let n = rows.rows.len();
                    (a.csv(&rows), n)
                }
            }
        }
        What::Customers => {
            let all = customer::load_all(&desk)?;
            let text = if json {
                output::json(&all)
            } else {
                let base = super::customer::list_rows(&all);
                let mut columns = base.columns.clone();
                columns.extend(["address", "notes"]);
                let mut rows = Rows::new(columns);
                for (c, mut row) in all.iter().zip(base.rows) {
                    row.push(c.address.clone().unwrap_or_default());
                    row.push(c.notes.clone().unwrap_or_default());
                    rows.push(row);
                }
                a.csv(&rows)
            };
            (text, all.len())
        }
        What::Reports => {
            let all = report::load_all(&desk)?;
            let text = if json {
                output::json(&all.iter().map(WithHours::from).collect::<Vec<_>>())
            } else {
                let mut rows = Rows::new(super::report::COLUMNS.to_vec());
                for r in &all {
                    rows.push(super::report::cells(r));
                }
                a.csv(&rows)
            };
            (text, all.len())
        }
    };
    match &a.output {
        Some(path) => {
            let path = cx.cwd.join(path);
            store::write_atomic(&path, text.as_bytes())?;
            let noun = a.what.noun();
            eprintln!("{count} {noun} written to {}", path.display());
        }
        None => cx.print(&text)?,
    }
    Ok(0)
}

/// `import tickets`: every row checked (its history rebuilt and replayed) before any is
/// written; rows whose ID the desk has are skipped.
fn import_tickets(
    cx: &mut Context,
    desk: &svcdesk::desk::Desk,
    a: &ImportArgs,
    label: &str,
    text: &str,
) -> Result<u8> {
    use svcdesk::ledger::import::tickets;
    if !a.map.is_empty() || a.force {
        return Err(Error::invalid(
            "--map and --force apply to `import customers` only",
        ));
    }
    let _lock = if a.dry_run { None } else { Some(desk.lock()?) };
    let customers: std::collections::HashSet<String> =
        desk.ids(Kind::Customer)?.into_iter().collect();
    let existing: std::collections::HashSet<String> = desk.ids(Kind::Ticket)?.into_iter().collect();
    let plan = tickets::plan(text, label, desk.tz(), &existing, &customers)?;
    for (line, message) in &plan.bad {
        eprintln!("error: {label}:{line}: {message}");
    }
    for (line, id) in &plan.existing {
        eprintln!("skipped: {label}:{line}: {id} is already in the desk");
    }
    let (adding, skipped) = (plan.tickets.len(), plan.existing.len());
    if !plan.bad.is_empty() && !a.skip_bad {
        eprintln!(
            "{}nothing written: {} bad row(s); fix them, or pass --skip-bad to add the {adding} good one(s)",
            if a.dry_run { "dry run: " } else { "" },
            plan.bad.len()
        );
        return Ok(EXIT_FAILURE);
    }
    if a.dry_run {
        eprintln!(
            "dry run: would add {adding} ticket(s), skip {skipped} already present; nothing written"
        );
        return Ok(0);
    }
    let mut out = String::new();
    for id in tickets::write(desk, &plan)? {
        out.push_str(&format!("{id}\n"));
    }
    cx.print(&out)?;
    eprintln!("added {adding} ticket(s), skipped {skipped} already present");
    Ok(0)
}

pub fn import(cx: &mut Context, a: ImportArgs) -> Result<u8> {
    let desk = cx.desk()?;
    if !a.dry_run {
        cx.wrote(&desk);
    }
    let by = cx.actor(&desk)?;
    let now = cx.time(&desk, None)?;
    let label = a.file.display().to_string();
    let bytes = if a.file.as_os_str() == "-" {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut b)
            .map_err(|e| Error::io("<stdin>", e))?;
        b
    } else {
        let path = cx.cwd.join(&a.file);
        std::fs::read(&path).map_err(|e| Error::io(&path, e))?
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::invalid_with_hint(
            format!(
                "{label}: not UTF-8 (byte {} is not); a sheet saved as GBK/ANSI?",
                e.utf8_error().valid_up_to()
            ),
            "in Excel save as \"CSV UTF-8\"; or convert: iconv -f GBK -t UTF-8 FILE > FILE.utf8.csv",
        )
    })?;
    if a.what == ImportWhat::Tickets {
        return import_tickets(cx, &desk, &a, &label, &text);
    }
    // Hold the lock from reading the customers to writing the new ones, so no customer
    // added meanwhile escapes the duplicate check.
    let _lock = if a.dry_run { None } else { Some(desk.lock()?) };
    let existing = customer::load_all(&desk)?;
    let map = a
        .map
        .iter()
        .map(|m| import::parse_map(m, &import::customer_fields()))
        .collect::<Result<Vec<_>>>()?;
    let plan = import::plan_customers_mapped(&text, &label, &existing, desk.tz(), a.force, &map)?;

    let bad: Vec<(u64, &str)> = plan.bad().collect();
    for (line, message) in &bad {
        eprintln!("error: {label}:{line}: {message}");
    }
    for d in plan.duplicates() {
        eprintln!(
            "skipped: {label}:{}: \"{}\" looks like {} (--force adds it anyway)",
            d.line,
            d.name(),
            d.duplicate_of.join(", ")
        );
    }
    for d in plan.to_add().filter(|d| !d.duplicate_of.is_empty()) {
        warn(&format!(
            "{label}:{}: \"{}\" added although it looks like {}",
            d.line,
            d.name(),
            d.duplicate_of.join(", ")
        ));
    }
    let adding = plan.to_add().count();
    let dups = plan.duplicates().count();
    if !bad.is_empty() && !a.skip_bad {
        eprintln!(
            "{}nothing written: {} bad row(s); fix them, or pass --skip-bad to add the {adding} good one(s)",
            if a.dry_run { "dry run: " } else { "" },
            bad.len()
        );
        return Ok(EXIT_FAILURE);
    }
    let logs: usize = plan.to_add().filter(|r| r.log_entries > 0).count();
    if logs > 0 {
        warn(&format!(
            "{logs} customer(s) have communication-log entries in the file's desk; CSV does \
             not carry the log (copy their files, or see `export customers --format json`)"
        ));
    }
    let skipped_bad = if bad.is_empty() {
        String::new()
    } else {
        format!(", {} bad row(s) skipped", bad.len())
    };
    if a.dry_run {
        eprintln!(
            "dry run: would add {adding} customer(s), skip {dups} duplicate(s){skipped_bad}; nothing written"
        );
        return Ok(0);
    }
    let added = import::write(&desk, &plan, &by, now)?;
    let mut out = String::new();
    for id in &added {
        out.push_str(&format!("{id}\n"));
    }
    cx.print(&out)?;
    eprintln!(
        "added {} customer(s), skipped {dups} duplicate(s){skipped_bad}",
        added.len()
    );
    Ok(0)
}
