"""The figures of docs/figures.md: a hand-made ledger with answers worked out by hand, replay of past
days, the overdue list, and an independent plain-SQL recount of a generated ledger."""

import random
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from figures_support import FIELDS, recount
from pledges.entries import create_pledge
from pledges.errors import BadInput, UnknownOrganisation
from pledges.figures import OrgFigures, dashboard, mark_lagging, overdue
from pledges.members import add_member
from pledges.workflows.engine import run
from support import ACTOR, PATHS, TODAY

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), SHANGHAI).astimezone(timezone.utc)


@pytest.fixture
def town(make_org, org, ledger):
    """WL → DX → {DX-V1, DX-E1}; WL → SM → SM-S1; member M1 in DX-E1."""
    make_org("DX-E1", "大溪泵业党支部", parent="DX", kind="enterprise")
    make_org("SM", "松门镇党委", parent="WL", kind="committee")
    make_org("SM-S1", "松门商会党支部", parent="SM", kind="social")
    add_member(ledger, "M1", "李四", org="DX-E1", actor=ACTOR)


@pytest.fixture
def known(town, make_pledge):
    """Ten pledges on 2026-06-15, each commented with what it counts as."""
    make_pledge("fulfilled", due=date(2026, 6, 10))    # due, fulfilled late
    make_pledge("evaluated", due=date(2026, 6, 30))    # fulfilled early: not yet due
    make_pledge("in_progress", due=date(2026, 6, 1))   # overdue 14 days, 1/12 done
    make_pledge("displayed", due=date(2026, 9, 30))    # 0/12 done
    make_pledge("draft", due=date(2026, 6, 1))         # not declared
    make_pledge("withdrawn")                           # not declared
    make_pledge("approved", org="DX-E1", member="M1", due=date(2026, 6, 14))   # overdue 1 day
    make_pledge("fulfilled", org="DX-E1", member="M1", due=TODAY)             # due today, on time
    make_pledge("unfulfilled", org="SM-S1", due=date(2026, 6, 1))
    make_pledge("submitted", org="SM-S1", due=date(2026, 7, 1))
    make_pledge("fulfilled", due=date(2027, 3, 1), campaign=2027)              # another campaign


# By hand: (declared, org, member, approved+, displayed+, due, fulfilled, fulfilled&due, on time,
#           overdue, unfulfilled, finished, evaluated)
EXPECTED = {
    "DX-V1": (4, 4, 0, 4, 4, 2, 2, 1, 0, 1, 0, 2, 1),
    "DX-E1": (2, 0, 2, 2, 1, 2, 1, 1, 1, 1, 0, 1, 0),
    "DX": (6, 4, 2, 6, 5, 4, 3, 2, 1, 2, 0, 3, 1),
    "SM-S1": (2, 2, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0),
    "SM": (2, 2, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0),
    "WL": (8, 6, 2, 7, 6, 5, 3, 2, 1, 2, 1, 4, 1),
}


def test_counts_match_the_hand_worked_ledger(ledger, known):
    rows = {row.code: row for row in dashboard(ledger).rows}
    assert set(rows) == set(EXPECTED)
    for code, expected in EXPECTED.items():
        assert tuple(getattr(rows[code], f) for f in FIELDS) == expected, code


def test_rates_are_fractions_and_none_without_a_denominator(ledger, known):
    rows = {row.code: row for row in dashboard(ledger).rows}
    v1, e1, s1 = rows["DX-V1"], rows["DX-E1"], rows["SM-S1"]
    assert (v1.display_rate, v1.completion_rate, v1.on_time_rate, v1.evaluation_coverage) == (1.0, 0.5, 0.0, 0.5)
    assert v1.progress == pytest.approx((1 / 12 + 0) / 2)
    assert (e1.display_rate, e1.completion_rate, e1.on_time_rate, e1.progress) == (0.5, 0.5, 0.5, None)
    assert (s1.completion_rate, s1.progress, s1.evaluation_coverage) == (0.0, None, 0.0)
    assert rows["WL"].as_dict()["progress"] == pytest.approx(1 / 24)


