"""Option types and option groups shared by several commands."""

from datetime import date, datetime

import click

from pledges import i18n
from pledges.cli.failures import BadValue
from pledges.textsafe import visible
from pledges.vocab import Channel, Format, Grade, Kind, State

FORMATS = ("table", "json", "csv")

# Every date a person types lies in these years: far wider than any campaign (2000–2100), and
# far from the ends of Python's calendar, so no "day after", week or time zone shift overflows.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def _in_range(day: date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


class IsoDate(click.ParamType):
    name = "DATE"

    def convert(self, value, param, ctx) -> date:
        if isinstance(value, date):
            return value
        try:
            day = datetime.strptime(value, "%Y-%m-%d").date()
        except ValueError:
            day = None
        if day is None or not _in_range(day):
            raise BadValue("bad_date", ctx, param, value=repr(value), first=FIRST_YEAR, last=LAST_YEAR)
        return day


DATE = IsoDate()


class IsoDateTime(click.ParamType):
    """A day (2026-06-15) or a time (2026-06-15T08:00, optionally with an offset)."""

    name = "DATETIME"

    def convert(self, value, param, ctx) -> date | datetime:
        if isinstance(value, date):
            return value
        try:
            when = datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value)
        except ValueError:
            when = None
        if when is None or not _in_range(when):
            raise BadValue("bad_datetime", ctx, param, value=repr(value), first=FIRST_YEAR, last=LAST_YEAR)
        return when


AS_OF = IsoDateTime()


class VocabChoice(click.Choice):
    """A choice of one vocabulary of ``pledges.vocab``: typed as its code name or as its Chinese
    or English label (``--channel 公示栏``, ``--kind village``, ``--state 践诺中``), in any letter
    case; the command receives the code name.  A refusal lists the choices in the chosen language,
    and shell completion offers the code names with their labels."""

    def __init__(self, enum_type, codes=None):
        self.enum_type = enum_type
        super().__init__([m.value for m in enum_type if codes is None or m.value in codes])

    def convert(self, value, param, ctx) -> str:
        code = i18n.choice_code(self.enum_type, str(value), self.choices)
        if code is None:
            raise BadValue("choice_unknown", ctx, param, value=visible(repr(str(value))),
                           choices=i18n.ChoiceList(self.enum_type, self.choices))
        return code

    def get_metavar(self, param, ctx=None):
        """The choices as their labels in a Chinese help page ("[公示栏|网站|…]"), code names in English."""
        from pledges.cli.app import App

        app = ctx.find_object(App) if ctx is not None else None
        if app is None or app.lang == "en":
            return super().get_metavar(param, ctx)
        return "[" + "|".join(i18n.label_of(self.enum_type, code, "zh") for code in self.choices) + "]"

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        typed = incomplete.casefold()
        items = []
        for code in self.choices:
            zh, en = (i18n.label_of(self.enum_type, code, lang) for lang in i18n.LANGS)
            items += [CompletionItem(word, help=f"{zh} {en}" if word == code else code)
                      for word in dict.fromkeys((code, zh)) if word.casefold().startswith(typed)]
        return items


def choice_of(enum_type, codes=None) -> VocabChoice:
    return VocabChoice(enum_type, codes)


STATE, KIND, CHANNEL, GRADE = (choice_of(e) for e in (State, Kind, Channel, Grade))


FORMAT_HELP = "Output for people (table) or for scripts."
# A CSV is opened in Excel or WPS: its choice columns (state, unit kind…) hold the labels the
# table shows, in the chosen language; JSON keeps the code names for scripts.
FORMAT_CSV_HELP = ("Output: a table for people, CSV for spreadsheets (states, kinds… by their labels, as in the "
                   "table), JSON for scripts (code names).")


def format_option(*formats: str):
    formats = formats or FORMATS
    return click.option("--format", "fmt", type=choice_of(Format, formats), default=formats[0], show_default=True,
                        help=FORMAT_CSV_HELP if "csv" in formats else FORMAT_HELP)


def content_options(command):
    """The options that say what a pledge promises: shared by add, edit and amend."""
    options = [
        click.option("--title", help="What is promised (承诺事项)."),
        click.option("--content", help="Longer description."),
        click.option("--target", type=int, help="Measurable target value (a whole number)."),
        click.option("--unit", help="Unit of the target, e.g. 户, 次, 人."),
        click.option("--qualitative", is_flag=True, default=None,
                     help="No numeric target; needs --criterion."),
        click.option("--criterion", help="Completion criterion of a qualitative pledge."),
        click.option("--category", help="Free category, e.g. 为民服务."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


CONTENT_KEYS = ("title", "content", "target", "unit", "qualitative", "criterion", "category")


def content_from(kwargs: dict) -> dict:
    return {key: kwargs.pop(key) for key in CONTENT_KEYS}


def contact_options(command):
    """An organisation's contact for reminders: shared by ``org add`` and ``org set``."""
    options = [
        click.option("--secretary", metavar="NAME", help="The secretary (书记) reminders are addressed to."),
        click.option("--email", help="The secretary's e-mail for reminders."),
        click.option("--webhook", metavar="URL", help="The branch's DingTalk/WeCom group robot URL."),
    ]
    for option in reversed(options):
        command = option(command)
    return command
