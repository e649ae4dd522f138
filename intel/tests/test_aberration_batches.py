"""Many series at once (one per row) give exactly what each series gives
alone: the batch form is what the nightly run over every area × category
series uses."""

import numpy as np
import pytest

from intel import aberration

DETECTORS = {
    "C1": lambda y: aberration.ears(y, start=30, method="C1", alpha=0.05),
    "C2": lambda y: aberration.ears(y, start=30, method="C2", alpha=0.05),
    "C3": lambda y: aberration.ears(y, start=30, method="C3", alpha=0.05),
    "bayes": lambda y: aberration.bayes(y, start=30, w=6, b=0),
    "bayes_years": lambda y: aberration.bayes(y, start=60, w=4, b=1, period=52),
    "cusum": lambda y: aberration.cusum(y, start=30),
}


@pytest.mark.parametrize("name", DETECTORS)
def test_a_batch_equals_its_rows(name):
    rng = np.random.default_rng(7)
    batch = rng.negative_binomial(3, 3 / (3 + rng.uniform(0.3, 20, (25, 1))), (25, 120)).astype(float)
    batch[3, :] = 0  # a silent series: zero spread
    together = DETECTORS[name](batch)
    for row, y in enumerate(batch):
        alone = DETECTORS[name](y)
        assert np.array_equal(together.alarm[row], alone.alarm)
        assert np.allclose(together.upperbound[row], alone.upperbound, equal_nan=True)
