"""Chinese and English words for everything the program says to people.

Chinese is the default; English with ``--lang en`` or ``PLEDGES_LANG=en``.  Messages are
``str.format`` templates; any vocabulary value passed as a parameter is shown by its label.
"""

from enum import StrEnum

from pledges.vocab import Channel, Grade, Kind, Outcome, RaterGroup, ReminderState, Rule, State

LANGS = ("zh", "en")

LABELS: dict[type[StrEnum], dict[str, tuple[str, str]]] = {
    State: {
        "draft": ("草拟", "draft"),
        "submitted": ("待审核", "submitted"),
        "approved": ("已审核", "approved"),
        "displayed": ("已亮诺", "displayed"),
        "in_progress": ("践诺中", "in progress"),
        "fulfilled": ("已兑现", "fulfilled"),
        "unfulfilled": ("未兑现", "unfulfilled"),
        "evaluated": ("已评诺", "evaluated"),
        "withdrawn": ("已撤回", "withdrawn"),
    },
    Kind: {
        "committee": ("党委", "committee"),
        "organ": ("机关", "organ"),
        "village": ("村", "village"),
        "community": ("社区", "community"),
        "enterprise": ("非公企业", "enterprise"),
        "social": ("新社会组织", "social organisation"),
        "institution": ("事业单位", "institution"),
        "soe": ("国有企业", "state-owned enterprise"),
        "school": ("学校", "school"),
        "other": ("其他", "other"),
    },
    Channel: {
        "board": ("公示栏", "notice board"),
        "website": ("网站", "website"),
        "meeting": ("会议", "meeting"),
        "household": ("户牌", "household plate"),
        "post": ("岗位牌", "post plate"),
        "stall": ("摊位牌", "stall plate"),
    },
    Grade: {
        "excellent": ("优秀", "excellent"),
        "good": ("良好", "good"),
        "pass": ("合格", "pass"),
        "fail": ("不合格", "fail"),
    },
    RaterGroup: {
        "self": ("自评", "self"),
        "organisation": ("组织评", "organisation"),
        "members": ("党员评", "members"),
        "public": ("群众评", "public"),
    },
    Outcome: {
        "fulfilled": ("已兑现", "fulfilled"),
        "unfulfilled": ("未兑现", "unfulfilled"),
    },
}

TRIGGERS: dict[str, tuple[str, str]] = {
    "create": ("创建", "create"),
    "edit": ("修改草稿", "edit"),
    "submit": ("提交", "submit"),
    "approve": ("审核通过", "approve"),
    "return": ("退回", "return"),
    "display": ("亮诺", "display"),
    "record_progress": ("践诺记实", "record progress"),
    "complete": ("确认兑现", "complete"),
    "fail": ("确认未兑现", "fail"),
    "evaluate": ("评诺", "evaluate"),
    "amend": ("变更", "amend"),
    "withdraw": ("撤回", "withdraw"),
    "extend": ("延期", "extend"),
}

# Column headers and other words of the interface.
WORDS: dict[str, tuple[str, str]] = {
    "id": ("编号", "ID"),
    "code": ("代码", "Code"),
    "name": ("名称", "Name"),
    "kind": ("类型", "Kind"),
    "parent": ("上级", "Parent"),
    "org": ("党组织", "Organisation"),
    "member": ("党员", "Member"),
    "number": ("党员编号", "Number"),
    "title": ("承诺事项", "Pledge"),
    "content": ("内容", "Content"),
    "category": ("类别", "Category"),
    "state": ("状态", "State"),
    "outcome": ("结果", "Outcome"),
    "due": ("完成时限", "Due"),
    "original_due": ("原定时限", "Original due"),
    "target": ("目标", "Target"),
    "unit": ("单位", "Unit"),
    "done": ("已完成", "Done"),
    "criterion": ("完成标准", "Completion criterion"),
    "qualitative": ("定性承诺", "qualitative"),
    "campaign": ("活动年度", "Campaign"),
    "overdue": ("逾期", "Overdue"),
    "days_late": ("逾期天数", "Days late"),
    "history": ("记实", "History"),
    "at": ("时间", "Time"),
    "trigger": ("操作", "Action"),
    "from": ("原状态", "From"),
    "to": ("新状态", "To"),
    "actor": ("操作人", "By"),
    "reason": ("理由", "Reason"),
    "progress": ("践诺记实", "Progress"),
    "displays": ("亮诺记录", "Displays"),
    "evaluations": ("评诺", "Evaluations"),
    "versions": ("历史版本", "Earlier versions"),
    "on": ("日期", "Date"),
    "amount": ("数量", "Amount"),
    "note": ("说明", "Note"),
    "evidence": ("佐证", "Evidence"),
    "channel": ("亮诺方式", "Channel"),
    "place": ("地点", "Place"),
    "grade": ("等次", "Grade"),
    "rater": ("评价主体", "Rater"),
    "comment": ("评语", "Comment"),
    "owner": ("承诺主体", "Owner"),
    "none": ("无", "none"),
    # the dashboard (docs/figures.md) and the overdue list
    "declared": ("已承诺", "Declared"),
    "display_rate": ("亮诺率", "Displayed"),
    "due_count": ("已到期", "Due"),
    "fulfilled": ("已兑现", "Fulfilled"),
    "completion_rate": ("践诺率", "Completion"),
    "on_time_rate": ("按期率", "On time"),
    "progress_mean": ("进度", "Progress"),
    "unfulfilled": ("未兑现", "Unfulfilled"),
    "evaluation_coverage": ("评诺率", "Evaluated"),
    "lagging": ("关注", "Watch"),
    "lagging_completion": ("践诺率低", "low completion"),
    "lagging_overdue": ("逾期多", "many overdue"),
    "last_progress": ("最近记实", "Last progress"),
    "whole_ledger": ("全部", "everything"),
    "by_kind": ("按单位类型", "by unit kind"),
    "by_category": ("按类别", "by category"),
    "uncategorised": ("（未分类）", "(no category)"),
    "members": ("党员数", "Members"),
    "pledges": ("承诺数", "Pledges"),
    "lifecycle": ("承诺生命周期", "Pledge lifecycle"),
    "guards": ("条件", "Guards"),
    "orgs_stage": ("党组织", "organisations"),
    "members_stage": ("党员", "members"),
    "pledges_stage": ("承诺及记实", "pledges and their history"),
}

