"""Helpers of the board's tests: a demo ledger dressed with private data, and what must never
appear in the public site."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sqlalchemy import select, update

from pledges.db import Ledger
from pledges.models import AuditEvent, DisplayRecord, Evaluation, Member, Organisation, ProgressRecord

HOSTILE_TITLE = '<script>alert("标题")</script><b onmouseover=x>粗体</b>'
PRIVATE_REASONS = ("内部理由退回甲乙", "内部理由延期丙丁", "内部理由未兑现戊己")


def add_private_data(ledger: Ledger) -> None:
    """Contacts on every organisation and member (as reminders keep them), and an evidence
    reference, a display place and an evaluation comment no one outside may read."""
    with ledger.session() as session:
        session.execute(update(Organisation).values(
            secretary=Organisation.code + "书记 13800000000", email=Organisation.code + "@secret.example.cn",
            webhook="https://robot.example.cn/hook?key=" + Organisation.code))
        session.execute(update(Member).values(email=Member.number + "@mail.secret.example.cn"))
        session.execute(update(ProgressRecord).values(evidence="内部佐证编号"))
        session.execute(update(DisplayRecord).values(place="家庭住址保密路1号"))
        session.execute(update(Evaluation).values(comment="内部评语不公开"))


def private_values(ledger: Ledger) -> set[str]:
    """Every contact, member number, actor, evidence, place and internal reason in the ledger."""
    with ledger.session() as session:
        values = set()
        for row in session.execute(select(Organisation.secretary, Organisation.email, Organisation.webhook)):
            values |= {value for value in row if value}
        for row in session.execute(select(Member.email, Member.number)):
            values |= {value for value in row if value}
        values |= set(session.scalars(select(AuditEvent.actor).distinct()))
        values |= {reason for reason in session.scalars(select(AuditEvent.reason).where(
            AuditEvent.trigger.in_(["return", "withdraw", "extend", "fail", "amend"]))) if reason}
        values |= {"内部佐证编号", "家庭住址保密路1号", "内部评语不公开", *PRIVATE_REASONS}
    return values


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append(attrs[name])


def broken_links(site: Path) -> list[str]:
    """Every href/src of every page that names a file (or an anchor) the site does not have."""
    parsed, broken = {}, []

    def page(path: Path) -> Links:
        if path not in parsed:
            parsed[path] = Links()
            parsed[path].feed(path.read_text(encoding="utf-8"))
        return parsed[path]

    for path in sorted(site.rglob("*.html")):
        for link in page(path).links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if not target.is_file():
                broken.append(f"{path.relative_to(site)} → {link}")
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in page(target).ids:
                broken.append(f"{path.relative_to(site)} → {link} (no such anchor)")
    return broken


def texts_of(site: Path):
    for path in sorted(site.rglob("*")):
        if path.is_file():
            yield path, path.read_text(encoding="utf-8")


def pledge_pages(site: Path) -> set[int]:
    return {int(re.fullmatch(r"(\d+)\.html", path.name).group(1)) for path in (site / "p").glob("*.html")}
