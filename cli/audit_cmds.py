"""``pledges audit verify [--checkpoint FILE]`` · ``audit checkpoint [--key FILE] [--out FILE]``:
the hash-chained history (docs/audit.md).  The work is in pledges/verify.py."""

from pathlib import Path

import click

from pledges import i18n
from pledges.cli.app import App, pass_app
from pledges.cli.render import say
from pledges.errors import HistoryBroken


@click.group("audit")
def audit() -> None:
    """Check the audit history: its hash chain, the pledges' replay, signed checkpoints.

    \b
    Example:
      pledges audit verify
      pledges audit checkpoint --out board.json && pledges audit verify --checkpoint board.json
    """


@audit.command("verify")
@click.option("--checkpoint", "checkpoint_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="A checkpoint from `pledges audit checkpoint`: the history must still extend it.")
@pass_app
def verify(app: App, checkpoint_file):
    """Recompute the hash chain and replay every pledge from its events.

    Checks each event's hash, that event times never go back, that each pledge event starts
    from the state the previous one left, and that every pledge's state, due day, amount done
    and outcome are those of its last event.  Names the first event that does not fit (exit 1),
    or prints OK with the number of events and the head hash.

    \b
    Example:
      pledges audit verify
      pledges audit verify --checkpoint board-2026-11.json
    """
    from pledges.verify import read_checkpoint
    from pledges.verify import verify as check

    point = read_checkpoint(Path(checkpoint_file)) if checkpoint_file else None
    done = check(app.ledger(), point)
    if done.problem is not None:
        raise HistoryBroken(done.problem.key, **done.problem.params)
    say("audit_ok", app.lang, count=f"{done.count:,}", head=done.head)
    if point is not None:
        say("audit_ok_checkpoint", app.lang, origin=point.origin, size=f"{point.size:,}", fingerprint=point.fingerprint())


@audit.command("checkpoint")
@click.option("--key", "key_file", type=click.Path(dir_okay=False), default="pledges-audit.key", show_default=True,
              metavar="FILE", help="Ed25519 private key (PEM); made, readable by you only, when absent.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write the checkpoint here [default: standard output].")
@pass_app
def checkpoint(app: App, key_file, out_file):
    """Sign the head of the verified history (ledger id, number of events, head hash).

    Publish the file (and the key's fingerprint): `audit verify --checkpoint FILE` later proves
    the history still extends it, so removing the newest events or rewriting an old one shows.
    A history that does not verify is refused.

    \b
    Example:
      pledges audit checkpoint --key /etc/pledges/audit.key --out board-2026-11.json
    """
    from pledges.chain import at_text
    from pledges.verify import checkpoint_text, make_checkpoint

    ledger = app.ledger()
    point, checked = make_checkpoint(ledger, Path(key_file), at_text(ledger.now()))
    if checked.problem is not None:
        problem = i18n.text(checked.problem.key, app.lang, **checked.problem.params)
        raise HistoryBroken("audit_checkpoint_refused", problem=problem)
    text = checkpoint_text(point)
    if out_file:
        Path(out_file).write_text(text, encoding="utf-8")
        say("audit_checkpoint_written", app.lang, err=True, count=f"{point.size:,}", head=point.hash, file=out_file,
            fingerprint=point.fingerprint())
    else:
        click.echo(text, nl=False)


COMMANDS = (audit,)
