#!/usr/bin/env bash
# Benchmark: generates (once) a desk of N tickets and times the read paths against the
# floor of just reading every record's bytes with cat. Prints seconds (best of RUNS),
# the ratio to the floor, and peak memory.
#
#   bench/run.sh                 # 100k tickets
#   bench/run.sh 10000           # any size; desks are cached under target/bench/
#   RUNS=5 bench/run.sh 100000
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
runs=${RUNS:-3}
cargo build --release --quiet --example gen_desk
cargo build --release --quiet
sv=$PWD/target/release/svcdesk
desk=$PWD/target/bench/desk-$n
if [ ! -f "$desk/svcdesk.toml" ]; then
  mkdir -p "$(dirname "$desk")"
  target/release/examples/gen_desk "$desk" --tickets "$n"
fi
export SVCDESK_DIR=$desk SVCDESK_NOW="2026-11-28 10:00" SVCDESK_USER=bench
month=2026-10

# best wall time and its peak RSS over $runs runs of a command (output discarded)
measure() {
  local best="" mem=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -q -f "%e %M" -o /tmp/svcdesk-bench.$$ bash -c "$1" >/dev/null 2>&1 || true
    read -r t m </tmp/svcdesk-bench.$$
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; mem=$m; fi
  done
  rm -f /tmp/svcdesk-bench.$$
  echo "$best $mem"
}

# Warm the cache once, then take the floor.
find "$desk" -name '*.toml' -exec cat {} + >/dev/null
read -r floor floor_mem < <(measure "find '$desk/customers' '$desk/tickets' '$desk/reports' -name '*.toml' -exec cat {} +")
files=$(find "$desk" -name '*.toml' | wc -l)
bytes=$(du -sh "$desk" | cut -f1)
echo "desk: $n tickets, $files files, $bytes; $(nproc) cores; best of $runs"
printf '%-34s %9s %7s %9s\n' command seconds ratio peak_MB
printf '%-34s %9.2f %7s %9.0f\n' "cat (floor)" "$floor" "1.0" "$((floor_mem / 1024))"
for cmd in \
  "ticket list --open --format csv" \
  "sla check --format csv" \
  "stats --month $month" \
  "ledger tickets --month $month" \
  "export tickets --format csv" \
  "check"; do
  read -r t m < <(measure "$sv $cmd")
  printf '%-34s %9.2f %7.1f %9.0f\n' "$cmd" "$t" "$(awk "BEGIN{print $t / $floor}")" "$((m / 1024))"
done
