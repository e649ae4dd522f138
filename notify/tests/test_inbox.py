"""Each user reads their own inbox, by page and API."""

import pytest

from notify.services import notify

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.mark.django_db
def test_the_inbox_shows_only_my_messages_and_marks_them_read(client_for, user_named):
    me, other = user_named("qixian_dispatcher"), user_named("xunxian_dispatcher")
    (mine,) = notify(recipients=[me], title="给我的", kind="test")
    (theirs,) = notify(recipients=[other], title="给别人的", kind="test")
    client = client_for("qixian_dispatcher")
    page = client.get("/inbox/").content.decode()
    assert "给我的" in page and "给别人的" not in page
    items = client.get("/api/v1/notifications/", {"unread": "true"}).json()["results"]
    assert [n["id"] for n in items] == [mine.pk]
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert client.post(f"/api/v1/notifications/{mine.pk}/read/").json()["read_at"] is not None
    assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["results"] == []
