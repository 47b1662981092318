"""``pledges visit …``: the evaluation visit (现场点评).  For now the draw of the units to visit."""

import json
import shlex

from pathlib import Path

import click

from pledges import i18n
from pledges.cli.app import App, pass_app
from pledges.cli.lint_cmd import add_row, grid_of
from pledges.cli.params import DATE, format_option
from pledges.cli.dashboard_cmds import percent
from pledges.cli.render import console, say, to_csv, to_json
from pledges.textsafe import visible
from pledges.vocab import Kind

HASH_SHOWN = 12  # hex digits of a unit's hash in the table (JSON and CSV have all 64)
DRAWN_FIELDS = ("org", "kind", "rank", "code", "name", "hash")


@click.group("visit")
def visit():
    """The evaluation visit (现场点评): draw the basic units to visit.

    \b
    Example:
      pledges visit sample --org WL-DX --org WL-CB --units 10 --seed 2026-09-14
    """


def redo_example(sample) -> str:
    """A shell line that recomputes the first drawn unit's hash."""
    for org in sample.orgs:
        for kind in org.kinds:
            if kind.drawn:
                text = f"{sample.seed}|{kind.kind}|{kind.drawn[0].code}"
                program = f"import hashlib; print(hashlib.sha256({json.dumps(text, ensure_ascii=False)}.encode()).hexdigest())"
                return f"python3 -c {shlex.quote(program)}\n{kind.drawn[0].hash}"
    return ""


def drawn_rows(sample, lang: str) -> list[dict]:
    """The drawn units for CSV, the kind by its label as the table shows it (JSON keeps the code
    name that the hash is made of)."""
    return [{"org": org.code, "kind": i18n.label_of(Kind, kind.kind, lang), "rank": rank, **unit.as_dict()}
            for org in sample.orgs for kind in org.kinds for rank, unit in enumerate(kind.drawn, 1)]


def show(sample, lang: str) -> None:
    from rich.text import Text

    out = console()
    for org in sample.orgs:
        title = i18n.text("visit_title", lang, code=org.code, name=org.name, units=org.units, n=sample.n,
                          seed=sample.seed)
        out.print(Text(title, style="bold"))
        kinds = grid_of([("kind", "left"), ("visit_units", "right"), ("visit_quota", "right"),
                         ("visit_drawn", "right")], lang)
        for kind in org.kinds:
            add_row(kinds, i18n.label_of(Kind, kind.kind, lang), kind.units, kind.quota, len(kind.drawn))
        out.print(kinds)
        units = grid_of([("kind", "left"), ("code", "left"), ("name", "left"), ("visit_hash", "left")], lang)
        for kind in org.kinds:
            for unit in kind.drawn:
                add_row(units, i18n.label_of(Kind, kind.kind, lang), unit.code, unit.name, unit.hash[:HASH_SHOWN])
        out.print(units)
    out.print(Text(i18n.text("visit_redo", lang)))
    out.print(Text(redo_example(sample)), soft_wrap=True)  # one line, to copy and paste


@visit.command("sample")
@click.option("--org", "orgs", multiple=True, required=True, metavar="CODE",
              help="An organisation to draw under (repeat for several: --org WL-DX --org WL-CB).")
@click.option("--units", "n", type=int, required=True, metavar="N", help="How many basic units to draw under each.")
@click.option("--seed", required=True, help="Any text, announced before the draw (e.g. the visit's date).")
@click.option("--quota", "quotas", multiple=True, metavar="KIND=N",
              help="A fixed number for a unit kind (村=4 or village=4; repeatable); the rest is shared out.")
@format_option()
@pass_app
def visit_sample(app: App, orgs, n, seed, quotas, fmt):
    """Draw N basic units under each organisation, reproducibly from SEED.

    Basic units are the organisations below it that are not committees.  N is shared among
    the unit kinds in proportion to their numbers (largest remainder), and within a kind the
    units whose SHA-256 of "SEED|KIND|CODE" sorts first are drawn: anyone with the seed can
    redo the draw by hand.  Nothing is written.

    \b
    Example:
      pledges visit sample --org WL-DX --org WL-CB --units 10 --seed 2026-09-14
      pledges visit sample --org WL-DX --units 10 --seed 2026-09-14 --quota 村=4 --quota 机关=0
    """
    from pledges.workflows.visit import sample

    drawn = sample(app.ledger(), orgs, n, seed, quotas, reader=app.reader)
    if fmt == "json":
        click.echo(to_json(drawn.as_dict()))
    elif fmt == "csv":
        click.echo(to_csv(drawn_rows(drawn, app.lang)) or ",".join(DRAWN_FIELDS) + "\n", nl=False)
    else:
        show(drawn, app.lang)


@visit.group("survey")
def survey():
    """The questionnaire (问卷): a workbook for the units visited, its import, the rates.

    \b
    Example:
      pledges visit survey template --org WL-DX-V001 --org WL-DX-E003 --out 问卷.xlsx
      pledges visit survey import 问卷.xlsx
      pledges visit survey results --org WL-DX
    """


@survey.command("template")
@click.option("--org", "orgs", multiple=True, required=True, metavar="CODE",
              help="A unit to ask about (repeat: the units `visit sample` drew).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.xlsx")
@click.option("--respondents", type=click.IntRange(min=1, max=1000), default=10, show_default=True,
              help="Numbered rows per unit and respondent group (党员, 群众).")
