"""Citizen intake: QR codes for places, and reports filed from the phone page."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cases import services as case_services
from cases.models import OPEN_STATUSES, Case, Category, Channel
from changan import clock
from intake import posters
from intake.models import PlaceCode, PlaceKind, Site, Submission
from intake.photos import Photo
from intake.qr import PlaceRef, make_token, read_token
from regions.models import Area, AreaLevel, Grid

TRACKING_SALT = "changan.intake.tracking"


@dataclass(frozen=True)
class Place:
    kind: str
    ref: str
    name: str
    area_code: str
    lon: float | None
    lat: float | None


def place_token(kind: str, ref: str) -> str:
    """The token printed in a place's QR code (creates the code's record)."""
    code, _ = PlaceCode.objects.get_or_create(kind=kind, ref=ref)
    return make_token(PlaceRef(kind, ref, code.version))


def print_posters(
    *, base_url: str, grids: Iterable[Grid] = (), villages: Iterable[Area] = (), sites: Iterable[Site] = ()
) -> bytes:
    """One A4 poster per place, its QR code opening ``base_url``/q/<token>/."""
    base = base_url.rstrip("/")

    def url(kind: str, ref: str) -> str:
        return f"{base}/q/{place_token(kind, ref)}/"

    chosen = [posters.village_poster(v, url(PlaceKind.VILLAGE, v.code), v.grids.all()) for v in villages]
    chosen += [posters.grid_poster(g, url(PlaceKind.GRID, g.code)) for g in grids]
    chosen += [posters.site_poster(s, url(PlaceKind.SITE, str(s.pk))) for s in sites]
    return posters.posters_pdf(chosen)


@transaction.atomic
def revoke_code(*, kind: str, ref: str) -> int:
    """Invalidate the printed codes of a place; returns the new version."""
    code, _ = PlaceCode.objects.select_for_update().get_or_create(kind=kind, ref=ref)
    code.version += 1
    code.save(update_fields=["version"])
    return code.version


def place_from_token(token: str) -> Place | None:
    """The place a scanned code names, or None when the code is forged,
    unknown or revoked (the page then lets the person choose the place)."""
    ref = read_token(token)
    if ref is None:
        return None
    current = PlaceCode.objects.filter(kind=ref.kind, ref=ref.ref).values_list("version", flat=True).first()
    if current != ref.version:
        return None
    return place_of(ref.kind, ref.ref)


def place_of(kind: str, ref: str) -> Place | None:
    if kind == PlaceKind.GRID:
        grid = Grid.objects.filter(code=ref).select_related("village").first()
        if grid:
            return Place(
                kind,
                ref,
                f"{grid.village.name} · {grid.name}",
                grid.village_id,
                grid.centroid_lon,
                grid.centroid_lat,
            )
    elif kind == PlaceKind.VILLAGE:
        village = Area.objects.filter(code=ref, level=AreaLevel.VILLAGE).first()
        if village:
            return Place(kind, ref, village.name, village.code, None, None)
    elif kind == PlaceKind.SITE and ref.isdigit():
        site = Site.objects.filter(pk=int(ref)).select_related("grid").first()
        if site:
            return Place(kind, ref, site.name, site.grid.village_id, site.lon, site.lat)
    return None


def tracking_code(case: Case) -> str:
    """A private code that lets the reporter follow the case."""
    return signing.dumps(case.number, salt=TRACKING_SALT, compress=True)


def case_from_tracking(code: str) -> Case | None:
    try:
        number = signing.loads(code, salt=TRACKING_SALT)
    except signing.BadSignature:
        return None
    return Case.objects.filter(number=number).first()


def submit_report(
    *,
    key: str,
    place: Place,
    text: str,
    family: str = "",
    name: str = "",
    phone: str = "",
    consent: bool,
    photos: list[Photo] = (),
) -> Case:
    """File a resident's report (扫码上报). The form's idempotency key makes a
    repeated submission return the case the first one created."""
    if not consent:
        raise ValidationError({"consent": "请阅读并同意隐私说明 / please accept the privacy notice"})
    if not key or len(key) > 64:
        raise ValidationError({"key": "表单已过期，请刷新 / the form has expired, please reload"})
    earlier = Submission.objects.filter(key=key).select_related("case").first()
    if earlier:
        return earlier.case
    category = Category.objects.filter(code=family, level=1).first() if family else None
    try:
        with transaction.atomic():
            case = case_services.receive_case(
                by=None,
                title=text.strip()[:60],
                description=text,
                channel=Channel.QR,
                category=category,  # the resident's plain-word choice; refined on acceptance
                lon=place.lon,
                lat=place.lat,
                area_code=place.area_code,
                address=place.name,
                reporter_name=name,
                reporter_phone=phone,
            )
            Submission.objects.create(key=key, case=case)
            case_services.add_photos(
                case=case,
                photos=[(p.jpeg, p.thumbnail, p.width, p.height) for p in photos],
                source="reporter",
            )
    except IntegrityError:  # the same key committed meanwhile by a parallel request
        return Submission.objects.get(key=key).case
    return case


ME_TOO_SALT = "changan.intake.me-too"


def me_too_code(case: Case) -> str:
    """A public reference to an open report (not its private tracking code)."""
    return signing.dumps(case.pk, salt=ME_TOO_SALT)


def case_from_me_too(code: str) -> Case | None:
    try:
        return Case.objects.filter(pk=int(signing.loads(code, salt=ME_TOO_SALT))).first()
    except (signing.BadSignature, ValueError, TypeError):
        return None


def nearby_open_reports(place: Place, *, meters: float = 250, days: int = 30, limit: int = 5) -> list[Case]:
    """Open reports within ``meters`` of the place in the last ``days``, nearest first."""
    if place.lon is None or place.lat is None:
        return []
    lat_pad = meters / 111_320
    lon_pad = meters / (111_320 * math.cos(math.radians(place.lat)))
    since = clock.now() - dt.timedelta(days=days)
    candidates = Case.objects.filter(
        status__in=OPEN_STATUSES,
        received_at__gte=since,
        lat__range=(place.lat - lat_pad, place.lat + lat_pad),
        lon__range=(place.lon - lon_pad, place.lon + lon_pad),
    ).select_related("category")
    scored = sorted(
        ((_metres(place.lon, place.lat, c.lon, c.lat), c) for c in candidates), key=lambda pair: pair[0]
    )
    return [c for d, c in scored if d <= meters][:limit]


def _metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine), metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(a))
