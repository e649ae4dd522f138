#!/usr/bin/env python
"""The duplicate scorer (``intel.duplicates``) on the labelled 附件3 pairs
(``intel/labels/teddy_hot_pairs.csv``): precision, recall and F1 at the
threshold with a table across thresholds (how the threshold was chosen),
then the scoring speed. Prints JSON; writes no docs.

    python bench/duplicate_pairs.py                 # reads ../shared/data
    python bench/duplicate_pairs.py /path/to/shared/data
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from intel.data import teddy_hot_messages  # noqa: E402
from intel.duplicates import appeal_text, evaluate_pairs, fingerprint, similarity, similarity_to  # noqa: E402

LABELS = ROOT / "intel" / "labels" / "teddy_hot_pairs.csv"


def scoring_speed(texts: Sequence[str], *, candidates: int = 2000, repeats: int = 50) -> dict:
    """Milliseconds (median over ``repeats``) to score one new text against 1
    and against ``candidates`` stored fingerprints, the fingerprinting of the
    new text included; and to fingerprint ``candidates`` texts from scratch."""
    fps = [fingerprint(t) for t in texts[:candidates]]
    out = {}
    for n in (1, len(fps)):
        times = []
        for r in range(repeats):
            new = texts[-1 - r % 100]
            start = time.perf_counter()
            similarity_to(fingerprint(new), fps[:n])
            times.append(time.perf_counter() - start)
        out[f"score_vs_{n}_ms"] = round(1000 * float(np.median(times)), 3)
    start = time.perf_counter()
    similarity(texts[-1], texts[:candidates])
    out[f"similarity_from_texts_vs_{len(fps)}_ms"] = round(1000 * (time.perf_counter() - start), 2)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("shared", nargs="?", type=Path, default=Path("../shared/data"))
    args = parser.parse_args(argv)
    text = {m.id: appeal_text(m.title, m.detail) for m in teddy_hot_messages(args.shared)}
    with open(LABELS, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    labelled = [(text[int(r["id_a"])], text[int(r["id_b"])], int(r["duplicate"])) for r in rows]
    print(json.dumps(evaluate_pairs(labelled), ensure_ascii=False, indent=1))
    print(json.dumps(scoring_speed(list(text.values())), indent=1))


if __name__ == "__main__":
    main()
