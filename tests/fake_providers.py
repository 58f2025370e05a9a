"""An in-process fake of the OpenAI Chat Completions and Anthropic Messages APIs.

Each answer has a fresh response id and fixed usage (cached tokens included); a request whose
last message says ``FAIL`` is answered with a 400 error, as the provider refuses a bad request.
``answered`` keeps what was returned, so a test compares aitower's figures with it.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

OPENAI_USAGE = {
    "prompt_tokens": 1234,
    "completion_tokens": 321,
    "total_tokens": 1555,
    "prompt_tokens_details": {"cached_tokens": 1024},
}
ANTHROPIC_USAGE = {
    "input_tokens": 210,
    "output_tokens": 87,
    "cache_read_input_tokens": 1800,
    "cache_creation_input_tokens": 300,
}


@dataclass
class Answered:
    """What the fake returned: one entry per request, in order."""

    calls: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.calls.append(entry)


def _handler(answered: Answered) -> type[BaseHTTPRequestHandler]:
    ids = itertools.count(1)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers["content-length"])))
            n = next(ids)
            last = request["messages"][-1]["content"]
            text = last if isinstance(last, str) else json.dumps(last)
            if "FAIL" in text:
                answered.add({"api": self.path, "model": request["model"], "error": True})
                self._send(400, _error(self.path))
                return
            if self.path.endswith("/chat/completions"):
                body = _chat_completion(n, request["model"])
                answered.add({"api": "openai", "model": request["model"], "usage": OPENAI_USAGE})
            else:
                body = _message(n, request["model"])
                answered.add(
                    {"api": "anthropic", "model": request["model"], "usage": ANTHROPIC_USAGE}
                )
            self._send(200, body)

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def _chat_completion(n: int, model: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-fake{n:04d}",
        "object": "chat.completion",
        "created": 1_780_000_000,
        "model": f"{model}-2024-07-18",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Your order ships today."},
                "finish_reason": "stop",
            }
        ],
        "usage": OPENAI_USAGE,
    }


def _message(n: int, model: str) -> dict[str, Any]:
    return {
        "id": f"msg_fake{n:04d}",
        "type": "message",
        "role": "assistant",
        "model": f"{model}-20250929",
        "content": [{"type": "text", "text": "Your order ships today."}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": ANTHROPIC_USAGE,
    }


def _error(path: str) -> dict[str, Any]:
    if path.endswith("/chat/completions"):
        return {"error": {"message": "bad request", "type": "invalid_request_error"}}
    return {"type": "error", "error": {"type": "invalid_request_error", "message": "bad"}}


@contextmanager
def fake_provider() -> Iterator[tuple[str, Answered]]:
    """Serve both APIs on a loopback port; yields the base URL and the record of answers."""
    answered = Answered()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(answered))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", answered
    finally:
        server.shutdown()
        server.server_close()
