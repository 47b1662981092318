"""``pledges template | import | export``: spreadsheets in and out."""

from contextlib import contextmanager
from pathlib import Path

import click

from pledges import i18n
from pledges.cli.app import App, pass_app
from pledges.cli.render import say

BAR_FROM = 5_000  # rows: a progress bar appears on work longer than this


@contextmanager
def progress_bar(lang: str):
    """A callback ``report(stage, done, total)`` that shows a rich progress bar (on stderr, when
    it is a terminal) once the work passes ``BAR_FROM`` rows, and nothing for small files."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    state = {"bar": None, "task": None, "stage": None}
    console = Console(stderr=True)

    def report(stage: str, done: int, total: int | None = None) -> None:
        if state["bar"] is None and (done < BAR_FROM or not console.is_terminal):  # a pipe or a log: no bar
            return
        if state["bar"] is None:
            state["bar"] = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                    MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True)
            state["bar"].start()
        if stage != state["stage"]:
            key = f"{stage}_sheet" if f"{stage}_sheet" in i18n.WORDS else f"{stage}_stage"
            label = i18n.word(key, lang) if key in i18n.WORDS else stage
            state["task"], state["stage"] = state["bar"].add_task(label, total=total), stage
        state["bar"].update(state["task"], completed=done, total=max(total, done) if total else None)

    try:
        yield report
    finally:
        if state["bar"] is not None:
            state["bar"].stop()


@click.command("template")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.xlsx",
              help="Where to write the workbook.")
@pass_app
def template(app: App, out):
    """Write an empty workbook to fill in: organisations, members, pledges, progress.

    Units in use in the ledger (if there is one at --db) are offered as choices.

    \b
    Example:
      pledges template --out 承诺模板.xlsx
    """
    from pledges.errors import PledgeError
    from pledges.sheets.template import write_template

    try:
        ledger = app.ledger()
    except PledgeError:  # no ledger here yet: a template with the default units
        ledger = None
    write_template(ledger, out)
    say("template_done", app.lang, path=out)


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="FILE…")
@click.option("--dry-run", is_flag=True, help="Check everything, write nothing.")
@click.option("--errors", "errors_out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.xlsx",
              help="On problems, write the rows with a reason column here, to fix and import again.")
@click.option("--submit", is_flag=True, help="Submit the sheets' draft pledges (through the submit guard).")
@click.option("--approve", is_flag=True, help="Submit and approve them (the actor must be allowed to approve).")
@click.option("--states", is_flag=True,
              help="Move each pledge to the 状态 its row gives (an export's), through the lifecycle and its guards.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Summary for people, or JSON for scripts.")
@pass_app
def import_(app: App, files, dry_run, errors_out, submit, approve, states, fmt):
    """Import organisations, members, pledges and progress from .xlsx, .xls or .csv files.

    All or nothing: every problem is listed (file, sheet, row, column, reason) and then nothing
    is written.  Re-importing the same file changes nothing.

    \b
    Example:
      pledges import 大溪村承诺.xlsx --dry-run
      pledges import 大溪村承诺.xlsx --errors 错误.xlsx
      pledges import orgs.csv members.csv pledges.csv --approve
      pledges import 导出.xlsx --states
    """
    from pledges.cli.render import to_json
    from pledges.workflows.importer import import_sheets

    with progress_bar(app.lang) as report:
        result = import_sheets(app.ledger(), list(files), actor=app.actor, dry_run=dry_run, submit=submit,
                               approve=approve, states=states, report=report)
    if fmt == "json":
        click.echo(to_json(result.as_dict(app.lang)))
    else:
        _summary(result, app.lang)
    if result.problems:
        for problem in result.problems:
            click.echo(problem.line(app.lang), err=True)
        if errors_out:
            from pledges.sheets.writer import write_errors
            from pledges.workflows.importer import read_tables

            write_errors(errors_out, read_tables(list(files))[0], result.problems, app.lang)
            say("import_errors_written", app.lang, err=True, path=errors_out)
        say("import_failed", app.lang, err=True, count=len(result.problems))
        raise SystemExit(1)


def _summary(result, lang: str) -> None:
    if result.problems:
        return
    names = "、".join(Path(f).name for f in result.files)
    say("import_dry" if result.dry_run else "import_done", lang, files=names)
    for kind, counts in result.counts.items():
        if any(counts.values()):
            say("import_counts", lang, what=i18n.word(f"{kind}_sheet", lang), **counts)
    if result.moved:
        say("import_moved", lang, submit=result.moved.get("submit", 0), approve=result.moved.get("approve", 0))
    if result.ignored_sheets:
        say("import_ignored_sheets", lang, names="、".join(result.ignored_sheets))
    if result.ignored_columns:
        say("import_ignored_columns", lang, names="、".join(result.ignored_columns))


@click.command("export")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="The file to write (.xlsx or .csv).")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default=None,
              help="xlsx (organisations, members, pledges, figures) or csv (pledges) [default: from --out].")
@click.option("--org", metavar="CODE", help="Only this organisation and those below it.")
@click.option("--campaign", type=int, metavar="YEAR", help="Campaign year [default: this year].")
@pass_app
def export(app: App, out, fmt, org, campaign):
    """Export pledges with their state, progress and evaluation, for Excel or WPS.

    The .xlsx also holds the organisations, the members and the dashboard's figures, and
    imports back as it is.

    \b
    Example:
      pledges export --out 大溪镇承诺.xlsx --org DX
      pledges export --format csv --out 承诺.csv
    """
    from pledges.sheets.export import export as write

    fmt = fmt or ("csv" if out.suffix.lower() == ".csv" else "xlsx")
    with progress_bar(app.lang) as report:
        count = write(app.ledger(), out, fmt=fmt, org=org, campaign=campaign, lang=app.lang, report=report,
                      reader=app.reader)
    say("export_done", app.lang, pledges=count, path=out)


COMMANDS = [template, import_, export]
