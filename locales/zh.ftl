# svcdesk's words for people, Chinese (简体中文). Every key here is in en.ftl too (a unit test checks).

## Vocabulary words (src/vocab.rs and the vocab! lists elsewhere): <module>-<vocabulary>-<word>

# vocab::State
vocab-state-new = 新建
vocab-state-assigned = 已派单
vocab-state-accepted = 已接单
vocab-state-in-progress = 处理中
vocab-state-waiting = 等待中
vocab-state-resolved = 已解决
vocab-state-closed = 已结案
vocab-state-merged = 已合并

# vocab::Grade
vocab-grade-I = 一般
vocab-grade-II = 严重
vocab-grade-III = 重大

# vocab::Priority
vocab-priority-high = 高
vocab-priority-medium = 中
vocab-priority-low = 低

# vocab::Channel
vocab-channel-phone = 电话
vocab-channel-email = 邮件
vocab-channel-fax = 传真
vocab-channel-written = 书面
vocab-channel-chat = 在线聊天
vocab-channel-web-message = 网站留言
vocab-channel-online-form = 在线表单
vocab-channel-wechat = 微信
vocab-channel-sms = 短信
vocab-channel-walk-in = 上门
vocab-channel-regulator = 监管部门
vocab-channel-media = 媒体

# vocab::ComplaintKind
vocab-complaint-kind-attitude = 服务态度
vocab-complaint-kind-result = 处理结果
vocab-complaint-kind-repeated = 重复问题
vocab-complaint-kind-public-opinion = 重大舆情

# vocab::Action
vocab-action-open = 受理
vocab-action-grade = 定级
vocab-action-assign = 派单
vocab-action-accept = 接单
vocab-action-note = 备注
vocab-action-respond = 响应
vocab-action-diagnose = 诊断
vocab-action-plan = 方案
vocab-action-collab = 协作
vocab-action-collab-reply = 协作回复
vocab-action-escalate = 升级
vocab-action-wait = 等待
vocab-action-resume = 恢复
vocab-action-resolve = 解决
vocab-action-revisit = 回访
vocab-action-close = 结案
vocab-action-reopen = 重开
vocab-action-link = 关联
vocab-action-comp-request = 申请赔偿
vocab-action-comp-review = 财务审核
vocab-action-comp-approve = 批准赔偿
vocab-action-comp-reject = 驳回赔偿
vocab-action-sla-notified = SLA提醒
vocab-action-redact = 脱敏
vocab-action-merged-into = 并入
vocab-action-merged-from = 合并自
vocab-action-set = 更正

# vocab::LinkKind
vocab-link-kind-duplicate = 重复
vocab-link-kind-related = 相关
vocab-link-kind-repeat-of = 再次发生
vocab-link-kind-split-from = 拆分自
vocab-link-kind-split-into = 拆分出

# vocab::CompKind
vocab-comp-kind-coupon = 代金券
vocab-comp-kind-refund = 退款
vocab-comp-kind-exchange = 换货
vocab-comp-kind-repair = 维修
vocab-comp-kind-cash = 现金

# vocab::CompState
vocab-comp-state-requested = 已申请
vocab-comp-state-reviewed = 已审核
vocab-comp-state-approved = 已批准
vocab-comp-state-rejected = 已驳回

# vocab::Visibility
vocab-visibility-internal = 内部
vocab-visibility-customer = 客户可见

# measure::MeasureKind
measure-measure-kind-training = 培训
measure-measure-kind-process = 流程
measure-measure-kind-product = 产品

# measure::State
measure-state-open = 进行中
measure-state-done = 已完成

# measure::Action
measure-action-add = 新增
measure-action-note = 备注
measure-action-done = 完成
measure-action-reopen = 重开
measure-action-notified = 已提醒

# customer::Field
customer-field-name = 名称
customer-field-contact = 联系人
customer-field-phone = 电话
customer-field-email = 邮箱
customer-field-industry = 行业
customer-field-source = 来源
customer-field-referred-by = 介绍人
customer-field-address = 地址
customer-field-notes = 备注

