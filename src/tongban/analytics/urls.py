from django.urls import path

from tongban.analytics import views

app_name = "analytics"

urlpatterns = [path("manage/overview/", views.overview, name="overview")]
