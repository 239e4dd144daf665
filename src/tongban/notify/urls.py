from django.urls import path

from tongban.notify import views

app_name = "notify"

urlpatterns = [
    path("messages/", views.message_list, name="messages"),
    path("messages/read-all/", views.message_read_all, name="read_all"),
    path("messages/<int:notification_id>/open/", views.message_open, name="open"),
]
