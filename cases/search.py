"""Full-text search over cases in Chinese. Chinese has no spaces, so title,
description and address are segmented with jieba (search mode: overlapping
words, so "小区东门路灯" is found by 路灯 and by 东门) and stored as
space-separated words in ``Case.search_text``. PostgreSQL matches them with
a GIN index on ``to_tsvector('simple', search_text)``; SQLite by substring."""

from __future__ import annotations

import logging
import re

import jieba

jieba.setLogLevel(logging.WARNING)

_SPACE = re.compile(r"\s+")
# Tokens that carry no meaning for search: punctuation, symbols, particles.
_WORD = re.compile(r"\w", re.UNICODE)
STOPWORDS = frozenset("的 了 是 在 和 与 及 也 都 就 很 呢 吗 啊 吧 着 过 把 被 我 我们 有".split())  # noqa: SIM905


def words(text: str) -> list[str]:
    """The search words of ``text``, in order, each once."""
    seen: dict[str, None] = {}
    for token in jieba.cut_for_search(_SPACE.sub(" ", text.lower())):
        token = token.strip()
        if token and token not in STOPWORDS and _WORD.search(token):
            seen.setdefault(token, None)
    return list(seen)


def search_text(*parts: str) -> str:
    return " ".join(words(" ".join(p for p in parts if p)))


def query_words(query: str, *, limit: int = 8) -> list[str]:
    """The words a query must all match (the longest first, at most ``limit``)."""
    found = words(query)
    # Search mode also yields the pieces of long words; a case with the long
    # word has its pieces too, so the pieces add nothing but cost.
    kept = [w for w in found if not any(w != other and w in other for other in found)]
    return sorted(kept, key=len, reverse=True)[:limit]
