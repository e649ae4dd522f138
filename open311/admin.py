from django.contrib import admin, messages
from django.utils.translation import gettext as _

from open311.models import ApiKey, new_key


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are the platform's secrets: only superusers manage them (a county
    administrator has no business with the city's partners), and a key is
    shown once, when it is made — afterwards only its prefix."""

    list_display = ("name", "prefix", "scope", "area", "is_active", "created_at", "last_used_at")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    fields = ("name", "scope", "area", "is_active", "prefix", "created_at", "last_used_at")
    autocomplete_fields = ("area",)

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission

    def save_model(self, request, obj: ApiKey, form, change: bool) -> None:
        key = None
        if not change:
            key = new_key()
            obj.set_key(key)
        super().save_model(request, obj, form, change)
        if key:
            messages.warning(
                request, _("新密钥（只显示这一次，请立即复制并妥善保存）：%(key)s") % {"key": key}
            )
