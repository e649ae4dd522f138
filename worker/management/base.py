"""What ``run_job`` and ``run_worker`` share: the run options, the choice of
jobs by name, stopping on SIGTERM/SIGINT, and writing each outcome."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Sequence

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from changan.jobs import Job, jobs
from worker.runner import run_pass, supervise
from worker.services import Outcome

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def names(value: str) -> list[str]:
    """A comma-separated list of job names, as typed."""
    return [name.strip() for name in value.split(",") if name.strip()]


class JobsCommand(BaseCommand):
    def add_run_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="每个到期的任务依次运行一次后退出")
        parser.add_argument("--interval", type=float, default=30.0, help="每个任务两轮之间的秒数（默认 30）")

    def chosen(self, *, only: Sequence[str] = (), skip: Sequence[str] = ()) -> list[Job]:
        """The registered jobs named in ``only`` (all when empty) but not in ``skip``, quick ones first."""
        known = {job.name: job for job in jobs()}
        unknown = [name for name in [*only, *skip] if name not in known]
        if unknown:
            raise CommandError(
                _("没有这个后台任务：%(unknown)s。已登记的任务：%(known)s")
                % {"unknown": "、".join(unknown), "known": "、".join(known)}
            )
        selected = [job for name, job in known.items() if (not only or name in only) and name not in skip]
        if not selected:
            raise CommandError(_("没有选中任何后台任务。"))
        return selected

    def run(self, selected: list[Job], *, once: bool, interval: float) -> None:
        """One pass of ``selected`` (``once``), or each in its own thread until
        SIGTERM/SIGINT: then each finishes its current pass. SIGINT stays
        ignored when it was (a worker started in the background by a shell,
        as ``make demo`` does, is stopped by the shell's SIGTERM)."""
        if interval < 0:
            raise CommandError(_("--interval 不能为负数。"))
        stop = threading.Event()

        def request_stop(*_args) -> None:
            if not stop.is_set():
                stop.set()
                self.stderr.write(_("正在停止：各任务完成当前一轮后退出。"))

        previous = {
            signum: signal.signal(signum, request_stop)
            for signum in STOP_SIGNALS
            if signal.getsignal(signum) is not signal.SIG_IGN
        }
        try:
            if once:
                started = time.monotonic()
                outcomes = run_pass(selected, report=self.report)
                self.stdout.write(
                    _("%(count)d 个任务（%(seconds).2f 秒）")
                    % {"count": len(outcomes), "seconds": time.monotonic() - started}
                )
            elif died := supervise(selected, interval=interval, stop=stop, report=self.report):
                raise CommandError(_("后台任务意外停止：%(jobs)s") % {"jobs": "、".join(died)})
        finally:
            for signum, handler in previous.items():  # (a test's process goes on)
                signal.signal(signum, signal.SIG_DFL if handler is None else handler)

    def report(self, outcome: Outcome) -> None:
        if not outcome.ok:
            self.stderr.write(_("%(job)s：失败 — %(error)s") % {"job": outcome.job, "error": outcome.summary})
        elif outcome.summary:
            self.stdout.write(f"{outcome.job}: {outcome.summary}")
