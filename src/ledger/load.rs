//! The ledgers of a desk: each reads what its month needs and folds it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::tickets::{Customers, Known, Register};
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

/// 客户服务受理跟踪反馈表 of `month` as of `now`. Only tickets that [`may_count`] in the
/// month are read, and each becomes its row as it is loaded: the scan holds rows, never
/// the month's tickets.
///
/// [`may_count`]: ticket_store::Facts::may_count
pub fn tickets_of(desk: &Desk, month: Month, now: DateTime<Utc>) -> Result<TicketLedger> {
    let period = Period::month(month, desk.tz());
    let policy = desk.config.policy()?;
    let customers = customers(desk)?;
    let fields = FieldColumns::of(&desk.config.fields, FieldRecord::Ticket);
    let r = Register::new(&customers, &fields, &policy, month, desk.tz(), now);
    let mut lines = Vec::new();
    ticket_store::scan(
        desk,
        false,
        |f| f.may_count(period.from, period.to),
        |t| r.line(&t),
        |part| {
            lines.extend(part);
            Ok(())
        },
    )?;
    Ok(r.finish(lines))
}

/// The desk's customers as the register shows them, from the customer cache's briefs
/// (a customer's file, with its communication log, is many times what the register shows).
fn customers(desk: &Desk) -> Result<Customers> {
    let known = customer::briefs(desk, |c| {
        let known = Known {
            name: c.name.into(),
            contact: c.contact.map(Into::into),
            phone: c.phone.map(Into::into),
        };
        (c.id.into_boxed_str(), known)
    })?;
    Ok(known.into_iter().collect())
}
