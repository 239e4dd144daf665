"""Admin: certificate types (checked on save, then published to the certificate library's
exchange resource) and issued certificates (read-only; revocation asks for the reason)."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from tongban.accounts.requests import request_user
from tongban.certificates.models import Certificate, CertificateType
from tongban.certificates.services import certificate_revoke, type_problems, type_publish
from tongban.core.admin_audit import AuditedModelAdmin, ReadOnlyAdmin


class CertificateTypeForm(django_forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = CertificateType
        fields = [
            "code",
            "name",
            "template",
            "items",
            "fallback",
            "resource_code",
            "holder_kind",
            "number_pattern",
            "validity_years",
            "fields",
            "active",
        ]
        widgets = {"fields": django_forms.Textarea(attrs={"rows": 14, "cols": 100})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field, problems in type_problems(data).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, problems)
        return data


@admin.register(CertificateType)
class CertificateTypeAdmin(AuditedModelAdmin[CertificateType]):
    form = CertificateTypeForm
    list_display = ["name", "code", "template", "number_pattern", "validity_years", "active"]

    def save_model(
        self, request: HttpRequest, obj: CertificateType, form: Any, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        type_publish(obj)


class RevokeForm(django_forms.Form):
    reason = django_forms.CharField(label="撤销原因", max_length=300, widget=django_forms.Textarea)


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin[Certificate]):
    list_display = ["number", "type", "holder_name", "issuer", "issued_on", "valid_until", "state"]
    list_filter = ["type", "state", "issuer"]
    search_fields = ["number", "holder_name", "holder_key"]
    exclude = ["pdf"]
    actions = ["revoke"]

    @admin.action(description="撤销所选证照（须填写原因）")
    def revoke(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> HttpResponse | None:
        user = request_user(request)
        form = RevokeForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            for certificate in queryset:
                try:
                    certificate_revoke(
                        certificate=certificate, actor=user, reason=form.cleaned_data["reason"]
                    )
                except (PermissionDenied, ValidationError) as exc:
                    self.message_user(request, f"{certificate.number}：{exc}", messages.ERROR)
                else:
                    self.message_user(request, f"{certificate.number} 已撤销")
            return None
        return TemplateResponse(
            request,
            "certificates/admin_revoke.html",
            {
                **self.admin_site.each_context(request),
                "title": "撤销电子证照",
                "certificates": queryset,
                "form": form,
                "opts": self.model._meta,
            },
        )
