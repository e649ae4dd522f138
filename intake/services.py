"""Citizen intake: QR codes for places, and reports filed from the phone page."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy

from cases import contact
from cases import services as case_services
from cases.models import Case, CaseKind, Category, Channel
from cases.public import public_cases
from changan import clock, crypto
from changan.ratelimit import Limit, hit
from intake import posters
from intake.models import PhoneCheck, PlaceCode, PlaceKind, Site, StagedPhoto, Submission
from intake.photos import Photo
from intake.qr import PlaceRef, make_token, read_token
from intake.selectors import Place, place_of
from notify.services import backend_for
from regions.models import Area, Grid

# The report page's "矛盾纠纷（码上调）" choice: the case is a dispute, filed
# under 矛盾纠纷 for the 综治中心 to register and send to a mediator.
DISPUTE = "dispute"
DISPUTE_CATEGORY = "9004"


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


FORM_EXPIRED = gettext_lazy("表单已过期，请重新提交")


def submit_report(
    *,
    key: str,
    session: str,
    place: Place,
    text: str,
    family: str = "",
    name: str = "",
    phone: str = "",
    verified: bool = False,
    private: bool = False,
    consent: bool,
    photos: Sequence[Photo] = (),
) -> Case:
    """File a resident's report (扫码上报), with the photos staged under the
    form's key and ``photos``. The key makes a repeated submission return the
    case the first one created — to the same ``session`` (a digest of the
    browser's session) only. ``verified``: the phone passed an SMS code;
    ``private``: the resident does not want the report public (不公开)."""
    if not consent:
        raise ValidationError({"consent": "请阅读并同意隐私说明 / please accept the privacy notice"})
    if not key or len(key) > 64 or not session:
        raise ValidationError({"key": FORM_EXPIRED})
    earlier = Submission.objects.filter(key=key).select_related("case").first()
    if earlier:
        return _earlier(earlier, session)
    kind = CaseKind.APPEAL
    if family == DISPUTE:  # 码上调: a dispute with someone, for the mediators
        kind, category = CaseKind.DISPUTE, Category.objects.filter(code=DISPUTE_CATEGORY).first()
    else:
        category = Category.objects.filter(code=family, level=1).first() if family else None
    try:
        with transaction.atomic():
            case = case_services.receive_case(
                by=None,
                title=text.strip()[:60],
                description=text,
                channel=Channel.QR,
                kind=kind,
                category=category,  # the resident's plain-word choice; refined on acceptance
                lon=place.lon,
                lat=place.lat,
                area_code=place.area_code,
                address=place.name,
                reporter_name=name,
                reporter_phone=phone,
                reporter_verified=verified,
                private=private,
            )
            Submission.objects.create(key=key, session=session, case=case)
            staged = StagedPhoto.objects.filter(key=key)
            case_services.add_photos(case=case, photos=[*staged, *photos], source="reporter")
            staged.delete()
    except IntegrityError:  # the same key committed meanwhile by a parallel request
        return _earlier(Submission.objects.get(key=key), session)
    return case


def _earlier(submission: Submission, session: str) -> Case:
    """The case a key already filed — only for the session that filed it."""
    if not constant_time_compare(submission.session, session):
        raise ValidationError({"key": FORM_EXPIRED})
    return submission.case


def stage_photos(*, key: str, photos: Sequence[Photo]) -> None:
    """Keep accepted photos of a form that goes back to the person."""
    StagedPhoto.objects.bulk_create(
        StagedPhoto(key=key, jpeg=p.jpeg, thumbnail=p.thumbnail, width=p.width, height=p.height)
        for p in photos
    )


def drop_staged_photos(*, key: str, ids: Iterable[int]) -> None:
    StagedPhoto.objects.filter(key=key, pk__in=list(ids)).delete()


# ------------------------------------------------------- SMS codes (验证码)

CODE_TTL = dt.timedelta(minutes=10)
CODE_TRIES = 5
CODES_PER_PHONE_GAP = Limit("sms-gap", 1, 60)  # one a minute …
CODES_PER_PHONE = Limit("sms-phone", 5, 3600)  # … five an hour
CODES_PER_IP = Limit("sms-ip", 10, 3600)
# All codes together: a ceiling on what SMS pumping from many addresses can cost.
CODES_PER_HOUR = Limit("sms-all", settings.SMS_CODES_PER_HOUR, 3600)


class TooMany(Exception):
    """A rate limit refused the request: retry after ``wait`` seconds."""

    def __init__(self, wait: int, per_phone: bool):
        super().__init__(wait)
        self.wait, self.per_phone = wait, per_phone


class SmsUnavailable(Exception):
    """The SMS gateway failed; the code was discarded (the attempt still
    counts against the limits, as a gateway may have sent it after all)."""


def mobile_number(phone: str) -> str:
    """The normalised 11-digit mainland mobile number in ``phone``, or ValidationError."""
    try:
        phone = contact.normalise_phone(phone)
    except ValueError:
        phone = ""
    if not contact.is_mobile(phone):
        raise ValidationError({"phone": "请填写 11 位手机号 / give an 11-digit mobile number"})
    return phone


def send_code(*, phone: str, ip: str) -> PhoneCheck:
    """Send a 6-digit code to ``phone`` by SMS, now (a code that arrives late
    is useless, so it bypasses the outbox; the person can ask again)."""
    phone = mobile_number(phone)
    digest = contact.phone_digest(phone)
    checks = (
        (CODES_PER_IP, ip),
        (CODES_PER_PHONE_GAP, digest),
        (CODES_PER_PHONE, digest),
        (CODES_PER_HOUR, "*"),
    )
    for limit, who in checks:
        if (wait := hit(limit, who)) is not None:
            raise TooMany(wait, per_phone=limit in (CODES_PER_PHONE_GAP, CODES_PER_PHONE))
    code = f"{secrets.randbelow(10**6):06d}"
    now = clock.now()
    check = PhoneCheck.objects.create(
        phone_digest=digest, code_digest=crypto.digest("sms-code", f"{digest}:{code}"),
        sent_at=now, expires_at=now + CODE_TTL,
    )  # fmt: skip
    try:
        backend_for("sms").send(
            address=phone,
            title="【长安】验证码",
            body=f"【长安】您的验证码是 {code}，{CODE_TTL.seconds // 60} 分钟内有效。"
            "工作人员不会向您索要验证码。",
            idempotency_key=f"changan-code-{check.pk}",
        )
    except Exception as exc:  # any gateway failure: the person may try again
        check.delete()
        raise SmsUnavailable(str(exc)) from exc
    return check


TOO_MANY_TRIES = "验证码错误次数过多，请重新获取 / too many wrong tries, request a new code"


def check_code(*, phone: str, code: str) -> str:
    """The phone's digest when ``code`` is the one last sent to it; a wrong
    code uses up one of the tries (committed even though the check fails)."""
    digest = contact.phone_digest(mobile_number(phone))
    now = clock.now()
    with transaction.atomic():
        check = (
            PhoneCheck.objects.select_for_update()
            .filter(phone_digest=digest, used_at=None, expires_at__gt=now)
            .order_by("-sent_at")
            .first()
        )
        if check is None:
            raise ValidationError(
                {"code": "请先获取验证码（或已过期）/ request a code first (or it expired)"}
            )
        if check.attempts >= CODE_TRIES:
            raise ValidationError({"code": TOO_MANY_TRIES})
        right = constant_time_compare(
            crypto.digest("sms-code", f"{digest}:{code.strip()}"), check.code_digest
        )
        if right:
            check.used_at = now
        else:
            check.attempts += 1
        check.save(update_fields=["used_at", "attempts"])
    if right:
        return digest
    if left := CODE_TRIES - check.attempts:
        raise ValidationError({"code": f"验证码不对，还可以试 {left} 次 / wrong code, {left} tries left"})
    raise ValidationError({"code": TOO_MANY_TRIES})


def purge_expired(*, now: dt.datetime | None = None) -> int:
    """Forget staged photos and SMS codes older than a day (worker)."""
    before = (now or clock.now()) - dt.timedelta(days=1)
    photos, _ = StagedPhoto.objects.filter(created_at__lt=before).delete()
    codes, _ = PhoneCheck.objects.filter(sent_at__lt=before).delete()
    return photos + codes


ME_TOO_SALT = "changan.intake.me-too"


def me_too_code(pk: int) -> str:
    """A public reference to an open report (not its private tracking code)."""
    return signing.dumps(pk, salt=ME_TOO_SALT)


def case_from_me_too(code: str) -> Case | None:
    """The report a "me too" names, while the public may see it (a report
    made private since the page was shown cannot be joined any more)."""
    try:
        pk = int(signing.loads(code, salt=ME_TOO_SALT))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return public_cases().filter(pk=pk).first()
