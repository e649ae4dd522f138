"""What the nightly run computes, from a ``Snapshot`` of cases to ranked
``Finding``s — plain data, no database: the services store them.

Four searches, each with its own statistics (``intel`` modules):

* **count series** (``series``): cases per area node × category node × day
  at every level of both trees (``intel.cubes``); each series is judged on
  the last day, over windows of 1, 3 and 7 days, against a negative-binomial
  forecast with weekday and yearly terms (``intel.glr.nb_glm``); p-values
  of thousands of series are held to a budget of false alarms per county
  per day (``intel.multiplicity``), and an area's alarm that one of its
  parts explains is ranked behind that part;
* **clusters** (``cluster``): the prospective space–time permutation scan
  over grid centroids (``intel.scan``), for all cases and per first-level
  class, zones kept inside a township so one township can act on them;
* **entities** (``entity``): the same employer, site or address named in
  more cases than before (``intel.entities``);
* **complainants and keywords** (``reporter``, ``keyword``): a resident
  calling more and more or threatening escalation, and the day's cases
  that say 跳楼, 讨薪, 聚集, 上访 ….
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from earlywarning.snapshot import Snapshot
from intel import cubes, entities, forecast, multiplicity, scan

log = logging.getLogger("changan.earlywarning")
GUARD_DAYS = 7  # days between the baseline and the days judged
CITY_LEVEL = 2  # regions.AreaLevel.CITY
SEQUENTIAL_FIRST, SEQUENTIAL_H = 99, 10  # the scan's sequential Monte Carlo (see _sequential_scan)
EXTREME = "极端"  # the keyword group that goes to the top of the list, whatever else is found


@dataclass(frozen=True)
class Parameters:
    history_days: int = 365
    false_alarms_per_county_day: float = 0.2  # the stated budget of false alarms
    min_series_cases: int = 3  # a series with fewer cases in the period is not tested
    glm_alpha: float = 0.01  # the bound drawn on the charts
    dense_cases_per_week: float = 1.0  # below this a series is forecast by its level only
    scan_replicates: int = 999
    scan_max_grids: int = 20
    scan_radius_m: float = 3000.0
    scan_max_days: int = 7
    scan_alpha: float = 0.01  # recurrence interval ≥ 100 days
    scan_in_township: bool = True
    scan_workers: int = 1
    entity_days: int = 90
    repeat_window: int = 30
    repeat_min_cases: int = 3
    keywords: dict[str, str] | None = None  # keyword → group; None: intel.entities' list
    chart_days: int = 56
    seed: int = 2026

    def __post_init__(self) -> None:
        if self.history_days < self.chart_days + 21:
            raise ValueError(
                f"history_days must be at least {self.chart_days + 21} (the chart and a baseline)"
            )
        if self.scan_replicates < 1:
            raise ValueError("scan_replicates must be at least 1")

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass
class Finding:
    kind: str
    method: str
    area_code: str
    category_code: str  # "" = all categories
    observed: float
    expected: float
    score: float
    p_value: float | None
    case_ids: list[int]
    window_days: int = 1
    upperbound: float | None = None
    entity: str = ""
    detail: dict = field(default_factory=dict)
    explained_by: int = -1  # index of a more specific finding in the same ranked list


def analyse(s: Snapshot, p: Parameters, *, progress: Callable[[str], None] = lambda _: None
            ) -> tuple[list[Finding], int]:  # fmt: skip
    """The day's findings, ranked, and how many count series were tested."""
    # Each search on its own: one failing (a bug, odd data) must not take
    # the others down with it — least of all the keyword alerts.
    progress("区域×类别序列 count series")
    series, tested = _guarded(lambda: count_series(s, p), ([], 0))
    progress("时空聚集 space–time clusters")
    clusters = _guarded(lambda: space_time_clusters(s, p), [])
    progress("同一对象 entities")
    named = _guarded(lambda: entity_signals(s, p), [])
    progress("重复反映与敏感词 complainants and keywords")
    reporters = _guarded(lambda: reporter_signals(s, p), [])
    extreme, other_keywords = _guarded(lambda: keyword_signals(s, p), ([], []))
    return _ranked(extreme, series, clusters + named, reporters + other_keywords), tested


def _guarded(search: Callable, nothing):
    try:
        return search()
    except Exception:
        log.exception("an early-warning search failed; the others go on")
        return nothing


