//! `svcdesk export`: which rows and which fields each kind of export has, as CSV rows
//! and as JSON values. Pure: the records come in, rows come out; the CLI reads the desk
//! and writes the file.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use super::columns::{self, Column};
use crate::config::policy::Policy;
use crate::model::customer::Customer;
use crate::model::report::{Report, WithHours};
use crate::model::ticket::Ticket;
use crate::output::Rows;
use crate::sla::view;

/// What `svcdesk export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Tickets,
    Events,
    Customers,
    Reports,
    Timers,
}

impl Kind {
    /// The word for what was written, in messages.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Tickets => "tickets",
            Kind::Events => "events",
            Kind::Customers => "customers",
            Kind::Reports => "reports",
            Kind::Timers => "timer runs",
        }
    }

    /// Whether the rows come from tickets alone, so a large desk can be written a chunk
    /// of tickets at a time.
    pub fn of_tickets(self) -> bool {
        matches!(self, Kind::Tickets | Kind::Events | Kind::Timers)
    }

    /// The header's Chinese names (`--lang zh`).
    pub fn zh(self) -> Vec<(&'static str, &'static str)> {
        match self {
            Kind::Tickets => columns::zh(&columns::TICKET),
            Kind::Customers => columns::zh(&columns::CUSTOMER),
            Kind::Reports => columns::zh(&columns::REPORT),
            Kind::Events => columns::EVENT_ZH.to_vec(),
            Kind::Timers => {
                let mut zh = columns::zh(&TIMER_TICKET);
                zh.extend(RUN_ZH);
                zh
            }
        }
    }
}

/// What a row of tickets needs besides the tickets: timers are evaluated at `now`.
pub struct At<'a> {
    pub policy: &'a Policy,
    pub tz: Tz,
    pub now: DateTime<Utc>,
}

/// The CSV rows of a ticket-based export ([`Kind::of_tickets`]) of `all`.
pub fn ticket_rows(kind: Kind, all: &[Ticket], at: &At) -> Rows {
    match kind {
        Kind::Events => columns::event_rows(all),
        Kind::Timers => timer_rows(all, at),
        _ => columns::rows(&columns::TICKET, all),
    }
}

pub fn customer_rows(all: &[Customer]) -> Rows {
    columns::rows(&columns::CUSTOMER, all)
}

pub fn report_rows(all: &[Report]) -> Rows {
    columns::rows(&columns::REPORT, all)
}

/// `export timers`' columns about the ticket; [`view::RUN_COLUMNS`] follow.
#[rustfmt::skip]
const TIMER_TICKET: [Column<Ticket>; 6] = [
    Column { name: "ticket", zh: "工单号", cell: |t| t.id.clone() },
    Column { name: "grade", zh: "等级", cell: |t| t.grade.map(|g| g.to_string()).unwrap_or_default() },
    Column { name: "priority", zh: "优先级", cell: |t| t.priority.map(|p| p.to_string()).unwrap_or_default() },
    Column { name: "category", zh: "类别", cell: |t| t.category.clone().unwrap_or_default() },
    Column { name: "department", zh: "部门", cell: |t| t.department.clone().unwrap_or_default() },
    Column { name: "assignee", zh: "处理人", cell: |t| t.assignee.clone().unwrap_or_default() },
];

/// [`view::RUN_COLUMNS`] in Chinese.
const RUN_ZH: [(&str, &str); 12] = [
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

/// Every column of `export timers`.
pub fn timer_columns() -> Vec<&'static str> {
    let mut names = columns::names(&TIMER_TICKET);
    names.extend(view::RUN_COLUMNS);
    names
}

/// One row per timer run of each ticket, evaluated at `at.now`.
fn timer_rows(all: &[Ticket], at: &At) -> Rows {
    let mut rows = Rows::new(timer_columns());
    for t in all {
        for run in at.policy.evaluate(t, at.now) {
            let mut row: Vec<String> = TIMER_TICKET.iter().map(|c| (c.cell)(t)).collect();
            row.extend(view::cells(&run, at.tz, false));
            rows.push(row);
        }
    }
    rows
}

/// `export timers --format json`: each run with its ticket's fields.
pub fn timer_json(all: &[Ticket], at: &At) -> Vec<Value> {
    let mut runs = Vec::new();
    for t in all {
        for run in at.policy.evaluate(t, at.now) {
            let mut v = view::json(&run, at.tz);
            v["ticket"] = t.id.clone().into();
            v["grade"] = t.grade.map(|g| g.to_string()).into();
            v["priority"] = t.priority.map(|p| p.to_string()).into();
            v["category"] = t.category.clone().into();
            v["department"] = t.department.clone().into();
            v["assignee"] = t.assignee.clone().into();
            runs.push(v);
        }
    }
    runs
}

