from django.urls import path

from tongban.ratings.views import manage, online, pad

app_name = "ratings"

urlpatterns = [
    path("ratings/case/<int:case_id>/", online.rate_case, name="case"),
    path("ratings/bundle/<int:bundle_case_id>/", online.rate_bundle, name="bundle"),
    path("ratings/<int:rating_id>/", online.rating_page, name="rating"),
    path("ratings/<int:rating_id>/follow-up/", online.follow_up, name="follow_up"),
    path("ratings/<int:rating_id>/again/", online.rate_again, name="again"),
    path("ratings/figures/", online.figures_page, name="figures"),
    path("hall/rate/", pad.pad_page, name="pad"),
    path("hall/rate/state/", pad.pad_state, name="pad_state"),
    path("manage/ratings/", manage.task_list, name="tasks"),
    path("manage/ratings/tasks/<int:task_id>/", manage.task_page, name="task"),
    path("manage/ratings/tasks/<int:task_id>/<slug:step>/", manage.task_step, name="task_step"),
    path("manage/ratings/appeals/<int:appeal_id>/", manage.appeal_decide, name="appeal_decide"),
    path("manage/ratings/export.csv", manage.export, name="export"),
]
