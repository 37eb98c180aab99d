use clap::Subcommand;
use svcdesk::desk::Desk;
use svcdesk::hooks::HookEvent;
use svcdesk::hooks::notify::{self, HooksOn, Notice, Refusal};
use svcdesk::model::lifecycle;
use svcdesk::model::measure;
use svcdesk::model::record::SYSTEM_ACTOR;
use svcdesk::model::ticket_store;
use svcdesk::output;
use svcdesk::sla;
use svcdesk::sla::check::Severity;
use svcdesk::sla::coverage;

use super::output::Format;
use svcdesk::{Error, Result};

use super::{Context, report};

/// The monitoring-plugin convention, so cron wrappers and monitors can act on it.
pub const SLA_OK: u8 = 0;
pub const SLA_WARNING: u8 = 1;
pub const SLA_BREACH: u8 = 2;
pub const SLA_ERROR: u8 = 3;

/// SLA target syntax and timer rules: `sla --help` and the svcdesk-sla(7) man page.
/// A plain-text digest of the module docs of `svcdesk::sla` and `svcdesk::sla::policy`.
pub const SLA_RULES: &str = "\
Timers:
  Every table under [sla.timers] in svcdesk.toml is one timer:

    [sla.timers.resolve]
    start = [\"open\", \"reopen\"]   # one action or a list
    stop = \"resolve\"             # one action or a list
    pause = [\"waiting\"]          # states that stop the clock (optional)
    target = { I = \"24h\", II = \"48h\", high = \"24h\", medium = \"3wd\", low = \"5wd\" }
    warn = \"4h\"                  # at risk from 4 h before the deadline (optional)

  start, stop: ticket actions (open, assign, accept, respond, plan, resolve, revisit,
  comp-request, reopen, ...). pause: ticket states (new, assigned, accepted,
  in-progress, waiting, resolved, closed). target: keyed by grade (I, II, III), priority
  (high, medium, low), all, remote, \"channel:NAME\", \"category:NAME\" or
  \"department:NAME\" (quoted for the colon); keys are case-sensitive. goods = true
  (optional): only a start step that needs goods shipped begins a run (a `comp approve`
  of an exchange or replacement, a `plan --needs-parts`; the event says goods = true).

    [sla.timers.ship]               # parts or a product shipped (default policy)
    start = [\"comp-approve\", \"plan\"]
    stop = \"ship\"
    goods = true
    target = { all = \"24h\", remote = \"48h\" }

    [sla.timers.forward]            # `ticket forward` within 1 working day (default)
    start = \"open\"
    stop = \"forward\"
    target = { \"channel:written\" = \"1wd\" }

Targets:
  A whole number and a unit, no fractions; units are case-insensitive.
    90s 15m 48h 3d   wall clock: nights, weekends and holidays count (d = 24 hours)
    8bh 90bm         business hours or minutes: only working time counts
    3wd              working days
  Working time comes from [calendar]: workdays, hours (e.g. 09:00-12:00, 13:30-18:00),
  holidays (dates or FIRST..LAST ranges) and makeup_days (调休, worked with normal hours).
  Holidays are listed year by year: add each new year's. When holidays lists some years
  but not the year a bh/wd deadline (or now) falls in, that year's public holidays count
  as working days, and `svcdesk check` and `sla check` warn on stderr naming the year
  (`sla check` exits at least 1). An empty holidays list is a choice and is not warned of.
  Friday 15:00 plus 8bh (default hours) is Monday 15:30; Friday 15:00 plus 3wd is
  Wednesday 15:00; received on Saturday, 3wd runs out at the end of Wednesday (18:00).
  Zero is allowed (0m, 0bh, 0wd); at most 3660 days. Durations on the command line
  (--due-within 2h) are always wall clock: s, m, h or d.

Which target applies:
  Every target key matching the ticket's current grade, its current priority, or all
  gives a deadline from the same start; the earliest deadline wins. Regrading re-targets
  running timers from their original start: a grade-I ticket (24h) raised to II after ten
  hours is due 48 hours after it was opened. channel:, category: and department: keys
  match the ticket as it was when the run started (with an open's own routing); later
  re-routing never changes a run. A written complaint opened Friday 15:00 is due to be
  forwarded Monday 15:00 (1wd). No matching key: no such timer.
  remote: a run whose start was stamped remote = true (the customer is marked remote,
  `customer edit ID --remote`, when goods are asked for) has the remote target alone:
  an exchange approved Friday 17:00 for a remote customer is due Sunday 17:00 (48h), for
  anyone else Saturday 17:00 (24h); shipped Monday, it is breached.

Customer tiers (service levels):
    [calendars.24x7]                # more calendars, with the keys of [calendar]
    always = true                   # 7x24: every hour of every day (no holidays)

    [sla.tiers.gold]
    calendar = \"24x7\"               # a [calendars.NAME], or \"default\" ([calendar])
    match = { tag = \"vip\" }         # customers with this tag (one or a list: any)
    targets = { resolve = \"24bh\", respond = { III = \"10m\", all = \"30m\" } }

  A customer's tier: the one set with `customer edit ID --tier gold --tier-until DATE`
  while DATE has not passed, else the first tier by name whose tag they have, else none
  (the default: [calendar] and the timers' own targets). A tier's targets replace the
  targets of the timers they name for its tickets (a string is for every ticket, like
  all; a table is keyed like target); other timers keep theirs, counted on the tier's
  calendar. The tier is stamped into the ticket's open event (tier = \"gold\"), so editing
  the customer later never moves the deadlines of tickets already opened. Received
  Saturday 10:00, a 1wd target on the 7x24 calendar runs out Sunday 10:00; on the
  default Monday-Friday calendar, Monday 18:00. `check` and `sla check` warn on stderr
  of a tier contract that ends within 30 days.

When a timer runs:
  Start: every event whose action is in start begins a run (a timer can run several
  times on one ticket). End: the first later event in stop; or the ticket's close; or
  the next start (re-assigning restarts accept, a reopen restarts resolve), which begins
  the next run. Pause: while the ticket is in a pause state the deadline moves later by
  the time paused, counted the target's way (a night's wait moves an 8bh deadline by
  nothing). Regrading re-targets a run from its start while it is undecided; a deadline
  already passed stays passed. warn is measured like the target: warn = \"4h\" on a 3wd
  target means four working hours (4bh and 1wd are accepted too).

Outcomes:
  running    the clock runs, more than warn left
  at-risk    running, with no more than warn left
  paused     in a pause state, deadline not passed
  met        stopped by its stop action at or before its deadline
  breached   its deadline passed first: stopped late, still running past it, or ended
             otherwise after it
  missed     ended without its stop action before its deadline (closed first): counts
             against the SLA (未完成)
  n/a        like missed, for a timer with optional = true, or a ticket settled on the
             call (no revisit owed): not counted
  restarted  a new start came before its deadline: the new run counts instead

Counting (stats, ledgers, export timers):
  Every run counts once, in the period of its deadline if it was breached, or of its end
  if it was met or missed earlier; SLA % = met / (met + breached + missed). So a quarter
  is the sum of its months, and a breach never disappears when a ticket is reopened.

Remaining time:
  Wall-clock targets read 1d 4h 05m (a day of 24 hours); working-time targets read in
  working hours and minutes, 19bh 30bm, never in days. CSV and JSON give
  remaining_minutes with remaining_unit: wall or working.

Alerts:
  `sla check` and `ticket list --overdue` report at-risk and breached runs still going.

Escalation ladder:
  Each [[sla.ladder]] table is a level `sla check --notify` fires once per timer run:
    at = \"-25%\"   a share of the target: when 75% of it has run (counted its way)
    at = \"0\"      at the deadline;  \"+4bh\", \"-30m\": an offset from it, bh/bm in
                  working time of [calendar], s/m/h/d on the wall clock
  timers, grades: only these ([] or absent: all). notify: assignee, head, opener or
  staff ids. escalate = STAFF hands the ticket over, grade = \"III\" regrades it.
  A level's time is counted on the run's running time: while the run is paused nothing
  fires, and the wait moves later levels as it moves the deadline. A new run (reopen)
  climbs afresh. Levels are named L1, L2, ... by position, or by `name`.";

/// SLA deadlines: check breaches for cron, summarise for people.
#[derive(Subcommand)]
pub enum Command {
    /// Evaluate every open ticket's timers and every measure now; print breached, at-risk, overdue.
    #[command(
        after_help = "Prints nothing and exits 0 when nothing is breached or at risk. Otherwise prints
the timers (table, or --format csv|json) and exits:
  1  warning: some timers are at risk (less than their `warn` left), none breached;
     or [calendar] lacks a year's holidays (below)
  2  breach: at least one running timer is past its deadline
  3  error: the desk or its SLA policy could not be read (message on stderr)

--notify tells people of each run of a timer once when it is at risk and once when it
is breached: it runs the [[hooks.rule]]s of svcdesk.toml whose `on` has sla-at-risk or
sla-breach, and CMD (with sh -c) when given, each with the details in SVCDESK_ACTION
(sla-at-risk or sla-breach), SVCDESK_LEVEL (at-risk or breach), SVCDESK_ID,
SVCDESK_TIMER, SVCDESK_DUE, SVCDESK_OVERDUE_MINUTES (negative while at risk),
SVCDESK_TITLE, SVCDESK_GRADE, SVCDESK_PRIORITY, SVCDESK_DEPARTMENT, SVCDESK_ASSIGNEE,
SVCDESK_DESK, the contact fields of the assignee, the department head and the opener
(SVCDESK_ASSIGNEE_EMAIL, SVCDESK_HEAD_EMAIL, ...: `svcdesk hooks --help`) and the ticket
as JSON on stdin. When all of them succeed an `sla-notified` event (with `level`) is
recorded so the next run does not tell of that level again; when one fails or outlives the hooks' timeout, it is reported on stderr and every
one is retried next run (so people may hear twice, never zero times). Hooks run only
when this clone trusts them (`svcdesk hooks --help`): untrusted, --notify alone exits 3
before telling or writing anything; --notify CMD runs only CMD, with one warning, and
records nothing for a breach the held-back hooks would have told. --escalate
applies [sla.escalate] of svcdesk.toml as `escalate` events (which run escalate hooks).

--notify also climbs the [[sla.ladder]] of svcdesk.toml (`svcdesk sla --help`): each
level whose time has come on a run, and that has not fired in that run, hands the ticket
over (escalate = STAFF) and regrades it (grade = ...) as `escalate` and `grade` events by
svcdesk (told on stderr: `ID: escalated to sun (resolve ladder L3)`), then runs the
hooks on sla-ladder and CMD with SVCDESK_LEVEL (L1, L2, ... or its name),
SVCDESK_LEVEL_AT, SVCDESK_NOTIFY (the staff ids its notify names, comma-separated) and
SVCDESK_NOTIFY_EMAILS, besides the variables above; then an `sla-notified` event with
`ladder` records it. Nothing fires while a run is paused (waiting).

Improvement measures past their due date and not done are warnings too (exit 1 unless
a timer is breached): one row each after the timers, with timer `measure-due`, state
`overdue`, target the due date, basis the measure's kind, due the end of the due day,
assignee its owner and title the measure. `svcdesk measure done` clears it. --notify
tells of each once (per time it is opened) the same way, with SVCDESK_ACTION measure-due,
SVCDESK_ASSIGNEE its owner, SVCDESK_TIMER measure-due, SVCDESK_DUE the end of its due
day and the measure as JSON, recorded as a `notified` event on the measure.

Customer follow-ups (`customer note --follow-up DATE`) due today or earlier and not yet
answered by a later log entry on the customer are warnings too: one row each after the
measures, with the customer's ID as id, timer `follow-up`, state `due` (on its day) or
`overdue`, target the date, basis the log entry (`log 2`), started when it was noted,
due the end of its day, assignee the note's author (who promised it) and title the
customer's name and the note. `customer note` on that customer clears it; `customer
list --follow-up-due` lists them. --notify does not tell of them.

--apply first takes the steps that are due by themselves, each an ordinary event by
`svcdesk`: a ticket waiting with `ticket wait --until DATE` is resumed once DATE has
begun (desk time), or closed with `--then close` (not while compensation awaits a
decision); with [lifecycle] close_resolved_after in svcdesk.toml (an SLA
target: \"5wd\" is five working days of [calendar]), a ticket resolved longer ago than
that, counted from its last resolve or from a later revisit (the customer's answer),
is closed. A revisit scored 2 or less, or compensation awaiting finance or the general
manager, keeps it open for a person to decide. With [lifecycle] remind_waiting_after, a
ticket waiting longer than that (from its wait or the customer's later reply) gets one
`waiting-reminder` event per wait, which runs the hooks on waiting-reminder. Each change
is told on stderr (`ID: closed (resolved or answered TIME)`, `ID: resumed (waited until
DATE)`, `ID: reminded (waiting since TIME)`) and runs the hooks on its action; with
--commit (or [git] commit) the run is one commit.
--apply --dry-run says what it would do (`ID: would close ...`) and writes nothing.
The report that follows is of the tickets as they then stand.

With --format csv or json the output is always a whole document: the header, or [],
when nothing is due.

When [calendar] lists holidays for some years but not for a year in which a working-time
deadline (bh, wd) of an open ticket, or now, falls, that year's public holidays count as
working days. `sla check` then says so on stderr, once per year (`warning: [calendar]
lists no holidays for 2027 ...`), and exits at least 1; stdout is unchanged. Add the
year's holidays and make-up days to svcdesk.toml. A desk with no holidays at all chose
so and is not warned.

A customer's tier contract (`customer edit --tier-until`) that ends within 30 days, or a
tier [sla.tiers] no longer has, is told on stderr too (`warning: customer ID (NAME): the
\"gold\" tier contract ends DATE ...`); it leaves the exit code alone.

CSV columns: id,timer,state,target,basis,started,due,remaining_minutes,grade,priority,
department,assignee,title,run,remaining_unit (remaining_minutes counts wall-clock minutes
or, when remaining_unit is `working`, minutes of working time; run is 1 for the timer's
first run on the ticket, 2 after a restart or reopen)

Examples:
  svcdesk sla check                               # from cron: mail only when needed
  svcdesk sla check --notify --escalate            # hooks on sla-breach tell people
  svcdesk sla check --notify ./hooks/breach.sh
  svcdesk --commit sla check --apply               # cron: resume waits, close resolved tickets
  svcdesk sla check --apply --dry-run              # what --apply would do
  SVCDESK_NOW='2026-11-24 17:00' svcdesk sla check --format csv"
    )]
    Check(CheckArgs),
    /// Summary counts of open tickets by department and grade: open, at risk, breached.
    #[command(after_help = "Examples:
  svcdesk sla status
  svcdesk sla status --now '2026-11-30 18:00' --format csv

The timers and their targets are in [sla.timers] of svcdesk.toml; `svcdesk sla --help`
and svcdesk-sla(7) explain them.")]
    Status(StatusArgs),
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Evaluate at this time instead of now (also SVCDESK_NOW).
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Tell people of each timer newly at risk or breached, and fire [[sla.ladder]] levels: run the [hooks] on `sla-at-risk`/`sla-breach`/`sla-ladder`, and CMD if given.
    #[arg(long, value_name = "CMD", num_args = 0..=1)]
    notify: Option<Option<String>>,
    /// Apply the [sla.escalate] rule to breached tickets.
    #[arg(long)]
    escalate: bool,
    /// Evaluate the tickets that can be read and name the others on stderr (exit 3 only
    /// if nothing could be evaluated), instead of failing with exit 3.
    #[arg(long)]
    skip_bad: bool,
    /// First take the steps due by themselves: resume (or close) tickets whose `wait
    /// --until` day has come, close those resolved longer ago than [lifecycle]
    /// close_resolved_after, remind of those waiting longer than remind_waiting_after.
    #[arg(long)]
    apply: bool,
    /// With --apply: say on stderr what it would do, and write nothing.
    #[arg(long, requires = "apply")]
    dry_run: bool,
}

#[derive(clap::Args)]
pub struct StatusArgs {
    /// Evaluate at this time instead of now (also SVCDESK_NOW).
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn exec(cx: &mut Context, cmd: Command) -> Result<u8> {
    // Every failure of `sla check` is exit 3, so a monitor tells "broken" from "breached".
    let result = match cmd {
        Command::Check(a) => check(cx, a),
        Command::Status(a) => status(cx, a).map(|()| SLA_OK),
    };
    result.or_else(|e| {
        report(&e);
        Ok(SLA_ERROR)
    })
}

fn check(cx: &mut Context, a: CheckArgs) -> Result<u8> {
    let desk = cx.desk()?;
    let now = cx.time(&desk, a.now.as_deref())?;
    let policy = desk.config.policy()?;
    let hooks_on = notify_hooks(cx, &desk, &a)?;
    if a.apply {
        apply(cx, &desk, now, a.dry_run)?;
    }
    // Each open ticket is evaluated as it is read and only its alerts are kept (and, for
    // --notify, the tickets it will tell of): memory follows the answer, not the desk.
    let fold =
        sla::check::Check::new(&policy, &desk.config.sla, now).keep_tickets(a.notify.is_some());
    let mut report = fold.report();
    let bad = ticket_store::scan(
        &desk,
        a.skip_bad,
        |f| f.is_open(),
        |t| fold.ticket(t),
        |part| {
            part.into_iter().for_each(|found| report.add(found));
            Ok(())
        },
    )
    .map_err(super::offer_skip_bad)?;
    super::skipped(&bad);
    let mut report = report.finish(measure::load_all(&desk)?);
    report.add_visits(svcdesk::model::visit::load_all(&desk)?);
    let today = desk.local(now).date_naive();
    // Only the customers with a follow-up running or a tier contract are kept.
    let customers = svcdesk::model::customer::briefs(&desk, |b| {
        (!b.follow_ups.is_empty() || b.tier.is_some()).then_some(b)
    })?;
    let customers: Vec<_> = customers.into_iter().flatten().collect();
    report.follow_ups = svcdesk::model::customer::due_of(
        customers.iter().flat_map(|b| b.follow_ups.iter().cloned()),
        today,
    );
    // Deadlines in a year [calendar] lists no holidays for may be early: a warning, never
    // a breach.
    for &year in &report.holiday_gaps {
        super::warn(&coverage::warning(year));
    }
    // Contracts about to end (customer edit --tier-until): a warning, never a failure.
    if !desk.config.sla.tiers.is_empty() {
        let today = desk.local(now).date_naive();
        for w in svcdesk::model::customer::brief_tier_warnings(&desk.config, &customers, today) {
            super::warn(&w);
        }
    }
    // Silent for cron when all is well; scripts always get a whole document.
    if !report.is_empty() || a.format != Format::Table {
        let text = match a.format {
            Format::Json => output::json(&report.to_json()),
            Format::Csv => report.rows(false).to_csv(),
            Format::Table => super::people::People::new(cx.lang(&desk), &desk)
                .table(report.rows(true))
                .to_table(cx.width()),
        };
        cx.print(&text)?;
    }
    if let Some(cmd) = &a.notify {
        notify::notify(&desk, &report, cmd.as_deref(), &hooks_on, |n| match n {
            Notice::HeldBack(t) => super::hooks::warn_untrusted(cx, &t),
            Notice::Failed { id, timer, why } => eprintln!(
                "warning: notify for {id} {timer} failed: {why}; it will be retried on the next run"
            ),
            Notice::Changed {
                id,
                timer,
                level,
                what,
                event,
            } => {
                eprintln!("{id}: {what} ({timer} ladder {level})");
                cx.fire(&desk, *event);
            }
        });
        let untold = report.ladder.iter().any(|x| !x.level.notify.is_empty());
        if untold && cmd.is_none() && !svcdesk::hooks::handles(&desk.config.hooks, "sla-ladder") {
            super::warn(
                "[[sla.ladder]] levels are due, but no [[hooks.rule]] is on sla-ladder: they tell no one and stay unrecorded; add one, or give --notify CMD",
            );
        }
    }
    if a.escalate {
        let Some(rule) = &desk.config.sla.escalate else {
            return Err(Error::invalid_with_hint(
                "--escalate: svcdesk.toml has no [sla.escalate] rule",
                "add [sla.escalate] with `to = \"STAFF\"` (see the commented example in svcdesk.toml)",
            ));
        };
        for x in notify::escalate(&desk, &report, rule) {
            match x.result {
                Ok(ev) => {
                    eprintln!("{}: escalated to {} ({} breached)", x.id, rule.to, x.timer);
                    cx.fire(&desk, ev);
                }
                Err(err) => eprintln!("warning: cannot escalate {}: {err}", x.id),
            }
        }
    }
    Ok(match report.severity() {
        Severity::Ok => SLA_OK,
        Severity::Warning => SLA_WARNING,
        Severity::Breach => SLA_BREACH,
    })
}

/// `--apply`: the [lifecycle] rules and the ends of `wait --until`, each change told on
/// stderr, fired to the hooks, and committed together.
fn apply(
    cx: &mut Context,
    desk: &Desk,
    now: chrono::DateTime<chrono::Utc>,
    dry_run: bool,
) -> Result<()> {
    use lifecycle::Change;
    let day = |t: chrono::DateTime<chrono::Utc>| desk.local(t).format("%Y-%m-%d %H:%M");
    let mut changed = Vec::new();
    for x in lifecycle::apply(desk, now, dry_run)? {
        let id = &x.due.id;
        let (action, what) = match x.due.change {
            Change::Close { since, .. } => {
                ("close", format!("(resolved or answered {})", day(since)))
            }
            Change::Resume { until } => ("resume", format!("(waited until {until})")),
            Change::CloseWait { until } => ("close", format!("(waited until {until}, then close)")),
            Change::Remind { since, .. } => (
                "waiting-reminder",
                format!("(waiting since {})", day(since)),
            ),
        };
        let (verb, would) = match action {
            "close" => ("closed", "would close"),
            "resume" => ("resumed", "would resume"),
            _ => ("reminded", "would remind"),
        };
        match x.result {
            Ok(_) if dry_run => eprintln!("{id}: {would} {what}"),
            Ok(done) => {
                eprintln!("{id}: {verb} {what}");
                let at = done.event.at.to_rfc3339();
                if let Some(parsed) = svcdesk::desk::Id::parse(id) {
                    changed.push(desk.path_of(&parsed));
                }
                let ev = HookEvent::ticket(desk, &done.ticket, action, SYSTEM_ACTOR, &at);
                cx.fire(desk, ev);
            }
            Err(err) => eprintln!("warning: cannot {action} {id}: {err}"),
        }
    }
    // One commit for the run, as a bulk step makes.
    if !changed.is_empty() {
        let message = format!(
            "sla check --apply: {} ticket(s) closed, resumed or reminded of ([lifecycle], wait --until; by svcdesk)",
            changed.len()
        );
        cx.changed(desk, message, changed);
    }
    Ok(())
}

/// Whether --notify may run the desk's hooks; refused before anything is printed, so a
/// cron mail never shows half a run.
fn notify_hooks(cx: &Context, desk: &Desk, a: &CheckArgs) -> Result<HooksOn> {
    let Some(cmd) = &a.notify else {
        return Ok(HooksOn::No);
    };
    notify::hooks_on(desk, cx.hooks, cmd.is_some()).map_err(|r| match r {
        Refusal::NoHooks => Error::invalid_with_hint(
            NO_HOOKS,
            "add a [[hooks.rule]] with on = [\"sla-breach\", \"measure-due\"] to svcdesk.toml, or give --notify CMD",
        ),
        Refusal::HooksOff => {
            Error::invalid_with_hint(NO_HOOKS, "drop --no-hooks, or give --notify CMD")
        }
        Refusal::Untrusted(t) => Error::invalid_with_hint(
            format!(
                "--notify runs the [hooks] on sla-breach and measure-due, and none may run: {}",
                t.problem()
            ),
            "review them with `svcdesk hooks status`, then run `svcdesk hooks trust` (or give --notify CMD to run only your own command)",
        ),
        Refusal::Unreadable(e) => e,
    })
}

const NO_HOOKS: &str =
    "--notify without a command runs the hooks on sla-breach and measure-due, and there are none";

fn status(cx: &mut Context, a: StatusArgs) -> Result<()> {
    let desk = cx.desk()?;
    let now = cx.time(&desk, a.now.as_deref())?;
    let policy = desk.config.policy()?;
    let mut status = sla::check::Status::default();
    ticket_store::scan(
        &desk,
        false,
        |f| f.is_open(),
        |t| Some(sla::check::standing(&policy, &t, now)),
        |part| {
            part.into_iter().for_each(|s| status.count(s));
            Ok(())
        },
    )?;
    // A terminal reader wants the sum; a script sums for itself.
    let rows = status.rows(a.format == Format::Table);
    let text = match a.format {
        Format::Json => rows.to_json(),
        Format::Csv => rows.to_csv(),
        Format::Table => super::people::People::new(cx.lang(&desk), &desk)
            .table(rows)
            .to_table(cx.width()),
    };
    cx.print(&text)
}
