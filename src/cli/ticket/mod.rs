//! `svcdesk ticket` and `svcdesk comp`: clap definitions per concern (args, open, steps,
//! comp, show, list); each verb turns its args into a `model::steps` call and renders.

mod args;
mod bulk;
mod comp;
mod describe;
mod forward;
mod list;
mod merge;
mod open;
mod parts;
mod promise;
mod returns;
mod review;
mod search;
mod set;
mod show;
mod steps;

use clap::Subcommand;
use svcdesk::Result;

use self::args::*;
use self::comp::CompRequestArgs;
use self::list::ListArgs;
use self::merge::{MergeArgs, SplitArgs};
use self::open::OpenArgs;
use self::parts::{LeadArgs, LegalArgs, PlanArgs, ShipArgs};
use self::set::SetArgs;
use self::show::ShowArgs;
use super::Context;

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
  any open state ─merge─► merged (final)

  • work = diagnose, plan, collab, respond (respond is allowed in any
    open state). plan is the engineer's plan; plan --told, the moment
    the customer heard it (needs a plan; the plan-told timer, 1 h).
  • forward --to DEPT (any open state before resolve) hands the
    ticket to a department: assigned again, as after assign.
  • ship (role warehouse), delivered and lead (grade III only) are
    taken in any open state and do not change it.
  • promise (--by TIME --what TEXT, or --kept) is taken before the
    ticket is resolved and does not change the state; each promise is
    a run of the built-in `promise` timer (respond and plan make one
    with --promise TIME). --appointment: a site visit, a run of the
    built-in `appointment` timer, kept on arrival (--kept).
  • grade, note, link, set, escalate and the compensation steps do not
    change the state (escalate --to moves an accepted ticket back to
    assigned for the new owner).
  • open --resolved-on-call records a phone complaint settled on the
    call: taken, answered, resolved and closed at once (its revisit
    timer is n/a: nothing to follow up).
  • compensation: request → finance review → (legal review, for the
    grades in [compensation] legal_review) → GM approve or reject. A
    legal rejection ends the request; a request outside its grade's
    rules needs --exception.
  • close is refused while compensation awaits finance review or the
    GM's decision.
  • review (--approve/--reject, by the department head or a delegate)
    does not change the state, except that a rejection sends a
    resolved ticket back to in-progress; [review] in svcdesk.toml
    refuses resolve or close until an approval stands.
  • an invalid step names the ticket's state and the steps allowed
    from it.
  • merge ends a ticket `merged` (final, from any open state): only
    notes and links are still recorded on it; its target shows them.
  • every step that takes one ticket takes several, or - for IDs on
    stdin, one per line (a header `id` and blank lines skipped): one
    desk lock and one --commit commit for the batch. A refused ticket
    is named on stderr, the others go through, and the exit code is 1;
    --atomic changes none then; --dry-run checks all and writes
    nothing. Each ticket done prints its ID on stdout. More than 10
    tickets are confirmed on a terminal unless --yes. (merge, split
    and redact take one ticket.)
  • instead of IDs, --where FILTER takes every ticket a filter keeps:
    KEY=VALUE with `ticket list`'s keys (assignee=wang, state=accepted),
    open / mine / overdue / following alone, or @VIEW; repeat to
    narrow. IDs and --where together are refused.";

