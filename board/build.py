"""``pledges board build``: the static site of a scope, written into a folder."""

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
               site: Site | None = None, plaques: bool = True) -> Built:
    """Write every page of ``org``'s subtree (default: everything) into ``out``: the index,
    one page per organisation and per pledge on display, the search page and its index, and
    the printable notice (and, with ``plaques``, members' plaques) of each organisation."""
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
    with_pledges = scope.by_org()
    for item in scope.orgs.values():
        files += _write(out / org_path(item.code), pages.org(scope, item))
        if item.id in with_pledges:
            files += _write(out / notice_path(item.code), pages.notice(scope, item))
            if plaques:
                files += _write(out / plaques_path(item.code), pages.plaques(scope, item, qr_svg))
    for pledge in scope.pledges.values():
        files += _write(out / pledge_path(pledge.id), pages.pledge(scope, pledge))
    return Built(out, len(scope.orgs), len(scope.pledges), files, time.perf_counter() - started)


def _write(path: Path, text: str) -> int:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return 1
