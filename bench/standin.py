"""A stand-in city ledger, for running the benchmark where ``pledges demo`` does not exist yet.

Bulk inserts (SQLAlchemy Core) into the real schema: one city committee, 16 towns, ~124
branches per town (2,001 organisations with their closure rows), 57,000 members and 250,000
pledges of the as-of day's campaign in every state, due dates spread over the year.  No audit
events: the benchmark asks about the as-of day itself, never replays an earlier one.
``run.py`` uses it only when ``pledges demo --help`` fails.
"""

import random
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import insert

from pledges.db import Ledger
from pledges.models import Campaign, Member, Organisation, OrgClosure, Pledge

TOWNS, BRANCHES_PER_TOWN, MEMBERS, ORG_PLEDGES, MEMBER_PLEDGES = 16, 124, 57_000, 17_000, 233_000
KINDS = ("village", "community", "enterprise", "social", "institution", "organ", "school", "soe")
TITLES = ("走访困难群众", "参加志愿服务", "帮扶结对户", "开展政策宣讲", "整治村容村貌", "办理民生实事")
CHUNK = 20_000


def build(url: str, as_of: date, seed: int = 1) -> None:
    """Create the schema in an empty database at ``url`` and fill it."""
    rng = random.Random(seed)
    ledger = Ledger(url)
    ledger.init()
    now = datetime.combine(as_of, time(2), timezone.utc)
    with ledger.engine.begin() as conn:
        conn.execute(insert(Campaign).values(id=1, year=as_of.year, name=f"{as_of.year}年度", timezone="Asia/Shanghai",
                                             starts=date(as_of.year, 1, 1), ends=date(as_of.year, 12, 31),
                                             created_at=now))
        orgs, closure = _organisations(rng, now)
        conn.execute(insert(Organisation), orgs)
        conn.execute(insert(OrgClosure), closure)
        branches = [o["id"] for o in orgs if o["kind"] != "committee"]
        members = [{"id": i, "number": f"M{i:06d}", "name": f"党员{i}", "org_id": rng.choice(branches),
                    "created_at": now} for i in range(1, MEMBERS + 1)]
        conn.execute(insert(Member), members)
        owners = [(rng.choice(branches), None) for _ in range(ORG_PLEDGES)]
        owners += [(m["org_id"], m["id"]) for m in (rng.choice(members) for _ in range(MEMBER_PLEDGES))]
        for start in range(0, len(owners), CHUNK):
            rows = [_pledge(rng, start + i + 1, org_id, member_id, as_of, now)
                    for i, (org_id, member_id) in enumerate(owners[start:start + CHUNK])]
            conn.execute(insert(Pledge), rows)
    ledger.dispose()


def _organisations(rng: random.Random, now: datetime) -> tuple[list[dict], list[dict]]:
    orgs = [{"id": 1, "code": "WL", "name": "温岭市委", "kind": "committee", "parent_id": None, "created_at": now}]
    closure = [{"ancestor_id": 1, "descendant_id": 1, "depth": 0}]
    for t in range(1, TOWNS + 1):
        town = {"id": len(orgs) + 1, "code": f"WL-T{t:02d}", "name": f"第{t}镇党委", "kind": "committee",
                "parent_id": 1, "created_at": now}
        orgs.append(town)
        closure += [{"ancestor_id": town["id"], "descendant_id": town["id"], "depth": 0},
                    {"ancestor_id": 1, "descendant_id": town["id"], "depth": 1}]
        for b in range(1, BRANCHES_PER_TOWN + 1):
            branch_id = len(orgs) + 1
            orgs.append({"id": branch_id, "code": f"{town['code']}-B{b:03d}", "name": f"第{t}镇第{b}支部",
                         "kind": rng.choice(KINDS), "parent_id": town["id"], "created_at": now})
            closure += [{"ancestor_id": branch_id, "descendant_id": branch_id, "depth": 0},
                        {"ancestor_id": town["id"], "descendant_id": branch_id, "depth": 1},
                        {"ancestor_id": 1, "descendant_id": branch_id, "depth": 2}]
    return orgs, closure


def _state(rng: random.Random, due: date, as_of: date) -> str:
    """Mostly finished when the due day has passed, mostly under way when it has not."""
    roll = rng.random()
    if roll < 0.03:
        return ("draft", "submitted", "withdrawn")[int(roll * 100)]
    if due < as_of:
        return rng.choices(("fulfilled", "evaluated", "unfulfilled", "in_progress", "displayed", "approved"),
                           (40, 35, 8, 10, 5, 2))[0]
    return rng.choices(("in_progress", "displayed", "approved", "fulfilled"), (55, 25, 5, 15))[0]


def _pledge(rng: random.Random, pid: int, org_id: int, member_id: int | None, as_of: date, now: datetime) -> dict:
    year_start = date(as_of.year, 1, 1)
    due = year_start + timedelta(days=rng.randrange(30, 365))
    state = _state(rng, due, as_of)
    target = rng.randint(1, 20)
    outcome = {"fulfilled": "fulfilled", "unfulfilled": "unfulfilled",
               "evaluated": "fulfilled" if rng.random() < 0.9 else "unfulfilled"}.get(state)
    finished = None
    if outcome:
        finished = min(as_of, due + timedelta(days=rng.randrange(-60, 20)))
        finished = max(finished, year_start + timedelta(days=20))
    done = target if outcome == "fulfilled" else rng.randrange(target) if state == "in_progress" else 0
    created = datetime.combine(year_start + timedelta(days=rng.randrange(0, 20)), time(2), timezone.utc)
    return {"id": pid, "campaign_id": 1, "org_id": org_id, "member_id": member_id, "title": rng.choice(TITLES),
            "content": "", "target": target, "unit": "次", "qualitative": False, "due": due, "original_due": due,
            "state": state, "outcome": outcome, "finished_on": finished, "done": done, "created_at": created,
            "updated_at": now, "version": 1}
