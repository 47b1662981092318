"""``pledges board build`` through the real command, on SQLite and PostgreSQL: the pages of what
is on display and nothing else, no private field anywhere, user text escaped, the checkpoint in
the footer, every link resolving."""

import json

from sqlalchemy import func, select

from board_support import (HOSTILE_TITLE, PRIVATE_REASONS, add_private_data, broken_links, pledge_pages,
                           private_values, texts_of)
from pledges.db import Ledger
from pledges.models import Campaign, Pledge
from pledges.verify import read_checkpoint
from pledges.vocab import DISPLAYED_OR_LATER


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def last_id(result) -> int:
    return int(result.stdout.split()[0])


def hostile_pledges(pledges) -> dict[str, int]:
    """A displayed pledge with a hostile title and a failed one, an extended one and a returned
    draft, each with a reason no reader may see."""
    shown = last_id(ok(pledges("add", "--org", "WL-DX-V001", "--title", HOSTILE_TITLE, "--target", "3", "--unit",
                               "次", "--due", "2026-12-01", "--content", "<img src=x onerror=alert(1)>")))
    ok(pledges("submit", shown)), ok(pledges("approve", shown))
    ok(pledges("display", shown, "--channel", "board", "--place", "村口"))
    ok(pledges("progress", shown, "--amount", "1", "--note", "<i>记实</i>", "--evidence", "IMG_内部"))
    ok(pledges("extend", shown, "--due", "2026-12-20", "--reason", PRIVATE_REASONS[1]))
    failed = last_id(ok(pledges("add", "--org", "WL-DX-V001", "--title", "修缮村道", "--target", "1", "--unit", "条",
                                "--due", "2026-12-01")))
    ok(pledges("submit", failed)), ok(pledges("approve", failed)), ok(pledges("display", failed, "--channel", "board"))
    ok(pledges("fail", failed, "--reason", PRIVATE_REASONS[2]))
    returned = last_id(ok(pledges("add", "--org", "WL-DX-V001", "--title", "未公示的承诺", "--target", "1", "--unit",
                                  "条", "--due", "2026-12-01")))
    ok(pledges("submit", returned)), ok(pledges("return", returned, "--reason", PRIVATE_REASONS[0]))
    return {"shown": shown, "failed": failed, "returned": returned}


