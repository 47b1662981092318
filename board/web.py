"""``pledges board serve``: the board's pages live from the ledger (Starlette, uvicorn).

Read-only except the rating form of each pledge page, which stores a pending public rating
(``pledges.workflows.public_ratings``).  The form is protected against cross-site requests by a
signed double-submit token: a random token in a ``SameSite=Strict`` cookie, and its HMAC under
the ledger's board secret in the form; a POST without both, or with a token that does not
match, is refused with 403.  Pages are cached for ``cache_seconds`` (the figures of a notice
board may be a few seconds old; a branch page then costs no query)."""

import hmac
import secrets
import time
from hashlib import sha256

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from pledges import i18n
from pledges.db import Ledger
from pledges.errors import NotFound, PledgeError, RatingRefused
from pledges.models import Meta
from pledges.public import org_of_pledge, read_scope
from pledges.board.qr import qr_svg
from pledges.board.render import STATIC, Pages, Site, search_index
from pledges.workflows.public_ratings import origin_of, rate

COOKIE = "board_csrf"
CSRF_SLOT = "\x00csrf\x00"  # where a cached pledge page takes the reader's own form token
SECRET_KEY = "board_secret"
LIMITED = {"rating_limit_address", "rating_limit_twice", "rating_limit_pledge"}


def board_secret(ledger: Ledger) -> bytes:
    """The ledger's key for form tokens and address hashes, made on first use and kept in ``meta``
    (so every server process of the ledger, and a restarted one, agree)."""
    with ledger.session() as session:
        row = session.get(Meta, SECRET_KEY)
        if row is None:
            row = Meta(key=SECRET_KEY, value=secrets.token_hex(32))
            session.add(row)
        return bytes.fromhex(row.value)


class Cache:
    def __init__(self, seconds: float):
        self.seconds, self.pages = seconds, {}

    def get(self, key, make):
        hit = self.pages.get(key)
        now = time.monotonic()
        if hit is not None and hit[0] > now:
            return hit[1]
        value = make()
        if self.seconds > 0:
            self.pages[key] = (now + self.seconds, value)
        return value


def make_app(ledger: Ledger, site: Site | None = None, cache_seconds: float = 5.0) -> Starlette:
    site = site or Site()
    site.live = True
    pages, cache, secret = Pages(site), Cache(cache_seconds), board_secret(ledger)
    lang = site.lang

    def html(text: str, status: int = 200) -> HTMLResponse:
        return HTMLResponse(text, status_code=status)

    def not_found() -> HTMLResponse:
        return html("<!doctype html><html lang=\"en\"><title>404</title><main><h1>404</h1></main></html>", 404)

    def index(request: Request):
        return html(cache.get("index", lambda: pages.index(read_scope(ledger, pledges=False))))

    def search(request: Request):
        return html(cache.get("search", lambda: pages.search(read_scope(ledger, pledges=False))))

    def search_script(request: Request):
        text = cache.get("search-index", lambda: search_index(read_scope(ledger, pledges=False)))
        return Response(text, media_type="text/javascript")

    def org_page(request: Request):
        code, kind = request.path_params["code"], request.path_params["page"]
        try:
            return html(cache.get(("org", kind, code), lambda: _org_page(code, kind)))
        except NotFound:
            return not_found()

    def _org_page(code: str, kind: str) -> str:
        scope = read_scope(ledger, code, narrow=True)
        org = scope.orgs[scope.root_id]
        if kind == "notice":
            return pages.notice(scope, org)
        if kind == "plaques":
            return pages.plaques(scope, org, qr_svg)
        return pages.org(scope, org)

    def pledge_page(request: Request, notice: str | None = None, status: int = 200, token: str | None = None):
        pledge_id = request.path_params["pledge_id"]
        text = cache.get(("pledge", pledge_id), lambda: _pledge_page(pledge_id))
        if text is None:
            return not_found()
        if request.query_params.get("sent") == "1" and notice is None:
            notice = i18n.word("board_thanks", lang)
        if notice:
            text = text.replace("<h2>", f'<p class="notice" role="status">{_escape(notice)}</p>\n<h2>', 1)
        token = token or request.cookies.get(COOKIE) or secrets.token_urlsafe(24)
        response = html(text.replace(CSRF_SLOT, _sign(secret, token)), status)
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", max_age=86400)
        response.headers["Cache-Control"] = "no-store"
        return response

    def _pledge_page(pledge_id: int) -> str | None:
        code = org_of_pledge(ledger, pledge_id)
        if code is None:
            return None
        scope = read_scope(ledger, code, narrow=True, pledge_ids=[pledge_id])
        return pages.pledge(scope, scope.pledges[pledge_id], csrf=CSRF_SLOT)

    async def rate_pledge(request: Request):
        pledge_id = request.path_params["pledge_id"]
        form = await request.form()
        token = request.cookies.get(COOKIE, "")
        if not token or not hmac.compare_digest(_sign(secret, token), str(form.get("csrf", ""))):
            return pledge_page(request, i18n.text("board_csrf", lang), 403)
        address = request.client.host if request.client else "unknown"
        try:
            rate(ledger, pledge_id, str(form.get("grade", "")), str(form.get("comment", "")),
                 origin_of(secret, address))
        except RatingRefused as err:
            return pledge_page(request, err.message(lang), 429 if err.key in LIMITED else 400, token)
        except PledgeError as err:
            return pledge_page(request, err.message(lang), 400, token)
        return RedirectResponse(f"/p/{pledge_id}.html?sent=1", status_code=303)

    routes = [
        Route("/", index), Route("/index.html", index), Route("/search.html", search),
        Route("/search-index.js", search_script),
        Route("/o/{code}.html", lambda request: org_page(_with(request, page="org"))),
        Route("/print/notice-{code}.html", lambda request: org_page(_with(request, page="notice"))),
        Route("/print/plaques-{code}.html", lambda request: org_page(_with(request, page="plaques"))),
        Route("/p/{pledge_id:int}.html", pledge_page),
        Route("/p/{pledge_id:int}/rate", rate_pledge, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(routes=routes)


def _with(request: Request, **params) -> Request:
    request.path_params.update(params)
    return request


def _sign(secret: bytes, token: str) -> str:
    return hmac.new(secret, b"csrf:" + token.encode("utf-8"), sha256).hexdigest()


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def serve(ledger: Ledger, host: str, port: int, site: Site | None = None, cache_seconds: float = 5.0) -> None:
    import uvicorn

    uvicorn.run(make_app(ledger, site, cache_seconds), host=host, port=port, log_level="warning",
                proxy_headers=False, timeout_keep_alive=30)
