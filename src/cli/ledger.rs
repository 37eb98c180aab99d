use clap::Subcommand;
use svcdesk::Result;
use svcdesk::config::fields::FieldRecord;
use svcdesk::i18n;
use svcdesk::ledger;
use svcdesk::ledger::columns::FieldColumns;
use svcdesk::model::report::hours_text;
use svcdesk::output::Rows;
use svcdesk::output::sheet;
use svcdesk::time::Month;

use super::output::Format;

use super::Context;
use crate::cli::values::{self, OnDay};

/// Ledgers (台账): one row per record of a month, as CSV for the spreadsheet.
#[derive(Subcommand)]
pub enum Command {
    /// 技术服务台账: the technical-service ledger, one row per field-service report.
    #[command(after_help = "Examples:
  svcdesk ledger service --month last > 技术服务台账-$(date -d 'last month' +%Y-%m).csv
  svcdesk ledger service --month 2026-11 --format table

A report belongs to the month of its arrival on site (or else of when it was written),
in the desk's time zone; rows are sorted by that time, then ID. --month last is the
month before today's: what a cron job on the 1st wants.

CSV columns: date,report,engineer,customer,customer_name,service_type,ticket,location,
arrived,left,hours_on_site,travel,work_done,problems,escalated,parts,cost,signed_by,
outcome,satisfaction,departed,returned,engineer_name,escalated_to
(date YYYY-MM-DD and departed/arrived/left/returned YYYY-MM-DD HH:MM in desk time: the
travel times are the report's --departed and --returned; hours_on_site and cost with two
decimals; escalated yes/no, escalated_to whom; satisfaction 1-5 or empty; engineer_name
is the engineer's name in [[staff]], empty when not listed).

--lang zh writes the header row with the form's own names: 日期,服务单号,工程师,客户,
客户名称,服务类型,工单号,地点,到达时间,离开时间,现场工时,交通,工作内容,发现问题,
24小时内上报,备件,费用,客户签字,处理结果,满意度,出发时间,返回时间,工程师姓名,上报对象
(the cells are the same).

--bom starts the file with a UTF-8 byte-order mark (so Excel reads Chinese), cells
unchanged. --excel is --bom, and non-numeric cells starting with = + - @ tab or CR get a
leading ' so they are never run as formulas (numbers such as -1.50 are left alone).
Without them the CSV is raw, for scripts.")]
    Service(ServiceArgs),
    /// 客户服务受理跟踪反馈表: the complaint/feedback register, one row per ticket.
    #[command(after_help = "Examples:
  svcdesk ledger tickets --month last --excel > 客户服务受理跟踪反馈表-$(date -d 'last month' +%Y-%m).csv
  svcdesk ledger tickets --month 2026-11 --format table

One row per ticket opened in the month, closed in it, or still open at its end (desk time
zone), sorted by opening time, then ID. Every cell shows the ticket as it stood at the
end of the month (its history replayed up to then), so a past month's register is the
same whenever it is made; SLA timers are evaluated at the month's end, or now for the
current month. --month last is the month before today's: what a cron job on the 1st
wants.

CSV columns: id,opened,customer,customer_name,channel,category,complaint_kind,grade,
priority,department,assignee,title,state_at_month_end,accepted,responded,resolved,closed,
hours_to_accept,working_hours_to_accept,hours_to_respond,working_hours_to_respond,
hours_to_resolve,working_hours_to_resolve,sla_<timer>...,compensation,
compensation_amount,compensation_currency,satisfaction,reopened,contact,phone,product,
serial,description,cause,cause_code,resolution,revisit_efficiency,revisit_attitude,
revisit_result,revisit_comment,lead,shipped,promised
- times YYYY-MM-DD HH:MM in desk time; empty when it had not happened by the month's end;
- hours_to_X = X - opened in hours, two decimals; working_hours_to_X counts only working
  time of the desk calendar ([calendar] in svcdesk.toml);
- one sla_<timer> column per timer of [sla.timers] (alphabetical; sla_accept,
  sla_archive, sla_compensation-plan, sla_diagnosis, sla_forward, sla_measures, sla_plan,
  sla_plan-told, sla_resolve, sla_respond, sla_revisit, sla_ship by default):
  the outcome of each run of the timer, in order and separated by `; ` (met, breached,
  missed, n/a, restarted, running, paused, at-risk; `breached; met` for a late
  resolution reopened and resolved in time), or empty when the timer does not apply;
- compensation: requested, reviewed, approved or rejected; compensation_amount a number
  with two decimals, its currency in compensation_currency; satisfaction 1-5 or empty;
  reopened: how many times;
- contact: the ticket's contact, else the customer's; phone: the customer's;
  description: the problem as opened; cause (原因分析) and cause_code (its [causes] code)
  from the diagnosis; resolution (处理措施/结果) from the last resolve;
  revisit_efficiency/_attitude/_result (1-5) and revisit_comment from the last revisit.
- lead: who heads a grade III case's special team (ticket lead); shipped: when the
  warehouse last shipped goods for it (ticket ship); promised (预计完成时间): the time
  of the promise still running at the month's end (ticket promise, --promise).

--lang zh writes the header row with the form's own names: 工单号,受理时间,客户,客户名称,
渠道,类别,投诉类型,等级,优先级,部门,处理人,标题,月末状态,接单时间,响应时间,解决时间,
结案时间,接单用时(小时),...,<timer>SLA (接单SLA, 响应SLA, ...),赔偿状态,赔偿金额,币种,
满意度,重开次数,联系人,联系电话,产品,序列号,问题描述,原因分析,故障分类,处理措施/结果,
回访效率评分,回访态度评分,回访结果评分,回访意见,专项负责人,发货,预计完成时间.

--bom: a UTF-8 BOM; --excel: the BOM and formula-safe cells, as for `ledger service`.")]
    Tickets(TicketsArgs),
}

#[derive(clap::Args)]
pub struct ServiceArgs {
    /// The month: 2026-11, this or last (desk time zone).
    #[arg(long, value_name = "MONTH", value_parser = values::month())]
    month: OnDay<Month>,
    /// Ledgers feed spreadsheets, so CSV is the default.
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
    #[command(flatten)]
    csv: super::output::CsvArgs,
}

#[derive(clap::Args)]
pub struct TicketsArgs {
    /// The month: 2026-11, this or last (desk time zone).
    #[arg(long, value_name = "MONTH", value_parser = values::month())]
    month: OnDay<Month>,
    /// Ledgers feed spreadsheets, so CSV is the default.
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
    #[command(flatten)]
    csv: super::output::CsvArgs,
}

pub fn exec(cx: &mut Context, cmd: Command) -> Result<u8> {
    let desk = cx.desk()?;
    let people = super::people::People::new(cx.lang(&desk), &desk);
    match cmd {
        Command::Service(a) => {
            let today = desk.local(cx.time(&desk, None)?).date_naive();
            let month = a.month.on(today, desk.tz())?;
            let l = ledger::service_of(&desk, month)?;
            let text = match a.format {
                Format::Csv => sheet::write(
                    &l.rows,
                    a.csv.opts(cx.script_lang()),
                    &zh(&desk, &sheet::zh::SERVICE, FieldRecord::Report),
                ),
                Format::Json => l.rows.to_json(),
                Format::Table => {
                    let mut s = format!("技术服务台账 {month}\n");
                    if l.visits > 0 {
                        s.push_str(
                            &people
                                .table(select(
                                    &l.rows,
                                    &[
                                        "date",
                                        "report",
                                        "engineer",
                                        "customer_name",
                                        "service_type",
                                        "ticket",
                                        "hours_on_site",
                                        "outcome",
                                        "satisfaction",
                                    ],
                                ))
                                .to_table(cx.width()),
                        );
                    }
                    let (n, h) = (l.visits.to_string(), hours_text(l.on_site_hundredths));
                    let args = [("n", n.as_str()), ("hours", h.as_str())];
                    s.push_str(&i18n::tr_args(people.lang, "ledger-service-total", &args));
                    s.push('\n');
                    s
                }
            };
            cx.print(&text)?;
        }
        Command::Tickets(a) => {
            let now = cx.time(&desk, None)?;
            let month = a.month.on(desk.local(now).date_naive(), desk.tz())?;
            let l = ledger::tickets_of(&desk, month, now)?;
            let text = match a.format {
                Format::Csv => {
                    // A few rows at a time: the whole text of a big month is many times
                    // its packed rows.
                    let opts = a.csv.opts(cx.script_lang());
                    let zh = zh(&desk, &sheet::zh::TICKETS, FieldRecord::Ticket);
                    cx.print(&sheet::write(&l.rows.head, opts, &zh))?;
                    let n = l.rows.len();
                    for start in (0..n).step_by(1024) {
                        let part = l.rows.unpack(start..n.min(start + 1024));
                        cx.print(&super::export::csv_rows(&part, opts.neutralise))?;
                    }
                    return Ok(0);
                }
                Format::Json => l.rows.to_rows().to_json(),
                Format::Table => {
                    let mut s = format!("客户服务受理跟踪反馈表 {month}\n");
                    if !l.rows.is_empty() {
                        s.push_str(
                            &people
                                .table(select(
                                    &l.rows.to_rows(),
                                    &[
                                        "id",
                                        "opened",
                                        "customer_name",
                                        "category",
                                        "grade",
                                        "assignee",
                                        "state_at_month_end",
                                        "hours_to_respond",
                                        "hours_to_resolve",
                                        "sla_respond",
                                        "sla_resolve",
                                        "satisfaction",
                                    ],
                                ))
                                .to_table(cx.width()),
                        );
                    }
                    let counts =
                        [l.rows.len(), l.opened, l.closed, l.open_at_end].map(|n| n.to_string());
                    let args = [
                        ("n", &counts[0]),
                        ("opened", &counts[1]),
                        ("closed", &counts[2]),
                        ("open", &counts[3]),
                    ]
                    .map(|(k, v)| (k, v.as_str()));
                    s.push_str(&i18n::tr_args(people.lang, "ledger-tickets-total", &args));
                    s.push('\n');
                    s
                }
            };
            cx.print(&text)?;
        }
    }
    Ok(0)
}

/// A ledger's Chinese headers, with its custom-field columns' labels at the end.
fn zh(
    desk: &svcdesk::desk::Desk,
    fixed: &[(&'static str, &'static str)],
    r: FieldRecord,
) -> Vec<(&'static str, &'static str)> {
    let mut zh = fixed.to_vec();
    zh.extend(FieldColumns::of(&desk.config.fields, r).zh());
    zh
}

/// The named columns of `rows`, in the order given: a terminal cannot show all twenty.
fn select(rows: &Rows, columns: &[&'static str]) -> Rows {
    rows.select(columns)
}
