"""What residents use without a trip: scan, report, "me too", receipt and tracking."""

from django.urls import path

from intake import views

urlpatterns = [
    path("q/<str:token>/", views.scan, name="scan"),
    path("report/", views.report, name="report"),
    path("report/place/", views.choose_place, name="choose-place"),
    path("report/me-too/", views.me_too, name="me-too"),
    path("report/sms-code/", views.sms_code, name="sms-code"),
    path("report/map/<str:code>/", views.village_map, name="report-map"),
    path("report/photos/<int:pk>/", views.staged_photo, name="staged-photo"),
    path("track/", views.my_reports, name="my-reports"),
    path("report/done/<str:code>/", views.receipt, name="receipt"),
    path("track/<str:code>/", views.track, name="track"),
    path("track/<str:code>/photos/<int:attachment_id>/", views.track_photo, name="track-photo"),
]
