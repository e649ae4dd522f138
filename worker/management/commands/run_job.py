from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from changan.jobs import Job, jobs
from worker.management.base import JobsCommand


class Command(JobsCommand):
    help = (
        "单独运行一个后台任务，在本进程里循环：生产环境每个任务一个进程（一个 systemd 服务或一个容器），"
        "几个任务共用一个进程时用 run_worker --only。与 run_worker 相同：出错只记录日志并退避重试，"
        "连续失败达到阈值时通知系统管理员，收到 SIGTERM 后完成当前一轮即退出。任务列表见 --list。"
    )

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="任务名（见 --list）")
        parser.add_argument("--list", action="store_true", help="列出已登记的后台任务及其运行频率")
        self.add_run_arguments(parser)

    def handle(self, *args, **options):
        if options["list"]:
            for job in jobs():
                self.stdout.write(f"{job.name:<24}{cadence(job)}")
            return
        if not options["name"]:
            raise CommandError(
                _("请给出任务名。已登记的任务：%(known)s") % {"known": "、".join(job.name for job in jobs())}
            )
        self.run(self.chosen(only=[options["name"]]), once=options["once"], interval=options["interval"])


def cadence(job: Job) -> str:
    if job.every:
        text = _("每 %(minutes)d 分钟") % {"minutes": job.every.total_seconds() // 60}
    else:
        text = _("每一轮（每隔 --interval 秒）")
    return text + _("（耗时较长）") if job.slow else text