# ---------------------------------------------------------- count series


def count_series(s: Snapshot, p: Parameters) -> tuple[list[Finding], int]:
    cube = cubes.build_cube(
        day=s.day_index, area=s.area_node, category=s.category_node, area_tree=s.area_tree,
        category_tree=s.category_tree, days=s.days, min_total=p.min_series_cases,
    )  # fmt: skip
    # Only series with a case in the last week can alarm today: the others
    # are not tested (and do not count against the budget).
    recent = cube.counts[:, -max(forecast.WINDOWS) :].sum(axis=1) > 0
    # Above the city (the province node of the code table) every series repeats the city's.
    in_city = s.area_level[cube.area] >= CITY_LEVEL
    rows = np.flatnonzero(recent & in_city)
    if not len(rows):
        return [], 0
    y = cube.counts[rows].astype(float)
    # The forecast covers the chart's days; only the last day is judged.
    fc = forecast.forecast(
        y, first=s.days - p.chart_days, first_weekday=s.date_of(0).weekday(), guard=GUARD_DAYS,
        refit_every=max(forecast.WINDOWS), dense_per_week=p.dense_cases_per_week,
        seasonal=s.days >= 2 * 365 + p.chart_days, alpha=p.glm_alpha,
    )  # fmt: skip
    test = forecast.window_test(y, fc, start=s.days - 1)
    pvalues, observed, expected, windows = (
        v[:, 0] for v in (test.pvalue, test.observed, test.expected, test.window)
    )
    county = [s.area_codes[a][:6] for a in cube.area[rows]]
    alarm = multiplicity.alarm_budget(pvalues, groups=county, budget=p.false_alarms_per_county_day)
    hits = np.flatnonzero(alarm)
    if not len(hits):
        return [], len(rows)
    pairs = [(int(a), int(c)) for a, c in zip(cube.area[rows[hits]], cube.category[rows[hits]], strict=True)]
    area_parent, category_parent = s.area_tree.parent, s.category_tree.parent

    def parents(pair: tuple[int, int]) -> list[tuple[int, int]]:
        a, c = pair
        return [q for q in ((int(area_parent[a]), c), (a, int(category_parent[c]))) if min(q) >= 0]

    order, explained = multiplicity.rank(
        pvalue=pvalues[hits], observed=observed[hits], expected=expected[hits], node=pairs, parent_of=parents,
        depth=[s.area_tree.depth[a] + s.category_tree.depth[c] for a, c in pairs],
    )  # fmt: skip
    findings = []
    position = {int(i): n for n, i in enumerate(order)}
    for i in order:
        h = hits[i]
        row = rows[h]
        w = int(windows[h])
        findings.append(
            Finding(
                kind="series", method="gamma_poisson" if fc.shared_rate[h] else "nb_glm",
                area_code=s.area_codes[cube.area[row]],
                category_code=s.category_codes[cube.category[row]], window_days=w,
                observed=float(observed[h]), expected=round(float(expected[h]), 3),
                upperbound=float(fc.upperbound[h, -1]), score=_strength(pvalues[h]),
                p_value=float(pvalues[h]),
                case_ids=[int(c) for c in s.case_id[cube.cases(row, s.days - w, s.days - 1, day=s.day_index,
                                                                area=s.area_node, category=s.category_node)]],
                detail={"chart": _chart(s, p, y[h], fc.expected[h], fc.upperbound[h])},
                explained_by=position.get(int(explained[i]), -1) if explained[i] >= 0 else -1,
            )
        )  # fmt: skip
    return findings, len(rows)


def _chart(s: Snapshot, p: Parameters, counts, expected, bound) -> dict:
    n = p.chart_days
    return {
        "dates": [s.date_of(i).isoformat() for i in range(s.days - n, s.days)],
        "observed": [int(v) for v in counts[-n:]],
        "expected": [round(float(v), 2) for v in expected[-n:]],
        "bound": [None if not np.isfinite(v) else float(v) for v in bound[-n:]],
    }


# ------------------------------------------------------------- clusters


