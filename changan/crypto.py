"""Field encryption and keyed digests for personal data.

Encryption: Fernet (AES-128-CBC + HMAC); keys from
settings.FIELD_ENCRYPTION_KEYS, the first encrypts and all decrypt, so keys
can be rotated. Digests: an HMAC of the value under the site's SECRET_KEY, so
equal values can be found (the same reporter's cases) without storing or
decrypting them; rotating SECRET_KEY changes every digest."""

from __future__ import annotations

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
