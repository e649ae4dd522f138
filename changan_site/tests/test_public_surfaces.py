"""Nothing private in public, tried from the outside.

One case of every kind is filed with personal data in it (a phone, an ID
number, a plate, a name, an exact address and point, an internal note, a
staff member's name). Then every URL of the project — enumerated from the
URLconf, so a new one cannot be forgotten — is requested by an anonymous
visitor with every sample value its parameters take, and no response may
carry any of it. Cases that may never be public (a dispute, a grid worker's
report, a tip about people, a hazard, an appeal its reporter marked private)
must not even show their titles outside their reporter's own tracking page.
"""

from __future__ import annotations

import itertools
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cases import services
from cases.models import AppealType, Case, CaseKind, Category, Channel
from cases.public import public_cases
from cases.tracking import tracking_code
from intake import services as intake
from intake.models import PlaceKind
from open311.models import KeyScope
from open311.services import issue_key
from orgs.models import OrgUnit
from regions.models import Grid

GRID = "410611101001001"
PHONE, ID_NUMBER, PLATE, EMAIL = "13912345678", "410611199001011234", "豫F12345", "zhang.secret@example.org"
REPORTER, STAFF_NAME = "欧阳秘密", "职员甲乙丙"
INTERNAL = "内部备注仅限工作人员"
ADDRESS = "淇滨大道某某小区3号楼2单元501室"
SECRETS = [PHONE, ID_NUMBER, PLATE, EMAIL, REPORTER, STAFF_NAME, INTERNAL, ADDRESS]
TEXT = f"{{marker}}：我叫{REPORTER}，电话{PHONE}，身份证{ID_NUMBER}，车牌{PLATE}，邮箱{EMAIL}，住{ADDRESS}"
NEVER_PUBLIC = ["纠纷标记甲", "网格内部标记乙", "举报标记丙", "隐患标记丁", "不公开标记戊", "纪检标记己"]


@pytest.fixture
def seeded(small_city, user_named):
    """The cases, with the exact point of each (its digits must not leak)."""
    grid = Grid.objects.get(code=GRID)
    # Inside the grid, away from its centre: the centre is public (the QR page's map).
    centre, corner = grid.boundary.centroid, grid.boundary.exterior.coords[0]
    lon, lat = round((2 * centre.x + corner[0]) / 3, 7), round((2 * centre.y + corner[1]) / 3, 7)
    dispatcher = user_named("dispatcher_410611")
    dispatcher.full_name = STAFF_NAME
    dispatcher.save(update_fields=["full_name"])
    worker = grid.workers.first()
    road = Category.objects.get(code="010201")
    place = intake.place_from_token(intake.place_token(PlaceKind.GRID, GRID))
    place = type(place)(place.kind, place.ref, place.name, place.area_code, lon, lat)

    def resident(marker: str, key: str, **extra) -> Case:
        text = TEXT.format(marker=marker)
        return intake.submit_report(key=key, session="s", place=place, text=text, name=REPORTER,
                                    phone=PHONE, consent=True, **extra)  # fmt: skip

    def staff(marker: str, by, **extra) -> Case:
        text = TEXT.format(marker=marker)
        return services.receive_case(by=by, title=text[:60], description=text, lon=lon, lat=lat,
                                     category=road, address=ADDRESS, reporter_name=REPORTER,
                                     reporter_phone=PHONE, **extra)  # fmt: skip

    public = resident("公开诉求", "pub-1", family="01")
    cases = {
        "public": public,
        "dispute": resident(NEVER_PUBLIC[0], "dis-1", family=intake.DISPUTE),
        "grid_event": staff(NEVER_PUBLIC[1], worker, channel=Channel.GRID_WORKER, kind=CaseKind.GRID_EVENT),
        "tip": staff(NEVER_PUBLIC[2], dispatcher, channel=Channel.HOTLINE, appeal_type=AppealType.REPORT),
        "hazard": staff(NEVER_PUBLIC[3], dispatcher, channel=Channel.HOTLINE, kind=CaseKind.HAZARD),
        "private": resident(NEVER_PUBLIC[4], "pri-1", family="01", private=True),
        "officials": resident(NEVER_PUBLIC[5], "off-1", family="05"),  # 纪检监察: never public
    }
    unit = OrgUnit.objects.get(name="淇滨区住房和城乡建设局")
    for name, case in cases.items():
        if name in ("public", "tip", "hazard", "private", "officials"):
            case = services.accept(case=case, by=dispatcher, note=INTERNAL)
            services.dispatch(case=case, by=dispatcher, unit=unit, note=INTERNAL)
    services.supervise(case=public, by=dispatcher, note=INTERNAL)
    cases = {name: Case.objects.get(pk=c.pk) for name, c in cases.items()}
    # Tracking codes carry a time stamp: make each once, as its receipt did.
    codes = {
        tracking_code(cases[name]): cases[name] for name in ("public", "dispute", "private", "officials")
    }
    return cases, (lon, lat), codes


