"""Rendering one pledge for people: its facts, then its history as a timeline."""

from datetime import datetime
from zoneinfo import ZoneInfo

from pledges import i18n
from pledges.cli.render import Column, console, labelled, safe, table
from pledges.models import DEFAULT_TIMEZONE
from pledges.vocab import Channel, Grade, Outcome, PublicGrade, RaterGroup, State


def _local(value: str, lang: str) -> str:
    """A stored UTC time shown in the campaign time zone, to the minute."""
    return datetime.fromisoformat(value).astimezone(ZoneInfo(DEFAULT_TIMEZONE)).strftime("%Y-%m-%d %H:%M")


def _trigger(value, lang):
    return i18n.trigger_label(value, lang)


HISTORY = [Column("at", "at", _local, wrap=False), Column("trigger", "trigger", _trigger),
           Column("from", "from", labelled(State)), Column("to", "to", labelled(State)),
           Column("actor", "actor"), Column("reason", "reason")]
PROGRESS = [Column("day", "on", wrap=False), Column("amount", "amount", justify="right"), Column("note", "note"),
            Column("evidence", "evidence"), Column("actor", "actor")]
DISPLAYS = [Column("day", "on", wrap=False), Column("channel", "channel", labelled(Channel)), Column("place", "place"),
            Column("actor", "actor")]
def _grade(value, lang):
    return i18n.label_of(PublicGrade if value in PublicGrade.__members__.values() else Grade, value, lang)


EVALUATIONS = [Column("rater_group", "rater", labelled(RaterGroup)), Column("grade", "grade", _grade),
               Column("count", "ballots", justify="right"), Column("comment", "comment"), Column("actor", "actor")]
VERSIONS = [Column("number", "id", justify="right"), Column("title", "title"), Column("target", "target"),
            Column("unit", "unit"), Column("criterion", "criterion"), Column("reason", "reason")]


def _facts(view: dict, lang: str) -> list[tuple[str, str]]:
    from pledges.cli.pledge_cmds import measure_cell

    owner = f"{view['member']} {view['member_name']}" if view["member"] else i18n.text("org_pledge", lang)
    facts = [
        ("org", f"{view['org']} {view['org_name']}"),
        ("owner", owner),
        ("state", i18n.label_of(State, view["state"], lang)),
        ("outcome", i18n.label_of(Outcome, view["outcome"], lang)),
        ("due", str(view["due"]) + (f" ({i18n.word('original_due', lang)} {view['original_due']})"
                                    if view["due"] != view["original_due"] else "")),
        ("done", measure_cell(view, lang)),
        ("criterion", view["criterion"] or ""),
        ("category", view["category"] or ""),
        ("content", view["content"] or ""),
    ]
    if view.get("score") is not None:
        facts.append(("score", f"{view['score']:.1f}（{_grade(view['final_grade'], lang)}）" if lang != "en"
                      else f"{view['score']:.1f} ({_grade(view['final_grade'], lang)})"))
    if view["overdue"]:
        facts.append(("days_late", str(view["days_late"])))
    return [(i18n.word(key, lang), value) for key, value in facts if value]


def render_show(view: dict, lang: str) -> None:
    from rich.table import Table

    from rich.text import Text

    out = console()
    out.print(Text.assemble(safe(f"#{view['id']} {view['title']}", style="bold"), f"  ({view['campaign']})"))
    facts = Table.grid(padding=(0, 2))
    for name, value in _facts(view, lang):
        facts.add_row(safe(name, style="dim"), safe(value))
    out.print(facts)
    sections = [("history", view["history"], HISTORY), ("progress", view["progress"], PROGRESS),
                ("displays", view["displays"], DISPLAYS), ("evaluations", view["evaluations"], EVALUATIONS),
                ("versions", view["versions"], VERSIONS)]
    for key, records, columns in sections:
        if records:
            out.print(table(records, columns, lang, title=i18n.word(key, lang)))
