"""``pledges board build``: the static site of a scope, written into a folder."""

import multiprocessing
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from pledges.db import Ledger
from pledges.public import Scope, read_scope
from pledges.board.qr import qr_svg
from pledges.board.render import (STATIC, Pages, Site, notice_path, org_path, plaques_path, pledge_path,
                                  search_index)


@dataclass
class Built:
    out: Path
    orgs: int
    pledges: int
    files: int
    seconds: float

    @property
    def entry(self) -> Path:
        return self.out / "index.html"


def build_site(ledger: Ledger, out: Path, *, org: str | None = None, campaign: int | None = None,
               site: Site | None = None, plaques: bool = True, workers: int | None = None) -> Built:
    """Write every page of ``org``'s subtree (default: everything) into ``out``: the index,
    one page per organisation and per pledge on display, the search page and its index, and
    the printable notice (and, with ``plaques``, members' plaques) of each organisation.

    A large scope is written by one process per core (at most 4): the organisations are dealt
    into parts of about as many pledges, and each process reads its part's members and pledges
    and writes their pages, so the reading is shared too (docs/performance.md)."""
    started = time.perf_counter()
    site = site or Site()
    pages = Pages(site)
    out = Path(out)
    for folder in ("o", "p", "print", "static"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    outline = read_scope(ledger, org, campaign, pledges=False)  # the organisations, counts and members shown
    if workers is None:
        workers = _cores() if sum(map(outline.count_of, outline.orgs)) >= PARALLEL_FROM else 1
    parts = _deal(outline, workers)
    job = _Job(ledger, org, campaign, pages, out, plaques)
    if len(parts) > 1:
        global _JOB
        _JOB = job  # inherited by the forked processes (a ledger and a Jinja environment do not pickle)
        try:
            with multiprocessing.get_context("fork").Pool(len(parts)) as pool:
                written = pool.map_async(_part, parts, chunksize=1)
                files = _write_outline(out, pages, outline)  # meanwhile
                done = written.get()
        finally:
            _JOB = None
    else:
        files, done = _write_outline(out, pages, outline), [job.write(parts[0] if parts else [])]
    return Built(out, len(outline.orgs), sum(pledges for pledges, _ in done), files + sum(n for _, n in done),
                 time.perf_counter() - started)


def _write_outline(out: Path, pages: Pages, outline: Scope) -> int:
    """The index, the search page and its index, and the static files."""
    for name in ("board.css", "print.css", "search.js"):
        shutil.copyfile(STATIC / name, out / "static" / name)
    return (3 + _write(out / "index.html", pages.index(outline)) + _write(out / "search.html", pages.search(outline))
            + _write(out / "search-index.js", search_index(outline)))


PARALLEL_FROM = 20_000  # pledges: below this, starting worker processes costs more than it saves
_JOB = None


def _cores() -> int:
    return max(1, min(len(os.sched_getaffinity(0)), 4))


def _deal(outline: Scope, workers: int) -> list[list[int]]:
    """The organisations' ids in ``workers`` parts of about as many pledges (the biggest first,
    each to the part with the fewest so far)."""
    parts: list[list[int]] = [[] for _ in range(max(1, workers))]
    load = [0] * len(parts)
    for org_id in sorted(outline.orgs, key=lambda key: -outline.count_of(key)):
        lightest = load.index(min(load))
        parts[lightest].append(org_id)
        load[lightest] += outline.count_of(org_id) + 1
    return [part for part in parts if part]


def _part(owner_ids: list[int]) -> tuple[int, int]:
    return _JOB.write(owner_ids)


@dataclass
class _Job:
    ledger: Ledger
    org: str | None
    campaign: int | None
    pages: Pages
    out: Path
    plaques: bool

    def write(self, owner_ids: list[int]) -> tuple[int, int]:
        """Read these organisations' members and pledges and write their pages; returns how
        many pledges, and how many files."""
        if multiprocessing.parent_process() is not None:
            self.ledger.engine.dispose(close=False)  # a forked process opens its own connections
        scope = read_scope(self.ledger, self.org, self.campaign, owner_ids=owner_ids)
        pages, out, files = self.pages, self.out, 0
        with_pledges = scope.by_org()
        for org_id in owner_ids:
            item = scope.orgs[org_id]
            files += _write(out / org_path(item.code), pages.org(scope, item))
            if item.id in with_pledges:
                files += _write(out / notice_path(item.code), pages.notice(scope, item))
                if self.plaques:
                    files += _write(out / plaques_path(item.code), pages.plaques(scope, item, qr_svg))
        for pledge in scope.pledges.values():
            files += _write(out / pledge_path(pledge.id), pages.pledge(scope, pledge))
        return len(scope.pledges), files


def _write(path: Path, text: str) -> int:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return 1
