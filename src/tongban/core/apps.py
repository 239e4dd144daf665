from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tongban.core"
    label = "core"
    verbose_name = "基础设施"

    def ready(self) -> None:
        from tongban.core.auditkeys import FileEd25519Signer, checkpoint_signers
        from tongban.core.auditseal import audit_seal_all
        from tongban.core.audittime import audit_timestamp
        from tongban.core.sweeps import sweeps

        checkpoint_signers.register("ed25519", FileEd25519Signer())
        # The sequencer's own loop (`tongban audit sequence`) seals every second; the sweep
        # makes sure nothing stays unsealed where that loop is not running.
        sweeps.register(
            "core.audit_seal",
            lambda: f"审计封存 {audit_seal_all()}，时间戳 {int(audit_timestamp() is not None)}",
        )