def space_time_clusters(s: Snapshot, p: Parameters) -> list[Finding]:
    # Only grids with a centroid take part (a grid without one has no place on the map).
    placed = np.flatnonzero(np.isfinite(s.grid_lon) & np.isfinite(s.grid_lat))
    if not len(placed):
        return []
    where = np.full(len(s.grid_codes) + 1, -1)  # grid node → row of the scan (−1: not placed)
    where[placed] = np.arange(len(placed))
    location = where[s.grid_node]  # (a case without a grid has node −1 → the last entry, −1)
    located = location >= 0
    x, y = scan.lonlat_to_metres(s.grid_lon[placed], s.grid_lat[placed])
    townships = [s.grid_codes[g][:9] for g in placed] if p.scan_in_township else None
    zones = scan.neighbourhoods(x, y, max_k=p.scan_max_grids, max_radius=p.scan_radius_m, groups=townships)
    families = {"": np.ones(len(s.case_id), dtype=bool)}
    level1 = _level1_of(s)
    recent = s.day_index >= s.days - p.scan_max_days
    for code in sorted(set(level1[recent & located]) - {""}):
        families[code] = level1 == code
    findings = []
    for code, member in families.items():
        chosen = member & located
        if (chosen & recent).sum() < 3:  # nothing a cluster could be made of
            continue
        counts = np.zeros((len(placed), s.days), dtype=np.int64)
        np.add.at(counts, (location[chosen], s.day_index[chosen]), 1)
        for cluster in _significant(_sequential_scan(scan.permutation_scan, (counts,), zones, p), p):
            findings.append(_cluster_finding(s, p, cluster, code, chosen, counts, placed, method="stp_scan"))
        if code == "" and s.days >= 8 * 7 + GUARD_DAYS:
            # A rise everywhere at once keeps every zone's share: the
            # permutation scan cannot see it, the expectation-based one can.
            baselines = _grid_baselines(counts)
            for cluster in _significant(
                _sequential_scan(scan.expectation_scan, (counts, baselines), zones, p), p
            ):
                findings.append(
                    _cluster_finding(s, p, cluster, code, chosen, baselines, placed, method="ebp_scan")
                )
    return findings


def _significant(result: scan.ScanResult | None, p: Parameters) -> list:
    """The reported clusters up to the first above ``scan_alpha`` (they come
    strongest first, so the rest are weaker still)."""
    clusters = result.clusters if result is not None else []
    return list(itertools.takewhile(lambda c: c.p_value <= p.scan_alpha, clusters))


def _grid_baselines(counts: np.ndarray) -> np.ndarray:
    """Each grid's expected cases per day for the expectation-based scan:
    the Gamma–Poisson mean of its history before a one-week guard
    ((cases + ½) / days, so a grid with none still expects a little, as the
    scan needs), times the city's weekday pattern there."""
    past = counts[:, :-GUARD_DAYS]
    weekday = (np.arange(counts.shape[1]) - (counts.shape[1] - 1)) % 7  # today = 0
    totals = past.sum(axis=0)
    pattern = np.array([totals[weekday[:-GUARD_DAYS] == d].mean() for d in range(7)])
    pattern = np.where(pattern > 0, pattern / max(pattern.mean(), 1e-9), 1.0)
    level = (past.sum(axis=1, keepdims=True) + 0.5) / past.shape[1]
    return level * pattern[weekday][None, :]


def _sequential_scan(method, data: tuple, zones, p: Parameters) -> scan.ScanResult | None:
    """A scan with Besag and Clifford's (1991) sequential Monte Carlo: after
    the first ``SEQUENTIAL_FIRST`` replicates (seeded per replicate, so they
    are the first of the full run), if ``SEQUENTIAL_H`` of them already beat
    the most likely cluster, its p-value is at least h / (first + 1) — far
    above ``scan_alpha`` — and the remaining replicates are not drawn. Most
    days and classes have nothing, so most scans stop there; the ones that
    go on get the full count."""
    first = min(SEQUENTIAL_FIRST, p.scan_replicates)
    common = {"zones": zones, "max_days": p.scan_max_days, "seed": p.seed, "workers": p.scan_workers}
    result = method(*data, replicates=first, **common)
    if not result.clusters:
        return None
    beaten = int((result.replicate_llrs >= result.clusters[0].llr).sum())
    if first == p.scan_replicates:
        return result
    if beaten >= SEQUENTIAL_H and SEQUENTIAL_H / (first + 1) > p.scan_alpha:
        return None
    return method(*data, replicates=p.scan_replicates, **common)


