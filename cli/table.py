"""Tables people read, written line by line as the rows come (``dashboard``, ``overdue``, ``list``).

A rich ``Table`` measures every cell of every row before it prints the first line, and then
wraps cells inside words (``organisa/tion``, ``2026-04-``): 12 s for the 25,000 rows of a
city's overdue list.  Here the column widths come from the headers, a bounded sample of the
first rows and the known widths of dates and bars; the rows are then formatted and written one
by one, each value measured once.

The rules, whatever the width of the terminal:

- a word, code, date or number is never broken: a column holds its widest sampled value, and
  a later, wider value is written whole (the row runs a little over);
- long text (titles, names) is shortened with "…" to what the width leaves it;
- when even that does not fit, whole columns are left out, least important first, and named
  under the table; the columns marked ``keep`` (the pledge id, the title) are never left out;
- the title and notes are wrapped between words, never cut.

On a terminal, long output goes through a pager (``PAGER``, else ``less -FRX``) as git does;
``--no-pager`` or output that is not a terminal writes straight to stdout.
"""

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice

import click

from pledges import i18n
from pledges.textsafe import visible

SAMPLE = 200  # rows measured for the column widths
GAP = "  "
ELLIPSIS = "…"
BOLD, RED, DIM, RESET = "\x1b[1m", "\x1b[1;31m", "\x1b[2m", "\x1b[0m"


@dataclass(frozen=True)
class Col:
    """A column: ``key`` of the record, ``header`` a key of i18n.WORDS, ``show`` (value, lang) → text.
    ``shrink``: the narrowest it may be shortened to with "…" (0: never shortened).
    ``rank``: the higher, the sooner it is left out when the width runs short; ``keep``: never."""

    key: str
    header: str
    show: Callable[[object, str], str] | None = None
    right: bool = False
    shrink: int = 0
    rank: int = 0
    keep: bool = False
    most: int = 0  # the widest it gets (0: as wide as its values)
    ease: int = 0  # shortened below this width only once the optional columns are left out (0: ``shrink``)


_width_cache: dict[str, int] = {}


def cells(text: str) -> int:
    """The terminal cells ``text`` takes (CJK characters take two), measured once per value."""
    if text.isascii():
        return len(text)
    width = _width_cache.get(text)
    if width is None:
        if _PLAIN_CJK.fullmatch(text):  # printable ASCII and wide CJK only: 1 and 3 bytes in UTF-8
            width = len(text) + (len(text.encode("utf-8")) - len(text)) // 2
        else:
            from rich.cells import cell_len

            width = cell_len(text)
        if len(_width_cache) < 100_000:
            _width_cache[text] = width
    return width


# CJK ideographs, CJK punctuation and the full-width forms: two cells each, as rich counts them.
_PLAIN_CJK = re.compile("[\x20-\x7e\u3000-\u3029\u3030-\u303e\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60\uffe0-\uffe6]*")


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, ending in "…" when it was shortened."""
    if cells(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        size = cells(char)
        if used + size > width - 1:
            break
        kept.append(char)
        used += size
    rest = text[len(kept)]
    if kept and _wordy(rest) and _wordy(kept[-1]):  # never end in half a word or number: drop it whole
        whole = "".join(kept).rstrip("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,:/_-")
        if whole.strip():
            return whole.rstrip() + ELLIPSIS
    return "".join(kept).rstrip() + ELLIPSIS


def _wordy(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in ".,:/_-")


def pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(0, width - cells(text))
    return space + text if right else text + space


_ASCII_WORD = re.compile(r"[A-Za-z0-9.,:/_-]+")
_TOKENS = re.compile(r"\s+|[\x21-\x7e]+|.", re.S)


def wrap(text: str, width: int) -> list[str]:
    """A paragraph in lines of at most ``width`` cells, broken between words (a run of ASCII
    letters, digits and signs is one word; a CJK character is a word of its own; no line
    starts with Chinese closing punctuation).  A word wider than a line gets a line of its own."""
    lines, line, used = [], [], 0
    for token in _TOKENS.findall(visible(text)):
        size = cells(token)
        if token.isspace():
            if line:
                line.append(" ")
                used += 1
            continue
        if used + size > width and line:
            carried = []
            if token in "，。；：、）」』！？%" and len(line) > 1:  # no line starts with closing punctuation
                carried = [line.pop()]
            lines.append("".join(line).rstrip())
            line, used = carried, sum(cells(word) for word in carried)
        line.append(token)
        used += size
    if line:
        lines.append("".join(line).rstrip())
    return lines or [""]


def terminal_width() -> int:
    """``COLUMNS``, else the terminal's width, else 80."""
    return shutil.get_terminal_size((80, 24)).columns


