//! `svcdesk ticket open`: the description (like `git commit`), then `steps::open`.

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use svcdesk::desk::Desk;
use svcdesk::hooks::HookEvent;
use svcdesk::model::steps::{self, Customer, NewTicket};
use svcdesk::model::ticket::{Channel, ComplaintKind, Grade, Priority, State, Ticket};
use svcdesk::{Error, Result};

use crate::cli::values::{self, Time};
use crate::cli::{Context, warn};

#[derive(clap::Args)]
pub struct OpenArgs {
    /// The customer: ID or unique abbreviation.
    #[arg(
        long,
        value_name = "CUSTOMER",
        conflicts_with = "new_customer",
        required_unless_present = "new_customer"
    )]
    customer: Option<String>,
    /// Register a new customer with this name on the way (give --phone too).
    #[arg(
        allow_hyphen_values = true,
        long,
        value_name = "NAME",
        requires = "phone"
    )]
    new_customer: Option<String>,
    /// Phone of the new customer.
    #[arg(long)]
    phone: Option<String>,
    /// Contact person for this ticket.
    #[arg(long)]
    contact: Option<String>,
    /// How the request came in.
    #[arg(long, default_value = "phone", value_parser = values::word::<Channel>())]
    channel: Channel,
    /// A category key of svcdesk.toml (consult, agency, complaint, suggestion, quality, ...).
    #[arg(long)]
    category: String,
    /// For complaints: what it is about.
    #[arg(long, value_parser = values::word::<ComplaintKind>())]
    complaint_kind: Option<ComplaintKind>,
    /// Product model.
    #[arg(long)]
    product: Option<String>,
    /// Serial number.
    #[arg(long)]
    serial: Option<String>,
    /// Purchase date, YYYY-MM-DD.
    #[arg(long, value_name = "DATE", value_parser = values::date())]
    purchase_date: Option<NaiveDate>,
    /// Purchase-voucher (invoice) number.
    #[arg(long)]
    voucher: Option<String>,
    /// One-line summary [default: the description's first line].
    #[arg(allow_hyphen_values = true, long)]
    title: Option<String>,
    /// Problem description: symptom, when, what the customer tried.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT",
        conflicts_with = "file"
    )]
    message: Option<String>,
    /// Read the description from FILE ("-" for stdin).
    #[arg(short = 'F', long, value_name = "FILE")]
    file: Option<PathBuf>,
    /// Take the title and description from the desk's templates/TEMPLATE.md (its header's
    /// `title`, its body), which may use customer.* and ticket.* as given here; -m
    /// follows the body as a paragraph of its own, --title replaces the header's.
    #[arg(long, value_name = "TEMPLATE", conflicts_with = "file")]
    template: Option<String>,
    /// Who registered it, if not the acting user (e.g. the sales colleague's name).
    #[arg(long)]
    submitter: Option<String>,
    /// Who passed it on (转交人).
    #[arg(long)]
    transferred_by: Option<String>,
    /// Priority; with the grade it picks the SLA targets.
    #[arg(long, default_value = "medium", value_parser = values::word::<Priority>())]
    priority: Priority,
    /// Grade now, if already known.
    #[arg(long, value_parser = values::word::<Grade>())]
    grade: Option<Grade>,
    /// Route to this department instead of the category's.
    #[arg(long)]
    department: Option<String>,
    /// Assign to this person straight away.
    #[arg(long, value_name = "STAFF")]
    assignee: Option<String>,
    /// Do not route: the ticket stays `new` until a dispatcher runs `ticket assign`.
    #[arg(long, conflicts_with_all = ["department", "assignee", "resolved_on_call"])]
    no_route: bool,
    #[command(flatten)]
    attach: crate::cli::values::AttachArgs,
    /// A tag (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// Solved on the call (no compensation): record what was said and close at once.
    #[arg(long, value_name = "TEXT")]
    resolved_on_call: Option<String>,
    /// When the request came in, if not now.
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    at: Option<Time>,
    /// Do not warn of possible duplicates ([duplicates] in svcdesk.toml).
    #[arg(long)]
    force: bool,
    /// A custom field of [fields] in svcdesk.toml (repeatable).
    #[arg(long = "field", value_name = "NAME=VALUE", value_parser = values::field)]
    fields: Vec<(String, String)>,
}

