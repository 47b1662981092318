"""``pledges template``: a workbook to fill in, one sheet per kind, with choices to pick from,
ID columns formatted as text, an example row, and a sheet explaining every column."""

from datetime import date
from pathlib import Path

from sqlalchemy import select

from pledges.db import Ledger
from pledges.i18n import LABELS
from pledges.models import Pledge
from pledges.sheets import headers as H
from pledges.sheets.writer import column_widths
from pledges.vocab import Kind

DEFAULT_UNITS = ("户", "次", "人", "件", "场", "项", "个", "小时", "天", "元")
OPTIONS = "选项"
GUIDE = "填表说明"
EXAMPLES = {
    H.ORGS: {"code": "DX-V1", "name": "大溪村党支部", "kind": "村", "parent": "", "secretary": "王书记"},
    H.MEMBERS: {"number": "M0001", "name": "张三", "org": "DX-V1"},
    H.PLEDGES: {"org": "DX-V1", "member": "M0001", "title": "走访困难群众", "content": "每月走访结对困难户",
                "category": "为民服务", "target": 12, "unit": "户", "qualitative": "否", "due": date(2026, 9, 30),
                "campaign": 2026},
    H.PROGRESS: {"pledge": "", "day": date(2026, 3, 15), "amount": 3, "note": "走访 3 户", "evidence": "照片 2 张"},
}
RULES = [
    "每个工作表第一行是列名；列名可用中文、英文代码名或“其他写法”中的任一种。",
    "党组织按“党组织代码”识别，党员按“党员编号”识别：已在台账中且内容相同的行不会重复导入。",
    "承诺按“承诺编号”（导出文件中的台账编号）识别；没有编号时，按 党组织代码 + 党员编号（可空）+ 承诺事项 + 活动年度 识别。",
    "同一文件再次导入不会产生任何变化；修改过的行按命令行的规则更新：草拟的直接修改，已亮诺的走“变更”，时限推后走“延期”。",
    "导入要么全部成功，要么一行也不写入：所有问题会一次列出（工作表、行号、列、原因）。",
    "日期可写 2026-12-31、2026/12/31、2026.12.31、2026年12月31日 或日期格式的单元格。",
    "编号列请设为文本格式：超过 15 位的数字（如身份证号）会被表格软件改变，导入时会报错。",
    "状态、进度、已完成等列由导出写出，导入时忽略。",
]


def write_template(ledger: Ledger | None, path: Path) -> None:
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    book.remove(book.active)
    units = _units(ledger)
    options = book.create_sheet(OPTIONS)
    options.append(["类型可选值", "计量单位可选值", "是否"])
    kinds = [pair[0] for pair in LABELS[Kind].values()]
    for i in range(max(len(kinds), len(units), 2)):
        options.append([kinds[i] if i < len(kinds) else None, units[i] if i < len(units) else None,
                        ("是", "否")[i] if i < 2 else None])
    options.sheet_state = "hidden"
    lists = {"kind": f"{OPTIONS}!$A$2:$A${len(kinds) + 1}", "unit": f"{OPTIONS}!$B$2:$B${len(units) + 1}",
             "qualitative": f"{OPTIONS}!$C$2:$C$3"}
    for kind in H.KINDS:
        cols = [c for c in H.COLUMNS[kind] if c.read and c.shown]
        sheet = book.create_sheet(H.SHEET_NAMES[kind][0], index=len(book.sheetnames) - 1)
        sheet.append([c.zh + ("*" if c.required else "") for c in cols])
        sheet.append([EXAMPLES[kind].get(c.field) for c in cols])
        sheet.freeze_panes = "A2"
        for index, (col, width) in enumerate(zip(cols, column_widths(cols, "zh")), start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = width
            sheet.cell(1, index).comment = Comment(f"{col.field}（{col.en}）", "pledges")
            if col.text:
                for row in range(2, 1002):
                    sheet.cell(row, index).number_format = "@"
            elif col.field in ("due", "day"):
                sheet.cell(2, index).number_format = "yyyy-mm-dd"
            if col.field in lists:
                check = DataValidation(type="list", formula1=lists[col.field], allow_blank=True,
                                       showErrorMessage=col.field != "unit")
                check.add(f"{letter}2:{letter}1001")
                sheet.add_data_validation(check)
    _guide(book.create_sheet(GUIDE, index=0))
    book.save(path)


def _units(ledger: Ledger | None) -> list[str]:
    found = []
    if ledger is not None:
        with ledger.session() as session:
            found = [u for u in session.scalars(select(Pledge.unit).where(Pledge.unit.is_not(None)).distinct())]
    return sorted(set(found) | set(DEFAULT_UNITS))


def _guide(sheet) -> None:
    sheet.append(["填表说明（pledges template）"])
    for rule in RULES:
        sheet.append([rule])
    sheet.append([])
    sheet.append(["工作表", "列", "英文代码名", "必填", "其他写法"])
    for kind in H.KINDS:
        for col in H.COLUMNS[kind]:
            if col.read and col.shown:
                sheet.append([H.SHEET_NAMES[kind][0], col.zh, col.field, "是" if col.required else "",
                              "、".join(col.synonyms)])
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["E"].width = 40
