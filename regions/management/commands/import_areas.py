from regions.management.base import PlaceCommand
from regions.services import import_areas


class Command(PlaceCommand):
    help = (
        "导入行政区划（统计用区划代码）CSV：列 code,name,level,parent_code。"
        "已有代码更新、新代码新增；文件有任何错误则不写入。 / "
        "Import areas from a CSV with columns code,name,level,parent_code "
        "(12-digit statistical division codes). Existing codes are updated; "
        "any error in the file changes nothing."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("csv", help="CSV 文件路径，UTF-8 编码 / path to a UTF-8 CSV file")

    def handle(self, *args, **options):
        summary = import_areas(options["csv"], progress=self.progress)
        self.summary("行政区划导入完成 / areas imported", summary.lines())