/// The description, like `git commit`: -m, -F FILE/-, or an editor on a template.
fn description(cx: &Context, a: &OpenArgs) -> Result<String> {
    // Like `git commit`, an empty description aborts, however it was given.
    let nonempty = |s: String| {
        if s.trim().is_empty() {
            Err(Error::invalid_with_hint(
                "empty description; nothing was opened",
                "describe the problem: symptom, when it happened, what the customer tried",
            ))
        } else {
            Ok(s)
        }
    };
    if let Some(m) = &a.message {
        return nonempty(m.clone());
    }
    if let Some(f) = &a.file {
        let mut s = String::new();
        if f == Path::new("-") {
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| Error::io("<stdin>", e))?;
        } else {
            let p = cx.cwd.join(f);
            s = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
        }
        return nonempty(s.trim_end().to_string());
    }
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .ok()
        .filter(|e| !e.trim().is_empty())
        .ok_or_else(|| {
            Error::invalid_with_hint(
                "no description given",
                "use -m TEXT, -F FILE (- for stdin), or set EDITOR to write it in an editor",
            )
        })?;
    let file = tempfile::Builder::new()
        .prefix("svcdesk-ticket-")
        .suffix(".txt")
        .tempfile()
        .map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let template = "\n# Describe the problem: symptom, when it happened, what the customer tried.\n# Lines starting with '#' are ignored; an empty description aborts.\n";
    std::fs::write(file.path(), template).map_err(|e| Error::io(file.path(), e))?;
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(file.path())
        .status()
        .map_err(|e| Error::invalid(format!("cannot run editor \"{editor}\": {e}")))?;
    if !status.success() {
        return Err(Error::invalid(format!(
            "editor \"{editor}\" failed ({status}); nothing was opened"
        )));
    }
    let text = std::fs::read_to_string(file.path()).map_err(|e| Error::io(file.path(), e))?;
    let body: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    let body = body.join("\n").trim().to_string();
    if body.is_empty() {
        return Err(Error::invalid("empty description; nothing was opened"));
    }
    Ok(body)
}

pub(super) fn exec(cx: &mut Context, desk: &Desk, a: OpenArgs) -> Result<u8> {
    let who = cx.who(desk)?;
    let by = who.by.clone();
    let at = cx.at(desk, values::at(&a.at))?;
    let description = match a.template {
        Some(_) => String::new(),
        None => description(cx, &a)?,
    };
    let category = a.category.clone();
    let no_route = a.no_route;
    let new_name = a.new_customer.clone().unwrap_or_default();
    let customer = match (a.customer, a.new_customer) {
        (Some(c), _) => Customer::Existing(c),
        (None, Some(name)) => Customer::New {
            name,
            phone: a.phone.unwrap_or_default(),
            email: None,
        },
        (None, None) => unreachable!("clap requires one"),
    };
    let new = NewTicket {
        customer,
        contact: a.contact,
        channel: a.channel,
        category: a.category,
        complaint_kind: a.complaint_kind,
        product: a.product,
        serial: a.serial,
        purchase_date: a.purchase_date,
        voucher: a.voucher,
        submitter: a.submitter,
        transferred_by: a.transferred_by,
        priority: a.priority,
        grade: a.grade,
        title: a.title,
        description,
        tags: a.tags,
        attachments: a.attach.files(&cx.cwd),
        department: a.department,
        assignee: a.assignee,
        no_route,
        resolved_on_call: a.resolved_on_call,
        skip_duplicates: a.force,
        fields: a.fields,
        template: None,
        message_id: None,
        files: Vec::new(),
    };
    let unknown_customer = |e| match e {
        Error::UnknownId { ref near, .. } if near.is_empty() => Error::invalid_with_hint(
            e.to_string(),
            "`svcdesk customer list` shows the customers (--name WORD to search); \
             or register one on the way with --new-customer NAME --phone PHONE",
        ),
        e => e,
    };
    let new = match &a.template {
        Some(name) => from_template(desk, new, &by, at, name, a.message.as_deref())
            .map_err(unknown_customer)?,
        None => new,
    };
    let opened = steps::open(desk, &who, at, new).map_err(unknown_customer)?;
    let t = &opened.ticket;
    let mut files = vec![opened.path.clone()];
    if let Some(c) = &opened.new_customer {
        eprintln!("{}: new customer {new_name}", c.id);
        files.push(c.path.clone());
    }
    for f in t.event.iter().flat_map(|e| &e.files) {
        files.push(desk.root.join(f.path()));
    }
    eprintln!(
        "{}: opened ({}{})",
        opened.id,
        t.state(),
        match (&t.department, &t.assignee) {
            (Some(d), Some(p)) => format!(", routed to {d} / {p}"),
            (Some(d), None) => format!(", routed to {d}"),
            _ if no_route => ", not routed: `svcdesk ticket assign` routes it".to_string(),
            _ => t
                .channel
                .filter(|c| desk.config.routing.is_manual(*c))
                .map(|c| {
                    format!(", {c} tickets are routed by hand: `svcdesk ticket forward` routes it")
                })
                .unwrap_or_default(),
        }
    );
    match &opened.duplicates {
        Ok(found) if !found.is_empty() => warn_duplicates(desk, t, found),
        Ok(_) => {}
        Err(e) => warn(&format!("could not look for possible duplicates: {e}")),
    }
    for e in &t.event {
        let action = e.action.map(|a| a.as_str()).unwrap_or_default();
        cx.fire(
            desk,
            HookEvent::ticket(desk, t, action, &by, &e.at.to_rfc3339()),
        );
    }
    cx.changed(
        desk,
        format!("ticket {}: open, {category} (by {by})", opened.id),
        files,
    );
    cx.print(&format!("{}\n", opened.id))?;
    Ok(0)
}

