"""The Python client against a real server on loopback (uvicorn in a thread): batching, labels,
NaN and infinity, retries that never store twice, refusals with the server's problem."""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
import uvicorn
from fastapi import FastAPI

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.predictions import reading
from aitower.predictions.client import LoggingRefused, PredictionLogger
from predictions.support_predictions import T0, new_system
from servers import free_port
from support import make_key


@pytest.fixture
def server(app: FastAPI) -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(10)


def test_client_logs_in_batches_and_labels_join(server: str, db: Database) -> None:
    new_system(db)
    key = make_key(db, Role.engineer)
    logger = PredictionLogger(
        server,
        key,
        system="fraud-detector",
        model="fraud",
        version="1",
        classes=["fraud", "ok"],
        batch_size=4,
    )
    with logger:
        for i in range(10):
            amount = [math.nan, math.inf][i % 2] if i < 2 else float(i)
            logger.log(
                f"c{i}",
                {"amount": amount, "country": "FR"},
                "ok" if i % 2 else "fraud",
                timestamp=T0 + timedelta(minutes=i),
                score=0.5,
                sensitive={"age": "30-40"},
            )
    assert [a["stored"] for a in logger.answers] == [4, 4, 2]
    answers = logger.labels([("c0", "fraud"), ("c1", "ok", T0 + timedelta(days=1)), ("zz", "ok")])
    assert answers[0]["joined"] == 2 and answers[0]["unknown_ids"] == ["zz"]
    again = PredictionLogger(server, key, system="fraud-detector", model="fraud", version="1")
    again.log("c0", {"amount": 1.0}, "fraud", timestamp=T0)
    assert again.flush() == again.answers[0] and again.answers[0]["duplicates"] == 1
    with db.reading() as session:
        model_id = logger.answers[0]["model_id"]
        data = reading.load_window(session, uuid.UUID(model_id), T0, T0 + timedelta(hours=1))
    amount = data.features["amount"]
    assert len(data) == 10 and data.labelled_count == 2
    assert math.isnan(amount[0]) and amount[1] == math.inf  # type: ignore[index]
    assert data.label_delays_s[1] == 86_400 - 60


def test_refusals_raise_with_the_servers_problem(server: str, db: Database) -> None:
    new_system(db)
    logger = PredictionLogger(
        server, make_key(db, Role.engineer), system="fraud-detector", model="m", version="1"
    )
    logger.log("a", {"x": 1.0}, "yes")
    with pytest.raises(LoggingRefused) as caught:
        logger.flush()
    assert caught.value.status == 422
    assert caught.value.problem["errors"][0]["field"] == "task"
    stranger = PredictionLogger(
        server, "not-a-key", system="fraud-detector", model="m", version="1"
    )
    with pytest.raises(LoggingRefused) as caught:
        stranger.labels([("a", "yes")])
    assert caught.value.status == 401
