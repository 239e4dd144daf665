"""The guide's pages: the portal's one search, 数小二's conversation, the way from a result to
its page, and what the catalogue's keepers learn from the queries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.catalog.models import Bundle, ServiceItem
from tongban.catalog.selectors import portal_revision
from tongban.core.pagecache import public_page
from tongban.core.pages import PAGE_REFUSALS, refusal_messages, refusal_text
from tongban.guide import selectors
from tongban.guide.conversation import converse
from tongban.guide.index import current_index
from tongban.guide.models import GuideQuery, Synonym
from tongban.guide.presenters import grouped, hit_out, lead_of
from tongban.guide.services import (
    alias_add,
    guide_search,
    query_opened,
    synonym_add,
    synonym_retire,
)

EXAMPLES = ("我想开一家书店", "孩子出生上户口", "身份证过期了", "开个小饭馆", "社保卡")


def search(request: HttpRequest) -> HttpResponse:
    """The results of the header's search box, grouped, led by the bundle that fits."""
    raw = request.GET.get("q", "")
    page: dict[str, object] = {"query": raw.strip()[:200], "examples": EXAMPLES}
    page["search_query"] = page["query"]
    if raw.strip():
        try:
            found = guide_search(raw, channel=GuideQuery.Channel.PORTAL, limit=20)
        except PAGE_REFUSALS as exc:
            page["error"] = refusal_text(exc)
        else:
            lead = lead_of(found.hits)
            page.update(
                {
                    "query": found.text,
                    "count": len(found.hits),
                    "lead": hit_out(lead, found.query_id) if lead else None,
                    "groups": grouped(found.hits, found.query_id),
                    "searched": True,
                }
            )
    return render(request, "guide/search.html", page)


def open_result(request: HttpRequest, query_id: int) -> HttpResponse:
    """Note that a result of a query was opened, and go to it (only to a page the index
    knows: never an address taken from the request)."""
    target = request.GET.get("to", "")
    kind, _sep, code = target.partition(":")
    doc = next(
        (d for d in current_index().docs if d.kind == kind and d.code == code),
        None,
    )
    if doc is None:
        raise Http404(_("该服务不存在或已下线"))
    query_opened(query_id, target)
    return HttpResponseRedirect(doc.url)


@public_page(portal_revision, when=lambda request: not request.GET)
def ask(request: HttpRequest) -> HttpResponse:
    """数小二 on the portal."""
    return ask_page(request, template="base.html", channel=GuideQuery.Channel.ASK, kiosk=False)


def ask_page(request: HttpRequest, *, template: str, channel: str, kiosk: bool) -> HttpResponse:
    """数小二's page, on the portal or (`kiosk`) on a hall kiosk; the conversation lives in
    the address, so the page keeps nothing about the person."""
    params = {k: v for k, v in request.GET.items() if isinstance(v, str)}
    try:
        conversation = converse(params, base=request.path, channel=channel)
    except PAGE_REFUSALS as exc:
        conversation = converse({}, base=request.path, channel=channel)
        messages.error(request, refusal_text(exc))
    return render(
        request,
        "guide/ask.html",
        {
            "conversation": conversation,
            "base_template": template,
            "kiosk": kiosk,
            "examples": EXAMPLES,
        },
    )


def _keeper(request: HttpRequest) -> None:
    if not request.user.has_perm("guide.manage_vocabulary"):
        raise PermissionDenied(_("仅系统管理员和大厅管理员可维护导办词库"))


@login_required
def queries(request: HttpRequest) -> HttpResponse:
    """What people asked that found nothing or led nowhere, with counts; aliases and synonyms
    added from here."""
    _keeper(request)
    days = request.GET.get("days", "30")
    span = int(days) if days.isdigit() and 1 <= int(days) <= 365 else 30
    figures = selectors.unanswered_queries(days=span)
    items = ServiceItem.objects.filter(state=ServiceItem.State.PUBLISHED).order_by("code")
    return render(
        request,
        "guide/queries.html",
        {
            "days": span,
            "nothing": figures["nothing"],
            "nowhere": figures["nowhere"],
            "targets": [(f"item:{i.code}", i.name) for i in items]
            + [(f"bundle:{b.code}", b.name) for b in Bundle.objects.order_by("code")],
            "synonyms": selectors.synonym_list()[:500],
        },
    )


@login_required
@require_POST
def vocabulary_add(request: HttpRequest) -> HttpResponse:
    _keeper(request)
    back = redirect(reverse("guide:queries"))
    try:
        if request.POST.get("what") == "synonym":
            synonym = synonym_add(
                term=request.POST.get("term", ""),
                canonical=request.POST.get("canonical", ""),
                note=request.POST.get("note", ""),
                user=request.user,
            )
            messages.success(request, _("已添加同义词：%(s)s") % {"s": synonym})
        else:
            added = alias_add(
                target=request.POST.get("target", ""), alias=request.POST.get("alias", "")
            )
            if added.published:
                messages.success(request, _("已为“%(name)s”添加俗称并发布") % {"name": added.name})
            else:
                messages.success(
                    request,
                    _("已将俗称加入“%(name)s”的草稿（第%(v)s版），草稿发布后生效")
                    % {"name": added.name, "v": added.version},
                )
    except PAGE_REFUSALS as exc:
        refusal_messages(request, exc)
    return back


@login_required
@require_POST
def synonym_stop(request: HttpRequest, synonym_id: int) -> HttpResponse:
    _keeper(request)
    synonym = get_object_or_404(Synonym, pk=synonym_id)
    try:
        synonym_retire(synonym=synonym)
    except PAGE_REFUSALS as exc:
        refusal_messages(request, exc)
    else:
        messages.success(request, _("已停用同义词：%(s)s") % {"s": synonym})
    return redirect(reverse("guide:queries"))
