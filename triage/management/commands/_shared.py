from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from changan import clock

DEFAULT_SHARED = Path(settings.BASE_DIR).parent / "shared" / "data"


def shared_data(path: str | None) -> Path:
    root = Path(path) if path else DEFAULT_SHARED
    if not root.is_dir():
        raise CommandError(
            f"找不到训练数据目录 {root}（需要 ../shared/data）/ the training data is not at {root}: "
            "pass --data DIR"
        )
    return root


def add_training_arguments(parser, *, trains: bool = True) -> None:
    """The options every training and evaluation command shares."""
    parser.add_argument("--data", help="../shared/data 目录 / the shared data directory")
    parser.add_argument("--seed", type=int, default=2026, help="随机种子 / random seed")
    parser.add_argument("--no-progress", action="store_true", help="不显示进度条 / no progress bar")
    if trains:
        parser.add_argument("--model-version", default=clock.today().strftime("%Y%m%d"),
                            help="模型版本 / model version, e.g. 2026.11")  # fmt: skip
        parser.add_argument("--skip-evaluation", action="store_true", help="不做分组交叉验证 / no grouped CV")
