from django.contrib.auth import views as auth_views
from django.urls import path

from tongban.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/", views.me, name="me"),
    path("me/reveal/", views.me_reveal, name="me_reveal"),
]
