"""``pledges rate`` (评价 by rater group, one or a sheet of them) and ``pledges campaign show | set``
(the rater weights and the quality setting of a campaign)."""

from pathlib import Path

import click

from pledges import i18n
from pledges.cli.app import App, pass_app
from pledges.cli.failures import Usage
from pledges.cli.render import say, to_json
from pledges.textsafe import visible
from pledges.vocab import Grade, PublicGrade, RaterGroup


def _grade_label(grade: str | None, lang: str) -> str:
    scale = PublicGrade if grade in PublicGrade.__members__.values() else Grade
    return i18n.label_of(scale, grade, lang)


def _score(score: float | None) -> str:
    return "-" if score is None else f"{score:.1f}"


@click.command("rate")
@click.argument("pledge_id", metavar="ID", type=int, required=False)
@click.option("--group", metavar="GROUP", help="Who rates: self|members|public|organisation (自评/党员评/群众评/组织评).")
@click.option("--grade", metavar="GRADE",
              help="excellent|good|pass|fail (优秀/良好/合格/不合格); the public: satisfied|fair|unsatisfied "
                   "(满意/基本满意/不满意).")
@click.option("--count", type=int, default=1, show_default=True, metavar="N",
              help="Ballots of this grade (tallied paper ballots in one go).")
@click.option("--comment", help="What the raters said; kept with the rating.")
@click.option("--sheet", "sheets", multiple=True, type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="A rating sheet (.xlsx/.xls/.csv with 承诺编号, 评价主体, 等次[, 票数, 评语]) instead of ID; repeatable.")
@click.option("--dry-run", is_flag=True, help="With --sheet: check every row, write nothing.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def rate(app: App, pledge_id, group, grade, count, comment, sheets, dry_run, fmt):
    """Rate a displayed (or later) pledge for one rater group (评价).

    Ratings feed the pledge's score: each group's mean points (优秀 100, 良好 85, 合格 70,
    不合格 40; 满意 100, 基本满意 70, 不满意 30) weighted by the campaign's weights.  Once the
    pledge is evaluated its score is frozen: later ratings are kept but do not change it.

    \b
    Example:
      pledges rate 12 --group public --grade 满意 --count 37
      pledges rate 12 --group self --grade good --comment 已走访12户
      pledges rate --sheet 群众评议.xlsx
    """
    if sheets:
        if pledge_id is not None or group or grade:
            raise Usage("usage_rate_sheet")
        _rate_sheets(app, list(sheets), dry_run, fmt)
        return
    if pledge_id is None or not group or not grade:
        raise Usage("usage_rate")
    from pledges.workflows.ratings import rate as record

    rated = record(app.ledger(), pledge_id, group, grade, actor=app.actor, count=count, comment=comment)
    if fmt == "json":
        click.echo(to_json(rated.as_dict()))
        return
    say("rated", app.lang, id=rated.pledge_id, group=RaterGroup(rated.group), grade=_grade_label(rated.grade, app.lang),
        count=rated.count)
    key = "rated_frozen" if rated.frozen else "rated_score"
    say(key, app.lang, id=rated.pledge_id, score=_score(rated.score), grade=_grade_label(rated.final_grade, app.lang)
        if rated.final_grade else "-")


def say_problems(key: str, problems, lang: str) -> None:
    """An all-or-nothing import's problems on stderr: a line saying nothing was written, then one
    line per problem (file, sheet, row, column, why); what the cells held is shown as text."""
    say(key, lang, err=True, count=len(problems))
    for problem in problems:
        click.echo(visible(problem.line(lang)), err=True)


def _rate_sheets(app: App, paths: list[Path], dry_run: bool, fmt: str) -> None:
    from pledges.workflows.ratings import import_ratings

    result = import_ratings(app.ledger(), paths, actor=app.actor, dry_run=dry_run)
    if fmt == "json":
        click.echo(to_json(result.as_dict(app.lang)))
    elif result.problems:
        say_problems("ratings_problems", result.problems, app.lang)
    else:
        say("ratings_checked" if dry_run else "ratings_imported", app.lang, rows=result.rows, ballots=result.ballots)
    if result.problems:
        click.get_current_context().exit(1)


@click.group("campaign")
def campaign():
    """A campaign's evaluation settings: rater weights, quality rules as warnings or refusals.

    \b
    Example:
      pledges campaign set --weights organisation=0.4,public=0.3,members=0.2,self=0.1
      pledges campaign set --lint-refuses
    """


@campaign.command("show")
@click.option("--campaign", "year", type=int, metavar="YEAR", help="Campaign year [default: this year].")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def campaign_show(app: App, year, fmt):
    """Show a campaign's dates, time zone, rater weights and quality setting.

    \b
    Example:
      pledges campaign show --campaign 2026
    """
    from pledges.campaigns import campaign_for
    from pledges.scores import weights_of

    ledger = app.ledger()
    with ledger.session() as session:
        found = campaign_for(session, ledger, year)
    data = {"year": found.year, "name": found.name, "timezone": found.timezone, "starts": found.starts,
            "ends": found.ends, "weights": weights_of(found), "lint_refuses": found.lint_refuses}
    if fmt == "json":
        click.echo(to_json(data))
        return
    for name in ("year", "name", "timezone", "starts", "ends"):
        click.echo(f"{name}: {data[name]}")
    click.echo(f"{i18n.word('weights', app.lang)}: {_weights_text(data['weights'], app.lang)}")
    say("campaign_lint_refuses" if found.lint_refuses else "campaign_lint_warns", app.lang)


def _weights_text(weights: dict, lang: str) -> str:
    return ", ".join(f"{i18n.label_of(RaterGroup, group, lang)}={weight:g}" for group, weight in weights.items())


@campaign.command("set")
@click.option("--campaign", "year", type=int, metavar="YEAR", help="Campaign year [default: this year].")
@click.option("--weights", metavar="GROUP=W,…",
              help="Rater-group weights adding up to 1, e.g. organisation=0.4,public=0.3,members=0.2,self=0.1 "
                   "(组织评=0.4,…); a group left out weighs 0.")
@click.option("--lint-refuses/--lint-warns", "lint_refuses", default=None,
              help="Quality findings refuse add and submit, or only warn (the default).")
@pass_app
def campaign_set(app: App, year, weights, lint_refuses):
    """Change a campaign's rater weights or quality setting (recorded in the audit log).

    \b
    Example:
      pledges campaign set --weights organisation=0.5,public=0.3,members=0.2
      pledges campaign set --campaign 2026 --lint-refuses
    """
    from pledges.campaigns import set_campaign
    from pledges.scores import parse_weights, weights_of

    parsed = parse_weights(weights) if weights is not None else None
    found = set_campaign(app.ledger(), year, actor=app.actor, weights=parsed, lint_refuses=lint_refuses,
                         check=app.may("campaign_set"))
    parts = []
    if parsed is not None:
        parts.append(i18n.text("campaign_weights", app.lang, weights=_weights_text(weights_of(found), app.lang)))
    if lint_refuses is not None:
        parts.append(i18n.text("campaign_lint_refuses" if lint_refuses else "campaign_lint_warns", app.lang))
    say("campaign_set", app.lang, year=found.year, what="；".join(parts) if app.lang != "en" else "; ".join(parts))


COMMANDS = [rate, campaign]
