"""Plausible Chinese personal names and phone numbers for demo staff.

Pure Python + numpy. Surnames weighted roughly by frequency in Henan; the
names are generated, so any match with a real person is chance.
"""

from __future__ import annotations

import numpy as np

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建国文辉力斌志新宇浩凯鹏"
    "海峰晓燕雪梅兰春丹亮成俊飞鑫波宁欣颖琳晨阳瑞博彬昊然佳怡子涵雨婷梓萱思远嘉"
)


def person_names(rng: np.random.Generator, n: int) -> list[str]:
    # The first surnames are far more common: a Zipf-like weighting.
    weights = 1.0 / np.arange(1, len(SURNAMES) + 1) ** 0.9
    weights /= weights.sum()
    surnames = rng.choice(list(SURNAMES), size=n, p=weights)
    lengths = rng.choice([1, 2], size=n, p=[0.3, 0.7])
    given = rng.choice(list(GIVEN), size=(n, 2))
    return [s + "".join(g[:k]) for s, g, k in zip(surnames, given, lengths, strict=True)]


def mobile_numbers(rng: np.random.Generator, n: int) -> list[str]:
    prefixes = np.array(["135", "137", "138", "139", "150", "151", "158", "176", "183", "187", "189"])
    heads = rng.choice(prefixes, size=n)
    tails = rng.integers(0, 10**8, size=n)
    return [f"{h}{t:08d}" for h, t in zip(heads, tails, strict=True)]