/// `export events --format json`: each event as stored, with `ticket_id` and `seq`.
pub fn event_json(all: &[Ticket]) -> Vec<Value> {
    all.iter()
        .flat_map(|t| {
            t.event.iter().enumerate().map(|(i, e)| {
                let mut v = serde_json::to_value(e).expect("events serialize");
                v["ticket_id"] = t.id.clone().into();
                v["seq"] = (i + 1).into();
                v
            })
        })
        .collect()
}

/// `export reports --format json`: each report with its hours on site.
pub fn report_json(all: &[Report]) -> Vec<WithHours<'_>> {
    all.iter().map(WithHours::from).collect()
}

/// How wide the column lists of the help texts run (the width they always had).
pub const HELP_WIDTH: usize = 89;

/// A listing's `--help` paragraph naming its CSV columns (`ticket list`'s is
/// `csv_columns_help(&TICKET[..TICKET_LIST])`).
pub fn csv_columns_help<T>(columns: &[Column<T>]) -> String {
    columns::wrapped("CSV columns: ", &columns::names(columns), "", HELP_WIDTH)
}

/// `ticket list --help`'s column paragraph.
pub fn ticket_list_help() -> String {
    let names: Vec<&str> = columns::ticket_list().iter().map(|c| c.name).collect();
    columns::wrapped("CSV columns: ", &names, "", HELP_WIDTH)
}

/// [`csv_columns_help`] for a selection of columns (e.g. [`columns::customer_list`]).
pub fn csv_names_help(names: &[&'static str]) -> String {
    columns::wrapped("CSV columns: ", names, "", HELP_WIDTH)
}

/// `export --help`'s column paragraph, from the column tables.
pub fn columns_help() -> String {
    let indent = " ".repeat(13);
    let events = columns::event_columns();
    let (head, fields) = events.split_at(columns::EVENT_HEAD.len());
    [
        "CSV columns:".to_string(),
        columns::wrapped(
            "  tickets    the columns of `ticket list --format csv` but its last, then ",
            &columns::names(&columns::TICKET[columns::TICKET_LIST..]),
            &indent,
            HELP_WIDTH,
        ),
        columns::wrapped(
            "  customers  the columns of `customer list --format csv` to log_entries, then ",
            &columns::names(&columns::CUSTOMER[columns::CUSTOMER_LIST..]),
            &indent,
            HELP_WIDTH,
        ),
        "  reports    the columns of `report list --format csv`".to_string(),
        columns::wrapped(
            &format!(
                "  events     {}, then every field an event may carry: ",
                head.join(",")
            ),
            fields,
            &indent,
            HELP_WIDTH,
        ),
        format!("{indent}(entered_by: who typed an event entered with --as on `by`'s behalf;"),
        format!("{indent}field, old, new: what a `set` corrected, or a `redact` removed)"),
        columns::wrapped("  timers     ", &timer_columns(), &indent, HELP_WIDTH),
    ]
    .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_lists_the_columns_as_it_always_did() {
        assert_eq!(
            csv_columns_help(&columns::TICKET[..columns::TICKET_LIST]),
            "CSV columns: id,state,grade,priority,category,complaint_kind,channel,department,assignee,
customer,contact,product,serial,opened,accepted,responded,resolved,closed,satisfaction,
reopened,compensation,compensation_amount,compensation_currency,tags,title"
        );
        assert!(ticket_list_help().ends_with(",tags,title,promised"));
        let help = columns_help();
        assert!(help.starts_with(
            "CSV columns:
  tickets    the columns of `ticket list --format csv` but its last, then voucher,
             purchase_date,submitter,transferred_by,links,attachments,cause,
             responsibility,plan,resolution,compensation_kind,description,cause_code,
             lead,shipped,promised
  customers  the columns of `customer list --format csv` to log_entries, then address,
             notes,remote,last_contact
  reports    the columns of `report list --format csv`
  events     ticket,seq,at,by,action, then every field an event may carry: title,"
        ));
        assert!(help.ends_with(
            "  timers     ticket,grade,priority,category,department,assignee,timer,run,target,basis,
             started,due,stopped,outcome,decided,remaining_minutes,remaining_unit,
             notified"
        ));
    }

    #[test]
    fn every_timer_column_has_a_chinese_name() {
        let zh = Kind::Timers.zh();
        for c in timer_columns() {
            assert!(zh.iter().any(|(k, _)| *k == c), "{c}");
        }
    }
}
