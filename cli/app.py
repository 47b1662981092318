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
    _actor: str | None = field(default=None, repr=False)

    def ledger(self):
        """The ledger at ``--db``/``PLEDGES_DB``, refused if it was never initialised.  A SQLite
        file that is not there is refused, not created: only ``init`` and ``demo`` create one."""
        if self._ledger is None:
            from pledges.db import Ledger

            self._ledger = Ledger(self.db, create=False).check()
        return self._ledger

    def close(self) -> None:
        """Give the ledger's connections back when the command ends: a process exits anyway, but
        commands run in one process (tests, the guide's replay) would hold them until collected."""
        if self._ledger is not None:
            self._ledger.dispose()
            self._ledger = None

    @property
    def actor(self) -> str:
        """The acting person, required by every command that changes the ledger: ``--as``, or
        on PostgreSQL the person whose login this is; once people are defined, one of them
        (``pledges.people.identify``)."""
        if self._actor is None:
            from pledges.db import normalise_url
            from pledges.people import identify

            if not (self.actor_name or "").strip() and not normalise_url(self.db).startswith("postgresql"):
                raise NoActor()  # no login to stand for a person on SQLite: said before opening anything
            self._actor = identify(self.ledger(), self.actor_name)
        return self._actor

    def may(self, action: str):
        """The check of ``action`` by the acting person, for the ledger's functions."""
        from pledges.workflows.authority import checker

        return checker(self.actor, action)

    @property
    def reader(self) -> str | None:
        """Who is reading (``--as``, may be absent): listings show only what they may read
        (pledges/scope.py)."""
        return (self.actor_name or "").strip() or None


pass_app = click.make_pass_decorator(App)
