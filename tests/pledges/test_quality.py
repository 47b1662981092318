"""The pledge quality rules (可评比) one by one, the checkable predicate, and the lint of a scope
held to an independent recount (a recursive walk of parent_id and every rule run on every pledge)."""

import random
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text, update

from pledges.entries import create_pledge
from pledges.errors import BadInput, UnknownOrganisation
from pledges.members import add_member
from pledges.models import Pledge
from pledges.quality import (RULES, RULES_BY_CODE, Context, PledgeText, checkable, could_break, findings_of, lint,
                             same_titles)
from pledges.workflows.engine import run
from support import ACTOR

ENDS = date(2026, 12, 31)
CTX = Context(campaign_ends=ENDS)
GOOD = PledgeText(1, "走访困难群众 12 户", 12, "户", False, None, date(2026, 6, 30))
GOOD_QUALITATIVE = PledgeText(2, "落实三会一课制度", None, None, True, "按期召开，记录完整", date(2026, 6, 30))


def codes(p: PledgeText, ctx: Context = CTX) -> list[str]:
    return [finding.rule for finding in findings_of(p, ctx)]


# A minimal pledge breaking each rule: (code, pledge, context).
BROKEN = [
    ("L001", GOOD._replace(title="积极参加志愿服务", target=None, unit=None), CTX),
    ("L001", GOOD_QUALITATIVE._replace(title="进一步加强组织建设", criterion="支部书记带头，党员全员参与"), CTX),
    ("L002", GOOD._replace(title="参加志愿服务", target=None, unit=None), CTX),
    ("L002", GOOD._replace(unit="  "), CTX),
    ("L003", GOOD_QUALITATIVE._replace(criterion="认真做好各项工作"), CTX),
    ("L003", GOOD_QUALITATIVE._replace(criterion=None), CTX),
    ("L003", GOOD_QUALITATIVE._replace(criterion="切实提高服务质量，全力落实到位"), CTX),
    ("L004", GOOD._replace(due=None), CTX),
    ("L005", GOOD._replace(due=ENDS), CTX),
    ("L006", GOOD, Context(campaign_ends=ENDS, same_title={1: (7,)})),
    ("L007", GOOD._replace(title="服务"), CTX),
    ("L008", GOOD._replace(title="走访" * 26), CTX),
    ("L009", GOOD._replace(target=0), CTX),
    ("L009", GOOD._replace(target=-3), CTX),
    ("L010", GOOD._replace(target=10_001, member=True), CTX),
    ("L010", GOOD._replace(target=1_000_001), CTX),
]

# Near misses: each looks like a broken rule but is not.
NOT_BROKEN = [
    ("L001", GOOD._replace(title="积极参加志愿服务 24 小时", target=None, unit=None)),  # a number in the title
    ("L001", GOOD._replace(title="积极走访困难群众十二户", target=None, unit=None)),  # a Chinese numeral and counter
    ("L001", GOOD._replace(title="积极参加志愿服务")),  # a numeric target
    ("L001", GOOD_QUALITATIVE._replace(title="积极参加组织生活", criterion="每月参加 1 次，全年无缺席")),
    ("L002", GOOD_QUALITATIVE),
    ("L003", GOOD_QUALITATIVE._replace(criterion="全年无安全生产责任事故")),
    ("L003", GOOD_QUALITATIVE._replace(criterion="认真完成 4 次季度公开")),  # vague words, and a number
    ("L005", GOOD._replace(due=date(2026, 12, 30))),
    ("L007", GOOD._replace(title="走访群众")),
    ("L008", GOOD._replace(title="走" * 50)),
    ("L010", GOOD._replace(target=10_001)),  # an organisation's pledge may be that large
    ("L010", GOOD._replace(target=10_000, member=True)),
]


@pytest.mark.parametrize("code,pledge,ctx", BROKEN, ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(BROKEN)])
def test_each_rule_fires_on_a_minimal_example(code, pledge, ctx):
    assert code in codes(pledge, ctx)


