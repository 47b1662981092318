"""Option types and option groups shared by several commands."""

from datetime import date, datetime

import click

from pledges.vocab import Channel, Grade, Kind, State

FORMATS = ("table", "json", "csv")


class IsoDate(click.ParamType):
    name = "DATE"

    def convert(self, value, param, ctx) -> date:
        if isinstance(value, date):
            return value
        try:
            return datetime.strptime(value, "%Y-%m-%d").date()
        except ValueError:
            self.fail(f"{value!r} is not a date like 2026-12-31 (YYYY-MM-DD)", param, ctx)


DATE = IsoDate()


def choice_of(enum_type) -> click.Choice:
    return click.Choice([m.value for m in enum_type])


STATE, KIND, CHANNEL, GRADE = (choice_of(e) for e in (State, Kind, Channel, Grade))


def format_option(*formats: str):
    formats = formats or FORMATS
    return click.option("--format", "fmt", type=click.Choice(formats), default=formats[0], show_default=True,
                        help="Output for people (table) or for scripts.")


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
