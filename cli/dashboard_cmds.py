"""``pledges dashboard | overdue``: the figures of docs/figures.md for organisers, the overdue list for secretaries."""

import time
from typing import NamedTuple

import click

from pledges import i18n
from pledges.textsafe import visible
from pledges.cli.app import App, pass_app
from pledges.cli.failures import Usage
from pledges.cli.params import DATE, format_option
from pledges.cli.render import Column, cell, console, emit_stream, safe, table, to_csv, to_json

BAR_CELLS = 5
NAME_CELLS = 26  # longer names (enterprises' full names) end in "…" so the figures keep their columns
FILLED, EMPTY = "▰", "▱"  # East-Asian width "neutral": one cell in every terminal


def percent(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value * 100:.{digits}f}%"


def bar(value: float | None) -> str:
    if value is None:
        return "-"
    filled = int(value * BAR_CELLS + 0.5)  # half up: 50% fills half the bar, rounded up
    return f"{FILLED * filled}{EMPTY * (BAR_CELLS - filled)} {percent(value)}"


def _joined(words: list[str], lang: str) -> str:
    return ("，" if lang == "zh" else ", ").join(words)


def _lagging(reasons: list[str], lang: str) -> str:
    return _joined([i18n.word(f"lagging_{reason.split('_')[0]}", lang) for reason in reasons], lang)


def _label(row) -> str:
    """The organisation's name, indented by its depth; "!" marks a lagging unit."""
    return "  " * row.depth + ("! " if row.lagging else "") + row.name


class Ranked(NamedTuple):
    """A column of the dashboard and its priority: a narrow terminal drops the highest first."""

    column: Column
    priority: int


# In display order.
DASHBOARD_COLUMNS = [
    Ranked(Column("label", "org"), 0),
    Ranked(Column("declared", "declared", justify="right"), 5),
    Ranked(Column("display_rate", "display_rate", lambda v, _: percent(v), justify="right", wrap=False), 6),
    Ranked(Column("due", "due_count", justify="right"), 3),
    Ranked(Column("fulfilled", "fulfilled", justify="right"), 4),
    Ranked(Column("completion_rate", "completion_rate", lambda v, _: bar(v), wrap=False), 1),
    Ranked(Column("on_time_rate", "on_time_rate", lambda v, _: percent(v), justify="right", wrap=False), 7),
    Ranked(Column("overdue", "overdue", justify="right"), 2),
    Ranked(Column("progress", "progress_mean", lambda v, _: percent(v), justify="right", wrap=False), 8),
    Ranked(Column("unfulfilled", "unfulfilled", justify="right"), 9),
    Ranked(Column("evaluation_coverage", "evaluation_coverage", lambda v, _: percent(v), justify="right",
                  wrap=False), 10),
    Ranked(Column("lagging", "lagging", _lagging), 11),
]
# `dashboard --evaluation`: the evaluation figures per unit (pledges/evaluation.py) instead
EVALUATION_COLUMNS = [
    Ranked(Column("label", "org"), 0),
    Ranked(Column("declared", "declared", justify="right"), 5),
    Ranked(Column("checkable_rate", "checkable_rate", lambda v, _: percent(v), justify="right", wrap=False), 2),
    Ranked(Column("evaluation_coverage", "evaluation_coverage", lambda v, _: percent(v), justify="right",
                  wrap=False), 4),
    Ranked(Column("scored", "scored", justify="right"), 6),
    Ranked(Column("score", "score", lambda v, _: "-" if v is None else f"{v:.1f}", justify="right", wrap=False), 1),
    Ranked(Column("grades", "final_grade", wrap=False), 3),
    Ranked(Column("satisfaction", "satisfaction", lambda v, _: percent(v), justify="right", wrap=False), 1),
    Ranked(Column("lagging", "lagging", _lagging), 7),
]


def dashboard_view(board, lang: str, width: int, columns=DASHBOARD_COLUMNS):
    """A header with the scope's totals, then the indented tree of organisations."""
    scope = board.totals.name or i18n.word("whole_ledger", lang)
    title = i18n.text("dashboard_title", lang, scope=scope, year=board.campaign, day=board.as_of)
    records = [{**row.as_dict(), "label": _label(row),
                "grades": f"{row.grade_excellent}/{row.grade_good}/{row.grade_pass}/{row.grade_fail}"}
               for row in board.rows]
    styles = ["bold red" if row.lagging else ("bold" if row.depth == 0 else None) for row in board.rows]
    return _view(title, board.totals, columns, records, styles, lang, width)


