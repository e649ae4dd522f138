import time

from demo.services import DEMO_PASSWORD, load_demo_city
from intake.models import PlaceKind
from intake.services import place_token
from regions.management.base import PlaceCommand

DEMO_QR_GRID = "410611101001001"


class Command(PlaceCommand):
    help = (
        "加载演示城市鹤壁：真实区划代码和县区边界，生成的乡镇/村/网格边界，各级组织单位和演示账号。"
        "可重复运行，不会重复数据。 / Load the demo city (Hebi): real division codes and county "
        "polygons, generated township/village/grid polygons, org units and demo staff. Idempotent."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--cases",
            type=int,
            default=2500,
            help="一年生成多少案件（0 不生成；已有案件时不再生成） / cases to simulate over a year "
            "(0: none; skipped when cases exist)",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        report = load_demo_city(progress=self.progress, cases_per_year=options["cases"])
        self.summary(f"演示城市已就绪 / demo city ready ({time.monotonic() - started:.1f} s)", report.steps)
        self.stdout.write(self.style.SUCCESS(f"演示账号 demo logins（密码 password: {DEMO_PASSWORD}）"))
        for login in report.logins:
            self.stdout.write(f"  {login.username:<22} {login.role:<12} {login.unit}")
        token = place_token(PlaceKind.GRID, DEMO_QR_GRID)
        self.stdout.write(
            self.style.SUCCESS("居民扫码上报 a resident's QR code (刘寨社区第1网格): ")
            + f"http://127.0.0.1:8000/q/{token}/\n"
            "  短信（含验证码）写在服务器输出里 / SMS, codes included, are printed in the server's output"
        )
