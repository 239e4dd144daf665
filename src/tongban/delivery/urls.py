from django.urls import path

from tongban.delivery.views import kiosk, locker, staff

app_name = "delivery"

urlpatterns = [
    # The bank's screen is a hall device; it must come before the hall's `hall/<code>/`.
    path("hall/locker/", locker.locker, name="locker"),
    path("hall/locker/door/<int:cycle_id>/", locker.locker_door, name="locker_door"),
    path("hall/kiosk/certificates/", kiosk.kiosk_certificates, name="kiosk_certificates"),
    path(
        "hall/kiosk/certificates/print/",
        kiosk.kiosk_certificate_print,
        name="kiosk_certificate_print",
    ),
    path("delivery/cases/<int:case_id>/choose/", staff.choose, name="choose"),
    path("delivery/cases/<int:case_id>/reserve/", staff.reserve, name="reserve"),
    path("delivery/cases/<int:case_id>/ship/", staff.ship, name="ship"),
    path("delivery/pickup/<int:parcel_id>/", staff.pickup_qr, name="pickup_qr"),
    path("delivery/door/", staff.run_sheet, name="run_sheet"),
    path("delivery/door/<int:handover_id>/", staff.handover, name="handover"),
]
