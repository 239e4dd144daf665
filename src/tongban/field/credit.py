"""Credit records on the exchange: the resource `res.commitment_credit` (告知承诺信用记录),
provider plugin `field.credit`, answers a subject's (an enterprise's credit code, a person's
ID number) broken commitments, so other departments see them through the exchange's grants
and its access log, like any shared data."""

from __future__ import annotations

from tongban.exchange.models import DataResource
from tongban.exchange.providers import Provider, Record
from tongban.field.models import CreditRecord

RESOURCE = "res.commitment_credit"
FIELDS = [
    {"code": "records", "label": "告知承诺不实记录数", "sensitivity": "internal"},
    {"code": "latest_on", "label": "最近记录日期", "sensitivity": "internal"},
    {"code": "latest_reason", "label": "最近记录事由", "sensitivity": "internal"},
    {"code": "latest_department", "label": "记录部门", "sensitivity": "internal"},
]


class CommitmentCredit(Provider):
    def fetch(self, resource: DataResource, subject_key: str, fields: list[str]) -> Record | None:
        found = list(
            CreditRecord.objects.filter(subject_key=subject_key)
            .select_related("department")
            .order_by("-recorded_on", "-pk")[:50]
        )
        if not found:
            return None
        latest = found[0]
        record = {
            "records": len(found),
            "latest_on": latest.recorded_on.isoformat(),
            "latest_reason": latest.reason,
            "latest_department": latest.department.name,
        }
        return {name: record.get(name) for name in fields}
