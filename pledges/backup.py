"""``pledges backup FILE`` and ``pledges restore FILE``: one format for both databases.

A backup is a zip file holding ``ledger.sqlite``, a complete SQLite ledger (any ``pledges --db``
can read it), and ``manifest.json``: the format, the schema revision, the SHA-256 and size of
the payload, the rows per table, when and from which kind of database it was taken.  From
SQLite the payload is SQLite's online backup of the file in one step (one consistent instant,
writers carry on meanwhile); from PostgreSQL it is a copy of one REPEATABLE READ snapshot
(``pledges.transfer``).  The file is written as ``FILE.partial`` and renamed when complete.

A restore checks the zip, the manifest and the checksum before it writes anything, then
either places the payload as the new SQLite file or copies its rows into an empty ledger on
either database in one transaction."""

import hashlib
import json
import os
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from pledges.db import Ledger, normalise_url, shown_url
from pledges.errors import BackupNeeded, BackupRefused, LedgerTooNew, NotInitialised, SchemaMismatch
from pledges.models import SCHEMA_VERSION
from pledges.schema import HEAD, Progress, migrate, stored_revision, transactional_engine

FORMAT = "pledges-backup"
FORMAT_VERSION = 1
PAYLOAD = "ledger.sqlite"
MANIFEST = "manifest.json"
CHUNK = 1 << 20
RECENT = timedelta(hours=1)  # how fresh a backup must be for `upgrade` on PostgreSQL


@dataclass
class BackedUp:
    file: Path
    revision: str
    rows: int
    size: int


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL or an in-memory database)."""
    parsed = make_url(normalise_url(url))
    return Path(parsed.database) if parsed.get_backend_name() == "sqlite" and parsed.database else None


def backup(ledger: Ledger, file: str | Path, progress: Progress | None = None) -> BackedUp:
    _require_known(ledger)
    file = Path(file)
    partial = file.with_name(file.name + ".partial")
    with tempfile.TemporaryDirectory(dir=file.parent, prefix=".pledges-backup-") as work:
        payload = Path(work) / PAYLOAD
        source = sqlite_path(ledger.url)
        if source is not None:
            _sqlite_online_backup(ledger, source, payload)
        else:
            _snapshot_into_sqlite(ledger.url, payload, progress)
        manifest = _manifest(ledger.url, payload)
        _write_zip(partial, payload, manifest, progress)
    os.replace(partial, file)
    record_backup(ledger)
    return BackedUp(file, manifest["revision"], sum(manifest["rows"].values()), file.stat().st_size)


def _require_known(ledger: Ledger) -> None:
    """A ledger of this program's schema or an older one (backed up before its upgrade)."""
    found = ledger.schema_version()
    if found is None:
        raise NotInitialised(url=shown_url(ledger.url))
    if found > SCHEMA_VERSION:
        raise SchemaMismatch(url=shown_url(ledger.url), found=found, needed=SCHEMA_VERSION)


def _sqlite_online_backup(ledger: Ledger, source: Path, payload: Path) -> None:
    with sqlite3.connect(source, timeout=30) as src, sqlite3.connect(payload) as dst:
        src.backup(dst)  # one step: one read transaction, so one consistent instant
    src.close()
    dst.close()


def _snapshot_into_sqlite(url: str, payload: Path, progress: Progress | None) -> None:
    from pledges.transfer import copy_ledger

    copy_ledger(url, f"sqlite:///{payload}", progress, as_it_is=True)


def _manifest(url: str, payload: Path) -> dict:
    engine = transactional_engine(f"sqlite:///{payload}", immediate=False)
    try:
        with engine.connect() as connection:
            revision = stored_revision(connection)
            rows = {name: connection.scalar(select(func.count()).select_from(text(f'"{name}"')))
                    for name in sorted(_table_names(connection))}
    finally:
        engine.dispose()
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "revision": revision,
            "schema_version": int(revision), "engine": make_url(normalise_url(url)).get_backend_name(),
            "created_at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "payload": PAYLOAD, "rows": rows}


def _table_names(connection) -> list[str]:
    return [name for (name,) in connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]


