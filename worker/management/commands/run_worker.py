from worker.management.base import JobsCommand, names


class Command(JobsCommand):
    help = (
        "后台任务监管进程（小型部署的默认方式）：在一个进程里同时运行所有后台任务（案件时限扫描、调解提醒、"
        "通知投递、清理过期数据、查重，以及每晚研判前一天的风险预警），每个任务一个线程、各自循环，"
        "耗时长的任务不会拖住其他任务。一个任务出错只记录日志并退避重试，不影响其他任务；连续失败达到阈值时"
        "通知系统管理员。各任务状态见 /healthz/jobs。收到 SIGTERM 后每个任务完成当前一轮即退出。"
        "在 PostgreSQL 上可同时运行多个进程，重启不丢失、不重复。"
        "生产环境可改为每个任务一个进程：manage.py run_job <任务名>（任务列表见 run_job --list）。"
    )

    def add_arguments(self, parser):
        self.add_run_arguments(parser)
        parser.add_argument("--only", type=names, default=[], help="只运行这些任务（任务名，逗号分隔）")
        parser.add_argument("--skip", type=names, default=[], help="不运行这些任务（任务名，逗号分隔）")

    def handle(self, *args, **options):
        selected = self.chosen(only=options["only"], skip=options["skip"])
        self.run(selected, once=options["once"], interval=options["interval"])
