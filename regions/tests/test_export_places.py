"""Exports round-trip: what export_places writes, the importers read back."""

import csv
import json
from io import StringIO

import pytest
from django.core.management import call_command

from regions.models import Area, Grid

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.mark.django_db
def test_areas_csv_reimports_unchanged(tmp_path):
    path = tmp_path / "qixian.csv"
    call_command("export_places", "areas", "--under", "410622000000", "-o", str(path), stdout=StringIO())
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert len(rows) == Area.objects.filter(code__startswith="410622").count()
    out = StringIO()
    call_command("import_areas", str(path), "--no-progress", stdout=out)
    assert f"未变 unchanged {len(rows)}" in out.getvalue()


@pytest.mark.django_db
def test_grids_geojson_carries_codes_and_reimports(tmp_path):
    path = tmp_path / "grids.geojson"
    call_command(
        "export_places",
        "grids",
        "--format",
        "geojson",
        "--under",
        "410611101001",
        "-o",
        str(path),
        stdout=StringIO(),
    )
    data = json.loads(path.read_text(encoding="utf-8"))
    codes = [f["properties"]["code"] for f in data["features"]]
    assert codes == list(Grid.objects.filter(village_id="410611101001").values_list("code", flat=True))
    assert all(f["properties"]["synthetic"] for f in data["features"])
    Grid.objects.filter(code__in=codes).update(boundary=None)
    call_command("import_boundaries", str(path), "--synthetic", "--no-progress", stdout=StringIO())
    assert not Grid.objects.filter(code__in=codes, boundary=None).exists()


@pytest.mark.django_db
def test_grids_csv_lists_every_grid_of_the_area(tmp_path):
    path = tmp_path / "grids.csv"
    call_command("export_places", "grids", "--under", "410611101000", "-o", str(path), stdout=StringIO())
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert len(rows) == Grid.objects.filter(code__startswith="410611101").count()
    assert {"code", "name", "kind", "village_code", "households"} <= set(rows[0])


@pytest.mark.django_db
def test_areas_geojson_reimports_as_boundaries(tmp_path):
    path = tmp_path / "townships.geojson"
    args = ["areas", "--format", "geojson", "--level", "4", "--under", "410622000000", "-o", str(path)]
    call_command("export_places", *args, stdout=StringIO())
    data = json.loads(path.read_text(encoding="utf-8"))
    # 淇县's townships in the small city: 朝歌街道 and 灵山街道 (the demo has nine).
    assert len(data["features"]) == 2 and all(f["properties"]["synthetic"] for f in data["features"])
    out = StringIO()
    call_command("import_boundaries", str(path), "--synthetic", "--no-progress", stdout=out)
    assert "更新 updated 2" in out.getvalue()
