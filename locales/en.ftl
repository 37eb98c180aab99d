# svcdesk's words for people, English. Every key here is in zh.ftl too (a unit test checks).
# Vocabulary words keep their spelling on disk, so an English desk shows what it stores.

## Vocabulary words (src/vocab.rs and the vocab! lists elsewhere): <module>-<vocabulary>-<word>

# vocab::State
vocab-state-new = new
vocab-state-assigned = assigned
vocab-state-accepted = accepted
vocab-state-in-progress = in-progress
vocab-state-waiting = waiting
vocab-state-resolved = resolved
vocab-state-closed = closed
vocab-state-merged = merged

# vocab::Grade
vocab-grade-I = I
vocab-grade-II = II
vocab-grade-III = III

# vocab::Priority
vocab-priority-high = high
vocab-priority-medium = medium
vocab-priority-low = low

# vocab::Channel
vocab-channel-phone = phone
vocab-channel-email = email
vocab-channel-fax = fax
vocab-channel-written = written
vocab-channel-chat = chat
vocab-channel-web-message = web-message
vocab-channel-online-form = online-form
vocab-channel-wechat = wechat
vocab-channel-sms = sms
vocab-channel-walk-in = walk-in
vocab-channel-regulator = regulator
vocab-channel-media = media

# vocab::ComplaintKind
vocab-complaint-kind-attitude = attitude
vocab-complaint-kind-result = result
vocab-complaint-kind-repeated = repeated
vocab-complaint-kind-public-opinion = public-opinion

# vocab::Action
vocab-action-open = open
vocab-action-grade = grade
vocab-action-assign = assign
vocab-action-accept = accept
vocab-action-note = note
vocab-action-respond = respond
vocab-action-diagnose = diagnose
vocab-action-plan = plan
vocab-action-collab = collab
vocab-action-collab-reply = collab-reply
vocab-action-escalate = escalate
vocab-action-wait = wait
vocab-action-resume = resume
vocab-action-resolve = resolve
vocab-action-revisit = revisit
vocab-action-close = close
vocab-action-reopen = reopen
vocab-action-link = link
vocab-action-comp-request = comp-request
vocab-action-comp-review = comp-review
vocab-action-comp-approve = comp-approve
vocab-action-comp-reject = comp-reject
vocab-action-sla-notified = sla-notified
vocab-action-redact = redact
vocab-action-merged-into = merged-into
vocab-action-merged-from = merged-from
vocab-action-set = set

# vocab::LinkKind
vocab-link-kind-duplicate = duplicate
vocab-link-kind-related = related
vocab-link-kind-repeat-of = repeat-of
vocab-link-kind-split-from = split-from
vocab-link-kind-split-into = split-into

# vocab::CompKind
vocab-comp-kind-coupon = coupon
vocab-comp-kind-refund = refund
vocab-comp-kind-exchange = exchange
vocab-comp-kind-repair = repair
vocab-comp-kind-cash = cash

# vocab::CompState
vocab-comp-state-requested = requested
vocab-comp-state-reviewed = reviewed
vocab-comp-state-approved = approved
vocab-comp-state-rejected = rejected

# vocab::Visibility
vocab-visibility-internal = internal
vocab-visibility-customer = customer

# measure::MeasureKind
measure-measure-kind-training = training
measure-measure-kind-process = process
measure-measure-kind-product = product

# measure::State
measure-state-open = open
measure-state-done = done

# measure::Action
measure-action-add = add
measure-action-note = note
measure-action-done = done
measure-action-reopen = reopen
measure-action-notified = notified

# customer::Field
customer-field-name = name
customer-field-contact = contact
customer-field-phone = phone
customer-field-email = email
customer-field-industry = industry
customer-field-source = source
customer-field-referred-by = referred-by
customer-field-address = address
customer-field-notes = notes

# report::ServiceType
report-service-type-consultation = consultation
report-service-type-construction-guidance = construction-guidance
report-service-type-problem-handling = problem-handling
report-service-type-training = training
report-service-type-maintenance = maintenance

# report::Outcome
report-outcome-resolved = resolved
report-outcome-partly-resolved = partly-resolved
report-outcome-unresolved = unresolved
report-outcome-follow-up = follow-up

# report::Field
report-field-ticket = ticket
report-field-location = location
report-field-departed = departed
report-field-arrived = arrived
report-field-left = left
report-field-returned = returned
report-field-travel = travel
report-field-work-done = work-done
report-field-problems = problems
report-field-escalated = escalated
report-field-escalated-to = escalated-to
report-field-parts = parts
report-field-cost = cost
report-field-signed-by = signed-by
report-field-outcome = outcome
report-field-satisfaction = satisfaction

