"""The root URLconf: each app's own ``urls.py``, the REST API and the admin.

This is the project's wiring, the top of the import graph: it may import every
app, and no app imports it."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api import me
from cases.api import CaseViewSet
from changan_site.views import healthz, healthz_jobs
from mediation.api import DisputeViewSet
from notify.api import NotificationViewSet
from orgs.api import OrgUnitViewSet
from regions.api import AreaViewSet, GridViewSet, locate

router = DefaultRouter()
router.register("areas", AreaViewSet, basename="area")
router.register("grids", GridViewSet, basename="grid")
router.register("org-units", OrgUnitViewSet, basename="orgunit")
router.register("cases", CaseViewSet, basename="case")
router.register("disputes", DisputeViewSet, basename="dispute")
router.register("notifications", NotificationViewSet, basename="notification")

PAGES = (  # apps whose pages have their own urls.py
    "regions", "cases", "triage", "earlywarning", "mediation", "intake", "fieldwork", "figures", "notify",
)  # fmt: skip

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("healthz/jobs", healthz_jobs, name="healthz-jobs"),
    *(path("", include(f"{app}.urls")) for app in PAGES),
    path("", include("accounts.urls")),  # before the admin: it serves the admin's sign-in
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(router.urls)),
    path("api/v1/me/", me, name="api-me"),
    path("api/v1/locate/", locate, name="api-locate"),
    # Open311 GeoReport v2 (its own URLconf); repeated slashes are read as one, as
    # clients join the discovery's ".../v2/" with "/requests".
    re_path(r"^open311/+v2/+", include("open311.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view loads Swagger UI's start-up script from its own URL (the
    # Content-Security-Policy allows no inline script); our template, no inline style.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
]
