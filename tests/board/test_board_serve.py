"""``pledges board serve``: the live board (uvicorn on a free port, on SQLite and PostgreSQL):
the rating form's round trip through moderation into 满意率, the rate limits, the CSRF refusal,
and hostile titles and comments shown as text."""

import re
import threading
import time
from datetime import timedelta

import httpx
import pytest
import uvicorn
from sqlalchemy import select

from board_support import HOSTILE_TITLE
from pledges.board.render import Site
from pledges.board.web import make_app
from pledges.models import AuditEvent, Rating
from pledges.workflows import public_ratings
from servers import free_port

COMMENT = "<script>alert('评论')</script><a href=//evil.example>点我</a>"


@pytest.fixture
def board(ledger, make_pledge):
    """The live board of a ledger with two pledges on display (one with a hostile title) and a
    draft, served by uvicorn in a thread; yields (base URL, pledge ids)."""
    ids = {"hostile": make_pledge("in_progress", title=HOSTILE_TITLE), "plain": make_pledge("displayed"),
           "other": make_pledge("fulfilled"), "draft": make_pledge("draft")}
    app = make_app(ledger, Site(base_url="http://board.test/"), cache_seconds=0)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{server.config.port}", ids
    server.should_exit = True
    thread.join(10)


def form_token(client: httpx.Client, base: str, pledge_id: int) -> str:
    page = client.get(f"{base}/p/{pledge_id}.html")
    assert page.status_code == 200 and "board_csrf" in page.cookies
    return re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text).group(1)


def ratings(ledger) -> list[Rating]:
    with ledger.session() as session:
        return list(session.scalars(select(Rating).order_by(Rating.id)))


def test_a_rating_waits_for_moderation_then_counts(board, ledger, pledges):
    base, ids = board
    with httpx.Client() as client:
        token = form_token(client, base, ids["hostile"])
        sent = client.post(f"{base}/p/{ids['hostile']}/rate", data={"csrf": token, "grade": "satisfied",
                                                                    "comment": COMMENT})
        assert sent.status_code == 303 and sent.headers["location"] == f"/p/{ids['hostile']}.html?sent=1"
        assert "谢谢" in client.get(base + sent.headers["location"]).text
    [rating] = ratings(ledger)
    assert (rating.status, rating.rater_group, rating.grade, rating.source, rating.comment) == (
        "pending", "public", "satisfied", "board", COMMENT)
    assert rating.origin and "127.0.0.1" not in rating.origin and rating.actor == "群众"
    page = httpx.get(f"{base}/p/{ids['hostile']}.html").text
    assert "群众满意率" not in page and "点我" not in page  # pending: neither counted nor shown

    listed = pledges("board", "moderate")
    assert listed.exit_code == 0 and f"#{ids['hostile']}" in listed.stdout and "<script>alert('评论')" in listed.stdout
    approved = pledges("board", "moderate", "--approve", rating.id)
    assert approved.exit_code == 0 and approved.stdout.strip() == f"已通过 1 条群众评价：{rating.id}"
    assert ratings(ledger)[0].status == "approved" and ratings(ledger)[0].moderated_by == "测试书记"
    with ledger.session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.entity == "rating"))
    assert (event.trigger, event.from_state, event.to_state, event.entity_id) == ("moderate", "pending", "approved",
                                                                                  rating.id)
    again = pledges("board", "moderate", "--reject", rating.id)
    assert again.exit_code == 1 and "已是通过" in again.stderr

    page = httpx.get(f"{base}/p/{ids['hostile']}.html").text
    assert "群众满意率" in page and "100%（满意 1，基本满意 0，不满意 0；1 份评价）" in page
    assert "<script>alert('评论')" not in page and "&lt;script&gt;alert(&#39;评论&#39;)&lt;/script&gt;" in page
    assert "<a href=//evil" not in page
    assert "<script>alert(\"标题\")" not in page and "&lt;script&gt;alert(&#34;标题&#34;)" in page
    branch = httpx.get(f"{base}/o/DX-V1.html").text
    assert "群众满意率 100%" in branch and "<script>alert" not in branch
    assert 'href="../o/DX.html"' in branch  # the link up to the town


def test_a_post_without_the_forms_token_is_refused(board, ledger):
    base, ids = board
    url = f"{base}/p/{ids['plain']}/rate"
    cross_site = httpx.post(url, data={"grade": "unsatisfied"}, headers={"Origin": "https://evil.example"})
    assert cross_site.status_code == 403 and "表单已过期或来自其他网站" in cross_site.text
    with httpx.Client() as client:
        token = form_token(client, base, ids["plain"])
        forged = client.post(url, data={"csrf": "0" * 64, "grade": "unsatisfied"})
        assert forged.status_code == 403
        stolen = httpx.post(url, data={"csrf": token, "grade": "unsatisfied"})  # the token without its cookie
        assert stolen.status_code == 403
    assert ratings(ledger) == []


def test_rate_limits_per_address_and_per_pledge(board, ledger, monkeypatch, clock):
    base, ids = board
    monkeypatch.setattr(public_ratings, "PER_ADDRESS", (2, timedelta(hours=1)))
    with httpx.Client() as client:
        token = form_token(client, base, ids["plain"])

        def send(pledge_id, grade="fair"):
            return client.post(f"{base}/p/{pledge_id}/rate", data={"csrf": token, "grade": grade})

        assert send(ids["plain"]).status_code == 303
        twice = send(ids["plain"], "unsatisfied")
        assert twice.status_code == 429 and "您今天已评价过这项承诺" in twice.text
        assert send(ids["hostile"]).status_code == 303
        over = send(ids["other"])
        assert over.status_code == 429 and "提交太频繁" in over.text
        clock.advance(days=2)
        assert send(ids["plain"]).status_code == 303  # two days later, once more
        assert send(ids["draft"]).status_code == 404 and send(ids["plain"], "great").status_code in (400, 429)
    assert [(r.pledge_id, r.grade) for r in ratings(ledger)] == [(ids["plain"], "fair"), (ids["hostile"], "fair"),
                                                                  (ids["plain"], "fair")]
    monkeypatch.setattr(public_ratings, "PER_PLEDGE", (1, timedelta(hours=1)))
    with pytest.raises(public_ratings.RatingRefused) as refused:
        public_ratings.rate(ledger, ids["plain"], "fair", None, "another-address")
    assert refused.value.key == "rating_limit_pledge"
    clock.advance(hours=2)
    public_ratings.rate(ledger, ids["plain"], "fair", None, "another-address")


def test_pages_of_unknown_or_undisplayed_pledges_are_not_found(board):
    base, ids = board
    assert httpx.get(f"{base}/p/{ids['draft']}.html").status_code == 404
    assert httpx.get(f"{base}/o/NOPE.html").status_code == 404
    assert httpx.get(f"{base}/").status_code == 200 and httpx.get(f"{base}/search-index.js").status_code == 200
    plaques = httpx.get(f"{base}/print/plaques-DX-V1.html")
    assert plaques.status_code == 200
