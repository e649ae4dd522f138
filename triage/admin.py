from django.contrib import admin

from triage.models import Override, RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    """Routing is city-wide configuration, kept by the system administrator."""

    list_display = ("category", "area", "target", "sector", "unit", "is_active", "note")
    list_filter = ("target", "sector", "is_active")
    search_fields = ("category__name", "category__code", "area__name", "area__code", "note")
    autocomplete_fields = ("category", "area", "unit")
    list_select_related = ("category", "area", "unit")


@admin.register(Override)
class OverrideAdmin(admin.ModelAdmin):
    """The record of people overriding suggestions: read-only evidence."""

    list_display = ("case", "field", "suggested", "chosen", "model_version", "by", "at")
    list_filter = ("field", "model_version")
    list_select_related = ("case", "by")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
