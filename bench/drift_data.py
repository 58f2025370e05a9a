"""The drift benchmark's data and its measurement, shared by aitower's side and Evidently's.

Numpy and the standard library only, so both virtual environments import it. The data: a
reference and a current dataset of ``rows`` × 20 columns (15 numeric of assorted shapes, 5
categorical with 10 levels), drawn with a fixed seed. Three columns drift for real:
``num_03`` (mean +0.5 sd), ``num_07`` (sd × 1.5) and ``cat_02`` (level shares moved);
``num_10`` moves by 0.02 sd — significant to any p-value test at this size, too small to matter,
and neither tool should flag it.

Each side runs in a process of its own and measures the same way: CPU seconds
(``time.process_time``, all threads), wall seconds, and the peak resident memory above what the
loaded data already took (the kernel's high-water mark ``VmHWM`` is reset after loading by
writing 5 to ``/proc/self/clear_refs``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

NUMERIC = [f"num_{i:02d}" for i in range(15)]
CATEGORICAL = [f"cat_{i:02d}" for i in range(5)]
LEVELS = [f"level_{i}" for i in range(10)]
DRIFTED = ["num_03", "num_07", "cat_02"]
MB = 1024 * 1024


def _numeric(rng: np.random.Generator, rows: int, current: bool) -> np.ndarray:
    columns = [
        rng.normal(0, 1, rows),
        rng.lognormal(0, 0.5, rows),
        rng.uniform(0, 100, rows),
        rng.normal(50, 10, rows) + (5.0 if current else 0.0),
        rng.exponential(2.0, rows),
        rng.gamma(2.0, 2.0, rows),
        rng.poisson(20, rows).astype(np.float64),
        rng.normal(0, 1, rows) * (1.5 if current else 1.0),
        rng.beta(2.0, 5.0, rows),
        rng.standard_t(5, rows),
        np.where(
            rng.random(rows) < 0.02, np.nan, rng.normal(0, 1, rows) + (0.02 if current else 0.0)
        ),
        rng.chisquare(3, rows),
        np.where(rng.random(rows) < 0.3, rng.normal(-2, 0.5, rows), rng.normal(3, 1, rows)),
        rng.integers(0, 1000, rows).astype(np.float64),
        rng.weibull(1.5, rows),
    ]
    return np.stack(columns)


def _categorical(rng: np.random.Generator, rows: int, current: bool) -> np.ndarray:
    codes = []
    for i in range(len(CATEGORICAL)):
        shares = 1.0 / np.arange(1, 11) ** (0.3 * i)
        if current and CATEGORICAL[i] == "cat_02":
            shares = shares[::-1]
        codes.append(rng.choice(10, size=rows, p=shares / shares.sum()).astype(np.int8))
    return np.stack(codes)


def generate(folder: Path, rows: int, seed: int = 20261126) -> None:
    """Write ``{reference,current}_{numeric,categorical}.npy`` and ``meta.json`` into ``folder``."""
    rng = np.random.default_rng(seed)
    for side in ("reference", "current"):
        np.save(folder / f"{side}_numeric.npy", _numeric(rng, rows, side == "current"))
        np.save(folder / f"{side}_categorical.npy", _categorical(rng, rows, side == "current"))
    meta = {"rows": rows, "numeric": NUMERIC, "categorical": CATEGORICAL, "levels": LEVELS}
    (folder / "meta.json").write_text(json.dumps({**meta, "drifted": DRIFTED}))


def load(folder: Path, side: str) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """One side's numeric columns (float64) and categorical codes (int8), as contiguous arrays."""
    numeric = np.load(folder / f"{side}_numeric.npy")
    categorical = np.load(folder / f"{side}_categorical.npy")
    return dict(zip(NUMERIC, numeric, strict=True)), dict(
        zip(CATEGORICAL, categorical, strict=True)
    )


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def measure(work: Callable[[], Any]) -> tuple[Any, dict[str, float]]:
    """Run ``work`` once: its result, CPU and wall seconds, and peak memory above the baseline."""
    Path("/proc/self/clear_refs").write_text("5")
    baseline = _status_kb("VmRSS")
    cpu, wall = time.process_time(), time.perf_counter()
    result = work()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak = _status_kb("VmHWM")
    figures = {
        "cpu": cpu,
        "wall": wall,
        "peak_mb": (peak - baseline) * 1024 / MB,
        "data_mb": baseline * 1024 / MB,
    }
    return result, figures
