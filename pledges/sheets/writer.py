"""Writing workbooks: the template, the export and the errors workbook (openpyxl), and the
CSV export.

Text is text: every string cell is written as a string (``data_type = "s"``), so a title
such as ``=HYPERLINK(…)`` is never a formula in the workbook; in CSV such a cell starts with a
quote (``neutralise_cell``).  The export and the errors workbook are written in openpyxl's
write-only mode, a row at a time, so memory stays flat however many rows there are."""

import csv
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

from pledges import i18n
from pledges.sheets import headers as H
from pledges.textsafe import neutralise_cell
from pledges.vocab import Channel, Grade, Kind, Outcome, State

PERCENT = "0.0%"
DAY = "yyyy-mm-dd"
WIDTHS = {"title": 36, "content": 44, "criterion": 28, "name": 24, "org_name": 24, "note": 36}
LABELLED = {"kind": Kind, "state": State, "outcome": Outcome, "grade": Grade, "display_channel": Channel}
Report = Callable[[str, int], None]


def display_width(text: str) -> int:
    """Columns a text takes on screen: a CJK character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def column_widths(cols: Iterable[H.Col], lang: str) -> list[float]:
    return [max(WIDTHS.get(c.field, 12), display_width(H.header_text(c, lang)) + 4) for c in cols]


def shown(col: H.Col, value, lang: str):
    """A value as its cell shows it: labels for vocabulary, 是/否 for flags."""
    if value is None:
        return None
    if col.field in LABELLED:
        return i18n.label_of(LABELLED[col.field], value, lang)
    if isinstance(value, bool):
        return ("是", "否")[not value] if lang != "en" else ("yes", "no")[not value]
    return value


class _Sheet:
    """One write-only sheet: a frozen header row with notes, widths, typed cells."""

    def __init__(self, book, title: str, cols: list[H.Col], lang: str, extra: list[str] = ()):
        from openpyxl.comments import Comment
        from openpyxl.utils import get_column_letter

        self.sheet = book.create_sheet(title)
        self.cols, self.lang = cols, lang
        self.sheet.freeze_panes = "A2"
        for index, width in enumerate(column_widths(cols, lang) + [30] * len(extra), start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        header = []
        for col in cols:
            cell = self.cell(H.header_text(col, lang))
            cell.comment = Comment(f"{col.field}", "pledges")
            header.append(cell)
        self.sheet.append(header + [self.cell(text) for text in extra])

    def cell(self, value, number_format: str | None = None):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.sheet, value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever the text starts with
        elif isinstance(value, (date, datetime)):
            cell.number_format = DAY
        if number_format:
            cell.number_format = number_format
        return cell

    def append(self, record: dict, extra: list = ()) -> None:
        row = []
        for col in self.cols:
            value = shown(col, record.get(col.field), self.lang)
            row.append(self.cell(value, PERCENT if col.field == "progress" and value is not None else None))
        self.sheet.append(row + [self.cell(value) for value in extra])


def export_columns(kind: str) -> list[H.Col]:
    return [c for c in H.COLUMNS[kind] if c.field != "title" or kind != H.PROGRESS]


# The dashboard's figures, in its order and words (docs/figures.md): 践诺率 sits after 其中已兑现,
# the count it divides, and 兑现合计 (early fulfilments included) comes last, as in the table.
FIGURE_COLUMNS = ("code", "name", "depth", "declared", "org_pledges", "member_pledges", "display_rate", "due",
                  "fulfilled_due", "completion_rate", "on_time_rate", "overdue", "overdue_rate", "unfulfilled",
                  "progress", "evaluation_coverage", "fulfilled")
FIGURE_WORDS = {"code": "code", "name": "name", "depth": "depth", "declared": "declared",
                "org_pledges": "org_pledges", "member_pledges": "member_pledges", "display_rate": "display_rate",
                "due": "due_count", "fulfilled_due": "col_fulfilled_due", "completion_rate": "completion_rate",
                "on_time_rate": "on_time_rate", "overdue": "overdue", "overdue_rate": "col_overdue_rate",
                "unfulfilled": "unfulfilled", "progress": "progress_mean", "evaluation_coverage": "evaluation_coverage",
                "fulfilled": "col_fulfilled_all"}
RATES = {"display_rate", "completion_rate", "on_time_rate", "overdue_rate", "progress", "evaluation_coverage"}


def write_xlsx(path: Path, sheets: dict[str, Iterator[dict]], figures: list[dict], lang: str,
               report: Report | None = None) -> int:
    """The export workbook: organisations, members, pledges, and the dashboard's figures.
    Returns how many pledges were written."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    count = 0
    for kind, rows in sheets.items():
        sheet = _Sheet(book, H.SHEET_NAMES[kind][lang == "en"], export_columns(kind), lang)
        for number, record in enumerate(rows, start=1):
            sheet.append(record)
            if kind == H.PLEDGES:
                count = number
                if report and number % 5000 == 0:
                    report("export", number)
    _figures_sheet(book, figures, lang)
    book.save(path)
    return count


