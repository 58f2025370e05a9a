"""``POST /api/v1/scan``: the detectors inline, for an LLM gateway that checks each prompt
before the model sees it and each answer before the user does; and the findings as JSON.

The scan writes nothing (no finding, no audit event): it is on the gateway's hot path, and
what passes through a gateway reaches aitower again as telemetry, where ingest records the
findings. The body is capped at ``MAX_BODY_BYTES`` (413 above, by the body-size middleware).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from aitower.core.access.principal import Principal
from aitower.core.db.engine import Database
from aitower.core.errors import InvalidInput
from aitower.core.web.deps import DbDep, get_settings, guard
from aitower.core.web.pagination import Page, PageDep
from aitower.detectors import groundedness, injection
from aitower.detectors.detection import Action, Category, Detection
from aitower.detectors.redact import redact
from aitower.detectors.scan import scan
from aitower.guardrails import findings
from aitower.guardrails.permissions import GuardrailsPermission
from aitower.guardrails.views import FindingsForm, parse_form
from aitower.telemetry.content_settings import ContentSettings, get_content_settings
from aitower.telemetry.redaction_key import redaction_key
from aitower.telemetry.scope import portfolio_scope

MAX_BODY_BYTES = 1_048_576
INLINE_CHARS = 16_384  # texts up to this size are scanned on the event loop
STRICT = ConfigDict(extra="forbid")
Scanner = Annotated[Principal, guard(GuardrailsPermission.scan)]
Reader = Annotated[Principal, guard(GuardrailsPermission.findings_read)]
Field200 = Annotated[str, Query(max_length=200)]


class ScanIn(BaseModel):
    """A text to scan; ``context`` holds the documents an answer was given with (RAG)."""

    model_config = STRICT
    text: str = Field(examples=["Please wire it to DE44 5001 0517 5407 3249 31."])
    direction: Literal["input", "output"] = Field(
        description="input: a prompt on its way to the model; output: an answer on its way back"
    )
    context: list[str] | None = Field(default=None, max_length=100)
    system_id: uuid.UUID | None = Field(
        default=None, description="The AI system the text belongs to (must be visible to the key)"
    )
    types: list[str] | None = Field(
        default=None, max_length=100, description="Detection types to run (all when absent)"
    )
    min_confidence: float = Field(default=0.5, ge=0.0, le=1.0)


class FindingOut(BaseModel):
    type: str
    category: str
    start: int
    end: int
    confidence: float
    reason: str


class InjectionOut(BaseModel):
    score: float  # 0..1
    flagged: bool
    explanation: list[str]


class SentenceOut(BaseModel):
    start: int
    end: int
    status: str  # unsupported | contradicted
    reason: str


class GroundednessOut(BaseModel):
    score: float  # supported claims / checkable claims (1.0 when none is checkable)
    checkable: int
    supported: int
    sentences: list[SentenceOut]  # the sentences not supported by the context


class ScanOut(BaseModel):
    """What was found. ``injection`` scores an input (a prompt); ``groundedness`` checks an
    output against its ``context``; ``redacted`` is filled when the system's redaction
    settings apply."""

    direction: str
    findings: list[FindingOut]
    redacted: str | None = None
    injection: InjectionOut | None = None
    groundedness: GroundednessOut | None = None


class FindingTypeOut(BaseModel):
    finding_type: str
    title: str
    category: str
    count: int
    spans: int
    traces: int
    users: int
    values: int
    systems: int
    first_seen: dt.datetime
    last_seen: dt.datetime


def _out(d: Detection) -> FindingOut:
    return FindingOut(
        type=d.type,
        category=d.category.value,
        start=d.start,
        end=d.end,
        confidence=round(d.confidence, 4),
        reason=d.reason,
    )


def _injection(body: ScanIn, found: list[Detection]) -> InjectionOut | None:
    """An input's injection score; its detections join the findings (once: ``scan`` may run
    the injection detector itself)."""
    asked = body.types
    if asked is not None:
        asked = [t for t in asked if t == "injection" or t.startswith("injection.")]
    if body.direction != "input" or asked == []:
        return None
    verdict = injection.injection_score(body.text)
    if not any(d.category is Category.injection for d in found):
        found.extend(
            d
            for d in verdict.detections
            if d.confidence >= body.min_confidence
            and (asked is None or "injection" in asked or d.type in asked)
        )
        found.sort(key=lambda d: (d.start, d.end))
    return InjectionOut(
        score=verdict.score, flagged=verdict.flagged, explanation=list(verdict.explanation)
    )


def _groundedness(body: ScanIn) -> GroundednessOut | None:
    if body.direction != "output" or not body.context:
        return None
    checked = groundedness.check(body.text, body.context)
    shown = [
        SentenceOut(start=s.start, end=s.end, status=s.status.value, reason=s.reason)
        for s in checked.sentences
        if s.status in (groundedness.Status.unsupported, groundedness.Status.contradicted)
    ]
    return GroundednessOut(
        score=round(checked.score, 4),
        checkable=checked.checkable,
        supported=checked.supported,
        sentences=shown,
    )


def _redacted(
    text: str, found: list[Detection], settings: ContentSettings | None, key: bytes | None
) -> str | None:
    """The text as the system's redaction settings would store it; None without a system or
    when its settings redact nothing."""
    if settings is None or key is None or not settings.redaction:
        return None
    actions = {t: Action(a) for t, a in settings.redaction.items()}
    return redact(text, [d for d in found if d.category is not Category.injection], actions, key)


def scan_text(
    body: ScanIn, settings: ContentSettings | None = None, key: bytes | None = None
) -> ScanOut:
    """The scan itself, without the web: what the route answers (the benchmark calls it);
    ``settings`` and ``key`` are the system's content settings and the redaction key."""
    wanted = None if body.types is None else [t for t in body.types if t != "injection"]
    try:
        found = scan(body.text, types=wanted, min_confidence=body.min_confidence)
    except ValueError as exc:
        raise InvalidInput.on("types", str(exc)) from None
    verdict = _injection(body, found)
    return ScanOut(
        direction=body.direction,
        findings=[_out(d) for d in found],
        redacted=_redacted(body.text, found, settings, key),
        injection=verdict,
        groundedness=_groundedness(body),
    )


