"""``pledges upgrade | backup FILE | restore FILE | copy --to URL``: the ledger's schema, its
backups and moving it to another database.  The work is in pledges/; here a progress bar
(on a terminal, once the work has taken a second) and the one-line result."""

import time

import click

from pledges import i18n
from pledges.cli.app import App, pass_app
from pledges.cli.render import say

STAGES = {"upgrade": "upgrade_stage", "backup": "backup_stage", "checksum": "checksum_stage", "copy": "copy_stage"}


class _progress:
    """``progress(stage, done, total)`` for pledges/: a rich bar on stderr that appears only
    when stderr is a terminal and the work has already taken more than a second."""

    def __init__(self, lang: str):
        self.lang, self.started, self.bar, self.tasks = lang, time.monotonic(), None, {}

    def __enter__(self):
        return self.update

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()

    def update(self, stage: str, done: int, total: int) -> None:
        if self.bar is None and not self._start():
            return
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(i18n.word(STAGES[stage], self.lang), total=total)
        self.bar.update(self.tasks[stage], completed=done, total=total)

    def _start(self) -> bool:
        from rich.console import Console

        console = Console(stderr=True)
        if time.monotonic() - self.started < 1 or not console.is_terminal:
            return False
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                            TimeElapsedColumn(), console=console, transient=True)
        self.bar.start()
        return True


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.0f} KB"


def _took(started: float, lang: str) -> str:
    """How long it took, said only when a person waited for it (a second or more): "0.0 秒" is
    noise, and the guide's replayed output (docs/zh/admin.md) must not depend on the machine."""
    seconds = time.perf_counter() - started
    return i18n.text("took_seconds", lang, seconds=f"{seconds:.1f}") if seconds >= 1 else ""


@click.command("upgrade")
@click.option("--no-backup", is_flag=True,
              help="Do not back up first (PostgreSQL: you made your own backup; SQLite: skip the copy).")
@pass_app
def upgrade(app: App, no_backup):
    """Bring the ledger's schema up to this program's version.

    SQLite: a backup is written next to the file first (FILE.NNNN-DATETIME.backup).
    PostgreSQL: refused unless `pledges backup` was run in the last hour, or --no-backup.
    The whole upgrade is one transaction: interrupted, the ledger stays as it was.

    \b
    Example:
      pledges --db pledges.db upgrade
      pledges --db postgresql://pledges@db/pledges backup before.zip && pledges upgrade
    """
    from pledges.db import Ledger, shown_url
    from pledges.upgrade import upgrade_ledger

    ledger = Ledger(app.db)
    with _progress(app.lang) as progress:
        done = upgrade_ledger(ledger, no_backup=no_backup, progress=progress)
    url = shown_url(ledger.url)
    if done.backup:
        say("upgrade_backup", app.lang, err=True, file=done.backup)
    if done.reached != done.found:
        say("upgraded", app.lang, url=url, found=done.found, reached=done.reached)
    elif done.stamped:
        say("upgrade_stamped", app.lang, url=url, found=done.found)
    else:
        say("up_to_date", app.lang, url=url, found=done.found)


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@pass_app
def backup(app: App, file):
    """Write a consistent backup of the ledger to FILE while others keep working.

    One zip file for either database: a SQLite copy of the ledger, its schema version and a
    SHA-256 checksum.  Restore it with `pledges restore`.

    \b
    Example:
      pledges --db pledges.db backup pledges-2026-11-25.zip
      pledges --db postgresql://pledges@db/pledges backup /srv/backups/pledges.zip
    """
    from pledges.backup import backup as take
    from pledges.db import Ledger, shown_url

    started, ledger = time.perf_counter(), Ledger(app.db)
    with _progress(app.lang) as progress:
        done = take(ledger, file, progress)
    say("backed_up", app.lang, url=shown_url(ledger.url), file=done.file, version=int(done.revision),
        rows=f"{done.rows:,}", size=_size(done.size), took=_took(started, app.lang))


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_app
def restore(app: App, file):
    """Restore a backup into --db: a new SQLite file, or an empty ledger on either database.

    The backup's checksum is checked first; a ledger that holds rows is refused.

    \b
    Example:
      pledges --db restored.db restore pledges-2026-11-25.zip
      pledges --db postgresql://pledges@db/pledges restore pledges-2026-11-25.zip
    """
    from pledges.backup import restore as put_back
    from pledges.db import normalise_url, shown_url

    started = time.perf_counter()
    with _progress(app.lang) as progress:
        rows = put_back(file, normalise_url(app.db), progress)
    say("restored", app.lang, file=file, url=shown_url(normalise_url(app.db)), rows=f"{rows:,}",
        took=_took(started, app.lang))


@click.command("copy")
@click.option("--to", "target", required=True, metavar="URL", help="An empty database (or a new SQLite file).")
@pass_app
def copy(app: App, target):
    """Copy the whole ledger into another, empty database: SQLite ↔ PostgreSQL.

    Every table, ids kept, in one transaction on the target: interrupted, it stays empty.

    \b
    Example:
      pledges --db pledges.db copy --to postgresql://pledges@db/pledges
      pledges --db postgresql://pledges@db/pledges copy --to branch.db
    """
    from pledges.db import normalise_url, shown_url
    from pledges.transfer import copy_ledger

    started, source = time.perf_counter(), normalise_url(app.db)
    with _progress(app.lang) as progress:
        done = copy_ledger(source, normalise_url(target), progress)
    say("copied", app.lang, url=shown_url(source), target=shown_url(normalise_url(target)),
        rows=f"{done.total:,}", took=_took(started, app.lang))


@click.command("secure")
@click.option("--owner", metavar="ROLE", help="The role that owns the tables; no person uses it "
              "[default: as last secured, else pledges_owner].")
@click.option("--group", metavar="ROLE", help="The role every person's login is a member of "
              "[default: as last secured, else pledges_person].")
@pass_app
def secure(app: App, owner, group):
    """PostgreSQL: hand the tables to an owner role and let person logins do only their part.

    Persons (logins made by `pledges user add --login`) get SELECT, INSERT and UPDATE on the
    working tables, INSERT alone on the history, and row-level security keeps them inside the
    subtrees of their grants; no TRUNCATE, no DDL, no triggers.  Run by a superuser; run it
    again at any time (it changes only what differs).  `pledges upgrade` runs it again on a
    secured ledger.

    \b
    Example:
      pledges --db postgresql://postgres@db/pledges secure --owner pledges_owner
    """
    from pledges.db import shown_url
    from pledges.pgsecurity import secure as install

    ledger = app.ledger()
    done = install(ledger, owner, group)
    say("secured", app.lang, url=shown_url(ledger.url), owner=done.owner, group=done.group, tables=done.tables,
        policies=done.policies)


COMMANDS = [upgrade, backup, restore, copy, secure]
