import time

from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from cases.models import Case
from figures.services import rebuild


class Command(BaseCommand):
    help = (
        "从事件日志重新统计数据中心的全部汇总表（导入数据后或核对时使用）。 / Recount the data center's "
        "rollup tables from the event log."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        started = time.monotonic()
        bar = tqdm(total=Case.objects.count(), unit="case", disable=options["no_progress"])
        with bar, transaction.atomic():
            events = rebuild(progress=bar.update)
        seconds = time.monotonic() - started
        message = f"{events:,} 条事件已重新统计 / events counted ({seconds:.1f} s)"
        self.stdout.write(self.style.SUCCESS(message))
