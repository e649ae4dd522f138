"""Signing in and out, and one's own sign-in security."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

urlpatterns = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("account/security/", views.security, name="security"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # One sign-in page for everyone, so the admin gets the lock-out and the second factor too.
    path("admin/login/", views.admin_login),
]