class Layout:
    """The columns that fit ``width`` and their widths, from the headers and a sample of rows."""

    def __init__(self, columns: list[Col], sample: list[list[str]], lang: str, width: int):
        self.lang = lang
        headers = [i18n.word(column.header, lang) for column in columns]
        natural = [max([cells(h), *(cells(row[i]) for row in sample)]) for i, h in enumerate(headers)]
        natural = [min(n, c.most) if c.most else n for n, c in zip(natural, columns)]
        # A shortened column still holds its header and the longest word of its sample (up to 20
        # cells), so "organisation pledge" becomes "organisation…", never "organisati…".
        words = [max([0, *(len(w) for row in sample for w in _ASCII_WORD.findall(row[i]))]) for i in range(len(columns))]
        floor = [min(n, max(c.shrink, cells(h), min(w, 20))) if c.shrink else n
                 for n, c, h, w in zip(natural, columns, headers, words)]
        shown = list(range(len(columns)))

        def total(widths):
            return sum(widths[i] for i in shown) + len(GAP) * (len(shown) - 1)

        widths = list(natural)
        eased = [max(f, min(n, c.ease)) if c.shrink and c.ease else f for f, n, c in zip(floor, natural, columns)]
        while total(eased) > width:
            droppable = [i for i in shown if not columns[i].keep]
            if not droppable:
                break
            shown.remove(max(droppable, key=lambda i: columns[i].rank))
        excess = total(widths) - width
        for i in sorted((i for i in shown if columns[i].shrink), key=lambda i: (columns[i].keep, -natural[i])):
            if excess <= 0:
                break
            give = min(excess, widths[i] - floor[i])
            widths[i] -= give
            excess -= give
        self.columns = [columns[i] for i in shown]
        self.headers = [headers[i] for i in shown]
        self.widths = [widths[i] for i in shown]
        self.indexes = shown
        self.dropped = [headers[i] for i in range(len(columns)) if i not in shown]

    def line(self, texts: list[str]) -> str:
        """One row from the texts of the shown columns: each measured once, shortened if it may
        be, padded to its column."""
        parts = []
        for text, width, column in zip(texts, self.widths, self.columns):
            size = cells(text)
            if size > width and column.shrink:
                text = cut(text, width)
                size = cells(text)
            if size < width:
                text = " " * (width - size) + text if column.right else text + " " * (width - size)
            parts.append(text)
        return GAP.join(parts).rstrip()

    def header(self) -> str:
        last = len(self.headers) - 1
        return GAP.join(text if n == last and not column.right else pad(text, width, column.right)
                        for n, (text, width, column) in enumerate(zip(self.headers, self.widths, self.columns)))

    def rule(self) -> str:
        return GAP.join("─" * width for width in self.widths)


def texts_of(columns: list[Col], record: dict, lang: str) -> list[str]:
    """The cell texts of a record: each value shown by its column, made safe to print."""
    out = []
    for column in columns:
        value = record.get(column.key)
        if column.show is not None:
            value = column.show(value, lang)
        if value is None:
            out.append("")
        elif type(value) is int:
            out.append(str(value))
        else:
            text = value if isinstance(value, str) else str(value)
            out.append(text if text.isprintable() else visible(text))  # printable: nothing to escape
    return out


