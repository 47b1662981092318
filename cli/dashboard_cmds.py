"""``pledges dashboard | overdue``: the figures of docs/figures.md for organisers, the overdue list for secretaries."""

import time
from itertools import chain, islice

import click

from pledges import i18n
from pledges.textsafe import visible
from pledges.cli.app import App, pass_app
from pledges.cli.failures import Usage
from pledges.cli.params import DATE, format_option
from pledges.cli.pledge_cmds import PLEDGE_LABELS
from pledges.cli.render import PLEDGE_FIELDS, console, emit_stream, label_cells, labelled, to_csv, to_json
from pledges.cli.table import (BOLD, RED, Col, bom_option, colored, limit_option, pager_option, render, terminal_width,
                               wrap, write)
from pledges.tally import RATES
from pledges.vocab import Kind

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
    return _joined([i18n.word(f"lagging_{reason}", lang) for reason in reasons], lang)


def _label(row) -> str:
    """The organisation's name, indented by its depth; "!" marks a lagging unit."""
    return "  " * row.depth + ("! " if row.lagging else "") + row.name


# In display order.  ``rank``: a narrow terminal leaves out the highest first; the name and the
# reason of a "!" are always there (issue 11: the reason went missing at 80 columns).
BOARD_COLUMNS = [
    Col("label", "org", shrink=10, keep=True, most=NAME_CELLS, ease=NAME_CELLS),
    Col("declared", "declared", right=True, rank=7),
    Col("display_rate", "display_rate", lambda v, _: percent(v), right=True, rank=8),
    Col("due", "col_due", right=True, rank=4),
    Col("fulfilled_due", "col_fulfilled_due", right=True, rank=5),
    Col("completion_rate", "col_completion", lambda v, _: bar(v), rank=2),
    Col("overdue", "overdue", right=True, rank=6),
    Col("overdue_rate", "col_overdue_rate", lambda v, _: percent(v), right=True, rank=3),
    Col("on_time_rate", "on_time_rate", lambda v, _: percent(v), right=True, rank=9),
    Col("progress", "progress_mean", lambda v, _: percent(v), right=True, rank=10),
    Col("unfulfilled", "unfulfilled", right=True, rank=11),
    Col("evaluation_coverage", "evaluation_coverage", lambda v, _: percent(v), right=True, rank=12),
    Col("fulfilled", "col_fulfilled_all", right=True, rank=13),
    Col("lagging", "lagging", _lagging, keep=True),
]
# With --evaluation (pledges/evaluation.py), before the reason of a "!".  They are what was asked
# for, so a narrow terminal keeps them after the completion rate and leaves out the other figures
# first (issue 15: at 100 columns all three were left out).
EVALUATION_COLUMNS = [
    Col("score", "score", lambda v, _: "-" if v is None else f"{v:.1f}", right=True, rank=2),
    Col("satisfaction", "satisfaction", lambda v, _: percent(v), right=True, rank=3),
    Col("checkable_rate", "checkable_rate", lambda v, _: percent(v), right=True, rank=3),
]


def board_columns(board) -> list:
    """The dashboard's columns; the evaluation figures when they were read."""
    if not any(row.evaluation for row in board.rows):
        return BOARD_COLUMNS
    return [*BOARD_COLUMNS[:-1], *EVALUATION_COLUMNS, BOARD_COLUMNS[-1]]


def lagging_first(rows: list) -> list:
    """The rows in tree order, each organisation's children with the lagging ones first."""
    codes = {row.code for row in rows}
    children: dict[str | None, list] = {}
    for row in rows:
        children.setdefault(row.parent if row.parent in codes else None, []).append(row)
    ordered, stack = [], list(reversed(sorted(children.get(None, []), key=lambda row: not row.lagging)))
    while stack:
        row = stack.pop()
        ordered.append(row)
        stack.extend(reversed(sorted(children.get(row.code, []), key=lambda child: not child.lagging)))
    return ordered


def board_lines(board, lang: str, width: int, color: bool = False):
    """The dashboard for people: title, totals, the tree (lagging units first), a legend."""
    scope = board.totals.name or i18n.word("whole_ledger", lang)
    title = i18n.text("dashboard_title", lang, scope=scope, year=board.campaign, day=board.as_of)
    shown = {k: (percent(v, 1) if isinstance(v, float) or v is None else v)
             for k, v in board.totals.as_dict().items() if k not in board.totals.IDENTITY}
    records = ({**row.as_dict(), "label": _label(row), "_row": row} for row in lagging_first(board.rows))

    def style(record):
        row = record["_row"]
        return RED if row.lagging else (BOLD if row.depth == 0 else None)

    yield from wrap(title, width)
    yield from wrap(i18n.text("board_totals", lang, **shown), width)
    yield ""
    yield from render(board_columns(board), records, lang, width=width, notes=[i18n.text("board_legend", lang)],
                      style=style, color=color)


def group_label(by: str):
    """How a ``--by`` row is named: a unit kind by its label, a category as typed (or 未分类)."""
    if by == "kind":
        return labelled(Kind)
    return lambda key, lang: key or i18n.word("uncategorised", lang)


