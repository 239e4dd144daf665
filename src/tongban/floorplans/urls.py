from django.urls import path

from tongban.floorplans import kiosk, views

app_name = "floorplans"

urlpatterns = [
    path("tools/floorplan/", views.home, name="home"),
    path("tools/floorplan/new/", views.new, name="new"),
    path("tools/floorplan/<int:plan_id>/", views.edit, name="edit"),
    path("tools/floorplan/<int:plan_id>/plan.pdf", views.pdf, name="pdf"),
    path("tools/floorplan/<int:plan_id>/plan.json", views.plan_json, name="json"),
    path("tools/floorplan/<int:plan_id>/attach/", views.attach, name="attach"),
    path("tools/floorplan/<int:plan_id>/comments/", views.comment, name="comment"),
    path("tools/floorplan/<int:plan_id>/correction/", views.correction, name="correction"),
    path("tools/floorplan/claim/", views.claim, name="claim"),
    # On a hall's kiosk: no sign-in, the kiosk session's plan, printed with its 取图码.
    path("hall/kiosk/floorplan/", kiosk.kiosk_home, name="kiosk"),
    path("hall/kiosk/floorplan/new/", kiosk.kiosk_new, name="kiosk_new"),
    path("hall/kiosk/floorplan/edit/", kiosk.kiosk_edit, name="kiosk_edit"),
    path("hall/kiosk/floorplan/check", kiosk.kiosk_check, name="kiosk_check"),
    path("hall/kiosk/floorplan/<int:plan_id>", kiosk.kiosk_save, name="kiosk_save"),
    path("hall/kiosk/floorplan/finish/", kiosk.kiosk_finish, name="kiosk_finish"),
    path("hall/kiosk/floorplan/reset/", kiosk.kiosk_reset, name="kiosk_reset"),
]
