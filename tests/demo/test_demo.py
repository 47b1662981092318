"""The demo ledger: reproducible, every history a real walk of the lifecycle, every record
consistent with its pledge, and the states a campaign has on its as-of day."""

import hashlib
import json
import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select, text

from pledges.db import Ledger
from pledges.entries import create_pledge
from pledges.errors import DemoRefused
from pledges.models import (AuditEvent, Campaign, DisplayRecord, Rating, Member, Organisation, OrgClosure,
                            Pledge, PledgeVersion, ProgressRecord)
from pledges.orgs import CODE_PATTERN, add_org
from pledges.queries import end_of_day_utc
from pledges.workflows import lifecycle

from pledges.demo import build_demo, story_for
from pledges.demo.life import Life, Rows
from pledges.demo.plan import KINDS, plan_demo
from pledges.demo.story import declared, walk
from pledges.workflows.engine import run
from support import ACTOR, TODAY, Clock

TABLES = (Campaign, Organisation, OrgClosure, Member, Pledge, PledgeVersion, DisplayRecord, ProgressRecord,
          Rating, AuditEvent)
TZ = "Asia/Shanghai"


def contents_hash(ledger: Ledger) -> str:
    """A digest of every row of every table, in primary-key order, as the ORM reads it back."""
    digest = hashlib.sha256()
    with ledger.session() as session:
        for model in TABLES:
            table = model.__table__
            for row in session.execute(select(table).order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def fresh_sqlite(tmp_path, name: str) -> Ledger:
    ledger = Ledger(f"sqlite:///{tmp_path / name}", clock=Clock())
    ledger.init()
    return ledger


@pytest.fixture
def demo(ledger):
    """The small demo, seed 1, as of TODAY (the ledger's clock); returns its summary."""
    return build_demo(ledger, "small", seed=1)


def scalar(ledger: Ledger, sql: str, **params):
    with ledger.session() as session:
        return session.execute(text(sql), params).scalar()


# --- reproducible ---------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_ledger_and_another_seed_another(ledger, demo, tmp_path):
    """Compared with a second load into a fresh SQLite file: same rows (also across databases)."""
    again, other = fresh_sqlite(tmp_path, "again.db"), fresh_sqlite(tmp_path, "other.db")
    try:
        build_demo(again, "small", seed=1)
        build_demo(other, "small", seed=2)
        assert contents_hash(ledger) == contents_hash(again)
        assert contents_hash(ledger) != contents_hash(other)
    finally:
        again.dispose()
        other.dispose()


def test_the_summary_counts_what_was_written(ledger, demo):
    with ledger.session() as session:
        def count(model, *where):
            return session.scalar(select(func.count()).select_from(model).where(*where))

        assert demo.orgs == count(Organisation) == len(plan_demo("small", 1).orgs)
        assert demo.members == count(Member) == 300
        assert demo.org_pledges == count(Pledge, Pledge.member_id.is_(None))
        assert demo.member_pledges == count(Pledge, Pledge.member_id.is_not(None))
        assert demo.audit_events == count(AuditEvent)
        assert demo.progress_records == count(ProgressRecord)
        assert demo.display_records == count(DisplayRecord)
        assert demo.ratings == count(Rating)
        assert demo.pledge_versions == count(PledgeVersion)
        assert sum(demo.states.values()) == count(Pledge)
        assert 1_300 <= count(Pledge) <= 1_700


# --- every history is a real walk of the lifecycle -------------------------------------------


def pledge_events(ledger: Ledger) -> dict[int, list[AuditEvent]]:
    with ledger.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "pledge").order_by(AuditEvent.id))
        by_pledge = defaultdict(list)
        for event in events:
            by_pledge[event.entity_id].append(event)
    return by_pledge


def test_every_history_is_a_chain_of_valid_transitions_ending_in_the_pledge(ledger, demo):
    assert_real_histories(ledger)


