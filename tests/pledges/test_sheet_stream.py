"""pledges.sheets.stream, the streaming .xlsx reader: the same rows as calamine for every kind
of cell, a Formula where calamine cannot tell a formula without a result from an empty cell."""

import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from pledges.errors import BadInput
from pledges.sheets import reader, stream
from pledges.sheets.cells import Formula
from sheet_support import as_seen, assert_read_alike

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STYLES = f"""<styleSheet xmlns="{MAIN}"><numFmts count="6">
<numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>
<numFmt numFmtId="165" formatCode="0.00&quot;d&quot;"/><numFmt numFmtId="166" formatCode="[Red]0.00"/>
<numFmt numFmtId="167" formatCode="[h]:mm"/><numFmt numFmtId="168" formatCode="yyyy/m/d h:mm"/>
<numFmt numFmtId="169" formatCode="[$-F800]dddd, mmmm dd, yyyy"/></numFmts>
<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>
<cellXfs count="9"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/>
<xf numFmtId="166"/><xf numFmtId="167"/><xf numFmtId="168"/><xf numFmtId="20"/><xf numFmtId="169"/></cellXfs></styleSheet>"""
PLAIN, DAY, CHINESE_DAY, DAYS_SUFFIX, RED, HOURS, DAY_TIME, CLOCK, LONG_DAY = range(9)


def xlsx(path: Path, rows: str, strings: list[str] = (), tail: str = "", date1904: bool = False,
         dimension: str = "A1:A1") -> Path:
    """A workbook of one sheet 表, its ``<sheetData>`` given as XML (what WPS and others write)."""
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="sharedStrings" Target="sharedStrings.xml"/>'
            '<Relationship Id="rId3" Type="styles" Target="styles.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _content_types())
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                                  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                                  '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        system = ' date1904="1"' if date1904 else ""
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/'
                                      f'officeDocument/2006/relationships"><workbookPr{system}/>'
                                      '<sheets><sheet name="表" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", rels.replace('Type="worksheet"', f'Type="{_TYPE}worksheet"')
                   .replace('Type="sharedStrings"', f'Type="{_TYPE}sharedStrings"')
                   .replace('Type="styles"', f'Type="{_TYPE}styles"'))
        z.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{"".join(strings)}</sst>')
        z.writestr("xl/styles.xml", STYLES)
        z.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/>'
                                               f"<sheetData>{rows}</sheetData>{tail}</worksheet>")
    return path


_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def _content_types() -> str:
    sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    return ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{sheet}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{sheet}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{sheet}.sharedStrings+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{sheet}.styles+xml"/></Types>')


def streamed(path: Path, name: str = "表") -> list[tuple[int, list]]:
    with zipfile.ZipFile(path) as archive:
        part = stream.sheet_parts(archive)[name]
    return list(reader._stream_reader(path, part)())


@pytest.mark.parametrize("name", ["wps.xlsx", "libreoffice.xlsx"])
def test_the_checked_in_workbooks_read_as_calamine_reads_them(name):
    assert_read_alike(FIXTURES / name)


def test_wps_merged_title_dimension_and_formulas():
    rows = dict(streamed(FIXTURES / "wps.xlsx", "承诺"))
    assert rows[1] == ["大溪村2026年承诺事项"] * 6  # merged A1:F1, the stored dimension A1:A1 ignored
    assert rows[4][3] == 6.0  # a formula with its stored result
    assert isinstance(rows[6][3], Formula) and rows[6][3].text == "=D3+1"
    assert rows[6][1] == 330102199001011234.0 and rows[6][5] == date(2026, 12, 31)
    assert rows[5] == []  # a row the sheet skips


