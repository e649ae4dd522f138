"""Text preparation shared by training and inference: whitespace and
scraping residue removed, then jieba words (search mode would add overlaps;
the classifier wants each word once)."""

from __future__ import annotations

import logging
import re
import unicodedata

import jieba
import numpy as np

jieba.setLogLevel(logging.WARNING)

_SPACE = re.compile(r"\s+")
_NOISE = re.compile(r"_x000D_")
# Words that say nothing about the matter (the competition's own preparation
# removed similar ones, so training and inference look alike).
_STOP = (
    "的 了 是 在 和 与 及 也 都 就 很 呢 吗 啊 吧 着 过 把 被 我 我们 你 您 他 她 它 这 那 有 对 为 从 到 "
    "请 请问 尊敬 领导 您好 你好 谢谢 希望 能 一个 没有 什么 怎么 如何 已经 进行 问题"
)
STOPWORDS = frozenset(_STOP.split())
# Everything but CJK ideographs, ASCII letters and digits: punctuation,
# spaces and emoji carry nothing the character n-grams can use.
_NOT_KEPT = re.compile(r"[^\u4e00-\u9fffa-z0-9]+")


def clean(text: str) -> str:
    return _SPACE.sub(" ", _NOISE.sub(" ", text or "")).strip()


def words(text: str) -> str:
    """Space-separated words of ``text`` (already segmented text passes through)."""
    text = clean(text)
    out = [w for w in jieba.lcut(text) if w.strip() and w not in STOPWORDS and not _SPACE.fullmatch(w)]
    return " ".join(w.strip() for w in out)


def _fold_table() -> np.ndarray:
    """Code point → the folded code point ``compact`` keeps (0: dropped)."""
    table = np.zeros(0x110000, dtype=np.uint32)
    for point in range(0x10000):
        if 0xD800 <= point < 0xE000:
            continue
        folded = unicodedata.normalize("NFKC", chr(point)).lower()
        if len(folded) == 1 and not _NOT_KEPT.fullmatch(folded):
            table[point] = ord(folded)
    return table


_FOLD = _fold_table()


def compact(text: str) -> str:
    """Only the ideographs, letters and digits of ``text``, NFKC-folded and
    lower-cased, as one string: all the character n-gram features look at (no
    segmentation). Raw text and jieba-segmented text give the same string up
    to the words the segmentation dropped. ``codes`` does the same in numpy."""
    points = _FOLD[np.frombuffer(_NOISE.sub("", text or "").encode("utf-32-le"), dtype=np.uint32)]
    return points[points > 0].astype(np.uint32).tobytes().decode("utf-32-le")


def codes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Folded code points of all ``texts`` (what ``compact`` keeps), and the
    text number of each — the input of vectorised character n-grams."""
    joined = "\0".join(texts).replace("_x000D_", "")
    points = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    owner = np.cumsum(points == 0) if len(points) else np.zeros(0, np.int64)
    folded = _FOLD[points]
    keep = folded > 0
    return folded[keep].astype(np.uint64), owner[keep]
