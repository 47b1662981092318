"""One cell of a real-world sheet turned into the value the ledger needs, or a problem.

Every reader (calamine, pledges.sheets.stream, csv) hands over Python values: ``str``, ``int``, ``float``,
``bool``, ``date``, ``datetime`` or ``None``.  Each function here either returns the value
the person meant or raises ``CellProblem`` with a message key: nothing is guessed silently.
Full-width digits, letters and spaces (１２、ＤＸ－Ｖ１) are read as their ASCII forms in codes,
numbers and dates; free text (titles, notes) keeps its characters and loses only the blank
space around it."""

import re
import unicodedata
from datetime import date, datetime, timedelta

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01, counting Excel's phantom 1900-02-29
FIRST_SERIAL, LAST_SERIAL = 36526, 73415  # 2000-01-01 … 2100-12-31, the ledger's campaign years
EXACT_DIGITS = 15  # Excel keeps 15 significant digits: a longer number was already changed
BLANKS = " \t\r\n\u3000\u00a0\ufeff"

_DAY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]0?0:00(?::00(?:\.0+)?)?)?$")
_COMPACT_DAY = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SHOWN_FLOAT = re.compile(r"\d(?:\.\d+)?[eE]\+?\d+")  # a number shown as text in exponent form
_INTEGER = re.compile(r"^[+]?\d+(?:\.0+)?$")
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓", "定性"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "定量"}


class CellProblem(Exception):
    """A cell that cannot be read as what its column needs.  ``key`` names the message."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key, self.params = key, params


class Formula:
    """A formula cell with no stored result (no spreadsheet program computed it)."""

    def __init__(self, text: str):
        self.text = text


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(BLANKS))


def narrow(text: str) -> str:
    """Full-width forms as ASCII (ＤＸ－Ｖ１ → DX-V1, １２ → 12, the ideographic space → space)."""
    return unicodedata.normalize("NFKC", text).strip(BLANKS)


def _check(value):
    if isinstance(value, Formula):
        raise CellProblem("cell_formula", formula=value.text)
    return value


def text(value) -> str | None:
    """Free text: kept as written, without the blank space around it; numbers as written."""
    value = _check(value)
    if blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    return str(value).strip(BLANKS)


def code(value) -> str | None:
    """An organisation code, member number or ID number.  A number a spreadsheet stored as a
    float is read back as its digits only while it is exact (at most 15 digits)."""
    value = _check(value)
    if blank(value):
        return None
    if isinstance(value, bool):
        raise CellProblem("cell_not_code", value=value)
    if isinstance(value, float):
        if not value.is_integer():
            raise CellProblem("cell_not_code", value=value)
        value = int(value)
    if isinstance(value, int):
        if len(str(abs(value))) > EXACT_DIGITS:
            raise CellProblem("cell_id_float", value=value)
        return str(value)
    found = str(value)
    found = found.strip() if found.isascii() else narrow(found)  # ASCII needs no narrowing
    if ("e" in found or "E" in found) and _SHOWN_FLOAT.fullmatch(found):  # 3.30102199001011E+17
        raise CellProblem("cell_id_float", value=found)
    return found


def integer(value) -> int | None:
    """A whole number: 12, 12.0, "12", "１２"."""
    value = _check(value)
    if blank(value):
        return None
    if isinstance(value, bool):
        raise CellProblem("cell_not_integer", value=value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellProblem("cell_not_integer", value=value)
    if isinstance(value, str) and value.isdigit() and value.isascii():
        return int(value)
    found = narrow(str(value)).replace(",", "")
    if _INTEGER.match(found):
        return int(float(found)) if "." in found else int(found)
    raise CellProblem("cell_not_integer", value=str(value).strip(BLANKS))


def day(value) -> date | None:
    """A day: a date or datetime cell, an Excel serial number, or text written 2026-12-31,
    2026/12/31, 2026.12.31, 2026年12月31日 or 20261231.  Orders like 12/31/2026 are refused:
    day and month could be either way round."""
    value = _check(value)
    if blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial(value)
    found = str(value)
    if len(found) == 10 and found[4] == "-" and found[7] == "-" and found.isascii():  # ISO, the usual
        try:
            return date.fromisoformat(found)
        except ValueError:
            pass
    found = narrow(found)
    match = _DAY.match(found) or _COMPACT_DAY.match(found)
    if match:
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            raise CellProblem("cell_no_such_day", value=found) from None
    if _INTEGER.match(found):
        return _serial(float(found))
    raise CellProblem("cell_not_date", value=found)


def _serial(number: float) -> date:
    if not (FIRST_SERIAL <= number <= LAST_SERIAL + 1) or not float(number).is_integer():
        raise CellProblem("cell_not_date", value=number)
    return EXCEL_EPOCH + timedelta(days=int(number))


def flag(value) -> bool | None:
    """Yes or no: 是/否, Y/N, true/false, 1/0, √/×."""
    value = _check(value)
    if blank(value):
        return None
    if isinstance(value, bool):
        return value
    found = narrow(str(value)).lower()
    if found.endswith(".0"):
        found = found[:-2]
    if found in TRUE_WORDS:
        return True
    if found in FALSE_WORDS:
        return False
    raise CellProblem("cell_not_flag", value=str(value).strip(BLANKS))


def choice(value, labels: dict[str, str]) -> str | None:
    """A code name, or any of its labels (``labels``: lower-case word → code name)."""
    value = _check(value)
    if blank(value):
        return None
    found = narrow(str(value))
    picked = labels.get(found.lower())
    if picked is None:
        raise CellProblem("cell_bad_choice", value=found, choices="、".join(sorted(set(labels.values()))))
    return picked


# --- a column at a time ------------------------------------------------------------------------
# An import reads hundreds of thousands of cells.  ``read_column`` gives each reader above the
# common case inline (a clean ASCII code, a digit string, an ISO day already seen) and hands
# every other cell to the reader itself: the result is the same as calling it cell by cell.

MEMO_LIMIT = 50_000  # distinct values remembered per column (days, numbers, choices repeat)


def read_column(read, values: list) -> tuple[list, list[tuple[int, CellProblem]]]:
    """``[read(v) for v in values]`` with each refused cell as None and its (position, problem)
    listed."""
    problems: list[tuple[int, CellProblem]] = []
    memo: dict = {}
    remember = read is not text and read is not code  # those are mostly different in each row

    def slow(i, v):
        try:
            found = read(v)
        except CellProblem as problem:
            problems.append((i, problem))
            return None
        if remember and type(v) is str and len(memo) < MEMO_LIMIT:
            memo[v] = found
        return found

    if read is text:
        out = [v if type(v) is str and v and v == v.strip(BLANKS) else None if v is None else slow(i, v)
               for i, v in enumerate(values)]
    elif read is code:
        out = [v if type(v) is str and v and v.isascii() and v == v.strip() and "e" not in v and "E" not in v
               else None if v is None else slow(i, v) for i, v in enumerate(values)]
    elif read is integer:
        out = [v if type(v) is int else None if v is None else memo[v] if type(v) is str and v in memo
               else slow(i, v) for i, v in enumerate(values)]
    else:  # days, flags, choices: few distinct values
        out = [None if v is None else v if type(v) is date and read is day else
               memo[v] if type(v) is str and v in memo else slow(i, v) for i, v in enumerate(values)]
    return out, problems
