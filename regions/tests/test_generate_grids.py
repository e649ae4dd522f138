"""generate_grids: the demo grids tile each village; running it again adds nothing."""

from io import StringIO

import pytest
import shapely
from django.core.management import CommandError, call_command

from regions.models import Area, Grid, GridKind


@pytest.mark.django_db
def test_grids_are_coded_under_their_village_and_sized_like_practice():
    grids = Grid.objects.all()
    assert 9_000 <= grids.count() <= 12_000  # about ten per village
    sample = list(grids.filter(kind=GridKind.BASIC).order_by("?")[:200])
    assert all(g.code[:12] == g.village_id and len(g.code) == 15 for g in sample)
    assert all(200 <= g.households <= 500 for g in sample)
    assert all(g.boundary_synthetic and g.boundary.is_valid for g in sample)
    assert grids.filter(kind=GridKind.DEDICATED).exclude(dedicated_to="").exists()


@pytest.mark.django_db
def test_grids_of_a_village_tile_it_and_villages_tile_their_township():
    village = Area.objects.get(code="410611101001")
    grids = [g.boundary for g in Grid.objects.filter(village=village)]
    assert sum(g.area for g in grids) == pytest.approx(village.boundary.area, rel=1e-6)
    assert shapely.union_all(grids).symmetric_difference(village.boundary).area < village.boundary.area * 1e-6
    township = Area.objects.get(code="410611101000")
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
    village = Area.objects.get(code="410622001001")
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
    village = Area.objects.get(code="410622001001")
    grids = [g.boundary for g in Grid.objects.filter(village=village)]
    assert sum(g.area for g in grids) == pytest.approx(village.boundary.area, rel=1e-6)
