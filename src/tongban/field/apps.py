from django.apps import AppConfig


class FieldConfig(AppConfig):
    name = "tongban.field"
    label = "field"
    verbose_name = "现场核查与告知承诺"

    def ready(self) -> None:
        from tongban.cases.panels import DraftPanel, bundle_case_panels, case_panels, draft_panels
        from tongban.cases.services.followers import followers
        from tongban.cases.services.waivers import material_waivers
        from tongban.core.sweeps import sweeps
        from tongban.exchange.providers import providers
        from tongban.field import presenters, rules
        from tongban.field.credit import CommitmentCredit
        from tongban.field.services.commitments import (
            commitment_issue_follow,
            commitment_sign_follow,
            commitment_waiver,
        )
        from tongban.field.services.inspections import inspection_follow
        from tongban.field.services.scheduling import inspections_warnings_sweep

        rules.register()
        # The commitment is signed with the submission, before anything else follows it.
        followers.register("field.commitment", commitment_sign_follow, order=40)
        # Before the 一件事 (100) and the delivery: a grant without a passed inspection is
        # refused before anything follows it.
        followers.register("field", inspection_follow, order=50)
        # Last: once every follower of the submission ran (the delivery choice is recorded),
        # a licence on commitment is issued at once.
        followers.register("field.commitment_issue", commitment_issue_follow, order=900)
        material_waivers.register("field.commitment", commitment_waiver)
        draft_panels.register(
            "commitment", DraftPanel(prefix="commitment_", render=presenters.commitment_draft)
        )
        draft_panels.register(
            "previsit", DraftPanel(prefix="previsit_", render=presenters.previsit_draft)
        )
        case_panels.register("field", presenters.case_panel)
        case_panels.register("field.commitment", presenters.commitment_panel)
        bundle_case_panels.register("field", presenters.bundle_panel)
        providers.register("field.credit", CommitmentCredit())
        sweeps.register("field.inspections", lambda: f"核查预警 {inspections_warnings_sweep()}")
