"""The evaluation visit (现场点评): drawing the basic units to check (docs/evaluation.md "sample" 抽查).

Under each chosen organisation:

1. The **basic units** (基层单位) are the organisations below it that are not committees (党委,
   党工委: the town, the street, 机关工委 are containers, not units one visits), each counted once
   with what is below it: an enterprise's branch under an enterprise unit is part of that unit.
   These are the units the seed's evaluation group drew (villages, communities, enterprises, new
   social organisations, institutions).
2. ``n`` is **allocated to the unit kinds** in proportion to how many units each kind has, by
   largest remainder: kind k first gets ⌊n·c_k / C⌋, then the seats left over go one each to the
   largest remainders n·c_k mod C; a tie goes to the kind with more units, then to the kind
   whose code name comes first alphabetically.  Explicit quotas (``village=4``) are taken as
   given and the rest of ``n`` is allocated over the other kinds the same way.
3. Within a kind, the units drawn are those whose SHA-256 of ``"{seed}|{kind}|{org code}"``
   (UTF-8, lowercase hex) sorts first; equal hashes (never seen) would be ordered by code.

Everything here is a pure function of the seed and the organisations' codes and kinds, so the
draw does not depend on the order rows were inserted, on ids or on the database.

The survey rates of the visit (awareness 知晓率, satisfaction 满意率 per respondent group) come
with a 95 % Wilson score interval (``wilson``).
"""

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from math import sqrt
from statistics import NormalDist

from pledges import i18n
from pledges.db import Ledger
from pledges.errors import BadInput
from pledges.orgs import OrgRow, list_orgs
from pledges.vocab import Kind

CONTAINER_KINDS = frozenset({Kind.committee})


def unit_hash(seed: str, kind: str, code: str) -> str:
    """The key a unit is drawn by: SHA-256 of ``"{seed}|{kind}|{code}"`` in lowercase hex."""
    return hashlib.sha256(f"{seed}|{kind}|{code}".encode()).hexdigest()


def hash_order(seed: str, kind: str, codes: Iterable[str]) -> list[str]:
    """``codes`` in the order they are drawn."""
    return sorted(codes, key=lambda code: (unit_hash(seed, kind, code), code))


def basic_units(rows: Iterable[OrgRow], top: str) -> list[OrgRow]:
    """The basic units below ``top`` among ``rows`` (its subtree, any order): the topmost
    organisations below it that are not committees."""
    children: dict[str | None, list[OrgRow]] = {}
    for row in rows:
        children.setdefault(row.parent, []).append(row)
    units, stack = [], list(children.get(top, []))
    while stack:
        row = stack.pop()
        if row.kind in CONTAINER_KINDS:
            stack.extend(children.get(row.code, []))
        else:
            units.append(row)
    return sorted(units, key=lambda row: row.code)


def largest_remainder(counts: Mapping[str, int], n: int) -> dict[str, int]:
    """``n`` seats over the kinds of ``counts`` in proportion to their numbers (largest
    remainder; ties to more units, then to the code name first in alphabetical order).
    ``n`` must not exceed the sum of the counts."""
    total = sum(counts.values())
    if n == 0 or total == 0:
        return {kind: 0 for kind in counts}
    seats = {kind: n * count // total for kind, count in counts.items()}
    left = n - sum(seats.values())
    ranked = sorted(counts, key=lambda kind: (-(n * counts[kind] % total), -counts[kind], kind))
    for kind in ranked[:left]:
        seats[kind] += 1
    return seats


def allocate(counts: Mapping[str, int], n: int, quotas: Mapping[str, int] | None = None, *,
             org: str = "") -> dict[str, int]:
    """How many units of each kind to draw: ``quotas`` as given, the rest of ``n`` by largest
    remainder over the other kinds.  Refuses what cannot be drawn (``BadInput``)."""
    quotas = dict(quotas or {})
    available = sum(counts.values())
    if n > available:
        raise BadInput("sample_too_many", org=org, count=available, n=n)
    if sum(quotas.values()) > n:
        raise BadInput("quota_over_n", total=sum(quotas.values()), n=n)
    for kind, quota in quotas.items():
        if quota > counts.get(kind, 0):
            raise BadInput("quota_over_kind", org=org, kind=Kind(kind), count=counts.get(kind, 0), quota=quota)
    free = {kind: count for kind, count in counts.items() if kind not in quotas and count}
    rest = n - sum(quotas.values())
    if rest > sum(free.values()):
        raise BadInput("quota_rest_short", org=org, count=sum(free.values()), rest=rest)
    seats = {**{kind: 0 for kind in counts}, **largest_remainder(free, rest), **quotas}
    return {kind.value: seats[kind] for kind in Kind if kind in seats}


def parse_quotas(texts: Iterable[str]) -> dict[str, int]:
    """``["村=3", "enterprise=2"]`` → ``{"village": 3, "enterprise": 2}``.  A kind may be typed
    as its code name or its Chinese or English label."""
    quotas: dict[str, int] = {}
    for text in texts:
        kind_text, sep, number = text.partition("=")
        kind = i18n.code_of(Kind, kind_text.strip())
        if not sep or not number.strip().isdigit():
            raise BadInput("bad_quota", value=text)
        if kind is None:
            raise BadInput("bad_quota_kind", value=kind_text.strip(), choices=i18n.choices(Kind))
        if kind in quotas:
            raise BadInput("quota_twice", kind=Kind(kind))
        quotas[kind] = int(number)
    return quotas


@dataclass(frozen=True)
class DrawnUnit:
    code: str
    name: str
    hash: str

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "hash": self.hash}


