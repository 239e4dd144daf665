"""The certificate library as an exchange provider: a `cert.*` resource whose provider is
`certificates` answers with the holder's newest valid certificate of that type, so the next
application that needs it does not ask for it. Certificates issued before the platform
(imported into the registry records, 存量证照) answer when the platform has issued none."""

from __future__ import annotations

from tongban.certificates.models import Certificate, CertificateType
from tongban.core import clock
from tongban.exchange.models import DataResource
from tongban.exchange.providers import BuiltinProvider, Provider, Record


class CertificateLibrary(Provider):
    def __init__(self) -> None:
        self._imported = BuiltinProvider()

    def fetch(self, resource: DataResource, subject_key: str, fields: list[str]) -> Record | None:
        today = clock.localdate()
        candidates = (
            Certificate.objects.filter(
                type__in=CertificateType.objects.filter(resource_code=resource.code),
                holder_key=subject_key,
                state=Certificate.State.VALID,
            )
            .order_by("-issued_on", "-pk")
            .values("number", "holder_name", "issued_on", "valid_until", "data")[:5]
        )
        for row in candidates:
            if row["valid_until"] is not None and row["valid_until"] < today:
                continue
            record = {
                "certificate_no": row["number"],
                "holder": row["holder_name"],
                "issued_on": row["issued_on"].isoformat(),
                "valid_until": row["valid_until"].isoformat() if row["valid_until"] else "长期",
                **row["data"],
            }
            return {name: record.get(name) for name in fields}
        return self._imported.fetch(resource, subject_key, fields)
