"""Which AI service a request went to, from its host and path. Pure.

A service is recognised by ``(service_id, host_suffix, path_prefix)`` triples. A suffix counts
on whole labels only: ``api.openai.com`` and ``openai.com`` match ``openai.com``,
``notopenai.com`` does not. An empty path prefix matches any path; a non-empty one needs the
request's path to start with it.

The most specific pattern wins: the longest matching host suffix, then at that suffix the
longest matching path prefix; when no prefix at a suffix matches, a shorter suffix is tried.

A path of ``""`` means *unknown*: an HTTPS ``CONNECT`` tunnel, or a gateway's log of one,
shows the host only (a request that was seen always has at least ``/``). Then the host alone
decides: at the longest matching suffix, its empty-prefix pattern if it has one, else the
service its path-qualified patterns all name (``bedrock-runtime.…amazonaws.com`` with
``/model/`` is Bedrock whatever the path); when they name different services (one host
serving several, told apart by path), the host alone cannot tell and a shorter suffix is
tried.
A lookup is one dict probe per label suffix of the host (``a.b.c`` probes ``a.b.c``, ``b.c``,
``c``), never a loop over the patterns, and its answer is cached per distinct host. A scan
asks only about the lines its RE2 ``prefilter`` finds (those naming some pattern's suffix).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ServicePattern:
    service_id: str
    host_suffix: str
    path_prefix: str = ""


def normalise_host(host: str) -> str:
    """Lower case, without the trailing dot of a fully qualified name or a ``:port``."""
    host = host.strip().lower()
    if host.startswith("["):  # an IPv6 literal: never an AI service's name
        return host
    host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return host.rstrip(".")


class ServiceMatcher:
    """The patterns indexed by host suffix; ``match`` answers a service id or ``None``."""

    def __init__(self, patterns: Iterable[ServicePattern | tuple[str, str, str]]) -> None:
        by_suffix: dict[str, list[tuple[str, str]]] = {}
        for pattern in patterns:
            service_id, suffix, prefix = (
                pattern if isinstance(pattern, tuple) else _as_triple(pattern)
            )
            key = normalise_host(suffix).lstrip(".")
            if not key or not service_id:
                raise ValueError(f"a pattern needs a service and a host suffix: {pattern!r}")
            by_suffix.setdefault(key, []).append((prefix, service_id))
        # Longest prefix first, so the first that fits is the most specific.
        self._by_suffix = {
            key: tuple(sorted(entries, key=lambda e: -len(e[0])))
            for key, entries in by_suffix.items()
        }
        self._hosts: dict[str, tuple[tuple[str, str], ...]] = {}
        self._alone: dict[str, str | None] = {}

    @property
    def needs_paths(self) -> bool:
        """Whether any pattern looks at the path (else a scan may skip extracting paths)."""
        return any(e[0] for entries in self._by_suffix.values() for e in entries)

    def prefilter(self) -> str | None:
        """An RE2 pattern (to use case-blind) found in every line that names a host one of
        the patterns may match: the host suffixes as literals. It may find more (a suffix
        in another field, ``notopenai.com``); ``match`` decides."""
        suffixes = sorted(self._by_suffix, key=len, reverse=True)
        return "|".join(re.escape(s) for s in suffixes) if suffixes else None

    def candidates(self, host: str) -> tuple[tuple[str, str], ...]:
        """The (path prefix, service) pairs that may match ``host``, most specific first."""
        found = self._hosts.get(host)
        if found is None:
            found = tuple(self._candidates(normalise_host(host)))
            if len(self._hosts) < 1_000_000:  # a cache of distinct hosts, bounded
                self._hosts[host] = found
        return found

    def _candidates(self, host: str) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        labels = host.split(".")
        for start in range(len(labels)):
            entries = self._by_suffix.get(".".join(labels[start:]))
            if entries:
                found.extend(entries)
        return found

    def match(self, host: str, path: str = "") -> str | None:
        """The service ``host`` + ``path`` went to, or ``None`` (``path`` ``""``: unknown)."""
        if not path:
            return self._by_host_alone(host)
        for prefix, service_id in self.candidates(host):
            if path.startswith(prefix):
                return service_id
        return None

    def _by_host_alone(self, host: str) -> str | None:
        if host in self._alone:
            return self._alone[host]
        answer = None
        labels = normalise_host(host).split(".")
        for start in range(len(labels)):
            entries = self._by_suffix.get(".".join(labels[start:]))
            if not entries:
                continue
            services = {service_id for _, service_id in entries}
            if entries[-1][0] == "" or len(services) == 1:
                answer = entries[-1][1] if entries[-1][0] == "" else services.pop()
                break
        if len(self._alone) < 1_000_000:
            self._alone[host] = answer
        return answer


def _as_triple(pattern: ServicePattern) -> tuple[str, str, str]:
    return pattern.service_id, pattern.host_suffix, pattern.path_prefix
