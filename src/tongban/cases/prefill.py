"""Prefill sources that need the exchange or the case records, registered by this app (which
sits above both forms and exchange): the person's or enterprise's records shared with the item's
department, and the applicant's earlier cases."""

from __future__ import annotations

import re

from django.utils.translation import gettext_noop

from tongban.cases.models import Case, CaseState
from tongban.core.texts import said
from tongban.exchange.models import DataResource
from tongban.exchange.services.query import QueryRequest, exchange_query_many
from tongban.forms.prefill import PrefillContext, prefill_sources

PERSON_RESOURCE = "res.population"
ENTERPRISE_RESOURCE = "res.business_license"


def _ask(ctx: PrefillContext, asks: list[tuple[str, str, list[str]]]) -> dict[str, dict[str, str]]:
    """Records from the exchange for the item's department, within its grants, in one batch
    (grants read once, one audit record): for each (resource code, subject, fields), the
    values by field. Every query is logged like any other; no grant, no record, a bad
    subject or a provider down gives nothing for that resource."""
    wanted = [(code, subject, fields) for code, subject, fields in asks if subject and fields]
    resources = {
        r.code: r
        for r in DataResource.objects.filter(code__in={c for c, _, _ in wanted}).prefetch_related(
            "fields"
        )
    }
    purpose = said(gettext_noop("预填“{item}”申请表"), item=ctx.item)
    requests = [
        QueryRequest(resources[code], subject, purpose, fields)
        for code, subject, fields in wanted
        if code in resources
    ]
    if not requests:
        return {}
    results = exchange_query_many(
        consumer=ctx.item.department,
        requests=requests,
        actor_label=said(gettext_noop("申请表预填")),
        case_id=ctx.case_id,
    )
    # A masked value is for reading, not for filling a form.
    return {
        result.resource.code: {
            k: str(v) for k, v in result.record.items() if v and "*" not in str(v)
        }
        for result in results
        if result.ok
    }


def _person(ctx: PrefillContext) -> str:
    return (ctx.user.id_number if ctx.user else "") or (ctx.reading or {}).get("id_number", "")


def _enterprise(ctx: PrefillContext) -> str:
    return ctx.enterprise.uscc if ctx.enterprise else (ctx.reading or {}).get("credit_code", "")


class ExchangeSource:
    name = "exchange"
    label = gettext_noop("数据共享")
    needs = (
        "事项所属部门对户籍信息（res.population）或营业执照登记信息（res.business_license）"
        "的有效共享授权，以及申请人的公民身份号码或企业的统一社会信用代码"
    )
    provides = {
        "person.name": "姓名（户籍）",
        "person.sex": "性别（户籍）",
        "person.birth_date": "出生日期（户籍）",
        "person.address": "户籍地址",
        "enterprise.name": "企业名称（登记）",
        "enterprise.uscc": "统一社会信用代码（登记）",
        "enterprise.type": "企业类型（登记）",
        "enterprise.legal_representative": "法定代表人（登记）",
        "enterprise.address": "住所（登记）",
        "enterprise.business_scope": "经营范围（登记）",
    }

    def fetch(self, ctx: PrefillContext, keys: set[str]) -> dict[str, str]:
        person = sorted(k.split(".", 1)[1] for k in keys if k.startswith("person."))
        company = sorted(k.split(".", 1)[1] for k in keys if k.startswith("enterprise."))
        records = _ask(
            ctx,
            [
                (PERSON_RESOURCE, _person(ctx), person),
                (ENTERPRISE_RESOURCE, _enterprise(ctx), company),
            ],
        )
        return {
            **{f"person.{k}": v for k, v in records.get(PERSON_RESOURCE, {}).items()},
            **{f"enterprise.{k}": v for k, v in records.get(ENTERPRISE_RESOURCE, {}).items()},
        }


class CertificateSource:
    """Electronic certificates already issued to the applicant (or their enterprise), from the
    certificate library the exchange serves: `certificates.<type>.<field>`, e.g.
    `certificates.health.certificate_no` from `cert.health`."""

    name = "certificates"
    label = gettext_noop("电子证照")
    needs = "事项所属部门对该证照（cert.*）的有效共享授权，以及持证人的身份号码或信用代码"

    @property
    def provides(self) -> dict[str, str]:
        resources = DataResource.objects.filter(kind=DataResource.Kind.CERTIFICATE)
        return {
            f"{r.code.removeprefix('cert.')}.{f.code}": f"{r.name}·{f.label}"
            for r in resources.prefetch_related("fields")
            for f in r.fields.all()
        }

    def accepts(self, key: str) -> bool:
        """Any `<type>.<field>`: certificate types are added to the library over time, and a
        form that names one not yet shared simply gets nothing from it."""
        return re.fullmatch(r"[a-z0-9_]+\.[a-z0-9_]+", key) is not None

    def fetch(self, ctx: PrefillContext, keys: set[str]) -> dict[str, str]:
        wanted: dict[str, list[str]] = {}
        for key in keys:
            kind, _, field = key.partition(".")
            wanted.setdefault(kind, []).append(field)
        kinds = {
            r.code: r.subject_kind
            for r in DataResource.objects.filter(code__in=[f"cert.{k}" for k in wanted])
        }
        asks = [
            (code, _person(ctx) if subject_kind == "person" else _enterprise(ctx), sorted(fields))
            for code, subject_kind in kinds.items()
            for fields in [wanted[code.removeprefix("cert.")]]
        ]
        return {
            f"{code.removeprefix('cert.')}.{field}": value
            for code, record in _ask(ctx, asks).items()
            for field, value in record.items()
        }


class EarlierCasesSource:
    name = "cases"
    label = gettext_noop("以往办件")
    needs = "已登录的申请人；取其最近一次提交过的办件中同名字段的值"
    provides = {
        "phone": "联系电话",
        "address": "地址",
        "contact_name": "联系人",
        "premises_address": "经营场所",
        "premises_area": "经营场所面积",
        "email": "电子邮箱",
    }

    def fetch(self, ctx: PrefillContext, keys: set[str]) -> dict[str, str]:
        if ctx.user is None:
            return {}
        rows = (
            Case.objects.filter(applicant=ctx.user)
            .exclude(state=CaseState.DRAFT)
            .exclude(form_data={})
            .order_by("-pk")
            .values_list("form_data", flat=True)[:10]
        )
        out: dict[str, str] = {}
        for data in rows:
            for key in keys - set(out):
                value = data.get(key) if isinstance(data, dict) else None
                if isinstance(value, str | int | float) and str(value).strip():
                    out[key] = str(value)
        return out


def register() -> None:
    prefill_sources.register("exchange", ExchangeSource())
    prefill_sources.register("cases", EarlierCasesSource())
    prefill_sources.register("certificates", CertificateSource())
