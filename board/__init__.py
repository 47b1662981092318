"""The public notice board (亮诺, docs/board.md): static pages, printables and a small web
server, read through ``pledges.public`` and ``pledges.workflows``."""

from pledges.board.build import Built, build_site
from pledges.board.render import Site

__all__ = ["Built", "Site", "build_site", "read_checkpoint", "serve"]


def serve(ledger, host: str, port: int, site: Site | None = None, cache_seconds: float = 5.0) -> None:
    """Serve the board live (uvicorn) until interrupted."""
    from pledges.board.web import serve as run

    run(ledger, host, port, site, cache_seconds)


def read_checkpoint(ledger, path=None, lang: str = "zh") -> str | None:
    """The footer's audit checkpoint (docs/board.md): the file ``pledges audit checkpoint``
    wrote, its signature checked; None without one."""
    from pledges.board.checkpoint import read

    return read(ledger, path, lang)
