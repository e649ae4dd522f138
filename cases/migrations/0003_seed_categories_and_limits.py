"""Seed the taxonomy (cases/data/categories.csv) and the 12345 default limits."""

import csv
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "data" / "categories.csv"

# urgency: (sign working minutes, resolve amount, unit, whistle ack working minutes)
DEFAULTS = {
    "urgent": (30, 120, "working_minutes", 30),
    "fast": (60, 24 * 60, "natural_minutes", 60),
    "ordinary": (60, 7, "working_days", 60),
    "complex": (60, 15, "working_days", 60),
}


def seed(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    TimeLimitRule = apps.get_model("cases", "TimeLimitRule")
    with CSV.open(encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: int(r["level"]))
    for row in rows:
        Category.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "level": int(row["level"]),
                "parent_id": row["parent_code"] or None,
                "sector": row["sector"],
            },
        )
    if not TimeLimitRule.objects.exists():
        for urgency, (sign, amount, unit, ack) in DEFAULTS.items():
            TimeLimitRule.objects.create(
                urgency=urgency,
                sign_minutes=sign,
                respond_minutes=24 * 60,
                resolve_amount=amount,
                resolve_unit=unit,
                warn_share=0.8,
                whistle_ack_minutes=ack,
            )


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_append_only_events")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