/// `new` with its title (unless --title) and description rendered from template `name`.
fn from_template(
    desk: &Desk,
    mut new: NewTicket,
    by: &str,
    at: chrono::DateTime<chrono::Utc>,
    name: &str,
    message: Option<&str>,
) -> Result<NewTicket> {
    let r = svcdesk::template::for_open(desk, &new, by, at, name)?;
    new.description = r.text(message)?;
    new.title = new.title.or(r.title);
    new.template = Some(r.name);
    Ok(new)
}

/// The possible duplicates of a ticket just opened, and what to do about them: merge it
/// into an open one, or link it as the same problem again to one already solved.
fn warn_duplicates(desk: &Desk, t: &Ticket, found: &[Ticket]) {
    let rule = &desk.config.duplicates;
    let fields: Vec<&str> = rule.fields.iter().map(|f| f.as_str()).collect();
    let days = rule.within.num_days();
    let within = if days > 0 && rule.within == chrono::Duration::days(days) {
        format!("{days} days")
    } else {
        format!("{} hours", rule.within.num_hours())
    };
    let (n, s) = (found.len(), if found.len() == 1 { "" } else { "s" });
    warn(&format!(
        "{} may duplicate {n} ticket{s} with the same {} opened within {within}:",
        t.id,
        fields.join(" and ")
    ));
    for d in found.iter().rev().take(MAX_SHOWN) {
        let opened = d
            .opened
            .map(|o| desk.local(o.to_utc()).format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        eprintln!(
            "  {}  {:11}  opened {opened}  {}",
            d.id,
            d.state().as_str(),
            d.title
        );
    }
    if n > MAX_SHOWN {
        eprintln!(
            "  ... and {} more (`svcdesk ticket list` finds them)",
            n - MAX_SHOWN
        );
    }
    let open = found
        .iter()
        .rev()
        .find(|d| !matches!(d.state(), State::Resolved | State::Closed));
    let done = found
        .iter()
        .rev()
        .find(|d| matches!(d.state(), State::Resolved | State::Closed));
    if let Some(d) = open {
        eprintln!(
            "  the same request: svcdesk ticket merge {} --into {} -m 'the same request'",
            t.id, d.id
        );
    }
    if let Some(d) = done {
        eprintln!(
            "  the problem again: svcdesk ticket link {} {} --kind repeat-of",
            t.id, d.id
        );
    }
    eprintln!(
        "  ({} is opened all the same; --force opens without this check)",
        t.id
    );
}

/// Possible duplicates listed by name; more are counted.
const MAX_SHOWN: usize = 5;
