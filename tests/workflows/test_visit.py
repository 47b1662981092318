"""The visit draw (docs/evaluation.md "sample"): basic units, allocation by largest remainder with and
without quotas (hand-worked), the hash order recomputed here from the rule's text, the same
draw on both databases whatever the insertion order; and the Wilson interval against SciPy."""

import hashlib

import pytest

from pledges.db import Ledger
from pledges.errors import BadInput, UnknownOrganisation
from pledges.orgs import OrgRow, add_org
from pledges.workflows.visit import allocate, basic_units, hash_order, largest_remainder, parse_quotas, sample, wilson
from support import ACTOR

SEED = "2026-09-14"


def by_hand(seed: str, kind: str, codes) -> list[str]:
    """The rule as docs/evaluation.md words it: SHA-256 of "{seed}|{kind}|{org code}", UTF-8, lowercase hex, first first."""
    return sorted(codes, key=lambda code: hashlib.sha256(f"{seed}|{kind}|{code}".encode()).hexdigest())


# --- allocation -------------------------------------------------------------------------------

TOWN_A = {"village": 40, "community": 8, "social": 12, "enterprise": 30, "institution": 10}
TOWN_B = {"village": 36, "social": 22, "enterprise": 30, "institution": 12}


def test_the_seeds_two_towns_by_largest_remainder():
    # A: 4, 0.8, 1.2, 3, 1 → whole parts 9, the last seat to the largest remainder (community 0.8)
    a = allocate(TOWN_A, 10)
    assert a == {"village": 4, "community": 1, "enterprise": 3, "social": 1, "institution": 1}
    # B: 3.6, 2.2, 3, 1.2 → whole parts 9, the last seat to the villages (0.6)
    b = allocate(TOWN_B, 10)
    assert b == {"village": 4, "enterprise": 3, "social": 2, "institution": 1}
    together = {kind: a.get(kind, 0) + b.get(kind, 0) for kind in TOWN_A}
    assert together == {"village": 8, "community": 1, "social": 3, "enterprise": 6, "institution": 2}  # the seed's


def test_a_quota_is_taken_and_the_rest_shared_over_the_other_kinds():
    # village=2; 8 left over 60 units: community 1.07, social 1.6, enterprise 4, institution 1.33 → social gets the 8th
    assert allocate(TOWN_A, 10, {"village": 2}) == {"village": 2, "community": 1, "enterprise": 4, "social": 2,
                                                     "institution": 1}
    # a quota of 0 leaves a kind out: 10 over 90 units, 4.44, 3.33, 1.33, 1.11 → the 10th to the villages
    assert allocate(TOWN_A, 10, {"community": 0}) == {"village": 5, "community": 0, "enterprise": 3, "social": 1,
                                                       "institution": 1}
    assert allocate({"village": 3, "organ": 2}, 3, {"village": 3, "organ": 0}) == {"organ": 0, "village": 3}


def test_ties_go_to_more_units_then_to_the_code_name():
    # 2 over three kinds of one unit each: equal remainders and sizes → alphabetical
    assert largest_remainder({"village": 1, "community": 1, "social": 1}, 2) == {"village": 0, "community": 1,
                                                                               "social": 1}
    # 3 over 3/1/2 units: 1.5, 0.5, 1 → floors 1, 0, 1; village and community both have remainder 3/6: village is larger
    assert largest_remainder({"village": 3, "community": 1, "enterprise": 2}, 3) == {"village": 2, "community": 0,
                                                                                   "enterprise": 1}


def test_allocation_always_adds_up_and_stays_within_each_kind():
    counts = {"village": 7, "community": 1, "enterprise": 5, "social": 2, "institution": 3}
    for n in range(0, sum(counts.values()) + 1):
        seats = largest_remainder(counts, n)
        assert sum(seats.values()) == n
        assert all(0 <= seats[kind] <= counts[kind] for kind in counts)


