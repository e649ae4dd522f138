from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch

from intake.models import Site
from intake.services import print_posters
from regions.codes import CodeError, Level, level_of, prefix_of
from regions.models import Area, Grid

GRIDS = Grid.objects.select_related("village", "chief").prefetch_related("workers").order_by("code")


class Command(BaseCommand):
    help = (
        "打印二维码海报（A4 PDF）：一个网格、一个村(社区)、一个乡镇（街道）的全部网格，或登记的场所。 / "
        "Print A4 QR posters for a grid, a village, every grid of a township, or registered sites."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "code",
            nargs="?",
            help="15 位网格编码、12 位村(社区)或乡镇代码 / a grid, village or township code",
        )
        parser.add_argument("-o", "--output", required=True, help="PDF 文件 / output PDF file")
        parser.add_argument(
            "--sites",
            action="store_true",
            help="打印该地的登记场所而不是网格 / print the registered sites there instead of grids",
        )
        parser.add_argument(
            "--site", type=int, action="append", default=[], help="场所编号（可重复）/ a site id (repeatable)"
        )
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="二维码指向的站点地址 / the site the codes open",
        )

    def handle(self, *args, **options):
        code, grids, villages, sites = options["code"] or "", [], [], []
        site_rows = Site.objects.select_related("grid__village", "grid__chief").prefetch_related(
            "grid__workers"
        )
        if options["site"]:
            sites = list(site_rows.filter(pk__in=options["site"]).order_by("pk"))
            if len(sites) != len(set(options["site"])):
                raise CommandError("有场所编号不存在 / unknown site id")
        elif len(code) == 15:
            grids = list(GRIDS.filter(code=code))
        elif _level(code) in (Level.TOWNSHIP, Level.VILLAGE):
            prefix = prefix_of(code)
            if options["sites"]:
                sites = list(site_rows.filter(grid__code__startswith=prefix).order_by("grid_id", "name"))
            elif _level(code) == Level.TOWNSHIP:
                grids = list(GRIDS.filter(code__startswith=prefix))
            else:
                villages = list(
                    Area.objects.filter(code=code).prefetch_related(
                        Prefetch("grids", Grid.objects.select_related("chief").order_by("code"))
                    )
                )
        else:
            raise CommandError(
                "需要网格编码（15位）、村或乡镇代码（12位）或 --site / "
                "give a grid, village or township code, or --site"
            )
        if not (grids or villages or sites):
            raise CommandError(f"没有找到可打印的地点 / nothing to print for {code or options['site']}")
        pdf = print_posters(base_url=options["base_url"], grids=grids, villages=villages, sites=sites)
        with open(options["output"], "wb") as f:
            f.write(pdf)
        count = len(grids) + len(villages) + len(sites)
        self.stdout.write(self.style.SUCCESS(f"{count} 张海报 posters → {options['output']}"))


def _level(code: str) -> Level | None:
    try:
        return level_of(code)
    except CodeError:
        return None
