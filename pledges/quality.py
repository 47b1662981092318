"""Pledge quality (docs/evaluation.md "checkable" 可评比): the lint rules as one table, the checkable
predicate, and the lint of a scope.

Each rule is one row of ``RULES``: a code, a message and a suggestion in Chinese and English,
whether a finding makes the pledge not checkable, and its check, a function of one pledge's
text (``PledgeText``) and the facts around it (``Context``: the campaign's last day, the other
pledges of the same owner with the same title).  ``pledges lint``, the figures and the visit
report read these rows and ``checkable`` only.

A pledge is **checkable** when it has a numeric target above 0 and a unit, or is qualitative
with a completion criterion that is more than vague words, and it has a due date.  The
**checkable rate** of a scope is checkable / declared (declared: not draft or withdrawn).

The lint of a scope runs in two passes: SQL selects the candidates (a pledge with no numeric
target, a qualitative one, a due date on the campaign's last day, a title out of length, or a
title its owner used twice), and Python runs the rules on those alone.  A pledge that is no
candidate breaks no rule (``could_break`` is the same condition in Python; the tests hold the
two to each other and to running every rule on every pledge).
"""

import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from sqlalchemy import String, and_, case, cast, func, not_, or_, select
from sqlmodel import Session

from pledges.campaigns import campaign_if_any, current_year
from pledges.db import Ledger
from pledges.figures import _shown_orgs
from pledges.models import Campaign, Member, Organisation, OrgClosure, Pledge
from pledges.scope import roots, within
from pledges.vocab import NOT_DECLARED, State

# Words that promise effort, not a result (the seed: "亮诺内容比较原则，量化、可评比的内容不够普遍").
VAGUE_WORDS = ("积极", "进一步", "努力", "加强", "大力", "切实", "不断", "全力", "认真", "尽力", "尽量", "力争",
               "争取", "着力", "扎实", "全面", "深入", "持续", "经常", "多次", "若干", "适时", "尽快")
# Words that say nothing about what will be done: a criterion of these and vague words is empty.
FILLER_WORDS = ("做好", "搞好", "抓好", "干好", "完成", "落实", "推进", "提高", "提升", "工作", "服务", "水平",
                "质量", "效果", "到位", "各项", "相关", "有关", "任务", "目标", "要求", "情况", "进行", "开展",
                "好", "的", "地", "得", "和", "与", "及", "并", "等")
# Counters after a Chinese numeral that make it a quantity ("走访十二户"; "进一步" is not one).
MEASURES = ("小时", "公里", "户", "次", "人", "名", "个", "场", "件", "项", "期", "篇", "天", "元", "家", "所",
            "条", "米", "棵", "株", "盏", "起", "处", "批", "位", "本", "份", "台", "套", "座", "堂", "课", "年", "月")
MIN_CRITERION_CHARS = 6  # what a criterion must still hold once vague and filler words are gone
TITLE_LENGTH = (4, 50)  # the shortest and longest title that reads well on a notice board
ABSURD_TARGET = {"member": 10_000, "organisation": 1_000_000}  # above this, a target is likely a typo
ID_BATCH = 5_000  # ids per IN (…) when fetching pledges by id

_VAGUE = re.compile("|".join(sorted(VAGUE_WORDS, key=len, reverse=True)))
_EMPTY = re.compile("|".join(sorted(VAGUE_WORDS + FILLER_WORDS, key=len, reverse=True)))
_NUMBER = re.compile(r"[0-9０-９]|[零一二两三四五六七八九十百千万]+(?:" + "|".join(MEASURES) + ")")
_NOT_TEXT = re.compile(r"[\W_]+")


class PledgeText(NamedTuple):
    """What the rules read of a pledge: its content, due date and owner type.  Anything with
    these attributes will do (the lint hands the rules its ``Candidate`` rows)."""

    id: int | None
    title: str
    target: int | None = None
    unit: str | None = None
    qualitative: bool = False
    criterion: str | None = None
    due: date | None = None
    member: bool = False  # a member's pledge (organisation pledges have a higher target limit)


@dataclass(frozen=True)
class Context:
    """What a rule may need beyond the pledge itself."""

    campaign_ends: date | None = None
    same_title: Mapping[int, tuple[int, ...]] = field(default_factory=dict)  # id → the owner's others


def has_number(text: str | None) -> bool:
    """Digits (half or full width), or a Chinese numeral followed by a counter ("十二户")."""
    return bool(text) and _NUMBER.search(text) is not None