def assert_real_histories(ledger: Ledger) -> None:
    by_pledge = pledge_events(ledger)
    with ledger.session() as session:
        pledges = session.scalars(select(Pledge)).all()
    assert len(by_pledge) == len(pledges)
    for pledge in pledges:
        events = by_pledge[pledge.id]
        first, *moves = events
        assert (first.trigger, first.from_state, first.to_state) == ("create", None, "draft")
        state = "draft"
        for event in moves:
            assert event.from_state == state, (pledge.id, event.trigger)
            assert event.from_state in lifecycle.sources(event.trigger), (pledge.id, event.trigger)
            assert event.to_state == lifecycle.destination(event.trigger, event.from_state)
            state = event.to_state
        assert state == pledge.state
        last = events[-1]
        assert (last.due_after, last.done_after, last.outcome_after) == (pledge.due, pledge.done, pledge.outcome)
        assert [e.at for e in events] == sorted(e.at for e in events)
        assert pledge.version == len(events)
        assert (pledge.created_at, pledge.updated_at) == (first.at, last.at)


def test_records_agree_with_their_pledges(ledger, demo):
    mismatched_done = scalar(ledger, """
        SELECT count(*) FROM pledge p
        WHERE p.done != COALESCE((SELECT sum(amount) FROM progress_record r WHERE r.pledge_id = p.id), 0)""")
    assert mismatched_done == 0
    mismatched_last_progress = scalar(ledger, """
        SELECT count(*) FROM pledge p
        WHERE p.last_progress_on IS DISTINCT FROM (SELECT max(day) FROM progress_record r WHERE r.pledge_id = p.id)""")
    assert mismatched_last_progress == 0
    mismatched_approval = scalar(ledger, """
        SELECT count(*) FROM pledge p
        WHERE p.approved_on IS DISTINCT FROM (SELECT max(effective_on) FROM audit_event e
                                            WHERE e.entity = 'pledge' AND e.entity_id = p.id AND e.trigger = 'approve')""")
    assert mismatched_approval == 0
    progress_before_display = scalar(ledger, """
        SELECT count(*) FROM progress_record r
        WHERE r.day < (SELECT min(d.day) FROM display_record d WHERE d.pledge_id = r.pledge_id)
           OR NOT EXISTS (SELECT 1 FROM display_record d WHERE d.pledge_id = r.pledge_id)""")
    assert progress_before_display == 0
    evaluated_without_rating = scalar(ledger, """
        SELECT count(*) FROM pledge p WHERE p.state = 'evaluated' AND NOT EXISTS (
            SELECT 1 FROM rating e WHERE e.pledge_id = p.id AND e.rater_group = 'organisation')""")
    assert evaluated_without_rating == 0
    fulfilled_short = scalar(ledger, """
        SELECT count(*) FROM pledge WHERE outcome = 'fulfilled' AND NOT qualitative AND done < target""")
    assert fulfilled_short == 0
    finished_without_day = scalar(ledger, """
        SELECT count(*) FROM pledge WHERE (outcome IS NULL) != (finished_on IS NULL)""")
    assert finished_without_day == 0


def test_the_closure_table_matches_the_parent_links(ledger, demo):
    with ledger.session() as session:
        parents = dict(session.execute(select(Organisation.id, Organisation.parent_id)).all())
        stored = set(session.execute(select(OrgClosure.ancestor_id, OrgClosure.descendant_id, OrgClosure.depth)).all())
    walked = set()
    for org in parents:
        above, depth = org, 0
        while above is not None:
            walked.add((above, org, depth))
            above, depth = parents[above], depth + 1
    assert stored == walked


def test_the_tree_is_a_city_of_towns_and_branches_with_chinese_names(ledger, demo):
    with ledger.session() as session:
        orgs = session.execute(select(Organisation.code, Organisation.name, Organisation.kind)).all()
        names = session.scalars(select(Member.name)).all()
    codes = {code for code, _, _ in orgs}
    assert {"WL", "WL-DX", "WL-CB", "WL-SM"} <= codes
    assert all(CODE_PATTERN.match(code) for code in codes)
    assert {kind for _, _, kind in orgs} >= {"committee", "village", "community", "enterprise", "social",
                                             "institution", "organ"}
    assert all(name.endswith(("党支部", "党委", "党工委", "市委", "机关工委")) for _, name, _ in orgs)
    assert all(2 <= len(name) <= 3 and all("\u4e00" <= ch <= "\u9fff" for ch in name) for name in names)


# --- the states of a campaign on its as-of day ----------------------------------------------

