"""Write and read the evaluation outputs that the notebook plots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

PREDICTIONS_FILE = "predictions.parquet"
FEATURES_FILE = "features.parquet"
REPORT_FILE = "report.json"


def write_evaluation_outputs(
    folder: Path,
    report: dict[str, Any],
    predictions: pd.DataFrame,
    X_test: NDArray[np.float64],
    feature_names: list[str],
) -> None:
    """Held-out predictions (ids, labels, scores; no text), their feature rows, and the report."""
    folder.mkdir(parents=True, exist_ok=True)
    predictions.reset_index(drop=True).to_parquet(folder / PREDICTIONS_FILE, index=False)
    pd.DataFrame(X_test, columns=feature_names).to_parquet(folder / FEATURES_FILE, index=False)
    (folder / REPORT_FILE).write_text(
        json.dumps(report, indent=2, default=_finite_or_none, allow_nan=True), encoding="utf-8"
    )


def _finite_or_none(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def read_evaluation_outputs(folder: Path) -> tuple[dict[str, Any], pd.DataFrame, pd.DataFrame]:
    """(report, predictions, features) as written by `write_evaluation_outputs`."""
    report = json.loads((folder / REPORT_FILE).read_text(encoding="utf-8"))
    return (
        report,
        pd.read_parquet(folder / PREDICTIONS_FILE),
        pd.read_parquet(folder / FEATURES_FILE),
    )