@pytest.mark.parametrize("counts,n,quotas,key", [
    (TOWN_A, 101, {}, "sample_too_many"),
    (TOWN_A, 10, {"village": 6, "enterprise": 5}, "quota_over_n"),
    (TOWN_A, 10, {"community": 9}, "quota_over_kind"),
    (TOWN_A, 10, {"school": 1}, "quota_over_kind"),
    ({"village": 50, "community": 2}, 10, {"village": 1}, "quota_rest_short"),
])
def test_what_cannot_be_drawn_is_refused(counts, n, quotas, key):
    with pytest.raises(BadInput) as refused:
        allocate(counts, n, quotas, org="DX")
    assert refused.value.key == key


def test_quotas_take_codes_and_labels_in_both_languages():
    assert parse_quotas(["村=3", "enterprise=2", "social organisation=1", " 事业单位 = 0"]) == {
        "village": 3, "enterprise": 2, "social": 1, "institution": 0}
    for bad, key in (("乡=1", "bad_quota_kind"), ("village", "bad_quota"), ("village=-1", "bad_quota"),
                     ("village=x", "bad_quota")):
        with pytest.raises(BadInput) as refused:
            parse_quotas([bad])
        assert refused.value.key == key, bad
    with pytest.raises(BadInput) as twice:
        parse_quotas(["村=1", "village=2"])
    assert twice.value.key == "quota_twice"


# --- basic units and the hash order -----------------------------------------------------------


def test_basic_units_are_the_topmost_non_committees():
    rows = [OrgRow("DX", "大溪镇党委", "committee", "WL", 1),
            OrgRow("DX-V1", "村", "village", "DX", 2),
            OrgRow("DX-Z", "综合党委", "committee", "DX", 2),
            OrgRow("DX-Z-E1", "企业", "enterprise", "DX-Z", 3),
            OrgRow("DX-Z-E1-B1", "企业第一支部", "enterprise", "DX-Z-E1", 4),
            OrgRow("DX-C1", "社区", "community", "DX", 2)]
    assert [row.code for row in basic_units(rows, "DX")] == ["DX-C1", "DX-V1", "DX-Z-E1"]
    assert [row.code for row in basic_units(rows, "DX-Z-E1")] == ["DX-Z-E1-B1"]


def test_hash_order_is_the_rules_by_hand():
    codes = [f"WL-DX-V{n:03d}" for n in range(1, 41)]
    assert hash_order(SEED, "village", codes) == by_hand(SEED, "village", codes)
    assert hash_order(SEED, "village", reversed(codes)) == by_hand(SEED, "village", codes)
    assert hash_order("2026-09-15", "village", codes) != hash_order(SEED, "village", codes)  # the seed matters
    assert hash_order(SEED, "community", codes) != hash_order(SEED, "village", codes)  # and so does the kind


# --- the draw from a ledger, on both databases, whatever the insertion order -------------------

KINDS = {"V": ("village", 8), "C": ("community", 2), "E": ("enterprise", 5), "S": ("social", 3), "I": ("institution", 2)}


def town_orgs() -> list[tuple[str, str | None, str]]:
    """(code, parent, kind) of a city with two towns; parents before children."""
    rows = [("WL", None, "committee")]
    for town in ("DX", "CB"):
        rows.append((f"WL-{town}", "WL", "committee"))
        for letter, (kind, count) in KINDS.items():
            rows += [(f"WL-{town}-{letter}{n:03d}", f"WL-{town}", kind) for n in range(1, count + 1)]
    rows.append(("WL-DX-E001-B1", "WL-DX-E001", "enterprise"))  # a branch inside an enterprise unit
    return rows


def load(ledger: Ledger, rows) -> None:
    for code, parent, kind in rows:
        add_org(ledger, code, f"{code}党组织", parent=parent, kind=kind, actor=ACTOR)


