#!/bin/sh
# A svcdesk hook that posts to a group-chat robot (WeChat Work 企业微信 or DingTalk 钉钉
# style): a markdown message as JSON, with curl. Copy it into the desk (hooks/webhook.sh)
# and in svcdesk.toml:
#
#   [[hooks.rule]]
#   on = ["open", "assign", "sla-breach", "measure-due"]
#   priority = ["high"]
#   command = "hooks/webhook.sh"
#
# with the robot's address in the environment of whoever runs svcdesk (and in cron's):
#   WEBHOOK_URL=https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...   (WeChat Work)
#   WEBHOOK_URL=https://oapi.dingtalk.com/robot/send?access_token=...      (DingTalk)
#   WEBHOOK_STYLE=dingtalk   for DingTalk's body; the default is WeChat Work's.
#
# The event comes in SVCDESK_* variables (listed in mail.sh beside this file) and the
# record as JSON on stdin. Exits non-zero when the post fails, so svcdesk reports it (and
# retries a breach on the next run). CURL replaces the curl command (tests use a fake).
set -eu
url=${WEBHOOK_URL:?set WEBHOOK_URL to the robot address}
id=${SVCDESK_ID:?run me as a svcdesk hook}
action=${SVCDESK_ACTION:-event}
cat >/dev/null   # the record's JSON on stdin is not needed for a chat message

# The inside of a JSON string: backslashes, quotes and tabs escaped, lines joined by \n.
json_text() {
  printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/	/\\t/g' |
    awk 'NR > 1 { printf "\\n" } { printf "%s", $0 }'
}

case $action in
  sla-breach) what="SLA 超时 breach: ${SVCDESK_TIMER:-} ${SVCDESK_OVERDUE_MINUTES:-?} min over" ;;
  measure-due) what="改进措施逾期 measure overdue" ;;
  *) what=$action ;;
esac
title="$id $what"
text=$(printf '### %s\n**%s**\n> grade %s, priority %s, %s / %s\n> %s by %s at %s' \
  "$title" "${SVCDESK_TITLE:-}" "${SVCDESK_GRADE:--}" "${SVCDESK_PRIORITY:--}" \
  "${SVCDESK_DEPARTMENT:--}" "${SVCDESK_ASSIGNEE:--}" "$action" "${SVCDESK_BY:-}" "${SVCDESK_AT:-}")
if [ "${WEBHOOK_STYLE:-wecom}" = dingtalk ]; then
  body=$(printf '{"msgtype":"markdown","markdown":{"title":"%s","text":"%s"}}' \
    "$(json_text "$title")" "$(json_text "$text")")
else
  body=$(printf '{"msgtype":"markdown","markdown":{"content":"%s"}}' "$(json_text "$text")")
fi
printf '%s' "$body" | ${CURL:-curl} --silent --show-error --fail --max-time 10 \
  -H 'Content-Type: application/json' --data-binary @- "$url"
