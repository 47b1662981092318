"""``pledges board build``: the static site of a scope, written into a folder."""

import multiprocessing
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from pledges.db import Ledger
from pledges.public import read_scope
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
    the printable notice (and, with ``plaques``, members' plaques) of each organisation.  A large
    scope is written by one process per core (at most 4), forked after the ledger was read."""
    started = time.perf_counter()
    site = site or Site()
    scope = read_scope(ledger, org, campaign)
    pages = Pages(site)
    out = Path(out)
    for folder in ("o", "p", "print", "static"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    for name in ("board.css", "print.css", "search.js"):
        shutil.copyfile(STATIC / name, out / "static" / name)
    files = 3
    files += _write(out / "index.html", pages.index(scope))
    files += _write(out / "search.html", pages.search(scope))
    files += _write(out / "search-index.js", search_index(scope))
    job = _Job(scope, pages, out, plaques)
    workers = workers if workers is not None else (_cores() if len(scope.pledges) >= PARALLEL_FROM else 1)
    if workers > 1:
        global _JOB
        _JOB = job  # the forked workers inherit the scope read once, instead of having it pickled
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                files += sum(pool.starmap(_part, [(part, workers) for part in range(workers)]))
        finally:
            _JOB = None
    else:
        files += job.write(0, 1)
    return Built(out, len(scope.orgs), len(scope.pledges), files, time.perf_counter() - started)


PARALLEL_FROM = 20_000  # pledges: below this, starting worker processes costs more than it saves
_JOB = None


def _cores() -> int:
    return max(1, min(len(os.sched_getaffinity(0)), 4))


def _part(part: int, parts: int) -> int:
    return _JOB.write(part, parts)


@dataclass
class _Job:
    scope: object
    pages: Pages
    out: Path
    plaques: bool

    def write(self, part: int, parts: int) -> int:
        """Write every ``parts``-th organisation's and pledge's pages, starting at ``part``."""
        scope, pages, out, files = self.scope, self.pages, self.out, 0
        with_pledges = scope.by_org()
        for item in list(scope.orgs.values())[part::parts]:
            files += _write(out / org_path(item.code), pages.org(scope, item))
            if item.id in with_pledges:
                files += _write(out / notice_path(item.code), pages.notice(scope, item))
                if self.plaques:
                    files += _write(out / plaques_path(item.code), pages.plaques(scope, item, qr_svg))
        for pledge in list(scope.pledges.values())[part::parts]:
            files += _write(out / pledge_path(pledge.id), pages.pledge(scope, pledge))
        return files


def _write(path: Path, text: str) -> int:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return 1