CATEGORIES = {
    "overdue": "due < :day AND state IN ('approved', 'displayed', 'in_progress')",
    "stalled": "state = 'in_progress' AND (SELECT max(r.day) FROM progress_record r WHERE r.pledge_id = pledge.id)"
               " < :stalled_before",
    "late_fulfilled": "outcome = 'fulfilled' AND finished_on > original_due",
    "on_time_fulfilled": "outcome = 'fulfilled' AND finished_on <= original_due",
    "unfulfilled": "outcome = 'unfulfilled'",
    "evaluated": "state = 'evaluated'",
    "extended": "due > original_due AND EXISTS (SELECT 1 FROM audit_event a WHERE a.entity = 'pledge'"
                " AND a.entity_id = pledge.id AND a.trigger = 'extend')",
    "returned": "EXISTS (SELECT 1 FROM audit_event a WHERE a.entity = 'pledge' AND a.entity_id = pledge.id"
                " AND a.trigger = 'return')",
    "amended": "EXISTS (SELECT 1 FROM pledge_version v WHERE v.pledge_id = pledge.id AND v.target < pledge.target"
               " AND v.title != pledge.title) AND (SELECT count(*) FROM display_record d WHERE d.pledge_id = pledge.id) = 2",
    "withdrawn": "state = 'withdrawn'",
    "draft": "state = 'draft'",
    "submitted_for_later": "state = 'submitted' AND due > :day",
    "qualitative": "qualitative AND state IN ('in_progress', 'fulfilled', 'evaluated')",
    "member_pledge": "member_id IS NOT NULL",
}


@pytest.mark.parametrize("category", CATEGORIES)
def test_the_small_demo_has_pledges_of_every_kind(ledger, demo, category):
    found = scalar(ledger, f"SELECT count(*) FROM pledge WHERE {CATEGORIES[category]}",
                   day=TODAY, stalled_before=TODAY - timedelta(days=30))
    assert found > 0, category


@pytest.mark.parametrize("as_of", [date(2026, 1, 1), date(2024, 2, 29), date(2026, 3, 31), date(2026, 12, 31)],
                         ids=str)
def test_nothing_happens_after_the_as_of_day(ledger, clock, as_of):
    clock.now = datetime.combine(as_of, time(4), timezone.utc)  # noon that day; later days are refused
    build_demo(ledger, "small", seed=3, as_of=as_of)
    assert_real_histories(ledger)
    end = end_of_day_utc(as_of, TZ)
    with ledger.session() as session:
        for column in (AuditEvent.at, Pledge.created_at, Pledge.updated_at, ProgressRecord.recorded_at,
                       DisplayRecord.recorded_at, Rating.recorded_at, Organisation.created_at, Member.created_at):
            assert session.scalar(select(func.count()).where(column >= end)) == 0, column
            assert session.scalar(select(func.count()).where(column > clock.now)) == 0, column  # nor after now
        for column in (AuditEvent.effective_on, ProgressRecord.day, DisplayRecord.day, Pledge.finished_on):
            assert session.scalar(select(func.count()).where(column > as_of)) == 0, column
        assert session.scalar(select(func.max(AuditEvent.effective_on))) == as_of  # something happened that day
        assert session.scalar(select(Campaign.year)) == as_of.year
        assert session.scalar(select(func.min(Pledge.original_due))) >= date(as_of.year, 1, 1)
        assert session.scalar(select(func.max(Pledge.due))) <= date(as_of.year, 12, 31)


# --- a demo ledger is a ledger like any other --------------------------------------------------


def test_pledges_can_be_added_and_moved_after_the_demo(ledger, demo):
    with ledger.session() as session:
        highest = session.scalar(select(func.max(Pledge.id)))
        events = session.scalar(select(func.count()).select_from(AuditEvent))
    pledge = create_pledge(ledger, org="WL-DX-V001", title="新增承诺", target=3, unit="次", due=date(2026, 12, 1),
                           actor=ACTOR)
    assert pledge.id == highest + 1
    run(ledger, [pledge.id], "submit", ACTOR)
    with ledger.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == events + 2
        assert session.get(Pledge, pledge.id).state == "submitted"


def test_a_second_demo_is_refused_and_changes_nothing(ledger, demo):
    before = contents_hash(ledger)
    with pytest.raises(DemoRefused) as refusal:
        build_demo(ledger, "small", seed=2)
    assert str(demo.orgs) in refusal.value.message("zh")
    assert contents_hash(ledger) == before


# --- the city, planned without loading it ---------------------------------------------------


