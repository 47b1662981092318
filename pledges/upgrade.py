"""``pledges upgrade``: the missing revisions, in one transaction, after a backup.

On SQLite the backup is written next to the ledger file as ``FILE.NNNN-YYYYmmddTHHMMSS.backup``
(NNNN the version it held; a normal ``pledges backup`` file, so ``pledges restore`` takes it).
On PostgreSQL, where a copy of a big ledger is the operator's call, the upgrade is refused
unless ``pledges backup`` was run on it in the last hour or ``--no-backup`` is given."""

from dataclasses import dataclass
from pathlib import Path

from pledges.backup import backup, require_recent_backup, sqlite_path
from pledges.db import Ledger, shown_url
from pledges.errors import NotInitialised
from pledges.schema import Progress, check_foreign_keys, migrate, plan, transactional_engine


@dataclass
class Upgraded:
    found: int
    reached: int
    stamped: bool  # a ledger made before the revisions, now stamped at the first one
    backup: Path | None


def upgrade_ledger(ledger: Ledger, no_backup: bool = False, progress: Progress | None = None,
                   version_locations: tuple[str, ...] = ()) -> Upgraded:
    engine = transactional_engine(ledger.url)
    try:
        with engine.connect() as connection:
            todo = plan(connection, version_locations)
        if todo is None:
            raise NotInitialised(url=shown_url(ledger.url))
        if not todo.steps and not todo.stamp:
            return Upgraded(int(todo.current), int(todo.current), False, None)
        saved = None
        if todo.steps and not no_backup:
            saved = _backup_first(ledger, todo.current, progress)
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":  # one upgrade at a time
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7474650001)")
            migrate(connection, progress=progress, version_locations=version_locations)
            check_foreign_keys(connection)
        if engine.dialect.name == "postgresql":
            from pledges.pgsecurity import secure_again

            secure_again(ledger)  # new tables get the owner, grants and policies of the others
        return Upgraded(int(todo.current), int(todo.head), todo.stamp, saved)
    finally:
        engine.dispose()


def _backup_first(ledger: Ledger, current: str, progress: Progress | None) -> Path | None:
    path = sqlite_path(ledger.url)
    if path is None:
        require_recent_backup(ledger)
        return None
    stamp = ledger.now().strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.{current}-{stamp}.backup")
    backup(ledger, target, progress)
    return target
