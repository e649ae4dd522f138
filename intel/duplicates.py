"""Duplicate detection (重复件识别): how alike a new appeal is to the cases
the database found near it (same area, time window, distance).

Why this method: the labelled 附件3 pairs (``intel/labels``) showed that what
separates "the same matter at the same place" from "another matter" is the
*opening* of an appeal (title + the first sentence or two name the estate,
road or company and the complaint), while the long tail of a message is
narrative that differs between a repeat and its me-too. So a text is reduced
to the set of character bigrams of its first ``PREFIX`` characters (no word
segmentation: jieba would split unknown estate names differently from text to
text), minus the 1,000 bigrams most common in *other* appeals (附件2, not the
evaluation set) — "没有", "领导", "尊敬", "严重" say nothing about which matter
it is. Two texts score the Jaccard overlap of those sets. IDF-weighted,
trigram, containment and whole-text variants were no better on the labelled
pairs (best F1 within 0.01, or worse: whole texts 0.90) and are harder to
store and to compute.

Speed: a fingerprint is a short string (its ~50 bigrams, sorted), stored with
the case. Scoring a new text against the stored fingerprints of its
candidates is a handful of vectorised numpy passes over all their bigrams
(read as 64-bit codes, looked up in a hash table of the new text's): ~1-2 ms
for 2,000 candidates on one core (``bench/duplicate_pairs.py``). Nothing is
trained, so nothing has to be shipped or kept in step with the data.

Plain Python + numpy: no Django import (the case services call this).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np

# Score (Jaccard of bigram sets) at or above which a candidate is shown to the
# dispatcher as a likely duplicate. Chosen on the labelled pairs to favour
# recall (a dispatcher reads at most ~5 candidates and merging is one click,
# a missed repeat means two crews for one problem): recall 0.97 at precision
# 0.88 there; 0.08 would give precision 0.92 at recall 0.92.
DUPLICATE_THRESHOLD: float = 0.06

# Characters of the normalised text (title first) that are fingerprinted.
PREFIX: int = 80

_NOT_WORD = re.compile(r"[\W_]+")

# The 1,000 character bigrams most common in 4,767 other appeals (附件2 raw rows and
# the MarsW20 splits, normalised as here), concatenated: they carry no matter.
_COMMON = (
    "没有我们20部门领导一个01问题政府现在什么00工作希望西地地省可以10严重不能人员相关情况解决要求"
    "国家尊敬敬的这样12就是关部百姓不是公司我是有关他们您好规定已经时间们的生活进行为什人民是一都是作为"
    "教育请问这个a市一直管理单位好我15政策11的一社会如果自己怎么还是但是这些有一处理了一多次老百的人"
    "反映影响不知学校关于月1因为知道居民30环境0元年1样的工资的是19为了的工不到是否一下是不建设安全"
    "今年行为也不谢谢给我月2存在50任何本人还有1814通过学生1316部分个月到了人的无法请求5年需要"
    "的问得到只有应该书记开始了我的生职工电话投诉这么年的个人时候这种造成你们而且重视有的是我至今也是其他"
    "很多办理我的小区17企业以上的情大的所有地方文件也没都没的领于2合法这是难道根据们是都不由于7年标准"
    "导致合理劳动8年关系责任6年经济发展上级法律的时0多为我群众开发基本生的所以的事民的小孩保险费用一年"
    "中心的不结果3年收费负责当时只能一次保障答复来的4年孩子2月退休们这咨询市的成了调查目前同时3县7县"
    "服务9年不要育局每天办法医院正常厅长回复利益通知条件的老小学是在社保恳请项目工程卫生第一在我合同定的"
    "长您建议就不局长多年第二好的违法让我污染按照作人一名非常区的40城市直接有限教师1月健康原因在这为何"
    "业主一些如此看到80的公1区出现2年使用发生必须老师申请有人几个实际60组织几年或者了解可是能够参加"
    "0年医疗根本左右环保8县事情不得甚至农村行政给予发现况下只是才能我想可能公平完全经过享受市场那么的地"
    "保护属于两个质量村民上的依法1日k市事业限公规划保局关注并且生产全部你好提供家的违规今天这一经营是这"
    "还要家长符合的学的政维护明确如何权益都有特别此事期间强烈提出手续机构资源养老房屋一样不了9月举报交通"
    "还没报告在2去了面的感谢待遇重的了这实施受到7月真的出来年来对于这里理的主任意见的小普通的权市政方面"
    "一点们一当地尽快23的合家庭4县说是代表1年月份己的5月其中以及之前8月长期的规继续以来人在的教员的"
    "购买事实民生多少法规局的员工执行70发商到底理由各种月3重影不可民政5县方式身体建筑上班不管每年告知"
    "以后出了经常广大万元中的级领到现年了生命主管6县去年6月的行2区大家考虑是有对我来了县城落实居住们不"
    "0日姓的考试县的我在在的现象在此0月监督县人主要周边里的为一何时一定每个c市工的农民不会具体的我办公"
    "进入中央非法的房房子门的24中学多的的大25业的31的家资金附近因此提高违反只要3月一家个小依据困难"
    "缴纳不合干部02精神请领同意予以府的检查范围认为权利查处管部年5再次发放市人最后证明全国隐患年9二十"
    "住房收取学习无人价格28元的市长及时得不过程资料下来社区增加全体如下信息市民么多联系望有设施年7安排"
    "22工人带来年8里面别是们也的答在一的这公道活动收入晚上乡镇不作利用而不4月的有重要中国老人和国网上"
    "施工达到实在不好作的出的第三公开们在反应到的文化之后以前学的包括导您一条平台在a几十签订资格执法真正"
    "年6的安措施有这d市是为法的就没方案最近行了年3百忙以下费的哪里采取计划监管题的的社补偿态度多人不给"
    "办事物业很大过去的通我不成为交了99本来是没要我年2在外45司的产生保证十年系统么不相信房产个公程中"
    "方便实行公正5日承担从2省人之中是要义务公共事故校的是2的话身份改革此我人社法权原来做主的高不敢的医"
    "的职小时会保每月人都支持决定毕业是什的建虽然所谓帮助公布的要也有让人补贴了不g市21职能另外9日到位"
    "家里目的应当么时接受业单明显都在的方我一年4不同l市有任个问的经街道078日09县政用的府部90题我"
    "积极全隐条例引起的发医生半年子的大量老保统一强制的电的居生育08么办26的相的原人不有什的重位的解释"
    "机关损失年多前的技术超过维权合格后的有些还不位于专业b市的心消费的环我家事件的现程序道路次向是西能力"
    "然而说我有没年我理解师的就可一天法第记您每次老板培训生存心的下一子女号文的钱起来回家中华面积设备的文"
    "市教到一2日出台改造能部两年制度督促无奈院的到2来我不堪3日们都然后后来6日诉求为由后我一起有效不仅"
    "说明各级了2为民承诺的基财政还在几天一位治疗正式大部人为了几医保人管竟然等等从事还我并不三年7日完成"
    "把我门能操作住户十多不顾打击市a长的直没父母的利9县27的回三个上面基础材料整个同样正在是个乱收电梯"
    "现场能不越来的就动合03我也不符望领来越一种土地98的业户口旅游也就下我宣传05共和如今导能会的06"
    "到我法行就有感觉规范烈要长我时的委员i市一步a7加强年前基层行的直到不公住院设计责人大学调整关领极大"
    "都要有很忙之29仍然十分职业说法4日支付其实华人的孩员会休息的身人口但我岗位村的损害务员民共住在他的"
    "下午的正负担车辆0县导我成绩允许望能取得的各准备拒绝公务协商来说教学关心f市发的打电的同我就买了下的"
)
_COMMON_SET = frozenset(_COMMON[i : i + 2] for i in range(0, len(_COMMON), 2))


def appeal_text(title: str, description: str) -> str:
    """The text of an appeal as scored here: title, then description."""
    return f"{title or ''} {description or ''}"


def normalise(text: str) -> str:
    """Letters and digits only, lower case: punctuation, whitespace and the
    ``_x000D_`` scraping residue differ between copies of the same message."""
    return _NOT_WORD.sub("", (text or "").replace("_x000D_", "")).lower()


def fingerprint(text: str) -> str:
    """The informative character bigrams of the first ``PREFIX`` normalised
    characters, sorted and concatenated (~100 characters, every two one
    bigram). A string because it is stored with the case in an ordinary text
    column, is readable when a match needs explaining, and many of them join
    into one buffer that numpy reads in one go (see ``similarity_to``)."""
    text = text or ""
    chars = normalise(text[: 4 * PREFIX])  # most of a long text is never used
    if len(chars) < PREFIX < len(text):
        chars = normalise(text)
    chars = chars[:PREFIX]
    return "".join(sorted({chars[i : i + 2] for i in range(len(chars) - 1)} - _COMMON_SET))


def _codes(fps: str) -> np.ndarray:
    """One uint64 per bigram of concatenated fingerprints: the two UTF-32
    code points of a bigram read as one little-endian 64-bit number."""
    return np.frombuffer(fps.encode("utf-32-le"), dtype="<u8")


_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing into 2**_BITS slots
_BITS = 16
_SHIFT = np.uint64(64 - _BITS)


def _contained(flat: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Which of ``flat`` are in the small set ``new``: an exact hash-table
    look-up (one multiply, shift and gather per code), 3-5 times faster than
    a binary search or ``np.isin`` over ~100,000 codes. The rare codes of
    ``new`` that collide in the table are compared directly."""
    slots = (new * _MULTIPLIER) >> _SHIFT
    table = np.zeros(1 << _BITS, np.uint64)  # 0 is no bigram's code
    table[slots] = new
    hit = table[(flat * _MULTIPLIER) >> _SHIFT] == flat
    for code in new[table[slots] != new]:
        hit |= flat == code
    return hit


