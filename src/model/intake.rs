//! Tickets that arrive by themselves: a mail piped in by the mail system (`intake mail`)
//! or a web form's JSON (`intake json`) opens a ticket, or, when its subject names a
//! ticket (`[T20261124-9XWM3A]`, any unique prefix), is that customer's reply to it.
//!
//! The rules: the customer is found by e-mail address (case-blind), else by phone (JSON),
//! else `[intake] unknown` decides (create, a fixed customer, or refuse); the category by
//! `[intake] rules`, else `[intake] category`; attachments go to the desk's one store
//! under `[attachments] max_size`; the message's ID is recorded on its event and names
//! the ticket it opens, so a message delivered twice (within a year) is taken once.
//! Everything happens under one desk lock, waited for at most `[intake] lock_wait`.
//!
//! A refusal is [`Refusal::Never`] (the message can never be taken: malformed, a refused
//! sender, an attachment over the limit) or [`Refusal::Later`] (the desk is busy, the disk
//! full, the config wrong: the mail system should retry); nothing is written either way.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use super::customer;
use super::ticket::{Action, Channel, Ticket};
use super::{steps, ticket_store};
use crate::config::intake::Unknown;
use crate::desk::attachments::{self, Attachment};
use crate::desk::{Desk, Id, Kind, When, Who};
use crate::error::{Error, Result};
use crate::vocab::State;

/// A message as taken in, whatever it came as.
#[derive(Debug, Clone, Default)]
pub struct Incoming {
    pub channel: Option<Channel>,
    /// The sender's address (mail: From).
    pub email: Option<String>,
    /// The sender's name (mail: the display name).
    pub name: Option<String>,
    pub phone: Option<String>,
    pub subject: String,
    pub text: String,
    /// A category the form chose (checked against the desk's).
    pub category: Option<String>,
    pub product: Option<String>,
    pub serial: Option<String>,
    /// Attached files: original name and bytes.
    pub files: Vec<(String, Vec<u8>)>,
    /// What makes a second delivery the same message (see `Event::message_id`).
    pub message_id: Option<String>,
}

/// Why a message was not taken; nothing was written.
#[derive(Debug)]
pub enum Refusal {
    /// It can never be taken (sysexits EX_DATAERR).
    Never(Error),
    /// Not now: try again later (sysexits EX_TEMPFAIL).
    Later(Error),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Never(e) | Refusal::Later(e) => e.fmt(f),
        }
    }
}

fn never(message: impl Into<String>) -> Refusal {
    Refusal::Never(Error::invalid(message))
}

/// What became of a message.
pub enum Delivered {
    /// A new ticket, and the customer registered on the way.
    Opened {
        ticket: Ticket,
        new_customer: Option<customer::Added>,
    },
    /// The customer's reply on `ticket`, and the steps it took (the reply, a resume).
    Replied {
        ticket: Ticket,
        steps: Vec<steps::Stepped>,
    },
    /// Taken before: the ticket that has it.
    Already { ticket: String },
}

/// Reads one RFC 5322 message: multipart, quoted-printable and base64, and the charsets
/// mail uses (UTF-8, GB2312/GBK/GB18030, ...) in headers and bodies; an HTML-only body
/// as text. Err: why it can never be taken.
pub fn parse_mail(raw: &[u8]) -> std::result::Result<Incoming, Refusal> {
    let msg = mail_parser::MessageParser::default()
        .parse(raw)
        .filter(|m| !m.headers().is_empty())
        .ok_or_else(|| never("malformed message: no RFC 5322 header found"))?;
    let from = msg
        .from()
        .and_then(|a| a.first())
        .filter(|a| a.address().is_some_and(|x| x.contains('@')))
        .ok_or_else(|| never("malformed message: no sender address in From:"))?;
    let email = from.address().map(|a| a.trim().to_string());
    let name = from
        .name()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    let subject = msg.subject().unwrap_or("").trim().to_string();
    let text = msg.body_text(0).map(|t| tidy(&t)).unwrap_or_default();
    let mut files = Vec::new();
    for (i, part) in msg.attachments().enumerate() {
        use mail_parser::MimeHeaders;
        let name = part
            .attachment_name()
            .map(str::to_string)
            .unwrap_or_else(|| {
                let ext = part
                    .content_type()
                    .and_then(|c| c.subtype())
                    .map(|s| format!(".{s}"))
                    .unwrap_or_default();
                format!("attachment-{}{ext}", i + 1)
            });
        files.push((name, part.contents().to_vec()));
    }
    // Without a Message-ID the bytes themselves tell a second delivery.
    let message_id = match msg.message_id().map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => m.to_string(),
        None => {
            let a =
                attachments::prepare_bytes("m", raw.to_vec(), u64::MAX).map_err(Refusal::Later)?;
            format!("sha256:{}", a.sha256)
        }
    };
    if subject.is_empty() && text.is_empty() && files.is_empty() {
        return Err(never("empty message: no subject, text or attachment"));
    }
    Ok(Incoming {
        channel: Some(Channel::Email),
        email,
        name,
        phone: None,
        subject,
        text,
        category: None,
        product: None,
        serial: None,
        files,
        message_id: Some(message_id),
    })
}

