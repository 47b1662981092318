"""``pledges lifecycle``: the state machine, printed from its one definition."""

import click

from pledges import i18n
from pledges.cli.app import App, pass_app
from pledges.cli.render import Column, emit
from pledges.vocab import State


def _states(value, lang):
    if value is None:
        return i18n.word("none", lang)
    states = value if isinstance(value, list) else [value]
    return ", ".join(i18n.label_of(State, s, lang) for s in states)


@click.command("lifecycle")
@click.option("--format", "fmt", type=click.Choice(["table", "mermaid", "json"]), default="table",
              show_default=True, help="A table, a mermaid state diagram, or JSON.")
@pass_app
def lifecycle(app: App, fmt):
    """Show the pledge lifecycle: every trigger, its source and target states, its guards.

    \b
    Example:
      pledges lifecycle --format mermaid > lifecycle.mmd
    """
    from pledges.workflows import lifecycle as definition

    if fmt == "mermaid":
        return click.echo(definition.mermaid())
    rows = definition.rows()
    for row in rows:
        row["label"] = i18n.trigger_label(row["trigger"], app.lang)
    columns = [Column("trigger", "trigger"), Column("label", "name"), Column("from", "from", _states),
               Column("to", "to", lambda v, lang: _states(v, lang) if v else "="),
               Column("guards", "guards", lambda v, lang: ", ".join(v))]
    emit(rows, columns, fmt, app.lang, title=i18n.word("lifecycle", app.lang))


COMMANDS = [lifecycle]
