"""The learned department router: which line of work (条线, the codes of
``orgs.models.Sector``) should lead on a letter, learned from the 商洛 mayor's
mailbox, where each letter names the unit that answered it.

It is the *second* signal for routing, next to the configurable category ×
place rules: the rules are what the platform decides, this only suggests.

The label is the answering unit, which is noisy, so it is cleaned first:

* ``normalise_agency`` turns the 194 raw spellings into canonical names
  (abbreviations and typos unified, the 商洛市/市 prefix stripped, county
  offices as "<county>人民政府");
* ``sector_of`` maps a canonical name to a sector code, to "local" (a county,
  district, township or street office answered: the place's own government
  handles it, whatever the matter), to "other" (a unit outside the platform's
  lines: utilities, tax, commerce …), or to None when the name carries no
  routing information (the central information office, which answers a third
  of the letters itself, and person names).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedGroupKFold

from intel.classifier import Suggestion, TextClassifier
from intel.grouping import near_duplicate_groups

LOCAL = "local"
OTHER = "other"
# Lines with fewer letters than this after cleaning are merged into "other":
# a class needs a couple of examples in each of 5 folds and in each of the
# classifier's 3 calibration folds, or its scores are noise.
MIN_CLASS = 10

COUNTIES = ("商州区", "洛南县", "丹凤县", "商南县", "山阳县", "镇安县", "柞水县")

# The central information office under its many names: it forwards letters
# or answers them itself, so it says nothing about who should handle one.
_INFO_OFFICE = re.compile(r"^(?:商洛市|市)?(?:政府)?(?:政务)?信息化?(?:办公室|服务中心|中心|办)")
INFO_OFFICE = "信息办"

# Typos and damaged strings seen in the data, fixed before anything else.
_TYPOS = (
    ("商路市", "商洛市"),
    ("商洛市市", "商洛市"),
    ("委委员会", "委员会"),
    ("办公室心", "办公室"),
    ("人民政府局", "人民政府"),
    ("商县县", "商州区"),  # 商县 is the old name of 商州
)

# Abbreviations → the full name the unit uses itself (substring replacements,
# in this order). Predecessor units (环境保护局, 国土资源局, 卫生局 …) keep
# their own names; ``SECTORS`` maps them to the line that took them over.
_ABBREVIATIONS = (
    ("交警", "交通警察"),
    ("住房与城乡建设局", "住房和城乡建设局"),
    ("住建局", "住房和城乡建设局"),
    ("城管局", "城市管理局"),
    ("交通局", "交通运输局"),
    ("人社局", "人力资源和社会保障局"),
    ("人力和社会保障局", "人力资源和社会保障局"),
    ("发改委", "发展和改革委员会"),
    ("房管局", "房产管理局"),
    ("社保局", "社会保障事业管理局"),
    ("环保局", "环境保护局"),
    ("残联", "残疾人联合会"),
    ("移民办", "移民（脱贫）搬迁工作办公室"),
    ("管委会", "管理委员会"),
    ("计生局", "计划生育局"),
    ("市监局", "市场监督管理局"),
    ("市场监管局", "市场监督管理局"),
    ("中国铁塔商洛市分公司", "中国铁塔股份有限公司商洛市分公司"),
)
_COUNTY = "|".join(COUNTIES)
# "丹凤县政府办", "商州区人民政府办公室", "丹凤县" … → "<county>人民政府".
_COUNTY_OFFICE = re.compile(rf"^({_COUNTY})(?:人民)?(?:政府)?(?:办公室|办)?$")
# "镇安县人民政府永乐街道办事处" → "镇安县永乐街道办事处".
_COUNTY_GOVERNMENT_INFIX = re.compile(rf"^({_COUNTY})人民政府(.+)$")
# County names written without 县/区 ("丹凤人民政府办公室", "商州交警大队").
_BARE_COUNTY = re.compile(r"^(商州|洛南|丹凤|商南|山阳|镇安|柞水)(?![县区])")
_CITY_PREFIX = re.compile(r"^(?:商洛市|市(?!政局|场))")  # 市政局 is a unit, not 市 + 政局
_ZONE_PREFIX = re.compile(r"^(?:商洛)?高新区(?:（商丹园区）)?")

# Canonical agency name → line, by the first keyword (in this order) that the
# name contains. Successor lines after the 2018 reform: 环境保护 → ecology,
# 国土/林业 → natural_resources, 卫生/计生 → health, 工商/食品药品/物价 →
# market_regulation, 法制办 → justice, 消防 → emergency. Judgement calls:
# 医疗保障 (no line of its own on the platform) → health; 住房公积金 and the
# housing-project offices → housing; 扶贫/脱贫/移民搬迁 (now 乡村振兴, under
# 农业农村) → agriculture; 市政局 and the park office → urban_management.
SECTORS: tuple[tuple[str, str], ...] = (
    ("公安", "public_security"),
    ("交通警察", "public_security"),
    ("交通管理大队", "public_security"),
    ("车管所", "public_security"),
    ("消防", "emergency"),
    ("应急管理", "emergency"),
    ("司法", "justice"),
    ("法制办", "justice"),
    ("信访", "petitions"),
    ("生态环境", "ecology"),
    ("环境保护", "ecology"),
    ("城市管理", "urban_management"),
    ("市政局", "urban_management"),
    ("公园管理", "urban_management"),
    ("住房和城乡建设", "housing"),
    ("建设局", "housing"),
    ("房产管理", "housing"),
    ("住房公积金", "housing"),
    ("物业管理", "housing"),
    ("保障性住房", "housing"),
    ("小区建设", "housing"),
    ("旧城改建", "housing"),
    ("建设管理处", "housing"),
    ("交通运输", "transport"),
    ("公路", "transport"),
    ("教育", "education"),
    ("招生", "education"),
    ("职业技术学院", "education"),
    ("人力资源", "human_resources"),
    ("社会保障", "human_resources"),
    ("养老保险", "human_resources"),
    ("卫生", "health"),
    ("计划生育", "health"),
    ("医疗保障", "health"),
    ("合作医疗", "health"),
    ("疫情防控", "health"),
    ("市场监督", "market_regulation"),
    ("工商", "market_regulation"),
    ("食品药品", "market_regulation"),
    ("物价", "market_regulation"),
    ("水利", "water"),
    ("水务", "water"),
    ("自然资源", "natural_resources"),
    ("国土", "natural_resources"),
    ("林业", "natural_resources"),
    ("民政局", "civil_affairs"),  # not 民政: 人民政府 contains it
    ("农业农村", "agriculture"),
    ("扶贫", "agriculture"),
    ("脱贫", "agriculture"),
    # The place's own government (county, district, township, street,
    # village, the development zone's administration, the district Party committee).
    ("人民政府", LOCAL),
    ("办事处", LOCAL),
    ("村民委员会", LOCAL),
    ("管理委员会", LOCAL),
    ("社区管理局", LOCAL),
    ("区委", LOCAL),
    ("县委", LOCAL),
)
# What a unit's name ends with; a string that matches no keyword and does not
# end like a unit (彭珊, 宋涛) is a person, not a unit.
_UNIT = re.compile(r"(?:局|办|办公室|委员会|中心|政府|处|公司|分公司|会|队|所|院|组|县|区)$")


def _normalise_one(name: str) -> str:
    name = re.sub(r"\s+", "", name)
    for wrong, right in _TYPOS:
        name = name.replace(wrong, right)
    if "供电" in name:  # 商洛供电局/商洛供电公司/国网商洛供电公司/市供电局 …
        return "国网商洛供电公司"
    name = _CITY_PREFIX.sub("", name)
    name = _ZONE_PREFIX.sub("高新区", name)
    name = _BARE_COUNTY.sub(lambda m: m[1] + ("区" if m[1] == "商州" else "县"), name)
    for short, full in _ABBREVIATIONS:
        name = name.replace(short, full)
    if match := _COUNTY_OFFICE.match(name):
        return f"{match[1]}人民政府"
    if match := _COUNTY_GOVERNMENT_INFIX.match(name):
        return match[1] + match[2]
    return name


def normalise_agency(raw: str) -> str:
    """The canonical name of the unit(s) that answered: several units (written
    with spaces, or glued after the information office) are normalised one by
    one and joined with "、", in the order given, because the first is the lead."""
    parts: list[str] = []
    for piece in (raw or "").split():
        if match := _INFO_OFFICE.match(piece):
            parts.append(INFO_OFFICE)
            piece = piece[match.end() :]
            if not piece:
                continue
        parts.append(_normalise_one(piece))
    return "、".join(dict.fromkeys(p for p in parts if p))


def _sector_of_one(name: str) -> str | None:
    if name == INFO_OFFICE:
        return None
    for keyword, sector in SECTORS:
        if keyword in name:
            return sector
    return OTHER if _UNIT.search(name) else None


def sector_of(agency: str) -> str | None:
    """The line (a ``Sector`` code, "local" or "other") of a canonical agency
    name, or None when it carries no routing information. Of several units the
    first that carries information decides (the information office forwarding
    to a district is the district's letter)."""
    for name in (agency or "").split("、"):
        if (sector := _sector_of_one(name)) is not None:
            return sector
    return None


# --- training data -----------------------------------------------------------


def letter_text(title: str, body: str) -> str:
    """What the router reads: the title says the matter most plainly."""
    return f"{(title or '').strip()}。{(body or '').strip()}"


@dataclass
class RoutingData:
    """Letters with a usable line, and what was dropped or merged on the way."""

    texts: list[str]
    labels: list[str]
    agencies: Counter  # canonical name → letters (all letters)
    dropped: dict[str, int]  # reason → letters
    merged: dict[str, int]  # small line → letters moved to "other"
    unmapped: dict[str, int] = field(default_factory=dict)  # canonical name → letters labelled "other"

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(self.labels).most_common())


