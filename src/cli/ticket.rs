use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use clap::Subcommand;
use svcdesk::desk::{self, Desk, Id, Kind, Who};
use svcdesk::hooks::HookEvent;
use svcdesk::model::customer::{self, Field, NewCustomer};
use svcdesk::model::ticket::{
    Action, Channel, CompKind, ComplaintKind, Event, Grade, LinkKind, Priority, State, Ticket,
    Visibility,
};
use svcdesk::model::ticket_store;
use svcdesk::output::{self, Rows};

use super::output::Format;
use svcdesk::sla::{TimerState, TimerStatus, view};
use svcdesk::{Error, Result};

use super::{Context, warn};

pub const STATES: &str = "\
States and the steps that move between them:

  new ─assign─► assigned ─accept─► accepted ─work─► in-progress
                   ▲                                  │    ▲
         assign, escalate --to                   wait │    │ resume
         (from any open state)                        ▼    │
                                                      waiting

  accepted, in-progress, waiting ─resolve─► resolved
  resolved ◄── revisit (scores 1-5)
  in-progress ◄─reopen── closed ◄──close── resolved

  • work = diagnose, plan, collab, respond (respond is allowed in any
    open state).
  • grade, note, link, escalate and the compensation steps do not
    change the state (escalate --to moves an accepted ticket back to
    assigned for the new owner).
  • open --resolved-on-call records a phone complaint settled on the
    call: taken, answered, resolved and closed at once (its revisit
    timer is n/a: nothing to follow up).
  • close is refused while compensation awaits finance review or the
    GM's decision.
  • an invalid step names the ticket's state and the steps allowed
    from it.";

#[derive(Subcommand)]
pub enum Command {
    /// Register a request, complaint or suggestion; routes it and prints its ID.
    #[command(after_help = "Examples:
  svcdesk ticket open --customer K7Q2 --channel phone --category complaint \\
      --complaint-kind attitude --product X200 --serial SN123 -m 'engineer was rude on site'
  svcdesk ticket open --new-customer '李明' --phone 13900002222 --category consult \\
      --resolved-on-call 'explained the reset procedure' -m 'device does not start'
  git log -1 --format=%B | svcdesk ticket open --customer K7Q2 --category quality -F -

The description comes from -m, from -F FILE (- for stdin), or from $VISUAL/$EDITOR.
The category's department (svcdesk.toml [categories]) receives the ticket; --department
routes by hand; --no-route leaves it `new` for a dispatcher to route with `ticket assign`.
The new ID is printed on stdout.")]
    Open(Box<OpenArgs>),
    /// Set or change the grade (I general, II serious, III major).
    #[command(after_help = "Examples:
  svcdesk ticket grade 9XWM II --reason 'core function down, one customer'
  svcdesk ticket grade 9XWM III --reason 'several customers; press involved'

Grades: I 一般 general, II 严重 serious, III 重大 major. The grade picks the SLA targets;
regrading re-targets running timers from their original start (see `svcdesk sla --help`).")]
    Grade(GradeArgs),
    /// Route to a department and/or person (re-routing resets acceptance).
    #[command(after_help = "Examples:
  svcdesk ticket assign 9XWM --to wang                   # a person of the ticket's department
  svcdesk ticket assign 9XWM --department quality --reason 'looks like a batch defect'

Assigning starts the `accept` timer; the assignee confirms with `ticket accept`.")]
    Assign(AssignArgs),
    /// The assignee confirms receipt.
    #[command(after_help = "Examples:
  svcdesk ticket accept 9XWM                     # as the assignee (SVCDESK_USER or --as)
  svcdesk --as sun ticket accept 9XWM            # a supervisor, head or manager takes it over")]
    Accept(CommonArgs),
    /// Add a progress note (internal, or told to the customer).
    #[command(after_help = "Examples:
  svcdesk ticket note 9XWM -m 'parts ordered from Suzhou, ETA Thursday'
  svcdesk ticket note 9XWM -m 'told the customer about the delay' --to-customer")]
    Note(NoteArgs),
    /// Record a reply to the customer (the first one stops the `respond` timer).
    #[command(after_help = "Examples:
  svcdesk ticket respond 9XWM -m 'apologised; new engineer tomorrow 9:00'
  svcdesk ticket respond 9XWM --channel wechat -m 'sent the reset video'")]
    Respond(RespondArgs),
    /// Record the diagnosis: cause, responsibility, estimated plan.
    #[command(after_help = "Examples:
  svcdesk ticket diagnose 9XWM --cause 'driver board' --responsibility product
  svcdesk ticket diagnose 9XWM --cause 'wrong wiring at install' --responsibility customer \\
      --plan 'rewire on site, no charge this once'")]
    Diagnose(DiagnoseArgs),
    /// Record the solution plan told to the customer.
    #[command(after_help = "Examples:
  svcdesk ticket plan 9XWM -m 'replace the driver board on site within 48 h'

For grade III the `plan` timer (2 h by default) stops here.")]
    Plan(TextArgs),
    /// Ask another department for help, with what is needed and by when.
    #[command(after_help = "Examples:
  svcdesk ticket collab 9XWM --department quality --need 'batch test of lot 2611' --due 2026-11-28

The other department answers with `svcdesk ticket reply`.")]
    Collab(CollabArgs),
    /// Record another department's answer to a collab request.
    #[command(after_help = "Examples:
  svcdesk ticket reply 9XWM -m 'lot 2611 passed; the fault is local'
  svcdesk ticket reply 9XWM --request 1 -m 'answer to the first collab request'")]
    Reply(ReplyArgs),
    /// Raise the grade and/or move the ticket to a manager, with a reason.
    #[command(after_help = "Examples:
  svcdesk ticket escalate 9XWM --grade III --reason 'customer threatens to go to the press'
  svcdesk ticket escalate 9XWM --to sun --reason 'no fix after two visits'")]
    Escalate(EscalateArgs),
    /// Pause: waiting for the customer, parts or another department.
    #[command(after_help = "Examples:
  svcdesk ticket wait 9XWM --for parts -m 'board DB-200 on back order'
  svcdesk ticket wait 9XWM --for customer

While waiting the `resolve` timer is paused; `svcdesk ticket resume` restarts it.")]
    Wait(WaitArgs),
    /// Resume work after waiting.
    #[command(after_help = "Examples:
  svcdesk ticket resume 9XWM -m 'parts arrived'")]
    Resume(OptTextArgs),
    /// Record the measures taken and the result.
    #[command(after_help = "Examples:
  svcdesk ticket resolve 9XWM -m 'board replaced, tested 2 h' --parts '1x DB-200'
  svcdesk ticket resolve 9XWM -m 'explained the setting' --attach photo.jpg

Resolving stops the `resolve` timer and starts `revisit` (回访, 24 h by default).")]
    Resolve(ResolveArgs),
    /// Record the revisit (回访): scores 1–5 for efficiency, attitude and result.
    #[command(after_help = "Examples:
  svcdesk ticket revisit 9XWM --efficiency 5 --attitude 4 --result 5
  svcdesk ticket revisit 9XWM --result 3 -m 'works now, but took too long'")]
    Revisit(RevisitArgs),
    /// Close and archive, with the final satisfaction score 1–5.
    #[command(after_help = "Examples:
  svcdesk ticket close 9XWM --satisfaction 5
  svcdesk ticket close 9XWM -m 'customer unreachable after three calls'

Refused while compensation awaits finance review or the GM's decision.")]
    Close(CloseArgs),
    /// Reopen a resolved or closed ticket, with a reason.
    #[command(after_help = "Examples:
  svcdesk ticket reopen 9XWM --reason 'the fault came back after a week'")]
    Reopen(ReasonArgs),
    /// Link to another ticket: duplicate, related, or repeat-of.
    #[command(after_help = "Examples:
  svcdesk ticket link 9XWM QF7R                   # related (the default)
  svcdesk ticket link 9XWM QF7R --kind duplicate")]
    Link(LinkArgs),
    /// Redact personal data in an earlier event (PIPL); a `redact` event records why.
    #[command(after_help = REDACT_HELP)]
    Redact(RedactArgs),
    /// Show a ticket's fields and timeline.
    #[command(after_help = "Examples:
  svcdesk ticket show 9XWM                        # fields, SLA timers, timeline
  svcdesk ticket show 9XWM --format json | jq .event         # the history
  svcdesk ticket show 9XWM --format json | jq '.sla[] | select(.outcome == \"breached\")'

The SLA section lists every run of every timer that applies (a reopen or re-assignment
starts a new run; earlier runs keep their outcome). JSON has them in `sla`: timer, run,
target, basis, started, due, stopped, outcome, decided (when a report counts it),
remaining_minutes and remaining_unit (wall, or working: minutes of working time), notified.
CSV is field,value pairs, as for `customer show` and `report show`: the columns of
`ticket list --sla` (its next deadline included), then the history as event.N.at,
event.N.by, event.N.action and event.N.text (N from 1).")]
    Show(ShowArgs),
    /// List tickets, filtered and sorted.
    #[command(after_help = "Examples:
  svcdesk ticket list --open --grade III
  svcdesk ticket list --department service --state assigned --state accepted
  svcdesk ticket list --opened-from 2026-11-01 --opened-to 2026-11-30 --format csv > nov.csv
  svcdesk ticket list --overdue                      # a running SLA timer is past due
  svcdesk ticket list --due-within 2h --mine         # what I must act on in the next 2 hours
  svcdesk ticket list --open --sla --format csv      # with each ticket's next deadline

CSV columns: id,state,grade,priority,category,complaint_kind,channel,department,assignee,
customer,contact,product,serial,opened,accepted,responded,resolved,closed,satisfaction,
reopened,compensation,compensation_amount,compensation_currency,tags,title

--sla adds sla_timer,sla_run,sla_due,sla_state,sla_remaining_minutes,sla_remaining_unit:
the run still going that is due first (empty when none is), and in JSON an `sla` array of
every run, as in `ticket show --format json`.")]
    List(Box<ListArgs>),
}

