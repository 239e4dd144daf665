"""The guide's API: one search over items, bundles and life events."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from tongban.guide.models import GuideQuery
from tongban.guide.presenters import hit_out, lead_of
from tongban.guide.schemas import GuideSearchOut
from tongban.guide.services import guide_search
from tongban.guide.text import MAX_QUERY_LENGTH

router = Router(tags=["智能导办 guide"])


class SearchParams(Schema):
    q: str = Field(max_length=MAX_QUERY_LENGTH, description="要办的事，如“我想开一家书店”")
    limit: int = Field(default=10, ge=1, le=50)


@router.get("/search", response=GuideSearchOut, summary="搜索事项、一件事和主题")
def search(request: HttpRequest, params: Query[SearchParams]) -> dict[str, object]:
    found = guide_search(params.q, channel=GuideQuery.Channel.API, limit=params.limit)
    lead = lead_of(found.hits)
    return {
        "query": found.text,
        "count": len(found.hits),
        "lead": hit_out(lead, found.query_id) if lead else None,
        "results": [hit_out(h, found.query_id) for h in found.hits],
    }
