from django.contrib import admin

from worker.models import JobHealth


@admin.register(JobHealth)
class JobHealthAdmin(admin.ModelAdmin):
    list_display = ("name", "last_success_at", "last_failure_at", "consecutive_failures", "next_due_at")
    readonly_fields = (
        "name", "last_started_at", "last_success_at", "last_failure_at", "last_error",
        "consecutive_failures", "next_due_at",
    )  # fmt: skip

    def has_add_permission(self, request):
        return False
