"""How a demo pledge's year goes: when it is declared and due, and what becomes of it.

Declared mostly in the first weeks of the campaign (some late in the day), due at a half-year or
year end or any day between; then approved, displayed, worked on.  Most are fulfilled on time,
some late, some are extended, some stall, fail or are withdrawn; a few are returned once for
correction.  ``walk`` draws the plan and takes its steps through ``Life``, which stops at the
as-of day."""

import random
from datetime import date, timedelta
from itertools import accumulate

from pledges.demo import words
from pledges.demo.life import Life

# What becomes of a displayed pledge, and how often (per cent).
FATES = (("on_time", 56), ("late", 12), ("slow", 8), ("unfulfilled", 6), ("stalled", 12), ("silent", 6))
FATE_NAMES = tuple(name for name, _ in FATES)
FATE_WEIGHTS = tuple(accumulate(weight for _, weight in FATES))  # cumulative, as random.choices takes them
GRADES = {"on_time": (("excellent", "good"), (5, 4)), "late": (("good", "pass"), (1, 2)),
          "slow": (("good", "pass"), (1, 2)), "unfulfilled": (("pass", "fail"), (1, 2)),
          "stalled": (("pass", "fail"), (1, 2)), "silent": (("pass", "fail"), (1, 3))}


def days(n: int) -> timedelta:
    return timedelta(days=n)


