import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from changan import clock
from earlywarning.services import run_early_warning

STAGES = 6  # reading, series, clusters, entities, complainants/keywords, saving


class Command(BaseCommand):
    help = (
        "风险预警（探照灯）：研判某一天（默认昨天）的案件，保存预警信号；可重复运行，已研判的信号保留。"
        " / Early warning: judge a day (default yesterday) and store its signals; re-running keeps decided "
        "signals."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="研判日期 YYYY-MM-DD / the day to judge (default: yesterday)")
        parser.add_argument(
            "--days", type=int, default=1, help="连同之前共研判多少天 / judge this many days ending --date"
        )
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条 / hide the progress bar")

    def handle(self, *args, **options):
        try:
            last = (
                dt.date.fromisoformat(options["date"])
                if options["date"]
                else clock.today() - dt.timedelta(days=1)
            )
        except ValueError:
            raise CommandError("日期格式应为 YYYY-MM-DD / --date must be YYYY-MM-DD") from None
        if options["days"] < 1:
            raise CommandError("--days 至少为 1 / --days must be at least 1")
        days = [last - dt.timedelta(days=n) for n in range(options["days"] - 1, -1, -1)]
        bar = tqdm(
            total=STAGES * len(days), file=sys.stderr, leave=False, dynamic_ncols=True,
            disable=options["no_progress"],
        )  # fmt: skip
        for day in days:

            def step(label: str, day=day) -> None:
                bar.set_description(f"{day} {label}")
                bar.update(1)

            run = run_early_warning(day=day, progress=step)
            bar.update(STAGES * (days.index(day) + 1) - bar.n)  # a day done is a day done
            bar.clear()
            self.stdout.write(
                f"{day}: 信号 signals {run.signals} · 序列 series {run.series} · 案件 cases {run.cases} "
                f"({run.seconds} s)"
            )
        bar.close()