def test_the_built_site_shows_what_is_displayed_and_nothing_private(pledges, db_url, tmp_path):
    ok(pledges("demo", "--scale", "small"))
    made = hostile_pledges(pledges)
    ledger = Ledger(db_url)
    try:
        add_private_data(ledger)
        secret = private_values(ledger)
        with ledger.session() as session:
            on_board = set(session.scalars(select(Pledge.id).join(Campaign).where(
                Campaign.year == 2026, Pledge.state.in_(sorted(DISPLAYED_OR_LATER)))))
            hidden = session.scalar(select(func.count()).select_from(Pledge)) - len(on_board)
    finally:
        ledger.dispose()
    checkpoint = tmp_path / "checkpoint.json"
    ok(pledges("audit", "checkpoint", "--key", tmp_path / "audit.key", "--out", checkpoint))
    signed = json.loads(checkpoint.read_text(encoding="utf-8"))
    site = tmp_path / "site"
    result = ok(pledges("board", "build", "--out", site, "--checkpoint", checkpoint,
                        "--base-url", "https://gs.example.cn/board/"))
    assert result.stdout.startswith(f"已生成公示网站 {site}：27 个党组织、{len(on_board):,} 项承诺")
    assert "file://" in result.stdout and (site / "index.html").is_file()

    assert hidden > 0 and pledge_pages(site) == on_board  # a page for each pledge on display, no other
    assert made["returned"] not in on_board
    leaks = [(path.name, value) for path, body in texts_of(site) for value in secret if value in body]
    assert leaks == []
    assert broken_links(site) == []

    page = (site / "p" / f"{made['shown']}.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<b onmouseover" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;标题&#34;)&lt;/script&gt;" in page and "&lt;i&gt;记实&lt;/i&gt;" in page
    assert "2026-12-20" in page and "原定时限 2026-12-01" in page  # the extension, without its reason
    fingerprint = read_checkpoint(checkpoint).fingerprint()
    assert f"共 {signed['size']:,} 个事件，末事件哈希 {signed['hash']}，签署于 {signed['made_at']}，公钥指纹 {fingerprint}" \
        in page  # the checkpoint in the footer, as `pledges audit checkpoint` wrote it
    failed = (site / "p" / f"{made['failed']}.html").read_text(encoding="utf-8")
    assert "未兑现" in failed
    branch = (site / "o" / "WL-DX-V001.html").read_text(encoding="utf-8")
    assert f'href="../p/{made["shown"]}.html"' in branch and "&lt;script&gt;" in branch
    plaques = (site / "print" / "plaques-WL-DX-V001.html").read_text(encoding="utf-8")
    assert plaques.count("<svg") >= 1 and "扫码查看承诺进度" in plaques
    index = (site / "search-index.js").read_text(encoding="utf-8")
    assert index.startswith("window.BOARD_INDEX=") and "<script" not in index


def test_a_scope_builds_only_its_subtree_and_an_unknown_one_is_refused(pledges, db_url, tmp_path):
    ok(pledges("demo", "--scale", "small"))
    site = tmp_path / "dx"
    ok(pledges("board", "build", "--out", site, "--org", "WL-DX", "--no-plaques"))
    codes = {path.stem for path in (site / "o").glob("*.html")}
    assert "WL-DX" in codes and "WL-DX-V001" in codes and not {"WL", "WL-CB", "WL-SM-V001"} & codes
    assert not list((site / "print").glob("plaques-*"))
    assert "暂无审计检查点" in (site / "index.html").read_text(encoding="utf-8")
    result = pledges("board", "build", "--out", tmp_path / "x", "--org", "NOPE")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "NOPE" in result.stderr
    missing = pledges("board", "build", "--out", tmp_path / "y", "--checkpoint", tmp_path / "none.json")
    assert missing.exit_code == 1 and "none.json" in missing.stderr


def test_build_prints_an_address_a_reader_can_read(pledges, ledger, tmp_path):
    """A folder named in Chinese is printed as such in the file:// address; a space stays escaped."""
    out = tmp_path / "桃溪村 公示"
    result = ok(pledges("board", "build", "--out", out))
    address = result.stdout.strip().rsplit("打开 ", 1)[1]
    assert address == "file://" + str(out.resolve()).replace(" ", "%20") + "/index.html"
    assert (out / "index.html").is_file()


def test_a_build_in_parts_writes_the_same_site_as_one_process(pledges, db_url, clock, tmp_path):
    """A large scope is written by forked processes, each reading its part of the ledger: the
    files are those one process writes, byte for byte."""
    from pledges.board import Site, build_site

    ok(pledges("demo", "--scale", "small"))
    ledger = Ledger(db_url, clock=clock)
    try:
        site = Site(base_url="https://gs.example.cn/")
        built = {workers: build_site(ledger, tmp_path / str(workers), site=site, workers=workers)
                 for workers in (1, 3)}
    finally:
        ledger.dispose()

    def files(folder):
        return {path.relative_to(folder): path.read_bytes() for path in folder.rglob("*") if path.is_file()}

    one, three = files(tmp_path / "1"), files(tmp_path / "3")
    assert len(one) == built[1].files == built[3].files > 1000
    assert built[1].pledges == built[3].pledges and built[1].orgs == built[3].orgs == 27
    assert one == three


def test_the_footer_refuses_a_checkpoint_altered_or_of_another_ledger(pledges, db_url, tmp_path):
    ok(pledges("demo", "--scale", "small"))
    checkpoint = tmp_path / "checkpoint.json"
    ok(pledges("audit", "checkpoint", "--key", tmp_path / "audit.key", "--out", checkpoint))
    signed = json.loads(checkpoint.read_text(encoding="utf-8"))
    other = f"sqlite:///{tmp_path / 'other.db'}"
    ok(pledges("--db", other, "init"))
    ok(pledges("--db", other, "audit", "checkpoint", "--key", tmp_path / "audit.key", "--out", tmp_path / "other.json"))
    forms = {"altered.json": {**signed, "size": signed["size"] + 1},
             "guessed.json": {"seq": 4242, "head": "ab12" * 16, "at": "2026-06-15T02:00:00Z"}}
    for name, data in forms.items():
        (tmp_path / name).write_text(json.dumps(data), encoding="utf-8")
    for name in (*forms, "other.json"):
        result = pledges("board", "build", "--out", tmp_path / "site", "--checkpoint", tmp_path / name, "--no-plaques")
        assert result.exit_code != 0 and result.stderr.count("\n") == 1, (name, result.stderr)
        assert ("不是本台账" if name == "other.json" else name) in result.stderr
    assert not (tmp_path / "site" / "index.html").exists()


def public_texts(db_url) -> set[str]:
    """Every text of the ledger a page may show as it was typed: names, titles, contents, units,
    criteria, categories, progress notes and comments."""
    from pledges.models import Member, Organisation, ProgressRecord, Rating

    ledger = Ledger(db_url)
    try:
        with ledger.session() as session:
            columns = (Organisation.name, Member.name, Pledge.title, Pledge.content, Pledge.unit, Pledge.criterion,
                       Pledge.category, ProgressRecord.note, Rating.comment)
            return {value for column in columns for value in session.scalars(select(column).distinct()) if value}
    finally:
        ledger.dispose()


def test_an_english_board_puts_no_chinese_punctuation_between_its_words(pledges, db_url, tmp_path):
    from markupsafe import escape

    ok(pledges("demo", "--scale", "small"))
    site = tmp_path / "en"
    ok(pledges("--lang", "en", "board", "build", "--out", site))
    typed = sorted(public_texts(db_url), key=len, reverse=True)
    for path, body in texts_of(site):
        for value in typed:
            body = body.replace(str(escape(value)), "").replace(value, "")
        assert not set("：（），；。") & set(body), path.relative_to(site)
    assert '<html lang="en">' in (site / "index.html").read_text(encoding="utf-8")
