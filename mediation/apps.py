from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mediation"
    verbose_name = _("矛盾纠纷调解")

    def ready(self):
        from accounts.models import RoleCode
        from changan import navigation
        from mediation import events

        events.declare()  # the events mediation appends to a dispute's case

        navigation.register(
            "nav_mediation",
            lambda user: user.has_role(RoleCode.MEDIATOR) or user.has_role(RoleCode.DISPATCHER),
        )
