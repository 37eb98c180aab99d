//! Opening a ticket: its first event, its routing, and for a complaint settled on the
//! call the whole of its life at once.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};

use super::event;
use crate::desk::attachments::{self, Attachment};
use crate::desk::{Desk, Id, Kind, Who};
use crate::error::Result;
use crate::model::customer::{self, Field, NewCustomer};
use crate::model::duplicates;
use crate::model::routing;
use crate::model::ticket::{Action, Channel, ComplaintKind, Event, Grade, Priority, Ticket};
use crate::model::ticket_store;

/// Whose ticket it is.
pub enum Customer {
    /// A registered customer: ID or unique abbreviation.
    Existing(String),
    /// A customer registered on the way (the ticket's contact becomes theirs too).
    New {
        name: String,
        phone: String,
        /// Their e-mail address (`intake mail`): registered even when another customer
        /// has the same name, since the address tells them apart.
        email: Option<String>,
    },
}

/// Files to attach: `paths` as given, relative ones read from `from` (the caller's
/// working directory).
#[derive(Default, Clone)]
pub struct Files {
    pub from: PathBuf,
    pub paths: Vec<PathBuf>,
}

pub struct NewTicket {
    pub customer: Customer,
    pub contact: Option<String>,
    pub channel: Channel,
    /// A key of `[categories]`.
    pub category: String,
    pub complaint_kind: Option<ComplaintKind>,
    pub product: Option<String>,
    pub serial: Option<String>,
    pub purchase_date: Option<NaiveDate>,
    pub voucher: Option<String>,
    pub submitter: Option<String>,
    pub transferred_by: Option<String>,
    pub priority: Priority,
    pub grade: Option<Grade>,
    /// None: the description's first line (see [`title`]).
    pub title: Option<String>,
    pub description: String,
    pub tags: Vec<String>,
    pub attachments: Files,
    /// Routed here by hand instead of the category's department.
    pub department: Option<String>,
    pub assignee: Option<String>,
    /// Left `new` for a dispatcher to route.
    pub no_route: bool,
    /// Settled on the call: what the customer was told.
    pub resolved_on_call: Option<String>,
    /// Do not look for possible duplicates (`--force`).
    pub skip_duplicates: bool,
    /// Custom field values, `NAME=VALUE` as typed (`[fields]`).
    pub fields: Vec<(String, String)>,
    /// The template the title and description were rendered from.
    pub template: Option<String>,
    /// Taken in by `intake`: the message's ID (see `Event::message_id`).
    pub message_id: Option<String>,
    /// Attachments already read (a mail's parts), beside `attachments`.
    pub files: Vec<Attachment>,
}

pub struct OpenedTicket {
    pub id: Id,
    pub path: PathBuf,
    pub ticket: Ticket,
    /// The customer registered on the way.
    pub new_customer: Option<customer::Added>,
    /// Tickets it may duplicate (see `model::duplicates`). The ticket is opened either
    /// way, so a failure to look (a bad file elsewhere in the desk) is reported here,
    /// not as the command's error.
    pub duplicates: Result<Vec<Ticket>>,
}

/// Opens a ticket at `at`, registering its customer first if new.
pub fn open(desk: &Desk, who: &Who, at: DateTime<Utc>, o: NewTicket) -> Result<OpenedTicket> {
    let fields = crate::model::fields::new_values(
        desk,
        crate::config::fields::FieldRecord::Ticket,
        &o.fields,
    )?;
    let mut files = attachments(desk, &o.attachments)?;
    files.extend(o.files);
    let categories = &desk.config.categories;
    let mut first = event(desk, who, at, Action::Open);
    first.title = Some(title(o.title.as_deref(), &o.description));
    first.contact = o.contact.clone();
    first.channel = Some(o.channel);
    first.category = Some(o.category.clone());
    first.complaint_kind = o.complaint_kind;
    first.product = o.product;
    first.serial = o.serial;
    first.purchase_date = o.purchase_date;
    first.voucher = o.voucher;
    first.submitter = o.submitter;
    first.transferred_by = o.transferred_by;
    first.priority = Some(o.priority);
    first.grade = o.grade;
    first.tags = o.tags;
    first.files = files;
    first.description = Some(o.description);
    first.fields = fields;
    first.template = o.template;
    first.message_id = o.message_id;
    let mut events = vec![first];
    // A channel routed by hand (`[routing] manual`) waits in the intake for a forward,
    // unless whoever registers it routes it now: then that is the forward.
    let manual = desk.config.routing.is_manual(o.channel) && o.resolved_on_call.is_none();
    let by_hand = o.department.is_some() || o.assignee.is_some();
    if (!o.no_route && (!manual || by_hand)) || o.resolved_on_call.is_some() {
        let (department, reason) =
            routing::department(categories, &o.category, o.department.as_deref());
        let action = if manual {
            Action::Forward
        } else {
            Action::Assign
        };
        let mut route = event(desk, who, at, action);
        route.reason = Some(reason);
        route.department = Some(department);
        route.assignee = o.assignee;
        events.push(route);
    }
    if let Some(said) = o.resolved_on_call {
        resolved_on_call(&mut events, said);
    }
    // The category, department and assignee are checked (as `create` will) before a new
    // customer is registered, so a typo leaves none behind.
    let blank = Ticket::default();
    for e in &events {
        ticket_store::authorize(desk, &blank, e)?;
    }
    let new_customer = match o.customer {
        Customer::Existing(c) => {
            let id = desk.resolve(Kind::Customer, &c)?;
            events[0].tier = tier_of(desk, &id, at);
            events[0].customer = Some(id.to_string());
            None
        }
        Customer::New { name, phone, email } => {
            let force = email.is_some();
            let added = customer::add(
                desk,
                NewCustomer {
                    fields: vec![
                        (Field::Name, name),
                        (Field::Phone, phone),
                        (Field::Email, email.unwrap_or_default()),
                        (Field::Contact, o.contact.unwrap_or_default()),
                    ],
                    tags: Vec::new(),
                    by: who.by.clone(),
                    at,
                    custom: Vec::new(),
                    force,
                    remote: false,
                },
            )?;
            events[0].customer = Some(added.id.to_string());
            Some(added)
        }
    };
    let opened = ticket_store::create(desk, events)?;
    let duplicates = if o.skip_duplicates || new_customer.is_some() {
        Ok(Vec::new())
    } else {
        duplicates::candidates(desk, &opened.ticket)
    };
    Ok(OpenedTicket {
        id: opened.id,
        path: opened.path,
        ticket: opened.ticket,
        new_customer,
        duplicates,
    })
}

