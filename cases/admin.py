from django.contrib import admin

from accounts.admin_scope import ScopedAdmin
from cases.models import Case, CaseEvent, Category, TimeLimitRule
from cases.selectors import cases_for


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "sector", "is_active")
    list_filter = ("level", "sector", "is_active")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)


@admin.register(TimeLimitRule)
class TimeLimitRuleAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "category",
        "urgency",
        "area",
        "sign_minutes",
        "resolve_amount",
        "resolve_unit",
    )
    list_filter = ("urgency", "resolve_unit")
    autocomplete_fields = ("category", "area")


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ("seq", "at", "action", "actor", "unit", "from_status", "to_status", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ScopedAdmin):
    """Read-only: cases change only through the workflow (pages and API)."""

    selector = staticmethod(cases_for)
    list_display = ("number", "title", "status", "kind", "channel", "area", "lead_unit", "received_at")
    list_filter = ("status", "kind", "channel", "urgency", "tier")
    search_fields = ("number", "title")
    list_select_related = ("area", "lead_unit")
    inlines = [CaseEventInline]
    show_full_result_count = False

    def area_code_of(self, obj):
        return obj.area_id

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
