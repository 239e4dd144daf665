from django.urls import path

from tongban.projects import views

app_name = "projects"

urlpatterns = [
    path("projects/", views.home, name="home"),
    path("projects/start/", views.start, name="start"),
    path("projects/<int:project_id>/", views.project_page, name="project"),
]
