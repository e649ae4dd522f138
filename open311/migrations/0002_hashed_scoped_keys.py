"""Keys are stored as digests from now on; existing keys keep working (their
digest is computed here) but can no longer be read back. Keys get a scope."""

import hashlib

import django.db.models.deletion
from django.db import migrations, models

import changan.clock


def hash_keys(apps, schema_editor):
    ApiKey = apps.get_model("open311", "ApiKey")
    for key in ApiKey.objects.all():
        key.digest = hashlib.sha256(key.key.encode()).hexdigest()
        key.prefix = key.key[:6]
        key.save(update_fields=["digest", "prefix"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_case_publicity"),
        ("open311", "0001_initial"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apikey",
            name="digest",
            field=models.CharField(max_length=64, null=True, editable=False),
        ),
        migrations.AddField(
            model_name="apikey",
            name="prefix",
            field=models.CharField(default="", editable=False, max_length=8, verbose_name="密钥前缀"),
            preserve_default=False,
        ),
        migrations.RunPython(hash_keys, migrations.RunPython.noop),
        migrations.RemoveField(model_name="apikey", name="key"),
        migrations.AlterField(
            model_name="apikey",
            name="digest",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
        migrations.AddField(
            model_name="apikey",
            name="scope",
            field=models.CharField(
                choices=[
                    ("public", "公开信息"),
                    ("own", "公开信息及本密钥提交的诉求"),
                    ("area", "公开信息、本密钥提交的诉求及指定区域的诉求"),
                ],
                default="public",
                max_length=8,
                verbose_name="可读范围",
            ),
        ),
        migrations.AddField(
            model_name="apikey",
            name="area",
            field=models.ForeignKey(
                blank=True,
                help_text="可读范围为“指定区域”时必填；该区域及其下级的诉求（矛盾纠纷、举报除外）",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.area",
                verbose_name="区域",
            ),
        ),
        migrations.AlterField(
            model_name="apikey",
            name="created_at",
            field=models.DateTimeField(default=changan.clock.now, verbose_name="创建时间"),
        ),
        migrations.CreateModel(
            name="Submission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="cases.case"
                    ),
                ),
                (
                    "key",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="submissions",
                        to="open311.apikey",
                    ),
                ),
            ],
        ),
    ]
