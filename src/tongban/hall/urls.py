from django.urls import path

from tongban.hall.views import analysis, console, devices, kiosk_forms, people, printout

app_name = "hall"

urlpatterns = [
    path("hall/", people.halls, name="halls"),
    path("hall/device/", devices.device_sign_in, name="device"),
    path("hall/kiosk/", devices.kiosk, name="kiosk"),
    path("hall/kiosk/start/", devices.kiosk_start, name="kiosk_start"),
    path("hall/kiosk/ask/", devices.kiosk_ask, name="kiosk_ask"),
    path("hall/kiosk/language/", devices.kiosk_language, name="kiosk_language"),
    path("hall/kiosk/printout.pdf", printout.kiosk_printout, name="kiosk_printout"),
    path("hall/kiosk/forms/", kiosk_forms.kiosk_forms, name="kiosk_forms"),
    path("hall/kiosk/forms/reset/", kiosk_forms.kiosk_form_reset, name="kiosk_form_reset"),
    path("hall/kiosk/forms/<str:code>/", kiosk_forms.kiosk_form, name="kiosk_form"),
    path("hall/board/", devices.board, name="board"),
    path("hall/board/events", devices.board_events, name="board_events"),
    path("hall/console/", console.console_page, name="console"),
    path(
        "hall/console/form/<str:reference>.pdf", console.console_form_pdf, name="console_form_pdf"
    ),
    path("hall/console/<str:action>/", console.console_act, name="console_act"),
    path("hall/t/<str:token>/", people.ticket_page, name="ticket"),
    path("hall/appointments/", people.my_appointments, name="appointments"),
    path("hall/<slug:code>/", people.hall_page, name="hall"),
    path("hall/<slug:code>/ticket/", people.remote_ticket, name="remote_ticket"),
    path("hall/<slug:code>/book/", people.book_page, name="book"),
    path("hall/<slug:code>/dashboard/", analysis.dashboard, name="dashboard"),
    path("hall/<slug:code>/report.pdf", analysis.daily_report, name="report"),
]
