"""What each refusal means and what to do about it, in Chinese, for the person who met it: the
source of 常见问题 (docs/zh/faq.md, written by ``scripts/guide_faq.py``).

``GROUPS`` orders the refusals by the situation a person is in; each entry is a message key of
``pledges.i18n.MESSAGES`` → (含义, 怎么办).  Which keys are refusals is read from the code
(``scripts/refusals.py``); a test fails when one of them has no entry here, or an entry names a
message the program no longer says.  ``PLACEHOLDERS`` shows a message's ``{id}`` as 〈编号〉."""

from typing import NamedTuple


class Advice(NamedTuple):
    group: str
    meaning: str
    todo: str


class Group(NamedTuple):
    anchor: str  # names the group in code; the page's anchor is its title's
    title: str
    intro: str
    entries: dict[str, tuple[str, str]]


PLACEHOLDERS = {
    "actor": "操作人", "allowed": "可用操作", "amount": "数量", "approved": "审核日期", "args": "内容",
    "at": "时间", "before": "前一条的时间", "ceiling": "上限", "choices": "可选值", "code": "代码",
    "command": "命令", "count": "个数", "day": "日期", "depth": "层数", "detail": "原因",
    "displayed": "亮诺日期", "done": "已完成", "due": "完成时限", "en": "英文列名", "ends": "结束日期",
    "entity": "对象", "entity_id": "对象编号", "field": "项目", "file": "文件", "files": "文件",
    "first": "起始", "formula": "公式", "found": "版本", "from": "原状态", "group": "评价主体",
    "header": "列名", "held": "台账中的值", "holder": "运行者", "host": "主机", "id": "编号", "ids": "编号",
    "kind": "类型", "known": "最新版本", "largest": "最多可记", "last": "最后", "left": "尚差", "limit": "上限",
    "login": "登录名", "max": "最大值", "member_org": "党员所在组织", "message": "问题", "n": "数目",
    "name": "姓名", "needed": "所需版本", "new": "新时限", "now": "现在", "number": "党员编号", "on": "日期",
    "option": "选项", "org": "党组织", "origin": "检查点的台账", "ours": "本台账", "parent": "上级",
    "path": "文件", "person": "用户", "pledge": "承诺编号", "possible": "相近的选项", "problem": "问题",
    "quota": "名额", "range": "范围", "replayed": "按记实应有的值", "rest": "其余数目", "role": "角色",
    "room": "还能记", "rows": "行数", "size": "条数", "starts": "开始日期", "state": "状态", "status": "状态",
    "stored": "台账中的值", "suggestion": "建议", "table": "表名", "target": "目标", "title": "承诺事项",
    "today": "今天", "tops": "可查看的组织", "total": "合计", "trigger": "操作", "unit": "单位",
    "until": "到期时间", "url": "数据库", "value": "所填的值", "verb": "操作", "what": "选项",
    "who": "有权限的人", "why": "地址类型", "year": "年度", "years": "台账中的年度", "names": "名称",
    "columns": "未显示的列",
}

# Where a placeholder means something else in one message than in most.
PLACEHOLDERS_OF = {
    "audit_from_state": {"left": "上一条留下的状态"},
    "audit_gap": {"first": "起始编号", "last": "结束编号"},
    "bad_date": {"first": "最早年份", "last": "最晚年份"},
    "bad_datetime": {"first": "最早年份", "last": "最晚年份"},
    "bad_year": {"first": "最早年份", "last": "最晚年份"},
    "sheet_row_twice": {"first": "行号"},
    "sheet_id_key_conflict": {"held": "台账中的编号"},
    "duplicate_org": {"name": "名称"},
    "org_same_name": {"name": "名称"},
    "usage_no_command": {"name": "命令"},
    "bad_role_name": {"what": "角色", "name": "名称"},
    "usage_missing": {"what": "缺少的内容"},
    "not_permitted": {"what": "做这件事"},
    "not_permitted_pledge": {"kind": "承诺类别"},
}


# The placeholders of the quality rules' messages (pledges/quality.py RULES).
QUALITY_PLACEHOLDERS = {"words": "空泛用语", "criterion": "完成标准", "due": "完成时限", "others": "编号",
                        "length": "字数", "min": "最少字数", "max": "最多字数", "target": "目标数量", "limit": "上限"}


def placeholder(key: str, field: str) -> str:
    """How 常见问题 shows the ``{field}`` of message ``key``."""
    return PLACEHOLDERS_OF.get(key, {}).get(field) or PLACEHOLDERS[field]


