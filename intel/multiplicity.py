"""Many tests a day (多重检验): the nightly run tests thousands of
(area, category) series, so at a per-test level of 5 % a district would
see dozens of false alarms every morning and stop reading them. This module
turns per-series p-values into alarms with a stated error budget, and ranks
the alarms so that the most specific place comes first.

Plain numpy, no Django."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Iterable
from typing import NamedTuple

import numpy as np


def alarm_budget(pvalues, *, groups, budget: float = 0.1) -> np.ndarray:
    """Alarms with at most ``budget`` expected false alarms per group and day.

    Each group (a district: the people who read the alarms) with n tests
    today gives each test the level alpha = budget / n. Under the null
    hypothesis a valid p-value satisfies P(p ≤ alpha) ≤ alpha, and the
    expected number of false alarms is a sum of expectations whatever the
    dependence between tests: E[false alarms] = Σ P(p_i ≤ alpha_i) ≤ n ·
    budget / n = budget. (So, by Markov's inequality, the chance of any false
    alarm in the group is ≤ budget too: Bonferroni per group.) With
    budget = 0.1 a district sees a false alarm about every ten days, however
    many series it has. NaN p-values (a series that could not be tested)
    never alarm and do not count in n."""
    p = np.asarray(pvalues, dtype=float)
    groups = np.asarray(groups)
    if groups.shape != p.shape or p.ndim != 1:
        raise ValueError("pvalues and groups must be 1-D arrays of the same length")
    if budget <= 0:
        raise ValueError("budget must be positive")
    tested = ~np.isnan(p)
    _, group = np.unique(groups, return_inverse=True)
    n = np.bincount(group.ravel(), weights=tested)[group.ravel()]
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = budget / n
    return tested & (np.where(tested, p, np.inf) <= alpha)


def benjamini_hochberg(pvalues, *, q: float = 0.05, dependent: bool = False) -> np.ndarray:
    """Alarms controlling the false discovery rate at ``q`` (Benjamini &
    Hochberg 1995): sort the m p-values, find the largest k with
    p_(k) ≤ k·q/m, and alarm on the k smallest. The expected share of false
    alarms among the alarms is then ≤ q for independent or positively
    dependent tests — a looser promise than ``alarm_budget`` and more alarms
    on a bad day.

    ``dependent=True`` is Benjamini & Yekutieli (2001): q is divided by
    Σ_{i=1..m} 1/i, which holds under any dependence (overlapping series of a
    cube — a village and its township — are dependent).

    NaN p-values never alarm and do not count in m."""
    p = np.asarray(pvalues, dtype=float)
    if p.ndim != 1:
        raise ValueError("pvalues must be a 1-D array")
    tested = np.flatnonzero(~np.isnan(p))
    alarm = np.zeros(p.shape, dtype=bool)
    m = len(tested)
    if not m:
        return alarm
    level = q / np.sum(1.0 / np.arange(1, m + 1)) if dependent else q
    order = tested[np.argsort(p[tested], kind="stable")]
    below = np.flatnonzero(p[order] <= level * np.arange(1, m + 1) / m)
    if len(below):
        alarm[order[: below[-1] + 1]] = True
    return alarm


class Ranking(NamedTuple):
    order: np.ndarray  # alarm indices, the one to show first first
    explained_by: np.ndarray  # per alarm, the alarm that explains it, or −1


def rank(*, pvalue, observed, expected, node, parent_of: Callable | np.ndarray, depth,
         share: float = 0.7) -> Ranking:  # fmt: skip
    """Order significant alarms for reading: strongest first (smaller p, then
    larger excess observed − expected), but a **more specific place before
    a broader one it explains**.

    A township alarm is usually the echo of one village's burst. When an
    alarm's node has a descendant alarm whose excess is at least ``share``
    of its own (positive) excess, that descendant *explains* it: the
    ancestor is marked ``explained_by`` the descendant and is shown only
    after it — at its own p-value place if that is later anyway. Of several
    explaining descendants the most specific one (largest ``depth``) is
    named, then the one with the larger excess, then the smaller p. An
    ancestor that no descendant explains (the excess is spread over many
    villages, itself a finding) keeps its place by strength.

    All arguments are per alarm (same length): ``node`` the alarm's node,
    ``depth`` its depth (``Tree.depth[node]``). ``parent_of`` gives a node's
    parent: an array (node index → parent, −1 for a root), or a callable
    returning the parent, None/−1 for a root, or a list/set of parents (a
    tuple is one node) — so that a node of an (area, category) cube, whose
    parents are (area's parent, category) and (area, category's parent),
    can be ranked too (its depth: the sum of the two depths)."""
    p = np.asarray(pvalue, dtype=float)
    excess = np.asarray(observed, dtype=float) - np.asarray(expected, dtype=float)
    depth = np.asarray(depth)
    nodes = list(node.tolist() if isinstance(node, np.ndarray) else node)
    n = len(nodes)
    if not (len(p) == len(excess) == len(depth) == n):
        raise ValueError("pvalue, observed, expected, node and depth must have one value per alarm")
    parents = _parents_function(parent_of)

    alarms_at: dict[Hashable, list[int]] = {}
    for i, where in enumerate(nodes):
        alarms_at.setdefault(where, []).append(i)
    # Walk up from each alarm: every alarm on an ancestor node is a candidate to be explained by it.
    explained_by = np.full(n, -1, dtype=np.int64)
    best: list[tuple | None] = [None] * n
    for d in range(n):
        for a in _strict_ancestor_alarms(nodes[d], parents, alarms_at):
            if excess[a] > 0 and excess[d] >= share * excess[a]:
                key = (-depth[d], -excess[d], p[d], d)
                if best[a] is None or key < best[a]:
                    best[a], explained_by[a] = key, d

    # Emit by strength, an alarm becoming ready once its explainer is out. The
    # explainer is strictly deeper, so the chains end: no alarm waits forever.
    strength = np.lexsort((np.arange(n), -excess, p))
    position = np.empty(n, dtype=np.int64)
    position[strength] = np.arange(n)
    waiting: dict[int, list[int]] = {}
    ready = []
    for i in range(n):
        if explained_by[i] >= 0:
            waiting.setdefault(int(explained_by[i]), []).append(i)
        else:
            ready.append((position[i], i))
    heapq.heapify(ready)
    order = []
    while ready:
        _, i = heapq.heappop(ready)
        order.append(i)
        for j in waiting.pop(i, []):
            heapq.heappush(ready, (position[j], j))
    return Ranking(np.array(order, dtype=np.int64), explained_by)


def _parents_function(parent_of) -> Callable[[Hashable], Iterable[Hashable]]:
    if callable(parent_of):

        def parents(x):
            up = parent_of(x)
            if up is None:
                return ()
            if isinstance(up, Iterable) and not isinstance(up, (str, bytes, tuple)):
                return [u for u in up if u is not None and u != -1]
            return () if up == -1 else (up,)

        return parents
    table = np.asarray(parent_of, dtype=np.int64)
    return lambda x: () if table[x] < 0 else (int(table[x]),)


def _strict_ancestor_alarms(start, parents, alarms_at) -> list[int]:
    """Alarms on the nodes strictly above ``start`` (each once, even in a DAG)."""
    seen, found, frontier = set(), [], list(parents(start))
    while frontier:
        x = frontier.pop()
        if x in seen:
            continue
        seen.add(x)
        found.extend(alarms_at.get(x, ()))
        frontier.extend(parents(x))
    return found
