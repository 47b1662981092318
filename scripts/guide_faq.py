"""常见问题 and the secretaries' 速查卡 of the Chinese guide (docs/zh/, issue 15), generated so they
cannot drift from the program.

- ``docs/zh/faq.md``: every refusal (found in the code by ``scripts/refusals.py``) with its
  message as the program prints it, what it means and what to do (``pledges.advice``).
- ``docs/zh/card.html`` → ``docs/zh/card.pdf``: one A4 page, the ten commands a branch
  secretary uses with the Chinese choice names the program accepts (read from
  ``pledges.i18n.LABELS``), printed through Debian's chromium.

    .venv/bin/python scripts/guide_faq.py            # rewrite faq.md, card.html and card.pdf
    .venv/bin/python scripts/guide_faq.py --check    # compare faq.md and card.html only (exit 1)
    .venv/bin/python scripts/guide_faq.py --faq      # (or --card) only that one
"""

import argparse
import difflib
import re
import string
import sys
from pathlib import Path
from typing import NamedTuple

from jinja2 import Environment, FileSystemLoader, StrictUndefined

sys.path.insert(0, str(Path(__file__).resolve().parent))

import refusals  # noqa: E402  (scripts/ is not a package)

from pledges import advice, i18n, quality  # noqa: E402
from pledges.cli.failures import error_line  # noqa: E402
from pledges.sheets import cells  # noqa: E402
from pledges.sheets.problems import Problem  # noqa: E402
from pledges.vocab import Channel, Grade, Kind, PublicGrade, RaterGroup, State  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ZH = ROOT / "docs" / "zh"
FAQ = ZH / "faq.md"
CARD_HTML = ZH / "card.html"
CARD_PDF = ZH / "card.pdf"
CHROMIUM = "/usr/bin/chromium"
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|])")
# chromium stamps the PDF with the time it printed: the digits are zeroed (same length, so the
# byte offsets of the cross-reference table still hold) and the committed card stays the same
_PDF_DATES = re.compile(rb"(/(?:CreationDate|ModDate) \(D:)(\d+)")


# --- 常见问题 ----------------------------------------------------------------------------------

def escaped(text: str) -> str:
    """Text shown as it is in Markdown (no emphasis, links, HTML or table cells)."""
    return _MARKDOWN.sub(r"\\\1", text)


def readable(key: str) -> str:
    """The Chinese message of ``key`` with each ``{id}`` shown as 〈编号〉, escaped for Markdown."""
    return _readable(i18n.MESSAGES[key][0], lambda field: advice.placeholder(key, field))


def _readable(template: str, name) -> str:
    parts = []
    for literal, field, _, _ in string.Formatter().parse(template):
        parts.append(escaped(literal))
        if field is not None:
            parts.append(f"〈{name(field)}〉")
    return "".join(parts)


def quality_rules() -> list[str]:
    """The quality rules a 质量检查 names (pledges/quality.py), as a table: code, problem, suggestion."""
    lines = ["", "### 质量检查的规则", "",
             "质量检查的提示（上面两条，和后面“注意和提醒”中的第一条）里的〈代码〉〈问题〉〈建议〉是下表中的一行。带 * 的问题使承诺不可评比。", "",
             "| 代码 | 问题 | 建议 |", "|---|---|---|"]
    for rule in quality.RULES:
        problem = _readable(rule.message[0], advice.QUALITY_PLACEHOLDERS.__getitem__)
        mark = r" \*" if rule.blocks else ""
        lines.append(f"| {rule.code} | {problem}{mark} | {escaped(rule.suggestion[0])} |")
    return lines


def missing_advice() -> dict[str, str]:
    """Refusals the program can print that have no entry in ``pledges.advice`` (key → where)."""
    known = advice.advice()
    return {key: where for key, where in refusals.refusal_keys(i18n.MESSAGES).items() if key not in known}


