"""The shape of a demo ledger, decided before anything is written: the organisation tree, how
many members each branch has and how many pledges each organisation and member makes.

``plan_demo(scale, seed)`` touches no database, so the city's figures can be checked without
loading it.  The same seed always gives the same plan."""

import random
from dataclasses import dataclass, field

from pledges.demo import words

KINDS = ("village", "community", "enterprise", "social", "institution", "organ", "soe", "school")


@dataclass(frozen=True)
class Scale:
    towns: tuple[str, ...]
    street: dict[str, tuple[int, int]]  # branches of each kind under a street (街道): lowest, highest
    town: dict[str, tuple[int, int]]  # … under a town (镇)
    city_organs: int  # organ branches of the city's departments, under 市直机关工委
    members: int
    org_pledges: tuple[int, int]  # pledges per organisation: lowest, highest
    member_pledges: tuple[int, int]  # pledges per member


SCALES = {
    "small": Scale(
        towns=words.SMALL_TOWNS,
        street={"village": (1, 1), "community": (2, 2), "enterprise": (1, 2), "social": (1, 1), "institution": (1, 1)},
        town={"village": (2, 3), "community": (1, 1), "enterprise": (1, 2), "social": (1, 1), "institution": (1, 1),
              "school": (0, 1)},
        city_organs=1, members=300, org_pledges=(5, 12), member_pledges=(2, 6)),
    "city": Scale(
        towns=tuple(code for code, _ in words.TOWNS),
        street={"village": (25, 40), "community": (10, 20), "enterprise": (25, 45), "social": (6, 14),
                "institution": (5, 10), "organ": (3, 6), "soe": (1, 3), "school": (2, 5)},
        town={"village": (45, 75), "community": (2, 6), "enterprise": (25, 45), "social": (6, 14),
              "institution": (5, 10), "organ": (3, 6), "soe": (1, 3), "school": (2, 5)},
        city_organs=40, members=57_000, org_pledges=(5, 12), member_pledges=(2, 6)),
}
# Members per branch, relative, by kind (a village branch is large, a social organisation small).
MEMBER_WEIGHT = {"village": 40, "community": 30, "enterprise": 12, "social": 8, "institution": 20, "organ": 25,
                 "soe": 30, "school": 25, "committee": 0}


@dataclass
class OrgSpec:
    id: int  # position in the plan, from 1; the ledger's id is offset by the first free id
    code: str
    name: str
    kind: str
    parent: int | None
    ancestors: list[int]  # ids from the top down to the parent
    members: int = 0
    pledges: int = 0


@dataclass
class DemoPlan:
    scale: str
    seed: int
    orgs: list[OrgSpec] = field(default_factory=list)
    member_pledges: list[int] = field(default_factory=list)  # per member, in member order

    @property
    def members(self) -> int:
        return len(self.member_pledges)

    @property
    def org_pledges(self) -> int:
        return sum(org.pledges for org in self.orgs)

    @property
    def pledges(self) -> int:
        return self.org_pledges + sum(self.member_pledges)

    def counts(self) -> dict[str, int]:
        return {"orgs": len(self.orgs), "members": self.members, "org_pledges": self.org_pledges,
                "member_pledges": sum(self.member_pledges)}


def plan_demo(scale: str = "small", seed: int = 1) -> DemoPlan:
    """The tree, the members per branch and the pledges per owner of a ``scale`` demo."""
    size = SCALES[scale]
    rng = random.Random(f"{seed}/plan")
    plan = DemoPlan(scale, seed)
    city = _add(plan, "WL", "温岭市委", "committee", None)
    towns = dict(words.TOWNS)
    for code in size.towns:
        street = towns[code].endswith("街道")
        town = _add(plan, f"WL-{code}", f"{towns[code]}党{'工委' if street else '委'}", "committee", city)
        namer = Namer(rng, towns[code])
        for kind in KINDS:
            low, high = (size.street if street else size.town).get(kind, (0, 0))
            for number in range(1, rng.randint(low, high) + 1):
                _add(plan, f"{town.code}-{words.CODE_LETTER[kind]}{number:03d}", namer.name(kind, number), kind, town)
    organs = _add(plan, "WL-JG", "市直机关工委", "committee", city)
    for number, department in enumerate(words.CITY_ORGANS[:size.city_organs], 1):
        _add(plan, f"WL-JG-J{number:03d}", f"市{department}党支部", "organ", organs)
    _share_members(plan, size, rng)
    for org in plan.orgs:
        org.pledges = rng.randint(*size.org_pledges)
    plan.member_pledges = [rng.randint(*size.member_pledges) for _ in range(size.members)]
    return plan


def _add(plan: DemoPlan, code: str, name: str, kind: str, parent: OrgSpec | None) -> OrgSpec:
    ancestors = [*parent.ancestors, parent.id] if parent else []
    org = OrgSpec(len(plan.orgs) + 1, code, name, kind, parent and parent.id, ancestors)
    plan.orgs.append(org)
    return org


def _share_members(plan: DemoPlan, size: Scale, rng: random.Random) -> None:
    """Exactly ``size.members`` members over the branches, by kind weight and chance; the
    remainder goes to the largest fractions."""
    weights = [MEMBER_WEIGHT[org.kind] * rng.uniform(0.5, 1.5) for org in plan.orgs]
    total = sum(weights)
    shares = [size.members * w / total for w in weights]
    for org, share in zip(plan.orgs, shares):
        org.members = int(share)
    left = size.members - sum(org.members for org in plan.orgs)
    by_fraction = sorted(range(len(shares)), key=lambda i: (int(shares[i]) - shares[i], i))
    for i in by_fraction[:left]:
        plan.orgs[i].members += 1


class Namer:
    """Unit names under one town, never the same twice."""

    def __init__(self, rng: random.Random, town: str):
        self.rng, self.town, self.short = rng, town, town[:-2] if town.endswith("街道") else town[:-1]
        self.used: set[str] = set()

    def place(self) -> str:
        while True:
            name = self.rng.choice(words.PLACE_FIRST) + self.rng.choice(words.PLACE_SECOND)
            if name not in self.used:
                self.used.add(name)
                return name

    def _nth(self, choices: list[str], number: int) -> str:
        base = choices[(number - 1) % len(choices)]
        return base if number <= len(choices) else f"{self.place()}{base}"

    def name(self, kind: str, number: int) -> str:
        if kind == "village":
            return f"{self.place()}村党支部"
        if kind == "community":
            return f"{self.place()}社区党支部"
        if kind == "enterprise":
            brand = self.rng.choice(words.BRAND) + self.rng.choice(words.BRAND)
            return f"温岭市{brand}{self.rng.choice(words.INDUSTRIES)}有限公司党支部"
        if kind == "organ":
            return f"{self.town}机关第{'一二三四五六七八九十'[(number - 1) % 10]}党支部"
        table = {"social": words.SOCIAL, "institution": words.INSTITUTIONS, "soe": words.SOES, "school": words.SCHOOLS}
        return f"{self.short}{self._nth(table[kind], number)}党支部"