MESSAGES: dict[str, tuple[str, str]] = {
    # errors
    "no_actor": (
        "未指定操作人：请用 --as 姓名 或设置环境变量 PLEDGES_USER",
        "no acting person: pass --as NAME or set PLEDGES_USER",
    ),
    "schema_mismatch": (
        "{url} 的台账结构是第 {found} 版，比本程序所知的第 {needed} 版新：请改用新版 pledges",
        "{url} holds a ledger of schema version {found}, newer than this program's {needed}: use a newer pledges",
    ),
    "not_initialised": (
        "{url} 还不是承诺台账：请先运行 pledges init",
        "{url} is not a pledge ledger yet: run `pledges init` first",
    ),
    "db_unavailable": (
        "无法打开数据库 {url}：{detail}",
        "cannot open the database {url}: {detail}",
    ),
    "db_error": ("数据库错误：{detail}（未写入任何内容）", "database error: {detail} (nothing was written)"),
    "unknown_pledge": (
        "没有编号为 {id} 的承诺：用 pledges list 查看编号",
        "no pledge with id {id}: see `pledges list` for ids",
    ),
    "unknown_org": (
        "没有代码为 {code} 的党组织：用 pledges org list 查看代码",
        "no organisation with code {code}: see `pledges org list`",
    ),
    "unknown_member": (
        "没有编号为 {number} 的党员：用 pledges member list 查看",
        "no member with number {number}: see `pledges member list`",
    ),
    "duplicate_org": (
        "党组织代码 {code} 已存在（{name}）：请换一个代码",
        "organisation code {code} already exists ({name}): choose another code",
    ),
    "duplicate_member": (
        "党员编号 {number} 已存在（{name}）：请换一个编号",
        "member number {number} already exists ({name}): choose another number",
    ),
    "member_elsewhere": (
        "党员 {number} 属于 {member_org}，不属于 {org}：请用 --org {member_org}",
        "member {number} belongs to {member_org}, not {org}: use --org {member_org}",
    ),
    "concurrent_change": (
        "承诺 {id} 刚被他人修改，本次操作未执行：请用 pledges show {id} 查看后重试",
        "pledge {id} was changed by someone else meanwhile; nothing was done: check `pledges show {id}` and retry",
    ),
    "refused_state": (
        "承诺 {id} 当前状态为「{state}」，不能{trigger}；可用操作：{allowed}",
        "pledge {id} is {state}: '{trigger}' is not possible from there; possible now: {allowed}",
    ),
    "refused_terminal": (
        "承诺 {id} 当前状态为「{state}」，不能{trigger}；该承诺已无后续操作",
        "pledge {id} is {state}: '{trigger}' is not possible, and nothing further can be done with it",
    ),
    "refused_many": (
        "承诺 {id} 未能{trigger}，全部 {count} 项均未变更：{detail}",
        "{trigger} refused for pledge {id}, so none of the {count} pledges were changed: {detail}",
    ),
    "need_title": ("承诺 {id} 没有标题：用 pledges edit {id} --title 补上", "pledge {id} has no title: add one with `pledges edit {id} --title`"),
    "need_owner": ("承诺 {id} 没有承诺主体", "pledge {id} has no owner"),
    "need_measure": (
        "承诺 {id} 没有可衡量的目标：用 --target 数量 --unit 单位，或 --qualitative --criterion 完成标准",
        "pledge {id} has no measurable target: give --target N --unit UNIT, or --qualitative --criterion TEXT",
    ),
    "due_outside": (
        "完成时限 {due} 不在 {year} 年度活动期内（{starts} 至 {ends}）：请改用期内日期",
        "due date {due} is outside the {year} campaign ({starts} to {ends}): choose a date inside it",
    ),
    "need_reason": ("{trigger}需要说明理由：请加 --reason 理由", "{trigger} needs a reason: add --reason TEXT"),
    "need_channel": (
        "亮诺需要亮诺方式：--channel {choices}",
        "display needs a channel: --channel {choices}",
    ),
    "bad_choice": ("{what} 不能是 {value}：可选 {choices}", "{what} cannot be {value}: choose one of {choices}"),
    "future_date": ("日期 {on} 晚于今天（{today}）：不能记录未来的事", "date {on} is after today ({today}): nothing can be recorded in the future"),
    "before_display": (
        "日期 {on} 早于亮诺日期 {displayed}：践诺记实不能早于亮诺",
        "date {on} is before the pledge was displayed ({displayed}): progress cannot predate display",
    ),
    "amount_positive": (
        "数量必须大于 0（收到 {amount}）：请填写本次完成的数量",
        "the amount must be greater than 0 (got {amount}): give how much was done",
    ),
    "qualitative_note": (
        "承诺 {id} 是定性承诺：请用 --note 说明本次做了什么",
        "pledge {id} is qualitative: describe what was done with --note",
    ),
    "qualitative_amount": (
        "承诺 {id} 是定性承诺，没有数量目标：请只用 --note 记录",
        "pledge {id} is qualitative and has no numeric target: record it with --note only",
    ),
    "target_not_reached": (
        "承诺 {id} 只完成 {done}/{target} {unit}：达标后再确认兑现，或由组织确认并用 --note 说明",
        "pledge {id} has {done} of {target} {unit} done: complete it when reached, or confirm as organiser with --note",
    ),
    "need_confirmation": (
        "承诺 {id} 是定性承诺：确认兑现需用 --note 说明依据",
        "pledge {id} is qualitative: completing it needs a confirmation --note",
    ),
    "not_yet_due": (
        "承诺 {id} 的时限是 {due}，尚未到期：到期后才能确认未兑现（或由组织部门确认）",
        "pledge {id} is due {due}, not yet: it can be marked unfulfilled after that date (or by an organiser)",
    ),
    "not_authorised": (
        "{actor} 无权对 {org} 的承诺执行{trigger}",
        "{actor} may not {trigger} pledges of {org}",
    ),
    "need_org_rating": (
        "承诺 {id} 还没有组织评价：请用 pledges evaluate {id} --grade 等次",
        "pledge {id} has no organisation rating yet: use `pledges evaluate {id} --grade GRADE`",
    ),
    "due_not_later": (
        "新时限 {new} 必须晚于当前时限 {due}",
        "the new due date {new} must be later than the current one, {due}",
    ),
    "nothing_to_amend": (
        "没有要修改的内容：请给出 --title、--target 等需要修改的项目",
        "nothing to change: give the fields to change (--title, --target, …)",
    ),
    "not_a_draft": (
        "承诺 {id} 当前状态为「{state}」，只有草稿可以直接修改：已亮诺的承诺请用 pledges amend",
        "pledge {id} is {state}; only drafts can be edited: use `pledges amend` once displayed",
    ),
    "bad_value": ("{field}：{problem}", "{field}: {problem}"),
    "empty_field": ("{field} 不能为空", "{field} must not be empty"),
    "too_large": ("{field} 太大（{value}）：最大为 {max}", "{field} is too large ({value}): at most {max}"),
    "bad_year": ("活动年度 {year} 无效：应在 {first} 至 {last} 之间", "campaign year {year} is not valid: give a year from {first} to {last}"),
    "target_positive": ("--target 必须是大于 0 的整数（收到 {value}）", "--target must be a whole number greater than 0 (got {value})"),
    "target_and_unit": ("--target 与 --unit 需同时给出", "--target and --unit go together"),
    "measure_conflict": (
        "不能同时给出数量目标和 --qualitative：二选一",
        "a numeric target and --qualitative exclude each other: choose one",
    ),
    "criterion_needed": ("定性承诺需要 --criterion 完成标准", "a qualitative pledge needs --criterion TEXT"),
    "bad_code": (
        "代码 {code} 无效：只能用字母、数字、-、_、.，最长 64 个字符",
        "code {code} is not valid: use letters, digits, -, _ and . only, at most 64 characters",
    ),
    "no_campaign": ("没有 {year} 年度的活动：该年度还没有承诺", "there is no {year} campaign: no pledges were made for that year"),
    "bulk_nothing": (
        "{org} 及下级没有已审核待亮诺的承诺：无需操作",
        "no approved pledges waiting for display under {org}: nothing to do",
    ),
    "bad_depth": ("--depth 不能为负数（收到 {depth}）", "--depth cannot be negative (got {depth})"),
    "demo_not_empty": (
        "该台账已有 {count} 个党组织：演示数据只载入空台账，请另选数据库（如 --db demo.db）",
        "this ledger already holds {count} organisations: demo data only goes into an empty ledger; choose another database (e.g. --db demo.db)",
    ),
    # results
    "initialised": ("已创建承诺台账：{url}", "created a pledge ledger at {url}"),
    "already_initialised": ("{url} 已是承诺台账，未作改动", "{url} is already a pledge ledger; nothing changed"),
    "org_added": ("已添加党组织 {code} {name}", "added organisation {code} {name}"),
    "member_added": ("已添加党员 {number} {name}（{org}）", "added member {number} {name} ({org})"),
    "pledge_added": ("已创建承诺 {id}：{title}（草拟）", "created pledge {id}: {title} (draft)"),
    "pledge_edited": ("已修改承诺 {id}", "edited pledge {id}"),
    "moved": ("承诺 {id}：{from_} → {to}", "pledge {id}: {from_} → {to}"),
    "bulk_displayed": ("已亮诺 {count} 项承诺（{org} 及下级，{channel}）", "displayed {count} pledges under {org} ({channel})"),
    "no_rows": ("（无）", "(none)"),
    "demo_built": (
        "已载入演示台账（{scale}，种子 {seed}，截至 {as_of}）：{orgs} 个党组织，{members} 名党员，"
        "{org_pledges} 项组织承诺，{member_pledges} 项党员承诺，{audit_events} 条记实，用时 {seconds} 秒",
        "loaded a demo ledger ({scale}, seed {seed}, as of {as_of}): {orgs} organisations, {members} members, "
        "{org_pledges} organisation pledges, {member_pledges} member pledges, {audit_events} audit events, "
        "in {seconds} s",
    ),
    "org_pledge": ("组织承诺", "organisation pledge"),
    "dashboard_title": ("{scope} {year}年度承诺统计（截至 {day}）", "{scope}: pledges of {year} as of {day}"),
    "dashboard_totals": (
        "已承诺 {declared} 项（组织 {org_pledges}，党员 {member_pledges}）；亮诺率 {display_rate}；"
        "已到期 {due} 项，其中已兑现 {fulfilled_due}，践诺率 {completion_rate}，按期率 {on_time_rate}；"
        "已兑现共 {fulfilled} 项；逾期 {overdue} 项；未兑现 {unfulfilled} 项；平均进度 {progress}；"
        "评诺率 {evaluation_coverage}",
        "declared {declared} (organisations {org_pledges}, members {member_pledges}); displayed {display_rate}; "
        "due {due}, of which fulfilled {fulfilled_due}: completion {completion_rate}, on time {on_time_rate}; "
        "fulfilled in all {fulfilled}; overdue {overdue}; unfulfilled {unfulfilled}; progress {progress}; "
        "evaluated {evaluation_coverage}",
    ),
    "breakdown_title": ("{scope} {year}年度承诺统计，{by}（截至 {day}）", "{scope}: pledges of {year} {by} as of {day}"),
    "columns_dropped": (
        "（终端宽度不足，未显示：{columns}；加宽终端或用 --format csv 查看全部）",
        "(too narrow for: {columns}; widen the terminal or use --format csv)",
    ),
    "overdue_title": ("{scope} 逾期承诺 {count} 项（截至 {day}）", "{scope}: {count} overdue pledges as of {day}"),
    # --- reminders: future --as-of, claims, digests (issue 8) ---
    "remind_future": (
        "--as-of {at} 在未来（现在是 {now}）：提醒只能按现在或过去的时间扫描，否则今天就会发出尚未到期的提醒",
        "--as-of {at} is in the future (it is {now} now): reminders are scanned as of now or earlier, "
        "or reminders that are not due yet would go out today",
    ),
    "remind_claimed_elsewhere": (
        "另有 {count} 条提醒已被另一次发送认领，{until} 前不会重发（那次发送若已中断，届时自动接手）",
        "{count} reminders are claimed by another run until {until}: they are not sent again before then "
        "(if that run died, they are taken over then)",
    ),
    "remind_more": ("……另有 {count} 条未列出：pledges remind list 查看全部", "… and {count} more: pledges remind list shows them all"),
    "remind_digest": ("承诺提醒（{day}）：{count} 条", "Pledge reminders ({day}): {count}"),
    "remind_digest_more": ("承诺提醒（{day}，续 {part}）：{count} 条", "Pledge reminders ({day}, part {part}): {count}"),
}


