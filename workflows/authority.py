"""Who may do what (docs/roles.md), answered from the role grants.

``RIGHTS`` is the one definition: for each action (a lifecycle trigger, declaring or editing
a pledge, organisations, members, imports, people and grants), the roles that may do it in
the subtree of their grant, and two more conditions:

- ``own``: a person with the ``member`` role may do it to their own pledge (the pledge's
  member is the person's member row);
- ``review``: separation of duties.  Nobody does it to their own pledge, and an
  organisation's own pledge needs a grant on an organisation strictly above it (a branch does
  not approve or rate its own branch pledges).

``anywhere`` roles hold whatever organisation they were granted on (admin).  With no person
defined (a single-user ledger) everyone may do everything, as before roles existed.

A refusal is ``NotPermitted``, one line that says who may do it instead."""

from dataclasses import dataclass

from sqlmodel import Session

from pledges import i18n
from pledges.errors import NotPermitted
from pledges.models import Organisation, Pledge, Person
from pledges.people import anyone_holds, holds, people_exist, person_named, roles_over
from pledges.vocab import Role

R = Role


@dataclass(frozen=True)
class Right:
    roles: frozenset[Role]
    own: bool = False
    review: bool = False
    anywhere: frozenset[Role] = frozenset()


MANAGE = frozenset({R.secretary, R.organiser})
RATE = frozenset({R.evaluator, R.organiser})
ORGANISER = frozenset({R.organiser})
ADMIN = frozenset({R.admin})

RIGHTS: dict[str, Right] = {
    # pledges: declaring and editing a draft, then every trigger of the lifecycle
    "create": Right(MANAGE, own=True),
    "edit": Right(MANAGE, own=True),
    "submit": Right(MANAGE, own=True),
    "approve": Right(MANAGE, review=True),
    "return": Right(MANAGE, review=True),  # the other answer of the same review
    "display": Right(MANAGE),
    "record_progress": Right(MANAGE, own=True),
    "correct_progress": Right(MANAGE, own=True),  # a correcting entry: whoever may record one
    "complete": Right(MANAGE),
    "fail": Right(MANAGE),
    "amend": Right(MANAGE),
    "withdraw": Right(MANAGE, own=True),
    "evaluate": Right(RATE, review=True),
    "rate": Right(RATE, review=True),
    "extend": Right(ORGANISER),
    "confirm": Right(ORGANISER),  # complete below the target, with a note
    "fail_early": Right(ORGANISER),  # fail before the due date
    # organisations and members (of the subtree; an admin adds them anywhere, as an import may)
    "org_add": Right(MANAGE, anywhere=ADMIN),
    "member_add": Right(MANAGE, anywhere=ADMIN),
    "org_set": Right(MANAGE),
    "member_set": Right(MANAGE),
    "import": Right(MANAGE, anywhere=ADMIN),
    # members and organisations that change (docs/moves.md): a move is asked on both sides (the
    # target as ``member_add`` / ``org_add``); renaming or moving an organisation is done from above
    "member_edit": Right(MANAGE),
    "member_move": Right(MANAGE, anywhere=ADMIN),
    "member_leave": Right(MANAGE),
    "org_rename": Right(MANAGE, review=True, anywhere=ADMIN),
    "org_move": Right(MANAGE, review=True, anywhere=ADMIN),
    # evaluation settings of a campaign; the questionnaires of a visit, by the units they are about
    "campaign_set": Right(frozenset(), anywhere=ADMIN),
    "survey_import": Right(RATE, anywhere=ADMIN),
    # people and grants
    "user_add": Right(frozenset(), anywhere=ADMIN),
    "grant": Right(frozenset(), anywhere=ADMIN),
    "revoke": Right(frozenset(), anywhere=ADMIN),
}


class Who:
    """Who may do an action, inside a refusal: "上级党组织书记或组织部门"."""

    def __init__(self, right: Right, org: str | None, member_pledge: bool):
        self.right, self.org, self.member_pledge = right, org, member_pledge

    def message(self, lang: str = "zh") -> str:
        right = self.right
        roles = {MANAGE: "manage", RATE: "rate", ORGANISER: "organiser"}.get(right.roles)
        if roles is None:
            return i18n.text("who_admin", lang)
        scope = "who_above" if right.review and not self.member_pledge else "who_within"
        who = i18n.text(scope, lang, org=self.org, roles=i18n.text(f"who_roles_{roles}", lang))
        if right.review and self.member_pledge:
            who = i18n.text("who_not_self", lang, who=who)
        if right.own and self.member_pledge:
            who = i18n.text("who_or_self", lang, who=who)
        if right.anywhere:
            who = i18n.text("who_or_admin", lang, who=who)
        return who


# --- the answer -------------------------------------------------------------------------------

