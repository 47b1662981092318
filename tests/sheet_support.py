"""An .xlsx read both ways, calamine's and pledges.sheets.stream's, to hold them to the same rows."""

import zipfile
from pathlib import Path

from pledges.sheets import reader, stream
from pledges.sheets.cells import Formula


def as_seen(rows) -> list[tuple[int, list]]:
    """The rows with data, trailing empty cells left out: calamine pads every row to the sheet's
    width and gives the rows between as empty, the stream gives each row as far as it holds data.
    A formula with no stored result is empty to calamine."""
    seen = []
    for number, values in rows:
        values = [None if isinstance(v, Formula) else v for v in values]
        while values and values[-1] is None:
            values.pop()
        if values:
            seen.append((number, values))
    return seen


def both_ways(path: Path) -> dict[str, tuple[list, list]]:
    """Each sheet's rows as calamine reads them and as the stream does."""
    with zipfile.ZipFile(path) as archive:
        parts = stream.sheet_parts(archive)
    return {name: (as_seen(reader._calamine_reader(path, name)()), as_seen(reader._stream_reader(path, part)()))
            for name, part in parts.items()}


def assert_read_alike(path: Path) -> None:
    for name, (by_calamine, streamed) in both_ways(path).items():
        assert streamed == by_calamine, f"{path.name} [{name}]"
