#!/usr/bin/env bash
# Benchmark: generates (once) a desk of N tickets and times the read paths against two
# floors: reading every record's bytes with cat (what an uncached read must at least do)
# and a stat walk of the ticket files (what a cached read must at least do, to trust its
# entries). Prints seconds (best of RUNS), the ratio to its floor, and peak memory:
# uncached (SVCDESK_NO_CACHE=1, every file parsed) and cached (the ticket cache in
# .svcdesk/cache warmed by a first run), and once the time to build the cache.
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

measure_once() {
  runs=1 measure "$1"
}

# Warm the page cache once, then take the floor.
find "$desk" -name '*.toml' -exec cat {} + >/dev/null
read -r floor floor_mem < <(measure "find '$desk/customers' '$desk/tickets' '$desk/reports' -name '*.toml' -exec cat {} +")
# A cached read must still look at every ticket file's size and times to trust its
# entry: the floor for cached reads is that stat walk.
read -r walk walk_mem < <(measure "find '$desk/tickets' -name '*.toml' -printf '%s %T@\\n'")
files=$(find "$desk" -name '*.toml' | wc -l)
bytes=$(du -sch "$desk/customers" "$desk/tickets" "$desk/reports" | tail -1 | cut -f1)
echo "desk: $n tickets, $files files, $bytes; $(nproc) cores; best of $runs"
printf '%-32s %17s %17s\n' "" "---- uncached ----" "----- cached -----"
printf '%-32s %6s %5s %4s %6s %5s %4s\n' command s x-cat MB s x-walk MB
printf '%-32s %6.2f %5s %4d\n' "cat (uncached floor)" "$floor" "1.0" "$((floor_mem / 1024))"
printf '%-32s %24s %6.2f %5s %4d\n' "stat walk (cached floor)" "" "$walk" "1.0" "$((walk_mem / 1024))"
rm -rf "$desk/.svcdesk/cache"
read -r cold cold_mem < <(measure_once "$sv ticket list --open --format csv")
for cmd in \
  "ticket list --open --format csv" \
  "sla check --format csv" \
  "stats --month $month" \
  "ledger tickets --month $month" \
  "export tickets --format csv" \
  "check"; do
  read -r u um < <(measure "SVCDESK_NO_CACHE=1 $sv $cmd")
  "$sv" $cmd >/dev/null 2>&1 || true
  read -r c cm < <(measure "$sv $cmd")
  printf '%-32s %6.2f %5.1f %4d %6.2f %5.1f %4d\n' "$cmd" \
    "$u" "$(awk "BEGIN{print $u / $floor}")" "$((um / 1024))" \
    "$c" "$(awk "BEGIN{print $c / $walk}")" "$((cm / 1024))"
done
printf '%-32s %24s %6.2f %5.1f %4d\n' "cache build (list, no cache)" "" \
  "$cold" "$(awk "BEGIN{print $cold / $walk}")" "$((cold_mem / 1024))"
echo "cache: $(du -sh "$desk/.svcdesk/cache" | cut -f1) in .svcdesk/cache"
