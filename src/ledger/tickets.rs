//! 客户服务受理跟踪反馈表: the month's complaint/feedback register — one row per ticket
//! opened or closed in the month, or still open at its end (a ticket merged into another
//! by then has no row: `stats::merged_away`).

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, Utc};
use chrono_tz::Tz;

use crate::config::Policy;
use crate::ledger::columns::FieldColumns;
use crate::ledger::packed::{self, Packed, PackedRows};
use crate::model::report::cost_text;
use crate::model::ticket::{Action, Ticket};
use crate::output::Rows;
use crate::output::sheet::{self, intern};
use crate::stats::{as_of, cutoff, merged_away};
use crate::time::{Month, Period};

/// The columns before the SLA timers. After them come one `sla_<timer>` column per timer
/// of the desk's policy (in its order), then [`TICKET_TAIL`].
pub const TICKET_COLUMNS: [&str; 23] = [
    "id",
    "opened",
    "customer",
    "customer_name",
    "channel",
    "category",
    "complaint_kind",
    "grade",
    "priority",
    "department",
    "assignee",
    "title",
    "state_at_month_end",
    "accepted",
    "responded",
    "resolved",
    "closed",
    "hours_to_accept",
    "working_hours_to_accept",
    "hours_to_respond",
    "working_hours_to_respond",
    "hours_to_resolve",
    "working_hours_to_resolve",
];

/// The last columns of the register. The paper form's fields after `reopened` came
/// later, so they are at the end (scripts count columns): contact and phone (the
/// ticket's contact, else the customer's; the customer's phone), the product, the
/// problem, the cause (原因分析) and its `[causes]` code, the resolution (处理措施/结果),
/// the last revisit's scores and comment, then who leads a grade III case's special
/// team, when goods were last shipped, and the time promised to the customer at the
/// month's end (预计完成时间: the running promise's).
pub const TICKET_TAIL: [&str; 20] = [
    "compensation",
    "compensation_amount",
    "compensation_currency",
    "satisfaction",
    "reopened",
    "contact",
    "phone",
    "product",
    "serial",
    "description",
    "cause",
    "cause_code",
    "resolution",
    "revisit_efficiency",
    "revisit_attitude",
    "revisit_result",
    "revisit_comment",
    "lead",
    "shipped",
    "promised",
];

/// What the register shows of a customer: name, contact person and phone.
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub name: Box<str>,
    pub contact: Option<Box<str>>,
    pub phone: Option<Box<str>>,
}

/// The desk's customers by ID, as the register shows them.
pub type Customers = HashMap<Box<str>, Known>;

/// The register of one month.
#[derive(Debug, Clone)]
pub struct TicketLedger {
    pub month: Month,
    pub rows: PackedRows,
    /// Tickets opened in the month.
    pub opened: usize,
    /// Tickets with a `close` in the month.
    pub closed: usize,
    /// Tickets open at the month's end.
    pub open_at_end: usize,
}

/// One ticket's part of the register: its row, its place in the order, and which of the
/// month's totals it counts in. Small, so a scan of a big desk keeps these, not tickets.
#[derive(Debug)]
pub struct Line {
    opened_at: Option<DateTime<Utc>>,
    row: Packed,
    opened: bool,
    closed: bool,
    open: bool,
}

/// The register of a month being made: [`Register::line`] turns each ticket into its
/// [`Line`] (on any thread, as tickets are loaded), [`Register::finish`] orders them.
pub struct Register<'a> {
    customers: &'a Customers,
    policy: &'a Policy,
    fields: &'a FieldColumns,
    month: Month,
    period: Period,
    tz: Tz,
    /// The end of the history replayed (`stats::cutoff`).
    at: DateTime<Utc>,
    /// When SLA timers are evaluated: min(month end, now).
    eval_at: DateTime<Utc>,
    timers: Vec<String>,
}

