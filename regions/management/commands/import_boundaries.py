from regions.management.base import PlaceCommand
from regions.services import import_boundaries


class Command(PlaceCommand):
    help = (
        "按 adcode/code 把 GeoJSON 边界挂到行政区域或网格上（DataV 格式或本系统导出的文件）；"
        "文件有任何错误则不写入。 / Attach GeoJSON polygons to areas (or grids) by the "
        "feature's adcode/code (DataV-style files or Changan exports). Any error changes nothing."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("geojson", help="GeoJSON 文件路径 / path to a GeoJSON file")
        parser.add_argument(
            "--synthetic",
            action="store_true",
            help="标记为生成的（非官方）边界 / mark the polygons as synthetic (not official)",
        )

    def handle(self, *args, **options):
        summary = import_boundaries(
            options["geojson"], synthetic=options["synthetic"], progress=self.progress
        )
        self.summary("边界导入完成 / boundaries imported", summary.lines())
