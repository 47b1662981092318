"""``pledges visit …``: the evaluation visit (现场点评).  For now the draw of the units to visit."""

import json
import shlex

import click

from pledges import i18n
from pledges.cli.app import App, pass_app
from pledges.cli.lint_cmd import add_row, grid_of
from pledges.cli.params import format_option
from pledges.cli.render import console, to_csv, to_json
from pledges.vocab import Kind

HASH_SHOWN = 12  # hex digits of a unit's hash in the table (JSON and CSV have all 64)
DRAWN_FIELDS = ("org", "kind", "rank", "code", "name", "hash")


@click.group("visit")
def visit():
    """The evaluation visit (现场点评): draw the basic units to visit.

    \b
    Example:
      pledges visit sample --org WL-DX --org WL-CB --units 10 --seed 2026-09-14
    """


def redo_example(sample) -> str:
    """A shell line that recomputes the first drawn unit's hash."""
    for org in sample.orgs:
        for kind in org.kinds:
            if kind.drawn:
                text = f"{sample.seed}|{kind.kind}|{kind.drawn[0].code}"
                program = f"import hashlib; print(hashlib.sha256({json.dumps(text, ensure_ascii=False)}.encode()).hexdigest())"
                return f"python3 -c {shlex.quote(program)}\n{kind.drawn[0].hash}"
    return ""


def drawn_rows(sample) -> list[dict]:
    return [{"org": org.code, "kind": kind.kind, "rank": rank, **unit.as_dict()}
            for org in sample.orgs for kind in org.kinds for rank, unit in enumerate(kind.drawn, 1)]


def show(sample, lang: str) -> None:
    from rich.text import Text

    out = console()
    for org in sample.orgs:
        title = i18n.text("visit_title", lang, code=org.code, name=org.name, units=org.units, n=sample.n,
                          seed=sample.seed)
        out.print(Text(title, style="bold"))
        kinds = grid_of([("kind", "left"), ("visit_units", "right"), ("visit_quota", "right"),
                         ("visit_drawn", "right")], lang)
        for kind in org.kinds:
            add_row(kinds, i18n.label_of(Kind, kind.kind, lang), kind.units, kind.quota, len(kind.drawn))
        out.print(kinds)
        units = grid_of([("kind", "left"), ("code", "left"), ("name", "left"), ("visit_hash", "left")], lang)
        for kind in org.kinds:
            for unit in kind.drawn:
                add_row(units, i18n.label_of(Kind, kind.kind, lang), unit.code, unit.name, unit.hash[:HASH_SHOWN])
        out.print(units)
    out.print(Text(i18n.text("visit_redo", lang)))
    out.print(Text(redo_example(sample)), soft_wrap=True)  # one line, to copy and paste


@visit.command("sample")
@click.option("--org", "orgs", multiple=True, required=True, metavar="CODE",
              help="An organisation to draw under (repeat for several: --org WL-DX --org WL-CB).")
@click.option("--units", "n", type=int, required=True, metavar="N", help="How many basic units to draw under each.")
@click.option("--seed", required=True, help="Any text, announced before the draw (e.g. the visit's date).")
@click.option("--quota", "quotas", multiple=True, metavar="KIND=N",
              help="A fixed number for a unit kind (村=4 or village=4; repeatable); the rest is shared out.")
@format_option()
@pass_app
def visit_sample(app: App, orgs, n, seed, quotas, fmt):
    """Draw N basic units under each organisation, reproducibly from SEED.

    Basic units are the organisations below it that are not committees.  N is shared among
    the unit kinds in proportion to their numbers (largest remainder), and within a kind the
    units whose SHA-256 of "SEED|KIND|CODE" sorts first are drawn: anyone with the seed can
    redo the draw by hand.  Nothing is written.

    \b
    Example:
      pledges visit sample --org WL-DX --org WL-CB --units 10 --seed 2026-09-14
      pledges visit sample --org WL-DX --units 10 --seed 2026-09-14 --quota 村=4 --quota 机关=0
    """
    from pledges.workflows.visit import sample

    drawn = sample(app.ledger(), orgs, n, seed, quotas, reader=app.reader)
    if fmt == "json":
        click.echo(to_json(drawn.as_dict()))
    elif fmt == "csv":
        click.echo(to_csv(drawn_rows(drawn)) or ",".join(DRAWN_FIELDS) + "\n", nl=False)
    else:
        show(drawn, app.lang)


COMMANDS = [visit]
