"""Group robots (DingTalk, WeCom, or any webhook): one digest per robot per delivery pass,
split at the robot's size limit, signed when the contact has a secret, and paced.

A robot's address is the webhook URL stored as the contact (``pledges org set --webhook``).  A
signing secret (DingTalk's 加签) rides along as a fragment, ``…/robot/send?access_token=…#secret=SEC…``:
it is stripped before anything is sent or shown, and each post is signed with it.  The kind
of robot is read from the address:

| kind     | address                                              | body                                                         | limit per message |
|----------|------------------------------------------------------|--------------------------------------------------------------|-------------------|
| dingtalk | host ``*.dingtalk.com``, or the path ``/robot/send``  | ``{"msgtype": "markdown", "markdown": {"title", "text"}}``    | 16,000 bytes      |
| wecom    | host ``qyapi.weixin.qq.com``, or ``/cgi-bin/webhook/send`` | ``{"msgtype": "markdown", "markdown": {"content"}}``     | 4,096 bytes       |
| generic  | anything else                                        | ``{"msgtype": "markdown", "markdown": {"title", "text"}, "reminders": [{"id", "pledge", "rule", "text"}]}`` | 16,000 bytes |

DingTalk allows about 20,000 bytes and WeCom 4,096 (UTF-8) of markdown: the limits above leave
room for the envelope.  Both robots take about 20 messages a minute: ``Pacer`` keeps every
robot at ``per_minute`` posts in any 60 seconds, sleeping when it must.  A reply that is not
2xx, or a JSON reply whose ``errcode`` is not 0, is a failure."""

import json
import time
import unicodedata
import urllib.parse
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from pledges.contacts import forbidden_address, forbidden_host, split_secret

DINGTALK, WECOM, GENERIC = "dingtalk", "wecom", "generic"
LIMITS = {DINGTALK: 16_000, WECOM: 4_096, GENERIC: 16_000}
MARKDOWN_SPECIAL = set("\\`*_[]<>#|~")


def shown(address: str | None) -> str | None:
    """The address without its secret: what lists, attempts and messages show."""
    return None if address is None else split_secret(address)[0]


def kind_of(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.endswith("dingtalk.com") or parts.path == "/robot/send":
        return DINGTALK
    if host == "qyapi.weixin.qq.com" or parts.path == "/cgi-bin/webhook/send":
        return WECOM
    return GENERIC


def sign(url: str, secret: str, millis: int) -> str:
    """DingTalk's 加签: ``timestamp`` (ms) and ``sign`` = URL-encoded base64 of
    HMAC-SHA256(secret, "timestamp\\nsecret"), added to the query."""
    import base64
    import hashlib
    import hmac

    digest = hmac.new(secret.encode(), f"{millis}\n{secret}".encode(), hashlib.sha256).digest()
    signature = urllib.parse.quote_plus(base64.b64encode(digest).decode())
    return f"{url}{'&' if '?' in url else '?'}timestamp={millis}&sign={signature}"


def one_line(text: str) -> str:
    """Newlines, tabs and other control characters (escape sequences, bidi overrides…) become
    spaces: one line of text, shown rather than sent."""
    if text.isprintable():  # the usual case, and 20x faster than looking at each character
        return text
    return " ".join("".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text).split())


def markdown_text(text: str) -> str:
    """User text inside markdown: one line, with markdown's special characters escaped, so a
    title cannot become a link, a heading or a tag."""
    return "".join("\\" + ch if ch in MARKDOWN_SPECIAL else ch for ch in one_line(text))


