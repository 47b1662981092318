"""The latest audit checkpoint printed in every page's footer, so a reader can check later that
the figures were not changed since (the checkpoints themselves are made by the audit chain).

Read from a file (``--checkpoint FILE``: a JSON object, whose ``seq``/``id``, ``head``/``hash``
and ``at`` are shown, or any text, whose first line is) or, without one, from the ledger's
``meta`` key ``audit_checkpoint`` if present."""

import json
from pathlib import Path

from pledges.db import Ledger
from pledges.errors import BadInput
from pledges.models import Meta

META_KEY = "audit_checkpoint"
SHOWN = (("seq", "id", "event"), ("head", "hash", "digest"), ("at", "time", "signed_at"))


def read(ledger: Ledger, path: Path | None = None) -> str | None:
    if path is not None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError:
            raise BadInput("board_checkpoint_missing", file=str(path)) from None
    else:
        with ledger.session() as session:
            row = session.get(Meta, META_KEY)
            text = row.value if row else None
    return summary(text) if text and text.strip() else None


def summary(text: str) -> str:
    """One line: the checkpoint's number, head hash and time, or the text's first line."""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        parts = [str(data[key]) for names in SHOWN for key in names[:1] + names[1:] if key in data][:3]
        if parts:
            return " · ".join(parts)
    return text.strip().splitlines()[0][:300]