def _person(session: Session, actor: str) -> Person | None | bool:
    """The acting person; True when nobody is defined (everyone may), None for an unknown name.
    Asked once per transaction (a command moving a thousand pledges asks once)."""
    key = ("authority.person", actor)
    if key not in session.info:
        session.info[key] = person_named(session, actor) if people_exist(session) else True
    return session.info[key]


def allowed(session: Session, actor: str, action: str, org_id: int | None, member_id: int | None = None) -> bool:
    return _verdict(session, actor, action, org_id, member_id) is None


def _verdict(session: Session, actor: str, action: str, org_id: int | None, member_id: int | None) -> str | None:
    """None when allowed; else why not: "right" (no such grant) or "own" (separation of duties)."""
    person = _person(session, actor)
    if person is True:
        return None
    if person is None:
        return "right"
    right = RIGHTS[action]
    if any(holds(session, person.id, role) for role in right.anywhere):
        return None
    own = member_id is not None and member_id == person.member_id
    if right.review and own:
        return "own"
    held = roles_over(session, person.id, org_id) if org_id is not None else []
    lowest = 1 if right.review and member_id is None else 0
    if any(role in right.roles and depth >= lowest for role, depth in held):
        return None
    if right.own and own and any(role == R.member for role, _ in held):
        return None
    return "right"


def require(session: Session, actor: str, action: str, org_id: int | None, member_id: int | None = None,
            pledge_id: int | None = None, what: str | None = None) -> None:
    """Raise ``NotPermitted`` unless ``actor`` may do ``action`` to ``org_id`` (a pledge of it
    when ``pledge_id`` is given; a member's pledge when ``member_id``)."""
    why = _verdict(session, actor, action, org_id, member_id)
    if why is None:
        return
    org = session.get(Organisation, org_id) if org_id is not None else None
    who = Who(RIGHTS[action], org and org.name, member_id is not None)
    verb = i18n.Phrase(f"act_{action}", org=org and org.name)
    if why == "own":
        raise NotPermitted("own_pledge", id=pledge_id, actor=actor, verb=verb, who=who)
    if pledge_id is not None:
        kind = i18n.Phrase("member_pledges" if member_id is not None else "org_pledges")
        raise NotPermitted("not_permitted_pledge", id=pledge_id, actor=actor, verb=verb, who=who,
                           org=org.name, kind=kind)
    raise NotPermitted("not_permitted", actor=actor, what=i18n.Phrase(what or f"act_{action}", org=org and org.name),
                       who=who)


def require_for_pledge(session: Session, actor: str, action: str, pledge: Pledge) -> None:
    require(session, actor, action, pledge.org_id, pledge.member_id, pledge.id)


def may_for_pledge(session: Session, actor: str, action: str, pledge: Pledge) -> bool:
    return allowed(session, actor, action, pledge.org_id, pledge.member_id)


def checker(actor: str, action: str):
    """A ``check(session, org_id, member_id=None, pledge_id=None)`` for the ledger's functions,
    which call it inside their transaction once they know the organisation (None: at the top)."""

    def check(session: Session, org_id: int | None, member_id: int | None = None,
              pledge_id: int | None = None) -> None:
        top = f"act_{action}_top" if org_id is None and f"act_{action}_top" in i18n.MESSAGES else None
        require(session, actor, action, org_id, member_id, pledge_id, what=top)

    return check


def manage_people(actor: str, action: str, role: str | None = None):
    """The check of ``user add``, ``grant`` and ``revoke``: an admin's; and the bootstrap of a
    new ledger, where the first person is added by anyone and an admin granted while nobody
    holds the role (docs/roles.md)."""

    def check(session: Session) -> None:
        if action == "user_add" and not people_exist(session):
            return
        if action == "grant" and role == R.admin and not anyone_holds(session, R.admin) \
                and person_named(session, actor) is not None:
            return
        require(session, actor, action, None)

    return check


def may_manage(session: Session, actor: str, org_id: int) -> bool:
    """May ``actor`` change the organisation ``org_id``'s contacts (e-mail, group robot) and
    those of its members?  A secretary or organiser of it or one above it (``org_set``)."""
    return allowed(session, actor, "org_set", org_id)


def may_rate(session: Session, actor: str, org_id: int, group: str) -> bool:
    """May ``actor`` record a rating of rater group ``group`` (self, members, public,
    organisation) on a pledge of the organisation ``org_id``?  The ``rate`` right: evaluators
    and organisers, from above for an organisation's own pledges (docs/roles.md)."""
    return allowed(session, actor, "rate", org_id)


def may_moderate(session: Session, actor: str, org_id: int) -> bool:
    """May ``actor`` approve or reject the public's ratings of ``org_id``'s pledges?  Whoever
    manages that organisation: its secretary or an organiser, of it or above (``org_set``)."""
    return allowed(session, actor, "org_set", org_id)
