"""Sheets of one kind of row, found by their headers: the rating sheet (评价) and the
questionnaire answers (问卷).  The conventions of ``pledges import``: .xlsx, .xls or .csv; the
header may lie below title rows; headers match after full-width forms are narrowed and notes in
brackets dropped (``pledges.sheets.headers.key``); rows are numbered as the spreadsheet numbers
them; every problem is collected with its file, sheet, row and column, and the caller writes
nothing if there is any."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pledges.sheets import cells
from pledges.sheets.headers import Col, key
from pledges.sheets.problems import Problem
from pledges.sheets.reader import HEADER_SCAN, column_letter, open_sheets


@dataclass
class SheetRow:
    source: str
    sheet: str
    row: int
    values: dict
    letters: dict[str, str] = field(default_factory=dict)  # field → column letter
    headers: dict[str, str] = field(default_factory=dict)  # field → the header as written

    def problem(self, key_: str, column: str | None = None, **params) -> Problem:
        return Problem(self.source, self.sheet, self.row, self.letters.get(column) if column else None, key_, params,
                       self.headers.get(column) if column else None)


def _lookup(columns: tuple[Col, ...]) -> dict[str, Col]:
    return {key(name): col for col in reversed(columns) for name in (col.field, col.zh, col.en, *col.synonyms)}


def read_rows(paths: list[Path], columns: tuple[Col, ...], readers: dict[str, Callable],
              problems: list[Problem]) -> tuple[list[SheetRow], int]:
    """The data rows of every sheet of ``paths`` whose header row holds the required columns
    (other sheets are skipped); returns the rows and how many sheets were read.  A cell that
    cannot be read adds a problem and leaves the row out."""
    lookup = _lookup(columns)
    required = {col.field for col in columns if col.required}
    found_rows, sheets = [], 0
    for path in paths:
        for raw in open_sheets(Path(path)):
            header_row, mapping = None, {}
            for number, row in raw.rows():
                if number > HEADER_SCAN:
                    break
                found = {i: lookup[key(v)] for i, v in enumerate(row) if not cells.blank(v) and key(v) in lookup}
                if required <= {col.field for col in found.values()}:
                    header_row, mapping, headers = number, found, row
                    break
            if header_row is None:
                continue
            sheets += 1
            letters = {col.field: column_letter(i) for i, col in mapping.items()}
            names = {col.field: str(headers[i]) for i, col in mapping.items()}
            for number, row in raw.rows():
                if number <= header_row or all(cells.blank(v) for v in row):
                    continue
                parsed = SheetRow(raw.source, raw.name, number, {}, letters, names)
                bad = False
                for i, col in mapping.items():
                    value = row[i] if i < len(row) else None
                    try:
                        parsed.values[col.field] = readers.get(col.field, cells.text)(value)
                    except cells.CellProblem as err:
                        problems.append(parsed.problem(err.key, col.field, **err.params))
                        bad = True
                        continue
                    if col.required and parsed.values[col.field] is None:
                        problems.append(parsed.problem("cell_required", col.field, header=names[col.field]))
                        bad = True
                if not bad:
                    found_rows.append(parsed)
    return found_rows, sheets
