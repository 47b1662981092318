"""``pledges member move/edit/leave`` and ``pledges org rename/move``: members and organisations
that change, with every pledge's history and the figures of past days kept (docs/moves.md)."""

import click

from pledges.cli.app import App, pass_app
from pledges.cli.member_cmds import member
from pledges.cli.org_cmds import org
from pledges.cli.render import say


@member.command("move")
@click.argument("number")
@click.option("--org", required=True, metavar="CODE", help="The organisation the member moves to.")
@click.option("--reason", help="Why; kept in the history of the member and of each pledge that moves (required).")
@pass_app
def member_move(app: App, number, org, reason):
    """Move a member to another organisation; the member's open pledges move along.

    Pledges still open (draft to in progress) count at the new organisation from the move on,
    and at the old one on every day before it; finished and withdrawn pledges stay where they
    were done.

    \b
    Example:
      pledges member move M0001 --org DX-V2 --reason 工作调动
    """
    from pledges.moves import move_member

    moved = move_member(app.ledger(), number, org, reason=reason, actor=app.actor, check=app.may("member_move"),
                        check_target=app.may("member_add"))
    say("member_moved", app.lang, number=moved.number, name=moved.name, from_=moved.from_org, to=moved.to_org,
        count=len(moved.pledges))


@member.command("edit")
@click.argument("number")
@click.option("--name", help="The member's name, corrected.")
@click.option("--email", help="E-mail for reminders (\"\" clears it).")
@pass_app
def member_edit(app: App, number, name, email):
    """Correct a member's name or e-mail.

    \b
    Example:
      pledges member edit M0001 --name 张珊
    """
    from pledges import i18n
    from pledges.moves import edit_member

    changes = edit_member(app.ledger(), number, actor=app.actor, name=name, email=email,
                          check=app.may("member_edit"))
    if not changes:
        return say("member_unchanged", app.lang, number=number)
    words = {"name": "person_name", "email": "email"}
    fields = ("、" if app.lang == "zh" else ", ").join(i18n.word(words[key], app.lang) for key in changes)
    say("member_edited", app.lang, number=number, fields=fields)


@member.command("leave")
@click.argument("number")
@click.option("--reason", help="Why the member leaves, e.g. 转出 or 去世 (required).")
@pass_app
def member_leave(app: App, number, reason):
    """Record that a member left.  Refused while the member has open pledges.

    The member and every pledge stay in the ledger with their history; a member who left takes
    no new pledges and cannot be moved.

    \b
    Example:
      pledges member leave M0001 --reason 组织关系转出
    """
    from pledges.moves import leave_member

    name = leave_member(app.ledger(), number, reason=reason, actor=app.actor, check=app.may("member_leave"))
    say("member_left_done", app.lang, number=number, name=name)


@org.command("rename")
@click.argument("code")
@click.argument("name")
@pass_app
def org_rename(app: App, code, name):
    """Give an organisation a new name; its code and its pledges stay.

    \b
    Example:
      pledges org rename DX-V1 大溪村党总支
    """
    from pledges.moves import rename_org

    old = rename_org(app.ledger(), code, name, actor=app.actor, check=app.may("org_rename"))
    say("org_renamed", app.lang, code=code, old=old, name=name)


@org.command("move")
@click.argument("code")
@click.option("--parent", required=True, metavar="CODE", help="The organisation it moves under.")
@click.option("--reason", help="Why; kept in the history.")
@pass_app
def org_move(app: App, code, parent, reason):
    """Move an organisation, with everything below it, under another parent.

    From the move on, its pledges count in the new parent's figures; the figures of every
    earlier day stay as they were.  A move under itself or under its own subtree is refused.

    \b
    Example:
      pledges org move DX-V1 --parent SX --reason 行政区划调整
    """
    from pledges.moves import move_org

    old = move_org(app.ledger(), code, parent, actor=app.actor, reason=reason, check=app.may("org_move"),
                   check_target=app.may("org_add"))
    say("org_moved", app.lang, code=code, from_=old or "—", to=parent)


COMMANDS: list = []  # subcommands of `member` and `org`, added above