def breakdown_view(split, lang: str, width: int):
    """A header with the scope's totals, then one row per unit kind or category."""
    from pledges.vocab import Kind

    scope = split.scope or i18n.word("whole_ledger", lang)
    title = i18n.text("breakdown_title", lang, scope=scope, year=split.campaign, day=split.as_of,
                      by=i18n.word(f"by_{split.by}", lang))

    def label(key):
        if split.by == "kind":
            return i18n.label_of(Kind, key, lang)
        return key or i18n.word("uncategorised", lang)

    records = [{**row.as_dict(), "label": label(row.key)} for row in split.rows]
    columns = [Ranked(Column("label", split.by), 0),
               *(ranked for ranked in DASHBOARD_COLUMNS if ranked.column.key not in ("label", "lagging"))]
    return _view(title, split.totals, columns, records, [None] * len(records), lang, width)


def _view(title: str, totals, all_columns, records: list[dict], styles: list, lang: str, width: int):
    """Title, totals, and the table with as many columns as ``width`` holds (the dropped ones
    are named under it; JSON and CSV have them all)."""
    from rich.console import Group
    from rich.text import Text

    columns = sorted(all_columns, key=lambda ranked: ranked.priority)
    grid = _grid([ranked.column for ranked in all_columns], records, styles, lang)
    while len(columns) > 2 and _width(grid) > width:
        columns.pop()
        grid = _grid([ranked.column for ranked in all_columns if ranked in columns], records, styles, lang)
    shown = {k: (percent(v, 1) if isinstance(v, float) or v is None else v)
             for k, v in totals.as_dict().items() if k not in totals.IDENTITY}
    parts = [safe(title, style="bold"), Text(i18n.text("dashboard_totals", lang, **shown)), grid]
    dropped = [i18n.word(ranked.column.header, lang) for ranked in all_columns if ranked not in columns]
    if dropped:
        parts.append(Text(i18n.text("columns_dropped", lang, columns=_joined(dropped, lang)), style="dim"))
    return Group(*parts)


def _grid(columns: list[Column], records: list[dict], styles: list, lang: str):
    from rich import box
    from rich.table import Table

    grid = Table(header_style="bold", box=box.SIMPLE_HEAD, collapse_padding=True, pad_edge=False)
    for column in columns:
        label = column.key == "label"
        grid.add_column(i18n.word(column.header, lang), justify=column.justify, no_wrap=label or not column.wrap,
                        max_width=NAME_CELLS if label else None, overflow="ellipsis" if label else "fold")
    for record, style in zip(records, styles):
        grid.add_row(*(cell(column, record, lang) for column in columns), style=style)
    return grid


def _width(grid) -> int:
    from rich.console import Console
    from rich.measure import Measurement

    wide = Console(width=10_000)
    return Measurement.get(wide, wide.options, grid).maximum


@click.command("dashboard")
@click.option("--org", metavar="CODE", help="Scope: this organisation and everything below it [default: the top].")
@click.option("--depth", type=click.IntRange(min=0), default=2, show_default=True,
              help="How many levels below --org get a row of their own.")
@click.option("--by", type=click.Choice(["kind", "category"]),
              help="One row per unit kind or per category over the scope, instead of the tree.")
@click.option("--as-of", type=DATE, help="Figures as they stood at the end of that day.")
@click.option("--campaign", type=int, metavar="YEAR", help="Campaign year [default: this year].")
@click.option("--watch", is_flag=True, help="Redraw every --interval seconds until Ctrl-C.")
@click.option("--interval", type=click.FloatRange(min=0), default=10, show_default=True,
              help="Seconds between redraws with --watch.")
@click.option("--frames", type=click.IntRange(min=1), hidden=True, help="Stop --watch after this many redraws.")
@click.option("--evaluation", is_flag=True,
              help="Evaluation columns instead: checkable rate, score, final grades, satisfaction (JSON and CSV "
                   "always have them).")
