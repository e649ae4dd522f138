"""The hot-issue page."""

from django.urls import path

from triage import views

urlpatterns = [
    path("hot/", views.hot_issues, name="hot-issues"),
]