_ENTRY = {
    "need_title": ("承诺没有写“承诺事项”（标题），不能提交。", "用 pledges edit 编号 --title 补上承诺事项，再提交。"),
    "need_owner": ("承诺不属于任何党组织，不能提交。", "这种情况一般不会出现；请把编号告诉管理员。"),
    "need_measure": ("承诺既没有数量目标，也没有写成定性承诺，无法检查是否兑现。",
                     "有数量的，用 --target 数量 --unit 单位（如 --target 12 --unit 户）；没有数量的，用 --qualitative 并写 --criterion 完成标准。"),
    "usage_title_missing": ("新建承诺时没有写承诺事项。", "加上 --title 承诺事项，如 --title 为老党员送学上门。"),
    "usage_measure": ("新建承诺时没有写目标。", "加上 --target 数量 --unit 单位，或 --qualitative --criterion 完成标准。"),
    "empty_field": ("必填的一项是空的。", "把提示中的那一项填上再试。"),
    "bad_value": ("某一项的值不能用，冒号后面是原因。", "按原因改正这一项。"),
    "too_large": ("数字太大，台账存不下。", "核对是否多打了几位数字。"),
    "target_positive": ("目标数量必须是大于 0 的整数。", "改成整数，如 --target 12；没有数量的承诺请用 --qualitative。"),
    "target_and_unit": ("目标数量和单位要一起给。", "同时写 --target 数量 和 --unit 单位，如 --target 12 --unit 户。"),
    "measure_conflict": ("同一项承诺不能既有数量目标又是定性承诺。", "二选一：去掉 --target/--unit，或去掉 --qualitative。"),
    "criterion_needed": ("定性承诺没有数量，需要写清怎样才算完成。", "加上 --criterion 完成标准，如 --criterion 每月走访一次并有记录。"),
    "bad_code": ("党组织代码里有不允许的字符，或太长。", "只用字母、数字和 - _ . ，如 WL-DX-V001。"),
    "duplicate_org": ("这个党组织代码已经有了。", "换一个代码；如果就是这个组织，不必再添加。"),
    "duplicate_member": ("这个党员编号已经有了。", "换一个编号；如果就是这个人，不必再添加。"),
    "member_elsewhere": ("这名党员属于另一个党组织，承诺要记在他所在的组织下。", "按提示把 --org 改成党员所在组织的代码。"),
    "member_left": ("这名党员已经离开（转出），不能再为他新建或转移承诺。", "核对党员编号；如确有误，请找组织部门。"),
    "not_a_draft": ("承诺已经提交或亮诺，不能再直接修改。", "待审核的先退回（pledges return 编号 --reason 理由）再修改；已审核的亮诺后用 pledges amend 变更，或撤回后重新新建；已亮诺的用 pledges amend 变更。"),
    "nothing_to_amend": ("变更时没有说要改什么。", "写出要改的项目，如 --title 新的承诺事项 或 --target 20。"),
    "due_outside": ("完成时限不在本年度活动期内。", "把 --due 改成活动期内的日期（提示中写着起止日期）。"),
    "bad_year": ("活动年度不是合理的年份。", "写四位年份，如 --campaign 2026。"),
    "no_campaign": ("这一年还没有任何承诺，所以没有这一年度的活动。", "核对年份；新建承诺后该年度就有了。"),
    "lint_refused_add": ("本年度设置为“质量检查不通过就拒绝”，这项新承诺没有通过。", "按“建议”修改承诺事项或目标后再新建；不清楚时找组织部门。"),
    "lint_refused": ("本年度设置为“质量检查不通过就拒绝”，这项承诺没有通过，不能提交。", "按“建议”用 pledges edit 修改后再提交。"),
}

_LIFECYCLE = {
    "refused_state": ("承诺当前所处的状态不能做这个操作。提示最后列出了现在能做的操作。",
                      "用 pledges show 编号 查看状态，按列出的操作办理。例如还是草拟的，要先提交、审核，才能亮诺。"),
    "refused_terminal": ("承诺已经结束（如已评诺或已撤回），不能再做任何操作。", "如需重新承诺，请新建一项。"),
    "refused_many": ("一次办理多项承诺时，其中一项不符合条件，所以这一批全部没有办理。",
                     "按冒号后的原因处理那一项，或把它从这一批中去掉，再办理一次。"),
    "concurrent_change": ("在您操作的同时，别人刚修改了这项承诺，您这次的操作没有执行。",
                          "用 pledges show 编号 看看最新情况，需要的话再做一次。"),
    "need_reason": ("退回、撤回、变更、延期等操作需要写明理由，会记入记实。", "加上 --reason 理由，如 --reason 目标需细化。"),
    "need_channel": ("亮诺时要写明在哪里亮诺。", "加上 --channel 亮诺方式，如 --channel 公示栏。"),
    "before_approval": ("亮诺日期早于审核通过的日期。", "核对 --date；亮诺不能早于审核。"),
    "usage_all_approved": ("一次亮诺全部已审核承诺时，要给党组织代码，不要再给承诺编号。",
                           "写成 pledges display --org 代码 --all-approved --channel 公示栏。"),
    "usage_ids_or_org": ("没有说要亮诺哪些承诺。", "写出承诺编号，或用 --org 代码 --all-approved 一次亮诺该组织全部已审核的承诺。"),
}

