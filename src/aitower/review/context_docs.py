"""The context documents of a span: what a retriever handed the model, from the stored
content's ``other`` fields, in both conventions.

OpenInference flattens each document into ``retrieval.documents.N.document.{id,content,
score,metadata}`` (and ``reranker.output_documents.N.document.*`` after a reranker); the GenAI
conventions send ``gen_ai.retrieval.documents`` as one value, a list (or its JSON) of objects
with ``id`` and ``content`` (or plain strings). Content cut at storage keeps its truncation mark.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_FLAT = re.compile(r"^(retrieval\.documents|reranker\.output_documents)\.(\d+)\.document\.(\w+)$")
GENAI_DOCUMENTS = "gen_ai.retrieval.documents"


@dataclass(frozen=True, slots=True)
class ContextDocument:
    span_id: str
    field: str  # the attribute (or prefix) it came from
    doc_id: str
    text: str
    score: float | None


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _score(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _flat(span_id: str, other: dict[str, Any]) -> list[ContextDocument]:
    found: dict[tuple[str, int], dict[str, Any]] = {}
    for key, value in other.items():
        match = _FLAT.match(key)
        if match:
            found.setdefault((match.group(1), int(match.group(2))), {})[match.group(3)] = value
    return [
        ContextDocument(
            span_id,
            f"{prefix}.",
            _text(doc.get("id", index)),
            _text(doc.get("content", "")),
            _score(doc.get("score")),
        )
        for (prefix, index), doc in sorted(found.items())
        if doc.get("content") not in (None, "")
    ]


def _genai(span_id: str, value: Any) -> list[ContextDocument]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [ContextDocument(span_id, GENAI_DOCUMENTS, "0", value, None)]
    items = value if isinstance(value, list) else [value]
    found = []
    for index, item in enumerate(items):
        if isinstance(item, dict):
            text = item.get("content", item.get("text", item))
            doc_id, score = item.get("id", index), _score(item.get("score"))
        else:
            text, doc_id, score = item, index, None
        found.append(ContextDocument(span_id, GENAI_DOCUMENTS, _text(doc_id), _text(text), score))
    return found


def context_documents(span_id: str, content: dict[str, Any] | None) -> list[ContextDocument]:
    """The documents stored with one span (none when content is not stored)."""
    other = (content or {}).get("other")
    if not isinstance(other, dict):
        return []
    found = _flat(span_id, other)
    if GENAI_DOCUMENTS in other:
        found.extend(_genai(span_id, other[GENAI_DOCUMENTS]))
    return found
