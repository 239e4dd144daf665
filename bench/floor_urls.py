"""The product's routes plus `/bench/floor`: the least work any submission must do.

A submission must authenticate the applicant (session and user reads), pass the CSRF check,
parse a multipart upload and commit at least one row. This view does exactly that and nothing
else, so its requests/s is a ceiling for any submit on this stack, measured in the same run as
the bare view. `?audit=1` adds the audit record every write carries (written alone; the
sequencer seals it after commit).
"""

from __future__ import annotations

from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

from tongban.core.audit import audit_log
from tongban.urls import urlpatterns as product_urlpatterns

TABLE_SQL = "CREATE TABLE IF NOT EXISTS bench_floor (size integer NOT NULL)"


@require_POST
def floor(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "未登录"}, status=401)
    size = sum(len(f.read()) for f in request.FILES.values())
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_floor (size) VALUES (%s)", [size])
        if request.GET.get("audit"):
            audit_log(action="bench.floor", obj=request.user, changes={"size": [None, size]})
    return JsonResponse({"stored": size})


urlpatterns = [*product_urlpatterns, path("bench/floor", floor)]
