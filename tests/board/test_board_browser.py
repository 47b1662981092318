"""The built board in a real browser (Debian's chromium through Playwright): pages load with
and without JavaScript, the offline search finds a member, pages pass axe-core's accessibility
check, a branch page is small, and printing gives A4 pages."""

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pledges.cli.main import cli

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() and not shutil.which("chromium"),
                                reason="chromium is not installed (.ci/run installs it)")
A4 = (595.3, 841.9)  # points
BRANCH_LIMIT = 200 * 1024


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("board")
    env = {"PLEDGES_DB": str(folder / "demo.db"), "PLEDGES_USER": "测试", "PLEDGES_LANG": "zh"}
    runner = CliRunner()
    for args in (["demo", "--scale", "small"],
                 ["board", "build", "--out", str(folder / "site"), "--base-url", "https://gs.example.cn/"]):
        result = runner.invoke(cli, args, env=env)
        assert result.exit_code == 0, result.stderr
    return folder / "site"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists()
                                             else shutil.which("chromium"))
        yield browser
        browser.close()


def pages_to_check(site: Path) -> list[Path]:
    pledge = sorted((site / "p").glob("*.html"), key=lambda path: int(path.stem))[0]
    return [site / "index.html", site / "o" / "WL.html", site / "o" / "WL-DX.html", site / "o" / "WL-DX-V001.html",
            pledge, site / "print" / "notice-WL-DX-V001.html", site / "print" / "plaques-WL-DX-V001.html"]


def load_all(browser, site: Path, javascript: bool) -> list[str]:
    """Open each page to check; returns the errors the browser reported."""
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("requestfailed", lambda request: errors.append(request.url))
    for path in pages_to_check(site):
        response = page.goto(path.as_uri())
        assert response.ok and page.locator("h1").first.inner_text().strip(), path
    context.close()
    return errors


@pytest.mark.parametrize("javascript", [True, False])
def test_pages_load_without_errors_with_and_without_javascript(site, browser, javascript):
    assert load_all(browser, site, javascript) == []


def test_the_search_works_offline(site, browser):
    names = re.findall(r'<h3 id="hm\d+">([^<]+)</h3>', (site / "o" / "WL-DX-V001.html").read_text(encoding="utf-8"))
    page = browser.new_page()
    page.goto((site / "index.html").as_uri())
    page.fill("#q", names[0])
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"search\.html\?q="))
    first = page.locator("#results a").first
    assert names[0] in first.inner_text()
    first.click()
    assert page.url.endswith(".html#m" + page.url.rsplit("#m", 1)[1]) and "WL-DX-V001" in page.url
    page.close()


def test_pages_pass_the_axe_accessibility_check(site, browser):
    from axe_playwright_python.sync_playwright import Axe

    axe, page = Axe(), browser.new_page()
    for path in pages_to_check(site) + [site / "search.html"]:
        page.goto(path.as_uri())
        results = axe.run(page)
        assert results.violations_count == 0, (path.name, results.generate_report())
    page.close()


def test_a_branch_page_is_under_200_kb(site):
    css = (site / "static" / "board.css").stat().st_size
    sizes = {path.stem: path.stat().st_size + css for path in (site / "o").glob("*-*-*.html")}
    assert sizes and max(sizes.values()) < BRANCH_LIMIT, max(sizes.items(), key=lambda item: item[1])


def test_printing_gives_a4_pages_with_whole_rows(site, browser, tmp_path):
    page = browser.new_page()
    for name in ("notice-WL-DX-V001.html", "plaques-WL-DX-V001.html"):
        page.goto((site / "print" / name).as_uri())
        pdf = page.pdf(prefer_css_page_size=True)
        boxes = [tuple(map(float, box)) for box in
                 re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)]
        assert boxes, name
        assert all(abs(w - A4[0]) < 2 and abs(h - A4[1]) < 2 for w, h in boxes), (name, set(boxes))
        if name.startswith("plaques"):
            plaques = page.locator("article.plaque").count()
            assert len(boxes) == plaques  # one plaque a page
    page.close()


def test_the_live_pledge_page_with_its_form_passes_axe(site, browser):
    """The server's page (with the rating form and a notice), saved beside the static pages."""
    from axe_playwright_python.sync_playwright import Axe
    from starlette.testclient import TestClient

    from pledges.board.web import make_app
    from pledges.db import Ledger

    ledger = Ledger(str(site.parent / "demo.db"))
    pledge = sorted((site / "p").glob("*.html"), key=lambda path: int(path.stem))[0].stem
    with TestClient(make_app(ledger, cache_seconds=0)) as client:
        answer = client.get(f"/p/{pledge}.html?sent=1")
    ledger.dispose()
    assert answer.status_code == 200 and 'name="grade"' in answer.text and "谢谢" in answer.text
    live = site / "p" / "live.html"
    live.write_text(answer.text, encoding="utf-8")
    page = browser.new_page()
    page.goto(live.as_uri())
    results = Axe().run(page)
    live.unlink()
    page.close()
    assert results.violations_count == 0, results.generate_report()


# Draws an inline SVG onto a white canvas in the browser and returns its pixels' red channel.
SVG_PIXELS = """async ([svg, size]) => {
  const image = new Image();
  image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(new XMLSerializer().serializeToString(svg));
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = size;
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, size, size);
  context.drawImage(image, 0, 0, size, size);
  const rgba = context.getImageData(0, 0, size, size).data;
  return Array.from({length: size * size}, (_, i) => rgba[4 * i]);
}"""


def test_each_plaque_s_qr_code_opens_its_member_s_page(site, browser):
    """The QR code as chromium draws it, read back by zxing-cpp's reader: the member's section of
    the branch page under --base-url."""
    import numpy
    import zxingcpp

    size = 300
    page = browser.new_page()
    page.goto((site / "print" / "plaques-WL-DX-V001.html").as_uri())
    plaques = page.locator("article.plaque")
    branch = (site / "o" / "WL-DX-V001.html").read_text(encoding="utf-8")
    assert plaques.count() > 1
    for index in range(plaques.count()):
        plaque = plaques.nth(index)
        member = plaque.locator("h2").get_attribute("id").removeprefix("pl")
        pixels = plaque.locator("svg").evaluate(f"svg => ({SVG_PIXELS})([svg, {size}])")
        code = zxingcpp.read_barcode(numpy.array(pixels, dtype=numpy.uint8).reshape(size, size))
        assert code is not None and code.text == f"https://gs.example.cn/o/WL-DX-V001.html#m{member}"
        assert f'id="m{member}"' in branch
    page.close()