# report::ServiceType
report-service-type-consultation = 技术咨询
report-service-type-construction-guidance = 施工指导
report-service-type-problem-handling = 问题处理
report-service-type-training = 培训
report-service-type-maintenance = 保养

# report::Outcome
report-outcome-resolved = 已解决
report-outcome-partly-resolved = 部分解决
report-outcome-unresolved = 未解决
report-outcome-follow-up = 待跟进

# report::Field
report-field-ticket = 工单
report-field-location = 地点
report-field-departed = 出发时间
report-field-arrived = 到达时间
report-field-left = 离开时间
report-field-returned = 返回时间
report-field-travel = 交通
report-field-work-done = 工作内容
report-field-problems = 发现问题
report-field-escalated = 上报
report-field-escalated-to = 上报对象
report-field-parts = 备件
report-field-cost = 费用
report-field-signed-by = 客户签字
report-field-outcome = 处理结果
report-field-satisfaction = 满意度

# stats::Dim
stats-dim-category = 类别
stats-dim-grade = 等级
stats-dim-priority = 优先级
stats-dim-department = 部门
stats-dim-assignee = 处理人
stats-dim-channel = 渠道
stats-dim-customer = 客户
stats-dim-product = 产品
stats-dim-engineer = 工程师
stats-dim-service-type = 服务类型
stats-dim-outcome = 处理结果
stats-dim-source = 客户来源
stats-dim-industry = 所属行业

# duplicates::DupField
duplicates-dup-field-customer = 客户
duplicates-dup-field-product = 产品
duplicates-dup-field-serial = 序列号
duplicates-dup-field-category = 类别
duplicates-dup-field-contact = 联系人

## Table headings (col-<column>, _ as -)

col-id = 编号
col-state = 状态
col-grade = 等级
col-pri = 优先级
col-priority = 优先级
col-category = 类别
col-department = 部门
col-assignee = 处理人
col-opened = 受理时间
col-promised = 预计完成时间
col-title = 标题
col-customer = 客户
col-customer-name = 客户名称
col-channel = 渠道
col-complaint-kind = 投诉类型
col-engineer = 工程师
col-product = 产品
col-closed = 结案
col-backlog = 积压
col-sla-timer = SLA计时
col-sla-run = 轮次
col-sla-due = SLA期限
col-sla-state = SLA状态
col-sla-remaining = 剩余时间
col-sla-remaining-unit = 计时方式
col-timer = 计时
col-target = 时限
col-basis = 依据
col-started = 开始
col-due = 期限
col-remaining = 剩余时间
col-run = 轮次
col-remaining-unit = 计时方式
col-open = 未完成
col-at-risk = 临期
col-breached = 已超时
col-date = 日期
col-report = 服务单号
col-service-type = 服务类型
col-ticket = 工单号
col-hours-on-site = 现场工时
col-outcome = 处理结果
col-satisfaction = 满意度
col-rank = 排名
col-key = 代码
col-name = 名称
col-tickets = 工单数
col-share-pct = 占比(%)
col-kind = 措施类型
col-added = 新增
col-done = 完成
col-overdue = 逾期
col-figure = 指标
col-reopen-rate = 重开率(%)
col-sla-overall-pct = SLA总达成率(%)
col-first-response-mean-h = 首次响应均值(小时)
col-resolve-mean-h = 解决均值(小时)
col-satisfaction-mean = 满意度均值
col-revisit-rate = 回访率(%)
col-compensation = 赔偿金额
col-visits = 现场服务次数
col-visit-hours = 现场工时(小时)
col-state-at-month-end = 月末状态
col-month = 月份

## `show` labels

