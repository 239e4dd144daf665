from django.urls import path

from tongban.certificates import views

app_name = "certificates"

urlpatterns = [
    path("certificates/verify/", views.verify_upload, name="verify"),
    path("certificates/verify/<str:token>/", views.verify_token, name="verify_token"),
    path("my/certificates/", views.mine, name="mine"),
    path("my/certificates/<str:number>.pdf", views.download, name="download"),
]