def test_shared_inline_and_rich_strings_and_hostile_text(tmp_path):
    strings = ["<si><t>党组织代码</t></si>",
               '<si><r><rPr><b/></rPr><t>大溪</t></r><r><t xml:space="preserve"> 村 </t></r>'
               "<rPh sb=\"0\" eb=\"2\"><t>ダイケイ</t></rPh></si>",
               "<si><t>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#x4E2D;</t></si>",
               "<si><t>=cmd|' /C calc'!A0</t></si>", '<si><t xml:space="preserve">  </t></si>']
    rows = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
            '<c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve"> 走访 </t></is></c>'
            '<c r="B2" t="inlineStr"><is><r><t>结对</t></r><r><rPr><i/></rPr><t>帮扶</t></r></is></c>'
            '<c r="C2" t="inlineStr"><is><t>+SUM(A1)&amp;"@x"</t></is></c>'
            '<c r="D2" t="inlineStr"><is><t>-2+3</t></is></c><c r="E2" t="inlineStr"><is><t></t></is></c></row>')
    path = xlsx(tmp_path / "strings.xlsx", rows, strings)
    assert streamed(path) == [
        (1, ["党组织代码", "大溪 村 ", "<script>alert(1)</script> & 中", "=cmd|' /C calc'!A0", "  "]),
        (2, [" 走访 ", "结对帮扶", '+SUM(A1)&"@x"', "-2+3"])]
    assert_read_alike(path)


def test_numbers_booleans_and_errors(tmp_path):
    rows = ('<row r="1"><c r="A1"><v>12</v></c><c r="B1" t="n"><v>-3.5</v></c><c r="C1"><v>1E3</v></c>'
            '<c r="D1" t="b"><v>1</v></c><c r="E1" t="b"><v>0</v></c><c r="F1" t="e"><v>#N/A</v></c>'
            '<c r="G1" t="e"><v>#DIV/0!</v></c><c r="H1"><v>330102199001011234</v></c></row>')
    path = xlsx(tmp_path / "numbers.xlsx", rows)
    assert streamed(path) == [(1, [12.0, -3.5, 1000.0, True, False, None, None, 330102199001011234.0])]
    assert_read_alike(path)


@pytest.mark.parametrize("date1904", [False, True])
def test_dates_by_the_cells_format_in_either_date_system(tmp_path, date1904):
    serial = 46387 - (1462 if date1904 else 0)  # 2026-12-31 in the workbook's own system
    cells = [(DAY, serial), (CHINESE_DAY, serial), (LONG_DAY, serial), (DAY_TIME, serial + 0.75),
             (DAY_TIME, serial), (CLOCK, 0.5), (HOURS, 1.5), (DAYS_SUFFIX, serial), (RED, serial), (PLAIN, serial)]
    rows = '<row r="1">' + "".join(f'<c r="{reader.column_letter(i)}1" s="{style}"><v>{value}</v></c>'
                                   for i, (style, value) in enumerate(cells)) + "</row>"
    path = xlsx(tmp_path / "dates.xlsx", rows, date1904=date1904)
    day = date(2026, 12, 31)
    assert streamed(path) == [(1, [day, day, day, datetime(2026, 12, 31, 18), day, time(12), timedelta(days=1.5),
                                   float(serial), float(serial), float(serial)])]
    assert_read_alike(path)


def test_formulas_with_and_without_a_stored_result(tmp_path):
    rows = ('<row r="1"><c r="A1"><v>3</v></c><c r="B1"><f>A1*2</f><v>6</v></c><c r="C1"><f>A1+1</f></c>'
            '<c r="D1"><f>A1&amp;"x"</f><v></v></c><c r="E1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
            '<c r="F1" s="1"><f>TODAY()</f><v>46387</v></c></row>')
    path = xlsx(tmp_path / "formulas.xlsx", rows)
    [(number, values)] = streamed(path)
    assert values[:2] == [3.0, 6.0] and values[4:] == ["ab", date(2026, 12, 31)]
    assert [(type(v), v.text) for v in values[2:4]] == [(Formula, "=A1+1"), (Formula, '=A1&"x"')]
    assert_read_alike(path)


def test_merged_cells_over_data_rows_fill_each_covered_cell(tmp_path):
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>代码</t></is></c><c r="B1" t="inlineStr"><is><t>事项</t></is></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>DX-V1</t></is></c><c r="B2" t="inlineStr"><is><t>甲</t></is></c></row>'
            '<row r="3"><c r="A3"/><c r="B3" t="inlineStr"><is><t>乙</t></is></c></row>'
            '<row r="4"><c r="B4" t="inlineStr"><is><t>丙</t></is></c></row>')
    tail = '<mergeCells count="2"><mergeCell ref="A2:A4"/><mergeCell ref="C1:D1"/></mergeCells>'
    path = xlsx(tmp_path / "merged.xlsx", rows, tail=tail)
    assert streamed(path) == [(1, ["代码", "事项"]), (2, ["DX-V1", "甲"]), (3, ["DX-V1", "乙"]),
                              (4, ["DX-V1", "丙"])]
    assert_read_alike(path)