_PROGRESS = {
    "amount_positive": ("记录践诺时，本次完成的数量必须大于 0。", "用 --amount 写本次完成的数量，如 --amount 3。录错了要更正时用负数并写 --reason。"),
    "amount_over_target": ("这次的数量会让完成数超过目标的两倍，很可能是多打了数字。",
                           "核对数量；确实超额完成的，加上 --confirm-over 再记录。"),
    "amount_overflow": ("数字大到台账存不下，一定是录错了。", "核对数量后重新记录。"),
    "qualitative_note": ("定性承诺没有数量，记录践诺时要写明做了什么。", "用 --note 说明，如 --note 走访困难户5户。"),
    "qualitative_amount": ("定性承诺没有数量目标，不能记数量。", "去掉 --amount，只用 --note 说明做了什么。"),
    "qualitative_correction": ("定性承诺没有数量，没有可更正的。", "用 --note 补充说明即可。"),
    "correction_negative": ("更正录错的数量时，数量必须是负数。", "写成 --amount -3 --reason 重复录入。"),
    "correction_below_zero": ("更正后完成数会小于 0。", "更正的数量最多是已完成数的负数，核对后再更正。"),
    "usage_reason_positive": ("--reason 只在更正（负数数量）时用。", "本次做了什么请写在 --note 里。"),
    "future_date": ("日期晚于今天，不能记录还没发生的事。", "核对 --date；不写 --date 就是今天。"),
    "before_display": ("践诺日期早于亮诺日期。", "核对 --date；践诺记实不能早于亮诺。"),
    "target_not_reached": ("目标还没完成，不能确认兑现。",
                           "继续记录践诺，达标后再确认；确有特殊情况，由组织部门确认并用 --note 写明依据。"),
    "need_confirmation": ("定性承诺没有数量，确认兑现时要写明依据。", "加上 --note 依据，如 --note 经党员大会确认。"),
    "not_yet_due": ("还没到完成时限，不能确认未兑现。", "到期后再确认；确需提前确认的，由组织部门办理。"),
    "due_not_later": ("延期后的新时限必须晚于现在的时限。", "把 --due 改成更晚的日期。"),
    "need_org_rating": ("评诺需要组织评价等次，这项承诺还没有。", "加上 --grade 等次，如 --grade 优秀。"),
}

_LOOKUP = {
    "unknown_pledge": ("没有这个编号的承诺。", "用 pledges list 查看承诺编号（可加 --org 代码 只看本支部）。"),
    "unknown_org": ("没有这个代码的党组织。", "用 pledges org list 查看代码，注意大小写和连字符。"),
    "unknown_member": ("没有这个编号的党员。", "用 pledges member list --org 代码 查看本支部党员的编号。"),
    "unknown_person": ("没有这个名字的用户。", "用 pledges user list 查看用户姓名。"),
    "unknown_rating": ("没有这个编号的群众评价。", "不带选项运行 pledges board moderate，查看待审核评价的编号。"),
}

_WHO = {
    "no_actor": ("没有说是谁在操作。每次修改都要记下操作人。", "紧跟在 pledges 后面加 --as 您的姓名（如 pledges --as 王芳 submit 12），或先运行 export PLEDGES_USER=您的姓名。"),
    "no_reader": ("这个台账设有用户，查看前要说明您是谁。", "紧跟在 pledges 后面加 --as 您的用户名（如 pledges --as 王芳 list），或先运行 export PLEDGES_USER=您的用户名。"),
    "unknown_actor": ("--as（或 PLEDGES_USER）写的名字不是本台账的用户。", "用 pledges user list 中的名字；还没有的，请管理员添加。"),
    "unknown_reader": ("这个名字不是本台账的用户。", "用 pledges user list 中的名字；还没有的，请管理员添加。"),
    "actor_mismatch": ("用个人登录名连接数据库时，只能以本人身份操作。", "去掉 --as，或用那个人自己的登录名连接。"),
    "not_permitted": ("您的角色不能做这件事，提示中写着谁可以。", "请有权限的人办理，或请管理员给您授予相应角色。"),
    "not_permitted_pledge": ("您没有办理这项承诺的权限，提示中写着谁可以。", "请有权限的人办理（如上级党组织的书记或组织部门）。"),
    "own_pledge": ("党员不能审核或评价自己的承诺。", "请支部书记或组织部门办理。"),
    "outside_scope": ("您只能查看自己负责的党组织及其下级。", "把 --org 换成提示中可查看的组织或其下级的代码。"),
    "pledge_outside_scope": ("这项承诺不在您可以查看的范围内。", "核对编号；需要查看的，请上级党组织办理。"),
    "contact_refused": ("只有本组织或上级组织的书记、组织部门可以修改联系方式。", "请他们办理。"),
    "rate_not_allowed": ("您没有给这项承诺作这种评价的权限。", "请点评组或组织部门办理。"),
}

