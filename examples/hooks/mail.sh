#!/bin/sh
# A svcdesk hook that mails people about an event. Copy it into the desk
# (`mkdir -p hooks && cp examples/hooks/*.sh hooks/`) and in svcdesk.toml:
#
#   [[hooks.rule]]
#   on = ["open", "escalate", "sla-breach"]
#   grade = ["II", "III"]
#   command = "hooks/mail.sh service-lead@example.com"
#
# then run `svcdesk hooks trust`; `svcdesk sla check --notify` (from cron) runs the rules
# on sla-breach (and sla-at-risk: add it to `on` to warn before the deadline; and
# sla-ladder: each [[sla.ladder]] level mails the people its `notify` names).
#
# svcdesk runs it in the desk folder after the change is on disk, with SVCDESK_ACTION,
# SVCDESK_ID, SVCDESK_BY, SVCDESK_AT, SVCDESK_TITLE, SVCDESK_STATE, SVCDESK_GRADE,
# SVCDESK_PRIORITY, SVCDESK_DEPARTMENT, SVCDESK_ASSIGNEE, SVCDESK_DESK, the people's
# contact fields from [[staff]] (SVCDESK_ASSIGNEE_EMAIL, SVCDESK_HEAD_EMAIL,
# SVCDESK_OPENER_EMAIL, ...; `svcdesk hooks --help`), the followers (the opener and who
# took `ticket follow`: SVCDESK_FOLLOWERS, SVCDESK_FOLLOWERS_EMAILS), for sla-breach and sla-at-risk
# SVCDESK_TIMER, SVCDESK_DUE, SVCDESK_OVERDUE_MINUTES, and the record as JSON on stdin.
# A non-zero exit is reported (and, from --notify, retried on the next run).
#
# Recipients: the arguments; else, for sla-ladder, SVCDESK_NOTIFY_EMAILS (the level's
# people); else the responsible person, the assignee's email in [[staff]]; else the
# department head's; else NOTIFY_TO; else the local user. On resolve and close the
# followers are copied (Cc), so the agent who registered it hears. The message
# goes to SENDMAIL (a command that reads a whole message with headers; default
# `sendmail -t`), else to mail(1), else to stderr (which cron mails to MAILTO anyway).
set -eu
ladder=$(echo "${SVCDESK_NOTIFY_EMAILS:-}" | tr ',' ' ')
to=${*:-${ladder:-${SVCDESK_ASSIGNEE_EMAIL:-${SVCDESK_HEAD_EMAIL:-${NOTIFY_TO:-$(id -un)}}}}}
id=${SVCDESK_ID:?run me as a svcdesk hook}
action=${SVCDESK_ACTION:-event}
case $action in
  sla-breach) what="SLA breach: ${SVCDESK_TIMER:-} ${SVCDESK_OVERDUE_MINUTES:-?} min over" ;;
  sla-at-risk) what="SLA at risk: ${SVCDESK_TIMER:-} $((-${SVCDESK_OVERDUE_MINUTES:-0})) min left" ;;
  sla-ladder) what="SLA ${SVCDESK_LEVEL:-}: ${SVCDESK_TIMER:-} due ${SVCDESK_DUE:-}" ;;
  measure-due) what="improvement measure overdue" ;;
  *) what=$action ;;
esac
subject="[svcdesk] $id $what (grade ${SVCDESK_GRADE:--}): ${SVCDESK_TITLE:-}"
body=$(printf '%s\n\nRecord:     %s   (%s by %s at %s)\nState:      %s\nGrade:      %s   Priority: %s\nDepartment: %s   Assignee: %s' \
  "${SVCDESK_TITLE:-}" "$id" "$action" "${SVCDESK_BY:-}" "${SVCDESK_AT:-}" "${SVCDESK_STATE:--}" \
  "${SVCDESK_GRADE:--}" "${SVCDESK_PRIORITY:--}" "${SVCDESK_DEPARTMENT:--}" "${SVCDESK_ASSIGNEE:--}")
if [ "$action" = sla-breach ] || [ "$action" = sla-at-risk ] || [ "$action" = sla-ladder ]; then
  body=$(printf '%s\nTimer:      %s (due %s)' "$body" "${SVCDESK_TIMER:-}" "${SVCDESK_DUE:-}")
fi
body=$(printf '%s\n\nsvcdesk -C %s ticket show %s' "$body" "${SVCDESK_DESK:-.}" "$id")
cat >/dev/null   # the record's JSON on stdin is not needed for a mail
if [ -n "${SENDMAIL:-}" ] || command -v sendmail >/dev/null 2>&1; then
  recipients=$(echo "$to" | tr ' ' ',')
  cc=
  if [ -n "${SVCDESK_FOLLOWERS_EMAILS:-}" ]; then
    case $action in resolve|close) cc="Cc: $SVCDESK_FOLLOWERS_EMAILS
" ;; esac
  fi
  printf 'To: %s\n%sSubject: %s\nContent-Type: text/plain; charset=UTF-8\n\n%s\n' \
    "$recipients" "$cc" "$subject" "$body" | sh -c "${SENDMAIL:-sendmail -t}"
elif command -v mail >/dev/null 2>&1; then
  case $action in
    resolve|close) to="$to $(echo "${SVCDESK_FOLLOWERS_EMAILS:-}" | tr ',' ' ')" ;;
  esac
  # shellcheck disable=SC2086 # one argument per recipient
  printf '%s\n' "$body" | mail -s "$subject" $to
else
  printf '%s\n%s\n' "$subject" "$body" >&2
fi
