"""Reading an .xlsx sheet as a stream: its XML through ``xml.etree.ElementTree.iterparse``, one
row at a time, each row dropped once read, so memory does not grow with the sheet.

It gives what python-calamine gives for the same cells (numbers as floats, dates by the cell's
number format as ``date``, ``datetime``, ``time`` or ``timedelta``, booleans, an error as
empty), except that a formula with no stored result is a ``Formula`` (calamine gives it as
empty).  What it needs besides the sheet is read first: the shared strings, the number formats
of the cell styles and the workbook's date system; the merged ranges and the last row number
(they follow the rows in the XML) by a scan of the sheet's bytes (``scan``).  The stored
dimension is never trusted (WPS writes A1:A1)."""

import re
import zipfile
from array import array
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from xml.etree.ElementTree import iterparse

from pledges.sheets.cells import Formula, blank

EPOCH_1900, EPOCH_1904 = datetime(1899, 12, 30), datetime(1904, 1, 1)
LAST_ROW, LAST_COLUMN = 1_048_576, 16_383  # a spreadsheet's grid: rows from 1, columns from 0 (XFD)
DATE_IDS = frozenset(range(14, 23)) | {45, 47}  # the built-in date and time formats
DURATION_IDS = frozenset({46})  # [h]:mm:ss
DATE, DURATION = "date", "duration"