# stats::Dim
stats-dim-category = category
stats-dim-grade = grade
stats-dim-priority = priority
stats-dim-department = department
stats-dim-assignee = assignee
stats-dim-channel = channel
stats-dim-customer = customer
stats-dim-product = product
stats-dim-engineer = engineer
stats-dim-service-type = service-type
stats-dim-outcome = outcome
stats-dim-source = source
stats-dim-industry = industry

# duplicates::DupField
duplicates-dup-field-customer = customer
duplicates-dup-field-product = product
duplicates-dup-field-serial = serial
duplicates-dup-field-category = category
duplicates-dup-field-contact = contact

## Table headings (col-<column>, _ as -): the column names in English

col-id = id
col-state = state
col-grade = grade
col-pri = pri
col-priority = priority
col-category = category
col-department = department
col-assignee = assignee
col-opened = opened
col-promised = promised
col-title = title
col-customer = customer
col-customer-name = customer_name
col-channel = channel
col-complaint-kind = complaint_kind
col-engineer = engineer
col-product = product
col-closed = closed
col-backlog = backlog
col-sla-timer = sla_timer
col-sla-run = sla_run
col-sla-due = sla_due
col-sla-state = sla_state
col-sla-remaining = sla_remaining
col-sla-remaining-unit = sla_remaining_unit
col-timer = timer
col-target = target
col-basis = basis
col-started = started
col-due = due
col-remaining = remaining
col-run = run
col-remaining-unit = remaining_unit
col-open = open
col-at-risk = at_risk
col-breached = breached
col-date = date
col-report = report
col-service-type = service_type
col-ticket = ticket
col-hours-on-site = hours_on_site
col-outcome = outcome
col-satisfaction = satisfaction
col-rank = rank
col-key = key
col-name = name
col-tickets = tickets
col-share-pct = share_pct
col-kind = kind
col-added = added
col-done = done
col-overdue = overdue
col-figure = figure
col-reopen-rate = reopen_rate
col-sla-overall-pct = sla_overall_pct
col-first-response-mean-h = first_response_mean_h
col-resolve-mean-h = resolve_mean_h
col-satisfaction-mean = satisfaction_mean
col-revisit-rate = revisit_rate
col-compensation = compensation
col-visits = visits
col-visit-hours = visit_hours
col-state-at-month-end = state_at_month_end
col-month = month

## `show` labels (label-<label>, spaces as -)

label-id = id
label-title = title
label-state = state
label-grade = grade
label-priority = priority
label-category = category
label-complaint-kind = complaint kind
label-channel = channel
label-customer = customer
label-contact = contact
label-department = department
label-assignee = assignee
label-product = product
label-serial = serial
label-purchase-date = purchase date
label-voucher = voucher
label-submitter = submitter
label-transferred-by = transferred by
label-tags = tags
label-links = links
label-opened = opened
label-accepted = accepted
label-responded = responded
label-resolved = resolved
label-closed = closed
label-cause = cause
label-responsibility = responsibility
label-plan = plan
label-resolution = resolution
label-satisfaction = satisfaction
label-reopened = reopened
label-compensation = compensation
label-to = to
label-need = need
label-due = due
label-request = request
label-parts = parts
label-efficiency = efficiency
label-attitude = attitude
label-result = result
label-timer = timer
label-redacted = redacted
label-reason = reason
label-attached = attached
label-cause-code = cause code
label-items = items
label-carrier = carrier
label-tracking = tracking
label-lead = lead
label-legal-review = legal review
label-exception = exception
label-template = template
label-comp-exception = comp exception
label-shipped = shipped
label-delivered = delivered
show-goods-to-ship = goods to ship
show-goods-to-ship-remote = goods to ship (remote customer)

## SLA words, timers, `show` and `ticket list` texts

total = total
sla-running = running
sla-paused = paused
sla-at-risk = at-risk
sla-met = met
sla-breached = breached
sla-missed = missed
sla-n-a = n/a
sla-restarted = restarted
sla-basis-all = all
sla-unit-wall = wall
sla-unit-working = working
timer-accept = accept
timer-respond = respond
timer-plan = plan
timer-resolve = resolve
timer-revisit = revisit
timer-compensation-plan = compensation-plan
timer-plan-told = plan-told
timer-ship = ship
show-description = Description
show-fields = Fields
show-timeline = Timeline
show-sla = SLA
show-field-visit = field-visit
show-sla-ended = ended { $when }
show-sla-overdue = { $time } overdue
show-sla-left = { $time } left
show-sla-due = due
show-on-call = on the call
show-told-customer = (told to the customer)
show-entered-by = entered by { $who }
show-event = event { $n } { $field }
list-none = no tickets match

