"""Running R ``surveillance`` for the *_vs_r tests: R must be there in CI
(``.ci/run`` installs it) and may be missing on a developer's machine."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pytest

SCRIPTS = Path(__file__).resolve().parent / "r"


def require_r() -> None:
    if not shutil.which("Rscript"):
        if os.environ.get("CI"):
            pytest.fail("Rscript is missing: .ci/run installs r-cran-surveillance")
        pytest.skip("R is not installed (apt-get install r-cran-surveillance)")


def write_inputs(folder: Path, series: Iterable[np.ndarray], header: Sequence[str], rows: Iterable[Sequence]
                 ) -> tuple[Path, Path]:  # fmt: skip
    """series.csv (one series a line) and configs.csv, as the R scripts read them."""
    (folder / "series.csv").write_text("\n".join(",".join(str(int(v)) for v in y) for y in series) + "\n")
    with open(folder / "configs.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return folder / "series.csv", folder / "configs.csv"


def rscript(script: str, *args: str | Path, timeout: int = 900) -> None:
    subprocess.run(["Rscript", str(SCRIPTS / script), *map(str, args)], check=True, capture_output=True,
                   text=True, timeout=timeout)  # fmt: skip


def bounds_and_alarms(out: Path) -> dict[tuple[int, str], tuple[list, list]]:
    """R's upper bounds (NA → NaN) and alarms per (series, config id)."""
    found: dict[tuple[int, str], tuple[list, list]] = {}
    with open(out, newline="") as f:
        for row in csv.DictReader(f):
            bounds, alarms = found.setdefault((int(row["series"]), row["config"]), ([], []))
            bounds.append(float("nan") if row["upperbound"] == "NA" else float(row["upperbound"]))
            alarms.append(row["alarm"] == "1")
    return found