def cut(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8, on a character boundary, with "…"."""
    if len(text.encode()) <= limit:
        return text
    return text.encode()[:max(limit - 3, 0)].decode(errors="ignore") + "…"


@dataclass(frozen=True)
class Robot:
    address: str  # as stored (may carry #secret=…)

    @property
    def url(self) -> str:
        return split_secret(self.address)[0]

    @property
    def kind(self) -> str:
        return kind_of(self.url)

    @property
    def limit(self) -> int:
        return LIMITS[self.kind]

    def body(self, title: str, text: str, items: list[dict]) -> dict:
        if self.kind == WECOM:
            return {"msgtype": "markdown", "markdown": {"content": text}}
        body = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
        if self.kind == GENERIC:
            body["reminders"] = items
        return body

    def post(self, body: dict, timeout: float, millis: int | None = None, allow_private: bool = False) -> None:
        """POST one message; raise on a refusal (HTTP error, or a JSON ``errcode`` other than 0),
        and, unless ``allow_private``, before connecting to an address that is not public: the
        host name is resolved here, at each post, and the connection goes to the address that
        was checked (a name that changes its answer, DNS rebinding, gains nothing)."""
        import urllib.request  # here: a run with no robot to post to does not import http and ssl

        url, secret = split_secret(self.address)
        if secret:
            url = sign(url, secret, millis if millis is not None else round(time.time() * 1000))
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(url, data=data, method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8"})
        with guarded_opener(allow_private).open(request, timeout=timeout) as response:
            answer = response.read()
        try:
            reply = json.loads(answer or b"{}")
        except ValueError:
            return
        if isinstance(reply, dict) and reply.get("errcode") not in (None, 0):
            raise RuntimeError(f"errcode {reply.get('errcode')}: {reply.get('errmsg')}")


class UnsafeAddress(OSError):
    """A webhook whose host is, or resolves to, a loopback, private, link-local or metadata address."""


def checked_connection(address: tuple, timeout=None, source_address=None):
    """``socket.create_connection`` that refuses a host that is or resolves to an address that is
    not public, and connects to the very address it checked."""
    import socket

    host, port = address
    why = forbidden_host(host)
    infos = [] if why else socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    for *_, sockaddr in infos:
        why = why or forbidden_address(sockaddr[0])
    if why:
        raise UnsafeAddress(f"webhook host {host} is not a public address ({why.removeprefix('webhook_')})")
    ip = infos[0][4][0]
    return socket.create_connection((ip, port), timeout, source_address)


def guarded_opener(allow_private: bool):
    """A urllib opener for robots: direct (no proxy from the environment), and unless
    ``allow_private`` every connection made by ``checked_connection``."""
    import http.client
    import urllib.request

    if allow_private:
        return urllib.request.build_opener(urllib.request.ProxyHandler({}))

    class Checked:
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._create_connection = checked_connection

    class CheckedHTTP(Checked, http.client.HTTPConnection):
        pass

    class CheckedHTTPS(Checked, http.client.HTTPSConnection):
        pass

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(CheckedHTTP, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(CheckedHTTPS, req, context=self._context)

    return urllib.request.build_opener(urllib.request.ProxyHandler({}), HTTPHandler(), HTTPSHandler())


@dataclass
class Digest:
    """One robot's reminders of one pass, as markdown lines; ``add`` hands back a full message's
    worth when the next line would not fit, so at most one message per robot is held."""

    robot: Robot
    heading: Callable[[int, int], str]  # (part, reminders in it) → the message's first line
    items: list = field(default_factory=list)  # (what the caller keeps, line, item for a generic body)
    size: int = 0
    part: int = 0
    ROOM = 200  # bytes kept for the heading

    def add(self, kept, line: str, item: dict) -> list | None:
        line = cut(line, self.robot.limit - self.ROOM)
        size = len(line.encode()) + 1
        full = None
        if self.items and self.size + size > self.robot.limit - self.ROOM:
            full = self.take()
        self.items.append((kept, line, item))
        self.size += size
        return full

    def take(self) -> list:
        """The held items (and forget them); ``message`` renders them."""
        taken, self.items, self.size = self.items, [], 0
        self.part += 1
        return taken

    def message(self, taken: list) -> tuple[str, str, list[dict]]:
        """(title, markdown text, items) of a message with the ``taken`` items."""
        title = self.heading(self.part, len(taken))
        text = "\n".join([f"#### {title}", *(f"- {line}" for _, line, _ in taken)])
        return title, text, [item for _, _, item in taken]


class Pacer:
    """At most ``per_minute`` posts to one robot in any 60 seconds.  ``clock`` and ``sleep`` are
    injected in tests, so nothing really waits."""

    def __init__(self, per_minute: int = 20, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.per_minute, self.clock, self.sleep = per_minute, clock, sleep
        self.sent: dict[str, deque] = {}

    def wait(self, robot: str) -> None:
        """Before a post to ``robot``: sleep until it may take one more."""
        times = self.sent.setdefault(robot, deque())
        now = self.clock()
        while times and now - times[0] >= 60:
            times.popleft()
        if len(times) >= self.per_minute:
            self.sleep(60 - (now - times[0]))
            now = self.clock()
            while times and now - times[0] >= 60:
                times.popleft()
        times.append(now)