/// Line ends as `\n`, trailing blanks and blank runs at the ends gone.
fn tidy(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    lines.join("\n").trim_matches('\n').to_string()
}

/// `intake json`: one object, these keys and no others.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Form {
    /// The customer's name (company or person).
    pub customer: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// How it came in [default: online-form].
    pub channel: Option<Channel>,
    pub category: Option<String>,
    /// [default: the description's first line]
    pub title: Option<String>,
    pub description: String,
    pub product: Option<String>,
    pub serial: Option<String>,
    /// The form's own ID for this submission: sent twice, taken once.
    pub external_id: Option<String>,
}

/// Reads `intake json`'s object. Err: why it can never be taken.
pub fn parse_form(text: &str) -> std::result::Result<Incoming, Refusal> {
    let f: Form = serde_json::from_str(text).map_err(|e| {
        Refusal::Never(Error::invalid_with_hint(
            format!("malformed JSON: {e}"),
            "one object with the keys customer, phone, email, channel, category, title, description, product, serial, external_id (see `svcdesk intake json --help`)",
        ))
    })?;
    let clean = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let description = tidy(&f.description);
    if description.is_empty() {
        return Err(never("the form has no description"));
    }
    let email = clean(f.email);
    let phone = clean(f.phone);
    if email.is_none() && phone.is_none() && clean(f.customer.clone()).is_none() {
        return Err(never(
            "the form names no customer: give customer, phone or email",
        ));
    }
    Ok(Incoming {
        channel: Some(f.channel.unwrap_or(Channel::OnlineForm)),
        email,
        name: clean(f.customer),
        phone,
        subject: steps::title(clean(f.title).as_deref(), &description),
        text: description,
        category: clean(f.category),
        product: clean(f.product),
        serial: clean(f.serial),
        files: Vec::new(),
        message_id: clean(f.external_id).map(|x| format!("json:{x}")),
    })
}

/// Takes `m` into the desk at `at`, by `svcdesk` (see the module doc).
pub fn deliver(
    desk: &Desk,
    at: DateTime<Utc>,
    when: When,
    m: Incoming,
) -> std::result::Result<Delivered, Refusal> {
    let wait = desk.config.intake.lock_wait();
    let _lock = desk
        .lock_within(wait)
        .map_err(Refusal::Later)?
        .ok_or_else(|| Refusal::Later(busy(wait)))?;
    let named = named_ticket(desk, &m.subject).map_err(Refusal::Later)?;
    if let Some(mid) = &m.message_id
        && let Some(ticket) = taken(desk, mid, named.as_ref(), at).map_err(Refusal::Later)?
    {
        return Ok(Delivered::Already { ticket });
    }
    let max = desk.config.attachments.max_size();
    let files: Vec<Attachment> = m
        .files
        .iter()
        .map(|(name, bytes)| attachments::prepare_bytes(name, bytes.clone(), max))
        .collect::<Result<_>>()
        .map_err(Refusal::Never)?;
    let who = Who {
        by: super::record::SYSTEM_ACTOR.into(),
        entered_by: None,
    };
    if let Some(id) = named {
        let reply = steps::CustomerReply {
            text: m.text,
            channel: m.channel,
            files,
            message_id: m.message_id,
        };
        let steps = steps::customer_reply(desk, &id, &who, when, reply).map_err(Refusal::Later)?;
        let ticket = steps.last().expect("the reply").ticket.clone();
        return Ok(Delivered::Replied { ticket, steps });
    }
    let customer = whose(desk, &m)?;
    if let Some(c) = &m.category {
        super::names::category(&desk.config, c).map_err(Refusal::Never)?;
    }
    let category = m
        .category
        .clone()
        .unwrap_or_else(|| desk.config.intake.category(&m.subject, &m.text));
    let description = if m.text.is_empty() {
        m.subject.clone()
    } else {
        m.text
    };
    let title = (!m.subject.is_empty()).then_some(m.subject);
    let new = steps::NewTicket {
        customer,
        contact: m.name,
        channel: m.channel.unwrap_or(Channel::Email),
        category,
        complaint_kind: None,
        product: m.product,
        serial: m.serial,
        purchase_date: None,
        voucher: None,
        submitter: None,
        transferred_by: None,
        priority: crate::vocab::Priority::Medium,
        grade: None,
        title,
        description,
        tags: Vec::new(),
        attachments: steps::Files::default(),
        department: None,
        assignee: None,
        no_route: false,
        resolved_on_call: None,
        skip_duplicates: true,
        fields: Vec::new(),
        template: None,
        message_id: m.message_id,
        files,
    };
    let opened = steps::open(desk, &who, at, new).map_err(Refusal::Later)?;
    Ok(Delivered::Opened {
        ticket: opened.ticket,
        new_customer: opened.new_customer,
    })
}