@pytest.mark.parametrize("code,pledge", NOT_BROKEN, ids=[f"{c}-{i}" for i, (c, _) in enumerate(NOT_BROKEN)])
def test_each_rule_stays_quiet_on_a_near_miss(code, pledge):
    assert code not in codes(pledge)


def test_good_pledges_break_no_rule_and_are_checkable():
    for good in (GOOD, GOOD_QUALITATIVE, GOOD._replace(member=True)):
        assert codes(good) == []
        assert checkable(good)


def test_every_rule_has_an_example_and_a_message_in_both_languages():
    assert {code for code, _, _ in BROKEN} == set(RULES_BY_CODE)
    assert [rule.code for rule in RULES] == [f"L{n:03d}" for n in range(1, len(RULES) + 1)]
    for code, pledge, ctx in BROKEN:
        finding = next(f for f in findings_of(pledge, ctx) if f.rule == code)
        zh, en = finding.message("zh"), finding.message("en")
        assert zh and en and zh != en and "{" not in zh + en
        assert re.search(r"[\u4e00-\u9fff]", finding.suggestion("zh"))


def test_messages_carry_what_was_found():
    [vague] = [f for f in findings_of(BROKEN[0][1], CTX) if f.rule == "L001"]
    assert "积极" in vague.message()
    [dup] = findings_of(GOOD, Context(campaign_ends=ENDS, same_title={1: (7, 9)}))
    assert dup.message("en") == "same title as pledge 7, 9 of the same owner"
    [end] = findings_of(GOOD._replace(due=ENDS), CTX)
    assert "2026-12-31" in end.message()


def varied_pledges(seed: int, count: int = 400):
    """Pledges combining every field's good and bad values, and titles repeated within owners."""
    rng = random.Random(seed)
    titles = ["走访困难群众 12 户", "积极参加志愿服务", "加强学习", "服务", "走访" * 26, "进一步做好工作",
              "积极走访十二户", "开展邻里节活动"]
    criteria = [None, "认真做好各项工作", "全年无安全生产责任事故", "按期召开，记录完整", "切实提高质量"]
    for i in range(1, count + 1):
        qualitative = rng.random() < 0.3
        yield PledgeText(
            i, rng.choice(titles), None if qualitative else rng.choice([None, 0, 5, 12, 20_000, 2_000_000]),
            None if qualitative else rng.choice([None, "", "户", "次"]), qualitative,
            rng.choice(criteria) if qualitative else None, rng.choice([None, ENDS, date(2026, 7, 1)]),
            rng.random() < 0.5)


def test_checkable_is_exactly_no_blocking_rule_and_candidates_cover_every_finding():
    pledges = list(varied_pledges(5))
    ctx = Context(campaign_ends=ENDS, same_title=same_titles([(p.member, p.id, p.title) for p in pledges]))
    seen = set()
    for p in pledges:
        found = codes(p, ctx)
        seen |= set(found)
        assert checkable(p) == (not any(RULES_BY_CODE[code].blocks for code in found)), p
        if not could_break(p, ctx):
            assert found == [], p
    assert seen == set(RULES_BY_CODE)  # the sample exercised every rule


def test_same_titles_groups_by_owner_and_ignores_spaces():
    same = same_titles([("m1", 1, "走访困难群众 12 户"), ("m1", 2, "走访困难群众12户"), ("m1", 3, "走访困难群众\u300012 户"),
                        ("m2", 4, "走访困难群众 12 户"), ("m1", 5, "开展邻里节活动")])
    assert same == {1: (2, 3), 2: (1, 3), 3: (1, 2)}


# --- the lint of a ledger, against an independent recount -----------------------------------------

