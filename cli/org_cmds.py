"""``pledges org …``: the organisation hierarchy."""

import click

from pledges import i18n
from pledges.cli.app import App, pass_app
from pledges.cli.params import KIND, contact_options, format_option
from pledges.cli.render import Column, emit, labelled, say
from pledges.vocab import Kind

ORG_COLUMNS = [
    Column("code", "code"),
    Column("name", "name"),
    Column("kind", "kind", labelled(Kind)),
    Column("parent", "parent"),
]


@click.group("org")
def org():
    """Organisations (党组织): the city → town → branch hierarchy.

    \b
    Example:
      pledges org add WL 温岭市委 --kind committee
      pledges org tree
    """


@org.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--parent", metavar="CODE", help="Code of the organisation above it.")
@click.option("--kind", type=KIND, help="Unit type [default: committee at the top, other below].")
@contact_options
@pass_app
def org_add(app: App, code, name, parent, kind, **contact):
    """Add an organisation.

    \b
    Example:
      pledges org add DX-V1 大溪村党支部 --parent DX --kind village
    """
    from pledges.orgs import add_org

    row = add_org(app.ledger(), code, name, parent=parent, kind=kind, actor=app.actor, check=app.may("org_add"),
                  **contact)
    say("org_added", app.lang, code=row.code, name=row.name)


@org.command("list")
@click.option("--under", metavar="CODE", help="Only this organisation and those below it.")
@format_option()
@pass_app
def org_list(app: App, under, fmt):
    """List organisations in tree order.

    \b
    Example:
      pledges org list --under DX --format json
    """
    from pledges.orgs import list_orgs

    rows = [row.as_dict() for row in list_orgs(app.ledger(), under, app.reader)]
    for row in rows:
        row["name_shown"] = "  " * row["depth"] + row["name"]
    columns = [Column("name_shown", "name") if column.key == "name" else column for column in ORG_COLUMNS]
    if fmt != "table":  # the name without the tree's indent, under the table's header for it
        for row in rows:
            row.pop("name_shown")
        columns = ORG_COLUMNS
    emit(rows, columns, fmt, app.lang)


@org.command("tree")
@click.argument("code", required=False)
@pass_app
def org_tree(app: App, code):
    """Show the hierarchy as a tree (from CODE, or from the top).

    \b
    Example:
      pledges org tree DX
    """
    from rich.text import Text
    from rich.tree import Tree

    from pledges.cli.render import console, safe
    from pledges.orgs import list_orgs

    rows = list_orgs(app.ledger(), code, app.reader)
    if not rows:
        return say("no_rows", app.lang)
    root = Tree(i18n.word("org", app.lang), hide_root=True)
    branches = {}
    for row in rows:
        parent = branches.get(row.parent, root)
        kind = i18n.label_of(Kind, row.kind, app.lang)
        branches[row.code] = parent.add(Text.assemble(safe(f"{row.code}  {row.name}  "), safe(kind, style="dim")))
    console().print(root)


@org.command("set")
@click.argument("code")
@contact_options
@pass_app
def org_set(app: App, code, **contact):
    """Set an organisation's contact for reminders ("" clears a field).

    \b
    Example:
      pledges org set DX-V1 --secretary 王书记 --email wang@example.com --webhook https://oapi.dingtalk.com/robot/send?access_token=…
    """
    from pledges.workflows.contacts import set_org_contact

    changes = set_org_contact(app.ledger(), code, actor=app.actor, **contact)
    say_contact(app, code, changes)


def say_contact(app: App, who: str, changes: dict) -> None:
    if changes:
        fields = [i18n.word(field, app.lang) for field in changes]
        say("contact_set", app.lang, who=who, fields=("、" if app.lang == "zh" else ", ").join(fields))
    else:
        say("contact_unchanged", app.lang, who=who)


COMMANDS = [org]
