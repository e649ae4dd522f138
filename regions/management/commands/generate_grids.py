from django.core.management.base import CommandError

from regions.management.base import PlaceCommand
from regions.services import generate_grids


class Command(PlaceCommand):
    help = (
        "演示用：在每个有真实边界的县区内生成乡镇、村(社区)和网格多边形（Voronoi 剖分，"
        "无缝无重叠，标记为合成数据），同一 --seed 结果相同。 / For the demo: generate "
        "township, village and grid polygons that tile each county with a real boundary "
        "(seeded Voronoi cells clipped to the parent, flagged synthetic). Reproducible with --seed."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--seed", type=int, default=2026, help="随机种子 / random seed")
        parser.add_argument(
            "--grids-per-village",
            default="7-13",
            help="每个村(社区)的网格数范围，如 7-13 / grids per village, e.g. 7-13 (about 10)",
        )
        parser.add_argument(
            "--host",
            action="append",
            default=[],
            metavar="GUEST=HOST",
            help="无边界的县级单位从哪个县区划出，如 410671000000=410611000000 / carve a "
            "county-level unit without a boundary out of another county",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="重新生成已有的合成网格 / regenerate villages that already have synthetic grids",
        )

    def handle(self, *args, **options):
        try:
            low, high = (int(x) for x in options["grids_per_village"].split("-"))
            hosts = dict(pair.split("=", 1) for pair in options["host"])
        except ValueError:
            raise CommandError("参数格式不对 / malformed --grids-per-village or --host") from None
        if not 1 <= low <= high:
            raise CommandError("--grids-per-village 范围无效 / invalid range")
        summary = generate_grids(
            seed=options["seed"],
            grids_per_village=(low, high),
            hosts=hosts,
            replace=options["replace"],
            progress=self.progress,
        )
        self.summary("网格生成完成 / grids generated", summary.lines())