@pytest.mark.parametrize("tail", ['<mergeCells count="1"><mergeCell ref="A2:XFD1048576"/></mergeCells>',
                                  '<mergeCells count="1"><mergeCell ref="A2:A1048576"/></mergeCells>'])
def test_a_merge_over_the_whole_grid_is_read_at_once(tmp_path, tail):
    """A range is never spelt out cell by cell: a merge down a whole column, or over the whole
    grid, costs its few rows, not a dictionary of millions (or billions) of cells."""
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>代码</t></is></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>DX-V1</t></is></c></row>'
            '<row r="3"><c r="B3"><v>1</v></c></row>')
    path = xlsx(tmp_path / "whole.xlsx", rows, tail=tail)
    for sheet in (list(reader._calamine_reader(path, "表")()), streamed(path)):
        assert sheet[0][0] == 1 and sheet[0][1][0] == "代码"
        whole = "XFD" in tail  # B3's own 1 is under the merge then, as a spreadsheet shows it
        assert [(values + [None])[:2] for _, values in sheet[1:]] == [["DX-V1", "DX-V1" if whole else None],
                                                            ["DX-V1", "DX-V1" if whole else 1.0]]
        assert all(len(values) == (16_384 if "XFD" in tail else len(values)) for _, values in sheet[1:])


def test_a_stray_cell_far_out_is_streamed_and_the_rows_stay_as_wide_as_their_cells(tmp_path):
    """A stray mark in column XFD of a long sheet would make calamine allocate 16,384 cells a row."""
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>代码</t></is></c></row>'
            + "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(2, 200))
            + '<row r="200"><c r="A200"><v>200</v></c><c r="XFD200" t="inlineStr"><is><t>x</t></is></c></row>')
    [sheet] = reader.open_sheets(xlsx(tmp_path / "stray.xlsx", rows))
    assert sheet.reader.__qualname__.startswith("_stream_reader")
    read = list(sheet.rows())
    assert [len(values) for _, values in read[:-1]] == [1] * 199 and len(read[-1][1]) == 16_384
    assert read[-1][1][-1] == "x" and read[-1][1][0] == 200.0


@pytest.mark.parametrize("rows", ['<row r="1"><c r="A1"><v>1</v></c></row><row r="1000000000"><c r="A1000000000">'
                                  '<v>2</v></c></row>',
                                  '<row r="1"><c r="A1"><v>1</v></c><c r="XFE1"><v>2</v></c></row>',
                                  '<row r="1048577"><c><v>1</v></c></row>'])
def test_a_cell_past_the_grid_is_refused_and_never_given_to_calamine(tmp_path, rows):
    """calamine allocates a sheet's whole range before its first row: a row numbered
    1,000,000,000 made it abort the process (32 GB asked for).  Such a sheet goes to the
    streaming reader, which refuses it as unreadable."""
    [sheet] = reader.open_sheets(xlsx(tmp_path / "past.xlsx", rows))
    assert sheet.reader.__qualname__.startswith("_stream_reader")
    with pytest.raises(BadInput) as refused:
        list(sheet.rows())
    assert refused.value.key == "sheet_unreadable" and "past a sheet's last" in str(refused.value.params)


def test_rows_and_cells_numbered_with_gaps_or_not_at_all(tmp_path):
    rows = ('<row r="2"><c r="B2"><v>1</v></c><c r="D2"><v>2</v></c></row>'
            '<row r="5"><c><v>3</v></c><c><v>4</v></c><c r="E5"><v>5</v></c><c><v>6</v></c></row>'
            '<row><c r="C6"><v>7</v></c></row>')
    path = xlsx(tmp_path / "gaps.xlsx", rows, dimension="A1:A1")
    assert streamed(path) == [(1, []), (2, [None, 1.0, None, 2.0]), (3, []), (4, []),
                              (5, [3.0, 4.0, None, None, 5.0, 6.0]), (6, [None, None, 7.0])]
    assert_read_alike(path)


