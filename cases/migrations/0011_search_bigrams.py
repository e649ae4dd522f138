from django.db import migrations


def refill(apps, schema_editor):
    """Search terms now include Chinese bigrams (cases.search): recompute them."""
    from cases.search import search_text

    Case = apps.get_model("cases", "Case")
    rows = Case.objects.only("pk", "title", "description", "address").order_by("pk")
    for case in rows.iterator(chunk_size=2000):
        text = search_text(case.title, case.description, case.address)
        Case.objects.filter(pk=case.pk).update(search_text=text)


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_work_list_indexes")]
    operations = [migrations.RunPython(refill, migrations.RunPython.noop)]
