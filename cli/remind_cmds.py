"""``pledges remind run | serve | list``: scheduled reminders and their outbox."""

import logging
import sys
from contextlib import contextmanager

import click

from pledges.cli.app import App, pass_app
from pledges.cli.params import AS_OF, format_option
from pledges.cli.render import Column, emit, labelled, say, to_json
from pledges.textsafe import visible
from pledges.vocab import ReminderState, Rule

RESULT_COLUMNS = [
    Column("id", "id", justify="right", wrap=False),
    Column("pledge", "pledge", justify="right", wrap=False),
    Column("rule", "rule", labelled(Rule), wrap=False),
    Column("recipient", "recipient"),
    Column("state", "state", labelled(ReminderState), wrap=False),
    Column("delivered", "delivered"),
    Column("error", "last_error"),
]
LIST_COLUMNS = [
    Column("id", "id", justify="right", wrap=False),
    Column("pledge", "pledge", justify="right", wrap=False),
    Column("rule", "rule", labelled(Rule), wrap=False),
    Column("period", "period", wrap=False),
    Column("state", "state", labelled(ReminderState), wrap=False),
    Column("recipient", "recipient"),
    Column("attempts", "attempts", justify="right"),
    Column("delivered", "delivered"),
    Column("last_error", "last_error", lambda value, lang: (value or "")[:30]),
]


class VisibleFormatter(logging.Formatter):
    """A log line on the terminal shows the titles in it, control characters and all, as text."""

    def format(self, record: logging.LogRecord) -> str:
        return visible(super().format(record))


@contextmanager
def console_log():
    """The console channel: the ``pledges.remind`` log, one line per message on stderr, while
    the command runs."""
    logger = logging.getLogger("pledges.remind")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(VisibleFormatter("%(asctime)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)


@click.group("remind")
def remind():
    """Reminders (提醒): due soon, overdue, stalled, awaiting display or evaluation, escalation.

    \b
    Example:
      pledges remind run
      pledges remind list --state failed
    """


@remind.command("run")
@click.option("--as-of", "as_of", type=AS_OF, metavar="DATETIME",
              help="Scan as of this time (2026-06-15 means 08:00 that day; campaign time zone) [default: now].")
@click.option("--deliver-only", is_flag=True, help="Only deliver what is pending (retries); no scan.")
@format_option()
@pass_app
def remind_run(app: App, as_of, deliver_only, fmt):
    """One scan and one delivery pass, for cron; prints what it sent.

    Each reminder is created once per pledge, rule and period: a second run the same day
    creates none.  Delivery settings come from PLEDGES_SMTP_* and PLEDGES_REMIND_* (README).

    \b
    Example:
      pledges remind run --as-of 2026-06-15T08:00
    """
    from pledges.workflows.delivery import Settings
    from pledges.workflows.scheduler import run_once

    with console_log():
        now, created, results = run_once(app.ledger(), Settings.from_env(lang=app.lang), as_of,
                                          scan=not deliver_only)
    rows = [r.as_dict() for r in results]
    for row in rows:
        row["delivered"] = ",".join(row["delivered"])
    if fmt == "json":
        return click.echo(to_json({"as_of": now, "created": {k.value: v for k, v in created.items()},
                                   "deliveries": rows}))
    emit(rows, RESULT_COLUMNS, fmt, app.lang)
    if fmt == "table":
        from zoneinfo import ZoneInfo

        from pledges.workflows.scheduler import campaign_timezone

        local = now.astimezone(ZoneInfo(campaign_timezone(app.ledger())))  # as the campaign reads its clock
        say("remind_scanned", app.lang, day=local.isoformat(timespec="minutes"), created=sum(created.values()))
        say("remind_delivered", app.lang, **{key: sum(r["state"] == state for r in rows) for key, state in
                                             (("sent", "sent"), ("retry", "pending"), ("failed", "failed"))})


@remind.command("serve")
@click.option("--at", default="08:00", show_default=True, metavar="HH:MM", help="Daily scan time.")
@click.option("--every", default=5, show_default=True, type=click.IntRange(1, 59), metavar="MINUTES",
              help="Delivery retries every so many minutes.")
@click.option("--tz", metavar="ZONE", callback=lambda ctx, param, value: _check_zone(value),
              help="Time zone of the schedule [default: the campaign's, Asia/Shanghai].")
@pass_app
def remind_serve(app: App, at, every, tz):
    """Run the reminder scheduler until Ctrl-C or SIGTERM (one per database).

    \b
    Example:
      pledges remind serve --at 08:00 --every 5
    """
    from pledges.workflows.delivery import Settings
    from pledges.workflows import scheduler

    _check_time(at)
    ledger = app.ledger()
    holder = scheduler.holder_name()
    tz = tz or scheduler.campaign_timezone(ledger)
    settings = Settings.from_env(lang=app.lang)
    scheduler.acquire(ledger, holder)
    try:
        jobs = scheduler.build(ledger, settings, holder, tz=tz, at=at, every=every)
    except BaseException:
        scheduler.release(ledger, holder)
        raise

    def ready():
        say("remind_serving", app.lang, tz=tz, at=at, every=every)
        sys.stdout.flush()

    with console_log():
        scheduler.serve(ledger, jobs, holder, ready)
    say("remind_stopped", app.lang)


def _check_zone(zone: str | None) -> str | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if zone is None:
        return None
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"{zone!r} is not a time zone like Asia/Shanghai", param_hint="--tz") from None
    return zone


def _check_time(at: str) -> None:
    hour, _, minute = at.partition(":")
    if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
        raise click.BadParameter(f"{at!r} is not a time like 08:00 (HH:MM)", param_hint="--at")


@remind.command("list")
@click.option("--state", type=click.Choice([s.value for s in ReminderState]), help="Only reminders in this state.")
@click.option("--rule", type=click.Choice([r.value for r in Rule]), help="Only reminders of this rule.")
@format_option()
@pass_app
def remind_list(app: App, state, rule, fmt):
    """List the reminder outbox: pending, sent and failed reminders.

    \b
    Example:
      pledges remind list --state failed --format json
    """
    from pledges.workflows.delivery import listing

    emit(listing(app.ledger(), state, rule), LIST_COLUMNS, fmt, app.lang)


COMMANDS = [remind]