def test_the_city_plan_has_the_seed_reports_figures():
    plan = plan_demo("city", seed=1)
    counts = plan.counts()
    assert counts["members"] == 57_000
    for key, figure in {"orgs": 2_000, "org_pledges": 17_000, "member_pledges": 230_000}.items():
        assert abs(counts[key] - figure) / figure < 0.05, (key, counts[key])
    towns = [org for org in plan.orgs if org.parent == 1 and org.code != "WL-JG"]
    assert len(towns) == 16


def test_a_plan_depends_on_its_seed_only():
    assert plan_demo("city", 5).counts() == plan_demo("city", 5).counts()
    assert [o.name for o in plan_demo("small", 5).orgs] == [o.name for o in plan_demo("small", 5).orgs]
    assert [o.name for o in plan_demo("small", 5).orgs] != [o.name for o in plan_demo("small", 6).orgs]
    small = plan_demo("small", 1)
    assert 20 <= len(small.orgs) <= 32 and small.members == 300


# --- the walk itself, on many pledges, without a database -----------------------------------


@pytest.mark.parametrize("as_of", [date(2026, 4, 1), date(2026, 11, 25)],
                         ids=str)
def test_thousands_of_walks_take_only_steps_the_lifecycle_allows(as_of):
    """``Life.step`` raises on a trigger the state does not allow; rare plans (an amendment and
    a late failure, say) only show up over many pledges."""
    rows = Rows(defaultdict(lambda: 1), "演示数据", as_of)
    rows.tables = defaultdict(list)
    rng = random.Random(f"walks/{as_of}")
    ends = defaultdict(int)
    for number in range(20_000):
        life = Life(rows, number, date(2026, 12, 31))
        story = story_for(rng, rng.choice(KINDS), (number, "张三") if number % 3 else None)
        created, life.due = declared(rng, as_of)
        walk(life, story, rng, created)
        ends[life.state] += 1
        rows.tables.clear()
    assert set(ends) >= {"draft", "submitted", "approved", "withdrawn"}


# --- one definition of the trigger effects (issue 8) --------------------------------------------

PLEDGE_FIELDS = ("title", "content", "category", "target", "unit", "qualitative", "criterion", "due",
                 "original_due", "state", "outcome", "finished_on", "done", "last_progress_on", "approved_on")


def _records(ledger: Ledger, pledge_id: int) -> dict:
    """A pledge's row, its records and its history, without the ids that differ between ledgers."""
    with ledger.session() as session:
        pledge = session.get(Pledge, pledge_id)
        found = {"pledge": {name: getattr(pledge, name) for name in PLEDGE_FIELDS}}
        for model in (DisplayRecord, ProgressRecord, Rating, PledgeVersion):
            rows = session.scalars(select(model).where(model.pledge_id == pledge_id).order_by(model.id))
            found[model.__tablename__] = [{k: v for k, v in row.model_dump().items() if k not in ("id", "pledge_id")}
                                          for row in rows]
        events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "pledge",
                                                          AuditEvent.entity_id == pledge_id).order_by(AuditEvent.id))
        found["history"] = [{k: v for k, v in event.model_dump().items() if k not in ("id", "entity_id", "hash")}
                            for event in events]
    return found


def _replay_args(event: AuditEvent) -> dict:
    """What a person would have typed for this step, read back from its audit event."""
    detail = json.loads(event.detail) if event.detail else {}
    day, reason = event.effective_on, event.reason
    return {
        "approve": {"day": day},
        "display": {"channel": detail.get("channel"), "place": detail.get("place"), "day": day},
        "record_progress": {"amount": detail.get("amount"), "evidence": detail.get("evidence"), "note": reason,
                            "day": day},
        "complete": {"note": reason},
        "evaluate": {"grade": detail.get("grade"), "comment": reason},
        "extend": {"due": date.fromisoformat(detail["due"][1]) if detail.get("due") else None, "reason": reason},
        "amend": {"reason": reason, "changes": {k: v[1] for k, v in detail.get("changes", {}).items()}},
    }.get(event.trigger, {"reason": reason} if reason else {})


