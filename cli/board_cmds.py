"""``pledges board …``: the public notice board (亮诺): build the static site, serve it live,
moderate the public's ratings."""

import re
from pathlib import Path
from urllib.parse import unquote

import click

from pledges import i18n
from pledges.cli.app import App, pass_app
from pledges.cli.params import format_option
from pledges.cli.render import console, label_cells, say, to_csv, to_json


@click.group("board")
def board():
    """The public notice board (亮诺): pages, printables and the public's ratings.

    \b
    Example:
      pledges board build --out site --org WL-DX --base-url https://gs.example.cn/
      pledges board serve --port 8080
      pledges --as 王书记 board moderate --approve 12 --approve 13
    """


@board.command("build")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The folder to write the site into (created if needed).")
@click.option("--org", metavar="CODE", help="Only this organisation's subtree [default: everything].")
@click.option("--base-url", default="", metavar="URL",
              help="Where the site will be published; the plaques' QR codes open pages under it.")
@click.option("--checkpoint", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="The file `pledges audit checkpoint` wrote, printed in every footer.")
@click.option("--campaign", type=int, metavar="YEAR", help="The campaign's year [default: this year].")
@click.option("--plaques/--no-plaques", default=True, show_default=True,
              help="Also write members' plaques with QR codes (the slowest part of a city's build).")
@pass_app
def build(app: App, out, org, base_url, checkpoint, campaign, plaques):
    """Write the board of a scope as static pages: one per organisation and per pledge on
    display, an index by town and kind of unit, an offline search, and printable A4 notices
    (公示栏) and plaques (户牌/岗位牌).  Only what is public is written (docs/board.md).

    \b
    Example:
      pledges board build --out site --org WL-DX-V001 --base-url https://gs.example.cn/
    """
    from pledges.board import Site, build_site, read_checkpoint

    ledger = app.ledger()
    site = Site(lang=app.lang, base_url=base_url, checkpoint=read_checkpoint(ledger, checkpoint, app.lang))
    built = build_site(ledger, out, org=org, campaign=campaign, site=site, plaques=plaques)
    say("board_built", app.lang, out=str(out), orgs=f"{built.orgs:,}", pledges=f"{built.pledges:,}",
        files=f"{built.files:,}", seconds=f"{built.seconds:.1f}", open=readable_uri(built.entry.resolve()))


def readable_uri(path: Path) -> str:
    """``path``'s file:// address with its non-ASCII characters as they are (``…/公示/index.html``,
    which terminals and browsers open, rather than ``…/%E5%85%AC%E7%A4%BA/…``); spaces and the
    like stay escaped, so the address is still one word."""
    return re.sub(r"(?:%[89A-Fa-f][0-9A-Fa-f])+", lambda run: unquote(run.group(0)), path.as_uri())


@board.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True)
@click.option("--base-url", default="", metavar="URL", help="The public address, for the plaques' QR codes.")
@click.option("--checkpoint", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="The file `pledges audit checkpoint` wrote, printed in every footer.")
@click.option("--cache-seconds", type=click.FloatRange(0, 3600), default=5.0, show_default=True,
              help="How long a page is kept before it is read from the ledger again.")
@pass_app
def serve(app: App, host, port, base_url, checkpoint, cache_seconds):
    """Serve the board live from the ledger: read-only, except each pledge's public rating form
    (满意/基本满意/不满意 and a comment), which waits for moderation.

    \b
    Example:
      pledges --db ledger.db board serve --host 0.0.0.0 --port 8080
    """
    from pledges.board import Site, read_checkpoint, serve as run

    ledger = app.ledger()
    site = Site(lang=app.lang, base_url=base_url or f"http://{host}:{port}/",
                checkpoint=read_checkpoint(ledger, checkpoint, app.lang))
    say("board_serving", app.lang, host=host, port=port)
    run(ledger, host, port, site, cache_seconds)


@board.command("moderate")
@click.option("--approve", "approve", type=int, multiple=True, metavar="ID", help="Approve this rating (repeatable).")
@click.option("--reject", "reject", type=int, multiple=True, metavar="ID", help="Reject this rating (repeatable).")
@click.option("--org", metavar="CODE", help="List only the ratings of this organisation's subtree.")
@format_option()
@pass_app
def moderate(app: App, approve, reject, org, fmt):
    """Approve or reject the public's ratings from the board; with neither option, list those
    awaiting moderation.  Only approved ratings count in 满意率.

    \b
    Example:
      pledges board moderate --org WL-DX
      pledges --as 王书记 board moderate --approve 12 --reject 13
    """
    from pledges.workflows.public_ratings import moderate as decide, pending

    both = sorted(set(approve) & set(reject))
    if both:
        from pledges.cli.failures import Usage

        raise Usage("board_moderate_both", ids=", ".join(map(str, both)))
    if approve or reject:
        ledger, actor = app.ledger(), app.actor
        for verdict, ids in (("approved", approve), ("rejected", reject)):
            if ids:
                done = decide(ledger, list(ids), verdict, actor)
                say("board_moderated", app.lang, verdict=i18n.word(f"board_{verdict}", app.lang), n=len(done),
                    ids=", ".join(map(str, done)))
        return
    rows = pending(app.ledger(), org)
    if fmt in ("json", "csv"):
        records = [row.as_dict() for row in rows]
        if fmt == "csv":  # the answer as the table shows it
            records = [label_cells(record, {"grade": public_grade}, app.lang) for record in records]
        click.echo(to_json(records) if fmt == "json" else to_csv(records), nl=fmt == "json")
        return
    if not rows:
        say("board_none_pending", app.lang)
        return
    _table(rows, app.lang)


def public_grade(code: str, lang: str) -> str:
    """The public's answer (满意, 基本满意, 不满意) in the words of the board it was given on."""
    return i18n.word(f"public_{code}", lang)


def _table(rows, lang: str) -> None:
    from rich.table import Table
    from rich.text import Text

    from pledges.textsafe import visible

    table = Table(box=None)
    for key in ("board_moderate_id", "board_pledge", "board_member", "board_result", "board_comment_short"):
        table.add_column(i18n.word(key, lang))
    for row in rows:
        table.add_row(str(row.id), Text(visible(f"#{row.pledge_id} {row.title}")), Text(visible(row.member_name or row.org)),
                      public_grade(row.grade, lang), Text(visible(row.comment or "", newlines=False)))
    console().print(table)


COMMANDS = [board]
