"""Fixtures for the CLI end-to-end tests: a hierarchy built through the real command."""

import pytest

from cli_support import ok
from sheet_support import assert_read_alike


@pytest.fixture
def tree(pledges, ledger):
    """Through the CLI: WL → DX → {DX-V1, DX-V2}, and WL → SX → SX-V1 (outside DX's subtree);
    members M001 (DX-V1), M002 (DX-V2) and M003 (SX-V1).  ``ledger`` initialised the database."""
    for args in (("WL", "温岭市委", "--kind", "committee"),
                 ("DX", "大溪镇党委", "--parent", "WL", "--kind", "committee"),
                 ("DX-V1", "大溪村党支部", "--parent", "DX", "--kind", "village"),
                 ("DX-V2", "大溪社区党支部", "--parent", "DX", "--kind", "community"),
                 ("SX", "松门镇党委", "--parent", "WL", "--kind", "committee"),
                 ("SX-V1", "松门村党支部", "--parent", "SX", "--kind", "village")):
        ok(pledges("org", "add", *args))
    for number, name, org in (("M001", "张三", "DX-V1"), ("M002", "李四", "DX-V2"), ("M003", "王五", "SX-V1")):
        ok(pledges("member", "add", number, name, "--org", org))
    return ledger


@pytest.fixture(autouse=True)
def workbooks_read_alike(request, tmp_path):
    """After each spreadsheet, survey or report test, every .xlsx it left (the workbooks it
    built, exports, templates, errors workbooks, reports) reads the same through the streaming
    reader as through calamine."""
    yield
    if request.module.__name__.startswith(("test_cli_sheets", "test_cli_survey", "test_cli_report")):
        for path in sorted(tmp_path.rglob("*.xlsx")):
            assert_read_alike(path)
