from django.contrib import admin
from django.http import HttpResponse

from intake.models import PlaceKind, Site
from intake.posters import posters_pdf
from intake.services import place_token
from regions.admin import GridAdmin


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "grid", "address")
    list_filter = ("kind",)
    search_fields = ("name", "address")
    autocomplete_fields = ("grid",)


@admin.action(description="打印二维码海报（PDF）")
def print_posters(modeladmin, request, queryset):
    grids = queryset.select_related("village", "chief").prefetch_related("workers").order_by("code")[:500]
    base = request.build_absolute_uri("/").rstrip("/")
    pdf = posters_pdf(grids, lambda g: f"{base}/q/{place_token(PlaceKind.GRID, g.code)}/")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="posters.pdf"'
    return response


GridAdmin.actions = [*(GridAdmin.actions or []), print_posters]
