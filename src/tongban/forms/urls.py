from django.urls import path

from tongban.forms import views

app_name = "forms"

urlpatterns = [
    path("guide/items/<str:code>/form-blank.pdf", views.form_blank, name="blank"),
    path("guide/items/<str:code>/form-sample.pdf", views.form_sample, name="sample"),
]
