"""The R ``surveillance`` reference fixtures (../shared/data/surveillance_reference/,
read its SOURCES.md): the weekly Salmonella Newport series and each
algorithm's alarms over its 105 test weeks."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "data" / "surveillance_reference"
needs_reference = pytest.mark.skipif(not REFERENCE.is_dir(), reason="needs ../shared/data")


def rows(name: str) -> list[dict]:
    with open(REFERENCE / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def salmonella() -> tuple[np.ndarray, np.ndarray, int]:
    """The counts of the training and test weeks, their week starts, and
    the number of training weeks (the first test week's index)."""
    train, test = rows("salmonella_train.csv"), rows("salmonella_test.csv")
    weeks = train + test
    dates = np.array([r[""] for r in weeks], dtype="datetime64[D]")
    return np.array([float(r["n_cases"]) for r in weeks]), dates, len(train)


def alarms(algorithm: str) -> np.ndarray:
    """R's alarms for the test weeks, from ``<algorithm>_pred.csv``."""
    return np.array([r["alarm"] == "1" for r in rows(f"{algorithm}_pred.csv")])