SUBTREE = """
WITH RECURSIVE below(id) AS (
    SELECT id FROM organisation WHERE code = :code
    UNION ALL SELECT o.id FROM organisation o JOIN below b ON o.parent_id = b.id)
SELECT p.id, p.title, p.target, p.unit, p.qualitative, p.criterion, p.due, p.member_id, p.org_id, p.state,
       o.code, m.number
FROM pledge p JOIN organisation o ON o.id = p.org_id LEFT JOIN member m ON m.id = p.member_id
WHERE p.org_id IN (SELECT id FROM below) AND p.state <> 'withdrawn'
"""


def recount(ledger, code: str):
    """(declared, checkable, sorted findings) of ``code``'s subtree: every rule run on every pledge."""
    with ledger.session() as session:
        rows = session.execute(text(SUBTREE), {"code": code}).all()
    texts = {r.id: PledgeText(r.id, r.title, r.target, r.unit, bool(r.qualitative), r.criterion,
                              r.due if isinstance(r.due, date) else date.fromisoformat(r.due), r.member_id is not None)
             for r in rows}
    owners = [(("member", r.member_id) if r.member_id else ("org", r.org_id), r.id, r.title) for r in rows]
    ctx = Context(campaign_ends=ENDS, same_title=same_titles(owners))
    declared = [r for r in rows if r.state != "draft"]
    found = sorted((r.id, finding.rule, finding.message(), r.code, r.number)
                   for r in rows for finding in findings_of(texts[r.id], ctx))
    return len(declared), sum(checkable(texts[r.id]) for r in declared), found


def build(ledger, make_org, seed: int) -> None:
    """A town with villages and an enterprise, members, and pledges good and bad in several states."""
    make_org("WL", "温岭市委", kind="committee")
    make_org("DX", "大溪镇党委", parent="WL", kind="committee")
    make_org("SX", "松门镇党委", parent="WL", kind="committee")
    for code, parent, kind in (("DX-V1", "DX", "village"), ("DX-V2", "DX", "village"), ("DX-E1", "DX", "enterprise"),
                               ("DX-E1-B1", "DX-E1", "enterprise"), ("SX-V1", "SX", "village")):
        make_org(code, parent=parent, kind=kind)
    orgs = ["DX-V1", "DX-V2", "DX-E1", "DX-E1-B1", "SX-V1", "DX"]
    for n, org in enumerate(orgs[:5]):
        add_member(ledger, f"M{n}", f"党员{n}", org=org, actor=ACTOR)
    rng = random.Random(seed)
    contents = [dict(title="走访困难群众 12 户", target=12, unit="户"), dict(title="积极参加志愿服务"),
                dict(title="加强学习"), dict(title="服务", target=3, unit="次"),
                dict(title="积极走访十二户"), dict(title="开展志愿服务 24 小时", target=24, unit="小时"),
                dict(title="走访" * 26, target=2, unit="户"), dict(title="节约用电", target=50_000, unit="度"),
                dict(title="落实三会一课", qualitative=True, criterion="认真做好各项工作"),
                dict(title="安全生产零事故", qualitative=True, criterion="全年无安全生产责任事故")]
    for _ in range(60):
        org = rng.choice(orgs)
        member = f"M{orgs.index(org)}" if org != "DX" and rng.random() < 0.5 else None
        content = rng.choice(contents)
        due = rng.choice([ENDS, date(2026, 9, 30)])
        pledge = create_pledge(ledger, org=org, member=member, due=due, actor=ACTOR, campaign=2026, **content)
        measured = content.get("target") or content.get("qualitative")
        roll = rng.random()
        if roll < 0.3 and measured:
            run(ledger, [pledge.id], "submit", ACTOR)
        elif roll < 0.4:
            run(ledger, [pledge.id], "withdraw", ACTOR, reason="重复")
    create_pledge(ledger, org="DX-V1", member="M0", title="节约用电", target=50_000, unit="度", due=date(2026, 9, 30),
                  actor=ACTOR, campaign=2026)  # over a member's limit, whatever the draw above
    with ledger.session() as session:  # a target of 0 cannot be typed, but may come from elsewhere
        first = session.scalar(text("SELECT min(id) FROM pledge WHERE target = 12 AND state <> 'withdrawn'"))
        session.execute(update(Pledge).where(Pledge.id == first).values(target=0))