def _examples() -> dict[str, list[str]]:
    """What a person sees, made by the program's own code: a group's example lines."""
    try:
        cells.day("2026年2月30日")
    except cells.CellProblem as refused:
        sheet = Problem("桃溪村承诺.xlsx", "践诺记实", 5, "B", refused.key, refused.params, "记实日期*")
    return {
        "": [error_line(i18n.text("unknown_pledge", id=9999), "zh")],
        "sheet": [sheet.line("zh"), i18n.text("import_failed", count=1)],
        "usage": [error_line(i18n.text("usage_no_option", option="--titel"), "zh"),
                  i18n.text("usage_see", command="pledges add")],
    }


def _example(lines: list[str]) -> list[str]:
    return ["", "例如：", "", "```text", *lines, "```"]


def faq_markdown() -> str:
    examples = _examples()
    lines = [
        "# 常见问题",
        "",
        "<!-- 本页由 scripts/guide_faq.py 根据程序的提示表（pledges/i18n.py）和说明表（pledges/advice.py）生成，"
        "请勿手工修改。 -->",
        "",
        "程序不能办理一件事时，会显示一行以“错误：”开头的提示，说明原因和办法。**这时台账没有任何改动**，"
        "改正后再做一次即可。",
        *_example(examples[""]),
        "",
        "[回到手册目录](README.md)　·　[支部书记速查卡](card.pdf)（一页 A4，可打印）",
        "",
        "下面按情况列出程序的每一条提示。提示中〈编号〉〈代码〉这样的地方，屏幕上是具体的编号、代码或名称。"
        "找说明时，在本页按 Ctrl+F（手机上用“查找”）搜索提示中的几个字即可。",
        "",
    ]
    lines += [f"- [{group.title}](#{_slug(group.title)})（{len(group.entries)} 条）" for group in advice.GROUPS]
    for group in advice.GROUPS:
        lines += ["", f"## {group.title}", "", escaped(group.intro)]
        if group.anchor in examples:
            lines += _example(examples[group.anchor])
        for key, (meaning, todo) in group.entries.items():
            lines += ["", f'<a id="{key}"></a>', "", f"> {readable(key)}", "",
                      f"- 意思：{escaped(meaning)}", f"- 怎么办：{escaped(todo)}"]
        if group.anchor == "entry":
            lines += quality_rules()
    lines += ["", "没有找到您遇到的提示？请把完整的那一行和您输入的命令发给管理员。", ""]
    return "\n".join(lines)


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading (as tests/test_docs.py computes it)."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


# --- 速查卡 -------------------------------------------------------------------------------------

class Task(NamedTuple):
    what: str           # the task, as a secretary names it
    commands: tuple     # each an argv after `pledges`
    note: str


# The examples: 12 is a pledge's 编号, WL-DX-V001 a branch's 代码 (the demo's 桃溪村党支部, as in the secretary chapter).
TASKS = (
    Task("导入本支部的承诺表", (("import", "桃溪村承诺.xlsx", "--dry-run"), ("import", "桃溪村承诺.xlsx", "--errors", "错误.xlsx")),
         "先检查不写入；有问题时全部不导入，问题行写进 错误.xlsx，改好后导入它"),
    Task("查看承诺和编号", (("list", "--org", "WL-DX-V001"), ("list", "--org", "WL-DX-V001", "--state", "待审核")),
         "编号在第一列；--state 只看某一状态"),
    Task("提交、审核", (("submit", "12", "13"), ("approve", "12", "13")), "可以一次写多个编号"),
    Task("退回修改", (("return", "12", "--reason", "目标不够具体"), ("edit", "12", "--target", "20")),
         "退回后是草拟，可以修改，再提交"),
    Task("亮诺", (("display", "12", "--channel", "公示栏", "--place", "村务公开栏"),
                ("display", "--org", "WL-DX-V001", "--all-approved", "--channel", "公示栏")),
         "第二行一次亮诺本支部全部已审核的承诺"),
    Task("打印公示栏", (("board", "build", "--out", "公示", "--org", "WL-DX-V001"),),
         "用浏览器打开 公示/print/notice-WL-DX-V001.html，按 Ctrl+P 打印"),
    Task("记录践诺", (("progress", "12", "--amount", "3", "--note", "走访3户"),
                    ("progress", "12", "--amount", "-3", "--reason", "重复录入")),
         "定性承诺只写 --note；录错用负数更正"),
    Task("确认兑现", (("complete", "12"), ("complete", "12", "--note", "经支委会确认")), "未达标时需组织部门用 --note 确认"),
    Task("追逾期", (("overdue", "--org", "WL-DX-V001"), ("extend", "12", "--due", "2026-11-30", "--reason", "汛期停工")),
         "逾期最久的在前；确需延期的办理延期"),
    Task("看一项承诺的全部记实", (("show", "12"),), "状态、践诺记实、谁在什么时候做了什么"),
)

