"""City intranets are offline: pages load nothing from another host."""

import re

import pytest
from django.contrib.staticfiles import finders

EXTERNAL = re.compile(r"""(?:src|href)=["'](?:https?:)?//""")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/login/", "/places/410611101000/", "/places/410611101001/", "/admin/", "/api/docs/", "/cases/",
     "/report/place/", "/report/?village=410611101001"],
)  # fmt: skip
def test_pages_reference_no_external_host(small_city, client_for, url):
    page = client_for("admin").get(url).content.decode()
    assert not EXTERNAL.search(page), EXTERNAL.search(page)


def test_front_end_libraries_are_installed_locally():
    for path in ("vendor/htmx/htmx.min.js", "vendor/leaflet/leaflet.js", "vendor/echarts/echarts.min.js"):
        assert finders.find(path), f"{path} missing: run `make vendor`"


@pytest.mark.django_db
def test_the_openapi_schema_builds(small_city, client_for):
    response = client_for("admin").get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/grids/{code}/" in paths and "/api/v1/locate/" in paths
