"""``pledges lint`` and ``pledges visit sample`` through the real command: what they print in each
format and language, their refusals (one line, exit 1), and a ledger left exactly as it was."""

import csv
import hashlib
import io
import re
import shlex
import subprocess
import sys

from datetime import date

import pytest

from cli_support import add, as_json, counts, ok, refused, walk
from pledges.entries import create_pledge
from support import ACTOR

SEED = "2026-09-14"


def draft(ledger, org: str, title: str) -> int:
    """A draft with no measure yet, which ``pledges add`` does not take (a spreadsheet may hold one)."""
    return create_pledge(ledger, org=org, title=title, due=date(2026, 9, 30), actor=ACTOR).id


@pytest.fixture
def linted(pledges, tree):
    """Pledges of DX-V1 and DX-V2 (under DX) and SX-V1: good, vague, duplicated."""
    ids = {
        "good": add(pledges, title="走访困难群众 12 户"),
        "vague": draft(tree, "DX-V1", "加强学习"),
        "end": add(pledges, org="DX-V2", title="开展邻里节活动", due="2026-12-31"),
        "dup1": add(pledges, "--member", "M001", title="参加治安巡逻 6 次", target="6", unit="次"),
        "dup2": add(pledges, "--member", "M001", title="参加治安巡逻 6 次", target="6", unit="次"),
        "criterion": add(pledges, "--qualitative", "--criterion", "认真做好各项工作", title="落实三会一课",
                         target=None, unit=None),
        "outside": draft(tree, "SX-V1", "加强管理"),
    }
    for key in ("good", "end", "dup1", "criterion"):
        walk(pledges, ids[key], "submitted")
    return ids


def test_lint_json_lists_every_finding_of_the_scope_and_the_checkable_rate(pledges, linted):
    report = as_json(pledges("lint", "--org", "DX", "--format", "json"))
    found = sorted((f["id"], f["rule"]) for f in report["findings"])
    assert found == sorted([(linted["vague"], "L001"), (linted["vague"], "L002"), (linted["end"], "L005"),
                            (linted["dup1"], "L006"), (linted["dup2"], "L006"), (linted["criterion"], "L003")])
    [dup] = [f for f in report["findings"] if f["id"] == linted["dup1"]]
    assert dup == {"id": linted["dup1"], "org": "DX-V1", "member": "M001", "title": "参加治安巡逻 6 次",
                   "rule": "L006", "message": f"与同一承诺主体的承诺 {linted['dup2']} 标题相同",
                   "suggestion": "合并重复的承诺，或在标题中写明区别，如：走访困难群众（上半年）12 户"}
    # declared: good, end, dup1, criterion (submitted); checkable: all but the vague criterion
    top = report["units"][0]
    assert (top["code"], top["declared"], top["checkable"], top["checkable_rate"]) == ("DX", 4, 3, 0.75)
    assert top["by_rule"] == {"L001": 1, "L002": 1, "L003": 1, "L005": 1, "L006": 2}
    assert [(u["code"], u["depth"], u["declared"], u["checkable"]) for u in report["units"]] == [
        ("DX", 0, 4, 3), ("DX-V1", 1, 3, 2), ("DX-V2", 1, 1, 1)]
    assert report["campaign"] == 2026 and report["scope"] == ["DX"]


def test_lint_csv_and_english(pledges, linted):
    rows = list(csv.DictReader(io.StringIO(ok(pledges("lint", "--org", "DX-V2", "--format", "csv")).stdout)))
    assert rows == [{"id": str(linted["end"]), "org": "DX-V2", "member": "", "title": "开展邻里节活动", "rule": "L005",
                     "message": "完成时限是活动最后一天（2026-12-31），像是默认时限",
                     "suggestion": "按实际安排写明完成日期，如：2026-06-30 前完成；分阶段的写明各阶段时限"}]
    english = as_json(pledges("--lang", "en", "lint", "--org", "SX-V1", "--format", "json"))
    assert [f["message"] for f in english["findings"]] == ['the title says "加强" but gives no number',
                                                           "no numeric target and unit"]


def test_lint_table_for_people(pledges, linted):
    out = ok(pledges("lint", "--org", "DX", "--limit", "2")).stdout
    assert "大溪镇党委 2026年度承诺质量检查" in out
    assert "已承诺 4 项，可评比 3 项，可评比率 75.0%；发现问题 6 条" in out
    assert re.search(r"大溪镇党委\s+4\s+3\s+75\.0%\s+6\s+L001:1 ", out)
    assert all(token in out for token in ("L002:1", "L003:1", "L005:1", "L006:2"))
    assert "另有 4 条未列出" in out  # --limit 2 of 6
    assert "写明看得见、查得到的标准" in out  # the suggestion of L003, once, in the rules table
    assert out.count("加强学习") == 2  # L001 and L002 on the same pledge, both listed first (DX-V1, lowest id)
    everything = ok(pledges("lint", "--org", "DX", "--limit", "0")).stdout
    assert "未列出" not in everything and "落实三会一课" in everything


def test_lint_changes_nothing_and_refuses_an_unknown_scope(pledges, linted, tree):
    before = counts(tree)
    ok(pledges("lint"))
    line = refused(pledges("lint", "--org", "NOPE"))
    assert "NOPE" in line and "pledges org list" in line
    assert "2027" in refused(pledges("lint", "--campaign", "2027"))
    assert counts(tree) == before


def test_a_title_that_looks_like_markup_is_shown_as_typed(pledges, tree):
    draft(tree, "DX-V1", "[bold]加强[/bold]")
    out = ok(pledges("lint", "--org", "DX-V1")).stdout
    assert "[bold]加强[/bold]" in out


# --- visit sample -------------------------------------------------------------------------------

