from django.urls import path

from tongban.cases.bundles import views as bundles
from tongban.cases.joint import views as joint
from tongban.cases.views import applicant, workbench

app_name = "cases"

urlpatterns = [
    path("apply/<str:code>/", applicant.apply, name="apply"),
    path("my/cases/", applicant.mine, name="mine"),
    path("bundles/<slug:code>/apply/", bundles.bundle_apply, name="bundle_apply"),
    path("my/bundles/<int:bundle_case_id>/", bundles.bundle_detail, name="bundle_detail"),
    path(
        "workbench/bundles/<int:bundle_case_id>/deliver/",
        bundles.bundle_deliver_all,
        name="bundle_deliver",
    ),
    path("my/cases/<int:case_id>/", applicant.mine_detail, name="mine_detail"),
    path("my/cases/<int:case_id>/continue/", applicant.continue_draft, name="continue"),
    path("my/cases/<int:case_id>/form.pdf", applicant.mine_form_pdf, name="mine_form_pdf"),
    path("my/cases/<int:case_id>/resubmit/", applicant.resubmit, name="resubmit"),
    path("my/cases/<int:case_id>/withdraw/", applicant.withdraw, name="withdraw"),
    path("workbench/", workbench.worklist, name="worklist"),
    path("workbench/cases/<int:case_id>/", workbench.case_page, name="case"),
    path("workbench/cases/<int:case_id>/reveal/", workbench.reveal_applicant, name="reveal"),
    path("workbench/cases/<int:case_id>/joint/", joint.joint_new, name="joint_new"),
    path("workbench/joint/<int:review_id>/", joint.joint_page, name="joint"),
    path("workbench/cases/<int:case_id>/<str:action>/", workbench.act, name="act"),
]
