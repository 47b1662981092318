"""Chinese and English words for everything the program says to people.

Chinese is the default; English with ``--lang en`` or ``PLEDGES_LANG=en``.  Messages are
``str.format`` templates; any vocabulary value passed as a parameter is shown by its label.
"""

from enum import StrEnum

from pledges.vocab import (Breakdown, Channel, Format, Grade, Kind, Outcome, RaterGroup, ReminderState, Rule, Scale,
                           State)

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
        "【待亮诺】{owner}的承诺「{title}」（编号 {id}，时限 {due}）于 {since} 审核通过，已 {days} 天仍未亮诺：请公开亮诺（pledges display {id} --channel 公示栏）。",
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
    "sheet_example_row": ("这一行是模板自带的示例，不是真实数据：请删除这一行后再导入",
                          "this row is the template's example, not real data: delete it and import again"),
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
    # {took}: "，用时 12.3 秒" when it took a second or more, else nothing (cli/admin_cmds.py)
    "backed_up": (
        "已备份 {url} 到 {file}（结构第 {version} 版，{rows} 行，{size}{took}）",
        "backed up {url} to {file} (schema version {version}, {rows} rows, {size}{took})",
    ),
    "restored": ("已从 {file} 恢复到 {url}（{rows} 行{took}）", "restored {file} into {url} ({rows} rows{took})"),
    "copied": ("已把 {url} 复制到 {target}（{rows} 行{took}）", "copied {url} to {target} ({rows} rows{took})"),
    "took_seconds": ("，用时 {seconds} 秒", ", {seconds} s"),
})


# --- tables people read: dashboard, overdue, list; CSV headers (issue 11, speed and layout) ---

WORDS.update({
    "col_due": ("已到期", "Due"),
    "col_fulfilled_due": ("其中已兑现", "Done of due"),
    "col_completion": ("践诺率", "Completion"),
    "col_overdue_rate": ("逾期率", "Overdue %"),
    "col_fulfilled_all": ("兑现合计", "Done in all"),
    "col_days_late": ("逾期天数", "Late days"),
    "lagging_completion_rate": ("践诺率低", "low completion"),
    "lagging_overdue_rate": ("逾期率高", "high overdue"),
    # CSV headers with --lang zh (JSON keeps the code names)
    "field_id": ("编号", "id"),
    "field_campaign": ("活动年度", "campaign"),
    "field_code": ("党组织代码", "code"),
    "field_name": ("党组织", "name"),
    "field_kind": ("单位类型", "kind"),
    "field_parent": ("上级代码", "parent"),
    "field_depth": ("层级", "depth"),
    "field_key": ("分组", "key"),
    "field_declared": ("已承诺", "declared"),
    "field_org_pledges": ("组织承诺", "org_pledges"),
    "field_member_pledges": ("党员承诺", "member_pledges"),
    "field_approved_or_later": ("已审核及以后", "approved_or_later"),
    "field_displayed_or_later": ("已亮诺及以后", "displayed_or_later"),
    "field_due": ("已到期", "due"),
    "field_fulfilled": ("兑现合计", "fulfilled"),
    "field_fulfilled_due": ("到期且已兑现", "fulfilled_due"),
    "field_on_time": ("按期兑现", "on_time"),
    "field_overdue": ("逾期", "overdue"),
    "field_unfulfilled": ("未兑现", "unfulfilled"),
    "field_finished": ("已结束", "finished"),
    "field_evaluated": ("已评诺", "evaluated"),
    "field_progress_count": ("计入进度的承诺", "progress_count"),
    "field_display_rate": ("亮诺率", "display_rate"),
    "field_completion_rate": ("践诺率", "completion_rate"),
    "field_on_time_rate": ("按期率", "on_time_rate"),
    "field_overdue_rate": ("逾期率", "overdue_rate"),
    "field_progress": ("平均进度", "progress"),
    "field_evaluation_coverage": ("评诺率", "evaluation_coverage"),
    "field_lagging": ("关注", "lagging"),
    "field_org": ("党组织代码", "org"),
    "field_org_name": ("党组织", "org_name"),
    "field_member": ("党员编号", "member"),
    "field_member_name": ("党员", "member_name"),
    "field_owner": ("承诺主体", "owner"),
    "field_title": ("承诺事项", "title"),
    "field_content": ("内容", "content"),
    "field_category": ("类别", "category"),
    "field_state": ("状态", "state"),
    "field_outcome": ("结果", "outcome"),
    "field_original_due": ("原定时限", "original_due"),
    "field_target": ("目标", "target"),
    "field_unit": ("单位", "unit"),
    "field_qualitative": ("定性承诺", "qualitative"),
    "field_criterion": ("完成标准", "criterion"),
    "field_done": ("已完成", "done"),
    "field_days_late": ("逾期天数", "days_late"),
    "field_last_progress": ("最近记实", "last_progress"),
})
MESSAGES.update({
    "board_totals": (
        "已承诺 {declared} 项（组织 {org_pledges}，党员 {member_pledges}），亮诺率 {display_rate}。"
        "已到期 {due} 项：其中已兑现 {fulfilled_due}，践诺率 {completion_rate}，按期率 {on_time_rate}；"
        "逾期 {overdue} 项，逾期率 {overdue_rate}。兑现合计 {fulfilled} 项（含未到期即兑现的），"
        "未兑现 {unfulfilled} 项，平均进度 {progress}，评诺率 {evaluation_coverage}。",
        "Declared {declared} (organisations {org_pledges}, members {member_pledges}), displayed {display_rate}. "
        "Due {due}: done {fulfilled_due}, completion {completion_rate}, on time {on_time_rate}; overdue "
        "{overdue}, overdue rate {overdue_rate}. Done in all {fulfilled} (some before their due date), "
        "unfulfilled {unfulfilled}, progress {progress}, evaluated {evaluation_coverage}.",
    ),
    "board_legend": (
        "践诺率 = 其中已兑现 ÷ 已到期；逾期率 = 逾期 ÷ 已到期；! 标出同级中践诺率最低、逾期率最高的各十分之一。"
        "用 --org 代码 查看下级，--depth N 展开更多层级。",
        "Completion = done of due ÷ due; overdue % = overdue ÷ due; ! marks the tenth of each level with the "
        "lowest completion and the tenth with the highest overdue rate. Drill down with --org CODE; --depth N "
        "shows more levels.",
    ),
    "rows_limited": ("（只显示前 {limit} 行；去掉 --limit 查看全部）", "(first {limit} rows only; drop --limit for all)"),
    "usage_bom_format": ("--bom 只用于 --format csv", "--bom goes with --format csv only"),
    "overdue_heading": ("{scope} 逾期承诺（截至 {day}，逾期最久的在前）", "{scope}: overdue pledges as of {day}, most days late first"),
    "overdue_count": ("共 {count} 项逾期", "{count} overdue"),
})

# --- people, grants and who may do what (issue 10, docs/roles.md) ---------------------------

from pledges.vocab import Role  # noqa: E402  (this block's own vocabulary)

LABELS[Role] = {
    "admin": ("管理员", "admin"),
    "organiser": ("组织部门", "organiser"),
    "secretary": ("书记", "secretary"),
    "member": ("党员", "member"),
    "evaluator": ("点评组", "evaluator"),
    "viewer": ("查看", "viewer"),
}
TRIGGERS.update({"grant": ("授权", "grant"), "revoke": ("撤销授权", "revoke")})


class Phrase:
    """A message used inside another (``{verb}``, ``{who}``), shown in the outer one's language."""

    def __init__(self, key: str, **params):
        self.key, self.params = key, params

    def message(self, lang: str = "zh") -> str:
        return text(self.key, lang, **self.params)


