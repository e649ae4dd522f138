"""The process's grid locator follows changes to the grid table."""

import pytest
from shapely.geometry import box

from regions.models import Grid
from regions.services import locate_grid, locate_grid_codes

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.mark.django_db
def test_points_land_in_the_grid_whose_polygon_holds_them():
    grid = Grid.objects.get(code="410611101001001")
    inside = grid.boundary.representative_point()
    assert locate_grid(inside.x, inside.y) == grid.code
    assert locate_grid_codes([inside.x, 100.0], [inside.y, 20.0]) == [grid.code, ""]


@pytest.mark.django_db
def test_the_locator_is_rebuilt_when_a_grid_changes():
    far_away = (100.0, 20.0)  # outside Hebi
    assert locate_grid(*far_away) == ""
    grid = Grid.objects.get(code="410611101001001")
    grid.boundary = box(99.9, 19.9, 100.1, 20.1)
    grid.save()
    assert locate_grid(*far_away) == grid.code
