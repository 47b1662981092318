"""Run one long operation in its own process and stop dead at a hook point, for the kill -9
tests: ``python hooked.py STAGE N OPERATION ARGS…`` prints ``HOOK`` and sleeps once the
operation reports progress ``N`` of stage ``STAGE`` (the test then sends SIGKILL)."""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def main(stage: str, after: int, operation: str, *args: str) -> None:
    def progress(name: str, done: int, total: int) -> None:
        if name == stage and done >= after:
            print("HOOK", flush=True)
            time.sleep(600)

    if operation == "upgrade":
        from pledges.db import Ledger
        from pledges.upgrade import upgrade_ledger

        upgrade_ledger(Ledger(args[0]), no_backup=True, progress=progress, version_locations=tuple(args[1:]))
    elif operation == "restore":
        from pledges.backup import restore

        restore(args[0], args[1], progress)
    elif operation == "copy":
        from pledges.transfer import copy_ledger

        copy_ledger(args[0], args[1], progress)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), *sys.argv[3:])
