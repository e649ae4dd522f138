from django.contrib import admin

from accounts.admin_scope import ScopedAdmin
from earlywarning.models import Run, Signal
from earlywarning.selectors import signals_for


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ("day", "started_at", "finished_at", "cases", "series", "signals", "seconds")
    readonly_fields = [f.name for f in Run._meta.fields]


@admin.register(Signal)
class SignalAdmin(ScopedAdmin):
    selector = staticmethod(signals_for)
    list_display = ("day", "rank", "kind", "method", "area", "category", "entity", "observed", "expected",
                    "p_value", "decision")  # fmt: skip
    list_filter = ("kind", "method", "decision", "day")
    raw_id_fields = ("run", "area", "category", "explained_by", "decided_by", "cases")
    readonly_fields = ("run", "day", "kind", "method", "observed", "expected", "upperbound", "score",
                       "p_value", "rank", "detail")  # fmt: skip

    def area_code_of(self, obj) -> str | None:
        return obj.area_id