def test_scope_depth_tree_order_and_totals(ledger, known):
    board = dashboard(ledger, org="DX", depth=1)
    assert [(row.code, row.depth) for row in board.rows] == [("DX", 0), ("DX-E1", 1), ("DX-V1", 1)]
    assert board.scope == ["DX"] and board.totals.declared == 6
    assert [row.code for row in dashboard(ledger, depth=1).rows] == ["WL", "DX", "SM"]
    assert [row.code for row in dashboard(ledger, depth=0).rows] == ["WL"]
    with pytest.raises(UnknownOrganisation):
        dashboard(ledger, org="NOPE")
    with pytest.raises(BadInput):
        dashboard(ledger, depth=-1)


def test_other_campaign_is_counted_on_its_own(ledger, known):
    board = dashboard(ledger, campaign=2027)
    assert board.totals.declared == 1 and board.totals.fulfilled == 1 and board.totals.due == 0
    with pytest.raises(BadInput):
        dashboard(ledger, campaign=2030)


def test_several_top_organisations_are_summed(ledger, known, make_org, make_pledge):
    make_org("TZ", "台州市委", kind="committee")
    make_pledge("approved", org="TZ", due=date(2026, 6, 1))
    board = dashboard(ledger, depth=0)
    assert board.scope == ["TZ", "WL"]
    assert (board.totals.declared, board.totals.overdue, board.totals.code) == (9, 3, "")


def test_lagging_units_are_the_lowest_completion_and_most_overdue_among_peers():
    def unit(code, due, done, overdue):
        return OrgFigures(code=code, name=code, kind="village", parent="T", depth=1, due=due, fulfilled_due=done,
                          overdue=overdue)

    rows = [OrgFigures(code="T", name="T", kind="committee", parent=None, depth=0)]
    rows += [unit(f"V{i}", 10, 10 - i, overdue=i % 3) for i in range(10)] + [unit("NEW", 0, 0, 0)]
    mark_lagging(rows)
    flagged = {row.code: row.lagging for row in rows if row.lagging}
    assert flagged == {"V9": ["completion_rate"], "V2": ["overdue_rate"]}


def test_many_overdue_goes_by_rate_not_by_count():
    """A big town with more overdue pledges but a small share of its due ones is not the one
    flagged (issue 11: 逾期多 flagged the biggest towns)."""
    def unit(code, due, overdue):
        return OrgFigures(code=code, name=code, kind="committee", parent="C", depth=1, due=due, fulfilled_due=due - overdue,
                          overdue=overdue)

    rows = [unit("BIG", 400, 40), unit("SMALL", 10, 5)] + [unit(f"T{i}", 50, 1) for i in range(8)]
    mark_lagging(rows)
    assert [row.code for row in rows if "overdue_rate" in row.lagging] == ["SMALL"]
    assert rows[1].overdue_rate == 0.5 and rows[0].overdue_rate == 0.1


def test_nobody_lags_when_every_peer_does_equally_well():
    rows = [OrgFigures(code=c, name=c, kind="village", parent="T", depth=1, due=4, fulfilled_due=4) for c in "AB"]
    mark_lagging(rows)
    assert not any(row.lagging for row in rows)


@pytest.fixture
def story(ledger, clock, town):
    """A pledge's June: displayed 06-01, 5 done 06-05, 7 more and completed 06-12 (due 06-10);
    another approved 06-01 with due 06-08, extended on 06-09 to 06-20."""
    clock.now = at(date(2026, 6, 1))
    late = create_pledge(ledger, org="DX-V1", title="走访困难群众", target=12, unit="户", due=date(2026, 6, 10),
                         actor=ACTOR).id
    moved = create_pledge(ledger, org="DX-E1", title="技能培训", target=4, unit="期", due=date(2026, 6, 8),
                          actor=ACTOR).id
    for trigger, args in PATHS["displayed"]:
        run(ledger, [late], trigger, ACTOR, **args)
    for trigger, args in PATHS["approved"]:
        run(ledger, [moved], trigger, ACTOR, **args)
    clock.now = at(date(2026, 6, 5))
    run(ledger, [late], "record_progress", ACTOR, amount=5)
    clock.now = at(date(2026, 6, 9))
    run(ledger, [moved], "extend", ACTOR, due=date(2026, 6, 20), reason="等场地")
    clock.now = at(date(2026, 6, 12))
    run(ledger, [late], "record_progress", ACTOR, amount=7)
    run(ledger, [late], "complete", ACTOR)
    clock.now = at(date(2026, 6, 15))
    return late, moved


def figures_on(ledger, day, code="WL"):
    return {row.code: row for row in dashboard(ledger, as_of=day).rows}[code]