label-id = 编号
label-title = 标题
label-state = 状态
label-grade = 等级
label-priority = 优先级
label-category = 类别
label-complaint-kind = 投诉类型
label-channel = 渠道
label-customer = 客户
label-contact = 联系人
label-department = 部门
label-assignee = 处理人
label-product = 产品
label-serial = 序列号
label-purchase-date = 购买日期
label-voucher = 凭证
label-submitter = 提交人
label-transferred-by = 转交人
label-tags = 标签
label-links = 关联工单
label-opened = 受理时间
label-accepted = 接单时间
label-responded = 响应时间
label-resolved = 解决时间
label-closed = 结案时间
label-cause = 原因分析
label-responsibility = 责任
label-plan = 处理方案
label-resolution = 处理措施/结果
label-satisfaction = 满意度
label-reopened = 重开次数
label-compensation = 赔偿
label-to = 派给
label-need = 需要
label-due = 期限
label-request = 申请
label-parts = 备件
label-efficiency = 效率
label-attitude = 态度
label-result = 结果
label-timer = 计时
label-redacted = 已脱敏
label-reason = 原因
label-attached = 附件
label-cause-code = 故障分类
label-items = 发货物品
label-carrier = 承运商
label-tracking = 运单号
label-lead = 专项负责人
label-legal-review = 法务审核
label-exception = 例外原因
label-template = 模板
label-comp-exception = 赔偿例外
label-shipped = 发货时间
label-delivered = 签收时间
show-goods-to-ship = 需发货
show-goods-to-ship-remote = 需发货（偏远地区客户）

## SLA words, timers, `show` and `ticket list` texts

total = 合计
sla-running = 计时中
sla-paused = 已暂停
sla-at-risk = 临期
sla-met = 达成
sla-breached = 超时
sla-missed = 未达成
sla-n-a = 不适用
sla-restarted = 重新计时
sla-basis-all = 全部
sla-unit-wall = 自然时间
sla-unit-working = 工作时间
timer-accept = 接单
timer-respond = 响应
timer-plan = 方案
timer-resolve = 解决
timer-revisit = 回访
timer-compensation-plan = 赔偿方案
timer-plan-told = 方案告知
timer-ship = 发货
show-description = 问题描述
show-fields = 自定义字段
show-timeline = 处理记录
show-sla = SLA时限
show-field-visit = 现场服务
show-sla-ended = { $when } 结束
show-sla-overdue = 超时 { $time }
show-sla-left = 剩余 { $time }
show-sla-due = 期限
show-on-call = 电话中解决
show-told-customer = (已告知客户)
show-entered-by = { $who } 代录
show-event = 第{ $n }条记录 { $field }
list-none = 没有符合条件的工单

## stats

stats-heading-month = 月份统计报表
stats-heading-quarter = 季度统计报表
stats-heading-year = 年度统计报表
stats-heading-range = 统计报表
stats-section-tickets = 工单
stats-section-sla = SLA达成率
stats-section-times = 响应与解决时效
stats-section-satisfaction = 满意度
stats-section-service = 赔偿与现场服务
stats-opened = 新增
stats-closed = 结案
stats-backlog = 期末积压
stats-reopen-rate = 重开率
stats-sla-overall = 总达成率
stats-first-response-mean = 首次响应 均值
stats-first-response-median = 首次响应 中位数
stats-resolve-mean = 解决 均值
stats-resolve-median = 解决 中位数
stats-satisfaction-mean = 平均分(1-5)
stats-satisfaction-n = { $n }分
stats-revisit-rate = 回访率
stats-dissatisfied-closes = 不满意结案(≤2分)
stats-revisit-efficiency = 回访处理效率均值
stats-revisit-attitude = 回访服务态度均值
stats-revisit-result = 回访处理结果均值
stats-compensation = 批准赔偿
stats-visits = 现场服务次数
stats-visit-hours = 现场工时
stats-log-hours = 工作日志工时
stats-comp-requested = 赔偿申请数
stats-comp-requested-amount = 申请赔偿金额
stats-comp-approved = 赔偿批准数
stats-comp-rejected = 赔偿驳回数
stats-comp-rejected-amount = 驳回赔偿金额
stats-comp-pending = 期末待审赔偿数
stats-comp-pending-amount = 待审赔偿金额
stats-comp-currency = 赔偿币种
stats-comp-exceptions = 例外赔偿数
stats-shipments = 发货次数
stats-shipped-on-time = 按时发货率
stats-promises-made = 承诺数
stats-promises-kept = 兑现承诺数
stats-promises-broken = 失约承诺数
stats-promises-changed = 变更承诺数
stats-tickets-unit = 件
stats-hours-unit = 小时
stats-every-column = (全部列: --format csv)
stats-no-key = (无{ $dim })
stats-top = 高频问题 TOP: { $period } 新增工单 { $n } 件
stats-top-category = 类别
stats-top-product = 产品
stats-top-complaint-kind = 投诉类型
stats-top-repeat-customer = 重复投诉客户(2件及以上)
stats-top-cause = 故障分类
stats-none = 无
stats-trend = 趋势, { $n } 个月:
stats-measures = 改进措施(未完成与逾期按期末统计):