def routing_data(letters: Iterable, *, min_class: int = MIN_CLASS) -> RoutingData:
    """Texts and lines of ``intel.data.Letter``s: the information office and
    person names are dropped (no routing information), lines with fewer than
    ``min_class`` letters are merged into "other"."""
    texts, labels, agencies = [], [], Counter()
    dropped: Counter = Counter()
    unmapped: Counter = Counter()
    for letter in letters:
        agency = normalise_agency(letter.agency)
        agencies[agency] += 1
        sector = sector_of(agency)
        if sector is None:
            dropped[
                "information office" if agency.startswith(INFO_OFFICE) or not agency else "person name"
            ] += 1
            continue
        text = letter_text(letter.title, letter.text)
        if len(text) <= 1:
            dropped["empty letter"] += 1
            continue
        if sector == OTHER:
            unmapped[agency] += 1
        texts.append(text)
        labels.append(sector)
    small = {s: n for s, n in Counter(labels).items() if n < min_class and s != OTHER}
    labels = [OTHER if s in small else s for s in labels]
    merged = dict(sorted(small.items(), key=lambda kv: -kv[1]))
    return RoutingData(texts, labels, agencies, dict(dropped), merged, dict(unmapped.most_common()))


# --- the router ---------------------------------------------------------------


class DepartmentRouter:
    """Title + letter → the likeliest lines, with calibrated confidence.

    A thin layer over ``TextClassifier`` (character n-grams → NB-SVM + SVM,
    stacked and calibrated by a logistic regression): with
    ~750 letters over ~12 lines a linear model on sparse n-grams is what the
    data can carry, and the shared classifier already handles the imbalance
    (balanced class weights) and calibration."""

    def __init__(self, classifier: TextClassifier | None = None, *, seed: int = 2026):
        self.classifier = classifier or TextClassifier(seed=seed, head=0)  # measured without head n-grams

    prepare = staticmethod(TextClassifier.prepare)

    def fit(self, prepared: Sequence[str], sectors: Sequence[str]) -> DepartmentRouter:
        self.classifier.fit(prepared, sectors)
        return self

    @property
    def labels(self) -> list[str]:
        return self.classifier.labels

    def suggest(self, texts: Sequence[str], *, top: int = 3) -> list[list[Suggestion]]:
        """The ``top`` likeliest lines of each raw text (``letter_text``)."""
        return self.classifier.suggest(texts, top=top)

    def route(self, title: str, body: str, *, top: int = 3) -> list[Suggestion]:
        return self.suggest([letter_text(title, body)], top=top)[0]

    def save(self, path: Path, card: dict) -> None:
        self.classifier.save(path, card)

    @staticmethod
    def load(path: Path) -> DepartmentRouter:
        return DepartmentRouter(TextClassifier.load(path))


