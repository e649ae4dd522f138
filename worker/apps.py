from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class WorkerConfig(AppConfig):
    name = "worker"
    verbose_name = _("后台任务")

    def ready(self) -> None:
        # Each app declares its own background jobs in its ``jobs.py`` (as each
        # declares its admin in ``admin.py``); the worker knows none of them.
        autodiscover_modules("jobs")
