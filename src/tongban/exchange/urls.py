from django.urls import path

from tongban.exchange import views

app_name = "exchange"

urlpatterns = [
    path("me/data-access/", views.my_access, name="my_access"),
    path("me/data-access/<int:log_id>/proof.json", views.my_access_proof, name="my_access_proof"),
    path("manage/exchange/", views.console, name="console"),
    path(
        "manage/exchange/grants/<int:grant_id>/<slug:action>/",
        views.grant_action,
        name="grant_action",
    ),
]
