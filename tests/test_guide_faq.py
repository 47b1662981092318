"""常见问题 and the 速查卡 of the Chinese guide cannot drift from the program (issue 15): every
refusal the code can raise has advice, docs/zh/faq.md and docs/zh/card.html are what
scripts/guide_faq.py writes now, the card's commands are ones the program accepts, and the card
prints on one A4 page with its Chinese drawn in a CJK font.

After a change: ``.venv/bin/python scripts/guide_faq.py`` rewrites all three files."""

import shutil
import string
import sys
from pathlib import Path

import click
import pytest

from pledges import advice, i18n
from pledges.cli.main import cli
from pledges.vocab import State
from pledges.workflows import lifecycle
from support import a4_pages, cjk_nodes_checked

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import guide_faq  # noqa: E402
import refusals  # noqa: E402

REGENERATE = "run `.venv/bin/python scripts/guide_faq.py`"
# Where the error classes are defined: enough of the program for a snippet's refusals to be found.
ERRORS = ("pledges/errors.py", "pledges/sheets/cells.py", "pledges/sheets/problems.py", "cli/failures.py")


def with_snippet(path: str, source: str) -> dict:
    trees = {name: tree for name, tree in refusals.program_trees().items() if name in ERRORS}
    return {**trees, **refusals.parsed({path: source})}


def test_every_refusal_the_program_can_print_has_advice():
    assert not guide_faq.missing_advice(), "add them to pledges/advice.py, then " + REGENERATE


def test_the_scan_finds_many_refusals_and_no_plain_output():
    found = refusals.refusal_keys(i18n.MESSAGES)
    assert {"need_title", "unknown_pledge", "cell_not_date", "usage_no_option", "audit_gap", "refused_state",
            "sheet_target_and_unit", "cell_no_header", "not_permitted_pledge"} <= set(found)
    assert not {"pledge_added", "initialised", "import_done", "board_built", "audit_ok"} & set(found)


@pytest.mark.parametrize("snippet", [
    'raise TransitionRefused("brand_new", id=1)',
    'class Fresh(Refused):\n    key = "brand_new"',
    'def _no(key, **kw):\n    return BadInput(key, **kw)\n\ndef check():\n    raise _no("brand_new")',
    'def refuse(why):\n    raise NotPermitted(why)\n\ndef check():\n    refuse("brand_new")',
    'def check(x):\n    key = "brand_new" if x else "need_title"\n    raise Refused(key)',
    'def read(rows):\n    found = []\n    found.append((1, "brand_new"))\n'
    '    for row, key in found:\n        yield Problem("f", "s", row, None, key)',
    'raise Usage("brand_new")',
], ids=["error class", "class key", "forwarding function", "forwarding its first argument", "local name", "list of problems", "usage error"])
def test_a_new_refusal_is_found_however_it_is_raised(snippet):
    messages = {**i18n.MESSAGES, "brand_new": ("新的", "new")}
    assert "brand_new" in refusals.refusal_keys(messages, with_snippet("pledges/example.py", snippet))


def test_a_message_only_printed_is_not_a_refusal():
    messages = {**i18n.MESSAGES, "brand_new": ("新的", "new")}
    trees = with_snippet("cli/example.py", 'say("brand_new", "zh")\nprint(i18n.text("brand_new"))')
    assert "brand_new" not in refusals.refusal_keys(messages, trees)


def test_advice_is_only_for_messages_the_program_says():
    said = refusals.strings_in_code()
    stale = [key for key in advice.advice() if key not in i18n.MESSAGES or key not in said]
    assert not stale, "pledges/advice.py explains messages the program no longer has"


def test_every_placeholder_of_an_advised_message_has_a_readable_name():
    for key in advice.advice():
        fields = {f for _, f, _, _ in string.Formatter().parse(i18n.MESSAGES[key][0]) if f is not None}
        assert fields <= set(advice.PLACEHOLDERS), (key, fields - set(advice.PLACEHOLDERS))
    for key, fields in advice.PLACEHOLDERS_OF.items():
        named = {f for _, f, _, _ in string.Formatter().parse(i18n.MESSAGES[key][0]) if f is not None}
        assert key in advice.advice() and set(fields) <= named, (key, set(fields) - named)
    assert "〈编号〉" in guide_faq.readable("need_title")
    assert guide_faq.readable("no_actor") == r"未指定操作人：请用 --as 姓名 或设置环境变量 PLEDGES\_USER"


def test_the_faq_is_what_the_generator_writes():
    assert guide_faq.FAQ.read_text(encoding="utf-8") == guide_faq.faq_markdown(), REGENERATE


def test_every_advised_message_has_its_anchor_in_the_faq():
    text = guide_faq.FAQ.read_text(encoding="utf-8")
    for key in advice.advice():
        assert f'<a id="{key}"></a>' in text


def test_the_card_html_is_what_the_generator_writes():
    assert guide_faq.CARD_HTML.read_text(encoding="utf-8") == guide_faq.card_html(), REGENERATE


def _leaf(argv: tuple[str, ...]) -> tuple[click.Command, list[str]]:
    command, rest = cli, list(argv)
    while isinstance(command, click.Group):
        command, rest = command.commands[rest[0]], rest[1:]
    return command, rest


@pytest.mark.parametrize("argv", [argv for task in guide_faq.TASKS for argv in task.commands], ids=" ".join)
def test_every_command_on_the_card_is_one_the_program_accepts(argv):
    command, rest = _leaf(argv)
    with command.make_context(" ".join(argv), rest) as ctx:  # a usage error raises here
        assert ctx.params


def test_the_card_has_ten_tasks_and_the_programs_chinese_choice_names():
    html = guide_faq.CARD_HTML.read_text(encoding="utf-8")
    assert len(guide_faq.TASKS) == 10
    for _, enum_type in guide_faq.CHOICES:
        for zh, _ in i18n.LABELS[enum_type].values():
            assert zh in html
    for state in State:
        assert i18n.choice_code(State, i18n.label_of(State, state)) == state


def test_the_cards_path_of_a_pledge_follows_the_lifecycle():
    moves = {(source, row["trigger"]): row["to"] for row in lifecycle.rows() for source in row["from"]}
    state = State.draft
    for trigger, reached in guide_faq.PATH:
        assert moves[(state, trigger)] == reached, (state, trigger)
        state = reached


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_the_card_prints_on_one_a4_page_in_a_cjk_font(tmp_path):
    from playwright.sync_api import sync_playwright

    html = tmp_path / "card.html"
    html.write_text(guide_faq.card_html(), encoding="utf-8")
    pdf = guide_faq.card_pdf(html, tmp_path / "card.pdf")
    assert a4_pages(pdf) == 1
    # the same chromium prints the same bytes (its timestamps are zeroed): the committed card is current
    assert pdf == guide_faq.CARD_PDF.read_bytes(), "docs/zh/card.pdf is out of date: " + REGENERATE
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=guide_faq.CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(html.as_uri())
            assert cjk_nodes_checked(page, ("h1", "h2", "th", "td", "p", "code")) > 40
        finally:
            browser.close()
