"""Reporter contact details: stored encrypted (Fernet, AES-128-CBC + HMAC),
shown masked. Keys come from settings.FIELD_ENCRYPTION_KEYS; the first
encrypts, all decrypt, so keys can be rotated."""

from __future__ import annotations

import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PHONE_RE = re.compile(r"^\+?\d[\d\- ]{5,19}$")


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.FIELD_ENCRYPTION_KEYS])


def encrypt(text: str) -> bytes:
    return _fernet().encrypt(text.encode())


def decrypt(token: bytes | memoryview | None) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(bytes(token)).decode()
    except InvalidToken:
        return ""  # a key that is no longer configured: the masked form remains


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; short numbers keep only their last two digits."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


def normalise_phone(phone: str) -> str:
    phone = phone.strip()
    if phone and not PHONE_RE.match(phone):
        raise ValueError("电话号码格式不对 / malformed phone number")
    return re.sub(r"[\s\-]", "", phone)
