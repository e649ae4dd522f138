"""The appeal type: three learned classes, cue-word rules splitting
complaint-or-help into report / help / complaint, pickle-free save and load."""

import numpy as np

from intel.appeal_type import AppealTypeClassifier, evaluate_appeal_type, split_complaint

POSTS = {
    "complaint_or_help": "小区 噪音 扰民|工厂 偷排 污水 臭|家里 困难 求助 低保|物业 乱收费 投诉|夜间 施工",
    "consult": "请问 公积金 如何 提取|咨询 社保 转移 流程|想 了解 入学 政策|办理 居住证 需要 什么 材料",
    "suggestion": "建议 增设 公交 线路|建议 公园 增加 座椅|提议 完善 停车 规划|希望 增设 充电桩 建议",
}


def corpus(copies: int = 6):
    texts, learned = [], []
    for label, phrases in POSTS.items():
        for i in range(copies):
            for p in phrases.split("|"):
                texts.append(f"{p} 第{i}次")
                learned.append(label)
    return texts, learned


def test_rules_split_complaint_or_help():
    assert split_complaint("有人在河边偷排污水，我要举报") == ("report", "举报")
    assert split_complaint("家中老人重病，生活困难，请求帮助") == ("help", "帮助")
    assert split_complaint("楼下烧烤店油烟扰民") == ("complaint", "")


def test_it_learns_and_round_trips(tmp_path):
    texts, learned = corpus()
    model = AppealTypeClassifier(seed=1).fit(texts, learned)
    consult, suggestion, report = model.predict(
        ["咨询 公积金 提取 流程", "建议 增设 公交 线路", "工厂 偷排 污水"]
    )
    assert consult.code == "consult" and suggestion.code == "suggestion"
    assert report.code == "report" and report.learned == "complaint_or_help" and report.rule == "偷排"
    assert all(0 < r.confidence <= 1 for r in (consult, suggestion, report))
    path = tmp_path / "a.npz"
    model.save(path, {"note": "test"})
    np.load(path, allow_pickle=False).close()
    again = AppealTypeClassifier.load(path)
    assert again.predict(texts[:10]) == model.predict(texts[:10])


def test_grouped_evaluation_beats_the_majority():
    texts, learned = corpus()
    scores = evaluate_appeal_type(texts, learned, folds=3, seed=1)
    assert scores["macro_f1"] > scores["majority_macro_f1"]