_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?name="([^"]*)"[^>]*?(?:r:)?id="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?(?:Id="([^"]*)"[^>]*?Target="([^"]*)"|Target="([^"]*)"[^>]*?Id="([^"]*)")')
_SHARED_REL = re.compile(rb'<Relationship\b[^>]*?Target="([^"]*sharedStrings[^"]*)"')
_DATE1904 = re.compile(rb'<(?:\w+:)?workbookPr\b[^>]*?date1904="(1|true)"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?ref="([A-Za-z]+\d+):([A-Za-z]+\d+)"')
_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"')
_SHEET_DATA_END = re.compile(rb"</(?:\w+:)?sheetData>")
_REF = re.compile(r"([A-Za-z]+)(\d+)")


def _part(target: str, base: str = "xl/") -> str:
    return target.lstrip("/") if target.startswith("/") else base + target


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet's name and its part in the zip (``xl/worksheets/sheet1.xml``)."""
    import html

    book = archive.read("xl/workbook.xml")
    rels = archive.read("xl/_rels/workbook.xml.rels")
    targets = {}
    for m in _REL.finditer(rels):
        rid, target = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        targets[rid.decode()] = target.decode()
    names = archive.namelist()
    parts = {}
    for name, rid in _SHEET.findall(book):
        part = _part(targets.get(rid.decode(), ""))
        if part in names:
            parts[html.unescape(name.decode("utf-8"))] = part
    return parts


def column_index(letters: str) -> int:
    """A → 0, Z → 25, AA → 26."""
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


def _cell(ref: str) -> tuple[int, int]:
    """``B3`` → (row 2, column 1), counted from 0 as calamine's merged ranges are."""
    letters, digits = _REF.fullmatch(ref).groups()
    return int(digits) - 1, column_index(letters)


class Scan:
    """What follows the rows in a sheet's XML, found in its bytes: the merged ranges (as
    calamine gives them, ((row, col), (row, col)) from 0) and the last row's number."""

    def __init__(self, merged: list, last_row: int | None):
        self.merged, self.last_row = merged, last_row


def scan(archive: zipfile.ZipFile, part: str) -> Scan:
    merged, tail, last = [], b"", b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            window = tail + chunk
            if b"mergeCell" in window:
                merged += [(_cell(a.decode()), _cell(b.decode())) for m in _MERGE.finditer(window)
                           if m.end() > len(tail) for a, b in [m.groups()]]
            tail, last = chunk[-256:], last[-(1 << 20):] + chunk
    end = _SHEET_DATA_END.search(last)
    numbers = _ROW_NUMBER.findall(last, 0, end.start() if end else len(last))
    return Scan(merged, int(numbers[-1]) if numbers else None)


# --- what the sheet's cells need -------------------------------------------------------------

def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _text(element) -> str:
    """A string item's text: its ``<t>``, or its runs' ``<r><t>`` joined; phonetic runs left out."""
    if len(element) == 1 and element[0].tag.endswith("}t"):
        return element[0].text or ""  # the usual item: one <t>
    parts = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            for run in child:
                if _local(run.tag) == "t":
                    parts.append(run.text or "")
    return "".join(parts)


def shared_strings_part(archive: zipfile.ZipFile) -> str | None:
    found = _SHARED_REL.search(archive.read("xl/_rels/workbook.xml.rels"))
    part = _part(found.group(1).decode()) if found else "xl/sharedStrings.xml"
    return part if part in archive.namelist() else None


class SharedStrings:
    """The shared strings table, kept as one block of UTF-8 and where each item starts, and each
    item decoded when a cell asks for it: a workbook of a million different titles holds about
    25 MB so instead of 110 MB as Python strings (one ``str`` object is 50–75 bytes before its
    text)."""

    def __init__(self, texts=()):
        self.block = bytearray()
        self.starts = array("q", [0])
        for text in texts:
            self.append(text)

    def append(self, text: str) -> None:
        self.block += text.encode("utf-8")
        self.starts.append(len(self.block))

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < len(self.starts) - 1:
            raise IndexError(f"shared string {index} of {len(self)}")
        return self.block[self.starts[index]:self.starts[index + 1]].decode("utf-8")


def shared_strings(archive: zipfile.ZipFile) -> SharedStrings:
    strings = SharedStrings()
    part = shared_strings_part(archive)
    if part is None:
        return strings
    root = None
    with archive.open(part) as source:
        for event, element in iterparse(source, events=("start", "end")):
            if root is None:
                root = element
            elif event == "end" and _local(element.tag) == "si":
                strings.append(_text(element))
                root.clear()  # the items read: only their text is kept
    return strings


def date_kinds(archive: zipfile.ZipFile) -> list[str | None]:
    """For each cell style (``s``), whether its number format shows a date, a duration or neither."""
    if "xl/styles.xml" not in archive.namelist():
        return []
    custom, kinds, in_xfs = {}, [], False
    with archive.open("xl/styles.xml") as source:
        events = list(iterparse(source, events=("start", "end")))  # a few kilobytes
    for event, element in events:
        name = _local(element.tag)
        if name == "numFmt" and event == "start":
            custom[int(element.get("numFmtId", -1))] = element.get("formatCode", "")
        elif name == "cellXfs":
            in_xfs = event == "start"
        elif name == "xf" and in_xfs and event == "start":
            number = int(element.get("numFmtId", 0))
            if number in custom:
                kinds.append(format_kind(custom[number]))
            else:
                kinds.append(DATE if number in DATE_IDS else DURATION if number in DURATION_IDS else None)
    return kinds


def format_kind(code: str) -> str | None:
    """A custom number format's kind, read as calamine reads it: the first section only, quoted
    and escaped text and bracketed colours or locales skipped; [h], [m] or [s] make a duration."""
    escaped = quoted = am = False
    brackets, hms = 0, False
    for char in code:
        if escaped:
            escaped = False
        elif char in "_\\":
            escaped = True
        elif quoted:
            quoted = char != '"'
        elif char == '"':
            quoted = True
        elif char == ";":
            return None
        elif char == "[":
            brackets += 1
        elif char == "]":
            if brackets == 1 and hms:
                return DURATION
            brackets = max(0, brackets - 1)
        elif brackets:
            hms = hms or char in "hHmMsS"
        elif char in "aA":
            am = True
        elif am and char in "pmPM/":
            return DATE
        elif char in "dmhysDMHYS":
            return DATE
    return None


def uses_1904(archive: zipfile.ZipFile) -> bool:
    return bool(_DATE1904.search(archive.read("xl/workbook.xml")))


def from_serial(value: float, kind: str, epoch: datetime):
    """A date-formatted number as calamine gives it: a ``date`` when whole, a ``time`` below 1,
    else a ``datetime``; a duration as a ``timedelta``."""
    if kind == DURATION:
        return timedelta(days=value)
    if 0 <= value < 1:
        return (EPOCH_1900 + timedelta(milliseconds=round(value * 86_400_000))).time()
    if epoch is EPOCH_1900 and value < 60:  # Excel counts a 29 February 1900 that never was
        value += 1
    moment = epoch + timedelta(milliseconds=round(value * 86_400_000))
    if moment.hour == moment.minute == moment.second == moment.microsecond == 0:
        return date(moment.year, moment.month, moment.day)
    return moment


# --- the sheet ---------------------------------------------------------------------------------

class Book:
    """A workbook's shared strings, style kinds and date system, read once for its sheets."""

    def __init__(self, archive: zipfile.ZipFile):
        self.strings = shared_strings(archive)
        self.kinds = date_kinds(archive)
        self.epoch = EPOCH_1904 if uses_1904(archive) else EPOCH_1900


def rows(archive: zipfile.ZipFile, part: str, book: Book) -> Iterator[tuple[int, list]]:
    """(row number, values from column A) for each row the sheet stores, and an empty list for
    each row number it skips."""
    with archive.open(part) as source:
        number = 0
        columns: dict[str, int] = {}
        reader = None
        for row in _finished_rows(iterparse(source, events=("start",))):
            if reader is None:
                tag = row.tag
                reader = _CellReader(tag[:tag.index("}") + 1] if tag.startswith("{") else "", book)
            given = row.get("r")
            following = int(given) if given else number + 1
            if following > LAST_ROW:
                raise ValueError(f"row {following} is past a sheet's last row, {LAST_ROW}")
            while number + 1 < following:
                number += 1
                yield number, []
            number = following
            yield number, reader.values(row, columns)


def _finished_rows(events) -> Iterator:
    """Each ``<row>`` element once the parser is past its end, then taken out of the tree, so
    nothing of the sheet is kept.  Only elements' starts are asked for, half the events of
    starts and ends: a row is complete when the next one starts, and at the end."""
    events = iter(events)
    row_tag = sheet_data = None
    for _, element in events:
        tag = element.tag
        if row_tag is None:  # the root: its namespace names the rest
            ns = tag[:tag.index("}") + 1] if tag.startswith("{") else ""
            row_tag, sheet_data_tag = ns + "row", ns + "sheetData"
        elif tag == sheet_data_tag:
            sheet_data = element
            break
    pending = None
    for _, element in events:
        if element.tag == row_tag:
            if pending is not None:
                yield pending
                del sheet_data[0]  # the row just read; the rows after it may be parsed already
            pending = element
    if pending is not None:
        yield pending


class _CellReader:
    def __init__(self, ns: str, book: Book):
        self.v, self.f, self.inline, self.t = ns + "v", ns + "f", ns + "is", ns + "t"
        self.strings, self.kinds, self.epoch = book.strings, book.kinds, book.epoch

    def values(self, row, columns: dict) -> list:
        values: list = []
        index = -1
        inline_tag, t_tag, value_of = self.inline, self.t, self.value
        for cell in row:
            ref = cell.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                index = columns.get(letters)
                if index is None:
                    index = columns[letters] = column_index(letters)
                    if index > LAST_COLUMN:
                        raise ValueError(f"cell {ref} is past a sheet's last column, XFD")
            else:
                index += 1
                if index > LAST_COLUMN:
                    raise ValueError("a cell is past a sheet's last column, XFD")
            if len(cell) == 1 and (inline := cell[0]).tag == inline_tag and len(inline) == 1 and inline[0].tag == t_tag:
                value = inline[0].text or None  # the usual inline string, with no formula beside it
            else:
                value = value_of(cell)
            if value is None:
                continue
            if index == len(values):
                values.append(value)
            elif index > len(values):
                values.extend([None] * (index - len(values)))
                values.append(value)
            else:
                values[index] = value
        return values

    def value(self, cell):
        text = formula = inline = None
        for child in cell:  # <v>, <f>, <is>: one or two of them
            tag = child.tag
            if tag == self.v:
                text = child.text
            elif tag == self.inline:
                inline = child
            elif tag == self.f:
                formula = child
        kind = cell.get("t")
        if inline is not None:
            value = _text(inline)
        elif text is None or kind == "e":
            value = None
        elif kind == "s":
            value = self.strings[int(text)]
        elif kind == "str" or kind == "inlineStr":
            value = text
        elif kind == "b":
            value = text.strip() in ("1", "true")
        elif kind == "d":
            value = _iso(text)
        else:
            try:
                value = float(text)
            except ValueError:  # not a number: kept as the text it is, for the cell's reader to judge
                value = text.strip() or None
                return _or_formula(value, formula)
            style = cell.get("s")
            if style and (at := int(style)) < len(self.kinds) and (date_kind := self.kinds[at]):
                value = from_serial(value, date_kind, self.epoch)
        if value == "":
            value = None
        return _or_formula(value, formula)


def _or_formula(value, formula):
    """The cell's value, or its formula when it has no stored result."""
    if formula is not None and (value is None or (type(value) is str and blank(value))):
        return Formula("=" + (formula.text or ""))
    return value


def _iso(text: str):
    moment = datetime.fromisoformat(text)
    return moment.date() if "T" not in text and " " not in text.strip() else moment
