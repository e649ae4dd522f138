"""Printable A4 posters with the grid's QR code, in Chinese, offline fonts."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from intake.models import PlaceCode, PlaceKind, Site, SiteKind
from intake.services import place_token
from regions.models import Grid

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.mark.django_db
def test_a_township_batch_has_one_page_per_grid_and_embeds_the_font(tmp_path):
    path = tmp_path / "juqiao.pdf"
    call_command("print_posters", "410611101000", "-o", str(path), stdout=StringIO())
    pdf = path.read_bytes()
    grids = Grid.objects.filter(code__startswith="410611101").count()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page>") >= 1
    assert b"NotoSansSC" in pdf  # the Chinese font is embedded, not referenced
    assert grids == 3  # the small city's 钜桥镇: two villages (the demo's: 38 villages × ~10 grids)


@pytest.mark.django_db
def test_one_grid_and_bad_codes(tmp_path):
    path = tmp_path / "one.pdf"
    call_command("print_posters", "410611101001001", "-o", str(path), stdout=StringIO())
    assert path.stat().st_size > 10_000
    with pytest.raises(CommandError):
        call_command("print_posters", "123", "-o", str(path))


@pytest.mark.django_db
def test_the_admin_prints_selected_grids(client_for):
    client = client_for("admin")
    grids = list(Grid.objects.filter(code__startswith="410611101001").values_list("code", flat=True)[:2])
    response = client.post(
        "/admin/regions/grid/", {"action": "print_grid_posters", "_selected_action": grids, "index": 0}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


@pytest.fixture
def market():
    grid = Grid.objects.get(code="410611101001001")
    return Site.objects.create(
        name="钜桥农贸市场", kind=SiteKind.MARKET, grid=grid, lon=grid.centroid_lon, lat=grid.centroid_lat
    )


@pytest.mark.django_db
def test_a_registered_site_has_its_own_poster_whose_code_opens_the_site(tmp_path, client, market):
    path = tmp_path / "site.pdf"
    call_command("print_posters", "--site", str(market.pk), "-o", str(path), stdout=StringIO())
    assert path.read_bytes().startswith(b"%PDF")
    assert PlaceCode.objects.filter(kind=PlaceKind.SITE, ref=str(market.pk)).exists()
    token = place_token(PlaceKind.SITE, str(market.pk))
    page = client.get(f"/q/{token}/", follow=True)
    assert "钜桥农贸市场" in page.content.decode()
    batch = tmp_path / "sites.pdf"
    call_command("print_posters", "410611101000", "--sites", "-o", str(batch), stdout=StringIO())
    assert batch.stat().st_size > 10_000
    with pytest.raises(CommandError, match="unknown site"):
        call_command("print_posters", "--site", "999999", "-o", str(batch))


@pytest.mark.django_db
def test_a_village_poster_and_the_site_admin_action(tmp_path, client_for, market):
    path = tmp_path / "village.pdf"
    call_command("print_posters", "410611101001", "-o", str(path), stdout=StringIO())
    assert PlaceCode.objects.filter(kind=PlaceKind.VILLAGE, ref="410611101001").exists()
    response = client_for("admin").post(
        "/admin/intake/site/", {"action": "print_site_posters", "_selected_action": [market.pk], "index": 0}
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
