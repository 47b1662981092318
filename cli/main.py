"""The ``pledges`` group: global options, and the one place errors become what a person reads
and an exit code (the words are in ``pledges.cli.failures``)."""

import os

import click
from click.exceptions import NoArgsIsHelpError

from pledges import __version__, i18n
from pledges.cli import words
from pledges.cli.app import App
from pledges.cli.failures import Usage, UsageReport, error_line
from pledges.errors import PledgeError
from pledges.textsafe import visible

# The settings read from the environment besides their options (checked for bytes that are not UTF-8).
SETTINGS = ("PLEDGES_DB", "PLEDGES_USER", "PLEDGES_LANG")


class PledgesGroup(click.Group):
    """A ledger error becomes one line on stderr and its class's exit code; a usage error two
    lines in the chosen language, exit 2.  With ``--debug`` a ledger error propagates with its
    traceback."""

    def make_context(self, info_name, args, parent=None, **extra):
        lang = _lang_before_parsing(args)
        words.ARGS_LANG.set(lang)
        try:
            _refuse_undecodable(args)
            return super().make_context(info_name, args, parent=parent, **extra)
        except NoArgsIsHelpError:
            raise  # `pledges` alone prints its help
        except click.UsageError as err:
            raise UsageReport(err, lang) from err

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except NoArgsIsHelpError:
            raise  # `pledges org` alone prints its help
        except click.UsageError as err:
            command = " ".join(filter(None, (ctx.command_path, ctx.invoked_subcommand)))
            raise UsageReport(err, _app(ctx).lang, command) from err
        except PledgeError as err:
            app = _app(ctx)
            if app.debug:
                raise
            click.echo(error_line(err.message(app.lang), app.lang), err=True)
            ctx.exit(err.exit_code)


def _app(ctx: click.Context) -> App:
    """The command's settings; before the group's callback ran (an unknown command), what was parsed."""
    return ctx.obj if isinstance(ctx.obj, App) else App(lang=i18n.norm_lang(ctx.params.get("lang")))


def _lang_before_parsing(args) -> str:
    """The language for an error in the global options themselves (before ``--lang`` is parsed)."""
    args = list(args or [])
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return i18n.norm_lang(args[i + 1])
        if isinstance(arg, str) and arg.startswith("--lang="):
            return i18n.norm_lang(arg.split("=", 1)[1])
    return i18n.norm_lang(os.environ.get("PLEDGES_LANG"))


def _refuse_undecodable(args) -> None:
    """Linux hands over bytes that are not UTF-8 as lone surrogates, which no database, file or
    terminal accepts: refuse them before any work starts."""
    for value in [*(args or []), *(os.environ.get(name, "") for name in SETTINGS)]:
        try:
            str(value).encode("utf-8")
        except UnicodeEncodeError:
            raise Usage("not_utf8", value=visible(str(value))) from None


def _checked_lang(lang: str | None) -> str:
    """zh or en; anything else is said once on stderr, and Chinese is used."""
    if lang and not lang.lower().startswith(("zh", "en")):
        click.echo(visible(i18n.text("lang_unsupported", "zh", name=lang) + " / "
                           + i18n.text("lang_unsupported", "en", name=lang)), err=True)
    return i18n.norm_lang(lang)


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
    if db is None and os.environ.get("PLEDGES_DB") == "":
        db = ""  # click reads an empty variable as unset; an empty setting is a mistake, refused on use
    ctx.obj = App(db=db, actor_name=actor, lang=_checked_lang(lang), debug=debug)
    ctx.call_on_close(ctx.obj.close)


def _register() -> None:
    from pledges.cli import change_cmds  # noqa: F401 - adds member move/edit/leave, org rename/move
    from pledges.cli import (admin_cmds, audit_cmds, board_cmds, dashboard_cmds, demo_cmd, lifecycle_cmd, lint_cmd,
                             member_cmds, move_cmds, org_cmds, pledge_cmds, remind_cmds, sheet_cmds, user_cmds,
                             visit_cmds)
    from pledges.cli import eval_cmds

    modules = (pledge_cmds, org_cmds, member_cmds, move_cmds, lifecycle_cmd, dashboard_cmds, remind_cmds, demo_cmd,
               admin_cmds, sheet_cmds, lint_cmd, visit_cmds, user_cmds, eval_cmds, board_cmds, audit_cmds)
    for module in modules:
        for command in module.COMMANDS:
            cli.add_command(command)


_register()
words.fit(cli)  # after every command is registered: choices, help in both languages, completion


def main() -> None:
    cli(prog_name="pledges")
