"""The README's pictures of the board: a branch's page and its printed notice, taken by
Playwright in Debian's chromium from a built site.

    .venv/bin/python scripts/board_screenshots.py SITE [--org WL-DX-V001] [--out docs]
"""

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--org", default="WL-DX-V001")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "docs")
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto((args.site / "o" / f"{args.org}.html").resolve().as_uri())
        page.screenshot(path=args.out / "board-page.png")
        # The notice as printed: A4 at 96 dpi, print media.
        notice = browser.new_page(viewport={"width": 794, "height": 1123})
        notice.emulate_media(media="print")
        notice.goto((args.site / "print" / f"notice-{args.org}.html").resolve().as_uri())
        notice.screenshot(path=args.out / "board-notice.png")
        browser.close()


if __name__ == "__main__":
    main()
