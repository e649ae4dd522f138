import datetime as dt
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from intel.classifier import TextClassifier, evaluate
from intel.data import TEDDY, teddy_messages
from triage.management.commands._shared import shared_data

MODELS = Path(settings.BASE_DIR) / "intel" / "models"


class Command(BaseCommand):
    help = (
        "训练案件一级分类模型并写出带版本的模型文件和模型说明（数据、得分）。可用 --seed 复现。 / "
        "Train the first-level category classifier; writes a versioned model file and a model card."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data", help="../shared/data 目录 / the shared data directory")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--model-version", default=dt.date.today().strftime("%Y%m%d"))
        parser.add_argument("--skip-evaluation", action="store_true", help="不做分组交叉验证 / no grouped CV")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        texts, labels = teddy_messages(shared_data(options["data"]))
        prepared = TextClassifier.prepare(texts)
        scores = {}
        if not options["skip_evaluation"]:
            self.stdout.write("grouped 5-fold evaluation …")
            result = evaluate(prepared, labels, seed=options["seed"])
            scores = {"macro_f1_grouped_5fold": round(result.macro_f1, 4),
                      "per_class_f1": {k: round(v, 4) for k, v in result.per_class.items()},
                      "folds": [round(f, 4) for f in result.fold_f1]}  # fmt: skip
            self.stdout.write(f"macro-F1 {result.macro_f1:.4f}")
        started = time.monotonic()
        model = TextClassifier(seed=options["seed"]).fit(prepared, labels)
        path = MODELS / f"category-{options['model_version']}.joblib"
        card = {
            "model": "word (1–2) + char (1–3) TF-IDF → linear SVM, sigmoid-calibrated (3-fold)",
            "task": "一级分类 of citizen appeals (7 classes of the 2020 泰迪杯 data)",
            "data": f"../shared/data/{TEDDY}: 9,210 labelled messages, title + detail, jieba-segmented",
            "labels": model.labels,
            "seed": options["seed"],
            "trained_on": dt.date.today().isoformat(),
            "training_seconds": round(time.monotonic() - started, 1),
            "scores": scores,
        }
        model.save(path, card)
        size = path.stat().st_size / 1e6
        self.stdout.write(
            self.style.SUCCESS(f"model → {path} ({size:.1f} MB), card → {path.with_suffix('.json')}")
        )
