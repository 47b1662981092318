"""``pledges user add | list``, ``grant``, ``revoke``: people and their roles (docs/roles.md)."""

import click

from pledges import i18n
from pledges.cli.app import App, pass_app
from pledges.cli.params import choice_of, format_option
from pledges.cli.render import Column, emit, say
from pledges.vocab import Role

ROLE = choice_of(Role)


@click.group("user")
def user():
    """People who use the ledger, and their roles (管理员 组织部门 书记 党员 点评组 查看).

    \b
    Example:
      pledges --as 管理员 user add 王书记 --login wangsj
      pledges --as 管理员 grant 王书记 secretary --org DX-V1
    """


@user.command("add")
@click.argument("name")
@click.option("--member", metavar="NUMBER", help="The person's member row (a 党员 user: their own pledges).")
@click.option("--login", is_flag=False, flag_value="", default=None, metavar="[LOGIN]",
              help="PostgreSQL only: also create the person's database login [default LOGIN: NAME].")
@pass_app
def user_add(app: App, name, member, login):
    """Add a person (only an admin may; the first person of a new ledger anyone may).

    \b
    Example:
      pledges --as 管理员 user add 张三 --member M0001
      pledges --as 管理员 user add 王书记 --login wangsj
    """
    from pledges.people import add_person
    from pledges.workflows.authority import manage_people

    row = add_person(app.ledger(), name, actor=app.actor, member=member, login=login,
                     check=manage_people(app.actor, "user_add"))
    extra = []
    if row.member:
        extra.append(("person_member", {"number": row.member, "member": row.member_name}))
    if row.login:
        extra.append(("person_login", {"login": row.login}))
    say("person_added", app.lang, name=row.name, extra="".join(i18n.text(k, app.lang, **p) for k, p in extra))


@user.command("list")
@format_option()
@pass_app
def user_list(app: App, fmt):
    """List people with their grants.

    \b
    Example:
      pledges user list --format json
    """
    from pledges.people import list_people

    rows = [row.as_dict() for row in list_people(app.ledger())]
    if fmt != "json":
        for row in rows:
            row["grants"] = " ".join(f"{i18n.label_of(Role, g['role'], app.lang)}@{g['org']}" for g in row["grants"])
    columns = [Column("name", "person"), Column("login", "login"), Column("member", "number"),
               Column("member_name", "member"), Column("grants", "grants")]
    emit(rows, columns, fmt, app.lang)


@click.command("grant")
@click.argument("name")
@click.argument("role", type=ROLE)
@click.option("--org", required=True, metavar="CODE", help="The organisation; the role holds in its whole subtree.")
@pass_app
def grant(app: App, name, role, org):
    """Give a person a role on an organisation (only an admin may; the first admin anyone may).

    \b
    Example:
      pledges --as 管理员 grant 陈部长 organiser --org DX
    """
    from pledges.people import grant_role
    from pledges.workflows.authority import manage_people

    done = grant_role(app.ledger(), name, role, org, actor=app.actor, check=manage_people(app.actor, "grant", role))
    say("granted" if done else "grant_held", app.lang, name=name, role=Role(role), org=org)


@click.command("revoke")
@click.argument("name")
@click.argument("role", type=ROLE)
@click.option("--org", required=True, metavar="CODE", help="The organisation the role was granted on.")
@pass_app
def revoke(app: App, name, role, org):
    """Take a role back (only an admin may; the last admin grant is kept).

    \b
    Example:
      pledges --as 管理员 revoke 王书记 secretary --org DX-V1
    """
    from pledges.people import revoke_role
    from pledges.workflows.authority import manage_people

    revoke_role(app.ledger(), name, role, org, actor=app.actor, check=manage_people(app.actor, "revoke", role))
    say("revoked", app.lang, name=name, role=Role(role), org=org)


COMMANDS = [user, grant, revoke]