# Sample values for each URL parameter, by name. A URL whose parameter has
# no entry here fails the test: say what a visitor could put there.
def _samples(cases: dict[str, Case], codes: dict[str, Case]) -> dict[str, list[str]]:
    return {
        "pk": [str(c.pk) for c in cases.values()],
        "case_pk": [str(c.pk) for c in cases.values()],
        "number": [c.number for c in cases.values()],
        "token_id": [c.number for c in cases.values()],
        "code": [*codes, GRID[:12], "410611", "010201"],
        "token": [intake.place_token(PlaceKind.GRID, GRID)],
        "attachment_id": ["1"],
        "name": ["accept", "register", "visit"],
        "table": ["areas", "units"],
        "fmt": ["json", "xml"],
        "format": ["json"],
    }


def _patterns(patterns, namespace: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.app_name == "admin":
                continue  # the admin as a whole is checked below
            yield from _patterns(p.url_patterns, p.namespace or namespace)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}:{p.name}" if namespace and p.name else p.name), p


def _urls(samples: dict[str, list[str]]):
    missing, seen = [], set()
    for name, pattern in _patterns(get_resolver().url_patterns):
        params = sorted(pattern.pattern.regex.groupindex)
        if name is None:  # unnamed: callable by its route when it has no parameters
            if params:
                missing.append(str(pattern.pattern))
            else:
                yield "/" + str(pattern.pattern)
            continue
        if any(p not in samples for p in params):
            missing.append(f"{name} ({', '.join(p for p in params if p not in samples)})")
            continue
        for values in itertools.product(*(samples[p] for p in params)):
            try:
                url = reverse(name, kwargs=dict(zip(params, values, strict=True)))
            except Exception:  # a sample that this pattern's converter refuses
                continue
            if url not in seen:
                seen.add(url)
                yield url
    assert not missing, f"URLs this test does not know how to call: {missing}"


def _assert_clean(url: str, body: str, seeded) -> None:
    cases, (lon, lat), codes = seeded
    leaks = [s for s in SECRETS if s in body]
    leaks += [str(v) for v in (lon, lat) if str(v) in body]
    for case in cases.values():
        marker = next((m for m in NEVER_PUBLIC if m in case.description), None)
        own_page = any(code in url and c == case for code, c in codes.items())  # the reporter's own
        if marker and marker in body and not own_page:
            leaks.append(marker)
    assert not leaks, f"{url} shows {leaks}"


@pytest.mark.django_db
def test_no_public_url_shows_personal_data_or_private_cases(seeded):
    cases, _, codes = seeded
    anonymous = Client()
    checked = 0
    for url in _urls(_samples(cases, codes)):
        for query in ("", "?extensions=true"):
            response = anonymous.get(url + query, follow=True)
            # (A health check answers 503 while a background job is late: that is its job.)
            assert response.status_code < 500 or url.startswith("/healthz"), url
            if response.get("Content-Type", "").startswith(("text/", "application/json")):
                _assert_clean(url, response.content.decode("utf-8", "replace"), seeded)
                checked += 1
    assert checked > 100
    # The admin as a whole: every page of it sends a visitor to the sign-in page.
    for url in ("/admin/", "/admin/cases/case/", f"/admin/cases/case/{cases['public'].pk}/change/",
                "/admin/open311/apikey/", "/admin/accounts/user/"):  # fmt: skip
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


