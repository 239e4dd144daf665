from django.urls import path

from tongban.exchange import views

app_name = "exchange"

urlpatterns = [
    path("me/data-access/", views.my_access, name="my_access"),
    path("manage/exchange/", views.console, name="console"),
    path(
        "manage/exchange/grants/<int:grant_id>/<slug:action>/",
        views.grant_action,
        name="grant_action",
    ),
]