def render(columns: list[Col], records: Iterable[dict], lang: str, *, width: int | None = None,
           title: str | None = None, notes: Iterable[str] = (), style: Callable[[dict], str | None] | None = None,
           color: bool = False) -> Iterator[str]:
    """The lines of a table: title, header, rule, one line per record (as they come), then the
    dropped columns and ``notes``.  ``style`` gives a record's ANSI style when ``color``."""
    width = width or terminal_width()
    records = iter(records)
    head = list(islice(records, SAMPLE))
    sample = [texts_of(columns, record, lang) for record in head]
    layout = Layout(columns, sample, lang, width)
    if title:
        for line in wrap(title, width):
            yield f"{BOLD}{line}{RESET}" if color else line
    yield (f"{BOLD}{layout.header()}{RESET}" if color else layout.header())
    yield layout.rule()
    later = _row_formatter(layout, lang)
    for n, record in enumerate(chain(head, records)):
        line = layout.line([sample[n][i] for i in layout.indexes]) if n < len(sample) else later(record)
        mark = style(record) if (color and style) else None
        yield f"{mark}{line}{RESET}" if mark else line
    for note in notes:
        yield from wrap(note, width)
    if layout.dropped:
        dropped = ("，" if lang == "zh" else ", ").join(layout.dropped)
        for line in wrap(i18n.text("columns_dropped", lang, columns=dropped), width):
            yield f"{DIM}{line}{RESET}" if color else line


def _row_formatter(layout: Layout, lang: str) -> Callable[[dict], str]:
    """``layout.line(texts_of(...))`` in one pass, for the rows after the sample (the city's
    25,000 overdue pledges spend most of their formatting time here)."""
    spec = [(column.key, column.show, width, column.right, column.shrink)
            for column, width in zip(layout.columns, layout.widths)]

    def line(record: dict) -> str:
        parts = []
        for key, show, width, right, shrink in spec:
            value = record.get(key)
            if show is not None:
                value = show(value, lang)
            if value is None:
                text = ""
            elif type(value) is int:
                text = str(value)
            else:
                text = value if type(value) is str else str(value)
                if not text.isprintable():
                    text = visible(text)
            size = len(text) if text.isascii() else cells(text)
            if size > width and shrink:
                text = cut(text, width)
                size = cells(text)
            if size < width:
                text = " " * (width - size) + text if right else text + " " * (width - size)
            parts.append(text)
        return GAP.join(parts).rstrip()

    return line


# --- writing: straight out, or through a pager ----------------------------------------------------


def pager_option(function):
    return click.option("--no-pager", "no_pager", is_flag=True,
                        help="Write straight to the terminal instead of through the pager (PAGER, else less).")(function)


def limit_option(function):
    return click.option("--limit", type=click.IntRange(min=1, max=2**31 - 1), metavar="N",
                        help="Show only the first N rows.")(function)


def _pager_command() -> str | None:
    """The pager for a terminal, as git chooses it: ``PAGER`` (empty or ``cat``: none), else less."""
    command = os.environ.get("PAGER")
    if command is None:
        return "less" if shutil.which("less") else None
    return None if command.strip() in ("", "cat") else command


def is_terminal() -> bool:
    """Is stdout a terminal (colours and the pager are for people, not for pipes and files)?"""
    return sys.stdout.isatty()


def colored() -> bool:
    return is_terminal() and not os.environ.get("NO_COLOR")


def write(lines: Iterable[str], no_pager: bool = False) -> None:
    """Write ``lines`` to stdout, through the pager when stdout is a terminal (and not ``no_pager``).
    A pager quit early (q) or a closed pipe (``| head``) ends the output quietly."""
    stream = sys.stdout
    command = None if no_pager or not stream.isatty() else _pager_command()
    if command is None:
        try:
            _write_all(stream, lines)
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return
    env = {**os.environ}
    env.setdefault("LESS", "FRX")  # quit if one screen, keep colours, leave the text on the screen
    env.setdefault("LV", "-c")
    pager = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env, encoding="utf-8",
                             errors="replace")
    try:
        _write_all(pager.stdin, lines)
        pager.stdin.close()
    except OSError:  # the pager was quit before the end
        pass
    finally:
        while True:
            try:
                pager.wait()
                break
            except KeyboardInterrupt:  # Ctrl-C goes to less, as in git
                continue


def _write_all(stream, lines: Iterable[str]) -> None:
    """Write in blocks of a few hundred lines (one ``write`` per line costs more than the table)."""
    block: list[str] = []
    for line in lines:
        block.append(line)
        if len(block) >= 500:
            stream.write("\n".join(block) + "\n")
            block.clear()
    if block:
        stream.write("\n".join(block) + "\n")
    stream.flush()


def bom_option(function):
    return click.option("--bom", is_flag=True,
                        help="Start the CSV with a UTF-8 byte order mark, so Excel on Windows reads the Chinese.")(function)
