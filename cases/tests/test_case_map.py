"""The case map: places coloured by open and overdue cases, markers for open
cases, only within the user's scope."""

import pytest

from cases import services

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.mark.django_db
def test_the_map_counts_open_and_overdue_cases_per_grid(client_for, new_case, dispatcher, bureau):
    first, second = new_case(), new_case()
    services.accept(case=second, by=dispatcher)
    services.dispatch(case=second, by=dispatcher, unit=bureau)
    second.resolve_overdue = True
    second.save(update_fields=["resolve_overdue"])
    client = client_for("qixian_dispatcher")
    assert client.get("/cases/map/").status_code == 200
    township = first.area_id[:9] + "000"
    data = client.get("/cases/map/data.json", {"area": township}).json()
    grids = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    assert grids[first.grid_id]["open"] >= 2 and grids[first.grid_id]["overdue"] >= 1
    assert {p["number"] for p in data["points"]} >= {first.number, second.number}
    county = client.get("/cases/map/data.json").json()  # the dispatcher's county: its townships
    assert all(len(f["properties"]["code"]) == 12 for f in county["features"])
    other = client_for("xunxian_dispatcher").get("/cases/map/data.json", {"area": township}).json()
    assert first.number not in {p["number"] for p in other["points"]}  # another county's map
