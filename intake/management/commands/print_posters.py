from django.core.management.base import BaseCommand, CommandError

from intake.models import PlaceKind
from intake.posters import posters_pdf
from intake.services import place_token
from regions.models import Grid


class Command(BaseCommand):
    help = (
        "打印网格二维码海报（A4 PDF）：一个网格，或一个乡镇（街道）的全部网格。 / Print A4 QR posters "
        "for one grid or every grid of a township."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="15 位网格编码或 12 位乡镇代码 / a grid code or a township code")
        parser.add_argument("-o", "--output", required=True, help="PDF 文件 / output PDF file")
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="二维码指向的站点地址 / the site the codes open",
        )

    def handle(self, *args, **options):
        code = options["code"]
        if len(code) == 15:
            grids = Grid.objects.filter(code=code)
        elif len(code) == 12 and code.endswith("000") and not code.endswith("000000"):
            grids = Grid.objects.filter(code__startswith=code[:9])
        else:
            raise CommandError("需要网格编码（15位）或乡镇代码（12位）/ give a grid code or a township code")
        grids = list(grids.select_related("village", "chief").prefetch_related("workers").order_by("code"))
        if not grids:
            raise CommandError(f"没有找到网格 / no grids for {code}")
        base = options["base_url"].rstrip("/")
        pdf = posters_pdf(grids, lambda g: f"{base}/q/{place_token(PlaceKind.GRID, g.code)}/")
        with open(options["output"], "wb") as f:
            f.write(pdf)
        self.stdout.write(self.style.SUCCESS(f"{len(grids)} 张海报 posters → {options['output']}"))
