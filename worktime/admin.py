from django.contrib import admin

from worktime.models import CalendarDay, WorkingPeriod


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "is_workday", "provisional")
    list_filter = ("is_workday", "provisional")
    search_fields = ("name",)
    date_hierarchy = "date"


@admin.register(WorkingPeriod)
class WorkingPeriodAdmin(admin.ModelAdmin):
    list_display = ("__str__", "start", "end")
