#!/usr/bin/env bash
# Rebuilds examples/desk from scratch with the svcdesk binary given as $1 (default: the
# debug build). IDs are random, so each run gives new file names; the content is the same.
# Usage: examples/build-desk.sh [path/to/svcdesk]
# DESK_OUT=DIR builds the desk in DIR instead of examples/desk (tests/e2e/examples.rs uses it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sv=${1:-$here/../target/debug/svcdesk}
desk=${DESK_OUT:-$here/desk}
rm -rf "$desk"
"$sv" init "$desk" --name "华东售后服务台 East China service desk" --timezone Asia/Shanghai >/dev/null
cat >>"$desk/svcdesk.toml" <<'TOML'

[[staff]]
id = "li"
name = "李丽 Li Li"
department = "customer-service"
roles = ["agent"]

[[staff]]
id = "wang"
name = "王刚 Wang Gang"
department = "service"
roles = ["engineer"]

[[staff]]
id = "zhou"
name = "周敏 Zhou Min"
department = "quality"
roles = ["engineer"]

[[staff]]
id = "sun"
name = "孙强 Sun Qiang"
department = "service"
roles = ["supervisor", "manager"]

[[staff]]
id = "zhao"
name = "赵静 Zhao Jing"
department = "finance"
roles = ["finance"]

[[staff]]
id = "chen"
name = "陈总 Chen Hua"
department = "management"
roles = ["gm"]

[[staff]]
id = "qian"
name = "钱律 Qian Lü"
department = "management"
roles = ["legal"]

[[staff]]
id = "ma"
name = "马林 Ma Lin"
department = "logistics"
roles = ["warehouse"]

# Custom fields: the warranty status and the machine's running hours, as the service
# forms ask (see [fields] in svcdesk-config(5)). `ticket open --field 保修状态=保内`.
[fields."保修状态"]
type = "choice"
values = ["保内", "保外"]
for = ["ticket", "report"]

[fields."机器运行小时"]
type = "number"
for = ["ticket"]

[views.quality-month]
description = "quality cases opened in the last 30 days"
category = "quality"
opened_from = "-30d"
TOML
export SVCDESK_DIR=$desk SVCDESK_USER=li
at() { export SVCDESK_NOW="2026-11-$1+08:00"; }
s() { "$sv" "$@"; }

at 02T09:00:00
c1=$(s customer add --name "华东机械有限公司 East China Machinery" --contact 张伟 --phone 021-5555-0101 \
  --email service@ecm.example.cn --industry manufacturing --source trade-show --tag key-account \
  --address "上海市浦东新区张江路 88 号")
c2=$(s customer add --name "绿源食品 Lvyuan Foods" --contact 刘芳 --phone 0571-8888-0202 \
  --industry food --source online --address "杭州市西湖区文三路 12 号")
c3=$(s customer add --name "李明 Li Ming" --phone 139-0000-2222 --industry retail --source referral \
  --referred-by "$c1")
c4=$(s customer add --name "宏达物流 Hongda Logistics" --contact 陈刚 --phone 025-6666-0404 \
  --industry logistics --source dealer --tag dealer)
s customer note "$c1" --with 张伟 --channel visit -m "annual review; interested in X300 upgrade, wants a quote" --follow-up 2026-12-05 2>/dev/null