WORDS.update({
    "person": ("姓名", "Name"),
    "login": ("登录名", "Login"),
    "grants": ("授权", "Grants"),
})
MESSAGES.update({
    "unknown_person": ("没有名为 {name} 的用户：pledges user list 列出全部用户", "no person named {name}: "
                       "`pledges user list` shows them all"),
    "unknown_actor": (
        "--as {name} 不是本台账的用户：请用 pledges user list 中的姓名（或由管理员用 pledges user add 添加）",
        "--as {name} is not a person of this ledger: use a name from `pledges user list` "
        "(or have an admin add it with `pledges user add`)",
    ),
    "actor_mismatch": (
        "本连接的数据库登录名 {login} 属于 {person}：不能以 {name} 的身份操作（去掉 --as，或用 {name} 的登录名连接）",
        "this connection's login {login} is {person}'s: it cannot act as {name} "
        "(drop --as, or connect with {name}'s login)",
    ),
    "duplicate_person": ("用户 {name} 已存在", "a person named {name} exists already"),
    "duplicate_login": ("登录名 {login} 已被使用", "the login {login} is taken"),
    "duplicate_person_member": ("党员 {number} 已是用户 {name}", "member {number} is the person {name} already"),
    "bad_login": (
        "登录名 {login} 不可用：请用小写字母、数字和下划线（以字母开头，至多 63 个字符），如 --login wangsj",
        "{login} cannot be a login: use lower-case letters, digits and _ (starting with a letter, at most 63), "
        "e.g. --login wangsj",
    ),
    "login_sqlite": (
        "SQLite 台账没有数据库登录名：--login 只用于 PostgreSQL（用户用 --as 姓名 操作）",
        "a SQLite ledger has no database logins: --login is for PostgreSQL (people act with --as NAME)",
    ),
    "login_unavailable": (
        "本程序尚不能建立 PostgreSQL 登录角色（缺少 pledges.pgsecurity）：请不带 --login 添加用户",
        "this program cannot create PostgreSQL login roles yet (pledges.pgsecurity is missing): "
        "add the person without --login",
    ),
    "person_added": ("已添加用户 {name}{extra}", "added person {name}{extra}"),
    "person_member": ("（党员 {number} {member}）", " (member {number} {member})"),
    "person_login": ("，登录名 {login}", ", login {login}"),
    "granted": ("已授予 {name} 在 {org} 的{role}角色", "granted {name} the {role} role on {org}"),
    "grant_held": ("{name} 已有 {org} 的{role}角色：未改变", "{name} holds the {role} role on {org} already: "
                   "nothing changed"),
    "revoked": ("已撤销 {name} 在 {org} 的{role}角色", "revoked the {role} role of {name} on {org}"),
    "grant_missing": ("{name} 没有 {org} 的{role}角色", "{name} holds no {role} role on {org}"),
    "last_admin": (
        "{name} 是最后一位管理员：先把管理员角色授予另一位用户，再撤销",
        "{name} is the last admin: grant the admin role to someone else first",
    ),
    # refusals: "{actor} 不能{verb}承诺 3：只有{who}可以{verb}{org}的{kind}"
    "not_permitted_pledge": (
        "{actor} 不能{verb}承诺 {id}：只有{who}可以{verb}{org}的{kind}",
        "{actor} may not {verb} pledge {id}: only {who} may {verb} the {kind} of {org}",
    ),
    "own_pledge": (
        "承诺 {id} 是 {actor} 本人的承诺，本人不能{verb}：只有{who}可以{verb}",
        "pledge {id} is {actor}'s own, which they may not {verb}: only {who} may",
    ),
    "not_permitted": ("{actor} 不能{what}：只有{who}可以", "{actor} may not {what}: only {who} may"),
    "org_pledges": ("组织承诺", "organisation pledges"),
    "member_pledges": ("党员承诺", "members' pledges"),
    "who_roles_manage": ("书记或组织部门", "a secretary or organiser"),
    "who_roles_rate": ("点评组或组织部门", "an evaluator or organiser"),
    "who_roles_organiser": ("组织部门", "an organiser"),
    "who_within": ("{org}或上级党组织的{roles}", "{roles} of {org} or above"),
    "who_above": ("上级党组织{roles}", "{roles} of an organisation above {org}"),
    "who_not_self": ("{who}（承诺党员本人除外）", "{who} (other than the member who made it)"),
    "who_or_self": ("承诺党员本人或{who}", "the member who made it, or {who}"),
    "who_or_admin": ("管理员或{who}", "an admin, or {who}"),
    "who_admin": ("管理员", "an admin"),
    "act_create": ("为{org}新建承诺", "declare pledges of {org}"),
    "act_edit": ("修改", "edit"),
    "act_submit": ("提交", "submit"),
    "act_approve": ("审核", "approve"),
    "act_return": ("退回", "return"),
    "act_display": ("亮诺", "display"),
    "act_record_progress": ("记录践诺", "record progress on"),
    "act_correct_progress": ("更正践诺记实", "correct the progress of"),
    "act_complete": ("确认兑现", "complete"),
    "act_fail": ("确认未兑现", "mark unfulfilled"),
    "act_amend": ("变更", "amend"),
    "act_withdraw": ("撤回", "withdraw"),
    "act_evaluate": ("评诺", "evaluate"),
    "act_rate": ("评价", "rate"),
    "act_extend": ("延期", "extend"),
    "act_confirm": ("在未达标时确认兑现", "complete below target"),
    "act_fail_early": ("在到期前确认未兑现", "mark unfulfilled before the due date"),
    "act_org_add": ("在{org}下添加党组织", "add organisations under {org}"),
    "act_org_add_top": ("添加最上级党组织", "add a top organisation"),
    "act_member_add": ("在{org}添加党员", "add members to {org}"),
    "act_org_set": ("修改{org}的联系方式", "change the contacts of {org}"),
    "act_member_set": ("修改{org}党员的联系方式", "change contacts of members of {org}"),
    "act_import": ("导入{org}的数据", "import into {org}"),
    "act_display_all": ("亮诺{org}的全部已审核承诺", "display every approved pledge under {org}"),
    "act_user_add": ("添加用户", "add people"),
    "act_grant": ("授权", "grant roles"),
    "act_revoke": ("撤销授权", "revoke roles"),
    "act_member_edit": ("修改{org}党员的信息", "edit members of {org}"),
    "act_member_move": ("把{org}的党员调出", "move members out of {org}"),
    "act_member_leave": ("办理{org}党员的离开", "record that members of {org} leave"),
    "act_org_rename": ("给{org}改名", "rename {org}"),
    "act_org_move": ("调整{org}的隶属关系", "move {org} under another parent"),
    "act_campaign_set": ("修改活动年度的评诺设置", "change a campaign's evaluation settings"),
    "act_survey_import": ("导入关于{org}的问卷", "import questionnaires about {org}"),
})

# --- read scopes and database security (issue 10) ---------------------------------------------

MESSAGES.update({
    "no_reader": (
        "本台账已有用户：请用 --as 用户名 或 PLEDGES_USER 写明您是谁（pledges user list 查看用户）",
        "this ledger has users: say who you are with --as NAME or PLEDGES_USER (see `pledges user list`)",
    ),
    "unknown_reader": (
        "{name} 不是本台账的用户：请用 --as 写明您的用户名（pledges user list 查看用户）",
        "{name} is not a user of this ledger: pass your user name with --as (see `pledges user list`)",
    ),
    "outside_scope": (
        "{code} 不在 {name} 可查看的范围内（可查看：{tops} 及其下级）：请换用其中的组织代码",
        "{code} is outside what {name} may read ({tops} and below): choose an organisation inside it",
    ),
    "pledge_outside_scope": (
        "承诺 {id} 不在 {name} 可查看的范围内（可查看：{tops} 及其下级）",
        "pledge {id} is outside what {name} may read ({tops} and below)",
    ),
    "unsafe_webhook": (
        "机器人地址 {value} 指向{why}（{host}），不能作为提醒地址：请填写钉钉/企业微信机器人的公网地址"
        "（内网或本机的机器人须由管理员设置 PLEDGES_ALLOW_PRIVATE_WEBHOOKS=1）",
        "the webhook {value} points to {why} ({host}), which reminders may not post to: give the robot's "
        "public address (an admin may allow private and local robots with PLEDGES_ALLOW_PRIVATE_WEBHOOKS=1)",
    ),
    "webhook_loopback": ("本机地址", "a loopback address"),
    "webhook_link_local": ("链路本地地址", "a link-local address"),
    "webhook_metadata": ("云服务器元数据地址", "a cloud metadata address"),
    "webhook_private": ("内网或保留地址", "a private-network or reserved address"),
    "contact_refused": (
        "{actor} 不能修改 {code} 的联系方式：只有该组织或其上级组织的书记、组织部门可以修改",
        "{actor} may not change the contacts of {code}: only a secretary or organiser of it or above may",
    ),
    "bad_role_name": (
        "{what} {name} 不能作为 PostgreSQL 角色名：请用小写字母、数字和下划线（以字母或下划线开头，最多 63 个字符）",
        "{what} {name} cannot be a PostgreSQL role name: use lower-case letters, digits and underscores "
        "(starting with a letter or underscore, at most 63 characters)",
    ),
    "secure_needs_postgresql": (
        "pledges secure 只用于 PostgreSQL（{url} 不是）：SQLite 文件的权限由文件系统控制",
        "pledges secure is for PostgreSQL only ({url} is not): a SQLite file is protected by its file permissions",
    ),
    "secured": (
        "已设置 {url} 的数据库权限：表归 {owner} 所有，个人登录名通过 {group} 获得权限（{tables} 张表，{policies} 条行级策略）",
        "secured {url}: the tables belong to {owner}; person logins get their rights through {group} "
        "({tables} tables, {policies} row-level policies)",
    ),
})

