#!/usr/bin/env bash
# Benchmark of `svcdesk audit`: generates (once) a desk whose git history has N tickets
# worked one step per commit (~5.3 commits per ticket, written with `git fast-import` by
# examples/gen_history.rs; every 500th compensation approval forged), then times the audit
# (best of RUNS) with its peak memory. The audit must find exactly the forged approvals.
#
#   bench/audit.sh                # 10k tickets, ~53k commits
#   bench/audit.sh 2000           # any size; desks are kept under target/bench/
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
runs=${RUNS:-3}
cargo build --release --quiet --example gen_history
cargo build --release --quiet
sv=$PWD/target/release/svcdesk
desk=$PWD/target/bench/history-$n
if [ ! -d "$desk/.git" ]; then
  rm -rf "$desk"
  mkdir -p "$(dirname "$desk")"
  SVCDESK_USER=bench "$sv" init "$desk" --name bench --timezone Asia/Shanghai >/dev/null
  target/release/examples/gen_history --staff >>"$desk/svcdesk.toml"
  git -C "$desk" init -q -b main
  start=$(date +%s.%N)
  target/release/examples/gen_history "$desk/svcdesk.toml" --tickets "$n" |
    git -C "$desk" fast-import --quiet
  git -C "$desk" reset -q --hard main
  echo "generated in $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $start}") s"
fi
commits=$(git -C "$desk" rev-list --count HEAD)
echo "desk: $n tickets, $commits commits, $(du -sh "$desk/.git" | cut -f1) .git; $(nproc) cores"
best=""
mem=""
for _ in $(seq "$runs"); do
  /usr/bin/time -q -f "%e %M" -o /tmp/svcdesk-audit-bench.$$ \
    "$sv" -C "$desk" audit --format csv >/tmp/svcdesk-audit-out.$$ 2>/dev/null || true
  read -r t m </tmp/svcdesk-audit-bench.$$
  if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; mem=$m; fi
done
findings=$(($(wc -l </tmp/svcdesk-audit-out.$$) - 1))
rm -f /tmp/svcdesk-audit-bench.$$ /tmp/svcdesk-audit-out.$$
echo "svcdesk audit: ${best} s (best of $runs), $((mem / 1024)) MB peak, $findings findings"
