"""The most specific time-limit rule wins: category, then area, then urgency."""

import pytest

from cases import limits, services
from cases.models import Category, TimeLimitRule, TimeUnit
from regions.models import Area
from worktime.selectors import work_calendar

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.mark.django_db
def test_a_category_and_county_rule_beats_the_urgency_default(new_case, dispatcher, bureau):
    TimeLimitRule.objects.create(
        category=Category.objects.get(code="0102"),  # 城市建设和市政管理 and below
        area=Area.objects.get(code="410622000000"),  # 淇县
        sign_minutes=20,
        resolve_amount=3,
        resolve_unit=TimeUnit.WORKING_DAYS,
        warn_share=0.5,
    )
    case = services.dispatch(case=services.accept(case=new_case(), by=dispatcher), by=dispatcher, unit=bureau)
    cal = work_calendar()
    assert cal.working_minutes_between(case.dispatched_at, case.sign_due_at) == pytest.approx(20)
    assert cal.working_minutes_between(case.dispatched_at, case.resolve_due_at) == pytest.approx(3 * 420)
    assert cal.working_minutes_between(case.dispatched_at, case.resolve_warn_at) == pytest.approx(1.5 * 420)


@pytest.mark.django_db
def test_a_rule_for_another_county_does_not_apply(new_case):
    TimeLimitRule.objects.create(
        area=Area.objects.get(code="410621000000"), resolve_amount=1, resolve_unit=TimeUnit.WORKING_DAYS
    )
    rule = limits.rule_for(new_case())
    assert (rule.resolve_amount, rule.resolve_unit) == (7, TimeUnit.WORKING_DAYS)  # the ordinary default