# --- reminders (issue 4) ---------------------------------------------------------------------

LABELS[Rule] = {
    "due_soon": ("即将到期", "due soon"),
    "overdue": ("逾期", "overdue"),
    "stalled": ("停滞", "stalled"),
    "awaiting_display": ("待亮诺", "awaiting display"),
    "awaiting_evaluation": ("待评诺", "awaiting evaluation"),
    "escalation": ("逾期督办", "escalation"),
}
LABELS[ReminderState] = {
    "pending": ("待发送", "pending"),
    "sent": ("已发送", "sent"),
    "failed": ("发送失败", "failed"),
    "cancelled": ("已取消", "cancelled"),
}
TRIGGERS["set_contact"] = ("修改联系方式", "set contact")
WORDS.update({
    "rule": ("提醒类型", "Rule"),
    "period": ("周期", "Period"),
    "day": ("扫描日", "Scanned on"),
    "pledge": ("承诺编号", "Pledge"),
    "recipient": ("接收人", "Recipient"),
    "attempts": ("尝试次数", "Attempts"),
    "delivered": ("已送达渠道", "Delivered by"),
    "last_error": ("最近错误", "Last error"),
    "secretary": ("书记", "Secretary"),
    "email": ("电子邮箱", "E-mail"),
    "webhook": ("群机器人", "Webhook"),
})
MESSAGES.update({
    "bad_email": ("电子邮箱 {value} 无效：应形如 name@example.com", "e-mail {value} is not valid: give one like name@example.com"),
    "bad_webhook": ("群机器人地址 {value} 无效：应以 http:// 或 https:// 开头，加签密钥写在末尾（#secret=SEC…）",
                    "webhook {value} is not valid: give an http:// or https:// URL, with a signing secret at the end as #secret=SEC…"),
    "nothing_to_set": ("没有要修改的联系方式：请给出 --email 等选项", "nothing to change: give --email or another contact option"),
    "contact_set": ("已更新 {who} 的联系方式：{fields}", "updated the contact of {who}: {fields}"),
    "contact_unchanged": ("{who} 的联系方式没有变化", "the contact of {who} is unchanged"),
    "scheduler_running": (
        "本数据库已有提醒服务在运行（{holder}，有效至 {until}）：不能再启动第二个",
        "a reminder scheduler already runs on this database ({holder}, until {until}): not starting a second one",
    ),
    "bad_as_of": ("--as-of {value} 无效：应形如 2026-06-15 或 2026-06-15T08:00", "--as-of {value} is not valid: give 2026-06-15 or 2026-06-15T08:00"),
    "remind_scanned": ("扫描 {day}：新增提醒 {created} 条", "scan of {day}: {created} new reminders"),
    "remind_delivered": ("发送：成功 {sent} 条，待重试 {retry} 条，失败 {failed} 条，取消 {cancelled} 条；群机器人消息 {posts} 条",
                         "delivery: {sent} sent, {retry} to retry, {failed} failed, {cancelled} cancelled; {posts} robot messages"),
    "remind_serving": ("提醒服务已启动（{tz}）：每天 {at} 扫描，每 {every} 分钟重试发送；Ctrl-C 停止",
                       "reminder scheduler started ({tz}): scan daily at {at}, delivery retries every {every} minutes; Ctrl-C stops"),
    "remind_stopped": ("提醒服务已停止", "reminder scheduler stopped"),
    # the reminders themselves: {owner} is the member or the organisation, {org} the organisation
    "remind_due_soon": (
        "【承诺提醒】{owner}的承诺「{title}」（编号 {id}）将于 {due} 到期，还有 {days} 天：请抓紧践诺，并及时记实（pledges progress {id}）。",
        "[Pledge reminder] {owner}'s pledge \"{title}\" (#{id}) is due on {due}, in {days} days: finish it and record the progress (pledges progress {id}).",
    ),
    "remind_overdue": (
        "【逾期提醒】{owner}的承诺「{title}」（编号 {id}）已于 {due} 到期，逾期 {days} 天：请尽快完成并记实；确需延期的办理延期（pledges extend {id}），无法兑现的如实确认（pledges fail {id}）。",
        "[Overdue] {owner}'s pledge \"{title}\" (#{id}) was due on {due}, {days} days late: finish and record it, extend it (pledges extend {id}) or mark it unfulfilled (pledges fail {id}).",
    ),
    "remind_stalled": (
        "【践诺停滞】{owner}的承诺「{title}」（编号 {id}，时限 {due}）自 {since} 起已 {days} 天没有践诺记实：请记录最新进展（pledges progress {id}）。",
        "[Stalled] {owner}'s pledge \"{title}\" (#{id}, due {due}) has had no progress record since {since}, {days} days: record the progress (pledges progress {id}).",
    ),
    "remind_awaiting_display": (
        "【待亮诺】{owner}的承诺「{title}」（编号 {id}，时限 {due}）于 {since} 审核通过，已 {days} 天仍未亮诺：请公开亮诺（pledges display {id} --channel board）。",
        "[Awaiting display] {owner}'s pledge \"{title}\" (#{id}, due {due}) was approved on {since}, {days} days ago, and is not displayed: display it (pledges display {id} --channel board).",
    ),
    "remind_awaiting_evaluation": (
        "【待评诺】{owner}的承诺「{title}」（编号 {id}）于 {since} {outcome}，已 {days} 天仍未评诺：请组织评诺（pledges evaluate {id} --grade 等次）。",
        "[Awaiting evaluation] {owner}'s pledge \"{title}\" (#{id}) was {outcome} on {since}, {days} days ago, and is not evaluated: evaluate it (pledges evaluate {id} --grade GRADE).",
    ),
    "remind_escalation": (
        "【逾期督办】{org}：{owner}的承诺「{title}」（编号 {id}）已于 {due} 到期，逾期 {days} 天仍未完成：请督促落实，必要时延期或确认未兑现。",
        "[Escalation] {org}: {owner}'s pledge \"{title}\" (#{id}) was due on {due} and is {days} days late: follow it up, extend it or mark it unfulfilled.",
    ),
})

