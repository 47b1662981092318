"""One error family.  Each error builds its own message (in either language) and carries its
exit code; ``pledges.cli`` turns any of them into one line and that exit code."""

from pledges import i18n


class PledgeError(Exception):
    """Base of every error a user can meet.  ``key`` names the message in ``pledges.i18n``."""

    exit_code = 1
    key = "empty_field"

    def __init__(self, key: str | None = None, **params):
        self.key = key or self.key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        return i18n.text(self.key, lang, **self.params)


class BadInput(PledgeError):
    """A value a person typed that cannot be used as it is."""


class NoActor(PledgeError):
    key = "no_actor"


class NotInitialised(PledgeError):
    key = "not_initialised"


class SchemaMismatch(PledgeError):
    key = "schema_mismatch"


class DatabaseUnavailable(PledgeError):
    key = "db_unavailable"


class UnknownPledge(PledgeError):
    key = "unknown_pledge"


class UnknownOrganisation(PledgeError):
    key = "unknown_org"


class UnknownMember(PledgeError):
    key = "unknown_member"


class Duplicate(PledgeError):
    """A code or number that is already taken."""


class TransitionRefused(PledgeError):
    """A lifecycle trigger whose guard does not hold, or which the current state does not allow."""


class ConcurrentChange(PledgeError):
    key = "concurrent_change"


# --- reminders (issue 4) ---


class SchedulerRunning(PledgeError):
    """``pledges remind serve`` while another scheduler holds the database's lease."""

    key = "scheduler_running"
class DemoRefused(PledgeError):
    """Demo data would mix into a ledger that already holds organisations."""

    key = "demo_not_empty"


# --- upgrades and backups (issue 9) ---


class NeedsUpgrade(PledgeError):
    """A ledger of an older schema: ``pledges upgrade`` brings it up to date."""

    key = "needs_upgrade"


class LedgerTooNew(PledgeError):
    """A revision this program does not know (made by a newer ``pledges``)."""

    key = "ledger_too_new"


class BackupRefused(PledgeError):
    """A file that is not a whole, unedited backup, or a backup this program cannot restore."""


class NotEmpty(PledgeError):
    """``restore`` or ``copy`` into a ledger that already holds rows."""

    key = "target_not_empty"


class BackupNeeded(PledgeError):
    """``upgrade`` on PostgreSQL with no recent ``pledges backup`` and no ``--no-backup``."""

    key = "backup_needed"
