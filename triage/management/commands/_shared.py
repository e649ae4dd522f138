from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

DEFAULT_SHARED = Path(settings.BASE_DIR).parent / "shared" / "data"


def shared_data(path: str | None) -> Path:
    root = Path(path) if path else DEFAULT_SHARED
    if not root.is_dir():
        raise CommandError(
            f"找不到训练数据目录 {root}（需要 ../shared/data）/ the training data is not at {root}: "
            "pass --data DIR"
        )
    return root
