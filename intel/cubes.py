"""Count cubes for 探照灯: daily case counts at every level of two
hierarchies at once — the area tree (区 → 街道/乡镇 → 社区/村 → 网格 …) and the
category tree (大类 → 小类 …) — so that one nightly pass can run the
detectors of ``intel.aberration`` over every (area, category) series, from a
whole district × all matters down to one grid × one kind of complaint.

A case counts in every pair (area ancestor, category ancestor) of its leaf
nodes: a noise complaint in grid g of village v of township t counts in
(g, 噪音), (v, 噪音), (t, 噪音), (g, 环境), … and (district, all). Most of
the possible pairs never occur, so the cube is sparse: one row per pair
that does, with a dense day axis (what the detectors want).

Plain numpy, no Django: the early-warning job reads the cases and the two
trees from the database as integer arrays and calls ``build_cube``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np


class Tree:
    """A forest given by ``parent`` (node i's parent index, −1 for a root).

    Nodes are the indices 0 … n − 1; the caller keeps the mapping to its own
    ids (area codes, category ids). The tree is walked once here into a
    table of ancestors, so that later look-ups are numpy indexing."""

    def __init__(self, parent) -> None:
        parent = np.asarray(parent, dtype=np.int64)
        if parent.ndim != 1:
            raise ValueError("parent must be a 1-D array of node indices")
        n = len(parent)
        if n and (parent.min() < -1 or parent.max() >= n):
            raise ValueError("a parent index is outside −1 … n − 1")
        self.parent = parent
        columns = [np.arange(n, dtype=np.int64)]
        while n and (columns[-1] >= 0).any():
            if len(columns) > n:  # deeper than the number of nodes: a loop
                raise ValueError("the parent array has a cycle")
            here = columns[-1]
            columns.append(np.where(here >= 0, parent[np.maximum(here, 0)], -1))
        # (the last column is all −1: dropped)
        table = np.stack(columns[:-1], axis=1) if n else np.zeros((0, 1), dtype=np.int64)
        self.ancestor_table: np.ndarray = table
        """``ancestor_table[i, k]``: the ancestor k levels above node i (column 0
        is i itself), −1 past the root. One row per node, ``levels`` columns."""

    def __len__(self) -> int:
        return len(self.parent)

    @cached_property
    def depth(self) -> np.ndarray:
        """Per node, its distance from its root (a root has depth 0)."""
        return (self.ancestor_table >= 0).sum(axis=1) - 1

    @property
    def levels(self) -> int:
        """The number of levels of the deepest branch (a lone root: 1)."""
        return self.ancestor_table.shape[1]

    def ancestors(self, node: int) -> list[int]:
        """``node`` and its ancestors, **leaf to root**: node first, its root last."""
        row = self.ancestor_table[node]
        return [int(i) for i in row[row >= 0]]

    def is_under(self, nodes, ancestor: int) -> np.ndarray:
        """Per node in ``nodes``, whether it is ``ancestor`` or lies below it."""
        return (self.ancestor_table[np.asarray(nodes, dtype=np.int64)] == ancestor).any(axis=-1)


@dataclass(frozen=True)
class Cube:
    """Sparse (area, category) × day counts: row r is the series of area node
    ``area[r]`` × category node ``category[r]``. Rows are sorted by area,
    then category. ``counts`` is int32 (rows × days)."""

    area: np.ndarray
    category: np.ndarray
    counts: np.ndarray
    area_tree: Tree
    category_tree: Tree

    @property
    def days(self) -> int:
        return self.counts.shape[1]

    @cached_property
    def _keys(self) -> np.ndarray:
        # The pair as one sorted int64 (rows are built in this order), for look-ups.
        return self.area * len(self.category_tree) + self.category

    def row(self, area: int, category: int) -> int | None:
        """The row of (area, category), or None when that pair has no row
        (no case, or below ``min_total``)."""
        if not (0 <= area < len(self.area_tree) and 0 <= category < len(self.category_tree)):
            return None
        key = area * len(self.category_tree) + category
        i = int(np.searchsorted(self._keys, key))
        return i if i < len(self._keys) and self._keys[i] == key else None

    def cases(self, row: int, first_day: int, last_day: int, *, day, area, category) -> np.ndarray:
        """Indices of the cases behind ``counts[row, first_day … last_day]``
        (both ends included), given the same per-case arrays the cube was built
        from. Recomputed with masks over all cases — plain, and cheap enough
        for the handful of alarms a person opens."""
        day = np.asarray(day, dtype=np.int64)
        first, last = max(first_day, 0), min(last_day, self.days - 1)
        mask = (day >= first) & (day <= last)
        mask &= self.area_tree.is_under(area, int(self.area[row]))
        mask &= self.category_tree.is_under(category, int(self.category[row]))
        return np.flatnonzero(mask)


def build_cube(*, day, area, category, area_tree: Tree, category_tree: Tree, days: int,
               min_total: int = 0) -> Cube:  # fmt: skip
    """Count the cases per day at every (area ancestor, category ancestor) pair.

    ``day`` is each case's 0-based day index; cases outside 0 … days − 1 are
    ignored (the caller can pass all cases of a wider query). ``area`` and
    ``category`` are each case's node in the two trees — usually a leaf, but
    a case filed at a village with no grid counts from the village upwards.
    Only pairs that occur get a row, and only those with at least
    ``min_total`` cases over the whole period (a series with two cases in a
    year cannot raise a meaningful alarm, and there are many of them).

    How: each case is expanded into its ancestor pairs with numpy
    broadcasting (cases × area levels × category levels), pair and day are
    packed into one int64 key and counted with ``np.unique``; ~400,000 cases
    × 5 × 3 levels take a second or two. The dense day axis costs rows ×
    days × 4 bytes (100,000 rows × 365 days: 146 MB) — ``min_total`` is
    the lever when that is too much."""
    day = np.asarray(day, dtype=np.int64)
    area = np.asarray(area, dtype=np.int64)
    category = np.asarray(category, dtype=np.int64)
    if not (day.shape == area.shape == category.shape) or day.ndim != 1:
        raise ValueError("day, area and category must be 1-D arrays of the same length")
    if days < 1:
        raise ValueError("days must be at least 1")
    for name, nodes, tree in (("area", area, area_tree), ("category", category, category_tree)):
        if len(nodes) and (nodes.min() < 0 or nodes.max() >= len(tree)):
            raise ValueError(f"a case's {name} node is not in the {name} tree")
    kept = (day >= 0) & (day < days)
    day, area, category = day[kept], area[kept], category[kept]

    n_categories = len(category_tree)
    up_area = area_tree.ancestor_table[area][:, :, None]  # cases × area levels × 1
    up_category = category_tree.ancestor_table[category][:, None, :]  # cases × 1 × category levels
    valid = (up_area >= 0) & (up_category >= 0)
    pair = (up_area * n_categories + up_category)[valid]
    key = pair * days + np.broadcast_to(day[:, None, None], valid.shape)[valid]
    key, per_key = np.unique(key, return_counts=True)

    pair, when = key // days, key % days  # (sorted by pair, then day)
    new_pair = np.r_[True, pair[1:] != pair[:-1]][: len(pair)]
    starts = np.flatnonzero(new_pair)
    row = np.cumsum(new_pair) - 1
    totals = np.add.reduceat(per_key, starts) if len(starts) else np.zeros(0, dtype=np.int64)
    keep_row = totals >= min_total
    new_row = np.cumsum(keep_row) - 1  # old row → row in the cube
    entry = keep_row[row]
    counts = np.zeros((int(keep_row.sum()), days), dtype=np.int32)
    # (through flat indices, which ascend: filling the fresh pages in order
    # takes half the time of the 2-D fancy index)
    counts.reshape(-1)[new_row[row[entry]] * days + when[entry]] = per_key[entry]
    pairs = pair[starts][keep_row]
    return Cube(
        area=pairs // n_categories,
        category=pairs % n_categories,
        counts=counts,
        area_tree=area_tree,
        category_tree=category_tree,
    )


def weekly(counts, *, length: int = 7) -> np.ndarray:
    """Sums over blocks of ``length`` days (the last axis) **ending on the
    last day**, so that the latest week is complete and ends today. The
    ``days % length`` leftover days at the *start* are dropped (the oldest
    history matters least and a partial first week would look like a dip);
    fewer days than ``length`` give no weeks."""
    counts = np.asarray(counts)
    if length < 1:
        raise ValueError("length must be at least 1")
    weeks = counts.shape[-1] // length
    tail = counts[..., counts.shape[-1] - weeks * length :]
    return tail.reshape(*counts.shape[:-1], weeks, length).sum(axis=-1)
