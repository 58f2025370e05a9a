"""Peer: Evidently's data-drift report (``DataDriftPreset``) over the benchmark's data.

    python peers/evidently_drift.py DATA_FOLDER

Runs in bench/.peer-venv-evidently (Evidently 0.7 needs pandas < 3). The data is loaded into
pandas before the clock starts: numeric columns as float64, categorical ones as pandas
categoricals built from the same integer codes aitower reads. Timed: building Evidently's
datasets, running the report and reading its result. Prints one JSON line: the figures of
``drift_data.measure``, the drifted columns, and each column's method and value.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from drift_data import LEVELS, load, measure
from evidently import DataDefinition, Dataset, Report
from evidently.presets import DataDriftPreset

P_VALUE_METHODS = ("K-S p_value", "chi-square p_value", "Z-test p_value")


def _frame(folder: Path, side: str) -> pd.DataFrame:
    numeric, categorical = load(folder, side)
    columns: dict[str, object] = dict(numeric)
    for name, codes in categorical.items():
        columns[name] = pd.Categorical.from_codes(codes, categories=LEVELS)
    return pd.DataFrame(columns, copy=False)


def main(folder: Path) -> None:
    reference, current = _frame(folder, "reference"), _frame(folder, "current")
    meta = json.loads((folder / "meta.json").read_text())
    definition = DataDefinition(
        numerical_columns=meta["numeric"], categorical_columns=meta["categorical"]
    )

    def run() -> dict:
        snapshot = Report([DataDriftPreset()]).run(
            current_data=Dataset.from_pandas(current, data_definition=definition),
            reference_data=Dataset.from_pandas(reference, data_definition=definition),
        )
        return snapshot.dict()

    result, figures = measure(run)
    values, drifted = {}, []
    for metric in result["metrics"]:
        config = metric["config"]
        if "column" not in config:
            continue
        value, threshold = float(metric["value"]), float(config["threshold"])
        values[config["column"]] = {"method": config["method"], "value": value}
        p_value = config["method"] in P_VALUE_METHODS
        if (value < threshold) if p_value else (value >= threshold):
            drifted.append(config["column"])
    print(json.dumps({**figures, "drifted": sorted(drifted), "values": values}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