def similarity_to(fp_new: str, fps: Sequence[str]) -> np.ndarray:
    """Jaccard similarity (0…1) of one fingerprint to each of ``fps`` (stored
    fingerprints of the candidates), in their order."""
    scores = np.zeros(len(fps))
    new = np.unique(_codes(fp_new))
    if len(fps) == 0 or new.size == 0:
        return scores
    lengths = np.fromiter(map(len, fps), dtype=np.int64, count=len(fps)) // 2
    hit = _contained(_codes("".join(fps)), new)
    filled = lengths > 0
    starts = (np.cumsum(lengths) - lengths)[filled]
    shared = np.zeros(len(fps))
    shared[filled] = np.add.reduceat(hit, starts, dtype=np.int64)
    union = new.size + lengths - shared
    return np.divide(shared, union, out=scores, where=union > 0)


def similarity(text: str, candidates: Sequence[str]) -> np.ndarray:
    """Scores in [0, 1] of ``text`` (title + description, see ``appeal_text``)
    against each candidate text. The dispatcher's candidate list and the
    citizen page's "me too" both call this (or ``similarity_to`` with stored
    fingerprints), so they agree on what counts as the same matter."""
    return similarity_to(fingerprint(text), [fingerprint(c) for c in candidates])


def likely_duplicates(
    text: str, candidates: Sequence[str], *, limit: int = 5, threshold: float = DUPLICATE_THRESHOLD
) -> list[tuple[int, float]]:
    """(index, score) of the best candidates at or above the threshold, best
    first, at most ``limit`` — what the dispatcher is shown."""
    scores = similarity(text, candidates)
    order = np.argsort(-scores, kind="stable")[:limit]
    return [(int(i), float(scores[i])) for i in order if scores[i] >= threshold]