def test_as_of_replays_each_day_from_the_audit_log(ledger, story):
    before = figures_on(ledger, date(2026, 5, 31))
    assert before.declared == 0 and before.approved_or_later == 0
    june4 = figures_on(ledger, date(2026, 6, 4))
    assert (june4.declared, june4.due, june4.overdue, june4.progress) == (2, 0, 0, 0.0)
    june8 = figures_on(ledger, date(2026, 6, 8))
    assert (june8.due, june8.overdue) == (1, 0)            # due that day is not yet late
    june9 = figures_on(ledger, date(2026, 6, 9))
    assert (june9.due, june9.overdue) == (0, 0)            # extended on the 9th
    june11 = figures_on(ledger, date(2026, 6, 11))
    assert (june11.due, june11.overdue, june11.fulfilled, june11.completion_rate) == (1, 1, 0, 0.0)
    assert june11.progress == pytest.approx(5 / 12)
    june12 = figures_on(ledger, date(2026, 6, 12))
    assert (june12.fulfilled, june12.completion_rate, june12.on_time_rate, june12.overdue) == (1, 1.0, 0.0, 0)
    today = figures_on(ledger, date(2026, 6, 15))
    assert (today.fulfilled, today.due, today.overdue) == (1, 1, 0)


def test_overdue_list_most_days_late_first_with_last_progress(ledger, story, make_pledge):
    late, moved = story
    day, rows = overdue(ledger, as_of=date(2026, 6, 11))
    assert day == date(2026, 6, 11)
    assert [(r.id, r.days_late, r.done, r.last_progress, r.owner) for r in rows] == [
        (late, 1, 5, date(2026, 6, 5), "大溪村党支部")]
    assert overdue(ledger, as_of=date(2026, 6, 12))[1] == []
    older = make_pledge("in_progress", due=date(2026, 6, 1))
    member = make_pledge("approved", org="DX-E1", member="M1", due=date(2026, 6, 10))
    day, rows = overdue(ledger)
    assert [(r.id, r.days_late, r.owner, r.org) for r in rows] == [
        (older, 14, "大溪村党支部", "DX-V1"), (member, 5, "李四", "DX-E1")]
    assert [r.id for r in overdue(ledger, org="DX-E1")[1]] == [member]
    assert overdue(ledger, org="SM")[1] == []


def random_ledger(ledger, clock, rng: random.Random, pledges: int = 40) -> list[date]:
    """Pledges declared on increasing days in May and June, each walked to a random state,
    some moved on again a week later.  Returns the days something happened."""
    owners = [("DX-V1", None), ("DX-E1", None), ("DX-E1", "M1"), ("SM-S1", None), ("SM", None)]
    days = sorted(date(2026, 5, 1) + timedelta(days=rng.randrange(45)) for _ in range(pledges))
    later = []
    for day in days:
        clock.now = at(day)
        org, member = rng.choice(owners)
        due = date(2026, 5, 1) + timedelta(days=rng.randrange(75))
        pledge = create_pledge(ledger, org=org, member=member, title="走访", target=rng.choice([4, 12]),
                               unit="户", due=due, actor=ACTOR).id
        state = rng.choice(list(PATHS))
        for trigger, args in PATHS[state]:
            run(ledger, [pledge], trigger, ACTOR, **args)
        if state in ("displayed", "in_progress") and day < date(2026, 6, 8) and rng.random() < 0.5:
            later.append((day + timedelta(days=7), pledge))
    for day, pledge in sorted(later):
        clock.now = at(day)
        run(ledger, [pledge], "record_progress", ACTOR, amount=2)
    clock.now = at(date(2026, 6, 15))
    return days


def assert_matches_recount(ledger, day: date):
    cutoff = datetime.combine(day + timedelta(days=1), time(), SHANGHAI)
    expected = recount(ledger, 2026, day, cutoff)
    board = dashboard(ledger, as_of=day)
    assert {row.code for row in board.rows} == set(expected)
    for row in board.rows:
        want = expected[row.code]
        assert {f: getattr(row, f) for f in FIELDS} == {f: want[f] for f in FIELDS}, (row.code, day)
        assert row.progress == pytest.approx(want["progress"]), (row.code, day)
        assert row.overdue_rate == (want["overdue"] / want["due"] if want["due"] else None), (row.code, day)


