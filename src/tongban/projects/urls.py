from django.urls import path

from tongban.projects import views

app_name = "projects"

urlpatterns = [
    path("projects/", views.home, name="home"),
    path("projects/start/", views.start, name="start"),
    path("projects/<int:project_id>/", views.project_page, name="project"),
    path("projects/outreach/", views.outreach, name="outreach"),
    path("projects/outreach/new/", views.outreach_create, name="outreach_create"),
    path("projects/outreach/<int:event_id>/cases/", views.outreach_link, name="outreach_link"),
]
