"""Text preparation shared by training and inference: whitespace and
scraping residue removed, then jieba words (search mode would add overlaps;
the classifier wants each word once)."""

from __future__ import annotations

import logging
import re

import jieba

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


def clean(text: str) -> str:
    return _SPACE.sub(" ", _NOISE.sub(" ", text or "")).strip()


def words(text: str) -> str:
    """Space-separated words of ``text`` (already segmented text passes through)."""
    text = clean(text)
    out = [w for w in jieba.lcut(text) if w.strip() and w not in STOPWORDS and not _SPACE.fullmatch(w)]
    return " ".join(w.strip() for w in out)