_SHEET = {
    "import_failed": ("表格中有问题，为了不录入一半，这次什么都没有导入。上面每一行写着文件、工作表、行、列和原因。",
                      "按每一行的原因改正表格后重新导入。加 --errors 文件 时，出错的行会写进那个文件，改好后可直接导入它。"),
    "cell_formula": ("单元格里是公式，但文件里没有保存计算结果。", "在 Excel 或 WPS 中打开后保存一次，或复制后“粘贴为数值”。"),
    "cell_not_code": ("编号或代码一栏里填的不是编号。", "把这一列设为“文本”格式后重新填写。"),
    "cell_id_float": ("身份证号等长编号被表格软件当成了数字，15 位以后的数字已丢失。",
                      "把这一列设为“文本”格式，再重新输入完整的编号（不能只改格式）。"),
    "cell_not_integer": ("这一格应填整数。", "只填数字，如 12，不要写单位或文字。"),
    "cell_no_such_day": ("日期不存在，如 2 月 30 日。", "核对月和日。"),
    "cell_not_date": ("这一格的日期认不出来。", "写成 2026-12-31、2026/12/31、2026.12.31 或 2026年12月31日。"),
    "cell_not_flag": ("这一格只能填“是”或“否”。", "改成“是”或“否”。"),
    "cell_bad_choice": ("这一格的值不在可选范围内。", "改成提示中列出的某一个。"),
    "cell_required": ("这一格必须填写。", "补上内容。"),
    "sheet_example_row": ("表格里还留着模板自带的示例行（党组织 DX-V1、党员 M0001 张三等），那是编造的，不能导入。",
                          "删除这一行（模板每张表的第二行）再导入。"),
    "cell_no_header": ("这一列有内容，但第一行没有列名，不知道是什么。", "补上列名（参照模板 pledges template），或删除这一列。"),
    "sheet_column_twice": ("同一个列名出现了两次。", "删除其中一列。"),
    "sheet_column_missing": ("缺少必填的一列。", "按模板（pledges template 生成）补上这一列。"),
    "sheet_row_twice": ("同一个编号或代码在表中出现了两次。", "合并或删除重复的一行。"),
    "sheet_org_differs": ("这个党组织已在台账中，表中的名称、类型或上级与台账不同。导入不会修改党组织。",
                          "把表中这一行改成与台账一致；确需改名或调整的，请组织部门办理。"),
    "sheet_org_cycle": ("党组织的上级关系绕成了圈（A 的上级是 B，B 的上级又是 A）。", "核对“上级代码”一列。"),
    "sheet_member_differs": ("这名党员已在台账中，表中的姓名或所在组织与台账不同。导入不会修改党员。",
                             "把表中这一行改成与台账一致；党员转移请用 pledges member move。"),
    "sheet_target_and_unit": ("目标值和计量单位要一起填。", "两格都填，如 12 和 户；定性承诺两格都空着。"),
    "sheet_criterion_needed": ("定性承诺要填“完成标准”。", "在完成标准一列写清怎样才算完成。"),
    "sheet_measure_conflict": ("定性承诺不能同时填目标值和计量单位。", "二选一：清空目标值和单位，或把“定性”改为“否”。"),
    "sheet_target_positive": ("目标值必须是大于 0 的整数。", "改成整数；没有数量的承诺请标为定性并填完成标准。"),
    "sheet_too_large": ("目标值太大。", "核对是否多打了几位数字。"),
    "sheet_pledge_twice": ("表中有两行是同一项承诺。", "合并这两行，或把其中一行的承诺事项改得不同。"),
    "sheet_id_taken": ("这个承诺编号不能用。新承诺不需要编号。", "清空这一格，台账会自动编号。"),
    "sheet_id_other_owner": ("这个承诺编号在台账中是另一个组织的另一项承诺。", "核对编号；新承诺请清空编号一格。"),
    "sheet_id_key_conflict": ("台账中已有这项承诺，但编号不同。", "把编号改成提示中的编号，或清空。"),
    "sheet_progress_empty": ("践诺记实一行既没有数量也没有情况说明。", "填上本次完成的数量，或写明做了什么。"),
    "sheet_content_frozen": ("这项承诺已提交或审核，内容不能再通过导入修改。", "需要修改的，先退回（pledges return 编号 --reason 理由）再导入。"),
    "sheet_walk_refused": ("按表中的“状态”推进承诺时，有一步不符合条件。", "按冒号后的原因改正表格或台账后重新导入。"),
    "sheet_missing": ("找不到这个文件。", "核对文件名和所在文件夹；文件名有空格时加引号。"),
    "sheet_format": ("只能导入 .xlsx、.xls 或 .csv 文件。", "在 Excel 或 WPS 中另存为 .xlsx 后再导入。"),
    "sheet_unreadable": ("文件打不开，可能已损坏或正被别的程序占用。", "在 Excel 或 WPS 中打开后另存为 .xlsx 再导入。"),
    "csv_encoding": ("CSV 文件的文字编码认不出来。", "在 Excel 或 WPS 中另存为“CSV UTF-8”，或直接另存为 .xlsx。"),
}