@pytest.mark.django_db
def test_the_public_sees_the_public_case_masked_and_coarsened(client, seeded):
    cases, (lon, lat), _ = seeded
    assert set(public_cases().filter(pk__in=[c.pk for c in cases.values()])) == {cases["public"]}
    rows = client.get("/open311/v2/requests.json", {"extensions": "true"}).json()
    numbers = {r["service_request_id"] for r in rows}
    assert cases["public"].number in numbers
    assert not numbers & {c.number for name, c in cases.items() if name != "public"}
    (row,) = [r for r in rows if r["service_request_id"] == cases["public"].number]
    assert row["description"].startswith("公开诉求") and "＊" in row["description"]
    assert (row["long"], row["lat"]) == (round(lon, 3), round(lat, 3))
    assert row["address"] == cases["public"].area.name and row["media_url"] == ""
    assert [n["summary"] for n in row["notes"]][:2] == ["已登记 received", "已受理 accepted"]
    # Closed-door cases are not found by number either, in either format.
    for name in ("dispute", "grid_event", "tip", "hazard", "private", "officials"):
        number = cases[name].number
        assert client.get(f"/open311/v2/requests/{number}.json").status_code == 404
        assert client.get(f"/open311/v2/tokens/{number}.xml").status_code == 404


@pytest.mark.django_db
def test_the_nearby_list_shows_only_public_reports_masked(client, seeded, user_named):
    cases, _, _ = seeded
    token = intake.place_token(PlaceKind.GRID, GRID)
    page = client.get(f"/report/?p={token}").content.decode()
    assert "公开诉求" in page
    assert not [m for m in NEVER_PUBLIC if m in page]
    assert not [s for s in SECRETS if s in page]
    refs = re.findall(r'name="ref" value="([^"]+)"', page)
    assert len(refs) == 1  # the one public case
    # A "me too" reference to a case made private since is not found.
    dispatcher = user_named("dispatcher_410611")
    services.set_publicity(case=cases["public"], by=dispatcher, publicity="private", note="含个人信息")
    assert client.post("/report/me-too/", {"ref": refs[0]}).status_code == 404
    assert cases["public"].number not in client.get("/open311/v2/requests.json").content.decode()


@pytest.mark.django_db
def test_staff_decide_publicity_and_the_log_says_who(seeded, user_named, client_for):
    cases, _, _ = seeded
    dispatcher = user_named("dispatcher_410611")
    case = cases["public"]
    page = client_for("dispatcher_410611")
    assert "公众可见" in page.get(f"/cases/{case.pk}/").content.decode()
    response = page.post(
        f"/api/v1/cases/{case.pk}/set-publicity/", {"publicity": "private", "note": "有隐私"}
    )
    assert response.status_code == 200, response.content
    event = case.events.order_by("-seq").first()
    assert (event.action, event.actor, event.data["publicity"]) == ("set_publicity", dispatcher, "private")
    assert not public_cases().filter(pk=case.pk).exists()
    assert "公众不可见" in page.get(f"/cases/{case.pk}/").content.decode()
    # Kinds that may never be public cannot be published at all.
    refused = page.post(f"/api/v1/cases/{cases['dispute'].pk}/set-publicity/", {"publicity": "public"})
    assert refused.status_code in (403, 409)
    assert not public_cases().filter(pk=cases["dispute"].pk).exists()


@pytest.mark.django_db
def test_a_key_reads_its_own_submissions_and_an_area_key_its_area(client, seeded):
    cases, _, _ = seeded
    own_raw = issue_key(name="市民 App", scope=KeyScope.OWN)[1]
    area_raw = issue_key(name="淇滨区 12345", scope=KeyScope.AREA, area=cases["public"].area.parent.parent)[1]
    grid = Grid.objects.get(code=GRID).boundary.representative_point()
    filed = client.post("/open311/v2/requests.json", {"api_key": own_raw, "service_code": "010201",
                        "description": f"井盖丢了 {PHONE}", "lat": grid.y, "long": grid.x})  # fmt: skip
    number = filed.json()[0]["service_request_id"]
    mine = client.get(f"/open311/v2/requests/{number}.json", {"api_key": own_raw}).json()[0]
    assert PHONE in mine["description"]  # its own words, in full
    assert client.get(f"/open311/v2/requests/{number}.json").status_code == 404  # not yet public
    area = {
        r["service_request_id"] for r in client.get("/open311/v2/requests.json", {"api_key": area_raw}).json()
    }
    assert {cases["grid_event"].number, cases["hazard"].number, cases["private"].number} <= area
    assert not area & {cases["dispute"].number, cases["tip"].number}  # never: disputes, tips about people
    assert client.get("/open311/v2/requests.json", {"api_key": "wrong"}).status_code == 403
