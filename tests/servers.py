"""Real local servers for the reminder tests: an SMTP server (aiosmtpd) and an HTTP server
that plays a DingTalk/WeCom group robot, answering with a scripted list of status codes, and
checking DingTalk's signature (加签) when it has a secret."""

import base64
import hashlib
import hmac
import json
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailBox:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


class Robot(ThreadingHTTPServer):
    """A webhook receiver.  ``answers`` are the status codes of the next requests (200 after
    them); every request body is kept in ``received`` (with the status it was answered) and its
    query in ``queries``.  With a ``secret``, a request whose ``timestamp``/``sign`` do not
    match it is answered as DingTalk does (200, errcode 310000).  While ``hold`` is cleared,
    requests wait (a robot that hangs)."""

    def __init__(self, answers=(), secret: str | None = None):
        self.answers = list(answers)
        self.secret = secret
        self.received: list[tuple[int, dict]] = []
        self.queries: list[dict] = []
        self.lock = threading.Lock()
        self.hold = threading.Event()
        self.hold.set()
        self.arrived = threading.Event()  # set by the first request
        self.requests = 0  # counted as they arrive, before ``hold``
        super().__init__(("127.0.0.1", 0), _RobotHandler)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def url(self) -> str:
        """A DingTalk robot's address (the path says which kind of robot it is)."""
        return f"{self.base}/robot/send?access_token=t"

    @property
    def wecom_url(self) -> str:
        return f"{self.base}/cgi-bin/webhook/send?key=k"

    @property
    def generic_url(self) -> str:
        return f"{self.base}/hooks/pledges"

    def accepted(self) -> list[dict]:
        return [body for status, body in self.received if status == 200]

    def signed_correctly(self, query: dict) -> bool:
        timestamp, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
        expected = base64.b64encode(hmac.new(self.secret.encode(), f"{timestamp}\n{self.secret}".encode(),
                                             hashlib.sha256).digest()).decode()
        return bool(timestamp) and hmac.compare_digest(sign, expected)  # parse_qs has URL-decoded it


class _RobotHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        with self.server.lock:
            self.server.requests += 1
        self.server.arrived.set()
        self.server.hold.wait()
        with self.server.lock:
            status = self.server.answers.pop(0) if self.server.answers else 200
            self.server.queries.append(query)
            if status == 200 and self.server.secret and not self.server.signed_correctly(query):
                reply = {"errcode": 310000, "errmsg": "sign not match"}
                self.server.received.append((-1, body))  # answered 200, but refused
            else:
                reply = {"errcode": 0, "errmsg": "ok"} if status == 200 else {"errcode": 500}
                self.server.received.append((status, body))
        reply = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        try:
            self.wfile.write(reply)
        except BrokenPipeError:  # the deliverer was killed mid-post (the kill -9 test): nobody to answer
            pass

    def log_message(self, *args):
        pass


def start_robot(answers=(), secret: str | None = None) -> Robot:
    robot = Robot(answers, secret)
    threading.Thread(target=robot.serve_forever, daemon=True).start()
    return robot