def breakdown_lines(split, lang: str, width: int, color: bool = False):
    """A header with the scope's totals, then one row per unit kind or category."""
    scope = split.scope or i18n.word("whole_ledger", lang)
    title = i18n.text("breakdown_title", lang, scope=scope, year=split.campaign, day=split.as_of,
                      by=i18n.word(f"by_{split.by}", lang))

    shown = {k: (percent(v, 1) if isinstance(v, float) or v is None else v)
             for k, v in split.totals.as_dict().items() if k not in split.totals.IDENTITY}
    label = group_label(split.by)
    records = ({**row.as_dict(), "label": label(row.key, lang)} for row in split.rows)
    columns = [Col("label", split.by, shrink=10, keep=True, most=NAME_CELLS),
               *(column for column in BOARD_COLUMNS if column.key not in ("label", "lagging"))]
    yield from wrap(title, width)
    yield from wrap(i18n.text("board_totals", lang, **shown), width)
    yield ""
    yield from render(columns, records, lang, width=width, color=color)


@click.command("dashboard")
@click.option("--org", metavar="CODE", help="Scope: this organisation and everything below it [default: the top].")
@click.option("--depth", type=click.IntRange(min=0), default=1, show_default=True,
              help="How many levels below --org get a row of their own.")
@click.option("--by", type=click.Choice(["kind", "category"]),
              help="One row per unit kind or per category over the scope, instead of the tree.")
@click.option("--as-of", type=DATE, help="Figures as they stood at the end of that day.")
@click.option("--campaign", type=int, metavar="YEAR", help="Campaign year [default: this year].")
@click.option("--watch", is_flag=True, help="Redraw every --interval seconds until Ctrl-C.")
@click.option("--interval", type=click.FloatRange(min=0), default=10, show_default=True,
              help="Seconds between redraws with --watch.")
@click.option("--frames", type=click.IntRange(min=1), hidden=True, help="Stop --watch after this many redraws.")
@format_option()
@bom_option
@pager_option
@pass_app
@click.option("--evaluation", is_flag=True,
              help="Also the evaluation figures per unit: score, final grades, satisfaction (满意率), checkable rate.")
def dashboard(app: App, org, depth, by, as_of, campaign, watch, interval, frames, fmt, bom, no_pager, evaluation):
    """Completion rates by organisation, each rolled up over everything below it.

    Shows the scope and the level below it, lagging units first; drill down with --org, or
    show more levels with --depth.  Columns: declared, display rate (亮诺率), due, done of
    due, completion rate (践诺率 = done of due ÷ due), overdue, overdue rate (逾期率 = overdue
    ÷ due), on-time rate, average progress, unfulfilled, evaluation coverage (评诺率), done in
    all.  Units that lag (lowest completion, highest overdue rate among their peers) are
    marked "!" with the reason.

    \b
    Example:
      pledges dashboard
      pledges dashboard --org WL-DX --as-of 2026-06-30
      pledges dashboard --depth 9 --no-pager
      pledges dashboard --by kind --org WL-DX
      pledges dashboard --org WL-DX --evaluation
      pledges dashboard --format csv --bom > 统计.csv
    """
    if watch and fmt != "table":
        raise Usage("usage_watch_format")
    _check_bom(bom, fmt)

    def board():
        if by:
            from pledges.breakdown import breakdown

            return breakdown(app.ledger(), by, org=org, as_of=as_of, campaign=campaign, reader=app.reader)
        from pledges import fastread

        fast = None if evaluation else fastread.dashboard(app.db, org=org, depth=depth, as_of=as_of, campaign=campaign)
        if fast is not None:
            return fast  # read today's standing: nothing to warn of
        from pledges.figures import dashboard as figures

        _warn_if_outside(app, app.ledger(), campaign, as_of)
        return figures(app.ledger(), org=org, depth=depth, as_of=as_of, campaign=campaign, reader=app.reader,
                       evaluation=evaluation)

    if by:
        _warn_if_outside(app, app.ledger(), campaign, as_of)
    lines = breakdown_lines if by else board_lines
    if watch:
        _watch(lambda width: lines(board(), app.lang, width), interval, frames)
    elif fmt == "json":
        click.echo(to_json(board().as_dict()))
    elif fmt == "csv":
        click.echo(to_csv([_flat(row, app.lang, by) for row in board().rows], app.lang, bom), nl=False)
    else:
        write(lines(board(), app.lang, terminal_width(), colored()), no_pager)


def _check_bom(bom: bool, fmt: str) -> None:
    if bom and fmt != "csv":
        raise Usage("usage_bom_format")


def _warn_if_outside(app: App, ledger, campaign: int | None, as_of) -> None:
    """One line on stderr when --as-of lies outside the campaign, so empty figures say why."""
    from pledges.campaigns import empty_as_of

    note = empty_as_of(ledger, campaign, as_of) if as_of else None
    if note:
        click.echo(i18n.text(note.key, app.lang, **note.params), err=True)