#[derive(Subcommand)]
pub enum Command {
    /// Register a request, complaint or suggestion; routes it and prints its ID.
    #[command(after_help = "Examples:
  svcdesk ticket open --customer K7Q2 --channel phone --category complaint \\
      --complaint-kind attitude --product X200 --serial SN123 -m 'engineer was rude on site'
  svcdesk ticket open --new-customer '李明' --phone 13900002222 --category consult \\
      --resolved-on-call 'explained the reset procedure' -m 'device does not start'
  git log -1 --format=%B | svcdesk ticket open --customer K7Q2 --category quality -F -
  svcdesk ticket open --customer K7Q2 --category quality --field 保修状态=保内 \\
      --field 机器运行小时=1350 -m 'spindle vibrates above 3000 rpm'

The description comes from -m, from -F FILE (- for stdin), or from $VISUAL/$EDITOR.
The category's department (svcdesk.toml [categories]) receives the ticket; --department
routes by hand; --no-route leaves it `new` for a dispatcher to route with `ticket assign`.
A channel of [routing] manual (written, by default) is not routed: the ticket waits `new`
until `ticket forward` (routed by hand here, the routing is recorded as that forward).
The new ID is printed on stdout.

Possible duplicates: an earlier ticket with the same customer and serial opened within 30
days ([duplicates] match and within in svcdesk.toml) is listed on stderr with the command
to run (`ticket merge NEW --into OLD`, or `ticket link NEW OLD --kind repeat-of` for one
already solved). The ticket is opened anyway and the exit code is 0, so nothing typed is
lost; --force skips the check.

--field NAME=VALUE records a custom field of [fields] in svcdesk.toml; each value is
checked by its field's type (text, number, date YYYY-MM-DD, or one of a choice's values),
and a value not allowed exits 2 naming the field, with nothing written. A field marked
`required` must be given. `ticket set --field NAME=VALUE` changes it later.")]
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
  svcdesk ticket list --assignee zhang --open --format csv | cut -d, -f1 |
      svcdesk --commit ticket assign - --to wang --reason 'zhang on leave'
  svcdesk --commit ticket assign --where assignee=zhang --where open --to wang --dry-run

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
  svcdesk ticket diagnose 9XWM --cause 'driver board' --cause-code electrical \\
      --responsibility product
  svcdesk ticket diagnose 9XWM --cause 'wrong wiring at install' --responsibility customer \\
      --plan 'rewire on site, no charge this once'

--cause is the cause as found (原因分析), in words; --cause-code files it under one of the
desk's fault causes ([causes] in svcdesk.toml, 故障分类), which `stats --top` ranks and
the 客户服务受理跟踪反馈表 shows. An unknown code is refused with the nearest one.")]
    Diagnose(DiagnoseArgs),
    /// Record the solution plan, or (--told) that the customer was told it.
    #[command(after_help = parts::PLAN_HELP)]
    Plan(PlanArgs),
    /// Ask another department for help, with what is needed and by when.
    #[command(after_help = "Examples:
  svcdesk ticket collab 9XWM --department quality --need 'batch test of lot 2611' --due 2026-11-28

The other department answers with `svcdesk ticket reply`. A request with --due is a
run of the built-in `collab` timer, due at the end of that day in desk time: unanswered
after it, `sla check` reports it breached (exit 2) and `ticket list --overdue` lists the
ticket.")]
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
  svcdesk ticket wait 9XWM --for customer --until +14d --then close

While waiting the `resolve` timer is paused; `svcdesk ticket resume` restarts it. With
--until, `sla check --apply` resumes it on that day, or closes it with --then close.")]
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
  svcdesk ticket close 9XWM --satisfaction 2 --reason 'customer wants a refund outside policy; GM declined'

Refused while compensation awaits finance review or the GM's decision. A ticket closes
once the customer confirms satisfaction (「客户确认满意后,“关闭工单”」): a satisfaction of
1 or 2 needs --reason (exit 2 otherwise, nothing written); `stats` counts such closes
(dissatisfied_closes).")]
    Close(CloseArgs),
    /// Reopen a resolved or closed ticket, with a reason.
    #[command(after_help = "Examples:
  svcdesk ticket reopen 9XWM --reason 'the fault came back after a week'")]
    Reopen(ReasonArgs),
    /// Link to another ticket: duplicate, related, repeat-of (split-from/-into: `ticket split`).
    #[command(after_help = "Examples:
  svcdesk ticket link 9XWM QF7R                   # related (the default)
  svcdesk ticket link 9XWM QF7R --kind duplicate")]
    Link(LinkArgs),
    /// Redact personal data in an earlier event (PIPL); a `redact` event records why.
    #[command(after_help = REDACT_HELP)]
    Redact(RedactArgs),
    /// Correct priority, product, serial, customer, title, category or tags, with a reason.
    #[command(after_help = set::SET_HELP)]
    Set(Box<SetArgs>),
    /// Show a ticket's fields and timeline.
    #[command(after_help = "Examples:
  svcdesk ticket show 9XWM                        # fields, SLA timers, timeline (#N each event)
  svcdesk ticket show 9XWM --format json | jq .event         # the history
  svcdesk ticket show 9XWM --format json | jq '.sla[] | select(.outcome == \"breached\")'