@format_option()
@pass_app
def dashboard(app: App, org, depth, by, as_of, campaign, watch, interval, frames, fmt, evaluation):
    """Completion rates by organisation, each rolled up over everything below it.

    Rows: declared, display rate (亮诺率), due, fulfilled, completion rate (践诺率), on-time
    rate, overdue, average progress, unfulfilled, evaluation coverage (评诺率).  Units that lag
    (lowest completion, most overdue among their peers) are marked.

    \b
    Example:
      pledges dashboard
      pledges dashboard --org WL-DX --depth 1 --as-of 2026-06-30
      pledges dashboard --by kind --org WL-DX
      pledges dashboard --format json
      pledges dashboard --org WL-DX --depth 1 --evaluation
    """
    from pledges.breakdown import breakdown
    from pledges.figures import dashboard as figures

    if watch and fmt != "table":
        raise Usage("usage_watch_format")
    ledger = app.ledger()

    def board():
        if by:
            return breakdown(ledger, by, org=org, as_of=as_of, campaign=campaign)
        return figures(ledger, org=org, depth=depth, as_of=as_of, campaign=campaign,
                       evaluation=evaluation or fmt != "table")  # the default table does not show them

    if evaluation and by:
        raise Usage("usage_evaluation_by")
    view = breakdown_view if by else dashboard_view
    if evaluation:
        def view(found, lang, width):
            return dashboard_view(found, lang, width, EVALUATION_COLUMNS)
    _warn_if_outside(app, ledger, campaign, as_of)
    if watch:
        _watch(lambda width: view(board(), app.lang, width), interval, frames)
    elif fmt == "json":
        click.echo(to_json(board().as_dict()))
    elif fmt == "csv":
        click.echo(to_csv([_flat(row) for row in board().rows]), nl=False)
    else:
        out = console()
        out.print(view(board(), app.lang, out.width))


def _warn_if_outside(app: App, ledger, campaign: int | None, as_of) -> None:
    """One line on stderr when --as-of lies outside the campaign, so empty figures say why."""
    from pledges.campaigns import empty_as_of

    note = empty_as_of(ledger, campaign, as_of) if as_of else None
    if note:
        click.echo(i18n.text(note.key, app.lang, **note.params), err=True)


def _flat(row) -> dict:
    record = row.as_dict()
    if "lagging" in record:
        record["lagging"] = " ".join(record["lagging"])
    return record


def _watch(draw, interval: float, frames: int | None) -> None:
    """Redraw in place with rich Live until Ctrl-C (or ``frames`` redraws)."""
    from rich.live import Live

    shown, out = 0, console()
    with Live(draw(out.width), console=out, auto_refresh=False) as live:
        try:
            while True:
                shown += 1
                if frames and shown >= frames:
                    break
                time.sleep(interval)
                live.update(draw(out.width), refresh=True)
        except KeyboardInterrupt:
            pass


OVERDUE_COLUMNS = [
    Column("owner", "owner", wrap=False),
    Column("org", "org", wrap=False),
    Column("title", "title"),
    Column("due", "due", wrap=False),
    Column("days_late", "days_late", justify="right", wrap=False),
    Column("measure", "done", justify="right", wrap=False),
    Column("last_progress", "last_progress", lambda v, lang: v.isoformat() if v else i18n.word("none", lang),
           wrap=False),
]


@click.command("overdue")
@click.option("--org", metavar="CODE", help="Only this organisation and those below it.")
@click.option("--escalated", is_flag=True,
              help="Only those late by more than the campaign's escalation threshold (14 days by default).")
@click.option("--as-of", type=DATE, help="As the ledger stood at the end of that day.")
@click.option("--campaign", type=int, metavar="YEAR", help="Campaign year [default: this year].")
@format_option()
@pass_app
def overdue(app: App, org, escalated, as_of, campaign, fmt):
    """Every overdue pledge, most days late first: what a secretary opens every Monday.

    Overdue: the due date has passed and the pledge is approved, displayed or in progress.

    \b
    Example:
      pledges overdue --org WL-DX-V001
      pledges overdue --org WL-DX --escalated
      pledges overdue --as-of 2026-09-30 --format csv
    """
    from pledges.figures import overdue_rows
    from pledges.cli.pledge_cmds import measure_cell

    day, rows = overdue_rows(app.ledger(), org=org, as_of=as_of, campaign=campaign, escalated=escalated)
    if fmt != "table":
        return emit_stream((row.as_dict() for row in rows), fmt)  # a province's list is never held whole
    records = [{**row.as_dict(), "measure": measure_cell(row.as_dict(), app.lang)} for row in rows]
    title = i18n.text("overdue_title", app.lang, scope=org or i18n.word("whole_ledger", app.lang),
                      count=len(records), day=day)
    if not records:
        click.echo(visible(title))
    console().print(table(records, OVERDUE_COLUMNS, app.lang, title) if records else i18n.text("no_rows", app.lang))


COMMANDS = [dashboard, overdue]