_MOVES = {
    "member_has_open": ("这名党员还有没办结的承诺，不能就这样离开。", "先把这些承诺转移（pledges member move）、撤回或办结。"),
    "member_same_org": ("党员已经在这个党组织了。", "不用再转移。"),
    "org_cycle": ("不能把党组织转到它自己或它的下级之下。", "核对新的上级代码。"),
    "org_same_name": ("党组织已经是这个名称了。", "不用再改名。"),
    "org_same_parent": ("党组织已经在这个上级之下了。", "不用再转移。"),
    "nothing_to_edit": ("没有说要改什么。", "加上 --name 新名称 或 --email 电子邮箱。"),
}

_REMIND = {
    "bad_email": ("电子邮箱格式不对。", "写成 name@example.com 的样子。"),
    "bad_webhook": ("群机器人地址格式不对。", "从钉钉或企业微信复制完整的机器人地址（以 https:// 开头）；加签密钥写在末尾 #secret=SEC…。"),
    "unsafe_webhook": ("机器人地址指向内网或本机，为安全起见不能使用。", "填钉钉或企业微信机器人的公网地址；确需内网机器人的，请管理员设置。"),
    "nothing_to_set": ("没有说要改哪项联系方式。", "加上 --email 或 --webhook 等选项。"),
    "scheduler_running": ("这个数据库已经有一个提醒服务在运行，不能再开第二个。", "不用再启动；要重启，先停掉正在运行的那一个。"),
    "remind_future": ("不能按将来的时间扫描提醒，否则会提前发出。", "去掉 --as-of，或写今天及以前的时间。"),
}

_EVAL = {
    "bad_rater_group": ("评价主体写得不对。", "写 自评、党员评、群众评 或 组织评。"),
    "bad_rating_grade": ("等次写得不对。", "写提示中列出的等次，如 优秀、良好、合格、不合格；群众评写 满意、基本满意、不满意。"),
    "bad_rating_count": ("票数应是正整数。", "写 1 以上的整数。"),
    "rate_state": ("承诺还没有亮诺，不能评价。", "亮诺之后再评价。"),
    "usage_rate": ("评价时没有写全。", "写成 pledges rate 编号 --group 组织评 --grade 优秀，或用 --sheet 评价表.xlsx。"),
    "usage_rate_sheet": ("用评价表导入时，不要再写承诺编号和等次。", "只写 --sheet 评价表.xlsx。"),
    "rating_sheet_none": ("文件中没有找到评价表。", "表头要有 承诺编号、评价主体、等次 三列。"),
    "ratings_problems": ("评价表中有问题，这次什么都没有导入。下面每一行写着位置和原因。", "按原因改正评价表后重新导入。"),
    "bad_weight_group": ("权重中的评价主体写得不对。", "用 组织评、群众评、党员评、自评（或英文名）。"),
    "bad_weight": ("权重的写法不对。", "写成 组织评=0.4,群众评=0.3,党员评=0.2,自评=0.1，数值在 0 到 1 之间。"),
    "weight_twice": ("同一个评价主体的权重写了两次。", "每个评价主体只写一次。"),
    "weights_sum": ("各项权重加起来不等于 1。", "调整数值，使合计为 1。"),
    "campaign_nothing": ("没有说要改什么设置。", "加上 --weights、--lint-refuses 或 --lint-warns。"),
    "survey_no_units": ("没有说要调查哪些单位。", "用 --org 代码 写出单位，可写多次。"),
    "survey_sheet_none": ("文件中没有找到问卷表。", "用 pledges visit survey template 生成的问卷填写，表头要有 单位代码、调查对象。"),
    "survey_imported_before": ("这份问卷已经导入过了。", "不要重复导入；如果是另一份问卷，请核对后改用新文件名。"),
    "survey_problems": ("问卷中有问题，这次什么都没有导入。下面每一行写着位置和原因。", "按原因改正问卷后重新导入。"),
    "sample_n": ("抽取的单位数至少是 1。", "把 --units 改成 1 或更多。"),
    "sample_too_many": ("要抽的单位比实有的基层单位还多。", "减少 --units。"),
    "bad_quota": ("--quota 的写法不对。", "写成 村=3 的样子。"),
    "bad_quota_kind": ("--quota 中的单位类型不对。", "用提示中列出的类型，如 村、社区。"),
    "quota_twice": ("同一类单位的名额写了两次。", "每类只写一次。"),
    "quota_over_n": ("各类名额加起来超过了抽取总数。", "减少名额，或增加 --units。"),
    "quota_over_kind": ("这一类单位没有那么多。", "减少这一类的名额。"),
    "quota_rest_short": ("没有指定名额的类型单位不够，抽不满剩下的数目。", "调整名额或减少 --units。"),
    "report_empty": ("台账中没有党组织，无法生成报告。", "先导入党组织和承诺。"),
    "report_format": ("报告只能存成 .html 或 .xlsx。", "把 --out 的文件名改成以 .html 或 .xlsx 结尾。"),
}