## customer and report `show`

yes = 是
no = 否
show-escalated-to = 是，上报给 { $to }
show-created = { $when } { $who } 创建
show-customer-log = 沟通记录:
show-customer-log-none = 沟通记录: 无
show-customer-tickets = 工单(最新在前):
show-customer-tickets-none = 工单: 无
show-visits = 外出服务:
label-engineer = 工程师
label-ticket = 工单
label-service-type = 服务类型
label-location = 地点
label-departed = 出发时间
label-arrived = 到达时间
label-left = 离开时间
label-returned = 返回时间
label-hours-on-site = 现场工时
label-travel = 交通
label-work-done = 工作内容
label-problems-found = 发现问题
label-escalated = 24小时内上报
label-cost = 费用
label-signed-by = 客户签字
label-outcome = 处理结果
label-created = 创建
label-name = 名称
label-phone = 电话
label-email = 邮箱
label-industry = 行业
label-source = 来源
label-referred-by = 介绍人
label-address = 地址
label-notes = 备注
col-when = 时间
col-by = 记录人
col-with = 对象
col-summary = 摘要
col-follow-up = 跟进日期

## ledger tables

ledger-service-total = 现场服务 { $n } 次, 现场工时 { $hours } 小时
ledger-tickets-total = 工单 { $n } 件: 新增 { $opened }, 结案 { $closed }, 月末未结 { $open }

## step messages (stderr)

step-done = { $action } (现为 { $state })
col-type = 服务类型
col-hours = 工时(小时)
col-contact = 联系人
col-phone = 电话
col-industry = 行业
col-source = 来源
col-tags = 标签
col-owner = 负责人
col-measure = 措施
col-last-contact = 最近联系
col-log = 记录

# Words that came with custom fields, saved views, shipments and legal review.
vocab-action-ship = 发货
vocab-action-delivered = 签收
vocab-action-legal-review = 法务审核
vocab-action-lead = 指定专项负责人
vocab-action-plan-told = 告知方案
vocab-comp-kind-replacement = 换新
vocab-verdict-approved = 同意
vocab-verdict-rejected = 不同意
fields-field-type-text = 文本
fields-field-type-number = 数字
fields-field-type-date = 日期
fields-field-type-choice = 选项
fields-field-record-ticket = 工单
fields-field-record-customer = 客户
fields-field-record-report = 现场服务报告
views-ticket-sort-id = 编号
views-ticket-sort-opened = 受理时间
views-ticket-sort-state = 状态
views-ticket-sort-grade = 等级
views-ticket-sort-priority = 优先级
views-ticket-sort-assignee = 处理人
views-ticket-sort-customer = 客户