# --- evaluation: ratings, scores, quality at add/submit, the visit survey and report (issue 13) ---

from pledges.vocab import PublicGrade  # noqa: E402  (this block is appended; see the brief)

LABELS[PublicGrade] = {
    "satisfied": ("满意", "satisfied"),
    "fair": ("基本满意", "fair"),
    "unsatisfied": ("不满意", "unsatisfied"),
}
TRIGGERS["rate"] = ("评价", "rate")
TRIGGERS["set_campaign"] = ("修改活动设置", "set campaign")
TRIGGERS["survey_import"] = ("导入问卷", "import survey")
WORDS.update({
    "ballots": ("票数", "Ballots"),
    "score": ("得分", "Score"),
    "final_grade": ("优/良/合格/不合格", "Grades E/G/P/F"),
    "satisfaction": ("满意率", "Satisfaction"),
    "checkable": ("可评比", "Checkable"),
    "checkable_rate": ("可评比率", "Checkable rate"),
    "scored": ("已评分", "Scored"),
    "weights": ("评价权重", "Weights"),
    "awareness": ("知晓率", "Awareness"),
    "answers": ("答卷", "Answers"),
    "interval": ("95% 置信区间", "95% interval"),
    "respondent_group": ("调查对象", "Respondents"),
})
MESSAGES.update({
    "bad_rater_group": ("评价主体 {value} 无效：可选 {choices}（或 自评/党员评/群众评/组织评）",
                        "rater group {value} is not valid: choose {choices}"),
    "bad_rating_grade": ("{group}的等次 {value} 无效：可选 {choices}", "{group} grade {value} is not valid: choose {choices}"),
    "bad_rating_count": ("票数 {value} 无效：应为 1 到 {limit} 的整数", "count {value} is not valid: give a whole number from 1 to {limit}"),
    "rate_state": ("承诺 {id} 处于{state}状态：亮诺之后才能评价", "pledge {id} is {state}: it can be rated once displayed"),
    "rate_not_allowed": ("{actor} 无权对 {org} 的承诺作{group}", "{actor} may not give a {group} rating on {org}'s pledges"),
    "rated": ("承诺 {id}：已记录{group}「{grade}」{count} 票", "pledge {id}: recorded {count} {group} rating(s) \"{grade}\""),
    "rated_score": ("承诺 {id} 现得分 {score}（{grade}）", "pledge {id} now scores {score} ({grade})"),
    "rated_frozen": ("承诺 {id} 已评诺，得分 {score}（{grade}）已固定，本次评价不改变得分",
                     "pledge {id} is evaluated: its score {score} ({grade}) is frozen and this rating does not change it"),
    "bad_weight_group": ("权重中的评价主体 {value} 无效：可选 {choices}", "weight group {value} is not valid: choose {choices}"),
    "bad_weight": ("权重 {value} 无效：应形如 organisation=0.4，数值在 0 到 1 之间",
                   "weight {value} is not valid: give group=number with the number between 0 and 1"),
    "weight_twice": ("权重中{group}出现了两次", "the weights name {group} twice"),
    "weights_sum": ("各项权重之和为 {total}，应为 1", "the weights add up to {total}: they must add up to 1"),
    "campaign_nothing": ("没有要修改的设置：请给出 --weights、--lint-refuses 或 --lint-warns",
                         "nothing to change: give --weights, --lint-refuses or --lint-warns"),
    "campaign_set": ("{year} 年度活动：{what}", "campaign {year}: {what}"),
    "campaign_weights": ("评价权重 {weights}", "weights {weights}"),
    "campaign_lint_refuses": ("质量检查不通过的承诺不能添加或提交", "pledges that break a quality rule are refused at add and submit"),
    "campaign_lint_warns": ("质量检查只作提醒", "quality rules only warn at add and submit"),
    "lint_warning": ("提醒：承诺 {id} {code} {message}。建议：{suggestion}", "warning: pledge {id} {code} {message}. Suggestion: {suggestion}"),
    "lint_refused": ("承诺 {id} 未通过质量检查 {code}：{message}。建议：{suggestion}（本活动设置为不通过即拒绝）",
                     "pledge {id} breaks quality rule {code}: {message}. Suggestion: {suggestion} (this campaign refuses it)"),
    "lint_refused_add": ("承诺「{title}」未通过质量检查 {code}：{message}。建议：{suggestion}（本活动设置为不通过即拒绝）",
                         "pledge \"{title}\" breaks quality rule {code}: {message}. Suggestion: {suggestion} (this campaign refuses it)"),
    "survey_no_units": ("请用 --org 给出要调查的单位", "give the units to ask about with --org"),
    "survey_sheet_none": ("{files} 中没有问卷表：表头需有 单位代码、调查对象", "no questionnaire sheet in {files}: it needs the headers 单位代码, 调查对象"),
    "survey_imported_before": ("{file} 已导入过 {year} 年度：同一份问卷不能导入两次（改名前请先核对）",
                               "{file} was already imported for {year}: a questionnaire file is imported once"),
    "survey_template_done": ("已写出问卷 {path}：{units} 个单位，{rows} 行（每个单位党员、群众各 {each} 行）",
                             "wrote the questionnaire {path}: {units} units, {rows} rows ({each} per unit and group)"),
    "survey_imported": ("已导入答卷 {answers} 份（党员 {members} 份，群众 {public} 份；跳过未填写的 {skipped} 行）",
                        "imported {answers} answers ({members} members, {public} public; {skipped} blank rows skipped)"),
    "survey_checked": ("检查通过：答卷 {answers} 份，未写入（--dry-run）", "checked: {answers} answers; nothing written (--dry-run)"),
    "survey_problems": ("问卷有 {count} 处问题，未导入任何答卷：", "{count} problems in the questionnaire; nothing was imported:"),
    "survey_title": ("{scope} {year} 年度问卷调查", "{scope}: questionnaire, campaign {year}"),
    "survey_rate_line": ("{group}（{respondents} 份）：知晓率 {awareness}（{a_low}–{a_high}），满意率 {satisfaction}（{s_low}–{s_high}）",
                         "{group} ({respondents} answers): awareness {awareness} ({a_low}–{a_high}), "
                         "satisfaction {satisfaction} ({s_low}–{s_high})"),
    "report_empty": ("台账中没有党组织，无法生成报告", "the ledger has no organisations to report on"),
    "report_format": ("{path}：报告只能写成 .html 或 .xlsx", "{path}: the report is written as .html or .xlsx"),
    "report_written": ("已写出现场点评报告：{path}", "wrote the visit report: {path}"),
    "rating_sheet_none": ("{files} 中没有评价表：表头需有 承诺编号、评价主体、等次",
                          "no rating sheet in {files}: it needs the headers 承诺编号, 评价主体, 等次"),
    "ratings_imported": ("已导入评价 {rows} 行（{ballots} 票）", "imported {rows} rating rows ({ballots} ballots)"),
    "ratings_problems": ("评价表有 {count} 处问题，未导入任何评价：", "{count} problems in the rating sheet; nothing was imported:"),
    "usage_rate": ("请给出承诺编号、--group 和 --grade，或用 --sheet 导入评价表", "give ID, --group and --grade, or --sheet FILE"),
    "usage_rate_sheet": ("--sheet 不能与承诺编号、--group、--grade 同用", "--sheet does not go with ID, --group or --grade"),
    "ratings_checked": ("检查通过：评价 {rows} 行（{ballots} 票），未写入（--dry-run）",
                        "checked: {rows} rating rows ({ballots} ballots); nothing written (--dry-run)"),
})

# --- the command line's words: labels of every choice, corrections, moves (issue 11, words) -------

LABELS[Format] = {
    "table": ("表格", "table"),
    "json": ("JSON", "JSON"),
    "csv": ("CSV", "CSV"),
    "text": ("文本", "text"),
    "mermaid": ("流程图", "diagram"),
    "xlsx": ("电子表格", "spreadsheet"),
}
LABELS[Breakdown] = {
    "kind": ("类型", "unit kind"),
    "category": ("类别", "category"),
}
LABELS[Scale] = {
    "small": ("小型", "small"),
    "city": ("全市", "whole city"),
}


