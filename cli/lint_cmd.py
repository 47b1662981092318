"""``pledges lint``: the pledge quality rules (可评比) over a scope, and its checkable rate per unit."""

import click

from pledges import i18n
from pledges.cli.app import App, pass_app
from pledges.cli.dashboard_cmds import percent
from pledges.cli.params import format_option
from pledges.cli.render import console, to_csv, to_json

FINDING_FIELDS = ("id", "org", "member", "title", "rule", "message", "suggestion")


def grid_of(headers: list[tuple[str, str]], lang: str):
    """A table in the dashboard's light style; ``headers``: (word key, justify)."""
    from rich import box
    from rich.table import Table

    grid = Table(header_style="bold", box=box.SIMPLE_HEAD, collapse_padding=True, pad_edge=False)
    for key, justify in headers:
        grid.add_column(i18n.word(key, lang), justify=justify, overflow="fold")
    return grid


def add_row(grid, *cells, style=None) -> None:
    """Every cell as plain text: titles and names are what people typed, never markup."""
    from rich.text import Text

    grid.add_row(*(Text("" if cell is None else str(cell)) for cell in cells), style=style)


def _rules_text(by_rule: dict[str, int]) -> str:
    """"L005:12 L006:3": a narrow column wraps between rules, never inside one."""
    return " ".join(f"{code}:{count}" for code, count in by_rule.items())


def units_table(report, lang: str):
    grid = grid_of([("org", "left"), ("declared", "right"), ("checkable", "right"), ("checkable_rate", "right"),
                  ("lint_findings", "right"), ("lint_rule", "left")], lang)
    for unit in report.units:
        add_row(grid, "  " * unit.depth + unit.name, unit.declared, unit.checkable, percent(unit.checkable_rate, 1),
             unit.findings, _rules_text(unit.by_rule), style="bold" if unit.depth == 0 else None)
    return grid


def findings_table(findings, lang: str):
    grid = grid_of([("id", "right"), ("org", "left"), ("member", "left"), ("title", "left"), ("lint_rule", "left"),
                  ("lint_message", "left")], lang)
    for finding in findings:
        add_row(grid, finding.id, finding.org, finding.member, finding.title, finding.rule, finding.message(lang))
    return grid


def rules_table(report, lang: str):
    """The rules that fired in the scope, with how often and what to do about it."""
    from pledges.quality import RULES

    totals = {}
    for unit in report.units:
        if unit.depth == 0:
            for code, count in unit.by_rule.items():
                totals[code] = totals.get(code, 0) + count
    grid = grid_of([("lint_rule", "left"), ("lint_count", "right"), ("lint_suggestion", "left")], lang)
    for rule in RULES:
        if rule.code in totals:
            add_row(grid, rule.code, totals[rule.code], rule.suggestion[1 if lang == "en" else 0])
    return grid


def show(report, lang: str, limit: int) -> None:
    from rich.text import Text

    out = console()
    tops = [unit for unit in report.units if unit.depth == 0]
    scope = tops[0].name if len(tops) == 1 else i18n.word("whole_ledger", lang)
    out.print(Text(i18n.text("lint_title", lang, scope=scope, year=report.campaign), style="bold"))
    declared, checkable = sum(u.declared for u in tops), sum(u.checkable for u in tops)
    out.print(Text(i18n.text("lint_totals", lang, declared=declared, checkable=checkable,
                             checkable_rate=percent(checkable / declared if declared else None, 1),
                             findings=len(report.findings))))
    out.print(units_table(report, lang))
    if not report.findings:
        return
    shown = report.findings if limit == 0 else report.findings[:limit]
    out.print(Text(i18n.text("lint_findings_title", lang, count=len(report.findings)), style="bold"))
    out.print(findings_table(shown, lang))
    if len(shown) < len(report.findings):
        out.print(Text(i18n.text("lint_more", lang, count=len(report.findings) - len(shown)), style="dim"))
    out.print(Text(i18n.text("lint_rules_title", lang), style="bold"))
    out.print(rules_table(report, lang))


@click.command("lint")
@click.option("--org", metavar="CODE", help="Scope: this organisation and everything below it [default: all].")
@click.option("--campaign", type=int, metavar="YEAR", help="Campaign year [default: this year].")
@click.option("--depth", type=click.IntRange(min=0), default=1, show_default=True,
              help="How many levels below --org get a row of their own in the checkable-rate table.")
@click.option("--limit", type=click.IntRange(min=0), default=100, show_default=True,
              help="Findings listed in the table (0: all); JSON and CSV always hold them all.")
@format_option()
@pass_app
def lint(app: App, org, campaign, depth, limit, fmt):
    """Check pledges against the quality rules (可评比): vague words, no target or unit, a vague
    criterion, a default due date, duplicated titles, titles too short or too long, odd targets.

    Prints the checkable rate (可评比率 = checkable / declared) of the scope and of each unit
    below it, every finding with its rule code, and what to do about each rule.  JSON holds
    `units` and `findings`; CSV holds the findings (id, org, member, title, rule, message,
    suggestion).  Nothing is changed.

    \b
    Example:
      pledges lint --org WL-DX
      pledges lint --org WL-DX-V001 --format csv > 大溪村问题清单.csv
    """
    from pledges.quality import lint as run_lint

    report = run_lint(app.ledger(), org=org, campaign=campaign, depth=depth, reader=app.reader)
    if fmt == "json":
        click.echo(to_json(report.as_dict(app.lang)))
    elif fmt == "csv":
        records = [finding.as_dict(app.lang) for finding in report.findings]
        click.echo(to_csv(records) if records else ",".join(FINDING_FIELDS) + "\n", nl=False)
    else:
        show(report, app.lang, limit)


COMMANDS = [lint]