## stats (headings are the paper forms' names in English too, as the ledgers' are)

stats-heading-month = 月份统计报表
stats-heading-quarter = 季度统计报表
stats-heading-year = 年度统计报表
stats-heading-range = 统计报表
stats-section-tickets = Tickets
stats-section-sla = SLA met
stats-section-times = Response and resolution times
stats-section-satisfaction = Satisfaction
stats-section-service = Compensation and field service
stats-opened = opened
stats-closed = closed
stats-backlog = backlog at the end
stats-reopen-rate = reopen rate
stats-sla-overall = all timers
stats-first-response-mean = first response, mean
stats-first-response-median = first response, median
stats-resolve-mean = resolution, mean
stats-resolve-median = resolution, median
stats-satisfaction-mean = mean score (1-5)
stats-satisfaction-n = score { $n }
stats-revisit-rate = revisit rate
stats-dissatisfied-closes = closed dissatisfied (≤ 2)
stats-revisit-efficiency = revisit: efficiency (mean)
stats-revisit-attitude = revisit: attitude (mean)
stats-revisit-result = revisit: result (mean)
stats-compensation = compensation approved
stats-visits = field visits
stats-visit-hours = hours on site
stats-log-hours = hours logged (work log)
stats-comp-requested = compensation requested
stats-comp-requested-amount = amount requested
stats-comp-approved = compensation approved (count)
stats-comp-rejected = compensation rejected
stats-comp-rejected-amount = amount rejected
stats-comp-pending = compensation pending at the end
stats-comp-pending-amount = amount pending
stats-comp-currency = currency
stats-comp-exceptions = requests outside the grade's rules
stats-shipments = shipments
stats-shipped-on-time = shipped on time
stats-promises-made = promises made
stats-promises-kept = promises kept
stats-promises-broken = promises broken
stats-promises-changed = promises changed
stats-tickets-unit = { "" }
stats-hours-unit = h
stats-every-column = (every column: --format csv)
stats-no-key = (no { $dim })
stats-top = 高频问题 TOP: of { $n } ticket(s) opened in { $period }
stats-top-category = Categories
stats-top-product = Products
stats-top-complaint-kind = Complaint kinds
stats-top-repeat-customer = Repeat customers (2 or more tickets)
stats-top-cause = Fault causes (故障分类)
stats-none = none
stats-trend = Trend, { $n } month(s):
stats-measures = 改进措施 Improvement measures (open and overdue at the period's end):

## customer and report `show`

yes = yes
no = no
show-escalated-to = yes, to { $to }
show-created = { $when } by { $who }
show-customer-log = Communication log (沟通记录):
show-customer-log-none = Communication log (沟通记录): none
show-customer-tickets = Tickets (newest first):
show-customer-tickets-none = Tickets: none
show-visits = Site visits:
label-engineer = engineer
label-ticket = ticket
label-service-type = service type
label-location = location
label-departed = departed
label-arrived = arrived
label-left = left
label-returned = returned
label-hours-on-site = hours on site
label-travel = travel
label-work-done = work done
label-problems-found = problems found
label-escalated = escalated
label-cost = cost
label-signed-by = signed by
label-outcome = outcome
label-created = created
label-name = name
label-phone = phone
label-email = email
label-industry = industry
label-source = source
label-referred-by = referred by
label-address = address
label-notes = notes
col-when = when
col-by = by
col-with = with
col-summary = summary
col-follow-up = follow-up

## ledger tables

ledger-service-total = { $n } visit(s), { $hours } h on site
ledger-tickets-total = { $n } ticket(s): { $opened } opened, { $closed } closed, { $open } open at the month's end

## step messages (stderr)

step-done = { $action } (now { $state })
col-type = type
col-hours = hours
col-contact = contact
col-phone = phone
col-industry = industry
col-source = source
col-tags = tags
col-owner = owner
col-measure = measure
col-last-contact = last contact
col-log = log

# Words that came with custom fields, saved views, shipments and legal review.
vocab-action-ship = ship
vocab-action-delivered = delivered
vocab-action-legal-review = legal-review
vocab-action-lead = lead
vocab-action-plan-told = plan-told
vocab-comp-kind-replacement = replacement
vocab-verdict-approved = approved
vocab-verdict-rejected = rejected
fields-field-type-text = text
fields-field-type-number = number
fields-field-type-date = date
fields-field-type-choice = choice
fields-field-record-ticket = ticket
fields-field-record-customer = customer
fields-field-record-report = report
views-ticket-sort-id = id
views-ticket-sort-opened = opened
views-ticket-sort-state = state
views-ticket-sort-grade = grade
views-ticket-sort-priority = priority
views-ticket-sort-assignee = assignee
views-ticket-sort-customer = customer

# The monthly workbook (svcdesk workbook): sheet names, titles, captions, charts.
workbook-sheet-summary = Monthly statistics
workbook-sheet-tickets = Ticket register
workbook-sheet-service = Service ledger
workbook-sheet-top = TOP N
workbook-sheet-measures = Improvement measures
workbook-sheet-trend = Trend
workbook-title-tickets = Customer service ticket register
workbook-title-service = Technical service ledger
workbook-title-summary = Monthly statistics
workbook-title-top = Most frequent problems
workbook-title-measures = Improvement measures
workbook-title-trend = Last 12 months
workbook-column-group = Group
workbook-column-key = Key
workbook-group-desk = Whole desk
workbook-group-category = By category
workbook-group-department = By department
workbook-group-grade = By grade
workbook-group-channel = By channel
workbook-group-engineer = By engineer
workbook-section-measure-counts = Measures by kind
workbook-section-measure-list = Measures due or done in the month
workbook-chart-category = Tickets opened by category
workbook-chart-satisfaction = Satisfaction of closed tickets
workbook-chart-sla = SLA met per timer (%)
workbook-chart-backlog = Backlog at month end
workbook-axis-tickets = Tickets
workbook-axis-score = Score
workbook-axis-month = Month
workbook-axis-pct = Met

# Promises and collaboration due dates as timers (issue 23).
vocab-action-promise = promise
vocab-action-review = review
vocab-action-waiting-reminder = waiting-reminder
vocab-action-follow = follow
vocab-wait-then-resume = resume
vocab-wait-then-close = close
vocab-action-approve-return = approve-return
timer-promise = promise
timer-collab = collab
sla-basis-promised = promised
sla-basis-due = due
label-promised = promised
show-promise-kept = promise kept
show-appointment = site visit appointment
show-appointment-kept = arrived for the appointment
label-verdict = verdict
show-review-by = { $verdict } by { $by } on { $at }
show-review-pending = { $step } waits for an approval by { $who }
vocab-notify-level-at-risk = at-risk
vocab-notify-level-breach = breach

# Manual forward and keyed SLA targets (issue 23).
vocab-action-forward = forward
timer-forward = forward
timer-measures = measures
timer-diagnosis = diagnosis
timer-archive = archive
label-tier = tier
stats-dim-tier = tier
# visit::State
visit-state-requested = requested
visit-state-approved = approved
visit-state-rejected = rejected
visit-state-scheduled = scheduled
visit-state-on-site = on-site
visit-state-done = done

# visit::Action
visit-action-request = request
visit-action-approve = approve
visit-action-reject = reject
visit-action-schedule = schedule
visit-action-start = start
visit-action-escalate = escalate
visit-action-complete = complete
visit-action-return-approve = return-approve
visit-action-request-extra = request-extra
visit-action-approve-extra = approve-extra

# report::State
report-state-draft = draft
report-state-submitted = submitted
report-state-approved = approved
report-state-rejected = rejected
label-visit = visit
label-review = review
vocab-action-customer-reply = customer-reply

# schedule::State
schedule-state-active = active
schedule-state-stopped = stopped

# schedule::Action
schedule-action-add = add
schedule-action-stop = stop

# schedule list / show
col-every = every
col-from = from
col-next = next
col-scope = scope
label-every = every
label-from = from
label-next = next
label-added = added
label-stopped = stopped
label-schedule = schedule
label-scope = scope
# intel::IntelKind
intel-intel-kind-problem = problem
intel-intel-kind-suggestion = suggestion
intel-intel-kind-competitor-price = competitor-price
intel-intel-kind-promotion = promotion

# intel::State
intel-state-open = open
intel-state-assigned = assigned
intel-state-closed = closed

# intel::Action
intel-action-add = add
intel-action-assign = assign
intel-action-note = note
intel-action-close = close
stats-intel = 旬报 intelligence items by 旬 and kind (state now):
