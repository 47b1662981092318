"""The audit checkpoint printed in every page's footer, so that a reader can check later that
the history, and so the figures, were not changed since (docs/board.md).

It is the file ``pledges audit checkpoint`` writes (docs/audit.md), read and its signature
checked by ``pledges.verify.read_checkpoint``; a checkpoint of another ledger is refused."""

from pathlib import Path

from pledges import i18n
from pledges.db import Ledger
from pledges.errors import BadInput, CheckpointUnusable
from pledges.verify import ledger_origin, read_checkpoint


def read(ledger: Ledger, path: Path | None, lang: str = "zh") -> str | None:
    """The footer's line: the number of events, the last one's hash, when it was signed and the
    key's fingerprint (which the secretary publishes beside the figures); None without a file."""
    if path is None:
        return None
    if not Path(path).is_file():
        raise BadInput("board_checkpoint_missing", file=str(path))
    point = read_checkpoint(Path(path))
    ours = ledger_origin(ledger)
    if point.origin != ours:
        raise CheckpointUnusable("audit_other_ledger", origin=point.origin, ours=ours)
    return i18n.text("board_checkpoint_line", lang, size=f"{point.size:,}", hash=point.hash,
                     made_at=point.made_at, fingerprint=point.fingerprint())