def test_calamine_numbers_the_rows_of_a_sheet_that_starts_below_row_1(tmp_path):
    """python-calamine's rows start from row 1, its columns from the sheet's first column."""
    path = xlsx(tmp_path / "low.xlsx", '<row r="3"><c r="C3"><v>1</v></c></row><row r="5"><c r="E5"><v>2</v></c></row>')
    assert as_seen(reader._calamine_reader(path, "表")()) == [(3, [None, None, 1.0]), (5, [None, None, None, None, 2.0])]
    assert_read_alike(path)


def test_a_large_sheet_is_streamed_and_its_size_is_its_last_row(tmp_path, monkeypatch):
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 41))
    path = xlsx(tmp_path / "large.xlsx", rows)
    [sheet] = reader.open_sheets(path)
    assert sheet.reader.__qualname__.startswith("_calamine_reader")
    monkeypatch.setattr(reader, "STREAM_ABOVE", 100)
    [sheet] = reader.open_sheets(path)
    assert sheet.reader.__qualname__.startswith("_stream_reader")
    assert [values for _, values in sheet.rows()] == [[float(n)] for n in range(1, 41)]
    assert sheet.rows_about() == 40


def test_a_sheet_with_formulas_is_streamed_whatever_its_size():
    [sheet] = reader.open_sheets(FIXTURES / "wps.xlsx")
    assert sheet.reader.__qualname__.startswith("_stream_reader")


@pytest.mark.parametrize("code, kind", [
    ("yyyy-mm-dd", stream.DATE), ('yyyy"年"m"月"d"日"', stream.DATE), ("[$-F800]dddd, mmmm dd, yyyy", stream.DATE),
    ("h:mm AM/PM", stream.DATE), ("[h]:mm:ss", stream.DURATION), ("[mm]:ss", stream.DURATION),
    ('0.00"d"', None), ("[Red]0.00", None), ("#,##0;[Red]-#,##0", None), ("General", None), (r"0\d", None),
    ("_-* #,##0_-", None), ("@", None)])
def test_which_custom_formats_are_dates(code, kind):
    assert stream.format_kind(code) == kind


def test_a_number_cell_that_holds_no_number_is_its_text(tmp_path):
    rows = '<row r="1"><c r="A1"><v>abc</v></c><c r="B1"><v> </v></c><c r="C1"><v>7</v></c></row>'
    assert streamed(xlsx(tmp_path / "odd.xlsx", rows)) == [(1, ["abc", None, 7.0])]


@pytest.mark.parametrize("rows", ['<row r="1"><c r="A1" t="s"><v>5</v></c></row>',
                                  '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"'])
def test_a_broken_sheet_is_refused_not_a_traceback(tmp_path, rows):
    path = xlsx(tmp_path / "broken.xlsx", rows)
    with pytest.raises(BadInput) as refused:
        streamed(path)
    assert refused.value.key == "sheet_unreadable"


def test_a_sheet_calamine_cannot_read_is_refused_not_a_traceback(tmp_path):
    """The workbook opens, but its sheet's XML is not UTF-8: calamine's own error, as a refusal."""
    path = xlsx(tmp_path / "bad.xlsx", '<row r="1"><c r="A1" t="inlineStr"><is><t>代码</t></is></c></row>')
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace("代码".encode(), b"\xff\xfe")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    [sheet] = reader.open_sheets(path)
    assert sheet.reader.__qualname__.startswith("_calamine_reader")
    with pytest.raises(BadInput) as refused:
        list(sheet.rows())
    assert refused.value.key == "sheet_unreadable" and "UTF-8" in refused.value.params["detail"]


def test_the_shared_strings_table_gives_each_item_back():
    strings = stream.SharedStrings(["党组织代码", "", "DX-V1", "带 空格 ", "𠀀"])
    assert [strings[i] for i in range(len(strings))] == ["党组织代码", "", "DX-V1", "带 空格 ", "𠀀"]
    with pytest.raises(IndexError):
        strings[5]