def choice_code(enum_type: type[StrEnum], typed: str, allowed=None) -> str | None:
    """The code name of a choice typed as its code name, Chinese label or English label, in any
    letter case and with surrounding spaces; None if it is none of ``allowed`` (default: all)."""
    wanted = (typed or "").strip().casefold()
    for code, pair in LABELS[enum_type].items():
        if allowed is not None and code not in allowed:
            continue
        if wanted in {code.casefold(), *(name.casefold() for name in pair)}:
            return code
    return None


class ChoiceList:
    """The choices of an option inside a message: "公示栏（board）、网站（website）…" in Chinese,
    "board (notice board), website, …" in English."""

    def __init__(self, enum_type: type[StrEnum], codes):
        self.enum_type, self.codes = enum_type, list(codes)

    def message(self, lang: str = "zh") -> str:
        shown = []
        for code in self.codes:
            name = label_of(self.enum_type, code, lang)
            if lang == "en":
                shown.append(code if name.casefold() == code.casefold() else f"{code} ({name})")
            else:
                shown.append(name if name.casefold() == code.casefold() else f"{name}（{code}）")
        return ("、" if lang == "zh" else ", ").join(shown)


MESSAGES.update({
    "choice_unknown": ("{value} 不是可选值，可选：{choices}", "{value} is not one of: {choices}"),
})

# Help of the command line in Chinese (``pledges --help``, ``pledges COMMAND --help``).  English is
# the commands' own docstrings and option texts; the examples of a docstring are shown in both.
# Commands by their path (the group itself is ""), options by their English help text.
COMMAND_HELP: dict[str, str] = {
    "": "承诺台账：承诺 → 亮诺 → 践诺 → 评诺。",
    "init": "在数据库中建立空的承诺台账（--db / PLEDGES_DB）。",
    "add": "新建一项承诺（草拟），并输出其编号。\n\n给出可衡量的目标（--target 数量 --unit 单位），或用 --qualitative 标为定性承诺并给出 --criterion 完成标准。",
    "edit": "修改草拟状态的承诺（如被退回之后）。\n\n承诺一经亮诺，内容即冻结：请改用 pledges amend。",
    "list": "列出承诺。",
    "show": "显示一项承诺及其全部记实。",
    "org": "党组织：市委 → 镇（街道）→ 支部的层级。",
    "org add": "添加党组织。",
    "org list": "按层级顺序列出党组织。",
    "org tree": "以树形显示党组织层级（从 CODE 或从最上级开始）。",
    "org set": "设置党组织接收提醒的联系方式（\"\" 清空该项）。",
    "member": "党员，每人属于一个党组织。",
    "member add": "在党组织中添加党员。",
    "member list": "列出党员。",
    "member set": "设置党员接收提醒的联系方式。",
    "submit": "提交草拟的承诺待审核（提交）。",
    "approve": "审核通过待审核的承诺（审核）。",
    "return": "把待审核的承诺退回给承诺人修改（退回）。",
    "display": "公开亮诺已审核的承诺（亮诺）。亮诺后内容即冻结。",
    "progress": "记录已亮诺承诺的践诺情况（践诺记实）。\n\n各次数量累加计入目标。使完成数超过目标两倍的一次记录视为误填而拒绝，确属超额完成的加 --confirm-over。"
                "\n\n录错的一条用负数更正（须写明 --reason）：更正记入记实和统计，完成数不会小于 0。",
    "complete": "确认承诺已兑现（已兑现）：目标已达到，或用 --note 由组织确认。",
    "fail": "确认承诺未兑现（未兑现），在完成时限之后。",
    "extend": "把承诺的完成时限延后（延期）；原定时限仍保留在记录中。",
    "amend": "变更已亮诺的承诺（变更）：回到待审核，原内容保存为历史版本。",
    "withdraw": "在亮诺前撤回承诺（撤回）。",
    "evaluate": "记录组织对已办结承诺的评价（评诺）。\n\n不给 --grade 时，按此前已记录的组织评价评诺；没有组织评价则拒绝。",
    "lifecycle": "显示承诺生命周期：每个操作的原状态、新状态及其条件。",
    "dashboard": "按党组织统计践诺情况，每个组织的数字包含其全部下级。\n\n各列：已承诺、亮诺率、已到期、已兑现、践诺率、按期率、逾期、平均进度、未兑现、评诺率。"
                 "在同级中落后的单位（践诺率最低、逾期最多）会标出。",
    "overdue": "全部逾期承诺，逾期天数多的在前：书记每周一要看的清单。\n\n逾期：已过完成时限，且承诺处于已审核、已亮诺或践诺中。",
    "remind": "提醒：即将到期、逾期、停滞、待亮诺、待评诺、逾期督办。",
    "remind run": "扫描一次并发送一次，供 cron 使用；输出发送情况。\n\n每项承诺、每条规则、每个周期只生成一次提醒：同一天再运行不会重复生成。"
                  "群机器人每个机器人收到一条汇总。发送设置来自 PLEDGES_SMTP_* 和 PLEDGES_REMIND_*（见 README）。--as-of 不能是将来。",
    "remind serve": "运行提醒服务，直到 Ctrl-C 或 SIGTERM（每个数据库只运行一个）。",
    "remind list": "列出提醒发件箱：待发送、已发送和发送失败的提醒。",
    "demo": "把温岭活动的演示台账载入空数据库。\n\n每项承诺都按真实的生命周期走到截止日：有的按期兑现，有的逾期、延期、停滞、未兑现、撤回、已评诺或仍是草稿。"
            "数据库需要时会先建立；已有党组织的台账会被拒绝。变更记为 --as 姓名 所做，默认为“演示数据”。",
    "upgrade": "把台账结构升级到本程序的版本。\n\nSQLite：先在文件旁写一份备份（FILE.NNNN-时间.backup）。"
               "PostgreSQL：一小时内运行过 pledges backup 或给出 --no-backup 才升级。整个升级是一个事务：中断后台账保持原样。",
    "backup": "在他人继续使用时把台账一致地备份到 FILE。\n\n两种数据库都得到一个 zip 文件：台账的 SQLite 副本、结构版本和 SHA-256 校验和。用 pledges restore 恢复。",
    "restore": "把备份恢复到 --db：新的 SQLite 文件，或任一数据库上的空台账。\n\n先检查备份的校验和；已有数据的台账会被拒绝。",
    "copy": "把整个台账复制到另一个空数据库：SQLite ↔ PostgreSQL。\n\n复制每张表并保留编号，在目标库上是一个事务：中断后目标库仍为空。",
    "template": "生成待填写的空白工作簿：党组织、党员、承诺事项、践诺记实。\n\n台账（--db 处若有）中用过的单位会作为可选项。",
    "import": "从 .xlsx、.xls 或 .csv 文件导入党组织、党员、承诺和践诺记实。\n\n全部导入或全部不导入：列出每个问题（文件、工作表、行、列、原因），此时不写入任何内容。重复导入同一文件不会改变台账。",
    "export": "导出承诺及其状态、践诺和评诺情况，供 Excel 或 WPS 使用。\n\n.xlsx 还包括党组织、党员和统计数字，可原样再导入。",
    "lint": "按质量规则检查承诺（可评比）：空泛词语、缺目标或单位、空泛的完成标准、默认完成时限、标题重复、标题过短或过长、目标异常。"
            "\n\n输出范围内及各下级单位的可评比率（可评比 / 已承诺）、每条问题及其规则代码和各规则的处理建议。"
            "JSON 含 units 和 findings；CSV 为问题清单（id、org、member、title、rule、message、suggestion）。不修改任何内容。",
    "visit": "现场点评：抽取要走访的基层单位。",
    "visit sample": "按种子 SEED 在每个党组织下可复现地抽取 N 个基层单位。\n\n基层单位是其下不属于党委的党组织。N 按各类单位数的比例分配（最大余额法），"
                    "同类单位按 SHA-256(\"SEED|KIND|CODE\") 从小到大抽取：有种子的人都能手工复核。不写入任何内容。",
}

