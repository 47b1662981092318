"""The visit's questionnaire (问卷调查, docs/evaluation.md "The questionnaire"): a workbook to fill
in for the units visited, its import, and the survey rates.

The seed's group handed out 200 questionnaires, 100 to members (党员) and 100 to the public
(群众).  Each answer sheet row is one respondent's answers about one unit: do they know the
unit's pledges (知晓: 是/否), how satisfied are they (满意/基本满意/不满意), and what they suggest.
Per respondent group, **awareness** 知晓率 = yes / answers to that question and **satisfaction**
满意率 = (满意 + 基本满意) / answers to that question, each with a 95 % Wilson score interval
(``pledges.workflows.visit.wilson``).

The import follows ``pledges import``: every problem of every row is listed with its sheet,
row and column, and nothing is written if there is any.  A row with neither answer filled in
(a template row nobody used) is skipped.  A file is imported once: a second import of a file of
the same name for the same campaign is refused."""

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import case, func, select
from sqlmodel import Session

from pledges import audit
from pledges.campaigns import campaign_for
from pledges.db import Ledger
from pledges.errors import BadInput
from pledges.i18n import LABELS
from pledges.models import Campaign, Organisation, SurveyAnswer
from pledges.orgs import Check, org_by_code
from pledges.scope import roots, within
from pledges.scores import POSITIVE
from pledges.sheets import cells
from pledges.sheets.headers import C
from pledges.sheets.problems import Problem
from pledges.textsafe import neutralise_cell
from pledges.sheets.simple import read_rows
from pledges.vocab import PublicGrade
from pledges.workflows.visit import wilson

GROUPS = {"members": ("党员", "members"), "public": ("群众", "public")}  # respondent groups
GROUP_WORDS = {word.lower(): code for code, pair in GROUPS.items() for word in (code, *pair, pair[0] + "评")}
SATISFACTION_WORDS = {word.lower(): code for code, pair in LABELS[PublicGrade].items() for word in (code, *pair)}
SHEET = "问卷"
QUESTIONS = {"aware": "您是否知道本单位（党组织）作出的承诺事项？", "satisfaction": "您对本单位践行承诺的情况是否满意？"}

COLUMNS = (
    C("org", "单位代码", "Unit code", "党组织代码", "代码", "code", required=True, text=True),
    C("org_name", "单位名称", "Unit", "党组织名称", read=False),
    C("group", "调查对象", "Respondents", "对象", "身份", "group", required=True),
    C("respondent", "答卷编号", "Respondent", "问卷编号", "编号"),
    C("aware", "是否知晓承诺", "Knows the pledges", "知晓", "是否知晓", "知晓承诺", "aware"),
    C("satisfaction", "满意度", "Satisfaction", "满意程度", "是否满意", "satisfaction"),
    C("suggestion", "意见建议", "Suggestions", "意见", "建议", "suggestion"),
)


def _choice(words: dict[str, str], shown: str):
    """A choice cell whose refusal names the Chinese choices."""
    def read(value):
        try:
            return cells.choice(value, words)
        except cells.CellProblem as err:
            raise cells.CellProblem(err.key, value=err.params["value"], choices=shown) from None
    return read


READERS = {"org": cells.code, "group": _choice(GROUP_WORDS, "党员、群众"), "respondent": cells.integer,
           "aware": cells.flag, "satisfaction": _choice(SATISFACTION_WORDS, "满意、基本满意、不满意")}


# --- the template ------------------------------------------------------------------------------------

