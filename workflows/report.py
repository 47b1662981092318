"""The visit report (现场点评报告, docs/evaluation.md "The visit report"): what an evaluation group hands
over, as one HTML page (printable on A4) or a workbook.

It gathers, for each chosen organisation (the scope): its figures (``pledges.figures``: declared,
display, completion, on-time, overdue, evaluation coverage, checkable rate, score, satisfaction)
and those of each unit one level below it; the lagging units (``figures.mark_lagging``) and the
leading ones (the highest completion rates above the level's rate) with the reason; completion by
unit kind (``pledges.breakdown``); the units drawn for the visit (``visit.sample``), one by one,
with their pledges, what is overdue or vague (``pledges.quality``) and their scores; the
questionnaire's rates with their Wilson intervals (``workflows.survey``); and an appendix that
says, for every number, the definition and the plain SQL that recounts it, with the as-of day,
the campaign and where the ledger stood (its last audit event, and an audit checkpoint if the
ledger holds one)."""

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select, text

from pledges import i18n, scores
from pledges.breakdown import breakdown
from pledges.campaigns import campaign_for
from pledges.db import Ledger, shown_url
from pledges.errors import BadInput
from pledges.figures import LAGGING_SHARE, dashboard
from pledges.models import AuditEvent, Organisation, Pledge
from pledges.quality import lint
from pledges.queries import list_pledges
from pledges.scope import EVERYTHING, roots
from pledges.vocab import (ACTIVE, APPROVED_OR_LATER, DISPLAYED_OR_LATER, FINISHED, NOT_DECLARED, Grade, Kind,
                           Outcome, RaterGroup, State)
from pledges.workflows import survey
from pledges.workflows.visit import sample

PLEDGES_SHOWN = 25  # per sampled unit: every overdue or vague pledge, and the others up to this many
SUGGESTIONS_SHOWN = 30

# The figures of the report, with their definitions (docs/figures.md, docs/evaluation.md).
DEFINITIONS = [
    ("declared", "已承诺", "pledges not in draft or withdrawn"),
    ("display_rate", "亮诺率", "displayed-or-later / approved-or-later"),
    ("completion_rate", "践诺率", "(fulfilled and due) / due; due = declared with due date ≤ the as-of day"),
    ("on_time_rate", "按期率", "(fulfilled on or before the original due date, and due) / due"),
    ("overdue", "逾期", "due date < the as-of day and state approved, displayed or in progress"),
    ("evaluation_coverage", "评诺率", "evaluated / finished (fulfilled, unfulfilled, evaluated)"),
    ("checkable_rate", "可评比率", "checkable / declared: a numeric target and unit, or a qualitative criterion "
                                "that is more than vague words, and a due date"),
    ("score", "得分", "mean of the pledge scores; a pledge's score is Σ w·(group mean points) / Σ w over the rater "
                    "groups that rated it (优秀 100, 良好 85, 合格 70, 不合格 40; 满意 100, 基本满意 70, 不满意 30), "
                    "frozen when it is evaluated"),
    ("satisfaction", "满意率", "(满意 + 基本满意) / all public ratings (recorded or approved)"),
    ("awareness", "知晓率（问卷）", "answers 'knows the unit's pledges' = yes / answers to that question, with a 95 % "
                              "Wilson score interval"),
    ("survey_satisfaction", "满意率（问卷）", "(满意 + 基本满意) / answers to that question, with a 95 % Wilson interval"),
]


def _sql_list(values) -> str:
    return ", ".join(f"'{value}'" for value in sorted(values))


