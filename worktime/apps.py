from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class WorktimeConfig(AppConfig):
    name = "worktime"
    verbose_name = _("工作日历")

    def ready(self) -> None:
        from worktime.models import CalendarDay, WorkingPeriod
        from worktime.selectors import calendar_changed

        def _changed(**_: object) -> None:
            calendar_changed()

        for model in (CalendarDay, WorkingPeriod):
            post_save.connect(
                _changed, sender=model, weak=False, dispatch_uid=f"calendar-save-{model.__name__}"
            )
            post_delete.connect(
                _changed, sender=model, weak=False, dispatch_uid=f"calendar-del-{model.__name__}"
            )
