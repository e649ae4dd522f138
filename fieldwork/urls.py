"""The grid worker's phone."""

from django.urls import path

from fieldwork import views

urlpatterns = [
    path("field/", views.home, name="field"),
    path("field/report/", views.report, name="field-report"),
    path("field/patrol/start/", views.patrol_start, name="field-patrol-start"),
    path("field/patrol/<int:pk>/points/", views.patrol_points, name="field-patrol-points"),
    path("field/patrol/<int:pk>/stop/", views.patrol_stop, name="field-patrol-stop"),
    path("field/visit/", views.visit, name="field-visit"),
]
