"""Hot-issue mining (热点问题挖掘): messages about the same place (or people)
and the same matter within a time window form one issue; issues are ranked by
a heat index.

Grouping
--------
1. **Place key.** When the platform knows the place (``Item.place``, e.g. a
   village code) it is the key and nothing is guessed. Otherwise names are
   read from title + text: an *anchor* (a name ending such as 小区, 花园, 苑,
   城, 学院, 公司, 路, 村 …) is extended to the left, character by character,
   while the longer string stays about as frequent in the whole batch as the
   shorter one (``df(longer) ≥ max(2, ½·df(shorter))``). Where the left
   neighbour starts to vary, a word boundary was crossed, so "投诉伊景园…"
   stops at the name without a list of verbs. Administrative prefixes (A市,
   A3区, 西地省 …) are cut away first: they are shared by thousands of
   unrelated messages. Tails like 小区/社区 are dropped so "X新城小区" and
   "X新城附近" meet, and names that are ordinary dictionary words (学校,
   垃圾站, 停车场) or whose first word (as jieba splits the whole name) is a
   verb or a locative (修建…, 附近…) are no keys: they name a kind of
   place, not a place. Two keys match when one ends with the other
   ("滨河苑" ~ "伊景园滨河苑"), so shortened names join.

   * *Copies are no evidence of a name.* df counts texts written
     independently: items posted at the same second whose texts nearly agree
     (bigram-set cosine ≥ ``copy_similarity``) count once. Otherwise any
     phrase of a copied text ("…组织学生去工厂") passes as a name.
   * *The title says where.* An item's keys are the names in its title; the
     names of its text only when the title has none. Texts mention
     neighbouring roads, other estates and comparisons; taking them as keys
     let single linkage chain unrelated complaints (a road, a bus line, a
     village's demolition) through the places they mention in passing.
2. **Matter.** With the place words removed: the keys *and their
   qualifiers* — the extension of a key still seen in two independent texts
   ("涉外" of "涉外经济学院" when "经济学院" is the key because its left
   neighbours vary; "劳动东路" of "劳动东路魅力之城"). They are part of a
   name, not of a complaint; left in, two messages about different matters
   at one place look alike through the residue of the name.
   * whole message: TF-IDF of character bigrams of title (twice) and text
     (robust to segmentation, fast on long texts);
   * title: TF-IDF of its jieba *words*. A title is short, and its character
     bigrams are half cross-word noise ("制学", "生外"), which drowned the
     words two phrasings of one complaint share ("强制学生外出实习" and
     "组织学生外出打工": 学生, 外出).
3. **Links.** Two items of one place key are linked when their matters
   agree: within ``window_days`` whole-message cosine ≥ ``similarity`` or
   title cosine ≥ ``title_similarity``; at any distance in time title
   cosine ≥ ``merge_similarity`` (a complaint that comes back months later
   is the same issue, but then it must be said alike in one line). Items
   without any key link only to near-copies (cosine ≥ ``copy_similarity``
   within a window). Places keep bursts apart (single linkage on text alone
   chained different bursts together), the window and the matter keep two
   complaints about one place apart.
4. **Merge.** Groups of one place then join when their centroids agree
   (≥ ``merge_similarity``): whole messages if the groups are at most a
   window apart, titles at any distance. Single messages of one complaint
   may share few words while the groups clearly agree.

Heat index
----------
::

    heat = ln(1 + R)                          # R = distinct reporters
         + ln(1 + P)                          # P = most distinct reporters within one window
         + w · ln(1 + E)                      # E = engagement: likes, "me too"; w = 0.08
         [ − ln(1 + max(0, now − end) / W) ]  # only with ``now``: cooled-down issues sink

* Distinct reporters, not messages: one person writing ten times is one
  voice (an item without a reporter counts as its own reporter). Copies
  posted by *different* accounts count as different reporters: an account
  is the only identity there is, and re-posting a neighbour's letter is a
  way of saying "me too" (the platform's duplicate detection,
  ``intel.duplicates``, may merge cases before they get here). Copies are
  set aside only as evidence of names (above).
* Time concentration as the peak P: ten people within one window outrank
  ten people spread over a year (P = 10 against P ≈ 1). Since
  ln(1+R) + ln(1+P) ≈ 2·ln R + ln(P/R), the index already contains the
  concentration P/R, the share of the voices that came together; an issue
  that keeps coming back is not punished for lasting beyond that (a ratio
  to the span would bury a recurring complaint under its own history) and
  a long chain with a low peak is outranked by a burst of as many people.
  A single message has P = 1.
* Logarithms because the evidence saturates: the 50th reporter adds less
  than the 2nd.
* Engagement is a secondary signal: a like costs one click, is anonymous
  and can be mobilised, a message costs a written complaint by an
  identified account; likes are also heavy-tailed (on 附件3 70 % of
  messages have none, one has 2,097). The weight is set by one rule: no
  realistic amount of likes may be worth more than doubling the reporters —
  w · ln(1 + 2000) = 0.61 < ln 2. (The former 0.15 let 30 likes outweigh
  one more reporter *and* a higher peak.)
* With ``now`` (live use) items after ``now`` are ignored, and an issue
  whose last item is older than the window loses heat.

Cost: linear in the text (character n-grams; jieba only for titles and
short names) plus the pairs of items of one place; 附件3 (4,326 messages,
1.5 M characters) takes about 4 s.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import jieba
import jieba.posseg
import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from intel.text import STOPWORDS, clean

jieba.setLogLevel(logging.WARNING)


@dataclass(frozen=True)
class Item:
    """One message or case."""

    id: int | str
    title: str
    text: str
    at: dt.datetime
    reporter: str = ""  # user id / phone digest; "" = unknown (counts as its own reporter)
    engagement: int = 0  # likes, "me too" joins
    place: str = ""  # a known place key (e.g. a village code); "" = extract from title + text


@dataclass
class HotIssue:
    key: str  # the place/people key ("" when the items share no place)
    label: str  # e.g. "伊景园滨河苑 · 车位 捆绑 销售"
    items: list  # ids, in time order
    reporters: int
    start: dt.datetime
    end: dt.datetime
    heat: float
    messages: int = 0
    engagement: int = 0
    peak: int = 0  # the most distinct reporters within one window
    words: list[str] = field(default_factory=list)  # the matter's top words


# -- place keys --------------------------------------------------------------

# Pseudonymised (A市, A3区, K9县) and real (西地省, 湖南省) administrative
# prefixes: too general to tell places apart.
_ADMIN = re.compile(r"[A-Za-z]\d{0,2}(?:省|市|州|区|县|镇|乡)|[\u4e00-\u9fff]{2,3}省")
_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Name endings. Longest first so that 新城 wins over 城.
_ANCHOR_WORDS = (
    "小区 社区 片区 项目 花园 家园 公寓 广场 大厦 中心 街道 学院 学校 大学 中学 小学 幼儿园 医院 "
    "公司 集团 银行 市场 商场 公园 新村 新城 山庄 庄园 公馆 大道 产业园 工业园 车站 酒店 宾馆 "
    "苑 园 城 府 湾 庭 邸 郡 墅 村 镇 乡 路 街 巷 院 厂 站 馆 寨 岛 洲 居"
)
_ANCHORS = sorted(_ANCHOR_WORDS.split(), key=len, reverse=True)
_ANCHOR = re.compile("|".join(_ANCHORS))
# Tails after a name that do not change the place: "X新城小区" is "X新城".
_TAILS = ("小区", "社区", "片区", "项目")
# Characters that end a name when met going left (function words, pronouns).
_STOP_CHARS = frozenset(
    "的了在个我你他她它该这那是和与及把被对向到从为给让不没很都也还就又要会能可将已并或等些此其各每啊吗呢吧着过请求省市县区州"
)
_MIN_PREFIX, _MAX_PREFIX = 2, 8
_GENERIC_TAGS = ("v", "f", "r", "m", "d", "a", "q", "p", "c", "u", "t")


def _runs(text: str) -> list[str]:
    """Runs of Chinese characters, administrative prefixes cut out."""
    return _RUN.findall(_ADMIN.sub("|", text))


def _candidates(text: str) -> list[list[str]]:
    """For each anchor in ``text``: its left extensions, shortest first
    (prefixes of 2 … 8 characters, stopping at function characters)."""
    out = []
    for run in _runs(text):
        for m in _ANCHOR.finditer(run):
            start, chain = m.start(), []
            for k in range(1, _MAX_PREFIX + 1):
                if start - k < 0 or run[start - k] in _STOP_CHARS:
                    break
                if k >= _MIN_PREFIX:
                    chain.append(run[start - k : m.end()])
            if chain:
                out.append(chain)
    return out


def _generic(key: str) -> bool:
    """A kind of place rather than a place: a dictionary word (学校,
    垃圾站), or a name whose first word is a verb, locative, pronoun …
    (修建搅拌厂, 附近小区). The first word is read from the segmentation
    of the whole key, so a name that jieba knows as one word ("涉外经济"
    of 涉外经济学院) is not judged by a shorter dictionary word it starts
    with (涉外, a verb)."""
    freq = jieba.dt.FREQ
    if freq.get(key):
        return True
    head = jieba.lcut(key, HMM=False)[0]
    tags = jieba.posseg.dt.word_tag_tab
    return len(head) > 1 and bool(freq.get(head)) and tags.get(head, "n").startswith(_GENERIC_TAGS)


def _strip_tail(key: str) -> str:
    for tail in _TAILS:
        if key.endswith(tail) and len(key) - len(tail) >= _MIN_PREFIX + 1:
            return key[: -len(tail)]
    return key


def _place_keys(titles: Sequence[str], texts: Sequence[str],
                copy_of: Sequence[int] | None = None) -> tuple[list[set[str]], list[set[str]]]:  # fmt: skip
    """The place names of each item and the place words to keep out of its
    matter (the names with their qualifiers; see the module docstring). A
    name read only in a text must also head some title of the batch: texts
    mention addresses, neighbours and comparisons, a title says what it is
    about. ``copy_of`` numbers the copies of one text alike: a string seen
    in two copies was written once and is no evidence of a name."""
    chains = [(_candidates(t), _candidates(x)) for t, x in zip(titles, texts, strict=True)]
    seen: dict[int, set[str]] = defaultdict(set)
    for i, (in_title, in_text) in enumerate(chains):
        seen[i if copy_of is None else copy_of[i]].update(c for chain in in_title + in_text for c in chain)
    df: Counter[str] = Counter()
    for strings in seen.values():
        df.update(strings)
    jieba.dt.check_initialized()

    def names(per_text: list[list[str]]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chain in per_text:
            at = 0
            while at + 1 < len(chain) and df[chain[at + 1]] >= max(2, 0.5 * df[chain[at]]):
                at += 1
            key = _verified(chain[at])
            if key:
                # The qualifier: extend on while the string is still seen
                # twice ("涉外" of "涉外经济学院" where "经济学院" is the key
                # because its left neighbours vary). It belongs to the name.
                while at + 1 < len(chain) and df[chain[at + 1]] >= 2:
                    at += 1
                found[key] = max(found.get(key, ""), _cut_after_verbs(chain[at]), key, key=len)
        return found

    in_titles = [names(in_title) for in_title, _ in chains]
    in_texts = [names(in_text) for _, in_text in chains]
    headed = {k for found in in_titles for k in found}
    keys, words = [], []
    for in_title, in_text in zip(in_titles, in_texts, strict=True):
        kept = {**{k: v for k, v in in_text.items() if k in headed}, **in_title}
        keys.append(set(in_title or kept))
        words.append(set(kept) | set(kept.values()))
    return keys, words


@lru_cache(maxsize=65536)
def _cut_after_verbs(candidate: str) -> str:
    """``candidate`` after its last verb or function word: a repeated phrase
    such as "必须去学校" is not a name."""
    # Dictionary segmentation and tags only: the HMM guesses at unknown
    # names cost seconds and the names are what is unknown anyway.
    tags = jieba.posseg.dt.word_tag_tab
    tokens = jieba.lcut(candidate, HMM=False)
    for n in range(len(tokens) - 2, -1, -1):
        if len(tokens[n]) > 1 or tokens[n] in _STOP_CHARS:
            tag = tags.get(tokens[n], "")
            if tag in ("v", "d", "p", "c", "r", "uj", "ul") and (len(tokens[n]) > 1 or tag != "v"):
                return "".join(tokens[n + 1 :])
    return candidate


@lru_cache(maxsize=65536)
def _verified(candidate: str) -> str:
    """``candidate`` cut after its last verb or function word (a repeated
    phrase such as "必须去学校" is not a name), tail dropped; "" when what
    remains is too short or generic."""
    key = _strip_tail(_cut_after_verbs(candidate))
    if not _ANCHOR.search(key) or len(key) < _MIN_PREFIX + 1 or _generic(key):
        return ""
    return key


# -- matter ------------------------------------------------------------------


def _without_places(text: str, keys: set[str]) -> str:
    for key in sorted(keys, key=len, reverse=True):
        text = text.replace(key, " ")
    return _ADMIN.sub(" ", text)


def _title_words(title: str) -> str:
    """Words of a title (place names already removed) for the labels."""
    return " ".join(w for w in jieba.lcut(title) if len(w) > 1 and w not in STOPWORDS and _RUN.fullmatch(w))


# -- grouping and heat -------------------------------------------------------

ENGAGEMENT_WEIGHT = 0.08


def heat_index(reporters: int, peak: int, engagement: int, idle_days: float | None = None,
               window_days: float = 30, engagement_weight: float = ENGAGEMENT_WEIGHT) -> float:  # fmt: skip
    """The formula of the module docstring."""
    heat = math.log1p(reporters) + math.log1p(peak) + engagement_weight * math.log1p(max(engagement, 0))
    if idle_days is not None:
        heat -= math.log1p(max(0.0, idle_days) / window_days)
    return heat


def hot_issues(
    items: Sequence[Item],
    *,
    window_days: int = 30,
    top: int | None = None,
    now: dt.datetime | None = None,
    similarity: float = 0.1,
    title_similarity: float = 0.2,
    merge_similarity: float = 0.3,
    copy_similarity: float = 0.6,
    engagement_weight: float = ENGAGEMENT_WEIGHT,
) -> list[HotIssue]:
    """Issues among ``items``, hottest first (see the module docstring).
    Deterministic: items are taken in time order and ties in heat are
    broken by start time and first id."""
    if now is not None:
        items = [it for it in items if it.at <= now]
    items = sorted(items, key=lambda it: (it.at, str(it.id)))
    if not items:
        return []
    n = len(items)
    copy_of = _copy_classes(items, copy_similarity)
    # Names are read only where the place is not known: the platform's own
    # cases carry their village, and reading names is most of the cost.
    unknown = [i for i, it in enumerate(items) if not it.place]
    extracted: list[set[str]] = [set() for _ in items]
    spans: list[set[str]] = [set() for _ in items]
    if unknown:
        found, found_spans = _place_keys(
            [clean(items[i].title) for i in unknown], [clean(items[i].text) for i in unknown],
            [copy_of[i] for i in unknown],
        )  # fmt: skip
        for i, keys_i, span_i in zip(unknown, found, found_spans, strict=True):
            extracted[i], spans[i] = keys_i, span_i
    keys = [{clean(it.place)} if it.place else found for it, found in zip(items, extracted, strict=True)]
    # Place words (keys, their qualifiers, a known place) are not matter.
    place_words = [ks | found | span for ks, found, span in zip(keys, extracted, spans, strict=True)]
    postings = _postings(items, keys)
    unplaced = [i for i, ks in enumerate(keys) if not ks]

    # Matter: character bigrams (robust to segmentation, and fast: jieba on
    # 1.5 M characters takes ~10 s) without the place names; the whole
    # message (title twice) and the title alone, which states the complaint
    # even when the text wanders.
    full = _bigrams(
        [
            _without_places(clean(f"{it.title} {it.title} {it.text}"), ws)
            for it, ws in zip(items, place_words, strict=True)
        ]
    )
    title = _words([_without_places(clean(it.title), ws) for it, ws in zip(items, place_words, strict=True)])
    seconds = np.array([it.at.timestamp() for it in items])
    window = window_days * 86400.0

    # All pairs of one place: within a window the matter may be said in
    # other words (whole message or title); a recurrence after a quiet
    # spell must be the same complaint in one line (title ≥ merge_similarity).
    left, right = _place_links(
        postings.values(), full, title, seconds, window,
        similarity=similarity, title_similarity=title_similarity, merge_similarity=merge_similarity,
    )  # fmt: skip
    copies = _copies(full, unplaced, seconds, window, copy_similarity)
    component = _components(n, np.concatenate([left, copies[0]]), np.concatenate([right, copies[1]]))
    component = _merge(component, keys, full, title, seconds, window, merge_similarity)

    groups: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(component):
        groups[c].append(i)
    members_of = list(groups.values())
    issues = [_issue(items, keys, members, now, window_days, engagement_weight) for members in members_of]
    order = sorted(
        range(len(issues)), key=lambda g: (-issues[g].heat, issues[g].start, str(issues[g].items[0]))
    )
    if top is not None:
        order = order[:top]
    _label([issues[g] for g in order], [members_of[g] for g in order], items, place_words)
    return [issues[g] for g in order]


def _bigrams(texts: list[str]):
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), sublinear_tf=True, dtype=np.float32)
    return vectorizer.fit_transform(texts).tocsr()


def _copy_classes(items: Sequence[Item], copy_similarity: float) -> list[int]:
    """Copies: items posted at the same second whose texts (title + text,
    as sets of character bigrams) agree ≥ ``copy_similarity``; each item is
    numbered by the first item of its copies. Only same-second items are
    compared, so this costs nothing when there are none."""
    copy_of = list(range(len(items)))
    at_second: dict[dt.datetime, list[int]] = defaultdict(list)
    for i, it in enumerate(items):
        at_second[it.at.replace(microsecond=0)].append(i)
    for members in at_second.values():
        if len(members) < 2:
            continue
        grams = {}
        for i in members:
            text = clean(f"{items[i].title} {items[i].text}")
            grams[i] = {text[k : k + 2] for k in range(len(text) - 1)}
        for a, i in enumerate(members):
            for j in members[a + 1 :]:
                shared = len(grams[i] & grams[j])
                if shared and shared >= copy_similarity * math.sqrt(len(grams[i]) * len(grams[j])):
                    root = min(copy_of[i], copy_of[j])
                    for k in members:
                        if copy_of[k] in (copy_of[i], copy_of[j]):
                            copy_of[k] = root
    return copy_of


def _words(titles: list[str]):
    """TF-IDF of the dictionary words of short texts (titles)."""
    vectorizer = TfidfVectorizer(token_pattern=r"\S+", sublinear_tf=True, dtype=np.float32)
    docs = [
        " ".join(
            w for w in jieba.lcut(t, HMM=False) if len(w) > 1 and w not in STOPWORDS and _RUN.fullmatch(w)
        )
        for t in titles
    ]
    if not any(docs):
        return vectorizer.fit_transform([*docs, "\0"]).tocsr()[:-1]
    return vectorizer.fit_transform(docs).tocsr()


def _pairs(pairs) -> tuple[np.ndarray, np.ndarray]:
    ordered = sorted(pairs)
    left = np.array([p[0] for p in ordered], dtype=np.int64)
    right = np.array([p[1] for p in ordered], dtype=np.int64)
    return left, right


_BLOCK = 1000  # rows per similarity block: bounds memory for a place with thousands of items


def _place_links(
    postings, full, title, seconds, window: float, *, similarity: float, title_similarity: float,
    merge_similarity: float,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Linked pairs (i < j) among the items of each place, by sparse products
    of the (L2-normalised) matter vectors a block of rows at a time — not a
    loop over every pair, which is quadratic in Python for a busy place."""
    found = []
    for members in postings:
        m = np.asarray(members, dtype=np.int64)
        if len(m) < 2:
            continue
        f_all, t_all, sec = full[m], title[m], seconds[m]
        for start in range(0, len(m), _BLOCK):
            rows = slice(start, start + _BLOCK)
            whole = (f_all[rows] @ f_all.T).toarray()
            headline = (t_all[rows] @ t_all.T).toarray()
            close = np.abs(sec[rows, None] - sec[None, :]) <= window
            keep = (close & ((whole >= similarity) | (headline >= title_similarity))) | (
                headline >= merge_similarity
            )
            a, b = np.nonzero(keep)
            a += start
            upper = a < b
            found.append(np.stack([m[a[upper]], m[b[upper]]], axis=1))
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    pairs = np.unique(np.concatenate(found), axis=0)  # an item can sit under two keys
    pairs.sort(axis=1)
    return pairs[:, 0], pairs[:, 1]