# The monthly workbook (svcdesk workbook): sheet names, titles, captions, charts.
workbook-sheet-summary = 月度统计
workbook-sheet-tickets = 受理跟踪反馈表
workbook-sheet-service = 技术服务台账
workbook-sheet-top = TOP N
workbook-sheet-measures = 改进措施
workbook-sheet-trend = 趋势
workbook-title-tickets = 客户服务受理跟踪反馈表
workbook-title-service = 技术服务台账
workbook-title-summary = 月度统计报表
workbook-title-top = 高频问题 TOP N
workbook-title-measures = 改进措施
workbook-title-trend = 近12个月趋势
workbook-column-group = 分组
workbook-column-key = 分组值
workbook-group-desk = 全部
workbook-group-category = 按类别
workbook-group-department = 按部门
workbook-group-grade = 按等级
workbook-group-channel = 按渠道
workbook-group-engineer = 按工程师
workbook-section-measure-counts = 按类型统计
workbook-section-measure-list = 本月到期或完成的措施
workbook-chart-category = 各类别新增工单
workbook-chart-satisfaction = 结案满意度分布
workbook-chart-sla = 各时限SLA达成率
workbook-chart-backlog = 月末积压工单
workbook-axis-tickets = 工单数
workbook-axis-score = 评分
workbook-axis-month = 月份
workbook-axis-pct = 达成率

# Promises and collaboration due dates as timers (issue 23).
vocab-action-promise = 承诺
vocab-action-review = 负责人审阅
vocab-action-waiting-reminder = 等待提醒
vocab-action-follow = 关注
vocab-wait-then-resume = 恢复处理
vocab-wait-then-close = 关闭
vocab-action-approve-return = 退换货审核
timer-promise = 承诺
timer-collab = 协作
sla-basis-promised = 承诺时间
sla-basis-due = 协作期限
label-promised = 承诺时间
show-promise-kept = 承诺已兑现
show-appointment = 上门预约
show-appointment-kept = 已按约到达现场
label-verdict = 审阅结论
show-review-by = { $by } 于 { $at } { $verdict }
show-review-pending = 须经 { $who } 审阅同意后方可{ $step }
vocab-notify-level-at-risk = 即将超时
vocab-notify-level-breach = 已超时

# Manual forward and keyed SLA targets (issue 23).
vocab-action-forward = 转交
timer-forward = 转交
timer-measures = 补救预防措施
timer-diagnosis = 诊断
timer-archive = 存档
label-tier = 客户等级
stats-dim-tier = 客户等级
# visit::State
visit-state-requested = 待审批
visit-state-approved = 已批准
visit-state-rejected = 已驳回
visit-state-scheduled = 已预约
visit-state-on-site = 在现场
visit-state-done = 已完成

# visit::Action
visit-action-request = 请示
visit-action-approve = 批准
visit-action-reject = 驳回
visit-action-schedule = 预约
visit-action-start = 到达现场
visit-action-escalate = 现场反馈
visit-action-complete = 完成
visit-action-return-approve = 批准返回
visit-action-request-extra = 额外请求
visit-action-approve-extra = 批准额外请求

# report::State
report-state-draft = 草稿
report-state-submitted = 待审核
report-state-approved = 已审核
report-state-rejected = 退回
label-visit = 外出单
label-review = 审核
vocab-action-customer-reply = 客户回复

# schedule::State
schedule-state-active = 生效
schedule-state-stopped = 已停止

# schedule::Action
schedule-action-add = 新建
schedule-action-stop = 停止

# schedule list / show
col-every = 周期
col-from = 起始日期
col-next = 下次
col-scope = 服务内容
label-every = 周期
label-from = 起始日期
label-next = 下次
label-added = 建立
label-stopped = 停止
label-schedule = 保养计划
label-scope = 服务内容
# intel::IntelKind
intel-intel-kind-problem = 问题
intel-intel-kind-suggestion = 建议
intel-intel-kind-competitor-price = 竞品价格
intel-intel-kind-promotion = 促销

# intel::State
intel-state-open = 待跟踪
intel-state-assigned = 跟踪中
intel-state-closed = 已反馈

# intel::Action
intel-action-add = 新增
intel-action-assign = 指派
intel-action-note = 跟踪记录
intel-action-close = 反馈关闭
stats-intel = 旬報問題及建議信息跟蹤反饋記錄表
