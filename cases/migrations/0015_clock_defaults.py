"""The time fields' defaults read ``changan.clock`` (frozen in a simulation,
shifted in a year-ahead test run) instead of the real time. A default is
Python's, not the database's, so the database is left alone: on SQLite an
AlterField would rebuild the table and drop its triggers (the case events'
append-only guard, 0002)."""

from django.db import migrations, models

import changan.clock


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_case_publicity"),
    ]

    # A Python-side default is not in the database: state only. (On SQLite an
    # AlterField rebuilds the table, which would drop the append-only
    # triggers on cases_caseevent.)
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="attachment",
                    name="created_at",
                    field=models.DateTimeField(default=changan.clock.now, verbose_name="时间"),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="received_at",
                    field=models.DateTimeField(default=changan.clock.now, verbose_name="登记时间"),
                ),
                migrations.AlterField(
                    model_name="caseevent",
                    name="at",
                    field=models.DateTimeField(default=changan.clock.now, verbose_name="时间"),
                ),
            ],
        ),
    ]
