"""The appeal type (诉求类型) of a message: consult 咨询 / help 求助 /
complaint 投诉 / report 举报 / suggestion 建议 — the platform's codes.

What is learned and what is rules, honestly:

* **Learned** (character 1–3-gram TF-IDF → class-balanced logistic
  regression) from the only labelled data we have, 1,234 人民网 Zhejiang
  posts (title + a ~100-character preview) whose 留言类型 distinguishes just
  three classes: 投诉/求助 (1,087) → ``complaint_or_help``, 咨询 (111) →
  ``consult``, 建言 (36) → ``suggestion``. The confidence is this model's
  probability of its class.
* **Rules** split ``complaint_or_help``, which the data never separates:
  any of ``REPORT_CUES`` (举报, 违法, 偷排, …) → ``report``; otherwise any of
  ``HELP_CUES`` (求助, 帮助, 困难, 救助, …) → ``help``; otherwise ``complaint``.
  Nothing measured these rules; the ``rule`` field of the result names the
  cue that fired, so a dispatcher can see why.

With 36 建言 posts the suggestion class is weak; treat low confidence as
"let the dispatcher choose"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from intel.classifier import CharNgrams, linear_probabilities, load_linear, save_linear
from intel.grouping import near_duplicate_groups
from intel.text import words

FORMAT = "changan-appeal-type/1"
LEARNED = {"投诉/求助": "complaint_or_help", "咨询": "consult", "建言": "suggestion"}
# Cue words, checked as substrings of title + text, in this order.
REPORT_CUES = ("举报", "违法", "非法", "偷排", "偷倒", "私排", "违规", "涉嫌", "传销", "赌博", "黑作坊",
               "无证经营", "无照经营", "偷税", "漏税", "贪污", "受贿")  # fmt: skip
HELP_CUES = ("求助", "帮助", "帮帮", "帮忙", "困难", "救助", "救济", "走投无路", "无家可归", "求救", "救命",
             "重病", "残疾", "低保", "孤寡")  # fmt: skip


@dataclass(frozen=True)
class AppealType:
    code: str  # consult / help / complaint / report / suggestion
    confidence: float  # the learned model's probability of its class
    learned: str  # complaint_or_help / consult / suggestion
    rule: str = ""  # the cue word that turned complaint_or_help into report or help


def split_complaint(text: str) -> tuple[str, str]:
    """(code, cue) for a complaint-or-help text — the rule part."""
    for cue in REPORT_CUES:
        if cue in text:
            return "report", cue
    for cue in HELP_CUES:
        if cue in text:
            return "help", cue
    return "complaint", ""


class AppealTypeClassifier:
    def __init__(self, *, c: float = 4.0, max_features: int = 30_000, seed: int = 2026):
        self.c, self.max_features, self.seed = c, max_features, seed
        self.ngrams: CharNgrams | None = None
        self.weights: np.ndarray | None = None
        self.bias: np.ndarray | None = None
        self.labels: list[str] = []

    def fit(self, texts: Sequence[str], learned: Sequence[str]) -> AppealTypeClassifier:
        """``learned``: complaint_or_help / consult / suggestion (see ``LEARNED``)."""
        from sklearn.linear_model import LogisticRegression

        self.ngrams = CharNgrams.fit(list(texts), max_features=self.max_features)
        model = LogisticRegression(C=self.c, class_weight="balanced", max_iter=3000, random_state=self.seed)
        model.fit(self.ngrams.matrix(list(texts)), np.asarray(learned))
        self.weights = model.coef_.T.astype(np.float16)
        self.bias = model.intercept_.astype(np.float32)
        self.labels = [str(c) for c in model.classes_]
        return self

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities of ``self.labels`` (the three learned classes)."""
        return linear_probabilities(self.ngrams, self.weights, self.bias, list(texts))

    def predict(self, texts: Sequence[str]) -> list[AppealType]:
        out = []
        for text, row in zip(texts, self.probabilities(texts), strict=True):
            best = int(row.argmax())
            learned = self.labels[best]
            code, cue = split_complaint(text) if learned == "complaint_or_help" else (learned, "")
            out.append(AppealType(code, float(row[best]), learned, cue))
        return out

    def save(self, path: Path, card: dict) -> None:
        save_linear(path, FORMAT, self.labels, self.ngrams, self.weights, self.bias, card)

    @staticmethod
    def load(path: Path) -> AppealTypeClassifier:
        model = AppealTypeClassifier()
        model.labels, model.ngrams, model.weights, model.bias = load_linear(path, FORMAT)
        return model


def evaluate_appeal_type(texts: Sequence[str], learned: Sequence[str], *, folds: int = 5,
                         seed: int = 2026) -> dict:  # fmt: skip
    """Grouped stratified k-fold on the learned classes (near-duplicate posts
    in one fold): macro-F1 and accuracy, beside always-the-majority."""
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import StratifiedGroupKFold

    y = np.asarray(learned)
    groups = near_duplicate_groups([words(t) for t in texts])
    predicted = np.empty_like(y)
    for train, test in StratifiedGroupKFold(folds, shuffle=True, random_state=seed).split(texts, y, groups):
        model = AppealTypeClassifier(seed=seed).fit([texts[i] for i in train], y[train])
        predicted[test] = np.asarray(model.labels)[
            model.probabilities([texts[i] for i in test]).argmax(axis=1)
        ]
    names = sorted(set(y))
    majority = np.full_like(y, max(names, key=lambda n: (y == n).sum()))
    return {
        "macro_f1": round(float(f1_score(y, predicted, average="macro")), 4),
        "accuracy": round(float(accuracy_score(y, predicted)), 4),
        "per_class_f1": {
            n: round(float(f), 4)
            for n, f in zip(names, f1_score(y, predicted, average=None, labels=names), strict=True)
        },
        "majority_macro_f1": round(float(f1_score(y, majority, average="macro")), 4),
        "majority_accuracy": round(float(accuracy_score(y, majority)), 4),
        "folds": folds,
        "seed": seed,
    }