fn busy(wait: Duration) -> Error {
    Error::invalid_with_hint(
        format!(
            "the desk is locked by another writer; gave up after waiting {}s",
            wait.as_secs_f32()
        ),
        "the mail system delivers it again later; `[intake] lock_wait` sets the wait",
    )
}

/// How long a message delivered again is still known: a year. Mail systems retry for
/// days, and a fetchmail that lost its list of fetched messages fetches a mailbox again.
const REMEMBERED_DAYS: i64 = 366;

/// The IDs a ticket opened on `day` by the message `mid` may have, in the order they are
/// taken: derived from the message's ID, so a second delivery finds the first one's
/// ticket by looking at a few files, not by reading the desk, and so two clones agree.
/// The later ones are for the rare ticket that already holds an earlier ID.
fn slots(day: NaiveDate, mid: &str) -> impl Iterator<Item = Id> {
    (0..).map(move |n| {
        let key = match n {
            0 => format!("intake {mid}"),
            n => format!("intake {mid} #{n}"),
        };
        Id::derived(Kind::Ticket, day, &key)
    })
}

/// The ID of the ticket the message `mid` opens at `at`: its first free slot that day.
pub(crate) fn ticket_id(desk: &Desk, mid: &str, at: DateTime<Utc>) -> Id {
    let day = desk.local(at).date_naive();
    slots(day, mid)
        .find(|id| !desk.path_of(id).exists())
        .expect("slots never end")
}

/// The ticket that already has the message `mid`: the ticket its subject names (a reply
/// taken before), or one it opened within [`REMEMBERED_DAYS`] before `at`, at one of
/// its slots. A few file lookups a day, whatever the size of the desk.
fn taken(desk: &Desk, mid: &str, named: Option<&Id>, at: DateTime<Utc>) -> Result<Option<String>> {
    let has = |t: &Ticket| t.event.iter().any(|e| e.message_id.as_deref() == Some(mid));
    if let Some(id) = named {
        let t = ticket_store::load(desk, id)?;
        return Ok(has(&t).then_some(t.id));
    }
    let today = desk.local(at).date_naive();
    for back in 0..REMEMBERED_DAYS {
        let day = today - chrono::Days::new(back as u64);
        for id in slots(day, mid) {
            if !desk.path_of(&id).exists() {
                break;
            }
            let t = ticket_store::load(desk, &id)?;
            if has(&t) {
                return Ok(Some(t.id));
            }
        }
    }
    Ok(None)
}

/// The ticket a subject names in brackets, `[T20261124-9XWM3A]` or a unique prefix of
/// it (`[T20261124-9X]`): the first bracketed word that is a ticket's. A ticket merged
/// into another sends the reply on to that one.
pub fn named_ticket(desk: &Desk, subject: &str) -> Result<Option<Id>> {
    for word in bracketed(subject) {
        let Ok(id) = desk.resolve(Kind::Ticket, &word) else {
            continue;
        };
        let t = ticket_store::load(desk, &id)?;
        if t.state() == State::Merged
            && let Some(target) = t
                .event
                .iter()
                .rev()
                .find(|e| e.action == Some(Action::MergedInto))
                .and_then(|e| e.ticket.as_deref())
        {
            return Ok(Some(desk.resolve(Kind::Ticket, target)?));
        }
        return Ok(Some(id));
    }
    Ok(None)
}

