//! Ledgers (台账) and periodic sheets as pure functions: records in, `Rows` out. No I/O,
//! no printing, no clock: "this month" and "last week" are read against a date the
//! caller passes (the CLI's is SVCDESK_NOW or the clock, in the desk's time zone).
//!
//! - [`service`]: 技术服务台账, one row per field-service report of a month;
//! - [`tickets`]: 客户服务受理跟踪反馈表, one row per ticket of a month;
//! - [`weekly`]: an engineer's week;
//! - periods ([`crate::time::Period`]) and spreadsheet cells ([`crate::output::sheet`])
//!   are values below this module;
//! - [`import`]: a customer sheet checked row by row, then written ([`import::write`] is
//!   the one function here that touches the disk).

use std::collections::HashMap;

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Serialize;

use crate::model::report::{Report, cost_text, hours_text};
use crate::model::worklog::Entry;
use crate::output::Rows;

pub mod columns;
pub mod export;
pub mod import;
mod load;
pub mod packed;
pub mod spreadsheet;
mod tickets;

pub use load::{service_of, tickets_of};
pub use tickets::{
    Customers, Known, Line, Register, TICKET_COLUMNS, TICKET_TAIL, TicketLedger, tickets,
};

use crate::time::{Month, Period, Week};

// ---------------------------------------------------------------- 技术服务台账

/// The columns of `ledger service`, in order. Times are desk-local `YYYY-MM-DD HH:MM`
/// (what a spreadsheet reads as a date-time), hours and cost have two decimals,
/// `escalated` is yes/no.
pub const SERVICE_COLUMNS: [&str; 26] = [
    "date",
    "report",
    "engineer",
    "customer",
    "customer_name",
    "service_type",
    "ticket",
    "location",
    "arrived",
    "left",
    "hours_on_site",
    "travel",
    "work_done",
    "problems",
    "escalated",
    "parts",
    "cost",
    "signed_by",
    "outcome",
    "satisfaction",
    // Added later, so at the end: scripts count columns.
    "departed",
    "returned",
    "engineer_name",
    "escalated_to",
    // The site visit the report completed, and where its review stands.
    "visit",
    "review",
];

/// The columns of [`SERVICE_COLUMNS`] that hold numbers (JSON gives them as numbers).
/// `cost` is not among them: a report may hold it as the engineer wrote it.
pub const SERVICE_NUMERIC: [&str; 2] = ["hours_on_site", "satisfaction"];

/// The technical-service ledger of one month.
#[derive(Debug, Clone)]
pub struct ServiceLedger {
    pub month: Month,
    pub rows: Rows,
    pub visits: usize,
    /// Sum of the hours on site, in hundredths.
    pub on_site_hundredths: i64,
}

/// One row per field-service report whose visit (arrival, or else the report's creation)
/// falls in `month` in the desk's zone; sorted by that time, then ID. `staff_names` gives
/// the engineer's display name (`[[staff]] name`).
pub fn service(
    reports: &[Report],
    customer_names: &HashMap<String, String>,
    staff_names: &HashMap<String, String>,
    month: Month,
    tz: Tz,
) -> ServiceLedger {
    let mut chosen: Vec<&Report> = reports
        .iter()
        .filter(|r| month.contains(r.date(tz)))
        .collect();
    chosen.sort_by(|a, b| a.when().cmp(&b.when()).then_with(|| a.id.cmp(&b.id)));
    let mut rows = Rows::new(SERVICE_COLUMNS.to_vec()).numeric(&SERVICE_NUMERIC);
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let local = |t: Option<chrono::DateTime<chrono::FixedOffset>>| {
        t.map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default()
    };
    let mut total = 0;
    for r in &chosen {
        let hours = r.on_site_hundredths();
        total += hours.unwrap_or(0);
        rows.push(vec![
            r.date(tz).format("%Y-%m-%d").to_string(),
            r.id.clone(),
            r.engineer.clone(),
            r.customer.clone(),
            customer_names.get(&r.customer).cloned().unwrap_or_default(),
            r.service_type.to_string(),
            s(&r.ticket),
            s(&r.location),
            local(r.arrived),
            local(r.left),
            hours.map(hours_text).unwrap_or_default(),
            s(&r.travel),
            s(&r.work_done),
            s(&r.problems),
            if r.escalated { "yes" } else { "no" }.to_string(),
            s(&r.parts),
            r.cost.as_deref().map(cost_text).unwrap_or_default(),
            s(&r.signed_by),
            r.outcome.map(|o| o.to_string()).unwrap_or_default(),
            r.satisfaction.map(|n| n.to_string()).unwrap_or_default(),
            local(r.departed),
            local(r.returned),
            staff_names.get(&r.engineer).cloned().unwrap_or_default(),
            s(&r.escalated_to),
            s(&r.visit),
            r.state.to_string(),
        ]);
    }
    ServiceLedger {
        month,
        rows,
        visits: chosen.len(),
        on_site_hundredths: total,
    }
}

