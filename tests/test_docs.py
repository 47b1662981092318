"""The documentation cannot rot: every relative link and image in README.md, docs/ and the
Chinese guide docs/zh/ leads to a file (and heading) that exists, the lifecycle table and diagram in docs/lifecycle.md are those the
code draws, every guard has its explanation there, and nothing points readers to a SPEC that is
not in the repository.

After a change to the lifecycle, ``python tests/test_docs.py`` rewrites the generated parts of
docs/lifecycle.md."""

import re
import sys
from pathlib import Path

import pytest

from pledges import i18n
from pledges.vocab import State
from pledges.workflows import lifecycle

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md")), *sorted(DOCS.glob("zh/*.md"))]
LIFECYCLE = DOCS / "lifecycle.md"
GENERATED = re.compile(r"(<!-- generated: (?P<name>[\w ]+?) -->\n)(?P<body>.*?)(<!-- end generated -->)", re.S)
# a link or an image, [text](target) or ![text](target), and an HTML <img src="target">
LINK = re.compile(r"\[[^\]]*\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)|<img\b[^>]*\bsrc=\"(?P<src>[^\"]+)\"")


def lifecycle_table() -> str:
    """The transition table, as ``pledges lifecycle`` gives it, in markdown."""
    lines = ["| trigger | 中文 | from | to | guards |", "|---|---|---|---|---|"]
    for row in lifecycle.rows():
        sources = ", ".join(f"`{state}`" for state in row["from"])
        dest = f"`{row['to']}`" if row["to"] else "(same state)"
        guards = ", ".join(f"[`{name}`](#{name})" for name in row["guards"])
        lines.append(f"| `{row['trigger']}` | {i18n.trigger_label(row['trigger'])} | {sources} | {dest} | {guards} |")
    return "\n".join(lines) + "\n"


def lifecycle_mermaid() -> str:
    return f"```mermaid\n{lifecycle.mermaid().rstrip()}\n```\n"


GENERATORS = {"lifecycle table": lifecycle_table, "lifecycle diagram": lifecycle_mermaid}


def regenerated(text: str) -> str:
    return GENERATED.sub(lambda m: m.group(1) + GENERATORS[m.group("name")]() + m.group(4), text)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """The page's anchors: each heading's slug (a repeated one gets -1, -2… as on GitHub) and
    each ``<a id="…">``."""
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    found: set[str] = set()
    for m in re.finditer(r"^#{1,6} (.+)$", text, re.M):
        name, n = slug(m.group(1)), 0
        while (name if n == 0 else f"{name}-{n}") in found:
            n += 1
        found.add(name if n == 0 else f"{name}-{n}")
    found |= set(re.findall(r'<a id="([^"]+)"', text))
    return found


def links(page: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"`[^`\n]*`", "", text)  # [x](y) inside inline code is not a link
    return [m.group("target") or m.group("src") for m in LINK.finditer(text)]


def test_there_are_docs_to_check():
    names = {page.name for page in PAGES}
    assert {"README.md", "lifecycle.md", "figures.md", "roles.md", "reminders.md", "deployment.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_relative_link_leads_somewhere(page):
    broken = []
    for target in links(page):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target}: no file {file.relative_to(ROOT) if ROOT in file.parents else file}")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            broken.append(f"{target}: no heading #{anchor} in {file.name}")
    assert not broken, f"{page.name}: " + "; ".join(broken)


def test_links_images_and_anchors_are_found():
    page = ROOT / "tests" / "fixtures" / "links.md"
    assert links(page) == ["faq.md#need_title", "img/board.png", "img/notice.png", "#开始之前"]
    assert {"开始之前", "录入承诺", "录入承诺-1", "need_title"} <= anchors(page)


def test_the_slug_is_githubs():
    assert slug("Figures: the dashboard and the overdue list") == "figures-the-dashboard-and-the-overdue-list"
    assert slug("`--as-of`: replaying a past day") == "--as-of-replaying-a-past-day"
    assert slug("`has_org_rating`") == "has_org_rating"
    assert slug("States (code / 中文)") == "states-code--中文"
    assert slug("一、从表格导入承诺（支部书记）") == "一从表格导入承诺支部书记"


def test_the_lifecycle_doc_is_what_the_code_draws():
    text = LIFECYCLE.read_text(encoding="utf-8")
    assert {m.group("name") for m in GENERATED.finditer(text)} == set(GENERATORS)
    assert text == regenerated(text), "docs/lifecycle.md is out of date: run `python tests/test_docs.py`"


def test_every_guard_and_state_is_explained_in_the_lifecycle_doc():
    text = LIFECYCLE.read_text(encoding="utf-8")
    explained = anchors(LIFECYCLE)
    guards = {name for row in lifecycle.rows() for name in row["guards"]}
    assert not guards - explained
    for state in State:
        assert f"`{state.value}` {i18n.label_of(State, state.value)}" in text


def test_nothing_points_to_a_spec_outside_the_repository():
    """The product's definitions are in docs/; docs/performance.md is rewritten by the benchmark."""
    files = [page for page in PAGES if page.name != "performance.md"]
    for folder in ("pledges", "workflows", "cli", "bench", "tests"):
        files += (ROOT / folder).rglob("*.py")
    files += [ROOT / "Makefile"]
    cited = "SPEC " + "§"
    citing = [str(path.relative_to(ROOT)) for path in files if cited in path.read_text(encoding="utf-8")]
    assert not citing


if __name__ == "__main__":
    LIFECYCLE.write_text(regenerated(LIFECYCLE.read_text(encoding="utf-8")), encoding="utf-8")
    sys.exit(0)