def _level1_of(s: Snapshot) -> np.ndarray:
    """The first-level class of each case ("" when unclassified)."""
    level1 = []
    for node in range(len(s.category_codes)):
        path = s.category_tree.ancestors(node)
        # ancestors() runs leaf → root; the node just under the root is level 1.
        level1.append(s.category_codes[path[-2]] if len(path) >= 2 else "")
    return np.array(level1, dtype=object)[s.category_node]


def _cluster_finding(s: Snapshot, p: Parameters, cluster, code: str, chosen, expectation, placed, *,
                     method: str) -> Finding:  # fmt: skip
    """``expectation``: the counts (permutation scan: a zone's expectation
    is its share of each day's cases) or the baselines (expectation scan),
    rows as the scan's; ``placed`` maps those rows to grid nodes."""
    rows = np.array(cluster.locations)
    grids = placed[rows]
    in_zone = chosen & np.isin(s.grid_node, grids)
    in_cluster = in_zone & (s.day_index >= s.days - cluster.days)
    counts = np.zeros(s.days)
    np.add.at(counts, s.day_index[in_zone], 1)
    if method == "stp_scan":
        share = expectation[rows].sum() / max(expectation.sum(), 1)
        expected_daily = expectation.sum(axis=0) * share
    else:
        expected_daily = expectation[rows].sum(axis=0)
    centre = int(placed[cluster.centre])
    return Finding(
        kind="cluster", method=method, area_code=_common_area(s, s.area_node[in_cluster]),
        category_code=code, window_days=int(cluster.days), observed=float(cluster.observed),
        expected=round(float(cluster.expected), 3), score=float(cluster.llr), p_value=float(cluster.p_value),
        case_ids=[int(i) for i in s.case_id[in_cluster]],
        detail={
            "chart": _chart(s, p, counts, expected_daily, np.full(s.days, np.nan)),
            "grids": [s.grid_codes[g] for g in grids],
            "centre": [float(s.grid_lon[centre]), float(s.grid_lat[centre])],
            "radius_m": round(float(cluster.radius)),
            "relative_risk": round(float(cluster.relative_risk), 2),
            "recurrence_days": round(float(cluster.recurrence_days)),
            "replicates": p.scan_replicates,
        },
    )  # fmt: skip


def _common_area(s: Snapshot, nodes) -> str:
    """The smallest area holding every node."""
    nodes = [int(n) for n in np.unique(nodes)]
    common = None
    for node in nodes:
        path = list(s.area_tree.ancestors(node))[::-1]  # root → node
        common = path if common is None else [a for a, b in zip(common, path, strict=False) if a == b]
    return s.area_codes[common[-1]] if common else s.area_codes[0]


# ------------------------------------------------------------- entities


def entity_signals(s: Snapshot, p: Parameters) -> list[Finding]:
    """An employer, site or address named in more cases lately than its own
    past explains: the names' daily series (last ``entity_days``) judged by
    the same forecast and windows as the count series — a name seldom seen
    gets the level model, so a new name needs several cases at once — under
    the same false-alarm budget per county. Only names with a case on the
    judged day are tested."""
    first = s.days - p.entity_days
    keys, case_of_key = [], []
    for i in np.flatnonzero(s.day_index >= first):
        for name in entities.extract_entities(s.text[i]):
            keys.append(entities.entity_key(name))
            case_of_key.append(i)
    if not keys:
        return []
    keys_array, case_of_key = np.array(keys, dtype=object), np.array(case_of_key)
    names, series = entities.entity_series(
        keys, s.day_index[case_of_key] - first, days=p.entity_days, min_cases=2
    )
    today = np.flatnonzero(series[:, -1] > 0)
    if not len(today):
        return []
    y = series[today].astype(float)
    fc = forecast.forecast(y, first=p.entity_days - max(forecast.WINDOWS), guard=GUARD_DAYS,
                           dense_per_week=p.dense_cases_per_week, alpha=p.glm_alpha)  # fmt: skip
    test = forecast.window_test(y, fc, start=p.entity_days - 1)
    behind = [case_of_key[keys_array == names[r]] for r in today]
    county = [_county_of(s, cases) for cases in behind]
    alarm = multiplicity.alarm_budget(test.pvalue[:, 0], groups=county, budget=p.false_alarms_per_county_day)
    findings = []
    for i in np.flatnonzero(alarm):
        w = int(test.window[i, 0])
        cases = np.unique(behind[i][s.day_index[behind[i]] >= s.days - w])
        findings.append(
            Finding(
                kind="entity", method="entity_count", area_code=_common_area(s, s.area_node[cases]),
                category_code="", entity=names[today[i]], window_days=w, observed=float(test.observed[i, 0]),
                expected=round(float(test.expected[i, 0]), 3), score=_strength(test.pvalue[i, 0]),
                p_value=float(test.pvalue[i, 0]), case_ids=[int(s.case_id[c]) for c in cases],
            )
        )  # fmt: skip
    return findings


