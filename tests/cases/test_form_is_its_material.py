"""The application form filled online is its 申请表 material (issue 19, part 1): never asked as
an upload (an upload of it is refused by name), recorded as provided by the form, and every
other upload says its file types and size limit."""

from __future__ import annotations

import random

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tongban.accounts.models import User
from tongban.cases.models import CaseMaterial
from tongban.cases.services.submission import case_save_draft, case_submit, form_material
from tongban.catalog.models import ServiceItem
from tongban.core.synthetic import make_pdf
from tongban.forms.services import item_form
from tongban.forms.synthetic import fill_form


@pytest.mark.django_db
def test_the_food_licence_form_is_its_application_material(demo_city: None) -> None:
    zhangsan = User.objects.get(username="zhangsan")
    item = ServiceItem.objects.get(state="published", name="食品经营许可")
    assert form_material(item) == "食品经营许可申请书"
    case = case_save_draft(
        actor=zhangsan,
        code=item.code,
        applicant=zhangsan,
        enterprise=zhangsan.enterprises.first(),
        idempotency_key="form-is-material",
        situations={"business": "sale", "premises": "rent"},
    )
    client = Client()
    client.force_login(zhangsan)
    draft = client.get(f"/my/cases/{case.pk}/continue/").content.decode()
    assert 'data-testid="by-form"' in draft and 'data-testid="upload-hint"' in draft
    assert "PDF、JPG或PNG，单个文件不超过20MB" in draft
    form = fill_form(item_form(item), case.situations, {}, random.Random(5))  # noqa: S311
    application = item.materials.get(name="食品经营许可申请书")
    rules = item.materials.get(name="食品安全管理制度目录")

    def pdf(name: str) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, make_pdf(name), content_type="application/pdf")

    with pytest.raises(ValidationError) as refused:
        case_submit(
            case=case,
            actor=zhangsan,
            form_data=form,
            files={application.pk: pdf("申请书.pdf"), rules.pk: pdf("制度.pdf")},
        )
    assert refused.value.message_dict[f"materials.{application.pk}"] == [
        "“食品经营许可申请书”已在线填写，无需上传"
    ]
    case = case_submit(case=case, actor=zhangsan, form_data=form, files={rules.pk: pdf("制度.pdf")})
    assert case.state == "submitted"
    row = case.materials.get(material=application)
    assert row.status == CaseMaterial.Status.PROVIDED and row.provenance == {"kind": "form"}
    page = client.get(f"/my/cases/{case.pk}/").content.decode()
    assert "在线填写的申请表即为此材料" in page
    # The filled form standing for the material is a signed document: the platform's seal
    # over the PDF the applicant and the departments download.
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    answer = client.get(f"/my/cases/{case.pk}/form.pdf")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    signatures = PdfFileReader(BytesIO(answer.content)).embedded_signatures
    assert len(signatures) == 1
    assert signatures[0].sig_object["/Reason"] == f"申请表 {case.number or case.pk}"