def _write_zip(target: Path, payload: Path, manifest: dict, progress: Progress | None) -> None:
    """The payload, stored as it is (SQLite pages compress slowly: 10x the time for 4x less
    disk; compress the file afterwards if disk matters more), then the manifest with the
    payload's SHA-256 and size, computed on the way."""
    size, digest, done = payload.stat().st_size, hashlib.sha256(), 0
    entry = zipfile.ZipInfo(PAYLOAD, date_time=datetime.now().timetuple()[:6])
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
        with open(payload, "rb") as stream, archive.open(entry, "w", force_zip64=True) as member:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                member.write(chunk)
                done += len(chunk)
                if progress:
                    progress("backup", done, size)
        manifest.update(size=done, sha256=digest.hexdigest())
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    with open(target, "rb+") as stream:
        os.fsync(stream.fileno())


def record_backup(ledger: Ledger) -> None:
    """Remember when this database was last backed up (``upgrade`` on PostgreSQL asks)."""
    stamp = ledger.now().isoformat(timespec="seconds")
    with ledger.engine.begin() as connection:
        updated = connection.execute(text("UPDATE meta SET value = :v WHERE key = 'last_backup_at'"), {"v": stamp})
        if updated.rowcount == 0:
            connection.execute(text("INSERT INTO meta (key, value) VALUES ('last_backup_at', :v)"), {"v": stamp})


def require_recent_backup(ledger: Ledger) -> None:
    with ledger.engine.connect() as connection:
        value = connection.scalar(text("SELECT value FROM meta WHERE key = 'last_backup_at'"))
    if value is None or ledger.now() - datetime.fromisoformat(value) > RECENT:
        raise BackupNeeded(url=shown_url(ledger.url), last=value or "—")


# --- restore ---------------------------------------------------------------------------------


def read_manifest(file: Path) -> dict:
    """The manifest of a whole backup; a missing, truncated or foreign file is refused."""
    if not file.is_file():
        raise BackupRefused("backup_missing", file=str(file))
    try:
        with zipfile.ZipFile(file) as archive:
            manifest = json.loads(archive.read(MANIFEST))
            archive.getinfo(PAYLOAD)
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, OSError) as err:
        raise BackupRefused("backup_damaged", file=str(file)) from err
    if manifest.get("format") != FORMAT or not str(manifest.get("revision", "")).isdigit():
        raise BackupRefused("backup_damaged", file=str(file))
    if manifest.get("format_version") != FORMAT_VERSION or int(manifest["revision"]) > int(HEAD):
        raise LedgerTooNew(found=manifest["revision"], known=HEAD)
    return manifest


def extract_payload(file: Path, manifest: dict, into: Path, progress: Progress | None = None) -> None:
    """Unpack the payload, refusing it unless its SHA-256 and size are those of the manifest."""
    digest, done = hashlib.sha256(), 0
    try:
        with zipfile.ZipFile(file) as archive, archive.open(PAYLOAD) as member, open(into, "wb") as out:
            while chunk := member.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                done += len(chunk)
                if progress:
                    progress("checksum", done, manifest["size"])
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as err:
        raise BackupRefused("backup_damaged", file=str(file)) from err
    if digest.hexdigest() != manifest["sha256"] or done != manifest["size"]:
        raise BackupRefused("backup_edited", file=str(file))


def restore(file: str | Path, target_url: str, progress: Progress | None = None) -> int:
    """Restore a backup into a new SQLite file, or into an empty ledger on either database.
    Returns the number of rows restored."""
    file = Path(file)
    manifest = read_manifest(file)
    target_file = sqlite_path(target_url)
    workdir = target_file.parent if target_file else None
    with tempfile.TemporaryDirectory(dir=workdir, prefix=".pledges-restore-") as work:
        payload = Path(work) / PAYLOAD
        extract_payload(file, manifest, payload, progress)
        _bring_to_head(payload, manifest["revision"], progress)
        rows = sum(manifest["rows"].values())
        if target_file is not None and _absent(target_file):
            _drop_local_meta(payload)
            os.replace(payload, target_file)
            return rows
        from pledges.transfer import copy_ledger

        return copy_ledger(f"sqlite:///{payload}", target_url, progress).total


def _bring_to_head(payload: Path, revision: str, progress: Progress | None) -> None:
    if revision == HEAD:
        return
    engine = transactional_engine(f"sqlite:///{payload}")
    try:
        with engine.begin() as connection:
            migrate(connection, progress=progress)
    finally:
        engine.dispose()


def _absent(path: Path) -> bool:
    return not path.exists() or (path.stat().st_size == 0 and not Path(f"{path}-wal").exists())


def _drop_local_meta(payload: Path) -> None:
    with sqlite3.connect(payload) as connection:
        connection.execute("DELETE FROM meta WHERE key = 'last_backup_at'")
    connection.close()
