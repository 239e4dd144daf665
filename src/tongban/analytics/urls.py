from django.urls import path

from tongban.analytics import views

app_name = "analytics"

urlpatterns = [
    path("manage/overview/", views.overview, name="overview"),
    path("manage/scoreboard/", views.scoreboard_page, name="scoreboard"),
    path("manage/scoreboard.csv", views.scoreboard_csv, name="scoreboard_csv"),
    path("manage/scoreboard.xlsx", views.scoreboard_xlsx, name="scoreboard_xlsx"),
    path("manage/scoreboard/report.pdf", views.scoreboard_report, name="scoreboard_report"),
]
