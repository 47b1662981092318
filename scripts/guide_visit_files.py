"""The files the evaluation chapter of the guide (docs/zh/evaluation.md) hands its reader: what
an evaluation group brings back from a visit to 松门镇, typed in.

- ``docs/zh/examples/松门问卷答卷.xlsx``: the questionnaire that ``pledges visit survey template``
  writes for the four units the chapter draws, with the answers filled in;
- ``docs/zh/examples/松门评价表.xlsx``: a rating sheet (评价表) of tallied ballots for the finished
  pledges of the first drawn village.

Both are made from the guide's own demo ledger (``guide.demo_ledger()``, the one every chapter
starts from) and a fixed seed, so running this again writes the same answers.

    .venv/bin/python scripts/guide_visit_files.py
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import guide  # noqa: E402

SEED = "2026-11-25"  # the visit's seed, as the chapter draws it
TOWN = "WL-SM"
UNITS = 4
RESPONDENTS = 10
ANSWERS = "松门问卷答卷.xlsx"
RATINGS = "松门评价表.xlsx"
SUGGESTIONS = ["希望多公示进度", "路灯还没修好", "公示栏字太小", "多组织志愿服务", "走访再勤一些"]


def drawn_units(folder: Path) -> list[str]:
    sample = json.loads(guide.run(["visit", "sample", "--org", TOWN, "--units", str(UNITS), "--seed", SEED,
                                   "--format", "json"]))
    return [unit["code"] for org in sample["orgs"] for kind in org["kinds"] for unit in kind["sample"]]


def answers(folder: Path, units: list[str], chance: random.Random) -> Path:
    """The template for the drawn units, every row answered (a few suggestions)."""
    import openpyxl

    blank = folder / "blank.xlsx"
    args = ["visit", "survey", "template", *[x for code in units for x in ("--org", code)], "--out", str(blank),
            "--respondents", str(RESPONDENTS)]
    guide.run(args)
    book = openpyxl.load_workbook(blank)
    sheet = book["问卷"]
    headers = [cell.value for cell in sheet[1]]
    aware, satisfied, suggestion = (headers.index(name) + 1 for name in ("是否知晓承诺", "满意度", "意见建议"))
    for row in range(2, sheet.max_row + 1):
        member = sheet.cell(row, headers.index("调查对象*") + 1).value == "党员"
        sheet.cell(row, aware, "是" if chance.random() < (0.95 if member else 0.65) else "否")
        sheet.cell(row, satisfied, chance.choices(["满意", "基本满意", "不满意"],
                                                  [0.7, 0.25, 0.05] if member else [0.5, 0.3, 0.2])[0])
        if chance.random() < 0.1:
            sheet.cell(row, suggestion, chance.choice(SUGGESTIONS))
    out = folder / ANSWERS
    book.save(out)
    return out


def ratings(folder: Path, unit: str, chance: random.Random) -> Path:
    """Tallied ballots of the public and the members for the unit's fulfilled pledges."""
    import openpyxl

    pledges = json.loads(guide.run(["list", "--org", unit, "--state", "fulfilled", "--format", "json"]))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "评价"
    sheet.append(["承诺编号", "评价主体", "等次", "票数", "评语"])
    for pledge in pledges[:4]:
        for grade, weight in (("满意", 0.7), ("基本满意", 0.2), ("不满意", 0.1)):
            count = round(20 * weight * chance.uniform(0.6, 1.4))
            if count:
                sheet.append([pledge["id"], "群众评", grade, count, None])
        sheet.append([pledge["id"], "党员评", chance.choice(["优秀", "良好"]), chance.randint(4, 9), None])
    out = folder / RATINGS
    book.save(out)
    return out


def main() -> int:
    chance = random.Random(SEED)
    with tempfile.TemporaryDirectory(prefix="guide-visit-") as name:
        folder = Path(name)
        guide.prepare(folder)
        with guide.inside(folder):
            units = drawn_units(folder)
            made = [answers(folder, units, chance), ratings(folder, units[0], chance)]
        guide.EXAMPLES.mkdir(parents=True, exist_ok=True)
        for path in made:
            (guide.EXAMPLES / path.name).write_bytes(path.read_bytes())
            print(f"wrote {(guide.EXAMPLES / path.name).relative_to(guide.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
