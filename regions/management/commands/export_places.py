import sys

from django.core.management.base import CommandError

from regions import exports
from regions.management.base import PlaceCommand
from regions.models import Area, Grid


class Command(PlaceCommand):
    help = (
        "导出行政区域或网格为 CSV 或 GeoJSON（可再导入）。 / Export areas or grids as CSV "
        "or GeoJSON (readable again by import_areas / import_boundaries)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("what", choices=["areas", "grids"])
        parser.add_argument("--format", choices=["csv", "geojson"], default="csv")
        parser.add_argument("--under", help="只导出此区划代码以下 / only inside this area code")
        parser.add_argument("--level", type=int, help="只导出此级别的区域 / areas of this level")
        parser.add_argument("-o", "--output", help="输出文件，默认标准输出 / output file (stdout)")

    def handle(self, *args, **options):
        model = Area if options["what"] == "areas" else Grid
        qs = model.objects.all()
        if options["under"]:
            try:
                under = Area.objects.get(code=options["under"])
            except Area.DoesNotExist:
                raise CommandError(f"区划代码不存在 / unknown area code {options['under']}") from None
            qs = qs.filter(code__startswith=under.prefix)
        if options["level"]:
            if model is Grid:
                raise CommandError("--level 只用于区域 / --level applies to areas only")
            qs = qs.filter(level=options["level"])
        out = open(options["output"], "w", encoding="utf-8", newline="") if options["output"] else sys.stdout  # noqa: SIM115
        try:
            if options["format"] == "csv":
                writer = exports.write_areas_csv if model is Area else exports.write_grids_csv
                n = writer(qs, out)
            else:
                feature = exports.area_feature if model is Area else exports.grid_feature
                n = exports.write_geojson(
                    (feature(o) for o in self.progress(qs.iterator(chunk_size=1000), desc="export")), out
                )
        finally:
            if out is not sys.stdout:
                out.close()
        if options["output"]:
            self.summary("导出完成 / exported", [f"{n} → {options['output']}"])
