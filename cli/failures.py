"""What a person reads when a command fails, in their language, and the exit code.

A ledger error (``pledges.errors``) is one line and the class's ``exit_code``.  A usage error
(click's, or ``Usage`` raised by a command) is the error and where to read the usage, exit 2:
click's own four English lines (Usage…, Try…, Error…) become two in the chosen language.
User text inside either is shown, never obeyed (``pledges.textsafe.visible``)."""

import re

import click

from pledges import i18n
from pledges.textsafe import visible


def error_line(message: str, lang: str) -> str:
    return visible(("error: " if lang == "en" else "错误：") + message)


class Usage(click.UsageError):
    """A usage error with a message of ``pledges.i18n`` (exit 2)."""

    def __init__(self, key: str, ctx: click.Context | None = None, **params):
        self.key, self.params = key, params
        super().__init__(i18n.text(key, "en", **params), ctx)

    def localised(self, lang: str) -> str:
        return i18n.text(self.key, lang, **self.params)


class BadValue(click.BadParameter):
    """An option value our own parameter types refuse, with a message of ``pledges.i18n``."""

    def __init__(self, key: str, ctx: click.Context | None = None, param: click.Parameter | None = None,
                 **params):
        self.key, self.params = key, params
        super().__init__(i18n.text(key, "en", **params), ctx, param)

    def localised(self, lang: str) -> str:
        return i18n.text(self.key, lang, **self.params)


class UsageReport(click.ClickException):
    """Click prints this instead of its own usage error: ``show`` is the two lines."""

    exit_code = 2

    def __init__(self, error: click.UsageError, lang: str, command: str = "pledges"):
        super().__init__(error.format_message())
        self.error, self.lang, self.command = error, lang, command

    def show(self, file=None) -> None:
        command = self.error.ctx.command_path if self.error.ctx else self.command
        click.echo(error_line(usage_message(self.error, self.lang), self.lang), err=True)
        click.echo(visible(i18n.text("usage_see", self.lang, command=command)), err=True)


# click's plain UsageError messages, by their (English) wording
_PLAIN = [
    (re.compile(r"No such command '(?P<name>.*)'\.?$", re.S), "usage_no_command"),
    (re.compile(r"Missing command\.?$"), "usage_missing_command"),
    (re.compile(r"Got unexpected extra arguments? \((?P<args>.*)\)$", re.S), "usage_extra"),
]
_VALUE = re.compile(r"^(?P<value>.+?) is not", re.S)


def usage_message(error: click.UsageError, lang: str) -> str:
    """The error in ``lang``: English is click's own sentence; Chinese is built from the
    exception's parts (the option, its type, the value)."""
    if isinstance(error, Usage):
        return error.localised(lang)
    if lang == "en":
        return error.format_message()
    if isinstance(error, click.NoSuchOption):
        if error.possibilities:
            return i18n.text("usage_did_you_mean", lang, option=error.option_name,
                             possible=" / ".join(sorted(error.possibilities)))
        return i18n.text("usage_no_option", lang, option=error.option_name)
    if isinstance(error, click.MissingParameter):
        return i18n.text("usage_missing", lang, what=_hint(error))
    if isinstance(error, click.BadParameter):
        return _bad_value(error, lang)
    if isinstance(error, click.BadOptionUsage):
        key = "usage_takes_no_value" if "does not take" in error.message else "usage_needs_value"
        return i18n.text(key, lang, option=error.option_name)
    for pattern, key in _PLAIN:
        found = pattern.match(error.message)
        if found:
            return i18n.text(key, lang, **found.groupdict())
    return error.format_message()


def _hint(error: click.BadParameter) -> str:
    if error.param_hint is not None:
        hint = error.param_hint
        return " / ".join(hint) if isinstance(hint, (list, tuple)) else str(hint)
    if error.param is not None:
        return error.param.get_error_hint(error.ctx) if error.ctx else error.param.name
    return ""


def _bad_value(error: click.BadParameter, lang: str) -> str:
    return i18n.text("usage_bad_value", lang, what=_hint(error), detail=_detail(error, lang))


def _detail(error: click.BadParameter, lang: str) -> str:
    """Why the value is refused, from the option's type (click's sentence is English)."""
    if isinstance(error, BadValue):
        return error.localised(lang)
    kind = error.param.type if error.param is not None else None
    found = _VALUE.match(error.message)
    value = found["value"] if found else ""
    if isinstance(kind, click.Choice):
        return i18n.text("usage_choice", lang, value=value, choices="|".join(map(str, kind.choices)))
    if isinstance(kind, (click.IntRange, click.FloatRange)):
        return i18n.text("usage_range", lang, value=value, range=kind._describe_range())
    if isinstance(kind, click.types.IntParamType):
        return i18n.text("usage_integer", lang, value=value)
    if isinstance(kind, click.types.FloatParamType):
        return i18n.text("usage_number", lang, value=value)
    return error.message
