"""Loaders for the real data in ../shared/data (see each SOURCES.md). Only
training, evaluation and benchmarks read them; the shipped models and the
platform need nothing from ../shared."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

TEDDY = "teddy2020/derived/附件2_segmented_full_jesHrz_原始数据集分词结果.xlsx"
TEDDY_HOT = "teddy2020/original/附件3.xlsx"
SHANGLUO = "shangluo_mayor_mailbox/latest.csv"
ZHEJIANG = "people_liuyan_zhejiang/recent_union_1234.csv"


def teddy_messages(shared: Path) -> tuple[list[str], list[str]]:
    """(texts, first-level labels) of all 9,210 labelled 附件2 messages, title
    and detail, as the competition's jieba segmentation (the raw full file
    could not be obtained)."""
    book = load_workbook(shared / TEDDY, read_only=True)
    rows = [(str(text or ""), str(label)) for text, label in book.active.iter_rows(values_only=True) if label]
    book.close()
    return [t for t, _ in rows], [label for _, label in rows]


@dataclass(frozen=True)
class Message:
    """A citizen message of 附件3 (the hot-issue data)."""

    id: int
    user: str
    title: str
    at: dt.datetime
    detail: str
    against: int  # 反对数
    likes: int  # 点赞数


def _when(value) -> dt.datetime:
    # 129 cells are Excel datetimes, the rest strings like "2019/2/28 11:25:05".
    if isinstance(value, dt.datetime):
        return value
    text = str(value).strip()
    for pattern in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise ValueError(f"unreadable time {text!r}")


def teddy_hot_messages(shared: Path) -> list[Message]:
    """The 4,326 messages of 附件3, in file order."""
    book = load_workbook(shared / TEDDY_HOT, read_only=True)
    rows = book.active.iter_rows(values_only=True)
    next(rows)  # 留言编号, 留言用户, 留言主题, 留言时间, 留言详情, 反对数, 点赞数
    out = [
        Message(
            int(i),
            str(user),
            str(title or "").strip(),
            _when(at),
            str(detail or "").strip(),
            int(against or 0),
            int(likes or 0),
        )
        for i, user, title, at, detail, against, likes in rows
        if i is not None
    ]
    book.close()
    return out


@dataclass(frozen=True)
class Letter:
    """A letter to the 商洛 mayor's mailbox and the agency that answered it."""

    id: str
    title: str
    text: str
    date: str
    agency: str  # raw, not normalised


def shangluo_letters(shared: Path) -> list[Letter]:
    """The 1,179 rows of the 商洛 mailbox (8 repeated ids are kept once)."""
    seen, out = set(), []
    with open(shared / SHANGLUO, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["mail_id"] in seen:
                continue
            seen.add(row["mail_id"])
            out.append(
                Letter(
                    row["mail_id"],
                    row["title"] or "",
                    row["query"] or "",
                    row["query_date"] or "",
                    (row["reply_agency"] or "").strip(),
                )
            )
    return out


@dataclass(frozen=True)
class Post:
    """A 人民网 Zhejiang message with its own labels (领域 and 留言类型)."""

    title: str
    content: str  # a list-page preview, ~100 characters
    domain: str
    type: str  # 投诉/求助, 咨询, 建言
    likes: int


def zhejiang_posts(shared: Path) -> list[Post]:
    with open(shared / ZHEJIANG, encoding="utf-8", newline="") as f:
        return [
            Post(r["title"], r["content"], r["domain"], r["type"], int(r["likes"] or 0))
            for r in csv.DictReader(f)
        ]
