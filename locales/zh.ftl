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

# duplicates::DupField
duplicates-dup-field-customer = 客户
duplicates-dup-field-product = 产品
duplicates-dup-field-serial = 序列号
duplicates-dup-field-category = 类别
duplicates-dup-field-contact = 联系人
