"""The command line's words, fitted onto the whole command tree once it is registered (``fit``):

- every choice option takes code names and labels (``pledges.cli.params.VocabChoice``): a plain
  ``click.Choice`` whose choices are a vocabulary of ``pledges.vocab`` becomes one, so a command
  added later cannot miss it;
- help pages follow ``--lang`` / ``PLEDGES_LANG``, Chinese by default (``LocalisedContext``; the
  Chinese texts are ``pledges.i18n.COMMAND_HELP`` and ``OPTION_HELP``);
- options and arguments that name an organisation, a member or a pledge complete from the
  ledger (``pledges.completion``), besides click's completion of commands, options and choices.
"""

import contextvars
import inspect
import os
import re
from contextlib import contextmanager

import click

from pledges import i18n
from pledges.cli.app import App
from pledges.cli.params import VocabChoice
from pledges.vocab import vocabulary_of

# The language of a help page asked for before ``--lang`` was parsed (``pledges --lang en --help``):
# set by the group from its arguments.
ARGS_LANG: contextvars.ContextVar[str] = contextvars.ContextVar("ARGS_LANG", default="zh")

# Parameter names that name a thing in the ledger, and which thing.
LEDGER_NAMES = {
    "org": "org", "orgs": "org", "parent": "org", "under": "org", "code": "org",
    "member": "member", "number": "member",
    "pledge_id": "pledge", "pledge_ids": "pledge",
}


def walk(command: click.Command, path: tuple[str, ...] = ()):
    """(path, command) for the command and every command below it; the group's path is ()."""
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from walk(sub, (*path, name))


def fit(group: click.Group) -> None:
    for path, command in walk(group):
        command.context_class = LocalisedContext
        for param in command.params:
            kind = param.type
            if isinstance(kind, click.Choice) and not isinstance(kind, VocabChoice):
                enum_type = vocabulary_of(kind.choices)
                if enum_type is not None:
                    param.type = VocabChoice(enum_type, kind.choices)
            what = LEDGER_NAMES.get(param.name or "")
            creates = path[-1:] == ("add",) and isinstance(param, click.Argument)  # `org add CODE` names a new one
            if what and not creates and param._custom_shell_complete is None:
                param._custom_shell_complete = _completer(what)


# --- completion ---------------------------------------------------------------------------------

def _completer(what: str):
    def complete(ctx: click.Context, param: click.Parameter, incomplete: str):
        from click.shell_completion import CompletionItem

        from pledges.completion import candidates

        root = ctx.find_root()
        url = root.params.get("db") or os.environ.get("PLEDGES_DB") or None
        return [CompletionItem(value, help=shown) for value, shown in candidates(url, what, incomplete)]

    return complete


# --- help pages in the chosen language ---------------------------------------------------------

def help_lang(ctx: click.Context) -> str:
    app = ctx.find_object(App)
    return app.lang if app is not None else ARGS_LANG.get()


class LocalisedContext(click.Context):
    def get_help(self) -> str:
        if help_lang(self) == "en":
            return super().get_help()
        with chinese(self):
            page = chrome(super().get_help())
        for param in self.command.params:  # a choice's default by its label, as its choices are shown
            if isinstance(param.type, VocabChoice) and isinstance(param.default, str) and param.show_default:
                name = i18n.label_of(param.type.enum_type, param.default, "zh")
                page = page.replace(f"[默认：{param.default}]", f"[默认：{name}]")
        return page


def examples(help_text: str | None) -> str:
    """The example block of a docstring (from its ``\\b`` line on), or ''."""
    help_text = inspect.cleandoc(help_text or "")
    found = re.search(r"\n\s*\x08\s*\n\s*Examples?:", help_text)
    return help_text[found.start():] if found else ""


def chinese_help(path: str, help_text: str | None) -> str | None:
    """A command's Chinese help: its description of ``COMMAND_HELP`` and the docstring's examples."""
    text = i18n.COMMAND_HELP.get(path)
    if text is None:
        return help_text
    return text + examples(help_text)


def command_key(command_path: str) -> str:
    """``pledges org add`` → ``org add``; the group itself → ''."""
    return " ".join(command_path.split()[1:])


@contextmanager
def chinese(ctx: click.Context):
    """The command's, its options' and its subcommands' help texts in Chinese, for one page."""
    command, saved = ctx.command, []

    def swap(thing, attribute, value):
        saved.append((thing, attribute, getattr(thing, attribute)))
        setattr(thing, attribute, value)

    key = command_key(ctx.command_path)
    swap(command, "help", chinese_help(key, command.help))
    for param in command.get_params(ctx):
        if isinstance(param, click.Option) and param.help:
            swap(param, "help", i18n.OPTION_HELP.get(param.help, param.help))
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            text = i18n.COMMAND_HELP.get(" ".join(filter(None, (key, name))))
            if text is not None and sub.short_help is None:
                swap(sub, "short_help", text.split("\n")[0].rstrip("。"))
    try:
        yield
    finally:
        for thing, attribute, value in reversed(saved):
            setattr(thing, attribute, value)


def chrome(page: str) -> str:
    for english, chinese_words in i18n.HELP_CHROME:
        page = page.replace(english, chinese_words)
    return page