# --- output safety and the error family (issue 8) ---
MESSAGES.update({
    "db_url_empty": (
        "--db / PLEDGES_DB 为空：请给出数据库 URL 或 SQLite 文件路径，或不设置（默认为当前目录的 pledges.db）",
        "--db / PLEDGES_DB is empty: give a database URL or a SQLite file, or leave it unset (pledges.db here)",
    ),
    "db_unsupported": (
        "不支持的数据库 {url}：只支持 SQLite（文件路径或 sqlite:///文件）和 PostgreSQL（postgresql://…）",
        "unsupported database {url}: only SQLite (a file, or sqlite:///FILE) and PostgreSQL (postgresql://…) are",
    ),
    "not_utf8": (
        "参数或环境变量 {value} 不是有效的 UTF-8 文字：请用 UTF-8 编码重新输入",
        "argument or setting {value} is not valid UTF-8 text: type it again in UTF-8",
    ),
    "lang_unsupported": (
        "警告：不支持语言 {name}，使用中文（--lang zh|en）",
        "warning: language {name} is not supported; using Chinese (--lang zh|en)",
    ),
    "usage_see": ("用法：{command} --help", "usage: {command} --help"),
    "usage_no_option": ("没有选项 {option}", "no such option: {option}"),
    "usage_did_you_mean": ("没有选项 {option}（是否要用 {possible}？）", "no such option: {option} (did you mean {possible}?)"),
    "usage_missing": ("缺少 {what}", "missing {what}"),
    "usage_bad_value": ("{what} 的值无效：{detail}", "invalid value for {what}: {detail}"),
    "usage_choice": ("{value} 不是可选值，可选 {choices}", "{value} is not one of {choices}"),
    "usage_integer": ("{value} 不是整数", "{value} is not a whole number"),
    "usage_number": ("{value} 不是数字", "{value} is not a number"),
    "usage_range": ("{value} 不在范围 {range} 内", "{value} is not in the range {range}"),
    "usage_needs_value": ("选项 {option} 需要一个值", "option {option} needs a value"),
    "usage_takes_no_value": ("选项 {option} 不带值", "option {option} takes no value"),
    "usage_no_command": ("没有命令 {name}", "no command {name}"),
    "usage_missing_command": ("缺少命令", "missing command"),
    "usage_extra": ("多余的参数：{args}", "unexpected extra arguments: {args}"),
    "bad_date": ("{value} 不是日期：应形如 2026-12-31（YYYY-MM-DD），年份在 {first} 至 {last} 之间",
                 "{value} is not a date like 2026-12-31 (YYYY-MM-DD, a year from {first} to {last})"),
    "bad_datetime": ("{value} 不是时间：应形如 2026-06-15T08:00 或 2026-06-15，年份在 {first} 至 {last} 之间",
                     "{value} is not a time like 2026-06-15T08:00 or a day like 2026-06-15 (a year from {first} to {last})"),
    "usage_title_missing": ("缺少选项 --title", "missing option --title"),
    "usage_measure": ("请给出 --target N --unit 单位，或 --qualitative --criterion 标准",
                      "give --target N --unit UNIT, or --qualitative --criterion TEXT"),
    "usage_all_approved": ("--all-approved 需要 --org 代码，且不带编号", "--all-approved takes --org CODE and no IDs"),
    "usage_ids_or_org": ("请给出承诺编号，或 --org 代码 --all-approved", "give pledge IDs, or --org CODE --all-approved"),
    "usage_watch_format": ("--watch 只重绘表格，不能与 --format json/csv 同用",
                           "--watch redraws a table; it cannot be combined with --format json/csv"),
})


