"""One error family.  Each error builds its own message (in either language) and carries its
exit code; ``pledges.cli`` turns any of them into one line and that exit code.

Tell errors apart by their class, never by their message key (the key only chooses the
words).  Exit codes are the contract of the README: 1 for a refusal or bad input, 2 for
usage (click's own usage errors, and ``UsageProblem``).  Database errors are translated into
this family once, where ``pledges.db.Ledger`` opens its sessions.
"""

from pledges import i18n


class PledgeError(Exception):
    """Base of every error a user can meet.  ``key`` names the message in ``pledges.i18n``;
    ``exit_code`` is what the command exits with."""

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

    exit_code = 1


class UsageProblem(PledgeError):
    """The command line itself cannot be read (exit 2, as click's usage errors)."""

    exit_code = 2


class NotUtf8(UsageProblem):
    """An argument or setting whose bytes are not UTF-8 (Linux hands them over as surrogates)."""

    key = "not_utf8"


class EmptyDatabaseUrl(UsageProblem):
    """``--db ''`` or ``PLEDGES_DB=''``: a mistake, not a wish for ``./pledges.db``."""

    key = "db_url_empty"


class NoActor(BadInput):
    key = "no_actor"


class LedgerUnusable(PledgeError):
    """The database named by ``--db`` cannot serve as a ledger (nothing was read or written)."""

    exit_code = 1


class NotInitialised(LedgerUnusable):
    key = "not_initialised"


class SchemaMismatch(LedgerUnusable):
    key = "schema_mismatch"


class DatabaseUnavailable(LedgerUnusable):
    key = "db_unavailable"


class UnsupportedDatabase(LedgerUnusable):
    """A URL of a database the ledger does not run on, or whose driver is not installed."""

    key = "db_unsupported"


class DatabaseFailed(PledgeError):
    """Any other error of the database driver, after the transaction was rolled back."""

    exit_code = 1
    key = "db_error"


class NotFound(PledgeError):
    """An id, code or number that names nothing in the ledger."""

    exit_code = 1


class UnknownPledge(NotFound):
    key = "unknown_pledge"


class UnknownOrganisation(NotFound):
    key = "unknown_org"


class UnknownMember(NotFound):
    key = "unknown_member"


class Refused(PledgeError):
    """The ledger's rules refuse the change; nothing was written."""

    exit_code = 1


class Duplicate(Refused):
    """A code or number that is already taken."""


class TransitionRefused(Refused):
    """A lifecycle trigger whose guard does not hold, or which the current state does not allow."""


class ConcurrentChange(Refused):
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


# --- people, grants and who may do what (issue 10) ---


class UnknownPerson(NotFound):
    key = "unknown_person"


class UnknownActor(BadInput):
    """``--as`` names nobody, once people are defined."""

    key = "unknown_actor"


class ActorMismatch(Refused):
    """On PostgreSQL, the login is a person's: ``--as`` naming someone else is refused."""

    key = "actor_mismatch"


class NotPermitted(Refused):
    """The actor's grants do not allow the change; the message says who may."""


# --- read scopes and database security (issue 10, docs/roles.md#reading) ---


class NoReader(BadInput):
    """People are defined, and nobody said who is reading."""

    key = "no_reader"


class UnknownReader(Refused):
    """``--as`` names nobody among the ledger's people."""

    key = "unknown_reader"


class OutsideScope(Refused):
    """``--org`` names an organisation outside what the reader may read."""

    key = "outside_scope"


class PledgeOutsideScope(Refused):
    key = "pledge_outside_scope"


class UnsafeWebhook(BadInput):
    """A webhook to a loopback, private-network, link-local or metadata address."""

    key = "unsafe_webhook"

    def message(self, lang: str = "zh") -> str:
        why = i18n.text(self.params["why_key"], lang)
        return i18n.text(self.key, lang, **{**self.params, "why": why})


class ContactRefused(Refused):
    """Contacts are changed only by a secretary or organiser of the organisation or above."""

    key = "contact_refused"


class NotPostgreSQL(BadInput):
    key = "secure_needs_postgresql"
# --- the public board (issue 14) ---


class UnknownRating(NotFound):
    key = "unknown_rating"


class RatingRefused(Refused):
    """A public rating the board does not take: a pledge not on the board, a grade that is not
    one of the three, a comment too long, or too many from one address or for one pledge."""


class ModerationRefused(Refused):
    """A rating that is not awaiting moderation, or a moderator without the right."""
# --- the audit history's hash chain (issue 10, docs/audit.md) ---------------------------------

class HistoryBroken(PledgeError):
    """``audit verify`` found an event that does not fit: the message names it."""


class CheckpointUnusable(PledgeError):
    """A checkpoint file that cannot be read or whose signature fails, or an unusable key file."""