# --- the keyword baseline -------------------------------------------------------

# What a dispatcher without a model would do: count line keywords in the
# letter; no keyword → the majority line. Only a yardstick for the router.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "public_security": (
        "交警",
        "违章",
        "驾驶",
        "派出所",
        "公安",
        "报警",
        "诈骗",
        "户口",
        "身份证",
        "酒驾",
        "摩托",
    ),
    "transport": ("公交", "出租车", "客运", "公路", "班车", "运输", "高速", "车站"),
    "urban_management": ("城管", "占道", "摊贩", "路灯", "垃圾", "广告牌", "市容", "绿化"),
    "housing": ("物业", "小区", "房产证", "开发商", "住房", "公积金", "拆迁", "安置房", "业主"),
    "education": ("学校", "教师", "老师", "学生", "幼儿园", "教育", "招生", "上学"),
    "human_resources": ("工资", "社保", "养老", "劳动", "欠薪", "退休", "农民工", "工伤"),
    "health": ("医院", "医保", "医疗", "卫生", "疫情", "报销", "疫苗", "核酸"),
    "ecology": ("污染", "排放", "噪音", "环保", "污水", "粉尘"),
    "natural_resources": ("土地", "国土", "采矿", "林地", "规划", "宅基地"),
    "agriculture": ("扶贫", "贫困户", "农业", "移民搬迁", "养殖"),
    "water": ("自来水", "停水", "水利", "河道"),
    "civil_affairs": ("低保", "民政", "婚姻", "殡葬"),
    "market_regulation": ("价格", "食品", "假冒", "市场监管", "收费"),
}


