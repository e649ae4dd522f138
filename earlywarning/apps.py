from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EarlyWarningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "earlywarning"
    verbose_name = _("风险预警（探照灯）")

    def ready(self):
        from changan import navigation
        from earlywarning.selectors import may_see_signals

        navigation.register("nav_signals", may_see_signals)