def write_template(ledger: Ledger, codes: list[str], path: Path, respondents: int = 10) -> int:
    """A workbook with ``respondents`` numbered rows per unit and respondent group; returns the
    number of rows.  Choices are offered as drop-down lists."""
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    if not codes:
        raise BadInput("survey_no_units")
    with ledger.session() as session:
        units = [org_by_code(session, code) for code in dict.fromkeys(codes)]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET
    headers = [col.zh + ("*" if col.required else "") for col in COLUMNS]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    rows = 0
    for unit in units:
        for group in GROUPS.values():
            for number in range(1, respondents + 1):
                sheet.append([neutralise_cell(unit.code), neutralise_cell(unit.name), group[0], number, None, None,
                              None])
                rows += 1
    last = rows + 1
    for column, choices in (("C", "党员,群众"), ("E", "是,否"), ("F", "满意,基本满意,不满意")):
        check = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        check.add(f"{column}2:{column}{last}")
        sheet.add_data_validation(check)
    for column, width in zip("ABCDEFG", (16, 24, 10, 10, 14, 14, 40)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    guide = book.create_sheet("填表说明")
    for line in (
        "每行是一位受访者对一个单位的回答：单位代码、调查对象（党员/群众）已填好，请填写后三列。",
        f"是否知晓承诺：{QUESTIONS['aware']} 填 是 或 否。",
        f"满意度：{QUESTIONS['satisfaction']} 填 满意、基本满意 或 不满意。",
        "意见建议：受访者的原话，可不填。",
        "两个问题都没有填写的行视为未使用，导入时跳过；可以增加行（复制一行后修改答卷编号）。",
        "导入：pledges visit survey import 本文件。要么全部导入，要么一行也不写入：所有问题会一次列出。",
    ):
        guide.append([line])
    guide.column_dimensions["A"].width = 100
    for row in guide.iter_rows():
        row[0].alignment = Alignment(wrap_text=True)
    book.save(path)
    return rows


# --- the import --------------------------------------------------------------------------------------

@dataclass
class SurveyImport:
    files: list[str]
    dry_run: bool
    written: bool = False
    answers: int = 0
    skipped: int = 0
    by_group: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self, lang: str = "zh") -> dict:
        return {"files": self.files, "dry_run": self.dry_run, "written": self.written, "answers": self.answers,
                "skipped": self.skipped, "by_group": dict(self.by_group),
                "problems": [p.as_dict(lang) for p in self.problems]}


def import_answers(ledger: Ledger, paths: list[Path], *, actor: str, campaign: int | None = None,
                   dry_run: bool = False, check: Check | None = None) -> SurveyImport:
    """The answers of every questionnaire sheet of ``paths``, all or nothing.  ``check`` is asked
    of each unit the answers are about (``survey_import`` in workflows/authority.py)."""
    result = SurveyImport([str(p) for p in paths], dry_run)
    rows, sheets = read_rows(paths, COLUMNS, READERS, result.problems)
    if not sheets:
        raise BadInput("survey_sheet_none", files="、".join(Path(p).name for p in paths))
    with ledger.session() as session:
        period = campaign_for(session, ledger, campaign, actor)  # created with defaults on first use, as by add
        sources = sorted({Path(p).name for p in paths})
        seen = session.scalars(select(SurveyAnswer.source).where(SurveyAnswer.campaign_id == period.id,
                                                                  SurveyAnswer.source.in_(sources)).limit(1)).first()
        if seen is not None:
            raise BadInput("survey_imported_before", file=seen, year=period.year)
        codes = {code: org_id for code, org_id in session.execute(select(Organisation.code, Organisation.id))}
        now = ledger.now()
        new = []
        for row in rows:
            values = row.values
            if values.get("aware") is None and values.get("satisfaction") is None:
                result.skipped += 1
                continue
            org_id = codes.get(values["org"])
            if org_id is None:
                result.problems.append(row.problem("unknown_org", "org", code=values["org"]))
                continue
            new.append({"campaign_id": period.id, "org_id": org_id, "respondent_group": values["group"],
                        "aware": values.get("aware"), "satisfaction": values.get("satisfaction"),
                        "suggestion": values.get("suggestion"), "source": Path(row.source).name, "row": row.row,
                        "actor": actor, "imported_at": now})
        result.problems.sort(key=lambda p: (p.source, p.sheet, p.row or 0, p.column or ""))
        if check is not None:
            for org_id in sorted({answer["org_id"] for answer in new}):
                check(session, org_id)
        if result.problems or dry_run:
            session.rollback()
            result.answers = len(new)
            _tally(result, new)
            return result
        if new:
            session.execute(SurveyAnswer.__table__.insert(), new)
        audit.append(session, at=now, effective_on=ledger.today(period.timezone), actor=actor, entity="campaign",
                     entity_id=period.id, trigger="survey_import",
                     detail={"files": sources, "answers": len(new)})
        result.written = True
    result.answers = len(new)
    _tally(result, new)
    return result


def _tally(result: SurveyImport, rows: list[dict]) -> None:
    for row in rows:
        result.by_group[row["respondent_group"]] = result.by_group.get(row["respondent_group"], 0) + 1


