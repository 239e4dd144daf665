"""The demo's inspections, carried out through the field services as the inspectors' phones
would: the applicant takes the first time offered, the department names its two inspectors,
every check is recorded, both sides sign on the screen, and the inspection is concluded."""

from __future__ import annotations

import base64
import io
import uuid

from PIL import Image, ImageDraw

from tongban.accounts.models import Department, Role, User
from tongban.cases.models import Case
from tongban.exchange.services.grants import resource_define
from tongban.field.credit import FIELDS, RESOURCE
from tongban.field.models import FieldVisit, Inspection
from tongban.field.services import conclusion, onsite
from tongban.field.services.scheduling import slots_for, visit_assign, visit_choose_slot


def _signature(seed: int) -> str:
    """A scribble drawn like a finger on the screen."""
    picture = Image.new("RGBA", (320, 120), (0, 0, 0, 0))
    points = [(20 + i * 40, 60 + ((seed * (i + 3)) % 41) - 20) for i in range(8)]
    ImageDraw.Draw(picture).line(points, fill=(20, 20, 60, 255), width=3)
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _inspectors(inspection: Inspection) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            department_id=inspection.department_id,
            role_grants__role=Role.INSPECTOR,
        )
        .distinct()
        .order_by("pk")[:2]
    )


def demo_inspect(case: Case) -> bool:
    """Carry out the case's open inspection, passing every check; False when it has none or
    its department has no two inspectors."""
    inspection = (
        Inspection.objects.filter(case=case, state=Inspection.State.OPEN)
        .select_related("visit")
        .first()
    )
    if inspection is None:
        return False
    people = _inspectors(inspection)
    if len(people) < 2:
        return False
    visit = inspection.visit
    if visit.state == FieldVisit.State.PROPOSED:
        if visit.starts_at is None:
            visit = visit_choose_slot(
                actor=case.applicant, visit=visit, starts_at=slots_for(visit)[0][0]
            )
        visit = _assign(inspection, people)
    for check in inspection.checklist:
        onsite.entry_record(
            actor=people[0],
            visit=visit,
            client_id=uuid.uuid4(),
            inspection_id=inspection.pk,
            code=check["code"],
            verdict="pass",
        )
    for n, person in enumerate(people):
        if not visit.signatures.filter(signer=person).exists():
            onsite.signature_add(
                actor=person,
                visit=visit,
                client_id=uuid.uuid4(),
                role="inspector",
                image=_signature(case.pk + n),
            )
    if not visit.signatures.filter(role="applicant").exists():
        onsite.signature_add(
            actor=people[0],
            visit=visit,
            client_id=uuid.uuid4(),
            role="applicant",
            name=case.applicant.real_name or case.applicant.username,
            image=_signature(case.pk + 7),
        )
    conclusion.inspection_conclude(
        actor=people[0],
        visit=visit,
        client_id=uuid.uuid4(),
        inspection_id=inspection.pk,
        result="pass",
    )
    return True


def _assign(inspection: Inspection, people: list[User]) -> FieldVisit:
    """The department's reviewer names the inspectors."""
    reviewer = (
        User.objects.filter(
            is_active=True, department_id=inspection.department_id, role_grants__role=Role.REVIEWER
        )
        .order_by("pk")
        .first()
    )
    if reviewer is None:
        raise LookupError(f"部门 {inspection.department_id} 没有审批人员指派核查人员")
    return visit_assign(actor=reviewer, inspection=inspection, inspector_ids=[p.pk for p in people])


def demo_credit_resource() -> None:
    """告知承诺信用记录 on the exchange, published by the market regulator (信用公示)."""
    resource_define(
        code=RESOURCE,
        provider=Department.objects.get(code="scjg"),
        fields=FIELDS,
        name="告知承诺信用记录",
        name_en="Credit records of broken commitments",
        description="以告知承诺方式取得许可、经核查承诺不实被撤销许可的记录。",
        sharing_class="conditional",
        subject_kind="enterprise",
        update_frequency="realtime",
        provider_plugin="field.credit",
    )
