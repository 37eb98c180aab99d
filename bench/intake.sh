#!/usr/bin/env bash
# Benchmark of mail intake: generates a Maildir of N messages (default 1000) on a fresh
# desk with 50 customers — 80% complaints from customers, 10% from strangers (registered
# on the way), 10% replies with a ticket ID in the subject — delivers each with
# `svcdesk intake mail` as an MTA would (one process per message, under the desk lock),
# and prints the milliseconds per message. The write budget is 20 ms a message.
#
#   bench/intake.sh            # 1000 messages, release build
#   bench/intake.sh 200
#   SVCDESK_BIN=target/debug/svcdesk bench/intake.sh 100
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
if [ -z "${SVCDESK_BIN:-}" ]; then
  cargo build --release --quiet
  SVCDESK_BIN=$PWD/target/release/svcdesk
fi
sv=$SVCDESK_BIN
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SVCDESK_NOW="2026-12-02 10:00" SVCDESK_USER=bench GIT_CONFIG_GLOBAL=/dev/null
"$sv" init "$work/desk" --timezone Asia/Shanghai --name bench > /dev/null 2>&1
printf '\n[intake]\nrules = [{ match = "漏水", category = "quality" }, { match = "invoice", category = "agency" }]\n' >> "$work/desk/svcdesk.toml"
for c in $(seq 1 50); do
  "$sv" -C "$work/desk" customer add --name "客户$c" --email "c$c@example.com" --force > /dev/null 2>&1
done

# One message: FILE FROM SUBJECT BODY
mail() {
  printf 'From: %s\r\nTo: service@desk.example\r\nSubject: %s\r\nMessage-ID: <%s@bench.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\n' \
    "$2" "$3" "$(basename "$1")" "$4" > "$1"
}
mkdir -p "$work/mail/new" "$work/mail/cur"
first=$((n * 9 / 10))
for i in $(seq 1 "$first"); do
  if [ $((i % 9)) -eq 0 ]; then from="stranger$i@elsewhere.example"; else from="客户 <c$((i % 50 + 1))@example.com>"; fi
  case $((i % 3)) in
    0) subject="空调漏水 #$i"; body="室内机漏水，第 $i 台。" ;;
    1) subject="Invoice question $i"; body="Please send the invoice for order $i." ;;
    *) subject="X300 不启动 $i"; body="开机没有反应，指示灯不亮。" ;;
  esac
  mail "$work/mail/new/m$i" "$from" "$subject" "$body"
done

# Delivers new/ one message at a time; prints the count, then wall, user and system
# seconds (the CPU time tells the cost apart from waiting on a busy machine).
deliver() {
  local count=0 TIMEFORMAT='%R %U %S'
  { time for f in "$work"/mail/new/*; do
      if ! "$sv" -C "$work/desk" intake mail < "$f" > /dev/null 2> "$work/err"; then
        echo "not delivered: $f" >&2; cat "$work/err" >&2; exit 1
      fi
      mv "$f" "$work/mail/cur/"
      count=$((count + 1))
    done; } 2> "$work/time"
  echo "$count $(cat "$work/time")"
}
read -r c1 r1 u1 s1 < <(deliver)
# Replies to tickets just opened, the ID in the subject as a mail client quotes it.
"$sv" -C "$work/desk" ticket list --format csv | awk -F, -v k=$((n - first)) 'NR > 1 && NR <= k + 1 { print $1 }' > "$work/ids"
i=0
while read -r id; do
  i=$((i + 1))
  mail "$work/mail/new/r$i" "客户 <c1@example.com>" "Re: [$id] 回复" "已经按说明处理，谢谢。"
done < "$work/ids"
read -r c2 r2 u2 s2 < <(deliver)
total=$((c1 + c2))
tickets=$(ls "$work"/desk/tickets/*/*/ | grep -c '\.toml$')
echo "delivered $total messages ($c1 new, $c2 replies) into $tickets tickets"
awk -v n="$total" -v r="$r1 $r2" -v c="$u1 $s1 $u2 $s2" 'BEGIN {
  split(r, R, " "); split(c, C, " ")
  printf "%.1f ms per message wall, %.1f ms CPU (user+system); budget 20 ms\n",
    (R[1] + R[2]) * 1000 / n, (C[1] + C[2] + C[3] + C[4]) * 1000 / n
}'
"$sv" -C "$work/desk" check > /dev/null
