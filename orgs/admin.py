from django.contrib import admin

from accounts.admin_scope import ScopedAdmin
from orgs.models import OrgUnit
from orgs.selectors import org_units_for


@admin.register(OrgUnit)
class OrgUnitAdmin(ScopedAdmin):
    selector = staticmethod(org_units_for)
    list_display = ("name", "kind", "sector", "area", "parent", "is_active")
    list_filter = ("kind", "sector", "is_active")
    search_fields = ("name", "area__name", "area__code")
    autocomplete_fields = ("area", "parent")
    list_select_related = ("area", "parent")
    list_per_page = 50

    def area_code_of(self, obj: OrgUnit) -> str | None:
        return obj.area_id
