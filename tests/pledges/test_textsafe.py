"""The two rules of ``pledges.textsafe``: control characters are shown, formulas do not run."""

import pytest

from pledges.textsafe import neutralise_cell, visible


@pytest.mark.parametrize("text, shown", [
    ("\x1b]0;title\x07", "\\x1b]0;title\\x07"), ("\x1b[2J", "\\x1b[2J"), ("a\tb\rc", "a\\x09b\\x0dc"),
    ("\u202eevil\u202c", "\\u202eevil\\u202c"), ("\u2066x\u2069", "\\u2066x\\u2069"), ("\x9b1m\x85", "\\x9b1m\\x85"),
    ("\x7f", "\\x7f"), ("\udcff", "\\udcff"), ("line\u2028break", "line\\u2028break"),
    ("走访困难群众 12 户", "走访困难群众 12 户"), ("[/bold] :smile:", "[/bold] :smile:"), ("\u200b零宽", "\u200b零宽"),
])
def test_visible_escapes_what_a_terminal_would_obey(text, shown):
    assert visible(text) == shown
    assert visible(text, newlines=True) == shown


def test_newlines_are_kept_only_where_asked():
    assert visible("a\nb") == "a\\x0ab"
    assert visible("a\nb", newlines=True) == "a\nb"


@pytest.mark.parametrize("cell", ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "-", "=",
                                  "-1e3+1", "+-3"])
def test_a_formula_gets_a_quote(cell):
    assert neutralise_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", [-3, 2.5, 0, None, True, "-3", "+2.5", "-.5", "1e-3", "-1E+3", "走访", "a=b", "",
                                  "'=1"])
def test_numbers_and_plain_text_stay_as_they_are(cell):
    assert neutralise_cell(cell) == cell