/// Compensation (补偿/赔款): request, finance review, general manager's decision.
#[derive(Subcommand)]
pub enum CompCommand {
    /// Request compensation for a ticket.
    #[command(after_help = "Examples:
  svcdesk comp request 9XWM --amount 500 --kind refund --reason 'second failure in a month'")]
    Request(CompRequestArgs),
    /// Finance reviews a request (needs the role finance when the desk lists staff).
    #[command(after_help = "Examples:
  svcdesk --as zhao comp review 9XWM -m 'amount within policy'")]
    Review(OptTextArgs),
    /// The general manager approves a reviewed request (role gm).
    #[command(after_help = "Examples:
  svcdesk --as chen comp approve 9XWM")]
    Approve(OptTextArgs),
    /// The general manager (or finance, before review) rejects a request.
    #[command(after_help = "Examples:
  svcdesk --as chen comp reject 9XWM -m 'covered by the warranty repair'")]
    Reject(OptTextArgs),
}

#[derive(clap::Args)]
pub struct CommonArgs {
    /// Ticket ID or unique abbreviation.
    id: String,
    /// When it happened, if not now (e.g. "2026-11-24 09:30", desk time; SVCDESK_NOW sets
    /// the clock for every command). More than 5 minutes after now needs --future.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

#[derive(clap::Args)]
pub struct TextArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// The text to record.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    text: String,
}

#[derive(clap::Args)]
pub struct OptTextArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// A comment to record with the step.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    text: Option<String>,
}

#[derive(clap::Args)]
pub struct ReasonArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Why (recorded in the timeline).
    #[arg(allow_hyphen_values = true, long)]
    reason: String,
}

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
    #[arg(long, value_enum, default_value = "phone")]
    channel: Channel,
    /// A category key of svcdesk.toml (consult, agency, complaint, suggestion, quality, ...).
    #[arg(long)]
    category: String,
    /// For complaints: what it is about.
    #[arg(long, value_enum)]
    complaint_kind: Option<ComplaintKind>,
    /// Product model.
    #[arg(long)]
    product: Option<String>,
    /// Serial number.
    #[arg(long)]
    serial: Option<String>,
    /// Purchase date, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    purchase_date: Option<String>,
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
    /// Who registered it, if not the acting user (e.g. the sales colleague's name).
    #[arg(long)]
    submitter: Option<String>,
    /// Who passed it on (转交人).
    #[arg(long)]
    transferred_by: Option<String>,
    /// Priority; with the grade it picks the SLA targets.
    #[arg(long, value_enum, default_value = "medium")]
    priority: Priority,
    /// Grade now, if already known.
    #[arg(long, value_enum)]
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
    /// Attach a file (repeatable); it must exist.
    #[arg(long = "attach", value_name = "PATH")]
    attachments: Vec<PathBuf>,
    /// A tag (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// Solved on the call (no compensation): record what was said and close at once.
    #[arg(long, value_name = "TEXT")]
    resolved_on_call: Option<String>,
    /// When the request came in, if not now.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

#[derive(clap::Args)]
pub struct GradeArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// I 一般 general, II 严重 serious, III 重大 major (after the ID).
    #[arg(value_name = "GRADE", value_parser = GradeText)]
    grade: String,
    /// Why this grade (impact, urgency, customer's mood).
    #[arg(allow_hyphen_values = true, long)]
    reason: Option<String>,
}

#[derive(clap::Args)]
pub struct AssignArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// A department key of svcdesk.toml [departments].
    #[arg(long)]
    department: Option<String>,
    /// The person who should handle it.
    #[arg(long, value_name = "STAFF")]
    to: Option<String>,
    /// Why it is routed this way.
    #[arg(allow_hyphen_values = true, long)]
    reason: Option<String>,
}

pub const REDACT_HELP: &str = "\
Examples:
  svcdesk ticket redact 9XWM --event 3 --field text --reason 'PIPL request of 2026-12-01'

The value becomes \"[redacted]\" where it stood and a `redact` event records who, when,
which event and field, and why — never the old value. The fields are replayed (a redacted
description or resolution reads [redacted] too) and `svcdesk check` accepts the history.
In a git merge the redacted copy wins over an unredacted one from another clone. The old
value is still in git's history: README (\"Redaction\") shows how to purge it there too.
Fields: title, contact, description, text, reason, cause, responsibility, need, parts,
product, serial, voucher, submitter, transferred_by.";

