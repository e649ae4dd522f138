"""探照灯: the signal board and each signal."""

from django.urls import path

from earlywarning import views

urlpatterns = [
    path("warning/", views.board, name="signals"),
    path("warning/<int:pk>/", views.signal_page, name="signal"),
    path("warning/<int:pk>/map.json", views.signal_map, name="signal-map"),
    path("warning/<int:pk>/decide/", views.decide, name="signal-decide"),
]
