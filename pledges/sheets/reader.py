"""Reading a workbook (.xlsx, .xls) or a CSV file as sheets of rows, as a person sees them.

- .xlsx is read by python-calamine (ten times openpyxl's speed, three times our own reader's),
  which reads a whole sheet into memory before its first row; a large sheet is streamed by
  ``pledges.sheets.stream`` instead (``STREAM_ABOVE``), and so is a sheet holding formulas:
  calamine gives a formula's stored result but cannot say that a cell was a formula with no
  stored result (a file no spreadsheet program saved).  Neither trusts the stored dimension,
  which WPS writes as A1:A1.
- Merged cells read as their top-left value in every cell they cover (a code merged down over
  several rows belongs to each of them).
- CSV is UTF-8, UTF-8 with a byte-order mark, or GB18030 (what Excel and WPS save on a Chinese
  system); a cell our export quoted against formula injection (``'=…``) loses the quote.
Rows are numbered as the spreadsheet numbers them (the first row is 1)."""

import codecs
import csv
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pledges.errors import BadInput
from pledges.sheets import headers as H
from pledges.sheets import stream
from pledges.sheets.cells import BLANKS, blank

IGNORED_SHEETS = ("说明", "选项", "统计", "readme", "help", "figures")  # guide, choices, the export's figures
HEADER_SCAN = 10  # the header is among the first rows (title rows may come before it)
# An .xlsx sheet whose XML, with the workbook's shared strings, is larger than this is streamed
# (pledges.sheets.stream) instead of read whole by calamine, which reads three times as fast but
# holds the whole sheet until it is done: an import of 250,000 pledges from .xlsx peaks at about
# 218 MB with calamine (their sheet's XML is 85 MB with its text inline as the benchmark writes
# it, 59 MB plus 11 MB of shared strings as Excel and WPS write it), 1,000,000 at 650 MB, so
# 100 MB (~290,000 pledges inline, ~350,000 with shared strings) keeps calamine's imports
# under 300 MB and the benchmark's 250,000 on calamine (docs/performance.md, "Memory").
STREAM_ABOVE = 100_000_000
Row = tuple[int, list]  # (row number, cell values by column, from column A)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class RawSheet:
    """A sheet's rows, readable more than once (``rows()`` starts again each time)."""

    source: str
    name: str
    reader: object  # a callable returning an iterator of Row
    encoding: str | None = None
    size: object = None  # a callable: about how many rows the sheet has (None: unknown), for a progress bar

    def rows(self) -> Iterator[Row]:
        return self.reader()

    def rows_about(self) -> int | None:
        return self.size() if self.size else None


@dataclass
class Table:
    """A sheet recognised as one kind: where its header is and which column holds what."""

    raw: RawSheet
    kind: str
    header_row: int
    headers: list
    columns: dict[int, H.Col]
    ignored: list[str] = field(default_factory=list)
    unnamed: set[int] = field(default_factory=set)  # columns with data but no header

    @property
    def name(self) -> str:
        return self.raw.name

    def records(self) -> Iterator[Row]:
        """The data rows below the header, blank rows left out."""
        header_row = self.header_row
        for number, cells in self.raw.rows():
            if number <= header_row or not cells:
                continue
            first = cells[0]  # most rows start with a filled cell: no need to look at the others
            if (first is not None and (type(first) is not str or first.strip(BLANKS))) or not all(map(blank, cells)):
                yield number, cells


