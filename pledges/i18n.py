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
    # the dashboard (SPEC §4 figures) and the overdue list
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
    "bad_webhook": ("群机器人地址 {value} 无效：应以 http:// 或 https:// 开头", "webhook {value} is not valid: give an http:// or https:// URL"),
    "nothing_to_set": ("没有要修改的联系方式：请给出 --email 等选项", "nothing to change: give --email or another contact option"),
    "contact_set": ("已更新 {who} 的联系方式：{fields}", "updated the contact of {who}: {fields}"),
    "contact_unchanged": ("{who} 的联系方式没有变化", "the contact of {who} is unchanged"),
    "scheduler_running": (
        "本数据库已有提醒服务在运行（{holder}，有效至 {until}）：不能再启动第二个",
        "a reminder scheduler already runs on this database ({holder}, until {until}): not starting a second one",
    ),
    "bad_as_of": ("--as-of {value} 无效：应形如 2026-06-15 或 2026-06-15T08:00", "--as-of {value} is not valid: give 2026-06-15 or 2026-06-15T08:00"),
    "remind_scanned": ("扫描 {day}：新增提醒 {created} 条", "scan of {day}: {created} new reminders"),
    "remind_delivered": ("发送：成功 {sent} 条，待重试 {retry} 条，失败 {failed} 条", "delivery: {sent} sent, {retry} to retry, {failed} failed"),
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
