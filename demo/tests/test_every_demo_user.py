"""Signed in as each demo user, the pages of their work open (no errors),
and each role lands where its work is."""

import pytest

from demo.services import DEMO_STAFF

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.mark.django_db
@pytest.mark.parametrize("username", [u[0] for u in DEMO_STAFF] + ["gw410611101001001", "leader_410622"])
def test_the_demo_users_pages_open(username, client_for):
    client = client_for(username)
    landing = client.get("/", follow=True)
    assert landing.status_code == 200, username
    for path in ("/cases/", "/cases/map/", "/inbox/", "/places/", "/account/security/"):
        assert client.get(path, follow=True).status_code == 200, (username, path)
    # The top bar offers exactly the pages that open.
    page = client.get("/cases/").content.decode()
    assert ('href="/screen/"' in page) == (client.get("/screen/").status_code == 200)
    assert ('href="/field/"' in page) == (client.get("/field/").status_code == 200)


@pytest.mark.django_db
def test_each_role_lands_on_its_work(client_for):
    assert client_for("gw410611101001001").get("/")["Location"] == "/field/"
    assert client_for("leader").get("/")["Location"] == "/screen/"
    assert client_for("qixian_dispatcher").get("/")["Location"] == "/cases/"