# --- quality lint and the evaluation visit (issue 13) ----------------------------------------
# The lint rules' own messages and suggestions live with the rules, in pledges/quality.py.

WORDS.update({
    "checkable": ("可评比", "Checkable"),
    "checkable_rate": ("可评比率", "Checkable rate"),
    "lint_findings": ("问题数", "Findings"),
    "lint_rule": ("规则", "Rule"),
    "lint_message": ("问题", "Problem"),
    "lint_suggestion": ("建议", "Suggestion"),
    "lint_count": ("条数", "Count"),
    "visit_units": ("单位数", "Units"),
    "visit_quota": ("指定名额", "Quota"),
    "visit_drawn": ("抽取", "Drawn"),
    "visit_hash": ("SHA-256 前 12 位", "SHA-256, first 12"),
})
MESSAGES.update({
    "lint_title": ("{scope} {year}年度承诺质量检查", "{scope}: pledge quality, {year}"),
    "lint_totals": (
        "已承诺 {declared} 项，可评比 {checkable} 项，可评比率 {checkable_rate}；发现问题 {findings} 条",
        "declared {declared}, checkable {checkable}: checkable rate {checkable_rate}; {findings} findings",
    ),
    "lint_findings_title": ("问题清单（{count} 条）", "Findings ({count})"),
    "lint_rules_title": ("规则与建议", "Rules and suggestions"),
    "lint_more": (
        "另有 {count} 条未列出：用 --limit 0 列出全部，或用 --format csv 导出",
        "{count} more not listed: --limit 0 lists them all, --format csv exports them",
    ),
    "sample_n": ("抽取数必须至少为 1（收到 {n}）", "the number of units must be at least 1 (got {n})"),
    "sample_too_many": (
        "{org} 下只有 {count} 个基层单位，不能抽取 {n} 个：请减少 --units",
        "{org} has only {count} basic units below it, not {n}: lower --units",
    ),
    "bad_quota": ("--quota {value} 无效：应形如 村=3 或 village=3", "--quota {value} is not valid: give KIND=N, e.g. village=3"),
    "bad_quota_kind": ("--quota 的单位类型不能是 {value}：可选 {choices}（或其中文名称）",
                       "--quota: {value} is not a unit kind: choose one of {choices} (or its Chinese label)"),
    "quota_twice": ("--quota 对{kind}给了两次：每类只给一次", "--quota names {kind} twice: give each kind once"),
    "quota_over_n": ("各类指定名额合计 {total} 个，超过抽取数 {n}：请减少名额或增加 --units",
                     "the quotas add up to {total}, more than the {n} units drawn: lower them or raise --units"),
    "quota_over_kind": ("{org} 下只有 {count} 个{kind}单位，名额 {quota} 个太多",
                        "{org} has only {count} {kind} units below it, fewer than the quota of {quota}"),
    "quota_rest_short": (
        "{org} 下未指定名额的类型只有 {count} 个单位，不够抽取其余 {rest} 个：请调整名额",
        "{org} has only {count} units of the kinds without a quota, fewer than the {rest} left to draw: change the quotas",
    ),
    "visit_title": ("{code} {name}：基层单位 {units} 个，抽取 {n} 个（种子 {seed}）",
                    "{code} {name}: {units} basic units, {n} drawn (seed {seed})"),
    "visit_redo": (
        "复核方法：各类名额按单位数比例以最大余额法分配（余数相同的，单位多的类型优先，再按类型代码字母顺序）；"
        "同类单位按 SHA-256(\"种子|类型代码|单位代码\")（UTF-8，小写十六进制）从小到大排列，取前几个。例如：",
        "To redo it by hand: the units are shared among the kinds in proportion to their numbers by largest "
        "remainder (a tie goes to the kind with more units, then to the code name first alphabetically); within a "
        "kind, units are taken in ascending order of SHA-256(\"seed|kind code|unit code\") (UTF-8, lowercase hex). "
        "For example:",
    ),
})


