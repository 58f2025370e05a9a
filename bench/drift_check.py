"""Drift check at a million rows: aitower against Evidently's data-drift report, side by side.

    .venv/bin/python bench/drift_check.py [--rows 1000000] [--repeats 3] [--keep DIR]

Writes the reference and current data of ``drift_data.py`` (fixed seed) as .npy files in a
temporary folder, then runs each contender ``--repeats`` times, each run in a fresh process
that loads the data into memory before its clock starts:

* ``aitower, fresh reference``: ``build_profile(reference)`` then ``check_drift``;
* ``aitower, stored profile``: the profile read back from its JSON (not timed), ``check_drift``;
* ``numpy/scipy pass``: what a script would do by hand — ``scipy.stats.wasserstein_distance``
  over each numeric column normed by the reference's ``np.std``, Jensen–Shannon on category
  counts — with Evidently's default methods and thresholds;
* ``Evidently``: ``Report([DataDriftPreset()])`` in bench/.peer-venv-evidently.

Every process runs with one BLAS/OpenMP thread (the machine's two cores are shared). Reports
the median CPU seconds, wall seconds and peak memory above the loaded data, the ratios to
Evidently, and the drifted columns of each contender; stops with an error unless all of them
flag exactly the three drifted columns.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))

from drift_data import DRIFTED, LEVELS, generate, load, measure
from peer_env import peer_bin

EVIDENTLY = ("evidently==0.7.23", "pandas<3")
THREADS = dict.fromkeys(("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"), "1")
CONTENDERS = {
    "aitower-fresh": "aitower, fresh reference (profile + check)",
    "aitower-stored": "aitower, stored profile (check)",
    "scipy": "numpy/scipy pass",
    "evidently": "Evidently 0.7.23 DataDriftPreset",
}


def _aitower_data(folder: Path, side: str) -> dict[str, Any]:
    from aitower.statistics.drift import Categorical

    numeric, categorical = load(folder, side)
    levels = tuple(LEVELS)
    return {**numeric, **{name: Categorical(codes, levels) for name, codes in categorical.items()}}


def _verdicts(report: Any) -> dict[str, Any]:
    return {
        "drifted": sorted(f.name for f in report.features if f.drifted),
        "values": {
            f.name: {
                "method": f.method.value,
                "value": f.statistic if f.p_value is None else f.p_value,
            }
            for f in report.features
        },
        "max_error_bound": max(f.error_bound for f in report.features),
    }


def worker_aitower(folder: Path, stored: bool) -> dict[str, Any]:
    from aitower.statistics.drift import ReferenceProfile, build_profile, check_drift

    current = _aitower_data(folder, "current")
    if stored:
        text = (folder / "profile.json").read_text()
        profile, loading = measure(lambda: ReferenceProfile.from_dict(json.loads(text)))
        report, figures = measure(lambda: check_drift(profile, current))
        figures["profile_load_cpu"] = loading["cpu"]
    else:
        reference = _aitower_data(folder, "reference")
        report, figures = measure(lambda: check_drift(build_profile(reference), current))
    return {**figures, **_verdicts(report)}


def worker_profile(folder: Path) -> dict[str, Any]:
    """Build and store the reference profile once, for the stored-profile runs."""
    from aitower.statistics.drift import build_profile

    reference = _aitower_data(folder, "reference")
    profile, figures = measure(lambda: build_profile(reference))
    text = json.dumps(profile.to_dict())
    (folder / "profile.json").write_text(text)
    return {**figures, "json_bytes": len(text)}


def worker_scipy(folder: Path) -> dict[str, Any]:
    from scipy import stats
    from scipy.spatial.distance import jensenshannon

    (ref_num, ref_cat), (cur_num, cur_cat) = load(folder, "reference"), load(folder, "current")

    def run() -> dict[str, float]:
        values = {}
        for name, ref in ref_num.items():
            ref, cur = ref[np.isfinite(ref)], cur_num[name][np.isfinite(cur_num[name])]
            values[name] = stats.wasserstein_distance(ref, cur) / max(np.std(ref), 1e-3)
        for name, ref in ref_cat.items():
            counts = np.bincount(ref, minlength=10), np.bincount(cur_cat[name], minlength=10)
            values[name] = float(jensenshannon(*counts))
        return values

    values, figures = measure(run)
    drifted = sorted(name for name, value in values.items() if value >= 0.1)
    return {**figures, "drifted": drifted, "values": values}


def _spawn(kind: str, folder: Path) -> dict[str, Any]:
    env = {**os.environ, **THREADS}
    if kind == "evidently":
        python = peer_bin("evidently", EVIDENTLY) / "python"
        script = Path(__file__).parent / "peers" / "evidently_drift.py"
        command = [str(python), str(script), str(folder)]
    else:
        command = [sys.executable, __file__, "--worker", kind, "--data", str(folder)]
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def _table(results: dict[str, list[dict[str, Any]]], rows: int) -> Table:
    evidently = results["evidently"]
    table = Table(
        title=f"Drift check, {rows:,} rows × 20 columns (medians of {len(evidently)} runs)"
    )
    for header in ("contender", "CPU s", "wall s", "peak MB", "Evidently/it CPU", "flagged"):
        table.add_column(header)
    for kind, label in CONTENDERS.items():
        runs = results[kind]
        cpu = _median(runs, "cpu")
        ratio = _median(evidently, "cpu") / cpu
        table.add_row(
            label,
            f"{cpu:.2f}",
            f"{_median(runs, 'wall'):.2f}",
            f"{_median(runs, 'peak_mb'):.0f}",
            f"{ratio:.0f}×",
            ", ".join(runs[0]["drifted"]),
        )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the data here and keep it")
    parser.add_argument("--worker", choices=[*CONTENDERS, "profile"], help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        workers = {
            "aitower-fresh": lambda: worker_aitower(args.data, stored=False),
            "aitower-stored": lambda: worker_aitower(args.data, stored=True),
            "scipy": lambda: worker_scipy(args.data),
            "profile": lambda: worker_profile(args.data),
        }
        print(json.dumps(workers[args.worker]()))
        return
    console = Console(width=150)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="aitower-drift-"))
    folder.mkdir(parents=True, exist_ok=True)
    results = run_all(console, folder, args.rows, args.repeats)
    console.print(_table(results, args.rows))
    load = _median(results["aitower-stored"], "profile_load_cpu")
    console.print(f"reading the stored profile back from JSON (not in the check): {load:.3f} CPU s")
    (folder / "results.json").write_text(json.dumps(results, indent=1))
    _agreement(console, results)
    flagged = {kind: runs[0]["drifted"] for kind, runs in results.items()}
    if any(columns != DRIFTED_SORTED for columns in flagged.values()):
        console.print(
            f"[red]contenders disagree with the drifted columns {DRIFTED_SORTED}: {flagged}"
        )
        sys.exit(1)
    if not args.keep:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


DRIFTED_SORTED = sorted(DRIFTED)


def _agreement(console: Console, results: dict[str, list[dict[str, Any]]]) -> None:
    """Largest difference between each contender's per-column values and Evidently's."""
    theirs = results["evidently"][0]["values"]
    for kind in ("aitower-fresh", "aitower-stored", "scipy"):
        ours = results[kind][0]["values"]
        gaps = {name: abs(_value(ours[name]) - _value(theirs[name])) for name in theirs}
        worst = max(gaps, key=gaps.__getitem__)
        bound = results[kind][0].get("max_error_bound")
        extra = f" (largest sketch error bound {bound:.1e})" if bound is not None else ""
        console.print(
            f"{CONTENDERS[kind]}: largest |value − Evidently's| {gaps[worst]:.1e} on {worst}{extra}"
        )


def _value(entry: Any) -> float:
    return float(entry["value"] if isinstance(entry, dict) else entry)


def run_all(
    console: Console, folder: Path, rows: int, repeats: int
) -> dict[str, list[dict[str, Any]]]:
    with console.status(f"writing {rows:,} × 20 reference and current data into {folder}"):
        generate(folder, rows)
    with console.status("installing Evidently into its own venv (first run only)"):
        peer_bin("evidently", EVIDENTLY)
    profile = _spawn("profile", folder)
    console.print(
        f"stored profile: {profile['json_bytes'] / 1e6:.1f} MB of JSON, "
        f"built in {profile['cpu']:.2f} CPU s"
    )
    results: dict[str, list[dict[str, Any]]] = {kind: [] for kind in CONTENDERS}
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
    )
    with Progress(*columns, TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("runs", total=repeats * len(CONTENDERS))
        for repeat in range(repeats):
            for kind, label in CONTENDERS.items():
                progress.update(task, description=f"run {repeat + 1}/{repeats}: {label}")
                results[kind].append(_spawn(kind, folder))
                progress.advance(task)
    return results


if __name__ == "__main__":
    main()
