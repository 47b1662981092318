"""The lifecycle commands: each fires one trigger of ``pledges.workflows.lifecycle``."""

import click

from pledges.cli.app import App, pass_app
from pledges.cli.failures import Usage
from pledges.cli.params import CHANNEL, DATE, GRADE, content_from, content_options
from pledges.cli.render import say
from pledges.vocab import Channel, State

# Not required at the option level: a missing reason is refused by the guard, in one line, exit 1.
REASON = click.option("--reason", help="Why; kept in the pledge's history (required).")


def fire(app: App, pledge_ids, trigger: str, **args) -> None:
    """Fire ``trigger`` on the pledges (all or none) and say what moved."""
    from pledges.workflows.engine import run

    moves = run(app.ledger(), pledge_ids, trigger, app.actor, **args)
    for moved in moves:
        say("moved", app.lang, id=moved.id, from_=State(moved.from_state), to=State(moved.to_state))
    _say_outside(app, moves)


def _say_outside(app: App, moves) -> None:
    outside = [moved for moved in moves if moved.outside]
    if outside:  # a late entry of an ended campaign, or an early one: done, but said
        note = outside[0].outside
        say("outside_campaign", app.lang, err=True, ids=",".join(str(m.id) for m in outside), year=note.year,
            starts=note.starts, ends=note.ends, day=note.day)


def _ids(command):
    return click.argument("pledge_ids", metavar="ID…", type=int, nargs=-1, required=True)(command)


def _id(command):
    return click.argument("pledge_id", metavar="ID", type=int)(command)


@click.command("submit")
@_ids
@pass_app
def submit(app: App, pledge_ids):
    """Submit draft pledges for approval (提交).

    \b
    Example:
      pledges submit 12 13 14
    """
    from pledges.cli.pledge_cmds import warn_quality

    fire(app, pledge_ids, "submit")
    warn_quality(app, pledge_ids)


@click.command("approve")
@_ids
@click.option("--date", "day", type=DATE, help="Day it was approved [default: today]; for records entered late.")
@pass_app
def approve(app: App, pledge_ids, day):
    """Approve submitted pledges (审核).

    \b
    Example:
      pledges --as 王书记 approve 12 13
      pledges approve 12 --date 2025-03-02
    """
    fire(app, pledge_ids, "approve", day=day)


@click.command("return")
@_id
@REASON
@pass_app
def return_(app: App, pledge_id, reason):
    """Send a submitted pledge back to its author as a draft (退回).

    \b
    Example:
      pledges return 12 --reason 目标不够具体
    """
    fire(app, [pledge_id], "return", reason=reason)


@click.command("display")
@click.argument("pledge_ids", metavar="[ID]…", type=int, nargs=-1)
@click.option("--channel", type=CHANNEL, help="Where it is shown (亮诺方式).")
@click.option("--place", help="Where exactly, e.g. 村务公开栏.")
@click.option("--date", "day", type=DATE, help="Day it was shown [default: today].")
@click.option("--org", metavar="CODE", help="With --all-approved: the organisation whose subtree to display.")
@click.option("--all-approved", is_flag=True, help="Display every approved pledge under --org at once.")
@pass_app
def display(app: App, pledge_ids, channel, place, day, org, all_approved):
    """Put approved pledges on public display (亮诺).  Their content is frozen from here on.

    \b
    Example:
      pledges display 12 13 --channel board --place 村务公开栏
      pledges display --org DX --all-approved --channel board
    """
    if all_approved:
        if pledge_ids or not org:
            raise Usage("usage_all_approved")
        from pledges.workflows.bulk import display_all_approved

        count = display_all_approved(app.ledger(), org, channel=channel, place=place, day=day, actor=app.actor)
        if not count:
            return say("bulk_nothing", app.lang, org=org)
        return say("bulk_displayed", app.lang, count=count, org=org, channel=Channel(channel))
    if org or not pledge_ids:
        raise Usage("usage_ids_or_org")
    fire(app, pledge_ids, "display", channel=channel, place=place, day=day)


@click.command("progress")
@_id
@click.option("--amount", type=int, help="How much was done this time (toward the target).")
@click.option("--note", help="What was done; required for a qualitative pledge.")
@click.option("--evidence", metavar="REF", help="Reference to evidence: photo, minutes, file number.")
@click.option("--date", "day", type=DATE, help="Day it was done [default: today].")
@click.option("--confirm-over", is_flag=True,
              help="Accept an amount that brings done past twice the target (a real over-fulfilment).")