def vague_words(text: str | None) -> list[str]:
    """The vague words in ``text``, each once, in order of appearance."""
    return list(dict.fromkeys(_VAGUE.findall(text or "")))


def concrete(criterion: str | None) -> bool:
    """A criterion that is more than vague words: it holds a number, or something of at least
    ``MIN_CRITERION_CHARS`` characters once vague words, filler words and punctuation are gone."""
    if not criterion:
        return False
    if has_number(criterion):
        return True
    return len(_NOT_TEXT.sub("", _EMPTY.sub("", criterion))) >= MIN_CRITERION_CHARS


def numeric(p: PledgeText) -> bool:
    """A numeric target above 0, with a unit."""
    return not p.qualitative and p.target is not None and p.target > 0 and bool((p.unit or "").strip())


def checkable(p: PledgeText) -> bool:
    """可评比 (docs/evaluation.md): a numeric target and unit, or a qualitative criterion that is more than
    vague words; and a due date."""
    return p.due is not None and (numeric(p) or (p.qualitative and concrete(p.criterion)))


def _title_length(p: PledgeText) -> int:
    return len(p.title.strip())


def _limit(p: PledgeText) -> int:
    return ABSURD_TARGET["member" if p.member else "organisation"]


# --- the checks: parameters for the message when the rule is broken, else None ---


def _vague(p: PledgeText, _: Context) -> dict | None:
    if (p.target or 0) > 0:
        return None
    found = vague_words(p.title)
    carries_number = has_number(p.title) or has_number(p.criterion)
    return {"words": "、".join(found)} if found and not carries_number else None


def _no_measure(p: PledgeText, _: Context) -> dict | None:
    return {} if not p.qualitative and (p.target is None or not (p.unit or "").strip()) else None


def _vague_criterion(p: PledgeText, _: Context) -> dict | None:
    return {"criterion": p.criterion or ""} if p.qualitative and not concrete(p.criterion) else None


def _no_due(p: PledgeText, _: Context) -> dict | None:
    return {} if p.due is None else None


def _due_at_end(p: PledgeText, ctx: Context) -> dict | None:
    return {"due": p.due.isoformat()} if p.due is not None and p.due == ctx.campaign_ends else None


def _duplicate(p: PledgeText, ctx: Context) -> dict | None:
    others = ctx.same_title.get(p.id, ())
    return {"others": ", ".join(str(i) for i in others)} if others else None


def _too_short(p: PledgeText, _: Context) -> dict | None:
    n = _title_length(p)
    return {"length": n, "min": TITLE_LENGTH[0]} if n < TITLE_LENGTH[0] else None


def _too_long(p: PledgeText, _: Context) -> dict | None:
    n = _title_length(p)
    return {"length": n, "max": TITLE_LENGTH[1]} if n > TITLE_LENGTH[1] else None


def _zero_target(p: PledgeText, _: Context) -> dict | None:
    return {"target": p.target} if not p.qualitative and p.target is not None and p.target <= 0 else None


def _absurd_target(p: PledgeText, _: Context) -> dict | None:
    return {"target": p.target, "limit": _limit(p)} if (p.target or 0) > _limit(p) else None


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    message: tuple[str, str]  # (zh, en) templates over the check's parameters
    suggestion: tuple[str, str]
    blocks: bool  # a finding makes the pledge not checkable
    check: Callable[[PledgeText, Context], dict | None]


