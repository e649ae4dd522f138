"""import_boundaries: DataV files attach polygons; bad files change nothing."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from regions.models import Area
from regions.services import import_areas

FILES = Path(__file__).parent / "files"


def run(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_boundaries", str(path), "--no-progress", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_datav_counties_get_their_real_polygons(settings):
    import_areas(settings.DEMO_DATA_DIR / "hebi_admin_divisions.csv")  # the counties, no polygons yet
    output = run(settings.DEMO_DATA_DIR / "410600_full.json")
    assert "更新 updated 5" in output
    qixian = Area.objects.get(code="410622000000")
    assert qixian.boundary.geom_type == "MultiPolygon"
    assert not qixian.boundary_synthetic
    assert qixian.boundary.contains(qixian.boundary.centroid)
    assert 114.0 < qixian.centroid_lon < 114.4 and 35.5 < qixian.centroid_lat < 35.8


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "boundaries_self_intersecting.geojson",
            "feature #1: 几何无效 / invalid geometry: Self-intersection",
        ),
        ("boundaries_unknown_code.geojson", "feature #2: 代码 419999000000 不存在"),
        ("boundaries_duplicate_code.geojson", "feature #2: 代码 410622000000 重复（与第1个要素）"),
        ("boundaries_point_geometry.geojson", "feature #1: 需要面状几何，得到 Point"),
        ("boundaries_truncated.geojson", "不是有效的JSON / invalid JSON"),
        ("boundaries_not_a_feature.geojson", "feature #2: 要素不是 GeoJSON Feature 对象"),
        ("boundaries_without_code.geojson", "feature #1: 要素没有 code 或 adcode 属性"),
        ("boundaries_gbk.geojson", "不是UTF-8编码 / not UTF-8 text"),
    ],
)
def test_a_bad_file_names_the_feature_and_changes_nothing(small_city, name, message):
    before = Area.objects.get(code="410622000000").boundary
    with pytest.raises(CommandError) as err:
        run(FILES / name)
    assert message in str(err.value)
    assert Area.objects.get(code="410622000000").boundary.equals(before)
