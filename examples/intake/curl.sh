#!/bin/sh
# A chat robot or a form backend posting one request to web-form.cgi (or piping the same
# JSON straight into `svcdesk intake json` on the desk's machine).
curl -sS -X POST https://service.example.com/cgi-bin/web-form.cgi \
  -H 'Content-Type: application/json' \
  --data-binary @- <<'JSON'
{"customer": "王先生", "phone": "138 0000 0000", "email": "wang@example.com",
 "channel": "online-form", "category": "quality",
 "title": "X300 门把手松了", "description": "门把手松了，请派人来修。",
 "product": "X300", "serial": "SN-4711", "external_id": "form-2026-0042"}
JSON
