"""The training data (see ../shared/data/teddy2020/SOURCES.md): all 9,210
labelled 附件2 messages, title and detail, as the competition's jieba
segmentation (the raw full file could not be obtained). Only training and
evaluation read it; the shipped model needs nothing from ../shared."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

TEDDY = "teddy2020/derived/附件2_segmented_full_jesHrz_原始数据集分词结果.xlsx"


def teddy_messages(shared: Path) -> tuple[list[str], list[str]]:
    """(texts, first-level labels) of the 9,210 labelled messages."""
    book = load_workbook(shared / TEDDY, read_only=True)
    rows = [(str(text or ""), str(label)) for text, label in book.active.iter_rows(values_only=True) if label]
    book.close()
    return [t for t, _ in rows], [label for _, label in rows]
