from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.admin_scope import ScopedAdmin
from accounts.models import Role, User
from accounts.selectors import users_for

admin.site.site_header = _("长安 · 网格化社会治理平台")
admin.site.site_title = _("长安管理后台")
admin.site.index_title = _("基础数据管理")


@admin.register(User)
class UserAdmin(ScopedAdmin, DjangoUserAdmin):
    selector = staticmethod(users_for)
    list_display = ("username", "full_name", "org_unit", "phone", "is_staff", "is_active")
    list_filter = ("roles", "is_staff", "is_active")
    search_fields = ("username", "full_name", "phone", "org_unit__name")
    autocomplete_fields = ("org_unit", "scope_area")
    filter_horizontal = ("roles",)
    list_select_related = ("org_unit",)
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("full_name", "phone", "email")}),
        (_("单位与角色"), {"fields": ("org_unit", "scope_area", "roles")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (_("单位与角色"), {"fields": ("full_name", "org_unit", "roles")}),
    )

    def area_code_of(self, obj: User) -> str | None:
        if obj.org_unit_id:
            return obj.org_unit.area_id
        return obj.scope_area_id

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser may hand out superuser status or raw permissions, so
        # a county administrator cannot widen anyone's rights beyond their own.
        if request.user.is_superuser:
            return ("last_login", "date_joined")
        return ("last_login", "date_joined", "is_superuser", "groups", "user_permissions")


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("code", "__str__")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