_BOARD = {
    "board_checkpoint_missing": ("找不到检查点文件。", "核对 --checkpoint 后面的文件名，或不写这个选项。"),
    "board_moderate_both": ("同一条评价既要通过又要驳回。", "每条评价只写在 --approve 或 --reject 其中一个后面。"),
    "rating_bad_grade": ("网页上没有选择满意程度。", "选 满意、基本满意 或 不满意 后再提交。"),
    "rating_too_long": ("意见写得太长。", "精简到提示的字数以内。"),
    "rating_not_on_board": ("这项承诺不在公示中，不能评价。", "刷新页面，选择公示中的承诺。"),
    "rating_limit_address": ("同一网络提交得太频繁。", "一小时后再试。"),
    "rating_limit_twice": ("您今天已经评价过这项承诺。", "明天再评价，或评价其他承诺。"),
    "rating_limit_pledge": ("这项承诺收到的评价太多，暂时不收。", "稍后再试。"),
    "rating_not_pending": ("这条群众评价已经审核过了。", "不用再审核。"),
    "rating_no_right": ("您没有审核这条群众评价的权限。", "请该支部的书记或组织部门审核。"),
    "board_csrf": ("评价表单已过期，或不是从本网站提交的。", "刷新页面后重新填写提交。"),
}

_ADMIN = {
    "duplicate_person": ("已有同名的用户。", "同名的人请在名字后加区分，如 王芳（大溪）。"),
    "duplicate_login": ("这个登录名已被别人使用。", "换一个登录名。"),
    "duplicate_person_member": ("这名党员已经是一个用户了。", "不用再添加；用 pledges user list 查看。"),
    "bad_login": ("登录名不符合要求。", "用小写字母、数字和下划线，以字母开头，如 --login wangsj。"),
    "login_sqlite": ("SQLite 台账没有数据库登录名。", "去掉 --login；用户操作时用 --as 姓名。"),
    "login_unavailable": ("这个版本还不能建立数据库登录。", "去掉 --login 添加用户。"),
    "grant_missing": ("这个人在该组织并没有这个角色，无需撤销。", "用 pledges user list 核对。"),
    "last_admin": ("这是最后一位管理员，撤销后就没人能管理用户了。", "先把管理员角色授予另一位用户，再撤销。"),
    "bad_role_name": ("这个名字不能作为 PostgreSQL 角色名。", "用小写字母、数字和下划线。"),
    "secure_needs_postgresql": ("pledges secure 只用于 PostgreSQL 数据库。", "SQLite 台账不需要这一步：管好文件的访问权限即可。"),
}

_DATABASE = {
    "db_url_empty": ("--db 或 PLEDGES_DB 是空的。", "写出台账文件，如 export PLEDGES_DB=ledgers/demo.db；或都不设置，使用当前文件夹的 pledges.db。"),
    "db_unsupported": ("这种数据库不支持。", "用 SQLite 文件路径（如 ledgers/demo.db）或 postgresql://… 地址。"),
    "db_unavailable": ("数据库打不开，冒号后是原因。", "核对文件路径或数据库地址；PostgreSQL 请确认服务在运行、密码正确。仍不行请找管理员。"),
    "db_error": ("数据库出错，这次操作没有写入任何内容。", "稍后再试一次；反复出现请把这一行发给管理员。"),
    "not_initialised": ("这个文件或数据库还不是承诺台账。", "核对 --db / PLEDGES_DB 是否写对；确实要新建台账的，运行 pledges init。"),
    "schema_mismatch": ("台账是新版程序建立的，本程序版本太旧。", "请管理员升级本程序。"),
    "needs_upgrade": ("程序已升级，台账结构还是旧的。", "请管理员运行 pledges upgrade（会先自动备份）。"),
    "ledger_too_new": ("台账是新版程序建立的，本程序版本太旧。", "请管理员升级本程序。"),
    "target_not_empty": ("恢复或复制的目标数据库里已经有数据。", "换一个新的空数据库（或新文件名）。"),
    "backup_needed": ("PostgreSQL 升级前需要一小时内的备份。", "先运行 pledges backup 备份文件，再升级。"),
    "backup_missing": ("找不到备份文件。", "核对文件名和所在文件夹。"),
    "backup_damaged": ("备份文件不完整或不是台账备份。", "换用完整的备份文件。"),
    "backup_edited": ("备份文件被改动或损坏过（校验和不符）。", "换用完整的备份文件。"),
    "copy_same": ("复制的目标就是台账本身。", "--to 写另一个空数据库。"),
    "demo_not_empty": ("演示数据只能载入空台账，这个台账已有数据。", "换一个新文件，如 pledges --db demo.db demo。"),
    "not_utf8": ("输入的文字编码不对（不是 UTF-8）。", "把终端设为 UTF-8 后重新输入，或从 UTF-8 文件中复制。"),
}