def _county_of(s: Snapshot, cases) -> str:
    """The county most of these cases come from (the budget's group)."""
    codes, counts = np.unique([s.area_codes[s.area_node[c]][:6] for c in cases], return_counts=True)
    return str(codes[np.argmax(counts)])


# --------------------------------------------- complainants and keywords


def _matcher(p: Parameters) -> entities.KeywordMatcher:
    return entities.KeywordMatcher(p.keywords if p.keywords else entities.ESCALATION_KEYWORDS)


def reporter_signals(s: Snapshot, p: Parameters) -> list[Finding]:
    """Residents whose calls are rising or turning to threats, reported on
    a day they called again."""
    today = s.days - 1
    window = np.flatnonzero(s.day_index > today - 2 * p.repeat_window)
    found = entities.repeat_reporters(
        [s.reporter[i] for i in window], s.day_index[window], today=today, window=p.repeat_window,
        min_cases=p.repeat_min_cases, texts=[s.text[i] for i in window], matcher=_matcher(p),
    )  # fmt: skip
    findings = []
    for r in found:
        if not r.reporter or not r.escalating:
            continue
        cases = window[np.array(r.cases)]
        if not (s.day_index[cases] == today).any():
            continue
        findings.append(
            Finding(
                kind="reporter", method="repeat_reporter", area_code=_common_area(s, s.area_node[cases]),
                category_code="", entity=s.reporter_label[cases[-1]], window_days=p.repeat_window,
                observed=float(r.count), expected=0.0, score=float(r.count), p_value=None,
                case_ids=[int(s.case_id[i]) for i in cases], detail={"reasons": r.reasons},
            )
        )  # fmt: skip
    return findings


def keyword_signals(s: Snapshot, p: Parameters) -> tuple[list[Finding], list[Finding]]:
    """The day's cases that use escalation words, one finding per keyword
    group and township; the extreme group (self-harm, violence) apart."""
    matcher = _matcher(p)
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    words: dict[tuple[str, str], set[str]] = defaultdict(set)
    for i in np.flatnonzero(s.day_index == s.days - 1):
        for hit in matcher.find(s.text[i]):
            township = s.area_codes[s.area_node[i]][:9]
            groups[(hit.group, township)].append(int(i))
            words[(hit.group, township)].add(hit.keyword)
    extreme, other = [], []
    for (group, township), cases in sorted(groups.items()):
        cases = sorted(set(cases))
        finding = Finding(
            kind="keyword", method="keyword", area_code=_common_area(s, s.area_node[cases]), category_code="",
            entity=group, observed=float(len(cases)), expected=0.0, score=float(len(cases)), p_value=None,
            case_ids=[int(s.case_id[i]) for i in cases],
            detail={"keywords": sorted(words[(group, township)])},
        )  # fmt: skip
        (extreme if group == EXTREME else other).append(finding)
    return extreme, other


# ------------------------------------------------------------------ rank


def _strength(p: float) -> float:
    """−log10 p: the score shown and sorted by (p below 1e-300 counts as 1e-300)."""
    return float(-np.log10(max(float(p), 1e-300)))


def _ranked(first: list[Finding], series: list[Finding], tested: list[Finding], last: list[Finding]
            ) -> list[Finding]:  # fmt: skip
    """One list: extreme keywords first; then the statistical findings by
    strength — the count series in their own order (a part before the area
    it explains), the clusters and entities slotted in by p-value —; then
    complainants and other keywords. ``explained_by`` is re-pointed at the
    explaining finding's place in this list."""
    tested = sorted(tested, key=lambda f: f.p_value)
    middle: list[Finding] = []
    for f in series:
        while tested and tested[0].p_value < f.p_value:
            middle.append(tested.pop(0))
        middle.append(f)
    middle += tested
    ranked = first + middle + last
    place = {id(f): n for n, f in enumerate(ranked)}
    for f in series:
        if f.explained_by >= 0:
            f.explained_by = place[id(series[f.explained_by])]
    return ranked
