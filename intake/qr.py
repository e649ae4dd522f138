"""Signed QR tokens (淇和码): a code names a place and its code version,
signed with the site's secret, so it cannot be forged to point elsewhere."""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

SALT = "changan.intake.qr"


@dataclass(frozen=True)
class PlaceRef:
    kind: str  # grid, village, site
    ref: str
    version: int


def make_token(place: PlaceRef) -> str:
    return signing.dumps([place.kind, place.ref, place.version], salt=SALT, compress=True)


def read_token(token: str) -> PlaceRef | None:
    """The place a token names, or None for a token that was not signed here."""
    try:
        kind, ref, version = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return PlaceRef(str(kind), str(ref), int(version))
