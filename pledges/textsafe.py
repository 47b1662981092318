"""User text is text: what a person typed is shown, never obeyed.

Two rules, one function each, for every output the program writes:

- ``visible(text)``: control characters (C0, DEL, C1), the Unicode bidirectional overrides
  and isolates, line and paragraph separators, and lone surrogates (bytes that were not
  UTF-8) are written as escapes (``\\x1b``, ``\\u202e``, ``\\udcff``), so a title cannot move
  the cursor, clear the screen, retitle the terminal or reverse the line it is shown on.
- ``neutralise_cell(value)``: a CSV or spreadsheet cell that a spreadsheet program would read
  as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a
  single quote in front, as OWASP recommends for CSV injection.  Numbers stay numbers: an
  ``int`` or ``float`` from the ledger, and a text that is only a number (``-3``, ``+2.5``),
  are data and are written as they are.
"""

import re

# Bidirectional embeddings, overrides and isolates ("Trojan Source"), and the two Unicode line
# breaks a terminal may honour.
_INVISIBLE = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029"
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f" + _INVISIBLE + "\ud800-\udfff]")
_CONTROL_OR_NEWLINE = re.compile("[\x00-\x1f\x7f-\x9f" + _INVISIBLE + "\ud800-\udfff]")

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, newlines: bool = False) -> str:
    """``text`` with every control character written as an escape.  ``newlines=True`` keeps
    line feeds as they are (a multi-line note in a table cell); by default a line feed is
    escaped too, so a message stays on one line."""
    pattern = _CONTROL if newlines else _CONTROL_OR_NEWLINE
    return pattern.sub(_escape, text)


def neutralise_cell(value):
    """A CSV/spreadsheet cell that cannot run as a formula.  Non-text values and texts that
    are only a number are returned unchanged; a text starting with = + - @ tab or CR gets a
    leading single quote."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS) or _NUMBER.fullmatch(value):
        return value
    return "'" + value
