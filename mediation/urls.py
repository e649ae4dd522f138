"""矛盾纠纷: the mediation workspace, each dispute and its steps."""

from django.urls import path

from mediation import views

urlpatterns = [
    path("mediation/", views.workspace, name="mediation"),
    path("mediation/figures/", views.figures, name="dispute-figures"),
    path("mediation/register/<int:case_pk>/", views.register, name="dispute-register"),
    path("mediation/<int:pk>/", views.dispute_page, name="dispute"),
    path("mediation/<int:pk>/agreement.pdf", views.agreement, name="dispute-agreement"),
    path("mediation/<int:pk>/<str:name>/", views.act, name="dispute-act"),
]