# The plain SQL an auditor can run to recount the scope's counts (SQLite and PostgreSQL alike),
# its state sets spelt from pledges.vocab, as the figures read them (docs/figures.md).
RECOUNT_SQL = f"""WITH RECURSIVE sub(id) AS (
  SELECT id FROM organisation WHERE code = :scope
  UNION ALL SELECT o.id FROM organisation o JOIN sub ON o.parent_id = sub.id)
SELECT
  COUNT(CASE WHEN p.state NOT IN ({_sql_list(NOT_DECLARED)}) THEN 1 END) AS declared,
  COUNT(CASE WHEN p.state IN ({_sql_list(DISPLAYED_OR_LATER)}) THEN 1 END)
    AS displayed_or_later,
  COUNT(CASE WHEN p.state IN ({_sql_list(APPROVED_OR_LATER)}) THEN 1 END)
    AS approved_or_later,
  COUNT(CASE WHEN p.state NOT IN ({_sql_list(NOT_DECLARED)}) AND p.due <= :as_of THEN 1 END) AS due,
  COUNT(CASE WHEN p.outcome = '{Outcome.fulfilled.value}' AND p.due <= :as_of THEN 1 END) AS fulfilled_due,
  COUNT(CASE WHEN p.outcome = '{Outcome.fulfilled.value}' AND p.due <= :as_of AND p.finished_on <= p.original_due THEN 1 END)
    AS on_time,
  COUNT(CASE WHEN p.state IN ({_sql_list(ACTIVE)}) AND p.due < :as_of THEN 1 END) AS overdue,
  COUNT(CASE WHEN p.state IN ({_sql_list(FINISHED)}) THEN 1 END) AS finished,
  COUNT(CASE WHEN p.state = '{State.evaluated.value}' THEN 1 END) AS evaluated
FROM pledge p JOIN campaign c ON c.id = p.campaign_id
WHERE c.year = :campaign AND p.org_id IN (SELECT id FROM sub);
-- as of an earlier day, each pledge's state, due date and outcome are those of its last audit_event
-- (entity = 'pledge') before the end of that day: to_state, due_after, outcome_after."""

# Spelt from pledges.scores (the points, which ratings count, what 满意率 counts), so the appendix
# cannot drift from the figures; tests/cli/test_cli_report.py runs both against the code's answers.
SCORE_SQL = f"""-- each rater group's mean points per pledge; the pledge score weighs them by the campaign's weights
SELECT r.pledge_id, r.rater_group,
       SUM(CASE r.grade {" ".join(f"WHEN '{grade}' THEN {value}" for grade, value in scores.POINTS.items())} END
           * r.count) * 1.0 / SUM(r.count) AS mean_points
FROM rating r WHERE r.status IN ({_sql_list(scores.COUNTING_STATUSES)}) AND r.count > 0
GROUP BY r.pledge_id, r.rater_group;
-- evaluated pledges: their frozen score and grade are in pledge_score"""

SURVEY_SQL = f"""SELECT respondent_group,
       SUM(CASE WHEN aware THEN 1 ELSE 0 END) AS aware_yes, COUNT(aware) AS aware_answers,
       SUM(CASE WHEN satisfaction IN ({_sql_list(scores.POSITIVE)}) THEN 1 ELSE 0 END) AS satisfied,
       COUNT(satisfaction) AS satisfaction_answers
FROM survey_answer WHERE campaign_id = (SELECT id FROM campaign WHERE year = :campaign)
GROUP BY respondent_group"""


@dataclass
class UnitReport:
    code: str
    name: str
    kind: str
    figures: dict
    pledges: list[dict]
    more: int  # pledges not listed
    survey: dict  # group → counts


@dataclass
class ScopeReport:
    code: str
    name: str
    totals: dict
    units: list[dict]
    lagging: list[dict]
    leading: list[dict]
    by_kind: list[dict]
    sampled: list[UnitReport]
    survey: dict


@dataclass
class VisitReport:
    campaign: int
    as_of: date
    generated_at: datetime
    ledger: str
    seed: str | None
    units_per_scope: int | None
    checkpoint: dict
    scopes: list[ScopeReport] = field(default_factory=list)
    weights: dict = field(default_factory=dict)

    @property
    def definitions(self):
        return DEFINITIONS

    @property
    def sql(self) -> dict:
        return {"recount": RECOUNT_SQL, "score": SCORE_SQL, "survey": SURVEY_SQL}


def _leading(rows) -> list[dict]:
    """The highest completion rates above their level's rate (the top tenth, at least one)."""
    peers = [row for row in rows if row.depth == 1]
    due = sum(row.due for row in peers)
    level = sum(row.fulfilled_due for row in peers) / due if due else None
    if level is None:
        return []
    take = max(1, round(len(peers) * LAGGING_SHARE))
    best = sorted((row for row in peers if row.completion_rate is not None and row.completion_rate > level),
                  key=lambda row: (-row.completion_rate, row.overdue, row.code))
    return [{"code": row.code, "name": row.name, "kind": row.kind, "completion_rate": row.completion_rate,
             "level": level, "overdue": row.overdue, "score": row.score} for row in best[:take]]


def _lagging(rows) -> list[dict]:
    peers = [row for row in rows if row.depth == 1]
    due = sum(row.due for row in peers)
    level = sum(row.fulfilled_due for row in peers) / due if due else None
    return [{"code": row.code, "name": row.name, "kind": row.kind, "reasons": list(row.lagging),
             "completion_rate": row.completion_rate, "level": level, "overdue": row.overdue, "score": row.score}
            for row in peers if row.lagging]


