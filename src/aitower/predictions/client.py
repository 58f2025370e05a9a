"""A small client that logs predictions and labels to an aitower server (standard library only).

    from aitower.predictions.client import PredictionLogger

    with PredictionLogger("https://aitower.example.com", api_key, system="Fraud detector",
                          model="fraud-gbm", version="3", classes=["fraud", "ok"]) as logger:
        logger.log("tx-1", {"amount": 120.5, "country": "FR"}, "ok", score=0.07)
    ...
    logger.labels([("tx-1", "fraud")])

Rows are buffered and sent ``batch_size`` at a time (and on ``flush`` / leaving the ``with``).
A request that fails in transit or with a 5xx/429/409 is sent again (up to ``retries`` times):
the server skips prediction ids it stored already, so a retry never stores a row twice. A
4xx answer raises ``LoggingRefused`` with the server's problem details (row-numbered).
Non-finite floats (NaN, ±inf) are sent as the text ``"NaN"`` / ``"Infinity"``, which JSON
cannot carry as numbers and the server reads back as numbers.
"""

from __future__ import annotations

import json
import math
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

Row = dict[str, Any]


class LoggingRefused(Exception):
    """The server refused a batch; ``problem`` is its RFC 9457 answer (``errors`` name rows)."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        super().__init__(f"{status}: {problem.get('detail', problem)}")
        self.status = status
        self.problem = problem


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    return value


class PredictionLogger:
    """Logs one model version's predictions and labels; not thread-safe (one per thread)."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        system: str,
        model: str,
        version: str,
        task: str | None = None,
        classes: Sequence[str] | None = None,
        batch_size: int = 1_000,
        timeout: float = 30.0,
        retries: int = 3,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("base_url must be an http:// or https:// URL of an aitower server")
        self.base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}
        self._ref: Row = {"system": system, "model": model, "version": version}
        self._first: Row = {"task": task, "classes": list(classes) if classes else None}
        self.batch_size = batch_size
        self.timeout = timeout
        self.retries = retries
        self._buffer: list[Row] = []
        self.answers: list[Row] = []  # the server's answer to every batch sent

    def __enter__(self) -> PredictionLogger:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is None:
            self.flush()

    def log(
        self,
        prediction_id: str,
        features: Mapping[str, Any],
        output: str | float | bool,
        *,
        timestamp: datetime | float | None = None,
        score: float | Mapping[str, float] | None = None,
        sensitive: Mapping[str, Any] | None = None,
    ) -> None:
        """Buffer one prediction (timestamp: now when left out; naive datetimes are UTC)."""
        self._buffer.append(
            {
                "prediction_id": prediction_id,
                "timestamp": _json_value(timestamp or datetime.now(UTC)),
                "features": _json_value(features),
                "output": output,
                "score": _json_value(score),
                "sensitive": _json_value(sensitive or {}),
            }
        )
        if len(self._buffer) >= self.batch_size:
            self.flush()

    def log_many(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Buffer many rows shaped like the API's (``prediction_id``, ``features``, ...)."""
        for row in rows:
            self.log(
                row["prediction_id"],
                row.get("features", {}),
                row["output"],
                timestamp=row.get("timestamp"),
                score=row.get("score"),
                sensitive=row.get("sensitive"),
            )

    def flush(self) -> Row | None:
        """Send what is buffered; the server's answer (counts, skipped duplicates)."""
        if not self._buffer:
            return None
        body = self._ref | {k: v for k, v in self._first.items() if v is not None}
        answer = self._post("/api/v1/predictions", body | {"rows": self._buffer})
        self._buffer = []
        self.answers.append(answer)
        return answer

    def labels(
        self,
        labels: Iterable[tuple[str, Any] | tuple[str, Any, datetime | float]],
    ) -> list[Row]:
        """Send ``(prediction_id, label[, labelled_at])`` tuples; one answer per batch (its
        ``unknown`` counts ids the server has no prediction for yet: kept, joined later)."""
        rows: list[Row] = []
        answers: list[Row] = []
        for item in labels:
            row: Row = {"prediction_id": item[0], "label": item[1]}
            if len(item) > 2:
                row["labelled_at"] = _json_value(item[2])
            rows.append(row)
            if len(rows) >= self.batch_size:
                answers.append(self._post("/api/v1/labels", self._ref | {"rows": rows}))
                rows = []
        if rows:
            answers.append(self._post("/api/v1/labels", self._ref | {"rows": rows}))
        return answers

    def _post(self, path: str, body: Row) -> Row:
        data = json.dumps(body, allow_nan=False).encode()
        for attempt in range(self.retries + 1):
            request = urllib.request.Request(  # noqa: S310 (the caller's server URL)
                self.base_url + path, data=data, headers=self._headers, method="POST"
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    answer: Row = json.loads(response.read())
                    return answer
            except urllib.error.HTTPError as exc:
                # 409: the model was registered by a concurrent first log; sending again joins it.
                transient = exc.code >= 500 or exc.code in (409, 429)
                if not transient or attempt == self.retries:
                    raise LoggingRefused(exc.code, _problem(exc)) from None
            except (urllib.error.URLError, TimeoutError, ConnectionError):
                if attempt == self.retries:
                    raise
            time.sleep(min(2.0**attempt * 0.5, 10.0))
        raise AssertionError("unreachable")


def _problem(exc: urllib.error.HTTPError) -> dict[str, Any]:
    try:
        problem: dict[str, Any] = json.loads(exc.read())
        return problem
    except (ValueError, OSError):
        return {"detail": exc.reason}
