"""Cells of real-world sheets: each reads as meant or is refused with a message key."""

from datetime import date, datetime

import pytest

from pledges.sheets import cells
from pledges.sheets.headers import PLEDGES, column, kind_by_headers


@pytest.mark.parametrize("value", [
    date(2026, 12, 31), datetime(2026, 12, 31, 0, 0), datetime(2026, 12, 31, 17, 30), 46387, 46387.0, "46387",
    "2026-12-31", "2026/12/31", "2026.12.31", "2026年12月31日", "２０２６年１２月３１日", "20261231",
    "2026-12-31 00:00:00", " 2026/12/31\u3000",
])
def test_days_read_right(value):
    assert cells.day(value) == date(2026, 12, 31)


@pytest.mark.parametrize("value, key", [
    ("12/31/2026", "cell_not_date"), ("31/12/2026", "cell_not_date"), ("2026.13.01", "cell_no_such_day"),
    ("2026-02-30", "cell_no_such_day"), (12, "cell_not_date"), (46387.5, "cell_not_date"), ("明年", "cell_not_date"),
    (cells.Formula("=TODAY()"), "cell_formula"),
])
def test_days_that_are_not_read_are_reported(value, key):
    with pytest.raises(cells.CellProblem) as caught:
        cells.day(value)
    assert caught.value.key == key


def test_ids_stay_exact_or_are_refused():
    assert cells.code(123456789012345.0) == "123456789012345"
    assert cells.code("３３０１０２１９９００１０１１２３４") == "330102199001011234"
    assert cells.code(" ＤＸ－Ｖ１ ") == "DX-V1"
    for lost in (330102199001011234.0, 3.30102199001011e17, "3.30102199001011E+17"):
        with pytest.raises(cells.CellProblem) as caught:
            cells.code(lost)
        assert caught.value.key == "cell_id_float"


def test_numbers_flags_and_text():
    assert cells.integer("１２") == 12 and cells.integer(12.0) == 12 and cells.integer("1,200") == 1200
    with pytest.raises(cells.CellProblem):
        cells.integer(5.5)
    with pytest.raises(cells.CellProblem):
        cells.integer("12户")
    assert cells.flag("是") is True and cells.flag("否") is False and cells.flag(1.0) is True
    with pytest.raises(cells.CellProblem):
        cells.flag("也许")
    assert cells.text("\u3000走访（困难）群众 ") == "走访（困难）群众"  # full-width punctuation kept in free text
    assert cells.text("   ") is None


def test_header_synonyms():
    for header in ("承诺事项", "承诺内容", "事项名称", "title", "Pledge"):
        assert column(PLEDGES, header).field == "title"
    for header in ("完成时限", "截止日期", "完成时限（年-月-日）*", "due"):
        assert column(PLEDGES, header).field == "due"
    for header in ("目标值", "数量", "ｔａｒｇｅｔ"):
        assert column(PLEDGES, header).field == "target"
    assert kind_by_headers(["党组织代码", "事项名称", "截止日期"]) == PLEDGES
