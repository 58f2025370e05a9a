"""The line formats a log scan reads: Squid's native ``access.log``, CSV and JSON Lines with
a column mapping. Pure (the standard library, orjson).

A format says two things. ``shape``: an RE2 pattern every well-formed line matches, run over
whole blocks by Arrow (a line that fails it is malformed). ``read``: the records of the few
lines that may go to an AI service, in plain Python, or the reason a line cannot be read.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import orjson

from aitower.discovery.logscan_fields import (
    ColumnMapping,
    Record,
    host_and_path,
    record_of,
    user_name,
)

# time elapsed client action/code bytes method URL ident hierarchy/from type; Squid pads
# elapsed to six characters, and a line may end with \r (a log copied through Windows).
SQUID_SHAPE = (
    r"^\n[ \t]*\d+(?:\.\d+)?[ \t]+-?\d+[ \t]+\S+[ \t]+\S+/\d+[ \t]+\d+"
    r"(?:[ \t]+\S+){5}[ \t\r]*$"
)
JSONL_SHAPE = r"^\n[ \t]*\{.*\}[ \t\r]*$"


@dataclass(frozen=True, slots=True)
class LineFormat:
    """How to check and read the lines of one format."""

    name: str
    title: str
    shape: str
    sent_known: bool
    received_known: bool

    def read(self, lines: Sequence[bytes]) -> list[Record | str]:
        raise NotImplementedError

    def why_malformed(self, line: bytes) -> str:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class SquidFormat(LineFormat):
    """Squid's native access.log: ``bytes`` is the reply to the client, the only size it
    logs, so the data sent is unknown (a custom ``logformat`` with ``%>st`` has it: read such
    a log as CSV with a mapping)."""

    def read(self, lines: Sequence[bytes]) -> list[Record | str]:
        found: list[Record | str] = []
        # The same URLs (a CONNECT's host:443) and users recur: decode each once a block.
        places: dict[tuple[bytes, bytes], tuple[str, str]] = {}
        users: dict[bytes, str] = {}
        for line in lines:
            parts = line.split()
            place = places.get((parts[5], parts[6]))
            if place is None:
                place = places[parts[5], parts[6]] = _squid_place(parts[5], parts[6])
            if not place[0]:
                found.append("URL has no host")
                continue
            user = users.get(parts[7])
            if user is None:
                user = users[parts[7]] = user_name(parts[7].decode("utf-8", "replace"))
            client = parts[2].decode("utf-8", "replace")
            seen, received = float(parts[0]), int(parts[4])
            found.append(Record(place[0], place[1], seen, user, client, "", 0, received))
        return found

    def why_malformed(self, line: bytes) -> str:
        parts = line.split()
        if len(parts) != 10:
            return f"expected 10 fields (Squid native format), found {len(parts)}"
        names = ("time", "elapsed", "", "", "bytes")
        for index, name in enumerate(names):
            if name and not re.fullmatch(rb"-?\d+(?:\.\d+)?", parts[index]):
                return f"{name} is not a number: {parts[index][:40].decode('latin-1')!r}"
        if not re.fullmatch(rb"\S+/\d+", parts[3]):
            return f"action/code is not ACTION/NNN: {parts[3][:40].decode('latin-1')!r}"
        return "not a Squid native access.log line"


@dataclass(frozen=True, slots=True)
class CsvFormat(LineFormat):
    """Delimited text, one record a line (values may be quoted; not span lines): the
    columns named by a header line or by a gateway's documented layout."""

    mapping: ColumnMapping = field(default=ColumnMapping(timestamp="time", host="host"))
    positions: dict[str, int] = field(default_factory=dict)  # mapped field -> column index
    delimiter: str = ","
    columns: int = 0  # how many columns a line has (at least, when open_ended)

    def read(self, lines: Sequence[bytes]) -> list[Record | str]:
        texts = [line.decode("utf-8", "replace") for line in lines]
        found: list[Record | str] = []
        for row in csv.reader(texts, delimiter=self.delimiter):
            if len(row) < self.columns:
                found.append(f"expected {self.columns} columns, found {len(row)}")
                continue
            values: dict[str, object] = {n: row[i] for n, i in self.positions.items()}
            found.append(_record_or_reason(self.mapping, values))
        return found

    def why_malformed(self, line: bytes) -> str:
        text = line.decode("utf-8", "replace")
        rows = list(csv.reader([text], delimiter=self.delimiter))
        count = len(rows[0]) if rows else 0
        return f"expected {self.columns} columns, found {count} (or a broken quote)"


@dataclass(frozen=True, slots=True)
class JsonLinesFormat(LineFormat):
    """One JSON object a line; mapped keys may reach into objects (``client.ip``)."""

    mapping: ColumnMapping = field(default=ColumnMapping(timestamp="time", host="host"))

    def read(self, lines: Sequence[bytes]) -> list[Record | str]:
        found: list[Record | str] = []
        columns = self.mapping.columns()
        for line in lines:
            try:
                document = orjson.loads(line)
            except orjson.JSONDecodeError as error:
                found.append(f"not JSON: {error}")
                continue
            if not isinstance(document, dict):
                found.append("not a JSON object")
                continue
            values = {name: _reach(document, key) for name, key in columns.items()}
            found.append(_record_or_reason(self.mapping, values))
        return found

    def why_malformed(self, line: bytes) -> str:
        try:
            orjson.loads(line)
        except orjson.JSONDecodeError as error:
            return f"not JSON: {error}"
        return "not one JSON object on the line"


def _squid_place(method: bytes, url: bytes) -> tuple[str, str]:
    """Host and path of a Squid URL; a CONNECT's ``host:port`` has no path."""
    text = url.decode("utf-8", "replace")
    if method == b"CONNECT":
        return text.rpartition(":")[0] or text, ""
    return host_and_path(text)


def _reach(document: dict[str, object], key: str) -> object:
    if key in document:
        return document[key]
    value: object = document
    for part in key.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _record_or_reason(mapping: ColumnMapping, values: dict[str, object]) -> Record | str:
    try:
        return record_of(mapping, values)
    except ValueError as error:
        return str(error)


def csv_shape(delimiter: str, columns: int, *, open_ended: bool) -> str:
    """An RE2 pattern of a line of ``columns`` delimited values (quoted or not)."""
    sep = re.escape(delimiter)
    value = f'(?:"(?:[^"]|"")*"|[^{sep}"\\r\\n]*)'
    repeat = f"{{{columns - 1},}}" if open_ended else f"{{{columns - 1}}}"
    return f"^\\n[ \\t]*{value}(?:{sep}{value}){repeat}\\r?$"


SQUID = SquidFormat("squid", "Squid access.log (native format)", SQUID_SHAPE, False, True)