def code_of(enum_type: type[StrEnum], text: str | None) -> str | None:
    """The code name of a choice typed as its code name, its Chinese label or its English label
    (``村`` → ``village``); None if it is none of them."""
    for code, pair in LABELS[enum_type].items():
        if text == code or text in pair:
            return code
    return None


def norm_lang(lang: str | None) -> str:
    """'en', 'en_US.UTF-8', 'EN' → 'en'; anything else → 'zh'."""
    return "en" if (lang or "").lower().startswith("en") else "zh"


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def label(value, lang: str = "zh") -> str:
    """The label of a vocabulary value (an enum member, or a stored code name with its enum)."""
    for enum_type, table in LABELS.items():
        if isinstance(value, enum_type):
            return _pick(table[value.value], lang)
    return str(value)


def label_of(enum_type: type[StrEnum], code: str | None, lang: str = "zh") -> str:
    if code is None:
        return ""
    return _pick(LABELS[enum_type].get(code, (code, code)), lang)


def trigger_label(trigger: str, lang: str = "zh") -> str:
    return _pick(TRIGGERS.get(trigger, (trigger, trigger)), lang)


# The command that fires a trigger, where its name differs from the trigger's.
COMMANDS = {"record_progress": "progress"}


class Trigger:
    """A trigger's name inside a message, shown in the message's language."""

    def __init__(self, code: str):
        self.code = code

    def message(self, lang: str = "zh") -> str:
        return trigger_label(self.code, lang)


class Commands:
    """The commands a person could run next, inside a message: "提交（submit）、撤回（withdraw）"
    in Chinese, "submit, withdraw" in English."""

    def __init__(self, triggers: list[str]):
        self.commands = [(trigger, COMMANDS.get(trigger, trigger)) for trigger in triggers]

    def message(self, lang: str = "zh") -> str:
        if lang == "en":
            return ", ".join(command for _, command in self.commands)
        return "、".join(f"{trigger_label(trigger)}（{command}）" for trigger, command in self.commands)


def word(key: str, lang: str = "zh") -> str:
    return _pick(WORDS[key], lang)


def _shown(value, lang: str):
    """A parameter as a person reads it: vocabulary by its label, a nested error by its message."""
    if isinstance(value, StrEnum):
        return label(value, lang)
    if callable(getattr(value, "message", None)):
        return value.message(lang)
    return value


def text(key: str, lang: str = "zh", **params) -> str:
    shown = {k: _shown(v, lang) for k, v in params.items()}
    return _pick(MESSAGES[key], lang).format(**shown)


def choices(enum_type: type[StrEnum]) -> str:
    return "|".join(m.value for m in enum_type)


# --- spreadsheets (issue 12) -----------------------------------------------------------------

MESSAGES.update({
    "cell_formula": (
        "单元格是公式（{formula}）但没有计算结果：请在 Excel/WPS 中打开后保存，或复制后“粘贴为数值”",
        "the cell is a formula ({formula}) with no stored result: open and save the file in Excel/WPS, or paste values",
    ),
    "cell_not_code": ("{value} 不是编号：编号列请设为文本格式后重新填写", "{value} is not a code: format the column as text and type it again"),
    "cell_id_float": (
        "编号 {value} 被表格软件存成了数字，超过 15 位的部分已丢失：请把该列设为文本格式后重新填写",
        "the number {value} was stored as a number by the spreadsheet and lost its digits beyond 15: format the column as text and type it again",
    ),
    "cell_not_integer": ("{value} 不是整数：请只填数字，如 12", "{value} is not a whole number: give digits only, e.g. 12"),
    "cell_no_such_day": ("没有 {value} 这一天：请检查月和日", "there is no day {value}: check the month and the day"),
    "cell_not_date": (
        "{value} 不是可识别的日期：请写成 2026-12-31、2026/12/31、2026.12.31 或 2026年12月31日",
        "{value} is not a date this import reads: write 2026-12-31, 2026/12/31, 2026.12.31 or 2026年12月31日",
    ),
    "cell_not_flag": ("{value} 应为“是”或“否”", "{value} should be yes or no (是/否)"),
    "cell_bad_choice": ("{value} 不是可选值：可选 {choices}", "{value} is not one of the choices: {choices}"),
    "cell_required": ("{header} 必须填写", "{header} must be filled in"),
    "cell_no_header": ("该列有内容但没有列名：请补上列名或删除该列", "this column has data but no header: name it or delete it"),
    "sheet_column_twice": ("列 {header} 出现了两次：请删除其中一列", "the column {header} appears twice: delete one of them"),
    "sheet_column_missing": ("缺少必填列 {header}（{en}）：请按模板（pledges template）补上", "the required column {header} ({en}) is missing: see `pledges template`"),
    "sheet_row_twice": ("与第 {first} 行重复：同一编号只能出现一次", "repeats row {first}: each code or number may appear once"),
    "sheet_org_differs": (
        "党组织 {code} 已在台账中，此项为「{held}」：导入不修改党组织名称、类型和上级",
        "organisation {code} is already in the ledger with {held} here: an import does not rename, retype or move organisations",
    ),
    "sheet_org_cycle": ("党组织 {code} 的上级关系形成了循环", "the parents of organisation {code} go round in a circle"),
    "sheet_member_differs": (
        "党员 {number} 已在台账中，此项为「{held}」：导入不修改党员姓名和所在党组织",
        "member {number} is already in the ledger with {held} here: an import does not rename or move members",
    ),
    "sheet_target_and_unit": ("目标值与计量单位需同时填写", "a target and its unit go together"),
    "sheet_criterion_needed": ("定性承诺需填写完成标准", "a qualitative pledge needs a completion criterion"),
    "sheet_measure_conflict": ("定性承诺不能同时填写目标值和计量单位：二选一", "a qualitative pledge has no target and unit: choose one"),
    "sheet_target_positive": ("目标值必须是大于 0 的整数（收到 {value}）", "the target must be a whole number greater than 0 (got {value})"),
    "sheet_too_large": ("目标值太大（{value}）：最大为 {max}", "the target is too large ({value}): at most {max}"),
    "sheet_pledge_twice": (
        "与本次导入中的另一行是同一项承诺（同一承诺编号，或同一党组织、党员、承诺事项和年度）：请合并或修改事项名称",
        "the same pledge (the same ID, or organisation, member, title and year) as another row of this import: merge them or change the title",
    ),
    "sheet_id_taken": ("承诺编号 {id} 不能使用：请清空该格，由台账编号", "the pledge ID {id} cannot be used: leave the cell empty and the ledger numbers it"),
    "sheet_id_other_owner": (
        "承诺编号 {id} 在台账中属于 {org} 的另一项承诺：请核对编号，新承诺请清空编号",
        "pledge ID {id} is another pledge of {org} in this ledger: check the ID, or leave it empty for a new pledge",
    ),
    "sheet_id_key_conflict": (
        "台账中已有同一项承诺，编号为 {held}（不是 {id}）：请把编号改为 {held} 或清空",
        "this ledger holds the same pledge as ID {held} (not {id}): change the ID to {held} or leave it empty",
    ),
    "sheet_progress_empty": ("践诺记实需填写本次完成数量或情况说明", "a progress row needs an amount or a note"),
    "sheet_content_frozen": (
        "承诺 {id} 当前状态为「{state}」，内容不能通过导入修改：草拟的可直接修改，已亮诺的会走变更；请先退回（pledges return {id}）",
        "pledge {id} is {state}: its content cannot change by import (drafts are edited, displayed pledges amended); return it first (`pledges return {id}`)",
    ),
    "sheet_walk_refused": ("不能{trigger}：{detail}", "cannot {trigger}: {detail}"),
    "sheet_missing": ("找不到文件 {path}", "no file {path}"),
    "sheet_format": ("{path}：只能导入 .xlsx、.xls 或 .csv 文件", "{path}: only .xlsx, .xls and .csv files can be imported"),
    "sheet_unreadable": ("无法读取 {path}：{detail}", "cannot read {path}: {detail}"),
    "csv_encoding": ("{path} 既不是 UTF-8 也不是 GB18030 编码：请另存为 UTF-8 CSV", "{path} is neither UTF-8 nor GB18030: save it as UTF-8 CSV"),
    "sheet_export_format": ("{path}：导出文件名应以 .{fmt} 结尾", "{path}: the export file name should end in .{fmt}"),
    # results
    "import_counts": ("{what}：新增 {created}，更新 {updated}，未变 {unchanged}", "{what}: {created} new, {updated} updated, {unchanged} unchanged"),
    "import_done": ("已导入 {files}", "imported {files}"),
    "import_dry": ("检查完毕，未写入（--dry-run）：{files}", "checked, nothing written (--dry-run): {files}"),
    "import_failed": ("共 {count} 个问题，未导入任何内容：改正后重新导入", "{count} problems; nothing was imported: fix them and import again"),
    "import_errors_written": ("已把问题行写入 {path}（“错误原因”列）：改正后可直接导入该文件", "the rows with problems are in {path} (column Problem): fix them there and import that file"),
    "import_moved": ("已提交 {submit} 项，已审核 {approve} 项", "submitted {submit}, approved {approve}"),
    "import_ignored_sheets": ("未识别、已跳过的工作表：{names}", "sheets not recognised, skipped: {names}"),
    "import_ignored_columns": ("未识别、已跳过的列：{names}", "columns not recognised, skipped: {names}"),
    "export_done": ("已导出 {pledges} 项承诺到 {path}", "exported {pledges} pledges to {path}"),
    "template_done": ("已生成模板 {path}", "wrote the template {path}"),
})
WORDS.update({
    "orgs_sheet": ("党组织", "organisations"),
    "members_sheet": ("党员", "members"),
    "pledges_sheet": ("承诺", "pledges"),
    "progress_sheet": ("践诺记实", "progress records"),
    "lifecycle_stage": ("提交审核", "lifecycle"),
    "export_stage": ("导出", "export"),
    "depth": ("层级", "Depth"),
    "org_pledges": ("组织承诺", "Organisation pledges"),
    "member_pledges": ("党员承诺", "Member pledges"),
})

