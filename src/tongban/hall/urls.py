from django.urls import path

from tongban.hall import views

app_name = "hall"

urlpatterns = [
    path("hall/", views.halls, name="halls"),
    path("hall/device/", views.device_sign_in, name="device"),
    path("hall/kiosk/", views.kiosk, name="kiosk"),
    path("hall/board/", views.board, name="board"),
    path("hall/board/events", views.board_events, name="board_events"),
    path("hall/console/", views.console_page, name="console"),
    path("hall/console/<str:action>/", views.console_act, name="console_act"),
    path("hall/t/<str:token>/", views.ticket_page, name="ticket"),
    path("hall/appointments/", views.my_appointments, name="appointments"),
    path("hall/<slug:code>/", views.hall_page, name="hall"),
    path("hall/<slug:code>/ticket/", views.remote_ticket, name="remote_ticket"),
    path("hall/<slug:code>/book/", views.book_page, name="book"),
    path("hall/<slug:code>/dashboard/", views.dashboard, name="dashboard"),
    path("hall/<slug:code>/report.pdf", views.daily_report, name="report"),
]
