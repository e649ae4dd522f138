import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection

from cases.services import sweep_timers
from earlywarning.services import run_due as run_early_warning_due
from intake.services import purge_expired
from mediation.services import sweep as sweep_disputes
from notify.services import deliver_due
from triage.services import check_duplicates

log = logging.getLogger("changan.worker")


class Command(BaseCommand):
    help = (
        "后台工作进程：扫描案件时限（预警、超期、签收超时、吹哨未报到）与调解提醒"
        "（高风险每日跟踪、司法确认期限、履行逾期、步骤超时）并投递通知，每晚研判前一天的风险预警。"
        "可在 PostgreSQL 上"
        "同时运行多个进程（行锁 SKIP LOCKED），重启不丢失、不重复。 / The background worker: sweeps case "
        "timers (warnings, overdue, overdue signing, unacknowledged whistles) and mediation reminders (daily "
        "high-risk checks, judicial-confirmation windows, overdue obligations and steps), delivers "
        "notifications, and once a night runs the early warning (探照灯) on yesterday. "
        "Several processes may run on PostgreSQL (rows are claimed with SKIP LOCKED); a restart loses and "
        "repeats nothing."
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
            try:
                timers = sweep_timers()
                disputes = sweep_disputes()
                sent = deliver_due()
                purge_expired()
                check_duplicates()
                # Once a night, after EARLY_WARNING_HOUR: judge yesterday (探照灯).
                warning = run_early_warning_due()
            except DatabaseError as exc:
                # A lost connection or a deadlock victim: the transaction rolled
                # back, nothing was half done; log it and try again next pass.
                log.warning("worker pass failed, will retry: %s", exc)
                if options["once"]:
                    raise
                self._sleep(options["interval"])
                continue
            if warning is not None:
                self.stdout.write(
                    f"风险预警 early warning {warning.day}: {warning.signals} signals ({warning.seconds} s)"
                )
            if timers.total() or disputes.total() or any(sent.values()) or options["once"]:
                self.stdout.write(
                    f"预警 warned {timers.warned} · 超期 overdue {timers.overdue} · "
                    f"签收超时 sign overdue {timers.sign_overdue} · "
                    f"吹哨升级 whistles {timers.whistles_escalated} · "
                    f"调解提醒 mediation {disputes.total()} · "
                    f"通知 sent {sent['sent']} retry {sent['retry']} dead {sent['dead']} "
                    f"({time.monotonic() - started:.2f} s)"
                )
            if options["once"] or self._stop:
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
