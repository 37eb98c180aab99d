#!/bin/sh
# A CGI the web server runs for the site's message form (POST, a JSON body such as
# {"customer": "王先生", "phone": "138 0000 0000", "description": "...", "external_id": "..."}).
# Answers 201 with the ticket ID, 400 for a form svcdesk can never take (with its reason),
# 503 when the desk is busy (the form's page asks to try again). Set SVCDESK_DIR for the
# web server's user (e.g. SetEnv SVCDESK_DIR /srv/desk in Apache).
if [ "${REQUEST_METHOD:-}" != "POST" ]; then
  printf 'Status: 405 Method Not Allowed\r\nAllow: POST\r\n\r\n'
  exit 0
fi
err=$(mktemp)
out=$(head -c "${CONTENT_LENGTH:-0}" | svcdesk intake json 2> "$err")
code=$?
case $code in
  0) printf 'Status: 201 Created\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\n' "$out" ;;
  65) printf 'Status: 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'; cat "$err" ;;
  *) printf 'Status: 503 Service Unavailable\r\nRetry-After: 60\r\nContent-Type: text/plain; charset=utf-8\r\n\r\ntry again in a minute\n' ;;
esac
rm -f "$err"
