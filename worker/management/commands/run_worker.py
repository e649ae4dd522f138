import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from worker.services import run_pass


class Command(BaseCommand):
    help = (
        "后台工作进程：每一轮运行到期的后台任务（案件时限扫描、调解提醒、通知投递、清理过期数据、"
        "查重，每晚研判前一天的风险预警），每个任务单独运行：一个任务出错只记录日志并退避重试，"
        "不影响其他任务；连续失败达到阈值时通知系统管理员。各任务状态见 /healthz/jobs。"
        "可在 PostgreSQL 上同时运行多个进程（行锁 SKIP LOCKED），重启不丢失、不重复。 / "
        "The background worker: each pass runs the jobs that are due (case timers, mediation "
        "reminders, notification deliveries, purges, duplicate checks, and once a night the early "
        "warning on yesterday), each on its own: a job that fails is logged and retried with a "
        "growing delay while the others go on; after repeated failures the administrators are told. "
        "Each job's health is at /healthz/jobs. Several processes may run on PostgreSQL (rows are "
        "claimed with SKIP LOCKED); a restart loses and repeats nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只运行一轮 / run one pass and exit")
        parser.add_argument(
            "--interval", type=float, default=30.0, help="两轮之间的秒数 / seconds between passes (30)"
        )

    def handle(self, *args, **options):
        self._stop = False
        signal.signal(signal.SIGTERM, self._request_stop)
        signal.signal(signal.SIGINT, self._request_stop)
        while True:
            if not connection.in_atomic_block:  # (it is, inside a test)
                close_old_connections()
            started = time.monotonic()
            outcomes = run_pass()
            for outcome in outcomes:
                if not outcome.ok:
                    self.stderr.write(f"{outcome.job}: 失败 failed — {outcome.summary}")
                elif outcome.summary:
                    self.stdout.write(f"{outcome.job}: {outcome.summary}")
            if options["once"]:
                self.stdout.write(f"{len(outcomes)} jobs ({time.monotonic() - started:.2f} s)")
                return
            self._sleep(options["interval"])
            if self._stop:
                return

    def _sleep(self, seconds: float) -> None:
        # In short steps, so a stop request is honoured quickly.
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self._stop:
            time.sleep(0.2)

    def _request_stop(self, *_):
        self._stop = True