@dataclass
class KindDraw:
    kind: str
    units: int  # how many basic units of this kind there are
    quota: int | None  # the quota given for it, if any
    drawn: list[DrawnUnit] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "units": self.units, "quota": self.quota, "drawn": len(self.drawn),
                "sample": [unit.as_dict() for unit in self.drawn]}


@dataclass
class OrgDraw:
    code: str
    name: str
    units: int
    kinds: list[KindDraw]

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "units": self.units,
                "kinds": [kind.as_dict() for kind in self.kinds]}


@dataclass
class Sample:
    seed: str
    n: int
    quotas: dict[str, int]
    orgs: list[OrgDraw]

    def as_dict(self) -> dict:
        return {"seed": self.seed, "n": self.n, "quotas": dict(self.quotas),
                "rule": 'sha256("{seed}|{kind}|{code}")', "orgs": [org.as_dict() for org in self.orgs]}


def draw(rows: Iterable[OrgRow], top: OrgRow, n: int, seed: str, quotas: Mapping[str, int]) -> OrgDraw:
    """The draw under ``top`` from its subtree's ``rows``."""
    by_kind: dict[str, list[OrgRow]] = {}
    for unit in basic_units(rows, top.code):
        by_kind.setdefault(unit.kind, []).append(unit)
    seats = allocate({kind: len(units) for kind, units in by_kind.items()}, n, quotas, org=top.code)
    kinds = []
    for kind, take in seats.items():
        units = {unit.code: unit for unit in by_kind.get(kind, [])}
        if not units and not take:
            continue
        drawn = [DrawnUnit(code, units[code].name, unit_hash(seed, kind, code))
                 for code in hash_order(seed, kind, units)[:take]]
        kinds.append(KindDraw(kind, len(units), quotas.get(kind), drawn))
    return OrgDraw(top.code, top.name, sum(len(units) for units in by_kind.values()), kinds)


def sample(ledger: Ledger, orgs: Iterable[str], n: int, seed: str, quota_texts: Iterable[str] = (),
           reader: str | None = None) -> Sample:
    """``n`` basic units drawn under each of ``orgs`` (docs/evaluation.md); all refused if any is."""
    if not (seed or "").strip():
        raise BadInput("empty_field", field="--seed")
    if n < 1:
        raise BadInput("sample_n", n=n)
    quotas = parse_quotas(quota_texts)
    draws = []
    for code in dict.fromkeys(orgs):  # each organisation once, in the order given
        rows = list_orgs(ledger, code, reader)
        draws.append(draw(rows, rows[0], n, seed, quotas))
    return Sample(seed, n, quotas, draws)


# --- survey rates (知晓率, 满意率) ---------------------------------------------------------------

Z_95 = NormalDist().inv_cdf(0.975)  # 1.959963984540054


def wilson(successes: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (95 % by default): what a survey rate such as
    awareness (知晓率) or satisfaction (满意率) of ``n`` answers is known to within.  None when
    nobody answered."""
    if not 0 <= successes <= n:
        raise ValueError(f"{successes} successes out of {n}")
    if n == 0:
        return None
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    low = 0.0 if successes == 0 else centre - half  # exact at the ends, not 1e-17 off
    high = 1.0 if successes == n else centre + half
    return low, high