OPTION_HELP: dict[str, str] = {
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "Database URL or SQLite file [env PLEDGES_DB; default: pledges.db here].":
        "数据库 URL 或 SQLite 文件 [环境变量 PLEDGES_DB；默认：当前目录的 pledges.db]。",
    "Who is acting; recorded with every change [env PLEDGES_USER].": "操作人；记入每次变更 [环境变量 PLEDGES_USER]。",
    "Language of the output [env PLEDGES_LANG].": "输出语言：zh 中文（默认）或 en 英文 [环境变量 PLEDGES_LANG]。",
    "Show the traceback of an error.": "出错时显示调用栈。",
    "Owning organisation (the member's, for a member pledge).": "承诺所属党组织（党员承诺为党员所在组织）。",
    "Make it the member's own pledge (党员承诺).": "作为该党员本人的承诺（党员承诺）。",
    "What is promised (承诺事项).": "承诺事项。",
    "Longer description.": "详细内容。",
    "Measurable target value (a whole number).": "可衡量的目标数量（整数）。",
    "Unit of the target, e.g. 户, 次, 人.": "目标的单位，如 户、次、人。",
    "No numeric target; needs --criterion.": "定性承诺，没有数量目标；需要 --criterion。",
    "Completion criterion of a qualitative pledge.": "定性承诺的完成标准。",
    "Free category, e.g. 为民服务.": "类别（自由填写），如 为民服务。",
    "Due date, inside the campaign.": "完成时限，须在活动期内。",
    "Campaign year [default: this year].": "活动年度 [默认：今年]。",
    "Output for people (table) or for scripts.": "输出格式：给人看的表格，或给程序用的格式。",
    "Only this organisation and those below it.": "只看该党组织及其下级。",
    "Only pledges in this state.": "只看处于该状态的承诺。",
    "Only overdue pledges (due date passed, not finished).": "只看逾期承诺（已过时限且未办结）。",
    "As the ledger stood at the end of that day.": "按台账在该日结束时的记录显示。",
    "Code of the organisation above it.": "上级党组织的代码。",
    "Unit type [default: committee at the top, other below].": "单位类型 [默认：最上级为党委，其下为其他]。",
    "The secretary (书记) reminders are addressed to.": "接收提醒的书记。",
    "The secretary's e-mail for reminders.": "书记接收提醒的电子邮箱。",
    "The branch's DingTalk/WeCom group robot URL.": "支部钉钉/企业微信群机器人地址。",
    "The member's organisation.": "党员所在党组织。",
    "E-mail for reminders about the member's pledges.": "接收该党员承诺提醒的电子邮箱。",
    "Only members of this organisation and those below it.": "只看该党组织及其下级的党员。",
    "E-mail for reminders (\"\" clears it).": "接收提醒的电子邮箱（\"\" 清空）。",
    "Day it was approved [default: today]; for records entered late.": "审核日期 [默认：今天]；补录时使用。",
    "Why; kept in the pledge's history (required).": "理由，记入承诺的记实（必填）。",
    "Where it is shown (亮诺方式).": "亮诺方式。",
    "Where exactly, e.g. 村务公开栏.": "具体地点，如 村务公开栏。",
    "Day it was shown [default: today].": "亮诺日期 [默认：今天]。",
    "With --all-approved: the organisation whose subtree to display.": "与 --all-approved 同用：亮诺该党组织及其下级的承诺。",
    "Display every approved pledge under --org at once.": "一次亮诺 --org 下全部已审核的承诺。",
    "How much was done this time (toward the target).": "本次完成的数量（计入目标）；负数为更正，须写明 --reason。",
    "What was done; required for a qualitative pledge.": "做了什么；定性承诺必填。",
    "Reference to evidence: photo, minutes, file number.": "佐证材料：照片、会议记录、文号。",
    "Day it was done [default: today].": "完成日期 [默认：今天]。",
    "Accept an amount that brings done past twice the target (a real over-fulfilment).":
        "接受使完成数超过目标两倍的数量（确属超额完成）。",
    "Why a correction (a negative --amount) is made; kept in the history.": "更正（负数 --amount）的理由，记入记实。",
    "Confirmation, when the target is not (or cannot be) counted.": "目标未（或无法）计数时的确认说明。",
    "The new due date, later than the current one.": "新的完成时限，须晚于当前时限。",
    "The organisation's grade [needed unless the organisation has rated it].": "组织评价等次 [组织未评价过时必填]。",
    "The organisation's comment.": "组织评语。",
    "A table, a mermaid state diagram, or JSON.": "表格、mermaid 状态图或 JSON。",
    "Scope: this organisation and everything below it [default: the top].": "范围：该党组织及其全部下级 [默认：最上级]。",
    "How many levels below --org get a row of their own.": "--org 以下几级单独成行。",
    "One row per unit kind or per category over the scope, instead of the tree.": "按单位类型或类别分行统计，而不是按层级。",
    "Figures as they stood at the end of that day.": "该日结束时的统计数字。",
    "Redraw every --interval seconds until Ctrl-C.": "每 --interval 秒刷新一次，直到 Ctrl-C。",
    "Seconds between redraws with --watch.": "--watch 的刷新间隔（秒）。",
    "Stop --watch after this many redraws.": "--watch 刷新这么多次后停止。",
    "Only those late by more than the campaign's escalation threshold (14 days by default).":
        "只看逾期超过督办天数（默认 14 天）的承诺。",
    "Scan as of this past time (2026-06-15 means 08:00 that day; campaign time zone) [default: now].":
        "按过去的这个时间扫描（2026-06-15 即当天 08:00，活动时区）[默认：现在]。",
    "Only deliver what is pending (retries); no scan.": "只发送待发送的提醒（重试），不扫描。",
    "Daily scan time.": "每天的扫描时间。",
    "Delivery retries every so many minutes.": "每隔多少分钟重试发送。",
    "Time zone of the schedule [default: the campaign's, Asia/Shanghai].": "计划所用时区 [默认：活动时区 Asia/Shanghai]。",
    "Only reminders in this state.": "只看处于该状态的提醒。",
    "Only reminders of this rule.": "只看该类型的提醒。",
    "small: 3 towns, ~25 organisations, ~1,500 pledges; city: all of 温岭, ~2,000 organisations, 57,000 members, "
    "~245,000 pledges.": "小型：3 个镇、约 25 个党组织、约 1,500 项承诺；全市：温岭全市，约 2,000 个党组织、57,000 名党员、约 245,000 项承诺。",
    "The same seed gives the same ledger.": "相同的种子生成相同的台账。",
    "The day the ledger stands at, not later than today [default: today]; the campaign is that day's year.":
        "台账截止日，不晚于今天 [默认：今天]；活动年度为该日所在年份。",
    "Do not back up first (PostgreSQL: you made your own backup; SQLite: skip the copy).":
        "不先备份（PostgreSQL：已自行备份；SQLite：跳过复制）。",
    "An empty database (or a new SQLite file).": "一个空数据库（或新的 SQLite 文件）。",
    "Where to write the workbook.": "工作簿的保存位置。",
    "Check everything, write nothing.": "全部检查，不写入。",
    "On problems, write the rows with a reason column here, to fix and import again.":
        "有问题时，把问题行连同“错误原因”列写到这里，改正后可再导入。",
    "Submit the sheets' draft pledges (through the submit guard).": "提交表中的草拟承诺（经提交条件检查）。",
    "Submit and approve them (the actor must be allowed to approve).": "提交并审核通过（操作人须有审核权限）。",
    "Summary for people, or JSON for scripts.": "给人看的摘要，或给程序用的 JSON。",
    "The file to write (.xlsx or .csv).": "要写入的文件（.xlsx 或 .csv）。",
    "xlsx (organisations, members, pledges, figures) or csv (pledges) [default: from --out].":
        "xlsx（党组织、党员、承诺、统计）或 csv（承诺）[默认：按 --out 的扩展名]。",
    "Scope: this organisation and everything below it [default: all].": "范围：该党组织及其全部下级 [默认：全部]。",
    "How many levels below --org get a row of their own in the checkable-rate table.": "可评比率表中 --org 以下几级单独成行。",
    "Findings listed in the table (0: all); JSON and CSV always hold them all.": "表格中列出的问题条数（0 为全部）；JSON 和 CSV 总是全部。",
    "An organisation to draw under (repeat for several: --org WL-DX --org WL-CB).": "在其下抽取的党组织（可重复：--org WL-DX --org WL-CB）。",
    "How many basic units to draw under each.": "每个党组织下抽取的基层单位数。",
    "Any text, announced before the draw (e.g. the visit's date).": "任意文字，抽取前公布（如点评日期）。",
    "A fixed number for a unit kind (村=4 or village=4; repeatable); the rest is shared out.":
        "某类单位的固定名额（村=4 或 village=4，可重复）；其余按比例分配。",
}

