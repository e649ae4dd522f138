import pytest

from accounts.models import User
from cases import services
from cases.models import Category, Channel
from orgs.models import OrgUnit
from regions.models import Grid


@pytest.fixture
def qixian_grid(db):
    return Grid.objects.filter(code__startswith="410622001").order_by("code").first()


@pytest.fixture
def category(db):
    return Category.objects.get(code="010201")  # 城乡建设 › 城市建设和市政管理 › 园林绿化环卫


@pytest.fixture
def dispatcher(db):
    return User.objects.get(username="qixian_dispatcher")


@pytest.fixture
def handler(db):
    return User.objects.get(username="handler")  # 淇县住房和城乡建设局


@pytest.fixture
def bureau(db):
    return OrgUnit.objects.get(name="淇县住房和城乡建设局")


@pytest.fixture
def new_case(qixian_grid, category, dispatcher):
    """A case registered by the 淇县 dispatcher at a point inside a 淇县 grid."""

    def make(**overrides):
        point = qixian_grid.boundary.representative_point()
        fields = {
            "title": "小区门口垃圾堆放多日无人清理",
            "description": "朝歌街道某小区东门外垃圾堆放一周，气味很大，请尽快处理。",
            "channel": Channel.HOTLINE,
            "appeal_type": "complaint",
            "category": category,
            "lon": point.x,
            "lat": point.y,
            "reporter_name": "王先生",
            "reporter_phone": "13812345678",
        }
        fields.update(overrides)
        return services.receive_case(by=dispatcher, **fields)

    return make


@pytest.fixture
def dispatched_case(new_case, dispatcher, bureau):
    case = new_case()
    case = services.accept(case=case, by=dispatcher)
    return services.dispatch(case=case, by=dispatcher, unit=bureau)


@pytest.fixture
def handling_case(dispatched_case, handler):
    return services.sign(case=dispatched_case, by=handler)