/// One row per ticket opened in `month`, closed in it, or open at its end (desk zone),
/// sorted by opening time, then ID. Every cell describes the ticket **as it stood at the
/// month's end** (replayed from the events before it; for the current month, as it
/// stands now), so a past month's register is the same whenever it is made; SLA timers
/// are evaluated at min(month end, `now`). Custom-field columns (`fields`) come last,
/// with the values as they stand now.
///
/// Times are desk-local `YYYY-MM-DD HH:MM`; `hours_to_X` is X − opened in hours (two
/// decimals), `working_hours_to_X` the working time between them in the desk calendar;
/// `sla_<timer>` lists the outcome of each run of the timer in order, separated by `; `,
/// or is empty when the timer does not apply to the ticket.
pub fn tickets(
    all: &[Ticket],
    customers: &Customers,
    fields: &FieldColumns,
    policy: &Policy,
    month: Month,
    tz: Tz,
    now: DateTime<Utc>,
) -> TicketLedger {
    let r = Register::new(customers, fields, policy, month, tz, now);
    let lines = all.iter().filter_map(|t| r.line(t)).collect();
    r.finish(lines)
}

impl<'a> Register<'a> {
    pub fn new(
        customers: &'a Customers,
        fields: &'a FieldColumns,
        policy: &'a Policy,
        month: Month,
        tz: Tz,
        now: DateTime<Utc>,
    ) -> Register<'a> {
        let period = Period::month(month, tz);
        Register {
            customers,
            policy,
            fields,
            month,
            tz,
            at: cutoff(&period, now),
            eval_at: period.to.min(now),
            period,
            timers: policy.timer_names().map(String::from).collect(),
        }
    }

    /// The register's columns (and numeric marks), without rows.
    pub fn head(&self) -> Rows {
        let mut columns = TICKET_COLUMNS.to_vec();
        columns.extend(self.timers.iter().map(|t| intern(&format!("sla_{t}"))));
        columns.extend(TICKET_TAIL);
        columns.extend(self.fields.names());
        Rows::new(columns).numeric(&[
            "hours_to_accept",
            "working_hours_to_accept",
            "hours_to_respond",
            "working_hours_to_respond",
            "hours_to_resolve",
            "working_hours_to_resolve",
            "compensation_amount",
            "satisfaction",
            "reopened",
            "revisit_efficiency",
            "revisit_attitude",
            "revisit_result",
        ])
    }

    /// The register's rows in order, and its totals.
    pub fn finish(&self, mut lines: Vec<Line>) -> TicketLedger {
        fn id(l: &Line) -> Option<&str> {
            packed::cells(&l.row).next()
        }
        lines.sort_by(|a, b| {
            a.opened_at
                .cmp(&b.opened_at)
                .then_with(|| id(a).cmp(&id(b)))
        });
        let count = |f: fn(&Line) -> bool| lines.iter().filter(|l| f(l)).count();
        let (opened, closed, open_at_end) =
            (count(|l| l.opened), count(|l| l.closed), count(|l| l.open));
        let mut rows = PackedRows::new(self.head());
        rows.rows = lines.into_iter().map(|l| l.row).collect();
        TicketLedger {
            month: self.month,
            rows,
            opened,
            closed,
            open_at_end,
        }
    }

    /// `now`'s ticket `t` as a line of the register, if it has one.
    pub fn line(&self, now: &Ticket) -> Option<Line> {
        let (p, tz, policy) = (&self.period, self.tz, self.policy);
        let t = as_of(now, self.at).filter(|s| !merged_away(s))?;
        let opened = t.opened.is_some_and(|o| p.contains(o.to_utc()));
        let closed = t
            .event
            .iter()
            .any(|e| e.action == Some(Action::Close) && p.contains(e.at.to_utc()));
        let open = t.is_open();
        if !(opened || closed || open) {
            return None;
        }
        let cal = policy.calendar();
        let local = |t: Option<DateTime<FixedOffset>>| {
            t.map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default()
        };
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        let opened_at = t.opened.map(|o| o.to_utc());
        let spans = |to: Option<DateTime<FixedOffset>>| -> [String; 2] {
            match (opened_at, to.map(|t| t.to_utc())) {
                (Some(o), Some(x)) if x >= o => [
                    sheet::hours((x - o).num_seconds(), 1),
                    sheet::hours(cal.working_between(o, x).num_seconds(), 1),
                ],
                _ => [String::new(), String::new()],
            }
        };
        let known = t.customer.as_deref().and_then(|c| self.customers.get(c));
        let mut row = vec![
            t.id.clone(),
            local(t.opened),
            s(&t.customer),
            known.map(|k| k.name.to_string()).unwrap_or_default(),
            t.channel.map(|c| c.to_string()).unwrap_or_default(),
            s(&t.category),
            t.complaint_kind.map(|c| c.to_string()).unwrap_or_default(),
            t.grade.map(|g| g.to_string()).unwrap_or_default(),
            t.priority.map(|p| p.to_string()).unwrap_or_default(),
            s(&t.department),
            s(&t.assignee),
            t.title.clone(),
            t.state().to_string(),
            local(t.accepted),
            local(t.responded),
            local(t.resolved),
            local(t.closed),
        ];
        row.extend(spans(t.accepted));
        row.extend(spans(t.responded));
        row.extend(spans(t.resolved));
        let statuses = policy.evaluate(&t, self.eval_at);
        // Every run of the timer, in order: "breached; met" for a late resolution that
        // was reopened and then resolved in time.
        row.extend(self.timers.iter().map(|name| {
            statuses
                .iter()
                .filter(|st| &st.timer == name)
                .map(|st| st.state.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        }));
        row.extend([
            t.compensation.map(|c| c.to_string()).unwrap_or_default(),
            t.compensation_amount
                .as_deref()
                .map(cost_text)
                .unwrap_or_default(),
            s(&t.compensation_currency),
            t.satisfaction.map(|n| n.to_string()).unwrap_or_default(),
            t.reopened.to_string(),
        ]);
        let revisit = t.last(Action::Revisit);
        let score = |f: fn(&crate::model::ticket::Event) -> Option<u8>| {
            revisit
                .and_then(f)
                .map(|n| n.to_string())
                .unwrap_or_default()
        };
        let text = |v: &Option<Box<str>>| v.as_deref().map(String::from);
        row.extend([
            t.contact
                .clone()
                .or_else(|| known.and_then(|k| text(&k.contact)))
                .unwrap_or_default(),
            known.and_then(|k| text(&k.phone)).unwrap_or_default(),
            s(&t.product),
            s(&t.serial),
            t.description.clone(),
            s(&t.cause),
            s(&t.cause_code),
            s(&t.resolution),
            score(|e| e.efficiency),
            score(|e| e.attitude),
            score(|e| e.result),
            revisit.and_then(|e| e.text.clone()).unwrap_or_default(),
            s(&t.lead),
            local(t.shipped),
            local(crate::ledger::columns::promised(&t)),
        ]);
        // Custom fields as they stand now (the other columns are as of the month).
        row.extend(self.fields.cells(&now.fields));
        Some(Line {
            opened_at,
            row: packed::pack(&row),
            opened,
            closed,
            open,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{self, Config};
    use crate::model::ticket::{self, Event, Grade};

    fn policy() -> Policy {
        let text = config::default_config("t", chrono_tz::Asia::Shanghai);
        let c = Config::parse(std::path::Path::new("svcdesk.toml"), &text).unwrap();
        Policy::new(&c.sla, c.calendar().unwrap()).unwrap()
    }

    fn ev(a: Action, when: &str) -> Event {
        let mut e = Event {
            at: DateTime::parse_from_rfc3339(&format!("{when}+08:00")).unwrap(),
            by: "wang".into(),
            action: Some(a),
            ..Event::default()
        };
        match a {
            Action::Open => {
                e.customer = Some("C20261001-AAAAAA".into());
                e.category = Some("quality".into());
                e.grade = Some(Grade::II);
            }
            Action::Assign => e.department = Some("quality".into()),
            Action::Resolve => e.text = Some("fixed".into()),
            _ => {}
        }
        e
    }

    fn t(id: &str, events: &[(Action, &str)]) -> Ticket {
        let events: Vec<Event> = events.iter().map(|(a, w)| ev(*a, w)).collect();
        ticket::replay(id, &events).unwrap()
    }

    #[test]
    fn the_month_holds_opened_closed_and_still_open_tickets_as_at_its_end() {
        use Action::*;
        let all = [
            // Opened and closed in October: not in November.
            t(
                "T20261005-AAAAAA",
                &[
                    (Open, "2026-10-05T09:00:00"),
                    (Assign, "2026-10-05T09:00:00"),
                    (Accept, "2026-10-05T09:10:00"),
                    (Resolve, "2026-10-05T10:00:00"),
                    (Close, "2026-10-06T10:00:00"),
                ],
            ),
            // Opened in October, closed in November.
            t(
                "T20261030-BBBBBB",
                &[
                    (Open, "2026-10-30T09:00:00"),
                    (Assign, "2026-10-30T09:00:00"),
                    (Accept, "2026-10-30T09:30:00"),
                    (Resolve, "2026-11-02T10:00:00"),
                    (Close, "2026-11-03T10:00:00"),
                ],
            ),
            // Opened at 23:30 on Nov 30 (15:30 UTC), resolved in December.
            t(
                "T20261130-CCCCCC",
                &[
                    (Open, "2026-11-30T23:30:00"),
                    (Assign, "2026-11-30T23:30:00"),
                    (Accept, "2026-12-01T08:00:00"),
                    (Resolve, "2026-12-01T09:00:00"),
                ],
            ),
            // Opened in December: not in November.
            t(
                "T20261201-DDDDDD",
                &[
                    (Open, "2026-12-01T00:00:00"),
                    (Assign, "2026-12-01T00:00:00"),
                ],
            ),
        ];
        let now = DateTime::parse_from_rfc3339("2026-12-10T00:00:00+08:00")
            .unwrap()
            .to_utc();
        let known = Known {
            name: "华东".into(),
            ..Known::default()
        };
        let customers = Customers::from([("C20261001-AAAAAA".into(), known)]);
        let l = tickets(
            &all,
            &customers,
            &FieldColumns::default(),
            &policy(),
            Month {
                year: 2026,
                month: 11,
            },
            chrono_tz::Asia::Shanghai,
            now,
        );
        let rows = l.rows.to_rows();
        let col = |c: &str| rows.columns.iter().position(|x| *x == c).unwrap();
        let got: Vec<(&str, &str, &str)> = rows
            .rows
            .iter()
            .map(|r| {
                (
                    r[col("id")].as_str(),
                    r[col("state_at_month_end")].as_str(),
                    r[col("sla_accept")].as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("T20261030-BBBBBB", "closed", "met"),
                // Its 1 h to accept runs to Dec 1 00:30: still running at Nov's end
                // (it breached in December, when it was accepted at 08:00).
                ("T20261130-CCCCCC", "assigned", "running"),
            ]
        );
        assert_eq!((l.opened, l.closed, l.open_at_end), (1, 1, 1));
        let late = &rows.rows[1];
        assert_eq!(late[col("opened")], "2026-11-30 23:30");
        assert_eq!(late[col("customer_name")], "华东");
        assert_eq!(late[col("accepted")], "", "accepted in December");
        assert_eq!(late[col("sla_resolve")], "running");
        let done = &rows.rows[0];
        // Fri Oct 30 09:00 to Mon Nov 2 10:00: 73 h, of which 7.5 + 1 working.
        assert_eq!(done[col("hours_to_resolve")], "73.00");
        assert_eq!(done[col("working_hours_to_resolve")], "8.50");
        assert_eq!(
            *rows.columns.last().unwrap(),
            "promised",
            "the tail follows the timers"
        );
    }
}