def open_sheets(path: Path) -> list[RawSheet]:
    path = Path(path)
    if not path.is_file():
        raise BadInput("sheet_missing", path=path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [_csv_sheet(path)]
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return _workbook_sheets(path, suffix)
    raise BadInput("sheet_format", path=path)


# --- CSV -----------------------------------------------------------------------------------------

def csv_encoding(path: Path) -> str:
    """UTF-8 (with or without a byte-order mark) if the whole file decodes so, else GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as file:
                while chunk := file.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise BadInput("csv_encoding", path=path)


_QUOTED = re.compile(r"^'[=+\-@\t\r]")


def _csv_sheet(path: Path) -> RawSheet:
    encoding = csv_encoding(path)

    def rows() -> Iterator[Row]:
        with open(path, encoding=encoding, newline="") as file:
            for number, cells in enumerate(csv.reader(file), start=1):
                yield number, [(cell[1:] if cell[0] == "'" and _QUOTED.match(cell) else cell) if cell else None
                               for cell in cells]

    def size() -> int:
        lines = 0
        with open(path, "rb") as file:
            while chunk := file.read(1 << 20):
                lines += chunk.count(b"\n")
        return lines

    return RawSheet(str(path.name), path.stem, rows, encoding, size)


# --- workbooks -------------------------------------------------------------------------------------

def _workbook_sheets(path: Path, suffix: str) -> list[RawSheet]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as err:
        raise unreadable(path, err) from None
    streamed = _sheets_to_stream(path) if suffix != ".xls" else {}
    sheets = []
    for meta in book.sheets_metadata:
        if str(meta.typ) not in ("SheetTypeEnum.WorkSheet", "WorkSheet"):
            continue
        name = meta.name
        reader = _stream_reader(path, streamed[name]) if name in streamed else _calamine_reader(path, name)
        sheets.append(RawSheet(path.name, name, reader, size=getattr(reader, "size", None)))
    return sheets


def unreadable(path: Path, err: Exception, part: str | None = None) -> BadInput:
    """The refusal of a workbook or sheet that cannot be read, with the reader's first line."""
    first = str(err).splitlines()[0] if str(err) else type(err).__name__
    return BadInput("sheet_unreadable", path=path, detail=f"{part}: {first}" if part else first)


def _sheets_to_stream(path: Path) -> dict[str, str]:
    """The sheets read by our own streaming reader (name → part in the zip): a sheet whose XML
    is larger than ``STREAM_ABOVE``, a sheet holding formulas, which calamine cannot tell
    apart from empty cells when no spreadsheet program stored their results, and a sheet with a
    cell far out in the grid, whose whole rectangle calamine would allocate (``_FAR_OUT``)."""
    try:
        with zipfile.ZipFile(path) as archive:
            shared = stream.shared_strings_part(archive)
            strings = archive.getinfo(shared).file_size if shared else 0
            return {name: part for name, part in stream.sheet_parts(archive).items()
                    if archive.getinfo(part).file_size + strings > STREAM_ABOVE or _not_for_calamine(archive, part)}
    except (zipfile.BadZipFile, zlib.error, KeyError, EOFError):  # calamine will say what is wrong
        return {}


def _stream_reader(path: Path, part: str):
    """The sheet's rows as ``pledges.sheets.stream`` reads them, merged cells filled in from a
    scan of the sheet's bytes made before the first row (the ranges follow the rows in the XML)."""
    found: list = []  # (scan, book), read on the first pass (the header scan) for the next

    def rows() -> Iterator[Row]:
        from xml.etree.ElementTree import ParseError

        try:
            with zipfile.ZipFile(path) as archive:
                if not found:
                    found.append((stream.scan(archive, part), stream.Book(archive)))
                scan, book = found[0]
                merged = _Merged(scan.merged)
                for number, values in stream.rows(archive, part, book):
                    yield number, merged.fill(number, values)
        except (ParseError, zipfile.BadZipFile, zlib.error, KeyError, IndexError, ValueError, EOFError) as err:
            raise unreadable(path, err, part) from None

    rows.size = lambda: found[0][0].last_row if found else None
    return rows


def _calamine_reader(path: Path, name: str):
    """calamine reads a whole sheet into memory before the first row (it cannot stream: its
    upstream issue 27); the sheet read to find the header is kept for the pass over the rows
    that follows, instead of being read twice."""
    kept: list = []
    height: list = []

    def rows() -> Iterator[Row]:
        from python_calamine import CalamineError, CalamineWorkbook

        if kept:
            sheet = kept.pop()
        else:
            try:  # a sheet whose XML is broken, though the workbook opened
                book = CalamineWorkbook.from_path(str(path))
                sheet = book.get_sheet_by_name(name)
                book.close()
            except (CalamineError, OSError, ValueError) as err:
                raise unreadable(path, err) from None
        height[:] = [sheet.end[0] + 1 if sheet.end else sheet.height]
        start_col = sheet.start[1] if sheet.start else 0
        merged = _Merged(sheet.merged_cell_ranges or [])
        pad = [None] * start_col
        finished = False
        try:
            # iter_rows starts from row 1 whatever the sheet's first row, but from the sheet's
            # first column (python-calamine issue 177): only the columns are shifted
            for number, cells in enumerate(sheet.iter_rows(), start=1):
                values = pad + [None if v == "" else v for v in cells] if start_col else \
                    [None if v == "" else v for v in cells]
                yield number, merged.fill(number, values)
            finished = True
        finally:
            if not finished:  # stopped early (the header scan): the next pass starts from it
                kept.append(sheet)

    rows.size = lambda: height[0] if height else None
    return rows


class _Merged:
    """Gives each cell of a merged range the value of the range's top-left cell.  Rows come in
    order, so a range is taken up at its top row and let go after its last: each row looks only
    at the ranges over it, and a range is never spelt out cell by cell (a sheet may merge a whole
    column, or claim A1:XFD1048576)."""

    def __init__(self, ranges):
        # (top row, last row, first column, last column), rows from 1, the next to start last
        self.waiting = sorted(((r0 + 1, r1 + 1, c0, c1) for (r0, c0), (r1, c1) in ranges), reverse=True)
        self.over: list[tuple[int, int, int, int, object]] = []  # (top, last, c0, c1, its value)

    def fill(self, number: int, values: list) -> list:
        if not self.waiting and not self.over:
            return values
        if self.over:
            self.over = [taken for taken in self.over if taken[1] >= number]
        while self.waiting and self.waiting[-1][0] <= number:
            top, last, c0, c1 = self.waiting.pop()
            if top == number and c0 < len(values):  # a top-left cell never read fills nothing
                self.over.append((top, last, c0, c1, values[c0]))
        for _, _, c0, c1, value in self.over:
            if len(values) <= c1:
                values.extend([None] * (c1 + 1 - len(values)))
            values[c0:c1 + 1] = [value] * (c1 + 1 - c0)
        return values


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_FORMULA_HINT = re.compile(rb"f[\s>/]")  # how every formula tag ends: ten times faster to look for first
# A cell far out in the grid: calamine allocates a sheet's whole rectangle, so a stray value in
# column XFD of a 100,000-row sheet asks for 50 GB and a row numbered 1,000,000,000 for 32 GB,
# and either aborts the process.  A reference to column DA (the 105th) or further, or to row
# 1,000,000 or further, sends the sheet to the streaming reader, whose rows are only as wide as
# their cells and which refuses what is past the grid (1,048,576 rows, columns to XFD).
_FAR_OUT = re.compile(rb'r="(?:[A-Z]{3,}|[D-Z][A-Z]|[A-Z]{0,2}\d{7,})')  # a literal start: five times faster


def _not_for_calamine(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether the sheet's XML holds a formula or a cell far out in the grid (``_sheets_to_stream``)."""
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            window = tail + chunk
            if (_FORMULA_HINT.search(window) and _FORMULA.search(window)) or _FAR_OUT.search(window):
                return True
            tail = chunk[-16:]
    return False


# --- recognising a sheet ---------------------------------------------------------------------------

def explanatory(raw: RawSheet) -> bool:
    """A sheet of explanations, choices or figures (the template's 填表说明 and 选项, the export's
    统计), skipped by name: not data, and not worth telling the reader it was skipped."""
    return any(word in raw.name.lower() for word in IGNORED_SHEETS)


def recognise(raw: RawSheet) -> Table | None:
    """The sheet's kind, header row and columns; None for a sheet that is none of the kinds
    (an explanation sheet, say)."""
    if explanatory(raw):
        return None
    best = None
    for number, cells in raw.rows():
        if number > HEADER_SCAN:
            break
        score = H.matches(cells)
        if score >= 2 and (best is None or score > best[0]):
            best = (score, number, cells)
    if best is None:
        return None
    _, number, cells = best
    kind = H.kind_by_name(raw.name)
    by_headers = H.kind_by_headers(cells)
    if kind is None or (by_headers is not None and by_headers != kind and not _has_required(kind, cells)):
        kind = by_headers
    if kind is None:
        return None
    table = Table(raw, kind, number, list(cells), {})
    for index, header in enumerate(cells):
        if blank(header):
            continue
        col = H.column(kind, header)
        if col is None:
            if not H.is_reason(header):
                table.ignored.append(str(header).strip())
        elif col.read:
            table.columns[index] = col
    return table


def _has_required(kind: str, cells: list) -> bool:
    found = {c.field for h in cells if not blank(h) and (c := H.column(kind, h)) is not None}
    return {c.field for c in H.COLUMNS[kind] if c.required} <= found
