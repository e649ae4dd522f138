"""The classifier on a small made-up corpus: it learns, suggests the top
labels with calibrated confidences that add up, survives a save and load,
and the grouped evaluation keeps near-identical texts in one fold."""

import numpy as np

from intel.classifier import TextClassifier, evaluate
from intel.grouping import near_duplicate_groups

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
    (top, second, third), *_ = model.suggest(["公司 拖欠 我们 三个月 工资"])
    assert top.label == "劳动和社会保障" and top.confidence > second.confidence >= third.confidence
    probabilities = model.probabilities(TextClassifier.prepare(["河道 污水 直排 污染"]))
    assert abs(probabilities.sum() - 1) < 1e-6
    path = tmp_path / "m.joblib"
    model.save(path, {"note": "test"})
    again = TextClassifier.load(path)
    assert again.suggest(["工厂 排放 废气"])[0][0].label == "环境保护"
    assert path.with_suffix(".json").read_text(encoding="utf-8").count("test") == 1


def test_near_identical_texts_share_a_group_and_a_fold():
    texts = ["小区 路灯 坏 了 一周", "小区 路灯 坏 了 一周 ！", "工厂 排放 废气"]
    groups = near_duplicate_groups(texts)
    assert groups[0] == groups[1] != groups[2]
    many, labels = corpus(copies=10)
    result = evaluate(TextClassifier.prepare(many), labels, folds=3, seed=1)
    assert len(result.fold_f1) == 3 and result.macro_f1 > 0.8
    assert sum(map(sum, result.confusion)) == len(many)
