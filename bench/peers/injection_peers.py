"""Run in the peers' own venv: offline prompt-injection detectors on the texts of a JSON file.

    python injection_peers.py TEXTS.json

TEXTS.json maps a source name to its texts. Prints one JSON object: for each peer its version,
whether it flagged each text (its own default threshold), and the seconds spent checking.
The peers are rule-based and ship everything they need in their wheels:

* ``prompt-inject-detect`` — ``scan(text)`` (regular expressions, threshold 0.5);
* ``aicordon`` — Picket, ``picket.load().check(text).flagged`` (a signature rule base).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from importlib.metadata import version
from typing import Any


def _run(check: Callable[[str], bool], sources: dict[str, list[str]]) -> dict[str, Any]:
    flags: dict[str, list[bool]] = {}
    began = time.perf_counter()
    for name, texts in sources.items():
        flags[name] = [bool(check(text)) for text in texts]
    return {"flags": flags, "seconds": time.perf_counter() - began}


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        sources: dict[str, list[str]] = json.load(handle)
    report: dict[str, Any] = {}

    from prompt_inject_detect import scan

    result = _run(lambda text: scan(text).is_injection, sources)
    report["prompt-inject-detect " + version("prompt-inject-detect")] = result

    from aicordon import picket

    detector = picket.load()
    result = _run(lambda text: detector.check(text).flagged, sources)
    report["aicordon Picket " + version("aicordon")] = result
    print(json.dumps(report))


if __name__ == "__main__":
    main()