# click's own words in a help page, in Chinese
HELP_CHROME: tuple[tuple[str, str], ...] = (
    ("Usage: ", "用法："), ("[OPTIONS]", "[选项]"), ("COMMAND [ARGS]...", "命令 [参数]..."),
    ("Options:", "选项："), ("Commands:", "命令："), ("[default: ", "[默认："), ("[required]", "[必填]"),
    ("[env var: ", "[环境变量："), ("Example:", "示例："), ("Examples:", "示例："),
)

TRIGGERS["correct_progress"] = ("更正记实", "correct progress")
COMMANDS["correct_progress"] = "progress"
MESSAGES.update({
    "progress_recorded": ("承诺 {id}：践诺记实 {amount} {unit}，累计 {done}/{target} {unit}（{states}）",
                          "pledge {id}: progress {amount} {unit}, {done} of {target} {unit} done ({states})"),
    "progress_corrected": ("承诺 {id}：更正记实 {amount} {unit}，累计 {done}/{target} {unit}（{states}）",
                           "pledge {id}: corrected by {amount} {unit}, {done} of {target} {unit} done ({states})"),
    "progress_noted": ("承诺 {id}：已记录践诺记实（{states}）", "pledge {id}: progress recorded ({states})"),
    "qualitative_correction": (
        "承诺 {id} 是定性承诺，没有数量可更正：请用 --note 补充说明",
        "pledge {id} is qualitative and has no amount to correct: add a --note instead",
    ),
    "correction_negative": (
        "更正的数量必须是负数（收到 {amount}）：如 --amount -3 --reason 重复录入",
        "a correction takes a negative amount (got {amount}): e.g. --amount -3 --reason 'entered twice'",
    ),
    "correction_below_zero": (
        "承诺 {id} 已完成 {done} {unit}：更正 {amount} 会使完成数小于 0，最多可更正 -{done}",
        "pledge {id} has {done} {unit} done: correcting by {amount} would take it below 0; at most -{done}",
    ),
    "usage_reason_positive": (
        "--reason 只用于更正（负数 --amount）；本次记实的说明请用 --note",
        "--reason is for corrections (a negative --amount); describe this entry with --note",
    ),
})

# members and organisations that change (docs/moves.md)
WORDS["person_name"] = ("姓名", "name")
TRIGGERS.update({
    "transfer": ("随党员转移", "moved with member"),
    "move": ("转移", "move"),
    "rename": ("更名", "rename"),
    "leave": ("离开", "leave"),
})
MESSAGES.update({
    "member_moved": ("已把党员 {number} {name} 从 {from_} 转到 {to}，随转未办结承诺 {count} 项",
                     "moved member {number} {name} from {from_} to {to}, with {count} open pledges"),
    "member_edited": ("已修改党员 {number} 的{fields}", "updated member {number}: {fields}"),
    "member_unchanged": ("党员 {number} 没有变化", "member {number} is unchanged"),
    "member_left_done": ("已登记党员 {number} {name} 离开；其承诺和记实均保留", "recorded that member {number} {name} left; "
                         "the pledges and their history stay"),
    "org_renamed": ("已把党组织 {code} 由 {old} 更名为 {name}", "renamed organisation {code} from {old} to {name}"),
    "org_moved": ("已把党组织 {code} 及其下级从 {from_} 转到 {to} 之下", "moved organisation {code} and everything below it "
                  "from {from_} to {to}"),
    "member_same_org": ("党员 {number} 已在 {org}：无需转移", "member {number} is already in {org}: nothing to move"),
    "member_left": ("党员 {number} 已于 {day} 离开：不能再转移或新建承诺", "member {number} left on {day}: no more moves or pledges"),
    "member_has_open": (
        "党员 {number} 还有 {count} 项未办结的承诺（{ids}）：请先转移（member move）、撤回或办结",
        "member {number} still has {count} open pledges ({ids}): move the member, withdraw or finish them first",
    ),
    "org_same_name": ("党组织 {code} 已叫 {name}：无需更名", "organisation {code} is already called {name}: nothing to rename"),
    "org_cycle": ("不能把 {code} 转到 {parent} 之下：{parent} 是 {code} 本身或其下级",
                  "cannot move {code} under {parent}: {parent} is {code} itself or below it"),
    "org_same_parent": ("党组织 {code} 已在 {parent} 之下：无需转移", "organisation {code} is already under {parent}: nothing to move"),
    "nothing_to_edit": ("没有要修改的内容：请给出 --name 或 --email", "nothing to change: give --name or --email"),
})
COMMAND_HELP.update({
    "member move": "把党员转到另一个党组织；其未办结的承诺随之转移。\n\n未办结的承诺（草拟至践诺中）自转移起计入新组织，"
                   "此前每一天仍计入原组织；已办结和已撤回的承诺留在原组织。",
    "member edit": "更正党员的姓名或电子邮箱。",
    "member leave": "登记党员离开。党员还有未办结的承诺时拒绝。\n\n党员和全部承诺连同记实都保留在台账中；离开的党员不能再新建承诺或转移。",
    "org rename": "给党组织改名；代码和承诺不变。",
    "org move": "把党组织连同全部下级转到另一个上级之下。\n\n自转移起其承诺计入新上级的统计；此前各天的统计不变。"
                "转到自身或自身下级之下会被拒绝。",
})
OPTION_HELP.update({
    "The organisation the member moves to.": "党员转入的党组织。",
    "Why; kept in the history of the member and of each pledge that moves (required).":
        "理由，记入党员及每项随转承诺的记实（必填）。",
    "The member's name, corrected.": "更正后的党员姓名。",
    "Why the member leaves, e.g. 转出 or 去世 (required).": "离开的原因，如 转出、去世（必填）。",
    "The organisation it moves under.": "转入的上级党组织。",
    "Why; kept in the history.": "理由，记入记实。",
})

# --- the public notice board (issue 14, docs/board.md) -----------------------------------------

WORDS.update({
    "board_title": ("承诺公示", "Pledges on display"),
    "board_index": ("按镇街和单位类型", "By town and kind of unit"),
    "board_search": ("搜索", "Search"),
    "board_search_label": ("搜索党组织或党员姓名", "Search an organisation or a member's name"),
    "board_search_nojs": ("搜索需要浏览器启用 JavaScript；也可从首页按镇街查找。",
                          "Search needs JavaScript; the index by town works without it."),
    "board_no_results": ("没有找到", "Nothing found"),
    "board_org_pledges": ("组织承诺", "The organisation's pledges"),
    "board_member_pledges": ("党员承诺", "Members' pledges"),
    "board_units": ("下级党组织", "Organisations under it"),
    "board_pledge": ("承诺事项", "Pledge"),
    "board_target": ("目标", "Target"),
    "board_progress": ("进度", "Progress"),
    "board_due": ("完成时限", "Due"),
    "board_state": ("状态", "State"),
    "board_last_entry": ("最近记实", "Last entry"),
    "board_result": ("评价结果", "Result"),
    "board_history": ("公开记实", "Public record"),
    "board_displayed": ("亮诺", "Displayed"),
    "board_entry": ("践诺记实", "Progress"),
    "board_finished": ("完成", "Finished"),
    "board_evaluated": ("评诺", "Evaluated"),
    "board_extended": ("原定时限", "originally due"),
    "board_amended": ("内容变更次数", "times amended"),
    "board_satisfaction": ("群众满意率", "Public satisfaction"),
    "board_ballots": ("份评价", "ratings"),
    "board_comments": ("群众评语", "Comments from the public"),
    "board_rate": ("评一评", "Rate this pledge"),
    "board_comment": ("意见（可不填，审核后公开）", "Comment (optional; shown after moderation)"),
    "board_send": ("提交评价", "Send"),
    "board_thanks": ("谢谢！评价审核后计入满意率。", "Thank you: your rating counts once a secretary approves it."),
    "board_checkpoint": ("最新审计检查点", "Latest audit checkpoint"),
    "board_no_checkpoint": ("暂无审计检查点", "No audit checkpoint yet"),
    "board_campaign": ("年度", "campaign"),
    "board_pledges_n": ("项承诺", "pledges"),
    "board_back": ("返回", "Back to"),
    "board_home": ("首页", "Home"),
    "board_notice": ("公示栏", "Notice"),
    "board_plaques": ("户牌/岗位牌", "Plaques"),
    "board_print": ("打印", "Print"),
    "board_scan": ("扫码查看承诺进度", "Scan to follow these pledges"),
    "board_member": ("党员", "Member"),
    "board_qualitative": ("定性", "qualitative"),
    "board_none": ("无", "none"),
    "board_updated": ("数据截至", "Figures as of"),
    "board_grade_org": ("组织评", "organisation"),
    "board_skip": ("跳到正文", "Skip to content"),
    "public_satisfied": ("满意", "satisfied"),
    "public_fair": ("基本满意", "fairly satisfied"),
    "public_unsatisfied": ("不满意", "unsatisfied"),
    "board_moderate_id": ("编号", "id"),
    "board_comment_short": ("意见", "comment"),
    "board_approved": ("通过", "approved"),
    "board_rejected": ("驳回", "rejected"),
    "board_pending": ("待审核", "pending"),
    "board_recorded": ("已录入", "recorded"),
})
MESSAGES.update({
    "board_built": (
        "已生成公示网站 {out}：{orgs} 个党组织、{pledges} 项承诺、{files} 个文件，用时 {seconds} 秒；打开 {open}",
        "built the board in {out}: {orgs} organisations, {pledges} pledges, {files} files in {seconds} s; open {open}",
    ),
    "board_serving": ("公示网站运行于 http://{host}:{port}/（Ctrl+C 停止）",
                      "the board is served at http://{host}:{port}/ (Ctrl+C stops it)"),
    "board_checkpoint_missing": ("找不到检查点文件 {file}", "no checkpoint file {file}"),
    "board_moderated": ("已{verdict} {n} 条群众评价：{ids}", "{verdict} {n} public ratings: {ids}"),
    "board_none_pending": ("没有待审核的群众评价", "no public rating awaits moderation"),
    "board_moderate_both": ("--approve 和 --reject 不能对同一条评价：{ids}", "--approve and --reject name the same rating: {ids}"),
    "unknown_rating": ("没有编号为 {id} 的群众评价", "no public rating with id {id}"),
    "rating_bad_grade": ("请选择 满意、基本满意 或 不满意", "choose satisfied, fairly satisfied or unsatisfied"),
    "rating_too_long": ("意见不超过 {limit} 字", "a comment has at most {limit} characters"),
    "rating_not_on_board": ("承诺 {id} 不在公示中", "pledge {id} is not on the board"),
    "rating_limit_address": ("提交太频繁，请一小时后再试", "too many ratings from this address: try again in an hour"),
    "rating_limit_twice": ("您今天已评价过这项承诺", "this address rated this pledge today already"),
    "rating_limit_pledge": ("这项承诺收到的评价太多，请稍后再试", "this pledge received too many ratings: try again later"),
    "rating_not_pending": ("群众评价 {id} 已是{status}，不能再审核", "public rating {id} is {status} already"),
    "rating_no_right": ("{actor} 无权审核群众评价 {id}", "{actor} may not moderate public rating {id}"),
    "board_csrf": ("表单已过期或来自其他网站：请刷新页面后重新提交", "the form expired or came from another site: reload the page and send it again"),
})

