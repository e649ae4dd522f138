from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = _("地区与网格")

    def ready(self) -> None:
        from regions.models import Grid
        from regions.services import grids_changed

        # Cache invalidation only (no workflow): any saved or deleted grid makes
        # every process rebuild its locator on next use.
        def _changed(**_: object) -> None:
            grids_changed()

        post_save.connect(_changed, sender=Grid, weak=False, dispatch_uid="grids-changed-save")
        post_delete.connect(_changed, sender=Grid, weak=False, dispatch_uid="grids-changed-delete")
