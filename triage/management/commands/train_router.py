"""Train the learned department router on the 商洛 letters: the second routing
signal next to the category × place rules (see ``intel.router``)."""

import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from changan import clock
from intel.classifier import evaluate
from intel.data import SHANGLUO, shangluo_letters
from intel.router import MIN_CLASS, DepartmentRouter, cross_validate, routing_data
from triage.engines import model_path
from triage.management.commands._shared import add_training_arguments, shared_data


class Command(BaseCommand):
    help = (
        "用商洛市长信箱来信训练部门（条线）路由模型（答复单位名称先规范化），"
        "写出带版本的模型文件和模型说明。 / "
        "Train the department router on the 商洛 mailbox (agency names normalised first); "
        "writes a versioned model file and a model card."
    )

    def add_arguments(self, parser):
        add_training_arguments(parser)
        parser.add_argument("--folds", type=int, default=5, help="折数 / number of folds")

    def handle(self, *args, **options):
        letters = shangluo_letters(shared_data(options["data"]))
        data = routing_data(letters)
        out = self.stdout
        out.write(
            f"{len(letters):,} letters → {len(data.texts):,} with a routing line; dropped {data.dropped}"
        )
        out.write(f"merged into other (< {MIN_CLASS} letters): {data.merged}")
        for label, n in data.counts.items():
            out.write(f"  {label:<18} {n:4d}")
        prepared = DepartmentRouter.prepare(data.texts)
        seed, folds = options["seed"], options["folds"]
        scores: dict = {}
        if not options["skip_evaluation"]:
            # Ours adds accuracy, top-3 and the baselines; the shared evaluator
            # (same folds) is run too so the macro-F1 is the one the category
            # classifier reports, and its confusion matrix goes in the card.
            with tqdm(total=2 * folds, unit="fold", disable=options["no_progress"]) as bar:
                result = cross_validate(
                    prepared, data.texts, data.labels, folds=folds, seed=seed, progress=bar.update
                )
                shared = evaluate(prepared, data.labels, folds=folds, seed=seed, progress=bar.update)
            scores = {
                "evaluation": f"grouped stratified {folds}-fold, {result.groups} groups, seed {seed}",
                "router": result.router.rounded(),
                "majority_baseline": result.majority.rounded(),
                "keyword_baseline": result.keywords.rounded(),
                "fold_accuracy": [round(a, 4) for a in result.fold_accuracy],
                "per_class_f1": {k: round(v, 4) for k, v in result.per_class_f1.items()},
                "intel_classifier_evaluate_macro_f1": round(shared.macro_f1, 4),
                "confusion": {"labels": shared.labels, "rows_true_columns_predicted": shared.confusion},
            }
            for name in ("router", "majority", "keywords"):
                s = getattr(result, name)
                out.write(
                    f"{name:<9} accuracy {s.accuracy:.4f}  macro-F1 {s.macro_f1:.4f}  top-3 {s.top3:.4f}"
                )
        started = time.monotonic()
        router = DepartmentRouter(seed=seed).fit(prepared, data.labels)
        path = model_path("router", options["model_version"])
        card = {
            "model": "intel.router.DepartmentRouter: intel.classifier.TextClassifier (character 1–3-gram "
            "TF-IDF → NB-SVM + linear SVM, stacked and calibrated by a logistic regression)",
            "task": "department line (orgs.models.Sector code, 'local' = the county/township government, "
            "'other' = a unit outside the platform's lines) of a citizen letter, from title + text; "
            "a second routing signal next to the category × place rules",
            "data": f"../shared/data/{SHANGLUO}: {len(letters):,} letters (repeated mail_ids once), "
            f"{len(data.texts):,} kept",
            "label": "reply_agency → intel.router.normalise_agency → intel.router.sector_of",
            "dropped": data.dropped,
            "merged_into_other": {"min_letters": MIN_CLASS, "lines": data.merged},
            "other_agencies": data.unmapped,
            "class_counts": data.counts,
            "labels": router.labels,
            "seed": seed,
            "trained_on": clock.today().isoformat(),
            "training_seconds": round(time.monotonic() - started, 1),
            "scores": scores,
        }
        router.save(path, card)
        size = path.stat().st_size / 1e6
        out.write(self.style.SUCCESS(f"model → {path} ({size:.2f} MB), card → {path.with_suffix('.json')}"))