def _checkpoint(ledger: Ledger) -> dict:
    """Where the ledger stood: its last audit event, and any audit checkpoint it records."""
    with ledger.session() as session:
        last = session.execute(select(AuditEvent.id, AuditEvent.at).order_by(AuditEvent.id.desc()).limit(1)).first()
        marks = session.execute(text("SELECT key, value FROM meta WHERE key LIKE '%checkpoint%' ORDER BY key")).all()
    return {"last_event": last.id if last else None, "last_event_at": last.at if last else None,
            "checkpoints": [(key, value) for key, value in marks]}


def _unit(ledger: Ledger, code: str, name: str, kind: str, as_of: date, year: int, survey_units: dict,
          reader: str | None = None) -> UnitReport:
    board = dashboard(ledger, org=code, depth=0, as_of=as_of, campaign=year, evaluation=True, reader=reader)
    findings: dict[int, list[str]] = {}
    for finding in lint(ledger, org=code, campaign=year, depth=0, reader=reader).findings:
        findings.setdefault(finding.id, []).append(f"{finding.rule} {finding.message()}")
    views = [view for view in list_pledges(ledger, org=code, as_of=as_of, campaign=year, reader=reader)
             if view.state not in (State.draft, State.withdrawn)]
    ids = [view.id for view in views]
    scored: dict[int, tuple[float, str]] = {}
    if ids:
        with ledger.session() as session:
            period = campaign_for(session, ledger, year)
            s = scores.pledge_scores(period, [Pledge.id.in_(ids)])
            scored = {row.pledge_id: (row.score, row.grade) for row in session.execute(select(s))}
    rows = []
    for view in views:
        score = scored.get(view.id)
        rows.append({"id": view.id, "owner": view.member_name or view.org_name, "title": view.title,
                     "state": i18n.label_of(State, view.state), "due": view.due, "overdue": view.days_late,
                     "measure": (f"{view.done}/{view.target} {view.unit or ''}" if view.target and not view.qualitative
                                 else (view.criterion or "")),
                     "findings": findings.get(view.id, []),
                     "score": score[0] if score else None,
                     "grade": i18n.label_of(Grade, score[1]) if score else ""})
    flagged = [row for row in rows if row["overdue"] or row["findings"]]
    others = [row for row in rows if not (row["overdue"] or row["findings"])]
    shown = flagged + others[:max(0, PLEDGES_SHOWN - len(flagged))]
    shown.sort(key=lambda row: row["id"])
    return UnitReport(code, name, i18n.label_of(Kind, kind), board.totals.as_dict(), shown, len(rows) - len(shown),
                      survey_units.get(code, {}))


def build_report(ledger: Ledger, orgs: list[str] | None = None, *, campaign: int | None = None,
                 as_of: date | None = None, seed: str | None = None, units: int = 10,
                 quotas: tuple[str, ...] = (), reader: str | None = None) -> VisitReport:
    """Everything the report shows, for each of ``orgs`` (default: the top organisations, or the
    tops of what ``reader`` may read; an org outside that is refused, pledges/scope.py).
    With a ``seed``, ``units`` basic units are drawn under each (``visit sample``'s rule)."""
    with ledger.session() as session:
        period = campaign_for(session, ledger, campaign)
        day = as_of or ledger.today(period.timezone)
        if orgs:
            for code in orgs:
                roots(session, reader, code)  # unknown, or outside the reader's scope: refused
            tops = list(dict.fromkeys(orgs))
        else:
            readable = roots(session, reader)
            top = Organisation.parent_id.is_(None) if readable is EVERYTHING else Organisation.id.in_(readable)
            tops = list(session.scalars(select(Organisation.code).where(top).order_by(Organisation.code)))
        weights = scores.weights_of(period)
    if not tops:
        raise BadInput("report_empty")
    drawn = sample(ledger, tops, units, seed, quotas, reader=reader) if seed else None
    report = VisitReport(period.year, day, ledger.now(), shown_url(ledger.url), seed, units if seed else None,
                         _checkpoint(ledger), weights=weights)
    for index, code in enumerate(tops):
        board = dashboard(ledger, org=code, depth=1, as_of=day, campaign=period.year, evaluation=True, reader=reader)
        kinds = breakdown(ledger, "kind", org=code, as_of=day, campaign=period.year, reader=reader)
        found = survey.results(ledger, org=code, campaign=period.year, reader=reader)
        survey_units = survey.per_unit(found)
        sampled = []
        if drawn is not None:
            for kind in drawn.orgs[index].kinds:
                for unit in kind.drawn:
                    sampled.append(_unit(ledger, unit.code, unit.name, kind.kind, day, period.year, survey_units, reader))
        top = board.totals
        report.scopes.append(ScopeReport(
            code=top.code, name=top.name, totals=top.as_dict(),
            units=[row.as_dict() for row in board.rows if row.depth == 1],
            lagging=_lagging(board.rows), leading=_leading(board.rows),
            by_kind=[{"kind": i18n.label_of(Kind, row.key), "declared": row.declared, "due": row.due,
                      "completion_rate": row.completion_rate} for row in kinds.rows],
            sampled=sampled, survey=found.as_dict()))
    return report