The SLA section lists every run of every timer that applies (a reopen or re-assignment
starts a new run; earlier runs keep their outcome). JSON has them in `sla`: timer, run,
target, basis, started, due, stopped, outcome, decided (when a report counts it),
remaining_minutes and remaining_unit (wall, or working: minutes of working time), notified.
CSV is field,value pairs, as for `customer show` and `report show`: the columns of
`ticket list --sla` (its next deadline included), its custom fields as field:NAME, then
the history as event.N.at, event.N.by, event.N.action and event.N.text (N from 1). The
events of tickets merged into it (see `ticket merge`) follow as merged.N.origin,
.number, .at, .by, .action and .text, and in JSON under `merged_events`, each with
`origin` and `number`.")]
    Show(ShowArgs),
    /// List tickets, filtered and sorted.
    #[command(after_help = format!("Examples:
  svcdesk ticket list --open --grade III
  svcdesk ticket list --department service --state assigned --state accepted
  svcdesk ticket list --opened-from 2026-11-01 --opened-to 2026-11-30 --format csv > nov.csv
  svcdesk ticket list --overdue                      # a running SLA timer is past due
  svcdesk ticket list --due-within 2h --mine         # what I must act on in the next 2 hours
  svcdesk ticket list --open --sla --format csv      # with each ticket's next deadline
  svcdesk ticket list --following --open             # the tickets I registered, whoever has them
  svcdesk ticket list --opened-by zhao               # the tickets zhao registered
  svcdesk ticket list @my-open --grade III           # a saved view, narrowed by a flag
  svcdesk ticket list --text 密封圈 --history          # also in notes, replies, diagnoses…
  svcdesk ticket list --views                        # the views of svcdesk.toml [views.NAME]
  svcdesk ticket list --field 保修状态=保外 --open     # custom fields of [fields]

A view ([views.NAME] in svcdesk.toml) holds these filters as keys, `-` written `_`
(state = [\"waiting\"], opened_from = \"-30d\", overdue = true, field = {{ \"保修状态\" =
\"保外\" }}…), and may set sort, reverse, sla and a description; see svcdesk-config(5).

{COLUMNS}

--sla adds sla_timer,sla_run,sla_due,sla_state,sla_remaining_minutes,sla_remaining_unit:
the run still going that is due first (empty when none is), and in JSON an `sla` array of
every run, as in `ticket show --format json`.",
    COLUMNS = svcdesk::ledger::export::ticket_list_help()))]
    List(Box<ListArgs>),
    /// Find a text in every ticket event, field-service report and customer log.
    #[command(after_help = search::HELP)]
    Search(search::SearchArgs),
    /// Merge tickets of one case into another: the sources end `merged`.
    #[command(after_help = merge::MERGE_HELP)]
    Merge(MergeArgs),
    /// Open a new ticket for part of a ticket, linked both ways.
    #[command(after_help = merge::SPLIT_HELP)]
    Split(SplitArgs),
    /// The warehouse ships parts or a product (stops the `ship` timer).
    #[command(after_help = parts::SHIP_HELP)]
    Ship(ShipArgs),
    /// The shipment reached the customer.
    #[command(after_help = "Examples:
  svcdesk ticket delivered 9XWM -m 'customer confirmed by phone'")]
    Delivered(OptTextArgs),
    /// Name the manager heading a grade III case's special team (专项小组).
    #[command(after_help = parts::LEAD_HELP)]
    Lead(LeadArgs),
    /// Promise the customer something by a time, or (--kept) record it kept.
    #[command(after_help = promise::PROMISE_HELP)]
    Promise(promise::PromiseArgs),
    /// Forward to the department that handles it (routing a person confirms).
    #[command(after_help = forward::FORWARD_HELP)]
    Forward(forward::ForwardArgs),
    /// The department head (or a delegate) approves or rejects: [review] gates a step on it.
    #[command(after_help = review::REVIEW_HELP)]
    Review(review::ReviewArgs),
    /// Follow a ticket: be told (hooks) of its resolve and close, as its opener is.
    #[command(after_help = review::FOLLOW_HELP)]
    Follow(CommonArgs),
    /// Record the customer's answer (a phoned reply typed in; mail arrives by `svcdesk
    /// intake mail`): a waiting ticket waiting on the customer resumes.
    #[command(after_help = "Examples:
  svcdesk ticket customer-reply 9XWM -m 'photos sent; the seal is cracked'
  svcdesk ticket customer-reply 9XWM -m '已清理排水管，仍漏水' --channel wechat")]
    CustomerReply(CustomerReplyArgs),
    /// Approve or reject a return or exchange (退换货): a supervisor, head, manager or gm.
    #[command(after_help = returns::HELP)]
    ApproveReturn(returns::ApproveReturnArgs),
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
    /// The legal department reviews a request (role legal; required for the grades in
    /// [compensation] legal_review before the GM decides).
    #[command(name = "legal-review", after_help = parts::LEGAL_HELP)]
    LegalReview(LegalArgs),
    /// The general manager (or finance, before review) rejects a request.
    #[command(after_help = "Examples:
  svcdesk --as chen comp reject 9XWM -m 'covered by the warranty repair'")]
    Reject(OptTextArgs),
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
product, serial, voucher, submitter, transferred_by, and a shipment's address and tracking;
old and new of a `set` of the title, product, serial or tags.";

