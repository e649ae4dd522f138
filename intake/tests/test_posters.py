"""Printable A4 posters with the grid's QR code, in Chinese, offline fonts."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from regions.models import Grid


@pytest.mark.django_db
def test_a_township_batch_has_one_page_per_grid_and_embeds_the_font(tmp_path):
    path = tmp_path / "juqiao.pdf"
    call_command("print_posters", "410611101000", "-o", str(path), stdout=StringIO())
    pdf = path.read_bytes()
    grids = Grid.objects.filter(code__startswith="410611101").count()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page>") >= 1
    assert b"NotoSansSC" in pdf  # the Chinese font is embedded, not referenced
    assert grids > 300  # 38 villages × ~10 grids


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
        "/admin/regions/grid/", {"action": "print_posters", "_selected_action": grids, "index": 0}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