@click.option("--reason", help="Why a correction (a negative --amount) is made; kept in the history.")
@pass_app
def progress(app: App, pledge_id, amount, note, evidence, day, confirm_over, reason):
    """Record progress on a displayed pledge (践诺记实).

    Entries add up toward the target.  One that would bring what is done past twice the target
    is refused as a likely typo unless --confirm-over is given.

    A wrong entry is corrected by a negative amount with a --reason: the correction is kept in
    the history and counted in the figures; what is done never goes below 0.

    \b
    Example:
      pledges progress 12 --amount 3 --note 走访3户 --evidence IMG_0412
      pledges progress 12 --amount 30 --note 全镇推广 --confirm-over
      pledges progress 12 --amount -3 --reason 重复录入
    """
    from pledges.workflows.engine import run

    if amount is not None and amount < 0:
        trigger, args = "correct_progress", {"amount": amount, "reason": reason, "evidence": evidence, "day": day}
    elif reason is not None:
        raise Usage("usage_reason_positive")
    else:
        trigger, args = "record_progress", {"amount": amount, "note": note, "evidence": evidence, "day": day,
                                            "confirm_over": confirm_over}
    for moved in run(app.ledger(), [pledge_id], trigger, app.actor, **args):
        states = State(moved.to_state) if moved.from_state == moved.to_state else StateChange(moved)
        if moved.qualitative:
            say("progress_noted", app.lang, id=moved.id, states=states)
        else:
            say("progress_corrected" if amount < 0 else "progress_recorded", app.lang, id=moved.id,
                amount=f"{amount:+d}", unit=moved.unit or "", done=moved.done, target=moved.target, states=states)
        _say_outside(app, [moved])


class StateChange:
    """"已亮诺 → 践诺中" in a message, in its language."""

    def __init__(self, moved):
        self.moved = moved

    def message(self, lang: str = "zh") -> str:
        from pledges import i18n

        return " → ".join(i18n.label(State(s), lang) for s in (self.moved.from_state, self.moved.to_state))


@click.command("complete")
@_id
@click.option("--note", help="Confirmation, when the target is not (or cannot be) counted.")
@pass_app
def complete(app: App, pledge_id, note):
    """Mark a pledge fulfilled (已兑现): its target is reached, or confirmed with --note.

    \b
    Example:
      pledges complete 12
    """
    fire(app, [pledge_id], "complete", note=note)


@click.command("fail")
@_id
@REASON
@pass_app
def fail(app: App, pledge_id, reason):
    """Mark a pledge unfulfilled (未兑现), after its due date.

    \b
    Example:
      pledges fail 12 --reason 资金未到位
    """
    fire(app, [pledge_id], "fail", reason=reason)


@click.command("extend")
@_id
@click.option("--due", required=True, type=DATE, help="The new due date, later than the current one.")
@REASON
@pass_app
def extend(app: App, pledge_id, due, reason):
    """Move a pledge's due date later (延期); the original stays on record.

    \b
    Example:
      pledges extend 12 --due 2026-11-30 --reason 汛期停工
    """
    from pledges.workflows.engine import run

    # The state does not change: say the new due date instead of "践诺中 → 践诺中".
    for moved in run(app.ledger(), [pledge_id], "extend", app.actor, due=due, reason=reason):
        say("pledge_extended", app.lang, id=moved.id, due=due, state=State(moved.to_state))


@click.command("amend")
@_id
@content_options
@REASON
@pass_app
def amend(app: App, pledge_id, reason, **kwargs):
    """Change a displayed pledge (变更): back to submitted, the old content kept as a version.

    \b
    Example:
      pledges amend 12 --target 20 --unit 户 --reason 扩大走访范围
    """
    fire(app, [pledge_id], "amend", reason=reason, changes=content_from(kwargs))


@click.command("withdraw")
@_id
@REASON
@pass_app
def withdraw(app: App, pledge_id, reason):
    """Withdraw a pledge before display (撤回).

    \b
    Example:
      pledges withdraw 12 --reason 与支部承诺重复
    """
    fire(app, [pledge_id], "withdraw", reason=reason)


@click.command("evaluate")
@_id
@click.option("--grade", type=GRADE, help="The organisation's grade [needed unless the organisation has rated it].")
@click.option("--comment", help="The organisation's comment.")
@pass_app
def evaluate(app: App, pledge_id, grade, comment):
    """Record the organisation's rating of a finished pledge (评诺).

    Without --grade, the pledge is evaluated on the organisation rating recorded before; with
    none, it is refused.

    \b
    Example:
      pledges evaluate 12 --grade excellent --comment 群众反映好
    """
    fire(app, [pledge_id], "evaluate", grade=grade, comment=comment)


COMMANDS = [submit, approve, return_, display, progress, complete, fail, extend, amend, withdraw, evaluate]
