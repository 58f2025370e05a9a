"""The ingest benchmark's load client: pre-encoded OTLP bodies posted over keep-alive connections.

A few threads (``concurrency``), each with one ``http.client`` keep-alive connection, take the next
body from a shared cursor and POST it as ``application/x-protobuf``, as several exporters of one
fleet would; or, over gRPC (``grpc_target``), each calls the OTLP ``TraceService/Export`` on its
own channel with the same bytes (UNAVAILABLE and RESOURCE_EXHAUSTED are retried after the server's
RetryInfo, as the SDK's gRPC exporter does). Over HTTP a 429 or 503 is retried after its
``Retry-After`` (as the SDK's exporter does); any other answer but 2xx stops the run with the
server's words, and a 404 says the server has no OTLP endpoint. The client only records when each
body was acknowledged; the caller watches the server's store for when the spans are there.
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

RETRY_STATUSES = (429, 503)


class IngestRefused(RuntimeError):
    """The server answered a body with an error that retrying will not fix."""


@dataclass
class LoadState:
    """Shared between the posting threads and the watching main thread."""

    bodies: list[bytes]
    spans_per_body: list[int]
    next_body: int = 0
    acknowledged_spans: int = 0
    acknowledged_bodies: int = 0
    retries: int = 0
    last_ack: float = 0.0
    error: BaseException | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self) -> int | None:
        with self.lock:
            if self.error is not None or self.next_body >= len(self.bodies):
                return None
            self.next_body += 1
            return self.next_body - 1

    def acknowledge(self, index: int) -> None:
        with self.lock:
            self.acknowledged_spans += self.spans_per_body[index]
            self.acknowledged_bodies += 1
            self.last_ack = time.perf_counter()

    @property
    def done(self) -> bool:
        return self.acknowledged_bodies == len(self.bodies) or self.error is not None


def _post(
    conn: http.client.HTTPConnection, path: str, body: bytes, headers: dict[str, str]
) -> tuple[int, str, bytes]:
    conn.request("POST", path, body=body, headers=headers)
    answer = conn.getresponse()
    payload = answer.read()
    return answer.status, answer.getheader("retry-after") or "", payload


def _explain(status: int, payload: bytes, url: str) -> str:
    if status == 404:
        return f"{url} answered 404: this server has no OTLP trace endpoint (POST /v1/traces)"
    return f"{url} answered {status}: {payload[:400].decode(errors='replace')}"


def _worker(state: LoadState, url: str, path: str, headers: dict[str, str]) -> None:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=600)
    try:
        while (index := state.take()) is not None:
            while True:
                status, retry_after, payload = _post(conn, path, state.bodies[index], headers)
                if status in RETRY_STATUSES:
                    with state.lock:
                        state.retries += 1
                    time.sleep(min(float(retry_after or 1), 5.0))
                    continue
                if not 200 <= status < 300:
                    raise IngestRefused(_explain(status, payload, url + path))
                state.acknowledge(index)
                break
    except BaseException as exc:  # handed to the main thread, which stops the run
        with state.lock:
            state.error = state.error or exc
    finally:
        conn.close()


_GRPC_EXPORT = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"


def _grpc_worker(state: LoadState, target: str, headers: dict[str, str]) -> None:
    import grpc  # only for gRPC runs
    from google.rpc import error_details_pb2

    metadata = tuple((k.lower(), v) for k, v in headers.items())
    retryable = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.RESOURCE_EXHAUSTED)
    channel = grpc.insecure_channel(target, options=[("grpc.max_send_message_length", -1)])
    export = channel.unary_unary(_GRPC_EXPORT)  # bytes in, bytes out: the bodies as encoded
    try:
        while (index := state.take()) is not None:
            while True:
                try:
                    export(state.bodies[index], metadata=metadata, timeout=600)
                except grpc.RpcError as exc:
                    if exc.code() not in retryable:  # type: ignore[attr-defined]
                        raise IngestRefused(f"{target}: {exc.code()} {exc.details()}") from exc  # type: ignore[attr-defined]
                    trailers = dict(exc.trailing_metadata() or ())  # type: ignore[attr-defined]
                    delay = 1.0
                    if "google.rpc.retryinfo-bin" in trailers:
                        info = error_details_pb2.RetryInfo.FromString(
                            trailers["google.rpc.retryinfo-bin"]
                        )
                        delay = info.retry_delay.seconds + info.retry_delay.nanos / 1e9
                    with state.lock:
                        state.retries += 1
                    time.sleep(min(delay, 5.0))
                    continue
                state.acknowledge(index)
                break
    except BaseException as exc:  # handed to the main thread, which stops the run
        with state.lock:
            state.error = state.error or exc
    finally:
        channel.close()


def start_load(
    url: str,
    bodies: list[bytes],
    spans_per_body: list[int],
    headers: dict[str, str],
    *,
    concurrency: int,
    path: str = "/v1/traces",
    grpc_target: str | None = None,
) -> tuple[LoadState, list[threading.Thread]]:
    """Start posting ``bodies`` to ``url + path`` (or exporting them over gRPC to
    ``grpc_target``); join the threads (or watch ``state.done``)."""
    state = LoadState(bodies, spans_per_body)
    all_headers = {"content-type": "application/x-protobuf", **headers}
    if grpc_target is not None:
        threads = [
            threading.Thread(target=_grpc_worker, args=(state, grpc_target, headers), daemon=True)
            for _ in range(concurrency)
        ]
    else:
        threads = [
            threading.Thread(target=_worker, args=(state, url, path, all_headers), daemon=True)
            for _ in range(concurrency)
        ]
    for thread in threads:
        thread.start()
    return state, threads
