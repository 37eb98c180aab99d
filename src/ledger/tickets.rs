//! 客户服务受理跟踪反馈表: the month's complaint/feedback register — one row per ticket
//! opened or closed in the month, or still open at its end (a ticket merged into another
//! by then has no row: `stats::merged_away`).

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, Utc};
use chrono_tz::Tz;

use crate::config::Policy;
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

/// A customer's contact person and phone, for the register's `contact` and `phone`.
#[derive(Debug, Clone, Default)]
pub struct Contact {
    pub contact: Option<String>,
    pub phone: Option<String>,
}

/// The register of one month.
#[derive(Debug, Clone)]
pub struct TicketLedger {
    pub month: Month,
    pub rows: Rows,
    /// Tickets opened in the month.
    pub opened: usize,
    /// Tickets with a `close` in the month.
    pub closed: usize,
    /// Tickets open at the month's end.
    pub open_at_end: usize,
}

/// One row per ticket opened in `month`, closed in it, or open at its end (desk zone),
/// sorted by opening time, then ID. Every cell describes the ticket **as it stood at the
/// month's end** (replayed from the events before it; for the current month, as it
/// stands now), so a past month's register is the same whenever it is made; SLA timers
/// are evaluated at min(month end, `now`).
///
/// Times are desk-local `YYYY-MM-DD HH:MM`; `hours_to_X` is X − opened in hours (two
/// decimals), `working_hours_to_X` the working time between them in the desk calendar;
/// `sla_<timer>` lists the outcome of each run of the timer in order, separated by `; `,
/// or is empty when the timer does not apply to the ticket.
pub fn tickets(
    all: &[Ticket],
    customer_names: &HashMap<String, String>,
    contacts: &HashMap<String, Contact>,
    policy: &Policy,
    month: Month,
    tz: Tz,
    now: DateTime<Utc>,
) -> TicketLedger {
    let p = Period::month(month, tz);
    let eval_at = p.to.min(now);
    let at = cutoff(&p, now);
    let mut chosen: Vec<(Ticket, bool, bool, bool)> = all
        .iter()
        .filter_map(|t| {
            let s = as_of(t, at).filter(|s| !merged_away(s))?;
            let opened = s.opened.is_some_and(|o| p.contains(o.to_utc()));
            let closed = s
                .event
                .iter()
                .any(|e| e.action == Some(Action::Close) && p.contains(e.at.to_utc()));
            let open = s.is_open();
            (opened || closed || open).then(|| (s.into_owned(), opened, closed, open))
        })
        .collect();
    chosen.sort_by(|a, b| {
        a.0.opened
            .cmp(&b.0.opened)
            .then_with(|| a.0.id.cmp(&b.0.id))
    });

    let timers: Vec<String> = policy.timer_names().map(String::from).collect();
    let mut columns = TICKET_COLUMNS.to_vec();
    columns.extend(timers.iter().map(|t| intern(&format!("sla_{t}"))));
    columns.extend(TICKET_TAIL);
    let mut rows = Rows::new(columns).numeric(&[
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
    ]);

    let cal = policy.calendar();
    let local = |t: Option<DateTime<FixedOffset>>| {
        t.map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default()
    };
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    for (t, ..) in &chosen {
        let opened = t.opened.map(|o| o.to_utc());
        let spans = |to: Option<DateTime<FixedOffset>>| -> [String; 2] {
            match (opened, to.map(|t| t.to_utc())) {
                (Some(o), Some(x)) if x >= o => [
                    sheet::hours((x - o).num_seconds(), 1),
                    sheet::hours(cal.working_between(o, x).num_seconds(), 1),
                ],
                _ => [String::new(), String::new()],
            }
        };
        let mut row = vec![
            t.id.clone(),
            local(t.opened),
            s(&t.customer),
            t.customer
                .as_ref()
                .and_then(|c| customer_names.get(c))
                .cloned()
                .unwrap_or_default(),
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
        let statuses = policy.evaluate(t, eval_at);
        // Every run of the timer, in order: "breached; met" for a late resolution that
        // was reopened and then resolved in time.
        row.extend(timers.iter().map(|name| {
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
        let known = t.customer.as_ref().and_then(|c| contacts.get(c));
        let revisit = t.last(Action::Revisit);
        let score = |f: fn(&crate::model::ticket::Event) -> Option<u8>| {
            revisit
                .and_then(f)
                .map(|n| n.to_string())
                .unwrap_or_default()
        };
        row.extend([
            t.contact
                .clone()
                .or_else(|| known.and_then(|k| k.contact.clone()))
                .unwrap_or_default(),
            known.and_then(|k| k.phone.clone()).unwrap_or_default(),
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
            local(crate::ledger::columns::promised(t)),
        ]);
        rows.push(row);
    }
    TicketLedger {
        month,
        opened: chosen.iter().filter(|c| c.1).count(),
        closed: chosen.iter().filter(|c| c.2).count(),
        open_at_end: chosen.iter().filter(|c| c.3).count(),
        rows,
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
        let names = HashMap::from([("C20261001-AAAAAA".to_string(), "华东".to_string())]);
        let l = tickets(
            &all,
            &names,
            &HashMap::new(),
            &policy(),
            Month {
                year: 2026,
                month: 11,
            },
            chrono_tz::Asia::Shanghai,
            now,
        );
        let col = |c: &str| l.rows.columns.iter().position(|x| *x == c).unwrap();
        let got: Vec<(&str, &str, &str)> = l
            .rows
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
        let late = &l.rows.rows[1];
        assert_eq!(late[col("opened")], "2026-11-30 23:30");
        assert_eq!(late[col("customer_name")], "华东");
        assert_eq!(late[col("accepted")], "", "accepted in December");
        assert_eq!(late[col("sla_resolve")], "running");
        let done = &l.rows.rows[0];
        // Fri Oct 30 09:00 to Mon Nov 2 10:00: 73 h, of which 7.5 + 1 working.
        assert_eq!(done[col("hours_to_resolve")], "73.00");
        assert_eq!(done[col("working_hours_to_resolve")], "8.50");
        assert_eq!(
            *l.rows.columns.last().unwrap(),
            "promised",
            "the tail follows the timers"
        );
    }
}