# --- Chinese help of the commands added in issues 10, 13 and 14 ---------------------------------

COMMAND_HELP.update({
    "secure": "PostgreSQL：把各表交给属主角色，让个人登录只能做各自份内的事。\n\n"
              "个人（用 pledges user add --login 建立的登录）对业务表有 SELECT、INSERT 和 UPDATE 权限，对记实表只能 INSERT；"
              "行级安全把他们限制在所授角色的党组织及其下级之内；不能 TRUNCATE，不能改表结构，不能建触发器。"
              "须由超级用户运行；可随时再运行（只改动不一致之处）。已加固的台账在 pledges upgrade 时会自动再运行。",
    "visit survey": "问卷：走访单位的问卷工作簿、问卷导入和知晓率、满意率。",
    "visit survey template": "生成问卷工作簿。\n\n每个单位、每类调查对象（党员/群众）若干编号行，"
                             "询问是否知道该单位的承诺（是/否）、是否满意（满意/基本满意/不满意）以及意见建议。",
    "visit survey import": "导入填好的问卷（.xlsx/.xls/.csv）。\n\n全部导入或全部不导入：每个问题都列出工作表、行和列。"
                           "两项都没回答的行跳过。",
    "visit survey results": "按调查对象分别统计问卷结果：知晓率和满意率，各附 95% Wilson 置信区间。",
    "visit report": "生成现场点评报告（HTML 或 .xlsx）。\n\n报告包括：范围及各单位的统计数字、按单位类型的践诺情况、领先和落后的单位及原因、"
                    "逐个列出抽查单位（承诺、逾期或空泛之处、得分）、问卷的知晓率和满意率（附 95% 置信区间），"
                    "以及附录：每个数字的定义和所用 SQL。HTML 可按 A4 打印；.xlsx 含相同的表格。",
    "user": "使用台账的人员及其角色（管理员 组织部门 书记 党员 点评组 查看）。",
    "user add": "添加人员（只有管理员可以；新台账的第一个人任何人都可添加）。",
    "user list": "列出人员及其所授角色。",
    "grant": "授予某人在某党组织的角色（只有管理员可以；第一个管理员任何人都可授予）。",
    "revoke": "收回所授角色（只有管理员可以；最后一个管理员角色不能收回）。",
    "rate": "记录某一评价主体对已亮诺（或其后状态）承诺的评价（评价）。\n\n"
            "评价计入承诺得分：各评价主体的平均分（优秀 100、良好 85、合格 70、不合格 40；满意 100、基本满意 70、不满意 30）"
            "按活动设定的权重加权。承诺评诺后得分即冻结：之后的评价仍保留，但不再改变得分。",
    "campaign": "活动的评诺设置：各评价主体的权重，质量规则只提醒还是拒绝。",
    "campaign show": "显示活动的起止日期、时区、评价权重和质量设置。",
    "campaign set": "修改活动的评价权重或质量设置（记入审计日志）。",
    "board": "公开亮诺的公示网站：网页、可打印的公示材料和群众评价。",
    "board build": "把某一范围的公示生成静态网页。\n\n每个党组织、每项亮诺中的承诺各一页，按镇街和单位类型的索引，"
                   "离线搜索，以及可按 A4 打印的公示栏和户牌/岗位牌。只写入可公开的内容（见 docs/board.md）。",
    "board serve": "直接从台账运行公示网站。\n\n网站只读，唯一例外是每项承诺的群众评价表（满意/基本满意/不满意及意见），"
                   "提交后待审核。",
    "board moderate": "审核公示网站上的群众评价：通过或驳回。\n\n两个选项都不给时，列出待审核的评价。只有审核通过的评价计入满意率。",
})
OPTION_HELP.update({
    "Show only the first N rows.": "只显示前 N 行。",
    "Start the CSV with a UTF-8 byte order mark, so Excel on Windows reads the Chinese.":
        "CSV 开头加 UTF-8 字节顺序标记（BOM），Windows 上的 Excel 才能正确显示中文。",
    "Write straight to the terminal instead of through the pager (PAGER, else less).":
        "直接输出到终端，不经过分页程序（PAGER，否则为 less）。",
    "Also the evaluation figures per unit: score, final grades, satisfaction (满意率), checkable rate.":
        "同时显示各单位的评诺数字：得分、最终等次、满意率、可评比率。",
    "The role that owns the tables; no person uses it [default: as last secured, else pledges_owner].":
        "拥有各表的属主角色，任何个人都不使用它 [默认：沿用上次加固的设置，否则为 pledges_owner]。",
    "The role every person's login is a member of [default: as last secured, else pledges_person].":
        "每个个人登录所属的角色 [默认：沿用上次加固的设置，否则为 pledges_person]。",
    "Move each pledge to the 状态 its row gives (an export's), through the lifecycle and its guards.":
        "按每行的“状态”列（导出文件中的）把承诺推进到该状态，经过生命周期及其条件检查。",
    "A unit to ask about (repeat: the units `visit sample` drew).": "要调查的单位（可重复：即 visit sample 抽取的单位）。",
    "Numbered rows per unit and respondent group (党员, 群众).": "每个单位、每类调查对象（党员、群众）的编号行数。",
    "Check every row, write nothing.": "检查每一行，不写入。",
    "Only answers about units in this subtree [default: all].": "只统计关于该党组织及其下级单位的回答 [默认：全部]。",
    "A scope to report on (repeatable) [default: the top organisations].": "报告的范围（可重复）[默认：最上级党组织]。",
    "Draw the units to visit with this seed (as `visit sample`); without it, no sample section.":
        "用这个种子抽取要走访的单位（同 visit sample）；不给则报告中没有抽查部分。",
    "Basic units drawn under each --org (with --seed).": "每个 --org 下抽取的基层单位数（与 --seed 同用）。",
    "A fixed number for a unit kind (with --seed).": "某类单位的固定名额（与 --seed 同用）。",
    "Figures as they stood at the end of that day [default: today].": "该日结束时的统计数字 [默认：今天]。",
    "The person's member row (a 党员 user: their own pledges).": "该人员对应的党员（党员角色：本人的承诺）。",
    "PostgreSQL only: also create the person's database login [default LOGIN: NAME].":
        "仅 PostgreSQL：同时建立该人员的数据库登录 [LOGIN 默认为姓名]。",
    "The organisation; the role holds in its whole subtree.": "党组织；角色在其全部下级中有效。",
    "The organisation the role was granted on.": "授予该角色时的党组织。",
    "Who rates: self|members|public|organisation (自评/党员评/群众评/组织评).": "评价主体：自评/党员评/群众评/组织评。",
    "excellent|good|pass|fail (优秀/良好/合格/不合格); the public: satisfied|fair|unsatisfied (满意/基本满意/不满意).":
        "等次：优秀/良好/合格/不合格；群众评：满意/基本满意/不满意。",
    "Ballots of this grade (tallied paper ballots in one go).": "该等次的票数（纸质票汇总后一次录入）。",
    "What the raters said; kept with the rating.": "评价人的意见，随评价保存。",
    "A rating sheet (.xlsx/.xls/.csv with 承诺编号, 评价主体, 等次[, 票数, 评语]) instead of ID; repeatable.":
        "评价表（.xlsx/.xls/.csv，含 承诺编号、评价主体、等次[、票数、评语] 列），代替 ID；可重复。",
    "With --sheet: check every row, write nothing.": "与 --sheet 同用：检查每一行，不写入。",
    "Rater-group weights adding up to 1, e.g. organisation=0.4,public=0.3,members=0.2,self=0.1 (组织评=0.4,…); "
    "a group left out weighs 0.":
        "各评价主体的权重，合计为 1，如 组织评=0.4,群众评=0.3,党员评=0.2,自评=0.1"
        "（或 organisation=0.4,…）；未列出的主体权重为 0。",
    "Quality findings refuse add and submit, or only warn (the default).": "质量问题拒绝新建和提交，或只提醒（默认）。",
    "The folder to write the site into (created if needed).": "网站的输出目录（不存在则新建）。",
    "Only this organisation's subtree [default: everything].": "只含该党组织及其下级 [默认：全部]。",
    "Where the site will be published; the plaques' QR codes open pages under it.":
        "网站的发布地址；户牌上的二维码指向该地址下的网页。",
    "The file `pledges audit checkpoint` wrote, printed in every footer.":
        "`pledges audit checkpoint` 写出的审计检查点文件，印在每页页脚。",
    "The campaign's year [default: this year].": "活动年度 [默认：今年]。",
    "Also write members' plaques with QR codes (the slowest part of a city's build).":
        "同时生成带二维码的党员户牌（全市生成时最慢的部分）。",
    "The public address, for the plaques' QR codes.": "公开访问地址，用于户牌上的二维码。",
    "How long a page is kept before it is read from the ledger again.": "网页缓存多久后重新从台账读取（秒）。",
    "Approve this rating (repeatable).": "审核通过这条评价（可重复）。",
    "Reject this rating (repeatable).": "驳回这条评价（可重复）。",
    "List only the ratings of this organisation's subtree.": "只列出该党组织及其下级的评价。",
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
    "audit_hierarchy": (
        "党组织 {code} 的上下级关系表（org_closure）与其上级党组织不符：有人直接改动了数据库",
        "the hierarchy table (org_closure) of organisation {code} does not match its parents: "
        "the database was edited directly",
    ),
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

# --- Chinese help of the audit commands (issue 10, docs/audit.md) --------------------------------

COMMAND_HELP.update({
    "audit": "检查记实的完整性：哈希链、承诺的重放、签名的检查点。",
    "audit verify": "重算哈希链，并按记实逐项重放每一项承诺。\n\n"
                    "检查每条记实的哈希、记实时间从不倒退、每条承诺记实都从上一条留下的状态开始，"
                    "以及每项承诺的状态、完成时限、已完成数量和结果都与其最后一条记实相符。"
                    "指出第一条不相符的记实（退出码 1），否则显示 OK、记实条数和链头哈希。",
    "audit checkpoint": "为已核验的记实链头签名（台账编号、记实条数、链头哈希）。\n\n"
                        "公布该文件（及密钥指纹）：以后用 audit verify --checkpoint 文件 可以证明记实仍在其后延续，"
                        "删掉最新的记实或改写旧记实都会被发现。核验不通过的记实拒绝签名。",
})
OPTION_HELP.update({
    "A checkpoint from `pledges audit checkpoint`: the history must still extend it.":
        "pledges audit checkpoint 生成的检查点：记实必须仍在其后延续。",
    "Ed25519 private key (PEM); made, readable by you only, when absent.":
        "Ed25519 私钥（PEM）；不存在时自动生成，仅本人可读。",
    "Write the checkpoint here [default: standard output].": "检查点写入此文件［默认：标准输出］。",
})


# --- The Chinese user's guide, secretary and member chapters (issue 15) ----------------------------

MESSAGES.update({
    "pledge_extended": ("承诺 {id}：完成时限延至 {due}（{state}）", "pledge {id}: due date moved to {due} ({state})"),
    "overdue_heading_escalated": ("{scope} 应督办的逾期承诺（截至 {day}，逾期最久的在前）",
                                  "{scope}: overdue pledges to escalate as of {day}, most days late first"),
    "overdue_title_escalated": ("{scope} 应督办的逾期承诺 {count} 项（截至 {day}）",
                                "{scope}: {count} overdue pledges to escalate as of {day}"),
})
WORDS.update({
    "org_name": ("党组织名称", "Organisation name"),  # member list: beside the code, not a second 名称
})

# --- Found while writing the Chinese guide (issue 15, docs/zh/) ------------------------------------

MESSAGES.update({
    "overdue_count_limited": (
        "共 {count} 项逾期，只显示逾期最久的前 {limit} 项（去掉 --limit 查看全部）",
        "{count} overdue, the {limit} most days late shown (drop --limit for all)",
    ),
    "survey_no_answers": ("{group}：尚无答卷", "{group}: no answers yet"),
})
WORDS.update({
    "campaign_timezone": ("时区", "Time zone"),
    "campaign_starts": ("开始日期", "Starts"),
    "campaign_ends": ("结束日期", "Ends"),
})

# --- the board's checkpoint and punctuation (issue 14) ----------------------------------------

MESSAGES.update({
    "board_checkpoint_line": (
        "共 {size} 个事件，末事件哈希 {hash}，签署于 {made_at}，公钥指纹 {fingerprint}",
        "{size} events, the last one's hash {hash}, signed at {made_at}, key fingerprint {fingerprint}",
    ),
})

# Punctuation the board's pages put between words (pledges.board.render's ``mark``).
WORDS.update({
    "board_colon": ("：", ": "),
    "board_open": ("（", " ("),
    "board_close": ("）", ")"),
    "board_comma": ("，", ", "),
    "board_semicolon": ("；", "; "),
})

# --- reminders: what a failed delivery records (remind list's 最近错误) ----------------------------

MESSAGES.update({
    "smtp_not_set": ("未设置邮件服务器（PLEDGES_SMTP_HOST），邮件发不出去：请管理员设置（见 docs/reminders.md）",
                     "PLEDGES_SMTP_HOST is not set: no mail server to send through (docs/reminders.md)"),
})

OPTION_HELP.update({
    "Only this member's own pledges.": "只列出这名党员本人的承诺。",
})

# --- CSV for spreadsheets: choice columns by their labels (cli/params.py format_option) ---------

OPTION_HELP.update({
    "Output: a table for people, CSV for spreadsheets (states, kinds… by their labels, as in the table), JSON for "
    "scripts (code names).": "输出格式：表格给人看；CSV 给 Excel、WPS 用（状态、单位类型等写名称，与表格相同）；"
                             "JSON 给程序用（写英文代码）。",
})

# --- CSV for spreadsheets: yes/no and a pledge's due day (cli/render.py csv_cell, csv_headers) -----

WORDS.update({
    "csv_true": ("是", "yes"),
    "csv_false": ("否", "no"),
    "field_due_day": ("完成时限", "due"),
    # remind list's fields beside its table's columns
    "field_day": ("提醒日", "day"),
    "field_email": ("邮箱", "email"),
    "field_webhook": ("群机器人", "webhook"),
    "field_created_at": ("创建时间", "created_at"),
    "field_sent_at": ("发送时间", "sent_at"),
})