pub fn exec(cx: &mut Context, cmd: Command) -> Result<u8> {
    let desk = cx.desk()?;
    let d = &desk;
    match cmd {
        Command::Open(a) => open::exec(cx, d, *a),
        Command::Show(a) => show::exec(cx, d, a),
        Command::List(a) => list::exec(cx, d, *a),
        Command::Redact(a) => steps::redact(cx, d, a),
        Command::Grade(a) => steps::grade(cx, d, a),
        Command::Assign(a) => steps::assign(cx, d, a),
        Command::Accept(a) => steps::accept(cx, d, a),
        Command::Note(a) => steps::note(cx, d, a),
        Command::Respond(a) => steps::respond(cx, d, a),
        Command::Diagnose(a) => steps::diagnose(cx, d, a),
        Command::Plan(a) => parts::plan(cx, d, a),
        Command::Collab(a) => steps::collab(cx, d, a),
        Command::Reply(a) => steps::reply(cx, d, a),
        Command::Escalate(a) => steps::escalate(cx, d, a),
        Command::Wait(a) => steps::wait(cx, d, a),
        Command::Resume(a) => steps::resume(cx, d, a),
        Command::Resolve(a) => steps::resolve(cx, d, a),
        Command::Revisit(a) => steps::revisit(cx, d, a),
        Command::Close(a) => steps::close(cx, d, a),
        Command::Reopen(a) => steps::reopen(cx, d, a),
        Command::Link(a) => steps::link(cx, d, a),
        Command::Merge(a) => merge::merge(cx, d, a),
        Command::Split(a) => merge::split(cx, d, a),
        Command::Set(a) => set::exec(cx, d, *a),
        Command::Search(a) => search::exec(cx, d, a),
        Command::Ship(a) => parts::ship(cx, d, a),
        Command::Delivered(a) => parts::delivered(cx, d, a),
        Command::Lead(a) => parts::lead(cx, d, a),
        Command::Promise(a) => promise::exec(cx, d, a),
        Command::Forward(a) => forward::exec(cx, d, a),
        Command::Review(a) => review::exec(cx, d, a),
        Command::Follow(a) => review::follow(cx, d, a),
        Command::CustomerReply(a) => steps::customer_reply(cx, d, a),
        Command::ApproveReturn(a) => returns::approve(cx, d, a),
    }
}

pub fn exec_comp(cx: &mut Context, cmd: CompCommand) -> Result<u8> {
    let desk = cx.desk()?;
    if let CompCommand::LegalReview(a) = cmd {
        return parts::legal_review(cx, &desk, a);
    }
    comp::exec(cx, &desk, cmd)
}
