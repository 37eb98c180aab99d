#!/usr/bin/env bash
# A ticket's whole life on a fresh desk: a phone complaint (顾客投诉) is opened, graded,
# accepted, answered, diagnosed, compensated (finance review, GM approval), resolved,
# revisited (回访) and closed; then the SLA check, the month's ledger and statistics.
# Uses `svcdesk` from PATH. tests/e2e/examples.rs runs it, so it stays true.
#
# Usage: examples/ticket-life.sh [DIR]    (default: a new temporary directory)
set -euo pipefail

dir=${1:-$(mktemp -d)}
desk=$dir/life-desk
# The clock of each step, so the timeline (and its SLA timers) reads like a real day.
at() { export SVCDESK_NOW="2026-11-24T$1:00+08:00"; }
at 09:00

svcdesk init "$desk" --name '华东售后服务台' --timezone Asia/Shanghai
# Staff with roles: the engineer diagnoses (init's [permissions]), finance reviews
# compensation, the GM approves it.
cat >>"$desk/svcdesk.toml" <<'TOML'

[[staff]]
id = "li"
name = "李丽 Li Li"
department = "customer-service"
roles = ["agent"]

[[staff]]
id = "wang"
name = "王工 Wang"
department = "service"
roles = ["engineer"]

[[staff]]
id = "zhao"
name = "赵静 Zhao Jing"
department = "finance"
roles = ["finance"]

[[staff]]
id = "chen"
name = "陈总 Chen"
department = "management"
roles = ["gm"]
TOML
export SVCDESK_DIR=$desk SVCDESK_USER=li

c=$(svcdesk customer add --name '华东机械有限公司' --contact 张伟 --phone 021-5555-0101)
t=$(svcdesk ticket open --customer "$c" --channel phone --category complaint \
      --complaint-kind attitude --product X200 --assignee li \
      -m 'engineer left without fixing the fault')
echo "opened $t"

at 09:10; svcdesk ticket grade "$t" II --reason 'core function down, one customer'
at 09:15; svcdesk ticket accept "$t"
at 09:40; svcdesk ticket respond "$t" -m 'apologised; new engineer tomorrow 9:00'
at 11:00; svcdesk --as wang ticket diagnose "$t" --cause 'driver board' --cause-code electrical --responsibility product
at 11:30; svcdesk comp request "$t" --amount 500 --kind coupon --reason 'second visit needed'
at 14:00; svcdesk --as zhao comp review "$t" -m 'within policy'
at 15:00; svcdesk --as chen comp approve "$t"
at 16:30; svcdesk ticket resolve "$t" -m 'board replaced, tested 2 h' --parts '1x DB-200'
at 17:30; svcdesk ticket revisit "$t" --efficiency 5 --attitude 4 --result 5
at 17:45; svcdesk ticket close "$t" --satisfaction 5

svcdesk ticket show "$t"
svcdesk sla check                      # exit 0 and silent: every timer was met
svcdesk check                          # every record readable and consistent
svcdesk ledger tickets --month 2026-11
svcdesk stats --month 2026-11
echo "ticket life done: $t"
