from django.contrib import admin
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from intake.models import Site
from intake.services import print_posters
from regions.admin import GridAdmin

MAX_POSTERS = 500  # one request; a whole county goes through the command


def _pdf(request, **places) -> HttpResponse:
    response = HttpResponse(
        print_posters(base_url=request.build_absolute_uri("/"), **places), content_type="application/pdf"
    )
    response["Content-Disposition"] = 'attachment; filename="posters.pdf"'
    return response


@admin.action(description=_("打印二维码海报（PDF）"))
def print_grid_posters(modeladmin, request, queryset):
    grids = queryset.select_related("village", "chief").prefetch_related("workers").order_by("code")
    return _pdf(request, grids=grids[:MAX_POSTERS])


@admin.action(description=_("打印二维码海报（PDF）"))
def print_site_posters(modeladmin, request, queryset):
    sites = queryset.select_related("grid__village", "grid__chief").prefetch_related("grid__workers")
    return _pdf(request, sites=sites.order_by("grid_id", "name")[:MAX_POSTERS])


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "grid", "address")
    list_filter = ("kind",)
    search_fields = ("name", "address")
    autocomplete_fields = ("grid",)
    actions = [print_site_posters]


GridAdmin.actions = [*(GridAdmin.actions or []), print_grid_posters]