// ---------------------------------------------------------------- weekly report

/// The columns of `report weekly`: `kind` is `log` (a work-log entry) or `report` (a
/// field visit, hours on site); CSV adds a last row of kind `total`.
pub const WEEKLY_COLUMNS: [&str; 7] = [
    "date", "kind", "report", "ticket", "customer", "hours", "text",
];

#[derive(Debug, Clone, Serialize)]
pub struct WeeklyItem {
    pub date: NaiveDate,
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// Customer name (or ID when the name is unknown); field visits only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// Hundredths of an hour.
    #[serde(skip)]
    pub hundredths: Option<i64>,
    pub text: String,
}

/// One engineer's week: work-log entries and field visits, with totals.
#[derive(Debug, Clone)]
pub struct Weekly {
    pub engineer: String,
    pub week: Week,
    pub items: Vec<WeeklyItem>,
    pub log_hundredths: i64,
    pub on_site_hundredths: i64,
}

impl Weekly {
    pub fn total_hundredths(&self) -> i64 {
        self.log_hundredths + self.on_site_hundredths
    }

    /// The items as rows; with `total`, a last row of kind `total`.
    pub fn rows(&self, total: bool) -> Rows {
        let mut rows = Rows::new(WEEKLY_COLUMNS.to_vec());
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        for i in &self.items {
            rows.push(vec![
                i.date.to_string(),
                i.kind.to_string(),
                s(&i.report),
                s(&i.ticket),
                s(&i.customer),
                i.hundredths.map(hours_text).unwrap_or_default(),
                i.text.clone(),
            ]);
        }
        if total {
            rows.push(vec![
                String::new(),
                "total".into(),
                String::new(),
                String::new(),
                String::new(),
                hours_text(self.total_hundredths()),
                format!(
                    "work log {} h + on site {} h",
                    hours_text(self.log_hundredths),
                    hours_text(self.on_site_hundredths)
                ),
            ]);
        }
        rows
    }

    pub fn to_json(&self) -> serde_json::Value {
        let h = |n: i64| serde_json::json!(n as f64 / 100.0);
        let items: Vec<serde_json::Value> = self
            .items
            .iter()
            .map(|i| {
                let mut v = serde_json::to_value(i).expect("items serialize");
                v["hours"] = i.hundredths.map_or(serde_json::Value::Null, h);
                v
            })
            .collect();
        serde_json::json!({
            "engineer": self.engineer,
            "week": self.week.to_string(),
            "from": self.week.monday().to_string(),
            "to": self.week.sunday().to_string(),
            "entries": items,
            "log_hours": h(self.log_hundredths),
            "on_site_hours": h(self.on_site_hundredths),
            "total_hours": h(self.total_hundredths()),
        })
    }
}

