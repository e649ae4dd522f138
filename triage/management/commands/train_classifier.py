"""Train and ship the category classifier and the appeal-type classifier as
numpy files with model cards (data, scores, threshold table)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand
from tqdm import tqdm

from changan import clock
from intel.appeal_type import HELP_CUES, LEARNED, REPORT_CUES, AppealTypeClassifier, evaluate_appeal_type
from intel.classifier import TextClassifier, coverage_table, evaluate, recommend_threshold
from intel.data import TEDDY, ZHEJIANG, teddy_messages, zhejiang_posts
from triage.engines import model_path
from triage.management.commands._shared import add_training_arguments, shared_data
from triage.selectors import override_examples


class Command(BaseCommand):
    help = (
        "训练案件一级分类模型和诉求类型模型，写出带版本的 numpy 模型文件（.npz）和模型说明（.json：数据、"
        "得分、置信度阈值表）。可用 --seed 复现。 / "
        "Train the first-level category classifier and the appeal-type classifier; writes versioned "
        ".npz model files and .json model cards (data, scores, confidence threshold table)."
    )

    def add_arguments(self, parser):
        add_training_arguments(parser)
        parser.add_argument(
            "--with-overrides",
            action="store_true",
            help="加入调度员改判的分类作为训练数据 / add categories dispatchers chose against the suggestion",
        )

    def handle(self, *args, **options):
        root, seed, version = shared_data(options["data"]), options["seed"], options["model_version"]
        self.category(root, seed, version, options)
        self.appeal_type(root, seed, version, options)

    def category(self, root: Path, seed: int, version: str, options: dict) -> None:
        texts, labels = teddy_messages(root)
        prepared = TextClassifier.prepare(texts)
        scores, table, threshold = {}, [], None
        if not options["skip_evaluation"]:
            with tqdm(total=5, unit="fold", desc="grouped 5-fold", disable=options["no_progress"]) as bar:
                result = evaluate(prepared, labels, seed=seed, progress=bar.update)
            table = coverage_table(labels, result.predicted, result.confidence)
            threshold = recommend_threshold(table)
            scores = {"macro_f1_grouped_5fold": round(result.macro_f1, 4),
                      "per_class_f1": {k: round(v, 4) for k, v in result.per_class.items()},
                      "folds": [round(f, 4) for f in result.fold_f1],
                      "near_duplicate_groups": result.groups,
                      "confusion": {"labels": result.labels,
                                    "rows_true_columns_predicted": result.confusion}}  # fmt: skip
            self.stdout.write(f"category macro-F1 {result.macro_f1:.4f}; threshold {threshold}")
        extra_texts, extra_labels = override_examples() if options["with_overrides"] else ([], [])
        if extra_texts:
            # Only the classes the model knows: a handful of another class's examples is noise.
            known = set(labels)
            pairs = [(t, label) for t, label in zip(extra_texts, extra_labels, strict=True) if label in known]
            prepared += TextClassifier.prepare([t for t, _ in pairs])
            labels = [*labels, *(label for _, label in pairs)]
            self.stdout.write(f"+ {len(pairs):,} dispatcher overrides (of {len(extra_texts):,})")
        started = time.monotonic()
        model = TextClassifier(seed=seed).fit(prepared, labels)
        path = model_path("category", version)
        card = {
            "model": "character 1–3-gram TF-IDF (120k n-grams; the n-grams of the first 24 characters — "
            "the title — once more as their own features, own L2 norm, weight 0.7) → NB-SVM + linear SVM, "
            "stacked by a "
            "multinomial logistic regression on 3-fold out-of-fold scores (= calibration); "
            "collapsed to one linear map",
            "format": "numpy .npz without pickle: keys (uint64, 16-bit code points packed), idf, weights "
            "(float16, features × classes), bias, labels; see intel.classifier.TextClassifier.load",
            "input": "raw title + detail; intel.text.compact keeps ideographs, letters, digits "
            "(no segmentation)",
            "task": "一级分类 of citizen appeals (7 classes of the 2020 泰迪杯 data)",
            "data": f"../shared/data/{TEDDY}: {len(texts):,} labelled messages, title + detail, "
            "jieba-segmented by the competition (stop words removed)"
            + (
                f"; + {len(labels) - len(texts):,} dispatcher overrides (triage.Override)"
                if extra_texts
                else ""
            ),
            "labels": model.labels,
            "seed": seed,
            "version": version,
            "trained_on": clock.today().isoformat(),
            "training_seconds": round(time.monotonic() - started, 1),
            "scores": scores,
            "confidence_table": {
                "what": "grouped 5-fold out-of-fold top-1 confidence: share of messages at or above each "
                "threshold and the accuracy among them",
                "rows": table,
            },
            "recommended_threshold": threshold,
            "threshold_rule": "below this top-1 confidence a dispatcher chooses the category "
            "(aim: ≥ 97 % accuracy above)",
        }
        model.save(path, card)
        self.stdout.write(self.style.SUCCESS(f"category → {path} ({path.stat().st_size / 1e6:.2f} MB)"))

    def appeal_type(self, root: Path, seed: int, version: str, options: dict) -> None:
        posts = zhejiang_posts(root)
        texts = [f"{p.title} {p.content}" for p in posts]
        learned = [LEARNED[p.type] for p in posts]
        scores = {} if options["skip_evaluation"] else evaluate_appeal_type(texts, learned, seed=seed)
        if scores:
            self.stdout.write(
                f"appeal type macro-F1 {scores['macro_f1']} (majority {scores['majority_macro_f1']})"
            )
        started = time.monotonic()
        model = AppealTypeClassifier(seed=seed).fit(texts, learned)
        path = model_path("appeal-type", version)
        codes = [p.code for p in model.predict(texts)]
        card = {
            "model": "character 1–3-gram TF-IDF → class-balanced logistic regression (learned: "
            "complaint_or_help / consult / suggestion) + cue-word rules splitting complaint_or_help into "
            "report / help / complaint (not learned, not measured)",
            "format": "numpy .npz without pickle; see intel.appeal_type.AppealTypeClassifier.load",
            "data": f"../shared/data/{ZHEJIANG}: {len(posts):,} 人民网 Zhejiang posts, title + "
            "~100-character preview; 留言类型 投诉/求助 → complaint_or_help, 咨询 → consult, "
            "建言 → suggestion",
            "labels": model.labels,
            "rules": {
                "report_cues": list(REPORT_CUES),
                "help_cues": list(HELP_CUES),
                "otherwise": "complaint",
            },
            "seed": seed,
            "version": version,
            "trained_on": clock.today().isoformat(),
            "training_seconds": round(time.monotonic() - started, 1),
            "scores_grouped_5fold": scores,
            "codes_on_training_posts": {c: codes.count(c) for c in sorted(set(codes))},
        }
        model.save(path, card)
        self.stdout.write(self.style.SUCCESS(f"appeal type → {path} ({path.stat().st_size / 1e6:.2f} MB)"))