_TABLE_THRESHOLDS = (0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.10, 0.12, 0.15, 0.20, 0.30)


def _prf(scores: np.ndarray, labels: np.ndarray, threshold: float) -> dict:
    flagged = scores >= threshold
    tp = int((flagged & labels).sum())
    precision = tp / flagged.sum() if flagged.any() else 1.0
    recall = tp / labels.sum() if labels.any() else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "threshold": threshold,
        "precision": round(float(precision), 4),
        "recall": round(float(recall), 4),
        "f1": round(float(f1), 4),
        "flagged": int(flagged.sum()),
    }


def evaluate_pairs(
    pairs: Iterable[tuple[str, str, int | bool]],
    *,
    threshold: float = DUPLICATE_THRESHOLD,
    thresholds: Sequence[float] = _TABLE_THRESHOLDS,
) -> dict:
    """Precision/recall/F1 at ``threshold`` on labelled (text_a, text_b,
    duplicate) pairs, with a small PR table across ``thresholds`` so the
    trade-off behind the chosen threshold stays visible."""
    pairs = list(pairs)
    scores = np.array([similarity_to(fingerprint(a), [fingerprint(b)])[0] for a, b, _ in pairs])
    labels = np.array([bool(int(d)) for _, _, d in pairs], dtype=bool)
    out = {"pairs": len(pairs), "positives": int(labels.sum()), **_prf(scores, labels, threshold)}
    out["table"] = [_prf(scores, labels, t) for t in thresholds]
    return out
