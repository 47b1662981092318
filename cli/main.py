"""The ``pledges`` group: global options, and the one place errors become a line and an exit code."""

import sys

import click

from pledges import __version__
from pledges.i18n import norm_lang
from pledges.cli.app import App


class PledgesGroup(click.Group):
    """Turns every ledger error, and any database error, into one line on stderr and an exit
    code.  With ``--debug`` the exception propagates with its traceback."""

    def invoke(self, ctx: click.Context):
        from pledges.errors import PledgeError

        try:
            return super().invoke(ctx)
        except Exception as err:
            app = ctx.obj if isinstance(ctx.obj, App) else App()
            if app.debug:
                raise
            if isinstance(err, PledgeError):
                failure = err
            elif _is_database_error(err):
                failure = PledgeError("db_error", detail=str(getattr(err, "orig", err)).strip().splitlines()[0])
            else:
                raise
            click.echo(("error: " if app.lang == "en" else "错误：") + failure.message(app.lang), err=True)
            ctx.exit(failure.exit_code)


def _is_database_error(err: Exception) -> bool:
    return "sqlalchemy" in sys.modules and isinstance(err, sys.modules["sqlalchemy"].exc.SQLAlchemyError)


@click.group(cls=PledgesGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="PLEDGES_DB", metavar="URL",
              help="Database URL or SQLite file [env PLEDGES_DB; default: pledges.db here].")
@click.option("--as", "actor", envvar="PLEDGES_USER", metavar="NAME",
              help="Who is acting; recorded with every change [env PLEDGES_USER].")
@click.option("--lang", envvar="PLEDGES_LANG", metavar="zh|en", help="Language of the output [env PLEDGES_LANG].")
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
@click.version_option(__version__, prog_name="pledges")
@click.pass_context
def cli(ctx: click.Context, db, actor, lang, debug):
    """Pledge ledger: 承诺 → 亮诺 → 践诺 → 评诺.

    \b
    Example:
      pledges --db ledger.db init
      pledges --as 王书记 add --org DX-V1 --title 走访困难群众 --target 12 --unit 户 --due 2026-09-30
    """
    ctx.obj = App(db=db, actor_name=actor, lang=norm_lang(lang), debug=debug)


def _register() -> None:
    from pledges.cli import (admin_cmds, dashboard_cmds, demo_cmd, lifecycle_cmd, member_cmds, move_cmds, org_cmds,
                             pledge_cmds, remind_cmds)

    modules = (pledge_cmds, org_cmds, member_cmds, move_cmds, lifecycle_cmd, dashboard_cmds, remind_cmds, demo_cmd,
               admin_cmds)
    for module in modules:
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="pledges")
