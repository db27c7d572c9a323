"""The item browser: filters, full-text search and sorts, paged by keyset (htmx partials)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from annota.services import item_search, projects
from annota.services.item_search import ItemQuery
from annota.web.pages_projects import can_browse, can_manage
from annota.web.session import DB, PageRoute, User
from annota.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
PAGE_SIZE = 50


def _blank(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


@router.get("/projects/{project_id}/items")
def items(
    request: Request,
    project_id: int,
    db: DB,
    user: User,
    state: str | None = None,
    annotator: str | None = None,
    label: str | None = None,
    meta_key: str | None = None,
    meta_value: str | None = None,
    q: str | None = None,
    sort: str = "id",
    after: str | None = None,
) -> Response:
    """The whole page, or only the result rows when htmx asks (filter change, next page)."""
    project = projects.get_project(db, user.actor, project_id)
    query = ItemQuery(
        state=_blank(state),
        annotator=_blank(annotator),
        label=_blank(label),
        meta_key=_blank(meta_key),
        meta_value=_blank(meta_value),
        text=_blank(q),
        sort=sort,
        after=_blank(after),
        limit=PAGE_SIZE,
    )
    page = item_search.search_items(db, user.actor, project_id, query)
    counts = item_search.annotation_counts(db, user.actor, project_id, [i.id for i in page.items])
    filters = {
        "state": query.state or "",
        "annotator": query.annotator or "",
        "label": query.label or "",
        "meta_key": query.meta_key or "",
        "meta_value": query.meta_value or "",
        "q": query.text or "",
        "sort": query.sort,
    }
    context = {
        "project": project,
        "page": page,
        "counts": counts,
        "filters": filters,
        "next_query": {k: v for k, v in filters.items() if v} | {"after": page.next_cursor or ""},
        "states": item_search.STATES,
        "sorts": {"id": "oldest first", "-id": "newest first", "priority": "highest priority",
                  "done": "fewest annotations"},
        "can_browse": can_browse(project, user),
        "can_manage": can_manage(project, user),
        "tab": "items",
    }  # fmt: skip
    partial = request.headers.get("hx-request") and request.headers.get("hx-target") == "results"
    return render(request, "partials/item_rows.html" if partial else "items.html", context)
