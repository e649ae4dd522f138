"""Every page says what the browser may do: a Content-Security-Policy with no
inline script (and pages that need none), and a Permissions-Policy that lets
pages ask for the location and nothing else. The browser side of it is
test_security_browser.py."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings

from changan.security import FEATURES, permissions_policy, tile_source

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
PAGES = [
    ("admin", "/admin/"),
    ("admin", "/admin/regions/grid/"),
    ("admin", "/api/docs/"),
    ("admin", "/account/security/"),
    ("dispatcher_410611", "/cases/"),
    ("dispatcher_410611", "/cases/map/"),
    ("dispatcher_410611", "/places/410611101001/"),
    ("gw410611101001001", "/field/"),
    ("leader", "/screen/"),
    ("leader", "/hot/"),
    ("analyst", "/warning/"),
    ("mediator", "/mediation/"),
    (None, "/login/"),
    (None, "/report/place/"),
    (None, "/report/?village=410611101001"),
    (None, "/track/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "url"), PAGES)
def test_pages_carry_the_policies_and_need_no_inline_script(small_city, client_for, client, username, url):
    response = (client_for(username) if username else client).get(url)
    assert response.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'" and policy["form-action"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert "geolocation=(self)" in response["Permissions-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    page = response.content.decode()
    assert not INLINE_SCRIPT.search(page), INLINE_SCRIPT.search(page)
    assert not HANDLER.search(page), HANDLER.search(page)
    assert "<style" not in page and ' style="' not in page


@pytest.mark.django_db
def test_the_api_docs_load_their_start_up_script_from_the_site(small_city, client_for):
    client = client_for("admin")
    page = client.get("/api/docs/").content.decode()
    src = re.search(r'<script src="([^"]*script=[^"]*)"', page).group(1)
    script = client.get(src.replace("&amp;", "&"))
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()


def test_the_permissions_policy_denies_every_feature_it_does_not_allow():
    header = permissions_policy({"geolocation": ["self"]})
    features = dict(part.split("=") for part in header.split(", "))
    assert features.pop("geolocation") == "(self)"
    assert set(features) == set(FEATURES) - {"geolocation"}
    assert set(features.values()) == {"()"}
    assert permissions_policy(settings.PERMISSIONS_POLICY) == header


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("", None),
        ("/tiles/{z}/{x}/{y}.png", None),  # served by this site: 'self'
        ("https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=KEY&x={x}&y={y}&l={z}", "https://*.tianditu.gov.cn"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://10.1.2.3:8080/tiles/{z}/{x}/{y}.png", "http://10.1.2.3:8080"),
    ],
)
def test_the_map_tiles_host_is_allowed_for_images(url, source):
    assert tile_source(url) == source


def test_a_tile_url_sets_the_image_sources_of_the_policy():
    tiles = "https://t{s}.tianditu.gov.cn/x"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "changan_site.settings", "MAP_TILE_URL": tiles}
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"
    )
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    sources = json.loads(out.stdout.strip().splitlines()[-1])
    assert sources == ["'self'", "data:", "blob:", "https://*.tianditu.gov.cn"]