def _copies(full, unplaced: list[int], seconds, window: float, copy_similarity: float):
    """Pairs of items without a place that are near-copies within a window
    (one sparse product instead of a loop over ~10⁵ pairs)."""
    if len(unplaced) < 2:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    rows = np.asarray(unplaced)
    product = (full[rows] @ full[rows].T).tocoo()
    a, b = rows[product.row], rows[product.col]
    keep = (a < b) & (product.data >= copy_similarity) & (np.abs(seconds[a] - seconds[b]) <= window)
    return a[keep], b[keep]


def _cosine(vectors, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Row-wise cosine of the (L2-normalised) rows ``left`` and ``right``."""
    if not len(left):
        return np.zeros(0)
    return np.asarray(vectors[left].multiply(vectors[right]).sum(axis=1)).ravel()


def _postings(items: Sequence[Item], keys: list[set[str]]) -> dict[str, list[int]]:
    """Item numbers (in time order) under each key and under every shorter
    known key it ends with ("伊景园滨河苑" is also under "滨河苑")."""
    known = {k for ks in keys for k in ks}
    postings: dict[str, list[int]] = defaultdict(list)
    for i, (it, ks) in enumerate(zip(items, keys, strict=True)):
        if it.place:  # a known place never matches a name read from a text
            postings["\0" + next(iter(ks))].append(i)
            continue
        under = {k[s:] for k in ks for s in range(len(k) - _MIN_PREFIX) if k[s:] in known}
        for k in sorted(under):
            postings[k].append(i)
    return postings


def _components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _merge(component, keys, full, title, seconds, window, merge_similarity) -> np.ndarray:
    """Join groups of one place whose matters agree as a whole: single
    messages of one complaint may share few words ("fumes" and "noise" of
    one restaurant row, "forced internship" and "sent to a factory") while
    the groups' centroids clearly agree. Groups close in time need the
    whole-message centroids to agree; a recurrence after a quiet spell
    needs the titles to agree."""
    n_groups = int(component.max()) + 1
    indicator = coo_matrix((np.ones(len(component)), (component, np.arange(len(component)))),
                           shape=(n_groups, len(component))).tocsr()  # fmt: skip
    full_centre, title_centre = normalize(indicator @ full), normalize(indicator @ title)
    start = np.full(n_groups, np.inf)
    end = np.full(n_groups, -np.inf)
    np.minimum.at(start, component, seconds)
    np.maximum.at(end, component, seconds)
    by_key: dict[str, set[int]] = defaultdict(set)
    for i, ks in enumerate(keys):
        for k in ks:
            by_key[k].add(int(component[i]))
    pairs = {(g, h) for members in by_key.values() for g in members for h in members if g < h}
    if not pairs:
        return component
    left, right = _pairs(pairs)
    close = np.maximum(start[left], start[right]) - np.minimum(end[left], end[right]) <= window
    keep = (close & (_cosine(full_centre, left, right) >= merge_similarity)) | (
        _cosine(title_centre, left, right) >= merge_similarity
    )
    if not keep.any():
        return component
    return _components(n_groups, left[keep], right[keep])[component]


def _issue(items, keys, members, now, window_days, engagement_weight) -> HotIssue:
    group = [items[i] for i in members]
    who = [it.reporter or f"\0{it.id}" for it in group]
    start, end = group[0].at, group[-1].at
    # Peak: the most distinct reporters within any window (two pointers).
    peak, first, span = 0, 0, dt.timedelta(days=window_days)
    for last in range(len(group)):
        while group[last].at - group[first].at > span:
            first += 1
        peak = max(peak, len(set(who[first : last + 1])))
    engagement = sum(max(it.engagement, 0) for it in group)
    idle = None if now is None else (now - end).total_seconds() / 86400
    heat = heat_index(len(set(who)), peak, engagement, idle, window_days, engagement_weight)
    # The key: the name most items carry; among equally common ones the longest.
    counts = Counter(k for i in members for k in keys[i])
    key = min(counts, key=lambda k: (-counts[k], -len(k), k)) if counts else ""
    return HotIssue(
        key=key, label=key, items=[it.id for it in group], reporters=len(set(who)), start=start, end=end,
        heat=round(heat, 4), messages=len(group), engagement=engagement, peak=peak,
    )  # fmt: skip


def _label(issues: list[HotIssue], groups: list[list[int]], items, keys) -> None:
    """Key plus the three title words most typical of the group (summed
    TF-IDF of the titles, place names removed)."""
    if not issues:
        return
    used = sorted({i for members in groups for i in members})
    titles = [_title_words(_without_places(clean(items[i].title), keys[i])) for i in used]
    if not any(titles):
        return
    row = {i: r for r, i in enumerate(used)}
    words = TfidfVectorizer(token_pattern=r"\S+", sublinear_tf=True)
    matrix = words.fit_transform(titles).tocsr()
    vocabulary = words.get_feature_names_out()
    g_of = [g for g, members in enumerate(groups) for _ in members]
    i_of = [row[i] for members in groups for i in members]
    indicator = coo_matrix((np.ones(len(i_of)), (g_of, i_of)), shape=(len(groups), len(used))).tocsr()
    sums = (indicator @ matrix).tocsr()
    for g, issue in enumerate(issues):
        start, stop = sums.indptr[g], sums.indptr[g + 1]
        columns, weights = sums.indices[start:stop], sums.data[start:stop]
        order = sorted(range(len(columns)), key=lambda c: (-weights[c], vocabulary[columns[c]]))[:3]
        issue.words = [str(vocabulary[columns[c]]) for c in order]
        issue.label = " · ".join(part for part in (issue.key, " ".join(issue.words)) if part)
