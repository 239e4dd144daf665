"""Top-level URLs: portal pages, accounts, admin, the JSON API and the health check."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic.base import RedirectView

from tongban.api import api
from tongban.catalog.views import portal
from tongban.core.language import language_switch
from tongban.home import me_home


def healthz(request: HttpRequest) -> HttpResponse:
    """A bare view through the full middleware stack: liveness probe and the bench baseline."""
    return HttpResponse("ok", content_type="text/plain")


def audit_key(request: HttpRequest) -> HttpResponse:
    """The public key the audit log's checkpoints are signed with (and the retired ones):
    what a person or a witness checks proofs with. Compare it with a witness's copy."""
    from tongban.core.auditkeys import known_keys, public_key_pem

    text = "".join(f"# key id {kid}\n{public_key_pem(key)}" for kid, key in known_keys().items())
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


handler403 = "tongban.core.pages.permission_denied"
handler404 = "tongban.core.pages.page_not_found"
handler500 = "tongban.core.pages.server_error"

admin.site.site_header = "通办 · 管理后台"
admin.site.site_title = "通办管理后台"

urlpatterns = [
    path("", portal.home, name="home"),
    path("me/", me_home, name="me_home"),
    path("", include("tongban.guide.urls")),
    path("", include("tongban.catalog.urls")),
    path("", include("tongban.cases.urls")),
    path("", include("tongban.forms.urls")),
    path("", include("tongban.exchange.urls")),
    path("", include("tongban.certificates.urls")),
    path("", include("tongban.delivery.urls")),
    path("", include("tongban.ratings.urls")),
    path("", include("tongban.field.urls")),
    path("", include("tongban.projects.urls")),
    path("", include("tongban.floorplans.urls")),
    path("", include("tongban.notify.urls")),
    path("", include("tongban.hall.urls")),
    path("", include("tongban.servicemap.urls")),
    path("", include("tongban.analytics.urls")),
    path("accounts/", include("tongban.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("i18n/lang/<str:code>/", language_switch, name="language_switch"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("healthz", healthz, name="healthz"),
    path("audit/key.pem", audit_key, name="audit_key"),
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
]