# --- rendering ----------------------------------------------------------------------------------------

def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _number(value, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


# Why a unit is lagging, by the dashboard's reason codes (docs/figures.md "Lagging units"); the
# report named "overdue", which is no reason code, so an overdue-rate unit's reason was blank.
LAGGING_REASONS = {"completion_rate": "践诺率低于同级平均", "overdue_rate": "逾期率高于同级"}


def render_html(report: VisitReport) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("pledges.workflows", "templates"),
                      autoescape=select_autoescape(["html", "j2"], default=True), trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = _percent
    env.filters["num"] = _number
    return env.get_template("visit_report.html.j2").render(
        report=report, groups=survey.GROUPS, rater_groups={g.value: i18n.label_of(RaterGroup, g.value) for g in RaterGroup},
        reasons=LAGGING_REASONS)


def write_report(report: VisitReport, path: Path) -> None:
    path = Path(path)
    if path.suffix.lower() == ".html":
        path.write_text(render_html(report), encoding="utf-8")
    elif path.suffix.lower() == ".xlsx":
        _write_xlsx(report, path)
    else:
        raise BadInput("report_format", path=path)


def _write_xlsx(report: VisitReport, path: Path) -> None:
    import openpyxl
    from openpyxl.styles import Font

    from pledges.textsafe import neutralise_cell

    def sheet(title, header, rows):
        ws = book.create_sheet(title)
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([neutralise_cell(v) if isinstance(v, str) else v for v in row])
        return ws

    book = openpyxl.Workbook()
    book.remove(book.active)
    figure_names = ("declared", "display_rate", "due", "completion_rate", "on_time_rate", "overdue",
                    "evaluation_coverage", "checkable_rate", "score", "satisfaction")
    header = ["范围", "代码", "单位", "类型", *[i18n.word(n if n != "due" else "due_count") if n != "score" else "得分"
                                         for n in figure_names], "关注"]
    rows = []
    for scope in report.scopes:
        for unit in [scope.totals, *scope.units]:
            rows.append([scope.name, unit["code"], unit["name"], i18n.label_of(Kind, unit["kind"]),
                         *[unit[n] for n in figure_names],
                         "、".join(LAGGING_REASONS[code] for code in unit.get("lagging", []))])
    sheet("概况", header, rows)
    rows = [[scope.name, unit.code, unit.name, unit.kind, p["id"], p["owner"], p["title"], p["state"], p["due"],
             p["overdue"], p["measure"], "；".join(p["findings"]), p["score"], p["grade"]]
            for scope in report.scopes for unit in scope.sampled for p in unit.pledges]
    sheet("抽查单位", ["范围", "代码", "单位", "类型", "承诺编号", "承诺主体", "承诺事项", "状态", "完成时限", "逾期天数",
                   "完成情况", "质量问题", "得分", "等次"], rows)
    rows = []
    for scope in report.scopes:
        for group in scope.survey["groups"]:
            for what in ("awareness", "satisfaction"):
                rate = group[what]
                rows.append([scope.name, survey.GROUPS[group["group"]][0], "知晓率" if what == "awareness" else "满意率",
                             rate["yes"], rate["answers"], rate["rate"], rate["low"], rate["high"]])
    sheet("问卷", ["范围", "调查对象", "指标", "是", "答卷", "比率", "95%下限", "95%上限"], rows)
    appendix = sheet("附录", ["项目", "内容"], [
        ["活动年度", report.campaign], ["截至", report.as_of.isoformat()], ["台账", report.ledger],
        ["最后一条记实", f"#{report.checkpoint['last_event']} {report.checkpoint['last_event_at']}"],
        *[[f"审计检查点 {k}", v] for k, v in report.checkpoint["checkpoints"]],
        *[[f"{zh}（{name}）", definition] for name, zh, definition in DEFINITIONS],
        ["复核 SQL", RECOUNT_SQL], ["得分 SQL", SCORE_SQL], ["问卷 SQL", SURVEY_SQL]])
    appendix.column_dimensions["B"].width = 120
    book.save(path)