_AUDIT = {
    "audit_hash": ("这条记实与它的哈希不符：记实被改动过，或它前面的记实被删除或改动。", "立即报告管理员，用备份和检查点核对。"),
    "audit_gap": ("这条记实前面有几条记实不见了。", "立即报告管理员，用备份核对被删的内容。"),
    "audit_no_hash": ("这条记实不是通过台账程序写入的。", "立即报告管理员。"),
    "audit_backwards": ("记实的时间比前一条还早，不合常理。", "报告管理员核查。"),
    "audit_from_state": ("记实的起始状态与上一条留下的状态接不上。", "报告管理员核查。"),
    "audit_replay": ("承诺现在的数据与按记实推算的不一致，可能被直接改过数据库。", "报告管理员核查。"),
    "audit_no_events": ("这项承诺在记实中没有任何记录。", "报告管理员核查。"),
    "audit_no_pledge": ("记实所记的承诺在台账中不存在。", "报告管理员核查。"),
    "audit_hierarchy": ("党组织的上下级关系与台账记录不符：有人绕过程序直接改了数据库。各级的统计数字可能因此算错。",
                        "立即报告管理员核查，必要时用备份恢复。"),
    "audit_shorter": ("记实比检查点时还少：最新的记实被删除了。", "立即报告管理员。"),
    "audit_rewritten": ("到这条为止的记实与检查点不符：历史被改写了。", "立即报告管理员。"),
    "audit_other_ledger": ("这个检查点是另一个台账的。", "换用本台账的检查点文件。"),
    "audit_not_checkpoint": ("这个文件不是检查点文件。", "核对文件名。"),
    "audit_bad_signature": ("检查点文件的签名不符：文件被改动过。", "换用原始的检查点文件，并报告管理员。"),
    "audit_bad_key": ("密钥文件不是 Ed25519 私钥。", "核对 --key 文件；不写时程序会自动生成。"),
    "audit_checkpoint_refused": ("记实核验没有通过，所以不签发检查点。", "先按冒号后的问题处理（运行 pledges audit verify 查看）。"),
}

_USAGE = {
    "usage_see": ("出错的命令下面总有这一行，告诉您在哪里看用法。", "运行这一行的命令（如 pledges display --help），看怎么写。"),
    "usage_no_option": ("命令没有这个选项，多半是拼错了。", "运行 pledges 命令 --help 查看可用的选项。"),
    "usage_did_you_mean": ("命令没有这个选项，括号中是相近的写法。", "改用括号中的选项。"),
    "usage_missing": ("少写了必需的内容，如承诺编号。", "按提示补上；不清楚时运行 --help。"),
    "usage_bad_value": ("某个选项的值不对，冒号后是原因。", "按原因改正。"),
    "usage_choice": ("这个值不在可选范围内。", "改用列出的某一个。"),
    "usage_integer": ("这里要填整数。", "只写数字，如 12。"),
    "usage_number": ("这里要填数字。", "只写数字，如 0.4。"),
    "usage_range": ("数字超出了允许的范围。", "改成范围内的数。"),
    "usage_needs_value": ("这个选项后面要跟一个值。", "在选项后写上值，如 --org WL-DX。"),
    "usage_takes_no_value": ("这个选项后面不跟值。", "去掉选项后面的值。"),
    "usage_no_command": ("没有这个命令，多半是拼错了。", "运行 pledges --help 查看全部命令。"),
    "usage_missing_command": ("只写了命令组，没写具体命令。", "运行提示中的 --help 查看这一组有哪些命令。"),
    "usage_extra": ("命令后面多了内容。", "去掉多余的部分；含空格的文字要加引号，如 --title \"为老党员 送学上门\"。"),
    "choice_unknown": ("这个值不在可选范围内。", "改用列出的某一个，中文名称和英文名都可以。"),
    "bad_choice": ("这个值不在可选范围内。", "改用列出的某一个。"),
    "bad_date": ("日期的写法不对。", "写成 2026-12-31。"),
    "bad_datetime": ("时间的写法不对。", "写成 2026-06-15 或 2026-06-15T08:00。"),
    "bad_depth": ("--depth 不能是负数。", "写 0 或更大的整数。"),
    "usage_bom_format": ("--bom 只在导出 CSV 时用。", "同时写 --format csv，或去掉 --bom。"),
    "usage_watch_format": ("--watch 只能用于表格。", "去掉 --format json/csv，或去掉 --watch。"),
}

