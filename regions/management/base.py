"""What the place commands share: a progress bar, a summary, and turning a bad
file into one clear error message (exit status 1; nothing was written)."""

from __future__ import annotations

import sys
from collections.abc import Iterable

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from regions.services import ImportProblem


class PlaceCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条 / hide the progress bar")

    def progress(self, items: Iterable, desc: str = "") -> Iterable:
        if self._no_progress:
            return items
        return tqdm(items, desc=desc, file=sys.stderr, unit="", leave=False, dynamic_ncols=True)

    def execute(self, *args, **options):
        self._no_progress = options.get("no_progress", False)
        try:
            return super().execute(*args, **options)
        except ImportProblem as exc:
            raise CommandError(f"{exc}\n未写入任何数据 / nothing was changed") from exc

    def summary(self, title: str, lines: list[str]) -> None:
        self.stdout.write(self.style.SUCCESS(title))
        for line in lines:
            self.stdout.write(f"  {line}")