def _flat(row, lang: str, by: str | None = None) -> dict:
    """A row for CSV: rates as percentages (Excel reads "62.5%" as a percentage); the unit kind,
    a ``--by`` row's kind or category and the reasons of a lagging unit (as one cell) as the
    table shows them, in ``lang``."""
    record = row.as_dict()
    for name in (*RATES, "satisfaction", "checkable_rate"):
        if name in record:
            record[name] = None if record[name] is None else f"{record[name] * 100:.1f}%"
    labels = {"kind": labelled(Kind), "lagging": _lagging}
    if by:
        labels["key"] = group_label(by)
    return label_cells(record, labels, lang)


def _watch(draw, interval: float, frames: int | None) -> None:
    """Redraw in place with rich Live until Ctrl-C (or ``frames`` redraws)."""
    from rich.live import Live
    from rich.text import Text

    def frame(width):
        return Text("\n".join(draw(width)))

    shown, out = 0, console()
    with Live(frame(out.width), console=out, auto_refresh=False, vertical_overflow="visible") as live:
        try:
            while True:
                shown += 1
                if frames and shown >= frames:
                    break
                time.sleep(interval)
                live.update(frame(out.width), refresh=True)
        except KeyboardInterrupt:
            pass


def _last_progress(value, lang: str) -> str:
    return value.isoformat() if value else i18n.word("none", lang)


# In display order; the pledge id and the title are always there (issue 11: without the id the
# Monday list could not be acted on).
OVERDUE_COLUMNS = [
    Col("id", "id", right=True, keep=True),
    Col("owner", "owner", shrink=6, rank=3, most=20, ease=10),
    Col("org", "org", rank=4),
    Col("title", "title", shrink=10, keep=True, ease=24),
    Col("due", "due", lambda v, _: v.isoformat(), rank=2),
    Col("days_late", "col_days_late", right=True, keep=True),
    Col("measure", "done", right=True, rank=5),
    Col("last_progress", "last_progress", _last_progress, rank=6),
]


@click.command("overdue")
@click.option("--org", metavar="CODE", help="Only this organisation and those below it.")
@click.option("--escalated", is_flag=True,
              help="Only those late by more than the campaign's escalation threshold (14 days by default).")
@click.option("--as-of", type=DATE, help="As the ledger stood at the end of that day.")
@click.option("--campaign", type=int, metavar="YEAR", help="Campaign year [default: this year].")
@limit_option
@format_option()
@bom_option
@pager_option
@pass_app
def overdue(app: App, org, escalated, as_of, campaign, limit, fmt, bom, no_pager):
    """Every overdue pledge, most days late first: what a secretary opens every Monday.

    Overdue: the due date has passed and the pledge is approved, displayed or in progress.

    \b
    Example:
      pledges overdue --org WL-DX-V001
      pledges overdue --org WL-DX --escalated --limit 20
      pledges overdue --as-of 2026-09-30 --format csv --bom > 逾期.csv
    """

    from pledges import fastread

    _check_bom(bom, fmt)
    options = dict(org=org, as_of=as_of, campaign=campaign, escalated=escalated)
    found = fastread.overdue_rows(app.db, **options)
    if found is None:
        from pledges.figures import overdue_rows

        found = overdue_rows(app.ledger(), **options, reader=app.reader)
    day, rows = found
    if fmt != "table":
        # a province's list is never held whole
        shown = islice(rows, limit) if limit else rows
        if fmt == "json":
            return emit_stream((row.as_dict() for row in shown), fmt)
        return emit_stream((label_cells(row.as_dict(), PLEDGE_LABELS, app.lang) for row in shown), fmt, app.lang, bom,
                           PLEDGE_FIELDS)
    scope = org or i18n.word("whole_ledger", app.lang)
    rows = iter(rows)
    first = next(rows, None)
    which = "_escalated" if escalated else ""  # the title says when only those to escalate (督办) are listed
    if first is None:
        click.echo(visible(i18n.text("overdue_title" + which, app.lang, scope=scope, count=0, day=day)))
        click.echo(i18n.text("no_rows", app.lang))
        return
    heading = i18n.text("overdue_heading" + which, app.lang, scope=scope, day=day)
    write(_overdue_lines(chain([first], rows), heading, limit, app.lang), no_pager)


def _overdue_lines(rows, heading: str, limit: int | None, lang: str):
    """The overdue table; the count in its title is known only at the end, so it goes under
    the table (the title says the scope and the day).  With ``--limit`` the rows past the limit
    are counted, not drawn, so the count is the scope's, not the page's."""
    from pledges.cli.pledge_cmds import measure_cell

    count = 0

    def records():
        nonlocal count
        for row in islice(rows, limit) if limit else rows:
            count += 1
            record = row.as_dict()
            record["measure"] = measure_cell(record, lang)
            yield record

    yield from render(OVERDUE_COLUMNS, records(), lang, title=heading, color=colored())
    shown = count
    count += sum(1 for _ in rows)
    if count > shown:
        yield i18n.text("overdue_count_limited", lang, count=count, limit=shown)
    else:
        yield i18n.text("overdue_count", lang, count=count)


COMMANDS = [dashboard, overdue]
