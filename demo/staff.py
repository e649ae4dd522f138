"""The demo city's seed and its staff accounts, shared by the city and its
disputes."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from accounts.models import User

SEED = 2026
DEMO_PASSWORD = "changan-demo"


def create_staff(rows: list[tuple[str, str, str, int | None, str]]) -> int:
    """Create demo staff (username, full name, phone, unit id, role) in bulk,
    all with the demo password (hashed once: thousands of users)."""
    password = make_password(DEMO_PASSWORD)
    User.objects.bulk_create(
        [
            User(username=u, full_name=name, phone=phone, password=password, org_unit_id=unit)
            for u, name, phone, unit, _ in rows
        ],
        batch_size=2000,
    )
    ids = dict(User.objects.filter(username__in=[r[0] for r in rows]).values_list("username", "pk"))
    link = User.roles.through
    link.objects.bulk_create(
        [link(user_id=ids[u], role_id=role) for u, *_, role in rows], batch_size=2000, ignore_conflicts=True
    )
    return len(rows)
