from django.urls import path

from tongban.servicemap import views

app_name = "servicemap"

urlpatterns = [
    path("nearby/", views.nearby, name="nearby"),
    path("manage/servicemap/", views.coverage_page, name="coverage"),
]
