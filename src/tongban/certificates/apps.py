from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "tongban.certificates"
    label = "certificates"
    verbose_name = "电子证照"

    def ready(self) -> None:
        from django.conf import settings

        from tongban.cases.services.results import (
            form_sealers,
            joint_decision_makers,
            result_makers,
        )
        from tongban.certificates import rules
        from tongban.certificates.library import CertificateLibrary
        from tongban.certificates.services import certificate_issue, opinion_issue
        from tongban.certificates.signers import DemoSealSigner, seal_signer, seal_signers
        from tongban.exchange.providers import providers

        rules.register()
        seal_signers.register("demo", DemoSealSigner())
        providers.register("certificates", CertificateLibrary())
        result_makers.register(
            "certificates", lambda case, actor: certificate_issue(case=case, actor=actor)
        )
        form_sealers.register(
            "certificates",
            lambda pdf, reason: seal_signer().sign(pdf, reason=reason, location=settings.CITY_NAME),
        )
        joint_decision_makers.register(
            "certificates", lambda review, actor: opinion_issue(review=review, actor=actor)
        )
