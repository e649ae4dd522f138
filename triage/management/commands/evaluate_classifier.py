"""Grouped k-fold evaluation of the category classifier (and, with
--baseline, of the plain character SVM on the same folds)."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from intel.classifier import TextClassifier, baseline, coverage_table, evaluate, recommend_threshold
from intel.data import teddy_messages
from triage.management.commands._shared import add_training_arguments, shared_data


class Command(BaseCommand):
    help = (
        "在真实数据上评估案件分类模型：分组 5 折（近似重复的留言在同一折），"
        "打印宏 F1、各类 F1、混淆矩阵和置信度阈值表；--baseline 同时评估基线模型。 / "
        "Evaluate the classifier on grouped k-fold splits: macro-F1, per-class F1, confusion matrix, "
        "confidence table; --baseline also evaluates the plain char TF-IDF + linear SVM on the same folds."
    )

    def add_arguments(self, parser):
        add_training_arguments(parser, trains=False)
        parser.add_argument("--folds", type=int, default=5, help="折数 / number of folds")
        parser.add_argument(
            "--baseline", action="store_true", help="同时评估基线 / also evaluate the baseline"
        )

    def handle(self, *args, **options):
        texts, labels = teddy_messages(shared_data(options["data"]))
        prepared = TextClassifier.prepare(texts)
        models = [("model", TextClassifier)] + ([("baseline", baseline)] if options["baseline"] else [])
        for name, make in models:
            self.report(name, make, prepared, labels, options)

    def report(self, name, make, prepared, labels, options) -> None:
        folds, seed = options["folds"], options["seed"]
        with tqdm(total=folds, unit="fold", desc=name, disable=options["no_progress"]) as bar:
            result = evaluate(prepared, labels, folds=folds, seed=seed, make=make, progress=bar.update)
        out = self.stdout
        out.write(f"[{name}] {len(labels):,} messages, {result.groups:,} near-duplicate groups, "
                  f"grouped {folds}-fold, seed {seed} ({result.seconds:.0f} s)")  # fmt: skip
        out.write(f"macro-F1 {result.macro_f1:.4f}  (folds: {', '.join(f'{f:.4f}' for f in result.fold_f1)})")
        for label, score in sorted(result.per_class.items(), key=lambda kv: -kv[1]):
            out.write(f"  {label:<10} F1 {score:.4f}")
        out.write("confusion matrix (rows: true, columns: predicted): " + " | ".join(result.labels))
        for label, row in zip(result.labels, result.confusion, strict=True):
            out.write(f"  {label:<10} " + " ".join(f"{n:5d}" for n in row))
        if name == "model":  # the baseline's softmax scores are not calibrated
            table = coverage_table(labels, result.predicted, result.confidence)
            out.write("top-1 confidence ≥ threshold: share of messages, accuracy among them")
            for row in table:
                share, accuracy = row["coverage"], row["accuracy"]
                out.write(f"  ≥ {row['threshold']:.2f}  coverage {share:.3f}  accuracy {accuracy:.4f}")
            out.write(f"recommended threshold (≥ 97 % accuracy above): {recommend_threshold(table)}")