# --- the rates ---------------------------------------------------------------------------------------

@dataclass
class Rate:
    """A proportion with its 95 % Wilson interval."""

    yes: int
    answers: int

    @property
    def rate(self) -> float | None:
        return self.yes / self.answers if self.answers else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.yes, self.answers)

    def as_dict(self) -> dict:
        interval = self.interval
        return {"yes": self.yes, "answers": self.answers, "rate": self.rate,
                "low": interval[0] if interval else None, "high": interval[1] if interval else None}


@dataclass
class GroupRates:
    group: str
    respondents: int
    awareness: Rate
    satisfaction: Rate

    def as_dict(self) -> dict:
        return {"group": self.group, "respondents": self.respondents, "awareness": self.awareness.as_dict(),
                "satisfaction": self.satisfaction.as_dict()}


@dataclass
class SurveyResults:
    campaign: int
    scope: str | None
    groups: list[GroupRates]
    units: list[dict]  # per unit and group: code, name, group, respondents, aware_yes, aware_n, positive, satisfaction_n
    suggestions: list[dict]

    def as_dict(self) -> dict:
        return {"campaign": self.campaign, "scope": self.scope, "groups": [g.as_dict() for g in self.groups],
                "units": self.units, "suggestions": self.suggestions}


def _counts(key):
    positive = [g.value for g in POSITIVE]
    return (key, func.count(),
            func.sum(case((SurveyAnswer.aware.is_(True), 1), else_=0)),
            func.sum(case((SurveyAnswer.aware.is_not(None), 1), else_=0)),
            func.sum(case((SurveyAnswer.satisfaction.in_(positive), 1), else_=0)),
            func.sum(case((SurveyAnswer.satisfaction.is_not(None), 1), else_=0)))


def results(ledger: Ledger, *, org: str | None = None, campaign: int | None = None,
            reader: str | None = None) -> SurveyResults:
    """The survey rates of the answers about units in ``org``'s subtree (default: all that
    ``reader`` may read; an ``org`` outside it is refused, pledges/scope.py)."""
    with ledger.session() as session:
        period = campaign_for(session, ledger, campaign)
        return results_in(session, period, org, reader)


def results_in(session: Session, period: Campaign, org: str | None, reader: str | None = None) -> SurveyResults:
    where = [SurveyAnswer.campaign_id == period.id, *within(SurveyAnswer.org_id, roots(session, reader, org))]
    found = {group: (0, 0, 0, 0, 0) for group in GROUPS}
    for group, n, aware_yes, aware_n, positive, sat_n in session.execute(
            select(*_counts(SurveyAnswer.respondent_group)).where(*where).group_by(SurveyAnswer.respondent_group)):
        found[group] = tuple(int(x or 0) for x in (n, aware_yes, aware_n, positive, sat_n))
    groups = [GroupRates(group, n, Rate(ay, an), Rate(p, sn)) for group, (n, ay, an, p, sn) in found.items()]
    units = []
    query = (select(Organisation.code, Organisation.name, *_counts(SurveyAnswer.respondent_group))
             .join(Organisation, Organisation.id == SurveyAnswer.org_id).where(*where)
             .group_by(Organisation.code, Organisation.name, SurveyAnswer.respondent_group)
             .order_by(Organisation.code, SurveyAnswer.respondent_group))
    for code, name, group, n, ay, an, p, sn in session.execute(query):
        units.append({"code": code, "name": name, "group": group, "respondents": int(n), "aware_yes": int(ay or 0),
                      "aware_answers": int(an or 0), "positive": int(p or 0), "satisfaction_answers": int(sn or 0)})
    suggestions = [{"code": code, "group": group, "text": text} for code, group, text in session.execute(
        select(Organisation.code, SurveyAnswer.respondent_group, SurveyAnswer.suggestion)
        .join(Organisation, Organisation.id == SurveyAnswer.org_id)
        .where(*where, SurveyAnswer.suggestion.is_not(None)).order_by(Organisation.code, SurveyAnswer.id))]
    return SurveyResults(period.year, org, groups, units, suggestions)


def per_unit(results_: SurveyResults) -> dict[str, dict[str, dict]]:
    """code → group → that unit's counts."""
    table: dict[str, dict[str, dict]] = defaultdict(dict)
    for row in results_.units:
        table[row["code"]][row["group"]] = row
    return dict(table)
