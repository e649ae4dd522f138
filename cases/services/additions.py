"""What people add to a case beside its steps: the reporter's notes and
photos (补充说明), photos taken by staff, and 我也遇到 from other residents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from cases.models import OPEN_STATUSES, Attachment, Case, CaseKind
from cases.services.records import dispatchers_for, lock, record, require, unit_staff
from cases.services.rules import check
from changan import clock
from notify.services import notify


class ProcessedPhoto(Protocol):
    """A photo already checked and re-encoded (intake.photos.Photo, or one
    kept with a form): JPEG bytes, a JPEG thumbnail, pixel size."""

    jpeg: bytes | memoryview
    thumbnail: bytes | memoryview
    width: int
    height: int


@transaction.atomic
def follow_up(*, case: Case, by, note: str = "", photos: Sequence[ProcessedPhoto] = ()) -> Case:
    """补充说明: the reporter adds a note or photos; they reach the handling
    unit (or, before dispatch, the dispatchers)."""
    require(note.strip() or photos, "请写下补充内容或附上照片 / add a note or a photo")
    case = lock(case)
    check(case, "follow_up", by)
    add_photos(case=case, photos=photos, source="reporter")
    data = {"by": "reporter", "photos": len(photos)} if photos else {"by": "reporter"}
    record(case, "follow_up", by, from_status=case.status, note=note.strip()[:2000], data=data)
    notify(
        recipients=unit_staff([case.lead_unit_id]) if case.lead_unit_id else dispatchers_for(case),
        case=case,
        kind="reporter_follow_up",
        title=f"反映人补充说明：{case.number}",
        body=note.strip()[:200] or f"补充了 {len(photos)} 张照片",
    )
    return case


def add_photos(*, case: Case, photos: Sequence[ProcessedPhoto], source: str) -> list:
    """Store processed photos on the case; call inside the transaction that
    creates or changes the case."""
    stored = []
    for i, photo in enumerate(photos, start=1):
        stem = f"{source}-{clock.now():%H%M%S}-{i}"
        attachment = Attachment(case=case, width=photo.width, height=photo.height, source=source)
        attachment.image.save(f"{stem}.jpg", ContentFile(bytes(photo.jpeg)), save=False)
        attachment.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(bytes(photo.thumbnail)), save=False)
        attachment.save()
        stored.append(attachment)
    return stored


@transaction.atomic
def add_me_too(*, case: Case) -> Case:
    """我也遇到: another resident meets the same open problem nearby and says
    so instead of filing a duplicate; counted on the case."""
    case = lock(case)
    if case.status not in OPEN_STATUSES:
        raise ValidationError("该问题已办结 / this report is already closed")
    if case.kind == CaseKind.DISPUTE:
        raise ValidationError("矛盾纠纷只涉及当事人 / a dispute is its parties' own")
    case.me_too += 1
    case.save(update_fields=["me_too"])
    record(case, "me_too", None, from_status=case.status, data={"count": case.me_too})
    return case