def _scan_for_system(body: ScanIn, request: Request, db: Database, principal: Principal) -> ScanOut:
    if body.system_id is None:
        return scan_text(body)
    with db.reading() as session:  # NotFound outside the key's units
        settings = get_content_settings(session, principal, body.system_id)
    key = redaction_key(get_settings(request)) if settings.redaction else None
    return scan_text(body, settings, key)


def build_router() -> APIRouter:
    router = APIRouter(tags=["guardrails"])

    @router.post("/scan", summary="Scan a prompt or an answer inline (writes nothing)")
    async def scan_route(body: ScanIn, request: Request, db: DbDep, principal: Scanner) -> ScanOut:
        """A short text is scanned on the event loop (a 2 kB text takes well under a
        millisecond, less than a hop to the thread pool); a long one, or one that needs its
        system's settings from the database, in the thread pool."""
        if body.system_id is None and len(body.text) <= INLINE_CHARS:
            return scan_text(body)
        return await run_in_threadpool(_scan_for_system, body, request, db, principal)

    @router.get("/findings", summary="Findings grouped by type, the most detections first")
    def list_findings(
        db: DbDep,
        principal: Reader,
        page: PageDep,
        system: Field200 = "",
        type: Field200 = "",
        category: Field200 = "",
        since: Field200 = "",
        until: Field200 = "",
    ) -> Page[FindingTypeOut]:
        filters = parse_form(FindingsForm(system, type, category, since, until))
        with db.reading() as session:
            types = findings.by_type(session, portfolio_scope(session, principal), filters)
        items = [
            FindingTypeOut(title=t.title, **{f: getattr(t, f) for f in _SUMMARY_FIELDS})
            for t in types[page.offset : page.offset + page.limit]
        ]
        return Page.of(items, len(types), page)

    return router


_SUMMARY_FIELDS = (
    "finding_type", "category", "count", "spans", "traces", "users", "values", "systems",
    "first_seen", "last_seen",
)  # fmt: skip