#[derive(clap::Args)]
pub struct RedactArgs {
    /// Ticket ID or unique abbreviation.
    id: String,
    /// The event, by its number in `ticket show` (1 = open).
    #[arg(long, value_name = "N")]
    event: u32,
    /// The field to redact, e.g. text or description.
    #[arg(long)]
    field: String,
    /// Why (e.g. the request it answers); recorded in the `redact` event.
    #[arg(allow_hyphen_values = true, long)]
    reason: String,
    /// When, if not now (desk time).
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

#[derive(clap::Args)]
pub struct NoteArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// The note.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    text: String,
    /// The note was also told to the customer.
    #[arg(long)]
    to_customer: bool,
}

#[derive(clap::Args)]
pub struct RespondArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// What the customer was told.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    text: String,
    /// How the customer was reached.
    #[arg(long, value_enum)]
    channel: Option<Channel>,
}

#[derive(clap::Args)]
pub struct DiagnoseArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// The cause found (原因分析).
    #[arg(long)]
    cause: String,
    /// Who is responsible: product, customer, logistics, dealer, ...
    #[arg(long)]
    responsibility: Option<String>,
    /// Estimated plan.
    #[arg(long)]
    plan: Option<String>,
}

#[derive(clap::Args)]
pub struct CollabArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// The department asked.
    #[arg(long)]
    department: String,
    /// What is needed.
    #[arg(long)]
    need: String,
    /// By when, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    due: Option<String>,
}

#[derive(clap::Args)]
pub struct ReplyArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Which collab request (1 = the first) this answers [default: the latest].
    #[arg(long, value_name = "N")]
    request: Option<u32>,
    /// The other department's answer.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    text: String,
}

#[derive(clap::Args)]
pub struct EscalateArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Raise the grade to this.
    #[arg(long, value_enum)]
    grade: Option<Grade>,
    /// Move to this person (e.g. the after-sales manager).
    #[arg(long, value_name = "STAFF")]
    to: Option<String>,
    /// Move to this department.
    #[arg(long)]
    department: Option<String>,
    /// Why it is escalated.
    #[arg(allow_hyphen_values = true, long)]
    reason: String,
}

#[derive(clap::Args)]
pub struct WaitArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// What for: customer, parts, department, ...
    #[arg(allow_hyphen_values = true, long = "for", value_name = "WHAT")]
    reason: String,
    /// Details, e.g. what was ordered and when it is expected.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    text: Option<String>,
}

#[derive(clap::Args)]
pub struct ResolveArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Measures taken and the result.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    text: String,
    /// Parts used.
    #[arg(long)]
    parts: Option<String>,
    /// Attach a file (repeatable); it must exist.
    #[arg(long = "attach", value_name = "PATH")]
    attachments: Vec<PathBuf>,
}

#[derive(clap::Args)]
pub struct RevisitArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Efficiency score 1–5.
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
    efficiency: Option<u8>,
    /// Attitude score 1–5.
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
    attitude: Option<u8>,
    /// Result score 1–5 (becomes the ticket's satisfaction).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
    result: Option<u8>,
    /// The customer's comment.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    text: Option<String>,
}

#[derive(clap::Args)]
pub struct CloseArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Final satisfaction 1 (very dissatisfied) – 5 (very satisfied).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
    satisfaction: Option<u8>,
    /// A closing remark.
    #[arg(
        short = 'm',
        allow_hyphen_values = true,
        long = "message",
        value_name = "TEXT"
    )]
    text: Option<String>,
}

#[derive(clap::Args)]
pub struct LinkArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// The other ticket.
    other: String,
    /// How the tickets are linked.
    #[arg(long, value_enum, default_value = "related")]
    kind: LinkKind,
}

#[derive(clap::Args)]
pub struct CompRequestArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Amount, e.g. 500 or 199.90.
    #[arg(allow_hyphen_values = true, long)]
    amount: String,
    /// Currency code.
    #[arg(long, default_value = "CNY")]
    currency: String,
    /// The form of compensation.
    #[arg(long, value_enum)]
    kind: CompKind,
    /// Why compensation is due.
    #[arg(allow_hyphen_values = true, long)]
    reason: Option<String>,
}

