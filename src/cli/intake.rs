//! `svcdesk intake mail|json`: one message on stdin, from a mail system or a web form,
//! taken by `model::intake::deliver`; the exit code is what a mail system understands.

use std::io::Read;

use svcdesk::Result;
use svcdesk::desk::{Desk, Id};
use svcdesk::hooks::HookEvent;
use svcdesk::model::intake::{self, Delivered, Incoming, Refusal};
use svcdesk::model::record::SYSTEM_ACTOR;

use super::{Context, report};

/// Taken (or taken before): sysexits EX_OK.
pub const EXIT_DELIVERED: u8 = 0;
/// Never takeable: sysexits EX_DATAERR; the mail system bounces it.
pub const EXIT_DATAERR: u8 = 65;
/// Not now: sysexits EX_TEMPFAIL; the mail system keeps it and tries again.
pub const EXIT_TEMPFAIL: u8 = 75;

pub const INTAKE_HELP: &str = "\
Exit codes (sysexits, as mail systems read them):
  0   delivered: a ticket opened, a reply recorded, or the same message taken before
  65  EX_DATAERR, never takeable: a malformed message or JSON, a sender [intake] unknown
      refuses, an attachment over [attachments] max_size; the mail system bounces it
  75  EX_TEMPFAIL, try again later: the desk lock still held after [intake] lock_wait,
      a full disk, no desk or a bad svcdesk.toml; the mail system keeps the message
Each refusal says why on stderr; nothing is written unless the message is delivered.
Events are by `svcdesk`; hooks run as for any open or reply.

svcdesk.toml (optional; the defaults, and one rule):
  [intake]
  category = \"consult\"      # when no rule matches
  # the first rule whose word is in the subject or text (case-blind) wins
  rules = [{ match = \"漏水\", category = \"quality\" }]
  unknown = \"create\"        # or \"customer:C20261124-K7Q2XM\", or \"refuse\"
  lock_wait = \"30s\"

Examples:
  svcdesk -C /srv/desk intake mail < message.eml
  |/usr/local/bin/svcdesk -C /srv/desk intake mail      # in ~/.forward
  curl ... | svcdesk intake json                         # see examples/intake/";

#[derive(clap::Subcommand)]
pub enum Command {
    /// Take one e-mail (RFC 5322) from stdin: a subject with a ticket ID in brackets
    /// ([T20261124-9XWM3A], any unique prefix) is the customer's reply to that ticket,
    /// which resumes if it was waiting on the customer; any other mail opens a ticket
    /// (channel email, customer by sender address, title the subject, description the
    /// text part or the HTML as text, attachments stored). The same Message-ID twice
    /// (within a year) is taken once: it names the ticket it opens.
    #[command(after_help = INTAKE_HELP)]
    Mail,
    /// Take one JSON object from stdin (a web form, a chat robot) and open a ticket:
    /// {"customer": "王先生", "phone": "138...", "email": "...", "channel": "online-form",
    /// "category": "quality", "title": "...", "description": "... (required)",
    /// "product": "...", "serial": "...", "external_id": "form-4711"}. The customer is
    /// found by email, else phone, else [intake] unknown decides; no other key is taken;
    /// the same external_id twice (within a year) is taken once.
    #[command(after_help = INTAKE_HELP)]
    Json,
}

pub fn exec(cx: &mut Context, c: Command) -> Result<u8> {
    let desk = match cx.desk() {
        Ok(d) => d,
        Err(e) => return Ok(refused(Refusal::Later(e))),
    };
    let mut raw = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut raw) {
        return Ok(refused(Refusal::Later(svcdesk::Error::io("<stdin>", e))));
    }
    let incoming: std::result::Result<Incoming, Refusal> = match c {
        Command::Mail => intake::parse_mail(&raw),
        Command::Json => match String::from_utf8(raw) {
            Ok(text) => intake::parse_form(&text),
            Err(_) => Err(Refusal::Never(svcdesk::Error::invalid(
                "malformed JSON: not UTF-8 text",
            ))),
        },
    };
    let incoming = match incoming {
        Ok(m) => m,
        Err(r) => return Ok(refused(r)),
    };
    let (at, when) = match (cx.time(&desk, None), cx.when(&desk, None)) {
        (Ok(at), Ok(when)) => (at, when),
        (Err(e), _) | (_, Err(e)) => return Ok(refused(Refusal::Later(e))),
    };
    match intake::deliver(&desk, at, when, incoming) {
        Ok(d) => delivered(cx, &desk, d),
        Err(r) => Ok(refused(r)),
    }
}

fn refused(r: Refusal) -> u8 {
    match r {
        Refusal::Never(e) => {
            report(&e);
            EXIT_DATAERR
        }
        Refusal::Later(e) => {
            report(&e);
            EXIT_TEMPFAIL
        }
    }
}

/// Says what became of the message (stderr), prints the ticket's ID (stdout), and notes
/// the files to commit and the events for the hooks.
fn delivered(cx: &mut Context, desk: &Desk, d: Delivered) -> Result<u8> {
    let (t, fired, mut files, what) = match d {
        Delivered::Already { ticket } => {
            eprintln!("{ticket}: this message was taken before; nothing changed");
            cx.print(&format!("{ticket}\n"))?;
            return Ok(EXIT_DELIVERED);
        }
        Delivered::Opened {
            ticket,
            new_customer,
        } => {
            let mut files = Vec::new();
            if let Some(c) = &new_customer {
                eprintln!("{}: new customer", c.id);
                files.push(c.path.clone());
            }
            eprintln!(
                "{}: opened ({}{})",
                ticket.id,
                ticket.state(),
                ticket
                    .department
                    .as_deref()
                    .map(|d| format!(", routed to {d}"))
                    .unwrap_or_default()
            );
            let fired = ticket.event.clone();
            (ticket, fired, files, "open")
        }
        Delivered::Replied { ticket, steps } => {
            let fired: Vec<_> = steps.into_iter().map(|s| s.event).collect();
            let resumed = fired.len() > 1;
            eprintln!(
                "{}: customer reply recorded{}",
                ticket.id,
                if resumed { "; resumed" } else { "" }
            );
            (ticket, fired, Vec::new(), "customer-reply")
        }
    };
    if let Some(id) = Id::parse(&t.id) {
        files.push(desk.path_of(&id));
    }
    for e in &fired {
        files.extend(e.files.iter().map(|f| desk.root.join(f.path())));
        let action = e.action.map(|a| a.as_str()).unwrap_or_default();
        cx.fire(
            desk,
            HookEvent::ticket(desk, &t, action, SYSTEM_ACTOR, &e.at.to_rfc3339()),
        );
    }
    cx.changed(desk, format!("ticket {}: {what} by intake", t.id), files);
    cx.print(&format!("{}\n", t.id))?;
    Ok(EXIT_DELIVERED)
}