@pytest.mark.parametrize("seed", [1, 2])
def test_lint_matches_an_independent_recount(ledger, make_org, seed):
    build(ledger, make_org, seed)
    for scope in ("WL", "DX", "DX-E1", "SX-V1"):
        report = lint(ledger, org=scope, campaign=2026, depth=3)
        declared, checkable_count, found = recount(ledger, scope)
        top = report.units[0]
        assert (top.code, top.declared, top.checkable) == (scope, declared, checkable_count)
        assert sorted((f.id, f.rule, f.message(), f.org, f.member) for f in report.findings) == found
        assert top.findings == len(found)
        for unit in report.units:  # each unit's row is its own subtree's recount
            assert (unit.declared, unit.checkable, unit.findings) == (*recount(ledger, unit.code)[:2],
                                                                       len(recount(ledger, unit.code)[2]))
    whole = lint(ledger, campaign=2026, depth=1)
    assert {f.rule for f in whole.findings} >= {"L001", "L002", "L003", "L005", "L006", "L007", "L008", "L009",
                                                 "L010"}
    assert whole.units[0].checkable < whole.units[0].declared


def test_lint_scope_and_rate(ledger, make_org):
    make_org("WL", "温岭市委", kind="committee")
    make_org("DX", "大溪镇党委", parent="WL", kind="committee")
    make_org("DX-V1", parent="DX", kind="village")
    good = create_pledge(ledger, org="DX-V1", title="走访困难群众 12 户", target=12, unit="户", due=date(2026, 6, 30),
                         actor=ACTOR, campaign=2026)
    vague = create_pledge(ledger, org="DX-V1", title="落实制度", qualitative=True, criterion="认真落实到位",
                          due=date(2026, 6, 30), actor=ACTOR, campaign=2026)
    draft = create_pledge(ledger, org="DX-V1", title="加强学习", due=date(2026, 6, 30), actor=ACTOR, campaign=2026)
    run(ledger, [good.id, vague.id], "submit", ACTOR)
    report = lint(ledger, org="DX", campaign=2026)
    assert [(u.code, u.declared, u.checkable, u.checkable_rate) for u in report.units] == [
        ("DX", 2, 1, 0.5), ("DX-V1", 2, 1, 0.5)]
    assert [(f.id, f.rule) for f in report.findings] == [(vague.id, "L003"), (draft.id, "L001"), (draft.id, "L002")]
    assert report.units[0].by_rule == {"L001": 1, "L002": 1, "L003": 1}
    with pytest.raises(UnknownOrganisation):
        lint(ledger, org="NOPE", campaign=2026)
    with pytest.raises(BadInput):
        lint(ledger, org="DX", campaign=2027)  # no such campaign
    assert lint(ledger, org="DX").campaign == 2026  # this year's, by the clock


# --- the documentation's rules table is the code's --------------------------------------------

DOC = Path(__file__).resolve().parents[2] / "docs" / "evaluation.md"


def rules_markdown() -> str:
    lines = ["| code | name | message | 中文 | suggestion (建议) | not checkable |", "|---|---|---|---|---|---|"]
    for rule in RULES:
        lines.append(f"| {rule.code} | `{rule.name}` | {rule.message[1]} | {rule.message[0]} | {rule.suggestion[0]} | "
                     f"{'yes' if rule.blocks else ''} |")
    return "\n".join(lines)


def test_the_rules_table_in_docs_is_the_codes():
    doc = DOC.read_text(encoding="utf-8")
    block = doc.split("<!-- rules: generated from pledges/quality.py RULES -->\n", 1)[1].split("\n<!-- /rules -->")[0]
    assert block == rules_markdown(), "docs/evaluation.md's rules table is stale; replace it with:\n" + rules_markdown()
