//! The ledgers of a desk: each reads what its month needs and folds it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::tickets::Contact;
use super::{Month, Period, ServiceLedger, TicketLedger};
use crate::Result;
use crate::config::fields::FieldRecord;
use crate::desk::Desk;
use crate::ledger::columns::FieldColumns;
use crate::model::{customer, report, ticket_store};

/// 技术服务台账 of `month`, from the desk's reports.
pub fn service_of(desk: &Desk, month: Month) -> Result<ServiceLedger> {
    let reports = report::load_all(desk)?;
    let staff: HashMap<String, String> = desk
        .config
        .staff
        .iter()
        .map(|s| (s.id.clone(), s.name.clone()))
        .collect();
    let mut l = super::service(&reports, &customer::names(desk)?, &staff, month, desk.tz());
    let values = reports.iter().map(|r| (r.id.as_str(), &r.fields)).collect();
    l.rows = FieldColumns::of(&desk.config.fields, FieldRecord::Report)
        .append_by_id(l.rows, "report", &values);
    Ok(l)
}

/// 客户服务受理跟踪反馈表 of `month` as of `now`; only tickets that [`may_count`] in
/// the month are read.
pub fn tickets_of(desk: &Desk, month: Month, now: DateTime<Utc>) -> Result<TicketLedger> {
    let period = Period::month(month, desk.tz());
    let policy = desk.config.policy()?;
    let (tickets, _) = ticket_store::load_sieved(
        desk,
        false,
        |f| f.may_count(period.from, period.to),
        |_| true,
    )?;
    let customers = customer::briefs(desk, |b| b)?;
    let names = customers
        .iter()
        .map(|c| (c.id.clone(), c.name.clone()))
        .collect();
    let contacts = customers
        .into_iter()
        .map(|c| {
            let k = Contact {
                contact: c.contact,
                phone: c.phone,
            };
            (c.id, k)
        })
        .collect();
    let mut l = super::tickets(&tickets, &names, &contacts, &policy, month, desk.tz(), now);
    // Custom fields as they stand now (the ledger's other columns are as of the month).
    let values = tickets.iter().map(|t| (t.id.as_str(), &t.fields)).collect();
    l.rows = FieldColumns::of(&desk.config.fields, FieldRecord::Ticket)
        .append_by_id(l.rows, "id", &values);
    Ok(l)
}
