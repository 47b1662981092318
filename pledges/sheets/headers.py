"""The columns of each kind of sheet: the ledger's name for each (its JSON code name), the
Chinese header the template and the export write, and the other headers people use for it.

A header matches after full-width forms are narrowed, spaces and a trailing ``*`` (required)
are dropped, and a note in brackets is cut off: ``完成时限（年-月-日）*`` reads as ``完成时限``."""

import re
import unicodedata
from dataclasses import dataclass

ORGS, MEMBERS, PLEDGES, PROGRESS = "orgs", "members", "pledges", "progress"
KINDS = (ORGS, MEMBERS, PLEDGES, PROGRESS)  # the order an import writes them in


@dataclass(frozen=True)
class Col:
    field: str
    zh: str
    en: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    shown: bool = True  # written by the template
    read: bool = True  # False: the export writes it, the import skips it (state, progress…)
    text: bool = False  # an ID or code column: formatted as text in the template


def C(field, zh, en, *synonyms, **kw) -> Col:
    return Col(field, zh, en, synonyms, **kw)


COLUMNS: dict[str, tuple[Col, ...]] = {
    ORGS: (
        C("code", "党组织代码", "Code", "代码", "组织代码", "单位代码", "org", "org_code", required=True, text=True),
        C("name", "党组织名称", "Name", "名称", "组织名称", "单位名称", "org_name", required=True),
        C("kind", "单位类型", "Kind", "类型", "组织类型"),
        C("parent", "上级党组织代码", "Parent", "上级代码", "上级", "上级组织代码", text=True),
        C("secretary", "书记", "Secretary", "支部书记"),
        C("email", "电子邮箱", "E-mail", "邮箱", "mail"),
    ),
    MEMBERS: (
        C("number", "党员编号", "Number", "编号", "身份证号", "身份证号码", "证件号码", "member", required=True,
          text=True),
        C("name", "姓名", "Name", "党员姓名", "member_name", required=True),
        C("org", "党组织代码", "Organisation", "所在党组织代码", "组织代码", "单位代码", "org_code", required=True,
          text=True),
        C("email", "电子邮箱", "E-mail", "邮箱", "mail"),
        C("org_name", "党组织名称", "Organisation name", "所在党组织", read=False),
    ),
    PLEDGES: (
        C("id", "承诺编号", "ID", "台账编号", "pledge_id", text=True),
        C("org", "党组织代码", "Organisation", "组织代码", "单位代码", "org_code", required=True, text=True),
        C("org_name", "党组织名称", "Organisation name", "党组织", "组织名称", "单位名称", read=False),
        C("member", "党员编号", "Member", "身份证号", "身份证号码", "member_number", text=True),
        C("member_name", "党员姓名", "Member name", "姓名", "党员", read=False),
        C("title", "承诺事项", "Pledge", "承诺内容", "事项名称", "承诺名称", "承诺事项名称", "事项", required=True),
        C("content", "具体内容", "Content", "内容", "详细内容", "具体措施"),
        C("category", "类别", "Category", "分类", "承诺类别", "承诺类型"),
        C("target", "目标值", "Target", "目标", "数量", "目标数量", "目标数"),
        C("unit", "计量单位", "Unit", "单位", "量词"),
        C("qualitative", "定性承诺", "Qualitative", "定性", "是否定性"),
        C("criterion", "完成标准", "Completion criterion", "标准", "验收标准"),
        C("due", "完成时限", "Due", "截止日期", "完成时间", "时限", "截止时间", "完成期限", required=True),
        C("campaign", "活动年度", "Campaign", "年度", "year"),
        # Where the pledge stands: written by the export, read by ``import --states`` only
        # (as text: an import without it never refuses a sheet for its own words here).
        C("state", "状态", "State", shown=False),
        C("outcome", "结果", "Outcome", shown=False),
        C("approved_on", "审核通过日期", "Approved on", "批准日期", shown=False),
        C("display_channel", "亮诺方式", "Display channel", "公示方式", shown=False),
        C("displayed_on", "亮诺日期", "Displayed on", "公示日期", shown=False),
        C("finished_on", "办结日期", "Finished on", "兑现日期", shown=False),
        C("original_due", "原定时限", "Original due", read=False),
        C("done", "已完成", "Done", "完成数量", read=False),
        C("progress", "进度", "Progress", "完成进度", read=False),
        C("days_late", "逾期天数", "Days late", read=False),
        C("grade", "评诺等次", "Grade", "等次", shown=False),
        C("last_progress", "最近记实", "Last progress", read=False),
    ),
    PROGRESS: (
        C("pledge", "承诺编号", "Pledge", "台账编号", "id", "pledge_id", required=True, text=True),
        C("day", "记实日期", "Date", "日期", "完成日期", "day", "on", required=True),
        C("amount", "本次完成数量", "Amount", "数量", "完成数量", "本次完成"),
        C("note", "情况说明", "Note", "说明", "备注", "记实内容"),
        C("evidence", "佐证材料", "Evidence", "佐证", "证明材料"),
        C("title", "承诺事项", "Pledge title", "事项名称", read=False),
    ),
}

REASON = ("错误原因", "Problem")  # the column the errors workbook adds; skipped on import
SHEET_NAMES = {ORGS: ("党组织", "Organisations"), MEMBERS: ("党员", "Members"),
               PLEDGES: ("承诺事项", "Pledges"), PROGRESS: ("践诺记实", "Progress")}
# Words in a sheet's (or CSV file's) name that say which kind it is.
NAME_WORDS = {PROGRESS: ("践诺", "记实", "进度", "progress"), PLEDGES: ("承诺", "pledge"),
              MEMBERS: ("党员", "member"), ORGS: ("党组织", "组织", "单位", "org")}


def key(header) -> str:
    """A header as compared: narrowed, lower case, no spaces, no ``*``, no note in brackets."""
    found = unicodedata.normalize("NFKC", str(header or "")).lower()
    found = re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", found)
    return re.sub(r"[\s*:：]", "", found)


def _names(col: Col) -> set[str]:
    return {key(name) for name in (col.field, col.zh, col.en, *col.synonyms)}


_LOOKUP: dict[str, dict[str, Col]] = {kind: {name: col for col in reversed(cols) for name in _names(col)}
                                      for kind, cols in COLUMNS.items()}
_REASON_KEYS = {key(name) for name in REASON}


def column(kind: str, header) -> Col | None:
    return _LOOKUP[kind].get(key(header))


def is_reason(header) -> bool:
    return key(header) in _REASON_KEYS


def kind_by_name(name: str) -> str | None:
    lowered = name.lower()
    for kind, words in NAME_WORDS.items():
        if any(word in lowered for word in words):
            return kind
    return None


def kind_by_headers(headers: list) -> str | None:
    """The kind whose required columns are all among ``headers``, most specific first."""
    for kind in (PROGRESS, PLEDGES, MEMBERS, ORGS):
        found = {c.field for h in headers if (c := column(kind, h)) is not None}
        needed = {c.field for c in COLUMNS[kind] if c.required}
        if needed <= found and not (kind == PROGRESS and any(_is_due(h) for h in headers)):
            return kind
    return None


def _is_due(header) -> bool:
    col = column(PLEDGES, header)
    return col is not None and col.field == "due"


def matches(headers: list) -> int:
    """How many cells of a row are headers of some kind: the header row is the best one."""
    return sum(1 for h in headers if h not in (None, "") and any(column(k, h) for k in KINDS))


def header_text(col: Col, lang: str) -> str:
    return col.en if lang == "en" else col.zh
