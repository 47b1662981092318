"""``pledges demo``: load a realistic demo ledger, with a progress bar."""

import time

import click

from pledges import i18n
from pledges.cli.app import App, pass_app
from pledges.cli.params import DATE
from pledges.cli.render import say

STAGES = {"orgs": "orgs_stage", "members": "members_stage", "pledges": "pledges_stage"}


@click.command("demo")
@click.option("--scale", type=click.Choice(["small", "city"]), default="small", show_default=True,
              help="small: 3 towns, ~25 organisations, ~1,500 pledges; city: all of 温岭, ~2,000 "
                   "organisations, 57,000 members, ~245,000 pledges.")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same ledger.")
@click.option("--as-of", "as_of", type=DATE, help="The day the ledger stands at, not later than today "
                                                   "[default: today]; the campaign is that day's year.")
@pass_app
def demo(app: App, scale, seed, as_of):
    """Load a realistic demo ledger of 温岭's campaign into an empty database.

    Every pledge has walked the real lifecycle up to the as-of day: some fulfilled on time,
    some late, extended, stalled, overdue, unfulfilled, withdrawn, evaluated or still drafts.
    The database is initialised if needed; one that already holds organisations is refused.
    The changes are recorded as made by --as NAME, or by 演示数据.

    \b
    Example:
      pledges --db demo.db demo --scale small
      pledges --db demo.db demo --scale city --seed 7 --as-of 2026-09-30
    """
    from pledges.db import Ledger
    from pledges.demo import DEMO_ACTOR, build_demo

    ledger = Ledger(app.db)
    ledger.init()
    started = time.perf_counter()
    with _progress_bar(app.lang) as progress:
        summary = build_demo(ledger, scale=scale, seed=seed, as_of=as_of, progress=progress,
                             actor=(app.actor_name or "").strip() or DEMO_ACTOR)
    counts = {key: f"{value:,}" for key, value in summary.as_dict().items() if isinstance(value, int)}
    say("demo_built", app.lang, **{**counts, "scale": scale, "seed": seed, "as_of": summary.as_of,
                                   "seconds": f"{time.perf_counter() - started:.1f}"})


class _progress_bar:
    """A rich progress bar on stderr, one line per stage; ``progress(stage, done, total)``."""

    def __init__(self, lang: str):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.lang, self.tasks = lang, {}
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=Console(stderr=True), transient=True)

    def __enter__(self):
        self.bar.__enter__()
        return self.update

    def __exit__(self, *exc):
        return self.bar.__exit__(*exc)

    def update(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            for task in self.tasks.values():  # a new stage: the earlier ones are done
                self.bar.update(task, completed=self.bar.tasks[task].total)
            self.tasks[stage] = self.bar.add_task(i18n.word(STAGES[stage], self.lang), total=total)
        self.bar.update(self.tasks[stage], completed=done)


COMMANDS = [demo]
