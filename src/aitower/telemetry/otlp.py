"""Reading OTLP/HTTP trace export bodies: decompression, protobuf and JSON decoding.

The endpoint calls ``decompress`` with the ``Content-Encoding`` header, then
``decode_protobuf`` or ``decode_json`` by ``Content-Type``. Errors map to the answers the
OTLP/HTTP specification (1.x) gives a client: ``BadPayload`` -> 400 (not retryable),
``PayloadTooLarge`` -> 413, ``UnsupportedEncoding`` -> 415. Spans that decode but cannot be
stored come back as ``RejectedSpan``s in the ``DecodeResult``, for the partial-success answer.
"""

from __future__ import annotations

import zlib
from datetime import datetime

from aitower.telemetry import otlp_json, otlp_protobuf
from aitower.telemetry.otlp_checks import (
    DEFAULT_LIMITS,
    FUTURE_TOLERANCE_NANO,
    BadPayload,
    DecodeLimits,
    PayloadTooLarge,
    UnsupportedEncoding,
    now_unix_nano,
)
from aitower.telemetry.records import DecodeResult

__all__ = [
    "DEFAULT_LIMITS",
    "BadPayload",
    "DecodeLimits",
    "PayloadTooLarge",
    "UnsupportedEncoding",
    "decode_json",
    "decode_protobuf",
    "decompress",
]

_GZIP_WBITS = 16 + zlib.MAX_WBITS
_ZLIB_WBITS = zlib.MAX_WBITS
_RAW_DEFLATE_WBITS = -zlib.MAX_WBITS


def decode_protobuf(
    body: bytes, *, now: datetime | None = None, limits: DecodeLimits = DEFAULT_LIMITS
) -> DecodeResult:
    """Decode an ``application/x-protobuf`` ExportTraceServiceRequest.

    ``now`` (default: the clock) bounds how far in the future a span may end.
    """
    latest = now_unix_nano(now) + FUTURE_TOLERANCE_NANO
    return otlp_protobuf.decode_request(body, latest, limits)


def decode_json(
    body: bytes, *, now: datetime | None = None, limits: DecodeLimits = DEFAULT_LIMITS
) -> DecodeResult:
    """Decode an ``application/json`` ExportTraceServiceRequest (the OTLP/JSON mapping)."""
    latest = now_unix_nano(now) + FUTURE_TOLERANCE_NANO
    return otlp_json.decode_request(body, latest, limits)


def decompress(
    body: bytes, content_encoding: str | None, *, max_bytes: int = DEFAULT_LIMITS.max_body_bytes
) -> bytes:
    """The body as sent, before ``Content-Encoding``; never more than ``max_bytes``.

    ``deflate`` is accepted zlib-wrapped (RFC 9110 says so) and raw (what some clients send),
    told apart by the zlib header. Output is produced at most ``max_bytes + 1`` at a time, so
    a zip bomb costs that much memory before it is refused, not its expanded size.
    """
    encoding = (content_encoding or "").strip().lower()
    if encoding in ("", "identity"):
        if len(body) > max_bytes:
            raise PayloadTooLarge(f"body is larger than {max_bytes} bytes")
        return body
    if encoding in ("gzip", "x-gzip"):
        wbits = _GZIP_WBITS
    elif encoding == "deflate":
        wbits = _ZLIB_WBITS if _has_zlib_header(body) else _RAW_DEFLATE_WBITS
    else:
        raise UnsupportedEncoding(f"unsupported Content-Encoding {encoding!r}")
    return _inflate(body, wbits, max_bytes)


def _has_zlib_header(body: bytes) -> bool:
    # RFC 1950: CM = 8 (deflate) in the low nibble of CMF, and CMF*256 + FLG divisible by 31.
    return len(body) >= 2 and body[0] & 0x0F == 8 and (body[0] << 8 | body[1]) % 31 == 0


def _inflate(body: bytes, wbits: int, max_bytes: int) -> bytes:
    parts: list[bytes] = []
    size = 0
    remaining = body
    while True:
        inflater = zlib.decompressobj(wbits)
        try:
            chunk = inflater.decompress(remaining, max_bytes - size + 1)
        except zlib.error as exc:
            raise BadPayload(f"body is not valid {_name(wbits)} data: {exc}") from exc
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge(f"decompressed body is larger than {max_bytes} bytes")
        parts.append(chunk)
        if not inflater.eof:
            raise BadPayload(f"{_name(wbits)} data is truncated")
        remaining = inflater.unused_data
        # gzip allows several members back to back; anything else after the end is garbage.
        if not remaining or wbits != _GZIP_WBITS:
            if remaining:
                raise BadPayload(f"unexpected bytes after the end of the {_name(wbits)} data")
            return b"".join(parts) if len(parts) > 1 else parts[0]


def _name(wbits: int) -> str:
    return "gzip" if wbits == _GZIP_WBITS else "deflate"