# --- lifecycle guards, the engine, the demo layer (issue 8) -----------------------------------
MESSAGES.update({
    "amount_overflow": (
        "承诺 {id}：已完成 {done}，再记 {amount} 将超过台账能存的最大数 {limit}：本条最多还能记 {room}",
        "pledge {id}: {done} done, and {amount} more would pass {limit}, the largest number the ledger "
        "stores: at most {room} more can be recorded",
    ),
    "amount_over_target": (
        "承诺 {id} 目标 {target} {unit}，已完成 {done}，尚差 {left}；本次 {amount} 将使完成数达到 {total}，"
        "超过目标的两倍（{ceiling}）：本次最多可记 {largest}。请核对数量；确实超额完成请加 --confirm-over",
        "pledge {id} has a target of {target} {unit}, {done} done, {left} left; {amount} more would make "
        "{total}, over twice the target ({ceiling}), so the largest amount accepted is {largest}: check the "
        "amount, or add --confirm-over if it really is so",
    ),
    "before_approval": (
        "日期 {on} 早于审核通过日期 {approved}：亮诺不能早于审核",
        "date {on} is before the pledge was approved ({approved}): it cannot be displayed before that",
    ),
    "outside_campaign": (
        "注意：承诺 {ids} 属于 {year} 年度活动（{starts} 至 {ends}），本次操作日期 {day} 不在活动期内，"
        "已照常记录；补录往年记录请用 --date 写明当时的日期",
        "note: pledge {ids} belongs to the {year} campaign ({starts} to {ends}) and {day} is outside it; "
        "recorded all the same (to enter a past record late, give its day with --date)",
    ),
    "as_of_no_campaign": (
        "注意：{day} 所在的 {year} 年度没有活动，统计数字为空（台账中的年度：{years}）；可用 --campaign 年度",
        "note: there is no {year} campaign for {day}, so the figures are empty (campaigns in the ledger: "
        "{years}); pass --campaign YEAR",
    ),
    "as_of_before_campaign": (
        "注意：{day} 早于 {year} 年度活动开始日期 {starts}，统计数字为空",
        "note: {day} is before the {year} campaign starts ({starts}), so the figures are empty",
    ),
})

# --- upgrades and backups (issue 9) ----------------------------------------------------------