@pytest.mark.parametrize("seed", [1, 2])
def test_every_figure_equals_a_plain_sql_recount(ledger, clock, town, seed):
    days = random_ledger(ledger, clock, random.Random(seed))
    for day in (days[0] - timedelta(days=1), days[len(days) // 2], date(2026, 6, 10), date(2026, 6, 15)):
        assert_matches_recount(ledger, day)
    total = dashboard(ledger).totals
    assert total.declared > 0 and total.due > 0  # the generated ledger is not trivially empty


@pytest.mark.parametrize("seed", [1, 5])
def test_figures_of_the_generated_demo_equal_the_recount(ledger, seed):
    """The demo town as of 2026-11-25, and replayed at four earlier days of its year."""
    from pledges.demo import build_demo

    ledger.clock.now = at(date(2026, 11, 25), 20)
    build_demo(ledger, "small", seed=seed, as_of=date(2026, 11, 25))
    for day in (date(2026, 2, 1), date(2026, 6, 30), date(2026, 9, 15), date(2026, 11, 24), date(2026, 11, 25)):
        assert_matches_recount(ledger, day)
    board = dashboard(ledger)
    assert board.totals.declared > 1000 and 0 < board.totals.overdue < board.totals.due
    day, rows = overdue(ledger)
    assert len(rows) == board.totals.overdue
    assert [r.days_late for r in rows] == sorted((r.days_late for r in rows), reverse=True)


def assert_breakdown_matches_recount(ledger, by: str, scope: str, day: date):
    from pledges.breakdown import breakdown

    cutoff = datetime.combine(day + timedelta(days=1), time(), SHANGHAI)
    expected = recount(ledger, 2026, day, cutoff, by=by, scope=scope)
    result = breakdown(ledger, by, org=scope, as_of=day)
    assert {row.key for row in result.rows} == set(expected)
    for row in result.rows:
        want = expected[row.key]
        assert {f: getattr(row, f) for f in FIELDS} == {f: want[f] for f in FIELDS}, (by, row.key, day)
        assert row.progress == pytest.approx(want["progress"]), (by, row.key, day)
    assert result.totals.declared == sum(row.declared for row in result.rows)
    return result


@pytest.mark.parametrize("by", ["kind", "category"])
def test_breakdown_by_kind_and_category_equals_the_recount(ledger, by):
    from pledges.demo import build_demo

    ledger.clock.now = at(date(2026, 11, 25), 20)
    build_demo(ledger, "small", seed=2, as_of=date(2026, 11, 25))
    for scope in ("WL", "WL-DX"):
        for day in (date(2026, 7, 1), date(2026, 11, 25)):
            result = assert_breakdown_matches_recount(ledger, by, scope, day)
            assert len(result.rows) > 1
    from pledges.breakdown import breakdown

    whole, split = dashboard(ledger, depth=0).totals, breakdown(ledger, by).totals
    assert {f: getattr(split, f) for f in FIELDS} == {f: getattr(whole, f) for f in FIELDS}
    assert split.progress == pytest.approx(whole.progress)


def test_breakdown_of_the_hand_worked_ledger(ledger, known):
    from pledges.breakdown import breakdown

    kinds = {row.key: row for row in breakdown(ledger, "kind").rows}
    assert set(kinds) == {"village", "enterprise", "social"}   # no pledge of a committee's own
    assert (kinds["village"].declared, kinds["enterprise"].member_pledges, kinds["social"].unfulfilled) == (4, 2, 1)
    with pytest.raises(BadInput):
        breakdown(ledger, "colour")


def test_a_past_day_of_an_earlier_year_reads_that_years_campaign(ledger, clock, town):
    clock.now = at(date(2025, 11, 1))
    late = create_pledge(ledger, org="DX-V1", title="修路", target=3, unit="段", due=date(2025, 10, 1),
                         actor=ACTOR).id
    for trigger, args in PATHS["approved"]:
        run(ledger, [late], trigger, ACTOR, **args)
    clock.now = at(date(2026, 6, 15))
    board = dashboard(ledger, as_of=date(2025, 11, 30))
    assert (board.campaign, board.totals.declared, board.totals.overdue) == (2025, 1, 1)
    assert [r.id for r in overdue(ledger, as_of=date(2025, 11, 30))[1]] == [late]
    assert dashboard(ledger).campaign == 2026 and dashboard(ledger).totals.declared == 0
