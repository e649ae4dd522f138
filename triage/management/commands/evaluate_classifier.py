from django.core.management.base import BaseCommand
from tqdm import tqdm

from intel.classifier import TextClassifier, evaluate
from intel.data import teddy_messages
from triage.management.commands._shared import shared_data


class Command(BaseCommand):
    help = (
        "在真实数据上评估案件分类模型：分组 5 折（近似重复的留言在同一折），"
        "打印宏 F1、各类 F1 和混淆矩阵。 / "
        "Evaluate the classifier on grouped k-fold splits: macro-F1, per-class F1, confusion matrix."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data", help="../shared/data 目录 / the shared data directory")
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        texts, labels = teddy_messages(shared_data(options["data"]))
        prepared = TextClassifier.prepare(texts)
        folds, seed = options["folds"], options["seed"]
        with tqdm(total=folds, unit="fold", disable=options["no_progress"]) as bar:
            result = evaluate(prepared, labels, folds=folds, seed=seed, progress=bar.update)
        out = self.stdout
        out.write(f"{len(texts):,} messages, {result.groups:,} near-duplicate groups, "
                  f"grouped {folds}-fold, seed {seed} ({result.seconds:.0f} s)")  # fmt: skip
        out.write(f"macro-F1 {result.macro_f1:.4f}  (folds: {', '.join(f'{f:.4f}' for f in result.fold_f1)})")
        for label, score in sorted(result.per_class.items(), key=lambda kv: -kv[1]):
            out.write(f"  {label:<10} F1 {score:.4f}")
        out.write("confusion matrix (rows: true, columns: predicted): " + " | ".join(result.labels))
        for label, row in zip(result.labels, result.confusion, strict=True):
            out.write(f"  {label:<10} " + " ".join(f"{n:5d}" for n in row))
