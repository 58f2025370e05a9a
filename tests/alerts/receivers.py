"""Real peers on loopback: an HTTP webhook receiver and a tiny SMTP server, each in a thread.

The SMTP server speaks just enough of RFC 5321 (EHLO/HELO, MAIL, RCPT, DATA, QUIT, RSET,
NOOP) for ``smtplib`` to deliver a message.
"""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    url: str
    received: list[Received] = field(default_factory=list)
    fail_first: int = 0  # answer 503 to this many requests first

    def answer_code(self) -> int:
        if self.fail_first > 0:
            self.fail_first -= 1
            return 503
        return 200


@contextmanager
def webhook_receiver(fail_first: int = 0) -> Iterator[WebhookReceiver]:
    state = WebhookReceiver(url="", fail_first=fail_first)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                code = state.answer_code()
                if code == 200:
                    state.received.append(Received(dict(self.headers.items()), body))
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list[tuple[str, list[str], Message]] = field(default_factory=list)


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    state = SmtpServer("127.0.0.1", 0)

    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write(line.encode() + b"\r\n")

        def handle(self) -> None:
            self.reply("220 test ESMTP")
            sender, rcpts = "", []
            while raw := self.rfile.readline():
                verb = raw.decode().strip().split(" ", 1)[0].upper()
                arg = raw.decode().strip()[len(verb) :].strip()
                if verb in ("EHLO", "HELO"):
                    self.reply("250 test")
                elif verb == "MAIL":
                    sender, rcpts = arg.split(":", 1)[1].strip("<> "), []
                    self.reply("250 OK")
                elif verb == "RCPT":
                    rcpts.append(arg.split(":", 1)[1].strip("<> "))
                    self.reply("250 OK")
                elif verb == "DATA":
                    self.reply("354 end with .")
                    lines = []
                    while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                        lines.append(line[1:] if line.startswith(b"..") else line)
                    state.messages.append((sender, rcpts, message_from_bytes(b"".join(lines))))
                    self.reply("250 queued")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("250 OK")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