def test_the_demo_writes_what_the_engine_writes_for_the_same_steps(tmp_path):
    from pledges.workflows.ratings import rate

    """Every kind of demo history, replayed through the real engine step by step on a fresh
    ledger, gives the same pledge row, the same records and the same audit events: the demo
    takes what a step changes from the trigger effects themselves, so the two cannot drift."""
    as_of = date(2026, 12, 31)
    built = Ledger(f"sqlite:///{tmp_path / 'demo.db'}", clock=Clock(datetime(2027, 1, 1, 4, tzinfo=timezone.utc)))
    built.init()
    build_demo(built, "small", seed=5, as_of=as_of)
    with built.session() as session:
        histories = defaultdict(list)
        for pledge_id, trigger in session.execute(select(AuditEvent.entity_id, AuditEvent.trigger).where(
                AuditEvent.entity == "pledge").order_by(AuditEvent.id)):
            histories[pledge_id].append(trigger)
    chosen = {}
    for pledge_id, triggers in histories.items():
        chosen.setdefault(tuple(triggers), pledge_id)  # one pledge per distinct history
    assert {"amend", "extend", "evaluate", "fail", "complete", "return", "withdraw"} <= {
        t for triggers in chosen for t in triggers}
    clock = Clock()
    replayed = Ledger(f"sqlite:///{tmp_path / 'replay.db'}", clock=clock)
    replayed.init()
    add_org(replayed, "X", "某村党支部", kind="village", actor=ACTOR)
    for pledge_id in sorted(chosen.values()):
        original = _records(built, pledge_id)
        first = (original["pledge_version"] or [original["pledge"]])[0]
        events = original["history"]
        clock.now = events[0]["at"]
        content = {k: first[k] for k in ("content", "category", "target", "unit", "qualitative", "criterion")}
        copy = create_pledge(replayed, org="X", title=first["title"], due=original["pledge"]["original_due"],
                             actor=events[0]["actor"], **content).id
        with built.session() as session:
            steps = session.scalars(select(AuditEvent).where(AuditEvent.entity == "pledge",
                                                             AuditEvent.entity_id == pledge_id)
                                    .order_by(AuditEvent.id)).all()[1:]
            ratings = [event for event in session.scalars(select(AuditEvent).where(AuditEvent.entity == "rating"))
                       if json.loads(event.detail)["pledge"] == pledge_id]
        for event in sorted(steps + ratings, key=lambda e: e.id):
            clock.now = event.at
            if event.entity == "rating":
                detail = json.loads(event.detail)
                rate(replayed, copy, detail["group"], detail["grade"], actor=event.actor, count=detail["count"])
            else:
                run(replayed, [copy], event.trigger, event.actor, **_replay_args(event))
        assert _records(replayed, copy) == original, histories[pledge_id]


# --- evaluation (issue 13) ------------------------------------------------------------------------


def test_the_demo_has_ratings_vague_pledges_and_questionnaires_and_frozen_scores_are_the_engines(ledger, demo):
    from pledges.campaigns import campaign_for
    from pledges.models import PledgeScore, SurveyAnswer
    from pledges.quality import checkable, PledgeText
    from pledges.scores import combine, grade_of, group_means, weights_of

    with ledger.session() as session:
        groups = dict(session.execute(select(Rating.rater_group, func.count()).group_by(Rating.rater_group)).all())
        assert set(groups) == {"self", "members", "public", "organisation"}
        pledges = session.scalars(select(Pledge).where(Pledge.state.not_in(["draft", "withdrawn"]))).all()
        vague = [p for p in pledges if not checkable(PledgeText(p.id, p.title, p.target, p.unit, p.qualitative,
                                                                 p.criterion, p.due))]
        assert 0.05 < len(vague) / len(pledges) < 0.25  # the seed: "可评比的内容不够普遍"
        answers = dict(session.execute(select(SurveyAnswer.respondent_group, func.count())
                                       .group_by(SurveyAnswer.respondent_group)).all())
        assert answers["members"] == answers["public"] > 0
        weights = weights_of(campaign_for(session, ledger, None))
        frozen = session.scalars(select(PledgeScore)).all()
        assert frozen
        for row in frozen:  # no rating after the evaluation: the frozen score is the live one
            ratings = session.execute(select(Rating.rater_group, Rating.grade, Rating.count)
                                      .where(Rating.pledge_id == row.pledge_id)).all()
            score = combine(group_means(ratings), weights)
            assert row.score == pytest.approx(score) and row.grade == grade_of(score)
