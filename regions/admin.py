from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin_scope import ScopedAdmin
from regions import codes
from regions.models import Area, Grid
from regions.selectors import areas_for, grids_for


def _geometry_summary(obj) -> str:
    geom = obj.boundary
    if geom is None:
        return "—"
    label = _("合成") if obj.boundary_synthetic else _("真实")
    parts = len(getattr(geom, "geoms", [geom]))
    return f"{geom.geom_type} · {parts} · {label}"


class AreaForm(forms.ModelForm):
    """Level and parent follow from the code; only code and name are typed."""

    class Meta:
        model = Area
        fields = ("code", "name")

    def clean(self):
        data = super().clean()
        code = data.get("code") or self.instance.code
        try:
            codes.validate_area_code(code)
        except codes.CodeError as exc:
            raise forms.ValidationError({"code": str(exc)}) from None
        self.instance.level = codes.level_of(code)
        self.instance.parent_id = codes.parent_code_of(code)
        if self.instance.parent_id and not Area.objects.filter(code=self.instance.parent_id).exists():
            raise forms.ValidationError(
                {"code": f"上级 {self.instance.parent_id} 不存在 / parent does not exist"}
            )
        return data


@admin.register(Area)
class AreaAdmin(ScopedAdmin):
    selector = staticmethod(areas_for)
    form = AreaForm
    list_display = ("code", "name", "level", "kind_display", "parent", "boundary_synthetic")
    list_filter = ("level", "boundary_synthetic")
    search_fields = ("code", "name")
    readonly_fields = (
        "level",
        "parent",
        "boundary_display",
        "centroid_lon",
        "centroid_lat",
        "boundary_synthetic",
    )
    fields = ("code", "name", *readonly_fields)
    list_per_page = 50
    show_full_result_count = False

    @admin.display(description=_("类型"))
    def kind_display(self, obj: Area) -> str:
        return obj.kind

    @admin.display(description=_("边界"))
    def boundary_display(self, obj: Area) -> str:
        return _geometry_summary(obj)

    def get_readonly_fields(self, request, obj=None):
        # Codes are identities that other records point at: fixed once saved.
        return (*self.readonly_fields, "code") if obj else self.readonly_fields


@admin.register(Grid)
class GridAdmin(ScopedAdmin):
    selector = staticmethod(grids_for)
    list_display = ("code", "name", "kind", "village", "households", "chief", "boundary_synthetic")
    list_filter = ("kind", "boundary_synthetic")
    search_fields = ("code", "name", "village__name", "party_branch_name")
    autocomplete_fields = ("village", "chief", "workers")
    readonly_fields = ("boundary_display", "centroid_lon", "centroid_lat", "boundary_synthetic", "updated_at")
    fieldsets = (
        (None, {"fields": ("code", "name", "kind", "dedicated_to", "village", "households")}),
        (_("人员"), {"fields": ("chief", "workers")}),
        (_("网格党支部"), {"fields": ("party_branch_name", "party_branch_secretary")}),
        (_("位置"), {"fields": readonly_fields}),
    )
    list_select_related = ("village", "chief")
    list_per_page = 50
    show_full_result_count = False

    @admin.display(description=_("边界"))
    def boundary_display(self, obj: Grid) -> str:
        return _geometry_summary(obj)

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "code", "village") if obj else self.readonly_fields
