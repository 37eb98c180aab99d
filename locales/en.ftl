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

# duplicates::DupField
duplicates-dup-field-customer = customer
duplicates-dup-field-product = product
duplicates-dup-field-serial = serial
duplicates-dup-field-category = category
duplicates-dup-field-contact = contact
