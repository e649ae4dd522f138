"""The data center: the first screen, its data and exports."""

from django.urls import path

from figures import views

urlpatterns = [
    path("screen/", views.screen, name="screen"),
    path("screen/data.json", views.screen_data, name="screen-data"),
    path("screen/shapes.geojson", views.heat_shapes, name="screen-shapes"),
    path("screen/export/<str:table>.xlsx", views.export, name="screen-export"),
]