RULES: tuple[Rule, ...] = (
    Rule("L001", "vague_words",
         ("标题用了「{words}」等空泛用语，却没有数量", "the title says \"{words}\" but gives no number"),
         ("写明做什么、做多少，如：走访困难群众 12 户", "say what and how much, e.g. 走访困难群众 12 户 (visit 12 households)"),
         False, _vague),
    Rule("L002", "no_measure",
         ("没有数量目标和单位", "no numeric target and unit"),
         ("写明数量和单位，如：走访困难群众 12 户；确实无法量化的，改为定性承诺并写明完成标准",
          "give a target and unit, e.g. --target 12 --unit 户; if it cannot be counted, make it qualitative with "
          "a completion criterion"),
         True, _no_measure),
    Rule("L003", "vague_criterion",
         ("定性承诺的完成标准只有空泛用语：「{criterion}」", "the completion criterion is only vague words: \"{criterion}\""),
         ("写明看得见、查得到的标准，如：全年无安全生产责任事故；通过镇党委验收",
          "give a criterion one can check, e.g. 全年无安全生产责任事故 (no accident all year)"),
         True, _vague_criterion),
    Rule("L004", "no_due",
         ("没有完成时限", "no due date"),
         ("写明完成日期，如：2026-06-30 前完成", "give a due date, e.g. 2026-06-30"),
         True, _no_due),
    Rule("L005", "due_at_campaign_end",
         ("完成时限是活动最后一天（{due}），像是默认时限", "the due date is the campaign's last day ({due}): it looks like a default"),
         ("按实际安排写明完成日期，如：2026-06-30 前完成；分阶段的写明各阶段时限",
          "give the day it will really be done, e.g. 2026-06-30, or one per stage"),
         False, _due_at_end),
    Rule("L006", "duplicate_title",
         ("与同一承诺主体的承诺 {others} 标题相同", "same title as pledge {others} of the same owner"),
         ("合并重复的承诺，或在标题中写明区别，如：走访困难群众（上半年）12 户",
          "merge the duplicates, or say what differs, e.g. 走访困难群众（上半年）12 户"),
         False, _duplicate),
    Rule("L007", "title_too_short",
         ("标题只有 {length} 个字（至少 {min} 个）", "the title has {length} characters (at least {min})"),
         ("写明做什么、为谁做，如：走访困难群众", "say what is done and for whom, e.g. 走访困难群众"),
         False, _too_short),
    Rule("L008", "title_too_long",
         ("标题有 {length} 个字（最多 {max} 个）", "the title has {length} characters (at most {max})"),
         ("标题写成一句话，细节写在内容（--content）里", "keep the title to one line and put the details in --content"),
         False, _too_long),
    Rule("L009", "zero_target",
         ("目标数量是 {target}", "the target is {target}"),
         ("目标应大于 0，如：走访困难群众 12 户", "the target must be above 0, e.g. 12"),
         True, _zero_target),
    Rule("L010", "absurd_target",
         ("目标数量 {target} 超过 {limit}，请核实", "the target {target} is above {limit}: check it"),
         ("核对数量和单位，如：把「元」改为「万元」", "check the number and the unit (元 or 万元?)"),
         False, _absurd_target),
)
RULES_BY_CODE = {rule.code: rule for rule in RULES}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


class Finding(NamedTuple):
    """One rule broken by one pledge."""

    id: int | None
    org: str | None
    member: str | None
    title: str
    rule: str
    params: dict

    def message(self, lang: str = "zh") -> str:
        return _pick(RULES_BY_CODE[self.rule].message, lang).format(**self.params)

    def suggestion(self, lang: str = "zh") -> str:
        return _pick(RULES_BY_CODE[self.rule].suggestion, lang)

    def as_dict(self, lang: str = "zh") -> dict:
        return {"id": self.id, "org": self.org, "member": self.member, "title": self.title, "rule": self.rule,
                "message": self.message(lang), "suggestion": self.suggestion(lang)}


_CHECKS = tuple((rule.code, rule.check) for rule in RULES)


def findings_of(p: PledgeText, ctx: Context = Context(), *, org: str | None = None,
                member: str | None = None) -> list[Finding]:
    """Every rule ``p`` breaks, in rule order."""
    return [Finding(p.id, org, member, p.title, code, params)
            for code, check in _CHECKS if (params := check(p, ctx)) is not None]


