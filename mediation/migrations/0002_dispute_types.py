"""The dispute types of the issue's list, each filed under the closest class
of the taxonomy (admins may add, rename or switch off types)."""

from django.db import migrations

TYPES = [
    # code, name, category
    ("neighbour", "邻里纠纷", "900401"),
    ("family", "婚姻家庭纠纷", "900402"),
    ("land_housing", "土地山林及房屋纠纷", "900403"),
    ("requisition", "征地拆迁安置纠纷", "0304"),
    ("wages", "劳资(欠薪)纠纷", "900404"),
    ("property", "物业纠纷", "900405"),
    ("consumer", "消费纠纷", "9004"),
    ("traffic", "交通事故纠纷", "130501"),
    ("medical", "医疗纠纷", "1205"),
    ("construction", "建设工程纠纷", "010804"),
    ("other", "其他纠纷", "9004"),
]


def add_types(apps, schema_editor):
    DisputeType = apps.get_model("mediation", "DisputeType")
    Category = apps.get_model("cases", "Category")
    known = set(Category.objects.filter(code__in=[c for *_, c in TYPES]).values_list("code", flat=True))
    for order, (code, name, category) in enumerate(TYPES):
        DisputeType.objects.update_or_create(
            code=code,
            defaults={"name": name, "order": order, "category_id": category if category in known else None},
        )


class Migration(migrations.Migration):
    dependencies = [("mediation", "0001_initial"), ("cases", "0013_case_fingerprint")]
    operations = [migrations.RunPython(add_types, migrations.RunPython.noop)]
