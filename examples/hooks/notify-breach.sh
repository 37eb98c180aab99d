#!/bin/sh
# Called by `svcdesk sla check --notify examples/hooks/notify-breach.sh` once per newly
# breached SLA timer. svcdesk sets SVCDESK_ID, SVCDESK_TIMER, SVCDESK_DUE,
# SVCDESK_OVERDUE_MINUTES, SVCDESK_TITLE, SVCDESK_GRADE, SVCDESK_PRIORITY,
# SVCDESK_DEPARTMENT, SVCDESK_ASSIGNEE, SVCDESK_DESK and passes the ticket as JSON on
# stdin. Exit non-zero to have the notification retried on the next run.
#
# NOTIFY_TO: where the mail goes (default: the local user). Needs mail(1) (bsd-mailx or
# mailutils); without it the message goes to stderr, which cron mails to MAILTO anyway.
set -eu
to=${NOTIFY_TO:-$(id -un)}
subject="SLA breach: $SVCDESK_ID $SVCDESK_TIMER (grade ${SVCDESK_GRADE:--}, ${SVCDESK_OVERDUE_MINUTES} min over)"
body=$(printf '%s\n\nTicket:     %s\nTimer:      %s (due %s)\nGrade:      %s   Priority: %s\nDepartment: %s   Assignee: %s\n\nsvcdesk -C %s ticket show %s\n' \
  "$SVCDESK_TITLE" "$SVCDESK_ID" "$SVCDESK_TIMER" "$SVCDESK_DUE" "${SVCDESK_GRADE:--}" \
  "${SVCDESK_PRIORITY:--}" "${SVCDESK_DEPARTMENT:--}" "${SVCDESK_ASSIGNEE:--}" "$SVCDESK_DESK" "$SVCDESK_ID")
cat >/dev/null   # the ticket JSON on stdin is not needed here
if command -v mail >/dev/null 2>&1; then
  printf '%s\n' "$body" | mail -s "$subject" "$to"
else
  printf '%s\n%s\n' "$subject" "$body" >&2
fi
