from django.contrib import admin

from notify.models import Delivery, Notification


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    readonly_fields = ("channel", "address", "state", "attempts", "next_attempt_at", "last_error", "sent_at")
    can_delete = False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("title", "recipient__username")
    readonly_fields = ("recipient", "case", "kind", "title", "body", "created_at", "read_at")
    inlines = [DeliveryInline]

    def has_add_permission(self, request):
        return False
