"""The inbox."""

from django.urls import path

from notify import views

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", views.read, name="inbox-read"),
]
