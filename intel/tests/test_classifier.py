"""The classifier on a small made-up corpus: it learns, suggests the top
labels with calibrated confidences that add up, survives a save and load as
a pickle-free npz with identical predictions, and the grouped evaluation
keeps near-identical texts in one fold."""

from pathlib import Path

import numpy as np
import pytest

from intel.classifier import (
    CharNgrams,
    TextClassifier,
    baseline,
    coverage_table,
    evaluate,
    ngram_keys,
    recommend_threshold,
)
from intel.data import teddy_messages
from intel.grouping import near_duplicate_groups
from intel.text import compact

TOPICS = {
    "城乡建设": ["小区 路灯 损坏 维修", "道路 破损 积水 修补", "违章 搭建 拆除 小区", "井盖 缺失 道路 安全"],
    "劳动和社会保障": [
        "拖欠 工资 农民工 老板",
        "社保 缴纳 单位 不交",
        "工伤 认定 赔偿 公司",
        "养老 保险 转移 办理",
    ],
    "环境保护": ["工厂 排放 废气 刺鼻", "河道 污染 污水 直排", "噪音 扰民 夜间 施工", "垃圾 焚烧 烟雾 污染"],
}
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def corpus(copies: int = 12):
    rng = np.random.default_rng(1)
    texts, labels = [], []
    for label, phrases in TOPICS.items():
        for i in range(copies):
            words = " ".join(rng.permutation(" ".join(phrases).split())[:6])
            texts.append(f"{words} 第{i}次 反映")
            labels.append(label)
    return texts, labels


def test_it_learns_and_suggests_with_confidence(tmp_path):
    texts, labels = corpus()
    model = TextClassifier(seed=1).fit(TextClassifier.prepare(texts), labels)
    (top, second, third), *_ = model.suggest(["公司拖欠我们三个月工资！"])
    assert top.label == "劳动和社会保障" and top.confidence > second.confidence >= third.confidence
    assert top.confidence + second.confidence + third.confidence <= 1 + 1e-6
    probabilities = model.probabilities(TextClassifier.prepare(["河道 污水 直排 污染"]))
    assert abs(probabilities.sum() - 1) < 1e-6
    assert model.labels == sorted(TOPICS)


def test_save_and_load_give_identical_predictions_without_pickle(tmp_path):
    texts, labels = corpus()
    model = TextClassifier(seed=1).fit(TextClassifier.prepare(texts), labels)
    path = tmp_path / "m.npz"
    model.save(path, {"note": "test"})
    with np.load(path, allow_pickle=False) as z:  # plain arrays only
        assert {"keys", "idf", "weights", "bias", "labels"} <= set(z.files)
    again = TextClassifier.load(path)
    raw = ["工厂 排放 废气", "小区的路灯坏了一周，晚上很黑", "", "ＡＢＣ１２３ 社保"]
    assert np.array_equal(model.probabilities(raw), again.probabilities(raw))
    assert model.suggest(raw) == again.suggest(raw)
    assert again.suggest(["工厂排放废气"])[0][0].label == "环境保护"
    assert path.with_suffix(".json").read_text(encoding="utf-8").count("test") == 1


def test_raw_and_segmented_text_give_the_same_features():
    raw = "小区的路灯坏了，A3区_x000D_ＡＢ！"
    assert compact(raw) == compact("小区 的 路灯 坏 了 A3 区 ab") == "小区的路灯坏了a3区ab"
    doc, key = ngram_keys(["ab", "c"])
    assert sorted(zip(doc.tolist(), key.tolist(), strict=True)) == [
        (0, 97),
        (0, 98),
        (0, (97 << 16) | 98),
        (1, 99),
    ]


def test_ngram_lookup_matches_a_dictionary():
    texts = ["路灯坏了", "路灯修好了", "污水直排", "污水"] * 2
    ngrams = CharNgrams.fit(texts, min_df=1)
    _, key = ngram_keys(["路灯污水不明"])
    where = {int(k): i for i, k in enumerate(ngrams.keys)}
    assert ngrams._index(key).tolist() == [where.get(int(k), -1) for k in key]
    row, _, value = ngrams.transform(["路灯污水不明", ""])
    assert set(row.tolist()) == {0} and abs(float((value**2).sum()) - 1) < 1e-5


def test_near_identical_texts_share_a_group_and_a_fold():
    texts = ["小区 路灯 坏 了 一周", "小区 路灯 坏 了 一周 ！", "工厂 排放 废气"]
    groups = near_duplicate_groups(texts)
    assert groups[0] == groups[1] != groups[2]
    many, labels = corpus(copies=10)
    result = evaluate(TextClassifier.prepare(many), labels, folds=3, seed=1)
    assert len(result.fold_f1) == 3 and result.macro_f1 > 0.8
    assert sum(map(sum, result.confusion)) == len(many) == len(result.confidence)
    assert evaluate(TextClassifier.prepare(many), labels, folds=3, seed=1, make=baseline).macro_f1 > 0.8


def test_coverage_table_and_threshold():
    table = coverage_table(["a", "a", "b", "b"], ["a", "b", "b", "b"], [0.95, 0.55, 0.9, 0.7], (0.5, 0.8))
    assert table == [
        {"threshold": 0.5, "coverage": 1.0, "accuracy": 0.75},
        {"threshold": 0.8, "coverage": 0.5, "accuracy": 1.0},
    ]
    assert recommend_threshold(table) == 0.8


@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared/data")
def test_real_data_subset_learns():
    texts, labels = teddy_messages(SHARED)
    texts, labels = texts[::6], labels[::6]
    model = TextClassifier(seed=2026).fit(texts[::2], labels[::2])
    probs = model.probabilities(texts[1::2])
    accuracy = np.mean(np.asarray(model.labels)[probs.argmax(axis=1)] == np.asarray(labels[1::2]))
    assert accuracy > 0.8
