"""Full-text search over cases in Chinese. Chinese has no spaces, and a
segmenter cuts the same words differently in different sentences (jieba
reads "小区东门路灯不亮" as 小区/东门/门路/东门路/灯不亮 — no 路灯), so each case
stores, in ``Case.search_text``, its jieba words (search mode) **and** every
pair of adjacent Chinese characters (bigrams). A query must match all its
words and bigrams: "路灯" is found wherever those two characters stand side
by side. PostgreSQL matches with a GIN index on
``to_tsvector('simple', search_text)``; SQLite by substring."""

from __future__ import annotations

import logging
import re

import jieba

jieba.setLogLevel(logging.WARNING)

_SPACE = re.compile(r"\s+")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"\w", re.UNICODE)
STOPWORDS = frozenset("的 了 是 在 和 与 及 也 都 就 很 呢 吗 啊 吧 着 过 把 被 我 我们 有".split())  # noqa: SIM905


def _jieba_words(text: str) -> list[str]:
    return [
        t.strip()
        for t in jieba.cut_for_search(text)
        if t.strip() and t.strip() not in STOPWORDS and _WORD.search(t)
    ]


def _bigrams(text: str) -> list[str]:
    return [run[i : i + 2] for run in _HAN.findall(text) for i in range(len(run) - 1)]


def words(text: str) -> list[str]:
    """The search terms of ``text``, in order, each once."""
    text = _SPACE.sub(" ", text.lower())
    return list(dict.fromkeys(_jieba_words(text) + _bigrams(text)))


def search_text(*parts: str) -> str:
    return " ".join(words(" ".join(p for p in parts if p)))


def query_words(query: str, *, limit: int = 12) -> list[str]:
    """The terms a query must all match: its Chinese bigrams (a single
    character stands for itself) and its other words (letters, digits)."""
    query = _SPACE.sub(" ", query.lower()).strip()
    terms = _bigrams(query)
    terms += [run for run in _HAN.findall(query) if len(run) == 1]
    rest = _HAN.sub(" ", query)
    terms += [t for t in _jieba_words(rest) if not _HAN.search(t)]
    return list(dict.fromkeys(terms))[:limit]