WORDS.update({
    "upgrade_stage": ("升级结构", "upgrading"),
    "backup_stage": ("备份", "backing up"),
    "checksum_stage": ("校验备份", "checking the backup"),
    "copy_stage": ("复制数据", "copying rows"),
})
MESSAGES.update({
    "needs_upgrade": (
        "{url} 的台账结构是第 {found} 版，本程序需要第 {needed} 版：请先运行 pledges upgrade",
        "{url} holds a ledger of schema version {found}; this program needs version {needed}: run `pledges upgrade`",
    ),
    "ledger_too_new": (
        "结构版本 {found} 是新版 pledges 所建（本程序最新为 {known}）：请改用新版 pledges",
        "schema revision {found} was made by a newer pledges (this one knows up to {known}): use a newer pledges",
    ),
    "target_not_empty": (
        "{url} 不是空台账（{table} 表已有 {rows} 行）：请恢复或复制到新的数据库",
        "{url} is not an empty ledger ({table} holds {rows} rows): restore or copy into a new database",
    ),
    "backup_needed": (
        "PostgreSQL 上升级前需要一小时内的备份（{url} 上次备份：{last}）：先运行 pledges backup FILE，或另行备份后加 --no-backup",
        "upgrading on PostgreSQL needs a backup from the last hour ({url} was last backed up: {last}): "
        "run `pledges backup FILE` first, or pass --no-backup if you made your own",
    ),
    "backup_missing": ("找不到备份文件 {file}", "no backup file {file}"),
    "backup_damaged": (
        "{file} 不是完整的台账备份（文件被截断、损坏或不是备份）：请换用完整的备份文件",
        "{file} is not a whole ledger backup (truncated, damaged or not a backup): use a complete backup file",
    ),
    "backup_edited": (
        "{file} 的校验和不符（SHA-256）：备份被修改或损坏，请换用完整的备份文件",
        "{file} fails its checksum (SHA-256): the backup was edited or damaged; use a complete backup file",
    ),
    "copy_same": ("--to 与 --db 是同一个数据库：请给出另一个空数据库", "--to is the ledger itself: give another, empty database"),
    "upgraded": ("已升级 {url}：结构第 {found} 版 → 第 {reached} 版", "upgraded {url}: schema version {found} → {reached}"),
    "upgrade_stamped": (
        "已登记 {url} 的结构版本为第 {found} 版（迁移工具之前建立的台账）",
        "recorded {url} as schema version {found} (a ledger made before migrations)",
    ),
    "up_to_date": ("{url} 已是最新结构（第 {found} 版），无需升级", "{url} is at the newest schema (version {found}): nothing to do"),
    "upgrade_backup": ("升级前的备份：{file}", "backup taken before the upgrade: {file}"),
    "backed_up": (
        "已备份 {url} 到 {file}（结构第 {version} 版，{rows} 行，{size}，{seconds} 秒）",
        "backed up {url} to {file} (schema version {version}, {rows} rows, {size}, {seconds} s)",
    ),
    "restored": ("已从 {file} 恢复到 {url}（{rows} 行，{seconds} 秒）", "restored {file} into {url} ({rows} rows, {seconds} s)"),
    "copied": ("已把 {url} 复制到 {target}（{rows} 行，{seconds} 秒）", "copied {url} to {target} ({rows} rows, {seconds} s)"),
})

# --- the audit history's hash chain (issue 10, docs/audit.md) ----------------------------------

MESSAGES.update({
    "audit_ok": ("记实链完整：{count} 条记实，链头 {head}", "audit history OK: {count} events, head {head}"),
    "audit_ok_checkpoint": (
        "并且延续检查点 {origin}（前 {size} 条记实；签名公钥指纹 {fingerprint}）",
        "and it extends checkpoint {origin} (its first {size} events; signing key fingerprint {fingerprint})",
    ),
    "audit_hash": (
        "记实 {id}（{trigger}，{entity} {entity_id}）与其哈希不符：这条记实被改动，或它之前的记实被删除或改动",
        "event {id} ({trigger}, {entity} {entity_id}) does not match its hash: it was changed, "
        "or an event before it was removed or changed",
    ),
    "audit_gap": (
        "记实 {id}（{trigger}，{entity} {entity_id}）与其哈希不符：它之前的记实 {first}–{last} 不见了",
        "event {id} ({trigger}, {entity} {entity_id}) does not match its hash: events {first}–{last} "
        "before it are missing",
    ),
    "audit_no_hash": (
        "记实 {id}（{trigger}，{entity} {entity_id}）没有哈希：它不是经由台账写入的",
        "event {id} ({trigger}, {entity} {entity_id}) has no hash: it was not written through the ledger",
    ),
    "audit_backwards": (
        "记实 {id}（{trigger}，{entity} {entity_id}）的时间 {at} 早于前一条记实（{before}）",
        "event {id} ({trigger}, {entity} {entity_id}) is dated {at}, before the event before it ({before})",
    ),
    "audit_from_state": (
        "记实 {id}（{trigger}，{entity} {entity_id}）从状态 {from} 开始，但该承诺的上一条记实留下的是 {left}",
        "event {id} ({trigger}, {entity} {entity_id}) starts from state {from}, but the pledge's previous "
        "event left it {left}",
    ),
    "audit_replay": (
        "承诺 {pledge} 的 {field} 是 {stored}，但按记实应为 {replayed}（最后一条记实 {id}，{trigger}）",
        "pledge {pledge}: its {field} is {stored}, but its events say {replayed} (last event {id}, {trigger})",
    ),
    "audit_no_events": ("承诺 {pledge} 在记实中没有任何记录", "pledge {pledge} has no events in the history"),
    "audit_no_pledge": (
        "记实 {id} 所记的承诺 {pledge} 在台账中不存在",
        "event {id} is about pledge {pledge}, which the ledger does not hold",
    ),
    "audit_shorter": (
        "记实只有 {count} 条，少于检查点的 {size} 条：最新的记实被删除了",
        "the history holds {count} events, fewer than the checkpoint's {size}: the newest events were removed",
    ),
    "audit_rewritten": (
        "记实 {id}（{trigger}，{entity} {entity_id}，第 {size} 条）与检查点不符：到它为止的记实被改写了",
        "event {id} ({trigger}, {entity} {entity_id}, number {size}) differs from the checkpoint: "
        "the history up to it was rewritten",
    ),
    "audit_other_ledger": (
        "检查点属于台账 {origin}，不是本台账（{ours}）",
        "the checkpoint is of ledger {origin}, not of this one ({ours})",
    ),
    "audit_not_checkpoint": ("{file} 不是记实检查点文件", "{file} is not an audit checkpoint"),
    "audit_bad_signature": (
        "{file} 的签名不符：检查点被改动过",
        "{file}: the signature does not match: the checkpoint was altered",
    ),
    "audit_bad_key": ("{file} 不是 Ed25519 私钥文件", "{file} is not an Ed25519 private key"),
    "audit_checkpoint_refused": (
        "记实链未通过核验，不签发检查点：{problem}",
        "the history does not verify, so no checkpoint is signed: {problem}",
    ),
    "audit_checkpoint_written": (
        "已签发检查点：{count} 条记实，链头 {head}，写入 {file}（公钥指纹 {fingerprint}）",
        "checkpoint signed: {count} events, head {head}, written to {file} (key fingerprint {fingerprint})",
    ),
})
