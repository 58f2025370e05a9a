"""Text that hides from a human reader: invisible Unicode and encoded blobs, decoded.

An injection need not be readable to work: models read Unicode tag characters (U+E0000–E007F,
"ASCII smuggling"), variation selectors that carry bytes, zero-width characters and base64 or
hex blobs that a reviewer skims past. This module finds those spans in the original text and
decodes what they hide, so that ``injection`` can check the hidden text with its phrase rules.
"""

from __future__ import annotations

import base64
import binascii
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass

# Characters a renderer shows as nothing. Soft hyphen (U+00AD) and LRM/RLM (U+200E/F) are left
# out: ordinary hyphenated and right-to-left text carries them.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e"
BIDI_OVERRIDES = "\u202d\u202e"  # LRO, RLO: reorder what is shown ("Trojan Source")
BIDI_EMBEDDINGS = "\u202a\u202b\u202c\u2066\u2067\u2068\u2069"
INVISIBLE = re.compile(
    f"[{ZERO_WIDTH}{BIDI_OVERRIDES}{BIDI_EMBEDDINGS}\U000e0000-\U000e007f"
    "\U000e0100-\U000e01ef\ufe00-\ufe0e]+"
)
_TAG_BASE = 0xE0000
_BLACK_FLAG = "\U0001f3f4"  # subdivision flags (England, Scotland) are spelled in tag characters

_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])")
_HEX = re.compile(
    r"(?<![0-9A-Fa-f])(?:(?:\\x|0x)?[0-9A-Fa-f]{2}[ :]?){10,}(?![0-9A-Fa-f])",
)
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2}){6,}")
_ESCAPES = re.compile(r"(?:\\u[0-9A-Fa-f]{4}){4,}")
_ASCII85 = re.compile(r"<~[!-u\s]{8,}?~>")


@dataclass(frozen=True, slots=True)
class Hidden:
    """A span of the original text and what it hides (``text`` may be empty)."""

    start: int
    end: int
    how: str  # "tag characters", "zero-width characters", "base64", …
    text: str
    confidence: float  # how suspicious the span is on its own, before its text is checked


def invisible_spans(text: str) -> Iterator[Hidden]:
    """Runs of invisible characters, each with the text it hides when it encodes one."""
    for match in INVISIBLE.finditer(text):
        hidden = _judge_run(text, match.start(), match.group())
        if hidden is not None:
            yield hidden


def _judge_run(text: str, start: int, run: str) -> Hidden | None:
    end = start + len(run)
    tags = "".join(chr(ord(c) - _TAG_BASE) for c in run if _TAG_BASE <= ord(c) <= 0xE007F)
    if tags:
        if start > 0 and text[start - 1] == _BLACK_FLAG and len(run) <= 7:
            return None  # a subdivision flag emoji
        shown = "".join(c for c in tags if c.isprintable())
        return Hidden(start, end, "Unicode tag characters", shown, 0.9)
    smuggled = _variation_selector_bytes(run)
    if smuggled is not None:
        return Hidden(start, end, "variation selectors carrying bytes", smuggled, 0.85)
    if any(c in BIDI_OVERRIDES for c in run):
        return Hidden(start, end, "bidirectional override characters", "", 0.6)
    if all(c in BIDI_EMBEDDINGS for c in run):
        return Hidden(start, end, "bidirectional embedding characters", "", 0.3)
    return _zero_width(text, start, run)


def _zero_width(text: str, start: int, run: str) -> Hidden | None:
    end = start + len(run)
    if run == "\ufeff" and start == 0:
        return None  # a byte-order mark
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if len(run) == 1 and run in "\u200c\u200d" and not (before.isascii() or after.isascii()):
        return None  # joiners inside emoji sequences and Indic, Arabic or Persian words
    if len(run) >= 8:
        decoded = _zero_width_bits(run)
        if decoded:
            return Hidden(start, end, "zero-width characters encoding bits", decoded, 0.9)
    inside_word = before.isalnum() and after.isalnum()
    return Hidden(start, end, "zero-width characters", "", 0.5 if inside_word else 0.3)


def _variation_selector_bytes(run: str) -> str | None:
    """Bytes smuggled as variation selectors (VS1–16 are 0–15, VS17–256 are 16–255)."""
    values = []
    for c in run:
        code = ord(c)
        if 0xFE00 <= code <= 0xFE0F:
            values.append(code - 0xFE00)
        elif 0xE0100 <= code <= 0xE01EF:
            values.append(code - 0xE0100 + 16)
    if len(values) < 2 or len(values) != len(run):
        return None
    return _printable(bytes(values))


def _zero_width_bits(run: str) -> str | None:
    """Two distinct zero-width characters read as 0 and 1, eight to a byte."""
    symbols = sorted(set(run))
    if len(symbols) != 2 or len(run) % 8:
        return None
    for zero in symbols:
        bits = "".join("0" if c == zero else "1" for c in run)
        data = bytes(int(bits[i : i + 8], 2) for i in range(0, len(bits), 8))
        shown = _printable(data)
        if shown:
            return shown
    return None


def encoded_spans(text: str) -> Iterator[Hidden]:
    """Base64, hex, percent-encoded, \\u-escaped and Ascii85 blobs that decode to readable text.

    Each pattern runs only when the text holds what it needs (a token of 16 characters or
    more, "%", "\\u", "<~"), so that ordinary prose pays a split and a few substring tests.
    """
    long_token = max(map(len, text.split()), default=0) >= 16
    for pattern, how, decode, needed in (
        (_BASE64, "base64", _from_base64, long_token),
        (_HEX, "hex", _from_hex, long_token or "\\x" in text),
        (_PERCENT, "percent-encoding", _from_percent, "%" in text),
        (_ESCAPES, "\\u escapes", _from_escapes, "\\u" in text),
        (_ASCII85, "Ascii85", _from_ascii85, "<~" in text),
    ):
        if not needed:
            continue
        for match in pattern.finditer(text):
            decoded = decode(match.group())
            if decoded:
                yield Hidden(match.start(), match.end(), how, decoded, 0.0)


def _from_base64(blob: str) -> str | None:
    if blob.isalpha() or blob.isdigit():
        return None  # a long word or number, not base64
    core = blob.rstrip("=")
    if len(core) % 4 == 1:
        return None
    altchars = b"-_" if ("-" in core or "_" in core) else None
    try:
        data = base64.b64decode(core + "=" * (-len(core) % 4), altchars)
    except (binascii.Error, ValueError):
        return None
    return _printable(data)


def _from_hex(blob: str) -> str | None:
    digits = re.sub(r"\\x|0x|[ :]", "", blob)
    try:
        return _printable(bytes.fromhex(digits))
    except ValueError:
        return None


def _from_percent(blob: str) -> str | None:
    return _printable(urllib.parse.unquote_to_bytes(blob))


def _from_escapes(blob: str) -> str | None:
    return _printable("".join(chr(int(blob[i + 2 : i + 6], 16)) for i in range(0, len(blob), 6)).encode())


def _from_ascii85(blob: str) -> str | None:
    try:
        return _printable(base64.a85decode(blob, adobe=True))
    except ValueError:
        return None


def _printable(data: bytes) -> str | None:
    """The bytes as text when they are mostly readable UTF-8 with some letters, else None."""
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if len(decoded) < 4:
        return None
    readable = sum(c.isprintable() or c in "\n\t" for c in decoded)
    letters = sum(c.isalpha() for c in decoded)
    if readable < 0.95 * len(decoded) or letters < 0.5 * len(decoded):
        return None
    return decoded
