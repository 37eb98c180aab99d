#!/usr/bin/env bash
# Benchmark: `import customers` and `import tickets` at two sizes, to show the time grows
# linearly with the rows. Generates (once, deterministic, with awk) CSVs of N distinct
# customers, and N tickets for them, then times on a fresh empty desk each: the dry run
# (read, check, find duplicates) and the real import (staged, journalled, moved into
# place, fsynced). Prints seconds (best of RUNS) and seconds per 10k rows.
#
#   bench/import.sh              # 5000 and 50000 rows
#   bench/import.sh 2000 20000   # any sizes
#   RUNS=3 bench/import.sh
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-5000 50000}")
# shellcheck disable=SC2206
sizes=(${sizes[*]})
runs=${RUNS:-1}
cargo build --release --quiet
sv=$PWD/target/release/svcdesk
work=$PWD/target/bench/import
mkdir -p "$work"
export SVCDESK_NOW="2026-11-28 10:00" SVCDESK_USER=bench
unset SVCDESK_DIR

customers_csv() { # N FILE: distinct names and phones
  awk -v n="$1" 'BEGIN {
    print "name,contact,phone,email,industry,source,address,tags,notes"
    for (i = 1; i <= n; i++)
      printf "客户%06d有限公司,联系人%d,139%08d,c%d@example.cn,制造业,展会,上海市浦东新区%d号,vip;east,备注 %d\n",
        i, i, i, i, i, i
  }' >"$2"
}

tickets_csv() { # N CUSTOMER_IDS FILE: one ticket per row, for the imported customers
  awk -v n="$1" 'BEGIN {
    print "id,state,category,customer,opened,title,description"
    cs = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
  }
  { ids[NR] = $1 }
  END {
    for (i = 1; i <= n; i++) {
      r = ""; x = i
      for (k = 0; k < 6; k++) { r = r substr(cs, x % 32 + 1, 1); x = int(x / 32) }
      d = 1 + i % 27
      printf "T202610%02d-%s,new,complaint,%s,2026-10-%02d 09:30,设备异响 %d,描述 %d\n",
        d, r, ids[1 + (i - 1) % NR], d, i, i
    }
  }' "$2" >"$3"
}

# best wall time over $runs runs of a command run on a fresh copy of desk $1
measure() {
  local desk=$1 cmd=$2 best=""
  for _ in $(seq "$runs"); do
    rm -rf "$work/run" && cp -a "$desk" "$work/run"
    /usr/bin/time -q -f "%e" -o "$work/time" bash -c "$cmd" >/dev/null 2>"$work/err" ||
      { cat "$work/err"; exit 1; }
    t=$(cat "$work/time")
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
  done
  echo "$best"
}

echo "$(nproc) cores; best of $runs; seconds (seconds per 10k rows)"
printf '%-8s %-19s %-19s %-19s %-19s\n' rows "customers dry-run" "customers import" \
  "tickets dry-run" "tickets import"
for n in "${sizes[@]}"; do
  c=$work/customers-$n.csv t=$work/tickets-$n.csv
  [ -f "$c" ] || customers_csv "$n" "$c"
  empty=$work/empty-$n
  if [ ! -f "$empty/svcdesk.toml" ]; then
    "$sv" init "$empty" --name bench --timezone Asia/Shanghai >/dev/null 2>&1
  fi
  withc=$work/with-customers-$n
  if [ ! -f "$t" ]; then
    rm -rf "$withc" && cp -a "$empty" "$withc"
    "$sv" -C "$withc" import customers "$c" >"$work/ids-$n" 2>/dev/null
    tickets_csv "$n" "$work/ids-$n" "$t"
  fi
  cd_=$(measure "$empty" "$sv -C $work/run import customers $c --dry-run")
  ci=$(measure "$empty" "$sv -C $work/run import customers $c")
  [ "$(find "$work/run/customers" -name '*.toml' | wc -l)" = "$n" ] || { echo "not $n customers"; exit 1; }
  td=$(measure "$withc" "$sv -C $work/run import tickets $t --dry-run")
  ti=$(measure "$withc" "$sv -C $work/run import tickets $t")
  per() { awk "BEGIN{printf \"%.2f (%.2f)\", $1, $1 * 10000 / $n}"; }
  printf '%-8s %-19s %-19s %-19s %-19s\n' "$n" "$(per "$cd_")" "$(per "$ci")" "$(per "$td")" "$(per "$ti")"
done
rm -rf "$work/run"
