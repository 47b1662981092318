"""Real local servers for the reminder tests: an SMTP server (aiosmtpd) and an HTTP server
that plays a DingTalk/WeCom group robot, answering with a scripted list of status codes."""

import json
import socket
import threading
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
    them); every request body is kept in ``received`` (with the status it was answered)."""

    def __init__(self, answers=()):
        self.answers = list(answers)
        self.received: list[tuple[int, dict]] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _RobotHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/robot/send?access_token=t"

    def accepted(self) -> list[dict]:
        return [body for status, body in self.received if status == 200]


class _RobotHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
        with self.server.lock:
            status = self.server.answers.pop(0) if self.server.answers else 200
            self.server.received.append((status, body))
        reply = json.dumps({"errcode": 0, "errmsg": "ok"} if status == 200 else {"errcode": 500}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


def start_robot(answers=()) -> Robot:
    robot = Robot(answers)
    threading.Thread(target=robot.serve_forever, daemon=True).start()
    return robot
