"""A fake OpenAI API on a loopback port: ``POST /v1/chat/completions`` with fixed usage.

The real ``openai`` client (and the instrumentations wrapped around it) talk to it as to the
real API; what it answered is what the tests expect aitower to have stored.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

USAGE = {"prompt_tokens": 1234, "completion_tokens": 321, "total_tokens": 1555}


class _ChatCompletions(BaseHTTPRequestHandler):
    """Answers ``POST /v1/chat/completions`` like the OpenAI API, with fixed usage."""

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["content-length"])))
        body = json.dumps(
            {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "created": 1_780_000_000,
                "model": f"{request['model']}-2024-08-06",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": "Your order ships today."},
                        "finish_reason": "stop",
                    }
                ],
                "usage": USAGE,
            }
        ).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake_openai() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ChatCompletions)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
