"""Entity and keyword signals for 探照灯, beside the area × category cube:

* escalation keywords (跳楼, 讨薪, 堵路, 进京 …) — a single case that says one
  of them is worth a look whatever the counts say;
* employers, sites and addresses named in the text (…公司, …工地, …小区) —
  ten wage complaints against one company in a week are one matter even
  when they come from ten grids, and the area axis would miss them;
* repeat reporters (重复来电) and whether they are escalating.

Plain Python + numpy, no Django: the early-warning job passes texts,
reporter keys and day indices."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

# Escalation keywords and the group each belongs to (the group is what a reader
# sees: "极端" needs a call today, "上访" a visit this week). Bare "集体" is left
# out on purpose: 集体土地/集体经济 are everyday words in land complaints.
ESCALATION_KEYWORDS: dict[str, str] = {
    **dict.fromkeys(["跳楼", "自杀", "轻生", "喝药", "喝农药", "自焚", "同归于尽", "不想活"], "极端"),
    **dict.fromkeys(["讨薪", "欠薪", "拖欠工资", "农民工工资", "不发工资"], "讨薪"),
    **dict.fromkeys(["聚集", "围堵", "堵路", "拉横幅", "静坐", "集体讨要", "集体去", "集体到"], "聚集"),
    **dict.fromkeys(["上访", "进京", "赴省", "信访", "越级"], "上访"),
}

# Full-width ASCII (！ … ～) and the ideographic space fold to their half-width
# forms, ASCII letters to lower case: one character for one.
_FOLD = {
    0x3000: " ",
    **{c: chr(c - 0xFEE0).lower() for c in range(0xFF01, 0xFF5F)},
    **{c: chr(c).lower() for c in range(ord("A"), ord("Z") + 1)},
}


def fold(text: str) -> str:
    """Full-width → half-width and ASCII lower case, keeping every position."""
    return (text or "").translate(_FOLD)


def _any_width(folded: str) -> str:
    """A regex matching ``folded`` written in any width and ASCII case.
    (The pattern takes the variants rather than folding every text first:
    ``str.translate`` over 100,000 texts costs seconds, the few character
    classes nothing — Chinese keywords have no variants at all.)"""
    out = []
    for ch in folded:
        forms = {ch, ch.upper()} if ch.isascii() else {ch}
        forms |= {chr(ord(f) + 0xFEE0) for f in list(forms) if "!" <= f <= "~"}
        if ch == " ":
            forms.add("\u3000")
        out.append(re.escape(ch) if len(forms) == 1 else "[" + "".join(sorted(map(re.escape, forms))) + "]")
    return "".join(out)


@dataclass(frozen=True)
class Hit:
    keyword: str  # as configured (not as written in the text)
    group: str
    start: int  # position in the text given to ``find``


class KeywordMatcher:
    """Finds escalation keywords in texts with one compiled alternation
    (longest keyword first, so 喝农药 wins over 喝药 where both could match).
    Matching ignores width and ASCII case. ``keywords`` maps keyword →
    group; a plain list makes each keyword its own group."""

    def __init__(self, keywords: Mapping[str, str] | Iterable[str] | None = None) -> None:
        if keywords is None:
            keywords = ESCALATION_KEYWORDS
        if not isinstance(keywords, Mapping):
            keywords = {k: k for k in keywords}
        self._keyword: dict[str, str] = {}  # folded → as configured
        self._group: dict[str, str] = {}
        for keyword, group in keywords.items():
            folded = fold(keyword)
            if folded:
                self._keyword[folded], self._group[folded] = keyword, group
        if not self._keyword:
            raise ValueError("no keywords")
        alternation = "|".join(map(_any_width, sorted(self._keyword, key=len, reverse=True)))
        self._pattern = re.compile(alternation)

    def find(self, text: str) -> list[Hit]:
        """The keywords in ``text``, in order (non-overlapping)."""
        hits = []
        for m in self._pattern.finditer(text or ""):
            folded = fold(m.group())
            hits.append(Hit(self._keyword[folded], self._group[folded], m.start()))
        return hits

    def groups(self, text: str) -> set[str]:
        """The groups of the keywords in ``text``."""
        return {self._group[fold(m)] for m in self._pattern.findall(text or "")}


# ---------------------------------------------------------------- entities

# Legal-form endings that say nothing about which company it is.
_LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "股份公司")
_ENDINGS_DROPPED = (re.compile(f"(?:{'|'.join(_LEGAL_FORMS)})$"), re.compile("公司$"))
_PUNCTUATION_AND_SPACE = re.compile(r"[\W_]+")


def entity_key(text: str) -> str:
    """A key under which the mentions of one employer/site/address agree:
    NFKC (full-width → half-width), lower case, spaces and punctuation
    removed, then a trailing legal form (有限公司, 有限责任公司, 股份有限公司,
    股份公司) and a trailing bare 公司 dropped — "XX建筑有限公司", "ＸＸ建筑公司"
    and "xx 建筑" share "xx建筑" — unless that would leave fewer than two
    characters (the suffix is then part of what little name there is)."""
    key = _PUNCTUATION_AND_SPACE.sub("", unicodedata.normalize("NFKC", text or "").lower())
    for ending in _ENDINGS_DROPPED:
        shorter = ending.sub("", key)
        if len(shorter) >= 2:
            key = shorter
    return key


# What a mention ends with. Longest first; 厂/市场 not where they start another
# word (厂家, 厂房, 市场监管局 — the regulator, named in many complaints).
_SUFFIX = re.compile(
    "(?:股份有限公司|有限责任公司|有限公司|股份公司|公司|项目|工地|"
    "厂(?![家房区长商方])|小区|市场(?![监管部价经化份主秩行])|"
    "学校|幼儿园|小学(?!生)|中学(?!生)|医院|酒店|宾馆)"
)
_NAME_CHAR = r"[\u4e00-\u9fffA-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]"
_NAME_RUN = re.compile(f"{_NAME_CHAR}*$")
# Where a name cannot go further left: pronouns (with a following 和/与/跟…),
# verbs and prepositions that introduce a place, times. Kept to words that
# names seldom contain (和/向/同 alone are not here: 和平小区, 向阳小区).
_BEFORE_NAME = re.compile(
    "(?:我们|他们|你们|我|他|她)(?:和|与|跟|同|向|对|给|被|在|到|去)?|"
    "位于|关于|对于|反映|投诉|举报|入职|就职|任职|受雇于|居住在|住在|居住|工作|干活|打工|上班|"
    "购买|买了|入住|承建|"
    "的|在|到|去|找|被|把|了|是|从|由|说|"
    "今年|去年|前年|最近|目前|现在|当时|之前|以来|"
    "[0-9一二三四五六七八九十两几多]+(?:年|个月|月|日)"
)
# Words that point at a place without naming it (该公司, 这个工地), dropped from
# the front of a name. Single characters that also begin real names (本溪,
# 那曲, 贵州) are not dropped; what follows them must be a name on its own.
_DETERMINERS = re.compile("^(?:这个|那个|这家|那家|这些|那些|一家|一个|该|某|此)")
_POINTING = "本这那其贵各"
# Names too generic to tell one place from another (物业公司, 建筑工程公司).
_GENERIC_WORDS = (
    "物业 施工 建筑 工程 劳务 开发 装修 建设 房地产 开发商 拆迁 改造 安置 农贸 小区 "
    "项目 工地 附近 周边 当地 所在 上述 涉事 相关 有关 这 那 该 某 本"
)
_GENERIC = re.compile(f"(?:{'|'.join(sorted(_GENERIC_WORDS.split(), key=len, reverse=True))})+")
MAX_NAME = 20  # characters before the ending; longer runs are sentences without punctuation


def extract_entities(text: str) -> list[str]:
    """Employers, sites and addresses named in a complaint, in order of
    first mention, each once: "…公司", "…工地", "…项目", "…厂", "…小区",
    "…市场", "…学校/小学/中学/幼儿园", "…医院", "…酒店/宾馆".

    Conservative on purpose (a wrong entity makes a false cluster): the
    name is the run of ideographs, letters and digits before the ending, cut
    after the last word that introduces a place (在, 到, 投诉, 我们和, 的,
    "3月" …); it must keep at least two characters after a determiner (该,
    这个 …) and not be made of generic words only (物业公司, 建筑工程公司).
    Legal forms are dropped ("XX建筑工程有限公司" → "XX建筑工程"); other endings
    are kept — they tell a 小区 from a 医院. An ending right after another
    mention extends it ("安置房项目工地")."""
    text = text or ""
    found: list[tuple[int, int, str]] = []  # start, end, name
    for m in _SUFFIX.finditer(text):
        if found and found[-1][1] == m.start():  # "…项目" + "工地": one mention
            start, _, name = found.pop()
            found.append((start, m.end(), name + m.group()))
            continue
        left = max(m.start() - MAX_NAME - 1, found[-1][1] if found else 0)
        window = text[left : m.start()]
        run = _NAME_RUN.search(window).group()
        cut = 0
        for b in _BEFORE_NAME.finditer(run):
            cut = b.end()
        name = _DETERMINERS.sub("", run[cut:])
        own = name[1:] if name[:1] and name[0] in _POINTING else name
        if len(run) - cut > MAX_NAME or len(own) < 2 or _GENERIC.fullmatch(own):
            continue  # (a run with no start within reach: not sure where the name starts)
        ending = "" if m.group() in _LEGAL_FORMS else m.group()
        found.append((m.start() - len(name), m.end(), name + ending))
    out: list[str] = []
    for _, _, name in found:
        if name not in out:
            out.append(name)
    return out


def entity_series(keys: Sequence[str], day, *, days: int, min_cases: int = 2) -> tuple[list[str], np.ndarray]:
    """Daily counts per entity key, to run the temporal detectors on an
    entity axis. ``keys[i]`` and ``day[i]`` are one (case, entity) pair — a
    case naming two entities appears twice; pass keys from ``entity_key``.
    Empty keys and days outside 0 … days − 1 are ignored; keys with fewer than
    ``min_cases`` counted cases get no row. Rows go by total (largest first),
    then key. Returns the keys and the counts (rows × days, int32)."""
    day = np.asarray(day, dtype=np.int64)
    if len(keys) != len(day):
        raise ValueError("keys and day must have the same length")
    kept = np.flatnonzero((day >= 0) & (day < days) & np.array([bool(k) for k in keys], dtype=bool))
    if not len(kept):
        return [], np.zeros((0, days), dtype=np.int32)
    names, which = np.unique(np.asarray([keys[i] for i in kept], dtype=object), return_inverse=True)
    counts = np.zeros((len(names), days), dtype=np.int32)
    np.add.at(counts, (which, day[kept]), 1)
    totals = counts.sum(axis=1)
    by_size = sorted(range(len(names)), key=lambda r: (-totals[r], names[r]))
    rows = [r for r in by_size if totals[r] >= min_cases]
    return [str(names[r]) for r in rows], counts[rows]


# ------------------------------------------------------------ reporters


@dataclass(frozen=True)
class RepeatReporter:
    reporter: str
    cases: list[int]  # indices of their cases in the window, oldest first
    count: int
    escalating: bool
    reasons: list[str] = field(default_factory=list)  # "中文 / English"


def repeat_reporters(reporter: Sequence[str], day, *, today: int, window: int = 30, min_cases: int = 3,
                     texts: Sequence[str] | None = None,
                     matcher: KeywordMatcher | None = None) -> list[RepeatReporter]:  # fmt: skip
    """Reporters (a phone number or id card key; empty = anonymous, ignored)
    with at least ``min_cases`` cases in the ``window`` days ending on
    ``today`` (``today − window + 1 … today``).

    One is *escalating* when any of these holds:

    * the later half-window holds clearly more of their cases than the
      earlier one: at least twice as many and at least two more;
    * the window holds more than twice as many as the window before it,
      when they had any case then (a newcomer is judged by the half-window
      rule, so a first burst counts and a steady newcomer does not);
    * (with ``texts``) a case in the window says an escalation keyword of a
      group none of their earlier cases said — earlier ones before the
      window included; a first case that already says it is not a change.

    Escalating reporters come first, then by count. ``reasons`` says why,
    each as "中文 / English"."""
    day = np.asarray(day, dtype=np.int64)
    if len(reporter) != len(day) or (texts is not None and len(texts) != len(day)):
        raise ValueError("reporter, day (and texts) must have one value per case")
    first = today - window + 1
    middle = today - window // 2 + 1  # the later half: middle … today
    previous = first - window
    in_window = (day >= first) & (day <= today)
    counted: dict[str, int] = {}
    for i in np.flatnonzero(in_window):
        if reporter[i]:
            counted[reporter[i]] = counted.get(reporter[i], 0) + 1
    repeat = {r for r, n in counted.items() if n >= min_cases}
    history: dict[str, list[int]] = {r: [] for r in repeat}
    for i, who in enumerate(reporter):
        if who in history and day[i] <= today:
            history[who].append(i)
    if texts is not None and matcher is None:
        matcher = KeywordMatcher()

    out = []
    for who, mine in history.items():
        mine.sort(key=lambda i: (day[i], i))
        cases = [i for i in mine if day[i] >= first]
        late = sum(day[i] >= middle for i in cases)
        early = len(cases) - late
        before = sum(previous <= day[i] < first for i in mine)
        reasons = [f"{window}天内{len(cases)}件 / {len(cases)} cases in {window} days"]
        rising = False
        if late >= max(2 * early, early + 2):
            rising = True
            half = window // 2
            reasons.append(f"近{half}天{late}件，此前{early}件 / {late} in last {half} days, {early} before")
        if before and len(cases) > 2 * before:
            rising = True
            reasons.append(f"上个{window}天仅{before}件 / {before} in the previous {window} days")
        worse = _new_keyword_groups(mine, cases, texts, matcher) if texts is not None else []
        for group, keyword in worse:
            reasons.append(f"新出现“{group}”类关键词（{keyword}） / new {group} keyword: {keyword}")
        escalating = rising or bool(worse)
        out.append(RepeatReporter(who, cases, len(cases), escalating, reasons))
    out.sort(key=lambda r: (not r.escalating, -r.count, r.reporter))
    return out


def _new_keyword_groups(mine: list[int], cases: list[int], texts, matcher) -> list[tuple[str, str]]:
    """(group, keyword) said first by a case in the window that has an earlier case."""
    said: set[str] = set()
    new: list[tuple[str, str]] = []
    window = set(cases)
    for n, i in enumerate(mine):
        hits = matcher.find(texts[i])
        if n and i in window:
            for hit in hits:
                if hit.group not in said and all(hit.group != g for g, _ in new):
                    new.append((hit.group, hit.keyword))
        said.update(hit.group for hit in hits)
    return new
