"""分类 × 地点 → 主办单位: the category's line goes to its county branch, a
matter without a line to the township office, and configured rules — the
most specific one — override both."""

import pytest

from cases.models import Category
from orgs.models import OrgUnit, OrgUnitKind
from regions.models import Area, AreaLevel
from triage.models import RouteTarget, RoutingRule
from triage.routing import Router, routes

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.fixture
def qixian_villages(db):
    """Two villages of 淇县 in different townships."""
    first = Area.objects.filter(code__startswith="410622", level=AreaLevel.VILLAGE).order_by("code").first()
    other = (
        Area.objects.filter(code__startswith="410622", level=AreaLevel.VILLAGE)
        .exclude(code__startswith=first.code[:9])
        .order_by("code")
        .first()
    )
    return first, other


def route(category_code: str | None, area_code: str, hint: str = ""):
    category = Category.objects.get(code=category_code) if category_code else None
    return routes([(category, area_code, hint)])[0]


def test_a_line_departments_matter_goes_to_its_county_branch(qixian_villages):
    village, _ = qixian_villages
    found = route("010201", village.code)  # 城乡建设 → housing
    assert found.unit == OrgUnit.objects.get(name="淇县住房和城乡建设局")
    assert "住房和城乡建设" in found.reason and found.rule is None


def test_a_matter_without_a_line_goes_to_the_township_office(qixian_villages):
    village, _ = qixian_villages
    found = route("02", village.code)  # 党务政务: no line
    assert found.unit.kind == OrgUnitKind.TOWNSHIP_OFFICE and found.unit.area_id == village.code[:9] + "000"


def test_without_a_county_branch_the_city_department_takes_it(qixian_villages):
    village, _ = qixian_villages
    OrgUnit.objects.filter(name="淇县住房和城乡建设局").update(is_active=False)
    assert route("010201", village.code).unit == OrgUnit.objects.get(name="鹤壁市住房和城乡建设局")


def test_the_most_specific_rule_wins(qixian_villages):
    village, other = qixian_villages
    RoutingRule.objects.create(category_id="0102", target=RouteTarget.SECTOR, sector="urban_management")
    RoutingRule.objects.create(
        category_id="0102", area_id=village.code[:9] + "000", target=RouteTarget.TOWNSHIP, note="镇里自己办"
    )
    RoutingRule.objects.create(category_id="01", target=RouteTarget.SECTOR, sector="natural_resources")
    # The township rule for the village's own township…
    here = route("010201", village.code)
    assert here.unit.kind == OrgUnitKind.TOWNSHIP_OFFICE and here.unit.area_id == village.code[:9] + "000"
    assert "派单规则" in here.reason and here.rule.note == "镇里自己办"
    # …the city-wide rule for the category elsewhere…
    assert route("010201", other.code).unit == OrgUnit.objects.get(name="淇县城市管理局")
    # …and the broader category rule for its other children.
    assert route("010302", other.code).unit == OrgUnit.objects.get(name="淇县自然资源和规划局")


def test_a_rule_can_name_one_unit_while_it_is_active(qixian_villages):
    village, _ = qixian_villages
    unit = OrgUnit.objects.get(name="鹤壁市生态环境局")
    RoutingRule.objects.create(category_id="04", target=RouteTarget.UNIT, unit=unit)
    assert route("0402", village.code).unit == unit
    OrgUnit.objects.filter(pk=unit.pk).update(is_active=False)
    assert route("0402", village.code).unit == OrgUnit.objects.get(name="淇县生态环境局")


def test_the_learned_line_decides_only_when_nothing_else_does(qixian_villages):
    village, _ = qixian_villages
    guessed = route(None, village.code, hint="ecology")
    assert guessed.unit == OrgUnit.objects.get(name="淇县生态环境局") and "模型" in guessed.reason
    # A category's own line outranks the model's.
    assert route("010201", village.code, hint="ecology").unit.name == "淇县住房和城乡建设局"
    assert route(None, village.code, hint="local").unit.kind == OrgUnitKind.TOWNSHIP_OFFICE


def test_a_batch_is_routed_with_a_fixed_number_of_queries(qixian_villages, django_assert_max_num_queries):
    village, other = qixian_villages
    housing = Category.objects.get(code="010201")
    with django_assert_max_num_queries(2):
        router = Router([village.code, other.code])
        found = [router.route(category=housing, area_code=a) for a in (village.code, other.code) * 50]
    assert len({r.unit.pk for r in found}) == 1


def test_a_unit_rule_needs_its_unit(db):
    with pytest.raises(Exception, match="指定单位"):
        RoutingRule(target=RouteTarget.UNIT).clean()
