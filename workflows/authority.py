"""Who may do what (docs/roles.md).  Roles and organisation scopes arrive later; until then
any named actor may fire any trigger, so these answer yes for every named actor.  The guards
ask here, so roles slot in without touching the lifecycle."""

from sqlmodel import Session


def may_approve(session: Session, actor: str, org_id: int) -> bool:
    """Is ``actor`` secretary or organiser of the organisation ``org_id`` or one above it?"""
    return bool(actor)


def is_organiser(session: Session, actor: str, org_id: int) -> bool:
    """Is ``actor`` an organiser (town/city organisation department) over ``org_id``?"""
    return bool(actor)


def may_moderate(session: Session, actor: str, org_id: int) -> bool:
    """May ``actor`` approve or reject the public's ratings of ``org_id``'s pledges (its
    secretary, or an organiser above it)?"""
    return bool(actor)