/// The words in `[...]` that read as (a prefix of) a ticket ID: `T` and a digit.
fn bracketed(subject: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = subject;
    while let Some(open) = rest.find(['[', '【']) {
        let after = &rest[open..];
        let body = &after[after.chars().next().map_or(1, char::len_utf8)..];
        let Some(close) = body.find([']', '】']) else {
            break;
        };
        let w = body[..close].trim();
        let mut c = w.chars();
        if matches!(c.next(), Some('T' | 't')) && c.next().is_some_and(|d| d.is_ascii_digit()) {
            out.push(w.to_string());
        }
        rest = &body[close..];
    }
    out
}

/// Whose ticket it is: the customer with the sender's address (case-blind), else with
/// the phone (digits only), else what `[intake] unknown` says.
fn whose(desk: &Desk, m: &Incoming) -> std::result::Result<steps::Customer, Refusal> {
    let all = customer::mentioning(desk, m.email.as_deref(), m.phone.as_deref())
        .map_err(Refusal::Later)?;
    if let Some(addr) = m.email.as_deref().map(str::to_lowercase) {
        let found = all.iter().find(|c| {
            c.email
                .as_deref()
                .is_some_and(|e| e.trim().to_lowercase() == addr)
        });
        if let Some(c) = found {
            return Ok(steps::Customer::Existing(c.id.clone()));
        }
    }
    if let Some(p) = m.phone.as_deref().map(customer::phone_digits)
        && !p.is_empty()
        && let Some(c) = all.iter().find(|c| {
            c.phone
                .as_deref()
                .is_some_and(|x| customer::phone_digits(x) == p)
        })
    {
        return Ok(steps::Customer::Existing(c.id.clone()));
    }
    let sender = m
        .email
        .clone()
        .or_else(|| m.phone.clone())
        .or_else(|| m.name.clone())
        .unwrap_or_default();
    match desk.config.intake.unknown() {
        Unknown::Refuse => Err(Refusal::Never(Error::invalid_with_hint(
            format!("{sender} is not a customer of this desk, and [intake] unknown = \"refuse\""),
            "register them with `svcdesk customer add --email`, or set [intake] unknown",
        ))),
        Unknown::Customer(c) => {
            desk.resolve(Kind::Customer, &c).map_err(Refusal::Later)?;
            Ok(steps::Customer::Existing(c))
        }
        Unknown::Create => {
            let name = m
                .name
                .clone()
                .or_else(|| m.email.clone())
                .or_else(|| m.phone.clone())
                .unwrap_or_default();
            Ok(steps::Customer::New {
                name,
                phone: m.phone.clone().unwrap_or_default(),
                email: m.email.clone().or(Some(String::new())),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_names_a_ticket_in_brackets() {
        assert_eq!(
            bracketed("Re: [T20261124-9XWM3A] 空调漏水"),
            ["T20261124-9XWM3A"]
        );
        assert_eq!(bracketed("【t2026】 [urgent] [T] [T20]"), ["t2026", "T20"]);
        assert!(bracketed("no [brackets here").is_empty());
    }

    #[test]
    fn a_form_is_checked_key_by_key() {
        let ok = parse_form(
            r#"{"customer":"王先生","phone":"138 0000 0000","description":"  门把手松了\n","external_id":"f-1"}"#,
        )
        .unwrap();
        assert_eq!(ok.subject, "门把手松了");
        assert_eq!(ok.channel, Some(Channel::OnlineForm));
        assert_eq!(ok.message_id.as_deref(), Some("json:f-1"));
        let e = parse_form(r#"{"description":"x","colour":"red"}"#).unwrap_err();
        assert!(matches!(e, Refusal::Never(_)));
        assert!(e.to_string().contains("unknown field `colour`"), "{e}");
        let e = parse_form(r#"{"description":"x"}"#).unwrap_err();
        assert!(e.to_string().contains("names no customer"), "{e}");
    }

    #[test]
    fn a_mail_without_a_sender_can_never_be_taken() {
        let e = parse_mail(b"Subject: hi\r\n\r\nbody\r\n").unwrap_err();
        assert!(matches!(e, Refusal::Never(_)), "{e}");
        let m = parse_mail(
            "From: =?UTF-8?B?5byg5LyfIA==?= <Zhang@Example.com>\r\nSubject: =?UTF-8?Q?=E6=BC=8F=E6=B0=B4?=\r\nMessage-ID: <a@b>\r\n\r\nhello\r\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(m.subject, "漏水");
        assert_eq!(m.email.as_deref(), Some("Zhang@Example.com"));
        assert_eq!(m.message_id.as_deref(), Some("a@b"));
        assert_eq!(m.text, "hello");
    }
}
