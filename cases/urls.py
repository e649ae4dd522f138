"""The staff console: queues, the case page, actions, map and exports."""

from django.urls import path

from cases import views

urlpatterns = [
    path("cases/", views.queues, name="cases"),
    path("cases/bulk/", views.bulk, name="cases-bulk"),
    path("cases/export.xlsx", views.export, name="cases-export"),
    path("cases/map/", views.case_map, name="cases-map"),
    path("cases/map/data.json", views.map_data, name="cases-map-data"),
    path("cases/filters/", views.save_filter, name="cases-save-filter"),
    path("cases/filters/<int:pk>/delete/", views.delete_filter, name="cases-delete-filter"),
    path("cases/<int:pk>/", views.case_page, name="case"),
    path("cases/<int:pk>/act/<str:name>/", views.take_action, name="case-action"),
    path("cases/<int:pk>/photos/<int:attachment_id>/", views.photo, name="case-photo"),
]
