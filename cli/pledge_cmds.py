"""``pledges init | add | edit | list | show``: declaring and reading pledges."""

import click

from pledges import i18n
from pledges.cli.app import App, pass_app
from pledges.cli.failures import Usage
from pledges.cli.params import DATE, STATE, content_from, content_options, format_option
from pledges.cli.render import PLEDGE_FIELDS, label_cells, labelled, say, to_csv, to_json
from pledges.cli.table import Col, bom_option, colored, limit_option, pager_option, render, write
from pledges.vocab import Outcome, State


def measure_cell(record: dict, lang: str) -> str:
    """"7/12 户", or the word for a qualitative pledge."""
    if record["qualitative"]:
        return i18n.word("qualitative", lang)
    return f"{record['done']}/{record['target']} {record['unit']}" if record["target"] else ""


# A pledge's choice fields as people read them, in the table and in the CSV (``list``, ``overdue``).
PLEDGE_LABELS = {"state": labelled(State), "outcome": labelled(Outcome)}

# In display order; the id and the title are always there, the others left out from the
# highest rank when the terminal is narrow (and named under the table).
LIST_COLUMNS = [
    Col("id", "id", right=True, keep=True),
    Col("org", "org", rank=4),
    Col("owner", "owner", shrink=6, rank=3, most=20, ease=10),
    Col("title", "title", shrink=10, keep=True, ease=24),
    Col("state", "state", PLEDGE_LABELS["state"], rank=2),
    Col("due", "due", lambda v, _: v.isoformat(), rank=1),
    Col("measure", "done", right=True, rank=5),
    Col("days_late", "overdue", right=True, rank=6),
]


@click.command("init")
@pass_app
def init(app: App):
    """Create an empty ledger in the database (--db / PLEDGES_DB).

    \b
    Example:
      pledges --db postgresql://postgres@127.0.0.1/pledges init
    """
    from pledges.db import Ledger, shown_url

    ledger = Ledger(app.db)
    say("initialised" if ledger.init() else "already_initialised", app.lang, url=shown_url(ledger.url))


@click.command("add")
@click.option("--org", required=True, metavar="CODE", help="Owning organisation (the member's, for a member pledge).")
@click.option("--member", metavar="NUMBER", help="Make it the member's own pledge (党员承诺).")
@content_options
@click.option("--due", required=True, type=DATE, help="Due date, inside the campaign.")
@click.option("--campaign", type=int, metavar="YEAR", help="Campaign year [default: this year].")
@format_option("text", "json")
@pass_app
def add(app: App, org, member, due, campaign, fmt, **kwargs):
    """Declare a pledge (a draft); prints its id.

    Give a measurable target (--target N --unit UNIT) or mark it --qualitative with a
    --criterion.

    \b
    Example:
      pledges add --org DX-V1 --title 走访困难群众 --target 12 --unit 户 --due 2026-09-30
      pledges add --org DX-V1 --member M0001 --title 带头垃圾分类 --qualitative \\
          --criterion 全年无违规 --due 2026-12-31
    """
    from pledges.entries import create_pledge
    from pledges.queries import show_pledge

    content = content_from(kwargs)
    if content["title"] is None:
        raise Usage("usage_title_missing")
    if content["target"] is None and not content["qualitative"]:
        raise Usage("usage_measure")
    content["qualitative"] = bool(content["qualitative"])
    pledge = create_pledge(app.ledger(), org=org, member=member, due=due, campaign=campaign, actor=app.actor,
                           check=app.may("create"), **content)
    if fmt == "json":
        click.echo(to_json(show_pledge(app.ledger(), pledge.id, app.reader).as_dict()))
    else:
        click.echo(pledge.id)
        say("pledge_added", app.lang, err=True, id=pledge.id, title=pledge.title)
    warn_quality(app, [pledge.id])


def warn_quality(app: App, pledge_ids) -> None:
    """The quality rules a pledge breaks, as warnings on stderr (docs/evaluation.md): printed,
    nothing refused (a campaign with ``lint_refuses`` refused them already)."""
    from pledges.quality import findings_of_pledges

    for finding in findings_of_pledges(app.ledger(), pledge_ids):
        say("lint_warning", app.lang, err=True, id=finding.id, code=finding.rule, message=finding.message(app.lang),
            suggestion=finding.suggestion(app.lang))


@click.command("edit")
@click.argument("pledge_id", metavar="ID", type=int)
@content_options
@pass_app
def edit(app: App, pledge_id, **kwargs):
    """Change a draft pledge (after it was returned, say).

    Once displayed, a pledge's content is frozen: use `pledges amend`.

    \b
    Example:
      pledges edit 12 --target 15 --unit 户
    """
    from pledges.entries import edit_draft

    edit_draft(app.ledger(), pledge_id, content_from(kwargs), actor=app.actor, check=app.may("edit"))
    say("pledge_edited", app.lang, id=pledge_id)


@click.command("list")
@click.option("--org", metavar="CODE", help="Only this organisation and those below it.")
@click.option("--state", type=STATE, help="Only pledges in this state.")
@click.option("--overdue", is_flag=True, help="Only overdue pledges (due date passed, not finished).")
@click.option("--member", metavar="NUMBER", help="Only this member's own pledges.")
@click.option("--as-of", type=DATE, help="As the ledger stood at the end of that day.")
@click.option("--campaign", type=int, metavar="YEAR", help="Campaign year [default: this year].")
@limit_option
@format_option()
@bom_option
@pager_option
@pass_app
def list_(app: App, org, state, overdue, member, as_of, campaign, limit, fmt, bom, no_pager):
    """List pledges, by id.

    \b
    Example:
      pledges list --org DX --overdue
      pledges list --limit 50
      pledges list --state displayed --format json
      pledges list --member M0001
      pledges list --org DX --format csv --bom > 承诺.csv
    """
    from pledges import fastread

    if bom and fmt != "csv":
        raise Usage("usage_bom_format")
    options = dict(org=org, state=state, overdue=overdue, as_of=as_of, campaign=campaign, limit=limit)
    records = None if member else fastread.list_pledges(app.db, **options)  # one member's: a few rows
    if records is None:
        from pledges.queries import list_pledges

        records = [view.as_dict() for view in list_pledges(app.ledger(), **options, member=member,
                                                           reader=app.reader)]
    if fmt == "json":
        click.echo(to_json(records))
    elif fmt == "csv":
        labelled_records = [label_cells(record, PLEDGE_LABELS, app.lang) for record in records]
        click.echo(to_csv(labelled_records, app.lang, bom, PLEDGE_FIELDS), nl=False)
    elif not records:
        say("no_rows", app.lang)
    else:
        for record in records:
            record["owner"] = record["member_name"] or i18n.text("org_pledge", app.lang)
            record["measure"] = measure_cell(record, app.lang)
        notes = [i18n.text("rows_limited", app.lang, limit=limit)] if limit and len(records) >= limit else []
        write(render(LIST_COLUMNS, records, app.lang, notes=notes, color=colored()), no_pager)


@click.command("show")
@click.argument("pledge_id", metavar="ID", type=int)
@format_option("table", "json")
@pass_app
def show(app: App, pledge_id, fmt):
    """Show one pledge with its whole history.

    \b
    Example:
      pledges show 12
      pledges show 12 --format json
    """
    from pledges.queries import show_pledge

    view = show_pledge(app.ledger(), pledge_id, app.reader).as_dict(details=True)
    if fmt == "json":
        click.echo(to_json(view))
    else:
        from pledges.cli.show_view import render_show

        render_show(view, app.lang)


COMMANDS = [init, add, edit, list_, show]