def keyword_scores(text: str, labels: Sequence[str]) -> np.ndarray:
    """Keyword hits per label (labels without keywords score 0)."""
    return np.array([sum(text.count(k) for k in KEYWORDS.get(label, ())) for label in labels], dtype=float)


# --- evaluation -------------------------------------------------------------------


@dataclass
class Scores:
    accuracy: float
    macro_f1: float  # mean over folds, like intel.classifier.evaluate
    top3: float

    def rounded(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in vars(self).items()}


@dataclass
class RouterEvaluation:
    router: Scores
    majority: Scores
    keywords: Scores
    per_class_f1: dict[str, float]
    fold_accuracy: list[float]
    letters: int
    groups: int
    seconds: float


def _scores(truth: np.ndarray, ranked: np.ndarray, splits: list[np.ndarray]) -> Scores:
    return Scores(
        accuracy=float(np.mean(ranked[:, 0] == truth)),
        macro_f1=float(np.mean([f1_score(truth[t], ranked[t, 0], average="macro") for t in splits])),
        top3=float(np.mean([label in row[:3] for label, row in zip(truth, ranked, strict=True)])),
    )


def cross_validate(
    prepared: Sequence[str],
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    folds: int = 5,
    seed: int = 2026,
    progress: Callable[[int], object] | None = None,
) -> RouterEvaluation:
    """Grouped, stratified k-fold with the same folds as
    ``intel.classifier.evaluate`` (near-duplicate groups, same splitter and
    seed), adding what it does not report: accuracy, top-3 accuracy and the
    majority and keyword baselines, each trained on the same training folds."""
    started = time.monotonic()
    truth = np.asarray(labels, dtype=object)
    groups = near_duplicate_groups(prepared)
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    ranked = {name: np.empty((len(truth), 3), dtype=object) for name in ("router", "majority", "keywords")}
    splits = []
    for train, test in splitter.split(prepared, truth, groups):
        splits.append(test)
        router = DepartmentRouter(seed=seed).fit([prepared[i] for i in train], truth[train])
        for i, suggestions in zip(test, router.suggest([texts[i] for i in test], top=3), strict=True):
            ranked["router"][i] = [s.label for s in suggestions]
        frequent = [label for label, _ in Counter(truth[train]).most_common()]
        ranked["majority"][test] = frequent[:3]
        for i in test:
            hits = keyword_scores(texts[i], frequent)
            # stable sort: ties (and no hits at all) fall back to frequency
            ranked["keywords"][i] = [frequent[j] for j in np.argsort(-hits, kind="stable")[:3]]
        if progress:
            progress(1)
    names = sorted(set(truth))
    per_class = f1_score(truth, ranked["router"][:, 0], average=None, labels=names)
    return RouterEvaluation(
        router=_scores(truth, ranked["router"], splits),
        majority=_scores(truth, ranked["majority"], splits),
        keywords=_scores(truth, ranked["keywords"], splits),
        per_class_f1={n: float(f) for n, f in zip(names, per_class, strict=True)},
        fold_accuracy=[float(np.mean(ranked["router"][t, 0] == truth[t])) for t in splits],
        letters=len(truth),
        groups=int(groups.max() + 1),
        seconds=time.monotonic() - started,
    )
