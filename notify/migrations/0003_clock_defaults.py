"""The time fields' defaults read ``changan.clock`` (frozen in a simulation,
shifted in a year-ahead test run) instead of the real time. A default is
Python's, not the database's, so the database is left alone: on SQLite an
AlterField would rebuild the table and drop its triggers (the case events'
append-only guard, 0002)."""

from django.db import migrations, models

import changan.clock


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0002_messages_to_reporters"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="delivery",
                    name="next_attempt_at",
                    field=models.DateTimeField(default=changan.clock.now, verbose_name="下次尝试"),
                ),
                migrations.AlterField(
                    model_name="notification",
                    name="created_at",
                    field=models.DateTimeField(default=changan.clock.now, verbose_name="时间"),
                ),
            ],
        )
    ]
