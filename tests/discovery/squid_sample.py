"""A small Squid access.log written for these tests, timed from a given moment: six lines, four
to AI services (alice twice to ChatGPT, bob to Claude, carol to the OpenAI API), one to a site
that is no AI service, one malformed."""

from __future__ import annotations

from datetime import datetime, timedelta


def squid_log(end: datetime) -> str:
    """The log's lines end an hour before ``end`` (its first line is at ``end`` - 2 h)."""
    start = (end - timedelta(hours=2)).timestamp()
    rows = [
        (0, "10.20.1.15 TCP_TUNNEL/200 48213 CONNECT chatgpt.com:443 alice"),
        (60, "10.20.1.15 TCP_TUNNEL/200 9120 CONNECT chatgpt.com:443 alice"),
        (120, "10.20.2.31 TCP_TUNNEL/200 800 CONNECT claude.ai:443 bob"),
        (180, "10.20.3.7 TCP_TUNNEL/200 700 CONNECT api.openai.com:443 carol"),
        (240, "10.20.3.7 TCP_TUNNEL/200 700 CONNECT www.example.org:443 carol"),
    ]
    lines = [f"{start + s:.3f}    312 {rest} HIER_DIRECT/203.0.113.9 -" for s, rest in rows]
    lines.insert(3, "this line is not squid at all")
    return "\n".join(lines) + "\n"