/// The customer's tier when the ticket is opened, stamped into the open event so later
/// edits of the customer never move its deadlines. A customer file that cannot be read
/// counts as no tier: `svcdesk check` reports the file.
fn tier_of(desk: &Desk, id: &Id, at: DateTime<Utc>) -> Option<String> {
    let c = customer::load(desk, id).ok()?;
    c.tier_on(&desk.config, desk.local(at).date_naive())
}

/// A complaint settled by whoever took the call: they are its assignee, not the routing
/// rule, and they took it, answered the customer and solved it there and then — recorded
/// as such, so the accept and respond timers are met rather than missed. `events` are the
/// `open` and routing `assign` events; the steps added share their time and author.
pub fn resolved_on_call(events: &mut Vec<Event>, said: String) {
    let open = &events[0];
    let step = |action, text: &str| Event {
        at: open.at,
        by: open.by.clone(),
        entered_by: open.entered_by.clone(),
        action: Some(action),
        text: Some(text.to_string()),
        ..Event::default()
    };
    let accept = Event {
        text: None,
        ..step(Action::Accept, "")
    };
    let respond = step(Action::Respond, &said);
    let resolve = Event {
        on_call: true,
        ..step(Action::Resolve, &said)
    };
    let close = step(Action::Close, "resolved on the call");
    events[1].assignee = Some(open.by.clone());
    events.extend([accept, respond, resolve, close]);
}

/// Titles are one line that fits a table: `title`, else the description's first non-blank
/// line, cut to 80 characters (79 and an ellipsis).
pub fn title(title: Option<&str>, description: &str) -> String {
    let t = title.map(str::to_string).unwrap_or_else(|| {
        description
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim()
            .to_string()
    });
    if t.chars().count() > 80 {
        format!("{}…", t.chars().take(79).collect::<String>())
    } else {
        t
    }
}

/// The files to attach, read and hashed (see [`attachments::prepare`]): a missing file,
/// a folder or one over `[attachments] max_size` is refused before anything is written.
/// The step copies them into the desk under the lock, just before its event.
pub fn attachments(desk: &Desk, files: &Files) -> Result<Vec<Attachment>> {
    let max = desk.config.attachments.max_size();
    files
        .paths
        .iter()
        .map(|p| attachments::prepare(&files.from, p, max))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_the_first_line_cut_to_80_characters() {
        assert_eq!(title(None, "\n  机器不启动  \nmore"), "机器不启动");
        assert_eq!(title(Some("given"), "ignored"), "given");
        let long = "字".repeat(81);
        let cut = title(None, &long);
        assert_eq!(cut.chars().count(), 80);
        assert!(cut.ends_with('…'));
        assert_eq!(title(None, &"x".repeat(80)), "x".repeat(80));
    }

    #[test]
    fn settled_on_the_call_is_taken_answered_resolved_and_closed_by_the_taker() {
        let open = Event {
            by: "li".into(),
            action: Some(Action::Open),
            customer: Some("C1".into()),
            category: Some("complaint".into()),
            ..Event::default()
        };
        let route = Event {
            by: "li".into(),
            action: Some(Action::Assign),
            assignee: Some("wang".into()),
            ..Event::default()
        };
        let mut events = vec![open, route];
        resolved_on_call(&mut events, "explained the reset".into());
        let actions: Vec<Action> = events.iter().filter_map(|e| e.action).collect();
        use Action as A;
        assert_eq!(
            actions,
            [
                A::Open,
                A::Assign,
                A::Accept,
                A::Respond,
                A::Resolve,
                A::Close
            ]
        );
        assert_eq!(events[1].assignee.as_deref(), Some("li"));
        assert!(events.iter().all(|e| e.by == "li"));
        assert!(events[4].on_call);
        let t = crate::model::ticket::replay("T", &events).expect("a valid history");
        assert_eq!(t.state(), crate::model::ticket::State::Closed);
    }
}
