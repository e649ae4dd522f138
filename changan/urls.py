from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts import views as account_views
from accounts.api import me
from cases import views as case_views
from cases.api import CaseViewSet
from changan.views import healthz, healthz_jobs
from earlywarning import views as warning_views
from fieldwork import views as field_views
from figures import views as figure_views
from intake import views as intake_views
from mediation import views as mediation_views
from notify import views as notify_views
from notify.api import NotificationViewSet
from orgs.api import OrgUnitViewSet
from regions import views as region_views
from regions.api import AreaViewSet, GridViewSet, locate
from triage import views as triage_views

router = DefaultRouter()
router.register("areas", AreaViewSet, basename="area")
router.register("grids", GridViewSet, basename="grid")
router.register("org-units", OrgUnitViewSet, basename="orgunit")
router.register("cases", CaseViewSet, basename="case")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("", region_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("healthz/jobs", healthz_jobs, name="healthz-jobs"),
    path("places/", region_views.place_tree, name="places"),
    path("places/<str:code>/", region_views.place_tree, name="place"),
    path("places/<str:code>/map.geojson", region_views.place_geojson, name="place-geojson"),
    path("cases/", case_views.queues, name="cases"),
    path("cases/bulk/", case_views.bulk, name="cases-bulk"),
    path("cases/export.xlsx", case_views.export, name="cases-export"),
    path("cases/map/", case_views.case_map, name="cases-map"),
    path("cases/map/data.json", case_views.map_data, name="cases-map-data"),
    path("cases/filters/", case_views.save_filter, name="cases-save-filter"),
    path("cases/filters/<int:pk>/delete/", case_views.delete_filter, name="cases-delete-filter"),
    path("cases/<int:pk>/", case_views.case_page, name="case"),
    path("hot/", triage_views.hot_issues, name="hot-issues"),
    path("warning/", warning_views.board, name="signals"),
    path("warning/<int:pk>/", warning_views.signal_page, name="signal"),
    path("warning/<int:pk>/map.json", warning_views.signal_map, name="signal-map"),
    path("warning/<int:pk>/decide/", warning_views.decide, name="signal-decide"),
    path("mediation/", mediation_views.workspace, name="mediation"),
    path("mediation/figures/", mediation_views.figures, name="dispute-figures"),
    path("mediation/register/<int:case_pk>/", mediation_views.register, name="dispute-register"),
    path("mediation/<int:pk>/", mediation_views.dispute_page, name="dispute"),
    path("mediation/<int:pk>/agreement.pdf", mediation_views.agreement, name="dispute-agreement"),
    path("mediation/<int:pk>/<str:name>/", mediation_views.act, name="dispute-act"),
    path("cases/<int:pk>/act/<str:name>/", case_views.take_action, name="case-action"),
    path("cases/<int:pk>/photos/<int:attachment_id>/", case_views.photo, name="case-photo"),
    path("q/<str:token>/", intake_views.scan, name="scan"),
    path("report/", intake_views.report, name="report"),
    path("report/place/", intake_views.choose_place, name="choose-place"),
    path("report/me-too/", intake_views.me_too, name="me-too"),
    path("report/sms-code/", intake_views.sms_code, name="sms-code"),
    path("report/map/<str:code>/", intake_views.village_map, name="report-map"),
    path("report/photos/<int:pk>/", intake_views.staged_photo, name="staged-photo"),
    path("track/", intake_views.my_reports, name="my-reports"),
    path("report/done/<str:code>/", intake_views.receipt, name="receipt"),
    path("track/<str:code>/", intake_views.track, name="track"),
    path("track/<str:code>/photos/<int:attachment_id>/", intake_views.track_photo, name="track-photo"),
    path("field/", field_views.home, name="field"),
    path("field/report/", field_views.report, name="field-report"),
    path("field/patrol/start/", field_views.patrol_start, name="field-patrol-start"),
    path("field/patrol/<int:pk>/points/", field_views.patrol_points, name="field-patrol-points"),
    path("field/patrol/<int:pk>/stop/", field_views.patrol_stop, name="field-patrol-stop"),
    path("field/visit/", field_views.visit, name="field-visit"),
    path("screen/", figure_views.screen, name="screen"),
    path("screen/data.json", figure_views.screen_data, name="screen-data"),
    path("screen/shapes.geojson", figure_views.heat_shapes, name="screen-shapes"),
    path("screen/export/<str:table>.xlsx", figure_views.export, name="screen-export"),
    path("inbox/", notify_views.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", notify_views.read, name="inbox-read"),
    path("login/", account_views.StaffLoginView.as_view(), name="login"),
    path("account/security/", account_views.security, name="security"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    # One sign-in page for everyone, so the admin gets the lock-out and the second factor too.
    path("admin/login/", account_views.admin_login),
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
