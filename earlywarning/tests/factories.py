"""Signals made by hand for the page and decision tests (the engine's own
tests make them from cases)."""

import datetime as dt

from changan import clock
from earlywarning.models import Run, Signal

DAY = dt.date(2026, 11, 20)
QIXIAN_TOWNSHIP = "410622004000"  # 灵山街道, 淇县
XUNXIAN_TOWNSHIP = "410621001000"  # 卫溪街道, 浚县
CHART = {"dates": ["2026-11-19", "2026-11-20"], "observed": [3, 4], "expected": [0.1, 0.1], "bound": [1, 1]}


def signal(*, area: str = QIXIAN_TOWNSHIP, day: dt.date = DAY, rank: int = 1, **fields) -> Signal:
    run, _ = Run.objects.get_or_create(
        day=day, defaults={"started_at": clock.now(), "finished_at": clock.now()}
    )
    values = {
        "kind": "series", "method": "nb_glm", "category_id": "150604", "observed": 8, "expected": 0.4,
        "upperbound": 2, "score": 7.2, "p_value": 6e-8, "window_days": 3,
        "detail": {"chart": CHART},
    } | fields  # fmt: skip
    return Signal.objects.create(run=run, day=day, area_id=area, rank=rank, **values)
