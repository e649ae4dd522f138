"""Field encryption and keyed digests for personal data.

Encryption: Fernet (AES-128-CBC + HMAC); keys from
settings.FIELD_ENCRYPTION_KEYS, the first encrypts and all decrypt, so keys
can be rotated. Digests: an HMAC of the value under the site's SECRET_KEY, so
equal values can be found (the same reporter's cases) without storing or
decrypting them; rotating SECRET_KEY changes every digest. Masks: the
forms of a phone number or address that pages, stored delivery rows and
logs may carry."""

from __future__ import annotations

import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac


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


def digest(purpose: str, value: str) -> str:
    return salted_hmac(f"changan.{purpose}", value, algorithm="sha256").hexdigest()


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; short numbers keep only their last two digits."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


def mask_address(address: str) -> str:
    """A delivery address as logs may show it: a phone number masked, an
    e-mail address with its name hidden (z***@example.cn)."""
    name, at, domain = address.partition("@")
    if at:
        return f"{name[:1]}***@{domain}"
    return mask_phone(address)
