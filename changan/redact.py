"""Personal data out of text that the public will read: phone numbers, ID
numbers, plate numbers, e-mail addresses and names. Plain Python, no Django.

Patterns catch what has a shape; a name has none, so the names we know (the
reporter's) are taken out by value and the common ways of writing one
("我叫…", "…先生") by pattern. What is shown publicly is short (a title),
and staff can make any case private: masking is the second line, not the
only one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "＊"

_HAN = r"\u4e00-\u9fff"
_PATTERNS = [
    # 18-digit resident ID (the last may be X) and the old 15-digit one.
    re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)"),
    # Mainland mobiles (optionally +86 / 86, spaces or dashes between groups).
    re.compile(r"(?:\+?86[\s-]?)?(?<!\d)1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)"),
    # Landlines: area code and number (0392-1234567, 0392 1234567, (0392)1234567).
    re.compile(r"[（(]?0\d{2,3}[）)]?[\s-]?\d{7,8}(?!\d)"),
    # Any other long run of digits (bank cards, 7–8 digit local numbers).
    re.compile(r"(?<!\d)\d{7,}(?!\d)"),
    # Plates: province + letter + 5 or 6 characters (new-energy plates have 6).
    re.compile(
        r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领][A-Z][·•\s]?[A-Z0-9]{5,6}"
    ),
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
]
# "我叫张三" / "本人李四" / "联系人王五": the two or three characters after.
_NAME_AFTER = re.compile(rf"(我叫|我是|本人|联系人|姓名|名叫)[:：\s]*([{_HAN}])([{_HAN}]{{1,2}})")
# "张三先生", "李女士" keeps the surname, as people say it: "张先生".
_NAME_BEFORE = re.compile(rf"([{_HAN}])([{_HAN}]{{1,2}})(?=先生|女士|同志|师傅|阿姨|大爷|大妈)")


def redact(text: str, *, names: Iterable[str] = ()) -> str:
    """``text`` with personal data replaced by ＊ (the surname of a name is kept)."""
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, name[0] + MASK * (len(name) - 1))
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: MASK * len(m.group()), text)
    text = _NAME_AFTER.sub(lambda m: m.group(1) + m.group(2) + MASK * len(m.group(3)), text)
    return _NAME_BEFORE.sub(lambda m: m.group(1) + MASK * len(m.group(2)), text)


def coarsen(lon: float | None, lat: float | None) -> tuple[float | None, float | None]:
    """A point snapped to a lattice of 0.001° (about 110 m north–south and
    90 m east–west in Henan): near enough to find the pothole, too coarse
    to point at a door."""
    if lon is None or lat is None:
        return None, None
    return round(lon, 3), round(lat, 3)