def _figures_sheet(book, figures: list[dict], lang: str) -> None:
    cols = [H.Col(name, i18n.word(FIGURE_WORDS[name], "zh"), i18n.word(FIGURE_WORDS[name], "en"))
            for name in FIGURE_COLUMNS]
    sheet = _Sheet(book, "统计" if lang != "en" else "Figures", cols, lang)
    for record in figures:
        sheet.sheet.append([sheet.cell(record.get(c.field), PERCENT if c.field in RATES else None) for c in cols])


def write_csv(path: Path, rows: Iterator[dict], lang: str, report: Report | None = None) -> int:
    """The pledges as CSV: UTF-8 with a byte-order mark (Excel on a Chinese system reads it
    right), header in the chosen language, formula-like text quoted."""
    cols = export_columns(H.PLEDGES)
    count = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as file:
        out = csv.writer(file)
        out.writerow([H.header_text(c, lang) for c in cols])
        for count, record in enumerate(rows, start=1):
            out.writerow([_csv_value(c, record.get(c.field), lang) for c in cols])
            if report and count % 5000 == 0:
                report("export", count)
    return count


def _csv_value(col: H.Col, value, lang: str):
    value = shown(col, value, lang)
    if value is None:
        return ""
    if col.field == "progress":
        return f"{value:.1%}"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return neutralise_cell(value)


def write_errors(path: Path, tables, problems, lang: str) -> None:
    """Every row of the sheets read, each with its problems in a last column (the rejected
    rows marked red), so the file can be fixed where it says and imported as it is."""
    import openpyxl
    from openpyxl.styles import PatternFill

    red = PatternFill("solid", fgColor="FFC7CE")
    book = openpyxl.Workbook(write_only=True)
    reasons: dict[tuple[str, str, int], list[str]] = {}
    for problem in problems:
        reasons.setdefault((problem.source, problem.sheet, problem.row), []).append(
            (f"{problem.column}{f'（{problem.header}）' if problem.header else ''}：" if problem.column else "")
            + problem.message(lang))
    for table in tables:
        cols = [H.Col(f"c{i}", str(h or ""), str(h or "")) for i, h in enumerate(table.headers)]
        sheet = _Sheet(book, table.name[:31], cols, lang, extra=[H.REASON[lang == "en"]])
        header_reasons = reasons.get((table.raw.source, table.name, table.header_row))
        if header_reasons:
            sheet.sheet.append([None] * len(cols) + [sheet.cell("；".join(header_reasons))])
        for number, cells in table.records():
            found = reasons.get((table.raw.source, table.name, number))
            values = [_plain(v) for v in cells[:len(cols)]] + [None] * (len(cols) - len(cells))
            row = [sheet.cell(v) for v in values] + [sheet.cell("；".join(found) if found else None)]
            if found:
                for cell in row:
                    cell.fill = red
            sheet.sheet.append(row)
    book.save(path)


def _plain(value):
    from pledges.sheets.cells import Formula

    return "=" + value.text.lstrip("=") if isinstance(value, Formula) else value