def same_titles(owned: list[tuple[object, int, str]]) -> dict[int, tuple[int, ...]]:
    """For (owner, id, title) triples: each id → the other ids of its owner with the same title
    (spaces ignored).  The in-memory twin of the same-title groups of ``_candidates``."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for owner, pledge_id, title in owned:
        groups[(owner, _same_title_key(title))].append(pledge_id)
    return {i: tuple(j for j in sorted(ids) if j != i) for ids in groups.values() if len(ids) > 1 for i in ids}


def _same_title_key(title: str) -> str:
    return title.replace(" ", "").replace("\u3000", "")


def could_break(p: PledgeText, ctx: Context) -> bool:
    """The SQL candidate condition of ``_candidates``, in Python: false means no rule fires."""
    n = _title_length(p)
    return (p.target is None or p.target <= 0 or p.target > _limit(p) or not (p.unit or "").strip()
            or p.qualitative or p.due is None or p.due == ctx.campaign_ends
            or not TITLE_LENGTH[0] <= n <= TITLE_LENGTH[1] or p.id in ctx.same_title)


# --- the lint of a scope ----------------------------------------------------------------------


@dataclass
class UnitQuality:
    """One organisation's quality over its whole subtree (declared pledges only, like the figures;
    ``findings`` counts the findings on every pledge that is not withdrawn, drafts included)."""

    code: str
    name: str
    kind: str
    parent: str | None
    depth: int
    declared: int = 0
    checkable: int = 0
    findings: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)

    @property
    def checkable_rate(self) -> float | None:
        return self.checkable / self.declared if self.declared else None

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "kind": self.kind, "parent": self.parent, "depth": self.depth,
                "declared": self.declared, "checkable": self.checkable, "checkable_rate": self.checkable_rate,
                "findings": self.findings, "by_rule": dict(self.by_rule)}


@dataclass
class LintReport:
    campaign: int
    scope: list[str]
    units: list[UnitQuality]
    findings: list[Finding]

    def as_dict(self, lang: str = "zh") -> dict:
        return {"campaign": self.campaign, "scope": self.scope, "units": [u.as_dict() for u in self.units],
                "findings": [f.as_dict(lang) for f in self.findings]}


def lint(ledger: Ledger, *, org: str | None = None, campaign: int | None = None, depth: int = 1,
         reader: str | None = None) -> LintReport:
    """Every finding on the pledges of ``org``'s subtree (default: the whole ledger) in one
    campaign, and the checkable rate of ``org`` and each organisation down to ``depth`` levels
    below it, each rolled up over its subtree."""
    with ledger.session() as session:
        tops = roots(session, reader, org)
        shown_ids, shown = _shown_orgs(session, tops, depth)
        period = campaign_if_any(session, ledger, campaign)
        year = period.year if period else campaign or current_year(ledger)
        units = {r[0]: UnitQuality(code=r[2], name=r[3], kind=r[4], parent=r[5], depth=r[6]) for r in shown}
        if period is None:
            return LintReport(year, [u.code for u in units.values() if u.depth == 0], list(units.values()), [])
        scope = within(Pledge.org_id, tops)
        declared = _declared_per_org(session, period, scope)
        candidates, same_title = _candidates(session, period, scope)
        below = _descendants(session, shown_ids)
    ctx = Context(campaign_ends=period.ends, same_title=same_title)
    findings, blocked, per_org_rules = [], defaultdict(int), defaultdict(lambda: defaultdict(int))
    # The rules read a pledge's content only (and its id, for duplicated titles): pledges with the
    # same content (copied pledges, templates) are checked once.  Halves the city's lint.
    decided: dict[tuple, tuple[list[tuple[str, dict]], bool]] = {}
    for c in candidates:
        if c.id in same_title:
            broken = [(f.rule, f.params) for f in findings_of(c, ctx)]
            ok = checkable(c)
        else:
            content = c[1:8]
            known = decided.get(content)
            if known is None:
                known = decided[content] = ([(f.rule, f.params) for f in findings_of(c, ctx)], checkable(c))
            broken, ok = known
        if broken:
            org_rules = per_org_rules[c.org_id]
            for rule, params in broken:
                findings.append(Finding(c.id, c.org, c.member_number, c.title, rule, params))
                org_rules[rule] += 1
        if c.declared and not ok:
            blocked[c.org_id] += 1
    for unit_id, unit in units.items():
        _roll_up(unit, below.get(unit_id, ()), declared, blocked, per_org_rules)
    findings.sort(key=lambda f: (f.org, f.id, f.rule))
    return LintReport(period.year, [u.code for u in units.values() if u.depth == 0], list(units.values()), findings)


def _roll_up(unit: UnitQuality, descendants, declared, blocked, per_org_rules) -> None:
    by_rule: dict[str, int] = defaultdict(int)
    for org_id in descendants:
        unit.declared += declared.get(org_id, 0)
        unit.checkable += declared.get(org_id, 0) - blocked.get(org_id, 0)
        for code, n in per_org_rules.get(org_id, {}).items():
            by_rule[code] += n
    unit.by_rule = {code: by_rule[code] for code in sorted(by_rule)}
    unit.findings = sum(by_rule.values())


def _declared_per_org(session: Session, period: Campaign, scope) -> dict[int, int]:
    query = (select(Pledge.org_id, func.count())
             .where(Pledge.campaign_id == period.id, Pledge.state.not_in(list(NOT_DECLARED)), *scope)
             .group_by(Pledge.org_id))
    return dict(session.execute(query).all())


def _descendants(session: Session, shown_ids) -> dict[int, list[int]]:
    below: dict[int, list[int]] = defaultdict(list)
    query = select(OrgClosure.ancestor_id, OrgClosure.descendant_id).where(OrgClosure.ancestor_id.in_(shown_ids))
    for ancestor, descendant in session.execute(query):
        below[ancestor].append(descendant)
    return below


def _title_key(column):
    return func.replace(func.replace(column, " ", ""), "\u3000", "")


def _owner():
    """Who a title must be unique for: the member of a member pledge, the organisation of an
    organisation pledge (member 0 and organisation 0 stand for "not this kind of owner")."""
    return (func.coalesce(Pledge.member_id, 0), case((Pledge.member_id.is_(None), Pledge.org_id), else_=0))


class Candidate(NamedTuple):
    """A pledge the lint looks at: PledgeText's attributes first (the rules read those), then its
    owner.  Made from a database row by position (attribute access on a SQLAlchemy row costs
    the rules three times as much)."""

    id: int
    title: str
    target: int | None
    unit: str | None
    qualitative: bool
    criterion: str | None
    due: date | None
    member: bool
    org_id: int
    org: str
    member_number: str | None
    declared: bool


def _rows(where):
    """The candidates' columns, in the order of Candidate's fields."""
    return (select(Pledge.id, Pledge.title, Pledge.target, Pledge.unit, Pledge.qualitative, Pledge.criterion,
                   Pledge.due, Pledge.member_id.is_not(None).label("member"), Pledge.org_id,
                   Organisation.code.label("org"), Member.number.label("member_number"),
                   Pledge.state.not_in(list(NOT_DECLARED)).label("declared"))
            .join(Organisation, Organisation.id == Pledge.org_id)
            .outerjoin(Member, Member.id == Pledge.member_id)
            .where(*where))


def _same_title(session: Session, live) -> dict[int, tuple[int, ...]]:
    """The pledges sharing their owner and title (spaces ignored) with another, none withdrawn:
    one GROUP BY that names each group's pledges (joining the groups back to the pledges made
    SQLite loop for seconds)."""
    member, owner_org = _owner()
    key = _title_key(Pledge.title)
    query = (select(func.aggregate_strings(cast(Pledge.id, String), ","))
             .where(*live).group_by(member, owner_org, key).having(func.count() > 1))
    same: dict[int, tuple[int, ...]] = {}
    for (ids,) in session.connection().execute(query):
        group = sorted(int(i) for i in ids.split(","))
        same.update({i: tuple(j for j in group if j != i) for i in group})
    return same


def _candidates(session: Session, period: Campaign, scope) -> tuple[list[Candidate], dict[int, tuple[int, ...]]]:
    """The pledges that could break a rule (``could_break``), and the same-title groups."""
    live = [Pledge.campaign_id == period.id, Pledge.state != State.withdrawn, *scope]
    same_title = _same_title(session, live)
    length = func.length(Pledge.title)
    limit = case((Pledge.member_id.is_(None), ABSURD_TARGET["organisation"]), else_=ABSURD_TARGET["member"])
    could = or_(Pledge.target.is_(None), Pledge.target <= 0, Pledge.target > limit, Pledge.unit.is_(None),
                func.trim(Pledge.unit) == "", Pledge.qualitative.is_(True), Pledge.due == period.ends,
                length < TITLE_LENGTH[0], length > TITLE_LENGTH[1])
    connection = session.connection()  # Core rows: the ORM's row loading cost as much as the rules
    rows = {r[0]: Candidate(*r) for r in connection.execute(_rows([*live, could]))}
    rest = sorted(set(same_title) - set(rows))
    for start in range(0, len(rest), ID_BATCH):
        rows.update((r[0], Candidate(*r)) for r in connection.execute(_rows([Pledge.id.in_(rest[start:start + ID_BATCH])])))
    return list(rows.values()), same_title


# --- the checkable count per organisation (the figures, the lint, the visit report) -----------------


def numeric_sql():
    """``numeric`` as SQL: a numeric target above 0, with a unit."""
    return and_(Pledge.qualitative.is_(False), Pledge.target.is_not(None), Pledge.target > 0,
                Pledge.unit.is_not(None), func.trim(Pledge.unit) != "")


def not_checkable_per_org(session: Session, period: Campaign, scope=()) -> dict[int, int]:
    """Declared pledges that are not checkable, per organisation (their own pledges).  SQL finds
    the declared pledges without a numeric target, grouped by their criterion; ``concrete`` (a
    Python rule: it reads words) decides each distinct criterion once.  A pledge stored in the
    ledger always has a due date."""
    query = (select(Pledge.org_id, Pledge.qualitative, Pledge.criterion, func.count())
             .where(Pledge.campaign_id == period.id, Pledge.state.not_in(list(NOT_DECLARED)), not_(numeric_sql()),
                    *scope)
             .group_by(Pledge.org_id, Pledge.qualitative, Pledge.criterion))
    blocked: dict[int, int] = defaultdict(int)
    decided: dict[str | None, bool] = {}
    for org_id, qualitative, criterion, n in session.execute(query):
        if criterion not in decided:
            decided[criterion] = concrete(criterion)
        if not (qualitative and decided[criterion]):
            blocked[org_id] += n
    return dict(blocked)


def declared_per_org(session: Session, period: Campaign, scope=()) -> dict[int, int]:
    return _declared_per_org(session, period, scope)


# --- one pledge, at add and submit ----------------------------------------------------------------


def refuses(code: str) -> bool:
    """The findings a campaign with ``lint_refuses`` refuses at ``add`` and ``submit``: those that
    make a pledge not checkable, and vague words with no number (L001).  The others (a default
    due date, a duplicated title, a title's length, a large target) stay warnings."""
    return RULES_BY_CODE[code].blocks or code == "L001"


def pledge_findings(session: Session, pledge: Pledge, period: Campaign | None = None) -> list[Finding]:
    """Every rule one pledge breaks, its owner's other pledges with the same title included."""
    period = period or session.get(Campaign, pledge.campaign_id)
    owner = (Pledge.member_id == pledge.member_id) if pledge.member_id is not None else and_(
        Pledge.member_id.is_(None), Pledge.org_id == pledge.org_id)
    key = _same_title_key(pledge.title)
    rows = session.execute(select(Pledge.id, Pledge.title).where(
        Pledge.campaign_id == period.id, Pledge.state != State.withdrawn, Pledge.id != pledge.id, owner)).all()
    others = tuple(sorted(i for i, title in rows if _same_title_key(title) == key))
    ctx = Context(campaign_ends=period.ends, same_title={pledge.id: others} if others else {})
    text = PledgeText(pledge.id, pledge.title, pledge.target, pledge.unit, pledge.qualitative, pledge.criterion,
                      pledge.due, pledge.member_id is not None)
    org = session.get(Organisation, pledge.org_id)
    member = session.get(Member, pledge.member_id) if pledge.member_id is not None else None
    return findings_of(text, ctx, org=org.code, member=member.number if member else None)


def enforce(session: Session, pledge: Pledge, period: Campaign | None = None, new: bool = False) -> list[Finding]:
    """The pledge's findings; when its campaign refuses them (``lint_refuses``), the first
    refusing one is raised (``Refused``: nothing is written).  ``new``: a pledge being added
    (the message names its title, not the id it would have had)."""
    from pledges.errors import TransitionRefused

    period = period or session.get(Campaign, pledge.campaign_id)
    found = pledge_findings(session, pledge, period)
    if period.lint_refuses:
        for finding in found:
            if refuses(finding.rule):
                raise TransitionRefused("lint_refused_add" if new else "lint_refused", id=pledge.id, title=pledge.title,
                                        code=finding.rule, message=LintText(finding),
                                        suggestion=LintText(finding, suggestion=True))
    return found


class LintText:
    """A finding's message or suggestion inside another message, in that message's language."""

    def __init__(self, finding: Finding, suggestion: bool = False):
        self.finding, self.suggestion = finding, suggestion

    def message(self, lang: str = "zh") -> str:
        return self.finding.suggestion(lang) if self.suggestion else self.finding.message(lang)


def findings_of_pledges(ledger: Ledger, pledge_ids) -> list[Finding]:
    """The findings of the given pledges, for the warnings ``add`` and ``submit`` print."""
    from pledges.entries import pledge_by_id

    found = []
    with ledger.session() as session:
        for pledge_id in pledge_ids:
            found.extend(pledge_findings(session, pledge_by_id(session, pledge_id)))
    return found