def shuffled_parents_first(rows):
    """The same organisations in another order that still adds each parent before its children:
    towns and kinds reversed."""
    top, rest = rows[0], rows[1:]
    towns = [r for r in rest if r[2] == "committee"]
    units = [r for r in rest if r[2] != "committee" and r[1].count("-") == 1]
    inner = [r for r in rest if r not in towns and r not in units]
    return [top, *reversed(towns), *reversed(units), *inner]


def expected_draw(n: int, quotas=None) -> dict:
    """Per town, per kind: the units a person with the rule text and the org list would draw."""
    counts = {kind: count for kind, count in KINDS.values()}
    seats = allocate(counts, n, quotas or {})
    draws = {}
    for town in ("WL-DX", "WL-CB"):
        for letter, (kind, count) in KINDS.items():
            codes = [f"{town}-{letter}{i:03d}" for i in range(1, count + 1)]
            draws[(town, kind)] = by_hand(SEED, kind, codes)[:seats[kind]]
    return draws


def drawn(result) -> dict:
    return {(org.code, kind.kind): [unit.code for unit in kind.drawn] for org in result.orgs for kind in org.kinds}


def test_the_same_seed_draws_the_same_units_on_both_databases_whatever_the_order(ledger, tmp_path):
    rows = town_orgs()
    load(ledger, rows)
    other = Ledger(f"sqlite:///{tmp_path / 'other.db'}", clock=ledger.clock)
    other.init()
    load(other, shuffled_parents_first(rows))
    for n, quotas in ((10, []), (7, ["村=2", "community=0"])):
        first = sample(ledger, ["WL-DX", "WL-CB"], n, SEED, quotas)
        second = sample(other, ["WL-DX", "WL-CB"], n, SEED, quotas)
        assert drawn(first) == drawn(second) == expected_draw(n, parse_quotas(quotas))
        assert first.as_dict() == second.as_dict()
    other.dispose()
    # 10 of 20 units: 8, 2, 5, 3, 2 → 4, 1, 2.5, 1.5, 1 → 4, 1, 2, 1, 1 + the tie (E and S at .5) to E, with more units
    [dx, _] = sample(ledger, ["WL-DX", "WL-CB"], 10, SEED).orgs
    assert dx.units == 20  # the enterprise's own branch is not a unit of its own
    assert [(k.kind, k.units, len(k.drawn)) for k in dx.kinds] == [
        ("village", 8, 4), ("community", 2, 1), ("enterprise", 5, 3), ("social", 3, 1), ("institution", 2, 1)]
    assert all(unit.hash == hashlib.sha256(f"{SEED}|{k.kind}|{unit.code}".encode()).hexdigest()
               for k in dx.kinds for unit in k.drawn)


def test_refusals_name_the_problem(ledger):
    load(ledger, town_orgs())
    with pytest.raises(UnknownOrganisation):
        sample(ledger, ["WL-DX", "NOPE"], 3, SEED)
    for n, quotas, key in ((21, [], "sample_too_many"), (0, [], "sample_n"), (3, ["村=4"], "quota_over_n"),
                           (3, ["乡=1"], "bad_quota_kind")):
        with pytest.raises(BadInput) as refused:
            sample(ledger, ["WL-DX"], n, SEED, quotas)
        assert refused.value.key == key
    with pytest.raises(BadInput):
        sample(ledger, ["WL-DX"], 3, "  ")


# --- survey rates -------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 5, 10, 37, 100, 200])
def test_wilson_interval_is_scipys(n):
    from scipy.stats import binomtest

    for k in range(n + 1):
        low, high = wilson(k, n)
        expected = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
        assert low == pytest.approx(float(expected.low), abs=1e-12)
        assert high == pytest.approx(float(expected.high), abs=1e-12)
        assert low <= k / n <= high


def test_wilson_with_no_answers_and_impossible_counts():
    assert wilson(0, 0) is None
    with pytest.raises(ValueError):
        wilson(5, 4)
