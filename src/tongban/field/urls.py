from django.urls import path

from tongban.field import views

app_name = "field"

urlpatterns = [
    path("field/", views.field_home, name="home"),
    path("field/visits/<int:visit_id>/", views.visit_page, name="visit"),
    path("field/visits/<int:visit_id>/report.pdf", views.visit_report, name="report"),
    path("field/inspections/<int:inspection_id>/slot/", views.choose_slot, name="slot"),
    path("field/inspections/<int:inspection_id>/inspectors/", views.assign, name="assign"),
    path("field/commitments/<int:case_id>/revoke/", views.revoke, name="revoke"),
    path("field/cases/<int:case_id>/previsit/", views.previsit, name="previsit"),
]
