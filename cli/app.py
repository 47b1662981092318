"""What every command shares: the chosen database, the acting person, the language."""

from dataclasses import dataclass, field

import click

from pledges.errors import NoActor


@dataclass
class App:
    db: str | None = None
    actor_name: str | None = None
    lang: str = "zh"
    debug: bool = False
    _ledger: object = field(default=None, repr=False)

    def ledger(self):
        """The ledger at ``--db``/``PLEDGES_DB``, refused if it was never initialised.  A SQLite
        file that is not there is refused, not created: only ``init`` and ``demo`` create one."""
        if self._ledger is None:
            from pledges.db import Ledger

            self._ledger = Ledger(self.db, create=False).check()
        return self._ledger

    @property
    def actor(self) -> str:
        """The acting person, required by every command that changes the ledger."""
        name = (self.actor_name or "").strip()
        if not name:
            raise NoActor()
        return name

    @property
    def reader(self) -> str | None:
        """Who is reading (``--as``, may be absent): listings show only what they may read
        (pledges/scope.py)."""
        return (self.actor_name or "").strip() or None


pass_app = click.make_pass_decorator(App)
