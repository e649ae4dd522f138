"""What the two scan tests share: a square city of grids and the
replicate kernel at several pre-filter levels."""

from __future__ import annotations

import numpy as np


def square_grid(side: int, spacing: float = 1000.0) -> tuple[np.ndarray, np.ndarray]:
    gx, gy = np.meshgrid(np.arange(side), np.arange(side))  # location id = row · side + column
    return gx.ravel() * spacing, gy.ravel() * spacing


class Levels(dict):
    """The kernel with ``with_level(level)``, made on first use."""

    def __init__(self, kernel):
        super().__init__()
        self.kernel = kernel

    def __missing__(self, level):
        self[level] = self.kernel.with_level(level)
        return self[level]
