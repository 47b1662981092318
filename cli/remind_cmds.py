"""``pledges remind run | serve | list``: scheduled reminders and their outbox."""

import csv
import json
import logging
import sys
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import click

from pledges.cli.app import App, pass_app
from pledges.cli.params import AS_OF, format_option
from pledges.cli.render import (Column, csv_cell, csv_headers, emit, emit_stream, header_words, label_cells,
                                 labelled, labels_of, plain, say)
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
    Column("last_error", "last_error"),  # whole: it is why the reminder failed (it was cut at 30 characters)
]

# The rule and the state in a CSV, as the tables show them (JSON keeps the code names).
RESULT_LABELS, LIST_LABELS = labels_of(RESULT_COLUMNS), labels_of(LIST_COLUMNS)
RESULT_WORDS = {**header_words(RESULT_COLUMNS), "attempts": "attempts"}  # attempts: not a table column


class EachLine(logging.Formatter):
    """A record of several lines (a batch of console reminders) as lines that each carry the time;
    the titles in it, control characters and all, shown as text."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if "\n" not in text:
            return visible(text)
        stamp = self.formatTime(record)
        head, *rest = (visible(line) for line in text.split("\n"))  # split first: visible() escapes "\n"
        return "\n".join([head, *(f"{stamp} {line}" for line in rest)])


@contextmanager
def console_log():
    """The console channel: the ``pledges.remind`` log, one line per message on stderr, while
    the command runs."""
    logger = logging.getLogger("pledges.remind")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(EachLine("%(asctime)s %(message)s"))
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
              help="Scan as of this past time (2026-06-15 means 08:00 that day; campaign time zone) [default: now].")
@click.option("--deliver-only", is_flag=True, help="Only deliver what is pending (retries); no scan.")
@format_option()
@pass_app
def remind_run(app: App, as_of, deliver_only, fmt):
    """One scan and one delivery pass, for cron; prints what it sent.

    Each reminder is created once per pledge, rule and period: a second run the same day
    creates none.  Group robots get one digest per robot.  Delivery settings come from
    PLEDGES_SMTP_* and PLEDGES_REMIND_* (README).  --as-of may not be in the future.

    \b
    Example:
      pledges remind run --as-of 2026-06-15T08:00
    """
    from pledges.workflows.delivery import Settings
    from pledges.workflows.scheduler import campaign_timezone, run_once

    shown = Deliveries(fmt, app.lang)
    with console_log():
        now, created, report = run_once(app.ledger(), Settings.from_env(lang=app.lang), as_of,
                                        scan=not deliver_only, each=shown.add)
    zone = ZoneInfo(campaign_timezone(app.ledger()))  # as the campaign reads its clock
    local = now.astimezone(zone)
    until = report.claimed_until.astimezone(zone) if report.claimed_until else None
    if fmt == "json":
        return shown.end_json({"as_of": now, "created": {k.value: v for k, v in created.items()},
                               "delivered": {state.value: report.counts[state] for state in ReminderState},
                               "robot_messages": report.posts, "claimed_elsewhere": report.claimed_elsewhere,
                               "claimed_until": until})
    if fmt == "csv":
        return
    shown.end_table()
    say("remind_scanned", app.lang, day=local.isoformat(timespec="minutes"), created=sum(created.values()))
    say("remind_delivered", app.lang, sent=report.counts["sent"], retry=report.counts["pending"],
        failed=report.counts["failed"], cancelled=report.counts["cancelled"], posts=report.posts)
    if report.claimed_elsewhere:
        say("remind_claimed_elsewhere", app.lang, count=report.claimed_elsewhere,
            until=until.strftime("%H:%M") if until.date() == local.date() else until.isoformat(timespec="minutes"))


class Deliveries:
    """The deliveries of ``remind run`` as they are recorded: JSON and CSV written one by one
    (150,000 on a first run), the table shows the first ``SHOWN`` and counts the rest."""

    SHOWN = 50

    def __init__(self, fmt: str, lang: str):
        self.fmt, self.lang, self.count, self.rows = fmt, lang, 0, []
        self.csv = csv.writer(sys.stdout, lineterminator="\n") if fmt == "csv" else None

    def add(self, result) -> None:
        row = result.as_dict()
        row["delivered"] = ",".join(row["delivered"])
        self.count += 1
        if self.fmt == "json":
            click.echo(('{\n  "deliveries": [\n    ' if self.count == 1 else ",\n    ") + one_json(row), nl=False)
        elif self.csv is not None:
            if self.count == 1:  # the table's headers, as emit's CSV has them
                self.csv.writerow(csv_headers(list(row), self.lang, RESULT_WORDS))
            label_cells(row, RESULT_LABELS, self.lang)
            self.csv.writerow([csv_cell(value, self.lang) for value in row.values()])
        elif self.count <= self.SHOWN:
            self.rows.append(row)

    def end_json(self, summary: dict) -> None:
        head = '{\n  "deliveries": []' if self.count == 0 else "\n  ]"
        click.echo(head + "".join(f",\n  {one_json(key)}: {one_json(value)}" for key, value in summary.items()) + "\n}")

    def end_table(self) -> None:
        emit(self.rows, RESULT_COLUMNS, "table", self.lang)
        if self.count > self.SHOWN:
            say("remind_more", self.lang, count=self.count - self.SHOWN)


def one_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=plain)


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
    from pledges.workflows.outbox import listing

    rows = listing(app.ledger(), state, rule, reader=app.reader)
    if fmt == "table":
        return emit(list(rows), LIST_COLUMNS, fmt, app.lang)
    if fmt == "csv":  # the table's headers and labels; the fields the table leaves out by their code names
        return emit_stream((label_cells(row, LIST_LABELS, app.lang) for row in rows), fmt, app.lang,
                           words=header_words(LIST_COLUMNS))
    emit_stream(rows, fmt)


COMMANDS = [remind]
