"""generate_grids: the demo grids tile each village; running it again adds nothing.

On part of the demo city, made as load_demo makes it: the real areas of
淇县's 灵山街道, one township of 淇滨区 and the development zone carved out of
淇滨区, the real county polygons, and generated township, village and grid
polygons (about 300 grids rather than the whole city's 10,000)."""

import csv
from io import StringIO

import pytest
import shapely
from django.core.management import CommandError, call_command

from demo.services import DEV_ZONE, DEV_ZONE_HOST
from demo.staff import SEED
from regions.models import Area, Grid, GridKind
from regions.services import generate_grids, import_areas, import_boundaries

TOWNSHIPS = ("410622004", "410611566", "410671400", "410671401", "410671402")
VILLAGE, TOWNSHIP = "410622004200", "410622004000"  # 赵庄村, 灵山街道 (淇县)


@pytest.fixture(autouse=True)
def generated(db, settings, tmp_path):
    with open(settings.DEMO_DATA_DIR / "hebi_admin_divisions.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["level"] in ("2", "3") or r["code"][:9] in TOWNSHIPS]
    path = tmp_path / "areas.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    import_areas(path)
    import_boundaries(settings.DEMO_DATA_DIR / "410600_full.json")
    generate_grids(seed=SEED, hosts={DEV_ZONE: DEV_ZONE_HOST})


@pytest.mark.django_db
def test_grids_are_coded_under_their_village_and_sized_like_practice():
    grids = Grid.objects.all()
    villages = Area.objects.filter(level=5).count()
    assert 7 * villages <= grids.count() <= 13 * villages  # about ten per village
    sample = list(grids.filter(kind=GridKind.BASIC))
    assert all(g.code[:12] == g.village_id and len(g.code) == 15 for g in sample)
    assert all(200 <= g.households <= 500 for g in sample)
    assert all(g.boundary_synthetic and g.boundary.is_valid for g in sample)
    assert grids.filter(kind=GridKind.DEDICATED).exclude(dedicated_to="").exists()


@pytest.mark.django_db
def test_grids_of_a_village_tile_it_and_villages_tile_their_township():
    village = Area.objects.get(code=VILLAGE)
    grids = [g.boundary for g in Grid.objects.filter(village=village)]
    assert sum(g.area for g in grids) == pytest.approx(village.boundary.area, rel=1e-6)
    assert shapely.union_all(grids).symmetric_difference(village.boundary).area < village.boundary.area * 1e-6
    township = Area.objects.get(code=TOWNSHIP)
    villages = [v.boundary for v in township.children.all()]
    assert sum(v.area for v in villages) == pytest.approx(township.boundary.area, rel=1e-6)


@pytest.mark.django_db
def test_the_development_zone_is_carved_out_of_its_host_county():
    zone = Area.objects.get(code="410671000000")
    host = Area.objects.get(code="410611000000")
    assert zone.boundary_synthetic and not host.boundary_synthetic
    assert host.boundary.buffer(1e-9).contains(zone.boundary)


@pytest.mark.django_db
def test_running_again_adds_nothing():
    before = Grid.objects.count()
    out = StringIO()
    call_command("generate_grids", "--host", "410671000000=410611000000", "--no-progress", stdout=out)
    assert "新建网格 grids created: 0" in out.getvalue()
    assert Grid.objects.count() == before


@pytest.mark.django_db
def test_a_malformed_range_is_refused():
    with pytest.raises(CommandError, match="malformed"):
        call_command("generate_grids", "--grids-per-village", "ten")


@pytest.mark.django_db
def test_another_seed_leaves_counties_with_grids_untouched():
    village = Area.objects.get(code=VILLAGE)
    before = village.boundary
    call_command(
        "generate_grids",
        "--seed",
        "7",
        "--host",
        "410671000000=410611000000",
        "--no-progress",
        stdout=StringIO(),
    )
    village.refresh_from_db()
    assert village.boundary.equals_exact(before, 0)
    grids = [g.boundary for g in Grid.objects.filter(village=village)]
    assert sum(g.area for g in grids) == pytest.approx(village.boundary.area, rel=1e-6)


@pytest.mark.django_db
def test_replace_regenerates_grids_and_polygons_together():
    call_command(
        "generate_grids", "--seed", "7", "--replace", "--host", "410671000000=410611000000", "--no-progress",
        stdout=StringIO(),
    )  # fmt: skip
    village = Area.objects.get(code=VILLAGE)
    grids = [g.boundary for g in Grid.objects.filter(village=village)]
    assert sum(g.area for g in grids) == pytest.approx(village.boundary.area, rel=1e-6)