@pass_app
def survey_template(app: App, orgs, out, respondents):
    """Write the questionnaire workbook: per unit and respondent group (党员/群众), numbered rows
    asking whether they know the unit's pledges (是/否), how satisfied they are (满意/基本满意/
    不满意), and their suggestions.

    \b
    Example:
      pledges visit survey template --org WL-DX-V001 --org WL-DX-E003 --out 问卷.xlsx --respondents 5
    """
    from pledges.workflows.survey import write_template

    rows = write_template(app.ledger(), list(orgs), out, respondents)
    say("survey_template_done", app.lang, path=out, units=len(dict.fromkeys(orgs)), rows=rows, each=respondents)


@survey.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="FILE…")
@click.option("--campaign", type=int, metavar="YEAR", help="Campaign year [default: this year].")
@click.option("--dry-run", is_flag=True, help="Check every row, write nothing.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def survey_import(app: App, files, campaign, dry_run, fmt):
    """Import filled questionnaires (.xlsx/.xls/.csv), all or nothing: every problem is listed
    with its sheet, row and column.  Rows with neither answer are skipped.

    \b
    Example:
      pledges visit survey import 问卷-大溪.xlsx 问卷-松门.xlsx
    """
    from pledges.workflows.survey import import_answers

    result = import_answers(app.ledger(), list(files), actor=app.actor, campaign=campaign, dry_run=dry_run,
                            check=app.may("survey_import"))
    if fmt == "json":
        click.echo(to_json(result.as_dict(app.lang)))
    elif result.problems:
        from pledges.cli.eval_cmds import say_problems

        say_problems("survey_problems", result.problems, app.lang)
    elif dry_run:
        say("survey_checked", app.lang, answers=result.answers)
    else:
        say("survey_imported", app.lang, answers=result.answers, members=result.by_group.get("members", 0),
            public=result.by_group.get("public", 0), skipped=result.skipped)
    if result.problems:
        click.get_current_context().exit(1)


@survey.command("results")
@click.option("--org", metavar="CODE", help="Only answers about units in this subtree [default: all].")
@click.option("--campaign", type=int, metavar="YEAR", help="Campaign year [default: this year].")
@format_option("table", "json")
@pass_app
def survey_results(app: App, org, campaign, fmt):
    """The survey rates per respondent group: awareness (知晓率) and satisfaction (满意率), each
    with its 95 % Wilson score interval.

    \b
    Example:
      pledges visit survey results --org WL-DX
    """
    from pledges.workflows.survey import GROUPS, results

    found = results(app.ledger(), org=org, campaign=campaign, reader=app.reader)
    if fmt == "json":
        click.echo(to_json(found.as_dict()))
        return
    scope = org or i18n.word("whole_ledger", app.lang)
    click.echo(visible(i18n.text("survey_title", app.lang, scope=scope, year=found.campaign)))
    for group in found.groups:
        aware, satisfied = group.awareness, group.satisfaction
        name = GROUPS[group.group][1 if app.lang == "en" else 0]
        if not group.respondents:  # not "知晓率 -（-–-）"
            click.echo(i18n.text("survey_no_answers", app.lang, group=name))
            continue
        click.echo(i18n.text("survey_rate_line", app.lang, group=name,
                             respondents=group.respondents, awareness=percent(aware.rate, 1),
                             a_low=_bound(aware, 0), a_high=_bound(aware, 1), satisfaction=percent(satisfied.rate, 1),
                             s_low=_bound(satisfied, 0), s_high=_bound(satisfied, 1)))


@visit.command("report")
@click.option("--org", "orgs", multiple=True, metavar="CODE",
              help="A scope to report on (repeatable) [default: the top organisations].")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.html|FILE.xlsx")
@click.option("--seed", help="Draw the units to visit with this seed (as `visit sample`); without it, no sample section.")
@click.option("--units", "n", type=click.IntRange(min=1), default=10, show_default=True,
              help="Basic units drawn under each --org (with --seed).")
@click.option("--quota", "quotas", multiple=True, metavar="KIND=N", help="A fixed number for a unit kind (with --seed).")
@click.option("--as-of", type=DATE, help="Figures as they stood at the end of that day [default: today].")
@click.option("--campaign", type=int, metavar="YEAR", help="Campaign year [default: this year].")
@pass_app
def visit_report(app: App, orgs, out, seed, n, quotas, as_of, campaign):
    """Write the visit report (现场点评报告): the scope's figures and its units', completion by unit
    kind, leading and lagging units with the reason, the sampled units one by one (pledges,
    what is overdue or vague, scores), the questionnaire's rates with 95 % intervals, and an
    appendix with the definition and SQL behind every number.  HTML prints on A4; .xlsx
    holds the same tables.

    \b
    Example:
      pledges visit report --org WL-DX --org WL-SM --seed 2026-09-14 --units 10 --out 点评报告.html
      pledges visit report --org WL-DX --out 点评报告.xlsx
    """
    from pledges.workflows.report import build_report, write_report

    if out.suffix.lower() not in (".html", ".xlsx"):
        from pledges.errors import BadInput

        raise BadInput("report_format", path=out)
    report = build_report(app.ledger(), list(orgs), campaign=campaign, as_of=as_of, seed=seed, units=n,
                          quotas=tuple(quotas), reader=app.reader)
    write_report(report, out)
    say("report_written", app.lang, path=out)  # as typed, as export and template say it


def _bound(rate, end: int) -> str:
    interval = rate.interval
    return "-" if interval is None else percent(interval[end], 1)


COMMANDS = [visit]