UNITS = {"village": ("V", 5), "community": ("C", 2), "enterprise": ("E", 3)}


@pytest.fixture
def towns(pledges, ledger):
    """WL → DX with 5 villages, 2 communities, 3 enterprises (one with a branch of its own below)."""
    ok(pledges("org", "add", "WL", "温岭市委", "--kind", "committee"))
    ok(pledges("org", "add", "DX", "大溪镇党委", "--parent", "WL", "--kind", "committee"))
    for kind, (letter, count) in UNITS.items():
        for n in range(1, count + 1):
            ok(pledges("org", "add", f"DX-{letter}{n}", f"{kind}{n}党支部", "--parent", "DX", "--kind", kind))
    ok(pledges("org", "add", "DX-E1-B", "车间党支部", "--parent", "DX-E1", "--kind", "enterprise"))
    return ledger


def by_hand(kind: str, take: int) -> list[str]:
    letter, count = UNITS[kind]
    codes = [f"DX-{letter}{n}" for n in range(1, count + 1)]
    return sorted(codes, key=lambda c: hashlib.sha256(f"{SEED}|{kind}|{c}".encode()).hexdigest())[:take]


def test_sample_json_is_the_rule_by_hand(pledges, towns):
    before = counts(towns)
    result = as_json(pledges("visit", "sample", "--org", "DX", "--units", "5", "--seed", SEED, "--format", "json"))
    # 5 of 10: village 2.5, community 1, enterprise 1.5 → 2, 1, 1; the tie (.5, .5) to the villages (more units)
    [dx] = result["orgs"]
    assert (result["seed"], result["n"], dx["code"], dx["units"]) == (SEED, 5, "DX", 10)
    assert [(k["kind"], k["units"], k["drawn"]) for k in dx["kinds"]] == [("village", 5, 3), ("community", 2, 1),
                                                                         ("enterprise", 3, 1)]
    for kind in dx["kinds"]:
        assert [u["code"] for u in kind["sample"]] == by_hand(kind["kind"], kind["drawn"])
    assert counts(towns) == before


def test_sample_quotas_by_chinese_label_or_code(pledges, towns):
    def draw(*quota):
        return as_json(pledges("visit", "sample", "--org", "DX", "--units", "4", "--seed", SEED, *quota,
                               "--format", "json"))["orgs"]

    by_label, by_code = draw("--quota", "村=1", "--quota", "社区=0"), draw("--quota", "village=1", "--quota", "community=0")
    assert by_label == by_code
    assert [(k["kind"], k["quota"], k["drawn"]) for k in by_label[0]["kinds"]] == [
        ("village", 1, 1), ("community", 0, 0), ("enterprise", None, 3)]


def test_sample_table_and_its_redo_line_work(pledges, towns):
    out = ok(pledges("visit", "sample", "--org", "DX", "--units", "5", "--seed", SEED)).stdout
    assert "DX 大溪镇党委：基层单位 10 个，抽取 5 个（种子 2026-09-14）" in out
    first = by_hand("village", 1)[0]
    assert first in out and hashlib.sha256(f"{SEED}|village|{first}".encode()).hexdigest()[:12] in out
    command, printed = out.strip().splitlines()[-2:]
    assert command.startswith("python3 -c ")
    redone = subprocess.run([sys.executable, *shlex.split(command)[1:]], capture_output=True, text=True, check=True)
    assert redone.stdout.strip() == printed == hashlib.sha256(f"{SEED}|village|{first}".encode()).hexdigest()
    english = ok(pledges("--lang", "en", "visit", "sample", "--org", "DX", "--units", "5", "--seed", SEED)).stdout
    assert "To redo it by hand" in english and "village" in english


def test_lint_of_a_ledger_with_no_pledges(pledges, towns):
    assert ok(pledges("lint", "--format", "csv")).stdout == "id,org,member,title,rule,message,suggestion\n"
    assert as_json(pledges("lint", "--format", "json"))["findings"] == []


def test_sample_csv(pledges, towns):
    out = ok(pledges("visit", "sample", "--org", "DX", "--units", "5", "--seed", SEED, "--format", "csv")).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["kind"], r["rank"], r["code"]) for r in rows] == (  # the kinds as the table shows them
        [("村", str(i), c) for i, c in enumerate(by_hand("village", 3), 1)]
        + [("社区", "1", by_hand("community", 1)[0]), ("非公企业", "1", by_hand("enterprise", 1)[0])])
    assert all(r["org"] == "DX" and len(r["hash"]) == 64 for r in rows)
    english = ok(pledges("--lang", "en", "visit", "sample", "--org", "DX", "--units", "5", "--seed", SEED,
                         "--format", "csv")).stdout
    assert [r["kind"] for r in csv.DictReader(io.StringIO(english))] == ["village"] * 3 + ["community", "enterprise"]


@pytest.mark.parametrize("args,words", [
    (("--org", "NOPE", "--units", "2"), ("NOPE", "pledges org list")),
    (("--org", "DX", "--units", "11"), ("10", "11", "--units")),
    (("--org", "DX", "--units", "3", "--quota", "乡=1"), ("乡", "village")),
    (("--org", "DX", "--units", "3", "--quota", "村=2", "--quota", "社区=2"), ("4", "3")),
    (("--org", "DX", "--units", "3", "--quota", "社区=3"), ("2", "社区")),
    (("--org", "DX", "--units", "3", "--quota", "village"), ("village",)),
    (("--org", "DX", "--units", "0"), ("0",)),
])
def test_sample_refusals_are_one_line_and_change_nothing(pledges, towns, args, words):
    before = counts(towns)
    line = refused(pledges("visit", "sample", "--seed", SEED, *args))
    assert all(word in line for word in words), line
    assert counts(towns) == before