/// The week's work-log entries and the engineer's field visits (by visit date in the
/// desk zone), in date order; on a day, visits (by time) come before log entries (in
/// the order written).
pub fn weekly(
    engineer: &str,
    week: Week,
    log: &[Entry],
    reports: &[Report],
    customer_names: &HashMap<String, String>,
    tz: Tz,
) -> Weekly {
    let mut visits: Vec<&Report> = reports
        .iter()
        .filter(|r| r.engineer == engineer && week.contains(r.date(tz)))
        .collect();
    visits.sort_by(|a, b| a.when().cmp(&b.when()).then_with(|| a.id.cmp(&b.id)));
    let mut items: Vec<WeeklyItem> = visits
        .iter()
        .map(|r| WeeklyItem {
            date: r.date(tz),
            kind: "report",
            report: Some(r.id.clone()),
            ticket: r.ticket.clone(),
            customer: Some(
                customer_names
                    .get(&r.customer)
                    .cloned()
                    .unwrap_or_else(|| r.customer.clone()),
            ),
            hundredths: r.on_site_hundredths(),
            text: match (&r.work_done, &r.location) {
                (Some(w), _) => format!("{}: {w}", r.service_type),
                (None, Some(l)) => format!("{} at {l}", r.service_type),
                (None, None) => r.service_type.to_string(),
            },
        })
        .collect();
    items.extend(
        log.iter()
            .filter(|e| week.contains(e.date))
            .map(|e| WeeklyItem {
                date: e.date,
                kind: "log",
                report: None,
                ticket: e.ticket.clone(),
                customer: None,
                hundredths: e.hours.map(|_| e.hundredths()),
                text: e.text.clone(),
            }),
    );
    // Stable: keeps visits before log entries on the same day, each in its own order.
    items.sort_by_key(|i| i.date);
    let sum = |kind: &str| -> i64 {
        items
            .iter()
            .filter(|i| i.kind == kind)
            .filter_map(|i| i.hundredths)
            .sum()
    };
    Weekly {
        engineer: engineer.to_string(),
        week,
        log_hundredths: sum("log"),
        on_site_hundredths: sum("report"),
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::report::{Outcome, ServiceType};
    use chrono::{DateTime, FixedOffset};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn tz() -> Tz {
        "Asia/Shanghai".parse().unwrap()
    }

    fn report(id: &str, engineer: &str, arrived: Option<&str>, left: Option<&str>) -> Report {
        Report {
            schema: 1,
            id: id.into(),
            engineer: engineer.into(),
            customer: "C20261102-5QHJP3".into(),
            ticket: None,
            visit: None,
            service_type: ServiceType::ProblemHandling,
            location: None,
            departed: None,
            arrived: arrived.map(at),
            left: left.map(at),
            returned: None,
            travel: None,
            work_done: None,
            problems: None,
            escalated: false,
            escalated_to: None,
            parts: None,
            cost: None,
            signed_by: None,
            outcome: None,
            satisfaction: None,
            created: at("2026-11-30T20:00:00+08:00"),
            created_by: engineer.into(),
            state: Default::default(),
            submitted: None,
            submitted_by: None,
            reviewed: None,
            reviewed_by: None,
            review_note: None,
            redaction: Vec::new(),
            files: Vec::new(),
            fields: Default::default(),
        }
    }

    #[test]
    fn service_ledger_picks_the_month_in_desk_time_and_sorts() {
        let mut late = report(
            "R20261130-BBBBBB",
            "wang",
            // 23:30 on Nov 30 in Shanghai is still November, though 15:30 UTC.
            Some("2026-11-30T23:30:00+08:00"),
            Some("2026-12-01T01:00:00+08:00"),
        );
        late.cost = Some("350".into());
        late.escalated = true;
        late.outcome = Some(Outcome::FollowUp);
        late.satisfaction = Some(4);
        late.departed = Some(at("2026-11-30T22:00:00+08:00"));
        late.returned = Some(at("2026-12-01T02:15:00+08:00"));
        late.escalated_to = Some("质量部 李经理".into());
        let early = report(
            "R20261124-AAAAAA",
            "zhou",
            Some("2026-11-24T09:30:00+08:00"),
            Some("2026-11-24T12:10:00+08:00"),
        );
        // Written in November but the visit was on Dec 1 (UTC Nov 30): December.
        let december = report(
            "R20261130-CCCCCC",
            "wang",
            Some("2026-12-01T07:00:00+08:00"),
            None,
        );
        // No arrival: placed by creation (Nov 30).
        let no_arrival = report("R20261130-DDDDDD", "wang", None, None);
        let names = HashMap::from([("C20261102-5QHJP3".to_string(), "华东机械".to_string())]);
        let all = [late, december, early, no_arrival];
        let staff = HashMap::from([("wang".to_string(), "王工".to_string())]);
        let l = service(
            &all,
            &names,
            &staff,
            Month::parse("2026-11", d("2026-12-02")).unwrap(),
            tz(),
        );
        let ids: Vec<&str> = l.rows.rows.iter().map(|r| r[1].as_str()).collect();
        assert_eq!(
            ids,
            ["R20261124-AAAAAA", "R20261130-DDDDDD", "R20261130-BBBBBB"]
        );
        assert_eq!(l.visits, 3);
        assert_eq!(l.on_site_hundredths, 267 + 150);
        assert_eq!(l.rows.columns, SERVICE_COLUMNS);
        let row = &l.rows.rows[2];
        let cell = |c: &str| row[SERVICE_COLUMNS.iter().position(|x| *x == c).unwrap()].as_str();
        assert_eq!(cell("date"), "2026-11-30");
        assert_eq!(cell("customer_name"), "华东机械");
        assert_eq!(cell("arrived"), "2026-11-30 23:30");
        assert_eq!(cell("left"), "2026-12-01 01:00");
        assert_eq!(cell("hours_on_site"), "1.50");
        assert_eq!(cell("escalated"), "yes");
        assert_eq!(cell("cost"), "350.00");
        assert_eq!(cell("outcome"), "follow-up");
        assert_eq!(cell("satisfaction"), "4");
        assert_eq!(cell("ticket"), "");
        assert_eq!(cell("departed"), "2026-11-30 22:00");
        assert_eq!(cell("returned"), "2026-12-01 02:15");
        assert_eq!(cell("engineer_name"), "王工");
        assert_eq!(cell("escalated_to"), "质量部 李经理");
        assert_eq!(
            l.rows.rows[0][SERVICE_COLUMNS.len() - 4],
            "",
            "zhou is not on the list"
        );
        let none = &l.rows.rows[1];
        assert_eq!(none[0], "2026-11-30");
        assert_eq!(none[10], "", "no hours without arrival and departure");
        assert_eq!(none[14], "no");
    }

    #[test]
    fn weekly_sums_log_and_visits_of_one_engineer() {
        let visit = report(
            "R20261124-AAAAAA",
            "wang",
            Some("2026-11-24T09:30:00+08:00"),
            Some("2026-11-24T12:00:00+08:00"),
        );
        let other = report(
            "R20261124-BBBBBB",
            "zhou",
            Some("2026-11-24T09:30:00+08:00"),
            Some("2026-11-24T17:00:00+08:00"),
        );
        let last_week = report(
            "R20261120-CCCCCC",
            "wang",
            Some("2026-11-20T09:30:00+08:00"),
            Some("2026-11-20T17:00:00+08:00"),
        );
        let entry = |date: &str, hours: Option<f64>, text: &str| Entry {
            date: d(date),
            hours,
            ticket: None,
            text: text.into(),
            at: at("2026-11-27T18:00:00+08:00"),
            by: "wang".into(),
        };
        let log = [
            entry("2026-11-24", Some(1.5), "wrote the visit up"),
            entry("2026-11-23", Some(3.0), "remote support"),
            entry("2026-11-22", Some(8.0), "last week"),
            entry("2026-11-29", None, "on call, nothing happened"),
        ];
        let w = weekly(
            "wang",
            Week::parse("2026-W48", d("2026-11-24")).unwrap(),
            &log,
            &[visit, other, last_week],
            &HashMap::new(),
            tz(),
        );
        let kinds: Vec<(String, &str)> = w
            .items
            .iter()
            .map(|i| (i.date.to_string(), i.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("2026-11-23".to_string(), "log"),
                ("2026-11-24".to_string(), "report"),
                ("2026-11-24".to_string(), "log"),
                ("2026-11-29".to_string(), "log"),
            ]
        );
        assert_eq!(w.log_hundredths, 450);
        assert_eq!(w.on_site_hundredths, 250);
        assert_eq!(w.total_hundredths(), 700);
        let rows = w.rows(true);
        let last = rows.rows.last().unwrap();
        assert_eq!(last[1], "total");
        assert_eq!(last[5], "7.00");
        assert_eq!(rows.rows[1][4], "C20261102-5QHJP3", "unknown name: the ID");
        let j = w.to_json();
        assert_eq!(j["total_hours"], serde_json::json!(7.0));
        assert_eq!(j["entries"][3]["hours"], serde_json::Value::Null);
        assert_eq!(j["from"], "2026-11-23");
    }
}