# Grade III public-opinion complaint: compensation approved by the GM, closed.
at 03T10:00:00
t1=$(s ticket open --customer "$c2" --channel media --category complaint --complaint-kind public-opinion \
  --grade III --priority high --product X200 --serial X200-24-01187 --purchase-date 2026-03-15 \
  --voucher INV-2026-0315-77 --field 保修状态=保内 --field 机器运行小时=620 -m "Customer posted on Weibo that two X200 units overheated and scorched a counter.
Threatens to go to the market regulator." 2>/dev/null)
at 03T10:05:00; s ticket respond "$t1" -m "Called 刘芳, apologised, promised an engineer on site today" --channel phone 2>/dev/null
at 03T10:20:00; s --as sun ticket escalate "$t1" --to sun --reason "grade III: after-sales manager leads" 2>/dev/null
at 03T10:25:00; s --as sun ticket accept "$t1" 2>/dev/null
at 03T10:30:00; s --as sun ticket lead "$t1" sun 2>/dev/null
at 03T11:30:00; s --as sun ticket diagnose "$t1" --cause "fan connector from batch 24-01 loosens" --cause-code mechanical --responsibility product --plan "replace both units, inspect batch" 2>/dev/null
at 03T11:50:00; s --as sun ticket plan "$t1" -m "replace both units free of charge; refund the counter repair" 2>/dev/null
at 03T12:20:00; s ticket plan "$t1" --told -m "phoned 刘芳 with the plan" 2>/dev/null
at 03T14:00:00; s --as sun comp request "$t1" --amount 3000 --kind refund --reason "counter repair invoice" 2>/dev/null
at 04T10:00:00; s --as zhao comp review "$t1" -m "invoice checked" 2>/dev/null
at 04T11:00:00; s --as qian comp legal-review "$t1" --approve -m "plan filed with the legal department; refund lawful" 2>/dev/null
at 04T15:00:00; s --as chen comp approve "$t1" 2>/dev/null
at 05T16:00:00; s --as sun ticket resolve "$t1" -m "units replaced, refund paid, post withdrawn" --parts "2x X200" 2>/dev/null
at 06T10:00:00; s ticket revisit "$t1" --efficiency 4 --attitude 5 --result 4 -m "satisfied with the speed" 2>/dev/null
at 06T10:05:00; s ticket close "$t1" --satisfaction 4 2>/dev/null

# Grade I fault fixed remotely, closed.
at 09T09:40:00
t2=$(s ticket open --customer "$c1" --category consult --product X300 -m "Display shows E12 after firmware update" 2>/dev/null)
at 09T09:50:00; s ticket grade "$t2" I --reason "non-core function, one customer" 2>/dev/null
at 09T10:00:00; s ticket assign "$t2" --to wang 2>/dev/null
at 09T10:20:00; s --as wang ticket accept "$t2" 2>/dev/null
at 09T11:00:00; s --as wang ticket resolve "$t2" -m "guided the customer through a settings reset by phone" 2>/dev/null
at 10T09:30:00; s ticket revisit "$t2" --efficiency 5 --attitude 5 --result 5 2>/dev/null
at 10T09:35:00; s ticket close "$t2" --satisfaction 5 2>/dev/null

# A phone complaint solved on the call.
at 12T14:00:00
t3=$(s ticket open --customer "$c3" --category complaint --complaint-kind attitude \
  -m "Hotline kept the customer waiting 20 minutes" \
  --resolved-on-call "apologised; explained the peak-hour queue; customer accepted" 2>/dev/null)

# Grade II quality problem, waiting for parts.
at 16T09:15:00
t4=$(s ticket open --customer "$c4" --category quality --grade II --product X200 --serial X200-24-02211 \
  --field 保修状态=保外 --field 机器运行小时=8400 -m "Conveyor motor stops under load" 2>/dev/null)
at 16T09:40:00; s --as zhou ticket accept "$t4" 2>/dev/null
at 16T10:00:00; s --as zhou ticket respond "$t4" -m "engineer booked for tomorrow" 2>/dev/null
at 17T15:00:00; s --as zhou ticket diagnose "$t4" --cause "motor driver board failure" --cause-code electrical --responsibility product 2>/dev/null
at 17T15:30:00; s --as zhou ticket wait "$t4" --for parts -m "driver board ordered from the factory" 2>/dev/null

# Grade II, reopened after a poor revisit, in progress again.
at 18T09:00:00
t5=$(s ticket open --customer "$c1" --category consult --grade II --product X300 -m "Remote monitoring drops every night" 2>/dev/null)
at 18T09:30:00; s ticket assign "$t5" --to wang 2>/dev/null
at 18T09:45:00; s --as wang ticket accept "$t5" 2>/dev/null
at 18T10:00:00; s --as wang ticket respond "$t5" -m "collecting logs" 2>/dev/null
at 19T16:00:00; s --as wang ticket resolve "$t5" -m "router keep-alive raised" 2>/dev/null
at 20T10:00:00; s ticket revisit "$t5" --efficiency 3 --attitude 4 --result 2 -m "still drops on weekends" 2>/dev/null
at 20T10:10:00; s ticket reopen "$t5" --reason "revisit result 2: problem persists" 2>/dev/null
at 20T10:30:00; s --as wang ticket collab "$t5" --department product --need "firmware log of the gateway" --due 2026-11-25 2>/dev/null

# Fresh tickets: one routed but not yet taken, one resolved awaiting its revisit.
at 27T16:30:00
t6=$(s ticket open --customer "$c2" --channel wechat --category suggestion --priority low \
  -m "Suggest a Chinese voice prompt option" 2>/dev/null)
at 27T17:00:00
t7=$(s ticket open --customer "$c4" --channel email --category logistics --priority high \
  -m "Spare parts shipment delayed three days" 2>/dev/null)
at 28T09:10:00; s ticket assign "$t7" --to li --reason "hotline follows up with the carrier" 2>/dev/null
at 28T09:20:00; s ticket accept "$t7" 2>/dev/null
at 28T09:25:00; s ticket note "$t7" -m "carrier says the parcel is in Nanjing" 2>/dev/null
at 28T09:30:00; s ticket resolve "$t7" -m "parcel delivered; customer confirmed" 2>/dev/null

# An exchange for a remote customer (偏远地区): approved Friday 17:00, the warehouse has
# 48 h and ships on Sunday (the `ship` timer is met); delivered, still in progress.
at 20T09:00:00
c5=$(s customer add --name "天山牧业 Tianshan Ranch" --contact 阿里木 --phone 0998-2222-0505 \
  --industry agriculture --source dealer --address "新疆喀什市疏勒县牧业路 5 号" --remote)
at 23T09:00:00
t10=$(s ticket open --customer "$c5" --channel phone --category quality --grade II --product X200 \
  --serial X200-25-00734 -m "Feed mixer gearbox cracked after two weeks" 2>/dev/null)
at 23T09:20:00; s ticket assign "$t10" --to wang 2>/dev/null
at 23T09:40:00; s --as wang ticket accept "$t10" 2>/dev/null
at 23T10:00:00; s --as wang ticket respond "$t10" -m "photos received; a new unit is the fastest fix" 2>/dev/null
at 23T11:00:00; s --as wang ticket diagnose "$t10" --cause "gearbox casting flaw" --responsibility product 2>/dev/null
at 23T11:30:00; s --as wang ticket plan "$t10" -m "exchange the unit; the old one comes back for analysis" 2>/dev/null
at 23T11:50:00; s ticket plan "$t10" --told -m "told 阿里木 by phone" 2>/dev/null
at 24T09:00:00; s --as wang comp request "$t10" --amount 4800 --kind exchange --reason "casting flaw, two weeks old" 2>/dev/null
at 25T10:00:00; s --as zhao comp review "$t10" 2>/dev/null
at 27T17:00:00; s --as chen comp approve "$t10" 2>/dev/null
at 29T10:00:00; s --as ma ticket ship "$t10" --items "1x X200 feed mixer (exchange)" --carrier SF --tracking SF1402283377 2>/dev/null
at 30T16:00:00; s ticket delivered "$t10" -m "阿里木 signed for it" 2>/dev/null

# A web request left unrouted for the dispatcher (new), and one taken by its engineer
# (accepted), so the desk holds a ticket in every state.
at 29T20:15:00
s ticket open --customer "$c3" --channel online-form --category consult --no-route \
  -m "Where is the nearest authorised repair shop in Suzhou?" >/dev/null 2>&1
at 30T09:00:00
t9=$(s ticket open --customer "$c1" --channel phone --category quality --grade II --product X300 \
  --serial X300-25-00412 --field 保修状态=保内 --field 机器运行小时=1350 \
  -m "X300 spindle vibrates above 3000 rpm" 2>/dev/null)
at 30T09:10:00; s ticket assign "$t9" --to wang --reason "X300 specialist" 2>/dev/null
at 30T09:30:00; s --as wang ticket accept "$t9" 2>/dev/null

# Field-service reports (现场服务完成情况汇报): a visit for the grade II quality ticket,
# one for the reopened monitoring ticket, and a training visit; plus the work log.
at 17T19:30:00
s --as zhou report add --ticket "$t4" --type problem-handling --location "南京江宁物流园 3 号仓 输送线" \
  --departed "2026-11-17 12:30" --arrived "2026-11-17 14:10" --left "2026-11-17 17:40" \
  --returned "2026-11-17 19:00" --travel "company car, 85 km" \
  -m "measured the conveyor motor under load; the driver board overheats at 80% load" \
  --problems "driver board failure; two more lines carry boards of the same batch" \
  --escalated-to sun --parts "none (board ordered from the factory)" --cost 280 \
  --signed-by 陈刚 --outcome follow-up --satisfaction 4 >/dev/null
at 19T17:00:00
s --as wang report add --ticket "$t5" --type problem-handling --location "上海张江 ECM 监控室" \
  --arrived "2026-11-19 10:00" --left "2026-11-19 15:30" \
  -m "traced the nightly drop to the router's keep-alive; raised it and watched 2 h" \
  --signed-by 张伟 --outcome resolved --satisfaction 4 >/dev/null
at 25T18:00:00
s --as wang report add --customer "$c1" --type training --location "上海张江 ECM 培训室" \
  --arrived "2026-11-25 14:00" --left "2026-11-25 17:00" \
  -m "X300 operator training for 8 people: settings reset, firmware update" \
  --signed-by 张伟 --outcome resolved --satisfaction 5 >/dev/null
at 23T18:00:00; s --as wang report log --date 2026-11-23 --hours 3 --ticket "$t5" -m "read the gateway logs with the product team" 2>/dev/null
at 24T18:00:00; s --as wang report log --hours 1.5 -m "prepared the X300 training slides" 2>/dev/null
echo "built $desk"
