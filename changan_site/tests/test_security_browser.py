"""In a real browser, every main page works under the site's
Content-Security-Policy (no inline script or handler anywhere) and its
Permissions-Policy (the location, nothing else): the maps and charts draw,
the little behaviours declared in the markup still work, and the browser
reports no violation. Then names planted with markup by an administrator
show as text on every map and chart, and never run."""

import json

import pytest
from playwright.sync_api import expect

from conftest import DEMO_SERVER, log_in

pytestmark = pytest.mark.browser

# Each violation the page sees, as the browser reports it.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber);
});
"""
INLINE_SCRIPT = "document.body.append(Object.assign(document.createElement('script'), {text: 'ran = 1'}))"
FACTS = """
from cases.models import Case
from cases.tracking import tracking_code
from earlywarning.models import Signal
from intake.services import place_token
case = Case.objects.filter(area__code__startswith="410611", lon__isnull=False).exclude(lead_unit=None).first()
signal = next(s for s in Signal.objects.order_by("-day", "rank") if s.detail.get("grids"))
print(json.dumps({
    "case": case.pk, "unit": case.lead_unit_id, "tracking": tracking_code(case),
    "token": place_token("grid", "410611101001001"),
    "signal": signal.pk, "day": signal.day.isoformat(), "signal_grids": signal.detail["grids"],
}))
"""


@pytest.fixture(scope="module")
def facts(demo_server):
    out = DEMO_SERVER["manage"]("shell", "-c", "import json\n" + FACTS)
    return json.loads(out.strip().splitlines()[-1])


def until(page, expression: str) -> None:
    """Wait until ``expression`` is true in the page. (Not wait_for_function:
    Playwright evaluates its predicate with eval, which the CSP refuses.)"""
    for _ in range(100):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still false: {expression}")


class Visitor:
    """A browser context for one person: it records CSP violations (in the
    page and in the console) on every page it opens."""

    def __init__(self, browser, demo_server, username=None, **options):
        options = {"locale": "zh-CN", "viewport": {"width": 1280, "height": 900}, **options}
        self.context = browser.new_context(base_url=demo_server, **options)
        self.context.add_init_script(WATCH)
        self.page = self.context.new_page()
        self.console = []
        self.page.on("console", self._console)
        if username:
            log_in(self.page, username)
            self.page.wait_for_load_state()

    def _console(self, message):
        text = message.text
        if message.type == "error" and ("Content Security Policy" in text or "Permissions" in text):
            self.console.append(text)

    def visit(self, url: str, ready: str | None = None):
        response = self.page.goto(url)
        assert response.ok, (url, response.status)
        headers = response.headers
        assert "script-src 'self'" in headers["content-security-policy"], url
        assert "geolocation=(self)" in headers["permissions-policy"], url
        if ready:
            self.page.wait_for_selector(ready)
        return response

    def check(self, where: str) -> None:
        """No violation on the page as it is now (call before leaving it)."""
        self.page.wait_for_timeout(150)  # let pending violation events be dispatched
        assert self.page.evaluate("window.__csp") == [], where
        assert self.console == [], where

    def close(self):
        self.context.close()


def test_the_pages_work_under_the_content_security_policy(browser, demo_server, facts):
    # A resident's phone, the location allowed.
    phone = Visitor(
        browser, demo_server, viewport={"width": 360, "height": 740},
        permissions=["geolocation"], geolocation={"latitude": 35.75, "longitude": 114.29},
    )  # fmt: skip
    phone.visit("/report/place/", "#near-me:not([hidden])")  # choose.js: "use my location"
    phone.check("choose place")
    # The watch works: an inline script is refused, and seen.
    phone.page.evaluate(INLINE_SCRIPT)
    until(phone.page, "window.__csp.length > 0")
    assert phone.page.evaluate("window.ran") is None and phone.console
    phone.page.evaluate("window.__csp = []")
    phone.console.clear()
    phone.visit(f"/q/{facts['token']}/", "#report-form")
    phone.page.click("#use-gps")
    expect(phone.page.locator("input[name=lon]")).not_to_have_value("")
    phone.page.click("#pin-map")
    phone.page.wait_for_selector("#pin-box[data-ready='1'] path.leaflet-interactive")
    assert phone.page.evaluate("document.featurePolicy.allowsFeature('geolocation')")
    assert not phone.page.evaluate("document.featurePolicy.allowsFeature('camera')")
    assert not phone.page.evaluate("document.featurePolicy.allowsFeature('microphone')")
    phone.check("report page")
    phone.visit(f"/track/{facts['tracking']}/", "main h1")
    phone.check("tracking page")
    phone.visit("/track/", "main h1")
    phone.check("my reports")
    phone.close()

    dispatcher = Visitor(browser, demo_server, "dispatcher_410611")
    dispatcher.visit("/cases/", "#case-table tbody input[type=checkbox]")
    dispatcher.page.check("#case-table thead input[data-check-all]")  # site.js: tick all
    boxes = dispatcher.page.locator("#case-table tbody input[type=checkbox]")
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    dispatcher.check("case list")
    dispatcher.visit(f"/cases/{facts['case']}/", "#case-map[data-ready='1'] path")
    dispatcher.check("case page")
    dispatcher.visit("/cases/map/", "#case-map-view[data-ready='1'] path.leaflet-interactive")
    dispatcher.page.locator("#case-map-view path.leaflet-interactive").first.hover()
    with dispatcher.page.expect_navigation():
        dispatcher.page.check("input[name=measure][value=overdue]")  # site.js: a change sends the form
    assert "measure=overdue" in dispatcher.page.url
    dispatcher.page.wait_for_selector("#case-map-view[data-ready='1']")
    dispatcher.check("case map")
    dispatcher.visit("/places/410611101000/", "#map.ready path.leaflet-interactive")
    dispatcher.check("places map")
    dispatcher.visit("/inbox/", "main h1")
    dispatcher.check("inbox")
    dispatcher.close()

    worker = Visitor(
        browser, demo_server, "gw410611101001001", viewport={"width": 360, "height": 740},
        permissions=["geolocation"], geolocation={"latitude": 35.75, "longitude": 114.29},
    )  # fmt: skip
    worker.visit("/field/", "#grid-map[data-ready='1'] path")
    expect(worker.page.locator("#gps-status")).to_contain_text("手机定位")
    worker.check("field phone")
    worker.close()

    leader = Visitor(browser, demo_server, "leader")
    leader.visit("/screen/", "#heat-map[data-ready='1'] path.leaflet-interactive")
    for chart in ("chart-days", "chart-months", "chart-families"):
        leader.page.wait_for_selector(f"#{chart}[data-ready='1'] svg")
    show_tip(leader.page, "chart-days", 3)
    show_tip(leader.page, "chart-families", 0)
    leader.page.locator("#heat-map path.leaflet-interactive").first.hover()
    leader.page.wait_for_selector("#heat-map .leaflet-tooltip")
    leader.check("screen")
    leader.visit("/hot/", "main h1")
    leader.check("hot issues")
    leader.close()

    analyst = Visitor(browser, demo_server, "analyst")
    analyst.visit(f"/warning/?day={facts['day']}", "article.signal .signal-chart svg")
    analyst.check("warning board")
    analyst.visit(f"/warning/{facts['signal']}/", ".signal-chart svg")
    analyst.page.wait_for_selector(".signal-map.leaflet-container path.leaflet-interactive")
    show_tip(analyst.page, None, 0)
    analyst.check("signal page")
    analyst.close()

    mediator = Visitor(browser, demo_server, "mediator")
    mediator.visit("/mediation/", "main h1")
    mediator.check("mediation")
    mediator.close()

    admin = Visitor(browser, demo_server, "admin")
    admin.visit("/admin/", "#content")
    admin.check("admin index")
    admin.visit("/admin/regions/grid/?q=410611101001", "#result_list")
    admin.check("admin change list")
    admin.visit("/admin/regions/grid/410611101001001/change/", "#content-main form")
    admin.check("admin change form")
    admin.visit("/account/security/", "main svg")
    admin.check("second factor page")
    admin.visit("/api/docs/", ".swagger-ui .opblock")  # Swagger UI drew the operations
    admin.check("api docs")
    admin.close()


def show_tip(page, chart_id: str | None, index: int) -> None:
    """Open an ECharts tooltip as a hover would (through the chart's own action)."""
    selector = f"#{chart_id}" if chart_id else ".signal-chart"
    page.evaluate(
        """([selector, index]) => {
             const chart = echarts.getInstanceByDom(document.querySelector(selector));
             chart.dispatchAction({ type: "showTip", seriesIndex: 0, dataIndex: index });
           }""",
        [selector, index],
    )
    page.wait_for_selector(f"{selector} .chart-tip")


# --- names with markup ------------------------------------------------------------
# An administrator may type anything into a name. Planted in every kind of name
# a map or chart shows, the markup must show as text. The browser here ignores
# the CSP (bypass_csp), so this tests the escaping itself, not the second wall.

MARK = '<img src=x onerror="window.__xss=1">'
NAMED = """
from django.db.models import F, Value
from django.db.models.functions import Concat, Replace
from cases.models import Case, Category
from orgs.models import OrgUnit
from regions.models import Area, Grid
named = [
    (Grid.objects.filter(code__in=grids) | Grid.objects.filter(code__startswith="410611101001"), "name"),
    (Area.objects.filter(code__in=["410611101000", "410611101001"]), "name"),
    (OrgUnit.objects.filter(pk=unit), "name"),
    (Category.objects.filter(level=1), "name"),
    (Case.objects.filter(area__code__startswith="410611101"), "title"),
]
"""
PLANT = """
for rows, field in named:
    rows.update(**{field: Concat(F(field), Value(MARK))})
"""
RESTORE = """
for rows, field in named:
    rows.filter(**{field + "__contains": MARK}).update(**{field: Replace(F(field), Value(MARK), Value(""))})
"""
# Hover every shape of a Leaflet map (each opens its tooltip), and answer what
# the tooltips show and how many elements other than text they hold.
HOVER_ALL = """(selector) => {
  const map = document.querySelector(selector);
  map.querySelectorAll("path.leaflet-interactive").forEach((path) => {
    path.dispatchEvent(new MouseEvent("mouseover", { bubbles: true, clientX: 10, clientY: 10 }));
  });
  const tips = [...map.querySelectorAll(".leaflet-tooltip")];
  return {
    text: tips.map((t) => t.textContent).join("\\n"),
    elements: map.querySelectorAll(".leaflet-tooltip img").length,
  };
}"""


def _names(facts: dict, script: str) -> None:
    given = f"MARK = {MARK!r}\ngrids = {facts['signal_grids']!r}\nunit = {facts['unit']!r}\n"
    DEMO_SERVER["manage"]("shell", "-c", given + NAMED + script)


@pytest.fixture
def planted(facts):
    _names(facts, PLANT)
    yield MARK
    _names(facts, RESTORE)


def _hover_map(page, selector: str) -> str:
    page.wait_for_selector(f"{selector} path.leaflet-interactive")
    shown = page.evaluate(HOVER_ALL, selector)
    page.wait_for_timeout(200)  # an <img src=x> would have failed to load by now
    assert shown["elements"] == 0, selector
    assert MARK in shown["text"], (selector, shown["text"][:300])
    assert page.evaluate("window.__xss") is None, selector
    return shown["text"]


def test_names_with_markup_show_as_text_on_every_map_and_chart(browser, demo_server, facts, planted):
    def person(username=None, **options):
        context = browser.new_context(base_url=demo_server, locale="zh-CN", bypass_csp=True, **options)
        page = context.new_page()
        if username:
            log_in(page, username)
            page.wait_for_load_state()
        return page

    # The analyst and the superuser on the early-warning maps: a cluster's grids.
    analyst = person("analyst")
    analyst.goto(f"/warning/{facts['signal']}/")
    _hover_map(analyst, ".signal-map")
    superuser = person("admin")
    superuser.goto(f"/warning/?day={facts['day']}")
    card = f"#signal-{facts['signal']}"
    superuser.locator(card).scroll_into_view_if_needed()  # its map loads when it comes into view
    _hover_map(superuser, f"{card} .signal-map")

    # The case map: a township's grids and its open cases' titles; a county's townships.
    dispatcher = person("dispatcher_410611")
    dispatcher.goto("/cases/map/?area=410611101000")
    dispatcher.wait_for_selector("#case-map-view[data-ready='1']")
    _hover_map(dispatcher, "#case-map-view")
    dispatcher.goto("/cases/map/?area=410611000000")
    dispatcher.wait_for_selector("#case-map-view[data-ready='1']")
    _hover_map(dispatcher, "#case-map-view")
    # The places map: a township's villages, a village's grids.
    for code in ("410611101000", "410611101001"):
        dispatcher.goto(f"/places/{code}/")
        _hover_map(dispatcher, "#map")
        assert MARK in dispatcher.locator("main").inner_text()  # the tables too, as text
    # The case page: its unit, its category, its title (server-rendered).
    dispatcher.goto(f"/cases/{facts['case']}/")
    assert MARK in dispatcher.locator("main").inner_text()
    assert dispatcher.locator("main img[src=x]").count() == 0

    # The data center: townships on the heat map, category families on the chart.
    leader = person("leader", viewport={"width": 1600, "height": 1000})
    leader.goto("/screen/?area=410611000000")
    leader.wait_for_selector("#heat-map[data-ready='1']")
    _hover_map(leader, "#heat-map")
    leader.wait_for_selector("#chart-families[data-ready='1'] svg")
    assert MARK in leader.locator("#chart-families svg").text_content()  # the axis labels
    show_tip(leader, "chart-families", 0)
    assert MARK in leader.locator("#chart-families .chart-tip").inner_text()
    assert leader.locator("#chart-families img").count() == 0
    assert leader.evaluate("window.__xss") is None

    # A resident's pin map: the village's grids.
    phone = person(viewport={"width": 360, "height": 740})
    phone.goto(f"/q/{facts['token']}/")
    phone.click("#pin-map")
    phone.wait_for_selector("#pin-box[data-ready='1']")
    _hover_map(phone, "#pin-box")