# The choices shown on the card, each with the option that takes it.
CHOICES = (
    ("--state 状态", State),
    ("--channel 亮诺方式", Channel),
    ("--grade 等次", Grade),
    ("单位类型（表格中的“类型”列）", Kind),
    ("评价主体", RaterGroup),
    ("群众评等次", PublicGrade),
)


# A pledge's usual way from draft to evaluated: (trigger, the state it leads to).
PATH = (("submit", State.submitted), ("approve", State.approved), ("display", State.displayed),
        ("record_progress", State.in_progress), ("complete", State.fulfilled), ("evaluate", State.evaluated))


def card_context() -> dict:
    tasks = [{"what": t.what, "commands": ["pledges " + " ".join(argv) for argv in t.commands], "note": t.note}
             for t in TASKS]
    choices = [{"option": option, "labels": [pair[0] for pair in i18n.LABELS[enum_type].values()]}
               for option, enum_type in CHOICES]
    path = [{"trigger": i18n.trigger_label(trigger), "state": i18n.label_of(State, state)} for trigger, state in PATH]
    return {"tasks": tasks, "choices": choices, "first": i18n.label_of(State, State.draft), "path": path,
            "faq": "docs/zh/faq.md"}


def card_html() -> str:
    env = Environment(loader=FileSystemLoader(Path(__file__).resolve().parent), autoescape=True,
                      undefined=StrictUndefined, keep_trailing_newline=True)
    return env.get_template("guide_card.html.j2").render(**card_context())


def card_pdf(html: Path, pdf: Path) -> bytes:
    """Print ``html`` on A4 through Debian's chromium; returns the PDF (also written to ``pdf``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(html.resolve().as_uri())
            data = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        finally:
            browser.close()
    data = _PDF_DATES.sub(lambda m: m.group(1) + b"0" * len(m.group(2)), data)
    pdf.write_bytes(data)
    return data


# --- the command line ---------------------------------------------------------------------------

def generated() -> dict[Path, str]:
    return {FAQ: faq_markdown(), CARD_HTML: card_html()}


def check(paths) -> list[str]:
    """A unified diff per generated file that differs from what is committed."""
    diffs = []
    for path, text in generated().items():
        if path not in paths:
            continue
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        if old != text:
            diffs.append("".join(difflib.unified_diff(old.splitlines(True), text.splitlines(True),
                                                      str(path.relative_to(ROOT)), "generated")))
    return diffs


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--faq", action="store_true", help="only docs/zh/faq.md")
    parser.add_argument("--card", action="store_true", help="only docs/zh/card.html and card.pdf")
    parser.add_argument("--check", action="store_true", help="compare, write nothing (exit 1 on a difference)")
    args = parser.parse_args(argv)
    both = not (args.faq or args.card)
    paths = {p for p, wanted in ((FAQ, args.faq or both), (CARD_HTML, args.card or both)) if wanted}
    missing = missing_advice()
    if missing:
        print("refusals without advice in pledges/advice.py:", *(f"  {k} ({w})" for k, w in missing.items()),
              sep="\n", file=sys.stderr)
        return 1
    if args.check:
        diffs = check(paths)
        print(*diffs, sep="\n", end="", file=sys.stderr)
        return 1 if diffs else 0
    ZH.mkdir(parents=True, exist_ok=True)
    for path, text in generated().items():
        if path in paths:
            path.write_text(text, encoding="utf-8")
    if CARD_HTML in paths:
        card_pdf(CARD_HTML, CARD_PDF)
    return 0


if __name__ == "__main__":
    sys.exit(main())
