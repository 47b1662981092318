"""Two renderers for every listing: a rich table or a CSV for people, JSON for scripts.

JSON carries the code names of docs/lifecycle.md and docs/figures.md (states as
``in_progress``, rates as fractions).  Tables carry the labels of the chosen language, and so
do the choice columns of a CSV, which people open in Excel or WPS: one definition of each
label (``pledges.i18n.LABELS``, shown by ``labelled``) for both."""

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import click

from pledges import i18n
from pledges.textsafe import neutralise_cell, visible


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # a key of i18n.WORDS
    show: Callable[[object, str], str] | None = None  # (value, lang) → cell text
    justify: str = "left"
    wrap: bool = True  # False for ids and dates, which must stay on one line


def plain(value) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def csv_cell(value, lang: str | None = None) -> object:
    """CSV spells values as JSON does (empty for null, true/false for booleans; in ``lang``, for
    people, 是/否 or yes/no, which the import reads back), and a text a spreadsheet would run as
    a formula is neutralised (``pledges.textsafe``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        if lang is not None:
            return i18n.word("csv_true" if value else "csv_false", lang)
        return "true" if value else "false"
    return neutralise_cell(plain(value))


_ENCODER = json.JSONEncoder(ensure_ascii=False, default=plain)


def _is_records(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)


def _block(value, indent: str) -> str:
    """A list of records one per line; anything else on one line."""
    if _is_records(value):
        inner = indent + "  "
        return "[\n" + ",\n".join(inner + _ENCODER.encode(item) for item in value) + "\n" + indent + "]"
    return _ENCODER.encode(value)


def to_json(data) -> str:
    """Listings one record per line, and an object one key per line.  Everything goes through
    the C encoder (``indent=`` falls back to the pure-Python one: 0.3 s for 25,000 records)."""
    if isinstance(data, dict) and data:
        return "{\n" + ",\n".join(f"  {_ENCODER.encode(key)}: {_block(value, '  ')}"
                                   for key, value in data.items()) + "\n}"
    return _block(data, "")


BOM = "\ufeff"  # Excel on Windows reads a CSV as UTF-8 only after this mark


# A pledge's ``due`` is its day (完成时限); a figure's ``due`` is a count (已到期).
PLEDGE_FIELDS = {"due": "field_due_day"}


def csv_headers(keys: Sequence[str], lang: str | None, words: dict[str, str] | None = None) -> list[str]:
    """A CSV's header line: the fields' words in ``lang`` (Chinese for Excel users), or the code
    names (as JSON has them) with ``lang=None`` or for a field without a word.  ``words``: a
    field's word where its name means something else than in the figures (``PLEDGE_FIELDS``)."""
    if lang is None:
        return list(keys)
    named = [(words or {}).get(key, f"field_{key}") for key in keys]
    return [i18n.word(word, lang) if word in i18n.WORDS else key for key, word in zip(keys, named)]


def to_csv(records: Sequence[dict], lang: str | None = None, bom: bool = False,
           words: dict[str, str] | None = None) -> str:
    if not records:
        return BOM if bom else ""
    out = io.StringIO()
    if bom:
        out.write(BOM)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_headers(list(records[0]), lang, words))
    for record in records:
        writer.writerow([csv_cell(v, lang) for v in record.values()])
    return out.getvalue()


def console(**options):
    """The terminal, with markup and emoji codes off: a string printed on it is shown as it
    is.  Still, everything a person typed goes through ``safe`` first."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, markup=False, emoji=False, **options)


def safe(value, style: str = ""):
    """User text as a rich ``Text``: never markup, and control characters shown as escapes
    (``\\x1b``), not sent to the terminal.  Every renderer builds its cells with this."""
    from rich.text import Text

    return Text(visible("" if value is None else str(plain(value)), newlines=True), style=style)


def cell(column: Column, record: dict, lang: str):
    value = record.get(column.key)
    return safe(column.show(value, lang) if column.show is not None else value)


def table(records: Sequence[dict], columns: Sequence[Column], lang: str, title: str | None = None):
    """Light rules and one space between columns, so at 80 columns a title keeps most of the
    width (heavy boxes left a pledge's title eight cells and four lines)."""
    from rich import box
    from rich.table import Table

    grid = Table(title=None if title is None else safe(title), title_justify="left", title_style="bold",
                 header_style="bold", box=box.SIMPLE_HEAD, collapse_padding=True, pad_edge=False)
    for column in columns:
        grid.add_column(i18n.word(column.header, lang), justify=column.justify, no_wrap=not column.wrap,
                        overflow="fold")
    for record in records:
        grid.add_row(*(cell(c, record, lang) for c in columns))
    return grid


def header_words(columns: Sequence[Column]) -> dict[str, str]:
    """A CSV's header words (``csv_headers``) for the fields a table shows: the table's own."""
    return {column.key: column.header for column in columns}


def emit(records: Sequence[dict], columns: Sequence[Column], fmt: str, lang: str, title: str | None = None) -> None:
    """Print a listing in the chosen format."""
    if fmt == "json":
        click.echo(to_json(list(records)))
    elif fmt == "csv":  # for a spreadsheet: the table's headers and labels, in the reader's language
        labels = labels_of(columns)
        click.echo(to_csv([label_cells(record, labels, lang) for record in records], lang, words=header_words(columns)),
                   nl=False)
    elif not records:
        say("no_rows", lang)
    else:
        console().print(table(records, columns, lang, title))


def emit_stream(records: Iterable[dict], fmt: str, lang: str | None = None, bom: bool = False,
                words: dict[str, str] | None = None) -> None:
    """JSON or CSV written record by record, for listings too long to hold (a province's).
    CSV headers and yes/no in ``lang`` (``csv_headers``, ``csv_cell``), after a BOM with ``bom``."""
    if fmt == "json":
        first = True
        for record in records:
            click.echo(("[\n  " if first else ",\n  ") + _ENCODER.encode(record), nl=False)
            first = False
        click.echo("[]" if first else "\n]")
        return
    out, header = io.StringIO(), None
    writer = csv.writer(out, lineterminator="\n")
    if bom:
        out.write(BOM)
    for record in records:
        if header is None:
            header = list(record)
            writer.writerow(csv_headers(header, lang, words))
        writer.writerow([csv_cell(record[key], lang) for key in header])
        click.echo(out.getvalue(), nl=False)
        out.seek(0)
        out.truncate()
    if out.getvalue():  # a BOM and no rows
        click.echo(out.getvalue(), nl=False)


Show = Callable[[object, str], str]  # (value, lang) → the text a person reads


@dataclass(frozen=True)
class Labelled:
    """A choice column's cell: the label of the value in the reader's language (``村`` for
    ``village``), in a table and in a CSV alike."""

    enum_type: type

    def __call__(self, value, lang: str) -> str:
        return i18n.label_of(self.enum_type, value, lang)


def labelled(enum_type) -> Labelled:
    return Labelled(enum_type)


def labels_of(columns: Iterable) -> dict[str, Show]:
    """The columns whose cells are labels of a vocabulary, by key: a CSV shows them as the table does."""
    return {column.key: column.show for column in columns if isinstance(column.show, Labelled)}


def label_cells(record: dict, labels: Mapping[str, Show], lang: str) -> dict:
    """``record`` (changed in place) with the fields of ``labels`` as people read them, for CSV."""
    for key, show in labels.items():
        if key in record:
            record[key] = show(record[key], lang)
    return record


def say(key: str, lang: str, err: bool = False, **params) -> None:
    """A message on one line, whatever the user text in it."""
    click.echo(visible(i18n.text(key, lang, **params)), err=err)
