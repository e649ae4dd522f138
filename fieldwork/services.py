"""The grid worker's writes, all through the case services for cases."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.models import Case, CaseKind, Category, Channel
from changan import clock
from changan.geo import metres
from fieldwork.models import FieldReport, Patrol, Visit
from orgs.models import OrgUnit
from regions.models import Grid
from regions.selectors import grids_of_worker
from regions.services import locate_grid

HANDLE_CHOICES = ("report", "self", "whistle")  # 上报 / 自办 / 吹哨
MAX_POINTS = 5000  # a day's walk at one point every 10 s
POINT_TIMES = (946_684_800, 4_133_980_799)  # unix seconds of 2000-01-01 … 2100-12-31 (changan.params)


def _own_grid(worker, grid: Grid) -> None:
    if not (worker.is_superuser or grids_of_worker(worker).filter(pk=grid.pk).exists()):
        raise PermissionDenied("这不是您负责的网格 / not one of your grids")


def report_event(
    *,
    worker,
    key: str,
    grid: Grid,
    text: str,
    category: Category | None = None,
    lon: float | None = None,
    lat: float | None = None,
    photos: Sequence = (),
    handle: str = "report",
    result: str = "",
    after_photos: Sequence = (),
    units: Sequence[OrgUnit] = (),
) -> Case:
    """A grid event from the phone: reported; or handled on the spot (自办,
    with the result and after-photos); or with a whistle to chosen units
    (吹哨). The phone's ``key`` makes a repeated send return the first case."""
    if not key or len(key) > 64:
        raise ValidationError({"key": "缺少上报编号 / the report key is missing"})
    if handle not in HANDLE_CHOICES:
        raise ValidationError({"handle": f"未知处置方式 / unknown handling {handle!r}"})
    if not text.strip():
        raise ValidationError({"text": "请写一句发生了什么 / say what happened"})
    _own_grid(worker, grid)
    earlier = FieldReport.objects.filter(worker=worker, key=key).select_related("case").first()
    if earlier:
        return earlier.case
    if lon is None or lat is None or locate_grid(lon, lat) != grid.code:
        # The chosen grid decides where the report is filed; a phone position
        # outside it (weak GPS, a report made just over the line) gives way
        # to the grid's centre.
        lon, lat = grid.centroid_lon, grid.centroid_lat
    try:
        with transaction.atomic():
            case = case_services.receive_case(
                by=worker, kind=CaseKind.GRID_EVENT, channel=Channel.GRID_WORKER, category=category,
                title=text.strip()[:60], description=text.strip(), lon=lon, lat=lat,
                area_code=grid.village_id, address=f"{grid.village.name} {grid.name}",
            )  # fmt: skip
            FieldReport.objects.create(worker=worker, key=key, case=case)
            case_services.add_photos(case=case, photos=photos, source="grid_worker")
            if handle == "self":
                case_services.add_photos(case=case, photos=after_photos, source="after")
                case = case_services.handle_on_the_spot(case=case, by=worker, result=result)
            elif handle == "whistle":
                case = case_services.blow_whistle(case=case, by=worker, units=list(units), note=text)
    except IntegrityError:
        # The same key committed meanwhile by a parallel send of this report.
        earlier = FieldReport.objects.filter(worker=worker, key=key).select_related("case").first()
        if earlier is None:
            raise
        return earlier.case
    return case


@transaction.atomic
def start_patrol(*, worker, grid: Grid) -> Patrol:
    """Start a patrol (巡查), or carry on with the one under way."""
    _own_grid(worker, grid)
    current = Patrol.objects.select_for_update().filter(worker=worker, ended_at=None).first()
    return current or Patrol.objects.create(worker=worker, grid=grid, started_at=clock.now())


@transaction.atomic
def add_points(*, patrol: Patrol, by, points: Sequence[Sequence[float]]) -> Patrol:
    """Append recorded positions ([lon, lat, unix seconds]) to a patrol under way."""
    patrol = Patrol.objects.select_for_update().get(pk=patrol.pk)
    if patrol.worker_id != by.pk:
        raise PermissionDenied("不是您的巡查 / not your patrol")
    if patrol.ended_at is not None:
        raise ValidationError("巡查已结束 / the patrol has ended")
    if not isinstance(points, list | tuple):
        raise ValidationError(_("轨迹应为轨迹点的列表"))
    clean = []
    for point in points:
        try:
            lon, lat, t = float(point[0]), float(point[1]), float(point[2])
        except (TypeError, ValueError, IndexError, KeyError):
            raise ValidationError("轨迹点格式应为 [经度, 纬度, 时间] / points are [lon, lat, time]") from None
        # NaN fails every comparison, so it is out of range too.
        if not (-180 <= lon <= 180 and -90 <= lat <= 90 and POINT_TIMES[0] <= t <= POINT_TIMES[1]):
            raise ValidationError("轨迹点超出范围 / a point is out of range")
        clean.append([round(lon, 6), round(lat, 6), int(t)])
    if len(patrol.path) + len(clean) > MAX_POINTS:
        raise ValidationError(f"轨迹点过多（上限 {MAX_POINTS}）/ too many points")
    previous = patrol.path[-1] if patrol.path else None
    for point in clean:
        if previous:
            patrol.distance_m += metres(previous[0], previous[1], point[0], point[1])
        previous = point
    patrol.path = [*patrol.path, *clean]
    patrol.save(update_fields=["path", "distance_m"])
    return patrol


@transaction.atomic
def stop_patrol(*, patrol: Patrol, by, notes: str = "") -> Patrol:
    patrol = Patrol.objects.select_for_update().get(pk=patrol.pk)
    if patrol.worker_id != by.pk:
        raise PermissionDenied("不是您的巡查 / not your patrol")
    if patrol.ended_at is None:
        patrol.ended_at, patrol.notes = clock.now(), notes.strip()
        patrol.save(update_fields=["ended_at", "notes"])
    return patrol


def record_visit(*, worker, grid: Grid, household: str, note: str, lon=None, lat=None) -> Visit:
    """走访: a home visit with the household and what was found."""
    _own_grid(worker, grid)
    errors = {}
    if not household.strip():
        errors["household"] = "请填写走访户 / the household is required"
    if not note.strip():
        errors["note"] = "请填写走访情况 / the note is required"
    if errors:
        raise ValidationError(errors)
    return Visit.objects.create(worker=worker, grid=grid, household=household.strip()[:100],
                                note=note.strip(), at=clock.now(), lon=lon, lat=lat)  # fmt: skip
