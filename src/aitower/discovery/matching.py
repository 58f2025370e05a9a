"""Which AI service a request went to, from its host and path. Pure.

A service is recognised by ``(service_id, host_suffix, path_prefix)`` triples. A suffix counts
on whole labels only: ``api.openai.com`` and ``openai.com`` match ``openai.com``,
``notopenai.com`` does not. An empty path prefix matches any path (and the unknown path of an
HTTPS ``CONNECT`` tunnel, which is ``""``); a non-empty one needs the request's path to start
with it, so a path-qualified pattern never matches a tunnel.

The most specific pattern wins: the longest matching host suffix, then at that suffix the
longest matching path prefix; when no prefix at a suffix matches, a shorter suffix is tried.
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
        """The service ``host`` + ``path`` went to, or ``None``."""
        for prefix, service_id in self.candidates(host):
            if path.startswith(prefix):
                return service_id
        return None


def _as_triple(pattern: ServicePattern) -> tuple[str, str, str]:
    return pattern.service_id, pattern.host_suffix, pattern.path_prefix
