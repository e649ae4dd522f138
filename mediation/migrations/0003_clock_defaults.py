"""The time fields' defaults read ``changan.clock`` (frozen in a simulation,
shifted in a year-ahead test run) instead of the real time. A default is
Python's, not the database's, so the database is left alone: on SQLite an
AlterField would rebuild the table and drop its triggers (the case events'
append-only guard, 0002)."""

from django.db import migrations, models

import changan.clock


class Migration(migrations.Migration):
    dependencies = [
        ("mediation", "0002_dispute_types"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="dispute",
                    name="registered_at",
                    field=models.DateTimeField(default=changan.clock.now, verbose_name="登记时间"),
                ),
            ],
        )
    ]
