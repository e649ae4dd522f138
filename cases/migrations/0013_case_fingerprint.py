from django.db import migrations, models


def backfill(apps, schema_editor):
    """Fingerprint the cases already stored, so they can be found as duplicates."""
    from intel.duplicates import appeal_text, fingerprint

    Case = apps.get_model("cases", "Case")
    batch = []
    for case in Case.objects.only("pk", "title", "description").iterator(chunk_size=2000):
        case.fingerprint = fingerprint(appeal_text(case.title, case.description))
        batch.append(case)
        if len(batch) == 2000:
            Case.objects.bulk_update(batch, ["fingerprint"])
            batch = []
    Case.objects.bulk_update(batch, ["fingerprint"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_similar_reports_indexes")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="fingerprint",
            field=models.CharField(blank=True, db_default="", editable=False, max_length=400),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
