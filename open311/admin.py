from django.contrib import admin

from open311.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active", "created_at", "last_used_at")
    readonly_fields = ("key", "created_at", "last_used_at")
    fields = ("name", "is_active", "key", "created_at", "last_used_at")