#[derive(clap::Args)]
pub struct ShowArgs {
    /// Ticket ID or unique abbreviation.
    id: String,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum SortKey {
    Id,
    Opened,
    State,
    Grade,
    Priority,
    Assignee,
    Customer,
}

#[derive(clap::Args)]
pub struct ListArgs {
    #[arg(long, help = super::SKIP_BAD_HELP)]
    skip_bad: bool,
    /// Only tickets not closed.
    #[arg(long)]
    open: bool,
    /// Only tickets assigned to me (--as / SVCDESK_USER).
    #[arg(long)]
    mine: bool,
    /// Only these states (repeatable).
    #[arg(long, value_enum)]
    state: Vec<State>,
    #[arg(long, value_enum)]
    grade: Vec<Grade>,
    #[arg(long, value_enum)]
    priority: Vec<Priority>,
    #[arg(long)]
    category: Vec<String>,
    #[arg(long)]
    department: Vec<String>,
    #[arg(long, value_name = "STAFF")]
    assignee: Vec<String>,
    /// Customer ID or abbreviation.
    #[arg(long)]
    customer: Option<String>,
    #[arg(long, value_enum)]
    channel: Vec<Channel>,
    /// Only tickets with this tag (repeat: all must match).
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// Opened on or after this date (desk time).
    #[arg(long, value_name = "DATE")]
    opened_from: Option<String>,
    /// Opened on or before this date.
    #[arg(long, value_name = "DATE")]
    opened_to: Option<String>,
    /// Closed on or after this date.
    #[arg(long, value_name = "DATE")]
    closed_from: Option<String>,
    /// Closed on or before this date.
    #[arg(long, value_name = "DATE")]
    closed_to: Option<String>,
    /// Text in the title, description, product, serial or resolution (case-insensitive).
    #[arg(allow_hyphen_values = true, long)]
    text: Option<String>,
    /// Only tickets with a running SLA timer past its deadline.
    #[arg(long)]
    overdue: bool,
    /// Only tickets with a running SLA timer due within this time (e.g. 2h, 30m, 1d).
    #[arg(long, value_name = "DURATION")]
    due_within: Option<String>,
    /// Add SLA columns: the next deadline of each ticket (JSON: every timer run).
    #[arg(long)]
    sla: bool,
    #[arg(long, value_enum, default_value = "id")]
    sort: SortKey,
    #[arg(long)]
    reverse: bool,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

fn event(who: &Who, at: DateTime<Utc>, desk: &Desk, action: Action) -> Event {
    Event {
        at: desk.local(at),
        by: who.by.clone(),
        entered_by: who.entered_by.clone(),
        action: Some(action),
        ..Event::default()
    }
}

/// Stores attachment paths relative to the desk when inside it, else absolute; each must exist.
fn attachments(cx: &Context, desk: &Desk, paths: &[PathBuf]) -> Result<Vec<String>> {
    paths
        .iter()
        .map(|p| {
            let abs = cx.cwd.join(p);
            let canon = std::fs::canonicalize(&abs)
                .map_err(|e| Error::invalid(format!("attachment {}: {e}", p.display())))?;
            if !canon.is_file() {
                return Err(Error::invalid(format!(
                    "attachment {} is not a file",
                    p.display()
                )));
            }
            let root = std::fs::canonicalize(&desk.root).unwrap_or_else(|_| desk.root.clone());
            Ok(canon
                .strip_prefix(&root)
                .unwrap_or(&canon)
                .display()
                .to_string())
        })
        .collect()
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

fn title_of(title: Option<&str>, description: &str) -> String {
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

pub fn exec(cx: &mut Context, cmd: Command) -> Result<u8> {
    let desk = cx.desk()?;
    match cmd {
        Command::Open(a) => open(cx, &desk, *a),
        Command::Show(a) => {
            let id = desk.resolve(Kind::Ticket, &a.id)?;
            let t = ticket_store::load(&desk, &id)?;
            let policy = super::sla::policy(&desk)?;
            let now = cx.time(&desk, None)?;
            let runs = [policy.evaluate(&t, now)];
            let text = match a.format {
                Format::Json => output::json(&with_runs(&desk, &t, &runs[0])),
                Format::Csv => show_rows(&desk, &t, &runs).to_csv(),
                Format::Table => {
                    let visits = svcdesk::model::report::for_ticket(&desk, &t.id)?;
                    let mut text = show_text(&desk, &t, &visits);
                    text.push_str(&sla_text(&desk, &runs[0]));
                    text
                }
            };
            cx.print(&text)?;
            Ok(0)
        }
        Command::List(a) => list(cx, &desk, *a),
        Command::Redact(a) => {
            let id = desk.resolve(Kind::Ticket, &a.id)?;
            let request = svcdesk::model::redact::Request {
                field: a.field,
                reason: a.reason,
                by: cx.actor(&desk)?,
                at: cx.time(&desk, a.at.as_deref())?,
            };
            let (t, path) = svcdesk::model::redact::ticket(&desk, &id, a.event, &request)?;
            eprintln!("{id}: event {} `{}` redacted", a.event, request.field);
            let at = desk.local(request.at).to_rfc3339();
            cx.fire(
                &desk,
                HookEvent::ticket(&desk, &t, "redact", &request.by, &at),
            );
            cx.changed(
                &desk,
                format!(
                    "ticket {id}: redact event {} {} (by {})",
                    a.event, request.field, request.by
                ),
                vec![path],
            );
            Ok(0)
        }
        other => {
            let (common, fill): (CommonArgs, Fill) = match other {
                Command::Grade(a) => {
                    let grade = grade_arg(&a.common.id, &a.grade)?;
                    (
                        a.common,
                        Box::new(move |e, _| {
                            e.action = Some(Action::Grade);
                            e.grade = Some(grade);
                            e.reason = a.reason;
                            Ok(())
                        }),
                    )
                }
                Command::Assign(a) => (
                    a.common,
                    Box::new(move |e, _| {
                        e.action = Some(Action::Assign);
                        e.department = a.department;
                        e.assignee = a.to;
                        e.reason = a.reason;
                        Ok(())
                    }),
                ),
                Command::Accept(c) => (
                    c,
                    Box::new(|e, _| {
                        e.action = Some(Action::Accept);
                        Ok(())
                    }),
                ),
                Command::Note(a) => (
                    a.common,
                    Box::new(move |e, _| {
                        e.action = Some(Action::Note);
                        e.text = Some(a.text);
                        e.visibility = Some(if a.to_customer {
                            Visibility::Customer
                        } else {
                            Visibility::Internal
                        });
                        Ok(())
                    }),
                ),
                Command::Respond(a) => (
                    a.common,
                    Box::new(move |e, _| {
                        e.action = Some(Action::Respond);
                        e.text = Some(a.text);
                        e.channel = a.channel;
                        Ok(())
                    }),
                ),
                Command::Diagnose(a) => (
                    a.common,
                    Box::new(move |e, _| {
                        e.action = Some(Action::Diagnose);
                        e.cause = Some(a.cause);
                        e.responsibility = a.responsibility;
                        e.text = a.plan;
                        Ok(())
                    }),
                ),
                Command::Plan(a) => (
                    a.common,
                    Box::new(move |e, _| {
                        e.action = Some(Action::Plan);
                        e.text = Some(a.text);
                        Ok(())
                    }),
                ),
                Command::Collab(a) => (
                    a.common,
                    Box::new(move |e, _| {
                        e.action = Some(Action::Collab);
                        e.department = Some(a.department);
                        e.need = Some(a.need);
                        e.due = a.due.as_deref().map(desk::parse_date).transpose()?;
                        Ok(())
                    }),
                ),
                Command::Reply(a) => {
                    let id = desk.resolve(Kind::Ticket, &a.common.id)?;
                    let asked = ticket_store::load(&desk, &id)?
                        .event
                        .iter()
                        .filter(|e| e.action == Some(Action::Collab))
                        .count() as u32;
                    (
                        a.common,
                        Box::new(move |e, _| {
                            e.action = Some(Action::CollabReply);
                            e.request = a.request.or((asked > 0).then_some(asked));
                            e.text = Some(a.text);
                            Ok(())
                        }),
                    )
                }
                Command::Escalate(a) => (
                    a.common,
                    Box::new(move |e, _| {
                        e.action = Some(Action::Escalate);
                        e.grade = a.grade;
                        e.assignee = a.to;
                        e.department = a.department;
                        e.reason = Some(a.reason);
                        Ok(())
                    }),
                ),
                Command::Wait(a) => (
                    a.common,
                    Box::new(move |e, _| {
                        e.action = Some(Action::Wait);
                        e.reason = Some(a.reason);
                        e.text = a.text;
                        Ok(())
                    }),
                ),
                Command::Resume(a) => (
                    a.common,
                    Box::new(move |e, _| {
                        e.action = Some(Action::Resume);
                        e.text = a.text;
                        Ok(())
                    }),
                ),
                Command::Resolve(a) => {
                    let files = attachments(cx, &desk, &a.attachments)?;
                    (
                        a.common,
                        Box::new(move |e, _| {
                            e.action = Some(Action::Resolve);
                            e.text = Some(a.text);
                            e.parts = a.parts;
                            e.attachments = files;
                            Ok(())
                        }),
                    )
                }
                Command::Revisit(a) => (
                    a.common,
                    Box::new(move |e, _| {
                        e.action = Some(Action::Revisit);
                        e.efficiency = a.efficiency;
                        e.attitude = a.attitude;
                        e.result = a.result;
                        e.text = a.text;
                        Ok(())
                    }),
                ),
                Command::Close(a) => (
                    a.common,
                    Box::new(move |e, _| {
                        e.action = Some(Action::Close);
                        e.satisfaction = a.satisfaction;
                        e.text = a.text;
                        Ok(())
                    }),
                ),
                Command::Reopen(a) => (
                    a.common,
                    Box::new(move |e, _| {
                        e.action = Some(Action::Reopen);
                        e.reason = Some(a.reason);
                        Ok(())
                    }),
                ),
                Command::Link(a) => (
                    a.common,
                    Box::new(move |e, d| {
                        e.action = Some(Action::Link);
                        e.link = Some(a.kind);
                        e.ticket = Some(d.resolve(Kind::Ticket, &a.other)?.to_string());
                        Ok(())
                    }),
                ),
                Command::Open(_) | Command::Show(_) | Command::List(_) | Command::Redact(_) => {
                    unreachable!("handled above")
                }
            };
            step(cx, &desk, common, fill)
        }
    }
}

/// GRADE as typed: every grade offered to help and shell completion, but any text
/// accepted, so that [`grade_arg`] can tell a swapped ID and grade apart from a typo.
#[derive(Clone)]
struct GradeText;

impl clap::builder::TypedValueParser for GradeText {
    type Value = String;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> std::result::Result<String, clap::Error> {
        Ok(value.to_string_lossy().into_owned())
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            Grade::ALL
                .iter()
                .map(|g| clap::builder::PossibleValue::new(g.as_str())),
        ))
    }
}

/// The GRADE of `ticket grade ID GRADE`. The two swapped (`ticket grade II 9XWM`, the
/// order people say it in) is a usage error that shows the order and the fixed command.
fn grade_arg(id: &str, grade: &str) -> Result<Grade> {
    use svcdesk::error::shown;
    if let Some(g) = Grade::parse(grade) {
        return Ok(g);
    }
    match Grade::parse(id) {
        Some(g) => Err(Error::usage(
            format!(
                "\"{}\" is not a grade: the ticket ID comes first, then the grade",
                shown(grade)
            ),
            format!(
                "usage: svcdesk ticket grade ID GRADE, here `svcdesk ticket grade {} {g}`",
                shown(grade)
            ),
        )),
        None => Err(Error::usage(
            format!("\"{}\" is not a grade", shown(grade)),
            format!(
                "usage: svcdesk ticket grade ID GRADE, where GRADE is one of {}",
                Grade::names()
            ),
        )),
    }
}

pub fn exec_comp(cx: &mut Context, cmd: CompCommand) -> Result<u8> {
    let desk = cx.desk()?;
    let (common, fill): (CommonArgs, Fill) = match cmd {
        CompCommand::Request(a) => {
            let amount = a.amount.trim().to_string();
            if !svcdesk::model::ticket::valid_amount(&amount) {
                return Err(Error::usage(
                    format!(
                        "--amount \"{}\" is not an amount",
                        svcdesk::error::shown(&amount)
                    ),
                    "the amount must be a positive number, e.g. --amount 500 or --amount 199.90",
                ));
            }
            (
                a.common,
                Box::new(move |e, _| {
                    e.action = Some(Action::CompRequest);
                    e.amount = Some(amount);
                    e.currency = Some(a.currency.trim().to_uppercase());
                    e.comp_kind = Some(a.kind);
                    e.reason = a.reason;
                    Ok(())
                }),
            )
        }
        CompCommand::Review(a) => decision(a, Action::CompReview),
        CompCommand::Approve(a) => decision(a, Action::CompApprove),
        CompCommand::Reject(a) => decision(a, Action::CompReject),
    };
    step(cx, &desk, common, fill)
}

type Fill = Box<dyn FnOnce(&mut Event, &Desk) -> Result<()>>;

fn decision(a: OptTextArgs, action: Action) -> (CommonArgs, Fill) {
    (
        a.common,
        Box::new(move |e, _| {
            e.action = Some(action);
            e.text = a.text;
            Ok(())
        }),
    )
}

/// Builds the event for one step, appends it, and says what happened on stderr.
fn step(cx: &mut Context, desk: &Desk, common: CommonArgs, fill: Fill) -> Result<u8> {
    let id = desk.resolve(Kind::Ticket, &common.id)?;
    let who = cx.who(desk)?;
    let by = who.by.clone();
    let when = cx.when(desk, common.at.as_deref())?;
    let mut e = event(&who, chrono::DateTime::UNIX_EPOCH, desk, Action::Note);
    fill(&mut e, desk)?;
    let action = e.action.expect("every step sets its action");
    let t = ticket_store::append(desk, &id, when, e)?;
    let e = t.event.last().expect("the step just appended").clone();
    eprintln!("{id}: {action} (now {})", t.state());
    cx.fire(
        desk,
        HookEvent::ticket(desk, &t, action.as_str(), &by, &e.at.to_rfc3339()),
    );
    let detail = match action {
        Action::Grade => e.grade.map(|g| format!(" {g}")).unwrap_or_default(),
        Action::Assign | Action::Escalate => {
            let to: Vec<&str> = [e.department.as_deref(), e.assignee.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            let grade = e.grade.map(|g| format!(" grade {g}")).unwrap_or_default();
            if to.is_empty() {
                grade
            } else {
                format!("{grade} to {}", to.join("/"))
            }
        }
        _ => String::new(),
    };
    cx.changed(
        desk,
        format!(
            "ticket {id}: {action}{detail} (by {by}{})",
            who.entered_by
                .as_ref()
                .map(|e| format!(", entered by {e}"))
                .unwrap_or_default()
        ),
        vec![desk.path_of(&id)],
    );
    // Closed with nothing of what the customer thought: the ledger's satisfaction stays
    // empty, which is allowed (a customer who cannot be reached) but rarely meant.
    if action == Action::Close
        && t.satisfaction.is_none()
        && !t.event.iter().any(|e| e.action == Some(Action::Revisit))
    {
        warn(&format!(
            "{id}: closed with no satisfaction and no revisit recorded, so its satisfaction \
             stays empty in ledgers and stats; record the customer's view with \
             `svcdesk ticket revisit {id} --result N` before `ticket close`, or close \
             with --satisfaction N (1-5)"
        ));
    }
    if action == Action::Revisit
        && [e.efficiency, e.attitude, e.result]
            .iter()
            .flatten()
            .any(|&s| s <= 2)
    {
        warn(&format!(
            "the customer is not satisfied; consider `svcdesk ticket reopen {id} --reason ...`"
        ));
    }
    Ok(0)
}

fn open(cx: &mut Context, desk: &Desk, a: OpenArgs) -> Result<u8> {
    let who = cx.who(desk)?;
    let by = who.by.clone();
    let at = cx.at(desk, a.at.as_deref())?;
    let text = description(cx, &a)?;
    let files = attachments(cx, desk, &a.attachments)?;
    let purchase_date = a
        .purchase_date
        .as_deref()
        .map(desk::parse_date)
        .transpose()?;
    if !desk.config.categories.contains_key(&a.category) {
        return Err(desk::not_known(
            format!(
                "unknown category \"{}\"",
                svcdesk::error::shown(&a.category)
            ),
            &a.category,
            "categories of this desk",
            desk.config.categories.keys().map(String::as_str),
        ));
    }
    let mut new_customer = None;
    let a_category = a.category.clone();
    let customer_id = match (&a.customer, &a.new_customer) {
        (Some(c), _) => desk
            .resolve(Kind::Customer, c)
            .map_err(|e| match e {
                Error::UnknownId { ref near, .. } if near.is_empty() => Error::invalid_with_hint(
                    e.to_string(),
                    "`svcdesk customer list` shows the customers (--name WORD to search); \
                     or register one on the way with --new-customer NAME --phone PHONE",
                ),
                e => e,
            })?
            .to_string(),
        (None, Some(name)) => {
            let added = customer::add(
                desk,
                NewCustomer {
                    fields: vec![
                        (Field::Name, name.clone()),
                        (Field::Phone, a.phone.clone().unwrap_or_default()),
                        (Field::Contact, a.contact.clone().unwrap_or_default()),
                    ],
                    tags: Vec::new(),
                    by: by.clone(),
                    at,
                    force: false,
                },
            )?;
            eprintln!("{}: new customer {name}", added.id);
            new_customer = Some(added.path.clone());
            added.id.to_string()
        }
        (None, None) => unreachable!("clap requires one"),
    };
    let mut first = event(&who, at, desk, Action::Open);
    first.title = Some(title_of(a.title.as_deref(), &text));
    first.customer = Some(customer_id);
    first.contact = a.contact;
    first.channel = Some(a.channel);
    first.category = Some(a.category.clone());
    first.complaint_kind = a.complaint_kind;
    first.product = a.product;
    first.serial = a.serial;
    first.purchase_date = purchase_date;
    first.voucher = a.voucher;
    first.submitter = a.submitter;
    first.transferred_by = a.transferred_by;
    first.priority = Some(a.priority);
    first.grade = a.grade;
    first.tags = a.tags;
    first.attachments = files;
    first.description = Some(text);
    let department = a
        .department
        .clone()
        .unwrap_or_else(|| desk.config.categories[&a.category].department.clone());
    let mut route = event(&who, at, desk, Action::Assign);
    route.reason = Some(match &a.department {
        Some(_) => "routed by hand".to_string(),
        None => format!("routed by category {}", a.category),
    });
    route.department = Some(department);
    route.assignee = a.assignee;
    let mut events = vec![first];
    if !a.no_route {
        events.push(route);
    }
    if let Some(said) = a.resolved_on_call {
        // Settled by whoever took the call: they are its assignee, not the routing rule.
        // They took it, answered the customer and solved it there and then: recorded as
        // such, so the accept and respond timers are met rather than missed.
        events[1].assignee = Some(by.clone());
        let accept = event(&who, at, desk, Action::Accept);
        let mut respond = event(&who, at, desk, Action::Respond);
        respond.text = Some(said.clone());
        events.extend([accept, respond]);
        let mut r = event(&who, at, desk, Action::Resolve);
        r.text = Some(said);
        r.on_call = true;
        let mut c = event(&who, at, desk, Action::Close);
        c.text = Some("resolved on the call".into());
        events.extend([r, c]);
    }
    let opened = ticket_store::create(desk, events)?;
    let t = &opened.ticket;
    eprintln!(
        "{}: opened ({}{})",
        opened.id,
        t.state(),
        match (&t.department, &t.assignee) {
            (Some(d), Some(p)) => format!(", routed to {d} / {p}"),
            (Some(d), None) => format!(", routed to {d}"),
            _ if a.no_route => ", not routed: `svcdesk ticket assign` routes it".to_string(),
            _ => String::new(),
        }
    );
    for e in &t.event {
        let action = e.action.map(|a| a.as_str()).unwrap_or_default();
        cx.fire(
            desk,
            HookEvent::ticket(desk, t, action, &by, &e.at.to_rfc3339()),
        );
    }
    let mut files = vec![opened.path.clone()];
    files.extend(new_customer);
    cx.changed(
        desk,
        format!("ticket {}: open, {} (by {by})", opened.id, a_category),
        files,
    );
    cx.print(&format!("{}\n", opened.id))?;
    Ok(0)
}

fn local_date(desk: &Desk, t: &DateTime<FixedOffset>) -> NaiveDate {
    t.with_timezone(&desk.tz()).date_naive()
}

fn list(cx: &mut Context, desk: &Desk, a: ListArgs) -> Result<u8> {
    let me = if a.mine { Some(cx.actor(desk)?) } else { None };
    let customer = a
        .customer
        .as_deref()
        .map(|c| desk.resolve(Kind::Customer, c))
        .transpose()?;
    let date = |s: &Option<String>| s.as_deref().map(desk::parse_date).transpose();
    let (of, ot, cf, ct) = (
        date(&a.opened_from)?,
        date(&a.opened_to)?,
        date(&a.closed_from)?,
        date(&a.closed_to)?,
    );
    let cfg = &desk.config;
    super::warn_unknown_filter(
        "--category",
        &a.category,
        cfg.categories.keys().map(String::as_str),
    );
    super::warn_unknown_filter(
        "--department",
        &a.department,
        cfg.departments.keys().map(String::as_str),
    );
    if !cfg.staff.is_empty() {
        super::warn_unknown_filter(
            "--assignee",
            &a.assignee,
            cfg.staff.iter().map(|s| s.id.as_str()),
        );
    }
    let text = a.text.as_deref().map(str::to_lowercase);
    let within =
        |t: Option<&DateTime<FixedOffset>>, from: Option<NaiveDate>, to: Option<NaiveDate>| {
            if from.is_none() && to.is_none() {
                return true;
            }
            t.map(|t| local_date(desk, t))
                .is_some_and(|d| from.is_none_or(|f| d >= f) && to.is_none_or(|x| d <= x))
        };
    let any = |want: &[String], v: &Option<String>| {
        want.is_empty() || v.as_ref().is_some_and(|v| want.contains(v))
    };
    let policy = if a.overdue || a.due_within.is_some() || a.sla {
        Some(super::sla::policy(desk)?)
    } else {
        None
    };
    let now = cx.time(desk, None)?;
    let due_within = a
        .due_within
        .as_deref()
        .map(svcdesk::sla::parse_duration)
        .transpose()
        .map_err(|e| {
            Error::usage(
                format!("--due-within: {e}"),
                "write a duration such as 30m, 2h or 1d",
            )
        })?;
    let filter_by_sla = a.overdue || due_within.is_some();
    let sla_ok = |t: &Ticket| {
        !filter_by_sla
            || policy.as_ref().is_none_or(|p| {
                p.evaluate(t, now)
                    .iter()
                    .filter(|s| s.stopped.is_none())
                    .any(|s| {
                        (a.overdue && s.state == TimerState::Breached)
                            || due_within.is_some_and(|w| s.due <= now + w)
                    })
            })
    };
    // Filtering while loading keeps memory to the answer, not the desk.
    let (mut all, bad) = ticket_store::load_where_or_skip(desk, a.skip_bad, |t| {
        (!a.open || t.is_open())
            && me.as_ref().is_none_or(|m| t.assignee.as_ref() == Some(m))
            && (a.state.is_empty() || a.state.contains(&t.state()))
            && (a.grade.is_empty() || t.grade.is_some_and(|g| a.grade.contains(&g)))
            && (a.priority.is_empty() || t.priority.is_some_and(|p| a.priority.contains(&p)))
            && any(&a.category, &t.category)
            && any(&a.department, &t.department)
            && any(&a.assignee, &t.assignee)
            && customer
                .as_ref()
                .is_none_or(|c| t.customer.as_deref() == Some(c.as_str()))
            && (a.channel.is_empty() || t.channel.is_some_and(|c| a.channel.contains(&c)))
            && a.tags.iter().all(|g| t.tags.contains(g))
            && within(t.opened.as_ref(), of, ot)
            && within(t.closed.as_ref(), cf, ct)
            && text.as_ref().is_none_or(|x| {
                [
                    Some(&t.title),
                    Some(&t.description),
                    t.product.as_ref(),
                    t.serial.as_ref(),
                    t.resolution.as_ref(),
                ]
                .into_iter()
                .flatten()
                .any(|v| v.to_lowercase().contains(x))
            })
            && sla_ok(t)
    })
    .map_err(super::offer_skip_bad)?;
    super::skipped(&bad);
    match a.sort {
        SortKey::Id => {}
        SortKey::Opened => all.sort_by_key(|t| t.opened),
        SortKey::State => all.sort_by_key(|t| t.state()),
        // Most severe / most urgent first reads best.
        SortKey::Grade => all.sort_by_key(|t| std::cmp::Reverse(t.grade)),
        SortKey::Priority => all.sort_by_key(|t| t.priority),
        SortKey::Assignee => all.sort_by(|x, y| x.assignee.cmp(&y.assignee)),
        SortKey::Customer => all.sort_by(|x, y| x.customer.cmp(&y.customer)),
    }
    if a.reverse {
        all.reverse();
    }
    let runs: Vec<Vec<TimerStatus>> = match (&policy, a.sla) {
        (Some(p), true) => all.iter().map(|t| p.evaluate(t, now)).collect(),
        _ => Vec::new(),
    };
    let out = match a.format {
        Format::Json if a.sla => output::json(
            &all.iter()
                .zip(&runs)
                .map(|(t, r)| with_runs(desk, t, r))
                .collect::<Vec<_>>(),
        ),
        Format::Json => output::json(&all),
        Format::Csv if a.sla => with_next_due(desk, list_rows(&all), &runs, false).to_csv(),
        Format::Csv => list_rows(&all).to_csv(),
        Format::Table if all.is_empty() => {
            eprintln!("no tickets match");
            String::new()
        }
        Format::Table => {
            let mut rows = Rows::new(vec![
                "id",
                "state",
                "grade",
                "pri",
                "category",
                "department",
                "assignee",
                "opened",
                "title",
            ]);
            for t in &all {
                rows.push(vec![
                    t.id.clone(),
                    t.state().to_string(),
                    t.grade.map(|g| g.to_string()).unwrap_or_default(),
                    t.priority.map(|p| p.to_string()).unwrap_or_default(),
                    t.category.clone().unwrap_or_default(),
                    t.department.clone().unwrap_or_default(),
                    t.assignee.clone().unwrap_or_default(),
                    t.opened
                        .map(|o| o.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_default(),
                    t.title.clone(),
                ]);
            }
            if a.sla {
                rows = with_next_due(desk, rows, &runs, true);
            }
            rows.to_table(cx.width())
        }
    };
    cx.print(&out)?;
    Ok(0)
}

/// `show --format csv`: field,value pairs, as `customer show` and `report show` give:
/// the columns of `ticket list --sla` (one wide row there), then the history as
/// event.N.at (RFC 3339), event.N.by, event.N.action and event.N.text.
fn show_rows(desk: &Desk, t: &Ticket, runs: &[Vec<TimerStatus>]) -> Rows {
    let wide = with_next_due(desk, list_rows(std::slice::from_ref(t)), runs, false);
    let mut rows = Rows::new(vec!["field", "value"]);
    for (k, v) in wide.columns.iter().zip(&wide.rows[0]) {
        rows.push(vec![k.to_string(), v.clone()]);
    }
    for (i, e) in t.event.iter().enumerate() {
        let n = i + 1;
        for (k, v) in [
            ("at", e.at.to_rfc3339()),
            ("by", e.by.clone()),
            (
                "action",
                e.action.map(|a| a.as_str()).unwrap_or_default().to_string(),
            ),
            ("text", e.text.clone().unwrap_or_default()),
        ] {
            rows.push(vec![format!("event.{n}.{k}"), v]);
        }
    }
    rows
}

pub(crate) fn list_rows(all: &[Ticket]) -> Rows {
    let mut rows = Rows::new(vec![
        "id",
        "state",
        "grade",
        "priority",
        "category",
        "complaint_kind",
        "channel",
        "department",
        "assignee",
        "customer",
        "contact",
        "product",
        "serial",
        "opened",
        "accepted",
        "responded",
        "resolved",
        "closed",
        "satisfaction",
        "reopened",
        "compensation",
        "compensation_amount",
        "compensation_currency",
        "tags",
        "title",
    ]);
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let time = |v: &Option<DateTime<FixedOffset>>| v.map(|t| t.to_rfc3339()).unwrap_or_default();
    for t in all {
        rows.push(vec![
            t.id.clone(),
            t.state().to_string(),
            t.grade.map(|g| g.to_string()).unwrap_or_default(),
            t.priority.map(|p| p.to_string()).unwrap_or_default(),
            s(&t.category),
            t.complaint_kind.map(|c| c.to_string()).unwrap_or_default(),
            t.channel.map(|c| c.to_string()).unwrap_or_default(),
            s(&t.department),
            s(&t.assignee),
            s(&t.customer),
            s(&t.contact),
            s(&t.product),
            s(&t.serial),
            time(&t.opened),
            time(&t.accepted),
            time(&t.responded),
            time(&t.resolved),
            time(&t.closed),
            t.satisfaction.map(|n| n.to_string()).unwrap_or_default(),
            t.reopened.to_string(),
            t.compensation.map(|c| c.to_string()).unwrap_or_default(),
            s(&t.compensation_amount),
            s(&t.compensation_currency),
            t.tags.join(";"),
            t.title.clone(),
        ]);
    }
    rows
}

/// One line per event: what happened, in words.
fn describe(e: &Event) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            parts.push(if k.is_empty() { v } else { format!("{k}: {v}") });
        }
    };
    put("", e.title.clone());
    put("grade", e.grade.map(|g| g.to_string()));
    put("department", e.department.clone());
    put("to", e.assignee.clone());
    put("channel", e.channel.map(|c| c.to_string()));
    put("cause", e.cause.clone());
    put("responsibility", e.responsibility.clone());
    put("need", e.need.clone());
    put("due", e.due.map(|d| d.to_string()));
    put("request", e.request.map(|n| format!("#{n}")));
    put("", e.text.clone());
    put("parts", e.parts.clone());
    put("efficiency", e.efficiency.map(|n| n.to_string()));
    put("attitude", e.attitude.map(|n| n.to_string()));
    put("result", e.result.map(|n| n.to_string()));
    put("satisfaction", e.satisfaction.map(|n| n.to_string()));
    put(
        "",
        e.link
            .map(|k| format!("{k} {}", e.ticket.clone().unwrap_or_default())),
    );
    put(
        "",
        e.amount.as_ref().map(|a| {
            format!(
                "{a} {} {}",
                e.currency.clone().unwrap_or_default(),
                e.comp_kind.map(|k| k.to_string()).unwrap_or_default()
            )
        }),
    );
    put("timer", e.timer.clone());
    put(
        "redacted",
        e.redacts
            .map(|n| format!("event {n} {}", e.field.clone().unwrap_or_default())),
    );
    put("reason", e.reason.clone());
    if e.on_call {
        parts.push("on the call".into());
    }
    if e.visibility == Some(Visibility::Customer) {
        parts.push("(told to the customer)".into());
    }
    let text = parts.join("; ").replace('\n', " ");
    match &e.entered_by {
        Some(who) if text.is_empty() => format!("(entered by {who})"),
        Some(who) => format!("{text} (entered by {who})"),
        None => text,
    }
}

/// The SLA section of `ticket show`: every run of every timer that applies, with its
/// deadline. A timer that ran more than once shows its runs as `resolve #1`, `#2`.
fn sla_text(desk: &Desk, statuses: &[TimerStatus]) -> String {
    if statuses.is_empty() {
        return String::new();
    }
    let mut out = String::from("\nSLA:\n");
    for s in statuses {
        let when = |t: DateTime<Utc>| desk.local(t).format("%Y-%m-%d %H:%M").to_string();
        let detail = match s.stopped {
            Some(stop) => format!("ended {}", when(stop)),
            None if s.remaining < chrono::Duration::zero() => {
                format!("{} overdue", view::remaining(s).trim_start_matches('-'))
            }
            None => format!("{} left", view::remaining(s)),
        };
        let several = statuses.iter().any(|x| x.timer == s.timer && x.run > 1);
        let name = if several {
            format!("{} #{}", s.timer, s.run)
        } else {
            s.timer.clone()
        };
        out.push_str(&format!(
            "  {:20} {:9} {:>5} ({:3})  due {}  {}\n",
            name,
            s.state.as_str(),
            s.target,
            s.basis,
            when(s.due),
            detail
        ));
    }
    out
}

/// A ticket as JSON with its timer runs under `sla`.
fn with_runs(desk: &Desk, t: &Ticket, runs: &[TimerStatus]) -> serde_json::Value {
    let mut v = serde_json::to_value(t).expect("a ticket serialises");
    v["sla"] = runs.iter().map(|s| view::json(s, desk.tz())).collect();
    v
}

/// `--sla`: each row gains the run still going that is due first.
fn with_next_due(desk: &Desk, mut rows: Rows, runs: &[Vec<TimerStatus>], for_people: bool) -> Rows {
    rows.columns.extend([
        "sla_timer",
        "sla_run",
        "sla_due",
        "sla_state",
        if for_people {
            "sla_remaining"
        } else {
            "sla_remaining_minutes"
        },
        "sla_remaining_unit",
    ]);
    for (row, runs) in rows.rows.iter_mut().zip(runs) {
        match view::next_due(runs) {
            Some(s) => {
                let c = view::cells(s, desk.tz(), for_people);
                // timer, run, due, outcome, remaining, unit
                row.extend([0, 1, 5, 7, 9, 10].map(|i| c[i].clone()));
            }
            None => row.extend(std::iter::repeat_n(String::new(), 6)),
        }
    }
    rows
}

fn show_text(desk: &Desk, t: &Ticket, visits: &[svcdesk::model::report::Report]) -> String {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let time = |v: &Option<DateTime<FixedOffset>>| {
        v.map(|t| {
            t.with_timezone(&desk.tz())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
    };
    let customer_name = t
        .customer
        .as_deref()
        .and_then(Id::parse)
        .and_then(|id| customer::load(desk, &id).ok())
        .map(|c| format!("{} ({})", t.customer.clone().unwrap_or_default(), c.name))
        .unwrap_or_else(|| s(&t.customer));
    let mut out = output::fields(&[
        ("id", t.id.clone()),
        ("title", t.title.clone()),
        ("state", t.state().to_string()),
        ("grade", t.grade.map(|g| g.to_string()).unwrap_or_default()),
        (
            "priority",
            t.priority.map(|p| p.to_string()).unwrap_or_default(),
        ),
        ("category", s(&t.category)),
        (
            "complaint kind",
            t.complaint_kind.map(|c| c.to_string()).unwrap_or_default(),
        ),
        (
            "channel",
            t.channel.map(|c| c.to_string()).unwrap_or_default(),
        ),
        ("customer", customer_name),
        ("contact", s(&t.contact)),
        ("department", s(&t.department)),
        ("assignee", s(&t.assignee)),
        ("product", s(&t.product)),
        ("serial", s(&t.serial)),
        (
            "purchase date",
            t.purchase_date.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("voucher", s(&t.voucher)),
        ("submitter", s(&t.submitter)),
        ("transferred by", s(&t.transferred_by)),
        ("tags", t.tags.join(", ")),
        ("attachments", t.attachments.join(", ")),
        ("links", t.links.join(", ")),
        ("opened", time(&t.opened)),
        ("accepted", time(&t.accepted)),
        ("responded", time(&t.responded)),
        ("resolved", time(&t.resolved)),
        ("closed", time(&t.closed)),
        ("cause", s(&t.cause)),
        ("responsibility", s(&t.responsibility)),
        ("plan", s(&t.plan)),
        ("resolution", s(&t.resolution)),
        (
            "satisfaction",
            t.satisfaction.map(|n| format!("{n}/5")).unwrap_or_default(),
        ),
        (
            "reopened",
            if t.reopened > 0 {
                t.reopened.to_string()
            } else {
                String::new()
            },
        ),
        (
            "compensation",
            t.compensation
                .map(|c| {
                    format!(
                        "{c}: {} {} {}",
                        s(&t.compensation_amount),
                        s(&t.compensation_currency),
                        t.compensation_kind
                            .map(|k| k.to_string())
                            .unwrap_or_default()
                    )
                })
                .unwrap_or_default(),
        ),
    ]);
    out.push_str("\nDescription:\n");
    for l in t.description.lines() {
        out.push_str(&format!("  {l}\n"));
    }
    out.push_str("\nTimeline:\n");
    // Events and linked field visits, merged by time (a visit after events at the same minute).
    let mut lines: Vec<(DateTime<FixedOffset>, String, &str, String)> = t
        .event
        .iter()
        .map(|e| {
            (
                e.at,
                e.by.clone(),
                e.action.map(|a| a.as_str()).unwrap_or("?"),
                describe(e),
            )
        })
        .collect();
    for r in visits {
        lines.push((r.when(), r.engineer.clone(), "field-visit", r.summary()));
    }
    lines.sort_by_key(|l| l.0);
    let width = lines.iter().map(|l| l.1.chars().count()).max().unwrap_or(0);
    for (at, by, action, text) in &lines {
        out.push_str(&format!(
            "  {}  {by:width$}  {action:13} {text}\n",
            at.with_timezone(&desk.tz()).format("%Y-%m-%d %H:%M"),
        ));
    }
    out
}
