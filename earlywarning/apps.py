from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EarlyWarningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "earlywarning"
    verbose_name = _("风险预警（探照灯）")
