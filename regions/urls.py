"""The home page and the place tree."""

from django.urls import path

from regions import views

urlpatterns = [
    path("", views.home, name="home"),
    path("places/", views.place_tree, name="places"),
    path("places/<str:code>/", views.place_tree, name="place"),
    path("places/<str:code>/map.geojson", views.place_geojson, name="place-geojson"),
]
