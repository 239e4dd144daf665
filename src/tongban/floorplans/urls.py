from django.urls import path

from tongban.floorplans import views

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
]
