"""The board's pages, rendered from a ``pledges.public.Scope`` with Jinja2 (autoescape: every
text a person typed is escaped).  The static build and the live server both render here, so a
page is the same whichever way it is read."""

import json
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from pledges import i18n
from pledges.public import PUBLIC_GRADES, PublicOrg, Scope, satisfaction
from pledges.vocab import Channel, Grade, Kind, State

STATIC = Path(__file__).parent / "static"
PUNCTUATION = ("colon", "open", "close", "comma", "semicolon")  # the words board_colon… of pledges.i18n


@dataclass
class Site:
    """What every page needs besides its own data: language, base URL for QR codes, the footer's
    checkpoint, and whether pages carry the rating form (only the live server takes ratings)."""

    lang: str = "zh"
    base_url: str = ""
    checkpoint: str | None = None
    live: bool = False


def org_path(code: str) -> str:
    return f"o/{quote(code, safe='')}.html"


def pledge_path(pledge_id: int) -> str:
    return f"p/{pledge_id}.html"


def notice_path(code: str) -> str:
    return f"print/notice-{quote(code, safe='')}.html"


def plaques_path(code: str) -> str:
    return f"print/plaques-{quote(code, safe='')}.html"


def member_anchor(member_id: int) -> str:
    return f"m{member_id}"


class Pages:
    """The Jinja environment of one site, and a function per kind of page."""

    def __init__(self, site: Site):
        self.site = site
        lang = site.lang
        env = Environment(loader=PackageLoader("pledges.board", "templates"), autoescape=select_autoescape(default=True),
                          trim_blocks=True, lstrip_blocks=True)
        env.globals.update(
            t=lambda key: i18n.word(key, lang), lang=lang, site=site,
            state=lambda code: i18n.label_of(State, code, lang), kind=lambda code: i18n.label_of(Kind, code, lang),
            channel=lambda code: i18n.label_of(Channel, code, lang) if code else "",
            grade=lambda code: i18n.label_of(Grade, code, lang) if code else "",
            public_grade=lambda code: i18n.word(f"public_{code}", lang), public_grades=PUBLIC_GRADES,
            satisfaction=satisfaction, org_path=org_path, pledge_path=pledge_path, notice_path=notice_path,
            plaques_path=plaques_path, member_anchor=member_anchor,
            mark=SimpleNamespace(**{name: i18n.word(f"board_{name}", lang) for name in PUNCTUATION}))
        self.env = env
        self._templates = {name: env.get_template(name) for name in
                           ("index.html", "org.html", "pledge.html", "pledge_body.html", "search.html",
                           "notice.html", "plaques.html")}
        self._frames: dict[int, tuple[str, str, str]] = {}

    def index(self, scope: Scope) -> str:
        towns: dict[int, dict[str, list[PublicOrg]]] = {}
        for org in scope.orgs.values():
            towns.setdefault(org.town_id or org.id, {}).setdefault(org.kind, []).append(org)
        groups = [(scope.orgs[town_id], sorted(kinds.items(), key=lambda item: _kind_order(item[0])))
                  for town_id, kinds in sorted(towns.items(), key=lambda item: scope.orgs[item[0]].code)
                  if town_id in scope.orgs]
        return self._templates["index.html"].render(root="", scope=scope, towns=groups)

    def org(self, scope: Scope, org: PublicOrg) -> str:
        own, by_member = scope.pledges_of(org.id)
        members = [(member, by_member[member.id]) for member in scope.members_of(org.id) if by_member.get(member.id)]
        parent = scope.orgs.get(org.parent_id)
        children = [scope.orgs[child] for child in org.children]
        return self._templates["org.html"].render(root="../", scope=scope, org=org, own=own, members=members,
                                                  parent=parent, children=children)

    def pledge(self, scope: Scope, pledge, csrf: str = "", notice: str | None = None) -> str:
        """A pledge's page: its body rendered into a frame rendered once per scope (a city has
        200,000 of these pages; Jinja's inheritance per page would triple the build's time)."""
        org = scope.orgs[pledge.org_id]
        member = scope.members.get(pledge.member_id) if pledge.member_id else None
        body = self._templates["pledge_body.html"].render(root="../", scope=scope, pledge=pledge, org=org,
                                                          member=member, csrf=csrf, notice=notice)
        head, middle, tail = self._frame(scope)
        return "".join((head, escape(pledge.title), middle, body, tail))

    def _frame(self, scope: Scope) -> tuple[str, str, str]:
        if id(scope) not in self._frames:
            page = self._templates["pledge.html"].render(root="../", scope=scope, title=Markup("\x00"),
                                                         main=Markup("\x00"))
            self._frames = {id(scope): tuple(page.split("\x00"))}
        return self._frames[id(scope)]

    def search(self, scope: Scope) -> str:
        return self._templates["search.html"].render(root="", scope=scope)

    def notice(self, scope: Scope, org: PublicOrg) -> str:
        own, by_member = scope.pledges_of(org.id)
        members = [(member, by_member[member.id]) for member in scope.members_of(org.id) if by_member.get(member.id)]
        return self._templates["notice.html"].render(root="../", scope=scope, org=org, own=own, members=members)

    def plaques(self, scope: Scope, org: PublicOrg, qr) -> str:
        _, by_member = scope.pledges_of(org.id)
        url = self.site.base_url.rstrip("/") + "/" + org_path(org.code) + "#"
        plaques = [(member, by_member[member.id], qr(url + member_anchor(member.id)))
                   for member in scope.members_of(org.id) if by_member.get(member.id)]
        return self._templates["plaques.html"].render(root="../", scope=scope, org=org, plaques=plaques)


def search_index(scope: Scope) -> str:
    """The offline search index as a script (``file://`` pages may not fetch JSON, but may load a
    script): organisations as [name, code], and members with a pledge on display as [name, the
    index of their organisation, id]; static/search.js makes the links (``org_path`` and
    ``member_anchor``)."""
    orgs = list(scope.orgs.values())
    position = {org.id: index for index, org in enumerate(orgs)}
    shown = {pledge.member_id for pledge in scope.pledges.values() if pledge.member_id} if scope.counts is None \
        else set(scope.members)
    data = {"orgs": [[org.name, org.code] for org in orgs],
            "members": [[member.name, position[member.org_id], member.id] for member in scope.members.values()
                        if member.id in shown and member.org_id in position]}
    return "window.BOARD_INDEX=" + json.dumps(data, ensure_ascii=False, separators=(",", ":")) \
        .replace("</", "<\\/") + ";\n"


_KINDS = [kind.value for kind in Kind]


def _kind_order(kind: str) -> int:
    return _KINDS.index(kind) if kind in _KINDS else len(_KINDS)
