"""Reporter contact details: phone numbers stored encrypted
(changan.crypto), shown masked, and found again by a keyed digest."""

from __future__ import annotations

import re

from changan import crypto
from changan.crypto import mask_phone  # the masked form, shared with the logs (notify)

__all__ = ["is_mobile", "mask_phone", "normalise_phone", "phone_digest"]

PHONE_RE = re.compile(r"^\+?\d[\d\- ]{5,19}$")
MAINLAND_MOBILE_RE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")


def normalise_phone(phone: str) -> str:
    """One written form per number: spaces and dashes dropped, a mainland
    mobile without its +86, so digests and limits match however it is typed."""
    phone = phone.strip()
    if phone and not PHONE_RE.match(phone):
        raise ValueError("电话号码格式不对 / malformed phone number")
    phone = re.sub(r"[\s\-]", "", phone)
    mobile = MAINLAND_MOBILE_RE.match(phone)
    return mobile.group(1) if mobile else phone


def is_mobile(phone: str) -> bool:
    """``phone`` (normalised) can receive SMS: an 11-digit mainland mobile."""
    return bool(MAINLAND_MOBILE_RE.match(phone)) and len(phone) == 11


def phone_digest(phone: str) -> str:
    """The same number always gives the same digest (``phone`` normalised)."""
    return crypto.digest("phone", phone) if phone else ""
