"""The appeal classifier: word and character TF-IDF features into a linear
SVM, calibrated (sigmoid, 3-fold) so that its confidence can decide between
"pre-fill the category" and "a dispatcher must choose"."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import joblib
import numpy as np
from scipy.sparse import hstack
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import confusion_matrix, f1_score
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.svm import LinearSVC

from intel.grouping import near_duplicate_groups
from intel.text import words


@dataclass(frozen=True)
class Suggestion:
    label: str
    confidence: float


class TextClassifier:
    def __init__(self, *, c: float = 1.0, max_features: int = 120_000, seed: int = 2026):
        self.c, self.max_features, self.seed = c, max_features, seed
        self.word = TfidfVectorizer(
            token_pattern=r"\S+", ngram_range=(1, 2), sublinear_tf=True, min_df=2,
            max_features=max_features // 2, dtype=np.float32,
        )  # fmt: skip
        self.char = TfidfVectorizer(
            analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2,
            max_features=max_features // 2, dtype=np.float32,
        )  # fmt: skip
        self.model: CalibratedClassifierCV | None = None

    @staticmethod
    def prepare(texts: Sequence[str]) -> list[str]:
        """Words of each text (text already segmented into words passes through)."""
        return [words(t) for t in texts]

    def _features(self, prepared: Sequence[str], *, fit: bool):
        chars = [t.replace(" ", "") for t in prepared]
        if fit:
            return hstack([self.word.fit_transform(prepared), self.char.fit_transform(chars)]).tocsr()
        return hstack([self.word.transform(prepared), self.char.transform(chars)]).tocsr()

    def fit(self, prepared: Sequence[str], labels: Sequence[str]) -> TextClassifier:
        svm = LinearSVC(C=self.c, class_weight="balanced", random_state=self.seed)
        # ensemble=False: one SVM on all the data decides; the 3 folds only calibrate.
        self.model = CalibratedClassifierCV(svm, method="sigmoid", cv=3, ensemble=False)
        self.model.fit(self._features(prepared, fit=True), np.asarray(labels))
        return self

    @property
    def labels(self) -> list[str]:
        return list(self.model.classes_)

    def probabilities(self, prepared: Sequence[str]) -> np.ndarray:
        return self.model.predict_proba(self._features(prepared, fit=False))

    def suggest(self, texts: Sequence[str], *, top: int = 3) -> list[list[Suggestion]]:
        """The ``top`` likeliest labels of each raw text, with calibrated confidence."""
        probs = self.probabilities(self.prepare(texts))
        order = np.argsort(-probs, axis=1)[:, :top]
        classes = self.model.classes_
        return [
            [Suggestion(str(classes[j]), float(row[j])) for j in idx]
            for row, idx in zip(probs, order, strict=True)
        ]

    def save(self, path: Path, card: dict) -> None:
        # The vectorizers remember every term they dropped (min_df, max_features):
        # only useful for introspection, and most of the file's size.
        for vectorizer in (self.word, self.char):
            vectorizer.stop_words_ = None
        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump(self, path, compress=3)
        path.with_suffix(".json").write_text(json.dumps(card, ensure_ascii=False, indent=2), encoding="utf-8")

    @staticmethod
    def load(path: Path) -> TextClassifier:
        return joblib.load(path)


@dataclass
class Evaluation:
    macro_f1: float
    fold_f1: list[float]
    per_class: dict[str, float]
    labels: list[str]
    confusion: list[list[int]]
    groups: int
    seconds: float


def evaluate(prepared: Sequence[str], labels: Sequence[str], *, folds: int = 5, seed: int = 2026,
             make=TextClassifier, progress=None) -> Evaluation:  # fmt: skip
    """Grouped, stratified k-fold: near-identical texts stay in one fold."""
    started = time.monotonic()
    labels = np.asarray(labels)
    groups = near_duplicate_groups(prepared)
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    predicted = np.empty_like(labels)
    fold_f1 = []
    for train, test in splitter.split(prepared, labels, groups):
        model = make(seed=seed).fit([prepared[i] for i in train], labels[train])
        probs = model.probabilities([prepared[i] for i in test])
        predicted[test] = model.model.classes_[probs.argmax(axis=1)]
        fold_f1.append(float(f1_score(labels[test], predicted[test], average="macro")))
        if progress:
            progress(1)
    names = sorted(set(labels))
    per_class = dict(zip(names, f1_score(labels, predicted, average=None, labels=names), strict=True))
    return Evaluation(
        macro_f1=float(np.mean(fold_f1)),
        fold_f1=fold_f1,
        per_class={k: float(v) for k, v in per_class.items()},
        labels=names,
        confusion=confusion_matrix(labels, predicted, labels=names).tolist(),
        groups=int(groups.max() + 1),
        seconds=time.monotonic() - started,
    )
