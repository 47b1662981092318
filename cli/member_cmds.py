"""``pledges member …``: members (党员)."""

import click

from pledges.cli.app import App, pass_app
from pledges.cli.params import format_option
from pledges.cli.render import Column, emit, say


@click.group("member")
def member():
    """Members (党员), each in one organisation.

    \b
    Example:
      pledges member add M0001 张三 --org DX-V1
    """


@member.command("add")
@click.argument("number")
@click.argument("name")
@click.option("--org", required=True, metavar="CODE", help="The member's organisation.")
@click.option("--email", help="E-mail for reminders about the member's pledges.")
@pass_app
def member_add(app: App, number, name, org, email):
    """Add a member to an organisation.

    \b
    Example:
      pledges member add M0001 张三 --org DX-V1
    """
    from pledges.members import add_member

    row = add_member(app.ledger(), number, name, org=org, actor=app.actor, email=email, check=app.may("member_add"))
    say("member_added", app.lang, number=row.number, name=row.name, org=row.org)


@member.command("list")
@click.option("--org", metavar="CODE", help="Only members of this organisation and those below it.")
@format_option()
@pass_app
def member_list(app: App, org, fmt):
    """List members.

    \b
    Example:
      pledges member list --org DX --format csv
    """
    from pledges.members import list_members

    rows = [row.as_dict() for row in list_members(app.ledger(), org, app.reader)]
    columns = [Column("number", "number"), Column("name", "person"), Column("org", "org"),
               Column("org_name", "org_name")]
    emit(rows, columns, fmt, app.lang)


@member.command("set")
@click.argument("number")
@click.option("--email", help="E-mail for reminders (\"\" clears it).")
@pass_app
def member_set(app: App, number, email):
    """Set a member's contact for reminders.

    \b
    Example:
      pledges member set M0001 --email zhangsan@example.com
    """
    from pledges.cli.org_cmds import say_contact
    from pledges.workflows.contacts import set_member_contact

    say_contact(app, number, set_member_contact(app.ledger(), number, actor=app.actor, email=email))


COMMANDS = [member]
