"""Set-based lifecycle operations: one UPDATE for thousands of pledges, using the same
transition definition as the single trigger (its sources, destination and guards)."""

from sqlalchemy import insert, update

from pledges import audit, chain
from pledges.campaigns import campaign_for
from pledges.db import Ledger
from pledges.errors import BadInput
from pledges.models import DisplayRecord, Pledge
from pledges.orgs import org_by_code, subtree_ids
from pledges.workflows import authority, lifecycle
from pledges.workflows.effects import display_values
from pledges.workflows.move import Move


def _batch_guards(trigger: str) -> tuple[list, list]:
    """The trigger's guards: those that look at arguments (checked once), and those that look
    at named pledge columns (checked on each row changed).  Who may (scope ``actor``) is asked
    once, for the whole scope.  Others cannot run set-based."""
    conditions = [c for c in lifecycle.spec(trigger).get("conditions", []) if c.scope != "actor"]
    unsupported = [c.__name__ for c in conditions if c.scope != "args" and not c.columns]
    if unsupported:
        raise NotImplementedError(f"{trigger} has per-pledge guards {unsupported}; it cannot run set-based")
    return [c for c in conditions if c.scope == "args"], [c for c in conditions if c.scope != "args"]


def _check_rows(move: Move, conditions: list, rows) -> None:
    """Each row guard on each changed row; a refusal rolls the whole operation back."""
    for row in rows:
        move.pledge = row
        for condition in conditions:
            condition.check(move)
    move.pledge = None


def display_all_approved(ledger: Ledger, org: str, *, channel: str, actor: str, place: str | None = None,
                         day=None, campaign: int | None = None) -> int:
    """Display every approved pledge of ``org``'s subtree in the campaign; returns how many."""
    trigger = "display"
    once, per_row = _batch_guards(trigger)
    columns = sorted({name for condition in per_row for name in condition.columns})
    with ledger.session() as session:
        scope = org_by_code(session, org)
        authority.require(session, actor, trigger, scope.id, what="act_display_all")
        try:
            period = campaign_for(session, ledger, campaign)
        except BadInput:
            return 0
        move = Move(ledger=ledger, session=session, actor=actor, campaign=period,
                    args={"trigger": trigger, "channel": channel, "place": place, "day": day})
        for condition in once:
            condition.check(move)
        table = Pledge.__table__
        count = 0
        for source in lifecycle.sources(trigger):
            dest = lifecycle.destination(trigger, source)
            changed = session.execute(
                update(table)
                .where(table.c.state == source, table.c.campaign_id == period.id,
                       table.c.org_id.in_(subtree_ids(scope.id)))
                .values(state=dest, version=table.c.version + 1, updated_at=move.now)
                .returning(table.c.id, table.c.due, table.c.done, table.c.outcome, *(table.c[c] for c in columns))
            ).all()
            if not changed:
                continue
            _check_rows(move, per_row, changed)
            session.execute(insert(DisplayRecord), [display_values(move, row.id) for row in changed])
            chain.append(session, [
                audit.event_values(at=move.now, effective_on=move.day, actor=actor, entity="pledge",
                                   entity_id=row.id, trigger=trigger, from_state=source, to_state=dest,
                                   detail={"channel": channel, "place": place, "bulk": org},
                                   due_after=row.due, done_after=row.done, outcome_after=row.outcome)
                for row in changed
            ])
            count += len(changed)
    return count