def pick(rng: random.Random, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high``, like ``randint`` but a few times cheaper."""
    return low + int(rng.random() * (high - low + 1))


def declared(rng: random.Random, as_of: date) -> tuple[date, date]:
    """The day a pledge is created and its due date: both inside the as-of's campaign year."""
    first, last = date(as_of.year, 1, 1), date(as_of.year, 12, 31)
    if rng.random() < 0.88:
        created = min(first + days(pick(rng, 1, 75)), as_of)
    else:  # declared lately, still on its way through approval
        created = max(as_of - days(pick(rng, 0, 40)), first)
    earliest = min(created + days(21), last)
    roll = rng.random()
    due = (last if roll < 0.3 else date(as_of.year, 6, 30) if roll < 0.45 else date(as_of.year, 9, 30) if roll < 0.55
           else earliest + days(pick(rng, 0, (last - earliest).days)))
    return created, max(due, earliest)


def split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` as ``parts`` positive amounts (``parts`` ≤ ``total``)."""
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    return [b - a for a, b in zip([0, *cuts], [*cuts, total])]


def between(rng: random.Random, start: date, end: date, count: int) -> list[date]:
    span = max((end - start).days, 0)
    return sorted(start + days(pick(rng, 0, span)) for _ in range(count))


class Story:
    """A pledge's content (as the pledge row holds it) and what it needs on its way: how it is
    displayed, how progress is noted, how an amendment rewrites it."""

    def __init__(self, content: dict, prefix: str | None, verb: str | None, channel: str, place: str):
        self.content, self.prefix, self.verb, self.channel, self.place = content, prefix, verb, channel, place
        self.target, self.unit = content["target"], content["unit"]  # the target the work is planned for

    def note(self, rng: random.Random, amount: int) -> str:
        return f"{self.verb} {amount} {self.unit}" if self.target else rng.choice(words.NOTES_QUALITATIVE)

    def amended(self, target: int) -> dict:
        title = f"{self.prefix} {target} {self.unit}"
        return {**self.content, "title": title, "content": f"全年{title}", "target": target}


def walk(life: Life, story: Story, rng: random.Random, created: date) -> None:
    """Take the pledge from its creation as far as the as-of day allows."""
    life.step("create", created, rng)
    roll = rng.random()
    if roll < 0.02:
        life.step("withdraw", created + days(pick(rng, 0, 10)), rng, reason=rng.choice(words.WITHDRAW_REASONS))
        return
    if not life.step("submit", created + days(pick(rng, 0, 7)), rng):
        return
    if rng.random() < 0.05:  # returned once for correction, then submitted again
        if not (life.step("return", life.day + days(pick(rng, 1, 5)), rng, reason=rng.choice(words.RETURN_REASONS))
                and life.step("submit", life.day + days(pick(rng, 1, 5)), rng)):
            return
    roll = rng.random()
    if roll < 0.01:
        life.step("withdraw", life.day + days(pick(rng, 1, 10)), rng, reason=rng.choice(words.WITHDRAW_REASONS))
        return
    if roll < 0.025 or not life.step("approve", life.day + days(pick(rng, 1, 10)), rng):
        return  # never approved
    if roll < 0.035:
        life.step("withdraw", life.day + days(pick(rng, 1, 10)), rng, reason=rng.choice(words.WITHDRAW_REASONS))
        return
    _after_approval(life, story, rng, stuck=roll < 0.06)


def _extension(life: Life, rng: random.Random) -> tuple[date, date] | None:
    """The day the due date is moved, and the new due date; None for most pledges."""
    last = date(life.due.year, 12, 31)
    if rng.random() >= 0.08 or life.due >= date(life.due.year, 12, 1):
        return None
    on = max(life.day + days(1), life.due - days(pick(rng, 1, 20)))
    new_due = min(life.due + days(pick(rng, 20, 90)), last)
    return (on, new_due) if on < life.due < new_due else None


def _amendment(story: Story, rng: random.Random, shown: date) -> list[tuple]:
    """A few displayed pledges raise their target soon after display: amended (back to
    submitted), approved and displayed again before any work is recorded."""
    if not story.target or rng.random() >= 0.04:
        return []
    amended_on = shown + days(pick(rng, 1, 10))
    approved_on = amended_on + days(pick(rng, 1, 5))
    story.target += pick(rng, 1, max(1, story.target // 3))
    return [(amended_on, 1, "amend", story.target), (approved_on, 1, "approve", None),
            (approved_on + days(pick(rng, 1, 5)), 1, "display", None)]


def _after_approval(life: Life, story: Story, rng: random.Random, stuck: bool) -> None:
    """Display, extension or amendment, progress, the outcome and the evaluation, in the order
    of their days."""
    extension = _extension(life, rng)
    due = extension[1] if extension else life.due
    shown = life.day + days(pick(rng, 1, 14))
    plan: list[tuple] = []
    if extension:
        plan.append((extension[0], 1, "extend", extension[1]))
    if not stuck:
        plan.append((shown, 0, "display", None))
        plan.extend([] if extension else _amendment(story, rng, shown))
        shown = plan[-1][0]  # displayed again after an amendment
        plan.extend(_outcome(story, rng, shown, due, max(shown, extension[0]) if extension else shown))
    for day, _, trigger, payload in sorted(plan, key=lambda p: (p[0], p[1])):
        if life.ended:
            return
        if trigger == "display":
            life.display(day, rng, story.channel, story.place)
        elif trigger == "record_progress":
            life.progress(day, rng, payload, story.note(rng, payload), _evidence(rng))
        elif trigger == "extend":
            life.step("extend", day, rng, reason=rng.choice(words.EXTEND_REASONS), due=payload)
        elif trigger == "evaluate":
            comment = rng.choice(words.COMMENTS[payload])
            _ratings(life, day, payload)
            if not life.ended:
                life.evaluate(day, rng, payload, comment)
        elif trigger == "amend":
            story.content = life.amend(day, rng, rng.choice(words.AMEND_REASONS), story.content,
                                       story.amended(payload))
        else:
            life.step(trigger, day, rng, reason=payload)


RATING_GRADES = ("excellent", "good", "pass", "fail")
PUBLIC_SHARES = {"excellent": (0.8, 0.15), "good": (0.6, 0.3), "pass": (0.4, 0.35), "fail": (0.2, 0.3)}  # 满意, 基本满意


def _ratings(life: Life, day: date, grade: str) -> None:
    """Self, member and public ratings collected at the evaluation (评诺会), near the
    organisation's grade: drawn from the life's own random stream (``eval_rng``), so the rest
    of the demo is the same with or without them."""
    rng = getattr(life, "eval_rng", None)
    if rng is None:
        return
    i = RATING_GRADES.index(grade)
    tallies = []
    if rng.random() < 0.8:  # people rate themselves a little kindly
        tallies.append(("self", RATING_GRADES[max(0, i - (rng.random() < 0.4))], 1))
    if rng.random() < 0.6:
        n = pick(rng, 5, 30)
        same = int(n * rng.uniform(0.5, 0.9))
        tallies += [("members", grade, same), ("members", RATING_GRADES[max(0, i - 1)], n - same)]
    if rng.random() < 0.5:
        n = pick(rng, 10, 60)
        satisfied, fair = PUBLIC_SHARES[grade]
        k = min(n, int(n * satisfied * rng.uniform(0.8, 1.2)))
        m = min(n - k, int(n * fair * rng.uniform(0.8, 1.2)))
        tallies += [("public", "satisfied", k), ("public", "fair", m), ("public", "unsatisfied", n - k - m)]
    for group, given, count in tallies:
        if count > 0 and not life.rate(day, rng, group, given, count):
            return


def _evidence(rng: random.Random) -> str | None:
    return f"IMG_{pick(rng, 1000, 9999)}" if rng.random() < 0.4 else None


def _outcome(story: Story, rng: random.Random, shown: date, due: date, not_before: date) -> list[tuple]:
    """Progress entries, then complete or fail, then the evaluation: (day, order, trigger, payload)."""
    fate = rng.choices(FATE_NAMES, cum_weights=FATE_WEIGHTS)[0]
    if fate in ("on_time", "late", "slow"):
        end = {"on_time": due - days(pick(rng, 0, 45)), "late": due + days(pick(rng, 1, 45)),
               "slow": due + days(pick(rng, 30, 150))}[fate]
        steps = _worked_to_the_end(story, rng, shown, max(end, shown, not_before))
    else:
        steps = [] if fate == "silent" else _worked_partly(story, rng, shown, due, fate)
        if fate == "unfulfilled" or rng.random() < 0.4:
            steps.append((max(due + days(pick(rng, 10, 60)), not_before), 3, "fail", rng.choice(words.FAIL_REASONS)))
    if steps and steps[-1][2] in ("complete", "fail") and rng.random() < 0.7:
        grades, weights = GRADES[fate]
        steps.append((steps[-1][0] + days(pick(rng, 3, 60)), 4, "evaluate", rng.choices(grades, weights)[0]))
    return steps


def _worked_to_the_end(story: Story, rng: random.Random, shown: date, end: date) -> list[tuple]:
    """Progress from soon after display up to ``end``, reaching the target, then complete."""
    total = story.target or 0
    count = min(pick(rng, 1, 5), total) if total else pick(rng, 1, 4)
    amounts = split(total, count, rng) if total else [0] * count
    first = min(shown + days(pick(rng, 3, 45)), end)
    on = [first, *between(rng, first, end, count - 2), end] if count > 1 else [end]
    steps = [(day, 2, "record_progress", amount) for day, amount in zip(on, amounts)]
    # A qualitative pledge is completed on an organiser's confirmation note.
    steps.append((end, 3, "complete", None if story.target else rng.choice(words.CONFIRM_NOTES)))
    return steps


def _worked_partly(story: Story, rng: random.Random, shown: date, due: date, fate: str) -> list[tuple]:
    """Some progress in the first part of the time, then none: the work stops short."""
    share = rng.uniform(*((0.3, 0.9) if fate == "unfulfilled" else (0.1, 0.5)))
    stop = shown + days(int((due - shown).days * share))
    total = max(1, int((story.target or 0) * rng.uniform(0.1, 0.8)))
    count = min(pick(rng, 1, 4), total)
    amounts = split(total, count, rng) if story.target else [0] * count
    return [(day, 2, "record_progress", amount) for day, amount in zip(between(rng, shown, stop, count), amounts)]