_NOTES = {
    "lint_warning": ("新建或提交的承诺有质量问题（如用词空泛、没有目标），程序照常办理了，只是提醒。",
                     "按“建议”用 pledges edit 修改；本年度若设为“不通过就拒绝”，这样的承诺会被拒绝。"),
    "outside_campaign": ("操作的日期不在承诺所属年度的活动期内，程序照常记录了。", "如果是补录往年的记录，用 --date 写明当时的日期。"),
    "as_of_no_campaign": ("所查日期所在的年度没有活动，所以统计数字是空的。", "用 --campaign 年度 指定提示中列出的年度。"),
    "as_of_before_campaign": ("所查日期早于年度活动的开始日期，所以统计数字是空的。", "换一个活动期内的日期。"),
    "columns_dropped": ("终端窗口太窄，有几列没有显示。", "把窗口拉宽，或用 --format csv 导出后在 Excel/WPS 中查看。"),
    "rows_limited": ("用了 --limit，只显示了前几行。", "去掉 --limit 查看全部。"),
    "import_ignored_sheets": ("工作簿中有程序不认识的工作表，已跳过，其余照常导入。", "如果那个工作表应该导入，把它改成模板中的名称（党组织、党员、承诺事项、践诺记实）。"),
    "import_ignored_columns": ("表中有程序不认识的列，已跳过。", "如果那一列应该导入，把列名改成模板中的写法。"),
    "remind_claimed_elsewhere": ("另一次发送正在处理这些提醒，这次不重复发送。", "不用处理；那次发送若中断，到时会自动接手。"),
    "lang_unsupported": ("--lang 或 PLEDGES_LANG 写了不支持的语言，程序改用中文。", "去掉它，或写 zh（中文）、en（英文）。"),
}

GROUPS = [
    Group("entry", "录入承诺", "新建、修改承诺时可能遇到的提示（pledges add、edit、amend）。", _ENTRY),
    Group("lifecycle", "提交、审核和亮诺", "承诺一步步往前走：草拟 → 待审核 → 已审核 → 已亮诺。"
          "每一步都有条件，不符合时会提示。", _LIFECYCLE),
    Group("progress", "践诺、兑现和延期", "记录践诺（pledges progress）、确认兑现或未兑现、延期、评诺时可能遇到的提示。", _PROGRESS),
    Group("lookup", "找不到编号或代码", "命令中的编号、代码、名字在台账中找不到。", _LOOKUP),
    Group("who", "操作人和权限", "台账设有用户时，每个人只能办理自己职责内的事。", _WHO),
    Group("sheet", "表格导入", "导入表格（pledges import）时，程序先检查每一格，有任何问题就全部不导入，"
          "并逐条列出：文件、工作表、第几行、哪一列（列名），然后是原因。改好后重新导入即可，已导入的不会重复。", _SHEET),
    Group("moves", "党员转移和党组织调整", "转移党员、调整或更名党组织时可能遇到的提示。", _MOVES),
    Group("remind", "提醒和联系方式", "设置接收提醒的邮箱、群机器人，运行提醒服务时可能遇到的提示。", _REMIND),
    Group("evaluation", "评价和现场点评", "评价、评价权重、问卷和抽查时可能遇到的提示。", _EVAL),
    Group("board", "公示网站", "公示网站和群众评价的提示，有些是群众在网页上看到的。", _BOARD),
    Group("admin", "用户和授权", "管理员添加用户、授予角色时可能遇到的提示。", _ADMIN),
    Group("database", "数据库、升级和备份", "台账文件或数据库本身的问题。多数需要管理员处理。", _DATABASE),
    Group("audit", "记实核验", "pledges audit verify 检查记实是否被改动。出现这些提示说明台账可能被绕过程序改动过。", _AUDIT),
    Group("notes", "注意和提醒（不是错误）", "下面这些提示不以“错误：”开头：程序照常办理了，只是请您注意。", _NOTES),
    Group("usage", "命令写错了", "命令本身写得不对时，会显示两行：第一行是错误，第二行告诉您在哪里看用法。这时什么都没有执行。", _USAGE),
]


def advice() -> dict[str, Advice]:
    """Every entry by its message key."""
    found: dict[str, Advice] = {}
    for group in GROUPS:
        for key, (meaning, todo) in group.entries.items():
            assert key not in found, f"{key} is advised twice"
            found[key] = Advice(group.anchor, meaning, todo)
    return found
