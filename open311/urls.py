"""Open311 GeoReport v2, mounted at ``open311/v2/`` (repeated slashes read as
one). The format extension is optional (JSON by default)."""

from django.urls import re_path

from open311 import views

FORMAT = r"(?:\.(?P<fmt>json|xml))?$"
ID = r"/+(?P<{}>[0-9A-Za-z_-]+?)"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.discovery, name="open311-discovery"),
    re_path(r"^services" + FORMAT, views.service_list, name="open311-services"),
    re_path(r"^services?" + ID.format("code") + FORMAT, views.service_definition, name="open311-service"),
    re_path(r"^requests" + FORMAT, views.request_list, name="open311-requests"),
    re_path(r"^requests" + ID.format("number") + FORMAT, views.request_detail, name="open311-request"),
    re_path(r"^tokens" + ID.format("token_id") + FORMAT, views.token, name="open311-token"),
]
