#!/usr/bin/env bash
# Delivers each mail of a Maildir's new/ to a desk with `svcdesk intake mail`:
# taken (exit 0) -> cur/, never takeable (65) -> .refused/ (with svcdesk's reason beside
# it), busy or broken (75, anything else) -> left in new/ for the next run.
#
#   deliver-maildir.sh MAILDIR [DESK]
set -uo pipefail
maildir=${1:?usage: deliver-maildir.sh MAILDIR [DESK]}
desk=${2:-${SVCDESK_DIR:-.}}
mkdir -p "$maildir/cur" "$maildir/.refused"
taken=0 refused=0 left=0
for mail in "$maildir"/new/*; do
  [ -f "$mail" ] || continue
  name=$(basename "$mail")
  svcdesk -C "$desk" intake mail < "$mail" > /dev/null 2> "$maildir/.refused/$name.why"
  case $? in
    0) mv "$mail" "$maildir/cur/$name:2,S"; rm -f "$maildir/.refused/$name.why"; taken=$((taken + 1)) ;;
    65) mv "$mail" "$maildir/.refused/$name"; refused=$((refused + 1)) ;;
    *) rm -f "$maildir/.refused/$name.why"; left=$((left + 1)) ;;
  esac
done
echo "taken $taken, refused $refused, left for later $left" >&2
[ "$left" -eq 0 ]
